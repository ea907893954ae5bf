// Out-of-line pieces of instruction semantics: error formatting, raise, imports, unpacking,
// pattern matching, exception groups. They mirror CPython 3.11's behaviour (messages
// included) and stay out of the dispatch loop to keep its C stack frame small.
#pragma once

#include "vm/cpython.h"

namespace janus::vm {

// Messages CPython uses for unbound names.
inline constexpr const char* kNameErrorMsg = "name '%.200s' is not defined";
inline constexpr const char* kUnboundLocalMsg =
    "cannot access local variable '%s' where it is not associated with a value";
inline constexpr const char* kUnboundFreeMsg =
    "cannot access free variable '%s' where it is not associated with a value in enclosing "
    "scope";

// Raises `exc` with `format` % name; NameErrors also get .name so tracebacks can suggest.
void format_exc_check_arg(PyThreadState* tstate, PyObject* exc, const char* format,
                          PyObject* name);
// UnboundLocalError / NameError for the cell or free variable at localsplus[oparg].
void format_exc_unbound(PyThreadState* tstate, PyCodeObject* code, int oparg);
// Rewrites errors of `f(**x)` merges into CPython's TypeErrors.
void format_kwargs_error(PyThreadState* tstate, PyObject* func, PyObject* kwargs);
// TypeError for `f(*x)` with a non-iterable x; returns -1 then, 0 when x is fine.
int check_args_iterable(PyThreadState* tstate, PyObject* func, PyObject* args);
void format_awaitable_error(PyThreadState* tstate, PyTypeObject* type, int oparg);

// `raise`, `raise exc`, `raise exc from cause`. Steals exc and cause. Returns 1 when a bare
// `raise` re-raised the handled exception (no new traceback entry), 0 otherwise.
int do_raise(PyThreadState* tstate, PyObject* exc, PyObject* cause);

// except / except* clause type checks; -1 with TypeError set when invalid.
int check_except_type_valid(PyThreadState* tstate, PyObject* right);
int check_except_star_type_valid(PyThreadState* tstate, PyObject* right);
// Splits exc_value by match_type for except*; new references in *match and *rest.
int exception_group_match(PyObject* exc_value, PyObject* match_type, PyObject** match,
                          PyObject** rest);

PyObject* import_name(PyThreadState* tstate, _PyInterpreterFrame* frame, PyObject* name,
                      PyObject* fromlist, PyObject* level);
PyObject* import_from(PyThreadState* tstate, PyObject* module, PyObject* name);
int import_all_from(PyThreadState* tstate, PyObject* locals, PyObject* module);

// Unpacks v into sp[-1], sp[-2], ... (argcntafter = -1: exactly argcnt items). 1 on success.
int unpack_iterable(PyThreadState* tstate, PyObject* v, int argcnt, int argcntafter,
                    PyObject** sp);

PyObject* match_class(PyThreadState* tstate, PyObject* subject, PyObject* type,
                      Py_ssize_t nargs, PyObject* kwargs);
PyObject* match_keys(PyThreadState* tstate, PyObject* map, PyObject* keys);

// Handles what the eval breaker asks for: GIL hand-over, signals, pending calls, async
// exceptions. -1 with an exception set when one of them raised.
int handle_eval_breaker(PyThreadState* tstate);

// The exception table of `code`: the handler covering instruction `offset` (code units).
// Returns false when none does.
bool find_exception_handler(PyCodeObject* code, int offset, int* depth, int* handler,
                            bool* push_lasti);

// Writes CALL_PY_EXACT_ARGS / CALL_PY_WITH_DEFAULTS at `instr` (a CALL_ADAPTIVE) when
// `callable` is a Python function CPython would specialize without a hook. False: nothing
// written, the caller runs CPython's specializer (which backs off).
bool specialize_python_call(PyObject* callable, _Py_CODEUNIT* instr, int nargs,
                            PyObject* kwnames);

// Interned strings used by instructions (created at initialization).
struct Names {
  PyObject* enter;
  PyObject* exit;
  PyObject* aenter;
  PyObject* aexit;
  PyObject* build_class;
  PyObject* annotations;
  PyObject* displayhook;
  PyObject* import;
  PyObject* all;
  PyObject* dict;
  PyObject* name;
  PyObject* spec;
  PyObject* get;
  PyObject* match_args;
  PyObject* attr_name;  // "name", the NameError attribute
};
const Names& names();
bool init_names();

}  // namespace janus::vm
