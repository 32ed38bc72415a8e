"""The mutation score per file from mutmut's results (`make mutate` runs this after mutmut).

Reads the `mutants/**/*.py.meta` files that `mutmut run` leaves and prints, per mutated file,
how many mutants were killed (a test failed or timed out), survived, or were not tested, and
the score: killed out of all mutants, so a mutant no selected test reaches counts as not
killed. `--survivors` lists the surviving mutants' names (show one with `mutmut show NAME`;
tests/EQUIVALENT_MUTANTS.md lists the ones no test can kill), `--untested` the ones no test
reached; `--fail-under N` exits 1 when the total score is below N percent.

    python bench/mutation_score.py [--root mutants] [--only esj_review/core] [--survivors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes: 1 and 3 (an error inside pytest) kill a mutant; timeouts count as killed,
# and so does 37 (caught by the type checker, when one is configured).
KILLED = {1, 3, 36, 37, 24, -24, 152, 255}
SURVIVED = {0}
NOT_TESTED = {None, 5, 33, 34}  # not run, no test reaches the code, skipped


def classify(code: int | None) -> str:
    """killed, survived, untested, or other (interrupted, suspicious, segfault)."""
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NOT_TESTED:
        return "untested"
    return "other"


def collect(root: Path, only: str = "") -> dict[str, dict[str, int | None]]:
    """{source file: {mutant name: exit code}} for every mutated file under `root`."""
    found: dict[str, dict[str, int | None]] = {}
    for meta in sorted(root.rglob("*.py.meta")):
        source = meta.relative_to(root).as_posix().removesuffix(".meta")
        if only and not source.startswith(only):
            continue
        codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
        if codes:
            found[source] = codes
    return found


def table(results: dict[str, dict[str, int | None]]) -> list[str]:
    """The score table: one line per file and a total line."""
    lines = [
        f"{'file':<36} {'killed':>7} {'survived':>9} {'untested':>9} {'total':>6} {'score':>7}"
    ]
    total: Counter[str] = Counter()
    for source, codes in results.items():
        counts = Counter(classify(c) for c in codes.values())
        total.update(counts)
        lines.append(_row(source, counts, len(codes)))
    lines.append(_row("TOTAL", total, sum(len(c) for c in results.values())))
    return lines


def _row(name: str, counts: Counter[str], n: int) -> str:
    score = f"{100 * counts['killed'] / n:.1f}%" if n else "-"
    return (
        f"{name:<36} {counts['killed']:>7} {counts['survived']:>9} {counts['untested']:>9} "
        f"{n:>6} {score:>7}"
    )


def score(results: dict[str, dict[str, int | None]]) -> float | None:
    """Killed out of all mutants (untested ones count as not killed), in percent."""
    counts = Counter(classify(c) for codes in results.values() for c in codes.values())
    total = sum(counts.values())
    return 100 * counts["killed"] / total if total else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("mutants"))
    parser.add_argument("--only", default="", help="only files under this path")
    parser.add_argument("--survivors", action="store_true", help="list surviving mutants")
    parser.add_argument("--untested", action="store_true", help="list mutants no test reached")
    parser.add_argument("--fail-under", type=float, default=None, metavar="PERCENT")
    args = parser.parse_args(argv)
    results = collect(args.root, args.only)
    if not results:
        print(f"no mutmut results under {args.root}/; run `mutmut run` (or `make mutate`) first")
        return 1
    print("\n".join(table(results)))
    listed = {"survived"} if args.survivors else set()
    listed |= {"untested"} if args.untested else set()
    for codes in results.values():
        for name, code in codes.items():
            if classify(code) in listed:
                print(f"{classify(code)}: {name}")
    total = score(results)
    if args.fail_under is not None and (total is None or total < args.fail_under):
        print(f"mutation score below {args.fail_under:g}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
