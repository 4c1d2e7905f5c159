/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: /sys/kernel/debug/ksfilter/ and the live object counters it
 * shows.  The counters let tests check that every object created was
 * destroyed: they must be back at their start values after each test.
 */
#ifndef _KS_DEBUGFS_H
#define _KS_DEBUGFS_H

#include <linux/atomic.h>

struct dentry;

/*
 * Live objects: a filter counts from registration until its last reference
 * is dropped (which may be long after unregistration), a pin from creation
 * until it is freed, an interface reference from ks_query_interface() (or
 * interface_reference) until its interface_dereference, a connection
 * between two pins from its creation until it is freed.
 */
struct ks_stats {
	atomic_t filters;
	atomic_t pins;
	atomic_t interface_refs;
	atomic_t links;
};

extern struct ks_stats ks_stats;

/* The ksfilter directory for further files, or an ERR_PTR/NULL. */
extern struct dentry *ks_debugfs_dir;

void ks_debugfs_init(void);
void ks_debugfs_uninit(void);

#endif /* _KS_DEBUGFS_H */
