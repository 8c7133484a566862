"""Pre-release access: named people see a release in the 24 hours before it is published.

The team sets OUTCOMES_PREVIEW_TOKENS (or the same key in Streamlit's secrets) to comma-separated
`name=sha256-hex-of-token` pairs: only the hash is stored, never the token. A reader opens
`?preview=<token>`; the token's hash is compared with every configured hash in constant time
(hmac.compare_digest), so neither a wrong token nor its length shows how close it came. A valid
token shows a release only inside its own window (releases.PREVIEW_HOURS before `published`);
anything else gives the public site, as if the release did not exist. Every preview view is
logged (who, when, which release) to data/preview_log.csv and the Python log. The Code of
Practice for Statistics (Orderliness) limits pre-release access to 24 hours and asks for the list
of people who had it to be published with the release.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import logging
import os
import threading
from pathlib import Path

from outcomes import settings
from outcomes.domain.releases import Release

ENV = "OUTCOMES_PREVIEW_TOKENS"
LOG_NAME = "preview_log.csv"
LOG_COLUMNS = ["viewed_at", "name", "release_id", "published", "page"]
log = logging.getLogger("outcomes.publish.prerelease")
_lock = threading.Lock()  # one writer at a time: every session of a process shares the log file


def hash_token(token: str) -> str:
    """What the team puts in OUTCOMES_PREVIEW_TOKENS for a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_tokens(value: str) -> dict[str, str]:
    """'Ann Smith=ab12...,Bo=cd34...' -> {hash: name}. Malformed pairs are skipped, with a log line
    (never the value itself: it is a secret's hash, but still nobody's business)."""
    out = {}
    for i, pair in enumerate(p for p in (value or "").split(",") if p.strip()):
        name, _, digest = pair.rpartition("=")
        digest = digest.strip().lower()
        if not name.strip() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            log.warning("%s: entry %d is not name=sha256-hex; ignored", ENV, i + 1)
            continue
        out[digest] = name.strip()
    return out


def configured(secrets: dict | None = None) -> dict[str, str]:
    """The configured {hash: name}: the environment first, else the same key in st.secrets."""
    value = os.environ.get(ENV) or (secrets or {}).get(ENV, "")
    return parse_tokens(str(value))


def who(token: str | None, tokens: dict[str, str]) -> str | None:
    """The name a token belongs to, or None. Compares with every hash (no early exit)."""
    if not token:
        return None
    digest = hash_token(token)
    found = None
    for known, name in tokens.items():
        if hmac.compare_digest(digest, known) and found is None:
            found = name
    return found


def preview_ids(token: str | None, catalogue: list[Release], now: dt.datetime | None = None,
                tokens: dict[str, str] | None = None) -> tuple[str | None, frozenset[str]]:
    """(name, ids of releases in their pre-release window) for a token; (None, empty) otherwise."""
    now = now or settings.now()
    name = who(token, configured() if tokens is None else tokens)
    if name is None:
        return None, frozenset()
    ids = frozenset(r.id for r in catalogue if r.in_preview_window(now))
    return (name, ids) if ids else (None, frozenset())


def log_path(data_dir: Path | None = None) -> Path:
    return Path(data_dir or settings.data_dir()) / LOG_NAME


def record(name: str, releases: list[Release], page: str = "", now: dt.datetime | None = None,
           data_dir: Path | None = None) -> None:
    """Append one line per release seen to the preview log (thread-safe), and say so in the log."""
    now = now or settings.now()
    path = log_path(data_dir)
    try:
        with _lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            new = not path.exists()
            with open(path, "a", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                if new:
                    w.writerow(LOG_COLUMNS)
                for r in releases:
                    w.writerow([now.isoformat(timespec="seconds"), name, r.id, r.published.isoformat(timespec="minutes"), page])
    except OSError as e:  # e.g. data/ on a read-only volume (deploy/k8s): the Python log below still has it
        log.error("could not write the preview log %s (%s); the views are in this log only", path, e)
    for r in releases:
        log.info("pre-release view: %s saw %s (published %s) on %s", name, r.id, r.published.isoformat(timespec="minutes"), page)


def viewers(release_id: str, data_dir: Path | None = None) -> list[str]:
    """Names of the people who used pre-release access to a release, in the order they first did."""
    path = log_path(data_dir)
    if not path.exists():
        return []
    with _lock, open(path, encoding="utf-8", newline="") as f:
        names = [row["name"] for row in csv.DictReader(f) if row.get("release_id") == release_id]
    return list(dict.fromkeys(names))
