#!/bin/sh
# notebook.sh - notebooks/report.ipynb draws every figure of a real run:
# the committed notebook carries no outputs; executed (by notebooks/report.sh,
# as make report does) against a small run of the example model, no cell
# fails or writes to stderr, every figure the run calls for is there (by kind
# and scenario, as the notebook records them beside each PNG), each is a PNG
# with a title that draws data, and each absent report's section says how to
# produce it; report.html embeds every figure and fetches nothing. The run is
# real, compare.csv included, and so are the quote of the example contract and
# the scope of its team plan written into its folder (as make report does),
# which must leave the run's reports as they were; it runs with --cost-lines,
# as make report does, so that cost_lines.csv is drawn. A second copy holds
# the run alone and without cost_lines.csv, so that the sections of quote,
# scope and cost lines say how to produce them, with a real sweep of two
# inputs (a heat map a scenario); a third, a sweep of one input (a line a
# scenario). The first and third also hold a goal seek (its answer drawn),
# the second says how to produce one.
#
#   sh tests/notebook.sh [CPCSIM]       check (default ./cpcsim); keeps its
#                                       work in build/notebook/
#   sh tests/notebook.sh --self-test    check that a notebook or report broken
#                                       in each way fails (after a check)
#
# Run from the top of the checkout. Python is Debian's /usr/bin/python3.
set -u

py=/usr/bin/python3
work=build/notebook

# The checker: prints each problem and exits 1 when there is one.
#   check.py committed NOTEBOOK
#   check.py executed NOTEBOOK OUT [HTML]
write_checker() {
    cat >"$1" <<'EOF'
import base64, csv, json, re, struct, sys

PER_SCENARIO = ["cash", "customers", "cpc", "plan_costs", "cost_lines", "cpc_share"]
SINGLE = ["cash_out", "prob_plan", "cost_categories"]
# reports a run may lack, each drawn when there and said how to produce when not
OPTIONAL = ["compare.csv", "sensitivity.csv", "cost_lines.csv", "quote.csv", "quote_costs.csv", "scope.csv",
            "sweep.csv", "goal.csv"]
problems = []


def committed(path):
    nb = json.load(open(path, encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            problems.append(f"{path}: cell {i} has outputs or an execution count: commit the notebook without outputs")
    if not any("parameters" in c.get("metadata", {}).get("tags", []) and "CPCSIM_OUT" in "".join(c["source"])
               for c in nb["cells"]):
        problems.append(f"{path}: no cell tagged 'parameters' reads CPCSIM_OUT")


def png_size(data):
    raw = base64.b64decode(data)
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", raw[16:24])


def executed(path, out, html=None):
    nb = json.load(open(path, encoding="utf-8"))
    with open(f"{out}/run.csv", encoding="utf-8") as f:
        scenarios = [row[1] for row in csv.reader(f) if row and row[0] == "scenario"]
    figures, text = {}, []
    for i, cell in enumerate(nb["cells"]):
        for o in cell.get("outputs", []):
            kind = o["output_type"]
            if kind == "error":
                problems.append(f"cell {i}: {o['ename']}: {o['evalue']}")
            elif kind == "stream":
                text.append("".join(o["text"]))
                if o["name"] == "stderr":
                    problems.append(f"cell {i} wrote to stderr: {''.join(o['text']).strip()[:300]}")
            data = o.get("data", {})
            for mime in ("text/markdown", "text/plain"):
                if mime in data:
                    text.append("".join(data[mime]))
            info = o.get("metadata", {}).get("cpcsim_figure")
            if "image/png" in data and info is None:
                problems.append(f"cell {i}: a figure without its record (show it with show())")
            if info is None:
                continue
            key = (info.get("kind"), info.get("scenario"))
            if key in figures:
                problems.append(f"cell {i}: figure {key} shown twice")
            figures[key] = info
            size = png_size(data["image/png"]) if "image/png" in data else None
            if size is None:
                problems.append(f"cell {i}: figure {key} is not a PNG")
            elif min(size) < 200:
                problems.append(f"cell {i}: figure {key} is only {size[0]}x{size[1]} pixels")
            if not info.get("title", "").strip():
                problems.append(f"cell {i}: figure {key} has no title")
            if not info.get("drawn", 0) > 0:
                problems.append(f"cell {i}: figure {key} ({info.get('title')}) draws no data")
    expected = {(k, s) for k in PER_SCENARIO for s in scenarios} | {(k, None) for k in SINGLE}
    text = "\n".join(text)
    for report in OPTIONAL:
        try:
            rows = list(csv.DictReader(open(f"{out}/{report}", encoding="utf-8")))
        except FileNotFoundError:
            if f"No `{report}` in" not in text:
                problems.append(f"{report} is absent and no line says how to produce it")
            elif report == "cost_lines.csv" and not any(
                    "--cost-lines" in line for line in text.splitlines() if f"No `{report}` in" in line):
                problems.append("cost_lines.csv is absent and its line does not say to run with --cost-lines")
            continue
        if report == "compare.csv":
            expected |= {("compare", r["baseline"]) for r in rows if r["scenario"] != r["baseline"]}
        if report == "sensitivity.csv":
            expected |= {("sensitivity", r["scenario"]) for r in rows}
        if report == "sweep.csv":
            expected |= {("sweep", r["scenario"]) for r in rows}
        if report == "goal.csv" and rows:
            expected.add(("goal", None))
        if report == "cost_lines.csv":
            expected |= {("cost_lines_months", r["scenario"]) for r in rows}
        if report == "quote.csv" or report in ("quote_costs.csv", "scope.csv") and rows:
            expected.add((report.removesuffix(".csv"), None))
    for key in sorted(expected - figures.keys(), key=str):
        problems.append(f"figure {key} is missing")
    for key in sorted(figures.keys() - expected, key=str):
        problems.append(f"figure {key} is not one tests/notebook.sh expects: add it there")
    if html is not None:
        page = open(html, encoding="utf-8").read()
        fetched = re.findall(r"<script\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//|@import|url\(\s*[\"']?(?:https?:)?//"
                             r"|<(?:img|iframe|embed|object|source)\b[^>]*\b(?:src|data)\s*=\s*[\"']?(?:https?:)?//", page, re.I)
        for what in sorted(set(fetched)):
            problems.append(f"{html}: fetches from outside the page: {what}")
        embedded = len(re.findall(r"<img\b[^>]*\bsrc=\"data:image/png;base64,", page))
        if embedded != len(figures):
            problems.append(f"{html}: {embedded} embedded PNGs, {len(figures)} figures in the notebook")
    return len(figures)


if sys.argv[1] == "committed":
    committed(sys.argv[2])
    said = "the committed notebook has no outputs"
else:
    n = executed(*sys.argv[2:])
    said = f"{n} figures, each a PNG with a title that draws data"
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(said)
EOF
}

# ---- self-test: a notebook or report broken in each way must fail ----

if [ "${1:-}" = "--self-test" ]; then
    if [ ! -f "$work/out.ipynb" ] || [ ! -f "$work/out/report.html" ]; then
        echo "notebook.sh self-test: run sh tests/notebook.sh first (it leaves $work/)"
        exit 1
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpcsim-nb.XXXXXX") || exit 1
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 1' HUP INT TERM
    write_checker "$tmp/check.py"
    if ! "$py" "$tmp/check.py" executed "$work/out.ipynb" "$work/out" "$work/out/report.html" >"$tmp/said" ||
       ! "$py" "$tmp/check.py" committed notebooks/report.ipynb >>"$tmp/said"; then
        cat "$tmp/said"
        echo "notebook.sh self-test: the notebook itself fails the check; fix it first"
        exit 1
    fi
    failed=0
    count=0
    # broken NAME PYTHON: a copy of the executed notebook, report.html or
    # committed notebook changed by PYTHON (on nb, html), which must fail.
    broken() {
        count=$((count + 1))
        "$py" - "$work/out.ipynb" "$work/out/report.html" notebooks/report.ipynb "$tmp" "$2" <<'EOF' || { echo "notebook.sh self-test: could not break it with $1"; failed=1; return; }
import json, sys
nb = json.load(open(sys.argv[1]))
html = open(sys.argv[2]).read()
committed = json.load(open(sys.argv[3]))
def figure(kind):
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            if o.get("metadata", {}).get("cpcsim_figure", {}).get("kind") == kind:
                return cell, o
    raise SystemExit("no figure " + kind)
exec(sys.argv[5])
json.dump(nb, open(sys.argv[4] + "/nb.ipynb", "w"))
open(sys.argv[4] + "/report.html", "w").write(html)
json.dump(committed, open(sys.argv[4] + "/committed.ipynb", "w"))
EOF
        if "$py" "$tmp/check.py" executed "$tmp/nb.ipynb" "$work/out" "$tmp/report.html" >"$tmp/said" &&
           "$py" "$tmp/check.py" committed "$tmp/committed.ipynb" >>"$tmp/said"; then
            echo "notebook.sh self-test: a notebook with $1 passed"
            failed=1
        fi
    }
    broken "a figure missing" 'cell, o = figure("cash_out"); cell["outputs"].remove(o)'
    broken "a figure that draws nothing" 'figure("cpc")[1]["metadata"]["cpcsim_figure"]["drawn"] = 0'
    broken "a figure without a title" 'figure("customers")[1]["metadata"]["cpcsim_figure"]["title"] = ""'
    broken "a figure that is not a PNG" 'figure("cost_lines")[1]["data"]["image/png"] = "R0lGODlhAQABAAAAACw="'
    broken "a figure without its record" 'del figure("cpc_share")[1]["metadata"]["cpcsim_figure"]'
    broken "a cell that failed" '[c for c in nb["cells"] if c["cell_type"] == "code"][2]["outputs"].append({"output_type": "error", "ename": "KeyError", "evalue": "cash", "traceback": []})'
    broken "a warning on stderr" '[c for c in nb["cells"] if c["cell_type"] == "code"][2]["outputs"].append({"output_type": "stream", "name": "stderr", "text": "FutureWarning"})'
    broken "a skip line missing" '
for cell in nb["cells"]:
    cell["outputs"] = [o for o in cell.get("outputs", []) if "No `sweep.csv`" not in "".join(o.get("data", {}).get("text/markdown", ""))]'
    broken "the scenario comparison missing" 'cell, o = figure("compare"); cell["outputs"].remove(o)'
    broken "the cost lines by month missing" 'cell, o = figure("cost_lines_months"); cell["outputs"].remove(o)'
    broken "cost lines by month that draw nothing" 'figure("cost_lines_months")[1]["metadata"]["cpcsim_figure"]["drawn"] = 0'
    broken "a quote figure that draws nothing" 'figure("quote")[1]["metadata"]["cpcsim_figure"]["drawn"] = 0'
    broken "the quote's cost figure missing" 'cell, o = figure("quote_costs"); cell["outputs"].remove(o)'
    broken "the goal figure missing" 'cell, o = figure("goal"); cell["outputs"].remove(o)'
    broken "a scope figure without a title" 'figure("scope")[1]["metadata"]["cpcsim_figure"]["title"] = ""'
    broken "a script fetched from a CDN" 'html = html.replace("</head>", "<script src=\"https://cdn.example/require.js\"></script></head>")'
    broken "a stylesheet fetched" 'html = html.replace("</head>", "<link rel=\"stylesheet\" href=\"//fonts.example/x.css\"></head>")'
    broken "a figure not embedded" 'html = html.replace("<img src=\"data:image/png;base64,", "<img src=\"cash.png\" data-x=\"", 1)'
    broken "outputs committed" 'committed["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]'
    # the copy without cost_lines.csv, whose skip line does not name --cost-lines
    count=$((count + 1))
    sed '/No `cost_lines.csv` in/s/--cost-lines/--lines/g' "$work/more.ipynb" > "$tmp/more.ipynb"
    if "$py" "$tmp/check.py" executed "$tmp/more.ipynb" "$work/more" "$work/more/report.html" >"$tmp/said" ||
       ! grep -q "does not say to run with --cost-lines" "$tmp/said"; then
        echo "notebook.sh self-test: a skip line of cost_lines.csv without --cost-lines passed"
        failed=1
    fi
    # and end to end: a run whose cash percentiles and plan are all empty for
    # one scenario, and whose quote and scope have no figures, must give an
    # empty cash fan chart, quote chart and scope chart, which must fail
    count=$((count + 1))
    cp -R "$work/out" "$tmp/empty"
    rm -f "$tmp/empty/report.html"
    "$py" - "$tmp/empty/monthly.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head = rows[0]
blank = [head.index(c) for c in ("plan", "mean", "sd", "p5", "p10", "p25", "p50", "p75", "p90", "p95")]
scenario = rows[1][0]
for r in rows[1:]:
    if r[0] == scenario and r[3] == "cash":
        for i in blank:
            r[i] = ""
csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n").writerows(rows)
for name, text in (("quote.csv", ["metric"]), ("scope.csv", ["feature", "must_have", "kept"])):
    path = sys.argv[1].replace("monthly.csv", name)
    rows = list(csv.reader(open(path, newline="")))
    for r in rows[1:]:
        r[:] = [v if rows[0][i] in text else "" for i, v in enumerate(r)]
    csv.writer(open(path, "w", newline=""), lineterminator="\n").writerows(rows)
EOF
    if sh notebooks/report.sh "$tmp/empty" "$tmp/empty.ipynb" >"$tmp/said" 2>&1 &&
       "$py" "$tmp/check.py" executed "$tmp/empty.ipynb" "$tmp/empty" >"$tmp/said" 2>&1; then
        echo "notebook.sh self-test: a run with no cash, quote or scope figures passed"
        failed=1
    else
        for kind in "'cash', '[^']*'" "'quote', None" "'scope', None"; do
            if ! grep -q "figure ($kind) .*draws no data" "$tmp/said"; then
                cat "$tmp/said"
                echo "notebook.sh self-test: a run with no cash, quote or scope figures failed, but not for its empty chart ($kind)"
                failed=1
            fi
        done
    fi
    if [ $failed -ne 0 ]; then
        echo "notebook.sh self-test: FAILED"
        exit 1
    fi
    echo "notebook.sh self-test: $count broken notebooks and reports failed, as they must"
    exit 0
fi

# ---- check ----

cpcsim=${1:-./cpcsim}
for need in "$py" /usr/share/jupyter/kernels/python3/kernel.json; do
    if [ ! -e "$need" ]; then
        echo "notebook.sh: $need is missing (sh tests/deps.sh notebook installs what the notebook needs)"
        exit 1
    fi
done
rm -rf "$work"
mkdir -p "$work"
write_checker "$work/check.py"
bad=0

"$py" "$work/check.py" committed notebooks/report.ipynb || bad=1

if ! "$cpcsim" run data/saas -n 400 --cost-lines -o "$work/out" -q >/dev/null; then
    echo "notebook.sh: $cpcsim run data/saas -n 400 --cost-lines failed"
    exit 1
fi
if [ ! -f "$work/out/compare.csv" ]; then
    echo "notebook.sh: $cpcsim run wrote no compare.csv"
    exit 1
fi
cp -R "$work/out" "$work/more"
cp -R "$work/out" "$work/line"
# The example contract quoted and the team plan scoped into the run's folder,
# as make report does; the run's own reports must stay as they were.
if ! "$cpcsim" quote data/saas data/saas-contract.csv -n 400 -o "$work/out" -q >/dev/null; then
    echo "notebook.sh: $cpcsim quote data/saas data/saas-contract.csv -n 400 failed"
    exit 1
fi
if ! "$cpcsim" scope data/saas --price 3950 --plan team -n 400 -o "$work/out" -q >/dev/null; then
    echo "notebook.sh: $cpcsim scope data/saas --price 3950 --plan team -n 400 failed"
    exit 1
fi
for f in "$work/more"/*.csv; do
    if ! cmp -s "$f" "$work/out/${f##*/}"; then
        echo "notebook.sh: quote or scope written into the run's folder changed its ${f##*/}"
        bad=1
    fi
done
# The copy as a run without --cost-lines: the section of cost_lines.csv
# says to run with it.
rm -f "$work/more/cost_lines.csv"
# A real sweep of two inputs beside the run alone (a heat map a scenario),
# and of one input in a third copy (a line a scenario).
if ! "$cpcsim" sweep data/saas --vary scenarios.csv:realistic:growth=0%..6%/4 --vary company.csv:cash=3e6,5e6 \
        --scenario realistic --scenario downside -n 200 -o "$work/more" -q >/dev/null ||
   ! "$cpcsim" sweep data/saas --vary 'plans.csv:team:price=500,800,uniform(700, 900)' -n 200 -o "$work/line" -q \
        >/dev/null; then
    echo "notebook.sh: $cpcsim sweep data/saas -n 200 failed"
    exit 1
fi
# A goal seek in the run's folder, as make report does (the answer alone:
# no sweep there): the cash that makes prob_cash_out 10%; and beside the
# sweep of the price whose values are not all numbers, the price that makes
# P50 gross_margin_final 70%.
if ! "$cpcsim" goal data/saas --vary company.csv:cash --target prob_cash_out=10% --scenario realistic -n 200 \
        -o "$work/out" -q >/dev/null ||
   ! "$cpcsim" goal data/saas --vary plans.csv:team:price --target p50:gross_margin_final=70% -n 200 \
        -o "$work/line" -q >/dev/null; then
    echo "notebook.sh: $cpcsim goal data/saas -n 200 failed"
    exit 1
fi

for run in out more line; do
    if ! sh notebooks/report.sh "$work/$run" "$work/$run.ipynb" >"$work/$run.log" 2>&1; then
        cat "$work/$run.log"
        echo "notebook.sh: executing notebooks/report.ipynb on $work/$run failed"
        bad=1
        continue
    fi
    stray=$(cd "$work/$run" && ls -A | grep -v '\.csv$' | grep -vx 'report.html')
    if [ -n "$stray" ]; then
        echo "notebook.sh: files beside report.html in $work/$run: $stray"
        bad=1
    fi
    printf '%s: ' "$work/$run"
    "$py" "$work/check.py" executed "$work/$run.ipynb" "$work/$run" "$work/$run/report.html" || bad=1
done

if [ $bad -ne 0 ]; then
    echo "notebook: 0 passed, 1 failed"
    exit 1
fi
echo "notebook: 1 passed, 0 failed"
