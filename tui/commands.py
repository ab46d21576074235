"""The command palette (ctrl+p): every action of the current screen, by name.

Names read "category: action" ("site: close", "view: sort"); each screen lists its own in
`PALETTE`, and the app adds the ones that work everywhere.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

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


class ScreenCommands(Provider):
    def _commands(self) -> list[tuple[str, str, str]]:
        screen_commands: list[tuple[str, str, str]] = getattr(self.screen, "palette_commands", lambda: [])()
        return [*screen_commands, *GLOBAL]

    async def _run(self, action: str) -> None:
        await self.screen.run_action(action)

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), help=help_text)
