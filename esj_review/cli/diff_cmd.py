"""`esj-review diff OLD NEW` (the command is in review_cmds): two reviews, files or report
PDFs, compared by meaning, printed for a terminal or as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from esj_review.core.i18n import N_
from esj_review.core.i18n import ui as _

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from esj_review.core.diff import AnswerChange, ReviewDiff, Side

NO_DIFFERENCE = N_("No difference in meaning.")
SHORT = 160
"""Characters of an answer shown in words before it is shortened."""


def run(old: Path, new: Path, as_json: bool) -> None:
    """Compare and print: the terminal view, or the JSON structure."""
    from esj_review.core.diff import compare

    result = compare(load_side(old), load_side(new))
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False, default=str))
        return
    from esj_review.report.terminal import make_console

    make_console().print(diff_view(result))


def is_pdf(path: Path) -> bool:
    """A report PDF: named `.pdf`, or a regular file that starts as a PDF does."""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False  # the reading reports it, naming the file


def load_side(path: Path) -> Side:
    """A review file, or the review a report PDF carries, checked and scored under the
    rubric version it names."""
    from esj_review.core.checks import load_checked
    from esj_review.core.diff import side

    if is_pdf(path):
        from esj_review.report.extract import extract_review

        review, _pdf = extract_review(path)
        loaded, rubric, _warnings = load_checked(review, f"{path}#review.yaml")
    else:
        loaded, rubric, _warnings = load_checked(path, path)
    return side(str(path), loaded, rubric)


# --- the terminal view -----------------------------------------------------------------------


def diff_view(diff: ReviewDiff) -> RenderableType:
    """The differences as a terminal screen: answers, proposal, then the scorecard."""
    from rich.console import Group
    from rich.text import Text

    from esj_review.core.text import neutral

    head = Text()
    head.append(neutral(diff.new.review.proposal.title) + "\n", style="bold")
    head.append(neutral(f"{diff.new.review.proposal.id} · "), style="dim")
    head.append(f"{diff.new.rubric.id} {diff.new.rubric.version}\n", style="dim")
    head.append(_("old:") + " ", style="dim")
    head.append(neutral(diff.old.source) + "\n")
    head.append(_("new:") + " ", style="dim")
    head.append(neutral(diff.new.source))
    parts: list[RenderableType] = [head]
    if diff.rubrics:
        parts.append(Text(diff.rubrics, style="bold yellow"))
        for side, ids in ((diff.old, diff.only_old), (diff.new, diff.only_new)):
            if ids:
                asked = _("Asked only in %(rubric)s %(version)s (%(count)d): %(ids)s") % {
                    "rubric": side.rubric.id,
                    "version": side.rubric.version,
                    "count": len(ids),
                    "ids": ", ".join(ids),
                }
                parts.append(Text(asked, style="dim"))
    if diff.same_meaning:
        parts += [Text(""), Text(_(NO_DIFFERENCE), style="bold green")]
        return Group(*parts)
    body: list[RenderableType] = _answer_lists(diff)
    if diff.fields:
        body.append(_fields(diff))
    if not diff.answers_differ:
        body.append(Text(_("No answer differs."), style="bold"))
    body += _score_parts(diff)
    for block in body:
        parts += [Text(""), block]
    return Group(*parts)


def _answer_lists(diff: ReviewDiff) -> list[RenderableType]:
    out: list[RenderableType] = []
    lists = (
        (N_("Answers changed (%(count)d)"), diff.changed),
        (N_("Answers added (%(count)d)"), diff.added),
        (N_("Answers removed (%(count)d)"), diff.removed),
        (N_("Answers now hidden by a condition (not scored) (%(count)d)"), diff.hidden),
        (N_("Answers shown again (%(count)d)"), diff.shown),
    )
    for title, changes in lists:
        if changes:
            heading = _(title) % {"count": len(changes)}
            out.append(_changes(heading, changes, changes is diff.hidden))
    return out


def _listing(title: str) -> Table:
    """The report's two-column listing, with a short lead that never wraps."""
    from esj_review.report.terminal import listing

    return listing(title, gap=1, narrow_lead=True)


def _changes(title: str, changes: list[AnswerChange], kept_aside: bool = False) -> Table:
    from rich.text import Text

    from esj_review.core.text import neutral, one_line

    grid = _listing(title)
    for change in changes:
        grid.add_row(Text("•"), Text(neutral(one_line(change.label, 150)), style="bold"))
        where = f"{one_line(change.section, 60)} · {change.path}"
        grid.add_row(Text(""), Text(neutral(where), style="dim"))
        old, new = change.old_words, change.new_words
        if old and new and old == new:  # hidden or shown again: the answer itself is kept
            old, new = (old, "") if kept_aside else ("", new)
        elif old and new:
            old, new = shorten_pair(old, new)
        if old:
            grid.add_row(Text(_("was"), style="red"), Text(neutral(shorten(old))))
        if new:
            grid.add_row(Text(_("now"), style="green"), Text(neutral(shorten(new))))
        if change.note:
            grid.add_row(Text(""), Text(neutral(one_line(change.note, 200)), style="dim"))
    return grid


def _fields(diff: ReviewDiff) -> Table:
    from rich.text import Text

    from esj_review.core.text import neutral, one_line

    def shown(value: object) -> str:
        if value is None or value == []:
            return _("(none)")
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return neutral(one_line(value, 300))

    grid = _listing(
        _("Proposal and review fields changed (%(count)d)") % {"count": len(diff.fields)}
    )
    for change in diff.fields:
        grid.add_row(Text("•"), Text(change.field, style="bold"))
        grid.add_row(Text(_("was"), style="red"), Text(shown(change.old)))
        grid.add_row(Text(_("now"), style="green"), Text(shown(change.new)))
    return grid


def _score_parts(diff: ReviewDiff) -> list[RenderableType]:
    from rich.table import Table
    from rich.text import Text

    from esj_review.core.text import neutral
    from esj_review.report.terminal import SEVERITY_STYLE

    a, b = diff.old.card, diff.new.card
    rows = _listing(_("Score"))

    def moved(name: str, before: str, after: str) -> None:
        text = Text(before if before == after else f"{before} -> {after}")
        if before == after:
            text.append("  " + _("(same)"), style="dim")
        rows.add_row(Text(name), text)

    def score_text(value: float | None) -> str:
        return _("incomplete") if value is None else f"{value:g}"

    none = _("none")
    moved(_("Score"), score_text(a.score), score_text(b.score))
    moved(_("Band"), a.band.label if a.band else none, b.band.label if b.band else none)
    for note, card in (
        (N_("before: capped; the impact alone gives %(band)s"), a),
        (N_("after: capped; the impact alone gives %(band)s"), b),
    ):
        if card.band and card.uncapped_band and card.band.id != card.uncapped_band.id:
            capped = _(note) % {"band": card.uncapped_band.label}
            rows.add_row(Text(""), Text(capped, style="dim"))
    if a.confidence or b.confidence:
        moved(
            _("Confidence"),
            f"{a.confidence.label} ({a.confidence.percent:g}%)" if a.confidence else none,
            f"{b.confidence.label} ({b.confidence.percent:g}%)" if b.confidence else none,
        )
    moved(_("Complete"), f"{a.completeness:g}%", f"{b.completeness:g}%")
    moved(_("Flags"), str(len(a.flags)), str(len(b.flags)))
    parts: list[RenderableType] = [rows]
    for title, flags in (
        (N_("Flags raised (%(count)d)"), diff.flags_raised),
        (N_("Flags cleared (%(count)d)"), diff.flags_cleared),
    ):
        if flags:
            grid = _listing(_(title) % {"count": len(flags)})
            for flag in flags:
                style = SEVERITY_STYLE.get(flag.severity, "")
                grid.add_row(Text(flag.severity.upper(), style), Text(neutral(flag.message)))
            parts.append(grid)
    for title, gaps in (
        (N_("Gaps opened (%(count)d)"), diff.gaps_opened),
        (N_("Gaps closed (%(count)d)"), diff.gaps_closed),
    ):
        if gaps:
            grid = _listing(_(title) % {"count": len(gaps)})
            for gap in gaps:
                grid.add_row(Text("•"), Text(neutral(f"{gap.question}: {gap.prompt}")))
            parts.append(grid)
    if diff.ledger:
        table = Table(title=_("Ledger entries that moved (points)"), title_justify="left")
        table.add_column(_("Question"), overflow="fold", ratio=1)
        table.add_column(_("Component"), overflow="fold")
        table.add_column(_("Before"), justify="right", no_wrap=True)
        table.add_column(_("After"), justify="right", no_wrap=True)
        for move in diff.ledger:
            table.add_row(
                Text(neutral(move.question)),
                Text(move.component),
                "-" if move.before is None else f"{move.before:g}",
                "-" if move.after is None else f"{move.after:g}",
            )
        parts.append(table)
    return parts


def shorten_pair(old: str, new: str, limit: int = SHORT) -> tuple[str, str]:
    """Two long texts shortened to where they differ: a few words of what they share on
    either side, "…" for the rest. Short texts are kept whole."""
    if len(old) <= limit and len(new) <= limit:
        return old, new
    a, b = old.split(), new.split()
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return _window(a, head, tail, limit), _window(b, head, tail, limit)


def _window(words: list[str], head: int, tail: int, limit: int) -> str:
    context = 4
    start = max(head - context, 0)
    end = min(len(words) - tail + context, len(words))
    text = " ".join(words[start:end])
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    elif end < len(words):
        text += " …"
    return ("… " if start > 0 else "") + text


def shorten(text: str, limit: int = SHORT) -> str:
    """One answer in words, at most about `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


__all__ = ["NO_DIFFERENCE", "diff_view", "load_side", "run", "shorten", "shorten_pair"]
