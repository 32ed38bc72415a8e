"""The batch's summary: summary.csv, summary.json, errors.csv and the portfolio report."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import json
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from esj_review._version import __version__
from esj_review.batch.compare import compare, mark_of, marks
from esj_review.batch.flag_notes import FlagWords, flag_notes, flag_words, general
from esj_review.batch.spill import View
from esj_review.core.due import months_later
from esj_review.core.files import atomic_write
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import misses_threshold, rank_key
from esj_review.core.text import csv_cell

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
WARNINGS_SHOWN = 50
"""Warnings listed in the portfolio (a page); the rest are counted, and all are in errors.csv."""
QUARTER = 3
"""Months ahead the portfolio lists open commitments for (with those already overdue)."""


def ranked(rubric: Rubric, records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Best first by band (after caps), then score; incomplete reviews last; ties by id. A
    proposal capped by a flag never ranks above a clean one in a better band."""
    return list(_ranked_view(rubric, records, None))


def below(rubric: Rubric, record: dict[str, Any], threshold: float | None) -> bool:
    """`--fail-under`: the band is below the threshold's band, or the score below the
    threshold, or the review is incomplete."""
    return misses_threshold(rubric, record["band"], record["score"], threshold)


def _order(rubric: Rubric, records: Sequence[dict[str, Any]]) -> array[int]:
    """Positions of the records in rank order (the records stay where they are: on disk for a
    batch)."""
    keys = [(*rank_key(rubric, r["band"], r["score"]), r["id"], i) for i, r in enumerate(records)]
    keys.sort()
    return array("q", (k[-1] for k in keys))


def _ranked_view(
    rubric: Rubric, records: Sequence[dict[str, Any]], threshold: float | None
) -> View:
    order = _order(rubric, records)
    return View(
        records,
        order,
        lambda i, r: dict(r, rank=i + 1, below_threshold=below(rubric, r, threshold)),
    )


def portfolio(
    rubric: Rubric,
    records: Sequence[dict[str, Any]],
    problems: Iterable[dict[str, str]],
    threshold: float | None,
    generated: dt.date,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the portfolio shows, as plain data (also the body of summary.json).
    `today` (default: `generated`) starts the quarter of commitments coming due.

    The records are read a few times in turn, never all at once: `proposals` and `with_gaps`
    are views that read each record when it is shown."""
    rows = _ranked_view(rubric, records, threshold)
    start = today or generated
    end = months_later(start, QUARTER)
    coming: list[dict[str, Any]] = []
    bands = [(b.id, b.label) for b in rubric.scoring.bands] + [(None, "Incomplete")]
    by_band: Counter[Any] = Counter()
    dollars_band: dict[Any, float] = defaultdict(float)
    dollars_dept: dict[str, float] = defaultdict(float)
    flags: Counter[tuple[str, str]] = Counter()  # proposals per flag, not flag instances
    burdened: Counter[str] = Counter()
    versions: set[str] = set()  # "king-county-esj 2.0.0": each review is scored under its own
    answers = hashlib.sha256()
    with_gaps = array("q")
    below_threshold = []
    for position, r in enumerate(rows):
        by_band[r["band"]] += 1
        if r["amount"] is not None:
            dollars_band[r["band"]] += r["amount"]
            dollars_dept[r["department"] or "(no department)"] += r["amount"]
        flags.update({(f["severity"], general(f["message"])) for f in r["flags"]})
        burdened.update(r["burdened"])
        versions.add(str(r.get("rubric") or ""))
        coming += _coming(r, start, end)
        if r["gaps"]:
            with_gaps.append(rows.source_index(position))
        if r["below_threshold"]:
            below_threshold.append(r["id"])
        plain = {k: v for k, v in r.items() if k not in ("rank", "below_threshold")}
        answers.update(json.dumps(plain, sort_keys=True, default=str).encode() + b"\n")
    errors = set()
    problem_count = warnings = 0
    warnings_shown: list[dict[str, str]] = []
    for p in problems:
        if p["severity"] == "error":
            errors.add(p["source"])
            problem_count += 1
        else:
            warnings += 1
            if len(warnings_shown) < WARNINGS_SHOWN:
                warnings_shown.append({c: p[c] for c in ERROR_COLUMNS if c != "severity"})
    return {
        "answers_hash": answers.hexdigest(),
        "generated": generated.isoformat(),
        "tool_version": __version__,
        "rubric": {"id": rubric.id, "version": rubric.version, "hash": rubric.content_hash},
        "versions": sorted(v for v in versions if v),
        "threshold": threshold,
        "proposals": rows,
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
        "with_gaps": View(
            records, with_gaps, lambda i, r: {"id": r["id"], "title": r["title"], "gaps": r["gaps"]}
        ),
        "below_threshold": below_threshold,
        "commitments": {
            "from": start.isoformat(),
            "through": end.isoformat(),
            "due": sorted(coming, key=lambda c: (c["due"], c["id"], c["kind"])),
        },
        "errors": len(errors),  # inputs that failed, not problems
        "problems": problem_count,
        "warnings": warnings,
        "warnings_shown": warnings_shown,  # the first WARNINGS_SHOWN, in errors.csv's order
    }


def _coming(record: dict[str, Any], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """A proposal's open commitments due on or before `end`: those from `start` on, and
    those already overdue (marked so)."""
    found = []
    for c in record.get("commitments", ()):  # a record cached before commitments has none
        due = dt.date.fromisoformat(c["due"]) if c.get("due") else None
        if due is not None and due <= end:
            found.append(dict(c, id=record["id"], title=record["title"], overdue=due < start))
    return found


def _flag_entry(flag: dict[str, Any]) -> str:
    """One flag as one entry of the summary's flags cell: `id` or `id (item)`."""
    return f"{flag['id']} ({flag['item']})" if flag.get("item") else str(flag["id"])


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text a line at a time; every cell neutralised (`core.text.csv_cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _summary_rows(proposals: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    yield SUMMARY_COLUMNS
    for r in proposals:
        yield [
            r["rank"],
            r["id"],
            r["title"],
            r["department"],
            r["kind"],
            r["amount"],
            r["score"],
            r["band_label"],
            "yes" if r["complete"] else "no",
            r["completeness"],
            len(r["gaps"]),
            "; ".join(_flag_entry(f) for f in r["flags"]),
            "yes" if r["below_threshold"] else "no",
            r["source"],
            "; ".join(r["outputs"]),
        ]


def _json_chunks(data: dict[str, Any]) -> Iterator[str]:
    """summary.json a piece at a time: the long lists one item per line."""
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("," if n else "") + f"\n  {json.dumps(key)}: "
        if isinstance(value, View):
            yield "["
            for i, item in enumerate(value):
                yield ("," if i else "") + "\n    " + json.dumps(item, ensure_ascii=False)
            yield "\n  ]" if len(value) else "]"
        else:
            yield json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
    yield "\n}\n"


def _file_hash(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _hashed(chunks: Iterable[str], digest: Any) -> Iterator[str]:
    """The chunks as they come, each added to `digest` on the way."""
    for chunk in chunks:
        digest.update(chunk.encode())
        yield chunk


def write_summary(
    out: Path,
    rubric: Rubric,
    records: Sequence[dict[str, Any]],
    problems: Sequence[dict[str, str]],
    threshold: float | None,
    generated: dt.date,
    formats: tuple[str, ...],
    earlier: dict[str, Any] | None = None,
    today: dt.date | None = None,
    lang: str = "en",
) -> dict[str, Any]:
    """Write summary.csv, summary.json, errors.csv and portfolio.html (and .pdf), each
    streamed to its file; with `earlier` (`compare.load_previous`), what changed since it.
    `today` (default: `generated`) starts the quarter of commitments coming due. The
    portfolio is written in `lang`; the summary files are data, in the rubric's English."""
    from esj_review.core.i18n import _, use_language
    from esj_review.core.translations import translated

    data = portfolio(rubric, records, problems, threshold, generated, today)
    if earlier is not None:
        data["compared"] = compare(rubric, earlier, data["proposals"])
    previous = _file_hash(out / "summary.json")
    atomic_write(out / "summary.csv", csv_lines(_summary_rows(data["proposals"])))
    digest = hashlib.sha256()  # of summary.json, taken as it is written
    atomic_write(out / "summary.json", _hashed(_json_chunks(data), digest))
    unchanged = previous == digest.hexdigest()
    errors = itertools.chain([ERROR_COLUMNS], ([p[c] for c in ERROR_COLUMNS] for p in problems))
    atomic_write(out / "errors.csv", csv_lines(errors))
    with use_language(lang):
        shown = translated(rubric, lang)  # the portfolio's rubric texts, in its language
        pairs = zip(rubric.determinants, shown.determinants, strict=True)  # same ids, in order
        names, flags = {a.label: b.label for a, b in pairs}, flag_words(rubric, shown)
        html = stream_portfolio_html(data, shown, "html", names, flags)
        atomic_write(out / "portfolio.html", html)
        if "pdf" in formats and not (unchanged and (out / "portfolio.pdf").exists()):
            from esj_review.report.pdf import html_to_pdf

            summary = (out / "summary.json").read_text(encoding="utf-8")  # written just above
            pdf = html_to_pdf(
                "".join(stream_portfolio_html(data, shown, "pdf", names, flags)),
                generated,
                "archival",
                [("summary.json", summary, _("The portfolio summary as JSON."), "Data")],
                f"portfolio:{generated}:{digest.hexdigest()}",
            )
            atomic_write(out / "portfolio.pdf", pdf)
    return data


def render_portfolio_html(data: dict[str, Any], rubric: Rubric, medium: str = "html") -> str:
    """The portfolio report as HTML (same styles as the proposal reports); `medium` "pdf" for
    the HTML that becomes portfolio.pdf."""
    return "".join(stream_portfolio_html(data, rubric, medium))


def stream_portfolio_html(
    data: dict[str, Any],
    rubric: Rubric,
    medium: str = "html",
    names: dict[str, str] | None = None,
    flags: FlagWords | None = None,
) -> Iterator[str]:
    """The portfolio report as HTML, a piece at a time; `names` and `flags`: the
    determinants' labels and the flags' messages in the portfolio's language, by their
    English (the records carry the English)."""
    from esj_review.core.i18n import DEFAULT, _, current_language, money
    from esj_review.report.documents import stream_page

    shown = marks(data.get("compared"))
    labels = {b.id: b.label for b in rubric.scoring.bands}
    english = current_language() == DEFAULT

    def band_name(band: str | None, label: str) -> str:
        """A band's label in the portfolio's language (the records carry the English)."""
        if english:
            return label
        return labels.get(band, label) if band is not None else _("Incomplete")

    return stream_page(
        "portfolio.html.j2",
        medium,
        data=data,
        rubric=rubric,
        flag_notes=lambda raised: flag_notes(raised, flags),
        flag_text=lambda message: (flags.messages if flags else {}).get(message, message),
        moved=lambda pid: mark_of(shown, pid),
        band_name=band_name,
        item_name=lambda label: (names or {}).get(label, label),
        dollars=money,
    )
