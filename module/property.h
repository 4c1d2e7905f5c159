/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: KS_IOCTL_PROPERTY on filter and pin fds (SPEC 6).  The rules
 * are at the top of property.c; locks in filter.h.
 */
#ifndef _KS_PROPERTY_H
#define _KS_PROPERTY_H

#include <linux/compiler_types.h>

#include "pin.h"
#include "prop.h"

struct file;
struct ks_filter;

/*
 * KS_IOCTL_PROPERTY against table @t: @arg points at the caller's struct
 * ks_ioctl_buffers; @pin and @file are NULL on a filter fd, @file on a
 * clock fd.  Returns 0 or a negative errno; `returned` is written back
 * whenever the buffers could be read.  The fd types call it through the
 * inline wrappers below, so that the property path starts with one call.
 */
long ks_property_ioctl(const struct ks_prop_table *t, struct ks_filter *filter,
		       struct ks_pin *pin, struct file *file,
		       void __user *arg);

/* On a filter fd. */
static inline long ks_property_filter(struct ks_filter *filter,
				      void __user *arg)
{
	return ks_property_ioctl(&ks_filter_props, filter, NULL, NULL, arg);
}

/* On a pin fd, @file: WaveRT maps it for the caller. */
static inline long ks_property_pin(struct ks_pin *pin, struct file *file,
				   void __user *arg)
{
	return ks_property_ioctl(&ks_pin_props, pin->filter, pin, file, arg);
}

/* On a clock fd: its requests carry the clock's pin. */
static inline long ks_property_clock(struct ks_pin *pin, void __user *arg)
{
	return ks_property_ioctl(&ks_clock_props, pin->filter, pin, NULL, arg);
}

#endif /* _KS_PROPERTY_H */
