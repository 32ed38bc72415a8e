"""Commands on review files: validate, score, diff, template and demo."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from esj_review.cli.common import (
    RubricOption,
    app,
    load_checked,
    refuse_overwriting,
    rubric_file,
    write_out,
)
from esj_review.core.errors import EsjError, ExitCode, UsageError, shown_path
from esj_review.core.i18n import ui as _
from esj_review.core.i18n import ui_ngettext as ngettext


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


class TemplateFormat(StrEnum):
    yaml = "yaml"
    csv = "csv"
    xlsx = "xlsx"


_TEMPLATE_FORMATS = (
    f"{TemplateFormat.yaml}: a blank review; "
    f"{', '.join(f for f in TemplateFormat if f is not TemplateFormat.yaml)}: "
    "a batch sheet and its data dictionary."
)


@app.command()
def validate(
    reviews: Annotated[
        list[Path], typer.Argument(metavar="REVIEW", help="Review files (YAML or JSON).")
    ],
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail when a review is incomplete.")
    ] = False,
    rubric: RubricOption = None,
) -> None:
    """Check review files against their rubric; print every problem as file: field: message."""
    from esj_review.core.scoring import score

    failed = False
    for path in reviews:
        try:
            review, rub, warnings = load_checked(path, rubric)
        except EsjError as exc:
            failed = True
            typer.echo(exc.message)
            continue
        for problem in warnings:
            typer.echo(problem.render(path))
        if rubric is None:
            _newer_hint(review, path)
        card = score(rub, review)
        if card.complete:
            typer.echo(_("%(path)s: ok") % {"path": shown_path(path)}, err=True)
        else:
            failed = failed or strict
            message = ngettext(
                "%(path)s: valid but incomplete: %(count)d required answer missing (%(questions)s)",
                "%(path)s: valid but incomplete: %(count)d required answers missing "
                "(%(questions)s)",
                len(card.gaps),
            )
            questions = ", ".join(g.question for g in card.gaps[:5])
            questions += ", ..." if len(card.gaps) > 5 else ""
            typer.echo(
                message
                % {"path": shown_path(path), "count": len(card.gaps), "questions": questions},
                err=True,
            )
    if failed:
        raise typer.Exit(int(ExitCode.PROBLEMS))


def _newer_hint(review: Any, path: Path) -> None:
    """One line on standard error when the review's rubric has a newer version."""
    from esj_review.core.migrate import newer_version

    newer = newer_version(review)
    if newer is not None:
        message = _(
            "rubric %(rubric)s %(version)s is newer; "
            "esj-review migrate %(path)s moves this review to it"
        )
        typer.echo(
            message % {"rubric": review.rubric.id, "version": newer, "path": shown_path(path)},
            err=True,
        )


@app.command("score")
def score_cmd(
    review: Annotated[Path, typer.Argument(metavar="REVIEW", help="A review file (YAML or JSON).")],
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ScoreFormat.table
    ),
    ledger: Annotated[bool, typer.Option("--ledger", help="Show every scored answer.")] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to a file (an existing one is replaced)."
        ),
    ] = None,
    rubric: RubricOption = None,
) -> None:
    """Score a review: components, band, flags, completeness, gaps and the ledger."""
    from esj_review.core.scoring import score

    if output is not None:
        refuse_overwriting(output, review, *rubric_file(rubric))
    loaded, rub, warnings = load_checked(review, rubric)
    for problem in warnings:
        typer.echo(problem.render(review), err=True)
    card = score(rub, loaded)
    if format is ScoreFormat.json:
        write_out(card.model_dump_json(indent=2) + "\n", output)
        return
    print_scorecard(card, rub, ledger=ledger, output=output)


@app.command("diff")
def diff_cmd(
    old: Annotated[
        Path, typer.Argument(metavar="OLD", help="A review file (YAML or JSON) or a report PDF.")
    ],
    new: Annotated[
        Path, typer.Argument(metavar="NEW", help="A review file (YAML or JSON) or a report PDF.")
    ],
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = (
        DiffFormat.text
    ),
) -> None:
    """Compare two reviews by meaning: answers, proposal, score, band, flags and ledger."""
    from esj_review.cli.diff_cmd import run

    run(old, new, as_json=format is DiffFormat.json)


def print_scorecard(card: Any, rubric: Any, *, ledger: bool, output: Path | None) -> None:
    from esj_review.report.terminal import make_console, scorecard_view

    view = scorecard_view(card, rubric, ledger=ledger)
    if output is None:
        make_console().print(view)
        return
    console = make_console(width=120)
    with console.capture() as capture:
        console.print(view)
    write_out(capture.get(), output)


@app.command()
def template(
    rubric: Annotated[str, typer.Option("--rubric", metavar="REF", help="Rubric id or file.")] = (
        "king-county-esj"
    ),
    format: Annotated[TemplateFormat, typer.Option("--format", "-f", help=_TEMPLATE_FORMATS)] = (
        TemplateFormat.yaml
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to a file (an existing one is replaced); xlsx needs it.",
        ),
    ] = None,
) -> None:
    """Write a blank review (every question as a comment) or a batch sheet with its dictionary."""
    from esj_review.batch.sheets import dictionary_csv, xlsx_template
    from esj_review.core.files import atomic_write
    from esj_review.core.rubrics import load_rubric
    from esj_review.core.templates import csv_template, yaml_template

    rub = load_rubric(rubric)
    guide = None  # the data dictionary beside a CSV sheet
    if output is not None and format is TemplateFormat.csv:
        guide = output.with_name(f"{output.stem}-dictionary.csv")
    for written in (output, guide):
        if written is not None:
            refuse_overwriting(written, *rubric_file(rubric))
    if format is TemplateFormat.xlsx:
        if output is None:
            raise UsageError(_("an XLSX template needs --output FILE.xlsx"))
        atomic_write(output, xlsx_template(rub))
        sheets = "Proposals, Data dictionary"  # the workbook's own sheet names, not translated
        typer.echo(
            _("wrote %(path)s (sheets: %(sheets)s)") % {"path": output, "sheets": sheets}, err=True
        )
        return
    if format is TemplateFormat.csv:
        write_out(csv_template(rub), output)
        if guide is not None:
            atomic_write(guide, dictionary_csv(rub))
            typer.echo(_("wrote %(path)s (the data dictionary)") % {"path": guide}, err=True)
        return
    write_out(yaml_template(rub), output)


@app.command()
def demo(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", metavar="PDF", help="Where to write the example's PDF report."
        ),
    ] = Path("reduced-fare-transit.pdf"),
) -> None:
    """Score the bundled example review, print its scorecard and write its PDF report."""
    from esj_review.core.files import atomic_write
    from esj_review.core.rubrics import data_dir
    from esj_review.core.scoring import score
    from esj_review.report.render import render_report

    example = data_dir("examples") / "reduced-fare-transit.yaml"
    refuse_overwriting(output, example)
    review, rub, _warnings = load_checked(example)
    typer.echo(_("Example review: %(name)s") % {"name": example.name}, err=True)
    print_scorecard(score(rub, review), rub, ledger=False, output=None)
    atomic_write(output, render_report(rub, review, "pdf", "archival"))
    typer.echo(
        _("wrote %(path)s (PDF/A-3b, tagged; the review and scorecard attached)")
        % {"path": output},
        err=True,
    )
