// CF time units and calendars; day counts checked against Python's datetime (proleptic Gregorian)
// and against the calendars' definitions.
#include <gtest/gtest.h>

#include <stdexcept>

#include "domains/weather/cf_time.h"

namespace tessera::weather {
namespace {

double days(int y, int m, int d, const std::string& calendar) { return civil_to_hours(y, m, d, 0, calendar) / 24; }

TEST(CfTime, GregorianDayCountsMatchPython) {
  // (date - date(1970, 1, 1)).days in Python
  EXPECT_EQ(days(2000, 3, 1, "proleptic_gregorian"), 11017);
  EXPECT_EQ(days(1600, 2, 29, "proleptic_gregorian"), -135081);
  EXPECT_EQ(days(1, 1, 1, "proleptic_gregorian"), -719162);
  EXPECT_EQ(days(1582, 10, 15, "standard"), -141427);
  // The standard calendar is Julian before the reform: 1582-10-04 is the day before 10-15.
  EXPECT_EQ(days(1582, 10, 4, "standard"), -141428);
  EXPECT_EQ(days(1582, 10, 4, "proleptic_gregorian"), -141438);
}

TEST(CfTime, EraFiveAndCmipUnits) {
  const TimeUnits era5 = parse_time_units("hours since 1900-01-01 00:00:00.0", "gregorian");
  EXPECT_EQ(era5.calendar, "standard");
  EXPECT_EQ(decode_time(era5, 1044552), 430944);  // 2019-03-01T00:00
  EXPECT_EQ(format_time(decode_time(era5, 1044552 + 30), era5.calendar), "2019-03-02T06:00");
  const TimeUnits cmip = parse_time_units("days since 1850-1-1 00:00:00", "proleptic_gregorian");
  EXPECT_EQ(decode_time(cmip, 56628.5), 307188);  // 2005-01-16T12:00
  EXPECT_EQ(format_time(decode_time(cmip, 56628.5), "proleptic_gregorian"), "2005-01-16T12:00");
}

TEST(CfTime, UnitSpellingsAndTimeZones) {
  EXPECT_EQ(decode_time(parse_time_units("seconds since 1970-01-01T00:00:00Z", ""), 7200), 2);
  EXPECT_EQ(decode_time(parse_time_units("minutes since 1970-01-01 00:00 UTC", "standard"), 90), 1.5);
  EXPECT_EQ(decode_time(parse_time_units("Days Since 1970-01-02", "standard"), 0), 24);
  // A local time two hours ahead of UTC is two hours earlier in UTC.
  EXPECT_EQ(decode_time(parse_time_units("hours since 1970-01-01 00:00:00 +02:00", "standard"), 0), -2);
  EXPECT_EQ(decode_time(parse_time_units("hours since 1970-01-01 06:30", "standard"), 0), 6.5);
}

TEST(CfTime, NonStandardCalendars) {
  EXPECT_EQ(format_time(decode_time(parse_time_units("days since 2000-02-28", "noleap"), 1), "noleap"), "2000-03-01T00:00");
  EXPECT_EQ(format_time(decode_time(parse_time_units("days since 2000-02-28", "365_day"), 1), "noleap"), "2000-03-01T00:00");
  EXPECT_EQ(format_time(decode_time(parse_time_units("days since 2001-01-01", "all_leap"), 59), "all_leap"), "2001-02-29T00:00");
  EXPECT_EQ(format_time(decode_time(parse_time_units("days since 2000-02-29", "360_day"), 1), "360_day"), "2000-02-30T00:00");
  // Julian 1900 is a leap year, Gregorian 1900 is not.
  EXPECT_EQ(days(1900, 3, 1, "julian") - days(1900, 1, 1, "julian"), 60);
  EXPECT_EQ(days(1900, 3, 1, "standard") - days(1900, 1, 1, "standard"), 59);
  EXPECT_EQ(format_time(days(1900, 2, 29, "julian") * 24, "julian"), "1900-02-29T00:00");
  EXPECT_EQ(days(1970, 1, 1, "julian"), 0);
  EXPECT_EQ(decode_time(parse_time_units("years since 1970-01-01", "noleap"), 2), 2 * 365 * 24);
  EXPECT_EQ(decode_time(parse_time_units("months since 1970-01-01", "360_day"), 13), 13 * 30 * 24);
}

TEST(CfTime, FormatInvertsCivilToHoursInEveryCalendar) {
  for (const std::string calendar : {"standard", "proleptic_gregorian", "julian", "noleap", "all_leap", "360_day"})
    for (int year : {1, 1582, 1583, 1899, 1900, 1970, 2000, 2019, 2100})
      for (int month = 1; month <= 12; ++month)
        for (int day : {1, 15, 28}) {
          char expected[32];
          std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT03:15", year, month, day);
          EXPECT_EQ(format_time(civil_to_hours(year, month, day, 3.25, calendar), calendar), expected) << calendar;
        }
}

TEST(CfTime, RefusesWhatIsAmbiguousOrUnknown) {
  auto message = [](const std::string& units, const std::string& calendar) -> std::string {
    try {
      parse_time_units(units, calendar);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(message("months since 2000-01-01", "standard"),
            "time unit 'months' has no fixed length in the standard calendar; use days or hours");
  EXPECT_EQ(message("years since 2000-01-01", "proleptic_gregorian"),
            "time unit 'years' has no fixed length in the proleptic_gregorian calendar; use days or hours");
  EXPECT_EQ(message("months since 2000-01-01", "noleap"),
            "time unit 'months' has no fixed length in the noleap calendar; use days or hours");
  EXPECT_EQ(message("fortnights since 2000-01-01", "standard"), "unknown time unit 'fortnights'");
  EXPECT_EQ(message("hours after 2000-01-01", "standard"), "time units 'hours after 2000-01-01' are not '<unit> since <date>'");
  EXPECT_EQ(message("days since 2001-02-29", "noleap"), "date 2001-02-29 does not exist in the noleap calendar");
  EXPECT_EQ(message("days since 2000-02-30", "standard"), "date 2000-02-30 does not exist in the standard calendar");
  EXPECT_EQ(message("days since 1582-10-10", "standard"), "date 1582-10-10 falls in the Gregorian reform gap of the standard calendar");
  EXPECT_EQ(message("days since 1582-10-10", "proleptic_gregorian"), "accepted");
  EXPECT_NE(message("days since 2000-01-01", "lunar").find("unknown calendar 'lunar'"), std::string::npos);
}

}  // namespace
}  // namespace tessera::weather
