"""Blank reviews: a commented YAML review, and the header row of a batch sheet."""

from __future__ import annotations

import csv
import io

from esj_review.core.columns import sheet_columns as sheet_columns  # the sheet's one source
from esj_review.core.conditions import describe
from esj_review.core.qtypes import kind_of
from esj_review.core.qtypes.repeat import RepeatQuestion
from esj_review.core.review import REVIEW_FORMAT
from esj_review.core.rubric import Question, Rubric


def _describe_question(rubric: Rubric, q: Question, indent: str) -> list[str]:
    need = "required" if q.required else "optional"
    lines = [f"{indent}# {q.prompt}", f"{indent}#   {q.type}, {need}"]
    if q.when:
        lines.append(f"{indent}#   shown when {describe(q.when)}")
    lines += [f"{indent}#   {hint}" for hint in kind_of(q).hints(rubric, q, rubric.every_item())]
    return lines


def yaml_template(rubric: Rubric) -> str:
    """A blank review: every question present as a comment, ready to uncomment and fill in."""
    kinds = ", ".join(c.id for c in rubric.proposal_kinds)
    optional = ", ".join(i.id for i in rubric.optional_items())
    out = [
        f"# A blank review for: {rubric.title} (rubric {rubric.id} {rubric.version}).",
        "# Uncomment an answer and fill it in; `esj-review validate FILE` checks it,",
        "# `esj-review score FILE` scores it. Lines starting with # are ignored.",
        f"format: {REVIEW_FORMAT}",
        "rubric:",
        f"  id: {rubric.id}",
        f"  version: {rubric.version}",
    ]
    if optional:
        out.append(f"  enable: []  # optional items you may switch on: {optional}")
    out += [
        "proposal:",
        "  id: CHANGE-ME-001  # short id used in file names and page headers",
        '  title: "Title of the proposal"',
        f"  kind:  # one of: {kinds}",
        "  department:",
        "answers:",
    ]
    for section in rubric.sections:
        out += ["", f"  # ---- {section.title} ----"]
        for q in section.questions:
            out += _describe_question(rubric, q, "  ")
            if isinstance(q, RepeatQuestion):
                out.append(f"  # {q.id}:  # one entry per choice made in {q.over}")
                out.append("  #   <choice id>:")
                for sub in q.questions:
                    out += _describe_question(rubric, sub, "  #     ")
                    out.append(f"  #     {sub.id}: {kind_of(sub).example}")
            else:
                out.append(f"  # {q.id}: {kind_of(q).example}".rstrip())
    return "\n".join(out) + "\n"


def csv_template(rubric: Rubric) -> str:
    """The header row of a batch sheet as CSV."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(sheet_columns(rubric))
    return buffer.getvalue()
