// Autograd for tensors on a device: the registry ops the examples train with, each running a
// raw device kernel (which records nothing) and recording a node whose backward is written in
// those same raw kernels. Composite ops (losses, linear, embedding, stack) are written in the
// recorded ops below, so their gradients follow. Templated on the kernel set K:
//   gpu/cuda_autograd.cpp    K = the CUDA kernels (_janus_cuda)
//   gpu/fake_device.cpp      K = the CPU kernels on host memory that claims to be cuda:0
//                            (_janus_fake_cuda, tests only): every formula here runs, and is
//                            checked against torch, on a machine without a GPU.
// K provides, with ops:: signatures, every op of JANUS_DEVICE_RAW_OPS (kernels that refuse a
// tensor needing grad), plus empty(), gather_rows(), scatter_add_rows_() and to_host().
// Backward runs with grad mode off (create_graph=True through a device op raises).
#pragma once
#include <algorithm>
#include <tuple>

#include "tensor/device_ops.h"
#include "tensor/ops.h"

namespace janus::gpu {

// Raw kernels a device backend registers under its ops:: name (no autograd: a tensor that
// needs grad is refused by the kernel, unless the layer below wraps the op).
#define JANUS_DEVICE_RAW_OPS(_)                                                                              \
  _(add) _(sub) _(rsub) _(mul) _(div) _(maximum) _(minimum) _(pow) _(eq) _(ne) _(lt) _(le) _(gt) _(ge)          \
  _(neg) _(abs) _(relu) _(exp) _(log) _(sqrt) _(rsqrt) _(reciprocal) _(sin) _(cos) _(tanh) _(sigmoid)          \
  _(to_dtype) _(contiguous) _(clone) _(fill_) _(zero_) _(copy_)                                               \
  _(sum) _(sum_dim) _(mean) _(mean_dim) _(max_all) _(min_all) _(amax) _(amin) _(softmax) _(log_softmax)        \
  _(mm) _(bmm) _(addmm) _(matmul)

// Ops with gradients on the device (this file), registered over the raw kernels of the same
// name. Views reuse the CPU's view functions (they touch no data) with a device backward.
#define JANUS_DEVICE_GRAD_OPS(_)                                                                             \
  _(add) _(sub) _(rsub) _(mul) _(div) _(pow) _(neg) _(abs) _(relu) _(exp) _(log) _(sqrt) _(rsqrt)             \
  _(reciprocal) _(sin) _(cos) _(tanh) _(sigmoid) _(to_dtype) _(contiguous) _(clone)                           \
  _(sum) _(sum_dim) _(mean) _(mean_dim) _(softmax) _(log_softmax) _(mm) _(bmm) _(addmm) _(matmul)             \
  _(clamp) _(norm) _(dot) _(cat) _(stack) _(reshape) _(reshape_as) _(view_as) _(index_select) _(linear)       \
  _(nll_loss) _(cross_entropy) _(mse_loss) _(smooth_l1_loss) _(embedding) _(dropout)                          \
  _(add_) _(sub_) _(mul_) _(div_) _(addcmul_) _(addcdiv_) _(sqrt_) _(clamp_) _(relu_)                          \
  _(ones_like) _(zeros_like) _(sum_to) _(to_float) _(to_double) _(uniform_) _(normal_)
#define JANUS_DEVICE_VIEW_OPS(_) \
  _(view) _(permute) _(transpose) _(t) _(squeeze) _(squeeze_dim) _(unsqueeze) _(select) _(slice) _(narrow)
#define JANUS_DEVICE_MULTI_VIEW_OPS(_) _(split) _(split_sizes) _(chunk)

template <class K>
struct DeviceAutograd {
  using OptDType = ops::OptDType;
  using OptScalar = ops::OptScalar;
  using OptShape = ops::OptShape;

  // ---- helpers -------------------------------------------------------------------------------
  template <class F, class... A>
  static auto raw(F f, const A&... args) {
    NoGradGuard no_grad;
    return f(args...);
  }
  static Tensor num(double v) { return ops::scalar_tensor(Scalar(v)); }  // a Python number: 0-d, yields in promotion
  static bool is_one(const Scalar& s) { return s.to_double() == 1.0; }
  template <class F>
  static BackwardFn backward(const char* name, F f) {
    return [name, f](const TensorList& g) -> TensorList {
      if (grad_enabled())
        fail(ErrorKind::NotImplemented, str_cat("Janus does not support create_graph=True through ", name,
                                                " on a cuda tensor yet"));
      return f(g);
    };
  }
  static Tensor zeros(const Shape& sizes, DType dtype, Device d) {
    Tensor z = K::empty(sizes, dtype, d);
    K::zero_(z);
    return z;
  }
  static Tensor view_nograd(const Tensor& a, const Shape& s) { return raw(&ops::view, a, s); }
  // The gradient that flows back through a reduction over `mask`'s dims of a `sizes` input.
  static Tensor expand_back(Tensor g, const Shape& sizes, const std::vector<bool>& mask, bool keepdim) {
    NoGradGuard no_grad;
    if (!keepdim)
      for (size_t d = 0; d < sizes.size(); ++d)
        if (mask[d]) g = ops::unsqueeze(g, int64_t(d));
    return ops::expand(g, sizes);
  }
  static std::vector<bool> reduce_mask(const Tensor& a, const Shape& dims) {
    std::vector<bool> mask(size_t(a.dim()), dims.empty());
    for (int64_t d : dims) mask[size_t(a.wrap_dim(d))] = true;
    return mask;
  }
  // Reads the (int64, contiguous) index on the host: an index out of range is PyTorch's
  // IndexError, never a read out of bounds on the device.
  static void check_index_range(const Tensor& index, int64_t size) {
    Tensor host = raw(&ops::contiguous, K::to_host(index));
    const int64_t* p = static_cast<const int64_t*>(host.raw());
    for (int64_t i = 0; i < host.numel(); ++i)
      if (p[i] < 0 || p[i] >= size) fail(ErrorKind::Index, "index out of range in self");
  }
  [[noreturn]] static void index_error(const std::string& msg) { fail(ErrorKind::Index, msg); }

  // ---- elementwise -----------------------------------------------------------------------------
  static Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
    Tensor out = raw(K::add, a, b, alpha);
    if (needs_grad({&a, &b}))
      record("AddBackward0", {a, b}, {out}, backward("add", [alpha](const TensorList& g) {
        return TensorList{g[0], is_one(alpha) ? g[0] : K::mul(g[0], num(alpha.to_double()))};
      }), false);
    return out;
  }
  static Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
    Tensor out = raw(K::sub, a, b, alpha);
    if (needs_grad({&a, &b}))
      record("SubBackward0", {a, b}, {out}, backward("sub", [alpha](const TensorList& g) {
        return TensorList{g[0], K::mul(g[0], num(-alpha.to_double()))};
      }), false);
    return out;
  }
  static Tensor rsub(const Tensor& a, const Tensor& b, const Scalar& alpha) { return sub(b, a, alpha); }
  static Tensor mul(const Tensor& a, const Tensor& b) {
    Tensor out = raw(K::mul, a, b);
    if (needs_grad({&a, &b})) {
      Saved sa(a), sb(b);
      bool ga = a.requires_grad(), gb = b.requires_grad();
      record("MulBackward0", {a, b}, {out}, backward("mul", [sa, sb, ga, gb](const TensorList& g) {
        return TensorList{ga ? K::mul(g[0], sb.get()) : Tensor(), gb ? K::mul(g[0], sa.get()) : Tensor()};
      }), true);
    }
    return out;
  }
  static Tensor div(const Tensor& a, const Tensor& b) {
    Tensor out = raw(K::div, a, b);
    if (needs_grad({&a, &b})) {
      Saved sa(a), sb(b);
      bool ga = a.requires_grad(), gb = b.requires_grad();
      record("DivBackward0", {a, b}, {out}, backward("div", [sa, sb, ga, gb](const TensorList& g) {
        Tensor bv = sb.get();
        return TensorList{ga ? K::div(g[0], bv) : Tensor(),
                          gb ? K::neg(K::div(K::mul(g[0], sa.get()), K::mul(bv, bv))) : Tensor()};
      }), true);
    }
    return out;
  }
  static Tensor pow(const Tensor& a, const Tensor& b) {
    Tensor out = raw(K::pow, a, b);
    if (needs_grad({&a, &b})) {
      Saved sa(a), sb(b), so(out, true);
      bool ga = a.requires_grad(), gb = b.requires_grad();
      record("PowBackward1", {a, b}, {out}, backward("pow", [sa, sb, so, ga, gb](const TensorList& g) {
        Tensor av = sa.get(), bv = sb.get(), ga_t, gb_t;
        if (ga) {
          if (bv.device().is_cpu()) {  // a Python number (or 0-d CPU tensor) exponent: exact on the host
            double e = bv.item().to_double();
            ga_t = e == 0.0 ? K::mul(g[0], num(0.0)) : K::mul(K::mul(g[0], num(e)), K::pow(av, num(e - 1.0)));
          } else {
            ga_t = K::mul(K::mul(g[0], bv), K::pow(av, K::sub(bv, num(1.0), Scalar(int64_t(1)))));
          }
        }
        if (gb) {  // d/db a^b = a^b log a, taken as 0 where a == 0 and b >= 0 (PyTorch's mask)
          Tensor grad = K::mul(K::mul(g[0], so.get()), K::log(av));
          Tensor keep = K::to_dtype(K::ne(av, num(0.0)), grad.dtype(), false);
          gb_t = K::mul(grad, keep);
        }
        return TensorList{ga_t, gb_t};
      }), true);
    }
    return out;
  }

  // Unary ops whose gradient is g * f(a, out).
  template <class F>
  static Tensor unary(const char* name, const char* node, Tensor (*kernel)(const Tensor&), const Tensor& a, F grad) {
    Tensor out = raw(kernel, a);
    if (needs_grad({&a})) {
      Saved sa(a), so(out, true);
      record(node, {a}, {out}, backward(name, [sa, so, grad](const TensorList& g) {
        return TensorList{grad(g[0], sa, so)};
      }), true);
    }
    return out;
  }
  static Tensor neg(const Tensor& a) {
    return unary("neg", "NegBackward0", K::neg, a, [](const Tensor& g, const Saved&, const Saved&) { return K::neg(g); });
  }
  static Tensor sign_of(const Tensor& a, DType dt) {
    return K::sub(K::to_dtype(K::gt(a, num(0.0)), dt, false), K::to_dtype(K::lt(a, num(0.0)), dt, false),
                  Scalar(int64_t(1)));
  }
  static Tensor abs(const Tensor& a) {
    return unary("abs", "AbsBackward0", K::abs, a,
                 [](const Tensor& g, const Saved& sa, const Saved&) { return K::mul(g, sign_of(sa.get(), g.dtype())); });
  }
  static Tensor relu(const Tensor& a) {
    return unary("relu", "ReluBackward0", K::relu, a, [](const Tensor& g, const Saved&, const Saved& so) {
      return K::mul(g, K::to_dtype(K::gt(so.get(), num(0.0)), g.dtype(), false));
    });
  }
  static Tensor exp(const Tensor& a) {
    return unary("exp", "ExpBackward0", K::exp, a,
                 [](const Tensor& g, const Saved&, const Saved& so) { return K::mul(g, so.get()); });
  }
  static Tensor log(const Tensor& a) {
    return unary("log", "LogBackward0", K::log, a,
                 [](const Tensor& g, const Saved& sa, const Saved&) { return K::div(g, sa.get()); });
  }
  static Tensor sqrt(const Tensor& a) {
    return unary("sqrt", "SqrtBackward0", K::sqrt, a,
                 [](const Tensor& g, const Saved&, const Saved& so) { return K::div(g, K::mul(so.get(), num(2.0))); });
  }
  static Tensor rsqrt(const Tensor& a) {  // d/da a^-1/2 = -1/2 out^3
    return unary("rsqrt", "RsqrtBackward0", K::rsqrt, a, [](const Tensor& g, const Saved&, const Saved& so) {
      Tensor o = so.get();
      return K::mul(K::mul(g, num(-0.5)), K::mul(K::mul(o, o), o));
    });
  }
  static Tensor reciprocal(const Tensor& a) {
    return unary("reciprocal", "ReciprocalBackward0", K::reciprocal, a, [](const Tensor& g, const Saved&, const Saved& so) {
      Tensor o = so.get();
      return K::neg(K::mul(g, K::mul(o, o)));
    });
  }
  static Tensor sin(const Tensor& a) {
    return unary("sin", "SinBackward0", K::sin, a,
                 [](const Tensor& g, const Saved& sa, const Saved&) { return K::mul(g, K::cos(sa.get())); });
  }
  static Tensor cos(const Tensor& a) {
    return unary("cos", "CosBackward0", K::cos, a,
                 [](const Tensor& g, const Saved& sa, const Saved&) { return K::neg(K::mul(g, K::sin(sa.get()))); });
  }
  static Tensor tanh(const Tensor& a) {  // 1 - out^2
    return unary("tanh", "TanhBackward0", K::tanh, a, [](const Tensor& g, const Saved&, const Saved& so) {
      Tensor o = so.get();
      return K::mul(g, K::rsub(K::mul(o, o), num(1.0), Scalar(int64_t(1))));
    });
  }
  static Tensor sigmoid(const Tensor& a) {  // out (1 - out)
    return unary("sigmoid", "SigmoidBackward0", K::sigmoid, a, [](const Tensor& g, const Saved&, const Saved& so) {
      Tensor o = so.get();
      return K::mul(K::mul(g, o), K::rsub(o, num(1.0), Scalar(int64_t(1))));
    });
  }
  static Tensor identity_grad(const char* node, const Tensor& a, const Tensor& out) {
    if (needs_grad({&a}) && is_floating(a.dtype()))
      record(node, {a}, {out}, backward(node, [](const TensorList& g) { return TensorList{g[0]}; }), false);
    return out;
  }
  static Tensor to_dtype(const Tensor& a, DType dtype, bool copy) {
    Tensor out = raw(K::to_dtype, a, dtype, copy);
    if (out.same(a)) return out;
    return identity_grad("ToCopyBackward0", a, out);  // the engine casts the gradient back
  }
  static Tensor to_float(const Tensor& a) { return to_dtype(a, DType::Float32, false); }
  static Tensor to_double(const Tensor& a) { return to_dtype(a, DType::Float64, false); }
  static Tensor contiguous(const Tensor& a) {
    if (a.is_contiguous()) return a;
    return identity_grad("CloneBackward0", a, raw(K::contiguous, a));
  }
  static Tensor clone(const Tensor& a) { return identity_grad("CloneBackward0", a, raw(K::clone, a)); }
  static Tensor clamp(const Tensor& a, const OptScalar& min, const OptScalar& max) {
    if (!min && !max) runtime_error("torch.clamp: At least one of 'min' or 'max' must not be None");
    Tensor out = a;
    {
      NoGradGuard no_grad;
      if (min) out = K::maximum(out, num(min->to_double()));
      if (max) out = K::minimum(out, num(max->to_double()));
      if (out.same(a)) out = K::clone(a);
    }
    if (needs_grad({&a})) {
      Saved sa(a);
      record("ClampBackward1", {a}, {out}, backward("clamp", [sa, min, max](const TensorList& g) {
        Tensor x = sa.get(), keep = g[0];
        if (min) keep = K::mul(keep, K::to_dtype(K::ge(x, num(min->to_double())), g[0].dtype(), false));
        if (max) keep = K::mul(keep, K::to_dtype(K::le(x, num(max->to_double())), g[0].dtype(), false));
        return TensorList{keep};
      }), true);
    }
    return out;
  }

  // ---- reductions ------------------------------------------------------------------------------
  static Tensor sum(const Tensor& a, OptDType dtype) {
    Tensor out = raw(K::sum, a, dtype);
    if (needs_grad({&a})) {
      Shape sizes = a.sizes();
      record("SumBackward0", {a}, {out}, backward("sum", [sizes](const TensorList& g) {
        return TensorList{raw(&ops::expand, g[0], sizes)};
      }), false);
    }
    return out;
  }
  static Tensor sum_dim(const Tensor& a, const Shape& dims, bool keepdim, OptDType dtype) {
    Tensor out = raw(K::sum_dim, a, dims, keepdim, dtype);
    if (needs_grad({&a})) {
      Shape sizes = a.sizes();
      std::vector<bool> mask = reduce_mask(a, dims);
      record("SumBackward1", {a}, {out}, backward("sum", [sizes, mask, keepdim](const TensorList& g) {
        return TensorList{expand_back(g[0], sizes, mask, keepdim)};
      }), false);
    }
    return out;
  }
  static Tensor mean(const Tensor& a, OptDType dtype) {
    Tensor out = raw(K::mean, a, dtype);
    if (needs_grad({&a})) {
      Shape sizes = a.sizes();
      double n = double(a.numel());
      record("MeanBackward0", {a}, {out}, backward("mean", [sizes, n](const TensorList& g) {
        return TensorList{raw(&ops::expand, K::div(g[0], num(n)), sizes)};
      }), false);
    }
    return out;
  }
  static Tensor mean_dim(const Tensor& a, const Shape& dims, bool keepdim, OptDType dtype) {
    Tensor out = raw(K::mean_dim, a, dims, keepdim, dtype);
    if (needs_grad({&a})) {
      Shape sizes = a.sizes();
      std::vector<bool> mask = reduce_mask(a, dims);
      double n = 1;
      for (size_t d = 0; d < sizes.size(); ++d) if (mask[d]) n *= double(sizes[d]);
      record("MeanBackward1", {a}, {out}, backward("mean", [sizes, mask, keepdim, n](const TensorList& g) {
        return TensorList{expand_back(K::div(g[0], num(n)), sizes, mask, keepdim)};
      }), false);
    }
    return out;
  }
  static Tensor softmax(const Tensor& a, int64_t dim, OptDType dtype) {
    Tensor out = raw(K::softmax, a, dim, dtype);
    if (needs_grad({&a})) {
      Saved so(out, true);
      int64_t w = a.dim() ? a.wrap_dim(dim) : 0;
      record("SoftmaxBackward0", {a}, {out}, backward("softmax", [so, w](const TensorList& g) {
        Tensor y = so.get();
        Tensor dot = K::sum_dim(K::mul(g[0], y), Shape{w}, true, std::nullopt);
        return TensorList{K::mul(y, K::sub(g[0], dot, Scalar(int64_t(1))))};
      }), true);
    }
    return out;
  }
  static Tensor log_softmax(const Tensor& a, int64_t dim, OptDType dtype) {
    Tensor out = raw(K::log_softmax, a, dim, dtype);
    if (needs_grad({&a})) {
      Saved so(out, true);
      int64_t w = a.dim() ? a.wrap_dim(dim) : 0;
      record("LogSoftmaxBackward0", {a}, {out}, backward("log_softmax", [so, w](const TensorList& g) {
        Tensor total = K::sum_dim(g[0], Shape{w}, true, std::nullopt);
        return TensorList{K::sub(g[0], K::mul(K::exp(so.get()), total), Scalar(int64_t(1)))};
      }), true);
    }
    return out;
  }
  static Tensor norm(const Tensor& a, const OptScalar& p, const OptShape& dims, bool keepdim) {
    double order = p ? p->to_double() : 2.0;
    if (order != 2.0)
      fail(ErrorKind::NotImplemented, str_cat("Janus has no cuda kernel for norm with p=", order, " yet (only p=2)"));
    Tensor squares = mul(a, a);
    return sqrt(dims ? sum_dim(squares, *dims, keepdim, std::nullopt) : sum(squares, std::nullopt));
  }
  static Tensor dot(const Tensor& a, const Tensor& b) {
    if (a.dim() != 1 || b.dim() != 1)
      runtime_error(str_cat("1D tensors expected, but got ", a.dim(), "D and ", b.dim(), "D tensors"));
    if (a.numel() != b.numel())
      runtime_error(str_cat("inconsistent tensor size, expected tensor [", a.numel(), "] and src [", b.numel(),
                            "] to have the same number of elements, but got ", a.numel(), " and ", b.numel(),
                            " elements respectively"));
    return sum(mul(a, b), std::nullopt);
  }
  // The engine's reduction of a broadcast gradient to its input's shape.
  static Tensor sum_to(const Tensor& g, const Shape& shape) {
    if (g.sizes() == shape) return g;
    int64_t lead = g.dim() - int64_t(shape.size());
    Shape dims;
    for (int64_t d = 0; d < g.dim(); ++d)
      if (d < lead || (shape[size_t(d - lead)] == 1 && g.sizes()[size_t(d)] != 1)) dims.push_back(d);
    Tensor r = dims.empty() ? g : sum_dim(g, dims, true, std::nullopt);
    return lead > 0 || r.sizes() != shape ? reshape(r, shape) : r;
  }

  // ---- matrix products -------------------------------------------------------------------------
  static Tensor tr(const Tensor& a) { return raw(&ops::t, a); }
  static Tensor mm(const Tensor& a, const Tensor& b) {
    Tensor out = raw(K::mm, a, b);
    if (needs_grad({&a, &b})) {
      Saved sa(a), sb(b);
      bool ga = a.requires_grad(), gb = b.requires_grad();
      record("MmBackward0", {a, b}, {out}, backward("mm", [sa, sb, ga, gb](const TensorList& g) {
        return TensorList{ga ? K::mm(g[0], tr(sb.get())) : Tensor(), gb ? K::mm(tr(sa.get()), g[0]) : Tensor()};
      }), true);
    }
    return out;
  }
  static Tensor bmm(const Tensor& a, const Tensor& b) {
    Tensor out = raw(K::bmm, a, b);
    if (needs_grad({&a, &b})) {
      Saved sa(a), sb(b);
      bool ga = a.requires_grad(), gb = b.requires_grad();
      record("BmmBackward0", {a, b}, {out}, backward("bmm", [sa, sb, ga, gb](const TensorList& g) {
        auto bt = [](const Tensor& x) { return raw(&ops::transpose, x, int64_t(1), int64_t(2)); };
        return TensorList{ga ? K::bmm(g[0], bt(sb.get())) : Tensor(), gb ? K::bmm(bt(sa.get()), g[0]) : Tensor()};
      }), true);
    }
    return out;
  }
  static Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
    Tensor out = raw(K::addmm, self, m1, m2, beta, alpha);
    if (needs_grad({&self, &m1, &m2})) {
      Saved s1(m1), s2(m2);
      bool g1 = m1.requires_grad(), g2 = m2.requires_grad();
      double be = beta.to_double(), al = alpha.to_double();
      record("AddmmBackward0", {self, m1, m2}, {out}, backward("addmm", [s1, s2, g1, g2, be, al](const TensorList& g) {
        auto scaled = [](Tensor t, double s) { return s == 1.0 ? t : K::mul(t, num(s)); };
        return TensorList{scaled(g[0], be), g1 ? scaled(K::mm(g[0], tr(s2.get())), al) : Tensor(),
                          g2 ? scaled(K::mm(tr(s1.get()), g[0]), al) : Tensor()};
      }), true);
    }
    return out;
  }
  static Tensor matmul(const Tensor& a, const Tensor& b) {
    if (a.dim() == 2 && b.dim() == 2) return mm(a, b);
    if (a.dim() == 3 && b.dim() == 3) return bmm(a, b);
    if (a.dim() > 2 && b.dim() == 2) {  // (..., k) @ (k, n): one mm over the flattened rows
      Shape out_sizes(a.sizes().begin(), a.sizes().end() - 1);
      out_sizes.push_back(b.size(1));
      return reshape(mm(reshape(a, {-1, a.size(-1)}), b), out_sizes);
    }
    if (needs_grad({&a, &b}))
      fail(ErrorKind::NotImplemented, str_cat("Janus has no cuda gradient for matmul of ", a.dim(), "-D and ", b.dim(),
                                              "-D tensors yet"));
    return raw(K::matmul, a, b);  // the kernel's own shape rules and errors
  }
  static Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) {
    Tensor wt = t(weight);
    if (input.dim() == 2 && bias.defined()) return addmm(bias, input, wt, Scalar(int64_t(1)), Scalar(int64_t(1)));
    Tensor out = matmul(input, wt);
    return bias.defined() ? add(out, bias, Scalar(int64_t(1))) : out;
  }

  // ---- views and joins -------------------------------------------------------------------------
  // Gradient of a view: zeros over the span of the input's elements, the view's gradient
  // copied into the elements the view covers (no element twice: expand has its own).
  struct Layout {
    Shape sizes, strides;
    int64_t offset;
  };
  static int64_t extent(const Layout& l) {
    int64_t e = 1;
    for (size_t d = 0; d < l.sizes.size(); ++d) {
      if (l.sizes[d] == 0) return 0;
      e += (l.sizes[d] - 1) * l.strides[d];
    }
    return e;
  }
  static Tensor view_grad(const TensorList& grads, const Layout& in, const std::vector<Layout>& outs, DType dtype,
                          Device device) {
    Tensor buffer = zeros({extent(in)}, dtype, device);
    for (size_t i = 0; i < outs.size(); ++i) {
      if (!grads[i].defined()) continue;
      Tensor slot = buffer.alias_with(outs[i].sizes, outs[i].strides, outs[i].offset - in.offset);
      K::copy_(slot, grads[i]);
    }
    return buffer.alias_with(in.sizes, in.strides, 0);
  }
  static Layout layout(const Tensor& t) { return {t.sizes(), t.strides(), t.offset()}; }
  static void record_view(const char* node, const Tensor& a, const TensorList& outs) {
    if (!needs_grad({&a})) return;
    Layout in = layout(a);
    std::vector<Layout> out_layouts;
    for (const Tensor& o : outs) out_layouts.push_back(layout(o));
    DType dtype = a.dtype();
    Device device = a.device();
    record(node, {a}, outs, backward(node, [in, out_layouts, dtype, device](const TensorList& g) {
      return TensorList{view_grad(g, in, out_layouts, dtype, device)};
    }), false);
  }
  // An input whose elements share memory (an expanded tensor: stride 0) cannot take its
  // gradient through one buffer: a view of it that needs grad is taken of a contiguous copy.
  static bool overlapping(const Tensor& a) {
    for (int64_t d = 0; d < a.dim(); ++d)
      if (a.strides()[size_t(d)] == 0 && a.sizes()[size_t(d)] > 1) return true;
    return false;
  }
  template <class R, class... A>
  static R view_call(const char* node, R (*fn)(const Tensor&, A...), const Tensor& a, A... rest) {
    if (!needs_grad({&a})) return raw(fn, a, rest...);
    Tensor base = overlapping(a) ? identity_grad("CloneBackward0", a, raw(K::clone, a)) : a;
    R out = raw(fn, base, rest...);
    if constexpr (std::is_same_v<R, Tensor>) record_view(node, base, {out});
    else record_view(node, base, out);
    return out;
  }
  template <auto Fn> struct View;
  template <class... A, Tensor (*Fn)(const Tensor&, A...)> struct View<Fn> {
    static Tensor call(const Tensor& a, A... rest) { return view_call<Tensor, A...>("ViewBackward0", Fn, a, rest...); }
  };
  template <auto Fn> struct MultiView;
  template <class... A, TensorList (*Fn)(const Tensor&, A...)> struct MultiView<Fn> {
    static TensorList call(const Tensor& a, A... rest) {
      return view_call<TensorList, A...>("SplitBackward0", Fn, a, rest...);
    }
  };
  static Tensor t(const Tensor& a) { return View<&ops::t>::call(a); }
  static Tensor expand(const Tensor& a, const Shape& size) {
    Tensor out = raw(&ops::expand, a, size);
    if (needs_grad({&a})) {
      Shape sizes = a.sizes();
      record("ExpandBackward0", {a}, {out}, backward("expand", [sizes](const TensorList& g) {
        return TensorList{sum_to(g[0], sizes)};
      }), false);
    }
    return out;
  }
  static Tensor expand_as(const Tensor& a, const Tensor& other) { return expand(a, other.sizes()); }
  static Tensor reshape(const Tensor& a, const Shape& size) {
    return View<&ops::view>::call(contiguous(a), size);
  }
  static Tensor reshape_as(const Tensor& a, const Tensor& other) { return reshape(a, other.sizes()); }
  static Tensor view_as(const Tensor& a, const Tensor& other) { return View<&ops::view>::call(a, other.sizes()); }
  static Tensor cat(const TensorList& ts, int64_t dim) {
    TensorList parts;
    for (const Tensor& t : ts)
      if (!(t.dim() == 1 && t.numel() == 0)) parts.push_back(t);  // legacy empty tensors join anything
    if (parts.empty()) return raw(&ops::cat, ts, dim);              // the CPU's errors and empty result
    const Tensor& first = parts[0];
    int64_t d = first.wrap_dim(dim);
    Shape shape = first.sizes();
    shape[size_t(d)] = 0;
    for (const Tensor& t : parts) {
      if (t.dim() != first.dim())
        runtime_error(str_cat("Tensors must have same number of dimensions: got ", first.dim(), " and ", t.dim()));
      for (int64_t k = 0; k < t.dim(); ++k)
        if (k != d && t.sizes()[size_t(k)] != first.sizes()[size_t(k)])
          runtime_error(str_cat("Sizes of tensors must match except in dimension ", d, ". Expected size ",
                                first.sizes()[size_t(k)], " but got size ", t.sizes()[size_t(k)],
                                " for tensor number 1 in the list."));
      shape[size_t(d)] += t.sizes()[size_t(d)];
    }
    Device device;
    for (const Tensor& t : parts) if (!t.device().is_cpu()) device = t.device();
    Tensor out = K::empty(shape, ops::result_type(parts), device);
    Shape lengths;
    {
      NoGradGuard no_grad;
      int64_t at = 0;
      for (const Tensor& t : parts) {
        int64_t n = t.sizes()[size_t(d)];
        K::copy_(ops::narrow(out, d, at, n), t);
        lengths.push_back(n);
        at += n;
      }
    }
    if (needs_grad(parts))
      record("CatBackward0", parts, {out}, backward("cat", [d, lengths](const TensorList& g) {
        TensorList grads;
        int64_t at = 0;
        for (int64_t n : lengths) grads.push_back(raw(&ops::narrow, g[0], d, at, n)), at += n;
        return grads;
      }), false);
    return out;
  }
  static Tensor stack(const TensorList& ts, int64_t dim) {
    if (ts.empty()) runtime_error("stack expects a non-empty TensorList");
    int64_t d = dim < 0 ? dim + ts[0].dim() + 1 : dim;
    TensorList parts;
    for (const Tensor& t : ts) parts.push_back(View<&ops::unsqueeze>::call(t, d));
    return cat(parts, d);
  }
  // Rows of `a` along dim 0 (other dims through a transpose): out[i] = a[index[i]].
  static Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index) {
    if (index.dim() > 1) runtime_error("index_select(): Index is supposed to be a vector");
    if (index.dtype() != DType::Int64 && index.dtype() != DType::Int32)
      runtime_error("index_select(): Expected dtype int32/int64 for index");
    int64_t d = a.dim() ? a.wrap_dim(dim) : 0;
    if (d != 0) {
      Tensor moved = View<&ops::transpose>::call(a, int64_t(0), d);
      return View<&ops::transpose>::call(index_select(moved, 0, index), int64_t(0), d);
    }
    Tensor on = index.device() == a.device() ? index : K::to_device(index, a.device());  // a 0-d CPU index
    Tensor idx = raw(K::to_dtype, on.dim() == 0 ? view_nograd(on, {1}) : on, DType::Int64, false);
    idx = raw(K::contiguous, idx);
    int64_t rows = a.dim() ? a.size(0) : 1;
    check_index_range(idx, rows);
    Tensor src = raw(K::contiguous, a);
    int64_t row_length = rows ? a.numel() / rows : 0;
    Shape out_shape = a.sizes();
    if (a.dim() == 0) out_shape = {};
    else out_shape[0] = idx.numel();
    if (index.dim() == 0 && a.dim() > 0) out_shape[0] = 1;
    Tensor out = K::gather_rows(view_nograd(src, {rows, row_length}), idx);
    out = view_nograd(out, out_shape);
    if (needs_grad({&a})) {
      Shape sizes = a.sizes();
      DType dtype = a.dtype();
      Device device = a.device();
      record("IndexSelectBackward0", {a}, {out}, backward("index_select", [idx, sizes, rows, row_length, dtype, device](
                                                                             const TensorList& g) {
        Tensor grad = zeros({rows, row_length}, dtype, device);
        Tensor src_rows = view_nograd(raw(K::contiguous, g[0]), {idx.numel(), row_length});
        K::scatter_add_rows_(grad, idx, src_rows);
        return TensorList{view_nograd(grad, sizes)};
      }), false);
    }
    return out;
  }

  // ---- losses and layers (composites of the ops above) ------------------------------------------
  static Tensor reduce_loss(const Tensor& l, int64_t reduction) {
    if (reduction == 0) return l;
    if (reduction == 2) return sum(l, std::nullopt);
    return mean(l, std::nullopt);
  }
  static Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t reduction,
                         int64_t ignore_index) {
    if (weight.defined())
      fail(ErrorKind::NotImplemented, "Janus has no cuda kernel for nll_loss with a class weight yet");
    if (input.dim() < 1 || input.dim() > 2)
      fail(ErrorKind::NotImplemented, str_cat("Janus's cuda nll_loss takes 1-D or 2-D input (got ", input.dim(), "-D)"));
    if (is_floating(target.dtype()) || target.dtype() == DType::Bool)
      runtime_error(str_cat("expected scalar type Long but found ", dtype_legacy(target.dtype())));
    bool batched = input.dim() == 2;
    int64_t n = batched ? input.size(0) : 1, classes = input.size(-1);
    if ((batched && (target.dim() != 1 || target.size(0) != n)) || (!batched && target.dim() != 0))
      runtime_error(str_cat("Expected input batch_size (", n, ") to match target batch_size (",
                            target.dim() ? target.size(0) : 1, ")."));
    // The targets are read on the host once: their range is checked (an out-of-range class is
    // PyTorch's error, never a silent zero) and the flat positions input[i, t_i] are made there.
    Tensor host = raw(&ops::contiguous, raw(&ops::to_dtype, K::to_host(target), DType::Int64, false));
    const int64_t* t = static_cast<const int64_t*>(host.raw());
    Tensor pos = ops::empty({n}, DType::Int64), keep = ops::empty({n}, input.dtype() == DType::Float64 ? DType::Float64 : DType::Float32);
    int64_t valid = 0;
    for (int64_t i = 0; i < n; ++i) {
      bool ignored = t[i] == ignore_index;
      if (!ignored && (t[i] < 0 || t[i] >= classes)) index_error(str_cat("Target ", t[i], " is out of bounds."));
      static_cast<int64_t*>(pos.raw())[i] = i * classes + (ignored ? 0 : t[i]);
      if (keep.dtype() == DType::Float64) static_cast<double*>(keep.raw())[i] = ignored ? 0.0 : 1.0;
      else static_cast<float*>(keep.raw())[i] = ignored ? 0.0f : 1.0f;
      valid += !ignored;
    }
    Device device = input.device();
    Tensor picked = index_select(reshape(input, {n * classes}), 0, K::to_device(pos, device));
    Tensor losses = neg(mul(picked, K::to_device(keep, device)));
    if (reduction == 0) return batched ? losses : reshape(losses, {});
    Tensor total = sum(losses, std::nullopt);
    return reduction == 2 ? total : div(total, num(double(valid)));
  }
  static Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t reduction,
                              int64_t ignore_index, double label_smoothing) {
    if (label_smoothing != 0.0)
      fail(ErrorKind::NotImplemented, "Janus has no cuda kernel for cross_entropy with label_smoothing yet");
    if (is_floating(target.dtype()))
      fail(ErrorKind::NotImplemented, "Janus has no cuda kernel for cross_entropy with class probabilities yet");
    return nll_loss(log_softmax(input, input.dim() == 1 ? 0 : 1, std::nullopt), target, weight, reduction, ignore_index);
  }
  static void check_same_shape(const Tensor& input, const Tensor& target, const char* name) {
    if (input.sizes() != target.sizes())
      fail(ErrorKind::NotImplemented, str_cat("Janus's cuda ", name, " needs input and target of one shape (got ",
                                              shape_str(input.sizes()), " and ", shape_str(target.sizes()), ")"));
  }
  static Tensor mse_loss(const Tensor& input, const Tensor& target, int64_t reduction) {
    check_same_shape(input, target, "mse_loss");
    Tensor d = sub(input, target, Scalar(int64_t(1)));
    return reduce_loss(mul(d, d), reduction);
  }
  static Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, int64_t reduction, double beta) {
    check_same_shape(input, target, "smooth_l1_loss");
    if (beta < 0) runtime_error("smooth_l1_loss does not support negative values for beta.");
    Tensor d = sub(input, target, Scalar(int64_t(1)));
    Tensor ad = abs(d);
    if (beta == 0.0) return reduce_loss(ad, reduction);
    Tensor quadratic_mask = raw(K::to_dtype, raw(K::lt, ad, num(beta)), d.dtype(), false);
    Tensor linear_mask = raw(K::rsub, quadratic_mask, num(1.0), Scalar(int64_t(1)));
    Tensor quadratic = mul(mul(d, d), num(0.5 / beta));
    Tensor linear_part = sub(ad, num(0.5 * beta), Scalar(int64_t(1)));
    return reduce_loss(add(mul(quadratic, quadratic_mask), mul(linear_part, linear_mask), Scalar(int64_t(1))),
                       reduction);
  }
  static Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx) {
    if (padding_idx >= 0 && needs_grad({&weight}))
      fail(ErrorKind::NotImplemented, "Janus has no cuda kernel for embedding with padding_idx (and grad) yet");
    if (indices.dtype() != DType::Int64 && indices.dtype() != DType::Int32)
      runtime_error(str_cat("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                            "Long, Int; but got ", dtype_legacy(indices.dtype()), " instead (while checking "
                            "arguments for embedding)"));
    Shape out_shape = indices.sizes();
    out_shape.push_back(weight.size(1));
    Tensor flat = reshape(indices, {indices.numel()});
    return reshape(index_select(weight, 0, flat), out_shape);
  }
  static Tensor dropout(const Tensor& input, double p, bool train) {
    if (p < 0 || p > 1) runtime_error(str_cat("dropout probability has to be between 0 and 1, but got ", p));
    if (!train || p == 0.0) return train ? clone(input) : input;
    fail(ErrorKind::NotImplemented, "Janus has no cuda kernel for dropout with p > 0 yet (no device RNG)");
  }

  // ---- in place (optimizers, clipping): no gradient history on the device yet -----------------
  static Tensor assign(const char* name, const Tensor& self, const Tensor& result, std::initializer_list<const Tensor*> others) {
    if (grad_enabled() && (self.requires_grad() || needs_grad(others)))
      fail(ErrorKind::NotImplemented, str_cat("Janus does not record autograd for in-place ", name,
                                              " on a cuda tensor yet; use torch.no_grad()"));
    if (is_floating(result.dtype()) && !is_floating(self.dtype()))
      runtime_error(str_cat("result type ", dtype_legacy(result.dtype()), " can't be cast to the desired output type ",
                            dtype_legacy(self.dtype())));
    if (result.sizes() != self.sizes())
      runtime_error(str_cat("output with shape ", shape_str(self.sizes()), " doesn't match the broadcast shape ",
                            shape_str(result.sizes())));
    K::copy_(self, result);
    return self;
  }
  static Tensor add_(const Tensor& self, const Tensor& other, const Scalar& alpha) {
    return assign("add_", self, raw(K::add, self, other, alpha), {&other});
  }
  static Tensor sub_(const Tensor& self, const Tensor& other, const Scalar& alpha) {
    return assign("sub_", self, raw(K::sub, self, other, alpha), {&other});
  }
  static Tensor mul_(const Tensor& self, const Tensor& other) { return assign("mul_", self, raw(K::mul, self, other), {&other}); }
  static Tensor div_(const Tensor& self, const Tensor& other) { return assign("div_", self, raw(K::div, self, other), {&other}); }
  static Tensor addcmul_(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
    return assign("addcmul_", self, raw(K::add, self, raw(K::mul, t1, t2), value), {&t1, &t2});
  }
  static Tensor addcdiv_(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
    return assign("addcdiv_", self, raw(K::add, self, raw(K::div, t1, t2), value), {&t1, &t2});
  }
  static Tensor sqrt_(const Tensor& self) { return assign("sqrt_", self, raw(K::sqrt, self), {}); }
  static Tensor relu_(const Tensor& self) { return assign("relu_", self, raw(K::relu, self), {}); }
  static Tensor clamp_(const Tensor& self, const OptScalar& min, const OptScalar& max) {
    Tensor result;
    {
      NoGradGuard no_grad;
      result = clamp(self, min, max);
    }
    return assign("clamp_", self, result, {});
  }

  // ---- random fills (nn.init): drawn by the CPU generator, then copied --------------------------
  // One stream of random numbers for every device, as rand/randn(device=...) do today.
  template <class F>
  static Tensor random_fill(const char* name, const Tensor& self, F draw) {
    if (grad_enabled() && self.requires_grad())
      runtime_error("a leaf Variable that requires grad is being used in an in-place operation.");
    Tensor host = ops::empty(self.sizes(), self.dtype());
    {
      NoGradGuard no_grad;
      draw(host);
      K::copy_(self, host);
    }
    (void)name;
    return self;
  }
  static Tensor uniform_(const Tensor& self, double a, double b) {
    return random_fill("uniform_", self, [&](const Tensor& h) { ops::uniform_(h, a, b); });
  }
  static Tensor normal_(const Tensor& self, double mean, double std) {
    return random_fill("normal_", self, [&](const Tensor& h) { ops::normal_(h, mean, std); });
  }

  // ---- factories the engine uses ----------------------------------------------------------------
  static Tensor ones_like(const Tensor& a, OptDType dtype) {
    Tensor out = K::empty(a.sizes(), dtype ? *dtype : a.dtype(), a.device());
    K::fill_(out, ops::scalar_tensor(Scalar(int64_t(1))));
    return out;
  }
  static Tensor zeros_like(const Tensor& a, OptDType dtype) { return zeros(a.sizes(), dtype ? *dtype : a.dtype(), a.device()); }
};

// Registers for device `type` the raw kernels of K, then the recorded ops over them.
template <class K>
void register_device_autograd(DeviceType type) {
  using G = DeviceAutograd<K>;
#define JANUS_REG_RAW(op)                                                                 \
  static_assert(std::is_same_v<decltype(&::janus::ops::op), std::decay_t<decltype(K::op)>>, \
                "a raw kernel must have its op's exact C++ type");                          \
  register_device_op(type, #op, reinterpret_cast<ErasedOp>(K::op));
  JANUS_DEVICE_RAW_OPS(JANUS_REG_RAW)
#undef JANUS_REG_RAW
#define JANUS_REG_GRAD(op) JANUS_REGISTER_DEVICE_OP(type, op, G::op);
  JANUS_DEVICE_GRAD_OPS(JANUS_REG_GRAD)
  JANUS_REG_GRAD(expand) JANUS_REG_GRAD(expand_as)
#undef JANUS_REG_GRAD
#define JANUS_REG_VIEW(op) JANUS_REGISTER_DEVICE_OP(type, op, G::template View<&ops::op>::call);
  JANUS_DEVICE_VIEW_OPS(JANUS_REG_VIEW)
#undef JANUS_REG_VIEW
#define JANUS_REG_MULTI(op) JANUS_REGISTER_DEVICE_OP(type, op, G::template MultiView<&ops::op>::call);
  JANUS_DEVICE_MULTI_VIEW_OPS(JANUS_REG_MULTI)
#undef JANUS_REG_MULTI
}

}  // namespace janus::gpu
