// SPDX-License-Identifier: GPL-2.0
/*
 * ks_failnth_test: every allocation of a call failing in turn (fail-nth).
 *
 * /proc/self/task/<tid>/fail-nth = N makes the Nth fault-injection point
 * this task reaches fail.  For each call below, N = 1, 2, ... until the
 * call succeeds without an injected failure: every injected failure must
 * give a clean errno (ENOMEM), leave nothing behind (the live-object
 * counters of /sys/kernel/debug/ksfilter/stats, the interface table, the
 * filter list, the pin's format) and never oops; the VM runner checks the
 * kernel log and kmemleak after the whole run.
 *
 * Only slab allocations are failed: failslab with ignore-gfp-wait=N (its
 * default Y exempts every GFP_KERNEL allocation) and verbose=0 (no stack
 * trace per injected failure); fail_page_alloc is kept out with
 * min-order beyond any order.  The calls here stay below a page, so that no
 * vmalloc is reached: a failing vmalloc prints warn_alloc's stack, which
 * is the allocator's message and not ours, but which a kernel-report check
 * cannot tell from a real one.
 *
 * Calls: KS_IOCTL_CREATE_PIN on ks-loopback (a request copied to the stack
 * and a larger one copied to the heap) and on ks-tonegen (the provider's
 * open allocates; and its Source pin connected to a ks-loopback Render
 * pin, where the connection allocates); KS_IOCTL_PROPERTY DATARANGES,
 * DATAINTERSECTION and NAME on the filter, CONNECTION_DATAFORMAT set and
 * STATE set on a pin; WaveRT's BUFFER_WITH_NOTIFICATION (the buffer is
 * mapped into the caller: no mapping may stay after a failure) and
 * REGISTER_NOTIFICATION_EVENT on a looped pin; filter registration
 * (ks-tonegen's "registered" parameter, and finit_module of ks-tonegen
 * over the allocations of its init), interface registration
 * (ks-iface-provider's "published" parameter, and its finit_module).
 *
 * SKIPs as a whole on kernels without fail-nth or failslab (the Debian
 * ones: selftests/SKIPS); a missing filter or sample module fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/ks.h>
#include "libks.h"

#define STATS_PATH	"/sys/kernel/debug/ksfilter/stats"
#define IFACES_PATH	"/sys/kernel/debug/ksfilter/interfaces"
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_PAGE	"/sys/kernel/debug/fail_page_alloc/"
#define MAX_NTH		4000
#define NTH_COUNT	1000000u

static int nth_fd = -1;
static int test_no;
static int failed;
static char old_gfp_wait[8], old_verbose[8], old_page_verbose[8],
	    old_min_order[16];

/* ---- TAP ---- */

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++test_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failed = 1;
}

/* ---- files ---- */

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

static void chomp_copy(char *dst, size_t size, const char *path)
{
	if (read_file(path, dst, size))
		dst[0] = 0;
	dst[strcspn(dst, "\n")] = 0;
}

/* ---- fail-nth ---- */

static void set_nth(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (write(nth_fd, buf, (size_t)len) != len) {
		perror("fail-nth");
		exit(1);
	}
}

/* What is left of the count: 0 once the failure was injected. */
static unsigned int get_nth(void)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		return 1;
	return (unsigned int)strtoul(buf, NULL, 10);
}

static int setup_injection(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0 || access(FAILSLAB "ignore-gfp-wait", W_OK))
		return -1;
	chomp_copy(old_gfp_wait, sizeof(old_gfp_wait), FAILSLAB "ignore-gfp-wait");
	chomp_copy(old_verbose, sizeof(old_verbose), FAILSLAB "verbose");
	chomp_copy(old_page_verbose, sizeof(old_page_verbose),
		   FAIL_PAGE "verbose");
	chomp_copy(old_min_order, sizeof(old_min_order), FAIL_PAGE "min-order");
	if (write_file(FAILSLAB "verbose", "0") ||
	    write_file(FAILSLAB "ignore-gfp-wait", "N"))
		return -1;
	/* Page allocations are never failed (see the top of this file). */
	if (!access(FAIL_PAGE "verbose", W_OK)) {
		write_file(FAIL_PAGE "verbose", "0");
		write_file(FAIL_PAGE "min-order", "100");
	}
	return 0;
}

static void restore_injection(void)
{
	if (old_gfp_wait[0])
		write_file(FAILSLAB "ignore-gfp-wait", old_gfp_wait);
	if (old_verbose[0])
		write_file(FAILSLAB "verbose", old_verbose);
	if (old_page_verbose[0])
		write_file(FAIL_PAGE "verbose", old_page_verbose);
	if (old_min_order[0])
		write_file(FAIL_PAGE "min-order", old_min_order);
}

/* ---- the state that must come back ---- */

struct snapshot {
	char stats[256];
	char ifaces[2048];
};

static void snap(struct snapshot *s)
{
	if (read_file(STATS_PATH, s->stats, sizeof(s->stats)))
		s->stats[0] = 0;
	if (read_file(IFACES_PATH, s->ifaces, sizeof(s->ifaces)))
		s->ifaces[0] = 0;
}

static bool same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	return !strcmp(a->stats, b->stats) && !strcmp(a->ifaces, b->ifaces);
}

/* ---- the sweep ---- */

struct call {
	const char *name;
	/* The one system call under fail-nth: >= 0 or -errno. */
	int (*op)(struct call *c);
	/* Undo a success (close the pin, unregister...), without fail-nth. */
	void (*undo)(struct call *c, int ret);
	/* A further check after each step; NULL or a reason it is wrong. */
	const char *(*check)(struct call *c, int ret);
	void *ctx;
	int fd;
	unsigned int first, last;	/* N range; last 0: until done */
};

/*
 * N = first, first + 1, ... until the call succeeds with nothing
 * injected.  Returns the number of injected failures, or -1 on a failure
 * (reported).  A sweep that injected nothing tested nothing, and one that
 * ran out of N before the call succeeded did not see its end: both fail.
 */
static int sweep(struct call *c)
{
	struct snapshot base, now;
	unsigned int n, injected_count = 0, absorbed = 0;
	bool injected, done = false;
	const char *why;
	int ret;

	snap(&base);
	for (n = c->first ? c->first : 1; n < (c->first ? c->first : 1) + MAX_NTH; n++) {
		set_nth(n);
		ret = c->op(c);
		injected = get_nth() == 0;
		set_nth(0);
		if (ret >= 0) {
			if (injected)
				absorbed++;
			if (c->undo)
				c->undo(c, ret);
		} else if (!injected) {
			result(false, "%s: fails without an injected failure: %s",
			       c->name, strerror(-ret));
			return -1;
		} else if (ret != -ENOMEM) {
			result(false, "%s: allocation %u failing gives %s, not ENOMEM",
			       c->name, n, strerror(-ret));
			return -1;
		}
		injected_count += injected;
		why = c->check ? c->check(c, ret) : NULL;
		snap(&now);
		if (!why && !same_snapshot(&base, &now))
			why = "live objects not back to their start values";
		if (why) {
			result(false, "%s: after allocation %u failed (%s): %s",
			       c->name, n, ret < 0 ? strerror(-ret) : "call succeeded",
			       why);
			printf("# before:\n%s%s# after:\n%s%s", base.stats,
			       base.ifaces, now.stats, now.ifaces);
			return -1;
		}
		if (!injected || (c->last && n >= c->last)) {
			done = true;
			break;
		}
	}
	if (!done) {
		result(false, "%s: still failing after %u allocations failed in turn",
		       c->name, MAX_NTH);
		return -1;
	}
	if (!injected_count) {
		result(false, "%s: no allocation of the call was failed: nothing tested",
		       c->name);
		return -1;
	}
	result(true, "%s: %u allocations failed in turn (%u absorbed), each cleanly",
	       c->name, injected_count, absorbed);
	return (int)injected_count;
}

/* ---- pin creation ---- */

struct create_ctx {
	int filter;
	uint64_t req[512];
	uint32_t size;
	uint32_t access;
};

static int op_create(struct call *c)
{
	struct create_ctx *x = c->ctx;
	struct ks_create_pin args = {
		.connect = (uintptr_t)x->req,
		.connect_size = x->size,
		.desired_access = x->access,
		.flags = O_CLOEXEC,
	};
	int fd = ioctl(x->filter, KS_IOCTL_CREATE_PIN, &args);

	return fd < 0 ? -errno : fd;
}

static void undo_close(struct call *c, int ret)
{
	(void)c;
	close(ret);
}

/* ---- events and clocks on a pin ---- */

struct event_ctx {
	int pin, efd;
	struct ks_event_data data;	/* its address names the event */
};

static int op_enable_event(struct call *c)
{
	struct event_ctx *e = c->ctx;
	struct ks_identifier ev = {
		.set = KSEVENTSETID_CONNECTION,
		.id = KSEVENT_CONNECTION_ENDOFSTREAM,
		.flags = KSEVENT_TYPE_ENABLE,
	};
	struct ks_ioctl_buffers io = {
		.in = (uintptr_t)&ev,
		.in_size = sizeof(ev),
		.out = (uintptr_t)&e->data,
		.out_size = sizeof(e->data),
	};

	e->data = (struct ks_event_data){
		.notification_type = KSEVENTF_EVENT_HANDLE,
		.handle = (uint64_t)e->efd,
	};
	return ioctl(e->pin, KS_IOCTL_ENABLE_EVENT, &io) ? -errno : 0;
}

static void undo_enable_event(struct call *c, int ret)
{
	struct event_ctx *e = c->ctx;
	struct ks_ioctl_buffers io = {
		.in = (uintptr_t)&e->data,
		.in_size = sizeof(e->data),
	};

	(void)ret;
	ioctl(e->pin, KS_IOCTL_DISABLE_EVENT, &io);
}

static int op_create_clock(struct call *c)
{
	struct ks_create_clock req = { .flags = O_CLOEXEC };
	int fd = ioctl(*(int *)c->ctx, KS_IOCTL_CREATE_CLOCK, &req);

	return fd < 0 ? -errno : fd;
}

/* @rate Hz stereo 16-bit PCM for @pin_id; @extra bytes of cb_size. */
static void build_request_at(struct create_ctx *x, uint32_t pin_id,
			     uint16_t extra, uint32_t rate)
{
	struct ks_dataformat_waveformatex fmt;
	uint8_t buf[sizeof(fmt) + 1024] = { 0 };
	int size;

	ks_build_audio_format(&fmt, KS_SAMPLE_PCM, rate, 2, 16);
	fmt.data_format.format_size += extra;
	fmt.wave_format.cb_size = extra;
	memcpy(buf, &fmt, sizeof(fmt));
	size = ks_connect_build(x->req, sizeof(x->req), pin_id, buf,
				(uint32_t)sizeof(fmt) + extra);
	x->size = size > 0 ? (uint32_t)size : 0;
}

/* 48 kHz stereo 16-bit PCM for @pin_id; @extra bytes of cb_size. */
static void build_request(struct create_ctx *x, uint32_t pin_id, uint16_t extra)
{
	build_request_at(x, pin_id, extra, 48000);
}

/*
 * A pin connected to a peer (KSPIN_CONNECT.PinToHandle): ks-tonegen's
 * Source pin to a fresh ks-loopback Render pin.  A pin takes part in one
 * connection in its life (docs/graphs.md, 14e), so a success gets a new
 * Render pin for the next step; a failure must leave the old one
 * connectable, which the next step then shows.
 */
struct peer_ctx {
	struct create_ctx create;	/* first: the call's ctx */
	int lb;
	int render;
};

static int new_render(struct peer_ctx *x)
{
	struct create_ctx r = { .filter = x->lb, .access = KS_GENERIC_WRITE };
	uint64_t handle;

	build_request(&r, 0, 0);
	x->render = op_create(&(struct call){ .ctx = &r });
	handle = x->render < 0 ? 0 : (uint64_t)x->render;
	/* The request is a byte blob: no struct access into it. */
	memcpy((uint8_t *)x->create.req +
	       offsetof(struct ks_pin_connect, pin_to_handle),
	       &handle, sizeof(handle));
	return x->render;
}

static void undo_connected(struct call *c, int ret)
{
	struct peer_ctx *x = c->ctx;

	close(ret);
	close(x->render);
	new_render(x);
}

/* ---- properties ---- */

struct prop_ctx {
	int fd;
	uint64_t in[128];
	uint32_t in_size;
	uint64_t out[512];
	uint32_t out_size;
};

static int op_property(struct call *c)
{
	struct prop_ctx *x = c->ctx;
	struct ks_ioctl_buffers io = {
		.in = (uintptr_t)x->in,
		.in_size = x->in_size,
		.out = (uintptr_t)x->out,
		.out_size = x->out_size,
	};

	return ioctl(x->fd, KS_IOCTL_PROPERTY, &io) < 0 ? -errno : 0;
}

static void prop_init(struct prop_ctx *x, int fd, const struct ks_guid *set,
		      uint32_t id, uint32_t flags, uint32_t pin_id)
{
	struct ks_p_pin *p = (void *)x->in;

	memset(x, 0, sizeof(*x));
	x->fd = fd;
	p->property.set = *set;
	p->property.id = id;
	p->property.flags = flags;
	p->pin_id = pin_id;
	x->in_size = sizeof(*p);
	x->out_size = sizeof(x->out);
}

/* DATAFORMAT set on the pin: a failure leaves the old format in place. */
struct format_ctx {
	struct prop_ctx prop;
	int pin;
	uint8_t old[256];
	uint32_t old_size;
};

static const char *check_format_kept(struct call *c, int ret)
{
	struct format_ctx *x = c->ctx;
	uint32_t size;
	void *now = ks_pin_get_dataformat(x->pin, &size);
	const char *why = NULL;

	if (!now)
		return "DATAFORMAT get failed";
	if (ret < 0 && (size != x->old_size || memcmp(now, x->old, size)))
		why = "a failed set changed the format";
	free(now);
	/* Back to the old format for the next step. */
	if (ret >= 0 && ks_pin_set_dataformat(x->pin, x->old, x->old_size))
		why = "cannot set the old format back";
	return why;
}

/* ---- modules ---- */

static const char *module_dir(void)
{
	const char *d = getenv("KS_MODULE_DIR");

	return d && *d ? d : "/lib/ks";
}

struct module_ctx {
	const char *file;	/* ks-tonegen.ko */
	const char *name;	/* ks_tonegen */
	const char *params;	/* for finit_module */
	const char *param;	/* the parameter that registers: registered */
	int ko;			/* fd of the .ko */
};

static int load(struct module_ctx *m, const char *params)
{
	return syscall(SYS_finit_module, m->ko, params, 0) < 0 ? -errno : 0;
}

static int unload(struct module_ctx *m)
{
	return syscall(SYS_delete_module, m->name, O_NONBLOCK) < 0 ? -errno : 0;
}

static bool loaded(struct module_ctx *m)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", m->name);
	return !access(path, F_OK);
}

static int op_load(struct call *c)
{
	struct module_ctx *m = c->ctx;

	return load(m, m->params);
}

static void undo_load(struct call *c, int ret)
{
	(void)ret;
	unload(c->ctx);
}

static const char *check_unloaded(struct call *c, int ret)
{
	(void)ret;
	return loaded(c->ctx) ? "the module is still loaded" : NULL;
}

static int op_param(struct call *c)
{
	return pwrite(c->fd, "1", 1, 0) < 0 ? -errno : 0;
}

static void undo_param(struct call *c, int ret)
{
	(void)ret;
	if (pwrite(c->fd, "0", 1, 0) < 0)
		perror("param");
}

/* Fault-injection points a load with @params passes. */
static int count_points(struct module_ctx *m, const char *params,
			unsigned int *count)
{
	int ret;

	set_nth(NTH_COUNT);
	ret = load(m, params);
	*count = NTH_COUNT - get_nth();
	set_nth(0);
	if (!ret)
		unload(m);
	return ret;
}

/*
 * Points after the module's init that fail without failing the load (the
 * module's uevent): counted down from the top of a load whose init
 * allocates nothing.
 */
static unsigned int count_tail(struct module_ctx *m, const char *params,
			       unsigned int total)
{
	unsigned int j;
	int ret;

	for (j = 0; j < 32 && j < total; j++) {
		set_nth(total - j);
		ret = load(m, params);
		set_nth(0);
		if (ret)
			break;
		unload(m);
	}
	return j;
}

/*
 * Registration by a module: the parameter write that registers again, then
 * finit_module over its init's allocations.  The loader's own allocations
 * come before init and are left alone: some are vmalloc's, whose failure
 * prints a stack (see the top of this file).  Which points are init's is
 * measured: a load whose init registers nothing (@off_params) passes T0
 * points, a normal one T1; init's are the T1 - T0 before the points after
 * init (counted by count_tail()).
 */
static void module_sweeps(struct module_ctx *m, const char *what,
			  const char *off_params)
{
	char path[256], name[128];
	unsigned int t0, t1, tail, first;
	struct call c = { 0 };
	int ret;

	snprintf(path, sizeof(path), "%s/%s", module_dir(), m->file);
	m->ko = open(path, O_RDONLY | O_CLOEXEC);
	if (m->ko < 0) {
		result(false, "%s: no %s", what, path);
		result(false, "%s: no %s", what, path);
		return;
	}
	if (loaded(m) && unload(m)) {
		result(false, "%s: %s is loaded and busy", what, m->name);
		result(false, "%s: %s is loaded and busy", what, m->name);
		return;
	}

	/* The parameter write: registration alone. */
	ret = load(m, off_params);
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", m->name,
		 m->param);
	c.fd = ret ? -1 : open(path, O_WRONLY | O_CLOEXEC);
	if (c.fd < 0) {
		result(false, "%s: load with %s: %s", what, off_params,
		       strerror(ret ? -ret : errno));
	} else {
		snprintf(name, sizeof(name), "%s (%s=1)", what, m->param);
		c.name = name;
		c.op = op_param;
		c.undo = undo_param;
		sweep(&c);
		close(c.fd);
	}
	unload(m);

	/* finit_module over init's allocations. */
	if (count_points(m, off_params, &t0) || count_points(m, "", &t1) ||
	    t1 <= t0) {
		result(false, "%s: cannot count the load's allocations (%u, %u)",
		       what, t0, t1);
		return;
	}
	tail = count_tail(m, off_params, t0);
	first = t1 - tail - (t1 - t0);
	printf("# %s: a load passes %u points, %u with registration, %u after init\n",
	       what, t0, t1, tail);
	memset(&c, 0, sizeof(c));
	snprintf(name, sizeof(name), "%s (finit_module, points %u-%u)", what,
		 first + 1, t1);
	c.name = name;
	c.op = op_load;
	c.undo = undo_load;
	c.check = check_unloaded;
	c.ctx = m;
	m->params = "";
	c.first = first + 1;
	sweep(&c);
}

/* Creation with a peer: the connection's allocation fails in turn too. */
static void connected_sweep(int lb, int tg)
{
	static struct peer_ctx peer;
	struct call c;

	peer.lb = lb;
	peer.create.filter = tg;
	peer.create.access = KS_GENERIC_READ;
	build_request(&peer.create, 3, 0);	/* ks-tonegen's Source pin */
	if (new_render(&peer) < 0) {
		result(false, "create pin connected to a peer: Render pin: %s",
		       strerror(-peer.render));
		return;
	}
	c = (struct call){ .name = "create pin connected to a peer "
				   "(ks-tonegen Source -> ks-loopback Render)",
			   .op = op_create, .undo = undo_connected,
			   .ctx = &peer };
	sweep(&c);
	close(peer.render);
}

/* ---- ks-audio: a card's streaming pins, its load with cards=4 ---- */

#define AUDIO_PARAMS	"cards=4"

/*
 * A streaming pin of ks-audio's last card, @other the card's other
 * streaming pin at the other rate: a card runs at the rate of its first
 * open streaming pin, and a creation that failed must not have set it.
 */
struct audio_ctx {
	struct create_ctx create;	/* first: the call's ctx */
	struct create_ctx other;
};

static const char *check_rate_free(struct call *c, int ret)
{
	struct audio_ctx *x = c->ctx;
	int fd = op_create(&(struct call){ .ctx = &x->other });

	(void)ret;
	if (fd < 0)
		return "the card's other pin is refused at the other rate";
	close(fd);
	return NULL;
}

/*
 * Render at 44100 Hz on the last card, alone (each step checked with
 * Capture at 48000 Hz); then Capture at 48000 Hz while Render at 48000
 * Hz is open, the path where the card's rate is already set.
 */
static void audio_pin_sweeps(int wave)
{
	static struct audio_ctx x;
	struct call c;
	int render;

	x.create.filter = wave;
	x.create.access = KS_GENERIC_WRITE;
	build_request_at(&x.create, 0, 0, 44100);
	x.other.filter = wave;
	x.other.access = KS_GENERIC_READ;
	build_request_at(&x.other, 3, 0, 48000);
	c = (struct call){ .name = "create pin (ks-audio Render, then Capture at 48 kHz)",
			   .op = op_create, .undo = undo_close,
			   .check = check_rate_free, .ctx = &x };
	sweep(&c);

	build_request_at(&x.create, 0, 0, 48000);
	render = op_create(&(struct call){ .ctx = &x.create });
	if (render < 0) {
		result(false, "create pin (ks-audio Capture): Render: %s",
		       strerror(-render));
		return;
	}
	c = (struct call){ .name = "create pin (ks-audio Capture, Render open at its rate)",
			   .op = op_create, .undo = undo_close, .ctx = &x.other };
	sweep(&c);
	close(render);
}

/*
 * finit_module of ks-audio with cards=4 over its init's allocations.
 * Its init allocates nothing but the cards' registrations, so a card's
 * points are what a load with cards=2 passes beyond one with cards=1,
 * and init's begin that many points before the end of a cards=1 load's
 * init (module_sweeps() measures the same with a load that registers
 * nothing, which ks-audio has not).
 */
static void audio_load_sweep(struct module_ctx *m)
{
	unsigned int t1, t2, t4, k, k2, kmin, tail, first;
	char name[128];
	struct call c;

	if (count_points(m, "cards=1", &t1) || count_points(m, "cards=2", &t2) ||
	    count_points(m, AUDIO_PARAMS, &t4) || t2 <= t1) {
		result(false, "ks-audio load: cannot count its allocations (%u, %u)",
		       t1, t2);
		return;
	}
	/*
	 * Not quite the same for each card (one of them up to a few points
	 * more or fewer, run to run): the largest puts init's start never
	 * among the loader's, and each card must come within an eighth of it.
	 */
	k2 = (t4 - t2 + 1) / 2;
	k = t2 - t1 > k2 ? t2 - t1 : k2;
	kmin = t2 - t1 < k2 ? t2 - t1 : k2;
	tail = count_tail(m, AUDIO_PARAMS, t4);
	printf("# ks-audio: a load with 1, 2, 4 cards passes %u, %u, %u points, %u after init\n",
	       t1, t2, t4, tail);
	if (kmin < k - k / 8 || t1 < tail + k) {
		result(false, "ks-audio load: a card does not cost the same points each (%u, %u, %u)",
		       t1, t2, t4);
		return;
	}
	first = t1 - tail - k;
	snprintf(name, sizeof(name), "filter registration (ks-audio " AUDIO_PARAMS
		 ", finit_module, points %u-%u)", first + 1, t4);
	c = (struct call){ .name = name, .op = op_load, .undo = undo_load,
			   .check = check_unloaded, .ctx = m,
			   .first = first + 1 };
	m->params = AUDIO_PARAMS;
	sweep(&c);
}

/*
 * A property whose value is allocated, of a kind the DATARANGES sweep is
 * not: the 14 node types of ks-audio's last topology filter (232 bytes;
 * a value of up to 128 bytes is kept in the call, allocating nothing).
 */
static void audio_topology_sweep(void)
{
	static const struct ks_guid topo_set = KSPROPSETID_TOPOLOGY;
	static struct prop_ctx prop;
	struct call c;
	int idx, topo;

	idx = ks_find_filter("ks-audio-topo-3");
	topo = idx < 0 ? -1 : ks_open_filter((unsigned int)idx, O_RDWR);
	if (topo < 0) {
		result(false, "property TOPOLOGY NODES (ks-audio): open ks-audio-topo-3: %s",
		       strerror(errno));
		return;
	}
	prop_init(&prop, topo, &topo_set, KSPROPERTY_TOPOLOGY_NODES,
		  KSPROPERTY_TYPE_GET, 0);
	prop.in_size = sizeof(struct ks_identifier);
	c = (struct call){ .name = "property TOPOLOGY NODES (ks-audio, 14 nodes)",
			   .op = op_property, .ctx = &prop };
	sweep(&c);
	close(topo);
}

static void audio_sweeps(void)
{
	struct module_ctx m = {
		.file = "ks-audio.ko", .name = "ks_audio", .ko = -1,
	};
	char path[256];
	int idx, wave;

	snprintf(path, sizeof(path), "%s/%s", module_dir(), m.file);
	m.ko = open(path, O_RDONLY | O_CLOEXEC);
	if (m.ko < 0 || (loaded(&m) && unload(&m))) {
		result(false, "ks-audio: no %s, or loaded and busy", path);
		result(false, "ks-audio: no %s, or loaded and busy", path);
		result(false, "ks-audio: no %s, or loaded and busy", path);
		result(false, "ks-audio: no %s, or loaded and busy", path);
		if (m.ko >= 0)
			close(m.ko);
		return;
	}
	idx = load(&m, AUDIO_PARAMS) ? -1 : ks_find_filter("ks-audio-wave-3");
	wave = idx < 0 ? -1 : ks_open_filter((unsigned int)idx, O_RDWR);
	if (wave >= 0) {
		audio_pin_sweeps(wave);
		close(wave);
		audio_topology_sweep();
	} else {
		result(false, "create pin (ks-audio): load with " AUDIO_PARAMS
		       " or open ks-audio-wave-3: %s", strerror(errno));
		result(false, "create pin (ks-audio Capture)");
		result(false, "property TOPOLOGY NODES (ks-audio)");
	}
	unload(&m);
	audio_load_sweep(&m);
	close(m.ko);
}

/* ---- WaveRT on a looped ks-loopback Render pin ---- */

struct rt_ctx {
	int pin, efd;
	uint32_t id;		/* BUFFER_WITH_NOTIFICATION or REGISTER_... */
	int maps;		/* the pin's mappings before the sweep */
	struct ks_rtaudio_buffer value;
};

/* The mappings of pin files in this process. */
static int pin_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "ksfilter-pin") != NULL;
	fclose(f);
	return n;
}

static int op_rtaudio(struct call *c)
{
	struct rt_ctx *x = c->ctx;
	struct ks_rtaudio_buffer_property_with_notification in = {
		.property = { .set = KSPROPSETID_RTAUDIO, .id = x->id,
			      .flags = KSPROPERTY_TYPE_GET },
		.requested_buffer_size = 8192,
		.notification_count = 2,
	};
	struct ks_rtaudio_notification_event_property ev = {
		.property = in.property,
		.notification_event = (uint64_t)x->efd,
	};
	struct ks_ioctl_buffers io = { 0 };

	if (x->id == KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION) {
		io.in = (uintptr_t)&in;
		io.in_size = sizeof(in);
		io.out = (uintptr_t)&x->value;
		io.out_size = sizeof(x->value);
	} else {
		io.in = (uintptr_t)&ev;
		io.in_size = sizeof(ev);
	}
	return ioctl(x->pin, KS_IOCTL_PROPERTY, &io) ? -errno : 0;
}

/* Unmap the buffer a BUFFER mapped, or unregister the event. */
static void undo_rtaudio(struct call *c, int ret)
{
	struct rt_ctx *x = c->ctx;
	unsigned long start, end;
	char line[512];
	FILE *f;

	(void)ret;
	if (x->id != KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION) {
		x->id = KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT;
		op_rtaudio(c);
		x->id = KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT;
		return;
	}
	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    x->value.buffer_address >= start &&
		    x->value.buffer_address < end) {
			munmap((void *)start, end - start);
			break;
		}
	if (f)
		fclose(f);
}

static const char *check_no_mapping(struct call *c, int ret)
{
	struct rt_ctx *x = c->ctx;

	(void)ret;
	return pin_maps() != x->maps ? "a mapping of the pin is left behind" :
				       NULL;
}

/*
 * BUFFER_WITH_NOTIFICATION (maps the buffer: the mapping's own allocations
 * too) and REGISTER_NOTIFICATION_EVENT on a looped Render pin.
 */
static void wavert_sweeps(struct create_ctx *create)
{
	static const uint32_t looped = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	static struct rt_ctx rt;
	struct call c;

	create->access = KS_GENERIC_READ | KS_GENERIC_WRITE;
	build_request(create, 0, 0);
	memcpy((uint8_t *)create->req +
	       offsetof(struct ks_pin_connect, interface.id), &looped,
	       sizeof(looped));
	rt.pin = op_create(&(struct call){ .ctx = create });
	rt.efd = eventfd(0, EFD_CLOEXEC);
	rt.maps = pin_maps();
	if (rt.pin < 0 || rt.efd < 0) {
		result(false, "WaveRT: a looped Render pin: %s",
		       strerror(rt.pin < 0 ? -rt.pin : errno));
		result(false, "WaveRT: a looped Render pin");
		goto out;
	}
	rt.id = KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION;
	c = (struct call){ .name = "WaveRT BUFFER_WITH_NOTIFICATION",
			   .op = op_rtaudio, .undo = undo_rtaudio,
			   .check = check_no_mapping, .ctx = &rt };
	sweep(&c);
	/* A buffer with notifications, so that events may be registered. */
	if (op_rtaudio(&c)) {
		result(false, "WaveRT: BUFFER_WITH_NOTIFICATION: %s",
		       strerror(errno));
		goto out;
	}
	rt.maps = pin_maps();
	rt.id = KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT;
	c = (struct call){ .name = "WaveRT REGISTER_NOTIFICATION_EVENT",
			   .op = op_rtaudio, .undo = undo_rtaudio,
			   .check = check_no_mapping, .ctx = &rt };
	sweep(&c);
	rt.id = KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION;
	undo_rtaudio(&c, 0);
out:
	if (rt.efd >= 0)
		close(rt.efd);
	if (rt.pin >= 0)
		close(rt.pin);
	create->access = KS_GENERIC_WRITE;
}

int main(void)
{
	static struct create_ctx create;
	static struct prop_ctx prop;
	static struct event_ctx event;
	static struct format_ctx format;
	struct module_ctx tonegen = {
		.file = "ks-tonegen.ko", .name = "ks_tonegen",
		.param = "registered", .ko = -1,
	};
	struct module_ctx provider = {
		.file = "ks-iface-provider.ko", .name = "ks_iface_provider",
		.param = "published", .ko = -1,
	};
	static const struct ks_guid pin_set = KSPROPSETID_PIN;
	static const struct ks_guid conn_set = KSPROPSETID_CONNECTION;
	struct ks_dataformat_waveformatex fmt;
	struct call c;
	int lb, idx, pin;
	void *old;

	printf("TAP version 13\n");
	if (access(STATS_PATH, R_OK) || (idx = ks_find_filter("ks-loopback")) < 0) {
		printf("1..1\nnot ok 1 - no ks-loopback filter or no %s\n",
		       STATS_PATH);
		return 1;
	}
	if (setup_injection()) {
		printf("1..0 # SKIP no fail-nth or failslab in this kernel\n");
		restore_injection();
		return 4;
	}
	printf("1..20\n");
	lb = ks_open_filter((unsigned int)idx, O_RDWR);

	/* Pin creation. */
	memset(&c, 0, sizeof(c));
	create.filter = lb;
	create.access = KS_GENERIC_WRITE;
	build_request(&create, 0, 0);
	c = (struct call){ .name = "create pin (ks-loopback, on the stack)",
			   .op = op_create, .undo = undo_close, .ctx = &create };
	sweep(&c);
	build_request(&create, 0, 200);
	c.name = "create pin (ks-loopback, 354 bytes, on the heap)";
	sweep(&c);

	/* Properties on the filter. */
	prop_init(&prop, lb, &pin_set, KSPROPERTY_PIN_DATARANGES,
		  KSPROPERTY_TYPE_GET, 0);
	c = (struct call){ .name = "property DATARANGES", .op = op_property,
			   .ctx = &prop };
	sweep(&c);
	prop_init(&prop, lb, &pin_set, KSPROPERTY_PIN_DATAINTERSECTION,
		  KSPROPERTY_TYPE_GET, 1);
	{
		/* A wildcard range, then the PCM one: 8 + 64 + 88 after KSP_PIN. */
		struct ks_multiple_item *list = (void *)((uint8_t *)prop.in + 32);
		struct ks_dataformat *wild = (void *)(list + 1);
		struct ks_datarange_audio *audio = (void *)(wild + 1);

		wild->format_size = sizeof(*wild);
		wild->major_format = (struct ks_guid)KSDATAFORMAT_TYPE_STREAM;
		ks_build_audio_range(audio, KS_SAMPLE_PCM, 2, 16, 16, 8000, 48000);
		list->size = sizeof(*list) + sizeof(*wild) + sizeof(*audio);
		list->count = 2;
		prop.in_size = 32 + list->size;
	}
	c.name = "property DATAINTERSECTION (168-byte in, on the heap)";
	sweep(&c);

	/* Properties on a pin. */
	build_request(&create, 0, 0);
	pin = op_create(&(struct call){ .ctx = &create });
	memset(&format, 0, sizeof(format));
	format.pin = pin;
	old = pin >= 0 ? ks_pin_get_dataformat(pin, &format.old_size) : NULL;
	if (!old || format.old_size > sizeof(format.old)) {
		result(false, "create a pin for the pin properties: %s",
		       strerror(pin < 0 ? -pin : EINVAL));
		result(false, "create a pin for the pin properties");
	} else {
		memcpy(format.old, old, format.old_size);
		free(old);
		prop_init(&format.prop, pin, &conn_set,
			  KSPROPERTY_CONNECTION_DATAFORMAT, KSPROPERTY_TYPE_SET, 0);
		format.prop.in_size = sizeof(struct ks_identifier);
		ks_build_audio_format(&fmt, KS_SAMPLE_FLOAT, 44100, 2, 32);
		memcpy(format.prop.out, &fmt, sizeof(fmt));
		format.prop.out_size = sizeof(fmt);
		c = (struct call){ .name = "property DATAFORMAT set",
				   .op = op_property, .check = check_format_kept,
				   .ctx = &format.prop };
		sweep(&c);
		prop_init(&prop, pin, &conn_set, KSPROPERTY_CONNECTION_STATE,
			  KSPROPERTY_TYPE_SET, 0);
		prop.in_size = sizeof(struct ks_identifier);
		prop.out[0] = KSSTATE_PAUSE;
		prop.out_size = sizeof(uint32_t);
		c = (struct call){ .name = "property STATE set (PAUSE)",
				   .op = op_property, .ctx = &prop };
		sweep(&c);
		event.pin = pin;
		event.efd = eventfd(0, EFD_CLOEXEC);
		c = (struct call){ .name = "event ENABLE (ENDOFSTREAM, eventfd)",
				   .op = op_enable_event,
				   .undo = undo_enable_event, .ctx = &event };
		sweep(&c);
		close(event.efd);
		c = (struct call){ .name = "clock create", .op = op_create_clock,
				   .undo = undo_close, .ctx = &pin };
		sweep(&c);
	}
	if (pin >= 0)
		close(pin);
	wavert_sweeps(&create);

	/* Filter registration: ks-tonegen; then a pin on it (provider open). */
	module_sweeps(&tonegen, "filter registration (ks-tonegen)",
		      "registered=0");
	if (tonegen.ko >= 0 && load(&tonegen, "") == 0) {
		int tg = ks_open_filter((unsigned int)ks_find_filter("ks-tonegen"),
					O_RDWR);

		create.filter = tg;
		create.access = KS_GENERIC_READ;
		build_request(&create, 0, 0);
		c = (struct call){ .name = "create pin (ks-tonegen: the provider's open)",
				   .op = op_create, .undo = undo_close,
				   .ctx = &create };
		sweep(&c);
		connected_sweep(lb, tg);
		close(tg);
		unload(&tonegen);
	} else if (tonegen.ko < 0) {
		result(false, "create pin (ks-tonegen): no ks-tonegen.ko");
	} else {
		result(false, "create pin (ks-tonegen): load ks-tonegen: %s",
		       strerror(errno));
	}

	/* Interface registration: ks-iface-provider. */
	module_sweeps(&provider, "interface registration (ks-iface-provider)",
		      "published=0");

	/* A card of ks-audio: its streaming pins, its load. */
	audio_sweeps();

	if (tonegen.ko >= 0)
		close(tonegen.ko);
	if (provider.ko >= 0)
		close(provider.ko);
	close(lb);
	restore_injection();
	return failed;
}
