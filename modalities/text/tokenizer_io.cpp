#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/io/atomic_file.h"
#include "core/util/error.h"
#include "modalities/text/bpe_tokenizer.h"
#include "modalities/text/tokenizer.h"

namespace tessera::text {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw DataError(path, "tokenizer: " + what); }

// A merge may only join tokens that exist before it, which also rules out cycles; a repeated
// merge could never apply and means the file was not written by us.
std::vector<Merge> read_merges(const json& j, const std::string& path) {
  const auto list = j.find("merges");
  if (list == j.end() || !list->is_array()) fail(path, "\"merges\" must be an array of [left, right] token id pairs");
  std::vector<Merge> merges;
  merges.reserve(list->size());
  std::unordered_map<uint64_t, size_t> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& m = (*list)[i];
    const std::string where = "merges[" + std::to_string(i) + "]";
    if (!m.is_array() || m.size() != 2 || !m[0].is_number_integer() || !m[1].is_number_integer())
      fail(path, where + " must be a pair of integer token ids");
    const int64_t limit = 256 + static_cast<int64_t>(i);
    for (const json& v : m) {
      const bool in_range = v.is_number_unsigned() ? v.get<uint64_t>() < static_cast<uint64_t>(limit)
                                                   : v.get<int64_t>() >= 0 && v.get<int64_t>() < limit;
      if (!in_range)
        fail(path, where + " uses token id " + v.dump() + ", but only ids 0.." + std::to_string(limit - 1) +
                       " exist before it");
    }
    const Merge merge{m[0].get<int32_t>(), m[1].get<int32_t>()};
    const auto [it, inserted] = seen.emplace(pair_key(merge.first, merge.second), i);
    if (!inserted) fail(path, where + " repeats merges[" + std::to_string(it->second) + "]");
    merges.push_back(merge);
  }
  const auto vocab = j.find("vocab_size");
  const int64_t expected = 256 + static_cast<int64_t>(merges.size());
  if (vocab == j.end() || !vocab->is_number_integer() || vocab->get<int64_t>() != expected)
    fail(path, "\"vocab_size\" must be the integer " + std::to_string(expected) + " (256 bytes + " +
                   std::to_string(merges.size()) + " merges)");
  return merges;
}

}  // namespace

std::unique_ptr<Tokenizer> tokenizer_from_json(const json& j, const std::string& source_path_for_errors) {
  const std::string& path = source_path_for_errors;
  if (!j.is_object()) fail(path, std::string("expected a JSON object, got ") + j.type_name());
  const auto kind = j.find("kind");
  if (kind == j.end() || !kind->is_string()) fail(path, "missing string \"kind\" (\"byte\" or \"bpe\")");
  if (*kind == "byte") return make_byte_tokenizer();
  if (*kind == "bpe") return std::make_unique<BpeTokenizer>(read_merges(j, path));
  fail(path, "unknown kind " + kind->dump() + " (expected \"byte\" or \"bpe\")");
}

void save_tokenizer(const Tokenizer& t, const std::string& path) {
  io::write_text_atomically(path, t.to_json().dump() + "\n");
}

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw DataError(path, "no such tokenizer file");
  if (std::filesystem::is_directory(path, ec)) throw DataError(path, "is a directory, not a tokenizer file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, "cannot open tokenizer file");
  std::ostringstream text;
  text << in.rdbuf();
  const json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw DataError(path, "tokenizer file is not valid JSON");
  return tokenizer_from_json(j, path);
}

}  // namespace tessera::text
