"""Commands that write reports: report, extract, doctor and batch."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from esj_review.cli.common import app, load_checked
from esj_review.core.errors import ExitCode, UsageError


class ReportFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    json = "json"
    md = "md"


class PdfVariant(StrEnum):
    archival = "archival"
    accessible = "accessible"
    plain = "plain"


@app.command()
def report(
    review: Annotated[Path, typer.Argument(help="A review file (YAML or JSON).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Where to write (default: beside the review; - for stdout)."
        ),
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormat.pdf
    ),
    pdf_variant: Annotated[
        PdfVariant,
        typer.Option(
            "--pdf-variant",
            help="archival: PDF/A-3b, tagged (default); accessible: PDF/UA-1; plain.",
        ),
    ] = PdfVariant.archival,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Validate the archival PDF with pikepdf's PDF/A-3b validator first."
        ),
    ] = False,
) -> None:
    """Write the report: Equity Impact Statement, scorecard, determinants, answers, method."""
    from esj_review.report.render import FORMATS, render_report

    loaded, rub, warnings = load_checked(review)
    for problem in warnings:
        typer.echo(problem.render(review), err=True)
    data = render_report(rub, loaded, format.value, pdf_variant.value, validate=check)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = output or review.with_suffix(FORMATS[format.value].suffix)
    from esj_review.core.files import atomic_write

    atomic_write(target, data)
    typer.echo(f"wrote {target}", err=True)


@app.command()
def extract(
    pdf: Annotated[Path, typer.Argument(help="A report PDF written by esj-review.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the review here (default: stdout).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Turn a report PDF back into the review it was made from (from its attachment)."""
    from esj_review.report.extract import extract_review

    _, text = extract_review(pdf)
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        raise UsageError(f"{output} already exists; use --force to replace it")
    from esj_review.core.files import atomic_write

    atomic_write(output, text)
    typer.echo(f"wrote {output}", err=True)


@app.command()
def doctor() -> None:
    """Check that this machine can write the PDF: WeasyPrint, Pango, harfbuzz-subset, fonts."""
    from rich.table import Table
    from rich.text import Text

    from esj_review.report.doctor import run_checks
    from esj_review.report.terminal import make_console

    checks = run_checks()
    table = Table(title="esj-review doctor", title_justify="left")
    for name in ("Check", "Status", "Detail", "Fix"):
        table.add_column(name, overflow="fold")
    for check in checks:
        status = Text("ok", "green") if check.ok else Text("MISSING", "bold red")
        table.add_row(check.name, status, Text(check.detail), Text(check.fix))
    make_console().print(table)
    if not all(c.ok for c in checks):
        raise typer.Exit(int(ExitCode.PROBLEMS))


# --- batch -------------------------------------------------------------------------------


@app.command()
def batch(
    inputs: Annotated[
        list[Path], typer.Argument(help="Review files, folders of them, or CSV/XLSX sheets.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for reports and the summary.")] = (
        Path("out")
    ),
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="Worker processes (default: cores).")
    ] = 0,
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="Per-proposal outputs: pdf,html,json,md or none."),
    ] = "pdf",
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", help="Exit 1 if any score is below this (or incomplete)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo proposals whose input has not changed.")
    ] = False,
    rubric: Annotated[
        str, typer.Option("--rubric", help="Rubric for sheets (review files name their own).")
    ] = "king-county-esj",
    pdf_variant: Annotated[
        PdfVariant, typer.Option("--pdf-variant", help="archival, accessible or plain.")
    ] = PdfVariant.archival,
) -> None:
    """Review many proposals: validate, score and report each; summary, portfolio and errors."""
    import os

    from esj_review.batch.portfolio import write_summary
    from esj_review.batch.run import Settings, run_batch
    from esj_review.core.rubrics import load_rubric
    from esj_review.report.render import FORMATS, report_date

    formats = tuple(f.strip() for f in format.split(",") if f.strip() and f.strip() != "none")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; use pdf, html, json, md or none")
    missing = [p for p in inputs if not p.exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or folder")
    rub = load_rubric(rubric)
    settings = Settings(out, formats, pdf_variant.value, rubric, force, report_date())
    out.mkdir(parents=True, exist_ok=True)
    from esj_review.cli.progress import BatchProgress

    progress = BatchProgress()
    try:
        result = run_batch(list(inputs), settings, jobs or os.cpu_count() or 1, progress)
    finally:
        progress.stop()
    if result.interrupted:
        typer.echo(
            f"Interrupted: {len(result.records)} proposals are finished and kept in {out}. "
            "Run the same command again to continue.",
            err=True,
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    data = write_summary(
        out, rub, result.records, result.problems, fail_under, settings.generated, formats
    )
    errors = data["errors"]
    typer.echo(
        f"{len(result.records)} proposals reviewed ({result.reused} unchanged, skipped), "
        f"{errors} input{'s' if errors != 1 else ''} with errors; summary in {out}/summary.csv, "
        f"portfolio in {out}/portfolio.{'pdf' if 'pdf' in formats else 'html'}, "
        f"errors in {out}/errors.csv",
        err=True,
    )
    if data["below_threshold"]:
        typer.echo(
            f"{len(data['below_threshold'])} below --fail-under {fail_under:g}: "
            + ", ".join(data["below_threshold"][:10]),
            err=True,
        )
    if errors or data["below_threshold"]:
        raise typer.Exit(int(ExitCode.PROBLEMS))
