"""Shared fixtures: the shipped rubrics and example reviews."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from esj_review.core.review import Review, parse_review
from esj_review.core.rubric import Rubric
from esj_review.core.rubrics import load_rubric

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RUBRICS = ROOT / "rubrics"


@pytest.fixture(scope="session")
def kc() -> Rubric:
    return load_rubric("king-county-esj")


@pytest.fixture(scope="session")
def gare() -> Rubric:
    return load_rubric("gare-racial-equity")


@pytest.fixture(scope="session")
def transit_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / "reduced-fare-transit.yaml").read_text())
    return data


@pytest.fixture
def make_review(transit_data: dict[str, Any]) -> Callable[..., Review]:
    """A copy of the complete transit example, with answers changed as the test says."""

    def build(**answers: Any) -> Review:
        data = copy.deepcopy(transit_data)
        for key, value in answers.items():
            if value is None:
                data["answers"].pop(key, None)
            else:
                data["answers"][key] = value
        return parse_review(data, "test.yaml")

    return build


class _TTY:
    """Standard input as the interview sees it: a terminal (or, with `tty` False, not)."""

    def __init__(self, tty: bool = True) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """The interview checks for a terminal: pretend there is one; `terminal(False)` says there
    is none."""
    monkeypatch.setattr("sys.stdin", _TTY())
    return lambda tty: monkeypatch.setattr("sys.stdin", _TTY(tty))


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Type keys into the next questionary prompt (prompt_toolkit's pipe input; a terminal
    as far as the prompter's check goes)."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    monkeypatch.setattr("sys.stdin", _TTY())
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe.send_text
