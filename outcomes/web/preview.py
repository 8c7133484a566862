"""Pre-release access at the Streamlit edge: who this session is (from ?preview=<token>, kept for the
session), which releases it may see early, and the banner and log line of every page it opens.

A wrong token or the wrong time shows nothing at all: the public site, as if no release existed
(outcomes.publish.prerelease checks tokens in constant time). Each token a session brings is
checked once against its client's count of wrong tokens (prerelease.check: a lockout after five),
so a session's reruns do not count again, and a new session is a new try.
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


def _client() -> str:
    """The reader's address as nginx (or the ingress) saw it, for counting wrong tokens."""
    peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    # Strings from a real server; Streamlit's AppTest hands in stand-in objects, which count as unknown.
    return prerelease.client_of(peer if isinstance(peer, str) else None, forwarded if isinstance(forwarded, str) else None)


def preview() -> tuple[str | None, frozenset[str]]:
    """(name, release ids) this session may see early, from ?preview=<token> (kept for the session)."""
    token = st.query_params.get("preview") or st.session_state.get("preview_token")
    if not token:
        return None, frozenset()
    tokens = prerelease.configured(_secrets())
    if st.session_state.get("preview_token") != token:  # a token new to this session: counted once
        st.session_state["preview_token"] = token
        st.session_state["preview_accepted"] = prerelease.check(token, _client(), tokens) is not None
    if not st.session_state.get("preview_accepted"):
        return None, frozenset()
    return prerelease.preview_ids(token, load_catalogue(), settings.now(), tokens)


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
