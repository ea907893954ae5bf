// The redundant-guard pass's effect model (jit/passes/guards.cpp) against the refcount pass
// that runs after it: a guard is dropped only where no release that may run code can land
// between the guard that established its fact and it. The oracle is the refcount pass's
// own placement of each release (jit/passes/refcount.cpp), run on the pass's result.
#include "jit/cpython.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "jit/ir.h"
#include "jit/passes/passes.h"
#include "jit/trace.h"

namespace janus::jit {
namespace {

class JitGuardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Py_IsInitialized()) Py_InitializeEx(0);
  }
};

// A deferred local: an owned value of unknown type (its release may run __del__) that only
// snapshots and a KEEP_ALIVE use. The refcount pass releases it right after the KEEP_ALIVE,
// so a repeated version guard before the KEEP_ALIVE is redundant and one after it is not.
TEST_F(JitGuardTest, AKeepAliveBoundsWhereADeferredValueIsReleased) {
  auto t = std::make_unique<Trace>();
  IRBuilder b(*t);
  const int32_t plain = b.add_snapshot(Snapshot{});
  Ref d = b.const_obj(PyEval_GetBuiltins());
  Ref list = b.emit(Op::LOAD_LOCAL, kNoRef, kNoRef, kNoRef, 0, 0);
  auto version = [&](int32_t exit) {
    return b.emit(Op::GUARD_DICT_VERSION, d, kNoRef, kNoRef, 7, 0, exit);
  };
  const Ref first = version(plain);
  Ref item = b.emit(Op::SEQ_ITEM, list, b.const_i64(0));  // owned, any type
  Snapshot holding;
  holding.entries = {{SnapEntry::Local, 3, item}};  // (the refcount pass adds its Release)
  const int32_t with_item = b.add_snapshot(holding);
  const Ref before_keep = version(with_item);
  b.emit(Op::KEEP_ALIVE, item);
  const Ref after_keep = version(plain);
  b.emit(Op::LOOP, kNoRef, kNoRef, kNoRef, 0, 0, plain);

  eliminate_redundant_guards(*t);
  EXPECT_FALSE(t->ops[first].dead);
  EXPECT_TRUE(t->ops[before_keep].dead) << print_instr(*t, before_keep);
  EXPECT_FALSE(t->ops[after_keep].dead) << print_instr(*t, after_keep);

  // Where the refcount pass puts the item's release: between the KEEP_ALIVE and the guard
  // kept after it, with no version guard between the item and its release.
  insert_refcounts(*t);
  ASSERT_TRUE(verify(*t).empty()) << verify(*t);
  Ref seq = kNoRef, keep = kNoRef, release = kNoRef;
  std::vector<Ref> guards;
  for (Ref r = 0; r < static_cast<Ref>(t->ops.size()); r++) {
    const Instr& in = t->ops[r];
    if (in.dead) continue;
    if (in.op == Op::SEQ_ITEM) seq = r;
    if (in.op == Op::KEEP_ALIVE) keep = r;
    if (in.op == Op::DECREF && seq != kNoRef && in.a == seq) release = r;
    if (in.op == Op::GUARD_DICT_VERSION) guards.push_back(r);
  }
  ASSERT_NE(seq, kNoRef);
  ASSERT_NE(release, kNoRef);
  EXPECT_GT(release, keep);
  ASSERT_EQ(guards.size(), 2u);
  EXPECT_LT(guards[0], seq);
  EXPECT_GT(guards[1], release);
}

}  // namespace
}  // namespace janus::jit
