// Advanced indexing (integer and boolean index tensors), index_put_, gather/scatter_add.
#include <functional>

#include "tensor/iter.h"
#include "tensor/ops.h"

namespace janus::ops {

namespace {

// The layout of an advanced-indexing result: indexed dims collapse into the broadcast index
// shape, placed where the first indexed dim was if the indexed dims are adjacent, else first.
struct IndexPlan {
  TensorList idx;        // int64, broadcast, one per indexed dim (in dim order)
  Shape dims;            // the indexed dims of the source
  Shape rest;            // the other dims of the source, in order
  Shape bshape;          // broadcast index shape
  Shape out_shape;       // final result shape
  Shape perm_to_final;   // permutation from [bshape..., rest...] to out_shape
};

TensorList expand_bool(const Tensor& a, const TensorList& indices) {
  TensorList out;
  int64_t dim = 0;
  for (const Tensor& ix : indices) {
    if (ix.defined() && (ix.dtype() == DType::Bool)) {
      for (int64_t k = 0; k < ix.dim(); ++k)
        if (dim + k >= a.dim() || ix.sizes()[k] != a.sizes()[dim + k])
          fail(ErrorKind::Index, str_cat("The shape of the mask ", shape_str(ix.sizes()), " at index ", k,
                                         " does not match the shape of the indexed tensor ", shape_str(a.sizes()),
                                         " at index ", dim + k));
      Tensor nz = nonzero(ix);
      for (int64_t k = 0; k < ix.dim(); ++k) out.push_back(select(nz, 1, k));
      dim += ix.dim();
    } else {
      if (ix.defined() && is_floating(ix.dtype()))
        fail(ErrorKind::Index, "tensors used as indices must be long, int, byte or bool tensors");
      out.push_back(ix);
      dim += 1;
    }
  }
  if (int64_t(out.size()) > a.dim())
    fail(ErrorKind::Index, str_cat("too many indices for tensor of dimension ", a.dim()));
  return out;
}

IndexPlan make_plan(const Tensor& a, const TensorList& raw) {
  IndexPlan p;
  TensorList indices = expand_bool(a, raw);
  Shape b;
  bool first = true;
  for (const Tensor& ix : indices)
    if (ix.defined()) b = first ? ix.sizes() : broadcast_shape(b, ix.sizes()), first = false;
  p.bshape = b;
  int64_t first_dim = -1, last_dim = -1, count = 0;
  for (int64_t d = 0; d < a.dim(); ++d) {
    if (d < int64_t(indices.size()) && indices[d].defined()) {
      Tensor ix = cast(expand(indices[d], b), DType::Int64);
      int64_t size = a.sizes()[d];
      int64_t* v = ix.data<int64_t>();
      for (int64_t i = 0, n = ix.numel(); i < n; ++i) {
        if (v[i] < -size || v[i] >= size)
          fail(ErrorKind::Index, str_cat("index ", v[i], " is out of bounds for dimension ", d, " with size ", size));
        if (v[i] < 0) v[i] += size;
      }
      p.idx.push_back(ix);
      p.dims.push_back(d);
      if (first_dim < 0) first_dim = d;
      last_dim = d;
      ++count;
    } else {
      p.rest.push_back(d);
    }
  }
  const bool adjacent = last_dim - first_dim + 1 == count;
  const int64_t nb = int64_t(b.size());
  // [bshape..., rest...] -> final layout
  int64_t before = adjacent ? first_dim : 0;  // rest dims that come before the index block
  for (int64_t i = 0; i < before; ++i) p.perm_to_final.push_back(nb + i), p.out_shape.push_back(a.sizes()[p.rest[i]]);
  for (int64_t i = 0; i < nb; ++i) p.perm_to_final.push_back(i), p.out_shape.push_back(b[i]);
  for (size_t i = before; i < p.rest.size(); ++i) p.perm_to_final.push_back(nb + int64_t(i)), p.out_shape.push_back(a.sizes()[p.rest[i]]);
  return p;
}

// fn(position in [bshape..., rest...] row-major order, element offset into a's storage)
void for_each_index(const Tensor& a, const IndexPlan& p, const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t nb = shape_numel(p.bshape);
  Shape rs, rst;
  for (int64_t d : p.rest) rs.push_back(a.sizes()[d]), rst.push_back(a.strides()[d]);
  const int64_t nr = shape_numel(rs);
  std::vector<const int64_t*> iv;
  for (const Tensor& ix : p.idx) iv.push_back(ix.data<int64_t>());
  Shape counter(rs.size());
  for (int64_t bi = 0; bi < nb; ++bi) {
    int64_t base = a.offset();
    for (size_t k = 0; k < iv.size(); ++k) base += iv[k][bi] * a.strides()[p.dims[k]];
    std::fill(counter.begin(), counter.end(), 0);
    int64_t off = base;
    for (int64_t ri = 0; ri < nr; ++ri) {
      fn(bi * nr + ri, off);
      for (int64_t d = int64_t(rs.size()) - 1; d >= 0; --d) {
        if (++counter[d] < rs[d]) { off += rst[d]; break; }
        off -= rst[d] * (rs[d] - 1);
        counter[d] = 0;
      }
    }
  }
}

Shape inner_shape(const IndexPlan& p, const Tensor& a) {
  Shape s = p.bshape;
  for (int64_t d : p.rest) s.push_back(a.sizes()[d]);
  return s;
}

Shape inverse_perm(const Shape& perm) {
  Shape inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = int64_t(i);
  return inv;
}

}  // namespace

Tensor nonzero(const Tensor& a) {
  Tensor c = contiguous_copy(a);
  const int64_t n = c.numel(), nd = c.dim();
  std::vector<int64_t> hits;
  JANUS_DISPATCH(c.dtype(), [&]<class scalar_t>() {
    const scalar_t* v = c.data<scalar_t>();
    for (int64_t i = 0; i < n; ++i) if (v[i] != scalar_t(0)) hits.push_back(i);
  });
  Tensor out = Tensor::empty({int64_t(hits.size()), nd}, DType::Int64);
  int64_t* o = out.data<int64_t>();
  Shape cs = contiguous_strides(c.sizes());
  for (size_t h = 0; h < hits.size(); ++h)
    for (int64_t d = 0; d < nd; ++d) o[h * nd + d] = (hits[h] / cs[d]) % c.sizes()[d];
  return out;
}

Tensor index(const Tensor& a, const TensorList& indices) {
  IndexPlan p = make_plan(a, indices);
  Shape inner = inner_shape(p, a);
  Tensor out = Tensor::empty(inner, a.dtype());
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    const scalar_t* src = static_cast<const scalar_t*>(a.impl()->storage->data);
    scalar_t* dst = out.data<scalar_t>();
    for_each_index(a, p, [&](int64_t pos, int64_t off) { dst[pos] = src[off]; });
  });
  Tensor result = out.alias_with(p.out_shape, permute(out, p.perm_to_final).strides(), 0);
  result.impl()->view_base.reset();
  if (needs_grad({&a})) {
    TensorList idx = indices;
    Shape in = a.sizes();
    record("IndexBackward0", {a}, {result}, [idx, in](const TensorList& g) {
      return TensorList{index_put(zeros(in, g[0].dtype()), idx, g[0], true)};
    }, false);
  }
  return result;
}

// Writes (or adds) values into a at the indexed positions, in place; no autograd.
static void index_put_kernel(const Tensor& a, const TensorList& indices, const Tensor& values, bool accumulate) {
  IndexPlan p = make_plan(a, indices);
  // values broadcast to the final layout, then laid out as [bshape..., rest...].
  Tensor v = cast(expand(values, p.out_shape), a.dtype());
  Tensor vin = contiguous_copy(permute(v, inverse_perm(p.perm_to_final)));
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    scalar_t* dst = static_cast<scalar_t*>(a.impl()->storage->data);
    const scalar_t* src = vin.data<scalar_t>();
    if (accumulate) for_each_index(a, p, [&](int64_t pos, int64_t off) { dst[off] = scalar_t(dst[off] + src[pos]); });
    else for_each_index(a, p, [&](int64_t pos, int64_t off) { dst[off] = src[pos]; });
  });
}

Tensor index_put(const Tensor& a, const TensorList& indices, const Tensor& values, bool accumulate) {
  Tensor out = contiguous_copy(a);
  {
    NoGradGuard no_grad;
    index_put_kernel(out, indices, values, accumulate);
  }
  if (needs_grad({&a, &values})) {
    TensorList idx = indices;
    Shape vshape = values.sizes();
    record("IndexPutBackward0", {a, values}, {out}, [idx, accumulate, vshape](const TensorList& g) {
      Tensor ga = accumulate ? g[0] : index_put(g[0], idx, zeros({}, g[0].dtype()), false);
      return TensorList{ga, sum_to(index(g[0], idx), vshape)};
    }, false);
  }
  return out;
}

Tensor index_put_(const Tensor& a, const TensorList& indices, const Tensor& values, bool accumulate) {
  bool rec = needs_grad({&a, &values});
  check_inplace(a, rec);
  if (rec) {
    Tensor r = index_put(clone(a), indices, values, accumulate);
    copy_into(a, r);
    a.bump_version();
    rebase_history(a, r);
    return a;
  }
  index_put_kernel(a, indices, values, accumulate);
  a.bump_version();
  return a;
}

Tensor index_select(const Tensor& a, int64_t dim, const Tensor& idx) {
  if (idx.dim() > 1) fail(ErrorKind::Index, "index_select(): Index is supposed to be a vector");
  if (idx.dtype() != DType::Int64 && idx.dtype() != DType::Int32)
    runtime_error("index_select(): Expected dtype int32/int64 for index");
  if (a.dim() == 0) return index(reshape(a, {1}), {reshape(idx, {-1})});
  int64_t d = a.wrap_dim(dim);
  TensorList indices(d + 1);
  indices[d] = reshape(idx, {-1});
  return index(a, indices);
}

static void check_gather_index(const Tensor& a, int64_t d, const Tensor& idx, const char* op) {
  if (idx.dtype() != DType::Int64) runtime_error(str_cat(op, "(): Expected dtype int64 for index"));
  if (idx.dim() != a.dim() && !(idx.dim() <= 1 && a.dim() <= 1))
    runtime_error("Index tensor must have the same number of dimensions as input tensor");
}

Tensor gather(const Tensor& a, int64_t dim, const Tensor& idx) {
  int64_t d = a.wrap_dim(dim);
  check_gather_index(a, d, idx, "gather");
  Tensor ix = contiguous_copy(idx);
  Tensor out = Tensor::empty(idx.sizes(), a.dtype());
  const int64_t size = a.dim() ? a.sizes()[d] : 1;
  const Shape cs = contiguous_strides(idx.sizes());
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    const scalar_t* src = static_cast<const scalar_t*>(a.impl()->storage->data);
    scalar_t* dst = out.data<scalar_t>();
    const int64_t* iv = ix.data<int64_t>();
    for (int64_t i = 0, n = ix.numel(); i < n; ++i) {
      int64_t off = a.offset();
      for (int64_t k = 0; k < ix.dim(); ++k) {
        int64_t c = (i / cs[k]) % ix.sizes()[k];
        if (k == d) {
          c = iv[i];
          if (c < -size || c >= size)
            runtime_error(str_cat("index ", c, " is out of bounds for dimension ", d, " with size ", size));
          if (c < 0) c += size;
        } else if (c >= a.sizes()[k]) {
          runtime_error(str_cat("Size does not match at dimension ", k, " expected index ", shape_str(idx.sizes()),
                                " to be smaller than self ", shape_str(a.sizes()), " apart from dimension ", d));
        }
        off += c * (a.dim() ? a.strides()[k] : 0);
      }
      if (ix.dim() == 0) {
        int64_t c = iv[0];
        if (c < -size || c >= size) runtime_error(str_cat("index ", c, " is out of bounds for dimension ", d, " with size ", size));
      }
      dst[i] = src[off];
    }
  });
  if (needs_grad({&a})) {
    Shape in = a.sizes();
    Saved si(idx);
    record("GatherBackward0", {a}, {out}, [in, d, si](const TensorList& g) {
      return TensorList{scatter_add(zeros(in, g[0].dtype()), d, si.get(), g[0])};
    }, true);
  }
  return out;
}

// Writes src (or adds it, accumulate) into a copy of a at index along dim; no autograd.
static Tensor scatter_kernel(const Tensor& a, int64_t d, const Tensor& idx, const Tensor& src, bool accumulate);

Tensor scatter_add(const Tensor& a, int64_t dim, const Tensor& idx, const Tensor& src) {
  int64_t d = a.wrap_dim(dim);
  check_gather_index(a, d, idx, "scatter_add");
  Tensor out = scatter_kernel(a, d, idx, src, true);
  if (needs_grad({&a, &src})) {
    Saved si(idx);
    record("ScatterAddBackward0", {a, src}, {out}, [d, si](const TensorList& g) {
      return TensorList{g[0], gather(g[0], d, si.get())};
    }, true);
  }
  return out;
}

Tensor scatter(const Tensor& a, int64_t dim, const Tensor& idx, const Tensor& src) {
  int64_t d = a.wrap_dim(dim);
  check_gather_index(a, d, idx, "scatter");
  Tensor out = scatter_kernel(a, d, idx, src, false);
  if (needs_grad({&a, &src})) {
    Saved si(idx);
    record("ScatterBackward0", {a, src}, {out}, [d, si](const TensorList& g) {
      Tensor ix = si.get();
      return TensorList{scatter_value(g[0], d, ix, Scalar(0.0)), gather(g[0], d, ix)};
    }, true);
  }
  return out;
}

Tensor scatter_value(const Tensor& a, int64_t dim, const Tensor& idx, const Scalar& value) {
  Tensor src = expand(scalar_tensor(value, a.dtype()), idx.sizes());
  return scatter(a, dim, idx, src);
}

Tensor scatter_(const Tensor& a, int64_t dim, const Tensor& idx, const Tensor& src) {
  bool rec = needs_grad({&a, &src});
  check_inplace(a, rec);
  Tensor r = scatter(rec ? clone(a) : a, dim, idx, src);
  copy_into(a, r);
  a.bump_version();
  if (rec) rebase_history(a, r);
  return a;
}

Tensor scatter_value_(const Tensor& a, int64_t dim, const Tensor& idx, const Scalar& value) {
  return scatter_(a, dim, idx, expand(scalar_tensor(value, a.dtype()), idx.sizes()));
}

static Tensor scatter_kernel(const Tensor& a, int64_t d, const Tensor& idx, const Tensor& src_in, bool accumulate) {
  if (a.dim() == 0)  // a 0-d tensor scatters like a 1-element vector
    return reshape(scatter_kernel(reshape(a, {1}), 0, reshape(idx, {-1}), src_in.dim() ? reshape(src_in, {-1}) : src_in,
                                  accumulate), {});
  Tensor src = src_in.dim() == 0 ? expand(src_in, idx.sizes()) : src_in;
  if (idx.dim() != src.dim() || (idx.dim() != a.dim() && idx.dim() > 1))
    runtime_error("Index tensor must have the same number of dimensions as src tensor");
  for (int64_t k = 0; k < idx.dim(); ++k) {
    if (idx.sizes()[k] > src.sizes()[k])
      runtime_error(str_cat("Expected index ", shape_str(idx.sizes()), " to be smaller than self ", shape_str(a.sizes()),
                            " apart from dimension ", d, " and to be smaller size than src ", shape_str(src.sizes())));
    if (k != d && a.dim() > k && idx.sizes()[k] > a.sizes()[k])
      runtime_error(str_cat("Expected index ", shape_str(idx.sizes()), " to be smaller than self ", shape_str(a.sizes()),
                            " apart from dimension ", d, " and to be smaller size than src ", shape_str(src.sizes())));
  }
  Tensor out = contiguous_copy(a);
  Tensor ix = contiguous_copy(idx);
  Tensor sv = cast(src, a.dtype());
  const Shape cs = contiguous_strides(idx.sizes());
  const Shape ss = sv.strides();
  const Shape os = out.strides();
  const int64_t size = a.dim() ? a.sizes()[d] : 1;
  JANUS_DISPATCH(a.dtype(), [&]<class scalar_t>() {
    scalar_t* dst = out.data<scalar_t>();
    const scalar_t* s = sv.data<scalar_t>();
    const int64_t* iv = ix.data<int64_t>();
    for (int64_t i = 0, n = ix.numel(); i < n; ++i) {
      int64_t off = 0, soff = 0;
      for (int64_t k = 0; k < ix.dim(); ++k) {
        int64_t c = (i / cs[k]) % ix.sizes()[k];
        soff += c * ss[k];
        if (k == d) {
          c = iv[i];
          if (c < 0 || c >= size) runtime_error(str_cat("index ", c, " is out of bounds for dimension ", d, " with size ", size));
        }
        off += c * os[k];
      }
      dst[off] = accumulate ? scalar_t(dst[off] + s[soff]) : s[soff];
    }
  });
  return out;
}

}  // namespace janus::ops
