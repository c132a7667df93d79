"""Benchmark: render time and size of the HTML scorecard for a demo-sized run.

Builds a synthetic run directory shaped like the demo's (2 sensitive attributes
plus their intersection, bootstrap CIs everywhere, 12 heat-map examples of 128
tokens, 30 top tokens, a 30-rule gate verdict), then times in one process:

* ``assemble_scorecard`` + ``write_scorecard`` (hashing a 90 MB weight file as
  the MiniLM demo model has),
* ``render_report`` as shipped (sandboxed, autoescaping environment),
* the same templates in a plain ``jinja2.Environment(autoescape=True)`` for the
  cost of the sandbox,

and prints them side by side with the targets (< 2 s, < 3 MB).

Usage: ``python bench/report_render.py [--quick] [--repeats N]``
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import jinja2

from auditkit.report import assemble_scorecard, render_report
from auditkit.scorecard import load_document, write_scorecard
from auditkit.report._templates import BUILTIN_TEMPLATES, _builtin_html, _builtin_markdown, html_environment, render_template
from auditkit.report._view import build_view

WORDS = "patient reports sudden chest pain shortness of breath since today mild cough refill medication she he".split()


def _metric(rng: random.Random, centre: float, spread: float = 0.04) -> dict[str, Any]:
    value = round(min(1.0, max(0.0, rng.gauss(centre, spread / 2))), 4)
    return {"value": value, "ci_low": round(max(0.0, value - spread), 4), "ci_high": round(min(1.0, value + spread), 4), "reason": None}


def _groups(rng: random.Random, names: list[str]) -> dict[str, Any]:
    metrics = ("tpr", "fpr", "fnr", "selection_rate", "accuracy", "precision", "roc_auc", "ece")
    return {g: {"n": rng.randint(40, 400), **{m: _metric(rng, 0.5 if m == "selection_rate" else 0.8) for m in metrics}} for g in names}


def _attribute(rng: random.Random, names: list[str]) -> dict[str, Any]:
    gaps = ("demographic_parity_difference", "equalized_odds_difference", "equal_opportunity_difference")
    return {**{g: _metric(rng, 0.06) for g in gaps}, "demographic_parity_ratio": _metric(rng, 0.9), "groups": _groups(rng, names)}


def build_run(root: Path, *, weight_mb: int) -> Path:
    rng = random.Random(13)
    run = root / "run"
    (run / "model").mkdir(parents=True)
    (run / "model" / "model.safetensors").write_bytes(rng.randbytes(weight_mb * 1024 * 1024))
    for name in ("tokenizer.json", "config.json", "vocab.txt"):
        (run / "model" / name).write_text("{}", encoding="utf-8")
    (run / "data").mkdir()
    for split, rows in (("train", 2100), ("validation", 300), ("test", 600)):
        (run / "data" / f"{split}.jsonl").write_text("".join(json.dumps({"id": f"{split}-{i}", "text": "note"}) + "\n" for i in range(rows)))
    gender, age = ["female", "male", "nonbinary"], ["18-39", "40-64", "65-89", "90+"]
    fairness = {"gender": _attribute(rng, gender), "age_band": _attribute(rng, age),
                "gender_x_age_band": _attribute(rng, [f"{g}|{a}" for g in gender for a in age]),
                "baseline": {"gender": _attribute(rng, gender), "age_band": _attribute(rng, age)},
                "term_swap": {f"pair{i}": {"flip_rate": _metric(rng, 0.02), "mean_abs_score_change": _metric(rng, 0.02)} for i in range(12)}}
    examples = [{"id": f"ex-{i}", "group": gender[i % 3], "label": "urgent", "predicted": "urgent", "rule": "top confidence per group",
                 "tokens": [rng.choice(WORDS) for _ in range(128)], "attributions": [round(rng.gauss(0, 0.2), 4) for _ in range(128)]}
                for i in range(12)]
    explain = {"faithfulness": {"comprehensiveness": _metric(rng, 0.3), "random_comprehensiveness": _metric(rng, 0.06)},
               "sensitive_reliance": {"overall": _metric(rng, 0.04)},
               "top_tokens": [{"token": f"tok{i}", "importance": round(rng.random(), 3)} for i in range(30)], "examples": examples}
    rules = [{"id": f"rule{i}", "metric": "fairness.gender.equal_opportunity_difference", "op": "<=", "threshold": 0.1,
              "judge": "ci_high", "severity": "error", "observed": 0.05, "status": "pass" if i % 5 else "fail", "message": "x"} for i in range(30)]
    files = {"evaluation.json": {"status": "ok", "model": {"accuracy": _metric(rng, 0.87), "macro_f1": _metric(rng, 0.86)}},
             "fairness.json": fairness, "explain/result.json": explain,
             "privacy.json": {"membership": {"auc": _metric(rng, 0.51)}, "canary_sweep": {"hits": 0}},
             "scrub/summary.json": {"residual_rate": 0.0004, "entities": {"PERSON": 3000}},
             "gate/verdict.json": {"status": "ok", "verdict": "fail", "policy": "default", "rules": rules},
             "manifest.json": {"version": 1, "stages": {s: {"status": "ok", "seconds": 5.0, "peak_rss_mb": 900.0, "summary": {"device": "cpu"}}
                                                        for s in ("prepare", "train", "evaluate", "fairness", "explain", "privacy")}}}
    for rel, content in files.items():
        (run / rel).parent.mkdir(parents=True, exist_ok=True)
        (run / rel).write_text(json.dumps(content), encoding="utf-8")
    return run


def _time(fn: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller weight file, fewer repeats")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.quick else 7)
    with tempfile.TemporaryDirectory() as tmp:
        run = build_run(Path(tmp), weight_mb=10 if args.quick else 90)
        assemble_s = _time(lambda: write_scorecard(assemble_scorecard(run), run / "scorecard.json"), repeats)
        render_s = _time(lambda: render_report(run), repeats)
        cold_s = _time(lambda: (_builtin_html.cache_clear(), _builtin_markdown.cache_clear(), render_report(run)), repeats)
        doc = load_document(run / "scorecard.json")
        plain = jinja2.Environment(loader=jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)), autoescape=True)
        plain.filters["fmt"] = lambda value, digits=3: f"{value:.{digits}f}" if isinstance(value, float) else str(value)
        sandbox_s = _time(lambda: render_template(html_environment(), "scorecard.html.j2", build_view(doc)), repeats)
        plain_s = _time(lambda: plain.get_template("scorecard.html.j2").render(**build_view(doc)), repeats)
        html_bytes = (run / "scorecard.html").stat().st_size
        card_bytes = (run / "model_card.md").stat().st_size
        json_bytes = (run / "scorecard.json").stat().st_size
    print(f"{'measure':<44}{'auditkit':>12}{'reference':>12}{'ratio':>9}")
    print(f"{'render_report s, cold (compiles) vs 2 s':<44}{cold_s:>12.3f}{2.0:>12.3f}{cold_s / 2.0:>9.3f}")
    print(f"{'render_report s, warm vs 2 s':<44}{render_s:>12.3f}{2.0:>12.3f}{render_s / 2.0:>9.3f}")
    print(f"{'scorecard.html MB vs 3 MB target':<44}{html_bytes / 2**20:>12.3f}{3.0:>12.3f}{html_bytes / 2**20 / 3.0:>9.3f}")
    print(f"{'HTML only s: sandboxed vs plain jinja2':<44}{sandbox_s:>12.3f}{plain_s:>12.3f}{sandbox_s / plain_s:>9.2f}")
    print(f"{'assemble+write scorecard.json s':<44}{assemble_s:>12.3f}{'':>12}{'':>9}")
    print(f"sizes: scorecard.json {json_bytes / 1024:.0f} KiB, model_card.md {card_bytes / 1024:.0f} KiB; median of {repeats} runs")
    print("render_report = read + validate scorecard.json, HTML, model card, both atomic writes")


if __name__ == "__main__":
    main()
