// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: KS_IOCTL_ENABLE_EVENT and KS_IOCTL_DISABLE_EVENT, Windows'
 * IOCTL_KS_ENABLE_EVENT and IOCTL_KS_DISABLE_EVENT, on pin and filter
 * fds: the requests read from userspace and checked, the eventfd looked
 * up; the list and the signalling are event.c's.
 */

/**
 * DOC: Events
 *
 * ``in`` is a KSEVENT (set, id, flags); ``out`` is the caller's KSEVENTDATA
 * followed by the event's data, and its user address is the event's name:
 * KS_IOCTL_DISABLE_EVENT is given that address in ``in``, as Windows
 * identifies an event by its KSEVENTDATA's.  The handle in the KSEVENTDATA
 * is an eventfd of the caller: an event handle's signal adds 1 to its
 * counter, a semaphore handle's adds its adjustment (so an eventfd made
 * with EFD_SEMAPHORE counts them out one read at a time).
 *
 * A pin fd offers KSEVENTSETID_Connection ENDOFSTREAM and
 * DATADISCONTINUITY and KSEVENTSETID_LoopedStreaming POSITION, on every
 * streaming pin; a filter fd no set yet.  The checks, in order: the
 * buffers' reserved field and ``in``'s size (EINVAL); the flags, exactly
 * one operation besides TOPOLOGY (EINVAL); the set and the id (ENOENT;
 * SETSUPPORT and BASICSUPPORT answer 0 here); ENABLEBUFFERED and
 * QUERYBUFFER (EOPNOTSUPP); ``out`` shorter than the event's data
 * (EOVERFLOW, ``returned`` the size needed); the notification type and a
 * semaphore's adjustment, 1 to KS_EVENT_ADJUSTMENT_MAX (EINVAL); the
 * handle (EBADF when it is no fd of the caller's, EINVAL when it is not an
 * eventfd); a position beyond the pin's buffer (EINVAL); the same
 * KSEVENTDATA twice (EEXIST); more than KS_EVENTS_MAX events (ENOSPC).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "event_fd.h"
#include "filter.h"
#include "format.h"
#include "pin.h"

/* A semaphore handle's largest adjustment: each is that many signals. */
#define KS_EVENT_ADJUSTMENT_MAX	1024

#define KS_EVENT_TYPES	(KSEVENT_TYPE_ENABLE | KSEVENT_TYPE_ONESHOT | \
			 KSEVENT_TYPE_ENABLEBUFFERED | \
			 KSEVENT_TYPE_SETSUPPORT | KSEVENT_TYPE_BASICSUPPORT | \
			 KSEVENT_TYPE_QUERYBUFFER)

/* An event a pin offers: what signals it and the data it is enabled with. */
struct ks_event_item {
	struct ks_guid set;
	u32 id;
	enum ks_event_kind kind;
	u32 data_size;
};

static const struct ks_event_item pin_events[] = {
	{
		.set = KSEVENTSETID_CONNECTION,
		.id = KSEVENT_CONNECTION_ENDOFSTREAM,
		.kind = KS_EVENT_END_OF_STREAM,
		.data_size = sizeof(struct ks_event_data),
	},
	{
		.set = KSEVENTSETID_CONNECTION,
		.id = KSEVENT_CONNECTION_DATADISCONTINUITY,
		.kind = KS_EVENT_DISCONTINUITY,
		.data_size = sizeof(struct ks_event_data),
	},
	{
		.set = KSEVENTSETID_LOOPEDSTREAMING,
		.id = KSEVENT_LOOPEDSTREAMING_POSITION,
		.kind = KS_EVENT_POSITION,
		.data_size = sizeof(struct ks_loopedstreaming_position_event_data),
	},
};

/*
 * The item for @ev on @pin (NULL: a filter fd, which offers none): -ENOENT
 * for an unknown set, or an unknown id but to SETSUPPORT, which needs only
 * the set; *@item NULL then.
 */
static int lookup(const struct ks_pin *pin, const struct ks_identifier *ev,
		  const struct ks_event_item **item)
{
	bool set_known = false;
	unsigned int i;

	*item = NULL;
	if (!pin || (ev->flags & KSEVENT_TYPE_TOPOLOGY))
		return -ENOENT;
	for (i = 0; i < ARRAY_SIZE(pin_events); i++) {
		if (!ks_guid_equal(&pin_events[i].set, &ev->set))
			continue;
		set_known = true;
		if (pin_events[i].id == ev->id) {
			*item = &pin_events[i];
			return 0;
		}
	}
	if (set_known && (ev->flags & KSEVENT_TYPE_SETSUPPORT))
		return 0;
	return -ENOENT;
}

/* The caller's KSEVENTDATA (and the event's data) into a new event. */
static int event_from_user(struct ks_pin *pin,
			   const struct ks_event_item *item,
			   const struct ks_ioctl_buffers *io, u32 op,
			   struct ks_event **out)
{
	struct ks_loopedstreaming_position_event_data d = {};
	struct ks_event_data *ed = &d.event_data;
	struct eventfd_ctx *ctx;
	struct ks_event *e;

	if (copy_from_user(&d, u64_to_user_ptr(io->out), item->data_size))
		return -EFAULT;
	if (ed->notification_type == KSEVENTF_SEMAPHORE_HANDLE) {
		if (ed->adjustment < 1 ||
		    ed->adjustment > KS_EVENT_ADJUSTMENT_MAX)
			return -EINVAL;
	} else if (ed->notification_type != KSEVENTF_EVENT_HANDLE) {
		return -EINVAL;
	}
	if (ed->handle > INT_MAX)
		return -EBADF;
	ctx = eventfd_ctx_fdget((int)ed->handle);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (item->kind == KS_EVENT_POSITION &&
	    d.position >= READ_ONCE(pin->stream.size)) {
		eventfd_ctx_put(ctx);
		return -EINVAL;
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e) {
		eventfd_ctx_put(ctx);
		return -ENOMEM;
	}
	e->key = io->out;
	e->kind = item->kind;
	e->oneshot = op == KSEVENT_TYPE_ONESHOT;
	e->count = ed->notification_type == KSEVENTF_SEMAPHORE_HANDLE ?
		   ed->adjustment : 1;
	e->position = d.position;
	e->ctx = ctx;
	*out = e;
	return 0;
}

static void event_free(struct ks_event *e)
{
	eventfd_ctx_put(e->ctx);
	kfree(e);
}

static int enable(struct ks_pin *pin, struct ks_ioctl_buffers *io)
{
	const struct ks_event_item *item;
	struct ks_identifier ev;
	struct ks_event *e;
	u32 op;
	int ret;

	if (io->reserved || io->in_size < sizeof(ev))
		return -EINVAL;
	if (copy_from_user(&ev, u64_to_user_ptr(io->in), sizeof(ev)))
		return -EFAULT;
	/* A KSE_NODE: the node id after the KSEVENT. */
	if ((ev.flags & KSEVENT_TYPE_TOPOLOGY) &&
	    io->in_size < sizeof(struct ks_p_node))
		return -EINVAL;
	op = ev.flags & ~KSEVENT_TYPE_TOPOLOGY;
	if ((op & ~KS_EVENT_TYPES) || hweight32(op) != 1)
		return -EINVAL;
	ret = lookup(pin, &ev, &item);
	if (ret || op == KSEVENT_TYPE_SETSUPPORT ||
	    op == KSEVENT_TYPE_BASICSUPPORT)
		return ret;
	if (op != KSEVENT_TYPE_ENABLE && op != KSEVENT_TYPE_ONESHOT)
		return -EOPNOTSUPP;
	if (io->out_size < item->data_size) {
		io->returned = item->data_size;
		return -EOVERFLOW;
	}
	ret = event_from_user(pin, item, io, op, &e);
	if (ret)
		return ret;
	ret = ks_events_add(&pin->stream.events, e);
	if (ret)
		event_free(e);
	return ret;
}

/* By the KSEVENTDATA's address, or every event of the fd for none. */
static int disable(struct ks_pin *pin, const struct ks_ioctl_buffers *io)
{
	if (io->reserved)
		return -EINVAL;
	if (!io->in && !io->in_size) {
		if (pin)
			ks_events_remove_all(&pin->stream.events);
		return 0;
	}
	if (io->in_size < sizeof(struct ks_event_data))
		return -EINVAL;
	return pin ? ks_events_remove(&pin->stream.events, io->in) : -ENOENT;
}

long ks_event_ioctl(struct ks_pin *pin, unsigned int cmd,
		    struct ks_ioctl_buffers __user *uio)
{
	struct ks_ioctl_buffers io;
	long ret;

	if (copy_from_user(&io, uio, sizeof(io)))
		return -EFAULT;
	io.returned = 0;
	if (cmd == KS_IOCTL_ENABLE_EVENT)
		ret = enable(pin, &io);
	else
		ret = disable(pin, &io);
	if (put_user(io.returned, &uio->returned))
		return -EFAULT;
	return ret;
}
