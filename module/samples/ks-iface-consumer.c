// SPDX-License-Identifier: GPL-2.0
/*
 * ks-iface-consumer: a sample INTERFACE consumer for ksfilter.
 *
 * At load it queries an interface with ks_query_interface() and the
 * module parameters below, calls through it when it is the sample type
 * (ks-iface-sample.h), and holds the reference until it is unloaded, so the
 * provider's module cannot be removed meanwhile.  When the query fails the
 * load fails with the query's errno (ENOENT, EPROTONOSUPPORT, EINVAL).
 *
 * Module parameters (/sys/module/ks_iface_consumer/parameters/):
 *   type (charp, 0444): the interface type as a GUID string (default the
 *	sample type, C928C569-9822-4E88-A25B-3B4C2124DE4A)
 *   version (ushort, 0444, default 2): the version asked for
 *   size (ushort, 0444, default 0): the size of the caller's structure;
 *	0 means that of the sample's version 2
 *   got_version, got_size (ushort, 0444): what the query returned
 *   tail_intact (bool, 0444): the bytes of the caller's structure beyond
 *	the returned size were left as they were
 *   result (string, 0444): the calls' results, e.g. "add=5 multiply=6"
 *   call (int, 0200): writing N calls add(N, N + 1) (and multiply on
 *	version 2) through the held interface and updates result
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ks-iface-sample.h"

#define FILL 0xa5

static char *type = KS_SAMPLE_INTERFACE_STR;
module_param(type, charp, 0444);
MODULE_PARM_DESC(type, "Interface type GUID (default: the sample interface)");
static ushort version = 2;
module_param(version, ushort, 0444);
MODULE_PARM_DESC(version, "Version asked for (default 2)");
static ushort size;
module_param(size, ushort, 0444);
MODULE_PARM_DESC(size, "Size of the caller's structure (0: the sample's version 2)");
static ushort got_version;
module_param(got_version, ushort, 0444);
MODULE_PARM_DESC(got_version, "Version the query returned");
static ushort got_size;
module_param(got_size, ushort, 0444);
MODULE_PARM_DESC(got_size, "Size of the structure the query returned");
static bool tail_intact;
module_param(tail_intact, bool, 0444);
MODULE_PARM_DESC(tail_intact, "Bytes beyond the returned size were left untouched");

static char result[64];
module_param_string(result, result, sizeof(result), 0444);
MODULE_PARM_DESC(result, "Results of the calls through the interface");

/* The held interface; sample_type says whether it is ours to call. */
static DEFINE_MUTEX(consumer_lock);
static struct ks_interface *held;
static bool sample_type;

static void call_sample(int a)
{
	const struct ks_sample_interface_v2 *s = (const void *)held;
	int len;

	lockdep_assert_held(&consumer_lock);
	if (!held || !sample_type) {
		strscpy(result, "not the sample type", sizeof(result));
		return;
	}
	len = scnprintf(result, sizeof(result), "add=%d",
			s->add(held->context, a, a + 1));
	if (held->version >= 2 && held->size >= sizeof(*s))
		scnprintf(result + len, sizeof(result) - len, " multiply=%d",
			  s->multiply(held->context, a, a + 1));
}

static int call_set(const char *val, const struct kernel_param *kp)
{
	int a, ret;

	ret = kstrtoint(val, 0, &a);
	if (ret)
		return ret;
	mutex_lock(&consumer_lock);
	call_sample(a);
	mutex_unlock(&consumer_lock);
	return 0;
}

static const struct kernel_param_ops call_ops = {
	.set = call_set,
};
module_param_cb(call, &call_ops, NULL, 0200);
MODULE_PARM_DESC(call, "Write N: call add(N, N + 1) (and multiply) through the interface");

static bool untouched(const u8 *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from] != FILL)
			return false;
	return true;
}

static int __init consumer_init(void)
{
	const guid_t sample = KS_SAMPLE_INTERFACE;
	struct ks_interface *iface;
	size_t buf_size;
	guid_t guid;
	int ret;

	ret = guid_parse(type, &guid);
	if (ret)
		return ret;
	if (!size)
		size = sizeof(struct ks_sample_interface_v2);
	buf_size = max_t(size_t, size, sizeof(*iface));
	iface = kmalloc(buf_size, GFP_KERNEL);
	if (!iface)
		return -ENOMEM;
	memset(iface, FILL, buf_size);

	ret = ks_query_interface(&guid, size, version, iface, NULL);
	if (ret) {
		pr_info("query %pUL version %u size %u: %d\n", &guid, version,
			size, ret);
		kfree(iface);
		return ret;
	}
	got_version = iface->version;
	got_size = iface->size;
	tail_intact = untouched((const u8 *)iface, iface->size, size);

	mutex_lock(&consumer_lock);
	held = iface;
	sample_type = guid_equal(&guid, &sample);
	call_sample(2);
	mutex_unlock(&consumer_lock);
	pr_info("holding %pUL version %u (%s)\n", &guid, got_version, result);
	return 0;
}

static void __exit consumer_exit(void)
{
	mutex_lock(&consumer_lock);
	held->interface_dereference(held->context);
	kfree(held);
	held = NULL;
	mutex_unlock(&consumer_lock);
}

module_init(consumer_init);
module_exit(consumer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: an INTERFACE consumer");
MODULE_AUTHOR("ksfilter developers");
