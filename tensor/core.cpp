// Storage, TensorImpl and the small helpers every op uses.
#include "tensor/core.h"

#include <mimalloc.h>

#include "tensor/autograd.h"

namespace janus {

void fail(ErrorKind kind, const std::string& message) { throw Error(kind, message); }

std::string str_cat_impl(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

static const char* kNames[] = {
#define JANUS_NAME(e, t, n, l) n,
    JANUS_DTYPES(JANUS_NAME)
#undef JANUS_NAME
};
static const char* kLegacy[] = {
#define JANUS_LEGACY(e, t, n, l) l,
    JANUS_DTYPES(JANUS_LEGACY)
#undef JANUS_LEGACY
};
const char* dtype_name(DType d) { return kNames[int(d)]; }
const char* dtype_legacy(DType d) { return kLegacy[int(d)]; }

static DType g_default_dtype = DType::Float32;
DType default_dtype() { return g_default_dtype; }
void set_default_dtype(DType d) {
  if (!is_floating(d)) fail(ErrorKind::Type, "only floating-point types are supported as the default type");
  g_default_dtype = d;
}

// ---- pooled objects -------------------------------------------------------------------------
namespace {
struct FreeList {
  void* head = nullptr;
  size_t size = 0;  // the block size of this pool (each pool serves one type)
  uint32_t count = 0;
};
// Enough for the live-and-dead churn of a training step; beyond it blocks go back to mimalloc.
constexpr uint32_t kMaxPooled = 512;
// initial-exec: a %fs-relative load (the library is loaded at startup with the extension).
thread_local FreeList g_pools[kNumPools] __attribute__((tls_model("initial-exec")));

// Gives a thread's pooled blocks back to mimalloc when the thread ends. Registered (a
// thread_local with a destructor) on a pool's cold paths only: the hot paths stay a plain load.
struct PoolDrain {
  ~PoolDrain() {
    for (FreeList& fl : g_pools) {
      while (fl.head) {
        void* p = fl.head;
        fl.head = *static_cast<void**>(p);
        mi_free(p);
      }
      fl.count = 0;
    }
  }
};
__attribute__((noinline, cold)) void register_pool_drain() {
  static thread_local PoolDrain drain __attribute__((tls_model("initial-exec")));
  (void)drain;
}
}  // namespace

void* pooled_alloc(int pool, size_t size) {
  FreeList& fl = g_pools[pool];
  if (fl.head && size == fl.size) [[likely]] {
    void* p = fl.head;
    fl.head = *static_cast<void**>(p);
    --fl.count;
    return p;
  }
  fl.size = size;
  register_pool_drain();
  if (void* p = mi_malloc(std::max(size, sizeof(void*)))) return p;
  throw std::bad_alloc();
}

void pooled_free(int pool, void* p) {
  FreeList& fl = g_pools[pool];
  if (!p) return;
  if (fl.count < kMaxPooled) {
    void* const old_head = fl.head;
    *static_cast<void**>(p) = old_head;
    fl.head = p;
    ++fl.count;
    // A thread that frees without having allocated still gives its blocks back (last, so
    // that the common path needs no saved registers).
    if (!old_head) [[unlikely]] register_pool_drain();
    return;
  }
  mi_free(p);
}

void* VersionCounter::operator new(size_t size) { return pooled_alloc(kPoolVersionCounter, size); }
void VersionCounter::operator delete(void* p) { pooled_free(kPoolVersionCounter, p); }

void* Storage::operator new(size_t size) {
  if (void* p = mi_malloc(size)) return p;
  throw std::bad_alloc();
}
void Storage::operator delete(void* p) { mi_free(p); }

// Buffers up to this size share their Storage's block, after a header padded to 64 bytes.
// They are only 16-byte aligned (mimalloc's plain alignment, enough for any element type and
// SSE loads): mimalloc's aligned allocation costs more than such a tensor's arithmetic.
constexpr size_t kInlineStorageBytes = 1024;
constexpr size_t kStorageHeader = 64;
static_assert(sizeof(Storage) <= kStorageHeader);

Ref<Storage> Storage::allocate(size_t nbytes) {
  if (nbytes <= kInlineStorageBytes) {
    void* block = mi_malloc(kStorageHeader + nbytes);
    if (!block) throw std::bad_alloc();
    Storage* s = ::new (block) Storage;  // freed by Storage::operator delete (mi_free)
    s->data = static_cast<char*>(block) + kStorageHeader;
    s->nbytes = nbytes;
    s->inline_data = true;
    return Ref<Storage>(s);
  }
  Ref<Storage> s(new Storage);
  // 64-byte alignment keeps vectorized kernels on aligned loads for fresh tensors.
  s->data = mi_malloc_aligned(nbytes, 64);
  if (!s->data) runtime_error(str_cat("DefaultCPUAllocator: can't allocate memory: you tried to allocate ", nbytes, " bytes."));
  s->nbytes = nbytes;
  return s;
}

Ref<Storage> Storage::borrow(void* data, size_t nbytes, void (*release)(void*, void*), void* context) {
  Ref<Storage> s(new Storage);
  s->data = data;
  s->nbytes = nbytes;
  s->release = release;
  s->context = context;
  return s;
}

Storage::~Storage() {
  if (release) release(context, data);
  else if (!inline_data) mi_free(data);
}

TensorImpl::~TensorImpl() {
  if (weak) weak->ptr = nullptr;
}

Shape contiguous_strides(const Shape& sizes) {
  Shape st(sizes.size());
  int64_t acc = 1;
  for (int64_t i = int64_t(sizes.size()) - 1; i >= 0; --i) {
    st[i] = acc;
    acc *= std::max<int64_t>(sizes[i], 1);
  }
  return st;
}

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

int64_t wrap_dim(int64_t d, int64_t ndim) {
  int64_t n = std::max<int64_t>(ndim, 1);
  if (d < -n || d >= n)
    fail(ErrorKind::Index, str_cat("Dimension out of range (expected to be in range of [", -n, ", ", n - 1,
                                   "], but got ", d, ")"));
  return d < 0 ? d + n : d;
}

Tensor Tensor::empty(Shape sizes, DType dtype) {
  // Sizes come from users: check for negatives and for byte counts that overflow.
  uint64_t nbytes = dtype_size(dtype);
  bool overflow = false;
  for (auto s : sizes) {
    if (s < 0) runtime_error(str_cat("Trying to create tensor with negative dimension ", s, ": ", shape_str(sizes)));
    overflow = overflow || __builtin_mul_overflow(nbytes, uint64_t(s), &nbytes);
  }
  if (overflow || nbytes > (uint64_t(1) << 48))
    runtime_error(str_cat("DefaultCPUAllocator: can't allocate memory: you tried to allocate a tensor of size ",
                          shape_str(sizes), " (", overflow ? std::string("more than 2^64") : std::to_string(nbytes),
                          " bytes)"));
  Ref<TensorImpl> t(new TensorImpl);
  t->storage = Storage::allocate(size_t(nbytes));
  // contiguous_strides, written in place (over a copy of the sizes: a fixed-size copy for an
  // inline shape, where resize() would zero-fill through a memset call)
  const size_t nd = sizes.size();
  t->strides = sizes;
  int64_t acc = 1;
  for (size_t i = nd; i-- > 0;) {
    t->strides[i] = acc;
    acc *= std::max<int64_t>(sizes[i], 1);
  }
  t->sizes = std::move(sizes);
  t->dtype = dtype;
  t->version = Ref<VersionCounter>(new VersionCounter);
  return Tensor(std::move(t));
}

Tensor Tensor::alias_with(const Shape& sizes, const Shape& strides, int64_t offset) const {
  Ref<TensorImpl> t(new TensorImpl);
  t->storage = impl_->storage;
  t->sizes = sizes;
  t->strides = strides;
  t->offset = offset;
  t->dtype = impl_->dtype;
  t->version = impl_->version;
  t->view_base = impl_->view_base ? impl_->view_base : impl_;
  return Tensor(std::move(t));
}

int64_t Tensor::wrap_dim(int64_t d) const { return janus::wrap_dim(d, dim()); }

Scalar Tensor::item() const {
  if (numel() != 1)
    fail(ErrorKind::Value, "only one element tensors can be converted to Python scalars");
  return JANUS_DISPATCH(dtype(), [&]<class scalar_t>() -> Scalar {
    scalar_t v = *data<scalar_t>();
    if constexpr (std::is_same_v<scalar_t, bool>) return Scalar(v);
    else if constexpr (std::is_floating_point_v<scalar_t>) return Scalar(double(v));
    else return Scalar(int64_t(v));
  });
}

std::string Tensor::type_string() const { return str_cat("torch.", dtype_legacy(dtype()), "Tensor"); }

}  // namespace janus
