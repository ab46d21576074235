"""Over SSH: 80x24, a 256-color terminal or NO_COLOR, no animations.

Snapshots of the Site costs and KPI screens as a 256-color terminal shows them and with
NO_COLOR set, each checked for readability (every letter and figure in a color apart from
its background) and checked to differ from the truecolor rendering, so that a snapshot
cannot pass by showing the usual colors.

How a 256-color terminal is rendered: `TEXTUAL_COLOR_SYSTEM=256` (Textual's
`constants.COLOR_SYSTEM`, read when Textual is imported) gives the app's console the
"256" color system, and Textual's `Strip.render` then sends each color through Rich's
`Color.downgrade(ColorSystem.EIGHT_BIT)`. A screenshot is always exported in truecolor,
so the test adds a line filter that applies the same downgrade to what the screenshot
shows: the colors the terminal would really display.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.filter import LineFilter
from textual.widgets import DataTable

from queries.config import load_settings
from tests.folders import write_folder
from tests.screen import loaded, screen_lines
from tui.app import WfplanApp
from tui.widgets.whole_columns import MORE_LEFT, MORE_RIGHT, WholeColumnTable

SIZE = (80, 24)
MIN_CONTRAST = 3.0  # WCAG's floor for large text and interface parts


# -- rendering ------------------------------------------------------------------------------


class EightBitTerminal(LineFilter):
    """Each color as a 256-color terminal shows it (the downgrade Strip.render applies)."""

    def apply(self, segments: list[Segment], background: Any) -> list[Segment]:
        return [Segment(text, None if style is None else downgraded(style), control)
                for text, style, control in segments]


def downgraded(style: Style) -> Style:
    color = style.color.downgrade(ColorSystem.EIGHT_BIT) if style.color is not None else None
    bgcolor = style.bgcolor.downgrade(ColorSystem.EIGHT_BIT) if style.bgcolor is not None else None
    return style + Style(color=color, bgcolor=bgcolor)


def app_on(folder: Path) -> WfplanApp:
    return WfplanApp(settings=load_settings(), folder=folder)


@pytest.fixture
def terminal_256(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make apps for a terminal with 256 colors."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "256")
    monkeypatch.delenv("NO_COLOR", raising=False)

    def make(folder: Path) -> WfplanApp:
        app = app_on(folder)
        assert app.console.color_system == "256"  # what Textual itself sends to the terminal
        own_filters = app.get_line_filters
        app.get_line_filters = lambda: [*own_filters(), EightBitTerminal()]
        return app

    return make


@pytest.fixture
def no_color(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("NO_COLOR", "1")

    def make(folder: Path) -> WfplanApp:
        app = app_on(folder)
        assert app.no_color
        return app

    return make


@pytest.fixture
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The folder's name shows in the info bar, so it is the same in every run.
    return write_folder(tmp_path_factory.mktemp("ssh") / "exports")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough agents for the KPI groups to show values (the small folder's are suppressed)."""
    from queries.demo.generate import generate_demo

    return generate_demo(tmp_path_factory.mktemp("sshdemo") / "exports", agents=120, days=120, seed=3).folder


async def kpis_loaded(pilot: Any) -> None:
    await loaded(pilot)
    await pilot.press("4")
    await loaded(pilot)


async def screenshot(app: WfplanApp, keys: tuple[str, ...] = ()) -> str:
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await loaded(pilot)
        await pilot.pause()
        return app.export_screenshot()


# -- reading an SVG screenshot back ---------------------------------------------------------

_CELL, _LINE, _TOP = 12.2, 24.4, 1.5  # Rich's SVG: cell width, line height, first line's y
_CLASS = re.compile(r"\.(terminal-[\w-]*?r\d+) \{ fill: (#[0-9a-f]{6})")
_BACKGROUND = re.compile(
    r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" shape-rendering="crispEdges"/>')
_TEXT = re.compile(
    r'<text class="([^"]+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" clip-path="url\(#[\w-]*line-(\d+)\)">(.*?)</text>')
_WINDOW = re.compile(r'<rect fill="(#[0-9a-f]{6})" stroke=')


def cells(svg: str) -> list[tuple[int, int, str, str, str]]:
    """(line, column, character, text color, background color) of every character drawn."""
    colors = dict(_CLASS.findall(svg))
    window = _WINDOW.search(svg)
    assert window is not None
    backgrounds: dict[tuple[int, int], str] = {}
    for fill, x, y, width in _BACKGROUND.findall(svg):
        line = round((float(y) - _TOP) / _LINE)
        for column in range(round(float(x) / _CELL), round((float(x) + float(width)) / _CELL)):
            backgrounds[line, column] = fill
    found = []
    for css_class, x, line, raw in _TEXT.findall(svg):
        start = round(float(x) / _CELL)
        for offset, char in enumerate(html.unescape(raw).replace("\xa0", " ")):
            place = (int(line), start + offset)
            found.append((*place, char, colors[css_class], backgrounds.get(place, window.group(1))))
    return found


def screen_colors(svg: str) -> set[str]:
    """The colors the app chose for text and backgrounds: not the window drawn around the
    screen, nor the terminal's own default colors (which the terminal decides)."""
    from rich.terminal_theme import SVG_EXPORT_THEME

    defaults = {SVG_EXPORT_THEME.foreground_color.hex, SVG_EXPORT_THEME.background_color.hex}
    chosen = set(dict(_CLASS.findall(svg)).values()) | {fill for fill, *_ in _BACKGROUND.findall(svg)}
    return chosen - defaults


def luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio, 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hard_to_read(svg: str) -> list[str]:
    """Letters and figures drawn too close to their background's color."""
    return [f"{char!r} at line {line} col {column}: {fg} on {bg} ({contrast(fg, bg):.1f}:1)"
            for line, column, char, fg, bg in cells(svg)
            if (char.isalnum() or char in "$%") and contrast(fg, bg) < MIN_CONTRAST]


def xterm_256_colors() -> set[str]:
    from rich._palettes import EIGHT_BIT_PALETTE

    return {"#{:02x}{:02x}{:02x}".format(*EIGHT_BIT_PALETTE[n]) for n in range(256)}


def assert_readable_and_unlike_truecolor(svg: str, truecolor: str) -> None:
    assert svg != truecolor
    shown = [char for *_, char, _, _ in cells(svg)]
    assert sum(char.isdigit() for char in shown) > 20  # the screen's figures are drawn
    assert hard_to_read(svg) == []


# -- 256 colors ------------------------------------------------------------------------------


class TestTerminal256:
    def test_site_costs(self, snap_compare, folder: Path, terminal_256) -> None:
        """Site costs on a 256-color terminal: the palette's nearest colors, still readable."""
        assert snap_compare(terminal_256(folder), terminal_size=SIZE, run_before=loaded)

    def test_kpis(self, snap_compare, demo: Path, terminal_256) -> None:
        """KPIs by work mode on a 256-color terminal."""
        assert snap_compare(terminal_256(demo), terminal_size=SIZE, run_before=kpis_loaded)

    @pytest.mark.parametrize("screen", ["sites", "kpis"])
    async def test_only_palette_colors_and_readable(self, screen: str, folder: Path, demo: Path,
                                                    terminal_256) -> None:
        """The snapshot is really 256 colors: every color is one of xterm's 256, it differs
        from the truecolor screen, and no text is drawn in (or near) its background color."""
        data, keys = (folder, ()) if screen == "sites" else (demo, ("4",))
        svg = await screenshot(terminal_256(data), keys)
        truecolor = await screenshot(app_on(data), keys)
        assert screen_colors(svg) <= xterm_256_colors()
        assert not screen_colors(truecolor) <= xterm_256_colors()
        assert_readable_and_unlike_truecolor(svg, truecolor)


# -- NO_COLOR --------------------------------------------------------------------------------


class TestNoColor:
    def test_site_costs(self, snap_compare, folder: Path, no_color) -> None:
        """Site costs with NO_COLOR: greys only, the cursor row and totals still stand out."""
        assert snap_compare(no_color(folder), terminal_size=SIZE, run_before=loaded)

    def test_kpis(self, snap_compare, demo: Path, no_color) -> None:
        """KPIs with NO_COLOR: modes told apart by name and glyph, not by color."""
        assert snap_compare(no_color(demo), terminal_size=SIZE, run_before=kpis_loaded)

    @pytest.mark.parametrize("screen", ["sites", "kpis"])
    async def test_grey_only_and_readable(self, screen: str, folder: Path, demo: Path, no_color,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        data, keys = (folder, ()) if screen == "sites" else (demo, ("4",))
        svg = await screenshot(no_color(data), keys)
        monkeypatch.delenv("NO_COLOR")
        truecolor = await screenshot(app_on(data), keys)
        greys = {c for c in screen_colors(svg) if c[1:3] == c[3:5] == c[5:7]}
        assert screen_colors(svg) == greys
        assert_readable_and_unlike_truecolor(svg, truecolor)


def test_the_readability_check_finds_text_in_its_background_color() -> None:
    """The check above can fail: grey on the same grey is found."""
    svg = ('<rect fill="#292929" stroke="x"/>\n.terminal-r1 { fill: #808080 }\n'
           '<rect fill="#808080" x="0" y="1.5" width="24.4" height="24.65" shape-rendering="crispEdges"/>\n'
           '<text class="terminal-r1" x="0" y="20" textLength="24.4" clip-path="url(#terminal-line-0)">$1</text>')
    assert [line.split(":")[0] for line in hard_to_read(svg)] == ["'$' at line 0 col 0", "'1' at line 0 col 1"]


# -- animations ------------------------------------------------------------------------------


async def test_animations_are_off_by_default(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    app = app_on(folder)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.animation_level == "none"


async def test_textual_animations_turns_them_back_on(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import textual.constants

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "full")
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "full")  # read once, at import
    app = app_on(folder)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.animation_level == "full"


# -- every screen at 80x24 -------------------------------------------------------------------


def cut_figures(app: App[Any]) -> list[str]:
    """Figures that a table shows only in part: '$111' of '$111,044' reads as a whole, wrong figure.

    Read from the screen as the user sees it, line by line inside each table's view, against
    the table's own data: every cell text of that row (the column headings on the header line)
    that shows whole, with a space or an edge marker on each side, is taken out; a digit left
    over belongs to a cell that shows in part."""
    lines = screen_lines(app)
    cut = []
    for table in app.screen.query(DataTable):
        if not table.display or not table.columns or table.region.area == 0:
            continue
        view = table.scrollable_content_region
        header = table.header_height if table.show_header else 0
        for y in range(view.y, view.bottom):
            if y < view.y + header:
                texts = [str(column.label) for column in table.ordered_columns]
            else:
                row = y - view.y - header + table.scroll_offset.y
                if row >= table.row_count:
                    continue
                assert table.ordered_rows[row].height == 1
                texts = [str(cell) for cell in table.get_row_at(row)]
            shown = lines[y][view.x:view.right].ljust(view.width)
            for text in sorted({t for t in texts if t.strip()}, key=len, reverse=True):
                whole = re.compile(rf"(?<=[\s{EDGE_MARKERS}]){re.escape(text)}(?=[\s{EDGE_MARKERS}])")
                shown = whole.sub(lambda found: " " * len(found.group()), shown)
            if any(char.isdigit() for char in shown):
                cut.append(f"{table.id} line {y}: {' '.join(shown.split())!r} in {lines[y][view.x:view.right]!r}")
    return cut


EDGE_MARKERS = MORE_LEFT + MORE_RIGHT
FIGURE = re.compile(r"\$?\d[\d,.]*%?")

# Each screen as it opens and in the views that widen its table.
VIEWS = {
    "site costs": ("1",), "headcount": ("2",), "headcount by site": ("2", "v"), "reach": ("3",),
    "kpis": ("4",), "kpis by site": ("4", "b"), "kpis tenure-adjusted": ("4", "a"), "staffing": ("5",),
    "scenarios": ("6",),
}
WIDTHS = [(80, 24), (100, 30), (120, 40), (160, 48), (200, 50)]


async def open_view(pilot: Any, keys: tuple[str, ...]) -> None:
    await loaded(pilot)
    for key in keys:
        await pilot.press(key)
        await loaded(pilot)
    await pilot.pause()


@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5", "6"])
async def test_every_screen_shows_whole_figures_at_80x24(key: str, demo: Path) -> None:
    """At 80 columns the tables are wider than the screen: a column that does not fit whole
    shows blank, never as a shorter figure ('$111' for $111,044 on Site costs)."""
    app = app_on(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, (key,))
        body = screen_lines(app)[1:-1]
        assert not any("Loading" in line for line in body)
        assert len(FIGURE.findall("\n".join(body))) >= 10, "\n".join(body)
        assert cut_figures(app) == []


async def test_site_costs_on_the_small_folder_shows_no_cut_cost_per_seat(folder: Path) -> None:
    """The small test folder's Site costs at 80 columns once showed '$1' in '$/seat'."""
    app = app_on(folder)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, ())
        assert cut_figures(app) == []


async def walk(pilot: Any, table: DataTable[Any], key: str) -> list[str]:
    """Press `key` on the table until nothing moves; what is cut on the way."""
    app = pilot.app
    cut = cut_figures(app)
    before = None
    for _ in range(3 * len(table.columns) + 5):
        await pilot.press(key)
        await pilot.pause()
        cut += cut_figures(app)
        now = (table.scroll_x, table.cursor_coordinate)
        if now == before:
            break
        before = now
    return cut


def header_line(app: App[Any], table: DataTable[Any]) -> str:
    view = table.scrollable_content_region
    return screen_lines(app)[view.y][view.x:view.right]


@pytest.mark.parametrize("size", WIDTHS, ids=[f"{w}x{h}" for w, h in WIDTHS])
@pytest.mark.parametrize("view", list(VIEWS))
async def test_no_figure_is_cut_at_any_width(view: str, size: tuple[int, int], demo: Path) -> None:
    """Each screen and view as it opens, from 80 to 200 columns."""
    app = app_on(demo)
    async with app.run_test(size=size) as pilot:
        await open_view(pilot, VIEWS[view])
        assert any(t.display and t.row_count for t in app.screen.query(DataTable))
        assert cut_figures(app) == []


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
@pytest.mark.parametrize("view", list(VIEWS))
async def test_right_reaches_the_last_column_whole_and_nothing_is_cut_on_the_way(
        view: str, size: tuple[int, int], demo: Path) -> None:
    """Every table, by keyboard alone: right until nothing moves ends with the last column
    whole on screen, left until nothing moves comes back to the first; no figure shows in
    part at any step."""
    app = app_on(demo)
    async with app.run_test(size=size) as pilot:
        await open_view(pilot, VIEWS[view])
        tables = [t for t in app.screen.query(DataTable) if t.display and t.columns and t.region.area]
        assert tables
        for table in tables:
            table.focus()
            await pilot.pause()
            assert await walk(pilot, table, "right") == []
            last = table.ordered_columns[-1]
            assert table.scroll_x == table.max_scroll_x
            assert str(last.label) in header_line(app, table), header_line(app, table)
            if table.row_count:
                first_row = table.get_row_at(table.scroll_offset.y)
                row_line = screen_lines(app)[table.scrollable_content_region.y + table.header_height]
                assert str(first_row[-1]).strip() in row_line
            if table.max_scroll_x:
                assert MORE_LEFT in header_line(app, table)
            assert await walk(pilot, table, "left") == []
            assert table.scroll_x == 0
            assert str(table.ordered_columns[0].label) in header_line(app, table)


async def test_wide_tables_scroll_by_whole_columns(demo: Path) -> None:
    """Each right on a row-cursor table brings in one whole column (not one character)."""
    app = app_on(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, ("4", "b"))
        table = app.screen.query_one("#kpi-groups", DataTable)
        table.focus()
        await pilot.pause()
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        fixed = table.fixed_columns
        assert fixed == 2  # the mode and the site name each row
        # A scroll position that shows the n-th scrolling column first, whole.
        starts = [sum(widths[fixed:n]) for n in range(fixed, len(widths))]
        assert table.max_scroll_x > 0
        seen = []
        while table.scroll_x < table.max_scroll_x and len(seen) < 30:
            await pilot.press("right")
            await pilot.pause()
            seen.append(table.scroll_x)
        assert all(x in starts for x in seen[:-1]), (seen, starts)
        assert len(seen) < len(table.columns)


class _Wide(App[None]):
    """One wide table of money figures, in a plain DataTable or the whole-column one."""

    def __init__(self, table: DataTable[Any]) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> Any:
        yield self.table

    def on_mount(self) -> None:
        self.table.add_columns("Site", *(f"Cost {n}" for n in range(8)))
        for site in ("BOI", "KEN"):
            self.table.add_row(site, *(Text(f"${111_044 * (n + 1):,}", justify="right") for n in range(8)))


@pytest.mark.parametrize("whole", [False, True], ids=["DataTable", "WholeColumnTable"])
async def test_the_cut_check_finds_a_cut_figure(whole: bool) -> None:
    """The check can fail: Textual's own DataTable shows a figure in part at the edge,
    the whole-column table does not, at every step to the right."""
    table = WholeColumnTable() if whole else DataTable()
    app = _Wide(table)
    async with app.run_test(size=(50, 8)) as pilot:
        await pilot.pause()
        table.focus()
        found = await walk(pilot, table, "right")
        assert (found == []) == whole, found
