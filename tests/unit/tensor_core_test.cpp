// Units of the C++ tensor core that Python cannot reach directly: views share storage and
// version counters, broadcasting strides, promotion, and autograd called from C++ alone.
#include <gtest/gtest.h>

#include "tensor/iter.h"
#include "tensor/ops.h"

using namespace janus;

static Tensor arange_f(int64_t n) { return ops::arange(Scalar(int64_t(0)), Scalar(n), Scalar(int64_t(1)), DType::Float64); }

TEST(TensorCore, ViewsShareStorageAndVersion) {
  Tensor a = ops::reshape(arange_f(6), {2, 3});
  Tensor t = ops::transpose(a, 0, 1);
  EXPECT_EQ(t.impl()->storage.get(), a.impl()->storage.get());
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.strides(), (Shape{1, 3}));
  ops::add_(a, ops::scalar_tensor(Scalar(int64_t(1))), Scalar(int64_t(1)));
  EXPECT_EQ(t.version(), 1);
  EXPECT_DOUBLE_EQ(ops::select(ops::select(t, 0, 2), 0, 1).item().to_double(), 6.0);
}

TEST(TensorCore, BroadcastShapesAndErrors) {
  EXPECT_EQ(broadcast_shape({2, 1, 3}, {4, 3}), (Shape{2, 4, 3}));
  try {
    broadcast_shape({2, 3}, {2, 4});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind, ErrorKind::Runtime);
    EXPECT_NE(std::string(e.what()).find("at non-singleton dimension 1"), std::string::npos);
  }
}

TEST(TensorCore, PromotionFollowsCategories) {
  Tensor i = ops::zeros({2}, DType::Int64), f = ops::zeros({2}, DType::Float32);
  EXPECT_EQ(ops::result_type({i, f}), DType::Float32);
  EXPECT_EQ(ops::result_type({f, ops::zeros({}, DType::Float64)}), DType::Float32);
  EXPECT_EQ(ops::result_type({i, ops::zeros({}, DType::Float64)}), DType::Float64);
  EXPECT_EQ(ops::result_type({i, ops::scalar_tensor(Scalar(2.5))}), DType::Float32);
  EXPECT_EQ(ops::result_type({ops::zeros({2}, DType::Int32), ops::scalar_tensor(Scalar(int64_t(3)))}), DType::Int32);
}

TEST(TensorCore, AutogradFromCpp) {
  Tensor x = arange_f(3);
  x.impl()->requires_grad = true;
  Tensor y = ops::sum(ops::mul(x, x), std::nullopt);
  backward({y}, {}, false, false);
  Tensor g(x.impl()->grad);
  for (int64_t i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(ops::select(g, 0, i).item().to_double(), 2.0 * double(i));
  EXPECT_THROW(backward({y}, {}, false, false), Error);  // the graph was freed
}

TEST(TensorCore, NoGradRecordsNothing) {
  Tensor x = arange_f(3);
  x.impl()->requires_grad = true;
  NoGradGuard guard;
  Tensor y = ops::exp(x);
  EXPECT_FALSE(y.requires_grad());
}

TEST(TensorCore, GemmHandlesTransposedViews) {
  Tensor a = ops::reshape(arange_f(6), {2, 3});
  Tensor c = ops::mm(a, ops::t(a));  // [[5, 14], [14, 50]]
  EXPECT_DOUBLE_EQ(ops::select(ops::select(c, 0, 1), 0, 0).item().to_double(), 14.0);
  EXPECT_DOUBLE_EQ(ops::select(ops::select(c, 0, 1), 0, 1).item().to_double(), 50.0);
}
