"""The recall probe: planted identifiers counted as caught only when fully detected, with exact intervals."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.scrub import PROBE_LABEL, Detection, recall_probe
from auditkit.scrub._engine import RowFailure
from auditkit.scrub._probe import _compose, clopper_pearson, sample_hosts
from auditkit.scrub._probe_values import KINDS, ProbeKind
from tests.unit.scrub._stub import StubEngine, regex_detector, stub_scrubber

EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
HOSTS = [
    "Patient reports mild knee pain when climbing stairs for the past week and asks for advice.",
    "Caller describes a persistent dry cough, no fever, symptoms started after a cold.",
    "ok",
]


def _notes(n: int = 40) -> list[str]:
    from auditkit.examples_data import generate_corpus

    return [note.text for note in generate_corpus(n, seed=7).notes]


def test_clopper_pearson_matches_the_closed_forms_at_the_edges() -> None:
    assert clopper_pearson(400, 400) == pytest.approx((0.025 ** (1 / 400), 1.0))
    assert clopper_pearson(0, 10) == pytest.approx((0.0, 1 - 0.025 ** (1 / 10)))


def test_fully_detected_identifiers_give_recall_one_with_n_per_type() -> None:
    scrubber = stub_scrubber(StubEngine(["EMAIL_ADDRESS"], regex_detector({"EMAIL_ADDRESS": EMAIL})))
    metric = recall_probe(scrubber, HOSTS, per_type=50, seed=1).recall["EMAIL_ADDRESS"]
    assert (metric.value, metric.n, metric.reason) == (1.0, 50, PROBE_LABEL)
    assert metric.ci_low == pytest.approx(0.025 ** (1 / 50), abs=1e-6) and metric.ci_high == 1.0


def test_an_identifier_detected_only_in_part_counts_as_surviving() -> None:
    whole = regex_detector({"EMAIL_ADDRESS": EMAIL})

    def clipped(text: str) -> list[Detection]:
        return [Detection(d.entity, d.start, d.end - 1, d.score) for d in whole(text)]

    scrubber = stub_scrubber(StubEngine(["EMAIL_ADDRESS"], clipped))
    metric = recall_probe(scrubber, HOSTS, per_type=50, seed=1).recall["EMAIL_ADDRESS"]
    assert metric.value == 0.0 and metric.ci_high is not None and metric.ci_high < 0.1


def test_withheld_probe_texts_leave_recall_undefined_not_perfect() -> None:
    scrubber = stub_scrubber(StubEngine(["EMAIL_ADDRESS"], lambda text: RowFailure("analysis failed (ValueError)")))
    probe = recall_probe(scrubber, HOSTS, per_type=20, seed=1)
    metric = probe.recall["EMAIL_ADDRESS"]
    assert metric.value is None and metric.n == 0 and "withheld" in (metric.reason or "")
    assert probe.info["withheld_texts"] == probe.info["probe_texts"] > 0


def test_a_type_without_a_generator_is_undefined_with_a_reason() -> None:
    engine = StubEngine(["EMAIL_ADDRESS", "EMPLOYEE_ID"], regex_detector({"EMAIL_ADDRESS": EMAIL}))
    metric = recall_probe(stub_scrubber(engine), HOSTS, per_type=10, seed=1).recall["EMPLOYEE_ID"]
    assert metric.value is None and "no synthetic generator" in (metric.reason or "")


def test_no_usable_host_text_leaves_every_type_undefined() -> None:
    engine = StubEngine(["EMAIL_ADDRESS"], regex_detector({"EMAIL_ADDRESS": EMAIL}))
    probe = recall_probe(stub_scrubber(engine), ["", "  ", None, 3.0], per_type=10, seed=1)
    assert probe.recall["EMAIL_ADDRESS"].value is None and probe.info["probe_texts"] == 0 and engine.calls == 0


def test_planted_offsets_point_at_the_values_in_header_text_and_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {e: ProbeKind(lambda rng, e=e: f"VAL{e}", ("H: {v}",), ("at {v}",), ("S {v}",)) for e in "ABCDE"}
    monkeypatch.setattr("auditkit.scrub._probe.KINDS", fake)
    monkeypatch.setattr("auditkit.scrub._probe_values.KINDS", fake)
    rng = random.Random(0)
    for host in (HOSTS[0], HOSTS[2], ""):
        text, plants = _compose(host, list("ABCDE"), rng, 400)
        assert [text[p.start : p.end] for p in plants] == [f"VAL{p.entity}" for p in plants]
        assert sorted(p.entity for p in plants) == list("ABCDE")
        positions = {p.entity: p.position for p in plants}
        assert text.splitlines()[0] == "H: VALA" and positions["A"] == "header"
        assert text.splitlines()[-1] == "S VALC" and positions["C"] == "signature"


def test_every_generator_draws_values_its_templates_can_hold() -> None:
    rng = random.Random(5)
    for entity, kind in KINDS.items():
        values = {kind.make(rng) for _ in range(30)}
        assert len(values) > 1 and all(v.strip() == v and v for v in values), entity
        assert all(t.count("{v}") == 1 for t in kind.header + kind.inline + kind.signature), entity


def test_reservoir_sample_is_bounded_and_skips_non_text() -> None:
    sample = sample_hosts((f"note {i} text" if i % 3 else None for i in range(10_000)), 50, seed=2)
    assert len(sample) == 50 and all(isinstance(s, str) and s for s in sample)
    assert len(set(sample)) == 50


def test_probe_shows_near_zero_recall_for_an_entity_the_scrubber_drops(scrubber: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = scrubber.engine.detect_many

    def without_email(texts: list[str], **kw: Any) -> list[Any]:
        return [r if isinstance(r, RowFailure) else [d for d in r if d.entity != "EMAIL_ADDRESS"] for r in real(texts, **kw)]

    monkeypatch.setattr(scrubber.engine, "detect_many", without_email)
    probe = recall_probe(scrubber, _notes(), per_type=60, seed=3)
    email = probe.recall["EMAIL_ADDRESS"]
    assert email.value is not None and email.value <= 0.05 and email.ci_high is not None and email.ci_high < 0.95
    assert probe.recall["US_SSN"].ci_low is not None and probe.recall["US_SSN"].ci_low > 0.9


def test_probe_shows_high_recall_for_the_same_entity_when_the_scrubber_is_intact(scrubber: Any) -> None:
    email = recall_probe(scrubber, _notes(), per_type=60, seed=3).recall["EMAIL_ADDRESS"]
    assert email.value is not None and email.value >= 0.95


def test_stage_summary_carries_recall_per_type_and_writes_no_probe_text(
    shared_engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.config import parse_config
    from auditkit.data import AuditDataset
    from auditkit.pipeline._stage import StageContext
    from auditkit.pipeline._stages._common import write_dataset
    from auditkit.pipeline._stages.prepare import scrub_dataset

    person = KINDS["PERSON"]
    marked = dict(KINDS, PERSON=ProbeKind(lambda rng: "Quillon Zyxwvut", person.header, person.inline, person.signature))
    monkeypatch.setattr("auditkit.scrub._probe.KINDS", marked)
    config = parse_config(
        {"name": "t", "data": {"path": "x.csv", "labels": ["routine", "urgent"]}, "model": {"path": "m"},
         "scrub": {"probe_per_type": 20}},
        source="test",
    )
    notes = _notes(12)
    frame = pd.DataFrame({"id": [f"n{i}" for i in range(12)], "text": notes, "label": ["urgent"] * 12,
                          "split": ["train"] * 8 + ["validation"] * 2 + ["test"] * 2, "gender": ["f"] * 12})
    ctx = StageContext(config=config, run_dir=tmp_path, progress=False)
    dataset, _ = scrub_dataset(ctx, AuditDataset(frame, ("routine", "urgent"), ("gender",), "urgent"))
    write_dataset(ctx, dataset)
    summary = json.loads((tmp_path / "scrub" / "summary.json").read_text())
    person = summary["recall_probe"]["PERSON"]
    assert set(person) == {"value", "ci_low", "ci_high", "reason", "n"} and person["n"] == 20
    assert person["reason"] == PROBE_LABEL and summary["recall_probe_info"]["status"] == "ok"
    assert set(summary["recall_probe"]) == set(shared_engine.entities)
    for path in tmp_path.rglob("*"):
        assert not path.is_file() or "Zyxwvut" not in path.read_text(errors="ignore")
