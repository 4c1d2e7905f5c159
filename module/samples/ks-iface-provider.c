// SPDX-License-Identifier: GPL-2.0
/*
 * ks-iface-provider: a sample INTERFACE provider for ksfilter.
 *
 * It publishes KS_SAMPLE_INTERFACE (ks-iface-sample.h) in two versions of
 * different sizes: version 1 with add(), version 2 with add() and
 * multiply().  Both use one context, the provider's state, whose reference
 * count the provider keeps in its interface_reference/dereference callbacks,
 * as a Windows driver counts references on its device extension.
 *
 * Module parameters (/sys/module/ks_iface_provider/parameters/):
 *   versions (uint, 0444, default 3): which versions to publish, bit 0
 *	for version 1, bit 1 for version 2
 *   published (bool, 0644, default 1): writing 0 withdraws every version
 *	(references already handed out stay valid), 1 publishes them again
 *   duplicate (bool, 0444, default 0): at load, also try to publish
 *	version 1 a second time; the result goes to duplicate_result
 *   duplicate_result (int, 0444): that result (-EEXIST expected), else 0
 *   refs (int, 0444): references the provider's callbacks count now
 *   calls (int, 0444): calls made through the interface so far
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>

#include "ks-iface-sample.h"

/* What the context points to: the provider's own state. */
struct provider {
	atomic_t refs;
	atomic_t calls;
};

static struct provider provider = {
	.refs = ATOMIC_INIT(0),
	.calls = ATOMIC_INIT(0),
};

/* May run in atomic context: counts only. */
static void provider_reference(void *context)
{
	struct provider *p = context;

	atomic_inc(&p->refs);
}

static void provider_dereference(void *context)
{
	struct provider *p = context;

	WARN_ON_ONCE(atomic_dec_return(&p->refs) < 0);
}

static int provider_add(void *context, int a, int b)
{
	struct provider *p = context;

	atomic_inc(&p->calls);
	return a + b;
}

static int provider_multiply(void *context, int a, int b)
{
	struct provider *p = context;

	atomic_inc(&p->calls);
	return a * b;
}

static const struct ks_sample_interface_v1 sample_v1 = {
	.header = {
		.size = sizeof(sample_v1),
		.version = 1,
		.context = &provider,
		.interface_reference = provider_reference,
		.interface_dereference = provider_dereference,
	},
	.add = provider_add,
};

static const struct ks_sample_interface_v2 sample_v2 = {
	.header = {
		.size = sizeof(sample_v2),
		.version = 2,
		.context = &provider,
		.interface_reference = provider_reference,
		.interface_dereference = provider_dereference,
	},
	.add = provider_add,
	.multiply = provider_multiply,
};

static const struct ks_interface *const sample_versions[] = {
	&sample_v1.header,
	&sample_v2.header,
};

/*
 * Lock order: kernel_param_lock (a sysfs write to "published"),
 * provider_lock, then ksfilter's.  provider_lock serializes publication:
 * init, exit and writes to "published", which sysfs allows before init
 * has finished (provider_loaded false: the write is only recorded).
 */
static DEFINE_MUTEX(provider_lock);
static bool provider_loaded;
static unsigned int published_mask;
static unsigned int versions = 3;
static bool published = true;
static bool duplicate;
static int duplicate_result;

static void withdraw(void)
{
	const guid_t type = KS_SAMPLE_INTERFACE;
	unsigned int i;

	lockdep_assert_held(&provider_lock);
	for (i = 0; i < ARRAY_SIZE(sample_versions); i++) {
		if (published_mask & BIT(i))
			ks_unregister_interface(&type,
						sample_versions[i]->version);
	}
	published_mask = 0;
}

static int publish(void)
{
	const guid_t type = KS_SAMPLE_INTERFACE;
	unsigned int i;
	int ret;

	lockdep_assert_held(&provider_lock);
	for (i = 0; i < ARRAY_SIZE(sample_versions); i++) {
		if (!(versions & BIT(i)) || (published_mask & BIT(i)))
			continue;
		ret = ks_register_interface(&type, sample_versions[i],
					    THIS_MODULE);
		if (ret) {
			withdraw();
			return ret;
		}
		published_mask |= BIT(i);
	}
	return 0;
}

static int published_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	mutex_lock(&provider_lock);
	if (provider_loaded) {
		if (on)
			ret = publish();
		else
			withdraw();
	}
	if (!ret)
		published = on;
	mutex_unlock(&provider_lock);
	return ret;
}

static const struct kernel_param_ops published_ops = {
	.set = published_set,
	.get = param_get_bool,
};
module_param_cb(published, &published_ops, &published, 0644);
MODULE_PARM_DESC(published, "The sample interface is published (0 withdraws it, 1 publishes it again)");

module_param(versions, uint, 0444);
MODULE_PARM_DESC(versions, "Versions to publish: bit 0 version 1, bit 1 version 2 (default 3)");
module_param(duplicate, bool, 0444);
MODULE_PARM_DESC(duplicate, "At load, publish version 1 a second time (expecting EEXIST)");
module_param(duplicate_result, int, 0444);
MODULE_PARM_DESC(duplicate_result, "What the duplicate publication returned");

static int atomic_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops atomic_param_ops = {
	.get = atomic_param_get,
};
module_param_cb(refs, &atomic_param_ops, &provider.refs, 0444);
MODULE_PARM_DESC(refs, "References held on the provider's context");
module_param_cb(calls, &atomic_param_ops, &provider.calls, 0444);
MODULE_PARM_DESC(calls, "Calls made through the interface");

static int __init provider_init(void)
{
	const guid_t type = KS_SAMPLE_INTERFACE;
	int ret = 0;

	mutex_lock(&provider_lock);
	if (published)
		ret = publish();
	if (!ret && duplicate)
		duplicate_result = ks_register_interface(&type,
							 &sample_v1.header,
							 THIS_MODULE);
	/* A duplicate that got in would be withdrawn twice: refuse to load. */
	if (!ret && !duplicate_result && duplicate) {
		ks_unregister_interface(&type, 1);
		withdraw();
		ret = -EINVAL;
	}
	if (!ret)
		provider_loaded = true;
	mutex_unlock(&provider_lock);
	return ret;
}

static void __exit provider_exit(void)
{
	mutex_lock(&provider_lock);
	provider_loaded = false;
	withdraw();
	mutex_unlock(&provider_lock);
}

module_init(provider_init);
module_exit(provider_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: an INTERFACE provider in two versions");
MODULE_AUTHOR("ksfilter developers");
