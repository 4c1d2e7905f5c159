// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the character device, /dev/ksfilterN, and the filter fd.
 *
 * The fd side of a filter: the class and its sysfs attributes, the minors,
 * the node a registration publishes and the filter fd's operations (CREATE_PIN
 * goes on to pin_fd.c, PROPERTY to property.c).  The filter object itself
 * (its gate, references and instances) is filter.c's; nothing there calls
 * back here.  Locks: see "DOC: Locking" in filter.h.
 *
 * Registration builds the object (ks_filter_new()), reserves the lowest
 * free minor and publishes the node last; unregistration takes the node and
 * the minor away first, so that no new open finds the filter, and then
 * kills it (ks_filter_kill()).  The object stays until its last fd closes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "chardev.h"
#include "compat.h"
#include "event_fd.h"
#include "filter.h"
#include "pin_fd.h"
#include "property.h"

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

	ks_event_node_release(filter, file);
	ks_filter_fd_closed(filter);
	ks_filter_put(filter);
	return 0;
}

/* What this module implements of the ABI (KS_FEATURE_*, uapi/linux/ks.h). */
#define KS_FEATURES (KS_FEATURE_PROPERTIES | KS_FEATURE_STREAMING |		\
		     KS_FEATURE_LOOPED_STREAMING | KS_FEATURE_STREAM_HEADERS |	\
		     KS_FEATURE_INTERFACE_TABLE | KS_FEATURE_PIN_TO_HANDLE |	\
		     KS_FEATURE_EVENTS | KS_FEATURE_CLOCKS | KS_FEATURE_WAVERT)

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
	if (cmd == KS_IOCTL_ENABLE_EVENT || cmd == KS_IOCTL_DISABLE_EVENT)
		return ks_event_filter_ioctl(filter, file, cmd,
					     (void __user *)arg);
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

struct ks_filter *ks_filter_register(const struct ks_filter_descriptor *desc,
				     void *context)
{
	struct ks_filter *filter;
	struct device *dev;
	u32 minor;
	int ret;

	filter = ks_filter_new(desc, context);
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
	ks_filter_kill(filter);
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
	ks_filter_kill(filter);
	/* The registration's reference: open fds keep the object. */
	ks_filter_put(filter);
}
EXPORT_SYMBOL_GPL(ks_filter_unregister);

int ks_chardev_init(void)
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

void ks_chardev_uninit(void)
{
	/* Companions hold our symbols, so every filter is gone by now. */
	WARN_ON(!xa_empty(&ks_filters));
	cdev_del(&ks_cdev);
	unregister_chrdev_region(ks_devt, KS_FILTER_MINORS);
	class_unregister(&ks_class);
}
