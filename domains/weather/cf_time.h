#pragma once
// CF time coordinates: "<unit> since <date>" in one of the CF calendars, decoded to hours since
// 1970-01-01T00:00 of that calendar. Errors are std::invalid_argument with a message that the
// reader wraps into a DataError naming the file.
#include <string>

namespace tessera::weather {

struct TimeUnits {
  std::string calendar;         // canonical: standard, proleptic_gregorian, noleap, all_leap, 360_day, julian
  double hours_per_unit = 1;    // 1 for hours, 24 for days, ...
  double reference_hours = 0;   // the "since" date, in hours since 1970-01-01T00:00 of the calendar
};

// Canonical calendar name ("gregorian" -> "standard", "365_day" -> "noleap", ...); an empty name is
// the CF default, standard. Throws for a calendar we do not know.
std::string canonical_calendar(const std::string& calendar);

// Parses e.g. "hours since 1900-01-01 00:00:00.0" or "days since 1850-1-1T00:00Z". Months and
// years are accepted only where they have one length (360_day months and years; noleap and
// all_leap years); elsewhere they are ambiguous and refused.
TimeUnits parse_time_units(const std::string& units, const std::string& calendar);

// Hours since 1970-01-01T00:00 of `calendar` for a civil date and time; throws for dates the
// calendar lacks (Feb 30 outside 360_day, Feb 29 in noleap, 1582-10-10 in standard).
double civil_to_hours(int year, int month, int day, double hour_of_day, const std::string& calendar);

// "2019-03-01T06:00" for hours since 1970-01-01 in `calendar` (minutes rounded), for messages and tests.
std::string format_time(double hours, const std::string& calendar);

inline double decode_time(const TimeUnits& units, double value) {
  return units.reference_hours + value * units.hours_per_unit;
}

}  // namespace tessera::weather
