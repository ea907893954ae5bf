// Pooling as compositions of registered ops: max_pool2d and avg_pool2d reduce the windows that
// unfold2d (im2col, tensor/ops/conv.cpp) lays out as columns, adaptive_avg_pool2d multiplies by
// averaging matrices. Their gradients are those of unfold2d, max_dim, sum_dim and matmul. Output
// sizes, ceil_mode and the average's divisor follow torch 1.13's pooling_output_shape and CPU
// kernels.
#include <cmath>
#include <limits>

#include "tensor/ops.h"

namespace janus::ops {

namespace {

// torch's pooling_output_shape (floor or ceil division; a ceil window must start inside the
// input or its left padding).
int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dilation, bool ceil_mode) {
  const int64_t num = in + 2 * pad - dilation * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) --out;
  return out;
}

struct Pool2dShape {
  Tensor x;  // the input as (N, C, H, W)
  bool batched;
  int64_t N, C, H, W, oh, ow;
};

Pool2dShape pool2d_shape(const Tensor& input, const char* op, const Shape& kernel, const Shape& stride,
                         const Shape& padding, const Shape& dilation, bool ceil_mode) {
  if (input.dim() != 3 && input.dim() != 4)
    runtime_error(str_cat("non-empty 3D or 4D (batch mode) tensor expected for input, got size ", shape_str(input.sizes())));
  if (!is_floating(input.dtype()))
    runtime_error(str_cat("\"", op, "\" not implemented for '", dtype_legacy(input.dtype()), "'"));
  if (kernel.size() != 2 || stride.size() != 2 || padding.size() != 2 || dilation.size() != 2)
    runtime_error(str_cat(op, ": kernel_size, stride, padding and dilation must have 2 elements"));
  if (kernel[0] <= 0 || kernel[1] <= 0)
    runtime_error(str_cat("kernel size should be greater than zero, but got kH: ", kernel[0], " kW: ", kernel[1]));
  if (stride[0] <= 0 || stride[1] <= 0)
    runtime_error(str_cat("stride should be greater than zero, but got dH: ", stride[0], " dW: ", stride[1]));
  if (dilation[0] <= 0 || dilation[1] <= 0)
    runtime_error(str_cat("dilation should be greater than zero, but got dilationH: ", dilation[0], " dilationW: ", dilation[1]));
  if (padding[0] < 0 || padding[1] < 0 || kernel[1] / 2 < padding[1] || kernel[0] / 2 < padding[0])
    runtime_error(str_cat("pad should be smaller than or equal to half of kernel size, but got padW = ", padding[1],
                          ", padH = ", padding[0], ", kW = ", kernel[1], ", kH = ", kernel[0]));
  Pool2dShape s;
  s.batched = input.dim() == 4;
  s.x = s.batched ? input : unsqueeze(input, 0);
  s.N = s.x.sizes()[0], s.C = s.x.sizes()[1], s.H = s.x.sizes()[2], s.W = s.x.sizes()[3];
  if (s.C == 0 || s.H == 0 || s.W == 0)
    runtime_error(str_cat("Expected input's non-batch dimensions to have positive length, but input has a shape of ",
                          shape_str(input.sizes())));
  s.oh = pooled_size(s.H, kernel[0], padding[0], stride[0], dilation[0], ceil_mode);
  s.ow = pooled_size(s.W, kernel[1], padding[1], stride[1], dilation[1], ceil_mode);
  if (s.oh < 1 || s.ow < 1)
    runtime_error(str_cat("Given input size: (", s.C, "x", s.H, "x", s.W, "). Calculated output size: (", s.C, "x",
                          s.oh, "x", s.ow, "). Output size is too small"));
  return s;
}

Tensor finish(const Pool2dShape& s, const Tensor& out) { return s.batched ? out : squeeze_dim(out, 0); }

// The (out, in) matrix whose row i averages input positions [floor(i*in/out), ceil((i+1)*in/out)).
Tensor adaptive_average_matrix(int64_t out, int64_t in, DType dtype) {
  Tensor m = zeros({out, in}, DType::Float64);
  double* p = m.data<double>();
  for (int64_t i = 0; i < out; ++i) {
    const int64_t start = (i * in) / out, end = ((i + 1) * in + out - 1) / out;
    for (int64_t j = start; j < end; ++j) p[i * in + j] = 1.0 / double(end - start);
  }
  return to_dtype(m, dtype, false);
}

}  // namespace

Tensor max_pool2d(const Tensor& input, const Shape& kernel, const Shape& stride, const Shape& padding,
                  const Shape& dilation, bool ceil_mode) {
  const Shape st = stride.empty() ? kernel : stride;
  Pool2dShape s = pool2d_shape(input, "max_pool2d", kernel, st, padding, dilation, ceil_mode);
  Tensor cols = unfold2d(s.x, kernel, dilation, padding, st, {s.oh, s.ow}, -std::numeric_limits<double>::infinity());
  Tensor windows = reshape(cols, {s.N, s.C, kernel[0] * kernel[1], s.oh * s.ow});
  return finish(s, reshape(std::get<0>(max_dim(windows, 2, false)), {s.N, s.C, s.oh, s.ow}));
}

// torch's divisor: the window clipped to the padded input (count_include_pad) or to the input.
Tensor avg_pool2d(const Tensor& input, const Shape& kernel, const Shape& stride, const Shape& padding,
                  bool ceil_mode, bool count_include_pad, OptInt divisor_override) {
  const Shape st = stride.empty() ? kernel : stride;
  Pool2dShape s = pool2d_shape(input, "avg_pool2d", kernel, st, padding, {1, 1}, ceil_mode);
  if (divisor_override && *divisor_override == 0) runtime_error("divisor must be not zero");
  Tensor divisor = Tensor::empty({s.oh, s.ow}, s.x.dtype());
  JANUS_DISPATCH_FLOAT(s.x.dtype(), "avg_pool2d", [&]<class scalar_t>() {
    scalar_t* d = divisor.data<scalar_t>();
    for (int64_t y = 0; y < s.oh; ++y)
      for (int64_t x = 0; x < s.ow; ++x) {
        int64_t h0 = y * st[0] - padding[0], w0 = x * st[1] - padding[1];
        int64_t h1 = std::min(h0 + kernel[0], s.H + padding[0]), w1 = std::min(w0 + kernel[1], s.W + padding[1]);
        const int64_t pool_size = (h1 - h0) * (w1 - w0);
        h0 = std::max<int64_t>(h0, 0), w0 = std::max<int64_t>(w0, 0);
        h1 = std::min(h1, s.H), w1 = std::min(w1, s.W);
        int64_t n = divisor_override ? *divisor_override : count_include_pad ? pool_size : (h1 - h0) * (w1 - w0);
        d[y * s.ow + x] = scalar_t(n > 0 ? n : 1);  // an empty window sums to 0: keep it 0
      }
  });
  Tensor cols = unfold2d(s.x, kernel, {1, 1}, padding, st, {s.oh, s.ow}, 0.0);
  Tensor sums = sum_dim(reshape(cols, {s.N, s.C, kernel[0] * kernel[1], s.oh * s.ow}), {2}, false, std::nullopt);
  return finish(s, div(reshape(sums, {s.N, s.C, s.oh, s.ow}), divisor));
}

Tensor adaptive_avg_pool2d(const Tensor& input, const Shape& output_size) {
  if (output_size.size() != 2) runtime_error("adaptive_avg_pool2d: output_size must be 2");
  if (input.dim() != 3 && input.dim() != 4)
    runtime_error(str_cat("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ", shape_str(input.sizes())));
  for (int64_t i = input.dim() - 2; i < input.dim(); ++i)  // torch lets the channel dim be empty
    if (input.sizes()[i] == 0)
      runtime_error(str_cat("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, "
                            "but input has sizes ", shape_str(input.sizes()), " with dimension ", i, " being empty"));
  if (output_size[0] < 0 || output_size[1] < 0)
    runtime_error(str_cat("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {",
                          output_size[0], ", ", output_size[1], "}"));
  if (!is_floating(input.dtype()))
    runtime_error(str_cat("\"adaptive_avg_pool2d\" not implemented for '", dtype_legacy(input.dtype()), "'"));
  const int64_t H = input.sizes()[input.dim() - 2], W = input.sizes()[input.dim() - 1];
  Tensor rows = adaptive_average_matrix(output_size[0], H, input.dtype());           // (oh, H)
  Tensor cols = transpose(adaptive_average_matrix(output_size[1], W, input.dtype()), 0, 1);  // (W, ow)
  return matmul(matmul(rows, input), cols);
}

}  // namespace janus::ops
