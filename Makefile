# Two commands do all set-up on a fresh machine:  make build  and  make test
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
ZSTAMP  := $(VENV)/.installed-zensical
export NO_MKDOCS_2_WARNING := 1

.PHONY: build test serve clean system browser

build: $(STAMP) system  ## build the handbook: site and PDF workbooks into site/
	$(VENV)/bin/handbook build

test: $(STAMP) $(ZSTAMP) system browser  ## run the test suite (both site engines: MkDocs and Zensical)
	$(PY) -m pytest -q

serve: $(STAMP) system
	$(VENV)/bin/handbook serve

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# the second site engine is an optional extra; the tests build with both
$(ZSTAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,zensical]'
	touch $(ZSTAMP)

# WeasyPrint needs Pango; Debian-based machines of ours have it already.
# The print-quality tests rasterise PDF pages with poppler's pdftoppm (poppler-utils).
system:
	@$(PY) -c "import weasyprint" 2>/dev/null || { \
	  echo "WeasyPrint cannot find Pango. Install it with:"; \
	  echo "  apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; exit 1; }
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "pdftoppm is missing: run 'apt-get install poppler-utils' as root"; exit 1; fi; }

# The browser tests drive Debian's Chromium (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'apt-get install chromium' as root"; exit 1; fi; }

clean:
	rm -rf site .cache
