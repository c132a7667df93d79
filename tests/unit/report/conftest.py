"""Fixtures for the report tests (defined in ``_runs`` so the security and e2e tests share them)."""

from __future__ import annotations

from tests.unit.report._runs import demo_run, hostile_run

__all__ = ["demo_run", "hostile_run"]
