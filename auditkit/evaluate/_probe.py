"""Templated identity probes: the same sentence with every identity term in it.

Dixon et al. (2018) test a classifier on synthetic sentences built from
templates such as ``"I am {term}."`` (non-toxic) and ``"I hate {term} people."``
(toxic), filled with every identity term: since only the term changes, any
difference in false positives between terms is the model's doing. A template
file is a CSV with the columns ``phrase,label``: ``phrase`` holds the
placeholder ``{term}`` (replaced by the term's name, its adjective form), and
``label`` is one of the model's label names, or ``1``/``0`` for the positive
label and (binary models) the other one. ``identity_terms/templates.csv`` is the
built-in set (12 non-toxic, 10 toxic templates).

:func:`probe` scores the filled sentences and returns the identity-term
assessment of them (per term FPR, FNR and the Borkan AUCs with intervals, and
the headline figures), each sentence counting under the term it was filled with.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from auditkit.evaluate._identity_terms import TermAuditResult, assess_identity_terms
from auditkit.evaluate._lexicon import BUILTIN, IdentityLexicon
from auditkit.exceptions import FairnessError

__all__ = ["PLACEHOLDER", "Template", "expand_templates", "load_templates", "probe"]

PLACEHOLDER = "{term}"


@dataclass(frozen=True)
class Template:
    """One probe template: a phrase with ``{term}`` and its true label (as written in the file)."""

    phrase: str
    label: str


def _read(spec: str | os.PathLike[str]) -> tuple[str, str]:
    if str(spec) == BUILTIN:
        text = resources.files("auditkit.evaluate").joinpath("identity_terms", "templates.csv").read_text(encoding="utf-8")
        return text, "built-in templates"
    path = Path(spec)
    if not path.is_file():
        raise FairnessError(f"template file not found: '{path.name}'; pass '{BUILTIN}' or a CSV with columns phrase,label")
    try:
        return path.read_text(encoding="utf-8-sig"), path.name
    except UnicodeDecodeError:
        raise FairnessError(f"{path.name}: not UTF-8 text; save the templates as UTF-8 CSV") from None


def load_templates(spec: str | os.PathLike[str] = BUILTIN) -> list[Template]:
    """Read probe templates from ``"builtin"`` or a CSV file with the columns ``phrase,label``.

    Raises
    ------
    FairnessError
        A missing file, missing columns, an empty file, or a phrase without ``{term}``
        (the message gives the row number, never the phrase).
    """
    text, source = _read(spec)
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"phrase", "label"} <= set(reader.fieldnames):
        raise FairnessError(f"{source}: expected the columns phrase,label in the first line")
    out = []
    for row_number, row in enumerate(reader, start=2):
        phrase, label = (row.get("phrase") or "").strip(), (row.get("label") or "").strip()
        if PLACEHOLDER not in phrase:
            raise FairnessError(f"{source}: line {row_number} has no {PLACEHOLDER} placeholder; every phrase needs one")
        if not label:
            raise FairnessError(f"{source}: line {row_number} has no label; give a label name, 1 (positive) or 0")
        out.append(Template(phrase, label))
    if not out:
        raise FairnessError(f"{source}: no templates; add rows of phrase,label")
    return out


def _label_ids(templates: Sequence[Template], labels: Sequence[str], positive: str) -> np.ndarray:
    names = [str(x) for x in labels]
    other = [x for x in names if x != positive]
    lookup = {name: i for i, name in enumerate(names)}
    lookup.setdefault("1", names.index(positive))
    if len(names) == 2:
        lookup.setdefault("0", names.index(other[0]))
    unknown = sorted({t.label for t in templates if t.label not in lookup})
    if unknown:
        raise FairnessError(
            f"{len(unknown)} template label(s) are not labels of the model; use one of its {len(names)} label names"
            + (" or 1/0" if len(names) == 2 else " or 1 for the positive label")
        )
    return np.array([lookup[t.label] for t in templates], dtype=np.int64)


def expand_templates(templates: Sequence[Template], lexicon: IdentityLexicon) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Fill every template with every term.

    Returns
    -------
    tuple
        The phrases (term-major order), the index of the template behind each
        phrase, and the boolean ``(phrases, terms)`` membership (one term per phrase).
    """
    phrases, template_index, term_index = [], [], []
    for t, term in enumerate(lexicon.names):
        for i, template in enumerate(templates):
            phrases.append(template.phrase.replace(PLACEHOLDER, term))
            template_index.append(i)
            term_index.append(t)
    membership = np.zeros((len(phrases), len(lexicon.names)), dtype=bool)
    membership[np.arange(len(phrases)), term_index] = True
    return phrases, np.asarray(template_index, dtype=np.int64), membership


def probe(
    predict_fn: Callable[[list[str]], np.ndarray],
    templates: Sequence[Template],
    lexicon: IdentityLexicon,
    *,
    labels: Sequence[str],
    positive_label: str | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> TermAuditResult:
    """Score every template filled with every term and assess the terms.

    Parameters
    ----------
    predict_fn:
        ``predict_fn(texts) -> (n, len(labels))`` class probabilities.
    templates, lexicon:
        What to fill and with which terms (:func:`load_templates`, :func:`~auditkit.evaluate.load_lexicon`).
    labels, positive_label:
        The model's label names in class-id order; the positive (e.g. toxic) label,
        by default ``labels[1]`` of a binary model.
    n_boot, confidence, seed:
        Bootstrap settings for the AUC intervals (rates have Wilson intervals).

    Returns
    -------
    TermAuditResult
        Every term is a subgroup of ``len(templates)`` phrases; none is flagged as small.
    """
    if positive_label is None:
        if len(labels) != 2:
            raise FairnessError("a multiclass model needs positive_label for probing; pass one of its labels")
        positive_label = str(labels[1])
    y_true = _label_ids(templates, labels, positive_label)
    phrases, template_index, membership = expand_templates(templates, lexicon)
    scores = np.asarray(predict_fn(phrases), dtype=np.float64)
    return assess_identity_terms(
        y_true[template_index], scores.argmax(axis=1), scores, membership=membership, terms=lexicon.names,
        labels=labels, positive_label=positive_label, min_group_size=1, n_boot=n_boot, confidence=confidence,
        seed=seed, columns=("template",),
    )
