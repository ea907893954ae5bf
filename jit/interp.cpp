// The IR interpreter: runs a Trace op by op with exactly the semantics the backend must
// have (jit/trace.h's entry contract). It is the reference for backend tests and the
// executor for traces the backend refuses.
#include "jit/cpython.h"
#include "jit/math_call.h"
#include "jit/runtime.h"
#include "jit/trace.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace janus::jit {

namespace {

inline PyObject* obj(uint64_t v) { return reinterpret_cast<PyObject*>(v); }
inline double f64(uint64_t v) {
  double d;
  std::memcpy(&d, &v, sizeof d);
  return d;
}
inline uint64_t bits(double d) {
  uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  return v;
}

}  // namespace

// compare_values (jit/ir.h) numbers the comparisons as CPython does.
static_assert(Py_LT == 0 && Py_LE == 1 && Py_EQ == 2 && Py_NE == 3 && Py_GT == 4 && Py_GE == 5);

int max_exit_values(const Trace& trace) {
  size_t most = 0;
  for (const Snapshot& s : trace.snapshots) most = std::max(most, s.entries.size());
  return static_cast<int>(most);
}

int interpret(const Trace& trace, TraceContext* ctx) {
  const Ref n = static_cast<Ref>(trace.ops.size());
  std::vector<uint64_t> v(n, 0);
  std::vector<uint64_t> args;
  const bool forcing = force_deopt_period() > 0;

  auto take_exit = [&](int32_t exit) {
    const Snapshot& snap = trace.snapshots[exit];
    for (size_t i = 0; i < snap.entries.size(); i++) ctx->exit_values[i] = v[snap.entries[i].ref];
    ctx->exit_id = exit;
    return exit;
  };

  for (;;) {
    for (Ref r = 0; r < n; r++) {
      const Instr& in = trace.ops[r];
      if (in.dead) continue;
      const uint64_t a = in.a >= 0 ? v[in.a] : 0;
      const uint64_t b = in.b >= 0 ? v[in.b] : 0;
      const uint64_t c = in.c >= 0 ? v[in.c] : 0;
      // Guards: the forced-failure roll comes first, for forceable snapshots only.
      if ((op_info(in.op).flags & kGuard) && forcing && trace.snapshots[in.exit].forceable &&
          force_deopt_roll()) {
        return take_exit(in.exit);
      }
#define GUARD(cond)                          \
  if (!(cond)) return take_exit(in.exit);    \
  break;
      switch (in.op) {
        case Op::CONST_OBJ:
        case Op::CONST_I64:
        case Op::CONST_F64:
          v[r] = static_cast<uint64_t>(in.imm);
          break;
        case Op::CONST_BOOL:
          v[r] = in.imm != 0;
          break;
        case Op::LOAD_LOCAL:
          v[r] = reinterpret_cast<uint64_t>(ctx->localsplus[in.aux]);
          break;
        case Op::LOAD_STACK:
          v[r] = reinterpret_cast<uint64_t>(ctx->stack_base[in.aux]);
          break;
        case Op::STORE_LOCAL: {
          Py_INCREF(obj(a));
          PyObject* old = ctx->localsplus[in.aux];
          ctx->localsplus[in.aux] = obj(a);
          v[r] = reinterpret_cast<uint64_t>(old);
          break;
        }
        case Op::LOOP:
          if (*ctx->eval_breaker != 0 || ctx->iterations + 1 >= ctx->iteration_limit) {
            return take_exit(in.exit);
          }
          ctx->iterations++;
          break;
        case Op::SIDE_END:
          return take_exit(in.exit);
        case Op::ENTRY_OBJ:
        case Op::ENTRY_PTR:
        case Op::ENTRY_I64:
        case Op::ENTRY_F64:
        case Op::ENTRY_BOOL:
          v[r] = ctx->entry_values[in.aux];
          break;
        case Op::INCREF:
          Py_INCREF(obj(a));
          break;
        case Op::KEEP_ALIVE:
          break;
        case Op::DECREF:
          Py_DECREF(obj(a));
          break;
        case Op::XDECREF:
          Py_XDECREF(obj(a));
          break;
        case Op::NEWREF:
          Py_INCREF(obj(a));
          v[r] = a;
          break;
        case Op::GUARD_TYPE:
          GUARD(reinterpret_cast<int64_t>(Py_TYPE(obj(a))) == in.imm)
        case Op::GUARD_IS:
          GUARD(static_cast<int64_t>(a) == in.imm)
        case Op::GUARD_IS_NOT:
          GUARD(static_cast<int64_t>(a) != in.imm)
        case Op::GUARD_NOT_NULL:
          GUARD(a != 0)
        case Op::GUARD_TRUE:
          GUARD(a != 0)
        case Op::GUARD_FALSE:
          GUARD(a == 0)
        case Op::GUARD_DICT_VERSION:
          GUARD(reinterpret_cast<PyDictObject*>(obj(a))->ma_version_tag ==
                static_cast<uint64_t>(in.imm))
        case Op::GUARD_TYPE_VERSION:
          GUARD(reinterpret_cast<PyTypeObject*>(obj(a))->tp_version_tag ==
                static_cast<unsigned int>(in.imm))
        case Op::GUARD_NONZERO_I64:
          GUARD(a != 0)
        case Op::GUARD_NONZERO_F64:
          GUARD(f64(a) != 0.0)
        case Op::GUARD_CFUNC_DEF:
          GUARD(reinterpret_cast<int64_t>(reinterpret_cast<PyCFunctionObject*>(obj(a))->m_ml) ==
                in.imm)
        case Op::GUARD_FINITE_F64:
          GUARD(std::isfinite(f64(a)))
        case Op::GUARD_INT64:
        case Op::GUARD_INDEX:
        case Op::GUARD_ITER_NOT_DONE:
        case Op::GUARD_LEN:
        case Op::GUARD_NOT_TRACING:
        case Op::GUARD_ATTR_SLOT:
        case Op::GUARD_FUNC_VERSION:
        case Op::GUARD_FUNC_CODE:
        case Op::GUARD_DICT_KEYS:
        case Op::GUARD_DICT_EMPTY:
          GUARD(rt::call_helper(static_cast<int>(in.op))(a, b, c, in.imm, in.aux) != 0)
        case Op::ADD_I64_OVF: {
          int64_t res;
          if (__builtin_add_overflow(static_cast<int64_t>(a), static_cast<int64_t>(b), &res)) {
            return take_exit(in.exit);
          }
          v[r] = static_cast<uint64_t>(res);
          break;
        }
        case Op::SUB_I64_OVF: {
          int64_t res;
          if (__builtin_sub_overflow(static_cast<int64_t>(a), static_cast<int64_t>(b), &res)) {
            return take_exit(in.exit);
          }
          v[r] = static_cast<uint64_t>(res);
          break;
        }
        case Op::MUL_I64_OVF: {
          int64_t res;
          if (__builtin_mul_overflow(static_cast<int64_t>(a), static_cast<int64_t>(b), &res)) {
            return take_exit(in.exit);
          }
          v[r] = static_cast<uint64_t>(res);
          break;
        }
        case Op::NEG_I64_OVF:
          if (static_cast<int64_t>(a) == INT64_MIN) return take_exit(in.exit);
          v[r] = static_cast<uint64_t>(-static_cast<int64_t>(a));
          break;
        case Op::AND_I64: v[r] = a & b; break;
        case Op::OR_I64: v[r] = a | b; break;
        case Op::XOR_I64: v[r] = a ^ b; break;
        case Op::CMP_I64:
          v[r] = compare_values(in.aux, static_cast<int64_t>(a), static_cast<int64_t>(b));
          break;
        case Op::I64_TO_F64: v[r] = bits(static_cast<double>(static_cast<int64_t>(a))); break;
        case Op::ADD_F64: v[r] = bits(f64(a) + f64(b)); break;
        case Op::SUB_F64: v[r] = bits(f64(a) - f64(b)); break;
        case Op::MUL_F64: v[r] = bits(f64(a) * f64(b)); break;
        case Op::DIV_F64: v[r] = bits(f64(a) / f64(b)); break;
        case Op::NEG_F64: v[r] = bits(-f64(a)); break;
        case Op::CMP_F64: v[r] = compare_values(in.aux, f64(a), f64(b)); break;
        case Op::MATH_F64: v[r] = bits(math_function(in.aux)(f64(a))); break;
        case Op::NOT_BOOL: v[r] = a == 0; break;
        case Op::IS: v[r] = a == b; break;
        case Op::UNBOX_FLOAT: v[r] = bits(PyFloat_AS_DOUBLE(obj(a))); break;
        case Op::BOX_BOOL:
          v[r] = reinterpret_cast<uint64_t>(a ? Py_True : Py_False);
          break;
        // Helpers. kMayRaise ones signal an error by 0 (Obj) or -1 (Bool/Void).
        case Op::UNBOX_INT:
        case Op::BOX_INT:
        case Op::BOX_FLOAT:
        case Op::FLOORDIV_I64:
        case Op::MOD_I64:
        case Op::OBJ_BINARY:
        case Op::COMPARE:
        case Op::TRUTH:
        case Op::UNARY:
        case Op::CONTAINS:
        case Op::GETITEM:
        case Op::SETITEM:
        case Op::GETATTR:
        case Op::SETATTR:
        case Op::ITER_NEXT:
        case Op::LIST_ITER_NEXT:
        case Op::RANGE_ITER_NEXT:
        case Op::SEQ_ITEM:
        case Op::LIST_STORE:
        case Op::APPEND:
        case Op::CHECK_BREAKER:
        case Op::NAME_LOAD:
        case Op::NAME_STORE:
        case Op::CELL_GET:
        case Op::CELL_SET:
        case Op::FORMAT:
        case Op::CONCAT:
        case Op::SLICE:
        case Op::DELITEM:
        case Op::NEW_DICT:
        case Op::OBJ_CALL:
        case Op::NEW_LIST:
        case Op::NEW_TUPLE:
        case Op::ATTR_SLOT:
        case Op::SET_ATTR_SLOT:
        case Op::PUSH_FRAME:
        case Op::POP_FRAME:
        case Op::FRAME_LOAD:
        case Op::FRAME_STORE:
        case Op::OBJ_ITER:
        case Op::MAKE_FUNC:
        case Op::LOAD_FIELD:
        case Op::CALL_EX:
        case Op::EXTEND_LIST:
        case Op::LIST_AS_TUPLE:
        case Op::WITH_ENTER:
        case Op::WITH_EXIT:
        case Op::DICT_STORE_ENTRY:
        case Op::DICT_ENTRY:
        case Op::DESCR_GET:
        case Op::HOLD_GETATTR_FRAME:
        case Op::MERGE_KWARGS:
        case Op::NEW_SET:
        case Op::SET_INSERT:
        case Op::DEL_ATTR:
        case Op::IMPORT_MODULE:
        case Op::FROM_IMPORT:
        case Op::CODE_WARMUP:
        case Op::CALL_C: {
          uint64_t res;
          // Code the helper runs may look at this frame (tracebacks, warnings,
          // sys._getframe): its line is the instruction's.
          if (op_info(in.op).flags & kEffect) {
            // The innermost frame: the loop's, or the inlined callee the op belongs to.
            _PyInterpreterFrame* current = ctx->tstate->cframe->current_frame;
            current->prev_instr = _PyCode_CODE(current->f_code) + in.pc;
          }
          if (op_info(in.op).lowering == Lowering::CallV) {
            args.resize(in.list_count);
            for (int i = 0; i < in.list_count; i++) args[i] = v[trace.lists[in.list_start + i]];
            res = rt::callv_helper(static_cast<int>(in.op))(args.data(), in.list_count, a,
                                                            in.imm, in.aux);
          } else {
            res = rt::call_helper(static_cast<int>(in.op))(a, b, c, in.imm, in.aux);
          }
          if (op_info(in.op).flags & kMayRaise) {
            bool failed = in.type == Type::Obj ? res == 0 : res == static_cast<uint64_t>(-1);
            if (failed) return take_exit(in.exit);
          }
          v[r] = res;
          break;
        }
      }
#undef GUARD
    }
  }
}

}  // namespace janus::jit
