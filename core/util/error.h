#pragma once
// Failure families. The CLI catches them at its boundary and prints one line:
//   tessera: error: <file>: <what is wrong>
// InputError (and its subclasses) mean the user gave us something bad: exit code 2.
// Anything else is our fault: exit code 1.
#include <stdexcept>
#include <string>

namespace tessera {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// A tensor shape or dtype that an op cannot accept: a programming error, not user input.
class ShapeError : public Error {
 public:
  using Error::Error;
};

class InputError : public Error {
 public:
  InputError(std::string path, const std::string& what) : Error(what), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class CheckpointError : public InputError {
 public:
  using InputError::InputError;
};

class ConfigError : public InputError {
 public:
  using InputError::InputError;
};

class DataError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace tessera

// Checks an op precondition; the message names the op so a failing model says where.
#define TESSERA_CHECK(cond, msg)                                   \
  do {                                                             \
    if (!(cond)) throw ::tessera::ShapeError(std::string(msg));    \
  } while (0)
