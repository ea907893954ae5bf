"""Statistics of step times. The definitions here are the ones bench/README.md documents.

- steady state of a run: the median step time of the run's second half (steps n//2 .. n-1);
  later tiers have kicked in by then, and a median ignores the odd slow step (GC, a noisy
  neighbour on a shared machine).
- warm-up of a run: the first step k whose window of WINDOW steps (k .. k+WINDOW-1, fewer at
  the end) has a median within TOLERANCE of the steady state (<= (1 + TOLERANCE) * steady).
  Warm-up steps = k, warm-up time = the summed time of steps 0 .. k-1. A window, not a single
  step, so one lucky fast step during warm-up does not end it.
- a configuration's step time: the median over runs of each run's steady state; min/max: the
  smallest and largest single step time in the steady-state halves of all runs.
- ratio to the peer: runs are paired by round (the peer and the configuration ran back to
  back); the ratio is the median over rounds of (configuration steady state / peer steady
  state), so a slow phase of the machine hits both sides of a pair alike.
"""
import statistics

TOLERANCE = 0.10
WINDOW = 3


def median(xs):
    xs = list(xs)
    if not xs:
        raise ValueError("median of no samples")
    return statistics.median(xs)


def steady_half(times_ms):
    """The samples that define the steady state: the second half of the run."""
    return list(times_ms[len(times_ms) // 2:])


def steady_state_ms(times_ms):
    return median(steady_half(times_ms))


def warmup(times_ms, tolerance=TOLERANCE, window=WINDOW):
    """(steps, ms) until the run's step time settles within `tolerance` of its steady state;
    (len(times_ms), total) if it never does."""
    bound = (1.0 + tolerance) * steady_state_ms(times_ms)
    for k in range(len(times_ms)):
        if median(times_ms[k:k + window]) <= bound:
            return k, float(sum(times_ms[:k]))
    return len(times_ms), float(sum(times_ms))


def paired_ratios(values, peer_values):
    """Per-round ratios value/peer for the rounds where both sides have a value."""
    if len(values) != len(peer_values):
        raise ValueError("paired samples need one value per round on each side")
    return [v / p for v, p in zip(values, peer_values)
            if v is not None and p is not None and p > 0]


def summarize(runs_times_ms):
    """Summary of one configuration from the step times of each of its successful runs."""
    if not runs_times_ms:
        raise ValueError("no successful run to summarize")
    steady = [steady_state_ms(t) for t in runs_times_ms]
    pooled = [x for t in runs_times_ms for x in steady_half(t)]
    warm = [warmup(t) for t in runs_times_ms]
    return {
        "median_ms": median(steady),
        "min_ms": min(pooled),
        "max_ms": max(pooled),
        "run_steady_ms": steady,
        "warmup_steps": median(w[0] for w in warm),
        "warmup_ms": median(w[1] for w in warm),
    }
