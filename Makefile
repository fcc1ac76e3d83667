# Two entry points: `make run` and `make test`. Both build .venv from scratch
# on a machine that only has python3 (3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test evaluate peer bench kb train clean

setup: $(STAMP)

# pip -qq: errors still stop the build, but warnings do not fill a newcomer's first
# screen. The editable install's notice ("be careful with folders ... same name")
# is one setuptools always prints for our patterns/ -> pipeline.patterns mapping;
# .ci/plain-pip-install checks that a plain install prints no setuptools warning.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --quiet -e '.[test,bench]'
	touch $(STAMP)

run: setup
	$(BIN)/infra-extract run corpus -o output

evaluate: run
	$(BIN)/infra-extract evaluate --tables output

# Third-party money suite beside the project (not shipped with it); skipped when absent.
PEER_SUITE ?= ../shared/peer-suites/recognizers-text-currency-en.jsonl

peer: setup
	@if [ -f "$(PEER_SUITE)" ]; then \
		$(BIN)/infra-extract peer "$(PEER_SUITE)" && $(BIN)/infra-extract peer --all-units "$(PEER_SUITE)"; \
	else echo "peer: $(PEER_SUITE) not found, skipped"; fi

# Benchmarks report speed and memory; they are never part of `make test`.
# BENCH_ARTICLES sets the size of the synthetic corpus (make bench BENCH_ARTICLES=50000).
BENCH_ARTICLES ?= 5000
# The release the issues' speed targets are stated against: the one before the
# real-text work (issues 18-20), b6c04a2.
BENCH_BASELINE ?= b6c04a2

bench: setup
	$(BIN)/infra-extract bench scale corpus --articles $(BENCH_ARTICLES)
	$(BIN)/infra-extract bench gazetteer corpus
	$(BIN)/infra-extract bench baseline corpus --commit $(BENCH_BASELINE) --articles $(BENCH_ARTICLES)

# The knowledge base's ruler patterns, imported from its spreadsheets (patterns/kb/README.md
# says where the spreadsheets come from and how pipeline/kb_build.py rebuilds them).
kb: setup
	rm -f patterns/kb/companies.jsonl patterns/kb/places.jsonl
	$(BIN)/infra-extract patterns import patterns/kb/companies.csv --label ORG --alias-column aliases --field kind=kind -o patterns/kb/companies.jsonl
	$(BIN)/infra-extract patterns import patterns/kb/places.csv --label GPE -o patterns/kb/places.jsonl

# The shipped NER (pipeline/models/ner-names) from the data in pipeline/training/
# and the study splits of corpus/: about 20 minutes on 2 cores.
train: setup
	$(BIN)/python -m pipeline.training.train --corpus corpus --work build/train

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) output/*.csv output/manifest.sqlite* output/.infra-extract.lock build dist *.egg-info
