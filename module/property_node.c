// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the properties of a topology node (KSPROPERTY_TYPE_TOPOLOGY,
 * on filter and pin fds alike): the KSPROPSETID_Audio controls a node
 * declares (struct ks_node_control), whose values node.c keeps.  Handlers
 * for property.c's dispatcher (prop.h), run with the filter entered.
 *
 * As Windows audio drivers answer them: VOLUMELEVEL and MUTE take a
 * KSNODEPROPERTY_AUDIO_CHANNEL and a channel past the node's last fails
 * with EINVAL (clients count channels that way); channel 0xFFFFFFFF sets
 * every channel and reads the first.  A SET of a volume is rounded to the
 * step and clamped to the range, not refused.  BASICSUPPORT describes the
 * value's type and each channel's stepped range, with GET, SET and
 * BASICSUPPORT as the access flags.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>

#include "filter.h"
#include "node.h"
#include "prop.h"

#define NODE_ACCESS	(KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | \
			 KSPROPERTY_TYPE_BASICSUPPORT)

static u32 node_of(const struct ks_prop_call *call)
{
	return ((const struct ks_p_node *)call->prop)->node_id;
}

/* MUX_SOURCE has no channel: a KSNODEPROPERTY is all it reads. */
static u32 channel_of(const struct ks_prop_call *call)
{
	const struct ks_node_property_audio_channel *p = (const void *)call->prop;

	if (call->prop->id == KSPROPERTY_AUDIO_MUX_SOURCE)
		return 0;
	return (u32)p->channel;
}

static int get_control(struct ks_prop_call *call)
{
	s32 value;
	int ret;

	ret = ks_node_get(call->filter, node_of(call), call->prop->id,
			  channel_of(call), &value);
	return ret ? ret : ks_value_u32(call, (u32)value);
}

static int set_control(struct ks_prop_call *call)
{
	s32 value;

	memcpy(&value, call->set_value, sizeof(value));
	return ks_node_set(call->filter, node_of(call), call->prop->id,
			   channel_of(call), value);
}

static int describe_control(struct ks_prop_call *call)
{
	const struct ks_node_control *c;
	u32 vt;
	int err;

	c = ks_node_control(call->filter, node_of(call), call->prop->id, &err);
	if (!c)
		return err;
	switch (c->id) {
	case KSPROPERTY_AUDIO_VOLUMELEVEL:
		vt = KS_VT_I4;
		break;
	case KSPROPERTY_AUDIO_MUTE:
		vt = KS_VT_BOOL;
		break;
	default:
		vt = KS_VT_UI4;
		break;
	}
	return ks_value_describe(call, NODE_ACCESS, vt, c);
}

#define NODE_CONTROL(_id, _in)						\
	{ .id = (_id), .in_size = (_in), .set_size = sizeof(s32),	\
	  .get = get_control, .set = set_control,			\
	  .describe = describe_control }

static const struct ks_prop_item audio_items[] = {
	NODE_CONTROL(KSPROPERTY_AUDIO_VOLUMELEVEL,
		     sizeof(struct ks_node_property_audio_channel)),
	NODE_CONTROL(KSPROPERTY_AUDIO_MUX_SOURCE, sizeof(struct ks_p_node)),
	NODE_CONTROL(KSPROPERTY_AUDIO_MUTE,
		     sizeof(struct ks_node_property_audio_channel)),
};

static const struct ks_prop_set node_sets[] = {
	{ KSPROPSETID_AUDIO, audio_items, ARRAY_SIZE(audio_items) },
};

const struct ks_prop_table ks_node_props = {
	node_sets, ARRAY_SIZE(node_sets)
};
