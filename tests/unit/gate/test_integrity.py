"""Integrity rules of the gate (T1): content digest, signature, model and data re-hashing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditkit.exceptions import KeyFileError, UserInputError
from auditkit.gate import Policy, Rule, run_gate
from auditkit.gate._integrity import MESSAGES, integrity_outcomes
from auditkit.gate._verdict import RuleOutcome
from auditkit.scorecard import (
    ENVELOPE_NAME,
    attest_run,
    generate_keypair,
    key_id,
    load_private_key,
    read_scorecard,
    seal,
    write_keypair,
)
from tests.unit.scorecard._minimal import write_run

GAP = "fairness.attributes.gender.equal_opportunity_difference"


def _policy(unsigned: str = "warn") -> Policy:
    rule = Rule(id="accuracy", metric="performance.model.accuracy", op=">=", threshold=0.5)
    return Policy(name="accuracy-only", unsigned=unsigned, rules=(rule,))


def _by_id(scorecard: Path, **kwargs: Any) -> dict[str, RuleOutcome]:
    raw, card = read_scorecard(scorecard)
    return {o.id: o for o in integrity_outcomes(raw, card, scorecard_path=scorecard, **kwargs)}


def _edit(scorecard: Path, *, reseal: bool = False) -> None:
    doc = json.loads(scorecard.read_text())
    doc["fairness"]["attributes"]["gender"]["equal_opportunity_difference"]["ci_low"] = 0.0
    scorecard.write_text(json.dumps(seal(doc) if reseal else doc))


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return write_run(tmp_path)


def test_intact_scorecard_passes_the_content_check(run: Path) -> None:
    outcome = _by_id(run)["integrity.content"]
    assert outcome.status == "pass"
    assert outcome.severity == "error"


def test_hand_edited_unsigned_scorecard_fails_naming_the_section(run: Path) -> None:
    _edit(run)
    outcome = _by_id(run)["integrity.content"]
    assert outcome.status == "fail"
    assert outcome.message == MESSAGES["edited"].format(where="fairness")
    verdict = run_gate(run, _policy())
    assert (verdict.status, verdict.exit_code) == ("fail", 1)


def test_scorecard_without_integrity_section_is_inconclusive(run: Path) -> None:
    doc = json.loads(run.read_text())
    del doc["integrity"]
    run.write_text(json.dumps(doc))
    outcome = _by_id(run)["integrity.content"]
    assert outcome.status == "inconclusive" and outcome.blocks
    assert run_gate(run, _policy()).exit_code == 4


def test_signed_scorecard_passes_with_the_matching_public_key(run: Path, tmp_path: Path) -> None:
    _, public, kid = write_keypair(tmp_path / "k")
    attest_run(run, load_private_key(tmp_path / "k.key"))
    outcome = _by_id(run, verify_key=public)["integrity.signature"]
    assert outcome.status == "pass"
    assert kid in outcome.message
    assert run_gate(run, _policy("error"), verify_key=str(public)).exit_code == 0


def test_resealed_edit_of_a_signed_scorecard_fails_naming_the_changed_path(run: Path) -> None:
    key = generate_keypair()
    attest_run(run, key)
    _edit(run, reseal=True)  # the digest is recomputed, so only the signature can tell
    outcomes = _by_id(run, verify_key=key.public_key())
    assert outcomes["integrity.content"].status == "pass"
    assert outcomes["integrity.signature"].status == "fail"
    assert outcomes["integrity.signature"].message == f"scorecard differs from what was signed at {GAP}.ci_low"
    assert run_gate(run, _policy(), verify_key=key.public_key()).exit_code == 1


def test_resealed_edit_fails_even_without_a_verify_key(run: Path) -> None:
    key = generate_keypair()
    attest_run(run, key)
    _edit(run, reseal=True)
    outcome = _by_id(run)["integrity.signature"]
    assert outcome.status == "fail"
    assert outcome.message == MESSAGES["differs_unverified"].format(key=key_id(key.public_key()))


def test_signature_by_another_key_fails(run: Path) -> None:
    signer, expected = generate_keypair(), generate_keypair()
    attest_run(run, signer)
    outcome = _by_id(run, verify_key=expected.public_key())["integrity.signature"]
    assert outcome.status == "fail"
    assert outcome.message == f"signed by key {key_id(signer.public_key())}, not by {key_id(expected.public_key())}"
    assert run_gate(run, _policy(), verify_key=expected.public_key()).exit_code == 1


def test_unsigned_scorecard_is_judged_by_the_policy(run: Path) -> None:
    warned = _by_id(run, unsigned_severity="warn")["integrity.signature"]
    assert (warned.status, warned.severity) == ("warn", "warn")
    assert warned.message == MESSAGES["unsigned"].format(name=ENVELOPE_NAME)
    assert run_gate(run, _policy("warn")).exit_code == 0
    failed = _by_id(run, unsigned_severity="error")["integrity.signature"]
    assert (failed.status, failed.severity) == ("fail", "error")
    assert run_gate(run, _policy("error")).exit_code == 1


def test_signed_but_unverified_scorecard_is_judged_by_the_policy(run: Path) -> None:
    key = generate_keypair()
    attest_run(run, key)
    outcome = _by_id(run, unsigned_severity="error")["integrity.signature"]
    assert outcome.status == "fail"
    assert outcome.message == MESSAGES["unverified"].format(key=key_id(key.public_key()))
    assert run_gate(run, _policy("warn")).exit_code == 0


def test_verify_key_without_an_envelope_fails(run: Path) -> None:
    outcome = _by_id(run, verify_key=generate_keypair().public_key())["integrity.signature"]
    assert outcome.status == "fail"
    assert outcome.message == MESSAGES["key_no_envelope"].format(name=ENVELOPE_NAME)


def test_garbage_envelope_with_a_key_fails(run: Path) -> None:
    (run.parent / ENVELOPE_NAME).write_text("{not json\n")
    outcome = _by_id(run, verify_key=generate_keypair().public_key())["integrity.signature"]
    assert outcome.status == "fail"
    assert "envelope unreadable" in outcome.message


def test_envelope_elsewhere_is_read_from_the_given_path(run: Path, tmp_path: Path) -> None:
    key = generate_keypair()
    path, _ = attest_run(run, key)
    moved = path.rename(tmp_path / "elsewhere.jsonl")
    assert _by_id(run, verify_key=key.public_key(), envelope_path=moved)["integrity.signature"].status == "pass"
    with pytest.raises(UserInputError, match="--envelope 'nope.jsonl' not found"):
        _by_id(run, envelope_path=tmp_path / "nope.jsonl")


def test_bad_verify_key_file_is_exit_2(run: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.pub").write_text("not a key")
    with pytest.raises(KeyFileError) as info:
        run_gate(run, _policy(), verify_key=str(tmp_path / "bad.pub"))
    assert info.value.exit_code == 2


def test_one_changed_byte_of_a_data_split_fails_naming_the_file(run: Path) -> None:
    data = run.parent / "data"
    assert _by_id(run, data_dir=data)["integrity.data"].status == "pass"
    content = bytearray((data / "test.jsonl").read_bytes())
    content[2] ^= 0x01
    (data / "test.jsonl").write_bytes(bytes(content))
    outcome = _by_id(run, data_dir=data)["integrity.data"]
    assert outcome.status == "fail"
    assert outcome.message == "data folder does not match the audited data: 1 file(s) differ: test.jsonl"
    assert run_gate(run, _policy(), data_dir=data).exit_code == 1


def test_absent_data_split_fails_naming_the_file(run: Path) -> None:
    (run.parent / "data" / "train.jsonl").unlink()
    outcome = _by_id(run, data_dir=run.parent / "data")["integrity.data"]
    assert outcome.status == "fail"
    assert "1 recorded file(s) absent: train.jsonl" in outcome.message


def test_recorded_data_path_outside_the_folder_is_never_read(tmp_path: Path) -> None:
    run = write_run(tmp_path)
    doc = json.loads(run.read_text())
    doc["identity"]["data"]["../scorecard.json"] = {"sha256": "0" * 64, "rows": None}
    run.write_text(json.dumps(seal(doc)))
    outcome = _by_id(run, data_dir=tmp_path / "data")["integrity.data"]
    assert outcome.status == "fail"
    assert "absent: ../scorecard.json" in outcome.message


def test_no_recorded_data_is_inconclusive_and_no_folder_is_exit_2(tmp_path: Path) -> None:
    run = write_run(tmp_path, with_data=False)
    (tmp_path / "data").mkdir()
    assert _by_id(run, data_dir=tmp_path / "data")["integrity.data"].status == "inconclusive"
    with pytest.raises(UserInputError, match="--data-dir"):
        _by_id(run, data_dir=tmp_path / "missing")


def test_model_and_data_checks_run_only_when_their_folders_are_given(run: Path) -> None:
    assert set(_by_id(run)) == {"integrity.content", "integrity.signature"}


def test_model_folder_that_differs_fails_as_integrity_model(run: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"other weights")
    outcome = _by_id(run, model_dir=folder)["integrity.model"]
    assert (outcome.status, outcome.metric) == ("fail", "identity.model")
    assert "model.safetensors" in outcome.message
