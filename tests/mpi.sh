#!/bin/sh
# mpi.sh - cpcsim-mpi against cpcsim: the same reports, byte for byte.
#
#   sh tests/mpi.sh ./cpcsim ./cpcsim-mpi
#
# Each case runs a command with cpcsim (two threads) and with cpcsim-mpi
# under mpirun -n 2 and -n 3 on this machine (--oversubscribe, and
# --allow-run-as-root when run as root, as CI is), and compares every report
# with cmp; run.csv aside, which must record mpi_ranks.  Path counts are
# not whole groups of chunks, so every rank's share ends inside a group and
# the last chunk is short.  Bad input must give cpcsim's exit status, with
# its message printed once.  Prints one line per failing case, then
# "mpi cases: N passed, M failed"; exits 1 when a case failed.
set -u
if [ $# -ne 2 ]; then
    echo "usage: sh tests/mpi.sh PATH/TO/cpcsim PATH/TO/cpcsim-mpi" >&2
    exit 2
fi
PLAIN=$1
MPI=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$ROOT" || exit 2
mpirun="mpirun --oversubscribe"
[ "$(id -u)" -eq 0 ] && mpirun="$mpirun --allow-run-as-root"
# shared memory without cross-memory attach, which containers without
# CAP_SYS_PTRACE (CI's, often) refuse; what is compared does not depend on it
OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_btl_vader_single_copy_mechanism
base=$(mktemp -d "${TMPDIR:-/tmp}/cpcsim-mpi.XXXXXX") || exit 2
trap 'rm -rf "$base"' EXIT
trap 'exit 130' INT

# a model with correlations.csv: the example with two inputs correlated
corr=$base/corr
mkdir -p "$corr"
cp data/saas/*.csv "$corr"/
cp tests/cli/cases/ok-correlations/model/correlations.csv "$corr"/

passed=0
failed=0
# same NAME RANKS ARGS...: cpcsim ARGS -o A and mpirun -n RANKS cpcsim-mpi
# ARGS -o B give the same reports
same() {
    name=$1
    ranks=$2
    shift 2
    a=$base/$name-plain
    b=$base/$name-mpi$ranks
    why=
    if [ ! -d "$a" ]; then
        "$PLAIN" "$@" -o "$a" -q -j 2 >"$a.out" 2>"$a.err" || why="cpcsim failed: $(tail -n 1 "$a.err")"
    fi
    if [ -z "$why" ]; then
        $mpirun -n "$ranks" "$MPI" "$@" -o "$b" -q >"$b.out" 2>"$b.err" ||
            why="cpcsim-mpi failed: $(tail -n 1 "$b.err")"
    fi
    if [ -z "$why" ]; then
        for f in "$a"/*.csv; do
            report=$(basename "$f")
            if [ "$report" = run.csv ]; then
                grep -qx "mpi_ranks,$ranks" "$b/run.csv" || why="$why; run.csv lacks mpi_ranks,$ranks"
            elif ! cmp -s "$f" "$b/$report"; then
                why="$why; $report differs"
            fi
        done
        n_a=$(ls "$a" | wc -l)
        n_b=$(ls "$b" | wc -l)
        [ "$n_a" -eq "$n_b" ] || why="$why; $n_a reports against $n_b"
        # the summary printed, but for the output folder's name
        sed "s|$b|$a|g" "$b.out" | cmp -s "$a.out" - || why="$why; the printed summary differs"
    fi
    if [ -n "$why" ]; then
        echo "FAIL $name -n $ranks: ${why#; }"
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
}

# fails NAME ARGS...: cpcsim-mpi under mpirun -n 2 exits as cpcsim does,
# with cpcsim's message, printed once
fails() {
    name=$1
    shift
    w=$base/$name
    mkdir -p "$w"
    "$PLAIN" "$@" -q >"$w/plain.out" 2>"$w/plain.err"
    rc_plain=$?
    $mpirun -n 2 "$MPI" "$@" -q >"$w/mpi.out" 2>"$w/mpi.err"
    rc_mpi=$?
    why=
    [ "$rc_plain" -eq "$rc_mpi" ] || why="exit $rc_mpi, cpcsim's $rc_plain"
    first=$(head -n 1 "$w/plain.err")
    n=$(grep -cxF -e "$first" "$w/mpi.err")
    [ "$n" -eq 1 ] || why="$why; '$first' printed $n times"
    if [ -n "$why" ]; then
        echo "FAIL $name: ${why#; }"
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
}

for k in 2 3; do
    same run $k run data/saas -n 3000
    same run-threads $k run data/saas -n 2900 -j 2
    same cost-lines $k run data/saas -n 2500 --cost-lines
    same lhs $k run "$corr" -n 3100 --sampling lhs
    same sobol $k run "$corr" -n 2100 --sampling sobol
    same precision $k run data/saas --precision 3% -n 30000 --no-sensitivity
    same sweep $k sweep data/saas --vary scenarios.csv:realistic:growth=0%..6%/4 --vary company.csv:cash=3e6..6e6/2 \
        --scenario realistic -n 1500
    same goal $k goal data/saas --vary company.csv:cash --target prob_cash_out=10% --scenario realistic -n 1500
done
fails bad-model run tests/cli/cases/bad-company/model -o "$base/bad"
fails missing-model run "$base/no-such-model" -o "$base/bad"
fails bad-usage run data/saas --paths 0

echo "mpi cases: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
