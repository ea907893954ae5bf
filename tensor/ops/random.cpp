// Random numbers, drawn the way PyTorch 1.13 draws them on the CPU, so that a script seeded
// with manual_seed gets the same numbers under Janus as under torch:
//  - the generator is a 32-bit MT19937 seeded with the low 32 bits of the seed; a 64-bit draw
//    is two words, high first; normal_distribution caches its second Box-Muller value, and
//    manual_seed clears that cache (torch's CPUGeneratorImpl);
//  - each op turns words into values as torch's CPU kernel for it does (per-op comments), and
//    visits elements in memory order (TensorIterator's order for a nullary op).
// Torch's AVX2 build is the reference (Debian's torch reports "CPU capability usage: AVX2");
// where its result depends on the AVX2 kernel (normal_ on float32), we compute that kernel's
// roundings (tensor/ops/random_cephes.h). multinomial draws from the same generator but does not
// reproduce torch's sampling algorithm.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>
#include <random>  // std::random_device, for seed()
#include <sstream>

#include "tensor/iter.h"
#include "tensor/ops.h"
#include "tensor/ops/random_cephes.h"

namespace janus::ops {

// The hot loops below are built twice (JANUS_FMA_CLONES): with the FMA instruction set where the
// CPU has it, so std::fma is one instruction, and without, where it is exact in software; both
// give the same bits. Draws are inlined into them (JANUS_INLINE).
#define JANUS_FMA_CLONES [[gnu::target_clones("fma", "default")]]
#define JANUS_INLINE [[gnu::always_inline]] inline

// ---- the generator ----------------------------------------------------------------------------
namespace {
// MT19937 (Matsumoto and Nishimura's 32-bit Mersenne Twister), the engine torch's CPU generator
// runs: the same words as std::mt19937, whose libstdc++ state is 64-bit words and twists at
// half this speed.
class MT19937 {
 public:
  explicit MT19937(uint32_t seed) { this->seed(seed); }
  void seed(uint32_t s) {
    state_[0] = s;
    for (uint32_t i = 1; i < N; ++i) state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + i;
    next_ = N;
  }
  JANUS_INLINE uint32_t operator()() {
    if (next_ == N) twist();
    uint32_t y = state_[next_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
  }

 private:
  static constexpr uint32_t N = 624, M = 397;
  static uint32_t mix(uint32_t upper, uint32_t lower, uint32_t far) {
    const uint32_t y = (upper & 0x80000000u) | (lower & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  }
  void twist() {
    uint32_t i = 0;
    for (; i < N - M; ++i) state_[i] = mix(state_[i], state_[i + 1], state_[i + M]);
    for (; i < N - 1; ++i) state_[i] = mix(state_[i], state_[i + 1], state_[i + M - N]);
    state_[N - 1] = mix(state_[N - 1], state_[0], state_[M - 1]);
    next_ = 0;
  }
  uint32_t state_[N];
  uint32_t next_;
};

struct CpuGenerator {
  uint64_t initial_seed = 67280421310721ULL;  // torch's default_rng_seed_val
  MT19937 engine{uint32_t(67280421310721ULL)};
  std::optional<double> next_double_normal;  // Box-Muller's second value, kept for the next draw
};
CpuGenerator the_generator;  // a namespace-scope object: no initialisation guard on each draw
JANUS_INLINE CpuGenerator& generator() { return the_generator; }

JANUS_INLINE uint32_t random32() { return generator().engine(); }
JANUS_INLINE uint64_t random64() {
  uint64_t high = random32();
  return (high << 32) | random32();
}

// Uniform in [0, 1): float takes 24 random bits of one word, double 53 bits of two.
template <class T> JANUS_INLINE T unit_uniform() {
  if constexpr (std::is_same_v<T, float>)
    return float(random32() & ((1U << 24) - 1)) * 0x1.0p-24f;
  else
    return double(random64() & ((1ULL << 53) - 1)) * 0x1.0p-53;
}
// Uniform in [from, to): the unit draw, then one multiply-add (torch's build fuses it). For
// [0, 1) that is the unit draw itself (x * 1 + 0 is exact), which the callers below use.
template <class T> JANUS_INLINE T uniform_real(T from, T to) { return std::fma(unit_uniform<T>(), to - from, from); }

// torch's normal_distribution<double>: Box-Muller on two doubles, the sine half cached.
double normal_double(double mean, double std) {
  CpuGenerator& g = generator();
  double z;
  if (g.next_double_normal) {
    z = *g.next_double_normal;
    g.next_double_normal.reset();
  } else {
    const double u1 = unit_uniform<double>(), u2 = unit_uniform<double>();
    const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
    const double theta = 2.0 * M_PI * u1;
    g.next_double_normal = r * std::sin(theta);
    z = r * std::cos(theta);
  }
  return std::fma(z, std, mean);
}

// Calls visit(t) where t views `target` with its dims ordered by decreasing stride, so that a
// contiguous walk of t's logical order is a walk of target's memory: TensorIterator's order.
// `companion`, when given, is permuted the same way (an input read alongside).
template <class F> void in_memory_order(const Tensor& target, const Tensor& companion, F visit) {
  if (target.is_contiguous() || target.dim() < 2) return visit(target, companion);
  Shape order(size_t(target.dim()));
  std::iota(order.begin(), order.end(), int64_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t x, int64_t y) { return target.strides()[x] > target.strides()[y]; });
  NoGradGuard no_grad;  // views to write through, not part of any graph
  visit(permute(target, order), companion.defined() ? permute(companion, order) : companion);
}

// target[i] = draw() for each element, in memory order.
template <class F> void fill_random(const Tensor& target, F draw) {
  in_memory_order(target, Tensor(), [&](const Tensor& t, const Tensor&) {
    JANUS_DISPATCH(t.dtype(), [&]<class scalar_t>() {
      if (t.is_contiguous()) {
        scalar_t* p = t.data<scalar_t>();
        for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = scalar_t(draw());
      } else {
        map1<scalar_t, scalar_t>(t, t, [&](scalar_t) { return scalar_t(draw()); });
      }
    });
  });
}

// ---- normal_ on >= 16 contiguous elements: torch's normal_fill ---------------------------------
// All n uniforms are drawn first; then each block of 16 becomes 16 normals by Box-Muller, the
// first 8 uniforms giving radii and the last 8 angles. A ragged tail redraws 16 fresh uniforms
// into the last 16 slots and transforms them again.
JANUS_INLINE void normal_block16(float* d, float mean, float std) {  // the AVX2 kernel, lane by lane
  const float two_pi = float(2.0 * M_PI);
  for (int j = 0; j < 8; ++j) {
    const float radius = std::sqrt(-2.0f * cephes::logf(1.0f - d[j]));
    float s, c;
    cephes::sincosf(two_pi * d[j + 8], &s, &c);
    d[j] = std::fma(radius * c, std, mean);
    d[j + 8] = std::fma(radius * s, std, mean);
  }
}
JANUS_INLINE void normal_block16(double* d, double mean, double std) {  // the scalar kernel, libm's
  for (int j = 0; j < 8; ++j) {
    const double radius = std::sqrt(-2.0 * std::log(1.0 - d[j]));
    const double theta = 2.0 * M_PI * d[j + 8];
    d[j] = std::fma(radius * std::cos(theta), std, mean);
    d[j + 8] = std::fma(radius * std::sin(theta), std, mean);
  }
}
template <class T> JANUS_INLINE void normal_fill(T* data, int64_t n, T mean, T std) {
  for (int64_t i = 0; i < n; ++i) data[i] = unit_uniform<T>();
  for (int64_t i = 0; i + 16 <= n; i += 16) normal_block16(data + i, mean, std);
  if (n % 16 != 0) {
    T* tail = data + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = unit_uniform<T>();
    normal_block16(tail, mean, std);
  }
}

JANUS_FMA_CLONES void normal_fill_float(float* data, int64_t n, float mean, float std) {
  normal_fill(data, n, mean, std);
}
JANUS_FMA_CLONES void normal_fill_double(double* data, int64_t n, double mean, double std) {
  normal_fill(data, n, mean, std);
}

void fill_normal(const Tensor& t, double mean, double std) {
  JANUS_DISPATCH_FLOAT(t.dtype(), "normal_kernel_cpu", [&]<class scalar_t>() {
    if (t.numel() >= 16 && t.is_contiguous()) {
      if constexpr (std::is_same_v<scalar_t, float>)
        normal_fill_float(t.data<float>(), t.numel(), float(mean), float(std));
      else
        normal_fill_double(t.data<double>(), t.numel(), mean, std);
    } else {
      fill_random(t, [&] { return normal_double(mean, std); });
    }
  });
}

// torch's bernoulli_distribution<T>: a uniform T in [0, 1) below p.
template <class T> JANUS_INLINE bool bernoulli_draw(T p) { return unit_uniform<T>() < p; }

// A double as torch's messages print it (a C++ stream: 6 significant digits, no trailing zeros).
std::string stream_format(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

void check_probability(double p) {
  if (!(p >= 0 && p <= 1)) runtime_error(str_cat("bernoulli_ expects p to be in [0, 1], but got p=", stream_format(p)));
}

// self[i] = bernoulli(p[i]), p broadcast to self; float p draws a float uniform, double p a
// double one (torch's bernoulli_tensor_cpu kernel).
void fill_bernoulli(const Tensor& self, const Tensor& probs) {
  if (!is_floating(probs.dtype()))
    runtime_error(str_cat("\"bernoulli_tensor_cpu_p_\" not implemented for '", dtype_legacy(probs.dtype()), "'"));
  Tensor p = expand(probs, self.sizes());
  in_memory_order(self, p, [&](const Tensor& out, const Tensor& p_view) {
    JANUS_DISPATCH(out.dtype(), [&]<class self_t>() {
      JANUS_DISPATCH_FLOAT(p_view.dtype(), "bernoulli_tensor_cpu_p_", [&]<class p_t>() {
        map1<self_t, p_t>(out, p_view, [](p_t q) {
          if (!(q >= 0 && q <= 1))
            runtime_error("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
          return self_t(bernoulli_draw<p_t>(q));
        });
      });
    });
  });
}
}  // namespace

void manual_seed(uint64_t s) {
  CpuGenerator& g = generator();
  g.initial_seed = s;
  g.engine.seed(uint32_t(s));
  g.next_double_normal.reset();
}
uint64_t initial_seed() { return generator().initial_seed; }
uint64_t seed() {
  uint64_t s = uint64_t(std::chrono::high_resolution_clock::now().time_since_epoch().count()) ^ std::random_device{}();
  manual_seed(s);
  return s;
}

// ---- ops ----------------------------------------------------------------------------------------
Tensor uniform_(const Tensor& self, double a, double b) {
  check_inplace(self, false);
  JANUS_DISPATCH_FLOAT(self.dtype(), "check_uniform_bounds", [&]<class scalar_t>() {
    const scalar_t from = scalar_t(a), to = scalar_t(b);
    fill_random(self, [&] { return uniform_real<scalar_t>(from, to); });
  });
  self.bump_version();
  return self;
}
Tensor rand(const Shape& size, OptDType dtype) { return uniform_(empty(size, dtype), 0, 1); }
Tensor rand_like(const Tensor& a, OptDType dtype) { return rand(a.sizes(), dtype ? *dtype : a.dtype()); }

Tensor normal_(const Tensor& self, double mean, double std) {
  check_inplace(self, false);
  if (std < 0) runtime_error(str_cat("normal expects std >= 0.0, but found std ", stream_format(std)));
  fill_normal(self, mean, std);
  self.bump_version();
  return self;
}
Tensor randn(const Shape& size, OptDType dtype) {
  Tensor t = empty(size, dtype);
  fill_normal(t, 0, 1);
  return t;
}
Tensor randn_like(const Tensor& a, OptDType dtype) { return randn(a.sizes(), dtype ? *dtype : a.dtype()); }

// uniform_int_from_to_distribution: one word, or two when the range needs more than 32 bits.
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

// torch's randperm_cpu for n < 2^24: a Fisher-Yates pass from the front, one word per swap.
Tensor randperm(int64_t n, OptDType dtype) {
  if (n < 0) runtime_error(str_cat("n must be non-negative, got", n));
  std::vector<int64_t> v(n);
  std::iota(v.begin(), v.end(), int64_t(0));
  for (int64_t i = 0; i < n - 1; ++i) std::swap(v[i], v[i + int64_t(random32() % uint64_t(n - i))]);
  Tensor t = Tensor::empty({n}, DType::Int64);
  std::copy(v.begin(), v.end(), t.data<int64_t>());
  return dtype ? cast(t, *dtype) : t;
}

// bernoulli_(p) with a Python float: bernoulli_distribution<double> per element, as torch builds
// without MKL do (Debian's; MKL builds draw from MKL's own stream instead).
Tensor bernoulli_(const Tensor& self, double p) {
  check_inplace(self, false);
  check_probability(p);
  fill_random(self, [&] { return bernoulli_draw<double>(p) ? 1.0 : 0.0; });
  self.bump_version();
  return self;
}
Tensor bernoulli_tensor_(const Tensor& self, const Tensor& p) {
  if (p.impl()->wrapped_number) return bernoulli_(self, p.item().to_double());  // a Python number
  check_inplace(self, false);
  fill_bernoulli(self, p);
  self.bump_version();
  return self;
}
Tensor bernoulli(const Tensor& probs) {
  Tensor t = Tensor::empty(probs.sizes(), probs.dtype());
  fill_bernoulli(t, probs);
  return t;
}
Tensor bernoulli_p(const Tensor& a, double p) { return bernoulli_(Tensor::empty(a.sizes(), a.dtype()), p); }

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
      double u = unit_uniform<double>() * total, acc = 0;
      int64_t pick = k - 1;
      for (int64_t i = 0; i < k; ++i) { acc += w[i]; if (u < acc) { pick = i; break; } }
      out.data<int64_t>()[r * n + s] = pick;
      if (!replacement) w[pick] = 0;
    }
  }
  return probs.dim() == 1 ? reshape(out, {n}) : out;
}

}  // namespace janus::ops
