"""Tensor objects behave as torch 1.13's (the oracle, run side by side): attributes and
__dict__, weak references and their callbacks, garbage collection of cycles, __del__ given to the
class later, subclasses (nn.Parameter, __slots__, __del__), class-level monkeypatching, deep
chains through __dict__ (no crash), and no leaked references to the class (CPython's invariant).
janus.Tensor's objects are made and freed by tensor_object.cpp rather than by CPython's generic
class machinery: these are the behaviours that must not notice."""
import gc
import sys
import weakref

import pytest

import janus
import torch

LIBS = [janus, torch]


def both(fn):
    """fn(lib) for janus and torch: the two results must be equal."""
    mine, ref = fn(janus), fn(torch)
    assert mine == ref
    return mine


def test_type_and_introspection():
    def f(lib):
        t = lib.zeros(2)
        return (type(t).__name__, [c.__name__ for c in type(t).__mro__], gc.is_tracked(t), t.__dict__,
                repr(lib.Tensor.__dict__["__dict__"]), repr(lib.Tensor.__dict__["__weakref__"]),
                t.__weakref__ is None, isinstance(t, lib.Tensor))
    both(f)


def test_attributes_and_dict():
    def f(lib):
        t = lib.zeros(2)
        t.foo = 1
        object.__setattr__(t, "bar", 2)
        t.__dict__["baz"] = 3
        out = [dict(vars(t)), t.foo + t.bar + t.baz]
        del t.foo
        out.append(hasattr(t, "foo"))
        t.__dict__ = {"z": 4}
        out += [t.z, dict(t.__dict__)]
        try:
            t.__weakref__ = 1
        except AttributeError as e:
            out.append(str(e))
        return out
    both(f)


def test_weak_references():
    def f(lib):
        called = []
        t = lib.zeros(1)
        r = weakref.ref(t, lambda ref: called.append(ref))
        out = [r() is t, t.__weakref__ is r]
        d = weakref.WeakValueDictionary()
        d["k"] = t
        del t
        return out + [r() is None, len(called), len(d)]
    both(f)


def test_cycles_through_dict_are_collected():
    def f(lib):
        t = lib.zeros(1)
        t.me = t
        p = lib.nn.Parameter(lib.ones(2))
        p.other = p
        refs = [weakref.ref(t), weakref.ref(p)]
        del t, p
        gc.collect()
        return [r() is None for r in refs]
    assert both(f) == [True, True]


def test_del_given_to_the_class_later():
    def f(lib):
        seen = []
        lib.Tensor.__del__ = lambda self: seen.append(self.shape[0])
        try:
            t = lib.zeros(3)
            del t
        finally:
            del lib.Tensor.__del__
        t = lib.zeros(4)
        del t
        return seen
    assert both(f) == [3]


def test_subclasses():
    def f(lib):
        out = []
        p = lib.nn.Parameter(lib.ones(2))
        p.note = "w"
        r = weakref.ref(p)
        out += [type(p).__name__, p.note, isinstance(p, lib.Tensor), gc.is_tracked(p)]
        del p
        out.append(r() is None)

        class Slotted(lib.Tensor):
            __slots__ = ("a",)
        s = lib.Tensor._make_subclass(Slotted, lib.zeros(2))
        s.a = 5
        s.b = 6
        out += [s.a, dict(s.__dict__)]

        deleted = []

        class WithDel(lib.Tensor):
            def __del__(self):
                deleted.append(type(self).__name__)
        w = lib.Tensor._make_subclass(WithDel, lib.zeros(1))
        w.x = 1
        del w
        out.append(deleted)
        return out
    both(f)


def test_methods_added_to_the_class():
    def f(lib):
        lib.Tensor.doubled = lambda self: (self * 2).tolist()
        try:
            return lib.ones(2).doubled()
        finally:
            del lib.Tensor.doubled
    assert both(f) == [2.0, 2.0]


def test_deep_chain_through_dict_frees_without_recursion():
    def f(lib):
        head = cur = lib.zeros(1)
        for _ in range(100_000):
            nxt = lib.zeros(1)
            cur.next = nxt
            cur = nxt
        last = weakref.ref(cur)
        del cur, nxt
        del head
        return last() is None
    assert both(f)


class _Sub(janus.Tensor):
    pass


@pytest.mark.parametrize("cls, make", [
    (janus.Tensor, lambda: janus.ones(1) + 1),
    (janus.nn.Parameter, lambda: janus.nn.Parameter(janus.ones(1))),
    (_Sub, lambda: janus.Tensor._make_subclass(_Sub, janus.ones(1))),
], ids=["op", "parameter", "subclass"])
def test_no_leaked_class_references(cls, make):
    # Each object of a heap class holds one reference to it: making and freeing many must
    # leave the count where it was (CPython's invariant), on each of janus's paths.
    before = sys.getrefcount(cls)
    made = [make() for _ in range(1000)]
    assert sys.getrefcount(cls) == before + 1000
    for t in made[::2]:
        t.attr = 1  # objects with a __dict__ take CPython's path
    del made, t
    assert sys.getrefcount(cls) == before


def test_identity_kept_while_the_object_lives():
    def f(lib):
        w = lib.ones(2, requires_grad=True)
        (w * 3).sum().backward()
        g = w.grad
        g.tag = 1
        return [w.grad is g, w.grad.tag, type(w.grad).__name__]
    both(f)
