// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the properties of a filter fd: KSPROPSETID_Pin (the pin types,
 * their data ranges and intersection), KSPROPSETID_General and
 * KSPROPSETID_Topology.  Handlers for property.c's dispatcher (prop.h),
 * run with the filter entered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "filter.h"
#include "format.h"
#include "pin.h"
#include "prop.h"

/* ---- format checks shared with pin creation (rows 11 and 12) ---- */

/* 0, -EINVAL for a malformed format, -EDOM when no range of the pin matches. */
static int check_format_ranges(const struct ks_pin_descriptor *pin,
			       const struct ks_dataformat *fmt, u32 avail,
			       u32 *bytes)
{
	if (ks_format_check(fmt, avail, bytes))
		return -EINVAL;
	if (ks_format_match_ranges(fmt, *bytes, pin->data_ranges,
				   pin->data_ranges_count) < 0)
		return -EDOM;
	return 0;
}

/* As a creation checks a format: the pure checks, then the provider's. */
int ks_prop_check_format(struct ks_filter *filter, u32 pin_id,
			 const struct ks_dataformat *fmt, u32 avail,
			 u32 *bytes)
{
	int ret;

	lockdep_assert_held(&filter->gate);
	ret = check_format_ranges(&filter->desc->pins[pin_id], fmt, avail,
				  bytes);
	return ret ? ret : ks_pin_accept_format(filter, pin_id, fmt);
}

/* ---- filter fd: KSPROPSETID_Pin ---- */

/*
 * The pin type a KSP_PIN names; NULL (EINVAL) for one beyond the filter's
 * or a nonzero Reserved, which must be zero on input.
 */
static const struct ks_pin_descriptor *pin_of(struct ks_prop_call *call,
					      u32 *pin_id)
{
	const struct ks_p_pin *p = (const struct ks_p_pin *)call->prop;
	const struct ks_filter_descriptor *desc = call->filter->desc;

	lockdep_assert_held(&call->filter->gate);
	if (p->pin_id >= desc->pins_count || p->reserved)
		return NULL;
	/* pin_id came from userspace: no speculative read beyond the array. */
	*pin_id = array_index_nospec(p->pin_id, desc->pins_count);
	return &desc->pins[*pin_id];
}

static int get_ctypes(struct ks_prop_call *call)
{
	return ks_value_u32(call, call->filter->desc->pins_count);
}

/* CINSTANCES and GLOBALCINSTANCES: one filter instance per device. */
static int get_cinstances(struct ks_prop_call *call)
{
	struct ks_filter *filter = call->filter;
	const struct ks_pin_descriptor *pin;
	struct ks_pin_cinstances *v;
	u32 id;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->possible_count = pin->possible_instances;
	mutex_lock(&filter->lock);
	v->current_count = filter->instances[id];
	mutex_unlock(&filter->lock);
	return 0;
}

static int get_dataflow(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	return pin ? ks_value_u32(call, pin->dataflow) : -EINVAL;
}

static int get_communication(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	return pin ? ks_value_u32(call, pin->communication) : -EINVAL;
}

static int get_necessaryinstances(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	return pin ? ks_value_u32(call, pin->necessary_instances) : -EINVAL;
}

/* Bytes of the list of a pin's ranges and their attribute lists. */
static u64 ranges_size(const struct ks_pin_descriptor *pin, u32 *count)
{
	const struct ks_data_range *r;
	u64 size = sizeof(struct ks_multiple_item);
	unsigned int i;

	*count = 0;
	for (i = 0; i < pin->data_ranges_count; i++) {
		r = &pin->data_ranges[i];
		size += ALIGN((u64)r->range->format_size, 8);
		(*count)++;
		if (r->attributes) {
			size += ALIGN((u64)r->attributes->size, 8);
			(*count)++;
		}
	}
	return size;
}

/* DATARANGES and CONSTRAINEDDATARANGES: no range here depends on state. */
static int get_dataranges(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	const struct ks_data_range *r;
	struct ks_multiple_item *list;
	struct ks_dataformat *item;
	u32 id, count, i;
	u64 size;
	u8 *pos;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	size = ranges_size(pin, &count);
	list = ks_value_list(call, size, count);
	if (!list)
		return -ENOMEM;
	pos = (u8 *)(list + 1);
	for (i = 0; i < pin->data_ranges_count; i++) {
		r = &pin->data_ranges[i];
		item = (struct ks_dataformat *)pos;
		memcpy(item, r->range, r->range->format_size);
		pos += ALIGN(r->range->format_size, 8);
		/* The flag says "an attribute list follows": make it true. */
		item->flags &= ~KSDATARANGE_ATTRIBUTES;
		if (!r->attributes)
			continue;
		item->flags |= KSDATARANGE_ATTRIBUTES;
		memcpy(pos, r->attributes, r->attributes->size);
		pos += ALIGN(r->attributes->size, 8);
	}
	return 0;
}

static const struct ks_identifier default_interface = {
	.set = KSINTERFACESETID_STANDARD,
	.id = KSINTERFACE_STANDARD_STREAMING,
};

static const struct ks_identifier default_medium = {
	.set = KSMEDIUMSETID_STANDARD,
	.id = KSMEDIUM_TYPE_ANYINSTANCE,
};

/* A list of identifiers; none listed stands for the one default (row 9/10). */
static int identifier_list(struct ks_prop_call *call,
			   const struct ks_identifier *ids, u32 count,
			   const struct ks_identifier *dflt)
{
	struct ks_multiple_item *list;

	if (!count) {
		ids = dflt;
		count = 1;
	}
	list = ks_value_list(call, sizeof(*list) + (u64)count * sizeof(*ids),
			     count);
	if (!list)
		return -ENOMEM;
	memcpy(list + 1, ids, count * sizeof(*ids));
	return 0;
}

static int get_interfaces(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	return identifier_list(call, pin->interfaces, pin->interfaces_count,
			       &default_interface);
}

static int get_mediums(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	return identifier_list(call, pin->mediums, pin->mediums_count,
			       &default_medium);
}

static int get_category(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	if (!pin->category)
		return -ENOENT;
	return ks_value_copy(call, pin->category, sizeof(*pin->category));
}

/* The ASCII name as a NUL-terminated UTF-16LE string. */
static int get_name(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	if (!pin->name)
		return -ENOENT;
	return ks_value_utf16(call, pin->name);
}

/*
 * KSPIN_PHYSICALCONNECTION of a pin type that declares a physical peer:
 * size, the peer's pin id and its filter's name in UTF-16LE (docs/graphs.md).
 */
static int get_physicalconnection(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	struct ks_pin_physicalconnection *pc;
	const char *name;
	size_t len, i;
	__le16 *wide;
	u32 id, size;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	if (!pin->physical)
		return -ENOENT;
	name = pin->physical->filter;
	/* The descriptor was checked at registration: a name, not too long. */
	len = strlen(name);
	size = offsetof(struct ks_pin_physicalconnection, symbolic_link_name) +
	       (len + 1) * sizeof(*wide);
	pc = ks_value_alloc(call, size);
	if (!pc)
		return -ENOMEM;
	pc->size = size;
	pc->pin = pin->physical->pin;
	wide = (__le16 *)pc->symbolic_link_name;
	for (i = 0; i < len; i++)
		wide[i] = cpu_to_le16((u8)name[i]);
	return 0;
}

/*
 * The format built from @cand and one of the pin's ranges, if the provider
 * takes it.  What ks_format_intersect() builds passes rows 11 and 12 by
 * construction; that is checked, as it is what makes the answer honest: a
 * creation with this format gets past the format checks.
 */
static int intersect_range(struct ks_prop_call *call, u32 pin_id,
			   const struct ks_pin_descriptor *pin,
			   const struct ks_dataformat *cand,
			   const struct ks_data_range *range)
{
	struct ks_dataformat *fmt;
	u32 size, bytes;
	int ret;

	ret = ks_format_intersect(cand, cand->format_size, range, NULL, 0,
				  &size);
	if (ret != -EOVERFLOW)
		return ret;
	fmt = ks_value_alloc(call, size);
	if (!fmt)
		return -ENOMEM;
	ret = ks_format_intersect(cand, cand->format_size, range, fmt, size,
				  &size);
	if (WARN_ON_ONCE(ret))
		return -EDOM;
	if (WARN_ON_ONCE(check_format_ranges(pin, fmt, size, &bytes) ||
			 bytes != size))
		return -EDOM;
	return ks_pin_accept_format(call->filter, pin_id, fmt);
}

/* Is the caller's KSMULTIPLE_ITEM of candidate ranges well formed? */
static int check_candidates(const void *list, u32 avail)
{
	const struct ks_dataformat *cand;
	struct ks_range_list it;
	int ret;

	if (ks_range_list_init(&it, list, avail))
		return -EINVAL;
	do {
		ret = ks_range_list_next(&it, &cand);
	} while (ret > 0);
	return ret;
}

/*
 * DATAINTERSECTION: `in` is a KSP_PIN and a KSMULTIPLE_ITEM of candidate
 * ranges.  The first candidate, in the caller's order, that overlaps one of
 * the pin's ranges (in the descriptor's order) and gives a format the
 * provider accepts decides the answer; none is EDOM.  The whole list is
 * checked first, so a malformed one is EINVAL wherever the fault lies.
 */
static int get_dataintersection(struct ks_prop_call *call)
{
	const void *cands = (const u8 *)call->prop + sizeof(struct ks_p_pin);
	u32 avail = call->in_size - sizeof(struct ks_p_pin);
	const struct ks_pin_descriptor *pin;
	const struct ks_dataformat *cand;
	struct ks_range_list it;
	u32 id, i;
	int ret;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	ret = check_candidates(cands, avail);
	if (ret)
		return ret;

	ks_range_list_init(&it, cands, avail);
	while (ks_range_list_next(&it, &cand) > 0) {
		for (i = 0; i < pin->data_ranges_count; i++) {
			ret = intersect_range(call, id, pin, cand,
					      &pin->data_ranges[i]);
			if (ret != -EDOM)
				return ret;
		}
	}
	return -EDOM;
}

/*
 * PROPOSEDATAFORMAT: would a creation with this format (from `out`) pass
 * rows 11 and 12?  0, EINVAL for a malformed format, EDOM for a refused one.
 */
static int set_proposedataformat(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id, bytes;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	return ks_prop_check_format(call->filter, id, call->set_value,
				    call->set_size, &bytes);
}

static const struct ks_prop_item pin_items[] = {
	PROP_GET(KSPROPERTY_PIN_CINSTANCES, sizeof(struct ks_p_pin),
		 get_cinstances),
	/* CTYPES names no pin: a plain KSPROPERTY. */
	PROP_GET_U32(KSPROPERTY_PIN_CTYPES, sizeof(struct ks_identifier),
		     get_ctypes),
	PROP_GET_U32(KSPROPERTY_PIN_DATAFLOW, sizeof(struct ks_p_pin),
		     get_dataflow),
	PROP_GET(KSPROPERTY_PIN_DATARANGES, sizeof(struct ks_p_pin),
		 get_dataranges),
	PROP_GET(KSPROPERTY_PIN_DATAINTERSECTION,
		 sizeof(struct ks_p_pin) + sizeof(struct ks_multiple_item),
		get_dataintersection),
	PROP_GET(KSPROPERTY_PIN_INTERFACES, sizeof(struct ks_p_pin),
		 get_interfaces),
	PROP_GET(KSPROPERTY_PIN_MEDIUMS, sizeof(struct ks_p_pin), get_mediums),
	PROP_GET_U32(KSPROPERTY_PIN_COMMUNICATION, sizeof(struct ks_p_pin),
		     get_communication),
	PROP_GET(KSPROPERTY_PIN_GLOBALCINSTANCES, sizeof(struct ks_p_pin),
		 get_cinstances),
	PROP_GET_U32(KSPROPERTY_PIN_NECESSARYINSTANCES, sizeof(struct ks_p_pin),
		     get_necessaryinstances),
	PROP_GET(KSPROPERTY_PIN_PHYSICALCONNECTION, sizeof(struct ks_p_pin),
		 get_physicalconnection),
	PROP_GET(KSPROPERTY_PIN_CATEGORY, sizeof(struct ks_p_pin),
		 get_category),
	PROP_GET(KSPROPERTY_PIN_NAME, sizeof(struct ks_p_pin), get_name),
	PROP_GET(KSPROPERTY_PIN_CONSTRAINEDDATARANGES, sizeof(struct ks_p_pin),
		 get_dataranges),
	{
		.id = KSPROPERTY_PIN_PROPOSEDATAFORMAT,
		.in_size = sizeof(struct ks_p_pin),
		.set_size = sizeof(struct ks_dataformat),
		.set = set_proposedataformat,
	},
};

/* ---- filter fd: KSPROPSETID_General, KSPROPSETID_Topology ---- */

static int get_componentid(struct ks_prop_call *call)
{
	const struct ks_componentid *cid = call->filter->desc->component_id;

	if (!cid)
		return -ENOENT;
	return ks_value_copy(call, cid, sizeof(*cid));
}

static int get_categories(struct ks_prop_call *call)
{
	const struct ks_filter_descriptor *desc = call->filter->desc;
	const size_t each = sizeof(*desc->categories);
	struct ks_multiple_item *list;

	list = ks_value_list(call,
			     sizeof(*list) + (u64)desc->categories_count * each,
			     desc->categories_count);
	if (!list)
		return -ENOMEM;
	if (desc->categories_count)
		memcpy(list + 1, desc->categories,
		       desc->categories_count * each);
	return 0;
}

/* KSPROPERTY_TOPOLOGY_NODES: the node types, in node id order. */
static int get_nodes(struct ks_prop_call *call)
{
	const struct ks_filter_descriptor *desc = call->filter->desc;
	struct ks_multiple_item *list;
	struct ks_guid *types;
	unsigned int i;

	list = ks_value_list(call, sizeof(*list) +
			     (u64)desc->nodes_count * sizeof(*types),
			     desc->nodes_count);
	if (!list)
		return -ENOMEM;
	types = (void *)(list + 1);
	for (i = 0; i < desc->nodes_count; i++)
		types[i] = *desc->nodes[i].type;
	return 0;
}

static int get_connections(struct ks_prop_call *call)
{
	const struct ks_filter_descriptor *desc = call->filter->desc;
	const size_t each = sizeof(*desc->connections);
	struct ks_multiple_item *list;

	list = ks_value_list(call,
			     sizeof(*list) + (u64)desc->connections_count * each,
			     desc->connections_count);
	if (!list)
		return -ENOMEM;
	if (desc->connections_count)
		memcpy(list + 1, desc->connections,
		       desc->connections_count * each);
	return 0;
}

/* KSP_NODE names the node: EINVAL beyond the filter's, ENOENT unnamed. */
static int get_node_name(struct ks_prop_call *call)
{
	const struct ks_filter_descriptor *desc = call->filter->desc;
	const struct ks_p_node *p = (const void *)call->prop;
	u32 id = p->node_id;

	if (id >= desc->nodes_count)
		return -EINVAL;
	id = array_index_nospec(id, desc->nodes_count);
	if (!desc->nodes[id].name)
		return -ENOENT;
	return ks_value_utf16(call, desc->nodes[id].name);
}

static const struct ks_prop_item general_items[] = {
	PROP_GET(KSPROPERTY_GENERAL_COMPONENTID, sizeof(struct ks_identifier),
		 get_componentid),
};

static const struct ks_prop_item topology_items[] = {
	PROP_GET(KSPROPERTY_TOPOLOGY_CATEGORIES, sizeof(struct ks_identifier),
		 get_categories),
	PROP_GET(KSPROPERTY_TOPOLOGY_NODES, sizeof(struct ks_identifier),
		 get_nodes),
	PROP_GET(KSPROPERTY_TOPOLOGY_CONNECTIONS, sizeof(struct ks_identifier),
		 get_connections),
	PROP_GET(KSPROPERTY_TOPOLOGY_NAME, sizeof(struct ks_p_node),
		 get_node_name),
};

static const struct ks_prop_set filter_sets[] = {
	{ KSPROPSETID_PIN, pin_items, ARRAY_SIZE(pin_items) },
	{ KSPROPSETID_GENERAL, general_items, ARRAY_SIZE(general_items) },
	{ KSPROPSETID_TOPOLOGY, topology_items, ARRAY_SIZE(topology_items) },
};

const struct ks_prop_table ks_filter_props = {
	filter_sets, ARRAY_SIZE(filter_sets)
};

