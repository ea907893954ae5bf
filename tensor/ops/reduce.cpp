// Reductions along dims: the reduced dims are moved last and made contiguous, so every kernel
// is a loop over M rows of R elements.
#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/iter.h"
#include "tensor/ops.h"

namespace janus::ops {

namespace {

struct Plan {
  Tensor rows;      // contiguous, logically [M, R]
  int64_t M = 1, R = 1;
  Shape out_shape;  // with or without the kept dims
  Shape reduced;    // 1 for each reduced dim (a Shape: inline for small ranks, no allocation)
};

// How plan() provides the [M, R] rows: not at all (the caller needs only the shapes), as a
// permuted view, or as a contiguous tensor.
enum class Rows { kNone, kView, kContiguous };

// The permuted view of `a` (kept dims first, reduced dims last) that p describes.
Tensor rows_view(const Tensor& a, const Plan& p) {
  const int64_t nd = a.dim();
  // A contiguous tensor reduced over trailing dims (a full reduction included) already is
  // its own [M, R] rows: no permuted view to build.
  bool suffix = a.is_contiguous();
  for (int64_t d = 1; suffix && d < nd; ++d) suffix = p.reduced[d] || !p.reduced[d - 1];
  if (suffix) return a;
  Shape sizes, strides;
  for (int pass = 0; pass < 2; ++pass)
    for (int64_t d = 0; d < nd; ++d)
      if (p.reduced[d] == bool(pass)) sizes.push_back(a.sizes()[d]), strides.push_back(a.strides()[d]);
  return a.alias_with(sizes, strides, a.offset());
}

// dims empty = all dims (PyTorch's sum(dim=[]) reduces everything).
Plan plan(const Tensor& a, const Shape& dims_in, bool keepdim, Rows rows = Rows::kContiguous) {
  Plan p;
  const int64_t nd = a.dim();
  p.reduced.assign(std::max<int64_t>(nd, 1), dims_in.empty());
  for (int64_t d : dims_in) {
    int64_t w = a.wrap_dim(d);
    if (p.reduced[w] && !dims_in.empty())
      runtime_error(str_cat("dim ", w, " appears multiple times in the list of dims"));
    p.reduced[w] = true;
  }
  p.out_shape.reserve(nd);
  for (int64_t d = 0; d < nd; ++d) {
    if (!p.reduced[d]) p.out_shape.push_back(a.sizes()[d]), p.M *= a.sizes()[d];
    else {
      p.R *= a.sizes()[d];
      if (keepdim) p.out_shape.push_back(1);
    }
  }
  if (rows == Rows::kNone) return p;
  Tensor permuted = rows_view(a, p);
  p.rows = permuted.is_contiguous() || rows == Rows::kView ? permuted : contiguous_copy(permuted);
  return p;
}

// Gradient of a reduction: g (reduced shape) brought back to the input's shape.
Tensor expand_back(const Tensor& g, const Shape& in_shape, const Shape& reduced, bool keepdim) {
  Tensor x = g;
  if (!keepdim) {
    Shape s;
    for (size_t d = 0; d < in_shape.size(); ++d) s.push_back(reduced[d] ? 1 : in_shape[d]);
    x = reshape(x, s);
  }
  return expand(x, in_shape);
}

template <class Acc, class T, class Init, class Step, class Final>
void reduce_rows(const Plan& p, const Tensor& out, Init init, Step step, Final fin) {
  const T* src = p.rows.data<T>();
  using O = decltype(fin(init(), int64_t(0)));
  O* dst = static_cast<O*>(out.raw());
  for (int64_t m = 0; m < p.M; ++m) {
    Acc acc = init();
    const T* row = src + m * p.R;
    for (int64_t r = 0; r < p.R; ++r) step(acc, row[r]);
    dst[m] = fin(acc, p.R);
  }
}

// Sums n contiguous values: 8 independent lanes the compiler vectorizes, per block of 1024,
// with block totals in double (accurate like a cascade sum, fast like a plain loop).
template <class T>
auto sum_row(const T* x, int64_t n) {
  if constexpr (std::is_floating_point_v<T>) {
    double total = 0;
    for (int64_t start = 0; start < n; start += 1024) {
      const int64_t end = std::min<int64_t>(n, start + 1024);
      T lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t i = start;
      for (; i + 8 <= end; i += 8)
        for (int k = 0; k < 8; ++k) lane[k] += x[i + k];
      T rest = 0;
      for (; i < end; ++i) rest += x[i];
      total += double((lane[0] + lane[1]) + (lane[2] + lane[3])) + double((lane[4] + lane[5]) + (lane[6] + lane[7])) +
               double(rest);
    }
    return total;
  } else {
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) total += int64_t(x[i]);
    return total;
  }
}

DType sum_dtype(DType in, OptDType dtype) {
  if (dtype) return *dtype;
  return is_floating(in) ? in : DType::Int64;
}

}  // namespace

Tensor sum_dim(const Tensor& a, const Shape& dims, bool keepdim, OptDType dtype) {
  Plan p = plan(a, dims, keepdim, Rows::kNone);
  DType od = sum_dtype(a.dtype(), dtype);
  Tensor out = Tensor::empty(std::move(p.out_shape), od);
  // Leading dims of a contiguous tensor (a bias gradient's batch dims): add whole rows into
  // an accumulator row instead of transposing first.
  int64_t lead = 0;
  while (lead < a.dim() && p.reduced[lead]) ++lead;
  bool leading_only = a.is_contiguous() && lead > 0 && lead < a.dim() && a.dtype() == od;
  for (int64_t d = lead; leading_only && d < a.dim(); ++d) leading_only = !p.reduced[d];
  JANUS_DISPATCH(od, [&]<class scalar_t>() {
    using O = scalar_t;
    O* dst = out.template data<O>();
    if (leading_only) {
      using Acc = std::conditional_t<std::is_floating_point_v<O>, double, int64_t>;
      // The accumulator row on the stack when it is short (a bias's handful of outputs).
      Acc small[16];
      std::vector<Acc> large;
      Acc* acc = small;
      if (p.M > 16) large.assign(p.M, Acc(0)), acc = large.data();
      else std::fill(small, small + p.M, Acc(0));
      const O* src = a.template data<O>();
      for (int64_t r = 0; r < p.R; ++r)
        for (int64_t m = 0; m < p.M; ++m) acc[m] += Acc(src[r * p.M + m]);
      for (int64_t m = 0; m < p.M; ++m) dst[m] = O(acc[m]);
      return;
    }
    Tensor rows = rows_view(a, p);
    p.rows = rows.dtype() == od ? (rows.is_contiguous() ? rows : contiguous_copy(rows)) : cast(rows, od);
    const O* src = p.rows.template data<O>();
    for (int64_t m = 0; m < p.M; ++m) dst[m] = O(sum_row(src + m * p.R, p.R));
  });
  if (needs_grad({&a})) {
    Shape in_shape = a.sizes();
    auto reduced = p.reduced;
    record("SumBackward1", {a}, {out}, [in_shape, reduced, keepdim](const TensorList& g) {
      return TensorList{expand_back(g[0], in_shape, reduced, keepdim)};
    }, false);
  }
  return out;
}

Tensor sum(const Tensor& a, OptDType dtype) {
  Tensor out = sum_dim(a, {}, false, dtype);
  if (out.impl()->grad_fn) out.impl()->grad_fn->name = "SumBackward0";
  return out;
}

Tensor mean_dim(const Tensor& a, const Shape& dims, bool keepdim, OptDType dtype) {
  DType dt = dtype ? *dtype : a.dtype();
  if (!is_floating(dt))
    runtime_error(str_cat("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                          "complex dtype. Got: ", dtype_legacy(dt)));
  Plan p = plan(a, dims, keepdim, Rows::kNone);
  Tensor out;
  {
    NoGradGuard no_grad;
    out = sum_dim(a, dims, keepdim, dt);
  }
  // The sum is a fresh tensor nobody else holds: divide it in place, as div(sum, R) would
  // (the same float division by R converted to the result's dtype).
  JANUS_DISPATCH_FLOAT(dt, "mean", [&]<class scalar_t>() {
    scalar_t* o = out.template data<scalar_t>();
    const scalar_t r = static_cast<scalar_t>(p.R);
    for (int64_t i = 0, n = out.numel(); i < n; ++i) o[i] = o[i] / r;
  });
  if (needs_grad({&a})) {
    Shape in_shape = a.sizes();
    auto reduced = p.reduced;
    int64_t R = p.R;
    record(dims.empty() ? "MeanBackward0" : "MeanBackward1", {a}, {out}, [in_shape, reduced, keepdim, R](const TensorList& g) {
      return TensorList{div(expand_back(g[0], in_shape, reduced, keepdim), scalar_tensor(Scalar(int64_t(R))))};
    }, false);
  }
  return out;
}

Tensor mean(const Tensor& a, OptDType dtype) { return mean_dim(a, {}, false, dtype); }

Tensor prod_dim(const Tensor& a, int64_t dim, bool keepdim, OptDType dtype) {
  Plan p = plan(a, {dim}, keepdim);
  DType od = sum_dtype(a.dtype(), dtype);
  Tensor out = Tensor::empty(p.out_shape, od);
  JANUS_DISPATCH(od, [&]<class scalar_t>() {
    using O = scalar_t;
    if (p.rows.dtype() != od) p.rows = cast(p.rows, od);
    using Acc = std::conditional_t<std::is_floating_point_v<O>, double, int64_t>;
    reduce_rows<Acc, O>(p, out, [] { return Acc(1); }, [](Acc& acc, O x) { acc *= Acc(x); },
                        [](Acc acc, int64_t) { return O(acc); });
  });
  if (needs_grad({&a})) {
    Saved sx(a);
    Shape in_shape = a.sizes();
    auto reduced = p.reduced;
    const int64_t d = a.dim() == 0 ? 0 : a.wrap_dim(dim);
    record("ProdBackward1", {a}, {out}, [sx, in_shape, reduced, keepdim, d](const TensorList& g) {
      // d prod / d x_i is the product of the other entries of x_i's slice. Dividing prod by
      // x_i is only right without zeros, so count them per slice: none -> prod / x_i;
      // exactly one -> the product of the non-zero entries at the zero, 0 elsewhere;
      // two or more -> 0 everywhere.
      Tensor x = sx.get();
      if (x.dim() == 0) return TensorList{mul(g[0], ones_like(x, std::nullopt))};
      Tensor is_zero = eq(x, zeros_like(x, std::nullopt));
      Tensor x_or_one = where(is_zero, ones_like(x, std::nullopt), x);
      Tensor nonzero_prod = prod_dim(x_or_one, d, true, std::nullopt);
      Tensor zero_count = sum_dim(is_zero, {d}, true, DType::Int64);
      Tensor no_zero = eq(zero_count, zeros_like(zero_count, std::nullopt));
      Tensor the_zero = logical_and(eq(zero_count, ones_like(zero_count, std::nullopt)), is_zero);
      Tensor others = where(no_zero, div(nonzero_prod, x_or_one),
                            where(the_zero, nonzero_prod, zeros_like(x, std::nullopt)));
      return TensorList{mul(expand_back(g[0], in_shape, reduced, keepdim), others)};
    }, true);
  }
  return out;
}

Tensor prod(const Tensor& a, OptDType dtype) {
  return prod_dim(reshape(a, {-1}), 0, false, dtype);
}

// Values and indices of the max/min along one dim (first occurrence; NaN wins, as in PyTorch).
static TensorPair minmax_dim(const Tensor& a, int64_t dim, bool keepdim, bool is_max) {
  int64_t d = a.wrap_dim(dim);
  if (a.dim() > 0 && a.sizes()[d] == 0)
    fail(ErrorKind::Index, str_cat(is_max ? "max" : "min", "(): Expected reduction dim ", d,
                                   " to have non-zero size."));
  Plan p = plan(a, {d}, keepdim);
  Tensor values = Tensor::empty(p.out_shape, a.dtype());
  Tensor indices = Tensor::empty(p.out_shape, DType::Int64);
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    const scalar_t* src = p.rows.data<scalar_t>();
    scalar_t* v = values.data<scalar_t>();
    int64_t* ix = indices.data<int64_t>();
    for (int64_t m = 0; m < p.M; ++m) {
      const scalar_t* row = src + m * p.R;
      int64_t best = 0;
      for (int64_t r = 1; r < p.R; ++r) {
        if constexpr (std::is_floating_point_v<scalar_t>) {
          if (std::isnan(row[best])) break;
          if (std::isnan(row[r])) { best = r; break; }
        }
        if (is_max ? row[r] > row[best] : row[r] < row[best]) best = r;
      }
      v[m] = row[best];
      ix[m] = best;
    }
  });
  if (needs_grad({&a})) {
    Saved si(indices, true);
    Shape in_shape = a.sizes();
    record(is_max ? "MaxBackward0" : "MinBackward0", {a}, {values, indices},
           [si, in_shape, d, keepdim](const TensorList& g) {
             Tensor gv = g[0], idx = si.get();
             if (!keepdim && !in_shape.empty()) gv = unsqueeze(gv, d), idx = unsqueeze(idx, d);
             return TensorList{scatter_add(zeros(in_shape, gv.dtype()), d, idx, gv)};
           }, true);
  }
  return {values, indices};
}
TensorPair max_dim(const Tensor& a, int64_t dim, bool keepdim) { return minmax_dim(a, dim, keepdim, true); }
TensorPair min_dim(const Tensor& a, int64_t dim, bool keepdim) { return minmax_dim(a, dim, keepdim, false); }

// amax/amin over dims; the gradient is shared evenly among ties, as in PyTorch.
static Tensor amaxmin(const Tensor& a, const Shape& dims, bool keepdim, bool is_max, const char* node) {
  if (a.numel() == 0)
    runtime_error(str_cat(is_max ? "max" : "min", "(): Expected reduction dim to be specified for input.numel() == 0. "
                          "Specify the reduction dim with the 'dim' argument."));
  Plan p = plan(a, dims, keepdim);
  Tensor out = Tensor::empty(p.out_shape, a.dtype());
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    reduce_rows<scalar_t, scalar_t>(
        p, out,
        [&] { return is_max ? std::numeric_limits<scalar_t>::lowest() : std::numeric_limits<scalar_t>::max(); },
        [is_max](scalar_t& acc, scalar_t x) {
          if constexpr (std::is_floating_point_v<scalar_t>) if (std::isnan(acc)) return;
          if constexpr (std::is_floating_point_v<scalar_t>) if (std::isnan(x)) { acc = x; return; }
          if (is_max ? x > acc : x < acc) acc = x;
        },
        [](scalar_t acc, int64_t) { return acc; });
  });
  if (needs_grad({&a})) {
    Saved sx(a), so(out, true);
    Shape in_shape = a.sizes();
    auto reduced = p.reduced;
    Shape dims_copy = dims;
    record(node, {a}, {out}, [sx, so, in_shape, reduced, keepdim, dims_copy](const TensorList& g) {
      Tensor mask = eq(sx.get(), expand_back(so.get(), in_shape, reduced, keepdim));
      Tensor maskf = to_dtype(mask, g[0].dtype(), false);
      Tensor count = sum_dim(maskf, dims_copy, true, std::nullopt);
      Tensor gk = expand_back(g[0], in_shape, reduced, keepdim);
      return TensorList{div(mul(gk, maskf), count)};
    }, true);
  }
  return out;
}
Tensor amax(const Tensor& a, const Shape& dims, bool keepdim) { return amaxmin(a, dims, keepdim, true, "AmaxBackward0"); }
Tensor amin(const Tensor& a, const Shape& dims, bool keepdim) { return amaxmin(a, dims, keepdim, false, "AminBackward0"); }
Tensor max_all(const Tensor& a) { return amaxmin(a, {}, false, true, "MaxBackward1"); }
Tensor min_all(const Tensor& a) { return amaxmin(a, {}, false, false, "MinBackward1"); }

static Tensor arg_minmax(const Tensor& a, OptInt dim, bool keepdim, bool is_max) {
  if (!dim) {
    if (a.numel() == 0)
      runtime_error(str_cat(is_max ? "argmax" : "argmin", "(): Expected reduction dim to be specified for input.numel() == 0."));
    NoGradGuard no_grad;
    Tensor flat = contiguous_copy(a);
    flat = flat.alias_with({a.numel()}, {1}, 0);
    Tensor idx = std::get<1>(minmax_dim(flat, 0, false, is_max));
    if (keepdim) return reshape(idx, Shape(a.dim(), 1));
    return idx;
  }
  NoGradGuard no_grad;
  return std::get<1>(minmax_dim(a, *dim, keepdim, is_max));
}
Tensor argmax(const Tensor& a, OptInt dim, bool keepdim) { return arg_minmax(a, dim, keepdim, true); }
Tensor argmin(const Tensor& a, OptInt dim, bool keepdim) { return arg_minmax(a, dim, keepdim, false); }

// var/std are composites of differentiable ops, so their gradients come for free.
Tensor var_dim(const Tensor& a, const OptShape& dims, bool unbiased, bool keepdim) {
  if (!is_floating(a.dtype()))
    runtime_error(str_cat("std and var only support floating point and complex dtypes"));
  Shape d = dims ? *dims : Shape{};
  Plan p = plan(a, d, keepdim);
  Tensor centered = sub(a, mean_dim(a, d, true, std::nullopt), Scalar(int64_t(1)));
  Tensor ss = sum_dim(mul(centered, centered), d, keepdim, std::nullopt);
  return div(ss, scalar_tensor(Scalar(double(p.R - (unbiased ? 1 : 0)))));
}
Tensor var(const Tensor& a, bool unbiased) { return var_dim(a, std::nullopt, unbiased, false); }
Tensor std_dim(const Tensor& a, const OptShape& dims, bool unbiased, bool keepdim) {
  return sqrt(var_dim(a, dims, unbiased, keepdim));
}
Tensor std(const Tensor& a, bool unbiased) { return std_dim(a, std::nullopt, unbiased, false); }

// The 2-norm as one primitive: its gradient x * g / norm is 0 where the norm is 0, as in
// PyTorch (the chain rule through sqrt(sum(x * x)) would give 0 * inf = NaN there). The
// backward recomputes the norm from x so that it is differentiable again (create_graph), and
// divides by a safe denominator so that no inf appears even in a masked-out branch.
static Tensor norm2(const Tensor& a, const Shape& dims, bool keepdim) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = sqrt(sum_dim(mul(a, a), dims, keepdim, std::nullopt));
  }
  if (needs_grad({&a})) {
    Saved sx(a);
    Shape in_shape = a.sizes();
    auto reduced = plan(a, dims, keepdim, Rows::kNone).reduced;
    record("NormBackward1", {a}, {out}, [sx, dims, in_shape, reduced, keepdim](const TensorList& g) {
      Tensor x = sx.get();
      Tensor squares = sum_dim(mul(x, x), dims, keepdim, std::nullopt);
      Tensor is_zero = eq(squares, zeros_like(squares, std::nullopt));
      Tensor safe_norm = sqrt(where(is_zero, ones_like(squares, std::nullopt), squares));
      Tensor scale = where(is_zero, zeros_like(squares, std::nullopt), div(g[0], safe_norm));
      return TensorList{mul(x, expand_back(scale, in_shape, reduced, keepdim))};
    }, true);
  }
  return out;
}

Tensor norm(const Tensor& a, const OptScalar& p_opt, const OptShape& dims, bool keepdim) {
  if (!is_floating(a.dtype()))
    runtime_error(str_cat("linalg.vector_norm: Expected a floating point or complex tensor as input. Got ",
                          dtype_legacy(a.dtype())));
  double p = p_opt ? p_opt->to_double() : 2.0;
  Shape d = dims ? *dims : Shape{};
  if (std::isinf(p)) return p > 0 ? amax(abs(a), d, keepdim) : amin(abs(a), d, keepdim);
  if (p == 2) return norm2(a, d, keepdim);
  if (p == 1) return sum_dim(abs(a), d, keepdim, std::nullopt);
  if (p == 0) return sum_dim(to_dtype(ne(a, scalar_tensor(Scalar(int64_t(0)))), a.dtype(), false), d, keepdim, std::nullopt);
  return pow(sum_dim(pow(abs(a), scalar_tensor(Scalar(p))), d, keepdim, std::nullopt), scalar_tensor(Scalar(1.0 / p)));
}

static Tensor bool_reduce(const Tensor& a, const Shape& dims, bool keepdim, bool is_all) {
  Plan p = plan(a, dims, keepdim);
  Tensor out = Tensor::empty(p.out_shape, DType::Bool);
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    reduce_rows<bool, scalar_t>(
        p, out, [is_all] { return is_all; },
        [is_all](bool& acc, scalar_t x) { acc = is_all ? (acc && bool(x)) : (acc || bool(x)); },
        [](bool acc, int64_t) { return acc; });
  });
  return out;
}
Tensor all(const Tensor& a) { return bool_reduce(a, {}, false, true); }
Tensor all_dim(const Tensor& a, int64_t dim, bool keepdim) { return bool_reduce(a, {dim}, keepdim, true); }
Tensor any(const Tensor& a) { return bool_reduce(a, {}, false, false); }
Tensor any_dim(const Tensor& a, int64_t dim, bool keepdim) { return bool_reduce(a, {dim}, keepdim, false); }

Tensor logsumexp(const Tensor& a, const Shape& dims, bool keepdim) {
  Tensor x = is_floating(a.dtype()) ? a : to_dtype(a, default_dtype(), false);
  Tensor m;
  {
    NoGradGuard no_grad;
    m = amax(x, dims, true);
    m = where(isnan(m), zeros_like(m, std::nullopt), m);
    Tensor inf_mask = eq(abs(m), scalar_tensor(Scalar(std::numeric_limits<double>::infinity())));
    m = where(inf_mask, zeros_like(m, std::nullopt), m);
  }
  Tensor s = log(sum_dim(exp(sub(x, m, Scalar(int64_t(1)))), dims, true, std::nullopt));
  Tensor out = add(s, m, Scalar(int64_t(1)));
  if (!keepdim) {
    Plan p = plan(a, dims, false);
    out = reshape(out, p.out_shape);
  }
  return out;
}

// Sums a broadcast gradient back to `shape` (leading dims and dims of size 1).
Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.sizes() == shape) return g;
  const int64_t lead = g.dim() - int64_t(shape.size());
  Shape dims;
  bool only_leading = true;  // every reduced dim is one of the leading dims `shape` lacks
  for (int64_t d = 0; d < g.dim(); ++d)
    if (d < lead || (shape[d - lead] == 1 && g.sizes()[d] != 1)) dims.push_back(d), only_leading = only_leading && d < lead;
  // Summing away just the leading dims (a bias's batch dim) gives `shape` itself: the same
  // sums without keepdim, and no reshape after.
  if (only_leading && !dims.empty()) return sum_dim(g, dims, false, std::nullopt);
  Tensor r = dims.empty() ? g : sum_dim(g, dims, true, std::nullopt);
  return reshape(r, shape);
}

}  // namespace janus::ops
