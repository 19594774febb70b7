#include "tests/fuzz/molecule_records.h"

#include "domains/molecule/molecule_set.h"

namespace tessera::fuzz {

molecule::TableLayout fuzz_layout() {
  molecule::TableLayout layout;
  layout.id_column = "id";
  layout.id_required = false;
  layout.targets = {"logS", "pIC50"};
  return layout;
}

void read_molecules(const std::string& path, const molecule::TableLayout& layout) {
  molecule::ExampleOptions options;
  options.descriptors = true;
  options.scaffolds = true;
  const std::unique_ptr<molecule::MoleculeReader> reader = molecule::open_molecules(path, layout, true);
  molecule::MoleculeRecord record;
  std::string error;
  while (reader->next(record)) molecule::make_example(record, options, error);
}

}  // namespace tessera::fuzz
