// The elementwise engine: broadcasting, strided N-d iteration with a contiguous fast path the
// compiler vectorizes, and typed map helpers the kernels are written with.
#pragma once
#include <array>

#include "tensor/core.h"

namespace janus {

// PyTorch's broadcast rule, with its error message.
Shape broadcast_shape(const Shape& a, const Shape& b);
// Element strides of `t` viewed as broadcast to `shape` (0 along broadcast dims).
Shape broadcast_strides(const Tensor& t, const Shape& shape);

// Calls inner(ptrs, strides_in_elements, n) for each innermost row of `shape`.
template <size_t N, class F>
void for_each_row(const Shape& shape, std::array<char*, N> base, std::array<Shape, N> strides,
                  std::array<size_t, N> itemsize, F inner) {
  const int64_t nd = int64_t(shape.size());
  if (shape_numel(shape) == 0) return;
  if (nd == 0) {
    std::array<int64_t, N> s{};
    inner(base, s, int64_t(1));
    return;
  }
  std::array<int64_t, N> inner_stride;
  for (size_t k = 0; k < N; ++k) inner_stride[k] = strides[k][nd - 1];
  const int64_t n = shape[nd - 1];
  std::vector<int64_t> counter(nd, 0);
  std::array<char*, N> ptr = base;
  while (true) {
    inner(ptr, inner_stride, n);
    int64_t d = nd - 2;
    for (; d >= 0; --d) {
      if (++counter[d] < shape[d]) {
        for (size_t k = 0; k < N; ++k) ptr[k] += strides[k][d] * int64_t(itemsize[k]);
        break;
      }
      for (size_t k = 0; k < N; ++k) ptr[k] -= strides[k][d] * int64_t(itemsize[k]) * (shape[d] - 1);
      counter[d] = 0;
    }
    if (d < 0) return;
  }
}

// The stride of `t` in a flat walk over `shape` (of a contiguous output): 1 when `t` is
// contiguous with exactly that shape, 0 when it is one element (broadcast), -1 when only the
// N-d walk will do. Small tensors are the common case, and the N-d walk's stride vectors cost
// more than their arithmetic: a flat walk is one call of the row function over every element.
inline int64_t flat_stride(const Tensor& t, const Shape& shape) {
  if (t.sizes() == shape && t.is_contiguous()) return 1;
  return t.numel() == 1 ? 0 : -1;
}

// out[i] = f(a[i]); `a` is broadcast to out's shape.
template <class O, class A, class F>
void map1(const Tensor& out, const Tensor& a, F f) {
  const Shape& shape = out.sizes();
  auto row = [&](std::array<char*, 2> p, std::array<int64_t, 2> s, int64_t n) {
    O* o = (O*)p[0];
    const A* x = (const A*)p[1];
    if (s[0] == 1 && s[1] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]]);
    }
  };
  const std::array<char*, 2> base{(char*)out.raw(), (char*)a.raw()};
  if (out.is_contiguous()) {
    const int64_t sa = flat_stride(a, shape);
    if (sa >= 0) return row(base, {1, sa}, out.numel());
  }
  for_each_row<2>(shape, base, {out.strides(), broadcast_strides(a, shape)}, {sizeof(O), sizeof(A)}, row);
}

// out[i] = f(a[i], b[i]) with broadcasting.
template <class O, class A, class B, class F>
void map2(const Tensor& out, const Tensor& a, const Tensor& b, F f) {
  const Shape& shape = out.sizes();
  auto row = [&](std::array<char*, 3> p, std::array<int64_t, 3> s, int64_t n) {
    O* o = (O*)p[0];
    const A* x = (const A*)p[1];
    const B* y = (const B*)p[2];
    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
    } else if (s[0] == 1 && s[1] == 1 && s[2] == 0 && n > 0) {
      const B yv = *y;
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
    }
  };
  const std::array<char*, 3> base{(char*)out.raw(), (char*)a.raw(), (char*)b.raw()};
  if (out.is_contiguous()) {
    const int64_t sa = flat_stride(a, shape), sb = flat_stride(b, shape);
    if (sa >= 0 && sb >= 0) return row(base, {1, sa, sb}, out.numel());
  }
  for_each_row<3>(shape, base, {out.strides(), broadcast_strides(a, shape), broadcast_strides(b, shape)},
                  {sizeof(O), sizeof(A), sizeof(B)}, row);
}

// out[i] = f(a[i], b[i], c[i]) with broadcasting.
template <class O, class A, class B, class C, class F>
void map3(const Tensor& out, const Tensor& a, const Tensor& b, const Tensor& c, F f) {
  const Shape& shape = out.sizes();
  auto row = [&](std::array<char*, 4> p, std::array<int64_t, 4> s, int64_t n) {
    O* o = (O*)p[0];
    const A* x = (const A*)p[1];
    const B* y = (const B*)p[2];
    const C* z = (const C*)p[3];
    for (int64_t i = 0; i < n; ++i) o[i * s[0]] = f(x[i * s[1]], y[i * s[2]], z[i * s[3]]);
  };
  const std::array<char*, 4> base{(char*)out.raw(), (char*)a.raw(), (char*)b.raw(), (char*)c.raw()};
  if (out.is_contiguous()) {
    const int64_t sa = flat_stride(a, shape), sb = flat_stride(b, shape), sc = flat_stride(c, shape);
    if (sa >= 0 && sb >= 0 && sc >= 0) return row(base, {1, sa, sb, sc}, out.numel());
  }
  for_each_row<4>(shape, base,
                  {out.strides(), broadcast_strides(a, shape), broadcast_strides(b, shape),
                   broadcast_strides(c, shape)},
                  {sizeof(O), sizeof(A), sizeof(B), sizeof(C)}, row);
}

// Copies src (any dtype, broadcast to dst's shape) into dst, converting element types.
void copy_into(const Tensor& dst, const Tensor& src);
// src converted to dtype (a new contiguous tensor; no autograd).
Tensor cast(const Tensor& src, DType dtype);
// A fresh contiguous copy (no autograd).
Tensor contiguous_copy(const Tensor& src);
// Fills t with a value (no autograd).
void fill(const Tensor& t, const Scalar& v);

}  // namespace janus
