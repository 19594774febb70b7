// gemmi's model -> ProteinChain: the one place that knows gemmi. Rules (docs/protein.md): first
// model; residues gemmi tabulates as amino acids (modified ones read as their parent letter, the
// rest 'X'), plus untabulated residues with an N-CA-C backbone; one altloc per residue, the one with
// the highest occupancy; point mutations (two residues at one number) keep the better occupied one.
#include "domains/protein/structure_reader.h"

#include <gemmi/gz.hpp>
#include <gemmi/mmcif.hpp>
#include <gemmi/mmread.hpp>
#include <gemmi/pdb.hpp>
#include <gemmi/resinfo.hpp>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/util/error.h"

namespace tessera::protein {
namespace {

const char* const kAtomNames[kChainAtoms] = {"N", "CA", "C", "CB"};

// gemmi's messages can span lines and repeat the path; the CLI prints one line after the path.
std::string first_line(std::string message, const std::string& path) {
  message = message.substr(0, message.find('\n'));
  if (message.rfind(path + ":", 0) == 0) message = message.substr(path.size() + 1);
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.front()))) message.erase(0, 1);
  return message.empty() ? "cannot be read as a structure" : message;
}

// The format its extension names (.pdb/.ent, .cif/.mmcif, optionally .gz); the content decides
// only for other names, so a broken mmCIF file is refused rather than misread as PDB lines.
gemmi::CoorFormat format_of(const std::string& path, const gemmi::CharArray& text) {
  const std::string base = gemmi::MaybeGzipped(path).basepath();
  if (gemmi::iends_with(base, ".mmtf") || gemmi::iends_with(base, ".bcif"))
    throw InputError(path, "binary MMTF / BinaryCIF is not read; convert it to mmCIF or PDB (e.g. gemmi convert)");
  const gemmi::CoorFormat by_name = gemmi::coor_format_from_ext(base);
  if (by_name == gemmi::CoorFormat::Pdb || by_name == gemmi::CoorFormat::Mmcif) return by_name;
  return gemmi::coor_format_from_content(text.data(), text.data() + text.size());
}

// Old PDB files keep line numbers or IDs in columns 73-80, where gemmi reads a segment id that
// splits a residue into one residue per atom; nothing this reader uses lies past column 72.
gemmi::Structure parse(const std::string& path) {
  // A file literally named "-" would make gemmi read stdin.
  const std::string gemmi_path = path == "-" ? "./-" : path;
  gemmi::CharArray text;
  try {
    text = gemmi::read_into_buffer(gemmi::MaybeGzipped(gemmi_path));
  } catch (const std::runtime_error& e) {
    const bool gzipped = gemmi::MaybeGzipped(gemmi_path).is_compressed();
    throw InputError(path, std::string(gzipped ? "cannot be decompressed (truncated or not gzip?): " : "cannot be read: ") +
                               first_line(e.what(), path));
  }
  const gemmi::CoorFormat format = format_of(path, text);
  if (format == gemmi::CoorFormat::Mmcif)
    return gemmi::make_structure(gemmi::cif::read_memory(text.data(), text.size(), path.c_str()));
  if (format == gemmi::CoorFormat::Pdb) {
    gemmi::PdbReadOptions options;
    options.max_line_length = 72;
    return gemmi::read_pdb_from_memory(text.data(), text.size(), path, options);
  }
  throw InputError(path, "neither PDB nor mmCIF text");
}

// The altloc with the highest occupancy among the residue's atoms ('\0': no altlocs).
char best_altloc(const gemmi::Residue& residue) {
  char best = '\0';
  float best_occupancy = -1;
  for (const gemmi::Atom& atom : residue.atoms)
    if (atom.altloc != '\0' && atom.occ > best_occupancy) {
      best = atom.altloc;
      best_occupancy = atom.occ;
    }
  return best;
}

// The atom `name` of the chosen altloc, else the best occupied atom of that name; null if absent.
const gemmi::Atom* find_atom(const gemmi::Residue& residue, const char* name, char altloc) {
  const gemmi::Atom* found = nullptr;
  for (const gemmi::Atom& atom : residue.atoms) {
    if (atom.name != name) continue;
    if (atom.altloc == '\0' || atom.altloc == altloc) return &atom;
    if (!found || atom.occ > found->occ) found = &atom;
  }
  return found;
}

float ca_occupancy(const gemmi::Residue& residue) {
  const gemmi::Atom* ca = find_atom(residue, "CA", best_altloc(residue));
  return ca ? ca->occ : -1.0f;
}

bool has_backbone(const gemmi::Residue& residue) {
  return find_atom(residue, "N", '\0') && find_atom(residue, "CA", '\0') && find_atom(residue, "C", '\0');
}

// The residue's letter, or 0 when it is not an amino acid. Sets `modified` for a non-standard one.
char residue_letter(const gemmi::Residue& residue, bool& modified) {
  const gemmi::ResidueInfo info = gemmi::find_tabulated_residue(residue.name);
  modified = false;
  if (info.found()) {
    if (!info.is_amino_acid()) return 0;
    const char code = info.one_letter_code;
    if (std::isupper(static_cast<unsigned char>(code))) return code;
    modified = true;
    return std::isalpha(static_cast<unsigned char>(code)) ? static_cast<char>(std::toupper(code)) : 'X';
  }
  if (!has_backbone(residue)) return 0;
  modified = true;
  return 'X';
}

std::string residue_label(const gemmi::Residue& residue) {
  std::string label = residue.name + " " + std::to_string(residue.seqid.num.value);
  if (residue.seqid.icode != ' ') label += residue.seqid.icode;
  return label;
}

void add_residue(ProteinChain& chain, const gemmi::Residue& residue, char letter, bool modified) {
  const char altloc = best_altloc(residue);
  std::array<Point, kChainAtoms> atoms;
  for (int a = 0; a < kChainAtoms; ++a) {
    const gemmi::Atom* atom = find_atom(residue, kAtomNames[a], altloc);
    // "nan" or "inf" in a coordinate column parses; such an atom is as good as missing.
    const bool usable = atom && std::isfinite(atom->pos.x) && std::isfinite(atom->pos.y) && std::isfinite(atom->pos.z);
    atoms[a] = usable ? Point{atom->pos.x, atom->pos.y, atom->pos.z} : missing_point();
  }
  const bool has_frame = !std::isnan(atoms[kN][0]) && !std::isnan(atoms[kCA][0]) && !std::isnan(atoms[kC][0]);
  if (letter == 'G' && std::isnan(atoms[kCB][0]) && has_frame) atoms[kCB] = virtual_cbeta(atoms[kN], atoms[kCA], atoms[kC]);
  chain.sequence += letter;
  chain.residue_numbers.push_back(residue.seqid.num.value);
  chain.insertion_codes.push_back(residue.seqid.icode);
  chain.atoms.push_back(atoms);
  if (modified) chain.modified_residues.push_back(residue_label(residue) + " -> " + letter);
}

bool same_number(const ProteinChain& chain, const gemmi::Residue& residue) {
  return !chain.residue_numbers.empty() && chain.residue_numbers.back() == residue.seqid.num.value &&
         chain.insertion_codes.back() == residue.seqid.icode;
}

// Amino-acid residues of every gemmi chain named `id` (a PDB chain continues after ligands).
void add_chain_part(ProteinChain& chain, const gemmi::Chain& part) {
  const gemmi::Residue* kept = nullptr;
  for (const gemmi::Residue& residue : part.residues) {
    if (residue.entity_type == gemmi::EntityType::NonPolymer || residue.entity_type == gemmi::EntityType::Water) continue;
    bool modified = false;
    const char letter = residue_letter(residue, modified);
    if (!letter) continue;
    if (kept && same_number(chain, residue)) {
      // Microheterogeneity: two residue types at one position; the better occupied one stays.
      if (ca_occupancy(residue) <= ca_occupancy(*kept)) continue;
      chain.sequence.pop_back();
      chain.residue_numbers.pop_back();
      chain.insertion_codes.pop_back();
      chain.atoms.pop_back();
      if (!chain.modified_residues.empty() && chain.modified_residues.back().rfind(residue_label(*kept), 0) == 0)
        chain.modified_residues.pop_back();
    }
    add_residue(chain, residue, letter, modified);
    kept = &residue;
  }
}

bool has_any_calpha(const ProteinChain& chain) {
  for (size_t i = 0; i < chain.size(); ++i)
    if (chain.has(i, kCA)) return true;
  return false;
}

void check_regular_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError(path, "no such file");
  if (std::filesystem::is_directory(status)) throw InputError(path, "is a folder; give a structure file");
  if (!std::filesystem::is_regular_file(status)) throw InputError(path, "is not a regular file");
  if (std::filesystem::file_size(path, ec) == 0) throw InputError(path, "is empty");
}

}  // namespace

std::string structure_stem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  return name;
}

std::vector<ProteinChain> read_structure(const std::string& path) {
  check_regular_file(path);
  gemmi::Structure structure;
  try {
    structure = parse(path);
  } catch (const InputError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw InputError(path, "too large to read into memory");
  } catch (const std::exception& e) {
    throw InputError(path, "not a readable PDB or mmCIF file: " + first_line(e.what(), path));
  }
  if (structure.models.empty()) throw InputError(path, "no atoms (no model in the file)");
  const std::string stem = structure_stem(path);
  std::vector<ProteinChain> chains;
  std::map<std::string, size_t> by_id;
  for (const gemmi::Chain& part : structure.models.front().chains) {
    auto [it, added] = by_id.emplace(part.name, chains.size());
    if (added) {
      ProteinChain chain;
      chain.name = part.name.empty() ? stem : stem + "_" + part.name;
      chain.source = path;
      chain.chain_id = part.name;
      chains.push_back(std::move(chain));
    }
    add_chain_part(chains[it->second], part);
  }
  std::vector<ProteinChain> proteins;
  for (ProteinChain& chain : chains)
    if (has_any_calpha(chain)) proteins.push_back(std::move(chain));
  if (proteins.empty()) throw InputError(path, "no protein chain (no amino-acid residue with a C-alpha atom)");
  return proteins;
}

}  // namespace tessera::protein
