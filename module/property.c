// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: KS_IOCTL_PROPERTY, Windows' DeviceIoControl(IOCTL_KS_PROPERTY)
 * on filter and pin fds (SPEC 6).
 *
 * `in` is a KSPROPERTY (set, id, flags) and the property's instance data;
 * `out` is the value, in both directions as in Windows: a GET writes it
 * there, a SET reads it from there.  Each fd type has a constant table of
 * the property sets it answers, each set a table of items: id, the bytes of
 * `in` the item reads, the bytes a SET reads from `out`, and a GET and a SET
 * handler (NULL: not offered).  The request is copied from userspace once;
 * the table lookup and the size checks need nothing but the tables, so they
 * come before the filter is entered.
 *
 * A GET handler builds the whole value in a zeroed kernel buffer (so no
 * uninitialised byte can go out) and the core copies what the caller asked
 * for: all of it, or for a KSMULTIPLE_ITEM value with a 4- or 8-byte `out`
 * just its size or its header (Windows' sized-list queries), or nothing and
 * EOVERFLOW with the size needed in `returned`.  Copies to and from
 * userspace happen with no lock held.
 *
 * Behaviours the contract leaves open, chosen here:
 *  - `returned` is written back on every outcome once the buffers were read:
 *    the bytes written, the bytes needed on EOVERFLOW, 0 otherwise (a
 *    successful SET writes nothing).
 *  - `in` is at most KS_PROP_BUF_MAX bytes (EINVAL beyond), and so is a SET's
 *    value; a SET's value shorter than the item needs is EOVERFLOW with
 *    `returned` = the size needed, as a short GET buffer is.
 *  - BASICSUPPORT and SETSUPPORT read only the KSPROPERTY: the answer does
 *    not depend on instance data.
 *  - KSPROPERTY_PIN_CATEGORY / NAME / PHYSICALCONNECTION of a pin without
 *    one, and
 *    KSPROPERTY_GENERAL_COMPONENTID of a filter without one: ENOENT.
 *  - DATARANGES: a range with an attribute list has KSDATARANGE_ATTRIBUTES
 *    set in its copy and is followed by the list, which is an item of its
 *    own, counted in `count` (Windows' convention); every item is padded to
 *    8 bytes and `size` counts the padding.
 *  - CONNECTION_DATAFORMAT set outside KSSTATE_STOP: EBUSY.
 *  - KSPROPSETID_KSFILTER_STREAM (ours, uapi/linux/ks.h) on every pin fd;
 *    a POSITION set on a STREAMING pin: EOPNOTSUPP (it has no mapping to
 *    have written into or read from); outside PAUSE and RUN: EBADFD.  A
 *    BUFFER set: EOPNOTSUPP on a LOOPED_STREAMING pin (its buffer is made
 *    with the pin and may be mapped), EINVAL for a size outside 64 KiB to
 *    4 MiB, EBUSY once the pin has left STOP (stream.c).
 *
 * Lock order (see filter.c): filter->gate, read-held around every handler
 * (they read the provider's descriptor and may call it); pin->lock inside it
 * for a pin's state, priority and format; filter->lock for the instance
 * counts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "filter.h"
#include "format.h"
#include "pin.h"
#include "property.h"
#include "stream.h"

/* Bytes of `in`, and of a SET's value, a request may bring. */
#define KS_PROP_BUF_MAX		65536
/* Requests and values up to this size are kept on the stack. */
#define KS_PROP_INLINE		128

#define KS_PROP_TYPES	(KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | \
			 KSPROPERTY_TYPE_SETSUPPORT | \
			 KSPROPERTY_TYPE_BASICSUPPORT)

/* Windows' KSALLOCATOR_FRAMING values (ks.h, wdm.h). */
#define KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY	0x00000001
#define KS_NONPAGED_POOL			0
#define KS_FILE_QUAD_ALIGNMENT			0x00000007
#define KS_FRAMING_FRAMES			8

/**
 * struct ks_prop_call - one request, as the handlers see it
 * @filter: the filter, entered while a handler runs
 * @pin: the pin of a pin fd, NULL on a filter fd
 * @prop: the copied `in`: the KSPROPERTY, then the instance data
 * @in_size: bytes at @prop
 * @set_value: a SET's value, copied from `out`
 * @set_size: bytes at @set_value
 * @value: a GET's value, zeroed before the handler fills it
 * @value_size: bytes at @value
 * @list: @value is a KSMULTIPLE_ITEM (answers sized-list queries)
 * @returned: what goes back in ks_ioctl_buffers.returned
 * @small: storage for a small @value
 */
struct ks_prop_call {
	struct ks_filter *filter;
	struct ks_pin *pin;
	const struct ks_identifier *prop;
	u32 in_size;
	const void *set_value;
	u32 set_size;
	void *value;
	u32 value_size;
	bool list;
	u32 returned;
	u64 small[KS_PROP_INLINE / sizeof(u64)];
};

/**
 * struct ks_prop_item - a property of a set
 * @id: KSPROPERTY.Id
 * @in_size: bytes of `in` the handlers read (KSPROPERTY and instance data)
 * @set_size: bytes a SET reads from `out`, at least
 * @get: GET handler, or NULL
 * @set: SET handler, or NULL
 */
struct ks_prop_item {
	u32 id;
	u32 in_size;
	u32 set_size;
	int (*get)(struct ks_prop_call *call);
	int (*set)(struct ks_prop_call *call);
};

struct ks_prop_set {
	struct ks_guid set;
	const struct ks_prop_item *items;
	unsigned int count;
};

struct ks_prop_table {
	const struct ks_prop_set *sets;
	unsigned int count;
};

/* ---- values ---- */

static void value_free(struct ks_prop_call *call)
{
	if (call->value != call->small)
		kvfree(call->value);
	call->value = NULL;
	call->value_size = 0;
	call->list = false;
}

/* A zeroed value buffer of @size bytes, replacing any earlier one. */
static void *value_alloc(struct ks_prop_call *call, u32 size)
{
	value_free(call);
	if (size <= sizeof(call->small)) {
		memset(call->small, 0, size);
		call->value = call->small;
	} else {
		call->value = kvzalloc(size, GFP_KERNEL);
		if (!call->value)
			return NULL;
	}
	call->value_size = size;
	return call->value;
}

static int value_copy(struct ks_prop_call *call, const void *src, u32 size)
{
	void *v = value_alloc(call, size);

	if (!v)
		return -ENOMEM;
	memcpy(v, src, size);
	return 0;
}

static int value_u32(struct ks_prop_call *call, u32 val)
{
	return value_copy(call, &val, sizeof(val));
}

/*
 * A KSMULTIPLE_ITEM of @count items in @size bytes (header included),
 * zeroed: the handler fills in the items.  NULL when out of memory.
 */
static struct ks_multiple_item *value_list(struct ks_prop_call *call,
					   u64 size, u32 count)
{
	struct ks_multiple_item *list;

	/* Provider data could only get here by a broken descriptor. */
	if (WARN_ON_ONCE(size > U32_MAX))
		return NULL;
	list = value_alloc(call, size);
	if (!list)
		return NULL;
	list->size = size;
	list->count = count;
	call->list = true;
	return list;
}

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
static int check_pin_format(struct ks_filter *filter, u32 pin_id,
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
	return value_u32(call, call->filter->desc->pins_count);
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
	v = value_alloc(call, sizeof(*v));
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
	return pin ? value_u32(call, pin->dataflow) : -EINVAL;
}

static int get_communication(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	return pin ? value_u32(call, pin->communication) : -EINVAL;
}

static int get_necessaryinstances(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	u32 id;

	pin = pin_of(call, &id);
	return pin ? value_u32(call, pin->necessary_instances) : -EINVAL;
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
	list = value_list(call, size, count);
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
	list = value_list(call, sizeof(*list) + (u64)count * sizeof(*ids),
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
	return value_copy(call, pin->category, sizeof(*pin->category));
}

/* The ASCII name as a NUL-terminated UTF-16LE string. */
static int get_name(struct ks_prop_call *call)
{
	const struct ks_pin_descriptor *pin;
	__le16 *wide;
	size_t len, i;
	u32 id;

	pin = pin_of(call, &id);
	if (!pin)
		return -EINVAL;
	if (!pin->name)
		return -ENOENT;
	len = strlen(pin->name);
	if (WARN_ON_ONCE(len >= U32_MAX / sizeof(*wide)))
		return -ENOMEM;
	wide = value_alloc(call, (len + 1) * sizeof(*wide));
	if (!wide)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		wide[i] = cpu_to_le16((u8)pin->name[i]);
	return 0;
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
	pc = value_alloc(call, size);
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
	fmt = value_alloc(call, size);
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
	return check_pin_format(call->filter, id, call->set_value,
				call->set_size, &bytes);
}

#define PROP_GET(_id, _in, _get) \
	{ .id = (_id), .in_size = (_in), .get = (_get) }

static const struct ks_prop_item pin_items[] = {
	PROP_GET(KSPROPERTY_PIN_CINSTANCES, sizeof(struct ks_p_pin),
		 get_cinstances),
	/* CTYPES names no pin: a plain KSPROPERTY. */
	PROP_GET(KSPROPERTY_PIN_CTYPES, sizeof(struct ks_identifier),
		 get_ctypes),
	PROP_GET(KSPROPERTY_PIN_DATAFLOW, sizeof(struct ks_p_pin),
		 get_dataflow),
	PROP_GET(KSPROPERTY_PIN_DATARANGES, sizeof(struct ks_p_pin),
		 get_dataranges),
	PROP_GET(KSPROPERTY_PIN_DATAINTERSECTION,
		 sizeof(struct ks_p_pin) + sizeof(struct ks_multiple_item),
		get_dataintersection),
	PROP_GET(KSPROPERTY_PIN_INTERFACES, sizeof(struct ks_p_pin),
		 get_interfaces),
	PROP_GET(KSPROPERTY_PIN_MEDIUMS, sizeof(struct ks_p_pin), get_mediums),
	PROP_GET(KSPROPERTY_PIN_COMMUNICATION, sizeof(struct ks_p_pin),
		 get_communication),
	PROP_GET(KSPROPERTY_PIN_GLOBALCINSTANCES, sizeof(struct ks_p_pin),
		 get_cinstances),
	PROP_GET(KSPROPERTY_PIN_NECESSARYINSTANCES, sizeof(struct ks_p_pin),
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
	return value_copy(call, cid, sizeof(*cid));
}

static int get_categories(struct ks_prop_call *call)
{
	const struct ks_filter_descriptor *desc = call->filter->desc;
	const size_t each = sizeof(*desc->categories);
	struct ks_multiple_item *list;

	list = value_list(call, sizeof(*list) + (u64)desc->categories_count * each,
			  desc->categories_count);
	if (!list)
		return -ENOMEM;
	if (desc->categories_count)
		memcpy(list + 1, desc->categories,
		       desc->categories_count * each);
	return 0;
}

static const struct ks_prop_item general_items[] = {
	PROP_GET(KSPROPERTY_GENERAL_COMPONENTID, sizeof(struct ks_identifier),
		 get_componentid),
};

static const struct ks_prop_item topology_items[] = {
	PROP_GET(KSPROPERTY_TOPOLOGY_CATEGORIES, sizeof(struct ks_identifier),
		 get_categories),
};

static const struct ks_prop_set filter_sets[] = {
	{ KSPROPSETID_PIN, pin_items, ARRAY_SIZE(pin_items) },
	{ KSPROPSETID_GENERAL, general_items, ARRAY_SIZE(general_items) },
	{ KSPROPSETID_TOPOLOGY, topology_items, ARRAY_SIZE(topology_items) },
};

static const struct ks_prop_table filter_props = {
	filter_sets, ARRAY_SIZE(filter_sets)
};

/* ---- pin fd: KSPROPSETID_Connection ---- */

static int get_state(struct ks_prop_call *call)
{
	return value_u32(call, READ_ONCE(call->pin->state));
}

static int set_state(struct ks_prop_call *call)
{
	u32 to = *(const u32 *)call->set_value;

	if (to > KSSTATE_RUN)
		return -EINVAL;
	return ks_pin_set_state(call->pin, to);
}

static int get_priority(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	struct ks_priority *v;

	v = value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	mutex_lock(&pin->lock);
	*v = pin->priority;
	mutex_unlock(&pin->lock);
	return 0;
}

static int set_priority(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;

	mutex_lock(&pin->lock);
	memcpy(&pin->priority, call->set_value, sizeof(pin->priority));
	mutex_unlock(&pin->lock);
	return 0;
}

/* The format exactly as given at creation or last set, byte for byte. */
static int get_dataformat(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	int ret;

	mutex_lock(&pin->lock);
	ret = value_copy(call, pin->format, pin->format_bytes);
	mutex_unlock(&pin->lock);
	return ret;
}

/*
 * Only while stopped (EBUSY otherwise), checked as a creation checks it:
 * EINVAL for a malformed format, EDOM for one the pin does not take.  What
 * is kept is the format and its attribute list, not the rest of `out`.
 */
static int set_dataformat(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	u32 bytes;
	int ret;

	if (READ_ONCE(pin->state) != KSSTATE_STOP)
		return -EBUSY;
	ret = check_pin_format(call->filter, pin->id, call->set_value,
			       call->set_size, &bytes);
	if (ret)
		return ret;
	return ks_pin_replace_format(pin, call->set_value, bytes);
}

/*
 * A frame: 10 ms of audio in whole blocks (at least one), or for other
 * formats the format's sample size, else a page.
 */
static u32 frame_size(const struct ks_dataformat *fmt)
{
	static const struct ks_guid wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
	const struct ks_dataformat_waveformatex *wf = (const void *)fmt;
	u64 blocks, size;
	u32 block;

	if (!ks_guid_equal(&fmt->specifier, &wave) ||
	    fmt->format_size < sizeof(*wf) || !wf->wave_format.block_align)
		return fmt->sample_size ? fmt->sample_size : PAGE_SIZE;
	block = wf->wave_format.block_align;
	blocks = max_t(u64, DIV_ROUND_UP_ULL(wf->wave_format.samples_per_sec,
					     100), 1);
	size = blocks * block;
	return size > U32_MAX ? rounddown(U32_MAX, block) : size;
}

/*
 * What a Windows audio pin reports: system memory, non-paged, 8 frames of
 * 10 ms, buffers 8-byte aligned (FILE_QUAD_ALIGNMENT).
 */
static int get_allocatorframing(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	struct ks_allocator_framing *v;

	v = value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->options_flags = KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY;
	v->pool_type = KS_NONPAGED_POOL;
	v->frames = KS_FRAMING_FRAMES;
	v->file_alignment = KS_FILE_QUAD_ALIGNMENT;
	mutex_lock(&pin->lock);
	v->frame_size = frame_size(pin->format);
	mutex_unlock(&pin->lock);
	return 0;
}

static const struct ks_prop_item connection_items[] = {
	{
		.id = KSPROPERTY_CONNECTION_STATE,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(u32),
		.get = get_state,
		.set = set_state,
	},
	{
		.id = KSPROPERTY_CONNECTION_PRIORITY,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_priority),
		.get = get_priority,
		.set = set_priority,
	},
	{
		.id = KSPROPERTY_CONNECTION_DATAFORMAT,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_dataformat),
		.get = get_dataformat,
		.set = set_dataformat,
	},
	PROP_GET(KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
		 sizeof(struct ks_identifier), get_allocatorframing),
};

/* ---- pin fd: KSPROPSETID_KSFILTER_STREAM ---- */

static int get_position(struct ks_prop_call *call)
{
	struct ks_audio_position *v;

	v = value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ks_stream_get_position(call->pin, v);
	return 0;
}

static int set_position(struct ks_prop_call *call)
{
	struct ks_audio_position pos;

	memcpy(&pos, call->set_value, sizeof(pos));
	return ks_stream_set_position(call->pin, &pos);
}

static int get_buffer(struct ks_prop_call *call)
{
	struct ks_stream_buffer *v;

	v = value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ks_stream_get_buffer(call->pin, v);
	return 0;
}

/* Only the size is read: the rest is what a GET reports. */
static int set_buffer(struct ks_prop_call *call)
{
	struct ks_stream_buffer buf;

	memcpy(&buf, call->set_value, sizeof(buf));
	return ks_stream_set_buffer(call->pin, buf.size);
}

static const struct ks_prop_item stream_items[] = {
	{
		.id = KSPROPERTY_KSFILTER_STREAM_POSITION,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_audio_position),
		.get = get_position,
		.set = set_position,
	},
	{
		.id = KSPROPERTY_KSFILTER_STREAM_BUFFER,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_stream_buffer),
		.get = get_buffer,
		.set = set_buffer,
	},
};

static const struct ks_prop_set pin_sets[] = {
	{ KSPROPSETID_CONNECTION, connection_items,
	  ARRAY_SIZE(connection_items) },
	{ KSPROPSETID_KSFILTER_STREAM, stream_items,
	  ARRAY_SIZE(stream_items) },
};

static const struct ks_prop_table pin_props = {
	pin_sets, ARRAY_SIZE(pin_sets)
};

/* ---- the core ---- */

static const struct ks_prop_set *find_set(const struct ks_prop_table *t,
					  const struct ks_guid *guid)
{
	unsigned int i;

	for (i = 0; i < t->count; i++) {
		if (ks_guid_equal(&t->sets[i].set, guid))
			return &t->sets[i];
	}
	return NULL;
}

static const struct ks_prop_item *find_item(const struct ks_prop_set *set,
					    u32 id)
{
	unsigned int i;

	for (i = 0; i < set->count; i++) {
		if (set->items[i].id == id)
			return &set->items[i];
	}
	return NULL;
}

/*
 * SETSUPPORT: the all-zero set asks for the GUIDs of every set; a known set
 * is supported (0, nothing written), an unknown one is not (ENOENT).
 */
static int set_support(const struct ks_prop_table *t,
		       const struct ks_prop_set *set, struct ks_prop_call *call)
{
	struct ks_guid *guids;
	unsigned int i;

	if (!ks_guid_is_null(&call->prop->set))
		return set ? 0 : -ENOENT;
	guids = value_alloc(call, t->count * sizeof(*guids));
	if (!guids)
		return -ENOMEM;
	for (i = 0; i < t->count; i++)
		guids[i] = t->sets[i].set;
	return 0;
}

/* BASICSUPPORT: the KSPROPERTY_TYPE_GET/SET bits the item offers. */
static int basic_support(const struct ks_prop_item *item,
			 struct ks_prop_call *call)
{
	return value_u32(call, (item->get ? KSPROPERTY_TYPE_GET : 0) |
			       (item->set ? KSPROPERTY_TYPE_SET : 0));
}

/*
 * A SET's value: `out`, at least the item's size (EOVERFLOW with the size
 * needed, as a short GET buffer), at most KS_PROP_BUF_MAX.  Copied once;
 * small values stay on the stack (@small, 8-byte aligned as the format
 * checks need).
 */
static int copy_set_value(struct ks_prop_call *call,
			  const struct ks_prop_item *item,
			  const struct ks_ioctl_buffers *io, u64 *small,
			  size_t small_size)
{
	void *v;

	if (io->out_size < item->set_size) {
		call->returned = item->set_size;
		return -EOVERFLOW;
	}
	if (io->out_size > KS_PROP_BUF_MAX)
		return -EINVAL;
	if (io->out_size <= small_size) {
		if (copy_from_user(small, u64_to_user_ptr(io->out),
				   io->out_size))
			return -EFAULT;
		v = small;
	} else {
		v = vmemdup_user(u64_to_user_ptr(io->out), io->out_size);
		if (IS_ERR(v))
			return PTR_ERR(v);
	}
	call->set_value = v;
	call->set_size = io->out_size;
	return 0;
}

/*
 * Copy a GET's value to `out`: all of it; for a KSMULTIPLE_ITEM and an
 * `out` of 4 or 8 bytes its size or its header (Windows' sized-list
 * queries); otherwise EOVERFLOW with the size needed.
 */
static int copy_value(struct ks_prop_call *call,
		      const struct ks_ioctl_buffers *io)
{
	u32 n = call->value_size;

	if (io->out_size < n) {
		if (!call->list || (io->out_size != sizeof(u32) &&
				    io->out_size != sizeof(struct ks_multiple_item))) {
			call->returned = n;
			return -EOVERFLOW;
		}
		n = io->out_size;
	}
	if (copy_to_user(u64_to_user_ptr(io->out), call->value, n))
		return -EFAULT;
	call->returned = n;
	return 0;
}

/* Run the handler with the filter entered: it may read the descriptor. */
static int run_handler(struct ks_prop_call *call,
		       int (*handler)(struct ks_prop_call *call))
{
	int ret;

	ret = ks_filter_enter(call->filter);
	if (ret)
		return ret;
	ret = handler(call);
	ks_filter_leave(call->filter);
	return ret;
}

/*
 * SET: the table's checks, then the value, then the handler.  The value
 * comes from userspace before the filter is entered: no user copy is ever
 * made with the gate held, so a slow page cannot hold up unregistration.
 */
static int do_set(struct ks_prop_call *call, const struct ks_prop_item *item,
		  const struct ks_ioctl_buffers *io)
{
	u64 small[KS_PROP_INLINE / sizeof(u64)];
	int ret;

	ret = copy_set_value(call, item, io, small, sizeof(small));
	if (ret)
		return ret;
	ret = run_handler(call, item->set);
	if (call->set_value != small)
		kvfree(call->set_value);
	call->set_value = NULL;
	return ret;
}

static int dispatch(const struct ks_prop_table *t, struct ks_prop_call *call,
		    const struct ks_ioctl_buffers *io)
{
	const struct ks_identifier *prop = call->prop;
	const struct ks_prop_set *set = find_set(t, &prop->set);
	const struct ks_prop_item *item;
	int (*handler)(struct ks_prop_call *call);
	int ret;

	if (prop->flags == KSPROPERTY_TYPE_SETSUPPORT) {
		ret = set_support(t, set, call);
		goto out;
	}
	item = set ? find_item(set, prop->id) : NULL;
	if (!item)
		return -ENOENT;
	if (prop->flags == KSPROPERTY_TYPE_BASICSUPPORT) {
		ret = basic_support(item, call);
		goto out;
	}
	handler = prop->flags == KSPROPERTY_TYPE_GET ? item->get : item->set;
	if (!handler)
		return -EOPNOTSUPP;
	if (call->in_size < item->in_size)
		return -EINVAL;
	if (prop->flags == KSPROPERTY_TYPE_SET)
		return do_set(call, item, io);
	ret = run_handler(call, handler);
out:
	if (!ret && call->value)
		ret = copy_value(call, io);
	value_free(call);
	return ret;
}

/* The request itself: reserved, `in` and its flags. */
static int property(const struct ks_prop_table *t, struct ks_prop_call *call,
		    const struct ks_ioctl_buffers *io)
{
	u64 small[KS_PROP_INLINE / sizeof(u64)];
	void *in;
	u32 flags;
	int ret;

	if (io->reserved || io->in_size < sizeof(struct ks_identifier) ||
	    io->in_size > KS_PROP_BUF_MAX)
		return -EINVAL;
	if (io->in_size <= sizeof(small)) {
		if (copy_from_user(small, u64_to_user_ptr(io->in), io->in_size))
			return -EFAULT;
		in = small;
	} else {
		in = vmemdup_user(u64_to_user_ptr(io->in), io->in_size);
		if (IS_ERR(in))
			return PTR_ERR(in);
	}
	call->prop = in;
	call->in_size = io->in_size;
	flags = call->prop->flags;
	/* Exactly one operation, and nothing else. */
	if ((flags & ~KS_PROP_TYPES) || hweight32(flags) != 1)
		ret = -EINVAL;
	else
		ret = dispatch(t, call, io);
	if (in != small)
		kvfree(in);
	return ret;
}

static long property_ioctl(const struct ks_prop_table *t,
			   struct ks_prop_call *call,
			   struct ks_ioctl_buffers __user *uio)
{
	struct ks_ioctl_buffers io;
	long ret;

	if (copy_from_user(&io, uio, sizeof(io)))
		return -EFAULT;
	call->returned = 0;
	ret = property(t, call, &io);
	if (ret != -EOVERFLOW && ret)
		call->returned = 0;
	if (put_user(call->returned, &uio->returned))
		return -EFAULT;
	return ret;
}

long ks_property_filter(struct ks_filter *filter, void __user *arg)
{
	struct ks_prop_call call = { .filter = filter };

	return property_ioctl(&filter_props, &call, arg);
}

long ks_property_pin(struct ks_pin *pin, void __user *arg)
{
	struct ks_prop_call call = { .filter = pin->filter, .pin = pin };

	return property_ioctl(&pin_props, &call, arg);
}
