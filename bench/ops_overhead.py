#!/usr/bin/python3.11
"""Eager per-op overhead on small tensors: janus vs torch in one process.

Run: PYTHONPATH=build/python /usr/bin/python3.11 bench/ops_overhead.py [--repeats 7] [--number 2000]
Prints, per op, the median time per call (microseconds) of each library and the ratio
janus/torch (goal: <= 1.0).

On a GPU (`--device cuda`) the two libraries live in different Pythons (janus-python is 3.11,
the GPU machine's PyTorch another version), so each measures its own `torch` and the results
are joined afterwards:
  janus-python bench/ops_overhead.py --device cuda --json janus.json    # torch is Janus there
  python3      bench/ops_overhead.py --device cuda --json torch.json
  python3      bench/ops_overhead.py --join janus.json torch.json
Each timed repeat ends with torch.cuda.synchronize(), so queued kernels are paid for; an op
that fails on the device is reported with its error instead of a time."""
import argparse
import json
import statistics
import sys
import timeit


def cases(lib, device="cpu"):
    def on(t):
        return t if device == "cpu" else t.to(device)
    a = on(lib.randn(8, 8))
    b = on(lib.randn(8, 8))
    v = on(lib.randn(8))
    w = on(lib.randn(8, 8)).requires_grad_(True)
    idx = on(lib.tensor([0, 2, 4]))
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


def measure(fn, number, repeats, sync=None):
    fn()
    if sync is None:
        times = timeit.repeat(fn, number=number, repeat=repeats)
    else:
        def batch():
            for _ in range(number):
                fn()
            sync()
        sync()
        times = timeit.repeat(batch, number=1, repeat=repeats)
    return statistics.median(times) / number * 1e6


def measure_one(lib, device, number, repeats):
    """{op: microseconds or 'error: ...'} for one library on one device."""
    sync = lib.cuda.synchronize if device != "cpu" else None
    results = {}
    for name, fn in cases(lib, device).items():
        try:
            results[name] = measure(fn, number, repeats, sync)
        except Exception as e:  # an op the device lacks: named, never timed as something else
            results[name] = f"error: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return results


def print_table(janus_times, torch_times, out=sys.stdout):
    print(f"{'op':<18}{'janus us':>10}{'torch us':>10}{'ratio':>8}", file=out)
    ratios = []
    for name in janus_times:
        j, t = janus_times[name], torch_times.get(name)
        if isinstance(j, str) or isinstance(t, str) or t is None:
            print(f"{name:<18}  janus: {j if isinstance(j, str) else f'{j:.2f}'}; torch: "
                  f"{t if isinstance(t, str) or t is None else f'{t:.2f}'}", file=out)
            continue
        ratios.append(j / t)
        print(f"{name:<18}{j:>10.2f}{t:>10.2f}{j / t:>8.2f}", file=out)
    if ratios:
        print(f"{'geometric mean':<38}{statistics.geometric_mean(ratios):>8.2f}", file=out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--number", type=int, default=2000)
    p.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    p.add_argument("--json", metavar="PATH",
                   help="measure only this process's `torch` and write {op: us} as JSON")
    p.add_argument("--join", nargs=2, metavar=("JANUS_JSON", "TORCH_JSON"),
                   help="print the table of two --json files")
    args = p.parse_args()
    if args.join:
        with open(args.join[0]) as f, open(args.join[1]) as g:
            jd, td = json.load(f), json.load(g)
        print(f"# device {jd['device']}: janus ({jd['version']}) vs torch {td['version']}")
        print_table(jd["times"], td["times"])
        return 0
    if args.json:
        import torch  # under janus-python this is Janus (the torch alias)
        if args.device != "cpu" and not torch.cuda.is_available():
            print(f"ops_overhead: no CUDA device for --device {args.device}", file=sys.stderr)
            return 1
        if hasattr(torch, "set_num_threads"):
            torch.set_num_threads(1)
        doc = {"device": args.device, "version": getattr(torch, "__version__", "?"),
               "times": measure_one(torch, args.device, args.number, args.repeats)}
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
        return 0
    import janus
    import torch
    if args.device != "cpu":
        sys.exit("ops_overhead: --device needs --json (one library per process), see the docstring")
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
