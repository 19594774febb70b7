#pragma once
// The weather domain's bias audit: is forecast skill equal across regions and leads? The model
// forecasts every initial time of the audited period at each lead, and each grid point's error
// (forecast - truth, one channel) counts towards its latitude band, its hemisphere, its lead time
// and, given a land-sea mask, land or sea. The unit the bootstrap resamples is one forecast map's
// part in one combination of those groups, so errors that are correlated within a map stay
// together. rmse, mae and bias per group are plain means over grid points (not latitude-weighted).
#include "domains/plugin/domain.h"

namespace tessera::weather {

domains::BiasAuditData weather_bias_audit(const domains::ModelRun& run, config::Section data);

// The latitude band of each latitude. "climate": tropics (|lat| < 23.5), mid-latitudes (< 66.5),
// polar; "quantiles": three bands of equal numbers of grid rows over the file's own range, named
// by their range; "auto": climate bands when the grid spans more than one of them, else quantiles.
std::vector<std::string> latitude_bands(const std::vector<double>& latitudes, const std::string& kind);

}  // namespace tessera::weather
