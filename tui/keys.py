"""wfplan's keys, by screen, as the README names them: what `?` shows.

Written out rather than read from the active bindings, which also hold Textual's own keys
(super+c, ctrl+pageup) and the screen's short footer labels. A test checks that every key
bound on a screen or on the app is listed here, so a new key cannot be left out of `?`.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

KeyHelp = tuple[str, str]  # (keys, as typed: "c / o"; what they do)

SCREEN_KEYS: dict[str, list[KeyHelp]] = {
    "Site costs": [
        ("c / o", "close the site under the cursor in the scenario / reopen it"),
        ("e", "edit the site's lease, opex or break fee"),
        ("r", "the remote-cost parameters: stipend, equipment, IT security"),
        ("s / f / g", "sort by the cursor's column (again: reverse) / filter / switch chart"),
        ("x / X", "explain the figure under the cursor / the totals"),
    ],
    "Headcount": [
        ("t / p / v", "remote-share target / conversions a month / months or sites"),
        ("enter / escape", "drill into the site under the cursor / back to all sites"),
        ("x", "explain headcount, remote share, the gap and the plan"),
    ],
    "Hiring reach": [
        ("p", "hiring policy: radius, states, broadband, time zones, wage cap"),
        ("s / f", "sort by the cursor's column (again: reverse) / filter"),
        ("x", "explain the pools and the reach multiplier"),
    ],
    "KPIs": [
        ("b / a / k / d", "split / tenure-adjusted / primary KPI / period and as-of date"),
        ("m", "take the AHT difference shown (observed or tenure-adjusted) into the scenario"),
        ("x", "explain the KPI under the cursor"),
    ],
    "Staffing": [
        ("t", "service level, answer seconds, shrinkage, occupancy cap, patience"),
        ("x", "explain required and scheduled FTE"),
    ],
    "Scenarios": [
        ("a / b", "choose scenario A / B: the active one or a saved file"),
        ("x", "explain total cost, savings and payback of A and B"),
    ],
    "Plan": [
        ("o", "optimize closures: constraints, then the recommended closures (a applies them)"),
        ("escape", "cancel a running optimization"),
        ("x", "explain the month under the cursor"),
    ],
}

EVERYWHERE: list[KeyHelp] = [
    ("1 to 7", "Site costs, Headcount, Hiring reach, KPIs, Staffing, Scenarios, Plan"),
    ("u / ctrl+r", "undo / redo a scenario edit (says which)"),
    ("ctrl+s", "save the scenario as TOML (asks for a name the first time)"),
    ("w", "save as: a new name, a new file"),
    ("ctrl+o / ctrl+n", "open a saved scenario / start a new one"),
    ("ctrl+e", "export the screen's table to CSV, Parquet or Markdown, or copy it"),
    ("F5", "check and load the data folder again"),
    ("ctrl+p", "find any action of any screen by name (\"site: close\")"),
    ("?", "these keys"),
    ("q", "quit (asks first when the scenario has unsaved edits)"),
]

MOVING: list[KeyHelp] = [
    ("↑ ↓ PgUp PgDn", "rows of a table; a title that says \"↑↓\" has more rows"),
    ("← →", "cells, or the columns of a wide table (\"›\" marks more to the right)"),
    ("tab / shift+tab", "the next / previous table or field"),
    ("escape", "close a dialog"),
]


def sections(current: str) -> list[tuple[str, list[KeyHelp]]]:
    """The current screen's keys first, then the app's, then the other screens' and moving."""
    shown = [(f"{current} (this screen)", SCREEN_KEYS[current])] if current in SCREEN_KEYS else []
    shown.append(("Everywhere", EVERYWHERE))
    shown += [(title, rows) for title, rows in SCREEN_KEYS.items() if title != current]
    shown.append(("Moving around", MOVING))
    return shown


def help_lines(current: str) -> list[str]:
    """`sections` as plain lines, the descriptions in one column."""
    width = max(len(keys) for rows in (*SCREEN_KEYS.values(), EVERYWHERE, MOVING) for keys, _ in rows)
    lines: list[str] = []
    for title, rows in sections(current):
        lines += [title, *(f"  {keys:<{width}}  {what}" for keys, what in rows), ""]
    return lines[:-1]


def help_table(current: str) -> Group:
    """`sections`, each a title over a table whose descriptions wrap within their column."""
    width = 2 + max(len(keys) for rows in (*SCREEN_KEYS.values(), EVERYWHERE, MOVING) for keys, _ in rows)
    parts: list[Text | Table] = []
    for title, rows in sections(current):
        if parts:
            parts.append(Text(""))
        parts.append(Text(title, style="bold"))
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, width=width)
        table.add_column(ratio=1)
        for keys, what in rows:
            table.add_row(Text(f"  {keys}"), Text(what))
        parts.append(table)
    return Group(*parts)


def listed_keys(title: str) -> set[str]:
    """Every key `?` names for the screen `title` or everywhere, as Textual names keys."""
    names = {"F5": "f5", "?": "question_mark", "X": "X"}
    keys: set[str] = set()
    for combo, _ in [*SCREEN_KEYS.get(title, []), *EVERYWHERE]:
        for key in combo.split(" / "):
            if key == "1 to 7":
                keys |= {str(n) for n in range(1, 8)}
            else:
                keys.add(names.get(key, key))
    return keys
