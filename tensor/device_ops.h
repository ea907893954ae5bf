// Kernels of registry ops for tensors that are not on the CPU. A device backend (gpu/, loaded
// on demand as its own extension module) registers, under the C++ name an op has in
// tensor/ops.def, a function of exactly that op's type; the Python binding looks here when
// an op's tensors are on that device. No entry: NotImplementedError naming op and device,
// never a silent CPU fallback.
#pragma once
#include <type_traits>

#include "tensor/core.h"

namespace janus {

using ErasedOp = void (*)();
void register_device_op(DeviceType type, const char* cpp_name, ErasedOp fn);
ErasedOp find_device_op(DeviceType type, const char* cpp_name);  // null when none

// Registers `impl` for ops::<op>; refuses at compile time a function of another type.
#define JANUS_REGISTER_DEVICE_OP(type, op, impl)                                              \
  do {                                                                                      \
    static_assert(std::is_same_v<decltype(&::janus::ops::op), decltype(&impl)>,             \
                  "a device kernel must have its op's exact C++ type");                     \
    ::janus::register_device_op(type, #op, reinterpret_cast<::janus::ErasedOp>(&impl));     \
  } while (0)

// Copies between devices: registered by the backend under these names, typed as below.
using ToDeviceFn = Tensor (*)(const Tensor&, Device, bool non_blocking);
constexpr const char* kToDeviceOp = "to_device";
using EmptyOnFn = Tensor (*)(const Shape&, DType, Device);  // factories on a device
constexpr const char* kEmptyOnOp = "empty_on";

}  // namespace janus
