// Linked into the harnesses whose libraries leak on bad input by themselves (HDF5, NetCDF-C,
// RDKit's molfile parser; tests/sanitizers/lsan.supp names them). Those libraries have no frame
// pointers: only ASan's slow unwinder sees the library functions the suppressions name. The other
// harnesses keep the fast one.
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
