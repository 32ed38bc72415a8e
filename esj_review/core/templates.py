"""Blank reviews: a commented YAML review, and the header row of a batch sheet."""

from __future__ import annotations

import csv
import io

from esj_review.core.columns import sheet_columns as sheet_columns  # the sheet's one source
from esj_review.core.conditions import describe
from esj_review.core.review import REVIEW_FORMAT
from esj_review.core.rubric import CHOICE_TYPES, Question, Rubric

_EXAMPLE = {
    "text": '""',
    "number": "0",
    "date": "2027-01-31",
    "bool": "true",
    "select": "",
    "scale": "",
    "multiselect": "[]",
}


def _describe_question(rubric: Rubric, q: Question, indent: str) -> list[str]:
    every = frozenset(i.id for i in rubric.optional_items())
    need = "required" if q.required else "optional"
    lines = [f"{indent}# {q.prompt}", f"{indent}#   {q.type}, {need}"]
    if q.when:
        lines.append(f"{indent}#   shown when {describe(q.when)}")
    if q.type in CHOICE_TYPES:
        ids = [c.id for c in rubric.choices_for(q, every)]
        lines.append(f"{indent}#   choices: {', '.join(ids)}")
    if q.type == "number" and (q.min is not None or q.max is not None):
        low = f"{q.min:g}" if q.min is not None else ""
        high = f"{q.max:g}" if q.max is not None else ""
        lines.append(f"{indent}#   range: {low}..{high}{', whole number' if q.integer else ''}")
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
            if q.type == "repeat":
                out.append(f"  # {q.id}:  # one entry per choice made in {q.over}")
                out.append("  #   <choice id>:")
                for sub in q.questions:
                    out += _describe_question(rubric, sub, "  #     ")
                    out.append(f"  #     {sub.id}: {_EXAMPLE.get(sub.type, '')}")
            else:
                out.append(f"  # {q.id}: {_EXAMPLE.get(q.type, '')}".rstrip())
    return "\n".join(out) + "\n"


def csv_template(rubric: Rubric) -> str:
    """The header row of a batch sheet as CSV."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(sheet_columns(rubric))
    return buffer.getvalue()
