"""The HTML edition over the real build, as curl, a search engine and a link preview see it: every
kind of page answers with its figures in words and tables, without JavaScript; its headers let a
cache keep it, never past the next publication; an unknown address is a 404 that says what to do."""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from pathlib import Path

import pytest
import streamlit
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from outcomes import settings
from outcomes.domain.fields import TYPES
from outcomes.web import public
from outcomes.web.edition.shell import PLAIN
from outcomes.web.routes import middleware, routes

pytestmark = pytest.mark.realdata
LEEDS = "E08000035"


@pytest.fixture(scope="module")
def client(built_data):
    return TestClient(Starlette(routes=routes()))


class Parsed(HTMLParser):
    """What a reader without JavaScript gets from a page: its text, tables, meta tags and links."""

    def __init__(self, html: str):
        super().__init__()
        self.text, self.meta, self.links, self.tables, self.scripts, self.svgs = [], {}, [], 0, 0, []
        self.title, self._in_title = "", False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            self.meta[a.get("property") or a.get("name")] = a.get("content")
        elif tag == "link" and a.get("rel") == "canonical":
            self.meta["canonical"] = a["href"]
        elif tag == "a":
            self.links.append(a.get("href", ""))
        elif tag == "table":
            self.tables += 1
        elif tag == "script":
            self.scripts += 1
        elif tag == "svg":
            self.svgs.append(a.get("aria-label", ""))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def plain(text: str) -> str:
    """A result's Markdown sentence as it reads on a page."""
    return " ".join(re.sub(r"\*\*|\[([^\]]+)\]\([^)]+\)", lambda m: m.group(1) or "", text).split())


def test_an_la_page_shows_its_name_headline_figures_and_tables_without_javascript(client):
    response = client.get(f"/areas/{LEEDS}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = Parsed(response.text)
    profile = public.result("la_profile", LEEDS)
    assert page.title.startswith("Leeds: Ofsted inspection outcomes")
    assert page.scripts == 0, "the edition needs no JavaScript"
    for sentence in profile.summary:  # the same sentences as the Streamlit page
        assert plain(sentence) in page.words
    assert page.tables >= len([b for b in profile.blocks if not b.own_grade_text]) + 1
    assert any("Leeds" in label for label in page.svgs), "each chart is an SVG named by its description"
    # The link preview carries the headline figure; the canonical address is the page's own.
    assert plain(profile.summary[0])[:150] in page.meta["og:description"]
    assert page.meta["description"] == page.meta["og:description"]
    assert page.meta["canonical"] == f"{settings.site_url()}/areas/{LEEDS}" == page.meta["og:url"]
    assert f"/local-authority?la={LEEDS}" in page.links, "it links to its interactive view"
    urns = [link for link in page.links if link.startswith("/schools/")]
    assert len(urns) > 200, "Leeds's page lists its schools"


def test_the_la_pages_figures_are_the_export_figures(client):
    """The homes row for Leeds reads as the tidy export says: providers, graded, the share."""
    page = Parsed(client.get(f"/areas/{LEEDS}").text).words
    homes = next(b for b in public.result("la_profile", LEEDS).blocks if b.provider_type == "social_care_provider")
    shown, _ = public.result("export_frames", homes.release.id, "local_authority", homes.subtype, None, LEEDS)
    row = shown.iloc[0]
    assert f"Leeds {int(row['providers']):,}" in page
    assert f"{float(row['pct_good_or_outstanding']):.1f}%" in page


@pytest.mark.parametrize("path, heading", [
    ("/browse", "Ofsted inspection outcomes in England"), ("/areas", "Local authorities"),
    ("/releases", "Releases and calendar"), ("/guidance/methodology", "Methodology and about"),
    ("/areas/E10000006", "Cumbria"),           # a split authority keeps its own page
    ("/areas/E09000001", "City of London"), ("/areas/E06000053", "Isles of Scilly"),
])
def test_each_kind_of_page_answers_with_its_heading(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200, path
    page = Parsed(response.text)
    assert heading in page.words and page.scripts == 0
    assert "/assets/edition-" in response.text, "the page links its stylesheet"


def test_every_provider_type_and_release_has_a_page(client):
    store = public.store()
    for ptype in TYPES:
        latest = store.latest(ptype)
        response = client.get(f"/types/{ptype}")
        assert response.status_code == (200 if latest else 404), ptype
        if latest:
            assert TYPES[ptype].label in Parsed(response.text).words
    for release in store.releases:
        response = client.get(f"/releases/{release.id}")
        assert response.status_code == 200, release.id
        words = Parsed(response.text).words
        assert release.title in words and "Quality assurance checklist" in words


def test_a_school_page_reads_as_the_school_view(client):
    urn = next(link for link in Parsed(client.get(f"/areas/{LEEDS}").text).links if link.startswith("/schools/")).split("/")[-1]
    school = public.school_page(urn)
    page = Parsed(client.get(f"/schools/{urn}").text)
    assert school.name in page.title
    assert plain(school.latest) in page.words
    assert f"/areas/{LEEDS}" in page.links and f"/school?urn={urn}" in page.links


@pytest.mark.parametrize("path", ["/areas/E99999999", "/areas/leeds", "/releases/no-such-release", "/schools/12",
                                  "/schools/abc", "/types/nothing"])
def test_an_unknown_address_is_a_404_that_says_where_to_go(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = Parsed(response.text)
    assert "Page not found" in page.words and "/areas" in page.links


def test_a_lower_case_code_goes_to_the_page(client):
    response = client.get(f"/areas/{LEEDS.lower()}", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == f"/areas/{LEEDS}"


def test_caching_headers_etag_and_gzip(client):
    first = client.get(f"/areas/{LEEDS}", headers={"Accept-Encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    age = int(re.search(r"max-age=(\d+)", first.headers["cache-control"]).group(1))
    assert 0 <= age <= public.max_age() + 1 and first.headers["cache-control"].startswith("public")
    again = client.get(f"/areas/{LEEDS}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(f"/areas/{LEEDS}", headers={"Accept-Encoding": "identity"}).text == first.text
    css = client.get(Parsed(first.text).meta.get("canonical") and re.search(r'/assets/edition-\w+\.css', first.text).group(0))
    assert css.status_code == 200 and "immutable" in css.headers["cache-control"] and b"govuk-" in css.content


def test_a_preview_token_never_reaches_the_edition(client):
    """The edition reads the public releases only: a token in the address changes nothing."""
    plain_page = client.get(f"/areas/{LEEDS}").content
    assert client.get(f"/areas/{LEEDS}?preview=any-token-at-all").content == plain_page


def test_sitemap_lists_every_page_and_robots_points_at_it(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locs = {el.text.removeprefix(settings.site_url()) for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    store = public.store()
    assert {f"/areas/{c}" for c in store.la_lookup()["new_la_code"]} <= locs
    assert {f"/releases/{r.id}" for r in store.releases} <= locs
    assert {"/browse", "/areas", "/releases", "/guidance/methodology"} <= locs
    assert sum(1 for loc in locs if loc.startswith("/schools/")) > 15000
    assert f"Sitemap: {settings.site_url()}/sitemap.xml" in client.get("/robots.txt").text


def test_pages_made_at_once_by_many_threads_are_the_pages_made_one_by_one(client):
    """The memo of pages is shared by every reader of the process: concurrent first requests for the
    same and different pages each get the whole page, the same bytes as alone."""
    from outcomes.web.edition import responses
    paths = [f"/areas/{c}" for c in ("E08000035", "E09000033", "E10000016", "E06000001")] * 3 + ["/browse", "/releases"] * 2
    responses._pages.clear()
    got: dict[int, bytes] = {}

    def fetch(i: int, path: str):
        got[i] = client.get(path, headers={"Accept-Encoding": "identity"}).content
    threads = [threading.Thread(target=fetch, args=(i, p)) for i, p in enumerate(paths)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    responses._pages.clear()
    for i, path in enumerate(paths):
        assert got[i] == client.get(path, headers={"Accept-Encoding": "identity"}).content, path


def test_the_fast_path_answers_a_made_page_as_the_route_does(built_data):
    """app.py puts FastPath before Streamlit: a page already made is served from memory with the
    same bytes and headers as its route gave, and a 304 or a HEAD as HTTP wants them."""
    from outcomes.web.routes import middleware
    client = TestClient(Starlette(routes=routes(), middleware=middleware()))
    for encoding in ("gzip", "identity"):
        made = client.get(f"/areas/{LEEDS}", headers={"Accept-Encoding": encoding})   # the route (or already made)
        fast = client.get(f"/areas/{LEEDS}", headers={"Accept-Encoding": encoding})   # from memory
        assert fast.content == made.content and fast.status_code == 200
        for header in ("etag", "cache-control", "content-type", "vary"):
            assert fast.headers[header] == made.headers[header], header
        assert fast.headers.get("content-encoding") == made.headers.get("content-encoding")
    assert client.get(f"/areas/{LEEDS}", headers={"If-None-Match": made.headers["etag"]}).status_code == 304
    head = client.head(f"/areas/{LEEDS}")
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 10_000
    assert client.get("/areas/E99999999").status_code == 404, "an address that names nothing is never fast-pathed"


def test_the_edition_written_as_files_is_the_sites_bytes(client, tmp_path):
    """`python -m outcomes edition --out DIR`: each page a file at its address, as the site serves it."""
    from typer.testing import CliRunner
    from outcomes.ops.cli import app
    result = CliRunner().invoke(app, ["edition", "--out", str(tmp_path), "--only", "/types"])
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("types/*/index.html"))
    assert len(written) == sum(1 for t in TYPES if public.store().latest(t) is not None) and written
    for path in written:
        address = "/" + str(path.parent.relative_to(tmp_path))
        assert path.read_bytes() == client.get(address, headers={"Accept-Encoding": "identity"}).content, address
    assert (tmp_path / "sitemap.xml").read_bytes() == client.get("/sitemap.xml", headers={"Accept-Encoding": "identity"}).content
    assert list(tmp_path.glob("assets/edition-*.css"))


# The interactive pages' shell (outcomes.web.edition.shell): Streamlit's own index.html behind the
# site's middleware, compressed when asked as Streamlit does, so the middleware must ask for it plain.
STREAMLIT_SHELL = Path(streamlit.__file__).parent / "static" / "index.html"


def shell_app() -> Starlette:
    async def shell(request):
        return FileResponse(STREAMLIT_SHELL, media_type="text/html")
    inner = Starlette(routes=[*routes(), Route("/{path:path}", shell)], middleware=[Middleware(GZipMiddleware, minimum_size=100)])
    for entry in reversed(middleware()):
        inner = entry.cls(inner, *entry.args, **entry.kwargs)
    return inner


@pytest.fixture(scope="module")
def shell_client(built_data):
    return TestClient(shell_app())


def test_an_interactive_pages_shell_previews_as_its_plain_page_and_links_to_it(client, shell_client):
    """A link to Leeds's profile pasted into a chat, or read with JavaScript off, shows Leeds and its
    headline figure (not "Streamlit"), and leads to the page that works without JavaScript."""
    plain_page = Parsed(client.get(f"/areas/{LEEDS}").text)
    for address in (f"/local-authority?la={LEEDS}", f"/local-authority?la={LEEDS.lower()}&preview=any-token"):
        response = shell_client.get(address, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
        shell = Parsed(response.text)
        assert "Leeds" in shell.title and "Streamlit" not in shell.title
        for name in ("description", "og:title", "og:description", "canonical"):
            assert shell.meta[name] == plain_page.meta[name], name
        assert f"/areas/{LEEDS}" in shell.links and "The same page without JavaScript" in shell.words
        assert plain_page.meta["description"] in shell.words
        assert shell.scripts >= 1, "the interactive page still loads with JavaScript on"


@pytest.mark.parametrize("address, plain_address", [
    ("/", "/browse"), ("/overview", "/browse"), ("/provider-types?type=social_care_provider", "/types/social_care_provider"),
    ("/school?urn=100000", "/schools/100000"), ("/methodology", "/guidance/methodology"), ("/calendar", "/releases"),
    ("/local-authority", "/areas")])
def test_each_interactive_page_names_its_plain_page(shell_client, client, address, plain_address):
    shell = Parsed(shell_client.get(address).text)
    assert shell.meta["canonical"] == Parsed(client.get(plain_address).text).meta["canonical"]
    assert plain_address in shell.links


def test_a_shell_naming_nothing_gets_the_sites_head_and_the_sections_index(shell_client):
    made_up = shell_client.get("/release?id=no-such-release")
    assert made_up.status_code == 200
    shell = Parsed(made_up.text)
    assert shell.title == "Ofsted inspection outcomes in England" and "canonical" not in shell.meta
    assert "/releases" in shell.links and "/releases/no-such-release" not in shell.links
    assert shell_client.get("/school?urn=<script>").text.count("<script>") == shell_client.get("/school").text.count("<script>")


def test_every_streamlit_page_has_a_plain_page_and_other_addresses_pass_untouched(shell_client):
    # st.Page's url_path is known only inside a script run, so the addresses are read from app.py.
    url_paths = re.findall(r'url_path="([^"]+)"', (settings.PROJECT_ROOT / "app.py").read_text())
    assert len(url_paths) >= 9 and set(PLAIN) == {"", "index.html"} | set(url_paths)
    bare = TestClient(Starlette(routes=routes()))
    for address in (f"/areas/{LEEDS}", "/areas/E99999999", "/api/v1/releases", "/sitemap.xml"):
        assert shell_client.get(address).content == bare.get(address).content, f"{address} must pass untouched"


@pytest.mark.parametrize("address", ["/no-such-page", "/static/js/index.old.js", "/_stcore/not-a-page"])
def test_an_address_that_is_no_page_is_a_404_not_streamlits_shell_as_a_page(shell_client, address):
    """Streamlit gives its shell, 200, for any address; a search engine would index a mistyped link."""
    for encoding in ("gzip", "identity"):
        response = shell_client.get(address, headers={"Accept-Encoding": encoding})
        assert response.status_code == 404, address
        shell = Parsed(response.text)
        assert shell.title.startswith("Page not found") and "There is no page at this address" in shell.words
        assert "/browse" in shell.links and shell.scripts >= 1, "with JavaScript on, Streamlit says so itself"


def test_the_published_releases_are_listed_by_provider_type_newest_first(client):
    """Six-monthly LA releases loaded on one day must not bury the others: one list per provider type,
    each newest first, and every published release once."""
    text = client.get("/releases").text
    published = text.split('<h2 class="govuk-heading-l">Published</h2>', 1)[1]
    store = public.store()
    listed = re.findall(r'href="/releases/([^"#]+)"', published)
    assert sorted(listed) == sorted(r.id for r in store.releases)
    for ptype in {r.provider_type for r in store.releases}:
        assert f'id="{ptype}"' in published and f'href="#{ptype}"' in published
        ids = [i for i in listed if store.release(i).provider_type == ptype]
        dates = [store.release(i).as_at for i in ids]
        assert dates == sorted(dates, reverse=True), ptype
        # one block: the type's releases are listed together
        positions = [listed.index(i) for i in ids]
        assert positions == list(range(positions[0], positions[0] + len(ids))), ptype
