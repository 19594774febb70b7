#pragma once
// Fixture for layer_check_test: a tensor header reaching up into ops.
#include <vector>

#include "core/device/device.h"
#include "core/ops/ops.h"
