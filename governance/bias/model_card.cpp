#include "governance/bias/model_card.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/tensor/tensor.h"
#include "core/util/error.h"
#include "governance/report/metrics_log.h"

namespace tessera::bias {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kUnknown = "unknown";

Json read_json_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot read");
  try {
    return Json::parse(in);
  } catch (const nlohmann::json::exception&) {
    throw DataError(path.string(), "is not valid JSON");
  }
}

// The newest of the files `dir` (and, with `nested`, each folder directly in it) holds whose
// name matches; empty when none.
fs::path newest(const fs::path& dir, bool (*matches)(const std::string&), bool nested) {
  fs::path best;
  fs::file_time_type best_time{};
  std::error_code ec;
  std::vector<fs::path> folders = {dir};
  if (nested)
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory(ec)) folders.push_back(e.path());
  for (const fs::path& folder : folders)
    for (const auto& e : fs::directory_iterator(folder, ec)) {
      if (!e.is_regular_file(ec) || !matches(e.path().filename().string())) continue;
      const auto t = e.last_write_time(ec);
      if (best.empty() || t > best_time) {
        best = e.path();
        best_time = t;
      }
    }
  return best;
}

bool is_eval_json(const std::string& name) {
  return name.rfind("eval", 0) == 0 && name.size() > 5 && name.substr(name.size() - 5) == ".json";
}
bool is_audit_json(const std::string& name) { return name == "audit.json"; }

// The member `key` of `j`, or an empty JSON value of the same kind when it is absent.
const Json& member(const Json& j, const char* key) {
  static const Json none;
  if (!j.is_object()) return none;
  const auto it = j.find(key);
  return it == j.end() ? none : *it;
}

std::string text_of(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// A fact as the card states it: copied from its source, or unknown.
std::string fact(const Json& j, const char* key) {
  const Json& v = member(j, key);
  return v.is_null() ? kUnknown : text_of(v);
}

// A YAML mapping's scalar entries as "key: value" bullets, nested keys dotted.
void yaml_bullets(const YAML::Node& node, const std::string& prefix, std::ostringstream& out) {
  if (!node.IsMap()) return;
  for (const auto& kv : node) {
    const std::string key = prefix + kv.first.Scalar();
    if (kv.second.IsMap()) {
      yaml_bullets(kv.second, key + ".", out);
    } else if (kv.second.IsSequence()) {
      std::string items;
      for (const auto& item : kv.second) items += (items.empty() ? "" : ", ") + (item.IsScalar() ? item.Scalar() : "...");
      out << "- " << key << ": " << items << "\n";
    } else if (kv.second.IsScalar()) {
      out << "- " << key << ": " << kv.second.Scalar() << "\n";
    }
  }
}

struct RunFacts {
  fs::path dir;
  std::vector<Json> metrics;  // metrics.jsonl records
  fs::path eval_path, audit_path, carbon_path;
  Json eval, audit, carbon;
};

RunFacts gather(const std::string& run_dir) {
  RunFacts f;
  if (run_dir.empty()) return f;
  f.dir = run_dir;
  std::error_code ec;
  if (!fs::is_directory(f.dir, ec)) throw InputError(run_dir, "run directory does not exist");
  f.metrics = report::read_metrics_log((f.dir / "metrics.jsonl").string());
  f.eval_path = newest(f.dir, is_eval_json, false);
  if (!f.eval_path.empty()) f.eval = read_json_file(f.eval_path);
  f.audit_path = newest(f.dir, is_audit_json, true);
  if (!f.audit_path.empty()) f.audit = read_json_file(f.audit_path);
  if (fs::is_regular_file(f.dir / "carbon.json", ec)) {
    f.carbon_path = f.dir / "carbon.json";
    f.carbon = read_json_file(f.carbon_path);
  }
  return f;
}

class CardWriter {
 public:
  CardWriter(const CardInputs& in, const io::CheckpointMeta& meta, int64_t parameters, RunFacts facts)
      : in_(in), meta_(meta), parameters_(parameters), f_(std::move(facts)) {
    try {
      config_ = YAML::Load(meta.config);
    } catch (const YAML::Exception&) {
      config_ = YAML::Node();
    }
  }

  std::string write() {
    md_ << "# Model card: " << fs::path(in_.checkpoint).filename().string() << "\n\n"
        << "Written by `tessera card` from the checkpoint and its run directory"
        << (f_.dir.empty() ? " (none found)" : " `" + f_.dir.string() + "`")
        << ". What none of them records is written as unknown.\n";
    details();
    intended_use();
    factors();
    metrics();
    evaluation_data();
    training_data();
    quantitative();
    ethics();
    caveats();
    return md_.str();
  }

 private:
  std::string config_text(const std::string& section, const std::string& key) const {
    const YAML::Node s = config_[section];
    if (!s || !s.IsMap() || !s[key]) return kUnknown;
    const YAML::Node v = s[key];
    if (v.IsScalar()) return v.Scalar();
    std::string items;
    for (const auto& item : v) items += (items.empty() ? "" : ", ") + (item.IsScalar() ? item.Scalar() : "...");
    return items;
  }

  void details() {
    md_ << "\n## Model details\n\n"
        << "- Checkpoint: `" << in_.checkpoint << "`\n"
        << "- Architecture: " << meta_.architecture << "\n"
        << "- Domain: " << (in_.domain.empty() ? kUnknown : in_.domain) << "\n"
        << "- Task: " << (config_["task"] && config_["task"].IsScalar() ? config_["task"].Scalar() : kUnknown) << "\n"
        << "- Parameters: " << parameters_ << "\n"
        << "- Optimizer steps: " << meta_.step << "\n";
    const auto tokenizer = meta_.attributes.find("tokenizer");
    if (tokenizer != meta_.attributes.end()) {
      const Json t = Json::parse(tokenizer->second, nullptr, false);
      if (t.is_object() && t.contains("kind")) md_ << "- Tokenizer: " << text_of(t["kind"]) << "\n";
    }
    md_ << "- Developers, version, date, licence, citation: " << kUnknown << " (not recorded in the checkpoint)\n";
    if (config_["model"] && config_["model"].IsMap()) {
      md_ << "\nModel configuration (from the checkpoint's effective config):\n\n";
      yaml_bullets(config_["model"], "model.", md_);
    }
  }

  void intended_use() {
    md_ << "\n## Intended use\n\n"
        << "- Primary intended uses and users: " << kUnknown
        << " (not recorded; the run config says only the task above)\n"
        << "- Out-of-scope uses: " << kUnknown << "\n";
  }

  void factors() {
    md_ << "\n## Factors\n\n";
    if (f_.audit.is_null()) {
      md_ << "Relevant groups: " << kUnknown << " (no bias audit found in the run directory).\n";
      return;
    }
    md_ << "Groups audited (from `" << f_.audit_path.string() << "`):\n\n";
    std::vector<std::string> seen;
    for (const auto& g : member(f_.audit, "groups")) {
      const std::string attribute = g.value("attribute", "");
      if (std::find(seen.begin(), seen.end(), attribute) != seen.end()) continue;
      seen.push_back(attribute);
      std::string names;
      for (const auto& h : f_.audit["groups"])
        if (h.value("attribute", "") == attribute) names += (names.empty() ? "" : ", ") + h.value("group", "");
      md_ << "- " << attribute << ": " << names << "\n";
    }
  }

  void metrics() {
    md_ << "\n## Metrics\n\n";
    md_ << "- Training: " << (f_.metrics.empty() ? std::string(kUnknown) + " (no metrics.jsonl)" : "loss and eval_loss as logged in metrics.jsonl") << "\n";
    md_ << "- Evaluation: ";
    if (f_.eval.is_object()) {
      std::string names;
      for (const auto& [k, v] : f_.eval.items())
        if (v.is_number_float()) names += (names.empty() ? "" : ", ") + k;
      md_ << names << " (from `" << f_.eval_path.string() << "`)\n";
    } else {
      md_ << kUnknown << " (no eval*.json in the run directory)\n";
    }
    md_ << "- Bias audit: ";
    if (f_.audit.is_object()) {
      md_ << "per-group " << fact(f_.audit, "kind") << " metrics with "
          << fact(member(f_.audit, "settings"), "confidence") << " bootstrap intervals, compared with a reference group\n";
    } else {
      md_ << kUnknown << "\n";
    }
  }

  void evaluation_data() {
    md_ << "\n## Evaluation data\n\n";
    bool any = false;
    if (f_.eval.is_object())
      for (const auto& key : {"input", "data", "files", "test_start", "test_end"})
        if (f_.eval.contains(key)) {
          md_ << "- Evaluation " << key << ": " << text_of(f_.eval[key]) << "\n";
          any = true;
        }
    if (f_.audit.is_object())
      for (const auto& [key, value] : member(f_.audit, "source").items()) {
        md_ << "- Audit " << key << ": " << text_of(value) << "\n";
        any = true;
      }
    if (!any) md_ << kUnknown << "\n";
  }

  void training_data() {
    md_ << "\n## Training data\n\n";
    if (!config_["data"] || !config_["data"].IsMap()) {
      md_ << kUnknown << "\n";
      return;
    }
    md_ << "From the checkpoint's effective config:\n\n";
    yaml_bullets(config_["data"], "data.", md_);
  }

  void quantitative() {
    md_ << "\n## Quantitative analyses\n\n";
    const Json* last = nullptr;
    const Json* last_eval = nullptr;
    for (const Json& m : f_.metrics) {
      if (m.contains("loss")) last = &m;
      if (m.contains("eval_loss")) last_eval = &m;
    }
    if (last) md_ << "- Last logged training loss: " << fact(*last, "loss") << " at step " << fact(*last, "step") << "\n";
    if (last_eval)
      md_ << "- Last eval_loss during training: " << fact(*last_eval, "eval_loss") << " at step "
          << fact(*last_eval, "step") << "\n";
    if (f_.eval.is_object()) {
      md_ << "- Evaluation (`" << f_.eval_path.filename().string() << "`):";
      for (const auto& [k, v] : f_.eval.items())
        if (v.is_number()) md_ << " " << k << " " << v.dump() << ";";
      md_ << "\n";
    }
    if (!last && !last_eval && !f_.eval.is_object()) md_ << "- Model performance: " << kUnknown << "\n";
    if (f_.audit.is_object()) {
      md_ << "- Bias audit verdict: **" << fact(f_.audit, "verdict") << "**\n\n";
      md_ << "| attribute | group | n | metrics |\n| --- | --- | --- | --- |\n";
      for (const auto& g : member(f_.audit, "groups")) {
        std::string values;
        for (const auto& [name, v] : member(g, "metrics").items()) values += name + " " + v.dump() + "; ";
        md_ << "| " << fact(g, "attribute") << " | " << fact(g, "group") << " | " << fact(g, "n")
            << " | " << values << "|\n";
      }
    }
    md_ << "\nEnergy and carbon: ";
    if (f_.carbon.is_object() && f_.carbon.contains("total")) {
      const Json& t = member(f_.carbon, "total");
      md_ << fact(t, "energy_kwh") << " kWh, " << fact(t, "emissions_kg")
          << " kg CO2eq over " << fact(t, "runs") << " metered commands (`" << f_.carbon_path.string()
          << "`).\n";
    } else {
      md_ << kUnknown << " (no carbon.json in the run directory)\n";
    }
  }

  void ethics() {
    md_ << "\n## Ethical considerations\n\n";
    if (!f_.audit.is_object()) {
      md_ << "No bias audit was found, so whom this model serves worse is unknown. Run `tessera audit bias` before "
             "relying on it.\n";
      return;
    }
    bool any = false;
    for (const auto& c : member(f_.audit, "comparisons")) {
      const std::string verdict = c.value("verdict", "");
      if (verdict != "fail" && verdict != "warn") continue;
      if (!any) md_ << "The bias audit flags:\n\n";
      any = true;
      md_ << "- " << verdict << ": " << fact(c, "attribute") << " " << fact(c, "metric")
          << (member(c, "group").is_null() ? "" : " of " + fact(c, "group") + " against " + fact(c, "reference"))
          << " = " << fact(c, "value") << " (" << fact(c, "rule") << ")\n";
    }
    if (!any) md_ << "The bias audit flags no comparison (verdict " << fact(f_.audit, "verdict") << ").\n";
    md_ << "\nProvenance, consent and licensing of the data: " << kUnknown << ".\n";
  }

  void caveats() {
    md_ << "\n## Caveats and recommendations\n\n";
    if (f_.audit.is_object()) {
      for (const auto& g : member(f_.audit, "groups"))
        if (!g.value("judged", true))
          md_ << "- " << fact(g, "attribute") << " = " << fact(g, "group")
              << " is below the audit's minimum group size: reported, not judged.\n";
      for (const auto& n : member(f_.audit, "notes")) md_ << "- " << text_of(n) << "\n";
      for (const auto& n : member(f_.audit, "audit_notes")) md_ << "- " << text_of(n) << "\n";
    }
    if (!f_.eval.is_object()) md_ << "- No evaluation was found beside the run; its held-out performance is unknown.\n";
    md_ << "- Groups not audited may be served differently; the audit covers only the attributes listed under Factors.\n";
  }

  const CardInputs& in_;
  const io::CheckpointMeta& meta_;
  int64_t parameters_;
  RunFacts f_;
  YAML::Node config_;
  std::ostringstream md_;
};

}  // namespace

std::string run_dir_of(const std::string& checkpoint) {
  const fs::path folder = fs::path(checkpoint).parent_path();
  if (folder.filename() == "checkpoints" && folder.has_parent_path()) return folder.parent_path().string();
  return "";
}

std::string model_card_markdown(const CardInputs& inputs) {
  const io::CheckpointMeta meta = io::read_checkpoint_meta(inputs.checkpoint);
  int64_t parameters = 0;
  for (const auto& t : io::list_checkpoint_tensors(inputs.checkpoint))
    if (t.name.substr(0, t.name.find('/')) != "optimizer") parameters += shape_numel(t.shape);
  return CardWriter(inputs, meta, parameters, gather(inputs.run_dir.empty() ? run_dir_of(inputs.checkpoint) : inputs.run_dir))
      .write();
}

}  // namespace tessera::bias
