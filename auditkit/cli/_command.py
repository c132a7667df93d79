"""The command class every ``auditkit`` subcommand uses, so help pages share one look.

Arguments show as upper-case placeholders (``CONFIG``, ``RUN_DIR``; ``[OUT_DIR]`` when
optional) in the usage line, the help table and error messages; on/off flags show no
type label (typer would print ``<bool>``).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

__all__ = ["AuditkitCommand", "AuditkitGroup", "tidy_params"]


def tidy_params(params: list[Any]) -> list[Any]:
    """Give arguments an upper-case metavar and flags an empty one (no ``<bool>``); returns ``params``."""
    for param in params:
        if isinstance(param, TyperArgument) and param.metavar is None and param.name:
            param.metavar = param.name.upper()
        elif isinstance(param, TyperOption) and (param.is_flag or getattr(param, "count", False)):
            param.metavar = ""
    return params


class AuditkitCommand(TyperCommand):
    """A typer command with upper-case argument placeholders and no ``<bool>`` labels."""

    def get_params(self, ctx: Any) -> list[Any]:
        return tidy_params(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = str(param.metavar)
                name = name if param.required else f"[{name}]"
                pieces.append(name + ("..." if param.nargs != 1 else ""))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class AuditkitGroup(TyperGroup):
    """The root ``auditkit`` group: its own flags (``--version``, ``--quiet``, ``--help``) without ``<bool>`` labels."""

    def get_params(self, ctx: Any) -> list[Any]:
        return tidy_params(super().get_params(ctx))
