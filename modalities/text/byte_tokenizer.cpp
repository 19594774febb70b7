#include <string>

#include "core/util/error.h"
#include "modalities/text/tokenizer.h"

namespace tessera::text {
namespace {

class ByteTokenizer final : public Tokenizer {
 public:
  std::string kind() const override { return "byte"; }
  int64_t vocab_size() const override { return 256; }

  std::vector<int32_t> encode(std::string_view text) const override {
    std::vector<int32_t> ids(text.size());
    for (size_t i = 0; i < text.size(); ++i) ids[i] = static_cast<unsigned char>(text[i]);
    return ids;
  }

  std::string decode(const std::vector<int32_t>& ids) const override {
    std::string out(ids.size(), '\0');
    for (size_t i = 0; i < ids.size(); ++i) out[i] = byte(ids[i]);
    return out;
  }

  std::string token_bytes(int32_t id) const override { return std::string(1, byte(id)); }

  nlohmann::json to_json() const override { return {{"kind", "byte"}}; }

 private:
  static char byte(int32_t id) {
    if (id < 0 || id > 255)
      throw InputError("", "token id " + std::to_string(id) + " is outside the byte tokenizer's vocabulary of 256");
    return static_cast<char>(id);
  }
};

}  // namespace

std::unique_ptr<Tokenizer> make_byte_tokenizer() { return std::make_unique<ByteTokenizer>(); }

}  // namespace tessera::text
