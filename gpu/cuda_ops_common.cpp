#include "gpu/cuda_ops_common.h"

namespace janus::gpu {

kernels::Operand operand(const Tensor& t, const char* op) {
  if (t.dim() > kernels::kMaxDims)
    fail(ErrorKind::NotImplemented, str_cat(op, ": CUDA kernels take at most ", kernels::kMaxDims, " dims (got ",
                                            t.dim(), ")"));
  kernels::Operand o;
  o.data = t.raw();
  o.dtype = int(t.dtype());
  o.ndim = int(t.dim());
  for (int i = 0; i < o.ndim; ++i) o.sizes[i] = t.sizes()[i], o.strides[i] = t.strides()[i];
  return o;
}

kernels::Operand broadcast_operand(const Tensor& t, const Shape& shape, const char* op) {
  kernels::Operand o = operand(t, op);
  const int n = int(shape.size()), lead = n - int(t.dim());
  if (n > kernels::kMaxDims) fail(ErrorKind::NotImplemented, str_cat(op, ": CUDA kernels take at most 8 dims"));
  kernels::Operand b = o;
  b.ndim = n;
  for (int i = 0; i < n; ++i) {
    int src = i - lead;
    b.sizes[i] = shape[i];
    b.strides[i] = src < 0 || t.sizes()[src] == 1 ? 0 : t.strides()[src];
  }
  return b;
}

Device op_device(std::initializer_list<const Tensor*> tensors) {
  for (const Tensor* t : tensors)
    if (t->defined() && !t->device().is_cpu()) return t->device();
  runtime_error("a CUDA op was called with no CUDA tensor");
}

Tensor on_device(const Tensor& t, Device d) {
  if (!t.defined() || t.device() == d) return t;
  return to_device(t, d, false);
}

void check_no_grad(const char* op, std::initializer_list<const Tensor*> tensors) {
  if (needs_grad(tensors))
    fail(ErrorKind::NotImplemented, str_cat("Janus does not record autograd for CUDA tensors yet (", op,
                                            " on a tensor that requires grad); use torch.no_grad() or the CPU"));
}

void copy_kernel(const Tensor& out, const Tensor& src, const char* op) {
  DeviceGuard guard(out.device().index);
  kernels::Operand in = broadcast_operand(src, out.sizes(), op);
  kernels::Operand o = operand(out, op);
  // The compute type is the output's: the copy converts on the store.
  cuda_check(kernels::unary(kernels::UnaryOp::copy, o, o.dtype, in, out.numel(), stream_of(out)), op);
}

Tensor contiguous_cuda(const Tensor& a) {
  if (a.is_contiguous()) return a;
  Tensor out = empty_cuda(a.sizes(), a.dtype(), a.device());
  copy_kernel(out, a, "contiguous");
  return out;
}

}  // namespace janus::gpu
