#pragma once
// Carbon runs with known numbers, for the report tests.
#include "governance/carbon/carbon_run.h"

namespace tessera::test_support {

// A 100 s training run in France: 1 kWh CPU, 0.5 kWh GPU, 0.1 kWh RAM, with phases and a
// sample every second (power rising during training, flat during evaluation).
carbon::CarbonRun sample_training_run();

}  // namespace tessera::test_support
