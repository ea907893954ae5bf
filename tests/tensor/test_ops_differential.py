"""Every op of the registry (_janus._registry) against Debian's torch 1.13: forward values,
dtypes and shapes (broadcasting, non-contiguous views, 0-d and empty tensors, each dtype the
op takes) and float64 gradients against torch's. An op registered without a spec here fails
test_every_registered_op_has_a_spec."""
import numpy as np
import pytest

import _janus
import janus
import torch

from conftest import assert_same

RNG = np.random.default_rng(1234)


class A:
    """An input: kind of values, shape, and whether it is passed as a non-contiguous view."""

    def __init__(self, kind, shape=(), noncontig=False, grad=True, dtype=None):
        self.kind, self.shape, self.noncontig, self.grad, self.dtype = kind, tuple(shape), noncontig, grad, dtype

    def make(self, dtype):
        shape = self.shape[::-1] if self.noncontig else self.shape
        k = self.kind
        if k == "f":
            v = RNG.standard_normal(shape)
        elif k == "p":
            v = RNG.uniform(0.5, 2.0, shape)
        elif k == "u":
            v = RNG.uniform(-0.9, 0.9, shape)
        elif k == "i":
            v = RNG.integers(-5, 6, shape)
        elif k == "n":
            v = RNG.integers(0, 4, shape)
        elif k == "c":
            v = RNG.integers(0, 3, shape)
        elif k == "nz":
            v = RNG.choice([-3, -2, -1, 1, 2, 3], shape)
        elif k == "b":
            v = RNG.random(shape) > 0.5
        else:
            raise ValueError(k)
        dt = self.dtype or ("bool" if k == "b" else dtype if k in "fpu" else
                            ("int64" if dtype in ("float32", "float64", "bool") else dtype))
        v = np.asarray(v).astype(dt)
        return v

    def tensors(self, dtype, requires_grad):
        v = self.make(dtype)
        dt = str(v.dtype) if v.dtype != np.bool_ else "bool"
        j = janus.tensor(v.tolist(), dtype=getattr(janus, dt)).reshape(v.shape)
        t = torch.tensor(v)
        if self.noncontig and v.ndim >= 2:
            perm = tuple(range(v.ndim))[::-1]
            j, t = j.permute(*perm), t.permute(*perm)
            assert not j.is_contiguous()
        if requires_grad and self.grad and v.dtype.kind == "f":
            j.requires_grad_(True)
            t.requires_grad_(True)
        return j, t


class Case:
    def __init__(self, call, *inputs, dtypes=("float32", "float64"), grad=True, rtol=None, atol=None):
        self.call, self.inputs, self.dtypes, self.grad = call, inputs, dtypes, grad
        self.rtol, self.atol = rtol, atol


def run_case(case, dtype):
    want_grad = case.grad and dtype == "float64"
    js, ts = [], []
    for a in case.inputs:
        if isinstance(a, A):
            j, t = a.tensors(dtype, want_grad)
        else:
            j = t = a
        js.append(j)
        ts.append(t)
    expected = case.call(torch, *ts)
    got = case.call(janus, *js)
    loose = dtype != "float64"
    rtol = case.rtol or (1e-4 if loose else 1e-7)
    atol = case.atol or (1e-5 if loose else 1e-9)
    assert_same(got, expected, rtol=rtol, atol=atol)
    if not want_grad:
        return
    outs_t = expected if isinstance(expected, (tuple, list)) else [expected]
    outs_j = got if isinstance(got, (tuple, list)) else [got]
    loss_t, loss_j = 0, 0
    for ot, oj in zip(outs_t, outs_j):
        if isinstance(ot, torch.Tensor) and ot.requires_grad:
            w = RNG.standard_normal(tuple(ot.shape))
            loss_t = loss_t + (ot * torch.tensor(w)).sum()
            loss_j = loss_j + (oj * janus.tensor(w.tolist(), dtype=janus.float64).reshape(w.shape)).sum()
    if isinstance(loss_t, int):
        return
    tin = [t for t in ts if isinstance(t, torch.Tensor) and t.requires_grad]
    jin = [j for j in js if isinstance(j, janus.Tensor) and j.requires_grad]
    gt = torch.autograd.grad(loss_t, tin, allow_unused=True)
    gj = janus.autograd.grad(loss_j, jin, allow_unused=True)
    for a, b in zip(gj, gt):
        if b is None:
            assert a is None or float(a.abs().sum()) == 0.0
        else:
            if a is None:  # janus leaves an input the graph does not reach without a gradient
                assert float(b.abs().sum()) == 0.0, "janus gave no gradient where torch did"
            else:
                assert_same(a, b, rtol=1e-6, atol=1e-8)


def fn(name):
    return lambda lib, *a, **k: getattr(lib, name)(*a, **k)


def method(name):
    return lambda lib, x, *a, **k: getattr(x, name)(*a, **k)


F = A  # shorthand in the tables below
ALL_NUMERIC = ("float32", "float64", "int64", "int32")

# ---- specs ------------------------------------------------------------------------------------------
SPECS = {}


def binary_cases(name, lhs="f", rhs="f", int_rhs="i", ints=True, bools=False):
    cases = [
        Case(fn(name), A(lhs, (2, 3)), A(rhs, (2, 3))),
        Case(fn(name), A(lhs, (2, 1, 3)), A(rhs, (4, 3))),
        Case(fn(name), A(lhs, (3, 2), noncontig=True), A(rhs, (3, 2))),
        Case(fn(name), A(lhs, ()), A(rhs, (2, 3))),
        Case(fn(name), A(lhs, (0, 3)), A(rhs, (1, 3))),
    ]
    if name not in ("maximum", "minimum"):
        cases += [Case(fn(name), A(lhs, (2, 3)), 2.5 if rhs in "fp" else 2), Case(fn(name), A(lhs, (2, 3)), 3)]
    cases += [
        Case(fn(name), A(lhs, (2, 3), dtype="float32"), A(rhs, (3,), dtype="float64"), dtypes=("float64",)),
    ]
    if ints:
        cases += [Case(fn(name), A("i" if lhs in "fu" else lhs, (2, 3)), A(int_rhs, (2, 3)), dtypes=("int64", "int32")),
                  Case(fn(name), A("i", (2, 3), dtype="int64"), A(rhs, (3,)), dtypes=("float32",)),
                  Case(fn(name), A("i", (2, 3), dtype="int32"), A(int_rhs, (), dtype="int64"), dtypes=("int32",))]
    if bools:
        cases += [Case(fn(name), A("b", (2, 3)), A("b", (2, 3)), dtypes=("bool",))]
    if name in dir(torch.Tensor) and name in {n for n, w, s in _janus._registry if "M" in w}:
        cases.append(Case(method(name), A(lhs, (2, 3)), A(rhs, (2, 3))))
    return cases


for _n in ("add", "sub", "subtract", "mul", "multiply", "maximum", "minimum"):
    SPECS[_n] = binary_cases(_n, bools=_n in ("add", "mul", "multiply", "maximum", "minimum"))
SPECS["add"].append(Case(lambda lib, a, b: lib.add(a, b, alpha=2), A("f", (2, 3)), A("f", (3,))))
SPECS["sub"].append(Case(lambda lib, a, b: lib.sub(a, b, alpha=0.5), A("f", (2, 3)), A("f", (3,))))
SPECS["rsub"] = [Case(lambda lib, a, b: lib.rsub(a, b), A("f", (2, 3)), A("f", (3,))),
                 Case(lambda lib, a: lib.rsub(a, 2), A("f", (2, 3)))]
for _n in ("div", "divide", "true_divide"):
    SPECS[_n] = binary_cases(_n, rhs="p", int_rhs="nz")
SPECS["floor_divide"] = [Case(fn("floor_divide"), A("i", (2, 3)), A("nz", (2, 3)), dtypes=("int64", "int32"), grad=False),
                         Case(fn("floor_divide"), A("f", (2, 3)), A("p", (3,)), grad=False),
                         Case(fn("floor_divide"), A("i", (4,)), 3, dtypes=("int64",))]
SPECS["remainder"] = [Case(fn("remainder"), A("i", (2, 3)), A("nz", (2, 3)), dtypes=("int64", "int32")),
                      Case(fn("remainder"), A("f", (2, 3)), A("p", (3,))),
                      Case(fn("remainder"), A("f", (2, 3)), -1.5),
                      Case(fn("remainder"), A("i", (5,)), 3, dtypes=("int64",))]
SPECS["pow"] = [Case(fn("pow"), A("p", (2, 3)), A("f", (2, 3))),
                Case(fn("pow"), A("f", (2, 3)), 2),
                Case(fn("pow"), A("f", (2, 3)), 3.0),
                Case(fn("pow"), A("p", (2, 3)), A("f", ())),
                Case(fn("pow"), A("p", (3, 2), noncontig=True), 0.5),
                Case(fn("pow"), A("i", (2, 3)), A("n", (2, 3)), dtypes=("int64", "int32")),
                Case(method("pow"), A("p", (4,)), A("f", (4,)))]
for _n in ("eq", "ne", "lt", "le", "gt", "ge"):
    SPECS[_n] = [Case(fn(_n), A("i", (2, 3)), A("i", (2, 3)), dtypes=ALL_NUMERIC),
                 Case(fn(_n), A("f", (2, 1)), A("f", (3,))),
                 Case(fn(_n), A("i", (2, 3)), 1),
                 Case(fn(_n), A("i", (2, 3), dtype="int64"), A("f", (3,)), dtypes=("float32",)),
                 Case(fn(_n), A("b", (4,)), A("b", (4,)), dtypes=("bool",)),
                 Case(method(_n), A("i", (3,)), A("i", (3,)), dtypes=("int64",))]
for _n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    SPECS[_n] = [Case(fn(_n), A("i", (2, 3)), A("i", (2, 3)), dtypes=("int64", "int32")),
                 Case(fn(_n), A("b", (2, 3)), A("b", (3,)), dtypes=("bool",)),
                 Case(method(_n), A("i", (2, 3)), 3, dtypes=("int64",))]
for _n in ("logical_and", "logical_or"):
    SPECS[_n] = [Case(fn(_n), A("b", (2, 3)), A("b", (3,)), dtypes=("bool",)),
                 Case(fn(_n), A("i", (2, 3)), A("f", (2, 3)), dtypes=("float32",))]

UNARY_DOMAIN = {"log": "p", "log2": "p", "log10": "p", "log1p": "p", "sqrt": "p", "rsqrt": "p", "reciprocal": "p"}
UNARY_SAME_KIND = {"neg", "abs", "sign", "floor", "ceil", "round", "trunc", "relu"}
for _n in ("neg", "abs", "sign", "floor", "ceil", "round", "trunc", "relu", "exp", "expm1", "log", "log2", "log10",
           "log1p", "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan", "tanh", "sigmoid", "erf"):
    k = UNARY_DOMAIN.get(_n, "f")
    SPECS[_n] = [Case(fn(_n), A(k, (2, 3))),
                 Case(fn(_n), A(k, (3, 4), noncontig=True)),
                 Case(fn(_n), A(k, ())),
                 Case(fn(_n), A(k, (0, 2))),
                 Case(method(_n), A(k, (5,))),
                 Case(fn(_n), A("n" if k == "p" else "i", (2, 3)), dtypes=("int64", "int32"))]
    if _n in ("reciprocal", "rsqrt", "log", "log2", "log10"):
        SPECS[_n].pop()  # integer zeros give inf; covered by the float cases
        SPECS[_n].append(Case(fn(_n), A("n", (2, 3)) if False else A("p", (2, 3)), dtypes=("float64",)))

SPECS["logical_not"] = [Case(fn("logical_not"), A("b", (2, 3)), dtypes=("bool",)),
                        Case(fn("logical_not"), A("i", (2, 3)), dtypes=("int64",))]
SPECS["bitwise_not"] = [Case(fn("bitwise_not"), A("b", (2, 3)), dtypes=("bool",)),
                        Case(fn("bitwise_not"), A("i", (2, 3)), dtypes=("int64", "int32"))]
SPECS["isinf"] = [Case(lambda lib, x: lib.isinf(1 / x.round()), A("f", (3, 4)), grad=False),
                 Case(lambda lib, x: x.isinf(), A("i", (3,)), dtypes=("int64",))]
SPECS["isfinite"] = [Case(lambda lib, x: lib.isfinite(lib.log(x)), A("f", (3, 4)), grad=False)]
SPECS["isnan"] = [Case(lambda lib, x: lib.isnan(lib.log(x)), A("f", (2, 3)), grad=False)]
SPECS["clamp"] = [Case(lambda lib, x: lib.clamp(x, -0.5, 0.5), A("f", (3, 4))),
                  Case(lambda lib, x: lib.clamp(x, min=0.1), A("f", (3, 4), noncontig=True)),
                  Case(lambda lib, x: x.clamp(max=0.2), A("f", (3,))),
                  Case(lambda lib, x: lib.clamp(x, -2, 2), A("i", (5,)), dtypes=("int64",))]
SPECS["clip"] = [Case(lambda lib, x: lib.clip(x, -0.5, 0.5), A("f", (3, 4)))]
SPECS["where"] = [Case(lambda lib, c, x, y: lib.where(c, x, y), A("b", (2, 3)), A("f", (2, 3)), A("f", (3,))),
                  Case(lambda lib, c, x: lib.where(c, x, 0.0), A("b", (2, 3)), A("f", (2, 3))),
                  Case(lambda lib, c: lib.where(c, 1.0, 0.0), A("b", (2, 3)), dtypes=("bool",)),
                  Case(lambda lib, c, x, y: lib.where(c, x, y), A("b", (3,)), A("i", (2, 3)), A("f", (2, 3)),
                       dtypes=("float32",))]
SPECS["addcmul"] = [Case(lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), A("f", (2, 3)), A("f", (2, 3)), A("f", (3,)))]
SPECS["addcdiv"] = [Case(lambda lib, a, b, c: lib.addcdiv(a, b, c, value=-2), A("f", (2, 3)), A("f", (2, 3)), A("p", (3,)))]
SPECS["lerp"] = [Case(lambda lib, a, b, w: lib.lerp(a, b, w), A("f", (2, 3)), A("f", (2, 3)), A("u", (3,))),
                 Case(lambda lib, a, b: lib.lerp(a, b, 0.3), A("f", (2, 3)), A("f", (2, 3)))]
SPECS["_to_dtype"] = [Case(lambda lib, x: x.to(lib.float64), A("f", (2, 3)), dtypes=("float32",)),
                      Case(lambda lib, x: x.to(lib.int32), A("f", (2, 3)), dtypes=("float32",)),
                      Case(lambda lib, x: x.to(dtype=lib.float32) * 2, A("f", (2, 3)), dtypes=("float64",)),
                      Case(lambda lib, x: x.type(lib.float32), A("i", (2, 3)), dtypes=("int64",))]
for _n, _d in (("float", "float32"), ("double", "float64"), ("long", "int64"), ("int", "int32"), ("bool", "bool")):
    SPECS[_n] = [Case(method(_n), A("f", (2, 3))), Case(method(_n), A("i", (4,)), dtypes=("int64",))]
SPECS["type_as"] = [Case(lambda lib, x, y: x.type_as(y), A("i", (2, 3), dtype="int64"), A("f", (1,)))]
SPECS["masked_fill"] = [Case(lambda lib, x, m: lib.masked_fill(x, m, -1.5), A("f", (2, 3)), A("b", (2, 3))),
                        Case(lambda lib, x, m: x.masked_fill(m, 7), A("f", (2, 3)), A("b", (3,))),
                        Case(lambda lib, x, m: x.masked_fill(m, 7), A("i", (2, 3)), A("b", (3,)), dtypes=("int64",))]

# reductions
SPECS["sum"] = [Case(fn("sum"), A("f", (2, 3))),
                Case(lambda lib, x: x.sum(axis=0, keepdims=True), A("f", (2, 3))),
                Case(lambda lib, x: x.sum((0, 1)), A("f", (2, 3, 4))),
                Case(lambda lib, x: x.sum(0), A("i", (5, 3)), dtypes=("int64",)),
                Case(lambda lib, x: lib.sum(x, 1), A("f", (2, 3, 4))),
                Case(lambda lib, x: x.sum(dim=(0, 2), keepdim=True), A("f", (2, 3, 4))),
                Case(lambda lib, x: x.sum(-1), A("f", (3, 4), noncontig=True)),
                Case(fn("sum"), A("f", ())),
                Case(fn("sum"), A("f", (0, 3))),
                Case(lambda lib, x: x.sum(0), A("f", (0, 3))),
                Case(fn("sum"), A("i", (2, 3)), dtypes=("int64", "int32")),
                Case(fn("sum"), A("b", (2, 3)), dtypes=("bool",)),
                Case(lambda lib, x: x.sum(dtype=lib.float64), A("f", (2, 3)), dtypes=("float32",))]
SPECS["mean"] = [Case(fn("mean"), A("f", (2, 3))),
                 Case(lambda lib, x: x.mean(1, keepdim=True), A("f", (2, 3, 4))),
                 Case(lambda lib, x: x.mean((0, 1)), A("f", (3, 4), noncontig=True)),
                 Case(fn("mean"), A("f", ()))]
SPECS["prod"] = [Case(fn("prod"), A("p", (2, 3))),
                 Case(lambda lib, x: x.prod(1), A("p", (2, 3))),
                 Case(lambda lib, x: x.prod(0, keepdim=True), A("f", (3, 2), noncontig=True)),
                 Case(fn("prod"), A("i", (2, 3)), dtypes=("int64",))]
for _n in ("max", "min"):
    SPECS[_n] = [Case(fn(_n), A("f", (2, 3))),
                 Case(lambda lib, x, _n=_n: getattr(lib, _n)(x, 1), A("f", (2, 3))),
                 Case(lambda lib, x, _n=_n: tuple(getattr(x, _n)(dim=0, keepdim=True)), A("f", (3, 2), noncontig=True)),
                 Case(lambda lib, x, _n=_n: getattr(x, _n)(1).values, A("f", (4, 5))),
                 Case(lambda lib, x, _n=_n: getattr(x, _n)(1).indices, A("i", (4, 5)), dtypes=("int64",)),
                 Case(lambda lib, x, y, _n=_n: getattr(lib, _n)(x, y), A("f", (2, 3)), A("f", (3,))),
                 Case(fn(_n), A("i", (2, 3)), dtypes=("int64", "int32"))]
for _n in ("amax", "amin"):
    SPECS[_n] = [Case(lambda lib, x, _n=_n: getattr(lib, _n)(x, 1), A("f", (2, 3))),
                 Case(lambda lib, x, _n=_n: getattr(lib, _n)(x, (0, 2), keepdim=True), A("f", (2, 3, 2))),
                 Case(lambda lib, x, _n=_n: getattr(x, _n)(), A("f", (4,)))]
for _n in ("argmax", "argmin"):
    SPECS[_n] = [Case(fn(_n), A("f", (3, 4))),
                 Case(lambda lib, x, _n=_n: getattr(lib, _n)(x, 1), A("f", (3, 4))),
                 Case(lambda lib, x, _n=_n: getattr(x, _n)(dim=0, keepdim=True), A("i", (3, 4), noncontig=True),
                      dtypes=("int64",))]
for _n in ("var", "std"):
    SPECS[_n] = [Case(fn(_n), A("f", (3, 4))),
                 Case(lambda lib, x, _n=_n: getattr(lib, _n)(x, 1), A("f", (3, 4))),
                 Case(lambda lib, x, _n=_n: getattr(x, _n)(0, unbiased=False, keepdim=True), A("f", (3, 4), noncontig=True)),
                 Case(lambda lib, x, _n=_n: getattr(x, _n)(unbiased=False), A("f", (5,)))]
SPECS["norm"] = [Case(fn("norm"), A("f", (3, 4))),
                 Case(lambda lib, x: x.norm(1), A("f", (3, 4))),
                 Case(lambda lib, x: x.norm(float("inf")), A("f", (3, 4))),
                 Case(lambda lib, x: x.norm(dim=1), A("f", (3, 4))),
                 Case(lambda lib, x: x.norm(p=3, dim=0, keepdim=True), A("f", (3, 4), noncontig=True))]
for _n in ("all", "any"):
    SPECS[_n] = [Case(fn(_n), A("b", (2, 3)), dtypes=("bool",)),
                 Case(lambda lib, x, _n=_n: getattr(x, _n)(1), A("b", (2, 3)), dtypes=("bool",)),
                 Case(lambda lib, x, _n=_n: getattr(lib, _n)(x, 0, keepdim=True), A("n", (3, 2)), dtypes=("int64",)),
                 Case(fn(_n), A("f", (2, 2)), grad=False)]
SPECS["logsumexp"] = [Case(lambda lib, x: lib.logsumexp(x, 1), A("f", (3, 4))),
                      Case(lambda lib, x: x.logsumexp((0, 1), keepdim=True), A("f", (3, 4), noncontig=True))]
SPECS["sum_to_size"] = [Case(lambda lib, x: x.sum_to_size(1, 3), A("f", (4, 3))),
                        Case(lambda lib, x: x.sum_to_size((2, 1)), A("f", (2, 5)))]

# linear algebra
SPECS["mm"] = [Case(fn("mm"), A("f", (2, 3)), A("f", (3, 4))),
               Case(fn("mm"), A("f", (2, 3), noncontig=True), A("f", (3, 4), noncontig=True)),
               Case(fn("mm"), A("f", (0, 3)), A("f", (3, 2))),
               Case(fn("mm"), A("f", (2, 0)), A("f", (0, 2))),
               Case(fn("mm"), A("i", (2, 3)), A("i", (3, 2)), dtypes=("int64",)),
               Case(method("mm"), A("f", (1, 3)), A("f", (3, 1)))]
SPECS["bmm"] = [Case(fn("bmm"), A("f", (2, 3, 4)), A("f", (2, 4, 5))),
                Case(lambda lib, a, b: lib.bmm(a.transpose(1, 2), b), A("f", (2, 4, 3)), A("f", (2, 4, 2)))]
SPECS["matmul"] = [Case(fn("matmul"), A("f", (3,)), A("f", (3,))),
                   Case(fn("matmul"), A("f", (2, 3)), A("f", (3,))),
                   Case(fn("matmul"), A("f", (3,)), A("f", (3, 2))),
                   Case(fn("matmul"), A("f", (2, 3)), A("f", (3, 4))),
                   Case(fn("matmul"), A("f", (5, 2, 3)), A("f", (3, 4))),
                   Case(fn("matmul"), A("f", (5, 2, 3)), A("f", (3,))),
                   Case(fn("matmul"), A("f", (2, 3)), A("f", (5, 3, 4))),
                   Case(fn("matmul"), A("f", (2, 1, 2, 3)), A("f", (4, 3, 2))),
                   Case(lambda lib, a, b: a @ b, A("f", (2, 3)), A("f", (3, 4), noncontig=True))]
SPECS["dot"] = [Case(fn("dot"), A("f", (4,)), A("f", (4,))), Case(fn("dot"), A("i", (3,)), A("i", (3,)), dtypes=("int64",))]
SPECS["mv"] = [Case(fn("mv"), A("f", (2, 3)), A("f", (3,))), Case(fn("mv"), A("f", (3, 2), noncontig=True), A("f", (2,)))]
SPECS["addmm"] = [Case(fn("addmm"), A("f", (4,)), A("f", (2, 3)), A("f", (3, 4))),
                  Case(lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2), A("f", (2, 4)), A("f", (2, 3)), A("f", (3, 4)))]
SPECS["outer"] = [Case(fn("outer"), A("f", (3,)), A("f", (4,)))]

# shapes and views
SPECS["view"] = [Case(lambda lib, x: x.view(3, 2), A("f", (2, 3))),
                 Case(lambda lib, x: x.view(-1), A("f", (2, 3, 4))),
                 Case(lambda lib, x: x.view((4, -1)), A("f", (2, 3, 4))),
                 Case(lambda lib, x: x[:, 1:].view(6), A("f", (6, 2))) if False else
                 Case(lambda lib, x: x.t().view(2, 2, 3), A("f", (3, 4), noncontig=True)),
                 Case(lambda lib, x: x.view(1, 0), A("f", (0,)))]
SPECS["reshape"] = [Case(lambda lib, x: x.reshape(3, 2), A("f", (2, 3))),
                    Case(lambda lib, x: lib.reshape(x, (-1,)), A("f", (3, 4), noncontig=True)),
                    Case(lambda lib, x: x.reshape(()), A("f", (1, 1)))]
SPECS["view_as"] = [Case(lambda lib, x, y: x.view_as(y), A("f", (2, 3)), A("f", (3, 2), grad=False))]
SPECS["reshape_as"] = [Case(lambda lib, x, y: x.reshape_as(y), A("f", (2, 3), noncontig=True), A("f", (6,), grad=False))]
SPECS["expand"] = [Case(lambda lib, x: x.expand(2, 3, 4), A("f", (3, 1))),
                   Case(lambda lib, x: x.expand(-1, 4), A("f", (3, 1))),
                   Case(lambda lib, x: x.expand((2, 2)) * 1, A("f", ()))]
SPECS["expand_as"] = [Case(lambda lib, x, y: x.expand_as(y), A("f", (1, 3)), A("f", (2, 3), grad=False))]
SPECS["permute"] = [Case(lambda lib, x: x.permute(2, 0, 1), A("f", (2, 3, 4))),
                    Case(lambda lib, x: lib.permute(x, (1, 0)), A("f", (2, 3), noncontig=True))]
SPECS["transpose"] = [Case(lambda lib, x: x.transpose(0, 2), A("f", (2, 3, 4))),
                      Case(lambda lib, x: lib.transpose(x, -1, 0), A("f", (2, 3)))]
SPECS["swapaxes"] = [Case(lambda lib, x: lib.swapaxes(x, 0, 1), A("f", (2, 3)))]
SPECS["t"] = [Case(fn("t"), A("f", (2, 3))), Case(fn("t"), A("f", (3,))), Case(lambda lib, x: x.T, A("f", (2, 3, 4)))]
SPECS["squeeze"] = [Case(fn("squeeze"), A("f", (1, 3, 1))), Case(lambda lib, x: x.squeeze(0), A("f", (1, 3))),
                    Case(lambda lib, x: x.squeeze(1), A("f", (2, 3)))]
SPECS["unsqueeze"] = [Case(lambda lib, x: x.unsqueeze(0), A("f", (2, 3))), Case(lambda lib, x: x.unsqueeze(-1), A("f", (2, 3))),
                      Case(lambda lib, x: lib.unsqueeze(x, 1), A("f", (3, 2), noncontig=True))]
SPECS["flatten"] = [Case(fn("flatten"), A("f", (2, 3, 4))), Case(lambda lib, x: x.flatten(1), A("f", (2, 3, 4))),
                    Case(lambda lib, x: x.flatten(0, 1), A("f", (4, 3, 2), noncontig=True)), Case(fn("flatten"), A("f", ()))]
SPECS["select"] = [Case(lambda lib, x: x.select(1, -1), A("f", (2, 3))), Case(lambda lib, x: lib.select(x, 0, 1), A("f", (3, 2), noncontig=True))]
SPECS["narrow"] = [Case(lambda lib, x: x.narrow(1, 1, 2), A("f", (2, 4))), Case(lambda lib, x: lib.narrow(x, 0, 0, 0), A("f", (2, 4)))]
SPECS["contiguous"] = [Case(lambda lib, x: x.contiguous(), A("f", (3, 4), noncontig=True))]
SPECS["clone"] = [Case(fn("clone"), A("f", (3, 4), noncontig=True)), Case(fn("clone"), A("i", (3,)), dtypes=("int64",))]
SPECS["cat"] = [Case(lambda lib, a, b: lib.cat([a, b]), A("f", (2, 3)), A("f", (1, 3))),
                Case(lambda lib, a, b: lib.cat((a, b), dim=1), A("f", (2, 3), noncontig=True), A("f", (2, 1))),
                Case(lambda lib, a, b: lib.cat([a, b], -1), A("f", (2, 3)), A("f", (0,))),
                Case(lambda lib, a, b: lib.cat([a, b]), A("i", (2,)), A("f", (3,)), dtypes=("float32",))]
SPECS["concat"] = [Case(lambda lib, a, b: lib.concat([a, b]), A("f", (2, 3)), A("f", (1, 3)))]
SPECS["stack"] = [Case(lambda lib, a, b: lib.stack([a, b]), A("f", (2, 3)), A("f", (2, 3))),
                  Case(lambda lib, a, b: lib.stack([a, b], dim=-1), A("f", (2, 3)), A("f", (2, 3)))]
SPECS["split"] = [Case(lambda lib, x: x.split(2), A("f", (5, 3))),
                  Case(lambda lib, x: lib.split(x, [1, 2], dim=1), A("f", (2, 3))),
                  Case(lambda lib, x: x.split(1, -1), A("f", (2, 3), noncontig=True))]
SPECS["chunk"] = [Case(lambda lib, x: x.chunk(3), A("f", (7, 2))), Case(lambda lib, x: lib.chunk(x, 2, 1), A("f", (2, 4)))]
SPECS["unbind"] = [Case(lambda lib, x: x.unbind(), A("f", (3, 2))), Case(lambda lib, x: lib.unbind(x, 1), A("f", (3, 2)))]
SPECS["repeat"] = [Case(lambda lib, x: x.repeat(2, 3), A("f", (2, 3))), Case(lambda lib, x: x.repeat(2, 1, 2), A("f", (3,)))]

# along one dim
SPECS["cumsum"] = [Case(lambda lib, x: lib.cumsum(x, 1), A("f", (2, 3))), Case(lambda lib, x: x.cumsum(0), A("f", (3, 2), noncontig=True)),
                   Case(lambda lib, x: x.cumsum(-1), A("i", (2, 3)), dtypes=("int64", "int32")),
                   Case(lambda lib, x: x.cumsum(0, dtype=lib.float64), A("f", (4,)), dtypes=("float32",))]
SPECS["flip"] = [Case(lambda lib, x: x.flip(0), A("f", (2, 3))), Case(lambda lib, x: lib.flip(x, (0, 1)), A("f", (3, 2), noncontig=True))]
SPECS["sort"] = [Case(lambda lib, x: tuple(lib.sort(x)), A("f", (3, 4))),
                 Case(lambda lib, x: tuple(x.sort(0, descending=True)), A("f", (3, 4), noncontig=True)),
                 Case(lambda lib, x: x.sort(dim=1).values, A("i", (3, 4)), dtypes=("int64",))]
SPECS["argsort"] = [Case(lambda lib, x: lib.argsort(x, 1), A("f", (3, 4))), Case(lambda lib, x: x.argsort(descending=True), A("f", (5,)))]
SPECS["topk"] = [Case(lambda lib, x: tuple(lib.topk(x, 2)), A("f", (3, 4))),
                 Case(lambda lib, x: tuple(x.topk(1, dim=0, largest=False)), A("f", (3, 4), noncontig=True))]
SPECS["tril"] = [Case(fn("tril"), A("f", (3, 4))), Case(lambda lib, x: x.tril(-1), A("f", (2, 3, 3)))]
SPECS["triu"] = [Case(fn("triu"), A("f", (3, 4))), Case(lambda lib, x: x.triu(1), A("f", (4, 3), noncontig=True))]

# indexing
SPECS["_index"] = [Case(lambda lib, x: x[lib.tensor([0, 2, 2])], A("f", (3, 4))),
                   Case(lambda lib, x: x[:, lib.tensor([[1, 0], [3, 3]])], A("f", (3, 4))),
                   Case(lambda lib, x: x[lib.tensor([0, 1]), lib.tensor([2, 3])], A("f", (3, 4))),
                   Case(lambda lib, x: x[lib.tensor([0, 1]), :, lib.tensor([1, 0])], A("f", (2, 3, 2))),
                   Case(lambda lib, x: x[x > 0], A("f", (3, 4))),
                   Case(lambda lib, x: x[:, lib.tensor([True, False, True, True])], A("f", (3, 4), noncontig=True))]
SPECS["index_put_"] = [Case(lambda lib, x: x.clone().index_put_((lib.tensor([0, 2]),), lib.tensor(5.0, dtype=x.dtype)),
                            A("f", (3, 2)), grad=False),
                       Case(lambda lib, x, v: x.clone().index_put_((lib.tensor([0, 0]),), v, accumulate=True), A("f", (3, 2)),
                            A("f", (2,)))]
SPECS["index_put"] = [Case(lambda lib, x, v: lib.index_put(x, (lib.tensor([1, 0]),), v), A("f", (3, 2)), A("f", (2, 2)))]
SPECS["index_select"] = [Case(lambda lib, x: lib.index_select(x, 1, lib.tensor([2, 0, 2])), A("f", (2, 3))),
                         Case(lambda lib, x: x.index_select(0, lib.tensor([1])), A("f", (3, 2), noncontig=True))]
SPECS["gather"] = [Case(lambda lib, x: lib.gather(x, 1, lib.tensor([[0, 0], [1, 0]])), A("f", (2, 3))),
                   Case(lambda lib, x: x.gather(0, lib.tensor([[2, 0, 1]])), A("f", (3, 3), noncontig=True))]
SPECS["scatter_add"] = [Case(lambda lib, x, s: lib.scatter_add(x, 0, lib.tensor([[0, 1, 0], [0, 0, 1]]), s),
                             A("f", (2, 3)), A("f", (2, 3)))]
SPECS["scatter"] = [Case(lambda lib, x, s: lib.scatter(x, 1, lib.tensor([[0, 2], [1, 1]]), s), A("f", (2, 3)), A("f", (2, 2))),
                   Case(lambda lib, x: x.scatter(0, lib.tensor([[1, 0, 1]]), 2.5), A("f", (2, 3)))]
SPECS["scatter_"] = [Case(lambda lib, x, s: x.clone().scatter_(1, lib.tensor([[2], [0]]), s), A("f", (2, 3)), A("f", (2, 1))),
                     Case(lambda lib, x: x.clone().scatter_(1, lib.tensor([[0], [2]]), 1.0), A("f", (2, 3)))]
SPECS["nonzero"] = [Case(fn("nonzero"), A("n", (3, 4)), dtypes=("int64",)), Case(fn("nonzero"), A("b", (5,)), dtypes=("bool",))]

# creation (compared by shape/dtype/values where deterministic)
SPECS["_zeros"] = [Case(lambda lib: lib.zeros(2, 3)), Case(lambda lib: lib.zeros((2,), dtype=lib.int64))]
SPECS["_ones"] = [Case(lambda lib: lib.ones(2, 3, dtype=lib.float64)), Case(lambda lib: lib.ones(()))]
SPECS["_empty"] = [Case(lambda lib: lib.empty(2, 3).shape)]
SPECS["_full"] = [Case(lambda lib: lib.full((2, 3), 1.5)), Case(lambda lib: lib.full((2,), 7)), Case(lambda lib: lib.full((1,), True))]
SPECS["_arange"] = [Case(lambda lib: lib.arange(5)), Case(lambda lib: lib.arange(1, 4, 0.5)), Case(lambda lib: lib.arange(0.0, 1.0, 0.1)),
                    Case(lambda lib: lib.arange(10, 0, -3)), Case(lambda lib: lib.arange(3, dtype=lib.float64))]
SPECS["_linspace"] = [Case(lambda lib: lib.linspace(0, 1, 5)), Case(lambda lib: lib.linspace(-2, 3, 7, dtype=lib.float64)),
                      Case(lambda lib: lib.linspace(0, 1, 1))]
SPECS["_eye"] = [Case(lambda lib: lib.eye(3)), Case(lambda lib: lib.eye(2, 3, dtype=lib.int64))]
SPECS["_zeros_like"] = [Case(lambda lib, x: lib.zeros_like(x), A("i", (2, 3)), dtypes=("int64",))]
SPECS["_ones_like"] = [Case(lambda lib, x: lib.ones_like(x, dtype=lib.float64), A("f", (2, 3)), grad=False)]
SPECS["_empty_like"] = [Case(lambda lib, x: lib.empty_like(x).shape, A("f", (2, 3)), grad=False)]
SPECS["_full_like"] = [Case(lambda lib, x: lib.full_like(x, 3), A("f", (2, 3)), grad=False)]
_STATS = lambda t: (t.shape, t.dtype, float(t.double().mean()), float(t.double().std()))  # noqa: E731
SPECS["_rand"] = [Case(lambda lib: (lambda t: (t.shape, t.dtype, bool((t >= 0).all()), bool((t < 1).all()),
                                                float(t.mean())))(lib.rand(200, 100)), atol=0.02)]
SPECS["_randn"] = [Case(lambda lib: _STATS(lib.randn(300, 300)), atol=0.03), Case(lambda lib: lib.randn(2, dtype=lib.float64).dtype)]
SPECS["_rand_like"] = [Case(lambda lib, x: lib.rand_like(x).shape, A("f", (2, 3)), grad=False)]
SPECS["_randn_like"] = [Case(lambda lib, x: _STATS(lib.randn_like(x.expand(200, 100, 3))), A("f", (3,)), grad=False, atol=0.03)]
SPECS["_randint"] = [Case(lambda lib: (lambda t: (t.shape, t.dtype, int(t.min()), int(t.max())))(lib.randint(3, 7, (1000,)))),
                     Case(lambda lib: (lambda t: (t.shape, int(t.min()), int(t.max())))(lib.randint(5, (20, 50))))]
SPECS["_randperm"] = [Case(lambda lib: lib.randperm(50).sort().values if lib is torch else
                           lib.tensor(sorted(lib.randperm(50).tolist())))]
SPECS["bernoulli"] = [Case(lambda lib: float(lib.bernoulli(lib.full((100, 100), 0.3)).mean()), atol=0.03),
                      Case(lambda lib: float(lib.full((100, 100), 0.3).bernoulli(0.8).mean()), atol=0.03)]
SPECS["multinomial"] = [Case(lambda lib: (lambda t: (t.shape, sorted(set(t.tolist()))))(
    lib.multinomial(lib.tensor([0.0, 0.5, 0.5]), 200, replacement=True)))]

# in-place ops: the result of mutating a clone, and its gradient through the clone
SPECS["copy_"] = [Case(lambda lib, x, y: x.clone().copy_(y), A("f", (2, 3)), A("f", (3,))),
                  Case(lambda lib, x, y: x.clone().copy_(y), A("f", (2, 3)), A("i", (2, 3)), dtypes=("float32",))]
SPECS["zero_"] = [Case(lambda lib, x: x.clone().zero_(), A("f", (2, 3)))]
SPECS["fill_"] = [Case(lambda lib, x: x.clone().fill_(2.5), A("f", (2, 3)), grad=False),
                  Case(lambda lib, x: x.clone().fill_(3), A("i", (2, 3)), dtypes=("int64",))]
for _n, _args in (("add_", (A("f", (3,)),)), ("sub_", (A("f", (3,)),)), ("mul_", (A("f", (2, 3)),)),
                  ("div_", (A("p", (3,)),)), ("pow_", (2,))):
    SPECS[_n] = [Case(lambda lib, x, *a, _n=_n: getattr(x.clone(), _n)(*a), A("f" if _n != "pow_" else "p", (2, 3)), *_args),
                 Case(lambda lib, x, _n=_n: getattr(x.clone(), _n)(2), A("i", (2, 3)), dtypes=("int64",)) if _n != "div_" else
                 Case(lambda lib, x, _n=_n: getattr(x.clone(), _n)(2), A("f", (2, 3)))]
SPECS["add_"].append(Case(lambda lib, x, y: x.clone().add_(y, alpha=-0.5), A("f", (2, 3)), A("f", (2, 3))))
SPECS["sub_"].append(Case(lambda lib, x, y: x.clone().sub_(y, alpha=2), A("f", (2, 3)), A("f", (2, 3))))
SPECS["floor_divide_"] = [Case(lambda lib, x, y: x.clone().floor_divide_(y), A("i", (2, 3)), A("nz", (3,)), dtypes=("int64",)),
                         Case(lambda lib, x: (lambda c: (c.__ifloordiv__(2), c)[1])(x.clone()), A("f", (2, 3)), grad=False)]
SPECS["remainder_"] = [Case(lambda lib, x, y: x.clone().remainder_(y), A("i", (2, 3)), A("nz", (3,)), dtypes=("int64",)),
                       Case(lambda lib, x: (lambda c: (c.__imod__(1.5), c)[1])(x.clone()), A("f", (2, 3)))]
SPECS["addcmul_"] = [Case(lambda lib, x, a, b: x.clone().addcmul_(a, b, value=0.5), A("f", (2, 3)), A("f", (2, 3)), A("f", (3,)))]
SPECS["addcdiv_"] = [Case(lambda lib, x, a, b: x.clone().addcdiv_(a, b, value=2), A("f", (2, 3)), A("f", (2, 3)), A("p", (3,)))]
SPECS["clamp_"] = [Case(lambda lib, x: x.clone().clamp_(-0.5, 0.5), A("f", (2, 3)))]
SPECS["lerp_"] = [Case(lambda lib, x, y: x.clone().lerp_(y, 0.25), A("f", (2, 3)), A("f", (2, 3)))]
SPECS["masked_fill_"] = [Case(lambda lib, x, m: x.clone().masked_fill_(m, 0.0), A("f", (2, 3)), A("b", (2, 3)))]
for _n, _k in (("sqrt_", "p"), ("neg_", "f"), ("exp_", "f"), ("relu_", "f"), ("abs_", "f")):
    SPECS[_n] = [Case(lambda lib, x, _n=_n: getattr(x.clone(), _n)(), A(_k, (2, 3)))]
SPECS["uniform_"] = [Case(lambda lib: (lambda t: (bool((t >= -2).all()), bool((t < 3).all()), float(t.mean())))(
    lib.empty(100, 100).uniform_(-2, 3)), atol=0.05)]
SPECS["normal_"] = [Case(lambda lib: _STATS(lib.empty(300, 300, dtype=lib.float64).normal_(1.0, 2.0)), atol=0.06)]
SPECS["bernoulli_"] = [Case(lambda lib: float(lib.empty(100, 100).bernoulli_(0.7).mean()), atol=0.03)]

# neural-network functions
SPECS["softmax"] = [Case(lambda lib, x: lib.softmax(x, 1), A("f", (2, 5))),
                    Case(lambda lib, x: x.softmax(0), A("f", (3, 4), noncontig=True)),
                    Case(lambda lib, x: lib.nn.functional.softmax(x, dim=-1, dtype=lib.float64), A("f", (2, 3)), dtypes=("float32",))]
SPECS["log_softmax"] = [Case(lambda lib, x: lib.log_softmax(x, 1), A("f", (2, 5))),
                        Case(lambda lib, x: lib.nn.functional.log_softmax(x, dim=0), A("f", (3, 4), noncontig=True))]
SPECS["_nll_loss"] = [Case(lambda lib, x, t: lib.nn.functional.nll_loss(x, t), A("f", (4, 3)), A("c", (4,), dtype="int64")),
                      Case(lambda lib, x, t: lib.nn.functional.nll_loss(x, t, reduction="sum"), A("f", (4, 3)), A("c", (4,), dtype="int64")),
                      Case(lambda lib, x, t, w: lib.nn.functional.nll_loss(x, t, weight=w, ignore_index=1), A("f", (4, 3)),
                           A("c", (4,), dtype="int64"), A("p", (3,), grad=False)),
                      Case(lambda lib, x, t: lib.nn.functional.nll_loss(x, t, reduction="none"), A("f", (2, 3, 2)),
                           A("c", (2, 2), dtype="int64"))]
SPECS["_cross_entropy"] = [
    Case(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), A("f", (4, 3)), A("c", (4,), dtype="int64")),
    Case(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, ignore_index=2, reduction="sum"), A("f", (5, 4)),
         A("c", (5,), dtype="int64")),
    Case(lambda lib, x, t, w: lib.nn.functional.cross_entropy(x, t, weight=w), A("f", (4, 3)), A("c", (4,), dtype="int64"), A("p", (3,), grad=False)),
    Case(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, reduction="none"), A("f", (2, 3, 4)), A("c", (2, 4), dtype="int64")),
    Case(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, label_smoothing=0.1), A("f", (4, 3)), A("c", (4,), dtype="int64")),
    Case(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t.softmax(1)), A("f", (4, 3)), A("f", (4, 3), grad=False)),
    Case(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), A("f", (3,)), A("c", (), dtype="int64"))]
SPECS["_mse_loss"] = [Case(lambda lib, x, y: lib.nn.functional.mse_loss(x, y), A("f", (3, 4)), A("f", (3, 4))),
                      Case(lambda lib, x, y: lib.nn.functional.mse_loss(x, y, reduction="none"), A("f", (3, 4)), A("f", (3, 4)))]
SPECS["_l1_loss"] = [Case(lambda lib, x, y: lib.nn.functional.l1_loss(x, y, reduction="sum"), A("f", (3, 4)), A("f", (3, 4)))]
SPECS["_smooth_l1_loss"] = [Case(lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y), A("f", (3, 4)), A("f", (3, 4))),
                            Case(lambda lib, x, y: lib.nn.functional.smooth_l1_loss(x, y, beta=0.5, reduction="none"),
                                 A("f", (3, 4)), A("f", (3, 4)))]
SPECS["dropout"] = [Case(lambda lib, x: lib.nn.functional.dropout(x, 0.5, training=False), A("f", (3, 4))),
                    Case(lambda lib, x: float((lib.nn.functional.dropout(x, 0.25) == 0).double().mean()),
                         A("p", (100, 100)), grad=False, atol=0.03),
                    Case(lambda lib, x: float(lib.nn.functional.dropout(x, 0.25).double().mean() / x.double().mean()),
                         A("p", (100, 100)), grad=False, atol=0.03)]
SPECS["embedding"] = [Case(lambda lib, w, i: lib.nn.functional.embedding(i, w), A("f", (5, 3)), A("c", (2, 4), dtype="int64")),
                      Case(lambda lib, w, i: lib.nn.functional.embedding(i, w, padding_idx=0), A("f", (5, 3)),
                           A("c", (6,), dtype="int64"))]
SPECS["layer_norm"] = [Case(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4,), w, b), A("f", (3, 4)), A("f", (4,)), A("f", (4,))),
                       Case(lambda lib, x: lib.nn.functional.layer_norm(x, (3, 4), eps=1e-3), A("f", (2, 3, 4)))]
SPECS["linear"] = [Case(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), A("f", (2, 3)), A("f", (4, 3)), A("f", (4,))),
                   Case(lambda lib, x, w: lib.nn.functional.linear(x, w), A("f", (5, 2, 3)), A("f", (4, 3)))]
SPECS["equal"] = [Case(lambda lib, x: lib.equal(x, x.clone()), A("f", (2, 3)), grad=False),
                  Case(lambda lib, x, y: x.equal(y), A("f", (2, 3)), A("f", (2, 3)), grad=False)]
SPECS["isclose"] = [Case(lambda lib, x: lib.isclose(x, x + 1e-9), A("f", (2, 3)), grad=False, dtypes=("float64",))]
SPECS["allclose"] = [Case(lambda lib, x: lib.allclose(x, x * (1 + 1e-7)), A("f", (2, 3)), grad=False, dtypes=("float64",)),
                     Case(lambda lib, x: x.allclose(x + 1), A("f", (2, 3)), grad=False)]

# Convolution and pooling (tensor/ops/conv.cpp, pool.cpp): strides, padding (ints, 'same' with even
# kernels, 'valid'), dilation, groups, bias, ceil_mode, unbatched and non-contiguous inputs.
def _F(lib):
    return lib.nn.functional


SPECS["_conv2d"] = [
    Case(lambda lib, x, w, b: _F(lib).conv2d(x, w, b), A("f", (2, 3, 7, 6)), A("f", (4, 3, 3, 2)), A("f", (4,))),
    Case(lambda lib, x, w: _F(lib).conv2d(x, w, None, stride=2, padding=1, dilation=(2, 1)),
         A("f", (1, 2, 9, 8), noncontig=True), A("f", (3, 2, 3, 3))),
    Case(lambda lib, x, w, b: _F(lib).conv2d(x, w, b, padding="same", groups=2),
         A("f", (2, 4, 5, 6)), A("f", (6, 2, 2, 3)), A("f", (6,))),
    Case(lambda lib, x, w: _F(lib).conv2d(x, w, padding="valid", stride=(1, 2)), A("f", (3, 6, 5)), A("f", (2, 3, 2, 2))),
    Case(lambda lib, x, w: _F(lib).conv2d(x, w, padding=(0, 2), dilation=2), A("f", (2, 1, 6, 4)), A("f", (2, 1, 2, 3))),
]
SPECS["_conv1d"] = [
    Case(lambda lib, x, w, b: _F(lib).conv1d(x, w, b, stride=2, padding=1), A("f", (2, 3, 9)), A("f", (4, 3, 3)), A("f", (4,))),
    Case(lambda lib, x, w: _F(lib).conv1d(x, w, padding="same", dilation=3), A("f", (2, 2, 8), noncontig=True),
         A("f", (2, 2, 4))),
    Case(lambda lib, x, w: _F(lib).conv1d(x, w, groups=3), A("f", (6, 7)), A("f", (3, 2, 2))),
]
SPECS["_max_pool2d"] = [
    Case(lambda lib, x: _F(lib).max_pool2d(x, 2), A("f", (2, 3, 6, 7))),
    Case(lambda lib, x: _F(lib).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), A("f", (2, 2, 8, 7), noncontig=True)),
    Case(lambda lib, x: _F(lib).max_pool2d(x, (2, 3), stride=(1, 2), dilation=2), A("f", (3, 7, 9))),
    Case(lambda lib, x: lib.nn.MaxPool2d(2, ceil_mode=True)(x), A("f", (1, 2, 5, 5))),
]
SPECS["_avg_pool2d"] = [
    Case(lambda lib, x: _F(lib).avg_pool2d(x, 2), A("f", (2, 3, 6, 7))),
    Case(lambda lib, x: _F(lib).avg_pool2d(x, 3, 2, 1, ceil_mode=True), A("f", (2, 2, 8, 7), noncontig=True)),
    Case(lambda lib, x: _F(lib).avg_pool2d(x, (3, 2), 2, (1, 1), ceil_mode=True, count_include_pad=False), A("f", (1, 3, 7, 6))),
    Case(lambda lib, x: _F(lib).avg_pool2d(x, 2, divisor_override=3), A("f", (3, 4, 5))),
    Case(lambda lib, x: lib.nn.AvgPool2d(3, stride=1, padding=1)(x), A("f", (1, 2, 4, 4))),
]
SPECS["_adaptive_avg_pool2d"] = [
    Case(lambda lib, x: _F(lib).adaptive_avg_pool2d(x, (3, 2)), A("f", (2, 3, 7, 5))),
    Case(lambda lib, x: _F(lib).adaptive_avg_pool2d(x, (None, 4)), A("f", (2, 6, 9), noncontig=True)),
    Case(lambda lib, x: lib.nn.AdaptiveAvgPool2d(1)(x), A("f", (2, 3, 4, 4))),
]
SPECS["_unfold2d"] = [
    Case(lambda lib, x: _F(lib).unfold(x, (2, 3), padding=1, stride=2), A("f", (2, 3, 5, 6))),
    Case(lambda lib, x: _F(lib).unfold(x, 2, dilation=2), A("f", (2, 5, 4), noncontig=True)),
]
SPECS["_fold2d"] = [
    Case(lambda lib, x: _F(lib).fold(x, (5, 6), (2, 2)), A("f", (2, 12, 20))),
    Case(lambda lib, x: _F(lib).fold(x, (4, 5), 3, padding=1, stride=2), A("f", (18, 6), noncontig=True)),
]

# random_ draws exactly torch's integers from a seeded generator (tests/tensor/test_generator.py has more).
SPECS["random_"] = [Case(lambda lib: lib.empty(40, dtype=lib.int64).random_(-3, 1000, generator=lib.Generator().manual_seed(3)),
                         grad=False, dtypes=("float64",), rtol=0, atol=0),
                    Case(lambda lib: lib.empty(8).random_(generator=lib.Generator().manual_seed(5)), grad=False,
                         dtypes=("float64",), rtol=0, atol=0)]

ALL_CASES = [(name, i, case, dtype) for name, cases in SPECS.items() for i, case in enumerate(cases)
             for dtype in case.dtypes]


def test_every_registered_op_has_a_spec():
    registered = {name for name, where, schema in _janus._registry}
    missing = sorted(registered - set(SPECS))
    assert not missing, f"registered ops without a differential spec: {missing}"
    unknown = sorted(set(SPECS) - registered)
    assert not unknown, f"specs for ops that are not registered: {unknown}"


@pytest.mark.parametrize("name,index,case,dtype", ALL_CASES, ids=[f"{n}-{i}-{d}" for n, i, _, d in ALL_CASES])
def test_op(name, index, case, dtype):
    run_case(case, dtype)
