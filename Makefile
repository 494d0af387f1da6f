# The two commands of the README are `make run` and `make test`; each installs what is missing first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
SMSIM := $(BUILD_DIR)/smsim

.PHONY: all bootstrap build test test-unit test-integration run stop clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	@cmake --build $(BUILD_DIR)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L 'unit|integration'

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L unit

test-integration: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L integration

# For now the demo is the broker itself; `smsim up` takes over once the simulation exists.
run: build
	$(SMSIM) kafka start
	$(SMSIM) kafka status

stop:
	-$(SMSIM) kafka stop

clean:
	rm -rf $(BUILD_DIR)
