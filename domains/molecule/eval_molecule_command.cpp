// tessera eval molecule: the model on the test split of --input, recomputed from the split its
// training config defined (kind, seed, fractions), beside the baselines fitted on that training split.
#include <fstream>
#include <iostream>
#include <memory>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/molecule/molecule_baselines.h"
#include "domains/molecule/molecule_commands.h"
#include "domains/molecule/property_task.h"

namespace tessera::molecule {
namespace {

struct EvalFlags {
  std::string input, json;
};

domains::CommandResult evaluate(const EvalFlags& f, const domains::ModelRun& run) {
  if (!f.json.empty()) io::check_output_path(f.json, "--json", {f.input, run.checkpoint});
  const LoadedMoleculeModel m = load_molecule_model(run.checkpoint, run.device);
  ExampleOptions options = m.spec.examples;
  options.descriptors = true;  // the descriptor baseline needs them
  const MoleculeSet set = load_molecule_set(f.input, m.data.layout, options, true);
  const Split split = split_molecule_set(set, m.data.split);
  if (split.train.empty() || split.test.empty())
    throw DataError(f.input, "has " + std::to_string(set.examples.size()) + " usable molecules: too few to split");
  size_t scored = 0;
  for (int64_t i : split.test)
    for (double value : set.examples[static_cast<size_t>(i)].targets) scored += !std::isnan(value);
  if (scored == 0)
    throw DataError(f.input, "the test split (" + std::to_string(split.test.size()) +
                                 " molecules) holds no value of any target: nothing to score");
  const MoleculeBenchmark b = benchmark_molecules(m, set, split);
  nlohmann::ordered_json j = {{"checkpoint", run.checkpoint}, {"input", f.input}, {"split", m.data.split.kind},
                              {"split_seed", m.data.split.seed}, {"test_molecules", b.test},
                              {"targets", m.data.layout.targets}, {"model", b.model}, {"baselines", b.baselines},
                              {"per_target", b.per_target}};
  j[eval::kComparisonKey] = eval::comparison_json(benchmark_comparison(b));
  if (!f.json.empty())
    io::write_text_atomically(f.json, j.dump(2) + "\n");
  std::cerr << format_benchmark(b) << std::flush;
  return j;
}

}  // namespace

domains::DomainCommand eval_molecule_command() {
  domains::DomainCommand c;
  c.verb = "eval";
  c.name = "molecule";
  c.description = "Score a molecular property model on its test split beside mean and ridge baselines (JSON on stdout, "
                  "table on stderr)";
  c.add_flags = [](CLI::App& cmd) -> domains::CommandRun {
    auto f = std::make_shared<EvalFlags>();
    cmd.add_option("--input", f->input, "The data the model was trained on (split as its config says)")
        ->required()
        ->check(domains::input_file());
    cmd.add_option("--json", f->json, "Also write the scores as indented JSON to this file")->check(domains::output_file());
    return [f](const domains::ModelRun& run) { return evaluate(*f, run); };
  };
  return c;
}

}  // namespace tessera::molecule
