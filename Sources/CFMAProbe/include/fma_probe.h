// A probe of one core's fused multiply-add rate, for the benchmark: many
// independent chains of FMAs at one vector width, so that only the FMA
// units' throughput limits it (not their latency, loads or stores).
#ifndef LABRUN_FMA_PROBE_H
#define LABRUN_FMA_PROBE_H

#ifdef __cplusplus
extern "C" {
#endif

/// Independent chains the probe keeps in registers: enough to cover the
/// FMA latency on two pipes (2 × 4–5 cycles) on the CPUs labrun runs on.
enum { FMA_PROBE_CHAINS = 12 };

/// Runs `rounds` × FMA_PROBE_CHAINS fused multiply-adds of `lanes` lanes
/// each (2 flops per lane) and returns a value that depends on all of
/// them, so that none can be left out. `lanes`: 1 (scalar fmaf, any CPU),
/// 4 (arm64 NEON), 8 (x86-64 AVX2 with FMA) or 16 (x86-64 AVX-512F); the
/// caller checks that the CPU has them (the kernel variant of that width
/// is available).
float fma_probe_run(int lanes, long rounds);

#ifdef __cplusplus
}
#endif

#endif
