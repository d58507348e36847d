#include <cblas.h>

// cblas.h (through openblas_config.h) already declares
// openblas_set_num_threads(int): labrun-bench times sgemm on one thread.
