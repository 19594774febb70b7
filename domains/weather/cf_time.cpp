#include "domains/weather/cf_time.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <regex>
#include <stdexcept>

namespace tessera::weather {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Day of the year counted from March 1 (so that a leap day is the last day of the count).
int64_t day_of_march_year(int month, int day) { return (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1; }

void from_march_year(int64_t doy, int64_t march_year, int& year, int& month, int& day) {
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(march_year + (month <= 2));
}

// Proleptic Gregorian days since 1970-01-01 (H. Hinnant's algorithm) and back.
int64_t gregorian_days(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + day_of_march_year(m, d) - 719468;
}

void gregorian_civil(int64_t days, int& y, int& m, int& d) {
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  from_march_year(doe - (365 * yoe + yoe / 4 - yoe / 100), yoe + era * 400, y, m, d);
}

// Julian-calendar days counted from March 1 of year 0, and back.
int64_t julian_raw_days(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = floor_div(y, 4);
  return era * 1461 + (y - era * 4) * 365 + day_of_march_year(m, d);
}

void julian_civil_raw(int64_t raw, int& y, int& m, int& d) {
  const int64_t era = floor_div(raw, 1461);
  const int64_t doe = raw - era * 1461;
  const int64_t yoe = std::min<int64_t>(doe / 365, 3);
  from_march_year(doe - 365 * yoe, yoe + era * 4, y, m, d);
}

const int64_t kJulian1970 = julian_raw_days(1970, 1, 1);
// The standard calendar is Julian up to 1582-10-04, followed directly by Gregorian 1582-10-15.
const int64_t kGregorianStart = gregorian_days(1582, 10, 15);
const int64_t kJulianToStandard = kGregorianStart - 1 - julian_raw_days(1582, 10, 4);

constexpr int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool gregorian_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
bool julian_leap(int64_t y) { return floor_div(y, 4) * 4 == y; }

bool before_gregorian_reform(int y, int m, int d) { return y < 1582 || (y == 1582 && (m < 10 || (m == 10 && d < 15))); }

int days_in_month(int y, int m, const std::string& calendar) {
  if (calendar == "360_day") return 30;
  if (m != 2) return kMonthDays[m - 1];
  bool leap = false;
  if (calendar == "all_leap") leap = true;
  else if (calendar == "julian") leap = julian_leap(y);
  else if (calendar == "proleptic_gregorian") leap = gregorian_leap(y);
  else if (calendar == "standard") leap = y < 1583 ? julian_leap(y) : gregorian_leap(y);
  return leap ? 29 : 28;
}

// Days since 1970-01-01 in a calendar with fixed-length years of `year_days` days.
int64_t fixed_year_days(int y, int m, int d, const std::string& calendar, int year_days) {
  int64_t doy = d - 1;
  for (int k = 1; k < m; ++k) doy += days_in_month(y, k, calendar);
  return (static_cast<int64_t>(y) - 1970) * year_days + doy;
}

void fixed_year_civil(int64_t days, const std::string& calendar, int year_days, int& y, int& m, int& d) {
  y = static_cast<int>(1970 + floor_div(days, year_days));
  int64_t doy = days - (static_cast<int64_t>(y) - 1970) * year_days;
  for (m = 1; doy >= days_in_month(y, m, calendar); ++m) doy -= days_in_month(y, m, calendar);
  d = static_cast<int>(doy + 1);
}

int year_length(const std::string& calendar) {
  if (calendar == "360_day") return 360;
  return calendar == "all_leap" ? 366 : 365;
}

int64_t days_since_1970(int y, int m, int d, const std::string& calendar) {
  if (calendar == "proleptic_gregorian") return gregorian_days(y, m, d);
  if (calendar == "julian") return julian_raw_days(y, m, d) - kJulian1970;
  if (calendar == "standard")
    return before_gregorian_reform(y, m, d) ? julian_raw_days(y, m, d) + kJulianToStandard : gregorian_days(y, m, d);
  return fixed_year_days(y, m, d, calendar, year_length(calendar));
}

void civil_from_days(int64_t days, const std::string& calendar, int& y, int& m, int& d) {
  if (calendar == "proleptic_gregorian" || (calendar == "standard" && days >= kGregorianStart))
    gregorian_civil(days, y, m, d);
  else if (calendar == "julian")
    julian_civil_raw(days + kJulian1970, y, m, d);
  else if (calendar == "standard")
    julian_civil_raw(days - kJulianToStandard, y, m, d);
  else
    fixed_year_civil(days, calendar, year_length(calendar), y, m, d);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Hours per unit; 0 when the unit is a month or year with no fixed length in this calendar.
double hours_per_unit(const std::string& unit, const std::string& calendar) {
  static const std::map<std::string, double> fixed = {
      {"milliseconds", 1 / 3.6e6}, {"millisecond", 1 / 3.6e6}, {"msec", 1 / 3.6e6}, {"ms", 1 / 3.6e6},
      {"seconds", 1 / 3600.0}, {"second", 1 / 3600.0}, {"secs", 1 / 3600.0}, {"sec", 1 / 3600.0}, {"s", 1 / 3600.0},
      {"minutes", 1 / 60.0}, {"minute", 1 / 60.0}, {"mins", 1 / 60.0}, {"min", 1 / 60.0},
      {"hours", 1}, {"hour", 1}, {"hrs", 1}, {"hr", 1}, {"h", 1},
      {"days", 24}, {"day", 24}, {"d", 24}, {"weeks", 168}, {"week", 168}};
  if (auto it = fixed.find(unit); it != fixed.end()) return it->second;
  const bool month = unit == "months" || unit == "month";
  const bool year = unit == "years" || unit == "year" || unit == "yr";
  if (!month && !year) throw std::invalid_argument("unknown time unit '" + unit + "'");
  if (calendar == "360_day") return month ? 30 * 24 : 360 * 24;
  if (year && (calendar == "noleap" || calendar == "all_leap")) return year_length(calendar) * 24.0;
  throw std::invalid_argument("time unit '" + unit + "' has no fixed length in the " + calendar +
                              " calendar; use days or hours");
}

}  // namespace

std::string canonical_calendar(const std::string& calendar) {
  const std::string c = lower(calendar);
  if (c.empty() || c == "standard" || c == "gregorian") return "standard";
  if (c == "proleptic_gregorian") return c;
  if (c == "noleap" || c == "365_day") return "noleap";
  if (c == "all_leap" || c == "366_day") return "all_leap";
  if (c == "360_day" || c == "julian") return c;
  throw std::invalid_argument("unknown calendar '" + calendar +
                              "' (known: standard, gregorian, proleptic_gregorian, noleap, 365_day, all_leap, "
                              "366_day, 360_day, julian)");
}

double civil_to_hours(int year, int month, int day, double hour_of_day, const std::string& calendar) {
  char date[64];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month, calendar))
    throw std::invalid_argument(std::string("date ") + date + " does not exist in the " + calendar + " calendar");
  if (calendar == "standard" && year == 1582 && month == 10 && day > 4 && day < 15)
    throw std::invalid_argument(std::string("date ") + date + " falls in the Gregorian reform gap of the standard calendar");
  return static_cast<double>(days_since_1970(year, month, day, calendar)) * 24.0 + hour_of_day;
}

TimeUnits parse_time_units(const std::string& units, const std::string& calendar) {
  static const std::regex pattern(
      R"(^\s*([A-Za-z]+)\s+since\s+([+-]?\d{1,5})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?)"
      R"(\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$)",
      std::regex::icase);
  std::smatch m;
  if (!std::regex_match(units, m, pattern))
    throw std::invalid_argument("time units '" + units + "' are not '<unit> since <date>'");
  TimeUnits out;
  out.calendar = canonical_calendar(calendar);
  out.hours_per_unit = hours_per_unit(lower(m[1]), out.calendar);
  double hour_of_day = 0;
  if (m[5].matched) hour_of_day = std::stod(m[5]) + std::stod(m[6]) / 60 + (m[7].matched ? std::stod(m[7]) / 3600 : 0);
  if (m[8].matched && std::isdigit(static_cast<unsigned char>(m[8].str().back()))) {
    const std::string zone = m[8];  // "+01", "+0130" or "-05:30": the date is local, so UTC = local - offset
    const std::string digits = std::regex_replace(zone.substr(1), std::regex(":"), "");
    const double offset = digits.size() <= 2 ? std::stod(digits) : std::stod(digits.substr(0, digits.size() - 2)) +
                                                                        std::stod(digits.substr(digits.size() - 2)) / 60;
    hour_of_day -= zone[0] == '-' ? -offset : offset;
  }
  out.reference_hours = civil_to_hours(std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4]), hour_of_day, out.calendar);
  return out;
}

std::string format_time(double hours, const std::string& calendar) {
  const int64_t minutes = std::llround(hours * 60);
  const int64_t days = floor_div(minutes, 24 * 60);
  const int64_t minute_of_day = minutes - days * 24 * 60;
  int y = 0, m = 0, d = 0;
  civil_from_days(days, calendar, y, m, d);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d", y, m, d, static_cast<int>(minute_of_day / 60),
                static_cast<int>(minute_of_day % 60));
  return out;
}

}  // namespace tessera::weather
