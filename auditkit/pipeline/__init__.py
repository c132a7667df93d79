"""The pipeline: runs the stages in order into a run folder with a manifest; nothing else."""

from auditkit.pipeline._runner import AUDIT_STAGES, STAGE_ORDER, RunSummary, load_stages, run_pipeline
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped

__all__ = ["AUDIT_STAGES", "STAGE_ORDER", "RunSummary", "Stage", "StageContext", "StageSkipped", "load_stages", "run_pipeline"]
