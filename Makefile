# papikg: `make run` sets everything up and runs the main job; `make test` runs every test.
# Both are idempotent. Every pip install goes through constraints.txt (torch==2.13.0, CPU build).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data
HOST   ?= 127.0.0.1
PORT   ?= 8000
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: run test install system-deps ingest stats index serve lint clean-data

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

ingest: $(STAMP)
	$(BIN)/papikg --data-dir $(DATA) ingest $(DATA)/plans

stats: $(STAMP)
	$(BIN)/papikg --data-dir $(DATA) stats

index: $(STAMP)
	$(BIN)/papikg --data-dir $(DATA) index

serve: $(STAMP)
	$(BIN)/papikg --data-dir $(DATA) serve --host $(HOST) --port $(PORT)

# The main job: ingest the plans, print the summary, build the search index (the first run converts
# the embedded model offline, ~20 s), then serve the API, SPARQL endpoint and web page.
run: ingest stats index serve

# Browser tests drive Debian's headless Chromium; installed here so a fresh machine (and CI) has it.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else echo "browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver" >&2; exit 1; fi; \
	fi

test: $(STAMP) system-deps
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check ontology ingest search api tests

clean-data:
	rm -rf $(DATA)/store $(DATA)/sources $(DATA)/index $(DATA)/dumps
