#!/usr/bin/env python3
"""cost_lines_add_up.py OUT: cost_lines.csv against monthly.csv of one run.

For every scenario and month, the means of the lines add up to the mean
cost of monthly.csv, and so do the means of the categories, within the
rounding of their 12 printed digits; each category's mean is the sum of
its lines'.  Every line of costs.csv has a row each month, with its kind
and category, and so does each category (line and category its name,
kind `category`); percentiles are in order.  Exits non-zero, saying why,
when any of that fails.
"""
import collections
import csv
import sys

out = sys.argv[1]
CATEGORIES = ["cogs", "rnd", "sm", "ga"]
KINDS = {"infra", "staff", "feature_build", "feature_run"}


def fail(why):
    sys.exit("cost_lines.csv: " + why)


def num(text):
    return float(text) if text != "" else None


cost = {}
months = collections.defaultdict(set)
for r in csv.DictReader(open(out + "/monthly.csv", encoding="utf-8")):
    if r["metric"] == "cost":
        cost[(r["scenario"], r["month"])] = float(r["mean"])
        months[r["scenario"]].add((r["month"], r["date"]))
lines = collections.defaultdict(list)
for r in csv.DictReader(open(out + "/costs.csv", encoding="utf-8")):
    lines[r["scenario"]].append((r["line"], r["kind"], r["category"]))

rows = list(csv.DictReader(open(out + "/cost_lines.csv", encoding="utf-8")))
if not rows or list(rows[0].keys()) != "scenario,month,date,line,kind,category,mean,p10,p50,p90".split(","):
    fail("columns")
seen = collections.defaultdict(list)
for r in rows:
    seen[(r["scenario"], r["month"], r["date"])].append(r)
    q = [num(r[k]) for k in ("p10", "p50", "p90")]
    if None not in q and not q[0] <= q[1] <= q[2]:
        fail(f"percentiles out of order: {r}")
    if r["kind"] == "category":
        if r["line"] != r["category"] or r["line"] not in CATEGORIES:
            fail(f"a category row names {r['line']!r}, category {r['category']!r}")
    elif r["kind"] not in KINDS or r["category"] not in CATEGORIES:
        fail(f"kind or category: {r}")
for scenario, ms in months.items():
    want = lines[scenario] + [(c, "category", c) for c in CATEGORIES]
    for month, date in ms:
        got = seen.pop((scenario, month, date), [])
        if [(r["line"], r["kind"], r["category"]) for r in got] != want:
            fail(f"{scenario} month {month}: rows {[(r['line'], r['kind']) for r in got]}, expected {want}")
        total = cost[(scenario, month)]
        by_line = sum(float(r["mean"]) for r in got if r["kind"] != "category")
        by_category = sum(float(r["mean"]) for r in got if r["kind"] == "category")
        # each of the N printed means is off by at most half its last digit
        slack = 1e-11 * sum(abs(float(r["mean"])) for r in got) + 1e-9
        for name, value in (("lines", by_line), ("categories", by_category)):
            if abs(value - total) > slack:
                fail(f"{scenario} month {month}: the {name} add up to {value!r}, monthly.csv's cost is {total!r}")
        for c in CATEGORIES:
            own = sum(float(r["mean"]) for r in got if r["kind"] != "category" and r["category"] == c)
            row = [float(r["mean"]) for r in got if r["kind"] == "category" and r["line"] == c][0]
            if abs(own - row) > slack:
                fail(f"{scenario} month {month}: category {c} is {row!r}, its lines add up to {own!r}")
if seen:
    fail(f"rows of no scenario and month of monthly.csv: {sorted(seen)[:3]}")
