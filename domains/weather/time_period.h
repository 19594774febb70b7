#pragma once
// Train/test splits by date. Dates are ISO 8601 ("2019-03-25", "2019-03-31T23:00") and are read in
// the data's CF calendar, so a split means the same days whatever the file's time units.
#include <cstdint>
#include <string>
#include <vector>

#include "domains/weather/field_dataset.h"

namespace tessera::weather {

// Hours since 1970-01-01T00:00 of an ISO date in a CF calendar. Throws ConfigError naming
// `source` for a malformed date, one the calendar lacks, or an unknown calendar.
double hours_since_1970(const std::string& iso_date, const std::string& calendar, const std::string& source);

// A closed interval [start, end] of times; a date without a time of day as `end` means the whole day.
struct TimePeriod {
  std::string start, end;  // ISO dates as written in the config
};

// Indices of the dataset's times inside the period, in time order.
std::vector<int64_t> times_within(const FieldDataset& data, const TimePeriod& period, const std::string& source);

}  // namespace tessera::weather
