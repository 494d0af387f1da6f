# The two commands of the README are `make run` and `make test`; each installs what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
SMSIM := $(BUILD_DIR)/smsim

.PHONY: all bootstrap build test test-unit test-integration reliability run stop clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD_DIR)

# Unit, integration, the short form of the fault scenarios, and the monitor's browser test.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L 'unit|integration|reliability'

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L unit

test-integration: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L integration

# The whole demo: local broker (if none answers), gateway on :5000, the sender pools of
# config/smsim.toml and a campaign of 1000; Ctrl-C stops everything. ARGS are passed to `smsim up`.
# The fault scenarios at full size; prints the table (scenario, accepted, finished, lost,
# double-counted, time to recover).
RELIABILITY_MESSAGES ?= 20000
reliability: build
	SMSIM_RELIABILITY_MESSAGES=$(RELIABILITY_MESSAGES) $(BUILD_DIR)/tests/smsim_reliability_tests

run: build
	$(SMSIM) up $(ARGS)

stop:
	-$(SMSIM) kafka stop

clean:
	rm -rf $(BUILD_DIR)
