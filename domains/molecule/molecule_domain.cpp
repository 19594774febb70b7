// The molecule domain: molecules from CSV, SDF or .smi through RDKit, a Graphormer-style graph
// model on the shared trunk, property predictions scored beside mean and ridge baselines.
#include "domains/molecule/molecule_bias_audit.h"
#include "domains/molecule/molecule_commands.h"
#include "domains/molecule/molecule_model_spec.h"
#include "domains/molecule/property_task.h"

namespace tessera::molecule {

domains::Domain molecule_domain() {
  domains::Domain d;
  d.name = "molecule";
  d.tasks = {{kArchitecture, [](config::Section& root) { return std::make_unique<PropertyTask>(root); }}};
  d.models = {{kMoleculeModel, [](const std::string& checkpoint, Device device) -> std::unique_ptr<nn::Module> {
                 return std::move(load_molecule_model(checkpoint, device).model);
               }}};
  d.commands = {predict_molecule_command(), eval_molecule_command(), molecule_demo_command()};
  d.bias_audit = molecule_bias_audit;
  return d;
}

}  // namespace tessera::molecule
