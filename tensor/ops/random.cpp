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
#include <cstring>
#include <numeric>
#include <optional>
#include <random>  // std::random_device, for seed()
#include <sstream>

#include "tensor/iter.h"
#include "tensor/ops.h"
#include "tensor/ops/generator.h"
#include "tensor/ops/random_cephes.h"

namespace janus::ops {

// The hot loops below are built twice (JANUS_FMA_CLONES): with the FMA instruction set where the
// CPU has it, so std::fma is one instruction, and without, where it is exact in software; both
// give the same bits. Draws are inlined into them (JANUS_INLINE).
#define JANUS_FMA_CLONES [[gnu::target_clones("fma", "default")]]
#define JANUS_INLINE [[gnu::always_inline]] inline

// ---- the generator ----------------------------------------------------------------------------
// MT19937 (Matsumoto and Nishimura's 32-bit Mersenne Twister), the engine torch's CPU generator
// runs, with torch's bookkeeping (mt19937_data_pod: seed, left, seeded, next) so that a state
// moves between torch and Janus unchanged. The words are std::mt19937's; libstdc++'s state is
// 64-bit words and twists at half this speed.
namespace {
class MT19937 {
 public:
  static constexpr uint32_t N = 624, M = 397;
  explicit MT19937(uint64_t seed) { this->seed(seed); }
  void seed(uint64_t s) {
    seed_ = s;
    seeded_ = true;
    state_[0] = uint32_t(s);
    for (uint32_t i = 1; i < N; ++i) state_[i] = 1812433253u * (state_[i - 1] ^ (state_[i - 1] >> 30)) + i;
    left_ = 1;
    next_ = 0;
  }
  JANUS_INLINE uint32_t operator()() {
    if (--left_ == 0) twist();
    uint32_t y = state_[next_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
  }
  // torch's mt19937::is_valid: what set_state accepts.
  bool valid() const { return seeded_ && left_ > 0 && left_ <= int32_t(N) && next_ <= N; }

  uint64_t seed_;
  int32_t left_;
  bool seeded_;
  uint32_t next_;
  uint32_t state_[N];

 private:
  static uint32_t mix(uint32_t upper, uint32_t lower, uint32_t far) {
    const uint32_t y = (upper & 0x80000000u) | (lower & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  }
  void twist() {
    uint32_t i = 0;
    for (; i < N - M; ++i) state_[i] = mix(state_[i], state_[i + 1], state_[i + M]);
    for (; i < N - 1; ++i) state_[i] = mix(state_[i], state_[i + 1], state_[i + M - N]);
    state_[N - 1] = mix(state_[N - 1], state_[0], state_[M - 1]);
    left_ = N;
    next_ = 0;
  }
};
}  // namespace

// torch's CPUGeneratorImpl: the engine and the cached second values of Box-Muller.
class Generator {
 public:
  MT19937 engine{67280421310721ULL};  // torch's default_rng_seed_val
  std::optional<double> next_double_normal;
  std::optional<float> next_float_normal;  // kept for state round trips; no CPU kernel draws it
};

namespace {
Generator the_default_generator;  // namespace-scope objects: no initialisation guard on each draw
Generator* current_generator = &the_default_generator;
JANUS_INLINE Generator& generator() { return *current_generator; }

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
  Generator& g = generator();
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

// ---- generator objects --------------------------------------------------------------------------
std::shared_ptr<Generator> default_generator() {
  static const std::shared_ptr<Generator> handle(&the_default_generator, [](Generator*) {});
  return handle;
}
std::shared_ptr<Generator> new_generator() { return std::make_shared<Generator>(); }

void generator_manual_seed(Generator& g, uint64_t s) {
  g.engine.seed(s);
  g.next_double_normal.reset();
  g.next_float_normal.reset();
}
uint64_t generator_initial_seed(const Generator& g) { return g.engine.seed_; }
uint64_t generator_seed(Generator& g) {
  uint64_t s = uint64_t(std::chrono::high_resolution_clock::now().time_since_epoch().count()) ^ std::random_device{}();
  generator_manual_seed(g, s);
  return s;
}

GeneratorScope::GeneratorScope(Generator* g) : previous_(current_generator) { current_generator = g; }
GeneratorScope::~GeneratorScope() { current_generator = previous_; }

namespace {
// torch's CPUGeneratorImplStateLegacy and CPUGeneratorImplState (x86-64 layout; the state words
// are widened to 64 bits, the seeded flag padded to 4 bytes).
struct LegacyState {
  uint64_t the_initial_seed;
  int32_t left;
  int32_t seeded;
  uint64_t next;
  uint64_t state[MT19937::N];
  double normal_x, normal_y, normal_rho;
  int32_t normal_is_valid;
};
struct CurrentState {
  LegacyState legacy;
  float next_float_normal_sample;
  int32_t is_next_float_normal_sample_valid;  // a bool and its padding
};
static_assert(sizeof(LegacyState) == 5048 && sizeof(CurrentState) == kGeneratorStateBytes);
}  // namespace

std::string generator_get_state(const Generator& g) {
  CurrentState s{};  // zeroed, padding included, as torch's value-initialised struct
  s.legacy.the_initial_seed = g.engine.seed_;
  s.legacy.left = g.engine.left_;
  s.legacy.seeded = g.engine.seeded_;
  s.legacy.next = g.engine.next_;
  std::copy(std::begin(g.engine.state_), std::end(g.engine.state_), std::begin(s.legacy.state));
  if (g.next_double_normal) {
    s.legacy.normal_is_valid = 1;
    s.legacy.normal_y = *g.next_double_normal;
  }
  if (g.next_float_normal) {
    s.is_next_float_normal_sample_valid = 1;
    s.next_float_normal_sample = *g.next_float_normal;
  }
  return std::string(reinterpret_cast<const char*>(&s), sizeof s);
}

void generator_set_state(Generator& g, const void* data, size_t size) {
  CurrentState s{};
  std::optional<double> double_normal;
  std::optional<float> float_normal;
  if (size == sizeof(LegacyState)) {
    std::memcpy(&s.legacy, data, size);
    // The legacy layout kept Box-Muller's intermediates; the cached value is the sine half.
    if (s.legacy.normal_is_valid & 0xff)
      double_normal = s.legacy.normal_rho * std::sin(2.0 * M_PI * s.legacy.normal_x);
  } else if (size == sizeof(CurrentState)) {
    std::memcpy(&s, data, size);
    if (s.is_next_float_normal_sample_valid & 0xff) float_normal = s.next_float_normal_sample;
    if (s.legacy.normal_is_valid & 0xff) double_normal = s.legacy.normal_y;
  } else {
    runtime_error(str_cat("Expected either a CPUGeneratorImplStateLegacy of size ", sizeof(LegacyState),
                          " or a CPUGeneratorImplState of size ", sizeof(CurrentState),
                          " but found the input RNG state size to be ", size));
  }
  MT19937 engine(0);
  std::transform(std::begin(s.legacy.state), std::end(s.legacy.state), engine.state_,
                 [](uint64_t w) { return uint32_t(w); });
  engine.seed_ = s.legacy.the_initial_seed;
  engine.left_ = s.legacy.left;
  engine.seeded_ = (s.legacy.seeded & 0xff) != 0;
  engine.next_ = uint32_t(s.legacy.next);
  if (!engine.valid()) runtime_error("Invalid mt19937 state");
  g.engine = engine;
  g.next_double_normal = double_normal;
  g.next_float_normal = float_normal;
}

// The default generator (torch.manual_seed and friends).
void manual_seed(uint64_t s) { generator_manual_seed(the_default_generator, s); }
uint64_t initial_seed() { return generator_initial_seed(the_default_generator); }
uint64_t seed() { return generator_seed(the_default_generator); }

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

// torch's random_ kernels: uniform_int_distribution (no range: the dtype's exact integers, from one
// word, or two for 64-bit types) and random_from_to (a word or two modulo the range).
Tensor random_(const Tensor& self) {
  check_inplace(self, false);
  const DType d = self.dtype();
  fill_random(self, [d]() -> int64_t {
    switch (d) {
      case DType::Bool: return random32() & 1;
      case DType::Int32: return random32() % (uint64_t(INT32_MAX) + 1);
      case DType::Int64: return int64_t(random64() % (uint64_t(INT64_MAX) + 1));
      case DType::Float32: return random32() % ((1ULL << 24) + 1);
      case DType::Float64: break;
    }
    return int64_t(random64() % ((1ULL << 53) + 1));
  });
  self.bump_version();
  return self;
}
Tensor random_from_to_(const Tensor& self, int64_t from, int64_t to) {
  check_inplace(self, false);
  if (from >= to)
    runtime_error(str_cat("random_ expects 'from' to be less than 'to', but got from=", from, " >= to=", to));
  const uint64_t range = uint64_t(to) - uint64_t(from);
  fill_random(self, [&] {
    return int64_t(uint64_t(from) + (range >= (1ULL << 32) ? random64() % range : uint64_t(random32() % range)));
  });
  self.bump_version();
  return self;
}
Tensor random_to_(const Tensor& self, int64_t to) { return random_from_to_(self, 0, to); }

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
