// Byte and BPE tokenizers: exact round trips on any bytes, compression, determinism, the merge
// order encoding follows, and the JSON form (round trip and every way a file can be malformed).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/util/error.h"
#include "modalities/text/chunking.h"
#include "modalities/text/tokenizer.h"
#include "tests/support/scratch_dir.h"

namespace tessera::text {
namespace {

// Raw mt19937 outputs are specified by the standard, unlike its distributions, so these
// inputs are the same on every platform.
std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Sentences over a small vocabulary with a skewed word frequency, punctuation and paragraphs:
// enough of natural text's repetition for BPE to find words and common word pieces.
std::string english_like(size_t n_bytes, uint32_t seed) {
  static const std::vector<std::string> words = {
      "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by",
      "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had",
      "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if",
      "more", "when", "will", "would", "who", "so", "no", "time", "people", "water", "between", "through",
      "another", "running", "thinking", "beautiful", "government", "information", "development", "mountain",
      "kingdom", "weather", "protein", "molecule", "question", "answer", "morning", "evening", "children",
      "together", "without", "something", "everything", "nothing", "important", "different", "following",
      "country", "number", "system", "program", "problem", "company", "service", "because", "although"};
  std::mt19937 rng(seed);
  std::string text;
  size_t in_sentence = 0;
  while (text.size() < n_bytes) {
    const double u = (rng() & 0xffffff) / double(1 << 24);
    std::string w = words[static_cast<size_t>(u * u * words.size())];
    if (in_sentence == 0) {
      w[0] = static_cast<char>(w[0] - 'a' + 'A');
    } else {
      text += ' ';
    }
    text += w;
    ++in_sentence;
    if (rng() % 9 == 0) text += ',';
    if (in_sentence >= 4 + rng() % 12) {
      text += rng() % 5 == 0 ? "?" : ".";
      text += rng() % 6 == 0 ? "\n\n" : " ";
      in_sentence = 0;
    }
  }
  return text;
}

std::string concat_token_bytes(const Tokenizer& t, const std::vector<int32_t>& ids) {
  std::string out;
  for (const int32_t id : ids) out += t.token_bytes(id);
  return out;
}

void expect_round_trip(const Tokenizer& t, const std::string& text) {
  const std::vector<int32_t> ids = t.encode(text);
  for (const int32_t id : ids) ASSERT_TRUE(id >= 0 && id < t.vocab_size()) << id;
  EXPECT_EQ(t.decode(ids), text);
  EXPECT_EQ(concat_token_bytes(t, ids), text);
}

const std::string kInvalidUtf8("\xff\xfe\xc3(\xa0\xa1\xe2\x28\xa1\xf0\x90\x28\xbc\x80\xc0\xaf", 16);
const std::string kWithNuls("a\0b\0\0 the\0", 10);

TEST(Chunking, FollowsTheDocumentedRule) {
  const std::vector<std::string_view> expected = {"Hello", ",", " world", "!", " ", " It", "'", "s",
                                                  "\n\n", " 42x", "\t", "\xc3\xa9t\xc3\xa9", " ", "--"};
  EXPECT_EQ(split_chunks("Hello, world!  It's\n\n 42x\t\xc3\xa9t\xc3\xa9 --"), expected);
  EXPECT_TRUE(split_chunks("").empty());
}

TEST(Chunking, CutsLongRunsWithoutSplittingUtf8Characters) {
  const std::string letters(200, 'a');
  EXPECT_EQ(split_chunks(letters), (std::vector<std::string_view>{std::string_view(letters).substr(0, 64),
                                                                  std::string_view(letters).substr(64, 64),
                                                                  std::string_view(letters).substr(128, 64),
                                                                  std::string_view(letters).substr(192)}));
  std::string euros;
  for (int i = 0; i < 30; ++i) euros += "\xe2\x82\xac";  // 3 bytes each; 64 bytes would end mid-character
  const std::vector<std::string_view> chunks = split_chunks(euros);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].size(), 63u);
  EXPECT_EQ(chunks[1].size(), 27u);
}

TEST(Chunking, ChunksConcatenateToTheInput) {
  for (const std::string& text : {random_bytes(5000, 1), kInvalidUtf8, kWithNuls, std::string("   "), english_like(2000, 2)}) {
    std::string joined;
    for (const std::string_view c : split_chunks(text)) {
      EXPECT_FALSE(c.empty());
      joined += c;
    }
    EXPECT_EQ(joined, text);
  }
}

TEST(ByteTokenizer, IdsAreBytesAndAnyBytesRoundTrip) {
  const auto t = make_byte_tokenizer();
  EXPECT_EQ(t->kind(), "byte");
  EXPECT_EQ(t->vocab_size(), 256);
  EXPECT_EQ(t->encode(std::string("\x00\x7f\x80\xff", 4)), (std::vector<int32_t>{0, 127, 128, 255}));
  for (const std::string& text : {random_bytes(10000, 3), kInvalidUtf8, kWithNuls, std::string()}) expect_round_trip(*t, text);
  EXPECT_THROW(t->decode({256}), InputError);
  EXPECT_THROW(t->token_bytes(-1), InputError);
}

class TrainedBpe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    corpus_ = new std::string(english_like(300000, 7));
    bpe_ = train_bpe(*corpus_, 700).release();
  }
  static void TearDownTestSuite() {
    delete bpe_;
    delete corpus_;
  }
  static std::string* corpus_;
  static Tokenizer* bpe_;
};
std::string* TrainedBpe::corpus_ = nullptr;
Tokenizer* TrainedBpe::bpe_ = nullptr;

TEST_F(TrainedBpe, ReachesTheVocabularySizeAndCompresses) {
  EXPECT_EQ(bpe_->kind(), "bpe");
  EXPECT_EQ(bpe_->vocab_size(), 700);
  const double ratio = double(bpe_->encode(*corpus_).size()) / double(corpus_->size());
  EXPECT_LT(ratio, 0.6);
  std::printf("english-like text: %zu bytes -> %.3f tokens per byte\n", corpus_->size(), ratio);
}

TEST_F(TrainedBpe, RoundTripsAnyBytesExactly) {
  expect_round_trip(*bpe_, *corpus_);
  expect_round_trip(*bpe_, english_like(20000, 99) + " zyxwvut quokka QUOKKAS 3.14159");
  expect_round_trip(*bpe_, random_bytes(20000, 11));
  expect_round_trip(*bpe_, std::string());
  expect_round_trip(*bpe_, kInvalidUtf8);
  expect_round_trip(*bpe_, kWithNuls);
  expect_round_trip(*bpe_, std::string(100000, 'e'));  // one huge chunk
  EXPECT_TRUE(bpe_->encode("").empty());
}

TEST_F(TrainedBpe, LearnsWholeWords) {
  // " the" is by far the most frequent chunk, so it must have become one token.
  EXPECT_EQ(bpe_->encode(" the").size(), 1u);
  EXPECT_EQ(bpe_->token_bytes(bpe_->encode(" the")[0]), " the");
}

TEST_F(TrainedBpe, RejectsIdsOutsideTheVocabulary) {
  EXPECT_THROW(bpe_->decode({0, 700}), InputError);
  EXPECT_THROW(bpe_->token_bytes(-1), InputError);
}

TEST_F(TrainedBpe, SaveAndLoadGiveIdenticalEncodings) {
  const test_support::ScratchDir dir;
  const std::string path = (dir / "bpe.json").string();
  save_tokenizer(*bpe_, path);
  const auto loaded = load_tokenizer(path);
  EXPECT_EQ(loaded->kind(), "bpe");
  EXPECT_EQ(loaded->vocab_size(), bpe_->vocab_size());
  EXPECT_EQ(loaded->to_json(), bpe_->to_json());
  for (const std::string& text : {*corpus_, random_bytes(5000, 5), kInvalidUtf8})
    EXPECT_EQ(loaded->encode(text), bpe_->encode(text));
}

// The textbook algorithm: recount every pair over every chunk before each merge.
struct ReferenceBpe {
  std::vector<std::pair<int32_t, int32_t>> merges;
  int64_t tokens = 0;  // the training text's length in tokens after the last merge
};

ReferenceBpe reference_bpe(std::string_view corpus, int64_t vocab_size) {
  std::map<std::string_view, int64_t> distinct;
  for (const std::string_view c : split_chunks(corpus)) ++distinct[c];
  std::vector<std::pair<std::vector<int32_t>, int64_t>> chunks;
  for (const auto& [text, count] : distinct) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    chunks.emplace_back(std::vector<int32_t>(bytes, bytes + text.size()), count);
  }
  ReferenceBpe ref;
  while (256 + static_cast<int64_t>(ref.merges.size()) < vocab_size) {
    std::map<std::pair<int32_t, int32_t>, int64_t> pairs;
    for (const auto& [s, count] : chunks)
      for (size_t i = 0; i + 1 < s.size(); ++i) pairs[{s[i], s[i + 1]}] += count;
    std::pair<int32_t, int32_t> best;
    int64_t best_count = 0;
    for (const auto& [pair, count] : pairs)  // ascending, so ties keep the smallest pair
      if (count > best_count) best = pair, best_count = count;
    if (best_count < 2) break;
    ref.merges.push_back(best);
    const int32_t merged = 255 + static_cast<int32_t>(ref.merges.size());
    for (auto& [s, count] : chunks) {
      std::vector<int32_t> t;
      for (size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == best.first && s[i + 1] == best.second) {
          t.push_back(merged);
          ++i;
        } else {
          t.push_back(s[i]);
        }
      }
      s = std::move(t);
    }
  }
  for (const auto& [s, count] : chunks) ref.tokens += static_cast<int64_t>(s.size()) * count;
  return ref;
}

TEST(Bpe, IncrementalTrainingMatchesTheTextbookAlgorithm) {
  std::string corpus = english_like(30000, 31) + random_bytes(3000, 32) + std::string(300, 'a');
  for (int i = 0; i < 40; ++i) corpus += "\xe2\x82\xac abab ";
  const ReferenceBpe ref = reference_bpe(corpus, 700);
  const auto bpe = train_bpe(corpus, 700);
  const nlohmann::json merges = bpe->to_json()["merges"];
  ASSERT_EQ(merges.size(), ref.merges.size());
  for (size_t i = 0; i < merges.size(); ++i)
    ASSERT_EQ(merges[i], nlohmann::json({ref.merges[i].first, ref.merges[i].second})) << "merge " << i;
  // Encoding replays the merges in training's order, so it reproduces training's segmentation.
  EXPECT_EQ(static_cast<int64_t>(bpe->encode(corpus).size()), ref.tokens);
}

TEST(Bpe, TrainingIsDeterministic) {
  const std::string corpus = english_like(100000, 21) + random_bytes(3000, 22);
  EXPECT_EQ(train_bpe(corpus, 500)->to_json(), train_bpe(corpus, 500)->to_json());
}

TEST(Bpe, TiesGoToTheSmallestPair) {
  // Chunks "abcd" and " abcd": (a,b), (b,c) and (c,d) all occur twice; (a,b) is smallest.
  const nlohmann::json j = train_bpe("abcd abcd", 300)->to_json();
  ASSERT_GE(j["merges"].size(), 1u);
  EXPECT_EQ(j["merges"][0], nlohmann::json({'a', 'b'}));
}

TEST(Bpe, StopsWhenNoPairRepeats) {
  const auto t = train_bpe("abcd abcd", 1000);
  // ab, abc, abcd; then (" ", abcd) occurs once and training stops.
  EXPECT_EQ(t->vocab_size(), 259);
  EXPECT_EQ(t->encode("abcd abcd"), (std::vector<int32_t>{258, ' ', 258}));
  EXPECT_EQ(train_bpe("", 1000)->vocab_size(), 256);
  expect_round_trip(*train_bpe("", 1000), kInvalidUtf8);
}

TEST(Bpe, RejectsAVocabularySmallerThanTheBytes) { EXPECT_THROW(train_bpe("abc", 255), InputError); }

TEST(Bpe, EncodingAppliesMergesByRankThenLeftmost) {
  // Merge 0 joins "bc" and merge 1 joins "ab": "abc" must become a + bc, not ab + c.
  const auto ranked = tokenizer_from_json({{"kind", "bpe"}, {"vocab_size", 258}, {"merges", {{'b', 'c'}, {'a', 'b'}}}}, "");
  EXPECT_EQ(ranked->encode("abc"), (std::vector<int32_t>{'a', 256}));
  EXPECT_EQ(ranked->encode("abab"), (std::vector<int32_t>{257, 257}));
  const auto aa = tokenizer_from_json({{"kind", "bpe"}, {"vocab_size", 258}, {"merges", {{'a', 'a'}, {256, 256}}}}, "");
  EXPECT_EQ(aa->encode("aaa"), (std::vector<int32_t>{256, 'a'}));
  EXPECT_EQ(aa->encode("aaaaaa"), (std::vector<int32_t>{257, 256}));
  EXPECT_EQ(aa->token_bytes(257), "aaaa");
}

TEST(TokenizerJson, ByteTokenizerRoundTripsThroughAFile) {
  const test_support::ScratchDir dir;
  const std::string path = (dir / "byte.json").string();
  save_tokenizer(*make_byte_tokenizer(), path);
  const auto loaded = load_tokenizer(path);
  EXPECT_EQ(loaded->kind(), "byte");
  EXPECT_EQ(loaded->to_json(), nlohmann::json({{"kind", "byte"}}));
}

class MalformedTokenizerFile : public ::testing::Test {
 protected:
  // Loads `content` from a file and returns the DataError's message; fails if none is thrown.
  std::string load_error(const std::string& content) {
    const std::string path = (dir_ / "tok.json").string();
    std::ofstream(path, std::ios::binary) << content;
    try {
      load_tokenizer(path);
    } catch (const DataError& e) {
      EXPECT_EQ(e.path(), path);
      return e.what();
    }
    ADD_FAILURE() << "no DataError for: " << content;
    return "";
  }
  const test_support::ScratchDir dir_;
};

TEST_F(MalformedTokenizerFile, MissingFileOrDirectory) {
  EXPECT_THROW(load_tokenizer((dir_ / "absent.json").string()), DataError);
  EXPECT_THROW(load_tokenizer(dir_.str()), DataError);
}

TEST_F(MalformedTokenizerFile, EachProblemIsNamed) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not valid JSON"},
      {"{\"kind\": \"bpe\", ", "not valid JSON"},
      {"[1, 2]", "expected a JSON object"},
      {"{}", "\"kind\""},
      {"{\"kind\": 3}", "\"kind\""},
      {"{\"kind\": \"wordpiece\"}", "unknown kind \"wordpiece\""},
      {"{\"kind\": \"bpe\", \"vocab_size\": 256}", "\"merges\" must be an array"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 257, \"merges\": {\"a\": 1}}", "\"merges\" must be an array"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 257, \"merges\": [[97]]}", "merges[0] must be a pair"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 257, \"merges\": [[97, \"b\"]]}", "merges[0] must be a pair"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 257, \"merges\": [[97, 1.5]]}", "merges[0] must be a pair"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 257, \"merges\": [[97, 256]]}", "merges[0] uses token id 256"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 257, \"merges\": [[-1, 97]]}", "merges[0] uses token id -1"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 257, \"merges\": [[18446744073709551615, 97]]}", "merges[0] uses token id"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 258, \"merges\": [[97, 98], [97, 98]]}", "merges[1] repeats merges[0]"},
      {"{\"kind\": \"bpe\", \"vocab_size\": 300, \"merges\": [[97, 98]]}", "\"vocab_size\" must be the integer 257"},
      {"{\"kind\": \"bpe\", \"merges\": [[97, 98]]}", "\"vocab_size\" must be the integer 257"},
      {"{\"kind\": \"bpe\", \"vocab_size\": \"257\", \"merges\": [[97, 98]]}", "\"vocab_size\" must be the integer 257"},
  };
  for (const auto& [content, expected] : cases) {
    const std::string message = load_error(content);
    EXPECT_NE(message.find(expected), std::string::npos) << "content: " << content << "\nmessage: " << message;
  }
}

TEST(TokenizerJson, FromJsonNamesTheSource) {
  try {
    tokenizer_from_json({{"kind", "sentencepiece"}}, "model.ckpt");
    FAIL() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(e.path(), "model.ckpt");
  }
}

}  // namespace
}  // namespace tessera::text
