// SPDX-License-Identifier: GPL-2.0
/*
 * KS events: KS_IOCTL_ENABLE_EVENT and KS_IOCTL_DISABLE_EVENT on pin and
 * filter fds, signalling the caller's eventfd as Windows' KsEnableEvent
 * signals an event or a semaphore handle.
 *
 *  - the checks of an ENABLE request, in their order (one test each,
 *    named after the check, the bad request next to a good one);
 *  - KSEVENTF_EVENT_HANDLE adds 1 to the eventfd, SEMAPHORE_HANDLE its
 *    adjustment (an EFD_SEMAPHORE eventfd and a plain one); a ONESHOT
 *    event is removed once signalled;
 *  - KSEVENT_CONNECTION_ENDOFSTREAM on ks-loopback's Render (when the
 *    loopback takes the mark) and Capture (when the reader reads the end);
 *  - KSEVENT_CONNECTION_DATADISCONTINUITY from a flagged packet, and from
 *    ks-audio's Render running with nothing written (an underrun);
 *  - KSEVENT_LOOPEDSTREAMING_POSITION on standard and looped pins: an IN
 *    pin's play offset, an OUT pin's write offset, once per pass;
 *  - DISABLE of one event and of all, closing the pin fd, the eventfd
 *    closed after ENABLE, and the filter unregistered (ks-tonegen).
 *
 * Waits are polls of the eventfd with short timeouts: a missing signal
 * fails the test, it never hangs it.
 */
#include <limits.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>

#include "ks_selftest.h"

#include "../module/samples/ks-tonegen.h"
#include "../module/samples/ks-audio.h"

#define KIB		1024u

/* How long a signal may take to come, and how long "none" is watched. */
#define SIGNAL_MS	3000
#define QUIET_MS	200

/* Events one fd may hold. */
#define EVENTS_MAX	64

/* KSEVENTF_EVENT_OBJECT: a kernel-mode notification, not ours. */
#define KSEVENTF_EVENT_OBJECT	0x00000004

static const struct ks_guid set_connection = KSEVENTSETID_CONNECTION;
static const struct ks_guid set_looped = KSEVENTSETID_LOOPEDSTREAMING;
/* A set no object offers (KSPROPSETID_PIN is a property set). */
static const struct ks_guid set_unknown = KSPROPSETID_PIN;

static const struct ks_audio_params fmt_default = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

/* ---- the two ioctls ---- */

/*
 * KS_IOCTL_ENABLE_EVENT with every buffer given: 0 or -errno; *returned
 * gets what the kernel left there (0xdeadbeef if it wrote nothing).
 */
static int enable_raw(int fd, const void *in, uint32_t in_size, void *out,
		      uint32_t out_size, uint32_t reserved, uint32_t *returned)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
		.in_size = in_size,
		.out_size = out_size,
		.returned = 0xdeadbeef,
		.reserved = reserved,
	};
	int ret = ioctl(fd, KS_IOCTL_ENABLE_EVENT, &b);

	if (returned)
		*returned = b.returned;
	return ret < 0 ? -errno : ret;
}

static int disable_raw(int fd, const void *in, uint32_t in_size,
		       uint32_t reserved)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)in,
		.in_size = in_size,
		.reserved = reserved,
	};

	return ioctl(fd, KS_IOCTL_DISABLE_EVENT, &b) < 0 ? -errno : 0;
}

/* DISABLE of the event enabled with the KSEVENTDATA at @data. */
static int disable_ev(int fd, const void *data)
{
	return disable_raw(fd, data, sizeof(struct ks_event_data), 0);
}

/* DISABLE of every event of @fd. */
static int disable_all(int fd)
{
	return disable_raw(fd, NULL, 0, 0);
}

static struct ks_identifier ev_id(const struct ks_guid *set, uint32_t id,
				  uint32_t flags)
{
	struct ks_identifier e;

	memset(&e, 0, sizeof(e));
	e.set = *set;
	e.id = id;
	e.flags = flags;
	return e;
}

/* KSEVENTDATA for an event handle: @efd is signalled by 1. */
static void data_event(struct ks_event_data *d, int efd)
{
	memset(d, 0, sizeof(*d));
	d->notification_type = KSEVENTF_EVENT_HANDLE;
	d->handle = (uint64_t)efd;
}

/* KSEVENTDATA for a semaphore handle: @efd is signalled by @adjustment. */
static void data_semaphore(struct ks_event_data *d, int efd,
			   int32_t adjustment)
{
	memset(d, 0, sizeof(*d));
	d->notification_type = KSEVENTF_SEMAPHORE_HANDLE;
	d->handle = (uint64_t)efd;
	d->adjustment = adjustment;
}

/* ENABLE (or @flags) of Connection event @id, with the KSEVENTDATA at @d. */
static int enable_conn(int fd, uint32_t id, uint32_t flags,
		       struct ks_event_data *d)
{
	struct ks_identifier e = ev_id(&set_connection, id, flags);

	return enable_raw(fd, &e, sizeof(e), d, sizeof(*d), 0, NULL);
}

/* ENABLE of the looped position @pos, signalling @efd by 1. */
static int enable_position(int fd, uint64_t pos,
			   struct ks_loopedstreaming_position_event_data *d, int efd)
{
	struct ks_identifier e = ev_id(&set_looped,
				       KSEVENT_LOOPEDSTREAMING_POSITION,
				       KSEVENT_TYPE_ENABLE);

	memset(d, 0, sizeof(*d));
	data_event(&d->event_data, efd);
	d->position = pos;
	return enable_raw(fd, &e, sizeof(e), d, sizeof(*d), 0, NULL);
}

/* A support query (SETSUPPORT, BASICSUPPORT) without out: 0 or -errno. */
static int support(int fd, const struct ks_guid *set, uint32_t id,
		   uint32_t type, uint32_t *returned)
{
	struct ks_identifier e = ev_id(set, id, type);

	return enable_raw(fd, &e, sizeof(e), NULL, 0, 0, returned);
}

/* ---- eventfds (the helpers are in ks_selftest.h) ---- */

/* The revents of @fd's POLLIN within SIGNAL_MS (0: none came). */
static short poll_one(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, SIGNAL_MS) == 1 ? p.revents : 0;
}

/* ---- pins and streams ---- */

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/* A pin of ks-loopback with interface @iface and @access: fd or -errno. */
static int loop_pin(int filter, uint32_t pin, uint32_t iface, uint32_t access)
{
	struct ks_req r;
	uint32_t reason;
	int n;

	memset(&r, 0, sizeof(r));
	ks_connect_init(&r.c, pin);
	n = ks_build_format(&fmt_default, &r.f, sizeof(r.f));
	if (n < 0)
		return n;
	r.c.interface.id = iface;
	return ks_create(filter, &r, sizeof(r.c) + n, access, O_CLOEXEC,
			 &reason);
}

static void hdr_init(struct ks_stream_header *h, void *data, uint32_t extent,
		     uint32_t used, uint32_t flags)
{
	memset(h, 0, sizeof(*h));
	h->size = sizeof(*h);
	h->frame_extent = extent;
	h->data_used = used;
	h->data = (uintptr_t)data;
	h->options_flags = flags;
}

static int stream_ioctl(int fd, unsigned long cmd, struct ks_stream_header *h,
			uint32_t count)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)h,
		.in_size = count * sizeof(*h),
	};

	return ioctl(fd, cmd, &b) < 0 ? -errno : 0;
}

/* One WRITE_STREAM packet of @len zero bytes (may be 0) with @flags. */
static int write_packet(int fd, uint32_t len, uint32_t flags)
{
	static uint8_t zero[4096];
	struct ks_stream_header h;

	if (len > sizeof(zero))
		return -E2BIG;
	hdr_init(&h, len ? zero : NULL, len, len, flags);
	return stream_ioctl(fd, KS_IOCTL_WRITE_STREAM, &h, 1);
}

/*
 * Read a non-blocking fd until it returns 0 (the end of the stream), for
 * at most @ms: the bytes read before it, -ETIMEDOUT, or -errno.
 */
static long long read_to_end(int fd, int ms)
{
	long long end = ks_now_ms() + ms, total = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t buf[4096];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return total;
		if (n > 0) {
			total += n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		if (ks_now_ms() >= end)
			return -ETIMEDOUT;
		poll(&p, 1, 50);
	}
}

/*
 * Stream @total bytes Render -> Capture (both non-blocking and running),
 * writing what fits and reading what comes, for at most @ms: the bytes
 * read, or -errno.
 */
static long long pump(int render, int capture, size_t total, int ms)
{
	long long end = ks_now_ms() + ms;
	static uint8_t out[16 * KIB], in[16 * KIB];
	size_t w = 0, r = 0;
	ssize_t n;

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
		n = read(capture, in, sizeof(in));
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

/* How often an offset going 0 -> @end passes @pos of a @size buffer. */
static unsigned int passes(uint64_t pos, uint64_t size, uint64_t end)
{
	unsigned int n = 0;
	uint64_t x;

	for (x = pos; x < end; x += size)
		if (x > 0)
			n++;
	return n;
}

static const struct ks_guid stream_set = KSPROPSETID_KSFILTER_STREAM;

/* POSITION SET of a looped pin (the value in out, as a Windows SET). */
static int set_position(int fd, uint64_t play, uint64_t write_offset)
{
	struct ks_audio_position v = { play, write_offset };

	return ks_property(fd, &stream_set, KSPROPERTY_KSFILTER_STREAM_POSITION,
			   KSPROPERTY_TYPE_SET, NULL, 0, &v, sizeof(v), NULL);
}

static int get_position(int fd, struct ks_audio_position *pos)
{
	uint32_t got = 0;
	int ret = ks_property(fd, &stream_set,
			      KSPROPERTY_KSFILTER_STREAM_POSITION,
			      KSPROPERTY_TYPE_GET, NULL, 0, pos, sizeof(*pos),
			      &got);

	return ret < 0 ? ret : got == sizeof(*pos) ? 0 : -EPROTO;
}

/* ---- the fixture: ks-loopback's Render and Capture, STREAMING ---- */

FIXTURE(ev) {
	int filter;
	int render;
	int capture;
	int efd;
};

FIXTURE_SETUP(ev)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->render = self->capture = self->efd = -1;
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->render = loop_pin(self->filter, PIN_RENDER,
				KSINTERFACE_STANDARD_STREAMING,
				KS_GENERIC_WRITE);
	ASSERT_LE(0, self->render) TH_LOG("Render: %s", strerror(-self->render));
	self->capture = loop_pin(self->filter, PIN_CAPTURE,
				 KSINTERFACE_STANDARD_STREAMING,
				 KS_GENERIC_READ);
	ASSERT_LE(0, self->capture) TH_LOG("Capture: %s",
					   strerror(-self->capture));
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(ev)
{
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

/* ---- the module says it has events ---- */

TEST_F(ev, version_offers_events)
{
	struct ks_version v;

	ASSERT_EQ(0, ks_get_version(self->filter, &v));
	EXPECT_LE(3u, v.abi_minor);
	EXPECT_EQ(KS_FEATURE_EVENTS, v.features & KS_FEATURE_EVENTS);
}

/* ---- check 1: reserved, and the size of in ---- */

TEST_F(ev, check1_reserved_nonzero_einval)
{
	struct ks_identifier e = ev_id(&set_connection,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE);
	struct ks_event_data d;
	uint32_t ret;

	data_event(&d, self->efd);
	EXPECT_EQ(-EINVAL, enable_raw(self->render, &e, sizeof(e), &d,
				      sizeof(d), 1, NULL));
	EXPECT_EQ(-EINVAL, enable_raw(self->render, &e, sizeof(e), &d,
				      sizeof(d), 0x80000000, NULL));
	/* Before the set is looked at (check 4). */
	e.set = set_unknown;
	EXPECT_EQ(-EINVAL, enable_raw(self->render, &e, sizeof(e), &d,
				      sizeof(d), 1, NULL));
	e.set = set_connection;
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), &d, sizeof(d), 0,
				&ret));
	EXPECT_EQ(0u, ret);
	/* Nothing was enabled by the refused requests: one to disable. */
	EXPECT_EQ(0, disable_ev(self->render, &d));
	EXPECT_EQ(-ENOENT, disable_ev(self->render, &d));
}

TEST_F(ev, check1_in_shorter_than_24_einval)
{
	struct ks_identifier e = ev_id(&set_connection,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE);
	struct ks_event_data d;

	data_event(&d, self->efd);
	EXPECT_EQ(-EINVAL, enable_raw(self->render, &e, 23, &d, sizeof(d), 0,
				      NULL));
	EXPECT_EQ(-EINVAL, enable_raw(self->render, &e, 16, &d, sizeof(d), 0,
				      NULL));
	EXPECT_EQ(-EINVAL, enable_raw(self->render, NULL, 0, &d, sizeof(d), 0,
				      NULL));
	/* Also on a filter fd, whose sets are all unknown. */
	EXPECT_EQ(-EINVAL, enable_raw(self->filter, &e, 23, &d, sizeof(d), 0,
				      NULL));
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), &d, sizeof(d), 0,
				NULL));
	EXPECT_EQ(0, disable_ev(self->render, &d));
	/* A longer in is fine: the KSEVENT is its first 24 bytes. */
	{
		struct ks_identifier in[2] = { e, e };

		EXPECT_EQ(0, enable_raw(self->render, in, sizeof(in), &d,
					sizeof(d), 0, NULL));
	}
}

TEST_F(ev, check1_topology_in_shorter_than_32_einval)
{
	struct ks_event_node n;

	memset(&n, 0, sizeof(n));
	n.event = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
			KSEVENT_TYPE_ENABLE | KSEVENT_TYPE_TOPOLOGY);
	/* 24 bytes is a KSEVENT, not a KSE_NODE. */
	EXPECT_EQ(-EINVAL, support(self->render, &set_connection,
				   KSEVENT_CONNECTION_ENDOFSTREAM,
				   KSEVENT_TYPE_BASICSUPPORT |
				   KSEVENT_TYPE_TOPOLOGY, NULL));
	EXPECT_EQ(-EINVAL, enable_raw(self->render, &n, 31, NULL, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, enable_raw(self->filter, &n, 24, NULL, 0, 0, NULL));
	/*
	 * A whole KSE_NODE gets as far as the node: ks-loopback has none
	 * (node events: ks_node_event_test).
	 */
	EXPECT_EQ(-EINVAL, enable_raw(self->render, &n, sizeof(n), NULL, 0, 0,
				      NULL));
	EXPECT_EQ(-EINVAL, enable_raw(self->filter, &n, sizeof(n), NULL, 0, 0,
				      NULL));
}

/* ---- check 2: exactly one request type ---- */

TEST_F(ev, check2_flags_not_one_type_einval)
{
	static const uint32_t bad[] = {
		0,
		KSEVENT_TYPE_ENABLE | KSEVENT_TYPE_ONESHOT,
		KSEVENT_TYPE_ENABLE | KSEVENT_TYPE_BASICSUPPORT,
		KSEVENT_TYPE_SETSUPPORT | KSEVENT_TYPE_BASICSUPPORT,
		KSEVENT_TYPE_ENABLE | 0x8,
		0x8,
		0x800,
		KSEVENT_TYPE_ENABLE | 0x80000000,
		0x20000000,
	};
	struct ks_identifier e;
	struct ks_event_data d;
	unsigned int i;

	data_event(&d, self->efd);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
			  bad[i]);
		EXPECT_EQ(-EINVAL, enable_raw(self->render, &e, sizeof(e), &d,
					      sizeof(d), 0, NULL))
			TH_LOG("flags 0x%x", bad[i]);
		/* Before the set is looked at. */
		e.set = set_unknown;
		EXPECT_EQ(-EINVAL, enable_raw(self->render, &e, sizeof(e), &d,
					      sizeof(d), 0, NULL))
			TH_LOG("flags 0x%x, unknown set", bad[i]);
		EXPECT_EQ(-EINVAL, enable_raw(self->filter, &e, sizeof(e), &d,
					      sizeof(d), 0, NULL))
			TH_LOG("flags 0x%x, filter fd", bad[i]);
	}
	/* TOPOLOGY alone is no type either (with a whole KSE_NODE). */
	{
		struct ks_event_node n;

		memset(&n, 0, sizeof(n));
		n.event = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
				KSEVENT_TYPE_TOPOLOGY);
		EXPECT_EQ(-EINVAL, enable_raw(self->render, &n, sizeof(n), &d,
					      sizeof(d), 0, NULL));
	}
	e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
		  KSEVENT_TYPE_ONESHOT);
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), &d, sizeof(d), 0,
				NULL));
	EXPECT_EQ(0, disable_ev(self->render, &d));
}

/* ---- check 4: the set ---- */

TEST_F(ev, check4_unknown_set_enoent)
{
	static const uint32_t types[] = {
		KSEVENT_TYPE_ENABLE, KSEVENT_TYPE_ONESHOT,
		KSEVENT_TYPE_ENABLEBUFFERED, KSEVENT_TYPE_SETSUPPORT,
		KSEVENT_TYPE_BASICSUPPORT, KSEVENT_TYPE_QUERYBUFFER,
	};
	struct ks_identifier e;
	struct ks_event_data d;
	unsigned int i;

	data_event(&d, self->efd);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		e = ev_id(&set_unknown, 0, types[i]);
		EXPECT_EQ(-ENOENT, enable_raw(self->render, &e, sizeof(e), &d,
					      sizeof(d), 0, NULL))
			TH_LOG("type 0x%x", types[i]);
		EXPECT_EQ(-ENOENT, enable_raw(self->capture, &e, sizeof(e), &d,
					      sizeof(d), 0, NULL))
			TH_LOG("type 0x%x", types[i]);
	}
	EXPECT_EQ(0, support(self->render, &set_connection, 0,
			     KSEVENT_TYPE_SETSUPPORT, NULL));
	EXPECT_EQ(0, support(self->render, &set_looped, 0,
			     KSEVENT_TYPE_SETSUPPORT, NULL));
}

/* Filter fds offer no event set: every set, every type, ENOENT. */
TEST_F(ev, check4_filter_fd_offers_no_set_enoent)
{
	static const uint32_t types[] = {
		KSEVENT_TYPE_ENABLE, KSEVENT_TYPE_ONESHOT,
		KSEVENT_TYPE_ENABLEBUFFERED, KSEVENT_TYPE_SETSUPPORT,
		KSEVENT_TYPE_BASICSUPPORT, KSEVENT_TYPE_QUERYBUFFER,
	};
	const struct ks_guid *sets[] = { &set_connection, &set_looped };
	struct ks_loopedstreaming_position_event_data d;
	struct ks_identifier e;
	unsigned int i, s;

	memset(&d, 0, sizeof(d));
	data_event(&d.event_data, self->efd);
	for (s = 0; s < 2; s++) {
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			e = ev_id(sets[s], 0, types[i]);
			EXPECT_EQ(-ENOENT,
				  enable_raw(self->filter, &e, sizeof(e), &d,
					     sizeof(d), 0, NULL))
				TH_LOG("set %u type 0x%x", s, types[i]);
		}
	}
	/* The same request on a pin of that filter. */
	e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
		  KSEVENT_TYPE_ENABLE);
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), &d, sizeof(d), 0,
				NULL));
	/* DISABLE on the filter fd: nothing is there. */
	EXPECT_EQ(-ENOENT, disable_ev(self->filter, &d));
	EXPECT_EQ(0, disable_all(self->filter));
	EXPECT_EQ(0, disable_ev(self->render, &d));
}

/* ---- check 5: SETSUPPORT, BASICSUPPORT, unknown ids ---- */

TEST_F(ev, check5_setsupport_known_set_any_id)
{
	uint8_t out[64];
	struct ks_identifier e;
	uint32_t ret;

	memset(out, 0xa5, sizeof(out));
	ret = 1;
	EXPECT_EQ(0, support(self->render, &set_connection, 0,
			     KSEVENT_TYPE_SETSUPPORT, &ret));
	EXPECT_EQ(0u, ret);
	EXPECT_EQ(0, support(self->capture, &set_connection, 999,
			     KSEVENT_TYPE_SETSUPPORT, NULL));
	EXPECT_EQ(0, support(self->render, &set_looped, 0xFFFFFFFF,
			     KSEVENT_TYPE_SETSUPPORT, NULL));
	/* out is not used: not written, not even looked at. */
	e = ev_id(&set_connection, 7, KSEVENT_TYPE_SETSUPPORT);
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), out, sizeof(out),
				0, &ret));
	EXPECT_EQ(0u, ret);
	EXPECT_EQ(0xa5, out[0]);
	EXPECT_EQ(0xa5, out[sizeof(out) - 1]);
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), (void *)16, 32,
				0, NULL));
	/* Unknown set next to it. */
	EXPECT_EQ(-ENOENT, support(self->render, &set_unknown, 0,
				   KSEVENT_TYPE_SETSUPPORT, NULL));
}

TEST_F(ev, check5_basicsupport_known_event)
{
	static const struct {
		const struct ks_guid *set;
		uint32_t id;
	} known[] = {
		{ &set_connection, KSEVENT_CONNECTION_DATADISCONTINUITY },
		{ &set_connection, KSEVENT_CONNECTION_ENDOFSTREAM },
		{ &set_looped, KSEVENT_LOOPEDSTREAMING_POSITION },
	};
	uint8_t out[64];
	struct ks_identifier e;
	uint32_t ret;
	unsigned int i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		ret = 1;
		EXPECT_EQ(0, support(self->render, known[i].set, known[i].id,
				     KSEVENT_TYPE_BASICSUPPORT, &ret))
			TH_LOG("event %u", i);
		EXPECT_EQ(0u, ret);
		EXPECT_EQ(0, support(self->capture, known[i].set, known[i].id,
				     KSEVENT_TYPE_BASICSUPPORT, NULL))
			TH_LOG("event %u", i);
	}
	memset(out, 0xa5, sizeof(out));
	e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
		  KSEVENT_TYPE_BASICSUPPORT);
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), out, sizeof(out),
				0, &ret));
	EXPECT_EQ(0u, ret);
	EXPECT_EQ(0xa5, out[0]);
	/* BASICSUPPORT enables nothing. */
	EXPECT_EQ(-ENOENT, disable_ev(self->render, out));
}

TEST_F(ev, check5_unknown_id_in_known_set_enoent)
{
	static const uint32_t types[] = {
		KSEVENT_TYPE_ENABLE, KSEVENT_TYPE_ONESHOT,
		KSEVENT_TYPE_BASICSUPPORT, KSEVENT_TYPE_ENABLEBUFFERED,
		KSEVENT_TYPE_QUERYBUFFER,
	};
	struct ks_loopedstreaming_position_event_data d;
	struct ks_identifier e;
	unsigned int i;

	memset(&d, 0, sizeof(d));
	data_event(&d.event_data, self->efd);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		e = ev_id(&set_connection, 5, types[i]);
		EXPECT_EQ(-ENOENT, enable_raw(self->render, &e, sizeof(e), &d,
					      sizeof(d), 0, NULL))
			TH_LOG("type 0x%x", types[i]);
		e = ev_id(&set_looped, 1, types[i]);
		EXPECT_EQ(-ENOENT, enable_raw(self->render, &e, sizeof(e), &d,
					      sizeof(d), 0, NULL))
			TH_LOG("type 0x%x", types[i]);
	}
	e = ev_id(&set_connection, KSEVENT_CONNECTION_DATADISCONTINUITY,
		  KSEVENT_TYPE_ENABLE);
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), &d, sizeof(d), 0,
				NULL));
	EXPECT_EQ(0, disable_ev(self->render, &d));
}

/* POSITIONUPDATE, TIMEDISCONTINUITY, PRIORITY: not offered. */
TEST_F(ev, check5_connection_ids_not_offered_enoent)
{
	static const uint32_t ids[] = {
		KSEVENT_CONNECTION_POSITIONUPDATE,
		KSEVENT_CONNECTION_TIMEDISCONTINUITY,
		KSEVENT_CONNECTION_PRIORITY,
	};
	struct ks_event_data d;
	unsigned int i;

	data_event(&d, self->efd);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-ENOENT, enable_conn(self->render, ids[i],
					       KSEVENT_TYPE_ENABLE, &d))
			TH_LOG("id %u", ids[i]);
		EXPECT_EQ(-ENOENT, enable_conn(self->capture, ids[i],
					       KSEVENT_TYPE_ONESHOT, &d))
			TH_LOG("id %u", ids[i]);
		EXPECT_EQ(-ENOENT, support(self->render, &set_connection,
					   ids[i], KSEVENT_TYPE_BASICSUPPORT,
					   NULL))
			TH_LOG("id %u", ids[i]);
	}
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
}

/* ---- check 6: buffered events ---- */

TEST_F(ev, check6_enablebuffered_querybuffer_eopnotsupp)
{
	struct ks_loopedstreaming_position_event_data d;
	struct ks_identifier e;

	memset(&d, 0, sizeof(d));
	data_event(&d.event_data, self->efd);
	e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
		  KSEVENT_TYPE_ENABLEBUFFERED);
	EXPECT_EQ(-EOPNOTSUPP, enable_raw(self->render, &e, sizeof(e), &d,
					  sizeof(d), 0, NULL));
	e.flags = KSEVENT_TYPE_QUERYBUFFER;
	EXPECT_EQ(-EOPNOTSUPP, enable_raw(self->render, &e, sizeof(e), &d,
					  sizeof(d), 0, NULL));
	e = ev_id(&set_looped, KSEVENT_LOOPEDSTREAMING_POSITION,
		  KSEVENT_TYPE_ENABLEBUFFERED);
	EXPECT_EQ(-EOPNOTSUPP, enable_raw(self->capture, &e, sizeof(e), &d,
					  sizeof(d), 0, NULL));
	/* Before out is looked at (check 7). */
	EXPECT_EQ(-EOPNOTSUPP, enable_raw(self->capture, &e, sizeof(e), NULL,
					  0, 0, NULL));
	/* Nothing was enabled. */
	EXPECT_EQ(-ENOENT, disable_ev(self->render, &d));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &d));
	e.flags = KSEVENT_TYPE_ENABLE;
	EXPECT_EQ(0, enable_raw(self->capture, &e, sizeof(e), &d, sizeof(d), 0,
				NULL));
}

/* ---- check 7: the size of out ---- */

TEST_F(ev, check7_short_out_eoverflow_returns_size)
{
	struct ks_loopedstreaming_position_event_data d;
	struct ks_identifier e;
	uint32_t ret;

	memset(&d, 0, sizeof(d));
	data_event(&d.event_data, self->efd);
	e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
		  KSEVENT_TYPE_ENABLE);
	EXPECT_EQ(-EOVERFLOW, enable_raw(self->render, &e, sizeof(e), &d, 31,
					 0, &ret));
	EXPECT_EQ(32u, ret);
	EXPECT_EQ(-EOVERFLOW, enable_raw(self->render, &e, sizeof(e), NULL, 0,
					 0, &ret));
	EXPECT_EQ(32u, ret);
	e.flags = KSEVENT_TYPE_ONESHOT;
	EXPECT_EQ(-EOVERFLOW, enable_raw(self->render, &e, sizeof(e), &d, 16,
					 0, &ret));
	EXPECT_EQ(32u, ret);
	/* Before notification_type is looked at (check 8). */
	d.event_data.notification_type = 0;
	EXPECT_EQ(-EOVERFLOW, enable_raw(self->render, &e, sizeof(e), &d, 31,
					 0, &ret));
	EXPECT_EQ(32u, ret);
	data_event(&d.event_data, self->efd);

	/* The looped position's data is 40 bytes. */
	e = ev_id(&set_looped, KSEVENT_LOOPEDSTREAMING_POSITION,
		  KSEVENT_TYPE_ENABLE);
	EXPECT_EQ(-EOVERFLOW, enable_raw(self->capture, &e, sizeof(e), &d, 32,
					 0, &ret));
	EXPECT_EQ(40u, ret);
	EXPECT_EQ(-EOVERFLOW, enable_raw(self->capture, &e, sizeof(e), &d, 39,
					 0, &ret));
	EXPECT_EQ(40u, ret);
	/* Nothing was enabled. */
	EXPECT_EQ(-ENOENT, disable_ev(self->render, &d));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &d));

	/* Enough: 0 and returned 0; a bigger out is fine. */
	d.position = 0;
	EXPECT_EQ(0, enable_raw(self->capture, &e, sizeof(e), &d, sizeof(d),
				0, &ret));
	EXPECT_EQ(0u, ret);
	e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
		  KSEVENT_TYPE_ENABLE);
	EXPECT_EQ(0, enable_raw(self->render, &e, sizeof(e), &d, sizeof(d), 0,
				&ret));
	EXPECT_EQ(0u, ret);
}

/* ---- check 8: notification type and adjustment ---- */

TEST_F(ev, check8_notification_type_einval)
{
	static const uint32_t bad[] = {
		0, KSEVENTF_EVENT_HANDLE | KSEVENTF_SEMAPHORE_HANDLE,
		KSEVENTF_EVENT_OBJECT, 0x10, 0x80, 0xFFFFFFFF,
	};
	struct ks_event_data d;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		data_event(&d, self->efd);
		d.notification_type = bad[i];
		EXPECT_EQ(-EINVAL, enable_conn(self->render,
					       KSEVENT_CONNECTION_ENDOFSTREAM,
					       KSEVENT_TYPE_ENABLE, &d))
			TH_LOG("notification_type 0x%x", bad[i]);
		/* Before the handle is looked at (check 9). */
		d.handle = (uint64_t)-1;
		EXPECT_EQ(-EINVAL, enable_conn(self->render,
					       KSEVENT_CONNECTION_ENDOFSTREAM,
					       KSEVENT_TYPE_ENABLE, &d))
			TH_LOG("notification_type 0x%x, bad handle", bad[i]);
	}
	data_event(&d, self->efd);
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
}

TEST_F(ev, check8_semaphore_adjustment_below_1_einval)
{
	static const int32_t bad[] = { 0, -1, INT32_MIN };
	struct ks_event_data d, ok1, ok2;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		data_semaphore(&d, self->efd, bad[i]);
		EXPECT_EQ(-EINVAL, enable_conn(self->render,
					       KSEVENT_CONNECTION_ENDOFSTREAM,
					       KSEVENT_TYPE_ENABLE, &d))
			TH_LOG("adjustment %d", bad[i]);
		d.handle = (uint64_t)-1;
		EXPECT_EQ(-EINVAL, enable_conn(self->render,
					       KSEVENT_CONNECTION_ENDOFSTREAM,
					       KSEVENT_TYPE_ENABLE, &d))
			TH_LOG("adjustment %d, bad handle", bad[i]);
	}
	data_semaphore(&ok1, self->efd, 1);
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &ok1));
	/* Each unit of an adjustment is a signal: at most 1024. */
	data_semaphore(&d, self->efd, 1025);
	EXPECT_EQ(-EINVAL, enable_conn(self->render,
				       KSEVENT_CONNECTION_DATADISCONTINUITY,
				       KSEVENT_TYPE_ENABLE, &d));
	data_semaphore(&ok2, self->efd, 1024);
	EXPECT_EQ(0, enable_conn(self->render,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ENABLE, &ok2));
	/* An event handle's adjustment is not looked at. */
	data_event(&d, self->efd);
	d.adjustment = -5;
	EXPECT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
}

/* ---- check 9: the handle ---- */

TEST_F(ev, check9_handle_not_an_fd_ebadf)
{
	static const uint64_t bad[] = {
		(uint64_t)-1, 0x7FFFFFFF, 1000000, 0x80000000,
	};
	struct ks_event_data d;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		data_event(&d, self->efd);
		d.handle = bad[i];
		EXPECT_EQ(-EBADF, enable_conn(self->render,
					      KSEVENT_CONNECTION_ENDOFSTREAM,
					      KSEVENT_TYPE_ENABLE, &d))
			TH_LOG("handle 0x%llx", (unsigned long long)bad[i]);
	}
	/* The eventfd's number plus 2^32 is no fd: not truncated to it. */
	data_event(&d, self->efd);
	d.handle = (1ULL << 32) + self->efd;
	EXPECT_EQ(-EBADF, enable_conn(self->render,
				      KSEVENT_CONNECTION_ENDOFSTREAM,
				      KSEVENT_TYPE_ENABLE, &d));
	data_semaphore(&d, self->efd, 2);
	d.handle |= 1ULL << 63;
	EXPECT_EQ(-EBADF, enable_conn(self->render,
				      KSEVENT_CONNECTION_ENDOFSTREAM,
				      KSEVENT_TYPE_ENABLE, &d));
	data_event(&d, self->efd);
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
}

TEST_F(ev, check9_closed_eventfd_ebadf)
{
	struct ks_event_data d;
	int gone = efd_open(0);

	ASSERT_LE(0, gone);
	close(gone);
	/* Nothing is opened in between: the number stays free. */
	data_event(&d, gone);
	EXPECT_EQ(-EBADF, enable_conn(self->render,
				      KSEVENT_CONNECTION_ENDOFSTREAM,
				      KSEVENT_TYPE_ENABLE, &d));
	data_event(&d, self->efd);
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
}

TEST_F(ev, check9_open_fd_not_an_eventfd_einval)
{
	struct ks_event_data d;
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	data_event(&d, p[0]);
	EXPECT_EQ(-EINVAL, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d));
	data_semaphore(&d, p[1], 1);
	EXPECT_EQ(-EINVAL, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d));
	/* ksfilter's own fds are no eventfds either. */
	data_event(&d, self->capture);
	EXPECT_EQ(-EINVAL, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d));
	data_event(&d, self->filter);
	EXPECT_EQ(-EINVAL, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d));
	close(p[0]);
	close(p[1]);
	data_event(&d, self->efd);
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
}

/* An fd number that is an eventfd in another process only. */
#define CHILD_FD	777

TEST_F(ev, check9_fd_of_another_process_ebadf)
{
	int ready[2], hold[2], status;
	struct pollfd p;
	struct ks_event_data d;
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(hold, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int e = eventfd(0, 0);

		close(ready[0]);
		close(hold[1]);
		if (e < 0 || dup2(e, CHILD_FD) != CHILD_FD)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		/* Hold the fd until the parent is done (or gone). */
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	p = (struct pollfd){ .fd = ready[0], .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 5000));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	/* Not ours. */
	ASSERT_EQ(-1, fcntl(CHILD_FD, F_GETFD));
	data_event(&d, CHILD_FD);
	EXPECT_EQ(-EBADF, enable_conn(self->render,
				      KSEVENT_CONNECTION_ENDOFSTREAM,
				      KSEVENT_TYPE_ENABLE, &d));
	data_semaphore(&d, CHILD_FD, 1);
	EXPECT_EQ(-EBADF, enable_conn(self->capture,
				      KSEVENT_CONNECTION_ENDOFSTREAM,
				      KSEVENT_TYPE_ONESHOT, &d));
	close(hold[1]);
	close(ready[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	data_event(&d, self->efd);
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
}

/* ---- check 10: the looped position within the buffer ---- */

static void position_within_buffer(struct __test_metadata *_metadata,
				   int fd, int efd)
{
	struct ks_loopedstreaming_position_event_data d, d2;
	struct ks_stream_buffer sb;

	ASSERT_EQ(0, ks_pin_get_buffer(fd, &sb));
	ASSERT_LT(0u, sb.size);
	EXPECT_EQ(-EINVAL, enable_position(fd, sb.size, &d, efd));
	EXPECT_EQ(-EINVAL, enable_position(fd, sb.size + 4, &d, efd));
	EXPECT_EQ(-EINVAL, enable_position(fd, (uint64_t)-1, &d, efd));
	EXPECT_EQ(-EINVAL, enable_position(fd, 1ULL << 32, &d, efd));
	/* After the handle is looked at (check 9). */
	{
		struct ks_identifier e = ev_id(&set_looped,
					       KSEVENT_LOOPEDSTREAMING_POSITION,
					       KSEVENT_TYPE_ENABLE);

		memset(&d, 0, sizeof(d));
		data_event(&d.event_data, efd);
		d.event_data.handle = (uint64_t)-1;
		d.position = sb.size;
		EXPECT_EQ(-EBADF, enable_raw(fd, &e, sizeof(e), &d, sizeof(d),
					     0, NULL));
	}
	EXPECT_EQ(0, enable_position(fd, sb.size - sb.frame_size, &d, efd));
	EXPECT_EQ(0, enable_position(fd, 0, &d2, efd));
}

TEST_F(ev, check10_position_beyond_buffer_einval)
{
	RUN_BOTH();
	position_within_buffer(_metadata, self->render, self->efd);
	position_within_buffer(_metadata, self->capture, self->efd);
}

/* ---- check 11: one event per address, 64 per fd ---- */

TEST_F(ev, check11_same_address_eexist)
{
	struct ks_event_data d, other;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(-EEXIST, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d));
	/* Another event, another type: the address is what counts. */
	EXPECT_EQ(-EEXIST, enable_conn(self->render,
				       KSEVENT_CONNECTION_DATADISCONTINUITY,
				       KSEVENT_TYPE_ONESHOT, &d));
	/* Another address on the fd, and the address on another fd. */
	data_event(&other, self->efd);
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &other));
	EXPECT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	/* Disabled, the address is free again. */
	EXPECT_EQ(0, disable_ev(self->render, &d));
	EXPECT_EQ(0, enable_conn(self->render,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ENABLE, &d));
}

TEST_F(ev, check11_more_than_64_enospc)
{
	struct ks_event_data d[EVENTS_MAX + 2];
	unsigned int i;

	for (i = 0; i < EVENTS_MAX + 2; i++)
		data_event(&d[i], self->efd);
	for (i = 0; i < EVENTS_MAX; i++)
		ASSERT_EQ(0, enable_conn(self->render,
					 i & 1 ? KSEVENT_CONNECTION_ENDOFSTREAM :
						 KSEVENT_CONNECTION_DATADISCONTINUITY,
					 KSEVENT_TYPE_ENABLE, &d[i]))
			TH_LOG("event %u", i);
	EXPECT_EQ(-ENOSPC, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d[EVENTS_MAX]));
	EXPECT_EQ(-ENOSPC, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ONESHOT, &d[EVENTS_MAX + 1]));
	/* Per fd: Capture still has room. */
	EXPECT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d[EVENTS_MAX]));
	/* One disabled, one more fits; then full again. */
	EXPECT_EQ(0, disable_ev(self->render, &d[3]));
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d[EVENTS_MAX]));
	EXPECT_EQ(-ENOSPC, enable_conn(self->render,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d[3]));
	/* Disable-all frees every slot. */
	EXPECT_EQ(0, disable_all(self->render));
	for (i = 0; i < EVENTS_MAX; i++)
		ASSERT_EQ(0, enable_conn(self->render,
					 KSEVENT_CONNECTION_ENDOFSTREAM,
					 KSEVENT_TYPE_ENABLE, &d[i]))
			TH_LOG("event %u after disable-all", i);
}

/* ---- signalling: event and semaphore handles, ONESHOT ---- */

/* Capture's end of the stream: WRITE_STREAM's ENDOFSTREAM, read to 0. */
static int send_eos(int render, uint32_t data_len)
{
	return write_packet(render, data_len, KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM);
}

TEST_F(ev, event_handle_adds_1)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 4096));
	EXPECT_EQ(4096, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

/* A plain eventfd: its counter grows by the adjustment. */
TEST_F(ev, semaphore_handle_adds_adjustment)
{
	struct ks_event_data d;

	data_semaphore(&d, self->efd, 5);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, read_to_end(self->capture, SIGNAL_MS));
	/* One read: the whole counter at once. */
	ASSERT_EQ(POLLIN, poll_one(self->efd));
	EXPECT_EQ(5, efd_take(self->efd));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

/* An EFD_SEMAPHORE eventfd: adjustment reads of 1, as a semaphore. */
TEST_F(ev, semaphore_handle_efd_semaphore_counts_adjustment)
{
	struct ks_event_data d;
	int sem = efd_open(EFD_SEMAPHORE);
	int i;

	ASSERT_LE(0, sem);
	data_semaphore(&d, sem, 3);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 64));
	EXPECT_EQ(64, read_to_end(self->capture, SIGNAL_MS));
	ASSERT_EQ(POLLIN, poll_one(sem));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(1, efd_take(sem)) TH_LOG("read %d", i);
	EXPECT_EQ(0, efd_take(sem));
	/*
	 * Twice more, each end after data: +6.  (An end written with nothing
	 * since the end told is that end again: see
	 * endofstream_told_again_signalled_once.)
	 */
	ASSERT_EQ(0, send_eos(self->render, 64));
	EXPECT_EQ(64, read_to_end(self->capture, SIGNAL_MS));
	ASSERT_EQ(0, send_eos(self->render, 64));
	EXPECT_EQ(64, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(6, efd_wait(sem, 6, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(sem, QUIET_MS));
	close(sem);
}

/* An ENABLE event stays: each end of stream signals it. */
TEST_F(ev, enable_signals_every_time)
{
	struct ks_event_data d;
	int i;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, send_eos(self->render, 256));
		EXPECT_EQ(256, read_to_end(self->capture, SIGNAL_MS));
		EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS)) TH_LOG("end %d", i);
	}
	EXPECT_EQ(0, disable_ev(self->capture, &d));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &d));
}

TEST_F(ev, oneshot_signalled_once_then_removed)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ONESHOT, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	/* Gone: a second end signals nothing, DISABLE finds nothing. */
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &d));
	/* The address may be enabled again. */
	EXPECT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ONESHOT, &d));
}

/* Signalled ONESHOT events free their slots. */
TEST_F(ev, oneshot_signalled_frees_its_slot)
{
	struct ks_event_data d[EVENTS_MAX + 1];
	unsigned int i;

	for (i = 0; i <= EVENTS_MAX; i++)
		data_event(&d[i], self->efd);
	for (i = 0; i < EVENTS_MAX; i++)
		ASSERT_EQ(0, enable_conn(self->capture,
					 KSEVENT_CONNECTION_ENDOFSTREAM,
					 KSEVENT_TYPE_ONESHOT, &d[i]));
	ASSERT_EQ(-ENOSPC, enable_conn(self->capture,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ONESHOT, &d[EVENTS_MAX]));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(EVENTS_MAX, efd_wait(self->efd, EVENTS_MAX, SIGNAL_MS));
	/* All 64 slots are free again. */
	for (i = 1; i <= EVENTS_MAX; i++)
		EXPECT_EQ(0, enable_conn(self->capture,
					 KSEVENT_CONNECTION_ENDOFSTREAM,
					 KSEVENT_TYPE_ENABLE, &d[i]))
			TH_LOG("event %u", i);
}

/* ---- KSEVENT_CONNECTION_ENDOFSTREAM ---- */

/*
 * Render's mark reaches its consumer when ks-loopback takes it: not while
 * Render pauses (nothing moves), at once when it runs.
 */
TEST_F(ev, endofstream_render_when_loopback_moves_it)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	ASSERT_EQ(0, send_eos(self->render, 1024));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS))
		TH_LOG("signalled while Render pauses: at write, not when taken");
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	/* The reader has not read the end: Render's event is all there is. */
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

/* Capture's is signalled when its reader reads the end, not before. */
TEST_F(ev, endofstream_capture_when_read_returns_zero)
{
	struct ks_event_data d;
	uint8_t buf[4096];

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 2048));
	/* Moved to Capture, not read yet. */
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* The data: still not the end. */
	EXPECT_EQ(1024, read(self->capture, buf, 1024));
	EXPECT_EQ(0, efd_quiet(self->efd, 50));
	/* The last data: the end is told by the next read. */
	EXPECT_EQ(1024, read(self->capture, buf, sizeof(buf)));
	EXPECT_EQ(0, efd_quiet(self->efd, 50));
	EXPECT_EQ(0, read(self->capture, buf, sizeof(buf)));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

/*
 * A reader is told of the end again on every read while nothing follows
 * the mark: the mark reached it once, the event is signalled once.
 */
TEST_F(ev, endofstream_told_again_signalled_once)
{
	struct ks_event_data d;
	uint8_t buf[256];

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, read(self->capture, buf, sizeof(buf)));
	EXPECT_EQ(0, read(self->capture, buf, sizeof(buf)));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

/* Or when READ_STREAM hands out the ENDOFSTREAM header. */
TEST_F(ev, endofstream_capture_when_read_stream_sees_it)
{
	struct ks_stream_header h;
	struct ks_event_data d;
	uint8_t buf[4096];
	int i, seen = 0;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ONESHOT, &d));
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, write_packet(self->render, 512, 0));
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	for (i = 0; i < 8 && !seen; i++) {
		hdr_init(&h, buf, sizeof(buf), 0, 0);
		if (stream_ioctl(self->capture, KS_IOCTL_READ_STREAM, &h, 1))
			break;
		seen = !!(h.options_flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM);
	}
	ASSERT_TRUE(seen) TH_LOG("no ENDOFSTREAM header");
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
}

/* Plain data is no end of stream. */
TEST_F(ev, endofstream_not_signalled_by_data)
{
	struct ks_event_data dr, dc;
	int other = efd_open(0);
	uint8_t buf[4096];

	ASSERT_LE(0, other);
	data_event(&dr, self->efd);
	data_event(&dc, other);
	ASSERT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &dr));
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &dc));
	RUN_BOTH();
	ASSERT_EQ(0, write_packet(self->render, 4096, 0));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), write(self->render, buf, sizeof(buf)));
	ASSERT_EQ(0, set_nonblock(self->capture));
	EXPECT_EQ(-ETIMEDOUT, read_to_end(self->capture, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, 50));
	EXPECT_EQ(0, efd_quiet(other, 50));
	close(other);
}

/*
 * Connected pins: ks-null-sink's Render pulls from ks-loopback's Capture,
 * the connection is Capture's reader.  The mark signals Render when the
 * loopback takes it and Capture when the connection takes it.
 */
#define NULL_SINK_NAME	"ks-null-sink"
#define NULL_SINK_MOD	"ks_null_sink"

TEST_F(ev, endofstream_connected_capture)
{
	struct ks_event_data dr, dc;
	int other = efd_open(0), ns, sink;
	uint32_t size, reason;
	struct ks_req r;

	ASSERT_LE(0, other);
	ASSERT_SAMPLE(chain_index(NULL_SINK_NAME, "ks-null-sink.ko", ""));
	ns = open_filter(ks_find_filter(NULL_SINK_NAME), O_RDWR);
	ASSERT_LE(0, ns);
	size = req_default(&r, 0);
	r.c.pin_to_handle = self->capture;
	sink = ks_create(ns, &r, size, KS_GENERIC_WRITE, O_CLOEXEC, &reason);
	ASSERT_LE(0, sink) TH_LOG("ks-null-sink Render -> Capture: %s, reason %s",
				  strerror(-sink), reason_name(reason));
	data_event(&dr, self->efd);
	data_event(&dc, other);
	ASSERT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &dr));
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &dc));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(sink, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	ASSERT_EQ(0, send_eos(self->render, 4096));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(other, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(other, 0));
	close(sink);
	close(ns);
	close(other);
	EXPECT_EQ(0, unload_module_wait(NULL_SINK_MOD));
}

/* ---- KSEVENT_CONNECTION_DATADISCONTINUITY ---- */

TEST_F(ev, datadiscontinuity_flagged_packet_queued)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->render,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ENABLE, &d));
	RUN_BOTH();
	/* Unflagged packets and plain writes: nothing. */
	ASSERT_EQ(0, write_packet(self->render, 1024, 0));
	ASSERT_EQ(0, write_packet(self->render, 1024,
				  KSSTREAM_HEADER_OPTIONSF_TIMEVALID));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	ASSERT_EQ(0, write_packet(self->render, 1024,
				  KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	ASSERT_EQ(0, write_packet(self->render, 64,
				  KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

/* ---- KSEVENT_LOOPEDSTREAMING_POSITION on standard streaming pins ---- */

/*
 * 3.75 buffers through: Render's play offset (IN: bytes the loopback took)
 * and Capture's write offset (OUT: bytes it put there) pass the middle of
 * their buffers 4 times each.
 */
TEST_F(ev, position_streaming_counts_passes)
{
	struct ks_loopedstreaming_position_event_data dr, dc;
	struct ks_stream_buffer rb, cb;
	uint64_t total, pr, pc;
	int other = efd_open(0);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &rb));
	ASSERT_EQ(0, ks_pin_get_buffer(self->capture, &cb));
	RUN_BOTH();
	/* The buffers exist now: their sizes are the ones to count in. */
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &rb));
	ASSERT_EQ(0, ks_pin_get_buffer(self->capture, &cb));
	pr = rb.size / 2 / rb.frame_size * rb.frame_size;
	pc = cb.size / 2 / cb.frame_size * cb.frame_size;
	ASSERT_EQ(0, enable_position(self->render, pr, &dr, self->efd));
	ASSERT_EQ(0, enable_position(self->capture, pc, &dc, other));
	ASSERT_EQ(0, set_nonblock(self->render));
	ASSERT_EQ(0, set_nonblock(self->capture));
	total = 3 * (uint64_t)cb.size + cb.size / 4 * 3;
	total -= total % 4;
	ASSERT_EQ((long long)total, pump(self->render, self->capture, total,
					 10000));
	TH_LOG("buffers %u/%u, %llu bytes: %u and %u passes", rb.size,
	       cb.size, (unsigned long long)total, passes(pr, rb.size, total),
	       passes(pc, cb.size, total));
	EXPECT_EQ(passes(pr, rb.size, total),
		  efd_wait(self->efd, passes(pr, rb.size, total), SIGNAL_MS));
	EXPECT_EQ(passes(pc, cb.size, total),
		  efd_wait(other, passes(pc, cb.size, total), SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(other, 0));
	close(other);
}

/* A DISABLEd position is not signalled again. */
TEST_F(ev, position_not_signalled_after_disable)
{
	struct ks_loopedstreaming_position_event_data dr, dc;
	struct ks_stream_buffer cb;

	RUN_BOTH();
	ASSERT_EQ(0, ks_pin_get_buffer(self->capture, &cb));
	ASSERT_EQ(0, enable_position(self->render, cb.size / 4 / 4 * 4, &dr,
				     self->efd));
	ASSERT_EQ(0, enable_position(self->capture, cb.size / 4 / 4 * 4, &dc,
				     self->efd));
	ASSERT_EQ(0, set_nonblock(self->render));
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ((long long)cb.size, pump(self->render, self->capture,
					    cb.size, 10000));
	EXPECT_EQ(2, efd_wait(self->efd, 2, SIGNAL_MS));
	EXPECT_EQ(0, disable_ev(self->render, &dr));
	EXPECT_EQ(0, disable_ev(self->capture, &dc));
	ASSERT_EQ((long long)2 * cb.size, pump(self->render, self->capture,
						2 * cb.size, 10000));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(-ENOENT, disable_ev(self->render, &dr));
}

/* ---- DISABLE ---- */

TEST_F(ev, disable_bad_requests)
{
	struct ks_event_data d;
	uint8_t other[32];

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(-EINVAL, disable_raw(self->render, &d, sizeof(d), 1));
	EXPECT_EQ(-EINVAL, disable_raw(self->render, NULL, 0, 1));
	EXPECT_EQ(-EINVAL, disable_raw(self->render, &d, 1, 0));
	EXPECT_EQ(-EINVAL, disable_raw(self->render, &d, 31, 0));
	/* Not enabled here: another address, another fd, address 0. */
	EXPECT_EQ(-ENOENT, disable_ev(self->render, other));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &d));
	EXPECT_EQ(-ENOENT, disable_raw(self->render, NULL, 32, 0));
	/* The bytes are not read: an address anywhere, any in_size >= 32. */
	EXPECT_EQ(-ENOENT, disable_raw(self->render, (void *)16, 32, 0));
	EXPECT_EQ(0, disable_raw(self->render, &d, 4096, 0));
	EXPECT_EQ(-ENOENT, disable_ev(self->render, &d));
}

/* in 0, in_size 0: every event of the fd, and only of that fd. */
TEST_F(ev, disable_all_removes_every_event_of_the_fd)
{
	struct ks_loopedstreaming_position_event_data p;
	struct ks_event_data a, b, c;
	int other = efd_open(0);

	ASSERT_LE(0, other);
	EXPECT_EQ(0, disable_all(self->render));
	data_event(&a, self->efd);
	data_semaphore(&b, self->efd, 2);
	data_event(&c, other);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &a));
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ONESHOT, &b));
	ASSERT_EQ(0, enable_position(self->capture, 0, &p, self->efd));
	ASSERT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &c));
	/* fdinfo counts each pin's own. */
	EXPECT_EQ(3, fdinfo_number(self->capture, "ks-events"));
	EXPECT_EQ(1, fdinfo_number(self->render, "ks-events"));
	EXPECT_EQ(0, disable_all(self->capture));
	EXPECT_EQ(0, fdinfo_number(self->capture, "ks-events"));
	EXPECT_EQ(1, fdinfo_number(self->render, "ks-events"));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &a));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &b));
	EXPECT_EQ(-ENOENT, disable_ev(self->capture, &p));
	EXPECT_EQ(0, disable_all(self->capture));

	/* Render's stays; Capture's signal nothing. */
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 64));
	EXPECT_EQ(64, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(other, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, disable_ev(self->render, &c));
	close(other);
}

/* ---- cleanup: the pin fd closed, the eventfd closed ---- */

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

TEST_F(ev, pin_closed_with_events_enabled)
{
	struct ks_loopedstreaming_position_event_data p;
	struct ks_event_data a, b;
	long pins = stats_counter("pins");
	uint64_t one = 1;

	data_event(&a, self->efd);
	data_semaphore(&b, self->efd, 4);
	ASSERT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &a));
	ASSERT_EQ(0, enable_conn(self->render,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ONESHOT, &b));
	ASSERT_EQ(0, enable_position(self->capture, 0, &p, self->efd));
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ONESHOT, &b));
	RUN_BOTH();
	close_fd(&self->render);
	close_fd(&self->capture);
	/* Nothing signalled by the close. */
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* The eventfd works as before. */
	ASSERT_EQ(8, write(self->efd, &one, sizeof(one)));
	EXPECT_EQ(1, efd_take(self->efd));
	/* The pins are gone: nothing holds them. */
	if (pins >= 0)
		EXPECT_EQ(pins - 2, stats_wait("pins", pins - 2));
	/* A new pin knows nothing of the old one's events. */
	self->render = loop_pin(self->filter, PIN_RENDER,
				KSINTERFACE_STANDARD_STREAMING,
				KS_GENERIC_WRITE);
	ASSERT_LE(0, self->render);
	EXPECT_EQ(-ENOENT, disable_ev(self->render, &a));
	EXPECT_EQ(0, enable_conn(self->render, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &a));
}

/* The event holds the eventfd: its other fd, and an epoll on it, see it. */
TEST_F(ev, eventfd_closed_after_enable_signals_dup)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	struct ks_event_data d;
	int dup_fd, ep;

	dup_fd = fcntl(self->efd, F_DUPFD_CLOEXEC, 0);
	ASSERT_LE(0, dup_fd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, dup_fd, &ev));
	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &d));
	close_fd(&self->efd);
	RUN_BOTH();
	ASSERT_EQ(0, set_nonblock(self->capture));
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(1, epoll_wait(ep, &got, 1, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(dup_fd, 1, SIGNAL_MS));
	close(ep);
	/* Every fd of the eventfd closed: signalling it is harmless. */
	close(dup_fd);
	ASSERT_EQ(0, send_eos(self->render, 0));
	EXPECT_EQ(0, read_to_end(self->capture, SIGNAL_MS));
	EXPECT_EQ(0, disable_ev(self->capture, &d));
}

/* ---- looped pins (mmap): the positions the loopback moves ---- */

FIXTURE(looped) {
	int filter;
	int render;
	int capture;
	int efd;
	int efd2;
	struct ks_stream_buffer rb, cb;
	uint32_t frame;
};

FIXTURE_SETUP(looped)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->render = self->capture = -1;
	self->efd = self->efd2 = -1;
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->render = loop_pin(self->filter, PIN_RENDER,
				KSINTERFACE_STANDARD_LOOPED_STREAMING,
				KS_GENERIC_READ | KS_GENERIC_WRITE);
	ASSERT_LE(0, self->render);
	self->capture = loop_pin(self->filter, PIN_CAPTURE,
				 KSINTERFACE_STANDARD_LOOPED_STREAMING,
				 KS_GENERIC_READ);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, ks_pin_get_buffer(self->render, &self->rb));
	ASSERT_EQ(0, ks_pin_get_buffer(self->capture, &self->cb));
	self->frame = self->rb.frame_size;
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
	self->efd2 = efd_open(0);
	ASSERT_LE(0, self->efd2);
}

FIXTURE_TEARDOWN(looped)
{
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
	close_fd(&self->efd);
	close_fd(&self->efd2);
}

/* Wait until Capture's write offset reaches @want: 0 or -ETIMEDOUT. */
static int capture_reaches(int capture, uint64_t want)
{
	struct ks_audio_position cp;
	int waited;

	for (waited = 0; waited < SIGNAL_MS; waited += 10) {
		if (get_position(capture, &cp))
			return -EIO;
		if (cp.write_offset >= want)
			return 0;
		ks_sleep_ms(10);
	}
	return -ETIMEDOUT;
}

/* A looped pin's buffer exists from creation: check 10 in STOP too. */
TEST_F(looped, check10_position_beyond_buffer_einval)
{
	position_within_buffer(_metadata, self->render, self->efd);
	position_within_buffer(_metadata, self->capture, self->efd);
}

/*
 * The client moves Render's write offset over a few buffers; the loopback
 * moves the data to Capture.  Render's event counts its play offset's
 * passes, Capture's its write offset's.
 */
TEST_F_TIMEOUT(looped, position_counts_passes_over_buffers, 60)
{
	uint32_t chunk = (self->rb.size / 3 + 7 * self->frame) /
			 self->frame * self->frame;
	struct ks_loopedstreaming_position_event_data dr, dc;
	uint64_t pr = self->rb.size / 2 / self->frame * self->frame;
	uint64_t pc = self->cb.size / 2 / self->frame * self->frame;
	uint64_t off = 0;
	int round;

	ASSERT_EQ(0, enable_position(self->render, pr, &dr, self->efd));
	ASSERT_EQ(0, enable_position(self->capture, pc, &dc, self->efd2));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	for (round = 0; off < 3ULL * self->cb.size + self->cb.size / 4 ||
			off % self->rb.size == pr || off % self->cb.size == pc;
	     round++) {
		off += chunk;
		ASSERT_EQ(0, set_position(self->render, 0, off))
			TH_LOG("round %d", round);
		ASSERT_EQ(0, capture_reaches(self->capture, off))
			TH_LOG("round %d", round);
		ASSERT_EQ(0, set_position(self->capture, off, 0))
			TH_LOG("round %d", round);
	}
	TH_LOG("%d rounds of %u bytes, buffers %u/%u", round, chunk,
	       self->rb.size, self->cb.size);
	EXPECT_EQ(passes(pr, self->rb.size, off),
		  efd_wait(self->efd, passes(pr, self->rb.size, off),
			   SIGNAL_MS));
	EXPECT_EQ(passes(pc, self->cb.size, off),
		  efd_wait(self->efd2, passes(pc, self->cb.size, off),
			   SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(self->efd2, 0));
}

/*
 * An IN pin's position is its play offset, not the client's write offset;
 * an OUT pin's is its write offset, not the client's play offset.
 */
TEST_F(looped, position_in_play_offset_out_write_offset)
{
	struct ks_loopedstreaming_position_event_data dr, dc;
	uint64_t pr = self->rb.size / 2 / self->frame * self->frame;
	uint64_t pc = self->cb.size / 2 / self->frame * self->frame;

	ASSERT_EQ(self->rb.size, self->cb.size);
	ASSERT_EQ(0, enable_position(self->render, pr, &dr, self->efd));
	ASSERT_EQ(0, enable_position(self->capture, pc, &dc, self->efd2));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	/* Render pauses: the client's write offset passes, nothing plays. */
	ASSERT_EQ(0, set_position(self->render, 0, self->rb.size));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(self->efd2, 0));
	/* Running, the loopback plays it into Capture: one pass each. */
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	ASSERT_EQ(0, capture_reaches(self->capture, self->rb.size));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(1, efd_wait(self->efd2, 1, SIGNAL_MS));
	/* Capture's client reading it moves no device position. */
	ASSERT_EQ(0, set_position(self->capture, self->cb.size, 0));
	EXPECT_EQ(0, efd_quiet(self->efd2, QUIET_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, 0));
}

/* ---- the filter unregistered (ks-tonegen) ---- */

#define TONEGEN_REGISTERED TONEGEN_PARAMS "registered"

static int write_registered(const char *v)
{
	return write_file(TONEGEN_REGISTERED, v);
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
	int efd;
};

FIXTURE_SETUP(gone)
{
	int idx = tonegen_index();
	uint32_t size, reason;
	struct ks_req r;

	self->filter = self->pin = self->efd = -1;
	ASSERT_SAMPLE(idx);
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

FIXTURE_TEARDOWN(gone)
{
	close_fd(&self->pin);
	close_fd(&self->filter);
	close_fd(&self->efd);
	write_registered("1");
}

TEST_F(gone, unregistered_events_removed_enable_enodev)
{
	struct ks_loopedstreaming_position_event_data p;
	struct ks_event_data a, b;
	struct ks_identifier e;
	long pins = stats_counter("pins");

	data_event(&a, self->efd);
	data_semaphore(&b, self->efd, 3);
	ASSERT_EQ(0, enable_conn(self->pin, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &a));
	ASSERT_EQ(0, enable_conn(self->pin,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ONESHOT, &b));
	ASSERT_EQ(0, enable_position(self->pin, 0, &p, self->efd));
	/* Paused: the tone moves nothing that could signal by itself. */
	ASSERT_EQ(0, ks_pin_set_state(self->pin, KSSTATE_PAUSE));

	ASSERT_EQ(0, write_registered("0"));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS))
		TH_LOG("signalled by the unregistration");
	/* ENABLE: ENODEV (check 3), on the pin and on the filter fd. */
	EXPECT_EQ(-ENODEV, enable_conn(self->pin,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &a));
	EXPECT_EQ(-ENODEV, enable_conn(self->filter,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &a));
	EXPECT_EQ(-ENODEV, support(self->pin, &set_connection, 0,
				   KSEVENT_TYPE_SETSUPPORT, NULL));
	/* Before any other check, as every call on a gone filter's fds. */
	e = ev_id(&set_connection, KSEVENT_CONNECTION_ENDOFSTREAM,
		  KSEVENT_TYPE_ENABLE);
	EXPECT_EQ(-ENODEV, enable_raw(self->pin, &e, sizeof(e), &a, sizeof(a),
				      1, NULL));
	e.flags = KSEVENT_TYPE_ENABLE | KSEVENT_TYPE_ONESHOT;
	EXPECT_EQ(-ENODEV, enable_raw(self->pin, &e, sizeof(e), &a, sizeof(a),
				      0, NULL));
	/* DISABLE too: the events are gone with the pin's shutdown. */
	EXPECT_EQ(-ENODEV, disable_ev(self->pin, &a));
	EXPECT_EQ(-ENODEV, disable_ev(self->pin, &p));
	EXPECT_EQ(-ENODEV, disable_all(self->pin));
	EXPECT_EQ(-ENODEV, disable_all(self->filter));
	/* The eventfd is the caller's as before. */
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	close_fd(&self->pin);
	if (pins >= 0)
		EXPECT_EQ(pins - 1, stats_wait("pins", pins - 1));
}

/*
 * ks-tonegen registered again, its new filter opened and a Tone pin made
 * on it, in @self: 0 or a negative errno.
 */
static int gone_reregister(FIXTURE_DATA(gone) *self)
{
	uint32_t size, reason;
	struct ks_req r;
	int idx, ret;

	ret = write_registered("1");
	if (ret)
		return ret;
	idx = ks_find_filter(TONEGEN_NAME);
	if (idx < 0)
		return idx;
	self->filter = open_filter(idx, O_RDWR);
	if (self->filter < 0)
		return self->filter;
	size = req_default(&r, TONEGEN_PIN_TONE);
	self->pin = ks_create(self->filter, &r, size, KS_GENERIC_READ,
			      O_CLOEXEC, &reason);
	return self->pin < 0 ? self->pin : 0;
}

/* Registered again, the filter's new pins have events again. */
TEST_F(gone, reregistered_filter_events_work)
{
	struct ks_event_data a;

	data_event(&a, self->efd);
	ASSERT_EQ(0, enable_conn(self->pin, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &a));
	ASSERT_EQ(0, write_registered("0"));
	close_fd(&self->pin);
	close_fd(&self->filter);
	ASSERT_EQ(0, gone_reregister(self));
	EXPECT_EQ(0, enable_conn(self->pin, KSEVENT_CONNECTION_ENDOFSTREAM,
				 KSEVENT_TYPE_ENABLE, &a));
}

/*
 * A second thread enables and disables events on a pin while the filter is
 * unregistered under it, a little later each round.  Every enable ends
 * with 0, EEXIST (its own key, enabled) or ENODEV, every disable with 0 or
 * ENODEV.  Once the unregistration has returned, no event is left on the
 * pin (its fdinfo's ks-events), none can be enabled, and the eventfd is
 * not signalled: an enable that raced the pin's shutdown was either
 * removed by it or refused, never kept.
 */
#define ENABLE_RACE_ROUNDS	40
#define ENABLE_RACE_MS		20000

struct enabler {
	pthread_t thread;
	pthread_barrier_t *go;
	int pin;
	int efd;
	int stop;	/* set once the unregistration returned */
	int bad;	/* the first unexpected result */
	int enabled;	/* enables that returned 0 */
};

static void *enabler_run(void *arg)
{
	struct enabler *en = arg;
	struct ks_event_data d[4];
	int i, ret;

	for (i = 0; i < 4; i++)
		data_event(&d[i], en->efd);
	pthread_barrier_wait(en->go);
	/* Until ENODEV; a filter still taking enables after it is gone fails. */
	for (i = 0; !__atomic_load_n(&en->stop, __ATOMIC_ACQUIRE);
	     i = (i + 1) % 4) {
		ret = enable_conn(en->pin, KSEVENT_CONNECTION_ENDOFSTREAM,
				  KSEVENT_TYPE_ENABLE, &d[i]);
		if (ret == -ENODEV)
			return NULL;
		if (!ret)
			en->enabled++;
		else if (ret != -EEXIST && !en->bad)
			en->bad = ret;
		if (i != 3)
			continue;
		ret = disable_all(en->pin);
		if (ret == -ENODEV)
			return NULL;
		if (ret && !en->bad)
			en->bad = ret;
	}
	en->bad = -EALREADY;	/* not refused after the unregistration */
	return NULL;
}

TEST_F_TIMEOUT(gone, enable_racing_unregistration_is_removed_or_refused, 120)
{
	int round, enabled = 0;
	long long start = ks_now_ms();
	struct ks_event_data a;
	pthread_barrier_t go;
	struct enabler en;

	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 2));
	data_event(&a, self->efd);
	for (round = 0; round < ENABLE_RACE_ROUNDS &&
	     ks_now_ms() - start < ENABLE_RACE_MS; round++) {
		if (round)
			ASSERT_EQ(0, gone_reregister(self));
		en = (struct enabler){ .go = &go, .pin = self->pin,
				       .efd = self->efd };
		ASSERT_EQ(0, pthread_create(&en.thread, NULL, enabler_run,
					    &en));
		pthread_barrier_wait(&go);
		/* Sweep the unregistration across the enables. */
		usleep(round * 53 % 2000);
		ASSERT_EQ(0, write_registered("0"));
		ks_sleep_ms(100);
		__atomic_store_n(&en.stop, 1, __ATOMIC_RELEASE);
		pthread_join(en.thread, NULL);
		EXPECT_EQ(0, en.bad) TH_LOG("round %d: %s", round,
					    en.bad == -EALREADY ?
					    "enables went on after it" :
					    strerror(-en.bad));
		enabled += en.enabled;
		EXPECT_EQ(0, fdinfo_number(self->pin, "ks-events"))
			TH_LOG("round %d: an event outlived the unregistration",
			       round);
		EXPECT_EQ(-ENODEV, enable_conn(self->pin,
					       KSEVENT_CONNECTION_ENDOFSTREAM,
					       KSEVENT_TYPE_ENABLE, &a));
		close_fd(&self->pin);
		close_fd(&self->filter);
	}
	pthread_barrier_destroy(&go);
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	TH_LOG("%d rounds, %d enables went through", round, enabled);
	EXPECT_LT(0, enabled);
}

/* ---- ks-audio: underruns and overruns are discontinuities ---- */

#define AUDIO_WAVE	AUDIO_WAVE_NAME "-0"
#define AUDIO_CARDS	AUDIO_PARAMS "cards"

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
	int render;
	int capture;
	int efd;
};

FIXTURE_SETUP(audio)
{
	int ret, idx;

	self->wave = self->render = self->capture = self->efd = -1;
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
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(audio)
{
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->wave);
	close_fd(&self->efd);
	EXPECT_EQ(0, unload_module_wait(AUDIO_MODNAME));
}

static int audio_pin(FIXTURE_DATA(audio) *self, uint32_t pin)
{
	struct ks_req r;
	uint32_t size = req_audio(&r, pin, KS_SAMPLE_PCM, AUDIO_RATE_48K, 2,
				  16);
	uint32_t reason;

	return ks_create(self->wave, &r, size,
			 pin == AUDIO_WAVE_PIN_RENDER ? KS_GENERIC_WRITE :
							KS_GENERIC_READ,
			 O_CLOEXEC, &reason);
}

/* Render in RUN with nothing written underruns at its first period. */
TEST_F(audio, datadiscontinuity_on_render_underrun)
{
	struct ks_event_data d;
	long long n;

	self->render = audio_pin(self, AUDIO_WAVE_PIN_RENDER);
	ASSERT_LE(0, self->render);
	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->render,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ENABLE, &d));
	/* Stopped and paused, the clock does not run: no underrun. */
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	n = efd_wait(self->efd, 2, SIGNAL_MS);
	EXPECT_LE(2, n) TH_LOG("%lld underrun signals", n);
	ASSERT_EQ(0, disable_ev(self->render, &d));
	/* What came before DISABLE returned; nothing after. */
	efd_take(self->efd);
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS))
		TH_LOG("signalled after DISABLE");
}

TEST_F(audio, datadiscontinuity_oneshot_on_underrun_once)
{
	struct ks_event_data d;

	self->render = audio_pin(self, AUDIO_WAVE_PIN_RENDER);
	ASSERT_LE(0, self->render);
	data_semaphore(&d, self->efd, 7);
	ASSERT_EQ(0, enable_conn(self->render,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ONESHOT, &d));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	EXPECT_EQ(7, efd_wait(self->efd, 7, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, 500));
	EXPECT_EQ(-ENOENT, disable_ev(self->render, &d));
}

/* Capture in RUN never read fills its buffer, then overruns. */
TEST_F(audio, datadiscontinuity_on_capture_overrun)
{
	struct ks_event_data d;

	self->capture = audio_pin(self, AUDIO_WAVE_PIN_CAPTURE);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, ks_pin_set_buffer_size(self->capture, 64 * KIB));
	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_conn(self->capture,
				 KSEVENT_CONNECTION_DATADISCONTINUITY,
				 KSEVENT_TYPE_ENABLE, &d));
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	/* 64 KiB is 0.34 s at 48 kHz stereo 16 bit. */
	EXPECT_LE(1, efd_wait(self->efd, 1, SIGNAL_MS));
}

TEST_HARNESS_MAIN
