"""What the report says, as plain data: built from the rubric, the review and its scorecard.

Pure: the same inputs and date give the same context. Every renderer (HTML, PDF, Markdown)
reads this one structure, so the formats cannot tell different stories.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from esj_review._version import __version__
from esj_review.core.answers import Slot, impact_items
from esj_review.core.conditions import MISSING, describe, is_answered
from esj_review.core.i18n import _
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import Review
from esj_review.core.rubric import TAXONOMIES, Question, Rubric
from esj_review.core.scoring import Scorecard
from esj_review.report.chapters import (
    alignment_groups,
    answer_label,
    chart,
    citations,
    determinant_rows,
    impact_lines,
    ledger_pointer,
    ledger_rows,
)
from esj_review.report.language import (
    answer_words,
    money_text,
    reason_sentence,
    translation_note,
)
from esj_review.report.method import plain_method
from esj_review.report.statement import Statement, build_statement
from esj_review.report.text import Run, dir_of, lang_of, runs_of, visible

STATEMENT_LIMIT = 550  # characters of a narrative shown on the one-page statement


@dataclass(frozen=True)
class Shown:
    """A piece of user text ready for a template: safe characters, its language and direction."""

    text: str
    lang: str | None = None

    @classmethod
    def of(cls, value: str, limit: int | None = None, *, lang: str | None = None) -> Shown:
        """From raw user text; `lang` (the review's `meta.lang` for the answer) wins over the
        guess."""
        text = visible(value) if limit is None else visible(value, limit)
        if limit is not None and len(value) > limit:
            text = visible(value, limit).split("\n[Shortened")[0].rstrip() + " …"
        return cls(text, lang or lang_of(value))

    @property
    def dir(self) -> str:
        """rtl or ltr, said on every value: the PDF renderer ignores dir="auto"."""
        return dir_of(self.lang)

    @functools.cached_property
    def runs(self) -> tuple[Run, ...]:
        """The text in runs that need their own markup (Korean words, CJK in other text)."""
        return runs_of(self.text, self.lang)


@dataclass
class Row:
    """One question and its answer in the full-answers section."""

    prompt: str
    answer: list[Shown]
    gap: bool = False
    heading: str | None = None  # a repeat item's label, on the first row of the item
    note: str | None = None  # where the answer is shown whole instead (section 3)
    path: str = ""  # the question's path, to tell whether page 1 shows the answer whole


@dataclass
class ReportContext:
    """Everything a report shows."""

    rubric: Rubric
    review: Review
    card: Scorecard
    generated: dt.date
    tool_version: str
    title: Shown
    proposal_id: Shown
    department: Shown | None
    kind: str
    reason: str
    facts: list[tuple[str, list[Shown]]]
    summary: Shown | None
    results: Shown | None
    by_population: list[dict[str, Any]]
    benefits_text: Shown | None
    mitigations: list[dict[str, Any]]
    determinants: list[dict[str, Any]]
    alignment: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    ledger: list[dict[str, Any]]
    component_max: dict[str, str] = field(default_factory=dict)
    statement: Statement = field(default_factory=Statement)  # page 1, cut to fit the page
    # labels shown (chosen in an answer) whose wording was not checked against the primary
    # document; listed once, in the method section, never in the body
    unverified_labels: list[str] = field(default_factory=list)

    @property
    def plain_method(self) -> list[tuple[str, str]]:
        """The method in plain language: (lead, rest) per paragraph."""
        out = []
        for paragraph in plain_method(self.rubric):
            lead, _, rest = paragraph.removeprefix("**").partition("**")
            out.append((lead, rest.strip()) if rest else ("", paragraph))
        return out

    @property
    def translation_note(self) -> str:
        """Whether the report's translation was reviewed ("" in English)."""
        return translation_note()

    @property
    def untouched(self) -> list[str]:
        """Labels of the determinants the proposal does not touch, for one compact line."""
        return [d["label"] for d in self.determinants if not d["touched"]]

    @property
    def touched(self) -> list[dict[str, Any]]:
        """The determinants the proposal touches, with their impact."""
        return [d for d in self.determinants if d["touched"]]

    @property
    def chart(self) -> dict[str, Any]:
        """The component chart's geometry, in points: each bar's full length is its weight."""
        return chart(self.card)

    @property
    def impact_lines(self) -> list[dict[str, Any]]:
        """Each benefit and burden with how it counts, in words, and its signed value."""
        return impact_lines(self.card, self.rubric)

    @property
    def sources(self) -> list[dict[str, str]]:
        """The rubric's sources as citations: title, publisher, year, and a web link."""
        return citations(self.rubric)

    @property
    def unverified_phases(self) -> list[str]:
        """Phase names shown under section headings that were not checked at the source."""
        return [s.phase for s in self.rubric.sections if s.phase and not s.verified]

    @property
    def short_hash(self) -> str:
        """The first 12 characters of the answers hash, as the footer shows it."""
        return self.card.answers_hash[:12]


def answer_shown(
    rubric: Rubric, q: Question, value: Any, enabled: frozenset[str], lang: str | None = None
) -> list[Shown]:
    """An answer as the reader should see it: choice labels, yes/no, formatted numbers. `lang`
    (the review's `meta.lang` for it) is the language of what the analyst typed, not of the
    rubric's labels."""
    return [
        Shown.of(text, lang=lang if isinstance(value, str) and text == value else None)
        for text in answer_words(rubric, q, value, enabled)
    ]


def unverified_labels(rubric: Rubric, slots: list[Slot]) -> list[str]:
    """Labels of taxonomy items chosen in a shown answer that are marked `verified: false`."""
    chosen: set[tuple[str, str]] = set()
    for slot in slots:
        taxonomy = getattr(slot.question, "choices_from", None)
        if taxonomy and slot.visible and slot.answered:
            values = slot.value if isinstance(slot.value, list) else [slot.value]
            chosen |= {(taxonomy, str(v)) for v in values}
    return [
        item.label
        for name in TAXONOMIES
        for item in rubric.taxonomy(name)
        if not item.verified and (name, item.id) in chosen
    ]


def build_context(
    rubric: Rubric, review: Review, card: Scorecard, generated: dt.date
) -> ReportContext:
    """Assemble the report's content."""
    enabled = review.enabled
    slots = review.slots(rubric)
    shown = {s.path: s for s in slots if s.visible}
    fields = rubric.report
    langs = review.meta.lang  # an answer's language when the guess would be wrong

    def narrative(qid: str | None, limit: int | None = STATEMENT_LIMIT) -> Shown | None:
        slot = shown.get(qid or "")
        if slot is None or not slot.answered:
            return None
        return Shown.of(str(slot.value), limit, lang=langs.get(f"answers.{slot.path}"))

    facts = []
    for qid in fields.facts:
        slot = shown.get(qid)
        if slot is not None and slot.answered:
            lang = langs.get(f"answers.{slot.path}")
            value = answer_shown(rubric, slot.question, slot.value, enabled, lang)
            if slot.question.id == fields.amount and value:  # the rubric's dollars question
                value = [Shown(money_text(value[0].text, slot.value))]
            facts.append((slot.question.label or slot.question.prompt.rstrip("?？"), value))

    kinds = {c.id: c.label for c in rubric.proposal_kinds}
    impacts = impact_items(rubric, review, slots)
    reason = reason_sentence(rubric, card)
    return ReportContext(
        rubric=rubric,
        review=review,
        card=card,
        generated=generated,
        tool_version=__version__,
        title=Shown.of(review.proposal.title, lang=langs.get("proposal.title")),
        proposal_id=Shown.of(review.proposal.id),
        department=Shown.of(review.proposal.department) if review.proposal.department else None,
        kind=kinds.get(review.proposal.kind or "", review.proposal.kind or _("Not stated")),
        reason=reason,
        facts=facts,
        summary=narrative(fields.summary),
        results=narrative(fields.results),
        by_population=_by_population(rubric, review, shown, impacts),
        benefits_text=narrative(fields.benefits),
        mitigations=_mitigations(rubric, review, impacts, narrative(fields.mitigation)),
        determinants=determinant_rows(rubric, review, impacts),
        alignment=alignment_groups(rubric, review, shown),
        sections=_sections(rubric, review, slots),
        ledger=_ledger(rubric, review, card),
        statement=build_statement(rubric, review, card, shown, impacts, facts, reason),
        unverified_labels=unverified_labels(rubric, slots),
    )


def _by_population(
    rubric: Rubric, review: Review, shown: dict[str, Slot], impacts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Benefits and burdens by priority population, from the impacts each one was named in."""
    spec = rubric.report.impacts
    pops_q = rubric.report.populations
    named: list[str] = []
    if pops_q and pops_q in shown and isinstance(shown[pops_q].value, list):
        named = list(shown[pops_q].value)
    labels = {p.id: p.label for p in rubric.populations}
    rows: dict[str, dict[str, Any]] = {
        pid: {"label": labels.get(pid, pid), "benefits": [], "burdens": []} for pid in named
    }
    unspecified: dict[str, Any] = {
        "label": _("Not tied to a named population"),
        "benefits": [],
        "burdens": [],
    }
    for entry in impacts:
        pops = entry["answers"].get(spec.populations, []) if spec and spec.populations else []
        targets = (
            [
                rows.setdefault(p, {"label": labels.get(p, p), "benefits": [], "burdens": []})
                for p in pops
            ]
            if isinstance(pops, list) and pops
            else [unspecified]
        )
        for row in targets:
            if entry["benefit"]:
                row["benefits"].append(entry["label"])
            if entry["burden"]:
                row["burdens"].append(entry["label"])
    result = list(rows.values())
    if unspecified["benefits"] or unspecified["burdens"]:
        result.append(unspecified)
    return result


def _mitigations(
    rubric: Rubric, review: Review, impacts: list[dict[str, Any]], narrative: Shown | None
) -> list[dict[str, Any]]:
    """Each burden with its mitigation and how firm it is."""
    spec = rubric.report.impacts
    out = []
    for entry in impacts:
        if not entry["burden"] or spec is None:
            continue
        text = entry["answers"].get(spec.mitigation or "", MISSING)
        out.append(
            {
                "determinant": entry["label"],
                "text": Shown.of(str(text), STATEMENT_LIMIT // 2) if is_answered(text) else None,
                "status": answer_label(rubric, entry, spec.mitigation_status, review.enabled),
            }
        )
    if narrative is not None:
        out.append({"determinant": "", "text": narrative, "status": ""})
    return out


def _sections(rubric: Rubric, review: Review, slots: list[Slot]) -> list[dict[str, Any]]:
    """Every section with every shown question and its answer; required blanks are gaps.

    An answer the report already shows whole elsewhere (the alignment lists in section 3; the
    template points to page 1 for what the statement shows whole) is a pointer here, so
    nothing is printed twice.
    """
    out = []
    enabled = review.enabled
    fields = rubric.report
    alignment = set(fields.alignment)
    for section in rubric.sections:
        rows: list[Row] = []
        item = None
        pointed = 0
        for slot in slots:
            if (
                slot.section.id != section.id
                or not slot.visible
                or isinstance(slot.question, RepeatQuestion)
            ):
                continue
            heading = None
            if slot.parent is not None and slot.item is not None and slot.item != item:
                heading = rubric.item_label(slot.parent, slot.item, enabled)
            item = slot.item
            lang = review.meta.lang.get(f"answers.{slot.path}")
            answer = answer_shown(rubric, slot.question, slot.value, enabled, lang)
            if slot.question.id == fields.amount and answer:
                answer = [Shown(money_text(answer[0].text, slot.value))]
            note = None
            if slot.answered and slot.path in alignment:
                note = _("Listed in section 3, “Alignment”: what it advances and what it does not.")
                pointed += 1
            rows.append(
                Row(
                    slot.question.prompt,
                    [] if note else answer,
                    gap=slot.question.required and not slot.answered,
                    heading=heading,
                    note=note,
                    path=slot.path,
                )
            )
        when = describe(section.when) if section.when else ""
        out.append(
            {
                "title": section.title,
                "phase": section.phase,
                "rows": [] if rows and pointed == len(rows) else rows,
                "pointer": _("Listed in section 3, “Alignment”.")
                if rows and pointed == len(rows)
                else "",
                "when": when,
            }
        )
    return out


def _ledger(rubric: Rubric, review: Review, card: Scorecard) -> list[dict[str, Any]]:
    """The ledger rows, each answer as `Shown`; a cut one says where it is whole."""
    rows = ledger_rows(rubric, review, card)
    for row in rows:
        shown = Shown.of(row.pop("answer_text"))
        cut = row.pop("cut")
        row["answer"] = Shown(shown.text + ledger_pointer(), shown.lang) if cut else shown
    return rows
