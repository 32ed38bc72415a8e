"""Sign-off speed: one signature on the example report (with the PDF/A-3b check of the signed
bytes that `sign` always makes), and `verify` of a report signed twice.

No target is set by an issue; the figures are reported so that a change that slows either is
seen. The keys are made here, once, with a throwaway CA (nothing is read from disk but the
example). Run: make bench (or python -m bench.bench_signing)
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from esj_review.core.review import SignOff, load_review
from esj_review.core.rubrics import load_rubric
from esj_review.report.keys import load_pem
from esj_review.report.render import render_report
from esj_review.report.signing import sign_report
from esj_review.report.verifying import verify_report
from tests.pki import Authority

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "reduced-fare-transit.yaml"
RUNS = 7
DATE = dt.date(2026, 11, 29)


def median(work: Callable[[], object]) -> float:
    work()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    review = load_review(EXAMPLE).model_copy(
        update={"signoff": SignOff(roles=["Analyst", "Manager", "Equity office"])}
    )
    rubric = load_rubric(f"king-county-esj@{review.rubric.version}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        report = folder / "report.pdf"
        report.write_bytes(render_report(rubric, review, "pdf", generated=DATE))
        authority = Authority.make("Bench Root")  # the tests' throwaway CA
        key, cert = authority.issue("Bench Signer").write_pem(folder, "bench")
        root = authority.cert
        credentials = load_pem(key, cert, [], lambda: None)
        once = median(lambda: sign_report(report, credentials, "Analyst"))
        signed = folder / "signed.pdf"
        signed.write_bytes(sign_report(report, credentials, "Analyst").data)
        twice = folder / "twice.pdf"
        twice.write_bytes(sign_report(signed, credentials, "Manager").data)
        checked = median(lambda: verify_report(twice, [root]))
        print(f"sign (one signature, PDF/A-3b check included): {once:.2f} s median of {RUNS}")
        print(f"verify (two signatures, chained to the root):   {checked:.2f} s median of {RUNS}")
        print(
            f"report {report.stat().st_size / 1024:.0f} KiB, "
            f"signed twice {twice.stat().st_size / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
