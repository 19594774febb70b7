#include "domains/weather/time_period.h"

#include <cstdio>
#include <stdexcept>

#include "core/util/error.h"
#include "domains/weather/cf_time.h"

namespace tessera::weather {

double hours_since_1970(const std::string& iso_date, const std::string& calendar, const std::string& source) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, consumed = 0;
  const int fields = std::sscanf(iso_date.c_str(), "%d-%d-%d%n", &y, &mo, &d, &consumed);
  bool ok = fields == 3 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
  if (ok && consumed < static_cast<int>(iso_date.size())) {
    int more = 0;
    const char sep = iso_date[static_cast<size_t>(consumed)];
    ok = (sep == 'T' || sep == ' ') &&
         std::sscanf(iso_date.c_str() + consumed + 1, "%d:%d%n", &h, &mi, &more) == 2 &&
         consumed + 1 + more == static_cast<int>(iso_date.size()) && h >= 0 && h < 24 && mi >= 0 && mi < 60;
  }
  if (!ok) throw ConfigError(source, "'" + iso_date + "' is not a date like 2019-03-25 or 2019-03-25T06:00");
  try {
    return civil_to_hours(y, mo, d, h + mi / 60.0, canonical_calendar(calendar));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source, "'" + iso_date + "': " + e.what());
  }
}

std::vector<int64_t> times_within(const FieldDataset& data, const TimePeriod& period, const std::string& source) {
  const double start = hours_since_1970(period.start, data.calendar, source);
  double end = hours_since_1970(period.end, data.calendar, source);
  if (period.end.find_first_of("T ") == std::string::npos) end += 24.0 - 1e-6;  // through the end of that day
  std::vector<int64_t> indices;
  for (int64_t t = 0; t < data.times(); ++t)
    if (data.time_hours[static_cast<size_t>(t)] >= start && data.time_hours[static_cast<size_t>(t)] <= end)
      indices.push_back(t);
  return indices;
}

}  // namespace tessera::weather
