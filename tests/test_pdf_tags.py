"""The PDF's structure tree, as a screen reader and a PDF/UA checker walk it.

Every check reads the PDF with pikepdf (the structure tree, the page content streams) and,
where it needs to know what the tree should hold, the report's HTML; none reads the code that
made the tree. Run on every bundled example and on a long review answered in many languages.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
import tinyhtml5
import yaml
from pikepdf import pdfa

from esj_review._version import __version__
from esj_review.core.review import Review, load_review, parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.report.context import build_context
from esj_review.report.render import render_html, render_report
from tests.conftest import EXAMPLES

DATE = dt.date(2026, 11, 29)
NS = "{http://www.w3.org/1999/xhtml}"
LANGUAGES: dict[str, str] = yaml.safe_load(
    (Path(__file__).parent / "data" / "languages.yaml").read_text(encoding="utf-8")
)
NARRATIVES = (
    "summary",
    "desired_results",
    "data_sources",
    "history",
    "engaged_who",
    "community_influence",
    "alternatives",
    "root_causes",
    "unintended_consequences",
    "resources",
    "timeline",
    "metrics",
)


@dataclass
class Rendered:
    """One review as the accessible PDF and the HTML it was made from."""

    name: str
    pdf: bytes
    html: Any
    review: Review
    rubric: Rubric


def _multilingual() -> Review:
    """The transit example with every narrative a long paragraph, each in another language,
    and every determinant touched, so that sections, tables and lists cross pages."""
    data = yaml.safe_load((EXAMPLES / "reduced-fare-transit.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    texts = list(LANGUAGES.values())
    for i, key in enumerate(NARRATIVES):
        data["answers"][key] = " ".join([texts[i % len(texts)]] * 12)
    impacts = data["answers"]["determinant_impacts"]
    rubric = load_rubric("king-county-esj")
    template = impacts["transportation"]
    for j, determinant in enumerate(rubric.determinants):
        impacts.setdefault(
            determinant.id, dict(template, evidence=" ".join([texts[j % len(texts)]] * 4))
        )
    data["answers"]["determinants_touched"] = [d.id for d in rubric.determinants]
    return parse_review(data, Path("multilingual.yaml"))


def _reviews() -> Iterator[tuple[str, Review]]:
    for path in sorted(EXAMPLES.glob("**/*.yaml")):
        yield path.stem, load_review(path)
    yield "multilingual", _multilingual()


@pytest.fixture(scope="module")
def rendered() -> list[Rendered]:
    out = []
    for name, review in _reviews():
        rubric = load_rubric(review.rubric.id)
        ctx = build_context(rubric, review, score(rubric, review), DATE)
        html = tinyhtml5.parse(render_html(ctx))
        pdf = render_report(rubric, review, "pdf", "accessible", DATE)
        out.append(Rendered(name, pdf, html, review, rubric))
    return out


def _open(item: Rendered) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(item.pdf))


def _elements(parent: Any) -> Iterator[Any]:
    kids = parent.get("/K")
    if isinstance(kids, pikepdf.Dictionary):
        kids = [kids]
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield kid


def _tree(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Every structure element, in reading order."""
    stack = list(reversed(list(_elements(pdf.Root.StructTreeRoot))))
    while stack:
        element = stack.pop()
        yield element
        stack.extend(reversed(list(_elements(element))))


def _referenced(pdf: pikepdf.Pdf) -> dict[tuple[Any, int], Any]:
    """(page, MCID) of every piece of marked content the tree refers to, and its element."""
    found: dict[tuple[Any, int], Any] = {}

    def visit(element: Any, page: Any) -> None:
        page = element.get("/Pg", page)
        kids = element.get("/K")
        if not isinstance(kids, pikepdf.Array):
            kids = [] if kids is None else [kids]
        for kid in kids:
            if isinstance(kid, int):
                found[(page.objgen, kid)] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found[(kid.get("/Pg", page).objgen, int(kid.MCID))] = element
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                visit(kid, page)

    for top in _elements(pdf.Root.StructTreeRoot):
        visit(top, None)
    return found


def _marked_content(page: pikepdf.Page) -> Iterator[tuple[str, int | None, bool]]:
    """Each marked-content sequence: its tag, its MCID, and whether an artifact encloses it."""
    stack: list[str] = []
    for instruction in pikepdf.parse_content_stream(page):
        operands, op = instruction.operands, str(instruction.operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            mcid = None
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                value = operands[1].get("/MCID")
                mcid = None if value is None else int(value)
            yield tag, mcid, "/Artifact" in stack
            stack.append(tag)
        elif op == "EMC":
            stack.pop()
    assert not stack, "a marked-content sequence is never closed"


def _html_count(item: Rendered, *tags: str) -> int:
    return sum(1 for tag in tags for _ in item.html.iter(f"{NS}{tag}"))


def test_every_marked_content_is_tagged_or_an_artifact(rendered: list[Rendered]) -> None:
    for item in rendered:
        with _open(item) as pdf:
            referenced = _referenced(pdf)
            seen = set()
            for number, page in enumerate(pdf.pages, 1):
                for tag, mcid, in_artifact in _marked_content(page):
                    if tag == "/Artifact" or in_artifact:
                        continue
                    where = f"{item.name}, page {number}: {tag} MCID {mcid}"
                    assert mcid is not None, f"{where}: marked content without an MCID"
                    assert (page.objgen, mcid) in referenced, f"{where} is in no element"
                    seen.add((page.objgen, mcid))
            assert seen == set(referenced), f"{item.name}: the tree refers to missing content"


def test_parent_tree_maps_content_back_to_its_element(rendered: list[Rendered]) -> None:
    for item in rendered:
        with _open(item) as pdf:
            referenced = _referenced(pdf)
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            for page in pdf.pages:
                row = tree[int(page.obj.StructParents)]
                for (on, mcid), element in referenced.items():
                    if on == page.objgen:
                        assert row[mcid].objgen == element.objgen, f"{item.name}: MCID {mcid}"


def test_margins_are_pagination_artifacts(rendered: list[Rendered]) -> None:
    for item in rendered:
        with _open(item) as pdf:
            for page in pdf.pages:
                kinds = set()
                for instruction in pikepdf.parse_content_stream(page):
                    operands = instruction.operands
                    if str(instruction.operator) == "BDC" and operands[0] == "/Artifact":
                        kinds.add(str(operands[1].get("/Subtype", "")))
                assert {"/Header", "/Footer"} <= kinds, item.name


def test_one_element_per_html_section_table_and_list(rendered: list[Rendered]) -> None:
    """A section, table or list that crosses a page break is still one structure element."""
    for item in rendered:
        with _open(item) as pdf:
            kinds = [str(e.S) for e in _tree(pdf)]
            pages = len(pdf.pages)
        assert pages > 1
        assert kinds.count("/Sect") == _html_count(item, "section"), item.name
        assert kinds.count("/Table") == _html_count(item, "table"), item.name
        assert kinds.count("/L") == _html_count(item, "ul", "ol", "dl"), item.name
        assert kinds.count("/THead") == _html_count(item, "thead"), item.name


def test_the_long_review_crosses_pages(rendered: list[Rendered]) -> None:
    """The multilingual review really does split tables and sections over pages."""
    (item,) = [r for r in rendered if r.name == "multilingual"]
    with _open(item) as pdf:
        split = 0
        for element in _tree(pdf):
            if str(element.S) in ("/Table", "/Sect"):
                pages = {k.Pg.objgen for k in _tree_under(element) if "/Pg" in k}
                split += len(pages) > 1
        assert split >= 3


def _tree_under(element: Any) -> Iterator[Any]:
    for kid in _elements(element):
        yield kid
        yield from _tree_under(kid)


def test_header_cells_have_a_scope_and_ids_that_resolve(rendered: list[Rendered]) -> None:
    for item in rendered:
        with _open(item) as pdf:
            ids = {}
            id_tree = pdf.Root.StructTreeRoot.get("/IDTree")
            if id_tree is not None:
                names = id_tree.Names
                ids = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
            for element in _tree(pdf):
                if element.S == "/TH":
                    assert element.A.Scope in ("/Column", "/Row"), item.name
                    assert element.A.O == "/Table"
                    assert ids[str(element.ID)].objgen == element.objgen
                if element.S == "/TD":
                    for header in element.A.get("/Headers", []):
                        assert ids[str(header)].S == "/TH", f"{item.name}: {header}"


def test_row_headers_say_row(rendered: list[Rendered]) -> None:
    """A th with scope="row" in the HTML is a row header in the PDF, as many as there are."""
    for item in rendered:
        rows = sum(1 for th in item.html.iter(f"{NS}th") if th.get("scope") == "row")
        with _open(item) as pdf:
            tagged = sum(1 for e in _tree(pdf) if e.S == "/TH" and e.A.Scope == "/Row")
        assert tagged >= rows, item.name


def test_every_data_table_has_header_cells(rendered: list[Rendered]) -> None:
    for item in rendered:
        with _open(item) as pdf:
            for element in _tree(pdf):
                if element.S == "/Table":
                    cells = [k.S for k in _tree_under(element)]
                    assert "/TH" in cells, f"{item.name}: a table without header cells"


def test_heading_levels_never_skip(rendered: list[Rendered]) -> None:
    for item in rendered:
        with _open(item) as pdf:
            levels = [int(str(e.S)[2]) for e in _tree(pdf) if str(e.S) in _HEADINGS]
        assert levels and levels[0] == 1, item.name
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{item.name}: H{before} then H{after}"


_HEADINGS = {f"/H{n}" for n in range(1, 7)}


def test_headings_are_in_the_html_order(rendered: list[Rendered]) -> None:
    """The tree's headings are the HTML's headings, in the same order."""
    for item in rendered:
        html = [
            int(e.tag[-1])
            for e in item.html.iter()
            if isinstance(e.tag, str) and e.tag[len(NS) :] in {f"h{n}" for n in range(1, 7)}
        ]
        with _open(item) as pdf:
            tree = [int(str(e.S)[2]) for e in _tree(pdf) if str(e.S) in _HEADINGS]
        assert tree == html, item.name


def test_sections_hold_their_headings(rendered: list[Rendered]) -> None:
    for item in rendered:
        with _open(item) as pdf:
            sections = [e for e in _tree(pdf) if e.S == "/Sect"]
            assert sections, item.name
            for section in sections:
                assert any(str(k.S) in _HEADINGS for k in _tree_under(section)), item.name


def test_foreign_language_elements_carry_lang(rendered: list[Rendered]) -> None:
    """Every language the HTML marks (an Arabic, Chinese, Korean answer) is on an element."""
    (item,) = [r for r in rendered if r.name == "multilingual"]
    marked = {e.get("lang") for e in item.html.iter() if e.get("lang")} - {"en"}
    with _open(item) as pdf:
        assert str(pdf.Root.Lang) == "en"
        tagged = {str(e.Lang) for e in _tree(pdf) if "/Lang" in e}
    assert "ar" in marked and any(lang.startswith("zh") for lang in marked)
    assert marked <= tagged


def test_latin_script_answers_carry_lang(rendered: list[Rendered]) -> None:
    (item,) = [r for r in rendered if r.name == "multilingual"]
    with _open(item) as pdf:
        tagged = {str(e.Lang) for e in _tree(pdf) if "/Lang" in e}
    assert {"es", "vi", "so"} <= tagged


def test_arabic_text_sits_under_an_arabic_element(rendered: list[Rendered]) -> None:
    """The element holding Arabic text, or one of its ancestors, says /Lang ar."""
    (item,) = [r for r in rendered if r.name == "multilingual"]
    with pdfplumber.open(io.BytesIO(item.pdf)) as plumbed:
        arabic_pages = {
            n
            for n, page in enumerate(plumbed.pages)
            if any("\u0600" <= c["text"] <= "\u06ff" for c in page.chars)
        }
    assert arabic_pages
    with _open(item) as pdf:
        langs = []
        for (page, _), element in _referenced(pdf).items():
            if pdf.pages.index(pikepdf.Page(pdf.get_object(page))) not in arabic_pages:
                continue
            node, lang = element, None
            while lang is None and node is not None and node.get("/Type") == "/StructElem":
                lang = node.get("/Lang")
                node = node.get("/P")
            langs.append(str(lang) if lang is not None else None)
        assert "ar" in langs


@pytest.mark.parametrize("variant", ["archival", "accessible", "plain"])
def test_every_variant_opens_with_bookmarks_and_title(variant: str, kc: Rubric) -> None:
    review = load_review(EXAMPLES / "reduced-fare-transit.yaml")
    with pikepdf.open(io.BytesIO(render_report(kc, review, "pdf", variant, DATE))) as pdf:
        assert pdf.Root.PageMode == "/UseOutlines"
        assert "/Outlines" in pdf.Root
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "en"


def test_every_page_footer_names_date_version_and_hash(rendered: list[Rendered]) -> None:
    for item in rendered:
        card = score(item.rubric, item.review)
        short = build_context(item.rubric, item.review, card, DATE).short_hash
        with pdfplumber.open(io.BytesIO(item.pdf)) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                footer = page.crop((0, page.height - 52, page.width, page.height)).extract_text()
                where = f"{item.name}, page {number}: {footer!r}"
                assert DATE.isoformat() in footer, where
                assert f"esj-review {__version__}" in footer, where
                assert short in footer, where
                assert f"Page {number} of {len(pdf.pages)}" in footer, where
                header = page.crop((0, 0, page.width, 58)).extract_text()
                assert item.review.proposal.id in header, f"{item.name}, page {number}"


def test_the_long_review_is_still_pdfa_3b(kc: Rubric, tmp_path: Path) -> None:
    path = tmp_path / "multilingual.pdf"
    path.write_bytes(render_report(kc, _multilingual(), "pdf", "archival", DATE))
    report = pdfa.validate_written(path, "3b")
    assert report.passed, report.summary(5)


def test_the_archival_variant_is_tagged_the_same_way(kc: Rubric) -> None:
    """PDF/A-3b is tagged too: its margins are artifacts and every tagged sequence is in the
    tree."""
    review = load_review(EXAMPLES / "capital-facility-siting.yaml")
    with pikepdf.open(io.BytesIO(render_report(kc, review, "pdf", "archival", DATE))) as pdf:
        referenced = _referenced(pdf)
        for page in pdf.pages:
            for tag, mcid, in_artifact in _marked_content(page):
                if tag != "/Artifact" and not in_artifact:
                    assert (page.objgen, mcid) in referenced
        kinds = [str(e.S) for e in _tree(pdf)]
        assert kinds.count("/Part") <= 1 and kinds.count("/Sect") == 6
