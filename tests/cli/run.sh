#!/bin/sh
# run.sh - data-driven command-line tests for cpcsim.
#
#   sh tests/cli/run.sh ./cpcsim [CASE...]
#
# Runs every case folder tests/cli/cases/NAME/ (or only the CASEs named) and
# prints one line per failing case, then "cli cases: N passed, M failed".
# Exits 1 when a case failed, 2 when the suite itself cannot run.
# CLI_VERBOSE=1 also prints the stdout and stderr of failing cases.
#
# A case folder holds (see tests/cli/README.md):
#   args       the arguments, one per line (an empty line is an empty argument)
#   rc         the expected exit status
#   stdout     lines that must each appear in stdout (substrings, exact text)
#   stderr     lines that must each appear in stderr
#   no_output  marker: the output folder gains nothing during the run
#   env        VAR=value lines set for the cpcsim run only
#   model/     the case's model; without it @MODEL is data/saas
#   setup      sh script run before cpcsim, in the case folder's copy
#   check      sh script run after cpcsim, from the top of the checkout;
#              non-zero means the case failed (its last line of output is
#              shown)
# In args, stdout and stderr, @MODEL, @OUT and @TMP are replaced by the model
# folder, a fresh output folder (created empty) and a fresh scratch folder.
# setup and check see CPCSIM, MODEL, OUT, TMP, CASE (the copy) and ROOT in
# their environment; check also sees STDOUT and STDERR, the files holding
# what cpcsim printed.  Each case works on a copy, so the checkout is not touched.
# A sanitizer report in stderr fails a case whatever its other results.

if [ $# -lt 1 ]; then
    echo "usage: sh tests/cli/run.sh PATH/TO/cpcsim [CASE...]" >&2
    exit 2
fi
case $1 in
/*) CPCSIM=$1 ;;
*) CPCSIM=$(pwd)/$1 ;;
esac
shift
if [ ! -x "$CPCSIM" ]; then
    echo "run.sh: $CPCSIM is not an executable; build it first (make cpcsim)" >&2
    exit 2
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$ROOT" || exit 2
cases=tests/cli/cases
export CPCSIM ROOT

# The locale cases need de_DE.UTF-8 and fr_FR.UTF-8 (both write 1,5 for
# 1.5); create them when possible (it needs root and the locale sources).
# Byte-identity must hold whether or not they exist.
for loc in de_DE fr_FR; do
    if ! locale -a 2>/dev/null | grep -qiE "^$loc\.utf-?8\$"; then
        if command -v localedef >/dev/null 2>&1; then
            localedef -i $loc -f UTF-8 $loc.UTF-8 >/dev/null 2>&1 || :
        fi
    fi
done

if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
else
    limit=
fi

base=$(mktemp -d "${TMPDIR:-/tmp}/cpcsim-cli.XXXXXX") || exit 2
cleanup() {
    chmod -R u+rwx "$base" 2>/dev/null
    rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# replace_all TEXT TOKEN VALUE: sets R to TEXT with every TOKEN replaced.
replace_all() {
    R=
    s=$1
    while :; do
        case $s in
        *"$2"*) R=$R${s%%"$2"*}$3; s=${s#*"$2"} ;;
        *) break ;;
        esac
    done
    R=$R$s
}

# subst TEXT: sets R to TEXT with @MODEL, @OUT and @TMP replaced (the values
# are paths that hold none of the tokens, so the order does not matter).
subst() {
    replace_all "$1" @MODEL "$MODEL"
    replace_all "$R" @OUT "$OUT"
    replace_all "$R" @TMP "$TMP"
}

# expect_lines FILE CAPTURED WHAT: adds to $why each line of FILE (substituted)
# that does not appear in CAPTURED.
expect_lines() {
    [ -f "$1" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        [ -n "$line" ] || continue
        subst "$line"
        if ! grep -qF -e "$R" "$2"; then
            why="$why; $3 lacks '$line'"
        fi
    done <"$1"
}

run_case() {
    name=$1
    w=$base/$name
    mkdir -p "$w" "$w/out" "$w/tmp"
    cp -R "$cases/$name" "$w/case"
    CASE=$w/case
    OUT=$w/out
    TMP=$w/tmp
    if [ -d "$CASE/model" ]; then MODEL=$CASE/model; else MODEL=$ROOT/data/saas; fi
    export CASE OUT TMP MODEL
    why=

    if [ ! -f "$CASE/rc" ]; then
        why="$why; no rc file"
        return
    fi
    if [ -f "$CASE/setup" ]; then
        if ! (cd "$CASE" && sh ./setup) >"$w/setup.log" 2>&1; then
            why="$why; setup failed: $(tail -n 1 "$w/setup.log")"
            return
        fi
    fi
    LC_ALL=C ls -A "$OUT" >"$w/out.before" 2>/dev/null

    set --
    if [ -f "$CASE/args" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
            subst "$line"
            set -- "$@" "$R"
        done <"$CASE/args"
    fi
    (
        if [ -f "$CASE/env" ]; then
            while IFS= read -r kv || [ -n "$kv" ]; do
                [ -n "$kv" ] && export "$kv"
            done <"$CASE/env"
        fi
        exec $limit "$CPCSIM" "$@"
    ) </dev/null >"$w/stdout" 2>"$w/stderr"
    got=$?

    want=$(tr -d ' \t\r\n' <"$CASE/rc")
    [ "$got" = "$want" ] || why="$why; rc $got, expected $want"
    expect_lines "$CASE/stdout" "$w/stdout" stdout
    expect_lines "$CASE/stderr" "$w/stderr" stderr
    if grep -qE 'Sanitizer|runtime error:' "$w/stderr"; then
        why="$why; sanitizer report: $(grep -m 1 -E 'Sanitizer|runtime error:' "$w/stderr")"
    fi
    if [ -f "$CASE/no_output" ]; then
        LC_ALL=C ls -A "$OUT" >"$w/out.after" 2>/dev/null
        if ! cmp -s "$w/out.before" "$w/out.after"; then
            why="$why; output folder gained: $(LC_ALL=C comm -13 "$w/out.before" "$w/out.after" | tr '\n' ' ')"
        fi
    fi
    if [ -f "$CASE/check" ]; then
        if ! STDOUT=$w/stdout STDERR=$w/stderr sh "$CASE/check" >"$w/check.log" 2>&1; then
            why="$why; check failed: $(tail -n 1 "$w/check.log")"
        fi
    fi
}

pass=0
fail=0
if [ $# -eq 0 ]; then
    set -- $(cd "$cases" && for d in */; do printf '%s\n' "${d%/}"; done)
fi
for name in "$@"; do
    if [ ! -d "$cases/$name" ]; then
        echo "FAIL $name: no such case folder $cases/$name"
        fail=$((fail + 1))
        continue
    fi
    run_case "$name"
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: ${why#; }"
        if [ -n "$CLI_VERBOSE" ]; then
            sed 's/^/    stdout: /' "$w/stdout"
            sed 's/^/    stderr: /' "$w/stderr"
        fi
    fi
done
echo "cli cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
