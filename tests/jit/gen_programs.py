"""A seeded random generator of small, terminating, deterministic Python programs for the
tier-1 differential suite.

    gen_programs.py --out DIR [--first 0] [--count 100]   # writes DIR/gen_<seed>.py

`generate(seed)` returns the source of one program; the same seed gives the same program
(only `random.Random(seed)` is used). A program defines a couple of classes (one with
__slots__) and two or three functions, each a loop (for over range, or while with a counter)
whose body is a random mix of:
  - int assignments from random expression trees over int locals, the loop counter and
    constants (including values past 2**63), clamped back into range when they grow past
    2**66 so ints cross the int64 boundary often but stay small;
  - float assignments mixing float and int locals (nan/inf/-0.0 arise and propagate);
  - list ops (append, index store, negative index, pop, del of a slice),
  - dict ops (get/set, del that may raise KeyError, `in`),
  - attribute stores and loads on instances of two classes alternating at one site, and
    class attributes changed mid-loop;
  - branches on the loop counter and on values, break/continue, inner loops;
  - raising at a given iteration inside try/except;
  - calls of helper functions tier 1 inlines: two frames deep with a default argument, a
    method of either class, one raising ZeroDivisionError two frames deep (drawn from a
    second stream, Random(seed * 7919 + 1), so the rest of a program stays as it was);
  - optionally tensor ops (`import torch`): elementwise, matmul, tanh, autograd steps,
    .item() into a float that is only printed (so values can be checked against Debian's
    torch with a tolerance).
Half the programs are "stable" (no statement raises, branches mostly go one way, int
locals stay ints: traces run long), the other half raise and change types often (recording
aborts, frequent exits). Every arithmetic statement runs inside try/except of the errors
arithmetic can raise
(ZeroDivisionError, OverflowError, TypeError once an int local became a float, ValueError);
each error is counted and its first messages kept, and printed at the end. Each function is
called with a mix of tiny and big trip counts, and prints all its locals (repr, so floats are
compared bit for bit). Some programs end with an exception at iteration k whose traceback
(with line numbers) is printed.
"""
import argparse
import os
import random

INT_VARS = ["a", "b", "c"]
FLOAT_VARS = ["x", "y"]
INT_LEAVES = ["0", "1", "-1", "2", "3", "7", "-5", "13", "2**62", "2**63", "-2**63 - 1",
              "2**64 + 3", "1000003"]
FLOAT_LEAVES = ["0.5", "-0.0", "0.0", "1.5", "-2.25", "1e300", "3.0", "1e-300", "7.125"]
INT_OPS = ["+", "-", "*", "//", "%", "&", "|", "^", "<<", ">>", "+", "-", "*"]
FLOAT_OPS = ["+", "-", "*", "/", "//", "%", "+", "*", "-"]
TRIP_COUNTS = [0, 1, 2, 3, 5, 17, 64, 300, 1000]
# What an arithmetic statement may raise; each is counted, not propagated.
ARITH_ERRORS = "(ZeroDivisionError, OverflowError, TypeError, ValueError)"
CLAMP = "2**66"


class Emitter:
    """Lines of Python with the current indentation."""

    def __init__(self):
        self.lines = []
        self.depth = 0

    def line(self, text):
        self.lines.append("    " * self.depth + text)

    def indent(self):
        self.depth += 1

    def dedent(self):
        self.depth -= 1


class ProgramGenerator:
    def __init__(self, seed):
        self.seed = seed
        self.r = random.Random(seed)
        self.tensors = self.r.random() < 0.25
        # Half the programs are "stable": no statement raises, branches go mostly one way and
        # int locals stay ints, so traces run many iterations before exiting (long runs
        # in compiled code, overflow and bounds guards, rare side exits). The others raise
        # and change types often (recording aborts, frequent exits, deopts).
        self.stable = self.r.random() < 0.5
        # Draws for the helper functions the loops call (tier 1 inlines them): a stream of
        # their own, so the rest of each program is what the main stream made before.
        self.rh = random.Random(seed * 7919 + 1)
        self.out = Emitter()

    # ---- expressions -------------------------------------------------------------------
    def int_expr_h(self, names):
        """A small int expression over `names` from the helper stream (never raises)."""
        rh = self.rh
        terms = ["%s * %d" % (rh.choice(names), rh.choice([1, 3, 7, -2])) for _ in range(2)]
        return " + ".join(terms) + " + %d" % rh.randint(0, 9)

    def int_expr(self, depth, counter, names=INT_VARS):
        r = self.r
        if depth == 0 or r.random() < 0.3:
            pick = r.random()
            if pick < 0.45:
                return r.choice(names)
            if pick < 0.65:
                return counter
            return r.choice(INT_LEAVES)
        kind = r.random()
        if kind < 0.12:
            return "(-%s)" % self.int_expr(depth - 1, counter, names)
        if kind < 0.18:
            return "abs(%s)" % self.int_expr(depth - 1, counter, names)
        if kind < 0.24:
            return "%s(%s, %s)" % (r.choice(["min", "max"]),
                                   self.int_expr(depth - 1, counter, names),
                                   self.int_expr(depth - 1, counter, names))
        if kind < 0.28:
            return "(~%s)" % self.int_expr(depth - 1, counter, names)
        if kind < 0.32:
            return "(%s > %s)" % (self.int_expr(depth - 1, counter, names),
                                  self.int_expr(depth - 1, counter, names))
        op = r.choice(INT_OPS)
        left = self.int_expr(depth - 1, counter, names)
        if op in ("<<", ">>"):
            right = str(r.choice([0, 1, 3, 17, 40, 63, 64, 70]))
        else:
            right = self.int_expr(depth - 1, counter, names)
            if self.stable and op in ("//", "%"):
                right = "(abs(%s) + 1)" % right   # never zero
        return "(%s %s %s)" % (left, op, right)

    def float_expr(self, depth, counter):
        r = self.r
        if depth == 0 or r.random() < 0.3:
            pick = r.random()
            if pick < 0.45:
                return r.choice(FLOAT_VARS)
            if pick < 0.6:
                return r.choice(INT_VARS + [counter])
            return r.choice(FLOAT_LEAVES)
        kind = r.random()
        if kind < 0.1:
            return "(-%s)" % self.float_expr(depth - 1, counter)
        if kind < 0.16:
            return "abs(%s)" % self.float_expr(depth - 1, counter)
        if kind < 0.22:
            return "math.sqrt(abs(%s))" % self.float_expr(depth - 1, counter)
        if kind < 0.27:
            return "float(%s)" % self.int_expr(depth - 1, counter)
        if kind < 0.32:
            return "(%s if %s else %s)" % (self.float_expr(depth - 1, counter), self.cond(counter),
                                            self.float_expr(depth - 1, counter))
        op = self.r.choice(FLOAT_OPS)
        right = self.float_expr(depth - 1, counter)
        if self.stable and op in ("/", "//", "%"):
            right = "(abs(%s) + 1.0)" % right     # never zero (nan and inf still arise)
        return "(%s %s %s)" % (self.float_expr(depth - 1, counter), op, right)

    def cond(self, counter):
        r = self.r
        if self.stable and r.random() < 0.7:
            # Mostly one way: exits are rare, the trace keeps running.
            k = r.choice([8, 16, 64])
            return r.choice(["%s %% %d != %d" % (counter, k, r.randrange(k)),
                             "%s >= 0" % counter,
                             "%s < %d" % (counter, r.choice([400, 900])),
                             "%s > -2**70" % r.choice(INT_VARS)])
        kind = r.randrange(7)
        if kind == 0:
            k = r.choice([2, 3, 5, 7])
            return "%s %% %d == %d" % (counter, k, r.randrange(k))
        if kind == 1:
            return "%s < %d" % (counter, r.choice([1, 4, 10, 50, 200]))
        if kind == 2:
            return "%s > %s" % (r.choice(INT_VARS), r.choice(INT_VARS + [counter, "0"]))
        if kind == 3:
            return "%s < %s" % (r.choice(FLOAT_VARS), r.choice(FLOAT_VARS + ["0.0", "1.5"]))
        if kind == 4:
            return "lst and lst[-1] %s %s" % (r.choice(["<", ">", "=="]), r.choice(INT_VARS))
        if kind == 5:
            return "(%s %% 4) in dct" % counter
        return "obj.f %s %d" % (r.choice(["<", ">"]), r.choice([0, 10, 1000]))

    # ---- statements --------------------------------------------------------------------
    def guarded(self, lines, errors=ARITH_ERRORS):
        """Emit `lines` inside try/except of `errors`, which are counted."""
        o = self.out
        o.line("try:")
        o.indent()
        for text in lines:
            o.line(text)
        o.dedent()
        o.line("except %s as e:" % errors)
        o.indent()
        o.line("note(errs, e)")
        o.dedent()

    def stmt_int(self, counter):
        v = self.r.choice(INT_VARS)
        self.guarded(["%s = %s" % (v, self.int_expr(3, counter)),
                      "if not -%s < %s < %s:" % (CLAMP, v, CLAMP),
                      "    %s = %s %% 1000003 - 500001" % (v, v)])

    def stmt_float(self, counter):
        v = self.r.choice(FLOAT_VARS)
        self.guarded(["%s = %s" % (v, self.float_expr(3, counter))])

    def stmt_type_switch(self, counter):
        r = self.r
        if r.random() < 0.5:
            v = r.choice(INT_VARS)
            self.guarded(["%s = %s + %s" % (v, v, r.choice(["0.5", "x", "-0.0"]))])
        else:
            self.guarded(["%s = int(%s)" % (r.choice(INT_VARS), r.choice(FLOAT_VARS + INT_VARS))])

    def stmt_list(self, counter):
        r = self.r
        kind = r.randrange(6)
        if kind == 0:
            self.out.line("lst.append(%s)" % r.choice(INT_VARS + [counter]))
        elif kind == 1:
            self.out.line("if lst:")
            self.out.indent()
            self.out.line("lst[%s %% len(lst)] = %s" % (counter, r.choice(INT_VARS)))
            self.out.dedent()
        elif kind == 2:
            load = "%s = lst[%d]" % (r.choice(INT_VARS), r.choice([-1, -2, 0, 3]))
            if self.stable:
                self.out.line("if len(lst) > 3:")
                self.out.line("    " + load)
            else:
                self.guarded([load], errors="IndexError")
        elif kind == 3:
            self.out.line("if len(lst) > %d:" % r.choice([4, 20, 60]))
            self.out.indent()
            self.out.line(r.choice(["del lst[:3]", "lst.pop(0)", "lst.pop()",
                                    "lst[:] = lst[::2]"]))
            self.out.dedent()
        elif kind == 4:
            self.guarded(["%s = sum(lst[-3:]) %% 9973" % r.choice(INT_VARS)])
        else:
            self.out.line("lst.append(len(lst) * %s)" % r.choice(["-1", "2", counter]))
            self.out.line("if len(lst) > 40:")
            self.out.line("    del lst[:20]")

    def stmt_dict(self, counter):
        r = self.r
        key = r.choice(["%s %% 4" % counter, "%s %% 3" % r.choice(INT_VARS),
                        "'k%%d' %% (%s %% 5)" % counter])
        kind = r.randrange(4)
        if kind == 0:
            self.guarded(["dct[%s] = dct.get(%s, 0) + %s" % (key, key, r.choice(INT_VARS + ["1"]))])
        elif kind == 1 and self.stable:
            self.out.line("dct.pop(%s, None)" % key)
        elif kind == 1:
            self.out.line("try:")
            self.out.line("    del dct[%s]" % key)
            self.out.line("except KeyError as e:")
            self.out.line("    note(errs, e)")
        elif kind == 2:
            self.guarded(["%s = dct.get(%s, %s)" % (r.choice(INT_VARS), key, r.choice(INT_LEAVES))])
        else:
            self.out.line("if %s in dct:" % key)
            self.out.line("    hits += 1")

    def stmt_attr(self, counter):
        r = self.r
        kind = r.randrange(5)
        if kind == 0:
            index = r.choice([counter, "(%s // 3)" % counter])
            self.out.line("obj = objs[%s %% len(objs)]" % index)
        elif kind == 1:
            self.guarded(["obj.f = (%s) %% 1000003" % self.int_expr(2, counter)])
        elif kind == 2:
            self.guarded(["obj.g = obj.g * 0.5 + %s" % self.float_expr(1, counter)])
        elif kind == 3:
            self.out.line("if %s:" % self.cond(counter))
            self.out.line("    %s.k = %s.k + 1" % (r.choice(["A", "B"]), r.choice(["A", "B"])))
        else:
            v = r.choice(INT_VARS)
            self.guarded(["%s = %s + obj.k + obj.f" % (v, r.choice(INT_VARS)),
                          "if not -%s < %s < %s:" % (CLAMP, v, CLAMP),
                          "    %s = 0" % v])

    def stmt_call(self, counter):
        v = self.r.choice(INT_VARS)
        u = self.r.choice(INT_VARS)
        # helper (may hold a loop), h_mid (two frames: h_mid -> h_leaf with a default),
        # h_raise (ZeroDivisionError two frames deep at some iterations), obj.m (a method
        # on either class, calling h_leaf).
        calls = ["helper(%s, %s)", "h_mid(%s, %s)", "obj.m(%s, %s)"]
        if not self.stable:
            calls.append("h_raise(%s, %s)")
        self.guarded(["%s = %s" % (v, self.rh.choice(calls) % (u, counter))])

    def stmt_raise(self, counter):
        r = self.r
        k = r.choice([0, 1, 3, 10, 100])
        exc = r.choice(["ValueError", "KeyError", "RuntimeError", "IndexError"])
        self.out.line("try:")
        self.out.line("    if %s == %d:" % (counter, k))
        self.out.line("        raise %s('at %%d' %% %s)" % (exc, counter))
        self.out.line("    hits += 1")
        self.out.line("except %s as e:" % exc)
        self.out.line("    note(errs, e)")

    def stmt_tensor(self, counter):
        r = self.r
        kind = r.randrange(5)
        if kind == 0:
            self.out.line("t = torch.tanh(t @ w + (%s %% 5) * 0.1)" % counter)
        elif kind == 1:
            self.out.line("t = torch.tanh(t * 0.9 + torch.ones(3) * (%s %% 3) - 1.0)" % counter)
        elif kind == 2:
            self.out.line("tv = tv * 0.5 + t.sum().item()")
        elif kind == 3:
            self.out.line("t = torch.relu(t - 0.1) + torch.where(t > 0, t, t * 0.5)")
            self.out.line("t = torch.tanh(t)")
        else:
            self.out.line("loss = (p * p * (%s %% 4 + 1)).sum() + (p * t[:2]).sum()" % counter)
            self.out.line("loss.backward()")
            self.out.line("with torch.no_grad():")
            self.out.line("    p -= 0.05 * p.grad")
            self.out.line("p.grad = None")

    def stmt_branch(self, counter, depth):
        o = self.out
        o.line("if %s:" % self.cond(counter))
        o.indent()
        self.block(counter, depth + 1, self.r.randint(1, 3))
        o.dedent()
        if self.r.random() < 0.5:
            o.line("else:")
            o.indent()
            self.block(counter, depth + 1, self.r.randint(1, 3))
            o.dedent()

    def stmt_jump(self, counter, loop_depth):
        k = self.r.choice([2, 5, 40, 150])
        o = self.out
        o.line("if %s == %d:" % (counter, k))
        o.line("    %s" % self.r.choice(["continue", "break", "continue"]))

    def stmt_inner_loop(self, counter, depth):
        o = self.out
        inner = "j%d" % depth
        o.line("for %s in range(%s):" % (inner, self.r.choice(["3", "%s %% 4" % counter, "2"])))
        o.indent()
        self.block(inner, depth + 1, self.r.randint(1, 3))
        o.dedent()

    def block(self, counter, depth, n):
        r = self.r
        kinds = ["int", "int", "float", "float", "list", "dict", "attr", "attr", "call"]
        if not self.stable:
            kinds.append("switch")  # int locals become floats
        if depth < 2:
            kinds += ["branch", "inner"] + ([] if self.stable else ["raise"])
        if depth == 0:
            kinds.append("jump")  # break/continue only in the function's own loop
        if self.tensors:
            kinds += ["tensor", "tensor"]
        for _ in range(n):
            kind = r.choice(kinds)
            if kind == "int":
                self.stmt_int(counter)
            elif kind == "float":
                self.stmt_float(counter)
            elif kind == "switch":
                self.stmt_type_switch(counter)
            elif kind == "list":
                self.stmt_list(counter)
            elif kind == "dict":
                self.stmt_dict(counter)
            elif kind == "attr":
                self.stmt_attr(counter)
            elif kind == "call":
                self.stmt_call(counter)
            elif kind == "raise":
                self.stmt_raise(counter)
            elif kind == "tensor":
                self.stmt_tensor(counter)
            elif kind == "branch":
                self.stmt_branch(counter, depth)
            elif kind == "inner":
                self.stmt_inner_loop(counter, depth)
            elif kind == "jump":
                self.stmt_jump(counter, depth)

    # ---- program -----------------------------------------------------------------------
    def function(self, name):
        r = self.r
        o = self.out
        o.line("def %s(n, objs):" % name)
        o.indent()
        for v in INT_VARS:
            o.line("%s = %s" % (v, r.choice(["0", "1", "-3", "2**62", "7"])))
        for v in FLOAT_VARS:
            o.line("%s = %s" % (v, r.choice(["0.0", "1.5", "-0.0", "0.1"])))
        o.line("lst = [%s]" % ", ".join(str(r.randint(-5, 5)) for _ in range(r.randint(0, 4))))
        o.line("dct = {}")
        o.line("errs = {}")
        o.line("hits = 0")
        o.line("obj = objs[0]")
        if self.tensors:
            o.line("t = torch.ones(3) * 0.5")
            o.line("w = torch.tensor([[0.5, -0.25, 0.1], [0.3, 0.2, -0.4], [0.0, 0.1, 0.2]])")
            o.line("p = torch.tensor([0.5, -0.5], requires_grad=True)")
            o.line("tv = 0.0")
        header = r.random()
        if header < 0.7:
            # The iterator kind of the function's loop: range, list, enumerate, generator.
            o.line(r.choice(["for i in range(n):", "for i in range(n):",
                             "for i in list(range(n)):", "for i, _ in enumerate([None] * n):",
                             "for i in count_up(n):"]))
            o.indent()
        else:
            o.line("i = -1")
            o.line("while i < n - 1:")
            o.indent()
            o.line("i += 1")
        self.block("i", 0, r.randint(4, 10))
        o.dedent()
        values = ("a, b, c, x, y, lst[-5:], len(lst), list(dct.items())[:6], len(dct), hits, "
                  "sorted(errs.items())")
        o.line("print(%r, n, %s)" % (name, values))
        if self.tensors:
            o.line("print(%r, fmt(t), fmt(p), '%%.4f' %% tv)" % name)
        o.line("return a")
        o.dedent()
        o.line("")

    def raising_function(self):
        """A loop that raises at iteration k; its traceback is printed by the caller."""
        r = self.r
        o = self.out
        k = r.choice([0, 1, 4, 30])
        o.line("def crash(n):")
        o.indent()
        o.line("acc = 0")
        o.line("data = list(range(%d))" % (k + 1))
        o.line("for i in range(n):")
        o.indent()
        o.line("acc += i * 2")
        fault = r.choice(["acc += data[i]", "acc += 100 // (%d - i)" % (k + 1),
                          "acc += {'x': 1}['x' if i <= %d else 'y']" % k])
        o.line(fault)
        o.dedent()
        o.line("return acc")
        o.dedent()
        o.line("")

    def program(self):
        r = self.r
        o = self.out
        o.line("# Generated by tests/jit/gen_programs.py, seed %d." % self.seed)
        o.line("import math")
        o.line("import traceback")
        if self.tensors:
            o.line("import torch")
        o.line("")
        o.line("")
        o.line("def note(errs, e):")
        o.line("    name = type(e).__name__")
        o.line("    if name not in errs:")
        o.line("        errs[name] = [0, str(e)]")
        o.line("    errs[name][0] += 1")
        o.line("")
        if self.tensors:
            o.line("def fmt(t):")
            o.line("    return [('%.4f' % v).replace('-0.0000', '0.0000')")
            o.line("            for v in t.flatten().tolist()]")
            o.line("")
        o.line("def count_up(n):")
        o.line("    k = 0")
        o.line("    while k < n:")
        o.line("        yield k")
        o.line("        k += 1")
        o.line("")
        o.line("def helper(u, v):")
        if r.random() < 0.5:
            o.line("    return (%s) %% 1000003" % self.int_expr(2, "v", names=["u", "v"]))
        else:
            o.line("    s = u")
            o.line("    for k in range(v %% %d):" % r.choice([3, 5, 8]))
            o.line("        s = (s * %d + k) %% 1000003" % r.choice([3, -7, 31]))
            o.line("    return s")
        o.line("")
        rh = self.rh
        o.line("def h_leaf(u, d=%d):" % rh.choice([2, 3, -1]))
        o.line("    return (%s) %% 1000003" % self.int_expr_h(["u", "d"]))
        o.line("")
        o.line("def h_mid(u, v):")
        o.line("    w = h_leaf(u) - h_leaf(v, %d)" % rh.choice([1, 5]))
        o.line("    if w < 0:")
        o.line("        w = -w")
        o.line("    return w %% %d" % rh.choice([97, 1000003]))
        o.line("")
        o.line("def h_raise(u, v):")
        o.line("    return h_mid(u, v) + 100 // (v %% %d - %d)" % (rh.choice([7, 50]),
                                                               rh.choice([0, 3, 5])))
        o.line("")
        o.line("class A:")
        o.line("    k = %d" % r.randint(0, 5))
        o.line("    def __init__(self, f):")
        o.line("        self.f = f")
        o.line("        self.g = 0.5")
        o.line("    def m(self, u, v):")
        o.line("        return h_leaf(v) + type(self).k")
        o.line("")
        o.line("class B:")
        o.line("    __slots__ = ('f', 'g')")
        o.line("    k = %d" % r.randint(0, 5))
        o.line("    def __init__(self, f):")
        o.line("        self.f = f * 3")
        o.line("        self.g = -1.0")
        o.line("    def m(self, u, v):")
        o.line("        return h_mid(u, v) - self.k")
        o.line("")
        names = ["f%d" % i for i in range(r.randint(2, 3))]
        for name in names:
            self.function(name)
        crash = r.random() < 0.35
        if crash:
            self.raising_function()
        o.line("objs = [A(1), B(2)] if %d else [B(1), A(2), A(3)]" % r.randint(0, 1))
        o.line("total = 0")
        for name in names:
            counts = [r.choice(TRIP_COUNTS) for _ in range(r.randint(1, 3))]
            o.line("for n in %r:" % (tuple(counts),))
            o.line("    total += %s(n, objs) or 0" % name)
        o.line("print('objs', [(type(o).__name__, o.f, o.g) for o in objs], A.k, B.k)")
        o.line("print('total', total)")
        if crash:
            o.line("try:")
            o.line("    crash(%d)" % r.choice([50, 100]))
            o.line("except Exception:")
            o.line("    print(traceback.format_exc())")
        return "\n".join(o.lines) + "\n"


def generate(seed):
    """The source of generated program number `seed`."""
    return ProgramGenerator(seed).program()


def write_programs(out_dir, first, count):
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for seed in range(first, first + count):
        path = os.path.join(out_dir, "gen_%04d.py" % seed)
        with open(path, "w", encoding="utf-8") as f:
            f.write(generate(seed))
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description="Write generated differential programs.")
    parser.add_argument("--out", required=True)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    for path in write_programs(args.out, args.first, args.count):
        print(path)


if __name__ == "__main__":
    main()
