#!/bin/sh
# Regenerates the derived seeds of tests/fuzz/corpus/ from the checkout:
#   table/  every CSV of data/saas and of tests/cli/cases/*/model (as saas-*, cli-*)
#   model/  data/saas and every tests/cli/cases/*/model joined into one input
#           (files in fuzz_model.c's order, separated by "\n=====\n", a
#           missing file written as the part "!absent")
# Hand-written seeds (tricky-*, tiny-*, broken-*, the value strings) and
# regression seeds (crash-*) are kept as they are.  Files over 64 KiB are
# skipped so the corpus stays small.  Run from anywhere: sh tests/fuzz/make_corpus.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus="$root/tests/fuzz/corpus"
mkdir -p "$corpus/table" "$corpus/value" "$corpus/model"
rm -f "$corpus"/table/saas-* "$corpus"/table/cli-* "$corpus"/model/saas "$corpus"/model/cli-*
files="company.csv plans.csv scenarios.csv infra.csv staff.csv features.csv pipeline.csv funding.csv correlations.csv"
max=65536

# join_model FOLDER OUT: writes the model folder as one fuzz_model input.
join_model() {
    dir=$1 out=$2
    last=0 i=0
    for f in $files; do
        i=$((i + 1))
        [ -f "$dir/$f" ] && last=$i
    done
    [ "$last" -gt 0 ] || return 0
    : > "$out"
    i=0
    for f in $files; do
        i=$((i + 1))
        [ "$i" -le "$last" ] || break
        [ "$i" -eq 1 ] || printf '\n=====\n' >> "$out"
        if [ -f "$dir/$f" ] && [ "$(wc -c < "$dir/$f")" -le "$max" ]; then
            cat "$dir/$f" >> "$out"
        else
            printf '!absent' >> "$out"
        fi
    done
}

for f in "$root"/data/saas/*.csv; do
    cp "$f" "$corpus/table/saas-$(basename "$f")"
done
join_model "$root/data/saas" "$corpus/model/saas"

for m in "$root"/tests/cli/cases/*/model; do
    [ -d "$m" ] || continue
    case=$(basename "$(dirname "$m")")
    for f in "$m"/*.csv; do
        [ -f "$f" ] && [ "$(wc -c < "$f")" -le "$max" ] || continue
        cp "$f" "$corpus/table/cli-$case-$(basename "$f")"
    done
    join_model "$m" "$corpus/model/cli-$case"
done

# Identical files add nothing: keep one of each.
for d in table model; do
    ls "$corpus/$d" | sort | while read -r f; do
        [ -f "$corpus/$d/$f" ] || continue
        sum=$(cksum < "$corpus/$d/$f")
        echo "$sum $f"
    done | sort -s -k1,2 | awk 'seen[$1" "$2]++ { print $3 }' | while read -r dup; do
        case $dup in crash-*|tricky-*|tiny-*|broken-*) ;; *) rm -f "$corpus/$d/$dup" ;; esac
    done
done
echo "corpus: $(ls "$corpus/table" | wc -l) table, $(ls "$corpus/value" | wc -l) value, $(ls "$corpus/model" | wc -l) model seeds, $(du -sk "$corpus" | cut -f1) KiB"
