// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: debugfs.  /sys/kernel/debug/ksfilter/stats shows one counter a
 * line, "name value", values in decimal:
 *
 *	filters 1
 *	pins 0
 *	interface_refs 0
 *
 * No locks: the counters are atomics and a read is a snapshot.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "debugfs.h"

struct ks_stats ks_stats = {
	.filters = ATOMIC_INIT(0),
	.pins = ATOMIC_INIT(0),
	.interface_refs = ATOMIC_INIT(0),
	.links = ATOMIC_INIT(0),
};

struct dentry *ks_debugfs_dir;

static int stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "filters %d\n", atomic_read(&ks_stats.filters));
	seq_printf(m, "pins %d\n", atomic_read(&ks_stats.pins));
	seq_printf(m, "interface_refs %d\n",
		   atomic_read(&ks_stats.interface_refs));
	seq_printf(m, "links %d\n", atomic_read(&ks_stats.links));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/*
 * debugfs is a debugging aid: like the rest of the kernel we do not fail the
 * module load when it is missing, and its functions accept the ERR_PTR that
 * a failed creation left behind.
 */
void ks_debugfs_init(void)
{
	ks_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, ks_debugfs_dir, NULL, &stats_fops);
}

void ks_debugfs_uninit(void)
{
	debugfs_remove(ks_debugfs_dir);
	ks_debugfs_dir = NULL;
}
