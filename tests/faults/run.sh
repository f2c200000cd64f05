#!/bin/sh
# Allocation failure, the SQLite way: a build of cpcsim made with
# -DCPC_FAULT_INJECTION fails its N-th allocation (CPCSIM_FAIL_ALLOC=N).
# For N = 1, 2, ... until a run no longer reaches the N-th allocation, every
# `check` and `run` of a small model that touches every file (correlations.csv
# too, so the Iman-Conover blocks allocate; the run with `--cost-lines`, whose
# sums and histograms are allocated only then, and one with `--sampling
# sobol`, whose design allocates GSL's Sobol state), and every
# `calibrate` of a history with open deals (GSL's solvers, the posterior's
# grid) writing its -o file, every `quote` of a contract that builds a
# feature, every `scope` of a plan, every `sweep` of two inputs (a PERT value,
# whose table is built) and every `goal` that solves (GSL's Brent state,
# three runs), must exit 71, write no report and leak nothing
# (the build runs under AddressSanitizer, whose leak checker reports into
# stderr).  Then each thread refused in turn (exit 71), and a run killed at
# each step of writing and publishing its reports (the set stays whole).
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
for cmd in check run sobol calibrate quote scope sweep goal; do
    n=1
    while :; do
        rm -rf "$tmp/out"
        if [ "$cmd" = run ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" run "$model" -o "$tmp/out" -n 40 -j 2 -q --cost-lines \
                >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = calibrate ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" calibrate "$history" --as-of 2026-06 -o "$tmp/out/calibration.csv" \
                >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = quote ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" quote "$model" "$contract" -o "$tmp/out" -n 40 -j 2 -q \
                >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = scope ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" scope "$model" --price 300 --plan pro -o "$tmp/out" -n 40 -j 2 -q \
                >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = sweep ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" sweep "$model" --vary 'scenarios.csv:real:churn=pert(1%, 2%, 4%)' \
                --vary company.csv:cash=1e5 -o "$tmp/out" -n 40 -j 2 -q >"$tmp/stdout" 2>"$tmp/stderr"
        elif [ "$cmd" = goal ]; then
            CPCSIM_FAIL_ALLOC=$n "$bin" goal "$model" --vary company.csv:cash --target cash_final=50000 \
                --scenario real --range 0..4e5 -o "$tmp/out" -n 40 -j 2 -q >"$tmp/stdout" 2>"$tmp/stderr"
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

# A thread refused (CPCSIM_FAIL_THREAD=N: the N-th thread and every later
# one fail with EAGAIN, as the system refuses a thread it has no room for):
# run, quote, scope, sweep and goal exit 71 with their message and write
# nothing.
tbad=0
for cmd in run quote scope sweep goal; do
    for n in 1 2; do
        rm -rf "$tmp/out"
        case $cmd in
        run) set -- run "$model" ;;
        quote) set -- quote "$model" "$contract" ;;
        scope) set -- scope "$model" --price 300 --plan pro ;;
        sweep) set -- sweep "$model" --vary company.csv:cash=1e5,2e5 ;;
        goal) set -- goal "$model" --vary company.csv:cash --target prob_cash_out=50% --range 0..4e5 ;;
        esac
        CPCSIM_FAIL_THREAD=$n "$bin" "$@" -o "$tmp/out" -n 1000 -j 3 -q >"$tmp/stdout" 2>"$tmp/stderr"
        rc=$?
        if [ $rc -ne 71 ] || ! grep -q "cpcsim $cmd: out of memory, or the system would not start another thread" "$tmp/stderr"; then
            echo "$cmd, thread $n refused: exit $rc, expected 71"; head -5 "$tmp/stderr"; tbad=$((tbad + 1))
        elif [ -d "$tmp/out" ] && [ -n "$(ls -A "$tmp/out")" ]; then
            echo "$cmd, thread $n refused: something was written: $(ls -A "$tmp/out")"; tbad=$((tbad + 1))
        fi
    done
done
echo "threads refused: $((10 - tbad)) passed, $tbad failed"

# A run killed (SIGKILL) at each step of writing and publishing its set in
# turn (CPCSIM_KILL_AT=K): OUT holds the whole earlier set or, once the
# journal is written, a publish that the next writer finishes; after that
# next writer (a calibrate into OUT) the set is whole, the new one whenever
# the journal had been written, and nothing else is left.
kbad=0
if ! "$bin" run "$model" -o "$tmp/ref1" -n 40 -q -s 1 >/dev/null 2>&1 ||
   ! "$bin" run "$model" -o "$tmp/ref2" -n 40 -q -s 2 --ledger-path 3 >/dev/null 2>&1; then
    echo "the reference runs failed"; kbad=1
fi
k=1
while [ $kbad -eq 0 ]; do
    rm -rf "$tmp/out"
    mkdir "$tmp/out"
    cp "$tmp/ref1"/*.csv "$tmp/out/"
    ASAN_OPTIONS=detect_leaks=0 CPCSIM_KILL_AT=$k "$bin" run "$model" -o "$tmp/out" -n 40 -q -s 2 --ledger-path 3 \
        >/dev/null 2>&1
    rc=$?
    [ $rc -eq 0 ] && break     # the run had fewer than k steps
    journal=0
    ls "$tmp"/out/.cpcsim-*/publish >/dev/null 2>&1 && journal=1
    "$bin" calibrate "$history" --as-of 2026-06 -o "$tmp/out/calibration.csv" >/dev/null 2>"$tmp/stderr" ||
        { echo "killed at step $k: calibrate then: $(head -3 "$tmp/stderr")"; kbad=$((kbad + 1)); }
    rm -f "$tmp/out/calibration.csv"
    seed=$(sed -n 's/^seed,//p' "$tmp/out/run.csv")
    if [ "$seed" != 1 ] && [ "$seed" != 2 ]; then
        echo "killed at step $k: run.csv names seed '$seed'"; kbad=$((kbad + 1))
    elif [ $journal -eq 1 ] && [ "$seed" != 2 ]; then
        echo "killed at step $k: the journal was written, yet the earlier set is back"; kbad=$((kbad + 1))
    elif ! diff -r -x run.csv "$tmp/out" "$tmp/ref$seed" >/dev/null; then
        echo "killed at step $k: not the whole set of seed $seed: $(diff -rq -x run.csv "$tmp/out" "$tmp/ref$seed" | head -3)"
        kbad=$((kbad + 1))
    fi
    k=$((k + 1))
done
echo "run killed at each of its $((k - 1)) steps of writing: $((k - 1 - kbad)) passed, $kbad failed"
[ "$bad" -eq 0 ] && [ "$tbad" -eq 0 ] && [ "$kbad" -eq 0 ]
