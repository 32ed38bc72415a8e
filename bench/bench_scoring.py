"""Scoring speed: 1,000 reviews on one core. The target is under one second.

Reviews are the four examples, each varied in its answers so that no result is cached.
Run: make bench
"""

from __future__ import annotations

import copy
import itertools
import time
from pathlib import Path

import yaml

from esj_review.core.review import Review, parse_review
from esj_review.core.rubrics import load_rubric
from esj_review.core.scoring import score

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COUNT = 1000


def make_reviews() -> list[Review]:
    """COUNT reviews: the examples with varied engagement levels and fiscal years."""
    bases = [yaml.safe_load(p.read_text()) for p in sorted(EXAMPLES.glob("*.yaml"))]
    levels = ["inform", "consult", "involve", "collaborate", "defer"]
    reviews = []
    combos = itertools.cycle(itertools.product(bases, levels))
    for i, (base, level) in zip(range(COUNT), combos, strict=False):
        data = copy.deepcopy(base)
        data["answers"]["engagement_level"] = level
        data["answers"]["fiscal_year"] = 2020 + i % 50
        data["proposal"]["id"] = f"P-{i}"
        reviews.append(parse_review(data, f"review-{i}.yaml"))
    return reviews


def main() -> None:
    """Print the figure: best of five runs over the same 1,000 reviews."""
    rubric = load_rubric("king-county-esj")
    reviews = make_reviews()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for review in reviews:
            score(rubric, review)
        best = min(best, time.perf_counter() - start)
    per = best / len(reviews) * 1e6
    print(f"scored {len(reviews)} reviews in {best:.3f} s (best of 5; {per:.0f} us per review)")


if __name__ == "__main__":
    main()
