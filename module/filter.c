// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: filters, /dev/ksfilterN and the filter fd.
 *
 * Lock order:
 *	filter->gate (rw_semaphore)
 *	  pin->lock (mutex, pin.c)
 *	    filter->lock (mutex)
 *	xa_lock(&ks_filters) is a leaf: nothing is taken under it.
 *
 * Unregistration.  The provider may unregister while fds are open, and once
 * ks_filter_unregister() returns its callbacks must not run and its
 * descriptor may be gone.  filter->gate makes that so: every call into the
 * provider happens with the gate held for reading after checking that the
 * filter is not dead (ks_filter_enter()); unregistration takes the gate for
 * writing, so when it has it no callback is running and none can start.  It
 * sets dead and, still holding the gate, closes the provider's side of the
 * pins that are still open.  filter->dead is written under both the gate
 * (for writing) and filter->lock, so holding either is enough to read it;
 * poll and the quick ENODEV answers read it with READ_ONCE(), which is only
 * ever a hint that a later check under the gate confirms.
 *
 * Lifetime.  A filter is freed by its kref.  Registration holds a reference
 * until unregistration, every filter fd and every pin one.  The device node
 * and the minor go away at unregistration; the object stays until the last
 * fd is closed.  The provider's module is pinned while the filter has open
 * fds and is registered (fd_opened() below), so a provider cannot be
 * removed under its fds unless it unregisters the filter itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "compat.h"
#include "debugfs.h"
#include "filter.h"
#include "pin.h"
#include "property.h"

/* The longest physical-connection peer name a pin descriptor may give. */
#define KS_NAME_MAX		256

/* How many filters may be registered at once: /dev/ksfilter0 to 255. */
#define KS_FILTER_MINORS	256

/* Registered filters by minor; also hands out the lowest free minor. */
static DEFINE_XARRAY_ALLOC(ks_filters);
static dev_t ks_devt;
static struct cdev ks_cdev;

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct ks_filter *filter = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", filter->name);
}
static DEVICE_ATTR_RO(name);

static ssize_t pins_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct ks_filter *filter = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", filter->pins_count);
}
static DEVICE_ATTR_RO(pins);

static struct attribute *ks_filter_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_pins.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ks_filter);

static struct class ks_class = {
	.name = "ksfilter",
	.dev_groups = ks_filter_groups,
};

struct ks_filter *ks_filter_get(struct ks_filter *filter)
{
	kref_get(&filter->ref);
	return filter;
}

static void release(struct kref *ref)
{
	struct ks_filter *filter = container_of(ref, struct ks_filter, ref);

	WARN_ON(!list_empty(&filter->pins));
	mutex_destroy(&filter->lock);
	kfree(filter->name);
	kfree(filter);
	atomic_dec(&ks_stats.filters);
}

void ks_filter_put(struct ks_filter *filter)
{
	kref_put(&filter->ref, release);
}

int ks_filter_enter(struct ks_filter *filter)
{
	if (down_read_killable(&filter->gate))
		return -EINTR;
	if (filter->dead) {
		up_read(&filter->gate);
		return -ENODEV;
	}
	return 0;
}

void ks_filter_leave(struct ks_filter *filter)
{
	up_read(&filter->gate);
}

/*
 * The first fd pins the provider's module and the last one unpins it.
 * Unregistration unpins it early (see kill()), after which no new fd can be
 * opened, so the pin is never taken again.
 */
int ks_filter_fd_opened(struct ks_filter *filter)
{
	int ret = 0;

	mutex_lock(&filter->lock);
	if (filter->dead) {
		ret = -ENODEV;
	} else if (!filter->owner_pinned) {
		if (try_module_get(filter->owner))
			filter->owner_pinned = true;
		else
			ret = -ENODEV;
	}
	if (!ret)
		filter->open_fds++;
	mutex_unlock(&filter->lock);
	return ret;
}

static void unpin_owner(struct ks_filter *filter)
{
	lockdep_assert_held(&filter->lock);
	if (filter->owner_pinned) {
		module_put(filter->owner);
		filter->owner_pinned = false;
	}
}

void ks_filter_fd_closed(struct ks_filter *filter)
{
	mutex_lock(&filter->lock);
	if (!--filter->open_fds)
		unpin_owner(filter);
	mutex_unlock(&filter->lock);
}

int ks_filter_reserve_instance(struct ks_filter *filter, unsigned int pin_id)
{
	unsigned int possible;
	int ret = 0;

	/* The descriptor is only valid while the filter is entered. */
	lockdep_assert_held(&filter->gate);
	possible = filter->desc->pins[pin_id].possible_instances;
	mutex_lock(&filter->lock);
	if (possible != KS_INSTANCES_UNLIMITED &&
	    filter->instances[pin_id] >= possible)
		ret = -EBUSY;
	else
		filter->instances[pin_id]++;
	mutex_unlock(&filter->lock);
	return ret;
}

void ks_filter_release_instance(struct ks_filter *filter, unsigned int pin_id)
{
	mutex_lock(&filter->lock);
	WARN_ON(!filter->instances[pin_id]);
	filter->instances[pin_id]--;
	mutex_unlock(&filter->lock);
}

void ks_filter_show_fdinfo(struct seq_file *m, struct ks_filter *filter)
{
	seq_printf(m, "ks-filter:\t%s\n", filter->name);
	seq_printf(m, "ks-filter-minor:\t%u\n", filter->minor);
	seq_printf(m, "ks-filter-state:\t%s\n",
		   READ_ONCE(filter->dead) ? "unregistered" : "registered");
}

static struct ks_filter *lookup(unsigned int minor)
{
	struct ks_filter *filter;

	xa_lock(&ks_filters);
	filter = xa_load(&ks_filters, minor);
	if (filter && !kref_get_unless_zero(&filter->ref))
		filter = NULL;
	xa_unlock(&ks_filters);
	return filter;
}

static int filter_open(struct inode *inode, struct file *file)
{
	struct ks_filter *filter;
	int ret;

	/* The chrdev region starts at minor 0: the minor is the index. */
	filter = lookup(iminor(inode));
	if (!filter)
		return -ENODEV;
	ret = ks_filter_fd_opened(filter);
	if (ret) {
		ks_filter_put(filter);
		return ret;
	}
	file->private_data = filter;
	stream_open(inode, file);
	return 0;
}

static int filter_release(struct inode *inode, struct file *file)
{
	struct ks_filter *filter = file->private_data;

	ks_filter_fd_closed(filter);
	ks_filter_put(filter);
	return 0;
}

/* What this module implements of the ABI (KS_FEATURE_*, uapi/linux/ks.h). */
#define KS_FEATURES (KS_FEATURE_PROPERTIES | KS_FEATURE_STREAMING |		\
		     KS_FEATURE_LOOPED_STREAMING | KS_FEATURE_STREAM_HEADERS |	\
		     KS_FEATURE_INTERFACE_TABLE | KS_FEATURE_PIN_TO_HANDLE)

/* KS_IOCTL_VERSION: the ABI version and features; every byte is written. */
static long version_ioctl(struct ks_version __user *uver)
{
	struct ks_version ver;

	memset(&ver, 0, sizeof(ver));
	ver.abi_major = KS_ABI_MAJOR;
	ver.abi_minor = KS_ABI_MINOR;
	ver.features = KS_FEATURES;
	strscpy(ver.module_version, KS_MODULE_VERSION,
		sizeof(ver.module_version));
	return copy_to_user(uver, &ver, sizeof(ver)) ? -EFAULT : 0;
}

static long filter_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct ks_filter *filter = file->private_data;

	/*
	 * KS_IOCTL_CREATE_PIN judges the request itself first (rows 1 to 3)
	 * and reports an unregistered filter with its reason code.
	 */
	if (cmd == KS_IOCTL_CREATE_PIN)
		return ks_pin_create(filter, file, (void __user *)arg);
	if (READ_ONCE(filter->dead))
		return -ENODEV;
	if (cmd == KS_IOCTL_PROPERTY)
		return ks_property_filter(filter, (void __user *)arg);
	if (cmd == KS_IOCTL_VERSION)
		return version_ioctl((void __user *)arg);
	return -ENOTTY;
}

static __poll_t filter_poll(struct file *file, poll_table *wait)
{
	struct ks_filter *filter = file->private_data;

	poll_wait(file, &filter->wait, wait);
	return READ_ONCE(filter->dead) ? EPOLLERR | EPOLLHUP : 0;
}

static void filter_show_fdinfo(struct seq_file *m, struct file *file)
{
	ks_filter_show_fdinfo(m, file->private_data);
}

static const struct file_operations ks_filter_fops = {
	.owner = THIS_MODULE,
	.open = filter_open,
	.release = filter_release,
	.unlocked_ioctl = filter_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = filter_poll,
	.show_fdinfo = filter_show_fdinfo,
};

static bool pin_desc_valid(const struct ks_pin_descriptor *pin)
{
	unsigned int i;

	if (pin->dataflow != KSPIN_DATAFLOW_IN &&
	    pin->dataflow != KSPIN_DATAFLOW_OUT)
		return false;
	if (pin->communication > KSPIN_COMMUNICATION_BRIDGE)
		return false;
	/* KSPROPERTY_PIN_PHYSICALCONNECTION spells the name out in UTF-16. */
	if (pin->physical && (!pin->physical->filter ||
			      strnlen(pin->physical->filter, KS_NAME_MAX) ==
			      KS_NAME_MAX))
		return false;
	if ((pin->interfaces_count && !pin->interfaces) ||
	    (pin->mediums_count && !pin->mediums) ||
	    (pin->data_ranges_count && !pin->data_ranges))
		return false;
	for (i = 0; i < pin->data_ranges_count; i++) {
		const struct ks_dataformat *range = pin->data_ranges[i].range;
		const struct ks_multiple_item *attrs =
			pin->data_ranges[i].attributes;

		if (!range || range->format_size < sizeof(*range))
			return false;
		/* KSPROPERTY_PIN_DATARANGES copies the list by its size. */
		if (attrs && attrs->size < sizeof(*attrs))
			return false;
	}
	return true;
}

/* Catch a provider's mistakes at registration rather than at first use. */
static bool desc_valid(const struct ks_filter_descriptor *desc)
{
	unsigned int i;

	if (!desc || !desc->name || !*desc->name)
		return false;
	if ((desc->pins_count && !desc->pins) ||
	    (desc->categories_count && !desc->categories))
		return false;
	for (i = 0; i < desc->pins_count; i++) {
		if (!pin_desc_valid(&desc->pins[i])) {
			pr_err("%s: pin %u: invalid descriptor\n",
			       desc->name, i);
			return false;
		}
	}
	return true;
}

static struct ks_filter *alloc(const struct ks_filter_descriptor *desc,
			       void *context)
{
	struct ks_filter *filter;

	filter = kzalloc(struct_size(filter, instances, desc->pins_count),
			 GFP_KERNEL);
	if (!filter)
		return ERR_PTR(-ENOMEM);
	filter->name = kstrdup(desc->name, GFP_KERNEL);
	if (!filter->name) {
		kfree(filter);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&filter->ref);
	init_rwsem(&filter->gate);
	mutex_init(&filter->lock);
	INIT_LIST_HEAD(&filter->pins);
	init_waitqueue_head(&filter->wait);
	filter->desc = desc;
	filter->context = context;
	filter->owner = desc->owner;
	filter->pins_count = desc->pins_count;
	atomic_inc(&ks_stats.filters);
	return filter;
}

/*
 * Mark the filter dead and take everything back from the provider: when this
 * returns no callback of it runs or will run, and its module is unpinned.
 * Not killable: the provider is going away whatever happens.
 */
static void kill(struct ks_filter *filter)
{
	struct ks_pin *pin;

	down_write(&filter->gate);
	mutex_lock(&filter->lock);
	WRITE_ONCE(filter->dead, true);
	mutex_unlock(&filter->lock);
	/* Writers of the list hold the gate for reading: it cannot change. */
	list_for_each_entry(pin, &filter->pins, node)
		ks_pin_detach(pin);
	up_write(&filter->gate);

	mutex_lock(&filter->lock);
	unpin_owner(filter);
	mutex_unlock(&filter->lock);
	wake_up_poll(&filter->wait, EPOLLERR | EPOLLHUP);
}

struct ks_filter *ks_filter_register(const struct ks_filter_descriptor *desc,
				     void *context)
{
	struct ks_filter *filter;
	struct device *dev;
	u32 minor;
	int ret;

	if (!desc_valid(desc))
		return ERR_PTR(-EINVAL);
	filter = alloc(desc, context);
	if (IS_ERR(filter))
		return filter;

	/* Reserve the lowest free minor; open() finds nothing there yet. */
	ret = xa_alloc(&ks_filters, &minor, NULL,
		       XA_LIMIT(0, KS_FILTER_MINORS - 1), GFP_KERNEL);
	if (ret) {
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto err_put;
	}
	filter->minor = minor;
	ret = xa_err(xa_store(&ks_filters, minor, filter, GFP_KERNEL));
	if (ret)
		goto err_free_minor;

	/* Publish last: the node and the uevent. */
	dev = device_create(&ks_class, NULL, MKDEV(MAJOR(ks_devt), minor),
			    filter, "ksfilter%u", minor);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto err_free_minor;
	}
	filter->dev = dev;
	return filter;

err_free_minor:
	xa_erase(&ks_filters, minor);
	/* Found by minor meanwhile (a node made by hand): fds may be open. */
	kill(filter);
err_put:
	ks_filter_put(filter);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(ks_filter_register);

void ks_filter_unregister(struct ks_filter *filter)
{
	/* No new open: first the node goes, then the lookup by minor. */
	device_unregister(filter->dev);
	filter->dev = NULL;
	xa_erase(&ks_filters, filter->minor);
	kill(filter);
	/* The registration's reference: open fds keep the object. */
	ks_filter_put(filter);
}
EXPORT_SYMBOL_GPL(ks_filter_unregister);

void *ks_filter_context(const struct ks_filter *filter)
{
	return filter->context;
}
EXPORT_SYMBOL_GPL(ks_filter_context);

int ks_filter_init(void)
{
	int ret;

	ret = class_register(&ks_class);
	if (ret)
		return ret;
	ret = alloc_chrdev_region(&ks_devt, 0, KS_FILTER_MINORS, "ksfilter");
	if (ret)
		goto err_class;
	cdev_init(&ks_cdev, &ks_filter_fops);
	ks_cdev.owner = THIS_MODULE;
	ret = cdev_add(&ks_cdev, ks_devt, KS_FILTER_MINORS);
	if (ret)
		goto err_region;
	return 0;

err_region:
	unregister_chrdev_region(ks_devt, KS_FILTER_MINORS);
err_class:
	class_unregister(&ks_class);
	return ret;
}

void ks_filter_uninit(void)
{
	/* Companions hold our symbols, so every filter is gone by now. */
	WARN_ON(!xa_empty(&ks_filters));
	cdev_del(&ks_cdev);
	unregister_chrdev_region(ks_devt, KS_FILTER_MINORS);
	class_unregister(&ks_class);
}
