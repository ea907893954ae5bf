// Broadcasting and the dtype-converting copy every other kernel leans on.
#include "tensor/iter.h"

namespace janus {

// Shapes are built with push_back: Shape(n) zero-fills through a memset call, which costs more
// than these few dimensions.
Shape broadcast_shape(const Shape& a, const Shape& b) {
  const size_t n = std::max(a.size(), b.size());
  Shape out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      runtime_error(str_cat("The size of tensor a (", da, ") must match the size of tensor b (", db,
                            ") at non-singleton dimension ", i));
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

Shape broadcast_strides(const Tensor& t, const Shape& shape) {
  const size_t n = shape.size(), k = t.sizes().size();
  Shape st;
  st.reserve(n);
  for (size_t j = 0; j < n - k; ++j) st.push_back(0);
  for (size_t i = 0; i < k; ++i) {
    size_t j = n - k + i;
    st.push_back(t.sizes()[i] == 1 && shape[j] != 1 ? 0 : t.strides()[i]);
  }
  return st;
}

void copy_into(const Tensor& dst, const Tensor& src) {
  if (dst.dtype() == src.dtype() && dst.is_contiguous() && src.is_contiguous() && dst.sizes() == src.sizes()) {
    std::memmove(dst.raw(), src.raw(), dst.numel() * dst.itemsize());
    return;
  }
  JANUS_DISPATCH(dst.dtype(), [&]<class scalar_t>() {
    using O = scalar_t;
    JANUS_DISPATCH(src.dtype(), [&]<class S>() {
      map1<O, S>(dst, src, [](S x) { return static_cast<O>(x); });
    });
  });
}

Tensor cast(const Tensor& src, DType dtype) {
  Tensor out = Tensor::empty(src.sizes(), dtype);
  copy_into(out, src);
  return out;
}

Tensor contiguous_copy(const Tensor& src) { return cast(src, src.dtype()); }

void fill(const Tensor& t, const Scalar& v) {
  JANUS_DISPATCH(t.dtype(), [&]<class scalar_t>() {
    scalar_t x = v.to<scalar_t>();
    if (t.is_contiguous()) {
      scalar_t* p = t.data<scalar_t>();
      for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = x;
    } else {
      map1<scalar_t, scalar_t>(t, t, [x](scalar_t) { return x; });
    }
  });
}

}  // namespace janus
