#pragma once
// What a grid's coordinate values must be, and how to say that two axes differ. Each check throws
// DataError(path, ...) naming the coordinate variable, the index and the value that is wrong.
#include <string>

#include "domains/weather/field_dataset.h"

namespace tessera::weather {

// `kind` ("time", "level", ...) names the axis in messages. It must have points, all finite.
void require_finite_axis(const std::string& path, const Coordinate& axis, const std::string& kind);
// Latitudes: finite, in [-90, 90] and strictly monotonic (no repeats; either direction).
void require_valid_latitudes(const std::string& path, const Coordinate& latitude);
// Longitudes: finite, in [-360, 360], strictly monotonic, and no meridian twice (a span under
// 360 degrees, so a cyclic point repeating the first column is refused).
void require_valid_longitudes(const std::string& path, const Coordinate& longitude);
// Levels: finite and strictly monotonic.
void require_valid_levels(const std::string& path, const Coordinate& level);

// How `here` differs from `there` beyond `tolerance`, in words that say what to fix: "has 2
// points here, 3 there", "latitudes run south to north here, north to south there", "longitudes
// run -180..90 here, 0..270 there (the same meridians, starting elsewhere)", or "[0] is -180 here,
// 0 there"; empty when they agree. `kind` is "latitude", "longitude" or "level".
std::string axis_difference(const Coordinate& here, const Coordinate& there, const std::string& kind, double tolerance);

}  // namespace tessera::weather
