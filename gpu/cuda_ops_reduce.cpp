// Reductions (sum, mean, max, min over all or some dims) and softmax / log_softmax on CUDA.
#include <algorithm>
#include <limits>

#include "gpu/cuda_ops_common.h"

namespace janus::gpu {

namespace {

using kernels::ReduceOp;

// Splits `a`'s dims into kept and reduced operands (both over a's data).
struct Split {
  kernels::Operand kept, reduced;
  Shape out_shape;  // with keepdim's 1s
  Shape squeezed;   // without the reduced dims
  int64_t n_out = 1, n_reduced = 1;
};

Split split_dims(const Tensor& a, std::vector<bool> reduce, const char* op) {
  Split s;
  s.kept = operand(a, op);
  s.reduced = s.kept;
  s.kept.ndim = s.reduced.ndim = 0;
  for (int64_t d = 0; d < a.dim(); ++d) {
    if (reduce[size_t(d)]) {
      s.reduced.sizes[s.reduced.ndim] = a.sizes()[d];
      s.reduced.strides[s.reduced.ndim++] = a.strides()[d];
      s.n_reduced *= a.sizes()[d];
      s.out_shape.push_back(1);
    } else {
      s.kept.sizes[s.kept.ndim] = a.sizes()[d];
      s.kept.strides[s.kept.ndim++] = a.strides()[d];
      s.n_out *= a.sizes()[d];
      s.out_shape.push_back(a.sizes()[d]);
      s.squeezed.push_back(a.sizes()[d]);
    }
  }
  return s;
}

std::vector<bool> dims_mask(const Tensor& a, const Shape& dims) {
  std::vector<bool> mask(size_t(a.dim()), dims.empty());  // dim=[] reduces everything, as in PyTorch 1.13
  for (int64_t d : dims) {
    int64_t w = a.wrap_dim(d);
    if (mask[size_t(w)] && !dims.empty() && std::count(dims.begin(), dims.end(), d) > 1)
      runtime_error(str_cat("dim ", w, " appears multiple times in the list of dims"));
    mask[size_t(w)] = true;
  }
  return mask;
}

Tensor reduce(ReduceOp op, const char* name, const Tensor& a, const std::vector<bool>& mask, bool keepdim,
              DType out_dtype) {
  check_no_grad(name, {&a});
  Split s = split_dims(a, mask, name);
  if (s.n_reduced == 0 && (op == ReduceOp::max || op == ReduceOp::min))
    runtime_error(str_cat(name, "(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                                "reduction dim with the 'dim' argument."));
  DeviceGuard guard(a.device().index);
  Tensor out = empty_cuda(keepdim ? s.out_shape : s.squeezed, out_dtype, a.device());
  if (s.n_reduced == 0) {  // sum of nothing is 0; mean of nothing is nan
    double v = op == ReduceOp::mean ? std::numeric_limits<double>::quiet_NaN() : 0.0;
    cuda_check(kernels::fill(operand(out, name), v, out.numel(), stream_of(out)), name);
    return out;
  }
  cuda_check(kernels::reduce(op, out.raw(), int(out_dtype), s.kept, s.reduced, s.n_out, s.n_reduced, stream_of(out)),
             name);
  return out;
}

DType sum_dtype(const Tensor& a, ops::OptDType dtype) {
  if (dtype) return *dtype;
  return is_integral(a.dtype(), true) ? DType::Int64 : a.dtype();
}

DType mean_dtype(const Tensor& a, ops::OptDType dtype, const char* name) {
  DType d = dtype ? *dtype : a.dtype();
  if (!is_floating(d))
    runtime_error(str_cat(name, "(): could not infer output dtype. Input dtype must be either a floating point or "
                                "complex dtype. Got: ", dtype_legacy(d)));
  return d;
}

Tensor softmax_impl(bool log, const char* name, const Tensor& a, int64_t dim, ops::OptDType dtype) {
  check_no_grad(name, {&a});
  DType out_dtype = dtype ? *dtype : a.dtype();
  if (!is_floating(out_dtype))
    runtime_error(str_cat("\"", log ? "log_softmax_lastdim_kernel_impl" : "softmax_lastdim_kernel_impl",
                          "\" not implemented for '", dtype_legacy(out_dtype), "'"));
  Tensor in = a.dtype() == out_dtype ? a : [&] {
    Tensor c = empty_cuda(a.sizes(), out_dtype, a.device());
    copy_kernel(c, a, name);
    return c;
  }();
  std::vector<bool> mask(size_t(in.dim()), false);
  int64_t w = in.wrap_dim(dim);
  if (in.dim() > 0) mask[size_t(w)] = true;
  DeviceGuard guard(in.device().index);
  Tensor out = empty_cuda(in.sizes(), out_dtype, in.device());
  Split s = split_dims(in, mask, name);
  Split o = split_dims(out, mask, name);
  int64_t out_stride = in.dim() > 0 ? out.strides()[size_t(w)] : 1;
  cuda_check(kernels::softmax(log, out.raw(), o.kept, out_stride, s.kept, s.reduced, s.n_out, s.n_reduced,
                              stream_of(out)),
             name);
  return out;
}

}  // namespace

namespace cuda {
Tensor sum(const Tensor& a, ops::OptDType dtype) {
  return reduce(ReduceOp::sum, "sum", a, std::vector<bool>(size_t(a.dim()), true), false, sum_dtype(a, dtype));
}
Tensor sum_dim(const Tensor& a, const Shape& dims, bool keepdim, ops::OptDType dtype) {
  return reduce(ReduceOp::sum, "sum", a, dims_mask(a, dims), keepdim, sum_dtype(a, dtype));
}
Tensor mean(const Tensor& a, ops::OptDType dtype) {
  return reduce(ReduceOp::mean, "mean", a, std::vector<bool>(size_t(a.dim()), true), false, mean_dtype(a, dtype, "mean"));
}
Tensor mean_dim(const Tensor& a, const Shape& dims, bool keepdim, ops::OptDType dtype) {
  return reduce(ReduceOp::mean, "mean", a, dims_mask(a, dims), keepdim, mean_dtype(a, dtype, "mean"));
}
Tensor max_all(const Tensor& a) {
  return reduce(ReduceOp::max, "max", a, std::vector<bool>(size_t(a.dim()), true), false, a.dtype());
}
Tensor min_all(const Tensor& a) {
  return reduce(ReduceOp::min, "min", a, std::vector<bool>(size_t(a.dim()), true), false, a.dtype());
}
Tensor amax(const Tensor& a, const Shape& dims, bool keepdim) {
  return reduce(ReduceOp::max, "amax", a, dims_mask(a, dims), keepdim, a.dtype());
}
Tensor amin(const Tensor& a, const Shape& dims, bool keepdim) {
  return reduce(ReduceOp::min, "amin", a, dims_mask(a, dims), keepdim, a.dtype());
}
Tensor softmax(const Tensor& a, int64_t dim, ops::OptDType dtype) { return softmax_impl(false, "softmax", a, dim, dtype); }
Tensor log_softmax(const Tensor& a, int64_t dim, ops::OptDType dtype) {
  return softmax_impl(true, "log_softmax", a, dim, dtype);
}
}  // namespace cuda

}  // namespace janus::gpu
