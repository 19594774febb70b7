// tessera data molecule-demo: the quick-start data set from Debian's rdkit-data, 1,017 ChEMBL
// molecules (CHEMBL2321810.smi) joined by id with their measured activity (pIC50, _act.csv), as
// one CSV (id, smiles, activity) that configs/molecule/demo.yaml trains on.
#include <fstream>
#include <map>
#include <memory>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/molecule/csv_field.h"
#include "domains/molecule/molecule_commands.h"
#include "domains/molecule/molecule_reader.h"

namespace tessera::molecule {
namespace {

struct DemoFlags {
  std::string output;
  std::string folder = "/usr/share/RDKit/Contrib/FreeWilson/data";
};

domains::CommandResult make_demo(const DemoFlags& f) {
  const std::string smi = f.folder + "/CHEMBL2321810.smi", act = f.folder + "/CHEMBL2321810_act.csv";
  io::check_output_path(f.output, "--output", {smi, act});
  TableLayout activity_layout;
  activity_layout.smiles_column = "Act";  // the reader wants a SMILES column; the activity stands in
  activity_layout.id_column = "Name";
  std::map<std::string, std::string> activity;
  MoleculeRecord r;
  for (auto reader = open_molecules(act, activity_layout, false); reader->next(r);) activity[r.id] = r.smiles;
  int64_t rows = 0;
  io::write_atomically(f.output, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << "id,smiles,activity\n";
    for (auto reader = open_molecules(smi, TableLayout{}, false); reader->next(r);) {
      auto it = activity.find(r.id);
      if (it == activity.end()) continue;
      out << csv_field(r.id) << "," << csv_field(r.smiles) << "," << it->second << "\n";
      ++rows;
    }
    if (rows == 0) throw DataError(smi, "no molecule has an activity in " + act);
    if (!out.flush()) throw InputError(f.output, "cannot write file");
  });
  return {{"output", f.output}, {"molecules", rows}, {"source", smi}};
}

}  // namespace

domains::DomainCommand molecule_demo_command() {
  domains::DomainCommand c;
  c.verb = "data";
  c.name = "molecule-demo";
  c.description = "1,017 ChEMBL molecules with measured activity from Debian's rdkit-data, as CSV (id, smiles, activity)";
  c.runs_model = false;
  c.metered = false;
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<DemoFlags>();
    cmd.add_option("--output", f->output, "CSV file to write")->required()->check(domains::output_file());
    cmd.add_option("--from", f->folder, "Folder holding CHEMBL2321810.smi and CHEMBL2321810_act.csv")->capture_default_str();
    return [f](const domains::ModelRun&) { return make_demo(*f); };
  };
  return c;
}

}  // namespace tessera::molecule
