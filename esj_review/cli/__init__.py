"""The `esj-review` command line: parse arguments, call the library, map errors to exit codes.

Each command group lives in its own module and registers itself on the shared `app` from
`common` when imported here, in the order `--help` lists them; no command module imports this
package back.
"""

from __future__ import annotations

import sys

from esj_review.cli.common import app
from esj_review.core.errors import ExitCode
from esj_review.core.i18n import ui as _

# isort: split
from esj_review.cli import due_cmd, migrate_cmd, review_cmds, sign_cmds

# isort: split
from esj_review.cli import interview_cmds

# isort: split
from esj_review.cli import report_cmds

# isort: split
from esj_review.cli import batch_cmds, rubric_cmds


def main() -> None:
    """Console-script entry point. A Ctrl-C before a command has taken charge of it (while
    the command line is read, say) ends quietly with the interrupted exit code."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write(_("interrupted") + "\n")
        raise SystemExit(int(ExitCode.INTERRUPTED)) from None


__all__ = [
    "app",
    "batch_cmds",
    "due_cmd",
    "interview_cmds",
    "main",
    "migrate_cmd",
    "report_cmds",
    "review_cmds",
    "rubric_cmds",
    "sign_cmds",
]
