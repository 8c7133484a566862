"""Tables as the GOV.UK table component wants them (caption, column headings, rows; the first cell
of each row a row heading): from a table already for people, or from tidy (EES) rows laid out by
outcomes.render.people exactly as the Streamlit page lays them out."""
from __future__ import annotations

import math

import pandas as pd
from markupsafe import Markup, escape

from outcomes.render.people import people_table

LINK_COLUMNS = {"Report": "Ofsted report", "Source": "Source"}


def _cell(value, column: str) -> dict:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return {"text": "—"}
    if column in LINK_COLUMNS and isinstance(value, str) and value.startswith("http"):
        return {"html": Markup(f'<a class="govuk-link" href="{escape(value)}">{LINK_COLUMNS[column]}'
                               f'<span class="govuk-visually-hidden"> ({escape(column.lower())})</span></a>')}
    if isinstance(value, bool):
        return {"text": "yes" if value else "no"}
    if isinstance(value, int) or (hasattr(value, "dtype") and pd.api.types.is_integer_dtype(getattr(value, "dtype", None))):
        return {"text": f"{int(value):,}", "format": "numeric"}
    if isinstance(value, float):
        return {"text": f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}", "format": "numeric"}
    if isinstance(value, pd.Timestamp):
        return {"text": value.date().isoformat()}
    return {"text": str(value)}


def table(frame: pd.DataFrame, caption: str, index: bool = False) -> dict:
    """GOV.UK table params for a frame shown as it is (with `index`, its index is the first column)."""
    if index:
        frame = frame.reset_index()
    columns = [str(c) for c in frame.columns]
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])}
    rows = [[_cell(v.item() if hasattr(v, "item") else v, str(c)) for c, v in zip(frame.columns, row)]
            for row in frame.itertuples(index=False, name=None)]
    head = [{"text": c} | ({"format": "numeric"} if col in numeric and i else {}) for i, (c, col) in enumerate(zip(columns, frame.columns))]
    return {"caption": caption, "captionClasses": "govuk-table__caption--s", "firstCellIsHeader": True,
            "head": head, "rows": rows}


def tidy_table(frame: pd.DataFrame, caption: str) -> dict:
    """A tidy table laid out for people (names not codes, '85.4%', symbols in words)."""
    return table(people_table(frame).whole, caption)
