"""The mitigation chart, robustness and deployment sections drawn by headless Chromium, with no script and no request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditkit.report import render_report
from tests.e2e.test_report_browser import CHROMIUM, _chromium
from tests.unit.report._runs import demo_run
from tests.unit.report.test_release_sections_view import _with_sections

__all__ = ["demo_run"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless chromium not installed at /usr/bin/chromium (apt-get install chromium)"),
]


def test_the_mitigation_chart_renders_four_points_with_the_shipped_one_ringed(demo_run: Path, tmp_path: Path) -> None:
    page = render_report(_with_sections(demo_run)).html
    dom, requests = _chromium(page, tmp_path, "--dump-dom")
    chart = dom.split('id="chart-mitigations-t"', 1)[0].rsplit("<svg", 1)[1] + dom.split('id="chart-mitigations-t"', 1)[1].split("</svg>", 1)[0]
    assert len(re.findall(r'<circle class="s[01]"', chart)) == 4
    assert len(re.findall(r'<circle class="chosen"', chart)) == 1
    assert 'id="robustness"' in dom and 'id="deployment"' in dom and 'id="chart-variants-t"' in dom
    assert "<script" not in dom.lower() and requests == []
    shot = tmp_path / "mitigations.png"
    _chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1200,4000")
    assert shot.is_file() and shot.stat().st_size > 10_000
