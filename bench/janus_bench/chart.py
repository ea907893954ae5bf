"""The PNG chart: per benchmark, the step time of each configuration (median of the runs'
steady states, whiskers from the fastest to the slowest run) and the step time over the
steps of the first round (warm-up through the tiers)."""
import matplotlib

matplotlib.use("Agg")   # no display: write files only
import matplotlib.pyplot as plt  # noqa: E402


def _plottable(doc):
    for b in doc["benchmarks"]:
        if b["skipped"]:
            continue
        cfgs = [c for c in b["configs"] if "median_ms" in c["summary"]]
        if cfgs:
            yield b, cfgs


def write_chart(doc, path):
    items = list(_plottable(doc))
    rows = max(1, len(items))
    height = 2.8 * rows + 0.5   # inches: 0.5 for the title
    fig, axes = plt.subplots(rows, 2, figsize=(13, height), squeeze=False)
    if not items:
        axes[0][0].text(0.5, 0.5, "no configuration produced step times", ha="center")
        axes[0][1].set_axis_off()
    for (b, cfgs), (bars, curve) in zip(items, axes):
        names = [c["name"] for c in cfgs]
        med = [c["summary"]["median_ms"] for c in cfgs]
        # Whiskers span the runs' steady states (not single steps, whose outliers on a shared
        # machine would dwarf the bars); the table has the single-step min/max.
        low = [m - min(c["summary"]["run_steady_ms"]) for m, c in zip(med, cfgs)]
        high = [max(c["summary"]["run_steady_ms"]) - m for m, c in zip(med, cfgs)]
        colors = [f"C{i}" for i in range(len(cfgs))]
        bars.bar(names, med, yerr=[low, high], color=colors, capsize=4)
        bars.set_title(f"{b['id']}: step time (median of runs, range of runs)", fontsize=9)
        bars.set_ylabel("ms / step")
        bars.tick_params(axis="x", labelsize=8)
        missing = [f"{c['name']}: {c['summary']['status']}" for c in b["configs"]
                   if "median_ms" not in c["summary"]]
        if missing:   # say which configurations have no bar, and why not in one word
            bars.text(0.99, 0.97, "\n".join(missing), transform=bars.transAxes, ha="right",
                      va="top", fontsize=7, color="dimgray")
        firsts = [next((run["times_ms"] for run in c["runs"] if run["times_ms"]), [])
                  for c in cfgs]
        for i, (c, times) in enumerate(zip(cfgs, firsts)):
            curve.plot(range(len(times)), times, marker=".", color=colors[i], label=c["name"])
        shown = [t for times in firsts for t in times if t > 0]
        # A log scale only when the tiers span more than a decade; else it hides the detail.
        log = bool(shown) and max(shown) > 10 * min(shown)
        if log:
            curve.set_yscale("log")
        curve.set_title(f"{b['id']}: step time over the steps of round 1", fontsize=9)
        curve.set_xlabel("step")
        curve.set_ylabel("ms (log)" if log else "ms")
        curve.legend(fontsize=7)
    fig.suptitle(f"Janus benchmarks, {doc['date']} ({doc['mode']} mode)", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / height))
    fig.savefig(path, dpi=80)
    plt.close(fig)
