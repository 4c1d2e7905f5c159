/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the character device and the filter fd (chardev.c).
 */
#ifndef _KS_CHARDEV_H
#define _KS_CHARDEV_H

struct ks_filter;
struct seq_file;

/* The class, the minors and the cdev; module init and exit. */
int ks_chardev_init(void);
void ks_chardev_uninit(void);

/* The filter lines of a filter or pin fd's fdinfo. */
void ks_filter_show_fdinfo(struct seq_file *m, struct ks_filter *filter);

#endif /* _KS_CHARDEV_H */
