// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the pure rules of a filter's topology.
 *
 * A filter describes the nodes inside it (KSNODETYPE_* with optional
 * controls) and the connections between its pins and its nodes, as every
 * Windows audio driver does; clients read them with
 * KSPROPERTY_TOPOLOGY_NODES / CONNECTIONS before anything else.  This file
 * checks them at registration, so that nothing later indexes past a table,
 * and holds the rules of a node control that need no filter: what a SET
 * keeps, and the BASICSUPPORT answer, which follows what Windows audio
 * drivers answer (a KSPROPERTY_DESCRIPTION, then a stepped range for each
 * channel).  No locks, no allocation: it builds into the module and into
 * the host unit tests (pure.h).
 */
#include "topology.h"

static bool control_valid(const struct ks_node_control *c)
{
	if (!c->channels || c->channels > KS_NODE_CHANNELS_MAX ||
	    c->minimum > c->maximum || !c->step ||
	    c->initial < c->minimum || c->initial > c->maximum)
		return false;
	switch (c->id) {
	case KSPROPERTY_AUDIO_VOLUMELEVEL:
		return true;
	case KSPROPERTY_AUDIO_MUTE:
		return c->minimum == 0 && c->maximum == 1 && c->step == 1;
	case KSPROPERTY_AUDIO_MUX_SOURCE:
		return c->channels == 1 && c->minimum == 0 && c->step == 1;
	default:
		return false;
	}
}

static bool name_valid(const char *name)
{
	unsigned int n = 0;

	if (!name)
		return true;
	while (n < KS_NODE_NAME_MAX && name[n])
		n++;
	return n < KS_NODE_NAME_MAX;
}

/* Each {set, id} once. */
static bool events_valid(const struct ks_node_descriptor *node)
{
	const struct ks_identifier *e = node->events;
	unsigned int i, j;

	if (node->events_count && !e)
		return false;
	for (i = 0; i < node->events_count; i++) {
		for (j = 0; j < i; j++) {
			if (e[j].id == e[i].id &&
			    !memcmp(&e[j].set, &e[i].set, sizeof(e[i].set)))
				return false;
		}
	}
	return true;
}

static bool node_valid(const struct ks_node_descriptor *node)
{
	unsigned int i, j;

	if (!node->type || !name_valid(node->name) ||
	    (node->controls_count && !node->controls) || !events_valid(node))
		return false;
	for (i = 0; i < node->controls_count; i++) {
		if (!control_valid(&node->controls[i]))
			return false;
		for (j = 0; j < i; j++) {
			if (node->controls[j].id == node->controls[i].id)
				return false;
		}
	}
	return true;
}

/* One end of a connection: a node of the filter, or a pin of it. */
static bool end_valid(const struct ks_filter_descriptor *desc, u32 node,
		      u32 pin)
{
	if (node == KSFILTER_NODE)
		return pin < desc->pins_count;
	return node < desc->nodes_count;
}

int ks_check_topology(const struct ks_filter_descriptor *desc)
{
	const struct ks_topology_connection *c;
	unsigned int i;

	if ((desc->nodes_count && !desc->nodes) ||
	    (desc->connections_count && !desc->connections))
		return -EINVAL;
	for (i = 0; i < desc->nodes_count; i++) {
		if (!node_valid(&desc->nodes[i]))
			return -EINVAL;
	}
	for (i = 0; i < desc->connections_count; i++) {
		c = &desc->connections[i];
		if (!end_valid(desc, c->from_node, c->from_node_pin) ||
		    !end_valid(desc, c->to_node, c->to_node_pin))
			return -EINVAL;
	}
	return 0;
}

static unsigned int node_values(const struct ks_node_descriptor *node)
{
	unsigned int i, n = 0;

	for (i = 0; i < node->controls_count; i++)
		n += node->controls[i].channels;
	return n;
}

unsigned int ks_node_first_value(const struct ks_filter_descriptor *desc,
				 unsigned int node)
{
	unsigned int i, n = 0;

	for (i = 0; i < node && i < desc->nodes_count; i++)
		n += node_values(&desc->nodes[i]);
	return n;
}

unsigned int ks_topology_values(const struct ks_filter_descriptor *desc)
{
	return ks_node_first_value(desc, desc->nodes_count);
}

const struct ks_node_control *
ks_node_find_control(const struct ks_node_descriptor *node, u32 id,
		     unsigned int *offset)
{
	unsigned int i;

	*offset = 0;
	for (i = 0; i < node->controls_count; i++) {
		if (node->controls[i].id == id)
			return &node->controls[i];
		*offset += node->controls[i].channels;
	}
	return NULL;
}

/* @v rounded to a multiple of @step, half away from zero. */
static s64 round_to_step(s64 v, u32 step)
{
	s64 half = step / 2;

	return (v >= 0 ? v + half : v - half) / step * step;
}

int ks_control_normalize(const struct ks_node_control *c, s32 value,
			 s32 *kept)
{
	s64 v = value;

	switch (c->id) {
	case KSPROPERTY_AUDIO_MUTE:
		*kept = value != 0;
		return 0;
	case KSPROPERTY_AUDIO_MUX_SOURCE:
		if (value < c->minimum || value > c->maximum)
			return -EINVAL;
		*kept = value;
		return 0;
	}
	v = round_to_step(v, c->step);
	if (v < c->minimum)
		v = c->minimum;
	if (v > c->maximum)
		v = c->maximum;
	*kept = (s32)v;
	return 0;
}

u32 ks_describe(u32 access, u32 vt, const struct ks_node_control *c,
		void *buf, u32 size)
{
	static const struct ks_guid general = KSPROPTYPESETID_GENERAL;
	struct ks_property_description *d = buf;
	struct ks_property_membersheader *h;
	struct ks_property_stepping_long *r;
	u32 full = sizeof(*d), i;

	if (c)
		full += sizeof(*h) + c->channels * sizeof(*r);
	if (size < full)
		return full;
	memset(buf, 0, full);
	d->access_flags = access;
	d->description_size = full;
	/* No value type: GUID_NULL and 0, as Windows answers then. */
	if (vt) {
		d->prop_type_set.set = general;
		d->prop_type_set.id = vt;
	}
	if (!c)
		return full;
	d->members_list_count = 1;
	h = (void *)(d + 1);
	h->members_flags = KSPROPERTY_MEMBER_STEPPEDRANGES;
	h->members_size = sizeof(*r);
	h->members_count = c->channels;
	/* A range per channel; a mux has one value, not channels. */
	if (c->id != KSPROPERTY_AUDIO_MUX_SOURCE)
		h->flags = KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL;
	r = (void *)(h + 1);
	for (i = 0; i < c->channels; i++) {
		r[i].stepping_delta = c->step;
		r[i].bounds.signed_minimum = c->minimum;
		r[i].bounds.signed_maximum = c->maximum;
	}
	return full;
}
