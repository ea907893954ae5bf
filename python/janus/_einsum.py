"""torch.einsum and torch.diag as compositions of registered differentiable ops (permute,
reshape, slicing, sum, bmm, where, cat), so their gradients come from those ops.

einsum contracts the operands left to right, two at a time: labels both operands carry that are
still needed later become bmm's batch dimension, labels no later operand or the output needs are
summed (alone: before the product; shared: as bmm's inner dimension). Repeated labels within one
operand take its diagonal; '...' stands for the same broadcast dimensions in every operand."""
import string

import _janus as _C

_SPARE = [c for c in string.ascii_uppercase + string.ascii_lowercase]


def _parse(equation, operands):
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum(): more operands were provided than specified in the equation"
                           if len(operands) > len(terms) else
                           "einsum(): fewer operands were provided than specified in the equation")
    used = set(c for c in equation if c.isalpha())
    ellipsis_labels = None
    parsed = []
    for term, op in zip(terms, operands):
        if any(not (c.isalpha() or c == ".") for c in term):
            bad = next(c for c in term if not (c.isalpha() or c == "."))
            raise RuntimeError(f"einsum(): invalid subscript given at index {equation.index(bad)} in the equation "
                               f"string, subscripts must be in [a-zA-Z]")
        if "..." in term:
            n = op.dim() - (len(term) - 3)
            if n < 0:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(term) - 3}) is more than "
                                   f"the number of dimensions ({op.dim()}) for operand {len(parsed)}")
            if ellipsis_labels is None or len(ellipsis_labels) < n:
                spare = [c for c in _SPARE if c not in used]
                ellipsis_labels = spare[:max(n, len(ellipsis_labels or ()))]
            labels = list(term.replace("...", "\0"))
            i = labels.index("\0")
            labels[i:i + 1] = ellipsis_labels[len(ellipsis_labels) - n:]
        else:
            labels = list(term)
            if len(labels) != op.dim():
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(labels)}) does not match "
                                   f"the number of dimensions ({op.dim()}) for operand {len(parsed)} and no ellipsis "
                                   f"was given")
        parsed.append(labels)
    ell = ellipsis_labels or []
    if arrow:
        out = list(rhs.replace("...", "\0"))
        if "\0" in out:
            i = out.index("\0")
            out[i:i + 1] = ell
        for c in out:
            if not any(c in labels for labels in parsed):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input operand")
        if len(set(out)) != len(out):
            raise RuntimeError("einsum(): output subscript appears more than once in the output")
    else:
        counts = {}
        for labels in parsed:
            for c in labels:
                counts[c] = counts.get(c, 0) + 1
        out = list(ell) + sorted(c for c, k in counts.items() if k == 1 and c not in ell)
    return parsed, out


def _diagonals(t, labels):
    """Takes the diagonal over each label repeated within one operand."""
    while len(set(labels)) != len(labels):
        c = next(c for c in labels if labels.count(c) > 1)
        i, j = [k for k, x in enumerate(labels) if x == c][:2]
        n = t.shape[i]
        if t.shape[j] != n:
            raise RuntimeError(f"einsum(): subscript {c} is repeated for operand but the sizes don't match, "
                               f"{t.shape[j]} != {n}")
        rest = [k for k in range(t.dim()) if k not in (i, j)]
        t = t.permute(*rest, i, j).reshape(*[t.shape[k] for k in rest], n * n)[..., ::n + 1]
        labels = [labels[k] for k in rest] + [c]
    return t, labels


def _sum_out(t, labels, keep):
    dims = [k for k, c in enumerate(labels) if c not in keep]
    if dims:
        t = t.sum(dims)
        labels = [c for c in labels if c in keep]
    return t, labels


def _contract(a, la, b, lb, needed):
    batch = [c for c in la if c in lb and c in needed]
    inner = [c for c in la if c in lb and c not in needed]
    left = [c for c in la if c not in lb]
    right = [c for c in lb if c not in la]
    size = {}
    for t, labels in ((a, la), (b, lb)):
        for c, n in zip(labels, t.shape):
            if size.get(c, 1) != 1 and n != 1 and size[c] != n:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes (original->remapped): "
                                   f"subscript {c} has sizes {size[c]} and {n}")
            size[c] = max(size.get(c, 1), n)

    def arrange(t, labels, order):
        if not order:
            return t
        t = t.permute(*[labels.index(c) for c in order])
        return t.expand(*[size[c] for c in order])

    def prod(cs):
        p = 1
        for c in cs:
            p *= size[c]
        return p

    a = arrange(a, la, batch + left + inner).reshape(prod(batch), prod(left), prod(inner))
    b = arrange(b, lb, batch + inner + right).reshape(prod(batch), prod(inner), prod(right))
    out = _C.bmm(a, b).reshape(tuple(size[c] for c in batch + left + right))
    return out, batch + left + right


def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    parsed, out = _parse(equation, operands)
    terms = []
    for t, labels in zip(operands, parsed):
        terms.append(_diagonals(t, labels))
    t, labels = terms[0]
    for k in range(1, len(terms) + 1):
        later = set(out).union(*[set(l) for _, l in terms[k:]])
        t, labels = _sum_out(t, labels, later)
        if k == len(terms):
            break
        b, lb = terms[k]
        later_b = set(out).union(set(labels), *[set(l) for _, l in terms[k + 1:]])
        b, lb = _sum_out(b, lb, later_b)
        needed = set(out).union(*[set(l) for _, l in terms[k + 1:]])
        t, labels = _contract(t, labels, b, lb, needed)
    if not out:
        return t.reshape(()) if t.dim() else t
    return t.permute(*[labels.index(c) for c in out])


def diag(input, diagonal=0):
    """1-D: the square matrix with input on its `diagonal`-th diagonal; 2-D: that diagonal."""
    k = int(diagonal)
    if input.dim() == 1:
        n = input.shape[0]
        mask = _C._eye(n, dtype=_C.get_default_dtype()).bool()
        square = _C.where(mask, input.unsqueeze(1), _C._zeros((), dtype=input.dtype))
        if k == 0:
            return square
        m = n + abs(k)
        columns = _C._zeros((n, abs(k)), dtype=input.dtype)
        rows = _C._zeros((abs(k), m), dtype=input.dtype)
        if k > 0:
            return _C.cat([_C.cat([columns, square], 1), rows], 0)
        return _C.cat([rows, _C.cat([square, columns], 1)], 0)
    if input.dim() == 2:
        rows, cols = input.shape
        if k >= 0:
            if k > cols:  # torch 1.13 raises here (only past the last column; past the last row it is empty)
                raise RuntimeError(f"diag(): diagonal {k} is out of range for a {rows}x{cols} matrix")
            n = max(0, min(rows, cols - k))
            r, c = _C._arange(0, n, 1, dtype=None), _C._arange(k, k + n, 1, dtype=None)
        else:
            n = max(0, min(rows + k, cols))
            r, c = _C._arange(-k, -k + n, 1, dtype=None), _C._arange(0, n, 1, dtype=None)
        return input[r, c]
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.dim()}D")
