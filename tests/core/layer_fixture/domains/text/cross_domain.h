#pragma once
// Fixture for layer_check_test: one domain using another.
#include "core/nn/module.h"
#include "domains/plugin/plugin.h"
#include "domains/text/language_model.h"
#include "domains/weather/weather_model.h"
