"""Parsing of the step convention every benchmark follows.

A benchmark prints one line per step, exactly `step {i} loss {loss:.10g} time_ms {ms:.4f}`
(the loss field is optional for pure-Python programs), and may end with lines starting with
`# ` (free-form notes, e.g. a checksum). Any other line is ignored, so a script may log freely.
"""
import re
from dataclasses import dataclass, field

STEP_LINE = re.compile(
    r"^step (?P<i>\d+)(?: loss (?P<loss>\S+))? time_ms (?P<ms>[0-9.eE+-]+|nan|inf)\s*$")
UNSUPPORTED_PREFIX = "# torchscript unsupported:"


@dataclass
class StepOutput:
    """What one run printed: step times (ms) in step order, losses, `# ` notes."""
    indices: list = field(default_factory=list)
    times_ms: list = field(default_factory=list)
    losses: list = field(default_factory=list)   # None where a step printed no loss
    notes: list = field(default_factory=list)    # the `# ...` lines, without the '# '
    unsupported: str | None = None                # reason from `# torchscript unsupported:`


class StepFormatError(ValueError):
    """A line starts like a step line but is malformed, or steps are out of order."""


def parse_steps(text):
    """Parses a run's stdout; raises StepFormatError on a malformed or out-of-order step line
    (a benchmark whose output cannot be trusted must not produce numbers)."""
    out = StepOutput()
    for line in text.splitlines():
        if line.startswith("step "):
            m = STEP_LINE.match(line)
            if not m:
                raise StepFormatError(f"malformed step line: {line!r}")
            i = int(m["i"])
            expected = out.indices[-1] + 1 if out.indices else None
            if expected is not None and i != expected:
                raise StepFormatError(f"step {i} follows step {out.indices[-1]}")
            ms = float(m["ms"])
            if not ms >= 0.0 or ms == float("inf"):
                raise StepFormatError(
                    f"step {i}: time_ms must be a finite number >= 0, got {m['ms']}")
            out.indices.append(i)
            out.times_ms.append(ms)
            out.losses.append(float(m["loss"]) if m["loss"] is not None else None)
        elif line.startswith(UNSUPPORTED_PREFIX):
            out.unsupported = line[len(UNSUPPORTED_PREFIX):].strip()
        elif line.startswith("# "):
            out.notes.append(line[2:])
    return out
