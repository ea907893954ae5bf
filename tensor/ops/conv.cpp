// Convolution as im2col + GEMM. Two primitives carry the sliding window and are each other's
// gradient: unfold2d (im2col: every window of an (N, C, H, W) input laid out as a column of an
// (N, C*kh*kw, oh*ow) matrix, positions outside the input reading a pad value) and fold2d
// (col2im: the columns summed back into the image, positions outside dropped). conv1d/conv2d
// are compositions of them with matmul (OpenBLAS), so their gradients come from the registry.
// Padding is given per side (top, left) with the output size, so asymmetric padding ('same'
// with an even kernel) and ceil_mode pooling windows need nothing special.
#include <algorithm>

#include "tensor/iter.h"
#include "tensor/ops.h"
#include "tensor/ops/window.h"

namespace janus::ops {

Window2d make_window(const Shape& kernel, const Shape& dilation, const Shape& padding, const Shape& stride,
                     const Shape& output_size, const char* op) {
  auto pair = [&](const Shape& s, const char* what) {
    if (s.size() != 2) runtime_error(str_cat(op, ": ", what, " must have 2 elements, got ", shape_str(s)));
    return s;
  };
  const Shape k = pair(kernel, "kernel_size"), d = pair(dilation, "dilation"), p = pair(padding, "padding"),
              s = pair(stride, "stride"), o = pair(output_size, "output_size");
  if (k[0] <= 0 || k[1] <= 0) runtime_error(str_cat(op, ": kernel size should be greater than zero, but got ", shape_str(k)));
  if (d[0] <= 0 || d[1] <= 0) runtime_error(str_cat(op, ": dilation should be greater than zero, but got ", shape_str(d)));
  if (s[0] <= 0 || s[1] <= 0) runtime_error(str_cat(op, ": stride should be greater than zero, but got ", shape_str(s)));
  if (p[0] < 0 || p[1] < 0) runtime_error(str_cat(op, ": padding should be non-negative, but got ", shape_str(p)));
  if (o[0] < 0 || o[1] < 0) runtime_error(str_cat(op, ": output size should be non-negative, but got ", shape_str(o)));
  return Window2d{k[0], k[1], d[0], d[1], p[0], p[1], s[0], s[1], o[0], o[1]};
}

namespace {

// cols[(c*kh + i)*kw + j][y*ow + x] = plane_c[y*sh - ph + i*dh][x*sw - pw + j*dw], or pad.
template <class T> void unfold_plane(const T* plane, T* cols, int64_t H, int64_t W, const Window2d& w, T pad,
                                     int64_t c) {
  const int64_t L = w.oh * w.ow;
  for (int64_t i = 0; i < w.kh; ++i)
    for (int64_t j = 0; j < w.kw; ++j) {
      T* row = cols + ((c * w.kh + i) * w.kw + j) * L;
      for (int64_t y = 0; y < w.oh; ++y) {
        const int64_t iy = y * w.sh - w.ph + i * w.dh;
        T* r = row + y * w.ow;
        if (iy < 0 || iy >= H) {
          for (int64_t x = 0; x < w.ow; ++x) r[x] = pad;
          continue;
        }
        const T* src = plane + iy * W;
        for (int64_t x = 0; x < w.ow; ++x) {
          const int64_t ix = x * w.sw - w.pw + j * w.dw;
          r[x] = (ix >= 0 && ix < W) ? src[ix] : pad;
        }
      }
    }
}

// The adjoint of unfold_plane: each column entry is added to the input position it was read from.
template <class T> void fold_plane(const T* cols, T* plane, int64_t H, int64_t W, const Window2d& w, int64_t c) {
  const int64_t L = w.oh * w.ow;
  for (int64_t i = 0; i < w.kh; ++i)
    for (int64_t j = 0; j < w.kw; ++j) {
      const T* row = cols + ((c * w.kh + i) * w.kw + j) * L;
      for (int64_t y = 0; y < w.oh; ++y) {
        const int64_t iy = y * w.sh - w.ph + i * w.dh;
        if (iy < 0 || iy >= H) continue;
        T* dst = plane + iy * W;
        const T* r = row + y * w.ow;
        for (int64_t x = 0; x < w.ow; ++x) {
          const int64_t ix = x * w.sw - w.pw + j * w.dw;
          if (ix >= 0 && ix < W) dst[ix] += r[x];
        }
      }
    }
}

void check_image(const Tensor& t, const char* op, const char* what) {
  if (t.dim() != 4) runtime_error(str_cat(op, ": expected a 4-D ", what, ", got ", t.dim(), "-D of size ", shape_str(t.sizes())));
}

}  // namespace

Tensor unfold2d(const Tensor& input, const Shape& kernel, const Shape& dilation, const Shape& padding,
                const Shape& stride, const Shape& output_size, double pad_value) {
  check_image(input, "im2col", "input (N, C, H, W)");
  const Window2d w = make_window(kernel, dilation, padding, stride, output_size, "im2col");
  const int64_t N = input.sizes()[0], C = input.sizes()[1], H = input.sizes()[2], W = input.sizes()[3];
  Tensor x = input.is_contiguous() ? input : contiguous_copy(input);
  Tensor out = Tensor::empty({N, C * w.kh * w.kw, w.oh * w.ow}, input.dtype());
  JANUS_DISPATCH_FLOAT(input.dtype(), "im2col", [&]<class scalar_t>() {
    const scalar_t* src = x.data<scalar_t>();
    scalar_t* dst = out.data<scalar_t>();
    const int64_t image = C * H * W, column_block = C * w.kh * w.kw * w.oh * w.ow;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c)
        unfold_plane<scalar_t>(src + n * image + c * H * W, dst + n * column_block, H, W, w, scalar_t(pad_value), c);
  });
  if (needs_grad({&input})) {
    record("Im2ColBackward0", {input}, {out}, [=](const TensorList& g) {
      return TensorList{fold2d(g[0], {H, W}, kernel, dilation, padding, stride, output_size)};
    }, false);
  }
  return out;
}

Tensor fold2d(const Tensor& cols, const Shape& input_size, const Shape& kernel, const Shape& dilation,
              const Shape& padding, const Shape& stride, const Shape& output_size) {
  const Window2d w = make_window(kernel, dilation, padding, stride, output_size, "col2im");
  if (input_size.size() != 2) runtime_error(str_cat("col2im: output_size must have 2 elements, got ", shape_str(input_size)));
  const int64_t H = input_size[0], W = input_size[1], K = w.kh * w.kw, L = w.oh * w.ow;
  if (cols.dim() != 3 || cols.sizes()[1] % K != 0 || cols.sizes()[2] != L)
    runtime_error(str_cat("col2im: expected an (N, C*", K, ", ", L, ") input, got size ", shape_str(cols.sizes())));
  const int64_t N = cols.sizes()[0], C = cols.sizes()[1] / K;
  Tensor src = cols.is_contiguous() ? cols : contiguous_copy(cols);
  Tensor out = zeros({N, C, H, W}, cols.dtype());
  JANUS_DISPATCH_FLOAT(cols.dtype(), "col2im", [&]<class scalar_t>() {
    const scalar_t* s = src.data<scalar_t>();
    scalar_t* d = out.data<scalar_t>();
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c) fold_plane<scalar_t>(s + n * C * K * L, d + (n * C + c) * H * W, H, W, w, c);
  });
  if (needs_grad({&cols})) {
    record("Col2ImBackward0", {cols}, {out}, [=](const TensorList& g) {
      return TensorList{unfold2d(g[0], kernel, dilation, padding, stride, output_size, 0.0)};
    }, false);
  }
  return out;
}

// ---- convolution ----------------------------------------------------------------------------------
constexpr int64_t kColumnBytes = int64_t(4) << 20;  // im2col bytes per batch chunk

// padding: {top, left} (the bottom/right padding follows from the output size) or
// {top, bottom, left, right}. The checks and messages are torch 1.13's.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups) {
  const bool batched = input.dim() == 4;
  if (input.dim() != 3 && input.dim() != 4)
    runtime_error(str_cat("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: ",
                          shape_str(input.sizes())));
  if (weight.dim() != 4)
    runtime_error(str_cat("weight should have at least three dimensions"));
  if (input.dtype() != weight.dtype() || (bias.defined() && bias.dtype() != input.dtype()))
    runtime_error(str_cat("expected scalar type ", dtype_legacy(input.dtype()), " but found ",
                          dtype_legacy(input.dtype() != weight.dtype() ? weight.dtype() : bias.dtype())));
  if (!is_floating(input.dtype()))
    runtime_error(str_cat("\"slow_conv2d_cpu\" not implemented for '", dtype_legacy(input.dtype()), "'"));
  if (groups <= 0) runtime_error("non-positive groups is not supported");
  Tensor x = batched ? input : unsqueeze(input, 0);
  const int64_t N = x.sizes()[0], C = x.sizes()[1], H = x.sizes()[2], W = x.sizes()[3];
  const int64_t O = weight.sizes()[0], Cg = weight.sizes()[1], kh = weight.sizes()[2], kw = weight.sizes()[3];
  if (C != Cg * groups)
    runtime_error(str_cat("Given groups=", groups, ", weight of size ", shape_str(weight.sizes()), ", expected input",
                          shape_str(x.sizes()), " to have ", Cg * groups, " channels, but got ", C, " channels instead"));
  if (O % groups != 0)
    runtime_error(str_cat("Given groups=", groups, ", expected weight to be divisible by ", groups,
                          " at dimension 0, but got weight of size ", shape_str(weight.sizes()), " instead"));
  if (bias.defined() && (bias.dim() != 1 || bias.sizes()[0] != O))
    runtime_error(str_cat("Given weight of size ", shape_str(weight.sizes()), ", expected bias to be 1-dimensional with ",
                          O, " elements, but got bias of size ", shape_str(bias.sizes()), " instead"));
  if (stride.size() != 2 || dilation.size() != 2 || (padding.size() != 2 && padding.size() != 4))
    runtime_error("conv2d: stride and dilation take 2 values, padding 2 or 4");
  const int64_t pt = padding[0], pb = padding.size() == 4 ? padding[1] : padding[0];
  const int64_t pl = padding.size() == 4 ? padding[2] : padding[1], pr = padding.size() == 4 ? padding[3] : padding[1];
  for (int64_t v : stride) if (v <= 0) runtime_error("non-positive stride is not supported");
  for (int64_t v : dilation) if (v <= 0) runtime_error("dilation should be greater than zero");
  for (int64_t v : padding) if (v < 0) runtime_error("negative padding is not supported");
  const int64_t eh = dilation[0] * (kh - 1) + 1, ew = dilation[1] * (kw - 1) + 1;  // effective kernel
  if (H + pt + pb < eh || W + pl + pr < ew)
    runtime_error(str_cat("Calculated padded input size per channel: (", H + pt + pb, " x ", W + pl + pr,
                          "). Kernel size: (", eh, " x ", ew, "). Kernel size can't be greater than actual input size"));
  const int64_t oh = (H + pt + pb - eh) / stride[0] + 1, ow = (W + pl + pr - ew) / stride[1] + 1;
  // The column matrix of a whole batch can be tens of MB, which the allocator maps and the kernel
  // page-faults afresh on every call; batches of a few MB of columns each stay in cached memory.
  const int64_t per_sample = C * kh * kw * oh * ow * int64_t(dtype_size(x.dtype()));
  const int64_t chunk_samples = std::max<int64_t>(1, kColumnBytes / std::max<int64_t>(per_sample, 1));
  if (N > chunk_samples) {
    TensorList outs;
    for (const Tensor& part : split(x, chunk_samples, 0))
      outs.push_back(conv2d(part, weight, bias, stride, padding, dilation, groups));
    return cat(outs, 0);
  }
  Tensor cols = unfold2d(x, {kh, kw}, dilation, {pt, pl}, stride, {oh, ow}, 0.0);  // (N, C*kh*kw, L)
  Tensor out;
  if (groups == 1) {
    out = matmul(reshape(weight, {O, C * kh * kw}), cols);  // (N, O, L)
  } else {
    Tensor w = reshape(weight, {groups, O / groups, Cg * kh * kw});
    out = matmul(w, reshape(cols, {N, groups, Cg * kh * kw, oh * ow}));  // (N, G, O/G, L)
  }
  out = reshape(out, {N, O, oh * ow});
  // The bias as a contiguous (O, L) plane: broadcasting it over the batch alone takes the
  // elementwise engine's row fast path (a stride-0 innermost dim does not).
  if (bias.defined()) out = add(out, contiguous(expand(reshape(bias, {O, 1}), {O, oh * ow})), Scalar(int64_t(1)));
  out = reshape(out, {N, O, oh, ow});
  return batched ? out : squeeze_dim(out, 0);
}

// conv1d: conv2d over a height of 1. padding: {left} or {left, right}.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups) {
  if (input.dim() != 2 && input.dim() != 3)
    runtime_error(str_cat("Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: ",
                          shape_str(input.sizes())));
  if (weight.dim() != 3) runtime_error("weight should have at least three dimensions");
  if (stride.size() != 1 || dilation.size() != 1 || (padding.size() != 1 && padding.size() != 2))
    runtime_error("conv1d: stride and dilation take 1 value, padding 1 or 2");
  const bool batched = input.dim() == 3;
  Tensor x = unsqueeze(batched ? input : unsqueeze(input, 0), 2);  // (N, C, 1, L)
  if (weight.sizes()[1] * groups != x.sizes()[1])
    runtime_error(str_cat("Given groups=", groups, ", weight of size ", shape_str(weight.sizes()), ", expected input",
                          shape_str(batched ? input.sizes() : unsqueeze(input, 0).sizes()), " to have ",
                          weight.sizes()[1] * groups, " channels, but got ", x.sizes()[1], " channels instead"));
  const int64_t left = padding[0], right = padding.size() == 2 ? padding[1] : padding[0];
  Tensor out = conv2d(x, unsqueeze(weight, 2), bias, {1, stride[0]}, {0, 0, left, right}, {1, dilation[0]}, groups);
  out = squeeze_dim(out, 2);
  return batched ? out : squeeze_dim(out, 0);
}

}  // namespace janus::ops
