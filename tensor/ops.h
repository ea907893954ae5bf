// The C++ API of every registered op (tensor/ops.def is the registry: Python name, schema,
// this function). Each op runs its kernel and, when an input requires grad, records its
// gradient (written in these same ops) for eager autograd.
#pragma once
#include <optional>
#include <tuple>

#include "tensor/autograd.h"

namespace janus::ops {

using OptScalar = std::optional<Scalar>;
using OptInt = std::optional<int64_t>;
using OptDType = std::optional<DType>;
using OptShape = std::optional<Shape>;
using TensorPair = std::tuple<Tensor, Tensor>;

// ---- wrapped numbers: a Python scalar as a 0-d tensor that yields in type promotion --------
Tensor scalar_tensor(const Scalar& s, OptDType dtype = std::nullopt);
DType result_type(const TensorList& operands);

// ---- elementwise binary -------------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha);
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha);
Tensor rsub(const Tensor& a, const Tensor& b, const Scalar& alpha);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor floor_divide(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
// pow(Tensor, Scalar) (a Python number exponent, no 0-d tensor made for it); a tensor that is not
// floating point takes pow(a, scalar_tensor(exponent)).
Tensor pow_scalar(const Tensor& a, const Scalar& exponent);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor bitwise_and(const Tensor& a, const Tensor& b);
Tensor bitwise_or(const Tensor& a, const Tensor& b);
Tensor bitwise_xor(const Tensor& a, const Tensor& b);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);

// ---- elementwise unary (the list lives in tensor/ops/unary.def) ----------------------------
#define JANUS_UNARY_DECL(name, ...) Tensor name(const Tensor& a);
#include "tensor/ops/unary.def"
#undef JANUS_UNARY_DECL
Tensor logical_not(const Tensor& a);
Tensor bitwise_not(const Tensor& a);
Tensor isnan(const Tensor& a);
Tensor isinf(const Tensor& a);
Tensor isfinite(const Tensor& a);
Tensor clamp(const Tensor& a, const OptScalar& min, const OptScalar& max);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor addcmul(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value);
Tensor addcdiv(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value);
Tensor lerp(const Tensor& self, const Tensor& end, const Tensor& weight);
Tensor to_dtype(const Tensor& a, DType dtype, bool copy);
Tensor to_float(const Tensor& a);
Tensor to_double(const Tensor& a);
Tensor to_long(const Tensor& a);
Tensor to_int(const Tensor& a);
Tensor to_bool(const Tensor& a);
Tensor type_as(const Tensor& a, const Tensor& other);
Tensor masked_fill(const Tensor& a, const Tensor& mask, const Tensor& value);

// ---- reductions ------------------------------------------------------------------------------
Tensor sum(const Tensor& a, OptDType dtype);
Tensor sum_dim(const Tensor& a, const Shape& dims, bool keepdim, OptDType dtype);
Tensor mean(const Tensor& a, OptDType dtype);
Tensor mean_dim(const Tensor& a, const Shape& dims, bool keepdim, OptDType dtype);
Tensor prod(const Tensor& a, OptDType dtype);
Tensor prod_dim(const Tensor& a, int64_t dim, bool keepdim, OptDType dtype);
Tensor max_all(const Tensor& a);
Tensor min_all(const Tensor& a);
TensorPair max_dim(const Tensor& a, int64_t dim, bool keepdim);
TensorPair min_dim(const Tensor& a, int64_t dim, bool keepdim);
Tensor amax(const Tensor& a, const Shape& dims, bool keepdim);
Tensor amin(const Tensor& a, const Shape& dims, bool keepdim);
Tensor argmax(const Tensor& a, OptInt dim, bool keepdim);
Tensor argmin(const Tensor& a, OptInt dim, bool keepdim);
Tensor var(const Tensor& a, bool unbiased);
Tensor var_dim(const Tensor& a, const OptShape& dims, bool unbiased, bool keepdim);
Tensor std(const Tensor& a, bool unbiased);
Tensor std_dim(const Tensor& a, const OptShape& dims, bool unbiased, bool keepdim);
Tensor norm(const Tensor& a, const OptScalar& p, const OptShape& dims, bool keepdim);
Tensor all(const Tensor& a);
Tensor all_dim(const Tensor& a, int64_t dim, bool keepdim);
Tensor any(const Tensor& a);
Tensor any_dim(const Tensor& a, int64_t dim, bool keepdim);
Tensor logsumexp(const Tensor& a, const Shape& dims, bool keepdim);
Tensor sum_to(const Tensor& g, const Shape& shape);  // reduce a broadcast gradient

// ---- linear algebra --------------------------------------------------------------------------
Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor dot(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& v);
Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha);
Tensor outer(const Tensor& a, const Tensor& b);

// ---- shapes and views ------------------------------------------------------------------------
Tensor view(const Tensor& a, const Shape& size);
Tensor reshape(const Tensor& a, const Shape& size);
Tensor view_as(const Tensor& a, const Tensor& other);
Tensor reshape_as(const Tensor& a, const Tensor& other);
Tensor expand(const Tensor& a, const Shape& size);
Tensor expand_as(const Tensor& a, const Tensor& other);
Tensor permute(const Tensor& a, const Shape& dims);
Tensor transpose(const Tensor& a, int64_t d0, int64_t d1);
Tensor t(const Tensor& a);
Tensor squeeze(const Tensor& a);
Tensor squeeze_dim(const Tensor& a, int64_t dim);
Tensor unsqueeze(const Tensor& a, int64_t dim);
Tensor flatten(const Tensor& a, int64_t start, int64_t end);
Tensor select(const Tensor& a, int64_t dim, int64_t index);
Tensor slice(const Tensor& a, int64_t dim, OptInt start, OptInt end, int64_t step);
Tensor narrow(const Tensor& a, int64_t dim, int64_t start, int64_t length);
Tensor contiguous(const Tensor& a);
Tensor clone(const Tensor& a);
Tensor cat(const TensorList& ts, int64_t dim);
Tensor stack(const TensorList& ts, int64_t dim);
TensorList split(const Tensor& a, int64_t size, int64_t dim);
TensorList split_sizes(const Tensor& a, const Shape& sizes, int64_t dim);
TensorList chunk(const Tensor& a, int64_t chunks, int64_t dim);
TensorList unbind(const Tensor& a, int64_t dim);
Tensor repeat(const Tensor& a, const Shape& repeats);
// The view (sizes, strides, offset) of a contiguous copy of `a`, and its gradient: zeros of
// `shape` with g written into that view. Views that select part of a tensor use these.
Tensor strided_view(const Tensor& a, const Shape& sizes, const Shape& strides, int64_t offset);
Tensor view_scatter(const Tensor& g, const Shape& shape, const Shape& sizes, const Shape& strides, int64_t offset);
// `base` (contiguous) with the view (sizes, strides, offset) replaced by src: the out-of-place
// form of an in-place write through a view, so autograd can follow it.
Tensor view_replace(const Tensor& base, const Tensor& src, const Shape& sizes, const Shape& strides, int64_t offset);

// ---- along one dim (tensor/ops/along_dim.cpp) -------------------------------------------------
Tensor cumsum(const Tensor& a, int64_t dim, OptDType dtype);
Tensor flip(const Tensor& a, const Shape& dims);
TensorPair sort(const Tensor& a, int64_t dim, bool descending);
Tensor argsort(const Tensor& a, int64_t dim, bool descending);
TensorPair topk(const Tensor& a, int64_t k, int64_t dim, bool largest, bool sorted);
Tensor tril(const Tensor& a, int64_t diagonal);
Tensor triu(const Tensor& a, int64_t diagonal);

// ---- indexing --------------------------------------------------------------------------------
Tensor index(const Tensor& a, const TensorList& indices);  // advanced indexing (undefined = ':')
Tensor index_put_(const Tensor& a, const TensorList& indices, const Tensor& values, bool accumulate);
Tensor index_put(const Tensor& a, const TensorList& indices, const Tensor& values, bool accumulate);
Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index);
Tensor gather(const Tensor& a, int64_t dim, const Tensor& index);
Tensor scatter_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter_value(const Tensor& a, int64_t dim, const Tensor& index, const Scalar& value);
Tensor scatter_(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter_value_(const Tensor& a, int64_t dim, const Tensor& index, const Scalar& value);
Tensor nonzero(const Tensor& a);

// ---- creation and random ---------------------------------------------------------------------
Tensor zeros(const Shape& size, OptDType dtype);
Tensor ones(const Shape& size, OptDType dtype);
Tensor empty(const Shape& size, OptDType dtype);
Tensor full(const Shape& size, const Scalar& value, OptDType dtype);
Tensor arange(const Scalar& start, const OptScalar& end, const Scalar& step, OptDType dtype);
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, OptDType dtype);
Tensor eye(int64_t n, OptInt m, OptDType dtype);
Tensor zeros_like(const Tensor& a, OptDType dtype);
Tensor ones_like(const Tensor& a, OptDType dtype);
Tensor empty_like(const Tensor& a, OptDType dtype);
Tensor full_like(const Tensor& a, const Scalar& value, OptDType dtype);
Tensor rand(const Shape& size, OptDType dtype);
Tensor randn(const Shape& size, OptDType dtype);
Tensor rand_like(const Tensor& a, OptDType dtype);
Tensor randn_like(const Tensor& a, OptDType dtype);
Tensor randint(int64_t low, int64_t high, const Shape& size, OptDType dtype);
Tensor randint_high(int64_t high, const Shape& size, OptDType dtype);
Tensor randperm(int64_t n, OptDType dtype);
Tensor bernoulli(const Tensor& probs);  // each element 1 with its own probability
Tensor bernoulli_p(const Tensor& a, double p);
Tensor multinomial(const Tensor& probs, int64_t n, bool replacement);
void manual_seed(uint64_t seed);
uint64_t initial_seed();
uint64_t seed();

// ---- in-place --------------------------------------------------------------------------------
Tensor copy_(const Tensor& self, const Tensor& src);
Tensor zero_(const Tensor& self);
Tensor fill_(const Tensor& self, const Tensor& value);
Tensor add_(const Tensor& self, const Tensor& other, const Scalar& alpha);
Tensor sub_(const Tensor& self, const Tensor& other, const Scalar& alpha);
Tensor mul_(const Tensor& self, const Tensor& other);
Tensor div_(const Tensor& self, const Tensor& other);
Tensor pow_(const Tensor& self, const Tensor& other);
Tensor floor_divide_(const Tensor& self, const Tensor& other);
Tensor remainder_(const Tensor& self, const Tensor& other);
Tensor addcmul_(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value);
Tensor addcdiv_(const Tensor& self, const Tensor& t1, const Tensor& t2, const Scalar& value);
Tensor clamp_(const Tensor& self, const OptScalar& min, const OptScalar& max);
Tensor lerp_(const Tensor& self, const Tensor& end, const Tensor& weight);
Tensor masked_fill_(const Tensor& self, const Tensor& mask, const Tensor& value);
Tensor sqrt_(const Tensor& self);
Tensor neg_(const Tensor& self);
Tensor exp_(const Tensor& self);
Tensor relu_(const Tensor& self);
Tensor abs_(const Tensor& self);
Tensor uniform_(const Tensor& self, double a, double b);
Tensor normal_(const Tensor& self, double mean, double std);
Tensor bernoulli_(const Tensor& self, double p);
Tensor bernoulli_tensor_(const Tensor& self, const Tensor& p);  // p broadcast to self's shape
Tensor random_(const Tensor& self);  // torch's random_(): integers over the dtype's exact range
Tensor random_to_(const Tensor& self, int64_t to);                     // [0, to)
Tensor random_from_to_(const Tensor& self, int64_t from, int64_t to);  // [from, to)

// ---- neural-network functions (janus.nn.functional) ------------------------------------------
Tensor softmax(const Tensor& a, int64_t dim, OptDType dtype);
Tensor log_softmax(const Tensor& a, int64_t dim, OptDType dtype);
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t reduction, int64_t ignore_index);
Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, int64_t reduction,
                     int64_t ignore_index, double label_smoothing);
Tensor mse_loss(const Tensor& input, const Tensor& target, int64_t reduction);
Tensor l1_loss(const Tensor& input, const Tensor& target, int64_t reduction);
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, int64_t reduction, double beta);
Tensor dropout(const Tensor& input, double p, bool train);
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx);
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias, double eps);
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias);
// Sliding windows (ops/conv.cpp, ops/pool.cpp). padding is per side before the first row and
// column (conv2d also takes {top, bottom, left, right}); an empty pool stride means the kernel.
Tensor unfold2d(const Tensor& input, const Shape& kernel, const Shape& dilation, const Shape& padding,
                const Shape& stride, const Shape& output_size, double pad_value);  // im2col
Tensor fold2d(const Tensor& cols, const Shape& input_size, const Shape& kernel, const Shape& dilation,
              const Shape& padding, const Shape& stride, const Shape& output_size);  // col2im
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups);
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups);
Tensor max_pool2d(const Tensor& input, const Shape& kernel, const Shape& stride, const Shape& padding,
                  const Shape& dilation, bool ceil_mode);
Tensor avg_pool2d(const Tensor& input, const Shape& kernel, const Shape& stride, const Shape& padding,
                  bool ceil_mode, bool count_include_pad, OptInt divisor_override);
Tensor adaptive_avg_pool2d(const Tensor& input, const Shape& output_size);

// ---- comparisons of whole tensors ------------------------------------------------------------
bool equal(const Tensor& a, const Tensor& b);
Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan);
bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan);

}  // namespace janus::ops
