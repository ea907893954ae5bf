"""The Janus benchmark harness: Janus and its peers side by side, in alternation, in one run.

Entry point: bench/run (see bench/README.md). Modules, one job each:
  steps     parse the `step i [loss L] time_ms T` lines a benchmark prints
  stats     medians, steady state, warm-up detection, paired ratios
  configs   the configurations (peers and Janus tiers), one table
  discover  which examples and programs to run
  measure   run one process: step times, peak memory, thread count
  session   the alternating rounds over every benchmark and configuration
  report    the text table and the JSON file
  chart     the PNG chart
  cuda      the GPU mode's device probe
  cli       command-line flags
"""
