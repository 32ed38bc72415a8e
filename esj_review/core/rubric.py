"""Rubric models (frozen, extra fields forbidden), loading, and the shipped-rubric registry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from esj_review.core.conditions import Condition

TaxonomyName = Literal["determinants", "goal_areas", "strategies", "policy_areas", "populations"]
TAXONOMIES: tuple[TaxonomyName, ...] = (
    "determinants",
    "goal_areas",
    "strategies",
    "policy_areas",
    "populations",
)
QuestionType = Literal["text", "select", "multiselect", "scale", "number", "date", "bool", "repeat"]
CHOICE_TYPES = frozenset({"select", "multiselect", "scale"})


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


IdField = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)


class Source(_Frozen):
    """A citation: where a piece of the rubric comes from."""

    id: str = IdField
    title: str
    url: str | None = None
    note: str = ""


class TaxonomyItem(_Frozen):
    """A determinant, goal area, strategy, policy area or population."""

    id: str = IdField
    label: str
    description: str = ""
    source: str | None = None
    verified: bool = True  # False: widely cited wording not checked against the primary text
    optional: bool = False  # off unless a review enables it (e.g. digital equity)
    note: str = ""


class Choice(_Frozen):
    """One answer a select, multiselect or scale question offers, with its points."""

    id: str = IdField
    label: str
    points: float = Field(default=0, ge=0)
    description: str = ""


class ScoreRule(_Frozen):
    """How a question contributes to a component.

    select / scale: the chosen choice's points; multiselect: the sum of the chosen choices'
    points, capped at `max`; bool: `yes_points` or `no_points`; text, number, date:
    `answered_points` for an answer (text: at least `min_length` characters).
    """

    component: str
    max: float | None = Field(default=None, gt=0)
    yes_points: float = Field(default=0, ge=0)
    no_points: float = Field(default=0, ge=0)
    answered_points: float = Field(default=0, ge=0)
    min_length: int = Field(default=0, ge=0)


class Question(_Frozen):
    """A question; `repeat` asks its `questions` once for each value chosen in `over`."""

    id: str = IdField
    type: QuestionType
    prompt: str
    label: str = ""  # a short name for tables and the statement ("Fiscal year")
    help: str = ""
    required: bool = False
    when: Condition | None = None
    choices: list[Choice] = []
    choices_from: TaxonomyName | None = None
    choices_source: str | None = None
    multiline: bool = False
    min: float | None = None
    max: float | None = None
    integer: bool = False
    min_selected: int = Field(default=0, ge=0)
    max_length: int = Field(default=2_000_000, gt=0)
    example: str = ""
    over: str | None = None
    questions: list[Question] = []
    score: ScoreRule | None = None


class Section(_Frozen):
    """A section of the interview; for the default rubric, an EIR phase."""

    id: str = IdField
    title: str
    phase: str = ""
    verified: bool = True  # False: the phase wording is widely cited but not checked
    description: str = ""
    when: Condition | None = None
    questions: list[Question] = Field(min_length=1)


class Component(_Frozen):
    """A named part of the score with its weight."""

    id: str = IdField
    label: str
    weight: float = Field(gt=0)
    description: str = ""


class Band(_Frozen):
    """A rating band: scores from `min` (inclusive) to `max` (exclusive; 100 is in the top band)."""

    id: str = IdField
    label: str
    min: float = Field(ge=0, le=100)
    max: float = Field(ge=0, le=100)
    description: str = ""


class FlagRule(_Frozen):
    """A condition that raises a flag; flags override arithmetic by capping the band."""

    id: str = IdField
    severity: Literal["info", "warning", "critical"]
    message: str
    when: Condition
    for_each: str | None = None  # a repeat question: test `when` on each of its items
    cap: str | None = None  # a band id: the rating can be no better than this


class Scoring(_Frozen):
    """The rubric's scoring method."""

    method: str = ""
    components: list[Component] = Field(min_length=1)
    bands: list[Band] = Field(min_length=1)
    flags: list[FlagRule] = []


class ImpactFields(_Frozen):
    """Which questions of a repeat describe one impact, for the report's statement."""

    repeat: str
    direction: str
    benefit_values: list[str] = ["benefit", "mixed"]
    burden_values: list[str] = ["burden", "mixed"]
    benefit_size: str | None = None
    burden_size: str | None = None
    benefit_reach: str | None = None
    burden_bearers: str | None = None
    populations: str | None = None
    evidence: str | None = None
    mitigation: str | None = None
    mitigation_status: str | None = None


class ReportFields(_Frozen):
    """Which questions feed the one-page Equity Impact Statement (all optional)."""

    summary: str | None = None
    results: str | None = None
    facts: list[str] = []  # short answers shown under the title (amount, fiscal year, ...)
    amount: str | None = None  # the number question holding dollars, for portfolio totals
    populations: str | None = None
    benefits: str | None = None  # a narrative question, where impacts are not itemised
    burdens: str | None = None
    mitigation: str | None = None
    impacts: ImpactFields | None = None
    alignment: list[str] = []  # multiselect questions listed beside the determinants


class Rubric(_Frozen):
    """A whole rubric: identity, sources, taxonomies, sections and scoring."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: str
    publisher: str = ""
    description: str = ""
    disclaimer: str = ""
    # One sentence on whether the framework itself gives a number ("… assigns no number.").
    # Reports print it before the disclaimer; a view that goes on to say what the score is
    # drops its final full stop.
    score_note: str = ""
    sources: list[Source] = []
    proposal_kinds: list[Choice] = Field(min_length=1)
    determinants: list[TaxonomyItem] = []
    goal_areas: list[TaxonomyItem] = []
    strategies: list[TaxonomyItem] = []
    policy_areas: list[TaxonomyItem] = []
    populations: list[TaxonomyItem] = []
    sections: list[Section] = Field(min_length=1)
    scoring: Scoring
    report: ReportFields = ReportFields()

    _hash: str = PrivateAttr(default="")
    # Lookups the scoring and batch hot paths make thousands of times; the model is frozen.
    _questions: dict[str, Question] | None = PrivateAttr(default=None)
    _choices: dict[tuple[str, frozenset[str]], list[Choice]] = PrivateAttr(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """sha256 of the rubric's canonical JSON: formatting and comments do not change it."""
        if not self._hash:
            canonical = json.dumps(
                self.model_dump(mode="json", by_alias=True, exclude_defaults=True),
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            )
            self._hash = hashlib.sha256(canonical.encode()).hexdigest()
        return self._hash

    def taxonomy(self, name: TaxonomyName) -> list[TaxonomyItem]:
        """One of the five taxonomies by name."""
        items: list[TaxonomyItem] = getattr(self, name)
        return items

    def iter_questions(self) -> Iterator[tuple[Section, Question]]:
        """Every top-level question in interview order, with its section."""
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, qid: str) -> Question | None:
        """The top-level question with this id."""
        private = self.__pydantic_private__  # direct: pydantic's __getattr__ is slow here
        assert private is not None
        if private["_questions"] is None:
            private["_questions"] = {q.id: q for _, q in self.iter_questions()}
        found: Question | None = private["_questions"].get(qid)
        return found

    def choices_for(
        self, question: Question, enabled: frozenset[str] = frozenset()
    ) -> list[Choice]:
        """The choices a question offers; optional taxonomy items only when enabled.

        The list is shared (the rubric is frozen): callers must not change it.
        """
        if question.choices_from is None:
            return question.choices
        private = self.__pydantic_private__
        assert private is not None
        cache: dict[tuple[str, frozenset[str]], list[Choice]] = private["_choices"]
        key = (question.choices_from, enabled)
        if key not in cache:
            cache[key] = [
                Choice(id=item.id, label=item.label, description=item.description)
                for item in self.taxonomy(question.choices_from)
                if not item.optional or item.id in enabled
            ]
        return cache[key]

    def item_label(self, repeat: Question, item: str, enabled: frozenset[str]) -> str:
        """The label of one item of a repeat (a determinant's name, say)."""
        over = self.question(repeat.over or "")
        choices = self.choices_for(over, enabled) if over else []
        return next((c.label for c in choices if c.id == item), item)

    def optional_items(self) -> list[TaxonomyItem]:
        """Taxonomy items a review can switch on with `rubric.enable`."""
        return [item for name in TAXONOMIES for item in self.taxonomy(name) if item.optional]

    def band(self, band_id: str) -> Band:
        """The band with this id."""
        return next(b for b in self.scoring.bands if b.id == band_id)
