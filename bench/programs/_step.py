"""The step loop the pure-Python benchmark programs share: `--steps N` steps of the same
work, `--quick` for a smaller size, one `step {i} time_ms {ms}` line per step, and a final
`# result ...` line the harness compares across runtimes (a fast wrong answer is no result).
Works the same under python3.11 and janus-python."""
import argparse
import time


def main(doc, step, default_size, quick_size, default_steps=30):
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--steps", type=int, default=default_steps)
    parser.add_argument("--quick", action="store_true", help="smaller work per step")
    args = parser.parse_args()
    size = quick_size if args.quick else default_size
    result = None
    for i in range(args.steps):
        start = time.perf_counter()
        result = step(size)
        ms = (time.perf_counter() - start) * 1000.0
        print(f"step {i} time_ms {ms:.4f}", flush=True)
    print(f"# result {result!r}")
