"""Disclosure control: the one rule for when a share may be shown, applied once, at build time.

Every number the site shows or exports comes from the serving tables (outcomes.serving), which are
masked here before they are written, so a page, a sentence, a rank, a map or a download cannot
reach an unsuppressed share. The methodology page quotes THRESHOLD and REASON from here.
"""
from __future__ import annotations

import pandas as pd

# A local authority share of one or two graded providers would reveal the grade of an identifiable
# children's home or childminder (GSS guidance on disclosure control: protect counts that identify
# an individual provider). Counts of providers are Ofsted's own published provider-level data and
# are shown.
THRESHOLD = 3
SUPPRESSED = "c"      # confidential (GSS symbol)
NOT_APPLICABLE = "z"  # no graded providers: the share does not exist
NOT_AVAILABLE = "x"  # the source does not give this figure (the 2015 social care file has no places)
REASON = (f"Local authority shares built on fewer than {THRESHOLD} graded providers are suppressed (`{SUPPRESSED}`): "
          "with one or two providers, a share would reveal the grade of an identifiable children's home or childminder. "
          f"A share with no graded providers does not exist (`{NOT_APPLICABLE}`). Suppressed areas are left out of "
          "rankings, and maps show them grey.")

SHARE_COLUMNS = ("pct_good_or_outstanding", "pct_inadequate")
# Levels at which a share is about an area small enough to identify a provider.
PROTECTED_LEVELS = {"local_authority", "Local authority"}


def status(graded: float, level: str) -> str:
    """'' when a share may be shown, else the symbol that replaces it."""
    if pd.isna(graded) or graded <= 0:
        return NOT_APPLICABLE
    if level in PROTECTED_LEVELS and graded < THRESHOLD:
        return SUPPRESSED
    return ""


def mask(table: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """Blank every share that may not be shown. `level` is the table's level, or None to read each
    row's `geographic_level` (mixed tables such as trends)."""
    out = table.copy()
    shares = [c for c in SHARE_COLUMNS if c in out]
    if not shares or "graded" not in out:
        return out
    levels = out["geographic_level"] if level is None else pd.Series(level, index=out.index)
    hidden = [status(g, lv) != "" for g, lv in zip(out["graded"], levels)]
    for c in shares:
        out[c] = out[c].astype("float64").mask(pd.Series(hidden, index=out.index))
    return out


def published(table: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """The table as downloaded: each share as text with one decimal, or its symbol; a count the
    source does not give (registered places in 2015) as x."""
    out = table.copy()
    if "registered_places" in out:
        out["registered_places"] = [NOT_AVAILABLE if pd.isna(v) else int(v) for v in out["registered_places"]]
    levels = out["geographic_level"] if level is None else pd.Series(level, index=out.index)
    for c in [c for c in out.columns if c.startswith("pct_")]:
        out[c] = [status(n, lv) or (f"{v:.1f}" if pd.notna(v) else NOT_APPLICABLE)
                  for v, n, lv in zip(out[c], out["graded"], levels)]
    return out


def shown_share(value: float, graded: float, level: str) -> str:
    """A share for people: '85.0%', or the symbol's meaning in words."""
    s = status(graded, level)
    if s == SUPPRESSED:
        return f"suppressed (fewer than {THRESHOLD} graded)"
    if s == NOT_APPLICABLE or pd.isna(value):
        return "none graded"
    return f"{value:.1f}%"
