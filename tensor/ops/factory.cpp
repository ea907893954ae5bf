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

// torch's linspace_kernel: step = (end - start) / (steps - 1) in the dtype (double for
// integers); the first half counts up from start and the second half down from end, so both
// ends are exact. Its CPU loop writes pairs of 8-float (4-double) AVX2 vectors, each vector
// computing one value (a fused multiply-add in torch's build) and adding k * step per lane
// (not fused), then the remainder one by one. Reproduced here so the values match bit for bit.
Tensor linspace(const Scalar& start_in, const Scalar& end_in, int64_t steps, OptDType dtype) {
  if (steps < 0) runtime_error("number of steps must be non-negative");
  DType dt = or_default(dtype);
  Tensor t = Tensor::empty({steps}, dt);
  if (steps == 0) return t;
  if (steps == 1) {
    fill(t, start_in);
    return t;
  }
  JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    using step_t = std::conditional_t<std::is_integral_v<scalar_t>, double, scalar_t>;
    const scalar_t start = scalar_t(start_in.to_double()), end = scalar_t(end_in.to_double());
    const step_t step = (step_t(end) - step_t(start)) / step_t(steps - 1);
    const int64_t halfway = steps / 2;
    auto value_at = [&](int64_t i) -> step_t {
      return i < halfway ? std::fma(step, step_t(i), step_t(start)) : std::fma(-step, step_t(steps - i - 1), step_t(end));
    };
    constexpr int64_t lanes = 32 / sizeof(scalar_t);  // one AVX2 vector
    scalar_t* p = t.data<scalar_t>();
    auto vector_at = [&](int64_t i) {
      const scalar_t base = scalar_t(value_at(i));
      p[i] = base;
      p[i + 1] = scalar_t(step_t(base) + step);
      for (int64_t k = 2; k < lanes; ++k) p[i + k] = scalar_t(step_t(base) + step_t(k) * step);
    };
    int64_t i = 0;
    for (; i + 2 * lanes <= steps; i += 2 * lanes) vector_at(i), vector_at(i + lanes);
    for (; i < steps; ++i) p[i] = scalar_t(value_at(i));
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
