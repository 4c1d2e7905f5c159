/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: KS_IOCTL_ENABLE_EVENT and KS_IOCTL_DISABLE_EVENT (event_fd.c).
 */
#ifndef _KS_EVENT_FD_H
#define _KS_EVENT_FD_H

#include <linux/compiler_types.h>
#include <linux/ks.h>

struct file;
struct ks_filter;
struct ks_pin;

long ks_event_pin_ioctl(struct ks_pin *pin, unsigned int cmd,
			struct ks_ioctl_buffers __user *uio);
/* On a clock fd: the clock events, kept with @pin's, owned by @clock. */
long ks_event_clock_ioctl(struct ks_pin *pin, const void *clock,
			  unsigned int cmd,
			  struct ks_ioctl_buffers __user *uio);
/* On a filter fd: its nodes' events, owned by @file. */
long ks_event_filter_ioctl(struct ks_filter *filter, struct file *file,
			   unsigned int cmd,
			   struct ks_ioctl_buffers __user *uio);
/* An fd closes: the node events @owner (its file, or its pin) enabled go. */
void ks_event_node_release(struct ks_filter *filter, const void *owner);

#endif /* _KS_EVENT_FD_H */
