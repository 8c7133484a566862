"""URL fuzzing: every page of app.py, opened with random values of every query parameter the site
uses (SQL, HTML, script, very long, unicode, repeated and comma-separated values), shows no
exception, renders nothing injected as HTML, shows no embargoed release, and warns about a value
it sets aside.

The page list is read from app.py's pages(), so a new page is fuzzed without editing this file. One
release is put under embargo (published in 2099 in a copy of the catalogue) and its date, id and
title must never appear. Each page keeps one session across its examples, as a visitor editing
the address would.
"""
from __future__ import annotations

import ast
import os
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from streamlit.testing.v1 import AppTest

from outcomes import settings

pytestmark = pytest.mark.realdata

APP = settings.PROJECT_ROOT / "app.py"
# Examples per page: enough to meet each kind of value, fast enough for every run (the provider
# types page takes ~5 s an example here); FUZZ_EXAMPLES=200 for a deeper search.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# The parameters the site uses (the brief's list), and any others the pages name.
KNOWN_PARAMS = ["type", "as_at", "subtype", "la", "region", "measure", "level", "measures", "id", "version", "urn", "preview"]

EMBARGOED = "area-send-2024-12-31"  # an as-at date (31 December) no inspection, report or other release carries
NOW = "2026-11-21T12:00:00"  # after every other release's publication (09:30, 20 November 2026)


def page_paths() -> list[str]:
    """The pages app.py registers: st.Page("views/x.py", ...) calls in its pages()."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    paths = [c.args[0].value for c in ast.walk(tree) if isinstance(c, ast.Call) and getattr(c.func, "attr", "") == "Page"
             and c.args and isinstance(c.args[0], ast.Constant)]
    assert paths, "no st.Page(...) found in app.py"
    return paths


def params_in_use() -> list[str]:
    """KNOWN_PARAMS plus any parameter a page or outcomes/web/ reads or links with."""
    found = set()
    for f in [*(settings.PROJECT_ROOT / "views").glob("*.py"), *(settings.PROJECT_ROOT / "outcomes" / "web").glob("*.py")]:
        text = f.read_text(encoding="utf-8")
        found |= set(re.findall(r"""query_params(?:\.get\(|\[)\s*["'](\w+)["']""", text))
        found |= set(re.findall(r"""choose(?:_many)?\([^,]+,\s*["'](\w+)["']""", text))
        found |= set(re.findall(r"""query_params=\{\s*["'](\w+)["']""", text))
    return sorted(set(KNOWN_PARAMS) | found)


PARAMS = params_in_use()
LINK = "https://evil.example/"
HOSTILE = [
    "' OR '1'='1", "1; DROP TABLE providers; --", "E08000035' --", "$release_id", "%' UNION SELECT * FROM providers --",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>bold</b>", "</div><h1>hi</h1>",
    f"[click me]({LINK})", f"![pixel]({LINK}p.png)", "javascript:alert(1)", "**loud**", ":red[alarm]", "$$x^2$$",
    "../../../etc/passwd", "\x00", "\u202eevil", "é", "🏫" * 50, "E" * 5000, "9" * 40, "-1", "NaN", "None", "null",
    "2025-02-30", "0000-00-00", "2024-03-31T09:30", ",", ",,,", " ", "",
]
VALID = [  # real values, so the fuzz also walks the pages' working paths
    "la_childrens_services", "social_care_provider", "state_funded_school", "area_send", "further_education",
    "2024-03-31", "2025-03-31", "2023-08-31", "E08000035", "E09000019", "E10000006", "E12000003", "Children's home",
    "All", "all", "national", "regional", "local_authority", "provider", "judgement", "share",
    "providers,pct_good_or_outstanding", "E08000035,E08000035", "E08000035,not-an-la", "1", "2", "true",
    # the embargoed release, asked for by name: must be refused like any unknown value
    "2024-12-31", EMBARGOED, f"{EMBARGOED},E08000035",
]
one_value = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(VALID), st.text(max_size=40))
value = st.one_of(one_value, st.lists(one_value, min_size=2, max_size=3),
                  st.lists(st.sampled_from(VALID + HOSTILE), min_size=2, max_size=4).map(",".join))
query = st.dictionaries(st.sampled_from(PARAMS), value, min_size=1, max_size=4)


@pytest.fixture(scope="module")
def embargo(built_data, tmp_path_factory):
    """A copy of the catalogue with one release published in 2099, and the clock after the rest."""
    text = (settings.PROJECT_ROOT / "data" / "releases.toml").read_text(encoding="utf-8")
    start = text.index(f'id = "{EMBARGOED}"')
    end = text.find("[[release]]", start)
    end = len(text) if end < 0 else end
    block = re.sub(r"published = \S+", "published = 2099-01-01T09:30:00", text[start:end], count=1)
    catalogue = tmp_path_factory.mktemp("catalogue") / "releases.toml"
    catalogue.write_text(text[:start] + block + text[end:], encoding="utf-8")
    release = next(r for r in tomllib.loads(catalogue.read_text(encoding="utf-8"))["release"] if r["id"] == EMBARGOED)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OUTCOMES_CATALOGUE", str(catalogue))
        mp.setenv("OUTCOMES_NOW", NOW)
        as_at = release["as_at"]
        yield [EMBARGOED, release["title"], as_at.isoformat(), as_at.strftime("%Y%m%d"), f"{as_at.day} {as_at:%B %Y}"]


def elements(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from elements(child)


def shown_text(at: AppTest) -> str:
    """Everything the page sent: every element's protobuf (labels, options, chart specs and data)
    and every table as CSV."""
    parts = []
    for node in elements(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


def markdown_bodies(at: AppTest) -> list[tuple[str, bool]]:
    """(text, whether Streamlit renders raw HTML in it) for every element that renders markdown or HTML."""
    out = []
    for node in elements(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if kind == "html":
            out.append((proto.body, True))
        elif proto is not None and hasattr(proto, "body") and isinstance(proto.body, str):
            out.append((proto.body, bool(getattr(proto, "allow_html", False))))
    return out


def open_page(path: str) -> AppTest:
    # Run once first: pages registered by st.navigation are only known after a run.
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page(path)
    return at.run()


def run_with(at: AppTest, params: dict) -> AppTest:
    at.query_params.clear()
    at.query_params.update(params)
    return at.run()


def tokens(v) -> set[str]:
    values = v if isinstance(v, list) else [v]
    return {t for x in values for t in str(x).split(",") if t.strip()}


def _static_prose() -> list[str]:
    from outcomes.results import ledger

    return [e.why for e in ledger.load() if e.why] + [e.quote for e in ledger.load()]


STATIC_PROSE = _static_prose()
FUZZ = hsettings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("path", page_paths())
def test_any_address_gives_a_page_not_an_error_or_embargoed_data(path, embargo):
    at = open_page(path)
    assert not at.exception, at.exception

    @FUZZ
    @given(params=query)
    def check(params):
        run_with(at, params)
        assert not at.exception, (params, [e.value for e in at.exception])
        text = shown_text(at)
        for t in sorted(set().union(*map(tokens, params.values())), key=len, reverse=True):
            text = text.replace(t, "")  # a page may quote the address back; that is not the release's data
        for prose in STATIC_PROSE:  # hand-written notes on Ofsted's figures name dates, not data
            text = text.replace(prose, "").replace(prose.replace("'", "\\'"), "")  # (as sent, and as protobuf text)
        # The calendar lists an announced release by design (issue 12): its title and date, nothing more.
        leaked = [t for t in embargo if t in text and not (path.endswith("calendar.py") and t != EMBARGOED)]
        assert not leaked, f"embargoed release shown ({leaked}) for {params}"
        for body, renders_html in markdown_bodies(at):
            if renders_html:
                for p in params.values():
                    for t in tokens(p):
                        assert not ("<" in t and t in body), f"{t!r} rendered as raw HTML for {params}"
        # A value the page set aside (the address changed and lost a token) is explained.
        warnings = " ".join(w.value for w in at.warning)
        for name, given_value in params.items():
            if isinstance(given_value, list):
                given_value = given_value[-1]  # a repeated parameter: Streamlit reads the last one
            after = at.query_params.get(name, given_value)
            dropped = tokens(given_value) - tokens(after)
            if after != given_value and dropped:
                assert name in warnings, f"?{name}={given_value!r} became {after!r} without a message"

    check()


def test_a_markdown_link_in_the_address_is_not_rendered_as_a_link(embargo):
    for path in page_paths():
        at = run_with(open_page(path), {name: f"[click me]({LINK})" for name in PARAMS})
        for body, _ in markdown_bodies(at):
            # Inside a code span markdown is inert: the value may be quoted there, nowhere else.
            outside_code = re.sub(r"`[^`]*`", "", body)
            assert f"]({LINK}" not in outside_code, f"{path}: the address renders a link: {body[:200]!r}"
