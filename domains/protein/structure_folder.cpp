// A folder of structures read by a few threads: each file is independent, and gemmi parsing is
// the slow part of loading a training set.
#include <algorithm>
#include <filesystem>

#include "core/util/error.h"
#include "core/util/parallel_items.h"
#include "domains/protein/structure_reader.h"

namespace tessera::protein {
namespace {

// Regular files of the folder in name order; hidden files are left alone.
std::vector<std::string> folder_files(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  std::filesystem::directory_iterator it(folder, ec), end;
  if (ec) throw InputError(folder, "cannot list the folder: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw InputError(folder, "cannot list the folder: " + ec.message());
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code status_ec;
    if (std::filesystem::is_directory(it->path(), status_ec)) continue;
    files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct FileResult {
  std::vector<ProteinChain> chains;
  std::string error;  // empty when read
};

std::vector<FileResult> read_in_parallel(const std::vector<std::string>& files) {
  std::vector<FileResult> results(files.size());
  for_each_item_in_parallel(files.size(), [&](size_t i) {
    try {
      results[i].chains = read_structure(files[i]);
    } catch (const InputError& e) {
      results[i].error = e.what();
    } catch (const std::bad_alloc&) {
      results[i].error = "too large to read into memory";
    }
  });
  return results;
}

}  // namespace

StructureSet read_structures(const std::string& file_or_folder) {
  std::error_code ec;
  const auto status = std::filesystem::status(file_or_folder, ec);
  if (!std::filesystem::exists(status)) throw InputError(file_or_folder, "no such file or folder");
  StructureSet set;
  if (!std::filesystem::is_directory(status)) {
    set.chains = read_structure(file_or_folder);
    return set;
  }
  const std::vector<std::string> files = folder_files(file_or_folder);
  if (files.empty()) throw InputError(file_or_folder, "the folder holds no files");
  std::vector<FileResult> results = read_in_parallel(files);
  for (size_t i = 0; i < files.size(); ++i) {
    if (!results[i].error.empty()) {
      set.skipped.emplace_back(files[i], results[i].error);
      continue;
    }
    for (ProteinChain& chain : results[i].chains) set.chains.push_back(std::move(chain));
  }
  if (set.chains.empty())
    throw InputError(file_or_folder, "no file in the folder holds a protein chain (" + std::to_string(files.size()) +
                                         " files, first problem: " + set.skipped.front().first + ": " +
                                         set.skipped.front().second + ")");
  return set;
}

}  // namespace tessera::protein
