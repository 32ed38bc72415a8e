"""Rubric models: frozen, unknown fields refused. Questions are a discriminated union over the
registered question types (`esj_review.core.qtypes`), so the exported JSON Schema holds each
type's own fields."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from esj_review.core import qtypes
from esj_review.core.commitments import CommitmentSpec
from esj_review.core.conditions import Condition
from esj_review.core.qtypes.base import Choice, IdField, QuestionBase
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.qtypes.select import TAXONOMIES, ChoiceQuestion, TaxonomyName


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def version_key(version: str) -> tuple[int, ...]:
    """`2.10.0` after `2.9.0`: versions compared as numbers."""
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


class Source(_Frozen):
    """A citation: where a piece of the rubric comes from."""

    id: str = IdField
    title: str
    publisher: str = ""  # who issued the primary document (a council, an office)
    year: int | None = None  # when it was issued or adopted
    url: str | None = None  # the primary document's own address, never a copy elsewhere
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
    quoted_from: str | None = None  # a source id: the description is quoted from it


def _question_union() -> Any:
    """Any registered question type, told apart by its `type` field."""
    return Annotated[Union[qtypes.models()], Field(discriminator="type")]  # noqa: UP007


if TYPE_CHECKING:
    Question = QuestionBase
else:
    Question = _question_union()


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


class ValueMap(_Frozen):
    """Numbers for the answers of one question: `values` maps a choice id (or `yes`/`no`) to a
    number; any other answer gives `answered` (when set), and no answer gives `otherwise`."""

    question: str
    values: dict[str, float] = {}
    answered: float | None = None
    otherwise: float = 0.0


class Effect(_Frozen):
    """One kind of benefit or burden: when it applies, how large it is, and how much of it
    reaches (or falls on) priority populations. For a burden, `mitigation` factors (each from 0
    to 1, multiplied) give the share of it that is removed."""

    id: str = IdField
    label: str
    when: Condition
    size: ValueMap | float
    weight: ValueMap | float = 1.0
    mitigation: list[ValueMap] = []
    per_item: bool = True  # evaluated for each item of the impact repeat, or once per review


class Adjustment(_Frozen):
    """An answer the rest of the review does not support is scored as `value` instead, and
    flagged (an engagement level claimed without engagement before the decision, say)."""

    id: str = IdField
    question: str
    value: str
    when: Condition
    severity: Literal["info", "warning", "critical"] = "warning"
    message: str


class ImpactModel(_Frozen):
    """Impact decides the score: benefits reaching priority populations minus the burdens on
    them that mitigation leaves, mapped to 0-100 with no impact at 50."""

    repeat: str | None = None  # a repeat whose items (determinants, say) each carry effects
    benefits: list[Effect] = Field(min_length=1)
    burdens: list[Effect] = Field(min_length=1)
    benefit_factors: list[ValueMap] = []  # multiply every benefit (funding in place, ...)
    scale: float = Field(default=4.0, gt=0)  # the net impact that scores 75


class ConfidenceLevel(_Frozen):
    """A confidence level: from `min` percent of the process and evidence points; `cap` is
    the best band a review with this confidence can reach."""

    id: str = IdField
    label: str
    min: float = Field(ge=0, le=100)
    cap: str | None = None
    description: str = ""


class Scoring(_Frozen):
    """The rubric's scoring method: `weighted` (the score is the weighted average of the
    components) or `impact` (impact gives the score and the band; the components give the
    confidence, which may cap the band)."""

    model: Literal["weighted", "impact"] = "weighted"
    method: str = ""
    components: list[Component] = Field(min_length=1)
    bands: list[Band] = Field(min_length=1)
    flags: list[FlagRule] = []
    impact: ImpactModel | None = None
    confidence: list[ConfidenceLevel] = []  # best first
    adjustments: list[Adjustment] = []


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
    example: str | None = None  # a bundled review (under examples/) for the worked example


class Migration(_Frozen):
    """How answers move to this rubric version from the one before it (`from`): questions
    renamed (old id -> new id), choices mapped (new question id -> {old choice: new choice}),
    questions removed (old ids; their answers are set aside, never lost)."""

    from_version: str = Field(alias="from", pattern=r"^\d+\.\d+\.\d+$")
    rename: dict[str, str] = {}
    choices: dict[str, dict[str, str]] = {}
    remove: list[str] = []


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
    migrations: list[Migration] = []  # how a review under an earlier version moves to this one
    commitments: list[CommitmentSpec] = []  # which answers make commitments (owner, due date)

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
        self, question: QuestionBase, enabled: frozenset[str] = frozenset()
    ) -> list[Choice]:
        """The choices a question offers; optional taxonomy items only when enabled; [] for a
        question that is not a choice question.

        The list is shared (the rubric is frozen): callers must not change it.
        """
        if not isinstance(question, ChoiceQuestion):
            return []
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

    def item_label(self, repeat: RepeatQuestion, item: str, enabled: frozenset[str]) -> str:
        """The label of one item of a repeat (a determinant's name, say)."""
        over = self.question(repeat.over)
        choices = self.choices_for(over, enabled) if over else []
        return next((c.label for c in choices if c.id == item), item)

    def every_item(self) -> frozenset[str]:
        """Every optional taxonomy item, as if a review had switched them all on."""
        return frozenset(item.id for item in self.optional_items())

    def optional_items(self) -> list[TaxonomyItem]:
        """Taxonomy items a review can switch on with `rubric.enable`."""
        return [item for name in TAXONOMIES for item in self.taxonomy(name) if item.optional]

    def band(self, band_id: str) -> Band:
        """The band with this id."""
        return next(b for b in self.scoring.bands if b.id == band_id)


def _rebuild_models() -> None:
    """Let questions (and a repeat's questions) be of every registered type."""
    union = _question_union()
    for model in (RepeatQuestion, Section):
        model.__pydantic_fields__["questions"].annotation = list[union]  # type: ignore[valid-type]
        model.model_rebuild(force=True)
    Rubric.model_rebuild(force=True)


if not TYPE_CHECKING:
    _rebuild_models()
    qtypes.on_change(_rebuild_models)

__all__ = [
    "TAXONOMIES",
    "Adjustment",
    "Band",
    "Choice",
    "CommitmentSpec",
    "Component",
    "ConfidenceLevel",
    "Effect",
    "FlagRule",
    "ImpactModel",
    "Question",
    "Rubric",
    "Section",
    "Source",
    "TaxonomyItem",
    "TaxonomyName",
    "ValueMap",
]
