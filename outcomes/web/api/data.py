"""What the API answers, as plain data: a release's summary and metadata, and the tidy table of a
query. Blocking work (the handlers run it in a thread): every table comes from the same functions
the export command and the site's downloads call (outcomes.results.tidy.export_frames and
outcomes.results.in_year.export_frames), on the public store (outcomes.web.public); nothing here
recomputes a figure, and no value from the URL reaches SQL (it is checked first, then used to pick
rows of the frames those functions return, or passed to them as they pass it on: bound).
"""
from __future__ import annotations

import math
import re
from urllib.parse import urlencode

import pandas as pd

from outcomes.domain import ees
from outcomes.domain.fields import AREA_LEVELS, FIELDS, TYPES, Level
from outcomes.domain.releases import Release
from outcomes.results import in_year, tidy
from outcomes.store.store import Store
from outcomes.web.api.params import AREA_LEVELS as NARROWED, ApiError, one_of

PREFIX = "/api/v1"
API_VERSION = "1"
# The same words for an id that never existed and for one not yet published: nothing may tell them apart.
NOT_FOUND = ("No public release has this id. The releases published now are listed at "
             f"{PREFIX}/releases (a release appears there from its publication time, 09:30 on release day).")


def release_of(store: Store, release_id: str) -> Release:
    """The public release `release_id`, or the one 404 for every id that is not public now."""
    try:
        return store.release(release_id)
    except KeyError:
        raise ApiError(404, NOT_FOUND) from None


def offer(store: Store, release: Release) -> dict[str, dict]:
    """The data sets a release offers, by scope: {scope: {geographic_levels, subtypes}} (made once per store)."""
    def make():
        levels = [lv.value for lv in AREA_LEVELS if len(store.grade_rows(release.id, lv))]
        if not store.query("provider_rows", release_id=release.id, subtype=None, la=None).empty:
            levels.append(Level.PROVIDER.value)
        found = {"as_at": {"geographic_levels": levels, "subtypes": sorted(s for s, _ in store.subtypes(release.id))}}
        flow = store.in_year(release.id)
        if flow is not None:
            flow_levels = [lv.value for lv in AREA_LEVELS if lv == Level.NATIONAL or TYPES[release.provider_type].has_geography]
            found["in_year"] = {"geographic_levels": flow_levels,
                                "subtypes": sorted(str(s) for s in flow["provider_subtype"].dropna().unique())}
        return found
    return store.memo(("api_offer", release.id), make)


def links(release: Release) -> dict[str, str]:
    return {"self": f"{PREFIX}/releases/{release.id}", "data": f"{PREFIX}/releases/{release.id}/data",
            "csv": f"{PREFIX}/releases/{release.id}/data?format=csv",
            "metadata": f"{PREFIX}/releases/{release.id}/metadata?format=csv",
            "html": f"/releases/{release.id}", "streamlit": f"/release?id={release.id}"}


def summary(store: Store, release: Release) -> dict:
    """A release as the list shows it: what it is, when, its status, its data sets and links."""
    return {
        "id": release.id, "title": release.title,
        "provider_type": {"code": release.provider_type, "label": release.provider_type_label},
        "as_at": release.as_at.isoformat(), "published": release.published.isoformat(),
        "version": release.version, "status": {"code": release.status.value, "label": release.status_label},
        "coverage": release.coverage, "counts": {"code": release.counts.value, "label": release.counts.label},
        "next_update": release.next_update or None,
        "datasets": [{"scope": scope, **offered} for scope, offered in offer(store, release).items()],
        "links": links(release),
    }


def short(release: Release) -> dict:
    """The few words a data answer carries about its release."""
    return {"id": release.id, "title": release.title, "provider_type": release.provider_type,
            "as_at": release.as_at.isoformat(), "version": release.version, "status": release.status.value,
            "links": links(release)}


def field(name: str, meta: dict[str, dict]) -> dict:
    """A column as the field registry describes it, with its line of the metadata file (if any)."""
    f = FIELDS.get(name)
    out = {"name": name, "label": f.label if f else name, "description": f.description if f else "",
           "type": f.type if f else "string", "unit": f.unit if f else None, "role": f.role if f else "attribute"}
    line = meta.get(name)
    if line:
        out["meta"] = {k: v for k, v in line.items() if k != "col_name" and v not in ("", None)}
    return out


def frames(store: Store, release: Release, scope: str, level: str, subtype: str | None = None,
           region: str | None = None, la: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The export's own frames for a query: exactly what `python -m outcomes export` writes."""
    if scope == "as_at":
        return tidy.export_frames(store, release, level, subtype, region, la)
    data, meta = in_year.export_frames(store, release, level, subtype)
    wanted = data["new_la_code"] == la if la else data["region_code"] == region if region else None
    if wanted is not None:  # the in-year table has no area filter of its own: its rows, picked
        data = data[wanted].reset_index(drop=True)
        meta = ees.metadata(data)
    return data, meta


def shape(store: Store, release: Release, scope: str, level: str) -> dict:
    """A data set's columns, metadata lines, areas and time periods (made once per store)."""
    def make():
        data, meta = frames(store, release, scope, level)
        areas = []
        if level != Level.NATIONAL:
            cols = {Level.REGIONAL: ["region_code"], Level.LOCAL_AUTHORITY: ["new_la_code", "region_code"],
                    Level.PROVIDER: ["new_la_code"]}[Level(level)]
            areas = sorted({str(c) for col in cols if col in data for c in data[col].dropna().unique() if str(c)})
        periods = sorted({str(t) for t in data["time_period"].dropna().unique()}) if "time_period" in data else []
        return {"columns": list(data.columns), "metadata": meta.to_dict("records"), "areas": areas, "time_periods": periods}
    return store.memo(("api_shape", release.id, scope, level), make)


def detail(store: Store, release: Release) -> dict:
    """A release's metadata: its summary, revisions, and `tables`: each data set's table by level
    (scope x geographic level), its columns from the field registry with the lines of the export's
    .meta.csv for that table (every subtype, no area), its areas and time periods."""
    out = summary(store, release)
    out.update(definition=release.definition or None, notes=release.notes or None,
               source_publication=release.source_publication or None,
               revisions=[{"version": r.version, "date": r.date.isoformat(), "reason": r.reason} for r in release.revisions])
    tables = []
    for scope, offered in offer(store, release).items():
        for level in offered["geographic_levels"]:
            made = shape(store, release, scope, level)
            meta = {m["col_name"]: m for m in made["metadata"]}
            tables.append({"scope": scope, "geographic_level": level, "subtypes": offered["subtypes"],
                             "time_periods": made["time_periods"], "areas": made["areas"],
                             "columns": [field(c, meta) for c in made["columns"]], "metadata": made["metadata"],
                             "links": {"data": _data_link(release, scope, level, "json"),
                                       "csv": _data_link(release, scope, level, "csv")}})
    out["tables"] = tables
    return out


def _data_link(release: Release, scope: str, level: str, fmt: str) -> str:
    extra = "" if scope == "as_at" else f"&scope={scope}"
    return f"{PREFIX}/releases/{release.id}/data?geographic_level={level}{extra}&format={fmt}"


def query(store: Store, release: Release, asked: dict[str, str | None]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy data and metadata of a checked query: the release's own levels, subtypes, areas
    and time periods are checked here (a 400 naming the parameter), then the export's frames made."""
    scope, level, subtype, area = asked["scope"], asked["geographic_level"], asked["subtype"], asked["area"]
    offered = offer(store, release)
    one_of("scope", scope, list(offered), f"release {release.id}")
    one_of("geographic_level", level, offered[scope]["geographic_levels"], f"release {release.id} ({scope})")
    one_of("subtype", subtype, offered[scope]["subtypes"], f"release {release.id} ({scope})")
    made = shape(store, release, scope, level)
    region = la = None
    if area is not None:
        if level == Level.NATIONAL:
            raise ApiError(400, "area is not allowed at the national level: choose geographic_level regional, "
                           "local_authority or provider", "area", [lv.value for lv in NARROWED])
        one_of("area", area, made["areas"], f"release {release.id} at the {level} level")
        if level == Level.REGIONAL or area.startswith("E12"):
            region = area
        else:
            la = area
    data, meta = frames(store, release, scope, level, subtype, region, la)
    period = asked["time_period"]
    if period is not None:
        one_of("time_period", period, made["time_periods"], f"release {release.id}")
        kept = data["time_period"].astype(str) == period
        if not kept.all():
            data = data[kept].reset_index(drop=True)
            meta = ees.metadata(data)
    return data, meta


def paging(release: Release, query: dict[str, str], page: int, size: int, pages: int, total: int) -> dict:
    """Where a JSON answer's rows sit in the table, with links to the pages beside it."""
    def link(n: int) -> str:
        return f"{PREFIX}/releases/{release.id}/data?" + urlencode({**query, "page": n, "page_size": size})
    return {"page": page, "page_size": size, "total_pages": pages, "total_rows": total,
            "next": link(page + 1) if page < pages else None, "previous": link(page - 1) if page > 1 else None}


def file_name(release: Release, asked: dict[str, str | None]) -> str:
    """The download's name, as the site names a table's CSV: the release, level, subtype and area."""
    subtype = asked["subtype"]
    slug = subtype and subtype.lower().replace(" ", "-").replace("'", "")
    scope = "in-year" if asked["scope"] == "in_year" else None
    parts = (release.id, scope, asked["geographic_level"], slug, asked["area"], asked["time_period"])
    return re.sub(r"[^A-Za-z0-9._()-]", "-", "-".join(x for x in parts if x)) + ".csv"  # safe in a header


def _number(value: str):
    try:
        return int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            return value  # a GSS symbol (c, z, x, low): kept as the CSV writes it
        return number if math.isfinite(number) else value


def _plain(value):
    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def rows(data: pd.DataFrame) -> list[dict]:
    """The table's rows as JSON objects: the CSV's values, with indicators as numbers where they are
    numbers (a suppressed or not-applicable figure stays its symbol: "c", "z", "x"), blanks as null."""
    columns = {}
    for name in data.columns:
        values = [_plain(v) for v in data[name].tolist()]
        if name in FIELDS and FIELDS[name].role == "indicator":
            values = [_number(v) if isinstance(v, str) else v for v in values]
        columns[name] = values
    return [dict(zip(columns, row)) for row in zip(*columns.values())] if columns else []


def columns_of(data: pd.DataFrame, meta: pd.DataFrame) -> list[dict]:
    lines = {m["col_name"]: m for m in meta.to_dict("records")}
    return [field(c, lines) for c in data.columns]
