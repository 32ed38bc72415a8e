"""esj-review: equity impact reviews scored against a rubric that is data.

The library API, for people who script it::

    import esj_review

    rubric = esj_review.load_rubric("king-county-esj")
    review = esj_review.load_review(Path("review.yaml"))
    card = esj_review.score(rubric, review)
    pdf = esj_review.render_report(rubric, review, "pdf")

The names load on first use, so `import esj_review` (and `esj-review --help`) stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from esj_review._version import __version__

if TYPE_CHECKING:
    from esj_review.batch.run import run_batch
    from esj_review.core.review import load_review
    from esj_review.core.rubrics import load_rubric
    from esj_review.core.scoring import score
    from esj_review.report.render import render_report

_API = {
    "load_rubric": "esj_review.core.rubrics",
    "load_review": "esj_review.core.review",
    "score": "esj_review.core.scoring",
    "render_report": "esj_review.report.render",
    "run_batch": "esj_review.batch.run",
}

__all__ = ["__version__", "load_review", "load_rubric", "render_report", "run_batch", "score"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'esj_review' has no attribute {name!r}")
