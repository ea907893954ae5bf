// _janus_fake_cuda (tests only): a "cuda:0" whose memory is host memory and whose kernels are
// the CPU's. It registers, for DeviceType::CUDA, the device autograd layer
// (gpu/device_autograd.h) over CPU kernels, so every gradient formula, composite, view rule,
// the engine's device paths and the Python-side device plumbing run (and are checked against
// torch) on machines without a GPU. Never loaded together with _janus_cuda; janus.cuda loads it
// only through _use_fake_device_for_tests().
#include <Python.h>

#include "gpu/device_autograd.h"

namespace janus::gpu {
namespace {

const Device kFake{DeviceType::CUDA, 0};

// A view of `t`'s memory whose storage says `device` (the memory stays where it is).
static void release(void* context, void*) { delete static_cast<Ref<Storage>*>(context); }
Tensor relabel(const Tensor& t, Device device) {
  const Ref<Storage>& real = t.impl()->storage;
  Ref<Storage> label = Storage::borrow(real->data, real->nbytes, release, new Ref<Storage>(real));
  label->device = device;
  Tensor out = t.alias_with(t.sizes(), t.strides(), t.offset());
  out.impl()->storage = label;
  out.impl()->view_base.reset();
  return out;
}
Tensor claim(const Tensor& t) { return !t.defined() || !t.device().is_cpu() ? t : relabel(t, kFake); }

template <class T> bool wants_grad(const T& x) {
  if constexpr (std::is_same_v<std::decay_t<T>, Tensor>) return x.defined() && x.requires_grad();
  else if constexpr (std::is_same_v<std::decay_t<T>, TensorList>) {
    for (const Tensor& t : x) if (t.defined() && t.requires_grad()) return true;
    return false;
  } else return false;
}

constexpr bool in_place(const char* name) {
  size_t n = 0;
  while (name[n]) ++n;
  return n > 0 && name[n - 1] == '_';
}

// The CPU kernel as a raw device kernel: refuses a tensor that needs grad (as the CUDA ones
// do), runs on the host memory, and labels a new result as on the device.
template <auto Fn, bool InPlace> struct Host;
template <class R, class... A, R (*Fn)(A...), bool InPlace> struct Host<Fn, InPlace> {
  static R call(A... args) {
    if (grad_enabled() && (false || ... || wants_grad(args)))
      fail(ErrorKind::NotImplemented, "Janus does not record autograd for this raw cuda kernel (fake device)");
    NoGradGuard no_grad;
    R r = Fn(args...);
    if constexpr (InPlace) return r;
    else return claim(r);
  }
};

struct HostKernels {
#define JANUS_FAKE_KERNEL(op) static constexpr auto op = &Host<&::janus::ops::op, in_place(#op)>::call;
  JANUS_DEVICE_RAW_OPS(JANUS_FAKE_KERNEL)
#undef JANUS_FAKE_KERNEL
  static Tensor empty(const Shape& sizes, DType dtype, Device) { return claim(Tensor::empty(sizes, dtype)); }
  static Tensor to_host(const Tensor& t) { return relabel(t, Device{}); }
  static Tensor to_device(const Tensor& t, Device) { return claim(t); }
  static Tensor gather_rows(const Tensor& src, const Tensor& index) {
    NoGradGuard no_grad;
    return claim(ops::index_select(relabel(src, Device{}), 0, relabel(index, Device{})));
  }
  static void scatter_add_rows_(const Tensor& out, const Tensor& index, const Tensor& src) {
    const int64_t* idx = static_cast<const int64_t*>(index.raw());
    int64_t n = index.numel(), len = out.size(1);
    Tensor s = src.dtype() == out.dtype() ? src : Host<&ops::to_dtype, false>::call(src, out.dtype(), false);
    s = Host<&ops::contiguous, false>::call(s);
    if (out.dtype() == DType::Float64) {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < len; ++j)
          static_cast<double*>(out.raw())[idx[i] * len + j] += static_cast<const double*>(s.raw())[i * len + j];
    } else if (out.dtype() == DType::Float32) {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < len; ++j)
          static_cast<float*>(out.raw())[idx[i] * len + j] += static_cast<const float*>(s.raw())[i * len + j];
    } else {
      fail(ErrorKind::NotImplemented, "Janus has no cuda kernel for index_select's gradient of integer tensors");
    }
    out.bump_version();
  }
};

// Copies between the host and the fake device: new memory each way, as real copies are.
Tensor fake_to_device(const Tensor& t, Device target, bool) {
  if (needs_grad({&t}))
    fail(ErrorKind::NotImplemented, "Janus does not record autograd through a copy between devices yet; copy "
                                    "under torch.no_grad() (Module.to() does)");
  NoGradGuard no_grad;
  if (t.device() == target || (target.type == DeviceType::CUDA && !t.device().is_cpu())) return t;
  Tensor copy = ops::clone(relabel(t, Device{}));
  return target.is_cpu() ? copy : claim(copy);
}
Tensor fake_empty_on(const Shape& sizes, DType dtype, Device) { return claim(Tensor::empty(sizes, dtype)); }

PyObject* install(PyObject*, PyObject*) {
  try {
    register_device_autograd<HostKernels>(DeviceType::CUDA);
    ToDeviceFn to = &fake_to_device;
    register_device_op(DeviceType::CUDA, kToDeviceOp, reinterpret_cast<ErasedOp>(to));
    EmptyOnFn empty = &fake_empty_on;
    register_device_op(DeviceType::CUDA, kEmptyOnOp, reinterpret_cast<ErasedOp>(empty));
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    return nullptr;
  }
  Py_RETURN_NONE;
}

// The _janus_cuda functions janus.cuda calls, for one device that needs no synchronization.
PyObject* one(PyObject*, PyObject*) { return PyLong_FromLong(1); }
PyObject* zero(PyObject*, PyObject*) { return PyLong_FromLong(0); }
PyObject* none(PyObject*, PyObject*) { Py_RETURN_NONE; }
PyObject* zero_varargs(PyObject*, PyObject*) { return PyLong_FromLong(0); }
PyObject* name(PyObject*, PyObject*) { return PyUnicode_FromString("Janus fake CUDA device (CPU kernels, host memory)"); }

PyMethodDef functions[] = {
    {"install", install, METH_NOARGS, nullptr},
    {"device_count", one, METH_NOARGS, nullptr},
    {"unavailable_reason", none, METH_NOARGS, nullptr},
    {"current_device", zero, METH_NOARGS, nullptr},
    {"set_device", none, METH_O, nullptr},
    {"device_name", name, METH_O, nullptr},
    {"synchronize", none, METH_O, nullptr},
    {"memory_stat", zero_varargs, METH_VARARGS, nullptr},
    {"reset_peak", none, METH_O, nullptr},
    {"empty_cache", none, METH_NOARGS, nullptr},
    {"set_allow_tf32", none, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr}};

PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_janus_fake_cuda", nullptr, -1, functions};

}  // namespace
}  // namespace janus::gpu

PyMODINIT_FUNC PyInit__janus_fake_cuda() { return PyModule_Create(&janus::gpu::module_def); }
