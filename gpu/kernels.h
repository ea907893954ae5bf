// CUDA kernels' launch interface: plain types only (no janus headers), so kernels.cu is the
// one translation unit nvcc compiles. Every launch takes a stream, never synchronizes the
// host, and returns the launch's cudaError_t as an int (0 = success) for the caller to
// report with its op's name: this is the launch path a CUDA-graph capture records.
#pragma once
#include <cstdint>

namespace janus::gpu::kernels {

constexpr int kMaxDims = 8;
// Dtype codes: janus::DType's order (Bool, Int32, Int64, Float32, Float64).
enum Code : int { kBool = 0, kInt32 = 1, kInt64 = 2, kFloat32 = 3, kFloat64 = 4 };

// A strided operand: `data` points at its first element; sizes/strides in elements. For a
// binary op's operand, data == nullptr means a host scalar passed by value in `value` (a
// Python number: no copy to the device, and a CUDA graph captures it as a kernel argument).
struct Operand {
  const void* data = nullptr;
  int dtype = kFloat32;
  int ndim = 0;
  int64_t sizes[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};
  double value = 0;
};

// Binary ops: name, expression of a, b (and alpha), whether the result is bool.
#define JANUS_CUDA_BINARY_OPS(_)                        \
  _(add, a + alpha * b, false)                          \
  _(sub, a - alpha * b, false)                          \
  _(mul, a * b, false)                                  \
  _(div, a / b, false)                                  \
  _(maximum, (a != a || a > b) ? a : b, false)          \
  _(minimum, (a != a || a < b) ? a : b, false)          \
  _(pow, power(a, b), false)                            \
  _(eq, a == b, true)                                   \
  _(ne, a != b, true)                                   \
  _(lt, a < b, true)                                    \
  _(le, a <= b, true)                                   \
  _(gt, a > b, true)                                    \
  _(ge, a >= b, true)

// Unary ops: name, expression of a in compute type T; R is T, or double for integer T (the host
// gives floating ops floating compute types; R only keeps other instantiations compiling).
#define JANUS_CUDA_UNARY_OPS(_)                   \
  _(neg, -a)                                      \
  _(abs, a < T(0) ? -a : a)                       \
  _(relu, (a > T(0) || a != a) ? a : T(0))        \
  _(exp, exp(R(a)))                                  \
  _(log, log(R(a)))                                  \
  _(sqrt, sqrt(R(a)))                                \
  _(rsqrt, T(1) / sqrt(R(a)))                        \
  _(reciprocal, T(1) / a)                         \
  _(sin, sin(R(a)))                                  \
  _(cos, cos(R(a)))                                  \
  _(tanh, tanh(R(a)))                                \
  _(sigmoid, T(1) / (T(1) + exp(-R(a))))             \
  _(copy, a)

enum class BinaryOp : int {
#define JANUS_CUDA_ENUM(name, expr, is_bool) name,
  JANUS_CUDA_BINARY_OPS(JANUS_CUDA_ENUM)
#undef JANUS_CUDA_ENUM
};
enum class UnaryOp : int {
#define JANUS_CUDA_ENUM(name, expr) name,
  JANUS_CUDA_UNARY_OPS(JANUS_CUDA_ENUM)
#undef JANUS_CUDA_ENUM
};

enum class ReduceOp : int { sum, mean, max, min };

// out (contiguous, out_dtype, n elements) = op(a, b) computed in compute_dtype; a and b are
// already broadcast to out's shape (stride 0 where broadcast).
int binary(BinaryOp op, void* out, int out_dtype, int compute_dtype, const Operand& a, const Operand& b,
           double alpha, int64_t n, void* stream);
// out (contiguous or strided through out_layout) = op(a) in compute_dtype.
int unary(UnaryOp op, const Operand& out, int compute_dtype, const Operand& a, int64_t n, void* stream);
int fill(const Operand& out, double value, int64_t n, void* stream);
// One output element per combination of `kept` indices, reducing over `reduced`: `kept` and
// `reduced` describe the same input (data and dtype in `kept`). out is contiguous.
int reduce(ReduceOp op, void* out, int out_dtype, const Operand& kept, const Operand& reduced, int64_t n_out,
           int64_t n_reduced, void* stream);
// softmax / log_softmax along one dim: rows as in reduce(); out is contiguous with the
// input's shape, its strides given as out_kept / out_reduced_stride.
int softmax(bool log, void* out, const Operand& out_kept, int64_t out_reduced_stride, const Operand& kept,
            const Operand& reduced, int64_t n_rows, int64_t row_length, void* stream);

// Rows of a contiguous (rows x row_length) matrix: out[i, :] = src[index[i], :] (gather_rows),
// out[index[i], :] += src[i, :] (scatter_add_rows, atomic: repeated indices add up). index is
// int64 on the device, already checked to lie in [0, rows) by the host. dtype: float32/64 for
// scatter_add_rows, any for gather_rows; out and src contiguous.
int gather_rows(void* out, const void* src, int dtype, const int64_t* index, int64_t n_index, int64_t row_length,
                void* stream);
int scatter_add_rows(void* out, const void* src, int dtype, const int64_t* index, int64_t n_index,
                     int64_t row_length, void* stream);

}  // namespace janus::gpu::kernels
