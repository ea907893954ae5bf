// Tensor core: dtypes, scalars, storage, TensorImpl and the Tensor handle.
// No Python here: the _janus extension and the JIT both call this C++ API.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tensor/device.h"
#include "tensor/shape.h"

namespace janus {

// ---- Errors: each kind maps to the Python exception PyTorch raises -------------------------
enum class ErrorKind { Runtime, Index, Type, Value, NotImplemented, OutOfMemory /* a device's memory */ };
struct Error : std::runtime_error {
  ErrorKind kind;
  Error(ErrorKind k, const std::string& m) : std::runtime_error(m), kind(k) {}
};
[[noreturn]] void fail(ErrorKind kind, const std::string& message);
[[noreturn]] inline void runtime_error(const std::string& m) { fail(ErrorKind::Runtime, m); }
#define JANUS_CHECK(cond, ...) \
  do { if (!(cond)) ::janus::runtime_error(::janus::str_cat(__VA_ARGS__)); } while (0)
std::string str_cat_impl(std::initializer_list<std::string> parts);
template <class... A> std::string str_cat(const A&... a) {
  auto conv = [](const auto& x) -> std::string {
    using X = std::decay_t<decltype(x)>;
    if constexpr (std::is_arithmetic_v<X>) return std::to_string(x);
    else return std::string(x);
  };
  return str_cat_impl({conv(a)...});
}

// ---- Intrusive reference counting (single-threaded under the GIL; hence not atomic) ------
template <class T> class Ref {
 public:
  Ref() = default;
  Ref(T* p) : p_(p) { if (p_) ++p_->refcount; }
  Ref(const Ref& o) : p_(o.p_) { if (p_) ++p_->refcount; }
  Ref(Ref&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  ~Ref() { reset(); }
  Ref& operator=(const Ref& o) { Ref tmp(o); std::swap(p_, tmp.p_); return *this; }
  Ref& operator=(Ref&& o) noexcept { std::swap(p_, o.p_); return *this; }
  void reset() { if (p_ && --p_->refcount == 0) delete p_; p_ = nullptr; }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }
  bool operator==(const Ref& o) const { return p_ == o.p_; }
 private:
  T* p_ = nullptr;
};

// ---- Dtypes: the one table ------------------------------------------------------------------
// Order matters: for these five dtypes type promotion is the maximum (bool < int32 < int64 <
// float32 < float64), which is what PyTorch's promotion table gives for them.
#define JANUS_DTYPES(_)                       \
  _(Bool, bool, "bool", "Bool")               \
  _(Int32, int32_t, "int32", "Int")           \
  _(Int64, int64_t, "int64", "Long")          \
  _(Float32, float, "float32", "Float")       \
  _(Float64, double, "float64", "Double")

enum class DType : uint8_t {
#define JANUS_ENUM(e, t, n, l) e,
  JANUS_DTYPES(JANUS_ENUM)
#undef JANUS_ENUM
};
constexpr int kNumDTypes = 5;
const char* dtype_name(DType d);    // "float32"
const char* dtype_legacy(DType d);  // "Float" (PyTorch's ScalarType name in messages)
// Inline: every raw() and itemsize() asks, so a call per query would cost more than the load.
inline constexpr size_t kDTypeSizes[] = {
#define JANUS_SIZE(e, t, n, l) sizeof(t),
    JANUS_DTYPES(JANUS_SIZE)
#undef JANUS_SIZE
};
inline size_t dtype_size(DType d) { return kDTypeSizes[int(d)]; }
inline bool is_floating(DType d) { return d == DType::Float32 || d == DType::Float64; }
inline bool is_integral(DType d, bool include_bool) {
  return d == DType::Int32 || d == DType::Int64 || (include_bool && d == DType::Bool);
}
inline DType promote(DType a, DType b) { return a > b ? a : b; }
DType default_dtype();
void set_default_dtype(DType d);

template <class T> struct dtype_of;
#define JANUS_DTYPE_OF(e, t, n, l) template <> struct dtype_of<t> { static constexpr DType value = DType::e; };
JANUS_DTYPES(JANUS_DTYPE_OF)
#undef JANUS_DTYPE_OF

// Runs a template lambda `[&]<class scalar_t>() {...}` with scalar_t = the C++ type of D.
#define JANUS_DISPATCH(D, ...)                                                     \
  [&] {                                                                            \
    switch (D) {                                                                   \
      case ::janus::DType::Bool: return (__VA_ARGS__).template operator()<bool>();  \
      case ::janus::DType::Int32: return (__VA_ARGS__).template operator()<int32_t>(); \
      case ::janus::DType::Int64: return (__VA_ARGS__).template operator()<int64_t>(); \
      case ::janus::DType::Float32: return (__VA_ARGS__).template operator()<float>(); \
      case ::janus::DType::Float64: return (__VA_ARGS__).template operator()<double>(); \
    }                                                                              \
    __builtin_unreachable();                                                       \
  }()
#define JANUS_DISPATCH_FLOAT(D, NAME, ...)                                         \
  [&] {                                                                            \
    switch (D) {                                                                   \
      case ::janus::DType::Float32: return (__VA_ARGS__).template operator()<float>(); \
      case ::janus::DType::Float64: return (__VA_ARGS__).template operator()<double>(); \
      default: ::janus::runtime_error(::janus::str_cat("\"", NAME, "\" not implemented for '", \
                                      ::janus::dtype_legacy(D), "'"));            \
    }                                                                              \
  }()

// ---- Scalars (Python numbers crossing into ops) ---------------------------------------------
struct Scalar {
  enum class Kind : uint8_t { Bool, Int, Double } kind = Kind::Int;
  union { bool b; int64_t i; double d; } v{.i = 0};
  Scalar() = default;
  Scalar(bool b) : kind(Kind::Bool) { v.b = b; }
  Scalar(int x) : kind(Kind::Int) { v.i = x; }
  Scalar(int64_t x) : kind(Kind::Int) { v.i = x; }
  Scalar(double x) : kind(Kind::Double) { v.d = x; }
  double to_double() const { return kind == Kind::Double ? v.d : kind == Kind::Int ? double(v.i) : double(v.b); }
  int64_t to_int() const { return kind == Kind::Double ? int64_t(v.d) : kind == Kind::Int ? v.i : int64_t(v.b); }
  bool to_bool() const { return kind == Kind::Double ? v.d != 0 : kind == Kind::Int ? v.i != 0 : v.b; }
  template <class T> T to() const {
    if constexpr (std::is_same_v<T, bool>) return to_bool();
    else if constexpr (std::is_floating_point_v<T>) return T(to_double());
    else return T(to_int());
  }
  bool is_floating() const { return kind == Kind::Double; }
  bool is_bool() const { return kind == Kind::Bool; }
  // The dtype a Python number has when it stands alone (torch.tensor(2.5) is float32).
  DType natural_dtype() const {
    return kind == Kind::Double ? default_dtype() : kind == Kind::Int ? DType::Int64 : DType::Bool;
  }
};

// ---- Storage: a refcounted byte buffer (mimalloc), or memory borrowed from an owner --------
// A small buffer lives in the same mimalloc block as its Storage (one allocation and one free
// per tensor instead of two): tiny tensors are the common case and their cost is mostly
// bookkeeping. Storage objects are therefore always allocated with mimalloc (operator new).
struct Storage {
  int64_t refcount = 0;
  void* data = nullptr;
  size_t nbytes = 0;
  void (*release)(void* context, void* data) = nullptr;  // frees data; null = mi_free
  void* context = nullptr;
  Device device;  // where `data` lives; CPU kernels may only touch CPU storage
  bool inline_data = false;  // data is this block's tail: freed with the Storage itself
  static Ref<Storage> allocate(size_t nbytes);
  static Ref<Storage> borrow(void* data, size_t nbytes, void (*release)(void*, void*), void* context);
  ~Storage();
  static void* operator new(size_t size);
  static void operator delete(void* p);
};

// Shared by a tensor and all its views so an in-place change through any of them is seen
// by the autograd saved-tensor check.
struct VersionCounter {
  int64_t refcount = 0;
  int64_t version = 0;
  static void* operator new(size_t size);  // recycled blocks (see JANUS_POOLED)
  static void operator delete(void* p);
};

// The runtime's small fixed-size objects (TensorImpl, VersionCounter, Node) come and go
// several times per op: their blocks are recycled through a per-thread free list (a pop or a
// push instead of a malloc/free pair). Out of line, so that objects freed in another library
// (the Python binding, a device backend) return to the same list.
void* pooled_alloc(int pool, size_t size);
void pooled_free(int pool, void* p);
enum Pool { kPoolTensorImpl, kPoolVersionCounter, kPoolNode, kNumPools };

struct Node;
class Tensor;
// A weak reference to a TensorImpl (cleared when it dies): lets graph nodes update a tensor
// (retain_grad) without keeping it alive or forming a cycle.
struct TensorImpl;
struct WeakImpl {
  int64_t refcount = 0;
  TensorImpl* ptr = nullptr;
};

struct TensorImpl {
  int64_t refcount = 0;
  Ref<Storage> storage;
  Shape sizes, strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::Float32;
  Ref<VersionCounter> version;
  // Autograd: a leaf has requires_grad and no grad_fn; a non-leaf has grad_fn.
  bool requires_grad = false;
  bool retains_grad = false;
  Ref<Node> grad_fn;
  uint32_t output_nr = 0;
  Ref<TensorImpl> grad;
  Ref<TensorImpl> view_base;  // the tensor whose memory this view shares, if a view
  bool wrapped_number = false;  // a Python scalar: lowest priority in type promotion
  void* pyobj = nullptr;      // borrowed: the Python wrapper, so identity is preserved
  Ref<WeakImpl> weak;         // created on demand
  std::vector<std::function<Tensor(const Tensor&)>> hooks;  // gradient hooks of a leaf
  ~TensorImpl();
  static void* operator new(size_t size) { return pooled_alloc(kPoolTensorImpl, size); }
  static void operator delete(void* p) { pooled_free(kPoolTensorImpl, p); }
};

inline int64_t shape_numel(const Shape& sizes) {
  int64_t n = 1;
  for (auto s : sizes) n *= s;
  return n;
}

// The handle everyone passes around; a null handle is an "undefined" tensor (None).
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Ref<TensorImpl> impl) : impl_(std::move(impl)) {}
  static Tensor empty(Shape sizes, DType dtype);  // by value: a temporary shape is moved in
  // A new tensor sharing storage (and version counter) with this one.
  Tensor alias_with(const Shape& sizes, const Shape& strides, int64_t offset) const;

  bool defined() const { return bool(impl_); }
  TensorImpl* impl() const { return impl_.get(); }
  const Ref<TensorImpl>& ref() const { return impl_; }
  const Shape& sizes() const { return impl_->sizes; }
  const Shape& strides() const { return impl_->strides; }
  int64_t size(int64_t d) const { return impl_->sizes[wrap_dim(d)]; }
  int64_t stride(int64_t d) const { return impl_->strides[wrap_dim(d)]; }
  int64_t dim() const { return int64_t(impl_->sizes.size()); }
  int64_t numel() const { return shape_numel(impl_->sizes); }
  int64_t offset() const { return impl_->offset; }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->storage->device; }
  size_t itemsize() const { return dtype_size(impl_->dtype); }
  bool is_contiguous() const {  // inline: asked several times by nearly every op
    const TensorImpl* t = impl_.get();
    int64_t expected = 1;
    for (int64_t i = int64_t(t->sizes.size()) - 1; i >= 0; --i) {
      if (t->sizes[i] == 1) continue;
      if (t->strides[i] != expected) return shape_numel(t->sizes) == 0;
      expected *= t->sizes[i];
    }
    return true;
  }
  void* raw() const { return static_cast<char*>(impl_->storage->data) + impl_->offset * itemsize(); }
  template <class T> T* data() const { return static_cast<T*>(raw()); }
  int64_t wrap_dim(int64_t d) const;  // negative dims, IndexError when out of range
  bool requires_grad() const { return impl_->requires_grad || bool(impl_->grad_fn); }
  int64_t version() const { return impl_->version->version; }
  void bump_version() const { ++impl_->version->version; }
  bool same(const Tensor& o) const { return impl_ == o.impl_; }
  Scalar item() const;
  std::string type_string() const;  // "torch.FloatTensor"

 private:
  Ref<TensorImpl> impl_;
};

int64_t wrap_dim(int64_t d, int64_t ndim);
Shape contiguous_strides(const Shape& sizes);
std::string shape_str(const Shape& s);  // "[2, 3]"
// RuntimeError "Expected all tensors to be on the same device ..." naming `op` when the
// defined tensors are on different devices (0-d CPU tensors may join any device).
void check_same_device(const char* op, const std::vector<const Tensor*>& tensors);

}  // namespace janus
