// Views (no copy: they alias the input's storage) and shape ops built on them. A view's
// gradient is a view-shaped op on the gradient; select/slice scatter into zeros.
#include <algorithm>
#include <cstring>
#include <optional>

#include "tensor/iter.h"
#include "tensor/ops.h"

namespace janus::ops {

namespace {

// Copies `count` blocks of `bytes` bytes from consecutive blocks of src into dst, whose blocks
// are `dst_stride` bytes apart. Blocks of one 4- or 8-byte element (concatenating columns)
// are copied as typed loads and stores rather than a memcpy call each.
// One element per row (cat of columns): four rows an iteration, the loop control shared.
template <size_t B>
static void copy_elements(char* dst, int64_t dst_stride, const char* src, int64_t count) {
  int64_t i = 0;
  for (; i + 4 <= count; i += 4, dst += 4 * dst_stride, src += 4 * B) {
    std::memcpy(dst, src, B);
    std::memcpy(dst + dst_stride, src + B, B);
    std::memcpy(dst + 2 * dst_stride, src + 2 * B, B);
    std::memcpy(dst + 3 * dst_stride, src + 3 * B, B);
  }
  for (; i < count; ++i, dst += dst_stride, src += B) std::memcpy(dst, src, B);
}

void copy_blocks(char* dst, int64_t dst_stride, const char* src, int64_t bytes, int64_t count) {
  if (bytes == 4) {
    copy_elements<4>(dst, dst_stride, src, count);
  } else if (bytes == 8) {
    copy_elements<8>(dst, dst_stride, src, count);
  } else {
    for (int64_t i = 0; i < count; ++i) std::memcpy(dst + i * dst_stride, src + i * bytes, size_t(bytes));
  }
}

Shape infer_size(const Shape& size, int64_t numel) {
  Shape out = size;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < size.size(); ++i) {
    if (size[i] == -1) {
      if (infer >= 0) runtime_error("only one dimension can be inferred");
      infer = int64_t(i);
    } else if (size[i] < 0) {
      runtime_error(str_cat("invalid shape dimension ", size[i]));
    } else {
      known *= size[i];
    }
  }
  if (infer >= 0 && known != 0 && numel % known == 0) out[infer] = numel / known;
  else if (infer >= 0 && known == 0 && numel == 0) runtime_error(str_cat("cannot reshape tensor of 0 elements into shape ", shape_str(size), " because the unspecified dimension size -1 can be any value and is ambiguous"));
  if (shape_numel(out) != numel || (infer >= 0 && (known == 0 || numel % known != 0)))
    runtime_error(str_cat("shape '", shape_str(size), "' is invalid for input of size ", numel));
  return out;
}

// Strides giving `shape` over `t`'s memory without a copy, if any (PyTorch's rule).
std::optional<Shape> view_strides(const Tensor& t, const Shape& shape) {
  if (t.is_contiguous()) return contiguous_strides(shape);
  const Shape& os = t.sizes();
  const Shape& ost = t.strides();
  Shape st(shape.size());
  int64_t view_d = int64_t(shape.size()) - 1;
  int64_t chunk = ost.back(), tensor_numel = 1, view_numel = 1;
  for (int64_t d = int64_t(os.size()) - 1; d >= 0; --d) {
    tensor_numel *= os[d];
    if (d == 0 || (os[d - 1] != 1 && ost[d - 1] != tensor_numel * chunk)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        st[view_d] = view_numel * chunk;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk = ost[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return st;
}

// Records a view op's node: gradient g -> grad_fn(g).
template <class F>
Tensor record_view(const char* name, const Tensor& a, const Tensor& out, F grad_fn) {
  if (needs_grad({&a})) record(name, {a}, {out}, [grad_fn](const TensorList& g) { return TensorList{grad_fn(g[0])}; }, false);
  return out;
}

}  // namespace

// For ops that need a real dim (split, chunk, unbind): 0-d tensors have none.
static int64_t real_dim(const Tensor& a, int64_t dim) {
  if (a.dim() == 0) fail(ErrorKind::Index, "Dimension specified as 0 but tensor has no dimensions");
  return a.wrap_dim(dim);
}

// Zeros of `shape` with g written into the view (sizes, strides, offset) of their contiguous
// layout: the gradient of every view that selects part of its input.
Tensor view_scatter(const Tensor& g, const Shape& shape, const Shape& sizes, const Shape& strides, int64_t offset);
// The view (sizes, strides, offset) of a contiguous copy of `a`: view_scatter's gradient.
Tensor strided_view(const Tensor& a, const Shape& sizes, const Shape& strides, int64_t offset) {
  Tensor c = a.is_contiguous() && a.offset() == 0 ? a : contiguous_copy(a);
  Tensor out = c.alias_with(sizes, strides, c.offset() + offset);
  Shape shape = a.sizes();
  return record_view("AsStridedBackward0", a, out, [shape, sizes, strides, offset](const Tensor& g) {
    return view_scatter(g, shape, sizes, strides, offset);
  });
}
Tensor view_scatter(const Tensor& g, const Shape& shape, const Shape& sizes, const Shape& strides, int64_t offset) {
  Tensor out = Tensor::empty(shape, g.dtype());
  fill(out, Scalar(int64_t(0)));
  copy_into(out.alias_with(sizes, strides, offset), g);
  if (needs_grad({&g}))
    record("AsStridedScatterBackward0", {g}, {out}, [sizes, strides, offset](const TensorList& gg) {
      return TensorList{strided_view(gg[0], sizes, strides, offset)};
    }, false);
  return out;
}

Tensor view_replace(const Tensor& base, const Tensor& src, const Shape& sizes, const Shape& strides, int64_t offset) {
  Tensor out = contiguous_copy(base);
  copy_into(out.alias_with(sizes, strides, offset), src);
  if (needs_grad({&base, &src})) {
    Shape shape = base.sizes();
    record("CopySlices", {base, src}, {out}, [shape, sizes, strides, offset](const TensorList& g) {
      Tensor region = strided_view(g[0], sizes, strides, offset);
      // g with the overwritten region zeroed (x - x is exactly 0), and the region itself
      Tensor outside = sub(g[0], view_scatter(region, shape, sizes, strides, offset), Scalar(int64_t(1)));
      return TensorList{outside, region};
    }, false);
  }
  return out;
}

Tensor view(const Tensor& a, const Shape& size) {
  Shape shape = infer_size(size, a.numel());
  auto st = view_strides(a, shape);
  if (!st)
    runtime_error("view size is not compatible with input tensor's size and stride (at least one dimension spans "
                  "across two contiguous subspaces). Use .reshape(...) instead.");
  Tensor out = a.alias_with(shape, *st, a.offset());
  Shape in = a.sizes();
  return record_view("ViewBackward0", a, out, [in](const Tensor& g) { return reshape(g, in); });
}

Tensor reshape(const Tensor& a, const Shape& size) {
  Shape shape = infer_size(size, a.numel());
  if (view_strides(a, shape)) return view(a, shape);
  Tensor c = contiguous_copy(a);
  Tensor out = c.alias_with(shape, contiguous_strides(shape), 0);
  out.impl()->view_base.reset();
  Shape in = a.sizes();
  return record_view("ReshapeAlias0", a, out, [in](const Tensor& g) { return reshape(g, in); });
}

Tensor view_as(const Tensor& a, const Tensor& other) { return view(a, other.sizes()); }
Tensor reshape_as(const Tensor& a, const Tensor& other) { return reshape(a, other.sizes()); }

Tensor expand(const Tensor& a, const Shape& size) {
  const int64_t nd = int64_t(size.size()), ad = a.dim();
  if (nd < ad)
    runtime_error(str_cat("expand(", a.type_string(), "{", shape_str(a.sizes()).substr(1, shape_str(a.sizes()).size() - 2),
                          "}, size=", shape_str(size), "): the number of sizes provided (", nd,
                          ") must be greater or equal to the number of dimensions in the tensor (", ad, ")"));
  Shape shape(nd), strides(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t j = i - (nd - ad);
    int64_t target = size[i];
    if (j >= 0) {
      int64_t cur = a.sizes()[j];
      if (target == -1) target = cur;
      if (cur != target && cur != 1)
        runtime_error(str_cat("The expanded size of the tensor (", target, ") must match the existing size (", cur,
                              ") at non-singleton dimension ", i, ".  Target sizes: ", shape_str(size),
                              ".  Tensor sizes: ", shape_str(a.sizes())));
      shape[i] = target;
      strides[i] = cur == target ? a.strides()[j] : 0;
    } else {
      if (target < 0)
        runtime_error(str_cat("The expanded size of the tensor (", target, ") isn't allowed in a leading, non-existing dimension ", i));
      shape[i] = target;
      strides[i] = 0;
    }
  }
  if (shape == a.sizes()) return a;
  Tensor out = a.alias_with(shape, strides, a.offset());
  Shape in = a.sizes();
  return record_view("ExpandBackward0", a, out, [in](const Tensor& g) { return sum_to(g, in); });
}
Tensor expand_as(const Tensor& a, const Tensor& other) { return expand(a, other.sizes()); }

Tensor permute(const Tensor& a, const Shape& dims) {
  if (int64_t(dims.size()) != a.dim())
    runtime_error(str_cat("permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                          "of the desired ordering of dimensions i.e. input.dim() = ", a.dim(),
                          " is not equal to len(dims) = ", dims.size()));
  Shape sizes(dims.size()), strides(dims.size()), inverse(dims.size());
  std::vector<bool> seen(dims.size(), false);
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = a.wrap_dim(dims[i]);
    if (seen[d]) runtime_error("permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sizes[i] = a.sizes()[d];
    strides[i] = a.strides()[d];
    inverse[d] = int64_t(i);
  }
  Tensor out = a.alias_with(sizes, strides, a.offset());
  return record_view("PermuteBackward0", a, out, [inverse](const Tensor& g) { return permute(g, inverse); });
}

Tensor transpose(const Tensor& a, int64_t d0, int64_t d1) {
  if (a.dim() == 0) { a.wrap_dim(d0); a.wrap_dim(d1); return a.alias_with({}, {}, a.offset()); }
  int64_t x = a.wrap_dim(d0), y = a.wrap_dim(d1);
  Shape sizes = a.sizes(), strides = a.strides();
  std::swap(sizes[x], sizes[y]);
  std::swap(strides[x], strides[y]);
  Tensor out = a.alias_with(sizes, strides, a.offset());
  return record_view("TransposeBackward0", a, out, [x, y](const Tensor& g) { return transpose(g, x, y); });
}

static Tensor alias_reshaped(const char* name, const Tensor& a, const Shape& sizes, const Shape& strides) {
  Tensor out = a.alias_with(sizes, strides, a.offset());
  Shape in = a.sizes();
  return record_view(name, a, out, [in](const Tensor& g) { return reshape(g, in); });
}

Tensor t(const Tensor& a) {
  if (a.dim() > 2) runtime_error(str_cat("t() expects a tensor with <= 2 dimensions, but self is ", a.dim(), "D"));
  if (a.dim() < 2) return alias_reshaped("TBackward0", a, a.sizes(), a.strides());
  // transpose(a, 0, 1)'s view, under PyTorch's node name for t() (nn.Linear's weight.t()).
  Tensor out = a.alias_with({a.sizes()[1], a.sizes()[0]}, {a.strides()[1], a.strides()[0]}, a.offset());
  return record_view("TBackward0", a, out, [](const Tensor& g) { return t(g); });
}

Tensor squeeze(const Tensor& a) {
  Shape sizes, strides;
  for (int64_t d = 0; d < a.dim(); ++d)
    if (a.sizes()[d] != 1) sizes.push_back(a.sizes()[d]), strides.push_back(a.strides()[d]);
  return alias_reshaped("SqueezeBackward0", a, sizes, strides);
}

Tensor squeeze_dim(const Tensor& a, int64_t dim) {
  int64_t d = a.wrap_dim(dim);
  if (a.dim() == 0 || a.sizes()[d] != 1) return alias_reshaped("SqueezeBackward1", a, a.sizes(), a.strides());
  Shape sizes = a.sizes(), strides = a.strides();
  sizes.erase(sizes.begin() + d);
  strides.erase(strides.begin() + d);
  return alias_reshaped("SqueezeBackward1", a, sizes, strides);
}

Tensor unsqueeze(const Tensor& a, int64_t dim) {
  int64_t d = wrap_dim(dim, a.dim() + 1);
  Shape sizes = a.sizes(), strides = a.strides();
  int64_t st = d < a.dim() ? sizes[d] * strides[d] : 1;
  sizes.insert(sizes.begin() + d, 1);
  strides.insert(strides.begin() + d, st);
  return alias_reshaped("UnsqueezeBackward0", a, sizes, strides);
}

Tensor flatten(const Tensor& a, int64_t start, int64_t end) {
  if (a.dim() == 0) return reshape(a, {1});
  int64_t s = a.wrap_dim(start), e = a.wrap_dim(end);
  if (s > e) runtime_error("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s == e) return a;
  Shape shape(a.sizes().begin(), a.sizes().begin() + s);
  int64_t n = 1;
  for (int64_t d = s; d <= e; ++d) n *= a.sizes()[d];
  shape.push_back(n);
  shape.insert(shape.end(), a.sizes().begin() + e + 1, a.sizes().end());
  return reshape(a, shape);
}

Tensor select(const Tensor& a, int64_t dim, int64_t index) {
  if (a.dim() == 0) fail(ErrorKind::Index, "select() cannot be applied to a 0-dim tensor.");
  int64_t d = a.wrap_dim(dim);
  int64_t size = a.sizes()[d];
  if (index < -size || index >= size)
    fail(ErrorKind::Index, str_cat("select(): index ", index, " out of range for tensor of size ",
                                   shape_str(a.sizes()), " at dimension ", d));
  if (index < 0) index += size;
  Shape sizes = a.sizes(), strides = a.strides();
  sizes.erase(sizes.begin() + d);
  strides.erase(strides.begin() + d);
  Tensor out = a.alias_with(sizes, strides, a.offset() + index * a.strides()[d]);
  Shape in = a.sizes();
  Shape cs = contiguous_strides(in);
  Shape vs = cs;
  vs.erase(vs.begin() + d);
  int64_t off = index * cs[d];
  return record_view("SelectBackward0", a, out, [in, sizes, vs, off](const Tensor& g) {
    return view_scatter(g, in, sizes, vs, off);
  });
}

Tensor slice(const Tensor& a, int64_t dim, OptInt start_opt, OptInt end_opt, int64_t step) {
  if (a.dim() == 0) fail(ErrorKind::Index, "slice() cannot be applied to a 0-dim tensor.");
  if (step <= 0) fail(ErrorKind::Value, "step must be greater than zero");
  int64_t d = a.wrap_dim(dim);
  int64_t size = a.sizes()[d];
  int64_t start = start_opt ? *start_opt : 0, end = end_opt ? *end_opt : size;
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  int64_t len = (end - start + step - 1) / step;
  Shape sizes = a.sizes(), strides = a.strides();
  sizes[d] = len;
  strides[d] *= step;
  Tensor out = a.alias_with(sizes, strides, a.offset() + start * a.strides()[d]);
  Shape in = a.sizes();
  Shape cs = contiguous_strides(in);
  Shape vs = cs;
  vs[d] *= step;
  int64_t off = start * cs[d];
  return record_view("SliceBackward0", a, out, [in, sizes, vs, off](const Tensor& g) {
    return view_scatter(g, in, sizes, vs, off);
  });
}

Tensor narrow(const Tensor& a, int64_t dim, int64_t start, int64_t length) {
  if (a.dim() == 0) runtime_error("narrow() cannot be applied to a 0-dim tensor.");
  int64_t d = a.wrap_dim(dim);
  int64_t size = a.sizes()[d];
  if (start < -size || start > size)
    fail(ErrorKind::Index, str_cat("start out of range (expected to be in range of [", -size, ", ", size, "], but got ", start, ")"));
  if (start < 0) start += size;
  if (length < 0 || start + length > size)
    runtime_error(str_cat("start (", start, ") + length (", length, ") exceeds dimension size (", size, ")."));
  return slice(a, d, start, start + length, 1);
}

Tensor clone(const Tensor& a) {
  Tensor out = contiguous_copy(a);
  return record_view("CloneBackward0", a, out, [](const Tensor& g) { return g; });
}

Tensor contiguous(const Tensor& a) { return a.is_contiguous() ? a : clone(a); }

Tensor cat(const TensorList& ts, int64_t dim) {
  if (ts.empty()) runtime_error("torch.cat(): expected a non-empty list of Tensors");
  // 1-D empty tensors are skipped, as in PyTorch.
  const Tensor* ref = nullptr;
  for (const Tensor& x : ts)
    if (!(x.dim() == 1 && x.numel() == 0)) { ref = &x; break; }
  if (!ref) return clone(ts[0]);
  if (ref->dim() == 0) runtime_error("zero-dimensional tensor (at position 0) cannot be concatenated");
  int64_t d = ref->wrap_dim(dim);
  Shape shape = ref->sizes();
  int64_t total = 0;
  DType dt = ts[0].dtype();
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& x = ts[i];
    dt = promote(dt, x.dtype());
    if (x.dim() == 1 && x.numel() == 0) continue;
    if (x.dim() != ref->dim())
      runtime_error(str_cat("Tensors must have same number of dimensions: got ", ref->dim(), " and ", x.dim()));
    for (int64_t k = 0; k < x.dim(); ++k)
      if (k != d && x.sizes()[k] != shape[k])
        runtime_error(str_cat("Sizes of tensors must match except in dimension ", d, ". Expected size ", shape[k],
                              " but got size ", x.sizes()[k], " for tensor number ", i, " in the list."));
    total += x.sizes()[d];
  }
  shape[d] = total;
  Tensor out = Tensor::empty(shape, dt);
  // out is contiguous: viewed as [outer, shape[d] * inner], input i fills a column block.
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < d; ++k) outer *= shape[k];
  for (int64_t k = d + 1; k < int64_t(shape.size()); ++k) inner *= shape[k];
  const size_t item = out.itemsize();
  int64_t pos = 0;
  Shape lengths;
  lengths.reserve(ts.size());
  for (const Tensor& x : ts) {
    if (x.dim() == 1 && x.numel() == 0) { lengths.push_back(-1); continue; }
    const int64_t len = x.sizes()[d];
    if (x.dtype() == dt && x.is_contiguous()) {
      // Same dtype, contiguous: each of the outer rows is one block copy.
      copy_blocks(static_cast<char*>(out.raw()) + pos * inner * item, total * inner * item,
                  static_cast<const char*>(x.raw()), len * inner * item, outer);
    } else {
      Shape s = shape;
      s[d] = len;
      copy_into(out.alias_with(s, out.strides(), pos * out.strides()[d]), x);
    }
    pos += len;
    lengths.push_back(len);
  }
  if (needs_grad(ts))
    record("CatBackward0", ts, {out}, [lengths, d](const TensorList& g) {
      TensorList r;
      int64_t p = 0;
      for (int64_t len : lengths) {
        if (len < 0) { r.push_back(Tensor()); continue; }
        r.push_back(narrow(g[0], d, p, len));
        p += len;
      }
      return r;
    }, false);
  return out;
}

Tensor stack(const TensorList& ts, int64_t dim) {
  if (ts.empty()) runtime_error("stack expects a non-empty TensorList");
  int64_t d = wrap_dim(dim, ts[0].dim() + 1);
  for (size_t i = 1; i < ts.size(); ++i)
    if (ts[i].sizes() != ts[0].sizes())
      runtime_error(str_cat("stack expects each tensor to be equal size, but got ", shape_str(ts[0].sizes()),
                            " at entry 0 and ", shape_str(ts[i].sizes()), " at entry ", i));
  TensorList parts;
  for (const Tensor& x : ts) parts.push_back(unsqueeze(x, d));
  return cat(parts, d);
}

TensorList split(const Tensor& a, int64_t size, int64_t dim) {
  int64_t d = real_dim(a, dim);
  if (size <= 0 && !(size == 0 && a.sizes()[d] == 0))
    runtime_error(str_cat("split_size can only be 0 if dimension size is 0, but got dimension size of ", a.sizes()[d]));
  TensorList out;
  int64_t n = a.sizes()[d];
  for (int64_t s = 0; s < n || (n == 0 && out.empty()); s += std::max<int64_t>(size, 1)) {
    out.push_back(narrow(a, d, s, std::min(size, n - s)));
    if (n == 0) break;
  }
  return out;
}

TensorList split_sizes(const Tensor& a, const Shape& sizes, int64_t dim) {
  int64_t d = real_dim(a, dim);
  int64_t total = 0;
  for (auto s : sizes) total += s;
  if (total != a.sizes()[d])
    runtime_error(str_cat("split_with_sizes expects split_sizes to sum exactly to ", a.sizes()[d],
                          " (input tensor's size at dimension ", d, "), but got split_sizes=", shape_str(sizes)));
  TensorList out;
  int64_t p = 0;
  for (auto s : sizes) out.push_back(narrow(a, d, p, s)), p += s;
  return out;
}

TensorList chunk(const Tensor& a, int64_t chunks, int64_t dim) {
  if (chunks <= 0) runtime_error(str_cat("chunk expects `chunks` to be greater than 0, got: ", chunks));
  int64_t d = real_dim(a, dim);
  int64_t n = a.sizes()[d];
  int64_t size = (n + chunks - 1) / chunks;
  if (size == 0 && n == 0) size = 0;
  return split(a, std::max<int64_t>(size, n == 0 ? 0 : 1), d);
}

TensorList unbind(const Tensor& a, int64_t dim) {
  int64_t d = real_dim(a, dim);
  TensorList out;
  for (int64_t i = 0; i < a.sizes()[d]; ++i) out.push_back(select(a, d, i));
  return out;
}

Tensor repeat(const Tensor& a, const Shape& repeats) {
  if (int64_t(repeats.size()) < a.dim())
    runtime_error("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  const size_t n = repeats.size();
  Shape padded(n - a.dim(), 1);
  padded.insert(padded.end(), a.sizes().begin(), a.sizes().end());
  Shape inter, expanded, final_shape;
  for (size_t i = 0; i < n; ++i) {
    inter.push_back(1), inter.push_back(padded[i]);
    expanded.push_back(repeats[i]), expanded.push_back(padded[i]);
    final_shape.push_back(repeats[i] * padded[i]);
  }
  return reshape(expand(reshape(a, inter), expanded), final_shape);
}

}  // namespace janus::ops
