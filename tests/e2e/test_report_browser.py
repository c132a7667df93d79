"""The demo report in headless Chromium: no script runs, no request leaves the file; saves docs/scorecard.png.

Each check is shown able to fail on a control page: the same hostile data
rendered without escaping (and without the report's CSP) runs its script and
tries to fetch from the network.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest

from auditkit.report import render_report
from auditkit.scorecard import load_document
from auditkit.report._templates import BUILTIN_TEMPLATES
from auditkit.report._view import build_view
from tests.unit.report._runs import EGRESS_CANARY_HOST, demo_run, hostile_run

__all__ = ["demo_run", "hostile_run"]

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "scorecard.png"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless chromium not installed at /usr/bin/chromium (apt-get install chromium)"),
]
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run", "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND")


def _chromium(page: Path, work: Path, *extra: str) -> tuple[str, list[str]]:
    """Open ``page``; return the DOM after load and the page-initiated http(s) URLs from the net log."""
    profile, netlog = work / f"profile-{page.stem}", work / f"net-{page.stem}.json"
    shutil.rmtree(profile, ignore_errors=True)
    done = subprocess.run(
        [str(CHROMIUM), *_FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}", *extra, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, f"chromium exited {done.returncode}"
    return done.stdout, _page_requests(netlog)


def _page_requests(netlog: Path) -> list[str]:
    log = json.loads(netlog.read_text(encoding="utf-8"))
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    browser_own: set[str] = set()
    urls: set[str] = set()
    for event in log["events"]:
        params = event.get("params") or {}
        url = params.get("url")
        if not isinstance(url, str) or not re.match(r"(https?|wss?)://", url):
            continue
        if types.get(event["type"]) == "URL_REQUEST_START_JOB" and params.get("initiator") == "not an origin":
            browser_own.add(url)  # Chromium's own service calls (updates, time), not the page's
        urls.add(url)
    return sorted(urls - browser_own)


def _unescaped_control(run: Path, target: Path) -> Path:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)), autoescape=False)
    env.filters["fmt"] = lambda value, digits=3: str(value)
    html = env.get_template("scorecard.html.j2").render(**build_view(load_document(run / "scorecard.json")))
    target.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html), encoding="utf-8")
    return target


def test_hostile_report_runs_no_script_and_makes_no_request(hostile_run: Path, tmp_path: Path) -> None:
    page = render_report(hostile_run).html
    dom, requests = _chromium(page, tmp_path, "--dump-dom")
    assert "<body" in dom
    assert re.search(r"<title>auditkit scorecard: [^<]*</title>", dom)
    assert "<title>PWNED" not in dom and "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert "<script" not in dom.lower()
    assert requests == []


def test_control_page_without_escaping_runs_script_and_requests_the_network(hostile_run: Path, tmp_path: Path) -> None:
    """Shows both browser checks can fail."""
    page = _unescaped_control(hostile_run, tmp_path / "control.html")
    dom, requests = _chromium(page, tmp_path, "--dump-dom")
    assert "<title>PWNED</title>" in dom or 'data-pwned="1"' in dom
    assert any(EGRESS_CANARY_HOST in url for url in requests)


def test_demo_report_screenshot_is_saved_for_the_readme(demo_run: Path, tmp_path: Path) -> None:
    page = render_report(demo_run).html
    shot = tmp_path / "scorecard.png"
    _chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
