// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: Windows Kernel Streaming pin connection for Linux.
 *
 * This file only runs the init/uninit pairs in order and unwinds them in
 * reverse; each concern lives in its own file.  No locks: module init and
 * exit do not race with anything of ours.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "compat.h"
#include "debugfs.h"
#include "chardev.h"
#include "filter.h"
#include "iface.h"
#include "link.h"
#include "loopback.h"
#include "pin.h"

static bool loopback = true;
module_param(loopback, bool, 0444);
MODULE_PARM_DESC(loopback, "Register the built-in ks-loopback filter (default: 1)");

static int __init ks_mod_init(void)
{
	int ret;

	/* Not fatal: debugfs is a debugging aid. */
	ks_debugfs_init();
	ret = ks_iface_init();
	if (ret)
		goto err_debugfs;
	ret = ks_pin_init();
	if (ret)
		goto err_iface;
	ret = ks_link_init();
	if (ret)
		goto err_pin;
	ret = ks_chardev_init();
	if (ret)
		goto err_link;
	if (loopback) {
		ret = ks_loopback_init();
		if (ret)
			goto err_chardev;
	}
	/* Publish last: other modules may use the filter factory at once. */
	ret = ks_factory_init();
	if (ret)
		goto err_loopback;
	pr_info("Kernel Streaming pin connection loaded\n");
	return 0;

err_loopback:
	ks_loopback_uninit();
err_chardev:
	ks_chardev_uninit();
err_link:
	ks_link_uninit();
err_pin:
	ks_pin_uninit();
err_iface:
	ks_iface_uninit();
err_debugfs:
	ks_debugfs_uninit();
	return ret;
}

static void __exit ks_mod_exit(void)
{
	ks_factory_uninit();
	ks_loopback_uninit();
	ks_chardev_uninit();
	ks_link_uninit();
	ks_pin_uninit();
	ks_iface_uninit();
	ks_debugfs_uninit();
}

module_init(ks_mod_init);
module_exit(ks_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Windows Kernel Streaming pin connection for Linux");
MODULE_AUTHOR("ksfilter developers");
MODULE_VERSION(KS_MODULE_VERSION);
