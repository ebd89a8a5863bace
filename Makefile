# pleroma_py: `make run` serves an instance, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt 2>/dev/null | sha1sum | cut -c1-12)

.PHONY: run worker streaming test lint bench soak fuzz deps test-deps migrate delivery-worker bench-federation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

deps: $(STAMP)

migrate: deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0

# gunicorn, the streaming server and (without REDIS_URL) the Celery worker with beat;
# Ctrl-C stops them all.
run: migrate
	$(BIN)/python scripts/run.py --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY)

# WORKER_QUEUES picks the queues (e.g. inbox on its own hosts); WORKER_BEAT= (empty) leaves the
# periodic scheduler out: run it on exactly one worker host. WORKER_ARGS adds celery worker
# options (e.g. "-n inbox1@%h --concurrency 4"; a distinct -n for each worker on one host).
WORKER_QUEUES ?= default,imports,backups,emoji,mail,inbox,delivery
WORKER_BEAT ?= -B
WORKER_ARGS ?=
worker: deps
	$(BIN)/celery -A pleroma_py worker $(WORKER_BEAT) -Q $(WORKER_QUEUES) -l info $(WORKER_ARGS)

# Deliveries to other servers mostly wait on the network: threads, many of them, so that
# instances that never answer cannot hold every slot (docs/performance.md, Federation).
DELIVERY_CONCURRENCY ?= 64
delivery-worker: deps
	$(BIN)/celery -A pleroma_py worker -Q delivery --pool threads --concurrency $(DELIVERY_CONCURRENCY) -l info $(WORKER_ARGS)

# The streaming API alone (production: one or more beside the gunicorn hosts, see README).
streaming: deps
	$(BIN)/python manage.py streaming --host $(HOST)

test-deps: deps
	@if command -v npm >/dev/null; then [ -d tests/e2e/node/node_modules/masto ] || (cd tests/e2e/node && npm ci --no-audit --no-fund >/dev/null); \
	else echo "npm missing: the JavaScript client tests will be skipped"; fi
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }
	@# the Fedify peer of tests/interop: node, npm, openssl for its certificates, its packages
	@{ command -v node && command -v npm && command -v openssl; } >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm openssl >/dev/null; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm openssl >/dev/null; fi; }
	@[ -d tests/interop/peer/node_modules/@fedify/fedify ] || npm ci --prefix tests/interop/peer --no-audit --no-fund --loglevel=error

test: test-deps
	scripts/test.sh

# The schema fuzz test of `make test`, with many more examples per operation.
fuzz: test-deps
	PLEROMA_FUZZ_EXAMPLES=$${PLEROMA_FUZZ_EXAMPLES:-200} scripts/test.sh tests/fuzz -s

lint: deps
	$(BIN)/ruff check .

bench: deps
	$(BIN)/python bench/run.py --statuses $${BENCH_STATUSES:-1000000} --out docs/bench-results.md \
		$${BENCH_KEEP:+--keep $$BENCH_KEEP}

soak: deps
	$(BIN)/python bench/soak.py --duration $${SOAK_SECONDS:-300} --connections 32 $${BENCH_KEEP:+--keep $$BENCH_KEEP}

# Federation benchmarks (docs/performance.md, Federation): the inbox, then the fan-out.
# FEDBENCH_WORKERS: the inbox / delivery worker processes compared (default 1,2).
bench-federation: deps
	$(BIN)/python bench/federation_inbox.py --workers $${FEDBENCH_WORKERS:-1,2} --out docs/bench-federation-inbox.md
	$(BIN)/python bench/federation_fanout.py --worker "--pool threads --concurrency $${DELIVERY_CONCURRENCY:-64}" \
		--workers $${FEDBENCH_WORKERS:-1,2} --out docs/bench-federation-fanout.md
