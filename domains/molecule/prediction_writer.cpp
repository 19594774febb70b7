#include "domains/molecule/prediction_writer.h"

#include <cstdio>
#include <fstream>

#include "core/util/error.h"
#include "domains/molecule/csv_field.h"

namespace tessera::molecule {
namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

class CsvPredictionWriter : public PredictionWriter {
 public:
  CsvPredictionWriter(const std::string& path, const std::vector<std::string>& targets)
      : path_(path), targets_(targets.size()), out_(path, std::ios::binary) {
    if (!out_) throw InputError(path, "cannot create file");
    out_ << "id,smiles";
    for (const std::string& t : targets) out_ << "," << csv_field(t);
    out_ << ",error\n";
  }

  void write(const std::vector<PredictionRow>& rows) override {
    for (const PredictionRow& r : rows) {
      out_ << csv_field(r.id) << "," << csv_field(r.smiles);
      for (size_t k = 0; k < targets_; ++k) out_ << "," << (r.values.empty() ? std::string() : number(r.values[k]));
      out_ << "," << csv_field(r.error) << "\n";
    }
  }

  void close() override {
    if (!out_.flush()) throw InputError(path_, "cannot write file");
  }

 private:
  std::string path_;
  size_t targets_;
  std::ofstream out_;
};

}  // namespace

std::unique_ptr<PredictionWriter> open_prediction_writer(const std::string& format, const std::string& path,
                                                         const std::vector<std::string>& targets) {
  if (format == "h5") return open_prediction_h5(path, targets);
  return std::make_unique<CsvPredictionWriter>(path, targets);
}

}  // namespace tessera::molecule
