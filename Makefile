# make run: set up, build the data, serve the site.  make test: set up, run every test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
STAMP := $(VENV)/.requirements-installed

.PHONY: setup data css run serve test test-fast bench browser nginx wrk clean

setup: $(STAMP)

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv
	@$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.txt || $(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

data: setup css
	$(PY) -m outcomes build
	$(PY) -m geo.build
	$(PY) -m outcomes publish
	$(PY) -m outcomes prebuild

run: data
	$(PY) -m streamlit run app.py --server.port $(PORT)

# N streamlit processes on ports 8601.. behind nginx on PORT (sticky sessions, websocket upgrade).
N ?= 4
serve: data nginx
	$(PY) -m outcomes.ops.serve --processes $(N) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@test -x /usr/bin/chromium || { echo "installing Debian chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "error: could not install chromium (needs root and the Debian mirror): run sudo apt-get install chromium"; exit 2; }; }

# Debian's nginx for make serve, the bench and tests/unit/test_serve.py.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "installing Debian nginx for make serve..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null) \
	  || { echo "error: could not install nginx (needs root and the Debian mirror): run sudo apt-get install nginx"; exit 2; }; }

# Debian's wrk for make bench's HTTP part (the HTML edition and the API under load).
wrk:
	@command -v wrk >/dev/null || { echo "installing Debian wrk for make bench..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	  || { echo "error: could not install wrk (needs root and the Debian mirror): run sudo apt-get install wrk"; exit 2; }; }

# The HTML edition's CSS: GOV.UK Frontend compiled with sass (both pinned in package-lock.json), in Arial.
CSS := static/edition/edition.css
css: $(CSS)

$(CSS): outcomes/render/edition/edition.scss node_modules/.package-lock.json
	@mkdir -p static/edition
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import \
	  --load-path=node_modules outcomes/render/edition/edition.scss $(CSS)

# axe-core (pinned in package-lock.json) for the accessibility checks in tests/browser.
node_modules/axe-core/axe.min.js node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found: install Node.js (apt-get install nodejs npm)"; exit 2; }
	npm ci --no-audit --no-fund --silent
	@touch node_modules/.package-lock.json

test: setup css browser nginx node_modules/axe-core/axe.min.js
	$(PY) -m pytest

test-fast: setup css
	$(PY) -m pytest -m "not browser"

# The soak stage runs SOAK_WAVES waves of 50 sessions (about 10 s each); SOAK_WAVES=0 leaves it out.
SOAK_WAVES ?= 40
bench: data nginx wrk
	$(PY) -m outcomes bench --soak-waves $(SOAK_WAVES)

clean:
	rm -rf data/releases data/lookups data/qa data/serving geo/*.geojson static/releases static/geo .pytest_cache
