"""Pre-release access at the Streamlit edge: who this session is (from ?preview=<token>, kept for the
session), which releases it may see early, and the banner and log line of every page it opens.

A wrong token or the wrong time shows nothing at all: the public site, as if no release existed
(outcomes.publish.prerelease checks tokens in constant time).
"""
from __future__ import annotations

import streamlit as st

from outcomes import settings
from outcomes.domain.releases import load_catalogue
from outcomes.domain.wording import when
from outcomes.publish import prerelease


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file: Streamlit raises its own FileNotFoundError subclass
        return {}


def preview() -> tuple[str | None, frozenset[str]]:
    """(name, release ids) this session may see early, from ?preview=<token> (kept for the session)."""
    token = st.query_params.get("preview") or st.session_state.get("preview_token")
    if not token:
        return None, frozenset()
    st.session_state["preview_token"] = token
    return prerelease.preview_ids(token, load_catalogue(), settings.now(), prerelease.configured(_secrets()))


def token() -> str | None:
    """The session's pre-release token, when it is a valid one now (a link opens a new session, so
    links keep it)."""
    return st.session_state.get("preview_token") if preview()[0] else None


def preview_banner(page: str) -> None:
    """On every page a pre-release reader opens: the banner, and a line in the preview log."""
    name, ids = preview()
    if not name:
        return
    early = [r for r in load_catalogue() if r.id in ids]
    prerelease.record(name, early, page)
    until = "; ".join(f"{when(r.published)} ({r.title})" for r in early)
    st.warning(f"**Pre-release access: not for publication until {until}.** Shown to {name}; this view is logged.")
