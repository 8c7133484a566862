"""Tables for people: the tidy (EES) rows a download holds, turned into what a reader expects.

The download keeps the tidy CSV exactly (codes, time identifiers, symbols); on screen a reader gets
the area's name, the date in words, percentages with one decimal and a % sign, and a symbol with
its meaning instead of a blank. Columns that only a machine needs (codes, time identifiers) go.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from outcomes.domain import disclosure
from outcomes.domain.fields import FIELDS, Counts
from outcomes.domain.frameworks import GRADE_LABELS
from outcomes.domain.wording import long_date

# Tidy columns no reader needs on screen: codes and the EES time bookkeeping.
MACHINE_COLUMNS = ("time_period", "time_identifier", "country_code", "country_name", "region_code", "new_la_code",
                   "old_la_code", "provider_type", "institution_id")
SYMBOL_WORDS = {disclosure.SUPPRESSED: f"c (fewer than {disclosure.THRESHOLD} graded)",
                disclosure.NOT_APPLICABLE: "z (none graded)", "x": "x (not available)"}


def _area(frame: pd.DataFrame) -> pd.Series:
    """The name of each row's area: the LA, else the region, else England."""
    area = pd.Series("England", index=frame.index, dtype=object)
    for col in ("region_name", "la_name"):
        if col in frame:
            area = area.mask(frame[col].notna() & (frame[col].astype(str) != ""), frame[col])
    return area


def _share(value) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if text in SYMBOL_WORDS:
        return SYMBOL_WORDS[text]
    try:
        return f"{float(text):.1f}%"
    except ValueError:
        return text or SYMBOL_WORDS[disclosure.NOT_APPLICABLE]


def for_people(tidy: pd.DataFrame) -> pd.DataFrame:
    """A tidy table (published form: shares as text or symbols) laid out for reading."""
    if tidy.empty:
        return tidy
    out = pd.DataFrame(index=tidy.index)
    levels = set(tidy["geographic_level"]) if "geographic_level" in tidy else set()
    if levels and levels != {"Institution"}:
        out["Area"] = _area(tidy)
        if len(levels) > 1:
            out["Level"] = tidy["geographic_level"]
    elif "la_name" in tidy:
        out["Local authority"] = tidy["la_name"].fillna("not known")
    if "as_at_date" in tidy and tidy["as_at_date"].nunique() > 1:
        out["As at"] = tidy["as_at_date"].map(long_date)
    for col in tidy.columns:
        if col in MACHINE_COLUMNS or col in ("geographic_level", "la_name", "region_name", "as_at_date"):
            continue
        if col == "provider_subtype" and tidy[col].nunique() == 1:
            continue  # one value says nothing the page's own filters do not
        if col == "counts_basis" and set(tidy[col]) <= {Counts.ALL_REGISTERED.label}:
            continue  # said only where some counts are of inspected providers only
        label = FIELDS[col].label if col in FIELDS else col.replace("_", " ").capitalize()
        values = tidy[col]
        if col.startswith("pct_"):
            values = values.map(_share)
        elif col in ("overall_grade",):
            values = values.map(lambda g: GRADE_LABELS.get(g, "not yet graded" if g == "not_yet_graded" else g))
        elif col.endswith("_date"):
            values = values.map(long_date)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            values = values.fillna("—")
        out[label] = values
    return out.reset_index(drop=True)


# The few columns a reader needs to answer "how are they doing here?": where, how many, and the
# shares. The counts by grade are in the chart beside the table, and in "Show all columns".
KEY_COLUMNS = ("Area", "Local authority", "Level", "As at", "Provider subtype", "Counts cover", "Providers", "Graded providers",
               "Good or outstanding (%)", "Inadequate (%)")


def compact(people: pd.DataFrame) -> pd.DataFrame:
    """A table laid out for people (for_people), cut to its key columns."""
    return people[[c for c in people.columns if c in KEY_COLUMNS]]


@dataclass(frozen=True)
class PeopleTable:
    """What a page shows for a table: all its columns laid out for people, its key columns
    (None when that leaves nothing out), and each column's heading and help text."""
    whole: pd.DataFrame
    key: pd.DataFrame | None
    columns: dict[str, tuple[str, str]]  # column -> (heading, help)
    arrow: dict[str, object] = field(default_factory=dict)  # "whole"/"key" -> the same as an Arrow table

    def shown(self, compact: bool) -> tuple[pd.DataFrame, object | None]:
        """The frame shown (key columns when `compact` and there are fewer), and its Arrow table
        when made ahead (what a page sends; None: the page converts it)."""
        part = "key" if compact and self.key is not None else "whole"
        return getattr(self, part), self.arrow.get(part)


def people_table(frame: pd.DataFrame) -> PeopleTable:
    """A tidy table (or a table already for people) as a page shows it, made once per table."""
    if "geographic_level" not in frame:
        return PeopleTable(frame, None, {c: (FIELDS[c].label, FIELDS[c].description) for c in frame.columns if c in FIELDS})
    people = for_people(frame)
    key = compact(people)
    key = key if len(key.columns) < len(people.columns) else None
    help_by_label = {FIELDS[c].label: FIELDS[c].description for c in frame.columns if c in FIELDS}
    return PeopleTable(people, key, {c: (c, h) for c, h in help_by_label.items() if c in people.columns},
                       {name: table for name, table in (("whole", _arrow(people)), ("key", _arrow(key))) if table is not None})


def _arrow(frame: pd.DataFrame | None):
    """A people table as Arrow, made once (a page sends Arrow; converting is most of a table's
    cost on a page run); None when a column does not convert as it is (the page converts it then)."""
    if frame is None:
        return None
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
