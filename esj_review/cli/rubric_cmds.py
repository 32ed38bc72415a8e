"""The `esj-review rubric ...` commands."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from esj_review.cli.common import rubric_app, rubric_file, write_out


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
    path: Annotated[Path, typer.Argument(metavar="PATH", help="A rubric file (YAML or JSON).")],
) -> None:
    """Check a rubric file: schema, ids, conditions, reachability, bands, maximum points."""
    from esj_review.core.errors import shown_path
    from esj_review.core.lint import lint_rubric
    from esj_review.core.rubrics import load_rubric_file
    from esj_review.report.terminal import lint_view, make_console

    rub = load_rubric_file(path)  # raises with every error
    report = lint_rubric(rub)
    for problem in report.problems:
        typer.echo(problem.render(path))
    make_console().print(lint_view(report, rub))
    typer.echo(f"{shown_path(path)}: ok ({rub.id} {rub.version})", err=True)


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
) -> None:
    """Print a Markdown catalogue: every section, question, choice, point, band and flag."""
    from esj_review.core.rubrics import load_rubric
    from esj_review.report.catalogue import render_catalogue

    write_out(render_catalogue(load_rubric(ref)), output, *rubric_file(ref))
