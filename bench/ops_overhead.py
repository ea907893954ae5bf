#!/usr/bin/python3.11
"""Eager per-op overhead on small tensors: janus vs torch in one process.

Run: PYTHONPATH=build/python /usr/bin/python3.11 bench/ops_overhead.py [--repeats 7] [--number 2000]
Prints, per op, the median time per call (microseconds) of each library and the ratio
janus/torch (goal: <= 1.0)."""
import argparse
import statistics
import sys
import timeit

import janus
import torch


def cases(lib):
    a = lib.randn(8, 8)
    b = lib.randn(8, 8)
    v = lib.randn(8)
    w = lib.randn(8, 8, requires_grad=True)
    idx = lib.tensor([0, 2, 4])
    return {
        "add": lambda: a + b,
        "mul scalar": lambda: a * 2.0,
        "matmul": lambda: a @ b,
        "sum": lambda: a.sum(),
        "sum(dim)": lambda: a.sum(1),
        "relu": lambda: lib.relu(a),
        "exp": lambda: a.exp(),
        "view": lambda: a.view(64),
        "index int": lambda: a[1],
        "index slice": lambda: a[:, 1:5],
        "index tensor": lambda: a[idx],
        "add_ (in-place)": lambda: v.add_(v, alpha=0.0),
        "softmax": lambda: a.softmax(1),
        "backward": lambda: ((w * a).sum()).backward(),
    }


def measure(fn, number, repeats):
    fn()
    times = timeit.repeat(fn, number=number, repeat=repeats)
    return statistics.median(times) / number * 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--number", type=int, default=2000)
    args = p.parse_args()
    torch.set_num_threads(1)
    jc, tc = cases(janus), cases(torch)
    print(f"{'op':<18}{'janus us':>10}{'torch us':>10}{'ratio':>8}")
    ratios = []
    for name in jc:
        # Alternate libraries so that machine noise hits both alike.
        j = measure(jc[name], args.number, args.repeats)
        t = measure(tc[name], args.number, args.repeats)
        ratios.append(j / t)
        print(f"{name:<18}{j:>10.2f}{t:>10.2f}{j / t:>8.2f}")
    geo = statistics.geometric_mean(ratios)
    print(f"{'geometric mean':<38}{geo:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
