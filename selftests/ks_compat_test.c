// SPDX-License-Identifier: GPL-2.0
/*
 * 32-bit callers (SPEC 3.3: "The ABI is identical for 32-bit callers",
 * compat_ioctl): the same requests, with the same Windows x64 layouts
 * (SPEC 3.1), from an i386 process on the x86_64 kernel.
 *
 * One source, two binaries.  Built with -m32 it is ks_compat_test32, the
 * test proper: a pin created on ks-loopback, property GET and SET on the
 * filter and pin fds, bytes streamed with write(2)/read(2) and with
 * KS_IOCTL_WRITE_STREAM/READ_STREAM (56-byte headers carrying a u64
 * pointer), and bad input refused as a 64-bit process sees it refused.
 * Built for x86_64 it is ks_compat_test, which TESTS lists: it runs
 * ks_compat_test32 beside it in its place, or says why it cannot (a
 * kernel without CONFIG_IA32_EMULATION, such as the tinyconfig debug
 * kernels, refuses to run an i386 binary: the test is then skipped).
 */
#ifdef __i386__

#include <stddef.h>

#include "ks_selftest.h"

static const struct ks_guid set_pin = KSPROPSETID_PIN;
static const struct ks_guid cat_capture = KSCATEGORY_CAPTURE;

/* What ks_ioctl_buffers.returned holds when the kernel did not write it. */
#define PAT		0xA5

/* SPEC 3.1: the x64 sizes and offsets, in a process whose u64 aligns to 4. */
TEST(layouts_are_windows_x64_in_a_32bit_process)
{
	EXPECT_EQ(4, sizeof(void *));
	/* What the x64 layouts must not depend on: u64 aligns to 4 here. */
	EXPECT_EQ(4, offsetof(struct { uint32_t a; uint64_t b; }, b));
	EXPECT_EQ(24, sizeof(struct ks_identifier));
	EXPECT_EQ(8, __alignof__(struct ks_identifier));
	EXPECT_EQ(72, sizeof(struct ks_pin_connect));
	EXPECT_EQ(48, offsetof(struct ks_pin_connect, pin_id));
	EXPECT_EQ(56, offsetof(struct ks_pin_connect, pin_to_handle));
	EXPECT_EQ(64, offsetof(struct ks_pin_connect, priority));
	EXPECT_EQ(64, sizeof(struct ks_dataformat));
	EXPECT_EQ(82, sizeof(struct ks_dataformat_waveformatex));
	EXPECT_EQ(88, sizeof(struct ks_datarange_audio));
	EXPECT_EQ(32, sizeof(struct ks_p_pin));
	EXPECT_EQ(56, sizeof(struct ks_stream_header));
	EXPECT_EQ(40, offsetof(struct ks_stream_header, data));
	EXPECT_EQ(24, sizeof(struct ks_create_pin));
	EXPECT_EQ(32, sizeof(struct ks_ioctl_buffers));
	EXPECT_EQ(24, offsetof(struct ks_ioctl_buffers, returned));
}

FIXTURE(compat) {
	int filter;
	int render;
	int capture;
	struct ks_req req;
	uint32_t reason;
};

FIXTURE_SETUP(compat)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->render = self->capture = -1;
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
}

FIXTURE_TEARDOWN(compat)
{
	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
}

/* Create @pin with pcm:48000:2:16; the fd or -errno. */
static int make_pin(FIXTURE_DATA(compat) *self, uint32_t pin)
{
	uint32_t size = req_default(&self->req, pin);

	return ks_create(self->filter, &self->req, size, pin_access(pin),
			 O_CLOEXEC, &self->reason);
}

/* KS_IOCTL_PROPERTY with every field given; 0 or -errno. */
static int prop_ioctl(int fd, const void *in, uint32_t in_size, void *out,
		      uint32_t out_size, uint32_t *returned)
{
	return ks_buffers_ioctl(fd, KS_IOCTL_PROPERTY, in, in_size, out,
				out_size, returned);
}

TEST_F(compat, create_render_and_capture_pins)
{
	self->render = make_pin(self, PIN_RENDER);
	ASSERT_LE(0, self->render) TH_LOG("%s", strerror(-self->render));
	EXPECT_EQ(KS_REASON_NONE, self->reason);
	EXPECT_EQ(PIN_RENDER, fdinfo_number(self->render, "ks-pin-id"));
	EXPECT_EQ(O_WRONLY, fcntl(self->render, F_GETFL) & O_ACCMODE);

	self->capture = make_pin(self, PIN_CAPTURE);
	ASSERT_LE(0, self->capture) TH_LOG("%s", strerror(-self->capture));
	EXPECT_EQ(KS_REASON_NONE, self->reason);
	EXPECT_EQ(PIN_CAPTURE, fdinfo_number(self->capture, "ks-pin-id"));
	EXPECT_EQ(O_RDONLY, fcntl(self->capture, F_GETFL) & O_ACCMODE);
}

/* Filter fd: a u32, a struct, a guid, a sized list; EOVERFLOW's size. */
TEST_F(compat, filter_properties_get)
{
	struct ks_p_pin in = {
		.property = { .set = set_pin, .flags = KSPROPERTY_TYPE_GET },
		.pin_id = PIN_CAPTURE,
	};
	uint8_t out[64];
	uint32_t returned;
	struct ks_pin_cinstances ci;
	struct ks_multiple_item mi;

	in.property.id = KSPROPERTY_PIN_CTYPES;
	memset(out, PAT, sizeof(out));
	EXPECT_EQ(0, prop_ioctl(self->filter, &in, sizeof(in), out,
				sizeof(out), &returned));
	EXPECT_EQ(4, returned);
	EXPECT_EQ(2, *(uint32_t *)out);
	EXPECT_EQ(PAT, out[4]);

	self->capture = make_pin(self, PIN_CAPTURE);
	ASSERT_LE(0, self->capture);
	in.property.id = KSPROPERTY_PIN_CINSTANCES;
	EXPECT_EQ(0, prop_ioctl(self->filter, &in, sizeof(in), &ci,
				sizeof(ci), &returned));
	EXPECT_EQ(sizeof(ci), returned);
	EXPECT_EQ(1, ci.possible_count);
	EXPECT_EQ(1, ci.current_count);

	in.property.id = KSPROPERTY_PIN_CATEGORY;
	EXPECT_EQ(0, prop_ioctl(self->filter, &in, sizeof(in), out,
				sizeof(out), &returned));
	EXPECT_EQ(sizeof(cat_capture), returned);
	EXPECT_EQ(0, memcmp(out, &cat_capture, sizeof(cat_capture)));

	/* Two data ranges of 88 bytes, each 8-aligned, after the header. */
	in.property.id = KSPROPERTY_PIN_DATARANGES;
	EXPECT_EQ(-EOVERFLOW, prop_ioctl(self->filter, &in, sizeof(in), NULL,
					 0, &returned));
	EXPECT_EQ(8 + 2 * 88, returned);
	EXPECT_EQ(0, prop_ioctl(self->filter, &in, sizeof(in), &mi,
				sizeof(mi), &returned));
	EXPECT_EQ(8, returned);
	EXPECT_EQ(8 + 2 * 88, mi.size);
	EXPECT_EQ(2, mi.count);
}

/* Pin fd: STATE and PRIORITY set and read back, DATAFORMAT byte for byte. */
TEST_F(compat, pin_properties_get_set)
{
	struct ks_priority prio = { 0x80000000u, 7 }, got_prio;
	uint32_t state, size = 0;
	void *format;

	self->render = make_pin(self, PIN_RENDER);
	ASSERT_LE(0, self->render);
	ASSERT_EQ(0, ks_pin_get_state(self->render, &state));
	EXPECT_EQ(KSSTATE_STOP, state);
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_PAUSE));
	ASSERT_EQ(0, ks_pin_get_state(self->render, &state));
	EXPECT_EQ(KSSTATE_PAUSE, state);
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_STOP));

	ASSERT_EQ(0, ks_pin_set_priority(self->render, &prio));
	memset(&got_prio, 0, sizeof(got_prio));
	ASSERT_EQ(0, ks_pin_get_priority(self->render, &got_prio));
	EXPECT_EQ(prio.priority_class, got_prio.priority_class);
	EXPECT_EQ(prio.priority_subclass, got_prio.priority_subclass);

	format = ks_pin_get_dataformat(self->render, &size);
	ASSERT_NE(NULL, format);
	EXPECT_EQ(sizeof(self->req.f.wfx), size);
	EXPECT_EQ(0, memcmp(format, &self->req.f.wfx, size));
	free(format);
}

#define STREAM_BYTES	(480 * 4)

/* write(2) to Render, read(2) from Capture, then the same with headers. */
TEST_F(compat, stream_bytes_plain_and_with_headers)
{
	static uint8_t out[2 * STREAM_BYTES], in[2 * STREAM_BYTES];
	struct ks_stream_header h;
	struct ks_ioctl_buffers io;
	unsigned int i;

	self->render = make_pin(self, PIN_RENDER);
	self->capture = make_pin(self, PIN_CAPTURE);
	ASSERT_LE(0, self->render);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);

	ASSERT_EQ(0, write_all(self->render, out, STREAM_BYTES));
	EXPECT_EQ(STREAM_BYTES, read(self->capture, in, STREAM_BYTES));
	EXPECT_EQ(0, memcmp(out, in, STREAM_BYTES));

	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.frame_extent = STREAM_BYTES;
	h.data_used = STREAM_BYTES;
	h.data = (uintptr_t)(out + STREAM_BYTES);
	h.presentation_time.time = 123456789012ll;
	h.presentation_time.numerator = 1;
	h.presentation_time.denominator = 1;
	h.options_flags = KSSTREAM_HEADER_OPTIONSF_TIMEVALID;
	io = (struct ks_ioctl_buffers){ .in = (uintptr_t)&h,
					.in_size = sizeof(h) };
	ASSERT_LE(0, ioctl(self->render, KS_IOCTL_WRITE_STREAM, &io))
		TH_LOG("WRITE_STREAM: %s", strerror(errno));

	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.frame_extent = STREAM_BYTES;
	h.data = (uintptr_t)(in + STREAM_BYTES);
	io = (struct ks_ioctl_buffers){ .in = (uintptr_t)&h,
					.in_size = sizeof(h) };
	ASSERT_LE(0, ioctl(self->capture, KS_IOCTL_READ_STREAM, &io))
		TH_LOG("READ_STREAM: %s", strerror(errno));
	EXPECT_EQ(STREAM_BYTES, h.data_used);
	EXPECT_EQ((uintptr_t)(in + STREAM_BYTES), h.data);
	EXPECT_EQ(123456789012ll, h.presentation_time.time);
	EXPECT_EQ(KSSTREAM_HEADER_OPTIONSF_TIMEVALID,
		  h.options_flags & KSSTREAM_HEADER_OPTIONSF_TIMEVALID);
	EXPECT_EQ(0, memcmp(out + STREAM_BYTES, in + STREAM_BYTES,
			    STREAM_BYTES));
}

/*
 * Bad input, as a 64-bit caller gets it: a u64 pointer whose upper half
 * is not 0 (no 32-bit address: EFAULT, never truncated to the lower half),
 * a bad request (row 5 with its reason), reserved not 0, an unknown ioctl.
 */
TEST_F(compat, bad_input_refused)
{
	uint64_t high = (uint64_t)1 << 32;
	struct ks_create_pin args;
	struct ks_ioctl_buffers io;
	struct ks_identifier prop = { .set = set_pin,
				      .id = KSPROPERTY_PIN_CTYPES,
				      .flags = KSPROPERTY_TYPE_GET };
	uint32_t size = req_default(&self->req, PIN_RENDER), v;

	memset(&args, 0, sizeof(args));
	args.connect = high | (uintptr_t)&self->req;
	args.connect_size = size;
	args.desired_access = KS_GENERIC_WRITE;
	args.reason = REASON_UNSET;
	EXPECT_EQ(-1, ioctl(self->filter, KS_IOCTL_CREATE_PIN, &args));
	EXPECT_EQ(EFAULT, errno);

	self->req.c.pin_id = 2;
	EXPECT_EQ(-EINVAL, ks_create(self->filter, &self->req, size,
				     KS_GENERIC_WRITE, 0, &self->reason));
	EXPECT_EQ(KS_REASON_PIN_ID, self->reason);

	io = (struct ks_ioctl_buffers){ .in = (uintptr_t)&prop,
					.out = (uintptr_t)&v,
					.in_size = sizeof(prop),
					.out_size = sizeof(v) };
	io.out |= high;
	EXPECT_EQ(-1, ioctl(self->filter, KS_IOCTL_PROPERTY, &io));
	EXPECT_EQ(EFAULT, errno);
	io.out = (uintptr_t)&v;
	io.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->filter, KS_IOCTL_PROPERTY, &io));
	EXPECT_EQ(EINVAL, errno);
	io.reserved = 0;
	EXPECT_EQ(0, ioctl(self->filter, KS_IOCTL_PROPERTY, &io));
	EXPECT_EQ(2, v);

	EXPECT_EQ(-1, ioctl(self->filter, _IO(KS_IOCTL_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_HARNESS_MAIN

#else /* the launcher */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KSFT_FAIL	1
#define KSFT_SKIP	4

int main(int argc, char **argv)
{
	char path[4096];
	const char *slash = strrchr(argv[0], '/');
	int dir = slash ? (int)(slash - argv[0]) + 1 : 0;

	(void)argc;
	snprintf(path, sizeof(path), "%.*sks_compat_test32", dir, argv[0]);
	execv(path, argv);
	printf("TAP version 13\n");
	if (errno == ENOEXEC) {
		printf("1..0 # SKIP %s: this kernel runs no i386 programs (built without CONFIG_IA32_EMULATION)\n",
		       path);
		return KSFT_SKIP;
	}
	printf("1..1\nnot ok 1 exec %s: %s\n", path, strerror(errno));
	return KSFT_FAIL;
}

#endif
