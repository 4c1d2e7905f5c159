// SPDX-License-Identifier: GPL-2.0
/*
 * WaveRT: KSPROPSETID_RtAudio on the LOOPED_STREAMING pins of ks-loopback
 * and ks-audio (docs/abi.md, "WaveRT").
 *
 *  - BUFFER and BUFFER_WITH_NOTIFICATION: the mapping is the pin's buffer
 *    (the same bytes as mmap(2) of the pin fd), read-write and shared,
 *    sized as asked rounded down to frames and clamped; again in STOP a
 *    new mapping; EBUSY outside STOP, EOPNOTSUPP on a STREAMING pin,
 *    EINVAL for a bad notification_count or a short in, EOVERFLOW for a
 *    short out with nothing left mapped;
 *  - POSITIONREGISTER and CLOCKREGISTER: a read-only mapping of the
 *    register page and the documented width, frequency and accuracy; the
 *    page itself cannot be mapped writable (EPERM);
 *  - HWLATENCY, QUERY_NOTIFICATION_SUPPORT, GETPOSITIONFUNCTION (ENOENT);
 *  - notification events: the handle's checks, EEXIST, ENOENT, ENOSPC,
 *    EBADFD without a notifying buffer; one signal per notification point
 *    passed, on ks-loopback paced by Capture's reader and on ks-audio by
 *    its clock; none after UNREGISTER;
 *  - streaming: Render plays what its buffer holds, Capture records what
 *    the writer writes, the register page follows, STOP starts again at 0,
 *    read/write/POSITION set are EBUSY, ks-loopback takes one WaveRT pin;
 *  - lifetime: the pin closes when its fd and its mappings are all gone.
 *
 * Each test munmaps what it mapped (the fixture does, from the list it
 * keeps) before closing the pins.  Waits are bounded: a missing signal or
 * a stalled device fails the test, it never hangs it.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>

#include "ks_selftest.h"

#include "../module/samples/ks-audio.h"

#define KIB		1024u
#define SIGNAL_MS	3000
#define QUIET_MS	200
#define EVENTS_MAX	64
#define MAPS_MAX	16

#define WAVE_FILTER	AUDIO_WAVE_NAME "-0"
#define CARDS_PARAM	AUDIO_PARAMS "cards"

static const struct ks_guid set_rt = KSPROPSETID_RTAUDIO;
static const struct ks_guid set_stream = KSPROPSETID_KSFILTER_STREAM;

static const struct ks_audio_params fmt_default = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

/* Three 16-bit channels: a 6-byte frame, which no page size divides. */
static const struct ks_audio_params fmt_odd = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 3, .bits = 16,
};

/* Leave ks_audio as the run found it (the card fixture reloads it). */
KS_LEAVE_MODULE_AS_FOUND(AUDIO_MODNAME, "ks-audio.ko", CARDS_PARAM)

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* ---- KSPROPSETID_RtAudio requests ---- */

/* KS_IOCTL_PROPERTY with every buffer given; *returned as the kernel left it. */
static int prop_raw(int fd, const void *in, uint32_t in_size, void *out,
		    uint32_t out_size, uint32_t *returned)
{
	return ks_buffers_ioctl(fd, KS_IOCTL_PROPERTY, in, in_size, out,
				out_size, returned);
}

static struct ks_identifier rt_id(uint32_t id)
{
	struct ks_identifier p;

	memset(&p, 0, sizeof(p));
	p.set = set_rt;
	p.id = id;
	p.flags = KSPROPERTY_TYPE_GET;
	return p;
}

/*
 * BUFFER_WITH_NOTIFICATION with @count, or BUFFER when @count is 0, for
 * @size bytes: 0 or -errno, the value in *@b.
 */
static int rt_buffer(int fd, uint32_t size, uint32_t count,
		     struct ks_rtaudio_buffer *b)
{
	struct ks_rtaudio_buffer_property_with_notification in;

	memset(&in, 0, sizeof(in));
	in.property = rt_id(count ? KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION :
				    KSPROPERTY_RTAUDIO_BUFFER);
	in.requested_buffer_size = size;
	in.notification_count = count;
	memset(b, 0xa5, sizeof(*b));
	return prop_raw(fd, &in, sizeof(in), b, sizeof(*b), NULL);
}

/* POSITIONREGISTER or CLOCKREGISTER: 0 or -errno, the value in *@r. */
static int rt_register(int fd, uint32_t id, struct ks_rtaudio_hwregister *r)
{
	struct ks_rtaudio_hwregister_property in;

	memset(&in, 0, sizeof(in));
	in.property = rt_id(id);
	memset(r, 0xa5, sizeof(*r));
	return prop_raw(fd, &in, sizeof(in), r, sizeof(*r), NULL);
}

/* (UN)REGISTER_NOTIFICATION_EVENT of @handle: 0 or -errno. */
static int rt_event(int fd, uint32_t id, uint64_t handle)
{
	struct ks_rtaudio_notification_event_property in;

	memset(&in, 0, sizeof(in));
	in.property = rt_id(id);
	in.notification_event = handle;
	return prop_raw(fd, &in, sizeof(in), NULL, 0, NULL);
}

static int rt_register_event(int fd, int efd)
{
	return rt_event(fd, KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT,
			(uint64_t)efd);
}

static int rt_unregister_event(int fd, int efd)
{
	return rt_event(fd, KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT,
			(uint64_t)efd);
}

/* A property whose in is a bare KSPROPERTY (HWLATENCY, QUERY_...). */
static int rt_get(int fd, uint32_t id, void *out, uint32_t size,
		  uint32_t *returned)
{
	struct ks_identifier in = rt_id(id);

	return prop_raw(fd, &in, sizeof(in), out, size, returned);
}

static int get_position(int fd, struct ks_audio_position *pos)
{
	return ks_property(fd, &set_stream, KSPROPERTY_KSFILTER_STREAM_POSITION,
			   KSPROPERTY_TYPE_GET, NULL, 0, pos, sizeof(*pos),
			   NULL);
}

static int set_position(int fd, uint64_t play, uint64_t write_offset)
{
	struct ks_audio_position v = { play, write_offset };

	return ks_property(fd, &set_stream, KSPROPERTY_KSFILTER_STREAM_POSITION,
			   KSPROPERTY_TYPE_SET, NULL, 0, &v, sizeof(v), NULL);
}

/* ---- the register page ---- */

/*
 * The three fields from one moment, by the page's sequence protocol:
 * 0, or -EAGAIN if the writer never let go.
 */
static int regs_read(const struct ks_rtaudio_registers *r,
		     struct ks_rtaudio_registers *out)
{
	int i;

	for (i = 0; i < 100000; i++) {
		uint32_t s1 = __atomic_load_n(&r->sequence, __ATOMIC_ACQUIRE);

		out->position = __atomic_load_n(&r->position, __ATOMIC_RELAXED);
		out->clock = __atomic_load_n(&r->clock, __ATOMIC_RELAXED);
		out->bytes = __atomic_load_n(&r->bytes, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (!(s1 & 1) &&
		    s1 == __atomic_load_n(&r->sequence, __ATOMIC_RELAXED)) {
			out->sequence = s1;
			return 0;
		}
	}
	return -EAGAIN;
}

/* The register page's bytes once it stops changing for @ms. */
static uint64_t regs_settled(const struct ks_rtaudio_registers *r, int ms)
{
	struct ks_rtaudio_registers a, b;

	regs_read(r, &a);
	for (;;) {
		ks_sleep_ms(ms);
		regs_read(r, &b);
		if (b.bytes == a.bytes)
			return b.bytes;
		a = b;
	}
}

/* ---- /proc/self/maps ---- */

/*
 * The mapping that holds @addr: its start, length and permissions
 * ("rw-s"); 0 or -ENOENT.
 */
static int map_of(uintptr_t addr, uintptr_t *start, size_t *len, char *perms)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long s, e;
	char line[512], p[8];
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %7s", &s, &e, p) != 3)
			continue;
		if (addr < s || addr >= e)
			continue;
		if (start)
			*start = s;
		if (len)
			*len = e - s;
		if (perms)
			snprintf(perms, 8, "%s", p);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* The mappings of pin files ([ksfilter-pin]) in this process. */
static int pin_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "ksfilter-pin") != NULL;
	fclose(f);
	return n;
}

/* ---- pins ---- */

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/* A pin of @filter with @fmt, @iface and @access: fd or -errno. */
static int pin_open(int filter, uint32_t pin, const struct ks_audio_params *fmt,
		    uint32_t iface, uint32_t access)
{
	struct ks_req r;
	uint32_t reason;
	int n;

	memset(&r, 0, sizeof(r));
	ks_connect_init(&r.c, pin);
	n = ks_build_format(fmt, &r.f, sizeof(r.f));
	if (n < 0)
		return n;
	r.c.interface.id = iface;
	return ks_create(filter, &r, sizeof(r.c) + n, access, O_CLOEXEC,
			 &reason);
}

/* A looped pin that may be mapped read-write (the fd reads and writes). */
static int looped_pin(int filter, uint32_t pin,
		      const struct ks_audio_params *fmt)
{
	return pin_open(filter, pin, fmt, KSINTERFACE_STANDARD_LOOPED_STREAMING,
			KS_GENERIC_READ | KS_GENERIC_WRITE);
}

/* The byte a test writes at stream offset @i. */
static uint8_t pat(uint64_t i, uint32_t seed)
{
	uint64_t x = (i + seed) * 0x9e3779b97f4a7c15ULL;

	return (uint8_t)(x >> 56);
}

/* The notification points a device passes going 0 -> @bytes. */
static uint64_t notifications(uint64_t bytes, uint32_t size, uint32_t count,
			      uint32_t frame)
{
	uint64_t n = bytes / size * count;
	uint32_t half = size / 2 / frame * frame;

	if (count == 2 && bytes % size >= half)
		n++;
	return n;
}

/*
 * Read exactly @total bytes from the non-blocking @fd into @buf (may be
 * NULL), in at most @ms: the bytes read.
 */
static uint64_t read_exact(int fd, uint8_t *buf, uint64_t total, int ms)
{
	long long end = ks_now_ms() + ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	static uint8_t scratch[16 * KIB];
	uint64_t got = 0;
	ssize_t n;

	while (got < total && ks_now_ms() < end) {
		size_t want = total - got < sizeof(scratch) ?
			      total - got : sizeof(scratch);

		n = read(fd, buf ? buf + got : scratch, want);
		if (n > 0) {
			got += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		poll(&p, 1, 50);
	}
	return got;
}

/* Read what @fd still delivers until it is quiet for @ms: the bytes. */
static uint64_t drain(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	static uint8_t scratch[16 * KIB];
	uint64_t got = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, scratch, sizeof(scratch));
		if (n > 0) {
			got += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && poll(&p, 1, ms) == 1)
			continue;
		return got;
	}
}

/* ---- the fixture: ks-loopback ---- */

struct mapping {
	void *addr;
	size_t len;
};

FIXTURE(rt) {
	int filter;
	int render;
	int capture;
	int efd;
	const struct ks_audio_params *fmt;	/* of the pins open_*() open */
	uint32_t frame;
	struct ks_stream_buffer rb;	/* Render's, once it is open */
	struct mapping maps[MAPS_MAX];
	unsigned int nmaps;
};

FIXTURE_SETUP(rt)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->render = self->capture = self->efd = -1;
	self->nmaps = 0;
	self->fmt = &fmt_default;
	self->frame = 4;
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
}

static void unmap_all(FIXTURE_DATA(rt) *self)
{
	while (self->nmaps) {
		struct mapping *m = &self->maps[--self->nmaps];

		munmap(m->addr, m->len);
	}
}

FIXTURE_TEARDOWN(rt)
{
	unmap_all(self);
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
	close_fd(&self->efd);
}

/*
 * Note the mapping that holds @addr so that teardown unmaps it: 0, or
 * -ENOENT when nothing is mapped there.
 */
static int keep_map(FIXTURE_DATA(rt) *self, uint64_t addr)
{
	uintptr_t start;
	size_t len;

	if (map_of((uintptr_t)addr, &start, &len, NULL))
		return -ENOENT;
	if (self->nmaps < MAPS_MAX)
		self->maps[self->nmaps++] = (struct mapping){
			(void *)start, len };
	return 0;
}

/* Unmap (now) the mapping that holds @addr. */
static int drop_map(FIXTURE_DATA(rt) *self, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < self->nmaps; i++) {
		struct mapping *m = &self->maps[i];

		if ((uintptr_t)addr < (uintptr_t)m->addr ||
		    (uintptr_t)addr >= (uintptr_t)m->addr + m->len)
			continue;
		if (munmap(m->addr, m->len))
			return -errno;
		*m = self->maps[--self->nmaps];
		return 0;
	}
	return -ENOENT;
}

static int open_render(FIXTURE_DATA(rt) *self)
{
	self->render = looped_pin(self->filter, PIN_RENDER, self->fmt);
	if (self->render < 0)
		return self->render;
	return ks_pin_get_buffer(self->render, &self->rb);
}

/* A STREAMING Capture pin, non-blocking, for Render's WaveRT to play to. */
static int open_stream_capture(FIXTURE_DATA(rt) *self)
{
	self->capture = pin_open(self->filter, PIN_CAPTURE, self->fmt,
				 KSINTERFACE_STANDARD_STREAMING,
				 KS_GENERIC_READ);
	if (self->capture < 0)
		return self->capture;
	return set_nonblock(self->capture);
}

/* rt_buffer() on Render, the mapping kept for teardown. */
static int render_buffer(FIXTURE_DATA(rt) *self, uint32_t size,
			 uint32_t count, struct ks_rtaudio_buffer *b)
{
	int ret = rt_buffer(self->render, size, count, b);

	return ret ? ret : keep_map(self, b->buffer_address);
}

/* POSITIONREGISTER of @fd: the register page, kept for teardown. */
static struct ks_rtaudio_registers *regs_of(FIXTURE_DATA(rt) *self, int fd)
{
	struct ks_rtaudio_hwregister r;

	if (rt_register(fd, KSPROPERTY_RTAUDIO_POSITIONREGISTER, &r) ||
	    keep_map(self, r.reg))
		return NULL;
	return (void *)(uintptr_t)(r.reg -
				   offsetof(struct ks_rtaudio_registers,
					    position));
}

#define RUN_BOTH() do {							\
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));	\
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));	\
} while (0)

/* ---- the module says it has WaveRT ---- */

TEST_F(rt, version_offers_wavert)
{
	struct ks_version v;

	ASSERT_EQ(0, ks_get_version(self->filter, &v));
	EXPECT_LE(4u, v.abi_minor);
	EXPECT_EQ(KS_FEATURE_WAVERT, v.features & KS_FEATURE_WAVERT);
}

/* ---- BUFFER ---- */

TEST_F(rt, buffer_maps_the_pins_buffer_at_returned_address)
{
	struct ks_rtaudio_buffer b;
	uint8_t *rt, *direct;
	uint32_t i;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 16 * KIB, 0, &b));
	EXPECT_EQ(16 * KIB, b.actual_buffer_size);
	EXPECT_EQ(0u, b.call_memory_barrier);
	EXPECT_EQ(0u, b.buffer_address % page_size());
	rt = (uint8_t *)(uintptr_t)b.buffer_address;
	for (i = 0; i < b.actual_buffer_size; i++)
		rt[i] = pat(i, 1);
	direct = mmap(NULL, self->rb.map_size, PROT_READ, MAP_SHARED,
		      self->render, 0);
	ASSERT_NE(MAP_FAILED, direct) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(direct, rt, b.actual_buffer_size));
	munmap(direct, self->rb.map_size);
}

TEST_F(rt, buffer_mapping_is_read_write_shared)
{
	struct ks_rtaudio_buffer b;
	char perms[8] = "";
	size_t len = 0;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
	ASSERT_EQ(0, map_of(b.buffer_address, NULL, &len, perms));
	EXPECT_STREQ("rw-s", perms);
	EXPECT_LE((size_t)b.actual_buffer_size, len);
}

/* Requested sizes: rounded down to frames, a page at least, the pin's at most. */
static void check_sizes(struct __test_metadata *_metadata,
			FIXTURE_DATA(rt) *self,
			const struct ks_audio_params *fmt)
{
	static const uint32_t asks[] = { 0, 1, 100, 4095, 8192, 10001,
					 65536 + 4, 1u << 20, 0xffffffffu };
	uint32_t frame = fmt->channels * fmt->bits / 8;
	uint32_t page = (uint32_t)page_size();
	unsigned int i;

	self->render = looped_pin(self->filter, PIN_RENDER, fmt);
	ASSERT_LE(0, self->render);
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &self->rb));
	ASSERT_EQ(frame, self->rb.frame_size);
	for (i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		struct ks_rtaudio_buffer b;
		uint32_t want = asks[i] / frame * frame, got;

		ASSERT_EQ(0, render_buffer(self, asks[i], 0, &b))
			TH_LOG("asking %u", asks[i]);
		got = b.actual_buffer_size;
		EXPECT_EQ(0u, got % frame) TH_LOG("asked %u, got %u", asks[i],
						  got);
		if (want > self->rb.size)
			want = self->rb.size;
		if (want >= page) {
			EXPECT_EQ(want, got) TH_LOG("asked %u", asks[i]);
		} else {
			/* A page's worth of frames: a frame either side. */
			EXPECT_LT(page - frame, got) TH_LOG("asked %u, got %u",
							   asks[i], got);
			EXPECT_GT(page + frame, got) TH_LOG("asked %u, got %u",
							   asks[i], got);
			EXPECT_LE(2 * frame, got);
		}
		EXPECT_LE(got, self->rb.size);
		EXPECT_EQ(0, drop_map(self, b.buffer_address));
	}
	close_fd(&self->render);
}

TEST_F(rt, buffer_size_rounded_down_to_frames_and_clamped)
{
	check_sizes(_metadata, self, &fmt_default);
	check_sizes(_metadata, self, &fmt_odd);
}

TEST_F(rt, second_buffer_in_stop_maps_again)
{
	struct ks_rtaudio_buffer a, b;
	uint8_t *pa, *pb;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &a));
	ASSERT_EQ(0, render_buffer(self, 16 * KIB, 2, &b));
	EXPECT_NE(a.buffer_address, b.buffer_address);
	EXPECT_EQ(8 * KIB, a.actual_buffer_size);
	EXPECT_EQ(16 * KIB, b.actual_buffer_size);
	/* Both stay valid, and are the same buffer. */
	pa = (uint8_t *)(uintptr_t)a.buffer_address;
	pb = (uint8_t *)(uintptr_t)b.buffer_address;
	pa[100] = 0x5a;
	pb[200] = 0xa5;
	EXPECT_EQ(0x5a, pb[100]);
	EXPECT_EQ(0xa5, pa[200]);
	/* The new notification count is the one used (2 is allowed now). */
	EXPECT_EQ(0, rt_register_event(self->render, self->efd));
}

/* base_address is a hint, as mmap(2)'s addr: it never replaces a mapping. */
TEST_F(rt, base_address_is_a_hint)
{
	struct ks_rtaudio_buffer_property_with_notification in;
	struct ks_rtaudio_hwregister_property rp;
	struct ks_rtaudio_hwregister reg;
	struct ks_rtaudio_buffer b;
	long page = page_size();
	uint8_t *mine;
	size_t i;

	ASSERT_EQ(0, open_render(self));
	mine = mmap(NULL, 32 * KIB, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mine);
	memset(mine, 0x3c, 32 * KIB);
	memset(&in, 0, sizeof(in));
	in.property = rt_id(KSPROPERTY_RTAUDIO_BUFFER);
	in.requested_buffer_size = 8 * KIB;
	in.base_address = (uintptr_t)mine;
	ASSERT_EQ(0, prop_raw(self->render, &in, sizeof(in), &b, sizeof(b),
			      NULL));
	ASSERT_EQ(0, keep_map(self, b.buffer_address));
	EXPECT_NE((uintptr_t)mine, b.buffer_address);
	memset(&rp, 0, sizeof(rp));
	rp.property = rt_id(KSPROPERTY_RTAUDIO_POSITIONREGISTER);
	rp.base_address = (uintptr_t)mine + 4 * page;
	ASSERT_EQ(0, prop_raw(self->render, &rp, sizeof(rp), &reg, sizeof(reg),
			      NULL));
	ASSERT_EQ(0, keep_map(self, reg.reg));
	EXPECT_NE((uintptr_t)mine + 4 * page, reg.reg & ~(uint64_t)(page - 1));
	for (i = 0; i < 32 * KIB; i++)
		if (mine[i] != 0x3c)
			break;
	EXPECT_EQ(32 * KIB, i) TH_LOG("our own memory changed at %zu", i);
	/* A free place is taken as asked, as mmap(2) takes it. */
	munmap(mine, 32 * KIB);
	in.base_address = (uintptr_t)mine;
	ASSERT_EQ(0, prop_raw(self->render, &in, sizeof(in), &b, sizeof(b),
			      NULL));
	ASSERT_EQ(0, keep_map(self, b.buffer_address));
	EXPECT_EQ((uintptr_t)mine, b.buffer_address);
	/* An unaligned or kernel hint is only a hint too. */
	in.base_address = (uintptr_t)mine + 32 * KIB + 1;
	ASSERT_EQ(0, prop_raw(self->render, &in, sizeof(in), &b, sizeof(b),
			      NULL));
	ASSERT_EQ(0, keep_map(self, b.buffer_address));
	EXPECT_EQ(0u, b.buffer_address % page);
	in.base_address = 0xffff888000000000ULL;
	ASSERT_EQ(0, prop_raw(self->render, &in, sizeof(in), &b, sizeof(b),
			      NULL));
	ASSERT_EQ(0, keep_map(self, b.buffer_address));
	EXPECT_GT(0xffff888000000000ULL, b.buffer_address);
}

TEST_F(rt, buffer_outside_stop_ebusy)
{
	struct ks_rtaudio_buffer b;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	EXPECT_EQ(-EBUSY, rt_buffer(self->render, 8 * KIB, 0, &b));
	EXPECT_EQ(-EBUSY, rt_buffer(self->render, 8 * KIB, 1, &b));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_STOP));
	EXPECT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
}

TEST_F(rt, streaming_pin_eopnotsupp)
{
	struct ks_rtaudio_hwregister reg;
	struct ks_rtaudio_hwlatency lat;
	struct ks_rtaudio_buffer b;
	uint32_t v;
	int before = pin_maps();

	self->render = pin_open(self->filter, PIN_RENDER, &fmt_default,
				KSINTERFACE_STANDARD_STREAMING,
				KS_GENERIC_READ | KS_GENERIC_WRITE);
	ASSERT_LE(0, self->render);
	EXPECT_EQ(-EOPNOTSUPP, rt_buffer(self->render, 8 * KIB, 0, &b));
	EXPECT_EQ(-EOPNOTSUPP, rt_buffer(self->render, 8 * KIB, 1, &b));
	EXPECT_EQ(-EOPNOTSUPP, rt_register(self->render,
					   KSPROPERTY_RTAUDIO_POSITIONREGISTER,
					   &reg));
	EXPECT_EQ(-EOPNOTSUPP, rt_register(self->render,
					   KSPROPERTY_RTAUDIO_CLOCKREGISTER,
					   &reg));
	EXPECT_EQ(-EOPNOTSUPP, rt_get(self->render,
				      KSPROPERTY_RTAUDIO_HWLATENCY, &lat,
				      sizeof(lat), NULL));
	EXPECT_EQ(-EOPNOTSUPP, rt_get(self->render,
				      KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT,
				      &v, sizeof(v), NULL));
	EXPECT_EQ(-EOPNOTSUPP, rt_register_event(self->render, self->efd));
	EXPECT_EQ(-EOPNOTSUPP, rt_unregister_event(self->render, self->efd));
	EXPECT_EQ(before, pin_maps());
}

TEST_F(rt, notification_count_0_or_3_einval)
{
	struct ks_rtaudio_buffer b;

	ASSERT_EQ(0, open_render(self));
	EXPECT_EQ(-EINVAL, rt_buffer(self->render, 8 * KIB, 3, &b));
	EXPECT_EQ(-EINVAL, rt_buffer(self->render, 8 * KIB, 0xffffffffu, &b));
	{
		/* 0 with the WITH_NOTIFICATION id (rt_buffer's 0 is BUFFER). */
		struct ks_rtaudio_buffer_property_with_notification in;

		memset(&in, 0, sizeof(in));
		in.property = rt_id(KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION);
		in.requested_buffer_size = 8 * KIB;
		EXPECT_EQ(-EINVAL, prop_raw(self->render, &in, sizeof(in), &b,
					    sizeof(b), NULL));
	}
	EXPECT_EQ(0, pin_maps());
}

TEST_F(rt, short_in_einval)
{
	struct ks_rtaudio_buffer_property_with_notification in;
	struct ks_rtaudio_notification_event_property ev;
	struct ks_rtaudio_hwregister_property rp;
	struct ks_rtaudio_hwregister reg;
	struct ks_rtaudio_buffer b;

	ASSERT_EQ(0, open_render(self));
	memset(&in, 0, sizeof(in));
	in.property = rt_id(KSPROPERTY_RTAUDIO_BUFFER);
	in.requested_buffer_size = 8 * KIB;
	in.notification_count = 1;
	EXPECT_EQ(-EINVAL, prop_raw(self->render, &in, 39, &b, sizeof(b), NULL));
	EXPECT_EQ(-EINVAL, prop_raw(self->render, &in, 24, &b, sizeof(b), NULL));
	in.property.id = KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION;
	EXPECT_EQ(-EINVAL, prop_raw(self->render, &in, 39, &b, sizeof(b), NULL));
	EXPECT_EQ(-EINVAL, prop_raw(self->render, &in, 32, &b, sizeof(b), NULL));
	EXPECT_EQ(0, pin_maps());
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	memset(&rp, 0, sizeof(rp));
	rp.property = rt_id(KSPROPERTY_RTAUDIO_POSITIONREGISTER);
	EXPECT_EQ(-EINVAL, prop_raw(self->render, &rp, 31, &reg, sizeof(reg),
				    NULL));
	rp.property.id = KSPROPERTY_RTAUDIO_CLOCKREGISTER;
	EXPECT_EQ(-EINVAL, prop_raw(self->render, &rp, 24, &reg, sizeof(reg),
				    NULL));
	memset(&ev, 0, sizeof(ev));
	ev.property = rt_id(KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT);
	ev.notification_event = (uint64_t)self->efd;
	EXPECT_EQ(-EINVAL, prop_raw(self->render, &ev, 31, NULL, 0, NULL));
	/* Nothing was registered by it. */
	EXPECT_EQ(-ENOENT, rt_unregister_event(self->render, self->efd));
	EXPECT_EQ(1, pin_maps());
}

TEST_F(rt, short_out_eoverflow_nothing_mapped)
{
	struct ks_rtaudio_buffer_property_with_notification in;
	struct ks_rtaudio_hwregister_property rp;
	uint8_t out[64];
	uint32_t ret;
	int before;

	ASSERT_EQ(0, open_render(self));
	before = pin_maps();
	memset(&in, 0, sizeof(in));
	in.property = rt_id(KSPROPERTY_RTAUDIO_BUFFER);
	in.requested_buffer_size = 8 * KIB;
	EXPECT_EQ(-EOVERFLOW, prop_raw(self->render, &in, sizeof(in), out, 15,
				       &ret));
	EXPECT_EQ(16u, ret);
	EXPECT_EQ(-EOVERFLOW, prop_raw(self->render, &in, sizeof(in), NULL, 0,
				       &ret));
	EXPECT_EQ(16u, ret);
	in.property.id = KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION;
	in.notification_count = 2;
	EXPECT_EQ(-EOVERFLOW, prop_raw(self->render, &in, sizeof(in), out, 8,
				       &ret));
	EXPECT_EQ(16u, ret);
	EXPECT_EQ(before, pin_maps());
	memset(&rp, 0, sizeof(rp));
	rp.property = rt_id(KSPROPERTY_RTAUDIO_POSITIONREGISTER);
	EXPECT_EQ(-EOVERFLOW, prop_raw(self->render, &rp, sizeof(rp), out, 39,
				       &ret));
	EXPECT_EQ(40u, ret);
	rp.property.id = KSPROPERTY_RTAUDIO_CLOCKREGISTER;
	EXPECT_EQ(-EOVERFLOW, prop_raw(self->render, &rp, sizeof(rp), NULL, 0,
				       &ret));
	EXPECT_EQ(40u, ret);
	EXPECT_EQ(before, pin_maps());
}

/* ---- the registers ---- */

TEST_F(rt, positionregister_read_only_32_bits_frame_accuracy)
{
	struct ks_rtaudio_hwregister r;
	struct ks_rtaudio_buffer b;
	uintptr_t start;
	char perms[8] = "";
	size_t len = 0;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
	ASSERT_EQ(0, rt_register(self->render,
				 KSPROPERTY_RTAUDIO_POSITIONREGISTER, &r));
	ASSERT_EQ(0, keep_map(self, r.reg));
	EXPECT_EQ(offsetof(struct ks_rtaudio_registers, position),
		  r.reg % page_size());
	EXPECT_EQ(32u, r.width);
	EXPECT_EQ(0u, r.reserved);
	EXPECT_EQ(0u, r.numerator);
	EXPECT_EQ(0u, r.denominator);
	EXPECT_EQ(self->frame, r.accuracy);
	EXPECT_EQ(0u, r.reserved2);
	ASSERT_EQ(0, map_of(r.reg, &start, &len, perms));
	EXPECT_STREQ("r--s", perms);
	EXPECT_EQ(0u, *(volatile uint32_t *)(uintptr_t)r.reg);
	EXPECT_EQ(-1, mprotect((void *)start, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(-1, mprotect((void *)start, len, PROT_WRITE));
}

TEST_F(rt, clockregister_read_only_64_bits_10mhz)
{
	struct ks_rtaudio_hwregister r;
	struct ks_rtaudio_buffer b;
	uintptr_t start;
	char perms[8] = "";
	size_t len = 0;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
	ASSERT_EQ(0, rt_register(self->render,
				 KSPROPERTY_RTAUDIO_CLOCKREGISTER, &r));
	ASSERT_EQ(0, keep_map(self, r.reg));
	EXPECT_EQ(offsetof(struct ks_rtaudio_registers, clock),
		  r.reg % page_size());
	EXPECT_EQ(0u, r.reg % 8);
	EXPECT_EQ(64u, r.width);
	EXPECT_EQ(0u, r.reserved);
	EXPECT_EQ(10000000u, r.numerator);
	EXPECT_EQ(1u, r.denominator);
	EXPECT_EQ(1u, r.accuracy);
	EXPECT_EQ(0u, r.reserved2);
	ASSERT_EQ(0, map_of(r.reg, &start, &len, perms));
	EXPECT_STREQ("r--s", perms);
	EXPECT_EQ(-1, mprotect((void *)start, len, PROT_READ | PROT_WRITE));
}

TEST_F(rt, register_page_mmap_writable_eperm)
{
	struct ks_rtaudio_registers *r;
	long page = page_size();
	void *p;

	ASSERT_EQ(0, open_render(self));
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, self->render,
		 KS_RTAUDIO_REGISTERS_OFFSET);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	if (p != MAP_FAILED)
		munmap(p, page);
	p = mmap(NULL, page, PROT_WRITE, MAP_SHARED, self->render,
		 KS_RTAUDIO_REGISTERS_OFFSET);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EPERM, errno);
	if (p != MAP_FAILED)
		munmap(p, page);
	/* Read-only it maps, and cannot be made writable. */
	r = mmap(NULL, page, PROT_READ, MAP_SHARED, self->render,
		 KS_RTAUDIO_REGISTERS_OFFSET);
	ASSERT_NE(MAP_FAILED, r) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0u, r->bytes);
	EXPECT_EQ(0u, r->sequence & 1);
	EXPECT_EQ(-1, mprotect(r, page, PROT_READ | PROT_WRITE));
	munmap(r, page);
}

TEST_F(rt, hwlatency_loopback_zero)
{
	struct ks_rtaudio_hwlatency lat;
	uint32_t ret;

	ASSERT_EQ(0, open_render(self));
	memset(&lat, 0xa5, sizeof(lat));
	ASSERT_EQ(0, rt_get(self->render, KSPROPERTY_RTAUDIO_HWLATENCY, &lat,
			    sizeof(lat), &ret));
	EXPECT_EQ(sizeof(lat), ret);
	EXPECT_EQ(0u, lat.fifo_size);
	EXPECT_EQ(0u, lat.chipset_delay);
	EXPECT_EQ(0u, lat.codec_delay);
}

TEST_F(rt, query_notification_support_true)
{
	uint32_t v = 0xa5a5a5a5, ret;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, rt_get(self->render,
			    KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT, &v,
			    sizeof(v), &ret));
	EXPECT_EQ(4u, ret);
	EXPECT_EQ(1u, v);
}

TEST_F(rt, getpositionfunction_enoent)
{
	uint64_t v;

	ASSERT_EQ(0, open_render(self));
	EXPECT_EQ(-ENOENT, rt_get(self->render,
				  KSPROPERTY_RTAUDIO_GETPOSITIONFUNCTION, &v,
				  sizeof(v), NULL));
	EXPECT_EQ(-ENOENT, rt_get(self->render, 9, &v, sizeof(v), NULL));
}

/* ---- notification events: the checks ---- */

TEST_F(rt, register_without_notifying_buffer_ebadfd)
{
	struct ks_rtaudio_buffer b;

	ASSERT_EQ(0, open_render(self));
	EXPECT_EQ(-EBADFD, rt_register_event(self->render, self->efd));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
	EXPECT_EQ(-EBADFD, rt_register_event(self->render, self->efd));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	EXPECT_EQ(0, rt_register_event(self->render, self->efd));
}

TEST_F(rt, register_bad_handles)
{
	struct ks_rtaudio_buffer b;
	int fds[2], closed;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	EXPECT_EQ(-EBADF, rt_event(self->render,
				   KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT,
				   (uint64_t)-1));
	EXPECT_EQ(-EBADF, rt_event(self->render,
				   KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT,
				   (uint32_t)-1));
	EXPECT_EQ(-EBADF, rt_event(self->render,
				   KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT,
				   1ULL << 32 | (uint64_t)self->efd));
	EXPECT_EQ(-EBADF, rt_register_event(self->render, 1000000));
	/* A closed eventfd's number. */
	closed = efd_open(0);
	ASSERT_LE(0, closed);
	close(closed);
	EXPECT_EQ(-EBADF, rt_register_event(self->render, closed));
	/* Not an eventfd: a pipe, the pin itself, the filter. */
	ASSERT_EQ(0, pipe2(fds, O_CLOEXEC));
	EXPECT_EQ(-EINVAL, rt_register_event(self->render, fds[0]));
	EXPECT_EQ(-EINVAL, rt_register_event(self->render, fds[1]));
	close(fds[0]);
	close(fds[1]);
	EXPECT_EQ(-EINVAL, rt_register_event(self->render, self->render));
	EXPECT_EQ(-EINVAL, rt_register_event(self->render, self->filter));
	/* None of them was registered. */
	EXPECT_EQ(0, rt_register_event(self->render, self->efd));
	EXPECT_EQ(0, rt_unregister_event(self->render, self->efd));
	EXPECT_EQ(-ENOENT, rt_unregister_event(self->render, self->efd));
}

/* A number that is an eventfd in a child only is no fd of the caller. */
TEST_F(rt, register_handle_of_another_process_ebadf)
{
	struct ks_rtaudio_buffer b;
	int sync[2], go[2], num = 777;
	pid_t pid;
	char c;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	ASSERT_EQ(-1, fcntl(num, F_GETFD));
	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int e = eventfd(0, 0);

		if (e < 0 || dup2(e, num) != num)
			_exit(1);
		if (write(sync[1], "x", 1) != 1)
			_exit(1);
		/* Hold it until the parent has asked. */
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(sync[1]);
	close(go[0]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	EXPECT_EQ(-EBADF, rt_register_event(self->render, num));
	EXPECT_EQ(1, write(go[1], "x", 1));
	close(sync[0]);
	close(go[1]);
	waitpid(pid, NULL, 0);
}

TEST_F(rt, register_same_eventfd_twice_eexist)
{
	struct ks_rtaudio_buffer b;
	int dup_fd;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 2, &b));
	EXPECT_EQ(0, rt_register_event(self->render, self->efd));
	EXPECT_EQ(-EEXIST, rt_register_event(self->render, self->efd));
	/* Another number for the same eventfd is the same eventfd. */
	dup_fd = dup(self->efd);
	ASSERT_LE(0, dup_fd);
	EXPECT_EQ(-EEXIST, rt_register_event(self->render, dup_fd));
	close(dup_fd);
	EXPECT_EQ(0, rt_unregister_event(self->render, self->efd));
	EXPECT_EQ(0, rt_register_event(self->render, self->efd));
}

TEST_F(rt, unregister_unknown_enoent)
{
	struct ks_rtaudio_buffer b;
	int other = efd_open(0);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	EXPECT_EQ(-ENOENT, rt_unregister_event(self->render, self->efd));
	EXPECT_EQ(0, rt_register_event(self->render, self->efd));
	EXPECT_EQ(-ENOENT, rt_unregister_event(self->render, other));
	EXPECT_EQ(-EBADF, rt_unregister_event(self->render, 1000000));
	EXPECT_EQ(0, rt_unregister_event(self->render, self->efd));
	close(other);
}

TEST_F(rt, at_most_64_events_enospc)
{
	struct ks_rtaudio_buffer b;
	int efds[EVENTS_MAX + 1], i, n = 0;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	for (i = 0; i <= EVENTS_MAX; i++) {
		efds[i] = efd_open(0);
		ASSERT_LE(0, efds[i]);
		n++;
	}
	for (i = 0; i < EVENTS_MAX; i++)
		EXPECT_EQ(0, rt_register_event(self->render, efds[i]))
			TH_LOG("event %d", i);
	EXPECT_EQ(-ENOSPC, rt_register_event(self->render, efds[EVENTS_MAX]));
	EXPECT_EQ(0, rt_unregister_event(self->render, efds[0]));
	EXPECT_EQ(0, rt_register_event(self->render, efds[EVENTS_MAX]));
	for (i = 0; i < n; i++)
		close(efds[i]);
}

/* ---- notifications on ks-loopback: paced by Capture's reader ---- */

/*
 * Render's WaveRT cycle of @ask bytes with @count notifications (after a
 * first BUFFER with @first_count, if not 0), played as Capture's reader
 * reads three cycles: the signals are those of the bytes played.
 */
static void loop_notifications(struct __test_metadata *_metadata,
			       FIXTURE_DATA(rt) *self, uint32_t ask,
			       uint32_t count, uint32_t first_count)
{
	const uint32_t cycles = 3;
	struct ks_rtaudio_registers *regs, now;
	struct ks_audio_position pos;
	struct ks_rtaudio_buffer b;
	uint64_t want, played, extra, i;
	uint8_t *buf, *in;
	uint32_t size;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, open_stream_capture(self));
	if (first_count) {
		ASSERT_EQ(0, render_buffer(self, 16 * KIB, first_count, &b));
		ASSERT_EQ(0, rt_register_event(self->render, self->efd));
	}
	ASSERT_EQ(0, render_buffer(self, ask, count, &b));
	size = b.actual_buffer_size;
	ASSERT_EQ(ask / self->frame * self->frame, size);
	buf = (uint8_t *)(uintptr_t)b.buffer_address;
	for (i = 0; i < size; i++)
		buf[i] = pat(i, count);
	if (!first_count)
		ASSERT_EQ(0, rt_register_event(self->render, self->efd));
	regs = regs_of(self, self->render);
	ASSERT_NE(NULL, regs);
	in = malloc((size_t)cycles * size);
	ASSERT_NE(NULL, in);
	RUN_BOTH();
	ASSERT_EQ((uint64_t)cycles * size,
		  read_exact(self->capture, in, (uint64_t)cycles * size,
			     SIGNAL_MS * 3));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	/* Render plays its buffer round and round, as it is. */
	for (i = 0; i < (uint64_t)cycles * size; i++)
		if (in[i] != pat(i % size, count))
			break;
	EXPECT_EQ((uint64_t)cycles * size, i) TH_LOG("byte %llu differs",
						    (unsigned long long)i);
	free(in);
	/* What was played ahead of the reader is still on its way. */
	extra = drain(self->capture, QUIET_MS);
	played = regs_settled(regs, 20);
	TH_LOG("played %llu for %u cycles read (%llu more queued)",
	       (unsigned long long)played, cycles, (unsigned long long)extra);
	EXPECT_EQ((uint64_t)cycles * size + extra, played);
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_EQ(played % size, now.position);
	EXPECT_EQ(0u, now.sequence & 1);
	ASSERT_EQ(0, get_position(self->render, &pos));
	EXPECT_EQ(played, pos.play_offset);
	EXPECT_EQ(played + size, pos.write_offset);
	want = notifications(played, size, count, self->frame);
	EXPECT_LE((uint64_t)cycles * count, want);
	EXPECT_EQ((long long)want, efd_wait(self->efd, want + 1, QUIET_MS));
}

TEST_F(rt, loopback_notifications_count_1_per_cycle)
{
	loop_notifications(_metadata, self, 16 * KIB, 1, 0);
}

TEST_F(rt, loopback_notifications_count_2_per_cycle)
{
	loop_notifications(_metadata, self, 16 * KIB, 2, 0);
}

/* A 6-byte frame: the middle of a 1001-frame cycle is frame 500. */
TEST_F(rt, loopback_notifications_odd_frames)
{
	self->fmt = &fmt_odd;
	self->frame = 6;
	loop_notifications(_metadata, self, 6006, 2, 0);
}

/* A second BUFFER in STOP: its size and count are the ones that apply. */
TEST_F(rt, loopback_notifications_after_second_buffer)
{
	loop_notifications(_metadata, self, 8 * KIB, 1, 2);
}

TEST_F(rt, unregister_stops_signals)
{
	struct ks_rtaudio_buffer b;
	uint32_t size;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, open_stream_capture(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 2, &b));
	size = b.actual_buffer_size;
	ASSERT_EQ(0, rt_register_event(self->render, self->efd));
	RUN_BOTH();
	ASSERT_EQ(2u * size, read_exact(self->capture, NULL, 2 * size,
					SIGNAL_MS));
	EXPECT_LE(4, efd_wait(self->efd, 4, SIGNAL_MS));
	ASSERT_EQ(0, rt_unregister_event(self->render, self->efd));
	efd_take(self->efd);
	ASSERT_EQ(4u * size, read_exact(self->capture, NULL, 4 * size,
					SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

/* The module holds the eventfd: closing it after REGISTER is allowed. */
TEST_F(rt, eventfd_closed_after_register)
{
	struct ks_rtaudio_buffer b;
	uint32_t size;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, open_stream_capture(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	size = b.actual_buffer_size;
	ASSERT_EQ(0, rt_register_event(self->render, self->efd));
	close_fd(&self->efd);
	RUN_BOTH();
	EXPECT_EQ(3u * size, read_exact(self->capture, NULL, 3 * size,
					SIGNAL_MS));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_STOP));
}

TEST_F(rt, stop_restarts_position_at_zero)
{
	struct ks_rtaudio_registers *regs, now;
	struct ks_audio_position pos;
	struct ks_rtaudio_buffer b;
	uint32_t size;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, open_stream_capture(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	size = b.actual_buffer_size;
	regs = regs_of(self, self->render);
	ASSERT_NE(NULL, regs);
	RUN_BOTH();
	ASSERT_EQ(size + size / 2,
		  read_exact(self->capture, NULL, size + size / 2, SIGNAL_MS));
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_LE(size + size / 2, now.bytes);
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_STOP));
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_EQ(0u, now.bytes);
	EXPECT_EQ(0u, now.position);
	ASSERT_EQ(0, get_position(self->render, &pos));
	EXPECT_EQ(0u, pos.play_offset);
	/* And it moves again from 0. */
	drain(self->capture, QUIET_MS);
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	ASSERT_EQ(size / 2, read_exact(self->capture, NULL, size / 2,
				       SIGNAL_MS));
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_LE(size / 2, now.bytes);
	EXPECT_EQ(now.bytes % size, now.position);
}

/*
 * The pin's clock and its LoopedStreaming POSITION events follow the
 * device: TIME is the bytes played at the byte rate.
 */
TEST_F(rt, clock_and_position_event_follow_device)
{
	static const struct ks_guid set_clock = KSPROPSETID_CLOCK;
	static const struct ks_guid set_looped = KSEVENTSETID_LOOPEDSTREAMING;
	struct ks_loopedstreaming_position_event_data d;
	struct ks_create_clock req = { .flags = O_CLOEXEC };
	struct ks_rtaudio_registers *regs;
	struct ks_identifier e;
	struct ks_ioctl_buffers io;
	struct ks_rtaudio_buffer b;
	uint64_t played;
	int64_t t = -1;
	int clock, pos_efd = efd_open(0);

	ASSERT_LE(0, pos_efd);
	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, open_stream_capture(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
	regs = regs_of(self, self->render);
	ASSERT_NE(NULL, regs);
	clock = ioctl(self->render, KS_IOCTL_CREATE_CLOCK, &req);
	ASSERT_LE(0, clock);
	/* A position in the middle of the WaveRT cycle. */
	memset(&e, 0, sizeof(e));
	e.set = set_looped;
	e.id = KSEVENT_LOOPEDSTREAMING_POSITION;
	e.flags = KSEVENT_TYPE_ENABLE;
	memset(&d, 0, sizeof(d));
	d.event_data.notification_type = KSEVENTF_EVENT_HANDLE;
	d.event_data.handle = (uint64_t)pos_efd;
	d.position = 4 * KIB;
	memset(&io, 0, sizeof(io));
	io.in = (uintptr_t)&e;
	io.in_size = sizeof(e);
	io.out = (uintptr_t)&d;
	io.out_size = sizeof(d);
	ASSERT_EQ(0, ioctl(self->render, KS_IOCTL_ENABLE_EVENT, &io));
	RUN_BOTH();
	ASSERT_EQ(5u * 8 * KIB, read_exact(self->capture, NULL, 5 * 8 * KIB,
					   SIGNAL_MS));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	drain(self->capture, QUIET_MS);
	played = regs_settled(regs, 20);
	EXPECT_EQ(0, ks_property(clock, &set_clock, KSPROPERTY_CLOCK_TIME,
				 KSPROPERTY_TYPE_GET, NULL, 0, &t, sizeof(t),
				 NULL));
	EXPECT_EQ((int64_t)(played * 10000000ULL / (48000 * 4)), t);
	/* 4 KiB into each cycle passed. */
	EXPECT_EQ((long long)((played + 4 * KIB - 1) / (8 * KIB)),
		  efd_wait(pos_efd, LLONG_MAX, QUIET_MS));
	close(clock);
	close(pos_efd);
}

/* With no Capture running, nothing reads: Render is not played at all. */
TEST_F(rt, render_not_played_without_capture)
{
	struct ks_rtaudio_registers *regs, now;
	struct ks_rtaudio_buffer b;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	ASSERT_EQ(0, rt_register_event(self->render, self->efd));
	regs = regs_of(self, self->render);
	ASSERT_NE(NULL, regs);
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_EQ(0u, now.bytes);
	/* A Capture pin that only exists, in STOP, does not read either. */
	ASSERT_EQ(0, open_stream_capture(self));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_EQ(0u, now.bytes);
	/* Once it runs, Render plays. */
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	EXPECT_EQ(8 * KIB, read_exact(self->capture, NULL, 8 * KIB, SIGNAL_MS));
	EXPECT_LE(1, efd_wait(self->efd, 1, SIGNAL_MS));
}

/* ---- streaming in WaveRT mode ---- */

TEST_F(rt, render_read_write_position_set_ebusy)
{
	struct ks_stream_header h;
	struct ks_rtaudio_buffer b;
	struct ks_ioctl_buffers io;
	uint8_t data[64] = { 0 };

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, open_stream_capture(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	EXPECT_EQ(-1, write(self->render, data, sizeof(data)));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, read(self->render, data, sizeof(data)));
	EXPECT_EQ(EBUSY, errno);
	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.frame_extent = sizeof(data);
	h.data_used = sizeof(data);
	h.data = (uintptr_t)data;
	memset(&io, 0, sizeof(io));
	io.in = (uintptr_t)&h;
	io.in_size = sizeof(h);
	EXPECT_EQ(-1, ioctl(self->render, KS_IOCTL_WRITE_STREAM, &io));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ioctl(self->render, KS_IOCTL_READ_STREAM, &io));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-EBUSY, set_position(self->render, 0, 64));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	EXPECT_EQ(-1, write(self->render, data, sizeof(data)));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-EBUSY, set_position(self->render, 0, 64));
}

TEST_F(rt, capture_read_position_set_ebusy)
{
	struct ks_rtaudio_buffer b;
	uint8_t data[64];

	self->capture = looped_pin(self->filter, PIN_CAPTURE, &fmt_default);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, rt_buffer(self->capture, 8 * KIB, 0, &b));
	ASSERT_EQ(0, keep_map(self, b.buffer_address));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_PAUSE));
	EXPECT_EQ(-1, read(self->capture, data, sizeof(data)));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-EBUSY, set_position(self->capture, 64, 0));
}

/*
 * Render's writer writes @total bytes in writes of @chunk; Capture, in
 * WaveRT mode, records them when they are written: its register page
 * reaches @total, and the last cycle is in its buffer where the register
 * says.
 */
static void capture_records(struct __test_metadata *_metadata,
			    FIXTURE_DATA(rt) *self, uint32_t chunk)
{
	struct ks_rtaudio_registers *regs, now;
	struct ks_audio_position pos;
	struct ks_rtaudio_buffer b;
	uint64_t total, i, bad = 0;
	long long end;
	uint8_t *buf, *data;
	uint32_t size;

	self->render = pin_open(self->filter, PIN_RENDER, &fmt_default,
				KSINTERFACE_STANDARD_STREAMING,
				KS_GENERIC_WRITE);
	ASSERT_LE(0, self->render);
	self->capture = looped_pin(self->filter, PIN_CAPTURE, &fmt_default);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, rt_buffer(self->capture, 16 * KIB, 0, &b));
	ASSERT_EQ(0, keep_map(self, b.buffer_address));
	size = b.actual_buffer_size;
	buf = (uint8_t *)(uintptr_t)b.buffer_address;
	regs = regs_of(self, self->capture);
	ASSERT_NE(NULL, regs);
	total = size + size / 2;
	data = malloc(total);
	ASSERT_NE(NULL, data);
	for (i = 0; i < total; i++)
		data[i] = pat(i, 7);
	RUN_BOTH();
	for (i = 0; i < total; i += chunk)
		ASSERT_EQ(0, write_all(self->render, data + i,
				       total - i < chunk ? total - i : chunk));
	end = ks_now_ms() + SIGNAL_MS;
	do {
		ASSERT_EQ(0, regs_read(regs, &now));
		if (now.bytes >= total)
			break;
		ks_sleep_ms(5);
	} while (ks_now_ms() < end);
	EXPECT_EQ(total, now.bytes);
	EXPECT_EQ(total % size, now.position);
	/* The last cycle's bytes are where the register says they went. */
	for (i = total - size; i < total; i++)
		bad += buf[i % size] != data[i];
	EXPECT_EQ(0u, bad);
	ASSERT_EQ(0, get_position(self->capture, &pos));
	EXPECT_EQ(total, pos.write_offset);
	EXPECT_EQ(total, pos.play_offset);
	free(data);
}

/* One write of a cycle and a half: all of it is recorded. */
TEST_F(rt, capture_records_what_render_writes)
{
	capture_records(_metadata, self, 24 * KIB);
}

TEST_F(rt, capture_records_what_render_writes_in_small_writes)
{
	capture_records(_metadata, self, 4 * KIB);
}

TEST_F(rt, loopback_second_wavert_pin_ebusy)
{
	struct ks_rtaudio_buffer b;
	int before;

	ASSERT_EQ(0, open_render(self));
	self->capture = looped_pin(self->filter, PIN_CAPTURE, &fmt_default);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 0, &b));
	before = pin_maps();
	EXPECT_EQ(-EBUSY, rt_buffer(self->capture, 8 * KIB, 0, &b));
	EXPECT_EQ(-EBUSY, rt_buffer(self->capture, 8 * KIB, 1, &b));
	EXPECT_EQ(before, pin_maps());
	/* Once Render is gone, Capture may. */
	unmap_all(self);
	close_fd(&self->render);
	EXPECT_EQ(0, rt_buffer(self->capture, 8 * KIB, 0, &b));
	EXPECT_EQ(0, keep_map(self, b.buffer_address));
}

/* A new Render pin: it can be made only once the old one has closed. */
static int new_render(FIXTURE_DATA(rt) *self)
{
	int fd = looped_pin(self->filter, PIN_RENDER, &fmt_default);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

/* ---- races ---- */

struct toggler {
	int fd;
	volatile bool stop;
};

static void *toggle_state(void *arg)
{
	struct toggler *t = arg;

	while (!t->stop) {
		ks_pin_set_state(t->fd, KSSTATE_PAUSE);
		ks_pin_set_state(t->fd, KSSTATE_STOP);
	}
	return NULL;
}

/*
 * BUFFER while another thread moves the pin in and out of STOP: each
 * request maps the buffer or fails with EBUSY, and a failure leaves
 * nothing mapped.
 */
TEST_F_TIMEOUT(rt, buffer_racing_state_changes, 120)
{
	struct toggler t = { .stop = false };
	struct ks_rtaudio_buffer b;
	unsigned int ok = 0, busy = 0, i;
	pthread_t th;
	int ret;

	ASSERT_EQ(0, open_render(self));
	t.fd = self->render;
	ASSERT_EQ(0, pthread_create(&th, NULL, toggle_state, &t));
	for (i = 0; i < 2000; i++) {
		ret = rt_buffer(self->render, 4 * KIB + 4 * (i % 512), 1 + i % 2,
				&b);
		if (ret == 0) {
			ok++;
			ASSERT_EQ(0, keep_map(self, b.buffer_address));
			ASSERT_EQ(0, drop_map(self, b.buffer_address));
		} else {
			EXPECT_EQ(-EBUSY, ret);
			busy++;
		}
		/* Nothing of ours stays mapped, whichever way it went. */
		ASSERT_EQ(0, pin_maps()) TH_LOG("request %u: %s", i,
						strerror(-ret));
	}
	t.stop = true;
	pthread_join(th, NULL);
	TH_LOG("%u mapped, %u refused", ok, busy);
	close_fd(&self->render);
	EXPECT_EQ(0, new_render(self));
}

/* ---- lifetime ---- */

TEST_F(rt, pin_closes_when_fd_and_mappings_are_gone)
{
	struct ks_rtaudio_hwregister r;
	struct ks_rtaudio_buffer b;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, open_stream_capture(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 2, &b));
	ASSERT_EQ(0, rt_register_event(self->render, self->efd));
	ASSERT_EQ(0, rt_register(self->render,
				 KSPROPERTY_RTAUDIO_POSITIONREGISTER, &r));
	ASSERT_EQ(0, keep_map(self, r.reg));
	RUN_BOTH();
	EXPECT_EQ(8 * KIB, read_exact(self->capture, NULL, 8 * KIB, SIGNAL_MS));
	close_fd(&self->render);
	/* Both mappings hold it. */
	EXPECT_EQ(-EBUSY, new_render(self));
	EXPECT_EQ(0, drop_map(self, b.buffer_address));
	EXPECT_EQ(-EBUSY, new_render(self));
	EXPECT_EQ(0, drop_map(self, r.reg));
	EXPECT_EQ(0, new_render(self));
	/* No signal comes from the closed pin. */
	efd_take(self->efd);
	drain(self->capture, QUIET_MS);
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

TEST_F(rt, pin_closes_with_register_page_gone_first)
{
	struct ks_rtaudio_buffer b;
	struct ks_rtaudio_registers *regs;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	ASSERT_EQ(0, rt_register_event(self->render, self->efd));
	regs = regs_of(self, self->render);
	ASSERT_NE(NULL, regs);
	EXPECT_EQ(0, drop_map(self, (uintptr_t)regs));
	close_fd(&self->render);
	EXPECT_EQ(-EBUSY, new_render(self));
	EXPECT_EQ(0, drop_map(self, b.buffer_address));
	EXPECT_EQ(0, new_render(self));
}

/* Unmapped a piece at a time, the buffer still holds the pin to the end. */
TEST_F(rt, pin_closes_after_partial_munmaps)
{
	struct ks_rtaudio_buffer b;
	long page = page_size();
	uintptr_t start;
	size_t len;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 16 * KIB, 1, &b));
	ASSERT_EQ(0, map_of(b.buffer_address, &start, &len, NULL));
	ASSERT_LE((size_t)(3 * page), len);
	close_fd(&self->render);
	/* The middle page first: two pieces are left. */
	EXPECT_EQ(0, munmap((void *)(start + page), page));
	EXPECT_EQ(-EBUSY, new_render(self));
	EXPECT_EQ(0, munmap((void *)start, page));
	EXPECT_EQ(-EBUSY, new_render(self));
	EXPECT_EQ(0, munmap((void *)(start + 2 * page), len - 2 * page));
	self->nmaps = 0;
	EXPECT_EQ(0, new_render(self));
}

/* A mapping moved elsewhere (mremap) is the same mapping. */
TEST_F(rt, pin_closes_after_mremap)
{
	struct ks_rtaudio_buffer b;
	long page = page_size();
	void *moved, *target;
	uintptr_t start;
	size_t len;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	ASSERT_EQ(1u, self->nmaps);
	ASSERT_EQ(0, map_of(b.buffer_address, &start, &len, NULL));
	/* Onto a place of our own, so that MREMAP_FIXED replaces nothing. */
	target = mmap(NULL, len + page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	ASSERT_NE(MAP_FAILED, target);
	munmap((uint8_t *)target + len, page);
	moved = mremap((void *)start, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		       target);
	if (moved == MAP_FAILED) {
		TH_LOG("mremap: %s (the buffer stays)", strerror(errno));
		munmap(target, len);
	} else {
		ASSERT_EQ(target, moved);
		((volatile uint8_t *)moved)[1] = 0x77;
		self->maps[0] = (struct mapping){ moved, len };
	}
	close_fd(&self->render);
	EXPECT_EQ(-EBUSY, new_render(self));
	unmap_all(self);
	EXPECT_EQ(0, new_render(self));
}

/* A child's copy of the mappings holds the pin too, until it exits. */
TEST_F(rt, pin_held_by_a_childs_mapping)
{
	struct ks_rtaudio_buffer b;
	volatile uint8_t *buf;
	int go[2], done[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, open_render(self));
	ASSERT_EQ(0, render_buffer(self, 8 * KIB, 1, &b));
	buf = (volatile uint8_t *)(uintptr_t)b.buffer_address;
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(self->render);
		buf[5] = 0x42;
		if (write(done[1], "x", 1) != 1)
			_exit(1);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		/* The parent's mapping is gone: ours still is the buffer. */
		_exit(buf[5] == 0x42 ? 0 : 2);
	}
	close(go[0]);
	close(done[1]);
	ASSERT_EQ(1, read(done[0], &c, 1));
	/* Shared: the child's write is in the parent's mapping. */
	EXPECT_EQ(0x42, buf[5]);
	unmap_all(self);
	close_fd(&self->render);
	EXPECT_EQ(-EBUSY, new_render(self));
	EXPECT_EQ(1, write(go[1], "x", 1));
	{
		int st = -1;

		waitpid(pid, &st, 0);
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	close(go[1]);
	close(done[0]);
	EXPECT_EQ(0, new_render(self));
}

/* ---- ks-audio: its clock sets the pace ---- */

FIXTURE(card) {
	int wave;
	int pin;
	int efd;
	struct mapping maps[MAPS_MAX];
	unsigned int nmaps;
};

FIXTURE_SETUP(card)
{
	int ret, idx;

	self->wave = self->pin = self->efd = -1;
	self->nmaps = 0;
	ret = unload_module_wait(AUDIO_MODNAME);
	ASSERT_TRUE(ret == 0 || ret == -ENOENT) TH_LOG("rmmod: %s",
						       strerror(-ret));
	ret = load_module("ks-audio.ko", "cards=1");
	ASSERT_EQ(0, ret) TH_LOG("loading %s/ks-audio.ko: %s (errno %d)",
				 module_dir(), strerror(-ret), -ret);
	idx = ks_find_filter(WAVE_FILTER);
	ASSERT_LE(0, idx) TH_LOG("no " WAVE_FILTER);
	self->wave = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->wave);
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(card)
{
	while (self->nmaps) {
		struct mapping *m = &self->maps[--self->nmaps];

		munmap(m->addr, m->len);
	}
	close_fd(&self->pin);
	close_fd(&self->wave);
	close_fd(&self->efd);
	EXPECT_EQ(0, unload_module_wait(AUDIO_MODNAME));
}

static int card_keep(FIXTURE_DATA(card) *self, uint64_t addr)
{
	uintptr_t start;
	size_t len;

	if (map_of((uintptr_t)addr, &start, &len, NULL))
		return -ENOENT;
	if (self->nmaps < MAPS_MAX)
		self->maps[self->nmaps++] = (struct mapping){
			(void *)start, len };
	return 0;
}

/* Bytes a second of pcm:48000:2:16. */
#define CARD_BPS	(48000 * 4)

TEST_F(card, hwlatency_one_period)
{
	struct ks_rtaudio_hwlatency lat;
	uint32_t v;

	self->pin = looped_pin(self->wave, AUDIO_WAVE_PIN_RENDER, &fmt_default);
	ASSERT_LE(0, self->pin);
	ASSERT_EQ(0, rt_get(self->pin, KSPROPERTY_RTAUDIO_HWLATENCY, &lat,
			    sizeof(lat), NULL));
	EXPECT_EQ(CARD_BPS * AUDIO_PERIOD_MS / 1000, lat.fifo_size);
	TH_LOG("chipset_delay %u codec_delay %u", lat.chipset_delay,
	       lat.codec_delay);
	ASSERT_EQ(0, rt_get(self->pin,
			    KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT, &v,
			    sizeof(v), NULL));
	EXPECT_EQ(1u, v);
}

static void card_notifications(struct __test_metadata *_metadata,
			       FIXTURE_DATA(card) *self, uint32_t pin,
			       uint32_t count)
{
	struct ks_rtaudio_registers *regs, now;
	struct ks_rtaudio_hwregister r;
	struct ks_audio_position pos;
	struct ks_rtaudio_buffer b;
	uint64_t want, played;
	long long t0, t1;
	uint32_t size;

	self->pin = looped_pin(self->wave, pin, &fmt_default);
	ASSERT_LE(0, self->pin);
	/* 50 ms a cycle. */
	ASSERT_EQ(0, rt_buffer(self->pin, CARD_BPS / 20, count, &b));
	ASSERT_EQ(0, card_keep(self, b.buffer_address));
	size = b.actual_buffer_size;
	ASSERT_EQ(CARD_BPS / 20, size);
	ASSERT_EQ(0, rt_register_event(self->pin, self->efd));
	ASSERT_EQ(0, rt_register(self->pin,
				 KSPROPERTY_RTAUDIO_POSITIONREGISTER, &r));
	ASSERT_EQ(0, card_keep(self, r.reg));
	regs = (void *)(uintptr_t)r.reg;
	t0 = ks_now_ms();
	ASSERT_EQ(0, ks_pin_set_state(self->pin, KSSTATE_RUN));
	ks_sleep_ms(500);
	ASSERT_EQ(0, ks_pin_set_state(self->pin, KSSTATE_PAUSE));
	t1 = ks_now_ms();
	played = regs_settled(regs, 30);
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_EQ(played % size, now.position);
	EXPECT_EQ(0u, now.sequence & 1);
	TH_LOG("%llu bytes in %lld ms", (unsigned long long)played, t1 - t0);
	/* At the card's rate, within what a slow VM allows. */
	EXPECT_LE(played, (uint64_t)CARD_BPS * (t1 - t0 + 30) / 1000);
	EXPECT_LE((uint64_t)CARD_BPS * (t1 - t0) / 4000, played);
	ASSERT_EQ(0, get_position(self->pin, &pos));
	EXPECT_EQ(played, pin == AUDIO_WAVE_PIN_RENDER ? pos.play_offset :
							 pos.write_offset);
	want = notifications(played, size, count, 4);
	EXPECT_EQ((long long)want, efd_wait(self->efd, want + 1, QUIET_MS));
	/* Stood still in PAUSE: no more. */
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	ASSERT_EQ(0, regs_read(regs, &now));
	EXPECT_EQ(played, now.bytes);
}

TEST_F_TIMEOUT(card, render_notifications_count_1, 60)
{
	card_notifications(_metadata, self, AUDIO_WAVE_PIN_RENDER, 1);
}

TEST_F_TIMEOUT(card, render_notifications_count_2, 60)
{
	card_notifications(_metadata, self, AUDIO_WAVE_PIN_RENDER, 2);
}

TEST_F_TIMEOUT(card, capture_notifications_count_2, 60)
{
	card_notifications(_metadata, self, AUDIO_WAVE_PIN_CAPTURE, 2);
}

TEST_F(card, clock_register_follows_monotonic_clock)
{
	struct ks_rtaudio_registers *regs, now;
	struct ks_rtaudio_hwregister r;
	struct ks_rtaudio_buffer b;
	struct timespec ts;
	uint64_t before, after;

	self->pin = looped_pin(self->wave, AUDIO_WAVE_PIN_RENDER, &fmt_default);
	ASSERT_LE(0, self->pin);
	ASSERT_EQ(0, rt_buffer(self->pin, CARD_BPS / 20, 0, &b));
	ASSERT_EQ(0, card_keep(self, b.buffer_address));
	ASSERT_EQ(0, rt_register(self->pin, KSPROPERTY_RTAUDIO_CLOCKREGISTER,
				 &r));
	ASSERT_EQ(0, card_keep(self, r.reg));
	regs = (void *)(uintptr_t)(r.reg -
				   offsetof(struct ks_rtaudio_registers, clock));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	before = ts.tv_sec * 10000000ULL + ts.tv_nsec / 100;
	ASSERT_EQ(0, ks_pin_set_state(self->pin, KSSTATE_RUN));
	ks_sleep_ms(100);
	ASSERT_EQ(0, regs_read(regs, &now));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	after = ts.tv_sec * 10000000ULL + ts.tv_nsec / 100;
	EXPECT_LT(0u, now.bytes);
	EXPECT_LE(before, now.clock);
	EXPECT_GE(after, now.clock);
	/* The register is the page's clock field. */
	EXPECT_LE(now.clock, *(volatile uint64_t *)(uintptr_t)r.reg);
}

TEST_HARNESS_MAIN
