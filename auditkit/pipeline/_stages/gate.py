"""Stage ``gate``: judge ``scorecard.json`` against the run's policy and record the verdict.

Writes ``gate/verdict.json``, ``gate/junit.xml``, ``gate/gate.sarif`` and
``gate/summary.md``; binds the verdict to ``model/`` by hash and, when the run
signs (``report.sign_key``), checks the signature with that key's public half;
then puts the verdict into the scorecard's ``policy`` section and re-renders the HTML and
model card so the report shows it. The policy is ``config.policy`` (a preset
name or a YAML path), ``default`` when unset.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit._logging import get_logger
from auditkit.exceptions import AuditkitError
from auditkit.gate import GateOutputs, run_gate
from auditkit.gate._policy import PRESETS
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = ["STAGE"]

_log = get_logger(__name__)


def _policy(ctx: StageContext) -> str:
    return ctx.config.policy or "default"


def _inputs(ctx: StageContext) -> list[Path]:
    policy = _policy(ctx)
    return [] if policy in PRESETS else [Path(policy)]


def _attach_to_report(ctx: StageContext, verdict_json: dict[str, Any]) -> bool:
    """Put the verdict into scorecard.json and re-render; a failure here leaves the verdict files intact."""
    from auditkit.report import render_report
    from auditkit.scorecard import set_section

    try:
        set_section(ctx.path("scorecard.json"), "policy", verdict_json)
        render_report(ctx.run_dir, template_dir=ctx.config.report.template_dir)
    except AuditkitError as exc:
        _log.warning("gate verdict not added to the report: %s", type(exc).__name__)
        return False
    return True


def _verify_key(ctx: StageContext) -> Ed25519PublicKey | None:
    """The public half of ``report.sign_key``: a run that signs is verified with its own key."""
    from auditkit.scorecard import load_public_key

    spec = ctx.config.report.sign_key
    return load_public_key(spec) if spec is not None else None


def _run(ctx: StageContext) -> dict[str, Any]:
    scorecard = ctx.path("scorecard.json")
    if not scorecard.is_file():
        raise StageSkipped("scorecard.json not found: the report stage did not run")
    outputs = GateOutputs(
        junit=ctx.path("gate/junit.xml"),
        sarif=ctx.path("gate/gate.sarif"),
        markdown=ctx.path("gate/summary.md"),
        verdict_json=ctx.path("gate/verdict.json"),
    )
    model_dir = ctx.path("model") if ctx.path("model").is_dir() else None
    data_dir = ctx.path("data") if ctx.path("data").is_dir() else None
    verdict = run_gate(scorecard, _policy(ctx), outputs=outputs, model_dir=model_dir, data_dir=data_dir,
                       verify_key=_verify_key(ctx))
    reported = _attach_to_report(ctx, verdict.to_json())
    return {"status": verdict.status, "exit_code": verdict.exit_code, "policy": verdict.policy, "counts": verdict.counts(), "in_report": reported}


STAGE = Stage(
    name="gate",
    run=_run,
    config_sections=("policy",),
    outputs=("gate/verdict.json", "gate/junit.xml", "gate/gate.sarif", "gate/summary.md"),
    inputs=_inputs,
    after=("report",),
)
