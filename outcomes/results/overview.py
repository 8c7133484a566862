"""What the overview shows: the headline of each provider type's most authoritative release, and the
long trend of children's homes and local authorities."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from outcomes.domain.fields import TYPES, Level
from outcomes.domain.frameworks import GRADE_LABELS
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date
from outcomes.results import charts, summaries
from outcomes.results.charts import Chart
from outcomes.results.leading import Figure, lead_note, leading_figures
from outcomes.store.store import Store


@dataclass
class Headline:
    provider_type: str
    label: str
    release: Release
    share: float | None          # % good or outstanding (None: the scale has none, or none graded)
    providers: int
    graded: int
    where: str                   # " (West Midlands)" for partial coverage
    grade_counts: list[tuple[str, int]]  # for scales without good/outstanding
    lead: list[Figure] = field(default_factory=list)  # Ofsted's headline measures once overall grades ended
    lead_note: str = ""          # why it leads with them


@dataclass
class Overview:
    headlines: list[Headline]
    trend: Chart | None
    breaks: list[tuple[str, str, str]]
    trend_releases: list[tuple[Release, str | None]]


def overview(store: Store) -> Overview:
    """The headline of each provider type's most authoritative release, and the long trend."""
    heads = []
    for ptype, kind in TYPES.items():
        release = store.latest(ptype)
        if release is None:
            continue
        nat = store.grades(release.id, Level.NATIONAL)  # all subtypes
        if nat.empty:
            continue
        row = nat.iloc[0]
        lead = leading_figures(store, release)
        # Once inspections give no overall grade, a share of the old grades is no headline (leading).
        share = row.get("pct_good_or_outstanding") if kind.good_or_better_scale and not lead else None
        where = "" if release.coverage.startswith("England") else f" ({release.coverage.split(' (')[0].split(':')[0]})"
        counts = [(GRADE_LABELS[g], int(row[g])) for g in ("positive", "inconsistent", "widespread_failings") if g in row.index and pd.notna(row[g])]
        heads.append(Headline(ptype, kind.label, release, None if share is None or pd.isna(share) else float(share),
                              int(row["providers"]), int(row["graded"]), where, counts, lead, lead_note(release) if lead else ""))
    ch, la = store.latest("social_care_provider"), store.latest("la_childrens_services")
    frames, used = [], []
    if ch:
        homes = TYPES["social_care_provider"].headline_subtype
        frames.append(summaries.trend(store, ch, homes).assign(series="Children's homes"))
        used.append((ch, homes))
    if la:
        frames.append(summaries.trend(store, la, None).assign(series="Local authority children's services"))
        used.append((la, None))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return Overview(heads, None, [], used)
    data = pd.concat(frames, ignore_index=True)
    breaks = pd.concat([summaries.breaks_between(r.provider_type, data["date"]) for r, _ in used], ignore_index=True)
    latest_ch = data[data["series"] == "Children's homes"].tail(1)
    title = "Share good or outstanding at latest inspection"
    if len(latest_ch):
        title = f"{latest_ch['value'].iloc[0]:.0f}% of children's homes were good or outstanding as at {long_date(latest_ch['date'].iloc[0])}"
    desc = ("Line chart of the share of children's homes and of local authorities' children's services judged good or "
            "outstanding at their latest inspection, at each release date, with framework changes marked.")
    return Overview(heads, Chart(charts.trend(data, title, desc, breaks), desc),
                    [(b.label, f"{b.date:%B %Y}", b.explanation) for b in breaks.itertuples()], used)
