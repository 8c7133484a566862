"""Run the site with every store query logged, so the benchmark knows the queries under each page.

    OUTCOMES_QUERY_LOG=/tmp/q.jsonl python -m outcomes.ops.querylog run app.py --server.port 8502

Same arguments as `streamlit run`. Each call of a method named in QUERY_METHODS on the Store writes
one JSON line (method, arguments, milliseconds); the benchmark replays them on a warm store to get a
page's query floor: what the page would cost if it did nothing but its queries.
"""
from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time

QUERY_METHODS = ("query",)  # the store's door to DuckDB (outcomes/store.py)


def install(path: str) -> None:
    from outcomes.store.store import Store  # the store is patched in the server process only, when asked

    lock = threading.Lock()
    for name in QUERY_METHODS:
        method = getattr(Store, name, None)
        if method is None:
            continue

        @functools.wraps(method)
        def logged(self, *args, _method=method, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _method(self, *args, **kwargs)
            finally:
                line = json.dumps({"method": _name, "args": args, "kwargs": kwargs,
                                   "ms": 1000 * (time.perf_counter() - started)}, default=str)
                with lock, open(path, "a", encoding="utf-8") as f:
                    f.write(line + "\n")

        setattr(Store, name, logged)


def replay_ms(lines: list[str], store, repeat: int = 3) -> float:
    """Median time of each logged query run again on `store`, summed: the page's query floor."""
    import statistics

    total = 0.0
    for line in lines:
        call = json.loads(line)
        method = getattr(store, call["method"], None)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                method(*call["args"], **call["kwargs"])
            except Exception:  # an argument that did not survive JSON: keep the server's own time
                times = [call["ms"]]
                break
            times.append(1000 * (time.perf_counter() - started))
        total += statistics.median(times)
    return total


def main() -> None:
    path = os.environ.get("OUTCOMES_QUERY_LOG")
    if not path:
        sys.exit("error: set OUTCOMES_QUERY_LOG to the file the query log goes to")
    install(path)
    from streamlit.web.cli import main as streamlit_main  # after the patch: Streamlit runs the app with it

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
