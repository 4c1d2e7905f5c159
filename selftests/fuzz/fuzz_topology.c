// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: a filter's topology (module/topology.c), the checks
 * at registration and, for a descriptor they accept, what node.c and
 * property_node.c then rely on.
 *
 * Input: a 4-byte header, then the nodes, their controls and the
 * connections, each read from the bytes that follow (0 once they run out):
 *	0  pins_count % 5
 *	1  nodes_count % 7
 *	2  connections_count % 9
 *	3  bit 0: nodes NULL, bit 1: connections NULL
 * a node: 1 byte: bit 0 a type; bits 1-2 the name: none, "Volume", 255
 *	characters, 256 without a NUL; bits 3-4 controls_count; bit 5
 *	controls NULL; then its controls
 * a control: id byte (% 5: VOLUMELEVEL, MUTE, MUX_SOURCE, POSITION, a
 *	random u32), channels byte (% 41), a mode byte, then 16 bytes: with
 *	mode bit 0 the raw minimum, maximum, step and initial; without, a
 *	control the KS_*_CONTROL() macros build from them (mostly valid)
 * a connection: 4 bytes, each end's node (< 0x80: % 8, else KSFILTER_NODE)
 *	and pin (% 6)
 * Every table is allocated with exactly its size, so ASan sees a read
 * past one.
 *
 * Invariants: ks_check_topology() returns 0 or -EINVAL, and 0 exactly
 * when a model of the rules of struct ks_node_control and
 * ks_filter_descriptor (written here from include/linux/ksfilter.h) says
 * the descriptor is valid.  For a valid one: the values add up to
 * ks_topology_values(), each node's first value and each control's offset
 * lie within them, ks_node_find_control() finds each control; a SET of any
 * value keeps what the rules say (rounded half away from zero at the step
 * and clamped, 0/1 for MUTE, EINVAL outside a MUX's inputs); the
 * description is 40 + 16 + 16 * channels bytes, holds the control's range
 * for each channel, and nothing is written to a buffer too small for it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pins.h"
#include "topology.h"

#define MAX_NODES	6
#define MAX_CONTROLS	3
#define MAX_CONNS	8
#define PAT		0xA5

static const struct ks_guid type_volume = KSNODETYPE_VOLUME;

struct input {
	const u8 *p;
	size_t left;
};

static u8 byte(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static u32 word(struct input *in)
{
	u32 v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v |= (u32)byte(in) << (8 * i);
	return v;
}

static void read_control(struct input *in, struct ks_node_control *c)
{
	static const u32 ids[] = {
		KSPROPERTY_AUDIO_VOLUMELEVEL, KSPROPERTY_AUDIO_MUTE,
		KSPROPERTY_AUDIO_MUX_SOURCE, KSPROPERTY_AUDIO_POSITION,
	};
	u8 id = byte(in) % 5, channels = byte(in) % 41, mode = byte(in);
	u32 a = word(in), b = word(in), step = word(in), init = word(in);
	u32 idv = id < 4 ? ids[id] : a;

	if (mode & 1) {
		c->id = idv;
		c->channels = channels;
		c->minimum = (s32)a;
		c->maximum = (s32)b;
		c->step = step;
		c->initial = (s32)init;
		return;
	}
	switch (idv) {
	case KSPROPERTY_AUDIO_MUTE: {
		const struct ks_node_control m = KS_MUTE_CONTROL(channels,
								 init % 2);
		*c = m;
		break;
	}
	case KSPROPERTY_AUDIO_MUX_SOURCE: {
		u32 inputs = a % 9 + 1;
		const struct ks_node_control m = KS_MUX_CONTROL(inputs,
								init % inputs);
		*c = m;
		break;
	}
	default: {
		/* A range of up to +-32768 dB around 0, any step. */
		s32 lo = -(s32)(a & 0x7FFFFFF), hi = (s32)(b & 0x7FFFFFF);
		s32 v = lo + (s32)(init % ((u32)hi - (u32)lo + 1));
		const struct ks_node_control m =
			KS_VOLUME_CONTROL(channels, lo, hi, step % 0x20000 + 1,
					  v);
		*c = m;
		c->id = idv;
		break;
	}
	}
}

/* The rules of include/linux/ksfilter.h, independently of topology.c. */
static bool model_control(const struct ks_node_control *c)
{
	bool range = c->channels >= 1 && c->channels <= KS_NODE_CHANNELS_MAX &&
		     c->minimum <= c->maximum && c->step >= 1 &&
		     c->initial >= c->minimum && c->initial <= c->maximum;

	if (!range)
		return false;
	if (c->id == KSPROPERTY_AUDIO_VOLUMELEVEL)
		return true;
	if (c->id == KSPROPERTY_AUDIO_MUTE)
		return c->minimum == 0 && c->maximum == 1 && c->step == 1;
	if (c->id == KSPROPERTY_AUDIO_MUX_SOURCE)
		return c->channels == 1 && c->minimum == 0 && c->step == 1;
	return false;
}

static bool model_node(const struct ks_node_descriptor *n)
{
	u32 i, j;

	if (!n->type)
		return false;
	if (n->name && strnlen(n->name, KS_NODE_NAME_MAX) >= KS_NODE_NAME_MAX)
		return false;
	if (n->controls_count && !n->controls)
		return false;
	for (i = 0; i < n->controls_count; i++) {
		if (!model_control(&n->controls[i]))
			return false;
		for (j = i + 1; j < n->controls_count; j++) {
			if (n->controls[i].id == n->controls[j].id)
				return false;
		}
	}
	return true;
}

static bool model_end(const struct ks_filter_descriptor *d, u32 node, u32 pin)
{
	return node == KSFILTER_NODE ? pin < d->pins_count :
				       node < d->nodes_count;
}

static bool model_valid(const struct ks_filter_descriptor *d)
{
	u32 i;

	if (d->nodes_count && !d->nodes)
		return false;
	if (d->connections_count && !d->connections)
		return false;
	for (i = 0; i < d->nodes_count; i++) {
		if (!model_node(&d->nodes[i]))
			return false;
	}
	for (i = 0; i < d->connections_count; i++) {
		const struct ks_topology_connection *c = &d->connections[i];

		if (!model_end(d, c->from_node, c->from_node_pin) ||
		    !model_end(d, c->to_node, c->to_node_pin))
			return false;
	}
	return true;
}

/* What a SET of @v keeps, computed another way than topology.c does. */
static s64 model_volume(const struct ks_node_control *c, s32 v)
{
	u64 mag = v < 0 ? (u64)(-(s64)v) : (u64)v;
	u64 q = mag / c->step, rem = mag % c->step;
	s64 r;

	if (rem * 2 >= c->step)
		q++;
	r = (s64)(q * c->step);
	if (v < 0)
		r = -r;
	if (r < c->minimum)
		r = c->minimum;
	if (r > c->maximum)
		r = c->maximum;
	return r;
}

static void check_normalize(const struct ks_node_control *c, s32 v)
{
	s32 kept = 0x5A5A5A5A;
	int ret = ks_control_normalize(c, v, &kept);

	switch (c->id) {
	case KSPROPERTY_AUDIO_MUTE:
		INVARIANT(ret == 0 && kept == (v != 0));
		break;
	case KSPROPERTY_AUDIO_MUX_SOURCE:
		if (v < c->minimum || v > c->maximum) {
			INVARIANT(ret == -EINVAL);
		} else {
			INVARIANT(ret == 0 && kept == v);
		}
		break;
	default:
		INVARIANT(ret == 0);
		INVARIANT(kept >= c->minimum && kept <= c->maximum);
		INVARIANT((s64)kept == model_volume(c, v));
		break;
	}
}

static void check_describe(const struct ks_node_control *c)
{
	const u32 full = 40 + 16 + 16 * c->channels;
	const struct ks_property_description *d;
	const struct ks_property_membersheader *h;
	const struct ks_property_stepping_long *r;
	u8 *buf;
	u32 i;

	INVARIANT(ks_describe(0x203, KS_VT_I4, c, NULL, 0) == full);
	/* Too small by one: nothing written. */
	buf = malloc(full);
	INVARIANT(buf);
	memset(buf, PAT, full);
	INVARIANT(ks_describe(0x203, KS_VT_I4, c, buf, full - 1) == full);
	for (i = 0; i < full; i++)
		INVARIANT(buf[i] == PAT);
	/* Exactly its size: ASan sees a write past it. */
	INVARIANT(ks_describe(0x203, KS_VT_I4, c, buf, full) == full);
	d = (const void *)buf;
	h = (const void *)(d + 1);
	r = (const void *)(h + 1);
	INVARIANT(d->access_flags == 0x203 && d->description_size == full);
	INVARIANT(d->prop_type_set.id == KS_VT_I4);
	INVARIANT(d->members_list_count == 1 && d->reserved == 0);
	INVARIANT(h->members_flags == KSPROPERTY_MEMBER_STEPPEDRANGES);
	INVARIANT(h->members_size == 16 && h->members_count == c->channels);
	INVARIANT(h->flags == (c->id == KSPROPERTY_AUDIO_MUX_SOURCE ? 0u :
			       KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL));
	for (i = 0; i < c->channels; i++) {
		INVARIANT(r[i].stepping_delta == c->step && !r[i].reserved);
		INVARIANT(r[i].bounds.signed_minimum == c->minimum);
		INVARIANT(r[i].bounds.signed_maximum == c->maximum);
	}
	free(buf);
}

static void check_accepted(const struct ks_filter_descriptor *d,
			   struct input *in)
{
	u32 total = ks_topology_values(d), sum = 0, i, j, off;

	for (i = 0; i < d->nodes_count; i++) {
		const struct ks_node_descriptor *n = &d->nodes[i];
		u32 first = ks_node_first_value(d, i), within = 0;

		INVARIANT(first == sum);
		for (j = 0; j < n->controls_count; j++) {
			const struct ks_node_control *c = &n->controls[j];

			INVARIANT(ks_node_find_control(n, c->id, &off) == c);
			INVARIANT(off == within);
			INVARIANT(first + off + c->channels <= total);
			within += c->channels;
			check_normalize(c, (s32)word(in));
			check_normalize(c, c->minimum);
			check_normalize(c, c->maximum);
			check_normalize(c, c->initial);
			check_normalize(c, (s32)((s64)c->maximum + 1));
			check_normalize(c, (s32)((s64)c->minimum - 1));
			check_normalize(c, INT32_MAX);
			check_normalize(c, INT32_MIN);
			check_describe(c);
		}
		INVARIANT(ks_node_find_control(n, 0xDEAD, &off) == NULL);
		sum += within;
	}
	INVARIANT(sum == total);
	INVARIANT(ks_node_first_value(d, d->nodes_count) == total);
	INVARIANT(ks_node_first_value(d, UINT32_MAX) == total);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ks_node_control *controls[MAX_NODES] = { NULL };
	struct ks_filter_descriptor desc;
	struct ks_node_descriptor *nodes = NULL;
	struct ks_topology_connection *conns = NULL;
	char *names[MAX_NODES] = { NULL };
	struct input in = { data, len };
	u8 hdr[4];
	u32 i, j;
	int ret;

	for (i = 0; i < 4; i++)
		hdr[i] = byte(&in);
	memset(&desc, 0, sizeof(desc));
	desc.name = "fuzz";
	desc.pins_count = hdr[0] % 5;
	desc.nodes_count = hdr[1] % (MAX_NODES + 1);
	desc.connections_count = hdr[2] % (MAX_CONNS + 1);

	if (desc.nodes_count && !(hdr[3] & 1)) {
		nodes = calloc(desc.nodes_count, sizeof(*nodes));
		INVARIANT(nodes);
	}
	for (i = 0; nodes && i < desc.nodes_count; i++) {
		u8 f = byte(&in);
		u32 count = (f >> 3) % (MAX_CONTROLS + 1);

		nodes[i].type = f & 1 ? &type_volume : NULL;
		switch ((f >> 1) & 3) {
		case 1:
			nodes[i].name = "Volume";
			break;
		case 2:
		case 3:
			/* 255 characters and a NUL, or 256 and none. */
			names[i] = malloc(KS_NODE_NAME_MAX);
			INVARIANT(names[i]);
			memset(names[i], 'n', KS_NODE_NAME_MAX);
			if (((f >> 1) & 3) == 2)
				names[i][KS_NODE_NAME_MAX - 1] = '\0';
			nodes[i].name = names[i];
			break;
		default:
			break;
		}
		nodes[i].controls_count = count;
		if (!count || (f & 0x20))
			continue;
		controls[i] = calloc(count, sizeof(*controls[i]));
		INVARIANT(controls[i]);
		for (j = 0; j < count; j++)
			read_control(&in, &controls[i][j]);
		nodes[i].controls = controls[i];
	}
	desc.nodes = nodes;

	if (desc.connections_count && !(hdr[3] & 2)) {
		conns = calloc(desc.connections_count, sizeof(*conns));
		INVARIANT(conns);
	}
	for (i = 0; conns && i < desc.connections_count; i++) {
		u8 b[4];

		for (j = 0; j < 4; j++)
			b[j] = byte(&in);
		conns[i].from_node = b[0] < 0x80 ? b[0] % 8u : KSFILTER_NODE;
		conns[i].from_node_pin = b[1] % 6u;
		conns[i].to_node = b[2] < 0x80 ? b[2] % 8u : KSFILTER_NODE;
		conns[i].to_node_pin = b[3] % 6u;
	}
	desc.connections = conns;

	ret = ks_check_topology(&desc);
	INVARIANT(ret == 0 || ret == -EINVAL);
	INVARIANT((ret == 0) == model_valid(&desc));
	if (!ret)
		check_accepted(&desc, &in);

	for (i = 0; i < MAX_NODES; i++) {
		free(controls[i]);
		free(names[i]);
	}
	free(nodes);
	free(conns);
	return 0;
}
