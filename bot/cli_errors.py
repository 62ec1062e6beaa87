"""What `sangkien` says when a command cannot do its work: one line on stderr and a non-zero exit.

Whatever an operator can cause or fix is said that way, never as a traceback: a misused option, a refused
value (OperatorError), a bad setting, a file or folder that is not there, a database that cannot be reached,
is not a database or is not migrated yet. A traceback is left to what no operator can fix: a bug.
"""

from __future__ import annotations

import json
import re
import sys

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from typer.core import TyperGroup

from bot.channels.common import StartFailed
from storage import problems

PROG = "sangkien"


class OperatorError(Exception):
    """A refusal, said as it is after the command's name; raised inside a transaction, it also rolls it back."""


class Commands(TyperGroup):
    """The root command: every known failure of any subcommand becomes one line here, not in each command."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args, PROG, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as error:  # a misused command: typer would draw its usage and a box
            if type(error).__name__ == "NoArgsIsHelpError":  # the help is shown already
                code = 2
            else:
                code = _say(self, args, f"{error.format_message()} (see --help)", error.exit_code)
        except Exception as error:
            line = explain(error)
            if line is None:
                raise
            code = _say(self, args, line, 1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _say(group: TyperGroup, args: list[str], line: str, code: int) -> int:
    """`sangkien campaign create: <line>` on stderr."""
    words, command = [PROG], group
    for arg in args:
        if arg not in getattr(command, "commands", {}):
            break
        words.append(arg)
        command = command.commands[arg]
    typer.echo(f"{' '.join(words)}: {line}", err=True)
    return code


def explain(error: BaseException) -> str | None:
    """The one line for a failure an operator can fix, or None for a bug."""
    from bot.hearing.engines import NotAvailable

    if isinstance(error, (OperatorError, StartFailed, NotAvailable)):
        return str(error)
    if isinstance(error, ValidationError) and error.title == "Settings":
        return "; ".join(_setting_problem(e) for e in error.errors(include_input=False))
    if isinstance(error, SettingsError):  # a setting that must be JSON (a list, BOTS) is not
        return _unparsed_setting(error)
    from bot.settings import get_settings  # valid by now: a bad setting is the ValidationError above

    said = problems.explain(error, get_settings().database_url)
    if said is None and isinstance(error, OSError) and error.filename is not None:
        return f"cannot use {error.filename}: {error.strerror}"
    return said


def _setting_problem(error: dict) -> str:
    """NAME: what is wrong; a rule across settings (loc empty) names its settings itself."""
    said = error["msg"].removeprefix("Value error, ")
    where = ".".join(map(str, error["loc"])).upper()
    return f"{where}: {said}" if where else said


def _unparsed_setting(error: SettingsError) -> str:
    found = re.search(r'field "(\w+)"', str(error))
    name = found.group(1).upper() if found else "a setting"
    cause = error.__cause__
    why = f" ({cause})" if isinstance(cause, json.JSONDecodeError) else ""
    example = '[{"name": "hn", "token": "…", "unit": "LDLD-HN"}]' if name == "BOTS" else '["A", "B"]'
    return f"{name} is not valid JSON{why}: write a JSON list, e.g. {example}"
