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


def median_seconds(work: Callable[[], object]) -> float:
    """Median wall time of `work` over RUNS runs, after one warm-up run."""
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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

        ours = median_seconds(full)
        theirs = median_seconds(alone)
        print(f"WeasyPrint alone, same HTML ({options}):  {theirs:6.3f} s (median of {RUNS})")
        print(f"esj-review report ({variant}):{' ' * (12 - len(variant))}{ours:6.3f} s")
        print(f"ratio: {ours / theirs:.2f}x (target: 1.2x or less)")


if __name__ == "__main__":
    main()
