"""How long `esj-review --help` takes, next to `python -c "import typer"`.

Also checks that --help imports neither weasyprint nor questionary. Run: make bench
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15


def wall(args: list[str]) -> float:
    """Median wall time of a command over RUNS runs, in milliseconds."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def heavy_imports() -> list[str]:
    """Modules that `--help` should not load."""
    code = (
        "import sys\n"
        "sys.argv = ['esj-review', '--help']\n"
        "from esj_review.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "names = ('weasyprint', 'questionary', 'openpyxl', 'jinja2')\n"
        "print(','.join(m for m in names if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return [m for m in out.stderr.strip().split(",") if m]


def main() -> None:
    """Print the figures."""
    baseline = wall([sys.executable, "-c", "import typer"])
    helptime = wall([sys.executable, "-m", "esj_review", "--help"])
    loaded = heavy_imports()
    print(f'python -c "import typer":  {baseline:7.1f} ms (median of {RUNS})')
    print(f"esj-review --help:         {helptime:7.1f} ms (median of {RUNS})")
    print(f"heavy modules loaded by --help: {', '.join(loaded) or 'none'}")
    if loaded:
        sys.exit(1)


if __name__ == "__main__":
    main()
