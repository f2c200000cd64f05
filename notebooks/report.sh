#!/bin/sh
# report.sh - draws the cpcsim run in OUT with report.ipynb and writes
# OUT/report.html: one self-contained page (the figures embedded as PNG, no
# script or stylesheet fetched from the network, no file beside it), written
# whole or not at all.
#
#   sh notebooks/report.sh OUT [EXECUTED]
#
# EXECUTED, when given, keeps the executed notebook there (make check reads
# the figures' records in it). CPCSIM_SAVE=DIR also saves every figure into
# DIR as a PNG (make figures). Needs Debian's jupyter-nbconvert,
# python3-ipykernel, python3-pandas and python3-matplotlib (tests/deps.sh
# notebook), run with Debian's own python, whatever python3 is first on PATH.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: sh notebooks/report.sh OUT [EXECUTED]" >&2
    exit 64
fi
if [ ! -f "$1/summary.csv" ]; then
    echo "report.sh: $1 holds no cpcsim reports (no summary.csv)" >&2
    exit 66
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$1" && pwd)
py=/usr/bin/python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpcsim-report.XXXXXX")
trap 'rm -rf "$tmp" "$out/.report.html.$$"' EXIT
trap 'exit 1' HUP INT TERM

# The kernel is Debian's (/usr/share/jupyter/kernels/python3 runs
# /usr/bin/python3), ahead of any python3 kernel in the user's folders.
export CPCSIM_OUT="$out" JUPYTER_PATH=/usr/share/jupyter PYDEVD_DISABLE_FILE_VALIDATION=1
"$py" -m nbconvert --log-level=WARN --to notebook --execute \
    --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
    --output-dir "$tmp" --output executed "$here/report.ipynb"
"$py" -m nbconvert --log-level=WARN --to html --no-input --no-prompt \
    --TemplateExporter.extra_template_basedirs="$here" --template offline \
    --output-dir "$tmp" --output report "$tmp/executed.ipynb"

if [ $# -eq 2 ]; then
    cp "$tmp/executed.ipynb" "$2"
fi
cp "$tmp/report.html" "$out/.report.html.$$"
mv -f "$out/.report.html.$$" "$out/report.html"
echo "report: $1/report.html"
