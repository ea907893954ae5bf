// In-place ops. Each is its out-of-place op plus a write-back: the result is computed (with
// history, from a clone of self when self needs grad, so saved values stay valid), checked
// against self's dtype and shape as PyTorch does, copied in, and self takes over the history.
#include <functional>

#include "tensor/iter.h"
#include "tensor/ops.h"

namespace janus::ops {

static bool can_cast(DType from, DType to) {
  if (is_floating(from) && !is_floating(to)) return false;
  if (from != DType::Bool && to == DType::Bool) return false;
  return true;
}

static void check_result(const Tensor& self, const Tensor& r) {
  if (!can_cast(r.dtype(), self.dtype()))
    runtime_error(str_cat("result type ", dtype_legacy(r.dtype()), " can't be cast to the desired output type ",
                          dtype_legacy(self.dtype())));
  if (broadcast_shape(r.sizes(), self.sizes()) != self.sizes())
    runtime_error(str_cat("output with shape ", shape_str(self.sizes()), " doesn't match the broadcast shape ",
                          shape_str(broadcast_shape(r.sizes(), self.sizes()))));
}

// An in-place op through a view when autograd must follow it (out[t] = h): the base takes the
// history of "base with the view's region replaced", and the view becomes a view of that.
static Tensor inplace_on_view(const Tensor& self, const std::function<Tensor(const Tensor&)>& op) {
  Tensor base(self.impl()->view_base);
  if (base.impl()->requires_grad && !base.impl()->grad_fn)
    runtime_error("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  if (!base.is_contiguous() || base.impl()->storage.get() != self.impl()->storage.get())
    fail(ErrorKind::NotImplemented, "an in-place operation on a view of a non-contiguous tensor that needs gradient "
                                    "history is not supported by Janus (clone the base first)");
  const Shape sizes = self.sizes(), strides = self.strides();
  const int64_t offset = self.offset() - base.offset();
  Tensor r = op(self.requires_grad() ? clone(self) : detach(self));
  check_result(self, r);
  Tensor region = to_dtype(expand(r, sizes), self.dtype(), false);
  Tensor new_base = view_replace(base, region, sizes, strides, offset);
  copy_into(self, region);
  self.bump_version();
  rebase_history(base, new_base);
  rebase_history(self, strided_view(new_base, sizes, strides, offset));
  return self;
}

static Tensor apply_inplace(const Tensor& self, const TensorList& others, const std::function<Tensor(const Tensor&)>& op) {
  TensorList all = others;
  all.push_back(self);
  const bool rec = needs_grad(all);
  if (rec && self.impl()->view_base) return inplace_on_view(self, op);
  check_inplace(self, rec);
  Tensor r = op(rec && self.requires_grad() ? clone(self) : self);
  check_result(self, r);
  if (rec && r.requires_grad()) {
    Tensor h = to_dtype(expand(r, self.sizes()), self.dtype(), false);
    if (!h.impl()->grad_fn) h = clone(h);
    copy_into(self, h);
    self.bump_version();
    rebase_history(self, h);
  } else {
    copy_into(self, r);
    self.bump_version();
  }
  return self;
}

Tensor copy_(const Tensor& self, const Tensor& src) {
  if (!needs_grad({&self, &src})) {
    check_inplace(self, false);
    broadcast_shape(src.sizes(), self.sizes());
    if (broadcast_shape(src.sizes(), self.sizes()) != self.sizes())
      runtime_error(str_cat("output with shape ", shape_str(self.sizes()), " doesn't match the broadcast shape ",
                            shape_str(broadcast_shape(src.sizes(), self.sizes()))));
    copy_into(self, src);
    self.bump_version();
    return self;
  }
  DType dt = self.dtype();
  return apply_inplace(self, {src}, [&](const Tensor&) { return to_dtype(expand(src, self.sizes()), dt, false); });
}

Tensor zero_(const Tensor& self) {
  if (needs_grad({&self}))  // the old values stop mattering: their gradient is zero
    return apply_inplace(self, {}, [](const Tensor& s) { return where(ones_like(s, DType::Bool), zeros_like(s, std::nullopt), s); });
  check_inplace(self, false);
  fill(self, Scalar(int64_t(0)));
  self.bump_version();
  return self;
}

Tensor fill_(const Tensor& self, const Tensor& value) {
  if (value.dim() != 0)
    runtime_error(str_cat("fill_ only supports 0-dimension value tensor but got tensor with ", value.dim(), " dimensions."));
  if (needs_grad({&value}))
    return apply_inplace(self, {value}, [&](const Tensor&) { return expand(to_dtype(value, self.dtype(), false), self.sizes()); });
  if (needs_grad({&self}))
    return apply_inplace(self, {}, [&](const Tensor& s) { return where(ones_like(s, DType::Bool), to_dtype(value, s.dtype(), false), s); });
  check_inplace(self, false);
  fill(self, value.item());
  self.bump_version();
  return self;
}

Tensor add_(const Tensor& self, const Tensor& other, const Scalar& alpha) {
  // The optimizer's hot path: same dtype, no autograd, write straight into self.
  if (!needs_grad({&self, &other}) && other.dtype() == self.dtype() && is_floating(self.dtype()) &&
      broadcast_shape(other.sizes(), self.sizes()) == self.sizes()) {
    check_inplace(self, false);
    JANUS_DISPATCH(self.dtype(), [&]<class scalar_t>() {
      scalar_t al = alpha.to<scalar_t>();
      map2<scalar_t, scalar_t, scalar_t>(self, self, other, [al](scalar_t x, scalar_t y) { return scalar_t(x + al * y); });
    });
    self.bump_version();
    return self;
  }
  return apply_inplace(self, {other}, [&](const Tensor& s) { return add(s, other, alpha); });
}
Tensor sub_(const Tensor& self, const Tensor& other, const Scalar& alpha) {
  if (self.dtype() == DType::Bool || (other.dtype() == DType::Bool && !other.impl()->wrapped_number))
    return apply_inplace(self, {other}, [&](const Tensor& s) { return sub(s, other, alpha); });
  return add_(self, other, alpha.is_floating() ? Scalar(-alpha.to_double()) : Scalar(-alpha.to_int()));
}
Tensor mul_(const Tensor& self, const Tensor& other) {
  return apply_inplace(self, {other}, [&](const Tensor& s) { return mul(s, other); });
}
Tensor div_(const Tensor& self, const Tensor& other) {
  return apply_inplace(self, {other}, [&](const Tensor& s) { return div(s, other); });
}
Tensor pow_(const Tensor& self, const Tensor& other) {
  return apply_inplace(self, {other}, [&](const Tensor& s) { return pow(s, other); });
}
Tensor floor_divide_(const Tensor& self, const Tensor& other) {
  return apply_inplace(self, {other}, [&](const Tensor& s) { return floor_divide(s, other); });
}
Tensor remainder_(const Tensor& self, const Tensor& other) {
  return apply_inplace(self, {other}, [&](const Tensor& s) { return remainder(s, other); });
}
Tensor addcmul_(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  return apply_inplace(self, {t1, t2}, [&](const Tensor& s) { return addcmul(s, t1, t2, value); });
}
Tensor addcdiv_(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value) {
  return apply_inplace(self, {t1, t2}, [&](const Tensor& s) { return addcdiv(s, t1, t2, value); });
}
Tensor clamp_(const Tensor& self, const OptScalar& lo, const OptScalar& hi) {
  return apply_inplace(self, {}, [&](const Tensor& s) { return clamp(s, lo, hi); });
}
Tensor lerp_(const Tensor& self, const Tensor& end, const Tensor& weight) {
  return apply_inplace(self, {end, weight}, [&](const Tensor& s) { return lerp(s, end, weight); });
}
Tensor masked_fill_(const Tensor& self, const Tensor& mask, const Tensor& value) {
  return apply_inplace(self, {value}, [&](const Tensor& s) { return masked_fill(s, mask, value); });
}
Tensor sqrt_(const Tensor& self) { return apply_inplace(self, {}, [](const Tensor& s) { return sqrt(s); }); }
Tensor neg_(const Tensor& self) { return apply_inplace(self, {}, [](const Tensor& s) { return neg(s); }); }
Tensor exp_(const Tensor& self) { return apply_inplace(self, {}, [](const Tensor& s) { return exp(s); }); }
Tensor relu_(const Tensor& self) { return apply_inplace(self, {}, [](const Tensor& s) { return relu(s); }); }
Tensor abs_(const Tensor& self) { return apply_inplace(self, {}, [](const Tensor& s) { return abs(s); }); }

}  // namespace janus::ops
