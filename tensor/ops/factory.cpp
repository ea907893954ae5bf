// Tensor creation and random numbers. The generator is PyTorch's CPU scheme (a 32-bit MT19937
// seeded with the low 32 bits of the seed; 64-bit draws are two words, high first), and
// rand/uniform_/randint/randperm transform its words as PyTorch 1.13 does, so a script seeded
// with manual_seed draws the same numbers under Janus as under torch. normal_/randn and
// bernoulli do not reproduce torch's streams yet.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

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

// ---- random ----------------------------------------------------------------------------------
static uint64_t g_initial_seed = 67280421310721ULL;
static std::mt19937& generator() {
  static std::mt19937 gen{static_cast<uint32_t>(g_initial_seed)};
  return gen;
}
void manual_seed(uint64_t s) { g_initial_seed = s; generator().seed(uint32_t(s)); }
uint64_t initial_seed() { return g_initial_seed; }
uint64_t seed() {
  uint64_t s = uint64_t(std::chrono::high_resolution_clock::now().time_since_epoch().count()) ^ std::random_device{}();
  manual_seed(s);
  return s;
}

static uint32_t random32() { return generator()(); }
static uint64_t random64() {
  uint64_t high = random32();
  return (high << 32) | random32();
}
static double uniform01() { return double(random64() & ((1ULL << 53) - 1)) * 0x1.0p-53; }

// A draw in [from, to) for scalar type T: the top mantissa's worth of random bits scaled to
// [0, 1), then one fused multiply-add, as PyTorch's uniform kernel computes it.
template <class T> static T uniform_draw(T from, T to) {
  if constexpr (std::is_same_v<T, float>) {
    float x = float(random32() & ((1U << 24) - 1)) * 0x1.0p-24f;
    return std::fma(x, to - from, from);
  } else {
    double x = double(random64() & ((1ULL << 53) - 1)) * 0x1.0p-53;
    return std::fma(x, to - from, from);
  }
}

// Draws land in memory order, as PyTorch's TensorIterator visits them (dims sorted by
// stride), so a transposed or permuted tensor gets the same numbers in the same places.
template <class F> static void fill_random(const Tensor& target, F draw) {
  Tensor t = target;
  if (!t.is_contiguous() && t.dim() > 1) {
    Shape order(size_t(t.dim()));
    std::iota(order.begin(), order.end(), int64_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t x, int64_t y) { return t.strides()[x] > t.strides()[y]; });
    NoGradGuard no_grad;  // a view to write through, not part of any graph
    t = permute(t, order);
  }
  JANUS_DISPATCH(t.dtype(), [&]<class scalar_t>() {
    if (t.is_contiguous()) {
      scalar_t* p = t.data<scalar_t>();
      for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = scalar_t(draw());
    } else {
      map1<scalar_t, scalar_t>(t, t, [&](scalar_t) { return scalar_t(draw()); });
    }
  });
}

static void fill_normal(const Tensor& t, double mean, double std) {
  std::normal_distribution<double> dist(mean, std);
  fill_random(t, [&] { return dist(generator()); });
}

Tensor rand(const Shape& size, OptDType dtype) {
  Tensor t = empty(size, dtype);
  JANUS_DISPATCH_FLOAT(t.dtype(), "check_uniform_bounds", [&]<class scalar_t>() {
    fill_random(t, [] { return uniform_draw<scalar_t>(scalar_t(0), scalar_t(1)); });
  });
  return t;
}
Tensor randn(const Shape& size, OptDType dtype) {
  Tensor t = empty(size, dtype);
  JANUS_DISPATCH_FLOAT(t.dtype(), "normal_kernel_cpu", [&]<class scalar_t>() { fill_normal(t, 0, 1); });
  return t;
}
Tensor rand_like(const Tensor& a, OptDType dtype) { return rand(a.sizes(), dtype ? *dtype : a.dtype()); }
Tensor randn_like(const Tensor& a, OptDType dtype) { return randn(a.sizes(), dtype ? *dtype : a.dtype()); }

Tensor randint(int64_t low, int64_t high, const Shape& size, OptDType dtype) {
  if (low >= high)
    runtime_error(str_cat("random_ expects 'from' to be less than 'to', but got from=", low, " >= to=", high));
  Tensor t = Tensor::empty(size, dtype ? *dtype : DType::Int64);
  uint64_t range = uint64_t(high - low);
  fill_random(t, [&] {
    return low + int64_t(range >= (1ULL << 32) ? random64() % range : uint64_t(random32() % range));
  });
  return t;
}
Tensor randint_high(int64_t high, const Shape& size, OptDType dtype) { return randint(0, high, size, dtype); }

Tensor randperm(int64_t n, OptDType dtype) {
  if (n < 0) runtime_error(str_cat("n must be non-negative, got", n));
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  for (int64_t i = 0; i < n - 1; ++i) std::swap(v[i], v[i + int64_t(random32() % uint64_t(n - i))]);
  Tensor t = Tensor::empty({n}, DType::Int64);
  std::copy(v.begin(), v.end(), t.data<int64_t>());
  return dtype ? cast(t, *dtype) : t;
}

Tensor bernoulli(const Tensor& probs) {
  Tensor p = cast(probs, DType::Float64);
  Tensor t = Tensor::empty(probs.sizes(), probs.dtype());
  Tensor draws = Tensor::empty(probs.sizes(), DType::Float64);
  fill_random(draws, uniform01);
  JANUS_DISPATCH(t.dtype(), [&]<class scalar_t>() {
    map2<scalar_t, double, double>(t, draws, p, [](double u, double q) { return scalar_t(u < q ? 1 : 0); });
  });
  return t;
}

Tensor bernoulli_p(const Tensor& a, double p) {
  Tensor t = Tensor::empty(a.sizes(), a.dtype());
  fill_random(t, [&] { return uniform01() < p ? 1.0 : 0.0; });
  return t;
}

Tensor multinomial(const Tensor& probs, int64_t n, bool replacement) {
  if (probs.dim() < 1 || probs.dim() > 2) runtime_error("prob_dist must be 1 or 2 dim");
  Tensor p2 = cast(probs.dim() == 1 ? reshape(probs, {1, -1}) : probs, DType::Float64);
  const int64_t rows = p2.sizes()[0], k = p2.sizes()[1];
  if (!replacement && n > k) runtime_error("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  Tensor out = Tensor::empty({rows, n}, DType::Int64);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> w(p2.data<double>() + r * k, p2.data<double>() + (r + 1) * k);
    for (double x : w) if (x < 0 || std::isnan(x)) runtime_error("probability tensor contains either `inf`, `nan` or element < 0");
    for (int64_t s = 0; s < n; ++s) {
      double total = 0;
      for (double x : w) total += x;
      if (total <= 0) runtime_error("invalid multinomial distribution (sum of probabilities <= 0)");
      double u = uniform01() * total, acc = 0;
      int64_t pick = k - 1;
      for (int64_t i = 0; i < k; ++i) { acc += w[i]; if (u < acc) { pick = i; break; } }
      out.data<int64_t>()[r * n + s] = pick;
      if (!replacement) w[pick] = 0;
    }
  }
  return probs.dim() == 1 ? reshape(out, {n}) : out;
}

Tensor uniform_(const Tensor& self, double a, double b) {
  check_inplace(self, false);
  JANUS_DISPATCH_FLOAT(self.dtype(), "check_uniform_bounds", [&]<class scalar_t>() {
    const scalar_t from = scalar_t(a), to = scalar_t(b);
    fill_random(self, [&] { return uniform_draw<scalar_t>(from, to); });
  });
  self.bump_version();
  return self;
}
Tensor normal_(const Tensor& self, double mean, double std) {
  check_inplace(self, false);
  if (std < 0) runtime_error(str_cat("normal expects std >= 0.0, but found std ", std));
  JANUS_DISPATCH_FLOAT(self.dtype(), "normal_kernel_cpu", [&]<class scalar_t>() { fill_normal(self, mean, std); });
  self.bump_version();
  return self;
}
Tensor bernoulli_(const Tensor& self, double p) {
  check_inplace(self, false);
  fill_random(self, [&] { return uniform01() < p ? 1.0 : 0.0; });
  self.bump_version();
  return self;
}

}  // namespace janus::ops
