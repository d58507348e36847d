// The cache-line round trip between two CPUs (line_probe.h).
#define _GNU_SOURCE
#include "line_probe.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

typedef struct {
  // The line that goes back and forth: odd values are the first thread's
  // writes, even ones the second's.
  _Alignas(64) _Atomic long turn;
  char padding[64 - sizeof(long)];
  int cpu;
  long exchanges;
  int pinned;
} probe;

static int pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

static void *answer(void *argument) {
  probe *p = argument;
  p->pinned = pin(p->cpu);
  // Running on its CPU: the clock may start.
  atomic_store_explicit(&p->turn, 0, memory_order_release);
  for (long i = 0; i < p->exchanges; i++) {
    while (atomic_load_explicit(&p->turn, memory_order_acquire) != 2 * i + 1)
      ;
    atomic_store_explicit(&p->turn, 2 * i + 2, memory_order_release);
  }
  return 0;
}

double line_probe_round_trip(long exchanges, int *first, int *second) {
  static probe p;
  cpu_set_t saved;
  if (pthread_getaffinity_np(pthread_self(), sizeof saved, &saved)) return -1;
  int cpus[2], found = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
    if (CPU_ISSET(cpu, &saved)) cpus[found++] = cpu;
  if (found < 2) return -1;
  *first = cpus[0];
  *second = cpus[1];
  atomic_store(&p.turn, -1);
  p.cpu = cpus[1];
  p.exchanges = exchanges;
  p.pinned = 0;
  if (!pin(cpus[0])) return -1;
  pthread_t thread;
  if (pthread_create(&thread, 0, answer, &p)) {
    pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
    return -1;
  }
  while (atomic_load_explicit(&p.turn, memory_order_acquire) != 0)
    ;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long i = 0; i < exchanges; i++) {
    atomic_store_explicit(&p.turn, 2 * i + 1, memory_order_release);
    while (atomic_load_explicit(&p.turn, memory_order_acquire) != 2 * i + 2)
      ;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  pthread_join(thread, 0);
  pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
  if (!p.pinned) return -1;
  double seconds =
      (double)(end.tv_sec - start.tv_sec) + 1e-9 * (end.tv_nsec - start.tv_nsec);
  return 1e9 * seconds / (double)exchanges;
}

#else
double line_probe_round_trip(long exchanges, int *first, int *second) {
  (void)exchanges, (void)first, (void)second;
  return -1;
}
#endif
