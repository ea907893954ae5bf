// Tensor creation: empty/zeros/ones/full, ranges, eye and the *_like forms. Random creation
// (rand, randn, randint, ...) is in tensor/ops/random.cpp.
#include <algorithm>
#include <cmath>

#include "tensor/iter.h"
#include "tensor/ops.h"

namespace janus::ops {

static DType or_default(OptDType d) { return d ? *d : default_dtype(); }

Tensor empty(const Shape& size, OptDType dtype) { return Tensor::empty(size, or_default(dtype)); }
Tensor full(const Shape& size, const Scalar& value, OptDType dtype) {
  Tensor t = Tensor::empty(size, dtype ? *dtype : value.natural_dtype());
  fill(t, value);
  return t;
}
Tensor zeros(const Shape& size, OptDType dtype) {
  Tensor t = Tensor::empty(size, or_default(dtype));
  std::memset(t.raw(), 0, t.numel() * t.itemsize());
  return t;
}
Tensor ones(const Shape& size, OptDType dtype) { return full(size, Scalar(int64_t(1)), or_default(dtype)); }
Tensor zeros_like(const Tensor& a, OptDType dtype) { return zeros(a.sizes(), dtype ? *dtype : a.dtype()); }
Tensor ones_like(const Tensor& a, OptDType dtype) { return ones(a.sizes(), dtype ? *dtype : a.dtype()); }
Tensor empty_like(const Tensor& a, OptDType dtype) { return Tensor::empty(a.sizes(), dtype ? *dtype : a.dtype()); }
Tensor full_like(const Tensor& a, const Scalar& v, OptDType dtype) { return full(a.sizes(), v, dtype ? *dtype : a.dtype()); }

Tensor arange(const Scalar& start_in, const OptScalar& end_in, const Scalar& step, OptDType dtype) {
  Scalar start = end_in ? start_in : Scalar(int64_t(0));
  Scalar end = end_in ? *end_in : start_in;
  bool any_float = start.is_floating() || end.is_floating() || step.is_floating();
  DType dt = dtype ? *dtype : any_float ? default_dtype() : DType::Int64;
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  if (st == 0) runtime_error("step must be nonzero");
  if ((st > 0 && e < s) || (st < 0 && e > s)) runtime_error("upper bound and larger bound inconsistent with step sign");
  int64_t n = int64_t(std::ceil((e - s) / st));
  Tensor t = Tensor::empty({std::max<int64_t>(n, 0)}, dt);
  JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    scalar_t* p = t.data<scalar_t>();
    if constexpr (std::is_floating_point_v<scalar_t>)
      for (int64_t i = 0; i < n; ++i) p[i] = scalar_t(s + double(i) * st);
    else
      for (int64_t i = 0; i < n; ++i) p[i] = scalar_t(start.to_int() + i * step.to_int());
  });
  return t;
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, OptDType dtype) {
  if (steps < 0) runtime_error("number of steps must be non-negative");
  DType dt = or_default(dtype);
  Tensor t = Tensor::empty({steps}, dt);
  double s = start.to_double(), e = end.to_double();
  double step = steps > 1 ? (e - s) / double(steps - 1) : 0;
  JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    scalar_t* p = t.data<scalar_t>();
    // Symmetric evaluation from both ends, as PyTorch does, so the last value is exact.
    int64_t half = steps / 2;
    for (int64_t i = 0; i < steps; ++i)
      p[i] = scalar_t(steps == 1 ? s : i < half ? s + step * double(i) : e - step * double(steps - 1 - i));
  });
  return t;
}

Tensor eye(int64_t n, OptInt m_opt, OptDType dtype) {
  if (n < 0) runtime_error(str_cat("n must be greater or equal to 0, got ", n));
  int64_t m = m_opt ? *m_opt : n;
  Tensor t = zeros({n, m}, dtype);
  JANUS_DISPATCH(t.dtype(), [&]<class scalar_t>() {
    scalar_t* p = t.data<scalar_t>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = scalar_t(1);
  });
  return t;
}

}  // namespace janus::ops
