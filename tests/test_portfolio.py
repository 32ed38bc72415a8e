"""The portfolio's figures do not depend on the order proposals finished in."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from esj_review.batch.portfolio import portfolio
from esj_review.core.rubric import Rubric


def record(pid: str, flags: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "source": f"{pid}.yaml",
        "name": pid,
        "id": pid,
        "title": pid,
        "department": "Parks",
        "kind": "program",
        "amount": 1000,
        "score": 60.0,
        "band": "promising",
        "band_label": "Promising",
        "complete": True,
        "completeness": 100.0,
        "gaps": [],
        "flags": [{"id": m, "severity": s, "message": m} for s, m in flags],
        "burdened": [],
        "outputs": [],
        "rubric": "king-county-esj 1.0.0",
    }


def test_flags_tied_on_count_come_out_in_one_order(kc: Rubric) -> None:
    flags = [("warning", f"Flag {c}") for c in "ABCDEFGH"] + [("critical", "Flag Z")]
    records = [record(f"P-{i}", flags) for i in range(3)]
    seen = set()
    for seed in range(5):
        shuffled = [
            dict(r, flags=random.Random(seed).sample(r["flags"], len(r["flags"]))) for r in records
        ]
        data = portfolio(kc, shuffled, [], None, dt.date(2027, 1, 1))
        seen.add(tuple((f["severity"], f["message"]) for f in data["flags"]))
    (order,) = seen
    assert order[0] == ("critical", "Flag Z")
