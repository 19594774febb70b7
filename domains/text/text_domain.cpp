// The text domain: language models (causal or masked) on byte or BPE tokens.
#include "domains/text/language_model_task.h"
#include "domains/text/text_bias_audit.h"
#include "domains/text/text_commands.h"
#include "domains/text/text_model_spec.h"

namespace tessera::text {

domains::Domain text_domain() {
  domains::Domain d;
  d.name = "text";
  d.tasks = {{kArchitecture, [](config::Section& root) { return std::make_unique<LanguageModelTask>(root); }}};
  d.models = {{kTextModel, [](const std::string& checkpoint, Device device) -> std::unique_ptr<nn::Module> {
                 return std::move(load_text_model(checkpoint, device).model);
               }}};
  d.commands = {generate_command(), eval_text_command()};
  d.bias_audit = text_bias_audit;
  return d;
}

}  // namespace tessera::text
