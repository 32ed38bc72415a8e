"""Checks a rubric beyond its schema: ids, conditions, reachability, bands, maximum points."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from esj_review.core.answers import PROPOSAL_FIELDS
from esj_review.core.conditions import MISSING, Condition, atoms, evaluate
from esj_review.core.due import check_commitments
from esj_review.core.errors import Problem
from esj_review.core.lint_method import check_method
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.qtypes.select import ChoiceQuestion
from esj_review.core.rubric import TAXONOMIES, Question, Rubric, version_key

_MAX_COMBINATIONS = 20_000


@dataclass
class ComponentMax:
    """The most a component can earn: fixed questions plus points per repeated item."""

    fixed: float = 0.0
    per_item: dict[str, float] = field(default_factory=dict)  # repeat question id -> points

    def describe(self) -> str:
        """`12 + 9 per determinant_impacts item`."""
        parts = [f"{self.fixed:g}"] if self.fixed or not self.per_item else []
        parts += [f"{pts:g} per {rid} item" for rid, pts in self.per_item.items()]
        return " + ".join(parts)


@dataclass
class LintReport:
    """Problems found (errors and warnings) and each component's maximum."""

    problems: list[Problem] = field(default_factory=list)
    component_max: dict[str, ComponentMax] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """Only the problems that make the rubric unusable."""
        return [p for p in self.problems if p.severity == "error"]


def lint_rubric(rubric: Rubric) -> LintReport:
    """Run every check on a schema-valid rubric."""
    report = LintReport()
    add = report.problems.append
    _check_ids(rubric, add)
    _check_sources(rubric, add)
    _check_questions(rubric, add)
    _check_conditions(rubric, add)
    _check_bands(rubric, add)
    _check_flags(rubric, add)
    _check_report_fields(rubric, add)
    _check_migrations(rubric, add)
    check_method(rubric, add, _check_condition)
    check_commitments(rubric, add, _check_condition)
    report.component_max = component_maxima(rubric)
    for comp in rubric.scoring.components:
        if not report.component_max[comp.id].fixed and not report.component_max[comp.id].per_item:
            add(Problem(f"scoring.components.{comp.id}", "no question scores into this component"))
    return report


def _dupes(ids: Iterable[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def _choice_ids(q: Question) -> list[str]:
    return [c.id for c in q.choices] if isinstance(q, ChoiceQuestion) else []


def _check_ids(rubric: Rubric, add: Any) -> None:
    groups: dict[str, list[str]] = {
        "sections": [s.id for s in rubric.sections],
        "questions": [q.id for _, q in rubric.iter_questions()],
        "sources": [s.id for s in rubric.sources],
        "proposal_kinds": [c.id for c in rubric.proposal_kinds],
        "scoring.components": [c.id for c in rubric.scoring.components],
        "scoring.bands": [b.id for b in rubric.scoring.bands],
        "scoring.flags": [f.id for f in rubric.scoring.flags],
    }
    for name in TAXONOMIES:
        groups[name] = [item.id for item in rubric.taxonomy(name)]
    for _, q in rubric.iter_questions():
        groups[f"questions.{q.id}.choices"] = _choice_ids(q)
        if q.children():
            groups[f"questions.{q.id}.questions"] = [s.id for s in q.children()]
            top = set(groups["questions"])
            for sub in q.children():
                groups[f"questions.{q.id}.{sub.id}.choices"] = _choice_ids(sub)
                if sub.id in top:
                    add(Problem(f"questions.{q.id}.{sub.id}", "reuses a top-level question id"))
    for where, ids in groups.items():
        for dup in _dupes(ids):
            add(Problem(where, f"duplicate id {dup!r}"))


def _check_sources(rubric: Rubric, add: Any) -> None:
    known = {s.id for s in rubric.sources}
    for name in TAXONOMIES:
        for item in rubric.taxonomy(name):
            if item.source and item.source not in known:
                add(Problem(f"{name}.{item.id}.source", f"unknown source {item.source!r}"))
            if item.quoted_from and item.quoted_from not in known:
                add(
                    Problem(f"{name}.{item.id}.quoted_from", f"unknown source {item.quoted_from!r}")
                )
    for _, q in rubric.iter_questions():
        for sub in [q, *q.children()]:
            if isinstance(sub, ChoiceQuestion) and sub.choices_source not in (None, *known):
                add(Problem(f"questions.{sub.id}.choices_source", "unknown source"))


def _check_questions(rubric: Rubric, add: Any) -> None:
    components = {c.id for c in rubric.scoring.components}
    seen: dict[str, Question] = {}
    for _, q in rubric.iter_questions():
        _check_question(q, f"questions.{q.id}", components, add)
        if isinstance(q, RepeatQuestion):
            over = seen.get(q.over)
            if over is None:
                add(Problem(f"questions.{q.id}.over", "must name an earlier multiselect question"))
            elif not kind_of(over).multi_valued:
                add(Problem(f"questions.{q.id}.over", f"{q.over!r} is not a multiselect"))
            if not q.questions:
                add(Problem(f"questions.{q.id}.questions", "a repeat needs questions"))
            for sub in q.questions:
                path = f"questions.{q.id}.{sub.id}"
                if isinstance(sub, RepeatQuestion):
                    add(Problem(path, "a repeat cannot hold another repeat"))
                _check_question(sub, path, components, add)
                _check_narrow(sub, path, seen, add)
        else:
            if q.carry_forward:
                add(Problem(f"questions.{q.id}.carry_forward", "only a repeated question carries"))
            _check_narrow(q, f"questions.{q.id}", seen, add)
        seen[q.id] = q


def _check_narrow(q: Question, path: str, seen: dict[str, Question], add: Any) -> None:
    """`narrow_to` names an earlier multiselect with the same choices."""
    target = getattr(q, "narrow_to", "")
    if not target:
        return
    earlier = seen.get(target)
    if earlier is None or not kind_of(earlier).multi_valued:
        add(Problem(f"{path}.narrow_to", "must name an earlier multiselect question"))
    elif not (
        isinstance(earlier, ChoiceQuestion)
        and isinstance(q, ChoiceQuestion)
        and (earlier.choices_from, earlier.choices) == (q.choices_from, q.choices)
    ):
        add(Problem(f"{path}.narrow_to", f"{target!r} does not offer the same choices"))


def _check_question(q: Question, path: str, components: set[str], add: Any) -> None:
    for problem in kind_of(q).lint(q, path):
        add(problem)
    if q.score is not None and q.score.component not in components:
        add(Problem(f"{path}.score.component", f"unknown component {q.score.component!r}"))


def _domain(rubric: Rubric, qid: str, scope: dict[str, Question]) -> tuple[str, Question | None]:
    """Resolve a question id named in a condition: its kind and definition."""
    if qid in PROPOSAL_FIELDS:
        return "proposal", None
    if qid in scope:
        return "question", scope[qid]
    return "unknown", None


def _allowed_values(rubric: Rubric, qid: str, q: Question | None) -> set[Any] | None:
    if qid == "proposal.kind":
        return {c.id for c in rubric.proposal_kinds}
    if q is None:
        return None
    return kind_of(q).condition_values(rubric, q)


def _check_condition(
    rubric: Rubric, cond: Condition, path: str, scope: dict[str, Question], add: Any
) -> bool:
    ok = True
    for op, qid, values in atoms(cond):
        kind, q = _domain(rubric, qid, scope)
        if kind == "unknown":
            add(Problem(path, f"names unknown question {qid!r} (or one that is asked later)"))
            ok = False
            continue
        if op == "includes" and (q is None or not kind_of(q).multi_valued):
            add(Problem(path, f"`includes` needs a multiselect; {qid!r} is not one"))
            ok = False
        allowed = _allowed_values(rubric, qid, q)
        for value in values:
            if allowed is not None and value not in allowed:
                add(Problem(path, f"{qid!r} has no choice {value!r}"))
                ok = False
    return ok


def _check_conditions(rubric: Rubric, add: Any) -> None:
    earlier: dict[str, Question] = {}
    for section in rubric.sections:
        if section.when:
            _check_condition(rubric, section.when, f"sections.{section.id}.when", earlier, add)
        for q in section.questions:
            conds = [c for c in (section.when, q.when) if c is not None]
            if q.when and _check_condition(rubric, q.when, f"questions.{q.id}.when", earlier, add):
                _check_reachable(rubric, conds, earlier, f"questions.{q.id}", add)
            if isinstance(q, RepeatQuestion):
                local = dict(earlier)
                for sub in q.questions:
                    path = f"questions.{q.id}.{sub.id}.when"
                    if sub.when and _check_condition(rubric, sub.when, path, local, add):
                        _check_reachable(rubric, [*conds, sub.when], local, path, add)
                    local[sub.id] = sub
            earlier[q.id] = q


def _check_flags(rubric: Rubric, add: Any) -> None:
    top = {q.id: q for _, q in rubric.iter_questions()}
    bands = {b.id for b in rubric.scoring.bands}
    for flag in rubric.scoring.flags:
        path = f"scoring.flags.{flag.id}"
        scope = dict(top)
        if flag.for_each is not None:
            rep = top.get(flag.for_each)
            if not isinstance(rep, RepeatQuestion):
                add(Problem(f"{path}.for_each", f"{flag.for_each!r} is not a repeat question"))
            else:
                scope.update({s.id: s for s in rep.questions})
        if _check_condition(rubric, flag.when, f"{path}.when", scope, add):
            _check_reachable(rubric, [flag.when], scope, path, add, what="can never be raised")
        if flag.cap is not None and flag.cap not in bands:
            add(Problem(f"{path}.cap", f"unknown band {flag.cap!r}"))


def _check_migrations(rubric: Rubric, add: Any) -> None:
    """What a migration names in this version must exist here: renamed-to questions, mapped
    questions and their new choices; a removed question must not (the old version's ids are
    checked when a review is migrated, where that version is at hand)."""
    top = {q.id: q for _, q in rubric.iter_questions()}
    for where, count in Counter(m.from_version for m in rubric.migrations).items():
        if count > 1:
            add(Problem("migrations", f"more than one migration from {where}"))
    for i, m in enumerate(rubric.migrations):
        path = f"migrations.{i}"
        if version_key(m.from_version) >= version_key(rubric.version):
            add(Problem(f"{path}.from", f"{m.from_version} is not earlier than {rubric.version}"))
        for old, new in m.rename.items():
            if new not in top:
                add(Problem(f"{path}.rename.{old}", f"{new!r} is not a question of this rubric"))
        for qid, mapping in m.choices.items():
            q = top.get(qid)
            if q is None:
                add(Problem(f"{path}.choices.{qid}", "not a question of this rubric"))
                continue
            every = frozenset(item.id for item in rubric.optional_items())
            known = {c.id for c in rubric.choices_for(q, every)}
            for old, new in mapping.items():
                if new not in known:
                    add(Problem(f"{path}.choices.{qid}.{old}", f"{new!r} is not a choice of {qid}"))
        for qid in m.remove:
            if qid in top and qid not in m.rename.values():
                add(Problem(f"{path}.remove", f"{qid!r} is still a question of this rubric"))


def _check_report_fields(rubric: Rubric, add: Any) -> None:
    fields = rubric.report
    top = {q.id: q for _, q in rubric.iter_questions()}
    named = [
        fields.summary,
        fields.results,
        fields.populations,
        fields.benefits,
        fields.burdens,
        fields.mitigation,
        fields.amount,
        *fields.facts,
        *fields.alignment,
    ]
    for qid in named:
        if qid is not None and qid not in top:
            add(Problem("report", f"names unknown question {qid!r}"))
    if fields.impacts is None:
        return
    rep = top.get(fields.impacts.repeat)
    if not isinstance(rep, RepeatQuestion):
        add(Problem("report.impacts.repeat", f"{fields.impacts.repeat!r} is not a repeat question"))
        return
    subs = {s.id for s in rep.questions}
    for name, qid in fields.impacts.model_dump().items():
        if isinstance(qid, str) and name != "repeat" and qid not in subs:
            add(Problem(f"report.impacts.{name}", f"{qid!r} is not a question of {rep.id!r}"))


def _candidates(rubric: Rubric, qid: str, q: Question | None, mentioned: set[Any]) -> list[Any]:
    allowed = _allowed_values(rubric, qid, q)
    if q is not None and kind_of(q).multi_valued:
        listed = sorted(str(v) for v in mentioned)
        # ["\x00other"]: answered with none of the values the conditions mention
        return [MISSING, [], *([v] for v in listed), listed, ["\x00other"]]
    if allowed is not None:
        return [MISSING, *sorted(allowed, key=str)]
    return [MISSING, *mentioned, "\x00other"]


def _check_reachable(
    rubric: Rubric,
    conds: list[Condition],
    scope: dict[str, Question],
    path: str,
    add: Any,
    what: str = "can never be shown",
) -> None:
    """Try every relevant combination of answers; report if no combination satisfies."""
    mentioned: dict[str, set[Any]] = {}
    for cond in conds:
        for _, qid, values in atoms(cond):
            mentioned.setdefault(qid, set()).update(values)
    qids = list(mentioned)
    domains = [_candidates(rubric, q, scope.get(q), mentioned[q]) for q in qids]
    size = 1
    for d in domains:
        size *= len(d)
    if size > _MAX_COMBINATIONS:
        return
    for combo in itertools.product(*domains):
        answers = dict(zip(qids, combo, strict=True))
        if all(evaluate(c, lambda k, a=answers: a.get(k, MISSING)) for c in conds):  # type: ignore[misc]
            return
    add(Problem(path, f"{what}: no combination of answers satisfies its conditions"))


def _check_bands(rubric: Rubric, add: Any) -> None:
    bands = sorted(rubric.scoring.bands, key=lambda b: b.min)
    for band in bands:
        if band.min >= band.max:
            add(Problem(f"scoring.bands.{band.id}", "min must be below max"))
    if bands[0].min != 0:
        add(Problem("scoring.bands", f"scores from 0 to {bands[0].min:g} fall in no band"))
    if bands[-1].max != 100:
        add(Problem("scoring.bands", f"scores from {bands[-1].max:g} to 100 fall in no band"))
    for low, high in itertools.pairwise(bands):
        if low.max < high.min:
            add(
                Problem("scoring.bands", f"scores from {low.max:g} to {high.min:g} fall in no band")
            )
        elif low.max > high.min:
            add(Problem("scoring.bands", f"bands {low.id!r} and {high.id!r} overlap"))
    listed = [b.id for b in rubric.scoring.bands]
    if listed != [b.id for b in reversed(bands)]:
        add(Problem("scoring.bands", "list bands from best to worst", "warning"))


def component_maxima(rubric: Rubric) -> dict[str, ComponentMax]:
    """Each component's maximum points, with repeated questions counted per item."""
    everything = rubric.every_item()
    result = {c.id: ComponentMax() for c in rubric.scoring.components}
    for _, q in rubric.iter_questions():
        if q.score and q.score.component in result:
            result[q.score.component].fixed += kind_of(q).max_points(rubric, q, everything)
        for sub in q.children():
            if sub.score and sub.score.component in result:
                per = result[sub.score.component].per_item
                per[q.id] = per.get(q.id, 0) + kind_of(sub).max_points(rubric, sub, everything)
    return result
