/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: KS_IOCTL_ENABLE_EVENT and KS_IOCTL_DISABLE_EVENT (event_fd.c).
 */
#ifndef _KS_EVENT_FD_H
#define _KS_EVENT_FD_H

#include <linux/compiler_types.h>
#include <linux/ks.h>

struct ks_pin;

/* On @pin's fd, or with @pin NULL on a filter fd, which offers no event. */
long ks_event_ioctl(struct ks_pin *pin, unsigned int cmd,
		    struct ks_ioctl_buffers __user *uio);

#endif /* _KS_EVENT_FD_H */
