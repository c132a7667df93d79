"""Every gate writer turns odd Unicode in attribute and group names into valid, inert UTF-8 (never exit 3).

The rule (:mod:`auditkit._unicode`): a lone surrogate is written as U+FFFD; control
characters and U+2028 are dropped (JUnit), escaped (JSON) or shown as ``?`` (Markdown,
terminal).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from auditkit.cli._app import main
from auditkit.gate import evaluate, junit_xml, load_policy, markdown_summary, sarif_json, text_table
from tests.unit.gate._cards import make_scorecard, write_card

SURROGATE = "\ud800"
ODD_ATTRIBUTE = f"g{SURROGATE}\x01\x1b\u2028x"
ODD_GROUP = f"{SURROGATE}\x07\u2029"


def _odd_card() -> dict[str, Any]:
    card = make_scorecard()
    fairness = card["fairness"]
    groups = fairness["attributes"]["gender"]["groups"]
    groups[ODD_GROUP] = groups.pop("female")
    fairness["attributes"][ODD_ATTRIBUTE] = fairness["attributes"].pop("age_band")
    fairness["declared"] = sorted([ODD_ATTRIBUTE, "gender"])
    return card


def _verdict() -> Any:
    verdict = evaluate(_odd_card(), load_policy("default"))
    assert any(SURROGATE in o.metric for o in verdict.outcomes)  # the odd name reaches the writers
    return verdict


def test_junit_is_well_formed_utf8_with_the_surrogate_replaced_and_controls_dropped() -> None:
    data = junit_xml(_verdict())
    text = data.decode("utf-8")  # strict: raises on anything UTF-8 cannot hold
    names = [case.get("name") or "" for case in ET.fromstring(data).iter("testcase")]
    assert any("g\ufffd" in name for name in names)
    assert not any(ch in text for ch in "\x01\x1b\x07")


def test_sarif_is_utf8_json_with_the_surrogate_replaced() -> None:
    card = _odd_card()  # SARIF carries failures only: make the odd attribute's gap fail
    card["fairness"]["attributes"][ODD_ATTRIBUTE]["equal_opportunity_difference"] = {"value": 0.3, "ci_low": 0.2, "ci_high": 0.4}
    verdict = evaluate(card, load_policy("default"))
    assert any(SURROGATE in o.metric and o.status == "fail" for o in verdict.outcomes)
    text = sarif_json(verdict)
    text.encode("utf-8")
    log = json.loads(text)
    messages = [result["message"]["text"] for result in log["runs"][0]["results"]]
    assert any("g\ufffd\x01\x1b\u2028x" in message for message in messages)  # JSON escapes the controls
    assert "\x01" not in text and "\\u0001" in text


@pytest.mark.parametrize("render", [markdown_summary, text_table], ids=["markdown", "terminal"])
def test_markdown_and_terminal_table_show_controls_as_question_marks(render: Any) -> None:
    text = render(_verdict())
    text.encode("utf-8")
    assert "g\ufffd??" in text
    assert not any(ch in text for ch in (SURROGATE, "\x01", "\x1b", "\u2028", "\u2029"))


def test_gate_cli_writes_every_report_for_odd_names_instead_of_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = write_card(tmp_path / "scorecard.json", _odd_card(), sealed=False)
    outputs = {"--junit": tmp_path / "junit.xml", "--sarif": tmp_path / "gate.sarif", "--markdown": tmp_path / "summary.md"}
    argv = ["gate", str(card), "--policy", "default"]
    for flag, path in outputs.items():
        argv += [flag, str(path)]
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 1, 4), err  # a verdict (the loader's handling of odd keys may make it inconclusive), not exit 3
    for path in outputs.values():
        assert "\ufffd" in path.read_bytes().decode("utf-8")
