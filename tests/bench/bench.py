#!/usr/bin/env python3
"""bench.py - how fast cpcsim runs, against its sampling floor and a numpy peer.

    python3 tests/bench/bench.py --cpcsim ./cpcsim --floor build/floor
        [--model tests/bench/model] [--paths 10000,100000,1000000] [--quick]
        [--out build/bench.csv]

For each path count, on one thread and on all cores:
  - cpcsim: `cpcsim run MODEL -n PATHS -j THREADS` (wall seconds, peak memory);
  - floor: the same random draws with no model arithmetic (build/floor, see
    tests/bench/floor.c), so the table shows how close cpcsim is to the
    sampling limit;
  - peer: the vectorised numpy implementation tests/bench/peer.py (one core),
    first checked to agree with cpcsim's means within Monte Carlo error
    (agree.py), then timed.
Speed is path-months per second: paths x months x scenarios / seconds.
Sampling designs: the standard error, over seeds, of the median of final cash
and of P(cash out) with --sampling mc, lhs and sobol, at equal running time.
Memory flatness: peak memory of cpcsim at 10,000 and at 10,000,000 paths on
the small model tests/bench/tiny (the number of paths is what varies).
Sweep and goal (sweep_and_goal, alone with --sweep-only): what a 7 x 7
sweep of the example model at 10,000 paths a point adds to the simulation
time of its 49 points, and the evaluations each of issue 18's goal seeks
takes for its 1% tolerance.
MPI (with --mpi ./cpcsim-mpi): paths a second of `mpirun -n 2 cpcsim-mpi run
MODEL -j 1` against `mpirun -n 1`, one thread a rank, so that it measures how
the ranks scale (the median of --mpi-rounds runs of --mpi-paths paths each).
Results go to the screen and, as CSV, to --out.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def months_and_scenarios(model):
    months = 36
    with open(os.path.join(model, 'company.csv'), newline='', encoding='utf-8-sig') as f:
        for row in csv.reader(f):
            if row and row[0].strip().lower() == 'months':
                months = int(float(row[1]))
    with open(os.path.join(model, 'scenarios.csv'), newline='', encoding='utf-8-sig') as f:
        scenarios = sum(1 for row in csv.reader(f) if any(c.strip() for c in row)) - 1
    return months, scenarios


def run_measured(cmd):
    """Runs CMD with its own peak memory: (seconds, peak KiB, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    out = p.stdout.read().decode()
    err = p.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f'bench: {" ".join(cmd)} failed ({code}): {err[-500:]}')
    return seconds, usage.ru_maxrss, out


def numpy_python():
    for py in (os.environ.get('PYTHON'), sys.executable, '/usr/bin/python3'):
        if py and subprocess.run([py, '-c', 'import numpy'], capture_output=True).returncode == 0:
            return py
    sys.exit('bench: no python3 with numpy (Debian: apt-get install python3-numpy)')


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def cpu_measured(cmd):
    """Runs CMD: (wall seconds, CPU seconds: user + system of it and its threads)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'bench: {" ".join(cmd)} failed: {p.stderr.read().decode()[-500:]}')
    return wall, usage.ru_utime + usage.ru_stime


def sweep_and_goal(cpcsim, tmp, rounds=3):
    """The 7 x 7 sweep's overhead and the goal seeks' evaluations, on data/saas.

    The simulation time of the 49 points is that of 49 one-point sweeps, one
    a point, less 49 times a one-point sweep of 256 paths (process start,
    loading, checking and preparing the model, starting the threads, the
    plan: what a 49-point sweep could do once), so the overhead counts
    everything else the sweep does per point. In CPU time (user + system),
    which other jobs on a shared machine disturb less than wall time; the
    median of ROUNDS grids and fixed costs."""
    model = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'data', 'saas')
    out = os.path.join(tmp, 'sweep')
    growth = ['0%', '1%', '2%', '3%', '4%', '5%', '6%']
    price = ['500', '600', '700', '800', '900', '1000', '1100']
    def sweep(g, p, n):
        return [cpcsim, 'sweep', model, '--vary', 'scenarios.csv:realistic:growth=' + g,
                '--vary', 'plans.csv:team:price=' + p, '-n', str(n), '-q', '-o', out]
    grid = [cpu_measured(sweep(','.join(growth), ','.join(price), 10000)) for _ in range(rounds)]
    fixed = median([cpu_measured(sweep('3%', '800', 256))[1] for _ in range(rounds)])
    points = [cpu_measured(sweep(g, p, 10000)) for g in growth for p in price]
    sim = sum(c for _, c in points) - 49 * fixed
    cpu = median([c for _, c in grid])
    wall = median([w for w, _ in grid])
    overhead = cpu / sim - 1
    print(f'\nsweep 7 x 7 of data/saas, 10,000 paths a point: {wall:.2f} s ({cpu:.2f} s of CPU); the 49 points '
          f'one by one {sum(w for w, _ in points):.2f} s ({sum(c for _, c in points):.2f} s of CPU, of it '
          f'{49 * fixed:.2f} s starting); overhead over their simulation {100 * overhead:+.1f}% (CPU, median of '
          f'{rounds})')
    rows = [dict(what='sweep 7x7 data/saas: overhead over 49 points (CPU)', paths=10000, threads=os.cpu_count(),
                 seconds=round(wall, 3), value=round(overhead, 4))]
    goals = [('scenarios.csv:realistic:growth', 'default_alive=80%', ['--range', '0%..20%']),
             ('plans.csv:team:price', 'p50:gross_margin_final=70%', ['--scenario', 'realistic']),
             ('company.csv:cash', 'prob_cash_out=10%', ['--scenario', 'realistic'])]
    for vary, target, more in goals:
        s, _, _ = run_measured([cpcsim, 'goal', model, '--vary', vary, '--target', target, *more, '-q',
                                '-o', out])
        with open(os.path.join(out, 'goal.csv'), newline='') as f:
            (g,) = list(csv.DictReader(f))
        print(f'goal {vary} for {target}: {g["value"]} +/- {g["mc_se"] or "-"}, reached {g["reached"]}, '
              f'{g["evaluations"]} evaluations, {s:.2f} s')
        rows.append(dict(what=f'goal {vary} {target}: evaluations', paths=10000, threads=os.cpu_count(),
                         seconds=round(s, 3), value=int(g['evaluations'])))
    return rows


def mpi_scaling(mpi, model, n, rounds, tmp):
    """Paths a second of cpcsim-mpi on 2 ranks against 1, one thread a rank:
    the median of ROUNDS runs of N paths each, the two taken in turn (so that
    other work on the machine falls on both alike); wall time, mpirun's start
    included."""
    mpirun = ['mpirun', '--oversubscribe'] + (['--allow-run-as-root'] if os.geteuid() == 0 else [])
    secs = {1: [], 2: []}
    for _ in range(rounds):
        for k in (1, 2):
            s, _, _ = run_measured(mpirun + ['-n', str(k), mpi, 'run', model, '-n', str(n), '-j', '1', '-q',
                                             '-o', os.path.join(tmp, f'mpi{k}')])
            secs[k].append(s)
    rate = {k: n / median(v) for k, v in secs.items()}
    print(f'\nmpirun -n K cpcsim-mpi run -j 1, {n:,} paths, median of {rounds}: 1 rank {rate[1]:,.0f} paths/s, '
          f'2 ranks {rate[2]:,.0f} paths/s, {rate[2] / rate[1]:.2f} times (runs: 1 rank '
          f'{", ".join(f"{s:.2f}" for s in secs[1])} s; 2 ranks {", ".join(f"{s:.2f}" for s in secs[2])} s)')
    return [dict(what=f'mpi {k} rank{"s" if k > 1 else ""}, 1 thread each: paths/s', paths=n, threads=1,
                 seconds=round(median(secs[k]), 3), value=round(rate[k])) for k in (1, 2)] + \
        [dict(what='ratio: mpi 2 ranks / 1 rank', paths=n, value=round(rate[2] / rate[1], 3))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cpcsim', default='./cpcsim')
    ap.add_argument('--floor', default='build/floor')
    ap.add_argument('--model', default=os.path.join(HERE, 'model'))
    ap.add_argument('--paths', default='10000,100000,1000000')
    ap.add_argument('--quick', action='store_true', help='10,000 and 100,000 paths, memory at 1,000,000')
    ap.add_argument('--no-peer', action='store_true')
    ap.add_argument('--out', default='build/bench.csv')
    ap.add_argument('--sweep-only', action='store_true', help='only the sweep and goal figures')
    ap.add_argument('--mpi', help='cpcsim-mpi, to time 2 ranks against 1')
    ap.add_argument('--mpi-paths', type=int, default=200000)
    ap.add_argument('--mpi-rounds', type=int, default=3)
    ap.add_argument('--mpi-only', action='store_true', help='only the MPI figures')
    a = ap.parse_args()
    paths = [10000, 100000] if a.quick else [int(p) for p in a.paths.split(',')]
    cores = os.cpu_count() or 1
    months, scenarios = months_and_scenarios(a.model)
    tmp = tempfile.mkdtemp(prefix='cpcsim-bench-')
    rows = []
    if a.sweep_only:
        for r in sweep_and_goal(a.cpcsim, tmp):
            print(r)
        return
    if a.mpi_only:
        for r in mpi_scaling(a.mpi, a.model, a.mpi_paths, a.mpi_rounds, tmp):
            print(r)
        return

    def add(what, n, threads, seconds, kib):
        pm = n * months * scenarios / seconds
        rows.append(dict(what=what, paths=n, threads=threads, seconds=round(seconds, 3),
                         path_months_per_s=round(pm), peak_mib=round(kib / 1024, 1)))
        print(f'{what:8} {n:>9} paths  {threads} thread{"s" if threads > 1 else " "}  {seconds:8.2f} s'
              f'  {pm / 1e6:7.2f} M path-months/s  {kib / 1024:7.1f} MiB', flush=True)

    print(f'model {a.model}: {months} months x {scenarios} scenarios; {cores} cores')
    py = None
    if not a.no_peer:
        py = numpy_python()
        print('checking that the numpy peer agrees with cpcsim (agree.py, 20,000 paths) ...', flush=True)
        r = subprocess.run([py, os.path.join(HERE, 'agree.py'), a.cpcsim, '-n', '20000', '--model', a.model],
                           capture_output=True, text=True)
        print(r.stdout.strip().split('\n')[-1] if r.stdout.strip() else r.stderr[-300:])
        if r.returncode != 0:
            print(r.stdout)
            sys.exit('bench: the peer disagrees with cpcsim; not timing it')
    for n in paths:
        for threads in sorted({1, cores}):
            s, kib, _ = run_measured([a.cpcsim, 'run', a.model, '-n', str(n), '-j', str(threads), '-q',
                                      '-o', os.path.join(tmp, 'out')])
            add('cpcsim', n, threads, s, kib)
            _, kib, out = run_measured([a.floor, a.model, str(n), str(threads)])
            add('floor', n, threads, float(out.strip()), kib)
        if py:
            s, kib, _ = run_measured([py, os.path.join(HERE, 'peer.py'), a.model, '--paths', str(n), '--seed', '1',
                                      '--out', os.path.join(tmp, 'peer.csv')])
            add('numpy', n, 1, s, kib)

    def speed(what, n, threads):
        for r in rows:
            if r['what'] == what and r['paths'] == n and r['threads'] == threads:
                return r['path_months_per_s']
        return None

    print('\nratios (largest path count):')
    n = paths[-1]
    c1, cn = speed('cpcsim', n, 1), speed('cpcsim', n, cores)
    f1, fn = speed('floor', n, 1), speed('floor', n, cores)
    peer = speed('numpy', n, 1)
    summary = []
    if peer:
        summary.append(('cpcsim 1 thread / numpy', c1 / peer))
        summary.append((f'cpcsim {cores} threads / numpy', cn / peer))
    summary.append(('cpcsim time / floor time, 1 thread', f1 / c1))
    summary.append((f'cpcsim time / floor time, {cores} threads', fn / cn))
    summary.append((f'cpcsim {cores} threads / 1 thread', cn / c1))

    # sampling designs: the spread over seeds of the median of final cash and
    # of P(cash out), scaled to one second of running (SE x sqrt(seconds))
    seeds = 4 if a.quick else 8
    dn = 10240
    print(f'\nsampling designs: {seeds} seeds x {dn} paths, {cores} threads, first scenario')
    eff = {}
    for sampling in ('mc', 'lhs', 'sobol'):
        med, pco, secs = [], [], []
        for seed in range(1, seeds + 1):
            out = os.path.join(tmp, f's{sampling}{seed}')
            s, _, _ = run_measured([a.cpcsim, 'run', a.model, '-n', str(dn), '-s', str(seed), '--sampling', sampling,
                                    '-q', '-o', out])
            secs.append(s)
            with open(os.path.join(out, 'summary.csv'), newline='') as f:
                first = None
                for r in csv.DictReader(f):
                    first = first or r['scenario']
                    if r['scenario'] == first and r['metric'] == 'cash_final':
                        med.append(float(r['p50']))
                    if r['scenario'] == first and r['metric'] == 'prob_cash_out':
                        pco.append(float(r['mean']))
        t = sum(secs) / len(secs)
        sd = lambda xs: (sum((x - sum(xs) / len(xs)) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5
        eff[sampling] = (sd(med) * t ** 0.5, sd(pco) * t ** 0.5)
        print(f'  {sampling:6} {t:6.2f} s a run   SE x sqrt(s): median cash {eff[sampling][0]:12.1f}'
              f'   P(cash out) {eff[sampling][1]:.5f}')
        rows.append(dict(what=f'sampling {sampling}: median cash se*sqrt(s)', paths=dn, threads=cores,
                         seconds=round(t, 3), path_months_per_s='', peak_mib='', value=round(eff[sampling][0], 1)))
        rows.append(dict(what=f'sampling {sampling}: P(cash out) se*sqrt(s)', paths=dn, threads=cores,
                         seconds=round(t, 3), path_months_per_s='', peak_mib='', value=round(eff[sampling][1], 6)))
    for sampling in ('lhs', 'sobol'):
        for k, name in ((0, 'median cash'), (1, 'P(cash out)')):
            if eff[sampling][k] > 0:
                summary.append((f'SE at equal time, mc / {sampling}, {name}', eff['mc'][k] / eff[sampling][k]))

    tiny = os.path.join(HERE, 'tiny')
    big = 1000000 if a.quick else 10000000
    _, small_kib, _ = run_measured([a.cpcsim, 'run', tiny, '-n', '10000', '-q', '-o', os.path.join(tmp, 't')])
    s, big_kib, _ = run_measured([a.cpcsim, 'run', tiny, '-n', str(big), '-q', '-o', os.path.join(tmp, 't')])
    print(f'memory: {small_kib / 1024:.1f} MiB at 10,000 paths, {big_kib / 1024:.1f} MiB at {big:,} paths '
          f'({s:.1f} s) on {tiny}')
    summary.append((f'peak memory {big:,} / 10,000 paths', big_kib / small_kib))
    for what, ratio in summary:
        print(f'  {what:48} {ratio:6.2f}')
        rows.append(dict(what='ratio: ' + what, paths=n, threads='', seconds='', path_months_per_s='',
                         peak_mib='', value=round(ratio, 3)))
    rows += sweep_and_goal(a.cpcsim, tmp)
    if a.mpi:
        rows += mpi_scaling(a.mpi, a.model, a.mpi_paths, a.mpi_rounds, tmp)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=['what', 'paths', 'threads', 'seconds', 'path_months_per_s', 'peak_mib', 'value'], restval='')
        w.writeheader()
        w.writerows(rows)
    print(f'results in {a.out}')


if __name__ == '__main__':
    main()
