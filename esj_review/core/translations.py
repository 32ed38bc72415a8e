"""Rubric translations: a rubric's labels, prompts, help and band texts in another language,
one file per language beside the rubric. (Interface first; the loader comes next.)"""

from __future__ import annotations

from esj_review.core.rubric import Rubric


def translated(rubric: Rubric, lang: str) -> Rubric:
    """The rubric with its texts in `lang` where a translation has them, English elsewhere
    (the rubric itself for English or a language with no translation file)."""
    return rubric
