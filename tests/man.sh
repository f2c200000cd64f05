#!/bin/sh
# man.sh - the man page renders without a warning and keeps up with the
# program: every option that the --help of run, check, calibrate, quote, scope, sweep and goal,
# and `cpcsim --help`, list is documented (each option of a command as an item of
# its own, "-o, --output OUT", in the command's subsection of COMMANDS), and
# every report that a fresh run, quote, scope, sweep and goal write has its subsection in REPORTS, with
# its header row as written, its metric names, line kinds and run.csv's keys.
#
#   sh tests/man.sh [CPCSIM [PAGE]]            check PAGE (default sim/cpcsim.1)
#                                              against CPCSIM (default ./cpcsim)
#   sh tests/man.sh --self-test [CPCSIM]       check that pages which break each
#                                              rule fail
#
# Run from the top of the checkout (the fresh run simulates data/saas).
set -u

self_test=0
if [ "${1:-}" = "--self-test" ]; then
    self_test=1
    shift
fi
cpcsim=${1:-./cpcsim}
page=${2:-sim/cpcsim.1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpcsim-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# ---- what the program says of itself, once for every page checked ----

if ! "$cpcsim" run --help >"$tmp/help-run" || ! "$cpcsim" check --help >"$tmp/help-check" ||
   ! "$cpcsim" calibrate --help >"$tmp/help-calibrate" || ! "$cpcsim" quote --help >"$tmp/help-quote" ||
   ! "$cpcsim" scope --help >"$tmp/help-scope" || ! "$cpcsim" sweep --help >"$tmp/help-sweep" ||
   ! "$cpcsim" goal --help >"$tmp/help-goal" ||
   ! "$cpcsim" --help >"$tmp/help-top"; then
    echo "man.sh: $cpcsim --help failed"
    exit 1
fi
if ! "$cpcsim" run data/saas -n 50 --ledger-path 2 --cost-lines -o "$tmp/out" -q >/dev/null; then
    echo "man.sh: $cpcsim run data/saas -n 50 --ledger-path 2 --cost-lines failed"
    exit 1
fi
if ! "$cpcsim" quote data/saas data/saas-contract.csv -n 50 -o "$tmp/out" -q >/dev/null; then
    echo "man.sh: $cpcsim quote data/saas data/saas-contract.csv -n 50 failed"
    exit 1
fi
if ! "$cpcsim" scope data/saas --price 3950 -n 50 -o "$tmp/out" -q >/dev/null; then
    echo "man.sh: $cpcsim scope data/saas --price 3950 -n 50 failed"
    exit 1
fi
if ! "$cpcsim" sweep data/saas --vary plans.csv:team:price=700 -n 50 -o "$tmp/out" -q >/dev/null ||
   ! "$cpcsim" goal data/saas --vary company.csv:cash --target prob_cash_out=50% -n 50 -o "$tmp/out" -q >/dev/null
then
    echo "man.sh: $cpcsim sweep or goal data/saas -n 50 failed"
    exit 1
fi
reports=$(cd "$tmp/out" && ls -A)
if [ -z "$reports" ]; then
    echo "man.sh: the run wrote no report"
    exit 1
fi

# The long options in a --help text, one a line.
long_options() {
    tr -cs 'a-z-' '[\n*]' <"$1" | grep '^--[a-z]' | sort -u
}

# The options of a --help text's option list as their items begin, "-o,
# --output" or "--scenario", one a line.
option_items() {
    sed -n 's/^ *\(\(-[a-zA-Z], \)\{0,1\}--[a-z][a-z-]*\).*/\1/p' "$1" | sort -u
}

# Whether file $1 has a line that, spaces before it aside, begins with $2
# followed by a space or the end of the line: an item of a list of options.
has_item() {
    awk -v w="$2" '
        { sub(/^ */, "") }
        index($0, w) == 1 && (length($0) == length(w) || substr($0, length(w) + 1, 1) == " ") { found = 1; exit }
        END { exit !found }' "$1"
}

# The text of the subsection of rendered page $1 whose heading starts with
# $2, up to the next heading.
subsection() {
    awk -v h="$2" '
        index($0, "   " h) == 1 && substr($0, 4) ~ /^[^ ]/ { on = 1; next }
        on && match($0, /^ *[^ ]/) && RLENGTH <= 4 { on = 0 }
        on' "$1"
}

# Whether $2 occurs in file $1 as a whole word (letters, digits, _ and -
# around it do not count).
has_word() {
    awk -v w="$2" '
        function part(c) { return c ~ /[A-Za-z0-9_-]/ }
        {
            off = 0
            while ((i = index(substr($0, off + 1), w)) > 0) {
                at = off + i
                before = at > 1 ? substr($0, at - 1, 1) : ""
                after = substr($0, at + length(w), 1)
                if (!part(before) && !part(after)) { found = 1; exit }
                off = at
            }
        }
        END { exit !found }' "$1"
}

# Checks page $1; prints each problem and returns non-zero when there is one.
check_page() {
    cp_page=$1
    cp_bad=0
    # 1. renders without a warning
    if command -v groff >/dev/null 2>&1; then
        cp_how="groff -man -ww -z"
        groff -man -ww -z "$cp_page" >"$tmp/warnings" 2>&1 || echo "groff failed" >>"$tmp/warnings"
        groff -man -Tascii -rLL=500n -P-cbu "$cp_page" >"$tmp/text" 2>/dev/null
    elif command -v man >/dev/null 2>&1; then
        cp_how="man --warnings -l"
        man --warnings -l "$cp_page" 2>"$tmp/warnings" >/dev/null
        MANWIDTH=500 man -l "$cp_page" 2>/dev/null >"$tmp/text"
    else
        echo "man.sh: neither groff nor man is installed (apt-get install groff-base)"
        return 1
    fi
    if [ -s "$tmp/warnings" ]; then
        sed 's/^/  /' "$tmp/warnings"
        echo "$cp_page: the page does not render cleanly ($cp_how)"
        cp_bad=1
    fi
    if ! grep -q '^NAME' "$tmp/text"; then
        echo "$cp_page: the page could not be rendered as text"
        return 1
    fi
    sed 's/^ *//; s/ *$//' "$tmp/text" >"$tmp/lines"

    # 2. each command's options in its subsection of COMMANDS
    for cp_cmd in run check calibrate quote scope sweep goal; do
        subsection "$tmp/text" "cpcsim $cp_cmd " >"$tmp/sub"
        if [ ! -s "$tmp/sub" ]; then
            echo "$cp_page: no subsection 'cpcsim $cp_cmd ...' in COMMANDS"
            cp_bad=1
            continue
        fi
        for cp_opt in $(long_options "$tmp/help-$cp_cmd"); do
            if ! has_word "$tmp/sub" "$cp_opt"; then
                echo "$cp_page: cpcsim $cp_cmd $cp_opt is not in the subsection 'cpcsim $cp_cmd'"
                cp_bad=1
            fi
        done
        option_items "$tmp/help-$cp_cmd" >"$tmp/items"
        while IFS= read -r cp_item; do
            if ! has_item "$tmp/sub" "$cp_item"; then
                echo "$cp_page: cpcsim $cp_cmd has no item '$cp_item ...' in the subsection 'cpcsim $cp_cmd'"
                cp_bad=1
            fi
        done <"$tmp/items"
    done
    for cp_opt in $(long_options "$tmp/help-top"); do
        if ! has_word "$tmp/text" "$cp_opt"; then
            echo "$cp_page: cpcsim $cp_opt is not in the page"
            cp_bad=1
        fi
    done

    # 3. each report: its subsection, its header row, its metrics and keys
    for cp_file in $reports; do
        if ! grep -q -x -F -e "   $cp_file" "$tmp/text"; then
            echo "$cp_page: the report $cp_file has no subsection in REPORTS"
            cp_bad=1
        fi
        cp_head=$(head -n 1 "$tmp/out/$cp_file")
        if ! grep -q -x -F -e "$cp_head" "$tmp/lines"; then
            echo "$cp_page: the header row of $cp_file, $cp_head, is not in the page as a line of its own"
            cp_bad=1
        fi
    done
    { awk -F, 'NR > 1 { print $2 }' "$tmp/out/summary.csv"
      awk -F, 'NR > 1 { print $4 }' "$tmp/out/monthly.csv"
      awk -F, 'NR > 1 && $1 !~ /^file:/ { print $1 }' "$tmp/out/run.csv"
      awk -F, 'NR > 1 { print $1 }' "$tmp/out/quote.csv"
      awk -F, 'NR > 1 { print $2 }' "$tmp/out/quote_costs.csv"
      echo "file:"; } | sort -u >"$tmp/names"
    while IFS= read -r cp_name; do
        case $cp_name in
        *:) grep -q -F -e "$cp_name" "$tmp/text" ;;
        *) has_word "$tmp/text" "$cp_name" ;;
        esac
        if [ $? -ne 0 ]; then
            echo "$cp_page: '$cp_name', a metric or run.csv key of a fresh run, is not in the page"
            cp_bad=1
        fi
    done <"$tmp/names"
    return $cp_bad
}

if [ $self_test -eq 0 ]; then
    if check_page "$page"; then
        echo "man page: $page renders cleanly and documents every option and report"
        exit 0
    fi
    echo "man page: $page FAILED (see above)"
    exit 1
fi

# ---- self-test: a page broken in each way must fail ----

# The page as it is must pass, or the failures below would prove nothing.
if ! check_page "$page" >"$tmp/said" 2>&1; then
    cat "$tmp/said"
    echo "man.sh self-test: $page itself fails the check; fix it first"
    exit 1
fi

# mutate NAME SED-SCRIPT: a copy of the page changed by SED-SCRIPT, which
# must fail the check.
failed=0
mutate() {
    sed "$2" "$page" >"$tmp/broken.1"
    if cmp -s "$page" "$tmp/broken.1"; then
        echo "man.sh self-test: '$1' changed nothing in $page"
        failed=1
    elif check_page "$tmp/broken.1" >"$tmp/said" 2>&1; then
        echo "man.sh self-test: a page with $1 passed"
        failed=1
    fi
}
mutate "a groff warning" '$a\
.NOSUCHMACRO'
mutate "an option of run missing" 's/\\-\\-quiet/\\-\\-quite/g'
mutate "a short option unpaired" 's/^\.BR \\-s ", " \\-\\-seed/.BR \\-\\-seed/'
mutate "an option's item missing" '/^\.BR \\-\\-ledger\\-path " " \\fIK\\fR$/d'
mutate "an option of check missing" '/^\.SS "cpcsim check MODEL"/,/^\.SS/s/\\-\\-help/help/g'
mutate "a report missing" 's/^\.SS ledger_path\.csv$/.SS "the ledger of a path"/'
mutate "a report's header out of date" 's/,p90,p95,prob_plan$/,p95,prob_plan/'
mutate "a metric missing" 's/cpc_variable_final/cpc_var_final/g'
if [ $failed -ne 0 ]; then
    echo "man.sh self-test: FAILED"
    exit 1
fi
echo "man.sh self-test: 8 broken pages failed, as they must"
