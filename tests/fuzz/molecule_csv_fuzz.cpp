// A molecule table as text: CSV (`,` `;` or tab, quoted fields, comment lines), a CSV without a
// header whose columns the config names, or a .smi file; the first byte picks which.
#include "tests/fuzz/fuzz_harness.h"
#include "tests/fuzz/molecule_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  tessera::molecule::TableLayout layout = tessera::fuzz::fuzz_layout();
  std::string suffix = ".csv";
  switch (data[0] % 4) {
    case 1: layout.columns = {"id", "smiles", "logS", "pIC50"}; break;
    case 2: layout.delimiter = "tab"; break;
    case 3: suffix = ".smi"; layout.targets.clear(); break;
  }
  const std::string& path = tessera::fuzz::input_file(data + 1, size - 1, suffix);
  tessera::fuzz::expect_input_error([&] { tessera::fuzz::read_molecules(path, layout); });
  return 0;
}

namespace tessera::fuzz {

std::vector<std::string> seeds() {
  return {
      std::string("\0", 1) + "# solubility\nid,smiles,logS,pIC50\nm1,CCO,1.1,4.5\n\"m,2\",\"c1ccccc1\",NA,\nm3,C(,2,3\n",
      "\1m1,CCO,1.1,4.5\nm2,CC(=O)O,-0.2,NaN\n",
      "\2id\tsmiles\tlogS\tpIC50\nm1\tCCO\t1.1\t4.5\n",
      "\3CCO ethanol\nc1ccccc1\tbenzene\n\n# comment\nC1CC1\n",
      std::string("\0", 1) + "smiles;logS;pIC50;id\r\nCCO;1,1;4.5;a\r\n",
  };
}

}  // namespace tessera::fuzz
