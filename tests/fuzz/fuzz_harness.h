#pragma once
// What every harness in tests/fuzz shares. A harness is one `<name>_fuzz.cpp` defining
// LLVMFuzzerTestOneInput and seeds(); it links into `<name>_fuzz` (libFuzzer's main, clang
// builds with TESSERA_FUZZ) and into `<name>_fuzz_replay` (replay_main.cpp, every build), which
// runs the seeds and the committed regression inputs as a CTest test.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace tessera::fuzz {

// Valid inputs the project builds in code (no downloaded data): the seed corpus. Each harness
// defines it.
std::vector<std::string> seeds();

// The path of this process's scratch file `input<suffix>` holding `bytes`, rewritten on every
// call: readers that take a path read it. Under /dev/shm when it exists, so fuzzing does not wear
// a disk; `suffix` is the extension the reader dispatches on (".pdb", ".csv").
const std::string& input_file(const uint8_t* data, size_t size, const std::string& suffix);

// A second scratch path (seed generators write a file with the project's own writers and read it
// back).
std::string scratch_path(const std::string& name);
std::string file_bytes(const std::string& path);

// Runs `read`. An InputError (or its subclasses) is the answer bad input must get. Anything else
// escaping a reader would reach the user as an unclear "internal:" line: printed with its type
// and the harness aborts, so libFuzzer records the input.
void expect_input_error(const std::function<void()>& read);

// How many reads ended in an InputError so far: the replay says how many seeds were refused (a
// seed should be a valid input, or it starts the fuzzer nowhere).
size_t refused_reads();

}  // namespace tessera::fuzz
