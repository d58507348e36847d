// Work cut into parts that run at the same time: the calling thread runs
// part 0 and a crew of helper threads of its own (started on its first
// split, kept for the thread's life) claim the others; the caller then
// runs any part no helper has claimed yet, so a helper that the operating
// system has not scheduled (a busy machine) costs no waiting. A layer
// splits a batch's work several times per mini-batch, every few hundred
// microseconds, so a helper waits for its next part by spinning a little
// before it sleeps, and the caller waits for the claimed parts the same
// way. No arithmetic here: which thread computes a part never changes a
// bit.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "labrun_kernels.h"

enum { MAX_HELPERS = 15 };

// How long a waiting thread checks its flag before it sleeps: longer than
// the serial work between two splits of a batch (the output layer, the
// cost, a step: tens to a few hundred microseconds), since waking a
// sleeping thread costs the waker and the woken a system call and a
// context switch each. Measured on a 2-core Zen 4, chapter 6's first
// network, in turns: with about 12 µs of checks those took a fifth of its
// time, and 300 µs made its batches 0.72× as long; yielding the core at
// each check after the first 400 keeps 0.80× on an idle machine and,
// with another program busy on one of the two cores, takes 1.26× the
// time of the 12 µs checks where plain spinning took 1.79×. Bounded,
// since on a busy machine the thread waited for may not be running at
// all.
enum {
  SPIN_NANOSECONDS = 300000,
  CHECKS_PER_CLOCK = 32,
  YIELD_AFTER_CHECKS = 400
};

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static inline long long now_nanoseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

// Spins until ready(c, argument) or the spinning time is over; returns
// whether it became ready. After the first few microseconds each check
// yields the core: where the machine has more runnable threads than cores
// (other programs busy), the thread waited for may be the one that gets it.
static int spin_until(int (*ready)(void *, long), void *c, long argument) {
  long long deadline = 0;
  for (int i = 1;; i++) {
    if (ready(c, argument)) return 1;
    if (i < YIELD_AFTER_CHECKS) relax();
    else sched_yield();
    if (i % CHECKS_PER_CLOCK == 0) {
      long long t = now_nanoseconds();
      if (deadline == 0) deadline = t + SPIN_NANOSECONDS;
      else if (t > deadline) return 0;
    }
  }
}

// The task's state in one word, so that a part is claimed for the task it
// belongs to: generation (32 bits), parts (16), the next unclaimed part
// (16).
static inline uint64_t state_of(unsigned generation, int parts, int next) {
  return (uint64_t)generation << 32 | (uint64_t)parts << 16 | (uint64_t)next;
}
static inline unsigned generation_of(uint64_t s) { return s >> 32; }
static inline int parts_of(uint64_t s) { return (int)(s >> 16 & 0xFFFF); }
static inline int next_of(uint64_t s) { return (int)(s & 0xFFFF); }

typedef struct crew {
  _Atomic uint64_t state;
  // Parts of the current task finished.
  _Atomic int done;
  // Helpers asleep on `wake`, and whether the caller sleeps on `done`.
  _Atomic int sleepers;
  _Atomic int callerSleeps;
  _Atomic int stop;
  // The task, written before its state is published and read only by a
  // thread that has claimed one of its parts.
  void (*body)(void *context, int part);
  void *context;
  int helpers;
  pthread_t threads[MAX_HELPERS];
  pthread_mutex_t lock;
  pthread_cond_t wake, finished;
} crew;

// Whether crew c has published a task since generation `seen`.
static int new_task(void *c, long seen) {
  return generation_of(atomic_load_explicit(
             &((crew *)c)->state, memory_order_acquire)) != (unsigned)seen;
}

// Waits until the task's generation differs from `seen`; returns it.
static unsigned next_task(crew *c, unsigned seen) {
  if (spin_until(new_task, c, seen))
    return generation_of(atomic_load(&c->state));
  pthread_mutex_lock(&c->lock);
  atomic_fetch_add(&c->sleepers, 1);
  unsigned g;
  while ((g = generation_of(atomic_load(&c->state))) == seen &&
         !atomic_load(&c->stop))
    pthread_cond_wait(&c->wake, &c->lock);
  atomic_fetch_sub(&c->sleepers, 1);
  pthread_mutex_unlock(&c->lock);
  return g;
}

// Runs unclaimed parts of the task of `generation` until none is left.
static void take_parts(crew *c, unsigned generation) {
  uint64_t s = atomic_load(&c->state);
  while (generation_of(s) == generation && next_of(s) < parts_of(s)) {
    if (!atomic_compare_exchange_weak(&c->state, &s, s + 1)) continue;
    c->body(c->context, next_of(s));
    if (atomic_fetch_add(&c->done, 1) + 1 == parts_of(s) &&
        atomic_load(&c->callerSleeps)) {
      pthread_mutex_lock(&c->lock);
      pthread_cond_signal(&c->finished);
      pthread_mutex_unlock(&c->lock);
    }
    s = atomic_load(&c->state);
  }
}

typedef struct {
  crew *crew;
  unsigned seen;
} helper_start;

static void *helper_main(void *argument) {
  helper_start start = *(helper_start *)argument;
  free(argument);
  crew *c = start.crew;
  unsigned seen = start.seen;
  for (;;) {
    seen = next_task(c, seen);
    if (atomic_load(&c->stop)) return NULL;
    take_parts(c, seen);
  }
}

// Publishes a task of `parts` parts, part 0 taken by the caller.
static unsigned hand_out(crew *c, int parts) {
  atomic_store(&c->done, 0);
  unsigned generation =
      generation_of(atomic_load(&c->state)) + 1;
  atomic_store(&c->state, state_of(generation, parts, 1));
  if (atomic_load(&c->sleepers) > 0) {
    pthread_mutex_lock(&c->lock);
    pthread_cond_broadcast(&c->wake);
    pthread_mutex_unlock(&c->lock);
  }
  return generation;
}

// Whether all `parts` parts of crew c's task are done.
static int all_done(void *c, long parts) {
  return atomic_load_explicit(&((crew *)c)->done, memory_order_acquire) ==
         parts;
}

// Waits until all `parts` parts are done.
static void wait_for_parts(crew *c, int parts) {
  if (spin_until(all_done, c, parts)) return;
  pthread_mutex_lock(&c->lock);
  atomic_store(&c->callerSleeps, 1);
  while (atomic_load(&c->done) != parts)
    pthread_cond_wait(&c->finished, &c->lock);
  atomic_store(&c->callerSleeps, 0);
  pthread_mutex_unlock(&c->lock);
}

// Grows the crew to `helpers` threads; false if a thread cannot start.
static int hire(crew *c, int helpers) {
  while (c->helpers < helpers) {
    helper_start *start = malloc(sizeof *start);
    if (!start) return 0;
    start->crew = c;
    start->seen = generation_of(atomic_load(&c->state));
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
  hand_out(c, 0);
  for (int i = 0; i < c->helpers; i++) pthread_join(c->threads[i], NULL);
  pthread_mutex_destroy(&c->lock);
  pthread_cond_destroy(&c->wake);
  pthread_cond_destroy(&c->finished);
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
  pthread_cond_init(&c->finished, NULL);
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
  c->body = body;
  c->context = context;
  unsigned generation = hand_out(c, parts);
  body(context, 0);
  atomic_fetch_add(&c->done, 1);
  // The parts no helper has begun yet: a helper that is not running (the
  // machine busy with other work) costs no waiting.
  take_parts(c, generation);
  wait_for_parts(c, parts);
}

// MARK: - Relays

// Each part's count of steps passed on a cache line of its own: the part
// after it reads it while it writes the next.
struct lr_relay {
  struct {
    _Atomic int passed;
    char padding[64 - sizeof(int)];
  } parts[LR_RELAY_PARTS];
};

lr_relay *lr_relay_create(void) {
  lr_relay *relay = aligned_alloc(64, sizeof(lr_relay));
  if (relay) lr_relay_reset(relay);
  return relay;
}

void lr_relay_destroy(lr_relay *relay) { free(relay); }

void lr_relay_reset(lr_relay *relay) {
  for (int p = 0; p < LR_RELAY_PARTS; p++)
    atomic_store_explicit(&relay->parts[p].passed, 0, memory_order_relaxed);
  atomic_thread_fence(memory_order_release);
}

// Whether the count of steps passed at `passed` has reached `steps`.
static int relay_passed(void *passed, long steps) {
  return atomic_load_explicit((_Atomic int *)passed, memory_order_acquire) >=
         steps;
}

void lr_relay_wait(const lr_relay *relay, int part, int steps) {
  if (part <= 0) return;
  // Spinning as a helper waits for its next part, but past the spinning
  // time again and again instead of asleep.
  while (!spin_until(relay_passed, (void *)&relay->parts[part - 1].passed,
                     steps))
    ;
}

void lr_relay_pass(lr_relay *relay, int part, int steps) {
  atomic_store_explicit(&relay->parts[part].passed, steps,
                        memory_order_release);
}
