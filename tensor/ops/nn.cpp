// janus.nn.functional's ops, as composites of registered differentiable ops (so their
// gradients come from the registry, never from Python).
#include <cmath>
#include <limits>

#include "tensor/iter.h"
#include "tensor/simd_math.h"
#include "tensor/ops.h"

namespace janus::ops {

static const Scalar kOne(int64_t(1));

// softmax/log_softmax are primitives (one pass per row, numerically stable) with their own
// gradients: softmax: y * (g - sum(g * y)); log_softmax: g - exp(y) * sum(g).
static Tensor softmax_kernel(const Tensor& x, int64_t d, bool log) {
  const int64_t nd = x.dim();
  Shape perm;
  for (int64_t i = 0; i < nd; ++i) if (i != d) perm.push_back(i);
  perm.push_back(d);
  Shape inverse(nd);
  for (int64_t i = 0; i < nd; ++i) inverse[perm[i]] = i;
  Tensor moved = x.alias_with({}, {}, 0);
  {
    Shape sizes, strides;
    for (int64_t p : perm) sizes.push_back(x.sizes()[p]), strides.push_back(x.strides()[p]);
    moved = x.alias_with(sizes, strides, x.offset());
  }
  Tensor rows = moved.is_contiguous() ? moved : contiguous_copy(moved);
  Tensor out = Tensor::empty(rows.sizes(), x.dtype());
  const int64_t R = x.sizes()[d], M = R ? x.numel() / R : 0;
  JANUS_DISPATCH_FLOAT(x.dtype(), "softmax", [&]<class scalar_t>() {
    const scalar_t* src = rows.data<scalar_t>();
    scalar_t* dst = out.data<scalar_t>();
    for (int64_t m = 0; m < M; ++m) {
      const scalar_t* r = src + m * R;
      scalar_t* o = dst + m * R;
      scalar_t mx = r[0];
      for (int64_t i = 1; i < R; ++i) mx = r[i] > mx ? r[i] : mx;  // a NaN row stays NaN through exp below
      // Three simple loops the compiler vectorizes: exp (libmvec), a lane sum, a scale.
      for (int64_t i = 0; i < R; ++i) o[i] = std::exp(r[i] - mx);
      scalar_t lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t i = 0;
      for (; i + 8 <= R; i += 8)
        for (int k = 0; k < 8; ++k) lane[k] += o[i + k];
      double total = 0;
      for (int k = 0; k < 8; ++k) total += double(lane[k]);
      for (; i < R; ++i) total += double(o[i]);
      if (log) {
        scalar_t lse = scalar_t(std::log(total));
        for (int64_t j = 0; j < R; ++j) o[j] = r[j] - mx - lse;
      } else {
        scalar_t inv = scalar_t(1.0 / total);
        for (int64_t j = 0; j < R; ++j) o[j] *= inv;
      }
    }
  });
  Shape osz, ost;
  for (int64_t i = 0; i < nd; ++i) osz.push_back(out.sizes()[inverse[i]]), ost.push_back(out.strides()[inverse[i]]);
  Tensor result = out.alias_with(osz, ost, 0);
  result.impl()->view_base.reset();
  return result;
}

static Tensor softmax_impl(const Tensor& a, int64_t dim, OptDType dtype, bool log) {
  Tensor x = dtype ? to_dtype(a, *dtype, false) : a;
  const char* name = log ? "log_softmax_lastdim_kernel_impl" : "softmax_lastdim_kernel_impl";
  if (!is_floating(x.dtype())) runtime_error(str_cat("\"", name, "\" not implemented for '", dtype_legacy(x.dtype()), "'"));
  int64_t rd = x.wrap_dim(dim);
  if (x.dim() == 0) return log ? sub(x, x, kOne) : exp(sub(x, x, kOne));  // 0-d: 0 and 1, zero gradient
  Tensor out = x.numel() == 0 ? clone(x) : softmax_kernel(x, rd, log);
  if (needs_grad({&x})) {
    Saved so(out, true);
    record(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", {x}, {out}, [so, rd, log](const TensorList& g) {
      Tensor y = so.get();
      if (log) return TensorList{sub(g[0], mul(exp(y), sum_dim(g[0], {rd}, true, std::nullopt)), kOne)};
      return TensorList{mul(y, sub(g[0], sum_dim(mul(g[0], y), {rd}, true, std::nullopt), kOne))};
    }, true);
  }
  return out;
}

Tensor softmax(const Tensor& a, int64_t dim, OptDType dtype) { return softmax_impl(a, dim, dtype, false); }
Tensor log_softmax(const Tensor& a, int64_t dim, OptDType dtype) { return softmax_impl(a, dim, dtype, true); }

// Reduction codes as in PyTorch's C++ API: 0 none, 1 mean, 2 sum.
static Tensor reduce_loss(const Tensor& l, int64_t reduction) {
  if (reduction == 0) return l;
  if (reduction == 2) return sum(l, std::nullopt);
  return mean(l, std::nullopt);
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t reduction, int64_t ignore_index) {
  if (input.dim() < 1) runtime_error("input tensor should be 1D or 2D");
  if (target.dtype() != DType::Int64 && target.dtype() != DType::Int32)
    runtime_error(str_cat("expected scalar type Long but found ", dtype_legacy(target.dtype())));
  // Bring (N, C, d1, ...) and (C) to (M, C) rows with M targets.
  Tensor x = input, tg = target;
  if (input.dim() == 1) {
    if (target.dim() != 0 && !(target.dim() == 1 && target.sizes()[0] == 1))
      runtime_error(str_cat("Expected input batch_size (1) to match target batch_size (", target.numel(), ")."));
    x = unsqueeze(input, 0), tg = reshape(target, {1});
  } else {
    if (target.dim() == 0 || input.sizes()[0] != target.sizes()[0])
      runtime_error(str_cat("Expected input batch_size (", input.sizes()[0], ") to match target batch_size (",
                            target.dim() ? target.sizes()[0] : 0, ")."));
    if (input.dim() > 2) {
      Shape perm{0};
      for (int64_t d = 2; d < input.dim(); ++d) perm.push_back(d);
      perm.push_back(1);
      Shape expect_t(input.sizes());
      expect_t.erase(expect_t.begin() + 1);
      if (target.sizes() != expect_t)
        runtime_error(str_cat("size mismatch (got input: ", shape_str(input.sizes()), " , target: ", shape_str(target.sizes()), ")"));
      x = reshape(permute(input, perm), {-1, input.sizes()[1]});
      tg = reshape(target, {-1});
    } else if (target.dim() != 1) {
      runtime_error(str_cat("1D target tensor expected, multi-target not supported"));
    }
  }
  const int64_t C = x.sizes()[1];
  Tensor tl = cast(tg, DType::Int64);
  {
    const int64_t* tv = tl.data<int64_t>();
    for (int64_t i = 0; i < tl.numel(); ++i)
      if (tv[i] != ignore_index && (tv[i] < 0 || tv[i] >= C))
        fail(ErrorKind::Index, str_cat("Target ", tv[i], " is out of bounds."));
  }
  Tensor valid = ne(tl, scalar_tensor(Scalar(ignore_index)));
  Tensor safe = where(valid, tl, zeros({}, DType::Int64));
  Tensor picked = squeeze_dim(gather(x, 1, unsqueeze(safe, 1)), 1);
  Tensor w = to_dtype(valid, x.dtype(), false);
  if (weight.defined()) {
    if (weight.dim() != 1 || weight.numel() != C)
      runtime_error(str_cat("weight tensor should be defined either for all ", C, " classes or no classes but got weight tensor of shape: ", shape_str(weight.sizes())));
    w = mul(w, index_select(weight, 0, safe));
  }
  Tensor losses = neg(mul(picked, w));
  if (reduction == 0) return input.dim() == 1 ? reshape(losses, {}) : reshape(losses, target.sizes());
  if (reduction == 2) return sum(losses, std::nullopt);
  return div(sum(losses, std::nullopt), sum(w, std::nullopt));
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t reduction,
                     int64_t ignore_index, double label_smoothing) {
  int64_t class_dim = input.dim() == 1 ? 0 : 1;
  Tensor logp = log_softmax(input, class_dim, std::nullopt);
  if (is_floating(target.dtype())) {
    // Class probabilities as targets.
    if (target.sizes() != input.sizes())
      runtime_error(str_cat("Expected target size ", shape_str(input.sizes()), ", got ", shape_str(target.sizes())));
    Tensor t = target;
    const int64_t C = input.sizes()[class_dim];
    if (label_smoothing > 0)
      t = add(mul(t, scalar_tensor(Scalar(1 - label_smoothing))), scalar_tensor(Scalar(label_smoothing / C)), kOne);
    Tensor prod = mul(logp, t);
    if (weight.defined()) {
      Shape ws(input.dim(), 1);
      ws[class_dim] = C;
      prod = mul(prod, reshape(weight, ws));
    }
    Tensor l = neg(sum_dim(prod, {class_dim}, false, std::nullopt));
    if (reduction == 1) return div(sum(l, std::nullopt), scalar_tensor(Scalar(double(input.dim() == 1 ? 1 : input.numel() / C))));
    return reduce_loss(l, reduction);
  }
  Tensor nll = nll_loss(logp, target, weight, reduction, ignore_index);
  if (label_smoothing <= 0) return nll;
  if (weight.defined())
    fail(ErrorKind::NotImplemented, "cross_entropy with both weight and label_smoothing is not supported by Janus");
  const int64_t C = input.sizes()[class_dim];
  Tensor valid = ne(target, scalar_tensor(Scalar(ignore_index)));
  Tensor smooth = mul(neg(sum_dim(logp, {class_dim}, false, std::nullopt)), to_dtype(valid, logp.dtype(), false));
  Tensor sl;
  if (reduction == 0) sl = smooth;
  else if (reduction == 2) sl = sum(smooth, std::nullopt);
  else sl = div(sum(smooth, std::nullopt), sum(to_dtype(valid, logp.dtype(), false), std::nullopt));
  return add(mul(nll, scalar_tensor(Scalar(1 - label_smoothing))), mul(sl, scalar_tensor(Scalar(label_smoothing / C))), kOne);
}

static void check_loss_shapes(const Tensor& input, const Tensor& target) {
  broadcast_shape(input.sizes(), target.sizes());
}

// mse_loss and smooth_l1_loss are primitives, as in PyTorch: one elementwise pass (then the
// reduction) and one autograd node, with the arithmetic of torch 1.13's CPU kernels, so the
// losses and gradients are torch's bit for bit (smooth_l1 with a beta that is not a power of
// two: up to the few tail elements torch's scalar loop divides in double).
// Integer operands keep the composite path (and its errors).
template <class Fwd, class Bwd>
static Tensor pointwise_loss(const char* node, const Tensor& input, const Tensor& target, int64_t reduction,
                             double grad_scale, Fwd fwd, Bwd bwd) {
  const DType dt = result_type({input, target});
  const Shape shape = broadcast_shape(input.sizes(), target.sizes());
  Tensor out;
  {
    NoGradGuard no_grad;
    Tensor l = Tensor::empty(shape, dt);
    Tensor a = input.dtype() == dt ? input : cast(input, dt);
    Tensor b = target.dtype() == dt ? target : cast(target, dt);
    JANUS_DISPATCH_FLOAT(dt, node, [&]<class T>() { map2<T, T, T>(l, a, b, [&](T x, T y) { return T(fwd(x, y)); }); });
    out = reduce_loss(l, reduction);
  }
  if (needs_grad({&input, &target})) {
    Saved si(input), st(target);
    const bool gi = input.requires_grad(), gt = target.requires_grad();
    // d loss / d input per element is norm * f'(input - target) * grad (norm: 1/numel for mean).
    const double norm = reduction == 1 ? grad_scale / double(shape_numel(shape)) : grad_scale;
    record(node, {input, target}, {out}, [si, st, gi, gt, dt, shape, norm, bwd](const TensorList& g) {
      Tensor a = si.get(), b = st.get();
      if (a.dtype() != dt) a = cast(a, dt);
      if (b.dtype() != dt) b = cast(b, dt);
      Tensor go = g[0].dtype() == dt ? g[0] : cast(g[0], dt);
      // The target's gradient is the same function with the operands swapped (as in torch:
      // +0, not -0, where input == target).
      auto grad_of = [&](const Tensor& p, const Tensor& q) {
        Tensor grad = Tensor::empty(shape, dt);
        JANUS_DISPATCH_FLOAT(dt, "loss backward", [&]<class T>() { map3<T, T, T, T>(grad, p, q, go, bwd(T(norm))); });
        return grad;
      };
      return TensorList{gi ? grad_of(a, b) : Tensor(), gt ? grad_of(b, a) : Tensor()};
    }, true);
  }
  return out;
}

Tensor mse_loss(const Tensor& input, const Tensor& target, int64_t reduction) {
  check_loss_shapes(input, target);
  if (!is_floating(result_type({input, target}))) {
    Tensor d = sub(input, target, kOne);
    return reduce_loss(mul(d, d), reduction);
  }
  auto fwd = [](auto x, auto y) { auto d = x - y; return d * d; };
  auto bwd = [](auto norm) { return [norm](decltype(norm) x, decltype(norm) y, decltype(norm) g) { return norm * (x - y) * g; }; };
  return pointwise_loss("MseLossBackward0", input, target, reduction, 2.0, fwd, bwd);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, int64_t reduction) {
  check_loss_shapes(input, target);
  return reduce_loss(abs(sub(input, target, kOne)), reduction);  // a composite in torch 1.13 too
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, int64_t reduction, double beta) {
  if (beta < 0) runtime_error("smooth_l1_loss does not support negative values for beta.");
  if (beta == 0) return l1_loss(input, target, reduction);
  check_loss_shapes(input, target);
  if (!is_floating(result_type({input, target}))) {
    Tensor d = abs(sub(input, target, kOne));
    Tensor quad = div(mul(mul(d, d), scalar_tensor(Scalar(0.5))), scalar_tensor(Scalar(beta)));
    Tensor lin = sub(d, scalar_tensor(Scalar(0.5 * beta)), kOne);
    return reduce_loss(where(lt(d, scalar_tensor(Scalar(beta))), quad, lin), reduction);
  }
  auto fwd = [beta](auto x, auto y) {
    using T = decltype(x);
    const T b = T(beta), z = std::abs(x - y);
    return z < b ? T(0.5) * z * z / b : z - T(0.5) * b;
  };
  auto bwd = [beta](auto norm) {
    using T = decltype(norm);
    return [b = T(beta), norm](T x, T y, T g) {
      const T d = x - y;
      const T slope = std::abs(d) >= b ? (d > 0 ? T(1) : T(-1)) : d / b;
      return norm * slope * g;
    };
  };
  return pointwise_loss("SmoothL1LossBackward0", input, target, reduction, 1.0, fwd, bwd);
}

Tensor dropout(const Tensor& input, double p, bool train) {
  if (p < 0 || p > 1) runtime_error(str_cat("dropout probability has to be between 0 and 1, but got ", p));
  if (!train || p == 0) return input;
  if (p == 1) return mul(input, zeros_like(input, std::nullopt));
  Tensor mask = bernoulli_p(input, 1 - p);
  return mul(input, div(mask, scalar_tensor(Scalar(1 - p))));
}

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx) {
  if (indices.dtype() != DType::Int64 && indices.dtype() != DType::Int32)
    runtime_error(str_cat("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, "
                          "Int; but got torch.", dtype_legacy(indices.dtype()), "Tensor instead (while checking "
                          "arguments for embedding)"));
  if (weight.dim() != 2) runtime_error("'weight' must be 2-D");
  Tensor out = index_select(weight, 0, reshape(indices, {-1}));
  Shape shape = indices.sizes();
  shape.push_back(weight.sizes()[1]);
  out = reshape(out, shape);
  if (padding_idx >= 0 && out.requires_grad()) {
    Tensor pad = unsqueeze(eq(indices, scalar_tensor(Scalar(padding_idx))), -1);
    out = where(pad, detach(out), out);
  }
  return out;
}

Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias, double eps) {
  const int64_t k = int64_t(normalized_shape.size());
  bool ok = k >= 1 && k <= input.dim();
  for (int64_t i = 0; ok && i < k; ++i) ok = input.sizes()[input.dim() - k + i] == normalized_shape[i];
  if (!ok) {
    std::string tail = shape_str(normalized_shape);
    tail = tail.substr(1, tail.size() - 2);
    runtime_error(str_cat("Given normalized_shape=", shape_str(normalized_shape), ", expected input with shape [*, ",
                          tail, "], but got input of size", shape_str(input.sizes())));
  }
  Shape dims;
  for (int64_t i = input.dim() - k; i < input.dim(); ++i) dims.push_back(i);
  Tensor mu = mean_dim(input, dims, true, std::nullopt);
  Tensor c = sub(input, mu, kOne);
  Tensor v = mean_dim(mul(c, c), dims, true, std::nullopt);
  Tensor y = mul(c, rsqrt(add(v, scalar_tensor(Scalar(eps)), kOne)));
  if (weight.defined()) y = mul(y, weight);
  if (bias.defined()) y = add(y, bias, kOne);
  return y;
}

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  if (input.dim() == 2 && bias.defined()) return addmm(bias, input, t(weight), kOne, kOne);
  Tensor out = matmul(input, t(weight));
  if (bias.defined()) out = add(out, bias, kOne);
  return out;
}

}  // namespace janus::ops
