"""What every command shares: the app, error handling, --version/--debug, output and loading."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandFunctionType

from esj_review._version import __version__
from esj_review.core.errors import EsjError, ExitCode, Problem, UsageError
from esj_review.core.i18n import N_
from esj_review.core.i18n import ui as _

if TYPE_CHECKING:
    from esj_review.core.review import Review
    from esj_review.core.rubric import Rubric

EXISTS = N_("%(path)s: already exists; use --force to replace it")
"""Why a command will not write over a file (translate with `_` where it is said)."""

HELP = """Equity impact reviews scored against a rubric, with every point explained.

A rubric is data; the default is king-county-esj (see: esj-review rubric list). The score is
always this tool's method; each report says whether the rubric's framework gives a number."""


# `esj-review --help` lists the commands in the order an analyst uses them; a command not named
# here (a new one) comes after these, in the order it was registered.
COMMAND_ORDER = (
    "new",
    "resume",
    "edit",
    "validate",
    "migrate",
    "score",
    "diff",
    "report",
    "sign",
    "verify",
    "due",
    "batch",
    "template",
    "extract",
    "demo",
    "doctor",
    "rubric",
)


class _Group(TyperGroup):
    """Turns expected failures into one clear message and a documented exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(self.commands)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except EsjError as exc:
            if ctx.params.get("debug"):
                raise
            quiet = exc.exit_code == ExitCode.INTERRUPTED  # "Interrupted: ..." says it all
            for line in message_lines(exc.message):
                typer.echo(line if quiet else error_line(line), err=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            typer.echo(_("interrupted"), err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (OSError, MemoryError, RecursionError) as exc:
            # A failure no library call turned into an EsjError: still one line, never a
            # traceback. A closed stdout (`| head`) is click's to handle quietly.
            if ctx.params.get("debug") or getattr(exc, "errno", None) == errno.EPIPE:
                raise
            typer.echo(error_line(system_failure(exc)), err=True)
            raise typer.Exit(int(ExitCode.PROBLEMS)) from None


def error_line(message: str) -> str:
    """`error: message`, the way the command line starts a line that says what failed."""
    return _("error: %(message)s") % {"message": message}


def message_lines(message: str) -> list[str]:
    """A message's own lines (ValidationFailed gives one per problem), each for a terminal
    (`terminal_line`). Only a line feed ends a line: any other break inside a line is shown."""
    return [terminal_line(line) for line in message.rstrip("\n").split("\n")]


def terminal_line(text: str) -> str:
    """One line as a terminal should show it: every control character (a carriage return, an
    escape, a bell), bidi control or other hidden character, and the Unicode line and paragraph
    separators, shown as `[U+XXXX]`, so that nothing in a message can move the cursor, colour
    the screen or start a line that looks like another message."""
    from esj_review.core.text import is_hidden

    return "".join(
        f"[U+{ord(ch):04X}]" if is_hidden(ch) or ch in "\u2028\u2029" else ch for ch in text
    )


def system_failure(exc: BaseException) -> str:
    """One line for an OS failure: `path: reason in words`."""
    if isinstance(exc, MemoryError):
        return _("not enough memory to finish")
    if isinstance(exc, RecursionError):
        return _("the input is nested too deeply to process")
    from esj_review.core.text import one_line

    assert isinstance(exc, OSError)
    reason = one_line(exc.strerror or str(exc) or type(exc).__name__)
    if exc.filename is None:
        return reason
    where = f"{exc.filename} -> {exc.filename2}" if exc.filename2 is not None else exc.filename
    return f"{one_line(where, 400)}: {reason}"


def argument_name(param: Any) -> str:
    """An argument as the README writes it: its metavar, else its name in capitals, and `...`
    when it takes several."""
    name: str = param.metavar or (param.name or "").upper()
    return name + ("..." if param.nargs != 1 else "")


def _arguments(command: TyperCommand, ctx: Any) -> list[Any]:
    return [p for p in command.get_params(ctx) if p.param_type_name == "argument"]


class _Command(TyperCommand):
    """Usage lines as the README writes them (`REVIEW`, `[OUTPUT]`, `INPUT...`), not typer's
    `{review}`, and the arguments listed by the same names."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in _arguments(self, ctx):
            name = argument_name(param)
            pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [(argument_name(p), p.help or "") for p in _arguments(self, ctx)]
        options = [
            record
            for p in self.get_params(ctx)
            if p.param_type_name == "option" and (record := p.get_help_record(ctx)) is not None
        ]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)


class _App(typer.Typer):
    """A Typer whose commands use `_Command` unless they name another class."""

    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        kwargs["cls"] = kwargs.get("cls") or _Command
        return super().command(*args, **kwargs)


app = _App(
    cls=_Group,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rubric_app = _App(
    help="List, show, check and document rubrics.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(rubric_app, name="rubric")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"esj-review {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Equity impact reviews with a transparent, explainable score."""


def write_out(text: str, output: Path | None, *inputs: Path) -> None:
    """Write a result to a file (atomically; never over one of `inputs`) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from esj_review.core.files import atomic_write

    refuse_overwriting(output, *inputs)
    atomic_write(output, text)
    typer.echo(_("wrote %(path)s") % {"path": output}, err=True)


def refuse_overwriting(output: Path, *inputs: Path) -> None:
    """UsageError (exit 2) if `output` is one of the files the command reads: the same path,
    or the same file by another name (a link). A missing input is left to the reading."""
    for source in inputs:
        if not os.path.exists(source):
            continue
        try:
            same = os.path.samefile(output, source)
        except OSError:  # one of them does not exist (yet): compare where they would be
            same = os.path.realpath(output) == os.path.realpath(source)
        if same:
            if str(output) == str(source):
                message = _(
                    "%(output)s: is the input; refusing to write over it "
                    "(name another file with -o)"
                )
            else:
                message = _(
                    "%(output)s: is the input %(input)s; refusing to write over it "
                    "(name another file with -o)"
                )
            raise UsageError(message % {"output": output, "input": source})


def rubric_file(ref: str | None) -> tuple[Path, ...]:
    """The rubric a command reads, when `ref` names a file rather than a shipped rubric."""
    return (Path(ref),) if ref and Path(ref).is_file() else ()


def load_checked(path: Path, rubric_ref: str | None = None) -> tuple[Review, Rubric, list[Problem]]:
    """Load a review and its rubric; raise on errors, return warnings (core.checks does it;
    imported here when a command runs, so that --help stays quick)."""
    from esj_review.core.checks import load_checked as load

    return load(path, path, rubric_ref)


def choices(name: str, values: Iterable[str]) -> type[StrEnum]:
    """An enum of `values`, for an option whose choices come from a registry: typer lists
    them in --help and refuses anything else with the same message as for a written enum."""
    functional: Any = StrEnum  # StrEnum(name, members) makes a class; mypy sees an instance
    return cast(type[StrEnum], functional(name, [(v, v) for v in values]))


class PdfVariant(StrEnum):
    archival = "archival"
    accessible = "accessible"
    plain = "plain"


RubricOption = Annotated[
    str | None,
    typer.Option(
        "--rubric", metavar="FILE", help="Rubric file to use instead of the one the review names."
    ),
]
