# scrm: thin, self-documenting wrappers over cargo. `make help` lists the targets.
SHELL := /bin/bash
# Reuse one build directory outside the clone (CI and every checkout share it).
export CARGO_TARGET_DIR ?= $(HOME)/.cache/scrm-target
DEMO := fixtures/demo
AS_OF := 2026-11-02

.PHONY: help demo test test-deps lint fmt fuzz bench bench-blake3 bench-builtin bench-nightly bench-nightly-next demo-data docs-img ci

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-13s %s\n", $$1, $$2}'

demo: ## Score the bundled demo portfolio (50 suppliers) and print the table
	cargo run -q -p scrm -- score $(DEMO) --as-of $(AS_OF) --fail-on never

test-deps: ## Install what the tests need beyond Rust (headless Chromium, CJK fonts)
	bash scripts/install-test-deps.sh

# INSTA_WORKSPACE_ROOT: snapshots are found in this checkout even when a test binary comes from
# the shared build directory and was compiled in another one.
test: test-deps ## Run the whole test suite (installs test dependencies first)
	SCRM_REQUIRE_BROWSER=1 INSTA_WORKSPACE_ROOT=$(CURDIR) cargo test --workspace

lint: ## rustfmt check and clippy with warnings as errors
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt: ## Format the code
	cargo fmt --all

fuzz: ## Fuzz every parser of supplier input, 60 s a target (nightly toolchain; FUZZ_SECONDS, FUZZ_TARGETS); see fuzz/README.md
	bash scripts/fuzz.sh

bench: ## End-to-end benchmark, about 200 answers a vendor, at 10k and 100k (BENCH_FULL=1 adds 1M); see benches/README.md
	bash scripts/bench.sh

bench-blake3: ## The same, the manifest recording BLAKE3 of the input instead of SHA-256 (--input-digest blake3)
	BENCH_DIGEST=blake3 bash scripts/bench.sh

bench-builtin: ## The same with the shipped catalog alone (about 121 answers a vendor)
	BENCH_CATALOG=none bash scripts/bench.sh

bench-nightly: ## The nightly job: score --history into a fresh store, about 200 answers a vendor
	BENCH_HISTORY=1 bash scripts/bench.sh

bench-nightly-next: ## The nightly job the morning after: score --history into yesterday's store
	BENCH_HISTORY=next bash scripts/bench.sh

demo-data: ## Regenerate fixtures/demo deterministically (scrm gen --demo)
	rm -rf $(DEMO) && cargo run -q -p scrm -- gen --demo --out $(DEMO)

docs-img: ## Regenerate the README screenshots from the demo portfolio
	mkdir -p target-docs
	cargo run -q -p scrm -- report $(DEMO) --as-of $(AS_OF) --out target-docs/portfolio.html
	cargo run -q -p scrm -- report $(DEMO) --as-of $(AS_OF) --vendor V-0005 --out target-docs/scorecard.html
	cargo run -q -p scrm-report --example screenshot -- target-docs/portfolio.html docs/img/portfolio.png 1400x2000
	cargo run -q -p scrm-report --example screenshot -- target-docs/scorecard.html docs/img/scorecard.png 1400x2000

ci: lint test ## What CI runs
