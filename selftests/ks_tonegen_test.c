// SPDX-License-Identifier: GPL-2.0
/*
 * KS_IOCTL_CREATE_PIN on the sample provider ks-tonegen (module/samples/
 * ks-tonegen-main.c): the rows of SPEC 5 the loopback cannot reach (communication
 * types, listed interfaces and mediums, a provider's own format check,
 * required attributes, peers, an unregistered filter) and the module
 * lifetime rules of SPEC 4; and the state steps of SPEC 7 as the provider
 * sees them: its record of every set_state call (TONEGEN_STEPS_PATH in
 * debugfs) and its refuse_pause parameter.
 *
 * The fixture loads $KS_MODULE_DIR/ks-tonegen.ko (default /lib/ks) when no
 * ks-tonegen filter exists, and fails, saying why, when it cannot load it
 * or the module registers no filter.
 *
 * id name      dataflow comm    instances interfaces / mediums / ranges
 * 0  "Tone"    OUT      SINK    4         default / default / PCM 1-2 ch, 16 bit,
 *                                         8000-192000 Hz; odd rates refused by the provider
 * 1  "Control" IN       BOTH    unlimited {Std CONTROL} / {TONEGEN_MEDIUM, 0} / STREAM/any/any
 * 2  "Keyed"   IN       SINK    1         {Std STREAMING} / default / STREAM/NONE/NONE,
 *                                         attribute TONEGEN_ATTRIBUTE_KEY required
 * 3  "Source"  OUT      SOURCE  1         default / default / as pin 0
 * 4  "Bridge"  IN       BRIDGE  1
 * 5  "Unused"  OUT      NONE    0
 */
#include <poll.h>
#include <sys/syscall.h>

#include "ks_selftest.h"

#include "../module/samples/ks-tonegen.h"

#define PIN_TONE	TONEGEN_PIN_TONE
#define PIN_CONTROL	TONEGEN_PIN_CONTROL
#define PIN_KEYED	TONEGEN_PIN_KEYED
#define PIN_SOURCE	TONEGEN_PIN_SOURCE
#define PIN_BRIDGE	TONEGEN_PIN_BRIDGE
#define PIN_UNUSED	TONEGEN_PIN_UNUSED


static const struct ks_guid guid_medium = TONEGEN_MEDIUM;
static const struct ks_guid guid_key = TONEGEN_ATTRIBUTE_KEY;
static const struct ks_guid guid_stream = KSDATAFORMAT_TYPE_STREAM;
static const struct ks_guid guid_audio = KSDATAFORMAT_TYPE_AUDIO;
static const struct ks_guid guid_subtype_none = KSDATAFORMAT_SUBTYPE_NONE;
static const struct ks_guid guid_spec_none = KSDATAFORMAT_SPECIFIER_NONE;

/* ---- the module ---- */

static int write_param(const char *name, const char *value)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), TONEGEN_PARAMS "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static long read_param(const char *name)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), TONEGEN_PARAMS "%s", name);
	if (read_line(path, buf, sizeof(buf)))
		return -1;
	if (buf[0] == 'Y')
		return 1;
	if (buf[0] == 'N')
		return 0;
	return strtol(buf, NULL, 10);
}

static int load_tonegen(void)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/ks-tonegen.ko", module_dir());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret < 0 && errno != EEXIST ? -errno : 0;
	close(fd);
	return ret;
}

static int unload_tonegen(void)
{
	return syscall(SYS_delete_module, TONEGEN_MODNAME, O_NONBLOCK) < 0 ?
	       -errno : 0;
}

/* The filter's index, loading or re-registering it as needed; or -errno. */
static int tonegen_index(void)
{
	int idx = ks_find_filter(TONEGEN_NAME);

	if (idx >= 0)
		return idx;
	if (access(TONEGEN_PARAMS "registered", F_OK) == 0)
		write_param("registered", "1");
	return chain_index(TONEGEN_NAME, "ks-tonegen.ko", "");
}

/* ---- requests ---- */

/* A bare KSDATAFORMAT (format_size 64) for @pin. */
static uint32_t req_stream(struct ks_req *r, uint32_t pin,
			   const struct ks_guid *major,
			   const struct ks_guid *sub, const struct ks_guid *spec)
{
	memset(r, 0, sizeof(*r));
	ks_connect_init(&r->c, pin);
	r->f.df.format_size = sizeof(r->f.df);
	r->f.df.major_format = *major;
	r->f.df.sub_format = *sub;
	r->f.df.specifier = *spec;
	return sizeof(r->c) + sizeof(r->f.df);
}

/* Pin 1: interface Std CONTROL, medium TONEGEN_MEDIUM, a STREAM format. */
static uint32_t req_control(struct ks_req *r)
{
	uint32_t size = req_stream(r, PIN_CONTROL, &guid_stream,
				   &guid_subtype_none, &guid_spec_none);

	r->c.interface.id = KSINTERFACE_STANDARD_CONTROL;
	r->c.medium.set = guid_medium;
	r->c.medium.id = 0;
	return size;
}

/* Pin 2's format with one attribute @attr appended; returns the size. */
static uint32_t req_keyed(struct ks_req *r, const struct ks_guid *attr)
{
	struct ks_multiple_item mi = {
		.size = sizeof(mi) + sizeof(struct ks_attribute),
		.count = 1,
	};
	struct ks_attribute a = { .size = sizeof(a), .attribute = *attr };
	uint32_t size = req_stream(r, PIN_KEYED, &guid_stream,
				   &guid_subtype_none, &guid_spec_none);

	r->f.df.flags = KSDATAFORMAT_ATTRIBUTES;
	memcpy(r->f.raw + sizeof(r->f.df), &mi, sizeof(mi));
	memcpy(r->f.raw + sizeof(r->f.df) + sizeof(mi), &a, sizeof(a));
	return size + mi.size;
}

/* ---- fixture ---- */

#define MAX_PINS 8

FIXTURE(tonegen) {
	int idx;
	int filter;
	int pin[MAX_PINS];
	int npins;
	struct ks_req req;
	uint32_t reason;
};

FIXTURE_SETUP(tonegen)
{
	int i;

	self->filter = -1;
	self->npins = 0;
	for (i = 0; i < MAX_PINS; i++)
		self->pin[i] = -1;
	self->idx = tonegen_index();
	ASSERT_SAMPLE(self->idx);
	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
}

FIXTURE_TEARDOWN(tonegen)
{
	int i;

	for (i = 0; i < MAX_PINS; i++)
		close_fd(&self->pin[i]);
	close_fd(&self->filter);
	/* Leave the filter registered and refusing nothing for the next test. */
	if (read_param("registered") == 0)
		write_param("registered", "1");
	if (read_param("refuse_pause") > 0)
		write_param("refuse_pause", "0");
}

/* Create from self->req on self->filter; keeps the fd in self->pin[]. */
static int create(FIXTURE_DATA(tonegen) *self, uint32_t size, uint32_t access)
{
	int fd = ks_create(self->filter, &self->req, size, access, O_CLOEXEC,
			   &self->reason);

	if (fd >= 0) {
		if (self->npins < MAX_PINS)
			self->pin[self->npins++] = fd;
		else
			close(fd);
	}
	return fd;
}

TEST_F(tonegen, sysfs_name_and_pins)
{
	char path[128], val[64];

	snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d/pins",
		 self->idx);
	ASSERT_EQ(0, read_line(path, val, sizeof(val)));
	EXPECT_EQ(TONEGEN_PINS, atoi(val));
}

/* ---- row 5 with more pin types ---- */

TEST_F(tonegen, row5_pin_id_equal_to_count_einval_pin_id)
{
	uint32_t size = req_stream(&self->req, TONEGEN_PINS, &guid_stream,
				   &guid_subtype_none, &guid_spec_none);

	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_PIN_ID);
}

/* ---- row 8: communication ---- */

TEST_F(tonegen, row8_none_pin_einval_communication)
{
	uint32_t size = req_stream(&self->req, PIN_UNUSED, &guid_stream,
				   &guid_subtype_none, &guid_spec_none);

	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
}

TEST_F(tonegen, row8_bridge_pin_einval_communication)
{
	uint32_t size = req_stream(&self->req, PIN_BRIDGE, &guid_stream,
				   &guid_subtype_none, &guid_spec_none);

	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
}

TEST_F(tonegen, row8_source_pin_without_peer_einval_communication)
{
	uint32_t size = req_audio(&self->req, PIN_SOURCE, KS_SAMPLE_PCM, 48000,
				  2, 16);

	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
}

TEST_F(tonegen, row8_both_pin_without_peer_accepted)
{
	uint32_t size = req_control(&self->req);

	EXPECT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ---- row 9 and 10: listed interfaces and mediums ---- */

TEST_F(tonegen, row9_listed_interfaces_only_eprotonosupport_interface)
{
	uint32_t size = req_control(&self->req);

	/* Pin 1 lists only CONTROL: the default STREAMING is not implied. */
	self->req.c.interface.id = KSINTERFACE_STANDARD_STREAMING;
	EXPECT_EQ(-EPROTONOSUPPORT, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_INTERFACE);

	/* Pin 2 lists only STREAMING. */
	size = req_keyed(&self->req, &guid_key);
	self->req.c.interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	EXPECT_EQ(-EPROTONOSUPPORT, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_INTERFACE);
}

TEST_F(tonegen, row10_listed_mediums_only_emediumtype_medium)
{
	static const struct ks_guid std_medium = KSMEDIUMSETID_STANDARD;
	uint32_t size = req_control(&self->req);

	/* Pin 1 lists only TONEGEN_MEDIUM: the standard medium is not implied. */
	self->req.c.medium.set = std_medium;
	self->req.c.medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	EXPECT_EQ(-EMEDIUMTYPE, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_MEDIUM);

	size = req_control(&self->req);
	self->req.c.medium.id = 1;
	EXPECT_EQ(-EMEDIUMTYPE, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_MEDIUM);
}

TEST_F(tonegen, listed_interface_and_medium_flags_ignored)
{
	uint32_t size = req_control(&self->req);

	self->req.c.interface.flags = 0xffffffff;
	self->req.c.medium.flags = 1;
	EXPECT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
}

/* ---- row 12: wildcards, the provider's check, required attributes ---- */

TEST_F(tonegen, row12_wildcard_range_matches_any_stream_format)
{
	static const struct ks_guid odd = KS_GUID_INIT(0x01020304, 0x0506,
		0x0708, 1, 2, 3, 4, 5, 6, 7, 8);
	uint32_t size;

	size = req_control(&self->req);
	self->req.f.df.sub_format = odd;
	self->req.f.df.specifier = odd;
	EXPECT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);

	/* A WAVEFORMATEX carried by a STREAM format matches as well. */
	size = req_audio(&self->req, PIN_CONTROL, KS_SAMPLE_PCM, 48000, 2, 16);
	self->req.f.df.major_format = guid_stream;
	self->req.c.interface.id = KSINTERFACE_STANDARD_CONTROL;
	self->req.c.medium.set = guid_medium;
	EXPECT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(tonegen, row12_wildcard_range_needs_its_major_format_edom_format)
{
	uint32_t size = req_control(&self->req);

	self->req.f.df.major_format = guid_audio;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

TEST_F(tonegen, row12_provider_accept_format_refuses_edom_format)
{
	uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 44101,
				  2, 16);

	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_FORMAT);

	size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 44100, 2, 16);
	EXPECT_LE(0, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(tonegen, row12_tone_range_boundaries)
{
	struct {
		uint32_t rate;
		uint16_t channels, bits;
		int error;
	} cases[] = {
		{ 8000, 1, 16, 0 }, { 192000, 2, 16, 0 },
		{ 7998, 2, 16, -EDOM }, { 192002, 2, 16, -EDOM },
		{ 48000, 3, 16, -EDOM }, { 48000, 2, 8, -EDOM },
		{ 48000, 2, 24, -EDOM },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM,
					  cases[i].rate, cases[i].channels,
					  cases[i].bits);
		int fd = ks_create(self->filter, &self->req, size,
				   KS_GENERIC_READ, O_CLOEXEC, &self->reason);

		EXPECT_EQ(cases[i].error, fd < 0 ? fd : 0)
			TH_LOG("%u Hz %u channels %u bits", cases[i].rate,
			       cases[i].channels, cases[i].bits);
		EXPECT_REASON(cases[i].error ? KS_REASON_FORMAT :
			      KS_REASON_NONE);
		if (fd >= 0)
			close(fd);
	}
}

TEST_F(tonegen, row12_required_attribute_present_accepted)
{
	uint32_t size = req_keyed(&self->req, &guid_key);

	EXPECT_LE(0, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_NONE);
}

TEST_F(tonegen, row12_required_attribute_missing_edom_format)
{
	uint32_t size = req_stream(&self->req, PIN_KEYED, &guid_stream,
				   &guid_subtype_none, &guid_spec_none);

	/* No attribute list at all. */
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);

	/* A list with another attribute. */
	size = req_keyed(&self->req, &guid_stream);
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_FORMAT);
}

/* ---- row 13: possible instances other than one ---- */

TEST_F(tonegen, row13_four_tone_instances_then_ebusy_instances)
{
	uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 48000,
				  2, 16);
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_LE(0, create(self, size, KS_GENERIC_READ))
			TH_LOG("instance %d", i);
	EXPECT_EQ(-EBUSY, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_INSTANCES);
	close_fd(&self->pin[0]);
	EXPECT_LE(0, create(self, size, KS_GENERIC_READ));
}

TEST_F(tonegen, row13_unlimited_instances_accepted)
{
	uint32_t size = req_control(&self->req);
	int fds[64], i, n = 0;

	for (i = 0; i < 64; i++) {
		fds[i] = ks_create(self->filter, &self->req, size,
				   KS_GENERIC_WRITE, O_CLOEXEC, &self->reason);
		EXPECT_LE(0, fds[i]) TH_LOG("instance %d: reason %s", i,
					    reason_name(self->reason));
		if (fds[i] >= 0)
			n++;
	}
	EXPECT_EQ(64, n);
	for (i = 0; i < 64; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* ---- row 14: the peer ---- */

TEST_F(tonegen, row14_peer_not_an_open_fd_ebadf_peer)
{
	static const uint64_t bad[] = { 4000, 0x7fffffff, 0x80000000ull,
					0xffffffffffffffffull };
	uint32_t size = req_audio(&self->req, PIN_SOURCE, KS_SAMPLE_PCM, 48000,
				  2, 16);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		self->req.c.pin_to_handle = bad[i];
		EXPECT_EQ(-EBADF, create(self, size, KS_GENERIC_READ))
			TH_LOG("pin_to_handle 0x%llx", (unsigned long long)bad[i]);
		EXPECT_REASON(KS_REASON_PEER);
	}
}

TEST_F(tonegen, row14_peer_not_a_pin_fd_ebadf_peer)
{
	uint32_t size = req_audio(&self->req, PIN_SOURCE, KS_SAMPLE_PCM, 48000,
				  2, 16);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, devnull);
	self->req.c.pin_to_handle = devnull;
	EXPECT_EQ(-EBADF, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_PEER);
	/* A filter fd is not a pin fd either. */
	self->req.c.pin_to_handle = self->filter;
	EXPECT_EQ(-EBADF, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_PEER);
	close(devnull);
}

/* docs/graphs.md 14f: an OUT pin cannot take a connection from another OUT pin. */
TEST_F(tonegen, row14_peer_pin_cannot_take_connection_epipe_peer)
{
	uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 48000,
				  2, 16);
	int tone = create(self, size, KS_GENERIC_READ);

	ASSERT_LE(0, tone);
	size = req_audio(&self->req, PIN_SOURCE, KS_SAMPLE_PCM, 48000, 2, 16);
	self->req.c.pin_to_handle = tone;
	EXPECT_EQ(-EPIPE, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_PEER);
}

/*
 * docs/graphs.md: a peer that fits is accepted.  Source (OUT SOURCE,
 * standard interface and medium) connected to ks-loopback's Render.
 */
TEST_F(tonegen, row14_source_pin_with_fitting_peer_accepted)
{
	uint32_t size = req_audio(&self->req, PIN_RENDER, KS_SAMPLE_PCM, 48000,
				  2, 16);
	int lb_idx = ks_find_filter(LOOPBACK_NAME), lb, render, source;

	ASSERT_LOOPBACK(lb_idx);
	lb = open_filter(lb_idx, O_RDWR);
	ASSERT_LE(0, lb);
	render = ks_create(lb, &self->req, size, KS_GENERIC_WRITE, O_CLOEXEC,
			   &self->reason);
	close(lb);
	ASSERT_LE(0, render);
	size = req_audio(&self->req, PIN_SOURCE, KS_SAMPLE_PCM, 48000, 2, 16);
	self->req.c.pin_to_handle = render;
	source = create(self, size, KS_GENERIC_READ);
	EXPECT_LE(0, source);
	EXPECT_REASON(KS_REASON_NONE);
	close(render);
}

TEST_F(tonegen, order_communication_before_peer)
{
	uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 48000,
				  2, 16);

	/* Tone is a SINK: with any peer, row 8 answers first. */
	self->req.c.pin_to_handle = 4000;
	EXPECT_EQ(-EINVAL, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_COMMUNICATION);
}

TEST_F(tonegen, order_format_before_peer)
{
	uint32_t size = req_audio(&self->req, PIN_SOURCE, KS_SAMPLE_PCM, 48000,
				  2, 24);

	self->req.c.pin_to_handle = 4000;
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_READ));
	EXPECT_REASON(KS_REASON_FORMAT);
}

/* ---- row 15 and SPEC 4: unregistration while fds are open ---- */

TEST_F(tonegen, row15_unregistered_filter_enodev_gone)
{
	uint32_t size = req_control(&self->req);

	ASSERT_EQ(0, write_param("registered", "0"));
	EXPECT_EQ(-ENODEV, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_GONE);
}

/* Rows 1 to 3 judge the request itself before the filter is looked at. */
TEST_F(tonegen, row15_request_rows_still_first)
{
	uint32_t size = req_control(&self->req);

	ASSERT_EQ(0, write_param("registered", "0"));
	EXPECT_EQ(-EINVAL, ks_create(self->filter, &self->req, size,
				     KS_GENERIC_WRITE, O_APPEND, &self->reason));
	EXPECT_REASON(KS_REASON_REQUEST);
	EXPECT_EQ(-EINVAL, create(self, 8, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_CONNECT_SIZE);
	EXPECT_EQ(-EFAULT, ks_create(self->filter, (void *)16, size,
				     KS_GENERIC_WRITE, 0, &self->reason));
}

/*
 * SPEC 5: "checked in this order; the first failure decides".  Row 4 needs
 * nothing of the filter, so a bad access is reported before row 15 even on
 * an unregistered filter.
 */
TEST_F(tonegen, order_access_before_gone)
{
	uint32_t size = req_control(&self->req);

	ASSERT_EQ(0, write_param("registered", "0"));
	EXPECT_EQ(-EINVAL, create(self, size, 0));
	EXPECT_REASON(KS_REASON_ACCESS);
}

/*
 * Rows 5 to 13 against row 15.  Row 15 is decided before every row that
 * needs the filter's pin types (only rows 1 to 4 judge the request alone):
 * once the provider unregistered, its descriptors may be gone with its
 * module, and every call on the filter's fds fails with ENODEV (SPEC 4).
 * Each request is first shown to fail its row on the registered filter;
 * unregistered, it and a good request get ENODEV and KS_REASON_GONE.
 */
static uint32_t dead_pin_id(struct ks_req *r)
{
	return req_stream(r, TONEGEN_PINS, &guid_stream, &guid_subtype_none,
			  &guid_spec_none);
}

static uint32_t dead_communication(struct ks_req *r)
{
	return req_stream(r, PIN_BRIDGE, &guid_stream, &guid_subtype_none,
			  &guid_spec_none);
}

static uint32_t dead_interface(struct ks_req *r)
{
	uint32_t size = req_control(r);

	r->c.interface.id = KSINTERFACE_STANDARD_STREAMING;
	return size;
}

static uint32_t dead_medium(struct ks_req *r)
{
	uint32_t size = req_control(r);

	r->c.medium.id = 1;
	return size;
}

static uint32_t dead_format_size(struct ks_req *r)
{
	uint32_t size = req_control(r);

	r->f.df.format_size = sizeof(r->f.df) - 1;
	return size;
}

static uint32_t dead_range(struct ks_req *r)
{
	return req_audio(r, PIN_TONE, KS_SAMPLE_PCM, 7998, 2, 16);
}

static uint32_t dead_provider_check(struct ks_req *r)
{
	return req_audio(r, PIN_TONE, KS_SAMPLE_PCM, 44101, 2, 16);
}

static uint32_t dead_tone(struct ks_req *r)
{
	return req_audio(r, PIN_TONE, KS_SAMPLE_PCM, 48000, 2, 16);
}

static const struct dead_case {
	const char *row;
	uint32_t (*build)(struct ks_req *r);
	uint32_t access;
	bool read_only_fd;	/* on a filter fd opened O_RDONLY */
	int error;		/* on the registered filter */
	uint32_t reason;
} dead_cases[] = {
	{ "5 pin id", dead_pin_id, KS_GENERIC_READ, false,
	  -EINVAL, KS_REASON_PIN_ID },
	{ "6 dataflow", dead_tone, KS_GENERIC_WRITE, false,
	  -EINVAL, KS_REASON_ACCESS },
	{ "7 filter fd access", req_control, KS_GENERIC_WRITE, true,
	  -EACCES, KS_REASON_FILTER_ACCESS },
	{ "8 communication", dead_communication, KS_GENERIC_WRITE, false,
	  -EINVAL, KS_REASON_COMMUNICATION },
	{ "9 interface", dead_interface, KS_GENERIC_WRITE, false,
	  -EPROTONOSUPPORT, KS_REASON_INTERFACE },
	{ "10 medium", dead_medium, KS_GENERIC_WRITE, false,
	  -EMEDIUMTYPE, KS_REASON_MEDIUM },
	{ "11 format size", dead_format_size, KS_GENERIC_WRITE, false,
	  -EINVAL, KS_REASON_FORMAT_SIZE },
	{ "12 no range", dead_range, KS_GENERIC_READ, false,
	  -EDOM, KS_REASON_FORMAT },
	{ "12 provider's check", dead_provider_check, KS_GENERIC_READ, false,
	  -EDOM, KS_REASON_FORMAT },
	/* With four tone pins open, the possible number. */
	{ "13 instances", dead_tone, KS_GENERIC_READ, false,
	  -EBUSY, KS_REASON_INSTANCES },
	/* A good request. */
	{ "none (good)", req_control, KS_GENERIC_WRITE, false,
	  0, KS_REASON_NONE },
};

/* Every dead_cases[] request once, on @filter or @ro; false on a miss. */
static bool dead_cases_answer(struct __test_metadata *_metadata,
			      FIXTURE_DATA(tonegen) *self, int ro, bool gone)
{
	const struct dead_case *c;
	bool ok = true;
	int fd, want;

	for (c = dead_cases; c < dead_cases + ARRAY_SIZE(dead_cases); c++) {
		uint32_t size = c->build(&self->req);

		fd = ks_create(c->read_only_fd ? ro : self->filter, &self->req,
			       size, c->access, O_CLOEXEC, &self->reason);
		if (fd >= 0)
			close(fd);
		want = gone ? -ENODEV : c->error;
		if ((fd < 0 ? fd : 0) == want &&
		    self->reason == (gone ? KS_REASON_GONE : c->reason))
			continue;
		TH_LOG("row %s, filter %s: %s, reason %s", c->row,
		       gone ? "unregistered" : "registered",
		       fd < 0 ? strerror(-fd) : "a pin", reason_name(self->reason));
		ok = false;
	}
	return ok;
}

TEST_F(tonegen, row15_before_rows5_to_13_enodev_gone)
{
	uint32_t size = dead_tone(&self->req);
	int i, ro = open_filter(self->idx, O_RDONLY);

	ASSERT_LE(0, ro);
	for (i = 0; i < 4; i++)
		ASSERT_LE(0, create(self, size, KS_GENERIC_READ));
	EXPECT_TRUE(dead_cases_answer(_metadata, self, ro, false));

	ASSERT_EQ(0, write_param("registered", "0"));
	EXPECT_TRUE(dead_cases_answer(_metadata, self, ro, true));
	close(ro);
}

TEST_F(tonegen, unregistered_filter_fds_fail_enodev)
{
	uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 48000,
				  2, 16);
	struct pollfd p[2];
	char buf[16];
	int tone;

	tone = create(self, size, KS_GENERIC_READ);
	ASSERT_LE(0, tone);
	ASSERT_EQ(0, write_param("registered", "0"));
	EXPECT_EQ(-ENOENT, ks_find_filter(TONEGEN_NAME));

	/* Pin fd: read and ioctl fail with ENODEV. */
	EXPECT_EQ(-1, read(tone, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(tone, _IO(KS_IOCTL_MAGIC, 0x7f)));
	EXPECT_EQ(ENODEV, errno);
	/* Filter fd: any ioctl fails with ENODEV. */
	EXPECT_EQ(-1, ioctl(self->filter, _IO(KS_IOCTL_MAGIC, 0x7f)));
	EXPECT_EQ(ENODEV, errno);

	/* poll reports POLLERR | POLLHUP on both. */
	p[0] = (struct pollfd){ .fd = tone, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = self->filter, .events = POLLIN };
	EXPECT_EQ(2, poll(p, 2, 1000));
	EXPECT_EQ(POLLERR | POLLHUP, p[0].revents & (POLLERR | POLLHUP));
	EXPECT_EQ(POLLERR | POLLHUP, p[1].revents & (POLLERR | POLLHUP));

	/* close always works. */
	EXPECT_EQ(0, close(tone));
	self->pin[0] = -1;
	EXPECT_EQ(0, close(self->filter));
	self->filter = -1;
	EXPECT_EQ(0, read_param("live_pins"));
}

/* Registered again, the filter is new: the old fds stay dead. */
TEST_F(tonegen, reregistered_filter_is_new)
{
	uint32_t size = req_control(&self->req);
	int idx, fd;

	ASSERT_EQ(0, write_param("registered", "0"));
	ASSERT_EQ(0, write_param("registered", "1"));
	idx = ks_find_filter(TONEGEN_NAME);
	ASSERT_LE(0, idx);
	EXPECT_EQ(-ENODEV, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_GONE);

	fd = open_filter(idx, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_LE(0, ks_create(fd, &self->req, size, KS_GENERIC_WRITE,
			       O_CLOEXEC, &self->reason));
	EXPECT_REASON(KS_REASON_NONE);
	close(fd);
}

/* SPEC 4: open fds pin the provider module ... */
TEST_F(tonegen, provider_module_pinned_by_open_fds)
{
	uint32_t size = req_control(&self->req);
	int pin;

	ASSERT_EQ(0, access(TONEGEN_PARAMS, F_OK))
		TH_LOG(TONEGEN_MODNAME " is built in or not a module");
	EXPECT_EQ(-EWOULDBLOCK, unload_tonegen());

	/* A pin fd alone keeps it, too. */
	pin = create(self, size, KS_GENERIC_WRITE);
	ASSERT_LE(0, pin);
	close_fd(&self->filter);
	EXPECT_EQ(-EWOULDBLOCK, unload_tonegen());

	close_fd(&self->pin[0]);
	EXPECT_EQ(0, unload_tonegen());
	ASSERT_EQ(0, load_tonegen());
	EXPECT_LE(0, ks_find_filter(TONEGEN_NAME));
}

/* ... unless it unregistered its filter itself: then it can go. */
TEST_F(tonegen, provider_module_removable_after_unregistering)
{
	uint32_t size = req_control(&self->req);
	char buf[4];
	int pin;

	ASSERT_EQ(0, access(TONEGEN_PARAMS, F_OK))
		TH_LOG(TONEGEN_MODNAME " is built in or not a module");
	pin = create(self, size, KS_GENERIC_WRITE);
	ASSERT_LE(0, pin);
	ASSERT_EQ(0, write_param("registered", "0"));
	EXPECT_EQ(0, unload_tonegen());

	/* The fds outlive the module: ENODEV, and close works. */
	EXPECT_EQ(-1, write(pin, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENODEV, create(self, size, KS_GENERIC_WRITE));
	EXPECT_REASON(KS_REASON_GONE);
	close_fd(&self->pin[0]);
	close_fd(&self->filter);
	ASSERT_EQ(0, load_tonegen());
	EXPECT_LE(0, ks_find_filter(TONEGEN_NAME));
}

/* The provider sees every pin it opened closed again. */
TEST_F(tonegen, provider_live_pins_balanced)
{
	uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 48000,
				  2, 16);
	long before = read_param("live_pins");

	ASSERT_LE(0, before);
	ASSERT_LE(0, create(self, size, KS_GENERIC_READ));
	ASSERT_LE(0, create(self, size, KS_GENERIC_READ));
	EXPECT_EQ(before + 2, read_param("live_pins"));
	/* A refused request never reaches the provider's open. */
	size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 44101, 2, 16);
	EXPECT_EQ(-EDOM, create(self, size, KS_GENERIC_READ));
	EXPECT_EQ(before + 2, read_param("live_pins"));
	close_fd(&self->pin[0]);
	close_fd(&self->pin[1]);
	EXPECT_EQ(before, read_param("live_pins"));
}

/* ---- SPEC 7: the state steps the provider is called with ---- */

/* One line of TONEGEN_STEPS_PATH: "<instance> <pin id> <from>-><to> <result>". */
struct step {
	unsigned int instance;
	unsigned int pin;
	char from[8];
	char to[8];
	int result;
};

/* What one take of the record held. */
struct steps {
	long lost;		/* the "lost N" line, else 0 */
	unsigned int n;
	struct step s[TONEGEN_STEPS];
};

/*
 * Take (and so empty) the provider's record of steps: 0, -errno when it
 * cannot be read (debugfs is mounted first if need be), -EPROTO for a
 * line that is not a step or more steps than the record keeps.
 */
static int take_steps(struct steps *st)
{
	char line[128];
	struct step *s;
	int ret = 0;
	FILE *f;

	if (access("/sys/kernel/debug/ksfilter", F_OK) &&
	    system("mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null"))
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	f = fopen(TONEGEN_STEPS_PATH, "re");
	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		if (st->n == 0 && !st->lost &&
		    sscanf(line, "lost %ld", &st->lost) == 1)
			continue;
		if (st->n == TONEGEN_STEPS) {
			ret = -EPROTO;
			break;
		}
		s = &st->s[st->n++];
		if (sscanf(line, "%u %u %7[A-Z]->%7[A-Z] %d", &s->instance,
			   &s->pin, s->from, s->to, &s->result) != 5)
			ret = -EPROTO;
	}
	fclose(f);
	return ret;
}

/*
 * The steps of pin @instance (any pin when 0) as "FROM->TO", with
 * ":RESULT" after a refused one, separated by spaces: "" for none.
 */
static const char *steps_text(const struct steps *st, unsigned int instance,
			      char *buf, size_t size)
{
	const struct step *s;
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < st->n && len < size; i++) {
		s = &st->s[i];
		if (instance && s->instance != instance)
			continue;
		len += snprintf(buf + len, size - len, "%s%s->%s", len ? " " : "",
				s->from, s->to);
		if (s->result && len < size)
			len += snprintf(buf + len, size - len, ":%d", s->result);
	}
	return buf;
}

/* The one pin instance all the steps are of; 0 when none or several. */
static unsigned int steps_instance(const struct steps *st)
{
	unsigned int i;

	for (i = 1; i < st->n; i++)
		if (st->s[i].instance != st->s[0].instance)
			return 0;
	return st->n ? st->s[0].instance : 0;
}

/*
 * The steps since the last take are exactly @want (steps_text()), all of
 * one pin of type @pin_id, none lost.
 */
#define EXPECT_STEPS(pin_id, want) do {					\
	struct steps _st;						\
	char _buf[512];							\
	unsigned int _i;						\
									\
	ASSERT_EQ(0, take_steps(&_st));					\
	EXPECT_STREQ(want, steps_text(&_st, 0, _buf, sizeof(_buf)));	\
	EXPECT_EQ(0, _st.lost);						\
	if (_st.n)							\
		EXPECT_NE(0u, steps_instance(&_st));			\
	for (_i = 0; _i < _st.n; _i++)					\
		EXPECT_EQ((unsigned int)(pin_id), _st.s[_i].pin);	\
} while (0)

/* Empty the record; a failure when the provider has none. */
#define START_STEPS() do {						\
	struct steps _st;						\
									\
	ASSERT_EQ(0, take_steps(&_st))					\
		TH_LOG("no %s (debugfs)", TONEGEN_STEPS_PATH);		\
} while (0)

static int set_state(int fd, uint32_t state)
{
	return ks_pin_set_state(fd, state);
}

static uint32_t get_state(int fd)
{
	uint32_t state = 0xdead;

	return ks_pin_get_state(fd, &state) ? 0xdead : state;
}

/* A Tone pin, its fd kept in self->pin[]. */
static int tone_pin(FIXTURE_DATA(tonegen) *self)
{
	uint32_t size = req_audio(&self->req, PIN_TONE, KS_SAMPLE_PCM, 48000,
				  2, 16);

	return create(self, size, KS_GENERIC_READ);
}

/* "a jump is carried out one step at a time and the filter sees every step" */
TEST_F(tonegen, state_stop_to_run_steps_through_acquire_and_pause)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	START_STEPS();
	ASSERT_EQ(0, set_state(pin, KSSTATE_RUN));
	EXPECT_EQ((uint32_t)KSSTATE_RUN, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "STOP->ACQUIRE ACQUIRE->PAUSE PAUSE->RUN");
}

TEST_F(tonegen, state_run_to_stop_steps_down_one_at_a_time)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	ASSERT_EQ(0, set_state(pin, KSSTATE_RUN));
	START_STEPS();
	ASSERT_EQ(0, set_state(pin, KSSTATE_STOP));
	EXPECT_EQ((uint32_t)KSSTATE_STOP, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "RUN->PAUSE PAUSE->ACQUIRE ACQUIRE->STOP");
}

/* Every set, from every state: only the steps between, in order. */
TEST_F(tonegen, state_every_set_steps_between_the_two_states)
{
	static const char *const name[] = { "STOP", "ACQUIRE", "PAUSE", "RUN" };
	char want[128];
	size_t len;
	int pin = tone_pin(self);
	uint32_t from, to, s;

	ASSERT_LE(0, pin);
	START_STEPS();
	for (from = KSSTATE_STOP; from <= KSSTATE_RUN; from++) {
		for (to = KSSTATE_STOP; to <= KSSTATE_RUN; to++) {
			ASSERT_EQ(0, set_state(pin, from));
			START_STEPS();
			ASSERT_EQ(0, set_state(pin, to))
				TH_LOG("%s -> %s", name[from], name[to]);
			EXPECT_EQ(to, get_state(pin));
			len = 0;
			want[0] = '\0';
			for (s = from; s != to; s = s < to ? s + 1 : s - 1)
				len += snprintf(want + len, sizeof(want) - len,
						"%s%s->%s", len ? " " : "",
						name[s], name[s < to ? s + 1 : s - 1]);
			EXPECT_STEPS(PIN_TONE, want);
		}
	}
}

/* A set to the state the pin is in is no step: the provider sees nothing. */
TEST_F(tonegen, state_same_state_set_calls_nothing)
{
	int pin = tone_pin(self);
	uint32_t st;

	ASSERT_LE(0, pin);
	START_STEPS();
	for (st = KSSTATE_STOP; st <= KSSTATE_RUN; st++) {
		if (st != KSSTATE_STOP) {
			ASSERT_EQ(0, set_state(pin, st));
			START_STEPS();
		}
		EXPECT_EQ(0, set_state(pin, st));
		EXPECT_EQ(st, get_state(pin));
		EXPECT_STEPS(PIN_TONE, "");
	}
}

/* An invalid state is refused before any step: EINVAL, nothing called. */
TEST_F(tonegen, state_invalid_value_einval_calls_nothing)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	START_STEPS();
	EXPECT_EQ(-EINVAL, set_state(pin, KSSTATE_RUN + 1));
	EXPECT_EQ((uint32_t)KSSTATE_STOP, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "");
	ASSERT_EQ(0, set_state(pin, KSSTATE_PAUSE));
	START_STEPS();
	EXPECT_EQ(-EINVAL, set_state(pin, 0xffffffff));
	EXPECT_EQ((uint32_t)KSSTATE_PAUSE, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "");
}

/* SPEC 5: "Closing it moves the pin to STOP (through PAUSE and ACQUIRE)". */
TEST_F(tonegen, state_close_in_run_steps_down_to_stop)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	ASSERT_EQ(0, set_state(pin, KSSTATE_RUN));
	START_STEPS();
	close_fd(&self->pin[0]);
	EXPECT_STEPS(PIN_TONE, "RUN->PAUSE PAUSE->ACQUIRE ACQUIRE->STOP");
}

TEST_F(tonegen, state_close_steps_down_from_where_the_pin_is)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	ASSERT_EQ(0, set_state(pin, KSSTATE_PAUSE));
	START_STEPS();
	close_fd(&self->pin[0]);
	EXPECT_STEPS(PIN_TONE, "PAUSE->ACQUIRE ACQUIRE->STOP");

	/* A pin closed in STOP has no step to take. */
	ASSERT_LE(0, tone_pin(self));
	START_STEPS();
	close_fd(&self->pin[1]);
	EXPECT_STEPS(PIN_TONE, "");
}

/* Unregistering the filter closes its open pins the same way. */
TEST_F(tonegen, state_unregister_steps_open_pin_down_to_stop)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	ASSERT_EQ(0, set_state(pin, KSSTATE_RUN));
	START_STEPS();
	ASSERT_EQ(0, write_param("registered", "0"));
	EXPECT_STEPS(PIN_TONE, "RUN->PAUSE PAUSE->ACQUIRE ACQUIRE->STOP");
	/* Closing the fd afterwards calls nothing more. */
	close_fd(&self->pin[0]);
	EXPECT_STEPS(PIN_TONE, "");
}

/* Each pin's steps are its own: a jump of one steps no other. */
TEST_F(tonegen, state_steps_are_per_pin)
{
	int a = tone_pin(self), b = tone_pin(self);
	unsigned int ia, ib;
	struct steps st;
	char buf[256];

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	START_STEPS();
	ASSERT_EQ(0, set_state(a, KSSTATE_RUN));
	ASSERT_EQ(0, take_steps(&st));
	ia = steps_instance(&st);
	ASSERT_NE(0u, ia);
	ASSERT_EQ(0, set_state(b, KSSTATE_PAUSE));
	ASSERT_EQ(0, set_state(a, KSSTATE_ACQUIRE));
	ASSERT_EQ(0, take_steps(&st));
	ASSERT_EQ(4u, st.n);
	ib = st.s[0].instance;
	EXPECT_NE(ia, ib);
	EXPECT_STREQ("STOP->ACQUIRE ACQUIRE->PAUSE",
		     steps_text(&st, ib, buf, sizeof(buf)));
	EXPECT_STREQ("RUN->PAUSE PAUSE->ACQUIRE",
		     steps_text(&st, ia, buf, sizeof(buf)));
	EXPECT_EQ((uint32_t)KSSTATE_ACQUIRE, get_state(a));
	EXPECT_EQ((uint32_t)KSSTATE_PAUSE, get_state(b));
}

/*
 * include/linux/ksfilter.h: "a failure stops a step up".  The set fails
 * with the provider's errno (a property has no reason code) and the pin
 * stays where the last step it took left it; once the provider agrees,
 * the set goes on from there.
 */
TEST_F(tonegen, state_refused_step_up_stops_in_acquire)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	ASSERT_EQ(0, write_param("refuse_pause", "5"));	/* EIO */
	EXPECT_EQ(5, read_param("refuse_pause"));
	START_STEPS();
	EXPECT_EQ(-EIO, set_state(pin, KSSTATE_RUN));
	EXPECT_EQ((uint32_t)KSSTATE_ACQUIRE, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "STOP->ACQUIRE ACQUIRE->PAUSE:-5");

	/* Refused again from ACQUIRE, with another errno: still there. */
	ASSERT_EQ(0, write_param("refuse_pause", "16"));	/* EBUSY */
	EXPECT_EQ(-EBUSY, set_state(pin, KSSTATE_PAUSE));
	EXPECT_EQ((uint32_t)KSSTATE_ACQUIRE, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "ACQUIRE->PAUSE:-16");

	ASSERT_EQ(0, write_param("refuse_pause", "0"));
	EXPECT_EQ(0, set_state(pin, KSSTATE_RUN));
	EXPECT_EQ((uint32_t)KSSTATE_RUN, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "ACQUIRE->PAUSE PAUSE->RUN");

	close_fd(&self->pin[0]);
	EXPECT_STEPS(PIN_TONE, "RUN->PAUSE PAUSE->ACQUIRE ACQUIRE->STOP");
}

/* Closed in the state a refusal left it in: down from ACQUIRE alone. */
TEST_F(tonegen, state_refused_step_up_then_close_steps_down_from_acquire)
{
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	ASSERT_EQ(0, write_param("refuse_pause", "5"));
	START_STEPS();
	EXPECT_EQ(-EIO, set_state(pin, KSSTATE_RUN));
	EXPECT_STEPS(PIN_TONE, "STOP->ACQUIRE ACQUIRE->PAUSE:-5");
	close_fd(&self->pin[0]);
	EXPECT_STEPS(PIN_TONE, "ACQUIRE->STOP");
}

/*
 * A step down refused by a set stops it too (the pin stays in RUN); but
 * "a step down on close is taken anyway": close still reaches STOP.
 */
TEST_F(tonegen, state_refused_step_down_stays_but_close_goes_on)
{
	long live = read_param("live_pins");
	int pin = tone_pin(self);

	ASSERT_LE(0, pin);
	ASSERT_EQ(0, set_state(pin, KSSTATE_RUN));
	ASSERT_EQ(0, write_param("refuse_pause", "16"));	/* EBUSY */
	START_STEPS();
	EXPECT_EQ(-EBUSY, set_state(pin, KSSTATE_STOP));
	EXPECT_EQ((uint32_t)KSSTATE_RUN, get_state(pin));
	EXPECT_STEPS(PIN_TONE, "RUN->PAUSE:-16");

	close_fd(&self->pin[0]);
	EXPECT_STEPS(PIN_TONE, "RUN->PAUSE:-16 PAUSE->ACQUIRE ACQUIRE->STOP");
	EXPECT_EQ(live, read_param("live_pins"));
}

/*
 * Bad input to the parameter: EINVAL (ERANGE for a number past int), and
 * the value stays.
 */
TEST_F(tonegen, refuse_pause_param_bad_value_einval)
{
	static const struct {
		const char *value;
		int err;
	} bad[] = {
		{ "-5", -EINVAL }, { "512", -EINVAL }, { "EIO", -EINVAL },
		{ "5x", -EINVAL }, { "99999999999", -ERANGE },
	};
	unsigned int i;

	ASSERT_EQ(0, write_param("refuse_pause", "7"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(bad[i].err, write_param("refuse_pause", bad[i].value))
			TH_LOG("\"%s\"", bad[i].value);
		EXPECT_EQ(7, read_param("refuse_pause"));
	}
	EXPECT_EQ(0, write_param("refuse_pause", "511"));
	EXPECT_EQ(511, read_param("refuse_pause"));
	EXPECT_EQ(0, write_param("refuse_pause", "0"));
	EXPECT_EQ(0, read_param("refuse_pause"));
}

/*
 * The record keeps the last TONEGEN_STEPS steps: past that the oldest go
 * and "lost N" counts them; a take empties it, and so does a write.
 */
TEST_F(tonegen, state_steps_record_bounded_and_emptied)
{
	static const char *const cycle[] = {
		"STOP->ACQUIRE", "ACQUIRE->PAUSE", "PAUSE->RUN",
		"RUN->PAUSE", "PAUSE->ACQUIRE", "ACQUIRE->STOP",
	};
	const unsigned int rounds = 30, total = rounds * 6;
	int pin = tone_pin(self);
	char want[32], got[32];
	struct steps st;
	unsigned int i;

	ASSERT_LE(0, pin);
	START_STEPS();
	for (i = 0; i < rounds; i++) {
		ASSERT_EQ(0, set_state(pin, KSSTATE_RUN));
		ASSERT_EQ(0, set_state(pin, KSSTATE_STOP));
	}
	ASSERT_EQ(0, take_steps(&st));
	EXPECT_EQ((long)(total - TONEGEN_STEPS), st.lost);
	ASSERT_EQ((unsigned int)TONEGEN_STEPS, st.n);
	for (i = 0; i < st.n; i++) {
		snprintf(want, sizeof(want), "%s",
			 cycle[(total - TONEGEN_STEPS + i) % 6]);
		snprintf(got, sizeof(got), "%s->%s", st.s[i].from, st.s[i].to);
		EXPECT_STREQ(want, got) TH_LOG("step %u", i);
	}
	/* Taken: the next take has nothing, not even a loss. */
	EXPECT_STEPS(PIN_TONE, "");

	ASSERT_EQ(0, set_state(pin, KSSTATE_ACQUIRE));
	ASSERT_EQ(0, write_file(TONEGEN_STEPS_PATH, "\n"));
	EXPECT_STEPS(PIN_TONE, "");
}

TEST_HARNESS_MAIN
