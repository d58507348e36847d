#include <cblas.h>

// cblas.h (through openblas_config.h) already declares
// openblas_set_num_threads(int), which the engine calls to stay on one core.

/// Starts loading the cache line that holds `address` without waiting for
/// it. The engine prefetches the next mini-batch's (randomly placed) images
/// while it does the current batch's arithmetic; Swift has no spelling for
/// this instruction, so it lives here as an inline C function.
static inline void labrun_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}
