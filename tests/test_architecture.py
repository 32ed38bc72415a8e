"""The package's shape: no import circles, arrows only point down, no module too long."""

from __future__ import annotations

from bench import import_graph


def test_no_import_cycles() -> None:
    assert import_graph.cycles(import_graph.graph()) == []


def test_imports_point_down_only() -> None:
    """core imports nothing else of the package; interview and batch never import each other."""
    assert import_graph.layer_violations(import_graph.graph()) == []


def test_the_layer_check_catches_an_upward_import() -> None:
    edges = {"esj_review.core.scoring": {"esj_review.report.render"}}
    assert import_graph.layer_violations(edges) == [
        "esj_review.core.scoring -> esj_review.report.render"
    ]
    edges = {"esj_review.batch.run": {"esj_review.interview.flow"}}
    assert import_graph.layer_violations(edges) == [
        "esj_review.batch.run -> esj_review.interview.flow"
    ]


def test_the_cycle_finder_finds_a_deferred_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_graph.cycles(edges) == [["a", "b", "c"]]


def test_no_module_is_too_long() -> None:
    assert import_graph.long_modules() == []
