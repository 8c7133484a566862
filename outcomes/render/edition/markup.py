"""The little Markdown the page results and wording carry (bold, italics, code, links, bullet
lists, paragraphs) as HTML with GOV.UK classes. Everything else is escaped: text is never markup."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")


def _link(match: re.Match, links: dict[str, str]) -> str:
    text, url = match.group(1), match.group(2)
    return f'<a class="govuk-link" href="{links.get(url, url)}">{text}</a>'


def inline(text: str, links: dict[str, str] | None = None) -> Markup:
    """One line of Markdown as inline HTML. `links` maps a Streamlit address (./release?id=...) to
    the edition's own, so a link in a result's text stays inside the edition."""
    links = links or {}
    out = str(escape(text))
    codes: list[str] = []
    out = _CODE.sub(lambda m: codes.append(m.group(1)) or f"\x00{len(codes) - 1}\x00", out)
    out = _LINK.sub(lambda m: _link(m, {str(escape(k)): str(escape(v)) for k, v in links.items()}), out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    out = _ITALIC.sub(r"<em>\1</em>", out)
    out = re.sub("\x00(\\d+)\x00", lambda m: f"<code>{codes[int(m.group(1))]}</code>", out)
    return Markup(out.replace("  \n", "<br>").replace("\n", " "))


def blocks(text: str, links: dict[str, str] | None = None) -> Markup:
    """Paragraphs and bullet lists (lines starting '- ') as HTML."""
    html = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in chunk.strip().splitlines() if line.strip()]
        if lines and all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{inline(line.lstrip()[2:], links)}</li>" for line in lines)
            html.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        elif lines:
            html.append(f'<p class="govuk-body">{inline(chr(10).join(lines), links)}</p>')
    return Markup("".join(html))


def bullets(lines: list[str], links: dict[str, str] | None = None) -> Markup:
    """A list of sentences (a result's summary lines) as a bullet list."""
    return Markup('<ul class="govuk-list govuk-list--bullet">' + "".join(f"<li>{inline(x, links)}</li>" for x in lines) + "</ul>")
