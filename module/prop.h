/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: what the property handlers share with the dispatcher
 * (property.c): a request as the handlers see it, the tables they fill
 * and the value helpers.  property_filter.c answers on filter fds,
 * property_pin.c on pin fds.
 */
#ifndef _KS_PROP_H
#define _KS_PROP_H

#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/ksfilter.h>

struct ks_filter;
struct ks_node_control;
struct ks_pin;

/* Requests and values up to this size are kept on the stack. */
#define KS_PROP_INLINE		128

/**
 * struct ks_prop_call - one request, as the handlers see it
 * @filter: the filter, entered while a handler runs
 * @pin: the pin of a pin fd, NULL on a filter fd
 * @file: the fd's file, which @map maps
 * @prop: the copied `in`: the KSPROPERTY, then the instance data
 * @in_size: bytes at @prop
 * @out_size: bytes of `out`
 * @set_value: a SET's value, copied from `out`
 * @value: a GET's value, zeroed before the handler fills it
 * @commit: run with the filter entered once the value is written back:
 *	what it describes becomes true there, checked again
 * @mapped: the address of the mapping made, or 0
 * @set_size: bytes at @set_value
 * @value_size: bytes at @value
 * @returned: what goes back in ks_ioctl_buffers.returned
 * @map_len: a GET's value that hands out a mapping (WaveRT, wavert.c):
 *	after the handler, with the filter left, the core maps @map_len
 *	bytes of @file at @map.offset with @map.prot for the caller
 *	(@map.hint is mmap's addr) and puts the address plus @map.field in
 *	the value's first 8 bytes; the mapping is taken down again if the
 *	value cannot be written back or @commit fails
 * @list: @value is a KSMULTIPLE_ITEM (answers sized-list queries)
 * @described: @value is a BASICSUPPORT description, which answers a
 *	shorter `out` with its first 40 or 4 bytes (ks_value_describe())
 * @map: the rest of the mapping, read only when @map_len is set
 * @small: storage for a small @value; left unzeroed
 *
 * Only the answer, @set_value to @described, is zeroed for each request,
 * member by member (property.c's answer_clear()): the request's fields
 * are all set before anything reads them, and @map and @small are
 * written before they are read.
 */
struct ks_prop_call {
	struct ks_filter *filter;
	struct ks_pin *pin;
	struct file *file;
	const struct ks_identifier *prop;
	u32 in_size;
	u32 out_size;
	/* The answer: zeroed for each request, set_value to described. */
	const void *set_value;
	void *value;
	int (*commit)(struct ks_prop_call *call);
	unsigned long mapped;
	u32 set_size;
	u32 value_size;
	u32 returned;
	u32 map_len;
	bool list;
	bool described;
	struct {
		u32 prot;
		u32 field;
		u64 offset;
		u64 hint;
	} map;
	u64 small[KS_PROP_INLINE / sizeof(u64)];
};

static_assert(offsetof(struct ks_prop_call, small) + KS_PROP_INLINE ==
	      sizeof(struct ks_prop_call));

/**
 * struct ks_prop_item - a property of a set
 * @id: KSPROPERTY.Id
 * @in_size: bytes of `in` the handlers read (KSPROPERTY and instance data)
 * @set_size: bytes a SET reads from `out`, at least
 * @get: GET handler, or NULL
 * @set: SET handler, or NULL
 * @describe: BASICSUPPORT handler, or NULL for the description the core
 *	makes of @get, @set and @vt
 * @vt: the value's type (KS_VT_*) in a BASICSUPPORT description, or 0
 *	for a structure
 */
struct ks_prop_item {
	u32 id;
	u32 in_size;
	u32 set_size;
	int (*get)(struct ks_prop_call *call);
	int (*set)(struct ks_prop_call *call);
	int (*describe)(struct ks_prop_call *call);
	u32 vt;
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

/* A table entry for a property that only answers GET. */
#define PROP_GET(_id, _in, _get) \
	{ .id = (_id), .in_size = (_in), .get = (_get) }
/* The same, for a __u32 value. */
#define PROP_GET_U32(_id, _in, _get) \
	{ .id = (_id), .in_size = (_in), .get = (_get), .vt = KS_VT_UI4 }

/*
 * The sets filter fds and pin fds answer, and those of a node, which both
 * answer with KSPROPERTY_TYPE_TOPOLOGY (property_node.c).
 */
extern const struct ks_prop_table ks_filter_props;
extern const struct ks_prop_table ks_pin_props;
extern const struct ks_prop_table ks_node_props;
/* A clock fd's (property_clock.c); its requests carry the clock's pin. */
extern const struct ks_prop_table ks_clock_props;
/* KSPROPSETID_RtAudio's items on pin fds (wavert.c). */
#define KS_RT_ITEMS	8
extern const struct ks_prop_item ks_rt_items[KS_RT_ITEMS];

/*
 * A GET's value.  ks_value_alloc() gives a zeroed buffer of @size bytes,
 * replacing any earlier one (NULL when out of memory); the others fill it
 * in: a copy of @src, a u32, or a KSMULTIPLE_ITEM header of @count items
 * in @size bytes (header included) whose items the handler fills in.
 */
void *ks_value_alloc(struct ks_prop_call *call, u32 size);
void ks_value_free(struct ks_prop_call *call);
int ks_value_copy(struct ks_prop_call *call, const void *src, u32 size);
struct ks_multiple_item *ks_value_list(struct ks_prop_call *call, u64 size,
				       u32 count);

/*
 * Inline, as most GETs' values are one u32: no call, nothing allocated
 * (under emulation a call and its return cost as much as a short copy).
 */
static inline int ks_value_u32(struct ks_prop_call *call, u32 val)
{
	if (unlikely(call->value))
		ks_value_free(call);
	memcpy(call->small, &val, sizeof(val));
	call->value = call->small;
	call->value_size = sizeof(val);
	return 0;
}

/*
 * The value (its first 8 bytes a u64 the core fills in) hands out a
 * mapping of @len bytes of the fd's file at @offset, @prot, near @hint,
 * and its address plus @field goes in the value (struct ks_prop_call.map).
 * Every member at once: only map_len is zeroed for each request.
 */
static inline void ks_value_map(struct ks_prop_call *call, u64 offset,
				u64 hint, u32 len, u32 prot, u32 field)
{
	call->map.offset = offset;
	call->map.hint = hint;
	call->map.prot = prot;
	call->map.field = field;
	call->map_len = len;
}

/* An ASCII string as a NUL-terminated UTF-16LE value. */
int ks_value_utf16(struct ks_prop_call *call, const char *ascii);

/*
 * BASICSUPPORT's value: a KSPROPERTY_DESCRIPTION with @access and @vt,
 * then @c's stepped ranges if @c is not NULL (topology.c ks_describe()).
 */
int ks_value_describe(struct ks_prop_call *call, u32 access, u32 vt,
		      const struct ks_node_control *c);

/*
 * A format for pin type @pin_id, as a creation checks it (rows 11 and 12):
 * the pure checks, then the provider's.  *@bytes is the format's size,
 * attribute list included.  Filter entered.
 */
int ks_prop_check_format(struct ks_filter *filter, u32 pin_id,
			 const struct ks_dataformat *fmt, u32 avail,
			 u32 *bytes);

#endif /* _KS_PROP_H */
