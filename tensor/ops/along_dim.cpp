// Ops that work along one dim (cumsum, sort, topk, flip) and triangular masks: the dim is moved
// last and made contiguous, each row is processed, and the result is viewed back in place.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "tensor/iter.h"
#include "tensor/ops.h"

namespace janus::ops {

namespace {

struct Rows {
  Tensor rows;  // contiguous, the chosen dim last
  Shape perm, inverse;
  int64_t M, R;
};

Rows to_rows(const Tensor& x, int64_t d) {
  Rows r;
  const int64_t nd = x.dim();
  for (int64_t i = 0; i < nd; ++i) if (i != d) r.perm.push_back(i);
  r.perm.push_back(d);
  r.inverse.resize(nd);
  for (int64_t i = 0; i < nd; ++i) r.inverse[r.perm[i]] = i;
  Shape sizes, strides;
  for (int64_t p : r.perm) sizes.push_back(x.sizes()[p]), strides.push_back(x.strides()[p]);
  Tensor moved = x.alias_with(sizes, strides, x.offset());
  r.rows = moved.is_contiguous() && x.offset() == 0 ? moved : contiguous_copy(moved);
  r.R = nd ? x.sizes()[d] : 1;
  r.M = r.R ? x.numel() / r.R : 0;
  return r;
}

// A contiguous [.., R'] result laid out like Rows, viewed back with the dim in its place.
Tensor from_rows(const Tensor& out, const Rows& r) {
  Shape sz, st;
  for (size_t i = 0; i < r.inverse.size(); ++i) sz.push_back(out.sizes()[r.inverse[i]]), st.push_back(out.strides()[r.inverse[i]]);
  Tensor v = out.alias_with(sz, st, 0);
  v.impl()->view_base.reset();
  return v;
}

}  // namespace

Tensor cumsum(const Tensor& a, int64_t dim, OptDType dtype) {
  Tensor x = a.dim() == 0 ? reshape(a, {1}) : a;
  int64_t d = x.wrap_dim(dim);
  DType od = dtype ? *dtype : is_floating(a.dtype()) ? a.dtype() : DType::Int64;
  Rows r = to_rows(x.dtype() == od ? x : cast(x, od), d);
  Tensor out = Tensor::empty(r.rows.sizes(), od);
  JANUS_DISPATCH(od, [&]<class scalar_t>() {
    const scalar_t* s = r.rows.data<scalar_t>();
    scalar_t* o = out.data<scalar_t>();
    for (int64_t m = 0; m < r.M; ++m) {
      scalar_t acc = 0;
      for (int64_t i = 0; i < r.R; ++i) o[m * r.R + i] = acc = scalar_t(acc + s[m * r.R + i]);
    }
  });
  Tensor result = from_rows(out, r);
  if (a.dim() == 0) result = result.alias_with({}, {}, 0);
  if (is_floating(od) && needs_grad({&a})) {
    record("CumsumBackward0", {a}, {result}, [d](const TensorList& g) {
      if (g[0].dim() == 0) return TensorList{g[0]};
      return TensorList{flip(cumsum(flip(g[0], {d}), d, std::nullopt), {d})};
    }, false);
  }
  return result;
}

Tensor flip(const Tensor& a, const Shape& dims) {
  Shape strides = a.strides();
  int64_t offset = a.offset();
  for (int64_t dd : dims) {
    int64_t d = a.wrap_dim(dd);
    if (a.dim() == 0) continue;  // a 0-d tensor flips to itself
    if (a.sizes()[d] > 0) offset += (a.sizes()[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  // Negative strides stay internal: the result is materialized contiguously.
  Tensor out = contiguous_copy(a.alias_with(a.sizes(), strides, offset));
  if (needs_grad({&a})) {
    Shape ds = dims;
    record("FlipBackward0", {a}, {out}, [ds](const TensorList& g) { return TensorList{flip(g[0], ds)}; }, false);
  }
  return out;
}

TensorPair sort(const Tensor& a, int64_t dim, bool descending) {
  Tensor x = a.dim() == 0 ? reshape(a, {1}) : a;
  int64_t d = x.wrap_dim(dim);
  Rows r = to_rows(x, d);
  Tensor values = Tensor::empty(r.rows.sizes(), a.dtype());
  Tensor indices = Tensor::empty(r.rows.sizes(), DType::Int64);
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    const scalar_t* s = r.rows.data<scalar_t>();
    scalar_t* v = values.data<scalar_t>();
    int64_t* ix = indices.data<int64_t>();
    std::vector<int64_t> order(r.R);
    for (int64_t m = 0; m < r.M; ++m) {
      const scalar_t* row = s + m * r.R;
      std::iota(order.begin(), order.end(), 0);
      // NaN sorts as the largest value, as in PyTorch; ties keep their order (stable).
      auto less = [&](int64_t i, int64_t j) {
        scalar_t x1 = row[i], x2 = row[j];
        if constexpr (std::is_floating_point_v<scalar_t>) {
          if (std::isnan(x1)) return false;
          if (std::isnan(x2)) return true;
        }
        return x1 < x2;
      };
      if (descending) std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return less(j, i); });
      else std::stable_sort(order.begin(), order.end(), less);
      for (int64_t i = 0; i < r.R; ++i) v[m * r.R + i] = row[order[i]], ix[m * r.R + i] = order[i];
    }
  });
  Tensor vals = from_rows(values, r), idx = from_rows(indices, r);
  if (a.dim() == 0) vals = vals.alias_with({}, {}, 0), idx = idx.alias_with({}, {}, 0);
  if (needs_grad({&a})) {
    Saved si(idx, true);
    Shape in = a.sizes();
    record("SortBackward0", {a}, {vals, idx}, [si, in, d](const TensorList& g) {
      if (in.empty()) return TensorList{g[0]};
      return TensorList{scatter_add(zeros(in, g[0].dtype()), d, si.get(), g[0])};
    }, true);
  }
  return {vals, idx};
}

Tensor argsort(const Tensor& a, int64_t dim, bool descending) {
  NoGradGuard no_grad;
  return std::get<1>(sort(a, dim, descending));
}

TensorPair topk(const Tensor& a, int64_t k, int64_t dim, bool largest, bool sorted) {
  int64_t d = a.dim() ? a.wrap_dim(dim) : 0;
  int64_t size = a.dim() ? a.sizes()[d] : 1;
  if (k < 0 || k > size) runtime_error("selected index k out of range");
  auto [v, i] = sort(a, d, largest);
  if (a.dim() == 0) return {v, i};
  return {narrow(v, d, 0, k), narrow(i, d, 0, k)};
}

static Tensor triangle(const Tensor& a, int64_t diagonal, bool lower) {
  if (a.dim() < 2) runtime_error(str_cat(lower ? "tril" : "triu", ": input tensor must have at least 2 dimensions"));
  const int64_t r = a.sizes()[a.dim() - 2], c = a.sizes()[a.dim() - 1];
  Tensor mask = Tensor::empty({r, c}, DType::Bool);
  bool* m = mask.data<bool>();
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) m[i * c + j] = lower ? (j - i <= diagonal) : (j - i >= diagonal);
  return where(mask, a, zeros({}, a.dtype()));
}
Tensor tril(const Tensor& a, int64_t diagonal) { return triangle(a, diagonal, true); }
Tensor triu(const Tensor& a, int64_t diagonal) { return triangle(a, diagonal, false); }

}  // namespace janus::ops
