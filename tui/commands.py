"""The command palette (ctrl+p): every action of every screen, by name.

Names read "category: action" ("site: close", "view: sort"); each screen lists its own in
`PALETTE`, and the app adds the ones that work everywhere. The current screen's actions come
first, as they are; another screen's carry its name ("site: close · Site costs") and switch
to that screen before they run, so a planner on Scenarios who types "site: close" gets there.
"""

from __future__ import annotations

from functools import partial
from importlib import import_module
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

# The app's modes and the screen class of each, in the order of the keys 1 to 7. The classes
# are imported when the palette opens, not at start (the app imports the screens lazily too).
SCREENS = (
    ("sites", "tui.screens.site_costs", "SiteCostsScreen"),
    ("headcount", "tui.screens.headcount", "HeadcountScreen"),
    ("reach", "tui.screens.reach", "ReachScreen"),
    ("kpis", "tui.screens.kpis", "KpiScreen"),
    ("staffing", "tui.screens.staffing", "StaffingScreen"),
    ("scenarios", "tui.screens.scenarios", "ScenariosScreen"),
    ("plan", "tui.screens.plan", "PlanOverTimeScreen"),
)

Command = tuple[str, str, str, str | None]  # name, help, action, mode to switch to first (None: here)

GLOBAL = [
    ("go: site costs", "Switch to the Site costs screen (1)", "app.switch_mode('sites')"),
    ("go: headcount", "Switch to the Headcount screen (2)", "app.switch_mode('headcount')"),
    ("go: hiring reach", "Switch to the Hiring reach screen (3)", "app.switch_mode('reach')"),
    ("go: KPIs", "Switch to the KPI screen (4)", "app.switch_mode('kpis')"),
    ("go: staffing", "Switch to the Staffing screen (5)", "app.switch_mode('staffing')"),
    ("go: scenarios", "Compare the baseline and two scenarios side by side (6)", "app.switch_mode('scenarios')"),
    ("go: plan", "The scenario month by month, NPV and break-even; which sites to close when (7)",
     "app.switch_mode('plan')"),
    ("scenario: save", "Save the scenario as TOML (ctrl+s)", "app.save"),
    ("scenario: save as", "Save the scenario under a new name, in a new file (w)", "app.save_as"),
    ("scenario: open", "Open a saved scenario (ctrl+o)", "app.open_scenario"),
    ("scenario: new", "Start an empty scenario (ctrl+n)", "app.new_scenario"),
    ("edit: undo", "Undo the last scenario edit (u)", "app.undo"),
    ("edit: redo", "Redo the edit undone last (ctrl+r)", "app.redo"),
    ("data: reload", "Check and load the data folder again (F5)", "app.reload"),
    ("app: keys", "List every key (?)", "app.help"),
    ("app: quit", "Quit, asking first when there are unsaved edits (q)", "app.quit_app"),
]


def every_command(app: Any, screen: Any) -> list[Command]:
    """The current screen's commands, then every other screen's, then the app's."""
    here = [(name, help_text, action, None) for name, help_text, action in
            getattr(screen, "palette_commands", lambda: [])()]
    others: list[Command] = []
    current = getattr(app, "current_mode", None)
    for mode, module, class_name in SCREENS:
        screen_class = getattr(import_module(module), class_name)
        if mode == current or isinstance(screen, screen_class):
            continue
        title = screen_class.SCREEN_TITLE
        others += [(f"{name} · {title}", f"{title}: {help_text}", action, mode)
                   for name, help_text, action in screen_class.PALETTE]
    return [*here, *others, *((name, help_text, action, None) for name, help_text, action in GLOBAL)]


class ScreenCommands(Provider):
    def _commands(self) -> list[Command]:
        return every_command(self.app, self.screen)

    async def _run(self, action: str, mode: str | None) -> None:
        if mode is None:
            await self.screen.run_action(action)
            return
        # Go to the screen first, then run the action there, on its cursor and its data.
        await self.app.switch_mode(mode)
        await self.app.screen.run_action(action)

    async def discover(self) -> Hits:
        for name, help_text, action, mode in self._commands():
            yield DiscoveryHit(name, partial(self._run, action, mode), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action, mode in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action, mode), help=help_text)
