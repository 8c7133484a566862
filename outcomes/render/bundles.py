"""Whole-release zips, data guidance from the fields registry, and "reproduce this" snippets."""
from __future__ import annotations

import io
import zipfile

import pandas as pd

from outcomes.domain.fields import SYMBOLS, Counts, Level, data_guidance_rows
from outcomes.domain.frameworks import GRADED
from outcomes.domain.releases import Release
from outcomes.domain.wording import LICENCE, long_date
from outcomes.quality.findings import report_csv
from outcomes.render.csvfiles import to_csv_bytes
from outcomes.results.tidy import export_frames
from outcomes.store.store import Store


def guidance_frame() -> pd.DataFrame:
    return pd.DataFrame(data_guidance_rows())


def guidance_text(release: Release, national_basis: str = "") -> str:
    """The release's data guidance (`national_basis`: the counts_basis of its England rows)."""
    lines = [f"# Data guidance: {release.title}", "", f"Status: {release.status_label}. Version: {release.version}.",
             f"As at: {long_date(release.as_at)}. Coverage: {release.coverage}.", "",
             f"Time: the figures are a snapshot of each provider's latest inspection as at {long_date(release.as_at)}. "
             f"Following the Explore Education Statistics standard, `time_period` is {release.as_at.year} with "
             f"`time_identifier` 'Reporting year', and the exact date is in `as_at_date` ({release.as_at.isoformat()}).", "",
             "Files: each table has every filter combination, with 'Total' rows, and a `.meta.csv` metadata file. "
             "The provider-level file is at the EES 'Institution' level (`institution_id` is the URN, or the UKPRN "
             "for further education): an ancillary file, one row per provider.", ""]
    if release.definition:
        lines += [f"What it counts: {release.definition}", ""]
    lines += [f"Cut-off: inspections whose reports were published by {long_date(release.cutoff)}. {release.cutoff_note}".rstrip(),
              f"Counts cover: {_counts_words(release, national_basis)}", ""]
    if release.notes:
        lines += [release.notes, ""]
    lines += ["## Columns", ""]
    for r in data_guidance_rows():
        allowed = f" Allowed values: {r['allowed_values']}." if r["allowed_values"] else ""
        lines.append(f"- `{r['col_name']}` ({r['type']}): {r['label']}. {r['description']}{allowed}")
    lines += ["", "## Symbols", ""] + [f"- `{k}`: {v}" for k, v in SYMBOLS.items()]
    return "\n".join(lines) + "\n"


def _counts_words(release: Release, national_basis: str) -> str:
    if release.counts == Counts.ALL_REGISTERED:
        return "every registered provider."
    if national_basis == Counts.ALL_REGISTERED.label:
        return ("inspected providers only, the file listing no others, except England's rows, which take Ofsted's own count "
                "of every active provider (`counts_basis` on each row says which).")
    return "inspected providers only (`counts_basis` says so on every row)."


def release_files(store: Store, release: Release) -> dict[str, bytes]:
    """Every file of a release zip, by its path in the zip: tidy data at each level with its
    metadata, provider rows, data guidance, QA report and licence."""
    files = {}
    for level in Level:
        data, meta = export_frames(store, release, level)
        if data.empty:
            continue
        files[f"data/{release.id}_{level.value}.csv"] = to_csv_bytes(data)
        files[f"data/{release.id}_{level.value}.meta.csv"] = to_csv_bytes(meta)
    national = store.grades(release.id, Level.NATIONAL)
    files["data-guidance.md"] = guidance_text(release, national["counts_basis"].iloc[0] if len(national) else "").encode()
    files["data-guidance.csv"] = to_csv_bytes(guidance_frame())
    files["qa-report.csv"] = store.qa_report(release.id) or report_csv([]).encode()
    files["LICENCE.txt"] = LICENCE.encode()
    return files


def release_zip(store: Store, release: Release, files: dict[str, bytes] | None = None) -> bytes:
    """The whole release as one zip. Each member is dated with the release's publication time,
    not the clock, so the same release always gives the same bytes (and the same sha256)."""
    stamp = release.published.timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in (files or release_files(store, release)).items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16  # rw-r--r-- when unzipped
            z.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def reproduce_sql(release: Release, subtype: str | None) -> str:
    where = f"\n  AND provider_subtype = '{subtype.replace(chr(39), chr(39) * 2)}'" if subtype else ""
    return (f"-- DuckDB, over data/{release.id}_provider.csv from the release zip\n"
            f"SELECT la_name, overall_grade, count(*) AS providers\n"
            f"FROM read_csv('data/{release.id}_provider.csv')\n"
            f"WHERE country_name = 'England'{where}\n"
            f"GROUP BY ALL ORDER BY ALL;")


def reproduce_pandas(release: Release, subtype: str | None) -> str:
    filt = f"\ndf = df[df.provider_subtype == {subtype!r}]" if subtype else ""
    return (f"import pandas as pd\n"
            f"df = pd.read_csv('data/{release.id}_provider.csv', dtype=str)\n"
            f"df = df[df.country_name == 'England']{filt}\n"
            f"counts = df.pivot_table(index='la_name', columns='overall_grade', values='institution_id', aggfunc='count', fill_value=0)\n"
            f"graded = counts[[c for c in {sorted(GRADED)!r} if c in counts]].sum(axis=1)\n"
            f"good = counts[[c for c in ['outstanding', 'good'] if c in counts]].sum(axis=1)\n"
            f"pct_good_or_outstanding = (100 * good / graded).round(1)")


def reproduce_markdown(release: Release, level: str, subtype: str | None = None, la: str | None = None,
                       region: str | None = None) -> str:
    """How to rebuild a table: the command that writes it, then SQL and pandas over the release zip."""
    cmd = (f"python -m outcomes export --provider-type {release.provider_type} --as-at {release.as_at} --level {level}"
           + (f' --subtype "{subtype}"' if subtype else "") + (f" --la {la}" if la else f" --region {region}" if region else "")
           + " --out table.csv")
    keep = "" if subtype or level == "provider" else \
        "The table on the page is the file's `Total` rows (`provider_subtype` is `Total`); the file also has a row for each subtype."
    return "\n\n".join(x for x in [
        "The same table from the command line:", f"```bash\n{cmd}\n```", keep,
        "Or from the provider-level file in the release zip (Download data page), with DuckDB:",
        f"```sql\n{reproduce_sql(release, subtype)}\n```", "or pandas:", f"```python\n{reproduce_pandas(release, subtype)}\n```",
    ] if x)
