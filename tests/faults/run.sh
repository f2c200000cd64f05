#!/bin/sh
# Allocation failure, the SQLite way: a build of cpcsim made with
# -DCPC_FAULT_INJECTION fails its N-th allocation (CPCSIM_FAIL_ALLOC=N).
# For N = 1, 2, ... until a run no longer reaches the N-th allocation, every
# `check` and `run` of a small model that touches every file (and a run with
# `--sampling sobol`, whose design allocates GSL's Sobol state), and every
# `calibrate` of a history with open deals (GSL's solvers, the posterior's
# grid) writing its -o file, every `quote` of a contract that builds a
# feature, and every `scope` of a plan, must exit 71, write no report and leak nothing
# (the build runs under AddressSanitizer, whose leak checker reports into
# stderr).
#
#   sh tests/faults/run.sh build-fault/cpcsim
bin=${1:?usage: run.sh CPCSIM}
model=$(dirname "$0")/model
history=$(dirname "$0")/history.csv
contract=$(dirname "$0")/contract.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
checked=0; bad=0
for cmd in check run sobol calibrate quote scope; do
    n=1
    while :; do
        rm -rf "$tmp/out"
        if [ "$cmd" = run ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" run "$model" -o "$tmp/out" -n 40 -j 2 -q >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = calibrate ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" calibrate "$history" --as-of 2026-06 -o "$tmp/out/calibration.csv" \
                >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = quote ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" quote "$model" "$contract" -o "$tmp/out" -n 40 -j 2 -q \
                >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = scope ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" scope "$model" --price 300 --plan pro -o "$tmp/out" -n 40 -j 2 -q \
                >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = sobol ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" run "$model" -o "$tmp/out" -n 40 -j 2 -q --sampling sobol \
                >"$tmp/stdout" 2>"$tmp/stderr"
        else
            CPCSIM_FAIL_ALLOC=$n "$bin" check "$model" >"$tmp/stdout" 2>"$tmp/stderr"
        fi
        rc=$?
        if grep -q "Sanitizer" "$tmp/stderr"; then
            echo "$cmd, allocation $n fails: sanitizer report:"; head -20 "$tmp/stderr"; bad=$((bad + 1))
        fi
        [ "$rc" -eq 0 ] && break   # the run made fewer than n allocations
        checked=$((checked + 1))
        if [ "$rc" -ne 71 ]; then
            echo "$cmd, allocation $n fails: exit $rc, expected 71"; head -5 "$tmp/stderr"; bad=$((bad + 1))
        fi
        if [ -d "$tmp/out" ] && [ -n "$(ls -A "$tmp/out")" ]; then
            echo "$cmd, allocation $n fails: something was written: $(ls -A "$tmp/out")"; bad=$((bad + 1))
        fi
        n=$((n + 1))
    done
    echo "$cmd: $((n - 1)) allocations, each made to fail in turn"
done
echo "allocation failures: $((checked - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
