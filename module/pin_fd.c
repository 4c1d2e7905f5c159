// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: creating pins (KS_IOCTL_CREATE_PIN, SPEC 5) and the pin fd.
 *
 * The fd side of a pin: the request from its user copy to fd_install(),
 * the peer named by pin_to_handle, and the pin fd's operations (data goes
 * on to stream.c, properties to property.c).  The pin object is pin.c's;
 * nothing there calls back here.  Locks: see "DOC: Locking" in filter.h.
 *
 * A creation goes in three phases, each undone by its own unwinding:
 * check (rows 4 to 14, with the filter entered; the pin is made after row
 * 12 and joins the filter's pin list with row 13's instance), build (the
 * provider's open(), the connection and the file, none seen by anyone yet)
 * and publish (the connection, the fd), which cannot fail.
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

#include "chardev.h"
#include "clock.h"
#include "compat.h"
#include "connect.h"
#include "event_fd.h"
#include "filter.h"
#include "format.h"
#include "link.h"
#include "pin.h"
#include "pin_fd.h"
#include "property.h"
#include "stream.h"

/* The ks_create_pin.flags a caller may pass. */
#define KS_PIN_FLAGS	(O_CLOEXEC | O_NONBLOCK)

/* Requests up to this size are copied to the stack (see copy_request()). */
#define KS_PIN_SMALL_REQUEST	256

static const struct file_operations ks_pin_fops;

static bool is_pin_file(const struct file *file)
{
	return file->f_op == &ks_pin_fops;
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
 * Row 14a and 14b: pin_to_handle, if not 0, is a pin fd of the caller's
 * own table; link.c checks the rest of row 14 on its pin.  *@peer gets a
 * reference, or NULL when pin_to_handle is 0.
 */
static int find_peer(const struct ks_pin_connect *connect,
		     unsigned int dataflow, struct ks_pin **peer)
{
	u64 handle = connect->pin_to_handle;
	struct ks_pin *pin;
	struct fd f;
	int ret;

	*peer = NULL;
	if (!handle)
		return 0;
	/* 14a: an fd of the caller's own table; no fd is above INT_MAX. */
	if (handle > INT_MAX)
		return -EBADF;
	f = fdget(handle);
	if (!fd_file(f))
		return -EBADF;
	/* 14b */
	if (!is_pin_file(fd_file(f))) {
		fdput(f);
		return -EBADF;
	}
	pin = fd_file(f)->private_data;
	ret = ks_link_check_peer(pin, connect, dataflow);
	if (!ret) {
		/* The fd may be closed once we let go of it: keep the pin. */
		ks_pin_get(pin);
		*peer = pin;
	}
	fdput(f);
	return ret;
}

/* One KS_IOCTL_CREATE_PIN, from its check to its publication. */
struct pin_creation {
	struct ks_filter *filter;
	struct file *filter_file;
	const struct ks_create_pin *args;
	const void *blob;		/* KSPIN_CONNECT, then the format */
	u32 *reason;
	struct ks_connect_check check;
	struct ks_pin *peer;		/* pin_to_handle's, referenced */
	struct ks_pin *pin;
	struct ks_link *link;		/* reserved, to publish */
	struct file *file;
	int fd;
};

/* A pin no provider has and no fd holds: no state steps, no instance. */
static void free_unopened(struct ks_pin *pin)
{
	pin->closed = true;
	ks_pin_put(pin);
}

/*
 * Check: rows 4 to 14, the filter entered.  The pin is made once the
 * request passed row 12, so that row 13 reserves its instance and puts it
 * on the filter's list in one round trip of the filter's lock; nobody
 * sees it there while the filter is entered.  Holds the pin, its instance,
 * its fd's count on the filter and the peer, if any, when it succeeds;
 * nothing when it fails.
 */
static int create_check(struct pin_creation *c)
{
	struct ks_pin *pin;
	int ret;

	ret = check_request(c->filter, c->filter_file, c->args, c->blob,
			    &c->check);
	if (ret) {
		*c->reason = c->check.reason;
		return ret;
	}
	pin = ks_pin_new(c->filter, &c->check, c->blob,
			 c->args->desired_access);
	if (IS_ERR(pin))
		return PTR_ERR(pin);
	ret = ks_pin_add(pin);
	if (ret) {
		if (ret == -EBUSY)
			*c->reason = KS_REASON_INSTANCES;
		goto err_free_pin;
	}
	ret = find_peer(c->blob, pin->dataflow, &c->peer);
	if (ret) {
		*c->reason = KS_REASON_PEER;
		goto err_remove_pin;
	}
	c->pin = pin;
	return 0;

err_remove_pin:
	ks_pin_remove(pin, true);
err_free_pin:
	free_unopened(pin);
	return ret;
}

/* What a successful create_check() holds. */
static void create_uncheck(struct pin_creation *c)
{
	if (c->peer)
		ks_pin_put(c->peer);
	ks_pin_remove(c->pin, true);
	free_unopened(c->pin);
}

/*
 * Build: every row passed.  The provider's side of the pin, its
 * connection (reserved) and its file, none seen by anyone yet.  What can
 * still fail has no reason code, but another creation connecting the same
 * peer first.  On a failure the pin is create_uncheck()'s to free.
 */
static int create_build(struct pin_creation *c)
{
	struct ks_pin *pin = c->pin;
	const struct ks_pin_ops *ops = pin->desc->ops;
	struct ks_link *link = NULL;
	int ret;

	ret = ops && ops->open ? ops->open(pin) : 0;
	if (ret) {
		/* accept_format()'s answer, given again under its own lock. */
		if (ret == -EDOM)
			*c->reason = KS_REASON_FORMAT;
		return ret;
	}
	if (c->peer) {
		link = ks_link_reserve(pin, c->peer);
		if (IS_ERR(link)) {
			ret = PTR_ERR(link);
			if (ret == -EPIPE)
				*c->reason = KS_REASON_PEER;
			goto err_close;
		}
	}
	c->fd = get_unused_fd_flags(c->args->flags & O_CLOEXEC);
	if (c->fd < 0) {
		ret = c->fd;
		goto err_abort_link;
	}
	c->file = anon_inode_getfile("[ksfilter-pin]", &ks_pin_fops, pin,
				     open_flags(c->args));
	if (IS_ERR(c->file)) {
		ret = PTR_ERR(c->file);
		goto err_put_fd;
	}
	c->link = link;
	return 0;

err_put_fd:
	put_unused_fd(c->fd);
err_abort_link:
	if (link)
		ks_link_abort(link);
err_close:
	if (ops && ops->close) {
		mutex_lock(&pin->lock);
		ops->close(pin);
		mutex_unlock(&pin->lock);
	}
	return ret;
}

/*
 * Publish: the file owns the pin now, and nothing fails from here on.  The
 * fd is installed last, after the filter is left.
 */
static int create_publish(struct pin_creation *c)
{
	stream_open(file_inode(c->file), c->file);
	if (c->link)
		ks_link_publish(c->link);
	ks_filter_leave(c->filter);
	if (c->peer)
		ks_pin_put(c->peer);
	fd_install(c->fd, c->file);
	return c->fd;
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
	struct pin_creation c __uninitialized;
	int ret;

	/*
	 * Member by member: a zeroing of the whole struct is a string
	 * instruction, whose every word costs about 6 ns under emulation
	 * (QEMU's TCG).  check_request() fills in c.check.
	 */
	c.filter = filter;
	c.filter_file = filter_file;
	c.args = args;
	c.blob = blob;
	c.reason = reason;
	c.peer = NULL;
	c.pin = NULL;
	c.link = NULL;
	c.file = NULL;
	c.fd = -1;

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
	ret = create_check(&c);
	if (ret)
		goto err_leave;
	ret = create_build(&c);
	if (ret)
		goto err_uncheck;
	return create_publish(&c);

err_uncheck:
	create_uncheck(&c);
err_leave:
	ks_filter_leave(filter);
	return ret;
}

/*
 * Row 3: the one copy of the request.  Small ones go to @small, on the
 * caller's stack; larger ones to kvmalloc memory.  Either is 8-byte aligned,
 * as the checks need.  A small request at an aligned address, as every
 * KsCreatePin() makes, is read a word at a time in the window that also
 * writes the reason of a success (see ks_pin_create()): under emulation a
 * byte-wise copy costs 1.6 ns a byte, and each window about as much as a
 * short copy.
 */
static void *copy_request(u64 *small, const void __user *uptr, u32 size,
			  u32 __user *ureason)
{
	const u64 __user *src = uptr;
	u32 i;

	if (size > KS_PIN_SMALL_REQUEST)
		goto general;
	if (!IS_ALIGNED((unsigned long)uptr | size, sizeof(u64)) ||
	    !access_ok(uptr, size))
		goto general;
	if (!user_access_begin(ureason, sizeof(*ureason)))
		return ERR_PTR(-EFAULT);
	unsafe_put_user(KS_REASON_NONE, ureason, fault);
	for (i = 0; i < size / sizeof(u64); i++)
		unsafe_get_user(small[i], &src[i], fault);
	user_access_end();
	return small;
fault:
	user_access_end();
	return ERR_PTR(-EFAULT);
general:
	if (put_user(KS_REASON_NONE, ureason))
		return ERR_PTR(-EFAULT);
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
	 * attribute list: the common requests need no allocation.  Not zeroed
	 * first, which would be a string instruction of 32 words: the checks
	 * read only the bytes copied into it.
	 */
	u64 small[KS_PIN_SMALL_REQUEST / sizeof(u64)] __uninitialized;
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
	 * Row 3: the one copy, which every check and the pin work on.  With
	 * it the reason of a success is written, before the filter is
	 * entered: nothing may fail once the fd is installed, and no user
	 * memory is touched while the filter is entered (see create()).  A
	 * failure writes its own reason over it below, after leaving.
	 */
	blob = copy_request(small, u64_to_user_ptr(args.connect),
			    args.connect_size, &uargs->reason);
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
	bool entered, instance;

	/*
	 * The connection first, with no lock held: it waits for its work,
	 * which enters filters.  Then, not killable, since close must always
	 * work: a dead filter's pins were handed back to the provider by its
	 * unregistration already.
	 */
	ks_link_disconnect(pin);
	entered = ks_filter_enter_close(filter);
	instance = entered && ks_pin_hand_back(pin);
	ks_pin_remove(pin, instance);
	ks_filter_leave_close(filter, entered);
	ks_event_node_release(filter, pin);
	ks_pin_put(pin);
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
		return ks_property_pin(pin, file, (void __user *)arg);
	if (cmd == KS_IOCTL_ENABLE_EVENT || cmd == KS_IOCTL_DISABLE_EVENT)
		return ks_event_pin_ioctl(pin, cmd, (void __user *)arg);
	if (cmd == KS_IOCTL_CREATE_CLOCK)
		return ks_clock_create(pin, (void __user *)arg);
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
	seq_printf(m, "ks-state:\t%s\n", ks_pin_state_name(pin->state));
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

