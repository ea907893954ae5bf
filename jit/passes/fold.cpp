// Constant folding: an op whose operands are all constants becomes a constant (in place,
// so refs stay valid); a guard that a constant always satisfies disappears. Guards that a
// constant fails are kept: the trace then always exits there, as it must.
#include <cstring>

#include "jit/cpython.h"
#include "jit/passes/passes.h"

namespace janus::jit {

namespace {

bool is_const(const Trace& t, Ref r) {
  if (r < 0) return false;
  Op op = t.ops[r].op;
  return op == Op::CONST_I64 || op == Op::CONST_F64 || op == Op::CONST_BOOL || op == Op::CONST_OBJ;
}

double as_double(int64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

int64_t as_bits(double d) {
  int64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

void become(Instr& in, Op op, int64_t imm) {
  in.op = op;
  in.type = op_info(op).result;
  in.a = in.b = in.c = kNoRef;
  in.imm = imm;
  in.aux = 0;
  in.exit = -1;
  in.list_count = 0;
}

}  // namespace

void fold_constants(Trace& trace) {
  for (Instr& in : trace.ops) {
    if (in.dead) continue;
    const OpInfo& info = op_info(in.op);
    if (info.operands == 0 || in.op == Op::LOOP) continue;
    if (!is_const(trace, in.a) || (info.operands > 1 && !is_const(trace, in.b))) continue;
    if (info.operands > 2) continue;
    const int64_t x = trace.ops[in.a].imm;
    const int64_t y = info.operands > 1 ? trace.ops[in.b].imm : 0;
    int64_t r;
    switch (in.op) {
      case Op::ADD_I64_OVF:
        if (!__builtin_add_overflow(x, y, &r)) become(in, Op::CONST_I64, r);
        break;
      case Op::SUB_I64_OVF:
        if (!__builtin_sub_overflow(x, y, &r)) become(in, Op::CONST_I64, r);
        break;
      case Op::MUL_I64_OVF:
        if (!__builtin_mul_overflow(x, y, &r)) become(in, Op::CONST_I64, r);
        break;
      case Op::NEG_I64_OVF:
        if (x != INT64_MIN) become(in, Op::CONST_I64, -x);
        break;
      case Op::AND_I64: become(in, Op::CONST_I64, x & y); break;
      case Op::OR_I64: become(in, Op::CONST_I64, x | y); break;
      case Op::XOR_I64: become(in, Op::CONST_I64, x ^ y); break;
      case Op::CMP_I64: become(in, Op::CONST_BOOL, compare_values(in.aux, x, y)); break;
      case Op::CMP_F64:
        become(in, Op::CONST_BOOL, compare_values(in.aux, as_double(x), as_double(y)));
        break;
      case Op::I64_TO_F64: become(in, Op::CONST_F64, as_bits(static_cast<double>(x))); break;
      case Op::ADD_F64: become(in, Op::CONST_F64, as_bits(as_double(x) + as_double(y))); break;
      case Op::SUB_F64: become(in, Op::CONST_F64, as_bits(as_double(x) - as_double(y))); break;
      case Op::MUL_F64: become(in, Op::CONST_F64, as_bits(as_double(x) * as_double(y))); break;
      case Op::NEG_F64: become(in, Op::CONST_F64, as_bits(-as_double(x))); break;
      case Op::NOT_BOOL: become(in, Op::CONST_BOOL, x == 0); break;
      case Op::GUARD_TRUE:
        if (x != 0) in.dead = true;
        break;
      case Op::GUARD_FALSE:
        if (x == 0) in.dead = true;
        break;
      case Op::GUARD_NONZERO_I64:
        if (x != 0) in.dead = true;
        break;
      case Op::GUARD_IS:
        if (x == in.imm) in.dead = true;
        break;
      case Op::GUARD_IS_NOT:
        if (x != in.imm) in.dead = true;
        break;
      case Op::GUARD_NOT_NULL:
        if (x != 0) in.dead = true;
        break;
      case Op::GUARD_TYPE: {
        // Only static types: a heap type's instance may change class (__class__ = ...).
        auto* o = reinterpret_cast<PyObject*>(x);
        if (o != nullptr && reinterpret_cast<int64_t>(Py_TYPE(o)) == in.imm &&
            !PyType_HasFeature(Py_TYPE(o), Py_TPFLAGS_HEAPTYPE)) {
          in.dead = true;
        }
        break;
      }
      case Op::GUARD_INT64: {
        auto* o = reinterpret_cast<PyObject*>(x);
        int overflow = 0;
        if (trace.ops[in.a].op == Op::CONST_OBJ && o != nullptr && PyLong_CheckExact(o)) {
          PyLong_AsLongLongAndOverflow(o, &overflow);
          if (!overflow) in.dead = true;
        }
        break;
      }
      case Op::UNBOX_INT:
        if (trace.ops[in.a].op == Op::CONST_OBJ) {
          auto* o = reinterpret_cast<PyObject*>(x);
          int overflow = 0;
          long long v = PyLong_CheckExact(o) ? PyLong_AsLongLongAndOverflow(o, &overflow) : 0;
          if (PyLong_CheckExact(o) && !overflow) become(in, Op::CONST_I64, v);
        }
        break;
      case Op::UNBOX_FLOAT:
        if (trace.ops[in.a].op == Op::CONST_OBJ &&
            PyFloat_CheckExact(reinterpret_cast<PyObject*>(x))) {
          become(in, Op::CONST_F64, as_bits(PyFloat_AS_DOUBLE(reinterpret_cast<PyObject*>(x))));
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace janus::jit
