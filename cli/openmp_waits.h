#pragma once
// OpenMP threads that spin while they wait for work (libgomp spins 300,000 rounds before it
// sleeps) turn a shared machine into a crawl: with two other busy processes on the two cores,
// tiny training ran at 1,100-1,500 tokens/s instead of 4,000-12,000 with short spins, while on a
// quiet machine short spins matched the always-spinning policy (22,500 against 22,300 tokens/s). libgomp reads its settings once, when it loads, so the
// first start of `tessera` sets GOMP_SPINCOUNT=10000 and starts itself again. Settings the user
// chose (OMP_WAIT_POLICY or GOMP_SPINCOUNT) are kept, and where the restart fails the run goes on
// as is.
// `tessera bench gpt` reports the setting in effect (openmp_waits in bench/cpu_load.h).

namespace tessera::cli {

void restart_with_short_openmp_spins(char** argv);

}  // namespace tessera::cli
