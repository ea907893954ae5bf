// A 2-d sliding window over the last two dims of an (N, C, H, W) tensor: what im2col/col2im
// (tensor/ops/conv.cpp) walk, and what convolution and pooling describe.
#pragma once
#include "tensor/core.h"

namespace janus::ops {

struct Window2d {
  int64_t kh, kw;  // kernel
  int64_t dh, dw;  // dilation
  int64_t ph, pw;  // padding before the first row/column (the rest follows from oh/ow)
  int64_t sh, sw;  // stride
  int64_t oh, ow;  // output size
};

// Checks each list has 2 positive (padding: non-negative) values; messages name `op`.
Window2d make_window(const Shape& kernel, const Shape& dilation, const Shape& padding, const Shape& stride,
                     const Shape& output_size, const char* op);

}  // namespace janus::ops
