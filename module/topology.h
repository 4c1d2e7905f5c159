/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the pure rules of a filter's topology (topology.c): its checks
 * at registration, a node control's SET rules and the BASICSUPPORT
 * description.  Built into the module and into the host unit tests.
 */
#ifndef _KS_TOPOLOGY_H
#define _KS_TOPOLOGY_H

#include "pure.h"

/* The longest node name a descriptor may give (KSPROPERTY_TOPOLOGY_NAME). */
#define KS_NODE_NAME_MAX	256

/*
 * The nodes, their controls and the connections of @desc: 0, or -EINVAL
 * for a node without a type, a control that breaks the rules of struct
 * ks_node_control, two controls of one id on a node, an event twice on a
 * node (or events without a table), or a connection whose ends name a
 * node or a pin the filter does not have.
 */
int ks_check_topology(const struct ks_filter_descriptor *desc);

/* The values the filter keeps for its nodes' controls, one per channel. */
unsigned int ks_topology_values(const struct ks_filter_descriptor *desc);

/* The first of node @node's values; its controls' values follow in order. */
unsigned int ks_node_first_value(const struct ks_filter_descriptor *desc,
				 unsigned int node);

/*
 * Node @node's control of id @id, or NULL; *@offset is its first value's
 * offset from ks_node_first_value().
 */
const struct ks_node_control *
ks_node_find_control(const struct ks_node_descriptor *node, u32 id,
		     unsigned int *offset);

/*
 * The value a SET of @value keeps (in *@kept): VOLUMELEVEL rounded to a
 * multiple of the step, half away from zero, and clamped to the range;
 * MUTE 1 for any nonzero value.  0, or -EINVAL for a MUX_SOURCE input the
 * mux does not have.
 */
int ks_control_normalize(const struct ks_node_control *c, s32 value,
			 s32 *kept);

/*
 * BASICSUPPORT's whole answer for a property with access flags @access and
 * value type @vt (KS_VT_*, 0 for none) and, if @c is not NULL, the stepped
 * range of each of its channels: the description, then one members list.
 * Written to @buf if it has room (@size bytes); returns the answer's size.
 */
u32 ks_describe(u32 access, u32 vt, const struct ks_node_control *c,
		void *buf, u32 size);

#endif /* _KS_TOPOLOGY_H */
