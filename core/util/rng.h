#pragma once
// Counter-based randomness: every draw is a pure function of (seed, counter), so a run is
// reproduced from two integers, parallel loops draw without sharing state, and the state that
// goes into a checkpoint is just those two integers.
#include <cmath>
#include <cstdint>

// Dropout kernels draw the same stream on the GPU, so these are device functions too.
#if defined(__CUDACC__)
#define TESSERA_HOST_DEVICE __host__ __device__
#else
#define TESSERA_HOST_DEVICE
#endif

namespace tessera {

TESSERA_HOST_DEVICE inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

TESSERA_HOST_DEVICE inline uint64_t random_bits(uint64_t seed, uint64_t counter) {
  return splitmix64(splitmix64(seed) ^ (counter * 0xd1b54a32d192ed03ull));
}

// Uniform in [0, 1) with 53 random bits.
TESSERA_HOST_DEVICE inline double random_uniform(uint64_t seed, uint64_t counter) {
  return static_cast<double>(random_bits(seed, counter) >> 11) * 0x1.0p-53;
}

class Generator {
 public:
  explicit Generator(uint64_t seed = 0, uint64_t counter = 0) : seed_(seed), counter_(counter) {}
  uint64_t seed() const { return seed_; }
  uint64_t counter() const { return counter_; }
  // Reserves n consecutive counters (for a kernel that draws n values itself) and returns the first.
  uint64_t reserve(uint64_t n) {
    const uint64_t first = counter_;
    counter_ += n;
    return first;
  }
  double uniform() { return random_uniform(seed_, counter_++); }
  uint64_t below(uint64_t n) { return random_bits(seed_, counter_++) % n; }
  double normal() {  // Box-Muller
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t seed_;
  uint64_t counter_;
};

}  // namespace tessera
