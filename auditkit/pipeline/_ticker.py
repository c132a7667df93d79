"""A one-line elapsed-time ticker for a running stage, on a terminal only.

Stages that take minutes (explain, fairness bootstraps, privacy) have no bar of
their own; the runner shows ``[5/8] explain 00:42`` under the status line while
one runs. It is a tqdm bar, so it shares tqdm's line positions with the bars a
stage draws itself (scrubbing, training). Whether it runs is the caller's
``progress`` setting, which defaults to "stderr is a terminal" (the CLI and
:func:`~auditkit.pipeline.run_pipeline` resolve it), so a CI log gets no carriage
returns unless progress was asked for explicitly.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

__all__ = ["stage_ticker"]


@contextlib.contextmanager
def stage_ticker(label: str, *, enabled: bool, interval: float = 1.0) -> Iterator[None]:
    """Redraw ``label`` and the elapsed time every ``interval`` seconds while inside, when ``enabled``."""
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the slim core has no tqdm; nothing long runs there
        enabled = False
    if not enabled:
        yield
        return
    bar = tqdm(desc=label, bar_format="{desc} {elapsed}", file=sys.stderr, leave=False)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(interval):
            bar.refresh()

    thread = threading.Thread(target=tick, name="auditkit-ticker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        bar.close()
