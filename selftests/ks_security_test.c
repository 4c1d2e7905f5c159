// SPDX-License-Identifier: GPL-2.0
/*
 * The security claims of docs/threat-model.md that the other suites do not
 * already show, on ks-loopback:
 *
 *  - access: a pin never gets more access than the filter fd it was created
 *    on (SPEC 4, row 7), with both access bits too; the pin fd's open mode
 *    is its access, and the VFS and mmap(2) enforce it; a pin fd cannot be
 *    reopened with more access through /proc/self/fd;
 *  - no uninitialised kernel bytes: every copy-out other than property
 *    values (ks_property_test covers those) writes only bytes the contract
 *    defines and leaves the rest of the caller's buffer as it was: the
 *    create-pin `reason`, READ_STREAM headers, the POSITION and BUFFER
 *    properties, a new pin's mapped buffer, fdinfo;
 *  - lengths from userspace are bounded: property `in` and SET values,
 *    stream header counts, mmap offsets and lengths, POSITION offsets;
 *  - no kernel addresses in fdinfo, sysfs, debugfs or the kernel log lines
 *    of our modules.
 *
 * Output buffers are filled with PAT first, as in ks_property_test.
 */
#include <ctype.h>
#include <dirent.h>
#include <sys/klog.h>
#include <sys/mman.h>

#include "ks_selftest.h"

#define PAT	0xA5

static const struct ks_guid set_stream = KSPROPSETID_KSFILTER_STREAM;

static bool untouched(const void *buf, size_t from, size_t to)
{
	const unsigned char *p = buf;

	for (; from < to; from++)
		if (p[from] != PAT)
			return false;
	return true;
}

FIXTURE(sec) {
	int idx;
	int filter;
	int render, capture;
	struct ks_req req;
	uint32_t reason;
	long pins;
};

FIXTURE_SETUP(sec)
{
	self->filter = self->render = self->capture = -1;
	self->idx = ks_find_filter(LOOPBACK_NAME);
	ASSERT_LOOPBACK(self->idx);
	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->pins = stats_counter("pins");
}

FIXTURE_TEARDOWN(sec)
{
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
	EXPECT_EQ(self->pins, stats_counter("pins"));
}

/* A pcm:48000:2:16 pin of ks-loopback on @filter_fd; fd or -errno. */
static int make_pin(FIXTURE_DATA(sec) *self, int filter_fd, uint32_t pin,
		    uint32_t access, bool looped)
{
	uint32_t size = req_default(&self->req, pin);

	if (looped)
		ks_connect_set_interface(&self->req.c,
					 KSINTERFACE_STANDARD_LOOPED_STREAMING);
	return ks_create(filter_fd, &self->req, size, access,
			 O_CLOEXEC | O_NONBLOCK, &self->reason);
}

/* ==== access ==== */

/* Row 7 with both access bits: each one needs the filter fd's mode. */
TEST_F(sec, read_write_pin_needs_read_write_filter_fd)
{
	int ro = open_filter(self->idx, O_RDONLY);
	int wo = open_filter(self->idx, O_WRONLY);
	const uint32_t both = KS_GENERIC_READ | KS_GENERIC_WRITE;

	ASSERT_LE(0, ro);
	ASSERT_LE(0, wo);
	EXPECT_EQ(-EACCES, make_pin(self, ro, PIN_RENDER, both, false));
	EXPECT_REASON(KS_REASON_FILTER_ACCESS);
	EXPECT_EQ(-EACCES, make_pin(self, wo, PIN_RENDER, both, false));
	EXPECT_REASON(KS_REASON_FILTER_ACCESS);
	EXPECT_EQ(-EACCES, make_pin(self, wo, PIN_CAPTURE, both, false));
	EXPECT_REASON(KS_REASON_FILTER_ACCESS);
	close(ro);
	close(wo);

	self->render = make_pin(self, self->filter, PIN_RENDER, both, false);
	ASSERT_LE(0, self->render);
	EXPECT_EQ(O_RDWR, fcntl(self->render, F_GETFL) & O_ACCMODE);
}

/* The write side of a read-only pin fd: write(2) and WRITE_STREAM. */
TEST_F(sec, read_only_pin_fd_cannot_write)
{
	struct ks_stream_header h = { .size = sizeof(h) };
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h, .in_size = sizeof(h),
	};
	char buf[4] = { 0 };

	self->capture = make_pin(self, self->filter, PIN_CAPTURE,
				 KS_GENERIC_READ, false);
	ASSERT_LE(0, self->capture);
	EXPECT_EQ(-1, write(self->capture, buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(self->capture, KS_IOCTL_WRITE_STREAM, &b));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(sec, write_only_pin_fd_cannot_read)
{
	struct ks_stream_header h = { .size = sizeof(h), .frame_extent = 4 };
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h, .in_size = sizeof(h),
	};
	char buf[4];

	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_WRITE, false);
	ASSERT_LE(0, self->render);
	EXPECT_EQ(-1, read(self->render, buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(self->render, KS_IOCTL_READ_STREAM, &b));
	EXPECT_EQ(EBADF, errno);
}

/* mmap(2) follows the open mode: reading needs GENERIC_READ. */
TEST_F(sec, write_only_looped_pin_cannot_be_mapped)
{
	void *p;

	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_WRITE, true);
	ASSERT_LE(0, self->render);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->render, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	if (p != MAP_FAILED)
		munmap(p, 4096);
}

/* A read-only pin's buffer cannot be mapped, or made, writable. */
TEST_F(sec, read_only_looped_pin_cannot_be_mapped_writable)
{
	void *p;

	self->capture = make_pin(self, self->filter, PIN_CAPTURE,
				 KS_GENERIC_READ, true);
	ASSERT_LE(0, self->capture);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->capture, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EACCES, errno);
	if (p != MAP_FAILED)
		munmap(p, 4096);

	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->capture, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, 4096, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, 4096);
}

/* /proc/self/fd/N of a read-only pin cannot be opened for writing. */
TEST_F(sec, pin_fd_not_reopened_with_more_access)
{
	char path[64];
	int fd;

	self->capture = make_pin(self, self->filter, PIN_CAPTURE,
				 KS_GENERIC_READ, false);
	ASSERT_LE(0, self->capture);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", self->capture);
	fd = open(path, O_RDWR | O_CLOEXEC);
	EXPECT_GT(0, fd) TH_LOG("reopened read-write");
	if (fd >= 0)
		close(fd);
}

/* ==== no uninitialised bytes ==== */

/* KS_IOCTL_CREATE_PIN writes `reason` and nothing else of the request. */
TEST_F(sec, create_pin_writes_only_reason)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	struct ks_create_pin a, b;
	int fd;

	memset(&a, PAT, sizeof(a));
	a.connect = (uintptr_t)&self->req;
	a.connect_size = size;
	a.desired_access = KS_GENERIC_WRITE;
	a.flags = O_CLOEXEC;
	b = a;
	fd = ioctl(self->filter, KS_IOCTL_CREATE_PIN, &a);
	ASSERT_LE(0, fd);
	self->render = fd;
	EXPECT_EQ((uint32_t)KS_REASON_NONE, a.reason);
	a.reason = b.reason;
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));

	/* A refusal: the same (row 13, the Render pin is taken). */
	fd = ioctl(self->filter, KS_IOCTL_CREATE_PIN, &a);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ((uint32_t)KS_REASON_INSTANCES, a.reason);
	a.reason = b.reason;
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
}

/* Render and Capture of ks-loopback in RUN, pcm:48000:2:16. */
static void loop_running(struct __test_metadata *_metadata,
			 FIXTURE_DATA(sec) *self)
{
	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_WRITE, false);
	ASSERT_LE(0, self->render);
	self->capture = make_pin(self, self->filter, PIN_CAPTURE,
				 KS_GENERIC_READ, false);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
}

/*
 * READ_STREAM: each returned header has its output fields written
 * (reserved 0, no time without TIMEVALID), its input fields as given; the
 * headers after `returned` and the data bytes after data_used keep the
 * caller's pattern.
 */
TEST_F(sec, read_stream_headers_fully_defined)
{
	struct ks_stream_header in[3], out[3];
	unsigned char data[3][256], frames[64];
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)in, .in_size = sizeof(in),
		.out = (uintptr_t)out, .out_size = sizeof(out),
		.returned = 0xdeadbeef,
	};
	int i;

	loop_running(_metadata, self);
	memset(frames, 0x3c, sizeof(frames));
	ASSERT_EQ((ssize_t)sizeof(frames),
		  write(self->render, frames, sizeof(frames)));

	memset(in, PAT, sizeof(in));
	memset(out, PAT, sizeof(out));
	memset(data, PAT, sizeof(data));
	for (i = 0; i < 3; i++) {
		in[i].size = sizeof(in[i]);
		in[i].frame_extent = sizeof(data[i]);
		in[i].data = (uintptr_t)data[i];
	}
	ASSERT_EQ(0, ioctl(self->capture, KS_IOCTL_READ_STREAM, &b))
		TH_LOG("READ_STREAM: %s", strerror(errno));
	ASSERT_EQ(sizeof(out[0]), b.returned);

	EXPECT_EQ(sizeof(out[0]), out[0].size);
	EXPECT_EQ(sizeof(data[0]), out[0].frame_extent);
	EXPECT_EQ((uintptr_t)data[0], out[0].data);
	EXPECT_EQ(sizeof(frames), out[0].data_used);
	/* write(2) carries no metadata: every other field is zero. */
	EXPECT_EQ(0u, out[0].type_specific_flags);
	EXPECT_EQ(0, out[0].presentation_time.time);
	EXPECT_EQ(0u, out[0].presentation_time.numerator);
	EXPECT_EQ(0u, out[0].presentation_time.denominator);
	EXPECT_EQ(0, out[0].duration);
	EXPECT_EQ(0u, out[0].options_flags);
	EXPECT_EQ(0u, out[0].reserved);
	EXPECT_EQ(0, memcmp(data[0], frames, sizeof(frames)));
	EXPECT_TRUE(untouched(data[0], sizeof(frames), sizeof(data[0])));
	EXPECT_TRUE(untouched(out, sizeof(out[0]), sizeof(out)));
	EXPECT_TRUE(untouched(data, sizeof(data[0]), sizeof(data)));
}

/* The metadata a writer gave comes back as given; reserved is zeroed. */
TEST_F(sec, read_stream_metadata_as_written)
{
	unsigned char frames[64], data[128];
	struct ks_stream_header w = {
		.size = sizeof(w),
		.type_specific_flags = 0x42,
		.presentation_time = { 123456789, 1, 10000000 },
		.duration = 2000,
		.frame_extent = sizeof(frames),
		.data_used = sizeof(frames),
		.data = (uintptr_t)frames,
		.options_flags = KSSTREAM_HEADER_OPTIONSF_TIMEVALID |
				 KSSTREAM_HEADER_OPTIONSF_DURATIONVALID,
	};
	struct ks_ioctl_buffers wb = {
		.in = (uintptr_t)&w, .in_size = sizeof(w),
	};
	struct ks_stream_header r;
	struct ks_ioctl_buffers rb = {
		.in = (uintptr_t)&r, .in_size = sizeof(r),
	};

	loop_running(_metadata, self);
	memset(frames, 0x5a, sizeof(frames));
	ASSERT_EQ(0, ioctl(self->render, KS_IOCTL_WRITE_STREAM, &wb))
		TH_LOG("WRITE_STREAM: %s", strerror(errno));

	memset(&r, PAT, sizeof(r));
	memset(data, PAT, sizeof(data));
	r.size = sizeof(r);
	r.frame_extent = sizeof(data);
	r.data = (uintptr_t)data;
	ASSERT_EQ(0, ioctl(self->capture, KS_IOCTL_READ_STREAM, &rb))
		TH_LOG("READ_STREAM: %s", strerror(errno));
	ASSERT_EQ(sizeof(r), rb.returned);
	EXPECT_EQ(sizeof(frames), r.data_used);
	EXPECT_EQ(0x42u, r.type_specific_flags);
	EXPECT_EQ(123456789, r.presentation_time.time);
	EXPECT_EQ(1u, r.presentation_time.numerator);
	EXPECT_EQ(10000000u, r.presentation_time.denominator);
	EXPECT_EQ(2000, r.duration);
	EXPECT_EQ(w.options_flags, r.options_flags);
	EXPECT_EQ(0u, r.reserved);
	EXPECT_TRUE(untouched(data, sizeof(frames), sizeof(data)));
}

/* A GET of @id of KSPROPSETID_KSFILTER_STREAM into a PAT buffer. */
static int stream_prop(int fd, uint32_t id, void *out, uint32_t size,
		       uint32_t *returned)
{
	memset(out, PAT, size);
	return ks_property(fd, &set_stream, id, KSPROPERTY_TYPE_GET, NULL, 0,
			   out, size, returned);
}

TEST_F(sec, position_and_buffer_fully_defined)
{
	union {
		struct ks_audio_position pos;
		struct ks_stream_buffer buf;
		unsigned char raw[64];
	} u;
	uint32_t got;

	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_READ | KS_GENERIC_WRITE, true);
	ASSERT_LE(0, self->render);
	ASSERT_EQ(0, stream_prop(self->render,
				 KSPROPERTY_KSFILTER_STREAM_POSITION, &u,
				 sizeof(u), &got));
	EXPECT_EQ(sizeof(u.pos), got);
	EXPECT_EQ(0u, u.pos.play_offset);
	EXPECT_EQ(0u, u.pos.write_offset);
	EXPECT_TRUE(untouched(&u, sizeof(u.pos), sizeof(u)));

	ASSERT_EQ(0, stream_prop(self->render,
				 KSPROPERTY_KSFILTER_STREAM_BUFFER, &u,
				 sizeof(u), &got));
	EXPECT_EQ(sizeof(u.buf), got);
	EXPECT_EQ(4u, u.buf.frame_size);
	EXPECT_LT(0u, u.buf.size);
	EXPECT_EQ(0u, u.buf.size % u.buf.frame_size);
	EXPECT_EQ(0u, u.buf.map_size % 4096);
	EXPECT_LE(u.buf.size, u.buf.map_size);
	EXPECT_EQ(0u, u.buf.reserved);
	EXPECT_TRUE(untouched(&u, sizeof(u.buf), sizeof(u)));

	/* A STREAMING pin: no mapping, map_size 0, the rest as above. */
	self->capture = make_pin(self, self->filter, PIN_CAPTURE,
				 KS_GENERIC_READ, false);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, stream_prop(self->capture,
				 KSPROPERTY_KSFILTER_STREAM_BUFFER, &u,
				 sizeof(u), &got));
	EXPECT_EQ(sizeof(u.buf), got);
	EXPECT_EQ(0u, u.buf.map_size);
	EXPECT_EQ(0u, u.buf.reserved);
	EXPECT_TRUE(untouched(&u, sizeof(u.buf), sizeof(u)));
}

/* A new looped pin's buffer, mapped, is all zero: no earlier kernel data. */
TEST_F(sec, new_mapping_is_zeroed)
{
	struct ks_stream_buffer sb;
	unsigned char *p;
	uint32_t got, i;
	bool zero = true;

	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_READ | KS_GENERIC_WRITE, true);
	ASSERT_LE(0, self->render);
	ASSERT_EQ(0, stream_prop(self->render,
				 KSPROPERTY_KSFILTER_STREAM_BUFFER, &sb,
				 sizeof(sb), &got));
	ASSERT_LT(0u, sb.map_size);
	p = mmap(NULL, sb.map_size, PROT_READ, MAP_SHARED, self->render, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < sb.map_size && zero; i++)
		zero = !p[i];
	EXPECT_TRUE(zero) TH_LOG("byte %u is 0x%02x", i - 1, p[i - 1]);
	munmap(p, sb.map_size);
}

/* Read a whole file into @buf (NUL-terminated); bytes read or -errno. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1 &&
	       (n = read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total;
}

/* fdinfo is text: printable lines of "key:<tab>value". */
static bool fdinfo_is_text(const char *s, char *why, size_t wsize)
{
	const char *line = s;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '\n') {
			if (!memchr(line, ':', p - line)) {
				snprintf(why, wsize, "line without a key: %.*s",
					 (int)(p - line), line);
				return false;
			}
			line = p + 1;
		} else if (!isprint((unsigned char)*p) && *p != '\t') {
			snprintf(why, wsize, "byte 0x%02x at %ld",
				 (unsigned char)*p, (long)(p - s));
			return false;
		}
	}
	if (line != p) {
		snprintf(why, wsize, "no newline at the end");
		return false;
	}
	return true;
}

TEST_F(sec, fdinfo_is_text)
{
	char path[64], buf[8192], why[160];
	int fds[3], i;

	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_READ | KS_GENERIC_WRITE, true);
	ASSERT_LE(0, self->render);
	self->capture = make_pin(self, self->filter, PIN_CAPTURE,
				 KS_GENERIC_READ, false);
	ASSERT_LE(0, self->capture);
	fds[0] = self->filter;
	fds[1] = self->render;
	fds[2] = self->capture;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fds[i]);
		ASSERT_LT(0, slurp(path, buf, sizeof(buf)));
		EXPECT_TRUE(fdinfo_is_text(buf, why, sizeof(why)))
			TH_LOG("fd %d: %s", fds[i], why);
	}
}

/* ==== every length bounded ==== */

/* KS_IOCTL_PROPERTY on @fd with every argument given; 0 or -errno. */
static int prop_raw(int fd, const void *in, uint32_t in_size, void *out,
		    uint32_t out_size, uint32_t *returned)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)in, .out = (uintptr_t)out,
		.in_size = in_size, .out_size = out_size,
		.returned = 0xdeadbeef,
	};
	int ret = ioctl(fd, KS_IOCTL_PROPERTY, &b);

	if (returned)
		*returned = b.returned;
	return ret < 0 ? -errno : 0;
}

/*
 * `in` and a SET's value are at most 64 KiB (property.c); a GET's out_size
 * is only an upper bound: the value is built from the descriptor and just
 * its own bytes go out.
 */
TEST_F(sec, property_sizes_bounded)
{
	static const struct ks_guid set_pin = KSPROPSETID_PIN;
	static const struct ks_guid set_conn = KSPROPSETID_CONNECTION;
	const size_t big = 65536 + 4096;
	unsigned char *buf = calloc(1, big);
	struct ks_p_pin *p = (void *)buf;
	struct ks_identifier *id = (void *)buf;
	uint32_t got;

	ASSERT_NE(NULL, buf);
	p->property.set = set_pin;
	p->property.id = KSPROPERTY_PIN_DATAFLOW;
	p->property.flags = KSPROPERTY_TYPE_GET;
	p->pin_id = PIN_RENDER;
	EXPECT_EQ(-EINVAL, prop_raw(self->filter, buf, 65537, buf + 1024, 4,
				    &got));
	EXPECT_EQ(0, prop_raw(self->filter, buf, 65536, buf + 1024, 4, &got));
	EXPECT_EQ(4u, got);
	/* A huge out_size (the buffer is not that large): 4 bytes go out. */
	memset(buf + 1024, PAT, 64);
	EXPECT_EQ(0, prop_raw(self->filter, buf, sizeof(*p), buf + 1024,
			      0xffffffffu, &got));
	EXPECT_EQ(4u, got);
	EXPECT_TRUE(untouched(buf + 1024, 4, 64));

	/* A SET's value: DATAFORMAT with 65537 bytes is refused unread. */
	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_WRITE, false);
	ASSERT_LE(0, self->render);
	memset(buf, 0, big);
	id->set = set_conn;
	id->id = KSPROPERTY_CONNECTION_DATAFORMAT;
	id->flags = KSPROPERTY_TYPE_SET;
	EXPECT_EQ(-EINVAL, prop_raw(self->render, id, sizeof(*id), buf + 64,
				    65537, NULL));
	free(buf);
}

/* READ_STREAM and WRITE_STREAM take at most KS_STREAM_HEADERS_MAX headers. */
TEST_F(sec, stream_header_count_bounded)
{
	const uint32_t max = KS_STREAM_HEADERS_MAX;
	struct ks_stream_header *h = calloc(max + 1, sizeof(*h));
	struct ks_ioctl_buffers b = { .in = (uintptr_t)h };
	uint32_t i;

	ASSERT_NE(NULL, h);
	loop_running(_metadata, self);
	for (i = 0; i <= max; i++) {
		h[i].size = sizeof(*h);
		h[i].frame_extent = 4;
	}
	b.in_size = (max + 1) * sizeof(*h);
	EXPECT_EQ(-1, ioctl(self->capture, KS_IOCTL_READ_STREAM, &b));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->render, KS_IOCTL_WRITE_STREAM, &b));
	EXPECT_EQ(EINVAL, errno);
	/* The largest multiple of 56 a u32 holds: refused, not allocated. */
	b.in_size = 0xffffffffu / sizeof(*h) * sizeof(*h);
	EXPECT_EQ(-1, ioctl(self->capture, KS_IOCTL_READ_STREAM, &b));
	EXPECT_EQ(EINVAL, errno);
	/* At the bound: nothing queued yet, so EAGAIN (non-blocking). */
	b.in_size = max * sizeof(*h);
	EXPECT_EQ(-1, ioctl(self->capture, KS_IOCTL_READ_STREAM, &b));
	EXPECT_EQ(EAGAIN, errno);
	free(h);
}

/* mmap offsets and lengths, and POSITION offsets that would wrap. */
TEST_F(sec, mapping_and_position_offsets_bounded)
{
	struct ks_audio_position pos;
	struct ks_stream_buffer sb;
	uint32_t got;
	void *p;

	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_READ | KS_GENERIC_WRITE, true);
	ASSERT_LE(0, self->render);
	ASSERT_EQ(0, stream_prop(self->render,
				 KSPROPERTY_KSFILTER_STREAM_BUFFER, &sb,
				 sizeof(sb), &got));
	/* An offset whose byte value wraps 64 bits, a length beyond. */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->render,
		 (off_t)0x7ffffffffffff000);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, sb.map_size + 4096, PROT_READ, MAP_SHARED,
		 self->render, 0);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, sb.map_size, PROT_READ, MAP_SHARED, self->render,
		 4096);
	EXPECT_EQ(MAP_FAILED, p);

	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	pos.play_offset = 0;
	pos.write_offset = UINT64_MAX - 3;
	EXPECT_EQ(-EINVAL, ks_property(self->render, &set_stream,
				       KSPROPERTY_KSFILTER_STREAM_POSITION,
				       KSPROPERTY_TYPE_SET, NULL, 0, &pos,
				       sizeof(pos), NULL));
	pos.write_offset = (uint64_t)sb.size + 4;
	EXPECT_EQ(-EINVAL, ks_property(self->render, &set_stream,
				       KSPROPERTY_KSFILTER_STREAM_POSITION,
				       KSPROPERTY_TYPE_SET, NULL, 0, &pos,
				       sizeof(pos), NULL));
	pos.write_offset = sb.size;
	EXPECT_EQ(0, ks_property(self->render, &set_stream,
				 KSPROPERTY_KSFILTER_STREAM_POSITION,
				 KSPROPERTY_TYPE_SET, NULL, 0, &pos,
				 sizeof(pos), NULL));
}

/* ==== no kernel addresses ==== */

/*
 * A kernel address as the kernel prints it unhashed: 16 hex digits starting
 * with ffff (x86_64's kernel half), or 0x and 12 or more hex digits.  GUIDs
 * (at most 12 digits in a group, no 0x) and decimal counters do not match.
 */
static const char *find_address(const char *s)
{
	const char *p = s, *start;
	size_t n;

	while (*p) {
		if (!isxdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		start = p;
		while (isxdigit((unsigned char)*p))
			p++;
		n = p - start;
		if (n >= 16 && !strncasecmp(start, "ffff", 4))
			return start;
		if (start >= s + 2 && start[-1] == 'x' && start[-2] == '0' &&
		    n >= 12)
			return start;
		/* "0x" itself is scanned as the digit 0: look past the x. */
		if (n == 1 && *start == '0' && (*p == 'x' || *p == 'X'))
			p++;
	}
	return NULL;
}

TEST(address_pattern_matches_what_it_should)
{
	EXPECT_NE(NULL, find_address("ptr ffff888003a41c00 x"));
	EXPECT_NE(NULL, find_address("at 0xffffffffc0201000"));
	EXPECT_NE(NULL, find_address("0x0000888003a41c00"));
	EXPECT_EQ(NULL, find_address("C928C569-9822-4E88-A25B-3B4C2124DE4A 1 40"));
	EXPECT_EQ(NULL, find_address("class 0x40000000 subclass 0x00000001"));
	EXPECT_EQ(NULL, find_address("ks-bytes-in:\t18446744073709551615"));
}

/* Fail on an address in @path's text; 1 when checked, 0 when absent. */
static int check_file(struct __test_metadata *_metadata, const char *path)
{
	static char buf[65536];
	const char *a;

	if (slurp(path, buf, sizeof(buf)) < 0)
		return 0;
	a = find_address(buf);
	EXPECT_EQ(NULL, a) TH_LOG("%s: %.40s", path, a);
	return 1;
}

/* Every regular file directly in @dir. */
static int check_dir(struct __test_metadata *_metadata, const char *dir)
{
	char path[512];
	struct dirent *d;
	struct stat st;
	int n = 0;
	DIR *dp = opendir(dir);

	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (d->d_name[0] == '.' || stat(path, &st) ||
		    !S_ISREG(st.st_mode) || !(st.st_mode & 0444))
			continue;
		n += check_file(_metadata, path);
	}
	closedir(dp);
	return n;
}

TEST_F(sec, no_kernel_addresses_in_fdinfo_sysfs_debugfs)
{
	char path[256];
	int fds[3], i, n = 0;

	self->render = make_pin(self, self->filter, PIN_RENDER,
				KS_GENERIC_READ | KS_GENERIC_WRITE, true);
	ASSERT_LE(0, self->render);
	self->capture = make_pin(self, self->filter, PIN_CAPTURE,
				 KS_GENERIC_READ, false);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	fds[0] = self->filter;
	fds[1] = self->render;
	fds[2] = self->capture;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fds[i]);
		n += check_file(_metadata, path);
	}
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d",
			 i);
		n += check_dir(_metadata, path);
	}
	n += check_dir(_metadata, "/sys/module/ksfilter/parameters");
	n += check_dir(_metadata, "/sys/module/ks_tonegen/parameters");
	n += check_dir(_metadata, "/sys/kernel/debug/ksfilter");
	ksft_print_msg("%d files checked\n", n);
	/* Three fdinfo files, ks-loopback's sysfs and the debugfs files. */
	EXPECT_LE(3 + 2 + 2, n);
}

/* The kernel log lines of our modules (pr_fmt puts the name first). */
TEST(no_kernel_addresses_in_kernel_log)
{
	static const char *const prefixes[] = {
		"ksfilter", "ks_tonegen", "ks_iface", "ks_factory",
	};
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf, *line, *save = NULL;
	int n, lines = 0;
	unsigned int i;

	ASSERT_LT(0, size) TH_LOG("no kernel log: %s", strerror(errno));
	buf = calloc(1, size + 1);
	ASSERT_NE(NULL, buf);
	n = klogctl(3, buf, size);		/* SYSLOG_ACTION_READ_ALL */
	ASSERT_LE(0, n);
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *msg = strchr(line, ']');

		msg = msg ? msg + 1 : line;
		msg += strspn(msg, " ");
		for (i = 0; i < ARRAY_SIZE(prefixes); i++)
			if (!strncmp(msg, prefixes[i], strlen(prefixes[i])))
				break;
		if (i == ARRAY_SIZE(prefixes))
			continue;
		lines++;
		EXPECT_EQ(NULL, find_address(msg)) TH_LOG("%s", msg);
	}
	ksft_print_msg("%d lines of our modules checked\n", lines);
	free(buf);
}

TEST_HARNESS_MAIN
