"""QA findings and the exception report the statistics team reads before publishing.

Hard findings block publication (the release is not written and what was published stays);
warnings are listed for a person to judge; info records what the build did.
"""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from pathlib import Path

from outcomes import atomic

HARD, WARNING, INFO = "hard", "warning", "info"
MAX_ROWS_PER_CHECK = 20  # the report lists this many example rows per check, then a count


@dataclass(frozen=True)
class Finding:
    release_id: str
    severity: str
    check: str
    message: str
    file: str = ""
    row: int | None = None
    column: str = ""
    count: int = 1

    def line(self) -> str:
        where = ", ".join(x for x in (self.file, f"row {self.row}" if self.row else "", f"column '{self.column}'" if self.column else "") if x)
        return f"[{self.severity}] {self.check}: {self.message}" + (f" ({where})" if where else "")


def note(release_id: str, check: str, message: str, file: str = "", count: int = 1) -> Finding:
    """What the build did, for the report (INFO: never a judgement on the release)."""
    return Finding(release_id, INFO, check, message, file, count=count)


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == HARD]


def capped(findings: list[Finding]) -> list[Finding]:
    """At most MAX_ROWS_PER_CHECK findings per (release, check); the rest summarised in one line."""
    out, seen = [], {}
    for f in findings:
        key = (f.release_id, f.check)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= MAX_ROWS_PER_CHECK:
            out.append(f)
    for (rid, check), n in seen.items():
        if n > MAX_ROWS_PER_CHECK:
            sev = next(f.severity for f in findings if f.release_id == rid and f.check == check)
            out.append(Finding(rid, sev, check, f"... and {n - MAX_ROWS_PER_CHECK} more rows like these", count=n - MAX_ROWS_PER_CHECK))
    return out


REPORT_COLUMNS = ["release_id", "severity", "check", "message", "file", "row", "column", "count"]


def report_csv(findings: list[Finding]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    w.writeheader()
    for f in findings:
        w.writerow(asdict(f))
    return buf.getvalue()


def report_markdown(findings: list[Finding], titles: dict[str, str]) -> str:
    lines = ["# QA exception report", ""]
    by_release: dict[str, list[Finding]] = {}
    for f in findings:
        by_release.setdefault(f.release_id, []).append(f)
    for rid, fs in by_release.items():
        hard = sum(1 for f in fs if f.severity == HARD)
        warn = sum(1 for f in fs if f.severity == WARNING)
        if any(f.check == "not_built" for f in fs):
            verdict = "not built: its source file is not in the source folder"
        else:
            verdict = "BLOCKED: not published" if hard else "passes (warnings to review)" if warn else "passes"
        lines += [f"## {titles.get(rid, rid)}", "", f"`{rid}`: **{verdict}**, {hard} hard, {warn} warnings", ""]
        lines += ["| severity | check | message | where |", "|---|---|---|---|"]
        for f in fs:
            where = " ".join(x for x in (f.file, f"row {f.row}" if f.row else "", f.column) if x)
            lines.append(f"| {f.severity} | {f.check} | {f.message.replace('|', '/')} | {where} |")
        lines.append("")
    return "\n".join(lines)


def write_report(findings: list[Finding], titles: dict[str, str], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    md, cs = folder / "qa_report.md", folder / "qa_report.csv"
    # Atomically, like every file the team reads: a crash or a full disk leaves the last report whole.
    atomic.write_bytes(md, report_markdown(findings, titles).encode("utf-8"))
    atomic.write_bytes(cs, report_csv(findings).encode("utf-8"))
    return md, cs


