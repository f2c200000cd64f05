#!/bin/sh
# layers.sh - the folders are layers: models/ (the domain) includes nothing
# of sim/ (the engine and its loading side) but the allocation wrapper and
# the status codes, and a header of the other folder is always included
# with its folder's name ("models/infra.h", "sim/mem.h"), never found
# through a merged include path.
#
#   sh tests/layers.sh [ROOT]       check the tree at ROOT (default: .)
#   sh tests/layers.sh --self-test  check that a tree breaking each rule fails
set -u

check() {
    root=$1
    bad=0
    for f in "$root"/models/*.[ch] "$root"/sim/*.[ch] "$root"/sim/*.inc "$root"/tests/*.[ch] \
             "$root"/tests/*/*.c; do
        [ -f "$f" ] || continue
        rel=${f#"$root"/}
        # every quoted include, with its line number
        grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r hit; do
            line=${hit%%:*}
            name=$(printf '%s\n' "$hit" | sed 's/.*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/')
            case "$rel:$name" in
            models/*:models/*|models/*:sim/mem.h|models/*:sim/status.h) ;;
            models/*:*) echo "$rel:$line: models/ may include only models/ headers, sim/mem.h and sim/status.h, not \"$name\"" ;;
            sim/*:sim/*|sim/*:models/*) ;;
            tests/*:sim/*|tests/*:models/*|tests/*:testutil.h) ;;
            *) echo "$rel:$line: include \"$name\" with its folder's name (\"sim/...\" or \"models/...\")" ;;
            esac
        done
    done > "$root/.layers.out" 2>&1
    if [ -s "$root/.layers.out" ]; then
        cat "$root/.layers.out"
        bad=1
    fi
    rm -f "$root/.layers.out"
    merged=$(grep -sn 'iquote *\(sim\|models\)\b\|-I *\(sim\|models\)\b' "$root/Makefile" "$root"/tests/*/*.sh)
    if [ -n "$merged" ]; then
        printf '%s\n' "$merged"
        echo "a build merges the folders' include paths (-iquote sim, -I models): include \"sim/x.h\" instead"
        bad=1
    fi
    return $bad
}

if [ "${1:-}" = "--self-test" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/models" "$tmp/sim" "$tmp/tests"
    printf 'all:\n' > "$tmp/Makefile"
    printf '#include "models/dist.h"\n#include "sim/mem.h"\n' > "$tmp/models/good.c"
    printf '#include "models/dist.h"\n' > "$tmp/sim/good.c"
    check "$tmp" > /dev/null || { echo "layers: self-test: a good tree was refused"; exit 1; }
    for case in 'models/a.c:#include "sim/table.h"' 'sim/b.c:#include "dist.h"' 'models/c.h:#include "diag.h"' \
                'tests/test_x.c:#include "engine.h"'; do
        file=${case%%:*}
        printf '%s\n' "${case#*:}" > "$tmp/$file"
        if check "$tmp" > /dev/null; then
            echo "layers: self-test: '${case#*:}' in $file was not caught"
            exit 1
        fi
        rm -f "$tmp/$file"
    done
    printf 'CPPFLAGS = -iquote sim\n' > "$tmp/Makefile"
    if check "$tmp" > /dev/null; then
        echo "layers: self-test: -iquote sim in the Makefile was not caught"
        exit 1
    fi
    echo "layers: self-test passed"
    exit 0
fi

if check "${1:-.}"; then
    echo "layers: models/ includes no sim/ header but mem.h and status.h; every include names its folder"
else
    exit 1
fi
