#!/bin/sh
# readme.sh - the numbers the docs quote are those of a fresh run.
#
#   sh tests/readme.sh CPCSIM            check README.md's demo block and
#                                        data/README.md's quoted figures
#   sh tests/readme.sh CPCSIM --update   rewrite README.md's demo block
#
# The demo block (between the "demo begin" and "demo end" lines) is the
# terminal summary of the scenario `realistic` of `cpcsim run data/saas`,
# indented four spaces; the man page (sim/cpcsim.1) holds the same summary
# in an example (from its "realistic:" line to the example's end), with
# its hyphens escaped.  The man page also quotes the verdict of
# `cpcsim quote data/saas data/saas-contract.csv` (its "Proposed" line)
# and of `cpcsim scope data/saas --price 3950 --plan team` (its "Keep"
# line), each on a line of its own, hyphens escaped; README.md may quote
# them too, indented four spaces.  data/README.md quotes the plan's
# breakeven month and realistic's probability of cash out, in whole percent.
set -eu
cpcsim=$1
mode=${2:-check}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cpcsim" run data/saas -o "$tmp/out" -q > "$tmp/stdout"
sed -n '/^realistic:/,/Drivers of runway/p' "$tmp/stdout" | sed 's/^/    /' > "$tmp/block"
[ -s "$tmp/block" ] || { echo "readme: no summary of the scenario realistic in the demo's output"; exit 1; }
awk -v block="$tmp/block" '
    /^<!-- demo begin/ { print; while ((getline line < block) > 0) print line; skip = 1; next }
    /^<!-- demo end/ { skip = 0 }
    !skip { print }' README.md > "$tmp/README.md"
verdict=$("$cpcsim" quote data/saas data/saas-contract.csv -o "$tmp/quote" -q | grep '^Proposed ')
[ -n "$verdict" ] || { echo "readme: no verdict in the output of cpcsim quote data/saas data/saas-contract.csv"; exit 1; }
keep=$("$cpcsim" scope data/saas --price 3950 --plan team -o "$tmp/scope" -q | grep '^Keep ')
[ -n "$keep" ] || { echo "readme: no verdict in the output of cpcsim scope data/saas --price 3950 --plan team"; exit 1; }
awk -v v="    $verdict" -v k="    $keep" '/^    Proposed / { print v; next } /^    Keep / { print k; next } { print }' \
    "$tmp/README.md" > "$tmp/README.quote"
mv "$tmp/README.quote" "$tmp/README.md"
sed -n '/^realistic:/,/Drivers of runway/p' "$tmp/stdout" | sed 's/-/\\-/g' > "$tmp/manblock"
awk -v block="$tmp/manblock" '
    /^realistic: [0-9]* paths/ && !done { while ((getline line < block) > 0) print line; skip = 1; done = 1; next }
    skip && /^\.EE/ { skip = 0 }
    !skip { print }' sim/cpcsim.1 > "$tmp/cpcsim.1"
# the verdicts through the environment: awk -v would read the \- escapes
MAN_VERDICT=$(printf '%s\n' "$verdict" | sed 's/-/\\-/g') MAN_KEEP=$(printf '%s\n' "$keep" | sed 's/-/\\-/g') \
    awk '/^Proposed / { print ENVIRON["MAN_VERDICT"]; next } /^Keep / { print ENVIRON["MAN_KEEP"]; next } { print }' \
    "$tmp/cpcsim.1" > "$tmp/cpcsim.1.verdicts"
mv "$tmp/cpcsim.1.verdicts" "$tmp/cpcsim.1"
grep -q '^Proposed ' "$tmp/cpcsim.1" && grep -q '^Keep ' "$tmp/cpcsim.1" ||
    { echo "readme: sim/cpcsim.1 should quote the verdicts of quote and scope, each on a line of its own"; exit 1; }
if [ "$mode" = --update ]; then
    cp "$tmp/README.md" README.md
    cp "$tmp/cpcsim.1" sim/cpcsim.1
    echo "readme: the demo blocks of README.md and sim/cpcsim.1 and the quote and scope verdicts rewritten from a fresh run"
    exit 0
fi
for f in README.md sim/cpcsim.1; do
    if ! cmp -s "$f" "$tmp/${f##*/}"; then
        echo "readme: $f's demo block or a verdict is not what a fresh run prints (make readme rewrites it):"
        diff "$f" "$tmp/${f##*/}" || true
        exit 1
    fi
done
breakeven=$(awk -F, '$1 == "plan" && $2 == "breakeven_month" { print $3 }' "$tmp/out/summary.csv")
cashout=$(awk -F, '$1 == "realistic" && $2 == "prob_cash_out" { printf "%.0f", 100 * $4 }' "$tmp/out/summary.csv")
grep -q "breaks even in\$" data/README.md && grep -q "^  month $breakeven and never" data/README.md ||
    { echo "readme: data/README.md should say the plan breaks even in month $breakeven"; exit 1; }
grep -q "about $cashout% of the paths" data/README.md ||
    { echo "readme: data/README.md should say realistic's cash falls below the floor in about $cashout% of the paths"; exit 1; }
echo "readme: the demo block and data/README.md's figures match a fresh run"
