// SPDX-License-Identifier: GPL-2.0
/*
 * Node events: KS_IOCTL_ENABLE_EVENT with KSEVENT_TYPE_TOPOLOGY and a
 * KSE_NODE, as a Windows mixer client enables KSEVENT_CONTROL_CHANGE
 * (KSEVENTSETID_AudioControlChange) on the volume, mute and mux nodes it
 * shows, on ks-audio's topology filter.
 *
 *  - a SET that changes a control's value signals its node's event once,
 *    a SET that keeps the value (the same one, or one rounded to it) does
 *    not; ONESHOT, semaphore handles, DISABLE by address and of all;
 *  - the checks: a node the filter does not have (EINVAL), a node that
 *    offers no such event, a pin's event set with the TOPOLOGY flag
 *    (ENOENT), SETSUPPORT and BASICSUPPORT, on filter and pin fds;
 *  - the events are the fd's: each fd has its own, its own share of
 *    KS_EVENTS_MAX, and closing it removes them;
 *  - the filter unregistered, and ks-audio unloaded, with events enabled:
 *    nothing is signalled, nothing more is enabled (ENODEV), close works.
 *
 * Each test loads ks-audio.ko (cards=1) from $KS_MODULE_DIR; a ks_audio
 * loaded before the run is left as it was found.  Waits are polls of the
 * eventfd with short timeouts: a missing signal fails the test, it never
 * hangs it.
 */
#include <limits.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>

#include "ks_selftest.h"

#include "../module/samples/ks-audio.h"

#define CARDS_PARAM	AUDIO_PARAMS "cards"
#define REGISTERED	AUDIO_PARAMS "registered"

#define SIGNAL_MS	3000
#define QUIET_MS	200
#define EVENTS_MAX	64

/* -12 dB and -24 dB in 1/65536 dB: on ks-audio's 1/65536 dB steps. */
#define DB(x)		((int32_t)((x) * 65536))

static const struct ks_guid set_change = KSEVENTSETID_AUDIOCONTROLCHANGE;
static const struct ks_guid set_connection = KSEVENTSETID_CONNECTION;

static const struct ks_audio_params fmt_default = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

/* ---- requests ---- */

static struct ks_event_node kse_node(const struct ks_guid *set, uint32_t id,
				     uint32_t type, uint32_t node)
{
	struct ks_event_node n;

	memset(&n, 0, sizeof(n));
	n.event.set = *set;
	n.event.id = id;
	n.event.flags = type | KSEVENT_TYPE_TOPOLOGY;
	n.node_id = node;
	return n;
}

/* KS_IOCTL_ENABLE_EVENT with every buffer given: 0 or -errno. */
static int enable_raw(int fd, const void *in, uint32_t in_size, void *out,
		      uint32_t out_size, uint32_t *returned)
{
	return ks_buffers_ioctl(fd, KS_IOCTL_ENABLE_EVENT, in, in_size, out,
				out_size, returned);
}

/* ENABLE (or ONESHOT) of @set/@id on @node with the KSEVENTDATA @d. */
static int enable_node(int fd, uint32_t node, const struct ks_guid *set,
		       uint32_t id, uint32_t type, struct ks_event_data *d)
{
	struct ks_event_node n = kse_node(set, id, type, node);

	return enable_raw(fd, &n, sizeof(n), d, sizeof(*d), NULL);
}

static int enable_change(int fd, uint32_t node, uint32_t type,
			 struct ks_event_data *d)
{
	return enable_node(fd, node, &set_change, KSEVENT_CONTROL_CHANGE, type,
			   d);
}

/* SETSUPPORT or BASICSUPPORT, no out: 0 or -errno; *returned as left. */
static int support(int fd, uint32_t node, const struct ks_guid *set,
		   uint32_t id, uint32_t type, uint32_t *returned)
{
	struct ks_event_node n = kse_node(set, id, type, node);

	return enable_raw(fd, &n, sizeof(n), NULL, 0, returned);
}

static int disable_raw(int fd, const void *in, uint32_t in_size)
{
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)in,
		.in_size = in_size,
	};

	return ioctl(fd, KS_IOCTL_DISABLE_EVENT, &b) < 0 ? -errno : 0;
}

static int disable_ev(int fd, const struct ks_event_data *d)
{
	return disable_raw(fd, d, sizeof(*d));
}

static int disable_all(int fd)
{
	return disable_raw(fd, NULL, 0);
}

static void data_event(struct ks_event_data *d, int efd)
{
	memset(d, 0, sizeof(*d));
	d->notification_type = KSEVENTF_EVENT_HANDLE;
	d->handle = (uint64_t)efd;
}

/* ---- the card ---- */

KS_LEAVE_MODULE_AS_FOUND(AUDIO_MODNAME, "ks-audio.ko", CARDS_PARAM)

FIXTURE(node) {
	int topo;	/* ks-audio-topo-0, O_RDWR */
	int wave;	/* ks-audio-wave-0 */
	int efd;
};

static int open_card_filter(const char *name)
{
	int idx = ks_find_filter(name);

	return idx < 0 ? idx : open_filter(idx, O_RDWR);
}

FIXTURE_SETUP(node)
{
	int ret;

	self->topo = self->wave = self->efd = -1;
	ret = load_module("ks-audio.ko", "cards=1");
	ASSERT_EQ(0, ret) TH_LOG("loading %s/ks-audio.ko: %s (errno %d)",
				 module_dir(), strerror(-ret), -ret);
	if (access(REGISTERED, F_OK) == 0)
		write_file(REGISTERED, "1");
	self->topo = open_card_filter(AUDIO_TOPO_NAME "-0");
	ASSERT_LE(0, self->topo) TH_LOG("%s", strerror(-self->topo));
	self->wave = open_card_filter(AUDIO_WAVE_NAME "-0");
	ASSERT_LE(0, self->wave) TH_LOG("%s", strerror(-self->wave));
	self->efd = efd_open(0);
	ASSERT_LE(0, self->efd);
	/* Every test starts from the card's values at load. */
	ASSERT_EQ(0, ks_node_set(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				 KSPROPERTY_AUDIO_VOLUMELEVEL,
				 KS_NODE_ALL_CHANNELS, 0));
	ASSERT_EQ(0, ks_node_set(self->topo, AUDIO_TOPO_NODE_MASTER_MUTE,
				 KSPROPERTY_AUDIO_MUTE, KS_NODE_ALL_CHANNELS,
				 0));
	ASSERT_EQ(0, ks_node_set(self->topo, AUDIO_TOPO_NODE_MUX,
				 KSPROPERTY_AUDIO_MUX_SOURCE, 0, AUDIO_MUX_MIC));
}

FIXTURE_TEARDOWN(node)
{
	close_fd(&self->topo);
	close_fd(&self->wave);
	close_fd(&self->efd);
	if (access(REGISTERED, F_OK) == 0)
		write_file(REGISTERED, "1");
}

static int set_master(FIXTURE_DATA(node) *self, uint32_t channel,
		      int32_t value)
{
	return ks_node_set(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
			   KSPROPERTY_AUDIO_VOLUMELEVEL, channel, value);
}

/* ---- signalling ---- */

TEST_F(node, volume_set_to_new_value_signals_once)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS)) TH_LOG("on enable");
	/* Every channel at once: one SET, one signal. */
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* One channel: a change too. */
	ASSERT_EQ(0, set_master(self, 1, DB(-24)));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, disable_ev(self->topo, &d));
}

TEST_F(node, volume_set_to_same_value_not_signalled)
{
	struct ks_event_data d;

	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	ASSERT_EQ(0, set_master(self, 0, DB(-12)));
	/* Above the range: clamped to 0 dB, which it is once set. */
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, 0));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(6)));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
}

TEST_F(node, mute_and_mux_offer_it_too)
{
	struct ks_event_data m, x;
	int efd2 = efd_open(0);

	ASSERT_LE(0, efd2);
	data_event(&m, self->efd);
	data_event(&x, efd2);
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_MUTE,
				   KSEVENT_TYPE_ENABLE, &m));
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MUX,
				   KSEVENT_TYPE_ENABLE, &x));
	ASSERT_EQ(0, ks_node_set(self->topo, AUDIO_TOPO_NODE_MASTER_MUTE,
				 KSPROPERTY_AUDIO_MUTE, 0, 1));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(efd2, QUIET_MS)) TH_LOG("another node's");
	ASSERT_EQ(0, ks_node_set(self->topo, AUDIO_TOPO_NODE_MUX,
				 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
				 AUDIO_MUX_LINE_IN));
	EXPECT_EQ(1, efd_wait(efd2, 1, SIGNAL_MS));
	ASSERT_EQ(0, ks_node_set(self->topo, AUDIO_TOPO_NODE_MUX,
				 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
				 AUDIO_MUX_LINE_IN));
	EXPECT_EQ(0, efd_quiet(efd2, QUIET_MS));
	/* A refused SET changes nothing and signals nothing. */
	EXPECT_EQ(-EINVAL, ks_node_set(self->topo, AUDIO_TOPO_NODE_MUX,
				       KSPROPERTY_AUDIO_MUX_SOURCE, 0, 99));
	EXPECT_EQ(0, efd_quiet(efd2, QUIET_MS));
	EXPECT_EQ(0, ks_node_set(self->topo, AUDIO_TOPO_NODE_MUX,
				 KSPROPERTY_AUDIO_MUX_SOURCE, 0, AUDIO_MUX_MIC));
	EXPECT_EQ(1, efd_wait(efd2, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	close(efd2);
}

TEST_F(node, oneshot_signalled_once_then_removed)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ONESHOT, &d));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-24)));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(-ENOENT, disable_ev(self->topo, &d));
	/* Its address is free again. */
	EXPECT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
}

TEST_F(node, semaphore_handle_adds_adjustment)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	d.notification_type = KSEVENTF_SEMAPHORE_HANDLE;
	d.adjustment = 5;
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	EXPECT_EQ(5, efd_wait(self->efd, 5, SIGNAL_MS));
}

TEST_F(node, disable_by_address_and_all)
{
	struct ks_event_data a, b;
	int efd2 = efd_open(0);

	ASSERT_LE(0, efd2);
	data_event(&a, self->efd);
	data_event(&b, efd2);
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &a));
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &b));
	/* The same KSEVENTDATA twice on one fd, even on another node. */
	EXPECT_EQ(-EEXIST, enable_change(self->topo,
					 AUDIO_TOPO_NODE_MASTER_MUTE,
					 KSEVENT_TYPE_ENABLE, &a));
	ASSERT_EQ(0, disable_ev(self->topo, &a));
	EXPECT_EQ(-ENOENT, disable_ev(self->topo, &a));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	EXPECT_EQ(1, efd_wait(efd2, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS)) TH_LOG("after disable");
	ASSERT_EQ(0, disable_all(self->topo));
	EXPECT_EQ(-ENOENT, disable_ev(self->topo, &b));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-24)));
	EXPECT_EQ(0, efd_quiet(efd2, QUIET_MS)) TH_LOG("after disable all");
	close(efd2);
}

/* ---- the checks ---- */

TEST_F(node, unknown_node_einval)
{
	static const uint32_t nodes[] = { AUDIO_TOPO_NODES, 0x7FFFFFFF,
					  0xFFFFFFFF };
	struct ks_event_data d;
	unsigned int i;

	data_event(&d, self->efd);
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		EXPECT_EQ(-EINVAL, enable_change(self->topo, nodes[i],
						 KSEVENT_TYPE_ENABLE, &d))
			TH_LOG("node %u", nodes[i]);
		EXPECT_EQ(-EINVAL, support(self->topo, nodes[i], &set_change,
					   0, KSEVENT_TYPE_SETSUPPORT, NULL));
		EXPECT_EQ(-EINVAL, support(self->topo, nodes[i], &set_change,
					   0, KSEVENT_TYPE_BASICSUPPORT, NULL));
	}
	/* The wave filter has two nodes. */
	EXPECT_EQ(-EINVAL, enable_change(self->wave, AUDIO_WAVE_NODES,
					 KSEVENT_TYPE_ENABLE, &d));
	/* A KSEVENT alone is no KSE_NODE. */
	{
		struct ks_event_node n = kse_node(&set_change, 0,
						  KSEVENT_TYPE_ENABLE,
						  AUDIO_TOPO_NODE_MASTER_VOLUME);

		EXPECT_EQ(-EINVAL, enable_raw(self->topo, &n, 24, &d,
					      sizeof(d), NULL));
		EXPECT_EQ(-EINVAL, enable_raw(self->topo, &n, 31, &d,
					      sizeof(d), NULL));
	}
}

TEST_F(node, node_without_the_event_enoent)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	/* A sum has no control, so no control change. */
	EXPECT_EQ(-ENOENT, enable_change(self->topo, AUDIO_TOPO_NODE_SUM,
					 KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(-ENOENT, support(self->topo, AUDIO_TOPO_NODE_SUM,
				   &set_change, 0, KSEVENT_TYPE_SETSUPPORT,
				   NULL));
	EXPECT_EQ(-ENOENT, enable_change(self->wave, AUDIO_WAVE_NODE_DAC,
					 KSEVENT_TYPE_ENABLE, &d));
	/* An id the set does not have on the node. */
	EXPECT_EQ(-ENOENT, enable_node(self->topo,
				       AUDIO_TOPO_NODE_MASTER_VOLUME,
				       &set_change, 1, KSEVENT_TYPE_ENABLE,
				       &d));
	EXPECT_EQ(-ENOENT, support(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   &set_change, 1, KSEVENT_TYPE_BASICSUPPORT,
				   NULL));
}

TEST_F(node, pin_event_set_with_topology_flag_enoent)
{
	struct ks_event_data d;

	data_event(&d, self->efd);
	EXPECT_EQ(-ENOENT, enable_node(self->topo,
				       AUDIO_TOPO_NODE_MASTER_VOLUME,
				       &set_connection,
				       KSEVENT_CONNECTION_ENDOFSTREAM,
				       KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(-ENOENT, support(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   &set_connection, 0, KSEVENT_TYPE_SETSUPPORT,
				   NULL));
	/* A node's set without the flag: no pin or filter offers it. */
	{
		struct ks_identifier e;

		memset(&e, 0, sizeof(e));
		e.set = set_change;
		e.flags = KSEVENT_TYPE_ENABLE;
		EXPECT_EQ(-ENOENT, enable_raw(self->topo, &e, sizeof(e), &d,
					      sizeof(d), NULL));
	}
}

TEST_F(node, basicsupport_setsupport)
{
	uint32_t ret = 0;

	EXPECT_EQ(0, support(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
			     &set_change, KSEVENT_CONTROL_CHANGE,
			     KSEVENT_TYPE_BASICSUPPORT, &ret));
	EXPECT_EQ(0u, ret);
	/* SETSUPPORT: the set is enough, any id. */
	EXPECT_EQ(0, support(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
			     &set_change, 7, KSEVENT_TYPE_SETSUPPORT, &ret));
	EXPECT_EQ(0u, ret);
	EXPECT_EQ(0, support(self->topo, AUDIO_TOPO_NODE_MUX, &set_change, 0,
			     KSEVENT_TYPE_BASICSUPPORT, NULL));
	EXPECT_EQ(0, support(self->topo, AUDIO_TOPO_NODE_WAVE_MUTE,
			     &set_change, 0, KSEVENT_TYPE_BASICSUPPORT, NULL));
	/* Nothing enabled by a support query. */
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* ENABLEBUFFERED and QUERYBUFFER: not offered. */
	{
		struct ks_event_data d;

		data_event(&d, self->efd);
		EXPECT_EQ(-EOPNOTSUPP,
			  enable_change(self->topo,
					AUDIO_TOPO_NODE_MASTER_VOLUME,
					KSEVENT_TYPE_ENABLEBUFFERED, &d));
	}
}

TEST_F(node, short_out_eoverflow)
{
	struct ks_event_node n = kse_node(&set_change, 0, KSEVENT_TYPE_ENABLE,
					  AUDIO_TOPO_NODE_MASTER_VOLUME);
	struct ks_event_data d;
	uint32_t ret = 0;

	data_event(&d, self->efd);
	EXPECT_EQ(-EOVERFLOW, enable_raw(self->topo, &n, sizeof(n), &d,
					 sizeof(d) - 1, &ret));
	EXPECT_EQ((uint32_t)sizeof(d), ret);
}

/* A pin fd names its filter's nodes, as for node properties. */
TEST_F(node, pin_fd_names_the_filters_nodes)
{
	struct ks_event_data d;
	struct ks_req r;
	uint32_t size, reason;
	int pin;

	size = req_audio(&r, AUDIO_WAVE_PIN_RENDER, fmt_default.type,
			 fmt_default.rate, fmt_default.channels,
			 fmt_default.bits);
	pin = ks_create(self->wave, &r, size, KS_GENERIC_WRITE, O_CLOEXEC,
			&reason);
	ASSERT_LE(0, pin) TH_LOG("%s, reason %s", strerror(-pin),
				 reason_name(reason));
	data_event(&d, self->efd);
	EXPECT_EQ(-EINVAL, enable_change(pin, AUDIO_WAVE_NODES,
					 KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(-ENOENT, enable_change(pin, AUDIO_WAVE_NODE_DAC,
					 KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(-ENOENT, support(pin, AUDIO_WAVE_NODE_ADC, &set_change, 0,
				   KSEVENT_TYPE_SETSUPPORT, NULL));
	/* Without the flag, the pin's own events are there as before. */
	{
		struct ks_identifier e;

		memset(&e, 0, sizeof(e));
		e.set = set_connection;
		e.id = KSEVENT_CONNECTION_ENDOFSTREAM;
		e.flags = KSEVENT_TYPE_ENABLE;
		EXPECT_EQ(0, enable_raw(pin, &e, sizeof(e), &d, sizeof(d),
					NULL));
	}
	EXPECT_EQ(0, disable_all(pin));
	EXPECT_EQ(-ENOENT, disable_ev(pin, &d));
	close(pin);
}

/* ---- whose events ---- */

TEST_F(node, each_fd_has_its_own)
{
	struct ks_event_data d;
	int other = open_card_filter(AUDIO_TOPO_NAME "-0");
	int efd2 = efd_open(0);

	ASSERT_LE(0, other);
	ASSERT_LE(0, efd2);
	data_event(&d, self->efd);
	/* The same address on two fds: two events. */
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	ASSERT_EQ(0, enable_change(other, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	/* A SET on one fd signals every fd's. */
	ASSERT_EQ(0, ks_node_set(other, AUDIO_TOPO_NODE_MASTER_VOLUME,
				 KSPROPERTY_AUDIO_VOLUMELEVEL,
				 KS_NODE_ALL_CHANNELS, DB(-12)));
	EXPECT_EQ(2, efd_wait(self->efd, 2, SIGNAL_MS));
	/* Disable all on one leaves the other's. */
	ASSERT_EQ(0, disable_all(other));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-24)));
	EXPECT_EQ(1, efd_wait(self->efd, 1, SIGNAL_MS));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	/* Closing an fd removes its events. */
	data_event(&d, efd2);
	ASSERT_EQ(0, enable_change(other, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	close(other);
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-36)));
	EXPECT_EQ(0, efd_quiet(efd2, QUIET_MS)) TH_LOG("after close");
	close(efd2);
}

TEST_F(node, more_than_64_on_one_fd_enospc)
{
	struct ks_event_data d[EVENTS_MAX + 1], e;
	int other = open_card_filter(AUDIO_TOPO_NAME "-0");
	unsigned int i;

	ASSERT_LE(0, other);
	for (i = 0; i <= EVENTS_MAX; i++)
		data_event(&d[i], self->efd);
	for (i = 0; i < EVENTS_MAX; i++)
		ASSERT_EQ(0, enable_change(self->topo,
					   AUDIO_TOPO_NODE_MASTER_VOLUME,
					   KSEVENT_TYPE_ENABLE, &d[i]));
	EXPECT_EQ(-ENOSPC, enable_change(self->topo, AUDIO_TOPO_NODE_MUX,
					 KSEVENT_TYPE_ENABLE, &d[EVENTS_MAX]));
	/* Another fd of the filter has its own share. */
	data_event(&e, self->efd);
	EXPECT_EQ(0, enable_change(other, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &e));
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	EXPECT_EQ(EVENTS_MAX + 1, efd_wait(self->efd, EVENTS_MAX + 1,
					   SIGNAL_MS));
	close(other);
}

/* ---- the filter and its module gone ---- */

TEST_F(node, unregistered_with_events_enabled)
{
	struct ks_event_data d, o;
	long filters = stats_counter("filters");

	ASSERT_EQ(0, access(REGISTERED, F_OK))
		TH_LOG("ks-audio has no 'registered' parameter");
	data_event(&d, self->efd);
	data_event(&o, self->efd);
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MUX,
				   KSEVENT_TYPE_ONESHOT, &o));
	ASSERT_EQ(0, write_file(REGISTERED, "0"));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS))
		TH_LOG("signalled by the unregistration");
	EXPECT_EQ(-ENODEV, enable_change(self->topo,
					 AUDIO_TOPO_NODE_MASTER_VOLUME,
					 KSEVENT_TYPE_ENABLE, &d));
	EXPECT_EQ(-ENODEV, disable_ev(self->topo, &d));
	EXPECT_EQ(-ENODEV, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	close_fd(&self->topo);
	close_fd(&self->wave);
	/* Registered again: new filters, no event of the old ones. */
	ASSERT_EQ(0, write_file(REGISTERED, "1"));
	if (filters >= 0)
		EXPECT_EQ(filters, stats_counter("filters"));
	self->topo = open_card_filter(AUDIO_TOPO_NAME "-0");
	ASSERT_LE(0, self->topo);
	ASSERT_EQ(0, set_master(self, KS_NODE_ALL_CHANNELS, DB(-12)));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
}

TEST_F(node, module_unloaded_with_events_enabled)
{
	struct ks_event_data d;
	long filters = stats_counter("filters");

	ASSERT_EQ(0, access(REGISTERED, F_OK))
		TH_LOG("ks-audio has no 'registered' parameter");
	data_event(&d, self->efd);
	ASSERT_EQ(0, enable_change(self->topo, AUDIO_TOPO_NODE_MASTER_VOLUME,
				   KSEVENT_TYPE_ENABLE, &d));
	/* Unregistered, the provider may go with our fds still open. */
	ASSERT_EQ(0, write_file(REGISTERED, "0"));
	ASSERT_EQ(0, unload_module_wait(AUDIO_MODNAME));
	EXPECT_EQ(0, efd_quiet(self->efd, QUIET_MS));
	EXPECT_EQ(-ENODEV, disable_all(self->topo));
	close_fd(&self->topo);
	close_fd(&self->wave);
	/* The filter objects go with their last fds. */
	if (filters >= 2)
		EXPECT_EQ(filters - 2, stats_counter("filters"));
	ASSERT_EQ(0, load_module("ks-audio.ko", "cards=1"));
}

TEST_HARNESS_MAIN
