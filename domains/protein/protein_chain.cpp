#include "domains/protein/protein_chain.h"

#include <limits>

namespace tessera::protein {

Point missing_point() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return {nan, nan, nan};
}

Point virtual_cbeta(const Point& n, const Point& ca, const Point& c) {
  Point b{}, cc{}, a{}, cb{};
  for (int k = 0; k < 3; ++k) {
    b[k] = ca[k] - n[k];
    cc[k] = c[k] - ca[k];
  }
  a[0] = b[1] * cc[2] - b[2] * cc[1];
  a[1] = b[2] * cc[0] - b[0] * cc[2];
  a[2] = b[0] * cc[1] - b[1] * cc[0];
  for (int k = 0; k < 3; ++k) cb[k] = -0.58273431 * a[k] + 0.56802827 * b[k] - 0.54067466 * cc[k] + ca[k];
  return cb;
}

}  // namespace tessera::protein
