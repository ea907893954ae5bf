// mm / addmm / bmm / matmul through cuBLAS. Row-major C = A @ B is column-major C^T = B^T A^T,
// so cuBLAS is called with the operands swapped and nothing transposed. TF32 is off unless
// torch.backends.cuda.matmul.allow_tf32 is set, as in PyTorch.
#include <cublas_v2.h>

#include <algorithm>

#include "gpu/cuda_ops_common.h"
#include "tensor/device_ops.h"

namespace janus::gpu {

namespace {

void blas_check(cublasStatus_t status, const char* op) {
  if (status != CUBLAS_STATUS_SUCCESS)
    runtime_error(str_cat("CUDA error: CUBLAS_STATUS ", int(status), " (", cublasGetStatusString(status), ") in ", op));
}

// out[b] (m x n, contiguous) = alpha * a[b] (m x k) @ b[b] (k x n) + beta * out[b], for `batch` matrices.
void gemm(const char* op, const Tensor& out, const Tensor& a, const Tensor& b, int64_t batch, int64_t m, int64_t n,
          int64_t k, double alpha, double beta) {
  if (m == 0 || n == 0) return;
  int device = out.device().index;
  DeviceGuard guard(device);
  auto handle = static_cast<cublasHandle_t>(cublas_handle(device));
  blas_check(cublasSetStream(handle, static_cast<cudaStream_t>(current_stream(device))), op);
  blas_check(cublasSetMathMode(handle, g_allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH), op);
  // k == 0 is allowed (cuBLAS then computes out = beta * out); leading dims must stay >= 1.
  const int lda = int(std::max<int64_t>(k, 1)), ldb = int(std::max<int64_t>(n, 1));
  if (out.dtype() == DType::Float32) {
    float al = float(alpha), be = float(beta);
    blas_check(cublasSgemmStridedBatched(handle, CUBLAS_OP_N, CUBLAS_OP_N, int(n), int(m), int(k), &al,
                                         b.data<float>(), ldb, k * n, a.data<float>(), lda, m * k, &be,
                                         out.data<float>(), int(n), m * n, int(batch)),
               op);
  } else if (out.dtype() == DType::Float64) {
    blas_check(cublasDgemmStridedBatched(handle, CUBLAS_OP_N, CUBLAS_OP_N, int(n), int(m), int(k), &alpha,
                                         b.data<double>(), ldb, k * n, a.data<double>(), lda, m * k, &beta,
                                         out.data<double>(), int(n), m * n, int(batch)),
               op);
  } else {
    fail(ErrorKind::NotImplemented, str_cat("\"", op, "_cuda\" not implemented for '", dtype_legacy(out.dtype()), "'"));
  }
}

void same_dtype(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype())
    runtime_error(str_cat("expected scalar type ", dtype_legacy(a.dtype()), " but found ", dtype_legacy(b.dtype())));
}

}  // namespace

namespace cuda {
Tensor mm(const Tensor& a, const Tensor& b) {
  check_no_grad("mm", {&a, &b});
  op_device({&a, &b});
  if (a.dim() != 2) runtime_error("self must be a matrix");
  if (b.dim() != 2) runtime_error("mat2 must be a matrix");
  if (a.size(1) != b.size(0))
    runtime_error(str_cat("mat1 and mat2 shapes cannot be multiplied (", a.size(0), "x", a.size(1), " and ", b.size(0),
                          "x", b.size(1), ")"));
  same_dtype(a, b);
  Tensor out = empty_cuda({a.size(0), b.size(1)}, a.dtype(), a.device());
  gemm("mm", out, contiguous_cuda(a), contiguous_cuda(b), 1, a.size(0), b.size(1), a.size(1), 1.0, 0.0);
  return out;
}
Tensor bmm(const Tensor& a, const Tensor& b) {
  check_no_grad("bmm", {&a, &b});
  if (a.dim() != 3) runtime_error(str_cat("batch1 must be a 3D tensor"));
  if (b.dim() != 3) runtime_error(str_cat("batch2 must be a 3D tensor"));
  if (a.size(0) != b.size(0) || a.size(2) != b.size(1))
    runtime_error(str_cat("Expected size for first two dimensions of batch2 tensor to be: [", a.size(0), ", ",
                          a.size(2), "] but got: [", b.size(0), ", ", b.size(1), "]."));
  same_dtype(a, b);
  Tensor out = empty_cuda({a.size(0), a.size(1), b.size(2)}, a.dtype(), a.device());
  if (a.size(0) > 0)
    gemm("bmm", out, contiguous_cuda(a), contiguous_cuda(b), a.size(0), a.size(1), b.size(2), a.size(2), 1.0, 0.0);
  return out;
}
Tensor addmm(const Tensor& self, const Tensor& m1, const Tensor& m2, const Scalar& beta, const Scalar& alpha) {
  check_no_grad("addmm", {&self, &m1, &m2});
  Device d = op_device({&self, &m1, &m2});
  if (m1.dim() != 2) runtime_error("mat1 must be a matrix, got " + std::to_string(m1.dim()) + "-D tensor");
  if (m2.dim() != 2) runtime_error("mat2 must be a matrix, got " + std::to_string(m2.dim()) + "-D tensor");
  if (m1.size(1) != m2.size(0))
    runtime_error(str_cat("mat1 and mat2 shapes cannot be multiplied (", m1.size(0), "x", m1.size(1), " and ",
                          m2.size(0), "x", m2.size(1), ")"));
  same_dtype(m1, m2);
  Tensor out = empty_cuda({m1.size(0), m2.size(1)}, m1.dtype(), d);
  double b = beta.to_double();
  if (b != 0) copy_kernel(out, on_device(self, d), "addmm");  // self broadcast into out; beta 0 ignores self
  gemm("addmm", out, contiguous_cuda(m1), contiguous_cuda(m2), 1, m1.size(0), m2.size(1), m1.size(1),
       alpha.to_double(), b);
  return out;
}
Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.dim() == 2 && b.dim() == 2) return mm(a, b);
  if (a.dim() == 3 && b.dim() == 3) return bmm(a, b);
  fail(ErrorKind::NotImplemented, str_cat("Janus's CUDA matmul takes 2-D @ 2-D or 3-D @ 3-D tensors today (got ",
                                          a.dim(), "-D @ ", b.dim(), "-D)"));
}
}  // namespace cuda

}  // namespace janus::gpu
