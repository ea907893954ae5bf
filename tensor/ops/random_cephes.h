// Single-precision log and sincos by Cephes' polynomials, one lane of PyTorch's AVX2 kernels.
//
// Why this exists: torch 1.13's normal_ on a contiguous float tensor of >= 16 elements turns
// uniforms into normals with 8-wide AVX2 versions of Cephes' logf/sinf/cosf, built by GCC with
// -mfma, which fuses some of their multiply-adds. Reproducing torch's randn bit for bit means
// computing exactly those roundings: the same polynomial coefficients (Cephes' published
// constants), the same evaluation order, and a fused multiply-add exactly where torch's build
// has one (found by comparing a million draws against Debian's torch). Every operation below
// is one IEEE float operation, so the result does not depend on the host CPU as long as the
// compiler does not contract `a * b + c` on its own: the file that includes this header is
// built with -ffp-contract=off (tensor/CMakeLists.txt).
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>

namespace janus::cephes {

#if defined(__GNUC__)
#define JANUS_CEPHES_INLINE inline __attribute__((always_inline))
#else
#define JANUS_CEPHES_INLINE inline
#endif

JANUS_CEPHES_INLINE float from_bits(uint32_t u) { return std::bit_cast<float>(u); }
JANUS_CEPHES_INLINE uint32_t to_bits(float f) { return std::bit_cast<uint32_t>(f); }

// Natural logarithm; NaN for x <= 0, denormals treated as the smallest normal.
JANUS_CEPHES_INLINE float logf(float x_in) {
  const bool invalid = x_in <= 0.0f;
  float x = x_in > 0x1p-126f ? x_in : 0x1p-126f;  // maxps(x, min_norm): the minimum when x is NaN
  // Split x = m * 2^e with m in [0.5, 1).
  const int32_t exponent = int32_t(to_bits(x) >> 23) - 0x7f;
  x = from_bits((to_bits(x) & ~0x7f800000u) | to_bits(0.5f));
  float e = float(exponent) + 1.0f;
  // Fold m into [sqrt(1/2), sqrt(2)) - 1.
  const bool small = x < 0.707106781186547524f;
  const float add_back = small ? x : 0.0f;
  x = x - 1.0f;
  e = e - (small ? 1.0f : 0.0f);
  x = x + add_back;
  const float z = x * x;
  float y = 7.0376836292E-2f;
  y = std::fma(y, x, -1.1514610310E-1f);
  y = std::fma(y, x, 1.1676998740E-1f);
  y = std::fma(y, x, -1.2420140846E-1f);
  y = std::fma(y, x, 1.4249322787E-1f);
  y = std::fma(y, x, -1.6668057665E-1f);
  y = std::fma(y, x, 2.0000714765E-1f);
  y = std::fma(y, x, -2.4999993993E-1f);
  y = std::fma(y, x, 3.3333331174E-1f);
  y = y * x;
  y = std::fma(y, z, e * -2.12194440e-4f);
  y = std::fma(-z, 0.5f, y);
  x = x + y;
  x = std::fma(e, 0.693359375f, x);
  return invalid ? from_bits(to_bits(x) | 0xffffffffu) : x;
}

// sin(x) and cos(x) together; accurate for |x| < 8192 (Cephes' single-precision reduction).
JANUS_CEPHES_INLINE void sincosf(float x_in, float* sin_out, float* cos_out) {
  uint32_t sign_sin = to_bits(x_in) & 0x80000000u;
  float x = std::fabs(x_in);
  // j = the octant, rounded up to even; y = j as a float.
  int32_t j = int32_t(x * 1.27323954473516f);  // 4/pi; truncation as cvttps2dq
  j = (j + 1) & ~1;
  const float y = float(j);
  const uint32_t swap_sign_sin = uint32_t(j & 4) << 29;
  const bool sin_poly_for_sin = (j & 2) == 0;
  // Extended-precision reduction x - y*pi/4, pi/4 split in three parts.
  x = std::fma(y, -0.78515625f, x);
  x = std::fma(y, -2.4187564849853515625e-4f, x);
  x = std::fma(y, -3.77489497744594108e-8f, x);
  const uint32_t sign_cos = uint32_t(~(j - 2) & 4) << 29;
  sign_sin ^= swap_sign_sin;
  const float z = x * x;
  // cos polynomial on [-pi/4, pi/4].
  float yc = std::fma(2.443315711809948E-005f, z, -1.388731625493765E-003f);
  yc = std::fma(yc, z, 4.166664568298827E-002f);
  yc = yc * z;
  yc = std::fma(yc, z, -(z * 0.5f));
  yc = yc + 1.0f;
  // sin polynomial on [-pi/4, pi/4].
  float ys = std::fma(-1.9515295891E-4f, z, 8.3321608736E-3f);
  ys = std::fma(ys, z, -1.6666654611E-1f);
  ys = ys * z;
  ys = std::fma(ys, x, x);
  // The vector code blends with and/andnot and an add, which turns -0 into +0.
  const float s = (sin_poly_for_sin ? ys : yc) + 0.0f;
  const float c = (sin_poly_for_sin ? yc : ys) + 0.0f;
  *sin_out = from_bits(to_bits(s) ^ sign_sin);
  *cos_out = from_bits(to_bits(c) ^ sign_cos);
}

#undef JANUS_CEPHES_INLINE

}  // namespace janus::cephes
