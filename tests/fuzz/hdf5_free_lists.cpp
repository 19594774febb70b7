// Linked into the harnesses that read HDF5 (checkpoints, NetCDF-4, the HDF5 inputs). HDF5 hands
// freed blocks to the next allocation of the same kind through its free lists, so a block leaked
// on a corrupt file would be reported under the stack of whoever allocated it first (often a seed
// writer) and tests/sanitizers/lsan.supp could not tell HDF5's leaks from ours. With the lists emptied at once
// every block is a fresh malloc.
#include <hdf5.h>

namespace {

const bool kFreeListsOff = H5set_free_list_limits(0, 0, 0, 0, 0, 0) >= 0;

}  // namespace
