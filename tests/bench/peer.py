#!/usr/bin/env python3
"""peer.py - an independent, vectorised numpy implementation of cpcsim's
monthly model (SPEC.md, "The monthly model"), used to cross-check cpcsim.

It shares no code with cpcsim: it has its own reader for the model folder
(python's csv module) and its own reading of the value language, and it draws
with numpy's Generator.  Its random numbers are not cpcsim's, so the two agree
in distribution only: compare means within their standard errors (agree.py).

    python3 tests/bench/peer.py MODEL --paths N --seed S [--out FILE.csv]
        [--plan] [--monthly FILE.csv] [--chunk PATHS] [--time]

writes, per scenario, the mean, standard deviation and number of defined
paths of the summary metrics (SPEC.md's summary.csv metrics), as CSV
`scenario,metric,mean,sd,n`; --plan adds a `plan` column after `metric` (the
deterministic figure of "The plan"); --monthly writes the monthly.csv metrics
and runway.csv's prob_cash_out month by month, as
`scenario,month,metric,plan,mean,sd,n`.

Everything is vectorised over paths: per month the state is an array of
shape [paths] or [plans, paths]; there is no Python loop over paths.  Paths
are simulated --chunk at a time (default 25000) to bound memory.  Draws that
do not depend on the scenario (prices, costs, salaries, funding) are shared
by the scenarios of a path, as cpcsim does; the scenarios' own cells, the
arrivals, churn and deals are drawn per scenario.

Readings of the spec this peer makes (where the spec leaves room):
  - pert(min, mode, max) is a beta on [min, max] with alpha = 1 + 4 (mode -
    min) / (max - min), beta = 1 + 4 (max - mode) / (max - min) (lambda 4);
  - "A to B" with A > 0 is lognormal for every field, growth included; only
    A <= 0 < B on a may-be-negative field is normal;
  - a drawn growth below -100% is taken as -100% (the arrival rate is never
    negative); the spec is silent;
  - the deals' slip is geometric with P(S >= k) = slip^k, so a deal_slip of
    1 means the deal never closes;
  - a feature's build cost is priced at its role's rate whether or not that
    role is staffed that month; a feature with build_months 0 has no build
    cost and runs from its `from` month;
  - the multinomial split of arrivals is drawn as a chain of binomials,
    which is the same distribution;
  - ceilings (steps, heads) ignore rounding noise a billionth below a whole
    number, which only matters for the plan's fractional customers.
Needs python3 and numpy only (Debian: python3-numpy).
"""
import argparse
import csv
import math
import os
import re
import sys
import time

try:
    import numpy as np
except ImportError:  # say, a pyenv python3 first on PATH: use the system one, with python3-numpy
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and \
            os.access("/usr/bin/python3", os.X_OK):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit("peer.py: needs numpy (Debian: apt-get install python3-numpy)")

Z95 = 1.6448536269514722  # 95th percentile of the standard normal

NONNEG, ANY, RATE = "nonneg", "any", "rate"


class ModelError(Exception):
    pass


# ---------------------------------------------------------------- values

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")
_CALL = re.compile(r"^([A-Za-z_]+)\s*\((.*)\)$", re.S)
_TO = re.compile(r"\s+to\s+", re.I)
_NPARAMS = {"normal": 2, "lognormal": 2, "uniform": 2, "triangular": 3, "pert": 3, "beta": 2}


def parse_number(text, where):
    t = text.strip()
    if not _NUMBER.match(t):
        raise ModelError(f"{where}: expected a number, got {text!r}")
    if t.endswith("%"):
        return float(t[:-1]) / 100.0
    return float(t)


class Dist:
    """One cell: a constant or a distribution, with the range of its field."""

    def __init__(self, kind, params, rng_range):
        self.kind = kind
        self.p = params
        self.range = rng_range

    @property
    def uncertain(self):
        return self.kind != "const"

    def draw(self, rng, n):
        """n draws (one per path), clamped to the field's range.  With rng
        None, the plan's figure: the mean as written, not clamped."""
        k, p = self.kind, self.p
        if rng is None:
            return np.full(n, float(self.mean()))
        if k == "const":
            x = np.full(n, p[0], dtype=float)
        elif k == "normal":
            x = rng.normal(p[0], p[1], n)
        elif k == "lognormal":
            x = rng.lognormal(p[0], p[1], n)
        elif k == "uniform":
            x = rng.uniform(p[0], p[1], n)
        elif k == "triangular":
            x = rng.triangular(p[0], p[1], p[2], n)
        elif k == "pert":
            lo, mode, hi = p
            w = hi - lo
            a = 1 + 4 * (mode - lo) / w
            b = 1 + 4 * (hi - mode) / w
            x = lo + w * rng.beta(a, b, n)
        elif k == "beta":
            x = rng.beta(p[0], p[1], n)
        else:  # pragma: no cover
            raise AssertionError(k)
        if self.range == NONNEG:
            x = np.maximum(x, 0.0)
        elif self.range == RATE:
            x = np.clip(x, 0.0, 1.0)
        return x

    def mean(self):
        k, p = self.kind, self.p
        return {
            "const": lambda: p[0],
            "normal": lambda: p[0],
            "lognormal": lambda: math.exp(p[0] + p[1] ** 2 / 2),
            "uniform": lambda: (p[0] + p[1]) / 2,
            "triangular": lambda: sum(p) / 3,
            "pert": lambda: (p[0] + 4 * p[1] + p[2]) / 6,
            "beta": lambda: p[0] / (p[0] + p[1]),
        }[k]()


def parse_value(text, rng_range, where, uncertain=True):
    t = text.strip()
    if _NUMBER.match(t):
        return Dist("const", (parse_number(t, where),), rng_range)
    if not uncertain:
        raise ModelError(f"{where}: expected a plain number, got {text!r}")
    parts = _TO.split(t)
    if len(parts) == 2:
        a = parse_number(parts[0], where)
        b = parse_number(parts[1], where)
        if not a < b:
            raise ModelError(f"{where}: in {text!r} the low end must be below the high end")
        if a > 0:
            mu = (math.log(a) + math.log(b)) / 2
            sigma = (math.log(b) - math.log(a)) / (2 * Z95)
            return Dist("lognormal", (mu, sigma), rng_range)
        if rng_range != ANY:
            raise ModelError(f"{where}: {text!r}: a field that cannot be negative needs A > 0 "
                             "(write uniform() or triangular())")
        return Dist("normal", ((a + b) / 2, (b - a) / (2 * Z95)), rng_range)
    m = _CALL.match(t)
    if not m:
        raise ModelError(f"{where}: expected a number or a distribution, got {text!r}")
    name = m.group(1).lower()
    if name not in _NPARAMS:
        raise ModelError(f"{where}: unknown distribution {name!r}")
    args = [s for s in m.group(2).split(",")]
    if len(args) != _NPARAMS[name]:
        raise ModelError(f"{where}: {name} takes {_NPARAMS[name]} parameters, got {text!r}")
    p = tuple(parse_number(s, where) for s in args)
    ok = {
        "normal": lambda: p[1] > 0,
        "lognormal": lambda: p[1] > 0,
        "uniform": lambda: p[0] < p[1],
        "triangular": lambda: p[0] <= p[1] <= p[2] and p[0] < p[2],
        "pert": lambda: p[0] <= p[1] <= p[2] and p[0] < p[2],
        "beta": lambda: p[0] > 0 and p[1] > 0,
    }[name]()
    if not ok:
        raise ModelError(f"{where}: bad parameters in {text!r}")
    return Dist(name, p, rng_range)


# ---------------------------------------------------------------- the folder

def read_table(folder, name, known, required=(), needed=True):
    """Rows of MODEL/name as dicts keyed by lower-case column name; empty
    cells left out (they take the default).  None when an optional file is
    absent."""
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        if needed:
            raise ModelError(f"{path}: missing")
        return None
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, strict=True))
    if not rows:
        raise ModelError(f"{path}: empty")
    header = [h.strip().lower() for h in rows[0]]
    for h in header:
        if h not in known:
            raise ModelError(f"{path}: unknown column {h!r}; known: {', '.join(known)}")
    for r in required:
        if r not in header:
            raise ModelError(f"{path}: missing column {r!r}")
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ModelError(f"{path}:{i}: {len(row)} fields, expected {len(header)}")
        d = {"_where": f"{path}:{i}"}
        for h, c in zip(header, row):
            if c.strip():
                d[h] = c.strip()
        for r in required:
            if r not in d:
                raise ModelError(f"{path}:{i}: {r} is required")
        out.append(d)
    return out


class Model:
    def __init__(self, folder):
        self.folder = folder
        co = read_table(folder, "company.csv", ("setting", "value"), ("setting", "value"))
        settings = {r["setting"].lower(): r.get("value", "") for r in co}
        self.cash = parse_number(settings["cash"], "company.csv cash")
        sy, sm = settings["start"].split("-")
        self.start = (int(sy), int(sm))
        self.H = int(parse_number(settings.get("months", "36"), "company.csv months"))
        self.min_cash = parse_number(settings.get("min_cash", "0"), "company.csv min_cash")
        self._plans(folder)
        self._scenarios(folder)
        self._infra(folder)
        self._staff(folder)
        self._features(folder)
        self._pipeline(folder)
        self._funding(folder)

    def month(self, text, where):
        t = text.strip()
        m = re.fullmatch(r"(\d{4})-(\d{2})", t)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12:
                raise ModelError(f"{where}: bad month {text!r}")
            return (y - self.start[0]) * 12 + (mo - self.start[1]) + 1
        if re.fullmatch(r"\d+", t) and 1 <= int(t) <= self.H:
            return int(t)
        raise ModelError(f"{where}: expected YYYY-MM or an index 1..{self.H}, got {text!r}")

    def _plans(self, folder):
        rows = read_table(folder, "plans.csv", ("plan", "price", "customers", "mix"), ("plan", "price"))
        self.plans = [r["plan"] for r in rows]
        self.price = [parse_value(r["price"], NONNEG, r["_where"]) for r in rows]
        self.c0 = np.array([int(parse_number(r.get("customers", "0"), r["_where"])) for r in rows],
                           dtype=np.int64)
        given = [("mix" in r) for r in rows]
        if any(given) and not all(given):
            raise ModelError("plans.csv: give a mix for every plan or for none")
        if all(given):
            mix = np.array([parse_number(r["mix"], r["_where"]) for r in rows])
        else:
            mix = np.ones(len(rows))
        self.mix = mix / mix.sum()

    def _scenarios(self, folder):
        cols = ("scenario", "new_customers", "growth", "churn", "deal_slip", "deal_loss")
        rows = read_table(folder, "scenarios.csv", cols, ("scenario", "new_customers"))
        self.scenarios = []
        for r in rows:
            w = r["_where"]
            self.scenarios.append({
                "name": r["scenario"],
                "new_customers": parse_value(r["new_customers"], NONNEG, w),
                "growth": parse_value(r.get("growth", "0"), ANY, w),
                "churn": parse_value(r.get("churn", "0"), RATE, w),
                "deal_slip": parse_value(r.get("deal_slip", "0"), RATE, w),
                "deal_loss": parse_value(r.get("deal_loss", "0"), RATE, w),
            })

    def _span(self, r):
        w = r["_where"]
        lo = max(1, self.month(r["from"], w)) if "from" in r else 1
        hi = self.month(r["to"], w) if "to" in r else self.H
        return lo, hi

    def _infra(self, folder):
        cols = ("item", "driver", "cost", "step", "category", "from", "to", "escalation")
        rows = read_table(folder, "infra.csv", cols, ("item", "cost"))
        self.infra = []
        for r in rows:
            w = r["_where"]
            lo, hi = self._span(r)
            driver = r.get("driver", "fixed").lower()
            if driver not in ("fixed", "per_customer", "step"):
                raise ModelError(f"{w}: bad driver {driver!r}")
            step = parse_number(r["step"], w) if "step" in r else None
            if driver == "step" and not (step and step > 0):
                raise ModelError(f"{w}: a step line needs step > 0")
            self.infra.append({
                "item": r["item"], "driver": driver, "step": step,
                "cost": parse_value(r["cost"], NONNEG, w),
                "escalation": parse_value(r.get("escalation", "0"), ANY, w),
                "category": r.get("category", "cogs").lower(), "from": lo, "to": hi,
            })

    def _staff(self, folder):
        cols = ("role", "headcount", "per_customers", "lag", "salary", "overhead", "raise", "category",
                "from", "to")
        rows = read_table(folder, "staff.csv", cols, ("role", "salary"))
        self.roles = []
        for r in rows:
            w = r["_where"]
            lo, hi = self._span(r)
            self.roles.append({
                "role": r["role"],
                "headcount": parse_number(r.get("headcount", "0"), w),
                "per_customers": parse_number(r["per_customers"], w) if "per_customers" in r else None,
                "lag": int(parse_number(r.get("lag", "0"), w)),
                "salary": parse_value(r["salary"], NONNEG, w),
                "overhead": parse_value(r.get("overhead", "1"), NONNEG, w),
                "raise": parse_value(r.get("raise", "0"), ANY, w),
                "category": r.get("category", "rnd").lower(), "from": lo, "to": hi,
            })
        self.role_index = {r["role"]: i for i, r in enumerate(self.roles)}

    def _features(self, folder):
        cols = ("feature", "plans", "effort", "role", "from", "build_months", "run_cost",
                "run_cost_per_customer", "must_have")
        rows = read_table(folder, "features.csv", cols, ("feature",), needed=False) or []
        self.features = []
        for r in rows:
            w = r["_where"]
            text = r.get("plans", "all")
            on = np.zeros(len(self.plans))
            if text.strip().lower() == "all":
                on[:] = 1
            else:
                for name in text.split(";"):
                    name = name.strip()
                    if not name:
                        continue
                    if name not in self.plans:
                        raise ModelError(f"{w}: no plan called {name!r}")
                    on[self.plans.index(name)] = 1
            effort = parse_value(r.get("effort", "0"), NONNEG, w)
            role = None
            if "role" in r:
                if r["role"] not in self.role_index:
                    raise ModelError(f"{w}: no role called {r['role']!r}")
                role = self.role_index[r["role"]]
            elif effort.uncertain or effort.mean() > 0:
                raise ModelError(f"{w}: a feature with effort needs a role")
            self.features.append({
                "feature": r["feature"], "on": on, "effort": effort, "role": role,
                "from": max(1, self.month(r["from"], w)) if "from" in r else 1,
                "build_months": int(parse_number(r.get("build_months", "1"), w)),
                "run_cost": parse_value(r.get("run_cost", "0"), NONNEG, w),
                "run_cost_per_customer": parse_value(r.get("run_cost_per_customer", "0"), NONNEG, w),
            })

    def _pipeline(self, folder):
        cols = ("deal", "month", "customers", "plan", "probability")
        rows = read_table(folder, "pipeline.csv", cols, ("deal", "month"), needed=False) or []
        self.deals = []
        for r in rows:
            w = r["_where"]
            plan = 0
            if "plan" in r:
                if r["plan"] not in self.plans:
                    raise ModelError(f"{w}: no plan called {r['plan']!r}")
                plan = self.plans.index(r["plan"])
            self.deals.append({
                "deal": r["deal"], "month": self.month(r["month"], w),
                "customers": int(parse_number(r.get("customers", "1"), w)), "plan": plan,
                "probability": min(1.0, max(0.0, parse_number(r.get("probability", "1"), w))),
            })

    def _funding(self, folder):
        cols = ("round", "month", "amount", "probability")
        rows = read_table(folder, "funding.csv", cols, ("round", "month", "amount"), needed=False) or []
        self.rounds = []
        for r in rows:
            w = r["_where"]
            self.rounds.append({
                "round": r["round"], "month": self.month(r["month"], w),
                "amount": parse_value(r["amount"], NONNEG, w),
                "probability": min(1.0, max(0.0, parse_number(r.get("probability", "1"), w))),
            })


# ---------------------------------------------------------------- simulation

def _draw_rows(rng, n, dists):
    """[len(dists), n] draws: one row per cell, one column per path."""
    if not dists:
        return np.zeros((0, n))
    return np.stack([d.draw(rng, n) for d in dists], axis=0)


class Shared:
    """The draws every scenario of a path shares, and the costs that do not
    depend on customers, month by month.  Arrays are [cells, paths] (one
    contiguous row per cell), so a row is one cell's value on every path."""

    def __init__(self, model, rng, n):
        M, H = model, model.H
        infra, roles, feats = M.infra, M.roles, M.features
        self.price = _draw_rows(rng, n, M.price)                        # [P, n]
        self.i_cost = _draw_rows(rng, n, [l["cost"] for l in infra])    # [I, n]
        self.i_grow = 1 + _draw_rows(rng, n, [l["escalation"] for l in infra])
        sal = _draw_rows(rng, n, [r["salary"] for r in roles])
        ovh = _draw_rows(rng, n, [r["overhead"] for r in roles])
        self.r_rate = sal / 12 * ovh                                    # [R, n], year 0
        self.r_grow = 1 + _draw_rows(rng, n, [r["raise"] for r in roles])
        self.f_effort = _draw_rows(rng, n, [f["effort"] for f in feats])
        self.f_run = _draw_rows(rng, n, [f["run_cost"] for f in feats])
        self.f_rpc = _draw_rows(rng, n, [f["run_cost_per_customer"] for f in feats])
        self.funding = {}  # month -> [n] cash arriving
        for r in M.rounds:
            if rng is None:  # the plan: amount x probability
                got = r["amount"].draw(None, n) * r["probability"]
            else:
                happen = rng.random(n) < r["probability"]
                got = np.where(happen, r["amount"].draw(rng, n), 0.0)
            if 1 <= r["month"] <= H:
                self.funding[r["month"]] = self.funding.get(r["month"], 0.0) + got

        drv = np.array([l["driver"] for l in infra])
        self.i_fixed = drv == "fixed"
        self.i_pc = drv == "per_customer"
        self.i_step_idx = np.flatnonzero(drv == "step")
        self.i_step = np.array([l["step"] or 1 for l in infra], dtype=float)
        self.i_cogs = np.array([l["category"] == "cogs" for l in infra])
        self.i_from = np.array([l["from"] for l in infra])
        self.i_to = np.array([l["to"] for l in infra])
        self.r_var_idx = [k for k, r in enumerate(roles) if r["per_customers"] is not None]
        self.r_cogs = np.array([r["category"] == "cogs" for r in roles])
        self.r_from = np.array([r["from"] for r in roles])
        self.r_to = np.array([r["to"] for r in roles])
        self.r_head = np.array([r["headcount"] for r in roles], dtype=float)
        fixed_role = np.array([r["per_customers"] is None for r in roles])
        self.f_on = np.array([f["on"] for f in feats]).reshape(len(feats), len(M.plans))  # [F, P]
        f_from = np.array([f["from"] for f in feats], dtype=int)
        f_bm = np.array([f["build_months"] for f in feats], dtype=int)
        self.f_runs_from = f_from + f_bm

        self._pc_cache, self._f_cache = {}, {}
        self.year_i = {}  # y -> [I, n] amounts in year y
        self.year_r = {}  # y -> [R, n] monthly loaded rates in year y
        for y in range((H - 1) // 12 + 1):
            self.year_i[y] = self.i_cost * self.i_grow ** y
            self.year_r[y] = self.r_rate * self.r_grow ** y

        # Costs that do not move with customers, [H+1, n] each: fixed infra,
        # roles without per_customers, feature builds and fixed run costs;
        # and the cogs among them.
        self.fixed_infra = np.zeros((H + 1, n))
        self.fixed_staff = np.zeros((H + 1, n))
        self.fixed_feat = np.zeros((H + 1, n))
        self.fixed_cogs = np.zeros((H + 1, n))
        self.fixed_heads = np.zeros(H + 1)
        cache = {}
        for m in range(1, H + 1):
            y = (m - 1) // 12
            amt, rate = self.year_i[y], self.year_r[y]
            w = ((self.i_from <= m) & (m <= self.i_to) & self.i_fixed).astype(float)
            heads = self.r_head * ((self.r_from <= m) & (m <= self.r_to) & fixed_role)
            run = (m >= self.f_runs_from).astype(float)
            key = (y, w.tobytes(), heads.tobytes(), run.tobytes())
            if key not in cache:
                fi, fs, fr = w @ amt, heads @ rate, run @ self.f_run
                cache[key] = (fi, fs, fr, (w * self.i_cogs) @ amt + (heads * self.r_cogs) @ rate + fr)
            fi, fs, fr, cg = cache[key]
            self.fixed_heads[m] = heads.sum()
            self.fixed_infra[m], self.fixed_staff[m], self.fixed_feat[m], self.fixed_cogs[m] = fi, fs, fr, cg
            for k, f in enumerate(feats):
                bm = f["build_months"]
                if f["role"] is not None and bm > 0 and f["from"] <= m < f["from"] + bm:
                    self.fixed_feat[m] += self.f_effort[k] * rate[f["role"]] / bm

    def per_customer(self, y, on_i):
        """The per_customer infra amounts in force summed ([n]), and their
        cogs part, for year y and the lines on_i in force."""
        key = (y, on_i.tobytes())
        hit = self._pc_cache.get(key)
        if hit is None:
            w = (on_i & self.i_pc).astype(float)
            amt = self.year_i[y]
            hit = self._pc_cache[key] = (w @ amt, (w * self.i_cogs) @ amt)
        return hit

    def feature_run_per_customer(self, m):
        """[P, n]: run cost per customer on each plan, of the features running in month m."""
        running = (m >= self.f_runs_from).astype(float)
        key = running.tobytes()
        hit = self._f_cache.get(key)
        if hit is None:
            hit = self._f_cache[key] = (self.f_on * running[:, None]).T @ self.f_rpc
        return hit


SUMMARY = ("customers_final", "revenue_final", "cost_final", "cash_final", "prob_cash_out",
           "runway_months", "breakeven_month", "default_alive", "min_cash", "funding_need",
           "headcount_final", "cpc_final", "cpc_variable_final", "cpc_horizon", "gross_margin_final")
MONTHLY = ("customers", "new_customers", "churned_customers", "revenue", "cost", "cost_infra",
           "cost_staff", "cost_features", "cogs", "gross_margin", "cpc", "cpc_variable", "cash",
           "headcount", "prob_cash_out")


def _stats(v):
    """(mean, sd, n) over the defined (non-nan) values of v."""
    v = v[~np.isnan(v)]
    k = v.size
    return (float(v.mean()) if k else float("nan"), float(v.std(ddof=1)) if k > 1 else float("nan"), k)


def ceil(x):
    """Ceiling, blind to rounding noise a billionth below a whole number:
    in the plan customers are fractional, and 3 x 0.1 / 0.1 must stay 3."""
    return np.ceil(x - 1e-9 * np.maximum(1.0, np.abs(x)))


def simulate_scenario(model, sh, sc, rng, n, monthly=None):
    """One scenario on n paths.  Returns {metric: [n] values, nan where
    undefined}; when monthly is a list, appends (month, metric, mean, sd, n)
    to it.  With rng None (and sh made so), the plan: one deterministic
    path, as the spec's "The plan" describes."""
    M, H, P = model, model.H, len(model.plans)
    nc = sc["new_customers"].draw(rng, n)
    growth = np.maximum(sc["growth"].draw(rng, n), -1.0)
    churn = sc["churn"].draw(rng, n)
    slip = sc["deal_slip"].draw(rng, n)
    loss = sc["deal_loss"].draw(rng, n)

    # 3. Pipeline: when each deal closes on each path, as events (path,
    # plan, customers) sorted by month; lost, or slipped past the horizon:
    # no event.  In the plan, each deal's expected customers spread over
    # the months it may close in.
    plan = rng is None
    ev_m, ev_path, ev_plan, ev_k = [], [], [], []
    for d in M.deals if plan else ():
        w = d["customers"] * d["probability"] * (1 - loss) * (1 - slip)
        for mo in range(d["month"], H + 1):
            ev_m.append(np.full(n, mo))
            ev_path.append(np.arange(n))
            ev_plan.append(np.full(n, d["plan"]))
            ev_k.append(w * slip ** (mo - d["month"]))
    for d in () if plan else M.deals:
        happen = rng.random(n) < d["probability"] * (1 - loss)
        ok = slip < 1
        s = rng.geometric(np.where(ok, 1 - slip, 1.0), n) - 1  # P(S >= k) = slip^k
        month = d["month"] + s
        idx = np.flatnonzero(happen & ok & (month <= H))
        ev_m.append(month[idx])
        ev_path.append(idx)
        ev_plan.append(np.full(idx.size, d["plan"]))
        ev_k.append(np.full(idx.size, d["customers"], dtype=np.int64))
    if ev_m:
        ev_m = np.concatenate(ev_m)
        order = np.argsort(ev_m, kind="stable")
        ev_m, ev_path = ev_m[order], np.concatenate(ev_path)[order]
        ev_plan, ev_k = np.concatenate(ev_plan)[order], np.concatenate(ev_k)[order]
        bounds = np.searchsorted(ev_m, np.arange(H + 2))
    else:
        bounds = np.zeros(H + 2, dtype=int)

    C = np.repeat(M.c0[:, None], n, axis=1).astype(float if plan else np.int64)  # [P, n]: C(m, p)
    hist = [C.sum(axis=0)]                                     # C(k), k = 0 .. m
    cash = np.full(n, float(M.cash))
    min_cash = np.full(n, np.inf)
    runway = np.full(n, H + 1)
    breakeven = np.full(n, H + 1)
    sum_cost = np.zeros(n)
    cust_months = np.zeros(n)
    # the multinomial split as a chain of binomials on what is left
    tail = np.cumsum(M.mix[::-1])[::-1]
    cond = np.divide(M.mix, tail, out=np.ones_like(M.mix), where=tail > 0)
    arr = np.empty((P, n), dtype=C.dtype)
    churn_p = churn[None, :]
    for m in range(1, H + 1):
        y = (m - 1) // 12
        # 1. arrivals: Poisson(new_customers (1 + growth)^(m-1)), multinomial over plans
        lam = nc.copy() if m == 1 else lam * (1 + growth)
        if plan:  # arrivals at their rate, churn at its expected fraction
            arr = M.mix[:, None] * lam[None, :]
            D = C * churn_p
        else:
            left = rng.poisson(lam)
            for p in range(P - 1):
                arr[p] = rng.binomial(left, min(1.0, cond[p]))
                left = left - arr[p]
            arr[P - 1] = left
            # 2. churn of last month's customers
            D = rng.binomial(C, churn_p)
        # 3. deals closing; 4. C(m, p)
        C = C - D + arr
        lo, hi = bounds[m], bounds[m + 1]
        if hi > lo:
            np.add.at(C, (ev_plan[lo:hi], ev_path[lo:hi]), ev_k[lo:hi])
        tot = C.sum(axis=0)
        hist.append(tot)
        totf = tot.astype(float)
        # 5. revenue
        revenue = (C * sh.price).sum(axis=0)
        # 6. costs; those that move with customers here, the rest in sh
        amt = sh.year_i[y]
        on_i = (sh.i_from <= m) & (m <= sh.i_to)
        pc, pc_cogs = sh.per_customer(y, on_i)
        v_infra = pc * totf
        var_cogs = pc_cogs * totf
        for i in sh.i_step_idx:
            if on_i[i]:
                c = amt[i] * np.maximum(1.0, ceil(totf / sh.i_step[i]))
                v_infra += c
                if sh.i_cogs[i]:
                    var_cogs += c
        rate = sh.year_r[y]
        heads = np.full(n, sh.fixed_heads[m])
        v_staff = np.zeros(n)
        for k in sh.r_var_idx:
            r = M.roles[k]
            if not (r["from"] <= m <= r["to"]):
                continue
            back = hist[max(m - r["lag"], 0)]  # C(m - lag), C(k) = C(0) for k <= 0
            h = np.maximum(r["headcount"], ceil(back / r["per_customers"]))
            heads += h
            c = h * rate[k]
            v_staff += c
            if sh.r_cogs[k]:
                var_cogs += c
        v_feat = (sh.feature_run_per_customer(m) * C).sum(axis=0) if M.features else np.zeros(n)
        var_cogs += v_feat
        var = v_infra + v_staff + v_feat
        cost = sh.fixed_infra[m] + sh.fixed_staff[m] + sh.fixed_feat[m] + var
        cogs = sh.fixed_cogs[m] + var_cogs
        # 7. cash
        cash = cash + revenue - cost
        if m in sh.funding:
            cash += sh.funding[m]
        np.minimum(min_cash, cash, out=min_cash)
        runway[(runway > H) & (cash < M.min_cash)] = m
        breakeven[(breakeven > H) & (revenue >= cost)] = m
        sum_cost += cost
        cust_months += totf
        if monthly is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                vals = {
                    "customers": totf,
                    # arrivals and closed deals: C(m) - C(m-1) + churned
                    "new_customers": (tot - hist[-2] + D.sum(axis=0)).astype(float),
                    "churned_customers": D.sum(axis=0).astype(float),
                    "revenue": revenue, "cost": cost,
                    "cost_infra": sh.fixed_infra[m] + v_infra,
                    "cost_staff": sh.fixed_staff[m] + v_staff,
                    "cost_features": sh.fixed_feat[m] + v_feat,
                    "cogs": cogs,
                    "gross_margin": np.where(revenue > 0, (revenue - cogs) / revenue, np.nan),
                    "cpc": np.where(totf > 0, cost / totf, np.nan),
                    "cpc_variable": np.where(totf > 0, var / totf, np.nan),
                    "cash": cash, "headcount": heads,
                    "prob_cash_out": (runway <= m).astype(float),
                }
            for metric in MONTHLY:
                monthly.append((m, metric) + _stats(vals[metric]))

    with np.errstate(divide="ignore", invalid="ignore"):
        out = {
            "customers_final": totf,
            "revenue_final": revenue,
            "cost_final": cost,
            "cash_final": cash,
            "prob_cash_out": (runway <= H).astype(float),
            "runway_months": runway.astype(float),
            "breakeven_month": breakeven.astype(float),
            "default_alive": ((breakeven <= H) & (breakeven < runway)).astype(float),
            "min_cash": min_cash,
            "funding_need": np.maximum(0.0, M.min_cash - min_cash),
            "headcount_final": heads,
            "cpc_final": np.where(totf > 0, cost / totf, np.nan),
            "cpc_variable_final": np.where(totf > 0, var / totf, np.nan),
            "cpc_horizon": np.where(cust_months > 0, sum_cost / cust_months, np.nan),
            "gross_margin_final": np.where(revenue > 0, (revenue - cogs) / revenue, np.nan),
        }
    return out


def _merge(parts):
    """(mean, sd, n) of the union of samples given as (mean, sd, n) each
    (Chan et al.'s pairwise update)."""
    n_all, mean_all, m2_all = 0, 0.0, 0.0
    for mean, sd, n in parts:
        if n == 0:
            continue
        m2 = sd * sd * (n - 1) if n > 1 else 0.0
        if n_all == 0:
            n_all, mean_all, m2_all = n, mean, m2
            continue
        tot = n_all + n
        delta = mean - mean_all
        mean_all += delta * n / tot
        m2_all += m2 + delta * delta * n_all * n / tot
        n_all = tot
    if n_all == 0:
        return float("nan"), float("nan"), 0
    return mean_all, (math.sqrt(m2_all / (n_all - 1)) if n_all > 1 else float("nan")), n_all


def run(model, paths, seed, want_monthly=False, chunk=25000):
    """Summary rows (scenario, metric, plan, mean, sd, n), and monthly rows
    (scenario, month, metric, plan, mean, sd, n) when asked for.  Paths are
    simulated CHUNK at a time, to bound memory."""
    rng = np.random.default_rng(seed)
    S = len(model.scenarios)
    values = [{k: [] for k in SUMMARY} for _ in range(S)]
    monthly = [{} for _ in range(S)]  # (month, metric) -> [(mean, sd, n) per chunk]
    done = 0
    while done < paths:
        k = min(chunk, paths - done)
        sh = Shared(model, rng, k)
        for i, sc in enumerate(model.scenarios):
            rows = [] if want_monthly else None
            out = simulate_scenario(model, sh, sc, rng, k, rows)
            for metric in SUMMARY:
                values[i][metric].append(out[metric])
            for m, metric, mean, sd, n in rows or ():
                monthly[i].setdefault((m, metric), []).append((mean, sd, n))
        del sh
        done += k
    sh_plan = Shared(model, None, 1)
    rows, mrows = [], []
    for i, sc in enumerate(model.scenarios):
        plan_monthly = [] if want_monthly else None
        plan = simulate_scenario(model, sh_plan, sc, None, 1, plan_monthly)
        for metric in SUMMARY:
            rows.append((sc["name"], metric, float(plan[metric][0])) + _stats(np.concatenate(values[i][metric])))
        for m, metric, pv, _, _ in plan_monthly or ():
            mrows.append((sc["name"], m, metric, pv) + _merge(monthly[i][(m, metric)]))
    return rows, mrows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model")
    ap.add_argument("--paths", "-n", type=int, default=10000)
    ap.add_argument("--seed", "-s", type=int, default=1)
    ap.add_argument("--out", "-o", help="summary CSV (default: standard output)")
    ap.add_argument("--monthly", help="also write per-month statistics to this CSV "
                    "(scenario,month,metric,plan,mean,sd,n)")
    ap.add_argument("--plan", action="store_true", help="add a plan column to the summary CSV "
                    "(scenario,metric,plan,mean,sd,n): the deterministic figure")
    ap.add_argument("--chunk", type=int, default=25000, help="paths simulated at a time (memory)")
    ap.add_argument("--time", action="store_true", help="print the time taken on stderr")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        model = Model(a.model)
    except (ModelError, csv.Error, KeyError, ValueError, OSError) as e:
        print(f"peer.py: {e}", file=sys.stderr)
        return 65
    rows, mrows = run(model, a.paths, a.seed, bool(a.monthly), max(1, a.chunk))
    f = open(a.out, "w", newline="") if a.out else sys.stdout
    w = csv.writer(f, lineterminator="\n")
    if a.plan:
        w.writerow(("scenario", "metric", "plan", "mean", "sd", "n"))
    else:
        w.writerow(("scenario", "metric", "mean", "sd", "n"))
    for s, metric, plan, mean, sd, k in rows:
        w.writerow((s, metric) + ((repr(plan),) if a.plan else ()) + (repr(mean), repr(sd), k))
    if a.out:
        f.close()
    if a.monthly:
        with open(a.monthly, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(("scenario", "month", "metric", "plan", "mean", "sd", "n"))
            for s, m, metric, plan, mean, sd, k in mrows:
                w.writerow((s, m, metric, repr(plan), repr(mean), repr(sd), k))
    if a.time:
        print(f"peer.py: {a.paths} paths, {len(model.scenarios)} scenarios, {model.H} months: "
              f"{time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
