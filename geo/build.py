"""Build the map boundary files from the published ONS boundaries.

    python -m geo.build [--source DIR] [--out DIR] [--tolerance DEG] [--decimals N]

Reads, from the source folder (settings.source_dir(), env OUTCOMES_SOURCE):
  ofsted_eyda_boundaries/geo_utla.json                      153 upper-tier LAs, 2023 (TopoJSON)
  dfe_ees_regions/REG - Regions England BUC 202212.geojson   9 regions, December 2022
and writes, to the output folder (settings.geo_dir(), env OUTCOMES_GEO):
  la_current.geojson   one feature per current LA, keyed by its current ONS code (`code`, `name`)
  la_former.geojson    former LAs whose area is a union of current LAs (`code`, `name`, `successors`)
  regions.geojson      one feature per region (`code` = RGN22CD, `name`)

Every geometry is made valid, the LA and region layers are cleaned into exact coverages (shared
edges identical, no overlaps) and simplified as coverages (no gaps or slivers open between
neighbours), coordinates are rounded, and exterior rings are oriented clockwise, as Vega wants.
The build fails (exit 1, naming the LA) if a current LA of the LA register has no shape.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from outcomes import atomic, settings
from outcomes.domain import boundaries
from outcomes.domain.geography import PREDECESSORS, REGIONS, LaVersion, load_register

LA_FILE = "ofsted_eyda_boundaries/geo_utla.json"
REGION_FILE = "dfe_ees_regions/REG - Regions England BUC 202212.geojson"

LA_CURRENT = boundaries.LA_CURRENT
LA_FORMER = boundaries.LA_FORMER
REGIONS_OUT = boundaries.REGIONS_FILE

# The boundary file is on 2023 codes; the LA lookup (and releases from April 2024) use the 2024
# codes of Barnsley and Sheffield. The 2024 boundary change between them was a few streets, far
# below the generalisation of these shapes, so the 2023 shapes serve both codes.
RECODE = {"E08000016": "E08000038", "E08000019": "E08000039"}

# Former LAs drawn as the union of current shapes: every predecessor except Bournemouth, Poole and
# the pre-2019 Dorset County. Those three cannot be drawn from 2023 shapes: BCP also took
# Christchurch from Dorset County, so neither Bournemouth, Poole nor Dorset County is a union of
# current areas (outcomes.domain.boundaries draws them approximately, as BCP and Dorset Council, with a note).
NOT_DRAWABLE = {"E06000028", "E06000029", "E10000009"}
FORMER = {p.ons_code: p for p in PREDECESSORS if p.ons_code not in NOT_DRAWABLE}

DEFAULT_TOLERANCE = 0.002   # degrees (~140 m north-south), coverage simplification
DEFAULT_DECIMALS = 5        # ~1 m
LA_BUDGET_BYTES = 400_000   # la_current + la_former
MAX_AREA_CHANGE = 0.05      # relative; a shape changing more than this in the build is an error


class GeoBuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class Built:
    paths: dict[str, Path]
    sizes: dict[str, int]

    @property
    def la_bytes(self) -> int:
        return self.sizes[LA_CURRENT] + self.sizes[LA_FORMER]


def _say(msg: str) -> None:
    print(msg, flush=True)


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path}: boundary file missing (see PROVENANCE.md section 1)")
    return gpd.read_file(path)


def _area_km2(geoms: np.ndarray) -> np.ndarray:
    return gpd.GeoSeries(geoms, crs=4326).to_crs(27700).area.to_numpy() / 1e6


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Valid (Multi)Polygons: repair, and drop any collapsed points or lines a repair leaves."""
    fixed = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    out = []
    for g in fixed:
        if g.geom_type == "GeometryCollection":
            g = shapely.union_all([p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")])
        out.append(g)
    return np.array(out, dtype=object)


def _coverage(geoms: np.ndarray, labels: list[str], tolerance: float, decimals: int, what: str) -> np.ndarray:
    """Clean, simplify as a coverage, round and orient; check the result."""
    geoms = _polygonal(geoms)
    before = _area_km2(geoms)
    geoms = shapely.coverage_clean(geoms)
    if tolerance > 0:
        geoms = shapely.coverage_simplify(geoms, tolerance)
    geoms = shapely.set_precision(geoms, 10.0 ** -decimals)
    geoms = shapely.orient_polygons(geoms, exterior_cw=True)
    after = _area_km2(geoms)
    for label, g, a0, a1 in zip(labels, geoms, before, after):
        if g is None or g.is_empty or not g.is_valid:
            raise GeoBuildError(f"{what} {label}: shape is empty or invalid after simplification")
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            raise GeoBuildError(f"{what} {label}: shape became a {g.geom_type}")
        if abs(a1 - a0) > MAX_AREA_CHANGE * a0:
            raise GeoBuildError(f"{what} {label}: area changed from {a0:.1f} to {a1:.1f} km2 "
                                f"in simplification; lower --tolerance")
    if not shapely.coverage_is_valid(geoms):
        _say(f"  warning: {what} layer is not an exact coverage after rounding")
    return geoms


def _round(obj, decimals: int):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(x, decimals) for x in obj]
        return [_round(x, decimals) for x in obj]
    return obj


def _feature(props: dict, geom, decimals: int) -> dict:
    gj = json.loads(shapely.to_geojson(geom))
    return {"type": "Feature", "properties": props,
            "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"], decimals)}}


def _write_atomic(path: Path, features: list[dict], name: str) -> int:
    """Write a FeatureCollection with the atomic writer (a running site reads the old file or the new)."""
    doc = {"type": "FeatureCollection", "name": name, "features": features}
    atomic.write_bytes(path, json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return path.stat().st_size


def build(source: Path | None = None, out: Path | None = None, *, tolerance: float = DEFAULT_TOLERANCE,
          decimals: int = DEFAULT_DECIMALS, budget: int | None = LA_BUDGET_BYTES) -> Built:
    """Build the three boundary files; return their paths and sizes. Raises GeoBuildError."""
    source = Path(source) if source else settings.source_dir()
    out = Path(out) if out else settings.geo_dir()
    _say(f"source: {source}")
    _say(f"output: {out}")

    register = load_register(source)
    current = {v.ons_code: v for v in register.current}
    la_features, by_code = _la_features(_la_shapes(source, current), current, tolerance, decimals)
    former_features = _former_features(by_code, decimals)
    region_features = _region_features(source, tolerance, decimals)
    outputs = {LA_CURRENT: (la_features, "la_current"), LA_FORMER: (former_features, "la_former"),
               REGIONS_OUT: (region_features, "regions")}
    return _write(out, outputs, budget)


def _la_shapes(source: Path, current: dict[str, LaVersion]) -> gpd.GeoDataFrame:
    """The LA shapes in lon/lat, each keyed by its current code (`code`); one for every current LA."""
    la = _read(source / LA_FILE)
    _say(f"read {LA_FILE}: {len(la)} shapes, {int((~la.is_valid).sum())} invalid (repaired)")
    if la.crs is None:
        la = la.set_crs(4326)  # TopoJSON carries no CRS; the file is WGS84 lon/lat
    la = la.to_crs(4326)
    la["code"] = la["AREACD"].map(lambda c: RECODE.get(c, c))
    dupes = sorted(la.loc[la["code"].duplicated(), "code"])
    if dupes:
        raise GeoBuildError(f"more than one shape for {', '.join(dupes)}")
    missing = [v for c, v in current.items() if c not in set(la["code"])]
    if missing:
        raise GeoBuildError("no boundary shape for current LA(s): " +
                            "; ".join(f"{v.name} ({v.ons_code})" for v in missing))
    extra = sorted(set(la["code"]) - set(current))
    if extra:
        _say(f"  warning: shapes not in the LA register (kept): {', '.join(extra)}")
    return la


def _la_features(la: gpd.GeoDataFrame, current: dict[str, LaVersion], tolerance: float,
                 decimals: int) -> tuple[list[dict], dict[str, shapely.Geometry]]:
    """One feature per LA, named as the LA register names it, in code order; and each simplified shape by code."""
    codes = la["code"].tolist()
    geoms = _coverage(la.geometry.to_numpy(), codes, tolerance, decimals, "LA")
    by_code = dict(zip(codes, geoms))
    names = {c: (current[c].name if c in current else n) for c, n in zip(codes, la["AREANM"])}
    la_features = [_feature({"code": c, "name": names[c]}, by_code[c], decimals) for c in sorted(codes)]
    _say(f"simplified LAs: {int(shapely.get_num_coordinates(geoms).sum()):,} points "
         f"(tolerance {tolerance} deg, {decimals} decimals)")
    return la_features, by_code


def _former_features(by_code: dict[str, shapely.Geometry], decimals: int) -> list[dict]:
    """One feature per drawable former LA: the union of its successors' shapes."""
    former_features = []
    for code, p in sorted(FORMER.items()):
        parts = [by_code[s] for s in p.successors if s in by_code]
        if len(parts) != len(p.successors):
            lacking = [s for s in p.successors if s not in by_code]
            raise GeoBuildError(f"former LA {p.name} ({code}): no shape for successor(s) {', '.join(lacking)}")
        g = parts[0] if len(parts) == 1 else shapely.coverage_union_all(parts)
        g = shapely.orient_polygons(shapely.set_precision(g, 10.0 ** -decimals), exterior_cw=True)
        if g.is_empty or not g.is_valid:
            raise GeoBuildError(f"former LA {p.name} ({code}): union of {', '.join(p.successors)} is invalid")
        former_features.append(_feature({"code": code, "name": p.name, "successors": list(p.successors)},
                                        g, decimals))
    _say(f"former LAs drawn: {', '.join(f['properties']['name'] for f in former_features)}; "
         f"not drawable from 2023 shapes: Bournemouth, Poole, Dorset County (pre-2019)")
    return former_features


def _region_features(source: Path, tolerance: float, decimals: int) -> list[dict]:
    """One feature per English region, in code order; the file must hold the nine and no other."""
    rg = _read(source / REGION_FILE)
    rg = (rg.set_crs(4326) if rg.crs is None else rg.to_crs(4326))
    _say(f"read {REGION_FILE}: {len(rg)} shapes, {int((~rg.is_valid).sum())} invalid (repaired)")
    unknown = sorted(set(rg["RGN22CD"]) - set(REGIONS))
    lacking = sorted(set(REGIONS) - set(rg["RGN22CD"]))
    if unknown or lacking:
        raise GeoBuildError(f"regions file does not match the nine English regions: "
                            f"unexpected {unknown or 'none'}, missing {lacking or 'none'}")
    rcodes = rg["RGN22CD"].tolist()
    rgeoms = _coverage(rg.geometry.to_numpy(), rcodes, tolerance, decimals, "region")
    return [_feature({"code": c, "name": REGIONS[c]}, g, decimals)
            for c, g in sorted(zip(rcodes, rgeoms), key=lambda t: t[0])]


def _write(out: Path, outputs: dict[str, tuple[list[dict], str]], budget: int | None) -> Built:
    """Write each file (name -> (features, collection name)); refuse LA files over the byte budget."""
    paths, sizes = {}, {}
    for fname, (feats, name) in outputs.items():
        paths[fname] = out / fname
        sizes[fname] = _write_atomic(out / fname, feats, name)
        _say(f"wrote {out / fname}: {len(feats)} features, {sizes[fname] / 1024:.0f} KB")
    built = Built(paths, sizes)
    if budget is not None and built.la_bytes > budget:
        raise GeoBuildError(f"LA boundary files are {built.la_bytes:,} bytes, over the {budget:,} byte budget; "
                            f"raise --tolerance or lower --decimals")
    return built


def check_releases(data_dir: Path, geo_dir: Path) -> int:
    """Every LA of every built release must have exactly one shape to be drawn on."""
    checked = 0
    for providers in sorted(Path(data_dir).glob("releases/*/providers.parquet")):
        codes = pd.read_parquet(providers, columns=["new_la_code", "la_name"]).dropna().drop_duplicates()
        for code, name in codes.itertuples(index=False):
            try:
                shape = boundaries.shape_code_for(code, directory=geo_dir)
                boundaries.load_shapes("la", [shape], directory=geo_dir)
            except boundaries.MissingShape:
                raise GeoBuildError(f"release {providers.parent.name}: {name} ({code}) has no boundary to be drawn on; "
                                    "add its shape to geo/build.py or its successor to outcomes/domain/boundaries.APPROXIMATE") from None
        checked += 1
    return checked


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.build", description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=None,
                    help="folder of published files [env OUTCOMES_SOURCE; default ../shared/data/raw]")
    ap.add_argument("--out", type=Path, default=None, help="output folder [env OUTCOMES_GEO; default geo/]")
    ap.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                    help=f"coverage simplification tolerance in degrees (default {DEFAULT_TOLERANCE})")
    ap.add_argument("--decimals", type=int, default=DEFAULT_DECIMALS,
                    help=f"decimal places kept in coordinates (default {DEFAULT_DECIMALS})")
    args = ap.parse_args(argv)
    try:
        built = build(args.source, args.out, tolerance=args.tolerance, decimals=args.decimals)
        n = check_releases(settings.data_dir(), next(iter(built.paths.values())).parent)
        _say(f"every local authority of the {n} built releases has a boundary")
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except GeoBuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    _say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
