// SPDX-License-Identifier: GPL-2.0
/*
 * A filter's topology, as Windows clients read it:
 *
 *  - KSPROPSETID_Topology NODES, CONNECTIONS (KSMULTIPLE_ITEM lists, with
 *    the sized-list queries) and NAME (a KSP_NODE) on every filter;
 *  - KSPROPERTY_TYPE_TOPOLOGY requests: the flag rules, the KSP_NODE and
 *    KSNODEPROPERTY_AUDIO_CHANNEL sizes, node ids, channels, and the
 *    KSPROPSETID_Audio controls of a node (VOLUMELEVEL rounded and
 *    clamped, MUTE, channel 0xFFFFFFFF);
 *  - BASICSUPPORT's KSPROPERTY_DESCRIPTION for core and node properties,
 *    at every `out` size a client uses (0, 4, 40, 56, 72, the whole);
 *  - KSPROPERTY_AUDIO_POSITION on a pin, which is KSFILTER_STREAM's
 *    POSITION under Windows' name.
 *
 * ks-gain's filter has one node: node 0, KSNODETYPE_VOLUME "Volume", a
 * VOLUMELEVEL of 8 channels from -96 dB to +12 dB in steps of 1/65536 dB,
 * between In (pin 0) and Out (pin 1).  ks-loopback, ks-tonegen, ks-gen,
 * ks-null-sink and ks-factory-filter have no node.  The samples missing
 * at the start are loaded from $KS_MODULE_DIR (default /lib/ks) and
 * unloaded again; a test that changes a node value puts it back.
 */
#include <endian.h>

#include "ks_selftest.h"

#include "../module/samples/ks-chain.h"
#include "../module/samples/ks-tonegen.h"

#define PAT		0xA5

#define DB(x)		((int32_t)((x) * 65536))
#define GAIN_NODE	0
#define GAIN_CHANNELS	8
#define GAIN_MIN	DB(-96)
#define GAIN_MAX	DB(12)
#define GAIN_PERCENT	GAIN_PARAMS "gain_percent"
#define ALL_CHANNELS	((int32_t)0xFFFFFFFF)

#define NODE_ACCESS	(KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | \
			 KSPROPERTY_TYPE_BASICSUPPORT)
#define DESC_SIZE	((uint32_t)sizeof(struct ks_property_description))
#define GAIN_DESC_SIZE	(DESC_SIZE + 16 + 16 * GAIN_CHANNELS)

static const struct ks_guid set_topology = KSPROPSETID_TOPOLOGY;
static const struct ks_guid set_audio = KSPROPSETID_AUDIO;
static const struct ks_guid set_pin = KSPROPSETID_PIN;
static const struct ks_guid set_conn = KSPROPSETID_CONNECTION;
static const struct ks_guid set_stream = KSPROPSETID_KSFILTER_STREAM;
static const struct ks_guid type_volume = KSNODETYPE_VOLUME;
static const struct ks_guid type_general = KSPROPTYPESETID_GENERAL;
static const struct ks_guid guid_null = KS_GUID_NULL;

/* ---- requests ---- */

/*
 * A KSNODEPROPERTY_AUDIO_CHANNEL request of @in_size bytes (its first 24
 * are the KSPROPERTY libks adds) with @flags, on @node and @channel.
 */
static int node_prop(int fd, const struct ks_guid *set, uint32_t id,
		     uint32_t flags, uint32_t node, int32_t channel,
		     uint32_t in_size, void *out, uint32_t out_size,
		     uint32_t *returned)
{
	struct ks_node_property_audio_channel in;

	memset(&in, 0, sizeof(in));
	in.node_property.node_id = node;
	in.channel = channel;
	if (returned)
		*returned = RET_UNSET;
	return ks_property(fd, set, id, flags, (char *)&in + 24, in_size - 24,
			   out, out_size, returned);
}

#define FULL_IN		((uint32_t)sizeof(struct ks_node_property_audio_channel))
#define NODE_IN		((uint32_t)sizeof(struct ks_p_node))

static int vol_get(int fd, uint32_t node, int32_t channel, int32_t *v)
{
	uint32_t got;
	int ret;

	*v = (int32_t)RET_UNSET;
	ret = node_prop(fd, &set_audio, KSPROPERTY_AUDIO_VOLUMELEVEL,
			KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY, node,
			channel, FULL_IN, v, sizeof(*v), &got);
	if (!ret && got != sizeof(*v))
		return -EPROTO;
	return ret;
}

static int vol_set(int fd, uint32_t node, int32_t channel, int32_t v)
{
	return node_prop(fd, &set_audio, KSPROPERTY_AUDIO_VOLUMELEVEL,
			 KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_TOPOLOGY, node,
			 channel, FULL_IN, &v, sizeof(v), NULL);
}

/* A plain KSPROPERTY GET of @id in KSPROPSETID_Topology. */
static int topo_get(int fd, uint32_t id, void *out, uint32_t out_size,
		    uint32_t *returned)
{
	*returned = RET_UNSET;
	return ks_property(fd, &set_topology, id, KSPROPERTY_TYPE_GET, NULL, 0,
			   out, out_size, returned);
}

/* KSPROPERTY_TOPOLOGY_NAME of @node (a KSP_NODE, no TOPOLOGY flag). */
static int node_name(int fd, uint32_t node, void *out, uint32_t out_size,
		     uint32_t *returned)
{
	return node_prop(fd, &set_topology, KSPROPERTY_TOPOLOGY_NAME,
			 KSPROPERTY_TYPE_GET, node, 0, NODE_IN, out, out_size,
			 returned);
}

static bool untouched(const void *buf, size_t from, size_t to)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = from; i < to; i++) {
		if (p[i] != PAT)
			return false;
	}
	return true;
}

/*
 * NODES and CONNECTIONS of a filter without nodes: empty lists, with the
 * sized-list queries of any list.
 */
static void expect_empty_lists(struct __test_metadata *_metadata, int fd,
			       const char *name)
{
	static const uint32_t ids[] = {
		KSPROPERTY_TOPOLOGY_NODES, KSPROPERTY_TOPOLOGY_CONNECTIONS,
	};
	struct ks_multiple_item mi;
	unsigned char buf[64];
	uint32_t got, size, i;

	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-EOVERFLOW, topo_get(fd, ids[i], NULL, 0, &got))
			TH_LOG("%s id %u", name, ids[i]);
		EXPECT_EQ(8u, got) TH_LOG("%s id %u", name, ids[i]);
		size = RET_UNSET;
		EXPECT_EQ(0, topo_get(fd, ids[i], &size, 4, &got));
		EXPECT_EQ(4u, got);
		EXPECT_EQ(8u, size) TH_LOG("%s id %u", name, ids[i]);
		memset(&mi, PAT, sizeof(mi));
		EXPECT_EQ(0, topo_get(fd, ids[i], &mi, 8, &got));
		EXPECT_EQ(8u, got);
		EXPECT_EQ(8u, mi.size);
		EXPECT_EQ(0u, mi.count) TH_LOG("%s id %u", name, ids[i]);
		memset(buf, PAT, sizeof(buf));
		EXPECT_EQ(0, topo_get(fd, ids[i], buf, sizeof(buf), &got));
		EXPECT_EQ(8u, got);
		EXPECT_TRUE(untouched(buf, 8, sizeof(buf)));
		/* Any node id is beyond the nodes. */
		EXPECT_EQ(-EINVAL, node_name(fd, 0, buf, sizeof(buf), &got))
			TH_LOG("%s", name);
	}
}

/* ---- filters without nodes ---- */

FIXTURE(loop) {
	int filter;
	int pin;
};

FIXTURE_SETUP(loop)
{
	int idx = ks_find_filter(LOOPBACK_NAME);

	self->filter = self->pin = -1;
	ASSERT_LOOPBACK(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
}

FIXTURE_TEARDOWN(loop)
{
	close_fd(&self->pin);
	close_fd(&self->filter);
}

/* A pin of the loopback: LOOPED_STREAMING Render if @looped, else Capture. */
static int loop_pin(FIXTURE_DATA(loop) *self, bool looped)
{
	struct ks_req r;
	uint32_t pin = looped ? PIN_RENDER : PIN_CAPTURE;
	uint32_t size = req_default(&r, pin);

	if (looped)
		r.c.interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	self->pin = ks_create(self->filter, &r, size, pin_access(pin), 0, NULL);
	return self->pin;
}

TEST_F(loop, nodes_and_connections_empty_lists)
{
	expect_empty_lists(_metadata, self->filter, LOOPBACK_NAME);
}

/* The other samples without nodes, loaded for the test if missing. */
TEST(nodes_and_connections_empty_on_every_sample_without_nodes)
{
	static const struct {
		const char *filter, *file, *mod;
	} samples[] = {
		{ TONEGEN_NAME, "ks-tonegen.ko", TONEGEN_MODNAME },
		{ GEN_NAME, "ks-gen.ko", GEN_MODNAME },
		{ "ks-null-sink", "ks-null-sink.ko", "ks_null_sink" },
		{ "ks-factory-filter", "ks-factory-filter.ko",
		  "ks_factory_filter" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char mod[64];
		bool loaded;
		int idx, fd;

		/* Absent now: loaded here, unloaded at the end. */
		snprintf(mod, sizeof(mod), "/sys/module/%s", samples[i].mod);
		loaded = access(mod, F_OK) != 0;
		idx = chain_index(samples[i].filter, samples[i].file, "");
		EXPECT_LE(0, idx) TH_LOG("%s", ks_sample_why);
		if (idx >= 0) {
			fd = open_filter(idx, O_RDWR);
			ASSERT_LE(0, fd);
			expect_empty_lists(_metadata, fd, samples[i].filter);
			close(fd);
		}
		/* Also a module that loaded without its filter. */
		if (loaded && access(mod, F_OK) == 0)
			EXPECT_EQ(0, unload_module_wait(samples[i].mod));
	}
}

/* "Exactly one operation": TOPOLOGY alone or with two is EINVAL. */
TEST_F(loop, topology_flag_needs_exactly_one_op)
{
	static const uint32_t bad[] = {
		KSPROPERTY_TYPE_TOPOLOGY,
		KSPROPERTY_TYPE_TOPOLOGY | KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET,
		KSPROPERTY_TYPE_TOPOLOGY | KSPROPERTY_TYPE_GET |
			KSPROPERTY_TYPE_BASICSUPPORT,
		KSPROPERTY_TYPE_TOPOLOGY | KSPROPERTY_TYPE_SETSUPPORT |
			KSPROPERTY_TYPE_BASICSUPPORT,
		KSPROPERTY_TYPE_TOPOLOGY | 0x20000000 | KSPROPERTY_TYPE_GET,
	};
	int32_t v;
	uint32_t got, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, node_prop(self->filter, &set_audio,
					     KSPROPERTY_AUDIO_VOLUMELEVEL,
					     bad[i], 0, 0, FULL_IN, &v,
					     sizeof(v), &got))
			TH_LOG("flags 0x%x", bad[i]);
	/* One op with the flag reaches the node: the loopback has none. */
	EXPECT_EQ(-EINVAL, vol_get(self->filter, 0, 0, &v));
}

/* A TOPOLOGY request names a node: `in` shorter than a KSP_NODE is EINVAL. */
TEST_F(loop, topology_request_shorter_than_ksp_node_einval)
{
	static const uint32_t ops[] = {
		KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET,
		KSPROPERTY_TYPE_BASICSUPPORT, KSPROPERTY_TYPE_SETSUPPORT,
	};
	int32_t v = 0;
	uint32_t got, i, size;

	for (i = 0; i < 4; i++) {
		for (size = 24; size < NODE_IN; size += 4)
			EXPECT_EQ(-EINVAL, node_prop(self->filter, &set_audio,
						     KSPROPERTY_AUDIO_VOLUMELEVEL,
						     ops[i] | KSPROPERTY_TYPE_TOPOLOGY,
						     0, 0, size, &v, sizeof(v),
						     &got))
				TH_LOG("op 0x%x in %u", ops[i], size);
	}
	/* SETSUPPORT of the node set with a whole KSP_NODE: supported. */
	EXPECT_EQ(0, node_prop(self->filter, &set_audio, 0,
			       KSPROPERTY_TYPE_SETSUPPORT | KSPROPERTY_TYPE_TOPOLOGY,
			       0, 0, NODE_IN, NULL, 0, &got));
}

/* ks-loopback has no node: any node id is beyond its nodes. */
TEST_F(loop, node_id_beyond_nodes_einval_on_filter_and_pin)
{
	static const uint32_t nodes[] = { 0, 1, 7, 0x7FFFFFFF, 0xFFFFFFFF };
	unsigned char out[256];
	int32_t v;
	uint32_t got, i;

	ASSERT_LE(0, loop_pin(self, false));
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		EXPECT_EQ(-EINVAL, vol_get(self->filter, nodes[i], 0, &v));
		EXPECT_EQ(-EINVAL, vol_get(self->pin, nodes[i], 0, &v));
		EXPECT_EQ(-EINVAL, vol_set(self->filter, nodes[i], 0, 0));
		EXPECT_EQ(-EINVAL, node_prop(self->filter, &set_audio,
					     KSPROPERTY_AUDIO_MUTE,
					     KSPROPERTY_TYPE_BASICSUPPORT |
					     KSPROPERTY_TYPE_TOPOLOGY,
					     nodes[i], 0, FULL_IN, out,
					     sizeof(out), &got));
		EXPECT_EQ(-EINVAL, node_name(self->filter, nodes[i], out,
					     sizeof(out), &got));
	}
}

/* KSPROPSETID_Audio ids that are no node control, and other sets: ENOENT. */
TEST_F(loop, unknown_node_property_enoent)
{
	static const uint32_t ids[] = {
		0, KSPROPERTY_AUDIO_CHANNEL_CONFIG, KSPROPERTY_AUDIO_POSITION,
		99, 0xFFFFFFFF,
	};
	int32_t v;
	uint32_t got, i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		EXPECT_EQ(-ENOENT, node_prop(self->filter, &set_audio, ids[i],
					     KSPROPERTY_TYPE_GET |
					     KSPROPERTY_TYPE_TOPOLOGY, 0, 0,
					     FULL_IN, &v, sizeof(v), &got))
			TH_LOG("id %u", ids[i]);
	/* A filter's set is not a node's. */
	EXPECT_EQ(-ENOENT, node_prop(self->filter, &set_pin,
				     KSPROPERTY_PIN_CTYPES,
				     KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
				     0, 0, FULL_IN, &v, sizeof(v), &got));
}

/*
 * BASICSUPPORT of a core u32 property: 0-3 bytes EOVERFLOW with the whole
 * size (40), 4-39 the access flags, 40 and more the description of a
 * VT_UI4.
 */
TEST_F(loop, basicsupport_core_u32_description_at_every_size)
{
	uint32_t inst[2] = { 0, 0 };	/* the rest of a KSP_PIN for pin 0 */
	struct {
		struct ks_property_description d;
		unsigned char after[24];
	} out;
	uint32_t got, size;

	for (size = 0; size < 4; size++) {
		EXPECT_EQ(-EOVERFLOW, ks_property(self->filter, &set_pin,
						  KSPROPERTY_PIN_DATAFLOW,
						  KSPROPERTY_TYPE_BASICSUPPORT,
						  inst, sizeof(inst), &out, size,
						  &got));
		EXPECT_EQ(DESC_SIZE, got) TH_LOG("out %u", size);
	}
	for (size = 4; size < DESC_SIZE; size += 4) {
		memset(&out, PAT, sizeof(out));
		EXPECT_EQ(0, ks_property(self->filter, &set_pin,
					 KSPROPERTY_PIN_DATAFLOW,
					 KSPROPERTY_TYPE_BASICSUPPORT, inst,
					 sizeof(inst), &out, size, &got));
		EXPECT_EQ(4u, got);
		EXPECT_EQ((uint32_t)KSPROPERTY_TYPE_GET, out.d.access_flags);
		EXPECT_TRUE(untouched(&out, 4, sizeof(out)));
	}
	memset(&out, PAT, sizeof(out));
	EXPECT_EQ(0, ks_property(self->filter, &set_pin, KSPROPERTY_PIN_DATAFLOW,
				 KSPROPERTY_TYPE_BASICSUPPORT, inst, sizeof(inst),
				 &out, sizeof(out), &got));
	EXPECT_EQ(DESC_SIZE, got);
	EXPECT_EQ((uint32_t)KSPROPERTY_TYPE_GET, out.d.access_flags);
	EXPECT_EQ(DESC_SIZE, out.d.description_size);
	EXPECT_TRUE(ks_guid_eq(&out.d.prop_type_set.set, &type_general));
	EXPECT_EQ((uint32_t)KS_VT_UI4, out.d.prop_type_set.id);
	EXPECT_EQ(0u, out.d.prop_type_set.flags);
	EXPECT_EQ(0u, out.d.members_list_count);
	EXPECT_EQ(0u, out.d.reserved);
	EXPECT_TRUE(untouched(&out, DESC_SIZE, sizeof(out)));
}

/* The value type of each core item; a structure is GUID_NULL and 0. */
TEST_F(loop, basicsupport_core_value_types)
{
	static const struct {
		const struct ks_guid *set;
		uint32_t id, vt, access;
		bool pin_fd;
	} want[] = {
		{ &set_pin, KSPROPERTY_PIN_CTYPES, KS_VT_UI4, KSPROPERTY_TYPE_GET, false },
		{ &set_pin, KSPROPERTY_PIN_DATAFLOW, KS_VT_UI4, KSPROPERTY_TYPE_GET, false },
		{ &set_pin, KSPROPERTY_PIN_COMMUNICATION, KS_VT_UI4, KSPROPERTY_TYPE_GET, false },
		{ &set_pin, KSPROPERTY_PIN_NECESSARYINSTANCES, KS_VT_UI4, KSPROPERTY_TYPE_GET, false },
		{ &set_pin, KSPROPERTY_PIN_CINSTANCES, 0, KSPROPERTY_TYPE_GET, false },
		{ &set_pin, KSPROPERTY_PIN_DATARANGES, 0, KSPROPERTY_TYPE_GET, false },
		{ &set_topology, KSPROPERTY_TOPOLOGY_NODES, 0, KSPROPERTY_TYPE_GET, false },
		{ &set_topology, KSPROPERTY_TOPOLOGY_CONNECTIONS, 0, KSPROPERTY_TYPE_GET, false },
		{ &set_topology, KSPROPERTY_TOPOLOGY_NAME, 0, KSPROPERTY_TYPE_GET, false },
		{ &set_conn, KSPROPERTY_CONNECTION_STATE, KS_VT_UI4,
		  KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET, true },
		{ &set_conn, KSPROPERTY_CONNECTION_DATAFORMAT, 0,
		  KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET, true },
		{ &set_audio, KSPROPERTY_AUDIO_POSITION, 0,
		  KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET, true },
	};
	struct ks_property_description d;
	uint32_t inst[2] = { 0, 0 }, got, i;

	ASSERT_LE(0, loop_pin(self, false));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int fd = want[i].pin_fd ? self->pin : self->filter;

		memset(&d, PAT, sizeof(d));
		ASSERT_EQ(0, ks_property(fd, want[i].set, want[i].id,
					 KSPROPERTY_TYPE_BASICSUPPORT, inst,
					 sizeof(inst), &d, sizeof(d), &got))
			TH_LOG("item %u", i);
		EXPECT_EQ(DESC_SIZE, got);
		EXPECT_EQ(want[i].access, d.access_flags) TH_LOG("item %u", i);
		EXPECT_EQ(DESC_SIZE, d.description_size);
		EXPECT_TRUE(ks_guid_eq(&d.prop_type_set.set,
				       want[i].vt ? &type_general : &guid_null))
			TH_LOG("item %u", i);
		EXPECT_EQ(want[i].vt, d.prop_type_set.id) TH_LOG("item %u", i);
		EXPECT_EQ(0u, d.prop_type_set.flags);
		EXPECT_EQ(0u, d.members_list_count);
		EXPECT_EQ(0u, d.reserved);
	}
}

/* ---- KSPROPERTY_AUDIO_POSITION ---- */

/*
 * On a pin, KSPROPSETID_Audio POSITION answers what KSFILTER_STREAM
 * POSITION does, with the same errors.
 */
TEST_F(loop, audio_position_same_as_stream_position)
{
	struct ks_audio_position a, s;
	uint32_t state = KSSTATE_PAUSE, got_a, got_s;
	int ra, rs;

	ASSERT_LE(0, loop_pin(self, true));
	/* In STOP: both refuse alike. */
	ra = ks_property(self->pin, &set_audio, KSPROPERTY_AUDIO_POSITION,
			 KSPROPERTY_TYPE_GET, NULL, 0, &a, sizeof(a), &got_a);
	rs = ks_property(self->pin, &set_stream, KSPROPERTY_KSFILTER_STREAM_POSITION,
			 KSPROPERTY_TYPE_GET, NULL, 0, &s, sizeof(s), &got_s);
	EXPECT_EQ(rs, ra);
	ASSERT_EQ(0, ks_property(self->pin, &set_conn,
				 KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_SET,
				 NULL, 0, &state, sizeof(state), NULL));
	memset(&a, PAT, sizeof(a));
	memset(&s, 0x5A, sizeof(s));
	ASSERT_EQ(0, ks_property(self->pin, &set_audio,
				 KSPROPERTY_AUDIO_POSITION, KSPROPERTY_TYPE_GET,
				 NULL, 0, &a, sizeof(a), &got_a));
	ASSERT_EQ(0, ks_property(self->pin, &set_stream,
				 KSPROPERTY_KSFILTER_STREAM_POSITION, KSPROPERTY_TYPE_GET,
				 NULL, 0, &s, sizeof(s), &got_s));
	EXPECT_EQ(sizeof(a), got_a);
	EXPECT_EQ(got_s, got_a);
	EXPECT_EQ(0, memcmp(&a, &s, sizeof(a)));
	/* A short out: EOVERFLOW with the same size needed. */
	EXPECT_EQ(-EOVERFLOW, ks_property(self->pin, &set_audio,
					  KSPROPERTY_AUDIO_POSITION,
					  KSPROPERTY_TYPE_GET, NULL, 0, &a, 8,
					  &got_a));
	EXPECT_EQ(sizeof(a), got_a);
	/* Not a filter property. */
	EXPECT_EQ(-ENOENT, ks_property(self->filter, &set_audio,
				       KSPROPERTY_AUDIO_POSITION,
				       KSPROPERTY_TYPE_GET, NULL, 0, &a,
				       sizeof(a), &got_a));
	state = KSSTATE_STOP;
	EXPECT_EQ(0, ks_property(self->pin, &set_conn,
				 KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_SET,
				 NULL, 0, &state, sizeof(state), NULL));
}

/* ---- ks-gain's VOLUME node ---- */

/*
 * The parent notes whether ks-gain was loaded; the test children load it
 * (filters=2, as the chain tests want it) and the parent unloads it at
 * its exit if it was not.
 */
static pid_t harness_pid;
static bool gain_was_absent;

__attribute__((constructor)) static void note_modules(void)
{
	harness_pid = getpid();
	gain_was_absent = access("/sys/module/" GAIN_MODNAME, F_OK) != 0;
}

__attribute__((destructor)) static void unload_modules(void)
{
	if (getpid() == harness_pid && gain_was_absent)
		unload_module_wait(GAIN_MODNAME);
}

FIXTURE(gain) {
	int filter;
	int pin;
	long percent;
	int32_t saved[GAIN_CHANNELS];
	bool have_saved;
};

FIXTURE_SETUP(gain)
{
	int idx, ch;

	self->filter = self->pin = -1;
	self->have_saved = false;
	idx = chain_index(GAIN_NAME, "ks-gain.ko", "filters=2");
	ASSERT_SAMPLE(idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->percent = read_number(GAIN_PERCENT);
	/* The values to put back (none until ks-gain has its node). */
	for (ch = 0; ch < GAIN_CHANNELS; ch++) {
		if (vol_get(self->filter, GAIN_NODE, ch, &self->saved[ch]))
			return;
	}
	self->have_saved = true;
}

FIXTURE_TEARDOWN(gain)
{
	char buf[32];
	int ch;

	if (self->have_saved) {
		for (ch = 0; ch < GAIN_CHANNELS; ch++)
			EXPECT_EQ(0, vol_set(self->filter, GAIN_NODE, ch,
					     self->saved[ch]));
	}
	if (self->percent >= 0 && read_number(GAIN_PERCENT) != self->percent) {
		snprintf(buf, sizeof(buf), "%ld", self->percent);
		write_file(GAIN_PERCENT, buf);
	}
	close_fd(&self->pin);
	close_fd(&self->filter);
}

TEST_F(gain, nodes_one_volume)
{
	struct {
		struct ks_multiple_item mi;
		struct ks_guid types[2];
	} out;
	uint32_t got, size;

	EXPECT_EQ(-EOVERFLOW, topo_get(self->filter, KSPROPERTY_TOPOLOGY_NODES,
				       NULL, 0, &got));
	EXPECT_EQ(8u + 16u, got);
	EXPECT_EQ(0, topo_get(self->filter, KSPROPERTY_TOPOLOGY_NODES, &size,
			      4, &got));
	EXPECT_EQ(4u, got);
	EXPECT_EQ(24u, size);
	EXPECT_EQ(0, topo_get(self->filter, KSPROPERTY_TOPOLOGY_NODES, &out,
			      8, &got));
	EXPECT_EQ(8u, got);
	EXPECT_EQ(1u, out.mi.count);
	/* 9 to 23 bytes: too small for the list, the size needed. */
	EXPECT_EQ(-EOVERFLOW, topo_get(self->filter, KSPROPERTY_TOPOLOGY_NODES,
				       &out, 12, &got));
	EXPECT_EQ(24u, got);
	memset(&out, PAT, sizeof(out));
	ASSERT_EQ(0, topo_get(self->filter, KSPROPERTY_TOPOLOGY_NODES, &out,
			      sizeof(out), &got));
	EXPECT_EQ(24u, got);
	EXPECT_EQ(24u, out.mi.size);
	EXPECT_EQ(1u, out.mi.count);
	EXPECT_TRUE(ks_guid_eq(&out.types[0], &type_volume));
	EXPECT_TRUE(untouched(&out, 24, sizeof(out)));
}

TEST_F(gain, connections_in_volume_out)
{
	struct {
		struct ks_multiple_item mi;
		struct ks_topology_connection c[3];
	} out;
	uint32_t got, size;

	EXPECT_EQ(-EOVERFLOW, topo_get(self->filter,
				       KSPROPERTY_TOPOLOGY_CONNECTIONS, NULL, 0,
				       &got));
	EXPECT_EQ(8u + 32u, got);
	EXPECT_EQ(0, topo_get(self->filter, KSPROPERTY_TOPOLOGY_CONNECTIONS,
			      &size, 4, &got));
	EXPECT_EQ(40u, size);
	EXPECT_EQ(-EOVERFLOW, topo_get(self->filter,
				       KSPROPERTY_TOPOLOGY_CONNECTIONS, &out,
				       39, &got));
	EXPECT_EQ(40u, got);
	memset(&out, PAT, sizeof(out));
	ASSERT_EQ(0, topo_get(self->filter, KSPROPERTY_TOPOLOGY_CONNECTIONS,
			      &out, sizeof(out), &got));
	EXPECT_EQ(40u, got);
	EXPECT_EQ(40u, out.mi.size);
	EXPECT_EQ(2u, out.mi.count);
	EXPECT_EQ(KSFILTER_NODE, out.c[0].from_node);
	EXPECT_EQ((uint32_t)GAIN_PIN_IN, out.c[0].from_node_pin);
	EXPECT_EQ((uint32_t)GAIN_NODE, out.c[0].to_node);
	EXPECT_EQ(1u, out.c[0].to_node_pin);
	EXPECT_EQ((uint32_t)GAIN_NODE, out.c[1].from_node);
	EXPECT_EQ(0u, out.c[1].from_node_pin);
	EXPECT_EQ(KSFILTER_NODE, out.c[1].to_node);
	EXPECT_EQ((uint32_t)GAIN_PIN_OUT, out.c[1].to_node_pin);
	EXPECT_TRUE(untouched(&out, 40, sizeof(out)));
}

/* NAME: "Volume" in UTF-16LE with its terminator; node 1 is EINVAL. */
TEST_F(gain, node_name_utf16le_and_beyond_einval)
{
	static const char want[] = "Volume";
	uint16_t out[16];
	uint32_t got, i;

	EXPECT_EQ(-EOVERFLOW, node_name(self->filter, GAIN_NODE, NULL, 0, &got));
	EXPECT_EQ(sizeof(want) * 2, got);
	memset(out, PAT, sizeof(out));
	ASSERT_EQ(0, node_name(self->filter, GAIN_NODE, out, sizeof(out), &got));
	EXPECT_EQ(sizeof(want) * 2, got);
	for (i = 0; i < sizeof(want); i++)
		EXPECT_EQ((uint16_t)want[i], le16toh(out[i])) TH_LOG("char %u", i);
	EXPECT_TRUE(untouched(out, sizeof(want) * 2, sizeof(out)));
	EXPECT_EQ(-EINVAL, node_name(self->filter, 1, out, sizeof(out), &got));
	EXPECT_EQ(-EINVAL, node_name(self->filter, 0xFFFFFFFF, out,
				     sizeof(out), &got));
	/* A KSP_NODE is needed: a bare KSPROPERTY is EINVAL. */
	EXPECT_EQ(-EINVAL, node_prop(self->filter, &set_topology,
				     KSPROPERTY_TOPOLOGY_NAME,
				     KSPROPERTY_TYPE_GET, GAIN_NODE, 0, 24,
				     out, sizeof(out), &got));
}

/* GET of every channel: in range; channel 8 is EINVAL; 0xFFFFFFFF is 0's. */
TEST_F(gain, volume_get_channels)
{
	int32_t v, first;
	int ch;

	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 0, &first));
	for (ch = 0; ch < GAIN_CHANNELS; ch++) {
		ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ch, &v));
		EXPECT_LE(GAIN_MIN, v);
		EXPECT_GE(GAIN_MAX, v);
	}
	EXPECT_EQ(-EINVAL, vol_get(self->filter, GAIN_NODE, GAIN_CHANNELS, &v));
	EXPECT_EQ(-EINVAL, vol_get(self->filter, GAIN_NODE, 0x7FFFFFFF, &v));
	EXPECT_EQ(-EINVAL, vol_get(self->filter, GAIN_NODE, -2, &v));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ALL_CHANNELS, &v));
	EXPECT_EQ(first, v);
}

/* SET within range, then outside it: clamped to +12 dB and -96 dB. */
TEST_F(gain, volume_set_clamps_to_range)
{
	int32_t v;

	ASSERT_EQ(0, vol_set(self->filter, GAIN_NODE, 3, DB(-6)));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 3, &v));
	EXPECT_EQ(DB(-6), v);
	ASSERT_EQ(0, vol_set(self->filter, GAIN_NODE, 3, 12345));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 3, &v));
	EXPECT_EQ(12345, v);	/* step 1: kept as is */
	EXPECT_EQ(0, vol_set(self->filter, GAIN_NODE, 3, DB(20)));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 3, &v));
	EXPECT_EQ(GAIN_MAX, v);
	EXPECT_EQ(0, vol_set(self->filter, GAIN_NODE, 3, DB(-200)));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 3, &v));
	EXPECT_EQ(GAIN_MIN, v);
	EXPECT_EQ(0, vol_set(self->filter, GAIN_NODE, 3, INT32_MAX));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 3, &v));
	EXPECT_EQ(GAIN_MAX, v);
	EXPECT_EQ(0, vol_set(self->filter, GAIN_NODE, 3, INT32_MIN));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 3, &v));
	EXPECT_EQ(GAIN_MIN, v);
}

/* Channel 8 and beyond: EINVAL, nothing changes. */
TEST_F(gain, volume_set_channel_beyond_einval)
{
	int32_t before[GAIN_CHANNELS], v;
	int ch;

	for (ch = 0; ch < GAIN_CHANNELS; ch++)
		ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ch, &before[ch]));
	EXPECT_EQ(-EINVAL, vol_set(self->filter, GAIN_NODE, GAIN_CHANNELS,
				   DB(-10)));
	EXPECT_EQ(-EINVAL, vol_set(self->filter, GAIN_NODE, 32, DB(-10)));
	EXPECT_EQ(-EINVAL, vol_set(self->filter, GAIN_NODE, -2, DB(-10)));
	for (ch = 0; ch < GAIN_CHANNELS; ch++) {
		ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ch, &v));
		EXPECT_EQ(before[ch], v) TH_LOG("channel %d", ch);
	}
}

/* Channel 0xFFFFFFFF sets all 8; a single channel then sets only itself. */
TEST_F(gain, volume_set_all_channels)
{
	int32_t v;
	int ch;

	ASSERT_EQ(0, vol_set(self->filter, GAIN_NODE, ALL_CHANNELS, DB(-20)));
	for (ch = 0; ch < GAIN_CHANNELS; ch++) {
		ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ch, &v));
		EXPECT_EQ(DB(-20), v) TH_LOG("channel %d", ch);
	}
	ASSERT_EQ(0, vol_set(self->filter, GAIN_NODE, 5, DB(3)));
	for (ch = 0; ch < GAIN_CHANNELS; ch++) {
		ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ch, &v));
		EXPECT_EQ(ch == 5 ? DB(3) : DB(-20), v) TH_LOG("channel %d", ch);
	}
	/* All channels, out of range: every one clamped. */
	ASSERT_EQ(0, vol_set(self->filter, GAIN_NODE, ALL_CHANNELS, DB(50)));
	for (ch = 0; ch < GAIN_CHANNELS; ch++) {
		ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ch, &v));
		EXPECT_EQ(GAIN_MAX, v) TH_LOG("channel %d", ch);
	}
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, ALL_CHANNELS, &v));
	EXPECT_EQ(GAIN_MAX, v);
}

/* VOLUMELEVEL needs a KSNODEPROPERTY_AUDIO_CHANNEL: 32..39 bytes EINVAL. */
TEST_F(gain, volume_in_shorter_than_audio_channel_einval)
{
	int32_t v = DB(-1);
	uint32_t got, size;

	for (size = NODE_IN; size < FULL_IN; size += 4) {
		EXPECT_EQ(-EINVAL, node_prop(self->filter, &set_audio,
					     KSPROPERTY_AUDIO_VOLUMELEVEL,
					     KSPROPERTY_TYPE_GET |
					     KSPROPERTY_TYPE_TOPOLOGY, GAIN_NODE,
					     0, size, &v, sizeof(v), &got))
			TH_LOG("GET in %u", size);
		EXPECT_EQ(-EINVAL, node_prop(self->filter, &set_audio,
					     KSPROPERTY_AUDIO_VOLUMELEVEL,
					     KSPROPERTY_TYPE_SET |
					     KSPROPERTY_TYPE_TOPOLOGY, GAIN_NODE,
					     0, size, &v, sizeof(v), &got))
			TH_LOG("SET in %u", size);
	}
	EXPECT_EQ(0, vol_get(self->filter, GAIN_NODE, 0, &v));
	/* A GET's out shorter than the value: EOVERFLOW, 4 needed. */
	EXPECT_EQ(-EOVERFLOW, node_prop(self->filter, &set_audio,
					KSPROPERTY_AUDIO_VOLUMELEVEL,
					KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
					GAIN_NODE, 0, FULL_IN, &v, 2, &got));
	EXPECT_EQ(4u, got);
}

/* Controls the VOLUME node does not have: ENOENT; no node 1: EINVAL. */
TEST_F(gain, control_not_on_node_enoent_node_beyond_einval)
{
	int32_t v;
	uint32_t got;

	EXPECT_EQ(-ENOENT, node_prop(self->filter, &set_audio,
				     KSPROPERTY_AUDIO_MUTE,
				     KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
				     GAIN_NODE, 0, FULL_IN, &v, sizeof(v), &got));
	EXPECT_EQ(-ENOENT, node_prop(self->filter, &set_audio,
				     KSPROPERTY_AUDIO_MUX_SOURCE,
				     KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
				     GAIN_NODE, 0, NODE_IN, &v, sizeof(v), &got));
	v = 1;
	EXPECT_EQ(-ENOENT, node_prop(self->filter, &set_audio,
				     KSPROPERTY_AUDIO_MUTE,
				     KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_TOPOLOGY,
				     GAIN_NODE, 0, FULL_IN, &v, sizeof(v), &got));
	EXPECT_EQ(-ENOENT, node_prop(self->filter, &set_audio,
				     KSPROPERTY_AUDIO_MUTE,
				     KSPROPERTY_TYPE_BASICSUPPORT |
				     KSPROPERTY_TYPE_TOPOLOGY, GAIN_NODE, 0,
				     FULL_IN, NULL, 0, &got));
	EXPECT_EQ(-ENOENT, node_prop(self->filter, &set_audio, 99,
				     KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
				     GAIN_NODE, 0, FULL_IN, &v, sizeof(v), &got));
	EXPECT_EQ(-EINVAL, vol_get(self->filter, 1, 0, &v));
	EXPECT_EQ(-EINVAL, vol_set(self->filter, 1, 0, 0));
	EXPECT_EQ(-EINVAL, vol_get(self->filter, KSFILTER_NODE, 0, &v));
}

/*
 * The node answers on a pin fd of its filter too, with the same values: a
 * SET through the pin is read through the filter.
 */
TEST_F(gain, node_properties_on_pin_fd)
{
	struct ks_req r;
	uint32_t size = req_audio(&r, GAIN_PIN_OUT, KS_SAMPLE_PCM, 48000, 2, 16);
	int32_t v;

	self->pin = ks_create(self->filter, &r, size, KS_GENERIC_READ, 0, NULL);
	ASSERT_LE(0, self->pin) TH_LOG("Out pin: %s", strerror(-self->pin));
	ASSERT_EQ(0, vol_set(self->pin, GAIN_NODE, 2, DB(-30)));
	ASSERT_EQ(0, vol_get(self->filter, GAIN_NODE, 2, &v));
	EXPECT_EQ(DB(-30), v);
	ASSERT_EQ(0, vol_get(self->pin, GAIN_NODE, 2, &v));
	EXPECT_EQ(DB(-30), v);
	EXPECT_EQ(-EINVAL, vol_get(self->pin, GAIN_NODE, GAIN_CHANNELS, &v));
	EXPECT_EQ(-EINVAL, vol_get(self->pin, 1, 0, &v));
}

/*
 * BASICSUPPORT of the volume: 0-3 bytes EOVERFLOW with 184; 4 the access
 * flags; 40, 56 and 72 the description alone; 184 all of it.
 */
TEST_F(gain, volume_basicsupport_at_every_size)
{
	static const uint32_t part[] = { 40, 56, 72, GAIN_DESC_SIZE - 1 };
	struct {
		struct ks_property_description d;
		struct ks_property_membersheader h;
		struct ks_property_stepping_long r[GAIN_CHANNELS];
		unsigned char after[16];
	} out;
	uint32_t got, size, i, flags;

	flags = KSPROPERTY_TYPE_BASICSUPPORT | KSPROPERTY_TYPE_TOPOLOGY;
	for (size = 0; size < 4; size++) {
		EXPECT_EQ(-EOVERFLOW, node_prop(self->filter, &set_audio,
						KSPROPERTY_AUDIO_VOLUMELEVEL,
						flags, GAIN_NODE, 0, FULL_IN,
						&out, size, &got));
		EXPECT_EQ(GAIN_DESC_SIZE, got) TH_LOG("out %u", size);
	}
	/* Only the KSP_NODE is read: a 32-byte `in` will do. */
	memset(&out, PAT, sizeof(out));
	ASSERT_EQ(0, node_prop(self->filter, &set_audio,
			       KSPROPERTY_AUDIO_VOLUMELEVEL, flags, GAIN_NODE,
			       0, NODE_IN, &out, 4, &got));
	EXPECT_EQ(4u, got);
	EXPECT_EQ((uint32_t)NODE_ACCESS, out.d.access_flags);
	EXPECT_TRUE(untouched(&out, 4, sizeof(out)));
	memset(&out, PAT, sizeof(out));
	ASSERT_EQ(0, node_prop(self->filter, &set_audio,
			       KSPROPERTY_AUDIO_VOLUMELEVEL, flags, GAIN_NODE,
			       0, FULL_IN, &out, 39, &got));
	EXPECT_EQ(4u, got);
	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		memset(&out, PAT, sizeof(out));
		ASSERT_EQ(0, node_prop(self->filter, &set_audio,
				       KSPROPERTY_AUDIO_VOLUMELEVEL, flags,
				       GAIN_NODE, 0, FULL_IN, &out, part[i],
				       &got));
		EXPECT_EQ(DESC_SIZE, got) TH_LOG("out %u", part[i]);
		EXPECT_EQ(GAIN_DESC_SIZE, out.d.description_size);
		EXPECT_EQ(1u, out.d.members_list_count);
		EXPECT_TRUE(untouched(&out, DESC_SIZE, sizeof(out)));
	}
	memset(&out, PAT, sizeof(out));
	ASSERT_EQ(0, node_prop(self->filter, &set_audio,
			       KSPROPERTY_AUDIO_VOLUMELEVEL, flags, GAIN_NODE,
			       0, FULL_IN, &out, sizeof(out), &got));
	EXPECT_EQ(GAIN_DESC_SIZE, got);
	EXPECT_EQ((uint32_t)NODE_ACCESS, out.d.access_flags);
	EXPECT_EQ(GAIN_DESC_SIZE, out.d.description_size);
	EXPECT_TRUE(ks_guid_eq(&out.d.prop_type_set.set, &type_general));
	EXPECT_EQ((uint32_t)KS_VT_I4, out.d.prop_type_set.id);
	EXPECT_EQ(0u, out.d.prop_type_set.flags);
	EXPECT_EQ(1u, out.d.members_list_count);
	EXPECT_EQ(0u, out.d.reserved);
	EXPECT_EQ((uint32_t)KSPROPERTY_MEMBER_STEPPEDRANGES,
		  out.h.members_flags);
	EXPECT_EQ(16u, out.h.members_size);
	EXPECT_EQ((uint32_t)GAIN_CHANNELS, out.h.members_count);
	EXPECT_EQ((uint32_t)KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL,
		  out.h.flags);
	for (i = 0; i < GAIN_CHANNELS; i++) {
		EXPECT_EQ(1u, out.r[i].stepping_delta) TH_LOG("channel %u", i);
		EXPECT_EQ(0u, out.r[i].reserved);
		EXPECT_EQ(GAIN_MIN, out.r[i].bounds.signed_minimum);
		EXPECT_EQ(GAIN_MAX, out.r[i].bounds.signed_maximum);
	}
	EXPECT_TRUE(untouched(&out, GAIN_DESC_SIZE, sizeof(out)));
	/* Exactly the whole size. */
	memset(&out, PAT, sizeof(out));
	ASSERT_EQ(0, node_prop(self->filter, &set_audio,
			       KSPROPERTY_AUDIO_VOLUMELEVEL, flags, GAIN_NODE,
			       0, FULL_IN, &out, GAIN_DESC_SIZE, &got));
	EXPECT_EQ(GAIN_DESC_SIZE, got);
	EXPECT_TRUE(untouched(&out, GAIN_DESC_SIZE, sizeof(out)));
}

TEST_HARNESS_MAIN
