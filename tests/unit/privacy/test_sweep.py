"""L2 canary sweep: every form is found in every kind of file; hits never carry the value."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from auditkit.exceptions import DataError
from auditkit.privacy import Canary, CanarySet, canary_forms, sweep


def _set(*pairs: tuple[str, str]) -> CanarySet:
    return CanarySet(tuple(Canary(k, i, v, "train", i) for i, (k, v) in enumerate(pairs)), seed=0)


SSN = ("ssn", "912-34-5678")
EMAIL = ("email", "annika.blackwood123@example.org")
NAME = ("name", "Annika Blackwood")
PHONE = ("phone", "(212) 345-6789")


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    (run / "model").mkdir(parents=True)
    (run / "model" / "config.json").write_text('{"a": 1}', encoding="utf-8")
    (run / "scorecard.json").write_text('{"status": "ok"}', encoding="utf-8")
    return run


def test_clean_run_dir_has_no_hits(run_dir: Path) -> None:
    result = sweep(run_dir, _set(SSN, EMAIL, NAME, PHONE))
    assert result.clean and result.files_scanned == 2 and result.n_canaries == 4


@pytest.mark.parametrize(
    ("content", "form"),
    [
        ("log line 912-34-5678 end", "raw"),
        ("ANNIKA BLACKWOOD was here", "raw"),
        ("digits 912345678 only", "digits"),
        (f"url ?q={quote('annika.blackwood123@example.org', safe='')}", "url"),
        ("url ?q=Annika+Blackwood", "url"),
        ("phone 2123456789", "digits"),
    ],
)
def test_each_form_is_found_in_a_text_file(run_dir: Path, content: str, form: str) -> None:
    (run_dir / "logs").mkdir()
    (run_dir / "logs" / "auditkit.log").write_text(content, encoding="utf-8")
    result = sweep(run_dir, _set(SSN, EMAIL, NAME, PHONE))
    assert not result.clean
    assert {(h.file, h.form) for h in result.hits} >= {("logs/auditkit.log", form)}


def test_canary_inside_a_binary_file_is_found(run_dir: Path) -> None:
    blob = bytes(range(256)) * 100 + b"912-34-5678" + bytes(range(256)) * 100
    (run_dir / "model" / "model.safetensors").write_bytes(blob)
    result = sweep(run_dir, _set(SSN))
    assert [h.file for h in result.hits] == ["model/model.safetensors"]


def test_canary_across_a_chunk_boundary_is_found(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditkit.privacy._sweep as sweep_module

    monkeypatch.setattr(sweep_module, "_CHUNK", 16)
    (run_dir / "x.bin").write_bytes(b"a" * 10 + b"912-34-5678" + b"b" * 40)
    assert sweep(run_dir, _set(SSN)).found == {"ssn#0": 1}


def test_canary_in_compressed_parquet_and_gzip_is_found(run_dir: Path) -> None:
    frame = pd.DataFrame({"id": [str(i) for i in range(500)], "token": ["x"] * 499 + ["Annika Blackwood"]})
    frame.to_parquet(run_dir / "attributions.parquet", compression="zstd")
    (run_dir / "log.gz").write_bytes(gzip.compress(b"...912-34-5678..."))
    files = {h.file for h in sweep(run_dir, _set(SSN, NAME)).hits}
    assert files == {"attributions.parquet", "log.gz"}


def test_hits_and_summary_never_contain_the_canary_value(run_dir: Path) -> None:
    (run_dir / "leak.txt").write_text("Annika Blackwood 912-34-5678", encoding="utf-8")
    text = json.dumps(sweep(run_dir, _set(SSN, NAME)).to_dict()).lower()
    assert "annika" not in text and "912-34" not in text and "912345678" not in text
    assert '"n_hits": 2' in text


def test_file_whose_name_holds_a_canary_is_reported_with_name_withheld(run_dir: Path) -> None:
    (run_dir / "annika blackwood.txt").write_text("nothing", encoding="utf-8")
    result = sweep(run_dir, _set(NAME))
    assert [(h.file, h.form) for h in result.hits] == [("<name withheld: holds a canary>", "filename")]


def test_short_digit_runs_get_no_digits_form() -> None:
    assert "digits" not in canary_forms("A-12345")
    assert canary_forms("912-34-5678")["digits"] == b"912345678"


def test_excluded_file_is_not_scanned(run_dir: Path) -> None:
    (run_dir / "privacy.json").write_text("912-34-5678", encoding="utf-8")
    assert sweep(run_dir, _set(SSN), exclude=("privacy.json",)).clean


def test_missing_run_dir_raises_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="run directory not found"):
        sweep(tmp_path / "nope", _set(SSN))


def test_tokenised_copy_is_found_as_spaced_form(run_dir: Path) -> None:
    (run_dir / "tokens.json").write_text('["912", "-", "34", "-", "5678"] ["Annika", "Blackwood"]', encoding="utf-8")
    result = sweep(run_dir, _set(SSN, NAME))
    assert {(h.canary, h.form) for h in result.hits} == {("ssn#0", "spaced"), ("name#1", "spaced")}


def test_parts_alone_or_inside_longer_numbers_are_not_hits(run_dir: Path) -> None:
    (run_dir / "x.txt").write_text("annika went home; 1912 34 56789; blackwood", encoding="utf-8")
    assert sweep(run_dir, _set(SSN, NAME)).clean
