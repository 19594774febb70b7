#pragma once
// Which role a coordinate variable plays, decided from its CF attributes (standard_name, axis,
// units, positive) and never from its name: ERA5 calls latitude "latitude", CMIP "lat".
#include <string>

#include "domains/weather/field_dataset.h"

namespace tessera::weather {

enum class AxisRole { time, level, latitude, longitude, unknown };

AxisRole axis_role(const Attributes& attributes);

// What was looked for, for messages: "standard_name latitude, axis Y, units degrees_north".
std::string axis_clues(AxisRole role);

// The text of an attribute, or "" when it is absent or numeric.
std::string text_attribute(const Attributes& attributes, const std::string& name);

}  // namespace tessera::weather
