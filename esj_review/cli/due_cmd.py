"""`esj-review due`: the open commitments of reviews, listed or written as CSV or iCalendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from esj_review.cli.common import app, error_line, write_out
from esj_review.core.errors import EsjError, ExitCode, UsageError, shown_path
from esj_review.core.i18n import ui as _
from esj_review.core.i18n import ui_ngettext as ngettext

if TYPE_CHECKING:
    from esj_review.core.commitments import Commitment
    from esj_review.core.review import Review

CSV_COLUMNS = [
    "due",
    "overdue",
    "owner",
    "kind",
    "item",
    "commitment",
    "status",
    "proposal_id",
    "proposal_title",
    "review",
    "answers",
]
SHORT = 100
"""Characters of a commitment's text in the table (CSV and calendar files hold it whole)."""


class DueFormat(StrEnum):
    table = "table"
    csv = "csv"
    ics = "ics"


@dataclass(frozen=True)
class Due:
    """One commitment of one review, with where it came from."""

    commitment: Commitment
    review: Review
    source: str  # the file as named on the command line or found in a folder

    @property
    def uid(self) -> str:
        """Stable across runs and edits of the text: the rubric, proposal and commitment ids."""
        key = f"{self.review.rubric.id}|{self.review.proposal.id}|{self.commitment.id}"
        return hashlib.sha256(key.encode()).hexdigest()[:32] + "@esj-review"


@app.command()
def due(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS",
            help="Review files (YAML or JSON), report PDFs and folders (searched for them); "
            "default: the current folder.",
            show_default=False,
        ),
    ] = None,
    before: Annotated[
        str | None,
        typer.Option(
            "--before", metavar="DATE", help="Only commitments due before DATE (YYYY-MM-DD)."
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", metavar="NAME", help="Only commitments whose owner contains NAME."),
    ] = None,
    output_format: Annotated[
        DueFormat, typer.Option("--format", "-f", help="table, csv, or ics (iCalendar).")
    ] = DueFormat.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    ] = None,
) -> None:
    """List the open commitments (mitigations, reports, reviews again) of reviews, soonest
    first: due date, owner, what and which review; or write them as CSV or an iCalendar file
    for owners' calendars. Exit 1 if any file could not be read."""
    from esj_review.core.due import due_before, due_order, owned_by
    from esj_review.report.render import report_date

    cutoff = _iso_date(before) if before is not None else None
    inputs = paths or [Path(".")]
    found, failed = collect(inputs)
    items = [
        d
        for d in found
        if d.commitment.is_open
        and (cutoff is None or due_before(d.commitment, cutoff))
        and (owner is None or owned_by(d.commitment, owner))
    ]
    items.sort(key=lambda d: (*due_order(d.commitment), d.review.proposal.id, d.commitment.id))
    today = report_date()
    if output_format is DueFormat.csv:
        text = csv_text(items, today)
    elif output_format is DueFormat.ics:
        text = ics_text(items, today)
        undated = sum(1 for d in items if d.commitment.due is None)
        if undated:
            note = ngettext(
                "note: %(count)d open commitment with no due date left out of the calendar",
                "note: %(count)d open commitments with no due date left out of the calendar",
                undated,
            )
            typer.echo(note % {"count": undated}, err=True)
    else:
        text = table_text(items, today, output is not None, _heading(items, cutoff, owner))
    write_out(text, output, *_files(inputs))
    if failed:
        raise typer.Exit(int(ExitCode.PROBLEMS))


def _iso_date(text: str) -> dt.date:
    """`--before`: a date written YYYY-MM-DD, or a usage error in one line."""
    import re

    from esj_review.core.text import one_line

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise UsageError(
        _("--before: %(text)r is not a date; write it as YYYY-MM-DD") % {"text": one_line(text, 40)}
    )


def _files(inputs: list[Path]) -> list[Path]:
    """The files named on the command line (never written over by -o)."""
    return [p for p in inputs if not p.is_dir()]


def _heading(items: list[Due], cutoff: dt.date | None, owner: str | None) -> str:
    from esj_review.core.text import one_line

    said = [_("due before %(date)s") % {"date": cutoff.isoformat()}] if cutoff else []
    if owner is not None:
        said.append(
            _("owner matching %(owner)r") % {"owner": one_line(" ".join(owner.split()), 60)}
        )
    reviews = len({d.source for d in items})
    counts = {"count": len(items), "conditions": ", ".join(said)}
    counts["reviews"] = ngettext("%(count)d review", "%(count)d reviews", reviews) % {
        "count": reviews
    }
    if not items:
        return (
            _("No open commitments (%(conditions)s).") if said else _("No open commitments.")
        ) % counts
    if said:
        heading = ngettext(
            "%(count)d open commitment in %(reviews)s (%(conditions)s)",
            "%(count)d open commitments in %(reviews)s (%(conditions)s)",
            len(items),
        )
    else:
        heading = ngettext(
            "%(count)d open commitment in %(reviews)s",
            "%(count)d open commitments in %(reviews)s",
            len(items),
        )
    return heading % counts


# --- finding the reviews -------------------------------------------------------------------


def collect(inputs: list[Path]) -> tuple[list[Due], list[str]]:
    """Every commitment of every review found, and the files that could not be read (each
    reported on stderr in one line as it is met)."""
    found: list[Due] = []
    failed: list[str] = []
    undeclared: set[str] = set()  # rubric versions that declare no commitments
    newer = False  # and one of them has a newer version
    for path, named in _candidates(inputs):
        try:
            loaded = _load(path, named)
        except EsjError as exc:
            failed.append(str(path))
            typer.echo(error_line(_one_line_message(exc)), err=True)
            continue
        except (OSError, MemoryError, RecursionError) as exc:
            from esj_review.cli.common import system_failure

            failed.append(str(path))
            typer.echo(error_line(f"{shown_path(path)}: {system_failure(exc)}"), err=True)
            continue
        if loaded is not None:
            review, rubric = loaded
            from esj_review.core.due import commitments

            found += [Due(c, review, str(path)) for c in commitments(rubric, review)]
            if not rubric.commitments:
                from esj_review.core.migrate import newer_version

                undeclared.add(f"{rubric.id} {rubric.version}")
                newer = newer or newer_version(review) is not None
    if undeclared:
        note = (
            _(
                "note: reviews under %(versions)s list no commitments (that rubric version "
                "declares none); esj-review migrate moves a review to a newer version"
            )
            if newer
            else _(
                "note: reviews under %(versions)s list no commitments (that rubric version "
                "declares none)"
            )
        )
        typer.echo(note % {"versions": ", ".join(sorted(undeclared))}, err=True)
    return found, failed


def _candidates(inputs: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Each file to read, and whether it was named (a folder's files are searched: one that
    is not a review is passed over quietly); a folder search never enters hidden folders or
    a batch's cache."""
    from esj_review.batch.cache import STATE_DIR
    from esj_review.batch.inputs import REVIEW_SUFFIXES

    for path in inputs:
        if not path.is_dir():
            yield path, True
            continue
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != STATE_DIR)
            for name in sorted(names):
                if name.lower().endswith((*REVIEW_SUFFIXES, ".pdf")) and not name.startswith("."):
                    yield Path(folder) / name, False


def _load(path: Path, named: bool) -> tuple[Review, Any] | None:
    """The review in a file and its rubric, checked; None for a file found in a folder that
    is not a review (a batch's summary.json, a portfolio PDF)."""
    from esj_review.cli.diff_cmd import is_pdf
    from esj_review.core.checks import load_checked
    from esj_review.core.errors import InputFileError
    from esj_review.core.files import load_data

    if is_pdf(path):
        from esj_review.report.extract import REVIEW_ATTACHMENT, extract_review

        try:
            review, _pdf = extract_review(path)
        except InputFileError as exc:
            if not named and exc.problems[0].message.startswith(f"no {REVIEW_ATTACHMENT} attached"):
                return None
            raise
        loaded, rubric, _warnings = load_checked(review, f"{path}#{REVIEW_ATTACHMENT}")
        return loaded, rubric
    data = load_data(path)
    if not named and not (isinstance(data, dict) and "proposal" in data and "rubric" in data):
        return None
    loaded, rubric, _warnings = load_checked(data, path)
    return loaded, rubric


def _one_line_message(exc: EsjError) -> str:
    """An error as one line: the first problem, and how many more `validate` lists."""
    from esj_review.cli.common import terminal_line

    lines = exc.message.rstrip("\n").split("\n")
    more = len(lines) - 1
    if not more:
        return terminal_line(lines[0])
    message = ngettext(  # "1 more problems" as ever (tests and scripts read it)
        "%(message)s (and %(count)d more problems)",
        "%(message)s (and %(count)d more problems)",
        more,
    )
    return message % {"message": terminal_line(lines[0]), "count": more}


# --- the three formats ---------------------------------------------------------------------


def table_text(items: list[Due], today: dt.date, to_file: bool, heading: str) -> str:
    """The commitments as a table for a terminal (80 columns, no colour in a file)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from esj_review.core.text import one_line

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=80 if to_file else _width(),
        no_color=to_file or None,
        force_terminal=False if to_file else None,
        highlight=False,
        emoji=False,  # an owner or a title is shown as typed, ":name:" codes and all
    )
    console.print(Text(heading, style="bold"))
    if items:
        table = Table(show_lines=True, expand=True)
        table.add_column(_("Due"), no_wrap=True)
        table.add_column(_("Owner"), ratio=2)
        table.add_column(_("Commitment"), ratio=4)
        table.add_column(_("Review"), ratio=3, overflow="fold")
        for d in items:
            c = d.commitment
            when = Text(c.due.isoformat() if c.due else _("no date"))
            if c.overdue(today):
                when.append("\n" + _("overdue"), style="bold red")
            what = Text(one_line(c.title(), 80), style="bold")
            if c.what != c.kind:
                what.append("\n" + one_line(c.what, SHORT), style="")
            what.append(f"\n{one_line(c.status_label, 40)}", style="dim")
            table.add_row(
                when,
                Text(one_line(c.owner, 80) if c.owner else _("(not named)")),
                what,
                Text(one_line(d.review.proposal.id, 80) + "\n")
                + Text(shown_path(d.source), style="dim"),
            )
        console.print(table)
    return buffer.getvalue()


def _width() -> int:
    import shutil

    return max(60, shutil.get_terminal_size((80, 24)).columns)


def csv_text(items: list[Due], today: dt.date) -> str:
    """One row per commitment, the whole text, every cell safe from formula injection."""
    from esj_review.batch.portfolio import csv_lines

    rows: list[list[Any]] = [CSV_COLUMNS]
    for d in items:
        c = d.commitment
        rows.append(
            [
                c.due.isoformat() if c.due else "",
                "yes" if c.overdue(today) else "no",
                c.owner,
                c.kind,
                c.item,
                c.what,
                c.status_label,
                d.review.proposal.id,
                d.review.proposal.title,
                d.source,
                "; ".join(c.paths.values()),
            ]
        )
    return "".join(csv_lines(rows))


def ics_text(items: list[Due], today: dt.date) -> str:
    """An iCalendar file: one all-day event per dated commitment, on its due date."""
    import icalendar

    from esj_review._version import __version__
    from esj_review.core.text import neutral, one_line

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//esj-review//esj-review {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Equity review commitments")
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    for d in items:
        c = d.commitment
        if c.due is None:
            continue
        proposal = d.review.proposal
        event = icalendar.Event()
        event.add("uid", d.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", c.due)
        event.add("dtend", c.due + dt.timedelta(days=1))
        event.add("summary", f"Due: {one_line(c.title(), 80)}, {one_line(proposal.id, 40)}")
        lines = [
            f"{c.title()} due {c.due.isoformat()} for {proposal.id}: {proposal.title}.",
            f"What: {c.what}",
            f"Owner: {c.owner or 'not named'}",
            f"Status: {c.status_label}",
            f"Review: {d.source}",
        ]
        event.add("description", neutral("\n".join(lines)))
        event.add("categories", [one_line(c.kind, 80)])
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
