#pragma once
// OpenMP threads that spin while they wait for work (libgomp's default) turn a shared machine into
// a crawl: with another job busy on the two cores, tiny training ran at 1,233 tokens/s instead of
// 13,178 with passive waits. libgomp reads its policy once, when it loads, so the first start of
// `tessera` sets OMP_WAIT_POLICY=passive and starts itself again. A policy the user chose
// (OMP_WAIT_POLICY or GOMP_SPINCOUNT) is kept, and where the restart fails the run goes on as is.

namespace tessera::cli {

void restart_with_passive_openmp_waits(char** argv);

}  // namespace tessera::cli
