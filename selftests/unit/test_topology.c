// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of module/topology.c: what ks_check_topology() accepts
 * and each rule it refuses a descriptor for (its nodes' events among
 * them), where a node's values lie in
 * the filter's array (ks_topology_values(), ks_node_first_value(),
 * ks_node_find_control()), what a SET keeps (ks_control_normalize():
 * rounding half away from zero, clamping, MUTE, MUX_SOURCE) and the
 * BASICSUPPORT description (ks_describe()) byte by byte.
 */
#include <string.h>

#include "tap.h"
#include "topology.h"

#define DB(x)		((s32)((x) * 65536))
#define PAT		0xA5

static const struct ks_guid type_volume = KSNODETYPE_VOLUME;
static const struct ks_guid type_mux = KSNODETYPE_MUX;
static const struct ks_guid type_sum = KSNODETYPE_SUM;
static const struct ks_guid general = KSPROPTYPESETID_GENERAL;

/*
 * A valid topology, copied into writable tables by setup() so that each
 * case breaks one thing:
 *	pin 0 -> node 0 (VOLUME: volume 2 ch step 0.5 dB, mute 2 ch)
 *	      -> node 1 (MUX of 3 inputs) -> node 2 (SUM, no controls)
 *	      -> pin 1
 */
static const struct ks_node_control volume_controls[] = {
	KS_VOLUME_CONTROL(2, DB(-96), DB(12), 32768, 0),
	KS_MUTE_CONTROL(2, 0),
};
static const struct ks_node_control mux_controls[] = {
	KS_MUX_CONTROL(3, 1),
};

static struct ks_node_control vol_c[2], mux_c[1];
static struct ks_node_descriptor nodes[3];
static struct ks_topology_connection conns[4];
static struct ks_filter_descriptor desc;

static void setup(void)
{
	static const struct ks_topology_connection valid_conns[] = {
		{ KSFILTER_NODE, 0, 0, 1 },
		{ 0, 0, 1, 1 },
		{ 1, 0, 2, 1 },
		{ 2, 0, KSFILTER_NODE, 1 },
	};

	memcpy(vol_c, volume_controls, sizeof(vol_c));
	memcpy(mux_c, mux_controls, sizeof(mux_c));
	memset(nodes, 0, sizeof(nodes));
	nodes[0].type = &type_volume;
	nodes[0].name = "Volume";
	nodes[0].controls = vol_c;
	nodes[0].controls_count = 2;
	nodes[1].type = &type_mux;
	nodes[1].controls = mux_c;
	nodes[1].controls_count = 1;
	nodes[2].type = &type_sum;
	memcpy(conns, valid_conns, sizeof(conns));
	memset(&desc, 0, sizeof(desc));
	desc.name = "unit";
	desc.pins_count = 2;
	desc.nodes = nodes;
	desc.nodes_count = 3;
	desc.connections = conns;
	desc.connections_count = 4;
}

/* Run @stmt on a fresh valid descriptor and expect @want from the check. */
#define EXPECT_TOPOLOGY(stmt, want)					\
	do {								\
		setup();						\
		stmt;							\
		EXPECT_EQ(ks_check_topology(&desc), want);		\
	} while (0)

static void check_valid(void)
{
	EXPECT_TOPOLOGY((void)0, 0);
	/* No nodes and no connections at all: every other filter. */
	EXPECT_TOPOLOGY((desc.nodes = NULL, desc.nodes_count = 0,
			 desc.connections = NULL, desc.connections_count = 0), 0);
	/* Nodes without connections, and a pin-to-pin connection. */
	EXPECT_TOPOLOGY(desc.connections_count = 0, 0);
	EXPECT_TOPOLOGY((conns[0].to_node = KSFILTER_NODE), 0);
	/* The extremes of each rule, still valid. */
	EXPECT_TOPOLOGY(vol_c[0].channels = KS_NODE_CHANNELS_MAX, 0);
	EXPECT_TOPOLOGY(vol_c[0].minimum = vol_c[0].maximum = 0, 0);
	EXPECT_TOPOLOGY(vol_c[0].initial = DB(12), 0);
	EXPECT_TOPOLOGY(vol_c[0].initial = DB(-96), 0);
	EXPECT_TOPOLOGY(vol_c[0].step = 0xFFFFFFFF, 0);
	EXPECT_TOPOLOGY(vol_c[1].initial = 1, 0);
	EXPECT_TOPOLOGY((mux_c[0].maximum = 0, mux_c[0].initial = 0), 0);
	EXPECT_TOPOLOGY(mux_c[0].initial = 2, 0);
	/* One control of each id on one node. */
	EXPECT_TOPOLOGY((nodes[0].controls = (const void *)(struct ks_node_control[]) {
				KS_VOLUME_CONTROL(1, 0, 0, 1, 0),
				KS_MUTE_CONTROL(1, 0),
				KS_MUX_CONTROL(2, 0) },
			 nodes[0].controls_count = 3), 0);
}

static void check_node_without_type(void)
{
	EXPECT_TOPOLOGY(nodes[0].type = NULL, -EINVAL);
	EXPECT_TOPOLOGY(nodes[2].type = NULL, -EINVAL);
}

static void check_nodes_null(void)
{
	EXPECT_TOPOLOGY(desc.nodes = NULL, -EINVAL);
	EXPECT_TOPOLOGY(desc.connections = NULL, -EINVAL);
	EXPECT_TOPOLOGY(nodes[1].controls = NULL, -EINVAL);
	/* A count of 0 needs no table. */
	EXPECT_TOPOLOGY((nodes[1].controls = NULL,
			 nodes[1].controls_count = 0), 0);
}

static void check_name_length(void)
{
	static char name[KS_NODE_NAME_MAX + 1];

	memset(name, 'n', KS_NODE_NAME_MAX);
	name[KS_NODE_NAME_MAX - 1] = '\0';
	EXPECT_TOPOLOGY(nodes[1].name = name, 0);
	name[KS_NODE_NAME_MAX - 1] = 'n';
	name[KS_NODE_NAME_MAX] = '\0';
	EXPECT_TOPOLOGY(nodes[1].name = name, -EINVAL);
}

static void check_channels(void)
{
	EXPECT_TOPOLOGY(vol_c[0].channels = 0, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[1].channels = 0, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[0].channels = KS_NODE_CHANNELS_MAX + 1, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[1].channels = 0xFFFFFFFF, -EINVAL);
}

static void check_range(void)
{
	EXPECT_TOPOLOGY((vol_c[0].minimum = 1, vol_c[0].maximum = 0,
			 vol_c[0].initial = 0), -EINVAL);
	EXPECT_TOPOLOGY(vol_c[0].step = 0, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[0].initial = DB(12) + 1, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[0].initial = DB(-96) - 1, -EINVAL);
	EXPECT_TOPOLOGY(mux_c[0].initial = 3, -EINVAL);
	EXPECT_TOPOLOGY(mux_c[0].initial = -1, -EINVAL);
}

static void check_mute(void)
{
	EXPECT_TOPOLOGY(vol_c[1].maximum = 2, -EINVAL);
	EXPECT_TOPOLOGY((vol_c[1].minimum = -1, vol_c[1].initial = 0), -EINVAL);
	EXPECT_TOPOLOGY(vol_c[1].maximum = 0, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[1].step = 2, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[1].initial = 2, -EINVAL);
}

static void check_mux(void)
{
	EXPECT_TOPOLOGY(mux_c[0].channels = 2, -EINVAL);
	EXPECT_TOPOLOGY(mux_c[0].channels = 0, -EINVAL);
	EXPECT_TOPOLOGY((mux_c[0].minimum = -1, mux_c[0].initial = 0), -EINVAL);
	EXPECT_TOPOLOGY((mux_c[0].minimum = 1, mux_c[0].initial = 1), -EINVAL);
	EXPECT_TOPOLOGY(mux_c[0].step = 2, -EINVAL);
}

static void check_control_ids(void)
{
	/* Two controls of one id on a node. */
	EXPECT_TOPOLOGY(vol_c[1] = vol_c[0], -EINVAL);
	EXPECT_TOPOLOGY((vol_c[1].id = KSPROPERTY_AUDIO_VOLUMELEVEL,
			 vol_c[1].maximum = 1), -EINVAL);
	/* The same id on two nodes is fine. */
	EXPECT_TOPOLOGY(mux_c[0] = vol_c[1], 0);
	/* Ids that are not node controls. */
	EXPECT_TOPOLOGY(vol_c[0].id = 0, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[0].id = KSPROPERTY_AUDIO_POSITION, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[0].id = KSPROPERTY_AUDIO_CHANNEL_CONFIG, -EINVAL);
	EXPECT_TOPOLOGY(vol_c[1].id = 0xFFFFFFFF, -EINVAL);
}

static void check_events(void)
{
	static const struct ks_guid change = KSEVENTSETID_AUDIOCONTROLCHANGE;
	static const struct ks_identifier offered[] = {
		KS_CONTROL_CHANGE_EVENT,
		{ .set = KSEVENTSETID_AUDIOCONTROLCHANGE, .id = 1 },
		{ .set = KSEVENTSETID_CONNECTION, .id = 0 },
	};
	struct ks_identifier twice[2] = { KS_CONTROL_CHANGE_EVENT,
					  KS_CONTROL_CHANGE_EVENT };

	EXPECT(!memcmp(&offered[0].set, &change, sizeof(change)));
	EXPECT_EQ(offered[0].id, (u32)KSEVENT_CONTROL_CHANGE);
	/* Any {set, id}, each once, on any node, controls or not. */
	EXPECT_TOPOLOGY((nodes[0].events = offered,
			 nodes[0].events_count = 3), 0);
	EXPECT_TOPOLOGY((nodes[2].events = offered,
			 nodes[2].events_count = 1,
			 nodes[1].events = offered,
			 nodes[1].events_count = 1), 0);
	EXPECT_TOPOLOGY((nodes[0].events = twice,
			 nodes[0].events_count = 2), -EINVAL);
	/* Flags are not part of an event's name. */
	twice[1].flags = 1;
	EXPECT_TOPOLOGY((nodes[0].events = twice,
			 nodes[0].events_count = 2), -EINVAL);
	EXPECT_TOPOLOGY(nodes[1].events_count = 1, -EINVAL);
	EXPECT_TOPOLOGY((nodes[1].events = offered,
			 nodes[1].events_count = 0), 0);
}

static void check_connection_ends(void)
{
	EXPECT_TOPOLOGY(conns[1].to_node = 3, -EINVAL);
	EXPECT_TOPOLOGY(conns[1].from_node = 3, -EINVAL);
	EXPECT_TOPOLOGY(conns[2].to_node = 0xFFFFFFFE, -EINVAL);
	/* A filter pin the filter does not have. */
	EXPECT_TOPOLOGY(conns[0].from_node_pin = 2, -EINVAL);
	EXPECT_TOPOLOGY(conns[3].to_node_pin = 2, -EINVAL);
	EXPECT_TOPOLOGY(conns[3].to_node_pin = 0xFFFFFFFF, -EINVAL);
	/* A node's own pins are the node's business. */
	EXPECT_TOPOLOGY(conns[1].from_node_pin = 77, 0);
	/* No nodes: every node end is beyond them. */
	EXPECT_TOPOLOGY((desc.nodes = NULL, desc.nodes_count = 0), -EINVAL);
	EXPECT_TOPOLOGY((desc.pins_count = 0, desc.connections_count = 1),
			-EINVAL);
}

static void values_and_offsets(void)
{
	const struct ks_node_control *c;
	unsigned int off;

	setup();
	EXPECT_EQ(ks_topology_values(&desc), 5);
	EXPECT_EQ(ks_node_first_value(&desc, 0), 0);
	EXPECT_EQ(ks_node_first_value(&desc, 1), 4);
	EXPECT_EQ(ks_node_first_value(&desc, 2), 5);
	EXPECT_EQ(ks_node_first_value(&desc, 3), 5);
	/* Past the last node it stops at the last. */
	EXPECT_EQ(ks_node_first_value(&desc, 0xFFFFFFFF), 5);

	off = 99;
	c = ks_node_find_control(&nodes[0], KSPROPERTY_AUDIO_VOLUMELEVEL, &off);
	EXPECT(c == &vol_c[0]);
	EXPECT_EQ(off, 0);
	c = ks_node_find_control(&nodes[0], KSPROPERTY_AUDIO_MUTE, &off);
	EXPECT(c == &vol_c[1]);
	EXPECT_EQ(off, 2);
	c = ks_node_find_control(&nodes[0], KSPROPERTY_AUDIO_MUX_SOURCE, &off);
	EXPECT(c == NULL);
	c = ks_node_find_control(&nodes[1], KSPROPERTY_AUDIO_MUX_SOURCE, &off);
	EXPECT(c == &mux_c[0]);
	EXPECT_EQ(off, 0);
	c = ks_node_find_control(&nodes[2], KSPROPERTY_AUDIO_VOLUMELEVEL, &off);
	EXPECT(c == NULL);

	/* A wider first control moves the second's values. */
	vol_c[0].channels = 8;
	c = ks_node_find_control(&nodes[0], KSPROPERTY_AUDIO_MUTE, &off);
	EXPECT_EQ(off, 8);
	EXPECT_EQ(ks_node_first_value(&desc, 1), 10);
	EXPECT_EQ(ks_topology_values(&desc), 11);

	desc.nodes = NULL;
	desc.nodes_count = 0;
	EXPECT_EQ(ks_topology_values(&desc), 0);
	EXPECT_EQ(ks_node_first_value(&desc, 0), 0);
}

static s32 kept_of(const struct ks_node_control *c, s32 value)
{
	s32 kept = 0x5A5A5A5A;

	EXPECT_EQ(ks_control_normalize(c, value, &kept), 0);
	return kept;
}

static void normalize_volume_rounds_half_away_from_zero(void)
{
	const struct ks_node_control c =
		KS_VOLUME_CONTROL(2, DB(-96), DB(12), 32768, 0);

	EXPECT_EQ(kept_of(&c, 0), 0);
	EXPECT_EQ(kept_of(&c, 1), 0);
	EXPECT_EQ(kept_of(&c, 16383), 0);
	EXPECT_EQ(kept_of(&c, 16384), 32768);
	EXPECT_EQ(kept_of(&c, 32768), 32768);
	EXPECT_EQ(kept_of(&c, 49151), 32768);
	EXPECT_EQ(kept_of(&c, 49152), 65536);
	EXPECT_EQ(kept_of(&c, -1), 0);
	EXPECT_EQ(kept_of(&c, -16383), 0);
	EXPECT_EQ(kept_of(&c, -16384), -32768);
	EXPECT_EQ(kept_of(&c, -49152), -65536);
	EXPECT_EQ(kept_of(&c, DB(-6) - 100), DB(-6));
}

static void normalize_volume_clamps(void)
{
	const struct ks_node_control c =
		KS_VOLUME_CONTROL(8, DB(-96), DB(12), 1, 0);
	/* A maximum that is no multiple of the step. */
	const struct ks_node_control odd = KS_VOLUME_CONTROL(1, -100, 100, 64, 0);

	EXPECT_EQ(kept_of(&c, DB(20)), DB(12));
	EXPECT_EQ(kept_of(&c, DB(-200)), DB(-96));
	EXPECT_EQ(kept_of(&c, DB(12)), DB(12));
	EXPECT_EQ(kept_of(&c, DB(-96)), DB(-96));
	EXPECT_EQ(kept_of(&c, 12345), 12345);
	EXPECT_EQ(kept_of(&c, INT32_MAX), DB(12));
	EXPECT_EQ(kept_of(&c, INT32_MIN), DB(-96));

	EXPECT_EQ(kept_of(&odd, 100), 100);	/* rounds to 128, clamped */
	EXPECT_EQ(kept_of(&odd, 95), 64);
	EXPECT_EQ(kept_of(&odd, 96), 100);
	EXPECT_EQ(kept_of(&odd, 31), 0);
	EXPECT_EQ(kept_of(&odd, 32), 64);
	EXPECT_EQ(kept_of(&odd, -96), -100);
	EXPECT_EQ(kept_of(&odd, INT32_MIN), -100);

	/*
	 * The largest step, no overflow: 2^31 - 1 is below half of it, -2^31
	 * above, which rounds to -(2^32 - 1) and clamps.
	 */
	{
		const struct ks_node_control big =
			KS_VOLUME_CONTROL(1, INT32_MIN, INT32_MAX, 0xFFFFFFFF, 0);

		EXPECT_EQ(kept_of(&big, INT32_MAX), 0);
		EXPECT_EQ(kept_of(&big, INT32_MIN), INT32_MIN);
		EXPECT_EQ(kept_of(&big, 1), 0);
	}
}

static void normalize_mute(void)
{
	const struct ks_node_control c = KS_MUTE_CONTROL(2, 0);

	EXPECT_EQ(kept_of(&c, 0), 0);
	EXPECT_EQ(kept_of(&c, 1), 1);
	EXPECT_EQ(kept_of(&c, 2), 1);
	EXPECT_EQ(kept_of(&c, -1), 1);
	EXPECT_EQ(kept_of(&c, INT32_MIN), 1);
	EXPECT_EQ(kept_of(&c, INT32_MAX), 1);
}

static void normalize_mux(void)
{
	const struct ks_node_control c = KS_MUX_CONTROL(3, 0);
	s32 kept;

	EXPECT_EQ(kept_of(&c, 0), 0);
	EXPECT_EQ(kept_of(&c, 1), 1);
	EXPECT_EQ(kept_of(&c, 2), 2);
	EXPECT_EQ(ks_control_normalize(&c, 3, &kept), -EINVAL);
	EXPECT_EQ(ks_control_normalize(&c, -1, &kept), -EINVAL);
	EXPECT_EQ(ks_control_normalize(&c, INT32_MAX, &kept), -EINVAL);
	EXPECT_EQ(ks_control_normalize(&c, INT32_MIN, &kept), -EINVAL);
}

/* The description ks_describe() must write, built field by field. */
struct answer {
	struct ks_property_description d;
	struct ks_property_membersheader h;
	struct ks_property_stepping_long r[KS_NODE_CHANNELS_MAX];
};

static u32 expected(struct answer *a, u32 access, u32 vt,
		    const struct ks_node_control *c)
{
	u32 i, size = sizeof(a->d);

	memset(a, 0, sizeof(*a));
	if (c)
		size += sizeof(a->h) + c->channels * sizeof(a->r[0]);
	a->d.access_flags = access;
	a->d.description_size = size;
	if (vt) {
		a->d.prop_type_set.set = general;
		a->d.prop_type_set.id = vt;
	}
	if (!c)
		return size;
	a->d.members_list_count = 1;
	a->h.members_flags = KSPROPERTY_MEMBER_STEPPEDRANGES;
	a->h.members_size = sizeof(a->r[0]);
	a->h.members_count = c->channels;
	a->h.flags = c->id == KSPROPERTY_AUDIO_MUX_SOURCE ? 0 :
		     KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL;
	for (i = 0; i < c->channels; i++) {
		a->r[i].stepping_delta = c->step;
		a->r[i].bounds.signed_minimum = c->minimum;
		a->r[i].bounds.signed_maximum = c->maximum;
	}
	return size;
}

static bool all_pat(const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != PAT)
			return false;
	}
	return true;
}

/* Every byte of the answer, and nothing written to a buffer too small. */
static void expect_describe(u32 access, u32 vt,
			    const struct ks_node_control *c, u32 full)
{
	static struct answer want;
	static u8 buf[sizeof(struct answer) + 64];
	u32 size;

	EXPECT_EQ(expected(&want, access, vt, c), full);
	EXPECT_EQ(ks_describe(access, vt, c, NULL, 0), full);
	memset(buf, PAT, sizeof(buf));
	EXPECT_EQ(ks_describe(access, vt, c, buf, full - 1), full);
	EXPECT(all_pat(buf, sizeof(buf)));
	for (size = 0; size < full; size += 4) {
		EXPECT_EQ(ks_describe(access, vt, c, buf, size), full);
		if (size < full && !all_pat(buf, sizeof(buf))) {
			tap_fail(__FILE__, __LINE__, "wrote to %u bytes", size);
			break;
		}
	}
	EXPECT_EQ(ks_describe(access, vt, c, buf, full), full);
	EXPECT(!memcmp(buf, &want, full));
	EXPECT(all_pat(buf + full, sizeof(buf) - full));
	/* A larger buffer: the same bytes, nothing after them. */
	memset(buf, PAT, sizeof(buf));
	EXPECT_EQ(ks_describe(access, vt, c, buf, sizeof(buf)), full);
	EXPECT(!memcmp(buf, &want, full));
	EXPECT(all_pat(buf + full, sizeof(buf) - full));
}

#define NODE_ACCESS	(KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | \
			 KSPROPERTY_TYPE_BASICSUPPORT)

static void describe_plain_values(void)
{
	expect_describe(KSPROPERTY_TYPE_GET, KS_VT_UI4, NULL, 40);
	expect_describe(KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET, KS_VT_UI4,
			NULL, 40);
	/* A structure: GUID_NULL and 0. */
	expect_describe(KSPROPERTY_TYPE_GET, 0, NULL, 40);
	expect_describe(0, 0, NULL, 40);
}

static void describe_node_controls(void)
{
	const struct ks_node_control vol1 =
		KS_VOLUME_CONTROL(1, DB(-96), DB(12), 32768, 0);
	const struct ks_node_control vol8 =
		KS_VOLUME_CONTROL(8, DB(-96), DB(12), 1, DB(-6));
	const struct ks_node_control volmax =
		KS_VOLUME_CONTROL(KS_NODE_CHANNELS_MAX, INT32_MIN, INT32_MAX,
				  0xFFFFFFFF, 0);
	const struct ks_node_control mute = KS_MUTE_CONTROL(2, 1);
	const struct ks_node_control mux = KS_MUX_CONTROL(4, 3);

	expect_describe(NODE_ACCESS, KS_VT_I4, &vol1, 72);
	expect_describe(NODE_ACCESS, KS_VT_I4, &vol8, 184);
	expect_describe(NODE_ACCESS, KS_VT_I4, &volmax, 40 + 16 + 16 * 32);
	expect_describe(NODE_ACCESS, KS_VT_BOOL, &mute, 88);
	expect_describe(NODE_ACCESS, KS_VT_UI4, &mux, 72);
}

/* The layout ks_describe() fills, at the offsets a Windows client reads. */
static void describe_offsets(void)
{
	const struct ks_node_control vol = KS_VOLUME_CONTROL(2, -7, 9, 3, 0);
	u8 buf[88];
	u32 v;
	s32 sv;

	memset(buf, PAT, sizeof(buf));
	EXPECT_EQ(ks_describe(NODE_ACCESS, KS_VT_I4, &vol, buf, sizeof(buf)),
		  88);
#define AT(off, want)							\
	do {								\
		memcpy(&v, buf + (off), 4);				\
		EXPECT_EQ(v, want);					\
	} while (0)
	AT(0, NODE_ACCESS);
	AT(4, 88);
	EXPECT(!memcmp(buf + 8, &general, 16));
	AT(24, KS_VT_I4);
	AT(28, 0);		/* the type's flags */
	AT(32, 1);
	AT(36, 0);
	AT(40, KSPROPERTY_MEMBER_STEPPEDRANGES);
	AT(44, 16);
	AT(48, 2);
	AT(52, KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL);
	AT(56, 3);
	AT(60, 0);
	memcpy(&sv, buf + 64, 4);
	EXPECT_EQ(sv, -7);
	AT(68, 9);
	AT(72, 3);
	AT(76, 0);
#undef AT
}

static const struct tap_case cases[] = {
	TAP_CASE(check_valid),
	TAP_CASE(check_node_without_type),
	TAP_CASE(check_nodes_null),
	TAP_CASE(check_name_length),
	TAP_CASE(check_channels),
	TAP_CASE(check_range),
	TAP_CASE(check_mute),
	TAP_CASE(check_mux),
	TAP_CASE(check_control_ids),
	TAP_CASE(check_events),
	TAP_CASE(check_connection_ends),
	TAP_CASE(values_and_offsets),
	TAP_CASE(normalize_volume_rounds_half_away_from_zero),
	TAP_CASE(normalize_volume_clamps),
	TAP_CASE(normalize_mute),
	TAP_CASE(normalize_mux),
	TAP_CASE(describe_plain_values),
	TAP_CASE(describe_node_controls),
	TAP_CASE(describe_offsets),
};

int main(void)
{
	return tap_main(cases, TAP_COUNT(cases));
}
