// Eager autograd: graph nodes recorded by the ops, saved tensors with version checks, and the
// engine behind backward() and autograd.grad(). Gradients are written with registered ops, so
// a create_graph backward records a graph of its own.
#pragma once
#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>

#include "tensor/core.h"

namespace janus {

using TensorList = std::vector<Tensor>;

struct Edge {
  Ref<Node> fn;
  uint32_t input_nr = 0;
};

struct OutputMeta {
  Shape sizes;
  DType dtype;
};

// grads[i] is the gradient of forward output i (zeros filled in when nothing flowed back);
// the result has one entry per forward input (undefined where the input needs none).
// A move-only std::function for that signature that keeps closures of up to kInline bytes
// (two saved tensors and a few flags, a shape or two) inside the node: every recorded op makes
// one, and std::function's 16-byte buffer sent nearly all of them to the heap.
class BackwardFn {
 public:
  static constexpr size_t kInline = 136;
  BackwardFn() = default;
  BackwardFn(std::nullptr_t) {}
  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, BackwardFn> && !std::is_same_v<D, std::nullptr_t>>>
  BackwardFn(F&& f) {
    if constexpr (sizeof(D) <= kInline && alignof(D) <= alignof(std::max_align_t)) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      *reinterpret_cast<D**>(buf_) = new D(std::forward<F>(f));
      ops_ = &kHeapOps<D>;
    }
  }
  BackwardFn(BackwardFn&& o) noexcept { take(o); }
  BackwardFn& operator=(BackwardFn&& o) noexcept {
    if (this != &o) reset(), take(o);
    return *this;
  }
  BackwardFn& operator=(std::nullptr_t) {
    reset();
    return *this;
  }
  BackwardFn(const BackwardFn&) = delete;
  BackwardFn& operator=(const BackwardFn&) = delete;
  ~BackwardFn() { reset(); }
  explicit operator bool() const { return ops_ != nullptr; }
  TensorList operator()(const TensorList& grads) const { return ops_->call(buf_, grads); }

 private:
  struct Ops {
    TensorList (*call)(const void* self, const TensorList& grads);
    void (*move)(void* dst, void* src);  // move-constructs dst from src, then destroys src
    void (*destroy)(void* self);
  };
  template <class D> static constexpr Ops kInlineOps = {
      [](const void* self, const TensorList& g) { return (*static_cast<const D*>(self))(g); },
      [](void* dst, void* src) {
        ::new (dst) D(std::move(*static_cast<D*>(src)));
        static_cast<D*>(src)->~D();
      },
      [](void* self) { static_cast<D*>(self)->~D(); }};
  template <class D> static constexpr Ops kHeapOps = {
      [](const void* self, const TensorList& g) { return (**static_cast<D* const*>(self))(g); },
      [](void* dst, void* src) { *static_cast<D**>(dst) = *static_cast<D**>(src); },
      [](void* self) { delete *static_cast<D**>(self); }};
  void reset() {
    if (ops_) ops_->destroy(buf_), ops_ = nullptr;
  }
  void take(BackwardFn& o) {
    if (o.ops_) o.ops_->move(buf_, o.buf_), ops_ = o.ops_, o.ops_ = nullptr;
  }
  const Ops* ops_ = nullptr;
  alignas(std::max_align_t) unsigned char buf_[kInline];
};

struct Node {
  static void* operator new(size_t size) { return pooled_alloc(kPoolNode, size); }
  static void operator delete(void* p) { pooled_free(kPoolNode, p); }
  int64_t refcount = 0;
  const char* name = "";
  std::vector<Edge> next;          // one per forward input
  std::vector<OutputMeta> outputs;  // one per forward output
  BackwardFn fn;
  bool saves = false;     // has saved tensors: a second backward without retain_graph is an error
  bool released = false;
  uint64_t sequence = 0;
  Ref<TensorImpl> leaf;   // set on AccumulateGrad nodes only
  // Hooks on the gradient of forward output `first`, run before fn (register_hook, retain_grad).
  std::vector<std::pair<uint32_t, std::function<Tensor(const Tensor&)>>> pre_hooks;
  // The engine's bookkeeping for the backward run that reached this node last: a run id, the
  // edges still to deliver, the gradients summed so far. Kept here rather than in per-run hash
  // maps (a training step's backward is dominated by small nodes); a run started inside
  // another (a hook that calls backward) saves and restores the outer run's values.
  // A node with one output (nearly all) sums into engine_grad: no vector to allocate.
  uint64_t engine_run = 0;
  int engine_deps = 0;
  Tensor engine_grad;
  std::vector<Tensor> engine_grads;
};

// ---- Grad mode -----------------------------------------------------------------------------
bool grad_enabled();
void set_grad_enabled(bool on);
struct NoGradGuard {
  bool prev;
  explicit NoGradGuard(bool enable = false) : prev(grad_enabled()) { set_grad_enabled(enable); }
  ~NoGradGuard() { set_grad_enabled(prev); }
};

// True when grad mode is on and any input requires grad: only then is a node recorded.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
bool needs_grad(const TensorList& inputs);

// Records a node whose inputs are `inputs` and whose outputs are `outputs` (outputs that are
// not floating point are left alone: they carry no gradient).
void record(const char* name, const TensorList& inputs, const TensorList& outputs, BackwardFn fn,
            bool saves);
// The same for the usual call `record(name, {a, b}, {out}, ...)`: no vectors built for the lists.
void record(const char* name, std::initializer_list<Tensor> inputs, std::initializer_list<Tensor> outputs,
            BackwardFn fn, bool saves);

// A tensor kept for the backward pass. get() raises PyTorch's error when the tensor was
// modified in place after it was saved. Outputs are saved without their grad_fn (no cycle).
class Saved {
 public:
  Saved() = default;
  explicit Saved(const Tensor& t, bool is_output = false);
  Tensor get() const;
 private:
  Tensor tensor_;
  int64_t version_ = 0;
  // Where the tensor came from, for get()'s error message (formatted only then: saving is hot).
  const char* origin_fn_ = nullptr;  // the grad_fn's name (names are string literals)
  uint32_t origin_nr_ = 0;
};

// An in-place op on `self`: `result` holds the new history, `self` takes it over.
void rebase_history(const Tensor& self, const Tensor& result);
// Raises PyTorch's errors for in-place ops that autograd cannot follow.
void check_inplace(const Tensor& self, bool will_record);

void backward(const TensorList& roots, const TensorList& grad_roots, bool retain_graph, bool create_graph);
TensorList grad(const TensorList& outputs, const TensorList& inputs, const TensorList& grad_outputs,
                bool retain_graph, bool create_graph, bool allow_unused);

// Tensor.register_hook: hook(grad) may return a replacement gradient (undefined = keep).
void register_hook(const Tensor& t, std::function<Tensor(const Tensor&)> hook);
// Tensor.retain_grad: a non-leaf keeps (accumulates) its gradient in .grad.
void retain_grad(const Tensor& t);

// Detached alias: same memory and version counter, no history.
Tensor detach(const Tensor& t);

}  // namespace janus
