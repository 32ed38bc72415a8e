"""Commitments a rubric declares: which answers make a commitment (what, owner, due date,
status), and the commitment as it stands in one review.

A rubric names questions, never answers: `what: determinant_impacts.mitigation` reads the
mitigation of each determinant a review touches, one commitment per item. Finding them in a
review, and checking a rubric's declarations, is `core.due` (it needs the rubric and the
answers walk, which import this module's models).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, model_validator

from esj_review.core.conditions import Condition
from esj_review.core.qtypes.base import IdField

STATUSES = ("open", "in_progress", "done", "dropped")
"""The choice ids a status question may offer; an unanswered status is `open`."""
CLOSED = frozenset({"done", "dropped"})
"""Statuses that take a commitment off the list of open ones."""
STATUS_WORDS = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
"""A status in words when the rubric gives no label (an unanswered status is "Open")."""
PARTS = ("what", "owner", "due", "status")
"""The parts of a commitment a rubric names questions for."""


class CommitmentSpec(BaseModel):
    """Where a kind of commitment comes from: a question (or `repeat.question`, one commitment
    per repeat item) for each part. `label` is the kind of commitment as a reader sees it
    ("Mitigation"); without a `what` question it is the commitment's text too. A commitment
    exists when its `what` or its `due` is answered and shown, and `when` (tested like a
    question's, inside the repeat item) holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = IdField
    label: str
    what: str | None = None
    owner: str | None = None
    due: str | None = None  # a date question
    status: str | None = None  # a select question whose choice ids are among STATUSES
    when: Condition | None = None

    @model_validator(mode="after")
    def _something_to_list(self) -> CommitmentSpec:
        if self.what is None and self.due is None:
            raise ValueError("a commitment needs a `what` or a `due` question")
        return self

    def refs(self) -> dict[str, str]:
        """The parts this declaration names, `{"what": "determinant_impacts.mitigation"}`."""
        return {part: ref for part in PARTS if (ref := getattr(self, part)) is not None}

    def repeat(self) -> str | None:
        """The repeat question its per-item references go through (the first one named)."""
        return next((ref.split(".", 1)[0] for ref in self.refs().values() if "." in ref), None)


@dataclass(frozen=True)
class Commitment:
    """One commitment in one review: what, who, by when, and where it stands."""

    id: str  # the declaration's id, and the item's: `mitigation.county_practices`
    kind: str  # the declaration's label: "Mitigation"
    item: str  # the repeat item's label ("County practices"), "" for a review-wide one
    what: str
    owner: str  # "" when not named
    due: dt.date | None
    status: str  # one of STATUSES
    status_label: str  # in the rubric's words
    paths: dict[str, str] = field(default_factory=dict)  # part -> answer path it came from

    @property
    def is_open(self) -> bool:
        """Not done and not dropped."""
        return self.status not in CLOSED

    def overdue(self, today: dt.date) -> bool:
        """Open, and its date has passed."""
        return self.is_open and self.due is not None and self.due < today

    def title(self) -> str:
        """The kind, with the item when there is one: "Mitigation (County practices)"."""
        return f"{self.kind} ({self.item})" if self.item else self.kind
