"""What a user reads on the screen, as plain text lines, for assertions in Pilot tests.

Textual exports the screen as SVG, one <text> element per styled run; this puts the runs
back at their columns, line by line.
"""

from __future__ import annotations

import html
import re

from textual.app import App

_RUN = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
    r'clip-path="url\(#terminal-\d+-line-(\d+)\)">(.*?)</text>'
)
_CELL = 12.2  # the width of one terminal cell in Rich's SVG export


def screen_lines(app: App[object]) -> list[str]:
    width, height = app.size
    lines = [[" "] * width for _ in range(height)]
    for x, _, line, raw in _RUN.findall(app.export_screenshot()):
        text = html.unescape(raw).replace("\xa0", " ")
        start = round(float(x) / _CELL)
        row = int(line)
        for offset, char in enumerate(text):
            if row < height and start + offset < width:
                lines[row][start + offset] = char
    return ["".join(chars).rstrip() for chars in lines]


def screen_text(app: App[object]) -> str:
    return "\n".join(screen_lines(app))


async def loaded(pilot) -> None:
    """Wait until the app's workers are done: finished, failed (the app shows that itself)
    or cancelled (a newer load took over). `wait_for_complete` stops at the first cancelled
    worker still listed, which left a test racing the load that replaced it."""
    import asyncio

    await asyncio.gather(*(worker.wait() for worker in list(pilot.app.workers)), return_exceptions=True)
    await pilot.pause()


def screen_words(app: App[object]) -> str:
    """The screen with runs of spaces collapsed, for label-and-value checks at any width."""
    return "\n".join(" ".join(line.split()) for line in screen_lines(app))
