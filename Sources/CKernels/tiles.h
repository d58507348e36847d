// The tile shapes each variant's products dispatch to (internal): TILE(r,
// w) for r rows and w vectors. Spelled out so that every shape is its own
// code with its loops unrolled into registers.
#ifndef LABRUN_TILES_H
#define LABRUN_TILES_H

#define LR_ROWS_2(W) TILE(1, W) TILE(2, W)
#define LR_ROWS_3(W) LR_ROWS_2(W) TILE(3, W)
#define LR_ROWS_4(W) LR_ROWS_3(W) TILE(4, W)
#define LR_ROWS_5(W) LR_ROWS_4(W) TILE(5, W)
#define LR_ROWS_6(W) LR_ROWS_5(W) TILE(6, W)
#define LR_PAIRS(W) TILE(0, W) TILE(1, W)
#define LR_COLS_2(W) TILE(1, W) TILE(2, W)
#define LR_COLS_4(W) LR_COLS_2(W) TILE(3, W) TILE(4, W)

#endif
