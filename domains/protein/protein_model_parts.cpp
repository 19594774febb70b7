#include "domains/protein/protein_model_parts.h"

#include "domains/protein/protein_bias_audit.h"
#include "domains/protein/protein_commands.h"
#include "domains/protein/protein_model_spec.h"
#include "domains/protein/structure_task.h"

namespace tessera::protein {

void add_structure_model(domains::Domain& domain) {
  domain.tasks.emplace_back(kArchitecture, [](config::Section& root) { return std::make_unique<StructureTask>(root); });
  domain.models.push_back({kProteinModel, [](const std::string& checkpoint, Device device) -> std::unique_ptr<nn::Module> {
                             return std::move(load_protein_model(checkpoint, device).model);
                           }});
  domain.commands.push_back(predict_protein_command());
  domain.bias_audit = protein_bias_audit;
}

}  // namespace tessera::protein
