#pragma once
// Fixture for layer_check_test: training using core only, as it may.
#include "core/nn/module.h"
