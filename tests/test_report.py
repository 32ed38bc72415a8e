"""The report: HTML structure against golden files, PDF text, attachments, PDF/A, tags.

Golden files (tests/golden/*.html) hold one report per scenario: a KC review capped by a flag,
an incomplete KC review, and a GARE review. They are normalised so that only the document
changes them: the <style> block is emptied, and the tool version, the rubric content hash, the
answers hash and the (frozen) generation date are replaced by placeholders such as {DATE}.
After a deliberate change to the report, regenerate them and review the diff:

    UPDATE_GOLDEN=1 python -m pytest tests/test_report.py -k golden
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import tinyhtml5
from pikepdf import pdfa
from typer.testing import CliRunner

from esj_review._version import __version__
from esj_review.cli import app
from esj_review.core.review import Review, load_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.report.context import build_context
from esj_review.report.extract import extract_review
from esj_review.report.render import render_html, render_markdown, render_report, report_date
from tests.conftest import EXAMPLES, ROOT
from tests.test_pdf_tags import NARRATIVES

DATE = dt.date(2026, 11, 29)
TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
GOLDEN = Path(__file__).parent / "golden"
NS = "{http://www.w3.org/1999/xhtml}"


def html_for(rubric: Rubric, review: Review) -> str:
    return render_html(build_context(rubric, review, score(rubric, review), DATE))


def pdf_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def transit_pdf(tmp_path_factory: pytest.TempPathFactory, kc: Rubric) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "transit.pdf"
    path.write_bytes(render_report(kc, load_review(TRANSIT), "pdf", "archival", DATE))
    return path


# --- HTML ----------------------------------------------------------------------------------


GOLDEN_SCENARIOS = {  # golden file name -> the review it renders
    "capped-kc": EXAMPLES / "capital-facility-siting.yaml",  # a flag caps the band
    "incomplete-kc": EXAMPLES / "language-access-expansion.yaml",  # gaps, no score
    "gare": ROOT / "tests" / "data" / "gare-youth-jobs.yaml",
}


def normalised(html: str, rubric: Rubric, review: Review) -> str:
    """The report without what changes on its own: styles, tool version, hashes, date."""
    card = score(rubric, review)
    html = re.sub(r"<style>.*?</style>", "<style>{CSS}</style>", html, count=1, flags=re.S)
    for value, placeholder in (
        (card.rubric.hash, "{RUBRIC_HASH}"),
        (card.answers_hash, "{ANSWERS_HASH}"),
        (card.rubric.hash[:12], "{RUBRIC_HASH}"),
        (card.answers_hash[:12], "{ANSWERS_HASH}"),
        (f"esj-review {__version__}", "esj-review {TOOL_VERSION}"),
        (f'"running-version">{__version__}<', '"running-version">{TOOL_VERSION}<'),
        (DATE.isoformat(), "{DATE}"),
    ):
        html = html.replace(value, placeholder)
    return html


@pytest.mark.parametrize("name", sorted(GOLDEN_SCENARIOS))
def test_html_matches_the_golden_file(name: str) -> None:
    review = load_review(GOLDEN_SCENARIOS[name])
    rubric = load_rubric(f"{review.rubric.id}@{review.rubric.version}")  # the version it names
    html = normalised(html_for(rubric, review), rubric, review)
    golden = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with UPDATE_GOLDEN=1"
    assert html == golden.read_text(encoding="utf-8"), (
        "run with UPDATE_GOLDEN=1 after a deliberate change, and review the diff"
    )


def test_golden_files_are_normalised() -> None:
    for golden in GOLDEN.glob("*.html"):
        text = golden.read_text(encoding="utf-8")
        assert golden.stem in GOLDEN_SCENARIOS, f"{golden.name} belongs to no scenario"
        assert "<style>{CSS}</style>" in text and "{ANSWERS_HASH}" in text
        assert f"esj-review {__version__}" not in text and not re.search(r"[0-9a-f]{64}", text)


def test_html_structure(kc: Rubric) -> None:
    root = tinyhtml5.parse(html_for(kc, load_review(TRANSIT)))
    assert root.get("lang") == "en"
    sections = [s.get("id") for s in root.iter(f"{NS}section")]
    assert sections == [
        "statement",
        "scorecard",
        "determinants",
        "answers",
        "method",
        "signoff",
    ]
    title = root.find(f".//{NS}title")
    assert title is not None and "EX-TRANSIT-2027-01" in (title.text or "")
    h1 = root.find(f".//{NS}h1")
    assert h1 is not None and "".join(h1.itertext()).startswith("Expand reduced-fare transit")
    svg = root.find(".//{http://www.w3.org/2000/svg}svg")
    assert svg is not None and svg.get("role") == "img"
    alt = svg.find("{http://www.w3.org/2000/svg}title")
    assert alt is not None and "Process and community engagement 83.3%" in (alt.text or "")
    determinants = root.find(f".//{NS}section[@id='determinants']")
    assert determinants is not None
    rows = determinants.find(f".//{NS}table").findall(f".//{NS}tbody/{NS}tr")
    assert len(rows) == 4  # the touched ones; the other ten on one line
    untouched = [
        "".join(p.itertext())
        for p in determinants.iter(f"{NS}p")
        if "Not touched" in "".join(p.itertext())
    ]
    assert len(untouched) == 1 and untouched[0].count(";") == 9
    metas = {m.get("name"): m.get("content") for m in root.iter(f"{NS}meta") if m.get("name")}
    assert metas["author"] == "Transit Department (example)"
    assert metas["dcterms.created"] == "2026-11-29T00:00:00Z"


def test_incomplete_review_shows_gaps_not_a_score(kc: Rubric) -> None:
    review = load_review(EXAMPLES / "language-access-expansion.yaml")
    root = tinyhtml5.parse(html_for(kc, review))
    text = " ".join(root.itertext())
    assert "Incomplete: no rating yet" in text
    assert "Gap: required, not answered" in text
    assert "Digital equity" in text  # the optional determinant this review enabled


def test_markdown_escapes_user_text(kc: Rubric) -> None:
    review = load_review(TRANSIT)
    review.answers["summary"] = "<script>x</script> **bold** [link](http://x)"
    card = score(kc, review)
    md = render_markdown(build_context(kc, review, card, DATE))
    assert "&lt;script&gt;" in md and "\\*\\*bold\\*\\*" in md and "\\[link\\]" in md
    assert "King County's Equity Impact Review assigns no number" in md


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_sections_in_order(transit_pdf: Path) -> None:
    pages = pdf_text(transit_pdf)
    assert "1. EQUITY IMPACT STATEMENT" in pages[0]
    assert (
        "Advances equity" in pages[0]
        and "88.9 / 100" in pages[0]
        and "Confidence: High" in pages[0]
    )
    assert "Who is affected and how" in pages[0] and "Mitigations" in pages[0]
    joined = "\n".join(pages)
    order = ["2. Scorecard", "3. Determinants of equity", "4. The full answers", "5. Method"]
    positions = [joined.index(h) for h in order]
    assert positions == sorted(positions)
    assert "King County's Equity Impact Review assigns no number." in joined
    assert "2. Scorecard" not in pages[0]  # the statement is one page


def test_every_page_has_header_and_footer(transit_pdf: Path) -> None:
    pages = pdf_text(transit_pdf)
    for n, text in enumerate(pages, 1):
        assert text.startswith("EX-TRANSIT-2027-01 · Expand reduced-fare transit"), n
        assert f"Page {n} of {len(pages)}" in text
        assert re.search(r"Generated 2026-11-29 · esj-review \S+ · answers [0-9a-f]{12}", text)


def test_pdf_is_valid_pdfa_3b(transit_pdf: Path) -> None:
    report = pdfa.validate_written(transit_pdf, "3b")
    assert report.passed, report.summary()


def test_pdf_is_tagged_with_language_title_and_alt_text(transit_pdf: Path) -> None:
    with pikepdf.open(transit_pdf) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert "/StructTreeRoot" in pdf.Root
        figures = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"
        ]
        assert figures and all("/Alt" in f for f in figures)
        assert "Process and community engagement" in str(figures[0].Alt)
        info = pdf.docinfo
        assert str(info.Title).startswith("Equity Impact Statement: Expand reduced-fare transit")
        assert str(info.Author) == "Transit Department (example)"
        assert "EX-TRANSIT-2027-01" in str(info.Subject) and "equity" in str(info.Keywords)
        with pdf.open_metadata() as meta:
            assert meta.pdfa_status == "3B"


def test_attachments_round_trip_through_extract(
    transit_pdf: Path, tmp_path: Path, kc: Rubric
) -> None:
    with pikepdf.open(transit_pdf) as pdf:
        assert sorted(pdf.attachments) == ["review.yaml", "scorecard.json"]
    review, _ = extract_review(transit_pdf)
    assert score(kc, review) == score(kc, load_review(TRANSIT))
    out = tmp_path / "back.yaml"
    result = CliRunner().invoke(app, ["extract", str(transit_pdf), "-o", str(out)])
    assert result.exit_code == 0
    assert score(kc, load_review(out)) == score(kc, load_review(TRANSIT))
    again = CliRunner().invoke(app, ["extract", str(transit_pdf), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_extract_refuses_other_pdfs(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    pikepdf.new().save(plain)
    result = CliRunner().invoke(app, ["extract", str(plain)])
    assert result.exit_code == 1 and "no review.yaml attached" in result.stderr
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    result = CliRunner().invoke(app, ["extract", str(bad)])
    assert result.exit_code == 1 and "not a readable PDF" in result.stderr


def test_pdf_is_reproducible(kc: Rubric) -> None:
    review = load_review(TRANSIT)
    first = render_report(kc, review, "pdf", "archival", DATE)
    assert render_report(kc, review, "pdf", "archival", DATE) == first
    assert render_report(kc, review, "pdf", "archival", dt.date(2026, 12, 1)) != first


def test_source_date_epoch_sets_the_date() -> None:
    assert report_date({"SOURCE_DATE_EPOCH": "1798502400"}) == dt.date(2026, 12, 29)
    assert report_date({"SOURCE_DATE_EPOCH": "junk"}) == dt.datetime.now(dt.UTC).date()


def test_accessible_variant_is_pdf_ua(kc: Rubric, tmp_path: Path) -> None:
    path = tmp_path / "ua.pdf"
    path.write_bytes(render_report(kc, load_review(TRANSIT), "pdf", "accessible", DATE))
    with pikepdf.open(path) as pdf:
        xmp = str(pdf.Root.Metadata.read_bytes(), "utf-8")
        assert "pdfuaid:part" in xmp
        assert "/StructTreeRoot" in pdf.Root and sorted(pdf.attachments) == [
            "review.yaml",
            "scorecard.json",
        ]


@pytest.mark.parametrize("fmt", ["pdf", "html", "json", "md"])
def test_report_command_writes_every_format(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"r.{fmt}"
    result = CliRunner().invoke(
        app,
        ["report", str(TRANSIT), "--format", fmt, "-o", str(out)],
        env={"SOURCE_DATE_EPOCH": "1798502400"},
    )
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert {
        "pdf": data.startswith(b"%PDF-"),
        "html": data.startswith(b"<!DOCTYPE html>"),
        "json": b'"scorecard"' in data,
        "md": data.startswith(b"*1. Equity Impact Statement*\n\n# "),
    }[fmt]
    if fmt != "pdf":
        assert b"2026-12-29" in data


def test_report_of_an_invalid_review_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(TRANSIT.read_text().replace("geography: countywide", "geography: moon"))
    result = CliRunner().invoke(app, ["report", str(bad)])
    assert result.exit_code == 1 and "'moon' is not a choice" in result.stderr
    assert not (tmp_path / "bad.pdf").exists()


def test_doctor_reports_each_check() -> None:
    result = CliRunner().invoke(app, ["doctor"])
    for needle in ("WeasyPrint", "Pango", "harfbuzz-subset", "Noto Sans Ethiopic", "CJK TC"):
        assert needle in result.stdout
    assert result.exit_code in (0, 1)


# --- every script gets real glyphs ----------------------------------------------------------


def _font_files() -> dict[str, list[tuple[str, int]]]:
    import subprocess

    out = subprocess.run(
        ["fc-list", "-f", "%{family[0]}|%{style[0]}|%{file}|%{index}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files: dict[str, list[tuple[str, int]]] = {}
    for line in out.splitlines():
        family, style, path, index = line.split("|")
        key = family.replace(" ", "-") + ("-Bold" if style == "Bold" else "")
        files.setdefault(key, []).append((path, int(index or 0)))
    return files


def test_every_language_served_shows_real_glyphs(tmp_path: Path, kc: Rubric) -> None:
    import yaml
    from fontTools.ttLib import TTFont

    languages: dict[str, str] = yaml.safe_load(
        (Path(__file__).parent / "data" / "languages.yaml").read_text()
    )
    review = load_review(TRANSIT)
    review.proposal.title = languages["vietnamese"][:70]
    for key, text in zip(NARRATIVES, languages.values(), strict=True):
        review.answers[key] = text
    path = tmp_path / "languages.pdf"
    path.write_bytes(render_report(kc, review, "pdf", "archival", DATE))
    files = _font_files()
    cmaps: dict[str, set[int]] = {}
    used: dict[str, set[str]] = {}
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        for page in pdf.pages:
            for char in page.chars:
                used.setdefault(char["fontname"].split("+", 1)[-1], set()).update(char["text"])
    for font, chars in used.items():
        assert font in files, f"{font} is embedded but not installed"
        if font not in cmaps:
            path_, index = files[font][0]
            cmaps[font] = set(TTFont(path_, fontNumber=index, lazy=True).getBestCmap())
        missing = {c for c in chars if not c.isspace() and ord(c) not in cmaps[font]}
        assert not missing, f"{font} has no glyph for {''.join(sorted(missing))}"
    scripts = {
        "Noto-Sans-CJK-SC",
        "Noto-Sans-CJK-TC",
        "Noto-Sans-CJK-KR",
        "Noto-Sans-Ethiopic",
        "Noto-Naskh-Arabic",
        "Noto-Sans-Gurmukhi",
    }
    assert scripts <= set(used)
    for sample in ("ለሁሉም", "모든", "ਸਾਰੇ", "Рівний", "Tiếp cận"):
        assert sample in text


def test_report_check_validates_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "checked.pdf"
    result = CliRunner().invoke(app, ["report", str(TRANSIT), "--check", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert pdfa.validate_written(out, "3b").passed
