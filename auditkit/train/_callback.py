"""``AuditCallback``: group fairness metrics inside any ``transformers.Trainer`` run, from the Trainer's own predictions.

The callback never runs the model itself. Its :meth:`AuditCallback.compute_metrics`
goes to the Trainer as ``compute_metrics`` (or :meth:`AuditCallback.attach` puts it
there, chaining any function already set): the evaluation loop hands it the logits
and labels it computed, and the callback adds group metrics from
:func:`auditkit.evaluate.assess` (``eval_fair/<attribute>/<metric>``) to the
evaluation metrics. The Trainer logs those itself, so ``metric_for_best_model``,
early stopping and whatever reporter the user chose (TensorBoard, MLflow, W&B) see
them. At the end of training it writes one ``scorecard.json`` into
``args.output_dir`` from the last evaluation's predictions (the best step's with
``load_best_model_at_end``); :meth:`AuditCallback.write_scorecard` rewrites that same
file with the saved model's hashes. It never turns on a reporting integration by
itself and never logs a text.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from auditkit._io import atomic_write_json
from auditkit._logging import get_logger
from auditkit.exceptions import DataError

__all__ = ["AuditCallback"]

_log = get_logger(__name__)
_GROUP_METRICS = ("tpr", "selection_rate")
_PRIVACY_NOT_RUN = ("AuditCallback writes no text (its scorecard holds group metrics only) and does not scrub or "
                    "sweep the Trainer's data and checkpoints; audit them with auditkit run or auditkit audit")
NOT_WIRED = ("AuditCallback computes group metrics from the Trainer's own predictions, but the Trainer's "
             "compute_metrics is not the callback's; pass compute_metrics=audit.compute_metrics to the Trainer "
             "(chain yours with AuditCallback(compute_metrics=...)) or call audit.attach(trainer)")
ROWS_DIFFER = ("AuditCallback has {n} audit rows but the Trainer evaluated {got}; give the callback the rows of the "
               "Trainer's eval_dataset, in the same order")
LABELS_DIFFER = ("AuditCallback: {bad} of {n} labels differ from the labels of the Trainer's eval_dataset; give the "
                 "callback the eval_dataset's rows in the same order")


def _columns(data: Any, names: Sequence[str], optional: Sequence[str] = ()) -> dict[str, list[Any]]:
    """Pull columns out of an AuditDataset, a DataFrame, a datasets.Dataset or a mapping of lists."""
    frame = getattr(data, "frame", None)
    source = frame if frame is not None else data
    out: dict[str, list[Any]] = {}
    for name in [*names, *optional]:
        try:
            column = source[name]
        except (KeyError, TypeError, IndexError):
            if name in optional:
                continue
            raise DataError(f"audit data has no column {name!r}; pass labels=, groups= or name the columns") from None
        out[name] = column.tolist() if hasattr(column, "tolist") else list(column)
    return out


def _numpy(value: Any) -> np.ndarray:
    if isinstance(value, (tuple, list)) and value and not np.isscalar(value[0]):
        value = value[0]  # (logits, hidden states, ...) -> logits
    if hasattr(value, "detach"):
        value = value.detach().float().cpu().numpy()
    return np.asarray(value)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _model_label_names(model: Any) -> list[str] | None:
    id2label = getattr(getattr(model, "config", None), "id2label", None) or {}
    return [str(id2label[i]) for i in sorted(id2label, key=int)] if id2label else None


class AuditCallback(TrainerCallback):
    """Adds group fairness metrics to every evaluation, from the Trainer's predictions, and writes a scorecard at the end.

    Wire it with ``Trainer(..., compute_metrics=audit.compute_metrics, callbacks=[audit])``
    or ``audit.attach(trainer)``. The audit rows are the rows of the Trainer's
    ``eval_dataset``, in the same order (the evaluation loop does not shuffle); the callback
    checks the count and, when it has labels, that they agree with the Trainer's.

    Parameters
    ----------
    eval_data:
        The eval rows' sensitive attributes (and labels): an :class:`~auditkit.data.AuditDataset`,
        a pandas DataFrame, a ``datasets.Dataset`` or a mapping of columns. Alternatively pass
        ``groups`` (and ``labels``).
    sensitive:
        Sensitive attribute column(s) to assess.
    labels, groups:
        The audit rows given directly; ``groups`` maps each attribute to one value per row.
        ``labels`` (names or class ids) only cross-check the row order.
    label_column:
        Label column in ``eval_data`` (used when present).
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
    compute_metrics:
        Your own ``compute_metrics``; its metrics are returned alongside the callback's.
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
        labels: Sequence[Any] | None = None,
        groups: Mapping[str, Sequence[Any]] | None = None,
        label_column: str = "label",
        positive_label: str | None = None,
        prefix: str = "eval_fair",
        min_group_size: int = 30,
        n_boot: int = 0,
        scorecard_n_boot: int = 500,
        compute_metrics: Callable[..., Mapping[str, float]] | None = None,
        write_scorecard: bool = True,
        seed: int = 0,
    ) -> None:
        self.sensitive = (sensitive,) if isinstance(sensitive, str) else tuple(sensitive)
        if eval_data is not None:
            cols = _columns(eval_data, self.sensitive, optional=[label_column])
            labels = cols.get(label_column, labels)
            groups = {a: cols[a] for a in self.sensitive}
        if groups is None:
            raise DataError("AuditCallback needs eval_data, or groups= (and labels=); none were given")
        self.groups = {str(a): [str(v) for v in values] for a, values in groups.items()}
        self.labels = list(labels) if labels is not None else None
        self._check_lengths()
        self.positive_label = positive_label
        self.prefix = prefix
        self.min_group_size = min_group_size
        self.n_boot = n_boot
        self.scorecard_n_boot = scorecard_n_boot
        self.user_compute_metrics = compute_metrics
        self.write_scorecard_at_end = write_scorecard
        self.seed = seed
        self.last_metrics: dict[str, float] = {}
        self.predictions: dict[int, Any] = {}
        """Global step -> :class:`~auditkit.evaluate.Predictions` of each evaluation (the Trainer's own)."""
        self.scorecard_path: Path | None = None
        """The scorecard written at the end of training (``write_scorecard()`` rewrites it by default)."""
        self._label_names: list[str] | None = None
        self._pending: Any = None
        self._batches: list[tuple[np.ndarray, np.ndarray]] = []

    def __repr__(self) -> str:
        return (f"AuditCallback(sensitive={list(self.sensitive)!r}, n_rows={len(self)}, prefix={self.prefix!r}, "
                f"min_group_size={self.min_group_size}, n_boot={self.n_boot})")

    def __len__(self) -> int:
        return len(next(iter(self.groups.values()), []))

    def _check_lengths(self) -> None:
        missing = [a for a in self.sensitive if a not in self.groups]
        if missing:
            raise DataError(f"AuditCallback: groups lacks sensitive attribute(s) {missing}; add them or change sensitive=")
        n = len(self.groups[self.sensitive[0]])
        if n == 0:
            raise DataError("AuditCallback got an empty audit set; pass at least one row per group")
        for attr, values in self.groups.items():
            if len(values) != n:
                raise DataError(f"AuditCallback: sensitive attribute {attr!r} has {len(values)} values for {n} rows")
        if self.labels is not None and len(self.labels) != n:
            raise DataError(f"AuditCallback: {n} rows but {len(self.labels)} labels; give one label per row")

    def attach(self, trainer: Any) -> Any:
        """Make ``trainer`` hand its predictions to this callback (chaining its ``compute_metrics``) and register it."""
        current = getattr(trainer, "compute_metrics", None)
        if current is not None and current != self.compute_metrics and self.user_compute_metrics is None:
            self.user_compute_metrics = current
        trainer.compute_metrics = self.compute_metrics
        if self not in trainer.callback_handler.callbacks:
            trainer.add_callback(self)
        self._label_names = self._label_names or _model_label_names(getattr(trainer, "model", None))
        return trainer

    def compute_metrics(self, eval_pred: Any, compute_result: bool | None = None) -> dict[str, float]:
        """The Trainer's ``compute_metrics``: group metrics from the evaluation loop's logits and labels.

        Also supports ``batch_eval_metrics`` (batches are gathered until ``compute_result``).
        """
        base: Mapping[str, float] = {}
        if self.user_compute_metrics is not None:
            base = (self.user_compute_metrics(eval_pred) if compute_result is None
                    else self.user_compute_metrics(eval_pred, compute_result=compute_result)) or {}
        logits, label_ids = _numpy(eval_pred.predictions), _numpy(eval_pred.label_ids)
        if compute_result is not None:
            self._batches.append((logits, label_ids))
            if not compute_result:
                return dict(base)
            logits = np.concatenate([b[0] for b in self._batches])
            label_ids = np.concatenate([b[1] for b in self._batches])
            self._batches = []
        self._pending = self._predictions(logits, label_ids)
        self.last_metrics = self._flatten(self._assess(self._pending, self.n_boot))
        return {**base, **self.last_metrics}

    def _names(self, n_classes: int) -> list[str]:
        if self._label_names is not None and len(self._label_names) == n_classes:
            return self._label_names
        if self.labels is not None and all(isinstance(v, str) for v in self.labels):
            names = sorted({str(v) for v in self.labels})
            if len(names) == n_classes:
                return names
        return [str(i) for i in range(n_classes)]

    def _predictions(self, logits: np.ndarray, label_ids: np.ndarray) -> Any:
        from auditkit.evaluate import Predictions

        n = len(self)
        if logits.ndim != 2 or len(logits) != n:
            raise DataError(ROWS_DIFFER.format(n=n, got=len(logits)))
        names = self._names(logits.shape[1])
        y_true = label_ids.astype(np.int64).reshape(-1)
        if self.labels is not None:
            lookup = {name: i for i, name in enumerate(names)}
            mine = np.asarray([int(v) if isinstance(v, (int, np.integer)) else lookup.get(str(v), -1) for v in self.labels])
            bad = int((mine != y_true).sum())
            if bad:
                raise DataError(LABELS_DIFFER.format(bad=bad, n=n))
        scores = _softmax(logits.astype(np.float64))
        return Predictions(
            ids=np.asarray([f"audit-{i:06d}" for i in range(n)]), y_true=y_true, y_pred=scores.argmax(axis=1).astype(np.int64),
            scores=scores, labels=names, groups={a: np.asarray(self.groups[a], dtype=object) for a in self.sensitive},
            positive_label=self.positive_label or (names[1] if len(names) == 2 else None),
        )

    def _assess(self, preds: Any, n_boot: int) -> Any:
        from auditkit.evaluate import assess

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

    def on_init_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, model: Any = None,
                    **kwargs: Any) -> None:
        """Remember the model's label names (``id2label``) for the predictions."""
        self._label_names = _model_label_names(model) or self._label_names

    def on_evaluate(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
                    metrics: dict[str, float] | None = None, **kwargs: Any) -> None:
        """Keep this evaluation's predictions (the Trainer already logged the group metrics it got from us)."""
        if self._pending is None:
            raise DataError(NOT_WIRED)
        self.predictions[state.global_step] = self._pending
        self._pending = None
        _log.info("fairness metrics at step %d: %d values", state.global_step, len(self.last_metrics))

    def on_train_end(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any) -> None:
        """Write ``scorecard.json`` into ``args.output_dir`` (main process only) from the final evaluation."""
        if not self.write_scorecard_at_end or not state.is_world_process_zero:
            return
        step = state.best_global_step if args.load_best_model_at_end else None
        if not self.predictions:
            _log.info("no evaluation ran; no scorecard written")
            return
        self.scorecard_path = self.write_scorecard(Path(args.output_dir) / "scorecard.json", step=step)

    def write_scorecard(self, path: str | os.PathLike[str] | None = None, *, model_dir: str | os.PathLike[str] | None = None,
                        step: int | None = None) -> Path:
        """Write the scorecard of one evaluation's predictions (default: the last) to ``path``.

        ``path`` defaults to the scorecard written at the end of training, so adding the saved
        model's file hashes (``model_dir``, which ``auditkit gate --model-dir`` checks) rewrites
        that one file; nothing is predicted again.
        """
        from auditkit.evaluate import performance
        from auditkit.report import assemble_scorecard
        from auditkit.report._identity import model_identity
        from auditkit.scorecard import write_scorecard

        if not self.predictions:
            raise DataError("AuditCallback has no predictions yet: the Trainer has not evaluated; set eval_strategy "
                            "or call trainer.evaluate()")
        step = step if step in self.predictions else max(self.predictions)
        target = Path(path) if path is not None else self.scorecard_path
        if target is None:
            raise DataError("AuditCallback.write_scorecard needs a path (no scorecard was written at the end of training)")
        preds = self.predictions[step]
        result = self._assess(preds, self.scorecard_n_boot)
        fairness = {"status": "ok", "attributes": result.to_scorecard(), "declared": sorted(self.sensitive),
                    "min_group_size": self.min_group_size}
        config = {"source": "AuditCallback", "sensitive": list(self.sensitive), "n_examples": len(preds),
                  "min_group_size": self.min_group_size, "n_boot": self.scorecard_n_boot, "evaluated_at_step": step}
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
        return write_scorecard(doc, target)
