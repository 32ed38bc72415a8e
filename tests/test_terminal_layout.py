"""The interview's drawing fits the terminal: prompts wrap at words, long choice labels are
shortened (shown whole under the list), descriptions are wrapped, and the review screen goes
through a pager. Pure helpers first, then the real questionary widgets (prompt_toolkit pipe
input), then `page()` with a pager script."""

from __future__ import annotations

import io
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from rich.console import Group
from rich.text import Text

from esj_review.interview.prompts import SKIP, Option, PromptSpec
from esj_review.interview.terminal import (
    CHOICE_INDENT,
    DESCRIPTION_PREFIX,
    QuestionaryPrompter,
    needs_own_line,
    pager_command,
    shorten,
    wrap_description,
)

DOWN = "\x1b[B"
ENTER = "\r"
CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LONG_LABEL = (
    "Section 3, Community engagement: which communities took part in shaping the proposal, "
    "and how were they compensated for their time?"
)
LONG_MESSAGE = (
    "How much will the proposal change the disparities in health, housing, transportation "
    "and jobs that the communities most affected already live with?"
)


# --- the pure helpers -----------------------------------------------------------------------


@pytest.mark.parametrize("width", [20, 40, 59, 74])
def test_shorten_cuts_at_a_word_with_an_ellipsis(width: int) -> None:
    short = shorten(LONG_LABEL, width)
    assert len(short) <= width
    assert short.endswith("…")
    head = short[:-1]
    assert LONG_LABEL.startswith(head)
    # The cut is at a word's end: what follows in the label is a space or punctuation.
    assert LONG_LABEL[len(head)] in " ,:;?"
    assert not head.endswith((" ", ","))


def test_shorten_leaves_a_label_that_fits() -> None:
    assert shorten("Yes", 10) == "Yes"
    assert shorten("x" * 10, 10) == "x" * 10


def test_shorten_a_single_long_word() -> None:
    assert shorten("Supercalifragilistic", 8) == "Superca…"


@pytest.mark.parametrize("width", [30, 60, 79])
def test_wrap_description_at_words(width: int) -> None:
    text = LONG_LABEL + "\n" + LONG_MESSAGE
    wrapped = wrap_description(text, width)
    lines = (DESCRIPTION_PREFIX + wrapped).split("\n")
    assert len(lines) > 2
    assert all(len(line) <= width for line in lines)
    assert " ".join(wrapped.split()) == " ".join(text.split())  # every word, none cut
    # The description's own line break is kept: the second paragraph starts a line.
    assert any(line.strip().startswith(LONG_MESSAGE.split()[0]) for line in lines[1:])


def test_wrap_description_leaves_a_short_one() -> None:
    assert wrap_description("Counts twice.", 80) == "Counts twice."


def test_needs_own_line() -> None:
    assert not needs_own_line("Fiscal year", "(a year; empty to skip)", 80)
    assert needs_own_line(LONG_MESSAGE, "", 80)
    message = "x" * 50
    assert not needs_own_line(message, "", 80)
    assert needs_own_line(message, "(tick all that apply; Space ticks)", 80)
    assert needs_own_line(message, "", 80, extra=30)  # room for what is typed or answered
    assert needs_own_line(message, "", 56)
    assert needs_own_line("Two\nlines", "", 80)


def test_pager_command(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pager_command({"PAGER": "cat"}) == ["cat"]
    assert pager_command({"PAGER": "'/my pagers/p' -x"}) == ["/my pagers/p", "-x"]
    assert pager_command({"PAGER": "'unbalanced"}) is None
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    assert pager_command({}) == ["/usr/bin/less", "-R", "-F", "-X"]
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert pager_command({}) is None


# --- the real widgets -----------------------------------------------------------------------


class _TTY:
    def isatty(self) -> bool:
        return True


def select_spec(default: Any = None, message: str = "Pick one") -> PromptSpec:
    options = (Option("One", 1), Option("Two", 2), Option("Skip for now", SKIP))
    return PromptSpec(path="q", widget="select", message=message, options=options, default=default)


def test_enter_on_an_untouched_list_skips(keys: Any) -> None:
    keys(ENTER)
    assert QuestionaryPrompter().ask(select_spec()) is SKIP


def test_arrow_keys_from_the_skip_pointer(keys: Any) -> None:
    keys(DOWN + DOWN + ENTER)  # from "Skip for now", round to the first choice, then down
    assert QuestionaryPrompter().ask(select_spec()) == 2


def test_enter_keeps_the_current_answer(keys: Any) -> None:
    keys(ENTER)
    assert QuestionaryPrompter().ask(select_spec(default=2)) == 2


def test_a_long_prompt_is_printed_by_rich(keys: Any, capsys: pytest.CaptureFixture[str]) -> None:
    keys(DOWN + ENTER)
    assert QuestionaryPrompter().ask(select_spec(message=LONG_MESSAGE)) == 1
    printed = capsys.readouterr().out
    assert " ".join(printed.split()) == "? " + LONG_MESSAGE
    assert all(len(line) <= 80 for line in printed.splitlines())


def test_a_long_text_prompt(keys: Any, capsys: pytest.CaptureFixture[str]) -> None:
    keys("42" + ENTER)
    spec = PromptSpec(path="q", widget="text", message=LONG_MESSAGE, instruction="(a number)")
    assert QuestionaryPrompter().ask(spec) == "42"
    assert "(a number)" in capsys.readouterr().out


def test_a_long_checkbox_prompt(keys: Any, capsys: pytest.CaptureFixture[str]) -> None:
    keys(" " + DOWN + DOWN + " " + ENTER)
    options = (Option(LONG_LABEL, "a"), Option("B", "b"), Option("C", "c"))
    spec = PromptSpec(path="q", widget="checkbox", message=LONG_MESSAGE, options=options)
    assert QuestionaryPrompter().ask(spec) == ["a", "c"]
    assert LONG_MESSAGE.split()[-1] in capsys.readouterr().out


def test_a_menu_with_long_labels_returns_the_values(keys: Any) -> None:
    keys(DOWN + ENTER)
    options = [Option(LONG_LABEL, 1), Option(LONG_LABEL + " again", 2), Option("Back", 3)]
    assert QuestionaryPrompter().choose(LONG_MESSAGE, options, 1) == 2


def test_choices_fit_and_show_the_whole_label(monkeypatch: pytest.MonkeyPatch) -> None:
    import questionary

    monkeypatch.setenv("COLUMNS", "60")
    prompter = QuestionaryPrompter()
    options = [
        Option(LONG_LABEL, 1, description="Counts for the engagement component."),
        Option("Short", 2),
    ]
    long, short = prompter._choices(questionary, options)
    assert len(long.title) <= 60 - CHOICE_INDENT and long.title.endswith("…")
    assert " ".join(long.description.split()) == LONG_LABEL + " " + options[0].description
    assert short.title == "Short" and short.description is None


def screen(keys_typed: str, width: int, draw: Any) -> list[str]:
    """The first frame prompt_toolkit draws at `width` columns, as lines of plain text."""
    out = io.StringIO()
    output = Vt100_Output(out, lambda: Size(rows=24, columns=width), term="xterm", enable_cpr=False)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        pipe.send_text(keys_typed)
        draw()
    drawn = out.getvalue()
    start = drawn.index("\x1b[J")
    frame = drawn[start : drawn.index("\x1b[?7h", start)]
    return CSI.sub("", frame).split("\r\n")


@pytest.mark.parametrize("width", [80, 60])
def test_the_drawn_list_fits_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], width: int
) -> None:
    """Drawn by prompt_toolkit: every line fits, the highlighted long label is shown whole
    (wrapped at words, the newlines in its description are line breaks on the screen)."""
    monkeypatch.setattr("sys.stdin", _TTY())
    monkeypatch.setenv("COLUMNS", str(width))
    prompter = QuestionaryPrompter()
    options = [Option(LONG_LABEL, 1), Option("Back", 2)]
    lines = screen(ENTER, width, lambda: prompter.choose(LONG_MESSAGE, options, 1))
    assert all(len(line) <= width for line in lines), lines
    assert lines[0].startswith("›")  # the prompt itself was printed by rich
    assert lines[1].startswith(" » ") and lines[1].endswith("…")
    description = [line for line in lines if line.strip()][3:]
    assert description[0].startswith(DESCRIPTION_PREFIX)
    shown = " ".join(" ".join(description)[len(DESCRIPTION_PREFIX) :].split())
    assert shown == LONG_LABEL
    heading = capsys.readouterr().out
    assert all(len(line) <= width for line in heading.splitlines())


# --- the pager ------------------------------------------------------------------------------


class _Screen(io.StringIO):
    """Standard output as a terminal."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


class _Pipe(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return False


def review(lines: int = 190) -> Group:
    parts: list[Any] = [Text("Review start", style="bold red")]
    parts += [Text(f"Line {n:03d}: " + "word " * 20) for n in range(1, lines + 1)]
    parts.append(Text("Review end"))
    return Group(*parts)


@pytest.fixture
def pager_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$PAGER is a script that writes what it reads to a file."""
    script = tmp_path / "pager.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys
            data = sys.stdin.buffer.read()
            open(sys.argv[1], "wb").write(data)
            """
        )
    )
    target = tmp_path / "paged out.txt"
    monkeypatch.setenv("PAGER", f"'{sys.executable}' '{script}' '{target}'")
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return target


def test_page_goes_through_the_pager(pager_to: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = _Screen()
    monkeypatch.setattr("sys.stdout", stdout)
    QuestionaryPrompter().page(review())
    paged = pager_to.read_text("utf-8")
    plain = CSI.sub("", paged).splitlines()
    assert plain[0] == "Review start" and plain[-1] == "Review end"
    assert [line[:8] for line in plain if line.startswith("Line ")] == [
        f"Line {n:03d}" for n in range(1, 191)
    ]
    assert all(len(line) <= 60 for line in plain)  # rendered at the console's width
    assert "\x1b[" in paged  # with its styles
    assert stdout.getvalue() == ""  # not printed a second time


def test_page_respects_no_color(pager_to: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout", _Screen())
    QuestionaryPrompter().page(review(3))
    assert "31m" not in pager_to.read_text("utf-8")  # red is gone


def test_page_prints_when_not_a_terminal(pager_to: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdout = _Pipe()
    monkeypatch.setattr("sys.stdout", stdout)
    QuestionaryPrompter().page(review())
    assert not pager_to.exists()
    assert "Review end" in stdout.getvalue() and "\x1b[" not in stdout.getvalue()


@pytest.mark.parametrize(
    "pager", ["/no/such/pager", "'unbalanced", f"'{sys.executable}' -c 'raise SystemExit(3)'"]
)
def test_a_pager_that_fails_falls_back_to_printing(
    monkeypatch: pytest.MonkeyPatch, pager: str
) -> None:
    monkeypatch.setenv("PAGER", pager)
    stdout = _Screen()
    monkeypatch.setattr("sys.stdout", stdout)
    QuestionaryPrompter().page(review())
    printed = CSI.sub("", stdout.getvalue())
    assert printed.startswith("Review start") and "Review end" in printed


def test_a_pager_that_quits_early_is_no_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", "true")  # reads nothing: writing to it breaks the pipe
    stdout = _Screen()
    monkeypatch.setattr("sys.stdout", stdout)
    QuestionaryPrompter().page(review(5000))
    assert stdout.getvalue() == ""


def test_pager_cat(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PAGER", "cat")
    monkeypatch.setattr("sys.stdout", _Screen())
    QuestionaryPrompter().page(review())
    shown = CSI.sub("", capfd.readouterr().out)
    assert shown.startswith("Review start") and shown.rstrip().endswith("Review end")
