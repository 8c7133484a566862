"""The fidelity ledger: every headline figure Ofsted published for data this site holds, beside ours.

The ledger is one data file, data/ledger.csv (committed with the catalogue): each row names a
release, an area, a subtype and a measure, Ofsted's value with its quote and page, how far ours may
be from it, and whether ours matches or differs (and why). `ours` computes each measure from the
published build; tests/unit/test_ledger.py holds every row to its status, and the methodology page
shows the ledger as a table.

Measures (the `measure` column):
  pct_good_or_outstanding, pct_inadequate, providers, registered_places, graded, <grade>
      a column of the release's tidy table at the row's level, area and subtype
  count:good_or_outstanding  providers judged outstanding or good
  pct_of_graded:<grade>      share of the graded with that grade (outstanding, good, ...)
  judgement_good:<judgement> share good or outstanding for a sub-judgement (England)
  sector:<sector>            providers of that ownership sector (England)
  change_pct:providers, change_pct:registered_places, change:providers
      change from the previous release of the series; none where the two count on different bases
  stock:<measure>            a schools stock measure (results.leading.MEASURES)
  in_year:<judgement>, in_year:ungraded_outcome, in_year:inspections   the year's inspections
  ilacs:<change>, ilacs:total   LAs inspected more than once under ILACS, first to latest
A subtype may be a group: "all children's homes" (children's homes, secure children's homes and
residential special schools registered as children's homes), as Ofsted counts "homes of all types".
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from outcomes import settings
from outcomes.domain.changes import FIRST_TO_LATEST_ILACS, PREVIOUS_RELEASE
from outcomes.domain.fields import Level
from outcomes.domain.frameworks import GOOD_OR_BETTER
from outcomes.domain.releases import Release, previous_of
from outcomes.domain.wording import long_date
from outcomes.results import in_year
from outcomes.results.leading import stock_measure
from outcomes.results.tidy import grade_table
from outcomes.store.store import Store

LEDGER = "ledger.csv"
STATUSES = ("matches", "differs", "not_computed")
GROUPS = {"all children's homes": ("Children's home", "Secure children's home",
                                   "Residential special school (registered as a children's home)")}
SUMMED = ("providers", "registered_places", "graded", "outstanding", "good", "requires_improvement", "adequate",
          "inadequate", "not_yet_graded")


@dataclass(frozen=True)
class Entry:
    id: str
    release: str
    level: str
    area: str          # region code at the regional level, else ""
    subtype: str       # "" for all
    measure: str
    ofsted: float
    unit: str          # percent | count
    tolerance: float
    status: str        # matches | differs | not_computed
    why: str           # how ours is computed, and why it differs where it does
    quote: str
    url: str


def ledger_path() -> Path:
    """The ledger committed with the code, beside the catalogue (data/ledger.csv)."""
    return settings.PROJECT_ROOT / "data" / LEDGER


def load(path: Path | None = None) -> list[Entry]:
    """Every row of the ledger, checked for a known status."""
    with open(path or ledger_path(), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for i, r in enumerate(rows, start=2):
        if r["status"] not in STATUSES:
            raise ValueError(f"{LEDGER} line {i}: status {r['status']!r} is not one of {', '.join(STATUSES)}")
        out.append(Entry(r["id"], r["release"], r["level"] or Level.NATIONAL, r["area"], r["subtype"], r["measure"],
                         float(r["ofsted"]), r["unit"], float(r["tolerance"]), r["status"], r["why"], r["quote"], r["url"]))
    return out


def _table(store: Store, release: Release, e: Entry, subtype: str | None) -> pd.Series | None:
    kw = {"region": e.area} if e.level == Level.REGIONAL and e.area else {}
    t = grade_table(store, release, e.level, subtype, **kw)
    return t.iloc[0] if len(t) else None


def _row(store: Store, release: Release, e: Entry) -> pd.Series | None:
    """The row of the tidy table the entry is about; a group of subtypes is summed."""
    if e.subtype not in GROUPS:
        return _table(store, release, e, e.subtype or None)
    parts = [r for r in (_table(store, release, e, s) for s in GROUPS[e.subtype]) if r is not None]
    if not parts:
        return None
    frame = pd.DataFrame(parts)
    summed = {c: frame[c].sum(min_count=1) for c in SUMMED if c in frame}
    summed["counts_basis"] = parts[0]["counts_basis"]  # the same for every subtype of a level
    good = sum(summed.get(g, 0) for g in GOOD_OR_BETTER)
    summed["pct_good_or_outstanding"] = round(100 * good / summed["graded"], 1) if summed.get("graded") else None
    return pd.Series(summed)


def _change(store: Store, release: Release, e: Entry, column: str, pct: bool) -> float | None:
    """The change from the previous release of the series, or None across different bases (one of
    the two counts inspected providers only, the other every provider)."""
    previous = previous_of(release, store.releases)
    if previous is None:
        return None
    now, before = _row(store, release, e), _row(store, previous, e)
    if now is None or before is None or pd.isna(now.get(column)) or pd.isna(before.get(column)):
        return None
    if now["counts_basis"] != before["counts_basis"]:
        return None
    diff = float(now[column]) - float(before[column])
    return round(100 * diff / float(before[column]), 1) if pct else diff


def _ilacs(store: Store, release: Release, change: str) -> float:
    counts = store.query("change_counts", release_id=release.id, la=None)
    moved = counts[counts["comparison"].eq(FIRST_TO_LATEST_ILACS) & counts["new_la_code"].eq("")
                   & counts["provider_subtype"].eq("")]
    return float(moved["n"].sum() if change == "total" else moved.loc[moved["change"] == change, "n"].sum())


def _in_year(store: Store, release: Release, what: str) -> float | None:
    frame = store.in_year(release.id)
    if frame is None:
        return None
    if what == "ungraded_outcome":
        return in_year.ungraded_share(frame)
    if what == "inspections":
        return float((frame["judgement"].isin(["overall_effectiveness", "ungraded_outcome"])).sum())
    table = in_year.judgement_table(frame, release.as_at).set_index("judgement")
    return float(table.at[what, "pct_good_or_outstanding"])


def _providers_of(store: Store, release: Release, subtype: str) -> pd.DataFrame:
    rows = store.query("provider_rows", release_id=release.id, subtype=None, la=None)
    rows = rows[rows["in_england"].astype(bool)]
    wanted = GROUPS.get(subtype, (subtype,) if subtype else None)
    return rows if wanted is None else rows[rows["provider_subtype"].isin(wanted)]


def ours(store: Store, e: Entry) -> float | None:
    """Our figure for a ledger entry from the published build (None: not published, or not computed)."""
    try:
        release = store.release(e.release)
    except KeyError:
        return None
    kind, _, arg = e.measure.partition(":")
    if kind == "ilacs":
        return _ilacs(store, release, arg)
    if kind == "in_year":
        return _in_year(store, release, arg)
    if kind == "stock":
        return stock_measure(store, release, arg)
    if kind in ("change", "change_pct"):
        return _change(store, release, e, arg, kind == "change_pct")
    if kind == "sector":
        return float((_providers_of(store, release, e.subtype)["sector"] == arg).sum())
    if kind == "judgement_good":
        sub = store.query("judgement_counts", release_id=release.id, subtype_key=e.subtype)
        sub = sub[sub["judgement"] == arg]
        return round(100 * sub.loc[sub["grade"].isin(GOOD_OR_BETTER), "n"].sum() / sub["n"].sum(), 1) if len(sub) else None
    row = _row(store, release, e)
    if row is None:
        return None
    if kind == "count":  # count:good_or_outstanding
        return float(sum(row.get(g, 0) for g in GOOD_OR_BETTER)) if arg == "good_or_outstanding" else float(row[arg])
    if kind == "pct_of_graded":
        return round(100 * float(row[arg]) / float(row["graded"]), 1) if row.get("graded") else None
    value = row.get(e.measure)
    return None if value is None or pd.isna(value) else float(value)


_MEASURE_WORDS = {
    "pct_good_or_outstanding": "the share good or outstanding of those graded", "pct_inadequate": "the share inadequate of those graded",
    "providers": "the number of providers", "registered_places": "the registered places", "graded": "the number graded",
    "count:good_or_outstanding": "the number judged good or outstanding", "ilacs:total": "the authorities inspected more than once under ILACS",
    "in_year:inspections": "the year's graded and ungraded inspections", "in_year:ungraded_outcome":
        "the share of the year's ungraded inspections with standards maintained or improved",
    "stock:pct_graded_under_eif": "the share of schools whose latest graded inspection is under the EIF",
    "stock:pct_inspected_under_eif": "the share of schools with a graded or ungraded inspection under the EIF",
}


def how(e: Entry) -> str:
    """How ours is computed, in words, from the entry's measure, level and subtype."""
    kind, _, arg = e.measure.partition(":")
    what = _MEASURE_WORDS.get(e.measure) or {
        "change_pct": f"the change in {arg.replace('_', ' ')} from the previous release (%)",
        "change": f"the change in {arg.replace('_', ' ')} from the previous release",
        "sector": f"the number whose sector is '{arg}'", "judgement_good": f"the share good or outstanding for {arg.replace('_', ' ')}",
        "pct_of_graded": f"the share {arg.replace('_', ' ')} of those graded", "ilacs": f"the authorities that {arg} from first to latest ILACS",
        "in_year": f"the share good or outstanding for {arg.replace('_', ' ')} at the year's graded inspections",
    }.get(kind, e.measure.replace("_", " "))
    where = "England" if e.level != Level.REGIONAL else f"region {e.area}"
    of = f" of {e.subtype.lower() if e.subtype in GROUPS else e.subtype or 'every provider type'}"
    return f"{what[:1].upper()}{what[1:]}{of}, {where}, from the release {e.release}."


def agrees(e: Entry, value: float | None) -> bool:
    return value is not None and abs(value - e.ofsted) <= e.tolerance


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "not computed"
    return f"{value:.1f}%" if unit == "percent" else f"{value:,.0f}"


def comparison(store: Store) -> pd.DataFrame:
    """The ledger for people: each of Ofsted's figures, ours beside it, and whether they match. Only
    the rows of published releases: a release under embargo is named nowhere before its time."""
    rows = []
    published = {r.id for r in store.releases}
    for e in (e for e in load() if e.release in published):
        value = ours(store, e)
        verdict = ("Matches" if agrees(e, value) else "Not computed" if value is None else "Differs")
        release = store.release(e.release)
        rows.append({"Release": f"{release.provider_type_label}, as at {long_date(release.as_at)}",
                     "Ofsted's figure": _shown(e.ofsted, e.unit), "Ours": _shown(value, e.unit),
                     "Verdict": verdict + (f": {e.why}" if e.why and verdict != "Matches" else ""),
                     "Ofsted said": e.quote, "How ours is computed": how(e), "Source": e.url})
    return pd.DataFrame(rows)
