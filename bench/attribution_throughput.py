"""Attribution throughput: auditkit's ``explain`` vs tuned Captum, like for like, with the checks on.

Baseline ("tuned Captum"), what an experienced Captum user runs on a CPU with
native bf16 units: per text, predict the class, then
``LayerIntegratedGradients(forward, model.get_input_embeddings()).attribute(
input_ids, baselines=[PAD] ids with [CLS]/[SEP] kept, target=predicted,
n_steps=N, method="gausslegendre", internal_batch_size=N,
return_convergence_delta=True)`` inside ``torch.autocast("cpu", torch.bfloat16)``
with the model switched to eager attention (``model.set_attn_implementation(
"eager")``; PyTorch's CPU SDPA kernel has a slow bf16 backward). ``internal_batch_size
= n_steps`` puts all steps of one text in one pass, the fastest setting we found
for this model on 2 cores (``--captum-ibs`` to try another). No padding: one text per call.

auditkit: ``explain(model, tokenizer, texts, device="cpu")`` at its DEFAULTS: 24
Gauss-Legendre steps, then every example's sum checked against the fp32 logit
change and those over the default tolerance (0.05) recomputed with 2-4x the steps
(bf16 first, fp32 if still over); only the audit extras that Captum has no
counterpart for are switched off (faithfulness, bootstrap intervals). Captum runs
its own default, 50 steps (``--steps``). The speed-up therefore comes from doing
fewer steps where the check shows they suffice; to show what the check buys, the
bench also runs Captum once at auditkit's step count and counts the examples that
would then be off by more than the tolerance, unnoticed.

Both sides run in this one process with the same torch thread count, interleaved
(Captum, auditkit in even rounds; auditkit, Captum in odd ones) over ``--rounds``
rounds of all texts; per round examples/s of each side and the ratio are printed,
then the median ratio and its spread. The precision each side actually ran is read
back during the timed runs, not assumed: a forward hook on every ``nn.Linear``
records the dtype of its output, whether autocast was on and the attention kernel
the model was set to, split into passes with gradients (the attribution) and
without (predictions, endpoints).

Agreement: per text, ``|total_auditkit - total_captum| / max(1, |f(x) - f(baseline)|)``
(the target logit change, computed in fp32) must stay within the tolerance.

Fraction of peak: useful FLOPs / seconds / this CPU's measured bf16 matmul peak
(``bench/matmul_peak.py``, 2048^3 matmul at the same thread count). Useful FLOPs
per text of ``T`` tokens = ``n_steps * (4 * P * T + 12 * L * h * T**2)`` with
``P = L * (4 h^2 + 2 h i)`` the encoder's matmul weights (``L`` layers, hidden
``h``, intermediate ``i``): per integration step the forward costs ``2 P T``
(linear layers) + ``4 L h T^2`` (the two attention products); the backward to the
embeddings only (no weight gradients) costs ``2 P T`` + ``8 L h T^2`` (both operands
of each attention product are activations). Padding, predictions and endpoint
passes are not counted; Captum is credited its ``--steps`` per text, auditkit its
first-pass steps plus its recomputes (at the mean length), so each side's GFLOP/s
is the work it actually did. At
start-up the formula is checked against ``torch.utils.flop_counter`` on one text.

The model: by default the installed default encoder (MiniLM-L6) with a seeded
random 2-class head; its logit changes are tiny, so nothing fails the tolerance.
``--model DIR`` takes a fine-tuned checkpoint (e.g. the demo's
``runs/clinical_triage_demo/model``), which is where recomputation can happen.

    flock /tmp/auditkit-heavy.lock python bench/attribution_throughput.py --n 64 --steps 50 --rounds 3 --threads 2
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from matmul_peak import peak_result  # noqa: E402

_DT = {torch.bfloat16: "bf16", torch.float32: "fp32", torch.float16: "fp16"}


def _texts(n: int, seed: int) -> list[str]:
    from auditkit.examples_data import generate_corpus

    return [note.text for note in generate_corpus(max(n, 50), seed=seed).notes[:n]]


def _model(path: str | None) -> tuple[Any, Any]:
    from auditkit._model_io import default_model_path, load_classifier

    torch.manual_seed(0)
    if path:
        return load_classifier(Path(path), device="cpu")
    return load_classifier(default_model_path(), num_labels=2, id2label={0: "routine", 1: "urgent"}, device="cpu")


class PrecisionProbe:
    """Counts, per linear-layer call, (grad on?, output dtype, autocast on?, attention kernel)."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.calls: Counter[tuple[bool, str, bool, str]] = Counter()
        self._handles: list[Any] = []

    def _hook(self, module: nn.Module, args: Any, output: Any) -> None:
        attn = str(getattr(self.model.config, "_attn_implementation", "?"))
        self.calls[(torch.is_grad_enabled(), _DT.get(output.dtype, str(output.dtype)),
                    torch.is_autocast_enabled("cpu"), attn)] += 1

    @contextlib.contextmanager
    def watching(self) -> Iterator[PrecisionProbe]:
        self._handles = [m.register_forward_hook(self._hook) for m in self.model.modules() if isinstance(m, nn.Linear)]
        try:
            yield self
        finally:
            for h in self._handles:
                h.remove()

    def summary(self) -> str:
        parts = []
        for grad in (True, False):
            sub = {k: v for k, v in self.calls.items() if k[0] == grad}
            total = sum(sub.values())
            if not total:
                continue
            desc = ", ".join(f"{dt}{' (autocast)' if ac else ''} {attn} attention {n / total:.0%}"
                             for (_, dt, ac, attn), n in sorted(sub.items(), key=lambda kv: -kv[1]))
            parts.append(f"{'attribution passes' if grad else 'no-grad passes'}: {desc}")
        return "; ".join(parts)


def _encode(tokenizer: Any, text: str, max_length: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    enc = tokenizer(text, truncation=True, max_length=max_length, return_tensors="pt")
    ref = enc.input_ids.clone()
    ref[0, 1:-1] = tokenizer.pad_token_id
    return enc.input_ids, enc.attention_mask, ref


def captum_tuned(model: Any, tokenizer: Any, texts: list[str], steps: int, max_length: int, ibs: int) -> list[float]:
    """Tuned Captum: per text, LayerIntegratedGradients under bf16 autocast with eager attention."""
    from captum.attr import LayerIntegratedGradients

    def forward(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return model(input_ids=ids, attention_mask=mask).logits.float()

    lig = LayerIntegratedGradients(forward, model.get_input_embeddings())
    before = model.config._attn_implementation
    model.set_attn_implementation("eager")
    totals = []
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            for text in texts:
                ids, mask, ref = _encode(tokenizer, text, max_length)
                with torch.no_grad():
                    target = int(forward(ids, mask).argmax(-1))
                attr, _ = lig.attribute(ids, baselines=ref, additional_forward_args=(mask,), target=target,
                                        n_steps=steps, method="gausslegendre", internal_batch_size=ibs,
                                        return_convergence_delta=True)
                totals.append(float(attr.float().sum()))
    finally:
        model.set_attn_implementation(before)
    return totals


def auditkit_explain(model: Any, tokenizer: Any, texts: list[str], steps: int | None,
                     max_length: int) -> tuple[list[float], Any]:
    """auditkit.explain at its default steps and tolerance; faithfulness and bootstrap off (Captum has neither)."""
    from auditkit.explain import explain

    result = explain(model, tokenizer, texts, n_steps=steps, device="cpu", max_length=max_length,
                     faithfulness_k=None, n_resamples=0)
    return [float(np.sum(r.scores)) for r in result.records], result


def logit_changes(model: Any, tokenizer: Any, texts: list[str], max_length: int) -> np.ndarray:
    """fp32 ``f(x) - f(baseline)`` of the predicted class, per text (the agreement yardstick)."""
    out = []
    with torch.no_grad():
        for text in texts:
            ids, mask, ref = _encode(tokenizer, text, max_length)
            fx = model(input_ids=ids, attention_mask=mask).logits[0].float()
            fb = model(input_ids=ref, attention_mask=mask).logits[0].float()
            t = int(fx.argmax())
            out.append(float(fx[t] - fb[t]))
    return np.array(out)


def ig_flops(config: Any, tokens: int, steps: int) -> float:
    """Useful FLOPs of ``steps`` integration steps on one text of ``tokens`` tokens (see the module docstring)."""
    h, n_layers, inter = config.hidden_size, config.num_hidden_layers, config.intermediate_size
    p = n_layers * (4 * h * h + 2 * h * inter)
    return steps * (4 * p * tokens + 12 * n_layers * h * tokens ** 2)


def _counted_flops(model: Any, tokenizer: Any, text: str, steps: int, max_length: int) -> float:
    """FLOPs torch counts for one text's LIG steps (no delta asked, so no endpoint passes)."""
    from captum.attr import LayerIntegratedGradients
    from torch.utils.flop_counter import FlopCounterMode

    def forward(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return model(input_ids=ids, attention_mask=mask).logits.float()

    ids, mask, ref = _encode(tokenizer, text, max_length)
    lig = LayerIntegratedGradients(forward, model.get_input_embeddings())
    with FlopCounterMode(display=False) as counter:
        lig.attribute(ids, baselines=ref, additional_forward_args=(mask,), target=0, n_steps=steps,
                      internal_batch_size=steps)
    return float(counter.get_total_flops())


def _kit_flops(config: Any, lengths: list[int], steps: int, conv: dict[str, Any]) -> float:
    """Useful FLOPs auditkit executed: its first pass, plus recomputed examples at the mean length (bf16 retry and
    fp32 recompute each count their steps)."""
    first = sum(ig_flops(config, t, steps) for t in lengths)
    redo = int(conv.get("n_recomputed") or 0) + int(conv.get("n_recomputed_full_precision") or 0)
    return first + redo * ig_flops(config, int(np.mean(lengths)), int(conv.get("recompute_steps") or 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=64, help="number of demo notes (default 64)")
    parser.add_argument("--steps", type=int, default=50, help="Captum's integration steps (default 50, Captum's own)")
    parser.add_argument("--kit-steps", type=int, default=None, help="auditkit's first-pass steps (default: its own)")
    parser.add_argument("--max-length", type=int, default=128, help="token limit (default 128)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for both sides (default 2)")
    parser.add_argument("--captum-ibs", type=int, default=None, help="Captum internal_batch_size (default n_steps)")
    parser.add_argument("--model", default=None, help="fine-tuned checkpoint dir (default: default encoder, seeded head)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ibs = args.captum_ibs or args.steps
    texts = _texts(args.n, args.seed)
    model, tokenizer = _model(args.model)
    model.eval()
    lengths = [len(tokenizer(t, truncation=True, max_length=args.max_length).input_ids) for t in texts]
    flops = sum(ig_flops(model.config, t, args.steps) for t in lengths)
    counted = _counted_flops(model, tokenizer, texts[0], args.steps, args.max_length)
    formula = ig_flops(model.config, lengths[0], args.steps)
    peak = peak_result("bf16", threads=args.threads)
    print(f"texts: {len(texts)} demo notes (generate_corpus seed {args.seed}); tokens mean {np.mean(lengths):.0f}, "
          f"min {min(lengths)}, max {max(lengths)}; Captum steps {args.steps}, auditkit first-pass steps "
          f"{args.kit_steps or 'its default'}; model {args.model or 'default encoder + seeded head'}")
    print(f"one process, torch threads {torch.get_num_threads()} for both sides; load average {os.getloadavg()[0]:.2f}")
    print(f"FLOPs per text (formula) {formula / 1e9:.1f} G vs torch's count {counted / 1e9:.1f} G "
          f"({formula / counted:.1%}); useful work per round {flops / 1e12:.2f} TFLOP")
    print(f"measured peak: {peak.line()}")
    changes = logit_changes(model, tokenizer, texts, args.max_length)
    captum_tuned(model, tokenizer, texts[:2], args.steps, args.max_length, ibs)  # warm-up, untimed
    auditkit_explain(model, tokenizer, texts[:2], args.kit_steps, args.max_length)

    probe_c, probe_k = PrecisionProbe(model), PrecisionProbe(model)
    rows = []
    result = None
    cap_totals: list[float] = []
    kit_totals: list[float] = []
    for rnd in range(args.rounds):
        seconds: dict[str, float] = {}
        for side in (("captum", "auditkit") if rnd % 2 == 0 else ("auditkit", "captum")):
            probe = probe_c if side == "captum" else probe_k
            with probe.watching():
                start = time.perf_counter()
                if side == "captum":
                    cap_totals = captum_tuned(model, tokenizer, texts, args.steps, args.max_length, ibs)
                else:
                    kit_totals, result = auditkit_explain(model, tokenizer, texts, args.kit_steps, args.max_length)
                seconds[side] = time.perf_counter() - start
        rate_c, rate_k = len(texts) / seconds["captum"], len(texts) / seconds["auditkit"]
        conv = result.convergence or {}
        kit_flops = _kit_flops(model.config, lengths, result.n_steps, conv)
        rows.append((rate_c, rate_k, rate_k / rate_c, flops / seconds["captum"], kit_flops / seconds["auditkit"]))
        print(f"round {rnd + 1}: tuned Captum {rate_c:6.3f} ex/s ({rows[-1][3] / 1e9:5.0f} GFLOP/s)  "
              f"auditkit {rate_k:6.3f} ex/s ({rows[-1][4] / 1e9:5.0f} GFLOP/s)  ratio {rate_k / rate_c:.2f}x  "
              f"recomputed {conv.get('n_recomputed', 0)}  load {os.getloadavg()[0]:.2f}", flush=True)
    ratios = [r[2] for r in rows]
    print(f"\n{'':14}{'ex/s median':>12}{'spread':>18}{'GFLOP/s':>10}{'of bf16 peak':>14}")
    for name, col, fcol in (("tuned Captum", 0, 3), ("auditkit", 1, 4)):
        vals = [r[col] for r in rows]
        gf = statistics.median(r[fcol] for r in rows) / 1e9
        print(f"{name:14}{statistics.median(vals):12.3f}{f'{min(vals):.3f}-{max(vals):.3f}':>18}{gf:10.0f}"
              f"{gf / peak.gflops_median:14.1%}")
    print(f"ratio auditkit / tuned Captum: median {statistics.median(ratios):.2f}x, spread {min(ratios):.2f}-{max(ratios):.2f}x "
          f"over {len(ratios)} rounds")
    assert result is not None
    conv = result.convergence or {}
    gap = np.abs(np.array(kit_totals) - np.array(cap_totals)) / np.maximum(1.0, np.abs(changes))
    tol = conv.get("tolerance", 0.05)
    print(f"agreement: max |total_auditkit - total_captum| / max(1, |f(x)-f(b)|) = {gap.max():.4f} "
          f"(tolerance {tol}; {int((gap > tol).sum())} over); auditkit convergence: max relative delta "
          f"{conv.get('max_relative_delta', float('nan')):.4f}, over tolerance {conv.get('n_over_tolerance')}, "
          f"recomputed {conv.get('n_recomputed')} (up to {conv.get('recompute_steps')} steps; "
          f"{conv.get('n_recomputed_full_precision')} in fp32), still over {conv.get('n_still_over')}")
    if result.n_steps < args.steps:
        short = np.array(captum_tuned(model, tokenizer, texts, result.n_steps, args.max_length, result.n_steps))
        off = np.abs(short - changes) / np.maximum(1.0, np.abs(changes))
        print(f"what the check buys: Captum at auditkit's {result.n_steps} steps, unchecked, leaves "
              f"{int((off > tol).sum())} of {len(texts)} examples over the tolerance (max {off.max():.3f}); "
              f"auditkit leaves {conv.get('n_still_over')}")
    print(f"precision, tuned Captum: {probe_c.summary()}")
    print(f"precision, auditkit ({result.precision}): {probe_k.summary()}")
    print(f"Captum {args.steps} steps, internal_batch_size {ibs}; auditkit {result.n_steps} steps first, rows per pass "
          f"{sorted(set(result.memory['internal_batch_sizes']))}")
    print("GFLOP/s: useful FLOPs each side executed (auditkit: its first pass plus its recomputes, at mean length) "
          "over its seconds")


if __name__ == "__main__":
    main()
