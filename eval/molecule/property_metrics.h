#pragma once
// The MoleculeNet scores of property predictions: RMSE, MAE, R2 and Spearman for regression;
// ROC-AUC and PR-AUC (average precision) for classification. Ties get average ranks.
#include <vector>

namespace tessera::eval {

// r2 is NaN (undefined) when the truth is constant, spearman when either side is: a constant
// predictor (the mean baseline) has no ranking to correlate.
struct RegressionScores {
  double rmse = 0, mae = 0, r2 = 0, spearman = 0;
};
RegressionScores regression_scores(const std::vector<double>& truth, const std::vector<double>& predicted);

// Ranks 1..n, tied values sharing the mean of their ranks.
std::vector<double> average_ranks(const std::vector<double>& values);
// Pearson correlation of the average ranks; NaN (undefined) when either side is constant.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

// Area under the ROC curve (the Mann-Whitney statistic: a tied positive-negative pair counts one
// half); NaN (undefined) when only one class is present. `labels` are 0 or 1.
double roc_auc(const std::vector<int>& labels, const std::vector<double>& scores);
// Average precision: sum over score thresholds (ties as one threshold) of precision times the
// gain in recall, as scikit-learn's average_precision_score; NaN (undefined) when there is no
// positive.
double pr_auc(const std::vector<int>& labels, const std::vector<double>& scores);

struct ClassificationScores {
  double roc_auc = 0, pr_auc = 0;
};
ClassificationScores classification_scores(const std::vector<int>& labels, const std::vector<double>& scores);

}  // namespace tessera::eval
