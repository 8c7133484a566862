"""Pre-release access, the release calendar and the release page, with the clock set before,
inside and after the 24-hour window before 09:30 on release day.

The tiny releases are made up and built into tmp (tests.unit.test_embargo_export writes them):
sc-2023 is public; sc-2024 is published at 09:30 on 2 July 2024.
"""
from __future__ import annotations

import csv
import subprocess
import sys
import threading

import pytest
from streamlit.testing.v1 import AppTest

from outcomes import settings

from outcomes.publish import prerelease

from outcomes.results import release as release_pages
from outcomes.domain.releases import load_catalogue, visible
from outcomes.store.store import Store
from tests.app.test_pages import run  # one page (switch_page runs the page file alone: app.py's banner is tested via entry())
from tests.app.test_pages import text_of as text
from tests.unit.test_embargo_export import RELEASE_DAY, built_site

TOKEN, OTHER = "correct horse battery staple", "not the token"
TOKENS = f"Ann Analyst={prerelease.hash_token(TOKEN)},Press Office={prerelease.hash_token('press-2024')}"
BEFORE_WINDOW = "2024-07-01T09:29:00"   # 24 h 1 min before publication: nobody sees it
INSIDE_WINDOW = "2024-07-01T10:00:00"   # 23 h 30 min before: named people only
AT_PUBLICATION = f"{RELEASE_DAY}T09:30:00"
TITLE_2024 = "Tiny providers as at 31 March 2024"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, str]:
    return built_site(tmp_path_factory.mktemp("prerelease"))


@pytest.fixture
def at_time(site, monkeypatch):
    for k, v in site.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv(prerelease.ENV, TOKENS)
    prerelease.ATTEMPTS.clear()  # every AppTest session is the same client: each test starts unlocked

    def set_now(when: str) -> None:
        monkeypatch.setenv("OUTCOMES_NOW", when)
    return set_now


# --- the rule: a valid token, inside the window, for that release only ---

@pytest.mark.parametrize("now, token, expected", [
    (BEFORE_WINDOW, TOKEN, None), (INSIDE_WINDOW, TOKEN, "Ann Analyst"), (INSIDE_WINDOW, "press-2024", "Press Office"),
    (INSIDE_WINDOW, OTHER, None), (INSIDE_WINDOW, "", None), (INSIDE_WINDOW, TOKEN.upper(), None),
    (AT_PUBLICATION, TOKEN, None)])  # once published there is nothing left to preview
def test_a_token_opens_a_release_only_inside_its_window(at_time, now, token, expected):
    at_time(now)
    name, ids = prerelease.preview_ids(token, load_catalogue())
    assert name == expected
    assert ids == (frozenset({"sc-2024"}) if expected else frozenset())


def test_only_hashes_are_configured_and_bad_entries_are_ignored(caplog):
    tokens = prerelease.parse_tokens(f" Ann={prerelease.hash_token(TOKEN)} ,broken,Bob=1234,=abc")
    assert tokens == {prerelease.hash_token(TOKEN): "Ann"}
    assert TOKEN not in repr(tokens)
    assert prerelease.who(TOKEN, tokens) == "Ann" and prerelease.who(OTHER, tokens) is None
    assert "1234" not in caplog.text  # a bad entry is reported without its value


@pytest.mark.parametrize("now, preview, shown", [
    (BEFORE_WINDOW, {"sc-2024"}, ["sc-2023"]), (INSIDE_WINDOW, set(), ["sc-2023"]),
    (INSIDE_WINDOW, {"sc-2024"}, ["sc-2023", "sc-2024"]), (AT_PUBLICATION, set(), ["sc-2023", "sc-2024"])])
def test_the_store_holds_a_preview_release_only_when_asked_inside_the_window(at_time, now, preview, shown):
    at_time(now)
    store = Store(preview=frozenset(preview))
    assert [r.id for r in store.releases] == shown
    assert [r.id for r in visible(load_catalogue(), settings.now(), frozenset(preview))] == shown
    assert store.grades("sc-2024", "national").empty == ("sc-2024" not in shown)


def test_export_ignores_preview_tokens_before_publication(at_time):
    at_time(INSIDE_WINDOW)
    import os

    r = subprocess.run([sys.executable, "-m", "outcomes", "export", "--provider-type", "social_care_provider",
                        "--as-at", "2024-03-31"], cwd=settings.PROJECT_ROOT, env=dict(os.environ),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and r.stdout == ""


def test_the_preview_log_keeps_every_line_when_sessions_write_at_once(tmp_path):
    release = next(r for r in load_catalogue(settings.PROJECT_ROOT / "data" / "releases.toml"))
    threads = [threading.Thread(target=prerelease.record, args=(f"reader {i}", [release], "Overview"),
                                kwargs={"data_dir": tmp_path}) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(tmp_path / prerelease.LOG_NAME, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["name"] for r in rows) == sorted(f"reader {i}" for i in range(24))
    assert {r["release_id"] for r in rows} == {release.id}
    assert prerelease.viewers(release.id, tmp_path)[0].startswith("reader ")


# --- the site, page by page (AppTest) ---

def entry(**params) -> AppTest:
    """app.py itself, as a reader arriving at the site's address (the overview) with these parameters."""
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def release_options(at: AppTest) -> list[str]:
    return [s for s in at.selectbox if s.label == "Release"][0].options


PUBLIC_PAGES = ["overview", "provider_types", "la_profile", "data", "methodology", "release", "calendar"]


def test_inside_the_window_a_named_reader_sees_the_release_with_a_banner_and_is_logged(at_time, site):
    at_time(INSIDE_WINDOW)
    home = entry(preview=TOKEN)
    assert not home.exception, home.exception
    [banner] = [w.value for w in home.warning if "Pre-release access" in w.value]
    assert "Pre-release access: not for publication until 2 July 2024, 09:30" in banner and "Ann Analyst" in banner
    assert "[About this release](./release?id=sc-2024&preview=" in text(home)  # the links keep the token
    at = run("release", preview=TOKEN, id="sc-2024")
    assert not at.exception, at.exception
    assert TITLE_2024 in [h.value for h in at.header]
    assert "No one had pre-release access" not in text(at)  # the list is for after publication
    rows = list(csv.DictReader(open(prerelease.log_path(), encoding="utf-8")))
    assert any(r["name"] == "Ann Analyst" and r["release_id"] == "sc-2024" and r["page"] == "Overview" for r in rows)


@pytest.mark.parametrize("token", [None, OTHER])
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_without_a_valid_token_every_page_is_the_public_one(at_time, page, token):
    at_time(INSIDE_WINDOW)
    # A named reader has just looked: nothing of theirs may come back from a cache.
    assert TITLE_2024 in [h.value for h in run("release", preview=TOKEN, id="sc-2024").header]
    at = run(page, **({"preview": token} if token else {}))
    assert not at.exception, at.exception
    shown = text(at)
    assert "Pre-release access" not in text(entry(**({"preview": token} if token else {})))
    assert "31 March 2024" not in shown and "sc-2024" not in shown or page == "calendar"
    if page == "release":
        assert TITLE_2024 not in release_options(at)
    if page == "calendar":  # the one place it appears: as announced, with its time
        [announced] = [d for d in at.dataframe if "Status" in d.value.columns]
        assert list(announced.value["Release"]) == [TITLE_2024]
        assert list(announced.value["Status"]) == ["announced"]
        assert "2 July 2024, 09:30" in list(announced.value["Publication"])


def test_asking_for_the_release_by_id_without_a_token_is_as_if_it_did_not_exist(at_time):
    at_time(INSIDE_WINDOW)
    hidden = run("release", id="sc-2024", preview=OTHER)
    unknown = run("release", id="sc-2099", preview=OTHER)
    assert not hidden.exception
    assert [w.value.replace("sc-2024", "X") for w in hidden.warning] == [w.value.replace("sc-2099", "X") for w in unknown.warning]
    assert TITLE_2024 not in text(hidden)


def test_after_publication_everyone_sees_it_with_who_had_access(at_time):
    at_time(INSIDE_WINDOW)
    entry(preview=TOKEN)  # logged as Ann Analyst
    at_time(AT_PUBLICATION)
    at = run("release", id="sc-2024")
    assert not at.exception, at.exception
    shown = text(at)
    assert "Pre-release access:" not in text(entry(preview=TOKEN))  # no banner for anyone now
    assert "These people had access to the release in the 24 hours before publication: Ann Analyst." in shown
    assert "**Published on this site:** 2 July 2024, 09:30" in shown
    assert "**Published by Ofsted:** not recorded" in shown
    assert TITLE_2024 in release_options(at)
    assert not [d for d in run("calendar").dataframe if "Status" in d.value.columns]  # nothing announced now


def test_before_the_window_even_a_valid_token_sees_only_the_public_site(at_time):
    at_time(BEFORE_WINDOW)
    at = run("release", preview=TOKEN)
    assert "Pre-release access" not in text(entry(preview=TOKEN)) and TITLE_2024 not in release_options(at)


def test_every_page_links_to_the_release_it_shows(at_time):
    at_time(AT_PUBLICATION)
    assert "[About this release](./release?id=sc-2024)" in text(run("overview"))


# --- the calendar and the release page as data ---

def test_the_calendar_announces_future_releases_and_lists_published_ones(at_time):
    at_time(BEFORE_WINDOW)
    entries = release_pages.calendar(Store().releases)
    assert [(e.title, e.status, e.when) for e in entries if e.status == "announced"] == [(TITLE_2024, "announced", "2 July 2024, 09:30")]
    assert [e.release_id for e in entries if e.status == "published"] == ["sc-2023"]


def test_the_release_page_computes_its_findings_and_the_change_since_the_last_release(at_time):
    at_time(AT_PUBLICATION)
    page = release_pages.release_page(Store(), "sc-2024")
    assert page.findings[0] == ("As at 31 March 2024, the release covers 3 children's social care providers, "
                                "3 of them with an overall grade.")
    assert page.findings[1].startswith("100.0% of those graded were good or outstanding at their latest inspection, "
                                       "up 50.0 percentage points from 50.0% as at 31 March 2023")
    assert page.changes == ["Since the previous release (as at 31 March 2023), children's social care providers: "
                            "2 improved, 1 were newly inspected."]
    assert page.previous.id == "sc-2023" and page.next is None
    assert release_pages.release_page(Store(), "sc-2023").next.id == "sc-2024"


# --- wrong tokens: counted per client, a lockout, logged, and nothing revealed ---

class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_five_wrong_tokens_lock_a_client_out_even_for_the_right_token_until_the_lockout_ends(caplog):
    tokens, clock = prerelease.parse_tokens(TOKENS), Clock()
    attempts = prerelease.Attempts(clock=clock)
    caplog.set_level("WARNING", logger="outcomes.publish.prerelease")
    for i in range(4):
        assert prerelease.check(f"guess {i}", "203.0.113.9", tokens, attempts) is None
    assert not attempts.locked("203.0.113.9")
    assert prerelease.check("guess 4", "203.0.113.9", tokens, attempts) is None
    assert attempts.locked("203.0.113.9")
    assert prerelease.check(TOKEN, "203.0.113.9", tokens, attempts) is None  # locked: the right token fails too
    assert prerelease.check(TOKEN, "198.51.100.2", tokens, attempts) == "Ann Analyst"  # another client is not
    clock.t += prerelease.LOCKOUT_S
    assert prerelease.check(TOKEN, "203.0.113.9", tokens, attempts) == "Ann Analyst"
    assert "wrong pre-release token from 203.0.113.9 (1 of 4 allowed in 15 minutes)" in caplog.text
    assert "locked out for 15 minutes" in caplog.text and "refused: locked out" in caplog.text
    assert "guess" not in caplog.text and TOKEN not in caplog.text  # the tries themselves are never logged


def test_wrong_tokens_spread_out_in_time_never_lock_anyone_out():
    clock = Clock()
    attempts = prerelease.Attempts(clock=clock)
    for _ in range(20):
        attempts.failed("203.0.113.9")
        clock.t += prerelease.WINDOW_S / 4  # four in any window: one short of a lockout
    assert not attempts.locked("203.0.113.9")


def test_the_count_is_exact_when_sessions_try_at_once_and_memory_stays_bounded():
    attempts = prerelease.Attempts(max_failures=10**9, max_clients=50)
    threads = [threading.Thread(target=lambda: [attempts.failed("203.0.113.9") for _ in range(200)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert attempts.failed("203.0.113.9") == 8 * 200 + 1
    for i in range(500):
        attempts.failed(f"10.0.{i // 250}.{i % 250}")
    assert len(attempts._failures) == 50


@pytest.mark.parametrize("peer, forwarded, client", [
    (None, "203.0.113.5", "203.0.113.5"),                     # make serve: nginx on this machine
    (None, "1.2.3.4, 203.0.113.5", "203.0.113.5"),            # a client's own X-Forwarded-For is not believed
    ("10.42.0.7", "evil, 198.51.100.7", "198.51.100.7"),      # the ingress, on the cluster's network
    ("151.101.0.9", "1.1.1.1", "151.101.0.9"),                # straight from the internet: its header is ignored
    (None, None, "local")])
def test_the_client_is_the_address_the_proxy_in_front_saw(peer, forwarded, client):
    assert prerelease.client_of(peer, forwarded) == client


def test_a_wrong_token_and_a_right_one_outside_its_window_get_the_same_page_as_no_token(at_time):
    at_time(BEFORE_WINDOW)
    public = text(entry())
    assert text(entry(preview=OTHER)) == public
    assert text(entry(preview=TOKEN)) == public  # valid, but not yet: nothing says a release is close
    at_time(INSIDE_WINDOW)
    assert text(entry(preview=OTHER)) == text(entry())


def test_after_five_wrong_tokens_the_site_refuses_the_right_one_and_shows_the_public_page(at_time, caplog):
    at_time(INSIDE_WINDOW)
    caplog.set_level("WARNING", logger="outcomes.publish.prerelease")
    for i in range(prerelease.MAX_FAILURES):
        entry(preview=f"guess {i}")  # five sessions, one wrong token each
    locked = entry(preview=TOKEN)
    assert "Pre-release access" not in text(locked) and text(locked) == text(entry())
    assert "refused: locked out" in caplog.text

