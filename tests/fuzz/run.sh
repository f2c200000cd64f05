#!/bin/sh
# Builds the libFuzzer harnesses of tests/fuzz/ and runs each for a while.
#
#   sh tests/fuzz/run.sh [SECONDS] [merge]
#
# SECONDS (default 20) is the time each harness runs.  The harnesses run on a
# copy of the seed corpus in a scratch folder, so tests/fuzz/corpus/ is left
# as it is; with 'merge', the new inputs that add coverage are merged into it
# afterwards (libFuzzer -merge=1).  Prints the executions of each harness and
# exits non-zero when one found a crash, a leak, a timeout or an invariant
# broken; the input that did it is left in tests/fuzz/crashes/ (not
# committed) as HARNESS-crash-SHA1, to replay with the harness binary, or to
# keep as a regression seed named corpus/HARNESS/crash-WHAT.
#
# The corpus holds regression seeds named crash-WHAT, inputs that once broke
# cpcsim (found by fuzzing, fixed since); every run replays them first.
# FUZZ_SKIP_KNOWN=1 leaves them out; FUZZ_KEEP_GOING=1 keeps fuzzing after a
# crash (libFuzzer -fork=1 -ignore_crashes=1 ...), collecting every crashing
# input; the run still fails when one was found.
#
# Environment: CC (default clang), FUZZ_HARNESSES (default "table value
# model"), FUZZ_JOBS (harnesses run at once; default: all three when the
# machine has 3 or more processors, else one at a time), FUZZ_KEEP=1 keeps
# the scratch folder (binaries, logs) and prints where it is, FUZZ_SKIP_KNOWN
# and FUZZ_KEEP_GOING as above.
set -eu

secs=${1:-20}
mode=${2:-}
case $secs in ''|*[!0-9]*) echo "usage: sh tests/fuzz/run.sh [SECONDS] [merge]" >&2; exit 64 ;; esac
case $mode in ''|merge) ;; *) echo "usage: sh tests/fuzz/run.sh [SECONDS] [merge]" >&2; exit 64 ;; esac

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/fuzz"
cd "$root"
started=$(date +%s)

# Build dependencies (GSL, libcsv, pkg-config) as for make, then clang and
# its libFuzzer runtime when missing.
sh tests/deps.sh
CC=${CC:-clang}
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$probe/p.c"
if ! command -v "$CC" >/dev/null 2>&1 || ! "$CC" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
    echo "installing: clang libclang-rt-14-dev"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
    CC=clang
    "$CC" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p"
fi
rm -rf "$probe"

work=$(mktemp -d "${TMPDIR:-/tmp}/cpcsim-fuzz.XXXXXX")
if [ "${FUZZ_KEEP:-0}" = 1 ]; then
    echo "scratch folder: $work"
else
    trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM

harnesses=${FUZZ_HARNESSES:-table value model}
if [ -n "${FUZZ_JOBS:-}" ]; then jobs=$FUZZ_JOBS
elif [ "$(nproc 2>/dev/null || echo 1)" -ge 3 ]; then jobs=3
else jobs=1
fi

# The library: every source but sim/main.c, compiled into each harness.
lib_src=""
for f in models/*.c sim/*.c; do
    [ "$f" = sim/main.c ] || lib_src="$lib_src $f"
done
cflags="-std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 -D_POSIX_C_SOURCE=200809L -iquote . $(pkg-config --cflags gsl)"
libs="$(pkg-config --libs gsl) -lcsv -lm -pthread"

echo "== building $(echo "$harnesses" | wc -w) harnesses with $("$CC" --version | head -n 1)"
pids=""
for h in $harnesses; do
    # shellcheck disable=SC2086
    ( "$CC" $cflags -o "$work/fuzz_$h" "$here/fuzz_$h.c" $lib_src $libs > "$work/build-$h.log" 2>&1 \
      || { cat "$work/build-$h.log" >&2; exit 1; } ) &
    pids="$pids $!"
done
failed_build=0
for p in $pids; do wait "$p" || failed_build=1; done
if [ "$failed_build" -ne 0 ]; then echo "build failed" >&2; exit 1; fi

max_len() {
    case $1 in table) echo 65536 ;; value) echo 4096 ;; model) echo 200000 ;; esac
}

# run_one H: fuzzes harness H for $secs seconds on a copy of its corpus.
run_one() {
    h=$1
    mkdir -p "$work/corpus-$h" "$work/artifacts-$h"
    cp -R "$here/corpus/$h/." "$work/corpus-$h/"
    [ "${FUZZ_SKIP_KNOWN:-0}" != 1 ] || rm -f "$work/corpus-$h"/crash-*
    more=""
    [ "${FUZZ_KEEP_GOING:-0}" != 1 ] || more="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
    [ ! -f "$here/$h.dict" ] || more="$more -dict=$here/$h.dict"
    mkdir -p "$work/tmp-$h"
    # The model harness writes its files under TMPDIR; keep them in the scratch folder.
    rc=0
    # shellcheck disable=SC2086 # $more is a list of options
    TMPDIR="$work/tmp-$h" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        "$work/fuzz_$h" -max_total_time="$secs" -max_len="$(max_len "$h")" -timeout=10 $more \
        -print_final_stats=1 -artifact_prefix="$work/artifacts-$h/" "$work/corpus-$h" \
        > "$work/log-$h" 2>&1 || rc=$?
    echo "$rc" > "$work/rc-$h"
}

echo "== fuzzing for ${secs}s each: $harnesses"
running=0
pids=""
for h in $harnesses; do
    run_one "$h" &
    pids="$pids $!"
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        for p in $pids; do wait "$p" || true; done
        pids=""
        running=0
    fi
done
for p in $pids; do wait "$p" || true; done

status=0
for h in $harnesses; do
    rc=$(cat "$work/rc-$h" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log-$h" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log-$h" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$work/log-$h" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).* ft: \([0-9]*\).* corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p')
    if [ -z "$execs" ]; then # fork mode prints no final stats: read its last status line
        execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
        rate=$(echo "$last" | sed -n 's/.*exec\/s:* \([0-9]*\).*/\1/p')
    fi
    found=$(ls "$work/artifacts-$h" 2>/dev/null | wc -l)
    printf '%-6s %s executions, %s/s%s\n' "$h" "${execs:-?}" "${rate:-?}" "${cov:+ ($cov)}"
    if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
        status=1
        mkdir -p "$here/crashes"
        n=0
        for a in "$work/artifacts-$h"/*; do
            [ -f "$a" ] || continue
            cp "$a" "$here/crashes/$h-$(basename "$a")"
            n=$((n + 1))
            [ "$n" -gt 10 ] || echo "       FOUND: tests/fuzz/crashes/$h-$(basename "$a")"
        done
        [ "$n" -le 10 ] || echo "       ... $n inputs in all in tests/fuzz/crashes/"
        cp "$work/log-$h" "$here/crashes/$h.log"
        echo "       exit status $rc; log in tests/fuzz/crashes/$h.log"
        if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
            # Fork mode keeps no child's report: replay each input for the first line of its own.
            echo "       what was found (inputs, first line of the report):"
            for a in "$work/artifacts-$h"/*; do
                case $(basename "$a") in
                timeout-*) echo "timeout (over 10 s on one input)" ;;
                oom-*) echo "out of memory" ;;
                *) TMPDIR="$work/tmp-$h" "$work/fuzz_$h" -timeout=10 "$a" 2>&1 \
                       | grep -m 1 -E 'invariant broken|runtime error|ERROR: (Address|Leak)Sanitizer|ERROR: libFuzzer' \
                       | sed 's/ for text .*//; s/==[0-9]*==//; s/0x[0-9a-f]*/0x.../g' ;;
                esac
            done | sort | uniq -c | sort -rn | head -n 15 | sed 's/^/       | /'
        else
            echo "       the report:"
            grep -E -A 12 '^==[0-9]+==ERROR|runtime error|invariant broken|^==[0-9]+== ERROR: libFuzzer|ALARM|out-of-memory' \
                "$work/log-$h" | head -n 30 | sed 's/^/       | /'
        fi
    fi
done

if [ "$mode" = merge ]; then
    for h in $harnesses; do
        before=$(ls "$here/corpus/$h" | wc -l)
        TMPDIR="$work/tmp-$h" "$work/fuzz_$h" -merge=1 -max_len="$(max_len "$h")" -timeout=10 \
            "$here/corpus/$h" "$work/corpus-$h" > "$work/merge-$h" 2>&1 || {
            echo "merge of $h failed (see below)" >&2; tail -n 20 "$work/merge-$h" >&2; status=1; }
        after=$(ls "$here/corpus/$h" | wc -l)
        echo "merged $h: $((after - before)) new seeds in tests/fuzz/corpus/$h"
    done
fi

echo "fuzz: $(( $(date +%s) - started ))s in all; $( [ "$status" -eq 0 ] && echo 'no crash' || echo 'CRASH FOUND')"
exit "$status"
