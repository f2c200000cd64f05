#!/usr/bin/env python3
"""compare.py - is one build of cpcsim faster than another, on a noisy machine?

    python3 tests/bench/compare.py [--model tests/bench/model] [--paths 10000]
        [--threads 1] [--rounds 15] [--same] OLD NEW [MORE ...]

Runs the builds in turn, round after round, on the same model, and compares
each build's CPU time (user + system) with OLD's in the same round: a slow
spell of the machine slows both runs of a round, so the ratio of a round
keeps far less of the noise than either time.  Prints each build's minimum
and median seconds, and the median of its ratios to OLD with an interval of
about 90% (distribution-free, from the ratios' order statistics: 88% for
15 rounds).  An interval that
holds 1 means the rounds cannot tell the builds apart.

--same first checks that every build writes the same reports as OLD, byte
for byte (but for the command line and start time in summary.csv), on a few
models, seeds and sampling designs: a change made for speed should change
no figure.

--floor compares builds of the floor instead (build/floor, see floor.c:
the run's draws and nothing else), run as `FLOOR MODEL PATHS THREADS`.
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SAME_CASES = [
    ['tests/bench/model', '-n', '3000', '-s', '1'],
    ['tests/bench/model', '-n', '2500', '-s', '9', '--sampling', 'lhs', '-j', '2'],
    ['data/saas', '-n', '4000', '-s', '3'],
    ['data/saas', '-n', '2000', '-s', '5', '--sampling', 'sobol'],
    ['tests/bench/tiny', '-n', '5000', '-s', '2'],
]


def cpu_seconds(cmd):
    """Runs CMD; its user + system CPU seconds.  Its messages go to a file,
    not a pipe, which a chatty failure could fill before wait4 returns."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit(f'compare: {" ".join(cmd)} failed: {err.read().decode()[-500:]}')
    return usage.ru_utime + usage.ru_stime


def reports(binary, case, out):
    subprocess.run([binary, 'run', *case, '-q', '-o', out], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    got = {}
    for name in sorted(os.listdir(out)):
        with open(os.path.join(out, name), encoding='utf-8') as f:
            got[name] = [line for line in f if not line.startswith(('command,', 'started_utc,'))]
    return got


def check_same(builds):
    with tempfile.TemporaryDirectory() as tmp:
        for case in SAME_CASES:
            want = reports(builds[0], case, os.path.join(tmp, 'a'))
            for i, b in enumerate(builds[1:]):
                got = reports(b, case, os.path.join(tmp, f'b{i}'))
                differ = [n for n in sorted(set(want) | set(got)) if want.get(n) != got.get(n)]
                if differ:
                    sys.exit(f'compare: {b} writes other reports than {builds[0]} for '
                             f'`run {" ".join(case)}`: {", ".join(differ)}')
    print(f'reports: the same for all builds on {len(SAME_CASES)} runs')


def median_interval(values, level=1.645):
    """The median of VALUES and a distribution-free interval for it of about
    90%: the order statistics k and n - 1 - k around the middle."""
    v = sorted(values)
    n = len(v)
    k = max(0, int(math.floor(n / 2 - level * math.sqrt(n) / 2)))
    return statistics.median(v), v[k], v[n - 1 - k]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('builds', nargs='+', help='cpcsim binaries; the first is the one compared with')
    ap.add_argument('--model', default=os.path.join(ROOT, 'tests', 'bench', 'model'))
    ap.add_argument('--paths', type=int, default=10000)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--rounds', type=int, default=15)
    ap.add_argument('--same', action='store_true', help='first check that all builds write the same reports')
    ap.add_argument('--floor', action='store_true', help='the builds are floors (build/floor), not cpcsim')
    a = ap.parse_args()
    if len(a.builds) < 2:
        ap.error('give at least two builds')
    if a.floor and a.same:
        ap.error('--same compares reports, and a floor writes none')
    builds = [os.path.abspath(b) for b in a.builds]
    if a.same:
        check_same(builds)
    times = {b: [] for b in builds}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(a.rounds):
            for b in builds:
                cmd = [b, a.model, str(a.paths), str(a.threads)] if a.floor else \
                    [b, 'run', a.model, '-n', str(a.paths), '-j', str(a.threads), '-q', '-o', out]
                times[b].append(cpu_seconds(cmd))
    print(f'{a.rounds} rounds, {a.paths} paths, {a.threads} thread(s), model {a.model}')
    print(f'{"build":<40} {"min s":>7} {"median s":>9}   time / first build: median [~90% interval]')
    for b in builds:
        ratios = [t / t0 for t, t0 in zip(times[b], times[builds[0]])]
        med, lo, hi = median_interval(ratios)
        print(f'{a.builds[builds.index(b)]:<40} {min(times[b]):7.3f} {statistics.median(times[b]):9.3f}   '
              f'{med:.3f} [{lo:.3f}, {hi:.3f}]')


if __name__ == '__main__':
    main()
