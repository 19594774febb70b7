#include "domains/weather/netcdf_file.h"

#include <fcntl.h>
#include <netcdf.h>
#include <netcdf_mem.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "core/util/error.h"
#include "domains/weather/classic_header.h"

namespace tessera::weather {

namespace {

// NetCDF-3 classic / 64-bit offset / 64-bit data ("CDF" + version) or HDF5 (NetCDF-4).
bool has_netcdf_signature(const std::string& path) {
  std::array<char, 8> head{};
  std::ifstream in(path, std::ios::binary);
  in.read(head.data(), head.size());
  if (in.gcount() < 4) return false;
  if (std::memcmp(head.data(), "CDF", 3) == 0) return head[3] == 1 || head[3] == 2 || head[3] == 5;
  return in.gcount() == 8 && std::memcmp(head.data(), "\x89HDF\r\n\x1a\n", 8) == 0;
}

std::string name_of(int ncid, int varid) {
  char name[NC_MAX_NAME + 1] = {};
  nc_inq_varname(ncid, varid, name);
  return name;
}

void collect_variables(int group, std::vector<NetcdfVariable>& out) {
  int count = 0;
  nc_inq_varids(group, &count, nullptr);
  std::vector<int> ids(static_cast<size_t>(count));
  nc_inq_varids(group, &count, ids.data());
  for (int id : ids) out.push_back({group, id, name_of(group, id)});
  int groups = 0;
  nc_inq_grps(group, &groups, nullptr);
  std::vector<int> children(static_cast<size_t>(groups));
  nc_inq_grps(group, &groups, children.data());
  for (int child : children) collect_variables(child, out);
}

size_t type_size(nc_type t) {
  switch (t) {
    case NC_BYTE: case NC_CHAR: case NC_UBYTE: return 1;
    case NC_SHORT: case NC_USHORT: return 2;
    case NC_DOUBLE: case NC_INT64: case NC_UINT64: return 8;
    default: return 4;
  }
}

size_t padded(size_t bytes) { return (bytes + 3) / 4 * 4; }

// Writes bytes to a new file at path and syncs it; returns errno of the first failure, else 0.
int write_file(const std::string& path, const char* bytes, size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return errno;
  int error = 0;
  for (size_t done = 0; done < size && error == 0;) {
    const ssize_t n = ::write(fd, bytes + done, size - done);
    if (n >= 0) done += static_cast<size_t>(n);
    else if (errno != EINTR) error = errno;
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  return error;
}

// The fewest bytes a NetCDF-3 file with this header can have: the header (its size follows from
// the format specification) plus every variable's data. NetCDF-C reads past the end of a cut-off
// classic file as zeros, so this is how a truncated one is caught.
size_t classic_minimum_size(int ncid, int format) {
  const size_t k = format == NC_FORMAT_CDF5 ? 8 : 4;  // width of counts and lengths
  const size_t begin = format == NC_FORMAT_CLASSIC ? 4 : 8;
  auto name_size = [&](const char* name) { return k + padded(std::strlen(name)); };
  auto attributes_size = [&](int varid) {
    int count = 0;
    varid == NC_GLOBAL ? nc_inq_natts(ncid, &count) : nc_inq_varnatts(ncid, varid, &count);
    size_t bytes = 4 + k;
    for (int i = 0; i < count; ++i) {
      char name[NC_MAX_NAME + 1] = {};
      nc_type t = NC_NAT;
      size_t length = 0;
      nc_inq_attname(ncid, varid, i, name);
      nc_inq_att(ncid, varid, name, &t, &length);
      bytes += name_size(name) + 4 + k + padded(length * type_size(t));
    }
    return bytes;
  };
  int ndims = 0, nvars = 0, unlimited = -1;
  nc_inq(ncid, &ndims, &nvars, nullptr, &unlimited);
  size_t records = 0;
  if (unlimited >= 0) nc_inq_dimlen(ncid, unlimited, &records);
  size_t bytes = 4 + k + (4 + k) + attributes_size(NC_GLOBAL) + (4 + k);
  for (int d = 0; d < ndims; ++d) {
    char name[NC_MAX_NAME + 1] = {};
    nc_inq_dimname(ncid, d, name);
    bytes += name_size(name) + k;
  }
  for (int v = 0; v < nvars; ++v) {
    char name[NC_MAX_NAME + 1] = {};
    nc_type t = NC_NAT;
    int dims = 0;
    int ids[NC_MAX_VAR_DIMS];
    nc_inq_var(ncid, v, name, &t, &dims, ids, nullptr);
    size_t values = 1;
    bool record = false;
    for (int d = 0; d < dims; ++d) {
      size_t length = 0;
      nc_inq_dimlen(ncid, ids[d], &length);
      if (ids[d] == unlimited) record = true;
      else values *= length;
    }
    bytes += name_size(name) + k + dims * k + attributes_size(v) + 4 + k + begin;
    bytes += values * type_size(t) * (record ? records : 1);
  }
  return bytes;
}

}  // namespace

NetcdfFile NetcdfFile::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw DataError(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw DataError(path, "is a directory, not a NetCDF file");
  if (!has_netcdf_signature(path)) throw DataError(path, "not a NetCDF file");
  check_classic_header(path);
  int ncid = -1;
  const int status = nc_open(path.c_str(), NC_NOWRITE, &ncid);
  if (status != NC_NOERR)
    throw DataError(path, std::string("truncated or corrupt NetCDF file (") + nc_strerror(status) + ")");
  NetcdfFile file(ncid, path);
  int format = 0;
  file.check(nc_inq_format(ncid, &format), "cannot read the format");
  if (format == NC_FORMAT_CLASSIC || format == NC_FORMAT_64BIT_OFFSET || format == NC_FORMAT_CDF5) {
    const size_t needed = classic_minimum_size(ncid, format);
    const auto size = std::filesystem::file_size(path, ec);
    if (size < needed)
      throw DataError(path, "truncated or corrupt NetCDF file (" + std::to_string(size) + " bytes; its header and data need at least " +
                                std::to_string(needed) + ")");
  }
  return file;
}

NetcdfFile NetcdfFile::create(const std::string& path) {
  int ncid = -1;
  const int status = nc_create_mem(path.c_str(), NC_NETCDF4 | NC_CLOBBER, kInitialImageBytes, &ncid);
  if (status != NC_NOERR) throw DataError(path, std::string("cannot create NetCDF file: ") + nc_strerror(status));
  NetcdfFile file(ncid, path);
  file.in_memory_ = true;
  return file;
}

NetcdfFile::NetcdfFile(NetcdfFile&& other) noexcept
    : ncid_(other.ncid_), in_memory_(other.in_memory_), path_(std::move(other.path_)) {
  other.ncid_ = -1;
}

NetcdfFile::~NetcdfFile() {
  if (ncid_ < 0) return;
  if (!in_memory_) {
    nc_close(ncid_);
    return;
  }
  NC_memio image{};
  if (nc_close_memio(ncid_, &image) == NC_NOERR) std::free(image.memory);
}

void NetcdfFile::close() {
  const int ncid = ncid_;
  ncid_ = -1;
  if (!in_memory_) {
    check(nc_close(ncid), "cannot close");
    return;
  }
  NC_memio image{};
  check(nc_close_memio(ncid, &image), "cannot finish the file");
  const std::unique_ptr<void, decltype(&std::free)> owned(image.memory, &std::free);
  if (const int error = write_file(path_, static_cast<const char*>(image.memory), image.size); error != 0)
    throw DataError(path_, "cannot write " + std::to_string(image.size) + " bytes: " + std::strerror(error));
}

void NetcdfFile::check(int status, const std::string& what) const {
  if (status == NC_NOERR) return;
  // A short read inside a variable's data is how a cut-off NetCDF-3 file shows itself.
  const bool cut_off = status == NC_ETRUNC || status == NC_EINVALCOORDS || status == NC_EHDFERR;
  throw DataError(path_, what + ": " + nc_strerror(status) + (cut_off ? " (truncated or corrupt file?)" : ""));
}

std::vector<NetcdfVariable> NetcdfFile::variables() const {
  std::vector<NetcdfVariable> out;
  collect_variables(ncid_, out);
  return out;
}

std::vector<NetcdfDimension> NetcdfFile::dimensions(const NetcdfVariable& variable) const {
  int count = 0;
  check(nc_inq_varndims(variable.group, variable.id, &count), "cannot read dimensions of '" + variable.name + "'");
  std::vector<int> ids(static_cast<size_t>(count));
  check(nc_inq_vardimid(variable.group, variable.id, ids.data()), "cannot read dimensions of '" + variable.name + "'");
  std::vector<NetcdfDimension> out;
  for (int id : ids) {
    char name[NC_MAX_NAME + 1] = {};
    size_t length = 0;
    check(nc_inq_dim(variable.group, id, name, &length), "cannot read a dimension of '" + variable.name + "'");
    out.push_back({id, name, length});
  }
  return out;
}

NetcdfVariable NetcdfFile::find_variable(int group, const std::string& name) const {
  int varid = -1;
  if (nc_inq_varid(group, name.c_str(), &varid) != NC_NOERR) return {};
  return {group, varid, name};
}

NetcdfVariable NetcdfFile::coordinate_variable(int group, const NetcdfDimension& dimension) const {
  for (int g = group;;) {
    const NetcdfVariable candidate = find_variable(g, dimension.name);
    if (candidate.id >= 0) {
      const auto dims = dimensions(candidate);
      if (dims.size() == 1 && dims[0].id == dimension.id) return candidate;
    }
    int parent = -1;
    if (nc_inq_grp_parent(g, &parent) != NC_NOERR) return {};
    g = parent;
  }
}

int NetcdfFile::type(const NetcdfVariable& variable) const {
  nc_type t = NC_NAT;
  check(nc_inq_vartype(variable.group, variable.id, &t), "cannot read the type of '" + variable.name + "'");
  return t;
}

int NetcdfFile::attribute_type(const NetcdfVariable& variable, const std::string& name) const {
  nc_type t = NC_NAT;
  if (nc_inq_atttype(variable.group, variable.id, name.c_str(), &t) != NC_NOERR) return NC_NAT;
  return t;
}

Attributes NetcdfFile::attributes(const NetcdfVariable& variable) const {
  const std::string owner = variable.id == NC_GLOBAL ? "global attributes" : "attributes of '" + variable.name + "'";
  int count = 0;
  if (variable.id == NC_GLOBAL)
    check(nc_inq_natts(variable.group, &count), "cannot read " + owner);
  else
    check(nc_inq_varnatts(variable.group, variable.id, &count), "cannot read " + owner);
  Attributes out;
  for (int i = 0; i < count; ++i) {
    char name[NC_MAX_NAME + 1] = {};
    check(nc_inq_attname(variable.group, variable.id, i, name), "cannot read " + owner);
    nc_type t = NC_NAT;
    size_t length = 0;
    check(nc_inq_att(variable.group, variable.id, name, &t, &length), "cannot read " + owner);
    Attribute a;
    if (t == NC_CHAR) {
      a.text.resize(length);
      check(nc_get_att_text(variable.group, variable.id, name, a.text.data()), "cannot read " + owner);
      while (!a.text.empty() && a.text.back() == '\0') a.text.pop_back();
    } else if (t == NC_STRING) {
      std::vector<char*> strings(length);
      check(nc_get_att_string(variable.group, variable.id, name, strings.data()), "cannot read " + owner);
      for (size_t s = 0; s < length; ++s) a.text += (s ? "\n" : "") + std::string(strings[s] ? strings[s] : "");
      nc_free_string(length, strings.data());
    } else {
      a.numbers.resize(length);
      check(nc_get_att_double(variable.group, variable.id, name, a.numbers.data()), "cannot read " + owner);
    }
    out[name] = std::move(a);
  }
  return out;
}

std::vector<double> NetcdfFile::values(const NetcdfVariable& variable) const { return slice(variable, -1, 0); }

std::vector<double> NetcdfFile::slice(const NetcdfVariable& variable, int dimension, size_t index) const {
  const int t = type(variable);
  if (t == NC_CHAR || t == NC_STRING || t > NC_STRING)
    throw DataError(path_, "variable '" + variable.name + "' is not numeric");
  const auto dims = dimensions(variable);
  std::vector<size_t> start(dims.size(), 0), count(dims.size());
  size_t total = 1;
  for (size_t k = 0; k < dims.size(); ++k) {
    const bool fixed = static_cast<int>(k) == dimension;
    start[k] = fixed ? index : 0;
    count[k] = fixed ? 1 : dims[k].length;
    total *= count[k];
  }
  std::vector<double> out(total);
  if (total > 0)
    check(nc_get_vara_double(variable.group, variable.id, start.data(), count.data(), out.data()),
          "cannot read '" + variable.name + "'");
  return out;
}

int NetcdfFile::add_dimension(const std::string& name, size_t length) const {
  int id = -1;
  check(nc_def_dim(ncid_, name.c_str(), length, &id), "cannot define dimension '" + name + "'");
  return id;
}

int NetcdfFile::add_variable(const std::string& name, int type, const std::vector<int>& dimensions,
                             const Attributes& attributes) const {
  int id = -1;
  check(nc_def_var(ncid_, name.c_str(), type, static_cast<int>(dimensions.size()), dimensions.data(), &id),
        "cannot define variable '" + name + "'");
  put_attributes(id, attributes);
  return id;
}

void NetcdfFile::put_values(int varid, const std::vector<double>& values) const {
  check(nc_put_var_double(ncid_, varid, values.data()), "cannot write variable " + std::to_string(varid));
}

void NetcdfFile::put_attributes(int varid, const Attributes& attributes) const {
  for (const auto& [name, a] : attributes) {
    const std::string what = "cannot write attribute '" + name + "'";
    if (a.is_text())
      check(nc_put_att_text(ncid_, varid, name.c_str(), a.text.size(), a.text.c_str()), what);
    else
      check(nc_put_att_double(ncid_, varid, name.c_str(), NC_DOUBLE, a.numbers.size(), a.numbers.data()), what);
  }
}

}  // namespace tessera::weather
