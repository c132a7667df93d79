"""The scorecard's compute section types each stage's precision record."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from auditkit.scorecard._sections import ComputeSection

RECORD = {"matmul_dtype": "bf16", "linear_calls": {"bf16": 56}, "autocast": {"bf16": 56},
          "attention": {"eager": 8}, "devices": ["cpu"]}


def _compute(precision: Any) -> dict[str, Any]:
    return {"status": "ok", "stages": {"train": {"seconds": 1.5, "status": "ok", "precision": precision},
                                       "report": {"seconds": 0.1, "status": "ok"}}}


def test_a_precision_record_round_trips_and_a_stage_without_one_gains_no_field() -> None:
    section = ComputeSection.model_validate(_compute(RECORD))
    dumped = section.model_dump(mode="json")
    assert dumped["stages"]["train"]["precision"] == RECORD
    assert "precision" not in dumped["stages"]["report"]
    assert "stages" not in ComputeSection.model_validate({"status": "not_run", "reason": "x"}).model_dump(mode="json")


@pytest.mark.parametrize("bad", [{**RECORD, "linear_calls": {"bf16": "many"}}, {**RECORD, "dtype": "bf16"},
                                 {k: v for k, v in RECORD.items() if k != "matmul_dtype"}])
def test_a_malformed_precision_record_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ComputeSection.model_validate(_compute(bad))
