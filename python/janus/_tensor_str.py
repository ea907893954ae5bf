"""repr/str of tensors, following PyTorch's printing rules (precision 4, threshold 1000,
edgeitems 3, linewidth 80; fixed, integer-valued or scientific float formats)."""
import math

PRECISION = 4
THRESHOLD = 1000
EDGEITEMS = 3
LINEWIDTH = 80


def _flat_values(t):
    """All values as Python numbers (summarized tensors only contribute their edges)."""
    if t.dim() == 0:
        return [t.item()]
    if t.numel() > THRESHOLD:
        return _summary_values(t)
    return _flatten(t.tolist(), t.dim())


def _flatten(nested, depth):
    if depth == 1:
        return list(nested)
    out = []
    for row in nested:
        out.extend(_flatten(row, depth - 1))
    return out


def _summary_values(t):
    if t.dim() == 1:
        n = t.shape[0]
        rows = range(n) if n <= 2 * EDGEITEMS else list(range(EDGEITEMS)) + list(range(n - EDGEITEMS, n))
        return [t[i].item() for i in rows]
    n = t.shape[0]
    rows = range(n) if n <= 2 * EDGEITEMS else list(range(EDGEITEMS)) + list(range(n - EDGEITEMS, n))
    out = []
    for i in rows:
        out.extend(_summary_values(t[i]))
    return out


class _Formatter:
    """Chooses one width and one number format for every element of a tensor."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        if not floating:
            for v in values:
                self.width = max(self.width, len(str(v)))
            return
        finite = [abs(v) for v in values if math.isfinite(v) and v != 0]
        if not finite:
            return
        lo, hi = min(finite), max(finite)
        self.int_mode = all(v == math.ceil(v) for v in finite)
        if self.int_mode:
            if hi / lo > 1000.0 or hi > 1.0e8:
                self.sci_mode = True
                self.width = max(len(f"{v:.{PRECISION}e}") for v in self._signed(values))
            else:
                self.width = max(len(f"{v:.0f}") + 1 for v in self._signed(values))
        else:
            if hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4:
                self.sci_mode = True
                self.width = max(len(f"{v:.{PRECISION}e}") for v in self._signed(values))
            else:
                self.width = max(len(f"{v:.{PRECISION}f}") for v in self._signed(values))

    @staticmethod
    def _signed(values):
        return [v for v in values if math.isfinite(v) and v != 0]

    def format(self, v):
        if self.floating:
            if self.sci_mode:
                s = f"{v:{self.width}.{PRECISION}e}"
            elif self.int_mode:
                s = f"{v:.0f}"
                if math.isfinite(v):
                    s += "."
            else:
                s = f"{v:.{PRECISION}f}"
        else:
            s = str(v)
        return " " * (self.width - len(s)) + s


def _vector(t, indent, summarize, fmt):
    per_item = fmt.width + 2
    per_line = max(1, (LINEWIDTH - indent) // per_item)
    n = t.shape[0]
    if summarize and n > 2 * EDGEITEMS:  # only the edges are read
        items = [fmt.format(v) for v in t[:EDGEITEMS].tolist()] + [" ..."] + \
                [fmt.format(v) for v in t[n - EDGEITEMS:].tolist()]
    else:
        items = [fmt.format(v) for v in t.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(t, indent, summarize, fmt):
    dim = t.dim()
    if dim == 0:
        return fmt.format(t.item())
    if dim == 1:
        return _vector(t, indent, summarize, fmt)
    n = t.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        parts = [_nested(t[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)] + ["..."] + \
                [_nested(t[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)]
    else:
        parts = [_nested(t[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(parts) + "]"


def _with_suffixes(body, suffixes, indent):
    out = [body]
    last = len(body) - body.rfind("\n") + 1
    for s in suffixes:
        if last + len(s) + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + s)
            last = indent + len(s)
        else:
            out.append(", " + s)
            last += len(s) + 2
    out.append(")")
    return "".join(out)


def tensor_repr(t):
    import janus
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    default = janus.get_default_dtype()
    source = t
    if t.is_cuda:  # PyTorch names the device first, and prints the values copied to the host
        suffixes.append("device='{}'".format(t.device))
        t = t.detach().cpu()
    if t.numel() == 0:
        if t.dim() != 1:
            suffixes.append("size=" + str(tuple(t.shape)))
        if t.dtype != default:
            suffixes.append("dtype=" + str(t.dtype))
        body = "[]"
    else:
        if t.dtype not in (default, janus.int64, janus.bool):
            suffixes.append("dtype=" + str(t.dtype))
        summarize = t.numel() > THRESHOLD
        fmt = _Formatter(_flat_values(t), t.dtype.is_floating_point)
        body = _nested(t, indent, summarize, fmt)
    if source.grad_fn is not None:
        suffixes.append("grad_fn=<{}>".format(source.grad_fn.name()))
    elif source.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent)
