"""Fixtures for the explain tests: the tiny BERT loaded once, and short clinical-style texts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

TEXTS = [
    "she reports severe chest pain since yesterday",
    "he has mild cough and needs a routine refill",
    "mrs patient complains of headache and nausea",
    "mr patient denies fever , follow up in a week",
    "her mother reports sudden bleeding today",
    "his father has chronic dizziness for days",
]
GROUPS = {"gender": ["female", "male", "female", "male", "female", "male"]}
LABELS = ["urgent", "routine", "urgent", "routine", "urgent", "routine"]


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture
def tiny(tiny_model_dir: Path) -> tuple[Any, Any]:
    """A freshly loaded tiny BERT classifier and its tokenizer (CPU)."""
    from auditkit._model_io import load_classifier

    return load_classifier(tiny_model_dir)
