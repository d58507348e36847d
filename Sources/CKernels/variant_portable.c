// The portable variant: one float per "vector", fused by the C library's
// fmaf (exact on every platform, slow where the CPU has no FMA unit).
#include <math.h>

#include "table.h"

typedef float V;
#define LANES 1
#define BLOCK 16
#define VZERO() 0.0f
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VSET1(x) (x)
#define VFMA(a, b, c) fmaf((a), (b), (c))
#define VMUL(a, b) ((a) * (b))
#define VADD(a, b) ((a) + (b))
#define FN(name) portable_##name
#define TARGET
#define TABLE lr_portable_kernels

#include "products.inc"
