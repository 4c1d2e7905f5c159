/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: KS_IOCTL_PROPERTY on filter and pin fds (SPEC 6).  The rules
 * are at the top of property.c; locks in filter.h.
 */
#ifndef _KS_PROPERTY_H
#define _KS_PROPERTY_H

#include <linux/compiler_types.h>

struct file;
struct ks_filter;
struct ks_pin;

/*
 * KS_IOCTL_PROPERTY on a filter fd / a pin fd: @arg points at the caller's
 * struct ks_ioctl_buffers.  Returns 0 or a negative errno; `returned` is
 * written back whenever the buffers could be read.
 */
long ks_property_filter(struct ks_filter *filter, void __user *arg);
long ks_property_pin(struct ks_pin *pin, struct file *file, void __user *arg);
long ks_property_clock(struct ks_pin *pin, void __user *arg);

#endif /* _KS_PROPERTY_H */
