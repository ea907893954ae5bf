// Units of the C++ tensor core that Python cannot reach directly: views share storage and
// version counters, broadcasting strides, promotion, and autograd called from C++ alone.
#include <gtest/gtest.h>

#include <thread>

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

// Shape keeps small ranks inline and spills to the heap past Shape::kInline: every operation
// must behave as std::vector<int64_t> does, on both sides of that boundary and across it.
TEST(TensorCore, ShapeBehavesLikeStdVector) {
  uint64_t seed = 12345;
  auto next = [&seed](uint64_t n) { seed = seed * 6364136223846793005ull + 1442695040888963407ull; return (seed >> 33) % n; };
  Shape s;
  std::vector<int64_t> v;
  auto same = [&] {
    ASSERT_EQ(s.size(), v.size());
    ASSERT_TRUE(std::equal(s.begin(), s.end(), v.begin()));
  };
  for (int step = 0; step < 4000; ++step) {
    const int64_t x = int64_t(next(1000)) - 500;
    switch (next(9)) {
      case 0: case 1: s.push_back(x), v.push_back(x); break;
      case 2: if (!v.empty()) s.pop_back(), v.pop_back(); break;
      case 3: { size_t at = next(v.size() + 1); s.insert(s.begin() + at, x), v.insert(v.begin() + at, x); break; }
      case 4: if (!v.empty()) { size_t at = next(v.size()); s.erase(s.begin() + at), v.erase(v.begin() + at); } break;
      case 5: { size_t n = next(2 * Shape::kInline + 2); s.resize(n, x), v.resize(n, x); break; }
      case 6: {  // copies and moves, inline or heap on either side
        Shape c = s;
        Shape m(std::move(c));
        Shape other{1, 2, 3, 4, 5, 6, 7, 8};
        other = m;
        s = std::move(other);
        break;
      }
      case 7: {  // inserting a range of the shape itself
        size_t at = next(v.size() + 1);
        std::vector<int64_t> src(v.begin(), v.begin() + next(v.size() + 1));
        s.insert(s.begin() + at, s.begin(), s.begin() + src.size());
        v.insert(v.begin() + at, src.begin(), src.end());
        break;
      }
      case 8: if (v.size() > 3 * Shape::kInline) s.clear(), v.clear(); break;
    }
    same();
  }
  const std::vector<int64_t> two{2, 3};
  EXPECT_EQ((Shape{2, 3}), Shape(two.begin(), two.end()));
  EXPECT_EQ(Shape(3, 7), (Shape{7, 7, 7}));
  EXPECT_NE((Shape{1, 2}), (Shape{1, 2, 3}));
  EXPECT_TRUE((Shape{1, 2}) < (Shape{1, 3}));
}

// Tensor and graph-node blocks are recycled per thread: a tensor made on one thread and freed
// on another, and a thread that ends with recycled blocks, must both be fine.
TEST(TensorCore, PooledObjectsCrossThreads) {
  Tensor made_here = ops::mul(arange_f(4), arange_f(4));
  Tensor made_there;
  std::thread worker([&] {
    for (int i = 0; i < 1000; ++i) {
      Tensor x = arange_f(3);
      x.impl()->requires_grad = true;
      ops::sum(ops::mul(x, x), std::nullopt);  // records nodes, then frees them
    }
    made_there = arange_f(5);
    made_here = Tensor();  // freed on the worker
  });
  worker.join();
  EXPECT_EQ(made_there.numel(), 5);
  EXPECT_EQ(made_there.data<double>()[4], 4.0);
  made_there = Tensor();  // freed on the main thread
  Tensor again = ops::add(arange_f(2), arange_f(2), Scalar(int64_t(1)));
  EXPECT_EQ(again.data<double>()[1], 2.0);
}
