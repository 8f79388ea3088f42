# gridmap: `make demo` plans the bundled county, `make test` runs the test suite.
# Both create the virtual environment .venv on first use (wheels only for dependencies).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check --only-binary=:all:
OUT    ?= out/demo
SHARED ?= ../shared

.PHONY: demo demo-providence demo-china demo-longgang test test-fast bench score clean install

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/gridmap run --osm data/liechtenstein.osm.pbf --area-name Liechtenstein --units-level 8 \
	    --urban all --band 300 500 --seed 0 --out $(OUT)

test: $(VENV)/.installed-test
	$(PY) -m pytest -q

test-fast: $(VENV)/.installed-test
	$(PY) -m pytest -q -m "not slow and not browser"

bench: $(VENV)/.installed
	$(PIP) -e '.[bench]'
	$(PY) benchmarks/bench_partition.py
	$(PY) benchmarks/bench_reach.py

# Independent score of the demo plan with the project's shared scorer (needs ../shared).
score: $(VENV)/.installed
	$(PY) -m gridmap.cli.main export $(OUT)/plan.gpkg --out $(OUT)/layers
	$(PY) $(SHARED)/tools/gridscore.py --grids $(OUT)/plan.gpkg --grids-layer grids \
	    --households $(OUT)/plan.gpkg --hh-layer households --boundary $(OUT)/layers/area.gpkg \
	    --barriers $(OUT)/layers/roads.gpkg $(OUT)/layers/waterways.gpkg $(OUT)/layers/railways.gpkg \
	    --parents $(OUT)/layers/units.gpkg --parent-id unit_id --band 300 500

clean:
	rm -rf out .pytest_cache

# The same flow on census blocks: Providence, households = persons / 2.3, wards as units.
demo-providence: $(VENV)/.installed
	$(VENV)/bin/gridmap partition --units data/providence/districts.zip --unit-id id \
	    --households data/providence/blocks.zip --households-column TOTPOP --households-divisor 2.3 \
	    --urban all --band 300 500 --seed 0 --out out/providence

# A Chinese county as its data really is: rural 濮阳县 (Puyang, Henan), an OSM export whose four
# township relations are cut by the export box (closed against it), villages only as place points
# (units derived around them), households from township totals derived from the 2020 census
# (data/china/derive_totals.py), rural grids by natural settlement.
demo-china: $(VENV)/.installed
	$(VENV)/bin/gridmap run --osm data/china-osm/puyang_rural_henan_2022.osm.pbf --extract-area \
	    --area-name 濮阳县庆祖镇一带 --close-at-extract --parent-level 8 --units-from-places village \
	    --households-totals data/china/puyang_totals.csv --rural-grids settlement --split-large --urban none \
	    --band 300 500 --seed 0 --out out/china

# Urban 龙岗 (Shenzhen): the district's 2020 census households by area share, spread over built-up evidence.
demo-longgang: $(VENV)/.installed
	$(VENV)/bin/gridmap run --osm data/china-osm/shenzhen_longgang_2019.osm.pbf --extract-area \
	    --area-name 龙岗区横岗荷坳一带 --households-totals data/china/longgang_totals.csv \
	    --urban all --band 300 500 --seed 0 --out out/longgang
