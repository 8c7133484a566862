"""The interactive pages' shell, as a reader without JavaScript, a search engine or a link preview
sees it. Streamlit answers every page address (/local-authority?la=E08000035) with the same empty
index.html, titled "Streamlit", whose <noscript> speaks to AI agents. A link to Leeds's profile
pasted into a chat or an email then previews as "Streamlit", and a reader with JavaScript off is
left with nothing.

ShellHead, before Streamlit in the process's stack, gives that shell the head of the page's plain
HTML equivalent in the edition (title, description with the headline figure, canonical link, Open
Graph tags) and a <noscript> that says what the page is and links to its plain version. The head is
taken from the edition page itself, asked for inside the process as any reader would (no cookie, no
token, no query), so it never says more than the public edition: a release still under embargo, or
an address that names nothing, gets the site's own head and a link to the section's index, the same
for both. With JavaScript on nothing changes: Streamlit sets each page's title as it runs.

An address that is none of Streamlit's pages gets the same shell as a 404 (ShellHead._not_a_page).
"""
from __future__ import annotations

import gzip
import html
import re
from urllib.parse import parse_qs

from outcomes.web.edition.site import SITE_NAME

# Streamlit's page addresses (app.py's url_path of each st.Page; "" is the default page), each with
# its plain equivalent: the address when the page's query names one thing, else the section's index.
# tests/app/test_edition.py holds this equal to app.pages().
PLAIN = {
    "": ("/browse", None, None),
    "overview": ("/browse", None, None),
    "local-authority": ("/areas", "la", "/areas/{}"),
    "provider-types": ("/browse", "type", "/types/{}"),
    "map": ("/areas", "type", "/types/{}"),
    "school": ("/areas", "urn", "/schools/{}"),
    "data": ("/releases", None, None),
    "methodology": ("/guidance/methodology", None, None),
    "release": ("/releases", "id", "/releases/{}"),
    "calendar": ("/releases", None, None),
    "index.html": ("/browse", None, None),  # Streamlit serves the shell at its file name too
}
# What a named thing's address may hold (anything else is not asked for: the section's index).
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_HEAD_TAGS = re.compile(rb'<title>.*?</title>|<meta name="description"[^>]*>|<link rel="canonical"[^>]*>'
                        rb'|<meta property="og:[^>]*>', re.S)
_DESCRIPTION = re.compile(rb'<meta name="description" content="([^"]*)"')
_OG_TITLE = re.compile(rb'<meta property="og:title" content="([^"]*)"')
_SHELL_TITLE = re.compile(rb"<title>[^<]*</title>")
_SHELL_NOSCRIPT = re.compile(rb"<noscript>.*?</noscript>", re.S)
_STREAMLIT_ROOT = b'<div id="root"></div>'  # what marks an answer as Streamlit's page shell
SITE_DESCRIPTION = ("Ofsted inspection outcomes in England by provider type and local authority: schools, "
                    "children's social care, local authority children's services and more, with maps and "
                    "downloadable tables.")


def plain_addresses(path: str, query_string: bytes) -> tuple[str, str] | None:
    """(the plain page named by the address, its section's index) for a Streamlit page address;
    None for any other address."""
    entry = PLAIN.get(path.strip("/"))
    if entry is None:
        return None
    index, param, named = entry
    value = (parse_qs(query_string.decode("latin-1")).get(param) or [""])[0] if param else ""
    if param == "la":
        value = value.upper()
    return (named.format(value) if value and _NAME.fullmatch(value) else index), index


def head_of(page: bytes) -> tuple[bytes, str, str]:
    """The head tags of an edition page, and its title and description as text."""
    tags = b"\n    ".join(_HEAD_TAGS.findall(page.split(b"</head>", 1)[0]))
    title, description = _OG_TITLE.search(page), _DESCRIPTION.search(page)
    return (tags, html.unescape(title.group(1).decode()) if title else SITE_NAME,
            html.unescape(description.group(1).decode()) if description else SITE_DESCRIPTION)


def site_head(title: str = SITE_NAME) -> tuple[bytes, str, str]:
    """The site's own head: for an address whose plain page is not public (or is not at all)."""
    description = html.escape(SITE_DESCRIPTION)
    tags = (f'<title>{html.escape(title)}</title>\n    <meta name="description" content="{description}">\n    '
            f'<meta property="og:site_name" content="{html.escape(SITE_NAME)}">\n    '
            f'<meta property="og:title" content="{html.escape(SITE_NAME)}">\n    '
            f'<meta property="og:description" content="{description}">')
    return tags.encode(), SITE_NAME, SITE_DESCRIPTION


def noscript(title: str, description: str, plain: str | None) -> bytes:
    """What a reader without JavaScript sees: the page's name and headline, the way to its plain
    page (none for an address that is no page), and every section of the edition."""
    links = " · ".join(f'<a href="{href}">{text}</a>' for href, text in (
        ("/browse", "Headline figures"), ("/areas", "Local authorities"), ("/releases", "Releases and data files"),
        ("/guidance/methodology", "Methodology"), ("/api/v1/docs", "The data API")))
    way = (f'<p>This interactive page needs JavaScript. <a href="{html.escape(plain)}">The same page without '
           "JavaScript</a> has its figures, tables and charts.</p>") if plain else ""
    return (f'<noscript><main style="font-family:Arial,sans-serif;max-width:40em;margin:2em auto;padding:0 1em">'
            f"<h1>{html.escape(title)}</h1><p>{html.escape(description)}</p>{way}"
            f"<p>Every page without JavaScript: {links}</p></main></noscript>").encode()


def dressed(shell: bytes, head: bytes, title: str, description: str, plain: str | None) -> bytes:
    """Streamlit's index.html with the page's head and a <noscript> for people."""
    shell = _SHELL_TITLE.sub(lambda _: head, shell, count=1)
    return _SHELL_NOSCRIPT.sub(lambda _: noscript(title, description, plain), shell, count=1)


async def _collect(app, scope, receive=None) -> tuple[int, list, bytes]:
    """Run an ASGI app on a request and keep its whole answer (a page shell or an edition page: a few KB)."""
    answer: dict = {"status": 500, "headers": [], "body": []}

    async def no_body():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def keep(message):
        if message["type"] == "http.response.start":
            answer["status"], answer["headers"] = message["status"], message.get("headers", [])
        elif message["type"] == "http.response.body":
            answer["body"].append(message.get("body", b""))
    await app(scope, receive or no_body, keep)
    return answer["status"], answer["headers"], b"".join(answer["body"])


class ShellHead:
    """Pure ASGI middleware: a GET or HEAD of a Streamlit page address gets its shell dressed with
    the head of the plain page (see the module's docstring). Anything else passes untouched."""

    def __init__(self, app, passes: tuple[str, ...] = ()):
        # Addresses of this site's own routes (the edition, the API): never Streamlit's shell, so
        # their answers (the edition's fast path) go straight through, never held and looked at.
        self.app, self.passes = app, passes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(self.passes):
            return await self.app(scope, receive, send)
        addresses = plain_addresses(scope["path"], scope.get("query_string", b""))
        if addresses is None:
            return await self._not_a_page(scope, receive, send)
        plain, index = addresses
        # The shell unconditional: it is rewritten, so Streamlit's ETag is not its own.
        shell_scope = dict(scope, method="GET", headers=[(n, v) for n, v in scope["headers"] if n not in (
            b"if-none-match", b"if-modified-since", b"range")])
        status, headers, shell = await _collect(self.app, shell_scope, receive)
        if status != 200 or not _is_html(headers):
            return await _replay(send, status, headers, shell, scope["method"])
        head = await self._head(scope, plain)
        if head is None:
            plain, head = index, site_head()
        await _replay_dressed(send, 200, headers, shell, lambda page: dressed(page, *head, plain), scope["method"])

    async def _not_a_page(self, scope, receive, send) -> None:
        """Streamlit answers an address that is none of its pages (a mistyped link, an old bookmark,
        an asset of an older build) with its shell and 200, and says "page not found" only once the
        script runs: a search engine indexes that as a page, and a browser reads the HTML as the
        asset it asked for. Here that answer is a 404 with the same shell (so with JavaScript on
        Streamlit still shows its own message) and a <noscript> that says so. Every other answer
        streams through untouched; only a 200 HTML answer is held to be looked at."""
        held: dict | None = None

        async def watch(message):
            nonlocal held
            if message["type"] == "http.response.start" and message["status"] == 200 and _is_html(message.get("headers", [])):
                held = {"start": message, "body": []}
                return
            if held is None:
                return await send(message)
            held["body"].append(message.get("body", b""))
            if not message.get("more_body"):
                await self._answer_held(held["start"], b"".join(held["body"]), scope["method"], send)
        await self.app(scope, receive, watch)

    async def _answer_held(self, start: dict, body: bytes, method: str, send) -> None:
        headers = start.get("headers", [])
        if _STREAMLIT_ROOT not in (gzip.decompress(body) if _is_gzipped(headers) and body else body):
            await send(start)
            return await send({"type": "http.response.body", "body": body})
        tags = site_head(f"Page not found · {SITE_NAME}")[0]
        await _replay_dressed(send, 404, headers, body, lambda page: dressed(
            page, tags, "Page not found", "There is no page at this address. Check it, or start from one of the pages below.",
            None), method)

    async def _head(self, scope, plain: str) -> tuple[bytes, str, str] | None:
        """The plain page's head, asked for as a reader with no cookie and no token would."""
        host = [(n, v) for n, v in scope["headers"] if n == b"host"]
        page_scope = dict(scope, method="GET", path=plain, raw_path=plain.encode(), query_string=b"", headers=host)
        status, _headers, page = await _collect(self.app, page_scope)
        return head_of(page) if status == 200 else None


def _is_html(headers: list) -> bool:
    return any(n == b"content-type" and v.startswith(b"text/html") for n, v in headers)


def _is_gzipped(headers: list) -> bool:
    return any(n == b"content-encoding" and v == b"gzip" for n, v in headers)


async def _replay_dressed(send, status: int, headers: list, body: bytes, dress, method: str) -> None:
    """Streamlit's shell answer with its page rewritten by dress(page), compressed as Streamlit sent
    it; its validators dropped (the body is no longer the file they describe)."""
    gzipped = _is_gzipped(headers)
    page = dress(gzip.decompress(body) if gzipped else body)
    page = gzip.compress(page, 6) if gzipped else page
    kept = [(n, v) for n, v in headers if n not in (b"content-length", b"etag", b"last-modified", b"accept-ranges")]
    await _replay(send, status, [*kept, (b"content-length", str(len(page)).encode())], page, method)


async def _replay(send, status: int, headers: list, body: bytes, method: str) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
