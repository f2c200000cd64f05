#!/usr/bin/env python3
"""agree.py - cross-checks cpcsim against the independent numpy peer.

    python3 tests/bench/agree.py [CPCSIM] [-n PATHS] [--model DIR] [--all]
                                 [--monthly] [--plan] [-z Z] [--z-monthly Z]

Runs `CPCSIM run MODEL -n PATHS -s 1 --quiet -o TMP` and `peer.py MODEL
--paths PATHS`, and checks, per scenario, that the two means of each metric
agree within Z (default 4) combined standard errors,
se = sqrt(sd1^2/n1 + sd2^2/n2).  cpcsim's figures come from summary.csv.

By default the metrics are customers_final, revenue_final, cost_final,
cash_final and prob_cash_out; --all adds every other summary metric the peer
computes (runway, breakeven, default alive, min cash, funding need,
headcount, cost per customer, gross margin).  --monthly also compares every
metric of monthly.csv, and runway.csv's prob_cash_out, month by month (at
--z-monthly, default 5, since that is some 2,700 comparisons): final-month
figures alone miss faults that only show while the company changes, such as
a feature's run cost starting a month early.  Prints a table (for monthly
figures, only the disagreements); exits 1 when any figure disagrees, 2 when
a program fails.

Beside the paths, both programs evaluate the plan (every value at its mean,
expected flows): --plan also checks that the two plan figures are equal
(within a relative 1e-6), in summary.csv and, with --monthly, monthly.csv.

The peer needs numpy: it is run with $PYTHON, else this interpreter when it
has numpy, else /usr/bin/python3 (where Debian's python3-numpy lives).
"""
import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORE = ("customers_final", "revenue_final", "cost_final", "cash_final", "prob_cash_out")
EXTRA = ("runway_months", "breakeven_month", "default_alive", "min_cash", "funding_need",
         "headcount_final", "cpc_final", "cpc_variable_final", "cpc_horizon", "gross_margin_final")


def python_with_numpy():
    candidates = [os.environ.get("PYTHON"), sys.executable, "/usr/bin/python3", "python3"]
    for py in candidates:
        if not py:
            continue
        try:
            r = subprocess.run([py, "-c", "import numpy"], capture_output=True)
        except OSError:
            continue
        if r.returncode == 0:
            return py
    sys.exit("agree.py: no python3 with numpy found (install python3-numpy or set PYTHON)")


def num(text):
    return float(text) if text not in ("", None) else float("nan")


def compare(one, two, tol):
    """(agrees, diff, se, z) for two (mean, sd, n) estimates of one mean."""
    (m1, sd1, n1), (m2, sd2, n2) = one, two
    if math.isnan(m1) or math.isnan(m2):
        return math.isnan(m1) and math.isnan(m2), float("nan"), float("nan"), 0.0
    sd1 = 0.0 if math.isnan(sd1) else sd1
    sd2 = 0.0 if math.isnan(sd2) else sd2
    se = math.sqrt(sd1 ** 2 / max(n1, 1) + sd2 ** 2 / max(n2, 1))
    # a floor for figures that are (nearly) constant, such as the headcount of month 1
    se = max(se, 1e-9 * max(1.0, abs(m1), abs(m2)))
    diff = m1 - m2
    z = diff / se
    return abs(z) <= tol, diff, se, z


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cpcsim", nargs="?", default=os.path.join(HERE, "..", "..", "cpcsim"))
    ap.add_argument("--model", default=os.path.join(HERE, "model"))
    ap.add_argument("-n", "--paths", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1, help="cpcsim's seed (default 1)")
    ap.add_argument("--peer-seed", type=int, default=12345)
    ap.add_argument("-z", type=float, default=4.0, help="tolerance in combined standard errors")
    ap.add_argument("--all", action="store_true", help="check every summary metric, not only the core five")
    ap.add_argument("--monthly", action="store_true", help="also check monthly.csv and runway.csv month by month")
    ap.add_argument("--plan", action="store_true", help="also check the deterministic plan figures")
    ap.add_argument("--z-monthly", type=float, default=5.0, help="tolerance for monthly figures")
    ap.add_argument("--peer", default=os.path.join(HERE, "peer.py"), help=argparse.SUPPRESS)
    ap.add_argument("-j", "--threads", type=int, default=0, help="cpcsim threads (default: all cores)")
    a = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="cpcsim-agree-")
    try:
        out = os.path.join(tmp, "out")
        cmd = [a.cpcsim, "run", a.model, "-n", str(a.paths), "-s", str(a.seed), "--quiet", "-o", out]
        if a.threads:
            cmd += ["-j", str(a.threads)]
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        t_c = time.perf_counter() - t0
        if r.returncode:
            print(f"agree.py: {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}", file=sys.stderr)
            return 2
        peer_csv = os.path.join(tmp, "peer.csv")
        pcmd = [python_with_numpy(), a.peer, a.model, "--paths", str(a.paths),
                "--seed", str(a.peer_seed), "--out", peer_csv, "--plan"]
        peer_monthly = os.path.join(tmp, "peer-monthly.csv")
        if a.monthly:
            pcmd += ["--monthly", peer_monthly]
        t0 = time.perf_counter()
        r = subprocess.run(pcmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        t_p = time.perf_counter() - t0
        if r.returncode:
            print(f"agree.py: {' '.join(pcmd)} failed ({r.returncode}):\n{r.stderr}", file=sys.stderr)
            return 2

        mine, plan_mine, plan_peer = {}, {}, {}
        with open(os.path.join(out, "summary.csv"), newline="") as f:
            for row in csv.DictReader(f):
                mine[(row["scenario"], row["metric"])] = (num(row["mean"]), num(row["sd"]), a.paths)
                plan_mine[(row["scenario"], row["metric"])] = num(row["plan"])
        peer = {}
        scenarios = []
        with open(peer_csv, newline="") as f:
            for row in csv.DictReader(f):
                if row["scenario"] not in scenarios:
                    scenarios.append(row["scenario"])
                peer[(row["scenario"], row["metric"])] = (num(row["mean"]), num(row["sd"]), int(row["n"]))
                plan_peer[(row["scenario"], row["metric"])] = num(row["plan"])
        with open(os.path.join(out, "runway.csv"), newline="") as f:
            H = max((int(row["month"]) for row in csv.DictReader(f)), default=0)  # the horizon
        mine_m, peer_m = {}, {}
        if a.monthly:
            with open(os.path.join(out, "monthly.csv"), newline="") as f:
                for row in csv.DictReader(f):
                    mine_m[(row["scenario"], int(row["month"]), row["metric"])] = (
                        num(row["mean"]), num(row["sd"]), int(row["n"]))
                    plan_mine[(row["scenario"], int(row["month"]), row["metric"])] = num(row["plan"])
            with open(os.path.join(out, "runway.csv"), newline="") as f:
                for row in csv.DictReader(f):
                    p = num(row["prob_cash_out"])
                    mine_m[(row["scenario"], int(row["month"]), "prob_cash_out")] = (
                        p, math.sqrt(max(0.0, p * (1 - p)) * a.paths / max(1, a.paths - 1)), a.paths)
            with open(peer_monthly, newline="") as f:
                for row in csv.DictReader(f):
                    peer_m[(row["scenario"], int(row["month"]), row["metric"])] = (
                        num(row["mean"]), num(row["sd"]), int(row["n"]))
                    if row["metric"] != "prob_cash_out":  # runway.csv has no plan column
                        plan_peer[(row["scenario"], int(row["month"]), row["metric"])] = num(row["plan"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    metrics = CORE + (EXTRA if a.all else ())
    print(f"cpcsim {a.paths} paths (seed {a.seed}) in {t_c:.1f} s; peer {a.paths} paths "
          f"(seed {a.peer_seed}) in {t_p:.1f} s; tolerance {a.z:g} se")
    head = f"{'scenario':<10} {'metric':<20} {'cpcsim':>16} {'peer':>16} {'diff':>13} {'se':>12} {'z':>7}  ok"
    print(head)
    print("-" * len(head))
    bad = 0
    for s in scenarios:
        for metric in metrics:
            if (s, metric) not in mine or (s, metric) not in peer:
                print(f"{s:<10} {metric:<20} {'missing':>16}")
                bad += 1
                continue
            ok, diff, se, z = compare(mine[(s, metric)], peer[(s, metric)], a.z)
            bad += not ok
            m1, m2 = mine[(s, metric)][0], peer[(s, metric)][0]
            print(f"{s:<10} {metric:<20} {m1:>16.6g} {m2:>16.6g} {diff:>13.4g} {se:>12.4g} {z:>7.2f}  "
                  f"{'ok' if ok else 'DISAGREE'}")
    if a.monthly:
        checked = mbad = 0
        worst = (0.0, None)
        for key in sorted(peer_m):
            if key not in mine_m:
                print(f"monthly {key}: missing from cpcsim's reports")
                mbad += 1
                continue
            ok, diff, se, z = compare(mine_m[key], peer_m[key], a.z_monthly)
            checked += 1
            if abs(z) > abs(worst[0]):
                worst = (z, key)
            if not ok:
                mbad += 1
                s, m, metric = key
                print(f"{s:<10} {metric + ' m' + str(m):<20} {mine_m[key][0]:>16.6g} {peer_m[key][0]:>16.6g} "
                      f"{diff:>13.4g} {se:>12.4g} {z:>7.2f}  DISAGREE")
        print(f"monthly: {checked} figures compared at {a.z_monthly:g} se, {mbad} disagree; largest |z| "
              f"{abs(worst[0]):.2f} ({' '.join(map(str, worst[1])) if worst[1] else '-'})")
        bad += mbad
    if a.plan:
        checked = pbad = 0
        for key in plan_peer:
            if len(key) == 2 and key[1] not in metrics:
                continue
            if key not in plan_mine:
                print(f"plan {key}: missing from cpcsim's reports")
                pbad += 1
                continue
            mv, pv = plan_mine[key], plan_peer[key]
            if math.isnan(mv) and key[-1] in ("runway_months", "breakeven_month"):
                mv = float(H + 1)  # beyond the horizon: left empty by cpcsim, H + 1 in the peer
            checked += 1
            same = (math.isnan(mv) and math.isnan(pv)) or abs(mv - pv) <= 1e-6 * max(1.0, abs(mv), abs(pv))
            if not same:
                pbad += 1
                print(f"plan {' '.join(map(str, key))}: cpcsim {mv:.10g}, peer {pv:.10g}  DISAGREE")
        print(f"plan: {checked} figures compared (relative 1e-6), {pbad} disagree")
        bad += pbad
    print("all agree" if not bad else f"{bad} disagreement(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
