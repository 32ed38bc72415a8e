"""Text from inputs shown to someone else: every hidden character (a control, a bidi control,
a surrogate, a private-use or unassigned code point) is shown as [U+XXXX], whatever path the
text takes through `neutral` and `one_line`. Each of these functions has a shortcut for the
common case (printable text, a plain id, no long run); the tests hold each shortcut to the
whole treatment's result."""

from __future__ import annotations

import re
import unicodedata
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esj_review.core import names
from esj_review.core.text import BIDI_CONTROLS, is_hidden, neutral, one_line
from esj_review.report import text as report_text

ANY = st.text(
    st.one_of(
        st.characters(codec=None, categories=None),  # every code point, surrogates included
        st.sampled_from([*sorted(BIDI_CONTROLS), "\n", "\t", "\r", "\x1b", "\u2028", "\ue000"]),
    ),
    max_size=40,
)


def _each(text: str) -> str:
    """`neutral` by its definition, one character at a time."""
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif ch != "\r":
            out.append(f"[U+{ord(ch):04X}]" if is_hidden(ch) else ch)
    return "".join(out)


@given(ANY)
def test_neutral_shows_every_hidden_character(text: str) -> None:
    shown = neutral(text)
    assert shown == _each(text)
    assert not any(is_hidden(ch) for ch in shown if ch not in "\n\t")


@given(ANY, st.integers(min_value=1, max_value=50))
def test_one_line_is_one_line_with_nothing_hidden(text: str, limit: int) -> None:
    line = one_line(text, limit)
    assert len(line) <= limit
    assert not any(is_hidden(ch) or ch in "\n\r\t\u2028\u2029" for ch in line)
    if len(text) <= limit and text.isprintable():
        assert line == text


def _stem_in_full(text: str) -> str:
    """`file_stem` without its shortcut for ids that are already safe names."""
    plain = names._PLAIN
    names._PLAIN = re.compile(r"(?!)")
    try:
        return names.file_stem.__wrapped__(text)
    finally:
        names._PLAIN = plain


@given(
    st.one_of(
        st.text(st.sampled_from("aZ09._- "), min_size=1, max_size=90),
        st.sampled_from(["CON", "con.txt", "LPT1", "nul", "COM9.x", "Clock$", "a-", "1."]),
    )
)
def test_a_plain_id_is_named_as_the_whole_treatment_would_name_it(text: str) -> None:
    assert names.file_stem.__wrapped__(text) == _stem_in_full(text)


def _breaks_each(text: str) -> str:
    """`_breakable` by its definition, one character at a time."""
    out, run, previous = [], 0, ""
    for ch in text:
        if ch.isspace():
            run = 0
        else:
            run += 1
            joined = unicodedata.category(ch).startswith("M") or ch in "\u200d\ufe0e\ufe0f"
            if run > report_text._RUN and not joined and previous != "\u200d":
                out.append(report_text.ZWSP)
                run = 1
        out.append(ch)
        previous = ch
    return "".join(out)


@given(st.text(st.sampled_from("ab \u3000\u0301\u200d\n\x85\u2028x"), max_size=80))
def test_long_runs_get_break_opportunities_and_short_ones_none(text: str) -> None:
    assert report_text._breakable(text) == _breaks_each(text)


def test_a_batch_progress_line_shows_an_id_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    """Not a terminal: one plain line per proposal, with no ":emoji:" code or markup acted on
    and a hidden character shown."""
    from esj_review.cli.progress import BatchProgress

    progress = BatchProgress()
    progress.start(2)
    record = {
        "id": "P-1 :thumbs_up: [bold]x[/bold]\x1b[2J",
        "score": 50.0,
        "band_label": "Mixed\x07",
    }
    progress.done(SimpleNamespace(record=record, reused=False, source="s.csv"))
    progress.done(SimpleNamespace(record=None, reused=False, source="bad\u202e.yaml"))
    progress.stop()
    assert capsys.readouterr().err.splitlines() == [
        "[1/2] P-1 :thumbs_up: [bold]x[/bold][U+001B][2J: 50 Mixed[U+0007]",
        "[2/2] bad[U+202E].yaml: failed (see errors.csv)",
    ]


def test_the_terminal_shows_emoji_codes_as_typed() -> None:
    """A title such as "Parks :tada: for all" is printed as typed, not as "Parks 🎉 for all"."""
    from esj_review.report.terminal import make_console

    console = make_console(width=60)
    with console.capture() as captured:
        console.print("Parks :tada: for all", markup=False)
    assert captured.get() == "Parks :tada: for all\n"
