#include "cli/commands.h"
#include "domains/text/language_model_task.h"
#include "domains/weather/forecast_task.h"

namespace tessera::cli {

void register_domains() {
  text::register_text_tasks();
  weather::register_weather_tasks();
}

}  // namespace tessera::cli
