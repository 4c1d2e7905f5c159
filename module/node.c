// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the values of a filter's node controls (KSPROPSETID_Audio).
 *
 * A filter's nodes and their controls are constant data of its descriptor
 * (topology.c checks them at registration); the values are the filter
 * object's, one per control and channel, in node order.  A client's SET
 * goes to the provider first (set_control), then is kept, both under
 * filter->controls_lock, so that the provider sees SETs in the order
 * their values are kept.  The data path reads them without a lock.  A
 * change of value signals the node's KSEVENT_CONTROL_CHANGE, which the
 * node's clients enable when its descriptor offers it (event_fd.c).
 * Locks: see "DOC: Locking" in filter.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/slab.h>

#include "filter.h"
#include "format.h"
#include "node.h"
#include "topology.h"

static const struct ks_guid control_change = KSEVENTSETID_AUDIOCONTROLCHANGE;

int ks_filter_nodes_init(struct ks_filter *filter)
{
	const struct ks_filter_descriptor *desc = filter->desc;
	unsigned int n = ks_topology_values(desc), i, c, ch;
	s32 *v;

	if (!n)
		return 0;
	v = kcalloc(n, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	filter->values = v;
	for (i = 0; i < desc->nodes_count; i++) {
		const struct ks_node_descriptor *node = &desc->nodes[i];

		for (c = 0; c < node->controls_count; c++) {
			for (ch = 0; ch < node->controls[c].channels; ch++)
				*v++ = node->controls[c].initial;
		}
	}
	return 0;
}

/*
 * Node @node's control @id on the filter, and its first value; NULL with
 * -EINVAL (no such node) or -ENOENT (no such control on it) in *@err.
 * The descriptor is read: the filter is registered.
 */
static const struct ks_node_control *find(struct ks_filter *filter,
					  unsigned int node, u32 id,
					  s32 **values, int *err)
{
	const struct ks_filter_descriptor *desc = filter->desc;
	const struct ks_node_control *c;
	unsigned int off;

	if (node >= desc->nodes_count) {
		*err = -EINVAL;
		return NULL;
	}
	/* The node id came from userspace: no speculative read beyond. */
	node = array_index_nospec(node, desc->nodes_count);
	c = ks_node_find_control(&desc->nodes[node], id, &off);
	if (!c) {
		*err = -ENOENT;
		return NULL;
	}
	*values = filter->values + ks_node_first_value(desc, node) + off;
	return c;
}

int ks_node_get(struct ks_filter *filter, unsigned int node, u32 id,
		u32 channel, s32 *value)
{
	const struct ks_node_control *c;
	s32 *v;
	int err;

	lockdep_assert_held(&filter->gate);
	c = find(filter, node, id, &v, &err);
	if (!c)
		return err;
	/* All channels at once reads the first, as Windows drivers do. */
	if (channel == KS_NODE_ALL_CHANNELS)
		channel = 0;
	if (channel >= c->channels)
		return -EINVAL;
	channel = array_index_nospec(channel, c->channels);
	*value = READ_ONCE(v[channel]);
	return 0;
}

/*
 * Keep @value for @channel (or every channel) of node @node's control @id,
 * telling the provider first if @tell.
 */
static int set_value(struct ks_filter *filter, unsigned int node, u32 id,
		     u32 channel, s32 value, bool tell)
{
	const struct ks_filter_descriptor *desc = filter->desc;
	const struct ks_node_control *c;
	unsigned int first, last, ch;
	bool changed = false;
	s32 kept, *v;
	int ret;

	c = find(filter, node, id, &v, &ret);
	if (!c)
		return ret;
	if (channel == KS_NODE_ALL_CHANNELS) {
		first = 0;
		last = c->channels - 1;
	} else if (channel < c->channels) {
		first = channel;
		last = channel;
	} else {
		return -EINVAL;
	}
	ret = ks_control_normalize(c, value, &kept);
	if (ret)
		return ret;
	mutex_lock(&filter->controls_lock);
	for (ch = first; ch <= last; ch++) {
		if (tell && desc->set_control)
			ret = desc->set_control(filter, node, id, ch, kept);
		if (ret)
			break;
		changed |= READ_ONCE(v[ch]) != kept;
		WRITE_ONCE(v[ch], kept);
	}
	mutex_unlock(&filter->controls_lock);
	/* As Windows audio drivers do, on a change only. */
	if (changed)
		ks_node_event(filter, node, &control_change,
			      KSEVENT_CONTROL_CHANGE);
	return ret;
}

int ks_node_set(struct ks_filter *filter, unsigned int node, u32 id,
		u32 channel, s32 value)
{
	lockdep_assert_held(&filter->gate);
	return set_value(filter, node, id, channel, value, true);
}

const struct ks_node_control *ks_node_control(struct ks_filter *filter,
					      unsigned int node, u32 id,
					      int *err)
{
	s32 *v;

	lockdep_assert_held(&filter->gate);
	return find(filter, node, id, &v, err);
}

s32 ks_node_control_value(struct ks_filter *filter, unsigned int node,
			  u32 id, unsigned int channel)
{
	const struct ks_node_control *c;
	s32 *v;
	int err;

	c = find(filter, node, id, &v, &err);
	if (WARN_ON_ONCE(!c || channel >= c->channels))
		return 0;
	return READ_ONCE(v[channel]);
}
EXPORT_SYMBOL_GPL(ks_node_control_value);

int ks_node_control_set(struct ks_filter *filter, unsigned int node, u32 id,
			unsigned int channel, s32 value)
{
	return set_value(filter, node, id, channel, value, false);
}
EXPORT_SYMBOL_GPL(ks_node_control_set);

int ks_node_find_event(struct ks_filter *filter, u32 node,
		       const struct ks_identifier *ev, bool any_id)
{
	const struct ks_filter_descriptor *desc = filter->desc;
	const struct ks_node_descriptor *n;
	unsigned int i;

	lockdep_assert_held(&filter->gate);
	if (node >= desc->nodes_count)
		return -EINVAL;
	n = &desc->nodes[array_index_nospec(node, desc->nodes_count)];
	for (i = 0; i < n->events_count; i++) {
		if (ks_guid_equal(&n->events[i].set, &ev->set) &&
		    (any_id || n->events[i].id == ev->id))
			return 0;
	}
	return -ENOENT;
}

void ks_node_event(struct ks_filter *filter, unsigned int node,
		   const struct ks_guid *set, u32 id)
{
	ks_events_signal_node(&filter->node_events, node, set, id);
}
EXPORT_SYMBOL_GPL(ks_node_event);
