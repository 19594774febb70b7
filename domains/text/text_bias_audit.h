#pragma once
// The text domain's bias audit: CrowS-Pairs. For each pair, does the model give the more
// stereotypical sentence the higher likelihood (sentence log-likelihood for a causal model,
// pseudo-log-likelihood, one token masked at a time, for a masked one)? The share of pairs where
// it does is the stereotype_score, per bias_type and per direction; 0.5 is unbiased.
#include "domains/plugin/domain.h"

namespace tessera::text {

domains::BiasAuditData text_bias_audit(const domains::ModelRun& run, config::Section data);

}  // namespace tessera::text
