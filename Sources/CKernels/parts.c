// Work cut into parts that run at the same time: the calling thread runs
// part 0 and a crew of helper threads of its own (started on its first
// split, kept for the thread's life) the others. A layer splits a batch's
// work several times per mini-batch, every few hundred microseconds, so a
// helper waits for its next part by spinning a little before it sleeps,
// and the caller waits for the helpers the same way: handing a part over
// costs well under a microsecond while both cores are busy with the batch,
// and nothing once training stops. No arithmetic here: which part computes
// an element never changes its bits.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "labrun_kernels.h"

enum { MAX_HELPERS = 15 };

// Checks of a flag before a waiting thread sleeps: with a pause in each,
// about ten microseconds, longer than the serial work between two splits
// of a batch; short, since on a busy machine the thread waited for may not
// be running at all.
enum { SPINS = 500 };

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

typedef struct crew {
  // Bumped by the caller to hand out a new task; helpers wait for it to
  // change.
  _Atomic unsigned generation;
  // Helpers that have not yet finished the current task.
  _Atomic int remaining;
  // Helpers asleep on `wake`, and whether the caller sleeps on `done`.
  _Atomic int sleepers;
  _Atomic int callerSleeps;
  _Atomic int stop;
  // The task, written before `generation` is bumped.
  int parts;
  void (*body)(void *context, int part);
  void *context;
  int helpers;
  pthread_t threads[MAX_HELPERS];
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
} crew;

typedef struct {
  crew *crew;
  int index;  // the part it runs: 1, 2, …
  unsigned seen;
} helper_start;

// Waits until `generation` differs from `seen`; returns it.
static unsigned next_task(crew *c, unsigned seen) {
  for (int i = 0; i < SPINS; i++) {
    unsigned g = atomic_load_explicit(&c->generation, memory_order_acquire);
    if (g != seen) return g;
    relax();
  }
  pthread_mutex_lock(&c->lock);
  atomic_fetch_add(&c->sleepers, 1);
  unsigned g;
  while ((g = atomic_load(&c->generation)) == seen)
    pthread_cond_wait(&c->wake, &c->lock);
  atomic_fetch_sub(&c->sleepers, 1);
  pthread_mutex_unlock(&c->lock);
  return g;
}

static void *helper_main(void *argument) {
  helper_start start = *(helper_start *)argument;
  free(argument);
  crew *c = start.crew;
  unsigned seen = start.seen;
  for (;;) {
    seen = next_task(c, seen);
    if (atomic_load(&c->stop)) return NULL;
    if (start.index < c->parts) c->body(c->context, start.index);
    // Every helper reports every task, taking part or not, so none lags
    // behind into the next one.
    if (atomic_fetch_sub(&c->remaining, 1) == 1 &&
        atomic_load(&c->callerSleeps)) {
      pthread_mutex_lock(&c->lock);
      pthread_cond_signal(&c->done);
      pthread_mutex_unlock(&c->lock);
    }
  }
}

// Hands out a task to every helper (they must all be waiting).
static void hand_out(crew *c) {
  atomic_store(&c->remaining, c->helpers);
  atomic_fetch_add(&c->generation, 1);
  if (atomic_load(&c->sleepers) > 0) {
    pthread_mutex_lock(&c->lock);
    pthread_cond_broadcast(&c->wake);
    pthread_mutex_unlock(&c->lock);
  }
}

// Waits until every helper has reported the current task.
static void wait_for_helpers(crew *c) {
  for (int i = 0; i < SPINS; i++) {
    if (atomic_load_explicit(&c->remaining, memory_order_acquire) == 0)
      return;
    relax();
  }
  pthread_mutex_lock(&c->lock);
  atomic_store(&c->callerSleeps, 1);
  while (atomic_load(&c->remaining) != 0)
    pthread_cond_wait(&c->done, &c->lock);
  atomic_store(&c->callerSleeps, 0);
  pthread_mutex_unlock(&c->lock);
}

// Grows the crew to `helpers` threads; false if a thread cannot start.
static int hire(crew *c, int helpers) {
  while (c->helpers < helpers) {
    helper_start *start = malloc(sizeof *start);
    if (!start) return 0;
    start->crew = c;
    start->index = c->helpers + 1;
    start->seen = atomic_load(&c->generation);
    if (pthread_create(&c->threads[c->helpers], NULL, helper_main, start)) {
      free(start);
      return 0;
    }
    c->helpers++;
  }
  return 1;
}

// Ends the helpers of a thread that exits.
static void dismiss(void *pointer) {
  crew *c = pointer;
  atomic_store(&c->stop, 1);
  c->parts = 0;
  hand_out(c);
  for (int i = 0; i < c->helpers; i++) pthread_join(c->threads[i], NULL);
  pthread_mutex_destroy(&c->lock);
  pthread_cond_destroy(&c->wake);
  pthread_cond_destroy(&c->done);
  free(c);
}

static pthread_key_t crew_key;
static pthread_once_t crew_key_once = PTHREAD_ONCE_INIT;
static void make_crew_key(void) { pthread_key_create(&crew_key, dismiss); }

// The calling thread's crew, created on first use (NULL if it cannot be).
static crew *my_crew(void) {
  static _Thread_local crew *mine;
  if (mine) return mine;
  pthread_once(&crew_key_once, make_crew_key);
  crew *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  pthread_mutex_init(&c->lock, NULL);
  pthread_cond_init(&c->wake, NULL);
  pthread_cond_init(&c->done, NULL);
  pthread_setspecific(crew_key, c);
  mine = c;
  return c;
}

void lr_parts_run(int parts, void (*body)(void *context, int part),
                  void *context) {
  crew *c = parts > 1 ? my_crew() : NULL;
  if (parts > MAX_HELPERS + 1 || !c || !hire(c, parts - 1)) c = NULL;
  if (!c) {
    // One part after the other: slower, the same bits.
    for (int part = 0; part < parts; part++) body(context, part);
    return;
  }
  c->parts = parts;
  c->body = body;
  c->context = context;
  hand_out(c);
  body(context, 0);
  wait_for_helpers(c);
}
