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
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

#include "ks_selftest.h"

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
	OP_IFACE_TABLE, NOPS
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
	/* No provider, or withdrawn: ENOENT. */
	[OP_CONSUMER_LOAD] = { ENOENT },
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
	if (stats_counter("pins") < 0)
		SETUP_SKIP("no %s (ksfilter not loaded, or no debugfs)",
			   STATS_PATH);
	if (!have_module("ks-tonegen") || !have_module("ks-iface-provider") ||
	    !have_module("ks-iface-consumer"))
		SETUP_SKIP("no sample modules in %s", module_dir());
	if (find_filter(LOOPBACK_NAME) != 0)
		SETUP_SKIP(LOOPBACK_NAME " is not /dev/ksfilter0");
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
		.limit = now() + 3 * secs,
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

TEST_HARNESS_MAIN
