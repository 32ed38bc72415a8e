"""The format registry: every registered format is a choice of `report` and `batch`, and
renders; the commands take their choices and messages from the registry, not a list of
their own. The HTML page and the Markdown carry the PDF's content and headings, worded for
their medium."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5
from typer.testing import CliRunner

from esj_review.cli import app
from esj_review.core.review import load_review
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.report.context import ReportContext, build_context
from esj_review.report.formats import FORMATS, format_names
from esj_review.report.render import render_html, render_markdown
from tests.conftest import EXAMPLES, ROOT

TRANSIT = EXAMPLES / "reduced-fare-transit.yaml"
TITLE = load_review(TRANSIT).proposal.title


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def looks_like(media_type: str, data: bytes, title: str) -> bool:
    """The bytes are a document of the media type that shows the review's title."""
    if media_type == "application/pdf":
        return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = data.decode("utf-8")
    if media_type == "application/json":
        return bool(json.loads(text)["review"]["proposal"]["title"] == title)
    if media_type == "text/html":
        return text.lstrip().lower().startswith("<!doctype html") and title in text
    return title in text  # text/markdown, and any text format added later


def test_the_registry_is_well_formed() -> None:
    assert format_names()[0] == "pdf"  # the default of both commands
    for name, fmt in FORMATS.items():
        assert fmt.name == name and fmt.suffix.startswith(".") and "/" in fmt.media_type
    assert len({f.suffix for f in FORMATS.values()}) == len(FORMATS)  # no output overwrites another


def test_both_commands_list_every_format_in_help_and_errors(tmp_path: Path) -> None:
    _, report_help, _ = run("report", "--help")
    batch_help = " ".join(run("batch", "--help")[1].split())  # the help wraps lines
    assert f"<{'|'.join(format_names())}>" in report_help
    assert f"{','.join(format_names())} or none" in batch_help
    code, _, err = run("report", str(TRANSIT), "--format", "nope")
    assert code == 2 and all(repr(name) in err for name in format_names())
    code, _, err = run("batch", str(TRANSIT), "--out", str(tmp_path), "--format", "json,nope")
    assert code == 2 and f"use {', '.join(format_names())} or none" in err


@pytest.mark.parametrize("name", format_names())
def test_report_accepts_and_renders_every_format(tmp_path: Path, name: str) -> None:
    review = tmp_path / "transit.yaml"
    shutil.copy(TRANSIT, review)
    code, _, err = run("report", str(review), "--format", name)
    fmt = FORMATS[name]
    target = review.with_suffix(fmt.suffix)  # the default output: beside the review
    assert code == 0 and f"wrote {target}" in err
    assert looks_like(fmt.media_type, target.read_bytes(), TITLE)


def test_batch_accepts_and_renders_every_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    every = ",".join(format_names())
    code, _, err = run("batch", str(TRANSIT), "--out", str(out), "--format", every, "-j", "1")
    assert code == 0, err
    for fmt in FORMATS.values():
        data = (out / f"EX-TRANSIT-2027-01{fmt.suffix}").read_bytes()
        assert looks_like(fmt.media_type, data, TITLE), fmt.name
    outputs = json.loads((out / "summary.json").read_text())["proposals"][0]["outputs"]
    assert outputs == [f"EX-TRANSIT-2027-01{f.suffix}" for f in FORMATS.values()]


def test_a_format_added_to_the_registry_reaches_both_commands(tmp_path: Path) -> None:
    """Register one more format before the command line loads: both commands take it."""
    script = (
        "import sys\n"
        "from esj_review.report import formats\n"
        "formats.FORMATS['txt'] = formats.Format('txt', '.txt', 'text/plain',\n"
        "    lambda ctx, variant, validate: ctx.review.proposal.title.encode())\n"
        "from esj_review.cli import main\n"
        "sys.argv = ['esj-review', *sys.argv[1:]]\n"
        "main()\n"
    )
    out = tmp_path / "out"
    for args in (
        ["report", str(TRANSIT), "--format", "txt", "-o", str(tmp_path / "r.txt")],
        ["batch", str(TRANSIT), "--out", str(out), "--format", "txt", "-j", "1"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.txt").read_text() == TITLE
    assert (out / "EX-TRANSIT-2027-01.txt").read_text() == TITLE


# --- the HTML page and the Markdown: the same report as the PDF, worded for their medium ------

NS = "{http://www.w3.org/1999/xhtml}"
DATE = dt.date(2026, 11, 29)
REVIEWS = sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLES / "gare").glob("*.yaml"))
SECTIONS = ["statement", "scorecard", "determinants", "answers", "method", "signoff"]


def context_of(path: Path, **answers: Any) -> ReportContext:
    review = load_review(path)
    review.answers.update(answers)
    rubric = load_rubric(review.rubric.id)
    return build_context(rubric, review, score(rubric, review), DATE)


def words(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def headings(root: Element) -> list[tuple[int, str]]:
    """(level, text) of every h1-h3, in document order."""
    levels = {f"{NS}h{n}": n for n in (1, 2, 3)}
    return [(levels[e.tag], words(e)) for e in root.iter() if e.tag in levels]


def md_headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of every ATX heading, its escapes undone."""
    found = []
    for line in markdown.splitlines():
        match = re.match(r"(#{1,6}) (.*)", line)
        if match:
            text = re.sub(r"\\(.)", r"\1", match[2]).replace("&lt;", "<").replace("&gt;", ">")
            found.append((len(match[1]), " ".join(text.replace("&amp;", "&").split())))
    return found


def shown_text(root: Element) -> str:
    """What a reader sees: the text of the body (not the style sheet)."""
    body = root.find(f"{NS}body")
    assert body is not None
    return words(body)


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.stem)
def test_the_html_page_has_a_viewport_landmarks_and_the_pdfs_headings(path: Path) -> None:
    ctx = context_of(path)
    page: Element = tinyhtml5.parse(render_html(ctx, "html"))
    viewport = page.find(f".//{NS}meta[@name='viewport']")
    assert viewport is not None
    assert viewport.get("content") == "width=device-width, initial-scale=1"
    body = page.find(f"{NS}body")
    assert body is not None
    (main,) = body.iter(f"{NS}main")
    assert [s.get("id") for s in main if s.tag == f"{NS}section"] == SECTIONS
    footer = body.find(f"{NS}footer")  # after main, outside it
    assert footer is not None and list(body).index(footer) > list(body).index(main)
    assert ctx.short_hash in words(footer) and ctx.generated.isoformat() in words(footer)
    pdf: Element = tinyhtml5.parse(render_html(ctx, "pdf"))
    assert headings(page) == headings(pdf) and headings(page)[0] == (1, ctx.title.text)
    assert pdf.find(f".//{NS}main") is not None and pdf.find(f".//{NS}footer") is None


def test_the_html_format_renders_for_the_html_medium_and_the_pdf_for_the_pdf() -> None:
    ctx = context_of(TRANSIT)
    assert FORMATS["html"].render(ctx, "archival", False).decode() == render_html(ctx, "html")
    assert render_html(ctx) == render_html(ctx, "pdf")
    with pytest.raises(ValueError, match="unknown medium"):
        render_html(ctx, "epub")


@pytest.mark.parametrize("path", [TRANSIT, EXAMPLES / "language-access-expansion.yaml"])
def test_the_html_page_says_nothing_about_a_pdf(path: Path) -> None:
    text = shown_text(tinyhtml5.parse(render_html(context_of(path), "html")))
    assert not re.search(r"\bPDF\b|attached|page 1\b", text, re.IGNORECASE), text


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.stem)
def test_markdown_has_every_heading_of_the_html_in_order(path: Path) -> None:
    ctx = context_of(path)
    html = headings(tinyhtml5.parse(render_html(ctx, "html")))
    assert md_headings(render_markdown(ctx)) == html
    assert [h for h in html if h[0] == 2 and h[1][:2] in ("2.", "3.", "4.", "5.")] == [
        (2, "2. Scorecard"),
        (2, "3. Determinants of equity"),
        (2, "4. The full answers"),
        (2, "5. Method"),
    ]


def section(markdown: str, heading: str) -> str:
    """The Markdown under a heading, up to the next heading of its level or higher."""
    level = len(heading) - len(heading.lstrip("#"))
    start = markdown.index(f"\n{heading}\n") + len(heading) + 2
    ends = [m.start() for m in re.finditer(rf"\n#{{1,{level}}} ", markdown[start:])]
    return markdown[start : start + ends[0]] if ends else markdown[start:]


def table(markdown: str, header: str) -> list[list[str]]:
    """The body rows of the Markdown table with this header row, as lists of cells."""
    lines = markdown.splitlines()
    at = lines.index(header)
    assert re.fullmatch(r"\|(-+:?\|)+", lines[at + 1].replace("---:", "---")), lines[at + 1]
    rows = []
    for line in lines[at + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_markdown_carries_the_ledger_as_a_table() -> None:
    ctx = context_of(TRANSIT)
    ledger = section(render_markdown(ctx), "### Ledger")
    rows = table(ledger, "| Question | Answer | Points | Of 100 | Rule |")
    groups = [r[0] for r in rows if r[1:] == ["", "", "", ""]]
    assert groups == [f"**{c}**" for c in dict.fromkeys(r["component"] for r in ctx.ledger)]
    lines = [r for r in rows if r[1:] != ["", "", "", ""]]
    assert len(lines) == len(ctx.ledger) > 10
    for row, entry in zip(lines, ctx.ledger, strict=True):
        assert row[2:4] == [entry["points"], entry["contribution"]]
    impact = [
        float(r[3]) for r, e in zip(lines, ctx.ledger, strict=True) if "Impact" in e["component"]
    ]
    assert ctx.card.score is not None and ctx.card.confidence is not None
    assert 50 + sum(impact) == pytest.approx(ctx.card.score, abs=0.05)  # as the method says
    others = sum(float(r[3]) for r in lines) - sum(impact)
    assert others == pytest.approx(ctx.card.confidence.percent, abs=0.1)  # rounded lines


def test_markdown_carries_sources_bands_determinants_and_every_answer() -> None:
    ctx = context_of(TRANSIT)
    md = render_markdown(ctx)
    sources = section(md, "### Sources")
    for source in ctx.rubric.sources:
        assert f"- {source.title}." in sources
        if source.url:
            assert f"<{source.url}>" in sources
    bands = table(md, "| Band | Score from | Below | Meaning |")
    assert [r[0].removeprefix("**▶ ").split("**")[0] for r in bands] == [
        b.label for b in ctx.rubric.scoring.bands
    ]
    assert sum("(this review)" in r[0] for r in bands) == 1
    determinants = section(md, "## 3. Determinants of equity")
    assert all(d["label"] in determinants for d in ctx.determinants)
    answers = section(md, "## 4. The full answers")
    for part in ctx.sections:
        for row in part["rows"]:
            assert row.prompt in answers
    history = str(ctx.review.answers["history"])
    assert len(history) > 100 and history in answers  # whole, not cut


def test_markdown_user_text_makes_no_markup_and_stays_in_its_cell() -> None:
    hostile = "line one\n- two | three\n1. four\n===\n<b>five</b> [six](http://x) **seven**"
    md = render_markdown(context_of(TRANSIT, history=hostile))
    (row,) = [line for line in md.splitlines() if line.startswith("| What history")]
    assert row.endswith(" |")  # the answer's lines did not break the table row
    assert (
        "line one<br>\\- two \\| three<br>1\\. four<br>\\===<br>&lt;b&gt;five&lt;/b&gt; "
        "\\[six\\](http://x) \\*\\*seven\\*\\*"
    ) in row
    assert "\n- two" not in md and "\n1. four" not in md and "\n===" not in md


def as_html(markdown: str) -> Element:
    """The Markdown as a CommonMark renderer with tables (GitHub's flavour) shows it."""
    from markdown_it import MarkdownIt  # comes with rich

    html = MarkdownIt("commonmark").enable("table").render(markdown)
    root: Element = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{html}</body></html>")
    return root


def test_markdown_renders_to_the_reports_headings_and_tables() -> None:
    ctx = context_of(TRANSIT)
    shown = as_html(render_markdown(ctx))
    assert headings(shown) == headings(tinyhtml5.parse(render_html(ctx, "html")))
    tables = list(shown.iter(f"{NS}table"))
    ledger = [
        t for t in tables if [words(th) for th in t.iter(f"{NS}th")][:2] == ["Question", "Answer"]
    ]
    body = ledger[-1].find(f"{NS}tbody")
    assert body is not None
    groups = len({r["component"] for r in ctx.ledger})
    assert len(list(body)) == len(ctx.ledger) + groups
    links = [a.get("href") for a in shown.iter(f"{NS}a")]
    assert links == [s.url for s in ctx.rubric.sources if s.url]


def test_markdown_user_text_renders_as_text() -> None:
    hostile = "one\n- two\n1. three\n===\n# four\n> five\n<b>six</b> [seven](http://x) **eight**"
    shown = as_html(render_markdown(context_of(TRANSIT, history=hostile, summary=hostile)))
    cells = [td for td in shown.iter(f"{NS}td") if "one" in words(td) and "eight" in words(td)]
    assert len(cells) == 2  # section 4's two answers, each in its cell
    (summary,) = [p for p in shown.iter(f"{NS}p") if words(p).startswith("one")]  # page 1's
    squeezed = [re.sub(r"\s", "", "".join(e.itertext())) for e in [*cells, summary]]
    assert squeezed == [re.sub(r"\s", "", hostile)] * 3  # every character, shown as written
    made = {e.tag.split("}")[-1] for e in [*cells[0].iter(), *cells[1].iter(), *summary.iter()]}
    assert made <= {"td", "p", "br"}, made  # no list, heading, quote, bold or link
