"""Attribution throughput: auditkit's batched engine vs a plain per-example Captum loop.

Both sides explain the same texts with the same model (the default MiniLM-L6 with
a seeded random classification head), the same method (LayerIntegratedGradients
on the word embeddings, [PAD] baseline with [CLS]/[SEP] kept), the same number of
steps and the same maximum length, and both explain the predicted class with a
convergence delta. The plain loop is what a Captum tutorial does: per text,
predict, then ``attribute``, in fp32. auditkit runs its defaults: on a CPU with
native bf16 units, bf16 autocast with eager attention and batches of equal-length
examples (fp32 and padded batches elsewhere; ``explain(precision="fp32")`` to
compare like for like). Prints examples/s for each and the ratio, plus how
closely the two agree (total attribution per example) and the precision used.

    python bench/attribution_throughput.py --n 64 --steps 50          # CPU, a few minutes on 2 cores
    python bench/attribution_throughput.py --n 512 --steps 50 --device cuda
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402


def _texts(n: int, seed: int) -> tuple[list[str], str]:
    try:
        from auditkit.examples_data import generate_corpus

        notes = generate_corpus(max(n, 50), seed=seed).notes
        return [note.text for note in notes[:n]], "bundled clinical corpus"
    except ImportError:
        rng = np.random.default_rng(seed)
        words = "patient reports severe chest pain since yesterday with shortness of breath she he".split()
        return [" ".join(rng.choice(words, size=int(rng.integers(40, 90)))) for _ in range(n)], "synthetic words"


def _model(device: str) -> tuple[Any, Any]:
    from auditkit._model_io import default_model_path, load_classifier

    torch.manual_seed(0)
    return load_classifier(default_model_path(), num_labels=2, id2label={0: "routine", 1: "urgent"}, device=device)


def plain_loop(model: Any, tokenizer: Any, texts: list[str], steps: int, max_length: int, device: str) -> list[float]:
    """Per-example Captum LayerIntegratedGradients, as in the Captum BERT tutorial."""
    from captum.attr import LayerIntegratedGradients

    def forward(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return model(input_ids=ids, attention_mask=mask).logits

    lig = LayerIntegratedGradients(forward, model.get_input_embeddings())
    totals = []
    for text in texts:
        enc = tokenizer(text, truncation=True, max_length=max_length, return_tensors="pt").to(device)
        with torch.no_grad():
            target = int(forward(enc.input_ids, enc.attention_mask).argmax(-1))
        ref = enc.input_ids.clone()
        ref[0, 1:-1] = tokenizer.pad_token_id
        attr, _ = lig.attribute(enc.input_ids, baselines=ref, additional_forward_args=(enc.attention_mask,),
                                target=target, n_steps=steps, return_convergence_delta=True)
        totals.append(float(attr.sum()))
    return totals


def auditkit_engine(model: Any, tokenizer: Any, texts: list[str], steps: int, max_length: int, device: str,
                    batch_size: int) -> tuple[list[float], Any]:
    """auditkit.explain with faithfulness off and the delta re-computation disabled (same work as the loop)."""
    from auditkit.explain import explain

    result = explain(model, tokenizer, texts, n_steps=steps, batch_size=batch_size, device=device,  # type: ignore[arg-type]
                     max_length=max_length, faithfulness_k=None, n_resamples=0, delta_tolerance=1e9)
    return [float(r.scores.sum()) for r in result.records], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=64, help="number of texts (default 64)")
    parser.add_argument("--steps", type=int, default=50, help="integration steps (default 50)")
    parser.add_argument("--max-length", type=int, default=128, help="token limit (default 128)")
    parser.add_argument("--batch-size", type=int, default=16, help="auditkit examples per attribution call")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = "cuda" if args.device == "auto" and torch.cuda.is_available() else ("cpu" if args.device == "auto" else args.device)
    texts, source = _texts(args.n, args.seed)
    model, tokenizer = _model(device)
    model.eval()
    lengths = [len(tokenizer(t, truncation=True, max_length=args.max_length).input_ids) for t in texts]
    print(f"texts: {len(texts)} from {source}; tokens mean {np.mean(lengths):.0f}, max {max(lengths)}; "
          f"steps {args.steps}; device {device}; torch threads {torch.get_num_threads()}")
    plain_loop(model, tokenizer, texts[:2], args.steps, args.max_length, device)  # warm-up, untimed
    auditkit_engine(model, tokenizer, texts[:2], args.steps, args.max_length, device, args.batch_size)

    def timed(fn: Any) -> tuple[float, Any]:
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        out = fn()
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start, out

    # ABBA order (plain, auditkit on the first half; auditkit, plain on the second) so that load drift
    # on a shared machine hits both sides alike.
    half = max(1, len(texts) // 2)
    parts = [texts[:half], texts[half:]] if len(texts) > 1 else [texts]
    t_plain = t_kit = 0.0
    plain: list[float] = []
    kit: list[float] = []
    for i, part in enumerate(parts):
        order = ("plain", "kit") if i % 2 == 0 else ("kit", "plain")
        for side in order:
            if side == "plain":
                seconds, out = timed(lambda: plain_loop(model, tokenizer, part, args.steps, args.max_length, device))
                t_plain += seconds
                plain += out
            else:
                seconds, (out, result) = timed(lambda: auditkit_engine(model, tokenizer, part, args.steps,
                                                                       args.max_length, device, args.batch_size))
                t_kit += seconds
                kit += out
    rate_plain, rate_kit = len(texts) / t_plain, len(texts) / t_kit
    diff = np.abs(np.array(plain) - np.array(kit))
    print(f"{'':26}{'seconds':>10}{'examples/s':>14}")
    print(f"{'plain Captum loop':26}{t_plain:10.2f}{rate_plain:14.2f}")
    print(f"{'auditkit.explain':26}{t_kit:10.2f}{rate_kit:14.2f}")
    print(f"ratio auditkit / plain: {rate_kit / rate_plain:.2f}x")
    print(f"agreement: max |total attribution difference| {diff.max():.2e} (mean |total| {np.abs(plain).mean():.2e}); "
          f"internal batch sizes {result.memory['internal_batch_sizes']}; precision {result.precision}")


if __name__ == "__main__":
    main()
