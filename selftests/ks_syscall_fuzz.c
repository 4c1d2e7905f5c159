// SPDX-License-Identifier: GPL-2.0
/*
 * ks_syscall_fuzz: random and mutated system calls against ksfilter from
 * several threads that share their fds, run in the VM (not a kselftest
 * harness test: one TAP line).
 *
 *	ks_syscall_fuzz [-s SEED] [-n CALLS] [-t SECONDS] [-j THREADS]
 *
 * Defaults: a seed from the clock (printed, so that a run can be repeated
 * with -s), no limit on calls, KS_SYSCALL_FUZZ_SECONDS or 20 seconds, and
 * 4 threads.  The seed fixes what each thread draws, not how the threads
 * interleave: a race it found may take a few runs with the same seed to
 * come back (-j 1 repeats a run closely).  By hand, run it longer:
 * ks_syscall_fuzz -t 600.
 *
 * The filters: ks-loopback, and ks-tonegen, ks-gen, ks-gain (4 filters),
 * ks-null-sink and ks-audio (cards=4: 4 wave and 4 topology filters),
 * loaded from $KS_MODULE_DIR (default /lib/ks) when they are absent and
 * unloaded again at the end.  The threads share one
 * table of fds: filter fds, pin fds (blocking and not), the two ends of
 * the connections they made, eventfds and pipes.  Each thread, at random:
 *  - opens filters, and creates pins: valid requests for the pins of the
 *    loaded filters, often naming as peer (pin_to_handle) a pin of the
 *    table that fits, and mutated ones (bytes flipped, sizes changed,
 *    random access and flags, bad pointers, junk handles);
 *  - on a pin: sets states, STOP + DATAFORMAT (another frame size) + RUN,
 *    RESET_STATE, READ_STREAM, WRITE_STREAM, read, write, poll, mmap,
 *    sets or clears O_NONBLOCK, creates a pin naming it as peer;
 *    KS_IOCTL_PROPERTY of every set, id and flag with valid and mutated
 *    values on pin and filter fds, node requests (KSPROPERTY_TYPE_TOPOLOGY,
 *    KSPROPSETID_Audio controls of random nodes and channels, values in
 *    and out of range, on every node of ks-audio's topology filters);
 *    ENABLE_EVENT and DISABLE_EVENT of every event set (and others), with
 *    eventfds and other fds of the table as handles, on pin, clock and
 *    filter fds; CREATE_CLOCK on pins, the clock fds joining the table;
 *    KSPROPSETID_RtAudio with random sizes, ids, notification counts and
 *    handles, unmapping whatever buffer or register page it maps;
 *    unknown ioctls;
 *  - closes fds other threads are using.  fd numbers get reused, so a
 *    call may reach another file than the one its thread picked, as in
 *    any program with that bug;
 *  - collides: hands one call to another thread and makes its own at the
 *    same moment, on one fd or on the two ends of a connection.
 *
 * Collisions: a thread offers one call in its mailbox, another takes it,
 * and once both are known to be running (a handshake) each starts its
 * call, one of them delayed by a random part of the other's typical
 * duration, so that over a run each half starts at every point of the
 * other.  Most pairs are drawn at random; some are the races a program
 * with two threads makes most easily: both ends of a connection closed,
 * a pin named as a peer while it is being closed, a blocked read or
 * write whose pin gets another frame size (STOP, DATAFORMAT, RUN).
 *
 * A watchdog interrupts calls that block (SIGUSR1, whose handler does
 * nothing and is installed without SA_RESTART) once they have waited
 * BLOCK_MS, and again every tick.  An operation still running STUCK_MS
 * after it began, signals or not, is a kernel bug: the call, the fd, the
 * thread's state and kernel stack are printed, every CPU's backtrace is
 * asked for (sysrq l, into the kernel log), and the run fails without
 * waiting for a thread that can no longer be killed.
 *
 * The harness's own fds (stdio, the pipe to the parent) stay open for the
 * whole run and are never in the table, so no close can reach them and no
 * reused number can name them; junk numbers drawn at random skip them.
 *
 * The calls run in a child; the parent checks that it ended in time and
 * normally, unloads the samples it loaded, and that
 * /sys/kernel/debug/ksfilter/stats is back at its start values.  Every
 * return value is accepted: the point is what the kernel does (KASAN,
 * lockdep, kmemleak, WARN, hangs), which the VM runner checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ks.h>
#include "libks.h"
#include "../module/samples/ks-audio.h"
#include "../module/samples/ks-chain.h"
#include "../module/samples/ks-tonegen.h"

#define STATS_PATH	"/sys/kernel/debug/ksfilter/stats"
#define MAX_THREADS	16
#define MAX_SLOTS	48
#define MAX_DEVICES	16
#define ARENA_PAGES	16
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define MS		1000000LL	/* in ns */
/* A call blocked this long is interrupted, and again every tick. */
#define BLOCK_MS	100
/* An operation still running this long after it began is stuck. */
#define STUCK_MS	5000
#define TICK_MS		20
/* How long a thread offers half of a collision before doing it itself. */
#define TWIN_WAIT_MS	20
/* How long a thread waiting for its partner spins before it yields. */
#define TWIN_SPIN_NS	(200 * 1000)
/* The longest an operation counts for in its typical duration. */
#define FOP_NS_MAX	(1u << 20)
/* How long the parent waits for the child beyond its run time. */
#define GRACE_S		(STUCK_MS / 1000 + 30)
/* How long the counters and the modules may take to settle. */
#define SETTLE_MS	5000

/* ---- the filters ---- */

enum filt {
	F_LOOPBACK, F_TONEGEN, F_GEN, F_GAIN, F_NULL_SINK, F_AUDIO_WAVE,
	F_AUDIO_TOPO, NFILTS
};

struct sample {
	const char *name;	/* its (first) filter's name */
	const char *file;	/* the module in module_dir(), or NULL */
	const char *module;	/* its name for delete_module() */
	const char *params;
	bool loaded;		/* by this run: unloaded at its end */
};

static struct sample samples[NFILTS] = {
	[F_LOOPBACK] = { "ks-loopback" },
	[F_TONEGEN] = { TONEGEN_NAME, "ks-tonegen.ko", TONEGEN_MODNAME, "" },
	[F_GEN] = { GEN_NAME, "ks-gen.ko", GEN_MODNAME, "" },
	[F_GAIN] = { GAIN_NAME, "ks-gain.ko", GAIN_MODNAME, "filters=4" },
	[F_NULL_SINK] = { "ks-null-sink", "ks-null-sink.ko", "ks_null_sink",
			  "" },
	/* One module, both filters of each card: loaded with the wave's. */
	[F_AUDIO_WAVE] = { AUDIO_WAVE_NAME "-0", "ks-audio.ko", AUDIO_MODNAME,
			   "cards=4" },
	[F_AUDIO_TOPO] = { AUDIO_TOPO_NAME "-0" },
};

/* The filter devices found: /dev/ksfilter<index>, and whose it is. */
struct device {
	unsigned int index;
	enum filt filt;
	char name[32];
};

static struct device devices[MAX_DEVICES];
static unsigned int ndevices;

/*
 * The formats valid requests use.  Most pins take the first three; the
 * others change the frame size (2 to 32 bytes), which is what a reader
 * or writer in the middle of a call must survive.
 */
struct fmt {
	enum ks_sample_type type;
	uint32_t rate;
	uint16_t channels, bits;
};

static const struct fmt fmts[] = {
	{ KS_SAMPLE_PCM, 48000, 2, 16 },	/* every pin's */
	{ KS_SAMPLE_PCM, 48000, 1, 16 },
	{ KS_SAMPLE_PCM, 44100, 2, 16 },
	{ KS_SAMPLE_PCM, 48000, 8, 16 },	/* chain and loopback pins */
	{ KS_SAMPLE_PCM, 48000, 8, 32 },	/* loopback pins */
	{ KS_SAMPLE_FLOAT, 48000, 2, 32 },
};

#define NFMTS		ARRAY_SIZE(fmts)
#define FMTS_SMALL	0x07u
#define FMTS_CHAIN	0x0fu
#define FMTS_ALL	0x3fu
/* ks-audio's streaming pins: 16 bits or float, 1 or 2 channels, two rates. */
#define FMTS_AUDIO	0x27u

static struct ks_dataformat_waveformatex fmt_blobs[NFMTS];

/*
 * The pins a valid request is built for (module/samples/ks-chain.h,
 * ks-tonegen-main.c, ks-null-sink.c, SPEC 9).  A source may name a peer
 * (communication SOURCE or BOTH), a sink may be named (SINK or BOTH); a
 * connection joins an OUT and an IN pin with the same medium.
 */
struct pin_type {
	const char *name;
	enum filt filt;
	uint32_t id;
	uint32_t flow;
	bool source, sink;
	bool chain_medium;
	unsigned int formats;	/* bits of fmts[] its ranges take */
};

static const struct pin_type pin_types[] = {
	{ "ks-loopback Render", F_LOOPBACK, 0, KSPIN_DATAFLOW_IN,
	  false, true, false, FMTS_ALL },
	{ "ks-loopback Capture", F_LOOPBACK, 1, KSPIN_DATAFLOW_OUT,
	  false, true, false, FMTS_ALL },
	{ "ks-tonegen Tone", F_TONEGEN, TONEGEN_PIN_TONE, KSPIN_DATAFLOW_OUT,
	  false, true, false, FMTS_SMALL },
	{ "ks-tonegen Source", F_TONEGEN, TONEGEN_PIN_SOURCE, KSPIN_DATAFLOW_OUT,
	  true, false, false, FMTS_SMALL },
	{ "ks-gen Out", F_GEN, GEN_PIN_OUT, KSPIN_DATAFLOW_OUT,
	  true, true, true, FMTS_CHAIN },
	{ "ks-gain In", F_GAIN, GAIN_PIN_IN, KSPIN_DATAFLOW_IN,
	  false, true, true, FMTS_CHAIN },
	{ "ks-gain Out", F_GAIN, GAIN_PIN_OUT, KSPIN_DATAFLOW_OUT,
	  true, true, false, FMTS_CHAIN },
	{ "ks-null-sink Render", F_NULL_SINK, 0, KSPIN_DATAFLOW_IN,
	  true, true, false, FMTS_SMALL },
	{ "ks-audio Render", F_AUDIO_WAVE, AUDIO_WAVE_PIN_RENDER,
	  KSPIN_DATAFLOW_IN, false, true, false, FMTS_AUDIO },
	{ "ks-audio Capture", F_AUDIO_WAVE, AUDIO_WAVE_PIN_CAPTURE,
	  KSPIN_DATAFLOW_OUT, false, true, false, FMTS_AUDIO },
};

#define NPIN_TYPES	ARRAY_SIZE(pin_types)

static bool filt_present[NFILTS];
/* Pin types a loaded filter's pin type may name as its peer. */
static bool nameable[NPIN_TYPES];

/* ---- the threads ---- */

enum kind { K_FILTER, K_PIN, K_OTHER };

/*
 * One fd of the table.  Slots are named by id, never reused, because fd
 * numbers are.  type: for a filter the index in devices[], for a pin the
 * index in pin_types[] (or -1: a mutated request).  peer: the id of the
 * slot of the pin at the other end of its connection, or 0.  used: the
 * pin took part in a connection (none can name it any more).
 */
struct slot {
	int fd;
	enum kind kind;
	int type;
	uint32_t id;
	uint32_t peer;
	bool used;
};

/* What a thread may do to a slot's fd (run_fop()). */
enum fop {
	FOP_CLOSE, FOP_STATE, FOP_REFORMAT, FOP_REFRAME, FOP_RESET,
	FOP_READ_STREAM, FOP_WRITE_STREAM, FOP_READ, FOP_WRITE, FOP_POLL,
	FOP_MMAP, FOP_BLOCKING, FOP_CREATE_NAMING, FOP_PROPERTY, NFOPS,
	FOP_ANY = NFOPS
};

/*
 * Half of a collision, offered to whichever thread comes first, who
 * starts it @delay ns after the poster starts its own (before: < 0).
 */
struct twin {
	atomic_int state;
	enum fop op;
	struct slot slot;
	int64_t delay;
};

struct worker {
	pthread_t thread;
	unsigned int n;
	uint64_t rng;
	uint8_t *arena, *guard, *unmapped;
	int closed[16];			/* numbers it closed: junk handles */
	atomic_llong busy_since;	/* start of its operation, or 0 */
	atomic_uintptr_t what;		/* the call it is in (a string) */
	atomic_uintptr_t on;		/* what its fd was when picked */
	atomic_int fd;
	atomic_int tid;
	atomic_bool done;
	struct twin twin;		/* its mailbox for collisions */
	/* For the summary. */
	uint64_t creates, pins, links, collisions, eintr;
	uint64_t rt_maps;		/* WaveRT buffers and registers mapped */
};

static struct worker workers[MAX_THREADS];
static unsigned int nworkers = 4;
static __thread struct worker *me;
static atomic_bool stop;
static atomic_uint_fast64_t ncalls;
static int64_t run_start;
static long page;
/* The harness's fds in the child: never drawn as junk. */
static int reserved_fds[4] = { 0, 1, 2, -1 };

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t next(void)
{
	/* splitmix64 */
	uint64_t z = (me->rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(next() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static void spin(int64_t ns)
{
	int64_t end = now_ns() + ns;

	while (now_ns() < end)
		;
}

/* Note the call the thread is about to make, for the watchdog. */
static void at(const char *what, int fd)
{
	atomic_store_explicit(&me->what, (uintptr_t)what, memory_order_relaxed);
	atomic_store_explicit(&me->fd, fd, memory_order_relaxed);
	atomic_fetch_add_explicit(&ncalls, 1, memory_order_relaxed);
}

/* A system call, noted for the watchdog; counts the interrupted ones. */
#define CALL(what, fd, expr) ({						\
	long __ret;							\
									\
	at(what, fd);							\
	__ret = (long)(expr);						\
	if (__ret < 0 && errno == EINTR)				\
		me->eintr++;						\
	__ret;								\
})

/* ---- the table of fds ---- */

typedef bool (*match_fn)(const struct slot *s, const void *arg);

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot table[MAX_SLOTS];
static unsigned int nslots;
static uint32_t last_id;

static void close_fd(int fd)
{
	CALL("close", fd, close(fd));
	me->closed[below(ARRAY_SIZE(me->closed))] = fd;
}

/*
 * Put @fd into the table (connected to the slot @peer, or 0); its slot's
 * id, or 0 when @fd is not one or the table is full (@fd closed then).
 */
static uint32_t table_add(int fd, enum kind kind, int type, uint32_t peer)
{
	uint32_t id = 0;
	unsigned int i;

	if (fd < 0)
		return 0;
	pthread_mutex_lock(&table_lock);
	if (nslots < MAX_SLOTS) {
		id = ++last_id;
		table[nslots++] = (struct slot){ fd, kind, type, id, peer,
						 peer != 0 };
		for (i = 0; peer && i < nslots; i++) {
			if (table[i].id == peer) {
				table[i].peer = id;
				table[i].used = true;
			}
		}
	}
	pthread_mutex_unlock(&table_lock);
	if (!id)
		close_fd(fd);
	return id;
}

/* A copy of a random slot that @match takes (any slot: NULL). */
static bool table_pick(match_fn match, const void *arg, struct slot *out)
{
	unsigned int i, start;
	bool found = false;

	pthread_mutex_lock(&table_lock);
	start = below(nslots);
	for (i = 0; i < nslots && !found; i++) {
		const struct slot *s = &table[(start + i) % nslots];

		if (!match || match(s, arg)) {
			*out = *s;
			found = true;
		}
	}
	pthread_mutex_unlock(&table_lock);
	return found;
}

static bool table_find(uint32_t id, struct slot *out)
{
	unsigned int i;
	bool found = false;

	pthread_mutex_lock(&table_lock);
	for (i = 0; i < nslots && !found; i++) {
		if (table[i].id == id) {
			*out = table[i];
			found = true;
		}
	}
	pthread_mutex_unlock(&table_lock);
	return found;
}

/*
 * Take the slot @id out of the table: its fd is the caller's to close
 * now, and nobody else's.  false when another thread took it first.
 */
static bool table_take(uint32_t id, struct slot *out)
{
	unsigned int i;
	bool found = false;

	pthread_mutex_lock(&table_lock);
	for (i = 0; i < nslots && !found; i++) {
		if (table[i].id == id) {
			*out = table[i];
			table[i] = table[--nslots];
			found = true;
		}
	}
	/* Its connection ends with its close. */
	for (i = 0; found && i < nslots; i++)
		if (table[i].peer == id)
			table[i].peer = 0;
	pthread_mutex_unlock(&table_lock);
	return found;
}

static bool is_kind(const struct slot *s, const void *arg)
{
	return s->kind == *(const enum kind *)arg;
}

static bool is_filter_of(const struct slot *s, const void *arg)
{
	return s->kind == K_FILTER &&
	       devices[s->type].filt == *(const enum filt *)arg;
}

static bool is_connected(const struct slot *s, const void *arg)
{
	(void)arg;
	return s->kind == K_PIN && s->peer;
}

/* Whether a pin of type @src may name a pin of type @sink as its peer. */
static bool fits(const struct pin_type *src, const struct pin_type *sink)
{
	return src->source && sink->sink && src->flow != sink->flow &&
	       src->chain_medium == sink->chain_medium;
}

static bool fits_as_peer(const struct slot *s, const void *arg)
{
	return s->kind == K_PIN && s->type >= 0 &&
	       fits(arg, &pin_types[s->type]);
}

/* A pin that could be named as a peer yet: a sink never connected. */
static bool is_fresh_sink(const struct slot *s, const void *arg)
{
	(void)arg;
	return s->kind == K_PIN && s->type >= 0 && !s->used &&
	       nameable[s->type];
}

static bool is_flow(const struct slot *s, uint32_t flow)
{
	return s->kind == K_PIN && s->type >= 0 && pin_types[s->type].flow == flow;
}

static bool is_out_pin(const struct slot *s, const void *arg)
{
	(void)arg;
	return is_flow(s, KSPIN_DATAFLOW_OUT);
}

static bool is_in_pin(const struct slot *s, const void *arg)
{
	(void)arg;
	return is_flow(s, KSPIN_DATAFLOW_IN);
}

/* Another pin of the same filter type as the slot @arg. */
static bool is_sibling(const struct slot *s, const void *arg)
{
	const struct slot *of = arg;

	return s->kind == K_PIN && s->type >= 0 && s->id != of->id &&
	       pin_types[s->type].filt == pin_types[of->type].filt;
}

/* The fd of a random slot of @kind, or -1. */
static int slot_fd(enum kind kind)
{
	struct slot s;

	return table_pick(is_kind, &kind, &s) ? s.fd : -1;
}

/* A file descriptor number as a caller might pass one: any kind. */
static int any_fd(void)
{
	unsigned int i;
	struct slot s;
	int fd;

	switch (below(8)) {
	case 0:
		fd = me->closed[below(ARRAY_SIZE(me->closed))];
		break;
	case 1:
		fd = (int)below(1024);
		break;
	case 2:
		return -1;
	default:
		return table_pick(NULL, NULL, &s) ? s.fd : -1;
	}
	for (i = 0; i < ARRAY_SIZE(reserved_fds); i++)
		if (fd == reserved_fds[i])
			return -1;
	return fd;
}

/* ---- memory ---- */

/*
 * A user pointer for @size bytes the kernel reads or writes: mostly @good
 * (inside the thread's arena), sometimes a bad one.
 */
static uint64_t ptr_for(void *good, uint32_t size)
{
	switch (below(20)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)good + 1 + below(7);	/* unaligned */
	case 2:
		return (uintptr_t)me->unmapped + below((uint32_t)page);
	case 3:
		return 0xffffffff81000000ull + below(4096);
	case 4:
		return 0xffff888000000000ull;
	case 5:
		/* Runs into the PROT_NONE page after the arena. */
		return (uintptr_t)me->guard - (size ? below(size) + 1 : 1);
	case 6:
		return next();
	default:
		return (uintptr_t)good;
	}
}

/*
 * The first @cut bytes of @src (at most 4 pages) at the very end of the
 * arena: a blob of @size whose tail runs into the PROT_NONE page.
 */
static void *at_arena_end(const void *src, uint32_t size, uint32_t cut)
{
	uint32_t n = size < cut ? size : cut;
	uint8_t *p;

	if (n > 4 * (uint32_t)page)
		n = 4 * (uint32_t)page;
	p = me->guard - n;
	memmove(p, src, n);
	return p;
}

static void mutate(uint8_t *buf, uint32_t size)
{
	unsigned int i, n = below(4);

	if (!size)
		return;
	for (i = 0; i < n; i++) {
		uint32_t at = below(size);

		switch (below(4)) {
		case 0:
			buf[at] ^= (uint8_t)(1u << below(8));
			break;
		case 1:
			buf[at] = (uint8_t)next();
			break;
		case 2:
			buf[at] = below(2) ? 0xFF : 0;
			break;
		default:
			if (at + 4 <= size) {
				uint32_t v = below(2) ? (uint32_t)next() :
					     below(200);
				memcpy(buf + at, &v, 4);
			}
			break;
		}
	}
}

/* The thread's memory: ARENA_PAGES RW pages, then PROT_NONE, then a hole. */
static int setup_arena(struct worker *w)
{
	size_t size = ARENA_PAGES * (size_t)page;

	w->arena = mmap(NULL, size + 2 * page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->arena == MAP_FAILED)
		return -1;
	w->guard = w->arena + size;
	w->unmapped = w->guard + page;
	if (mprotect(w->guard, page, PROT_NONE) || munmap(w->unmapped, page))
		return -1;
	return 0;
}

/* ---- valid building blocks ---- */

static const struct ks_guid guid_stream = KSDATAFORMAT_TYPE_STREAM;
static const struct ks_guid guid_sub_none = KSDATAFORMAT_SUBTYPE_NONE;
static const struct ks_guid guid_spec_none = KSDATAFORMAT_SPECIFIER_NONE;
static const struct ks_guid tonegen_medium = TONEGEN_MEDIUM;
static const struct ks_guid tonegen_key = TONEGEN_ATTRIBUTE_KEY;
static const struct ks_guid chain_medium = KS_CHAIN_MEDIUM;
static const struct ks_guid prop_sets[] = {
	KSPROPSETID_PIN,
	KSPROPSETID_CONNECTION,
	KSPROPSETID_GENERAL,
	KSPROPSETID_TOPOLOGY,
	KSPROPSETID_KSFILTER_STREAM,
	KS_GUID_NULL,
	KSDATAFORMAT_TYPE_AUDIO,
	KSPROPSETID_AUDIO,
};

/* A format of @mask, mostly the first: peers must agree byte for byte. */
static unsigned int pick_format(unsigned int mask)
{
	unsigned int f;

	if (chance(50) || !mask)
		return 0;
	do
		f = below(NFMTS);
	while (!(mask & (1u << f)) && !chance(5));
	return f;
}

static unsigned int slot_formats(const struct slot *s)
{
	return s->type >= 0 && s->kind == K_PIN ? pin_types[s->type].formats :
						 FMTS_ALL;
}

/* A data format, valid for one of the pins, in @buf; returns its size. */
static uint32_t build_format(uint8_t *buf, uint32_t room)
{
	static const uint32_t rates[] = { 8000, 44100, 48000, 96000, 384000,
					  44101, 0, 400000 };
	struct ks_dataformat *f = (void *)buf;
	struct ks_multiple_item *list;
	struct ks_attribute *a;
	uint32_t size;

	memset(buf, 0, room);
	switch (below(6)) {
	case 0:
	case 1:
		size = (uint32_t)ks_build_audio_format((void *)buf,
				below(3) ? KS_SAMPLE_PCM : KS_SAMPLE_FLOAT,
				rates[below(8)] ? : 48000, 1 + below(9),
				(uint16_t)(8 * (1 + below(4))));
		break;
	case 2:
		size = (uint32_t)ks_build_audio_format_ext((void *)buf,
				below(2) ? KS_SAMPLE_PCM : KS_SAMPLE_FLOAT,
				rates[below(5)], 1 + below(8),
				(uint16_t)(8 * (1 + below(4))), 0);
		break;
	case 3:
		f->format_size = sizeof(*f);
		f->major_format = guid_stream;
		f->sub_format = guid_sub_none;
		f->specifier = guid_spec_none;
		size = sizeof(*f);
		break;
	case 4:
		/* The keyed stream format with its attribute list. */
		f->format_size = sizeof(*f);
		f->flags = KSDATAFORMAT_ATTRIBUTES;
		f->major_format = guid_stream;
		f->sub_format = guid_sub_none;
		f->specifier = guid_spec_none;
		list = (void *)(f + 1);
		a = (void *)(list + 1);
		list->size = sizeof(*list) + sizeof(*a);
		list->count = 1;
		a->size = sizeof(*a);
		a->attribute = tonegen_key;
		size = sizeof(*f) + list->size;
		break;
	default:
		size = sizeof(fmt_blobs[0]);
		memcpy(buf, &fmt_blobs[below(NFMTS)], size);
		break;
	}
	if ((int32_t)size < 0)
		size = 0;
	return size;
}

/* ---- filters and pins ---- */

static int open_device(const struct device *d, int mode)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/ksfilter%u", d->index);
	return (int)CALL("open", -1, open(path, mode | O_CLOEXEC));
}

/* A filter fd of @filt from the table, or a new one put there; or -1. */
static int filter_fd(enum filt filt)
{
	unsigned int i, start = below(ndevices);
	struct slot s;
	int fd;

	if (table_pick(is_filter_of, &filt, &s))
		return s.fd;
	for (i = 0; i < ndevices; i++) {
		const struct device *d = &devices[(start + i) % ndevices];

		if (d->filt != filt)
			continue;
		fd = open_device(d, O_RDWR);
		table_add(fd, K_FILTER, (int)(d - devices), 0);
		return fd;
	}
	return -1;
}

/*
 * KS_IOCTL_CREATE_PIN with a valid request for a pin of type @t naming
 * @peer (the fd of the slot @peer_id, or 0), mutated now and then.  The
 * new pin goes into the table, connected to @peer_id when it named one.
 */
static void create_pin(const struct pin_type *t, int peer, uint32_t peer_id)
{
	struct ks_create_pin *args = (void *)me->arena;
	struct ks_pin_connect *c = (void *)(me->arena + page);
	unsigned int f = pick_format(t->formats);
	int filter = filter_fd(t->filt), fd;
	uint32_t size;
	bool looped;

	if (filter < 0)
		return;
	ks_connect_init(c, t->id);
	if (t->chain_medium) {
		c->medium.set = chain_medium;
		c->medium.id = KS_CHAIN_MEDIUM_ID;
	}
	looped = (t->filt == F_LOOPBACK || t->filt == F_AUDIO_WAVE) && !peer &&
		 chance(15);
	if (looped)
		ks_connect_set_interface(c, KSINTERFACE_STANDARD_LOOPED_STREAMING);
	c->pin_to_handle = peer > 0 ? (uint64_t)peer : 0;
	memcpy(c + 1, &fmt_blobs[f], sizeof(fmt_blobs[f]));
	size = sizeof(*c) + sizeof(fmt_blobs[f]);
	if (chance(5))
		mutate((void *)c, size);
	memset(args, 0, sizeof(*args));
	args->connect = (uintptr_t)c;
	args->connect_size = size;
	args->desired_access = t->flow == KSPIN_DATAFLOW_IN ? KS_GENERIC_WRITE :
							      KS_GENERIC_READ;
	/* A WaveRT buffer is mapped read-write: the fd reads and writes. */
	if (chance(looped ? 60 : 10))
		args->desired_access = KS_GENERIC_READ | KS_GENERIC_WRITE;
	/* Blocking pins too: a blocked call is where a state change hurts. */
	args->flags = (chance(50) ? O_NONBLOCK : 0) |
		      (chance(50) ? O_CLOEXEC : 0);
	args->reason = 0xdeadbeef;
	me->creates++;
	fd = (int)CALL("KS_IOCTL_CREATE_PIN", filter,
		       ioctl(filter, KS_IOCTL_CREATE_PIN, args));
	if (fd < 0)
		return;
	me->pins++;
	me->links += peer > 0;
	table_add(fd, K_PIN, (int)(t - pin_types), peer > 0 ? peer_id : 0);
}

static const struct pin_type *random_pin_type(void)
{
	const struct pin_type *t;

	do
		t = &pin_types[below(NPIN_TYPES)];
	while (!filt_present[t->filt]);
	return t;
}

/* A valid creation, naming a peer from the table that fits, mostly. */
static void do_create(void)
{
	const struct pin_type *t = random_pin_type();
	struct slot peer;

	if (t->source && chance(70) && table_pick(fits_as_peer, t, &peer))
		create_pin(t, peer.fd, peer.id);
	else
		create_pin(t, 0, 0);
}

/* A creation naming the pin of @s as its peer, by a type that fits it. */
static void create_naming(const struct slot *s)
{
	const struct pin_type *t, *fitting[NPIN_TYPES];
	unsigned int i, n = 0;

	for (i = 0; s->kind == K_PIN && s->type >= 0 && i < NPIN_TYPES; i++) {
		t = &pin_types[i];
		if (filt_present[t->filt] && fits(t, &pin_types[s->type]))
			fitting[n++] = t;
	}
	t = n ? fitting[below(n)] : random_pin_type();
	create_pin(t, s->fd, s->id);
}

/* ---- mutated requests, as a careless or hostile caller makes them ---- */

static void do_create_mutated(void)
{
	static const uint32_t accesses[] = {
		KS_GENERIC_READ, KS_GENERIC_WRITE,
		KS_GENERIC_READ | KS_GENERIC_WRITE, 0, 0x1, 0xFFFFFFFF,
	};
	uint8_t *blob = me->arena + page;	/* 8-aligned, pages to spare */
	struct ks_create_pin *args = (void *)me->arena;
	struct ks_pin_connect *c = (void *)blob;
	uint32_t size, fsize, flags;
	int filter = slot_fd(K_FILTER), fd;
	void *where = blob;

	if (filter < 0)
		return;
	ks_connect_init(c, below(8) ? below(6) : (uint32_t)next());
	if (chance(15))
		ks_connect_set_interface(c, below(4));
	if (chance(15)) {
		c->medium.set = below(2) ? tonegen_medium : chain_medium;
		c->medium.id = below(2);
	}
	if (chance(25))
		c->pin_to_handle = chance(90) ? (uint64_t)(int64_t)any_fd() :
						next();
	fsize = build_format(blob + sizeof(*c), 2 * (uint32_t)page);
	size = sizeof(*c) + fsize;
	if (chance(50))
		mutate(blob, size);
	switch (below(10)) {
	case 0:
		size = below(200);
		break;
	case 1:
		size += below(64);
		break;
	case 2:
		size = size > 8 ? size - below(8) : size;
		break;
	case 3:
		size = below(2) ? 65536 : 65537 + below(100);
		break;
	default:
		break;
	}
	if (size > 3 * (uint32_t)page && chance(90))
		size = 3 * (uint32_t)page;
	if (chance(5))
		where = at_arena_end(blob, size, below(size + 1));
	memset(args, 0, sizeof(*args));
	args->connect = (uintptr_t)where;
	if (where == blob)
		args->connect = ptr_for(blob, size);
	args->connect_size = size;
	args->desired_access = accesses[below(6)];
	flags = chance(80) ? O_NONBLOCK : 0;
	if (chance(50))
		flags |= O_CLOEXEC;
	if (chance(5))
		flags |= 1u << below(32);
	args->flags = flags;
	args->reason = 0xdeadbeef;
	me->creates++;
	fd = (int)CALL("KS_IOCTL_CREATE_PIN", filter,
		       ioctl(filter, KS_IOCTL_CREATE_PIN, chance(97) ? (void *)args :
			     (void *)(uintptr_t)ptr_for(args, sizeof(*args))));
	if (fd >= 0) {
		me->pins++;
		table_add(fd, K_PIN, -1, 0);
	}
}

/*
 * `in` for a node's property (KSPROPERTY_TYPE_TOPOLOGY): a
 * KSNODEPROPERTY_AUDIO_CHANNEL, mostly for a KSPROPSETID_Audio control of
 * a node below @nodes (ks-gain's filters have node 0, ks-audio's topology
 * filters 14 nodes) and channel 0-9 or all.
 */
static uint32_t build_node_in(uint8_t *in, uint32_t nodes, uint32_t *id_out)
{
	struct ks_node_property_audio_channel *p = (void *)in;
	static const uint32_t ops[] = {
		KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET,
		KSPROPERTY_TYPE_BASICSUPPORT, KSPROPERTY_TYPE_SETSUPPORT,
	};
	static const uint32_t ids[] = {
		KSPROPERTY_AUDIO_VOLUMELEVEL, KSPROPERTY_AUDIO_MUTE,
		KSPROPERTY_AUDIO_MUX_SOURCE, KSPROPERTY_AUDIO_POSITION,
		KSPROPERTY_AUDIO_CHANNEL_CONFIG,
	};
	uint32_t size = sizeof(*p), id;

	memset(in, 0, 512);
	p->node_property.property.set = chance(80) ? prop_sets[ARRAY_SIZE(prop_sets) - 1] :
					prop_sets[below(ARRAY_SIZE(prop_sets))];
	id = chance(90) ? ids[below(ARRAY_SIZE(ids))] : (uint32_t)next();
	p->node_property.property.id = id;
	p->node_property.property.flags = KSPROPERTY_TYPE_TOPOLOGY |
		(chance(95) ? ops[below(chance(70) ? 2 : 4)] : (uint32_t)next());
	p->node_property.node_id = chance(80) ? below(nodes) : (uint32_t)next();
	p->node_property.reserved = chance(95) ? 0 : (uint32_t)next();
	p->channel = chance(70) ? (int32_t)below(10) :
		     chance(50) ? -1 : (int32_t)next();
	*id_out = id;
	if (chance(20))
		size = below(sizeof(*p) + 16);
	return size;
}

/* `in` for a property: KSPROPERTY, instance data; returns its size. */
static uint32_t build_prop_in(uint8_t *in, bool pin_fd, uint32_t *id_out)
{
	struct ks_p_pin *p = (void *)in;
	static const uint32_t flag_set[] = {
		KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET,
		KSPROPERTY_TYPE_BASICSUPPORT, KSPROPERTY_TYPE_SETSUPPORT,
	};
	uint32_t size = sizeof(*p), id, nsets = ARRAY_SIZE(prop_sets);

	memset(in, 0, 512);
	p->property.set = prop_sets[pin_fd ? (chance(70) ? 1 : below(nsets)) :
				    (chance(70) ? 0 : below(nsets))];
	id = chance(90) ? below(16) : (uint32_t)next();
	p->property.id = id;
	p->property.flags = chance(90) ? flag_set[below(chance(70) ? 2 : 4)] :
					 (uint32_t)next();
	p->pin_id = chance(90) ? below(7) : (uint32_t)next();
	p->reserved = chance(95) ? 0 : (uint32_t)next();
	*id_out = id;
	if (!pin_fd && id == KSPROPERTY_PIN_DATAINTERSECTION) {
		/* A candidate list: formats used as ranges, or a range. */
		struct ks_multiple_item *list = (void *)(p + 1);
		uint32_t pos = sizeof(*list), i, n = below(4), fs;

		for (i = 0; i < n && pos < 400; i++) {
			fs = build_format(in + sizeof(*p) + pos, 104 + 24);
			if (!fs)
				break;
			if (chance(30)) {
				struct ks_datarange_audio *r =
					(void *)(in + sizeof(*p) + pos);

				memset(&r->maximum_channels, 0, 24);
				r->data_range.format_size = sizeof(*r);
				r->data_range.flags = 0;
				fs = r->data_range.format_size;
				r->maximum_channels = below(10);
				r->maximum_bits_per_sample = 32;
				r->maximum_sample_frequency = 192000;
			}
			pos += (fs + 7) & ~7u;
		}
		list->size = pos;
		list->count = i;
		size += pos;
	}
	if (chance(30))
		mutate(in, size);
	if (chance(10))
		size = below(size + 16);
	return size;
}

/*
 * KS_IOCTL_PROPERTY on @fd, a pin fd if @pin_fd, with random arguments;
 * node requests for nodes below @nodes.
 */
static void property(int fd, bool pin_fd, uint32_t nodes)
{
	static const uint32_t states[] = {
		KSSTATE_STOP, KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN,
	};
	struct ks_ioctl_buffers *io = (void *)me->arena;
	uint8_t *in = me->arena + page, *out = me->arena + 2 * page;
	uint32_t in_size, out_size, id, flags;

	if (chance(3))
		fd = any_fd();
	in_size = chance(20) ? build_node_in(in, nodes, &id) :
			       build_prop_in(in, pin_fd, &id);
	flags = ((struct ks_identifier *)in)->flags;
	memset(out, 0, 512);
	out_size = below(2) ? below(16) * 4 : below(300);
	if (flags == (KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_TOPOLOGY)) {
		/* A node control's value: in range, at its ends, beyond. */
		static const int32_t values[] = {
			0, 1, -1, 2, -96 * 65536, 12 * 65536, 20 * 65536,
			-200 * 65536, INT32_MIN, INT32_MAX,
		};
		int32_t v = chance(80) ? values[below(ARRAY_SIZE(values))] :
					 (int32_t)next();

		memcpy(out, &v, 4);
		out_size = chance(90) ? 4 : below(9);
	} else if (flags == KSPROPERTY_TYPE_SET) {
		if (pin_fd && id == KSPROPERTY_CONNECTION_STATE) {
			uint32_t s = chance(90) ? states[below(4)] : (uint32_t)next();

			memcpy(out, &s, 4);
			out_size = chance(90) ? 4 : below(9);
		} else if (id == KSPROPERTY_CONNECTION_DATAFORMAT ||
			   id == KSPROPERTY_PIN_PROPOSEDATAFORMAT) {
			out_size = build_format(out, 2 * (uint32_t)page);
			if (chance(40))
				mutate(out, out_size);
			if (chance(10))
				out_size = below(out_size + 32);
		} else if (chance(50)) {
			memset(out, (int)below(256), 64);
		}
	}
	if (chance(2))
		out_size = 65536 + below(3);
	if (out_size > 2 * (uint32_t)page)
		out_size = chance(80) ? 2 * (uint32_t)page : out_size;
	memset(io, 0, sizeof(*io));
	io->in = chance(5) ? (uintptr_t)at_arena_end(in, in_size, below(in_size + 1)) :
			     ptr_for(in, in_size);
	io->in_size = in_size;
	io->out = ptr_for(out, out_size);
	io->out_size = out_size;
	io->reserved = chance(97) ? 0 : (uint32_t)next();
	CALL("KS_IOCTL_PROPERTY", fd, ioctl(fd, KS_IOCTL_PROPERTY, chance(98) ?
		(void *)io : (void *)(uintptr_t)ptr_for(io, sizeof(*io))));
}

/* Node requests to the fd of @s: for its nodes, and one past them. */
static uint32_t slot_nodes(const struct slot *s)
{
	if (s->kind == K_FILTER && devices[s->type].filt == F_AUDIO_TOPO)
		return AUDIO_TOPO_NODES + 1;
	return 3;
}

static void do_property(void)
{
	struct slot s;

	if (table_pick(NULL, NULL, &s))
		property(s.fd, s.kind == K_PIN, slot_nodes(&s));
}

/* Stream ioctls with random headers, and unknown ioctl numbers. */
static void do_stream_mutated(void)
{
	static const unsigned long cmds[] = {
		KS_IOCTL_WRITE_STREAM, KS_IOCTL_READ_STREAM,
		KS_IOCTL_RESET_STATE, KS_IOCTL_VERSION,
	};
	struct ks_ioctl_buffers *io = (void *)me->arena;
	struct ks_stream_header *h = (void *)(me->arena + page);
	uint8_t *data = me->arena + 4 * page;
	unsigned int i, n = below(4);
	int fd = chance(90) ? slot_fd(K_PIN) : any_fd();
	unsigned long cmd;
	void *arg;

	if (chance(10)) {
		/* Unknown ioctls, ours and others'. */
		cmd = chance(50) ? _IOC(below(4), 0xB8, below(32), below(256)) :
				   (unsigned long)(uint32_t)next();
		arg = (void *)(uintptr_t)ptr_for(me->arena, 256);
		CALL("unknown ioctl", fd, ioctl(fd, cmd, arg));
		return;
	}
	cmd = cmds[below(ARRAY_SIZE(cmds))];
	if (cmd == KS_IOCTL_RESET_STATE || cmd == KS_IOCTL_VERSION) {
		*(uint32_t *)me->arena = chance(90) ? below(2) : (uint32_t)next();
		arg = (void *)(uintptr_t)ptr_for(me->arena, 48);
		CALL("ioctl", fd, ioctl(fd, cmd, arg));
		return;
	}
	memset(h, 0, 4 * sizeof(*h));
	for (i = 0; i < n; i++) {
		h[i].size = chance(90) ? sizeof(*h) : below(128);
		h[i].frame_extent = chance(80) ? 64 * below(65) : (uint32_t)next();
		h[i].data_used = chance(80) ? h[i].frame_extent : (uint32_t)next();
		h[i].data = ptr_for(data, h[i].frame_extent);
		if (h[i].data == (uintptr_t)data && h[i].frame_extent > 8 * page)
			h[i].frame_extent = 8 * (uint32_t)page;
		h[i].options_flags = chance(80) ? 0 :
			(uint32_t)(1u << below(12));
	}
	memset(io, 0, sizeof(*io));
	io->in = ptr_for(h, n * sizeof(*h));
	io->in_size = chance(90) ? n * sizeof(*h) : below(300);
	io->out = chance(50) ? 0 : ptr_for(h, n * sizeof(*h));
	io->out_size = chance(50) ? 0 : below(300);
	io->reserved = chance(97) ? 0 : 1;
	CALL("stream ioctl", fd, ioctl(fd, cmd, chance(98) ? (void *)io :
		(void *)(uintptr_t)ptr_for(io, sizeof(*io))));
}

/* ---- operations on one fd ---- */

/* How often each is drawn; a close needs the slot taken first. */
static const unsigned int fop_weights[NFOPS] = {
	[FOP_CLOSE] = 20, [FOP_STATE] = 14, [FOP_REFORMAT] = 8,
	[FOP_REFRAME] = 4,
	[FOP_RESET] = 5, [FOP_READ_STREAM] = 10, [FOP_WRITE_STREAM] = 8,
	[FOP_READ] = 8, [FOP_WRITE] = 10, [FOP_POLL] = 4, [FOP_MMAP] = 3,
	[FOP_BLOCKING] = 4, [FOP_CREATE_NAMING] = 10, [FOP_PROPERTY] = 8,
};

/* How long each operation takes, typically (a running average), in ns. */
static atomic_uint fop_ns[NFOPS];

static void fop_took(enum fop op, int64_t ns)
{
	unsigned int old = atomic_load_explicit(&fop_ns[op], memory_order_relaxed);

	if (ns > FOP_NS_MAX)
		ns = FOP_NS_MAX;
	/* Racy updates lose a sample now and then: no matter. */
	atomic_store_explicit(&fop_ns[op], (unsigned int)((old * 7 + ns) / 8),
			      memory_order_relaxed);
}

/*
 * How far apart the halves @a and @b of a collision start: the second at
 * a random point of the first one's typical duration, either first.
 * Positive: @b starts that long after @a.
 */
static int64_t spread(enum fop a, enum fop b)
{
	if (chance(10))
		return 0;
	if (chance(50))
		return below(atomic_load(&fop_ns[a]) + 1);
	return -(int64_t)below(atomic_load(&fop_ns[b]) + 1);
}

static enum fop pick_fop(bool may_close)
{
	unsigned int i, total = 0, r;

	for (i = may_close ? 0 : 1; i < NFOPS; i++)
		total += fop_weights[i];
	r = below(total);
	for (i = may_close ? 0 : 1; r >= fop_weights[i]; i++)
		r -= fop_weights[i];
	return (enum fop)i;
}

static uint32_t random_state(void)
{
	static const uint32_t states[] = {
		KSSTATE_STOP, KSSTATE_STOP, KSSTATE_ACQUIRE, KSSTATE_PAUSE,
		KSSTATE_PAUSE, KSSTATE_RUN, KSSTATE_RUN, KSSTATE_RUN,
	};

	return states[below(ARRAY_SIZE(states))];
}

static uint32_t fmt_frame(unsigned int f)
{
	return fmts[f].channels * fmts[f].bits / 8u;
}

/* The frame size of the pin @fd now (as a program sizing its buffers asks). */
static uint32_t pin_frame(int fd)
{
	struct ks_stream_buffer b;

	at("BUFFER get", fd);
	return ks_pin_get_buffer(fd, &b) ? 0 : b.frame_size;
}

/* One of fmts[] its ranges take for the pin @s, with another frame size. */
static unsigned int reframe_format(const struct slot *s)
{
	unsigned int f, tries, mask = slot_formats(s);
	uint32_t frame = pin_frame(s->fd);

	for (tries = 0; tries < 4 * NFMTS; tries++) {
		f = below(NFMTS);
		if ((mask & (1u << f)) && fmt_frame(f) != frame)
			return f;
	}
	return pick_format(mask);
}

/*
 * The format for a pin of @s: often the one another pin of its filter
 * has now, as a program matching its pins does (data passes between
 * ks-loopback's pins only when their formats agree), else one of fmts[];
 * with @reframe one with another frame size than the pin has.  Returns
 * its size, the format maybe in the arena.
 */
static uint32_t new_format(const struct slot *s, bool reframe, void **format)
{
	unsigned int f = reframe ? reframe_format(s) :
				   pick_format(slot_formats(s));
	struct slot other;
	uint32_t size;
	void *got;

	*format = &fmt_blobs[f];
	if (reframe || s->kind != K_PIN || s->type < 0 || chance(50) ||
	    !table_pick(is_sibling, s, &other))
		return sizeof(fmt_blobs[f]);
	at("DATAFORMAT get", other.fd);
	got = ks_pin_get_dataformat(other.fd, &size);
	if (!got || size > (uint32_t)page)
		size = sizeof(fmt_blobs[f]);
	else
		*format = memcpy(me->arena + 3 * page, got, size);
	free(got);
	return size;
}

/* A new frame size under whatever is running: STOP, DATAFORMAT, RUN. */
static void reformat(const struct slot *s, bool reframe)
{
	uint32_t size, state;
	void *format;

	size = new_format(s, reframe, &format);
	CALL("STATE STOP", s->fd, ks_pin_set_state(s->fd, KSSTATE_STOP));
	if (!reframe && chance(15))
		CALL("BUFFER set", s->fd,
		     ks_pin_set_buffer_size(s->fd, 65536u << below(5)));
	CALL("DATAFORMAT set", s->fd, ks_pin_set_dataformat(s->fd, format, size));
	state = chance(80) ? KSSTATE_RUN : KSSTATE_PAUSE;
	if (chance(90))
		CALL("STATE set", s->fd, ks_pin_set_state(s->fd, state));
}

static void reset(int fd)
{
	uint32_t how = chance(50) ? KSRESET_BEGIN : KSRESET_END;

	CALL("KS_IOCTL_RESET_STATE", fd, ioctl(fd, KS_IOCTL_RESET_STATE, &how));
	if (how == KSRESET_BEGIN && chance(50)) {
		how = KSRESET_END;
		CALL("KS_IOCTL_RESET_STATE", fd,
		     ioctl(fd, KS_IOCTL_RESET_STATE, &how));
	}
}

/*
 * A size for data: mostly a few frames of one of fmts[] (2 to 32 bytes),
 * which the frame of another format may not divide; at most 8 KiB.
 */
static uint32_t data_size(void)
{
	static const uint32_t sizes[] = { 1, 2, 4, 8, 16, 32, 64, 256, 4096 };

	if (chance(60))
		return (2u << below(5)) * (chance(50) ? 1 : 1 + below(64));
	return sizes[below(ARRAY_SIZE(sizes))] * (chance(80) ? 1 : 2);
}

/*
 * READ_STREAM or WRITE_STREAM with well-formed headers.  Their sizes are
 * whole frames of some format: often one or two of the pin's, as a
 * program that asked for its frame size makes them; a larger frame set
 * while the call waits outgrows them.
 */
static void stream(int fd, bool out)
{
	struct ks_ioctl_buffers *io = (void *)me->arena;
	struct ks_stream_header *h = (void *)(me->arena + page);
	uint8_t *data = me->arena + 4 * page;
	uint32_t e, off = 0, frame = chance(50) ? pin_frame(fd) : 0;
	unsigned int i, n = 1 + below(4);

	memset(h, 0, n * sizeof(*h));
	for (i = 0; i < n; i++) {
		e = frame ? frame * (1 + below(2)) : data_size();
		h[i].size = sizeof(*h);
		h[i].frame_extent = e;
		h[i].data_used = out ? e : 0;
		h[i].data = (uintptr_t)(data + off);
		if (out && chance(5))
			h[i].options_flags = KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM;
		off += e;
	}
	memset(io, 0, sizeof(*io));
	io->in = (uintptr_t)h;
	io->in_size = n * sizeof(*h);
	if (out)
		CALL("KS_IOCTL_WRITE_STREAM", fd,
		     ioctl(fd, KS_IOCTL_WRITE_STREAM, io));
	else
		CALL("KS_IOCTL_READ_STREAM", fd,
		     ioctl(fd, KS_IOCTL_READ_STREAM, io));
}

static void read_write(int fd, bool out)
{
	uint8_t *buf = me->arena + 4 * page;
	uint32_t frame = chance(50) ? pin_frame(fd) : 0;
	size_t len = chance(90) ? data_size() * (1 + below(4)) : below(70000);

	if (frame)
		len = frame * (1 + below(2));
	if (len > 8 * (size_t)page)
		len = 8 * (size_t)page;
	if (out)
		CALL("write", fd, write(fd, buf, len));
	else
		CALL("read", fd, read(fd, buf, len));
}

static void poll_fd(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };

	CALL("poll", fd, poll(&p, 1, chance(50) ? 0 : (int)below(100)));
}

static void map(int fd)
{
	size_t len = chance(80) ? (size_t)page * (1 + below(16)) :
		     (size_t)next() % (1ul << 24) + 1;
	void *m;

	m = (void *)CALL("mmap", fd, mmap(NULL, len,
			 chance(70) ? PROT_READ | PROT_WRITE : PROT_READ,
			 chance(80) ? MAP_SHARED : MAP_PRIVATE, fd,
			 chance(90) ? 0 : (off_t)page * below(64)));
	if (m != MAP_FAILED)
		CALL("munmap", fd, munmap(m, len));
}

static const char *slot_name(const struct slot *s)
{
	switch (s->kind) {
	case K_FILTER:
		return samples[devices[s->type].filt].name;
	case K_PIN:
		return s->type >= 0 ? pin_types[s->type].name :
				      "a pin of a mutated request";
	default:
		return "an eventfd or pipe";
	}
}

/* @op on the fd of @s; a close only on a slot the caller took. */
static void run_fop(enum fop op, const struct slot *s)
{
	int64_t t0 = now_ns();
	int fd = s->fd;

	atomic_store_explicit(&me->on, (uintptr_t)slot_name(s),
			      memory_order_relaxed);
	switch (op) {
	case FOP_CLOSE:
		close_fd(fd);
		break;
	case FOP_STATE:
		CALL("STATE set", fd, ks_pin_set_state(fd, random_state()));
		break;
	case FOP_REFORMAT:
	case FOP_REFRAME:
		reformat(s, op == FOP_REFRAME);
		break;
	case FOP_RESET:
		reset(fd);
		break;
	case FOP_READ_STREAM:
	case FOP_WRITE_STREAM:
		stream(fd, op == FOP_WRITE_STREAM);
		break;
	case FOP_READ:
	case FOP_WRITE:
		read_write(fd, op == FOP_WRITE);
		break;
	case FOP_POLL:
		poll_fd(fd);
		break;
	case FOP_MMAP:
		map(fd);
		break;
	case FOP_BLOCKING:
		CALL("fcntl", fd, fcntl(fd, F_SETFL, chance(50) ? O_NONBLOCK : 0));
		break;
	case FOP_CREATE_NAMING:
		create_naming(s);
		break;
	default:
		property(fd, s->kind == K_PIN, slot_nodes(s));
		break;
	}
	fop_took(op, now_ns() - t0);
	atomic_store_explicit(&me->on, 0, memory_order_relaxed);
}

/* One operation on a random fd of the table, pins mostly. */
static void do_fop(void)
{
	enum kind pin = K_PIN;
	struct slot s;

	if ((chance(90) && table_pick(is_kind, &pin, &s)) ||
	    table_pick(NULL, NULL, &s))
		run_fop(pick_fop(false), &s);
}

/* Close a random fd; pins, and connected ones, more often. */
static void do_close(void)
{
	enum kind pin = K_PIN;
	struct slot s;

	if ((chance(30) && table_pick(is_connected, NULL, &s)) ||
	    (chance(50) && table_pick(is_kind, &pin, &s)) ||
	    table_pick(NULL, NULL, &s)) {
		if (table_take(s.id, &s))
			close_fd(s.fd);
	}
}

static void do_open(void)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	unsigned int d;
	int p[2];

	switch (below(10)) {
	case 0:
		table_add((int)CALL("eventfd", -1, eventfd(0, EFD_NONBLOCK)),
			  K_OTHER, -1, 0);
		break;
	case 1:
		if (!CALL("pipe2", -1, pipe2(p, O_NONBLOCK))) {
			table_add(p[0], K_OTHER, -1, 0);
			table_add(p[1], K_OTHER, -1, 0);
		}
		break;
	default:
		d = below(ndevices);
		table_add(open_device(&devices[d], modes[chance(80) ? 2 : below(3)]),
			  K_FILTER, (int)d, 0);
		break;
	}
}

/* ---- collisions: two calls at once from two threads ---- */

/*
 * A thread's mailbox for collisions: it offers one half (POSTED); another
 * thread copies it (TAKING) and says so (TAKEN); the poster, running,
 * frees it, which the taker, spinning, sees: both start their halves.
 * The handshake makes both threads be on a CPU at that moment: a race
 * needs its two calls to overlap, which they would rarely do if one
 * thread were still waiting to run.  Only its owner posts to a mailbox,
 * once the last taker has let go of it.
 */
enum { TWIN_FREE, TWIN_POSTED, TWIN_TAKING, TWIN_TAKEN };

/* Wait while @t is in @state: spin for a while, then yield. */
static void twin_wait(struct twin *t, int state)
{
	int64_t spin_end = now_ns() + TWIN_SPIN_NS;

	while (atomic_load(&t->state) == state) {
		if (now_ns() > spin_end)
			sched_yield();
	}
}

/*
 * Whether a thread numbered below us waits for a partner: then we give up
 * waiting for ours and are its partner instead, rather than both waiting.
 */
static bool lower_posted(void)
{
	unsigned int i;

	for (i = 0; i < me->n; i++)
		if (atomic_load(&workers[i].twin.state) == TWIN_POSTED)
			return true;
	return false;
}

/* Run the half of a collision another thread offers; false: none. */
static bool take_twin(void)
{
	unsigned int i, start = below(nworkers);
	struct twin *t = NULL;
	int64_t delay;
	struct slot s;
	enum fop op;

	for (i = 0; i < nworkers && !t; i++) {
		int posted = TWIN_POSTED;

		t = &workers[(start + i) % nworkers].twin;
		if (atomic_load(&t->state) != TWIN_POSTED ||
		    !atomic_compare_exchange_strong(&t->state, &posted,
						    TWIN_TAKING))
			t = NULL;
	}
	if (!t)
		return false;
	op = t->op;
	s = t->slot;
	delay = t->delay;
	atomic_store(&t->state, TWIN_TAKEN);
	/* Until the poster lets go (and, maybe, posts again). */
	twin_wait(t, TWIN_TAKEN);
	spin(delay);
	run_fop(op, &s);
	return true;
}

/* Withdraw the caller's offer; false when a taker came first. */
static bool withdraw(struct twin *t)
{
	int expect = TWIN_POSTED;

	return atomic_compare_exchange_strong(&t->state, &expect, TWIN_FREE);
}

/*
 * Offer @op on @s to another thread: true when one took it and starts it
 * @delay ns after the caller starts its own half (when this returns),
 * false when none did in time (the caller runs it itself then).
 */
static bool post_twin(enum fop op, const struct slot *s, int64_t delay)
{
	int64_t now = now_ns(), end = now + TWIN_WAIT_MS * MS;
	int64_t spin_end = now + TWIN_SPIN_NS;
	struct twin *t = &me->twin;

	if (nworkers < 2)
		return false;
	t->op = op;
	t->slot = *s;
	t->delay = delay;
	atomic_store(&t->state, TWIN_POSTED);
	while (atomic_load(&t->state) == TWIN_POSTED) {
		now = now_ns();
		if ((now >= end || lower_posted()) && withdraw(t)) {
			take_twin();
			return false;
		}
		if (now > spin_end)
			sched_yield();
	}
	twin_wait(t, TWIN_TAKING);
	atomic_store(&t->state, TWIN_FREE);
	return true;
}

/*
 * The collisions drawn, most of them random; the others are the races a
 * program with two threads makes most easily: both ends of a connection
 * closed at once, a pin named as a peer while it is closed, a blocked
 * reader or writer whose pin gets another frame size.
 */
static const struct pairing {
	bool both_ends;		/* of a connection; else twice one fd */
	enum fop a, b;
	match_fn match;		/* for the fd, or any pin */
	bool start;		/* set the pin going (PAUSE or RUN) first */
	unsigned int weight;
} pairings[] = {
	{ true, FOP_CLOSE, FOP_CLOSE, NULL, false, 10 },
	{ false, FOP_CREATE_NAMING, FOP_CLOSE, is_fresh_sink, false, 10 },
	{ false, FOP_READ_STREAM, FOP_REFRAME, is_out_pin, true, 8 },
	{ false, FOP_WRITE_STREAM, FOP_REFRAME, is_in_pin, true, 4 },
	{ false, FOP_READ, FOP_REFRAME, is_out_pin, true, 4 },
	{ false, FOP_WRITE, FOP_REFRAME, is_in_pin, true, 4 },
	{ true, FOP_ANY, FOP_ANY, NULL, false, 20 },
	{ false, FOP_ANY, FOP_ANY, NULL, false, 40 },
};

static const struct pairing *pick_pairing(void)
{
	unsigned int i, total = 0, r;

	for (i = 0; i < ARRAY_SIZE(pairings); i++)
		total += pairings[i].weight;
	r = below(total);
	for (i = 0; r >= pairings[i].weight; i++)
		r -= pairings[i].weight;
	return &pairings[i];
}

/* The fds of a collision: @a and @b, the same slot unless both ends. */
static bool collision_fds(const struct pairing *p, struct slot *a,
			  struct slot *b)
{
	enum kind pin = K_PIN;

	if (p->both_ends && table_pick(is_connected, NULL, a) &&
	    table_find(a->peer, b))
		return true;
	if ((p->match && table_pick(p->match, NULL, a)) ||
	    (chance(90) && table_pick(is_kind, &pin, a)) ||
	    table_pick(NULL, NULL, a)) {
		*b = *a;
		return true;
	}
	return false;
}

/*
 * Two operations at the same moment.  Whichever half closes takes its
 * slot out of the table first, so that each fd is closed once.
 */
static void do_collide(void)
{
	const struct pairing *p = pick_pairing();
	enum fop fa = p->a, fb = p->b;
	struct slot a, b;
	int64_t delay;

	/* Another thread waits for a partner: be it. */
	if (take_twin() || !collision_fds(p, &a, &b))
		return;
	if (fa == FOP_ANY)
		fa = pick_fop(true);
	if (fb == FOP_ANY || (a.id == b.id && fa == FOP_CLOSE && fb == FOP_CLOSE))
		fb = pick_fop(a.id != b.id || fa != FOP_CLOSE);
	if (fa == FOP_CLOSE && !table_take(a.id, &a))
		fa = pick_fop(false);
	if (fb == FOP_CLOSE && !table_take(b.id, &b))
		fb = pick_fop(false);
	/* Blocking calls, as a program that never set O_NONBLOCK makes. */
	if (fa != FOP_CLOSE && chance(50))
		CALL("fcntl", a.fd, fcntl(a.fd, F_SETFL, 0));
	/* Mostly PAUSE: a reader waits there for RUN. */
	if (p->start && fa != FOP_CLOSE)
		CALL("STATE set", a.fd, ks_pin_set_state(a.fd, chance(70) ?
						KSSTATE_PAUSE : KSSTATE_RUN));
	me->collisions++;
	delay = spread(fa, fb);
	if (post_twin(fb, &b, delay)) {
		spin(-delay);
		run_fop(fa, &a);
	} else {
		run_fop(fa, &a);
		run_fop(fb, &b);
	}
}

/*
 * KS_IOCTL_ENABLE_EVENT and DISABLE_EVENT with valid and mutated events,
 * handles from the table (eventfds, and whatever else is there), on pin,
 * clock and filter fds; KS_IOCTL_CREATE_CLOCK on pins, the clocks going
 * into the table.
 */
static void do_event(void)
{
	static const struct ks_guid sets[] = {
		KSEVENTSETID_CONNECTION, KSEVENTSETID_LOOPEDSTREAMING,
		KSEVENTSETID_CLOCK, KSPROPSETID_CONNECTION,
	};
	struct ks_ioctl_buffers *io = (void *)me->arena;
	struct ks_event_node *ev = (void *)(me->arena + 64);
	struct ks_event_time_interval *d = (void *)(me->arena + 128 +
						      8 * below(8));
	struct ks_create_clock *cc = (void *)me->arena;
	int fd = chance(80) ? slot_fd(K_PIN) : any_fd(), clock;

	if (chance(10)) {
		cc->create.create_flags = chance(90) ? 0 : (uint32_t)next();
		cc->flags = chance(90) ? O_CLOEXEC : (uint32_t)next();
		clock = (int)CALL("KS_IOCTL_CREATE_CLOCK", fd,
				  ioctl(fd, KS_IOCTL_CREATE_CLOCK, chance(98) ?
					(void *)cc : (void *)(uintptr_t)next()));
		if (clock >= 0)
			table_add(clock, K_OTHER, -1, 0);
		return;
	}
	memset(io, 0, sizeof(*io));
	if (chance(30)) {
		/* A KSEVENTDATA this or another call enabled, or none. */
		io->in = chance(80) ? (uintptr_t)d : chance(50) ? 0 : next();
		io->in_size = chance(80) ? sizeof(d->event_data) :
			      chance(50) ? 0 : below(64);
		io->reserved = chance(98) ? 0 : 1;
		CALL("KS_IOCTL_DISABLE_EVENT", fd,
		     ioctl(fd, KS_IOCTL_DISABLE_EVENT, io));
		return;
	}
	ev->event.set = sets[below(ARRAY_SIZE(sets))];
	ev->event.id = below(6);
	ev->event.flags = chance(80) ? (chance(50) ? KSEVENT_TYPE_ENABLE :
						    KSEVENT_TYPE_ONESHOT) :
			  chance(50) ? 1u << below(11) : (uint32_t)next();
	if (chance(10))
		ev->event.flags |= KSEVENT_TYPE_TOPOLOGY;
	ev->node_id = below(16);
	memset(d, 0, sizeof(*d));
	d->event_data.notification_type = chance(90) ? 1 + below(2) :
					  (uint32_t)next();
	d->event_data.handle = chance(90) ? (uint64_t)any_fd() : next();
	d->event_data.adjustment = chance(90) ? (int32_t)below(5) :
				   (int32_t)next();
	/* The looped position, or a clock's time base and interval. */
	d->time_base = chance(80) ? (int64_t)below(70000) : (int64_t)next();
	d->interval = chance(80) ? 1 + below(100000) : (int64_t)next();
	io->in = chance(98) ? (uintptr_t)ev : next();
	io->in_size = chance(90) ? (chance(50) ? 24 : 32) : below(64);
	io->out = chance(98) ? (uintptr_t)d : next();
	io->out_size = chance(90) ? sizeof(*d) : below(64);
	io->reserved = chance(98) ? 0 : 1;
	CALL("KS_IOCTL_ENABLE_EVENT", fd, ioctl(fd, KS_IOCTL_ENABLE_EVENT, io));
}

/* ---- WaveRT ---- */

/* A pin of a filter that offers WaveRT on its looped pins. */
static bool is_wavert_pin(const struct slot *s, const void *arg)
{
	(void)arg;
	return s->kind == K_PIN && s->type >= 0 &&
	       (pin_types[s->type].filt == F_LOOPBACK ||
		pin_types[s->type].filt == F_AUDIO_WAVE);
}

/*
 * Unmap the whole mapping that holds @addr, as /proc/self/maps gives it:
 * a BUFFER or REGISTER mapping is made by the kernel, whose length the
 * caller is not told.
 */
static void unmap_at(uint64_t addr)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long start, end;
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2 ||
		    addr < start || addr >= end)
			continue;
		/* Never the harness's or a thread's own memory. */
		if (!strstr(line, "ksfilter-pin"))
			break;
		CALL("munmap", -1, munmap((void *)start, end - start));
		break;
	}
	fclose(f);
}

/*
 * KSPROPSETID_RtAudio: every id (and a few beyond), with sizes, buffer
 * sizes, notification counts and handles valid and not, on pins mostly;
 * the mapping a BUFFER or a register GET made is unmapped again, so that
 * a long run does not fill the address space.
 */
static void do_rtaudio(void)
{
	static const struct ks_guid rt_set = KSPROPSETID_RTAUDIO;
	/* in and out of each id (0: none), the values of the others. */
	static const uint8_t in_of[] = { 24, 40, 24, 32, 32, 40, 32, 32, 24 };
	static const uint8_t out_of[] = { 8, 16, 12, 40, 40, 16, 0, 0, 4 };
	static const uint32_t sizes[] = { 0, 4, 8, 12, 16, 24, 32, 40 };
	struct ks_ioctl_buffers *io = (void *)me->arena;
	struct ks_rtaudio_buffer_property_with_notification *in =
		(void *)(me->arena + page);
	uint8_t *out = me->arena + 2 * page;
	uint32_t id = chance(95) ? below(9) : (uint32_t)next() % 16;
	int fd = chance(10) ? any_fd() : slot_fd(K_PIN);
	struct slot sl;
	long ret;

	if (chance(60) && table_pick(is_wavert_pin, NULL, &sl))
		fd = sl.fd;
	/* BUFFER is answered in STOP only. */
	if (id == KSPROPERTY_RTAUDIO_BUFFER ||
	    id == KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION)
		if (chance(30))
			CALL("STATE STOP", fd, ks_pin_set_state(fd, KSSTATE_STOP));

	memset(in, 0, 64);
	in->property.set = rt_set;
	in->property.id = id;
	in->property.flags = chance(90) ? KSPROPERTY_TYPE_GET :
			     chance(50) ? KSPROPERTY_TYPE_SET :
					  (uint32_t)next();
	/* A hint: none, somewhere random, or on top of the arena. */
	in->base_address = chance(80) ? 0 : chance(50) ? next() :
			   (uintptr_t)me->arena;
	switch (id) {
	case KSPROPERTY_RTAUDIO_BUFFER:
	case KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION:
		in->requested_buffer_size = chance(70) ? below(1u << 18) :
					    (uint32_t)next();
		in->notification_count = chance(80) ? 1 + below(2) :
					 (uint32_t)next() % 4;
		break;
	case KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT:
	case KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT:
		/* notification_event sits where base_address is. */
		in->base_address = chance(90) ? (uint64_t)(int64_t)any_fd() :
				   next();
		break;
	}
	if (chance(3))
		mutate((uint8_t *)in, 40);
	memset(io, 0, sizeof(*io));
	io->in = chance(98) ? (uintptr_t)in : ptr_for(in, 40);
	io->in_size = id < ARRAY_SIZE(in_of) && chance(80) ? in_of[id] :
		      chance(70) ? sizes[below(ARRAY_SIZE(sizes))] : below(64);
	io->out = chance(95) ? (uintptr_t)out : ptr_for(out, 40);
	io->out_size = id < ARRAY_SIZE(out_of) && chance(80) ? out_of[id] :
		       chance(70) ? sizes[below(ARRAY_SIZE(sizes))] : below(64);
	io->reserved = chance(98) ? 0 : 1;
	ret = CALL("KS_IOCTL_PROPERTY RtAudio", fd,
		   ioctl(fd, KS_IOCTL_PROPERTY, io));
	if (ret < 0 || io->out != (uintptr_t)out)
		return;
	if ((id == KSPROPERTY_RTAUDIO_BUFFER ||
	     id == KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION) &&
	    io->returned >= 8) {
		unmap_at(((struct ks_rtaudio_buffer *)out)->buffer_address);
		me->rt_maps++;
	} else if ((id == KSPROPERTY_RTAUDIO_POSITIONREGISTER ||
		    id == KSPROPERTY_RTAUDIO_CLOCKREGISTER) &&
		   io->returned >= 8) {
		unmap_at(((struct ks_rtaudio_hwregister *)out)->reg);
		me->rt_maps++;
	}
}

/* ---- the run ---- */

static void one_op(void)
{
	switch (below(100)) {
	case 0 ... 4:
		do_open();
		break;
	case 5 ... 16:
		do_create();
		break;
	case 17 ... 24:
		do_create_mutated();
		break;
	case 25 ... 36:
		do_property();
		break;
	case 37 ... 40:
		do_stream_mutated();
		break;
	case 41 ... 43:
		do_event();
		break;
	case 44 ... 46:
		do_rtaudio();
		break;
	case 47 ... 76:
		do_fop();
		break;
	case 77 ... 88:
		do_collide();
		break;
	default:
		do_close();
		break;
	}
}

static void *work(void *arg)
{
	me = arg;
	atomic_store(&me->tid, (int)syscall(SYS_gettid));
	while (!atomic_load(&stop)) {
		atomic_store(&me->busy_since, now_ns());
		if (!take_twin())
			one_op();
		atomic_store(&me->busy_since, 0);
	}
	atomic_store(&me->done, true);
	return NULL;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

/*
 * Interrupt every operation older than BLOCK_MS; returns the oldest
 * running one's age, that worker in *oldest.
 */
static int64_t interrupt_blocked(struct worker **oldest)
{
	int64_t now = now_ns(), since, worst = 0;
	unsigned int i;

	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		since = atomic_load(&w->busy_since);
		if (!since || atomic_load(&w->done))
			continue;
		if (now - since >= BLOCK_MS * MS)
			pthread_kill(w->thread, SIGUSR1);
		if (now - since > worst) {
			worst = now - since;
			*oldest = w;
		}
	}
	return worst;
}

static bool all_done(void)
{
	unsigned int i;

	for (i = 0; i < nworkers; i++)
		if (!atomic_load(&workers[i].done))
			return false;
	return true;
}

/*
 * The watchdog: ends the run at @end or after @max_calls, interrupts
 * blocked calls.  NULL once every worker has finished, or the worker
 * whose operation has not returned within STUCK_MS.
 */
static struct worker *watch(int64_t end, uint64_t max_calls)
{
	const struct timespec tick = { 0, TICK_MS * MS };
	struct worker *oldest = NULL;

	for (;;) {
		if (now_ns() >= end || atomic_load(&ncalls) >= max_calls)
			atomic_store(&stop, true);
		if (interrupt_blocked(&oldest) >= STUCK_MS * MS)
			return oldest;
		if (atomic_load(&stop) && all_done())
			return NULL;
		nanosleep(&tick, NULL);
	}
}

/* Print a file of /proc as comment lines. */
static void dump(const char *what, const char *path)
{
	char line[256];
	FILE *f = fopen(path, "re");

	printf("# %s (%s):\n", what, path);
	if (!f) {
		printf("#   (%s)\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("#   %s", line);
	fclose(f);
}

/* Give the threads but @w the time to finish, as if stopping. */
static void wait_others(struct worker *w)
{
	const struct timespec tick = { 0, TICK_MS * MS };
	int64_t end = now_ns() + STUCK_MS * MS;
	struct worker *o;
	unsigned int i;
	bool busy = true;

	while (busy && now_ns() < end) {
		interrupt_blocked(&o);
		busy = false;
		for (i = 0; i < nworkers; i++)
			busy |= &workers[i] != w && !atomic_load(&workers[i].done);
		nanosleep(&tick, NULL);
	}
}

/*
 * A call that signals do not end: the kernel loops or sleeps
 * unkillably.  The other threads finish first: the files opened here
 * must not be mistaken for table fds by a thread still running.
 */
static void report_stuck(struct worker *w)
{
	const char *on = (const char *)atomic_load(&w->on);
	int tid = atomic_load(&w->tid);
	int fd = atomic_load(&w->fd);
	char path[64];
	FILE *f;

	atomic_store(&stop, true);
	printf("# thread %u (tid %d): %s on fd %d (%s when picked)\n",
	       w->n, tid, (const char *)atomic_load(&w->what), fd,
	       on ? on : "?");
	printf("# began %.1f s into the run, not returned after %d ms,\n",
	       (double)(atomic_load(&w->busy_since) - run_start) / 1e9,
	       STUCK_MS);
	printf("# signalled every %d ms after %d ms\n", TICK_MS, BLOCK_MS);
	wait_others(w);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	dump("its state (3rd field: R running, S/D sleeping)", path);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", tid);
	dump("its kernel stack (empty while it runs)", path);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	dump("the fd now (it may have been closed and reused)", path);
	/* A running thread's stack is in the backtraces of every CPU. */
	f = fopen("/proc/sysrq-trigger", "we");
	if (f) {
		fputs("l", f);
		fclose(f);
		printf("# the kernel log has every CPU's backtrace (sysrq l)\n");
	}
	fflush(stdout);
}

struct result {
	uint64_t calls, creates, pins, links, collisions, eintr, rt_maps;
	int stuck;
};

static void sum_up(struct result *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->calls = atomic_load(&ncalls);
	for (i = 0; i < nworkers; i++) {
		r->creates += workers[i].creates;
		r->pins += workers[i].pins;
		r->links += workers[i].links;
		r->collisions += workers[i].collisions;
		r->eintr += workers[i].eintr;
		r->rt_maps += workers[i].rt_maps;
	}
}

static int start_workers(uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	unsigned int i;

	/* No SA_RESTART: a blocked call returns EINTR to its loop. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return -1;
	/* Writes to pipes whose reader was closed: EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		w->n = i;
		w->rng = seed + i * 0xD1B54A32D192ED03ull;
		memset(w->closed, 0xff, sizeof(w->closed));
		if (setup_arena(w) || pthread_create(&w->thread, NULL, work, w))
			return -1;
	}
	return 0;
}

/* The child: the threads, the watchdog; the result goes to @out_fd. */
static int fuzz(uint64_t seed, uint64_t max_calls, unsigned int seconds,
		int out_fd)
{
	int64_t end = now_ns() + (int64_t)seconds * 1000000000LL;
	struct worker *stuck;
	struct result r;
	unsigned int i;

	run_start = now_ns();
	reserved_fds[3] = out_fd;
	if (start_workers(seed)) {
		printf("# cannot start the threads: %s\n", strerror(errno));
		atomic_store(&stop, true);
		end = 0;
	}
	stuck = watch(end, max_calls);
	if (stuck)
		report_stuck(stuck);
	sum_up(&r);
	r.stuck = !!stuck;
	if (!stuck) {
		for (i = 0; i < nworkers; i++)
			pthread_join(workers[i].thread, NULL);
		for (i = 0; i < nslots; i++)
			close(table[i].fd);
	}
	printf("# %u threads: %" PRIu64 " calls, %" PRIu64 " of %" PRIu64
	       " pin creations succeeded, %" PRIu64 " of them connected, %"
	       PRIu64 " collisions, %" PRIu64 " calls interrupted, %" PRIu64
	       " WaveRT mappings\n", nworkers, r.calls, r.pins, r.creates,
	       r.links, r.collisions, r.eintr, r.rt_maps);
	fflush(stdout);
	dprintf(out_fd, "%" PRIu64 " %" PRIu64 " %d\n", r.calls, r.pins,
		r.stuck);
	/* With a stuck thread this exit never completes: the parent knows. */
	_exit(stuck ? 5 : r.pins ? 0 : 3);
}

/* ---- setup and verdict (the parent) ---- */

static const char *module_dir(void)
{
	const char *d = getenv("KS_MODULE_DIR");

	return d && *d ? d : "/lib/ks";
}

/* Load @s's module when its filter is absent; true if it is there now. */
static bool load_sample(struct sample *s)
{
	char path[512];
	int fd, ret;

	if (ks_find_filter(s->name) >= 0)
		return true;
	if (!s->file)
		return false;
	snprintf(path, sizeof(path), "%s/%s", module_dir(), s->file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ret = (int)syscall(SYS_finit_module, fd, s->params, 0);
	close(fd);
	s->loaded = ret == 0;
	return ks_find_filter(s->name) >= 0;
}

/* Retry while the last references of closed pins are being dropped. */
static void unload_samples(void)
{
	int64_t end = now_ns() + SETTLE_MS * MS;
	unsigned int i;
	int ret;

	for (i = 0; i < NFILTS; i++) {
		if (!samples[i].loaded)
			continue;
		do
			ret = (int)syscall(SYS_delete_module, samples[i].module,
					   O_NONBLOCK);
		while (ret && (errno == EWOULDBLOCK || errno == EBUSY) &&
		       now_ns() < end && !usleep(10000));
		if (ret)
			printf("# cannot unload %s: %s\n", samples[i].module,
			       strerror(errno));
	}
}

static void add_device(const char *name, enum filt filt)
{
	int idx = ks_find_filter(name);

	if (idx < 0 || ndevices == MAX_DEVICES)
		return;
	devices[ndevices].index = (unsigned int)idx;
	devices[ndevices].filt = filt;
	snprintf(devices[ndevices].name, sizeof(devices[ndevices].name), "%s",
		 name);
	ndevices++;
	filt_present[filt] = true;
}

static void find_devices(void)
{
	char name[32];
	unsigned int i, f;

	for (f = 0; f < NFILTS; f++) {
		if (f == F_LOOPBACK || load_sample(&samples[f]))
			add_device(samples[f].name, (enum filt)f);
	}
	for (i = 1; i < GAIN_MAX_FILTERS; i++) {
		snprintf(name, sizeof(name), "%s-%u", GAIN_NAME, i);
		add_device(name, F_GAIN);
	}
	for (i = 1; i < AUDIO_MAX_CARDS; i++) {
		snprintf(name, sizeof(name), "%s-%u", AUDIO_WAVE_NAME, i);
		add_device(name, F_AUDIO_WAVE);
		snprintf(name, sizeof(name), "%s-%u", AUDIO_TOPO_NAME, i);
		add_device(name, F_AUDIO_TOPO);
	}
	for (i = 0; i < NPIN_TYPES; i++)
		for (f = 0; f < NPIN_TYPES; f++)
			nameable[i] |= filt_present[pin_types[f].filt] &&
				       fits(&pin_types[f], &pin_types[i]);
}

static void print_devices(void)
{
	unsigned int i;

	printf("# %u filters:", ndevices);
	for (i = 0; i < ndevices; i++)
		printf(" %s (ksfilter%u)", devices[i].name, devices[i].index);
	printf("\n");
}

static void build_formats(void)
{
	unsigned int i;

	for (i = 0; i < NFMTS; i++)
		ks_build_audio_format(&fmt_blobs[i], fmts[i].type, fmts[i].rate,
				      fmts[i].channels, fmts[i].bits);
}

static int read_stats(char *buf, size_t size)
{
	int fd = open(STATS_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* The counters as they were at the start, waiting for late releases. */
static bool stats_balanced(const char *before, char *after, size_t size)
{
	int64_t end = now_ns() + SETTLE_MS * MS;

	while (read_stats(after, size) == 0 && strcmp(before, after) &&
	       now_ns() < end)
		usleep(20000);
	return !strcmp(before, after);
}

/*
 * The child's result line within @limit_s seconds.  false when it sent
 * none (it died, or its watchdog never reported).
 */
static bool read_result(int fd, unsigned int limit_s, struct result *r)
{
	int64_t end = now_ns() + (int64_t)limit_s * 1000000000LL;
	char line[128];
	size_t n = 0;
	ssize_t got;

	while (n + 1 < sizeof(line) && !memchr(line, '\n', n)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = (end - now_ns()) / MS;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		got = read(fd, line + n, sizeof(line) - 1 - n);
		if (got <= 0)
			return false;
		n += (size_t)got;
	}
	line[n] = 0;
	memset(r, 0, sizeof(*r));
	return sscanf(line, "%" SCNu64 " %" SCNu64 " %d", &r->calls, &r->pins,
		      &r->stuck) == 3;
}

/* Reap @pid within @ms; false if it cannot be, even killed. */
static bool reap(pid_t pid, int *status, int ms)
{
	int64_t end = now_ns() + ms * MS;
	bool killed = false;

	for (;;) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		if (now_ns() >= end) {
			if (killed)
				return false;
			kill(pid, SIGKILL);
			killed = true;
			end = now_ns() + 3000 * MS;
		}
		usleep(10000);
	}
}

static int verdict(pid_t pid, int rfd, unsigned int seconds, uint64_t seed,
		   const char *before, double t0)
{
	char after[256];
	struct result r = { 0 };
	bool got = read_result(rfd, seconds + GRACE_S, &r);
	int status = 0;
	double took;

	if (!reap(pid, &status, got && !r.stuck ? SETTLE_MS : 0)) {
		printf("not ok 1 - syscall fuzz: %s, child stuck in the kernel (seed %"
		       PRIu64 ")\n", r.stuck ? "a call did not return" :
		       "no result in time", seed);
		return 1;
	}
	took = (double)now_ns() / 1e9 - t0;
	unload_samples();
	printf("# %.1f s, %.0f calls/s\n", took, took > 0 ? r.calls / took : 0);
	if (!got || !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("not ok 1 - syscall fuzz: child %s %d after %" PRIu64
		       " calls (seed %" PRIu64 ")\n",
		       WIFEXITED(status) ? "exited" : "killed by signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) :
					   WTERMSIG(status), r.calls, seed);
		return 1;
	}
	if (!stats_balanced(before, after, sizeof(after))) {
		printf("not ok 1 - syscall fuzz: %" PRIu64 " calls, %" PRIu64
		       " pins created, counters not balanced (seed %" PRIu64
		       ")\n# before: %s# after: %s", r.calls, r.pins, seed,
		       before, after);
		return 1;
	}
	printf("ok 1 - syscall fuzz: %" PRIu64 " calls, %" PRIu64
	       " pins created, counters balanced\n", r.calls, r.pins);
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("KS_SYSCALL_FUZZ_SECONDS");
	unsigned int seconds = env ? (unsigned int)atoi(env) : 20;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	uint64_t max_calls = UINT64_MAX;
	char before[256];
	int opt, pipefd[2];
	double t0;
	pid_t pid;

	while ((opt = getopt(argc, argv, "s:n:t:j:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			max_calls = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = (unsigned int)atoi(optarg);
			break;
		case 'j':
			nworkers = (unsigned int)atoi(optarg);
			break;
		default:
			nworkers = 0;
			break;
		}
	}
	if (nworkers < 1 || nworkers > MAX_THREADS) {
		fprintf(stderr, "usage: %s [-s SEED] [-n CALLS] [-t SECONDS] [-j THREADS (1-%d)]\n",
			argv[0], MAX_THREADS);
		return 2;
	}
	printf("TAP version 13\n1..1\n");
	printf("# seed %" PRIu64 " (repeat with -s %" PRIu64 " -j %u), %u threads for %u s",
	       seed, seed, nworkers, nworkers, seconds);
	if (max_calls != UINT64_MAX)
		printf(" or %" PRIu64 " calls", max_calls);
	printf("\n");
	if (ks_find_filter("ks-loopback") < 0 ||
	    read_stats(before, sizeof(before))) {
		printf("not ok 1 - no ks-loopback filter or no %s\n",
		       STATS_PATH);
		return 1;
	}
	page = sysconf(_SC_PAGESIZE);
	build_formats();
	find_devices();
	print_devices();
	fflush(stdout);
	if (pipe2(pipefd, O_CLOEXEC))
		return 1;
	t0 = (double)now_ns() / 1e9;
	/* To tell which run a kernel report in the console belongs to. */
	printf("# started %.1f s after boot (the kernel log's clock)\n", t0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		fuzz(seed, max_calls, seconds, pipefd[1]);
	}
	close(pipefd[1]);
	if (pid < 0)
		return 1;
	return verdict(pid, pipefd[0], seconds, seed, before, t0);
}
