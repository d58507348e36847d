// The portable variant: one float per "vector", fused by the C library's
// fmaf (exact on every platform, slow where the CPU has no FMA unit).
#include <math.h>

#include "table.h"
#include "tiles.h"

typedef float V;
#define LANES 1
#define ROWS 4
#define BLOCK 4
#define GBLOCK 4
#define TILES LR_ROWS_4(1) LR_ROWS_4(2) LR_ROWS_4(3) LR_ROWS_4(4)
#define PAIR_TILES LR_PAIRS(1) LR_PAIRS(2) LR_PAIRS(3) LR_PAIRS(4)
#define GCOLS 2
#define GRADIENT_TILES LR_COLS_2(1) LR_COLS_2(2) LR_COLS_2(3) LR_COLS_2(4)
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
