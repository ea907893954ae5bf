// The op table expanded into OpInfo, the IR builder, the text printer and the verifier.
#include "jit/ir.h"

#include <cstdio>
#include <cstring>

#include "jit/cpython.h"
#include "jit/trace.h"

namespace janus::jit {

namespace {

const OpInfo kOpInfo[] = {
#define JIT_OP(name, result, operands, lowering, flags) \
  {#name, Type::result, operands, Lowering::lowering, static_cast<uint8_t>(flags)},
#include "jit/ir.def"
#undef JIT_OP
};

}  // namespace

const OpInfo& op_info(Op op) { return kOpInfo[static_cast<int>(op)]; }

const char* type_name(Type type) {
  switch (type) {
    case Type::Void: return "void";
    case Type::Obj: return "obj";
    case Type::I64: return "i64";
    case Type::F64: return "f64";
    case Type::Bool: return "bool";
  }
  return "?";
}

Trace::~Trace() {
  for (PyObject* obj : consts) Py_DECREF(obj);
}

// ---- builder ------------------------------------------------------------------------

bool may_run_code(Op op, int32_t aux) {
  if (!(op_info(op).flags & kEffect)) return false;
  switch (op) {
    case Op::CALL_C:
    case Op::DESCR_GET:
      return !(aux & kCallRunsNoCode);
    case Op::STORE_LOCAL:
    case Op::LOOP:
    case Op::SIDE_END:
    case Op::INCREF:
    case Op::DECREF:
    case Op::XDECREF:
    case Op::RANGE_ITER_NEXT:
    case Op::LIST_ITER_NEXT:
    case Op::LIST_STORE:
    case Op::APPEND:
    case Op::SET_ATTR_SLOT:
    case Op::DICT_STORE_ENTRY:
    case Op::PUSH_FRAME:
    case Op::POP_FRAME:
    case Op::FRAME_STORE:
    case Op::ENTRY_OBJ:
    case Op::CODE_WARMUP:  // quickening rewrites the code's instructions, nothing else
      return false;
    default:
      return true;
  }
}

Ref IRBuilder::emit(Op op, Ref a, Ref b, Ref c, int64_t imm, int32_t aux, int32_t exit) {
  if (before_code_ && !in_hook_ && may_run_code(op, aux)) {
    in_hook_ = true;
    before_code_(op);
    in_hook_ = false;
  }
  Instr instr{};
  instr.op = op;
  instr.type = op_info(op).result;
  instr.a = a;
  instr.b = b;
  instr.c = c;
  instr.imm = imm;
  instr.aux = aux;
  instr.exit = exit;
  instr.pc = pc_;
  trace_.ops.push_back(instr);
  return static_cast<Ref>(trace_.ops.size() - 1);
}

Ref IRBuilder::emit_list(Op op, const std::vector<Ref>& list, Ref a, int64_t imm, int32_t aux,
                         int32_t exit) {
  Ref ref = emit(op, a, kNoRef, kNoRef, imm, aux, exit);
  Instr& instr = trace_.ops[ref];
  instr.list_start = static_cast<int32_t>(trace_.lists.size());
  instr.list_count = static_cast<int32_t>(list.size());
  trace_.lists.insert(trace_.lists.end(), list.begin(), list.end());
  return ref;
}

Ref IRBuilder::const_i64(int64_t value) { return emit(Op::CONST_I64, kNoRef, kNoRef, kNoRef, value); }

Ref IRBuilder::const_f64(double value) {
  int64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return emit(Op::CONST_F64, kNoRef, kNoRef, kNoRef, bits);
}

Ref IRBuilder::const_bool(bool value) { return emit(Op::CONST_BOOL, kNoRef, kNoRef, kNoRef, value); }

Ref IRBuilder::const_obj(void* object) {
  auto* obj = static_cast<PyObject*>(object);
  Py_INCREF(obj);
  trace_.consts.push_back(obj);
  return emit(Op::CONST_OBJ, kNoRef, kNoRef, kNoRef, reinterpret_cast<int64_t>(obj));
}

int32_t IRBuilder::add_snapshot(Snapshot snapshot) {
  trace_.snapshots.push_back(std::move(snapshot));
  return static_cast<int32_t>(trace_.snapshots.size() - 1);
}

// ---- printer ------------------------------------------------------------------------

namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

// Constants print by value; objects by type (and value for small ints, floats, strings)
// so dumps are stable across runs (no addresses).
std::string describe_object(int64_t imm) {
  auto* obj = reinterpret_cast<PyObject*>(imm);
  if (obj == nullptr) return "NULL";
  if (obj == exhausted_sentinel()) return "<exhausted>";
  if (PyType_Check(obj)) return format("<type %s>", reinterpret_cast<PyTypeObject*>(obj)->tp_name);
  if (PyLong_CheckExact(obj)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (!overflow) return format("%lld", v);
  }
  if (PyFloat_CheckExact(obj)) return format("%.17g", PyFloat_AS_DOUBLE(obj));
  if (PyUnicode_CheckExact(obj)) {
    const char* s = PyUnicode_AsUTF8(obj);
    if (s != nullptr) return format("'%.60s'", s);
    PyErr_Clear();
  }
  if (obj == Py_None) return "None";
  if (obj == Py_True) return "True";
  if (obj == Py_False) return "False";
  // Functions and builtins by name: what a trace calls is the question a dump answers.
  if (PyFunction_Check(obj)) {
    const char* s = PyUnicode_AsUTF8(reinterpret_cast<PyFunctionObject*>(obj)->func_qualname);
    if (s != nullptr) return format("<function %.80s>", s);
    PyErr_Clear();
  }
  if (PyCFunction_Check(obj)) {
    return format("<builtin %.80s>", reinterpret_cast<PyCFunctionObject*>(obj)->m_ml->ml_name);
  }
  return format("<%s object>", Py_TYPE(obj)->tp_name);
}

}  // namespace

std::string print_instr(const Trace& trace, Ref ref) {
  const Instr& in = trace.ops[ref];
  const OpInfo& info = op_info(in.op);
  std::string line = format("%04d %-4s %-20s", ref, type_name(in.type), info.name);
  std::string args;
  auto add = [&](const std::string& s) {
    if (!args.empty()) args += ", ";
    args += s;
  };
  const Ref refs[3] = {in.a, in.b, in.c};
  for (int i = 0; i < 3; i++) {
    if (refs[i] != kNoRef) add(format("%%%d", refs[i]));
  }
  for (int i = 0; i < in.list_count; i++) add(format("%%%d", trace.lists[in.list_start + i]));
  switch (in.op) {
    case Op::CONST_I64: add(format("%lld", static_cast<long long>(in.imm))); break;
    case Op::CONST_F64: {
      double d;
      std::memcpy(&d, &in.imm, sizeof d);
      add(format("%.17g", d));
      break;
    }
    case Op::CONST_BOOL: add(in.imm ? "true" : "false"); break;
    case Op::CONST_OBJ:
    case Op::GUARD_TYPE:
    case Op::GUARD_IS:
    case Op::GUARD_IS_NOT:
    case Op::GETATTR:
    case Op::SETATTR:
    case Op::ITER_NEXT:
    case Op::GUARD_ATTR_SLOT:
    case Op::ATTR_SLOT:
    case Op::SET_ATTR_SLOT:
      add(describe_object(in.imm));
      break;
    case Op::GUARD_DICT_VERSION:
    case Op::GUARD_TYPE_VERSION:
    case Op::GUARD_LEN:
      add(format("%lld", static_cast<long long>(in.imm)));
      break;
    default:
      break;
  }
  switch (in.op) {
    case Op::LOAD_LOCAL:
    case Op::STORE_LOCAL:
    case Op::LOAD_STACK:
    case Op::ENTRY_OBJ:
    case Op::ENTRY_PTR:
    case Op::ENTRY_I64:
    case Op::ENTRY_F64:
    case Op::ENTRY_BOOL:
    case Op::CMP_I64:
    case Op::CMP_F64:
    case Op::OBJ_BINARY:
    case Op::COMPARE:
    case Op::UNARY:
    case Op::CONTAINS:
    case Op::GUARD_ITER_NOT_DONE:
    case Op::MATH_F64:
    case Op::CALL_C:
      add(format("#%d", in.aux));
      break;
    default:
      break;
  }
  line += args;
  if (in.exit >= 0) line += format("  exit=%d", in.exit);
  if (in.pc >= 0) line += format("  @%d", in.pc);
  if (in.dead) line += "  (dead)";
  return line;
}

std::string print_trace(const Trace& trace) {
  std::string out;
  for (Ref r = 0; r < static_cast<Ref>(trace.ops.size()); r++) {
    if (trace.ops[r].dead) continue;
    out += print_instr(trace, r);
    out += '\n';
  }
  for (size_t i = 0; i < trace.snapshots.size(); i++) {
    const Snapshot& s = trace.snapshots[i];
    out += format("snap %zu %s @%d depth=%d%s:", i, s.kind == Snapshot::Resume ? "resume" : "raise",
                  s.pc, s.stack_depth, s.forceable ? " forceable" : "");
    for (const SnapEntry& e : s.entries) {
      const char* kind = e.kind == SnapEntry::Local   ? "L"
                         : e.kind == SnapEntry::Stack   ? "S"
                         : e.kind == SnapEntry::FramePtr ? "F"
                                                          : "R";
      if (e.kind == SnapEntry::Release) {
        out += format(" R=%%%d", e.ref);
      } else if (e.depth > 0) {
        out += format(e.bind ? " %s%d.%d=bind(%%%d)" : " %s%d.%d=%%%d", kind, e.depth, e.index, e.ref);
      } else {
        out += format(e.bind ? " %s%d=bind(%%%d)" : " %s%d=%%%d", kind, e.index, e.ref);
      }
    }
    for (size_t d = 0; d < s.callers.size(); d++) {
      out += format(" caller%zu@%d/%d", d, s.callers[d].pc, s.callers[d].stack_depth);
    }
    out += '\n';
  }
  return out;
}

// ---- verifier -----------------------------------------------------------------------

std::string verify(const Trace& trace) {
  const Ref n = static_cast<Ref>(trace.ops.size());
  const Op last = trace.side ? Op::SIDE_END : Op::LOOP;
  if (n == 0 || trace.ops[n - 1].op != last) {
    return trace.side ? "the side trace does not end with SIDE_END" : "the trace does not end with LOOP";
  }
  auto check_ref = [&](Ref user, Ref ref) -> std::string {
    if (ref < 0 || ref >= user) return format("op %d uses %%%d before it is defined", user, ref);
    if (trace.ops[ref].dead) return format("op %d uses dead op %%%d", user, ref);
    if (trace.ops[ref].type == Type::Void) return format("op %d uses void %%%d", user, ref);
    return "";
  };
  for (Ref r = 0; r < n; r++) {
    const Instr& in = trace.ops[r];
    if (in.dead) continue;
    const OpInfo& info = op_info(in.op);
    if (in.type != info.result) return format("op %d has type %s, not %s", r, type_name(in.type),
                                              type_name(info.result));
    const Ref refs[3] = {in.a, in.b, in.c};
    for (int i = 0; i < 3; i++) {
      if (i < info.operands) {
        std::string err = check_ref(r, refs[i]);
        if (!err.empty()) return err;
      } else if (refs[i] != kNoRef) {
        return format("op %d (%s) has an extra operand", r, info.name);
      }
    }
    for (int i = 0; i < in.list_count; i++) {
      std::string err = check_ref(r, trace.lists[in.list_start + i]);
      if (!err.empty()) return err;
    }
    bool needs_exit = (info.flags & (kGuard | kMayRaise)) || in.op == Op::LOOP || in.op == Op::SIDE_END;
    if (needs_exit && (in.exit < 0 || in.exit >= static_cast<int>(trace.snapshots.size()))) {
      return format("op %d (%s) has no valid exit", r, info.name);
    }
    if ((in.op == Op::LOOP || in.op == Op::SIDE_END) && r != n - 1) {
      return format("%s at %d is not last", info.name, r);
    }
    if (needs_exit) {
      for (const SnapEntry& e : trace.snapshots[in.exit].entries) {
        std::string err = check_ref(r, e.ref);
        if (!err.empty()) return "snapshot " + std::to_string(in.exit) + ": " + err;
      }
    }
  }
  return "";
}

}  // namespace janus::jit
