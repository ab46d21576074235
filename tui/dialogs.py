"""Modal dialogs: confirm, error, help, explain, and the what-if edit forms.

Each returns its answer with `dismiss`; the screen that opened it decides what to do.
Field rules come from the pydantic models of `queries` (see `tui.validators`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.validation import Validator
from textual.widgets import Button, Input, Label, OptionList, Select, Static

from queries.format import visible, visible_lines

# A form's validators use pydantic, imported when a form first opens: the dialogs the app
# shell needs (errors, confirmations) are on the way to a cold start's first numbers.
if TYPE_CHECKING:
    from pydantic import BaseModel


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [Binding("escape,n", "dismiss(False)", "Cancel"), Binding("y", "dismiss(True)", "Confirm")]

    def __init__(self, title: str, body: str, confirm: str = "Yes", cancel: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.body, self.confirm, self.cancel = title, body, confirm, cancel

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            yield Static(Text(visible_lines(self.body)), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.confirm} (y)", variant="error", id="confirm", compact=True)
                yield Button(f"{self.cancel} (n)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")


class ErrorDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "dismiss", "Close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(Text(visible_lines(self.message)), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close (esc)", id="close", compact=True)

    @on(Button.Pressed)
    def close(self) -> None:
        self.dismiss()


class TextDialog(ModalScreen[None]):
    """A read-only page of text: explanations and help."""

    BINDINGS = [Binding("escape,enter,x,question_mark", "dismiss", "Close")]

    def __init__(self, title: str, lines: list[str], body: Any = None) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.lines = title, lines
        self.body = body  # a renderable laid out for the width (help's table); else the lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(self.body if self.body is not None else Text("\n".join(map(visible, flow(self.lines)))),
                             classes="dialog-body")
            yield Label("↑↓ PgDn scroll · esc to close", classes="dialog-hint")


def flow(lines: list[str]) -> list[str]:
    """Explanations are written as short lines; a line that carries on the sentence before it
    is joined to it, so the text wraps at the dialog's width and not mid-sentence. A line
    carries on when the one before it did not end a sentence (".", ":", "?", "!") and neither
    is laid out on purpose: indented, a result line ("= ..."), a list item or a heading ("──")."""
    laid_out = ("=", "──", "- ", "• ")
    flowed: list[str] = []
    for line in lines:
        previous = flowed[-1] if flowed else ""
        continues = (previous and not previous[0].isspace() and not previous.startswith(laid_out)
                     and not previous.rstrip().endswith((".", ":", "?", "!"))
                     and line[:1] and not line[0].isspace() and not line.startswith(laid_out))
        if continues:
            flowed[-1] = f"{previous.rstrip()} {line}"
        else:
            flowed.append(line)
    return flowed


def HelpScreen(screen: Screen[Any]) -> TextDialog:
    """wfplan's keys by screen, named as in the README, the current screen's first
    (`tui.keys`); Textual's own keys are left out."""
    from tui.keys import help_lines, help_table

    current = getattr(screen, "SCREEN_TITLE", "")
    return TextDialog("Keys", help_lines(current), body=help_table(current))


class FormDialog(ModalScreen[dict[str, Any] | None]):
    """A form of validated fields; dismisses with {field: value} or None when cancelled.

    `fields` are (name, label, model, model field, initial text, optional).
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, fields: list[tuple[str, str, type[BaseModel], str, str, bool]],
                 submit: str = "Apply", note: str = "", checks: dict[str, Validator] | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.fields, self.submit, self.note = title, fields, submit, note
        from tui.validators import ModelField

        self.validators = {name: ModelField(model, attr, optional=opt) for name, _, model, attr, _, opt in fields}
        # Rules beyond the model's, that need the data (e.g. a state code the regions have).
        self.checks = checks or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            if self.note:
                yield Static(Text(visible_lines(self.note)), classes="dialog-note")
            for name, label, _, _, initial, _ in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="form-label")
                    yield Input(self.validators[name].shown(initial), id=f"field-{name}",
                                validators=[self.validators[name], *([self.checks[name]] if name in self.checks else [])],
                                validate_on=["changed", "submitted"], classes="form-input", compact=True)
                error = Label("", id=f"error-{name}", classes="form-error")
                error.display = False
                yield error
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.submit} (enter)", variant="primary", id="submit", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        fields = list(self.query(Input))
        for field in fields:
            field.cursor_blink = self.app.animation_level != "none"
        # The first field gets focus when the dialog opens, which does not select it;
        # typing should replace the value, as tabbing into the other fields does.
        if fields:
            fields[0].select_all()

    @on(Input.Changed)
    def show_rule(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        result = event.validation_result
        message = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        if message or name not in self.validators:
            self._show_error(name, message)
        else:  # a share typed without "%" says how it was read: "60" is 60%, "0.6" too
            reading = "" if event.value.strip().endswith("%") else self.validators[name].reading(event.value)
            self._show_error(name, reading, echo=True)

    def _show_error(self, name: str, message: str, echo: bool = False) -> None:
        label = self.query_one(f"#error-{name}", Label)
        label.update(Text(message))
        label.set_class(echo, "form-echo")
        label.display = bool(message)

    @on(Input.Submitted)
    @on(Button.Pressed, "#submit")
    def submit_form(self) -> None:
        values: dict[str, Any] = {}
        for name, validator in self.validators.items():
            field = self.query_one(f"#field-{name}", Input)
            result = validator.validate(field.value)
            if result.is_valid and name in self.checks:
                result = self.checks[name].validate(field.value)
            if not result.is_valid:
                self._show_error(name, "; ".join(result.failure_descriptions))
                field.focus()
                return
            values[name] = validator.parse(field.value)
        self.dismiss(values)

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)


class FilterDialog(ModalScreen[tuple[str | None, str | None] | None]):
    """Choose one value of each of two columns to show; blank means all."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    Choice = tuple[str, list[str], str | None]  # label, options, current value

    def __init__(self, title: str, first: Choice, second: Choice) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.choices = title, (first, second)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            for i, (label, options, current) in enumerate(self.choices):
                with Horizontal(classes="form-row"):
                    yield Label(label, classes="form-label")
                    # Options come from the data: Text, so "[bold]" in a name is not markup.
                    yield Select([(Text(o), o) for o in options], value=current or Select.NULL,
                                 prompt="all", id=f"choice-{i}", classes="form-input", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Clear", id="clear", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        elif event.button.id == "clear":
            self.dismiss((None, None))
        else:
            values = [self.query_one(f"#choice-{i}", Select).value for i in range(2)]
            first, second = (None if v is Select.NULL else str(v) for v in values)
            self.dismiss((first, second))


class ChooseDialog(ModalScreen[Any]):
    """Pick one of a list of (label, value); dismisses with the value or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, Any]], hint: str = "enter to open, esc to cancel") -> None:
        super().__init__(classes="dialog-screen")
        self.title_text, self.choices, self.hint = title, choices, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(visible(self.title_text)), classes="dialog-title")
            # File names come from disk: Text, never markup.
            yield OptionList(*[Text(label) for label, _ in self.choices], id="choices", classes="dialog-scroll")
            yield Label(self.hint, classes="dialog-hint")

    @on(OptionList.OptionSelected)
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][1])
