"""The `esj-review rubric ...` commands."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from esj_review.cli.common import error_line, rubric_app, rubric_file, write_out
from esj_review.core.errors import EsjError, ExitCode, UsageError
from esj_review.core.i18n import ui as _

if TYPE_CHECKING:
    from esj_review.core.rubric import Rubric


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


@rubric_app.command("list")
def rubric_list() -> None:
    """List the rubrics shipped with the tool."""
    from esj_review.core.rubrics import load_rubric, shipped_rubrics
    from esj_review.report.terminal import make_console, rubric_list_view

    make_console().print(rubric_list_view([load_rubric(r) for r in shipped_rubrics()]))


@rubric_app.command("show")
def rubric_show(
    ref: Annotated[str, typer.Argument(metavar="REF", help="Rubric id (king-county-esj) or file.")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="text or json.")] = (
        TextOrJson.text
    ),
) -> None:
    """Show a rubric's taxonomies, sections and components."""
    from esj_review.core.rubrics import load_rubric

    rub = load_rubric(ref)
    if format is TextOrJson.json:
        data = rub.model_dump(mode="json", by_alias=True, exclude_none=True)
        data["hash"] = rub.content_hash
        write_out(json.dumps(data, indent=2, ensure_ascii=False) + "\n", None)
        return
    from esj_review.report.terminal import make_console, rubric_text_view

    make_console().print(rubric_text_view(rub))


@rubric_app.command("validate")
def rubric_validate(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="A rubric file, or a translation file.")
    ],
) -> None:
    """Check a rubric file (schema, ids, conditions, reachability, bands, maximum points) and
    the translation files beside it; or one translation file against its rubric."""
    from esj_review.core.errors import shown_path
    from esj_review.core.lint import lint_rubric
    from esj_review.core.rubrics import load_rubric_file
    from esj_review.core.translation_check import check_translation
    from esj_review.core.translations import is_translation_file
    from esj_review.report.terminal import lint_view, make_console

    if is_translation_file(path):
        rub, translations = _rubric_of_translation(path), [path]
    else:
        rub = load_rubric_file(path)  # raises with every error
        report = lint_rubric(rub)
        for problem in report.problems:
            typer.echo(problem.render(path))
        make_console().print(lint_view(report, rub))
        translations = _translations_beside(path, rub.id)
    failed = False
    ok = _("%(path)s: ok (%(rubric)s %(version)s)")
    for translation in translations:
        problems = check_translation(rub, translation)
        for problem in problems:  # warnings on stdout, as the rubric's; errors on stderr
            error = problem.severity == "error"
            line = problem.render(translation)
            typer.echo(error_line(line) if error else line, err=error)
        failed |= any(p.severity == "error" for p in problems)
        if not any(p.severity == "error" for p in problems):
            shown = {"path": shown_path(translation), "rubric": rub.id, "version": rub.version}
            typer.echo(ok % shown, err=True)
    if failed:
        raise typer.Exit(int(ExitCode.PROBLEMS))
    if not is_translation_file(path):
        typer.echo(
            ok % {"path": shown_path(path), "rubric": rub.id, "version": rub.version}, err=True
        )


def _translations_beside(path: Path, rubric_id: str) -> list[Path]:
    """Translation files beside a rubric file: `ID.LANG.yaml` (and `STEM.LANG.yaml`)."""
    from esj_review.core.translations import is_translation_file

    stems = dict.fromkeys([rubric_id, path.stem])
    found = {p for stem in stems for p in path.parent.glob(f"{glob_escape(stem)}.*.yaml")}
    return sorted(p for p in found if is_translation_file(p) and p != path)


def glob_escape(text: str) -> str:
    """`text` matched literally by a glob."""
    import glob

    return glob.escape(text)


def _rubric_of_translation(path: Path) -> Rubric:
    """The rubric a translation file names: `RUBRIC.yaml` beside it, else the shipped one."""
    from esj_review.core.errors import InputFileError
    from esj_review.core.files import load_data
    from esj_review.core.rubrics import load_rubric, load_rubric_file

    data = load_data(path)
    named = data.get("rubric") if isinstance(data, dict) else None
    if not isinstance(named, str) or not named or "/" in named or "." in named:
        named = path.stem.split(".", 1)[0]
    beside = path.parent / f"{named}.yaml"
    if beside.is_file():
        return load_rubric_file(beside)
    try:
        return load_rubric(named)
    except EsjError:
        raise InputFileError(
            path,
            _("names rubric %(rubric)r, which is neither beside it nor shipped")
            % {"rubric": named},
        ) from None


@rubric_app.command("schema")
def rubric_schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to a file.")
    ] = None,
) -> None:
    """Print the JSON Schema of rubric files, for editors."""
    from esj_review.core.rubric import Rubric

    schema = Rubric.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    write_out(json.dumps(schema, indent=2) + "\n", output)


@rubric_app.command("doc")
def rubric_doc(
    ref: Annotated[str, typer.Argument(metavar="REF", help="Rubric id (king-county-esj) or file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to a file.")
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", metavar="LANG", help="The language to write in (es).")
    ] = "en",
) -> None:
    """Print a Markdown catalogue: every section, question, choice, point, band and flag."""
    from esj_review.core.i18n import use_language
    from esj_review.core.rubrics import load_rubric
    from esj_review.core.translations import translated
    from esj_review.report.catalogue import render_catalogue

    check_lang(lang)
    rub = load_rubric(ref)
    folder = Path(ref).parent if rubric_file(ref) else None
    with use_language(lang):
        text = render_catalogue(translated(rub, lang, folder=folder))
    write_out(text, output, *rubric_file(ref))


@rubric_app.command("translation")
def rubric_translation(
    ref: Annotated[str, typer.Argument(metavar="REF", help="Rubric id (king-county-esj) or file.")],
    lang: Annotated[
        str, typer.Option("--lang", metavar="LANG", help="The language to translate into (es).")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to a file; the texts of a translation already there are kept.",
        ),
    ] = None,
) -> None:
    """Write a translation file to start from: every text of the rubric under its key, the
    English as a comment, the value null (shown in English until it is translated)."""
    from esj_review.core.rubrics import load_rubric
    from esj_review.core.translation_check import skeleton

    check_lang(lang)
    if lang.split("-")[0] == "en":
        raise UsageError(_("--lang: the rubric is written in English; name another language"))
    rub = load_rubric(ref)
    kept: tuple[dict[str, str], dict[str, str]] = ({}, {})
    if output is not None and output.exists():
        kept = _kept_texts(output, rub, lang)
    write_out(skeleton(rub, lang, *kept), output, *rubric_file(ref))


def _kept_texts(output: Path, rub: Rubric, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The texts of the translation already at `output` that still apply to the rubric, and
    those whose English has changed since (shown to the translator, not kept as values). The
    file must be a translation of this rubric into `lang`, or it is left alone."""
    from esj_review.core.errors import InputFileError, shown_path
    from esj_review.core.translation_keys import translatable
    from esj_review.core.translations import load_translation, unchanged_since

    existing = load_translation(output).file  # raises, naming the file, if it is not one
    if (existing.rubric, existing.lang) != (rub.id, lang):
        message = _(
            "is a translation of %(rubric)s into %(lang)s, not of %(expected)s into "
            "%(expected_lang)s; refusing to replace it"
        )
        raise InputFileError(
            output,
            message
            % {
                "rubric": existing.rubric,
                "lang": existing.lang,
                "expected": rub.id,
                "expected_lang": lang,
            },
        )
    english = translatable(rub)
    same = unchanged_since(rub, existing.version, english)
    given = {k: v for k, v in existing.strings.items() if k in english and v is not None}
    kept = {k: v for k, v in given.items() if same is None or k in same}
    stale = {k: v for k, v in given.items() if k not in kept}
    dropped = [k for k in existing.strings if k not in english]
    listed = ", ".join(dropped[:5])
    if len(dropped) > 5:
        listed = _("%(items)s and %(count)d more") % {"items": listed, "count": len(dropped) - 5}
    said = (
        _(
            "%(path)s: kept %(kept)d texts; %(todo)d to translate (%(stale)d of them with an "
            "earlier translation shown, their English changed); %(dropped)d dropped (no such "
            "text in %(rubric)s %(version)s): %(listed)s"
        )
        if dropped
        else _(
            "%(path)s: kept %(kept)d texts; %(todo)d to translate (%(stale)d of them with an "
            "earlier translation shown, their English changed); %(dropped)d dropped (no such "
            "text in %(rubric)s %(version)s)"
        )
    )
    counts = {"kept": len(kept), "todo": len(english) - len(kept), "stale": len(stale)}
    shown = {"path": shown_path(output), "rubric": rub.id, "version": rub.version}
    typer.echo(said % {**counts, **shown, "dropped": len(dropped), "listed": listed}, err=True)
    return kept, stale


def check_lang(lang: str) -> None:
    """UsageError unless `lang` is a language code (`es`, `zh-Hant`)."""
    from esj_review.core.translations import LANG_PATTERN

    if not re.match(LANG_PATTERN, lang):
        raise UsageError(
            _("--lang: %(lang)r is not a language code such as es or zh-Hant") % {"lang": lang}
        )
