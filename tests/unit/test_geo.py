"""Boundary build (geo/build.py) and maps (outcomes/maps.py)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from geo import build as gb
from outcomes import settings
from outcomes.domain.geography import LOOKUP_FILE, load_register
from outcomes.domain import boundaries
from outcomes.results import choropleth
from outcomes.web import cache

SOURCE = settings.source_dir()
HAVE_SOURCE = all((SOURCE / f).exists() for f in (gb.LA_FILE, gb.REGION_FILE, LOOKUP_FILE))
needs_source = pytest.mark.skipif(not HAVE_SOURCE, reason=f"boundary files not in {SOURCE}")


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _polygons(geom):
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not HAVE_SOURCE:
        pytest.skip(f"boundary files not in {SOURCE}")
    out = tmp_path_factory.mktemp("geo")
    result = gb.build(SOURCE, out)
    return out, result


# --- build ---------------------------------------------------------------------------------------

@pytest.mark.realdata
def test_build_writes_153_current_las_all_valid_and_clockwise(built):
    out, _ = built
    feats = _features(out / gb.LA_CURRENT)
    assert len(feats) == 153
    for f in feats:
        g = shape(f["geometry"])
        assert g.geom_type in ("Polygon", "MultiPolygon"), f["properties"]
        assert g.is_valid and not g.is_empty, f["properties"]
        for p in _polygons(g):
            assert not p.exterior.is_ccw, f"{f['properties']['code']}: exterior ring not clockwise"
            assert all(r.is_ccw for r in p.interiors), f"{f['properties']['code']}: hole not anticlockwise"
            # the same check by signed area (negative = clockwise with y up)
            assert shapely.Polygon(p.exterior).area == pytest.approx(-_signed_area(p.exterior.coords), rel=1e-9)
        assert set(f["properties"]) == {"code", "name"}


def _signed_area(coords) -> float:
    c = list(coords)
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(c, c[1:])) / 2


@pytest.mark.realdata
def test_every_current_la_in_the_register_has_exactly_one_shape(built):
    out, _ = built
    codes = [f["properties"]["code"] for f in _features(out / gb.LA_CURRENT)]
    current = {v.ons_code for v in load_register(SOURCE).current}
    assert len(codes) == len(set(codes))
    assert set(codes) == current
    # Barnsley and Sheffield on the lookup's 2024 codes; their 2023 codes only as former shapes.
    assert {"E08000038", "E08000039"} <= set(codes)
    assert not {"E08000016", "E08000019"} & set(codes)


@pytest.mark.realdata
def test_the_la_layer_is_a_coverage_and_coordinates_are_rounded(built):
    out, _ = built
    feats = _features(out / gb.LA_CURRENT)
    geoms = [shape(f["geometry"]) for f in feats]
    assert shapely.coverage_is_valid(geoms)
    for x, y in shapely.get_coordinates(geoms)[:2000]:
        assert round(x, 5) == x and round(y, 5) == y


@pytest.mark.realdata
def test_former_las_are_unions_of_their_successors(built):
    out, _ = built
    current = {f["properties"]["code"]: shape(f["geometry"]) for f in _features(out / gb.LA_CURRENT)}
    former = {f["properties"]["code"]: f for f in _features(out / gb.LA_FORMER)}
    assert set(former) == {"E10000006", "E10000021", "E10000023", "E10000027", "E10000002",
                           "E08000016", "E08000019"}
    for code in ("E06000028", "E06000029", "E10000009"):  # Bournemouth, Poole, Dorset County
        assert code not in former
    cumbria = shape(former["E10000006"]["geometry"])
    assert cumbria.is_valid
    assert cumbria.area == pytest.approx(current["E06000063"].area + current["E06000064"].area, rel=1e-6)
    for p in _polygons(cumbria):
        assert not p.exterior.is_ccw
    assert shape(former["E08000016"]["geometry"]).equals(current["E08000038"])
    assert former["E10000021"]["properties"]["successors"] == ["E06000061", "E06000062"]


@pytest.mark.realdata
def test_regions_and_size_budget(built):
    out, result = built
    regions = _features(out / gb.REGIONS_OUT)
    assert sorted(f["properties"]["code"] for f in regions) == [f"E1200000{i}" for i in range(1, 10)]
    assert all(shape(f["geometry"]).is_valid for f in regions)
    la_bytes = (out / gb.LA_CURRENT).stat().st_size + (out / gb.LA_FORMER).stat().st_size
    assert la_bytes == result.la_bytes < gb.LA_BUDGET_BYTES
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # atomic writes leave nothing


@pytest.mark.realdata
@needs_source
def test_build_fails_naming_a_current_la_without_a_shape(tmp_path, capsys):
    src = tmp_path / "src"
    for f in (gb.LA_FILE, gb.REGION_FILE):
        (src / f).parent.mkdir(parents=True, exist_ok=True)
        (src / f).symlink_to(SOURCE / f)
    lookup = pd.read_csv(SOURCE / LOOKUP_FILE, dtype=str, encoding="utf-8-sig")
    extra = lookup[lookup["la_code_new"] == "E06000001"].copy()
    extra["la_code_new"], extra["la_code"], extra["local_authority_ons_name"] = "E06999999", "999", "Atlantis"
    extra["utla23nm"] = extra["also_known_as"] = "Atlantis"
    (src / LOOKUP_FILE).parent.mkdir(parents=True, exist_ok=True)
    pd.concat([lookup, extra]).to_csv(src / LOOKUP_FILE, index=False, encoding="utf-8-sig")

    with pytest.raises(gb.GeoBuildError, match=r"Atlantis \(E06999999\)"):
        gb.build(src, tmp_path / "out")
    assert gb.main(["--source", str(src), "--out", str(tmp_path / "out")]) == 1
    assert "Atlantis (E06999999)" in capsys.readouterr().err
    assert not (tmp_path / "out" / gb.LA_CURRENT).exists()


def test_build_reports_a_missing_source_folder(tmp_path, capsys):
    assert gb.main(["--source", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "error:" in capsys.readouterr().err


# --- maps: on small shapes the test writes itself --------------------------------------------

def _square(x: float, y: float) -> dict:
    ring = [[x, y], [x, y + 1], [x + 1, y + 1], [x + 1, y], [x, y]]  # clockwise
    return {"type": "Polygon", "coordinates": [ring]}


def _write(path: Path, feats: list[tuple[str, str, float, float]]) -> None:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": c, "name": n}, "geometry": _square(x, y)} for c, n, x, y in feats]}
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture
def geo_dir(tmp_path, monkeypatch):
    d = tmp_path / "geo"
    d.mkdir()
    _write(d / boundaries.LA_CURRENT, [("E06000058", "Bournemouth, Christchurch and Poole", 0, 50),
                                 ("E06000059", "Dorset", 1, 50), ("E06000063", "Cumberland", 0, 54),
                                 ("E06000064", "Westmorland and Furness", 1, 54)])
    _write(d / boundaries.LA_FORMER, [("E10000006", "Cumbria", 0, 54)])
    _write(d / boundaries.REGIONS_FILE, [("E12000009", "South West", 0, 50)])
    monkeypatch.setenv("OUTCOMES_GEO", str(d))
    return d


def test_load_shapes_current_former_and_regions(geo_dir):
    feats = boundaries.load_shapes("la", ["E10000006", "E06000063", "E06000063"])
    assert [f["properties"]["code"] for f in feats] == ["E10000006", "E06000063"]
    assert len(boundaries.load_shapes("la", None)) == 4
    assert boundaries.load_shapes("region", ["E12000009"])[0]["properties"]["name"] == "South West"
    feats[0]["properties"]["code"] = "changed"  # callers get copies
    assert boundaries.load_shapes("la", ["E10000006"])[0]["properties"]["code"] == "E10000006"


def test_load_shapes_names_codes_without_a_shape(geo_dir):
    with pytest.raises(boundaries.MissingShape, match="E06000028.*E09999999"):
        boundaries.load_shapes("la", ["E06000063", "E06000028", "E09999999"])
    with pytest.raises(boundaries.MissingShape, match="E06000063"):
        boundaries.load_shapes("region", ["E06000063"])
    with pytest.raises(ValueError, match="level"):
        boundaries.load_shapes("ward", ["x"])


def test_load_shapes_says_how_to_build_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="geo.build"):
        boundaries.load_shapes("la", ["E06000063"], directory=tmp_path)


def test_shape_code_for_and_map_note(geo_dir):
    assert boundaries.shape_code_for("E06000063") == "E06000063"
    assert boundaries.shape_code_for("E10000006") == "E10000006"
    assert boundaries.shape_code_for("E06000028") == "E06000058"
    assert boundaries.shape_code_for("E06000029") == "E06000058"
    assert boundaries.shape_code_for("E10000009") == "E06000059"
    with pytest.raises(boundaries.MissingShape, match="E09999999"):
        boundaries.shape_code_for("E09999999")
    plain = boundaries.map_note(["E06000063"])
    assert "ONS upper-tier local authorities, 2023 (Barnsley and Sheffield on 2024 codes)" in plain
    assert "Bournemouth" not in plain and "Crown copyright" in plain
    note = boundaries.map_note(["E06000028", "E06000029", "E10000009"])
    assert "Bournemouth and Poole are drawn on the area of Bournemouth, Christchurch and Poole" in note
    assert "Dorset County is drawn on the area of Dorset Council" in note
    assert "2022" in boundaries.map_note([], level="region")


def _values():
    return pd.DataFrame({"la_code": ["E06000058", "E06000063", "E06000064"],
                         "share good": [0.5, 0.75, None], "n": [10, 20, 30],
                         "grade": ["Good", "Outstanding", None]})


def _find(obj, key):
    if isinstance(obj, dict):
        if key in obj:
            yield obj[key]
        for v in obj.values():
            yield from _find(v, key)
    elif isinstance(obj, list):
        for v in obj:
            yield from _find(v, key)


def test_choropleth_joins_by_lookup_and_has_the_la_selection(geo_dir):
    feats = boundaries.load_shapes("la", None)
    spec = choropleth.choropleth(feats, _values(), "la_code", "share good", "Share good", kind="share",
                           tooltip_cols=["n"])
    lookups = [t for t in _find(spec, "transform") for t in t if "lookup" in t]
    assert lookups and all(t["lookup"] == "properties.code" and t["from"]["key"] == "key" for t in lookups)
    assert spec["params"][0]["name"] == "la"
    assert spec["params"][0]["select"] == {"type": "point", "fields": ["code"]}
    assert spec["description"] and spec["height"] == 560 and spec["width"] == "container"
    text = json.dumps(spec)
    assert choropleth.NO_DATA in text and choropleth.NO_DATA_COLOUR in text  # Dorset and W&F have no value
    assert '"mercator"' in text and '"blues"' in text


def test_choropleth_selection_names_the_layer_of_areas_and_outlines_a_placeholder(geo_dir):
    """With a "No data" legend layer beneath, the selection "la" must live on the areas' layer
    (Streamlit's selection_mode="la"); the outline test takes a code swapped into the JSON later
    (outcomes.cache.map_view)."""
    feats = boundaries.load_shapes("la", None)
    spec = choropleth.choropleth(feats, _values(), "la_code", "share good", "Share good", kind="share",
                           highlight="__placeholder__", url="/app/static/geo/la.json")
    [param] = spec["params"]
    assert param["name"] == "la" and param["views"] == [spec["layer"][1]["name"]]
    stroke = spec["layer"][1]["encoding"]["stroke"]["condition"]
    assert stroke[0] == {"param": "la", "value": choropleth.SELECTED_STROKE, "empty": False}
    swapped = json.loads(json.dumps(spec).replace("__placeholder__", "E06000058"))
    assert swapped["layer"][1]["encoding"]["stroke"]["condition"][1]["test"] == 'datum.code === "E06000058"'
    for layer in spec["layer"]:  # shapes come by URL, kept to the features asked for, before the lookup
        assert layer["data"]["url"] == "/app/static/geo/la.json"
        assert "indexof" in layer["transform"][0]["filter"] and "lookup" in layer["transform"][1]
    assert spec["datasets"]["values"][2] == {"key": "E06000064", "value": None}  # null, not NaN


def test_choropleth_categories_use_the_af_palette_in_order(geo_dir):
    feats = boundaries.load_shapes("la", None)
    spec = choropleth.choropleth(feats, _values(), "la_code", "grade", "Grade", kind="category",
                           category_order=["Outstanding", "Good", "Requires improvement"])
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Outstanding", "Good", "Requires improvement", "No data"]
    assert scale["range"] == ["#12436D", "#28A197", "#801650", "#D9D9D9"]
    assert spec["params"][0]["name"] == "la"
    with pytest.raises(ValueError, match="Outstanding"):
        choropleth.choropleth(feats, _values(), "la_code", "grade", "Grade", kind="category", category_order=["Good"])


def test_choropleth_without_missing_areas_has_no_no_data_entry(geo_dir):
    feats = boundaries.load_shapes("la", ["E06000058", "E06000063"])
    spec = choropleth.choropleth(feats, _values().iloc[:2], "la_code", "n", "Count", kind="count")
    assert choropleth.NO_DATA not in json.dumps(spec["encoding"]["color"])
    assert spec["params"][0]["name"] == "la"


def test_choropleth_refuses_ambiguous_or_unmappable_rows(geo_dir):
    feats = boundaries.load_shapes("la", None)
    dup = pd.concat([_values(), _values().iloc[:1]])
    with pytest.raises(ValueError, match="E06000058"):
        choropleth.choropleth(feats, dup, "la_code", "n", "Count", kind="count")
    stray = pd.DataFrame({"la_code": ["E06000028"], "n": [1]})
    with pytest.raises(ValueError, match="shape_code_for"):
        choropleth.choropleth(feats, stray, "la_code", "n", "Count", kind="count")
    with pytest.raises(ValueError, match="fractions"):
        choropleth.choropleth(feats, _values().assign(n=[10, 20, 30]), "la_code", "n", "Share", kind="share")


@pytest.mark.realdata
def test_every_la_of_every_built_release_has_a_shape(built_data):
    import os

    from geo.build import check_releases

    assert check_releases(built_data, Path(os.environ["OUTCOMES_GEO"])) >= 20


def test_a_release_with_an_la_without_a_shape_fails_loudly(built_data, tmp_path):
    import os

    import pandas as pd

    from geo.build import GeoBuildError, check_releases

    folder = tmp_path / "releases" / "made-up-release"
    folder.mkdir(parents=True)
    pd.DataFrame({"new_la_code": ["E08000035", "W06000015"], "la_name": ["Leeds", "Cardiff"]}).to_parquet(folder / "providers.parquet")
    with pytest.raises(GeoBuildError, match=r"made-up-release: Cardiff \(W06000015\)"):
        check_releases(tmp_path, Path(os.environ["OUTCOMES_GEO"]))
