"""The batch command: many proposals at once; summary, portfolio and errors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from esj_review.batch.readers import sheet_kinds
from esj_review.cli.common import PdfVariant, app
from esj_review.core.errors import EsjError, ExitCode, UsageError, shown_path
from esj_review.core.text import one_line
from esj_review.report.formats import DEFAULT_FORMAT, NO_FORMAT, format_names

if TYPE_CHECKING:
    from esj_review.batch.run import BatchResult, Settings
    from esj_review.core.rubric import Rubric


def _make_out(out: Path) -> None:
    """The output folder, made when missing; a clear refusal when it cannot be."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot make this folder: {exc.strerror}") from None


@app.command()
def batch(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUT", help=f"Review files, folders of them, or {sheet_kinds()} sheets."
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Folder for reports and the summary.")
    ] = Path("out"),
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            metavar="N",
            show_default=False,
            help="Worker processes (default: the number of cores; at most 64).",
        ),
    ] = 0,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMATS",
            help=f"Per-proposal outputs: {','.join(format_names())} or {NO_FORMAT} "
            "(several separated by commas).",
        ),
    ] = DEFAULT_FORMAT,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            metavar="SCORE",
            help="Exit 1 if any proposal's band is below this score's band, its score is "
            "below it, or it is incomplete.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Redo proposals whose input has not changed.")
    ] = False,
    rubric: Annotated[
        str,
        typer.Option(
            "--rubric", metavar="REF", help="Rubric for sheets (review files name their own)."
        ),
    ] = "king-county-esj",
    pdf_variant: Annotated[
        PdfVariant, typer.Option("--pdf-variant", help="archival, accessible or plain.")
    ] = PdfVariant.archival,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            metavar="PREVIOUS_OUT",
            help="A previous batch's --out folder (or its summary.json): the portfolio says "
            "what changed since it (new, removed, bands moved up or down).",
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            metavar="LANGS",
            help="Report languages, separated by commas (es,en): one report per language, "
            "ID.es.pdf beside ID.pdf; the portfolio in the first.",
        ),
    ] = "en",
) -> None:
    """Review many proposals: validate, score and report each; summary, portfolio and errors."""
    import os

    from esj_review.batch.run import Settings, run_batch
    from esj_review.core.rubrics import load_rubric
    from esj_review.report.formats import parse_format_list
    from esj_review.report.render import report_date

    formats = parse_format_list(format)
    langs = _languages(lang)
    missing = [p for p in inputs if not p.exists() and not p.is_symlink()]
    if missing:
        raise UsageError(f"{shown_path(missing[0])}: no such file or folder")
    if fail_under is not None and not 0 <= fail_under <= 100:  # also refuses nan
        raise UsageError(f"--fail-under {fail_under:g}: give a score from 0 to 100")
    rub = load_rubric(rubric)
    previous = None
    if compare is not None:  # read before anything in --out (maybe the same folder) is written
        from esj_review.batch.compare import load_previous

        previous = load_previous(compare, rub)
    debug = bool(ctx.parent is not None and ctx.parent.params.get("debug"))
    settings = Settings(
        out, formats, pdf_variant.value, rubric, force, report_date(), debug, langs=langs
    )
    _make_out(out)
    from esj_review.cli.progress import BatchProgress

    progress = BatchProgress()
    try:
        result = run_batch(list(inputs), settings, jobs or os.cpu_count() or 1, progress)
    finally:
        progress.stop()
    try:
        _finish(rub, result, settings, fail_under, previous)
    finally:
        result.close()


def _languages(text: str) -> tuple[str, ...]:
    """The --lang list, each language checked (a usage error names those there are), in
    the order given, each once."""
    from esj_review.report.render import check_language

    langs = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    if not langs:
        raise UsageError("--lang: name at least one language")
    for one in langs:
        check_language(one)
    return langs


def _finish(
    rub: Rubric,
    result: BatchResult,
    settings: Settings,
    fail_under: float | None,
    previous: dict[str, Any] | None = None,
) -> None:
    """The summary, the closing lines and the exit code of a batch."""
    from esj_review.batch.portfolio import write_summary

    out, formats, debug = settings.out, settings.formats, settings.debug
    if result.interrupted:
        typer.echo(
            f"Interrupted: {len(result.records)} proposals are finished and kept in {out}. "
            "Run the same command again to continue.",
            err=True,
        )
        raise typer.Exit(int(ExitCode.INTERRUPTED))
    try:
        data = write_summary(
            out,
            rub,
            result.records,
            result.problems,
            fail_under,
            settings.generated,
            formats,
            previous,
            lang=settings.langs[0],
        )
    except EsjError:
        raise
    except Exception as exc:  # the proposals' outputs are written; say what is missing
        if debug:
            raise
        raise EsjError(
            f"the summary or the portfolio in {out} could not be written: "
            f"{type(exc).__name__}: {one_line(exc)} (run with --debug for the traceback)"
        ) from None
    errors = data["errors"]
    typer.echo(
        f"{len(result.records)} proposals reviewed ({result.reused} unchanged, skipped), "
        f"{errors} input{'s' if errors != 1 else ''} with errors; summary in {out}/summary.csv, "
        f"portfolio in {out}/portfolio.{'pdf' if 'pdf' in formats else 'html'}, "
        f"errors in {out}/errors.csv",
        err=True,
    )
    if "compared" in data:
        _say_changes(data["compared"])
    if data["below_threshold"]:
        typer.echo(
            f"{len(data['below_threshold'])} below --fail-under {fail_under:g}: "
            + ", ".join(one_line(i, 80) for i in data["below_threshold"][:10]),
            err=True,
        )
    if errors or data["below_threshold"]:
        raise typer.Exit(int(ExitCode.PROBLEMS))


def _say_changes(compared: dict[str, Any]) -> None:
    """One line of what changed since the previous run (and one if its rubric version differs)."""
    c = compared
    typer.echo(
        f"Since the run of {one_line(c['generated'], 40)}: {len(c['new'])} new, "
        f"{len(c['removed'])} no longer present, {len(c['up'])} moved up a band, "
        f"{len(c['down'])} moved down, {c['unchanged']} unchanged (see the portfolio)",
        err=True,
    )
    if c["rubric_note"]:
        typer.echo(one_line(c["rubric_note"], 200), err=True)
