"""The `esj-review` command line: parse arguments, call the library, map errors to exit codes."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from esj_review import __version__
from esj_review.errors import EsjError, ExitCode, Problem, UsageError, ValidationFailed

HELP = """Equity impact reviews scored against King County's Equity and Social Justice framework
(or another rubric), with every point explained.

King County's Equity Impact Review assigns no number; the score is this tool's method."""


class _Group(TyperGroup):
    """Turns expected failures into one clear message and a documented exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except EsjError as exc:
            if ctx.params.get("debug"):
                raise
            prefix = "" if exc.exit_code == ExitCode.INTERRUPTED else "error: "
            for line in exc.message.splitlines():
                typer.echo(f"{prefix}{line}", err=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


app = typer.Typer(
    cls=_Group,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rubric_app = typer.Typer(
    help="List, show, check and document rubrics.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(rubric_app, name="rubric")


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"


class TemplateFormat(StrEnum):
    yaml = "yaml"
    csv = "csv"
    xlsx = "xlsx"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"esj-review {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Equity impact reviews with a transparent, explainable score."""


def _out(text: str, output: Path | None) -> None:
    """Write a result to a file (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from esj_review.files import atomic_write

    atomic_write(output, text)
    typer.echo(f"wrote {output}", err=True)


def _load_checked(path: Path, rubric_ref: str | None = None) -> tuple[Any, Any, list[Problem]]:
    """Load a review and its rubric; raise on errors, return warnings."""
    from esj_review.review import check_review, load_review, rubric_for

    review = load_review(path)
    rubric = rubric_for(review, path, rubric_ref)
    problems = check_review(rubric, review)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(path, errors)
    return review, rubric, problems


RubricOption = Annotated[
    str | None,
    typer.Option("--rubric", help="Rubric file to use instead of the one the review names."),
]


@app.command()
def validate(
    reviews: Annotated[list[Path], typer.Argument(help="Review files (YAML or JSON).")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail when a review is incomplete.")
    ] = False,
    rubric: RubricOption = None,
) -> None:
    """Check review files against their rubric; print every problem as file: field: message."""
    from esj_review.scoring import score

    failed = False
    for path in reviews:
        try:
            review, rub, warnings = _load_checked(path, rubric)
        except EsjError as exc:
            failed = True
            typer.echo(exc.message)
            continue
        for problem in warnings:
            typer.echo(problem.render(path))
        card = score(rub, review)
        if card.complete:
            typer.echo(f"{path}: ok", err=True)
        else:
            failed = failed or strict
            typer.echo(
                f"{path}: valid but incomplete: {len(card.gaps)} required answers missing "
                f"({', '.join(g.question for g in card.gaps[:5])}"
                f"{', ...' if len(card.gaps) > 5 else ''})",
                err=True,
            )
    if failed:
        raise typer.Exit(int(ExitCode.PROBLEMS))


@app.command("score")
def score_cmd(
    review: Annotated[Path, typer.Argument(help="A review file (YAML or JSON).")],
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ScoreFormat.table
    ),
    ledger: Annotated[bool, typer.Option("--ledger", help="Show every scored answer.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    rubric: RubricOption = None,
) -> None:
    """Score a review: components, band, flags, completeness, gaps and the ledger."""
    from esj_review.scoring import score

    loaded, rub, warnings = _load_checked(review, rubric)
    for problem in warnings:
        typer.echo(problem.render(review), err=True)
    card = score(rub, loaded)
    if format is ScoreFormat.json:
        _out(card.model_dump_json(indent=2) + "\n", output)
        return
    _print_scorecard(card, rub, ledger=ledger, output=output)


def _print_scorecard(card: Any, rubric: Any, *, ledger: bool, output: Path | None) -> None:
    from esj_review.display import make_console, scorecard_view

    view = scorecard_view(card, rubric, ledger=ledger)
    if output is None:
        make_console().print(view)
        return
    console = make_console(width=120)
    with console.capture() as capture:
        console.print(view)
    _out(capture.get(), output)


@app.command()
def template(
    rubric: Annotated[str, typer.Option("--rubric", help="Rubric id or file.")] = (
        "king-county-esj"
    ),
    format: Annotated[TemplateFormat, typer.Option("--format", "-f", help="yaml or csv.")] = (
        TemplateFormat.yaml
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Write a blank review (every question as a comment) or a batch sheet with its dictionary."""
    from esj_review.files import atomic_write
    from esj_review.rubric import load_rubric
    from esj_review.sheets import dictionary_csv, xlsx_template
    from esj_review.templates import csv_template, yaml_template

    rub = load_rubric(rubric)
    if format is TemplateFormat.xlsx:
        if output is None:
            raise UsageError("an XLSX template needs --output FILE.xlsx")
        atomic_write(output, xlsx_template(rub))
        typer.echo(f"wrote {output} (sheets: Proposals, Data dictionary)", err=True)
        return
    if format is TemplateFormat.csv:
        _out(csv_template(rub), output)
        if output is not None:
            guide = output.with_name(f"{output.stem}-dictionary.csv")
            atomic_write(guide, dictionary_csv(rub))
            typer.echo(f"wrote {guide} (the data dictionary)", err=True)
        return
    _out(yaml_template(rub), output)


@app.command()
def demo(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the example's PDF report.")
    ] = Path("reduced-fare-transit.pdf"),
) -> None:
    """Score the bundled example review, print its scorecard and write its PDF report."""
    from esj_review.files import atomic_write
    from esj_review.report.render import render_report
    from esj_review.rubric import data_dir
    from esj_review.scoring import score

    example = data_dir("examples") / "reduced-fare-transit.yaml"
    review, rub, _ = _load_checked(example)
    typer.echo(f"Example review: {example.name}", err=True)
    _print_scorecard(score(rub, review), rub, ledger=False, output=None)
    atomic_write(output, render_report(rub, review, "pdf", "archival"))
    typer.echo(f"wrote {output} (PDF/A-3b, tagged; the review and scorecard attached)", err=True)


def main() -> None:
    """Console-script entry point."""
    app()


# The other commands register themselves on `app` when imported (after `app` exists above).
from esj_review import cli_interview, cli_reports, cli_rubric  # noqa: E402

__all__ = ["app", "cli_interview", "cli_reports", "cli_rubric", "main"]
