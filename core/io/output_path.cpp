#include "core/io/output_path.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>

#include "core/util/error.h"

namespace tessera::io {
namespace fs = std::filesystem;
namespace {

// Room for ".tmp-" and a process id after the name (atomic_file.cpp).
constexpr size_t kTemporarySuffix = 16;

std::string kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

}  // namespace

void check_replaceable(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status) && !fs::is_regular_file(status))
    throw InputError(path, "exists and is " + kind_of(status.type()) + "; refusing to replace it with an output");
  const std::string name = fs::path(path).filename().string();
  if (name.size() + kTemporarySuffix > NAME_MAX)
    throw InputError(path, "file name is too long (" + std::to_string(name.size()) + " bytes; at most " +
                               std::to_string(NAME_MAX - kTemporarySuffix) + ")");
}

void check_outside_input_folders(const std::string& path, const std::vector<std::string>& inputs) {
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(path, ec);
  if (ec) return;
  for (const std::string& input : inputs) {
    if (input.empty() || !fs::is_directory(input, ec)) continue;
    const fs::path folder = fs::canonical(input, ec);
    if (ec) continue;
    if (std::mismatch(folder.begin(), folder.end(), out.begin(), out.end()).first == folder.end())
      throw InputError(path, "is inside the input folder " + input + "; it would be read as an input by the next run");
  }
}

void check_output_path(const std::string& path, const std::string& flag, const std::vector<std::string>& inputs) {
  if (path.empty()) throw InputError(flag, "is empty; give a file path");
  check_replaceable(path);
  const fs::path parent = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    throw InputError(path, "folder '" + parent.string() + "' does not exist");
  if (::access(parent.c_str(), W_OK) != 0) throw InputError(path, "folder '" + parent.string() + "' is not writable");
  for (const std::string& input : inputs) {
    if (input.empty() || !fs::exists(path, ec) || !fs::exists(input, ec)) continue;
    if (fs::equivalent(path, input, ec))
      throw InputError(path, "is an input file (" + input + "); refusing to overwrite it");
    // A folder given as input is read file by file: each of its files is an input too.
    if (fs::is_directory(input, ec) && fs::equivalent(parent, input, ec))
      throw InputError(path, "is an input file (in the input folder " + input + "); refusing to overwrite it");
  }
}

void check_output_folder(const std::string& dir, const std::string& flag, const std::vector<std::string>& inputs) {
  if (dir.empty()) throw InputError(flag, "is empty; give a folder");
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(dir, ec);
  if (!std::filesystem::exists(status)) {
    check_output_path(dir, flag, inputs);
    return;
  }
  if (!std::filesystem::is_directory(status)) throw InputError(dir, "exists and is not a folder; " + flag + " takes a folder");
  if (::access(dir.c_str(), W_OK) != 0) throw InputError(dir, "folder is not writable");
}

}  // namespace tessera::io
