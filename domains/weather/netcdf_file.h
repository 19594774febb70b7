#pragma once
// A thin RAII layer over NetCDF-C: every call is checked, and every failure becomes one DataError
// line naming the file ("not a NetCDF file", "truncated or corrupt NetCDF file", ...).
#include <string>
#include <vector>

#include "domains/weather/field_dataset.h"

namespace tessera::weather {

// One variable of an open file: the group that holds it and its id there.
struct NetcdfVariable {
  int group = -1;
  int id = -1;
  std::string name;
};

struct NetcdfDimension {
  int id = -1;
  std::string name;
  size_t length = 0;
};

class NetcdfFile {
 public:
  // Opens read-only, after checking that the file exists and starts like NetCDF-3 or NetCDF-4.
  static NetcdfFile open(const std::string& path);
  // Creates (or clobbers) a NetCDF-4 file. It is built in memory and written by close(): HDF5
  // that meets a full disk while flushing leaves the file open in its tables and crashes at exit
  // closing it, so HDF5 never writes to disk here, and a failed write is one plain error.
  static NetcdfFile create(const std::string& path);

  NetcdfFile(NetcdfFile&& other) noexcept;
  NetcdfFile& operator=(NetcdfFile&&) = delete;
  NetcdfFile(const NetcdfFile&) = delete;
  ~NetcdfFile();

  int id() const { return ncid_; }
  const std::string& path() const { return path_; }
  // Throws DataError(path, what + ": " + NetCDF's message) unless status is NC_NOERR.
  void check(int status, const std::string& what) const;
  // Closes and reports a failure (for a created file: the write to disk); the destructor
  // cannot, and discards a created file that was never closed.
  void close();

  // Every variable: the root group's first, then each subgroup's, depth first.
  std::vector<NetcdfVariable> variables() const;
  std::vector<NetcdfDimension> dimensions(const NetcdfVariable& variable) const;
  // The coordinate variable of a dimension (same name, one dimension) seen from `group`: searched
  // there and then in the enclosing groups; id -1 when there is none.
  NetcdfVariable coordinate_variable(int group, const NetcdfDimension& dimension) const;
  NetcdfVariable find_variable(int group, const std::string& name) const;
  int type(const NetcdfVariable& variable) const;
  // Attributes of a variable, or of a group with NetcdfVariable{group, NC_GLOBAL}.
  Attributes attributes(const NetcdfVariable& variable) const;
  int attribute_type(const NetcdfVariable& variable, const std::string& name) const;  // NC_NAT if absent
  // All values of a numeric variable as stored (no packing or fill applied), converted to double.
  std::vector<double> values(const NetcdfVariable& variable) const;
  // The same for the slice at `index` along dimension number `dimension` (one time step of a
  // large variable, without holding all of it).
  std::vector<double> slice(const NetcdfVariable& variable, int dimension, size_t index) const;

  // Writing (define mode until the first put_values): numeric attributes are written as doubles.
  int add_dimension(const std::string& name, size_t length) const;
  int add_variable(const std::string& name, int type, const std::vector<int>& dimensions, const Attributes& attributes) const;
  void put_attributes(int varid, const Attributes& attributes) const;
  void put_values(int varid, const std::vector<double>& values) const;

 private:
  NetcdfFile(int ncid, std::string path) : ncid_(ncid), path_(std::move(path)) {}
  // Where a created image starts; HDF5 grows it as the file grows.
  static constexpr size_t kInitialImageBytes = size_t(1) << 20;
  int ncid_ = -1;
  bool in_memory_ = false;
  std::string path_;
};

}  // namespace tessera::weather
