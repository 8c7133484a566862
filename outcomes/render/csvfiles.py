"""A view's table as a CSV file a spreadsheet opens safely: ISO dates, empty cells for missing values,
formula-safe strings, a byte order mark for Excel. The page, the release zip and the CLI call the same
functions on the same frame (outcomes.results.tidy), so the CSV is exactly the table on screen.
"""
from __future__ import annotations

import pandas as pd

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
