// Elementwise CUDA ops with PyTorch's type promotion and broadcasting, through the generic
// strided kernels in kernels.cu.
#include "gpu/cuda_ops_common.h"

namespace janus::gpu {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

// A 0-d CPU operand whose value a double holds exactly (every float, bool and int32, int64 up
// to 2^53) rides in the kernel's arguments instead of being copied to the device.
bool by_value(const Tensor& t) {
  if (!t.device().is_cpu() || t.dim() != 0) return false;
  if (t.dtype() != DType::Int64) return true;
  int64_t v = *t.data<int64_t>();
  return v >= -(int64_t(1) << 53) && v <= (int64_t(1) << 53);
}
kernels::Operand operand_of(const Tensor& t, const Tensor& on, const Shape& shape, const char* name) {
  if (!by_value(t)) return broadcast_operand(on, shape, name);
  kernels::Operand o;
  o.dtype = int(t.dtype());
  o.value = t.item().to_double();
  return o;
}

Tensor binary(BinaryOp op, const char* name, const Tensor& a0, const Tensor& b0, double alpha = 1.0) {
  check_no_grad(name, {&a0, &b0});
  Device d = op_device({&a0, &b0});
  Tensor a = by_value(a0) ? a0 : on_device(a0, d), b = by_value(b0) ? b0 : on_device(b0, d);
  DType compute = ops::result_type({a0, b0});
  bool is_bool_result = false;
  switch (op) {
#define JANUS_CUDA_BOOL(n, expr, is_bool) case BinaryOp::n: is_bool_result = is_bool; break;
    JANUS_CUDA_BINARY_OPS(JANUS_CUDA_BOOL)
#undef JANUS_CUDA_BOOL
  }
  if (op == BinaryOp::div && !is_floating(compute)) compute = default_dtype();  // true division
  if ((op == BinaryOp::sub) && compute == DType::Bool)
    runtime_error("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                  "`logical_xor()` operator instead.");
  DType out_dtype = is_bool_result ? DType::Bool : compute;
  Shape shape = broadcast_shape(a.sizes(), b.sizes());
  DeviceGuard guard(d.index);
  Tensor out = empty_cuda(shape, out_dtype, d);
  cuda_check(kernels::binary(op, out.raw(), int(out_dtype), int(compute), operand_of(a0, a, shape, name),
                             operand_of(b0, b, shape, name), alpha, out.numel(), stream_of(out)),
             name);
  return out;
}

// Float: integers and bools compute in the default float dtype (exp(int) is a float tensor).
Tensor unary(UnaryOp op, const char* name, bool to_float, const Tensor& a) {
  check_no_grad(name, {&a});
  DType compute = to_float && !is_floating(a.dtype()) ? default_dtype() : a.dtype();
  if (!to_float && a.dtype() == DType::Bool && op == UnaryOp::neg)
    runtime_error("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
                  "mask, use the `~` or `logical_not()` operator instead.");
  DeviceGuard guard(a.device().index);
  Tensor out = empty_cuda(a.sizes(), compute, a.device());
  cuda_check(kernels::unary(op, operand(out, name), int(compute), operand(a, name), out.numel(), stream_of(out)), name);
  return out;
}

double alpha_of(const Scalar& s) { return s.to_double(); }

}  // namespace

// The registry's signatures, one function each (the names are those of janus::ops).
namespace cuda {
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) { return binary(BinaryOp::add, "add", a, b, alpha_of(alpha)); }
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) { return binary(BinaryOp::sub, "sub", a, b, alpha_of(alpha)); }
Tensor rsub(const Tensor& a, const Tensor& b, const Scalar& alpha) { return binary(BinaryOp::sub, "rsub", b, a, alpha_of(alpha)); }
#define JANUS_CUDA_PLAIN_BINARY(_) _(mul) _(div) _(maximum) _(minimum) _(pow) _(eq) _(ne) _(lt) _(le) _(gt) _(ge)
#define JANUS_CUDA_DEFINE(n) \
  Tensor n(const Tensor& a, const Tensor& b) { return binary(BinaryOp::n, #n, a, b); }
JANUS_CUDA_PLAIN_BINARY(JANUS_CUDA_DEFINE)
#undef JANUS_CUDA_DEFINE
// name, keeps its dtype (false) or computes integers in floating point (true)
#define JANUS_CUDA_UNARY(_) \
  _(neg, false) _(abs, false) _(relu, false) _(exp, true) _(log, true) _(sqrt, true) _(rsqrt, true) \
  _(reciprocal, true) _(sin, true) _(cos, true) _(tanh, true) _(sigmoid, true)
#define JANUS_CUDA_DEFINE(n, to_float) \
  Tensor n(const Tensor& a) { return unary(UnaryOp::n, #n, to_float, a); }
JANUS_CUDA_UNARY(JANUS_CUDA_DEFINE)
#undef JANUS_CUDA_DEFINE

Tensor to_dtype(const Tensor& a, DType dtype, bool copy) {
  if (a.dtype() == dtype && !copy) return a;
  check_no_grad("to", {&a});
  Tensor out = empty_cuda(a.sizes(), dtype, a.device());
  copy_kernel(out, a, "to");
  return out;
}
Tensor contiguous(const Tensor& a) {
  check_no_grad("contiguous", {&a});
  return contiguous_cuda(a);
}
Tensor clone(const Tensor& a) {
  check_no_grad("clone", {&a});
  Tensor out = empty_cuda(a.sizes(), a.dtype(), a.device());
  copy_kernel(out, a, "clone");
  return out;
}
Tensor fill_(const Tensor& self, const Tensor& value) {
  check_no_grad("fill_", {&self});
  if (value.dim() != 0)
    runtime_error(str_cat("fill_ only supports 0-dimension value tensor but got tensor with ", value.dim(),
                          " dimensions."));
  double v = (value.device().is_cpu() ? value : to_device(value, Device{}, false)).item().to_double();
  DeviceGuard guard(self.device().index);
  cuda_check(kernels::fill(operand(self, "fill_"), v, self.numel(), stream_of(self)), "fill_");
  self.bump_version();
  return self;
}
Tensor zero_(const Tensor& self) {
  check_no_grad("zero_", {&self});
  DeviceGuard guard(self.device().index);
  cuda_check(kernels::fill(operand(self, "zero_"), 0.0, self.numel(), stream_of(self)), "zero_");
  self.bump_version();
  return self;
}
// copy_ across devices: host <-> device through to_device, then a strided device copy.
Tensor copy_(const Tensor& self, const Tensor& src) {
  check_no_grad("copy_", {&self, &src});
  if (self.device().is_cpu()) {  // device -> host
    ops::copy_(self, to_device(src, Device{}, false));
    return self;
  }
  Tensor s = on_device(src, self.device());
  copy_kernel(self, s, "copy_");
  self.bump_version();
  return self;
}
}  // namespace cuda

}  // namespace janus::gpu
