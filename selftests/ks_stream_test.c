// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming on pin fds (SPEC 7) and the ks-loopback data path (SPEC 9):
 * KSPROPERTY_CONNECTION_STATE, read/write/poll on Render and Capture,
 * whole frames, O_NONBLOCK, the bounded buffer, PAUSE, KS_IOCTL_RESET_STATE,
 * KS_IOCTL_WRITE_STREAM / READ_STREAM with ks_stream_header arrays, looped
 * streaming (mmap), closing a pin and unregistering a filter; blocked calls
 * that sleep through a new format or a reset.
 *
 * Every test is named after the rule it checks.  Where the contract says
 * nothing, the comment starts with "SPEC silent:" and the test asserts what
 * a user of KS and of Linux expects.
 *
 * The data is a position-keyed pattern (pattern_byte()), so a byte that
 * comes back changed, lost, duplicated or out of order is caught at the
 * position where it happened.
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "ks_selftest.h"

#define KIB		1024u
#define MIB		(1024u * 1024u)

/* An upper bound no sane loopback buffer reaches: filling stops there. */
#define FILL_LIMIT	(64u * MIB)

/* How long a call must stay blocked to count as blocked. */
#define BLOCKED_MS	200

static const struct ks_audio_params fmt_default = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

/* ---- the pattern ---- */

/* Byte @pos of stream @seed: every 4-byte word differs from its neighbours. */
static uint8_t pattern_byte(uint64_t pos, uint32_t seed)
{
	uint64_t h = ((pos >> 2) + ((uint64_t)seed << 40)) *
		     0x9E3779B97F4A7C15ull;

	h ^= h >> 29;
	return h >> (32 + 8 * (pos & 3));
}

static void pattern_fill(uint8_t *buf, size_t len, uint64_t pos, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern_byte(pos + i, seed);
}

/* The offset of the first byte that is not the pattern, or -1. */
static long pattern_check(const uint8_t *buf, size_t len, uint64_t pos,
			  uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != pattern_byte(pos + i, seed))
			return i;
	return -1;
}

/* ---- pins ---- */

static uint32_t frame_size(const struct ks_audio_params *p)
{
	return p->channels * (uint32_t)p->bits / 8;
}

/* A pin of ks-loopback with format @p and interface @iface; fd or -errno. */
static int pin_open_access(int filter, uint32_t pin,
			   const struct ks_audio_params *p, uint32_t iface,
			   uint32_t flags, uint32_t access)
{
	struct ks_req r;
	uint32_t reason;
	int n;

	memset(&r, 0, sizeof(r));
	ks_connect_init(&r.c, pin);
	n = ks_build_format(p, &r.f, sizeof(r.f));
	if (n < 0)
		return n;
	r.c.interface.id = iface;
	return ks_create(filter, &r, sizeof(r.c) + n, access, flags | O_CLOEXEC,
			 &reason);
}

static int pin_open(int filter, uint32_t pin, const struct ks_audio_params *p,
		    uint32_t iface, uint32_t flags)
{
	return pin_open_access(filter, pin, p, iface, flags, pin_access(pin));
}

/* KSPROPERTY_CONNECTION_STATE SET (the value in the out buffer, libks). */
static int set_state(int fd, uint32_t state)
{
	return ks_pin_set_state(fd, state);
}

static uint32_t get_state(int fd)
{
	uint32_t state = 0xdead;

	if (ks_pin_get_state(fd, &state) < 0)
		return 0xdead;
	return state;
}

static int set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl) < 0 ? -errno : 0;
}

/* read/write returning the count or -errno. */
static ssize_t rd(int fd, void *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? -errno : n;
}

static ssize_t wr(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	return n < 0 ? -errno : n;
}

/* Write @len pattern bytes at stream position @pos; 0 or -errno. */
static int write_pattern(int fd, size_t len, uint64_t pos, uint32_t seed)
{
	uint8_t *buf = malloc(len ? len : 1);
	int ret;

	if (!buf)
		return -ENOMEM;
	pattern_fill(buf, len, pos, seed);
	ret = write_all(fd, buf, len);
	free(buf);
	return ret;
}

/*
 * Read exactly @len bytes (blocking reads, short reads continue).  Returns
 * @len, the bytes read before end of stream, or -errno.
 */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/*
 * Drain a non-blocking capture fd until EAGAIN, checking the pattern from
 * @pos.  Returns the bytes read, or -errno for another error, or -EILSEQ
 * when the data is not the pattern (*@bad gets the stream offset).
 */
static long long drain(int fd, uint64_t pos, uint32_t seed, uint64_t *bad)
{
	const size_t chunk = 64 * KIB;
	uint8_t *buf = malloc(chunk);
	long long total = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf, chunk);
		long off;

		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			total = -errno;
			break;
		}
		if (n == 0)
			break;
		off = pattern_check(buf, n, pos + total, seed);
		if (off >= 0) {
			*bad = pos + total + off;
			total = -EILSEQ;
			break;
		}
		total += n;
	}
	free(buf);
	return total;
}

/* Read a non-blocking capture fd until EAGAIN, whatever it holds. */
static long long discard_all(int fd)
{
	uint8_t buf[4096];
	long long total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	return n < 0 && errno != EAGAIN ? -errno : total;
}


/*
 * Fill the buffer between a running Render and a Capture that does not
 * read, with non-blocking writes of @chunk bytes of pattern.  Returns the
 * bytes queued (EAGAIN ended it), or -errno, or -EFBIG past FILL_LIMIT.
 */
static long long fill(int fd, size_t chunk, uint32_t seed)
{
	uint8_t *buf = malloc(chunk);
	long long total = 0;

	if (!buf)
		return -ENOMEM;
	while (total < FILL_LIMIT) {
		ssize_t n;

		pattern_fill(buf, chunk, total, seed);
		n = write(fd, buf, chunk);
		if (n < 0) {
			if (errno != EAGAIN)
				total = -errno;
			break;
		}
		total += n;
	}
	if (total >= FILL_LIMIT)
		total = -EFBIG;
	free(buf);
	return total;
}

static short poll_events(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	return n < 0 ? -1 : n == 0 ? 0 : p.revents;
}

/*
 * discard_all() until nothing has come for @quiet_ms.  A non-blocking read
 * may find Capture empty while the loopback, run by another task (a
 * writer's kick), is still moving Render's data across: EAGAIN then says
 * "nothing yet", not "nothing more".
 */
static long long discard_until_quiet(int fd, int quiet_ms)
{
	long long n, total = 0;

	do {
		n = discard_all(fd);
		if (n < 0)
			return n;
		total += n;
	} while (poll_events(fd, POLLIN, quiet_ms) > 0);
	return total;
}

/* ---- a call in another thread, to see it block and be woken ---- */

enum call_kind { CALL_READ, CALL_WRITE, CALL_POLL_IN };

struct call {
	pthread_t thread;
	int fd;
	enum call_kind kind;
	size_t len;
	uint8_t *buf;
	ssize_t result;		/* count, or -errno; revents for a poll */
	atomic_bool done;
};

static void *call_main(void *arg)
{
	struct call *c = arg;

	switch (c->kind) {
	case CALL_READ:
		c->result = rd(c->fd, c->buf, c->len);
		break;
	case CALL_WRITE:
		c->result = wr(c->fd, c->buf, c->len);
		break;
	case CALL_POLL_IN:
		c->result = poll_events(c->fd, POLLIN, 10000);
		break;
	}
	atomic_store(&c->done, true);
	return NULL;
}

static int call_start(struct call *c, int fd, enum call_kind kind, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->kind = kind;
	c->len = len;
	c->buf = calloc(1, len ? len : 1);
	if (!c->buf)
		return -ENOMEM;
	if (kind == CALL_WRITE)
		pattern_fill(c->buf, len, 0, 77);
	atomic_init(&c->done, false);
	return -pthread_create(&c->thread, NULL, call_main, c);
}

/* Wait up to @ms for the call to return; true when it did. */
static bool call_wait(struct call *c, unsigned int ms)
{
	unsigned int waited;

	for (waited = 0; waited < ms && !atomic_load(&c->done); waited += 10)
		ks_sleep_ms(10);
	return atomic_load(&c->done);
}

/* Join the thread; c->buf stays valid until call_free(). */
static void call_join(struct call *c)
{
	pthread_join(c->thread, NULL);
}

static void call_free(struct call *c)
{
	free(c->buf);
	c->buf = NULL;
}

/* ---- stream headers ---- */

static void hdr_init(struct ks_stream_header *h, void *data, uint32_t extent,
		     uint32_t used)
{
	memset(h, 0, sizeof(*h));
	h->size = sizeof(*h);
	h->frame_extent = extent;
	h->data_used = used;
	h->data = (uintptr_t)data;
}

/* KS_IOCTL_WRITE_STREAM / READ_STREAM on @count headers; >= 0 or -errno. */
static int stream_ioctl(int fd, unsigned long cmd, struct ks_stream_header *h,
			uint32_t in_size)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)h,
		.in_size = in_size,
	};
	int ret = ioctl(fd, cmd, &b);

	return ret < 0 ? -errno : ret;
}

static int write_stream(int fd, struct ks_stream_header *h, uint32_t count)
{
	return stream_ioctl(fd, KS_IOCTL_WRITE_STREAM, h, count * sizeof(*h));
}

static int read_stream(int fd, struct ks_stream_header *h, uint32_t count)
{
	return stream_ioctl(fd, KS_IOCTL_READ_STREAM, h, count * sizeof(*h));
}

static int reset_state(int fd, uint32_t how)
{
	return ioctl(fd, KS_IOCTL_RESET_STATE, &how) < 0 ? -errno : 0;
}

/* ---- KSPROPSETID_KSFILTER_STREAM ---- */

static const struct ks_guid stream_set = KSPROPSETID_KSFILTER_STREAM;

static int get_position(int fd, struct ks_audio_position *pos)
{
	uint32_t got = 0;
	int ret = ks_property(fd, &stream_set, KSPROPERTY_KSFILTER_STREAM_POSITION,
			      KSPROPERTY_TYPE_GET, NULL, 0, pos, sizeof(*pos),
			      &got);

	return ret < 0 ? ret : got == sizeof(*pos) ? 0 : -EPROTO;
}

/* A SET's value travels in the out buffer (DeviceIoControl, libks). */
static int set_position(int fd, const struct ks_audio_position *pos)
{
	struct ks_audio_position v = *pos;

	return ks_property(fd, &stream_set, KSPROPERTY_KSFILTER_STREAM_POSITION,
			   KSPROPERTY_TYPE_SET, NULL, 0, &v, sizeof(v), NULL);
}

static int get_buffer(int fd, struct ks_stream_buffer *sb)
{
	uint32_t got = 0;
	int ret = ks_property(fd, &stream_set, KSPROPERTY_KSFILTER_STREAM_BUFFER,
			      KSPROPERTY_TYPE_GET, NULL, 0, sb, sizeof(*sb),
			      &got);

	return ret < 0 ? ret : got == sizeof(*sb) ? 0 : -EPROTO;
}

/* ---- the fixture: Render and Capture of ks-loopback, pcm:48000:2:16 ---- */

FIXTURE(stream) {
	int idx;
	int filter;
	int render;
	int capture;
	uint32_t frame;
};

FIXTURE_SETUP(stream)
{
	self->filter = self->render = self->capture = -1;
	self->frame = frame_size(&fmt_default);
	self->idx = ks_find_filter(LOOPBACK_NAME);
	ASSERT_LOOPBACK(self->idx);
	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->render = pin_open(self->filter, PIN_RENDER, &fmt_default,
				KSINTERFACE_STANDARD_STREAMING, 0);
	ASSERT_LE(0, self->render) TH_LOG("Render: %s", strerror(-self->render));
	self->capture = pin_open(self->filter, PIN_CAPTURE, &fmt_default,
				 KSINTERFACE_STANDARD_STREAMING, 0);
	ASSERT_LE(0, self->capture) TH_LOG("Capture: %s", strerror(-self->capture));
}

FIXTURE_TEARDOWN(stream)
{
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
}

/* Both pins to RUN, Capture first so that nothing written is discarded. */
#define RUN_BOTH() do {							\
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));		\
	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));		\
} while (0)

/* ---- SPEC 7: states through KSPROPERTY_CONNECTION_STATE ---- */

TEST_F(stream, state_starts_in_stop)
{
	EXPECT_EQ(KSSTATE_STOP, get_state(self->render));
	EXPECT_EQ(KSSTATE_STOP, get_state(self->capture));
}

TEST_F(stream, state_steps_stop_acquire_pause_run_and_back)
{
	static const uint32_t path[] = {
		KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN, KSSTATE_PAUSE,
		KSSTATE_ACQUIRE, KSSTATE_STOP,
	};
	unsigned int i;

	for (i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		ASSERT_EQ(0, set_state(self->render, path[i]));
		EXPECT_EQ(path[i], get_state(self->render));
		ASSERT_EQ(0, set_state(self->capture, path[i]));
		EXPECT_EQ(path[i], get_state(self->capture));
	}
}

/* A jump is carried out one step at a time: the result is the target state. */
TEST_F(stream, state_jump_stop_to_run_and_run_to_stop)
{
	char val[32];

	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	EXPECT_EQ(KSSTATE_RUN, get_state(self->render));
	ASSERT_EQ(0, fdinfo_value(self->render, "ks-state", val, sizeof(val)));
	EXPECT_STREQ("RUN", val);
	ASSERT_EQ(0, set_state(self->render, KSSTATE_STOP));
	EXPECT_EQ(KSSTATE_STOP, get_state(self->render));
	ASSERT_EQ(0, set_state(self->render, KSSTATE_PAUSE));
	EXPECT_EQ(KSSTATE_PAUSE, get_state(self->render));
}

/* Setting the state the pin is in succeeds and changes nothing. */
TEST_F(stream, state_set_same_state_succeeds)
{
	ASSERT_EQ(0, set_state(self->render, KSSTATE_STOP));
	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	EXPECT_EQ(KSSTATE_RUN, get_state(self->render));
}

/* SPEC silent: a value that is no KSSTATE is invalid (STATUS_INVALID_PARAMETER). */
TEST_F(stream, state_unknown_value_einval)
{
	ASSERT_EQ(0, set_state(self->render, KSSTATE_PAUSE));
	EXPECT_EQ(-EINVAL, set_state(self->render, 4));
	EXPECT_EQ(-EINVAL, set_state(self->render, 0xFFFFFFFF));
	EXPECT_EQ(KSSTATE_PAUSE, get_state(self->render));
}

/* ---- SPEC 7: read/write in STOP: EBADFD ---- */

TEST_F(stream, write_in_stop_ebadfd)
{
	uint8_t buf[64] = { 0 };

	EXPECT_EQ(-EBADFD, wr(self->render, buf, sizeof(buf)));
	/* And again once the pin has been running and is stopped. */
	RUN_BOTH();
	ASSERT_EQ(0, set_state(self->render, KSSTATE_STOP));
	EXPECT_EQ(-EBADFD, wr(self->render, buf, sizeof(buf)));
}

TEST_F(stream, read_in_stop_ebadfd)
{
	uint8_t buf[64];

	EXPECT_EQ(-EBADFD, rd(self->capture, buf, sizeof(buf)));
	/* Even with data queued: a stopped pin does not deliver. */
	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, sizeof(buf), 0, 1));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_STOP));
	EXPECT_EQ(-EBADFD, rd(self->capture, buf, sizeof(buf)));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EBADFD, rd(self->capture, buf, sizeof(buf)));
}

/* SPEC silent: KS moves nothing before PAUSE, so ACQUIRE is as STOP (stream.c). */
TEST_F(stream, read_write_in_acquire_ebadfd)
{
	uint8_t buf[64] = { 0 };

	ASSERT_EQ(0, set_state(self->render, KSSTATE_ACQUIRE));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_ACQUIRE));
	EXPECT_EQ(-EBADFD, wr(self->render, buf, sizeof(buf)));
	EXPECT_EQ(-EBADFD, rd(self->capture, buf, sizeof(buf)));
}

/* ---- SPEC 7/9: the data comes back unchanged and in order ---- */

TEST_F(stream, loopback_write_then_read_same_bytes)
{
	uint8_t out[4800], in[4800];

	RUN_BOTH();
	pattern_fill(out, sizeof(out), 0, 2);
	ASSERT_EQ((ssize_t)sizeof(out), wr(self->render, out, sizeof(out)));
	ASSERT_EQ((ssize_t)sizeof(in), read_full(self->capture, in, sizeof(in)));
	EXPECT_EQ(0, memcmp(out, in, sizeof(in)));
}

/* ---- SPEC 7: whole frames only ---- */

TEST_F(stream, write_partial_frame_einval)
{
	uint8_t buf[64] = { 0 };
	uint64_t bad = 0;

	RUN_BOTH();
	EXPECT_EQ(-EINVAL, wr(self->render, buf, self->frame - 1));
	EXPECT_EQ(-EINVAL, wr(self->render, buf, 5 * self->frame + 1));
	EXPECT_EQ(-EINVAL, wr(self->render, buf, 1));
	/* Nothing of the refused writes was queued. */
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(0, drain(self->capture, 0, 0, &bad));
}

TEST_F(stream, read_shorter_than_one_frame_einval)
{
	uint8_t buf[64];
	uint64_t bad = 0;

	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 8 * self->frame, 0, 3));
	EXPECT_EQ(-EINVAL, rd(self->capture, buf, self->frame - 1));
	EXPECT_EQ(-EINVAL, rd(self->capture, buf, 1));
	/* The refused reads took nothing. */
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(8 * self->frame, drain(self->capture, 0, 3, &bad));
}

/* A zero-length read or write is no partial frame: it returns 0 (read(2)). */
TEST_F(stream, zero_length_read_write_return_zero)
{
	uint8_t buf[4];

	RUN_BOTH();
	EXPECT_EQ(0, wr(self->render, buf, 0));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(0, rd(self->capture, buf, 0));
}

/* SPEC 7: a read shorter than one frame is refused even with nothing queued. */
TEST_F(stream, nonblocking_read_shorter_than_one_frame_einval)
{
	uint8_t buf[4];

	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EINVAL, rd(self->capture, buf, self->frame - 1));
}

TEST_F(stream, read_length_rounded_down_to_whole_frames)
{
	uint8_t buf[256];
	uint64_t bad = 0;

	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 16 * self->frame, 0, 4));
	/* 3 frames and 3 bytes: 3 frames. */
	ASSERT_EQ((ssize_t)(3 * self->frame),
		  rd(self->capture, buf, 3 * self->frame + 3));
	EXPECT_EQ(-1, pattern_check(buf, 3 * self->frame, 0, 4));
	/* The rest follows on from there. */
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(13 * self->frame, drain(self->capture, 3 * self->frame, 4, &bad))
		TH_LOG("pattern broken at %llu", (unsigned long long)bad);
}

/* ---- SPEC 7: O_NONBLOCK ---- */

TEST_F(stream, nonblocking_read_nothing_queued_eagain)
{
	uint8_t buf[64];

	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
}

/* O_NONBLOCK given to KS_IOCTL_CREATE_PIN works the same as fcntl's. */
TEST_F(stream, nonblocking_pin_from_create_flags_eagain)
{
	uint8_t buf[64];

	close_fd(&self->capture);
	self->capture = pin_open(self->filter, PIN_CAPTURE, &fmt_default,
				 KSINTERFACE_STANDARD_STREAMING, O_NONBLOCK);
	ASSERT_LE(0, self->capture);
	RUN_BOTH();
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
}

/* A blocking read waits for data and returns when it comes. */
TEST_F(stream, blocking_read_waits_for_data)
{
	struct call c;

	RUN_BOTH();
	ASSERT_EQ(0, call_start(&c, self->capture, CALL_READ, 64 * self->frame));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, write_pattern(self->render, 64 * self->frame, 0, 5));
	EXPECT_TRUE(call_wait(&c, 5000));
	call_join(&c);
	call_free(&c);
	EXPECT_LT(0, c.result);
	EXPECT_EQ(0, c.result % self->frame);
}

/* ---- SPEC 9: the bounded buffer ---- */

TEST_F(stream, nonblocking_write_eagain_when_buffer_full)
{
	long long queued, got;
	uint64_t bad = 0;

	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->render, true));
	queued = fill(self->render, 16 * KIB, 6);
	ASSERT_LT(0, queued) TH_LOG("fill: %s", queued == -EFBIG ?
				    "no EAGAIN after 64 MiB: buffer unbounded" :
				    strerror(-queued));
	EXPECT_EQ(0, queued % self->frame);
	/* Full: no POLLOUT. */
	EXPECT_EQ(0, poll_events(self->render, POLLOUT, 0));

	/* Everything that was accepted comes out, in order. */
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	got = drain(self->capture, 0, 6, &bad);
	EXPECT_EQ(queued, got) TH_LOG("pattern broken at %llu",
				      (unsigned long long)bad);
	/* Room again. */
	EXPECT_EQ(POLLOUT, poll_events(self->render, POLLOUT, 1000));
}

TEST_F(stream, blocking_write_waits_while_buffer_full)
{
	long long queued, got;
	struct call c;
	size_t len = 16 * KIB;

	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->render, true));
	queued = fill(self->render, len, 7);
	ASSERT_LT(0, queued);
	ASSERT_EQ(0, set_nonblock(self->render, false));

	ASSERT_EQ(0, call_start(&c, self->render, CALL_WRITE, len));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS)) TH_LOG("write did not block");

	/* Reading makes room: the writer finishes. */
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	got = discard_until_quiet(self->capture, 500);
	EXPECT_LE(queued, got);
	EXPECT_TRUE(call_wait(&c, 5000)) TH_LOG("writer still blocked");
	if (!atomic_load(&c.done)) {
		/* Unblock it before joining: read all there is. */
		discard_all(self->capture);
	}
	call_join(&c);
	call_free(&c);
	EXPECT_LT(0, c.result);
	EXPECT_EQ(0, c.result % self->frame);
}

/* ---- SPEC 9: no running Capture: frames discarded, writer never waits ---- */

TEST_F_TIMEOUT(stream, no_capture_pin_writes_complete_discarded, 60)
{
	uint8_t buf[64];

	close_fd(&self->capture);
	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	/* Far more than any buffer: blocking writes all complete. */
	ASSERT_EQ(0, write_pattern(self->render, 16 * MIB, 0, 8));
	ASSERT_EQ(0, set_nonblock(self->render, true));
	EXPECT_EQ(0, write_pattern(self->render, 4 * MIB, 0, 8));

	/* A Capture started afterwards finds nothing. */
	self->capture = pin_open(self->filter, PIN_CAPTURE, &fmt_default,
				 KSINTERFACE_STANDARD_STREAMING, O_NONBLOCK);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
}

TEST_F_TIMEOUT(stream, stopped_capture_writes_complete_discarded, 60)
{
	uint8_t buf[64];

	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	ASSERT_EQ(0, write_pattern(self->render, 16 * MIB, 0, 9));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
}

/* A Capture stopped while a writer is blocked on a full buffer frees it. */
TEST_F(stream, capture_stopping_releases_blocked_writer)
{
	long long queued;
	struct call c;

	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->render, true));
	queued = fill(self->render, 16 * KIB, 10);
	ASSERT_LT(0, queued);
	ASSERT_EQ(0, set_nonblock(self->render, false));
	ASSERT_EQ(0, call_start(&c, self->render, CALL_WRITE, 16 * KIB));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_STOP));
	EXPECT_TRUE(call_wait(&c, 5000)) TH_LOG("writer still blocked");
	if (!atomic_load(&c.done))
		close_fd(&self->capture);
	call_join(&c);
	call_free(&c);
	EXPECT_EQ(16 * KIB, c.result);
}

/* ---- SPEC 7: PAUSE: writes queue, reads block, data moves after RUN ---- */

TEST_F(stream, pause_render_writes_queue_and_flow_after_run)
{
	uint8_t buf[64];
	long long queued, got;
	uint64_t bad = 0;

	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, set_state(self->render, KSSTATE_PAUSE));
	ASSERT_EQ(0, set_nonblock(self->render, true));
	ASSERT_EQ(0, set_nonblock(self->capture, true));

	/* Writes are accepted up to the buffer, then EAGAIN. */
	queued = fill(self->render, 4 * KIB, 11);
	ASSERT_LT(0, queued);
	/* Nothing moves while the Render pin pauses. */
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));

	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	got = drain(self->capture, 0, 11, &bad);
	EXPECT_EQ(queued, got) TH_LOG("pattern broken at %llu",
				      (unsigned long long)bad);
}

TEST_F(stream, pause_capture_read_blocks_then_data_after_run)
{
	uint8_t buf[64];
	uint64_t bad = 0;
	struct call c;

	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 32 * self->frame, 0, 12));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_PAUSE));

	/* O_NONBLOCK: EAGAIN although data is queued. */
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
	ASSERT_EQ(0, set_nonblock(self->capture, false));

	/* A blocking read waits ... */
	ASSERT_EQ(0, call_start(&c, self->capture, CALL_READ, 32 * self->frame));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS)) TH_LOG("read did not block in PAUSE");
	/* ... and gets the data once the pin runs. */
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));
	EXPECT_TRUE(call_wait(&c, 5000));
	if (!atomic_load(&c.done))
		ASSERT_EQ(0, reset_state(self->capture, KSRESET_BEGIN));
	call_join(&c);
	ASSERT_LT(0, c.result);
	EXPECT_EQ(-1, pattern_check(c.buf, c.result, 0, 12));
	call_free(&c);
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(32 * self->frame - c.result,
		  drain(self->capture, c.result, 12, &bad));
}

/* ---- SPEC 7: poll(2) and epoll readiness ---- */

TEST_F(stream, poll_pollout_on_empty_render)
{
	RUN_BOTH();
	EXPECT_EQ(POLLOUT, poll_events(self->render, POLLOUT | POLLIN, 0));
}

TEST_F(stream, poll_no_pollin_on_empty_capture)
{
	RUN_BOTH();
	EXPECT_EQ(0, poll_events(self->capture, POLLIN, 0));
}

TEST_F(stream, poll_pollin_on_capture_with_data)
{
	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 16 * self->frame, 0, 13));
	EXPECT_EQ(POLLIN, poll_events(self->capture, POLLIN, 1000) & ~POLLRDNORM);
}

TEST_F(stream, poll_wakes_when_data_arrives)
{
	struct call c;

	RUN_BOTH();
	ASSERT_EQ(0, call_start(&c, self->capture, CALL_POLL_IN, 0));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, write_pattern(self->render, 16 * self->frame, 0, 14));
	EXPECT_TRUE(call_wait(&c, 5000));
	call_join(&c);
	call_free(&c);
	EXPECT_TRUE(c.result & POLLIN);
}

TEST_F(stream, epoll_reports_pollout_and_pollin)
{
	struct epoll_event ev = { .events = EPOLLIN }, got[2];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_LE(0, ep);
	RUN_BOTH();
	ev.data.fd = self->capture;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->capture, &ev));
	ev.events = EPOLLOUT;
	ev.data.fd = self->render;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->render, &ev));

	/* Only the Render pin is ready. */
	ASSERT_EQ(1, epoll_wait(ep, got, 2, 0));
	EXPECT_EQ(self->render, got[0].data.fd);
	EXPECT_TRUE(got[0].events & EPOLLOUT);

	/* Data written: the Capture pin is readable too. */
	ASSERT_EQ(0, write_pattern(self->render, 16 * self->frame, 0, 15));
	ev.events = EPOLLIN;
	ev.data.fd = self->capture;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, self->render, NULL));
	ASSERT_EQ(1, epoll_wait(ep, got, 2, 1000));
	EXPECT_EQ(self->capture, got[0].data.fd);
	EXPECT_TRUE(got[0].events & EPOLLIN);
	close(ep);
}

/* ---- SPEC 7: KS_IOCTL_RESET_STATE ---- */

TEST_F(stream, reset_begin_discards_queued_data)
{
	uint8_t buf[256];
	uint64_t bad = 0;

	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 32 * self->frame, 0, 16));
	ASSERT_EQ(0, reset_state(self->capture, KSRESET_BEGIN));
	ASSERT_EQ(0, reset_state(self->capture, KSRESET_END));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));

	/* Streaming goes on with what is written after the reset. */
	ASSERT_EQ(0, write_pattern(self->render, 8 * self->frame, 0, 17));
	EXPECT_EQ(8 * self->frame, drain(self->capture, 0, 17, &bad));
}

/* The Render pin's reset discards what it queued and Capture has not read. */
TEST_F(stream, reset_begin_on_render_discards_queued_data)
{
	uint8_t buf[256];

	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 32 * self->frame, 0, 18));
	ASSERT_EQ(0, reset_state(self->render, KSRESET_BEGIN));
	ASSERT_EQ(0, reset_state(self->render, KSRESET_END));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
}

TEST_F(stream, reset_begin_new_calls_ecanceled_until_end)
{
	struct ks_stream_header h;
	uint8_t buf[256] = { 0 };

	RUN_BOTH();
	ASSERT_EQ(0, reset_state(self->capture, KSRESET_BEGIN));
	ASSERT_EQ(0, reset_state(self->render, KSRESET_BEGIN));
	EXPECT_EQ(-ECANCELED, rd(self->capture, buf, sizeof(buf)));
	EXPECT_EQ(-ECANCELED, wr(self->render, buf, sizeof(buf)));
	hdr_init(&h, buf, sizeof(buf), sizeof(buf));
	EXPECT_EQ(-ECANCELED, write_stream(self->render, &h, 1));
	hdr_init(&h, buf, sizeof(buf), 0);
	EXPECT_EQ(-ECANCELED, read_stream(self->capture, &h, 1));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-ECANCELED, rd(self->capture, buf, sizeof(buf)));

	ASSERT_EQ(0, reset_state(self->capture, KSRESET_END));
	ASSERT_EQ(0, reset_state(self->render, KSRESET_END));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
	EXPECT_EQ((ssize_t)sizeof(buf), wr(self->render, buf, sizeof(buf)));
	EXPECT_EQ((ssize_t)sizeof(buf), rd(self->capture, buf, sizeof(buf)));
}

TEST_F(stream, reset_begin_cancels_blocked_read)
{
	struct call c;

	RUN_BOTH();
	ASSERT_EQ(0, call_start(&c, self->capture, CALL_READ, 64));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, reset_state(self->capture, KSRESET_BEGIN));
	EXPECT_TRUE(call_wait(&c, 5000)) TH_LOG("read not woken by RESET_STATE");
	if (!atomic_load(&c.done))
		ASSERT_EQ(0, write_pattern(self->render, 64, 0, 0));
	call_join(&c);
	call_free(&c);
	EXPECT_EQ(-ECANCELED, c.result);
	ASSERT_EQ(0, reset_state(self->capture, KSRESET_END));
}

TEST_F(stream, reset_begin_cancels_blocked_write)
{
	long long queued;
	struct call c;

	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->render, true));
	queued = fill(self->render, 16 * KIB, 19);
	ASSERT_LT(0, queued);
	ASSERT_EQ(0, set_nonblock(self->render, false));
	ASSERT_EQ(0, call_start(&c, self->render, CALL_WRITE, 16 * KIB));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, reset_state(self->render, KSRESET_BEGIN));
	EXPECT_TRUE(call_wait(&c, 5000)) TH_LOG("write not woken by RESET_STATE");
	if (!atomic_load(&c.done)) {
		set_nonblock(self->capture, true);
		discard_all(self->capture);
	}
	call_join(&c);
	call_free(&c);
	EXPECT_EQ(-ECANCELED, c.result);
	ASSERT_EQ(0, reset_state(self->render, KSRESET_END));
}

/* SPEC silent: a value other than BEGIN or END is invalid. */
TEST_F(stream, reset_unknown_value_einval)
{
	EXPECT_EQ(-EINVAL, reset_state(self->capture, 2));
	EXPECT_EQ(-EINVAL, reset_state(self->capture, 0xFFFFFFFF));
}

/* ---- KS_IOCTL_WRITE_STREAM / READ_STREAM (SPEC 3.1, 7) ---- */

#define HDR_FRAMES	480

TEST_F(stream, stream_headers_carry_data_time_and_flags)
{
	const uint32_t len = HDR_FRAMES * self->frame;
	struct ks_stream_header w[3], r[3];
	uint8_t *out = malloc(3 * len), *in = calloc(1, 3 * len);
	unsigned int i;

	ASSERT_TRUE(out && in);
	RUN_BOTH();
	pattern_fill(out, 3 * len, 0, 20);
	for (i = 0; i < 3; i++) {
		hdr_init(&w[i], out + i * len, len, len);
		w[i].presentation_time.time = 10000000ll * (i + 1);
		w[i].presentation_time.numerator = 1;
		w[i].presentation_time.denominator = 1;
		w[i].duration = 100000;
		w[i].options_flags = KSSTREAM_HEADER_OPTIONSF_TIMEVALID |
				     KSSTREAM_HEADER_OPTIONSF_DURATIONVALID;
	}
	w[1].options_flags |= KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY;
	ASSERT_LE(0, write_stream(self->render, w, 3));

	for (i = 0; i < 3; i++)
		hdr_init(&r[i], in + i * len, len, 0);
	ASSERT_LE(0, read_stream(self->capture, r, 3));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(sizeof(r[i]), r[i].size);
		EXPECT_EQ(len, r[i].frame_extent);
		EXPECT_EQ(len, r[i].data_used) TH_LOG("header %u", i);
		EXPECT_EQ((uintptr_t)(in + i * len), r[i].data);
		EXPECT_EQ(w[i].options_flags, r[i].options_flags)
			TH_LOG("header %u flags 0x%x", i, r[i].options_flags);
		EXPECT_EQ(w[i].presentation_time.time,
			  r[i].presentation_time.time);
		EXPECT_EQ(1, r[i].presentation_time.numerator);
		EXPECT_EQ(1, r[i].presentation_time.denominator);
		EXPECT_EQ(w[i].duration, r[i].duration);
	}
	EXPECT_EQ(0, memcmp(out, in, 3 * len));
	free(out);
	free(in);
}

/* Headers written by WRITE_STREAM read back as plain bytes by read(2). */
TEST_F(stream, write_stream_then_read_plain_bytes)
{
	const uint32_t len = 100 * self->frame;
	struct ks_stream_header w[2];
	uint8_t *out = malloc(2 * len), *in = malloc(2 * len);

	ASSERT_TRUE(out && in);
	RUN_BOTH();
	pattern_fill(out, 2 * len, 0, 21);
	hdr_init(&w[0], out, len, len);
	hdr_init(&w[1], out + len, len, len);
	ASSERT_LE(0, write_stream(self->render, w, 2));
	ASSERT_EQ((ssize_t)(2 * len), read_full(self->capture, in, 2 * len));
	EXPECT_EQ(0, memcmp(out, in, 2 * len));
	free(out);
	free(in);
}

/* Bytes written by write(2) come out of READ_STREAM with no time flags. */
TEST_F(stream, plain_write_then_read_stream)
{
	const uint32_t len = 100 * self->frame;
	struct ks_stream_header r;
	uint8_t *in = calloc(1, len);

	ASSERT_TRUE(in != NULL);
	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, len, 0, 22));
	hdr_init(&r, in, len, 0);
	ASSERT_LE(0, read_stream(self->capture, &r, 1));
	EXPECT_EQ(len, r.data_used);
	EXPECT_EQ(0, r.options_flags & (KSSTREAM_HEADER_OPTIONSF_TIMEVALID |
					KSSTREAM_HEADER_OPTIONSF_DURATIONVALID |
					KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM));
	EXPECT_EQ(-1, pattern_check(in, len, 0, 22));
	free(in);
}

/*
 * SPEC silent: a non-blocking READ_STREAM returns the whole frames that are
 * queued, less than frame_extent, as Windows completes a capture IRP with
 * DataUsed < FrameExtent.
 */
TEST_F(stream, read_stream_data_used_below_extent)
{
	const uint32_t len = 1000 * self->frame;
	struct ks_stream_header r;
	uint8_t *in = calloc(1, len);

	ASSERT_TRUE(in != NULL);
	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 100 * self->frame, 0, 23));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	hdr_init(&r, in, len, 0);
	ASSERT_LE(0, read_stream(self->capture, &r, 1));
	EXPECT_EQ(100 * self->frame, r.data_used);
	EXPECT_EQ(-1, pattern_check(in, r.data_used, 0, 23));
	free(in);
}

TEST_F(stream, endofstream_read_returns_zero_once_drained)
{
	const uint32_t len = 100 * self->frame;
	struct ks_stream_header w[2];
	uint8_t *out = malloc(len), *in = malloc(2 * len);

	ASSERT_TRUE(out && in);
	RUN_BOTH();
	pattern_fill(out, len, 0, 24);
	hdr_init(&w[0], out, len, len);
	hdr_init(&w[1], NULL, 0, 0);
	w[1].options_flags = KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM;
	ASSERT_LE(0, write_stream(self->render, w, 2));

	/* The data first, then end of stream: a blocking read returns 0. */
	ASSERT_EQ((ssize_t)len, read_full(self->capture, in, 2 * len));
	EXPECT_EQ(-1, pattern_check(in, len, 0, 24));
	EXPECT_EQ(0, rd(self->capture, in, len));
	/* A reader that polls is told it can read (and gets 0). */
	EXPECT_NE(0, poll_events(self->capture, POLLIN, 1000) & (POLLIN | POLLHUP));
	free(out);
	free(in);
}

/* ENDOFSTREAM on the header that carries the last data. */
TEST_F(stream, endofstream_on_data_header_read_stream_sees_flag)
{
	const uint32_t len = 64 * self->frame;
	struct ks_stream_header w, r[2];
	uint8_t *out = malloc(len), *in = calloc(1, 2 * len);

	ASSERT_TRUE(out && in);
	RUN_BOTH();
	pattern_fill(out, len, 0, 25);
	hdr_init(&w, out, len, len);
	w.options_flags = KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM;
	ASSERT_LE(0, write_stream(self->render, &w, 1));

	hdr_init(&r[0], in, len, 0);
	ASSERT_LE(0, read_stream(self->capture, r, 1));
	EXPECT_EQ(len, r[0].data_used);
	EXPECT_EQ(-1, pattern_check(in, len, 0, 25));
	if (!(r[0].options_flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM)) {
		/* The flag may come with an empty header after the data. */
		hdr_init(&r[1], in + len, len, 0);
		ASSERT_LE(0, read_stream(self->capture, &r[1], 1));
		EXPECT_EQ(0, r[1].data_used);
		EXPECT_TRUE(r[1].options_flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM);
	}
	EXPECT_EQ(0, rd(self->capture, in, len));
	free(out);
	free(in);
}

/* ---- malformed stream headers ---- */

TEST_F(stream, stream_header_size_below_56_einval)
{
	uint8_t buf[64] = { 0 };
	struct ks_stream_header h;

	RUN_BOTH();
	hdr_init(&h, buf, sizeof(buf), sizeof(buf));
	h.size = 48;
	EXPECT_EQ(-EINVAL, write_stream(self->render, &h, 1));
	h.size = 0;
	EXPECT_EQ(-EINVAL, write_stream(self->render, &h, 1));
	hdr_init(&h, buf, sizeof(buf), 0);
	h.size = 40;
	EXPECT_EQ(-EINVAL, read_stream(self->capture, &h, 1));
}

TEST_F(stream, stream_in_size_not_multiple_of_56_einval)
{
	uint8_t buf[64] = { 0 };
	struct ks_stream_header h[2];

	RUN_BOTH();
	hdr_init(&h[0], buf, sizeof(buf), sizeof(buf));
	hdr_init(&h[1], buf, sizeof(buf), sizeof(buf));
	EXPECT_EQ(-EINVAL, stream_ioctl(self->render, KS_IOCTL_WRITE_STREAM, h, 57));
	EXPECT_EQ(-EINVAL, stream_ioctl(self->render, KS_IOCTL_WRITE_STREAM, h, 55));
	EXPECT_EQ(-EINVAL, stream_ioctl(self->render, KS_IOCTL_WRITE_STREAM, h, 100));
	EXPECT_EQ(-EINVAL, stream_ioctl(self->capture, KS_IOCTL_READ_STREAM, h, 60));
}

/* SPEC silent: no header at all is a malformed request. */
TEST_F(stream, stream_in_size_zero_einval)
{
	struct ks_stream_header h;

	RUN_BOTH();
	hdr_init(&h, NULL, 0, 0);
	EXPECT_EQ(-EINVAL, stream_ioctl(self->render, KS_IOCTL_WRITE_STREAM, &h, 0));
	EXPECT_EQ(-EINVAL, stream_ioctl(self->capture, KS_IOCTL_READ_STREAM, &h, 0));
}

/* ks_ioctl_buffers.reserved must be 0 (SPEC 3.3). */
TEST_F(stream, stream_buffers_reserved_nonzero_einval)
{
	uint8_t buf[64] = { 0 };
	struct ks_stream_header h;
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h, .in_size = sizeof(h), .reserved = 1,
	};

	RUN_BOTH();
	hdr_init(&h, buf, sizeof(buf), sizeof(buf));
	EXPECT_EQ(-1, ioctl(self->render, KS_IOCTL_WRITE_STREAM, &b));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(stream, stream_bad_data_pointer_efault)
{
	struct ks_stream_header h;

	RUN_BOTH();
	hdr_init(&h, (void *)16, 64, 64);
	EXPECT_EQ(-EFAULT, write_stream(self->render, &h, 1));
	ASSERT_EQ(0, write_pattern(self->render, 64, 0, 26));
	hdr_init(&h, (void *)16, 64, 0);
	EXPECT_EQ(-EFAULT, read_stream(self->capture, &h, 1));
}

TEST_F(stream, stream_bad_header_pointer_efault)
{
	RUN_BOTH();
	EXPECT_EQ(-EFAULT, stream_ioctl(self->render, KS_IOCTL_WRITE_STREAM,
					(void *)16, sizeof(struct ks_stream_header)));
	EXPECT_EQ(-EFAULT, stream_ioctl(self->capture, KS_IOCTL_READ_STREAM,
					(void *)16, sizeof(struct ks_stream_header)));
	{
		struct ks_ioctl_buffers *b = (void *)16;

		EXPECT_EQ(-1, ioctl(self->render, KS_IOCTL_WRITE_STREAM, b));
		EXPECT_EQ(EFAULT, errno);
	}
}

TEST_F(stream, stream_data_used_beyond_frame_extent_einval)
{
	uint8_t buf[64] = { 0 };
	struct ks_stream_header h;

	RUN_BOTH();
	hdr_init(&h, buf, 32, 64);
	EXPECT_EQ(-EINVAL, write_stream(self->render, &h, 1));
}

/* SPEC 7: partial frames are never delivered, in headers either. */
TEST_F(stream, stream_data_used_partial_frame_einval)
{
	uint8_t buf[64] = { 0 };
	struct ks_stream_header h;

	RUN_BOTH();
	hdr_init(&h, buf, sizeof(buf), self->frame + 1);
	EXPECT_EQ(-EINVAL, write_stream(self->render, &h, 1));
}

/*
 * SPEC silent: a malformed header anywhere in the array refuses the whole
 * call, as KsProbeStreamIrp checks every header before any is queued.
 */
TEST_F(stream, stream_bad_second_header_queues_nothing)
{
	uint8_t buf[64] = { 0 }, in[64];
	struct ks_stream_header h[2];

	RUN_BOTH();
	hdr_init(&h[0], buf, sizeof(buf), sizeof(buf));
	hdr_init(&h[1], buf, 32, 64);
	EXPECT_EQ(-EINVAL, write_stream(self->render, h, 2));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(-EAGAIN, rd(self->capture, in, sizeof(in)));
}

/* SPEC silent: the stream ioctls follow the open mode as read(2)/write(2) do. */
TEST_F(stream, stream_ioctl_against_dataflow_ebadf)
{
	uint8_t buf[64] = { 0 };
	struct ks_stream_header h;

	RUN_BOTH();
	hdr_init(&h, buf, sizeof(buf), sizeof(buf));
	EXPECT_EQ(-EBADF, write_stream(self->capture, &h, 1));
	hdr_init(&h, buf, sizeof(buf), 0);
	EXPECT_EQ(-EBADF, read_stream(self->render, &h, 1));
}

TEST_F(stream, stream_ioctls_in_stop_ebadfd)
{
	uint8_t buf[64] = { 0 };
	struct ks_stream_header h;

	hdr_init(&h, buf, sizeof(buf), sizeof(buf));
	EXPECT_EQ(-EBADFD, write_stream(self->render, &h, 1));
	hdr_init(&h, buf, sizeof(buf), 0);
	EXPECT_EQ(-EBADFD, read_stream(self->capture, &h, 1));
}

/* ---- SPEC 7: looped streaming (mmap) ---- */

/* A STANDARD_STREAMING pin copies: it has no buffer to map. */
TEST_F(stream, mmap_on_streaming_pin_refused)
{
	void *p;

	struct ks_stream_buffer sb;

	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->capture, 0);
	EXPECT_EQ(MAP_FAILED, p);
	/* Not an mmap of a file that has none (stream.c: ENODEV). */
	EXPECT_EQ(ENODEV, errno);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	/* And the pin says so: nothing to map. */
	ASSERT_EQ(0, get_buffer(self->capture, &sb));
	EXPECT_EQ(0, sb.map_size);
	EXPECT_LT(0, sb.size);
	EXPECT_EQ(self->frame, sb.frame_size);
}

/* A POSITION set is for a mapped buffer only (property.c: EOPNOTSUPP). */
TEST_F(stream, position_set_on_streaming_pin_eopnotsupp)
{
	struct ks_audio_position pos = { 0, 0 };

	RUN_BOTH();
	EXPECT_EQ(-EOPNOTSUPP, set_position(self->render, &pos));
}

/* ---- BUFFER set: the queue's size, before the pin first leaves STOP ---- */

/* Both queues hold what was set: a writer fills exactly the two. */
TEST_F(stream, buffer_set_in_stop_sizes_the_queues)
{
	struct ks_stream_buffer rb, cb;
	long long queued, got;
	uint64_t bad = 0;

	ASSERT_EQ(0, ks_pin_set_buffer_size(self->render, 256 * KIB));
	ASSERT_EQ(0, ks_pin_set_buffer_size(self->capture, 512 * KIB));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &rb));
	ASSERT_EQ(0, ks_pin_get_buffer(self->capture, &cb));
	EXPECT_EQ(256 * KIB, rb.size);
	EXPECT_EQ(512 * KIB, cb.size);
	EXPECT_EQ(0, rb.map_size);
	EXPECT_EQ(self->frame, rb.frame_size);

	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->render, true));
	queued = fill(self->render, 16 * KIB, 7);
	/* Render's queue, and Capture's, which the loopback fills from it. */
	EXPECT_EQ(768 * KIB, queued);
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	got = drain(self->capture, 0, 7, &bad);
	EXPECT_EQ(queued, got) TH_LOG("pattern broken at %llu",
				      (unsigned long long)bad);
}

/* 64 KiB to 4 MiB, rounded up to a page and down to whole frames. */
TEST_F(stream, buffer_set_outside_64k_to_4m_einval)
{
	struct ks_stream_buffer sb;

	EXPECT_EQ(-EINVAL, ks_pin_set_buffer_size(self->render, 0));
	EXPECT_EQ(-EINVAL, ks_pin_set_buffer_size(self->render, 64 * KIB - 1));
	EXPECT_EQ(-EINVAL, ks_pin_set_buffer_size(self->render, 4 * MIB + 1));
	EXPECT_EQ(-EINVAL, ks_pin_set_buffer_size(self->render, UINT32_MAX));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &sb));
	EXPECT_EQ(64 * KIB, sb.size);

	EXPECT_EQ(0, ks_pin_set_buffer_size(self->render, 4 * MIB));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &sb));
	EXPECT_EQ(4 * MIB, sb.size);
	EXPECT_EQ(0, ks_pin_set_buffer_size(self->render, 100000));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &sb));
	EXPECT_EQ(25 * 4096, sb.size);
	EXPECT_EQ(0, ks_pin_set_buffer_size(self->render, 64 * KIB));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &sb));
	EXPECT_EQ(64 * KIB, sb.size);
}

/* The buffer is allocated when the pin leaves STOP, and kept. */
TEST_F(stream, buffer_set_after_leaving_stop_ebusy)
{
	struct ks_stream_buffer sb;

	ASSERT_EQ(0, set_state(self->render, KSSTATE_ACQUIRE));
	EXPECT_EQ(-EBUSY, ks_pin_set_buffer_size(self->render, MIB));
	ASSERT_EQ(0, set_state(self->render, KSSTATE_STOP));
	EXPECT_EQ(-EBUSY, ks_pin_set_buffer_size(self->render, MIB));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &sb));
	EXPECT_EQ(64 * KIB, sb.size);
	/* Capture never left STOP: still its user's to size. */
	EXPECT_EQ(0, ks_pin_set_buffer_size(self->capture, MIB));
}

/* A new format keeps the size the user chose, in its own frames. */
TEST_F(stream, buffer_set_survives_a_new_format)
{
	const struct ks_audio_params f = {
		.type = KS_SAMPLE_PCM, .rate = 44100, .channels = 3, .bits = 16,
	};
	uint8_t fmt[sizeof(struct ks_dataformat_waveformatextensible)];
	struct ks_stream_buffer sb;
	int n;

	ASSERT_EQ(0, ks_pin_set_buffer_size(self->render, 256 * KIB));
	n = ks_build_format(&f, fmt, sizeof(fmt));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, ks_pin_set_dataformat(self->render, fmt, n));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &sb));
	EXPECT_EQ(6u, sb.frame_size);
	EXPECT_EQ(256 * KIB / 6 * 6, sb.size);
}

/* The position counts the bytes through the pin's buffer, copying pins too. */
TEST_F(stream, position_reports_bytes_written_and_taken)
{
	struct ks_audio_position pos;
	uint8_t buf[400];

	RUN_BOTH();
	ASSERT_EQ(0, get_position(self->render, &pos));
	EXPECT_EQ(0, pos.play_offset);
	EXPECT_EQ(0, pos.write_offset);
	ASSERT_EQ(0, write_pattern(self->render, sizeof(buf), 0, 40));
	ASSERT_EQ((ssize_t)sizeof(buf), read_full(self->capture, buf, sizeof(buf)));
	ASSERT_EQ(0, get_position(self->render, &pos));
	EXPECT_EQ(sizeof(buf), pos.write_offset);
	EXPECT_EQ(sizeof(buf), pos.play_offset);
	ASSERT_EQ(0, get_position(self->capture, &pos));
	EXPECT_EQ(sizeof(buf), pos.write_offset);
	EXPECT_EQ(sizeof(buf), pos.play_offset);
	/* STOP starts the count again. */
	ASSERT_EQ(0, set_state(self->render, KSSTATE_STOP));
	ASSERT_EQ(0, get_position(self->render, &pos));
	EXPECT_EQ(0, pos.write_offset);
}

/* ---- closing a pin ---- */

/* What Render queued before it closed is still delivered to Capture. */
TEST_F(stream, render_close_lets_capture_drain)
{
	uint8_t buf[256];
	uint64_t bad = 0;
	ssize_t n;

	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 64 * self->frame, 0, 27));
	close_fd(&self->render);
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(64 * self->frame, drain(self->capture, 0, 27, &bad))
		TH_LOG("pattern broken at %llu", (unsigned long long)bad);
	/* Drained: nothing more (end of stream, or just nothing). */
	n = rd(self->capture, buf, sizeof(buf));
	EXPECT_TRUE(n == 0 || n == -EAGAIN) TH_LOG("read after drain: %zd", n);
}

/* A new Render pin after a close streams again. */
TEST_F(stream, render_reopened_streams_again)
{
	uint64_t bad = 0;

	RUN_BOTH();
	close_fd(&self->render);
	self->render = pin_open(self->filter, PIN_RENDER, &fmt_default,
				KSINTERFACE_STANDARD_STREAMING, 0);
	ASSERT_LE(0, self->render);
	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	ASSERT_EQ(0, write_pattern(self->render, 64 * self->frame, 0, 28));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(64 * self->frame, drain(self->capture, 0, 28, &bad));
}

/* ---- signals ---- */

static void on_signal(int sig)
{
	(void)sig;
}

/* SPEC silent: a blocked read is interruptible (EINTR without SA_RESTART). */
TEST_F(stream, blocked_read_interrupted_by_signal_eintr)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct call c;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	RUN_BOTH();
	ASSERT_EQ(0, call_start(&c, self->capture, CALL_READ, 64));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	pthread_kill(c.thread, SIGUSR1);
	EXPECT_TRUE(call_wait(&c, 5000));
	if (!atomic_load(&c.done))
		ASSERT_EQ(0, write_pattern(self->render, 64, 0, 0));
	call_join(&c);
	call_free(&c);
	EXPECT_EQ(-EINTR, c.result);
}

/*
 * SPEC silent: stopping a pin fails the calls blocked on it, as Windows
 * cancels the IRPs it holds; the read must come back, with EBADFD (the pin
 * is in STOP now) or ECANCELED.
 */
TEST_F(stream, stop_wakes_blocked_read)
{
	struct call c;

	RUN_BOTH();
	ASSERT_EQ(0, call_start(&c, self->capture, CALL_READ, 64));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_STOP));
	EXPECT_TRUE(call_wait(&c, 5000)) TH_LOG("read still blocked after STOP");
	if (!atomic_load(&c.done)) {
		set_state(self->capture, KSSTATE_RUN);
		write_pattern(self->render, 64, 0, 0);
	}
	call_join(&c);
	call_free(&c);
	EXPECT_TRUE(c.result == -EBADFD || c.result == -ECANCELED)
		TH_LOG("result %zd", c.result);
}

/*
 * ---- a blocked call that sleeps through a change made under it ----
 *
 * A call that blocked checked its arguments against the pin's frame
 * first.  If the pin goes to STOP, takes a format with another frame and
 * runs again before the call's thread next runs, the call wakes to a pin
 * whose frames are not the ones it checked: it must fail as it would had
 * it seen the STOP (EBADFD), not go on with the old frame, and never
 * loop in the kernel.  A reset begun and ended under it likewise
 * (ECANCELED).  To make "before its thread next runs" certain rather than
 * likely, the call runs in a child process on the CPU this process holds
 * as a SCHED_FIFO task while it makes the change: the child is woken but
 * cannot run until the change is complete.  The child is a process so
 * that one stuck in the kernel can be seen, killed and reported.
 */

enum sleeper_call { SLEEP_READ, SLEEP_READ_STREAM, SLEEP_WRITE,
		    SLEEP_WRITE_STREAM };

/* What the child does: one blocking call, its result down a pipe. */
static void sleeper_child(int fd, enum sleeper_call call, size_t len,
			  uint32_t extent, int result_fd)
{
	struct ks_stream_header h;
	uint8_t *buf = calloc(1, len);
	ssize_t ret = -ENOMEM;

	if (buf) {
		hdr_init(&h, buf, extent, call == SLEEP_WRITE_STREAM ? len : 0);
		switch (call) {
		case SLEEP_READ:
			ret = rd(fd, buf, len);
			break;
		case SLEEP_WRITE:
			ret = wr(fd, buf, len);
			break;
		case SLEEP_READ_STREAM:
			ret = read_stream(fd, &h, 1);
			if (ret == 0)
				ret = h.data_used;
			break;
		case SLEEP_WRITE_STREAM:
			ret = write_stream(fd, &h, 1);
			break;
		}
	}
	if (write(result_fd, &ret, sizeof(ret)) != sizeof(ret))
		_exit(2);
	_exit(0);
}

static int run_on_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static int set_fifo(bool on)
{
	struct sched_param sp = { .sched_priority = on ? 10 : 0 };

	return sched_setscheduler(0, on ? SCHED_FIFO : SCHED_OTHER, &sp) ?
	       -errno : 0;
}

/* Wait up to @ms for the child's result; true when it came. */
static bool sleeper_result(int result_fd, unsigned int ms, ssize_t *ret)
{
	struct pollfd p = { .fd = result_fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 &&
	       read(result_fd, ret, sizeof(*ret)) == sizeof(*ret);
}

/* SIGKILL the child and reap it; false when it did not die within 3 s. */
static bool sleeper_reap(pid_t pid)
{
	int i, st;

	kill(pid, SIGKILL);
	for (i = 0; i < 300; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return true;
		ks_sleep_ms(10);
	}
	return false;
}

typedef int (*change_fn)(FIXTURE_DATA(stream) *self);

/*
 * @call on @fd blocks; @change runs while the call cannot; the call's
 * result, or -ETIMEDOUT (stuck: it was killed, or *@unkillable set).
 */
static ssize_t sleep_through(FIXTURE_DATA(stream) *self, int fd,
			     enum sleeper_call call, size_t len,
			     uint32_t extent, change_fn change,
			     int *change_ret, bool *unkillable)
{
	ssize_t ret = -ETIMEDOUT;
	int pfd[2];
	pid_t pid;

	*unkillable = false;
	*change_ret = -EINVAL;
	if (run_on_cpu0() || pipe(pfd))
		return -EPERM;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		sleeper_child(fd, call, len, extent, pfd[1]);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -errno;
	}
	/* Blocked: no result within BLOCKED_MS. */
	if (sleeper_result(pfd[0], BLOCKED_MS, &ret)) {
		*change_ret = -EALREADY;
	} else if (!set_fifo(true)) {
		*change_ret = change(self);
		set_fifo(false);
		if (!sleeper_result(pfd[0], 5000, &ret))
			ret = -ETIMEDOUT;
	}
	if (ret == -ETIMEDOUT)
		*unkillable = !sleeper_reap(pid);
	else
		waitpid(pid, NULL, 0);
	close(pfd[0]);
	return ret;
}

/* 8 channels of 32 bits: 32-byte frames instead of 4. */
static const struct ks_audio_params fmt_wide = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 8, .bits = 32,
};

static int set_format(int fd, const struct ks_audio_params *p)
{
	uint8_t fmt[sizeof(struct ks_dataformat_waveformatextensible)];
	int n = ks_build_format(p, fmt, sizeof(fmt));

	return n < 0 ? n : ks_pin_set_dataformat(fd, fmt, n);
}

/* Both pins to STOP, 32-byte frames on both, RUN, and data on Capture. */
static int widen_and_feed(FIXTURE_DATA(stream) *self)
{
	uint8_t buf[2 * 32] = { 0 };
	int ret;

	ret = set_state(self->capture, KSSTATE_STOP) ?:
	      set_format(self->capture, &fmt_wide) ?:
	      set_state(self->render, KSSTATE_STOP) ?:
	      set_format(self->render, &fmt_wide) ?:
	      set_state(self->capture, KSSTATE_RUN) ?:
	      set_state(self->render, KSSTATE_RUN);
	if (!ret && wr(self->render, buf, sizeof(buf)) != sizeof(buf))
		ret = -EIO;
	return ret;
}

/* Render to STOP, 32-byte frames, back to PAUSE: its queue has room. */
static int widen_render(FIXTURE_DATA(stream) *self)
{
	return set_state(self->render, KSSTATE_STOP) ?:
	       set_format(self->render, &fmt_wide) ?:
	       set_state(self->render, KSSTATE_PAUSE);
}

/* A reset begun and ended on Capture, then data for it. */
static int reset_and_feed(FIXTURE_DATA(stream) *self)
{
	uint8_t buf[16] = { 0 };

	return reset_state(self->capture, KSRESET_BEGIN) ?:
	       reset_state(self->capture, KSRESET_END) ?:
	       (wr(self->render, buf, sizeof(buf)) == sizeof(buf) ? 0 : -EIO);
}

/* A reset begun and ended on Render: its queue has room. */
static int reset_render(FIXTURE_DATA(stream) *self)
{
	return reset_state(self->render, KSRESET_BEGIN) ?:
	       reset_state(self->render, KSRESET_END);
}

/* Render in PAUSE with its queue full: a blocking write of more blocks. */
static void fill_paused_render(struct __test_metadata *_metadata,
			       FIXTURE_DATA(stream) *self)
{
	ASSERT_EQ(0, set_state(self->render, KSSTATE_PAUSE));
	ASSERT_EQ(0, set_nonblock(self->render, true));
	ASSERT_LT(0, fill(self->render, 4 * KIB, 5));
	ASSERT_EQ(0, set_nonblock(self->render, false));
}

/* @call on @fd sleeps through @change and must come back with @want. */
static void expect_slept_through(struct __test_metadata *_metadata,
				 FIXTURE_DATA(stream) *self, int fd,
				 enum sleeper_call call, size_t len,
				 uint32_t extent, change_fn change,
				 ssize_t want)
{
	bool unkillable;
	int change_ret;
	ssize_t ret;

	ret = sleep_through(self, fd, call, len, extent, change, &change_ret,
			    &unkillable);
	EXPECT_EQ(0, change_ret)
		TH_LOG("the change under the call failed: %s",
		       strerror(-change_ret));
	EXPECT_FALSE(unkillable)
		TH_LOG("the call is stuck in the kernel and SIGKILL does not end it");
	EXPECT_EQ(want, ret)
		TH_LOG("result %zd (%s)", ret,
		       ret < 0 ? strerror(-ret) : "bytes");
}

/* Not 4 bytes: a part of a 32-byte frame. */
TEST_F(stream, read_slept_through_new_format_ebadfd)
{
	RUN_BOTH();
	expect_slept_through(_metadata, self, self->capture, SLEEP_READ,
			     self->frame, 0, widen_and_feed, -EBADFD);
}

/* frame_extent 4 holds no 32-byte frame: the call looped for ever. */
TEST_F(stream, read_stream_slept_through_new_format_ebadfd)
{
	RUN_BOTH();
	expect_slept_through(_metadata, self, self->capture, SLEEP_READ_STREAM,
			     self->frame, self->frame, widen_and_feed, -EBADFD);
}

/* Nothing of it fits before the STOP, none of it may go after. */
TEST_F(stream, write_slept_through_new_format_ebadfd)
{
	struct ks_stream_buffer sb;

	ASSERT_EQ(0, get_buffer(self->render, &sb));
	fill_paused_render(_metadata, self);
	expect_slept_through(_metadata, self, self->render, SLEEP_WRITE,
			     sb.size + 4 * KIB, 0, widen_render, -EBADFD);
}

TEST_F(stream, write_stream_slept_through_new_format_ebadfd)
{
	fill_paused_render(_metadata, self);
	expect_slept_through(_metadata, self, self->render, SLEEP_WRITE_STREAM,
			     4 * KIB, 4 * KIB, widen_render, -EBADFD);
}

TEST_F(stream, read_stream_slept_through_reset_ecanceled)
{
	RUN_BOTH();
	expect_slept_through(_metadata, self, self->capture, SLEEP_READ_STREAM,
			     64, 64, reset_and_feed, -ECANCELED);
}

TEST_F(stream, write_stream_slept_through_reset_ecanceled)
{
	fill_paused_render(_metadata, self);
	expect_slept_through(_metadata, self, self->render, SLEEP_WRITE_STREAM,
			     4 * KIB, 4 * KIB, reset_render, -ECANCELED);
}

/* ---- two threads stream while a third flips the states ---- */

struct flip_ctx {
	int render, capture;
	uint32_t frame;
	atomic_bool stop;
	long long written, read;
	int bad_err;		/* an errno nobody should see */
	long misaligned;	/* reads/writes not in whole frames */
};

static bool flip_ok_errno(int err)
{
	return err == EAGAIN || err == EBADFD || err == ECANCELED;
}

static void *flip_writer(void *arg)
{
	struct flip_ctx *f = arg;
	uint8_t buf[4096];

	memset(buf, 0x5a, sizeof(buf));
	while (!atomic_load(&f->stop)) {
		ssize_t n = write(f->render, buf, 97 * f->frame);

		if (n < 0 && !flip_ok_errno(errno))
			f->bad_err = errno;
		else if (n > 0 && n % f->frame)
			f->misaligned++;
		else if (n > 0)
			f->written += n;
	}
	return NULL;
}

static void *flip_reader(void *arg)
{
	struct flip_ctx *f = arg;
	uint8_t buf[4096];

	while (!atomic_load(&f->stop)) {
		ssize_t n = read(f->capture, buf, 131 * f->frame + 1);

		if (n < 0 && !flip_ok_errno(errno))
			f->bad_err = errno;
		else if (n > 0 && n % f->frame)
			f->misaligned++;
		else if (n > 0)
			f->read += n;
	}
	return NULL;
}

TEST_F_TIMEOUT(stream, states_flipped_while_streaming, 60)
{
	static const uint32_t states[] = {
		KSSTATE_RUN, KSSTATE_PAUSE, KSSTATE_STOP, KSSTATE_ACQUIRE,
		KSSTATE_RUN, KSSTATE_RUN,
	};
	struct flip_ctx f = {
		.render = self->render, .capture = self->capture,
		.frame = self->frame,
	};
	pthread_t w, r;
	unsigned int i, seed = 1;
	uint64_t bad = 0;

	atomic_init(&f.stop, false);
	ASSERT_EQ(0, set_nonblock(self->render, true));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	RUN_BOTH();
	ASSERT_EQ(0, pthread_create(&w, NULL, flip_writer, &f));
	ASSERT_EQ(0, pthread_create(&r, NULL, flip_reader, &f));
	for (i = 0; i < 400; i++) {
		seed = seed * 1103515245 + 12345;
		EXPECT_EQ(0, set_state((seed >> 8) & 1 ? self->render :
				       self->capture,
				       states[(seed >> 16) % 6]));
		if (i % 50 == 0) {
			EXPECT_EQ(0, reset_state(self->capture, KSRESET_BEGIN));
			EXPECT_EQ(0, reset_state(self->capture, KSRESET_END));
		}
		ks_sleep_ms(1);
	}
	atomic_store(&f.stop, true);
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	EXPECT_EQ(0, f.bad_err) TH_LOG("unexpected errno %d", f.bad_err);
	EXPECT_EQ(0, f.misaligned);
	EXPECT_LE(f.read, f.written);

	/*
	 * Afterwards the pins still stream exactly.  Start from empty queues:
	 * what the threads left in Render's queue would otherwise still reach
	 * Capture after a drain of Capture alone.
	 */
	RUN_BOTH();
	ASSERT_EQ(0, reset_state(self->render, KSRESET_BEGIN));
	ASSERT_EQ(0, reset_state(self->render, KSRESET_END));
	ASSERT_EQ(0, reset_state(self->capture, KSRESET_BEGIN));
	ASSERT_EQ(0, reset_state(self->capture, KSRESET_END));
	ASSERT_EQ(0, write_pattern(self->render, 256 * self->frame, 0, 29));
	EXPECT_EQ(256 * self->frame, drain(self->capture, 0, 29, &bad)) {
		char val[64];

		TH_LOG("pattern broken at byte %llu", (unsigned long long)bad);
		if (!fdinfo_value(self->render, "ks-position", val, sizeof(val)))
			TH_LOG("Render position: %s", val);
		if (!fdinfo_value(self->capture, "ks-position", val, sizeof(val)))
			TH_LOG("Capture position: %s", val);
	}
}

/* ---- SPEC 9: data passes when the formats are equal ---- */

/*
 * SPEC 9 only says equal formats pass.  loopback.c: with unequal formats a
 * running Render's data is discarded (counted in ks-bytes-dropped), the
 * reader gets nothing and the writer is not held up.
 */
static void unequal_formats(struct __test_metadata *_metadata,
			    FIXTURE_DATA(stream) *self,
			    const struct ks_audio_params *cfmt)
{
	uint8_t buf[64];
	char val[64];

	close_fd(&self->capture);
	self->capture = pin_open(self->filter, PIN_CAPTURE, cfmt,
				 KSINTERFACE_STANDARD_STREAMING, O_NONBLOCK);
	ASSERT_LE(0, self->capture);
	RUN_BOTH();
	/* Far more than the buffers: blocking writes all complete. */
	ASSERT_EQ(0, write_pattern(self->render, 4 * MIB, 0, 41));
	EXPECT_EQ(-EAGAIN, rd(self->capture, buf, sizeof(buf)));
	ASSERT_EQ(0, fdinfo_value(self->render, "ks-bytes-dropped", val,
				  sizeof(val)));
	EXPECT_EQ(4 * MIB, strtoull(val, NULL, 10));
}

TEST_F_TIMEOUT(stream, unequal_rate_data_discarded, 60)
{
	const struct ks_audio_params f = {
		.type = KS_SAMPLE_PCM, .rate = 44100, .channels = 2, .bits = 16,
	};

	unequal_formats(_metadata, self, &f);
}

/* Same frame size, another sample type: still not the same format. */
TEST_F_TIMEOUT(stream, unequal_type_same_frame_size_data_discarded, 60)
{
	const struct ks_audio_params f = {
		.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 1, .bits = 32,
	};

	unequal_formats(_metadata, self, &f);
}

/* WAVEFORMATEX and WAVEFORMATEXTENSIBLE of the same audio differ too. */
TEST_F_TIMEOUT(stream, unequal_extensible_data_discarded, 60)
{
	const struct ks_audio_params f = {
		.type = KS_SAMPLE_PCM, .extensible = true, .rate = 48000,
		.channels = 2, .bits = 16,
	};

	unequal_formats(_metadata, self, &f);
}

/* Equal formats set later (DATAFORMAT in STOP) pass again. */
TEST_F(stream, equal_formats_after_dataformat_set_pass)
{
	const struct ks_audio_params f = {
		.type = KS_SAMPLE_PCM, .rate = 44100, .channels = 2, .bits = 16,
	};
	uint8_t fmt[sizeof(struct ks_dataformat_waveformatextensible)];
	uint64_t bad = 0;
	int n;

	n = ks_build_format(&f, fmt, sizeof(fmt));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, ks_pin_set_dataformat(self->render, fmt, n));
	ASSERT_EQ(0, ks_pin_set_dataformat(self->capture, fmt, n));
	RUN_BOTH();
	ASSERT_EQ(0, write_pattern(self->render, 100 * self->frame, 0, 42));
	ASSERT_EQ(0, set_nonblock(self->capture, true));
	EXPECT_EQ(100 * self->frame, drain(self->capture, 0, 42, &bad));
}

/* ---- SPEC 7: looped streaming: mmap and positions ---- */

FIXTURE(looped) {
	int filter;
	int render;
	int capture;
	uint32_t frame;
	struct ks_stream_buffer rb, cb;
	uint8_t *rmap, *cmap;
};

FIXTURE_SETUP(looped)
{
	struct ks_req r;
	uint32_t size, reason;
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->render = self->capture = -1;
	self->rmap = self->cmap = MAP_FAILED;
	self->frame = frame_size(&fmt_default);
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	/* A mapping needs the fd readable: Render asks for read and write. */
	size = req_default(&r, PIN_RENDER);
	r.c.interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	self->render = ks_create(self->filter, &r, size,
				 KS_GENERIC_READ | KS_GENERIC_WRITE, O_CLOEXEC,
				 &reason);
	ASSERT_LE(0, self->render) TH_LOG("reason %s", reason_name(reason));
	self->capture = pin_open(self->filter, PIN_CAPTURE, &fmt_default,
				 KSINTERFACE_STANDARD_LOOPED_STREAMING, 0);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, get_buffer(self->render, &self->rb));
	ASSERT_EQ(0, get_buffer(self->capture, &self->cb));
}

FIXTURE_TEARDOWN(looped)
{
	if (self->rmap != MAP_FAILED)
		munmap(self->rmap, self->rb.map_size);
	if (self->cmap != MAP_FAILED)
		munmap(self->cmap, self->cb.map_size);
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
}

/* A mapped pin's buffer exists from its creation: it keeps its size. */
TEST_F(looped, buffer_set_on_looped_pin_eopnotsupp)
{
	struct ks_stream_buffer sb;

	EXPECT_EQ(-EOPNOTSUPP, ks_pin_set_buffer_size(self->render, MIB));
	EXPECT_EQ(-EOPNOTSUPP, ks_pin_set_buffer_size(self->capture, MIB));
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &sb));
	EXPECT_EQ(self->rb.size, sb.size);
}

static int map_both(FIXTURE_DATA(looped) *self)
{
	self->rmap = mmap(NULL, self->rb.map_size, PROT_READ | PROT_WRITE,
			  MAP_SHARED, self->render, 0);
	if (self->rmap == MAP_FAILED)
		return -errno;
	self->cmap = mmap(NULL, self->cb.map_size, PROT_READ, MAP_SHARED,
			  self->capture, 0);
	return self->cmap == MAP_FAILED ? -errno : 0;
}

TEST_F(looped, buffer_property_sized_from_format)
{
	long page = sysconf(_SC_PAGESIZE);

	EXPECT_EQ(self->frame, self->rb.frame_size);
	EXPECT_LT(0, self->rb.size);
	EXPECT_EQ(0, self->rb.size % self->frame);
	EXPECT_LE(self->rb.size, self->rb.map_size);
	EXPECT_EQ(0, self->rb.map_size % page);
	EXPECT_EQ(0, self->rb.reserved);
	EXPECT_EQ(self->rb.size, self->cb.size);
}

TEST_F(looped, mmap_on_looped_pin_works)
{
	ASSERT_EQ(0, map_both(self));
	/* The whole buffer is there to touch. */
	self->rmap[0] = 1;
	self->rmap[self->rb.size - 1] = 2;
	EXPECT_EQ(0, self->cmap[self->cb.size - 1] & 0);
}

TEST_F(looped, mmap_beyond_buffer_refused)
{
	void *p = mmap(NULL, self->cb.map_size + 4096, PROT_READ, MAP_SHARED,
		       self->capture, 0);

	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, self->cb.map_size + 4096);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->capture,
		 self->cb.map_size);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		munmap(p, 4096);
}

/* Copy @len pattern bytes into a cyclic buffer at stream offset @off. */
static void ring_put(uint8_t *map, uint32_t size, uint64_t off, uint32_t len,
		     uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		map[(off + i) % size] = pattern_byte(off + i, seed);
}

static long ring_check(const uint8_t *map, uint32_t size, uint64_t off,
		       uint32_t len, uint32_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (map[(off + i) % size] != pattern_byte(off + i, seed))
			return i;
	return -1;
}

/*
 * The positions advance as the client moves its own offset, data goes
 * Render's mapping -> Capture's mapping unchanged, across several wraps.
 */
TEST_F_TIMEOUT(looped, positions_advance_and_data_wraps_around, 60)
{
	uint32_t chunk = (self->rb.size / 3 + 7 * self->frame) /
			 self->frame * self->frame;
	struct ks_audio_position rp, cp, set = { 0, 0 };
	uint64_t off = 0;
	int round, waited;

	ASSERT_EQ(0, map_both(self));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
	for (round = 0; round < 10; round++, off += chunk) {
		ring_put(self->rmap, self->rb.size, off, chunk, 43);
		set.write_offset = off + chunk;
		ASSERT_EQ(0, set_position(self->render, &set)) TH_LOG("round %d", round);
		ASSERT_EQ(0, get_position(self->render, &rp));
		EXPECT_EQ(off + chunk, rp.write_offset);
		/* The loopback moves it into Capture's buffer. */
		for (waited = 0; waited < 2000; waited += 10) {
			ASSERT_EQ(0, get_position(self->capture, &cp));
			if (cp.write_offset >= off + chunk)
				break;
			ks_sleep_ms(10);
		}
		ASSERT_EQ(off + chunk, cp.write_offset) TH_LOG("round %d", round);
		EXPECT_EQ(off, cp.play_offset);
		ASSERT_EQ(-1, ring_check(self->cmap, self->cb.size, off, chunk, 43))
			TH_LOG("round %d", round);
		ASSERT_EQ(0, get_position(self->render, &rp));
		EXPECT_EQ(off + chunk, rp.play_offset);
		/* The client has read it. */
		set.play_offset = off + chunk;
		ASSERT_EQ(0, set_position(self->capture, &set));
		ASSERT_EQ(0, get_position(self->capture, &cp));
		EXPECT_EQ(off + chunk, cp.play_offset);
	}
	EXPECT_LT(2 * (uint64_t)self->rb.size, off) TH_LOG("no wrap-around");
}

/*
 * Whole buffers handed over at once, in 18-byte frames (six channels of
 * 24 bits): more than one copy without the locks takes (half the buffer
 * at most, rounded down to whole frames), starting a third of the way in,
 * so that every buffer wraps at the end.  Capture gets every byte, in
 * order, and both positions reach the end of each.
 */
TEST(looped_whole_buffers_of_odd_frames_arrive_byte_exact)
{
	static const struct ks_audio_params fmt = {
		.type = KS_SAMPLE_PCM, .rate = 96000, .channels = 6, .bits = 24,
	};
	struct ks_audio_position rp, cp, set = { 0, 0 };
	struct ks_stream_buffer rb, cb;
	int idx = ks_find_filter(LOOPBACK_NAME);
	int filter, render, capture, round, waited;
	uint8_t *rmap, *cmap;
	uint64_t off = 0;
	uint32_t len;

	ASSERT_LOOPBACK(idx);
	filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, filter);
	render = pin_open_access(filter, PIN_RENDER, &fmt,
				 KSINTERFACE_STANDARD_LOOPED_STREAMING, 0,
				 KS_GENERIC_READ | KS_GENERIC_WRITE);
	ASSERT_LE(0, render);
	capture = pin_open(filter, PIN_CAPTURE, &fmt,
			   KSINTERFACE_STANDARD_LOOPED_STREAMING, 0);
	ASSERT_LE(0, capture);
	ASSERT_EQ(0, get_buffer(render, &rb));
	ASSERT_EQ(0, get_buffer(capture, &cb));
	ASSERT_EQ(18u, rb.frame_size);
	ASSERT_EQ(0u, rb.size % 18);
	rmap = mmap(NULL, rb.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    render, 0);
	ASSERT_NE(MAP_FAILED, rmap);
	cmap = mmap(NULL, cb.map_size, PROT_READ, MAP_SHARED, capture, 0);
	ASSERT_NE(MAP_FAILED, cmap);
	ASSERT_EQ(0, set_state(capture, KSSTATE_RUN));
	ASSERT_EQ(0, set_state(render, KSSTATE_RUN));
	for (round = 0; round < 5; round++, off += len) {
		len = round ? rb.size : rb.size / 3 / 18 * 18;
		ring_put(rmap, rb.size, off, len, 47 + round);
		set.write_offset = off + len;
		ASSERT_EQ(0, set_position(render, &set)) TH_LOG("round %d", round);
		for (waited = 0; waited < 2000; waited += 10) {
			ASSERT_EQ(0, get_position(capture, &cp));
			if (cp.write_offset >= off + len)
				break;
			ks_sleep_ms(10);
		}
		ASSERT_EQ(off + len, cp.write_offset) TH_LOG("round %d", round);
		ASSERT_EQ(0, get_position(render, &rp));
		EXPECT_EQ(off + len, rp.play_offset);
		ASSERT_EQ(-1, ring_check(cmap, cb.size, off, len, 47 + round))
			TH_LOG("round %d", round);
		set.play_offset = off + len;
		ASSERT_EQ(0, set_position(capture, &set));
	}
	munmap(cmap, cb.map_size);
	munmap(rmap, rb.map_size);
	close(capture);
	close(render);
	close(filter);
}

TEST_F(looped, position_set_invalid_einval)
{
	struct ks_audio_position set = { 0, 0 };

	ASSERT_EQ(0, set_state(self->render, KSSTATE_PAUSE));
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));
	/* Not whole frames. */
	set.write_offset = self->frame + 1;
	EXPECT_EQ(-EINVAL, set_position(self->render, &set));
	/* More than the buffer holds (Render pauses: nothing moves). */
	set.write_offset = self->rb.size + self->frame;
	EXPECT_EQ(-EINVAL, set_position(self->render, &set));
	set.write_offset = self->rb.size;
	EXPECT_EQ(0, set_position(self->render, &set));
	/* Backwards. */
	set.write_offset = self->frame;
	EXPECT_EQ(-EINVAL, set_position(self->render, &set));
	/* Capture: not beyond what was written into it. */
	set.play_offset = self->frame;
	EXPECT_EQ(-EINVAL, set_position(self->capture, &set));
}

/* property.c: outside PAUSE and RUN a POSITION set is EBADFD. */
TEST_F(looped, position_set_in_stop_ebadfd)
{
	struct ks_audio_position set = { 0, 0 };

	set.write_offset = self->frame;
	EXPECT_EQ(-EBADFD, set_position(self->render, &set));
}

/* ---- SPEC 4: unregistering the filter (ks-tonegen) ---- */

#include "../module/samples/ks-tonegen.h"

#define TONEGEN_REGISTERED TONEGEN_PARAMS "registered"
#define TONEGEN_PIN	TONEGEN_PIN_TONE	/* OUT, PCM 1-2 ch 16 bit */

static int write_registered(const char *v)
{
	int fd = open(TONEGEN_REGISTERED, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int tonegen_index(void)
{
	if (access(TONEGEN_REGISTERED, F_OK) == 0)
		write_registered("1");
	return chain_index(TONEGEN_NAME, "ks-tonegen.ko", "");
}

FIXTURE(gone) {
	int filter;
	int pin;
};

FIXTURE_SETUP(gone)
{
	int idx = tonegen_index();
	uint32_t size, reason;
	struct ks_req r;

	self->filter = self->pin = -1;
	ASSERT_SAMPLE(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	/* Tone is an OUT pin: read access. */
	size = req_default(&r, TONEGEN_PIN);
	self->pin = ks_create(self->filter, &r, size, KS_GENERIC_READ,
			      O_CLOEXEC, &reason);
	ASSERT_LE(0, self->pin) TH_LOG("Tone pin: %s, reason %s",
				       strerror(-self->pin), reason_name(reason));
	/* In PAUSE reads wait (stream.c), whatever the tone generator does. */
	ASSERT_EQ(0, set_state(self->pin, KSSTATE_PAUSE));
}

FIXTURE_TEARDOWN(gone)
{
	close_fd(&self->pin);
	close_fd(&self->filter);
	write_registered("1");
}

/*
 * A read on ks-tonegen's paused Tone pin waits; the filter going away wakes
 * it with ENODEV, and everything after fails the same way.
 */
TEST_F(gone, unregister_wakes_blocked_read_enodev)
{
	struct ks_stream_header h;
	uint8_t buf[64];
	struct call c;

	ASSERT_EQ(0, call_start(&c, self->pin, CALL_READ, 64));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, write_registered("0"));
	EXPECT_TRUE(call_wait(&c, 5000)) TH_LOG("read not woken by unregistration");
	if (!atomic_load(&c.done))
		ASSERT_EQ(0, reset_state(self->pin, KSRESET_BEGIN));
	call_join(&c);
	call_free(&c);
	EXPECT_EQ(-ENODEV, c.result);

	EXPECT_EQ(-ENODEV, rd(self->pin, buf, sizeof(buf)));
	hdr_init(&h, buf, sizeof(buf), 0);
	EXPECT_EQ(-ENODEV, read_stream(self->pin, &h, 1));
	EXPECT_EQ(-ENODEV, reset_state(self->pin, KSRESET_BEGIN));
	EXPECT_EQ(-ENODEV, set_state(self->pin, KSSTATE_STOP));
}

TEST_F(gone, unregister_poll_reports_pollerr_pollhup)
{
	struct call c;

	ASSERT_EQ(0, call_start(&c, self->pin, CALL_POLL_IN, 0));
	EXPECT_FALSE(call_wait(&c, BLOCKED_MS));
	ASSERT_EQ(0, write_registered("0"));
	EXPECT_TRUE(call_wait(&c, 5000)) TH_LOG("poll not woken by unregistration");
	call_join(&c);
	call_free(&c);
	EXPECT_EQ(POLLERR | POLLHUP, c.result & (POLLERR | POLLHUP));
	EXPECT_EQ(POLLERR | POLLHUP,
		  poll_events(self->pin, POLLIN | POLLOUT, 0) & (POLLERR | POLLHUP));
}

TEST_F(gone, unregister_mmap_enodev)
{
	void *p;

	ASSERT_EQ(0, write_registered("0"));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->pin, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
}

/* ---- byte-exact loopback over 10 MiB, per format (SPEC 9) ---- */

FIXTURE(xfer) {
	int filter;
	int render;
	int capture;
	uint32_t frame;
};

FIXTURE_VARIANT(xfer) {
	struct ks_audio_params fmt;
};

FIXTURE_VARIANT_ADD(xfer, pcm_48000_2_16) {
	.fmt = { .type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16 },
};

FIXTURE_VARIANT_ADD(xfer, pcm_8000_1_8) {
	.fmt = { .type = KS_SAMPLE_PCM, .rate = 8000, .channels = 1, .bits = 8 },
};

FIXTURE_VARIANT_ADD(xfer, pcm_96000_6_24) {
	.fmt = { .type = KS_SAMPLE_PCM, .rate = 96000, .channels = 6, .bits = 24 },
};

FIXTURE_VARIANT_ADD(xfer, pcm_384000_8_32) {
	.fmt = { .type = KS_SAMPLE_PCM, .rate = 384000, .channels = 8, .bits = 32 },
};

FIXTURE_VARIANT_ADD(xfer, float_48000_8_32) {
	.fmt = { .type = KS_SAMPLE_FLOAT, .rate = 48000, .channels = 8, .bits = 32 },
};

FIXTURE_VARIANT_ADD(xfer, pcm_ext_44100_2_16) {
	.fmt = { .type = KS_SAMPLE_PCM, .extensible = true, .rate = 44100,
		 .channels = 2, .bits = 16 },
};

FIXTURE_VARIANT_ADD(xfer, float_ext_44100_3_32) {
	.fmt = { .type = KS_SAMPLE_FLOAT, .extensible = true, .rate = 44100,
		 .channels = 3, .bits = 32 },
};

FIXTURE_SETUP(xfer)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->render = self->capture = -1;
	self->frame = frame_size(&variant->fmt);
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->render = pin_open(self->filter, PIN_RENDER, &variant->fmt,
				KSINTERFACE_STANDARD_STREAMING, 0);
	ASSERT_LE(0, self->render);
	self->capture = pin_open(self->filter, PIN_CAPTURE, &variant->fmt,
				 KSINTERFACE_STANDARD_STREAMING, 0);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, set_state(self->render, KSSTATE_RUN));
}

FIXTURE_TEARDOWN(xfer)
{
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
}

/* Chunk sizes in frames: odd, prime, small and large, cycled. */
static const uint32_t write_chunks[] = { 1, 7, 331, 4099, 13, 16411, 2, 977 };
static const uint32_t read_chunks[] = { 3, 1021, 5, 8191, 1, 89, 32771, 17 };

struct xfer_ctx {
	int fd;
	uint32_t frame;
	uint64_t total;
	uint32_t seed;
	const uint32_t *chunks;
	unsigned int nchunks;
	uint64_t done;
	int err;
	long misaligned;
	int64_t bad_at;		/* first wrong byte's stream position, or -1 */
};

static void *xfer_writer(void *arg)
{
	struct xfer_ctx *x = arg;
	size_t max = 32771 * (size_t)x->frame;
	uint8_t *buf = malloc(max);
	unsigned int i = 0;

	if (!buf) {
		x->err = ENOMEM;
		return NULL;
	}
	while (x->done < x->total) {
		size_t len = (size_t)x->chunks[i++ % x->nchunks] * x->frame;
		ssize_t n;

		if (len > x->total - x->done)
			len = x->total - x->done;
		pattern_fill(buf, len, x->done, x->seed);
		n = write(x->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			x->err = n < 0 ? errno : EIO;
			break;
		}
		if (n % x->frame)
			x->misaligned++;
		x->done += n;
	}
	free(buf);
	return NULL;
}

static void *xfer_reader(void *arg)
{
	struct xfer_ctx *x = arg;
	size_t max = 32771 * (size_t)x->frame + 1;
	uint8_t *buf = malloc(max);
	unsigned int i = 0;

	x->bad_at = -1;
	if (!buf) {
		x->err = ENOMEM;
		return NULL;
	}
	while (x->done < x->total) {
		size_t len = (size_t)x->chunks[i % x->nchunks] * x->frame;
		ssize_t n;
		long off;

		/* Every other read asks a byte more: it is rounded down. */
		if (i++ % 2 && x->frame > 1)
			len++;
		n = read(x->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			x->err = n < 0 ? errno : EIO;
			break;
		}
		if (n % x->frame)
			x->misaligned++;
		off = pattern_check(buf, n, x->done, x->seed);
		if (off >= 0) {
			x->bad_at = x->done + off;
			break;
		}
		x->done += n;
	}
	free(buf);
	return NULL;
}

/*
 * @total bytes (whole frames) through ks-loopback, written and read in
 * chunks of the given numbers of frames, cycled, each byte checked.
 */
static void xfer_all(struct __test_metadata *_metadata,
		     FIXTURE_DATA(xfer) *self, uint64_t total,
		     const uint32_t *wchunks, unsigned int nw,
		     const uint32_t *rchunks, unsigned int nr)
{
	struct xfer_ctx w = {
		.fd = self->render, .frame = self->frame, .total = total,
		.seed = 30, .chunks = wchunks, .nchunks = nw,
	};
	struct xfer_ctx r = {
		.fd = self->capture, .frame = self->frame, .total = total,
		.seed = 30, .chunks = rchunks, .nchunks = nr,
	};
	pthread_t tw, tr;

	ASSERT_EQ(0, pthread_create(&tr, NULL, xfer_reader, &r));
	ASSERT_EQ(0, pthread_create(&tw, NULL, xfer_writer, &w));
	pthread_join(tw, NULL);
	if (w.err) {
		/* Let a reader stuck on a failed writer out. */
		reset_state(self->capture, KSRESET_BEGIN);
	}
	pthread_join(tr, NULL);
	EXPECT_EQ(0, w.err) TH_LOG("writer: %s after %llu bytes",
				   strerror(w.err), (unsigned long long)w.done);
	EXPECT_EQ(0, r.err) TH_LOG("reader: %s after %llu bytes",
				   strerror(r.err), (unsigned long long)r.done);
	EXPECT_EQ(-1, r.bad_at) TH_LOG("first wrong byte at %lld of %llu",
				       (long long)r.bad_at,
				       (unsigned long long)total);
	EXPECT_EQ(0, w.misaligned);
	EXPECT_EQ(0, r.misaligned);
	EXPECT_EQ(total, w.done);
	EXPECT_EQ(total, r.done);
}

TEST_F_TIMEOUT(xfer, loopback_bytes_unchanged_and_in_order, 300)
{
	xfer_all(_metadata, self, (10 * MIB / self->frame + 12345) * self->frame,
		 write_chunks, ARRAY_SIZE(write_chunks),
		 read_chunks, ARRAY_SIZE(read_chunks));
}

/*
 * Chunks of whole pages for the power-of-two frames, with odd ones among
 * them: the loopback's move copies a run that starts on a page in both
 * queues a page at a time, and the rest with memcpy() (queue_ops.c); both
 * kinds, and a run of pages with a tail, must come out unchanged.
 */
static const uint32_t page_write_chunks[] = { 4096, 16384, 3, 8192, 1021, 32768 };
static const uint32_t page_read_chunks[] = { 16384, 4096, 4099, 1, 8192 };

TEST_F_TIMEOUT(xfer, loopback_page_runs_unchanged_and_in_order, 300)
{
	xfer_all(_metadata, self, (8 * MIB / self->frame + 777) * self->frame,
		 page_write_chunks, ARRAY_SIZE(page_write_chunks),
		 page_read_chunks, ARRAY_SIZE(page_read_chunks));
}

TEST_F(xfer, write_partial_frame_einval)
{
	uint8_t buf[128] = { 0 };

	if (self->frame == 1)
		SKIP(return, "one-byte frames have no partial frame");
	EXPECT_EQ(-EINVAL, wr(self->render, buf, self->frame - 1));
	EXPECT_EQ(-EINVAL, wr(self->render, buf, 2 * self->frame + 1));
	EXPECT_EQ(-EINVAL, wr(self->render, buf, 3 * self->frame - 1));
}

TEST_F(xfer, read_rounded_down_to_whole_frames)
{
	uint8_t buf[512];

	ASSERT_EQ(0, write_pattern(self->render, 10 * self->frame, 0, 31));
	ASSERT_EQ((ssize_t)(2 * self->frame),
		  rd(self->capture, buf, 3 * self->frame - 1));
	EXPECT_EQ(-1, pattern_check(buf, 2 * self->frame, 0, 31));
	if (self->frame > 1)
		EXPECT_EQ(-EINVAL, rd(self->capture, buf, self->frame - 1));
}

TEST_HARNESS_MAIN
