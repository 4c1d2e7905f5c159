// SPDX-License-Identifier: GPL-2.0
/*
 * KS clocks: KS_IOCTL_CREATE_CLOCK on a pin fd, Windows' KsCreateClock(),
 * and the clock fd it returns (docs/abi.md "Clocks"):
 *
 *  - creation: the fd and its O_CLOEXEC/O_NONBLOCK, the request's checks
 *    (create_flags, unknown flags, a filter fd, a pin whose format has no
 *    byte rate), several clocks on one pin;
 *  - KSPROPSETID_Clock on ks-loopback, per format: STATE is the pin's,
 *    TIME is the device position at avg_bytes_per_sec exactly (Capture,
 *    OUT: its write offset; Render, IN: its play offset), 0 in STOP,
 *    holding when nothing moves, never going back while data streams;
 *    PHYSICALTIME and the correlated times against CLOCK_MONOTONIC;
 *    RESOLUTION a frame's time rounded up; GET only;
 *  - on ks-audio, a clocked card: TIME runs at real time in RUN, holds in
 *    PAUSE, is 0 after STOP;
 *  - KSEVENTSETID_Clock: POSITION_MARK once when TIME reaches the mark,
 *    INTERVAL_MARK once per mark passed, the clock's events its own;
 *  - lifetime: the pin fd closed under its clock, the filter unregistered
 *    under it, and its provider module held by it.
 *
 * Times are in 100 ns units, as Windows' REFERENCE_TIME.  Waits are polls
 * of an eventfd with short timeouts: a missing signal fails the test, it
 * never hangs it.
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <time.h>

#include "ks_selftest.h"

#include "../module/samples/ks-tonegen.h"
#include "../module/samples/ks-audio.h"

#define KIB		1024u

/* The clock's units a second, and a millisecond's worth. */
#define UNITS		10000000LL
#define MS		(UNITS / 1000)

/* How long a signal may take to come, and how long "none" is watched. */
#define SIGNAL_MS	3000
#define QUIET_MS	200

/* How far CORRELATEDTIME's system time may be from ours: 5 ms. */
#define SYSTEM_SLACK	(5 * MS)

static const struct ks_guid set_clock_prop = KSPROPSETID_CLOCK;
static const struct ks_guid set_clock_ev = KSEVENTSETID_CLOCK;
static const struct ks_guid set_connection = KSEVENTSETID_CONNECTION;
static const struct ks_guid set_looped = KSEVENTSETID_LOOPEDSTREAMING;
static const struct ks_guid set_audio = KSPROPSETID_AUDIO;
static const struct ks_guid set_conn_prop = KSPROPSETID_CONNECTION;

/* ---- time ---- */

/* CLOCK_MONOTONIC in the clock's units. */
static int64_t now_units(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * UNITS + ts.tv_nsec / 100;
}

/* ---- clocks ---- */

/* KS_IOCTL_CREATE_CLOCK with every field given: the clock fd or -errno. */
static int clock_create(int fd, uint32_t create_flags, uint32_t flags)
{
	struct ks_create_clock req = {
		.create = { .create_flags = create_flags },
		.flags = flags,
	};
	int ret = ioctl(fd, KS_IOCTL_CREATE_CLOCK, &req);

	return ret < 0 ? -errno : ret;
}

static int clock_open(int pin)
{
	return clock_create(pin, 0, O_CLOEXEC);
}

/* A KSPROPSETID_Clock GET of @size bytes: 0 or -errno, *@returned. */
static int clock_get(int clock, uint32_t id, void *out, uint32_t size,
		     uint32_t *returned)
{
	return ks_property(clock, &set_clock_prop, id, KSPROPERTY_TYPE_GET,
			   NULL, 0, out, size, returned);
}

/* A whole value or -EPROTO when the size written is not the value's. */
static int clock_value(int clock, uint32_t id, void *out, uint32_t size)
{
	uint32_t got = 0;
	int ret = clock_get(clock, id, out, size, &got);

	return ret < 0 ? ret : got == size ? 0 : -EPROTO;
}

/* TIME, or INT64_MIN when the GET failed (which then fails the test). */
static int64_t clock_time(int clock)
{
	int64_t t;

	return clock_value(clock, KSPROPERTY_CLOCK_TIME, &t, sizeof(t)) ?
	       INT64_MIN : t;
}

/* STATE, or UINT32_MAX when the GET failed. */
static uint32_t clock_state(int clock)
{
	uint32_t s;

	return clock_value(clock, KSPROPERTY_CLOCK_STATE, &s, sizeof(s)) ?
	       UINT32_MAX : s;
}

/* KSPROPERTY_AUDIO_POSITION of a pin; 0 or -errno. */
static int get_position(int fd, struct ks_audio_position *pos)
{
	uint32_t got = 0;
	int ret = ks_property(fd, &set_audio, KSPROPERTY_AUDIO_POSITION,
			      KSPROPERTY_TYPE_GET, NULL, 0, pos, sizeof(*pos),
			      &got);

	return ret < 0 ? ret : got == sizeof(*pos) ? 0 : -EPROTO;
}

/* The time of @bytes at @rate bytes a second, rounded down as a clock's. */
static int64_t time_of(uint64_t bytes, uint32_t rate)
{
	return (int64_t)(bytes * (uint64_t)UNITS / rate);
}

/* ---- events ---- */

static int enable_raw(int fd, const void *in, uint32_t in_size, void *out,
		      uint32_t out_size)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
		.in_size = in_size,
		.out_size = out_size,
	};

	return ioctl(fd, KS_IOCTL_ENABLE_EVENT, &b) < 0 ? -errno : 0;
}

static int disable_raw(int fd, const void *in, uint32_t in_size)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)in,
		.in_size = in_size,
	};

	return ioctl(fd, KS_IOCTL_DISABLE_EVENT, &b) < 0 ? -errno : 0;
}

/* DISABLE of the event enabled with the KSEVENTDATA at @data. */
static int disable_ev(int fd, const void *data)
{
	return disable_raw(fd, data, sizeof(struct ks_event_data));
}

/* DISABLE of every event of @fd. */
static int disable_all(int fd)
{
	return disable_raw(fd, NULL, 0);
}

static struct ks_identifier ev_id(const struct ks_guid *set, uint32_t id)
{
	struct ks_identifier e;

	memset(&e, 0, sizeof(e));
	e.set = *set;
	e.id = id;
	e.flags = KSEVENT_TYPE_ENABLE;
	return e;
}

/* KSEVENTDATA for an event handle: @efd is signalled by 1. */
static void data_event(struct ks_event_data *d, int efd)
{
	memset(d, 0, sizeof(*d));
	d->notification_type = KSEVENTF_EVENT_HANDLE;
	d->handle = (uint64_t)efd;
}

/* ENABLE of POSITION_MARK at @mark, signalling @efd. */
static int enable_mark(int clock, int64_t mark, struct ks_event_time_mark *d,
		       int efd)
{
	struct ks_identifier e = ev_id(&set_clock_ev,
				       KSEVENT_CLOCK_POSITION_MARK);

	memset(d, 0, sizeof(*d));
	data_event(&d->event_data, efd);
	d->mark_time = mark;
	return enable_raw(clock, &e, sizeof(e), d, sizeof(*d));
}

/* ENABLE of INTERVAL_MARK from @base every @interval, signalling @efd. */
static int enable_interval(int clock, int64_t base, int64_t interval,
			   struct ks_event_time_interval *d, int efd)
{
	struct ks_identifier e = ev_id(&set_clock_ev,
				       KSEVENT_CLOCK_INTERVAL_MARK);

	memset(d, 0, sizeof(*d));
	data_event(&d->event_data, efd);
	d->time_base = base;
	d->interval = interval;
	return enable_raw(clock, &e, sizeof(e), d, sizeof(*d));
}

/* ENABLE of a Connection event @id on @fd. */
static int enable_conn(int fd, uint32_t id, struct ks_event_data *d, int efd)
{
	struct ks_identifier e = ev_id(&set_connection, id);

	data_event(d, efd);
	return enable_raw(fd, &e, sizeof(e), d, sizeof(*d));
}

/*
 * The marks @base + k @interval (k >= 0) a clock going 0 -> @t passes:
 * those in (0, @t], so a mark at 0 is not passed by starting there.
 */
static long long marks_to(int64_t t, int64_t base, int64_t interval)
{
	int64_t first = base > 0 ? base : base + ((-base) / interval + 1) * interval;

	return t < first ? 0 : (t - first) / interval + 1;
}

/* ---- ks-loopback pins and streams ---- */

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/* A STREAMING pin of ks-loopback in format @p: fd or -errno. */
static int loop_pin(int filter, uint32_t pin, const struct ks_audio_params *p)
{
	struct ks_req r;
	uint32_t reason;
	int n;

	memset(&r, 0, sizeof(r));
	ks_connect_init(&r.c, pin);
	n = ks_build_format(p, &r.f, sizeof(r.f));
	if (n < 0)
		return n;
	return ks_create(filter, &r, sizeof(r.c) + n, pin_access(pin),
			 O_CLOEXEC, &reason);
}

/*
 * Stream @total bytes Render -> Capture (both non-blocking and running),
 * writing what fits and reading what comes, for at most @ms: the bytes
 * read, or -errno.
 */
static long long pump(int render, int capture, size_t total, int ms)
{
	long long end = ks_now_ms() + ms;
	uint8_t out[16 * KIB], in[16 * KIB];
	size_t w = 0, r = 0;
	ssize_t n;

	memset(out, 0, sizeof(out));
	while (r < total && ks_now_ms() < end) {
		bool moved = false;

		if (w < total) {
			n = write(render, out, total - w < sizeof(out) ?
					       total - w : sizeof(out));
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
			if (n > 0) {
				w += n;
				moved = true;
			}
		}
		n = read(capture, in, total - r < sizeof(in) ? total - r :
							       sizeof(in));
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n > 0) {
			r += n;
			moved = true;
		}
		if (!moved) {
			struct pollfd p[2] = {
				{ .fd = capture, .events = POLLIN },
				{ .fd = render, .events = POLLOUT },
			};

			poll(p, w < total ? 2 : 1, 50);
		}
	}
	return r;
}

/* Wait up to a second for the debugfs counter @name to be @want. */
static long stats_wait(const char *name, long want)
{
	long v = stats_counter(name);
	int i;

	for (i = 0; i < 100 && v != want && v >= 0; i++) {
		ks_sleep_ms(10);
		v = stats_counter(name);
	}
	return v;
}

/* ---- the fixture: ks-loopback's Render and Capture, with clocks ---- */

FIXTURE(loop) {
	int filter;
	int render;
	int capture;
	int rclock;		/* Render's clock: its play offset */
	int cclock;		/* Capture's clock: its write offset */
	int efd;
	uint32_t rate;		/* avg_bytes_per_sec */
	uint32_t frame;		/* block_align */
};

FIXTURE_VARIANT(loop) {
	struct ks_audio_params fmt;
};

FIXTURE_VARIANT_ADD(loop, pcm_48000_2_16) {
	.fmt = { .type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2,
		 .bits = 16 },
};

/* A rate whose times are not whole units: the rounding shows. */
FIXTURE_VARIANT_ADD(loop, pcm_44100_1_16) {
	.fmt = { .type = KS_SAMPLE_PCM, .rate = 44100, .channels = 1,
		 .bits = 16 },
};

FIXTURE_VARIANT_ADD(loop, float_ext_96000_2) {
	.fmt = { .type = KS_SAMPLE_FLOAT, .extensible = true, .rate = 96000,
		 .channels = 2, .bits = 32 },
};

FIXTURE_SETUP(loop)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->render = self->capture = -1;
	self->rclock = self->cclock = self->efd = -1;
	ASSERT_LOOPBACK(idx);
	self->frame = variant->fmt.channels * variant->fmt.bits / 8;
	self->rate = variant->fmt.rate * self->frame;
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->render = loop_pin(self->filter, PIN_RENDER, &variant->fmt);
	ASSERT_LE(0, self->render) TH_LOG("Render: %s", strerror(-self->render));
	self->capture = loop_pin(self->filter, PIN_CAPTURE, &variant->fmt);
	ASSERT_LE(0, self->capture) TH_LOG("Capture: %s",
					   strerror(-self->capture));
	self->rclock = clock_open(self->render);
	ASSERT_LE(0, self->rclock) TH_LOG("Render's clock: %s",
					  strerror(-self->rclock));
	self->cclock = clock_open(self->capture);
	ASSERT_LE(0, self->cclock) TH_LOG("Capture's clock: %s",
					  strerror(-self->cclock));
	ASSERT_EQ(0, set_nonblock(self->render));
	ASSERT_EQ(0, set_nonblock(self->capture));
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(loop)
{
	close_fd(&self->rclock);
	close_fd(&self->cclock);
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
	close_fd(&self->efd);
}

/* Capture first, so that nothing Render writes is discarded. */
#define RUN_BOTH() do {							\
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));	\
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));	\
} while (0)

/* Whole frames of at least @ms of the variant's audio, in bytes. */
static uint64_t bytes_for_ms(FIXTURE_DATA(loop) *self, unsigned int ms)
{
	uint64_t frames_per_s = self->rate / self->frame;

	return (frames_per_s * ms + 999) / 1000 * self->frame;
}

/* Stream @bytes more Render -> Capture: 0 when all came through. */
#define STREAM(bytes) \
	ASSERT_EQ((long long)(bytes), \
		  pump(self->render, self->capture, (bytes), 10000))

/* ---- 1: creation ---- */

TEST_F(loop, version_offers_clocks)
{
	struct ks_version v;

	ASSERT_EQ(0, ks_get_version(self->filter, &v));
	EXPECT_EQ(KS_FEATURE_CLOCKS, v.features & KS_FEATURE_CLOCKS);
}

/* The fd honours O_CLOEXEC and O_NONBLOCK, and is nothing else's. */
TEST_F(loop, create_returns_clock_fd_with_flags)
{
	int c, fdf, fl;

	fdf = fcntl(self->cclock, F_GETFD);
	ASSERT_LE(0, fdf);
	EXPECT_EQ(FD_CLOEXEC, fdf & FD_CLOEXEC);
	EXPECT_NE(self->cclock, self->rclock);
	EXPECT_NE(self->cclock, self->capture);

	c = clock_create(self->capture, 0, 0);
	ASSERT_LE(0, c);
	fdf = fcntl(c, F_GETFD);
	EXPECT_EQ(0, fdf & FD_CLOEXEC);
	fl = fcntl(c, F_GETFL);
	EXPECT_EQ(0, fl & O_NONBLOCK);
	EXPECT_EQ(KSSTATE_STOP, clock_state(c));
	close(c);

	c = clock_create(self->capture, 0, O_CLOEXEC | O_NONBLOCK);
	ASSERT_LE(0, c);
	EXPECT_EQ(FD_CLOEXEC, fcntl(c, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_NONBLOCK, fcntl(c, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(0, clock_time(c));
	close(c);
}

TEST_F(loop, create_flags_nonzero_einval)
{
	static const uint32_t bad[] = { 1, 2, 0x80000000, 0xFFFFFFFF };
	unsigned int i;
	int c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, clock_create(self->capture, bad[i],
						O_CLOEXEC))
			TH_LOG("create_flags 0x%x", bad[i]);
		EXPECT_EQ(-EINVAL, clock_create(self->render, bad[i], 0))
			TH_LOG("create_flags 0x%x", bad[i]);
	}
	c = clock_create(self->capture, 0, O_CLOEXEC);
	EXPECT_LE(0, c);
	close(c);
}

TEST_F(loop, create_unknown_flags_einval)
{
	static const uint32_t bad[] = {
		O_RDWR, O_WRONLY, O_APPEND, O_CREAT, O_TRUNC, O_DIRECT,
		O_CLOEXEC | O_SYNC, O_NONBLOCK | 0x80000000, 0xFFFFFFFF,
	};
	unsigned int i;
	int c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, clock_create(self->capture, 0, bad[i]))
			TH_LOG("flags 0x%x", bad[i]);
	c = clock_create(self->capture, 0, O_NONBLOCK);
	EXPECT_LE(0, c);
	close(c);
}

/* A filter fd has no clock; nor has a clock fd. */
TEST_F(loop, create_on_filter_or_clock_fd_enotty)
{
	EXPECT_EQ(-ENOTTY, clock_create(self->filter, 0, O_CLOEXEC));
	EXPECT_EQ(-ENOTTY, clock_create(self->cclock, 0, O_CLOEXEC));
	/* Any other ioctl on a clock fd. */
	EXPECT_EQ(-1, ioctl(self->cclock, KS_IOCTL_RESET_STATE, 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->cclock, _IO(KS_IOCTL_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
}

/* Several clocks on one pin tell the same time; each closes alone. */
TEST_F(loop, several_clocks_on_one_pin)
{
	int c[4], i;
	int64_t t;

	for (i = 0; i < 4; i++) {
		c[i] = clock_open(self->capture);
		ASSERT_LE(0, c[i]) TH_LOG("clock %d", i);
	}
	RUN_BOTH();
	STREAM(bytes_for_ms(self, 50));
	t = clock_time(self->cclock);
	EXPECT_LT(0, t);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(t, clock_time(c[i])) TH_LOG("clock %d", i);
		EXPECT_EQ(KSSTATE_RUN, clock_state(c[i])) TH_LOG("clock %d", i);
	}
	close(c[0]);
	close(c[2]);
	EXPECT_EQ(t, clock_time(c[1]));
	EXPECT_EQ(t, clock_time(c[3]));
	close(c[1]);
	close(c[3]);
	EXPECT_EQ(t, clock_time(self->cclock));
}

/* ---- 2: properties on ks-loopback ---- */

TEST_F(loop, state_follows_the_pin)
{
	static const uint32_t steps[] = {
		KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN, KSSTATE_PAUSE,
		KSSTATE_ACQUIRE, KSSTATE_STOP, KSSTATE_RUN, KSSTATE_STOP,
	};
	unsigned int i;

	EXPECT_EQ(KSSTATE_STOP, clock_state(self->rclock));
	EXPECT_EQ(KSSTATE_STOP, clock_state(self->cclock));
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ASSERT_EQ(0, ks_pin_set_state(self->render, steps[i]));
		EXPECT_EQ(steps[i], clock_state(self->rclock)) TH_LOG("step %u", i);
		/* The other pin's clock is its own pin's. */
		EXPECT_EQ(KSSTATE_STOP, clock_state(self->cclock));
	}
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_PAUSE));
	EXPECT_EQ(KSSTATE_PAUSE, clock_state(self->cclock));
}

/*
 * After N bytes went Render -> Capture, each clock's TIME is its device
 * position (Capture's write offset, Render's play offset: N each) at
 * avg_bytes_per_sec, to the unit; it holds while nothing moves, in RUN
 * and in PAUSE, and is 0 after STOP.
 */
TEST_F(loop, time_is_device_position_at_byte_rate)
{
	struct ks_audio_position rp, cp;
	uint64_t n = bytes_for_ms(self, 250) + 7 * self->frame;
	int64_t tc, tr;

	EXPECT_EQ(0, clock_time(self->rclock));
	EXPECT_EQ(0, clock_time(self->cclock));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	EXPECT_EQ(0, clock_time(self->rclock));
	RUN_BOTH();
	EXPECT_EQ(0, clock_time(self->rclock));
	STREAM(n);
	ASSERT_EQ(0, get_position(self->capture, &cp));
	ASSERT_EQ(0, get_position(self->render, &rp));
	EXPECT_EQ(n, cp.write_offset);
	EXPECT_EQ(n, rp.play_offset);
	tc = clock_time(self->cclock);
	tr = clock_time(self->rclock);
	EXPECT_EQ(time_of(cp.write_offset, self->rate), tc)
		TH_LOG("Capture: %llu bytes at %u B/s", (unsigned long long)n,
		       self->rate);
	EXPECT_EQ(time_of(rp.play_offset, self->rate), tr);
	/* Nothing moves: the time holds. */
	ks_sleep_ms(50);
	EXPECT_EQ(tc, clock_time(self->cclock));
	EXPECT_EQ(tr, clock_time(self->rclock));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_PAUSE));
	EXPECT_EQ(tc, clock_time(self->cclock));
	EXPECT_EQ(tr, clock_time(self->rclock));
	/* STOP: 0, and counting starts again from there. */
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_STOP));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_STOP));
	EXPECT_EQ(0, clock_time(self->rclock));
	EXPECT_EQ(0, clock_time(self->cclock));
	RUN_BOTH();
	EXPECT_EQ(0, clock_time(self->cclock));
	STREAM(self->frame);
	EXPECT_EQ(time_of(self->frame, self->rate), clock_time(self->cclock));
	EXPECT_EQ(time_of(self->frame, self->rate), clock_time(self->rclock));
}

/* The other pin's STOP leaves a clock alone. */
TEST_F(loop, time_zero_only_in_own_pins_stop)
{
	int64_t tc;

	RUN_BOTH();
	STREAM(bytes_for_ms(self, 20));
	tc = clock_time(self->cclock);
	EXPECT_LT(0, tc);
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_STOP));
	EXPECT_EQ(0, clock_time(self->rclock));
	EXPECT_EQ(tc, clock_time(self->cclock));
}

struct streamer {
	int render, capture;
	size_t total;		/* bytes to stream */
	size_t chunk;		/* bytes at a time, a millisecond apart */
	long long moved;
	volatile bool done;
};

/* Stream in small steps, so that a reader sees the time move often. */
static void *stream_thread(void *arg)
{
	struct streamer *s = arg;
	long long n;

	s->moved = 0;
	while ((size_t)s->moved < s->total) {
		n = pump(s->render, s->capture, s->chunk, 10000);
		if (n != (long long)s->chunk)
			break;
		s->moved += n;
		ks_sleep_ms(1);
	}
	s->done = true;
	return NULL;
}

/* Read while another thread streams: TIME never goes back. */
TEST_F_TIMEOUT(loop, time_monotonic_while_streaming, 60)
{
	struct streamer s = {
		.render = self->render, .capture = self->capture,
		.total = 400 * bytes_for_ms(self, 5),
		.chunk = bytes_for_ms(self, 5),
	};
	struct ks_correlated_time ct;
	int64_t prev = 0, prev_sys = 0, t;
	long reads = 0, changes = 0, back = 0;
	pthread_t th;

	RUN_BOTH();
	ASSERT_EQ(0, pthread_create(&th, NULL, stream_thread, &s));
	while (!s.done) {
		t = clock_time(self->cclock);
		if (t == INT64_MIN)
			break;
		back += t < prev;
		changes += t != prev;
		prev = t;
		if (!clock_value(self->cclock, KSPROPERTY_CLOCK_CORRELATEDTIME,
				 &ct, sizeof(ct))) {
			back += ct.time < prev || ct.system_time < prev_sys;
			prev = ct.time;
			prev_sys = ct.system_time;
		}
		reads++;
	}
	pthread_join(th, NULL);
	TH_LOG("%ld reads, %ld changes while streaming %zu bytes", reads,
	       changes, s.total);
	EXPECT_EQ((long long)s.total, s.moved);
	EXPECT_EQ(0, back);
	/* 400 steps: the reader saw a good part of them. */
	EXPECT_LE(20, changes);
	EXPECT_LE(prev, clock_time(self->cclock));
	EXPECT_EQ(time_of(s.total, self->rate), clock_time(self->cclock));
}

/*
 * CORRELATEDTIME: TIME with the monotonic clock's time, read together;
 * PHYSICALTIME and CORRELATEDPHYSICALTIME: the monotonic clock's.
 */
TEST_F(loop, correlated_and_physical_time_are_monotonic_clock)
{
	struct ks_correlated_time ct, cp;
	int64_t before, after, p1, p2;

	RUN_BOTH();
	STREAM(bytes_for_ms(self, 30));
	before = now_units();
	ASSERT_EQ(0, clock_value(self->cclock, KSPROPERTY_CLOCK_CORRELATEDTIME,
				 &ct, sizeof(ct)));
	after = now_units();
	TH_LOG("system time %lld, ours %lld..%lld", (long long)ct.system_time,
	       (long long)before, (long long)after);
	EXPECT_LE(before - SYSTEM_SLACK, ct.system_time);
	EXPECT_GE(after + SYSTEM_SLACK, ct.system_time);
	EXPECT_EQ(clock_time(self->cclock), ct.time);
	EXPECT_EQ(time_of(bytes_for_ms(self, 30), self->rate), ct.time);

	before = now_units();
	ASSERT_EQ(0, clock_value(self->cclock, KSPROPERTY_CLOCK_PHYSICALTIME,
				 &p1, sizeof(p1)));
	after = now_units();
	EXPECT_LE(before - SYSTEM_SLACK, p1);
	EXPECT_GE(after + SYSTEM_SLACK, p1);
	ks_sleep_ms(2);
	ASSERT_EQ(0, clock_value(self->cclock, KSPROPERTY_CLOCK_PHYSICALTIME,
				 &p2, sizeof(p2)));
	EXPECT_LT(p1, p2);
	/* 2 ms went by: at least that, and not much more. */
	EXPECT_LE(p1 + 2 * MS, p2);
	EXPECT_GT(p1 + 1000 * MS, p2);

	ASSERT_EQ(0, clock_value(self->rclock,
				 KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME,
				 &cp, sizeof(cp)));
	EXPECT_EQ(cp.time, cp.system_time);
	EXPECT_LE(p2, cp.system_time);
	EXPECT_GE(now_units() + SYSTEM_SLACK, cp.system_time);
	/* In STOP too: the physical clock does not stop with the pin. */
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_STOP));
	ASSERT_EQ(0, clock_value(self->rclock, KSPROPERTY_CLOCK_PHYSICALTIME,
				 &p1, sizeof(p1)));
	EXPECT_LE(cp.system_time, p1);
	ASSERT_EQ(0, clock_value(self->rclock, KSPROPERTY_CLOCK_CORRELATEDTIME,
				 &ct, sizeof(ct)));
	EXPECT_EQ(0, ct.time);
	EXPECT_LE(p1, ct.system_time);
}

/* A frame's time, rounded up: ceil(1e7 * block_align / avg_bytes_per_sec). */
TEST_F(loop, resolution_is_a_frame_rounded_up)
{
	int64_t want = (UNITS * self->frame + self->rate - 1) / self->rate;
	struct ks_resolution r;

	ASSERT_EQ(0, clock_value(self->cclock, KSPROPERTY_CLOCK_RESOLUTION, &r,
				 sizeof(r)));
	TH_LOG("frame %u bytes at %u B/s: granularity %lld", self->frame,
	       self->rate, (long long)r.granularity);
	EXPECT_EQ(want, r.granularity);
	EXPECT_EQ(want, r.error);
	RUN_BOTH();
	memset(&r, 0xa5, sizeof(r));
	ASSERT_EQ(0, clock_value(self->rclock, KSPROPERTY_CLOCK_RESOLUTION, &r,
				 sizeof(r)));
	EXPECT_EQ(want, r.granularity);
	EXPECT_EQ(want, r.error);
}

/* GET only: every SET is EOPNOTSUPP, and changes nothing. */
TEST_F(loop, set_eopnotsupp)
{
	static const uint32_t ids[] = {
		KSPROPERTY_CLOCK_TIME, KSPROPERTY_CLOCK_PHYSICALTIME,
		KSPROPERTY_CLOCK_CORRELATEDTIME,
		KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME,
		KSPROPERTY_CLOCK_RESOLUTION, KSPROPERTY_CLOCK_STATE,
	};
	uint8_t v[16];
	unsigned int i;

	memset(v, 0, sizeof(v));
	v[1] = 1;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		EXPECT_EQ(-EOPNOTSUPP,
			  ks_property(self->cclock, &set_clock_prop, ids[i],
				      KSPROPERTY_TYPE_SET, NULL, 0, v,
				      sizeof(v), NULL))
			TH_LOG("id %u", ids[i]);
	EXPECT_EQ(0, clock_time(self->cclock));
	EXPECT_EQ(KSSTATE_STOP, clock_state(self->cclock));
}

/* Ids past STATE, and sets the clock does not answer: ENOENT. */
TEST_F(loop, unknown_id_or_set_enoent)
{
	static const uint32_t ids[] = { 6, 7, 100, 0xFFFFFFFF };
	uint8_t v[64];
	unsigned int i;
	uint32_t st;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		EXPECT_EQ(-ENOENT, clock_get(self->cclock, ids[i], v, sizeof(v),
					     NULL))
			TH_LOG("id %u", ids[i]);
	/* A pin's STATE is the Connection set's: the clock has its own. */
	EXPECT_EQ(-ENOENT, ks_property(self->cclock, &set_conn_prop,
				       KSPROPERTY_CONNECTION_STATE,
				       KSPROPERTY_TYPE_GET, NULL, 0, &st,
				       sizeof(st), NULL));
	EXPECT_EQ(-ENOENT, ks_property(self->cclock, &set_audio,
				       KSPROPERTY_AUDIO_POSITION,
				       KSPROPERTY_TYPE_GET, NULL, 0, v,
				       sizeof(v), NULL));
	/* And the pin does not answer the clock's. */
	EXPECT_EQ(-ENOENT, clock_get(self->capture, KSPROPERTY_CLOCK_TIME, v,
				     sizeof(v), NULL));
	EXPECT_EQ(0, clock_get(self->cclock, KSPROPERTY_CLOCK_STATE, v,
			       sizeof(v), NULL));
}

/* A short out: EOVERFLOW with the size needed, nothing written. */
TEST_F(loop, short_out_eoverflow_returns_size)
{
	static const struct {
		uint32_t id, size;
	} items[] = {
		{ KSPROPERTY_CLOCK_TIME, 8 },
		{ KSPROPERTY_CLOCK_PHYSICALTIME, 8 },
		{ KSPROPERTY_CLOCK_CORRELATEDTIME, 16 },
		{ KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME, 16 },
		{ KSPROPERTY_CLOCK_RESOLUTION, 16 },
		{ KSPROPERTY_CLOCK_STATE, 4 },
	};
	uint8_t v[16];
	uint32_t ret;
	unsigned int i;

	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		memset(v, 0xa5, sizeof(v));
		ret = 0;
		EXPECT_EQ(-EOVERFLOW, clock_get(self->cclock, items[i].id, v,
						items[i].size - 1, &ret))
			TH_LOG("id %u", items[i].id);
		EXPECT_EQ(items[i].size, ret) TH_LOG("id %u", items[i].id);
		EXPECT_EQ(0xa5, v[0]);
		ret = 0;
		EXPECT_EQ(-EOVERFLOW, clock_get(self->cclock, items[i].id,
						NULL, 0, &ret));
		EXPECT_EQ(items[i].size, ret) TH_LOG("id %u", items[i].id);
		/* Enough, or more: the value, its size returned. */
		ret = 0;
		EXPECT_EQ(0, clock_get(self->cclock, items[i].id, v,
				       sizeof(v), &ret));
		EXPECT_EQ(items[i].size, ret);
	}
}

/* ---- 4: clock events ---- */

/*
 * POSITION_MARK at 100 ms: not before TIME reaches it, once when it does
 * (at exactly 100 ms of data), never again; it stays enabled until
 * disabled.
 */
TEST_F(loop, position_mark_once_when_time_reaches_it)
{
	uint64_t at = bytes_for_ms(self, 100);
	struct ks_event_time_mark d;

	ASSERT_EQ(time_of(at, self->rate), 100 * MS);
	ASSERT_EQ(0, enable_mark(self->cclock, 100 * MS, &d, self->efd));
	RUN_BOTH();
	STREAM(at - self->frame);
	EXPECT_GT(100 * MS, clock_time(self->cclock));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	STREAM(self->frame);
	EXPECT_EQ(100 * MS, clock_time(self->cclock));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	/* On to 200 ms, and more: still once. */
	STREAM(at);
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	STREAM(bytes_for_ms(self, 300));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* Signalled, not gone: DISABLE finds it, once. */
	EXPECT_EQ(0, disable_ev(self->cclock, &d));
	EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &d));
}

/* A mark the time has passed already comes at the next move. */
TEST_F(loop, position_mark_already_passed_at_next_move)
{
	struct ks_event_time_mark d, z;
	int other = efd_open(0);

	ASSERT_LE(0, other);
	RUN_BOTH();
	STREAM(bytes_for_ms(self, 60));
	ASSERT_EQ(0, enable_mark(self->cclock, 50 * MS, &d, self->efd));
	ASSERT_EQ(0, enable_mark(self->cclock, 0, &z, other));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	STREAM(self->frame);
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(other, 1, SIGNAL_MS));
	STREAM(bytes_for_ms(self, 20));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(other, 0));
	close(other);
}

/*
 * INTERVAL_MARK: each mark time_base + k interval (k >= 0) passed in
 * (from, to] is a signal.  From 0 to 105 ms every 10 ms: 10..100, ten
 * (0 is where the time starts, not passed); from 25 ms: 25..105, nine.
 */
TEST_F(loop, interval_mark_once_per_mark_passed)
{
	uint64_t n = bytes_for_ms(self, 105);
	int64_t t = time_of(n, self->rate);
	struct ks_event_time_interval a, b;
	int other = efd_open(0);

	ASSERT_LE(0, other);
	ASSERT_EQ(10, marks_to(t, 0, 10 * MS));
	ASSERT_EQ(0, enable_interval(self->cclock, 0, 10 * MS, &a,
				     self->efd));
	ASSERT_EQ(0, enable_interval(self->cclock, 25 * MS, 10 * MS, &b,
				     other));
	RUN_BOTH();
	STREAM(n);
	EXPECT_EQ(t, clock_time(self->cclock));
	EXPECT_EQ(10, efd_wait(self->efd, 10, SIGNAL_MS));
	EXPECT_EQ(marks_to(t, 25 * MS, 10 * MS),
		  efd_wait(other, marks_to(t, 25 * MS, 10 * MS), SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(other, 0));
	/* 45 ms more: 110..150, five. */
	STREAM(bytes_for_ms(self, 150) - n);
	EXPECT_EQ(marks_to(time_of(bytes_for_ms(self, 150), self->rate), 0,
			   10 * MS) - 10,
		  efd_wait(self->efd, 5, SIGNAL_MS));
	EXPECT_EQ(0, disable_ev(self->cclock, &a));
	EXPECT_EQ(0, disable_ev(self->cclock, &b));
	STREAM(bytes_for_ms(self, 50));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	close(other);
}

/* The same on Render's clock, whose time is its play offset. */
TEST_F(loop, interval_mark_on_render_play_offset)
{
	struct ks_event_time_interval a;

	ASSERT_EQ(0, enable_interval(self->rclock, 0, 20 * MS, &a, self->efd));
	/* Paused, Render takes nothing: no mark. */
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	ASSERT_EQ((ssize_t)self->frame * 16,
		  write(self->render, (uint8_t[256]){ 0 }, self->frame * 16));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, clock_time(self->rclock));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	STREAM(bytes_for_ms(self, 100) - self->frame * 16);
	/* The 16 frames written in PAUSE came through first. */
	{
		uint8_t buf[256];

		ks_sleep_ms(50);
		while (read(self->capture, buf, sizeof(buf)) > 0)
			;
	}
	EXPECT_EQ(5, efd_wait(self->efd, 5, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

TEST_F(loop, interval_zero_or_negative_einval)
{
	static const int64_t bad[] = { 0, -1, -10 * MS, INT64_MIN };
	struct ks_event_time_interval d;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, enable_interval(self->cclock, 0, bad[i], &d,
						   self->efd))
			TH_LOG("interval %lld", (long long)bad[i]);
		EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &d));
	}
	/* Any base, a negative one too; the smallest interval. */
	EXPECT_EQ(0, enable_interval(self->cclock, -5 * MS, 1, &d, self->efd));
	EXPECT_EQ(0, disable_ev(self->cclock, &d));
	EXPECT_EQ(0, enable_interval(self->cclock, 0, 10 * MS, &d, self->efd));
}

/* A clock's data are 40 and 48 bytes: EOVERFLOW below, with the size. */
TEST_F(loop, short_event_data_eoverflow)
{
	struct ks_identifier e = ev_id(&set_clock_ev,
				       KSEVENT_CLOCK_INTERVAL_MARK);
	struct ks_event_time_interval d;
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&e, .in_size = sizeof(e),
		.out = (uintptr_t)&d, .out_size = 40,
	};

	memset(&d, 0, sizeof(d));
	data_event(&d.event_data, self->efd);
	d.interval = 10 * MS;
	EXPECT_EQ(-1, ioctl(self->cclock, KS_IOCTL_ENABLE_EVENT, &b));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(48u, b.returned);
	e.id = KSEVENT_CLOCK_POSITION_MARK;
	b.out_size = 32;
	b.returned = 0;
	EXPECT_EQ(-1, ioctl(self->cclock, KS_IOCTL_ENABLE_EVENT, &b));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(40u, b.returned);
	b.out_size = 40;
	EXPECT_EQ(0, ioctl(self->cclock, KS_IOCTL_ENABLE_EVENT, &b));
}

/* The clock offers its set only, the pin never the clock's. */
TEST_F(loop, pin_events_not_on_clock_clock_events_not_on_pin)
{
	struct ks_loopedstreaming_position_event_data p;
	struct ks_event_time_interval iv;
	struct ks_event_time_mark mk;
	struct ks_event_data d;
	struct ks_identifier e;

	EXPECT_EQ(-ENOENT, enable_conn(self->cclock,
				       KSEVENT_CONNECTION_ENDOFSTREAM, &d,
				       self->efd));
	EXPECT_EQ(-ENOENT, enable_conn(self->cclock,
				       KSEVENT_CONNECTION_DATADISCONTINUITY,
				       &d, self->efd));
	memset(&p, 0, sizeof(p));
	data_event(&p.event_data, self->efd);
	e = ev_id(&set_looped, KSEVENT_LOOPEDSTREAMING_POSITION);
	EXPECT_EQ(-ENOENT, enable_raw(self->cclock, &e, sizeof(e), &p,
				      sizeof(p)));
	/* Clock events on the pin fds. */
	EXPECT_EQ(-ENOENT, enable_interval(self->capture, 0, 10 * MS, &iv,
					   self->efd));
	EXPECT_EQ(-ENOENT, enable_mark(self->render, 10 * MS, &mk,
				       self->efd));
	/* An unknown id of the clock's set. */
	e = ev_id(&set_clock_ev, 2);
	EXPECT_EQ(-ENOENT, enable_raw(self->cclock, &e, sizeof(e), &iv,
				      sizeof(iv)));
	/* Each where it belongs. */
	EXPECT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 &d, self->efd));
	EXPECT_EQ(0, enable_interval(self->cclock, 0, 10 * MS, &iv,
				     self->efd));
	EXPECT_EQ(0, enable_mark(self->cclock, 10 * MS, &mk, self->efd));
	/* One fd's event is not another's to disable. */
	EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &d));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &iv));
	EXPECT_EQ(-ENOENT, disable_ev(self->rclock, &mk));
	EXPECT_EQ(0, disable_ev(self->capture, &d));
	EXPECT_EQ(0, disable_ev(self->cclock, &iv));
	EXPECT_EQ(0, disable_ev(self->cclock, &mk));
}

/*
 * DISABLE with no address on a clock removes its events only: the pin's,
 * and another clock's of the same pin, still come.
 */
TEST_F(loop, disable_all_on_clock_only_its_events)
{
	struct ks_event_time_interval a, c;
	struct ks_event_time_mark b;
	struct ks_event_data pd;
	int pin_efd = efd_open(0), other_efd = efd_open(0);
	int other = clock_open(self->capture);

	ASSERT_LE(0, pin_efd);
	ASSERT_LE(0, other_efd);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, enable_interval(self->cclock, 0, 10 * MS, &a, self->efd));
	ASSERT_EQ(0, enable_mark(self->cclock, 20 * MS, &b, self->efd));
	ASSERT_EQ(0, enable_interval(other, 0, 10 * MS, &c, other_efd));
	ASSERT_EQ(0, enable_conn(self->render,
				 KSEVENT_CONNECTION_DATADISCONTINUITY, &pd,
				 pin_efd));
	EXPECT_EQ(0, disable_all(self->cclock));
	EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &a));
	EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &b));
	RUN_BOTH();
	STREAM(bytes_for_ms(self, 50));
	EXPECT_EQ(5, efd_wait(other_efd, 5, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	{
		struct ks_stream_header h;
		struct ks_ioctl_buffers io = {
			.in = (uintptr_t)&h, .in_size = sizeof(h),
		};
		uint8_t data[64] = { 0 };

		memset(&h, 0, sizeof(h));
		h.size = sizeof(h);
		h.frame_extent = h.data_used = sizeof(data);
		h.data = (uintptr_t)data;
		h.options_flags = KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY;
		ASSERT_EQ(0, ioctl(self->render, KS_IOCTL_WRITE_STREAM, &io));
	}
	EXPECT_EQ(1, efd_wait(pin_efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, disable_ev(self->render, &pd));
	EXPECT_EQ(0, disable_ev(other, &c));
	close(other);
	close(pin_efd);
	close(other_efd);
}

/* Closing the clock fd removes its events: no more signals. */
TEST_F(loop, clock_closed_removes_its_events)
{
	struct ks_event_time_interval a;
	struct ks_event_time_mark b;
	long pins = stats_counter("pins");

	ASSERT_EQ(0, enable_interval(self->cclock, 0, 5 * MS, &a, self->efd));
	ASSERT_EQ(0, enable_mark(self->cclock, 40 * MS, &b, self->efd));
	ASSERT_EQ(0, enable_interval(self->rclock, 0, 5 * MS, &a, self->efd));
	RUN_BOTH();
	STREAM(bytes_for_ms(self, 20));
	/* 4 + 4 intervals so far, the mark still ahead. */
	EXPECT_EQ(8, efd_wait(self->efd, 8, SIGNAL_MS));
	close_fd(&self->cclock);
	close_fd(&self->rclock);
	STREAM(bytes_for_ms(self, 100));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* The pins are there still, with their fds. */
	if (pins >= 0)
		EXPECT_EQ(pins, stats_counter("pins"));
	/* A new clock knows nothing of the old one's events. */
	self->cclock = clock_open(self->capture);
	ASSERT_LE(0, self->cclock);
	EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &a));
	EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &b));
	EXPECT_EQ(0, enable_mark(self->cclock, 40 * MS, &b, self->efd));
}

/* ---- 5: lifetime, ks-loopback ---- */

/*
 * The clock holds the pin, not its fd: with the pin fd closed it says
 * STOP and time 0, enables nothing (ENODEV), and its events are gone;
 * closing it then lets the pin go.
 */
TEST_F(loop, pin_fd_closed_clock_stop_time_0_enable_enodev)
{
	struct ks_event_time_interval a;
	struct ks_event_time_mark b;
	struct ks_resolution r;
	long pins = stats_counter("pins");
	int64_t p;

	ASSERT_EQ(0, enable_interval(self->cclock, 0, 5 * MS, &a, self->efd));
	RUN_BOTH();
	STREAM(bytes_for_ms(self, 20));
	EXPECT_EQ(4, efd_wait(self->efd, 4, SIGNAL_MS));
	ASSERT_LT(0, clock_time(self->cclock));
	close_fd(&self->capture);
	EXPECT_EQ(KSSTATE_STOP, clock_state(self->cclock));
	EXPECT_EQ(0, clock_time(self->cclock));
	EXPECT_EQ(0, clock_value(self->cclock, KSPROPERTY_CLOCK_RESOLUTION, &r,
				 sizeof(r)));
	EXPECT_EQ(0, clock_value(self->cclock, KSPROPERTY_CLOCK_PHYSICALTIME,
				 &p, sizeof(p)));
	EXPECT_EQ(-ENODEV, enable_mark(self->cclock, 0, &b, self->efd));
	EXPECT_EQ(-ENODEV, enable_interval(self->cclock, 0, MS, &a,
					   self->efd));
	/* Bad input is still refused as such. */
	EXPECT_EQ(-EINVAL, enable_interval(self->cclock, 0, 0, &a, self->efd));
	/* The pin's shutdown removed its events: nothing to disable. */
	EXPECT_EQ(-ENOENT, disable_ev(self->cclock, &a));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* The clock holds the pin until it is closed. */
	if (pins >= 0)
		EXPECT_EQ(pins, stats_counter("pins"));
	EXPECT_EQ(0, close(self->cclock));
	self->cclock = -1;
	if (pins >= 0)
		EXPECT_EQ(pins - 1, stats_wait("pins", pins - 1));
	/* The Render side goes on with its own clock. */
	EXPECT_EQ(time_of(bytes_for_ms(self, 20), self->rate),
		  clock_time(self->rclock));
}

/* ---- 1: a pin whose format has no byte rate (ks-tonegen) ---- */

#define TONEGEN_REGISTERED TONEGEN_PARAMS "registered"

static int tonegen_index(void)
{
	if (access(TONEGEN_REGISTERED, F_OK) == 0)
		write_file(TONEGEN_REGISTERED, "1");
	return chain_index(TONEGEN_NAME, "ks-tonegen.ko", "");
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

FIXTURE(tone) {
	int filter;
	int pin;
	int clock;
	int efd;
	long filters;
	long pins;
};

FIXTURE_SETUP(tone)
{
	int idx = tonegen_index();
	uint32_t size, reason;
	struct ks_req r;

	self->filter = self->pin = self->clock = self->efd = -1;
	ASSERT_SAMPLE(idx);
	self->filters = stats_counter("filters");
	self->pins = stats_counter("pins");
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	size = req_default(&r, TONEGEN_PIN_TONE);
	self->pin = ks_create(self->filter, &r, size, KS_GENERIC_READ,
			      O_CLOEXEC, &reason);
	ASSERT_LE(0, self->pin) TH_LOG("Tone pin: %s, reason %s",
				       strerror(-self->pin), reason_name(reason));
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(tone)
{
	close_fd(&self->clock);
	close_fd(&self->pin);
	close_fd(&self->filter);
	close_fd(&self->efd);
	if (access(TONEGEN_PARAMS, F_OK) == 0)
		write_file(TONEGEN_REGISTERED, "1");
	else
		load_module("ks-tonegen.ko", "");
}

/*
 * ks-tonegen's Control pin takes a STREAM format, no WAVEFORMATEX: it has
 * no byte rate, so no clock.  Its Tone pin (PCM) has one.
 */
TEST_F(tone, create_on_pin_without_waveformatex_eopnotsupp)
{
	uint32_t size, reason;
	struct ks_req r;
	int control, c;

	size = req_control(&r);
	control = ks_create(self->filter, &r, size, KS_GENERIC_WRITE,
			    O_CLOEXEC, &reason);
	ASSERT_LE(0, control) TH_LOG("Control pin: %s, reason %s",
				     strerror(-control), reason_name(reason));
	EXPECT_EQ(-EOPNOTSUPP, clock_create(control, 0, O_CLOEXEC));
	EXPECT_EQ(-EOPNOTSUPP, clock_create(control, 0, 0));
	/* The request's own checks come first. */
	EXPECT_EQ(-EINVAL, clock_create(control, 1, O_CLOEXEC));
	EXPECT_EQ(-EINVAL, clock_create(control, 0, O_APPEND));
	close(control);
	c = clock_open(self->pin);
	ASSERT_LE(0, c);
	EXPECT_EQ(KSSTATE_STOP, clock_state(c));
	close(c);
}

/*
 * The filter unregistered under an open clock: every call on the clock
 * fd is ENODEV, its pin's fd makes no new clock, the clock fd closes,
 * and then nothing of the filter or the pin is left.
 */
TEST_F(tone, unregistered_clock_ioctls_enodev)
{
	struct ks_event_time_interval a;
	struct ks_event_time_mark b;
	struct ks_ioctl_buffers io;
	int64_t t;

	ASSERT_EQ(0, access(TONEGEN_PARAMS, F_OK))
		TH_LOG(TONEGEN_MODNAME " is built in or not a module");
	self->clock = clock_open(self->pin);
	ASSERT_LE(0, self->clock);
	ASSERT_EQ(0, enable_interval(self->clock, 0, MS, &a, self->efd));
	ASSERT_EQ(0, ks_pin_set_state(self->pin, KSSTATE_PAUSE));
	EXPECT_EQ(KSSTATE_PAUSE, clock_state(self->clock));

	ASSERT_EQ(0, write_file(TONEGEN_REGISTERED, "0"));
	EXPECT_EQ(-ENODEV, clock_get(self->clock, KSPROPERTY_CLOCK_TIME, &t,
				     sizeof(t), NULL));
	EXPECT_EQ(-ENODEV, clock_get(self->clock, KSPROPERTY_CLOCK_STATE, &t,
				     sizeof(t), NULL));
	EXPECT_EQ(-ENODEV, enable_mark(self->clock, 0, &b, self->efd));
	EXPECT_EQ(-ENODEV, disable_ev(self->clock, &a));
	EXPECT_EQ(-ENODEV, disable_all(self->clock));
	/* Before any check of the request. */
	memset(&io, 0, sizeof(io));
	io.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->clock, KS_IOCTL_PROPERTY, &io));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->clock, _IO(KS_IOCTL_MAGIC, 0x7f)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, clock_create(self->pin, 0, O_CLOEXEC));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));

	EXPECT_EQ(0, close(self->clock));
	self->clock = -1;
	close_fd(&self->pin);
	close_fd(&self->filter);
	if (self->pins >= 0)
		EXPECT_EQ(self->pins, stats_wait("pins", self->pins));
	if (self->filters >= 0)
		EXPECT_EQ(self->filters - 1,
			  stats_wait("filters", self->filters - 1));
}

/* The clock fd holds the provider's module, as a pin fd does. */
TEST_F(tone, clock_fd_holds_provider_module)
{
	ASSERT_EQ(0, access(TONEGEN_PARAMS, F_OK))
		TH_LOG(TONEGEN_MODNAME " is built in or not a module");
	self->clock = clock_open(self->pin);
	ASSERT_LE(0, self->clock);
	close_fd(&self->pin);
	close_fd(&self->filter);
	EXPECT_EQ(-EWOULDBLOCK, unload_module(TONEGEN_MODNAME));
	EXPECT_EQ(KSSTATE_STOP, clock_state(self->clock));
	close_fd(&self->clock);
	EXPECT_EQ(0, unload_module_wait(TONEGEN_MODNAME));
	if (self->pins >= 0)
		EXPECT_EQ(self->pins, stats_wait("pins", self->pins));
	ASSERT_EQ(0, load_module("ks-tonegen.ko", ""));
	EXPECT_LE(0, ks_find_filter(TONEGEN_NAME));
}

/* Unless the provider unregistered: the clock fd outlives its module. */
TEST_F(tone, clock_fd_outlives_unregistered_provider)
{
	uint32_t st;

	ASSERT_EQ(0, access(TONEGEN_PARAMS, F_OK))
		TH_LOG(TONEGEN_MODNAME " is built in or not a module");
	self->clock = clock_open(self->pin);
	ASSERT_LE(0, self->clock);
	close_fd(&self->pin);
	close_fd(&self->filter);
	ASSERT_EQ(0, write_file(TONEGEN_REGISTERED, "0"));
	EXPECT_EQ(0, unload_module_wait(TONEGEN_MODNAME));
	EXPECT_EQ(-ENODEV, clock_get(self->clock, KSPROPERTY_CLOCK_STATE, &st,
				     sizeof(st), NULL));
	EXPECT_EQ(0, close(self->clock));
	self->clock = -1;
	if (self->pins >= 0)
		EXPECT_EQ(self->pins, stats_wait("pins", self->pins));
	if (self->filters >= 0)
		EXPECT_EQ(self->filters - 1,
			  stats_wait("filters", self->filters - 1));
	ASSERT_EQ(0, load_module("ks-tonegen.ko", ""));
}

/* ---- 3: ks-audio, a clocked card ---- */

#define AUDIO_WAVE	AUDIO_WAVE_NAME "-0"
#define AUDIO_CARDS	AUDIO_PARAMS "cards"
#define AUDIO_RATE	AUDIO_RATE_48K
#define AUDIO_BPS	(AUDIO_RATE * 4)

static pid_t harness_pid;
static long cards_at_start = -1;

__attribute__((constructor)) static void note_module(void)
{
	harness_pid = getpid();
	cards_at_start = read_number(AUDIO_CARDS);
}

/* Leave ks_audio as the run found it. */
__attribute__((destructor)) static void restore_module(void)
{
	char params[32];

	if (getpid() != harness_pid)
		return;
	unload_module_wait(AUDIO_MODNAME);
	if (cards_at_start > 0) {
		snprintf(params, sizeof(params), "cards=%ld", cards_at_start);
		load_module("ks-audio.ko", params);
	}
}

FIXTURE(audio) {
	int wave;
	int capture;
	int clock;
};

FIXTURE_SETUP(audio)
{
	struct ks_req r;
	uint32_t size, reason;
	int ret, idx;

	self->wave = self->capture = self->clock = -1;
	ret = unload_module_wait(AUDIO_MODNAME);
	ASSERT_TRUE(ret == 0 || ret == -ENOENT) TH_LOG("rmmod: %s",
						       strerror(-ret));
	ret = load_module("ks-audio.ko", "cards=1");
	ASSERT_EQ(0, ret) TH_LOG("loading %s/ks-audio.ko: %s (errno %d)",
				 module_dir(), strerror(-ret), -ret);
	idx = ks_find_filter(AUDIO_WAVE);
	ASSERT_LE(0, idx) TH_LOG("no " AUDIO_WAVE);
	self->wave = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->wave);
	size = req_audio(&r, AUDIO_WAVE_PIN_CAPTURE, KS_SAMPLE_PCM, AUDIO_RATE,
			 2, 16);
	self->capture = ks_create(self->wave, &r, size, KS_GENERIC_READ,
				  O_CLOEXEC, &reason);
	ASSERT_LE(0, self->capture) TH_LOG("Capture: %s, reason %s",
					   strerror(-self->capture),
					   reason_name(reason));
	/* 2 s of room: never read, it does not fill within a test. */
	ASSERT_EQ(0, ks_pin_set_buffer_size(self->capture, AUDIO_BPS * 2));
	self->clock = clock_open(self->capture);
	ASSERT_LE(0, self->clock);
}

FIXTURE_TEARDOWN(audio)
{
	close_fd(&self->clock);
	close_fd(&self->capture);
	close_fd(&self->wave);
	EXPECT_EQ(0, unload_module_wait(AUDIO_MODNAME));
}

/*
 * As ks_audio_stream_test's positions: the engine moves the write offset
 * once a period (10 ms) by the frames due, so each read may be a period
 * (plus the work item's latency) behind: over 0.5 s about 4 %.  A tick
 * later than 4 periods (a stalled VM under TCG or a debug kernel) drops
 * the excess, which slows the clock: 15 % covers a few such stalls, and
 * still tells a clock at another rate (44.1 kHz is 8 % off) or twice or
 * not at all.
 */
#define RATE_TOLERANCE	0.15

/* TIME's advance over ~0.5 s of CLOCK_MONOTONIC, as a ratio to it. */
static double clock_speed(int clock)
{
	int64_t t0, t1, s0, s1;

	s0 = now_units();
	t0 = clock_time(clock);
	ks_sleep_ms(500);
	s1 = now_units();
	t1 = clock_time(clock);
	if (t0 == INT64_MIN || t1 == INT64_MIN)
		return -1;
	return (double)(t1 - t0) / (double)(s1 - s0);
}

TEST_F(audio, time_runs_at_real_time_in_run)
{
	struct ks_audio_position a, b;
	double speed;
	int64_t t;

	EXPECT_EQ(0, clock_time(self->clock));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_PAUSE));
	ks_sleep_ms(50);
	EXPECT_EQ(0, clock_time(self->clock));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ks_sleep_ms(50);
	speed = clock_speed(self->clock);
	TH_LOG("TIME runs at %.3f of real time", speed);
	EXPECT_GT(RATE_TOLERANCE, speed > 1 ? speed - 1 : 1 - speed);
	/* It is the write offset's time, between two reads of it. */
	ASSERT_EQ(0, get_position(self->capture, &a));
	t = clock_time(self->clock);
	ASSERT_EQ(0, get_position(self->capture, &b));
	EXPECT_LE(time_of(a.write_offset, AUDIO_BPS), t);
	EXPECT_GE(time_of(b.write_offset, AUDIO_BPS), t);
}

TEST_F(audio, time_holds_in_pause_zero_after_stop)
{
	int64_t t, held;

	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ks_sleep_ms(200);
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_PAUSE));
	EXPECT_EQ(KSSTATE_PAUSE, clock_state(self->clock));
	held = clock_time(self->clock);
	EXPECT_LT(100 * MS, held);
	ks_sleep_ms(200);
	EXPECT_EQ(held, clock_time(self->clock));
	/* Running again, it goes on from there. */
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ks_sleep_ms(100);
	t = clock_time(self->clock);
	EXPECT_LT(held, t);
	EXPECT_GT(held + 1000 * MS, t);
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_STOP));
	EXPECT_EQ(KSSTATE_STOP, clock_state(self->clock));
	EXPECT_EQ(0, clock_time(self->clock));
	ks_sleep_ms(50);
	EXPECT_EQ(0, clock_time(self->clock));
}

/* A mark on a clocked pin comes when its time does, not before. */
TEST_F(audio, position_mark_at_real_time)
{
	struct ks_event_time_mark d;
	int efd = efd_open(0);
	long long t0, waited;

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, enable_mark(self->clock, 300 * MS, &d, efd));
	t0 = ks_now_ms();
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	EXPECT_EQ(1, efd_wait(efd, 1, SIGNAL_MS));
	waited = ks_now_ms() - t0;
	TH_LOG("300 ms mark after %lld ms", waited);
	EXPECT_LE(300 - 20, waited);
	EXPECT_LE(300 * MS, clock_time(self->clock));
	close(efd);
}

TEST_HARNESS_MAIN
