// The device check every op call from Python makes before its kernel: one load and compare
// per tensor argument while everything is on the CPU; otherwise PyTorch's mixed-device error,
// the device backend's kernel (tensor/device_ops.h), or NotImplementedError naming op and device.
#pragma once
#include <vector>

#include "tensor/device_ops.h"
#include "tensor/ops.h"

namespace janus::py {

inline bool on_cpu(const Tensor& t) { return !t.defined() || t.impl()->storage->device.is_cpu(); }
inline bool on_cpu(const TensorList& ts) {
  for (const Tensor& t : ts) if (!on_cpu(t)) return false;
  return true;
}
template <class T> bool on_cpu(const T&) { return true; }
inline void collect_tensors(const Tensor& t, std::vector<const Tensor*>& out) { out.push_back(&t); }
inline void collect_tensors(const TensorList& ts, std::vector<const Tensor*>& out) {
  for (const Tensor& t : ts) out.push_back(&t);
}
template <class T> void collect_tensors(const T&, std::vector<const Tensor*>&) {}

// The kernel for op `cpp_name` (its name in janus::ops) when its tensors are not all on the CPU.
ErasedOp device_kernel(const char* cpp_name, const std::vector<const Tensor*>& tensors);

// Calls ops function `fn` (named `cpp_name`), or its device kernel: for C++ call sites in the
// binding (operators such as a + b) that do not go through the registry's parser.
template <class R, class... P, class... A>
R call_op(R (*fn)(P...), const char* cpp_name, const A&... args) {
  if (!(true && ... && on_cpu(args))) [[unlikely]] {
    std::vector<const Tensor*> tensors;
    (collect_tensors(args, tensors), ...);
    fn = reinterpret_cast<R (*)(P...)>(device_kernel(cpp_name, tensors));
  }
  return fn(args...);
}

}  // namespace janus::py
