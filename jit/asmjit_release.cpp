// Debian's libasmjit.a (asmjit 1.9, package 0.0~git20221210) is compiled without NDEBUG, so
// ASMJIT_BUILD_DEBUG is on inside it: its register allocator calls RAAssignment::verify(),
// assertion loops over the whole register assignment, after every assignment change. That
// is quadratic in a function's length: a 600-op trace spent ~100 ms in it, half of a test
// run's time (perf). verify() is a weak inline function of the library's internal headers
// (not installed); this strong definition, the no-op asmjit's release builds compile, takes
// its place at link time. It checks nothing the code depends on: the machine code asmjit
// emits is the same with and without it.
//
// Compiled into every executable that links janus_jit (an INTERFACE source), so the
// definition is present whenever the library's register allocator is.
namespace asmjit {
inline namespace _abi_1_9 {

class RAAssignment {
 public:
  void verify() noexcept;
};

void RAAssignment::verify() noexcept {}

}  // namespace _abi_1_9
}  // namespace asmjit
