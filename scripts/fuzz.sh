#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of untrusted input (`make fuzz`; fuzz/README.md).
#
# Each target in fuzz/fuzz_targets runs under libFuzzer with AddressSanitizer for FUZZ_SECONDS,
# starting from the repository's examples of its input (the `seed` example of crates/scrm-fuzz
# writes them to fuzz/corpus/<target>, beside what earlier runs found). A case fails when it
# panics, when two ways of reading it disagree, when a report made of it is not inert, when it
# takes longer than FUZZ_TIMEOUT seconds, or when the process grows past FUZZ_RSS_MB. libFuzzer
# keeps a failing case in fuzz/artifacts/<target>/; once fixed, copy it to
# fuzz/regressions/<target>/, where the stable suite replays it (crates/scrm-fuzz/tests).
#
#   FUZZ_SECONDS=N     time per target (default 60)
#   FUZZ_TARGETS="a b" which targets (default: all, in the order of scrm_fuzz::Target::ALL)
#   FUZZ_TIMEOUT=N     seconds one case may take (default 10; 30 for `score`, whose every case is
#                      scored, planned, explained, viewed and rendered in every format and both
#                      languages: its slowest seed, the demo's profile sheet read as
#                      suppliers with no answers, passed 10 s under AddressSanitizer once the
#                      governance and risk views joined the checks)
#   FUZZ_RSS_MB=N      memory one process may use (default 2048)
#
# Leak detection is off: rayon's worker threads live as long as the process, and LeakSanitizer
# reports the 32 bytes glibc takes to register each one's thread-local destructors as a leak.
# Memory that grows with the input is still caught, by FUZZ_RSS_MB.
#
# Needs the nightly toolchain (cargo-fuzz builds with -Zsanitizer); installs cargo-fuzz when it
# is missing. Exits 1 when a target found a failing case.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-60}"
TARGETS="${FUZZ_TARGETS:-csv json xlsx buyer policy catalog score adapter adapted fill history}"
TIMEOUT="${FUZZ_TIMEOUT:-10}"
RSS="${FUZZ_RSS_MB:-2048}"
# Its own build directory: sanitizer builds share nothing with the stable ones.
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/scrm-fuzz-target}"
if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! command -v cargo-fuzz >/dev/null; then
    cargo install cargo-fuzz --locked || exit 2
fi
cargo run -q -p scrm-fuzz --example seed -- fuzz/corpus || exit 2
failed=()
for t in $TARGETS; do
    # A workbook's parts are zipped: its seeds and the cases worth trying are larger.
    case "$t" in
    # A history store's Parquet files are some kilobytes each.
    xlsx | buyer | adapted | history) max_len=65536 ;;
    *) max_len=8192 ;;
    esac
    case "$t" in
    score) timeout="${FUZZ_TIMEOUT:-30}" ;;
    *) timeout="$TIMEOUT" ;;
    esac
    # The words each reader branches on (fuzz/dicts), which mutation alone finds slowly; a
    # zipped workbook has none worth giving.
    case "$t" in
    csv | buyer | score | adapted) dict=(-dict=dicts/csv.dict) ;;
    json | history) dict=(-dict=dicts/json.dict) ;;
    policy | catalog | adapter) dict=(-dict=dicts/toml.dict) ;;
    fill) dict=(-dict=dicts/fill.dict) ;;
    *) dict=() ;;
    esac
    echo "fuzz: $t for ${SECONDS_EACH}s" >&2
    if ! (cd fuzz && cargo +nightly fuzz run --target-dir "$FUZZ_TARGET_DIR" -O "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_EACH" -timeout="$timeout" -rss_limit_mb="$RSS" \
        -max_len="$max_len" -detect_leaks=0 "${dict[@]}" -print_final_stats=1); then
        failed+=("$t")
    fi
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: failing cases found by: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz: no failing case in ${SECONDS_EACH}s per target" >&2
