// Matrix products: GEMM through OpenBLAS (transposed views passed as transposes, not copied);
// matmul, mv, dot, addmm and outer are composites of mm/bmm and views.
#include <cblas.h>

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tensor/iter.h"
#include "tensor/ops.h"

namespace janus::ops {

namespace {

// A 2-D operand as BLAS sees it: row-major with leading dimension, possibly transposed.
struct Operand {
  Tensor t;
  CBLAS_TRANSPOSE trans;
  int64_t ld;
};

Operand as_blas(const Tensor& m) {
  const int64_t r = m.sizes()[0], c = m.sizes()[1];
  const int64_t s0 = m.strides()[0], s1 = m.strides()[1];
  if (s1 == 1 && (s0 >= std::max<int64_t>(c, 1) || r == 1)) return {m, CblasNoTrans, std::max<int64_t>(r == 1 ? c : s0, 1)};
  if (s0 == 1 && (s1 >= std::max<int64_t>(r, 1) || c == 1)) return {m, CblasTrans, std::max<int64_t>(c == 1 ? r : s1, 1)};
  Tensor cm = contiguous_copy(m);
  return {cm, CblasNoTrans, std::max<int64_t>(c, 1)};
}

// Below this many multiply-adds a plain loop is cheaper than OpenBLAS's fixed cost per call
// (argument checks, buffer setup, kernel dispatch: ~2,000 instructions even for a [32,4] x
// [4,1] product; the loop costs a few instructions per multiply-add).
constexpr int64_t kTinyGemmMacs = 512;

// out[M,N] = a[M,K] @ b[K,N] for tiny floating products, any strides. Each dot product is
// summed in double (float products are exact there) in four interleaved partial sums (short
// dependency chains; the loop's per-element overhead is most of its cost) and rounded once:
// at least as accurate as BLAS's accumulation in the operands' type.
// Two adjacent elements widened to doubles: one 8-byte load and cvtps2pd on x86-64 (GCC's
// generic vector conversion scalarizes it).
using Pair01 = double __attribute__((vector_size(16)));
inline Pair01 load_pair(const double* p) {
  Pair01 v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline Pair01 load_pair(const float* p) {
#if defined(__SSE2__)
  return Pair01(_mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))));
#else
  return Pair01{double(p[0]), double(p[1])};
#endif
}

// KC > 0 fixes K at compile time: with a tiny K (a few features) the loop control around each
// dot product costs more than its multiply-adds, and a constant K unrolls it away. Every K
// runs the same arithmetic in the same order. Not vectorized: GCC's versions across j (with
// their alias and trip-count checks) cost more than they save at these sizes.
// Unit: both dot-product operands are contiguous (a row of a, a column of b), so their loads
// need no stride multiplies.
template <class T, int KC, bool Unit>
__attribute__((optimize("no-tree-vectorize"))) void tiny_gemm_k(T* po, const Tensor& a, const Tensor& b, int64_t M, int64_t K_, int64_t N) {
  const int64_t K = KC > 0 ? KC : K_;
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  const int64_t a0 = a.strides()[0], a1 = Unit ? 1 : a.strides()[1], b0 = Unit ? 1 : b.strides()[0],
                b1 = b.strides()[1];
  if constexpr (Unit && KC == 4) {
    // Columns outermost: a column of b is loaded (and widened) once, not once per row of a
    // (nn.Linear with one output: N = 1, M = the batch). The same sums in the same order.
    for (int64_t j = 0; j < N; ++j) {
      const T* y = pb + j * b1;
      const Pair01 y01 = load_pair(y), y23 = load_pair(y + 2);
      for (int64_t i = 0; i < M; ++i) {
        const T* x = pa + i * a0;
        Pair01 p01 = {0, 0}, p23 = {0, 0};
        p01 += load_pair(x) * y01;
        p23 += load_pair(x + 2) * y23;
        po[i * N + j] = T((p01[0] + p01[1]) + (p23[0] + p23[1]));
      }
    }
    return;
  }
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      const T* x = pa + i * a0;
      const T* y = pb + j * b1;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int64_t k = 0;
      if constexpr (Unit) {
        // The same four sums as two-lane vectors (lane-wise IEEE arithmetic: identical values),
        // from pairs of adjacent elements.
        Pair01 p01 = {0, 0}, p23 = {0, 0};
        for (; k + 4 <= K; k += 4) {
          p01 += load_pair(x + k) * load_pair(y + k);
          p23 += load_pair(x + k + 2) * load_pair(y + k + 2);
        }
        s0 = p01[0], s1 = p01[1], s2 = p23[0], s3 = p23[1];
      } else {
        for (; k + 4 <= K; k += 4) {
          s0 += double(x[k * a1]) * double(y[k * b0]);
          s1 += double(x[(k + 1) * a1]) * double(y[(k + 1) * b0]);
          s2 += double(x[(k + 2) * a1]) * double(y[(k + 2) * b0]);
          s3 += double(x[(k + 3) * a1]) * double(y[(k + 3) * b0]);
        }
      }
      for (; k < K; ++k) s0 += double(x[k * a1]) * double(y[k * b0]);
      po[i * N + j] = T((s0 + s1) + (s2 + s3));
    }
}

// A few columns of b whose rows are contiguous (b = x in grad_w = g^T @ x, nn.Linear's weight
// gradient): tiny_gemm_k's sums for all N outputs of a row of `out` at once, two columns per
// vector, instead of one strided dot product per output. Each output still adds the same
// products into the same four partial sums in the same order (lane-wise IEEE arithmetic):
// identical values.
constexpr int64_t kRowsMaxN = 16;
// P column pairs (and a last odd column) fixed at compile time: the per-k work is a few vector
// operations, which a runtime loop over the pairs would double.
// (Pointers and strides: also called on transposed operands, out^T = b^T a^T, below.)
template <class T, int P, bool Odd>
__attribute__((optimize("no-tree-vectorize"))) void tiny_gemm_rows_n(T* po, const T* pa, int64_t a0, int64_t a1, const T* pb,
                                                                    int64_t b0, int64_t M, int64_t K) {
  constexpr int64_t N = 2 * P + Odd;
  for (int64_t i = 0; i < M; ++i) {
    const T* x = pa + i * a0;
    Pair01 s[4][P];
    double t[4] = {0, 0, 0, 0};  // the odd last column
    for (int r = 0; r < 4; ++r)
      for (int p = 0; p < P; ++p) s[r][p] = Pair01{0, 0};
    // Product k goes to partial sum k % 4, except the K % 4 last ones, which go to sum 0.
    auto add_row = [&](int r, int64_t k) __attribute__((always_inline)) {
      const double xv = double(x[k * a1]);
      const Pair01 xx = {xv, xv};
      const T* y = pb + k * b0;
      for (int p = 0; p < P; ++p) s[r][p] += xx * load_pair(y + 2 * p);
      if constexpr (Odd) t[r] += xv * double(y[N - 1]);
    };
    int64_t k = 0;
    for (; k + 4 <= K; k += 4) {
      add_row(0, k);
      add_row(1, k + 1);
      add_row(2, k + 2);
      add_row(3, k + 3);
    }
    for (; k < K; ++k) add_row(0, k);
    T* o = po + i * N;
    for (int p = 0; p < P; ++p) {
      const Pair01 v = (s[0][p] + s[1][p]) + (s[2][p] + s[3][p]);
      o[2 * p] = T(v[0]);
      o[2 * p + 1] = T(v[1]);
    }
    if constexpr (Odd) o[N - 1] = T((t[0] + t[1]) + (t[2] + t[3]));
  }
}

template <class T>
void tiny_gemm_rows(T* po, const T* pa, int64_t a0, int64_t a1, const T* pb, int64_t b0, int64_t M, int64_t K,
                    int64_t N) {
  switch (N) {
#define JANUS_ROWS_CASE(n) \
  case n: return tiny_gemm_rows_n<T, n / 2, n % 2 != 0>(po, pa, a0, a1, pb, b0, M, K);
    JANUS_ROWS_CASE(2) JANUS_ROWS_CASE(3) JANUS_ROWS_CASE(4) JANUS_ROWS_CASE(5) JANUS_ROWS_CASE(6)
    JANUS_ROWS_CASE(7) JANUS_ROWS_CASE(8) JANUS_ROWS_CASE(9) JANUS_ROWS_CASE(10) JANUS_ROWS_CASE(11)
    JANUS_ROWS_CASE(12) JANUS_ROWS_CASE(13) JANUS_ROWS_CASE(14) JANUS_ROWS_CASE(15) JANUS_ROWS_CASE(16)
#undef JANUS_ROWS_CASE
  }
}

template <class T>
void tiny_gemm(T* po, const Tensor& a, const Tensor& b, int64_t M, int64_t K, int64_t N) {
  if (K == 1) return tiny_gemm_k<T, 1, false>(po, a, b, M, K, N);  // no k stride to multiply
  const bool unit = a.strides()[1] == 1 && b.strides()[0] == 1;
  if (!unit) {
    const int64_t a0 = a.strides()[0], a1 = a.strides()[1], b0 = b.strides()[0], b1 = b.strides()[1];
    if (b1 == 1 && N >= 2 && N <= kRowsMaxN) return tiny_gemm_rows(po, a.data<T>(), a0, a1, b.data<T>(), b0, M, K, N);
    // One column out of a column-contiguous a (x^T @ g, nn.Linear's weight gradient with one
    // output): out [M, 1] is out^T [1, M] = b^T a^T in the same memory, a^T row-contiguous.
    if (N == 1 && a0 == 1 && M >= 2 && M <= kRowsMaxN)
      return tiny_gemm_rows(po, b.data<T>(), b1, b0, a.data<T>(), a1, int64_t(1), K, M);
  }
  switch (K) {
    case 2: return unit ? tiny_gemm_k<T, 2, true>(po, a, b, M, K, N) : tiny_gemm_k<T, 2, false>(po, a, b, M, K, N);
    case 3: return unit ? tiny_gemm_k<T, 3, true>(po, a, b, M, K, N) : tiny_gemm_k<T, 3, false>(po, a, b, M, K, N);
    case 4: return unit ? tiny_gemm_k<T, 4, true>(po, a, b, M, K, N) : tiny_gemm_k<T, 4, false>(po, a, b, M, K, N);
    default: return unit ? tiny_gemm_k<T, 0, true>(po, a, b, M, K, N) : tiny_gemm_k<T, 0, false>(po, a, b, M, K, N);
  }
}

// out[M,N] = a[M,K] @ b[K,N]; out is contiguous.
void gemm(const Tensor& out, const Tensor& a, const Tensor& b) {
  const int64_t M = a.sizes()[0], K = a.sizes()[1], N = b.sizes()[1];
  if (M == 0 || N == 0) return;
  if (K == 0) { fill(out, Scalar(int64_t(0))); return; }
  if (M * N * K <= kTinyGemmMacs) {
    if (out.dtype() == DType::Float32) return tiny_gemm(out.data<float>(), a, b, M, K, N);
    if (out.dtype() == DType::Float64) return tiny_gemm(out.data<double>(), a, b, M, K, N);
  }
  if (is_floating(out.dtype())) {
    Operand A = as_blas(a), B = as_blas(b);
    if (out.dtype() == DType::Float32)
      cblas_sgemm(CblasRowMajor, A.trans, B.trans, M, N, K, 1.0f, A.t.data<float>(), A.ld, B.t.data<float>(), B.ld,
                  0.0f, out.data<float>(), std::max<int64_t>(N, 1));
    else
      cblas_dgemm(CblasRowMajor, A.trans, B.trans, M, N, K, 1.0, A.t.data<double>(), A.ld, B.t.data<double>(), B.ld,
                  0.0, out.data<double>(), std::max<int64_t>(N, 1));
    return;
  }
  JANUS_DISPATCH(out.dtype(), [&]<class scalar_t>() {
    const scalar_t* pa = a.data<scalar_t>();
    const scalar_t* pb = b.data<scalar_t>();
    scalar_t* po = out.data<scalar_t>();
    const int64_t a0 = a.strides()[0], a1 = a.strides()[1], b0 = b.strides()[0], b1 = b.strides()[1];
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        int64_t acc = 0;
        for (int64_t k = 0; k < K; ++k) acc += int64_t(pa[i * a0 + k * a1]) * int64_t(pb[k * b0 + j * b1]);
        po[i * N + j] = scalar_t(acc);
      }
  });
}

void check_same_dtype(const Tensor& a, const Tensor& b, const char* what) {
  if (a.dtype() != b.dtype())
    runtime_error(str_cat("expected scalar type ", dtype_legacy(a.dtype()), " but found ", dtype_legacy(b.dtype())));
}

// mm's argument checks, in PyTorch's order and words.
void check_mm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 2) runtime_error(str_cat("self must be a matrix"));
  if (b.dim() != 2) runtime_error(str_cat("mat2 must be a matrix"));
  if (a.sizes()[1] != b.sizes()[0])
    runtime_error(str_cat("mat1 and mat2 shapes cannot be multiplied (", a.sizes()[0], "x", a.sizes()[1], " and ",
                          b.sizes()[0], "x", b.sizes()[1], ")"));
  check_same_dtype(a, b, "mm");
  if (a.dtype() == DType::Bool) runtime_error("\"addmm_impl_cpu_\" not implemented for 'Bool'");
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  check_mm(a, b);
  Tensor out = Tensor::empty({a.sizes()[0], b.sizes()[1]}, a.dtype());
  gemm(out, a, b);
  if (needs_grad({&a, &b})) {
    Saved sa(a), sb(b);
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record("MmBackward0", {a, b}, {out}, [sa, sb, ga, gb](const TensorList& g) {
      return TensorList{ga ? mm(g[0], t(sb.get())) : Tensor(), gb ? mm(t(sa.get()), g[0]) : Tensor()};
    }, true);
  }
  return out;
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 3) runtime_error(str_cat("batch1 must be a 3D tensor"));
  if (b.dim() != 3) runtime_error(str_cat("batch2 must be a 3D tensor"));
  if (a.sizes()[0] != b.sizes()[0]) runtime_error("batch1 and batch2 must have same number of batches");
  if (a.sizes()[2] != b.sizes()[1])
    runtime_error(str_cat("Expected size for first two dimensions of batch2 tensor to be: [", a.sizes()[0], ", ",
                          a.sizes()[2], "] but got: [", b.sizes()[0], ", ", b.sizes()[1], "]."));
  check_same_dtype(a, b, "bmm");
  const int64_t B = a.sizes()[0], M = a.sizes()[1], N = b.sizes()[2];
  Tensor out = Tensor::empty({B, M, N}, a.dtype());
  for (int64_t i = 0; i < B; ++i) {
    Tensor ai = a.alias_with({M, a.sizes()[2]}, {a.strides()[1], a.strides()[2]}, a.offset() + i * a.strides()[0]);
    Tensor bi = b.alias_with({b.sizes()[1], N}, {b.strides()[1], b.strides()[2]}, b.offset() + i * b.strides()[0]);
    Tensor oi = out.alias_with({M, N}, {N, 1}, i * M * N);
    gemm(oi, ai, bi);
  }
  if (needs_grad({&a, &b})) {
    Saved sa(a), sb(b);
    bool ga = a.requires_grad(), gb = b.requires_grad();
    record("BmmBackward0", {a, b}, {out}, [sa, sb, ga, gb](const TensorList& g) {
      return TensorList{ga ? bmm(g[0], transpose(sb.get(), 1, 2)) : Tensor(),
                        gb ? bmm(transpose(sa.get(), 1, 2), g[0]) : Tensor()};
    }, true);
  }
  return out;
}

Tensor dot(const Tensor& a, const Tensor& b) {
  if (a.dim() != 1 || b.dim() != 1)
    runtime_error(str_cat("1D tensors expected, but got ", a.dim(), "D and ", b.dim(), "D tensors"));
  if (a.sizes()[0] != b.sizes()[0])
    runtime_error(str_cat("inconsistent tensor size, expected tensor [", a.sizes()[0],
                          "] and src [", b.sizes()[0], "] to have the same number of elements, but got ",
                          a.sizes()[0], " and ", b.sizes()[0], " elements respectively"));
  check_same_dtype(a, b, "dot");
  return sum(mul(a, b), std::nullopt);
}

Tensor mv(const Tensor& a, const Tensor& v) {
  if (a.dim() != 2 || v.dim() != 1)
    runtime_error(str_cat("vector + matrix @ vector expected, got 1, ", a.dim(), ", ", v.dim()));
  if (a.sizes()[1] != v.sizes()[0])
    runtime_error(str_cat("size mismatch, got input (", a.sizes()[0], "), mat (", a.sizes()[0], "x", a.sizes()[1],
                          "), vec (", v.sizes()[0], ")"));
  return squeeze_dim(mm(a, unsqueeze(v, 1)), 1);
}

namespace {

// self + m1 @ m2 when self has the product's floating dtype and broadcasts to its shape (nn.Linear's
// case): the product is written into the result and self added in place, and one
// AddmmBackward0 node (PyTorch's) stands for the mm and add nodes of the composite. Every value
// is the composite's: the same GEMM, then the same float add of self and the rounded product;
// the gradients are the mm/add formulas on the same operands.
Tensor fused_addmm(const Tensor& self, const Tensor& m1, const Tensor& m2) {
  const int64_t M = m1.sizes()[0], N = m2.sizes()[1];
  const Shape shape{M, N};
  if (broadcast_shape(self.sizes(), shape) != shape)
    runtime_error(str_cat("The expanded size of the tensor (", N, ") must match the existing size (",
                          self.sizes().back(), ") at non-singleton dimension 1"));
  Tensor out = Tensor::empty(shape, m1.dtype());
  gemm(out, m1, m2);
  JANUS_DISPATCH_FLOAT(out.dtype(), "addmm", [&]<class T>() {
    map2<T, T, T>(out, self, out, [](T x, T y) { return T(x + y); });
  });
  if (needs_grad({&self, &m1, &m2})) {
    // Each matrix is saved only for the other's gradient (what mm's node would read).
    const bool g1 = m1.requires_grad(), g2 = m2.requires_grad();
    Saved s1 = g2 ? Saved(m1) : Saved(), s2 = g1 ? Saved(m2) : Saved();
    record("AddmmBackward0", {self, m1, m2}, {out}, [s1, s2, g1, g2](const TensorList& g) {
      return TensorList{g[0], g1 ? mm(g[0], t(s2.get())) : Tensor(), g2 ? mm(t(s1.get()), g[0]) : Tensor()};
    }, g1 || g2);
  }
  return out;
}

}  // namespace

Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  if (beta.to_double() == 1.0 && alpha.to_double() == 1.0 && self.defined() && !self.impl()->wrapped_number &&
      self.dim() <= 2 && is_floating(self.dtype())) {
    check_mm(m1, m2);
    if (self.dtype() == m1.dtype()) return fused_addmm(self, m1, m2);
  }
  Tensor prod = mm(m1, m2);
  if (alpha.to_double() != 1.0) prod = mul(prod, scalar_tensor(alpha));
  if (beta.to_double() == 0.0) return prod;
  Tensor s = beta.to_double() == 1.0 ? self : mul(self, scalar_tensor(beta));
  Tensor out = add(s, prod, Scalar(int64_t(1)));
  if (out.sizes() != prod.sizes())
    runtime_error(str_cat("The expanded size of the tensor (", prod.sizes()[1], ") must match the existing size (",
                          self.sizes().back(), ") at non-singleton dimension 1"));
  return out;
}

Tensor outer(const Tensor& a, const Tensor& b) { return mul(unsqueeze(a, 1), unsqueeze(b, 0)); }

// PyTorch's matmul dispatch by rank: dot, mv, mm, or broadcast batched bmm.
Tensor matmul(const Tensor& a, const Tensor& b) {
  const int64_t da = a.dim(), db = b.dim();
  if (da == 0 || db == 0)
    runtime_error(str_cat("both arguments to matmul need to be at least 1D, but they are ", da, "D and ", db, "D"));
  if (da == 1 && db == 1) return dot(a, b);
  if (da == 2 && db == 1) return mv(a, b);
  if (da == 1 && db == 2) return squeeze_dim(mm(unsqueeze(a, 0), b), 0);
  if (da == 2 && db == 2) return mm(a, b);
  if (da >= 3 && db <= 2) {
    // Fold the batch into rows: [..., n, k] @ [k, m].
    Tensor b2 = db == 1 ? unsqueeze(b, 1) : b;
    if (a.sizes().back() != b2.sizes()[0])
      runtime_error(str_cat("mat1 and mat2 shapes cannot be multiplied (", shape_numel(Shape(a.sizes().begin(), a.sizes().end() - 1)), "x",
                            a.sizes().back(), " and ", b2.sizes()[0], "x", b2.sizes()[1], ")"));
    Tensor out = mm(reshape(a, {-1, a.sizes().back()}), b2);
    Shape s(a.sizes().begin(), a.sizes().end() - 1);
    if (db == 2) s.push_back(b2.sizes()[1]);
    return reshape(out, s);
  }
  Tensor a3 = da == 1 ? unsqueeze(a, 0) : a;
  Tensor b3 = db == 1 ? unsqueeze(b, 1) : b;
  const int64_t n = a3.sizes()[a3.dim() - 2], k = a3.sizes().back(), k2 = b3.sizes()[b3.dim() - 2], m = b3.sizes().back();
  if (k != k2)
    runtime_error(str_cat("Expected size for first two dimensions of batch2 tensor to be: [", 1, ", ", k,
                          "] but got: [", 1, ", ", k2, "]."));
  Shape ba(a3.sizes().begin(), a3.sizes().end() - 2), bb(b3.sizes().begin(), b3.sizes().end() - 2);
  Shape batch = broadcast_shape(ba, bb);
  Shape ea = batch, eb = batch;
  ea.push_back(n), ea.push_back(k), eb.push_back(k2), eb.push_back(m);
  int64_t B = shape_numel(batch);
  Tensor out = bmm(reshape(expand(a3, ea), {B, n, k}), reshape(expand(b3, eb), {B, k, m}));
  Shape s = batch;
  if (da > 1) s.push_back(n);
  if (db > 1) s.push_back(m);
  return reshape(out, s);
}

}  // namespace janus::ops
