#pragma once
// The molecule domain's one contact with RDKit: parse a SMILES string, and from the parsed
// molecule the graph the modality consumes, RDKit's 2D descriptors, a Morgan fingerprint, the
// Bemis-Murcko scaffold, one 3D conformer's atom distances and the facts the bias audit groups by
// (the descriptors through descriptor_set.h). RDKit's own log lines are silenced; its failures
// become messages.
#include <memory>
#include <string>
#include <vector>

#include "modalities/graph/molecular_graph.h"

namespace RDKit {
class ROMol;
}

namespace tessera::molecule {

class Molecule {
 public:
  // The parsed molecule, or null with `error` saying why (never throws for bad chemistry).
  static std::unique_ptr<Molecule> from_smiles(const std::string& smiles, std::string& error);
  // Takes ownership of a molecule RDKit already parsed (an SDF record).
  explicit Molecule(std::unique_ptr<RDKit::ROMol> mol);
  ~Molecule();

  int64_t heavy_atoms() const;
  std::string smiles() const;  // canonical
  graph::MolecularGraph graph() const;
  // Distances between the atoms of graph(), in its atom order, [atoms * atoms] in ångström, of one
  // conformer embedded by ETKDGv3 with a fixed seed (the same molecule always gets the same
  // distances); empty when embedding fails.
  std::vector<float> conformer_distances() const;
  std::vector<double> descriptors() const;  // in descriptor_names() order
  std::vector<float> morgan_bits(unsigned radius, unsigned bits) const;
  std::string scaffold() const;  // canonical SMILES of the Bemis-Murcko scaffold; empty for acyclic
  double molecular_weight() const;  // average molecular weight in daltons, hydrogens included (RDKit's MolWt)
  bool has_halogen() const;         // any F, Cl, Br or I atom
  bool has_charged_atom() const;    // any atom with a nonzero formal charge

 private:
  std::unique_ptr<RDKit::ROMol> mol_;
};

std::vector<std::string> descriptor_names();

// The atoms a SMILES string writes (bracket atoms, organic-subset symbols and wildcards `*`),
// counted without parsing it: RDKit 2022.09 takes time cubic in the length of a chain (2,048
// carbons: 6 s), so a string far above a model's atom limit is refused before it is parsed.
int64_t smiles_atom_count(const std::string& smiles);

// Stops RDKit writing its parse and sanitization messages to stderr (they become our messages).
void silence_rdkit_logs();

}  // namespace tessera::molecule
