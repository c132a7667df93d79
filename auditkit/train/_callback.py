"""``AuditCallback``: group fairness metrics inside any ``transformers.Trainer`` run.

At each evaluation the callback predicts its own audit set (texts, labels and a
sensitive attribute) with the model being trained, computes group metrics with
:func:`auditkit.evaluate.assess`, and adds them to the evaluation metrics
(``eval_fair/<attribute>/<metric>``) and to the Trainer's log stream, so
``metric_for_best_model``, early stopping and whatever reporter the user chose
(TensorBoard, MLflow, W&B) see them. At the end of training it writes
``scorecard.json`` into ``args.output_dir``. It never turns on a reporting
integration by itself and never logs a text.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments
from transformers.trainer_callback import CallbackHandler

from auditkit._io import atomic_write_json
from auditkit._logging import get_logger
from auditkit.exceptions import DataError

__all__ = ["AuditCallback"]

_log = get_logger(__name__)
_GROUP_METRICS = ("tpr", "selection_rate")
_PRIVACY_NOT_RUN = ("AuditCallback writes no text (its scorecard holds group metrics only) and does not scrub or "
                    "sweep the Trainer's data and checkpoints; audit them with auditkit run or auditkit audit")


def _columns(data: Any, names: Sequence[str]) -> dict[str, list[Any]]:
    """Pull columns out of an AuditDataset, a DataFrame, a datasets.Dataset or a mapping of lists."""
    frame = getattr(data, "frame", None)
    source = frame if frame is not None else data
    out: dict[str, list[Any]] = {}
    for name in names:
        try:
            column = source[name]
        except (KeyError, TypeError, IndexError):
            raise DataError(f"audit data has no column {name!r}; pass texts=, labels=, groups= or name the columns") from None
        out[name] = column.tolist() if hasattr(column, "tolist") else list(column)
    return out


def _label_names(model: Any, labels: list[Any]) -> list[str]:
    id2label = getattr(getattr(model, "config", None), "id2label", None) or {}
    names = [str(id2label[i]) for i in sorted(id2label)] if id2label else []
    if names and all(isinstance(v, str) for v in labels):
        return names
    if names and all(isinstance(v, (int, np.integer)) for v in labels):
        return names
    return sorted({str(v) for v in labels})


class AuditCallback(TrainerCallback):
    """Adds group fairness metrics to every evaluation and writes a scorecard at the end.

    Parameters
    ----------
    eval_data:
        Rows to audit: an :class:`~auditkit.data.AuditDataset`, a pandas DataFrame, a
        ``datasets.Dataset`` or a mapping of columns. Alternatively pass ``texts``,
        ``labels`` and ``groups``.
    sensitive:
        Sensitive attribute column(s) to assess.
    texts, labels, groups:
        The audit set given directly; ``groups`` maps each attribute to one value per text.
    text_column, label_column:
        Column names in ``eval_data``.
    positive_label:
        Label treated as positive (default: the second label of a binary model).
    prefix:
        Metric name prefix; ``eval_fair`` gives ``eval_fair/gender/equal_opportunity_difference``.
    min_group_size:
        Groups smaller than this are shown but left out of gaps.
    n_boot:
        Bootstrap resamples at each evaluation (0: no intervals, fastest).
    scorecard_n_boot:
        Bootstrap resamples for the final scorecard's confidence intervals.
    batch_size, max_length:
        Prediction batch size and truncation length.
    write_scorecard:
        Write ``scorecard.json`` into ``args.output_dir`` when training ends.
    seed:
        Bootstrap seed.
    """

    def __init__(
        self,
        eval_data: Any = None,
        *,
        sensitive: str | Sequence[str] = "gender",
        texts: Sequence[str] | None = None,
        labels: Sequence[Any] | None = None,
        groups: Mapping[str, Sequence[Any]] | None = None,
        text_column: str = "text",
        label_column: str = "label",
        positive_label: str | None = None,
        prefix: str = "eval_fair",
        min_group_size: int = 30,
        n_boot: int = 0,
        scorecard_n_boot: int = 500,
        batch_size: int = 32,
        max_length: int = 128,
        write_scorecard: bool = True,
        seed: int = 0,
    ) -> None:
        self.sensitive = (sensitive,) if isinstance(sensitive, str) else tuple(sensitive)
        if eval_data is not None:
            cols = _columns(eval_data, [text_column, label_column, *self.sensitive])
            texts, labels = cols[text_column], cols[label_column]
            groups = {a: cols[a] for a in self.sensitive}
        if texts is None or labels is None or groups is None:
            raise DataError("AuditCallback needs eval_data, or texts=, labels= and groups=; none were given")
        self.texts = [str(t) for t in texts]
        self.labels = list(labels)
        self.groups = {str(a): [str(v) for v in values] for a, values in groups.items()}
        self._check_lengths()
        self.positive_label = positive_label
        self.prefix = prefix
        self.min_group_size = min_group_size
        self.n_boot = n_boot
        self.scorecard_n_boot = scorecard_n_boot
        self.batch_size = batch_size
        self.max_length = max_length
        self.write_scorecard_at_end = write_scorecard
        self.seed = seed
        self.last_metrics: dict[str, float] = {}

    def _check_lengths(self) -> None:
        n = len(self.texts)
        if n == 0:
            raise DataError("AuditCallback got an empty audit set; pass at least one row per group")
        if len(self.labels) != n:
            raise DataError(f"AuditCallback: {n} texts but {len(self.labels)} labels; give one label per text")
        for attr, values in self.groups.items():
            if len(values) != n:
                raise DataError(f"AuditCallback: sensitive attribute {attr!r} has {len(values)} values for {n} texts")
        missing = [a for a in self.sensitive if a not in self.groups]
        if missing:
            raise DataError(f"AuditCallback: groups lacks sensitive attribute(s) {missing}; add them or change sensitive=")

    def _predict(self, model: Any, tokenizer: Any) -> Any:
        import torch

        from auditkit.evaluate import Predictions, predict_scores

        if tokenizer is None:
            raise DataError("AuditCallback needs the tokenizer: pass processing_class=tokenizer to the Trainer")
        names = _label_names(model, self.labels)
        lookup = {name: i for i, name in enumerate(names)}
        raw = [names[int(v)] if isinstance(v, (int, np.integer)) else str(v) for v in self.labels]
        unknown = sum(1 for v in raw if v not in lookup)
        if unknown:
            raise DataError(
                f"AuditCallback: {unknown} label(s) are not among the model's {len(names)} labels ({', '.join(names)}); "
                "set id2label/label2id on the model config or pass integer class ids"
            )
        device = next(model.parameters()).device
        with torch.no_grad():
            scores = predict_scores(model, tokenizer, self.texts, batch_size=self.batch_size, max_length=self.max_length, device=str(device))
        positive = self.positive_label or (names[1] if len(names) == 2 else None)
        return Predictions(
            ids=np.asarray([f"audit-{i:06d}" for i in range(len(self.texts))]),
            y_true=np.asarray([lookup[v] for v in raw], dtype=np.int64),
            y_pred=scores.argmax(axis=1).astype(np.int64),
            scores=scores,
            labels=names,
            groups={a: np.asarray(self.groups[a], dtype=object) for a in self.sensitive},
            positive_label=positive,
        )

    def _assess(self, preds: Any, n_boot: int) -> Any:
        from auditkit.evaluate._fairness import assess  # TODO: use auditkit.evaluate.assess once it is re-exported

        return assess(
            preds.y_true, preds.y_pred, preds.scores,
            sensitive_features={a: preds.groups[a] for a in self.sensitive},
            labels=preds.labels, positive_label=preds.positive_label,
            min_group_size=self.min_group_size, n_boot=n_boot, seed=self.seed,
        )

    def _flatten(self, result: Any) -> dict[str, float]:
        flat: dict[str, float] = {}
        for attr, block in result.to_scorecard().items():
            key = attr.replace("/", "_")
            for name, leaf in block.items():
                if isinstance(leaf, dict) and leaf.get("value") is not None:
                    flat[f"{self.prefix}/{key}/{name}"] = float(leaf["value"])
            for group, values in block.get("groups", {}).items():
                for name in _GROUP_METRICS:
                    leaf = values.get(name)
                    if isinstance(leaf, dict) and leaf.get("value") is not None:
                        flat[f"{self.prefix}/{key}/{str(group).replace('/', '_')}/{name}"] = float(leaf["value"])
        return dict(sorted(flat.items()))

    def on_evaluate(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        model: Any = None,
        processing_class: Any = None,
        metrics: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        """Compute group metrics, merge them into ``metrics`` and send them to the Trainer's log stream."""
        if model is None:
            return
        fair = self._flatten(self._assess(self._predict(model, processing_class or kwargs.get("tokenizer")), self.n_boot))
        self.last_metrics = fair
        if metrics is not None:
            metrics.update(fair)
        state.log_history.append({**fair, "epoch": state.epoch, "step": state.global_step})
        handler = _calling_handler()
        if handler is not None:  # the Trainer logged eval metrics before on_evaluate; forward ours to every reporter
            handler.on_log(args, state, control, logs=dict(fair))
        _log.info("fairness metrics at step %d: %d values", state.global_step, len(fair))

    def on_train_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, model: Any = None,
                     processing_class: Any = None, **kwargs: Any) -> None:
        """Write ``scorecard.json`` into ``args.output_dir`` (main process only)."""
        if not self.write_scorecard_at_end or model is None or not state.is_world_process_zero:
            return
        self.write_scorecard(Path(args.output_dir) / "scorecard.json", model=model, tokenizer=processing_class or kwargs.get("tokenizer"))

    def write_scorecard(self, path: str | os.PathLike[str], *, model: Any, tokenizer: Any,
                        model_dir: str | os.PathLike[str] | None = None) -> Path:
        """Audit ``model`` on the audit set and write a validated scorecard to ``path``.

        Pass ``model_dir`` (the folder the model was saved to) to record its file hashes,
        so ``auditkit gate --model-dir`` can bind a release to the audited weights.
        """
        from auditkit.evaluate import performance
        from auditkit.report import assemble_scorecard
        from auditkit.scorecard import write_scorecard
        from auditkit.report._identity import model_identity

        preds = self._predict(model, tokenizer)
        result = self._assess(preds, self.scorecard_n_boot)
        fairness = {"status": "ok", "attributes": result.to_scorecard(), "declared": sorted(self.sensitive),
                    "min_group_size": self.min_group_size}
        config = {"source": "AuditCallback", "sensitive": list(self.sensitive), "n_examples": len(self.texts),
                  "min_group_size": self.min_group_size, "n_boot": self.scorecard_n_boot}
        with tempfile.TemporaryDirectory(prefix="auditkit-callback-") as tmp:
            atomic_write_json(Path(tmp) / "evaluation.json", {"status": "ok", "model": performance(preds).to_json()})
            atomic_write_json(Path(tmp) / "fairness.json", fairness)
            atomic_write_json(Path(tmp) / "config.json", config)
            atomic_write_json(Path(tmp) / "privacy.json", {"status": "not_run", "reason": _PRIVACY_NOT_RUN})
            doc = assemble_scorecard(tmp, now=datetime.now(timezone.utc))
        if model_dir is not None:
            doc["identity"] = {"status": "ok", "model": model_identity(Path(model_dir)), "data": {}}
        else:
            doc["identity"] = {"status": "not_run", "reason": "model not saved yet; call write_scorecard(model_dir=...) after saving"}
        return write_scorecard(doc, path)


def _calling_handler() -> CallbackHandler | None:
    """The Trainer's CallbackHandler that dispatched the current event, if it is on the call stack."""
    import sys

    frame = sys._getframe(2)  # _calling_handler <- on_evaluate <- CallbackHandler.call_event
    candidate = frame.f_locals.get("self") if frame is not None else None
    return candidate if isinstance(candidate, CallbackHandler) else None
