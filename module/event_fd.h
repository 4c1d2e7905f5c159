/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: KS_IOCTL_ENABLE_EVENT and KS_IOCTL_DISABLE_EVENT (event_fd.c).
 */
#ifndef _KS_EVENT_FD_H
#define _KS_EVENT_FD_H

#include <linux/compiler_types.h>
#include <linux/ks.h>

struct ks_pin;

long ks_event_pin_ioctl(struct ks_pin *pin, unsigned int cmd,
			struct ks_ioctl_buffers __user *uio);
/* On a clock fd: the clock events, kept with @pin's, owned by @clock. */
long ks_event_clock_ioctl(struct ks_pin *pin, const void *clock,
			  unsigned int cmd,
			  struct ks_ioctl_buffers __user *uio);
/* On a filter fd, which offers no event set yet. */
long ks_event_filter_ioctl(unsigned int cmd,
			   struct ks_ioctl_buffers __user *uio);

#endif /* _KS_EVENT_FD_H */
