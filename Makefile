# auditkit: `make demo` runs the bundled example end to end; `make test` runs the test suite.
# Both create .venv and install what they need (CPU torch pinned here; the package itself asks for a range).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: demo test test-slow bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH)"
	$(BIN)/python -m pip uninstall -q -y auditkit 2>/dev/null || true  # the old distribution name (PyPI's "auditkit" is another project)
	$(BIN)/python -m pip install -q -e ".[all,dev,energy,lora,spark]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/auditkit demo --workdir demo

browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser test will be skipped"; }

test: $(STAMP) browser
	$(BIN)/python -m pytest

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

bench: $(STAMP)
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) demo runs build *.egg-info
