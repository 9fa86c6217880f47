#!/usr/bin/env bash
# End-to-end throughput of `scrm score` on synthetic portfolios (`make bench`).
#
# The portfolio has the shape issue 6 states its targets for: about 200 answers a vendor. The
# shipped catalog gives about 121 (role filtering), so by default both `scrm gen` and `scrm score`
# take the buyer overlay benches/genai-overlay.toml (94 NIST AI 600-1 questions, written by
# scripts/genai-overlay.py): about 212 answers and 8.9 KB a vendor, 910 MB at 100k.
# BENCH_CATALOG=none (`make bench-builtin`) runs the shipped catalog alone (4.9 KB a vendor).
#
# For each size N (10k and 100k; 1M too with BENCH_FULL=1):
#   1. `scrm gen --vendors N --seed 42 --catalog OVERLAY --out /tmp/scrm-bench-N-genai-overlay`
#      (which writes nothing when the folder already holds that portfolio: same seed, size and
#      catalog, files intact; /tmp/scrm-bench-N without an overlay);
#   2. `/usr/bin/time -v scrm score answers.csv --vendors vendors.csv --exclusions exclusions.csv
#      --catalog OVERLAY --format csv --out /dev/null`, BENCH_RUNS times (default 3);
#   3. prints the median wall time with the fastest and slowest, MB/s and vendors/s at the median
#      (input bytes of the three CSV files), and the highest peak RSS, and appends
#      `date,commit,n,bytes,wall_s,mb_s,vendors_s,max_rss_kb,runs,wall_min_s,wall_max_s,catalog,job`
#      to benches/results.csv (`catalog`: the overlay's file name, or `builtin`; `job`: `score`,
#      or `score --history` with BENCH_HISTORY=1). This machine's wall times swing by 20-50 %
#      from minute to minute (benches/README.md), so one run says little; the targets are
#      checked on the median.
#
# Environment:
#   BENCH_FULL=1        also run 1,000,000 vendors (about 9.3 GB of CSV in /tmp; 5 GB without
#                       the overlay)
#   BENCH_SIZES="..."   sizes to run instead (e.g. "1000 20000")
#   BENCH_RUNS=K        runs per size (default 3)
#   BENCH_STRICT=1      exit 1 when a target in benches/README.md is missed
#   BENCH_SKIP_BUILD=1  do not run `cargo build --release` (use the binary as it is)
#   SCRM_BIN=PATH       the scrm binary (default: $CARGO_TARGET_DIR or ./target, release/scrm)
#   BENCH_RESULTS=PATH  where to append results (default: benches/results.csv)
#   BENCH_DIR=PATH      where portfolios go (default: /tmp)
#   BENCH_CATALOG=FILE  the buyer catalog overlay for both `scrm gen` and `scrm score` (default
#                       benches/genai-overlay.toml; `none`: the shipped catalog alone);
#                       portfolios go to scrm-bench-N-<overlay name>
#   BENCH_HISTORY=1     time the nightly job instead: `score --history DIR`, each run into a
#                       fresh, empty store in BENCH_DIR (removed after the run); results.csv
#                       says `score --history` in its `job` column. The targets are not
#                       checked (they are stated for the scoring run).
#                       BENCH_HISTORY=next (`make bench-nightly-next`): the run the morning
#                       after instead. One run with SCRM_NOW=2026-11-02T06:00:00Z records a
#                       seed store per size (untimed); each timed run scores into a copy of it
#                       with SCRM_NOW a day later, so it reuses every vendor whose result the
#                       date leaves unchanged (97 % of them) and re-scores the rest. `job`:
#                       `score --history (next day)`.
#   BENCH_DIGEST=ALGO   the input digest the manifest records, `--input-digest ALGO` (sha256,
#                       the default, or blake3: `make bench-blake3`); results.csv's `job` says
#                       `score --input-digest blake3` for BLAKE3. The targets are checked
#                       either way. A baseline binary must know the flag.
#   BENCH_BASELINE=PATH another scrm binary (an earlier build) run alternately with this one,
#                       each of its runs right after one of this binary's: its median and the
#                       ratio are printed (not written to results.csv). This machine's speed
#                       drifts by tens of percent between minutes, so only runs taken together
#                       compare two builds.
set -euo pipefail
# EPOCHREALTIME and awk must use "." as the decimal point whatever the locale.
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${SCRM_BIN:-$TARGET_DIR/release/scrm}"
RESULTS="${BENCH_RESULTS:-$ROOT/benches/results.csv}"
BENCH_DIR="${BENCH_DIR:-/tmp}"
SEED=42
CATALOG_ARGS=()
CATALOG_NAME=builtin
SUFFIX=
CATALOG="${BENCH_CATALOG:-$ROOT/benches/genai-overlay.toml}"
if [ "$CATALOG" != none ]; then
    if [ ! -f "$CATALOG" ]; then
        echo "bench: BENCH_CATALOG is no file: $CATALOG" >&2
        exit 2
    fi
    CATALOG_ARGS=(--catalog "$(cd "$(dirname "$CATALOG")" && pwd)/$(basename "$CATALOG")")
    CATALOG_NAME="$(basename "$CATALOG")"
    SUFFIX="-${CATALOG_NAME%.toml}"
fi

if [ -n "${BENCH_SIZES:-}" ]; then
    read -r -a SIZES <<<"$BENCH_SIZES"
else
    SIZES=(10000 100000)
    if [ "${BENCH_FULL:-0}" = "1" ]; then
        SIZES+=(1000000)
    fi
fi

# GNU time reports peak RSS; the shell builtin does not.
if [ ! -x /usr/bin/time ]; then
    echo "bench: installing GNU time (/usr/bin/time)" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q >&2
    $SUDO apt-get install -y -q time >&2
fi

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
    echo "bench: cargo build --release -p scrm" >&2
    (cd "$ROOT" && cargo build --release -p scrm --bin scrm >&2)
fi
if [ ! -x "$BIN" ]; then
    echo "bench: no scrm binary at $BIN" >&2
    exit 2
fi

commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$commit" != unknown ] && [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then
    commit="$commit-dirty"
fi
HEADER="date,commit,n,bytes,wall_s,mb_s,vendors_s,max_rss_kb,runs,wall_min_s,wall_max_s,catalog,job"
JOB=score
DIGEST_ARGS=()
case "${BENCH_DIGEST:-sha256}" in
    sha256) ;;
    blake3)
        DIGEST_ARGS=(--input-digest blake3)
        JOB="score --input-digest blake3"
        ;;
    *)
        echo "bench: BENCH_DIGEST must be sha256 or blake3, not '${BENCH_DIGEST}'" >&2
        exit 2
        ;;
esac
case "${BENCH_HISTORY:-0}" in
    0) ;;
    1) JOB="$JOB --history" ;;
    next) JOB="$JOB --history (next day)" ;;
    *)
        echo "bench: BENCH_HISTORY must be 0, 1 or next, not '${BENCH_HISTORY}'" >&2
        exit 2
        ;;
esac
# The morning after (BENCH_HISTORY=next): the seed store's run and the timed runs' clock.
DAY1=2026-11-02T06:00:00Z
DAY2=2026-11-03T06:00:00Z
if [ ! -s "$RESULTS" ]; then
    mkdir -p "$(dirname "$RESULTS")"
    echo "$HEADER" >"$RESULTS"
fi
RUNS="${BENCH_RUNS:-3}"
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench: BENCH_RUNS must be a positive whole number, not '$RUNS'" >&2
    exit 2
fi

# Targets from benches/README.md: seconds and peak RSS (KiB) per size; empty = none.
target_wall() { case "$1" in 100000) echo 1.2 ;; 1000000) echo 12 ;; *) echo "" ;; esac; }
target_rss() { case "$1" in 1000000) echo 1048576 ;; *) echo "" ;; esac; }
target_mb_s() { case "$1" in 100000) echo 700 ;; *) echo "" ;; esac; }

# One `scrm score` of the portfolio in $2 with the binary $1 (with BENCH_HISTORY=1, into a
# fresh history store): sets RUN_WALL (seconds, bash's microsecond clock: GNU time rounds to
# 10 ms) and RUN_RSS (peak KiB).
one_run() {
    local bin="$1" dir="$2" timing errs status=0 start end hist=""
    local history_args=()
    timing="$(mktemp)"
    errs="$(mktemp)"
    local now_env=()
    if [ "${BENCH_HISTORY:-0}" != 0 ]; then
        hist="$(mktemp -d "$BENCH_DIR/scrm-bench-history.XXXXXX")"
        history_args=(--history "$hist")
    fi
    if [ "${BENCH_HISTORY:-0}" = next ]; then
        # A copy of the seed store, made before the clock starts.
        cp -a "$SEED_STORE/." "$hist/"
        now_env=(env "SCRM_NOW=$DAY2")
    fi
    start="$EPOCHREALTIME"
    "${now_env[@]}" /usr/bin/time -v -o "$timing" "$bin" score "$dir/answers.csv" \
        --vendors "$dir/vendors.csv" --exclusions "$dir/exclusions.csv" "${CATALOG_ARGS[@]}" \
        "${DIGEST_ARGS[@]}" "${history_args[@]}" --format csv --out /dev/null >/dev/null 2>"$errs" || status=$?
    end="$EPOCHREALTIME"
    if [ -n "$hist" ]; then
        rm -rf "$hist"
    fi
    # 0: scored; 1: scored, and some vendor failed the gate. Anything else is a failure.
    if [ "$status" -gt 1 ]; then
        cat "$errs" "$timing" >&2
        rm -f "$timing" "$errs"
        echo "bench: $bin score failed with exit code $status" >&2
        exit "$status"
    fi
    RUN_RSS="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$timing")"
    rm -f "$timing" "$errs"
    RUN_WALL="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
}

# The median, fastest and slowest of the wall times given.
median_min_max() {
    printf '%s\n' "$@" | sort -n | awk '
        { w[NR] = $1 }
        END { m = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
              printf "%.3f %.3f %.3f\n", m, w[1], w[NR] }'
}

if [ -n "${BENCH_BASELINE:-}" ] && [ ! -x "$BENCH_BASELINE" ]; then
    echo "bench: BENCH_BASELINE is no executable: $BENCH_BASELINE" >&2
    exit 2
fi

missed=0
printf '%-9s %12s %9s %15s %9s %12s %12s\n' vendors bytes wall_s min-max MB/s vendors/s max_rss_kb
for n in "${SIZES[@]}"; do
    out="$BENCH_DIR/scrm-bench-$n$SUFFIX"
    # `scrm gen` itself skips a folder that already holds this portfolio: same seed, size and
    # catalog (its `.scrm-gen` record), files intact. A changed catalog regenerates.
    echo "bench: scrm gen --vendors $n --seed $SEED ${CATALOG_ARGS[*]} --out $out" >&2
    "$BIN" gen --vendors "$n" --seed "$SEED" "${CATALOG_ARGS[@]}" --out "$out" >&2
    bytes=$(($(stat -c %s "$out/answers.csv") + $(stat -c %s "$out/vendors.csv") + $(stat -c %s "$out/exclusions.csv")))

    if [ "${BENCH_HISTORY:-0}" = next ]; then
        SEED_STORE="$BENCH_DIR/scrm-bench-seed-$n$SUFFIX"
        rm -rf "$SEED_STORE"
        echo "bench: recording the seed store $SEED_STORE (SCRM_NOW=$DAY1)" >&2
        status=0
        SCRM_NOW="$DAY1" "$BIN" score "$out/answers.csv" --vendors "$out/vendors.csv" \
            --exclusions "$out/exclusions.csv" "${CATALOG_ARGS[@]}" --history "$SEED_STORE" \
            --format csv --out /dev/null >/dev/null 2>&1 || status=$?
        if [ "$status" -gt 1 ]; then
            echo "bench: recording the seed store failed with exit code $status" >&2
            exit 1
        fi
    fi
    walls=()
    base_walls=()
    rss=0
    for ((run = 1; run <= RUNS; run++)); do
        one_run "$BIN" "$out"
        walls+=("$RUN_WALL")
        if [ "$RUN_RSS" -gt "$rss" ]; then rss="$RUN_RSS"; fi
        if [ -n "${BENCH_BASELINE:-}" ]; then
            one_run "$BENCH_BASELINE" "$out"
            base_walls+=("$RUN_WALL")
        fi
    done
    read -r wall wmin wmax < <(median_min_max "${walls[@]}")
    mb_s="$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0 ? b / 1e6 / w : 0) }')"
    vendors_s="$(awk -v n="$n" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')"

    printf '%-9s %12s %9s %15s %9s %12s %12s\n' "$n" "$bytes" "$wall" "$wmin-$wmax" "$mb_s" "$vendors_s" "$rss"
    if [ -n "${BENCH_BASELINE:-}" ]; then
        read -r bwall bmin bmax < <(median_min_max "${base_walls[@]}")
        ratio="$(awk -v a="$wall" -v b="$bwall" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
        printf '%-9s %12s %9s %15s   this/baseline %s (%s)\n' "$n" baseline "$bwall" "$bmin-$bmax" "$ratio" "$BENCH_BASELINE"
    fi
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$commit,$n,$bytes,$wall,$mb_s,$vendors_s,$rss,$RUNS,$wmin,$wmax,$CATALOG_NAME,$JOB" >>"$RESULTS"
    if [ -n "${SEED_STORE:-}" ]; then
        rm -rf "$SEED_STORE"
    fi

    tw="$(target_wall "$n")"
    tr="$(target_rss "$n")"
    tm="$(target_mb_s "$n")"
    if [ "${BENCH_HISTORY:-0}" != 0 ]; then
        tw=""
        tr=""
        tm=""
    fi
    if [ -n "$tw" ] && awk -v w="$wall" -v t="$tw" 'BEGIN { exit !(w > t) }'; then
        echo "bench: MISSED target for $n vendors: median wall ${wall}s > ${tw}s" >&2
        missed=1
    fi
    if [ -n "$tm" ] && awk -v m="$mb_s" -v t="$tm" 'BEGIN { exit !(m < t) }'; then
        echo "bench: MISSED target for $n vendors: ${mb_s} MB/s < ${tm} MB/s" >&2
        missed=1
    fi
    if [ -n "$tr" ] && [ "$rss" -gt "$tr" ]; then
        echo "bench: MISSED target for $n vendors: peak RSS ${rss} KiB > ${tr} KiB" >&2
        missed=1
    fi
done
echo "bench: results appended to $RESULTS" >&2

if [ "$missed" = 1 ] && [ "${BENCH_STRICT:-0}" = "1" ]; then
    exit 1
fi
