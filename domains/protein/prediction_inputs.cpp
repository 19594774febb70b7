#include "domains/protein/prediction_inputs.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/util/error.h"
#include "domains/protein/structure_reader.h"
#include "domains/protein/training_chains.h"
#include "modalities/sequence/residue_alphabet.h"

namespace tessera::protein {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_fasta(const std::string& path) {
  const std::string p = lower(path);
  for (const char* ext : {".fasta", ".fa", ".faa", ".fas", ".seq"})
    if (ends_with(p, ext)) return true;
  return false;
}

bool is_h5(const std::string& path) {
  const std::string p = lower(path);
  return ends_with(p, ".h5") || ends_with(p, ".hdf5");
}

// Checks a sequence read from FASTA or HDF5: letters only (a trailing '*' stop is dropped).
std::string checked_sequence(std::string sequence, const std::string& record, const std::string& path) {
  if (!sequence.empty() && sequence.back() == '*') sequence.pop_back();
  for (size_t i = 0; i < sequence.size(); ++i)
    if (sequence::residue_token(sequence[i]) < 0) {
      const unsigned char c = static_cast<unsigned char>(sequence[i]);
      const std::string shown = std::isprint(c) ? std::string("'") + sequence[i] + "'" : "byte " + std::to_string(c);
      throw InputError(path, "record '" + record + "': " + shown + " at residue " + std::to_string(i + 1) +
                                 " is not an amino-acid letter");
    }
  return sequence;
}

}  // namespace

std::string file_safe_name(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '_');
  return out;
}

std::vector<NamedSequence> read_fasta(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the file");
  std::vector<NamedSequence> records;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.front() == '>') {
      std::string header = line.substr(1);
      const size_t end = header.find_first_of(" \t");
      std::string name = header.substr(0, end);
      if (name.empty()) throw InputError(path, "line " + std::to_string(line_number) + ": a record without a name");
      records.push_back({name, ""});
      continue;
    }
    std::string residues;
    for (char c : line)
      if (!std::isspace(static_cast<unsigned char>(c))) residues += c;
    if (residues.empty()) continue;
    if (records.empty()) throw InputError(path, "not a FASTA file (line " + std::to_string(line_number) + " comes before any '>' header)");
    records.back().sequence += residues;
  }
  if (records.empty()) throw InputError(path, "holds no FASTA records");
  std::set<std::string> names;
  for (NamedSequence& r : records) {
    r.sequence = checked_sequence(r.sequence, r.name, path);
    if (!names.insert(file_safe_name(r.name)).second) throw InputError(path, "record name '" + r.name + "' appears twice");
  }
  return records;
}

PredictionInputs read_prediction_inputs(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path, "no such file or folder");
  PredictionInputs inputs;
  const bool folder = std::filesystem::is_directory(path, ec);
  if (!folder && (is_fasta(path) || is_h5(path)) && !std::filesystem::is_regular_file(path, ec))
    throw InputError(path, "is not a regular file (a FIFO or device cannot be read as sequences)");
  if (!folder && is_fasta(path)) {
    inputs.sequences = read_fasta(path);
  } else if (!folder && is_h5(path)) {
    for (NamedSequence& s : read_sequence_h5(path)) inputs.sequences.push_back({s.name, checked_sequence(s.sequence, s.name, path)});
  } else {
    StructureSet set = read_structures(path);
    inputs.skipped = std::move(set.skipped);
    for (ProteinChain& chain : set.chains) inputs.sequences.push_back({chain.name, chain.sequence});
  }
  std::vector<NamedSequence> kept;
  for (NamedSequence& s : inputs.sequences) {
    if (s.sequence.size() < kMinChainLength)
      inputs.skipped.emplace_back(path, "'" + s.name + "' has " + std::to_string(s.sequence.size()) +
                                            " residues, fewer than " + std::to_string(kMinChainLength));
    else
      kept.push_back(std::move(s));
  }
  inputs.sequences = std::move(kept);
  if (inputs.sequences.empty())
    throw InputError(path, inputs.skipped.size() == 1 ? inputs.skipped.front().second
                                                      : "nothing to predict (" + std::to_string(inputs.skipped.size()) +
                                                            " files or records skipped)");
  return inputs;
}

}  // namespace tessera::protein
