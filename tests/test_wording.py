"""Wording that belongs to a rubric: reports and views print the rubric's own note and disclaimer.

The engine names no jurisdiction; a GARE report must not speak of King County, and the King
County report keeps its sentence where it always was.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
from rich.console import Console, Group
from rich.text import Text
from typer.testing import CliRunner

from esj_review.batch.portfolio import portfolio, render_portfolio_html
from esj_review.cli import app
from esj_review.core.review import load_review
from esj_review.core.rubric import Rubric
from esj_review.core.scoring import score
from esj_review.report.catalogue import render_catalogue
from esj_review.report.context import build_context
from esj_review.report.render import render_html, render_markdown
from esj_review.report.terminal import scorecard_view
from tests.conftest import EXAMPLES, ROOT

DATE = dt.date(2026, 11, 29)
NS = "{http://www.w3.org/1999/xhtml}"
KC_NOTE = "King County's Equity Impact Review assigns no number."
GARE_NOTE = "The GARE Racial Equity Toolkit assigns no number."
METHOD = "esj-review's method (esj-review rubric doc)."
REVIEWS = {
    "king-county-esj": EXAMPLES / "capital-facility-siting.yaml",
    "gare-racial-equity": ROOT / "tests" / "data" / "gare-youth-jobs.yaml",
}


@pytest.fixture(params=["king-county-esj", "gare-racial-equity"])
def rubric(request: pytest.FixtureRequest, kc: Rubric, gare: Rubric) -> Rubric:
    chosen: Rubric = {kc.id: kc, gare.id: gare}[request.param]
    return chosen


def report(rubric: Rubric, path: Path) -> tuple[str, str]:
    """The HTML and Markdown reports of a review."""
    review = load_review(path)
    ctx = build_context(rubric, review, score(rubric, review), DATE)
    return render_html(ctx), render_markdown(ctx)


def all_text(root: Element) -> str:
    """Every text node and attribute value of a parsed document."""
    return " ".join([*root.itertext(), *(v for e in root.iter() for v in e.attrib.values())])


def notice(root: Element) -> Element:
    """The note that opens the Method section."""
    found = root.find(f".//{NS}section[@id='method']/{NS}p[@class='notice']")
    assert found is not None
    return found


def terminal_text(rubric: Rubric, path: Path) -> tuple[Text, str]:
    """The scorecard view's closing line, and the whole view as plain text."""
    view = scorecard_view(score(rubric, load_review(path)), rubric)
    assert isinstance(view, Group)
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(view)
    last = view.renderables[-1]
    assert isinstance(last, Text)
    return last, console.export_text()


def test_shipped_rubrics_carry_their_own_note(kc: Rubric, gare: Rubric) -> None:
    assert kc.score_note == KC_NOTE
    assert gare.score_note == GARE_NOTE
    assert "King County" not in gare.model_dump_json()


def test_html_method_opens_with_the_rubric_note(rubric: Rubric) -> None:
    html, _ = report(rubric, REVIEWS[rubric.id])
    root = tinyhtml5.parse(html)
    box = notice(root)
    bold = box.find(f"{NS}b")
    assert bold is not None and bold.text == rubric.score_note
    assert "".join(box.itertext()) == f"{rubric.score_note} {rubric.disclaimer}"
    text = all_text(root)
    if rubric.id == "king-county-esj":
        assert bold.text == KC_NOTE
    else:
        assert "King County" not in text


def test_markdown_method_opens_with_the_rubric_note(rubric: Rubric) -> None:
    _, md = report(rubric, REVIEWS[rubric.id])
    method = md.split("\n## 5. Method\n\n", 1)[1]
    assert method.split("\n\n")[0] == f"{rubric.score_note} {rubric.disclaimer}"
    if rubric.id == "king-county-esj":
        assert method.startswith(KC_NOTE + " ")
    else:
        assert "King County" not in md


def test_incomplete_gare_review_names_no_county(gare: Rubric) -> None:
    review = load_review(REVIEWS[gare.id])
    for key in ("metrics", "plan", "funded"):
        review.answers.pop(key)
    ctx = build_context(gare, review, score(gare, review), DATE)
    root = tinyhtml5.parse(render_html(ctx))
    assert "Incomplete: no rating yet" in all_text(root)
    assert "King County" not in all_text(root) and "King County" not in render_markdown(ctx)


def test_terminal_scorecard_closes_with_the_rubric_note(rubric: Rubric) -> None:
    last, shown = terminal_text(rubric, REVIEWS[rubric.id])
    assert last.plain == f"{rubric.score_note.rstrip('.')}; this score is {METHOD}"
    if rubric.id == "king-county-esj":
        assert last.plain.startswith("King County's Equity Impact Review assigns no number; ")
    else:
        assert "King County" not in shown


def test_portfolio_uses_the_batch_rubric(rubric: Rubric) -> None:
    root = tinyhtml5.parse(render_portfolio_html(portfolio(rubric, [], [], None, DATE), rubric))
    notes = [p for p in root.iter(f"{NS}p") if p.get("class") == "small muted"]
    assert [p.text for p in notes] == [
        f"{rubric.score_note.rstrip('.')}; scores and bands are this tool's method "
        "(see each proposal's report)."
    ]
    if rubric.id != "king-county-esj":
        assert "King County" not in all_text(root)


def test_a_rubric_without_a_note_gets_generic_wording(kc: Rubric) -> None:
    bare = kc.model_copy(update={"score_note": ""})
    html, md = report(bare, REVIEWS[kc.id])
    box = notice(tinyhtml5.parse(html))
    assert box.find(f"{NS}b") is None and "".join(box.itertext()) == kc.disclaimer
    assert md.split("\n## 5. Method\n\n", 1)[1].startswith(kc.disclaimer + "\n")
    last, _ = terminal_text(bare, REVIEWS[kc.id])
    assert last.plain == f"This score is {METHOD}"
    page = render_portfolio_html(portfolio(bare, [], [], None, DATE), bare)
    assert "Scores and bands are this tool's method" in page


def test_help_names_no_jurisdiction() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "king-county-esj" in result.stdout
    assert "King County" not in result.stdout and "this tool's method" in result.stdout


def test_engine_code_and_templates_name_no_jurisdiction() -> None:
    package = ROOT / "esj_review"
    files = [p for p in package.rglob("*") if p.suffix in {".py", ".j2", ".css"}]
    assert files
    named = [str(p.relative_to(ROOT)) for p in files if re.search(r"King\b", p.read_text())]
    assert named == []


def test_rubric_doc_opens_with_the_rubric_note(rubric: Rubric) -> None:
    doc = render_catalogue(rubric)
    assert f"> {rubric.score_note} {rubric.disclaimer}" in doc.splitlines()
    if rubric.id != "king-county-esj":
        assert "King County" not in doc
