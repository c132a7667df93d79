"""Canary seeding for the ``prepare`` stage (``privacy.canaries: true``).

Plants canaries into the raw splits before scrubbing and keeps their values in
a 0600 sibling file outside the run directory (see :func:`auditkit.privacy.canary_file_for`).
"""

from __future__ import annotations

from auditkit.data import AuditDataset
from auditkit.pipeline._stage import StageContext
from auditkit.privacy import canary_file_for, save_canaries, seed_canaries

__all__ = ["seed_run_canaries"]


def seed_run_canaries(ctx: StageContext, dataset: AuditDataset) -> AuditDataset:
    """Return ``dataset`` with canaries appended to a few texts of each split; save the canary file."""
    frame, canaries = seed_canaries(
        dataset.frame, seed=ctx.config.seed, per_split=ctx.config.privacy.canaries_per_split
    )
    save_canaries(canaries, canary_file_for(ctx.run_dir))
    ctx.logger.info("seeded %d canaries (values kept outside the run directory)", len(canaries))
    return dataset.with_frame(frame)
