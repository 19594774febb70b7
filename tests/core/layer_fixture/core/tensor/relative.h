#pragma once
// Fixture for layer_check_test: the same upward include, spelled relative to this file.
#include "../ops/ops.h"
