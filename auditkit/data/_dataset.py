"""AuditDataset: one validated table of labelled texts with splits and sensitive attributes.

Whatever the source (one file with or without a split column, or one file per
split), the result has the canonical columns ``id``, ``text``, ``label``,
``split`` and one string column per sensitive attribute. Validation happens
here, once, and every message reports counts and row numbers, never values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditkit.config import DataConfig
from auditkit._unicode import has_lone_surrogate
from auditkit.data import _messages as msg
from auditkit.data._sensitive import check_sensitive_values
from auditkit.data._table import load_table
from auditkit.exceptions import DataError

__all__ = ["SPLITS", "AuditDataset", "load_dataset", "validate_frame"]

SPLITS = ("train", "validation", "test")
_SPLIT_ALIASES = {"train": "train", "training": "train", "validation": "validation", "val": "validation",
                  "valid": "validation", "dev": "validation", "test": "test", "testing": "test"}


@dataclass(frozen=True)
class AuditDataset:
    """A validated dataset with canonical columns ``id, text, label, split, <sensitive...>``.

    Attributes
    ----------
    frame:
        The rows; every column holds strings.
    labels:
        Ordered label names; a label's index is its class id.
    sensitive:
        Names of the sensitive-attribute columns.
    positive_label:
        The label treated as positive for binary rates (``None`` when not binary).
    """

    frame: pd.DataFrame
    labels: tuple[str, ...]
    sensitive: tuple[str, ...] = ()
    positive_label: str | None = None

    def __len__(self) -> int:
        return len(self.frame)

    def split(self, name: str) -> AuditDataset:
        """Rows of one split (``train``, ``validation`` or ``test``)."""
        part = self.frame[self.frame["split"] == name].reset_index(drop=True)
        return AuditDataset(part, self.labels, self.sensitive, self.positive_label)

    def with_frame(self, frame: pd.DataFrame) -> AuditDataset:
        """Same metadata over another frame (e.g. after scrubbing)."""
        return AuditDataset(frame.reset_index(drop=True), self.labels, self.sensitive, self.positive_label)

    @property
    def texts(self) -> list[str]:
        """The texts, in row order."""
        return self.frame["text"].tolist()

    @property
    def ids(self) -> list[str]:
        """The row ids, in row order."""
        return self.frame["id"].tolist()

    @property
    def label_ids(self) -> np.ndarray:
        """Integer class ids (index into :attr:`labels`)."""
        lookup = {name: i for i, name in enumerate(self.labels)}
        return self.frame["label"].map(lookup).to_numpy(dtype=np.int64)

    @property
    def positive_index(self) -> int:
        """Class id of the positive label (the last label when none is declared)."""
        return self.labels.index(self.positive_label) if self.positive_label else len(self.labels) - 1

    def groups(self, attr: str) -> np.ndarray:
        """Values of sensitive attribute ``attr`` as a string array."""
        if attr not in self.frame.columns:
            raise DataError(f"sensitive attribute {attr!r} is not a column of the dataset; known: {list(self.sensitive)}")
        return self.frame[attr].to_numpy(dtype=object).astype(str)

    @classmethod
    def from_records(cls, frame: pd.DataFrame, meta: dict[str, Any]) -> AuditDataset:
        """Rebuild from a prepared split file and the metadata saved beside it."""
        columns = ["id", "text", "label", "split", *meta.get("sensitive", [])]
        for column in columns:
            if column not in frame.columns:
                raise DataError(f"prepared data lacks column {column!r}; re-run the pipeline with --force")
        frame = frame[columns].astype(str)
        return cls(frame.reset_index(drop=True), tuple(meta["labels"]), tuple(meta.get("sensitive", [])), meta.get("positive_label"))

    def meta(self) -> dict[str, Any]:
        """JSON metadata to rebuild the dataset with :meth:`from_records`."""
        return {"labels": list(self.labels), "sensitive": list(self.sensitive), "positive_label": self.positive_label}


def _rows(mask: pd.Series, limit: int = 5) -> str:
    rows = [str(i + 2) for i in np.flatnonzero(mask.to_numpy())[:limit]]  # +2: header line, 1-based
    more = ", ..." if int(mask.sum()) > limit else ""
    return ", ".join(rows) + more


def _require_columns(frame: pd.DataFrame, cfg: DataConfig, file: str) -> None:
    wanted = [("data.text_column", cfg.text_column), ("data.label_column", cfg.label_column)]
    wanted += [("data.sensitive", s) for s in cfg.sensitive]
    for key, column in (("data.id_column", cfg.id_column), ("data.split_column", cfg.split_column)):
        if column is not None:
            wanted.append((key, column))
    for key, column in wanted:
        if column not in frame.columns:
            available = ", ".join(map(str, frame.columns[:20]))
            raise DataError(msg.MISSING_COLUMN.format(file=file, column=column, key=key, available=available))


def _is_blank_or_nonstring(values: pd.Series) -> pd.Series:
    return values.map(lambda v: not isinstance(v, str) or not v.strip())


def _is_missing(values: pd.Series) -> pd.Series:
    return values.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()))


def _check_unicode(frame: pd.DataFrame, columns: list[str | None]) -> None:
    for column in columns:
        if column is None:
            continue
        broken = int(frame[column].map(lambda v: isinstance(v, str) and has_lone_surrogate(v)).sum())
        if broken:
            raise DataError(msg.NOT_UNICODE.format(column=column, count=broken))


def validate_frame(frame: pd.DataFrame, cfg: DataConfig, *, file: str = "data") -> pd.DataFrame:
    """Check one raw table and return it in canonical columns (``split`` may be empty).

    Sensitive columns follow :mod:`auditkit.data._sensitive` (missing values, including the
    strings ``NaN``/``None``/``null`` and blanks, are refused; so are lone surrogates).
    """
    if len(frame) == 0:
        raise DataError(msg.EMPTY_DATASET.format(file=file))
    _require_columns(frame, cfg, file)
    _check_unicode(frame, [cfg.text_column, cfg.label_column, cfg.id_column])
    text = frame[cfg.text_column]
    bad = _is_blank_or_nonstring(text)
    if bad.any():
        raise DataError(msg.BAD_TEXT.format(column=cfg.text_column, count=int(bad.sum()), rows=_rows(bad)))
    label = frame[cfg.label_column]
    missing = _is_missing(label)
    if missing.any():
        raise DataError(msg.MISSING_LABEL.format(column=cfg.label_column, count=int(missing.sum()), rows=_rows(missing)))
    out = pd.DataFrame({"text": text.astype(str), "label": label.map(_label_str)})
    for attr in cfg.sensitive:
        check_sensitive_values(attr, frame[attr])
        out[attr] = frame[attr].map(_label_str)
    ids = frame[cfg.id_column].map(_label_str) if cfg.id_column else pd.Series([f"row-{i:06d}" for i in range(len(frame))])
    out.insert(0, "id", ids.to_numpy())
    out["split"] = _split_values(frame, cfg) if cfg.split_column else ""
    return out


def _label_str(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split_values(frame: pd.DataFrame, cfg: DataConfig) -> np.ndarray:
    raw = frame[cfg.split_column].map(lambda v: _SPLIT_ALIASES.get(str(v).strip().lower(), ""))
    bad = raw == ""
    if bad.any():
        raise DataError(msg.BAD_SPLIT_VALUE.format(column=cfg.split_column, count=int(bad.sum()), rows=_rows(bad)))
    return raw.to_numpy()


def _check_labels(frame: pd.DataFrame, cfg: DataConfig) -> tuple[str, ...]:
    if cfg.labels:
        labels = tuple(cfg.labels)
        unknown = ~frame["label"].isin(labels)
        if unknown.any():
            raise DataError(msg.UNKNOWN_LABEL.format(column=cfg.label_column, count=int(unknown.sum()),
                                                     labels=list(labels), rows=_rows(unknown)))
        return labels
    labels = tuple(sorted(frame["label"].unique()))
    if len(labels) < 2:
        raise DataError(msg.TOO_FEW_LABELS.format(column=cfg.label_column))
    return labels


def _assign_splits(frame: pd.DataFrame, cfg: DataConfig, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    split = np.empty(len(frame), dtype=object)
    for _, index in sorted(frame.groupby("label").indices.items()):
        order = rng.permutation(index)
        n_test = int(round(len(order) * cfg.split.test))
        n_val = int(round(len(order) * cfg.split.validation))
        split[order[:n_test]] = "test"
        split[order[n_test:n_test + n_val]] = "validation"
        split[order[n_test + n_val:]] = "train"
    frame = frame.copy()
    frame["split"] = split
    return frame


def _check_splits(frame: pd.DataFrame) -> None:
    for name in SPLITS:
        part = frame[frame["split"] == name]
        if len(part) == 0:
            raise DataError(msg.MISSING_SPLIT.format(split=name))
        if part["label"].nunique() < 2:
            raise DataError(msg.ONE_CLASS_SPLIT.format(split=name, n=len(part)))


def load_dataset(cfg: DataConfig, *, seed: int = 13) -> AuditDataset:
    """Load, validate and split the data described by ``cfg``.

    Raises
    ------
    DataError
        For a missing file or column, empty/non-string text, missing or unknown
        labels, a positive label that is not a label, missing sensitive values,
        a split with one class, undecodable bytes or duplicated ids.
    """
    if cfg.path is not None:
        frame = validate_frame(load_table(cfg.path), cfg, file=Path(cfg.path).name)
        if not cfg.split_column:
            frame = _assign_splits(frame, cfg, seed)
    else:
        parts = []
        for name in SPLITS:
            path = getattr(cfg, name)
            if path is None:
                raise DataError(f"data.train is set but data.{name} is not; give all three split files or use data.path")
            part = validate_frame(load_table(path), cfg.model_copy(update={"split_column": None}), file=Path(path).name)
            part["split"] = name
            if not cfg.id_column:
                part["id"] = [f"{name}-{i:06d}" for i in range(len(part))]
            parts.append(part)
        frame = pd.concat(parts, ignore_index=True)
    if cfg.max_rows is not None and len(frame) > cfg.max_rows:
        frame = frame.sample(n=cfg.max_rows, random_state=seed).sort_index()
    dupes = frame["id"].duplicated()
    if dupes.any():
        raise DataError(msg.DUPLICATE_IDS.format(column=cfg.id_column or "id", count=int(dupes.sum())))
    labels = _check_labels(frame, cfg)
    _check_splits(frame)
    if cfg.positive_label is not None and cfg.positive_label not in labels:
        raise DataError(msg.UNKNOWN_POSITIVE_LABEL.format(n=len(labels), column=cfg.label_column))
    positive = cfg.positive_label or (labels[-1] if len(labels) == 2 else None)
    ordered = frame[["id", "text", "label", "split", *cfg.sensitive]].reset_index(drop=True)
    return AuditDataset(ordered, labels, tuple(cfg.sensitive), positive)
