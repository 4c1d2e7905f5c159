// SPDX-License-Identifier: GPL-2.0
/*
 * Races (SPEC 4, 7 and 8): many threads use filters and pins while
 * another thread takes the provider away under them.
 *
 * tonegen_churn: worker threads share a table of fds (filter fds of
 *	ks-tonegen and ks-loopback, pin fds of both).  Each one, at random:
 *	opens a filter, creates pins on it, calls filter properties (CTYPES,
 *	CINSTANCES, NAME, DATARANGES) and pin properties (STATE get and set,
 *	DATAFORMAT, ALLOCATORFRAMING, POSITION, BUFFER set), streams
 *	(non-blocking read and write, READ_STREAM and WRITE_STREAM,
 *	RESET_STATE, poll), reads fdinfo, and closes fds, several threads on
 *	the same fd at once.
 *	Meanwhile the churn thread, in turn: unregisters ks-tonegen and
 *	registers it again (its "registered" parameter); unregisters it and
 *	unloads and reloads its module; closes every fd of the table and
 *	unloads the module while it is registered (EWOULDBLOCK when a worker
 *	was quicker and opened it again).
 * iface_churn: one thread loads and unloads ks-iface-consumer (whose load
 *	queries the sample interface and keeps the reference), one withdraws
 *	and republishes the interface and unloads and reloads
 *	ks-iface-provider (refused while the consumer holds a reference), one
 *	reads the debugfs INTERFACE table.
 *
 * The audio cases load ks-audio with cards=4.
 *
 * stream_against_close_state_controls: threads write Render and read
 *	Capture (read/write, the stream ioctls, poll, fdinfo, POSITION) on
 *	every card, creating the pins in RUN when they are missing, while
 *	a thread closes and resets them and moves them between STOP,
 *	ACQUIRE, PAUSE and RUN, and two threads set the topology filters'
 *	volumes, mutes and mux: each card's by one of them, which reads
 *	every value back, at once and at the end.
 * stream_against_rmmod: the same while ks-audio is unloaded: refused
 *	(without waiting) while any fd is open, since the fds pin the
 *	module; then every fd is closed under the workers, who go on
 *	opening the filters and creating, running and closing pins, until
 *	the unload goes through; loaded again, the cards are back.
 * stream_against_unplug: the same while the cards are unregistered and
 *	registered again (the "registered" parameter, a card unplugged):
 *	the pins being streamed are closed under the workers, their clocks
 *	stopped, and their fds fail ENODEV; plugged in again, they stream.
 * create_two_rates_one_wins: on each card, two threads create Render
 *	and Capture at once at 44100 and 48000 Hz, or one closes its pin
 *	while the other creates at the other rate: both open at once have
 *	one rate (fdinfo's ks-wave line and DATAFORMAT agree), the other
 *	is refused EDOM/KS_REASON_FORMAT, and once both are closed either
 *	rate opens.  Checked when ks-audio has its clock (period_ms);
 *	without, both rates must open.
 *
 * Every errno seen must be one the contract gives for the call at that
 * moment; the number of calls of each kind and of each errno is printed.
 * The kernel's side (KASAN, lockdep, WARN, hangs) is judged by the VM
 * runner.  Each case runs KS_RACE_SECONDS (default 4) and then on until
 * the provider was unloaded RACE_MIN_UNLOADS times and every kind of call
 * the case checks for was seen (at most three times as long: a slow
 * kernel, KCSAN's under TCG, sees fewer calls per second); the debugfs
 * counters must be back at their start values.
 */
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

#include "ks_selftest.h"

#include "../module/samples/ks-audio.h"
#include "../module/samples/ks-tonegen.h"

#define NWORKERS		6
#define NSLOTS			16
#define RACE_MIN_UNLOADS	3
#define IFACES_PATH		"/sys/kernel/debug/ksfilter/interfaces"
#define PROVIDER		"ks_iface_provider"
#define CONSUMER		"ks_iface_consumer"

/* ---- counting ---- */

enum op {
	OP_OPEN, OP_CREATE, OP_FILTER_PROP, OP_PIN_PROP, OP_SET_STATE,
	OP_READ, OP_WRITE, OP_STREAM_IO, OP_RESET, OP_POLL, OP_FDINFO,
	OP_CLOSE, OP_UNREGISTER, OP_REGISTER, OP_UNLOAD, OP_LOAD,
	OP_CONSUMER_LOAD, OP_CONSUMER_CALL, OP_CONSUMER_UNLOAD,
	OP_PROVIDER_PUBLISH, OP_PROVIDER_UNLOAD, OP_PROVIDER_LOAD,
	OP_IFACE_TABLE, OP_NODE, OP_AUDIO_UNLOAD, OP_AUDIO_LOAD, NOPS
};

static const char *const op_names[NOPS] = {
	[OP_OPEN] = "open filter", [OP_CREATE] = "create pin",
	[OP_FILTER_PROP] = "filter property", [OP_PIN_PROP] = "pin property",
	[OP_SET_STATE] = "set state", [OP_READ] = "read",
	[OP_WRITE] = "write", [OP_STREAM_IO] = "read/write stream ioctl",
	[OP_RESET] = "reset state", [OP_POLL] = "poll",
	[OP_FDINFO] = "fdinfo", [OP_CLOSE] = "close",
	[OP_UNREGISTER] = "unregister", [OP_REGISTER] = "register",
	[OP_UNLOAD] = "unload tonegen", [OP_LOAD] = "load tonegen",
	[OP_CONSUMER_LOAD] = "load consumer",
	[OP_CONSUMER_CALL] = "call through interface",
	[OP_CONSUMER_UNLOAD] = "unload consumer",
	[OP_PROVIDER_PUBLISH] = "withdraw/publish interface",
	[OP_PROVIDER_UNLOAD] = "unload provider",
	[OP_PROVIDER_LOAD] = "load provider",
	[OP_IFACE_TABLE] = "read interface table",
	[OP_NODE] = "node control",
	[OP_AUDIO_UNLOAD] = "unload ks-audio",
	[OP_AUDIO_LOAD] = "load ks-audio",
};

/* The errnos each call may fail with during the races (0-terminated). */
static const int allowed[NOPS][8] = {
	/* The node went away, or the filter is unregistered. */
	[OP_OPEN] = { ENOENT, ENODEV, ENXIO },
	/* Unregistered (GONE), or the pin type is full (INSTANCES). */
	[OP_CREATE] = { ENODEV, EBUSY },
	[OP_FILTER_PROP] = { ENODEV },
	/*
	 * POSITION on a pin in reset: ECANCELED.  BUFFER set once the pin
	 * has left STOP: EBUSY; on a LOOPED_STREAMING pin: EOPNOTSUPP.
	 */
	[OP_PIN_PROP] = { ENODEV, ECANCELED, EBADFD, EBUSY, EOPNOTSUPP },
	[OP_SET_STATE] = { ENODEV },
	/* SPEC 7 and stream.c's order: gone, reset, STOP, nothing yet. */
	[OP_READ] = { ENODEV, ECANCELED, EBADFD, EAGAIN },
	[OP_WRITE] = { ENODEV, ECANCELED, EBADFD, EAGAIN },
	[OP_STREAM_IO] = { ENODEV, ECANCELED, EBADFD, EAGAIN },
	[OP_RESET] = { ENODEV },
	[OP_CLOSE] = { 0 },
	[OP_UNREGISTER] = { 0 },
	[OP_REGISTER] = { 0 },
	/* Open fds (or references) hold the module. */
	[OP_UNLOAD] = { EWOULDBLOCK, EBUSY },
	[OP_PROVIDER_UNLOAD] = { EWOULDBLOCK, EBUSY },
	[OP_AUDIO_UNLOAD] = { EWOULDBLOCK, EBUSY },
	/* No provider, or withdrawn: ENOENT. */
	[OP_CONSUMER_LOAD] = { ENOENT },
	/* The card unplugged (stream_against_unplug). */
	[OP_NODE] = { ENODEV },
};

struct stats {
	atomic_long ok[NOPS];
	atomic_long failed[NOPS];
	atomic_long by_errno[NOPS][140];
	atomic_long unexpected;
	/* The first unexpected result. */
	atomic_int bad_op, bad_errno;
};

static struct stats st;

static void count_init(void)
{
	memset(&st, 0, sizeof(st));
	atomic_store(&st.bad_op, -1);
}

/* Count a call's result: @ret >= 0 is success, else -errno. */
static void count(enum op op, long ret)
{
	int e = -ret, i, expected = -1;

	if (ret >= 0) {
		atomic_fetch_add(&st.ok[op], 1);
		return;
	}
	atomic_fetch_add(&st.failed[op], 1);
	if (e > 0 && e < 140)
		atomic_fetch_add(&st.by_errno[op][e], 1);
	for (i = 0; i < 8 && allowed[op][i]; i++)
		if (allowed[op][i] == e)
			expected = i;
	if (expected < 0) {
		atomic_fetch_add(&st.unexpected, 1);
		if (atomic_load(&st.bad_op) < 0) {
			atomic_store(&st.bad_errno, e);
			atomic_store(&st.bad_op, op);
		}
	}
}

static long total(enum op op)
{
	return atomic_load(&st.ok[op]) + atomic_load(&st.failed[op]);
}

static void print_counts(struct __test_metadata *_metadata)
{
	char line[512];
	int op, e, n;

	for (op = 0; op < NOPS; op++) {
		if (!total(op))
			continue;
		n = snprintf(line, sizeof(line), "%-24s %7ld calls, %7ld ok",
			     op_names[op], total(op), atomic_load(&st.ok[op]));
		for (e = 1; e < 140 && n < (int)sizeof(line) - 32; e++)
			if (atomic_load(&st.by_errno[op][e]))
				n += snprintf(line + n, sizeof(line) - n,
					      ", %ld %s",
					      atomic_load(&st.by_errno[op][e]),
					      strerrorname_np(e) ?: "?");
		ksft_print_msg("%s\n", line);
	}
	if (atomic_load(&st.unexpected))
		TH_LOG("%ld unexpected results, the first: %s failed with %s",
		       atomic_load(&st.unexpected),
		       op_names[atomic_load(&st.bad_op)],
		       strerror(atomic_load(&st.bad_errno)));
}

/* ---- time and randomness ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double race_seconds(void)
{
	const char *s = getenv("KS_RACE_SECONDS");
	double v = s ? atof(s) : 0;

	return v > 0 ? v : 4;
}

static uint32_t rnd(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x >> 16;
}

static void pause_us(unsigned int us)
{
	struct timespec ts = { .tv_nsec = us * 1000L };

	nanosleep(&ts, NULL);
}

/* ---- modules and parameters ---- */

static int load_ko(const char *file, const char *params)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", module_dir(), file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static bool module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}

static bool have_module(const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.ko", module_dir(), file);
	return access(path, R_OK) == 0;
}

static int write_param(const char *mod, const char *name, const char *value)
{
	char path[192];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static long read_param(const char *mod, const char *name)
{
	char path[192], buf[32];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	if (read_line(path, buf, sizeof(buf)))
		return -1;
	if (buf[0] == 'Y' || buf[0] == 'N')
		return buf[0] == 'Y';
	return strtol(buf, NULL, 10);
}

/* /dev/ksfilterN of @name among the first few, or -ENOENT. */
static int find_filter(const char *name)
{
	char path[64], buf[64];
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d/name",
			 i);
		if (!read_line(path, buf, sizeof(buf)) && !strcmp(buf, name))
			return i;
	}
	return -ENOENT;
}

/* ---- the shared fd table ---- */

enum kind {
	K_TONE_FILTER, K_LOOP_FILTER,
	K_TONE_PIN,	/* tonegen pin 0 "Tone": OUT, read */
	K_CONTROL_PIN,	/* tonegen pin 1 "Control": IN, write, STREAM format */
	K_RENDER_PIN,	/* loopback pin 0: IN, read-write, LOOPED_STREAMING */
	K_CAPTURE_PIN,	/* loopback pin 1: OUT, read */
};

struct slot {
	pthread_rwlock_t lock;	/* read: using fd; write: changing it */
	int fd;
	enum kind kind;
	uint32_t frame;		/* a ks-audio pin's frame size */
};

static struct slot slots[NSLOTS];
/* The tonegen filter's index while registered, else -1 (churn thread). */
static atomic_int tone_idx;
/* The churn thread wants no fd kept: workers close what they open. */
static atomic_bool draining;
static atomic_bool stop;

static void slots_init(void)
{
	int i;

	for (i = 0; i < NSLOTS; i++) {
		pthread_rwlock_init(&slots[i].lock, NULL);
		slots[i].fd = -1;
	}
}

/* Close every fd of the table; returns how many were open. */
static int slots_close_all(void)
{
	int i, n = 0;

	for (i = 0; i < NSLOTS; i++) {
		pthread_rwlock_wrlock(&slots[i].lock);
		if (slots[i].fd >= 0) {
			count(OP_CLOSE, close(slots[i].fd) ? -errno : 0);
			slots[i].fd = -1;
			n++;
		}
		pthread_rwlock_unlock(&slots[i].lock);
	}
	return n;
}

/* Put @fd of @kind in a free slot, or close it when none is free. */
static void slot_put(uint64_t *seed, int fd, enum kind kind)
{
	int i, start = rnd(seed) % NSLOTS;

	for (i = 0; i < NSLOTS && !atomic_load(&draining); i++) {
		struct slot *s = &slots[(start + i) % NSLOTS];

		if (pthread_rwlock_trywrlock(&s->lock))
			continue;
		if (s->fd < 0) {
			s->fd = fd;
			s->kind = kind;
			pthread_rwlock_unlock(&s->lock);
			return;
		}
		pthread_rwlock_unlock(&s->lock);
	}
	count(OP_CLOSE, close(fd) ? -errno : 0);
}

/* A random used slot, read-locked; NULL when none was found. */
static struct slot *slot_get(uint64_t *seed)
{
	int i, start = rnd(seed) % NSLOTS;

	for (i = 0; i < NSLOTS; i++) {
		struct slot *s = &slots[(start + i) % NSLOTS];

		if (pthread_rwlock_tryrdlock(&s->lock))
			continue;
		if (s->fd >= 0)
			return s;
		pthread_rwlock_unlock(&s->lock);
	}
	return NULL;
}

static void slot_release(struct slot *s)
{
	pthread_rwlock_unlock(&s->lock);
}

/* ---- the workers' calls ---- */

static int do_open(uint64_t *seed)
{
	bool tone = rnd(seed) % 3 != 0;
	int idx = tone ? atomic_load(&tone_idx) : 0;
	int fd;

	if (idx < 0)
		return 0;
	fd = open_filter(idx, O_RDWR | O_NONBLOCK);
	count(OP_OPEN, fd);
	if (fd >= 0)
		slot_put(seed, fd, tone ? K_TONE_FILTER : K_LOOP_FILTER);
	return 0;
}

/* tonegen pin 1: interface Std CONTROL, medium TONEGEN_MEDIUM, STREAM. */
static uint32_t req_control(struct ks_req *r)
{
	static const struct ks_guid medium = TONEGEN_MEDIUM;
	static const struct ks_guid stream = KSDATAFORMAT_TYPE_STREAM;

	memset(r, 0, sizeof(*r));
	ks_connect_init(&r->c, TONEGEN_PIN_CONTROL);
	r->c.interface.id = KSINTERFACE_STANDARD_CONTROL;
	r->c.medium.set = medium;
	r->f.df.format_size = sizeof(r->f.df);
	r->f.df.major_format = stream;
	return sizeof(r->c) + sizeof(r->f.df);
}

static void do_create(uint64_t *seed)
{
	struct slot *s = slot_get(seed);
	uint32_t size, access, reason = REASON_UNSET;
	enum kind kind;
	struct ks_req r;
	int fd;

	if (!s)
		return;
	if (s->kind != K_TONE_FILTER && s->kind != K_LOOP_FILTER) {
		slot_release(s);
		return;
	}
	if (s->kind == K_TONE_FILTER && rnd(seed) % 2) {
		size = req_control(&r);
		access = KS_GENERIC_WRITE;
		kind = K_CONTROL_PIN;
	} else if (s->kind == K_TONE_FILTER) {
		size = req_default(&r, TONEGEN_PIN_TONE);
		access = KS_GENERIC_READ;
		kind = K_TONE_PIN;
	} else if (rnd(seed) % 2) {
		size = req_default(&r, PIN_RENDER);
		ks_connect_set_interface(&r.c,
					 KSINTERFACE_STANDARD_LOOPED_STREAMING);
		access = KS_GENERIC_READ | KS_GENERIC_WRITE;
		kind = K_RENDER_PIN;
	} else {
		size = req_default(&r, PIN_CAPTURE);
		access = KS_GENERIC_READ;
		kind = K_CAPTURE_PIN;
	}
	fd = ks_create(s->fd, &r, size, access, O_CLOEXEC | O_NONBLOCK,
		       &reason);
	slot_release(s);
	/* The reason must name the errno's row. */
	if ((fd == -ENODEV && reason != KS_REASON_GONE) ||
	    (fd == -EBUSY && reason != KS_REASON_INSTANCES) ||
	    (fd >= 0 && reason != KS_REASON_NONE))
		count(OP_CREATE, -EPROTO);
	else
		count(OP_CREATE, fd);
	if (fd >= 0)
		slot_put(seed, fd, kind);
}

static bool is_pin(enum kind kind)
{
	return kind >= K_TONE_PIN;
}

static void do_filter_prop(uint64_t *seed, int fd)
{
	static const uint32_t ids[] = {
		KSPROPERTY_PIN_CINSTANCES, KSPROPERTY_PIN_DATAFLOW,
		KSPROPERTY_PIN_NAME, KSPROPERTY_PIN_DATARANGES,
		KSPROPERTY_PIN_GLOBALCINSTANCES,
	};
	static const struct ks_guid pinset = KSPROPSETID_PIN;
	unsigned char out[512];
	uint32_t returned;
	int ret;

	if (rnd(seed) % 4 == 0) {
		ret = ks_property(fd, &pinset, KSPROPERTY_PIN_CTYPES,
				  KSPROPERTY_TYPE_GET, NULL, 0, out, 4,
				  &returned);
	} else {
		ret = ks_pin_property(fd, rnd(seed) % 2,
				      ids[rnd(seed) % ARRAY_SIZE(ids)], out,
				      sizeof(out), &returned);
	}
	count(OP_FILTER_PROP, ret);
}

static void do_pin_prop(uint64_t *seed, struct slot *s)
{
	static const struct ks_guid streamset = KSPROPSETID_KSFILTER_STREAM;
	struct ks_allocator_framing framing;
	struct ks_audio_position pos;
	uint32_t state, size;
	void *fmt;
	int ret;

	switch (rnd(seed) % 5) {
	case 0:
		ret = ks_pin_get_state(s->fd, &state);
		break;
	case 1:
		fmt = ks_pin_get_dataformat(s->fd, &size);
		ret = fmt ? 0 : -errno;
		free(fmt);
		break;
	case 2:
		ret = ks_pin_allocator_framing(s->fd, &framing);
		break;
	case 3:
		/* Against the states other threads set: allocation wins. */
		ret = ks_pin_set_buffer_size(s->fd,
					     (64 + rnd(seed) % 961) << 10);
		break;
	default:
		if (s->kind != K_RENDER_PIN)
			return;
		ret = ks_property(s->fd, &streamset,
				  KSPROPERTY_KSFILTER_STREAM_POSITION,
				  KSPROPERTY_TYPE_GET, NULL, 0, &pos,
				  sizeof(pos), NULL);
		break;
	}
	count(OP_PIN_PROP, ret);
}

static void do_stream(uint64_t *seed, struct slot *s)
{
	unsigned char buf[4096];
	struct ks_stream_header h = {
		.size = sizeof(h),
		.frame_extent = 1024,
		.data = (uintptr_t)buf,
	};
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h,
		.in_size = sizeof(h),
	};
	bool out = s->kind == K_TONE_PIN || s->kind == K_CAPTURE_PIN;
	uint32_t how;
	ssize_t n;

	switch (rnd(seed) % 8) {
	case 0:
		count(OP_SET_STATE, ks_pin_set_state(s->fd, rnd(seed) % 4));
		return;
	case 1:
		count(OP_SET_STATE, ks_pin_set_state(s->fd, KSSTATE_RUN));
		return;
	case 2:
		if (s->kind == K_CONTROL_PIN)
			h.frame_extent = 16;
		if (out) {
			count(OP_STREAM_IO, ioctl(s->fd, KS_IOCTL_READ_STREAM,
						  &b) ? -errno : 0);
		} else {
			h.data_used = h.frame_extent;
			count(OP_STREAM_IO, ioctl(s->fd, KS_IOCTL_WRITE_STREAM,
						  &b) ? -errno : 0);
		}
		return;
	case 3:
		/* A reset begun is ended at once by the same thread. */
		how = KSRESET_BEGIN;
		count(OP_RESET, ioctl(s->fd, KS_IOCTL_RESET_STATE, &how) ?
				-errno : 0);
		how = KSRESET_END;
		count(OP_RESET, ioctl(s->fd, KS_IOCTL_RESET_STATE, &how) ?
				-errno : 0);
		return;
	}
	/* Whole frames of pcm:48000:2:16, or bytes of the STREAM format. */
	if (out) {
		n = read(s->fd, buf, 4 * (1 + rnd(seed) % 1024));
		count(OP_READ, n < 0 ? -errno : n);
	} else {
		memset(buf, 0x11, sizeof(buf));
		n = write(s->fd, buf, 4 * (1 + rnd(seed) % 1024));
		count(OP_WRITE, n < 0 ? -errno : n);
	}
}

static void do_fdinfo(int fd)
{
	char path[64], buf[2048];
	int f;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0) {
		count(OP_FDINFO, -errno);
		return;
	}
	n = read(f, buf, sizeof(buf));
	count(OP_FDINFO, n < 0 ? -errno : 0);
	close(f);
}

static void do_use(uint64_t *seed)
{
	struct slot *s = slot_get(seed);
	struct pollfd p;

	if (!s)
		return;
	switch (rnd(seed) % 8) {
	case 0:
		do_fdinfo(s->fd);
		break;
	case 1:
		p.fd = s->fd;
		p.events = POLLIN | POLLOUT;
		count(OP_POLL, poll(&p, 1, 0) < 0 ? -errno : 0);
		break;
	case 2:
	case 3:
		if (is_pin(s->kind))
			do_pin_prop(seed, s);
		else
			do_filter_prop(seed, s->fd);
		break;
	default:
		if (is_pin(s->kind))
			do_stream(seed, s);
		else
			do_filter_prop(seed, s->fd);
		break;
	}
	slot_release(s);
}

static void do_close(uint64_t *seed)
{
	struct slot *s = &slots[rnd(seed) % NSLOTS];

	pthread_rwlock_wrlock(&s->lock);
	if (s->fd >= 0) {
		count(OP_CLOSE, close(s->fd) ? -errno : 0);
		s->fd = -1;
	}
	pthread_rwlock_unlock(&s->lock);
}

static void *worker(void *arg)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);
	uint32_t r;

	while (!atomic_load(&stop)) {
		r = rnd(&seed) % 16;
		if (r < 2)
			do_open(&seed);
		else if (r < 5)
			do_create(&seed);
		else if (r < 14)
			do_use(&seed);
		else
			do_close(&seed);
	}
	return NULL;
}

/* ---- the churn thread ---- */

struct churn {
	double until, limit;
	int unloads;
};

static void tone_registered(void)
{
	atomic_store(&tone_idx, find_filter(TONEGEN_NAME));
}

static int tone_load(void)
{
	int ret = load_ko("ks-tonegen", "");

	count(OP_LOAD, ret);
	if (!ret)
		tone_registered();
	return ret;
}

/* delete_module; on success the module is loaded again. */
static bool tone_unload_reload(struct churn *c)
{
	int ret = unload_module(TONEGEN_MODNAME);

	count(OP_UNLOAD, ret);
	if (ret)
		return false;
	atomic_store(&tone_idx, -1);
	c->unloads++;
	pause_us(2000);
	tone_load();
	return true;
}

static void tone_set_registered(bool on)
{
	if (!on)
		atomic_store(&tone_idx, -1);
	count(on ? OP_REGISTER : OP_UNREGISTER,
	      write_param(TONEGEN_MODNAME, "registered", on ? "1" : "0"));
	if (on)
		tone_registered();
}

/* What tonegen_churn checks for has happened: it may end. */
static bool churned_enough(const struct churn *c)
{
	return c->unloads >= RACE_MIN_UNLOADS &&
	       atomic_load(&st.ok[OP_CREATE]) &&
	       atomic_load(&st.ok[OP_FILTER_PROP]) &&
	       atomic_load(&st.ok[OP_READ]) &&
	       atomic_load(&st.by_errno[OP_CREATE][ENODEV]) +
	       atomic_load(&st.by_errno[OP_FILTER_PROP][ENODEV]) +
	       atomic_load(&st.by_errno[OP_READ][ENODEV]);
}

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	unsigned int round = 0;
	int tries;

	while (now() < c->until ||
	       (!churned_enough(c) && now() < c->limit)) {
		switch (round++ % 3) {
		case 0:
			/* Unregistered under the workers, then back. */
			tone_set_registered(false);
			pause_us(3000);
			tone_set_registered(true);
			break;
		case 1:
			/*
			 * Unregistered, the module no longer pinned by
			 * the fds: it goes although they stay open.
			 */
			tone_set_registered(false);
			pause_us(1000);
			if (!tone_unload_reload(c))
				tone_set_registered(true);
			break;
		case 2:
			/*
			 * Registered: goes only when no fd is open, while
			 * the workers go on opening (and at once closing)
			 * filter fds.
			 */
			atomic_store(&draining, true);
			slots_close_all();
			for (tries = 0; tries < 20; tries++) {
				if (tone_unload_reload(c))
					break;
				pause_us(500);
			}
			atomic_store(&draining, false);
			break;
		}
		pause_us(15000);
	}
	return NULL;
}

/* ---- fixture ---- */

FIXTURE(race) {
	long filters, pins, refs;
	bool tone_was_loaded;
};

FIXTURE_SETUP(race)
{
	ASSERT_LE(0, stats_counter("pins"))
		TH_LOG("no %s (ksfilter not loaded, or no debugfs)", STATS_PATH);
	ASSERT_TRUE(have_module("ks-tonegen"))
		TH_LOG("no %s/ks-tonegen.ko", module_dir());
	ASSERT_TRUE(have_module("ks-iface-provider"))
		TH_LOG("no %s/ks-iface-provider.ko", module_dir());
	ASSERT_TRUE(have_module("ks-iface-consumer"))
		TH_LOG("no %s/ks-iface-consumer.ko", module_dir());
	ASSERT_EQ(0, find_filter(LOOPBACK_NAME))
		TH_LOG(LOOPBACK_NAME " is not /dev/ksfilter0");
	self->tone_was_loaded = module_loaded(TONEGEN_MODNAME);
	if (self->tone_was_loaded &&
	    read_param(TONEGEN_MODNAME, "registered") == 0)
		write_param(TONEGEN_MODNAME, "registered", "1");
	unload_module(CONSUMER);
	unload_module(PROVIDER);
	self->filters = stats_counter("filters");
	self->pins = stats_counter("pins");
	self->refs = stats_counter("interface_refs");
	count_init();
	slots_init();
	atomic_store(&stop, false);
	atomic_store(&draining, false);
}

FIXTURE_TEARDOWN(race)
{
	slots_close_all();
	unload_module(CONSUMER);
	unload_module(PROVIDER);
	/* Leave ks-tonegen as it was. */
	if (self->tone_was_loaded && !module_loaded(TONEGEN_MODNAME))
		load_ko("ks-tonegen", "");
	if (self->tone_was_loaded)
		write_param(TONEGEN_MODNAME, "registered", "1");
	else
		unload_module(TONEGEN_MODNAME);
	EXPECT_EQ(self->filters, stats_counter("filters"));
	EXPECT_EQ(self->pins, stats_counter("pins"));
	EXPECT_EQ(self->refs, stats_counter("interface_refs"));
}

TEST_F_TIMEOUT(race, tonegen_churn, 300)
{
	pthread_t threads[NWORKERS], churner;
	double secs = race_seconds();
	struct churn c = {
		.until = now() + secs,
		/* A module load is slow on a KCSAN kernel with the VM busy. */
		.limit = now() + 8 * secs,
	};
	long i;

	if (!module_loaded(TONEGEN_MODNAME))
		ASSERT_EQ(0, load_ko("ks-tonegen", ""));
	ASSERT_EQ(0, write_param(TONEGEN_MODNAME, "registered", "1"));
	tone_registered();
	ASSERT_LE(0, atomic_load(&tone_idx));

	for (i = 0; i < NWORKERS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, worker,
					    (void *)i));
	ASSERT_EQ(0, pthread_create(&churner, NULL, churn_thread, &c));
	pthread_join(churner, NULL);
	atomic_store(&stop, true);
	for (i = 0; i < NWORKERS; i++)
		pthread_join(threads[i], NULL);
	slots_close_all();

	print_counts(_metadata);
	ksft_print_msg("tonegen unloaded and reloaded %d times\n", c.unloads);
	EXPECT_EQ(0, atomic_load(&st.unexpected));
	EXPECT_LE(RACE_MIN_UNLOADS, c.unloads);
	/* Something of each kind really ran. */
	EXPECT_LT(0, atomic_load(&st.ok[OP_CREATE]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_FILTER_PROP]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_READ]));
	EXPECT_LT(0, atomic_load(&st.by_errno[OP_CREATE][ENODEV]) +
		     atomic_load(&st.by_errno[OP_FILTER_PROP][ENODEV]) +
		     atomic_load(&st.by_errno[OP_READ][ENODEV]));
	/* Every provider-side pin was closed. */
	if (module_loaded(TONEGEN_MODNAME))
		EXPECT_EQ(0, read_param(TONEGEN_MODNAME, "live_pins"));
}

/* ---- INTERFACE queries against provider unload ---- */

struct iface_churn {
	double until, limit;
	int provider_unloads;
	atomic_int consumer_loads;
};

static void *consumer_thread(void *arg)
{
	struct iface_churn *c = arg;
	char call[16];
	int ret, i = 0;

	while (!atomic_load(&stop)) {
		ret = load_ko("ks-iface-consumer", "");
		count(OP_CONSUMER_LOAD, ret);
		if (ret) {
			pause_us(500);
			continue;
		}
		atomic_fetch_add(&c->consumer_loads, 1);
		/* The reference works whatever the provider does. */
		snprintf(call, sizeof(call), "%d", i++ % 100);
		count(OP_CONSUMER_CALL,
		      write_param(CONSUMER, "call", call));
		pause_us(1000);
		count(OP_CONSUMER_UNLOAD, unload_module(CONSUMER));
	}
	return NULL;
}

static void *table_thread(void *arg)
{
	char buf[4096];
	ssize_t n;
	int fd;

	(void)arg;
	while (!atomic_load(&stop)) {
		fd = open(IFACES_PATH, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			count(OP_IFACE_TABLE, -errno);
			continue;
		}
		do
			n = read(fd, buf, sizeof(buf));
		while (n > 0);
		count(OP_IFACE_TABLE, n < 0 ? -errno : 0);
		close(fd);
		pause_us(200);
	}
	return NULL;
}

static void *provider_thread(void *arg)
{
	struct iface_churn *c = arg;
	unsigned int round = 0;
	int ret;

	while (now() < c->until ||
	       ((c->provider_unloads < RACE_MIN_UNLOADS ||
		 !atomic_load(&c->consumer_loads)) && now() < c->limit)) {
		count(OP_PROVIDER_LOAD, load_ko("ks-iface-provider", ""));
		pause_us(20000);
		if (round++ % 2) {
			count(OP_PROVIDER_PUBLISH,
			      write_param(PROVIDER, "published", "0"));
			pause_us(1000);
			count(OP_PROVIDER_PUBLISH,
			      write_param(PROVIDER, "published", "1"));
			pause_us(1000);
		}
		/* Refused while the consumer holds its reference. */
		do {
			ret = unload_module(PROVIDER);
			count(OP_PROVIDER_UNLOAD, ret);
			if (ret)
				pause_us(500);
		} while (ret && now() < c->limit);
		if (!ret)
			c->provider_unloads++;
		pause_us(1000);
	}
	return NULL;
}

TEST_F_TIMEOUT(race, iface_churn, 300)
{
	pthread_t consumer, table, provider;
	double secs = race_seconds();
	struct iface_churn c = {
		.until = now() + secs,
		.limit = now() + 3 * secs,
	};

	ASSERT_EQ(0, access(IFACES_PATH, R_OK));
	ASSERT_EQ(0, pthread_create(&consumer, NULL, consumer_thread, &c));
	ASSERT_EQ(0, pthread_create(&table, NULL, table_thread, &c));
	ASSERT_EQ(0, pthread_create(&provider, NULL, provider_thread, &c));
	pthread_join(provider, NULL);
	atomic_store(&stop, true);
	pthread_join(consumer, NULL);
	pthread_join(table, NULL);
	unload_module(CONSUMER);

	print_counts(_metadata);
	ksft_print_msg("provider unloaded %d times, consumer loaded %d times\n",
		       c.provider_unloads, atomic_load(&c.consumer_loads));
	EXPECT_EQ(0, atomic_load(&st.unexpected));
	EXPECT_LE(RACE_MIN_UNLOADS, c.provider_unloads);
	EXPECT_LT(0, atomic_load(&c.consumer_loads));
	EXPECT_LT(0, atomic_load(&st.by_errno[OP_CONSUMER_LOAD][ENOENT]));
}

/* ---- ks-audio: streaming against closes, states, controls, rmmod ---- */

#define AUDIO_CARDS		4
#define AUDIO_FILE		"ks-audio"
/* Each card's fds: its two filters and its two streaming pins. */
enum audio_role { A_WAVE, A_TOPO, A_RENDER, A_CAPTURE, A_ROLES };
#define AUDIO_STREAMERS		3
#define AUDIO_CONTROLLERS	2

static struct slot aslots[AUDIO_CARDS][A_ROLES];
/* Each card's filter indexes while ks-audio is loaded, else -1. */
static atomic_int wave_idx[AUDIO_CARDS], topo_idx[AUDIO_CARDS];

/* The controls of the topology filter, and the values set last. */
static const struct {
	uint32_t node, control;
} audio_controls[] = {
	{ AUDIO_TOPO_NODE_WAVE_VOLUME, KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ AUDIO_TOPO_NODE_WAVE_MUTE, KSPROPERTY_AUDIO_MUTE },
	{ AUDIO_TOPO_NODE_MIC_VOLUME, KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ AUDIO_TOPO_NODE_MIC_MUTE, KSPROPERTY_AUDIO_MUTE },
	{ AUDIO_TOPO_NODE_LINE_VOLUME, KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ AUDIO_TOPO_NODE_LINE_MUTE, KSPROPERTY_AUDIO_MUTE },
	{ AUDIO_TOPO_NODE_MASTER_VOLUME, KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ AUDIO_TOPO_NODE_MASTER_MUTE, KSPROPERTY_AUDIO_MUTE },
	{ AUDIO_TOPO_NODE_MIC_CAPTURE, KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ AUDIO_TOPO_NODE_LINE_CAPTURE, KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ AUDIO_TOPO_NODE_MIX_CAPTURE, KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ AUDIO_TOPO_NODE_MUX, KSPROPERTY_AUDIO_MUX_SOURCE },
	{ AUDIO_TOPO_NODE_CAPTURE_VOLUME, KSPROPERTY_AUDIO_VOLUMELEVEL },
};

#define AUDIO_NCONTROLS	ARRAY_SIZE(audio_controls)

static int32_t audio_last[AUDIO_CARDS][AUDIO_NCONTROLS][AUDIO_CHANNELS];

static bool audio_have_engine(void)
{
	return access(AUDIO_PARAMS "period_ms", F_OK) == 0;
}

static void audio_find_filters(void)
{
	char name[32];
	int i;

	for (i = 0; i < AUDIO_CARDS; i++) {
		snprintf(name, sizeof(name), AUDIO_WAVE_NAME "-%d", i);
		atomic_store(&wave_idx[i], ks_find_filter(name));
		snprintf(name, sizeof(name), AUDIO_TOPO_NAME "-%d", i);
		atomic_store(&topo_idx[i], ks_find_filter(name));
	}
}

static void audio_forget_filters(void)
{
	int i;

	for (i = 0; i < AUDIO_CARDS; i++) {
		atomic_store(&wave_idx[i], -1);
		atomic_store(&topo_idx[i], -1);
	}
}

static void audio_slots_init(void)
{
	int c, r;

	for (c = 0; c < AUDIO_CARDS; c++) {
		for (r = 0; r < A_ROLES; r++) {
			pthread_rwlock_init(&aslots[c][r].lock, NULL);
			aslots[c][r].fd = -1;
			aslots[c][r].kind = r;
		}
	}
}

static void audio_slot_close(struct slot *s)
{
	pthread_rwlock_wrlock(&s->lock);
	if (s->fd >= 0) {
		count(OP_CLOSE, close(s->fd) ? -errno : 0);
		s->fd = -1;
	}
	pthread_rwlock_unlock(&s->lock);
}

/* Pins first: a filter fd is what the workers create them on. */
static void audio_close_all(void)
{
	int c, r;

	for (r = A_ROLES - 1; r >= 0; r--)
		for (c = 0; c < AUDIO_CARDS; c++)
			audio_slot_close(&aslots[c][r]);
}

/* Open card @card's filter of @role into its slot when it has none. */
static void audio_open(int card, enum audio_role role)
{
	struct slot *s = &aslots[card][role];
	int idx = atomic_load(role == A_WAVE ? &wave_idx[card] :
					       &topo_idx[card]);
	int fd;

	if (idx < 0 || pthread_rwlock_trywrlock(&s->lock))
		return;
	if (s->fd < 0) {
		fd = open_filter(idx, O_RDWR | O_NONBLOCK);
		count(OP_OPEN, fd);
		if (fd >= 0 && atomic_load(&draining))
			count(OP_CLOSE, close(fd) ? -errno : 0);
		else if (fd >= 0)
			s->fd = fd;
	}
	pthread_rwlock_unlock(&s->lock);
}

/*
 * A request for a streaming pin at @rate in one of the formats of
 * ks-audio's ranges; *@frame gets its frame size.
 */
static uint32_t audio_req(uint64_t *seed, struct ks_req *r, uint32_t pin,
			  uint32_t rate, uint32_t *frame)
{
	static const struct {
		enum ks_sample_type type;
		uint16_t channels, bits;
	} fmts[] = {
		{ KS_SAMPLE_PCM, 2, 16 }, { KS_SAMPLE_PCM, 1, 16 },
		{ KS_SAMPLE_PCM, 2, 32 }, { KS_SAMPLE_FLOAT, 2, 32 },
		{ KS_SAMPLE_FLOAT, 1, 32 },
	};
	unsigned int f = rnd(seed) % ARRAY_SIZE(fmts);

	*frame = fmts[f].channels * fmts[f].bits / 8;
	return req_audio(r, pin, fmts[f].type, rate, fmts[f].channels,
			 fmts[f].bits);
}

/* Create pin @role of @card on the wave filter fd @wave, put it in RUN. */
static int audio_create(uint64_t *seed, int wave, enum audio_role role,
			uint32_t *frame)
{
	uint32_t id = role == A_RENDER ? AUDIO_WAVE_PIN_RENDER :
					 AUDIO_WAVE_PIN_CAPTURE;
	uint32_t reason = REASON_UNSET, size;
	struct ks_req r;
	int fd;

	size = audio_req(seed, &r, id, AUDIO_RATE_48K, frame);
	fd = ks_create(wave, &r, size, role == A_RENDER ? KS_GENERIC_WRITE :
			KS_GENERIC_READ, O_CLOEXEC | O_NONBLOCK, &reason);
	if ((fd == -ENODEV && reason != KS_REASON_GONE) ||
	    (fd == -EBUSY && reason != KS_REASON_INSTANCES) ||
	    (fd >= 0 && reason != KS_REASON_NONE))
		count(OP_CREATE, -EPROTO);
	else
		count(OP_CREATE, fd);
	if (fd >= 0)
		count(OP_SET_STATE, ks_pin_set_state(fd, KSSTATE_RUN));
	return fd;
}

/* Card @card's pin of @role, created when its slot is empty. */
static void audio_create_slot(uint64_t *seed, int card, enum audio_role role)
{
	struct slot *w = &aslots[card][A_WAVE], *s = &aslots[card][role];
	uint32_t frame;
	int fd;

	if (pthread_rwlock_tryrdlock(&w->lock))
		return;
	if (w->fd >= 0 && !pthread_rwlock_trywrlock(&s->lock)) {
		if (s->fd < 0) {
			fd = audio_create(seed, w->fd, role, &frame);
			if (fd >= 0) {
				s->fd = fd;
				s->frame = frame;
			}
		}
		pthread_rwlock_unlock(&s->lock);
	}
	pthread_rwlock_unlock(&w->lock);
}

/*
 * One transfer on a streaming pin: read(2)/write(2) or the stream
 * ioctls, of whole frames; a read of a part of a frame is a bug.
 */
static void audio_io(uint64_t *seed, int fd, enum audio_role role,
		     uint32_t frame)
{
	static __thread unsigned char buf[8192];
	struct ks_stream_header h = {
		.size = sizeof(h),
		.data = (uintptr_t)buf,
	};
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h,
		.in_size = sizeof(h),
	};
	uint32_t len = frame * (1 + rnd(seed) % (sizeof(buf) / frame));
	ssize_t n;

	if (rnd(seed) % 4 == 0) {
		h.frame_extent = len;
		if (role == A_RENDER)
			h.data_used = len;
		count(OP_STREAM_IO, ioctl(fd, role == A_RENDER ?
				KS_IOCTL_WRITE_STREAM : KS_IOCTL_READ_STREAM,
				&b) ? -errno : 0);
		return;
	}
	if (role == A_RENDER) {
		memset(buf, 0x21, len);
		n = write(fd, buf, len);
		count(OP_WRITE, n < 0 ? -errno : n % frame ? -EPROTO : n);
	} else {
		n = read(fd, buf, len);
		count(OP_READ, n < 0 ? -errno : n % frame ? -EPROTO : n);
	}
}

/* Something on card @card's pin of @role, if it is open. */
static void audio_use(uint64_t *seed, int card, enum audio_role role)
{
	struct slot *s = &aslots[card][role];
	struct ks_audio_position pos;
	struct pollfd p;

	if (pthread_rwlock_tryrdlock(&s->lock))
		return;
	if (s->fd < 0)
		goto out;
	switch (rnd(seed) % 8) {
	case 0:
		do_fdinfo(s->fd);
		break;
	case 1:
		p.fd = s->fd;
		p.events = POLLIN | POLLOUT;
		count(OP_POLL, poll(&p, 1, 0) < 0 ? -errno : 0);
		break;
	case 2:
		count(OP_PIN_PROP, ks_property(s->fd, &(struct ks_guid)
				KSPROPSETID_AUDIO, KSPROPERTY_AUDIO_POSITION,
				KSPROPERTY_TYPE_GET, NULL, 0, &pos,
				sizeof(pos), NULL));
		break;
	default:
		audio_io(seed, s->fd, role, s->frame);
		break;
	}
out:
	pthread_rwlock_unlock(&s->lock);
}

/* A state, a reset or a close for card @card's pin of @role. */
static void audio_flip(uint64_t *seed, int card, enum audio_role role)
{
	static const uint32_t states[] = {
		KSSTATE_RUN, KSSTATE_PAUSE, KSSTATE_RUN, KSSTATE_STOP,
		KSSTATE_ACQUIRE, KSSTATE_PAUSE,
	};
	struct slot *s = &aslots[card][role];
	uint32_t r = rnd(seed) % 16, how;

	if (r == 0) {
		audio_slot_close(s);
		return;
	}
	pthread_rwlock_rdlock(&s->lock);
	if (s->fd >= 0 && r == 1) {
		how = KSRESET_BEGIN;
		count(OP_RESET, ioctl(s->fd, KS_IOCTL_RESET_STATE, &how) ?
				-errno : 0);
		how = KSRESET_END;
		count(OP_RESET, ioctl(s->fd, KS_IOCTL_RESET_STATE, &how) ?
				-errno : 0);
	} else if (s->fd >= 0) {
		count(OP_SET_STATE,
		      ks_pin_set_state(s->fd, states[r % ARRAY_SIZE(states)]));
	}
	pthread_rwlock_unlock(&s->lock);
}

/*
 * A control of card @card's topology set to a random value on its
 * steps (0.5 dB, which is on every step a volume may have).  With
 * @record, the value is kept and read back: only this thread sets this
 * card's controls.
 */
static void audio_control(uint64_t *seed, int card, bool record)
{
	struct slot *s = &aslots[card][A_TOPO];
	unsigned int i = rnd(seed) % AUDIO_NCONTROLS, ch;
	uint32_t node = audio_controls[i].node;
	uint32_t control = audio_controls[i].control;
	uint32_t channel = rnd(seed) % 3;
	int32_t v, got = 0;
	int ret;

	if (control == KSPROPERTY_AUDIO_VOLUMELEVEL)
		v = -(int32_t)(rnd(seed) % 193) * 32768;
	else if (control == KSPROPERTY_AUDIO_MUTE)
		v = rnd(seed) % 2;
	else
		v = rnd(seed) % AUDIO_MUX_INPUTS;
	if (channel == 2 || control == KSPROPERTY_AUDIO_MUX_SOURCE)
		channel = KS_NODE_ALL_CHANNELS;
	pthread_rwlock_rdlock(&s->lock);
	if (s->fd < 0)
		goto out;
	ret = ks_node_set(s->fd, node, control, channel, v);
	count(OP_NODE, ret);
	if (ret || !record)
		goto out;
	for (ch = 0; ch < AUDIO_CHANNELS; ch++)
		if (channel == KS_NODE_ALL_CHANNELS || channel == ch)
			audio_last[card][i][ch] = v;
	if (rnd(seed) % 4)
		goto out;
	/* Read back at once: nothing else sets it. */
	ch = channel == KS_NODE_ALL_CHANNELS ? rnd(seed) % 2 : channel;
	ret = ks_node_get(s->fd, node, control, ch, &got);
	count(OP_NODE, ret ? ret : got != v ? -EPROTO : 0);
out:
	pthread_rwlock_unlock(&s->lock);
}

/* The values set last: every control of @card reads them back. */
static int audio_controls_kept(int card)
{
	unsigned int i, ch, nch;
	int32_t got;
	int bad = 0, fd = aslots[card][A_TOPO].fd;

	for (i = 0; i < AUDIO_NCONTROLS; i++) {
		nch = audio_controls[i].control == KSPROPERTY_AUDIO_MUX_SOURCE ?
		      1 : AUDIO_CHANNELS;
		for (ch = 0; ch < nch; ch++) {
			if (ks_node_get(fd, audio_controls[i].node,
					audio_controls[i].control, ch, &got) ||
			    got != audio_last[card][i][ch]) {
				ksft_print_msg("card %d node %u channel %u: %d, set %d\n",
					       card, audio_controls[i].node, ch,
					       got, audio_last[card][i][ch]);
				bad++;
			}
		}
	}
	return bad;
}

/* The controls as they are now: what audio_controls_kept() expects. */
static int audio_controls_read(int card)
{
	unsigned int i, ch, nch;
	int fd = aslots[card][A_TOPO].fd;

	for (i = 0; i < AUDIO_NCONTROLS; i++) {
		nch = audio_controls[i].control == KSPROPERTY_AUDIO_MUX_SOURCE ?
		      1 : AUDIO_CHANNELS;
		for (ch = 0; ch < nch; ch++)
			if (ks_node_get(fd, audio_controls[i].node,
					audio_controls[i].control, ch,
					&audio_last[card][i][ch]))
				return -1;
	}
	return 0;
}

/*
 * While ks-audio is being unloaded: a pin of its own, open, created,
 * running, used and closed again, so that creation and the clock's start
 * and stop race the unload.
 */
static void audio_transient(uint64_t *seed, int card)
{
	enum audio_role role = rnd(seed) % 2 ? A_RENDER : A_CAPTURE;
	int idx = atomic_load(&wave_idx[card]), wave, pin;
	uint32_t frame;

	if (idx < 0)
		return;
	wave = open_filter(idx, O_RDWR | O_NONBLOCK);
	count(OP_OPEN, wave);
	if (wave < 0)
		return;
	pin = audio_create(seed, wave, role, &frame);
	if (pin >= 0) {
		audio_io(seed, pin, role, frame);
		count(OP_CLOSE, close(pin) ? -errno : 0);
	}
	count(OP_CLOSE, close(wave) ? -errno : 0);
}

enum audio_job { J_STREAM, J_FLIP, J_CONTROL };

struct audio_worker {
	pthread_t thread;
	enum audio_job job;
	unsigned int n;
	/* J_CONTROL: record the cards n, n + AUDIO_CONTROLLERS, ... */
	bool record;
};

static void *audio_worker(void *arg)
{
	struct audio_worker *w = arg;
	uint64_t seed = 0x2545f4914f6cdd1dull * (w->n + 1 + 16 * w->job);
	enum audio_role role;
	int card;

	while (!atomic_load(&stop)) {
		card = rnd(&seed) % AUDIO_CARDS;
		role = rnd(&seed) % 2 ? A_RENDER : A_CAPTURE;
		switch (w->job) {
		case J_STREAM:
			if (atomic_load(&draining)) {
				/* Leave the unload a window now and then. */
				if (rnd(&seed) % 4 == 0)
					audio_transient(&seed, card);
				else
					pause_us(300);
			} else if (rnd(&seed) % 8 == 0) {
				audio_open(card, rnd(&seed) % 2 ? A_WAVE :
								   A_TOPO);
				audio_create_slot(&seed, card, role);
			} else {
				audio_use(&seed, card, role);
			}
			break;
		case J_FLIP:
			audio_flip(&seed, card, role);
			pause_us(200);
			break;
		case J_CONTROL:
			if (w->record)
				card = w->n + AUDIO_CONTROLLERS *
				       (rnd(&seed) % (AUDIO_CARDS /
						      AUDIO_CONTROLLERS));
			audio_control(&seed, card, w->record);
			pause_us(100);
			break;
		}
	}
	return NULL;
}

/* Streamers, one flipper, controllers: n of them in @w. */
static int audio_start(struct audio_worker *w, bool record)
{
	int i, n = 0;

	for (i = 0; i < AUDIO_STREAMERS; i++)
		w[n++] = (struct audio_worker){ .job = J_STREAM, .n = i };
	w[n++] = (struct audio_worker){ .job = J_FLIP };
	for (i = 0; i < AUDIO_CONTROLLERS; i++)
		w[n++] = (struct audio_worker){ .job = J_CONTROL, .n = i,
						.record = record };
	for (i = 0; i < n; i++)
		if (pthread_create(&w[i].thread, NULL, audio_worker, &w[i]))
			return -1;
	return n;
}

static void audio_join(struct audio_worker *w, int n)
{
	int i;

	atomic_store(&stop, true);
	for (i = 0; i < n; i++)
		pthread_join(w[i].thread, NULL);
}

/* ks-audio loaded with cards=4 now (not before: then unloaded again). */
static int audio_load(void)
{
	int ret = load_ko(AUDIO_FILE, "cards=4");

	if (!ret)
		audio_find_filters();
	return ret;
}

/* @name's counter back at @value, waiting for late releases; its value. */
static long counter_settled(const char *name, long value)
{
	long v = stats_counter(name);
	int i;

	for (i = 0; i < 100 && v != value; i++) {
		pause_us(10000);
		v = stats_counter(name);
	}
	return v;
}

FIXTURE(audio) {
	long filters, pins;
	long old_cards;		/* loaded with other cards before: these */
	bool was_loaded;
};

FIXTURE_SETUP(audio)
{
	int i;

	ASSERT_LE(0, stats_counter("pins"))
		TH_LOG("no %s (ksfilter not loaded, or no debugfs)", STATS_PATH);
	ASSERT_TRUE(have_module(AUDIO_FILE))
		TH_LOG("no %s/%s.ko", module_dir(), AUDIO_FILE);
	self->was_loaded = module_loaded(AUDIO_MODNAME);
	self->old_cards = 0;
	if (self->was_loaded &&
	    read_param(AUDIO_MODNAME, "cards") != AUDIO_CARDS) {
		self->old_cards = read_param(AUDIO_MODNAME, "cards");
		ASSERT_EQ(0, unload_module_wait(AUDIO_MODNAME))
			TH_LOG(AUDIO_MODNAME " is loaded with other cards and busy");
	}
	count_init();
	audio_slots_init();
	audio_forget_filters();
	atomic_store(&stop, false);
	atomic_store(&draining, false);
	if (!module_loaded(AUDIO_MODNAME))
		ASSERT_EQ(0, audio_load());
	audio_find_filters();
	for (i = 0; i < AUDIO_CARDS; i++) {
		ASSERT_LE(0, atomic_load(&wave_idx[i]));
		ASSERT_LE(0, atomic_load(&topo_idx[i]));
	}
	self->filters = stats_counter("filters");
	self->pins = stats_counter("pins");
}

/* Every pin and filter closed, the counters back; ks-audio as it was. */
FIXTURE_TEARDOWN(audio)
{
	char params[32];

	audio_close_all();
	EXPECT_EQ(self->filters, counter_settled("filters", self->filters));
	EXPECT_EQ(self->pins, counter_settled("pins", self->pins));
	if (self->was_loaded && !self->old_cards) {
		if (!module_loaded(AUDIO_MODNAME))
			audio_load();
		return;
	}
	EXPECT_EQ(0, unload_module_wait(AUDIO_MODNAME));
	if (self->old_cards > 0) {
		snprintf(params, sizeof(params), "cards=%ld", self->old_cards);
		load_ko(AUDIO_FILE, params);
	}
}

/*
 * Render written and Capture read on the four cards, in RUN, while a
 * thread closes the pins, resets them and moves them between STOP,
 * ACQUIRE, PAUSE and RUN, and two threads set the topology's controls.
 * Each card's controls are set by one thread, which reads each value
 * back (at once and at the end): a SET under streaming is kept exactly.
 */
TEST_F_TIMEOUT(audio, stream_against_close_state_controls, 120)
{
	struct audio_worker w[AUDIO_STREAMERS + 1 + AUDIO_CONTROLLERS];
	double until = now() + race_seconds(), limit = now() + 3 * race_seconds();
	int c, n, bad = 0;

	for (c = 0; c < AUDIO_CARDS; c++) {
		audio_open(c, A_WAVE);
		audio_open(c, A_TOPO);
		ASSERT_LE(0, aslots[c][A_TOPO].fd);
		ASSERT_EQ(0, audio_controls_read(c));
	}
	n = audio_start(w, true);
	ASSERT_LT(0, n);
	while (now() < until ||
	       ((!atomic_load(&st.ok[OP_READ]) ||
		 !atomic_load(&st.ok[OP_WRITE])) && now() < limit))
		pause_us(50000);
	audio_join(w, n);

	print_counts(_metadata);
	for (c = 0; c < AUDIO_CARDS; c++)
		bad += audio_controls_kept(c);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, atomic_load(&st.unexpected));
	EXPECT_LT(0, atomic_load(&st.ok[OP_CREATE]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_READ]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_WRITE]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_CLOSE]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_NODE]));
}

struct audio_churn {
	double until, limit;
	int unloads, refused;
};

/* What stream_against_rmmod checks for has happened: it may end. */
static bool audio_churned_enough(const struct audio_churn *c)
{
	return c->unloads >= RACE_MIN_UNLOADS && c->refused &&
	       atomic_load(&st.ok[OP_READ]) && atomic_load(&st.ok[OP_WRITE]);
}

/*
 * Refused while an fd is open (the fds pin the module), then the fds
 * closed under the workers, which go on opening and creating (and at
 * once closing), until the unload goes through; then loaded again.
 */
static void *audio_churn_thread(void *arg)
{
	struct audio_churn *c = arg;
	int ret, tries;

	while (now() < c->until ||
	       (!audio_churned_enough(c) && now() < c->limit)) {
		pause_us(100000);
		ret = unload_module(AUDIO_MODNAME);
		count(OP_AUDIO_UNLOAD, ret);
		if (ret)
			c->refused++;
		atomic_store(&draining, true);
		audio_close_all();
		for (tries = 0; ret && tries < 200; tries++) {
			ret = unload_module(AUDIO_MODNAME);
			count(OP_AUDIO_UNLOAD, ret);
			if (ret)
				pause_us(500);
		}
		if (!ret) {
			audio_forget_filters();
			c->unloads++;
			pause_us(2000);
			ret = audio_load();
			count(OP_AUDIO_LOAD, ret);
			if (ret)
				break;
		}
		atomic_store(&draining, false);
	}
	atomic_store(&draining, false);
	return NULL;
}

/*
 * The cards streaming while ks-audio is unloaded and loaded again: the
 * unload is refused while an fd is open and never waits for one; once
 * every fd is closed it goes through whatever the workers are doing
 * (opening the filters, creating pins, starting them), who then get
 * ENOENT or ENODEV; after the reload the four cards are back.
 */
TEST_F_TIMEOUT(audio, stream_against_rmmod, 120)
{
	struct audio_worker w[AUDIO_STREAMERS + 1 + AUDIO_CONTROLLERS];
	double secs = race_seconds();
	struct audio_churn c = {
		.until = now() + secs,
		/* Loads of four cards are slow on a KCSAN kernel. */
		.limit = now() + 8 * secs,
	};
	pthread_t churner;
	int i, n;

	n = audio_start(w, false);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, pthread_create(&churner, NULL, audio_churn_thread, &c));
	pthread_join(churner, NULL);
	audio_join(w, n);
	audio_close_all();

	print_counts(_metadata);
	ksft_print_msg("ks-audio unloaded and reloaded %d times, %d refused\n",
		       c.unloads, c.refused);
	EXPECT_EQ(0, atomic_load(&st.unexpected));
	EXPECT_LE(RACE_MIN_UNLOADS, c.unloads);
	EXPECT_LT(0, c.refused);
	EXPECT_LT(0, atomic_load(&st.ok[OP_READ]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_WRITE]));
	ASSERT_TRUE(module_loaded(AUDIO_MODNAME));
	for (i = 0; i < AUDIO_CARDS; i++) {
		EXPECT_LE(0, atomic_load(&wave_idx[i]));
		EXPECT_LE(0, atomic_load(&topo_idx[i]));
	}
}

struct audio_unplug {
	double until, limit;
	long base_pins;
	int unplugs, with_pins;
};

/*
 * Unplug every card (registered=0) and plug them in again, round after
 * round: each unplug unregisters filters whose pins the workers are
 * streaming, so it stops running clocks and closes pins under them; the
 * fds left are dead (ENODEV) and are closed, and the filters found again.
 */
static void *audio_unplug_thread(void *arg)
{
	struct audio_unplug *u = arg;
	int ret;

	while (now() < u->until ||
	       ((u->with_pins < RACE_MIN_UNLOADS ||
		 !atomic_load(&st.ok[OP_READ]) ||
		 !atomic_load(&st.ok[OP_WRITE])) && now() < u->limit)) {
		pause_us(100000);
		if (stats_counter("pins") > u->base_pins)
			u->with_pins++;
		ret = write_file(AUDIO_PARAMS "registered", "0");
		count(OP_UNREGISTER, ret);
		if (ret)
			break;
		u->unplugs++;
		audio_forget_filters();
		atomic_store(&draining, true);
		audio_close_all();
		atomic_store(&draining, false);
		ret = write_file(AUDIO_PARAMS "registered", "1");
		count(OP_REGISTER, ret);
		if (ret)
			break;
		audio_find_filters();
	}
	return NULL;
}

/*
 * The cards unplugged while they stream: unregistration closes the pins
 * the workers are using, stopping the clocks their ticks run on, and
 * every call on the fds left fails ENODEV at once (none waits for the
 * gone card); plugged in again, the four cards are back and stream.
 */
TEST_F_TIMEOUT(audio, stream_against_unplug, 120)
{
	struct audio_worker w[AUDIO_STREAMERS + 1 + AUDIO_CONTROLLERS];
	double secs = race_seconds();
	struct audio_unplug u = {
		.until = now() + secs,
		/* Loads of four cards are slow on a KCSAN kernel. */
		.limit = now() + 8 * secs,
		.base_pins = self->pins,
	};
	pthread_t unplugger;
	int i, n;

	n = audio_start(w, false);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, pthread_create(&unplugger, NULL, audio_unplug_thread,
				    &u));
	pthread_join(unplugger, NULL);
	audio_join(w, n);
	audio_close_all();

	print_counts(_metadata);
	ksft_print_msg("ks-audio unplugged %d times, %d with pins open\n",
		       u.unplugs, u.with_pins);
	EXPECT_EQ(0, atomic_load(&st.unexpected));
	EXPECT_LE(RACE_MIN_UNLOADS, u.with_pins);
	EXPECT_LT(0, atomic_load(&st.ok[OP_READ]));
	EXPECT_LT(0, atomic_load(&st.ok[OP_WRITE]));
	EXPECT_EQ(0, atomic_load(&st.failed[OP_UNREGISTER]));
	EXPECT_EQ(0, atomic_load(&st.failed[OP_REGISTER]));
	for (i = 0; i < AUDIO_CARDS; i++) {
		EXPECT_LE(0, atomic_load(&wave_idx[i]));
		EXPECT_LE(0, atomic_load(&topo_idx[i]));
	}
}

/* ---- one rate per card ---- */

/*
 * Two threads on one card, round after round: at a barrier, one creates
 * Render and the other Capture, at 44100 and 48000 Hz (or both at one
 * rate every fourth round).  Some rounds, one of them holds its pin from
 * the last round and closes it at the barrier instead, while the other
 * creates at the other rate.
 */
struct rate_pair {
	pthread_barrier_t go;
	int card, wave;
	bool engine;
	double until;
	atomic_bool done;
	/* This round: the pins' fds (or -errno), rates, reasons, times. */
	int fd[2];
	uint32_t rate[2], reason[2];
	double created[2], closing;
	bool closer;
	/* Counts over the rounds. */
	int rounds, busy, refused, closed_first, bad;
	char why[192];
};

struct rate_side {
	struct rate_pair *p;
	int side;	/* 0: Render, 1: Capture */
	uint64_t seed;
};

static const uint32_t rate_pins[2] = {
	AUDIO_WAVE_PIN_RENDER, AUDIO_WAVE_PIN_CAPTURE,
};

/* The rate of pin @fd: fdinfo's ks-wave line, which DATAFORMAT must match. */
static uint32_t pin_rate(int fd)
{
	const struct ks_dataformat_waveformatex *wf;
	unsigned int rate = 0, by_format = 1;
	char v[128], *p;
	uint32_t size;
	void *f;

	p = fdinfo_value(fd, "ks-wave", v, sizeof(v)) ? NULL :
						       strstr(v, "rate ");
	if (p)
		rate = strtoul(p + 5, NULL, 10);
	f = ks_pin_get_dataformat(fd, &size);
	wf = f;
	if (f && size >= sizeof(*wf))
		by_format = wf->wave_format.samples_per_sec;
	free(f);
	return rate == by_format ? rate : 0;
}

static int rate_create(struct rate_side *s, uint32_t rate, uint32_t *reason)
{
	uint32_t size, frame;
	struct ks_req r;

	*reason = REASON_UNSET;
	size = audio_req(&s->seed, &r, rate_pins[s->side], rate, &frame);
	return ks_create(s->p->wave, &r, size, s->side ? KS_GENERIC_READ :
			 KS_GENERIC_WRITE, O_CLOEXEC | O_NONBLOCK, reason);
}

static void rate_bad(struct rate_pair *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->bad++) {
		va_start(ap, fmt);
		vsnprintf(p->why, sizeof(p->why), fmt, ap);
		va_end(ap);
	}
}

/* Side 0, after a round: the rule for what both sides got. */
static void rate_judge(struct rate_pair *p)
{
	uint32_t got[2] = { 0, 0 };
	int i, ok = 0;

	for (i = p->closer ? 1 : 0; i < 2; i++) {
		if (p->fd[i] == -EBUSY && p->reason[i] == KS_REASON_INSTANCES) {
			/* A pin of the last round not released yet. */
			p->busy++;
			return;
		}
		if (p->fd[i] >= 0) {
			ok++;
			got[i] = pin_rate(p->fd[i]);
			if (got[i] != p->rate[i])
				rate_bad(p, "card %d pin %u: asked %u Hz, has %u",
					 p->card, rate_pins[i], p->rate[i],
					 got[i]);
		} else if (p->fd[i] != -EDOM ||
			   p->reason[i] != KS_REASON_FORMAT) {
			rate_bad(p, "card %d pin %u at %u Hz: %s, reason %s",
				 p->card, rate_pins[i], p->rate[i],
				 strerror(-p->fd[i]), reason_name(p->reason[i]));
		} else if (!p->engine) {
			rate_bad(p, "card %d pin %u at %u Hz: EDOM without a clock",
				 p->card, rate_pins[i], p->rate[i]);
		} else {
			p->refused++;
		}
	}
	if (p->closer) {
		/* fd[0] was closed at the barrier: Capture alone decides. */
		if (p->engine && p->fd[1] >= 0 && p->created[1] < p->closing)
			rate_bad(p, "card %d: Capture at %u Hz while Render at %u Hz open",
				 p->card, p->rate[1], p->rate[0]);
		p->closed_first += p->fd[1] >= 0;
		p->rounds++;
		return;
	}
	if (p->engine && ok == 2 && got[0] != got[1])
		rate_bad(p, "card %d: Render at %u Hz and Capture at %u Hz open at once",
			 p->card, got[0], got[1]);
	if (p->engine && ok == 0)
		rate_bad(p, "card %d: both refused (%u and %u Hz)", p->card,
			 p->rate[0], p->rate[1]);
	p->rounds++;
}

/* The card's rate is free again once both are closed: either rate opens. */
static void rate_free(struct rate_side *s, uint32_t rate)
{
	struct rate_pair *p = s->p;
	uint32_t reason;
	int fd = rate_create(s, rate, &reason);

	if (fd >= 0)
		close(fd);
	else if (fd != -EBUSY)
		rate_bad(p, "card %d pin %u at %u Hz, alone: %s", p->card,
			 rate_pins[s->side], rate, strerror(-fd));
}

static void *rate_thread(void *arg)
{
	struct rate_side *s = arg;
	struct rate_pair *p = s->p;
	unsigned int round;
	uint32_t other;

	for (round = 0;; round++) {
		/* Side 0 draws the round; the barrier publishes it. */
		if (!s->side) {
			p->rate[0] = rnd(&s->seed) % 2 ? AUDIO_RATE_44K1 :
							 AUDIO_RATE_48K;
			other = p->rate[0] == AUDIO_RATE_44K1 ?
				AUDIO_RATE_48K : AUDIO_RATE_44K1;
			p->rate[1] = round % 4 == 3 ? p->rate[0] : other;
			p->fd[0] = -1;
			p->fd[1] = -1;
			/* Last: no pin is left open when the run ends. */
			if (now() > p->until)
				atomic_store(&p->done, true);
			p->closer = round % 4 == 1 && !atomic_load(&p->done);
			if (p->closer)
				p->fd[0] = rate_create(s, p->rate[0],
						       &p->reason[0]);
			if (p->closer && p->fd[0] < 0)
				p->closer = false;
		}
		pthread_barrier_wait(&p->go);
		if (atomic_load(&p->done))
			break;
		if (s->side && rnd(&s->seed) % 2)
			pause_us(rnd(&s->seed) % 300);
		if (!s->side && p->closer) {
			p->closing = now();
			close(p->fd[0]);
			p->fd[0] = -1;
			p->reason[0] = KS_REASON_NONE;
		} else {
			p->fd[s->side] = rate_create(s, p->rate[s->side],
						     &p->reason[s->side]);
			p->created[s->side] = now();
		}
		pthread_barrier_wait(&p->go);
		if (!s->side) {
			rate_judge(p);
			if (p->fd[0] >= 0)
				close(p->fd[0]);
			if (p->fd[1] >= 0)
				close(p->fd[1]);
			if (p->rounds % 8 == 5)
				rate_free(s, p->rate[1]);
		}
	}
	return NULL;
}

/*
 * Render and Capture created at once on each card with 44100 and 48000
 * Hz: a card runs at one rate, so while both are open they have the
 * same (fdinfo's ks-wave line and DATAFORMAT agree on it); the loser is
 * refused with EDOM at the format check, and once both are closed
 * either rate opens again.  A module without the clock takes both
 * rates: then every creation must succeed with the rate asked for.
 */
TEST_F_TIMEOUT(audio, create_two_rates_one_wins, 120)
{
	static struct rate_pair pairs[AUDIO_CARDS];
	static struct rate_side sides[AUDIO_CARDS][2];
	pthread_t threads[AUDIO_CARDS][2];
	bool engine = audio_have_engine();
	int c, i, rounds = 0, refused = 0;

	for (c = 0; c < AUDIO_CARDS; c++) {
		audio_open(c, A_WAVE);
		ASSERT_LE(0, aslots[c][A_WAVE].fd);
		memset(&pairs[c], 0, sizeof(pairs[c]));
		pairs[c].card = c;
		pairs[c].wave = aslots[c][A_WAVE].fd;
		pairs[c].engine = engine;
		pairs[c].until = now() + race_seconds();
		pthread_barrier_init(&pairs[c].go, NULL, 2);
		for (i = 0; i < 2; i++) {
			sides[c][i] = (struct rate_side){
				.p = &pairs[c], .side = i,
				.seed = 0x853c49e6748fea9bull * (2 * c + i + 1),
			};
			ASSERT_EQ(0, pthread_create(&threads[c][i], NULL,
						    rate_thread, &sides[c][i]));
		}
	}
	for (c = 0; c < AUDIO_CARDS; c++) {
		for (i = 0; i < 2; i++)
			pthread_join(threads[c][i], NULL);
		pthread_barrier_destroy(&pairs[c].go);
		ksft_print_msg("card %d: %d rounds, %d EDOM, %d created after a close, %d EBUSY\n",
			       c, pairs[c].rounds, pairs[c].refused,
			       pairs[c].closed_first, pairs[c].busy);
		EXPECT_EQ(0, pairs[c].bad)
			TH_LOG("%d bad rounds, the first: %s", pairs[c].bad,
			       pairs[c].why);
		rounds += pairs[c].rounds;
		refused += pairs[c].refused;
	}
	if (!engine)
		ksft_print_msg("no clock (no %speriod_ms): both rates open at once\n",
			       AUDIO_PARAMS);
	EXPECT_LE(20, rounds);
	if (engine)
		EXPECT_LT(0, refused);
}

TEST_HARNESS_MAIN
