"""Serialise a view's table: tidy CSV (EES layout), its metadata file, safe for spreadsheets.

The page and the CLI call the same functions, so the CSV is exactly the table on screen.
"""
from __future__ import annotations

import pandas as pd

from outcomes import ees
from outcomes.releases import Release
from outcomes.store import Store
from outcomes.tables import published

# A cell starting with one of these is run as a formula by Excel and LibreOffice (CSV injection,
# OWASP). Prefixing an apostrophe keeps the text and stops the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if value.startswith("-"):
            try:
                float(value)
                return value  # a negative number is data, not a formula
            except ValueError:
                pass
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    return out


def to_csv_text(frame: pd.DataFrame) -> str:
    """CSV text with ISO dates, empty cells for missing values and formula-safe strings."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")


def to_csv_bytes(frame: pd.DataFrame, excel_bom: bool = True) -> bytes:
    """Bytes for a download button; the UTF-8 BOM makes Excel read accents and en-dashes right."""
    text = to_csv_text(frame)
    return text.encode("utf-8-sig" if excel_bom else "utf-8")


def metadata_for(frame: pd.DataFrame) -> pd.DataFrame:
    """The EES metadata file of a table: only its real filters, and its indicators."""
    return ees.metadata(frame)


def trend_frames(store: Store, release: Release, subtype: str | None = None, la: str | None = None,
                 region: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A trend's tidy rows (every release of the series) in their published form, and metadata."""
    from outcomes.summaries import trend_table

    data = trend_table(store, release, subtype, la, region)
    data = published(data) if not data.empty else data  # each row by its own level
    return data, metadata_for(data)


def export_frames(store: Store, release: Release, level: str, subtype: str | None = None,
                  region: str | None = None, la: str | None = None, every_subtype: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy data and metadata frames of a view: the single code path for screen and CSV.

    Every filter combination with Total rows (EES standard); provider rows at the Institution level.
    every_subtype=False: with no subtype chosen, the Total rows only: what a page's table shows
    beside its chart or map (the whole file, every subtype, is the release's own download)."""
    if level == "provider":
        data = ees.institution_table(store, release, subtype, la)
    elif subtype is None and not every_subtype:
        data = published(ees.total_table(store, release, level, region, la), level)
    else:
        data = published(ees.aggregate_table(store, release, level, subtype, region, la), level)
    return data, metadata_for(data)


def view_frames(store: Store, releases: list[Release], level: str, subtype: str | None = None,
                las: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The data page's table: each release's export table, stacked, filtered to the chosen LAs."""
    frames = []
    for r in releases:
        data, _ = export_frames(store, r, level, subtype)
        if las and "new_la_code" in data:
            data = data[data["new_la_code"].isin(las)]
        frames.append(data)
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return data, metadata_for(data)
