"""Map boundaries: the shapes of LA and region codes, from the files `python -m geo.build` writes.

The shapes are current LAs (2023 ONS upper-tier boundaries, Barnsley and Sheffield on their 2024
codes), former LAs that are unions of current ones, and the nine regions. Bournemouth, Poole and the
pre-2019 Dorset County have no shape of their own (BCP took Christchurch from Dorset County, so none
is a union of 2023 areas): `shape_code_for` draws them on BCP and Dorset Council and `map_note` says so.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from outcomes import settings
from outcomes.domain.wording import ons_attribution
from outcomes.errors import MissingFile, OutcomesError

LA_CURRENT = "la_current.geojson"
LA_FORMER = "la_former.geojson"
REGIONS_FILE = "regions.geojson"

LEVELS: dict[str, tuple[str, ...]] = {
    "la": (LA_CURRENT, LA_FORMER),
    "region": (REGIONS_FILE,),
}
_LEVEL_ALIASES = {"la": "la", "local_authority": "la", "local authority": "la",
                  "region": "region", "regional": "region"}

LA_BOUNDARY_NOTE = "Boundaries: ONS upper-tier local authorities, 2023 (Barnsley and Sheffield on 2024 codes)."
REGION_BOUNDARY_NOTE = "Boundaries: ONS regions, December 2022."
LA_ATTRIBUTION = ons_attribution(2023)
REGION_ATTRIBUTION = ons_attribution(2022)

# Former LAs with no shape of their own: drawn on the current area that replaced them.
APPROXIMATE: dict[str, tuple[str, str]] = {
    "E06000028": ("E06000058", "Bournemouth"),
    "E06000029": ("E06000058", "Poole"),
    "E10000009": ("E06000059", "Dorset County"),
}


class MissingShape(OutcomesError, LookupError):
    """A code has no boundary shape."""


def _level(level: str) -> str:
    key = _LEVEL_ALIASES.get(str(level).strip().lower())
    if key is None:
        raise ValueError(f"unknown map level {level!r}: use 'la' or 'region'")
    return key


@lru_cache(maxsize=16)
def _read_layer(path: str, mtime_ns: int) -> dict[str, dict]:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return {feat["properties"]["code"]: feat for feat in doc["features"]}


def _layer(directory: Path, fname: str) -> dict[str, dict]:
    path = directory / fname
    if not path.exists():
        raise MissingFile("boundary file missing", path, "Build it with `python -m geo.build`")
    return _read_layer(str(path), path.stat().st_mtime_ns)


def _shapes(level: str, directory: Path | None) -> dict[str, dict]:
    directory = Path(directory) if directory else settings.geo_dir()
    out: dict[str, dict] = {}
    for fname in LEVELS[level]:
        for code, feat in _layer(directory, fname).items():
            out.setdefault(code, feat)
    return out


def load_shapes(level: str, codes: Iterable[str] | None, *, directory: Path | None = None) -> list[dict]:
    """GeoJSON features for the given codes, in the order given (duplicates dropped).

    level "la" takes current and former LA codes; "region" takes region codes (E12...).
    codes=None gives every current LA (or every region). Raises MissingShape naming the codes
    without a shape: pass a release's LA codes through `shape_code_for` first.
    """
    lvl = _level(level)
    shapes = _shapes(lvl, directory)
    if codes is None:
        first = _layer(Path(directory) if directory else settings.geo_dir(), LEVELS[lvl][0])
        wanted = list(first)
    else:
        wanted = list(dict.fromkeys(str(c).strip() for c in codes if c is not None and str(c).strip()))
    missing = [c for c in wanted if c not in shapes]
    if missing:
        hint = ""
        if any(c in APPROXIMATE for c in missing):
            hint = " (former LAs: map them with shape_code_for first)"
        raise MissingShape(f"no {'LA' if lvl == 'la' else 'region'} boundary shape for: "
                           f"{', '.join(missing)}{hint}")
    # Copies of the feature and its properties; the geometry is shared and must not be changed.
    return [{"type": "Feature", "properties": dict(shapes[c]["properties"]), "geometry": shapes[c]["geometry"]}
            for c in wanted]


def all_features(level: str, directory: Path | None = None) -> list[dict]:
    """Every feature of a level ("la": current and former LAs together; "region")."""
    return list(_shapes(_level(level), directory).values())


def _has_shape(code: str, directory: Path | None) -> bool:
    try:
        return code in _shapes("la", directory)
    except FileNotFoundError:
        return False


def shape_code_for(ons_code: str, *, directory: Path | None = None) -> str:
    """The LA shape to draw a release's LA code on: itself when it has a shape, else the current
    area that replaced it (Bournemouth, Poole -> BCP; Dorset County -> Dorset Council)."""
    code = str(ons_code).strip()
    shapes = _shapes("la", directory)
    if code in shapes:
        return code
    if code in APPROXIMATE:
        return APPROXIMATE[code][0]
    raise MissingShape(f"no LA boundary shape for {code}")


def map_notes(codes: Iterable[str], *, level: str = "la", directory: Path | None = None) -> list[str]:
    """Sentences to show under a map: the boundary vintage, any approximation, the attribution."""
    if _level(level) == "region":
        return [REGION_BOUNDARY_NOTE, REGION_ATTRIBUTION]
    present = list(dict.fromkeys(str(c).strip() for c in codes))
    subst = [c for c in present if c in APPROXIMATE and not _has_shape(c, directory)]
    notes = [LA_BOUNDARY_NOTE]
    bp = [APPROXIMATE[c][1] for c in subst if APPROXIMATE[c][0] == "E06000058"]
    if bp:
        who = " and ".join(bp)
        notes.append(f"{who} {'are' if len(bp) > 1 else 'is'} drawn on the area of Bournemouth, Christchurch "
                     f"and Poole (BCP), which replaced {'them' if len(bp) > 1 else 'it'} in April 2019; "
                     f"that area also includes Christchurch, which was then part of Dorset County.")
    if "E10000009" in subst:
        notes.append("Dorset County is drawn on the area of Dorset Council, which replaced it in April 2019; "
                     "that area excludes Christchurch, which moved to BCP.")
    notes.append(LA_ATTRIBUTION)
    return notes


def map_note(codes: Iterable[str], *, level: str = "la", directory: Path | None = None) -> str:
    """map_notes as one caption."""
    return " ".join(map_notes(codes, level=level, directory=directory))
