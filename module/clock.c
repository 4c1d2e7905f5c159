// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: clock objects on pins, Windows' KsCreateClock(): the clock fd
 * KS_IOCTL_CREATE_CLOCK makes on a pin fd, which answers KSPROPSETID_Clock
 * (property_clock.c) and the clock events (event_fd.c).
 */

/**
 * DOC: Clocks
 *
 * A pin's clock tells the time of its stream in 100 ns units: the bytes
 * its device has moved (an IN pin's play offset, an OUT pin's write
 * offset) at its format's rate (WAVEFORMATEX nAvgBytesPerSec).  So a
 * clocked provider's clock follows its device, and an unclocked one's the
 * data it has moved; the time runs while data moves (in RUN), holds when
 * it does not (PAUSE), and is 0 after STOP, where the positions start
 * again.  A pin whose format has no rate has no clock: EOPNOTSUPP.
 *
 * The clock fd holds the pin (not its fd): closing the pin fd shuts the
 * pin down, after which its clock says STOP and time 0 and enables no
 * event (ENODEV).  Its events are kept with the pin's (event.c), owned by
 * the clock, and removed when the clock fd is closed.  Like a pin fd, it
 * holds the filter's provider module while it is open.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "clock.h"
#include "event_fd.h"
#include "filter.h"
#include "pin.h"
#include "property.h"

/**
 * struct ks_clock - a clock fd's object
 * @pin: the pin it tells the time of, referenced
 */
struct ks_clock {
	struct ks_pin *pin;
};

static int clock_release(struct inode *inode, struct file *file)
{
	struct ks_clock *clock = file->private_data;
	struct ks_pin *pin = clock->pin;

	ks_events_remove_all(&pin->stream.events, clock);
	ks_filter_fd_closed(pin->filter);
	ks_pin_put(pin);
	kfree(clock);
	return 0;
}

static long clock_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	struct ks_clock *clock = file->private_data;
	struct ks_pin *pin = clock->pin;

	if (READ_ONCE(pin->filter->dead))
		return -ENODEV;
	if (cmd == KS_IOCTL_PROPERTY)
		return ks_property_clock(pin, (void __user *)arg);
	if (cmd == KS_IOCTL_ENABLE_EVENT || cmd == KS_IOCTL_DISABLE_EVENT)
		return ks_event_clock_ioctl(pin, clock, cmd,
					    (void __user *)arg);
	return -ENOTTY;
}

static const struct file_operations ks_clock_fops = {
	.owner = THIS_MODULE,
	.release = clock_release,
	.unlocked_ioctl = clock_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* The fd of a new clock on @pin; the filter's provider is held for it. */
static int clock_open(struct ks_pin *pin, u32 flags)
{
	struct ks_clock *clock;
	struct file *file;
	int fd, ret;

	ret = ks_filter_fd_opened(pin->filter);
	if (ret)
		return ret;
	clock = kzalloc(sizeof(*clock), GFP_KERNEL_ACCOUNT);
	if (!clock) {
		ret = -ENOMEM;
		goto err_fd_closed;
	}
	fd = get_unused_fd_flags(flags & O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_free_clock;
	}
	ks_pin_get(pin);
	clock->pin = pin;
	file = anon_inode_getfile("[ksfilter-clock]", &ks_clock_fops, clock,
				  O_RDWR | (flags & O_NONBLOCK));
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	fd_install(fd, file);
	return fd;

err_put_fd:
	ks_pin_put(pin);
	put_unused_fd(fd);
err_free_clock:
	kfree(clock);
err_fd_closed:
	ks_filter_fd_closed(pin->filter);
	return ret;
}

long ks_clock_create(struct ks_pin *pin, struct ks_create_clock __user *arg)
{
	struct ks_create_clock req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.create.create_flags || req.flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (!READ_ONCE(pin->stream.events.rate))
		return -EOPNOTSUPP;
	return clock_open(pin, req.flags);
}
