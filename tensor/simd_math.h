// Declares glibc's vector math variants (libmvec) for the scalar math functions the kernels
// use, so GCC vectorizes loops that call them (with -fno-math-errno). Included once per TU
// before any use; the functions are the same C functions, only with their SIMD clones known.
#pragma once
#include <cmath>

#define JANUS_SIMD_MATH(_) _(exp) _(log) _(sin) _(cos) _(tan) _(tanh) _(expm1) _(log1p) _(log2) _(log10) _(erf)
extern "C" {
#define JANUS_DECLARE_SIMD(name)                                             \
  float name##f(float) noexcept __attribute__((__simd__("notinbranch")));    \
  double name(double) noexcept __attribute__((__simd__("notinbranch")));
JANUS_SIMD_MATH(JANUS_DECLARE_SIMD)
#undef JANUS_DECLARE_SIMD
}
