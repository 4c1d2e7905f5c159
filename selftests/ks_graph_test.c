// SPDX-License-Identifier: GPL-2.0
/*
 * Pin-to-pin connections (docs/graphs.md): KSPIN_CONNECT.PinToHandle.
 *
 *  - every rule of row 14 (14a-14h) with its errno and reason, and the rows
 *    that still decide before it (8, 13, 15); after every refusal the peer
 *    is checked to be an ordinary, unconnected pin still;
 *  - a failure after row 14 (EFAULT writing reason, EMFILE) leaves the peer
 *    unconnected;
 *  - a connection: fdinfo (ks-peer, ks-connection), EISCONN for userspace
 *    I/O, poll, properties;
 *  - the chain ks-gen -> ks-gain -> ks-loopback, byte-exact against
 *    ks_chain_gain(ks_chain_sample()), two chains at once, closing either
 *    end or the middle while streaming, the provider modules pinned while
 *    connected;
 *  - a connection copies nothing: a sink's queue stays empty, its counts
 *    pass through, and what a user wrote into it before comes first;
 *  - the pull direction: an IN pin created with the handle of an OUT pin
 *    (ks-null-sink Render from ks-loopback Capture);
 *  - KSPROPERTY_PIN_PHYSICALCONNECTION;
 *  - events through libks and `ksctl events` on ks-loopback's pins:
 *    POSITION counts per pass of the buffer, ENDOFSTREAM, ONESHOT;
 *  - WaveRT through libks and `ksctl play/record --wavert` on ks-loopback
 *    and ks-audio, byte-exact against a paced peer; `ksctl clock`;
 *  - races, each many rounds from threads released at once: both ends of a
 *    connection closed together, every pin of a flowing chain closed
 *    together, a peer closed while a creation names it; and a creation
 *    stalled by user space (userfaultfd) on its reason while the filter
 *    unregisters.
 *
 * The pins used (module/samples/ks-chain.h, ks-tonegen-main.c, SPEC 9):
 *
 *	ks-gen "Out"	  OUT BOTH	medium KS_CHAIN_MEDIUM	the generator
 *	ks-gain "In"	  IN		medium KS_CHAIN_MEDIUM
 *	ks-gain "Out"	  OUT BOTH	standard medium, physical: ks-loopback 0
 *	ks-loopback	  Render IN SINK, Capture OUT SINK, standard medium,
 *			  STREAMING and LOOPED_STREAMING
 *	ks-tonegen	  Tone OUT SINK, Control IN BOTH (CONTROL, TONEGEN_MEDIUM),
 *			  Source OUT SOURCE (standard, PCM <= 2 ch 16 bit)
 *	ks-null-sink	  Render IN BOTH, standard medium, discards (loaded
 *			  and unloaded by its test)
 *
 * All formats are pcm:48000:2:16 unless a test says otherwise.  Every pin
 * fd is non-blocking and every wait is a poll() with a timeout, so a hang
 * is a failure (and the harness's own alarm() stops a test that runs
 * past its timeout).  The debugfs counters must be back at their start
 * values at the end of every test (teardown).
 *
 * The fixture loads ks-gen.ko and ks-gain.ko (filters=2) from
 * $KS_MODULE_DIR (default /lib/ks) when their filters are missing; the
 * modules this run found absent are unloaded when it ends.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include <linux/userfaultfd.h>

#include "ks_selftest.h"

#include "../module/samples/ks-audio.h"
#include "../module/samples/ks-chain.h"
#include "../module/samples/ks-tonegen.h"

#define GAIN1_NAME	GAIN_NAME "-1"
#define GAIN_PERCENT	GAIN_PARAMS "gain_percent"

/* One second of pcm:48000:2:16. */
#define FRAME		4u
#define SECOND		(48000u * FRAME)
#define CHUNK		16384u

/* The longest wait for the next byte of a stream, or for an end. */
#define WAIT_MS		10000
/* How long "nothing happens" is watched. */
#define QUIET_MS	200

#define MAX_FDS		32
/* The fixture's counters before its setup read them. */
#define STATS_UNSET	(-2L)

static const struct ks_guid guid_chain_medium = KS_CHAIN_MEDIUM;
static const struct ks_guid guid_tonegen_medium = TONEGEN_MEDIUM;
static const struct ks_guid guid_set_pin = KSPROPSETID_PIN;
static const struct ks_guid guid_stream = KSDATAFORMAT_TYPE_STREAM;
static const struct ks_guid guid_subtype_none = KSDATAFORMAT_SUBTYPE_NONE;
static const struct ks_guid guid_spec_none = KSDATAFORMAT_SPECIFIER_NONE;

/* ---- modules ---- */

/* ks-tonegen's index, loading or re-registering it as needed; or -errno. */
static int tonegen_index(void)
{
	int idx = ks_find_filter(TONEGEN_NAME);

	if (idx >= 0)
		return idx;
	if (access(TONEGEN_PARAMS "registered", F_OK) == 0)
		write_file(TONEGEN_PARAMS "registered", "1");
	return chain_index(TONEGEN_NAME, "ks-tonegen.ko", "");
}

/*
 * The modules this run found absent are unloaded when it ends.  The
 * harness runs each test in a child, so the children load them and the
 * parent, which saw them absent at its start, unloads them at its exit.
 */
static pid_t harness_pid;
static bool gen_was_absent, gain_was_absent, tonegen_was_absent;
static bool audio_was_absent;

__attribute__((constructor)) static void note_modules(void)
{
	harness_pid = getpid();
	gen_was_absent = access("/sys/module/" GEN_MODNAME, F_OK) != 0;
	gain_was_absent = access("/sys/module/" GAIN_MODNAME, F_OK) != 0;
	tonegen_was_absent = access("/sys/module/" TONEGEN_MODNAME, F_OK) != 0;
	audio_was_absent = access("/sys/module/" AUDIO_MODNAME, F_OK) != 0;
}

__attribute__((destructor)) static void unload_modules(void)
{
	if (getpid() != harness_pid)
		return;
	if (gen_was_absent)
		unload_module_wait(GEN_MODNAME);
	if (gain_was_absent)
		unload_module_wait(GAIN_MODNAME);
	if (tonegen_was_absent)
		unload_module_wait(TONEGEN_MODNAME);
	if (audio_was_absent)
		unload_module_wait(AUDIO_MODNAME);
}

/* ---- a call stalled on user memory ---- */

/*
 * A call whose user memory is a page that user space write-protected with
 * userfaultfd: the call's write to it stalls until the test lets it go.
 */
struct stalled {
	pthread_t thread;
	uint8_t *page;
	int (*call)(struct stalled *st);
	int fd;
	int result;			/* the call's, or -errno */
	atomic_bool unregistered;
	int unregister_ret;
	bool faulted;			/* the call reached the page */
};

static void *stalled_run(void *arg)
{
	struct stalled *st = arg;

	st->result = st->call(st);
	return NULL;
}

/* KS_IOCTL_CREATE_PIN with its arguments (and so its reason) in the page. */
static int stalled_create(struct stalled *st)
{
	int fd = ioctl(st->fd, KS_IOCTL_CREATE_PIN, st->page);

	return fd < 0 ? -errno : fd;
}

/* A blocking read(2) of a page's worth into the page. */
static int stalled_read(struct stalled *st)
{
	ssize_t n = read(st->fd, st->page, 4096);

	return n < 0 ? -errno : (int)n;
}

static void *unregister_tonegen(void *arg)
{
	struct stalled *st = arg;

	st->unregister_ret = write_file(TONEGEN_PARAMS "registered", "0");
	atomic_store(&st->unregistered, true);
	return NULL;
}

/*
 * Run st->call with st->page write-protected; once it faults on the page,
 * unregister ks-tonegen and give the unregistration 5 s, then let the
 * call go on.  st->unregistered tells whether unregistration was done
 * while the call was stalled.
 */
static int stall_and_unregister(struct stalled *st)
{
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_WP };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_writeprotect wp;
	struct pollfd pf;
	struct uffd_msg msg;
	pthread_t unreg;
	int uffd, i;
	bool done;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		return -errno;
	reg.range.start = (uintptr_t)st->page;
	reg.range.len = 4096;
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    ioctl(uffd, UFFDIO_WRITEPROTECT, &wp) ||
	    pthread_create(&st->thread, NULL, stalled_run, st)) {
		close(uffd);
		return -EIO;
	}
	pf = (struct pollfd){ .fd = uffd, .events = POLLIN };
	st->faulted = poll(&pf, 1, WAIT_MS) == 1 &&
		      read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
		      msg.event == UFFD_EVENT_PAGEFAULT;
	if (pthread_create(&unreg, NULL, unregister_tonegen, st))
		abort();
	for (i = 0, done = false; i < 500 && !done; i++) {
		usleep(10000);
		done = atomic_load(&st->unregistered);
	}
	/* Whatever it saw, the call goes on now. */
	wp.mode = 0;
	ioctl(uffd, UFFDIO_WRITEPROTECT, &wp);
	pthread_join(unreg, NULL);
	pthread_join(st->thread, NULL);
	atomic_store(&st->unregistered, done);
	close(uffd);
	return 0;
}

/* ---- fds, fdinfo, states ---- */

/* Poll @get(@name) every 10 ms until it is @want, for @ms; its last value. */
static long wait_value(long (*get)(const char *), const char *name,
		       long want, int ms)
{
	long v = get(name);
	int i;

	for (i = 0; i < ms / 10 && v != want; i++) {
		usleep(10000);
		v = get(name);
	}
	return v;
}

/* Wait up to a second for a debugfs counter to reach @want. */
static long wait_counter(const char *name, long want)
{
	return wait_value(stats_counter, name, want, 1000);
}

static bool has_peer(int fd)
{
	char v[128];

	return fdinfo_value(fd, "ks-peer", v, sizeof(v)) == 0;
}

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

static short poll_events(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	return n < 0 ? -1 : n == 0 ? 0 : p.revents;
}

static int stream_ioctl(int fd, unsigned long cmd, void *data, uint32_t len)
{
	struct ks_stream_header h = {
		.size = sizeof(h),
		.frame_extent = len,
		.data_used = cmd == KS_IOCTL_WRITE_STREAM ? len : 0,
		.data = (uintptr_t)data,
	};
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h,
		.in_size = sizeof(h),
	};

	return ioctl(fd, cmd, &b) < 0 ? -errno : 0;
}

static int run_all(const int *fds, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = ks_pin_set_state(fds[i], KSSTATE_RUN);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * @fd is an ordinary pin: no peer in its fdinfo, and userspace I/O is not
 * refused with EISCONN (it moves data or says EAGAIN).  Leaves the pin in
 * the state it found it in.
 */
static void expect_ordinary(struct __test_metadata *_metadata, int fd,
			    bool is_in, const char *what)
{
	uint8_t buf[16 * FRAME] = { 0 };
	uint32_t state = KSSTATE_STOP;
	char v[128];
	ssize_t n;

	EXPECT_EQ(-ENOENT, fdinfo_value(fd, "ks-peer", v, sizeof(v)))
		TH_LOG("%s: ks-peer: %s", what, v);
	EXPECT_EQ(-ENOENT, fdinfo_value(fd, "ks-connection", v, sizeof(v)))
		TH_LOG("%s: ks-connection: %s", what, v);
	ASSERT_EQ(0, ks_pin_get_state(fd, &state)) TH_LOG("%s", what);
	ASSERT_EQ(0, ks_pin_set_state(fd, KSSTATE_RUN)) TH_LOG("%s", what);
	n = is_in ? wr(fd, buf, sizeof(buf)) : rd(fd, buf, sizeof(buf));
	EXPECT_TRUE(n >= 0 || n == -EAGAIN)
		TH_LOG("%s: %s: %s", what, is_in ? "write" : "read",
		       strerror((int)-n));
	EXPECT_EQ(0, ks_pin_set_state(fd, state)) TH_LOG("%s", what);
}

/* ---- checking the chain's samples ---- */

struct checker {
	uint64_t frame;		/* the next frame expected */
	unsigned int channels;
	unsigned int percent;
	uint32_t gain;		/* of percent, in 1/65536, unless set */
	uint64_t bytes;		/* checked so far */
	uint64_t clamped;	/* samples at a clamp limit */
	bool bad;
	uint64_t bad_frame;
	unsigned int bad_channel;
	int16_t got, want;
};

static void checker_init(struct checker *c, uint64_t frame,
			 unsigned int percent)
{
	memset(c, 0, sizeof(*c));
	c->frame = frame;
	c->channels = 2;
	c->percent = percent;
	c->gain = ks_volume_gain(ks_chain_percent_level(percent));
}

static int16_t expected(uint64_t frame, unsigned int channel, uint32_t gain)
{
	return ks_chain_apply(ks_chain_sample(frame, channel), gain);
}

/* Check whole frames; false at the first wrong sample (kept in @c). */
static bool check_frames(struct checker *c, const uint8_t *buf, size_t len)
{
	size_t frames = len / (2 * c->channels), i;
	unsigned int ch;

	if (c->bad)
		return false;
	for (i = 0; i < frames; i++, c->frame++) {
		for (ch = 0; ch < c->channels; ch++) {
			int16_t got, want = expected(c->frame, ch, c->gain);

			memcpy(&got, buf + (i * c->channels + ch) * 2, 2);
			if (got != want) {
				c->bad = true;
				c->bad_frame = c->frame;
				c->bad_channel = ch;
				c->got = got;
				c->want = want;
				return false;
			}
			if (want == 32767 || want == -32768)
				c->clamped++;
		}
		c->bytes += 2 * c->channels;
	}
	return true;
}

#define EXPECT_EXACT(c)							\
	EXPECT_FALSE((c)->bad)						\
		TH_LOG("frame %llu channel %u: got %d, expected %d "	\
		       "(gain %u/65536)", (unsigned long long)(c)->bad_frame,\
		       (c)->bad_channel, (c)->got, (c)->want,		\
		       (c)->gain)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * One read from the non-blocking @fd, waiting in poll() up to @ms for
 * something to read.  Returns the bytes read, 0 at end of stream,
 * -ETIMEDOUT, or -errno.
 */
static ssize_t read_wait(int fd, void *buf, size_t len, int ms)
{
	double deadline = now_ms() + ms;

	for (;;) {
		ssize_t n = read(fd, buf, len);
		double left;

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1,
			 (int)left + 1) < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * Read and check from @fd until @want bytes came or the stream ended
 * (*@eos, when not NULL, says which; without it an end is an error).
 * Returns the bytes read or -errno (-ETIMEDOUT: nothing for WAIT_MS,
 * -EILSEQ: a wrong sample, kept in @c).
 */
static long long read_checked(int fd, struct checker *c, uint64_t want,
			      bool *eos)
{
	static uint8_t buf[CHUNK];
	uint64_t got = 0;

	if (eos)
		*eos = false;
	while (got < want) {
		size_t len = want - got < CHUNK ? want - got : CHUNK;
		ssize_t n = read_wait(fd, buf, len, WAIT_MS);

		if (n < 0)
			return n;
		if (n == 0) {
			if (!eos)
				return -ENODATA;
			*eos = true;
			break;
		}
		if (n % FRAME)
			return -EPROTO;
		if (!check_frames(c, buf, n))
			return -EILSEQ;
		got += n;
	}
	return got;
}

/* Read and check until end of stream; the bytes read or -errno. */
static long long read_to_end(int fd, struct checker *c, uint64_t limit)
{
	bool eos = false;
	long long n = read_checked(fd, c, limit, &eos);

	if (n >= 0 && !eos)
		return -EOVERFLOW;
	return n;
}

static const char *err_str(long long n)
{
	return n < 0 ? strerror((int)-n) : "ok";
}

/* ---- the fixture ---- */

FIXTURE(graph) {
	int lb;			/* ks-loopback */
	int gen;		/* ks-gen */
	int gain;		/* ks-gain */
	int gain1;		/* ks-gain-1, or -1 */
	int tonegen;		/* ks-tonegen, opened by tonegen_open() */
	int fds[MAX_FDS];	/* pin fds, closed in teardown */
	struct ks_req req;
	uint32_t reason;
	long pins_before, filters_before, conns_before;
	long percent_saved;	/* to restore, or -1 */
	unsigned int percent;
};

FIXTURE_SETUP(graph)
{
	int i, idx;

	self->lb = self->gen = self->gain = self->gain1 = -1;
	self->tonegen = -1;
	self->pins_before = self->filters_before = self->conns_before = STATS_UNSET;
	self->percent_saved = -1;
	for (i = 0; i < MAX_FDS; i++)
		self->fds[i] = -1;
	idx = ks_find_filter(LOOPBACK_NAME);
	ASSERT_LOOPBACK(idx);
	ASSERT_SAMPLE(chain_index(GEN_NAME, "ks-gen.ko", ""));
	ASSERT_SAMPLE(chain_index(GAIN_NAME, "ks-gain.ko", "filters=2"));
	self->lb = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->lb);
	self->gen = open_filter(ks_find_filter(GEN_NAME), O_RDWR);
	ASSERT_LE(0, self->gen);
	self->gain = open_filter(ks_find_filter(GAIN_NAME), O_RDWR);
	ASSERT_LE(0, self->gain);
	idx = ks_find_filter(GAIN1_NAME);
	if (idx >= 0)
		self->gain1 = open_filter(idx, O_RDWR);
	/* Loaded now, not by a test: the filters counter must not move. */
	tonegen_index();
	i = read_number(GAIN_PERCENT);
	self->percent = i >= 0 ? (unsigned int)i : GAIN_DEFAULT_PERCENT;
	self->pins_before = stats_counter("pins");
	self->filters_before = stats_counter("filters");
	self->conns_before = stats_counter("links");
}

FIXTURE_TEARDOWN(graph)
{
	char buf[32];
	int i;

	for (i = 0; i < MAX_FDS; i++)
		close_fd(&self->fds[i]);
	close_fd(&self->lb);
	close_fd(&self->gen);
	close_fd(&self->gain);
	close_fd(&self->gain1);
	close_fd(&self->tonegen);
	if (read_number(TONEGEN_PARAMS "registered") == 0)
		write_file(TONEGEN_PARAMS "registered", "1");
	if (self->percent_saved >= 0) {
		snprintf(buf, sizeof(buf), "%ld", self->percent_saved);
		write_file(GAIN_PERCENT, buf);
	}
	/* Balance: every pin and connection made here is gone again. */
	if (self->pins_before == STATS_UNSET)
		return;
	EXPECT_EQ(self->pins_before, wait_counter("pins", self->pins_before));
	EXPECT_EQ(self->filters_before,
		  wait_counter("filters", self->filters_before));
	EXPECT_EQ(self->conns_before,
		  wait_counter("links", self->conns_before));
}

static void track(FIXTURE_DATA(graph) *self, int fd)
{
	int i;

	for (i = 0; i < MAX_FDS; i++) {
		if (self->fds[i] < 0) {
			self->fds[i] = fd;
			return;
		}
	}
	/* Never reached by these tests; leak nothing if it were. */
	close(fd);
}

/* Close a pin fd this fixture tracks. */
static void close_pin(FIXTURE_DATA(graph) *self, int *fd)
{
	int i;

	for (i = 0; i < MAX_FDS; i++)
		if (self->fds[i] == *fd && *fd >= 0)
			self->fds[i] = -1;
	close_fd(fd);
}

/* Create from self->req with @peer; the fd (tracked) or -errno. */
static int create(FIXTURE_DATA(graph) *self, int filter, uint32_t size,
		  uint32_t access, uint64_t peer)
{
	int fd;

	self->req.c.pin_to_handle = peer;
	fd = ks_create(filter, &self->req, size, access,
		       O_CLOEXEC | O_NONBLOCK, &self->reason);
	if (fd >= 0)
		track(self, fd);
	return fd;
}

/* self->req for @pin: pcm:@rate:@channels:16, the chain's or the standard medium. */
static uint32_t req_pcm(FIXTURE_DATA(graph) *self, uint32_t pin,
			bool chain_medium, uint32_t rate, uint16_t channels)
{
	uint32_t size = req_audio(&self->req, pin, KS_SAMPLE_PCM, rate,
				  channels, 16);

	if (chain_medium) {
		self->req.c.medium.set = guid_chain_medium;
		self->req.c.medium.id = KS_CHAIN_MEDIUM_ID;
	}
	return size;
}

static int gen_out(FIXTURE_DATA(graph) *self, uint64_t peer)
{
	uint32_t size = req_pcm(self, GEN_PIN_OUT, true, 48000, 2);

	return create(self, self->gen, size, KS_GENERIC_READ, peer);
}

static int gain_in(FIXTURE_DATA(graph) *self, int filter, uint64_t peer)
{
	uint32_t size = req_pcm(self, GAIN_PIN_IN, true, 48000, 2);

	return create(self, filter, size, KS_GENERIC_WRITE, peer);
}

static int gain_out(FIXTURE_DATA(graph) *self, int filter, uint64_t peer)
{
	uint32_t size = req_pcm(self, GAIN_PIN_OUT, false, 48000, 2);

	return create(self, filter, size, KS_GENERIC_READ, peer);
}

static int lb_render(FIXTURE_DATA(graph) *self, uint64_t peer)
{
	uint32_t size = req_pcm(self, PIN_RENDER, false, 48000, 2);

	return create(self, self->lb, size, KS_GENERIC_WRITE, peer);
}

static int lb_capture(FIXTURE_DATA(graph) *self)
{
	uint32_t size = req_pcm(self, PIN_CAPTURE, false, 48000, 2);

	return create(self, self->lb, size, KS_GENERIC_READ, 0);
}

/* ks-tonegen's filter fd in self->tonegen; false when it is unavailable. */
static bool tonegen_open(FIXTURE_DATA(graph) *self)
{
	int idx = tonegen_index();

	if (idx < 0)
		return false;
	self->tonegen = open_filter(idx, O_RDWR);
	return self->tonegen >= 0;
}

/* ks-tonegen's Control pin: IN BOTH, Std CONTROL, TONEGEN_MEDIUM, a STREAM format. */
static int tonegen_control(FIXTURE_DATA(graph) *self, uint64_t peer)
{
	memset(&self->req, 0, sizeof(self->req));
	ks_connect_init(&self->req.c, TONEGEN_PIN_CONTROL);
	self->req.c.interface.id = KSINTERFACE_STANDARD_CONTROL;
	self->req.c.medium.set = guid_tonegen_medium;
	self->req.c.medium.id = 0;
	self->req.f.df.format_size = sizeof(self->req.f.df);
	self->req.f.df.major_format = guid_stream;
	self->req.f.df.sub_format = guid_subtype_none;
	self->req.f.df.specifier = guid_spec_none;
	return create(self, self->tonegen,
		      sizeof(self->req.c) + sizeof(self->req.f.df),
		      KS_GENERIC_WRITE, peer);
}

/* ks-tonegen's Source pin: OUT SOURCE, standard, pcm:48000:2:16. */
static int tonegen_source(FIXTURE_DATA(graph) *self, uint64_t peer)
{
	uint32_t size = req_pcm(self, TONEGEN_PIN_SOURCE, false, 48000, 2);

	return create(self, self->tonegen, size, KS_GENERIC_READ, peer);
}

/* ---- the chain ---- */

struct chain {
	int capture;	/* ks-loopback Capture: the reader */
	int render;	/* ks-loopback Render, the sink of gain_out */
	int gain_out;	/* ks-gain Out, connected to render */
	int gain_in;	/* ks-gain In, the sink of gen_out */
	int gen_out;	/* ks-gen Out, connected to gain_in */
};

/*
 * ks-gen -> ks-gain -> ks-loopback: Capture first and running, each sink
 * before its source, then every pin to RUN from the end backwards.
 */
static void chain_start(struct __test_metadata *_metadata,
			FIXTURE_DATA(graph) *self, struct chain *c)
{
	c->capture = lb_capture(self);
	ASSERT_LE(0, c->capture) TH_LOG("Capture: %s", strerror(-c->capture));
	ASSERT_EQ(0, ks_pin_set_state(c->capture, KSSTATE_RUN));
	c->render = lb_render(self, 0);
	ASSERT_LE(0, c->render) TH_LOG("Render: %s", strerror(-c->render));
	c->gain_out = gain_out(self, self->gain, c->render);
	ASSERT_LE(0, c->gain_out)
		TH_LOG("ks-gain Out -> Render: %s, reason %s",
		       strerror(-c->gain_out), reason_name(self->reason));
	c->gain_in = gain_in(self, self->gain, 0);
	ASSERT_LE(0, c->gain_in) TH_LOG("ks-gain In: %s", strerror(-c->gain_in));
	c->gen_out = gen_out(self, c->gain_in);
	ASSERT_LE(0, c->gen_out)
		TH_LOG("ks-gen Out -> ks-gain In: %s, reason %s",
		       strerror(-c->gen_out), reason_name(self->reason));
	ASSERT_EQ(0, run_all((int[]){ c->render, c->gain_out, c->gain_in,
				      c->gen_out }, 4));
}

/* A started chain whose first @bytes at Capture arrived exact. */
static void chain_flowing(struct __test_metadata *_metadata,
			  FIXTURE_DATA(graph) *self, struct chain *c,
			  struct checker *ck, long long bytes)
{
	long long n;

	chain_start(_metadata, self, c);
	checker_init(ck, 0, self->percent);
	n = read_checked(c->capture, ck, bytes, NULL);
	ASSERT_EQ(bytes, n) TH_LOG("%s", err_str(n));
	EXPECT_EXACT(ck);
}

static int set_percent(FIXTURE_DATA(graph) *self, unsigned int percent)
{
	char buf[16];
	int ret;

	if (self->percent_saved < 0)
		self->percent_saved = self->percent;
	snprintf(buf, sizeof(buf), "%u", percent);
	ret = write_file(GAIN_PERCENT, buf);
	if (!ret)
		self->percent = read_number(GAIN_PERCENT);
	return ret;
}

/* ==== row 14a: not an open fd of the caller ==== */

TEST_F(graph, row14a_closed_fd_ebadf_peer)
{
	int gi = gain_in(self, self->gain, 0), closed;

	ASSERT_LE(0, gi);
	closed = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, closed);
	close(closed);
	EXPECT_EQ(-EBADF, gen_out(self, closed)) TH_LOG("fd %d", closed);
	EXPECT_REASON(KS_REASON_PEER);
	/* An fd number this process never had. */
	EXPECT_EQ(-EBADF, gen_out(self, 4000));
	EXPECT_REASON(KS_REASON_PEER);
	expect_ordinary(_metadata, gi, true, "ks-gain In");
	EXPECT_LE(0, gen_out(self, gi));
	EXPECT_REASON(KS_REASON_NONE);
}

/*
 * Values above INT_MAX are never fds: not even when their low 32 bits
 * name an open pin fd that would take the connection.
 */
TEST_F(graph, row14a_handle_above_int_max_ebadf_peer)
{
	int gi = gain_in(self, self->gain, 0);
	uint64_t bad[5];
	unsigned int i;

	ASSERT_LE(0, gi);
	bad[0] = 0x80000000ull;
	bad[1] = 0xffffffffull;
	bad[2] = (1ull << 32) | (uint32_t)gi;
	bad[3] = 0xffffffff00000000ull | (uint32_t)gi;
	bad[4] = ~0ull;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EBADF, gen_out(self, bad[i]))
			TH_LOG("pin_to_handle 0x%llx", (unsigned long long)bad[i]);
		EXPECT_REASON(KS_REASON_PEER);
		EXPECT_FALSE(has_peer(gi));
	}
	expect_ordinary(_metadata, gi, true, "ks-gain In");
	EXPECT_LE(0, gen_out(self, gi));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ==== row 14b: not a ksfilter pin fd ==== */

TEST_F(graph, row14b_filter_fd_ebadf_peer)
{
	EXPECT_EQ(-EBADF, gen_out(self, self->gain));
	EXPECT_REASON(KS_REASON_PEER);
	/* The new pin's own filter fd. */
	EXPECT_EQ(-EBADF, gen_out(self, self->gen));
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_EQ(-EBADF, gen_out(self, self->lb));
	EXPECT_REASON(KS_REASON_PEER);
	/* The filters are unharmed: a connection still works. */
	EXPECT_LE(0, gen_out(self, gain_in(self, self->gain, 0)));
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(graph, row14b_eventfd_pipe_file_ebadf_peer)
{
	int efd = eventfd(0, EFD_CLOEXEC), p[2], null;

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	EXPECT_EQ(-EBADF, gen_out(self, efd));
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_EQ(-EBADF, gen_out(self, p[1]));
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_EQ(-EBADF, gen_out(self, null));
	EXPECT_REASON(KS_REASON_PEER);
	/* The eventfd is untouched: still writable and readable. */
	EXPECT_EQ(8, write(efd, &(uint64_t){ 1 }, 8));
	close(efd);
	close(p[0]);
	close(p[1]);
	close(null);
}

/* ==== row 14c: the peer's filter is gone ==== */

/*
 * ks-tonegen's Control pin (IN BOTH) on an unregistered filter as the peer
 * of ks-gen's Out.  14c-14h all answer EPIPE with KS_REASON_PEER, so their
 * order cannot be seen from userspace; no pin type of the samples could
 * take this connection with its filter registered (Control has the CONTROL
 * interface and its own medium), so the order is not tested here.
 */
TEST_F(graph, row14c_peer_filter_unregistered_epipe_peer)
{
	int control;

	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	control = tonegen_control(self, 0);
	ASSERT_LE(0, control);
	ASSERT_EQ(0, write_file(TONEGEN_PARAMS "registered", "0"));
	EXPECT_EQ(-EPIPE, gen_out(self, control));
	EXPECT_REASON(KS_REASON_PEER);
	/* The dead peer is what it was: ENODEV, and close works. */
	EXPECT_EQ(-ENODEV, wr(control, "x", 1));
	EXPECT_FALSE(has_peer(control));
	close_pin(self, &control);
	EXPECT_EQ(0, read_number(TONEGEN_PARAMS "live_pins"));
	/* ks-gen is unharmed. */
	EXPECT_LE(0, gen_out(self, gain_in(self, self->gain, 0)));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ==== row 14d: the peer's type is not SINK or BOTH ==== */

/*
 * A pin of a SOURCE-only type exists only as a connection's source (row 8
 * refuses it without a peer), so such a peer is always connected, or was:
 * 14e holds as well, and both answer EPIPE/PEER.  No case exists where 14d
 * alone decides; this checks the answer for the one SOURCE-only type of
 * the samples, ks-tonegen's Source, while connected and after.
 *
 * On the way: a SOURCE-only pin connected to ks-loopback's Render.
 */
TEST_F(graph, row14d_peer_source_type_epipe_peer)
{
	char v[128];
	int render, source;

	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	source = tonegen_source(self, render);
	ASSERT_LE(0, source) TH_LOG("Source -> Render: %s, reason %s",
				    strerror(-source),
				    reason_name(self->reason));
	EXPECT_REASON(KS_REASON_NONE);
	ASSERT_EQ(0, fdinfo_value(source, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("source", v);
	ASSERT_EQ(0, fdinfo_value(render, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("sink", v);

	/* Control is IN BOTH: row 8 lets it name a peer. */
	EXPECT_EQ(-EPIPE, tonegen_control(self, source));
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_TRUE(has_peer(source));

	/* Disconnected, it is still of a SOURCE type. */
	close_pin(self, &render);
	EXPECT_FALSE(has_peer(source));
	EXPECT_EQ(-EPIPE, tonegen_control(self, source));
	EXPECT_REASON(KS_REASON_PEER);
}

/* ==== row 14e: the peer is or was connected ==== */

TEST_F(graph, row14e_peer_connected_as_sink_epipe_peer)
{
	int gi = gain_in(self, self->gain, 0), g1, g2;

	ASSERT_LE(0, gi);
	g1 = gen_out(self, gi);
	ASSERT_LE(0, g1);
	g2 = gen_out(self, gi);
	EXPECT_EQ(-EPIPE, g2);
	EXPECT_REASON(KS_REASON_PEER);
	/* The first connection stands. */
	EXPECT_TRUE(has_peer(gi));
	EXPECT_TRUE(has_peer(g1));
	EXPECT_EQ(-EISCONN, wr(gi, "abcd", 4));
}

/*
 * The peer is the source of a connection.  The only IN pin type of the
 * samples that may name a peer is ks-tonegen's Control (ks-gain's In is
 * SINK), whose interface and medium fit nothing: 14g holds as well.
 */
TEST_F(graph, row14e_peer_connected_as_source_epipe_peer)
{
	int render, go;

	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	/* ks-gain Out, connected as the source of Render. */
	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	go = gain_out(self, self->gain, render);
	ASSERT_LE(0, go);
	EXPECT_EQ(-EPIPE, tonegen_control(self, go));
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_TRUE(has_peer(go));
	EXPECT_TRUE(has_peer(render));
}

/* A pin takes part in one connection in its life: the sink closed. */
TEST_F(graph, row14e_peer_was_connected_epipe_peer)
{
	int gi = gain_in(self, self->gain, 0), g1, g2;

	ASSERT_LE(0, gi);
	g1 = gen_out(self, gi);
	ASSERT_LE(0, g1);
	close_pin(self, &g1);
	/* gain In is an ordinary pin again ... */
	expect_ordinary(_metadata, gi, true, "ks-gain In after its source closed");
	/* ... that cannot be connected again. */
	g2 = gen_out(self, gi);
	EXPECT_EQ(-EPIPE, g2);
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_FALSE(has_peer(gi));
}

/*
 * ... and the other way: the source's sink closed.  ks-gen's Out (BOTH)
 * is an ordinary pin again, and a sink no more (Control, the one IN type
 * that may name a peer, also fails 14g).
 */
TEST_F(graph, row14e_source_was_connected_epipe_peer)
{
	int gi = gain_in(self, self->gain, 0), g1;

	ASSERT_LE(0, gi);
	g1 = gen_out(self, gi);
	ASSERT_LE(0, g1);
	close_pin(self, &gi);
	expect_ordinary(_metadata, g1, false, "ks-gen Out after its sink closed");
	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	EXPECT_EQ(-EPIPE, tonegen_control(self, g1));
	EXPECT_REASON(KS_REASON_PEER);
}

/* ==== row 14f: the same dataflow ==== */

TEST_F(graph, row14f_same_dataflow_epipe_peer)
{
	int capture, g1, render;

	/* OUT to OUT: ks-loopback's Capture (SINK) ... */
	capture = lb_capture(self);
	ASSERT_LE(0, capture);
	EXPECT_EQ(-EPIPE, gen_out(self, capture));
	EXPECT_REASON(KS_REASON_PEER);
	/* ... and an unconnected ks-gen Out (BOTH). */
	g1 = gen_out(self, 0);
	ASSERT_LE(0, g1);
	EXPECT_EQ(-EPIPE, gen_out(self, g1));
	EXPECT_REASON(KS_REASON_PEER);

	/* IN to IN: ks-gain In is SINK (row 8) ... */
	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	EXPECT_EQ(-EINVAL, gain_in(self, self->gain, render));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
	/* ... ks-tonegen's Control is BOTH (and fails 14g as well). */
	if (tonegen_open(self)) {
		EXPECT_EQ(-EPIPE, tonegen_control(self, render));
		EXPECT_REASON(KS_REASON_PEER);
	}

	/* The peers are unharmed. */
	expect_ordinary(_metadata, capture, false, "Capture");
	expect_ordinary(_metadata, render, true, "Render");
	expect_ordinary(_metadata, g1, false, "ks-gen Out");
	/* Render still takes the connection that fits. */
	EXPECT_LE(0, gain_out(self, self->gain, render));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ==== row 14g: interface and medium ==== */

TEST_F(graph, row14g_medium_differs_epipe_peer)
{
	int render = lb_render(self, 0), go;

	ASSERT_LE(0, render);
	/* ks-gen Out has the chain's medium, Render the standard one. */
	EXPECT_EQ(-EPIPE, gen_out(self, render));
	EXPECT_REASON(KS_REASON_PEER);
	expect_ordinary(_metadata, render, true, "Render");
	go = gain_out(self, self->gain, render);
	EXPECT_LE(0, go);
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(graph, row14g_interface_differs_epipe_peer)
{
	uint32_t size = req_pcm(self, PIN_RENDER, false, 48000, 2);
	int render, go;

	self->req.c.interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	render = create(self, self->lb, size, KS_GENERIC_WRITE, 0);
	ASSERT_LE(0, render);
	/* ks-gain Out asks for STREAMING, Render was made LOOPED_STREAMING. */
	go = gain_out(self, self->gain, render);
	EXPECT_EQ(-EPIPE, go);
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_FALSE(has_peer(render));
	/* Render with the same interface takes it. */
	close_pin(self, &render);
	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	EXPECT_LE(0, gain_out(self, self->gain, render));
	EXPECT_REASON(KS_REASON_NONE);
}

/* Identifier flags are not compared, nor is the priority. */
TEST_F(graph, row14g_identifier_flags_not_compared)
{
	int render = lb_render(self, 0), go;
	uint32_t size;

	ASSERT_LE(0, render);
	size = req_pcm(self, GAIN_PIN_OUT, false, 48000, 2);
	self->req.c.interface.flags = 0xffffffff;
	self->req.c.medium.flags = 5;
	self->req.c.priority.priority_class = KSPRIORITY_HIGH;
	self->req.c.priority.priority_subclass = 7;
	go = create(self, self->gain, size, KS_GENERIC_READ, render);
	EXPECT_LE(0, go) TH_LOG("%s, reason %s", strerror(-go),
				reason_name(self->reason));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ==== row 14h: the format ==== */

/* ks-gain In with the format self->req holds; ks-gen Out with pcm:48000:2:16. */
static void expect_format_refused(struct __test_metadata *_metadata,
				  FIXTURE_DATA(graph) *self, uint32_t size,
				  const char *what)
{
	struct ks_req peer_req = self->req;
	int gi, g;

	gi = create(self, self->gain, size, KS_GENERIC_WRITE, 0);
	ASSERT_LE(0, gi) TH_LOG("ks-gain In with %s: %s, reason %s", what,
				strerror(-gi), reason_name(self->reason));
	g = gen_out(self, gi);
	EXPECT_EQ(-EPIPE, g) TH_LOG("%s", what);
	EXPECT_REASON(KS_REASON_PEER);
	EXPECT_FALSE(has_peer(gi)) TH_LOG("%s", what);

	/* The very same format is accepted: gain In is still free. */
	self->req = peer_req;
	self->req.c.pin_id = GEN_PIN_OUT;
	g = create(self, self->gen, size, KS_GENERIC_READ, gi);
	EXPECT_LE(0, g) TH_LOG("ks-gen Out with %s: %s, reason %s", what,
			       strerror(-g), reason_name(self->reason));
	EXPECT_REASON(KS_REASON_NONE);
	close_pin(self, &g);
	close_pin(self, &gi);
}

TEST_F(graph, row14h_format_differs_epipe_peer)
{
	uint32_t size;

	size = req_pcm(self, GAIN_PIN_IN, true, 44100, 2);
	expect_format_refused(_metadata, self, size, "pcm:44100:2:16");
	size = req_pcm(self, GAIN_PIN_IN, true, 48000, 1);
	expect_format_refused(_metadata, self, size, "pcm:48000:1:16");
	size = req_pcm(self, GAIN_PIN_IN, true, 48000, 4);
	expect_format_refused(_metadata, self, size, "pcm:48000:4:16");

	/* The same audio parameters as WAVEFORMATEXTENSIBLE: other bytes. */
	size = req_audio_ext(&self->req, GAIN_PIN_IN, KS_SAMPLE_PCM, 48000, 2,
			     16);
	self->req.c.medium.set = guid_chain_medium;
	self->req.c.medium.id = KS_CHAIN_MEDIUM_ID;
	expect_format_refused(_metadata, self, size, "pcm-ext:48000:2:16");

	/* Only the KSDATAFORMAT header's sample size differs. */
	size = req_pcm(self, GAIN_PIN_IN, true, 48000, 2);
	self->req.f.df.sample_size = 0;
	expect_format_refused(_metadata, self, size, "sample_size 0");
}

TEST_F(graph, row14h_equal_format_accepted)
{
	int gi = gain_in(self, self->gain, 0), g;

	ASSERT_LE(0, gi);
	g = gen_out(self, gi);
	ASSERT_LE(0, g) TH_LOG("%s, reason %s", strerror(-g),
			       reason_name(self->reason));
	EXPECT_REASON(KS_REASON_NONE);
	EXPECT_TRUE(has_peer(g));
	EXPECT_TRUE(has_peer(gi));
}

/* The peer's current format decides: as last set with DATAFORMAT. */
TEST_F(graph, row14h_peer_format_as_last_set)
{
	struct ks_dataformat_waveformatex f48, f44;
	int gi, g;

	ks_build_audio_format(&f48, KS_SAMPLE_PCM, 48000, 2, 16);
	ks_build_audio_format(&f44, KS_SAMPLE_PCM, 44100, 2, 16);

	/* Made at 44100 Hz, set to 48000 Hz: ks-gen's 48000 Hz fits. */
	req_pcm(self, GAIN_PIN_IN, true, 44100, 2);
	gi = create(self, self->gain, sizeof(self->req.c) + sizeof(f44),
		    KS_GENERIC_WRITE, 0);
	ASSERT_LE(0, gi);
	ASSERT_EQ(0, ks_pin_set_dataformat(gi, &f48, sizeof(f48)));
	g = gen_out(self, gi);
	EXPECT_LE(0, g) TH_LOG("%s, reason %s", strerror(-g),
			       reason_name(self->reason));
	EXPECT_REASON(KS_REASON_NONE);
	close_pin(self, &g);
	close_pin(self, &gi);

	/* Made at 48000 Hz, set to 44100 Hz: it does not. */
	gi = gain_in(self, self->gain, 0);
	ASSERT_LE(0, gi);
	ASSERT_EQ(0, ks_pin_set_dataformat(gi, &f44, sizeof(f44)));
	EXPECT_EQ(-EPIPE, gen_out(self, gi));
	EXPECT_REASON(KS_REASON_PEER);
}

/* "The peer may be in any state." */
TEST_F(graph, row14_peer_in_run_accepted)
{
	int gi = gain_in(self, self->gain, 0), g;

	ASSERT_LE(0, gi);
	ASSERT_EQ(0, ks_pin_set_state(gi, KSSTATE_RUN));
	g = gen_out(self, gi);
	EXPECT_LE(0, g) TH_LOG("%s, reason %s", strerror(-g),
			       reason_name(self->reason));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ==== the rows before row 14 ==== */

TEST_F(graph, row8_sink_type_with_peer_einval_communication)
{
	int g = gen_out(self, 0), gi = gain_in(self, self->gain, 0);

	ASSERT_LE(0, g);
	ASSERT_LE(0, gi);
	/* Render is SINK: a peer that would otherwise fit, an IN to an OUT. */
	EXPECT_EQ(-EINVAL, lb_render(self, g));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
	/* Capture is SINK, naming an IN pin. */
	req_pcm(self, PIN_CAPTURE, false, 48000, 2);
	EXPECT_EQ(-EINVAL, create(self, self->lb,
				  sizeof(self->req.c) + sizeof(self->req.f.wfx),
				  KS_GENERIC_READ, gi));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
	/* Row 8 decides even with a handle that row 14a refuses. */
	EXPECT_EQ(-EINVAL, lb_render(self, 0x80000000ull));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
	EXPECT_FALSE(has_peer(g));
	EXPECT_FALSE(has_peer(gi));
	expect_ordinary(_metadata, g, false, "ks-gen Out");
	EXPECT_LE(0, gen_out(self, gi));
	EXPECT_REASON(KS_REASON_NONE);
}

/* Row 13 before row 14: ks-tonegen's Source allows one instance. */
TEST_F(graph, row13_instances_before_row14_ebusy_instances)
{
	int render, source, free_in;

	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	source = tonegen_source(self, render);
	ASSERT_LE(0, source);
	/* A bad handle, and a peer that is taken. */
	EXPECT_EQ(-EBUSY, tonegen_source(self, 0x80000000ull));
	EXPECT_REASON(KS_REASON_INSTANCES);
	EXPECT_EQ(-EBUSY, tonegen_source(self, render));
	EXPECT_REASON(KS_REASON_INSTANCES);
	/* A free IN peer. */
	free_in = gain_in(self, self->gain, 0);
	ASSERT_LE(0, free_in);
	EXPECT_EQ(-EBUSY, tonegen_source(self, free_in));
	EXPECT_REASON(KS_REASON_INSTANCES);
	EXPECT_FALSE(has_peer(free_in));
}

/* Row 15 before row 14: the new pin's filter unregistered. */
TEST_F(graph, row15_gone_before_row14_enodev_gone)
{
	int render, go;

	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	ASSERT_EQ(0, write_file(TONEGEN_PARAMS "registered", "0"));
	/* A peer that would take the connection ... */
	EXPECT_EQ(-ENODEV, tonegen_source(self, render));
	EXPECT_REASON(KS_REASON_GONE);
	/* ... and handles that row 14 would refuse. */
	EXPECT_EQ(-ENODEV, tonegen_source(self, 0x80000000ull));
	EXPECT_REASON(KS_REASON_GONE);
	EXPECT_EQ(-ENODEV, tonegen_source(self, self->gain));
	EXPECT_REASON(KS_REASON_GONE);
	/* Render was not connected by the refused request. */
	expect_ordinary(_metadata, render, true, "Render");
	go = gain_out(self, self->gain, render);
	EXPECT_LE(0, go);
	EXPECT_REASON(KS_REASON_NONE);
}

/* ==== failures after row 14 leave the peer unconnected ==== */

/*
 * The request struct in a read-only page: the kernel reads it, every row
 * passes, and writing reason = 0 faults.  The connection must not exist.
 */
TEST_F(graph, create_efault_writing_reason_leaves_peer_unconnected)
{
	struct ks_create_pin *args;
	int gi = gain_in(self, self->gain, 0), ret;
	long pins;

	ASSERT_LE(0, gi);
	pins = stats_counter("pins");
	args = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, args);
	req_pcm(self, GEN_PIN_OUT, true, 48000, 2);
	self->req.c.pin_to_handle = gi;
	args->connect = (uintptr_t)&self->req;
	args->connect_size = sizeof(self->req.c) + sizeof(self->req.f.wfx);
	args->desired_access = KS_GENERIC_READ;
	args->flags = O_CLOEXEC;
	ASSERT_EQ(0, mprotect(args, 4096, PROT_READ));
	ret = ioctl(self->gen, KS_IOCTL_CREATE_PIN, args);
	if (ret >= 0)
		close(ret);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EFAULT, errno);
	munmap(args, 4096);
	EXPECT_EQ(pins, wait_counter("pins", pins));
	expect_ordinary(_metadata, gi, true, "ks-gain In");
	EXPECT_LE(0, gen_out(self, gi));
	EXPECT_REASON(KS_REASON_NONE);
}

/* No fd number left (EMFILE) after every row passed. */
TEST_F(graph, create_emfile_leaves_peer_unconnected)
{
	struct rlimit old, lim;
	int gi = gain_in(self, self->gain, 0), g, n = 0, i;
	static int dummies[256];

	ASSERT_LE(0, gi);
	ASSERT_LT(gi, 200);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = 256;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	while (n < 256) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			break;
		dummies[n++] = fd;
	}
	g = gen_out(self, gi);
	for (i = 0; i < n; i++)
		close(dummies[i]);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(-EMFILE, g);
	expect_ordinary(_metadata, gi, true, "ks-gain In");
	EXPECT_LE(0, gen_out(self, gi));
	EXPECT_REASON(KS_REASON_NONE);
}

/* How hard create_failure_not_seen_by_blocked_writer tries. */
#define RACE_TRIES	20000
#define RACE_MS		5000

/* A write(2) in a thread of its own. */
struct writer {
	pthread_t thread;
	int fd;
	uint8_t buf[64 * FRAME];
	ssize_t result;
	atomic_bool done;
};

static void *writer_run(void *arg)
{
	struct writer *w = arg;

	w->result = wr(w->fd, w->buf, sizeof(w->buf));
	atomic_store(&w->done, true);
	return NULL;
}

/*
 * "The connection is never visible half made": a writer blocked on the
 * peer (ks-gain In, full, with no Out to drain it) must not be told
 * EISCONN by creations that connect and then fail (EMFILE).  Timing
 * dependent, so it tries many times; it cannot fail wrongly.
 */
TEST_F_TIMEOUT(graph, create_failure_not_seen_by_blocked_writer, 120)
{
	static int dummies[256];
	struct rlimit old, lim;
	struct writer w = { 0 };
	uint8_t fill[4096] = { 0 };
	int gi = gain_in(self, self->gain, 0), n = 0, i, tries = 0, g = 0;
	double start;
	uint32_t how;

	ASSERT_LE(0, gi);
	ASSERT_LT(gi, 200);
	ASSERT_EQ(0, ks_pin_set_state(gi, KSSTATE_RUN));
	/* Fill In's queue: nothing takes its data. */
	for (i = 0; i < 100000 && wr(gi, fill, sizeof(fill)) > 0; i++)
		;
	ASSERT_EQ(-EAGAIN, wr(gi, fill, sizeof(fill)));
	ASSERT_EQ(0, fcntl(gi, F_SETFL, 0));
	w.fd = gi;
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, writer_run, &w));
	usleep(QUIET_MS * 1000);
	ASSERT_FALSE(atomic_load(&w.done)) TH_LOG("write did not block: %zd",
						  w.result);

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = 256;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	while (n < 256) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			break;
		dummies[n++] = fd;
	}
	start = now_ms();
	for (tries = 0; tries < RACE_TRIES && !atomic_load(&w.done) &&
	     now_ms() - start < RACE_MS; tries++) {
		g = gen_out(self, gi);
		if (g != -EMFILE)
			break;
	}
	for (i = 0; i < n; i++)
		close(dummies[i]);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(-EMFILE, g);
	EXPECT_FALSE(atomic_load(&w.done));
	TH_LOG("%d failed creations", tries);

	/* Release the writer: a reset fails blocked calls (ECANCELED). */
	if (!atomic_load(&w.done)) {
		how = KSRESET_BEGIN;
		EXPECT_EQ(0, ioctl(gi, KS_IOCTL_RESET_STATE, &how));
	}
	pthread_join(w.thread, NULL);
	how = KSRESET_END;
	ioctl(gi, KS_IOCTL_RESET_STATE, &how);
	EXPECT_NE(-EISCONN, w.result)
		TH_LOG("the blocked writer saw the failed connection (try %d)",
		       tries);
	EXPECT_FALSE(has_peer(gi));
}

/* ==== closes and creations racing on a connection's pins ==== */

/* How long each of the races below runs, and its most rounds. */
#define CLOSE_RACE_MS		3000
#define CLOSE_RACE_ROUNDS	1000

/* Forget a tracked pin fd without closing it: another thread will. */
static void untrack(FIXTURE_DATA(graph) *self, int fd)
{
	int i;

	for (i = 0; i < MAX_FDS; i++)
		if (self->fds[i] == fd)
			self->fds[i] = -1;
}

struct closer {
	pthread_t thread;
	pthread_barrier_t *go;
	int fd;
	unsigned int delay_us;	/* after the release, busy */
	int result;
	double at;		/* when it closed */
};

static void *closer_run(void *arg)
{
	struct closer *c = arg;
	double until;

	pthread_barrier_wait(c->go);
	until = now_ms() + c->delay_us / 1000.0;
	while (now_ms() < until)
		;
	c->at = now_ms();
	c->result = close(c->fd) ? -errno : 0;
	return NULL;
}

/*
 * Close the tracked pin fds @fds, each from a thread of its own, all
 * released at once.  0, or the first close's -errno.
 */
static int close_at_once(FIXTURE_DATA(graph) *self, const int *fds, int n)
{
	struct closer c[8];
	pthread_barrier_t go;
	int i, ret = 0;

	if (n > 8 || pthread_barrier_init(&go, NULL, n))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		untrack(self, fds[i]);
		c[i] = (struct closer){ .go = &go, .fd = fds[i] };
		if (pthread_create(&c[i].thread, NULL, closer_run, &c[i]))
			abort();
	}
	for (i = 0; i < n; i++) {
		pthread_join(c[i].thread, NULL);
		if (!ret)
			ret = c[i].result;
	}
	pthread_barrier_destroy(&go);
	return ret;
}

/*
 * Both ends of a connection closed from two threads at once: one close
 * ends the connection and tells the other end's provider, while the
 * other close shuts its pin down.  The provider must never be called for
 * a pin after its close() (ks-gen's process() on the context its close()
 * freed), and both closes must see the connection's end; the counters
 * come back (teardown).  Stopped and running pins alternate, so that the
 * connection's work is in flight in half the rounds.
 */
TEST_F_TIMEOUT(graph, close_both_ends_at_once, 60)
{
	double start = now_ms();
	int round, gi, go;

	for (round = 0; round < CLOSE_RACE_ROUNDS &&
	     now_ms() - start < CLOSE_RACE_MS; round++) {
		gi = gain_in(self, self->gain, 0);
		ASSERT_LE(0, gi);
		go = gen_out(self, gi);
		ASSERT_LE(0, go) TH_LOG("round %d: %s", round, strerror(-go));
		if (round & 1)
			ASSERT_EQ(0, run_all((int[]){ gi, go }, 2));
		ASSERT_EQ(0, close_at_once(self, (int[]){ go, gi }, 2));
	}
	TH_LOG("%d rounds", round);
	EXPECT_EQ(self->conns_before, wait_counter("links", self->conns_before));
}

/*
 * Every pin of a flowing chain closed at once, the middle (ks-gain's two
 * pins, each one end of a connection) with both its neighbours.
 */
TEST_F_TIMEOUT(graph, close_every_pin_of_a_flowing_chain_at_once, 90)
{
	uint8_t buf[CHUNK];
	double start = now_ms();
	struct chain c;
	int round;

	for (round = 0; round < CLOSE_RACE_ROUNDS / 10 &&
	     now_ms() - start < CLOSE_RACE_MS; round++) {
		chain_start(_metadata, self, &c);
		ASSERT_LT(0, read_wait(c.capture, buf, sizeof(buf), WAIT_MS));
		ASSERT_EQ(0, close_at_once(self, (int[]){ c.gen_out, c.gain_in,
				c.gain_out, c.render, c.capture }, 5));
	}
	TH_LOG("%d rounds", round);
	EXPECT_EQ(self->conns_before, wait_counter("links", self->conns_before));
}

struct creator {
	pthread_t thread;
	pthread_barrier_t *go;
	FIXTURE_DATA(graph) *self;
	int peer;
	int fd;		/* the new pin, or -errno */
	double start, end;
};

static void *creator_run(void *arg)
{
	struct creator *c = arg;

	pthread_barrier_wait(c->go);
	c->start = now_ms();
	c->fd = gain_out(c->self, c->self->gain, c->peer);
	c->end = now_ms();
	return NULL;
}

/*
 * A creation names a peer (ks-gain Out with ks-loopback's Render) while
 * another thread closes that peer, a little later each round.  Whichever comes first, no connection
 * may be left on a closed pin: the creation fails (EBADF or EPIPE, reason
 * PEER), or it succeeds and the new pin is no longer connected once the
 * close has returned - no "ks-peer" in its fdinfo, its own I/O no longer
 * EISCONN - and closing it calls nothing on the closed peer.
 */
TEST_F_TIMEOUT(graph, close_peer_while_a_creation_names_it, 60)
{
	int round, created = 0, refused = 0, inside = 0, render;
	double start = now_ms();
	struct creator cr;
	pthread_barrier_t go;
	struct closer cl;
	uint8_t buf[64];

	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 2));
	for (round = 0; round < CLOSE_RACE_ROUNDS &&
	     now_ms() - start < CLOSE_RACE_MS; round++) {
		render = lb_render(self, 0);
		ASSERT_LE(0, render);
		untrack(self, render);
		cr = (struct creator){ .go = &go, .self = self, .peer = render };
		/* Sweep the close across the creation's whole length. */
		cl = (struct closer){ .go = &go, .fd = render,
				      .delay_us = round * 37 % 1500 };
		ASSERT_EQ(0, pthread_create(&cr.thread, NULL, creator_run, &cr));
		ASSERT_EQ(0, pthread_create(&cl.thread, NULL, closer_run, &cl));
		pthread_join(cr.thread, NULL);
		pthread_join(cl.thread, NULL);
		ASSERT_EQ(0, cl.result);
		inside += cl.at > cr.start && cl.at < cr.end;
		if (cr.fd < 0) {
			ASSERT_TRUE(cr.fd == -EBADF || cr.fd == -EPIPE)
				TH_LOG("round %d: %s", round, strerror(-cr.fd));
			ASSERT_EQ(KS_REASON_PEER, self->reason);
			refused++;
			continue;
		}
		created++;
		ASSERT_FALSE(has_peer(cr.fd))
			TH_LOG("round %d: connected to a closed pin", round);
		ASSERT_EQ(-EBADFD, rd(cr.fd, buf, sizeof(buf)))
			TH_LOG("round %d", round);
		close_pin(self, &cr.fd);
	}
	pthread_barrier_destroy(&go);
	TH_LOG("%d rounds: %d created, %d refused, %d closed during the creation",
	       round, created, refused, inside);
	EXPECT_EQ(self->conns_before, wait_counter("links", self->conns_before));
}

/*
 * The reason of a creation is written to a page that user space
 * write-protected with userfaultfd: the creation stalls on it for as long
 * as user space likes.  The filter's unregistration must not wait for it
 * (it did, when the reason was written with the filter entered), and
 * the creation, resumed after it, fails with ENODEV (GONE).
 */
TEST_F_TIMEOUT(graph, create_stalled_writing_reason_does_not_hold_unregister,
	       60)
{
	struct stalled st = { .call = stalled_create };
	struct ks_create_pin *args;
	int ret;

	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	st.page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, st.page);
	args = (struct ks_create_pin *)st.page;
	args->connect = (uintptr_t)&self->req;
	args->connect_size = req_pcm(self, TONEGEN_PIN_TONE, false, 48000, 2);
	args->desired_access = KS_GENERIC_READ;
	args->flags = O_CLOEXEC;
	args->reason = REASON_UNSET;
	st.fd = self->tonegen;
	ASSERT_EQ(0, stall_and_unregister(&st));
	EXPECT_TRUE(st.faulted) TH_LOG("the creation never wrote its reason");
	EXPECT_TRUE(atomic_load(&st.unregistered))
		TH_LOG("unregistration waits for a stalled user copy");
	ret = st.result;
	if (ret >= 0)
		close(ret);
	EXPECT_EQ(-ENODEV, ret);
	EXPECT_EQ(KS_REASON_GONE, args->reason);
	EXPECT_EQ(0, st.unregister_ret);
	munmap(st.page, 4096);
}

/*
 * The same for a read(2) whose buffer is such a page: the copy of the
 * data out of the queue stalls, and the unregistration, which stops the
 * pin and so empties its queue, must not wait for it; the read, resumed,
 * fails with ENODEV.
 */
TEST_F_TIMEOUT(graph, read_stalled_copying_out_does_not_hold_unregister, 60)
{
	struct stalled st = { .call = stalled_read };
	uint32_t size;
	int tone;

	ASSERT_TRUE(tonegen_open(self)) TH_LOG("%s", ks_sample_why);
	size = req_pcm(self, TONEGEN_PIN_TONE, false, 48000, 2);
	tone = create(self, self->tonegen, size, KS_GENERIC_READ, 0);
	ASSERT_LE(0, tone);
	ASSERT_EQ(0, ks_pin_set_state(tone, KSSTATE_RUN));
	ASSERT_EQ(POLLIN, poll_events(tone, POLLIN, WAIT_MS) & POLLIN);
	ASSERT_EQ(0, fcntl(tone, F_SETFL, 0));
	st.page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, st.page);
	st.fd = tone;
	ASSERT_EQ(0, stall_and_unregister(&st));
	EXPECT_TRUE(st.faulted) TH_LOG("the read never wrote its buffer");
	EXPECT_TRUE(atomic_load(&st.unregistered))
		TH_LOG("unregistration waits for a stalled user copy");
	EXPECT_EQ(-ENODEV, st.result);
	EXPECT_EQ(0, st.unregister_ret);
	munmap(st.page, 4096);
}

/* ==== a connection ==== */

TEST_F(graph, connected_fdinfo_peer_and_role)
{
	int gi = gain_in(self, self->gain, 0), g, render, go;
	char v[128];

	ASSERT_LE(0, gi);
	EXPECT_FALSE(has_peer(gi));
	g = gen_out(self, gi);
	ASSERT_LE(0, g);

	ASSERT_EQ(0, fdinfo_value(g, "ks-peer", v, sizeof(v)));
	EXPECT_NE(NULL, strstr(v, GAIN_NAME)) TH_LOG("ks-peer: %s", v);
	ASSERT_EQ(0, fdinfo_value(g, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("source", v);
	ASSERT_EQ(0, fdinfo_value(gi, "ks-peer", v, sizeof(v)));
	EXPECT_NE(NULL, strstr(v, GEN_NAME)) TH_LOG("ks-peer: %s", v);
	ASSERT_EQ(0, fdinfo_value(gi, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("sink", v);

	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	go = gain_out(self, self->gain, render);
	ASSERT_LE(0, go);
	ASSERT_EQ(0, fdinfo_value(render, "ks-peer", v, sizeof(v)));
	EXPECT_NE(NULL, strstr(v, GAIN_NAME)) TH_LOG("ks-peer: %s", v);
	ASSERT_EQ(0, fdinfo_value(go, "ks-peer", v, sizeof(v)));
	EXPECT_NE(NULL, strstr(v, LOOPBACK_NAME)) TH_LOG("ks-peer: %s", v);
	ASSERT_EQ(0, fdinfo_value(go, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("source", v);
	ASSERT_EQ(0, fdinfo_value(render, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("sink", v);
}

static void expect_io_eisconn(struct __test_metadata *_metadata, int out_pin,
			      int in_pin, const char *what)
{
	uint8_t buf[64 * FRAME] = { 0 };

	EXPECT_EQ(-EISCONN, rd(out_pin, buf, sizeof(buf))) TH_LOG("%s", what);
	EXPECT_EQ(-EISCONN, stream_ioctl(out_pin, KS_IOCTL_READ_STREAM, buf,
					 sizeof(buf))) TH_LOG("%s", what);
	EXPECT_EQ(-EISCONN, wr(in_pin, buf, sizeof(buf))) TH_LOG("%s", what);
	EXPECT_EQ(-EISCONN, stream_ioctl(in_pin, KS_IOCTL_WRITE_STREAM, buf,
					 sizeof(buf))) TH_LOG("%s", what);
}

TEST_F(graph, connected_userspace_io_eisconn)
{
	struct chain c;

	chain_start(_metadata, self, &c);
	/* In RUN, with data flowing. */
	expect_io_eisconn(_metadata, c.gen_out, c.gain_in, "gen -> gain, RUN");
	expect_io_eisconn(_metadata, c.gain_out, c.render, "gain -> Render, RUN");
	/* In PAUSE. */
	ASSERT_EQ(0, ks_pin_set_state(c.gen_out, KSSTATE_PAUSE));
	ASSERT_EQ(0, ks_pin_set_state(c.gain_in, KSSTATE_PAUSE));
	expect_io_eisconn(_metadata, c.gen_out, c.gain_in, "gen -> gain, PAUSE");
	/* In STOP: EISCONN comes before EBADFD (module/stream.c). */
	ASSERT_EQ(0, ks_pin_set_state(c.gen_out, KSSTATE_STOP));
	ASSERT_EQ(0, ks_pin_set_state(c.gain_in, KSSTATE_STOP));
	expect_io_eisconn(_metadata, c.gen_out, c.gain_in, "gen -> gain, STOP");
}

TEST_F(graph, connected_poll_neither_in_nor_out)
{
	int fds[4], i;
	struct chain c;

	chain_start(_metadata, self, &c);
	fds[0] = c.gen_out;
	fds[1] = c.gain_in;
	fds[2] = c.gain_out;
	fds[3] = c.render;
	for (i = 0; i < 4; i++) {
		short ev = poll_events(fds[i], POLLIN | POLLOUT, QUIET_MS);

		EXPECT_LE(0, ev);
		EXPECT_EQ(0, ev & (POLLIN | POLLOUT))
			TH_LOG("pin %d: revents 0x%x", i, ev);
	}
	/* The chain's free end polls as any pin. */
	EXPECT_NE(0, poll_events(c.capture, POLLIN, WAIT_MS) & POLLIN);
}

/* Properties, states and resets work on connected pins. */
TEST_F(graph, connected_properties_states_resets_work)
{
	struct ks_dataformat_waveformatex want;
	int gi = gain_in(self, self->gain, 0), g;
	uint32_t state = 0xdead, size = 0, how;
	void *fmt;

	ASSERT_LE(0, gi);
	g = gen_out(self, gi);
	ASSERT_LE(0, g);
	ks_build_audio_format(&want, KS_SAMPLE_PCM, 48000, 2, 16);
	fmt = ks_pin_get_dataformat(g, &size);
	ASSERT_NE(NULL, fmt);
	EXPECT_EQ(sizeof(want), size);
	EXPECT_EQ(0, memcmp(fmt, &want, sizeof(want)));
	free(fmt);
	EXPECT_EQ(0, ks_pin_set_state(g, KSSTATE_RUN));
	EXPECT_EQ(0, ks_pin_set_state(gi, KSSTATE_PAUSE));
	EXPECT_EQ(0, ks_pin_get_state(g, &state));
	EXPECT_EQ(KSSTATE_RUN, state);
	EXPECT_EQ(0, ks_pin_get_state(gi, &state));
	EXPECT_EQ(KSSTATE_PAUSE, state);
	how = KSRESET_BEGIN;
	EXPECT_EQ(0, ioctl(gi, KS_IOCTL_RESET_STATE, &how));
	how = KSRESET_END;
	EXPECT_EQ(0, ioctl(gi, KS_IOCTL_RESET_STATE, &how));
	/* DATAFORMAT set still needs STOP. */
	EXPECT_NE(0, ks_pin_set_dataformat(g, &want, sizeof(want)));
	EXPECT_EQ(0, ks_pin_set_state(g, KSSTATE_STOP));
	EXPECT_EQ(0, ks_pin_set_dataformat(g, &want, sizeof(want)));
	EXPECT_TRUE(has_peer(g));
}

/* ==== the chain ==== */

static void chain_exact(struct __test_metadata *_metadata,
			FIXTURE_DATA(graph) *self, uint64_t bytes)
{
	struct checker ck;
	struct chain c;
	long long n;

	chain_start(_metadata, self, &c);
	checker_init(&ck, 0, self->percent);
	n = read_checked(c.capture, &ck, bytes, NULL);
	EXPECT_EQ((long long)bytes, n) TH_LOG("%s after %llu bytes", err_str(n),
					      (unsigned long long)ck.bytes);
	EXPECT_EXACT(&ck);
	/* Still connected, still refusing userspace. */
	EXPECT_TRUE(has_peer(c.gen_out));
	EXPECT_TRUE(has_peer(c.render));
}

TEST_F_TIMEOUT(graph, chain_gen_gain_loopback_byte_exact, 120)
{
	chain_exact(_metadata, self, SECOND);
}

TEST_F_TIMEOUT(graph, chain_gain_200_percent_clamps_byte_exact, 120)
{
	struct checker ck;
	struct chain c;
	long long n;

	ASSERT_EQ(0, set_percent(self, 200)) TH_LOG("cannot write %s", GAIN_PERCENT);
	ASSERT_EQ(200, self->percent);
	chain_start(_metadata, self, &c);
	checker_init(&ck, 0, self->percent);
	n = read_checked(c.capture, &ck, SECOND, NULL);
	EXPECT_EQ((long long)SECOND, n) TH_LOG("%s", err_str(n));
	EXPECT_EXACT(&ck);
	/* About half of the samples exceed 16 bits at 200 %. */
	EXPECT_LT(0, ck.clamped);
}

/* Close a chain's pins, its source first. */
static void chain_close(FIXTURE_DATA(graph) *self, struct chain *c)
{
	close_pin(self, &c->gen_out);
	close_pin(self, &c->gain_in);
	close_pin(self, &c->gain_out);
	close_pin(self, &c->render);
	close_pin(self, &c->capture);
}

/* Every channel of ks-gain's volume node to @level (1/65536 dB). */
static int set_volume(FIXTURE_DATA(graph) *self, int32_t level)
{
	if (self->percent_saved < 0)
		self->percent_saved = self->percent;
	return ks_node_set(self->gain, GAIN_NODE_VOLUME,
			   KSPROPERTY_AUDIO_VOLUMELEVEL, KS_NODE_ALL_CHANNELS,
			   level);
}

/*
 * The volume node is the gain: 0 dB passes the samples through, -6.0206
 * dB halves them (rounded down), +6 dB doubles them, and more, clamped to
 * 16 bits.  Each level is set on a flowing chain and checked byte for
 * byte, on a chain built anew for each, so that no sample of an earlier
 * level is still on its way.
 */
TEST_F_TIMEOUT(graph, chain_volume_node_sets_the_gain_byte_exact, 180)
{
	static const struct {
		int32_t level;
		uint32_t gain;	/* what it must be, worked out by hand */
	} steps[] = {
		{ 0, 65536 },
		{ -394566, 32768 },
		{ 6 * 65536, 130762 },
	};
	struct checker ck;
	struct chain c;
	unsigned int i;
	int32_t got;
	long long n;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		ASSERT_EQ(steps[i].gain, ks_volume_gain(steps[i].level));
		ASSERT_EQ(0, set_volume(self, steps[i].level));
		ASSERT_EQ(0, ks_node_get(self->gain, GAIN_NODE_VOLUME,
					 KSPROPERTY_AUDIO_VOLUMELEVEL, 1, &got));
		ASSERT_EQ(steps[i].level, got);
		chain_start(_metadata, self, &c);
		checker_init(&ck, 0, self->percent);
		ck.gain = steps[i].gain;
		n = read_checked(c.capture, &ck, SECOND / 4, NULL);
		EXPECT_EQ((long long)SECOND / 4, n) TH_LOG("%s", err_str(n));
		EXPECT_EXACT(&ck);
		if (i == 2)
			EXPECT_LT(0, ck.clamped);
		chain_close(self, &c);
	}
	/* Half is exactly a right shift: the first frames say it twice. */
	EXPECT_EQ(ks_chain_sample(1, 1) >> 1,
		  ks_chain_apply(ks_chain_sample(1, 1), 32768));
	/* Past the range, the level is clamped, not refused. */
	ASSERT_EQ(0, set_volume(self, 20 * 65536));
	ASSERT_EQ(0, ks_node_get(self->gain, GAIN_NODE_VOLUME,
				 KSPROPERTY_AUDIO_VOLUMELEVEL, 0, &got));
	EXPECT_EQ(GAIN_VOLUME_MAX, got);
}

/*
 * A connection copies nothing: Render's provider takes ks-gain Out's
 * frames from ks-gain Out's own queue.  Render's queue stays empty, its
 * counts go on as if the frames had passed through it, and both pins'
 * fdinfo count the same bytes taken through the connection.
 */
TEST_F_TIMEOUT(graph, chain_sink_queue_stays_empty_counts_pass_through, 120)
{
	long long in, out, link;
	struct checker ck;
	struct chain c;

	chain_flowing(_metadata, self, &c, &ck, 256 * 1024);
	/* Hold the chain still: an OUT pin out of RUN feeds nobody. */
	ASSERT_EQ(0, ks_pin_set_state(c.gain_out, KSSTATE_PAUSE));
	ASSERT_EQ(0, ks_pin_set_state(c.gen_out, KSSTATE_PAUSE));
	usleep(100 * 1000);
	EXPECT_EQ(0, fdinfo_number(c.render, "ks-queued"));
	EXPECT_EQ(0, fdinfo_number(c.gain_in, "ks-queued"));
	in = fdinfo_number(c.render, "ks-bytes-in");
	out = fdinfo_number(c.render, "ks-bytes-out");
	link = fdinfo_number(c.render, "ks-link-bytes");
	EXPECT_LE(256 * 1024, in);
	EXPECT_EQ(in, out);
	EXPECT_EQ(in, link);
	EXPECT_EQ(link, fdinfo_number(c.gain_out, "ks-link-bytes"));
	EXPECT_LE(256 * 1024, fdinfo_number(c.gain_in, "ks-link-bytes"));
}

/*
 * Every byte a pin's queue counted in is queued still, or was counted out
 * or dropped.
 */
static void expect_counts_balance(struct __test_metadata *_metadata, int fd,
				  const char *name)
{
	long long in = fdinfo_number(fd, "ks-bytes-in");
	long long out = fdinfo_number(fd, "ks-bytes-out");
	long long dropped = fdinfo_number(fd, "ks-bytes-dropped");
	long long queued = fdinfo_number(fd, "ks-queued");

	ASSERT_LE(0, in) TH_LOG("%s: no fdinfo", name);
	EXPECT_EQ(queued, in - out - dropped)
		TH_LOG("%s: in %lld out %lld dropped %lld queued %lld", name,
		       in, out, dropped, queued);
}

struct disturber {
	struct chain *c;
	atomic_bool stop;
	unsigned long rounds;
	int err;
};

static int reset(int fd)
{
	uint32_t how = KSRESET_BEGIN;

	if (ioctl(fd, KS_IOCTL_RESET_STATE, &how))
		return -errno;
	how = KSRESET_END;
	return ioctl(fd, KS_IOCTL_RESET_STATE, &how) ? -errno : 0;
}

/* STOP, which empties the queue and restarts its positions, then RUN. */
static int restart(int fd)
{
	int err = ks_pin_set_state(fd, KSSTATE_STOP);

	return err ? err : ks_pin_set_state(fd, KSSTATE_RUN);
}

/* Resets and state changes on the chain's pins, as fast as they go. */
static void *disturber_run(void *arg)
{
	struct disturber *d = arg;
	struct chain *c = d->c;
	const struct {
		int (*fn)(int fd);
		int fd;
	} acts[] = {
		{ reset, c->gen_out }, { reset, c->gain_in },
		{ reset, c->gain_out }, { reset, c->render },
		{ restart, c->gen_out }, { restart, c->gain_out },
	};
	int err = 0;

	while (!atomic_load(&d->stop) && !err) {
		unsigned int i = d->rounds++ % ARRAY_SIZE(acts);

		err = acts[i].fn(acts[i].fd);
		usleep(2000);
	}
	d->err = err;
	return NULL;
}

/*
 * Resets, STOP and RUN on every pin of a flowing chain, as fast as they
 * go, while its reader reads: whole frames all along, the chain flows
 * again once they stop, and every queue's counts balance.
 */
TEST_F_TIMEOUT(graph, chain_resets_and_stops_while_flowing, 120)
{
	struct disturber d = { 0 };
	static uint8_t buf[CHUNK];
	struct checker ck;
	pthread_t thread;
	struct chain c;
	long long got;
	double end;
	ssize_t n;

	chain_flowing(_metadata, self, &c, &ck, 64 * 1024);
	d.c = &c;
	ASSERT_EQ(0, pthread_create(&thread, NULL, disturber_run, &d));
	end = now_ms() + 1500;
	for (got = 0; now_ms() < end; got += n) {
		n = read_wait(c.capture, buf, sizeof(buf), WAIT_MS);
		if (n < 0 || n % FRAME)
			break;
	}
	atomic_store(&d.stop, true);
	pthread_join(thread, NULL);
	ASSERT_LE(0, n) TH_LOG("read: %s", strerror((int)-n));
	EXPECT_EQ(0, n % FRAME);
	EXPECT_EQ(0, d.err) TH_LOG("%s", strerror(-d.err));
	EXPECT_LT(5, d.rounds);
	/* Flowing again: whatever the resets left, then whole frames. */
	for (got = 0; got < 256 * 1024; got += n) {
		n = read_wait(c.capture, buf, sizeof(buf), WAIT_MS);
		ASSERT_LT(0, n) TH_LOG("after %lld bytes: %s", got,
				       n ? strerror((int)-n) : "end");
		ASSERT_EQ(0, n % FRAME);
	}
	/* Held still, every queue's counts balance. */
	ASSERT_EQ(0, ks_pin_set_state(c.gen_out, KSSTATE_PAUSE));
	ASSERT_EQ(0, ks_pin_set_state(c.gain_out, KSSTATE_PAUSE));
	usleep(100 * 1000);
	expect_counts_balance(_metadata, c.gen_out, "ks-gen Out");
	expect_counts_balance(_metadata, c.gain_in, "ks-gain In");
	expect_counts_balance(_metadata, c.gain_out, "ks-gain Out");
	expect_counts_balance(_metadata, c.render, "Render");
	expect_counts_balance(_metadata, c.capture, "Capture");
}

/*
 * What a user wrote into a sink pin before it was connected is its
 * provider's first: Capture reads it, then the chain's stream from its
 * first frame, byte-exact.
 */
TEST_F_TIMEOUT(graph, sink_data_written_before_connection_comes_first, 120)
{
	static uint8_t early[16 * 1024], buf[sizeof(early)];
	struct checker ck;
	struct chain c;
	unsigned int i;
	long long n;
	ssize_t got;

	for (i = 0; i < sizeof(early); i++)
		early[i] = (uint8_t)(i * 7 + 1);
	c.capture = lb_capture(self);
	ASSERT_LE(0, c.capture);
	ASSERT_EQ(0, ks_pin_set_state(c.capture, KSSTATE_RUN));
	c.render = lb_render(self, 0);
	ASSERT_LE(0, c.render);
	/* PAUSE: Render queues what it is given, ks-loopback moves nothing. */
	ASSERT_EQ(0, ks_pin_set_state(c.render, KSSTATE_PAUSE));
	ASSERT_EQ((ssize_t)sizeof(early), wr(c.render, early, sizeof(early)));
	c.gain_out = gain_out(self, self->gain, c.render);
	ASSERT_LE(0, c.gain_out);
	c.gain_in = gain_in(self, self->gain, 0);
	ASSERT_LE(0, c.gain_in);
	c.gen_out = gen_out(self, c.gain_in);
	ASSERT_LE(0, c.gen_out);
	ASSERT_EQ(0, run_all((int[]){ c.render, c.gain_out, c.gain_in,
				      c.gen_out }, 4));
	for (got = 0; got < (ssize_t)sizeof(buf); got += n) {
		n = read_wait(c.capture, buf + got, sizeof(buf) - got, WAIT_MS);
		ASSERT_LT(0, n) TH_LOG("Capture: %s", err_str(n));
	}
	EXPECT_EQ(0, memcmp(early, buf, sizeof(early)));
	checker_init(&ck, 0, self->percent);
	n = read_checked(c.capture, &ck, 64 * 1024, NULL);
	EXPECT_EQ(64 * 1024, n) TH_LOG("%s", err_str(n));
	EXPECT_EXACT(&ck);
}

#define NULL_SINK_NAME	"ks-null-sink"
#define NULL_SINK_MOD	"ks_null_sink"
#define NULL_SINK_BYTES	"/sys/module/ks_null_sink/parameters/bytes"

/* Write all of @len bytes to the non-blocking @fd; 0 or -errno. */
static int write_all_nb(int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = wr(fd, buf + done, len - done);
		if (n == -EAGAIN) {
			if (poll_events(fd, POLLOUT, WAIT_MS) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (n <= 0)
			return n < 0 ? (int)n : -EIO;
		done += n;
	}
	return 0;
}

/*
 * The pull direction: ks-null-sink's Render (IN BOTH) created with
 * pin_to_handle naming ks-loopback's Capture (OUT SINK) takes what
 * Capture holds, straight from Capture's queue, and discards it, byte for
 * byte what was played into ks-loopback's Render.  Closing it leaves
 * Capture an ordinary pin with the end of stream to read.
 */
TEST_F_TIMEOUT(graph, pull_in_source_takes_from_out_sink, 120)
{
	static uint8_t buf[48 * 1024];
	int ns, capture, render, pin;
	char v[128];
	uint32_t size;
	long before;

	ASSERT_SAMPLE(chain_index(NULL_SINK_NAME, "ks-null-sink.ko", ""));
	ns = open_filter(ks_find_filter(NULL_SINK_NAME), O_RDWR);
	ASSERT_LE(0, ns);
	capture = lb_capture(self);
	ASSERT_LE(0, capture);
	size = req_pcm(self, 0, false, 48000, 2);
	pin = create(self, ns, size, KS_GENERIC_WRITE, capture);
	ASSERT_LE(0, pin) TH_LOG("ks-null-sink Render -> Capture: %s, reason %s",
				 strerror(-pin), reason_name(self->reason));
	EXPECT_REASON(KS_REASON_NONE);
	ASSERT_EQ(0, fdinfo_value(pin, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("source", v);
	ASSERT_EQ(0, fdinfo_value(capture, "ks-connection", v, sizeof(v)));
	EXPECT_STREQ("sink", v);
	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	before = read_number(NULL_SINK_BYTES);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, run_all((int[]){ capture, pin, render }, 3));
	/* Capture's reader is the connection. */
	EXPECT_EQ(-EISCONN, rd(capture, buf, 4096));
	memset(buf, 0x5a, sizeof(buf));
	ASSERT_EQ(0, write_all_nb(render, buf, sizeof(buf)));
	EXPECT_EQ(before + (long)sizeof(buf),
		  wait_value(read_number, NULL_SINK_BYTES,
			     before + (long)sizeof(buf), WAIT_MS));
	EXPECT_EQ((long long)sizeof(buf), fdinfo_number(pin, "ks-link-bytes"));
	EXPECT_EQ((long long)sizeof(buf), fdinfo_number(pin, "ks-bytes-in"));
	EXPECT_EQ(0, fdinfo_number(capture, "ks-queued"));

	close_pin(self, &pin);
	EXPECT_FALSE(has_peer(capture));
	EXPECT_EQ(0, rd(capture, buf, 4096)) TH_LOG("no end of stream at Capture");
	close_pin(self, &render);
	close_pin(self, &capture);
	close_fd(&ns);
	EXPECT_EQ(0, unload_module_wait(NULL_SINK_MOD));
}

/* ==== disconnecting while streaming ==== */

/* Closing the generator: Capture gets what was in flight, then the end. */
TEST_F_TIMEOUT(graph, close_source_end_eos_reaches_capture, 120)
{
	struct checker ck;
	struct chain c;
	long long n;

	chain_flowing(_metadata, self, &c, &ck, 64 * 1024);
	close_pin(self, &c.gen_out);
	/* gain In is an ordinary pin now. */
	EXPECT_FALSE(has_peer(c.gain_in));
	n = read_to_end(c.capture, &ck, 64ull << 20);
	EXPECT_LE(0, n) TH_LOG("no end of stream at Capture: %s after %llu "
			       "more bytes", err_str(n),
			       (unsigned long long)ck.bytes - 64 * 1024);
	EXPECT_EXACT(&ck);
	/* The second connection is untouched. */
	EXPECT_TRUE(has_peer(c.gain_out));
	EXPECT_TRUE(has_peer(c.render));
}

/*
 * From @fd (ks-gain Out once disconnected) read until an end or @limit
 * bytes; the frames must continue the generator's stream from some frame
 * at or after @from.  Returns the bytes read or -errno; *@eos.
 */
static long long read_resync(int fd, uint64_t from, unsigned int percent,
			     uint64_t limit, bool *eos, struct checker *ck)
{
	static uint8_t buf[CHUNK];
	uint64_t got = 0, f;
	bool synced = false;

	checker_init(ck, 0, percent);
	*eos = false;
	while (got < limit) {
		ssize_t n = read_wait(fd, buf, CHUNK, WAIT_MS);

		if (n < 0)
			return n;
		if (n == 0) {
			*eos = true;
			break;
		}
		if (!synced && n >= 8 * FRAME) {
			/* The sample pattern repeats after 65536 frames. */
			for (f = from; f < from + 65536; f++) {
				checker_init(ck, f, percent);
				if (check_frames(ck, buf, 8 * FRAME))
					break;
			}
			checker_init(ck, f, percent);
			synced = true;
		}
		if (synced && !check_frames(ck, buf, n))
			return -EILSEQ;
		got += n;
	}
	return got;
}

/*
 * Closing Render, the sink end: ks-gain Out becomes an ordinary pin that
 * can be read (its queued data, then the end mark; the gain may go on
 * producing after it), and Capture keeps what reached it.
 */
TEST_F_TIMEOUT(graph, close_sink_end_gain_out_becomes_ordinary, 120)
{
	struct checker ck, ck_out;
	struct chain c;
	long long n;
	bool eos;

	chain_flowing(_metadata, self, &c, &ck, 64 * 1024);
	close_pin(self, &c.render);
	EXPECT_FALSE(has_peer(c.gain_out));

	/* Capture: what reached it, exact; then nothing or an end. */
	n = read_checked(c.capture, &ck, 64ull << 20, &eos);
	EXPECT_TRUE(n == -ETIMEDOUT || (n >= 0 && eos))
		TH_LOG("Capture after Render closed: %s", err_str(n));
	EXPECT_EXACT(&ck);

	/* gain Out: readable, no EISCONN, no hang. */
	n = read_resync(c.gain_out, ck.frame, self->percent, 1 << 20, &eos,
			&ck_out);
	EXPECT_LE(0, n) TH_LOG("ks-gain Out: %s", err_str(n));
	EXPECT_EXACT(&ck_out);
	TH_LOG("ks-gain Out gave %lld bytes, %s", n, eos ? "then its end" :
	       "no end yet");
	/* The generator side still stands. */
	EXPECT_TRUE(has_peer(c.gen_out));
	EXPECT_TRUE(has_peer(c.gain_in));
}

/* Closing ks-gain In, the middle: the end travels on to Capture. */
TEST_F_TIMEOUT(graph, close_middle_eos_reaches_capture, 120)
{
	uint8_t buf[64 * FRAME];
	struct checker ck;
	struct chain c;
	long long n;

	chain_flowing(_metadata, self, &c, &ck, 64 * 1024);
	close_pin(self, &c.gain_in);
	n = read_to_end(c.capture, &ck, 64ull << 20);
	EXPECT_LE(0, n) TH_LOG("no end of stream at Capture: %s", err_str(n));
	EXPECT_EXACT(&ck);
	/* ks-gen Out is an ordinary pin: its data or its end mark. */
	EXPECT_FALSE(has_peer(c.gen_out));
	n = read_wait(c.gen_out, buf, sizeof(buf), WAIT_MS);
	EXPECT_LE(0, n) TH_LOG("ks-gen Out: %s", err_str(n));
}

/* ==== provider modules while connected ==== */

TEST_F_TIMEOUT(graph, unload_module_in_chain_refused_then_allowed, 120)
{
	struct checker ck;
	struct chain c;
	long long n;
	int ret, i;

	ASSERT_EQ(0, access("/sys/module/" GAIN_MODNAME "/initstate", F_OK))
		TH_LOG(GAIN_MODNAME " is built in");
	chain_flowing(_metadata, self, &c, &ck, 64 * 1024);

	/* Only the pin fds hold the modules: the filter fds go first. */
	close_fd(&self->gain);
	close_fd(&self->gain1);
	close_fd(&self->gen);
	ret = unload_module(GAIN_MODNAME);
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("delete_module(ks_gain): %s", strerror(-ret));
	ret = unload_module(GEN_MODNAME);
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("delete_module(ks_gen): %s", strerror(-ret));
	if (!access("/sys/module/" GAIN_MODNAME, F_OK)) {
		/* Still streaming, still exact. */
		n = read_checked(c.capture, &ck, 128 * 1024, NULL);
		EXPECT_EQ(128 * 1024, n) TH_LOG("%s", err_str(n));
		EXPECT_EXACT(&ck);
	}

	for (i = 0; i < MAX_FDS; i++)
		close_fd(&self->fds[i]);
	EXPECT_EQ(0, unload_module_wait(GAIN_MODNAME));
	EXPECT_EQ(0, unload_module_wait(GEN_MODNAME));
	EXPECT_EQ(0, load_module("ks-gen.ko", ""));
	EXPECT_EQ(0, load_module("ks-gain.ko", "filters=2"));
	EXPECT_LE(0, ks_find_filter(GEN_NAME));
	EXPECT_LE(0, ks_find_filter(GAIN_NAME));
}

/* ==== two chains at once ==== */

/*
 * ks-gen -> ks-gain -> ks-loopback, read at Capture, and ks-gen (a second
 * Out) -> ks-gain-1, read at ks-gain-1's Out; both exact, read in turns.
 */
TEST_F_TIMEOUT(graph, two_chains_concurrently_byte_exact, 180)
{
	struct checker ck[2];
	struct pollfd p[2];
	int gi1, go1, g2;
	uint64_t want = SECOND;
	static uint8_t buf[CHUNK];
	double deadline;
	struct chain c;
	int i;

	ASSERT_LE(0, self->gain1)
		TH_LOG("no " GAIN1_NAME " (ks-gain loaded with filters=1?)");
	chain_start(_metadata, self, &c);
	go1 = gain_out(self, self->gain1, 0);
	ASSERT_LE(0, go1) TH_LOG("ks-gain-1 Out: %s", strerror(-go1));
	gi1 = gain_in(self, self->gain1, 0);
	ASSERT_LE(0, gi1);
	g2 = gen_out(self, gi1);
	ASSERT_LE(0, g2) TH_LOG("second ks-gen Out: %s, reason %s",
				strerror(-g2), reason_name(self->reason));
	ASSERT_EQ(0, run_all((int[]){ go1, gi1, g2 }, 3));

	checker_init(&ck[0], 0, self->percent);
	checker_init(&ck[1], 0, self->percent);
	p[0] = (struct pollfd){ .fd = c.capture, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = go1, .events = POLLIN };
	deadline = now_ms() + WAIT_MS;
	while (ck[0].bytes < want || ck[1].bytes < want) {
		bool moved = false;

		for (i = 0; i < 2; i++) {
			size_t len = want - ck[i].bytes;
			ssize_t n;

			if (!len)
				continue;
			n = rd(p[i].fd, buf, len < CHUNK ? len : CHUNK);
			if (n == -EAGAIN)
				continue;
			ASSERT_LT(0, n) TH_LOG("chain %d: %s", i, err_str(n));
			ASSERT_EQ(0, n % FRAME);
			if (!check_frames(&ck[i], buf, n))
				break;
			moved = true;
		}
		if (ck[0].bad || ck[1].bad)
			break;
		if (moved) {
			deadline = now_ms() + WAIT_MS;
			continue;
		}
		ASSERT_LT(now_ms(), deadline)
			TH_LOG("no data for %d ms: chain 0 at %llu, chain 1 at %llu",
			       WAIT_MS, (unsigned long long)ck[0].bytes,
			       (unsigned long long)ck[1].bytes);
		p[0].events = ck[0].bytes < want ? POLLIN : 0;
		p[1].events = ck[1].bytes < want ? POLLIN : 0;
		poll(p, 2, 100);
	}
	EXPECT_EXACT(&ck[0]);
	EXPECT_EXACT(&ck[1]);
	EXPECT_EQ(want, ck[0].bytes);
	EXPECT_EQ(want, ck[1].bytes);
}

/* ==== ksctl graph ==== */

/*
 * `ksctl graph` lists the chain's potential connections, the physical one
 * marked; `--connect --verify` builds the chain along its mediums and
 * checks every sample read at its end; a bad count is refused with exit
 * status 2.  Everything ksctl made is gone when it exits (teardown).
 */
TEST_F_TIMEOUT(graph, ksctl_graph_lists_and_connects_the_chain, 120)
{
	static char out[1 << 16];

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_EQ(0, run_ksctl("graph", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, GEN_NAME ":0 Out")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, GAIN_NAME ":0 In")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "physical")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_ksctl("graph --json", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"filter\": \"" GEN_NAME "\""));

	ASSERT_EQ(0, run_ksctl("graph --connect --frames 48000 --verify "
			       "-o /dev/null", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "every sample as expected")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "connected " GEN_NAME ":0 Out -> "
			       GAIN_NAME ":0 In")) TH_LOG("%s", out);

	EXPECT_EQ(2, run_ksctl("graph --connect --frames 0", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "bad frame count")) TH_LOG("%s", out);
}

/* --buffer sizes every pin of the chain; the kernel's range holds. */
TEST_F_TIMEOUT(graph, ksctl_graph_connect_with_deep_buffers, 120)
{
	static char out[1 << 16];

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_EQ(0, run_ksctl("graph --connect --buffer 1M --frames 480000 "
			       "--verify -o /dev/null", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "every sample as expected")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "buffer 1048576 bytes")) TH_LOG("%s", out);

	/* Beyond 4 MiB: refused by the kernel, at the first pin. */
	EXPECT_NE(0, run_ksctl("graph --connect --buffer 4097K --frames 48",
			       out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "64 KiB to 4 MiB")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "connected ")) TH_LOG("%s", out);
	/* And the chain can be built again: nothing was left connected. */
	ASSERT_EQ(0, run_ksctl("graph --connect --frames 4800 --verify "
			       "-o /dev/null", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "buffer 65536 bytes")) TH_LOG("%s", out);

	EXPECT_EQ(2, run_ksctl("graph --connect --buffer 1X", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "bad buffer size")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_ksctl("graph --buffer 1M", out, sizeof(out)));
}

/* Does `dot` (Graphviz) take @text?  1 yes, 0 no, -1 no dot here. */
static int dot_accepts(const char *text)
{
	const char *dot = NULL;
	FILE *f;

	if (!access("/usr/bin/dot", X_OK))
		dot = "/usr/bin/dot -Tsvg -o /dev/null";
	else if (!access("/usr/local/bin/dot", X_OK))
		dot = "/usr/local/bin/dot -Tsvg -o /dev/null";
	if (!dot)
		return -1;
	f = popen(dot, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return pclose(f) == 0;
}

/* Braces and brackets balance outside quoted strings, quotes close. */
static bool dot_balanced(const char *s)
{
	int braces = 0, brackets = 0;
	bool quoted = false;

	for (; *s; s++) {
		if (quoted) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quoted = false;
			continue;
		}
		switch (*s) {
		case '"': quoted = true; break;
		case '{': braces++; break;
		case '}': if (--braces < 0) return false; break;
		case '[': brackets++; break;
		case ']': if (--brackets < 0) return false; break;
		}
	}
	return !quoted && !braces && !brackets;
}

/*
 * `ksctl graph --dot`: a digraph with a cluster per registered filter,
 * labelled with its name and device; the chain's physical connection
 * solid and its potential ones dashed; the same text twice; valid DOT
 * (Graphviz accepts it where installed, else it balances).
 */
TEST_F_TIMEOUT(graph, ksctl_graph_dot_clusters_and_edges, 120)
{
	static char out[1 << 16], again[1 << 16];
	unsigned int idx[64];
	char want[256], name[128];
	int n, i, gen, gain, lb, clusters = 0;
	const char *p;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_EQ(0, run_ksctl("graph --dot", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "digraph", 7)) TH_LOG("%s", out);
	n = ks_list_filters(idx, 64);
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, ks_filter_name(idx[i], name, sizeof(name)));
		snprintf(want, sizeof(want),
			 "subgraph cluster_f%u {\n    label=\"%s\\n/dev/ksfilter%u\";",
			 idx[i], name, idx[i]);
		EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	}
	for (p = out; (p = strstr(p, "subgraph cluster_")); p++)
		clusters++;
	EXPECT_EQ(n, clusters);

	gen = ks_find_filter(GEN_NAME);
	gain = ks_find_filter(GAIN_NAME);
	lb = ks_find_filter(LOOPBACK_NAME);
	/* ks-gain Out => ks-loopback Render: physical, solid. */
	snprintf(want, sizeof(want), "f%dp1 -> f%dp0 [label=\"physical\"];", gain, lb);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	/* ks-gen Out -> ks-gain In: potential, dashed. */
	snprintf(want, sizeof(want),
		 "f%dp0 -> f%dp0 [style=dashed, label=\"can connect\"];", gen, gain);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	snprintf(want, sizeof(want), "f%dp0 [shape=box, label=\"0 Out\\nOUT both\"];", gen);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);

	EXPECT_TRUE(dot_balanced(out)) TH_LOG("%s", out);
	i = dot_accepts(out);
	if (i >= 0)
		EXPECT_EQ(1, i) TH_LOG("dot -Tsvg refused:\n%s", out);

	/* Deterministic. */
	ASSERT_EQ(0, run_ksctl("graph --dot", again, sizeof(again)));
	EXPECT_STREQ(out, again);

	EXPECT_EQ(2, run_ksctl("graph --dot --json", out, sizeof(out)));
	EXPECT_EQ(2, run_ksctl("graph --dot --connect", out, sizeof(out)));
}

/*
 * ks-gain's topology: node 0 a KSNODETYPE_VOLUME named "Volume", 8
 * channels of -96..+12 dB in steps of 1/65536 dB, between filter pin 0
 * (In) and filter pin 1 (Out): `ksctl topology` and `ksctl graph --dot`
 * show it, `ksctl control` reads and sets it (rounded, clamped).  Every
 * channel's volume is back at what it was at the end.
 */
TEST_F_TIMEOUT(graph, ksctl_topology_and_control_of_gain_volume, 120)
{
	static char out[1 << 16];
	char want[256];
	int32_t v = 1, saved[8];
	int gain = ks_find_filter(GAIN_NAME);
	unsigned int ch;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	for (ch = 0; ch < 8; ch++)
		ASSERT_EQ(0, ks_node_get(self->gain, 0,
					 KSPROPERTY_AUDIO_VOLUMELEVEL, ch,
					 &saved[ch]))
			TH_LOG("ks-gain has no volume node 0 with 8 channels");
	ASSERT_EQ(0, run_ksctl("topology ks-gain", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "1 node, 2 connections")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node 0: VOLUME \"Volume\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "volume: 8 channels, range -96.00..+12.00 dB, "
			       "step 0.0000153 dB")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "pin 0 (In) -> node 0 (Volume) pin 1"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node 0 (Volume) pin 0 -> pin 1 (Out)"))
		TH_LOG("%s", out);

	ASSERT_EQ(0, run_ksctl("topology --json ks-gain", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"type_name\": \"VOLUME\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"name\": \"KSNODETYPE_VOLUME\""));
	EXPECT_NE(NULL, strstr(out, "\"control\": \"volume\""));
	EXPECT_NE(NULL, strstr(out, "\"channels\": 8"));
	EXPECT_NE(NULL, strstr(out, "\"minimum\": -6291456"));
	EXPECT_NE(NULL, strstr(out, "\"maximum\": 786432"));

	ASSERT_EQ(0, run_ksctl("graph --dot", out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "f%dn0 [shape=ellipse, label=\"node 0: VOLUME\\nVolume\"];", gain);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	snprintf(want, sizeof(want), "f%dp0 -> f%dn0 [headlabel=\"1\"];", gain, gain);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	snprintf(want, sizeof(want), "f%dn0 -> f%dp1 [taillabel=\"0\"];", gain, gain);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);

	/* Read: the range and every channel. */
	ASSERT_EQ(0, run_ksctl("control ks-gain volume", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "ks-gain node 0 (Volume) volume, 8 channels: "
			       "range -96.00..+12.00 dB, step 0.0000153 dB"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "channel 7: ")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "channel 8")) TH_LOG("%s", out);

	/* Set every channel: -6.0206 dB is -394566 in 1/65536 dB. */
	ASSERT_EQ(0, run_ksctl("control ks-gain volume -6.0206dB", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "channel 7: -6.02 dB")) TH_LOG("%s", out);
	ASSERT_EQ(0, ks_node_get(self->gain, 0, KSPROPERTY_AUDIO_VOLUMELEVEL, 5, &v));
	EXPECT_EQ(-394566, v);

	/* One channel, clamped to the range; the others keep theirs. */
	ASSERT_EQ(0, run_ksctl("control ks-gain --node 0 volume --channel 3 -- -200",
			       out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "channel 3: -96.00 dB")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_ksctl("control ks-gain volume --channel 2", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "channel 2: -6.02 dB")) TH_LOG("%s", out);

	/* Refusals: no channel 8, no node 1, no mute on the volume node. */
	EXPECT_EQ(1, run_ksctl("control ks-gain volume --channel 8 0", out,
			       sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "8 channels (0..7)")) TH_LOG("%s", out);
	EXPECT_EQ(1, run_ksctl("control ks-gain --node 1 volume", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "EINVAL")) TH_LOG("%s", out);
	EXPECT_EQ(1, run_ksctl("control ks-gain mute", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "has a mute control")) TH_LOG("%s", out);
	EXPECT_EQ(1, run_ksctl("control ks-gain --node 0 mute on", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "ENOENT")) TH_LOG("%s", out);

	/* Back as it was: the chain tests count on ks-gain's volume. */
	EXPECT_EQ(0, run_ksctl("control ks-gain volume 0", out, sizeof(out)))
		TH_LOG("%s", out);
	for (ch = 0; ch < 8; ch++) {
		EXPECT_EQ(0, ks_node_set(self->gain, 0,
					 KSPROPERTY_AUDIO_VOLUMELEVEL, ch,
					 saved[ch]));
		ASSERT_EQ(0, ks_node_get(self->gain, 0,
					 KSPROPERTY_AUDIO_VOLUMELEVEL, ch, &v));
		EXPECT_EQ(saved[ch], v);
	}
}

/* ==== ksctl events ==== */

/* `ksctl events` in the background, its output read while a test streams. */
struct ksctl_bg {
	FILE *f;
	char out[1 << 15];
	size_t n;
};

/*
 * Start "ksctl @args" and read its output up to the line with "in RUN":
 * the pin runs and its events are enabled.  0, or -1 when it ended first.
 */
static int bg_start(struct ksctl_bg *b, const char *args)
{
	char cmd[512];

	b->n = 0;
	b->out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1 </dev/null", ksctl_path(), args);
	b->f = popen(cmd, "r");
	if (!b->f)
		return -1;
	while (b->n + 1 < sizeof(b->out) &&
	       fgets(b->out + b->n, sizeof(b->out) - b->n, b->f)) {
		bool running = strstr(b->out + b->n, " in RUN ");

		b->n += strlen(b->out + b->n);
		if (running)
			return 0;
	}
	return -1;
}

/* The rest of its output, until it exits; its exit status or -1. */
static int bg_finish(struct ksctl_bg *b)
{
	size_t r;
	int st;

	while (b->n + 1 < sizeof(b->out) &&
	       (r = fread(b->out + b->n, 1, sizeof(b->out) - 1 - b->n,
			  b->f)) > 0)
		b->n += r;
	b->out[b->n] = '\0';
	st = pclose(b->f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The counts of the signal lines ("   0.342  POSITION 0   1") of @label. */
static unsigned long long signal_count(const char *out, const char *label)
{
	size_t len = strlen(label);
	unsigned long long sum = 0;
	const char *line, *eol, *p;

	for (line = out; *line; line = *eol ? eol + 1 : eol) {
		eol = strchrnul(line, '\n');
		p = line + strspn(line, " ");
		if (*p < '0' || *p > '9')
			continue;	/* not a signal: a header, the summary */
		p += strspn(p, "0123456789.");
		p += strspn(p, " ");
		if (!strncmp(p, label, len) && p[len] == ' ')
			sum += strtoull(p + len, NULL, 10);
	}
	return sum;
}

/* The pin's buffer from the header line ("buffer 65536 bytes"), or 0. */
static unsigned int header_buffer(const char *out)
{
	const char *p = strstr(out, ", buffer ");
	unsigned int size = 0;

	return p && sscanf(p, ", buffer %u bytes", &size) == 1 ? size : 0;
}

/* The bytes the summary says were read or written, or -1. */
static long long summary_bytes(const char *out)
{
	const char *p = strstr(out, "ksctl events: ");
	unsigned long long signals, bytes;
	double s;

	if (!p || sscanf(p, "ksctl events: %llu signals in %lf s, %llu bytes",
			 &signals, &s, &bytes) != 3)
		return -1;
	return bytes;
}

/* Write @len bytes of silence into the non-blocking @fd, waiting in poll(). */
static int write_silence(int fd, size_t len)
{
	static const uint8_t zero[CHUNK];

	while (len) {
		ssize_t n = wr(fd, zero, len < CHUNK ? len : CHUNK);

		if (n == -EAGAIN) {
			if (poll_events(fd, POLLOUT, WAIT_MS) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (n < 0)
			return n;
		len -= n;
	}
	return 0;
}

/* A packet with no data but ENDOFSTREAM: the end of what @fd was given. */
static int write_eos(int fd)
{
	struct ks_stream_header h = {
		.size = sizeof(h),
		.options_flags = KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM,
	};
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h,
		.in_size = sizeof(h),
	};

	return ioctl(fd, KS_IOCTL_WRITE_STREAM, &b) < 0 ? -errno : 0;
}

/*
 * Capture watched by `ksctl events --position 0` while the test plays
 * 256 KiB into Render: Capture's write offset passes 0 once per buffer,
 * and each pass is counted, so the counts add up to the bytes over the
 * buffer's size.  Without --eos, no ENDOFSTREAM line; it ends on time.
 */
TEST_F_TIMEOUT(graph, ksctl_events_capture_positions_while_render_plays, 120)
{
	const size_t bytes = 256 * 1024;
	struct ksctl_bg bg;
	unsigned int buffer;
	int render, st;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	render = lb_render(self, 0);
	ASSERT_LE(0, render) TH_LOG("Render: %s", strerror(-render));
	ASSERT_EQ(0, bg_start(&bg, "events " LOOPBACK_NAME
			      " --pin 1 --position 0 --seconds 1")) {
		bg_finish(&bg);
		TH_LOG("%s", bg.out);
	}
	EXPECT_EQ(0, ks_pin_set_state(render, KSSTATE_RUN));
	EXPECT_EQ(0, write_silence(render, bytes));
	st = bg_finish(&bg);
	ASSERT_EQ(0, st) TH_LOG("%s", bg.out);
	buffer = header_buffer(bg.out);
	ASSERT_LT(0, buffer) TH_LOG("%s", bg.out);
	EXPECT_EQ(bytes, summary_bytes(bg.out)) TH_LOG("%s", bg.out);
	EXPECT_EQ(bytes / buffer, signal_count(bg.out, "POSITION 0"))
		TH_LOG("%s", bg.out);
	EXPECT_EQ(0, signal_count(bg.out, "ENDOFSTREAM")) TH_LOG("%s", bg.out);
	EXPECT_NE(NULL, strstr(bg.out, "time up")) TH_LOG("%s", bg.out);
}

/*
 * --eos on Capture: Render's end of stream, once read, is signalled, and
 * ksctl stops there instead of running its 20 seconds.
 */
TEST_F_TIMEOUT(graph, ksctl_events_capture_eos_ends_the_watch, 120)
{
	struct ksctl_bg bg;
	double t0;
	int render;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	render = lb_render(self, 0);
	ASSERT_LE(0, render) TH_LOG("Render: %s", strerror(-render));
	ASSERT_EQ(0, bg_start(&bg, "events " LOOPBACK_NAME
			      " --pin 1 --eos --seconds 20")) {
		bg_finish(&bg);
		TH_LOG("%s", bg.out);
	}
	t0 = now_ms();
	EXPECT_EQ(0, ks_pin_set_state(render, KSSTATE_RUN));
	EXPECT_EQ(0, write_silence(render, SECOND));
	EXPECT_EQ(0, write_eos(render));
	ASSERT_EQ(0, bg_finish(&bg)) TH_LOG("%s", bg.out);
	EXPECT_GT(10000, now_ms() - t0) TH_LOG("%s", bg.out);
	EXPECT_EQ(1, signal_count(bg.out, "ENDOFSTREAM")) TH_LOG("%s", bg.out);
	EXPECT_EQ(SECOND, summary_bytes(bg.out)) TH_LOG("%s", bg.out);
	EXPECT_NE(NULL, strstr(bg.out, ", end of stream")) TH_LOG("%s", bg.out);
}

/* Capture read and thrown away by a thread, until its end of stream. */
struct drain {
	int fd;
	atomic_bool stop;
	atomic_bool done;
	bool eos;
	uint64_t bytes;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	uint8_t buf[CHUNK];

	while (!atomic_load(&d->stop)) {
		ssize_t n = read_wait(d->fd, buf, sizeof(buf), 100);

		if (n == -ETIMEDOUT)
			continue;
		if (n <= 0) {
			d->eos = n == 0;
			break;
		}
		d->bytes += n;
	}
	atomic_store(&d->done, true);
	return NULL;
}

/* Let the reader reach the end of what is queued (up to WAIT_MS), stop it. */
static void drain_stop(struct drain *d, pthread_t thread)
{
	double deadline = now_ms() + WAIT_MS;

	while (!atomic_load(&d->done) && now_ms() < deadline)
		usleep(10000);
	atomic_store(&d->stop, true);
	pthread_join(thread, NULL);
}

/*
 * Render watched by `ksctl events` (all three events by default) while a
 * thread reads Capture: ksctl writes a second of silence, then the end of
 * the stream; Render's play offset passes 0 once per buffer, its end is
 * signalled when ks-loopback moves it to Capture, whose reader sees it.
 * With --json and --oneshot, the same as one JSON document, each event
 * signalled once.
 */
TEST_F_TIMEOUT(graph, ksctl_events_render_silence_positions_and_eos, 120)
{
	static char out[1 << 15];
	struct drain d = { .fd = -1 };
	unsigned int buffer;
	long long written;
	pthread_t thread;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	d.fd = lb_capture(self);
	ASSERT_LE(0, d.fd) TH_LOG("Capture: %s", strerror(-d.fd));
	ASSERT_EQ(0, ks_pin_set_state(d.fd, KSSTATE_RUN));
	ASSERT_EQ(0, pthread_create(&thread, NULL, drain_main, &d));
	EXPECT_EQ(0, run_ksctl("events " LOOPBACK_NAME " --pin 0 --seconds 1",
			       out, sizeof(out))) TH_LOG("%s", out);
	drain_stop(&d, thread);
	EXPECT_TRUE(d.eos) TH_LOG("Capture read %llu bytes and no end",
				  (unsigned long long)d.bytes);
	buffer = header_buffer(out);
	written = summary_bytes(out);
	ASSERT_LT(0, buffer) TH_LOG("%s", out);
	/* A second of silence, paced, and up to 50 ms written ahead. */
	EXPECT_LE(SECOND, written) TH_LOG("%s", out);
	EXPECT_GE(SECOND + SECOND / 10, written) TH_LOG("%s", out);
	EXPECT_EQ(written, (long long)d.bytes) TH_LOG("%s", out);
	EXPECT_EQ(written / buffer, signal_count(out, "POSITION 0"))
		TH_LOG("%s", out);
	EXPECT_EQ(1, signal_count(out, "ENDOFSTREAM")) TH_LOG("%s", out);
	EXPECT_EQ(0, signal_count(out, "DATADISCONTINUITY")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, ", end of stream")) TH_LOG("%s", out);
	close_pin(self, &d.fd);

	d = (struct drain){ .fd = lb_capture(self) };
	ASSERT_LE(0, d.fd);
	ASSERT_EQ(0, ks_pin_set_state(d.fd, KSSTATE_RUN));
	ASSERT_EQ(0, pthread_create(&thread, NULL, drain_main, &d));
	EXPECT_EQ(0, run_ksctl("events " LOOPBACK_NAME " --pin 0 --eos "
			       "--position 0 --oneshot --seconds 1 --json",
			       out, sizeof(out))) TH_LOG("%s", out);
	drain_stop(&d, thread);
	EXPECT_NE(NULL, strstr(out, "\"oneshot\": true")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"event\": \"POSITION\",\n"
			       "      \"position\": 0\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"event\": \"ENDOFSTREAM\",\n"
			       "      \"count\": 1\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"event\": \"POSITION\",\n"
			       "      \"position\": 0,\n"
			       "      \"count\": 1\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"end\": \"end of stream\""))
		TH_LOG("%s", out);
}

/*
 * libks's event calls on Capture: a semaphore handle adds its adjustment
 * for a pass of the position, a ONESHOT ENDOFSTREAM is signalled once and
 * removes itself (ENOENT to disable it then), the same KSEVENTDATA twice
 * is EEXIST, a short one EOVERFLOW, and a disabled event is gone.
 */
TEST_F_TIMEOUT(graph, libks_events_semaphore_oneshot_and_disable, 60)
{
	static const struct ks_guid looped = KSEVENTSETID_LOOPEDSTREAMING;
	static const struct ks_guid conn = KSEVENTSETID_CONNECTION;
	struct ks_loopedstreaming_position_event_data pos;
	struct ks_event_data eos;
	struct ks_stream_buffer sb;
	int render, capture, efd_pos, efd_eos;
	uint64_t count = 0, bytes = 0;
	uint8_t buf[CHUNK];
	ssize_t n;

	render = lb_render(self, 0);
	capture = lb_capture(self);
	ASSERT_LE(0, render);
	ASSERT_LE(0, capture);
	ASSERT_EQ(0, ks_pin_get_buffer(capture, &sb));
	efd_pos = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	efd_eos = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd_pos);
	ASSERT_LE(0, efd_eos);
	ks_semaphore_init(&pos.event_data, efd_pos, 3);
	pos.position = 0;
	ks_event_init(&eos, efd_eos);
	EXPECT_EQ(-EOVERFLOW, ks_enable_event(capture, &looped,
					      KSEVENT_LOOPEDSTREAMING_POSITION,
					      KSEVENT_TYPE_ENABLE, &pos,
					      sizeof(eos)));
	EXPECT_EQ(EOVERFLOW, errno);
	ASSERT_EQ(0, ks_enable_event(capture, &looped,
				     KSEVENT_LOOPEDSTREAMING_POSITION,
				     KSEVENT_TYPE_ENABLE, &pos, sizeof(pos)));
	EXPECT_EQ(-EEXIST, ks_enable_event(capture, &looped,
					   KSEVENT_LOOPEDSTREAMING_POSITION,
					   KSEVENT_TYPE_ENABLE, &pos,
					   sizeof(pos)));
	ASSERT_EQ(0, ks_enable_event(capture, &conn,
				     KSEVENT_CONNECTION_ENDOFSTREAM,
				     KSEVENT_TYPE_ONESHOT, &eos, sizeof(eos)));
	ASSERT_EQ(0, ks_pin_set_state(capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(render, KSSTATE_RUN));
	/* A buffer and a half: both queues hold it, position 0 passed once. */
	EXPECT_EQ(0, write_silence(render, sb.size + sb.size / 2));
	EXPECT_EQ(0, write_eos(render));
	while ((n = read_wait(capture, buf, sizeof(buf), WAIT_MS)) > 0)
		bytes += n;
	EXPECT_EQ(0, n) TH_LOG("read: %s", strerror((int)-n));
	EXPECT_EQ(sb.size + sb.size / 2, bytes);
	EXPECT_EQ(sizeof(count), read(efd_pos, &count, sizeof(count)));
	EXPECT_EQ(3, count);
	EXPECT_EQ(sizeof(count), read(efd_eos, &count, sizeof(count)));
	EXPECT_EQ(1, count);
	EXPECT_EQ(-ENOENT, ks_disable_event(capture, &eos));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, ks_disable_event(capture, &pos));
	EXPECT_EQ(-ENOENT, ks_disable_event(capture, &pos));
	EXPECT_EQ(0, ks_disable_event(capture, NULL));
	close(efd_pos);
	close(efd_eos);
}

/* A position beyond the pin's buffer, and bad arguments, are refused. */
TEST_F_TIMEOUT(graph, ksctl_events_refusals, 60)
{
	static char out[1 << 14];

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	EXPECT_EQ(1, run_ksctl("events " LOOPBACK_NAME " --pin 1 "
			       "--position 1073741824 --seconds 1", out,
			       sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "beyond")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_ksctl("events " LOOPBACK_NAME " --seconds 0", out,
			       sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "bad seconds")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_ksctl("events " LOOPBACK_NAME " --position -1", out,
			       sizeof(out)));
	EXPECT_EQ(2, run_ksctl("events", out, sizeof(out)));
	EXPECT_EQ(1, run_ksctl("events " LOOPBACK_NAME " --pin 7", out,
			       sizeof(out)));
}

/* ==== ksctl on ks-audio: a card of two filters ==== */

#define AUDIO_WAVE0	AUDIO_WAVE_NAME "-0"
#define AUDIO_TOPO0	AUDIO_TOPO_NAME "-0"

/*
 * Load ks-audio (one card) unless a run loaded it already; the caller
 * unloads it with audio_unload() when it loaded it.  1 loaded here, 0 it
 * was there, -errno when it cannot be loaded.
 */
static int audio_load(void)
{
	int ret;

	if (ks_find_filter(AUDIO_WAVE0) >= 0)
		return 0;
	ret = load_sample("ks-audio.ko", "");
	if (ret < 0)
		return ret;
	if (ks_find_filter(AUDIO_WAVE0) >= 0 && ks_find_filter(AUDIO_TOPO0) >= 0)
		return 1;
	snprintf(ks_sample_why, sizeof(ks_sample_why),
		 "ks-audio.ko is loaded but registered no %s and %s",
		 AUDIO_WAVE0, AUDIO_TOPO0);
	return -ENODEV;
}

static void audio_unload(int loaded)
{
	if (loaded > 0)
		unload_module_wait(AUDIO_MODNAME);
}

/*
 * Every GUID ks-audio uses is shown by name: the filters' categories
 * (AUDIO, RENDER, CAPTURE, TOPOLOGY), the pins' (RENDER, CAPTURE and the
 * connector types), the bridge pins' ANALOG range, and the node types
 * (DAC, ADC, VOLUME, MUTE, SUM, MUX); no GUID is printed as hex.
 */
TEST_F_TIMEOUT(graph, ksctl_names_every_guid_of_the_audio_card, 120)
{
	static char out[1 << 17];
	static const char *const list_want[] = {
		"categories: AUDIO, RENDER, CAPTURE",
		"categories: AUDIO, TOPOLOGY",
		"\"Render\"   in   sink    instances 0/1, necessary 0  category RENDER",
		"category CAPTURE",
		"\"Wave Out\" out  bridge  instances 0/0, necessary 0  category "
		"KSNODETYPE_LEGACY_AUDIO_CONNECTOR",
		"category KSNODETYPE_MICROPHONE",
		"category KSNODETYPE_LINE_CONNECTOR",
		"category KSNODETYPE_SPEAKER",
		"ranges      AUDIO/ANALOG/NONE",
	};
	static const char *const topo_want[] = {
		"node 0: VOLUME \"Wave Volume\"",
		"node 1: MUTE \"Wave Mute\"",
		"node 6: SUM \"Sum\"",
		"node 12: MUX \"Capture Source\"",
	};
	size_t i;
	int loaded = audio_load();

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_SAMPLE(loaded);
	ASSERT_EQ(0, run_ksctl("list " AUDIO_WAVE0 " " AUDIO_TOPO0, out,
			       sizeof(out))) TH_LOG("%s", out);
	for (i = 0; i < ARRAY_SIZE(list_want); i++)
		EXPECT_NE(NULL, strstr(out, list_want[i]))
			TH_LOG("line %zu of list_want not in:\n%s", i, out);
	/* KSCATEGORY_TOPOLOGY and KSDATAFORMAT_SUBTYPE_ANALOG as hex. */
	EXPECT_EQ(NULL, strstr(out, "DDA54A40")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "6DBA3190")) TH_LOG("%s", out);

	ASSERT_EQ(0, run_ksctl("list --json " AUDIO_TOPO0, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"KSCATEGORY_TOPOLOGY\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"KSNODETYPE_SPEAKER\"")) TH_LOG("%s", out);

	ASSERT_EQ(0, run_ksctl("topology " AUDIO_TOPO0, out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "14 nodes, 20 connections")) TH_LOG("%s", out);
	for (i = 0; i < ARRAY_SIZE(topo_want); i++)
		EXPECT_NE(NULL, strstr(out, topo_want[i]))
			TH_LOG("line %zu of topo_want not in:\n%s", i, out);
	ASSERT_EQ(0, run_ksctl("topology " AUDIO_WAVE0, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "node 0: DAC \"DAC\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node 1: ADC \"ADC\"")) TH_LOG("%s", out);
	ASSERT_EQ(0, run_ksctl("topology --json " AUDIO_TOPO0, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"name\": \"KSNODETYPE_MUX\""));
	EXPECT_NE(NULL, strstr(out, "\"name\": \"KSNODETYPE_SUM\""));
	audio_unload(loaded);
}

/*
 * `ksctl graph` and `graph --dot` draw the card: both filters and the two
 * wires between them, each from its OUT end (wave "Wave Out" => topo
 * "Wave", topo "Capture" => wave "Capture In"), solid and marked bridge.
 */
TEST_F_TIMEOUT(graph, ksctl_graph_draws_the_audio_card_wires, 120)
{
	static char out[1 << 17];
	char want[256];
	int wave, topo, i, loaded = audio_load();

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_SAMPLE(loaded);
	wave = ks_find_filter(AUDIO_WAVE0);
	topo = ks_find_filter(AUDIO_TOPO0);
	ASSERT_EQ(0, run_ksctl("graph", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, AUDIO_WAVE0 ":1 Wave Out => " AUDIO_TOPO0
			       ":0 Wave (physical, bridge to bridge)"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, AUDIO_TOPO0 ":4 Capture => " AUDIO_WAVE0
			       ":2 Capture In (physical, bridge to bridge)"))
		TH_LOG("%s", out);

	ASSERT_EQ(0, run_ksctl("graph --dot", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "subgraph cluster_f%d {\n    label=\"%s\\n",
		 wave, AUDIO_WAVE0);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	snprintf(want, sizeof(want), "subgraph cluster_f%d {\n    label=\"%s\\n",
		 topo, AUDIO_TOPO0);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	snprintf(want, sizeof(want), "f%dp%d -> f%dp%d [label=\"physical (bridge)\"];",
		 wave, AUDIO_WAVE_PIN_WAVE_OUT, topo, AUDIO_TOPO_PIN_WAVE);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	snprintf(want, sizeof(want), "f%dp%d -> f%dp%d [label=\"physical (bridge)\"];",
		 topo, AUDIO_TOPO_PIN_CAPTURE, wave, AUDIO_WAVE_PIN_CAPTURE_IN);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	snprintf(want, sizeof(want), "f%dn%d [shape=ellipse, label=\"node 12: MUX\\n"
		 "Capture Source\"];", topo, AUDIO_TOPO_NODE_MUX);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s not in:\n%s", want, out);
	EXPECT_TRUE(dot_balanced(out)) TH_LOG("%s", out);
	i = dot_accepts(out);
	if (i >= 0)
		EXPECT_EQ(1, i) TH_LOG("dot -Tsvg refused:\n%s", out);

	ASSERT_EQ(0, run_ksctl("graph --json", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"bridge\": true")) TH_LOG("%s", out);
	audio_unload(loaded);
}

/*
 * `ksctl control` on the card's topology filter: Master Volume (node 7)
 * to -12 dB, Master Mute (node 8) on, the Capture Source mux (node 12) to
 * 2 (what you hear), each read back through the property; and `ksctl
 * record` without --pin takes Capture (pin 3), not the Wave Out bridge.
 */
TEST_F_TIMEOUT(graph, ksctl_controls_the_audio_card, 120)
{
	static char out[1 << 16];
	int topo, loaded = audio_load();
	int32_t v = 1;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_SAMPLE(loaded);
	topo = open_filter(ks_find_filter(AUDIO_TOPO0), O_RDWR);
	ASSERT_LE(0, topo);

	ASSERT_EQ(0, run_ksctl("control " AUDIO_TOPO0 " --node 7 volume -12",
			       out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node 7 (Master Volume) volume (all channels) "
			       "set to -12.00 dB")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "channel 1: -12.00 dB")) TH_LOG("%s", out);
	ASSERT_EQ(0, ks_node_get(topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				 KSPROPERTY_AUDIO_VOLUMELEVEL, 1, &v));
	EXPECT_EQ(-12 * 65536, v);

	ASSERT_EQ(0, run_ksctl("control " AUDIO_TOPO0 " --node 8 mute on",
			       out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node 8 (Master Mute) mute")) TH_LOG("%s", out);
	ASSERT_EQ(0, ks_node_get(topo, AUDIO_TOPO_NODE_MASTER_MUTE,
				 KSPROPERTY_AUDIO_MUTE, 0, &v));
	EXPECT_EQ(1, v);

	/* The mux is the card's only one: no --node needed. */
	ASSERT_EQ(0, run_ksctl("control " AUDIO_TOPO0 " mux 2", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "node 12 (Capture Source) mux set to input 2"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, ks_node_get(topo, AUDIO_TOPO_NODE_MUX,
				 KSPROPERTY_AUDIO_MUX_SOURCE, 0, &v));
	EXPECT_EQ(AUDIO_MUX_MIX, v);
	EXPECT_EQ(1, run_ksctl("control " AUDIO_TOPO0 " mux 3", out, sizeof(out)))
		TH_LOG("%s", out);

	ASSERT_EQ(0, run_ksctl("record " AUDIO_WAVE0 " --frames 480 -o /dev/null",
			       out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "pin 3")) TH_LOG("%s", out);

	/* Back to the values at load. */
	EXPECT_EQ(0, run_ksctl("control " AUDIO_TOPO0 " --node 7 volume 0", out,
			       sizeof(out)));
	EXPECT_EQ(0, run_ksctl("control " AUDIO_TOPO0 " --node 8 mute off", out,
			       sizeof(out)));
	EXPECT_EQ(0, run_ksctl("control " AUDIO_TOPO0 " mux 0", out, sizeof(out)));
	close_fd(&topo);
	audio_unload(loaded);
}

/* ==== WaveRT and clocks: libks and ksctl ==== */

#define RT_FILE		"/tmp/ks-wavert.raw"
#define RT_OUT		"/tmp/ks-wavert-out.raw"
/* A paced peer reads or writes at this many bytes per second (real time). */
#define RT_PACE		SECOND
#define RT_PIECE	4096u

/* The byte at running offset @o of the WaveRT tests' stream: never silence. */
static uint8_t rt_byte(uint64_t o)
{
	return (uint8_t)(((o / FRAME) * 7 + (o % FRAME) * 61 + (o >> 13)) | 1);
}

static void rt_fill(uint8_t *buf, uint64_t at, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = rt_byte(at + i);
}

/* The offset of the first byte of @buf that is not rt_byte(@at + i), or -1. */
static long long rt_diff(const uint8_t *buf, uint64_t at, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != rt_byte(at + i))
			return (long long)i;
	return -1;
}

static int rt_write_file(const char *path, size_t len)
{
	uint8_t *buf = malloc(len);
	int fd, ret = -1;

	if (!buf)
		return -1;
	rt_fill(buf, 0, len);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && write(fd, buf, len) == (ssize_t)len)
		ret = 0;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* A whole file, allocated; *@len its size.  NULL when it cannot be read. */
static uint8_t *rt_read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && (buf = malloc(st.st_size + 1)) &&
	    read(fd, buf, st.st_size) == st.st_size) {
		*len = st.st_size;
	} else {
		free(buf);
		buf = NULL;
	}
	close(fd);
	return buf;
}

/* A LOOPED_STREAMING ks-loopback pin, read-write (what WaveRT maps needs). */
static int lb_looped(FIXTURE_DATA(graph) *self, uint32_t pin)
{
	uint32_t size = req_pcm(self, pin, false, 48000, 2);

	self->req.c.interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	return create(self, self->lb, size, KS_GENERIC_READ | KS_GENERIC_WRITE,
		      0);
}

/*
 * A peer of a WaveRT pin, paced at RT_PACE in pieces of RT_PIECE bytes:
 * Capture read into got (want bytes), or Render written with rt_byte()s.
 */
struct rt_peer {
	int fd;
	bool write;
	uint8_t *got;
	size_t want;
	size_t done;
	int err;
	atomic_bool stop;
	atomic_bool finished;
};

static void *rt_peer_main(void *arg)
{
	struct rt_peer *p = arg;
	uint8_t piece[RT_PIECE];
	double start = now_ms(), last = start;

	while (p->done < p->want && !atomic_load(&p->stop)) {
		size_t len = p->want - p->done < RT_PIECE ? p->want - p->done :
			     RT_PIECE;
		double due = start + 1000.0 * p->done / RT_PACE;
		ssize_t n;

		if (now_ms() < due) {
			usleep(2000);
			continue;
		}
		if (p->write) {
			rt_fill(piece, p->done, len);
			n = wr(p->fd, piece, len);
		} else {
			n = rd(p->fd, p->got + p->done, len);
		}
		if (n == -EAGAIN || n == -EINTR || n == 0) {
			if (now_ms() - last > WAIT_MS) {
				p->err = ETIMEDOUT;
				break;
			}
			poll_events(p->fd, p->write ? POLLOUT : POLLIN, 10);
			continue;
		}
		if (n < 0) {
			p->err = (int)-n;
			break;
		}
		/*
		 * The schedule starts with the first piece, not with the
		 * thread: a slow ksctl start must not be made up for by a
		 * burst, which would play its buffer faster than real time.
		 */
		if (!p->done)
			start = now_ms();
		p->done += n;
		last = now_ms();
	}
	atomic_store(&p->finished, true);
	return NULL;
}

/* Let the peer finish (up to WAIT_MS more), then stop and join it. */
static void rt_peer_join(struct rt_peer *p, pthread_t thread)
{
	double deadline = now_ms() + WAIT_MS;

	while (!atomic_load(&p->finished) && now_ms() < deadline)
		usleep(10000);
	atomic_store(&p->stop, true);
	pthread_join(thread, NULL);
}

/*
 * libks's WaveRT calls on ks-loopback's Capture: no WaveRT on a STREAMING
 * pin, no notification before a buffer with them, the buffer as asked,
 * both registers on one read-only page, the event signalled at the
 * middle and the end of each cycle, the register page and the buffer
 * agreeing with what Render was given, and the pin closed once its fd
 * and its three mappings are gone (the fixture's balance).
 */
TEST_F_TIMEOUT(graph, libks_wavert_buffer_registers_and_notifications, 60)
{
	struct ks_rtaudio_hwregister pos, clk;
	struct ks_rtaudio_registers snap;
	struct ks_rtaudio_hwlatency lat;
	struct ks_rtaudio_buffer b;
	const size_t size = 8192, sent = size + size / 2;
	uint8_t piece[RT_PIECE], *buf;
	int streaming, capture, render, efd;
	size_t page = sysconf(_SC_PAGESIZE), done = 0;
	struct timespec ts;
	uint64_t count = 0;
	long long d;

	streaming = lb_capture(self);
	ASSERT_LE(0, streaming);
	EXPECT_EQ(-EOPNOTSUPP, ks_rt_buffer(streaming, size, 2, &b));
	EXPECT_EQ(EOPNOTSUPP, errno);
	close_pin(self, &streaming);

	capture = lb_looped(self, PIN_CAPTURE);
	ASSERT_LE(0, capture) TH_LOG("looped Capture: %s", strerror(-capture));
	EXPECT_EQ(1, ks_rt_notification_support(capture));
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	EXPECT_EQ(-EBADFD, ks_rt_notification(capture, efd, true));
	EXPECT_EQ(-EINVAL, ks_rt_buffer(capture, size, 3, &b));
	EXPECT_EQ(-EINVAL, ks_rt_register(capture, KSPROPERTY_RTAUDIO_BUFFER,
					  &pos));
	ASSERT_EQ(0, ks_rt_buffer(capture, size, 2, &b)) TH_LOG("%s",
								strerror(errno));
	EXPECT_EQ(size, b.actual_buffer_size);
	EXPECT_EQ(0, b.call_memory_barrier);
	ASSERT_NE(0, b.buffer_address);
	buf = (uint8_t *)(uintptr_t)b.buffer_address;
	ASSERT_EQ(0, ks_rt_register(capture, KSPROPERTY_RTAUDIO_POSITIONREGISTER,
				    &pos));
	ASSERT_EQ(0, ks_rt_register(capture, KSPROPERTY_RTAUDIO_CLOCKREGISTER,
				    &clk));
	EXPECT_EQ(32, pos.width);
	EXPECT_EQ(FRAME, pos.accuracy);
	EXPECT_EQ(0, pos.numerator);
	EXPECT_EQ(0, pos.reg % page);
	EXPECT_EQ(64, clk.width);
	EXPECT_EQ(10000000, clk.numerator);
	EXPECT_EQ(1, clk.denominator);
	EXPECT_EQ(1, clk.accuracy);
	EXPECT_EQ(offsetof(struct ks_rtaudio_registers, clock), clk.reg % page);
	EXPECT_EQ(0, ks_rt_hwlatency(capture, &lat));
	EXPECT_EQ(0, lat.fifo_size);
	ASSERT_EQ(0, ks_rt_notification(capture, efd, true));
	EXPECT_EQ(-EEXIST, ks_rt_notification(capture, efd, true));

	render = lb_render(self, 0);
	ASSERT_LE(0, render);
	ASSERT_EQ(0, ks_pin_set_state(capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(render, KSSTATE_RUN));
	/* A buffer and a half: the middle, the end, the middle again. */
	while (done < sent) {
		ssize_t n;

		rt_fill(piece, done, RT_PIECE);
		n = wr(render, piece, RT_PIECE);
		if (n == -EAGAIN && poll_events(render, POLLOUT, WAIT_MS) > 0)
			continue;
		ASSERT_LT(0, n) TH_LOG("Render: %s", strerror((int)-n));
		done += n;
	}
	ASSERT_LT(0, poll_events(efd, POLLIN, WAIT_MS));
	usleep(QUIET_MS * 1000);
	EXPECT_EQ(sizeof(count), read(efd, &count, sizeof(count)));
	EXPECT_EQ(3, count);
	ks_rt_read_registers((void *)(uintptr_t)pos.reg, &snap);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	EXPECT_EQ(sent, snap.bytes);
	EXPECT_EQ(sent % size, snap.position);
	EXPECT_EQ(0, snap.sequence & 1);
	EXPECT_LT(0, snap.clock);
	EXPECT_GE((uint64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100, snap.clock);
	/* The latest lap: Render's bytes size..sent, then sent-size..size. */
	d = rt_diff(buf, size, sent - size);
	EXPECT_EQ(-1, d) TH_LOG("buffer byte %lld", d);
	d = rt_diff(buf + sent - size, sent - size, 2 * size - sent);
	EXPECT_EQ(-1, d) TH_LOG("buffer byte %lld", d + (long long)(sent - size));

	EXPECT_EQ(0, ks_pin_set_state(render, KSSTATE_STOP));
	EXPECT_EQ(0, ks_pin_set_state(capture, KSSTATE_STOP));
	EXPECT_EQ(0, ks_rt_notification(capture, efd, false));
	EXPECT_EQ(-ENOENT, ks_rt_notification(capture, efd, false));
	close(efd);
	EXPECT_EQ(0, munmap(buf, size));
	EXPECT_EQ(0, munmap((void *)(uintptr_t)pos.reg, page));
	EXPECT_EQ(0, munmap((void *)(uintptr_t)(clk.reg & ~(uint64_t)(page - 1)),
			    page));
}

/*
 * `ksctl play --wavert` into ks-loopback's Render while the test reads
 * Capture at real time: Render is played as fast as Capture is read, so
 * ksctl refills behind the position register at each notification and
 * Capture gets the file byte for byte, with nothing played late.  The
 * file is three buffers and more, so the buffer wraps.
 */
TEST_F_TIMEOUT(graph, ksctl_play_wavert_into_loopback, 120)
{
	static char out[1 << 14];
	struct rt_peer p = { .want = SECOND };
	pthread_t thread;
	long long d;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_EQ(0, rt_write_file(RT_FILE, SECOND));
	p.got = malloc(SECOND);
	ASSERT_NE(NULL, p.got);
	p.fd = lb_capture(self);
	ASSERT_LE(0, p.fd);
	ASSERT_EQ(0, ks_pin_set_state(p.fd, KSSTATE_RUN));
	ASSERT_EQ(0, pthread_create(&thread, NULL, rt_peer_main, &p));
	EXPECT_EQ(0, run_ksctl("play " LOOPBACK_NAME " --pin 0 --wavert -i "
			       RT_FILE, out, sizeof(out))) TH_LOG("%s", out);
	rt_peer_join(&p, thread);
	EXPECT_EQ(0, p.err) TH_LOG("Capture: %s", strerror(p.err));
	ASSERT_EQ(SECOND, p.done) TH_LOG("%s", out);
	d = rt_diff(p.got, 0, SECOND);
	EXPECT_EQ(-1, d) TH_LOG("Capture byte %lld differs\n%s", d, out);
	EXPECT_NE(NULL, strstr(out, "pin 0 in RUN with a WaveRT buffer of "))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "48000 frames (1.00 s of pcm:48000:2:16)"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, ", 0 bytes played late")) TH_LOG("%s", out);
	free(p.got);
	unlink(RT_FILE);
}

/*
 * `ksctl record --wavert` from ks-loopback's Capture while the test
 * writes Render at real time: the WaveRT Capture records each write as it
 * comes, ksctl copies it out at each notification, and the file is what
 * was written, byte for byte, nothing recorded over.
 */
TEST_F_TIMEOUT(graph, ksctl_record_wavert_from_loopback, 120)
{
	struct rt_peer p = { .want = SECOND, .write = true };
	struct ksctl_bg bg;
	pthread_t thread;
	uint8_t *got;
	size_t len = 0;
	long long d;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	p.fd = lb_render(self, 0);
	ASSERT_LE(0, p.fd);
	ASSERT_EQ(0, ks_pin_set_state(p.fd, KSSTATE_RUN));
	ASSERT_EQ(0, bg_start(&bg, "record " LOOPBACK_NAME " --pin 1 --wavert "
			      "--frames 48000 -o " RT_OUT)) {
		bg_finish(&bg);
		TH_LOG("%s", bg.out);
	}
	ASSERT_EQ(0, pthread_create(&thread, NULL, rt_peer_main, &p));
	rt_peer_join(&p, thread);
	EXPECT_EQ(0, p.err) TH_LOG("Render: %s", strerror(p.err));
	ASSERT_EQ(0, bg_finish(&bg)) TH_LOG("%s", bg.out);
	got = rt_read_file(RT_OUT, &len);
	ASSERT_NE(NULL, got);
	EXPECT_EQ(SECOND, len) TH_LOG("%s", bg.out);
	d = rt_diff(got, 0, len < SECOND ? len : SECOND);
	EXPECT_EQ(-1, d) TH_LOG("recorded byte %lld differs\n%s", d, bg.out);
	EXPECT_NE(NULL, strstr(bg.out, "48000 frames (1.00 s of pcm:48000:2:16)"))
		TH_LOG("%s", bg.out);
	EXPECT_NE(NULL, strstr(bg.out, ", 0 bytes recorded over"))
		TH_LOG("%s", bg.out);
	free(got);
	unlink(RT_OUT);
}

/*
 * Refusals of play and record --wavert: --buffer-ms without --wavert or
 * out of range (usage, 2); a device whose position does not move (Capture
 * with nothing written to Render) is reported after 5 s, not waited for;
 * ks-loopback's second WaveRT pin is EBUSY, with a hint.
 */
TEST_F_TIMEOUT(graph, ksctl_wavert_refusals, 120)
{
	static char out[1 << 14];
	struct ks_rtaudio_buffer b;
	double t0;
	int capture;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	EXPECT_EQ(2, run_ksctl("play " LOOPBACK_NAME " --buffer-ms 10 -i /dev/null",
			       out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--buffer-ms needs --wavert")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_ksctl("record " LOOPBACK_NAME " --wavert --buffer-ms 0",
			       out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "bad buffer")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_ksctl("record " LOOPBACK_NAME " --wavert --buffer-ms 10001",
			       out, sizeof(out)));
	EXPECT_EQ(2, run_ksctl("play --wavert", out, sizeof(out)));

	t0 = now_ms();
	EXPECT_EQ(1, run_ksctl("record " LOOPBACK_NAME " --pin 1 --wavert "
			       "--frames 480 -o /dev/null", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "has not moved for 5 s")) TH_LOG("%s", out);
	EXPECT_GT(30000, now_ms() - t0);

	capture = lb_looped(self, PIN_CAPTURE);
	ASSERT_LE(0, capture);
	ASSERT_EQ(0, ks_rt_buffer(capture, 8192, 0, &b));
	EXPECT_EQ(1, run_ksctl("play " LOOPBACK_NAME " --pin 0 --wavert -i /dev/null",
			       out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "refused a WaveRT buffer: Device or resource busy"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "one of its two pins")) TH_LOG("%s", out);
	EXPECT_EQ(0, munmap((void *)(uintptr_t)b.buffer_address,
			    b.actual_buffer_size));
}

/*
 * `ksctl play --wavert` on ks-audio's Render (wave pin 0) and `record
 * --wavert` from its Capture (pin 3): the card's clock moves the position,
 * so half a second of audio takes about half a second, every frame is
 * played or recorded.
 */
TEST_F_TIMEOUT(graph, ksctl_play_wavert_on_ks_audio, 120)
{
	static char out[1 << 14];
	int loaded = audio_load();
	size_t len = 0;
	uint8_t *got;
	double t0, ms;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_SAMPLE(loaded);
	ASSERT_EQ(0, rt_write_file(RT_FILE, SECOND / 2));
	t0 = now_ms();
	EXPECT_EQ(0, run_ksctl("play " AUDIO_WAVE0 " --pin 0 --wavert -i " RT_FILE,
			       out, sizeof(out))) TH_LOG("%s", out);
	ms = now_ms() - t0;
	EXPECT_LE(400, ms) TH_LOG("%.0f ms\n%s", ms, out);
	EXPECT_GT(20000, ms) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "24000 frames (0.50 s of pcm:48000:2:16)"))
		TH_LOG("%s", out);
	TH_LOG("%s", out);

	t0 = now_ms();
	EXPECT_EQ(0, run_ksctl("record " AUDIO_WAVE0 " --pin 3 --wavert "
			       "--buffer-ms 50 --frames 24000 -o " RT_OUT,
			       out, sizeof(out))) TH_LOG("%s", out);
	ms = now_ms() - t0;
	EXPECT_LE(400, ms) TH_LOG("%.0f ms\n%s", ms, out);
	got = rt_read_file(RT_OUT, &len);
	EXPECT_NE(NULL, got);
	EXPECT_EQ(SECOND / 2, len) TH_LOG("%s", out);
	TH_LOG("%s", out);
	free(got);
	unlink(RT_FILE);
	unlink(RT_OUT);
	audio_unload(loaded);
}

/* The time of the reading line @when ("end") of `ksctl clock`, or -1. */
static long long clock_time(const char *out, const char *when)
{
	char key[32];
	const char *p;
	long long t;
	char state[16];

	snprintf(key, sizeof(key), "\n%s ", when);
	p = strstr(out, key);
	if (!p || sscanf(p + strlen(key), " state %15s time %lld", state,
			 &t) != 2)
		return -1;
	return t;
}

/*
 * `ksctl clock` on ks-loopback's Render in STOP: a clock is made, its
 * resolution is one frame's time rounded up (209 for 48 kHz, 227 for
 * 44.1 kHz), its state STOP and its time 0; the same as JSON.
 */
TEST_F_TIMEOUT(graph, ksctl_clock_in_stop, 60)
{
	static char out[1 << 14];

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_EQ(0, run_ksctl("clock " LOOPBACK_NAME, out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "pin 0 (in, pcm:48000:2:16): clock "
			       "resolution 209, error 209")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nstop   state STOP    time 0 (0.000000 s)"))
		TH_LOG("%s", out);
	EXPECT_EQ(0, clock_time(out, "stop"));
	ASSERT_EQ(0, run_ksctl("clock " LOOPBACK_NAME " --pin 1 --format "
			       "pcm:44100:2:16 --json", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"dataflow\": \"out\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"granularity\": 227")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"state\": \"STOP\",\n      \"time\": 0,"))
		TH_LOG("%s", out);
}

/*
 * `ksctl clock --run 500` on ks-loopback's Render while the test reads
 * Capture: RUN at the start, and the time grows with the silence ksctl
 * writes at the format's rate, about half a second (it writes up to 50 ms
 * ahead); the physical time moves with the monotonic clock.
 */
TEST_F_TIMEOUT(graph, ksctl_clock_run_moves_time, 60)
{
	static char out[1 << 14];
	struct drain d = { .fd = -1 };
	long long start, end;
	pthread_t thread;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	d.fd = lb_capture(self);
	ASSERT_LE(0, d.fd);
	ASSERT_EQ(0, ks_pin_set_state(d.fd, KSSTATE_RUN));
	ASSERT_EQ(0, pthread_create(&thread, NULL, drain_main, &d));
	EXPECT_EQ(0, run_ksctl("clock " LOOPBACK_NAME " --pin 0 --run 500", out,
			       sizeof(out))) TH_LOG("%s", out);
	drain_stop(&d, thread);
	start = clock_time(out, "start");
	end = clock_time(out, "end");
	EXPECT_NE(NULL, strstr(out, "\nstart  state RUN ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nend    state RUN ")) TH_LOG("%s", out);
	EXPECT_LE(0, start) TH_LOG("%s", out);
	EXPECT_GT(500000, start) TH_LOG("%s", out);
	EXPECT_LT(start, end) TH_LOG("%s", out);
	EXPECT_LE(2000000, end) TH_LOG("%s", out);
	EXPECT_GE(6000000, end) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "run of 500 ms: ")) TH_LOG("%s", out);
}

/* On ks-audio the time follows the card's clock: about 0.3 s in 300 ms. */
TEST_F_TIMEOUT(graph, ksctl_clock_on_ks_audio, 60)
{
	static char out[1 << 14];
	int loaded = audio_load();
	long long end;

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	ASSERT_SAMPLE(loaded);
	EXPECT_EQ(0, run_ksctl("clock " AUDIO_WAVE0 " --pin 0 --run 300", out,
			       sizeof(out))) TH_LOG("%s", out);
	end = clock_time(out, "end");
	EXPECT_LE(1500000, end) TH_LOG("%s", out);
	EXPECT_GE(4500000, end) TH_LOG("%s", out);
	EXPECT_EQ(0, clock_time(out, "stop")) TH_LOG("%s", out);
	audio_unload(loaded);
}

TEST_F_TIMEOUT(graph, ksctl_clock_refusals, 60)
{
	static char out[1 << 14];

	ASSERT_TRUE(ksctl_path() != NULL) TH_LOG("no ksctl (set KSCTL)");
	EXPECT_EQ(2, run_ksctl("clock", out, sizeof(out)));
	EXPECT_EQ(2, run_ksctl("clock " LOOPBACK_NAME " --run 0", out,
			       sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "bad run")) TH_LOG("%s", out);
	EXPECT_EQ(2, run_ksctl("clock " LOOPBACK_NAME " --run -5", out,
			       sizeof(out)));
	EXPECT_EQ(2, run_ksctl("clock " LOOPBACK_NAME " --format pcm:0:2:16",
			       out, sizeof(out)));
	EXPECT_EQ(2, run_ksctl("clock " LOOPBACK_NAME " " LOOPBACK_NAME, out,
			       sizeof(out)));
	EXPECT_EQ(1, run_ksctl("clock " LOOPBACK_NAME " --pin 7", out,
			       sizeof(out)));
	EXPECT_EQ(1, run_ksctl("clock no-such-filter", out, sizeof(out)));
}

/* ==== KSPROPERTY_PIN_PHYSICALCONNECTION ==== */

static int physical(int filter, uint32_t pin, uint32_t flags, void *out,
		    uint32_t out_size, uint32_t *returned)
{
	uint32_t inst[2] = { pin, 0 };

	return ks_property(filter, &guid_set_pin,
			   KSPROPERTY_PIN_PHYSICALCONNECTION, flags, inst,
			   sizeof(inst), out, out_size, returned);
}

#define PHYS_SIZE (8 + 2 * (sizeof(LOOPBACK_NAME)))

TEST_F(graph, physicalconnection_gain_out_names_loopback_render)
{
	uint8_t out[128];
	struct ks_pin_physicalconnection pc;
	uint32_t returned = 0, i;
	const char *name = LOOPBACK_NAME;

	memset(out, 0xA5, sizeof(out));
	ASSERT_EQ(0, physical(self->gain, GAIN_PIN_OUT, KSPROPERTY_TYPE_GET,
			      out, sizeof(out), &returned));
	ASSERT_EQ(PHYS_SIZE, returned);
	memcpy(&pc, out, 8);
	EXPECT_EQ(PHYS_SIZE, pc.size);
	EXPECT_EQ(PIN_RENDER, pc.pin);
	for (i = 0; i <= strlen(name); i++) {
		uint16_t ch;

		memcpy(&ch, out + 8 + 2 * i, 2);
		EXPECT_EQ((uint16_t)(uint8_t)name[i], ch) TH_LOG("code unit %u", i);
	}
	for (i = returned; i < sizeof(out); i++)
		EXPECT_EQ(0xA5, out[i]) TH_LOG("byte %u beyond returned", i);
}

TEST_F(graph, physicalconnection_none_enoent)
{
	uint8_t out[128];
	uint32_t returned = 0;

	ASSERT_LE(0, self->gain1) TH_LOG("no " GAIN1_NAME);
	EXPECT_EQ(-ENOENT, physical(self->gain1, GAIN_PIN_OUT,
				    KSPROPERTY_TYPE_GET, out, sizeof(out),
				    &returned));
	EXPECT_EQ(-ENOENT, physical(self->lb, PIN_RENDER, KSPROPERTY_TYPE_GET,
				    out, sizeof(out), &returned));
}

TEST_F(graph, physicalconnection_out_too_small_eoverflow)
{
	static const uint32_t sizes[] = { 0, 4, 8, 12, PHYS_SIZE - 1 };
	uint8_t out[128];
	uint32_t returned, i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(out, 0xA5, sizeof(out));
		returned = 0;
		EXPECT_EQ(-EOVERFLOW, physical(self->gain, GAIN_PIN_OUT,
					       KSPROPERTY_TYPE_GET, out,
					       sizes[i], &returned))
			TH_LOG("out_size %u", sizes[i]);
		EXPECT_EQ(PHYS_SIZE, returned) TH_LOG("out_size %u", sizes[i]);
		for (j = sizes[i]; j < sizeof(out); j++)
			if (out[j] != 0xA5)
				break;
		EXPECT_EQ(sizeof(out), j)
			TH_LOG("out_size %u: byte %u changed", sizes[i], j);
	}
}

TEST_F(graph, physicalconnection_basicsupport_get_only)
{
	uint32_t inst[2] = { GAIN_PIN_OUT, 0 }, types = 0;
	uint8_t out[128];

	ASSERT_EQ(0, ks_basic_support(self->gain, &guid_set_pin,
				      KSPROPERTY_PIN_PHYSICALCONNECTION, inst,
				      sizeof(inst), &types));
	EXPECT_EQ(KSPROPERTY_TYPE_GET, types);
	memset(out, 0, sizeof(out));
	EXPECT_EQ(-EOPNOTSUPP, physical(self->gain, GAIN_PIN_OUT,
					KSPROPERTY_TYPE_SET, out, PHYS_SIZE,
					NULL));
}

TEST_HARNESS_MAIN
