// Elementwise ops: type promotion, binary/unary/ternary kernels and their gradients.
#include <cmath>

#include "tensor/iter.h"
#include "tensor/simd_math.h"
#include "tensor/ops.h"

namespace janus::ops {

// ---- type promotion --------------------------------------------------------------------------
static int category(DType d) { return d == DType::Bool ? 0 : is_floating(d) ? 2 : 1; }

// Python numbers become 0-d "wrapped number" tensors for every op they meet (x ** 2, y + 1.0,
// a gradient times alpha), and nearly all die with that op call. One recycled tensor per dtype
// skips their allocation: it is handed out again only when nothing else can see it (this cache
// is the only holder of it, of its memory and of its version counter) and its state is still
// a fresh wrapped number's, so the caller cannot tell it from a new one once its value is set.
static Tensor recycled_wrapped_number(DType d) {
  static thread_local Tensor cache[kNumDTypes] __attribute__((tls_model("initial-exec")));
  Tensor& c = cache[int(d)];
  if (c.defined()) {
    const TensorImpl* t = c.impl();
    const bool unseen = t->refcount == 1 && t->storage->refcount == 1 && t->version->refcount == 1 && !t->pyobj &&
                        !t->weak && !t->view_base;
    const bool fresh = t->wrapped_number && t->dtype == d && t->sizes.empty() && t->offset == 0 &&
                       t->storage->nbytes >= dtype_size(d) && !t->requires_grad && !t->retains_grad &&
                       !t->grad_fn && !t->grad && t->hooks.empty();
    if (unseen && fresh) return c;
  }
  c = Tensor::empty({}, d);
  c.impl()->wrapped_number = true;
  return c;
}

Tensor scalar_tensor(const Scalar& s, OptDType dtype) {
  DType d = dtype ? *dtype : s.kind == Scalar::Kind::Double ? DType::Float64
                           : s.kind == Scalar::Kind::Int   ? DType::Int64
                                                           : DType::Bool;
  Tensor t = dtype ? Tensor::empty({}, d) : recycled_wrapped_number(d);
  fill(t, s);
  return t;
}

// PyTorch's rule: dimensioned tensors decide, unless a 0-d tensor or a Python number is of a
// higher category (bool < integer < floating); a Python float then gives the default dtype.
template <class Get>
static DType promote_operands(size_t n, Get get) {
  int have = 0;  // bit 0: dim, bit 1: zero-dim, bit 2: wrapped
  DType dim_t = DType::Bool, zero_t = DType::Bool, wrap_t = DType::Bool;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& t = get(i);
    if (!t.defined()) continue;
    if (t.impl()->wrapped_number) { wrap_t = (have & 4) ? promote(wrap_t, t.dtype()) : t.dtype(); have |= 4; }
    else if (t.dim() == 0) { zero_t = (have & 2) ? promote(zero_t, t.dtype()) : t.dtype(); have |= 2; }
    else { dim_t = (have & 1) ? promote(dim_t, t.dtype()) : t.dtype(); have |= 1; }
  }
  DType r = dim_t;
  bool set = have & 1;
  if (have & 2) {
    if (!set) r = zero_t, set = true;
    else if (category(zero_t) > category(r)) r = zero_t;
  }
  if (have & 4) {
    DType w = wrap_t == DType::Float64 ? default_dtype() : wrap_t;
    if (!set) r = w, set = true;
    else if (category(wrap_t) > category(r)) r = w;
  }
  return r;
}

DType result_type(const TensorList& operands) {
  return promote_operands(operands.size(), [&](size_t i) -> const Tensor& { return operands[i]; });
}
// The binary ops' case, without building a TensorList (a heap allocation) per call.
static DType result_type(const Tensor& a, const Tensor& b) {
  return promote_operands(2, [&](size_t i) -> const Tensor& { return i ? b : a; });
}

// Runs f over broadcast a, b computed in `compute`; the result has dtype compute, or bool.
template <bool BoolOut, class F>
static Tensor binary_kernel(const Tensor& a, const Tensor& b, DType compute, F f) {
  Tensor out = Tensor::empty(broadcast_shape(a.sizes(), b.sizes()), BoolOut ? DType::Bool : compute);
  Tensor ca = a.dtype() == compute ? a : cast(a, compute);
  Tensor cb = b.dtype() == compute ? b : cast(b, compute);
  JANUS_DISPATCH(compute, [&]<class scalar_t>() {
    if constexpr (BoolOut) map2<bool, scalar_t, scalar_t>(out, ca, cb, [&](scalar_t x, scalar_t y) { return bool(f(x, y)); });
    else map2<scalar_t, scalar_t, scalar_t>(out, ca, cb, [&](scalar_t x, scalar_t y) { return scalar_t(f(x, y)); });
  });
  return out;
}

// out = f(a) elementwise for a tensor `a` of dtype T (T == dt).
template <class T, class F>
static Tensor map_unary(const Tensor& a, DType dt, F f) {
  Tensor out = Tensor::empty(a.sizes(), dt);
  map1<T, T>(out, a, f);
  return out;
}

static bool is_one(const Scalar& s) { return s.to_double() == 1.0; }
static void check_alpha(DType dt, const Scalar& alpha) {
  if (!is_floating(dt) && alpha.is_floating())
    runtime_error("For integral input tensors, argument alpha must not be a floating point number.");
}

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  DType dt = result_type(a, b);
  check_alpha(dt, alpha);
  Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    scalar_t al = alpha.to<scalar_t>();
    if (is_one(alpha)) return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) { return x + y; });
    return binary_kernel<false>(a, b, dt, [al](scalar_t x, scalar_t y) { return x + al * y; });
  });
  if (needs_grad({&a, &b}))
    record("AddBackward0", {a, b}, {out}, [alpha](const TensorList& g) {
      return TensorList{g[0], is_one(alpha) ? g[0] : mul(g[0], scalar_tensor(alpha))};
    }, false);
  return out;
}

Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  DType dt = result_type(a, b);
  if (dt == DType::Bool)
    runtime_error("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                  "`logical_xor()` operator instead.");
  check_alpha(dt, alpha);
  Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    scalar_t al = alpha.to<scalar_t>();
    return binary_kernel<false>(a, b, dt, [al](scalar_t x, scalar_t y) { return x - al * y; });
  });
  if (needs_grad({&a, &b}))
    record("SubBackward0", {a, b}, {out}, [alpha](const TensorList& g) {
      return TensorList{g[0], mul(g[0], scalar_tensor(Scalar(-alpha.to_double())))};
    }, false);
  return out;
}

Tensor rsub(const Tensor& a, const Tensor& b, const Scalar& alpha) { return sub(b, a, alpha); }

Tensor mul(const Tensor& a, const Tensor& b) {
  DType dt = result_type(a, b);
  Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    if constexpr (std::is_same_v<scalar_t, bool>)
      return binary_kernel<false>(a, b, dt, [](bool x, bool y) { return x && y; });
    else return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) { return x * y; });
  });
  if (needs_grad({&a, &b})) {
    Saved sa(a), sb(b);
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record("MulBackward0", {a, b}, {out}, [sa, sb, ga, gb](const TensorList& g) {
      return TensorList{ga ? mul(g[0], sb.get()) : Tensor(), gb ? mul(g[0], sa.get()) : Tensor()};
    }, true);
  }
  return out;
}

Tensor div(const Tensor& a, const Tensor& b) {
  DType dt = result_type(a, b);
  if (!is_floating(dt)) dt = default_dtype();
  Tensor out = JANUS_DISPATCH_FLOAT(dt, "div", [&]<class scalar_t>() {
    return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) { return x / y; });
  });
  if (needs_grad({&a, &b})) {
    Saved sa(a), sb(b);
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record("DivBackward0", {a, b}, {out}, [sa, sb, ga, gb](const TensorList& g) {
      Tensor bv = sb.get();
      return TensorList{ga ? div(g[0], bv) : Tensor(), gb ? neg(div(mul(g[0], sa.get()), mul(bv, bv))) : Tensor()};
    }, true);
  }
  return out;
}

template <class T> static void check_int_divisor(const Tensor& b) {
  if constexpr (!std::is_floating_point_v<T>) {
    Tensor cb = b.dtype() == dtype_of<T>::value ? b : cast(b, dtype_of<T>::value);
    bool zero = false;
    map1<T, T>(cb, cb, [&](T v) { if (v == 0) zero = true; return v; });
    if (zero) runtime_error("ZeroDivisionError");
  }
}

Tensor floor_divide(const Tensor& a, const Tensor& b) {
  DType dt = result_type(a, b);
  if (dt == DType::Bool) dt = DType::Int64;
  return JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    check_int_divisor<scalar_t>(b);
    return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) -> scalar_t {
      if constexpr (std::is_floating_point_v<scalar_t>) return std::floor(x / y);
      else if constexpr (std::is_same_v<scalar_t, bool>) return x;
      else { scalar_t q = x / y; return (x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q; }
    });
  });
}

Tensor remainder(const Tensor& a, const Tensor& b) {
  DType dt = result_type(a, b);
  if (dt == DType::Bool) dt = DType::Int64;
  Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    check_int_divisor<scalar_t>(b);
    return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) -> scalar_t {
      if constexpr (std::is_floating_point_v<scalar_t>) { scalar_t r = std::fmod(x, y); return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r; }
      else if constexpr (std::is_same_v<scalar_t, bool>) return false;
      else { scalar_t r = x % y; return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r; }
    });
  });
  if (needs_grad({&a, &b})) {
    Saved sa(a), sb(b);
    record("RemainderBackward0", {a, b}, {out}, [sa, sb](const TensorList& g) {
      return TensorList{g[0], neg(mul(g[0], floor_divide(sa.get(), sb.get())))};
    }, true);
  }
  return out;
}

// PyTorch's pow(Tensor, Scalar): a Python number as the exponent of a floating tensor. Its CPU
// kernel computes these exponents exactly as written here (bit for bit: x**3 is x*x*x, not
// powf(x, 3), which differs in the last place); other exponents are std::pow.
Tensor pow_scalar(const Tensor& a, const Scalar& exponent) {
  const DType dt = a.dtype();
  if (!is_floating(dt)) return pow(a, scalar_tensor(exponent));
  Tensor out = JANUS_DISPATCH_FLOAT(dt, "pow", [&]<class scalar_t>() {
    const double e = exponent.to_double();
    if (e == 1) return map_unary<scalar_t>(a, dt, [](scalar_t x) { return x; });  // torch copies
    if (e == 2) return map_unary<scalar_t>(a, dt, [](scalar_t x) { return x * x; });
    if (e == 3) return map_unary<scalar_t>(a, dt, [](scalar_t x) { return x * x * x; });
    if (e == 0.5) return map_unary<scalar_t>(a, dt, [](scalar_t x) { return std::sqrt(x); });
    if (e == -0.5) return map_unary<scalar_t>(a, dt, [](scalar_t x) { return scalar_t(1) / std::sqrt(x); });
    if (e == -1) return map_unary<scalar_t>(a, dt, [](scalar_t x) { return scalar_t(1) / x; });
    if (e == -2) return map_unary<scalar_t>(a, dt, [](scalar_t x) { return scalar_t(1) / (x * x); });
    const scalar_t y = scalar_t(e);
    return map_unary<scalar_t>(a, dt, [y](scalar_t x) { return std::pow(x, y); });
  });
  if (needs_grad({&a})) {
    // PyTorch's pow_backward for a Scalar exponent: grad * (e * self.pow(e - 1)), 0 for e == 0.
    Saved sa(a);
    const Scalar e = exponent;
    record("PowBackward0", {a}, {out}, [sa, e](const TensorList& g) {
      if (e.to_double() == 0) return TensorList{zeros_like(g[0], std::nullopt)};
      const Scalar em1 = e.is_floating() ? Scalar(e.to_double() - 1) : Scalar(e.to_int() - 1);
      return TensorList{mul(g[0], mul(pow(sa.get(), scalar_tensor(em1)), scalar_tensor(e)))};
    }, true);
  }
  return out;
}

Tensor pow(const Tensor& a, const Tensor& b) {
  // A Python number (a wrapped number) as the exponent of a floating tensor.
  if (b.impl()->wrapped_number && !a.impl()->wrapped_number && is_floating(a.dtype())) return pow_scalar(a, b.item());
  DType dt = result_type(a, b);
  if (dt == DType::Bool) dt = DType::Int64;
  Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    if constexpr (!std::is_floating_point_v<scalar_t>) {
      Tensor cb = cast(b, DType::Int64);
      bool negative = false;
      map1<int64_t, int64_t>(cb, cb, [&](int64_t v) { if (v < 0) negative = true; return v; });
      if (negative) runtime_error("Integers to negative integer powers are not allowed.");
      return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) -> scalar_t {
        if constexpr (std::is_same_v<scalar_t, bool>) {
          return x || !y;  // unreachable: bool operands compute in int64
        } else {
          scalar_t r = 1;
          for (int64_t e = y, base = x; e > 0; e >>= 1, base *= base) if (e & 1) r = scalar_t(r * base);
          return r;
        }
      });
    } else {
      return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) -> scalar_t {
        if (y == 2) return x * x;
        return std::pow(x, y);
      });
    }
  });
  if (needs_grad({&a, &b})) {
    Saved sa(a), sb(b), so(out, true);
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record("PowBackward1", {a, b}, {out}, [sa, sb, so, ga, gb](const TensorList& g) {
      Tensor av = sa.get(), bv = sb.get();
      Tensor one = scalar_tensor(Scalar(int64_t(1)));
      Tensor zero = scalar_tensor(Scalar(0.0));
      Tensor gra, grb;
      if (ga) gra = mul(g[0], mul(bv, pow(av, sub(bv, one, Scalar(int64_t(1))))));
      if (ga) gra = where(logical_and(eq(bv, zero), ge(av, zero)), zeros_like(gra, std::nullopt), gra);
      if (gb) grb = where(eq(av, zero), zeros_like(g[0], std::nullopt), mul(g[0], mul(so.get(), log(av))));
      return TensorList{gra, grb};
    }, true);
  }
  return out;
}

static Tensor minmax_binary(const Tensor& a, const Tensor& b, bool is_max) {
  DType dt = result_type(a, b);
  Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    return binary_kernel<false>(a, b, dt, [is_max](scalar_t x, scalar_t y) -> scalar_t {
      if constexpr (std::is_floating_point_v<scalar_t>) if (std::isnan(x) || std::isnan(y)) return x + y;
      return is_max ? (x > y ? x : y) : (x < y ? x : y);
    });
  });
  if (needs_grad({&a, &b})) {
    Saved sa(a), sb(b);
    record(is_max ? "MaximumBackward0" : "MinimumBackward0", {a, b}, {out}, [sa, sb, is_max](const TensorList& g) {
      Tensor av = sa.get(), bv = sb.get();
      Tensor half = scalar_tensor(Scalar(0.5));
      Tensor wins_a = is_max ? gt(av, bv) : lt(av, bv);
      Tensor wins_b = is_max ? lt(av, bv) : gt(av, bv);
      Tensor tie = mul(to_dtype(eq(av, bv), g[0].dtype(), false), half);
      Tensor wa = add(to_dtype(wins_a, g[0].dtype(), false), tie, Scalar(int64_t(1)));
      Tensor wb = add(to_dtype(wins_b, g[0].dtype(), false), tie, Scalar(int64_t(1)));
      return TensorList{mul(g[0], wa), mul(g[0], wb)};
    }, true);
  }
  return out;
}
Tensor maximum(const Tensor& a, const Tensor& b) { return minmax_binary(a, b, true); }
Tensor minimum(const Tensor& a, const Tensor& b) { return minmax_binary(a, b, false); }

#define JANUS_COMPARE(name, expr)                                                        \
  Tensor name(const Tensor& a, const Tensor& b) {                                         \
    DType dt = result_type(a, b);                                                       \
    return JANUS_DISPATCH(dt, [&]<class scalar_t>() {                                                       \
      return binary_kernel<true>(a, b, dt, [](scalar_t x, scalar_t y) { return expr; }); \
    });                                                                                   \
  }
JANUS_COMPARE(eq, x == y)
JANUS_COMPARE(ne, x != y)
JANUS_COMPARE(lt, x < y)
JANUS_COMPARE(le, x <= y)
JANUS_COMPARE(gt, x > y)
JANUS_COMPARE(ge, x >= y)
JANUS_COMPARE(logical_and, bool(x) && bool(y))
JANUS_COMPARE(logical_or, bool(x) || bool(y))
#undef JANUS_COMPARE

#define JANUS_BITWISE(name, op)                                                                    \
  Tensor name(const Tensor& a, const Tensor& b) {                                                   \
    DType dt = result_type(a, b);                                                                 \
    if (is_floating(dt)) runtime_error(str_cat("\"" #name "_cpu\" not implemented for '", dtype_legacy(dt), "'")); \
    return JANUS_DISPATCH(dt, [&]<class scalar_t>() {                                                                 \
      if constexpr (std::is_floating_point_v<scalar_t>) return Tensor();                            \
      else return binary_kernel<false>(a, b, dt, [](scalar_t x, scalar_t y) { return scalar_t(x op y); }); \
    });                                                                                             \
  }
JANUS_BITWISE(bitwise_and, &)
JANUS_BITWISE(bitwise_or, |)
JANUS_BITWISE(bitwise_xor, ^)
#undef JANUS_BITWISE

// ---- unary -----------------------------------------------------------------------------------
template <class F>
static Tensor unary_kernel(const Tensor& a, DType dt, F f) {
  Tensor ca = a.dtype() == dt ? a : cast(a, dt);
  Tensor out = Tensor::empty(a.sizes(), dt);
  JANUS_DISPATCH(dt, [&]<class scalar_t>() { map1<scalar_t, scalar_t>(out, ca, [&](scalar_t x) { return scalar_t(f(x)); }); });
  return out;
}

static DType unary_dtype(const Tensor& a, bool float_kind, const char* name) {
  if (float_kind) return is_floating(a.dtype()) ? a.dtype() : default_dtype();
  if (a.dtype() == DType::Bool && std::string(name) == "neg")
    runtime_error("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
                  "mask, use the `~` or `logical_not()` operator instead.");
  return a.dtype();
}

#define JANUS_UNARY_DECL(name, node, kind, expr, grad)                                          \
  Tensor name(const Tensor& a) {                                                                \
    DType dt = unary_dtype(a, std::string(#kind) == "Float", #name);                            \
    Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {                                                       \
      return unary_kernel(a, dt, [](scalar_t x) -> scalar_t {                                   \
        if constexpr (std::is_same_v<scalar_t, bool>) return x; /* bool only reaches Same-kind ops */ \
        else return static_cast<scalar_t>(expr);                                                \
      });                                                                                       \
    });                                                                                         \
    if (needs_grad({&a})) {                                                                     \
      Saved sx(a), sy(out, true);                                                               \
      record(node, {a}, {out}, [sx, sy](const TensorList& gs) {                                 \
        const Tensor& g = gs[0];                                                                \
        Tensor x = sx.get(), y = sy.get();                                                      \
        (void)g; (void)x; (void)y;                                                              \
        return TensorList{grad};                                                                \
      }, true);                                                                                 \
    }                                                                                           \
    return out;                                                                                 \
  }
#include "tensor/ops/unary.def"
#undef JANUS_UNARY_DECL

Tensor logical_not(const Tensor& a) {
  Tensor out = Tensor::empty(a.sizes(), DType::Bool);
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() { map1<bool, scalar_t>(out, a, [](scalar_t x) { return !bool(x); }); });
  return out;
}

Tensor bitwise_not(const Tensor& a) {
  if (is_floating(a.dtype()))
    runtime_error(str_cat("\"bitwise_not_cpu\" not implemented for '", dtype_legacy(a.dtype()), "'"));
  if (a.dtype() == DType::Bool) return logical_not(a);
  return JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    if constexpr (std::is_floating_point_v<scalar_t> || std::is_same_v<scalar_t, bool>) return Tensor();
    else return unary_kernel(a, a.dtype(), [](scalar_t x) { return scalar_t(~x); });
  });
}

Tensor isnan(const Tensor& a) {
  Tensor out = Tensor::empty(a.sizes(), DType::Bool);
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    map1<bool, scalar_t>(out, a, [](scalar_t x) {
      if constexpr (std::is_floating_point_v<scalar_t>) return bool(std::isnan(x));
      else return false;
    });
  });
  return out;
}

template <class F>
static Tensor float_class(const Tensor& a, F f) {
  Tensor out = Tensor::empty(a.sizes(), DType::Bool);
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    map1<bool, scalar_t>(out, a, [&](scalar_t x) {
      if constexpr (std::is_floating_point_v<scalar_t>) return bool(f(x));
      else return bool(f(0.0));
    });
  });
  return out;
}
Tensor isinf(const Tensor& a) { return float_class(a, [](auto x) { return std::isinf(x); }); }
Tensor isfinite(const Tensor& a) { return float_class(a, [](auto x) { return std::isfinite(x); }); }

Tensor clamp(const Tensor& a, const OptScalar& lo, const OptScalar& hi) {
  if (!lo && !hi) runtime_error("torch.clamp: At least one of 'min' or 'max' must not be None");
  DType dt = a.dtype();
  if (!is_floating(dt) && ((lo && lo->is_floating()) || (hi && hi->is_floating()))) dt = default_dtype();
  Tensor out = JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    bool has_lo = bool(lo), has_hi = bool(hi);
    scalar_t l = has_lo ? lo->to<scalar_t>() : scalar_t(0), h = has_hi ? hi->to<scalar_t>() : scalar_t(0);
    return unary_kernel(a, dt, [=](scalar_t x) -> scalar_t {
      if constexpr (std::is_floating_point_v<scalar_t>) if (std::isnan(x)) return x;
      if (has_lo && x < l) x = l;
      if (has_hi && x > h) x = h;
      return x;
    });
  });
  if (needs_grad({&a})) {
    Saved sx(a);
    OptScalar l = lo, h = hi;
    record("ClampBackward1", {a}, {out}, [sx, l, h](const TensorList& g) {
      Tensor x = sx.get();
      Tensor mask = ones_like(x, DType::Bool);
      if (l) mask = logical_and(mask, ge(x, scalar_tensor(*l)));
      if (h) mask = logical_and(mask, le(x, scalar_tensor(*h)));
      return TensorList{mul(g[0], mask)};
    }, true);
  }
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  if (cond.dtype() != DType::Bool)
    runtime_error(str_cat("where expected condition to be a boolean tensor, but got a tensor with dtype ",
                          dtype_legacy(cond.dtype())));
  DType dt = result_type(a, b);
  Shape shape = broadcast_shape(broadcast_shape(cond.sizes(), a.sizes()), b.sizes());
  Tensor ca = a.dtype() == dt ? a : cast(a, dt), cb = b.dtype() == dt ? b : cast(b, dt);
  Tensor out = Tensor::empty(shape, dt);
  JANUS_DISPATCH(dt, [&]<class scalar_t>() {
    map3<scalar_t, bool, scalar_t, scalar_t>(out, cond, ca, cb, [](bool c, scalar_t x, scalar_t y) { return c ? x : y; });
  });
  if (needs_grad({&a, &b})) {
    Saved sc(cond);
    record("WhereBackward0", {a, b}, {out}, [sc](const TensorList& g) {
      Tensor c = sc.get();
      Tensor z = zeros_like(g[0], std::nullopt);
      return TensorList{where(c, g[0], z), where(c, z, g[0])};
    }, true);
  }
  return out;
}

Tensor addcmul(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  return add(self, mul(t1, t2), value);
}
Tensor addcdiv(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  if (!is_floating(t1.dtype()) && !is_floating(t2.dtype()))
    runtime_error("Integer division with addcdiv is no longer supported, and in a future release addcdiv will "
                  "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
                  "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
                  "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior "
                  "is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.");
  return add(self, div(t1, t2), value);
}
Tensor lerp(const Tensor& self, const Tensor& end, const Tensor& weight) {
  return add(self, mul(weight, sub(end, self, Scalar(int64_t(1)))), Scalar(int64_t(1)));
}

Tensor to_dtype(const Tensor& a, DType dtype, bool copy) {
  if (a.dtype() == dtype && !copy) return a;
  Tensor out = cast(a, dtype);
  if (is_floating(dtype) && needs_grad({&a}))
    record("ToCopyBackward0", {a}, {out}, [](const TensorList& g) { return TensorList{g[0]}; }, false);
  return out;
}
Tensor to_float(const Tensor& a) { return to_dtype(a, DType::Float32, false); }
Tensor to_double(const Tensor& a) { return to_dtype(a, DType::Float64, false); }
Tensor to_long(const Tensor& a) { return to_dtype(a, DType::Int64, false); }
Tensor to_int(const Tensor& a) { return to_dtype(a, DType::Int32, false); }
Tensor to_bool(const Tensor& a) { return to_dtype(a, DType::Bool, false); }
Tensor type_as(const Tensor& a, const Tensor& other) { return to_dtype(a, other.dtype(), false); }

Tensor masked_fill(const Tensor& a, const Tensor& mask, const Tensor& value) {
  if (mask.dtype() != DType::Bool)
    runtime_error(str_cat("masked_fill_ only supports boolean masks, but got mask with dtype ", dtype_name(mask.dtype())));
  if (value.dim() != 0)
    runtime_error(str_cat("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ",
                          value.dim(), " dimension(s)."));
  Tensor v = to_dtype(value, a.dtype(), false);
  v.impl()->wrapped_number = false;
  Tensor out = where(mask, v, a);
  if (out.sizes() != a.sizes())
    runtime_error(str_cat("The size of tensor a (", a.sizes().empty() ? 1 : a.sizes().back(),
                          ") must match the size of tensor b at non-singleton dimension"));
  return out;
}

// ---- whole-tensor comparisons ----------------------------------------------------------------
bool equal(const Tensor& a, const Tensor& b) {
  if (a.sizes() != b.sizes()) return false;
  NoGradGuard no_grad;
  return all(eq(a, b)).item().to_bool();
}

Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  if (a.dtype() != b.dtype())
    runtime_error(str_cat("isclose(): Expected self and other to have the same dtype, but got self.dtype = ",
                          dtype_name(a.dtype()), " and other.dtype = ", dtype_name(b.dtype())));
  NoGradGuard no_grad;
  Tensor da = cast(a, DType::Float64), db = cast(b, DType::Float64);
  Tensor out = Tensor::empty(broadcast_shape(a.sizes(), b.sizes()), DType::Bool);
  map2<bool, double, double>(out, da, db, [=](double x, double y) {
    if (std::isnan(x) || std::isnan(y)) return equal_nan && std::isnan(x) && std::isnan(y);
    if (x == y) return true;
    if (std::isinf(x) || std::isinf(y)) return false;
    return std::fabs(x - y) <= atol + rtol * std::fabs(y);
  });
  return out;
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return all(isclose(a, b, rtol, atol, equal_nan)).item().to_bool();
}

}  // namespace janus::ops
