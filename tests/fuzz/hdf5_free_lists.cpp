// Linked into the harnesses that read HDF5 (checkpoints, NetCDF-4, the HDF5 inputs), so that
// LeakSanitizer can tell HDF5's and NetCDF-C's own leaks (tests/fuzz/lsan.supp) from ours.
#include <hdf5.h>

// HDF5 and NetCDF-C have no frame pointers: only the slow unwinder sees the library functions the
// suppressions name. (The other harnesses keep the fast one: RDKit and gemmi allocate a lot.)
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }

namespace {

// HDF5 hands freed blocks to the next allocation of the same kind through its free lists, so a
// block leaked on a corrupt file would be reported under the stack of whoever allocated it first
// (often a seed writer). With the lists emptied at once every block is a fresh malloc.
const bool kFreeListsOff = H5set_free_list_limits(0, 0, 0, 0, 0, 0) >= 0;

}  // namespace
