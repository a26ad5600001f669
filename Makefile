# Jiangxuan (匠选). On a fresh Debian 12 machine:
#   make demo   install what is needed, load the five seed campaigns and sample data, and
#               serve them on http://127.0.0.1:8000 (Ctrl-C stops the server and the worker)
#   make test   install what is needed, then run every check CI runs
#   make test-deep   the same, with 200 Hypothesis examples per property test instead of 40
# The work is done by scripts/*.sh; docs/testing.md and docs/admin/install.md explain it.
# Chart scripts come from npm (package-lock.json) into the git-ignored static/vendor/
# (scripts/ensure-node-assets.sh); without Node.js the pages work, minus the charts.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python keeps the modules it compiles (__pycache__, git-ignored) even where the environment
# sets PYTHONDONTWRITEBYTECODE, as these machines' images do: without the cache every process
# compiles Django, its libraries and the project again (start-up 3.2 s instead of 2.0 s, a
# pytest process's collection 18 s instead of 10 s; docs/testing.md).
unexport PYTHONDONTWRITEBYTECODE

# uv keeps its download cache inside the project (git-ignored), not in ~/.cache.
export UV_CACHE_DIR ?= $(CURDIR)/.tools/uv-cache
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv

# Debian packages: CJK fonts and HarfBuzz subsetting for WeasyPrint's PDFs, gettext for the
# translations; the tests also need poppler-utils (PDF checks) and Chromium's headless build
# (browser tests).
DEMO_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 gettext
# Swift and memcached: the uploads' S3 storage is tested against a real server
# (deploy/swift.sh, core/tests/test_storage_s3.py).
SWIFT_PACKAGES := swift-proxy swift-object swift-container swift-account python3-swift memcached
TEST_PACKAGES := $(DEMO_PACKAGES) poppler-utils chromium-headless-shell $(SWIFT_PACKAGES)

.PHONY: help venv bench-venv demo run migrate test test-deep lint drill bench bench-rules bench-docs clean \
  distclean bench-lists bench-memory cluster-test

help:
	@echo "make demo       install, migrate, load the demo data and serve on 127.0.0.1:8000"
	@echo "make run        migrate and serve the existing data (JX_ADDR=host:port)"
	@echo "make migrate    apply database migrations"
	@echo "make test       every check CI runs: lint, pytest on PostgreSQL, demo smoke test"
	@echo "                (PYTEST_ADDOPTS=\"src/jiangxuan/nominations -m 'not e2e'\" narrows pytest)"
	@echo "make test-deep  make test with the heavy Hypothesis profile (200 examples per property)"
	@echo "make lint       ruff, makemigrations --check, lint-imports, mypy and the tools/ checks"
	@echo "make drill      backup/restore drill on throwaway PostgreSQL databases: backup, drop,"
	@echo "                restore, then rows, files, audit chain, decryption and a wrong key"
	@echo "                checked (docs/admin/install.md, \"Backup and restore\")"
	@echo "make bench      load benchmark (Locust, gunicorn, PostgreSQL, Redis) of the public"
	@echo "                vote and notice page; figures in var/bench/, see docs/benchmarks.md"
	@echo "make bench-rules  eligibility rules of each seed for one nominee (median µs) and for"
	@echo "                1,000 nominees at once (needs DATABASE_URL), see docs/benchmarks.md"
	@echo "make bench-docs nomination form PDF against LibreOffice, the 10,000-row summary sheet"
	@echo "                against bare XlsxWriter, 50 certificates as a ZIP (ratios; needs"
	@echo "                DATABASE_URL; installs LibreOffice Writer), see docs/benchmarks.md"
	@echo "make bench-lists reviewer queue, nomination lists, overview and summary sheet at 10,"
	@echo "                1,000 and 20,000 nominations: ms and queries per request (part of"
	@echo "                make bench), see docs/benchmarks.md"
	@echo "make bench-memory one gunicorn worker's RSS after 10,000 mixed requests (part of"
	@echo "                make bench), see docs/benchmarks.md"
	@echo "make cluster-test  two application nodes (network namespaces) behind nginx with"
	@echo "                PgBouncer, Redis and Swift; one killed under load; checks ballots,"
	@echo "                uploads and sessions (root; docs/admin/multi-node.md)"
	@echo "make venv       install uv and the Python packages into .venv (uv sync --frozen)"
	@echo "make clean      delete caches and test leftovers (keeps .venv and var/)"
	@echo "make distclean  clean, then delete .venv, .tools, var/ (the demo database),"
	@echo "                node_modules/ and static/vendor/"

venv:
	@scripts/ensure-venv.sh

# The benchmarks' environment: the project plus the bench group (Locust). Every bench
# target uses it, since uv's sync without the group would remove Locust again.
bench-venv:
	@scripts/ensure-venv.sh --group bench

demo:
	@scripts/ensure-system-packages.sh --optional $(DEMO_PACKAGES)
	@scripts/ensure-venv.sh
	@scripts/ensure-node-assets.sh
	@scripts/serve.sh demo

run: venv
	@scripts/serve.sh run

migrate: venv
	.venv/bin/jiangxuan migrate

test:
	@scripts/ensure-system-packages.sh --postgres $(TEST_PACKAGES)
	@scripts/ensure-venv.sh
	@scripts/ensure-node-assets.sh
	@scripts/test.sh all

test-deep:
	@scripts/ensure-system-packages.sh --postgres $(TEST_PACKAGES)
	@scripts/ensure-venv.sh
	@scripts/ensure-node-assets.sh
	@JX_HYPOTHESIS_PROFILE=deep scripts/test.sh all

lint: venv
	@scripts/test.sh lint

# pg_dump and pg_restore come with the postgresql-client package PostgreSQL depends on.
drill: venv
	@scripts/ensure-system-packages.sh --postgres postgresql-client
	@scripts/drill.sh

bench: bench-venv
	@scripts/ensure-system-packages.sh --postgres
	@scripts/bench.sh
	@$(MAKE) --no-print-directory bench-lists
	@$(MAKE) --no-print-directory bench-memory

# Two nodes behind nginx, one killed under load (issue 17.6); not part of make test.
# Swift's packages and memcached for deploy/swift.sh.
CLUSTER_PACKAGES := nginx pgbouncer redis-server openssl curl $(SWIFT_PACKAGES)
cluster-test:
	@scripts/ensure-system-packages.sh --postgres $(CLUSTER_PACKAGES)
	@scripts/ensure-venv.sh --group bench
	@scripts/with-postgres.sh scripts/cluster-test.sh

bench-rules: bench-venv
	@DJANGO_SETTINGS_MODULE=jiangxuan.settings .venv/bin/python bench/rule_speed.py

# LibreOffice only for this comparison: never part of make test or make demo.
bench-docs: bench-venv
	@scripts/ensure-system-packages.sh --optional $(DEMO_PACKAGES) libreoffice-writer-nogui
	@DJANGO_SETTINGS_MODULE=jiangxuan.settings .venv/bin/python bench/doc_speed.py

# Lists at scale (issue 17.3): its own throwaway database beside JX_PG_DB's.
bench-lists: bench-venv
	@JX_PG_DB=jx_bench_lists DJANGO_SETTINGS_MODULE=jiangxuan.settings \
	  scripts/with-postgres.sh .venv/bin/python bench/list_speed.py

# A worker's memory after 10,000 mixed requests (issue 17.5): its own database and server.
bench-memory: bench-venv
	@JX_PG_DB=jx_bench_memory_base DJANGO_SETTINGS_MODULE=jiangxuan.settings \
	  scripts/with-postgres.sh .venv/bin/python bench/memory.py

clean:
	rm -rf .tools/apt.log .pytest_cache .ruff_cache .import_linter_cache .mypy_cache var/static \
	  var/test-media var/test.sqlite3
	find src tools -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf .venv .tools var node_modules static/vendor
