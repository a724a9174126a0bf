"""The command's one way to fail: one line ``Error: ...`` on standard error, never a traceback.

Exit code 2 for usage errors (a bad argument or option, as click has it), 1 for
everything else. Our own errors, and the operating system's (a path that cannot
be read or written), say what was wrong; an error nobody expected says what it
is and that ``--debug`` shows its traceback.
"""

from __future__ import annotations

import math
import sys
from typing import Any, NoReturn

import click

from semiont_jobs.domain.errors import SemiontJobsError, shorten

MESSAGE_LIMIT = 500


class OneLineErrors(click.Group):
    """A command group whose every failure, in any subcommand, ends it with one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise  # click shows the first three, and ends quietly when the reader of our output left
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(describe(exc)) from exc

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        for stream in (sys.stdout, sys.stderr):
            # An argument that was no UTF-8 holds lone surrogates; shown as \udcff, in JSON as its escape.
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = f" (see {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
            fail(exc.format_message() + where, exc.exit_code)
        except click.ClickException as exc:
            fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            fail("interrupted", 1)
        sys.exit(code if isinstance(code, int) else 0)


def describe(exc: BaseException) -> str:
    """What went wrong, in a sentence naming it."""
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    if isinstance(exc, SemiontJobsError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        paths = " -> ".join(str(path) for path in (exc.filename, exc.filename2) if path is not None)
        return f"{exc.strerror}: {paths}" if paths else exc.strerror
    if isinstance(exc, MemoryError):
        return "out of memory"
    return f"unexpected {type(exc).__name__}: {exc} (run again with --debug to see where)"


def fail(message: str, code: int) -> NoReturn:
    """End the command with ``Error: message`` (on one line, cut to a readable length) and ``code``."""
    click.echo(f"Error: {shorten(' '.join(message.split()), MESSAGE_LIMIT)}", err=True)
    sys.exit(code)


class FiniteFloat(click.FloatRange):
    """A float option that must be a finite number (within ``min`` and ``max`` when given)."""

    name = "finite float"

    def _describe_range(self) -> str:
        if self.min is None and self.max is None:
            return "finite"
        return super()._describe_range()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def not_empty(_ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """A click callback refusing an empty string (``--data-dir ''`` would mean the current directory)."""
    if value is not None and str(value) == "":
        raise click.BadParameter("must not be empty", param=param)
    return value
