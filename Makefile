# Límites — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-test assets system-deps postgres lint bench

## Install everything, create the SQLite database, load the demo data and serve the app.
run: install assets
	$(BIN)/limites init
	$(BIN)/limites demo
	$(BIN)/limites serve --host $(HOST) --port $(PORT)

## Install what the tests need (PostGIS, Chromium) and run the whole suite.
test: install-test assets system-deps postgres
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

$(BIN)/python:
	@# Debian ships venv apart from Python; install it when missing (needs root or sudo).
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { \
	  echo "Instalando python3-venv (Debian)…"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq python3-venv >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Front-end libraries (Leaflet and folium's plugins) from the npm registry, served by the app.
assets: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Debian packages the tests use, installed only where missing: PostGIS, Chromium, poppler
## (pdftotext/pdftoppm read the reports and fichas back), Pango and fonts for WeasyPrint's
## PDFs, GDAL (ogrinfo/ogr2ogr and validate_gpkg.py read the exports and the OGC API back).
SYSTEM_PACKAGES := postgresql-15-postgis-3 chromium poppler-utils libpango-1.0-0 \
                   libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core gdal-bin python3-gdal
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Instalando $$missing (Debian)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq $$missing >/dev/null; \
	fi

## Start the local PostgreSQL cluster if it is installed but stopped.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
	  (command -v pg_ctlcluster >/dev/null && \
	   pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start) || true

lint: install-test
	$(BIN)/ruff check .

# pygeoapi ships a top-level "tests" package: it gets a virtualenv of its own so it never
# shadows the project's tests in .venv.
BENCH_VENV := .venv-bench
bench: install-test
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q -e '.[test,bench]'
	@# pygeoapi reads the GeoPackage through SpatiaLite (benchmarks/bench_ogcapi.py).
	@dpkg -s libsqlite3-mod-spatialite >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq libsqlite3-mod-spatialite >/dev/null; }
	$(BENCH_VENV)/bin/python benchmarks/bench_boundaries.py
	$(BENCH_VENV)/bin/python benchmarks/bench_import.py
	$(BENCH_VENV)/bin/python benchmarks/bench_pages.py
	$(BENCH_VENV)/bin/python benchmarks/bench_scale.py
	$(BENCH_VENV)/bin/python benchmarks/bench_load.py
	$(BENCH_VENV)/bin/python benchmarks/bench_ogcapi.py
	$(BENCH_VENV)/bin/python benchmarks/bench_sync.py
	$(BENCH_VENV)/bin/python benchmarks/bench_share_polling.py
	$(BENCH_VENV)/bin/python benchmarks/bench_kmz_bomb.py
