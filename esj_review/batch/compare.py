"""`batch --compare`: what changed since a previous run, read from its summary.json.

Proposals are matched by id (in NFC, as duplicates are). A band is better or worse by the
rubric's band order (`core.scorecard.band_order`); an incomplete review ranks below every band.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from esj_review.core.errors import InputFileError
from esj_review.core.files import load_data
from esj_review.core.rubric import Rubric
from esj_review.core.scorecard import band_of, band_order

SUMMARY = "summary.json"


def summary_path(previous: Path) -> Path:
    """A previous batch's summary.json: the folder's, or the file itself."""
    if previous.is_dir():
        found = previous / SUMMARY
        if not found.exists():
            raise InputFileError(previous, f"no {SUMMARY} in this folder (not a batch's --out)")
        return found
    if not previous.exists():
        raise InputFileError(previous, "no such file or folder")
    return previous


def load_previous(previous: Path, rubric: Rubric) -> dict[str, Any]:
    """The previous run as `compare` needs it; InputFileError (one line naming the file) for
    anything that is not a batch summary made with this rubric."""
    path = summary_path(previous)
    if path.suffix.lower() != ".json":
        raise InputFileError(path, f"not a batch summary (expected {SUMMARY})")
    data = load_data(path)

    def wrong(what: str) -> InputFileError:
        return InputFileError(path, f"not an esj-review batch summary: {what}")

    if not isinstance(data, dict):
        raise wrong("not a JSON object")
    meta = data.get("rubric")
    if not (
        isinstance(meta, dict) and all(isinstance(meta.get(k), str) for k in ("id", "version"))
    ):
        raise wrong("no rubric id and version")
    if meta["id"] != rubric.id:
        raise InputFileError(
            path, f"made with rubric {meta['id']}, not {rubric.id}: the bands cannot be compared"
        )
    generated = data.get("generated")
    if not isinstance(generated, str):
        raise wrong("no generated date")
    proposals = data.get("proposals")
    if not isinstance(proposals, list):
        raise wrong("no list of proposals")
    found: dict[str, dict[str, Any]] = {}
    for n, p in enumerate(proposals):
        if not _is_record(p):
            raise wrong(f"proposal {n + 1} has no id, title, band or score")
        found.setdefault(_key(p["id"]), {k: p[k] for k in ("id", "title", "band", "score")})
        found[_key(p["id"])]["band_label"] = p.get("band_label")
    return {
        "generated": generated,
        "rubric": {"id": meta["id"], "version": meta["version"]},
        "proposals": found,
    }


def _is_record(p: Any) -> bool:
    if not isinstance(p, dict) or not isinstance(p.get("id"), str) or not p["id"]:
        return False
    score = p.get("score")
    return (
        isinstance(p.get("title"), str)
        and (p.get("band") is None or isinstance(p.get("band"), str))
        and (score is None or (isinstance(score, int | float) and not isinstance(score, bool)))
    )


def _key(pid: str) -> str:
    return unicodedata.normalize("NFC", pid)


def compare(
    rubric: Rubric, previous: dict[str, Any], current: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    """New, removed, moved up and moved down (best first by the current ranking; removed in
    the previous order), and how many kept their band. Plain data: summary.json's `compared`."""
    order = band_order(rubric)
    labels = {b.id: b.label for b in rubric.scoring.bands}
    before: dict[str, dict[str, Any]] = previous["proposals"]
    seen: set[str] = set()
    new: list[dict[str, Any]] = []
    up: list[dict[str, Any]] = []
    down: list[dict[str, Any]] = []
    unchanged = 0
    for r in current:
        key = _key(r["id"])
        seen.add(key)
        old = before.get(key)
        if old is None:
            new.append(_entry(r, r.get("band_label")))
            continue
        step = _rank(rubric, order, r["band"], r["score"]) - _rank(
            rubric, order, old["band"], old["score"]
        )
        if r["band"] == old["band"] or step == 0:
            unchanged += 1
            continue
        move = {
            "id": r["id"],
            "title": r["title"],
            "from_band": old["band"],
            "from_label": _label(labels, old),
            "to_band": r["band"],
            "to_label": r.get("band_label") or _label(labels, r),
            "score_before": old["score"],
            "score_after": r["score"],
        }
        (up if step < 0 else down).append(move)
    removed = [_entry(p, _label(labels, p)) for key, p in before.items() if key not in seen]
    same = previous["rubric"]["version"] == rubric.version
    return {
        "generated": previous["generated"],
        "rubric": previous["rubric"],
        "rubric_note": None
        if same
        else (
            f"The previous run used {rubric.id} {previous['rubric']['version']} and this one "
            f"{rubric.version}: bands are compared by id."
        ),
        "new": new,
        "removed": removed,
        "up": up,
        "down": down,
        "unchanged": unchanged,
    }


def _rank(rubric: Rubric, order: list[str], band: str | None, score: float | None) -> int:
    """Where a band stands, best 0; an incomplete review last. A band this rubric does not
    have (another version's) stands by its score's band."""
    if band is None or score is None:
        return len(order)
    if band not in order:
        ref = band_of(rubric, score)
        band = ref.id if ref is not None else None
    return order.index(band) if band in order else len(order)


def _label(labels: dict[str, str], record: dict[str, Any]) -> str:
    band = record.get("band")
    if band is None:
        return "Incomplete"
    shown = record.get("band_label")
    return shown if isinstance(shown, str) and shown else labels.get(band, band)


def _entry(r: dict[str, Any], label: str | None) -> dict[str, Any]:
    return {
        "id": r["id"],
        "title": r["title"],
        "band": r["band"],
        "band_label": label or "Incomplete",
        "score": r["score"],
    }


def marks(compared: dict[str, Any] | None) -> dict[str, str]:
    """What the ranked table says beside a proposal's band: "↑ up from Likely", "↓ down from
    Advances", "new since the previous run"."""
    if not compared:
        return {}
    shown = {_key(m["id"]): f"↑ up from {m['from_label']}" for m in compared["up"]}
    shown.update({_key(m["id"]): f"↓ down from {m['from_label']}" for m in compared["down"]})
    shown.update({_key(m["id"]): "new since the previous run" for m in compared["new"]})
    return shown


def mark_of(shown: dict[str, str], pid: str) -> str:
    return shown.get(_key(pid), "")
