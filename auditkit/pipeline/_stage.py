"""The stage contract: what the runner needs to know about each pipeline stage.

A stage is a small value: a name, the config sections and files it depends on,
the outputs it writes (relative to the run directory), and a ``run`` function.
The runner hashes the inputs into a key; when the key and the recorded output
hashes still match, the stage is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from auditkit.config import RunConfig

__all__ = ["Stage", "StageContext", "StageSkipped"]


class StageSkipped(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a stage's ``run`` when it has nothing to do (recorded as ``not_run`` with the reason).

    The runner then removes the stage's outputs, which can only be stale results of an
    earlier run; ``keep_outputs=True`` keeps them when the stage put valid ones in
    place without running (a model adopted from elsewhere).
    """

    def __init__(self, reason: str, *, keep_outputs: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.keep_outputs = keep_outputs


@dataclass
class StageContext:
    """Everything a stage may use: the config, the run folder, and the previous stages' results.

    ``in_memory`` hands values that must never be written (the identifiers the
    scrubber found) from one stage to a later one in the same process; a stage
    reading it must cope with its absence (the earlier stage was skipped).
    """

    config: RunConfig
    run_dir: Path
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    in_memory: dict[str, Any] = field(default_factory=dict, repr=False)
    progress: bool = True
    stage_key: str = ""
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("auditkit.pipeline"))

    def path(self, relative: str) -> Path:
        """Absolute path of ``relative`` inside the run directory."""
        return self.run_dir / relative


@dataclass(frozen=True)
class Stage:
    """One pipeline stage.

    Attributes
    ----------
    name:
        Stage name, also the manifest key (``scrub``, ``train``, ...).
    run:
        ``run(ctx) -> dict`` does the work, writes its outputs atomically and
        returns a JSON-serialisable summary (no raw data).
    config_sections:
        Top-level config sections whose values change the stage's result.
    outputs:
        Files or folders (relative to the run dir) the stage writes.
    inputs:
        Optional ``inputs(ctx) -> list[Path]`` of files outside earlier stages'
        outputs whose content changes the result (e.g. the raw data files).
    after:
        Earlier stages whose outputs this stage reads (their output hashes join the key).
    ranks:
        Under torchrun, ``"main"``: rank 0 runs the stage while the others wait;
        ``"all"``: every rank runs it (training with DDP, sharded attribution) and
        the stage itself lets rank 0 alone write.
    """

    name: str
    run: Callable[[StageContext], dict[str, Any]]
    config_sections: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    inputs: Callable[[StageContext], list[Path]] | None = None
    after: tuple[str, ...] = ()
    ranks: Literal["main", "all"] = "main"
