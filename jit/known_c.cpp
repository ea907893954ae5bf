// Recognition of the builtins of jit/known_c.def by their PyMethodDef.
#include "jit/known_c.h"

#include <cstring>
#include <unordered_set>

namespace janus::jit {

namespace {

enum class Owner { Module, Type };

struct Entry {
  Owner kind;
  const char* owner;
  const char* name;
};

constexpr Entry kEntries[] = {
#define JIT_NO_CODE(kind, owner, name) {Owner::kind, owner, name},
#include "jit/known_c.def"
#undef JIT_NO_CODE
};

// Defs found to be entries (static data of their C module: they never move or change).
std::unordered_set<PyMethodDef*> g_known;

bool in_table(PyMethodDef* methods, PyMethodDef* def) {
  for (PyMethodDef* m = methods; m != nullptr && m->ml_name != nullptr; m++) {
    if (m == def) return true;
  }
  return false;
}

bool owned_by(const Entry& e, PyMethodDef* def, PyObject* self) {
  if (e.kind == Owner::Module) {
    if (self == nullptr || !PyModule_Check(self)) return false;
    PyModuleDef* mdef = PyModule_GetDef(self);
    return mdef != nullptr && mdef->m_name != nullptr && std::strcmp(mdef->m_name, e.owner) == 0 &&
           in_table(mdef->m_methods, def);
  }
  if (self == nullptr) return false;
  PyObject* mro = Py_TYPE(self)->tp_mro;
  if (mro == nullptr || !PyTuple_Check(mro)) return false;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
    auto* t = reinterpret_cast<PyTypeObject*>(PyTuple_GET_ITEM(mro, i));
    if (std::strcmp(t->tp_name, e.owner) == 0 && in_table(t->tp_methods, def)) return true;
  }
  return false;
}

}  // namespace

bool runs_no_python_code(PyMethodDef* def, PyObject* self) {
  if (def == nullptr) return false;
  if (g_known.count(def) != 0) return true;
  if ((def->ml_flags & ~(METH_COEXIST)) != METH_NOARGS) return false;
  for (const Entry& e : kEntries) {
    if (std::strcmp(def->ml_name, e.name) == 0 && owned_by(e, def, self)) {
      g_known.insert(def);
      return true;
    }
  }
  return false;
}

}  // namespace janus::jit
