"""Signed scorecards (T1): in-toto Statement in a DSSE envelope, Ed25519 keys from files or env vars."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import auditkit._io as io_module
from auditkit.exceptions import KeyFileError, UserInputError
from auditkit.scorecard import (
    ENVELOPE_NAME,
    attest_run,
    evidence,
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    read_envelope,
    read_scorecard,
    sign_scorecard,
    signature_info,
    verify_envelope,
    write_keypair,
)
from auditkit.scorecard._attest import PAYLOAD_TYPE, pae, statement
from tests.unit.scorecard._minimal import write_run


@pytest.fixture
def signed(tmp_path: Path) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """(scorecard as stored, signing key, envelope)."""
    raw, _ = read_scorecard(write_run(tmp_path))
    key = generate_keypair()
    return raw, key, sign_scorecard(raw, key)


def _numbers(node: Any, path: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _numbers(v, f"{path}.{k}" if path else k)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path


def _bump(doc: dict[str, Any], path: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node = out
    *parents, leaf = path.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = node[leaf] + 1 if isinstance(node[leaf], int) else node[leaf] - 0.001
    return out


def test_signed_scorecard_verifies_with_the_signing_key(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, key, envelope = signed
    check = verify_envelope(envelope, key.public_key(), raw)
    assert check.status == "pass"
    assert check.key_id == key_id(key.public_key())
    assert check.message == f"signed by key {check.key_id}; the scorecard is what was signed"


def test_editing_any_number_of_a_signed_scorecard_fails_naming_the_path(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, key, envelope = signed
    paths = list(_numbers(evidence(raw)))
    assert "fairness.attributes.gender.equal_opportunity_difference.ci_low" in paths
    for path in paths:
        check = verify_envelope(envelope, key.public_key(), _bump(raw, path))
        assert check.status == "fail", path
        assert check.changed == [path]
        assert check.message == f"scorecard differs from what was signed at {path}"


def test_edit_in_a_derived_section_keeps_the_signature_valid(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, key, envelope = signed
    edited = {**raw, "policy": {"status": "ok", "verdict": "pass"}, "integrity": {"content_sha256": "0" * 64}}
    assert verify_envelope(envelope, key.public_key(), edited).status == "pass"


def test_signature_by_another_key_fails_naming_both_key_ids(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, key, envelope = signed
    other = generate_keypair().public_key()
    check = verify_envelope(envelope, other, raw)
    assert check.status == "fail"
    assert check.message == f"signed by key {key_id(key.public_key())}, not by {key_id(other)}"


def test_signature_copied_under_the_expected_key_id_still_fails(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, key, _ = signed
    other = generate_keypair()
    forged = sign_scorecard(raw, other)
    forged["signatures"][0]["keyid"] = key_id(key.public_key())
    check = verify_envelope(forged, key.public_key(), raw)
    assert check.status == "fail"
    assert "signature does not verify" in check.message


def test_altered_payload_fails_verification(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, key, envelope = signed
    body = base64.b64decode(envelope["payload"]).replace(b'"ci_low":0.01', b'"ci_low":0.0')
    assert body != base64.b64decode(envelope["payload"])
    check = verify_envelope({**envelope, "payload": base64.b64encode(body).decode()}, key.public_key(), raw)
    assert check.status == "fail"
    assert "does not verify" in check.message


def test_validly_signed_payload_that_is_not_a_scorecard_statement_fails(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, key, _ = signed
    body = json.dumps({"_type": "https://in-toto.io/Statement/v1", "subject": [], "predicateType": "other", "predicate": {}}).encode()
    sig = key.sign(pae(PAYLOAD_TYPE, body))
    envelope = {"payloadType": PAYLOAD_TYPE, "payload": base64.b64encode(body).decode(),
                "signatures": [{"keyid": key_id(key.public_key()), "sig": base64.b64encode(sig).decode()}]}
    check = verify_envelope(envelope, key.public_key(), raw)
    assert check.status == "fail"
    assert "not an auditkit scorecard statement" in check.message


@pytest.mark.parametrize("envelope", [None, [], {"payloadType": "text/plain"}, {"payloadType": PAYLOAD_TYPE, "payload": "!!", "signatures": []}])
def test_malformed_envelope_fails(signed: tuple[dict[str, Any], Any, dict[str, Any]], envelope: Any) -> None:
    raw, key, _ = signed
    assert verify_envelope(envelope, key.public_key(), raw).status == "fail"


def test_statement_subjects_are_the_audited_files_by_sha256(signed: tuple[dict[str, Any], Any, dict[str, Any]]) -> None:
    raw, _, _ = signed
    stmt = statement(raw)
    assert stmt["_type"] == "https://in-toto.io/Statement/v1"
    assert stmt["predicateType"] == "https://auditkit.dev/scorecard/v2"
    names = [s["name"] for s in stmt["subject"]]
    assert names == ["model/model.safetensors", "data/test.jsonl", "data/train.jsonl", "config.json"]
    assert stmt["subject"][1]["digest"]["sha256"] == raw["identity"]["data"]["test.jsonl"]["sha256"]
    assert "integrity" not in stmt["predicate"] and "policy" not in stmt["predicate"]


def test_pae_is_the_dsse_v1_encoding() -> None:
    assert pae("http://example.com/HelloWorld", b"hello world") == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"


def test_key_id_is_sha256_prefix_of_the_raw_public_key() -> None:
    public = generate_keypair().public_key()
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert key_id(public) == hashlib.sha256(raw).hexdigest()[:16]


def test_keygen_writes_a_private_key_with_mode_0600(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        private, public, kid = write_keypair(tmp_path / "release")
    finally:
        os.umask(old)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(public.stat().st_mode) == 0o644
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert key_id(load_public_key(public)) == kid == key_id(load_private_key(private).public_key())


def test_private_key_is_0600_before_it_gets_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modes: dict[str, int] = {}
    real_replace = os.replace

    def spy(src: str, dst: Any) -> None:
        modes[Path(dst).name] = stat.S_IMODE(os.stat(src).st_mode)
        assert Path(src).stat().st_size > 0  # the content is already in the 0600 file
        real_replace(src, dst)

    monkeypatch.setattr(io_module.os, "replace", spy)
    write_keypair(tmp_path / "k")
    assert modes["k.key"] == 0o600


def test_keygen_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    _, _, first = write_keypair(tmp_path / "k")
    with pytest.raises(UserInputError, match="already exist"):
        write_keypair(tmp_path / "k")
    assert key_id(load_public_key(tmp_path / "k.pub")) == first
    _, _, second = write_keypair(tmp_path / "k", force=True)
    assert second != first


def test_keys_load_from_environment_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private, public, kid = write_keypair(tmp_path / "k")
    monkeypatch.setenv("AK_SIGN", private.read_text())
    monkeypatch.setenv("AK_SIGN_ESCAPED", private.read_text().replace("\n", "\\n"))
    monkeypatch.setenv("AK_VERIFY", public.read_text())
    assert key_id(load_private_key("env:AK_SIGN").public_key()) == kid
    assert key_id(load_private_key("env:AK_SIGN_ESCAPED").public_key()) == kid
    assert key_id(load_public_key("env:AK_VERIFY")) == kid
    assert key_id(load_public_key("env:AK_SIGN")) == kid  # a private key where a public one is expected


def _rsa_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _encrypted_pem() -> bytes:
    key = generate_keypair()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a key", "is not a PEM private key"),
        (_rsa_pem(), "holds a RSA key; auditkit signs with Ed25519"),
        (_encrypted_pem(), "holds an encrypted key"),
    ],
)
def test_bad_private_key_file_is_one_line_user_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "bad.key").write_bytes(content)
    with pytest.raises(KeyFileError, match=message) as info:
        load_private_key(tmp_path / "bad.key")
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value)


def test_missing_key_file_and_unset_variable_are_user_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AK_UNSET", raising=False)
    with pytest.raises(KeyFileError, match="key file 'nope.pub' not found"):
        load_public_key(tmp_path / "nope.pub")
    with pytest.raises(KeyFileError, match="environment variable 'AK_UNSET' is not set"):
        load_public_key("env:AK_UNSET")


def test_key_material_passed_as_a_path_is_refused_without_echoing_it(tmp_path: Path) -> None:
    private, _, _ = write_keypair(tmp_path / "k")
    pem = private.read_text()
    with pytest.raises(KeyFileError) as info:
        load_private_key(pem)
    assert pem.splitlines()[1] not in str(info.value)


def test_attest_run_writes_one_envelope_line_and_signature_info_reads_it(tmp_path: Path) -> None:
    scorecard = write_run(tmp_path)
    assert signature_info(scorecard) is None
    key = generate_keypair()
    path, kid = attest_run(scorecard, key)
    assert path == tmp_path / ENVELOPE_NAME
    assert len(path.read_text().splitlines()) == 1
    assert verify_envelope(read_envelope(path), key.public_key(), read_scorecard(scorecard)[0]).status == "pass"
    assert signature_info(scorecard) == {"key_id": kid, "envelope": ENVELOPE_NAME, "matches": True, "verified": False}
    doc = json.loads(scorecard.read_text())
    doc["performance"]["model"]["accuracy"]["value"] = 0.99
    scorecard.write_text(json.dumps(doc))
    assert signature_info(scorecard)["matches"] is False


def test_attest_refuses_a_scorecard_edited_after_it_was_written(tmp_path: Path) -> None:
    scorecard = write_run(tmp_path)
    doc = json.loads(scorecard.read_text())
    doc["performance"]["model"]["accuracy"]["value"] = 0.99
    scorecard.write_text(json.dumps(doc))
    with pytest.raises(UserInputError, match=r"changed after auditkit wrote it \(sections: performance\)"):
        attest_run(scorecard, generate_keypair())
    assert not (tmp_path / ENVELOPE_NAME).exists()
