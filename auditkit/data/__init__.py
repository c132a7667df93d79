"""Data loading and validation: CSV, JSONL and Parquet into one :class:`AuditDataset`."""

from auditkit.data._dataset import SPLITS, AuditDataset, load_dataset, validate_frame
from auditkit.data._sensitive import check_group_counts, check_sensitive_values, missing_mask
from auditkit.data._stream import TableWriter, iter_table, table_rows
from auditkit.data._table import SUPPORTED_SUFFIXES, load_table, save_table, table_format

__all__ = [
    "SPLITS",
    "SUPPORTED_SUFFIXES",
    "AuditDataset",
    "TableWriter",
    "check_group_counts",
    "check_sensitive_values",
    "iter_table",
    "load_dataset",
    "load_table",
    "missing_mask",
    "save_table",
    "table_format",
    "table_rows",
    "validate_frame",
]
