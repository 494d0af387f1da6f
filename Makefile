# The two commands of the README are `make run` and `make test`; each installs what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
SMSIM := $(BUILD_DIR)/smsim

.PHONY: all bootstrap build test test-unit test-integration test-monitor test-e2e reliability bench bench-report bench-smpp bench-cluster fuzz api-fuzz run stop clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD_DIR)
	@bash scripts/build-monitor.sh

# Unit (C++ and the monitor's components), integration (real broker; includes the monitor's
# browser test), the short form of the fault scenarios, and smoke runs of the benchmark, the
# fuzz targets and the API fuzzer.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L 'unit|integration|reliability|smoke'

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L unit

test-integration: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L integration

test-monitor: build
	cd monitor && npm test

test-e2e: build
	SMSIM_BINARY=$(SMSIM) bash tests/e2e/run.sh

# The whole demo: local broker (if none answers), gateway on :5000, the sender pools of
# config/smsim.toml and a campaign of 1000; Ctrl-C stops everything. ARGS are passed to `smsim up`.
# The fault scenarios at full size; prints the table (scenario, accepted, finished, lost,
# double-counted, time to recover).
RELIABILITY_MESSAGES ?= 20000
reliability: build
	SMSIM_RELIABILITY_MESSAGES=$(RELIABILITY_MESSAGES) $(BUILD_DIR)/tests/smsim_reliability_tests
	$(BUILD_DIR)/tests/smsim_http_robustness_tests
	SMSIM_RELIABILITY_MESSAGES=$(RELIABILITY_MESSAGES) $(BUILD_DIR)/tests/smsim_cluster_tests
	SMSIM_RELIABILITY_MESSAGES=$(RELIABILITY_MESSAGES) $(BUILD_DIR)/tests/smsim_netns_tests

# The benchmark against Kafka's own ProducerPerformance and the naive pipeline (docs/benchmarks.md);
# not a test. ARGS e.g. --curves --memory-messages 10000000. Debian's python for confluent-kafka.
# `make bench-cluster` measures on a local 3-node cluster at RF 3 and writes the sized plan
# (docs/scale.md); ARGS go to scripts/bench_cluster.py (e.g. ARGS=--write-doc).
bench: build
	/usr/bin/python3 scripts/bench.py $(ARGS)

# docs/benchmarks.md and its charts, generated from a bench run's results (default: the last `make bench`).
RESULTS ?= $(BUILD_DIR)/bench/results.json
bench-report:
	cp $(RESULTS) docs/benchmarks-results.json
	python3 scripts/bench_report.py docs/benchmarks-results.json --svg-dir docs > docs/benchmarks.md

# The SMPP rows (docs/smpp.md): smsim smsc alone with 1 and 8 sessions, end to end SMPP vs simulated.
bench-smpp: build
	python3 scripts/bench_smpp.py $(ARGS)

bench-cluster: build
	python3 scripts/bench_cluster.py $(ARGS)

fuzz: build
	bash scripts/fuzz.sh $(or $(SECONDS),600)

api-fuzz: build
	SMSIM_BINARY=$(SMSIM) bash scripts/api-fuzz.sh $(or $(EXAMPLES),200)

run: build
	$(SMSIM) up $(ARGS)

stop:
	-$(SMSIM) kafka stop

clean:
	rm -rf $(BUILD_DIR)
