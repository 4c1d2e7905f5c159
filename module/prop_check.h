/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure checks of a KS_IOCTL_PROPERTY request before a handler runs (SPEC 6):
 * the buffers, the KSPROPERTY's flags and, once the table has named the
 * item, the sizes it needs.  No kernel services: see pure.h.  Inline: they
 * are on the path of every property request, and property.c calls each in
 * one place.
 */
#ifndef _KS_PROP_CHECK_H
#define _KS_PROP_CHECK_H

#include "pure.h"

/* Bytes of `in`, and of a SET's value, a request may bring. */
#define KS_PROP_BUF_MAX		65536

#define KS_PROP_TYPES	(KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | \
			 KSPROPERTY_TYPE_SETSUPPORT | \
			 KSPROPERTY_TYPE_BASICSUPPORT)

/*
 * The ioctl's buffers, before `in` is copied: reserved must be 0 and `in`
 * hold a KSPROPERTY, at most KS_PROP_BUF_MAX bytes.  Returns 0 or -EINVAL.
 */
static inline int ks_prop_check_buffers(u32 reserved, u32 in_size)
{
	if (reserved || in_size < sizeof(struct ks_identifier) ||
	    in_size > KS_PROP_BUF_MAX)
		return -EINVAL;
	return 0;
}

/*
 * The KSPROPERTY's flags, with `in` copied (@in_size bytes): exactly one
 * operation and nothing else but KSPROPERTY_TYPE_TOPOLOGY, whose KSP_NODE
 * must fit in `in`.  Returns the operation (a KSPROPERTY_TYPE_* bit) or
 * -EINVAL.
 */
static inline int ks_prop_check_flags(u32 flags, u32 in_size)
{
	u32 op = flags & ~KSPROPERTY_TYPE_TOPOLOGY;

	if (!op || (op & (op - 1)) || (op & ~KS_PROP_TYPES))
		return -EINVAL;
	if ((flags & KSPROPERTY_TYPE_TOPOLOGY) &&
	    in_size < sizeof(struct ks_p_node))
		return -EINVAL;
	return (int)op;
}

/*
 * A GET or SET of an item the table has (@op from ks_prop_check_flags()):
 * offered (@handler, else -EOPNOTSUPP), `in` long enough for the item
 * (@item_in, else -EINVAL) and, for SET, a value of at least @item_set bytes
 * (else -EOVERFLOW with *@returned the size needed) and at most
 * KS_PROP_BUF_MAX (else -EINVAL).  Returns 0 when the handler may run.
 */
static inline int ks_prop_check_call(u32 op, bool handler, u32 in_size,
				     u32 item_in, u32 out_size, u32 item_set,
				     u32 *returned)
{
	if (!handler)
		return -EOPNOTSUPP;
	if (in_size < item_in)
		return -EINVAL;
	if (op != KSPROPERTY_TYPE_SET)
		return 0;
	if (out_size < item_set) {
		*returned = item_set;
		return -EOVERFLOW;
	}
	return out_size > KS_PROP_BUF_MAX ? -EINVAL : 0;
}

#endif /* _KS_PROP_CHECK_H */
