/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the values of a filter's node controls (node.c).
 */
#ifndef _KS_NODE_H
#define _KS_NODE_H

#include <linux/types.h>

struct ks_filter;
struct ks_identifier;
struct ks_node_control;

/* A channel of KSNODEPROPERTY_AUDIO_CHANNEL that means every channel. */
#define KS_NODE_ALL_CHANNELS	0xFFFFFFFFU

/* The values at registration: each control's initial one.  0 or -ENOMEM. */
int ks_filter_nodes_init(struct ks_filter *filter);

/*
 * A client's GET and SET of node @node's control @id on @channel (or on
 * KS_NODE_ALL_CHANNELS): 0, -EINVAL for a node or a channel the filter
 * does not have (or a mux input, on SET), -ENOENT for a control the node
 * does not have, or the provider's set_control() error.  Filter entered.
 */
int ks_node_get(struct ks_filter *filter, unsigned int node, u32 id,
		u32 channel, s32 *value);
int ks_node_set(struct ks_filter *filter, unsigned int node, u32 id,
		u32 channel, s32 value);

/* Node @node's control @id, for its description; NULL with *@err set. */
const struct ks_node_control *ks_node_control(struct ks_filter *filter,
					      unsigned int node, u32 id,
					      int *err);

/*
 * Does node @node offer the event @ev (its set, and its id unless
 * @any_id)?  0, -EINVAL for a node the filter does not have, -ENOENT for
 * an event the node does not offer.  Filter entered.
 */
int ks_node_find_event(struct ks_filter *filter, u32 node,
		       const struct ks_identifier *ev, bool any_id);

#endif /* _KS_NODE_H */
