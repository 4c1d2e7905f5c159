/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: creating pins and the pin fd (pin_fd.c).
 */
#ifndef _KS_PIN_FD_H
#define _KS_PIN_FD_H

#include <linux/compiler_types.h>

struct file;
struct ks_create_pin;
struct ks_filter;

/* KS_IOCTL_CREATE_PIN on @filter_file: returns the new pin fd. */
long ks_pin_create(struct ks_filter *filter, struct file *filter_file,
		   struct ks_create_pin __user *uargs);

#endif /* _KS_PIN_FD_H */
