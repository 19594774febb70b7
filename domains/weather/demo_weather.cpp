#include "domains/weather/demo_weather.h"

#include <cmath>
#include <vector>

#include "core/util/rng.h"
#include "domains/weather/cf_output.h"
#include "domains/weather/cf_time.h"

namespace tessera::weather {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kEarthRadius = 6.371e6;    // m
constexpr int kLats = 32, kLons = 48;       // 5.625 x 7.5 degrees, cell centres
constexpr double kStep = 1200;              // s; well inside the explicit scheme's limits (~4000 s near the poles)
constexpr int kStepsPerHour = 3;
constexpr int kSpinUpDays = 10;
constexpr double kDiffusivity = 1e5;        // m^2/s
constexpr double kRelaxation = 4 * 86400;   // s, towards radiative equilibrium
constexpr double kJet = 15;                 // m/s at the equator (solid-body westerly)
constexpr int kWaves = 3;
constexpr double kFirstDayOfYear = 60;      // 2000-03-01 (0-based); sets the sun's declination

// A planetary wave with stream function psi = A R cos^2(phi) sin(phi) sin(m (lambda - omega t) + p):
// non-divergent, and its wind vanishes at the poles. Its amplitude breathes with a slow period.
struct Wave {
  int wavenumber;
  double amplitude;  // m/s scale of the meridional wind
  double angular_speed;
  double phase;
  double breathing_period;  // s
  double breathing_phase;
};

struct Model {
  std::vector<double> lat_degrees, lon_degrees;  // cell centres, latitude descending
  std::vector<double> lat, lon;                  // the same in radians
  std::vector<Wave> waves;
  double land_anomaly_phase = 0;
  std::vector<double> T;  // [lat][lon], K

  double equilibrium(int j, int i, double seconds) const {
    const double phi = lat[j], lambda = lon[i];
    const double day = kFirstDayOfYear + seconds / 86400;
    const double declination = 23.44 * kPi / 180 * std::sin(2 * kPi * (day - 80) / 365);
    const double hour_angle = 2 * kPi * std::fmod(seconds / 86400, 1.0) + lambda - kPi;
    const double cos_zenith = std::sin(phi) * std::sin(declination) + std::cos(phi) * std::cos(declination) * std::cos(hour_angle);
    // Equator-to-pole contrast, a day-night swing that averages to zero, and warm and cold
    // "continents" so that the climatology has longitudinal structure.
    return 252 + 48 * std::pow(std::cos(phi - declination), 2) + 24 * (std::max(0.0, cos_zenith) - std::cos(phi) / kPi) +
           4 * std::cos(phi) * std::sin(2 * lambda + land_anomaly_phase);
  }

  void wind(int j, int i, double seconds, double& u, double& v) const {
    const double phi = lat[j], c = std::cos(phi), s = std::sin(phi);
    u = kJet * c;
    v = 0;
    for (const Wave& w : waves) {
      const double amplitude = w.amplitude / w.wavenumber *
                               (1 + 0.4 * std::sin(2 * kPi * seconds / w.breathing_period + w.breathing_phase));
      const double theta = w.wavenumber * (lon[i] - w.angular_speed * seconds) + w.phase;
      u += amplitude * c * (2 * s * s - c * c) * std::sin(theta);
      v += amplitude * w.wavenumber * c * s * std::cos(theta);
    }
  }

  void step(double seconds) {
    const double dphi = kPi / kLats, dlambda = 2 * kPi / kLons;
    std::vector<double> next(T.size());
    auto at = [&](int j, int i) { return T[static_cast<size_t>(j * kLons + ((i + kLons) % kLons))]; };
    for (int j = 0; j < kLats; ++j) {
      const double c = std::cos(lat[j]);
      // Cell faces towards the north (j - 1) and south (j + 1); the poles close the domain.
      const double c_north = j == 0 ? 0 : std::cos(lat[j] + dphi / 2);
      const double c_south = j == kLats - 1 ? 0 : std::cos(lat[j] - dphi / 2);
      for (int i = 0; i < kLons; ++i) {
        const double t = at(j, i);
        const double north = j == 0 ? t : at(j - 1, i), south = j == kLats - 1 ? t : at(j + 1, i);
        const double east = at(j, i + 1), west = at(j, i - 1);
        double u = 0, v = 0;
        wind(j, i, seconds, u, v);
        const double dT_dlambda = u > 0 ? t - west : east - t;
        const double dT_dphi = v > 0 ? t - south : north - t;  // latitude grows northwards (towards j - 1)
        const double advection = -u / (kEarthRadius * c) * dT_dlambda / dlambda - v / kEarthRadius * dT_dphi / dphi;
        const double diffusion =
            kDiffusivity / (kEarthRadius * kEarthRadius) *
            ((c_north * (north - t) - c_south * (t - south)) / (c * dphi * dphi) + (east - 2 * t + west) / (c * c * dlambda * dlambda));
        const double relaxation = (equilibrium(j, i, seconds) - t) / kRelaxation;
        next[static_cast<size_t>(j * kLons + i)] = t + kStep * (advection + diffusion + relaxation);
      }
    }
    T.swap(next);
  }
};

Model make_model(uint64_t seed) {
  Model m;
  for (int j = 0; j < kLats; ++j) m.lat_degrees.push_back(90 - (j + 0.5) * 180.0 / kLats);
  for (int i = 0; i < kLons; ++i) m.lon_degrees.push_back(i * 360.0 / kLons);
  for (double degrees : m.lat_degrees) m.lat.push_back(degrees * kPi / 180);
  for (double degrees : m.lon_degrees) m.lon.push_back(degrees * kPi / 180);
  Generator rng(seed);
  for (int k = 0; k < kWaves; ++k)
    m.waves.push_back({3 + static_cast<int>(rng.below(5)), 8 + 8 * rng.uniform(),
                       (4 + 8 * rng.uniform()) / kEarthRadius, 2 * kPi * rng.uniform(), (3 + 6 * rng.uniform()) * 86400,
                       2 * kPi * rng.uniform()});
  m.land_anomaly_phase = 2 * kPi * rng.uniform();
  m.T.resize(static_cast<size_t>(kLats * kLons));
  for (int j = 0; j < kLats; ++j)
    for (int i = 0; i < kLons; ++i) m.T[static_cast<size_t>(j * kLons + i)] = m.equilibrium(j, i, 0) + 2 * rng.normal();
  return m;
}

}  // namespace

FieldDataset simulate_demo_weather(const DemoWeatherOptions& options) {
  Model model = make_model(options.seed);
  double seconds = -kSpinUpDays * 86400.0;
  const int spin_up_steps = kSpinUpDays * 24 * kStepsPerHour;
  for (int s = 0; s < spin_up_steps; ++s, seconds += kStep) model.step(seconds);

  FieldDataset d;
  d.latitude = {"latitude", model.lat_degrees, {{"units", text_value("degrees_north")}, {"long_name", text_value("latitude")}}, {}};
  d.longitude = {"longitude", model.lon_degrees, {{"units", text_value("degrees_east")}, {"long_name", text_value("longitude")}}, {}};
  d.time = {"time", {}, {{"units", text_value("hours since 2000-03-01 00:00:00")}, {"long_name", text_value("time")},
                         {"calendar", text_value("gregorian")}}, {}};
  d.calendar = "standard";
  d.channels = {{"t2m", "t2m", false, 0,
                 {{"units", text_value("K")}, {"long_name", text_value("2 metre temperature")},
                  {"comment", text_value("advection-diffusion demo model, not observed weather")}}}};
  d.global_attributes = {
      {"title", text_value("Tessera demo weather: a tracer advected by travelling planetary waves")},
      {"source", text_value("tessera data weather-demo (seed " + std::to_string(options.seed) + ")")}};
  const double start_hours = civil_to_hours(2000, 3, 1, 0, "standard");
  for (int h = 0; h < options.days * 24; ++h) {
    d.time.values.push_back(h);
    d.time_hours.push_back(start_hours + h);
    d.values.insert(d.values.end(), model.T.begin(), model.T.end());
    for (int s = 0; s < kStepsPerHour; ++s, seconds += kStep) model.step(seconds);
  }
  return d;
}

}  // namespace tessera::weather
