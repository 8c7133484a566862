"""Nothing embargoed in the HTML edition: before 09:30 on release day no page, sitemap entry or
figure of the coming release is served (its address is the same 404 as a made-up one), pages may
be kept only until the release is due, and from 09:30 the same process serves it."""
from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from outcomes.web.routes import routes
from tests.app.test_edition import shell_app
from tests.unit.test_embargo_export import RELEASE_DAY, built_site

PAGES = ["/browse", "/areas", "/areas/E08000035", "/releases", "/types/social_care_provider", "/guidance/methodology",
         "/sitemap.xml"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return built_site(tmp_path_factory.mktemp("edition-embargo"))


@pytest.fixture
def client(site, monkeypatch):
    for k, v in site.items():
        monkeypatch.setenv(k, v)
    return TestClient(Starlette(routes=routes()))


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response.headers["cache-control"]).group(1))


def test_before_its_time_a_release_is_nowhere_in_the_edition(client, monkeypatch):
    monkeypatch.setenv("OUTCOMES_NOW", f"{RELEASE_DAY}T09:29:50")
    made_up, coming = client.get("/releases/sc-1999"), client.get("/releases/sc-2024")
    assert coming.status_code == made_up.status_code == 404
    assert coming.content == made_up.content, "an embargoed release's address must not reveal that it exists"
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "sc-2024" not in response.text, path
        if path != "/releases":  # the calendar announces its title and time, nothing else
            assert "31 March 2024" not in response.text, path
        assert max_age(response) <= 10, f"{path} may not be kept past 09:30"
    assert "as at 31 March 2023" in client.get("/types/social_care_provider").text


def test_from_its_time_the_same_process_serves_it(client, monkeypatch):
    monkeypatch.setenv("OUTCOMES_NOW", f"{RELEASE_DAY}T09:29:50")
    client.get("/types/social_care_provider")  # made, and kept, for the set before 09:30
    monkeypatch.setenv("OUTCOMES_NOW", f"{RELEASE_DAY}T09:30:00")
    assert client.get("/releases/sc-2024").status_code == 200
    assert "as at 31 March 2024" in client.get("/types/social_care_provider").text
    assert "/releases/sc-2024" in client.get("/sitemap.xml").text


def test_an_interactive_pages_shell_says_nothing_of_a_release_before_its_time(site, monkeypatch):
    """The shell of the release view (its title and preview come from the edition) is the same for
    a coming release as for a made-up one, with or without a token, until 09:30."""
    for k, v in site.items():
        monkeypatch.setenv(k, v)
    shells = TestClient(shell_app())
    monkeypatch.setenv("OUTCOMES_NOW", f"{RELEASE_DAY}T09:29:50")
    made_up = shells.get("/release?id=sc-1999").content
    for address in ("/release?id=sc-2024", "/release?id=sc-2024&preview=any-token-at-all"):
        assert shells.get(address).content == made_up, address
    assert b"31 March 2024" not in made_up
    monkeypatch.setenv("OUTCOMES_NOW", f"{RELEASE_DAY}T09:30:00")
    assert "31 March 2024" in shells.get("/release?id=sc-2024").text
