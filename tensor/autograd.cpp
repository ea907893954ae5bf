// The eager autograd engine: dependency counting over the recorded graph, then a pass in
// topological order that sums incoming gradients per node and calls its backward function.
#include "tensor/autograd.h"

#include <algorithm>
#include <unordered_map>

#include "tensor/device_ops.h"
#include "tensor/ops.h"

namespace janus {

// ---- gradients on a device -------------------------------------------------------------------
// The engine's own arithmetic on gradients (summing, accumulating into .grad, zeros, casts)
// runs the CPU function, or, for a gradient on a device, the backend's kernel of the same op
// (tensor/device_ops.h): one compare on the CPU path. No kernel: NotImplementedError naming
// the op and device, never a CPU kernel on device memory.
template <class F>
static F on_device(F cpu, const char* name, Device d) {
  if (d.is_cpu()) [[likely]] return cpu;
  ErasedOp kernel = find_device_op(d.type, name);
  if (!kernel)
    fail(ErrorKind::NotImplemented, str_cat("Janus has no ", device_type_name(d.type), " kernel for '", name,
                                            "' yet (autograd on device '", device_str(d), "')"));
  return reinterpret_cast<F>(kernel);
}
#define JANUS_GRAD_OP(op, device) on_device(&ops::op, #op, device)

static Tensor zeros_on(const Shape& sizes, DType dtype, Device d) {
  if (d.is_cpu()) [[likely]] return ops::zeros(sizes, dtype);
  auto empty = reinterpret_cast<EmptyOnFn>(find_device_op(d.type, kEmptyOnOp));
  if (!empty) fail(ErrorKind::NotImplemented, str_cat("Janus's ", device_type_name(d.type), " backend is not loaded"));
  Tensor z = empty(sizes, dtype, d);
  JANUS_GRAD_OP(zero_, d)(z);
  return z;
}

// initial-exec: a plain %fs-relative load. The default model for a shared library calls
// __tls_get_addr on every access, and every op asks whether grad mode is on.
static thread_local bool g_grad_enabled __attribute__((tls_model("initial-exec"))) = true;
bool grad_enabled() { return g_grad_enabled; }
void set_grad_enabled(bool on) { g_grad_enabled = on; }

static uint64_t g_sequence = 0;

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

bool needs_grad(const TensorList& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

static Ref<Node> accumulate_node(const Ref<TensorImpl>& leaf) {
  Ref<Node> n(new Node);
  n->name = "AccumulateGrad";
  n->leaf = leaf;
  n->outputs.push_back({leaf->sizes, leaf->dtype});
  n->sequence = ++g_sequence;
  return n;
}

static Edge edge_of(const Tensor& t) {
  if (!t.defined()) return {};
  TensorImpl* impl = t.impl();
  if (impl->grad_fn) return {impl->grad_fn, impl->output_nr};
  if (impl->requires_grad) return {accumulate_node(t.ref()), 0};
  return {};
}

static void record_node(const char* name, const Tensor* inputs, size_t n_in, const Tensor* outputs, size_t n_out,
                        BackwardFn&& fn, bool saves) {
  Ref<Node> node(new Node);
  node->name = name;
  node->sequence = ++g_sequence;
  node->saves = saves;
  node->fn = std::move(fn);
  node->next.reserve(n_in);
  for (size_t i = 0; i < n_in; ++i) node->next.push_back(edge_of(inputs[i]));
  node->outputs.reserve(n_out);
  for (size_t nr = 0; nr < n_out; ++nr) {
    const Tensor& out = outputs[nr];
    node->outputs.push_back({out.sizes(), out.dtype()});
    if (is_floating(out.dtype())) {
      out.impl()->grad_fn = node;
      out.impl()->output_nr = uint32_t(nr);
    }
  }
}

void record(const char* name, const TensorList& inputs, const TensorList& outputs, BackwardFn fn, bool saves) {
  record_node(name, inputs.data(), inputs.size(), outputs.data(), outputs.size(), std::move(fn), saves);
}

void record(const char* name, std::initializer_list<Tensor> inputs, std::initializer_list<Tensor> outputs,
            BackwardFn fn, bool saves) {
  record_node(name, inputs.begin(), inputs.size(), outputs.begin(), outputs.size(), std::move(fn), saves);
}

Tensor detach(const Tensor& t) {
  Tensor d = t.alias_with(t.sizes(), t.strides(), t.offset());
  d.impl()->view_base = t.impl()->view_base;  // detaching is not a view op
  return d;
}

Saved::Saved(const Tensor& t, bool is_output) {
  if (!t.defined()) return;
  version_ = t.version();
  if (t.impl()->grad_fn) origin_fn_ = t.impl()->grad_fn->name, origin_nr_ = t.impl()->output_nr;
  tensor_ = is_output ? detach(t) : t;
}

Tensor Saved::get() const {
  if (tensor_.defined() && tensor_.version() != version_)
    runtime_error(str_cat("one of the variables needed for gradient computation has been modified by an "
                          "inplace operation: [", tensor_.type_string(), " ", shape_str(tensor_.sizes()), "]",
                          origin_fn_ ? str_cat(", which is output ", origin_nr_, " of ", origin_fn_, ",") : std::string(),
                          " is at version ", tensor_.version(), "; expected version ", version_,
                          " instead. Hint: the backtrace further above can help you find the operation that "
                          "failed to compute its gradient. The variable in question was changed in there or "
                          "anywhere later. Good luck!"));
  return tensor_;
}

void check_inplace(const Tensor& self, bool will_record) {
  if (!g_grad_enabled) return;
  if (self.impl()->requires_grad && !self.impl()->grad_fn)
    runtime_error("a leaf Variable that requires grad is being used in an in-place operation.");
  if (will_record && self.impl()->view_base)
    fail(ErrorKind::NotImplemented,
         "an in-place operation on a view that needs gradient history is not supported by Janus "
         "(apply it to the base tensor, or clone the view first)");
}

void rebase_history(const Tensor& self, const Tensor& result) {
  self.impl()->grad_fn = result.impl()->grad_fn;
  self.impl()->output_nr = result.impl()->output_nr;
}

void register_hook(const Tensor& t, std::function<Tensor(const Tensor&)> hook) {
  if (!t.requires_grad()) runtime_error("cannot register a hook on a tensor that doesn't require gradient");
  if (t.impl()->grad_fn) t.impl()->grad_fn->pre_hooks.push_back({t.impl()->output_nr, std::move(hook)});
  else t.impl()->hooks.push_back(std::move(hook));
}

void retain_grad(const Tensor& t) {
  if (!t.requires_grad()) runtime_error("can't retain_grad on Tensor that has requires_grad=False");
  if (!t.impl()->grad_fn || t.impl()->retains_grad) return;  // leaves keep their grad anyway
  t.impl()->retains_grad = true;
  if (!t.impl()->weak) {
    t.impl()->weak = Ref<WeakImpl>(new WeakImpl);
    t.impl()->weak->ptr = t.impl();
  }
  Ref<WeakImpl> weak = t.impl()->weak;
  register_hook(t, [weak](const Tensor& g) {
    if (TensorImpl* p = weak->ptr) {
      NoGradGuard no_grad;
      p->grad = p->grad ? JANUS_GRAD_OP(add, g.device())(Tensor(p->grad), g, Scalar(int64_t(1))).ref()
                        : JANUS_GRAD_OP(clone, g.device())(g).ref();
    }
    return Tensor();
  });
}

static Tensor run_hooks(const std::vector<std::function<Tensor(const Tensor&)>>& hooks, Tensor g) {
  for (const auto& h : hooks) {
    Tensor r = h(g);
    if (r.defined()) g = r;
  }
  return g;
}

// ---- engine ----------------------------------------------------------------------------------
namespace {

struct Capture {
  std::unordered_map<const TensorImpl*, size_t> leaves;                  // leaf -> input slot
  std::unordered_map<const Node*, std::vector<std::pair<uint32_t, size_t>>> outputs;  // non-leaf
  TensorList grads;
};

Tensor accumulate(const Tensor& a, const Tensor& b) {
  if (!a.defined()) return b;
  if (!b.defined()) return a;
  return JANUS_GRAD_OP(add, a.device())(a, b, Scalar(int64_t(1)));
}

// A gradient may be stored as .grad only if nothing else sees its memory (later in-place
// accumulation would otherwise write through into another tensor).
Tensor owned_grad(const Tensor& g, bool create_graph) {
  if (create_graph) return g;
  bool exclusive = g.impl()->refcount == 1 && g.impl()->storage->refcount == 1 && g.is_contiguous() &&
                   !g.impl()->view_base && !g.impl()->wrapped_number;
  return exclusive ? g : JANUS_GRAD_OP(clone, g.device())(g);
}

// A vector whose capacity outlives a backward run: the next run on this thread takes it back
// instead of allocating again (a training step runs one small backward after another); a run
// inside another (a hook calling backward) takes another one. Very large ones are let go.
template <class T>
class Scratch {
 public:
  Scratch() {
    auto& s = spares();
    if (!s.empty()) {
      v_ = std::move(s.back());
      s.pop_back();
    }
  }
  ~Scratch() {
    v_.clear();
    if (v_.capacity() <= 4096) spares().push_back(std::move(v_));
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::vector<T>& operator*() { return v_; }
  std::vector<T>* operator->() { return &v_; }

 private:
  static std::vector<std::vector<T>>& spares() {
    static thread_local std::vector<std::vector<T>> s __attribute__((tls_model("initial-exec")));
    return s;
  }
  std::vector<T> v_;
};

// A backward run's claim on the nodes it reaches (their engine_* fields); the claims are
// undone in reverse order when the run ends, so that an enclosing run finds its own values.
class RunState {
 public:
  RunState() : id_(++last_id_) {}
  ~RunState() {
    for (auto it = claimed_->rbegin(); it != claimed_->rend(); ++it) {
      Node* n = it->node.get();
      n->engine_run = it->run;
      n->engine_deps = it->deps;
      n->engine_grad = std::move(it->grad);
      n->engine_grads = std::move(it->grads);
    }
  }
  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;

  // True the first time this run sees `n`.
  bool claim(Node* n) {
    if (n->engine_run == id_) return false;
    claimed_->push_back({Ref<Node>(n), n->engine_run, n->engine_deps, std::move(n->engine_grad),
                         std::move(n->engine_grads)});
    n->engine_run = id_;
    n->engine_deps = 0;
    n->engine_grad = Tensor();
    n->engine_grads.clear();
    return true;
  }

 private:
  struct Claim {
    Ref<Node> node;
    uint64_t run;
    int deps;
    Tensor grad;
    TensorList grads;
  };
  static inline uint64_t last_id_ = 0;  // runs hold the GIL
  uint64_t id_;
  Scratch<Claim> claimed_;
};

void run(const std::vector<Edge>& roots, const TensorList& root_grads, bool retain_graph, bool create_graph,
         Capture* capture) {
  // Dependency counts: how many edges lead into each node from the part of the graph reached.
  RunState state;
  Scratch<Node*> stack_scratch;
  std::vector<Node*>& stack = *stack_scratch;
  for (const Edge& e : roots)
    if (e.fn && state.claim(e.fn.get())) stack.push_back(e.fn.get());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next) {
      if (!e.fn) continue;
      if (state.claim(e.fn.get())) stack.push_back(e.fn.get());
      ++e.fn->engine_deps;
    }
  }
  Scratch<Ref<Node>> ready_scratch;
  std::vector<Ref<Node>>& ready = *ready_scratch;
  auto deliver = [&](const Edge& e, const Tensor& g) {
    if (e.fn->outputs.size() == 1) {
      e.fn->engine_grad = accumulate(e.fn->engine_grad, g);
      return;
    }
    TensorList& buf = e.fn->engine_grads;
    if (buf.empty()) buf.resize(e.fn->outputs.size());
    buf[e.input_nr] = accumulate(buf[e.input_nr], g);
  };
  // The gradients handed to each node's function, one vector reused from node to node.
  Scratch<Tensor> grads_scratch;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].fn) continue;
    deliver(roots[i], root_grads[i]);
  }
  for (const Edge& e : roots)
    if (e.fn && e.fn->engine_deps == 0 && std::find(ready.begin(), ready.end(), e.fn) == ready.end())
      ready.push_back(e.fn);

  NoGradGuard mode(create_graph);
  while (!ready.empty()) {
    // Latest-created first keeps memory low and matches PyTorch's order on ties.
    auto it = std::max_element(ready.begin(), ready.end(),
                               [](const Ref<Node>& a, const Ref<Node>& b) { return a->sequence < b->sequence; });
    Ref<Node> node = *it;
    ready.erase(it);
    TensorList& grads = *grads_scratch;
    if (node->outputs.size() == 1) {
      grads.clear();
      grads.push_back(std::move(node->engine_grad));
      node->engine_grad = Tensor();
    } else {
      grads = std::move(node->engine_grads);
      node->engine_grads.clear();
      grads.resize(node->outputs.size());
    }
    // A node's outputs share one device (only copies cross devices): that of any gradient given.
    Device device;
    for (const Tensor& g : grads) if (g.defined()) { device = g.device(); break; }
    for (size_t i = 0; i < grads.size(); ++i)
      if (!grads[i].defined()) grads[i] = zeros_on(node->outputs[i].sizes, node->outputs[i].dtype, device);

    for (const auto& [nr, hook] : node->pre_hooks) {
      Tensor r = hook(grads[nr]);
      if (r.defined()) grads[nr] = r;
    }
    if (capture) {
      auto found = capture->outputs.find(node.get());
      if (found != capture->outputs.end())
        for (auto [nr, slot] : found->second) capture->grads[slot] = accumulate(capture->grads[slot], grads[nr]);
    }
    if (node->leaf) {
      TensorImpl* leaf = node->leaf.get();
      if (!leaf->hooks.empty()) grads[0] = run_hooks(leaf->hooks, grads[0]);
      if (capture) {
        auto found = capture->leaves.find(leaf);
        if (found != capture->leaves.end())
          capture->grads[found->second] = accumulate(capture->grads[found->second], grads[0]);
      } else if (!leaf->grad) {
        leaf->grad = owned_grad(grads[0], create_graph).ref();
      } else if (create_graph) {
        leaf->grad = JANUS_GRAD_OP(add, grads[0].device())(Tensor(leaf->grad), grads[0], Scalar(int64_t(1))).ref();
      } else {
        NoGradGuard no_grad;
        JANUS_GRAD_OP(add_, grads[0].device())(Tensor(leaf->grad), grads[0], Scalar(int64_t(1)));
      }
      continue;
    }
    if (!node->fn)
      runtime_error(
          "Trying to backward through the graph a second time (or directly access saved tensors after they "
          "have already been freed). Saved intermediate values of the graph are freed when you call "
          ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
          "graph a second time or if you need to access saved tensors after calling backward.");
    TensorList in_grads = node->fn(grads);
    if (!retain_graph && node->saves) {
      node->fn = nullptr;
      node->released = true;
    }
    for (size_t i = 0; i < node->next.size() && i < in_grads.size(); ++i) {
      const Edge& e = node->next[i];
      if (!e.fn) continue;
      Tensor g = in_grads[i];
      if (g.defined()) {
        const OutputMeta& meta = e.fn->outputs[e.input_nr];
        if (g.dtype() != meta.dtype) g = JANUS_GRAD_OP(to_dtype, g.device())(g, meta.dtype, false);
        if (g.sizes() != meta.sizes) g = JANUS_GRAD_OP(sum_to, g.device())(g, meta.sizes);
        deliver(e, g);
      }
      if (--e.fn->engine_deps == 0) ready.push_back(e.fn);
    }
  }
}

std::vector<Edge> root_edges(const TensorList& roots) {
  std::vector<Edge> edges;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].requires_grad())
      runtime_error(str_cat("element ", i, " of tensors does not require grad and does not have a grad_fn"));
    edges.push_back(edge_of(roots[i]));
  }
  return edges;
}

TensorList root_gradients(const TensorList& roots, const TensorList& given) {
  TensorList grads;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (i < given.size() && given[i].defined()) {
      if (given[i].sizes() != roots[i].sizes())
        runtime_error(str_cat("Mismatch in shape: grad_output[", i, "] has a shape of ", shape_str(given[i].sizes()),
                              " and output[", i, "] has a shape of ", shape_str(roots[i].sizes()), "."));
      grads.push_back(given[i]);
    } else {
      if (roots[i].numel() != 1) runtime_error("grad can be implicitly created only for scalar outputs");
      grads.push_back(JANUS_GRAD_OP(ones_like, roots[i].device())(roots[i], std::nullopt));
    }
  }
  return grads;
}

}  // namespace

void backward(const TensorList& roots, const TensorList& grad_roots, bool retain_graph, bool create_graph) {
  auto edges = root_edges(roots);
  run(edges, root_gradients(roots, grad_roots), retain_graph || create_graph, create_graph, nullptr);
}

TensorList grad(const TensorList& outputs, const TensorList& inputs, const TensorList& grad_outputs,
                bool retain_graph, bool create_graph, bool allow_unused) {
  auto edges = root_edges(outputs);
  Capture capture;
  capture.grads.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& in = inputs[i];
    if (!in.requires_grad()) runtime_error(str_cat("One of the differentiated Tensors does not require grad"));
    if (in.impl()->grad_fn) capture.outputs[in.impl()->grad_fn.get()].push_back({in.impl()->output_nr, i});
    else capture.leaves[in.impl()] = i;
  }
  run(edges, root_gradients(outputs, grad_outputs), retain_graph || create_graph, create_graph, &capture);
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!capture.grads[i].defined() && !allow_unused)
      runtime_error("One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.");
  return capture.grads;
}

}  // namespace janus
