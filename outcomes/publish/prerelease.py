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

Wrong tokens are counted per client address (`check`, once per token a session brings): after
MAX_FAILURES within WINDOW_S the client is locked out for LOCKOUT_S, when every token from it is
refused, the right one too. Each wrong try and each lockout is logged with the client's address
(never the token). A locked-out client, a wrong token and a right one outside its window all get
the same public site: nothing says whether a release is close, or whether the lock is on. nginx
limits requests carrying `preview=` at the edge as well (deploy/nginx.conf.template).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

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


MAX_FAILURES = 5        # wrong tokens from one client...
WINDOW_S = 15 * 60      # ...within 15 minutes lock it out...
LOCKOUT_S = 15 * 60     # ...for 15 minutes
MAX_CLIENTS = 10_000    # clients remembered at once (the oldest go first): memory stays bounded


class Attempts:
    """Wrong tokens per client and the lockouts they earn; one per process, shared by every
    session's thread (a lock around every read and change)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S, lockout_s: float = LOCKOUT_S,
                 clock: Callable[[], float] = time.monotonic, max_clients: int = MAX_CLIENTS):
        self.max_failures, self.window_s, self.lockout_s, self.clock = max_failures, window_s, lockout_s, clock
        self.max_clients = max_clients
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}  # client -> times of its recent wrong tokens
        self._locked: dict[str, float] = {}          # client -> when its lockout ends

    def locked(self, client: str) -> bool:
        with self._lock:
            until = self._locked.get(client)
            if until is not None and until <= self.clock():
                del self._locked[client]
                until = None
            return until is not None

    def failed(self, client: str) -> int:
        """Count a wrong token; the client's wrong tokens in the window (MAX_FAILURES or more: now locked out)."""
        with self._lock:
            now = self.clock()
            recent = [t for t in self._failures.pop(client, []) if now - t < self.window_s] + [now]
            if len(recent) >= self.max_failures:
                self._locked[client] = now + self.lockout_s
            self._failures[client] = recent  # re-inserted: the dict's order is the order of last failure
            while len(self._failures) > self.max_clients:
                self._failures.pop(next(iter(self._failures)))
            while len(self._locked) > self.max_clients:
                self._locked.pop(next(iter(self._locked)))
            return len(recent)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._locked.clear()


ATTEMPTS = Attempts()


def client_of(peer: str | None, forwarded_for: str | None) -> str:
    """The reader's address, for counting wrong tokens. Behind a proxy on this machine (make serve's
    nginx: Streamlit then reports no address) or on a private network (the ingress of deploy/k8s),
    the last X-Forwarded-For entry, the one that proxy added (earlier entries are the client's
    own word and could be anything); otherwise the connection's own address."""
    try:
        trusted = peer is None or ipaddress.ip_address(peer).is_private
    except ValueError:
        trusted = False
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    if trusted and hops:
        return hops[-1]
    return peer or "local"


def check(token: str, client: str, tokens: dict[str, str] | None = None, attempts: Attempts = ATTEMPTS) -> str | None:
    """The name a token belongs to, counting a wrong one against the client (call once per token a
    session brings); None for a wrong token and for any token from a client locked out."""
    if attempts.locked(client):
        log.warning("pre-release token from %s refused: locked out after %d wrong tokens", client, attempts.max_failures)
        return None
    name = who(token, configured() if tokens is None else tokens)
    if name is None:
        n = attempts.failed(client)
        if n >= attempts.max_failures:
            log.warning("wrong pre-release token from %s (%d in %d minutes): locked out for %d minutes", client, n,
                        attempts.window_s // 60, attempts.lockout_s // 60)
        else:
            log.warning("wrong pre-release token from %s (%d of %d allowed in %d minutes)", client, n,
                        attempts.max_failures - 1, attempts.window_s // 60)
    return name


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
