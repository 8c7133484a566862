"""The edition's Jinja environment: our templates beside govuk-frontend-jinja's component macros
(imported by their own paths, 'govuk_frontend_jinja/components/...'), with the Markdown filters.

Made once per process and only read after that: Jinja environments are safe to share across
threads once configured, so every reader's render uses this one."""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from outcomes.render.edition.markup import blocks, bullets, inline

TEMPLATES = Path(__file__).parent / "templates"

# Markdown as GOV.UK HTML: raw HTML in the text is escaped, never passed through.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_CLASSES = {"<p>": '<p class="govuk-body">', "<ul>": '<ul class="govuk-list govuk-list--bullet">',
            "<ol>": '<ol class="govuk-list govuk-list--number">', "<h3>": '<h3 class="govuk-heading-m">',
            "<h4>": '<h4 class="govuk-heading-s">', "<a href=": '<a class="govuk-link" href='}
_TAG = re.compile("|".join(re.escape(k) for k in _CLASSES))


def md(text: str, links: dict[str, str] | None = None) -> Markup:
    """A block of Markdown (the methodology's text) as HTML with GOV.UK classes."""
    html = _MARKDOWN.render(text)
    for old, new in (links or {}).items():
        html = html.replace(f'href="{old}"', f'href="{new}"')
    return Markup(_TAG.sub(lambda m: _CLASSES[m.group(0)], html))


def _environment() -> Environment:
    loader = ChoiceLoader([FileSystemLoader(TEMPLATES),
                           PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")})])
    env = Environment(loader=loader, autoescape=select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True)
    env.filters.update(inline=inline, bullets=bullets, blocks=blocks, md=md)
    return env


ENVIRONMENT = _environment()


def render(template: str, **context) -> str:
    """One page of the edition as HTML."""
    return ENVIRONMENT.get_template(template).render(**context)
