"""DfE's data screener, ported to Python as a test helper.

The rules are those of dfe-analytical-services/dfe-published-data-qa (R/fileValidation.r,
R/preCheck1.r, R/preCheck2.r, R/mainTests.r, R/knownVariables.r; the eesyscreener package has the
same checks): every check that can apply to our files, with the screener's own names and results
(FAIL, ADVISORY, ANCILLARY). Each message names the file, and where it can the row (the CSV line
number, the header being line 1) and the column. Left out: ethnicity, LAD/ward/PCon/LSIP/LEP/EDA
code lookups and the other-geography duplicate checks (no such columns or levels in our files).

    findings = screen(data_bytes, meta_bytes, "x.csv", "x.meta.csv")
    assert_passes(data_bytes, meta_bytes, "x.csv", "x.meta.csv")   # raises with every problem

`assert_passes` fails on every FAIL and on the ADVISORY checks this project treats as errors
(`STRICT`: a Total in every filter, snake_case names, decimal places for every indicator,
legacy symbols), except Total for ancillary files, whose rows are single institutions.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

# -- knownVariables.r ---------------------------------------------------------------------------
MANDATORY_DATA = ["geographic_level", "time_period", "time_identifier", "country_code", "country_name"]
MANDATORY_META = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                  "filter_hint", "filter_grouping_column"]
TERMS = ["Spring term", "Autumn term", "Summer term"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKS = [f"Week {i}" for i in range(1, 53)]
QUARTERS = [f"Financial year Q{i}" for i in range(1, 5)]
HALVES = ["Part 1 (April to September)", "Part 2 (October to March)"]
FOUR_DIGIT = ["Calendar year", "Reporting year", *WEEKS, *MONTHS]
SIX_DIGIT = ["Autumn and spring term", *TERMS, "Financial year", "Academic year", "Tax year", *QUARTERS, *HALVES]
TIME_IDENTIFIERS = FOUR_DIGIT + SIX_DIGIT
# Identifiers that may be mixed in one file (preCheck2.r time_identifier_mix): each single value
# is a family of its own, the others are families of several.
TIME_FAMILIES = [[t] for t in ("Autumn and spring term", "Calendar year", "Financial year", "Academic year",
                               "Tax year", "Reporting year")] + [TERMS, WEEKS, MONTHS, QUARTERS, HALVES]
GSS_SYMBOLS = ["z", "x", "c", "low", "u"]  # not applicable, not available, confidential, rounds to 0, low reliability
LEGACY_SYMBOLS = ["~", ":"]
OLD_NO_DATA = ["N/A", "n/a", ".", "..", "-"]
NULLS = ["NA", "na", "Null", "null", "NULL"]
INDICATOR_UNITS = ["%", "pp", "£", "£m"]
# geographic level: the columns each level's rows need (the screener's geography_matrix).
GEOGRAPHY = {
    "National": ["country_code", "country_name"],
    "Regional": ["region_code", "region_name"],
    "Local authority": ["old_la_code", "la_name", "new_la_code"],
    "Local authority district": ["lad_code", "lad_name"],
    "RSC region": ["rsc_region_lead_name"],
    "Parliamentary constituency": ["pcon_code", "pcon_name"],
    "Local skills improvement plan area": ["lsip_code", "lsip_name"],
    "Local enterprise partnership": ["local_enterprise_partnership_code", "local_enterprise_partnership_name"],
    "English devolved area": ["english_devolved_area_code", "english_devolved_area_name"],
    "Opportunity area": ["opportunity_area_code", "opportunity_area_name"],
    "Ward": ["ward_code", "ward_name"],
    "MAT": ["trust_id", "trust_name"],
    "Sponsor": ["sponsor_id", "sponsor_name"],
    "School": ["school_urn", "school_name", "school_laestab"],
    "Provider": ["provider_ukprn", "provider_name"],
    "Institution": ["institution_id", "institution_name"],
    "Planning area": ["planning_area_code", "planning_area_name"],
}
LOW_LEVELS = ["School", "Provider", "Institution", "Planning area"]  # ignored by the EES table tool
OBSERVATIONAL_UNITS = ["time_period", "time_identifier", "geographic_level"] + [c for cs in GEOGRAPHY.values() for c in cs]
POTENTIAL_OB_UNITS = re.compile(
    r"(^(sch|prov|inst|estab|reg|la|local|rsc|pcon|lep|mca|oa|ward|mat).*(name|code|urn|ukprn|number|upin|id)$)|"
    r"(^(laestab|estab|sch|school|schools|prov|provider|providers|inst|institution|institutions|name|code|urn|ukprn|"
    r"number|upin|id|region|la|lad|rsc|pcon|lep|mca|oa|ward|mat)$)", re.IGNORECASE)
# Standard geographies (the screener's data/country.csv and data/regions.csv; ONS names and codes).
COUNTRIES = {("E92000001", "England"), ("W92000004", "Wales"), ("S92000003", "Scotland"),
             ("N92000002", "Northern Ireland"), ("K02000001", "United Kingdom"), ("K03000001", "Great Britain"),
             ("K04000001", "England and Wales")}
REGIONS = {("E12000001", "North East"), ("E12000002", "North West"), ("E12000003", "Yorkshire and The Humber"),
           ("E12000004", "East Midlands"), ("E12000005", "West Midlands"), ("E12000006", "East of England"),
           ("E12000007", "London"), ("E12000008", "South East"), ("E12000009", "South West"),
           ("E13000001", "Inner London"), ("E13000002", "Outer London")}
SMUSHED = ["male", "female", "asian", "chinese", "indian", "pakistani", "bangladeshi", "black", "african",
           "caribbean", "white", "roma", "irish", "english", "british", "scottish", "welsh", "arab"]
# ADVISORY checks this project treats as errors (the brief: Totals, names, dp, symbols).
STRICT = {"total", "variable_snake_case", "indicator_dp_completed", "obsolete_symbols", "no_data_symbols"}


@dataclass(frozen=True)
class Finding:
    check: str
    result: str  # FAIL | ADVISORY | ANCILLARY
    message: str

    def __str__(self) -> str:
        return f"{self.check} [{self.result}]: {self.message}"


class Files:
    """One data file and its metadata file, every cell read as text (blank = '')."""

    def __init__(self, data: bytes, meta: bytes, data_name: str, meta_name: str, la_combinations: set | None):
        self.data_bytes, self.meta_bytes, self.data_name, self.meta_name = data, meta, data_name, meta_name
        self.data_header, self.data = _read(data)
        self.meta_header, self.meta = _read(meta)
        self.la_combinations = la_combinations

    def col(self, frame: pd.DataFrame, name: str) -> pd.Series:
        return frame[name] if name in frame else pd.Series("", index=frame.index)

    def meta_of(self, col_type: str) -> list[str]:
        return [c for c in self.col(self.meta, "col_name")[self.col(self.meta, "col_type") == col_type] if c]

    @property
    def groups(self) -> list[str]:
        return [g for g in self.col(self.meta, "filter_grouping_column") if g]

    def at(self, i: int, column: str | None = None) -> str:
        """Where a data cell is: file, CSV line (header = line 1) and column."""
        return f"{self.data_name} line {i + 2}" + (f", column {column}" if column else "")

    def meta_at(self, i: int, column: str) -> str:
        return f"{self.meta_name} line {i + 2}, column {column}"

    @property
    def ancillary(self) -> bool:
        levels = set(self.col(self.data, "geographic_level"))
        return bool(levels) and levels <= {"Institution", "Planning area"}


def _read(raw: bytes) -> tuple[list[str], pd.DataFrame]:
    text = raw.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    width = len(header)
    body = [r + [""] * (width - len(r)) for r in rows[1:]]
    frame = pd.DataFrame([r[:width] for r in body], columns=pd.Index(range(width)), dtype=object)
    frame.columns = [f"{h}" if header.index(h) == i else f"{h}.{i}" for i, h in enumerate(header)] if width else []
    return header, frame


CHECKS: list[tuple[str, str, object]] = []


def check(result: str = "FAIL"):
    """Register a check: a function of Files returning a list of problem messages."""
    def register(fn):
        CHECKS.append((fn.__name__, result, fn))
        return fn
    return register


def _first(rows: pd.Series, limit: int = 5) -> list[int]:
    return list(rows[rows].index[:limit])


# -- fileValidation.r ---------------------------------------------------------------------------
@check()
def filename_spaces(f: Files):
    return [f"{n}: the filename has spaces" for n in (f.data_name, f.meta_name) if " " in n]


@check()
def filename_special_characters(f: Files):
    out = []
    for name, stem in ((f.data_name, re.sub(r"\.csv$", "", f.data_name)), (f.meta_name, re.sub(r"\.meta\.csv$", "", f.meta_name))):
        bad = sorted(set(re.sub(r"[A-Za-z0-9_\-\s]", "", stem)))
        if bad:
            out.append(f"{name}: remove {' '.join(bad)}; filenames have only letters, numbers, hyphens and underscores")
    return out


@check()
def naming_convention(f: Files):
    if not f.data_name.endswith(".csv") or not f.meta_name.endswith(".csv"):
        return [f"{f.data_name} / {f.meta_name}: both files must be CSV"]
    expected = re.sub(r"\.csv$", ".meta.csv", f.data_name)
    return [] if f.meta_name == expected else [f"{f.meta_name}: the metadata file of {f.data_name} must be named {expected}"]


@check()
def rows_to_cols(f: Files):
    spare = len(f.data_header) - 5
    return [] if len(f.meta) <= spare else [f"{f.meta_name}: {len(f.meta)} rows, more than the {spare} non-mandatory columns of {f.data_name}"]


@check()
def file_separator(f: Files):
    return [f"{n}: not comma-separated" for n, h in ((f.data_name, f.data_header), (f.meta_name, f.meta_header)) if len(h) < 2]


@check()
def empty_rows(f: Files):
    out = []
    for name, frame in ((f.data_name, f.data), (f.meta_name, f.meta)):
        blank = frame.eq("").all(axis=1) if len(frame.columns) else pd.Series(dtype=bool)
        out += [f"{name} line {i + 2}: blank row" for i in _first(blank)]
    return out


@check()
def data_empty_cols(f: Files):
    return [f"{f.data_name}, column {c}: every cell is empty" for c in f.data.columns if len(f.data) and f.data[c].eq("").all()]


@check()
def mandatory_cols(f: Files):
    return [f"{f.data_name}: mandatory column {c} is missing" for c in MANDATORY_DATA if c not in f.data_header] + \
           [f"{f.meta_name}: mandatory column {c} is missing" for c in MANDATORY_META if c not in f.meta_header]


# -- preCheck1.r --------------------------------------------------------------------------------
@check()
def invalid_meta_cols(f: Files):
    return [f"{f.meta_name}: {c} is not a metadata column" for c in f.meta_header if c not in MANDATORY_META]


@check()
def meta_to_data_crosscheck(f: Files):
    names = [c for c in list(f.col(f.meta, "col_name")) + f.groups if c]
    return [f"{f.meta_name}: {c} is described but is not a column of {f.data_name}" for c in names if c not in f.data_header]


@check()
def time_identifier(f: Files):
    bad = ~f.col(f.data, "time_identifier").isin(TIME_IDENTIFIERS)
    return [f"{f.at(i, 'time_identifier')}: {f.col(f.data, 'time_identifier')[i]!r} is not an allowed time_identifier "
            f"(e.g. 'Reporting year', 'Calendar year', 'Academic year')" for i in _first(bad)]


@check()
def geographic_level(f: Files):
    bad = ~f.col(f.data, "geographic_level").isin(GEOGRAPHY)
    return [f"{f.at(i, 'geographic_level')}: {f.col(f.data, 'geographic_level')[i]!r} is not an allowed geographic_level"
            for i in _first(bad)]


@check()
def col_name_completed(f: Files):
    return [f"{f.meta_at(i, 'col_name')}: col_name is blank" for i in _first(f.col(f.meta, "col_name").eq(""))]


@check()
def duplicate_variable_names(f: Files):
    seen = [c for i, c in enumerate(f.data_header) if c in f.data_header[:i]]
    return [f"{f.data_name}: column {c} appears twice" for c in seen]


# -- preCheck2.r --------------------------------------------------------------------------------
@check()
def time_identifier_mix(f: Files):
    ids = list(dict.fromkeys(f.col(f.data, "time_identifier")))
    family = next((fam for fam in TIME_FAMILIES if ids and ids[0] in fam), [])
    mixed = [t for t in ids if t not in family]
    return [f"{f.data_name}, column time_identifier: {mixed} cannot be mixed with {ids[0]!r}"] if ids and mixed else []


@check()
def geography_level_present(f: Files):
    out = []
    for level in dict.fromkeys(f.col(f.data, "geographic_level")):
        if level != "National":
            out += [f"{f.data_name}: {level!r} rows need column {c}" for c in GEOGRAPHY.get(level, []) if c not in f.data_header]
    return out


@check()
def data_variable_spaces(f: Files):
    return [f"{f.data_name}: column name {c!r} has a space" for c in f.data_header if re.search(r"\s", c)]


@check()
def ob_unit_meta(f: Files):
    named = set(f.col(f.meta, "col_name")) | set(f.groups)
    allowed = ["school_name", "provider_name"] if len(f.meta_of("Filter")) == 1 else []
    return [f"{f.meta_name}: {c} is an observational unit (time or geography) and must not be in the metadata"
            for c in OBSERVATIONAL_UNITS if c in named and c not in allowed]


@check()
def filter_level(f: Files):
    return [f"{f.meta_name}: filter {c} has fewer than two values in {f.data_name} ({sorted(set(f.data[c]))}); "
            f"remove it from the metadata" for c in f.meta_of("Filter") if c in f.data and f.data[c].nunique() < 2]


@check()
def utf8(f: Files):
    out = []
    for name, raw in ((f.data_name, f.data_bytes), (f.meta_name, f.meta_bytes)):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as e:
            line = raw[:e.start].count(b"\n") + 1
            out.append(f"{name} line {line}: not UTF-8 (byte {e.start}); save the file as UTF-8")
    return out


@check()
def col_type(f: Files):
    bad = ~f.col(f.meta, "col_type").isin(["Filter", "Indicator"])
    return [f"{f.meta_at(i, 'col_type')}: {f.meta.at[i, 'col_type']!r} must be 'Filter' or 'Indicator'" for i in _first(bad)]


@check()
def time_validation(f: Files):
    bad = ~f.col(f.data, "time_period").str.fullmatch(r"\d+")
    return [f"{f.at(i, 'time_period')}: {f.col(f.data, 'time_period')[i]!r} must be a 4 or 6 digit number" for i in _first(bad)]


# -- mainTests.r --------------------------------------------------------------------------------
@check("ADVISORY")
def variable_snake_case(f: Files):
    return [f"{f.data_name}: column name {c!r} is not snake_case (lower-case letters, digits, underscores; starting with a letter)"
            for c in f.data_header if not re.fullmatch(r"[a-z][a-z0-9_]*", c)]


def _present_ob_units(f: Files) -> list[str]:
    return list(dict.fromkeys([c for c in OBSERVATIONAL_UNITS if c in f.data_header] +
                              [c for c in f.data_header if POTENTIAL_OB_UNITS.search(c)]))


@check()
def duplicate_rows(f: Files):
    keys = [c for c in dict.fromkeys(OBSERVATIONAL_UNITS + f.meta_of("Filter") + f.groups) if c in f.data]
    levels = set(f.col(f.data, "geographic_level"))
    skip = ["Institution", "Planning area"] if len(levels) == 1 and levels <= {"School", "Provider"} else LOW_LEVELS
    rows = f.data[~f.col(f.data, "geographic_level").isin(skip)]
    dupes = rows.duplicated(subset=keys, keep="first") if keys else pd.Series(dtype=bool)
    return [f"{f.at(i)}: duplicates an earlier row in every time, geography and filter column ({', '.join(keys)})"
            for i in _first(dupes)]


@check("ADVISORY")
def data_to_meta_crosscheck(f: Files):
    described = set(f.col(f.meta, "col_name")) | set(f.groups) | set(_present_ob_units(f))
    return [f"{f.data_name}, column {c}: not an observational unit, not described in {f.meta_name}, and has several values"
            for c in f.data_header if c not in described and f.data[c].nunique() > 1]


@check("ADVISORY")
def total(f: Files):
    return [f"{f.data_name}, column {c}: no 'Total' value; add the Total rows" for c in f.meta_of("Filter") + f.groups
            if c in f.data and "Total" not in set(f.data[c])]


@check()
def observational_total(f: Files):
    units = _present_ob_units(f)
    if len(f.meta_of("Filter")) == 1 and f.meta_of("Filter")[0] in ("school_name", "provider_name"):
        units = [u for u in units if u not in ("school_name", "provider_name")]
    out = []
    for c in units:
        hit = f.data[c].isin(["Total", "total", "All", "all"])
        out += [f"{f.at(i, c)}: {f.data.at[i, c]!r} in an observational unit column; leave it blank" for i in _first(hit, 1)]
    return out


@check()
def null(f: Files):
    out = []
    for name, frame in ((f.data_name, f.data), (f.meta_name, f.meta)):
        for c in frame.columns:
            hit = frame[c].isin(NULLS)
            out += [f"{name} line {i + 2}, column {c}: {frame.at[i, c]!r}; use a GSS symbol or leave the cell as the standard says"
                    for i in _first(hit, 1)]
    return out


def _indicator_cells(f: Files, values: list[str]) -> list[str]:
    out = []
    for c in f.meta_of("Indicator"):
        if c in f.data:
            out += [f"{f.at(i, c)}: {f.data.at[i, c]!r}" for i in _first(f.data[c].isin(values), 1)]
    return out


@check("ADVISORY")
def obsolete_symbols(f: Files):
    return [m + f" is an obsolete symbol; use one of {GSS_SYMBOLS}" for m in _indicator_cells(f, LEGACY_SYMBOLS)]


@check("ADVISORY")
def no_data_symbols(f: Files):
    out = []
    for c in f.data.columns:
        out += [f"{f.at(i, c)}: {f.data.at[i, c]!r} is a legacy no-data symbol; use one of {GSS_SYMBOLS}"
                for i in _first(f.data[c].isin(OLD_NO_DATA), 1)]
    return out


@check()
def blanks_filters(f: Files):
    out = []
    for c in dict.fromkeys(f.meta_of("Filter") + f.groups):
        if c in f.data:
            out += [f"{f.at(i, c)}: blank filter value; use 'Total' for no breakdown" for i in _first(f.data[c].eq(""), 1)]
    return out


@check()
def blanks_indicators(f: Files):
    return [m + f" is blank; use a GSS symbol ({', '.join(GSS_SYMBOLS)})" for m in _indicator_cells(f, [""])]


@check()
def indicator_values(f: Files):
    """Not in the R screener but in the EES import: an indicator cell is a number or a symbol."""
    out = []
    for c in f.meta_of("Indicator"):
        if c in f.data:
            bad = ~(f.data[c].str.fullmatch(r"-?\d+(\.\d+)?") | f.data[c].isin(GSS_SYMBOLS + LEGACY_SYMBOLS + [""]))
            out += [f"{f.at(i, c)}: {f.data.at[i, c]!r} is neither a number nor a GSS symbol" for i in _first(bad, 1)]
    return out


@check()
def time_period(f: Files):
    ids = f.col(f.data, "time_identifier")
    if not len(ids):
        return []
    digits = 4 if ids.iloc[0] in FOUR_DIGIT else 6 if ids.iloc[0] in SIX_DIGIT else None
    if digits is None:
        return []
    bad = f.col(f.data, "time_period").str.len() != digits
    return [f"{f.at(i, 'time_period')}: {f.col(f.data, 'time_period')[i]!r} must have {digits} digits for {ids.iloc[0]!r}"
            for i in _first(bad, 1)]


@check()
def time_period_six(f: Files):
    periods = f.col(f.data, "time_period")
    six = periods[periods.str.fullmatch(r"\d{6}")]
    bad = [p for p in dict.fromkeys(six) if (int(p[2:4]) + 1) % 100 != int(p[4:6])]
    return [f"{f.data_name}, column time_period: {p!r} is not two consecutive years (e.g. 202324)" for p in bad]


@check("ADVISORY")
def region_for_la(f: Files):
    la = f.col(f.data, "geographic_level") == "Local authority"
    if not la.any():
        return []
    if "region_code" not in f.data or "region_name" not in f.data:
        return [f"{f.data_name}: local authority rows should carry region_code and region_name"]
    missing = la & f.data["region_code"].eq("") & f.data["region_name"].eq("")
    return [f"{f.at(i)}: local authority row without its region" for i in _first(missing, 1)]


@check()
def geography_level_completed(f: Files):
    out = []
    levels = f.col(f.data, "geographic_level")
    for level, cols in GEOGRAPHY.items():
        for c in cols:
            if c == "new_la_code" or level == "Planning area" or c not in f.data:
                continue  # new_la_code may be blank for old areas (mainTests.r)
            blank = (levels == level) & f.data[c].eq("")
            out += [f"{f.at(i, c)}: blank on a {level!r} row" for i in _first(blank, 1)]
    return out


@check()
def region_col_present(f: Files):
    have = [c for c in ("region_code", "region_name") if c in f.data_header]
    return [f"{f.data_name}: {have[0]} without its pair"] if len(have) == 1 else []


@check()
def la_col_present(f: Files):
    cols = ["old_la_code", "la_name", "new_la_code"]
    have = [c for c in cols if c in f.data_header]
    return [f"{f.data_name}: {', '.join(have)} present without {', '.join(c for c in cols if c not in have)}"] if 0 < len(have) < 3 else []


# Columns of a level may be filled only on rows of these levels (mainTests.r overcompleted_cols).
COMPATIBLE = {
    "Regional": ["Regional", "Local skills improvement plan area", "Local authority", "Local enterprise partnership",
                 "Opportunity area", "Local authority district", "Parliamentary constituency", "English devolved area",
                 "Ward", *LOW_LEVELS],
    "Local authority": ["Local authority", "Parliamentary constituency", "Local authority district", "Ward", *LOW_LEVELS],
    "School": ["School"], "Provider": ["Provider"], "Institution": ["Institution"],
}


@check()
def overcompleted_cols(f: Files):
    out = []
    levels = f.col(f.data, "geographic_level")
    for level, ok in COMPATIBLE.items():
        for c in GEOGRAPHY[level]:
            if c in f.data:
                hit = ~levels.isin(ok) & f.data[c].ne("")
                out += [f"{f.at(i, c)}: filled on a {levels[i]!r} row; it belongs to {level!r} rows" for i in _first(hit, 1)]
    return out


@check("ANCILLARY")
def ignored_rows(f: Files):
    levels = set(f.col(f.data, "geographic_level"))
    if {"School", "Provider"} <= levels:
        return [f"{f.data_name}: School and Provider rows mixed"]  # a FAIL in the screener, reported here too
    return [f"{f.data_name}: only rows the EES table tool ignores; upload it as an ancillary file"] if f.ancillary else []


@check()
def la_combinations(f: Files):
    if f.la_combinations is None or not all(c in f.data for c in ("old_la_code", "new_la_code", "la_name")):
        return []
    rows = f.data[f.data["new_la_code"].ne("") & f.data["new_la_code"].ne("x") & f.data["old_la_code"].ne("") & f.data["la_name"].ne("")]
    out, seen = [], set()
    for i, combo in zip(rows.index, zip(rows["old_la_code"], rows["new_la_code"], rows["la_name"])):
        if combo not in f.la_combinations and combo not in seen:
            seen.add(combo)
            out.append(f"{f.at(i, 'old_la_code/new_la_code/la_name')}: {' '.join(combo)!r} is not a DfE standard LA "
                       f"(code, code, name) combination")
    return out


@check()
def region_combinations(f: Files):
    if "region_code" not in f.data or "region_name" not in f.data:
        return []
    regional = f.data["geographic_level"] == "Regional"
    rows = f.data[regional | (f.data["region_code"].ne("") & f.data["region_name"].ne("") & f.data["region_code"].ne("x"))]
    bad = ~pd.Series([(c, n) in REGIONS for c, n in zip(rows["region_code"], rows["region_name"])], index=rows.index, dtype=bool)
    return [f"{f.at(i, 'region_code/region_name')}: {rows.at[i, 'region_code']} {rows.at[i, 'region_name']!r} is not an "
            f"ONS region code and name" for i in _first(bad, 1)]


@check()
def country_combinations(f: Files):
    rows = f.data[f.col(f.data, "country_code").ne("x")]
    bad = ~pd.Series([(c, n) in COUNTRIES for c, n in zip(f.col(rows, "country_code"), f.col(rows, "country_name"))],
                     index=rows.index, dtype=bool)
    return [f"{f.at(i, 'country_code/country_name')}: {f.col(rows, 'country_code')[i]!r} {f.col(rows, 'country_name')[i]!r} "
            f"is not an ONS country code and name" for i in _first(bad, 1)]


@check()
def code_formats(f: Files):
    """new_la_code 9 characters, old_la_code 3 digits, region_code a letter and 8 digits (or blank, ':' or 'x')."""
    rules = {"new_la_code": r".{9}", "old_la_code": r"\d{3}", "region_code": r"[A-Z]\d{8}"}
    out = []
    for c, rule in rules.items():
        if c in f.data:
            bad = ~(f.data[c].str.fullmatch(rule) | f.data[c].isin(["", ":", "x"]))
            out += [f"{f.at(i, c)}: {f.data.at[i, c]!r} is not a valid {c}" for i in _first(bad, 1)]
    return out


@check()
def col_name_duplicate(f: Files):
    names = f.col(f.meta, "col_name")
    return [f"{f.meta_at(i, 'col_name')}: {names[i]!r} appears twice" for i in _first(names.duplicated())]


@check()
def col_name_spaces(f: Files):
    names = f.col(f.meta, "col_name")
    return [f"{f.meta_at(i, 'col_name')}: {names[i]!r} has a space" for i in _first(names.str.contains(r"\s"))]


@check()
def label(f: Files):
    labels = f.col(f.meta, "label")
    return [f"{f.meta_at(i, 'label')}: blank label" for i in _first(labels.eq(""))] + \
           [f"{f.meta_at(i, 'label')}: label {labels[i]!r} appears twice" for i in _first(labels.duplicated() & labels.ne(""))]


@check()
def geographic_catch(f: Files):
    names = f.meta_of("Filter") + f.groups
    if len(f.meta_of("Filter")) == 1 and names[0] in ("school_name", "provider_name"):
        names = [n for n in names if n not in ("school_name", "provider_name")]
    return [f"{f.meta_name}: filter {c} looks like a geography or identifier column; it is not a filter"
            for c in names if POTENTIAL_OB_UNITS.search(c)]


def _on_wrong_type(f: Files, column: str, col_type: str) -> list[str]:
    wrong = f.col(f.meta, "col_type").eq(col_type) & f.col(f.meta, column).ne("")
    return [f"{f.meta_at(i, column)}: {col_type.lower()} {f.meta.at[i, 'col_name']} must leave {column} blank" for i in _first(wrong)]


@check()
def filter_hint(f: Files):
    return _on_wrong_type(f, "filter_hint", "Indicator")


@check()
def filter_group(f: Files):
    return _on_wrong_type(f, "filter_grouping_column", "Indicator")


@check()
def indicator_grouping(f: Files):
    return _on_wrong_type(f, "indicator_grouping", "Filter")


@check()
def indicator_unit(f: Files):
    return _on_wrong_type(f, "indicator_unit", "Filter")


@check()
def indicator_dp(f: Files):
    return _on_wrong_type(f, "indicator_dp", "Filter")


@check()
def filter_group_match(f: Files):
    return [f"{f.meta_name}: filter group {g} is not a column of {f.data_name}" for g in f.groups if g not in f.data_header]


@check()
def filter_group_level(f: Files):
    meta = f.meta[f.col(f.meta, "col_type").eq("Filter") & f.col(f.meta, "filter_grouping_column").ne("")]
    return [f"{f.meta_name}: group {g} has more values than its filter {c}" for c, g in zip(f.col(meta, "col_name"), f.col(meta, "filter_grouping_column"))
            if c in f.data and g in f.data and f.data[g].nunique() > f.data[c].nunique()]


@check()
def filter_group_not_filter(f: Files):
    return [f"{f.meta_name}: filter group {g} must not also be a col_name" for g in f.groups if g in set(f.col(f.meta, "col_name"))]


@check()
def filter_group_duplicate(f: Files):
    return [f"{f.meta_name}: filter group {g} is used twice" for g in set(f.groups) if f.groups.count(g) > 1]


@check()
def whitespace_filters(f: Files):
    cols = [c for c in f.meta_of("Filter") + [c for cs in GEOGRAPHY.values() for c in cs] if c in f.data]
    out = []
    for c in dict.fromkeys(cols):
        hit = f.data[c].ne(f.data[c].str.strip())
        out += [f"{f.at(i, c)}: {f.data.at[i, c]!r} has leading or trailing spaces" for i in _first(hit, 1)]
    return out


@check()
def stripped_groups(f: Files):
    """filter_group_stripped and indicator_group_stripped: groups must stay distinct without punctuation."""
    out = []
    for c in f.groups:
        values = set(f.data.get(c, []))
        if len(values) != len({re.sub(r"[^A-Za-z0-9]", "", v) for v in values}):
            out.append(f"{f.data_name}, column {c}: group values differ only by punctuation: {sorted(values)}")
    groups = set(f.col(f.meta, "indicator_grouping")) - {""}
    if len(groups) != len({re.sub(r"[^A-Za-z0-9]", "", g) for g in groups}):
        out.append(f"{f.meta_name}: indicator groups differ only by punctuation: {sorted(groups)}")
    return out


@check()
def indicator_unit_validation(f: Files):
    units = f.col(f.meta, "indicator_unit")
    bad = f.col(f.meta, "col_type").eq("Indicator") & units.ne("") & ~units.isin(INDICATOR_UNITS)
    return [f"{f.meta_at(i, 'indicator_unit')}: {units[i]!r} is not one of {INDICATOR_UNITS}" for i in _first(bad)]


@check()
def indicator_dp_validation(f: Files):
    dp = f.col(f.meta, "indicator_dp")
    bad = dp.ne("") & ~dp.str.fullmatch(r"\d+")
    return [f"{f.meta_at(i, 'indicator_dp')}: {dp[i]!r} is not a whole number of decimal places" for i in _first(bad)]


@check("ADVISORY")
def indicator_dp_completed(f: Files):
    blank = f.col(f.meta, "col_type").eq("Indicator") & f.col(f.meta, "indicator_dp").eq("")
    return [f"{f.meta_at(i, 'indicator_dp')}: indicator {f.meta.at[i, 'col_name']} has no decimal places" for i in _first(blank)]


@check()
def indicators_smushed(f: Files):
    return [f"{f.meta_name}: indicator {c} looks like a filter value folded into a name; make it a filter"
            for c in f.meta_of("Indicator") if any(w in c.lower() for w in SMUSHED)]


def screen(data: bytes | Path, meta: bytes | Path, data_name: str | None = None, meta_name: str | None = None,
           la_combinations: set | None = None) -> list[Finding]:
    """Every finding of every check on one data file and its metadata (bytes, or paths)."""
    if isinstance(data, Path):
        data_name, data = data_name or data.name, data.read_bytes()
    if isinstance(meta, Path):
        meta_name, meta = meta_name or meta.name, meta.read_bytes()
    f = Files(data, meta, data_name or "data.csv", meta_name or "data.meta.csv", la_combinations)
    return [Finding(name, result, m) for name, result, fn in CHECKS for m in fn(f)]


def problems(findings: list[Finding], ancillary: bool = False) -> list[Finding]:
    """The findings that stop a file: FAILs, and the STRICT advisories (not Total in an ancillary file)."""
    strict = STRICT - ({"total"} if ancillary else set())
    return [x for x in findings if x.result == "FAIL" or (x.result == "ADVISORY" and x.check in strict)]


def assert_passes(data, meta, data_name: str | None = None, meta_name: str | None = None, la_combinations: set | None = None) -> list[Finding]:
    """Raise AssertionError listing every problem; return the findings (advisories, ancillary)."""
    findings = screen(data, meta, data_name, meta_name, la_combinations)
    bad = problems(findings, ancillary=any(x.check == "ignored_rows" for x in findings))
    assert not bad, f"{data_name or data} fails DfE's screener:\n" + "\n".join(f"  {x}" for x in bad)
    return findings


# -- the LA lookup ------------------------------------------------------------------------------
# DfE's standard (old_la_code, new_la_code, la_name) combinations: the screener's own lookup
# (data/las.csv) is not in our source folder, so they are built from DfE's LAIT code list (names
# by DfE number) and the LA lookup (ONS codes), with the names DfE's screener uses where LAIT
# spells them otherwise, and the codes of LAs that have since changed (ONS code history).
SCREENER_NAMES = {"822": "Bedford", "840": "County Durham", "884": "Herefordshire, County of",
                  "810": "Kingston upon Hull, City of"}
FORMER_CODES = {"837": "E06000028", "836": "E06000029", "835": "E10000009", "825": "E10000002", "928": "E10000021",
                "909": "E10000006", "815": "E10000023", "933": "E10000027", "370": "E08000016", "373": "E08000019"}


@cache
def standard_la_combinations(source_dir: Path) -> frozenset[tuple[str, str, str]]:
    lait = pd.read_excel(Path(source_dir) / "dfe_lait_lookup" / "la_code_list.xlsx", dtype=str)
    ons = pd.read_csv(Path(source_dir) / "d2i_ilacs" / "Provider_data_lookup.csv", dtype=str, encoding="utf-8-sig")
    codes: dict[str, set[str]] = {}
    for dfe, new in zip(ons["la_code"], ons["la_code_new"]):
        codes.setdefault(dfe, set()).add(new)
    for dfe, new in FORMER_CODES.items():
        codes.setdefault(dfe, set()).add(new)
    out = set()
    for dfe, name in zip(lait["LA Number"], lait["LA Name"]):
        name = SCREENER_NAMES.get(dfe, re.sub(r"\s*\(Pre LG\)$", "", str(name)))
        out |= {(dfe, new, name) for new in codes.get(dfe, ())}
    return frozenset(out)
