#pragma once
// While a guard lives, SIGINT and SIGTERM only set a flag: the trainer finishes its step, saves a
// checkpoint and stops, so an interrupted or pre-empted job never loses work.
namespace tessera::training {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  // The signal received since the guard was created, or 0.
  static int received();
};

}  // namespace tessera::training
