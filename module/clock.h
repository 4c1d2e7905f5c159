/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: KS_IOCTL_CREATE_CLOCK on pin fds (clock.c).
 */
#ifndef _KS_CLOCK_H
#define _KS_CLOCK_H

#include <linux/compiler_types.h>
#include <linux/ks.h>

struct ks_pin;

/* A clock fd on @pin, or -errno. */
long ks_clock_create(struct ks_pin *pin, struct ks_create_clock __user *arg);

#endif /* _KS_CLOCK_H */
