// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter benchmarks, run inside the VM by `make bench`.
 *
 * Every comparison times our operation and a baseline doing the same kind of
 * work in the same run, and prints "ratio NAME VALUE" (ours / baseline, lower
 * is better) followed by the absolute numbers.  Absolute times drift on shared
 * machines and under TCG; ratios measured side by side do much less.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/ks.h>

#include "../../module/samples/ks-audio.h"
#include "../../module/samples/ks-chain.h"
#include "../../module/samples/ks-tonegen.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define ITERATIONS	100000
#define OPEN_PINS	1000

/*
 * chain_vs_userspace: bytes per run (pcm:48000:2:16), runs, chunk, and the
 * buffer every pin of the chain is given (BUFFER): a throughput chain's
 * deep queues.  chain_vs_userspace_default_queues keeps the default
 * (100 ms of audio, 64 KiB here).
 */
#define CHAIN_BYTES	(8u << 20)
#define CHAIN_RUNS	11
#define CHAIN_CHUNK	(64u << 10)
#define CHAIN_QUEUE	(1u << 20)
/* No progress for this long is a failure, not a slow machine. */
#define CHAIN_STALL_MS	20000

struct request {
	struct ks_pin_connect connect;
	struct ks_dataformat_waveformatex format;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* /dev/ksfilterN of the filter whose sysfs name is @name, opened O_RDWR. */
static int open_filter(const char *name)
{
	char path[320], buf[64];
	struct dirent *de;
	int fd = -1;
	DIR *dir;
	FILE *f;

	dir = opendir("/sys/class/ksfilter");
	if (!dir)
		return -1;
	while (fd < 0 && (de = readdir(dir))) {
		if (strncmp(de->d_name, "ksfilter", 8))
			continue;
		snprintf(path, sizeof(path), "/sys/class/ksfilter/%s/name", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && !strncmp(buf, name, strlen(name)) &&
		    buf[strlen(name)] == '\n') {
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
		}
		fclose(f);
	}
	closedir(dir);
	return fd;
}

static void build_request(struct request *req, unsigned int pin_id)
{
	static const struct ks_guid standard_if = KSINTERFACESETID_STANDARD;
	static const struct ks_guid standard_medium = KSMEDIUMSETID_STANDARD;
	static const struct ks_guid audio = KSDATAFORMAT_TYPE_AUDIO;
	static const struct ks_guid pcm = KSDATAFORMAT_SUBTYPE_PCM;
	static const struct ks_guid wfx = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
	struct ks_waveformatex *w = &req->format.wave_format;

	memset(req, 0, sizeof(*req));
	req->connect.interface.set = standard_if;
	req->connect.interface.id = KSINTERFACE_STANDARD_STREAMING;
	req->connect.medium.set = standard_medium;
	req->connect.medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	req->connect.pin_id = pin_id;
	req->connect.priority.priority_class = KSPRIORITY_NORMAL;
	req->format.data_format.format_size = sizeof(req->format);
	req->format.data_format.sample_size = 4;
	req->format.data_format.major_format = audio;
	req->format.data_format.sub_format = pcm;
	req->format.data_format.specifier = wfx;
	w->format_tag = KS_WAVE_FORMAT_PCM;
	w->channels = 2;
	w->samples_per_sec = 48000;
	w->bits_per_sample = 16;
	w->block_align = 4;
	w->avg_bytes_per_sec = 48000 * 4;
}

static int create_pin(int filter, struct request *req, unsigned int access)
{
	struct ks_create_pin cp = {
		.connect = (unsigned long)req,
		.connect_size = sizeof(struct ks_pin_connect) + sizeof(req->format),
		.desired_access = access,
		.flags = O_CLOEXEC,
	};

	return ioctl(filter, KS_IOCTL_CREATE_PIN, &cp);
}

static double time_eventfd(int n)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		int fd = eventfd(0, EFD_CLOEXEC);

		if (fd < 0) {
			perror("eventfd");
			exit(1);
		}
		close(fd);
	}
	return now() - t;
}

static double time_pins(int filter, struct request *req, unsigned int access, int n)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		int fd = create_pin(filter, req, access);

		if (fd < 0) {
			perror("KS_IOCTL_CREATE_PIN");
			exit(1);
		}
		close(fd);
	}
	return now() - t;
}

static void report(const char *name, const char *ours, double t_ours,
		   const char *base, double t_base, int n)
{
	printf("ratio %s %.3f\n", name, t_ours / t_base);
	printf("  %-36s %10.0f ns/op\n", ours, t_ours / n * 1e9);
	printf("  %-36s %10.0f ns/op\n", base, t_base / n * 1e9);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Rounds of the create benchmarks; each side's time is their median. */
#define CREATE_ROUNDS	11

/*
 * @n creations refused at row 12, the last check before the pin is made
 * (a format of one channel with two channels' block_align): what the
 * copies and the checks cost.
 */
static double time_refused(int filter, struct request *req, int n)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		if (create_pin(filter, req, KS_GENERIC_WRITE) >= 0 ||
		    errno != EDOM) {
			fprintf(stderr, "a refused creation: %s\n",
				strerror(errno));
			exit(1);
		}
	}
	return now() - t;
}

/*
 * Pin create+close on ks-loopback's Render pin against eventfd()+close:
 * CREATE_ROUNDS rounds of @n / CREATE_ROUNDS of each, the two sides
 * taking turns after a warm-up round of both.  A creation refused at row
 * 12 takes its turn too, and is printed alongside: the part of a creation
 * that is the request's checks, the rest being the pin and its file.
 */
static int bench_create(int n)
{
	double t_pin[CREATE_ROUNDS], t_efd[CREATE_ROUNDS], t_ref[CREATE_ROUNDS];
	int per = n / CREATE_ROUNDS, r, filter;
	struct request req, bad;

	filter = open_filter("ks-loopback");
	if (filter < 0) {
		fprintf(stderr, "no ks-loopback filter\n");
		return 1;
	}
	build_request(&req, 0);
	bad = req;
	bad.format.wave_format.channels = 1;
	time_pins(filter, &req, KS_GENERIC_WRITE, per);	/* warm up */
	time_eventfd(per);
	time_refused(filter, &bad, per);
	for (r = 0; r < CREATE_ROUNDS; r++) {
		t_pin[r] = time_pins(filter, &req, KS_GENERIC_WRITE, per);
		t_efd[r] = time_eventfd(per);
		t_ref[r] = time_refused(filter, &bad, per);
	}
	qsort(t_pin, CREATE_ROUNDS, sizeof(t_pin[0]), cmp_double);
	qsort(t_efd, CREATE_ROUNDS, sizeof(t_efd[0]), cmp_double);
	qsort(t_ref, CREATE_ROUNDS, sizeof(t_ref[0]), cmp_double);
	report("pin_create_vs_eventfd", "pin create+close",
	       t_pin[CREATE_ROUNDS / 2], "eventfd()+close",
	       t_efd[CREATE_ROUNDS / 2], per);
	printf("  %-36s %10.0f ns/op\n", "creation refused at row 12",
	       t_ref[CREATE_ROUNDS / 2] / per * 1e9);
	close(filter);
	return 0;
}

/*
 * ks-tonegen's pin 1 ("Control"): IN, no instance limit, the CONTROL
 * interface, ks-tonegen's own medium and a wildcard stream range.
 */
static void build_control_request(struct request *req)
{
	static const struct ks_guid standard_if = KSINTERFACESETID_STANDARD;
	static const struct ks_guid tonegen_medium = TONEGEN_MEDIUM;
	static const struct ks_guid stream = KSDATAFORMAT_TYPE_STREAM;
	static const struct ks_guid none = KSDATAFORMAT_SUBTYPE_NONE;
	static const struct ks_guid spec_none = KSDATAFORMAT_SPECIFIER_NONE;

	memset(req, 0, sizeof(*req));
	req->connect.interface.set = standard_if;
	req->connect.interface.id = KSINTERFACE_STANDARD_CONTROL;
	req->connect.medium.set = tonegen_medium;
	req->connect.pin_id = TONEGEN_PIN_CONTROL;
	req->format.data_format.format_size = sizeof(struct ks_dataformat);
	req->format.data_format.major_format = stream;
	req->format.data_format.sub_format = none;
	req->format.data_format.specifier = spec_none;
}

static int ensure_module(const char *name, const char *file,
			 const char *params);

/* OPEN_PINS pins of @req's type open (@open), or none: 0 or -1. */
static int hold_pins(int filter, struct request *req, int *fds, int open)
{
	int i;

	for (i = 0; i < OPEN_PINS; i++) {
		if (!open) {
			close(fds[i]);
			continue;
		}
		fds[i] = create_pin(filter, req, KS_GENERIC_WRITE);
		if (fds[i] < 0) {
			perror("KS_IOCTL_CREATE_PIN (holding)");
			while (i--)
				close(fds[i]);
			return -1;
		}
	}
	return 0;
}

/*
 * Creation with OPEN_PINS pins already open on the same pin type against
 * none open: CREATE_ROUNDS rounds of each, taking turns after a warm-up
 * of both, the ratio of the medians.
 */
static int bench_create_loaded(int n)
{
	static int open_fds[OPEN_PINS];
	double t_empty[CREATE_ROUNDS], t_loaded[CREATE_ROUNDS];
	int per = n / CREATE_ROUNDS, filter, r;
	struct request req;

	if (ensure_module(TONEGEN_NAME, "ks-tonegen.ko", "")) {
		fprintf(stderr, "create_1000_open_vs_0: ks-tonegen not loadable\n");
		return 1;
	}
	filter = open_filter(TONEGEN_NAME);
	if (filter < 0) {
		fprintf(stderr, "create_1000_open_vs_0: no ks-tonegen filter\n");
		return 1;
	}
	build_control_request(&req);
	for (r = -1; r < CREATE_ROUNDS; r++) {	/* round -1: the warm-up */
		double t0 = time_pins(filter, &req, KS_GENERIC_WRITE, per), t1;

		if (hold_pins(filter, &req, open_fds, 1))
			return 1;
		t1 = time_pins(filter, &req, KS_GENERIC_WRITE, per);
		hold_pins(filter, &req, open_fds, 0);
		if (r >= 0) {
			t_empty[r] = t0;
			t_loaded[r] = t1;
		}
	}
	qsort(t_empty, CREATE_ROUNDS, sizeof(t_empty[0]), cmp_double);
	qsort(t_loaded, CREATE_ROUNDS, sizeof(t_loaded[0]), cmp_double);
	report("create_1000_open_vs_0", "create+close, 1000 open",
	       t_loaded[CREATE_ROUNDS / 2], "create+close, none open",
	       t_empty[CREATE_ROUNDS / 2], per);
	close(filter);
	return 0;
}

/* ---- chain_vs_userspace ---- */

/*
 * ks-gen -> ks-gain -> ks-loopback moving CHAIN_BYTES to a reader at
 * Capture: connected (pin_to_handle: the kernel moves the data) against
 * the same pins unconnected, with this process moving every hop.  Two
 * userspace baselines: one thread doing every hop and the reading
 * (chain_vs_userspace), and the graph a userspace pipeline would build,
 * one thread per hop besides the reader, so that hops run side by side
 * on both vCPUs as the kernel's do (chain_vs_userspace_threads).  Each
 * side runs CHAIN_RUNS times on fresh pins after a warm-up, the three
 * taking turns; the ratios are of the medians.
 */

/* Load /lib/ks/@file (or $KS_MODULE_DIR) unless the filter @name exists. */
static int ensure_module(const char *name, const char *file, const char *params)
{
	const char *dir = getenv("KS_MODULE_DIR");
	char path[256];
	int fd, ret, filter;

	filter = open_filter(name);
	if (filter >= 0) {
		close(filter);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/lib/ks", file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret < 0 && errno != EEXIST ? -errno : 0;
	close(fd);
	return ret;
}

/* Property @id of @set on @pin, @flags GET or SET, @size bytes at @value. */
static int property(int pin, const struct ks_guid *set, unsigned int id,
		    unsigned int flags, void *value, unsigned int size)
{
	struct ks_identifier prop = {
		.set = *set,
		.id = id,
		.flags = flags,
	};
	struct ks_ioctl_buffers io = {
		.in = (unsigned long)&prop,
		.in_size = sizeof(prop),
		.out = (unsigned long)value,	/* the value, as DeviceIoControl */
		.out_size = size,
	};

	return ioctl(pin, KS_IOCTL_PROPERTY, &io);
}

static int set_property(int pin, const struct ks_guid *set, unsigned int id,
			void *value, unsigned int size)
{
	return property(pin, set, id, KSPROPERTY_TYPE_SET, value, size);
}

static int set_state(int pin, unsigned int state)
{
	static const struct ks_guid connection = KSPROPSETID_CONNECTION;
	__u32 value = state;

	return set_property(pin, &connection, KSPROPERTY_CONNECTION_STATE,
			    &value, sizeof(value));
}

static int set_buffer(int pin, unsigned int bytes)
{
	static const struct ks_guid stream = KSPROPSETID_KSFILTER_STREAM;
	struct ks_stream_buffer value = { .size = bytes };

	return set_property(pin, &stream, KSPROPERTY_KSFILTER_STREAM_BUFFER,
			    &value, sizeof(value));
}

/* The three filters, and the buffer size their pins get (0: default). */
struct chain_filters {
	int gen, gain, lb;
	unsigned int queue;
};

/* A non-blocking pin of pcm:48000:2:16 connected to @peer (0: none). */
static int chain_pin(int filter, unsigned int pin_id, int chain_medium,
		     unsigned int access, int peer)
{
	static const struct ks_guid medium = KS_CHAIN_MEDIUM;
	struct request req;
	struct ks_create_pin cp = {
		.connect = (unsigned long)&req,
		.connect_size = sizeof(struct ks_pin_connect) + sizeof(req.format),
		.desired_access = access,
		.flags = O_CLOEXEC | O_NONBLOCK,
	};
	int fd;

	build_request(&req, pin_id);
	if (chain_medium) {
		req.connect.medium.set = medium;
		req.connect.medium.id = KS_CHAIN_MEDIUM_ID;
	}
	req.connect.pin_to_handle = peer > 0 ? (__u64)peer : 0;
	fd = ioctl(filter, KS_IOCTL_CREATE_PIN, &cp);
	if (fd < 0)
		fprintf(stderr, "chain: pin %u of a filter: %s (reason %u)\n",
			pin_id, strerror(errno), cp.reason);
	return fd;
}

/* The pins of one run, from the reader back to the generator. */
enum { CAPTURE, RENDER, GAIN_OUT, GAIN_IN, GEN_OUT, CHAIN_PINS };

static void close_pins(int *pins)
{
	int i;

	for (i = 0; i < CHAIN_PINS; i++)
		if (pins[i] >= 0)
			close(pins[i]);
}

/*
 * Create the five pins, connected or not, give them @f's buffers, and set
 * them to RUN from the reader backwards (Capture first: Render discards
 * without it).
 */
static int chain_open(const struct chain_filters *f, int connected, int *pins)
{
	int i;

	for (i = 0; i < CHAIN_PINS; i++)
		pins[i] = -1;
	pins[CAPTURE] = chain_pin(f->lb, 1, 0, KS_GENERIC_READ, 0);
	pins[RENDER] = chain_pin(f->lb, 0, 0, KS_GENERIC_WRITE, 0);
	pins[GAIN_OUT] = chain_pin(f->gain, GAIN_PIN_OUT, 0, KS_GENERIC_READ,
				   connected ? pins[RENDER] : 0);
	pins[GAIN_IN] = chain_pin(f->gain, GAIN_PIN_IN, 1, KS_GENERIC_WRITE, 0);
	pins[GEN_OUT] = chain_pin(f->gen, GEN_PIN_OUT, 1, KS_GENERIC_READ,
				  connected ? pins[GAIN_IN] : 0);
	for (i = 0; i < CHAIN_PINS; i++) {
		if (pins[i] < 0 || (f->queue && set_buffer(pins[i], f->queue)) ||
		    set_state(pins[i], KSSTATE_RUN) < 0) {
			close_pins(pins);
			return -1;
		}
	}
	return 0;
}

/* One hop moved by userspace: read @from into the buffer, write it to @to. */
struct hop {
	int from, to;
	char *buf;
	size_t len, off;	/* bytes held, bytes of them written */
};

/*
 * Move what is available on @h without blocking.  Returns 1 if anything
 * moved, 0 if not, -1 on an error.
 */
static int hop_step(struct hop *h)
{
	ssize_t n;
	int moved = 0;

	if (h->off == h->len) {
		n = read(h->from, h->buf, CHAIN_CHUNK);
		if (n < 0 && errno != EAGAIN)
			return -1;
		if (n > 0) {
			h->len = n;
			h->off = 0;
			moved = 1;
		}
	}
	if (h->off < h->len) {
		n = write(h->to, h->buf + h->off, h->len - h->off);
		if (n < 0 && errno != EAGAIN)
			return -1;
		if (n > 0) {
			h->off += n;
			moved = 1;
		}
	}
	return moved;
}

/*
 * Read @bytes at Capture; with @hops, move them along in the same loop.
 * One thread: every hop takes only what it finds, so no bounded queue can
 * wait on another.  Returns the seconds taken, or -1.
 */
static double chain_drain(int capture, struct hop *hops, int nhops,
			  size_t bytes, char *sink)
{
	struct pollfd p[5];
	double t = now(), last = t;
	size_t got = 0;
	int i, np;

	while (got < bytes) {
		int moved = 0;
		ssize_t n;

		for (i = 0; i < nhops; i++) {
			int r = hop_step(&hops[i]);

			if (r < 0) {
				perror("chain: userspace hop");
				return -1;
			}
			moved |= r;
		}
		n = read(capture, sink, CHAIN_CHUNK);
		if (n < 0 && errno != EAGAIN) {
			perror("chain: read Capture");
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, "chain: end of stream at Capture\n");
			return -1;
		}
		if (n > 0) {
			got += n;
			moved = 1;
		}
		if (moved) {
			last = now();
			continue;
		}
		if ((now() - last) * 1000 > CHAIN_STALL_MS) {
			fprintf(stderr, "chain: stalled at %zu bytes\n", got);
			return -1;
		}
		/* Nothing to do: wait for the side each hop waits on. */
		np = 0;
		p[np++] = (struct pollfd){ .fd = capture, .events = POLLIN };
		for (i = 0; i < nhops; i++)
			p[np++] = hops[i].off == hops[i].len ?
				(struct pollfd){ .fd = hops[i].from, .events = POLLIN } :
				(struct pollfd){ .fd = hops[i].to, .events = POLLOUT };
		poll(p, np, 100);
	}
	return now() - t;
}

/*
 * A stage of the threaded graph: read exactly @bytes from @from in
 * CHAIN_CHUNK pieces and write each to @to (the reader at Capture has no
 * @to).  Blocking calls, as a pipeline's threads would make; @done
 * shows progress to the watchdog.
 */
struct stage {
	int from, to;
	char *buf;
	size_t bytes;
	size_t done;		/* __atomic */
	double end;		/* when the last byte was moved */
	pthread_t thread;
	int failed;
};

static void *stage_thread(void *arg)
{
	struct stage *st = arg;
	size_t done = 0;

	while (done < st->bytes) {
		size_t want = st->bytes - done, off = 0;
		ssize_t n;

		n = read(st->from, st->buf, want < CHAIN_CHUNK ? want : CHAIN_CHUNK);
		if (n <= 0)
			goto fail;
		while (st->to >= 0 && off < (size_t)n) {
			ssize_t w = write(st->to, st->buf + off, n - off);

			if (w <= 0)
				goto fail;
			off += w;
		}
		done += n;
		__atomic_store_n(&st->done, done, __ATOMIC_RELAXED);
	}
	st->end = now();
	return NULL;
fail:
	st->failed = 1;
	perror("chain: stage thread");
	return NULL;
}

/* How a run moves the hops: the kernel, one thread, a thread per hop. */
enum chain_side { CONNECTED, ONE_THREAD, THREAD_PER_HOP, CHAIN_SIDES };

/*
 * Move @bytes from the generator to Capture with a thread per hop and a
 * reader thread, all blocking; this thread only watches.  A stage that
 * makes no progress for CHAIN_STALL_MS cannot be woken from its blocking
 * call, so a stall ends the benchmark.  Returns the seconds taken, or -1.
 */
static double chain_threads(int *pins, size_t bytes, char *bufs)
{
	struct stage st[3] = {
		{ .from = pins[GEN_OUT], .to = pins[GAIN_IN], .buf = bufs,
		  .bytes = bytes },
		{ .from = pins[GAIN_OUT], .to = pins[RENDER],
		  .buf = bufs + CHAIN_CHUNK, .bytes = bytes },
		{ .from = pins[CAPTURE], .to = -1,
		  .buf = bufs + 2 * CHAIN_CHUNK, .bytes = bytes },
	};
	size_t seen = 0, sum;
	double t, last;
	int i, started = 0, failed = 0;

	/* Blocking calls: the pins were made non-blocking for the others. */
	for (i = 0; i < CHAIN_PINS; i++)
		if (fcntl(pins[i], F_SETFL, 0))
			return -1;
	t = last = now();
	for (i = 0; i < 3; i++) {
		if (pthread_create(&st[i].thread, NULL, stage_thread, &st[i]))
			break;
		started++;
	}
	while (started == 3 &&
	       __atomic_load_n(&st[2].done, __ATOMIC_RELAXED) < bytes &&
	       !st[0].failed && !st[1].failed && !st[2].failed) {
		usleep(100000);
		for (sum = 0, i = 0; i < 3; i++)
			sum += __atomic_load_n(&st[i].done, __ATOMIC_RELAXED);
		if (sum != seen) {
			seen = sum;
			last = now();
		} else if ((now() - last) * 1000 > CHAIN_STALL_MS) {
			fprintf(stderr, "chain: stalled at %zu bytes\n",
				st[2].done);
			exit(1);
		}
	}
	for (i = 0; i < started; i++) {
		pthread_join(st[i].thread, NULL);
		failed |= st[i].failed;
	}
	/* The reader's last byte, not the watchdog's next look, ends it. */
	return failed || started < 3 ? -1 : st[2].end - t;
}

/* One run on fresh pins; the seconds, or -1. */
static double chain_run(const struct chain_filters *f, enum chain_side side,
			size_t bytes, char *bufs)
{
	struct hop hops[2];
	int pins[CHAIN_PINS];
	char *sink = bufs + 2 * CHAIN_CHUNK;
	double t;

	if (chain_open(f, side == CONNECTED, pins))
		return -1;
	hops[0] = (struct hop){ .from = pins[GEN_OUT], .to = pins[GAIN_IN],
				.buf = bufs };
	hops[1] = (struct hop){ .from = pins[GAIN_OUT], .to = pins[RENDER],
				.buf = bufs + CHAIN_CHUNK };
	if (side == THREAD_PER_HOP)
		t = chain_threads(pins, bytes, bufs);
	else
		t = chain_drain(pins[CAPTURE], hops, side == CONNECTED ? 0 : 2,
				bytes, sink);
	close_pins(pins);
	return t;
}

/* The median of CHAIN_RUNS runs of each side, taking turns; or -1. */
static int chain_median(const struct chain_filters *f, double *med,
			char *bufs)
{
	double t[CHAIN_SIDES][CHAIN_RUNS];
	int i, s;

	for (i = 0; i < CHAIN_RUNS; i++) {
		for (s = 0; s < CHAIN_SIDES; s++) {
			t[s][i] = chain_run(f, s, CHAIN_BYTES, bufs);
			if (t[s][i] < 0)
				return -1;
		}
	}
	for (s = 0; s < CHAIN_SIDES; s++) {
		qsort(t[s], CHAIN_RUNS, sizeof(t[s][0]), cmp_double);
		med[s] = t[s][CHAIN_RUNS / 2];
	}
	return 0;
}

/*
 * All three sides with @f's buffers: warm-up, medians, the ratios
 * chain_vs_userspace_threads@suffix and chain_vs_userspace@suffix.
 */
static int chain_compare(struct chain_filters *f, const char *suffix,
			 char *bufs)
{
	static const char *const what[CHAIN_SIDES] = {
		"connected chain, 8 MiB",
		"one thread moving each hop",
		"a thread per hop",
	};
	double med[CHAIN_SIDES];
	int s;

	for (s = 0; s < CHAIN_SIDES; s++)
		if (chain_run(f, s, CHAIN_BYTES / 8, bufs) < 0)
			return -1;
	if (chain_median(f, med, bufs))
		return -1;
	printf("ratio chain_vs_userspace_threads%s %.3f\n", suffix,
	       med[CONNECTED] / med[THREAD_PER_HOP]);
	printf("ratio chain_vs_userspace%s %.3f\n", suffix,
	       med[CONNECTED] / med[ONE_THREAD]);
	for (s = 0; s < CHAIN_SIDES; s++)
		printf("  %-36s %10.1f ms (%.0f MB/s)\n", what[s],
		       med[s] * 1e3, CHAIN_BYTES / med[s] / 1e6);
	return 0;
}

/* @n, the iteration count, is the creation benchmarks': not used. */
static int bench_chain(int n)
{
	struct chain_filters f = { -1, -1, -1, CHAIN_QUEUE };
	char *bufs;
	int ret = 1;

	(void)n;
	if (ensure_module(GEN_NAME, "ks-gen.ko", "") ||
	    ensure_module(GAIN_NAME, "ks-gain.ko", "filters=2")) {
		fprintf(stderr, "chain: ks-gen or ks-gain not loadable\n");
		return 1;
	}
	f.gen = open_filter(GEN_NAME);
	f.gain = open_filter(GAIN_NAME);
	f.lb = open_filter("ks-loopback");
	bufs = malloc(3 * CHAIN_CHUNK);
	if (f.gen < 0 || f.gain < 0 || f.lb < 0 || !bufs) {
		fprintf(stderr, "chain: cannot open ks-gen, ks-gain, ks-loopback\n");
		goto out;
	}
	if (chain_compare(&f, "", bufs))
		goto out;
	f.queue = 0;
	if (chain_compare(&f, "_default_queues", bufs))
		goto out;
	ret = 0;
out:
	free(bufs);
	if (f.gen >= 0)
		close(f.gen);
	if (f.gain >= 0)
		close(f.gain);
	if (f.lb >= 0)
		close(f.lb);
	return ret;
}

/* ---- prop_get_vs_noop_ioctl ---- */

/*
 * The property path against the cheapest ioctl the same fd answers: a
 * command it does not know, refused with ENOTTY before anything is read.
 * Both go through the same system call with the same 40-byte argument, so
 * the difference is the KS property's own work: the request's copies, the
 * table lookup, the filter's gate, the handler and the value written
 * back.  The properties, each against that baseline:
 *
 *	PIN_CTYPES GET on the filter fd (the one with the goal)
 *	PIN_DATARANGES GET of ks-wide's pin, 100 ranges (8.8 KB)
 *	CONNECTION_STATE GET on a pin fd
 *	VOLUMELEVEL GET of channel 0 of ks-audio's wave volume node
 *
 * Each is timed in PROP_ROUNDS rounds of PROP_CALLS calls, the baseline
 * taking its turn in every round, and the ratios are of the medians.
 */
#define PROP_ROUNDS	15
#define PROP_CALLS	4000
#define KS_IOCTL_UNKNOWN	_IOWR(KS_IOCTL_MAGIC, 0x7f, struct ks_ioctl_buffers)

enum { PROP_NOOP, PROP_CTYPES, PROP_RANGES, PROP_STATE, PROP_NODE, PROP_KINDS };

struct prop_call {
	const char *name;	/* the ratio's, NULL for the baseline */
	const char *what;
	int fd;
	unsigned long cmd;
	int expect;		/* the errno the call ends with, 0: success */
	struct ks_ioctl_buffers io;
	union {
		struct ks_identifier prop;
		struct ks_p_pin pin;
		struct ks_node_property_audio_channel node;
	} in;
	char out[16384];
};

static void prop_setup(struct prop_call *c, int fd, const struct ks_guid *set,
		       unsigned int id, unsigned int in_size,
		       unsigned int out_size)
{
	c->fd = fd;
	c->cmd = KS_IOCTL_PROPERTY;
	c->in.prop.set = *set;
	c->in.prop.id = id;
	c->in.prop.flags |= KSPROPERTY_TYPE_GET;
	c->io.in = (unsigned long)&c->in;
	c->io.in_size = in_size;
	c->io.out = (unsigned long)c->out;
	c->io.out_size = out_size;
}

/* @n calls of @c: the seconds, or -1 if one did not end as expected. */
static double prop_time(struct prop_call *c, int n)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		int r = ioctl(c->fd, c->cmd, &c->io);

		if ((c->expect && (r != -1 || errno != c->expect)) ||
		    (!c->expect && r)) {
			fprintf(stderr, "prop: %s: %s\n", c->what,
				r ? strerror(errno) : "succeeded");
			return -1;
		}
	}
	return now() - t;
}

/*
 * The five calls.  Those whose filter is missing are left out (fd -1);
 * ks-loopback's and ks-wide's must be there.
 */
static int prop_open(struct prop_call *c, int *pin)
{
	static const struct ks_guid pinset = KSPROPSETID_PIN;
	static const struct ks_guid conn = KSPROPSETID_CONNECTION;
	static const struct ks_guid audio = KSPROPSETID_AUDIO;
	int lb = open_filter("ks-loopback");
	int wide = open_filter("ks-wide");
	int topo = open_filter(AUDIO_TOPO_NAME "-0");
	struct request req;

	*pin = -1;
	if (lb < 0 || wide < 0) {
		fprintf(stderr, "prop: no ks-loopback or ks-wide filter\n");
		return -1;
	}
	c[PROP_NOOP] = (struct prop_call){ .what = "unknown ioctl (ENOTTY)",
		.fd = lb, .cmd = KS_IOCTL_UNKNOWN, .expect = ENOTTY };
	c[PROP_NOOP].io.in = (unsigned long)&c[PROP_NOOP].in;
	prop_setup(&c[PROP_CTYPES], lb, &pinset, KSPROPERTY_PIN_CTYPES,
		   sizeof(struct ks_identifier), sizeof(__u32));
	c[PROP_CTYPES].name = "prop_get_vs_noop_ioctl";
	c[PROP_CTYPES].what = "PIN_CTYPES GET, filter fd";
	prop_setup(&c[PROP_RANGES], wide, &pinset, KSPROPERTY_PIN_DATARANGES,
		   sizeof(struct ks_p_pin), sizeof(c->out));
	c[PROP_RANGES].name = "prop_dataranges_100_vs_noop_ioctl";
	c[PROP_RANGES].what = "PIN_DATARANGES GET, 100 ranges";
	build_request(&req, 0);
	*pin = create_pin(lb, &req, KS_GENERIC_WRITE);
	if (*pin < 0) {
		perror("prop: Render pin");
		return -1;
	}
	prop_setup(&c[PROP_STATE], *pin, &conn, KSPROPERTY_CONNECTION_STATE,
		   sizeof(struct ks_identifier), sizeof(__u32));
	c[PROP_STATE].name = "prop_pin_state_vs_noop_ioctl";
	c[PROP_STATE].what = "CONNECTION_STATE GET, pin fd";
	c[PROP_NODE].fd = -1;
	if (topo >= 0) {
		prop_setup(&c[PROP_NODE], topo, &audio,
			   KSPROPERTY_AUDIO_VOLUMELEVEL,
			   sizeof(struct ks_node_property_audio_channel),
			   sizeof(__s32));
		c[PROP_NODE].in.prop.flags |= KSPROPERTY_TYPE_TOPOLOGY;
		c[PROP_NODE].in.node.node_property.node_id =
			AUDIO_TOPO_NODE_WAVE_VOLUME;
		c[PROP_NODE].name = "prop_node_volume_vs_noop_ioctl";
		c[PROP_NODE].what = "VOLUMELEVEL GET, node, channel 0";
	}
	return 0;
}

static void prop_close(struct prop_call *c, int pin)
{
	int k;

	if (pin >= 0)
		close(pin);
	/* Each filter fd once: PROP_STATE's is the pin's. */
	for (k = 0; k < PROP_KINDS; k++)
		if (k != PROP_STATE && k != PROP_CTYPES && c[k].fd >= 0)
			close(c[k].fd);
}

/* @n is not used, as for bench_chain(). */
static int bench_props(int n)
{
	static double t[PROP_KINDS][PROP_ROUNDS];
	static struct prop_call c[PROP_KINDS];
	int k, r, pin, ret = 1;

	(void)n;
	if (ensure_module("ks-wide", "ks-wide.ko", "") ||
	    ensure_module(AUDIO_TOPO_NAME "-0", "ks-audio.ko", "")) {
		fprintf(stderr, "prop: ks-wide or ks-audio not loadable\n");
		return 1;
	}
	if (prop_open(c, &pin))
		goto out;
	for (r = -1; r < PROP_ROUNDS; r++) {	/* round -1: the warm-up */
		for (k = 0; k < PROP_KINDS; k++) {
			double s;

			if (c[k].fd < 0)
				continue;
			s = prop_time(&c[k], PROP_CALLS);
			if (s < 0)
				goto out;
			if (r >= 0)
				t[k][r] = s / PROP_CALLS;
		}
	}
	for (k = 0; k < PROP_KINDS; k++)
		qsort(t[k], PROP_ROUNDS, sizeof(t[k][0]), cmp_double);
	for (k = 1; k < PROP_KINDS; k++)
		if (c[k].fd >= 0)
			printf("ratio %s %.3f\n", c[k].name,
			       t[k][PROP_ROUNDS / 2] / t[0][PROP_ROUNDS / 2]);
	for (k = 0; k < PROP_KINDS; k++)
		if (c[k].fd >= 0)
			printf("  %-36s %10.0f ns/op\n", c[k].what,
			       t[k][PROP_ROUNDS / 2] * 1e9);
	ret = 0;
out:
	prop_close(c, pin);
	return ret;
}

/* ---- event_wakeup_vs_pipe ---- */

/*
 * The time from a device position being reached to the POSITION event's
 * eventfd becoming readable, against a pipe's wake-up: in both, thread A
 * takes t0 and makes the wait of thread B, blocked in read(2), end; B
 * takes t1 as its read returns.  Ours: A moves ks-loopback's looped
 * Render write_offset by one frame, the loopback plays it into Capture
 * inside that POSITION SET, and Render's play offset passing the event's
 * position signals the eventfd.  The baseline: A writes 8 bytes to a
 * pipe.  Each wait starts with B asleep in its read (A checks B's state
 * in /proc first), so both sides time a wake-up, not a race with B going
 * back to sleep.  The two sides take turns, wake-up by wake-up; the
 * ratio is of their medians after the warm-up.
 */
#define WAKE_ITERATIONS	2000	/* per side, the warm-up included */
#define WAKE_WARMUP	200
/* B not asleep, or not woken, for this long is a failure. */
#define WAKE_STALL_MS	20000

struct wake_side;

/* What A does before t0 (outside the time), and what it times. */
struct wake_ops {
	int (*prepare)(struct wake_side *s);
	int (*trigger)(struct wake_side *s);
};

struct wake_side {
	const struct wake_ops *ops;
	int wait_fd;		/* B reads 8 bytes here */
	int back[2];		/* B tells A it has taken t1 */
	pthread_t thread;	/* B */
	pid_t tid;		/* B's thread id */
	long long t1;		/* ns, written by B before it tells A */
	int iterations;
	/* ks-loopback: Render (looped, mapped) and Capture (streaming). */
	int render, capture, pipe_w;
	char *map;
	struct ks_stream_buffer rb;
	unsigned long long offset;	/* Render's write_offset */
	struct ks_loopedstreaming_position_event_data event;
	char sink[4096];
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *wake_thread(void *arg)
{
	struct wake_side *s = arg;
	unsigned long long v;
	int i;

	__atomic_store_n(&s->tid, gettid(), __ATOMIC_RELEASE);
	for (i = 0; i < s->iterations; i++) {
		long long t1;
		char c = 0;

		if (read(s->wait_fd, &v, sizeof(v)) != sizeof(v))
			t1 = -1;
		else
			t1 = now_ns();
		__atomic_store_n(&s->t1, t1, __ATOMIC_RELEASE);
		if (write(s->back[1], &c, 1) != 1 || t1 < 0)
			break;
	}
	return NULL;
}

/* Whether thread @tid sleeps (state S): 1, 0, or -1 if it cannot be told. */
static int thread_asleep(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] == 'S' : -1;
}

/* Wait until B sleeps in its read: 0, or -1. */
static int wait_asleep(pid_t tid)
{
	long long start = now_ns();
	int r;

	while (!(r = thread_asleep(tid))) {
		if (now_ns() - start > WAKE_STALL_MS * 1000000LL) {
			fprintf(stderr, "wake: thread B never went to sleep\n");
			return -1;
		}
		sched_yield();
	}
	return r < 0 ? -1 : 0;
}

/* B started on @s, for @n wake-ups: 0 or -1. */
static int wake_start(struct wake_side *s, int n)
{
	if (pipe2(s->back, O_CLOEXEC))
		return -1;
	s->iterations = n;
	s->tid = 0;
	if (pthread_create(&s->thread, NULL, wake_thread, s)) {
		close(s->back[0]);
		close(s->back[1]);
		s->back[0] = -1;
		return -1;
	}
	while (!__atomic_load_n(&s->tid, __ATOMIC_ACQUIRE))
		sched_yield();
	return 0;
}

/* B gone from @s: cancelled with @cancel, else done with its wake-ups. */
static void wake_stop(struct wake_side *s, int cancel)
{
	if (s->back[0] < 0)
		return;
	if (cancel)
		pthread_cancel(s->thread);
	pthread_join(s->thread, NULL);
	close(s->back[0]);
	close(s->back[1]);
	s->back[0] = -1;
}

/* One wake-up of B on @s: its latency in ns at @lat; 0 or -1. */
static int wake_once(struct wake_side *s, long long *lat)
{
	struct pollfd p = { .fd = s->back[0], .events = POLLIN };
	long long t0;
	char c;

	if (s->ops->prepare(s) || wait_asleep(s->tid))
		return -1;
	t0 = now_ns();
	if (s->ops->trigger(s))
		return -1;
	/* A wake-up that never comes is a failure, not a hang. */
	if (poll(&p, 1, WAKE_STALL_MS) != 1 || read(s->back[0], &c, 1) != 1) {
		fprintf(stderr, "wake: thread B was not woken\n");
		return -1;
	}
	*lat = __atomic_load_n(&s->t1, __ATOMIC_ACQUIRE) - t0;
	return *lat < 0 ? -1 : 0;
}

/* ks-loopback: Capture drained, the next frame written, the event armed. */
static int ks_wake_prepare(struct wake_side *s)
{
	static const struct ks_guid looped = KSEVENTSETID_LOOPEDSTREAMING;
	struct ks_identifier ev = {
		.set = looped,
		.id = KSEVENT_LOOPEDSTREAMING_POSITION,
		.flags = KSEVENT_TYPE_ONESHOT,
	};
	struct ks_ioctl_buffers io = {
		.in = (unsigned long)&ev,
		.in_size = sizeof(ev),
		.out = (unsigned long)&s->event,
		.out_size = sizeof(s->event),
	};
	unsigned int frame = s->rb.frame_size;

	while (read(s->capture, s->sink, sizeof(s->sink)) > 0)
		;
	if (errno != EAGAIN) {
		perror("wake: read Capture");
		return -1;
	}
	memset(s->map + s->offset % s->rb.size, 0x5a, frame);
	/* One shot at the position Render plays up to next. */
	memset(&s->event, 0, sizeof(s->event));
	s->event.event_data.notification_type = KSEVENTF_EVENT_HANDLE;
	s->event.event_data.handle = s->wait_fd;
	s->event.position = (s->offset + frame) % s->rb.size;
	if (ioctl(s->render, KS_IOCTL_ENABLE_EVENT, &io)) {
		perror("wake: KS_IOCTL_ENABLE_EVENT");
		return -1;
	}
	return 0;
}

/* Render's write_offset one frame on: played at once, the event fires. */
static int ks_wake_trigger(struct wake_side *s)
{
	static const struct ks_guid stream = KSPROPSETID_KSFILTER_STREAM;
	struct ks_audio_position pos = {
		.write_offset = s->offset + s->rb.frame_size,
	};

	if (set_property(s->render, &stream, KSPROPERTY_KSFILTER_STREAM_POSITION,
			 &pos, sizeof(pos))) {
		perror("wake: POSITION SET");
		return -1;
	}
	s->offset = pos.write_offset;
	return 0;
}

static int pipe_wake_prepare(struct wake_side *s)
{
	(void)s;
	return 0;
}

static int pipe_wake_trigger(struct wake_side *s)
{
	unsigned long long v = 1;

	return write(s->pipe_w, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static const struct wake_ops ks_wake_ops = {
	.prepare = ks_wake_prepare,
	.trigger = ks_wake_trigger,
};

static const struct wake_ops pipe_wake_ops = {
	.prepare = pipe_wake_prepare,
	.trigger = pipe_wake_trigger,
};

/*
 * Render LOOPED_STREAMING, mapped (a mapping needs the fd readable), and
 * Capture STREAMING, non-blocking, both in RUN (Capture first: Render
 * discards without it).
 */
static int ks_wake_open(struct wake_side *s, int filter)
{
	static const struct ks_guid stream = KSPROPSETID_KSFILTER_STREAM;
	struct request req;

	build_request(&req, 0);
	req.connect.interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	s->render = create_pin(filter, &req, KS_GENERIC_READ | KS_GENERIC_WRITE);
	s->capture = chain_pin(filter, 1, 0, KS_GENERIC_READ, 0);
	s->wait_fd = eventfd(0, EFD_CLOEXEC);
	if (s->render < 0 || s->capture < 0 || s->wait_fd < 0 ||
	    property(s->render, &stream, KSPROPERTY_KSFILTER_STREAM_BUFFER,
		     KSPROPERTY_TYPE_GET, &s->rb, sizeof(s->rb)) ||
	    !s->rb.size || !s->rb.frame_size) {
		perror("wake: ks-loopback's Render and Capture");
		return -1;
	}
	s->map = mmap(NULL, s->rb.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->render, 0);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		perror("wake: mmap Render");
		return -1;
	}
	if (set_state(s->capture, KSSTATE_RUN) ||
	    set_state(s->render, KSSTATE_RUN)) {
		perror("wake: RUN");
		return -1;
	}
	return 0;
}

static void wake_close(struct wake_side *s)
{
	if (s->map)
		munmap(s->map, s->rb.map_size);
	if (s->render >= 0)
		close(s->render);
	if (s->capture >= 0)
		close(s->capture);
	if (s->wait_fd >= 0)
		close(s->wait_fd);
	if (s->pipe_w >= 0)
		close(s->pipe_w);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * WAKE_ITERATIONS wake-ups of each side, the two taking turns (which one
 * goes first alternates too), so that the host's load weighs on both
 * alike; the medians after the warm-up, in ns, at @med.
 */
static int wake_compare(struct wake_side *side, long long *med)
{
	static long long lat[2][WAKE_ITERATIONS - WAKE_WARMUP];
	int i, j, k, ret = 0;
	long long t = 0;

	for (k = 0; k < 2; k++)
		if (wake_start(&side[k], WAKE_ITERATIONS))
			ret = -1;
	for (i = 0; i < WAKE_ITERATIONS && !ret; i++) {
		for (j = 0; j < 2 && !ret; j++) {
			k = (i + j) % 2;
			ret = wake_once(&side[k], &t);
			if (i >= WAKE_WARMUP)
				lat[k][i - WAKE_WARMUP] = t;
		}
	}
	for (k = 0; k < 2; k++)
		wake_stop(&side[k], ret);
	if (ret)
		return -1;
	for (k = 0; k < 2; k++) {
		qsort(lat[k], WAKE_ITERATIONS - WAKE_WARMUP, sizeof(lat[k][0]),
		      cmp_ll);
		med[k] = lat[k][(WAKE_ITERATIONS - WAKE_WARMUP) / 2];
	}
	return 0;
}

/* @n is not used, as for bench_chain(). */
static int bench_wakeup(int n)
{
	struct wake_side *side = calloc(2, sizeof(*side));
	long long med[2];
	int filter, p[2], k, ret = 1;

	(void)n;
	if (!side)
		return 1;
	for (k = 0; k < 2; k++) {
		side[k].render = -1;
		side[k].capture = -1;
		side[k].wait_fd = -1;
		side[k].pipe_w = -1;
		side[k].back[0] = -1;
	}
	filter = open_filter("ks-loopback");
	if (filter < 0) {
		fprintf(stderr, "wake: no ks-loopback filter\n");
		goto out;
	}
	side[0].ops = &ks_wake_ops;
	side[1].ops = &pipe_wake_ops;
	if (ks_wake_open(&side[0], filter))
		goto out;
	if (pipe2(p, O_CLOEXEC)) {
		perror("wake: pipe");
		goto out;
	}
	side[1].wait_fd = p[0];
	side[1].pipe_w = p[1];
	if (wake_compare(side, med))
		goto out;
	printf("ratio event_wakeup_vs_pipe %.3f\n", (double)med[0] / med[1]);
	printf("  %-36s %10.1f us\n", "POSITION event to eventfd read",
	       med[0] / 1e3);
	printf("  %-36s %10.1f us\n", "pipe write to pipe read", med[1] / 1e3);
	ret = 0;
out:
	wake_close(&side[0]);
	wake_close(&side[1]);
	free(side);
	if (filter >= 0)
		close(filter);
	return ret;
}

/* ---- stream_copy_vs_pipe, stream_copy_4k_vs_pipe, stream_mmap_vs_pipe ---- */

/*
 * STREAM_BYTES from a writer thread to a reader thread through ks-loopback
 * (Render to Capture, pcm:48000:2:16) against the same bytes, chunks and
 * threads through a pipe(2) of the default size (64 KiB, as ks-loopback's
 * queues for this format).  Each run has fresh pins, or a fresh pipe; the
 * two sides alternate run by run after a warm-up of one run each, and the
 * ratio is of the medians.
 *
 * Neither writer makes its bytes in the timed part, and neither reader
 * looks at them there: the writer's data already sits where its transport
 * takes it from (the pipe writer's buffer, or Render's mapping, filled with
 * a pattern of STREAM_PATTERN bytes before the run), and the reader checks
 * the last chunk it got against the pattern once it has taken the time.
 * What is timed is the transport: for read(2) and write(2), a copy into the
 * kernel and one out of it on both sides, plus ks-loopback's own copy from
 * Render's queue to Capture's; for the mapped pins, that copy alone, the
 * POSITION sets that hand the bytes over and the waits on POSITION events.
 */
#define STREAM_BYTES	(64u << 20)
#define STREAM_RUNS	5
#define STREAM_PATTERN	(64u << 10)	/* a multiple of every chunk */
/* A side that moves nothing for this long has failed. */
#define STREAM_STALL_MS	20000

struct stream_run;

/* One side's transport: endpoints per run, and its two threads. */
struct stream_ops {
	const char *what;
	int (*open)(struct stream_run *r);
	void *(*writer)(void *arg);
	void *(*reader)(void *arg);
	void (*close)(struct stream_run *r);
};

struct stream_run {
	const struct stream_ops *ops;
	int filter;		/* ks-loopback */
	size_t bytes, chunk;
	const char *pattern;	/* two periods: any chunk at off % period */
	char *rbuf;		/* the reader's buffer (read(2)) */
	pthread_barrier_t start;
	double t0, t1;		/* after the start; after the last byte */
	struct thread_use {
		double cpu;	/* seconds, user and system */
		long sleeps;	/* voluntary context switches */
	} use[2];		/* the writer's and the reader's */
	int failed;
	/* The write and read ends: Render and Capture, or the pipe. */
	int wfd, rfd;
	/* Mapped pins: each side's buffer, mapping and POSITION events. */
	struct stream_map {
		int fd, efd;
		struct ks_stream_buffer b;
		char *map;
		const struct ks_rtaudio_registers *regs;
		struct ks_loopedstreaming_position_event_data ev[2];
	} w, r;
};

/* The byte at stream offset @off. */
static char pattern_at(size_t off)
{
	off %= STREAM_PATTERN;
	return (char)(off * 131 + (off >> 8) * 7 + 1);
}

static char *pattern_alloc(void)
{
	char *p = malloc(2 * STREAM_PATTERN);
	size_t i;

	for (i = 0; p && i < 2 * STREAM_PATTERN; i++)
		p[i] = pattern_at(i);
	return p;
}

/* The last chunk a reader got, @n bytes at stream offset @off, at @p. */
static int stream_check(struct stream_run *r, const char *p, size_t off,
			size_t n)
{
	if (!n || memcmp(p, r->pattern + off % STREAM_PATTERN, n)) {
		fprintf(stderr, "stream: %s: bytes at %zu are not the ones written\n",
			r->ops->what, off);
		return -1;
	}
	return 0;
}

/* At a thread's start and end in a run: its CPU time and sleeps there. */
static void thread_use(struct thread_use *u, int end)
{
	struct rusage ru;
	double cpu;

	getrusage(RUSAGE_THREAD, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	u->cpu = end ? cpu - u->cpu : cpu;
	u->sleeps = end ? ru.ru_nvcsw - u->sleeps : ru.ru_nvcsw;
}

static void stream_fail(struct stream_run *r, const char *what)
{
	fprintf(stderr, "stream: %s: %s: %s\n", r->ops->what, what,
		strerror(errno));
	__atomic_store_n(&r->failed, 1, __ATOMIC_RELAXED);
}

/* ---- read(2) and write(2), the same for Render/Capture and the pipe ---- */

static void *copy_writer(void *arg)
{
	struct stream_run *r = arg;
	size_t off, len;
	ssize_t n;

	pthread_barrier_wait(&r->start);
	thread_use(&r->use[0], 0);
	for (off = 0; off < r->bytes; off += n) {
		len = r->bytes - off < r->chunk ? r->bytes - off : r->chunk;
		n = write(r->wfd, r->pattern + off % STREAM_PATTERN, len);
		if (n <= 0) {
			stream_fail(r, "write");
			break;
		}
	}
	thread_use(&r->use[0], 1);
	return NULL;
}

static void *copy_reader(void *arg)
{
	struct stream_run *r = arg;
	size_t got, len, last = 0;
	ssize_t n = 0;

	pthread_barrier_wait(&r->start);
	thread_use(&r->use[1], 0);
	for (got = 0; got < r->bytes; got += n) {
		len = r->bytes - got < r->chunk ? r->bytes - got : r->chunk;
		n = read(r->rfd, r->rbuf, len);
		if (n <= 0) {
			stream_fail(r, "read");
			return NULL;
		}
		last = got;
	}
	r->t1 = now();
	thread_use(&r->use[1], 1);
	if (stream_check(r, r->rbuf, last, n))
		r->failed = 1;
	return NULL;
}

static int pipe_open(struct stream_run *r)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC)) {
		perror("stream: pipe");
		return -1;
	}
	r->rfd = p[0];
	r->wfd = p[1];
	return 0;
}

/* Blocking Render and Capture, STREAMING, in RUN (Capture first). */
static int copy_open(struct stream_run *r)
{
	struct request req;

	build_request(&req, 1);
	r->rfd = create_pin(r->filter, &req, KS_GENERIC_READ);
	build_request(&req, 0);
	r->wfd = create_pin(r->filter, &req, KS_GENERIC_WRITE);
	if (r->rfd < 0 || r->wfd < 0 || set_state(r->rfd, KSSTATE_RUN) ||
	    set_state(r->wfd, KSSTATE_RUN)) {
		perror("stream: ks-loopback's Render and Capture");
		return -1;
	}
	return 0;
}

static void fds_close(struct stream_run *r)
{
	if (r->wfd >= 0)
		close(r->wfd);
	if (r->rfd >= 0)
		close(r->rfd);
	r->wfd = -1;
	r->rfd = -1;
}

static const struct stream_ops copy_ops = {
	.what = "Render to Capture, read/write",
	.open = copy_open,
	.writer = copy_writer,
	.reader = copy_reader,
	.close = fds_close,
};

static const struct stream_ops pipe_ops = {
	.what = "pipe",
	.open = pipe_open,
	.writer = copy_writer,
	.reader = copy_reader,
	.close = fds_close,
};

/* ---- mapped LOOPED_STREAMING pins ---- */

/*
 * Each side of the mapped pair keeps its own offset and learns the
 * other's from its pin's register page, whose running count is the
 * device position (Render's play_offset, Capture's write_offset) and
 * which is written after the bytes have moved: no call to ask.  It hands
 * its bytes over with a POSITION set, and when it has less than half a
 * buffer to work with it sleeps on its eventfd, which the LOOPED_STREAMING
 * POSITION events at 0 and at half the buffer signal each time the device
 * position passes them: waiting for half a buffer, it is woken once.
 */
static unsigned long long map_device(const struct stream_map *m)
{
	return __atomic_load_n(&m->regs->bytes, __ATOMIC_ACQUIRE);
}

static int map_position(struct stream_map *m, unsigned long long off,
			int render)
{
	static const struct ks_guid stream = KSPROPSETID_KSFILTER_STREAM;
	struct ks_audio_position pos = {
		.write_offset = render ? off : 0,
		.play_offset = render ? 0 : off,
	};

	return set_property(m->fd, &stream, KSPROPERTY_KSFILTER_STREAM_POSITION,
			    &pos, sizeof(pos));
}

/* Sleep until the device position has passed 0 or half the buffer. */
static int map_wait(struct stream_map *m)
{
	struct pollfd p = { .fd = m->efd, .events = POLLIN };
	unsigned long long v;

	if (poll(&p, 1, STREAM_STALL_MS) != 1 ||
	    read(m->efd, &v, sizeof(v)) != sizeof(v))
		return -1;
	return 0;
}

/* At least half a buffer, or what is left if less. */
static size_t map_enough(const struct stream_map *m, size_t left)
{
	return left < m->b.size / 2 ? left : m->b.size / 2;
}

static void *map_writer(void *arg)
{
	struct stream_run *r = arg;
	struct stream_map *m = &r->w;
	unsigned long long off = 0;
	size_t room, n;

	pthread_barrier_wait(&r->start);
	thread_use(&r->use[0], 0);
	while (off < r->bytes) {
		room = m->b.size - (off - map_device(m));
		n = r->bytes - off;
		if (room < map_enough(m, n)) {
			if (map_wait(m)) {
				stream_fail(r, "Render's POSITION event");
				break;
			}
			continue;
		}
		n = n < room ? n : room;
		n = n < r->chunk ? n : r->chunk;
		if (map_position(m, off + n, 1)) {
			stream_fail(r, "Render's POSITION set");
			break;
		}
		off += n;
	}
	thread_use(&r->use[0], 1);
	return NULL;
}

static void *map_reader(void *arg)
{
	struct stream_run *r = arg;
	struct stream_map *m = &r->r;
	unsigned long long off = 0, last = 0;
	size_t avail, n = 0;

	pthread_barrier_wait(&r->start);
	thread_use(&r->use[1], 0);
	while (off < r->bytes) {
		avail = map_device(m) - off;
		if (avail < map_enough(m, r->bytes - off)) {
			if (map_wait(m)) {
				stream_fail(r, "Capture's POSITION event");
				return NULL;
			}
			continue;
		}
		n = avail < r->chunk ? avail : r->chunk;
		if (map_position(m, off + n, 0)) {
			stream_fail(r, "Capture's POSITION set");
			return NULL;
		}
		last = off;
		off += n;
	}
	r->t1 = now();
	thread_use(&r->use[1], 1);
	/* Nothing is written after the last byte: it is still there. */
	if (n > m->b.size - last % m->b.size)
		n = m->b.size - last % m->b.size;
	if (stream_check(r, m->map + last % m->b.size, last, n))
		r->failed = 1;
	return NULL;
}

/* Repeating POSITION events at 0 and half the buffer, on @m->efd. */
static int map_events(struct stream_map *m)
{
	static const struct ks_guid looped = KSEVENTSETID_LOOPEDSTREAMING;
	struct ks_identifier ev = {
		.set = looped,
		.id = KSEVENT_LOOPEDSTREAMING_POSITION,
		.flags = KSEVENT_TYPE_ENABLE,
	};
	struct ks_ioctl_buffers io = {
		.in = (unsigned long)&ev,
		.in_size = sizeof(ev),
		.out_size = sizeof(m->ev[0]),
	};
	int k;

	for (k = 0; k < 2; k++) {
		memset(&m->ev[k], 0, sizeof(m->ev[k]));
		m->ev[k].event_data.notification_type = KSEVENTF_EVENT_HANDLE;
		m->ev[k].event_data.handle = m->efd;
		m->ev[k].position = k * (m->b.size / 2 / m->b.frame_size *
					 m->b.frame_size);
		io.out = (unsigned long)&m->ev[k];
		if (ioctl(m->fd, KS_IOCTL_ENABLE_EVENT, &io))
			return -1;
	}
	return 0;
}

/*
 * A LOOPED_STREAMING pin @pin_id, mapped (a mapping needs the fd readable,
 * and writable for Render's), with its register page and events.
 */
static int map_open(struct stream_run *r, struct stream_map *m,
		    unsigned int pin_id, unsigned int access, int prot)
{
	static const struct ks_guid stream = KSPROPSETID_KSFILTER_STREAM;
	struct request req;

	build_request(&req, pin_id);
	req.connect.interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	m->fd = create_pin(r->filter, &req, access);
	m->efd = eventfd(0, EFD_CLOEXEC);
	if (m->fd < 0 || m->efd < 0 ||
	    property(m->fd, &stream, KSPROPERTY_KSFILTER_STREAM_BUFFER,
		     KSPROPERTY_TYPE_GET, &m->b, sizeof(m->b)) ||
	    !m->b.size || STREAM_PATTERN % m->b.size || r->chunk % m->b.frame_size)
		return -1;
	m->map = mmap(NULL, m->b.map_size, prot, MAP_SHARED, m->fd, 0);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		return -1;
	}
	m->regs = mmap(NULL, sizeof(*m->regs), PROT_READ, MAP_SHARED, m->fd,
		       KS_RTAUDIO_REGISTERS_OFFSET);
	if (m->regs == MAP_FAILED) {
		m->regs = NULL;
		return -1;
	}
	return map_events(m);
}

static void map_close_one(struct stream_map *m)
{
	if (m->regs)
		munmap((void *)m->regs, sizeof(*m->regs));
	if (m->map)
		munmap(m->map, m->b.map_size);
	if (m->fd >= 0)
		close(m->fd);
	if (m->efd >= 0)
		close(m->efd);
	*m = (struct stream_map){ .fd = -1, .efd = -1 };
}

static void map_close(struct stream_run *r)
{
	map_close_one(&r->w);
	map_close_one(&r->r);
}

/*
 * Render read-write with the pattern in its mapping (its buffer is a
 * multiple of the pattern's period: Render's byte at any offset is the
 * pattern's), Capture read-only; Capture in RUN first.
 */
static int map_open_pins(struct stream_run *r)
{
	size_t i;

	if (map_open(r, &r->r, 1, KS_GENERIC_READ, PROT_READ) ||
	    map_open(r, &r->w, 0, KS_GENERIC_READ | KS_GENERIC_WRITE,
		     PROT_READ | PROT_WRITE)) {
		perror("stream: ks-loopback's mapped Render and Capture");
		return -1;
	}
	for (i = 0; i < r->w.b.size; i += STREAM_PATTERN)
		memcpy(r->w.map + i, r->pattern, STREAM_PATTERN);
	if (set_state(r->r.fd, KSSTATE_RUN) || set_state(r->w.fd, KSSTATE_RUN)) {
		perror("stream: RUN");
		return -1;
	}
	return 0;
}

static const struct stream_ops map_ops = {
	.what = "Render to Capture, mapped",
	.open = map_open_pins,
	.writer = map_writer,
	.reader = map_reader,
	.close = map_close,
};

/* ---- the runs ---- */

/*
 * One run of @bytes on fresh endpoints: the seconds, or -1.  A side that
 * fails leaves the other blocked in its read or write: the alarm ends the
 * benchmark then, rather than the VM's timeout.
 */
static double stream_run(struct stream_run *r, size_t bytes)
{
	pthread_t w, rd;
	double t = -1;

	alarm(STREAM_STALL_MS / 1000 + bytes / (1u << 20));
	r->bytes = bytes;
	r->failed = 0;
	r->wfd = -1;
	r->rfd = -1;
	r->w = (struct stream_map){ .fd = -1, .efd = -1 };
	r->r = r->w;
	if (r->ops->open(r) ||
	    pthread_barrier_init(&r->start, NULL, 3))
		goto out;
	if (pthread_create(&rd, NULL, r->ops->reader, r)) {
		pthread_barrier_destroy(&r->start);
		goto out;
	}
	if (pthread_create(&w, NULL, r->ops->writer, r)) {
		/* The reader waits at the start for good: it cannot be. */
		exit(1);
	}
	pthread_barrier_wait(&r->start);
	r->t0 = now();
	pthread_join(w, NULL);
	pthread_join(rd, NULL);
	pthread_barrier_destroy(&r->start);
	if (!r->failed)
		t = r->t1 - r->t0;
	/* Where a run's time went: on the CPU, or asleep (and how often). */
	if (getenv("KS_BENCH_VERBOSE"))
		printf("# %-30s %7.1f ms: writer %7.1f ms CPU, %5ld sleeps; "
		       "reader %7.1f ms CPU, %5ld sleeps\n", r->ops->what,
		       t * 1e3, r->use[0].cpu * 1e3, r->use[0].sleeps,
		       r->use[1].cpu * 1e3, r->use[1].sleeps);
out:
	r->ops->close(r);
	alarm(0);
	return t;
}

/* One comparison: ours against the pipe, @chunk bytes at a time. */
struct stream_bench {
	const char *name;
	const struct stream_ops *ours;
	size_t chunk;
};

/*
 * STREAM_RUNS runs of each side after a warm-up, alternating (which one
 * goes first alternates too); the medians at @med, ours first.
 */
static int stream_medians(const struct stream_bench *b, struct stream_run *r,
			  double *med)
{
	const struct stream_ops *ops[2] = { b->ours, &pipe_ops };
	double t[2][STREAM_RUNS];
	int i, j, k;

	for (k = 0; k < 2; k++) {
		r->ops = ops[k];
		if (stream_run(r, STREAM_BYTES / 8) < 0)
			return -1;
	}
	for (i = 0; i < STREAM_RUNS; i++) {
		for (j = 0; j < 2; j++) {
			k = (i + j) % 2;
			r->ops = ops[k];
			t[k][i] = stream_run(r, STREAM_BYTES);
			if (t[k][i] < 0)
				return -1;
		}
	}
	for (k = 0; k < 2; k++) {
		qsort(t[k], STREAM_RUNS, sizeof(t[k][0]), cmp_double);
		med[k] = t[k][STREAM_RUNS / 2];
	}
	return 0;
}

static int stream_compare(const struct stream_bench *b, int filter,
			  const char *pattern, char *rbuf)
{
	struct stream_run r = {
		.filter = filter,
		.chunk = b->chunk,
		.pattern = pattern,
		.rbuf = rbuf,
	};
	double med[2];

	if (stream_medians(b, &r, med))
		return -1;
	printf("ratio %s %.3f\n", b->name, med[0] / med[1]);
	printf("  %-36s %10.1f ms (%.0f MB/s)\n", b->ours->what, med[0] * 1e3,
	       STREAM_BYTES / med[0] / 1e6);
	printf("  %-36s %10.1f ms (%.0f MB/s)\n", "pipe", med[1] * 1e3,
	       STREAM_BYTES / med[1] / 1e6);
	printf("  (%u MiB, %zu KiB chunks, medians of %d runs)\n",
	       STREAM_BYTES >> 20, b->chunk >> 10, STREAM_RUNS);
	return 0;
}

static const struct stream_bench stream_benches[] = {
	{ "stream_copy_vs_pipe", &copy_ops, 64u << 10 },
	{ "stream_copy_4k_vs_pipe", &copy_ops, 4u << 10 },
	{ "stream_mmap_vs_pipe", &map_ops, 64u << 10 },
};

static int bench_stream(const struct stream_bench *b)
{
	char *pattern = pattern_alloc(), *rbuf = malloc(b->chunk);
	int filter = open_filter("ks-loopback"), ret = 1;

	if (filter < 0 || !pattern || !rbuf) {
		fprintf(stderr, "stream: no ks-loopback filter, or no memory\n");
		goto out;
	}
	ret = stream_compare(b, filter, pattern, rbuf) ? 1 : 0;
out:
	free(pattern);
	free(rbuf);
	if (filter >= 0)
		close(filter);
	return ret;
}

/* ---- main ---- */

/*
 * What `make bench` runs, in order.  Arguments after the iteration count
 * pick a subset for development: each NAME selects the benchmarks whose
 * ratio names begin with it (`stream`, `chain_vs_userspace`, ...).
 */
static const struct bench {
	const char *name;	/* the ratio it prints (the first, if two) */
	int (*run)(int n);
	const struct stream_bench *stream;	/* or one of these */
} benches[] = {
	{ "pin_create_vs_eventfd", .run = bench_create },
	{ "create_1000_open_vs_0", .run = bench_create_loaded },
	{ "prop_get_vs_noop_ioctl", .run = bench_props },
	{ "chain_vs_userspace", .run = bench_chain },
	{ "event_wakeup_vs_pipe", .run = bench_wakeup },
	{ "stream_copy_vs_pipe", .stream = &stream_benches[0] },
	{ "stream_copy_4k_vs_pipe", .stream = &stream_benches[1] },
	{ "stream_mmap_vs_pipe", .stream = &stream_benches[2] },
};

static int selected(const char *name, int argc, char **argv)
{
	int i;

	if (!argc)
		return 1;
	for (i = 0; i < argc; i++)
		if (!strncmp(name, argv[i], strlen(argv[i])))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int n = ITERATIONS, ret = 0, ran = 0;
	size_t i;

	if (argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9') {
		n = atoi(argv[1]);
		argc--;
		argv++;
	}
	if (n <= 0)
		n = ITERATIONS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(benches); i++) {
		const struct bench *b = &benches[i];

		if (!selected(b->name, argc - 1, argv + 1))
			continue;
		ran++;
		ret |= b->stream ? bench_stream(b->stream) : b->run(n);
	}
	if (!ran) {
		fprintf(stderr, "usage: %s [ITERATIONS] [NAME...]: no benchmark is named so\n",
			program_invocation_short_name);
		return 2;
	}
	return ret;
}
