"""Report speed: the whole `esj-review report` pipeline against WeasyPrint alone.

The target: rendering the example report takes within 1.2x of WeasyPrint rendering the same
HTML alone (with the same PDF/A-3b or PDF/UA-1 and tagging options), for the archival and the
accessible variant. Our figure includes everything after WeasyPrint too: the structure tree
finished with pikepdf (artifacts, joined elements, scopes, languages) and the PDF/A save.
Run: make bench
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint

from esj_review.core.review import load_review
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.report.context import build_context
from esj_review.report.render import render_html, render_report

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "reduced-fare-transit.yaml"
RUNS = 7
DATE = dt.date(2026, 11, 29)


def median_seconds(ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[float, float]:
    """Median wall times of `ours` and `theirs` over RUNS runs each, after a warm-up, taken in
    turn (ours, theirs, ours, ...) so that a busy machine slows both alike."""
    ours()
    theirs()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(RUNS):
        for work, into in ((ours, times[0]), (theirs, times[1])):
            start = time.perf_counter()
            work()
            into.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    """Print both figures and their ratio."""
    rubric = load_rubric("king-county-esj")
    review = load_review(EXAMPLE)
    html = render_html(build_context(rubric, review, score(rubric, review), DATE))

    for variant, options in (("archival", "pdf/a-3b"), ("accessible", "pdf/ua-1")):

        def full(variant: str = variant) -> object:
            return render_report(rubric, review, "pdf", variant, DATE)

        def alone(options: str = options) -> object:
            return weasyprint.HTML(string=html).write_pdf(pdf_variant=options, pdf_tags=True)

        ours, theirs = median_seconds(full, alone)
        print(f"WeasyPrint alone, same HTML ({options}):  {theirs:6.3f} s (median of {RUNS})")
        print(f"esj-review report ({variant}):{' ' * (12 - len(variant))}{ours:6.3f} s")
        print(f"ratio: {ours / theirs:.2f}x (target: 1.2x or less)")


if __name__ == "__main__":
    main()
