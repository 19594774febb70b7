// The descriptors the model reads (domains/molecule/descriptor_set.h) are RDKit's Properties, value
// for value, although the path-based chi indices are computed here: on the 1,017 ChEMBL molecules
// rdkit-data ships and on molecules chosen for the paths' corner cases (3- and 4-membered rings
// close paths on themselves; heavy atoms take the Hall-Kier correction; no paths at all).
#include <gtest/gtest.h>

#include <GraphMol/Descriptors/Property.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "domains/molecule/descriptor_set.h"

namespace tessera::molecule {
namespace {

constexpr const char* kChembl = "/usr/share/RDKit/Contrib/FreeWilson/data/CHEMBL2321810.smi";

void expect_rdkit_values(const std::string& smiles) {
  static const RDKit::Descriptors::Properties rdkit;
  const std::unique_ptr<RDKit::ROMol> ours_mol(RDKit::SmilesToMol(smiles));
  const std::unique_ptr<RDKit::ROMol> rdkit_mol(RDKit::SmilesToMol(smiles));
  ASSERT_TRUE(ours_mol && rdkit_mol) << smiles;
  const std::vector<double> ours = rdkit_descriptors(*ours_mol);
  const std::vector<double> want = rdkit.computeProperties(*rdkit_mol);
  ASSERT_EQ(ours.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(ours[i], want[i]) << rdkit_descriptor_names()[i] << " of " << smiles;
}

TEST(DescriptorSet, NamesAreRdkitsInItsOrder) {
  EXPECT_EQ(rdkit_descriptor_names(), RDKit::Descriptors::Properties().getPropertyNames());
}

TEST(DescriptorSet, CornerCasesOfThePathsGiveRdkitsValues) {
  for (const char* smiles : {"C", "CC", "CCC", "O", "[Na+].[Cl-]", "C1CC1", "C1CO1", "C1CCC1", "C1CC2CC12",
                             "c1ccc(C2CO2)cc1", "CC1(C)C(C=C(Cl)Cl)C1C(=O)O", "ICBr", "OP(=O)(O)OCC[Si](C)(C)C",
                             "C[S+](C)CC(=O)[O-]", "c1ccc2c(c1)ccc1c2ccc2c3ccccc3ccc21", "C12C3C4C1C5C2C3C45"})
    expect_rdkit_values(smiles);
}

TEST(DescriptorSet, ChemblMoleculesGiveRdkitsValues) {
  std::ifstream in(kChembl);
  if (!in) GTEST_SKIP() << kChembl << " is missing (Debian package rdkit-data)";
  std::string line;
  int molecules = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string smiles;
    fields >> smiles;
    if (smiles.empty()) continue;
    expect_rdkit_values(smiles);
    ++molecules;
    if (HasFailure()) break;
  }
  EXPECT_EQ(molecules, 1017);
}

}  // namespace
}  // namespace tessera::molecule
