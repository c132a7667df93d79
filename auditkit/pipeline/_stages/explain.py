"""Stage ``explain``: attributions on the test split: a stratified sample, a stated size per group, or all of it.

Reads ``data/test.jsonl`` a block of rows at a time and ``model/``. ``explain.sample``
picks the examples: ``stratified`` (``n_samples`` stratified by sensitive group and
label, seeded), ``{per_group: N}`` (up to N per group x label stratum) or ``all``
(every example). They are explained in chunks; each chunk's word rows are appended
to ``explain/attributions.parquet`` as a Parquet row group, so memory stays flat on
any test split, and ``explain/result.json`` (the scorecard section) says in
``sample`` how many examples, of how many, the figures rest on. When
``baseline_model/`` exists (mitigation on), the same examples are explained with it
too and its sensitive-token reliance is added under ``baseline``.

Under torchrun every rank explains every N-th chunk into its own part file; rank 0
merges the parts in chunk order and writes the result.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditkit._distributed import barrier, gather, is_main, rank, world_size
from auditkit._io import atomic_write_json, read_json
from auditkit._model_io import load_classifier, resolve_device
from auditkit.data import AuditDataset
from auditkit.data._stream import TableWriter, iter_table
from auditkit.explain import ExampleChunk, explain_stream
from auditkit.explain._sample import per_group_sample, stratified_sample
from auditkit.pipeline._stage import Stage, StageContext, StageSkipped
from auditkit.pipeline._stages._common import DATA_META, split_path

__all__ = ["STAGE"]

ATTRIBUTIONS = "explain/attributions.parquet"
RESULT = "explain/result.json"
_PARTS = "explain/.parts"
_READ_ROWS = 5000


def _read(ctx: StageContext, meta: dict[str, Any]) -> Iterator[pd.DataFrame]:
    for frame in iter_table(split_path(ctx, "test"), chunk_rows=_READ_ROWS):
        yield AuditDataset.from_records(frame, meta).frame


def _selection(ctx: StageContext, meta: dict[str, Any]) -> tuple[np.ndarray | None, int, dict[str, Any]]:
    """Which test rows to explain (``None``: all), how many rows the split has, and the stated basis."""
    cfg, by = ctx.config, [*meta.get("sensitive", []), "label"]
    keys = pd.concat([f[by] for f in _read(ctx, meta)], ignore_index=True) if by else pd.DataFrame()
    total, choice = len(keys), cfg.explain.sample
    basis: dict[str, Any] = {"split": "test", "n_available": total, "seed": cfg.seed}
    if choice == "all":
        return None, total, {**basis, "mode": "all", "n": total}
    if choice == "stratified":
        picked = stratified_sample(keys.assign(_row=np.arange(total)), cfg.explain.n_samples, by=by, seed=cfg.seed)
        rows = np.sort(picked["_row"].to_numpy())
        return rows, total, {**basis, "mode": "stratified", "n": len(rows), "stratified_by": by}
    strata = keys.astype(str).agg("\x1f".join, axis=1).tolist()
    rows = per_group_sample(strata, choice.per_group, seed=cfg.seed)
    return rows, total, {**basis, "mode": "per_group", "per_group": choice.per_group, "n": len(rows),
                         "stratified_by": by}


def _chunks(ctx: StageContext, meta: dict[str, Any], rows: np.ndarray | None, size: int) -> Iterator[ExampleChunk]:
    """The chosen rows, ``size`` at a time, each with its position in the test split."""
    sensitive, wanted = list(meta.get("sensitive", [])), None if rows is None else set(rows.tolist())
    buffer: list[pd.DataFrame] = []
    held, offset = 0, 0
    for frame in _read(ctx, meta):
        frame = frame.assign(_row=np.arange(offset, offset + len(frame)))
        offset += len(frame)
        if wanted is not None:
            frame = frame[frame["_row"].isin(wanted)]
        buffer.append(frame)
        held += len(frame)
        while held >= size:
            block = pd.concat(buffer, ignore_index=True)
            yield _chunk(block.iloc[:size], sensitive)
            buffer, held = [block.iloc[size:]], len(block) - size
    block = pd.concat(buffer, ignore_index=True) if buffer else pd.DataFrame()
    if len(block):
        yield _chunk(block, sensitive)


def _chunk(frame: pd.DataFrame, sensitive: list[str]) -> ExampleChunk:
    return ExampleChunk(texts=frame["text"].tolist(), ids=frame["id"].tolist(), positions=frame["_row"].tolist(),
                        groups={a: frame[a].tolist() for a in sensitive}, labels=frame["label"].tolist())


class _Parts:
    """This rank's attribution rows, one Parquet row group per chunk, and the chunk each group holds."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.chunks, self._writer = path, [], TableWriter(path)

    def __enter__(self) -> _Parts:
        self._writer.__enter__()
        return self

    def __call__(self, index: int, frame: pd.DataFrame) -> None:
        self._writer.write(frame)
        self.chunks.append(index)

    def __exit__(self, *exc: Any) -> None:
        self._writer.__exit__(*exc)


def _merge_parts(parts: list[tuple[str, list[int]]], target: Path) -> None:
    """Write every rank's row groups into ``target`` in chunk order (one row group in memory at a time)."""
    import pyarrow.parquet as pq

    where = sorted((chunk, path, group) for path, chunks in parts for group, chunk in enumerate(chunks))
    files = {path: pq.ParquetFile(path) for path, chunks in parts if chunks}  # a rank with no chunk wrote no file
    with TableWriter(target) as writer:
        for _, path, group in where:
            writer.write(files[path].read_row_group(group).to_pandas())
        if not where:
            writer.write(pd.DataFrame({"id": pd.Series([], dtype="string")}))


def _explain_with(ctx: StageContext, folder: str, meta: dict[str, Any], rows: np.ndarray | None, total: int,
                  *, faithful: bool, sink: Any = None) -> Any:
    cfg = ctx.config
    model, tokenizer = load_classifier(ctx.path(folder), device=resolve_device(cfg.explain.device))
    size = max(256, 16 * cfg.explain.batch_size)
    return explain_stream(
        model, tokenizer, _chunks(ctx, meta, rows, size), attributes=list(meta.get("sensitive", [])), sink=sink,
        shard=(rank(), world_size()), progress=ctx.progress and is_main(), total=total,
        method=cfg.explain.method, n_steps=cfg.explain.n_steps, batch_size=cfg.explain.batch_size,
        device=cfg.explain.device, identity_terms=cfg.explain.identity_terms,
        faithfulness_k=cfg.explain.faithfulness_k if faithful else None,
        delta_tolerance=cfg.explain.delta_tolerance, precision=cfg.explain.precision,
        max_internal_batch_size=cfg.explain.max_internal_batch_size, max_length=cfg.model.max_length, seed=cfg.seed,
        n_resamples=cfg.fairness.bootstrap, confidence=cfg.fairness.confidence,
    )


def _explain_model(ctx: StageContext, meta: dict[str, Any], rows: np.ndarray | None, total: int) -> Any:
    """Explain with ``model/``, every rank into its part file; rank 0 merges the parts into ATTRIBUTIONS."""
    if is_main():
        shutil.rmtree(ctx.path(_PARTS), ignore_errors=True)
    barrier()
    with _Parts(ctx.path(f"{_PARTS}/rank{rank()}.parquet")) as parts:
        result = _explain_with(ctx, "model", meta, rows, total, faithful=True, sink=parts)
    written = gather((str(parts.path), parts.chunks))
    if written is not None:
        _merge_parts(written, ctx.path(ATTRIBUTIONS))
        shutil.rmtree(ctx.path(_PARTS), ignore_errors=True)
    return result


def _run(ctx: StageContext) -> dict[str, Any]:
    cfg = ctx.config
    if not cfg.explain.enabled:
        raise StageSkipped("explain.enabled is false")
    if not ctx.path("model").is_dir():
        raise StageSkipped("no trained model in the run directory")
    meta = read_json(ctx.path(DATA_META))
    rows, _, basis = _selection(ctx, meta)
    result = _explain_model(ctx, meta, rows, basis["n"])
    base = None
    if ctx.path("baseline_model").is_dir():
        base = _explain_with(ctx, "baseline_model", meta, rows, basis["n"], faithful=False)
    if result is None:  # not rank 0: rank 0 writes the result
        return {}
    card = result.to_scorecard()
    card["sample"] = {**basis, "n_selected": basis["n"], "n": card["n_examples"],
                      "statement": _statement(basis, card["n_examples"])}
    card["top_tokens"]["n_examples"] = card["n_examples"]
    summary: dict[str, Any] = {"n_examples": card["n_examples"], "sample": basis["mode"],
                               "reliance": card["sensitive_token_reliance"]["value"]}
    if base is not None:
        base_card = base.to_scorecard()
        card["baseline"] = {k: base_card[k] for k in (
            "status", "n_examples", "sensitive_token_reliance", "sensitive_token_reliance_by_group", "top_tokens")}
        summary["baseline_reliance"] = base_card["sensitive_token_reliance"]["value"]
    atomic_write_json(ctx.path(RESULT), card)
    return summary


def _statement(basis: dict[str, Any], n: int) -> str:
    """What the global importance and the reliance rest on, in one sentence for the report."""
    of = f"{n:,} of {basis['n_available']:,} test examples"
    if basis["mode"] == "all":
        return f"{of}: every test example"
    if basis["mode"] == "per_group":
        return f"{of}: up to {basis['per_group']:,} per {' x '.join(basis['stratified_by'])} stratum (seed {basis['seed']})"
    return f"{of}: a sample stratified by {' x '.join(basis['stratified_by'])} (seed {basis['seed']})"


STAGE = Stage(name="explain", run=_run, config_sections=("explain", "model", "fairness", "seed"),
              outputs=(ATTRIBUTIONS, RESULT), after=("prepare", "train"), ranks="all")
