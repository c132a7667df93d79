"""Message templates for data validation, kept in one place and tested exactly."""

from __future__ import annotations

MISSING_COLUMN = "{file}: column {column!r} not found (config key {key}); available columns: {available}"
EMPTY_DATASET = "{file}: no rows; expected at least one labelled example"
BAD_TEXT = (
    "text column {column!r} has {count} empty or non-string value(s) (rows {rows}); "
    "expected non-empty text in every row: drop or fill them"
)
MISSING_LABEL = "label column {column!r} has {count} missing value(s) (rows {rows}); label every row or drop it"
UNKNOWN_LABEL = (
    "label column {column!r} has {count} value(s) outside the declared labels {labels} (rows {rows}); "
    "fix the data or add the label to data.labels"
)
ONE_CLASS_SPLIT = "split {split!r} has only one label class ({n} rows); every split needs at least two classes"
MISSING_SENSITIVE = (
    "sensitive column {column!r} has {count} missing value(s) (empty, None, NaN or null); "
    "drop or impute them before auditing, or map them to an explicit group such as 'unknown'"
)
TOO_MANY_GROUPS = (
    "sensitive column {column!r} has {count} distinct values, more than max_groups={limit} (fairness.max_groups); "
    "a sensitive attribute should have a few groups. Check the column choice (is it an ID or free text?) "
    "or bin it (e.g. age into age bands)"
)
NOT_UNICODE = (
    "column {column!r} has {count} value(s) that are not valid Unicode (lone surrogate code points); "
    "re-encode the data as UTF-8 or remove those characters"
)
UNKNOWN_POSITIVE_LABEL = (
    "data.positive_label is not one of the {n} label values in column {column!r}; "
    "set it to one of them (or to one of data.labels)"
)
BAD_SPLIT_VALUE = (
    "split column {column!r} has {count} value(s) that are not train/validation/test (rows {rows}); "
    "use train, validation (or val/dev) and test"
)
DUPLICATE_IDS = "id column {column!r} has {count} duplicated id(s); ids must be unique"
TOO_FEW_LABELS = "label column {column!r} has fewer than two distinct values; a classifier needs at least two"
MISSING_SPLIT = "no {split!r} rows in the data; give a split column with train/validation/test rows or drop data.split_column"
