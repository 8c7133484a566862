"""The public API under /api/v1 (issue 22), as a reader of it would notice: the releases published
now and nothing before its time, the export's exact bytes as CSV and the same figures as JSON,
errors that name the parameter at fault, an OpenAPI document that describes every path, and the
headers a browser or CDN relies on (CORS, caching, ETag and 304).

The data are the real releases: the folder OUTCOMES_DATA names when it holds a build (as in
`OUTCOMES_DATA=/work/main/data pytest tests/unit/test_api.py`), else the session's own build
(tests/conftest.py). The catalogue is the real one with its newest schools release moved into the
future: built on disk, embargoed by the clock.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from outcomes import settings
from outcomes.domain.releases import load_catalogue
from outcomes.publish import files as release_files
from outcomes.web import api
from outcomes.web.api.http import Answer, Answers
from outcomes.web.api.params import DATA_PARAMS
from outcomes.web.routes import routes

pytestmark = pytest.mark.realdata

PROJECT = settings.PROJECT_ROOT
LEEDS = "E08000035"
FUTURE = "2099-01-14T09:30:00"


@pytest.fixture(scope="module")
def data_dir(request) -> Path:
    given = os.environ.get("OUTCOMES_DATA")
    if given and (Path(given) / "serving" / "grades.parquet").exists():
        return Path(given)
    return request.getfixturevalue("built_data")


def _embargo(text: str, release_id: str) -> str:
    """The catalogue's text with one release's publication time moved to FUTURE."""
    block = re.compile(r'(\[\[release\]\]\s*\nid = "' + re.escape(release_id) + r'".*?\npublished = )([^\n]+)', re.S)
    changed, n = block.subn(lambda m: m.group(1) + FUTURE, text, count=1)
    assert n == 1, f"{release_id} not found in the catalogue"
    return changed


@pytest.fixture(scope="module")
def site(data_dir, tmp_path_factory):
    """The settings of the test site: the real data, a catalogue with one built release embargoed."""
    catalogue = load_catalogue()
    embargoed = max((r for r in catalogue if r.provider_type == "state_funded_school"), key=lambda r: r.as_at).id
    root = tmp_path_factory.mktemp("api")
    (root / "releases.toml").write_text(_embargo(settings.catalogue_path().read_text(encoding="utf-8"), embargoed),
                                        encoding="utf-8")
    env = {"OUTCOMES_DATA": str(data_dir), "OUTCOMES_CATALOGUE": str(root / "releases.toml"),
           "OUTCOMES_STATIC": str(root / "static")}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        mp.delenv("OUTCOMES_NOW", raising=False)
        # The public store refreshes the release files in a background thread when it opens: not
        # wanted here (the API serves none of them), and a thread still writing zips when the test
        # process exits aborts it.
        mp.setattr(release_files, "sync_static", lambda *args, **kwargs: None)
        assert embargoed not in {r.id for r in load_catalogue() if r.is_visible()}
        yield {"env": env, "embargoed": embargoed}


@pytest.fixture(scope="module")
def client(site) -> TestClient:
    return TestClient(Starlette(routes=routes()))


@pytest.fixture(scope="module")
def listed(client) -> dict:
    answer = client.get("/api/v1/releases")
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def social_care(listed) -> dict:
    """The latest children's social care providers release, as the list shows it."""
    return max((r for r in listed["releases"] if r["provider_type"]["code"] == "social_care_provider"),
               key=lambda r: r["as_at"])


# --- what is published ---

def test_releases_list_the_latest_social_care_release_with_its_data_sets_and_links(listed, social_care):
    latest = max((r for r in load_catalogue() if r.provider_type == "social_care_provider" and r.is_visible()),
                 key=lambda r: r.as_at)
    assert social_care["id"] == latest.id
    assert social_care["provider_type"] == {"code": "social_care_provider", "label": "Children's social care providers"}
    assert social_care["as_at"] == latest.as_at.isoformat() and social_care["version"] == latest.version
    assert social_care["status"]["code"] == latest.status.value and social_care["published"].startswith(str(latest.published.date()))
    [as_at] = [d for d in social_care["datasets"] if d["scope"] == "as_at"]
    assert {"national", "regional", "local_authority"} <= set(as_at["geographic_levels"])
    assert "Children's home" in as_at["subtypes"]
    assert social_care["links"]["html"] == f"/releases/{latest.id}"
    assert social_care["links"]["streamlit"] == f"/release?id={latest.id}"
    assert social_care["links"]["self"] == f"/api/v1/releases/{latest.id}"
    assert listed["api_version"] == "1" and listed["count"] == len(listed["releases"])


def test_an_embargoed_release_is_absent_and_answers_as_a_made_up_id_does(client, site, listed):
    embargoed = site["embargoed"]
    assert embargoed not in {r["id"] for r in listed["releases"]}
    for path in ("", "/data", "/data?geographic_level=local_authority&format=csv"):
        hidden, made_up = client.get(f"/api/v1/releases/{embargoed}{path}"), client.get(f"/api/v1/releases/no-such-release{path}")
        assert hidden.status_code == made_up.status_code == 404
        assert hidden.content == made_up.content and hidden.headers["etag"] == made_up.headers["etag"]
        assert embargoed.encode() not in hidden.content
    for path in ("/api/v1/releases", "/api/v1/openapi.json", "/api/v1/docs"):
        assert embargoed.encode() not in client.get(path).content


def test_a_release_has_its_columns_from_the_field_registry_and_the_export_metadata(client, social_care):
    answer = client.get(f"/api/v1/releases/{social_care['id']}")
    assert answer.status_code == 200
    release = answer.json()["release"]
    [la] = [d for d in release["tables"] if d["scope"] == "as_at" and d["geographic_level"] == "local_authority"]
    columns = {c["name"]: c for c in la["columns"]}
    assert columns["pct_good_or_outstanding"]["label"] == "Good or outstanding (%)"
    assert columns["pct_good_or_outstanding"]["unit"] == "%" and columns["providers"]["type"] == "integer"
    assert columns["la_name"]["description"]
    meta = {m["col_name"]: m for m in la["metadata"]}
    assert meta["pct_good_or_outstanding"]["col_type"] == "Indicator" and meta["provider_subtype"]["col_type"] == "Filter"
    assert LEEDS in la["areas"]


# --- the data: the export's bytes, the same figures as JSON ---

def _export(site, release_as_at: str, *args: str, tmp: Path) -> bytes:
    out = tmp / "export.csv"
    done = subprocess.run([sys.executable, "-m", "outcomes", "export", "--provider-type", "social_care_provider",
                           "--as-at", release_as_at, *args, "--out", str(out)],
                          cwd=PROJECT, env={**os.environ, **site["env"]}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


@pytest.mark.parametrize("query, cli", [
    (f"geographic_level=local_authority&area={LEEDS}", ["--level", "local_authority", "--la", LEEDS]),
    ("geographic_level=regional&subtype=Children%27s+home", ["--level", "regional", "--subtype", "Children's home"]),
    ("geographic_level=local_authority&area=E12000003", ["--level", "local_authority", "--region", "E12000003"]),
    ("geographic_level=provider&area=E08000035", ["--level", "provider", "--la", LEEDS]),
])
def test_the_csv_is_byte_for_byte_what_the_export_writes(client, site, social_care, query, cli, tmp_path):
    answer = client.get(f"/api/v1/releases/{social_care['id']}/data?{query}&format=csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="' + re.escape(social_care["id"]) + r'-[A-Za-z_0-9-]+\.csv"',
                        answer.headers["content-disposition"])
    assert answer.content == _export(site, social_care["as_at"], *cli, tmp=tmp_path)
    meta = client.get(f"/api/v1/releases/{social_care['id']}/metadata?{query}&format=csv")
    assert meta.status_code == 200 and meta.headers["content-disposition"].endswith('.meta.csv"')
    assert meta.content == (tmp_path / "export.meta.csv").read_bytes()


def test_json_rows_carry_the_csv_figures(client, social_care):
    base = f"/api/v1/releases/{social_care['id']}/data?geographic_level=local_authority&area={LEEDS}"
    table = list(csv.DictReader(io.StringIO(client.get(base + "&format=csv").text)))
    answer = client.get(base)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    got = answer.json()
    assert got["count"] == len(got["rows"]) == len(table) > 1
    assert got["query"] == {"geographic_level": "local_authority", "area": LEEDS, "scope": "as_at", "format": "json"}
    assert got["release"]["id"] == social_care["id"] and got["api_version"] == "1"
    assert [c["name"] for c in got["columns"]] == list(table[0])
    assert {r["la_name"] for r in got["rows"]} == {"Leeds"}
    for from_csv, from_json in zip(table, got["rows"]):
        for name, text in from_csv.items():
            value = from_json[name]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert float(text) == value, (name, text, value)
            else:
                assert ("" if value is None else str(value)) == text, (name, text, value)
    [total] = [r for r in got["rows"] if r["provider_subtype"] == "Total"]
    assert isinstance(total["providers"], int) and total["providers"] > 0


def test_time_period_picks_rows_and_the_query_is_echoed(client, social_care):
    year = social_care["as_at"][:4]
    answer = client.get(f"/api/v1/releases/{social_care['id']}/data?time_period={year}&subtype=Children%27s+home")
    assert answer.status_code == 200
    got = answer.json()
    assert got["count"] >= 1 and {r["time_period"] for r in got["rows"]} == {year}
    assert {r["provider_subtype"] for r in got["rows"]} == {"Children's home"}


def test_a_long_table_comes_in_pages_that_add_up_to_the_csv(client, social_care):
    """Every provider of the release (thousands of rows): JSON in pages of 1,000 whose next links
    walk the whole table, row for row the CSV's; the CSV is the whole table at once."""
    base = f"/api/v1/releases/{social_care['id']}/data?geographic_level=provider"
    table = list(csv.DictReader(io.StringIO(client.get(base + "&format=csv").text)))
    first = client.get(base).json()
    paging = first["paging"]
    assert first["count"] == len(first["rows"]) == 1000 and paging["page"] == 1 and paging["previous"] is None
    assert paging["total_rows"] == len(table) > 2000 and paging["total_pages"] == -(-len(table) // 1000)
    urns, page = [r["institution_id"] for r in first["rows"]], first
    while page["paging"]["next"]:
        page = client.get(page["paging"]["next"]).json()
        urns += [r["institution_id"] for r in page["rows"]]
    assert page["paging"]["page"] == paging["total_pages"] and page["paging"]["previous"] is not None
    assert [str(u) for u in urns] == [r["institution_id"] for r in table]
    bigger = client.get(base + "&page=2&page_size=2500").json()
    assert [str(r["institution_id"]) for r in bigger["rows"]] == [r["institution_id"] for r in table[2500:5000]]
    assert bigger["query"] == first["query"], "paging is not part of the query it echoes"


@pytest.mark.parametrize("query, parameter", [
    ("page=9999", "page"), ("page=0", "page"), ("page_size=10001", "page_size"), ("page_size=x", "page_size"),
    ("format=csv&page=2", "page"), ("format=csv&page_size=10", "page_size")])
def test_a_bad_page_is_a_400_naming_it(client, social_care, query, parameter):
    error = _error(client.get(f"/api/v1/releases/{social_care['id']}/data?geographic_level=provider&{query}"))
    assert error["parameter"] == parameter, error


def test_the_metadata_endpoint_takes_no_paging(client, social_care):
    error = _error(client.get(f"/api/v1/releases/{social_care['id']}/metadata?page=2"))
    assert error["parameter"] == "page" and "page" not in error["allowed"]


# --- errors ---

def _error(answer, status: int = 400) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    return answer.json()["error"]


def test_a_bad_level_is_a_400_naming_geographic_level_with_the_levels(client, social_care):
    error = _error(client.get(f"/api/v1/releases/{social_care['id']}/data?geographic_level=county"))
    assert error["parameter"] == "geographic_level" and "must be one of" in error["message"]
    assert error["allowed"] == ["national", "regional", "local_authority", "provider"]


def test_an_unknown_parameter_is_a_400_naming_it(client, social_care):
    error = _error(client.get(f"/api/v1/releases/{social_care['id']}/data?geographic_level=local_authority&area_code={LEEDS}"))
    assert error["parameter"] == "area_code" and "area" in error["allowed"]
    assert _error(client.get("/api/v1/releases?format=csv"))["parameter"] == "format"


def test_format_xml_is_a_400_naming_format(client, social_care):
    error = _error(client.get(f"/api/v1/releases/{social_care['id']}/data?format=xml"))
    assert error["parameter"] == "format" and error["allowed"] == ["json", "csv"]


@pytest.mark.parametrize("query, parameter", [
    ("subtype=Childrens+home", "subtype"),
    (f"area={LEEDS}", "area"),  # no areas at the national level
    ("geographic_level=regional&area=E12000099", "area"),
    ("geographic_level=local_authority&area=leeds", "area"),
    ("time_period=1999", "time_period"),
    ("scope=in_year", "scope"),  # this release holds no in-year table
    ("format=csv&format=json", "format"),
])
def test_values_the_release_does_not_offer_are_400s_naming_the_parameter(client, social_care, query, parameter):
    assert _error(client.get(f"/api/v1/releases/{social_care['id']}/data?{query}"))["parameter"] == parameter


def test_an_unknown_path_or_method_is_a_json_error(client):
    assert _error(client.get("/api/v1/nothing/here"), 404)["message"].startswith("No such endpoint")
    assert _error(client.get("/api/v1/releases/x/y/z"), 404)
    assert _error(client.post("/api/v1/releases"), 405)


# --- the OpenAPI document and the docs ---

def test_openapi_describes_every_path_and_parameter(client, listed):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    doc = json.loads(answer.content)
    assert re.fullmatch(r"3\.1\.\d+", doc["openapi"]) and doc["servers"] == [{"url": "/api/v1"}]
    served = {r.path for r in api.routes()} - {"/{path:path}"}
    assert served == set(doc["paths"]) and served >= {"/releases", "/releases/{release_id}", "/releases/{release_id}/data"}
    params = doc["components"]["parameters"]
    for p in DATA_PARAMS:
        assert params[p.name]["schema"].get("enum") == (list(p.enum) if p.enum else None)
    assert params["geographic_level"]["schema"]["enum"] == ["national", "regional", "local_authority", "provider"]
    data_get = doc["paths"]["/releases/{release_id}/data"]["get"]
    assert {"200", "304", "400", "404"} <= set(data_get["responses"])
    assert [p["$ref"].rsplit("/", 1)[1] for p in data_get["parameters"]] == \
        ["release_id", *[p.name for p in DATA_PARAMS], "IfNoneMatch"]
    refs = re.findall(r'"\$ref": ?"#/([^"]+)"', answer.text)
    for ref in refs:  # every reference resolves
        node = doc
        for part in ref.split("/"):
            node = node[part]
    # The answers themselves match the document's schemas.
    schema = lambda name: {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    jsonschema.Draft202012Validator(schema("ReleaseList")).validate(listed)
    bad = client.get(f"/api/v1/releases/{listed['releases'][0]['id']}/data?geographic_level=county").json()
    jsonschema.Draft202012Validator(schema("Error")).validate(bad)


def test_the_data_and_release_answers_match_the_document(client, social_care):
    doc = client.get("/api/v1/openapi.json").json()
    schema = lambda name: {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    jsonschema.Draft202012Validator(schema("ReleaseAnswer")).validate(client.get(f"/api/v1/releases/{social_care['id']}").json())
    jsonschema.Draft202012Validator(schema("DataAnswer")).validate(
        client.get(f"/api/v1/releases/{social_care['id']}/data?geographic_level=regional").json())
    jsonschema.Draft202012Validator(schema("MetadataAnswer")).validate(
        client.get(f"/api/v1/releases/{social_care['id']}/metadata?geographic_level=regional").json())


def test_the_docs_page_explains_the_api_with_a_real_release(client, social_care):
    for path in ("/api/v1/docs", "/api/v1/"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"] == "text/html; charset=utf-8"
        page = answer.text
        assert re.search(r'<link rel="stylesheet" href="/assets/edition-\w+\.css">', page) and "<script" not in page
        assert 'href="/browse"' in page, "it is in the edition's frame, with its navigation"
        assert f"/api/v1/releases/{social_care['id']}/data?geographic_level=local_authority&amp;format=csv" in page
        assert "pd.read_csv(" in page and "curl" in page and "never breaks" in page and "If-None-Match" in page
    # The examples name the site's public address, never the Host a request gave (nginx keeps the page for all).
    spoofed = client.get("/api/v1/docs", headers={"Host": "evil.example"}).text
    assert "evil.example" not in spoofed and f"{settings.site_url()}/api/v1/releases/{social_care['id']}/data" in spoofed
    bare = client.get("/api/v1", follow_redirects=False)
    assert bare.status_code == 307 and bare.headers["location"] == "/api/v1/docs"


# --- headers ---

def test_every_answer_is_open_to_every_origin_and_cacheable(client, social_care):
    for path in ("/api/v1/releases", f"/api/v1/releases/{social_care['id']}/data?format=csv", "/api/v1/openapi.json",
                 "/api/v1/releases/no-such-release", "/api/v1/releases?bad=1"):
        answer = client.get(path)
        assert answer.headers["access-control-allow-origin"] == "*", path
        assert re.fullmatch(r"public, max-age=\d+", answer.headers["cache-control"]), path
        assert answer.headers["x-api-version"] == "1"
    preflight = client.options(f"/api/v1/releases/{social_care['id']}/data",
                               headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]


def test_an_etag_sent_back_gets_a_304_without_a_body(client, social_care):
    path = f"/api/v1/releases/{social_care['id']}/data?geographic_level=local_authority&area={LEEDS}"
    first = client.get(path)
    tag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag) and client.get(path).headers["etag"] == tag
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert again.headers["cache-control"] == first.headers["cache-control"]
    assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert client.get(path + "&format=csv").headers["etag"] != tag


# --- the year's inspections (the flow) ---

def test_in_year_csv_is_what_the_export_writes_and_an_area_picks_its_rows(client, site, listed, tmp_path):
    flows = [r for r in listed["releases"] if r["provider_type"]["code"] == "social_care_provider"
             and any(d["scope"] == "in_year" for d in r["datasets"])]
    assert flows, "a social care release with its year's inspections"
    release = flows[-1]
    base = f"/api/v1/releases/{release['id']}/data?scope=in_year"
    answer = client.get(base + "&format=csv")
    assert answer.status_code == 200, answer.text
    assert answer.content == _export(site, release["as_at"], "--scope", "in_year", tmp=tmp_path)
    leeds = client.get(base + f"&geographic_level=local_authority&area={LEEDS}").json()
    assert leeds["count"] >= 1 and {r["new_la_code"] for r in leeds["rows"]} == {LEEDS}
    assert all(isinstance(r["inspections"], int) for r in leeds["rows"])
    assert _error(client.get(base + "&geographic_level=provider"))["parameter"] == "geographic_level"


def test_head_gives_the_headers_of_get(client):
    got, head = client.get("/api/v1/releases"), client.head("/api/v1/releases")
    assert head.status_code == 200 and head.headers["etag"] == got.headers["etag"]


# --- the answers kept ---

def test_an_answer_asked_for_by_many_threads_at_once_is_made_once():
    kept, calls, lock = Answers(1000), [], threading.Lock()

    def make():
        with lock:
            calls.append(1)
        time.sleep(0.05)
        return Answer(b"x" * 100)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: kept.get(("k",), make), range(16)))
    assert len(calls) == 1 and {a.body for a in answers} == {b"x" * 100}
    for i in range(20):  # bounded by bytes: the oldest answers go first
        kept.get((i,), lambda: Answer(b"y" * 100))
    assert kept.held <= 1000 and kept._kept_answer(("k",)) is None and kept._kept_answer((19,)) is not None
