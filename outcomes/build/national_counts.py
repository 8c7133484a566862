"""Ofsted's own national counts of every active provider, for releases whose file lists inspected
providers only.

The provider-level files as at 31 March 2015-2020, 2023 and 2024 list only providers with a latest
full inspection, so counting their rows gives 4-8% fewer children's homes and places than Ofsted
published (2019: 2,192 homes of all types against Ofsted's 2,304). Ofsted's series of providers and
places (Table 6 of its 2022 workbook, six-monthly from 2012) counts every active provider: where it
has the release's date, its national counts replace the file's, and the difference is providers not
yet inspected. Grade shares stay the file's (they are of inspected providers either way). Where no
such series is held (2023, 2024) every count carries the label "inspected providers only"
(domain.fields.Counts). The 2021 and 2022 files list every provider and equal Table 6 exactly.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from outcomes.build import layout
from outcomes.domain.fields import Counts
from outcomes.domain.releases import Release
from outcomes.errors import SourceError
from outcomes.quality.aggregates import AGGREGATE_READERS
from outcomes.quality.findings import Finding, note
from outcomes.settings import release_dir
from outcomes.sources import reader_for
from outcomes.sources.csc_aggregates import PROVISION_GROUPS

COLUMNS = ["provider_subtype", "providers", "places"]  # provider_subtype "" is every provider
ALL = ""


def ofsted_counts(release: Release, source_dir: Path) -> tuple[pd.DataFrame | None, list[Finding]]:
    """Ofsted's national providers and places for the release's date, by subtype (one row per subtype
    its table names, "" for all), or None where the release's counts need none or none are held."""
    cc = release.crosscheck
    if release.counts != Counts.INSPECTED_ONLY or cc is None or cc.reader not in AGGREGATE_READERS:
        return None, []
    path = Path(source_dir) / cc.path
    if not path.exists():
        return None, [note(release.id, "national_counts", f"{cc.path} is not in {source_dir}: counts stay those of "
                                                          "inspected providers only", path.name)]
    try:
        six = reader_for(cc.reader)([path], release.as_at)["six_monthly"]
    except SourceError as e:
        return None, [note(release.id, "national_counts", f"Ofsted's national counts not read: {e.problem}", path.name)]
    rows: dict[str, dict] = {}
    for r in six.itertuples(index=False):
        group = PROVISION_GROUPS.get(r.provision.lower(), ())
        if group is None:
            key = ALL
        elif group and len(group) == 1:
            key = group[0]
        else:
            continue  # a group of subtypes (all children's homes): not a table of ours
        rows.setdefault(key, {"provider_subtype": key})[r.measure] = int(r.value)
    if not rows:
        return None, [note(release.id, "national_counts", f"{cc.label} has no providers and places as at {release.as_at}: "
                                                          "counts stay those of inspected providers only", path.name)]
    frame = pd.DataFrame(list(rows.values())).reindex(columns=COLUMNS)
    frame["places"] = frame["places"].astype("Int64")
    total = frame.loc[frame["provider_subtype"] == ALL, "providers"]
    words = f"{int(total.iloc[0]):,} providers in all" if len(total) else f"{len(frame)} provision types"
    return frame, [note(release.id, "national_counts", f"the provider-level file lists inspected providers only: national "
                                                       f"counts of providers and places are Ofsted's own ({cc.label}, Table 6: "
                                                       f"{words}); the difference from the file is providers not yet inspected",
                        path.name)]


def load(folder: Path) -> pd.DataFrame | None:
    """Ofsted's national counts kept in a built release's folder, or None (the file lists every provider)."""
    path = Path(folder) / layout.NATIONAL_COUNTS
    return pd.read_parquet(path) if path.exists() else None
