#include "domains/protein/model_evaluation.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "core/io/atomic_file.h"
#include "core/io/output_path.h"
#include "core/util/error.h"
#include "domains/protein/protein_model_spec.h"
#include "domains/protein/structure_prediction.h"
#include "domains/protein/structure_reader.h"
#include "domains/protein/structure_scoring.h"
#include "domains/protein/training_chains.h"
#include "eval/baseline_comparison.h"
#include "eval/protein/contact_precision.h"

namespace tessera::protein {
namespace {

// One predictor's scores over the chains: superposition scores and contact precision.
struct PredictorScores {
  std::vector<ChainScore> chains;
  std::vector<eval::ContactPrecision> contacts;
};

void add_scores(PredictorScores& to, const ProteinChain& reference, const Coordinates& ca,
                const std::vector<double>& contact_probability) {
  to.chains.push_back(score_chain(model_chain(reference, ca), reference));
  std::vector<eval::Vec3> cbeta(reference.size());
  for (size_t i = 0; i < reference.size(); ++i) cbeta[i] = reference.atoms[i][kCB];
  to.contacts.push_back(eval::contact_precision(contact_probability, cbeta));
}

nlohmann::ordered_json range_json(const eval::RangePrecision& r) {
  using eval::number_or_null;
  return {{"p_at_l", number_or_null(r.at_l)}, {"p_at_l2", number_or_null(r.at_l2)}, {"p_at_l5", number_or_null(r.at_l5)}};
}

// Mean over chains of one precision, skipping chains where it is undefined.
double mean_precision(const std::vector<eval::ContactPrecision>& all, eval::RangePrecision eval::ContactPrecision::*range,
                      double eval::RangePrecision::*at) {
  double sum = 0;
  int n = 0;
  for (const auto& c : all)
    if (std::isfinite(c.*range.*at)) sum += c.*range.*at, ++n;
  return n ? sum / n : std::nan("");
}

nlohmann::ordered_json predictor_json(const PredictorScores& s) {
  nlohmann::ordered_json j = scores_json(s.chains);
  using CP = eval::ContactPrecision;
  const std::pair<const char*, eval::RangePrecision CP::*> ranges[] = {
      {"short", &CP::short_range}, {"medium", &CP::medium_range}, {"long", &CP::long_range}};
  for (size_t i = 0; i < s.contacts.size(); ++i)
    for (const auto& [name, range] : ranges) j["structures"][i]["contact_precision"][name] = range_json(s.contacts[i].*range);
  for (const auto& [name, range] : ranges) {
    eval::RangePrecision mean;
    mean.at_l = mean_precision(s.contacts, range, &eval::RangePrecision::at_l);
    mean.at_l2 = mean_precision(s.contacts, range, &eval::RangePrecision::at_l2);
    mean.at_l5 = mean_precision(s.contacts, range, &eval::RangePrecision::at_l5);
    j["mean"]["contact_precision"][name] = range_json(mean);
  }
  return j;
}

// The table for people: model and baseline means side by side.
std::string comparison_table(const nlohmann::ordered_json& model, const nlohmann::ordered_json& baseline) {
  std::string table = "                   model   baseline\n";
  char line[128];
  auto row = [&](const char* label, const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) {
    auto value = [](const nlohmann::ordered_json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
    std::snprintf(line, sizeof line, "%-16s %8.4f %10.4f\n", label, value(a), value(b));
    table += line;
  };
  const auto& mm = model["mean"];
  const auto& bm = baseline["mean"];
  row("P@L/5 long", mm["contact_precision"]["long"]["p_at_l5"], bm["contact_precision"]["long"]["p_at_l5"]);
  row("P@L long", mm["contact_precision"]["long"]["p_at_l"], bm["contact_precision"]["long"]["p_at_l"]);
  for (const char* key : {"lddt_ca", "tm_score", "gdt_ts", "gdt_ha", "rmsd"}) row(key, mm[key], bm[key]);
  return table;
}

// The means the table shows, model beside the separation baseline.
std::vector<eval::MetricComparison> comparison(const nlohmann::ordered_json& model, const nlohmann::ordered_json& baseline) {
  using Pointer = nlohmann::ordered_json::json_pointer;
  auto value = [](const nlohmann::ordered_json& scores, const Pointer& at) {
    const nlohmann::ordered_json& mean = scores.at("mean");
    return mean.contains(at) && mean.at(at).is_number() ? mean.at(at).get<double>() : std::nan("");
  };
  std::vector<eval::MetricComparison> out;
  auto add = [&](const std::string& metric, eval::Better better, const std::string& at) {
    out.push_back({metric, better, value(model, Pointer(at)), {{"separation", value(baseline, Pointer(at))}}});
  };
  for (const std::string key : {"lddt_ca", "tm_score", "gdt_ts", "gdt_ha"}) add(key, eval::Better::higher, "/" + key);
  add("rmsd", eval::Better::lower, "/rmsd");
  add("p_at_l5 long", eval::Better::higher, "/contact_precision/long/p_at_l5");
  add("p_at_l long", eval::Better::higher, "/contact_precision/long/p_at_l");
  return out;
}

}  // namespace

ProteinChain model_chain(const ProteinChain& reference, const Coordinates& ca) {
  ProteinChain m = reference;
  m.source = "(model of " + reference.name + ")";
  for (size_t i = 0; i < m.size(); ++i) m.atoms[i] = {missing_point(), ca[i], missing_point(), missing_point()};
  return m;
}

std::shared_ptr<ModelEvalFlags> add_model_eval_flags(CLI::App& command) {
  auto f = std::make_shared<ModelEvalFlags>();
  command.add_option("--checkpoint", f->checkpoint,
                     "A protein structure model: predict every chain of --input and score it beside the "
                     "separation-only baseline (instead of --predictions/--references)");
  command.add_option("--input", f->inputs, "With --checkpoint: reference structures, files or folders (one or more)");
  command.add_option("--split", f->split, "With --checkpoint: only the chains of this split of the model's training data")
      ->check(CLI::IsMember({"train", "validation", "test"}));
  return f;
}

domains::CommandResult evaluate_model(const ModelEvalFlags& f, const std::string& json) {
  if (f.inputs.empty()) throw InputError("--input", "is required with --checkpoint");
  std::vector<std::string> inputs = f.inputs;
  inputs.push_back(f.checkpoint);
  if (!json.empty()) {
    io::check_output_path(json, "--json", inputs);
    io::check_outside_input_folders(json, inputs);
  }
  const LoadedProteinModel m = load_protein_model(f.checkpoint, Device::cpu());
  std::set<std::string> wanted;
  if (!f.split.empty() && m.split.contains(f.split))
    for (const auto& name : m.split.at(f.split)) wanted.insert(name.get<std::string>());

  std::vector<ProteinChain> chains;
  std::vector<std::pair<std::string, std::string>> skipped;
  for (const std::string& input : f.inputs) {
    StructureSet set = read_structures(input);
    skipped.insert(skipped.end(), set.skipped.begin(), set.skipped.end());
    std::move(set.chains.begin(), set.chains.end(), std::back_inserter(chains));
  }
  PredictorScores model, baseline;
  for (const ProteinChain& chain : chains) {
    if (!f.split.empty() && !wanted.count(chain.name)) continue;
    const std::string why = unusable_reason(chain);
    if (!why.empty()) {
      skipped.emplace_back(chain.source, why);
      continue;
    }
    const ChainPrediction p = predict_structure(*m.model, m.baseline, chain.name, chain.sequence);
    add_scores(model, chain, p.ca, std::vector<double>(p.contacts.begin(), p.contacts.end()));
    const auto L = static_cast<int64_t>(chain.size());
    const std::vector<double> d = m.baseline.distances(L);
    std::vector<double> closeness(d.size());
    for (size_t k = 0; k < d.size(); ++k) closeness[k] = 1.0 / (1.0 + d[k]);  // ranks pairs as distance does
    add_scores(baseline, chain, coordinates_from_distances(pair_distances(d, L)), closeness);
  }
  report_skipped(skipped);
  if (model.chains.empty())
    throw DataError(f.inputs.size() == 1 ? f.inputs.front() : std::string("--input"), f.split.empty() ? "no chain could be evaluated"
                                             : "holds no chain of the checkpoint's " + f.split + " split");
  nlohmann::ordered_json j = {{"checkpoint", f.checkpoint}, {"input", f.inputs}, {"split", f.split.empty() ? "all" : f.split},
                              {"chains", model.chains.size()}, {"skipped", skipped.size()}};
  j["model"] = predictor_json(model);
  j["baseline"] = predictor_json(baseline);
  j[eval::kComparisonKey] = eval::comparison_json(comparison(j["model"], j["baseline"]));
  if (!json.empty())
    io::write_text_atomically(json, j.dump(2) + "\n");
  std::cerr << comparison_table(j["model"], j["baseline"]) << std::flush;
  return j;
}

}  // namespace tessera::protein
