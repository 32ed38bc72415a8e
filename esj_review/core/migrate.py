"""Moving a review to a newer version of its rubric: one step per version, each as the newer
version declares it (`migrations`: renames, choice maps, removals) or, when it declares
nothing, by question id unchanged. An answer that no longer fits is set aside, never lost."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from esj_review.core.checks import check_review
from esj_review.core.errors import EsjError, RubricNotFound, UsageError
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review
from esj_review.core.rubric import Migration, Rubric, version_key
from esj_review.core.rubrics import earlier_versions, load_rubric, shipped_rubrics
from esj_review.core.scoring import score


@dataclass
class Step:
    """One version to the next: whether the newer version declared how answers move."""

    source: str
    target: str
    declared: bool


@dataclass
class Migrated:
    """A review moved to a newer rubric version, and what happened to each answer."""

    review: Review
    steps: list[Step] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # question ids, in the new version
    renamed: list[tuple[str, str]] = field(default_factory=list)  # old id, new id
    mapped: list[tuple[str, str, str]] = field(default_factory=list)  # question, old, new
    set_aside: list[tuple[str, str]] = field(default_factory=list)  # id, why
    dropped_enable: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required answers now missing
    missing_before: list[str] = field(default_factory=list)  # of those, missing already


def shipped_chain(rubric_id: str, source: str, target: str | None = None) -> list[Rubric]:
    """The shipped versions of a rubric from `source` up to `target` (default: the current
    one), in order. RubricNotFound names the versions this tool has."""
    current = load_rubric(rubric_id)
    versions = sorted([*earlier_versions(rubric_id), current.version], key=version_key)
    target = target or current.version
    for wanted in (source, target):
        if wanted not in versions:
            raise RubricNotFound(
                f"rubric {rubric_id} version {wanted} is not available; "
                f"this tool has versions {', '.join(versions)}"
            )
    if version_key(target) <= version_key(source):
        raise UsageError(
            f"the review is under {rubric_id} {source}; --to must name a newer version "
            f"(this tool has {', '.join(versions)})"
        )
    chosen = [v for v in versions if version_key(source) <= version_key(v) <= version_key(target)]
    return [load_rubric(f"{rubric_id}@{v}") for v in chosen]


def newer_version(review: Review) -> str | None:
    """The current version of the shipped rubric a review names, when it is newer."""
    if review.rubric.id not in shipped_rubrics():
        return None
    current = load_rubric(review.rubric.id).version
    return current if version_key(current) > version_key(review.rubric.version) else None


def declaration(previous: Rubric, rubric: Rubric) -> Migration | None:
    """The migration `rubric` declares from `previous`, checked against `previous`: the old
    ids it renames, maps or removes must be questions there."""
    found = next((m for m in rubric.migrations if m.from_version == previous.version), None)
    if found is None:
        return None
    old = {q.id for _, q in previous.iter_questions()}
    new_to_old = {new: o for o, new in found.rename.items()}
    named = [*found.rename, *found.remove, *(new_to_old.get(q, q) for q in found.choices)]
    unknown = sorted({qid for qid in named if qid not in old})
    if unknown:
        raise EsjError(
            f"rubric {rubric.id} {rubric.version}: its migration from {previous.version} names "
            f"{', '.join(repr(q) for q in unknown)}, not questions of version {previous.version}"
        )
    return found


def _flat(prefix: str, value: Any) -> dict[str, Any]:
    """A repeat's answers as `repeat.item.question` keys: set aside where no repeat of that id
    remains, each still an answer `validate` accepts."""
    if not isinstance(value, dict):
        return {prefix: value}
    out: dict[str, Any] = {}
    for key, sub in value.items():
        out.update(_flat(f"{prefix}.{key}", sub))
    return out


def _aside(result: Migrated, rubric: Rubric, qid: str, value: Any, why: str) -> None:
    repeat = isinstance(rubric.question(qid), RepeatQuestion)
    result.review.set_aside.update({qid: value} if repeat else _flat(qid, value))
    result.set_aside.append((qid, why))


def _map_value(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, list):
        return [mapping.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def _step(result: Migrated, previous: Rubric, rubric: Rubric) -> None:
    declared = declaration(previous, rubric)
    result.steps.append(Step(previous.version, rubric.version, declared is not None))
    m = declared or Migration.model_validate({"from": previous.version})
    review = result.review
    answers, review.answers = review.answers, {}
    moved: list[str] = []
    for old_id, value in answers.items():
        if old_id in m.remove:
            _aside(result, rubric, old_id, value, f"removed in {rubric.version}")
            continue
        qid = m.rename.get(old_id, old_id)
        if qid != old_id:
            result.renamed.append((old_id, qid))
        q = rubric.question(qid)
        if q is None:
            _aside(result, rubric, old_id, value, f"no such question in {rubric.version}")
            continue
        mapping = m.choices.get(qid, {})
        new = _map_value(value, mapping)
        if isinstance(q, RepeatQuestion) and isinstance(value, dict):
            items = m.choices.get(q.over, {})
            new = {items.get(k, k): v for k, v in value.items()}
        if new != value:
            for old_choice, new_choice in mapping.items():
                if old_choice in (value if isinstance(value, list) else [value]):
                    result.mapped.append((qid, old_choice, new_choice))
        review.answers[qid] = new
        moved.append(qid)
    review.set_aside = {m.rename.get(k, k): v for k, v in review.set_aside.items()}
    review.meta.passed = [m.rename.get(p, p) for p in review.meta.passed]
    optional = {i.id for i in rubric.optional_items()}
    result.dropped_enable += [e for e in review.rubric.enable if e not in optional]
    review.rubric.enable = [e for e in review.rubric.enable if e in optional]
    review.rubric.version = rubric.version
    _set_aside_misfits(result, rubric, moved)


def _set_aside_misfits(result: Migrated, rubric: Rubric, moved: list[str]) -> None:
    """Set aside every answer `validate` finds wrong under the new version, with its reason."""
    review = result.review
    for _ in range(len(review.answers) + 1):
        wrong: dict[str, str] = {}
        for problem in check_review(rubric, review):
            parts = problem.path.split(".")
            if problem.severity != "error" or parts[0] != "answers" or len(parts) < 2:
                continue
            if parts[1] in review.answers and parts[1] not in wrong:
                wrong[parts[1]] = problem.message
        if not wrong:
            break
        for qid, why in wrong.items():
            value = review.answers.pop(qid)
            _aside(result, rubric, qid, value, f"no longer fits {rubric.version}: {why}")
    result.moved = [q for q in moved if q in review.answers]


def migrate_review(review: Review, chain: Sequence[Rubric]) -> Migrated:
    """Move `review` (under `chain[0]`) through each later rubric of `chain`, in order. The
    review given is not changed."""
    if len(chain) < 2:
        raise UsageError("nothing to migrate: name a newer version")
    before = [g.question for g in score(chain[0], review).gaps]
    result = Migrated(review=Review.model_validate(copy.deepcopy(review.model_dump())))
    for previous, rubric in itertools.pairwise(chain):
        _step(result, previous, rubric)
    result.missing = [g.question for g in score(chain[-1], result.review).gaps]
    result.missing_before = [q for q in result.missing if q in before]
    return result


def describe(result: Migrated, rubric_id: str) -> list[str]:
    """What a migration did, one line each, as `esj-review migrate` prints it."""
    lines = []
    for step in result.steps:
        how = (
            "as version {t} declares"
            if step.declared
            else "no migration declared: answers move by question id unchanged"
        )
        lines.append(f"{rubric_id} {step.source} -> {step.target}: {how.format(t=step.target)}")
    moved = ", ".join(result.moved) or "none"
    lines.append(f"moved ({len(result.moved)}): {moved}")
    lines += [f"renamed: {old} -> {new}" for old, new in result.renamed]
    lines += [f"mapped: {q}: {old} -> {new}" for q, old, new in result.mapped]
    lines += [f"set aside: {q} ({why})" for q, why in result.set_aside]
    lines += [
        f"no longer an optional item: {e} (dropped from rubric.enable)"
        for e in result.dropped_enable
    ]
    new_gaps = [q for q in result.missing if q not in result.missing_before]
    lines.append(f"required answers now missing: {', '.join(new_gaps) or 'none'}")
    if result.missing_before:
        lines.append(f"required answers missing before too: {', '.join(result.missing_before)}")
    return lines
