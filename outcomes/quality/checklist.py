"""What the build ticks on a release's QA checklist (outcomes.domain.checklist), from what it checked itself.

It ticks "no hard finding" and, where the release names a cross-check that ran, "cross-checked". For the
items a person signs it records what it found (how many warnings, which release it compared with) so the
signer sees it beside the item. DfE's screener is a test helper (tests/screener.py, 700 lines), not part
of the build: its item is a person's, who runs it (the item's hint says how).
"""
from __future__ import annotations

import datetime as dt

from outcomes import settings
from outcomes.domain.releases import Release
from outcomes.quality.findings import HARD, WARNING, Finding

def _tally(findings: list[Finding], checks: tuple[str, ...] | None = None) -> tuple[int, int]:
    """(hard, warnings) among the findings (of these checks only, when given)."""
    chosen = [f for f in findings if checks is None or f.check in checks]
    return sum(f.severity == HARD for f in chosen), sum(f.severity == WARNING for f in chosen)


def _crosscheck(release: Release, findings: list[Finding]) -> dict:
    if release.crosscheck is None:
        return {"ok": False, "note": "the catalogue names no cross-check for this release"}
    ran = [f for f in findings if f.check.startswith("crosscheck") or f.check == "ofsted_aggregates"]
    if not ran or any(f.message.startswith(("skipped", "cross-check not run")) for f in ran):
        return {"ok": False, "note": f"the cross-check with {release.crosscheck.label} did not run (see the QA report)"}
    _, warnings = _tally(ran)
    return {"ok": True, "note": f"compared with {release.crosscheck.label}: {warnings} warnings to review"}


def build_ticks(release: Release, findings: list[Finding]) -> dict:
    """The checklist record of one built release: what the build ticked and what it found."""
    hard, warnings = _tally(findings)
    previous = next((f.message for f in findings if f.check == "row_count"), "")
    return {
        "version": release.version,
        "built_at": dt.datetime.now(settings.LONDON).isoformat(timespec="seconds"),
        "items": {
            "no_hard_findings": {"ok": hard == 0, "note": f"{hard} hard findings, {warnings} warnings in the QA report"},
            "exception_report": {"ok": False, "note": f"{warnings} warnings to read"},
            "previous_release": {"ok": False, "note": previous or "no earlier release of the series to compare with"},
            "crosscheck": _crosscheck(release, findings),
        },
    }
