// CPU random generators (torch.Generator): each is one MT19937 state plus torch's cached normal
// samples, laid out as torch's CPUGeneratorImpl. Every random op draws from the *current*
// generator: the default one unless a GeneratorScope names another for the duration of a call,
// so the sampling code (tensor/ops/random.cpp) exists once for all generators.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace janus::ops {

class Generator;  // defined in random.cpp, next to the draws that inline it

std::shared_ptr<Generator> default_generator();  // torch.default_generator (never freed)
std::shared_ptr<Generator> new_generator();      // torch.Generator(): seeded with torch's default seed

void generator_manual_seed(Generator& g, uint64_t seed);
uint64_t generator_seed(Generator& g);  // reseeds from a non-deterministic source, returns the seed
uint64_t generator_initial_seed(const Generator& g);

// torch's state bytes: CPUGeneratorImplState (5056 bytes, little-endian x86-64 layout). set_state
// also takes the legacy 5048-byte layout and raises torch's errors for other sizes or a state the
// engine rejects.
constexpr size_t kGeneratorStateBytes = 5056;
std::string generator_get_state(const Generator& g);
void generator_set_state(Generator& g, const void* data, size_t size);

// Makes `g` the generator random ops draw from until the scope ends (calls hold the GIL, so one
// current generator for the process is enough).
class GeneratorScope {
 public:
  explicit GeneratorScope(Generator* g);
  ~GeneratorScope();
  GeneratorScope(const GeneratorScope&) = delete;
  GeneratorScope& operator=(const GeneratorScope&) = delete;

 private:
  Generator* previous_;
};

}  // namespace janus::ops
