// One SMILES string (a line of a .smi file or a CSV cell) through RDKit and everything the
// molecule model takes from it: graph, canonical SMILES, descriptors, Morgan bits, scaffold and
// a 3D conformer's distances.
#include "domains/molecule/chemistry.h"
#include "domains/molecule/molecule_set.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tessera::molecule::silence_rdkit_logs();
  tessera::molecule::MoleculeRecord record;
  record.smiles.assign(reinterpret_cast<const char*>(data), size);
  tessera::molecule::ExampleOptions options;
  options.descriptors = true;
  options.scaffolds = true;
  options.conformer = true;
  tessera::fuzz::expect_input_error([&] {
    std::string error;
    if (!tessera::molecule::make_example(record, options, error)) return;
    std::unique_ptr<tessera::molecule::Molecule> mol = tessera::molecule::Molecule::from_smiles(record.smiles, error);
    mol->morgan_bits(2, 256);
    mol->smiles();
    mol->molecular_weight();
    mol->has_halogen();
    mol->has_charged_atom();
  });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  return {"CCO", "c1ccccc1C(=O)O", "C[C@H](N)C(=O)O", "[Na+].[Cl-]", "C1CC2CCC1CC2", "O=C1NC(=O)c2ccccc12",
          "FC(F)(F)c1ccc(Br)cc1I", "[2H]C([2H])([2H])O", "C/C=C/C", "c1ccc2[nH]ccc2c1"};
}

}  // namespace tessera::fuzz
