"""Sections 2-5 of the report as a council reads them: structure, type, wording, layout.

The HTML is parsed and walked (headings, table header cells, links); the PDF is read with
pdfplumber for what only the rendered page shows (type sizes, where a heading lands, how much
of a page is used).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pdfplumber
import pytest
import tinyhtml5
import yaml

from esj_review.core.review import Review, load_review, parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import LedgerEntry
from esj_review.core.scoring import score
from esj_review.report.chapters import money
from esj_review.report.context import build_context
from esj_review.report.render import render_html, render_report
from tests.conftest import EXAMPLES, ROOT

DATE = dt.date(2026, 11, 29)
NS = "{http://www.w3.org/1999/xhtml}"
CHAPTERS = ("scorecard", "determinants", "answers", "method")
HEADINGS = {f"{NS}h{n}": n for n in range(1, 7)}
# Sites that keep copies of other publishers' documents: never a source.
MIRRORS = (
    "philanthropynw.org",
    "docslib.org",
    "adaptationclearinghouse.org",
    "fdocuments",
    "vdocuments",
    "scribd.com",
    "pdfcoffee",
)
REVIEWS = {
    "transit": EXAMPLES / "reduced-fare-transit.yaml",
    "capital": EXAMPLES / "capital-facility-siting.yaml",
    "budget": EXAMPLES / "budget-reduction.yaml",
    "incomplete": EXAMPLES / "language-access-expansion.yaml",
    "gare": ROOT / "tests" / "data" / "gare-youth-jobs.yaml",
}


def rubric_of(review: Review, kc: Rubric, gare: Rubric) -> Rubric:
    return {kc.id: kc, gare.id: gare}[review.rubric.id]


def html_of(rubric: Rubric, review: Review) -> Element:
    root: Element = tinyhtml5.parse(
        render_html(build_context(rubric, review, score(rubric, review), DATE))
    )
    return root


def text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def chapters(root: Element) -> Iterator[Element]:
    for section in root.iter(f"{NS}section"):
        if section.get("id") in CHAPTERS:
            yield section


@pytest.fixture(params=sorted(REVIEWS))
def page(request: pytest.FixtureRequest, kc: Rubric, gare: Rubric) -> tuple[Element, Rubric]:
    review = load_review(REVIEWS[request.param])
    rubric = rubric_of(review, kc, gare)
    return html_of(rubric, review), rubric


# --- structure ------------------------------------------------------------------------------


def test_headings_go_down_one_level_at_a_time(page: tuple[Element, Rubric]) -> None:
    root, _ = page
    for section in chapters(root):
        levels = [HEADINGS[e.tag] for e in section.iter() if e.tag in HEADINGS]
        assert levels[0] == 2, section.get("id")
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (section.get("id"), levels)


def test_the_whole_report_never_skips_a_heading_level(page: tuple[Element, Rubric]) -> None:
    root, _ = page
    levels = [HEADINGS[e.tag] for e in root.iter() if e.tag in HEADINGS]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_every_table_has_header_cells_with_scope(page: tuple[Element, Rubric]) -> None:
    root, _ = page
    tables = [t for s in chapters(root) for t in s.iter(f"{NS}table")]
    assert tables
    for table in tables:
        head = table.find(f"{NS}thead")
        body_rows = [r for b in table.findall(f"{NS}tbody") for r in b.findall(f"{NS}tr")]
        assert all(th.get("scope") for th in table.iter(f"{NS}th")), text_of(table)[:80]
        if head is not None:
            assert [th.get("scope") for th in head.iter(f"{NS}th")] == ["col"] * len(
                head.findall(f".//{NS}th")
            )
        else:  # a two-column table of labels and values: each label is a row header
            assert all(r[0].tag == f"{NS}th" for r in body_rows), text_of(table)[:80]
        for row in body_rows:
            cells = list(row)
            if len(cells) > 1:
                assert cells[0].tag == f"{NS}th" and cells[0].get("scope") == "row", text_of(row)[
                    :80
                ]


def test_alignment_says_advanced_and_not_advanced_in_words(kc: Rubric) -> None:
    root = html_of(kc, load_review(REVIEWS["transit"]))
    table = root.find(f".//{NS}section[@id='determinants']//{NS}table[@class='alignment']")
    assert table is not None
    assert [text_of(th) for th in table.iter(f"{NS}th")][:3] == [
        "List",
        "Advanced",
        "Not advanced",
    ]
    assert "–" not in text_of(table) and "✓" not in text_of(table)
    strategies = next(r for r in table.iter(f"{NS}tr") if "strategies" in text_of(r[0]))
    assert "Invest in employees" in text_of(strategies[2])


def test_the_current_band_is_marked_in_words(kc: Rubric) -> None:
    root = html_of(kc, load_review(REVIEWS["transit"]))
    current = root.find(f".//{NS}table[@class='bands']//{NS}tr[@class='current']")
    assert current is not None and "(this review)" in text_of(current)


# --- content shown once ---------------------------------------------------------------------


def test_untouched_determinants_are_one_line(kc: Rubric) -> None:
    root = html_of(kc, load_review(REVIEWS["transit"]))
    section = root.find(f".//{NS}section[@id='determinants']")
    assert section is not None
    rows = section.findall(f".//{NS}table[@class='determinants']/{NS}tbody/{NS}tr")
    touched = [text_of(r[0]) for r in rows]
    assert touched == [
        "Access to safe and efficient transportation",
        "Access to health and human services",
        "Family wage jobs and job training",
        "Equity in County practices",
    ]
    lines = [p for p in section.iter(f"{NS}p") if "Not touched" in text_of(p)]
    assert len(lines) == 1
    line = text_of(lines[0])
    assert line.startswith("Not touched by this proposal: Access to affordable, healthy")
    assert "Community and public safety" in line and "Quality education" in line
    assert text_of(section).count("Not touched") == 1


def test_phase_wording_is_qualified_once_in_the_method(page: tuple[Element, Rubric]) -> None:
    root, rubric = page
    text = text_of(root)
    assert "commonly cited; not verified" not in text
    for phase in root.iter(f"{NS}p"):
        if "phase" in (phase.get("class") or ""):
            assert "verified" not in text_of(phase)
    unverified = [s.phase for s in rubric.sections if s.phase and not s.verified]
    method = root.find(f".//{NS}section[@id='method']")
    assert method is not None
    notes = [p for p in method.iter(f"{NS}p") if text_of(p).startswith("Not verified: the phase")]
    assert len(notes) == (1 if unverified else 0)
    if unverified:
        assert all(phase in text_of(notes[0]) for phase in unverified)
    assert text.count("not been checked against the primary document") == len(notes)


def test_unverified_labels_the_report_uses_are_named_once_in_the_method(kc: Rubric) -> None:
    """The merged language-access population label is the tool's: the report uses it, and says
    so once, in the method section, never beside it in the body."""
    review = load_review(REVIEWS["transit"])
    assert "limited_english" in review.answers["populations_affected"]
    label = next(i.label for i in kc.populations if i.id == "limited_english")
    assert not next(i for i in kc.populations if i.id == "limited_english").verified
    root = html_of(kc, review)
    method = root.find(f".//{NS}section[@id='method']")
    assert method is not None
    notes = [p for p in method.iter(f"{NS}p") if "not checked against a primary" in text_of(p)]
    assert len(notes) == 1 and label in text_of(notes[0])
    assert text_of(root).count("not checked against a primary") == 1
    review.answers["populations_affected"] = ["bipoc", "low_income"]
    review.answers.pop("determinant_impacts")  # their populations named it too
    root = html_of(kc, review)
    assert "not checked against a primary" not in text_of(root)


def test_alignment_answers_point_to_section_3(kc: Rubric) -> None:
    root = html_of(kc, load_review(REVIEWS["transit"]))
    answers = root.find(f".//{NS}section[@id='answers']")
    assert answers is not None
    text = text_of(answers)
    assert "Listed in section 3, “Alignment”." in text
    assert "Invest upstream and where needs are greatest" not in text


def test_flags_are_not_listed_twice(kc: Rubric) -> None:
    root = html_of(kc, load_review(REVIEWS["capital"]))
    scorecard = root.find(f".//{NS}section[@id='scorecard']")
    assert scorecard is not None
    card = score(kc, load_review(REVIEWS["capital"]))
    listed = sum(text_of(scorecard).count(f.message) for f in card.flags)
    assert listed in (0, len(card.flags))  # none, or all when page 1 could not hold them
    if listed == 0:
        assert "listed on page 1" in text_of(scorecard)


# --- wording --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["king-county-esj", "gare-racial-equity"])
def test_sources_name_the_document_and_link_it(name: str, kc: Rubric, gare: Rubric) -> None:
    rubric = {kc.id: kc, gare.id: gare}[name]
    review = load_review(REVIEWS["transit" if name == kc.id else "gare"])
    root = html_of(rubric, review)
    method = root.find(f".//{NS}section[@id='method']")
    assert method is not None
    items = method.findall(f".//{NS}ul[@class='tight sources']/{NS}li")
    assert len(items) == len(rubric.sources)
    for source, item in zip(rubric.sources, items, strict=True):
        assert source.publisher, source.id
        assert text_of(item).startswith(source.title)
        assert source.publisher in text_of(item)
        if source.year:
            assert str(source.year) in text_of(item)
        links = [a.get("href") for a in item.iter(f"{NS}a")]
        assert links == ([source.url] if source.url else [])
        assert not any(m in (source.url or "") for m in MIRRORS), source.url
    everything = " ".join(a.get("href") or "" for a in root.iter(f"{NS}a"))
    assert not any(m in everything or m in text_of(root) for m in MIRRORS)


def test_ledger_shows_plain_labels_and_plain_rules(page: tuple[Element, Rubric]) -> None:
    root, _ = page
    ledger = root.find(f".//{NS}table[@class='ledger']")
    assert ledger is not None
    for row in ledger.iter(f"{NS}tr"):
        for cell in row:
            text = text_of(cell)
            assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", text), text  # no ids
            assert not re.search(r"\b\w+\.\w+\.\w+\b", text), text  # no dotted paths
            assert "characters" not in text, text  # no length thresholds
            assert "'" not in text, text  # no quoted choice ids


def test_a_repeat_answer_is_labelled_by_item_and_question(kc: Rubric) -> None:
    review = load_review(REVIEWS["transit"])
    card = score(kc, review)
    card.ledger.append(
        LedgerEntry(
            component="process",
            question="determinant_impacts.transportation.benefit_reach",
            section="analysis",
            answer="priority",
            points=1,
            max=1,
            contribution=0,
            rule="choice 'priority' scores 1 of 1",
        )
    )
    ledger = build_context(kc, review, card, DATE).ledger
    row = next(
        r
        for r in ledger
        if r["question"].startswith("Access to safe")
        and r["component"] != "Impact (benefits and burdens)"
    )
    repeat = kc.question("determinant_impacts")
    assert repeat is not None
    child = next(c for c in repeat.children() if c.id == "benefit_reach")
    assert row["question"] == (
        f"Access to safe and efficient transportation: {child.label or child.prompt}"
    )
    assert row["rule"] == "this choice scores 1 of 1"
    label = next(c.label for c in kc.choices_for(child) if c.id == "priority")
    assert row["answer"].text == label  # the choice's label, not its id


def test_ledger_answers_are_whole_or_end_at_a_word(kc: Rubric) -> None:
    data: dict[str, Any] = yaml.safe_load(REVIEWS["transit"].read_text())
    owner = "Transit Department, Fare Programs manager, with the " + "equity team " * 4
    data["answers"]["metrics_owner"] = owner.strip()
    short = parse_review(copy.deepcopy(data), "t.yaml")
    row = next(
        r
        for r in build_context(kc, short, score(kc, short), DATE).ledger
        if r["answer"].text.startswith("Transit Department")
    )
    assert row["answer"].text == owner.strip()  # 100 characters: whole, not cut at 80
    data["answers"]["metrics_owner"] = "Transit Department manager " + "and deputies " * 40
    long = parse_review(data, "t.yaml")
    row = next(
        r
        for r in build_context(kc, long, score(kc, long), DATE).ledger
        if r["answer"].text.startswith("Transit Department")
    )
    text = row["answer"].text
    assert text.endswith("… (whole in section 4 and in the attached review)")
    assert text.split(" …")[0].split()[-1] in {"and", "deputies"}  # ends on a whole word


PLURAL_AFTER_ONE = re.compile(r"\b1 (more )?(gaps|flags|answers|populations|determinants)\b")


def test_no_number_one_with_a_plural_in_sections_2_to_5(page: tuple[Element, Rubric]) -> None:
    root, _ = page
    for section in chapters(root):
        assert not PLURAL_AFTER_ONE.search(text_of(section)), section.get("id")


def test_no_number_one_with_a_plural_on_page_1(kc: Rubric) -> None:
    found = []
    for name in ("capital", "incomplete"):
        statement = html_of(kc, load_review(REVIEWS[name])).find(f".//{NS}section[@id='statement']")
        assert statement is not None
        found += PLURAL_AFTER_ONE.findall(text_of(statement))
    assert not found


# --- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "expected"),
    [("-1,300,000", "-$1,300,000"), ("−1,300,000", "-$1,300,000"), ("4,200,000", "$4,200,000")],
)
def test_money_puts_the_sign_before_the_dollar(shown: str, expected: str) -> None:
    assert money(shown) == expected


def test_a_negative_amount_reads_minus_dollars(kc: Rubric) -> None:
    text = text_of(html_of(kc, load_review(REVIEWS["budget"])))
    assert "-$1,300,000" in text and "$-" not in text


# --- the PDF --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from esj_review.core.rubrics import load_rubric

    out = {}
    folder = tmp_path_factory.mktemp("layout")
    for name in ("transit", "capital"):
        review = load_review(REVIEWS[name])
        path = folder / f"{name}.pdf"
        path.write_bytes(
            render_report(load_rubric(review.rubric.id), review, "pdf", "archival", DATE)
        )
        out[name] = path
    return out


def body_chars(page: Any) -> list[dict[str, Any]]:
    """Characters inside the text area: not the running header or footer."""
    return [c for c in page.chars if 62 < c["top"] < page.height - 60 and c["text"].strip()]


def scorecard_onwards(path: Path) -> Iterator[Any]:
    with pdfplumber.open(path) as pdf:
        started = False
        for page in pdf.pages:
            started = started or "2. Scorecard" in (page.extract_text() or "")
            if started:
                yield page


@pytest.mark.parametrize("name", ["transit", "capital"])
def test_type_is_never_below_9_points_and_body_is_10_5(pdfs: dict[str, Path], name: str) -> None:
    sizes: list[float] = []
    for page in scorecard_onwards(pdfs[name]):
        sizes += [round(c["size"], 1) for c in body_chars(page)]
        for line in page.extract_text_lines():
            if line["text"].startswith("What is measured."):
                assert min(c["size"] for c in line["chars"]) >= 10.5
    assert sizes and min(sizes) >= 9.0
    assert max(set(sizes), key=sizes.count) >= 9.5  # most text is table text or body


@pytest.mark.parametrize("name", ["transit", "capital"])
def test_no_heading_is_stranded_and_no_page_is_mostly_blank(
    pdfs: dict[str, Path], name: str
) -> None:
    pages = list(scorecard_onwards(pdfs[name]))
    for page in pages:
        lines = [ln for ln in page.extract_text_lines() if 62 < ln["top"] < page.height - 60]
        if not lines:
            continue
        texts = [ln["text"] for ln in lines]
        if "Ledger" in texts:  # the heading, its note and the table's head on one page
            assert any(t.startswith("Question Answer Points") for t in texts)
        last = lines[-1]
        assert last["chars"][0]["size"] < 12, f"a heading ends page {page.page_number}"
    for page in pages[:-2]:  # the sign-off page starts a page of its own
        lowest = max(c["bottom"] for c in body_chars(page))
        assert lowest > 0.6 * page.height, f"page {page.page_number} is mostly blank"
