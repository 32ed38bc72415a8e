"""`scale`: one step of an ordered scale (an engagement spectrum, say); scores like a select."""

from __future__ import annotations

from typing import Literal

from esj_review.core.qtypes.select import ChoiceQuestion, SelectKind


class ScaleQuestion(ChoiceQuestion):
    """One step of an ordered scale; `choices_source` cites where the steps come from."""

    type: Literal["scale"]


class ScaleKind(SelectKind):
    """An ordered scale: asked and scored like a select, documented as a scale."""

    name = "scale"
    model = ScaleQuestion
