"""Batch benchmarks on this machine (2 cores). Run: python bench/bench_batch.py [N]

Run `python -m bench.bench_batch --memory` for the parent's peak memory alone.

Figures: PDFs per second with --jobs 1 and 2 (target speed-up 1.7x); per-proposal time over
bare WeasyPrint on the same HTML (target at most 1.2x); scoring-only throughput (target 1,000
proposals a second); peak RSS for 200 and 2,000 proposals (target: flat); a no-change re-run
(target: at most 5% of the first run).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import weasyprint

from bench.make_sheet import write_sheet
from esj_review.core.review import load_review
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score
from esj_review.report.context import build_context
from esj_review.report.render import render_html

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def batch(sheet: Path, out: Path, *args: str) -> float:
    """Wall time of one `esj-review batch` run."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "esj_review", "batch", str(sheet), "--out", str(out), *args],
        check=False,
        capture_output=True,
    )
    return time.perf_counter() - start


def peak_rss_mb(sheet: Path, out: Path, *args: str) -> float:
    """Peak resident memory of the batch's parent process, in MB (workers not counted)."""
    extra = "".join(f", {a!r}" for a in (args or ("-f", "json", "-j", "1")))
    code = (
        "import sys; from esj_review.cli import main; "
        f"sys.argv = ['esj-review', 'batch', {str(sheet)!r}, '--out', {str(out)!r}{extra}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        # VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would count the bench's own
        # peak (it has just written a 48 MB sheet) in the child's
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    out_text = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    return int(out_text.strip().splitlines()[-1]) / 1024


def bare_weasyprint_seconds() -> float:
    """Mean time WeasyPrint alone takes on the example reports' HTML."""
    rubric = load_rubric("king-county-esj")
    htmls = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        review = load_review(path)
        htmls.append(
            render_html(build_context(rubric, review, score(rubric, review), dt.date(2026, 11, 29)))
        )
    weasyprint.HTML(string=htmls[0]).write_pdf()  # warm-up
    start = time.perf_counter()
    for html in htmls:
        weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b", pdf_tags=True)
    return (time.perf_counter() - start) / len(htmls)


def memory() -> None:
    """Parent peak RSS for 2,000 and 20,000 proposals, scoring only (target: within 1.3x)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        peaks = {}
        for size in (2000, 20000):
            sheet = root / f"sheet-{size}.csv"
            write_sheet(sheet, size)
            start = time.perf_counter()
            peaks[size] = peak_rss_mb(sheet, root / f"out-{size}", "-f", "none", "-j", "2")
            seconds = time.perf_counter() - start
            print(
                f"scoring only, {size} proposals, --jobs 2: parent peak RSS {peaks[size]:.0f} MB"
                f" ({seconds:.1f} s, {size / seconds:.0f} proposals/s)"
            )
        print(f"ratio 20,000 / 2,000: {peaks[20000] / peaks[2000]:.2f}x (target at most 1.3x)")


def main() -> None:
    """Print every figure (`--memory`: only the parent's memory for 2,000 and 20,000)."""
    if sys.argv[1:] == ["--memory"]:
        memory()
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sheet = root / f"sheet-{n}.csv"
        write_sheet(sheet, n)
        one = batch(sheet, root / "j1", "-j", "1", "-f", "pdf")
        two = batch(sheet, root / "j2", "-j", "2", "-f", "pdf")
        again = batch(sheet, root / "j2", "-j", "2", "-f", "pdf")
        bare = bare_weasyprint_seconds()
        print(f"{n} proposals, PDF per proposal plus the portfolio")
        print(f"  --jobs 1: {one:7.1f} s  {n / one:5.2f} PDFs/s")
        print(f"  --jobs 2: {two:7.1f} s  {n / two:5.2f} PDFs/s  speed-up {one / two:.2f}x")
        print(
            f"  per proposal (--jobs 1): {one / n:.3f} s; bare WeasyPrint on the same HTML: "
            f"{bare:.3f} s; ratio {one / n / bare:.2f}x"
        )
        print(f"  no-change re-run: {again:.2f} s = {100 * again / two:.1f}% of the first run")
        big = root / "sheet-2000.csv"
        write_sheet(big, 2000)
        for jobs in ("1", "2"):
            scoring = batch(big, root / f"s{jobs}", "-j", jobs, "-f", "none")
            print(
                f"scoring only, 2000 proposals, --jobs {jobs}: {scoring:.2f} s = "
                f"{2000 / scoring:.0f} proposals/s (whole command: start-up, CSV, summary)"
            )
        for size in (200, 2000):
            sheet_n = root / f"rss-{size}.csv"
            write_sheet(sheet_n, size)
            print(
                f"peak RSS, {size} proposals (JSON outputs, one process): "
                f"{peak_rss_mb(sheet_n, root / f'rss-out-{size}'):.0f} MB"
            )


if __name__ == "__main__":
    main()
