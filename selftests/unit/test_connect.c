// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of module/connect.c: one case per row of SPEC section 5
 * (rows 1, 2 and 4 to 12), the order of the rows, and what is ignored.
 */
#include <string.h>

#include "req.h"
#include "tap.h"

#define RW		(KS_GENERIC_READ | KS_GENERIC_WRITE)
#define X86_CLOEXEC	02000000
#define X86_NONBLOCK	04000
#define ALLOWED		(X86_CLOEXEC | X86_NONBLOCK)

static struct req r;
static struct ks_connect_check out;
static struct ks_pin_descriptor pins[2];

/* Pin 0 IN, pin 1 OUT, both SINK with the loopback's ranges; a valid request. */
static void setup(void)
{
	req_init(&r);
	pins[0] = pin_desc(KSPIN_DATAFLOW_IN);
	pins[1] = pin_desc(KSPIN_DATAFLOW_OUT);
	memset(&out, 0xA5, sizeof(out));
}

static int check(u32 desired, u32 filter)
{
	return ks_check_connect(r.words, r.size, desired, filter, pins, 2, &out);
}

/* Run the request and expect @err with @reason, in the return and in out. */
#define EXPECT_CHECK(desired, filter, err, why)				\
	do {								\
		EXPECT_EQ(check(desired, filter), err);			\
		EXPECT_EQ(out.error, err);				\
		EXPECT_EQ(out.reason, why);				\
	} while (0)

#define EXPECT_OK(desired, filter) EXPECT_CHECK(desired, filter, 0, KS_REASON_NONE)

static void args_valid(void)
{
	u32 reason = 77;

	EXPECT_EQ(ks_check_create_args(0, ALLOWED, 136, &reason), 0);
	EXPECT_EQ(reason, KS_REASON_NONE);
	reason = 77;
	EXPECT_EQ(ks_check_create_args(ALLOWED, ALLOWED, 65536, &reason), 0);
	EXPECT_EQ(reason, KS_REASON_NONE);
	EXPECT_EQ(ks_check_create_args(X86_NONBLOCK, ALLOWED, 154, &reason), 0);
}

static void row1_unknown_flags(void)
{
	u32 reason;

	EXPECT_EQ(ks_check_create_args(1, ALLOWED, 154, &reason), -EINVAL);
	EXPECT_EQ(reason, KS_REASON_REQUEST);
	EXPECT_EQ(ks_check_create_args(0x80000000, ALLOWED, 154, &reason), -EINVAL);
	EXPECT_EQ(reason, KS_REASON_REQUEST);
	EXPECT_EQ(ks_check_create_args(ALLOWED | 2, ALLOWED, 154, &reason), -EINVAL);
	EXPECT_EQ(reason, KS_REASON_REQUEST);
	/* O_CLOEXEC is unknown where the caller says only O_NONBLOCK is known. */
	EXPECT_EQ(ks_check_create_args(X86_CLOEXEC, X86_NONBLOCK, 154, &reason),
		  -EINVAL);
	EXPECT_EQ(reason, KS_REASON_REQUEST);
}

static void row2_connect_size(void)
{
	static const u32 bad[] = { 0, 1, 71, 135, 65537, 0x80000000, 0xFFFFFFFF };
	u32 reason, i;

	for (i = 0; i < TAP_COUNT(bad); i++) {
		reason = 0;
		EXPECT_EQ(ks_check_create_args(0, ALLOWED, bad[i], &reason), -EINVAL);
		EXPECT_EQ(reason, KS_REASON_CONNECT_SIZE);
	}
	EXPECT_EQ(ks_check_create_args(0, ALLOWED, 136, &reason), 0);
	EXPECT_EQ(ks_check_create_args(0, ALLOWED, 65536, &reason), 0);
}

static void order_row1_before_row2(void)
{
	u32 reason;

	EXPECT_EQ(ks_check_create_args(1, ALLOWED, 0, &reason), -EINVAL);
	EXPECT_EQ(reason, KS_REASON_REQUEST);
}

static void connect_valid(void)
{
	setup();
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	EXPECT_EQ(out.pin_id, 0);
	EXPECT_EQ(out.range, 0);
	EXPECT_EQ(out.format_bytes, 82);
}

static void connect_valid_out_pin(void)
{
	setup();
	req_connect(&r)->pin_id = 1;
	EXPECT_OK(KS_GENERIC_READ, KS_GENERIC_READ);
	EXPECT_EQ(out.pin_id, 1);
}

static void connect_second_range(void)
{
	setup();
	fmt_wavex(req_format(&r), &guid_float, KS_WAVE_FORMAT_IEEE_FLOAT, 2,
		  48000, 32);
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	EXPECT_EQ(out.range, 1);
}

static void connect_trailing_bytes(void)
{
	/* A blob larger than the format is fine; format_bytes is the format. */
	setup();
	r.size += 100;
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	EXPECT_EQ(out.format_bytes, 82);
}

static void connect_format_bytes_with_attributes(void)
{
	static const struct attr_spec a[] = { { &guid_attr_a, 0, 0 } };
	u32 bytes;

	setup();
	bytes = fmt_add_attrs(req_format(&r), a, 1);
	req_fit(&r, bytes);
	EXPECT_EQ(bytes, 88 + 8 + 24);
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	EXPECT_EQ(out.format_bytes, bytes);
}

static void connect_blob_too_small(void)
{
	/* Row 2 is the caller's; the pure check still never reads past size. */
	setup();
	r.size = 135;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_CONNECT_SIZE);
	r.size = 0;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_CONNECT_SIZE);
	/* 136: a bare KSDATAFORMAT, which the loopback's ranges refuse. */
	fmt_plain(req_format(&r), &guid_stream, &guid_sub_none, &guid_spec_none);
	r.size = 136;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EDOM, KS_REASON_FORMAT);
}

static void row4_access_zero(void)
{
	setup();
	EXPECT_CHECK(0, RW, -EINVAL, KS_REASON_ACCESS);
}

static void row4_access_unknown_bits(void)
{
	static const u32 bad[] = {
		1, 0x10000000 /* GENERIC_ALL */, 0x20000000 /* EXECUTE */,
		KS_GENERIC_WRITE | 1, RW | 0x00010000, 0xFFFFFFFF,
	};
	u32 i;

	setup();
	for (i = 0; i < TAP_COUNT(bad); i++)
		EXPECT_CHECK(bad[i], 0xFFFFFFFF, -EINVAL, KS_REASON_ACCESS);
}

static void row4_access_read_write(void)
{
	setup();
	EXPECT_OK(RW, RW);
}

static void row5_pin_id(void)
{
	setup();
	req_connect(&r)->pin_id = 2;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_PIN_ID);
	EXPECT_EQ(out.pin_id, 0);
	req_connect(&r)->pin_id = 0xFFFFFFFF;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_PIN_ID);
	req_connect(&r)->pin_id = 0;
	EXPECT_EQ(ks_check_connect(r.words, r.size, KS_GENERIC_WRITE, RW, pins, 0,
				   &out), -EINVAL);
	EXPECT_EQ(out.reason, KS_REASON_PIN_ID);
}

static void row6_in_pin_needs_write(void)
{
	setup();
	EXPECT_CHECK(KS_GENERIC_READ, RW, -EINVAL, KS_REASON_ACCESS);
	EXPECT_EQ(out.pin_id, 0);
}

static void row6_out_pin_needs_read(void)
{
	setup();
	req_connect(&r)->pin_id = 1;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_ACCESS);
	EXPECT_EQ(out.pin_id, 1);
	EXPECT_OK(RW, RW);
}

static void row6_invalid_dataflow(void)
{
	setup();
	pins[0].dataflow = 0;
	EXPECT_CHECK(RW, RW, -EINVAL, KS_REASON_ACCESS);
	pins[0].dataflow = 3;
	EXPECT_CHECK(RW, RW, -EINVAL, KS_REASON_ACCESS);
}

static void row7_filter_access(void)
{
	setup();
	EXPECT_CHECK(KS_GENERIC_WRITE, KS_GENERIC_READ, -EACCES,
		     KS_REASON_FILTER_ACCESS);
	EXPECT_CHECK(KS_GENERIC_WRITE, 0, -EACCES, KS_REASON_FILTER_ACCESS);
	EXPECT_CHECK(RW, KS_GENERIC_WRITE, -EACCES, KS_REASON_FILTER_ACCESS);
	EXPECT_OK(KS_GENERIC_WRITE, KS_GENERIC_WRITE);
	req_connect(&r)->pin_id = 1;
	EXPECT_CHECK(KS_GENERIC_READ, KS_GENERIC_WRITE, -EACCES,
		     KS_REASON_FILTER_ACCESS);
	EXPECT_OK(KS_GENERIC_READ, KS_GENERIC_READ);
}

static void row8_communication(void)
{
	static const struct {
		u32 communication;
		u64 peer;
		int ok;
	} cases[] = {
		{ KSPIN_COMMUNICATION_NONE, 0, 0 },
		{ KSPIN_COMMUNICATION_NONE, 5, 0 },
		{ KSPIN_COMMUNICATION_BRIDGE, 0, 0 },
		{ KSPIN_COMMUNICATION_BRIDGE, 5, 0 },
		{ KSPIN_COMMUNICATION_SINK, 0, 1 },
		{ KSPIN_COMMUNICATION_SINK, 5, 0 },
		{ KSPIN_COMMUNICATION_SOURCE, 0, 0 },
		{ KSPIN_COMMUNICATION_SOURCE, 5, 1 },
		{ KSPIN_COMMUNICATION_SOURCE, 1ull << 32, 1 },
		{ KSPIN_COMMUNICATION_BOTH, 0, 1 },
		{ KSPIN_COMMUNICATION_BOTH, 5, 1 },
		{ 5, 0, 0 },
		{ 0xFFFFFFFF, 5, 0 },
	};
	u32 i;

	for (i = 0; i < TAP_COUNT(cases); i++) {
		setup();
		pins[0].communication = cases[i].communication;
		req_connect(&r)->pin_to_handle = cases[i].peer;
		if (cases[i].ok)
			EXPECT_OK(KS_GENERIC_WRITE, RW);
		else
			EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL,
				     KS_REASON_COMMUNICATION);
	}
}

static void row9_interface_default(void)
{
	setup();
	req_connect(&r)->interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
	req_connect(&r)->interface.id = KSINTERFACE_STANDARD_STREAMING;
	req_connect(&r)->interface.set = guid_medium_std;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
	req_connect(&r)->interface.set = guid_null;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
}

static void row9_interface_listed(void)
{
	static const struct ks_identifier list[] = {
		{ KSINTERFACESETID_STANDARD, KSINTERFACE_STANDARD_LOOPED_STREAMING, 0 },
		{ KSINTERFACESETID_FILEIO, 7, 0 },
	};

	setup();
	pins[0].interfaces = list;
	pins[0].interfaces_count = 2;
	/* Listing interfaces replaces the default: STREAMING is not listed. */
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
	req_connect(&r)->interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	req_connect(&r)->interface = list[1];
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	/* The set of one entry with the id of the other. */
	req_connect(&r)->interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
}

static void row9_interface_flags_ignored(void)
{
	static const struct ks_identifier list[] = {
		{ KSINTERFACESETID_STANDARD, KSINTERFACE_STANDARD_STREAMING, 0x1234 },
	};

	setup();
	req_connect(&r)->interface.flags = 0xFFFFFFFF;
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	pins[0].interfaces = list;
	pins[0].interfaces_count = 1;
	EXPECT_OK(KS_GENERIC_WRITE, RW);
}

static void row10_medium_default(void)
{
	setup();
	req_connect(&r)->medium.id = 1;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EMEDIUMTYPE, KS_REASON_MEDIUM);
	req_connect(&r)->medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	req_connect(&r)->medium.set = guid_if_std;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EMEDIUMTYPE, KS_REASON_MEDIUM);
}

static void row10_medium_listed(void)
{
	static const struct ks_identifier list[] = {
		{ KS_GUID_INIT(0x11111111, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 42, 0 },
	};

	setup();
	pins[0].mediums = list;
	pins[0].mediums_count = 1;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EMEDIUMTYPE, KS_REASON_MEDIUM);
	req_connect(&r)->medium = list[0];
	req_connect(&r)->medium.flags = 0xDEADBEEF;
	EXPECT_OK(KS_GENERIC_WRITE, RW);
	req_connect(&r)->medium.id = 43;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EMEDIUMTYPE, KS_REASON_MEDIUM);
}

static void row11_format_size(void)
{
	setup();
	req_format(&r)->format_size = 63;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_FORMAT_SIZE);
	req_format(&r)->format_size = 83;	/* one past the blob */
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_FORMAT_SIZE);
	req_format(&r)->format_size = 0xFFFFFFF8;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_FORMAT_SIZE);
	req_format(&r)->format_size = 82;
	fmt_wave(req_format(&r))->cb_size = 1;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_FORMAT_SIZE);
}

static void row11_attributes(void)
{
	static const struct attr_spec a[] = { { &guid_attr_a, 0, 0 } };

	setup();
	req_fit(&r, fmt_add_attrs(req_format(&r), a, 1) - 1);
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_FORMAT_SIZE);
}

static void row12_no_range_matches(void)
{
	setup();
	fmt_wavex(req_format(&r), &guid_pcm, KS_WAVE_FORMAT_PCM, 9, 48000, 16);
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EDOM, KS_REASON_FORMAT);
	fmt_plain(req_format(&r), &guid_stream, &guid_sub_none, &guid_spec_none);
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EDOM, KS_REASON_FORMAT);
}

static void row12_pin_without_ranges(void)
{
	setup();
	pins[0].data_ranges = NULL;
	pins[0].data_ranges_count = 0;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EDOM, KS_REASON_FORMAT);
}

static void padding_and_priority_ignored(void)
{
	setup();
	req_connect(&r)->padding = 0xFFFFFFFF;
	req_connect(&r)->priority.priority_class = 0xFFFFFFFF;
	req_connect(&r)->priority.priority_subclass = 0x12345678;
	EXPECT_OK(KS_GENERIC_WRITE, RW);
}

/* Each order case breaks row k and row k + 1 (and more) and expects k. */
static void order_row4_before_row5(void)
{
	setup();
	req_connect(&r)->pin_id = 9;
	EXPECT_CHECK(0, RW, -EINVAL, KS_REASON_ACCESS);
}

static void order_row5_before_row6(void)
{
	setup();
	req_connect(&r)->pin_id = 9;
	EXPECT_CHECK(KS_GENERIC_READ, 0, -EINVAL, KS_REASON_PIN_ID);
}

static void order_row6_before_row7(void)
{
	setup();
	EXPECT_CHECK(KS_GENERIC_READ, 0, -EINVAL, KS_REASON_ACCESS);
}

static void order_row7_before_row8(void)
{
	setup();
	pins[0].communication = KSPIN_COMMUNICATION_NONE;
	EXPECT_CHECK(KS_GENERIC_WRITE, 0, -EACCES, KS_REASON_FILTER_ACCESS);
}

static void order_row8_before_row9(void)
{
	setup();
	pins[0].communication = KSPIN_COMMUNICATION_BRIDGE;
	req_connect(&r)->interface.id = 99;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_COMMUNICATION);
}

static void order_row9_before_row10(void)
{
	setup();
	req_connect(&r)->interface.id = 99;
	req_connect(&r)->medium.id = 99;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
}

static void order_row10_before_row11(void)
{
	setup();
	req_connect(&r)->medium.id = 99;
	req_format(&r)->format_size = 0;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EMEDIUMTYPE, KS_REASON_MEDIUM);
}

static void order_row11_before_row12(void)
{
	setup();
	/* 9 channels would fail row 12; a bad cb_size fails row 11 first. */
	fmt_wavex(req_format(&r), &guid_pcm, KS_WAVE_FORMAT_PCM, 9, 48000, 16);
	fmt_wave(req_format(&r))->cb_size = 0xFFFF;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_FORMAT_SIZE);
}

static void order_everything_broken(void)
{
	setup();
	req_connect(&r)->interface.id = 99;
	req_connect(&r)->medium.id = 99;
	req_connect(&r)->pin_to_handle = 3;
	req_format(&r)->format_size = 0;
	EXPECT_CHECK(0x1, 0, -EINVAL, KS_REASON_ACCESS);
	EXPECT_CHECK(KS_GENERIC_READ, 0, -EINVAL, KS_REASON_ACCESS);
	EXPECT_CHECK(KS_GENERIC_WRITE, 0, -EACCES, KS_REASON_FILTER_ACCESS);
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_COMMUNICATION);
	req_connect(&r)->pin_to_handle = 0;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
	req_connect(&r)->interface.id = 0;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EMEDIUMTYPE, KS_REASON_MEDIUM);
	req_connect(&r)->medium.id = 0;
	EXPECT_CHECK(KS_GENERIC_WRITE, RW, -EINVAL, KS_REASON_FORMAT_SIZE);
}

static void identifier_listed_direct(void)
{
	static const struct ks_identifier list[] = {
		{ KSINTERFACESETID_FILEIO, 0, 0 },
		{ KSINTERFACESETID_STANDARD, 2, 0 },
	};
	struct ks_identifier want = { KSINTERFACESETID_STANDARD, 2, 5 };

	EXPECT(ks_identifier_listed(list, 2, &guid_if_std, 0, &want));
	EXPECT(!ks_identifier_listed(list, 1, &guid_if_std, 0, &want));
	EXPECT(!ks_identifier_listed(NULL, 0, &guid_if_std, 0, &want));
	EXPECT(ks_identifier_listed(NULL, 0, &guid_if_std, 2, &want));
}

static const struct tap_case cases[] = {
	TAP_CASE(args_valid),
	TAP_CASE(row1_unknown_flags),
	TAP_CASE(row2_connect_size),
	TAP_CASE(order_row1_before_row2),
	TAP_CASE(connect_valid),
	TAP_CASE(connect_valid_out_pin),
	TAP_CASE(connect_second_range),
	TAP_CASE(connect_trailing_bytes),
	TAP_CASE(connect_format_bytes_with_attributes),
	TAP_CASE(connect_blob_too_small),
	TAP_CASE(row4_access_zero),
	TAP_CASE(row4_access_unknown_bits),
	TAP_CASE(row4_access_read_write),
	TAP_CASE(row5_pin_id),
	TAP_CASE(row6_in_pin_needs_write),
	TAP_CASE(row6_out_pin_needs_read),
	TAP_CASE(row6_invalid_dataflow),
	TAP_CASE(row7_filter_access),
	TAP_CASE(row8_communication),
	TAP_CASE(row9_interface_default),
	TAP_CASE(row9_interface_listed),
	TAP_CASE(row9_interface_flags_ignored),
	TAP_CASE(row10_medium_default),
	TAP_CASE(row10_medium_listed),
	TAP_CASE(row11_format_size),
	TAP_CASE(row11_attributes),
	TAP_CASE(row12_no_range_matches),
	TAP_CASE(row12_pin_without_ranges),
	TAP_CASE(padding_and_priority_ignored),
	TAP_CASE(order_row4_before_row5),
	TAP_CASE(order_row5_before_row6),
	TAP_CASE(order_row6_before_row7),
	TAP_CASE(order_row7_before_row8),
	TAP_CASE(order_row8_before_row9),
	TAP_CASE(order_row9_before_row10),
	TAP_CASE(order_row10_before_row11),
	TAP_CASE(order_row11_before_row12),
	TAP_CASE(order_everything_broken),
	TAP_CASE(identifier_listed_direct),
};

int main(void)
{
	return tap_main(cases, TAP_COUNT(cases));
}
