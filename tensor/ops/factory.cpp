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

// Writes p[i] = value_at(i) for i in [0, n) as torch's CPU loop for arange/linspace does:
// pairs of AVX2 vectors (32 bytes each), each computing one value and adding k * lane_step per
// lane, then the remainder one by one. The vector lanes round differently from value_at, so
// this order is what makes the values match torch's bit for bit. Whether torch's build fused
// the lanes' multiply-add differs between its kernels (found by comparing with torch).
template <class scalar_t, class acc_t, class F>
static void write_progression(scalar_t* p, int64_t n, acc_t lane_step, bool fused_lanes, F value_at) {
  constexpr int64_t lanes = 32 / sizeof(scalar_t);
  auto vector_at = [&](int64_t i) {
    const scalar_t base = scalar_t(value_at(i));
    p[i] = base;
    p[i + 1] = scalar_t(acc_t(base) + lane_step);
    for (int64_t k = 2; k < lanes; ++k)
      p[i + k] = fused_lanes ? scalar_t(std::fma(acc_t(k), lane_step, acc_t(base)))
                             : scalar_t(acc_t(base) + acc_t(k) * lane_step);
  };
  int64_t i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) vector_at(i), vector_at(i + lanes);
  for (; i < n; ++i) p[i] = scalar_t(value_at(i));
}

// torch's arange: start and step in the accumulation type (double for floats, int64 for
// integers, so arange(0.5, 10, 1.5, dtype=int64) steps 0, 1, 2, ...); the length from doubles;
// value i = start + step * i, fused in torch's build.
Tensor arange(const Scalar& start_in, const OptScalar& end_in, const Scalar& step_in, OptDType dtype) {
  Scalar start = end_in ? start_in : Scalar(int64_t(0));
  Scalar end = end_in ? *end_in : start_in;
  bool any_float = start.is_floating() || end.is_floating() || step_in.is_floating();
  DType dt = dtype ? *dtype : any_float ? default_dtype() : DType::Int64;
  return JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    using acc_t = std::conditional_t<std::is_floating_point_v<scalar_t>, double, int64_t>;
    auto to_acc = [](const Scalar& v) { return std::is_integral_v<acc_t> ? acc_t(v.to_int()) : acc_t(v.to_double()); };
    const acc_t s = to_acc(start), e = to_acc(end), st = to_acc(step_in);
    if (st == 0) runtime_error("step must be nonzero");
    if ((st > 0 && e < s) || (st < 0 && e > s)) runtime_error("upper bound and larger bound inconsistent with step sign");
    // The length comes from the accumulation type for int64 only, from doubles otherwise.
    const double span = std::is_same_v<scalar_t, int64_t> ? double(e - s) / double(st)
                                                          : (end.to_double() - start.to_double()) / step_in.to_double();
    const int64_t n = std::max<int64_t>(int64_t(std::ceil(span)), 0);
    Tensor t = Tensor::empty({n}, dt);
    auto value_at = [&](int64_t i) -> acc_t {
      if constexpr (std::is_floating_point_v<acc_t>) return std::fma(st, acc_t(i), s);
      else return s + st * i;
    };
    write_progression(t.data<scalar_t>(), n, st, /*fused_lanes=*/std::is_same_v<scalar_t, double>, value_at);
    return t;
  });
}

// torch's linspace_kernel: step = (end - start) / (steps - 1) in the dtype (double for
// integers); the first half counts up from start and the second half down from end (fused
// multiply-adds in torch's build), so both ends are exact.
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
    write_progression(t.data<scalar_t>(), steps, step, /*fused_lanes=*/false, value_at);
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
