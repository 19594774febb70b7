#pragma once
// The commands the weather domain adds to the CLI.
#include "domains/plugin/domain.h"

namespace tessera::weather {

domains::DomainCommand predict_weather_command();  // tessera predict weather
domains::DomainCommand eval_weather_command();     // tessera eval weather
domains::DomainCommand weather_demo_command();     // tessera data weather-demo

}  // namespace tessera::weather
