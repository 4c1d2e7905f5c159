// SPDX-License-Identifier: GPL-2.0
/*
 * KS_IOCTL_CREATE_PIN on the sample provider ks-tonegen (module/samples/
 * ks-tonegen-main.c): the rows of SPEC 5 the loopback cannot reach (communication
 * types, listed interfaces and mediums, a provider's own format check,
 * required attributes, peers, an unregistered filter) and the module
 * lifetime rules of SPEC 4.
 *
 * The fixture loads $KS_MODULE_DIR/ks-tonegen.ko (default /lib/ks) when no
 * ks-tonegen filter exists, and SKIPs when it cannot.
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
	else if (load_tonegen() < 0)
		return -ENOENT;
	return ks_find_filter(TONEGEN_NAME);
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
	if (self->idx < 0)
		SETUP_SKIP("no " TONEGEN_NAME " filter and cannot load %s/ks-tonegen.ko",
			   module_dir());
	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
}

FIXTURE_TEARDOWN(tonegen)
{
	int i;

	for (i = 0; i < MAX_PINS; i++)
		close_fd(&self->pin[i]);
	close_fd(&self->filter);
	/* Leave the filter registered for the next test. */
	if (read_param("registered") == 0)
		write_param("registered", "1");
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

	if (lb_idx < 0)
		SKIP(return, "no " LOOPBACK_NAME " filter");
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

	if (access(TONEGEN_PARAMS, F_OK))
		SKIP(return, TONEGEN_MODNAME " is built in or not a module");
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

	if (access(TONEGEN_PARAMS, F_OK))
		SKIP(return, TONEGEN_MODNAME " is built in or not a module");
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

TEST_HARNESS_MAIN
