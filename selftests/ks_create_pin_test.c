// SPDX-License-Identifier: GPL-2.0
/*
 * KS_IOCTL_CREATE_PIN on the ks-loopback filter: every row of the check table
 * (SPEC 5) with its errno and reason, the order of the checks, the formats the
 * loopback's ranges accept (SPEC 5.1, 9) and their boundaries, and the
 * instance limit.
 *
 * ks-loopback: pin 0 Render (IN), pin 1 Capture (OUT), both SINK, interfaces
 * Standard STREAMING and LOOPED_STREAMING, the standard medium, one instance
 * each, ranges PCM 8-32 bits and float 32 bits, 1-8 channels, 8000-384000 Hz.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "ks_selftest.h"

static const struct ks_guid guid_stream = KSDATAFORMAT_TYPE_STREAM;
static const struct ks_guid guid_subtype_none = KSDATAFORMAT_SUBTYPE_NONE;
static const struct ks_guid guid_spec_none = KSDATAFORMAT_SPECIFIER_NONE;
static const struct ks_guid guid_pcm = KSDATAFORMAT_SUBTYPE_PCM;
static const struct ks_guid guid_float = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
static const struct ks_guid guid_fileio = KSINTERFACESETID_FILEIO;
static const struct ks_guid guid_iface_std = KSINTERFACESETID_STANDARD;
static const struct ks_guid guid_attr = KS_GUID_INIT(0x12345678, 0x9ABC,
	0xDEF0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF);

FIXTURE(loopback) {
	int idx;
	int filter;		/* opened O_RDWR */
	int pin[4];
	struct ks_req req;
	uint32_t reason;
};

FIXTURE_SETUP(loopback)
{
	int i;

	self->filter = -1;
	for (i = 0; i < 4; i++)
		self->pin[i] = -1;
	self->idx = ks_find_filter(LOOPBACK_NAME);
	ASSERT_LOOPBACK(self->idx);
	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
}

FIXTURE_TEARDOWN(loopback)
{
	int i;

	for (i = 0; i < 4; i++)
		close_fd(&self->pin[i]);
	close_fd(&self->filter);
}

/* Create pin self->pin[@slot] from self->req; returns fd or -errno. */
static int create_on(FIXTURE_DATA(loopback) *self, int filter, int slot,
		     uint32_t size, uint32_t access, uint32_t flags)
{
	int fd = ks_create(filter, &self->req, size, access, flags,
			   &self->reason);

	if (fd >= 0 && slot >= 0)
		self->pin[slot] = fd;
	else if (fd >= 0)
		close(fd);
	return fd;
}

static int create(FIXTURE_DATA(loopback) *self, uint32_t size,
		  uint32_t access)
{
	return create_on(self, self->filter, 0, size, access, O_CLOEXEC);
}

/* The default request must succeed: a sanity check every refusal relies on. */
TEST_F(loopback, default_request_accepted)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	ASSERT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
	close_fd(&self->pin[0]);

	size = req_default(&self->req, PIN_CAPTURE);
	ASSERT_LE(0, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ---- row 1: unknown flags ---- */

TEST_F(loopback, row1_unknown_flags_einval_request)
{
	static const uint32_t bad[] = { O_APPEND, O_RDWR, O_TRUNC, 0x80000000u,
					O_CLOEXEC | O_NONBLOCK | O_SYNC };
	uint32_t size = req_default(&self->req, PIN_RENDER);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, create_on(self, self->filter, 0, size,
					     KS_GENERIC_WRITE, bad[i]))
			TH_LOG("flags 0x%x", bad[i]);
		EXPECT_REASON(KS_REASON_REQUEST);
	}
}

/* ---- row 2: connect_size ---- */

TEST_F(loopback, row2_connect_size_below_136_einval_connect_size)
{
	static const uint32_t sizes[] = { 0, 1, 72, KS_CONNECT_SIZE_MIN - 1 };
	unsigned int i;

	req_default(&self->req, PIN_RENDER);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		EXPECT_EQ(-EINVAL, create(self, sizes[i], KS_GENERIC_WRITE))
			TH_LOG("connect_size %u", sizes[i]);
		EXPECT_REASON(KS_REASON_CONNECT_SIZE);
	}
}

TEST_F(loopback, row2_connect_size_above_65536_einval_connect_size)
{
	void *blob = calloc(1, KS_CONNECT_SIZE_MAX + 8);

	ASSERT_NE(NULL, blob);
	req_default(&self->req, PIN_RENDER);
	memcpy(blob, &self->req, sizeof(self->req));
	EXPECT_EQ(-EINVAL, ks_create(self->filter, blob,
				     KS_CONNECT_SIZE_MAX + 1, KS_GENERIC_WRITE,
				     0, &self->reason));
	EXPECT_REASON(KS_REASON_CONNECT_SIZE);
	EXPECT_EQ(-EINVAL, ks_create(self->filter, blob, 0xffffffffu,
				     KS_GENERIC_WRITE, 0, &self->reason));
	EXPECT_REASON(KS_REASON_CONNECT_SIZE);
	free(blob);
}

/* 136 and 65536 pass row 2: the request then fails later, on its format. */
TEST_F(loopback, row2_connect_size_bounds_inclusive)
{
	void *blob = calloc(1, KS_CONNECT_SIZE_MAX);

	ASSERT_NE(NULL, blob);
	req_default(&self->req, PIN_RENDER);
	/* 136 bytes cannot hold an 82-byte WAVEFORMATEX format. */
	EXPECT_EQ(-EINVAL, create(self, KS_CONNECT_SIZE_MIN, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);

	/* 65536 bytes with a too small format_size. */
	self->req.f.df.format_size = 63;
	memcpy(blob, &self->req, sizeof(self->req));
	EXPECT_EQ(-EINVAL, ks_create(self->filter, blob, KS_CONNECT_SIZE_MAX,
				     KS_GENERIC_WRITE, 0, &self->reason));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
	free(blob);
}

/* ---- row 3: the blob cannot be read ---- */

TEST_F(loopback, row3_unreadable_blob_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	uint32_t size = req_default(&self->req, PIN_RENDER);
	unsigned char *map;

	EXPECT_EQ(-EFAULT, ks_create(self->filter, NULL, size,
				     KS_GENERIC_WRITE, 0, &self->reason));
	EXPECT_EQ(-EFAULT, ks_create(self->filter, (void *)16, size,
				     KS_GENERIC_WRITE, 0, &self->reason));

	/* A request whose last bytes lie on an unmapped page. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	memcpy(map + page - (size - 8), &self->req, size - 8);
	EXPECT_EQ(-EFAULT, ks_create(self->filter, map + page - (size - 8),
				     size, KS_GENERIC_WRITE, 0, &self->reason));
	munmap(map, page);
}

TEST_F(loopback, row3_bad_ioctl_argument_efault)
{
	EXPECT_EQ(-1, ioctl(self->filter, KS_IOCTL_CREATE_PIN, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->filter, KS_IOCTL_CREATE_PIN, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* ---- row 4: desired_access ---- */

TEST_F(loopback, row4_access_zero_or_unknown_bits_einval_access)
{
	static const uint32_t bad[] = {
		0, 1, 0x10000000, KS_GENERIC_WRITE | 1,
		KS_GENERIC_READ | 0x20000000, 0xffffffff,
	};
	uint32_t size = req_default(&self->req, PIN_RENDER);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, create(self, size, bad[i]))
			TH_LOG("access 0x%x", bad[i]);
		EXPECT_REASON(KS_REASON_ACCESS);
	}
}

/* ---- row 5: pin_id ---- */

TEST_F(loopback, row5_pin_id_out_of_range_einval_pin_id)
{
	static const uint32_t ids[] = { 2, 3, 0x7fffffff, 0xffffffff };
	unsigned int i;
	uint32_t size;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		size = req_default(&self->req, ids[i]);
		EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE))
			TH_LOG("pin_id %u", ids[i]);
		EXPECT_REASON(KS_REASON_PIN_ID);
	}
}

/* ---- row 6: access against the pin's dataflow ---- */

TEST_F(loopback, row6_in_pin_needs_generic_write_einval_access)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_ACCESS);
}

TEST_F(loopback, row6_out_pin_needs_generic_read_einval_access)
{
	uint32_t size = req_default(&self->req, PIN_CAPTURE);

	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_ACCESS);
}

/* ---- row 7: the filter fd's open mode ---- */

TEST_F(loopback, row7_readonly_filter_write_pin_eacces_filter_access)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	int ro = open_filter(self->idx, O_RDONLY);

	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, create_on(self, ro, 0, size, KS_GENERIC_WRITE, 0));
	EXPECT_REASON(KS_REASON_FILTER_ACCESS);
	/* A read pin on the same fd is fine. */
	size = req_default(&self->req, PIN_CAPTURE);
	EXPECT_LE(0, create_on(self, ro, 1, size, KS_GENERIC_READ, 0));
	EXPECT_REASON(KS_REASON_NONE);
	close(ro);
}

TEST_F(loopback, row7_writeonly_filter_read_pin_eacces_filter_access)
{
	uint32_t size = req_default(&self->req, PIN_CAPTURE);
	int wo = open_filter(self->idx, O_WRONLY);

	ASSERT_LE(0, wo);
	EXPECT_EQ(-EACCES, create_on(self, wo, 0, size, KS_GENERIC_READ, 0));
	EXPECT_REASON(KS_REASON_FILTER_ACCESS);
	size = req_default(&self->req, PIN_RENDER);
	EXPECT_LE(0, create_on(self, wo, 1, size, KS_GENERIC_WRITE, 0));
	EXPECT_REASON(KS_REASON_NONE);
	close(wo);
}

/* ---- row 8: communication (both loopback pins are SINK) ---- */

TEST_F(loopback, row8_sink_pin_with_peer_einval_communication)
{
	uint32_t size = req_default(&self->req, PIN_CAPTURE);

	ASSERT_LE(0, create_on(self, self->filter, 1, size, KS_GENERIC_READ, 0));
	size = req_default(&self->req, PIN_RENDER);
	self->req.c.pin_to_handle = self->pin[1];
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
	/* Even a handle that is not an fd at all: row 8 comes before row 14. */
	self->req.c.pin_to_handle = 0x7fffffff;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
}

/* ---- row 9: interface ---- */

TEST_F(loopback, row9_interface_not_offered_eprotonosupport_interface)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.c.interface.id = KSINTERFACE_STANDARD_CONTROL;
	EXPECT_EQ(-EPROTONOSUPPORT, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_INTERFACE);

	self->req.c.interface.set = guid_fileio;
	self->req.c.interface.id = KSINTERFACE_STANDARD_STREAMING;
	EXPECT_EQ(-EPROTONOSUPPORT, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_INTERFACE);

	/* The medium set with the interface's id is not the interface. */
	self->req.c.interface.set = self->req.c.medium.set;
	EXPECT_EQ(-EPROTONOSUPPORT, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_INTERFACE);
}

/* ---- row 10: medium (none listed: exactly Standard ANYINSTANCE) ---- */

TEST_F(loopback, row10_medium_not_offered_emediumtype_medium)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.c.medium.id = 1;
	EXPECT_EQ(-EMEDIUMTYPE, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_MEDIUM);

	self->req.c.medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	self->req.c.medium.set = guid_iface_std;
	EXPECT_EQ(-EMEDIUMTYPE, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_MEDIUM);
}

/* ---- row 11: format structure ---- */

TEST_F(loopback, row11_format_size_below_64_einval_format_size)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.f.df.format_size = 63;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
	self->req.f.df.format_size = 0;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

TEST_F(loopback, row11_format_size_beyond_blob_einval_format_size)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	/* One byte short of the format. */
	EXPECT_EQ(-EINVAL, create(self, size - 1, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
	self->req.f.df.format_size = 0xffffffff;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

TEST_F(loopback, row11_waveformatex_not_in_format_size_einval_format_size)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	/* format_size 64: the WAVEFORMATEX specifier needs 64 + 18. */
	self->req.f.df.format_size = 64;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
	self->req.f.df.format_size = 81;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);

	/* cb_size 4 needs 86 bytes; format_size and blob say 82. */
	size = req_default(&self->req, PIN_RENDER);
	self->req.f.wfx.wave_format.cb_size = 4;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

TEST_F(loopback, row11_extensible_cb_size_below_22_einval_format_size)
{
	uint32_t size = req_audio_ext(&self->req, PIN_RENDER, KS_SAMPLE_PCM,
				      48000, 2, 16);

	self->req.f.ext.wave_format.format.cb_size = 21;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
	self->req.f.ext.wave_format.format.cb_size = 0;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

/*
 * Append an attribute list of @count KSATTRIBUTEs after the format at its
 * format_size rounded up to 8; returns the request size.
 */
static uint32_t add_attributes(struct ks_req *r, uint32_t count,
			       uint32_t attr_flags)
{
	uint32_t off = (r->f.df.format_size + 7) & ~7u;
	struct ks_multiple_item mi = {
		.size = sizeof(mi) + count * sizeof(struct ks_attribute),
		.count = count,
	};
	uint32_t i;

	r->f.df.flags |= KSDATAFORMAT_ATTRIBUTES;
	memcpy(r->f.raw + off, &mi, sizeof(mi));
	for (i = 0; i < count; i++) {
		struct ks_attribute a = {
			.size = sizeof(a),
			.flags = attr_flags,
			.attribute = guid_attr,
		};

		a.attribute.data1 += i;
		memcpy(r->f.raw + off + sizeof(mi) + i * sizeof(a), &a,
		       sizeof(a));
	}
	return sizeof(r->c) + off + mi.size;
}

TEST_F(loopback, row11_attributes_flag_without_list_einval_format_size)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.f.df.flags |= KSDATAFORMAT_ATTRIBUTES;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

TEST_F(loopback, row11_attribute_list_beyond_blob_einval_format_size)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	size = add_attributes(&self->req, 1, 0);
	/* The blob ends one byte before the list does. */
	EXPECT_EQ(-EINVAL, create(self, size - 1, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

TEST_F(loopback, row11_attribute_list_malformed_einval_format_size)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	uint32_t off = (self->req.f.df.format_size + 7) & ~7u;
	struct ks_multiple_item mi;
	struct ks_attribute a;

	size = add_attributes(&self->req, 1, 0);

	/* count says two, size holds one. */
	memcpy(&mi, self->req.f.raw + off, sizeof(mi));
	mi.count = 2;
	memcpy(self->req.f.raw + off, &mi, sizeof(mi));
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);

	/* size below the header. */
	mi.count = 1;
	mi.size = 4;
	memcpy(self->req.f.raw + off, &mi, sizeof(mi));
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);

	/* An attribute whose size is smaller than a KSATTRIBUTE. */
	mi.size = sizeof(mi) + sizeof(a);
	memcpy(self->req.f.raw + off, &mi, sizeof(mi));
	memcpy(&a, self->req.f.raw + off + sizeof(mi), sizeof(a));
	a.size = 0;
	memcpy(self->req.f.raw + off + sizeof(mi), &a, sizeof(a));
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

/* ---- row 12: no data range matches ---- */

TEST_F(loopback, row12_major_format_mismatch_edom_format)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.f.df.major_format = guid_stream;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

TEST_F(loopback, row12_sub_format_mismatch_edom_format)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.f.df.sub_format = guid_subtype_none;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

TEST_F(loopback, row12_specifier_mismatch_edom_format)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	/* A bare KSDATAFORMAT with specifier NONE is well formed. */
	self->req.f.df.specifier = guid_spec_none;
	self->req.f.df.format_size = sizeof(struct ks_dataformat);
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

TEST_F(loopback, row12_block_align_mismatch_edom_format)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.f.wfx.wave_format.block_align = 8;
	self->req.f.wfx.wave_format.avg_bytes_per_sec = 48000 * 8;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

TEST_F(loopback, row12_avg_bytes_per_sec_mismatch_edom_format)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.f.wfx.wave_format.avg_bytes_per_sec = 48000 * 4 + 1;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

TEST_F(loopback, row12_format_tag_inconsistent_with_sub_format_edom_format)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	/* PCM sub format, IEEE float tag (and 16 bits: outside float's range). */
	self->req.f.wfx.wave_format.format_tag = KS_WAVE_FORMAT_IEEE_FLOAT;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);

	/* Float sub format, PCM tag, 32 bits: both ranges allow 32 bits. */
	size = req_audio(&self->req, PIN_RENDER, KS_SAMPLE_FLOAT, 48000, 2, 32);
	self->req.f.wfx.wave_format.format_tag = KS_WAVE_FORMAT_PCM;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);

	/* An unknown tag. */
	size = req_default(&self->req, PIN_RENDER);
	self->req.f.wfx.wave_format.format_tag = 0x0055;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

TEST_F(loopback, row12_extensible_sub_format_mismatch_edom_format)
{
	uint32_t size = req_audio_ext(&self->req, PIN_RENDER, KS_SAMPLE_PCM,
				      48000, 2, 32);

	/* KSDATAFORMAT says PCM, the EXTENSIBLE part says float. */
	self->req.f.ext.wave_format.sub_format = guid_float;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);

	size = req_audio_ext(&self->req, PIN_RENDER, KS_SAMPLE_FLOAT, 48000, 2,
			     32);
	self->req.f.ext.wave_format.sub_format = guid_pcm;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

/* ---- row 13: instances (one of each pin type) ---- */

TEST_F(loopback, row13_second_instance_ebusy_instances)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	ASSERT_LE(0, create_on(self, self->filter, 0, size, KS_GENERIC_WRITE, 0));
	EXPECT_EQ(-EBUSY, create_on(self, self->filter, 1, size,
				    KS_GENERIC_WRITE, 0));
	EXPECT_REASON(KS_REASON_INSTANCES);

	/* The limit is per pin type: a Capture pin still fits. */
	size = req_default(&self->req, PIN_CAPTURE);
	ASSERT_LE(0, create_on(self, self->filter, 2, size, KS_GENERIC_READ, 0));
	EXPECT_EQ(-EBUSY, create_on(self, self->filter, 3, size,
				    KS_GENERIC_READ, 0));
	EXPECT_REASON(KS_REASON_INSTANCES);
}

TEST_F(loopback, row13_instance_released_on_close)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_LE(0, create_on(self, self->filter, 0, size,
				       KS_GENERIC_WRITE, 0));
		EXPECT_EQ(-EBUSY, create_on(self, self->filter, 1, size,
					    KS_GENERIC_WRITE, 0));
		close_fd(&self->pin[0]);
	}
	EXPECT_LE(0, create_on(self, self->filter, 0, size, KS_GENERIC_WRITE, 0));
}

/* The limit counts instances of the filter, not of one filter fd. */
TEST_F(loopback, row13_instances_counted_across_filter_fds)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	int other = open_filter(self->idx, O_RDWR);

	ASSERT_LE(0, other);
	ASSERT_LE(0, create_on(self, self->filter, 0, size, KS_GENERIC_WRITE, 0));
	EXPECT_EQ(-EBUSY, create_on(self, other, 1, size, KS_GENERIC_WRITE, 0));
	EXPECT_REASON(KS_REASON_INSTANCES);
	close(other);
}

/* ---- the order of the checks: the earlier of two failures is reported ---- */

TEST_F(loopback, order_flags_before_connect_size)
{
	req_default(&self->req, PIN_RENDER);
	EXPECT_EQ(-EINVAL, create_on(self, self->filter, 0, 8,
				     KS_GENERIC_WRITE, O_APPEND));
	EXPECT_REASON(KS_REASON_REQUEST);
}

TEST_F(loopback, order_connect_size_before_copy)
{
	EXPECT_EQ(-EINVAL, ks_create(self->filter, NULL, 8, KS_GENERIC_WRITE,
				     0, &self->reason));
	EXPECT_REASON(KS_REASON_CONNECT_SIZE);
}

TEST_F(loopback, order_copy_before_access)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	EXPECT_EQ(-EFAULT, ks_create(self->filter, (void *)16, size, 0, 0,
				     &self->reason));
}

TEST_F(loopback, order_access_before_pin_id)
{
	uint32_t size = req_default(&self->req, 99);

	EXPECT_EQ(-EINVAL, create(self, size, 0));
	EXPECT_REASON(KS_REASON_ACCESS);
}

TEST_F(loopback, order_pin_id_before_filter_access)
{
	uint32_t size = req_default(&self->req, 99);
	int ro = open_filter(self->idx, O_RDONLY);

	ASSERT_LE(0, ro);
	EXPECT_EQ(-EINVAL, create_on(self, ro, 0, size, KS_GENERIC_WRITE, 0));
	EXPECT_REASON(KS_REASON_PIN_ID);
	close(ro);
}

TEST_F(loopback, order_dataflow_before_filter_access)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	int wo = open_filter(self->idx, O_WRONLY);

	ASSERT_LE(0, wo);
	/* Render with GENERIC_READ on a write-only filter fd: row 6 first. */
	EXPECT_EQ(-EINVAL, create_on(self, wo, 0, size, KS_GENERIC_READ, 0));
	EXPECT_REASON(KS_REASON_ACCESS);
	close(wo);
}

TEST_F(loopback, order_filter_access_before_communication)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	int ro = open_filter(self->idx, O_RDONLY);

	ASSERT_LE(0, ro);
	self->req.c.pin_to_handle = ro;
	EXPECT_EQ(-EACCES, create_on(self, ro, 0, size, KS_GENERIC_WRITE, 0));
	EXPECT_REASON(KS_REASON_FILTER_ACCESS);
	close(ro);
}

TEST_F(loopback, order_communication_before_interface)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.c.pin_to_handle = self->filter;
	self->req.c.interface.id = KSINTERFACE_STANDARD_CONTROL;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
}

TEST_F(loopback, order_interface_before_medium)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.c.interface.id = KSINTERFACE_STANDARD_CONTROL;
	self->req.c.medium.id = 1;
	EXPECT_EQ(-EPROTONOSUPPORT, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_INTERFACE);
}

TEST_F(loopback, order_medium_before_format_size)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.c.medium.id = 1;
	self->req.f.df.format_size = 63;
	EXPECT_EQ(-EMEDIUMTYPE, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_MEDIUM);
}

TEST_F(loopback, order_format_size_before_format)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.f.df.major_format = guid_stream;
	self->req.f.df.format_size = 64;	/* WAVEFORMATEX does not fit */
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT_SIZE);
}

TEST_F(loopback, order_format_before_instances)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	ASSERT_LE(0, create_on(self, self->filter, 0, size, KS_GENERIC_WRITE, 0));
	self->req.f.wfx.wave_format.channels = 9;
	EXPECT_EQ(-EDOM, create_on(self, self->filter, 1, size,
				   KS_GENERIC_WRITE, 0));
	EXPECT_REASON(KS_REASON_FORMAT);
}

/* ---- accepted variants of the request ---- */

TEST_F(loopback, reason_written_zero_on_success)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	ASSERT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
	EXPECT_NE(REASON_UNSET, self->reason);
}

TEST_F(loopback, looped_streaming_interface_accepted)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	ks_connect_set_interface(&self->req.c,
				 KSINTERFACE_STANDARD_LOOPED_STREAMING);
	ASSERT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(loopback, identifier_flags_ignored)
{
	uint32_t size = req_default(&self->req, PIN_CAPTURE);

	self->req.c.interface.flags = 0xffffffff;
	self->req.c.medium.flags = 0x12345678;
	ASSERT_LE(0, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(loopback, connect_padding_ignored)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	self->req.c.padding = 0xdeadbeef;
	ASSERT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(loopback, priority_any_value_accepted)
{
	static const uint32_t classes[] = {
		KSPRIORITY_LOW, KSPRIORITY_NORMAL, KSPRIORITY_HIGH,
		KSPRIORITY_EXCLUSIVE, 0,
	};
	uint32_t size = req_default(&self->req, PIN_RENDER);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		self->req.c.priority.priority_class = classes[i];
		self->req.c.priority.priority_subclass = i * 1000;
		ASSERT_LE(0, create(self, size, KS_GENERIC_WRITE))
			TH_LOG("priority class 0x%x", classes[i]);
		close_fd(&self->pin[0]);
	}
}

/* Both pins at once, with the same format (the loopback's normal use). */
TEST_F(loopback, render_and_capture_together_accepted)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	ASSERT_LE(0, create_on(self, self->filter, 0, size, KS_GENERIC_WRITE, 0));
	size = req_default(&self->req, PIN_CAPTURE);
	ASSERT_LE(0, create_on(self, self->filter, 1, size, KS_GENERIC_READ, 0));
}

/* Attributes the range does not require are allowed when well formed. */
TEST_F(loopback, attributes_not_required_accepted)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	size = add_attributes(&self->req, 2, 0);
	ASSERT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
	close_fd(&self->pin[0]);

	size = req_default(&self->req, PIN_CAPTURE);
	size = add_attributes(&self->req, 1, 0);
	ASSERT_LE(0, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_NONE);
}

/* Bytes after the format in a larger request are not part of it. */
TEST_F(loopback, trailing_bytes_after_format_accepted)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);

	memset(self->req.f.raw + sizeof(self->req.f.wfx), 0xa5, 64);
	ASSERT_LE(0, create(self, size + 64, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ---- formats against the loopback's ranges: FIXTURE_VARIANT per format ---- */

/*
 * ---- SPEC 5: the request is copied from userspace exactly once ----
 *
 * A second thread rewrites one byte of the request while the main thread
 * creates pins from it, as fast as it can.  The two versions differ in that
 * byte only, so any one copy of the request is exactly one of them, and the
 * answer must be that version's: the pin it asks for, with its format
 * byte for byte, or its refusal.  A module that read the request twice
 * (checked one version, built the pin from the other) would create a pin
 * that neither version asks for.  Each request is tried at three sizes: one
 * copied byte-wise to the stack, one word-wise (8-byte aligned size), and
 * one to the heap (trailing bytes after the format).
 */
#define COPY_ONCE_TRIES		1500
#define COPY_ONCE_SECONDS	20

static const uint32_t copy_once_sizes[] = {
	sizeof(struct ks_pin_connect) + sizeof(struct ks_dataformat_waveformatex),
	sizeof(struct ks_pin_connect) + sizeof(struct ks_dataformat_waveformatex) + 6,
	1024,
};

/*
 * Is the pin @fd the one the valid version asks for: pin @pin_id, with
 * @want (the format of @size bytes) as its format, byte for byte?
 */
static bool pin_is(struct __test_metadata *_metadata, int fd,
		   uint32_t pin_id, const void *want, uint32_t size)
{
	uint32_t got_size = 0;
	long long id = fdinfo_number(fd, "ks-pin-id");
	void *got = ks_pin_get_dataformat(fd, &got_size);
	bool same = got && got_size == size && !memcmp(got, want, size);

	if (id != pin_id || !same)
		TH_LOG("a pin neither version asks for: pin %lld (want %u), format %s",
		       id, pin_id, same ? "as asked" : "another");
	free(got);
	return id == pin_id && same;
}

/*
 * Create pins from self->req while @f rewrites it; count the pins and the
 * refusals (@error, @reason) in @seen.  False on any other answer.
 */
static bool create_while_flipping(struct __test_metadata *_metadata,
				  FIXTURE_DATA(loopback) *self,
				  struct flipper *f, uint32_t size,
				  uint32_t pin_id, const void *format,
				  int error, uint32_t reason,
				  unsigned int seen[2])
{
	long long end = ks_now_ms() + COPY_ONCE_SECONDS * 1000LL;
	bool ok = true;
	int i, fd;

	if (flip_start(f)) {
		TH_LOG("pthread_create failed");
		return false;
	}
	/* At least COPY_ONCE_TRIES, and on until both versions answered. */
	for (i = 0; ok && (i < COPY_ONCE_TRIES || !seen[0] || !seen[1]) &&
	     ks_now_ms() < end; i++) {
		fd = ks_create(self->filter, &self->req, size, KS_GENERIC_WRITE,
			       O_CLOEXEC, &self->reason);
		if (fd >= 0) {
			seen[0]++;
			ok = self->reason == KS_REASON_NONE &&
			     pin_is(_metadata, fd, pin_id, format,
				    sizeof(struct ks_dataformat_waveformatex));
			close(fd);
		} else {
			seen[1]++;
			ok = fd == error && self->reason == reason;
			if (!ok)
				TH_LOG("an answer of neither version: %s, reason %s",
				       strerror(-fd), reason_name(self->reason));
		}
	}
	flip_stop(f);
	return ok;
}

/*
 * The request's byte at @offset rewritten between @good, which makes a pin,
 * and @bad, which is refused with @error and @reason, at each request size.
 */
static void copied_once(struct __test_metadata *_metadata,
			FIXTURE_DATA(loopback) *self, size_t offset,
			uint8_t good, uint8_t bad, int error, uint32_t reason)
{
	struct ks_dataformat_waveformatex want;
	unsigned int seen[2] = { 0, 0 }, i;
	struct flipper f;

	for (i = 0; i < ARRAY_SIZE(copy_once_sizes); i++) {
		req_default(&self->req, PIN_RENDER);
		want = self->req.f.wfx;
		f.byte = (uint8_t *)&self->req + offset;
		f.value[0] = good;
		f.value[1] = bad;
		ASSERT_TRUE(create_while_flipping(_metadata, self, &f,
						  copy_once_sizes[i], PIN_RENDER,
						  &want, error, reason, seen))
			TH_LOG("connect_size %u", copy_once_sizes[i]);
	}
	TH_LOG("%u pins, %u refusals", seen[0], seen[1]);
	/* The rewriting really raced the copies: both versions answered. */
	EXPECT_LT(0, seen[0]);
	EXPECT_LT(0, seen[1]);
}

/* Pin 0 (valid with GENERIC_WRITE) or pin 1, an OUT pin: row 6 refuses. */
TEST_F(loopback, request_copied_once_pin_id)
{
	copied_once(_metadata, self, offsetof(struct ks_req, c.pin_id),
		    PIN_RENDER, PIN_CAPTURE, -EINVAL, KS_REASON_ACCESS);
}

/* 2 channels (valid) or 1 with a block_align of 2 channels: row 12 refuses. */
TEST_F(loopback, request_copied_once_format)
{
	copied_once(_metadata, self,
		    offsetof(struct ks_req, f.wfx.wave_format.channels),
		    2, 1, -EDOM, KS_REASON_FORMAT);
}

FIXTURE(range) {
	int filter;
	int pin[2];
	struct ks_req req;
	uint32_t reason;
};

FIXTURE_VARIANT(range) {
	enum ks_sample_type type;
	bool extensible;
	uint32_t rate;
	uint16_t channels;
	uint16_t bits;
	int error;		/* 0 or the expected -errno */
	uint32_t reason;
};

#define RANGE_OK(name, t, x, r, c, b)					\
	FIXTURE_VARIANT_ADD(range, name) {				\
		.type = t, .extensible = x, .rate = r, .channels = c,	\
		.bits = b, .error = 0, .reason = KS_REASON_NONE,	\
	}
#define RANGE_NO(name, t, x, r, c, b)					\
	FIXTURE_VARIANT_ADD(range, name) {				\
		.type = t, .extensible = x, .rate = r, .channels = c,	\
		.bits = b, .error = -EDOM, .reason = KS_REASON_FORMAT,	\
	}

/* Accepted: every sample size, both types, both wave format structures. */
RANGE_OK(pcm_8bit, KS_SAMPLE_PCM, false, 48000, 2, 8);
RANGE_OK(pcm_16bit, KS_SAMPLE_PCM, false, 48000, 2, 16);
RANGE_OK(pcm_24bit, KS_SAMPLE_PCM, false, 48000, 2, 24);
RANGE_OK(pcm_32bit, KS_SAMPLE_PCM, false, 48000, 2, 32);
RANGE_OK(float_32bit, KS_SAMPLE_FLOAT, false, 48000, 2, 32);
RANGE_OK(extensible_pcm_16bit, KS_SAMPLE_PCM, true, 48000, 2, 16);
RANGE_OK(extensible_pcm_24bit, KS_SAMPLE_PCM, true, 96000, 6, 24);
RANGE_OK(extensible_float_32bit, KS_SAMPLE_FLOAT, true, 44100, 8, 32);
/* Boundaries inside: channels 1 and 8, rates 8000 and 384000. */
RANGE_OK(channels_1, KS_SAMPLE_PCM, false, 48000, 1, 16);
RANGE_OK(channels_8, KS_SAMPLE_PCM, false, 48000, 8, 16);
RANGE_OK(float_channels_8, KS_SAMPLE_FLOAT, false, 48000, 8, 32);
RANGE_OK(rate_8000, KS_SAMPLE_PCM, false, 8000, 2, 16);
RANGE_OK(rate_384000, KS_SAMPLE_PCM, false, 384000, 2, 16);
RANGE_OK(float_rate_8000, KS_SAMPLE_FLOAT, false, 8000, 2, 32);
RANGE_OK(float_rate_384000, KS_SAMPLE_FLOAT, false, 384000, 2, 32);
/* Boundaries outside. */
RANGE_NO(channels_9, KS_SAMPLE_PCM, false, 48000, 9, 16);
RANGE_NO(float_channels_9, KS_SAMPLE_FLOAT, false, 48000, 9, 32);
RANGE_NO(extensible_channels_9, KS_SAMPLE_PCM, true, 48000, 9, 16);
RANGE_NO(rate_7999, KS_SAMPLE_PCM, false, 7999, 2, 16);
RANGE_NO(rate_384001, KS_SAMPLE_PCM, false, 384001, 2, 16);
RANGE_NO(float_rate_7999, KS_SAMPLE_FLOAT, false, 7999, 2, 32);
RANGE_NO(float_rate_384001, KS_SAMPLE_FLOAT, false, 384001, 2, 32);
RANGE_NO(pcm_7bit, KS_SAMPLE_PCM, false, 48000, 8, 7);
RANGE_NO(pcm_33bit, KS_SAMPLE_PCM, false, 48000, 8, 33);
RANGE_NO(pcm_40bit, KS_SAMPLE_PCM, false, 48000, 2, 40);
RANGE_NO(float_16bit, KS_SAMPLE_FLOAT, false, 48000, 2, 16);
RANGE_NO(float_24bit, KS_SAMPLE_FLOAT, false, 48000, 2, 24);
RANGE_NO(float_64bit, KS_SAMPLE_FLOAT, false, 48000, 2, 64);
RANGE_NO(extensible_float_16bit, KS_SAMPLE_FLOAT, true, 48000, 2, 16);

FIXTURE_SETUP(range)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->pin[0] = self->pin[1] = -1;
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
}

FIXTURE_TEARDOWN(range)
{
	close_fd(&self->pin[0]);
	close_fd(&self->pin[1]);
	close_fd(&self->filter);
}

static uint32_t range_req(FIXTURE_DATA(range) *self,
			  const FIXTURE_VARIANT(range) *v, uint32_t pin)
{
	if (v->extensible)
		return req_audio_ext(&self->req, pin, v->type, v->rate,
				     v->channels, v->bits);
	return req_audio(&self->req, pin, v->type, v->rate, v->channels,
			 v->bits);
}

/* SPEC 5.1 and 9: both pins have the same ranges. */
TEST_F(range, matches_loopback_data_ranges)
{
	static const uint32_t pins[] = { PIN_RENDER, PIN_CAPTURE };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		uint32_t size = range_req(self, variant, pins[i]);
		int fd = ks_create(self->filter, &self->req, size,
				   pin_access(pins[i]), O_CLOEXEC,
				   &self->reason);

		if (fd >= 0)
			self->pin[i] = fd;
		EXPECT_EQ(variant->error, fd < 0 ? fd : 0)
			TH_LOG("pin %u: %d channels, %d bits, %u Hz", pins[i],
			       variant->channels, variant->bits, variant->rate);
		EXPECT_EQ(variant->reason, self->reason);
	}
}

TEST_HARNESS_MAIN
