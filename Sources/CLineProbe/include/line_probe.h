// A probe of how far apart two cores are, for the benchmark: how long one
// cache line takes to go from one core to the other and back. Where the
// two share a cache (the cores of one Zen CCX, of one Intel ring) that is
// some tens of nanoseconds; where they do not (two Zen CCDs, two sockets,
// or a virtual machine whose two CPUs the host runs far apart) it is
// several times that, and so is every line one thread writes and the
// other then reads.
#ifndef LABRUN_LINE_PROBE_H
#define LABRUN_LINE_PROBE_H

#ifdef __cplusplus
extern "C" {
#endif

/// The mean round trip of a cache line between a thread on one CPU and a
/// thread on another, in nanoseconds, over `exchanges` round trips: each
/// thread waits for the other's write to the line, then writes it back.
/// The CPUs are the first two this process may run on; their numbers go
/// to `first` and `second`. Negative when there are not two, or a thread
/// cannot be started or kept on its CPU (Linux only; elsewhere always
/// negative).
double line_probe_round_trip(long exchanges, int *first, int *second);

#ifdef __cplusplus
}
#endif

#endif
