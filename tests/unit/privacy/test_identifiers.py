"""Identifier sweep (T2/L2 for ``auditkit audit``): the scrubber's findings are searched for in every file."""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from auditkit.privacy import found_identifiers, identifier_sweep

FOUND = found_identifiers([
    ("PERSON", "Annika Blackwood"), ("PERSON", "annika  blackwood"), ("PHONE_NUMBER", "(212) 345-6789"),
    ("EMAIL_ADDRESS", "a.blackwood@example.org"), ("DATE_TIME", "today"), ("LOCATION", "Boston"), ("PERSON", "Al"),
])


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    (run / "data").mkdir(parents=True)
    (run / "data" / "test.jsonl").write_text('{"text": "patient <PERSON> seen today in Boston, Al"}\n', encoding="utf-8")
    return run


def test_duplicates_quasi_identifiers_and_short_values_are_left_out() -> None:
    assert [entity for entity, _ in FOUND.entries] == ["EMAIL_ADDRESS", "PERSON", "PHONE_NUMBER"]
    assert "Blackwood" not in repr(FOUND)


def test_a_clean_run_folder_has_no_hits(run_dir: Path) -> None:
    result = identifier_sweep(run_dir, FOUND)
    assert result.clean and result.files_scanned == 1 and result.n_canaries == 3


@pytest.mark.parametrize(
    ("content", "form"),
    [
        ("Seen by ANNIKA BLACKWOOD.", "raw"),
        ('["annika", "##", "blackwood"]', "raw"),
        ("call 2123456789 now", "digits"),
        (f"?q={quote('a.blackwood@example.org', safe='')}", "url"),
        ("Blackwood called about a refill", "name_part"),
    ],
)
def test_each_form_is_found_and_named_without_its_value(run_dir: Path, content: str, form: str) -> None:
    (run_dir / "logs").mkdir()
    (run_dir / "logs" / "auditkit.log").write_text(content, encoding="utf-8")
    result = identifier_sweep(run_dir, FOUND)
    assert {(h.file, h.form) for h in result.hits} >= {("logs/auditkit.log", form)}
    assert "blackwood" not in str(result.to_dict()).lower()


def test_words_are_matched_whole_not_inside_other_words(run_dir: Path) -> None:
    (run_dir / "notes.txt").write_text("annikas blackwoods; xannika, 2123456789x", encoding="utf-8")
    assert identifier_sweep(run_dir, FOUND).clean


def test_words_far_apart_are_not_the_name_but_each_name_part_is_reported(run_dir: Path) -> None:
    (run_dir / "notes.txt").write_text("annika" + " " * 20 + "blackwood", encoding="utf-8")
    assert {h.form for h in identifier_sweep(run_dir, FOUND).hits} == {"name_part"}


def test_identifiers_in_parquet_cells_gzip_and_file_names_are_found(run_dir: Path) -> None:
    pd.DataFrame({"word": ["annika", "blackwood"]}).to_parquet(run_dir / "a.parquet", compression="zstd")
    with gzip.open(run_dir / "b.log.gz", "wt") as handle:
        handle.write("phone (212) 345-6789")
    (run_dir / "annika_blackwood.txt").write_text("x", encoding="utf-8")
    hits = {(h.file, h.form) for h in identifier_sweep(run_dir, FOUND).hits}
    assert {("a.parquet", "raw"), ("b.log.gz", "raw"), ("<name withheld: holds an identifier>", "filename")} <= hits


def test_excluded_folders_are_not_searched(run_dir: Path) -> None:
    (run_dir / "model").mkdir()
    (run_dir / "model" / "vocab.txt").write_text("annika\nblackwood\n", encoding="utf-8")
    assert identifier_sweep(run_dir, FOUND, exclude=("model",)).clean
    assert not identifier_sweep(run_dir, FOUND).clean


def test_a_word_is_not_split_between_read_chunks(run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import auditkit.privacy._identifiers as identifiers

    monkeypatch.setattr(identifiers, "_CHUNK", 7)
    (run_dir / "x.txt").write_text("zz annika blackwood zz", encoding="utf-8")
    assert {h.form for h in identifier_sweep(run_dir, FOUND).hits} == {"raw", "name_part"}
