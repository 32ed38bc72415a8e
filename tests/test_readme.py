"""The README's Python examples run as written, and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from esj_review.cli import app
from esj_review.core import qtypes
from esj_review.core.review import parse_review
from esj_review.core.rubrics import parse_rubric
from esj_review.core.scoring import score

README = Path(__file__).resolve().parent.parent / "README.md"
TEXT = README.read_text(encoding="utf-8")


def python_block(after_heading: str) -> str:
    """The first ```python block after a heading."""
    section = TEXT.split(after_heading, 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, after_heading
    return match.group(1)


def run(code: str, scope: dict[str, object]) -> None:
    """Run an example as its own module would (not with this file's __future__ imports)."""
    exec(compile(code, str(README), "exec", dont_inherit=True), scope)


def test_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(README.parent)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    scope: dict[str, object] = {}
    run(python_block("## Using it as a library"), scope)
    assert isinstance(scope["pdf"], bytes) and scope["pdf"][:5] == b"%PDF-"


def test_new_question_type_example_registers_a_working_type() -> None:
    scope: dict[str, object] = {"__name__": "my_types"}
    try:
        run(python_block("### A new question type"), scope)
        rubric = parse_rubric(
            {
                "id": "toy",
                "version": "1.0.0",
                "title": "Toy",
                "proposal_kinds": [{"id": "program", "label": "Program"}],
                "sections": [
                    {
                        "id": "s",
                        "title": "S",
                        "questions": [
                            {
                                "id": "share",
                                "type": "percent",
                                "prompt": "Share reached?",
                                "score": {"component": "c", "answered_points": 2},
                            }
                        ],
                    }
                ],
                "scoring": {
                    "components": [{"id": "c", "label": "C", "weight": 1}],
                    "bands": [{"id": "all", "label": "All", "min": 0, "max": 100}],
                },
            },
            "toy.yaml",
        )
        review = {
            "format": "esj-review/1",
            "rubric": {"id": "toy", "version": "1.0.0"},
            "proposal": {"id": "T", "title": "T"},
            "answers": {"share": 45},
        }
        assert score(rubric, parse_review(review, "r.yaml")).score == 100.0
    finally:
        qtypes.unregister("percent")


def test_every_command_is_documented_and_has_help() -> None:
    group = typer.main.get_group(app)
    names = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            names += [f"{name} {child}" for child in sub]
            assert all(c.help for c in sub.values()), name
        else:
            names.append(name)
            assert command.help, name
    missing = [n for n in names if f"`esj-review {n}" not in TEXT]
    assert missing == []
