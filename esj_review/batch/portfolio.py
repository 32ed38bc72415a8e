"""The batch's summary: summary.csv, summary.json, errors.csv and the portfolio report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from esj_review._version import __version__
from esj_review.core.files import atomic_write
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import misses_threshold, rank_key

SUMMARY_COLUMNS = [
    "rank",
    "id",
    "title",
    "department",
    "kind",
    "amount",
    "score",
    "band",
    "complete",
    "completeness",
    "gaps",
    "flags",
    "below_threshold",
    "source",
    "outputs",
]
ERROR_COLUMNS = ["source", "proposal_id", "field", "message", "severity"]


def ranked(rubric: Rubric, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Best first by band (after caps), then score; incomplete reviews last; ties by id. A
    proposal capped by a flag never ranks above a clean one in a better band."""
    return sorted(records, key=lambda r: (*rank_key(rubric, r["band"], r["score"]), r["id"]))


def below(rubric: Rubric, record: dict[str, Any], threshold: float | None) -> bool:
    """`--fail-under`: the band is below the threshold's band, or the score below the
    threshold, or the review is incomplete."""
    return misses_threshold(rubric, record["band"], record["score"], threshold)


def portfolio(
    rubric: Rubric,
    records: list[dict[str, Any]],
    problems: list[dict[str, str]],
    threshold: float | None,
    generated: dt.date,
) -> dict[str, Any]:
    """Everything the portfolio shows, as plain data (also the body of summary.json)."""
    rows = ranked(rubric, records)
    bands = [(b.id, b.label) for b in rubric.scoring.bands] + [(None, "Incomplete")]
    by_band = Counter(r["band"] for r in rows)
    dollars_band: dict[Any, float] = defaultdict(float)
    dollars_dept: dict[str, float] = defaultdict(float)
    for r in rows:
        if r["amount"] is not None:
            dollars_band[r["band"]] += r["amount"]
            dollars_dept[r["department"] or "(no department)"] += r["amount"]
    flags = Counter(  # proposals per flag, not flag instances
        key for r in rows for key in {(f["severity"], _general(f["message"])) for f in r["flags"]}
    )
    burdened = Counter(label for r in rows for label in r["burdened"])
    errors = [p for p in problems if p["severity"] == "error"]
    answers = hash_of(json.dumps(rows, sort_keys=True, default=str))
    return {
        "answers_hash": answers,
        "generated": generated.isoformat(),
        "tool_version": __version__,
        "rubric": {"id": rubric.id, "version": rubric.version, "hash": rubric.content_hash},
        "threshold": threshold,
        "proposals": [
            dict(r, rank=i, below_threshold=below(rubric, r, threshold))
            for i, r in enumerate(rows, 1)
        ],
        "bands": [
            {
                "id": b,
                "label": label,
                "count": by_band.get(b, 0),
                "dollars": dollars_band.get(b, 0.0),
            }
            for b, label in bands
        ],
        "departments": [
            {"department": d, "dollars": v}
            for d, v in sorted(dollars_dept.items(), key=lambda kv: -kv[1])
        ],
        # most common first; ties in a fixed order (set iteration order varies between runs)
        "flags": [
            {"severity": s, "message": m, "count": n}
            for (s, m), n in sorted(flags.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "burdened": [{"determinant": d, "count": n} for d, n in burdened.most_common()],
        "with_gaps": [
            {"id": r["id"], "title": r["title"], "gaps": r["gaps"]} for r in rows if r["gaps"]
        ],
        "below_threshold": [r["id"] for r in rows if below(rubric, r, threshold)],
        "errors": len({p["source"] for p in errors}),  # inputs that failed, not problems
        "problems": len(errors),
        "warnings": len(problems) - len(errors),
    }


def _flag_entry(flag: dict[str, Any]) -> str:
    """One flag as one entry of the summary's flags cell: `id` or `id (item)`."""
    return f"{flag['id']} ({flag['item']})" if flag.get("item") else str(flag["id"])


def _general(message: str) -> str:
    """A per-item flag message without its item: "Housing: the burden…" -> "The burden…"."""
    text = message.split(": ", 1)[-1]
    return text[:1].upper() + text[1:]


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def write_summary(
    out: Path,
    rubric: Rubric,
    records: list[dict[str, Any]],
    problems: list[dict[str, str]],
    threshold: float | None,
    generated: dt.date,
    formats: tuple[str, ...],
) -> dict[str, Any]:
    """Write summary.csv, summary.json, errors.csv and portfolio.html (and .pdf)."""
    data = portfolio(rubric, records, problems, threshold, generated)
    table: list[list[Any]] = [SUMMARY_COLUMNS]
    for r in data["proposals"]:
        table.append(
            [
                r["rank"],
                r["id"],
                r["title"],
                r["department"],
                r["kind"],
                "" if r["amount"] is None else r["amount"],
                "" if r["score"] is None else r["score"],
                r["band_label"],
                "yes" if r["complete"] else "no",
                r["completeness"],
                len(r["gaps"]),
                "; ".join(_flag_entry(f) for f in r["flags"]),
                "yes" if r["below_threshold"] else "no",
                r["source"],
                "; ".join(r["outputs"]),
            ]
        )
    summary_json = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    previous = out / "summary.json"
    unchanged = previous.exists() and previous.read_text(encoding="utf-8") == summary_json
    atomic_write(out / "summary.csv", _csv(table))
    atomic_write(out / "summary.json", summary_json)
    errors = [ERROR_COLUMNS] + [[p[c] for c in ERROR_COLUMNS] for p in problems]
    atomic_write(out / "errors.csv", _csv(errors))
    html = render_portfolio_html(data, rubric)
    atomic_write(out / "portfolio.html", html)
    if "pdf" in formats and not (unchanged and (out / "portfolio.pdf").exists()):
        from esj_review.report.pdf import html_to_pdf

        summary = json.dumps(data, indent=2, ensure_ascii=False)
        pdf = html_to_pdf(
            html,
            generated,
            "archival",
            [("summary.json", summary, "The portfolio summary as JSON.", "Data")],
            f"portfolio:{generated}:{hash_of(summary)}",
        )
        atomic_write(out / "portfolio.pdf", pdf)
    return data


def hash_of(text: str) -> str:
    """sha256 of a text."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def render_portfolio_html(data: dict[str, Any], rubric: Rubric) -> str:
    """The portfolio report as HTML (same styles as the proposal reports)."""
    from esj_review.report.documents import render_page

    return render_page("portfolio.html.j2", data=data, rubric=rubric)
