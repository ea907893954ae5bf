// The CUDA kernels: one generic strided-index kernel per family (elementwise, fill, reduce,
// softmax). Simple and obviously correct first: an element's offset is computed from its
// linear index, dtypes are read through a uniform switch, reductions use one block per output.
#include <cuda_runtime.h>

#include <type_traits>

#include "gpu/kernels.h"

namespace janus::gpu::kernels {

namespace {

constexpr int kThreads = 256;

__device__ __forceinline__ int64_t offset_of(const Operand& o, int64_t linear) {
  int64_t off = 0;
  for (int d = o.ndim - 1; d >= 0; --d) {
    int64_t size = o.sizes[d];
    off += (linear % size) * o.strides[d];
    linear /= size;
  }
  return off;
}

template <class T> __device__ __forceinline__ T load_at(const void* data, int dtype, int64_t off) {
  switch (dtype) {
    case kBool: return T(static_cast<const bool*>(data)[off]);
    case kInt32: return T(static_cast<const int32_t*>(data)[off]);
    case kInt64: return T(static_cast<const int64_t*>(data)[off]);
    case kFloat32: return T(static_cast<const float*>(data)[off]);
    default: return T(static_cast<const double*>(data)[off]);
  }
}

template <class T> __device__ __forceinline__ void store_at(void* data, int dtype, int64_t off, T v) {
  switch (dtype) {
    case kBool: static_cast<bool*>(data)[off] = v != T(0); break;
    case kInt32: static_cast<int32_t*>(data)[off] = int32_t(v); break;
    case kInt64: static_cast<int64_t*>(data)[off] = int64_t(v); break;
    case kFloat32: static_cast<float*>(data)[off] = float(v); break;
    default: static_cast<double*>(data)[off] = double(v); break;
  }
}

template <class T> __device__ __forceinline__ T power(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return pow(a, b);
  } else {  // integers: exact repeated squaring (negative exponents give 0 as in PyTorch, except base 1/-1)
    if (b < 0) return a == 1 ? T(1) : a == T(-1) ? ((b & 1) ? T(-1) : T(1)) : T(0);
    T result = 1;
    while (b) { if (b & 1) result *= a; a *= a; b >>= 1; }
    return result;
  }
}
__device__ __forceinline__ bool power(bool a, bool b) { return a || !b; }

template <class T> __global__ void binary_kernel(BinaryOp op, void* out, int out_dtype, Operand a, Operand b,
                                                 T alpha, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    T x = a.data ? load_at<T>(a.data, a.dtype, offset_of(a, i)) : T(a.value);
    T y = b.data ? load_at<T>(b.data, b.dtype, offset_of(b, i)) : T(b.value);
    switch (op) {
#define JANUS_CUDA_CASE(name, expr, is_bool)          \
  case BinaryOp::name: {                              \
    const T& a = x; const T& b = y;                   \
    store_at<T>(out, out_dtype, i, T(expr));          \
    break;                                            \
  }
      JANUS_CUDA_BINARY_OPS(JANUS_CUDA_CASE)
#undef JANUS_CUDA_CASE
    }
  }
}

template <class T> __global__ void unary_kernel(UnaryOp op, Operand out, Operand in, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    using R = std::conditional_t<std::is_floating_point_v<T>, T, double>;
    T a = load_at<T>(in.data, in.dtype, offset_of(in, i));
    T r = a;
    switch (op) {
#define JANUS_CUDA_CASE(name, expr) case UnaryOp::name: r = T(expr); break;
      JANUS_CUDA_UNARY_OPS(JANUS_CUDA_CASE)
#undef JANUS_CUDA_CASE
    }
    store_at<T>(const_cast<void*>(out.data), out.dtype, offset_of(out, i), r);
  }
}

template <class T> __global__ void fill_kernel(Operand out, T value, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    store_at<T>(const_cast<void*>(out.data), out.dtype, offset_of(out, i), value);
}

// Accumulator: double for float64 and integers' sums are exact in int64; float32 in float.
template <class T> struct Acc { using type = T; };
template <> struct Acc<bool> { using type = int64_t; };
template <> struct Acc<int32_t> { using type = int64_t; };

template <class T> __device__ __forceinline__ T combine(ReduceOp op, T x, T y) {
  switch (op) {
    case ReduceOp::max: return (x != x || x > y) ? x : y;
    case ReduceOp::min: return (x != x || x < y) ? x : y;
    default: return x + y;
  }
}

// One block per output element; each thread folds a strided share, then a tree in shared memory.
template <class T> __global__ void reduce_kernel(ReduceOp op, void* out, int out_dtype, Operand kept, Operand reduced,
                                                 int64_t n_reduced) {
  using A = typename Acc<T>::type;
  __shared__ A partial[kThreads];
  const int64_t base = offset_of(kept, blockIdx.x);
  bool have = false;
  A acc = A(0);
  for (int64_t r = threadIdx.x; r < n_reduced; r += blockDim.x) {
    A v = load_at<A>(kept.data, kept.dtype, base + offset_of(reduced, r));
    acc = have ? combine<A>(op, acc, v) : v;
    have = true;
  }
  // Threads with no element contribute the identity of sum, or repeat element 0 for max/min.
  if (!have) acc = (op == ReduceOp::sum || op == ReduceOp::mean) ? A(0) : load_at<A>(kept.data, kept.dtype, base);
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) partial[threadIdx.x] = combine<A>(op, partial[threadIdx.x], partial[threadIdx.x + s]);
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    A r = partial[0];
    if (op == ReduceOp::mean) r = r / A(n_reduced);
    store_at<A>(out, out_dtype, blockIdx.x, r);
  }
}

// One block per row: the row's max, the sum of exp(x - max), then each output element.
template <class T> __global__ void softmax_kernel(bool log_out, void* out, Operand out_kept, int64_t out_stride,
                                                  Operand kept, Operand reduced, int64_t row_length) {
  __shared__ T partial[kThreads];
  const int64_t base = offset_of(kept, blockIdx.x);
  const int64_t out_base = offset_of(out_kept, blockIdx.x);
  T m = -INFINITY;
  for (int64_t r = threadIdx.x; r < row_length; r += blockDim.x) {
    T v = load_at<T>(kept.data, kept.dtype, base + offset_of(reduced, r));
    m = (v != v || v > m) ? v : m;
  }
  partial[threadIdx.x] = m;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      T a = partial[threadIdx.x], b = partial[threadIdx.x + s];
      partial[threadIdx.x] = (a != a || a > b) ? a : b;
    }
    __syncthreads();
  }
  m = partial[0];
  __syncthreads();
  T sum = 0;
  for (int64_t r = threadIdx.x; r < row_length; r += blockDim.x)
    sum += exp(load_at<T>(kept.data, kept.dtype, base + offset_of(reduced, r)) - m);
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
    __syncthreads();
  }
  sum = partial[0];
  for (int64_t r = threadIdx.x; r < row_length; r += blockDim.x) {
    T x = load_at<T>(kept.data, kept.dtype, base + offset_of(reduced, r)) - m;
    static_cast<T*>(out)[out_base + r * out_stride] = log_out ? x - log(sum) : exp(x) / sum;
  }
}

unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  return unsigned(b < 1 ? 1 : b > 65535 ? 65535 : b);  // grid-stride loops cover the rest
}

template <class T> __global__ void gather_rows_kernel(T* out, const T* src, const int64_t* index, int64_t n,
                                                     int64_t row_length) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t row = i / row_length;
    out[i] = src[index[row] * row_length + i % row_length];
  }
}

template <class T> __global__ void scatter_add_rows_kernel(T* out, const T* src, const int64_t* index, int64_t n,
                                                          int64_t row_length) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t row = i / row_length;
    atomicAdd(out + index[row] * row_length + i % row_length, src[i]);
  }
}

}  // namespace

#define JANUS_CUDA_DISPATCH(code, ...)                          \
  switch (code) {                                               \
    case kBool: { using T = bool; __VA_ARGS__; break; }         \
    case kInt32: { using T = int32_t; __VA_ARGS__; break; }     \
    case kInt64: { using T = int64_t; __VA_ARGS__; break; }     \
    case kFloat32: { using T = float; __VA_ARGS__; break; }     \
    default: { using T = double; __VA_ARGS__; break; }          \
  }

int binary(BinaryOp op, void* out, int out_dtype, int compute_dtype, const Operand& a, const Operand& b,
           double alpha, int64_t n, void* stream) {
  if (n == 0) return 0;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  JANUS_CUDA_DISPATCH(compute_dtype,
                      binary_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(op, out, out_dtype, a, b, T(alpha), n));
  return int(cudaGetLastError());
}

int unary(UnaryOp op, const Operand& out, int compute_dtype, const Operand& a, int64_t n, void* stream) {
  if (n == 0) return 0;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  JANUS_CUDA_DISPATCH(compute_dtype, unary_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(op, out, a, n));
  return int(cudaGetLastError());
}

int fill(const Operand& out, double value, int64_t n, void* stream) {
  if (n == 0) return 0;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  JANUS_CUDA_DISPATCH(out.dtype, fill_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(out, T(value), n));
  return int(cudaGetLastError());
}

int reduce(ReduceOp op, void* out, int out_dtype, const Operand& kept, const Operand& reduced, int64_t n_out,
           int64_t n_reduced, void* stream) {
  if (n_out == 0) return 0;
  if (n_out > 0x7fffffff) return int(cudaErrorInvalidConfiguration);
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  // Computed in the output's type (the host picks it: sums of integers are int64).
  JANUS_CUDA_DISPATCH(out_dtype, reduce_kernel<T><<<unsigned(n_out), kThreads, 0, s>>>(op, out, out_dtype, kept,
                                                                                       reduced, n_reduced));
  return int(cudaGetLastError());
}

int softmax(bool log, void* out, const Operand& out_kept, int64_t out_reduced_stride, const Operand& kept,
            const Operand& reduced, int64_t n_rows, int64_t row_length, void* stream) {
  if (n_rows == 0 || row_length == 0) return 0;
  if (n_rows > 0x7fffffff) return int(cudaErrorInvalidConfiguration);
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  if (out_kept.dtype == kFloat64)
    softmax_kernel<double><<<unsigned(n_rows), kThreads, 0, s>>>(log, out, out_kept, out_reduced_stride, kept, reduced,
                                                                  row_length);
  else
    softmax_kernel<float><<<unsigned(n_rows), kThreads, 0, s>>>(log, out, out_kept, out_reduced_stride, kept, reduced,
                                                                 row_length);
  return int(cudaGetLastError());
}

int gather_rows(void* out, const void* src, int dtype, const int64_t* index, int64_t n_index, int64_t row_length,
                void* stream) {
  int64_t n = n_index * row_length;
  if (n == 0) return 0;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  JANUS_CUDA_DISPATCH(dtype, gather_rows_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(
                                 static_cast<T*>(out), static_cast<const T*>(src), index, n, row_length));
  return int(cudaGetLastError());
}

int scatter_add_rows(void* out, const void* src, int dtype, const int64_t* index, int64_t n_index,
                     int64_t row_length, void* stream) {
  int64_t n = n_index * row_length;
  if (n == 0) return 0;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  if (dtype == kFloat32)
    scatter_add_rows_kernel<float><<<blocks_for(n), kThreads, 0, s>>>(
        static_cast<float*>(out), static_cast<const float*>(src), index, n, row_length);
  else if (dtype == kFloat64)
    scatter_add_rows_kernel<double><<<blocks_for(n), kThreads, 0, s>>>(
        static_cast<double*>(out), static_cast<const double*>(src), index, n, row_length);
  else
    return int(cudaErrorInvalidValue);
  return int(cudaGetLastError());
}

}  // namespace janus::gpu::kernels
