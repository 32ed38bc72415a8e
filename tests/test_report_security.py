"""Hostile text in every field: shown literally, nothing fetched, nothing else embedded."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pdfplumber
import pikepdf
import pytest
import tinyhtml5
from pikepdf import pdfa

from esj_review.core.checks import check_review
from esj_review.core.review import Review, load_review
from esj_review.core.rubric import Rubric
from esj_review.core.scoring import score
from esj_review.report.context import build_context
from esj_review.report.documents import STYLE_SHEETS
from esj_review.report.extract import extract_review
from esj_review.report.fetcher import ASSETS, make_fetcher
from esj_review.report.pdf import RenderError, render_pdf
from esj_review.report.render import render_html, render_report
from tests.conftest import EXAMPLES

DATE = dt.date(2026, 11, 29)
NS = "{http://www.w3.org/1999/xhtml}"


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A local server that counts every request made to it."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def hostile_review(base: str) -> Review:
    review = load_review(EXAMPLES / "reduced-fare-transit.yaml")
    review.proposal.id = "../../etc/<script>x</script>"
    review.proposal.title = "<b>Bold</b> <script>alert(1)</script> evil\u202egnp.exe title"
    review.proposal.department = "<a rel=attachment href=file:///etc/passwd>passwd</a>"
    a = review.answers
    a["summary"] = "START-OF-HUGE " + "A" * (1024 * 1024 - 14)  # a 1 MB narrative
    a["desired_results"] = f"<img src={base}/img.png alt=x> image"
    a["engaged_who"] = (
        f'<link rel=stylesheet href="{base}/style.css"> and <a rel=attachment href=file:///etc/passwd>x</a>'
    )
    a["community_influence"] = (
        f'</style><style>@import "{base}/imp.css"; '
        f"body {{ background: url({base}/bg.png) }}</style>"
    )
    a["history"] = "(" * 500 + "[" * 500 + "nested" + "]" * 500 + ")" * 500
    a["alternatives"] = "bell\x07 null\x00 escape\x1b[31m red\x7f"
    a["root_causes"] = "evil\u202egnp.exe and \u2066isolate\u2069 text"
    a["metrics"] = f"url({base}/metric.png) @import url({base}/x.css);"
    a["determinant_impacts"]["transportation"]["evidence"] = (
        f"<object data={base}/obj></object><iframe src={base}/frame></iframe> evidence"
    )
    return review


def flat(text: str) -> str:
    """Text without spaces, line breaks or the invisible break opportunities of long words."""
    return "".join(text.replace("\u200b", "").split())


@pytest.fixture(scope="module")
def hostile(
    server: str, kc: Rubric, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Review, Path]:
    review = hostile_review(server)
    assert [p for p in check_review(kc, review) if p.severity == "error"] == []
    path = tmp_path_factory.mktemp("hostile") / "hostile.pdf"
    path.write_bytes(render_report(kc, review, "pdf", "archival", DATE))
    return review, path


def test_nothing_is_fetched(hostile: tuple[Review, Path]) -> None:
    assert _Counter.hits == []


def test_only_the_two_intended_attachments(hostile: tuple[Review, Path]) -> None:
    _, path = hostile
    with pikepdf.open(path) as pdf:
        assert sorted(pdf.attachments) == ["review.yaml", "scorecard.json"]
        annotations = [
            a
            for page in pdf.pages
            for a in page.get("/Annots", [])
            if a.get("/Subtype") == "/FileAttachment"
        ]
        assert annotations == []


def test_hostile_text_is_shown_literally(hostile: tuple[Review, Path]) -> None:
    _, path = hostile
    with pdfplumber.open(path) as pdf:
        text = flat("\n".join(page.extract_text() or "" for page in pdf.pages))
    for fragment in (
        "<a rel=attachment href=file:///etc/passwd>passwd</a>",
        "<script>alert(1)</script>",
        "/img.png alt=x> image",
        "@import",
        "evil[U+202E]gnp.exe",
        "bell[U+0007]null[U+0000]escape[U+001B][31mred[U+007F]",
        "[U+2066]isolate[U+2069]",
        "((((((((((",
        "START-OF-HUGEAAAA",
        "Shortenedinthisreport:theanswerhas1,048,576characters",
    ):
        assert flat(fragment) in text, fragment


def test_the_hostile_pdf_is_still_archival(hostile: tuple[Review, Path]) -> None:
    report = pdfa.validate_written(hostile[1], "3b")
    assert report.passed, report.summary()


def test_the_attached_review_keeps_every_character(
    hostile: tuple[Review, Path], kc: Rubric
) -> None:
    review, path = hostile
    back, _ = extract_review(path)
    assert back.answers == review.answers
    assert back.proposal == review.proposal
    assert score(kc, back) == score(kc, review)


def test_html_has_no_element_or_attribute_from_user_text(server: str, kc: Rubric) -> None:
    review = hostile_review(server)
    html = render_html(build_context(kc, review, score(kc, review), DATE))
    root = tinyhtml5.parse(html)
    tags = {el.tag.split("}")[-1] for el in root.iter() if isinstance(el.tag, str)}
    assert not tags & {"img", "link", "script", "iframe", "object", "embed", "base"}
    # links: only to a section of the report itself, or to a source the rubric names
    sources = {s.url for s in kc.sources if s.url}
    for link in root.iter(f"{NS}a"):
        href = link.attrib.pop("href")
        assert href in {"#statement", "#scorecard", "#determinants", "#answers", "#method"} | (
            sources
        ), href
    styles = list(root.iter(f"{NS}style"))
    assert len(styles) == 1
    joined = "\n".join((ASSETS / name).read_text() for name in STYLE_SHEETS)
    assert (styles[0].text or "").strip() == joined.strip()
    url_bearing = {"src", "href", "data", "action", "poster", "srcset", "xlink:href", "style"}
    for el in root.iter():
        for name, value in el.attrib.items():
            assert name.split("}")[-1] not in url_bearing, (el.tag, name, value)
            if el.tag != f"{NS}meta":  # a meta's content is text, shown as the PDF's metadata
                assert "127.0.0.1" not in value and "passwd" not in value, (name, value)


# --- the fetcher -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://remote-host/share/x.css",
        (ASSETS / ".." / "templates" / "report.html.j2").as_uri(),
    ],
)
def test_fetcher_refuses_anything_but_packaged_assets(url: str) -> None:
    fetcher = make_fetcher(ASSETS)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_packaged_assets() -> None:
    response = make_fetcher(ASSETS).fetch((ASSETS / "report.css").as_uri())
    assert response.read().startswith(b"/* esj-review report")


def test_a_renderer_error_fails_the_render(kc: Rubric) -> None:
    review = load_review(EXAMPLES / "reduced-fare-transit.yaml")
    ctx = build_context(kc, review, score(kc, review), DATE)
    html = render_html(ctx).replace("<body>", '<body><img src="file:///etc/passwd" alt="x">', 1)
    with pytest.raises(RenderError, match="refused"):
        render_pdf(html, ctx, "archival", "review", "{}")
