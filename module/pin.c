// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: creating pins (KS_IOCTL_CREATE_PIN, SPEC 5) and the pin fd.
 *
 * Lock order (see filter.c):
 *	filter->gate (rw_semaphore)
 *	  pin->lock (mutex)
 *	    filter->lock (mutex)
 *	    pin->stream.lock (mutex, stream.c)
 *
 * The provider's pin callbacks run with the filter entered (gate held for
 * reading, or for writing during unregistration); set_state and close also
 * with pin->lock held, and so does process() when a connection calls it
 * (link.c): close() sets pin->closed under that lock, after which no
 * callback comes.  link.c's ks_links_lock is taken under the gate and
 * never together with pin->lock.
 *
 * Lifetime.  A pin is created with one reference, which its fd holds; it
 * holds a reference on its filter.  The provider's side of a pin is opened
 * before the fd exists and closed exactly once (pin->closed): by the fd's
 * release, or by ks_filter_unregister() if that comes first, after which the
 * fd only answers ENODEV until it is closed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "connect.h"
#include "debugfs.h"
#include "chardev.h"
#include "filter.h"
#include "format.h"
#include "link.h"
#include "pin.h"
#include "property.h"

/* The ks_create_pin.flags a caller may pass. */
#define KS_PIN_FLAGS	(O_CLOEXEC | O_NONBLOCK)

/* Requests up to this size are copied to the stack (see copy_request()). */
#define KS_PIN_SMALL_REQUEST	256

static const struct file_operations ks_pin_fops;

static const char *const state_names[] = {
	[KSSTATE_STOP] = "STOP",
	[KSSTATE_ACQUIRE] = "ACQUIRE",
	[KSSTATE_PAUSE] = "PAUSE",
	[KSSTATE_RUN] = "RUN",
};

bool ks_is_pin_file(const struct file *file)
{
	return file->f_op == &ks_pin_fops;
}

static void free_pin(struct kref *ref)
{
	struct ks_pin *pin = container_of(ref, struct ks_pin, ref);

	WARN_ON(!pin->closed);
	ks_stream_destroy(&pin->stream);
	mutex_destroy(&pin->lock);
	kfree(pin->format);
	ks_filter_put(pin->filter);
	kfree(pin);
	atomic_dec(&ks_stats.pins);
}

static void put_pin(struct ks_pin *pin)
{
	kref_put(&pin->ref, free_pin);
}

void ks_pin_get(struct ks_pin *pin)
{
	kref_get(&pin->ref);
}

void ks_pin_put(struct ks_pin *pin)
{
	put_pin(pin);
}

/* Row 9 passed: the pin was connected with this interface. */
static bool looped(const struct ks_pin_connect *connect)
{
	static const struct ks_guid standard = KSINTERFACESETID_STANDARD;

	return ks_guid_equal(&connect->interface.set, &standard) &&
	       connect->interface.id == KSINTERFACE_STANDARD_LOOPED_STREAMING;
}

/*
 * The pin and its format are charged to the creating task's memory cgroup
 * (GFP_KERNEL_ACCOUNT), as its queue is (stream.c buf_alloc()), so that the
 * cgroup's memory.max bounds what its tasks hold in pins.
 */
static struct ks_pin *alloc_pin(struct ks_filter *filter,
				const struct ks_connect_check *check,
				const struct ks_pin_connect *connect, u32 access)
{
	const struct ks_dataformat *format = (const void *)(connect + 1);
	struct ks_pin *pin;

	pin = kzalloc(sizeof(*pin), GFP_KERNEL_ACCOUNT);
	if (!pin)
		return ERR_PTR(-ENOMEM);
	pin->format = kmemdup(format, check->format_bytes, GFP_KERNEL_ACCOUNT);
	if (!pin->format)
		goto err_free_pin;
	if (ks_stream_init(&pin->stream, format, looped(connect)))
		goto err_free_format;
	kref_init(&pin->ref);
	pin->filter = ks_filter_get(filter);
	pin->desc = &filter->desc->pins[check->pin_id];
	pin->id = check->pin_id;
	pin->dataflow = pin->desc->dataflow;
	pin->communication = pin->desc->communication;
	pin->interface = connect->interface;
	pin->medium = connect->medium;
	pin->access = access;
	pin->priority = connect->priority;
	mutex_init(&pin->lock);
	pin->state = KSSTATE_STOP;
	pin->format_bytes = check->format_bytes;
	INIT_LIST_HEAD(&pin->node);
	init_waitqueue_head(&pin->wait);
	atomic_inc(&ks_stats.pins);
	return pin;

err_free_format:
	kfree(pin->format);
err_free_pin:
	kfree(pin);
	return ERR_PTR(-ENOMEM);
}

/*
 * Move @pin to @to one KSSTATE step at a time, telling the provider about
 * each step (SPEC 7).  Going down to STOP on close (@force) cannot be
 * refused: a step the provider fails is logged and taken anyway.
 */
static int step_state(struct ks_pin *pin, unsigned int to, bool force)
{
	const struct ks_pin_ops *ops = pin->desc->ops;
	unsigned int next;
	int ret;

	lockdep_assert_held(&pin->filter->gate);
	lockdep_assert_held(&pin->lock);
	while (pin->state != to) {
		next = pin->state < to ? pin->state + 1 : pin->state - 1;
		/* KSSTATE_ACQUIRE: the pin's resources, before the provider's. */
		if (next == KSSTATE_ACQUIRE && pin->state == KSSTATE_STOP) {
			ret = ks_stream_acquire(&pin->stream);
			if (ret)
				return ret;
		}
		ret = ops && ops->set_state ?
		      ops->set_state(pin, pin->state, next) : 0;
		if (ret && !force)
			return ret;
		if (ret)
			pr_warn_ratelimited("%s: pin %u: %s -> %s failed (%d), forced\n",
					    pin->filter->name, pin->id,
					    state_names[pin->state],
					    state_names[next], ret);
		WRITE_ONCE(pin->state, next);
		ks_stream_state_changed(pin, next);
	}
	return 0;
}

int ks_pin_set_state(struct ks_pin *pin, unsigned int to)
{
	int ret;

	lockdep_assert_held(&pin->filter->gate);
	mutex_lock(&pin->lock);
	ret = step_state(pin, to, false);
	mutex_unlock(&pin->lock);
	return ret;
}

int ks_pin_replace_format(struct ks_pin *pin,
			  const struct ks_dataformat *format, u32 bytes)
{
	struct ks_dataformat *copy, *old;

	lockdep_assert_held(&pin->filter->gate);
	copy = kmemdup(format, bytes, GFP_KERNEL_ACCOUNT);
	if (!copy)
		return -ENOMEM;
	mutex_lock(&pin->lock);
	if (pin->state != KSSTATE_STOP) {
		mutex_unlock(&pin->lock);
		kfree(copy);
		return -EBUSY;
	}
	old = pin->format;
	pin->format = copy;
	pin->format_bytes = bytes;
	ks_stream_set_format(&pin->stream, copy);
	mutex_unlock(&pin->lock);
	/*
	 * The core reads the format under pin->lock.  The provider reads it
	 * (ks_pin_format()) from set_state and close, under pin->lock too,
	 * or while data moves, which it does not in STOP.
	 */
	kfree(old);
	return 0;
}

/*
 * Hand the pin back to the provider: STOP through PAUSE and ACQUIRE, then
 * close, then its instance is free again.  Runs once, on whichever comes
 * first of the fd's release and the filter's unregistration.
 */
static void shutdown(struct ks_pin *pin)
{
	const struct ks_pin_ops *ops = pin->desc->ops;
	bool was_closed;

	lockdep_assert_held(&pin->filter->gate);
	mutex_lock(&pin->lock);
	was_closed = pin->closed;
	if (!was_closed) {
		step_state(pin, KSSTATE_STOP, true);
		if (ops && ops->close)
			ops->close(pin);
		pin->closed = true;
	}
	mutex_unlock(&pin->lock);
	if (!was_closed)
		ks_filter_release_instance(pin->filter, pin->id);
}

void ks_pin_detach(struct ks_pin *pin)
{
	lockdep_assert_held_write(&pin->filter->gate);
	ks_link_disconnect(pin);
	shutdown(pin);
	wake_up_poll(&pin->wait, EPOLLERR | EPOLLHUP);
}

static void link_pin(struct ks_pin *pin)
{
	struct ks_filter *filter = pin->filter;

	lockdep_assert_held_read(&filter->gate);
	mutex_lock(&filter->lock);
	list_add_tail(&pin->node, &filter->pins);
	mutex_unlock(&filter->lock);
}

static void unlink_pin(struct ks_pin *pin)
{
	struct ks_filter *filter = pin->filter;

	lockdep_assert_held_read(&filter->gate);
	mutex_lock(&filter->lock);
	list_del_init(&pin->node);
	mutex_unlock(&filter->lock);
}

int ks_pin_accept_format(struct ks_filter *filter, unsigned int pin_id,
			 const struct ks_dataformat *format)
{
	const struct ks_pin_ops *ops = filter->desc->pins[pin_id].ops;

	lockdep_assert_held(&filter->gate);
	if (ops && ops->accept_format &&
	    ops->accept_format(filter, pin_id, format))
		return -EDOM;
	return 0;
}

/*
 * Rows 4 to 12: the pure checks, then the provider's own look at the format
 * (which, being the filter's check of row 12, answers EDOM).
 */
static int check_request(struct ks_filter *filter, struct file *filter_file,
			 const struct ks_create_pin *args, const void *blob,
			 struct ks_connect_check *check)
{
	const struct ks_filter_descriptor *fdesc = filter->desc;
	int ret;

	lockdep_assert_held(&filter->gate);
	ret = ks_check_connect(blob, args->connect_size, args->desired_access,
			       ks_file_access(filter_file), fdesc->pins,
			       fdesc->pins_count, check);
	if (ret)
		return ret;
	/* pin_id came from userspace: no speculative read beyond the array. */
	check->pin_id = array_index_nospec(check->pin_id, fdesc->pins_count);
	if (ks_pin_accept_format(filter, check->pin_id,
				 (const void *)((const u8 *)blob +
						sizeof(struct ks_pin_connect)))) {
		check->error = -EDOM;
		check->reason = KS_REASON_FORMAT;
	}
	return check->error;
}

static int open_flags(const struct ks_create_pin *args)
{
	int flags = args->flags & O_NONBLOCK;

	switch (args->desired_access) {
	case KS_GENERIC_READ:
		return flags | O_RDONLY;
	case KS_GENERIC_WRITE:
		return flags | O_WRONLY;
	default:
		return flags | O_RDWR;
	}
}

/*
 * The filter is unregistered (row 15), but row 4 needs nothing of it and so
 * still comes first.  Given no pin types, the checker stops at row 4 or at
 * row 5, which it cannot decide without the descriptor.
 */
static int gone(const struct ks_create_pin *args, const void *blob,
		u32 *reason)
{
	struct ks_connect_check check;

	ks_check_connect(blob, args->connect_size, args->desired_access, 0,
			 NULL, 0, &check);
	if (check.reason == KS_REASON_ACCESS) {
		*reason = check.reason;
		return check.error;
	}
	*reason = KS_REASON_GONE;
	return -ENODEV;
}

/*
 * Rows 4 to 15 on the copied request, then the pin and its fd.  Returns the
 * fd, installed, or a negative errno with *reason set.  Touches no user
 * memory: the filter is entered, and a fault that user space stalls
 * (userfaultfd, a FUSE mapping) would hold its unregistration.
 */
static int create(struct ks_filter *filter, struct file *filter_file,
		  const struct ks_create_pin *args, const void *blob,
		  u32 *reason)
{
	const struct ks_pin_connect *connect = blob;
	struct ks_connect_check check;
	const struct ks_pin_ops *ops;
	struct ks_link *link = NULL;
	struct ks_pin *pin, *peer;
	struct file *file;
	int fd, ret;

	/*
	 * Row 15 comes first among the rows that need the filter: once it is
	 * unregistered its descriptor may be gone.  Entered, it cannot be
	 * unregistered until we leave, so the rows below cannot race with it.
	 */
	ret = ks_filter_enter(filter);
	if (ret == -ENODEV)
		return gone(args, blob, reason);
	if (ret)
		return ret;
	ret = check_request(filter, filter_file, args, blob, &check);
	if (ret) {
		*reason = check.reason;
		goto err_leave;
	}
	ret = ks_filter_reserve_instance(filter, check.pin_id);
	if (ret) {
		*reason = KS_REASON_INSTANCES;
		goto err_leave;
	}
	ret = ks_link_check(connect, filter->desc->pins[check.pin_id].dataflow,
			    &peer);
	if (ret) {
		*reason = KS_REASON_PEER;
		goto err_release_instance;
	}

	/* Every row passed: what can still fail has no reason code... */
	pin = alloc_pin(filter, &check, connect, args->desired_access);
	if (IS_ERR(pin)) {
		ret = PTR_ERR(pin);
		goto err_put_peer;
	}
	ret = ks_filter_fd_opened(filter);
	if (ret)
		goto err_free_pin;
	ops = pin->desc->ops;
	ret = ops && ops->open ? ops->open(pin) : 0;
	if (ret)
		goto err_fd_closed;
	if (peer) {
		/* ...but another creation connecting the same peer first. */
		link = ks_link_reserve(pin, peer);
		if (IS_ERR(link)) {
			ret = PTR_ERR(link);
			if (ret == -EPIPE)
				*reason = KS_REASON_PEER;
			goto err_close;
		}
	}
	fd = get_unused_fd_flags(args->flags & O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_disconnect;
	}
	file = anon_inode_getfile("[ksfilter-pin]", &ks_pin_fops, pin,
				  open_flags(args));
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}
	/* The file owns the pin now; nothing fails from here on. */
	stream_open(file_inode(file), file);
	if (link)
		ks_link_publish(link);
	link_pin(pin);
	ks_filter_leave(filter);
	ks_link_put_peer(peer);
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_disconnect:
	if (link)
		ks_link_abort(link);
err_close:
	if (ops && ops->close) {
		mutex_lock(&pin->lock);
		ops->close(pin);
		mutex_unlock(&pin->lock);
	}
err_fd_closed:
	ks_filter_fd_closed(filter);
err_free_pin:
	/* Never given to anyone: no state steps, no instance to give back. */
	pin->closed = true;
	put_pin(pin);
err_put_peer:
	ks_link_put_peer(peer);
err_release_instance:
	ks_filter_release_instance(filter, check.pin_id);
err_leave:
	ks_filter_leave(filter);
	return ret;
}

/*
 * Row 3: the one copy of the request.  Small ones go to @small, on the
 * caller's stack; larger ones to kvmalloc memory.  Either is 8-byte aligned,
 * as the checks need.
 */
static void *copy_request(u64 *small, const void __user *uptr, u32 size)
{
	if (size > KS_PIN_SMALL_REQUEST)
		return vmemdup_user(uptr, size);
	if (copy_from_user(small, uptr, size))
		return ERR_PTR(-EFAULT);
	return small;
}

long ks_pin_create(struct ks_filter *filter, struct file *filter_file,
		   struct ks_create_pin __user *uargs)
{
	/*
	 * Room for KSPIN_CONNECT and a WAVEFORMATEXTENSIBLE format with a short
	 * attribute list: the common requests need no allocation.
	 */
	u64 small[KS_PIN_SMALL_REQUEST / sizeof(u64)];
	struct ks_create_pin args;
	u32 reason = KS_REASON_NONE;
	void *blob;
	int ret;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	/* Rows 1 and 2: the arguments alone. */
	ret = ks_check_create_args(args.flags, KS_PIN_FLAGS, args.connect_size,
				   &reason);
	if (ret)
		goto out;
	/*
	 * The reason of a success, written now, before the filter is
	 * entered: nothing may fail once the fd is installed, and no user
	 * memory is touched while the filter is entered (see create()).  A
	 * failure writes its own reason over it below, after leaving.
	 */
	if (put_user(KS_REASON_NONE, &uargs->reason))
		return -EFAULT;
	/* Row 3: the one copy, which every check and the pin work on. */
	blob = copy_request(small, u64_to_user_ptr(args.connect),
			    args.connect_size);
	if (IS_ERR(blob)) {
		ret = PTR_ERR(blob);
		goto out;
	}
	ret = create(filter, filter_file, &args, blob, &reason);
	if (blob != small)
		kvfree(blob);
out:
	if (ret < 0 && put_user(reason, &uargs->reason))
		ret = -EFAULT;
	return ret;
}

static int pin_release(struct inode *inode, struct file *file)
{
	struct ks_pin *pin = file->private_data;
	struct ks_filter *filter = pin->filter;

	/*
	 * The connection first, with no lock held: it waits for its work,
	 * which enters filters.  Then, not killable, since close must always
	 * work: a dead filter's pins were handed back to the provider by its
	 * unregistration already.
	 */
	ks_link_disconnect(pin);
	down_read(&filter->gate);
	if (!filter->dead)
		shutdown(pin);
	unlink_pin(pin);
	up_read(&filter->gate);
	ks_filter_fd_closed(filter);
	put_pin(pin);
	return 0;
}

/* Data moves as stream.c says (SPEC 7). */
static ssize_t pin_read(struct file *file, char __user *buf, size_t count,
			loff_t *ppos)
{
	return ks_stream_read(file->private_data, buf, count,
			      file->f_flags & O_NONBLOCK);
}

static ssize_t pin_write(struct file *file, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	return ks_stream_write(file->private_data, buf, count,
			       file->f_flags & O_NONBLOCK);
}

static __poll_t pin_poll(struct file *file, poll_table *wait)
{
	struct ks_pin *pin = file->private_data;

	poll_wait(file, &pin->wait, wait);
	return ks_stream_poll(pin);
}

static int pin_mmap(struct file *file, struct vm_area_struct *vma)
{
	return ks_stream_mmap(file->private_data, vma);
}

static long pin_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct ks_pin *pin = file->private_data;

	if (READ_ONCE(pin->filter->dead))
		return -ENODEV;
	if (cmd == KS_IOCTL_PROPERTY)
		return ks_property_pin(pin, (void __user *)arg);
	return ks_stream_ioctl(pin, file, cmd, (void __user *)arg);
}

static void show_guid(struct seq_file *m, const char *key,
		      const struct ks_guid *g)
{
	seq_printf(m, "%s:\t%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X\n",
		   key, g->data1, g->data2, g->data3, g->data4[0], g->data4[1],
		   g->data4[2], g->data4[3], g->data4[4], g->data4[5],
		   g->data4[6], g->data4[7]);
}

static void show_format(struct seq_file *m, const struct ks_dataformat *fmt)
{
	static const struct ks_guid wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
	const struct ks_dataformat_waveformatex *wf = (const void *)fmt;

	show_guid(m, "ks-major-format", &fmt->major_format);
	show_guid(m, "ks-sub-format", &fmt->sub_format);
	show_guid(m, "ks-specifier", &fmt->specifier);
	seq_printf(m, "ks-format-size:\t%u\n", fmt->format_size);
	/* The checks at creation made sure a WAVEFORMATEX specifier fits. */
	if (ks_guid_equal(&fmt->specifier, &wave) &&
	    fmt->format_size >= sizeof(*wf))
		seq_printf(m, "ks-wave:\ttag 0x%04x channels %u rate %u bits %u\n",
			   wf->wave_format.format_tag,
			   wf->wave_format.channels,
			   wf->wave_format.samples_per_sec,
			   wf->wave_format.bits_per_sample);
}

static void pin_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct ks_pin *pin = file->private_data;

	ks_filter_show_fdinfo(m, pin->filter);
	seq_printf(m, "ks-pin-id:\t%u\n", pin->id);
	seq_printf(m, "ks-access:\t%s%s%s\n",
		   pin->access & KS_GENERIC_READ ? "read" : "",
		   pin->access == (KS_GENERIC_READ | KS_GENERIC_WRITE) ? "," : "",
		   pin->access & KS_GENERIC_WRITE ? "write" : "");
	mutex_lock(&pin->lock);
	seq_printf(m, "ks-state:\t%s\n", state_names[pin->state]);
	seq_printf(m, "ks-priority:\tclass 0x%08x subclass 0x%08x\n",
		   pin->priority.priority_class,
		   pin->priority.priority_subclass);
	show_format(m, pin->format);
	mutex_unlock(&pin->lock);
	ks_link_show_fdinfo(m, pin);
	ks_stream_show_fdinfo(m, pin);
}

static const struct file_operations ks_pin_fops = {
	.owner = THIS_MODULE,
	.release = pin_release,
	.read = pin_read,
	.write = pin_write,
	.poll = pin_poll,
	.mmap = pin_mmap,
	.unlocked_ioctl = pin_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = pin_show_fdinfo,
};

struct ks_filter *ks_pin_filter(const struct ks_pin *pin)
{
	return pin->filter;
}
EXPORT_SYMBOL_GPL(ks_pin_filter);

unsigned int ks_pin_id(const struct ks_pin *pin)
{
	return pin->id;
}
EXPORT_SYMBOL_GPL(ks_pin_id);

const struct ks_dataformat *ks_pin_format(const struct ks_pin *pin)
{
	return pin->format;
}
EXPORT_SYMBOL_GPL(ks_pin_format);

unsigned int ks_pin_state(const struct ks_pin *pin)
{
	return READ_ONCE(pin->state);
}
EXPORT_SYMBOL_GPL(ks_pin_state);

void *ks_pin_context(const struct ks_pin *pin)
{
	return pin->context;
}
EXPORT_SYMBOL_GPL(ks_pin_context);

void ks_pin_set_context(struct ks_pin *pin, void *context)
{
	pin->context = context;
}
EXPORT_SYMBOL_GPL(ks_pin_set_context);
