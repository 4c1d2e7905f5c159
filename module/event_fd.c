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
 * streaming pin.  With KSEVENT_TYPE_TOPOLOGY, ``in`` is a KSE_NODE and
 * the event a node's, on a filter fd or a pin fd of the filter alike: the
 * events its provider declares for the node (&ks_node_descriptor.events),
 * enabled with a KSEVENTDATA, signalled by ks_node_event(); they are the
 * filter's, kept with the fd that enabled them.  The checks, in order:
 * the buffers' reserved field and ``in``'s size, 24 bytes or 32 for a
 * KSE_NODE (EINVAL); the flags, exactly one operation besides TOPOLOGY
 * (EINVAL); a node the filter does not have (EINVAL); the set and the id
 * (ENOENT; SETSUPPORT and BASICSUPPORT answer 0 here); ENABLEBUFFERED and
 * QUERYBUFFER (EOPNOTSUPP); ``out`` shorter than the event's data
 * (EOVERFLOW, ``returned`` the size needed); the notification type and a
 * semaphore's adjustment, 1 to KS_EVENT_ADJUSTMENT_MAX (EINVAL); the
 * handle (EBADF when it is no fd of the caller's, EINVAL when it is not an
 * eventfd); a position beyond the pin's buffer (EINVAL); the same
 * KSEVENTDATA twice (EEXIST); more than KS_EVENTS_MAX events of the fd's,
 * its own or its nodes' (ENOSPC).  A filter that has been unregistered
 * enables nothing (ENODEV).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "event_fd.h"
#include "filter.h"
#include "format.h"
#include "node.h"
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

/*
 * What an fd's object is: its events' list, their owner, what it offers,
 * and the filter whose nodes' events it enables (KSEVENT_TYPE_TOPOLOGY).
 */
struct ks_event_object {
	struct ks_pin *pin;
	struct ks_events *events;
	struct ks_filter *filter;
	const void *owner;
	const struct ks_event_item *items;
	unsigned int count;
};

/* A node's event: its set and id are the request's (ks_node_event()). */
static const struct ks_event_item node_event = {
	.kind = KS_EVENT_NODE,
	.data_size = sizeof(struct ks_event_data),
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

static const struct ks_event_item clock_events[] = {
	{
		.set = KSEVENTSETID_CLOCK,
		.id = KSEVENT_CLOCK_INTERVAL_MARK,
		.kind = KS_EVENT_CLOCK_INTERVAL,
		.data_size = sizeof(struct ks_event_time_interval),
	},
	{
		.set = KSEVENTSETID_CLOCK,
		.id = KSEVENT_CLOCK_POSITION_MARK,
		.kind = KS_EVENT_CLOCK_MARK,
		.data_size = sizeof(struct ks_event_time_mark),
	},
};

/* The data an event is enabled with: the largest of the items'. */
union ks_event_user_data {
	struct ks_event_data event_data;
	struct ks_loopedstreaming_position_event_data position;
	struct ks_event_time_mark mark;
	struct ks_event_time_interval interval;
};

/*
 * The item for @ev on @obj: -ENOENT for an unknown set, or an unknown id
 * but to SETSUPPORT, which needs only the set; *@item NULL then.
 */
static int lookup(const struct ks_event_object *obj,
		  const struct ks_identifier *ev,
		  const struct ks_event_item **item)
{
	bool set_known = false;
	unsigned int i;

	*item = NULL;
	for (i = 0; i < obj->count; i++) {
		if (!ks_guid_equal(&obj->items[i].set, &ev->set))
			continue;
		set_known = true;
		if (obj->items[i].id == ev->id) {
			*item = &obj->items[i];
			return 0;
		}
	}
	if (set_known && (ev->flags & KSEVENT_TYPE_SETSUPPORT))
		return 0;
	return -ENOENT;
}

/*
 * The node event @in names: -EINVAL for a node the filter does not have,
 * -ENOENT for an event the node does not offer (its set, to SETSUPPORT).
 * The descriptor is read with the filter entered; what is enabled later
 * is refused by a list that unregistration closed meanwhile.
 */
static int lookup_node(const struct ks_event_object *obj,
		       const struct ks_event_node *in, u32 op)
{
	int ret;

	if (!obj->filter)
		return -ENOENT;
	ret = ks_filter_enter(obj->filter);
	if (ret)
		return ret;
	ret = ks_node_find_event(obj->filter, in->node_id, &in->event,
				 op == KSEVENT_TYPE_SETSUPPORT);
	ks_filter_leave(obj->filter);
	return ret;
}

/* The event's own data: EINVAL for a position or interval it cannot have. */
static int check_data(const struct ks_event_object *obj,
		      const struct ks_event_item *item,
		      const union ks_event_user_data *d)
{
	switch (item->kind) {
	case KS_EVENT_POSITION:
		return d->position.position >= READ_ONCE(obj->pin->stream.size) ?
		       -EINVAL : 0;
	case KS_EVENT_CLOCK_INTERVAL:
		return d->interval.interval > 0 ? 0 : -EINVAL;
	default:
		return 0;
	}
}

static void event_set_data(struct ks_event *e,
			   const union ks_event_user_data *d)
{
	switch (e->kind) {
	case KS_EVENT_POSITION:
		e->position = d->position.position;
		break;
	case KS_EVENT_CLOCK_MARK:
		e->time = d->mark.mark_time;
		break;
	case KS_EVENT_CLOCK_INTERVAL:
		e->time = d->interval.time_base;
		e->interval = d->interval.interval;
		break;
	default:
		break;
	}
}

/* The caller's KSEVENTDATA (and the event's data) into a new event. */
static int event_from_user(const struct ks_event_object *obj,
			   const struct ks_event_item *item,
			   const struct ks_ioctl_buffers *io, u32 op,
			   struct ks_event **out)
{
	union ks_event_user_data d = {};
	struct ks_event_data *ed = &d.event_data;
	struct eventfd_ctx *ctx;
	struct ks_event *e;
	int ret;

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
	ret = check_data(obj, item, &d);
	if (ret) {
		eventfd_ctx_put(ctx);
		return ret;
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e) {
		eventfd_ctx_put(ctx);
		return -ENOMEM;
	}
	e->owner = obj->owner;
	e->key = io->out;
	e->kind = item->kind;
	e->oneshot = op == KSEVENT_TYPE_ONESHOT;
	e->count = ed->notification_type == KSEVENTF_SEMAPHORE_HANDLE ?
		   ed->adjustment : 1;
	event_set_data(e, &d);
	e->ctx = ctx;
	*out = e;
	return 0;
}

static void event_free(struct ks_event *e)
{
	eventfd_ctx_put(e->ctx);
	kfree(e);
}

/* A node event's list and name; any other's list is the object's own. */
static struct ks_events *event_list(const struct ks_event_object *obj,
				    const struct ks_event_node *in,
				    struct ks_event *e)
{
	if (e->kind != KS_EVENT_NODE)
		return obj->events;
	e->node_id = in->node_id;
	e->set = in->event.set;
	e->id = in->event.id;
	return &obj->filter->node_events;
}

static int enable(const struct ks_event_object *obj,
		  struct ks_ioctl_buffers *io)
{
	const struct ks_event_item *item = &node_event;
	struct ks_event_node in = {};
	struct ks_identifier *ev = &in.event;
	struct ks_event *e;
	bool node;
	u32 op;
	int ret;

	if (io->reserved || io->in_size < sizeof(*ev))
		return -EINVAL;
	/* Once: a KSEVENT, or a KSE_NODE with the node id after it. */
	if (copy_from_user(&in, u64_to_user_ptr(io->in),
			   min_t(u32, io->in_size, sizeof(in))))
		return -EFAULT;
	node = ev->flags & KSEVENT_TYPE_TOPOLOGY;
	if (node && io->in_size < sizeof(in))
		return -EINVAL;
	op = ev->flags & ~KSEVENT_TYPE_TOPOLOGY;
	if ((op & ~KS_EVENT_TYPES) || hweight32(op) != 1)
		return -EINVAL;
	ret = node ? lookup_node(obj, &in, op) : lookup(obj, ev, &item);
	if (ret || op == KSEVENT_TYPE_SETSUPPORT ||
	    op == KSEVENT_TYPE_BASICSUPPORT)
		return ret;
	if (op != KSEVENT_TYPE_ENABLE && op != KSEVENT_TYPE_ONESHOT)
		return -EOPNOTSUPP;
	if (io->out_size < item->data_size) {
		io->returned = item->data_size;
		return -EOVERFLOW;
	}
	ret = event_from_user(obj, item, io, op, &e);
	if (ret)
		return ret;
	ret = ks_events_add(event_list(obj, &in, e), e);
	if (ret)
		event_free(e);
	return ret;
}

/*
 * By the KSEVENTDATA's address, or every event of the fd for none: the
 * object's own, and those it enabled on the filter's nodes.
 */
static int disable(const struct ks_event_object *obj,
		   const struct ks_ioctl_buffers *io)
{
	struct ks_events *nodes = obj->filter ? &obj->filter->node_events :
						NULL;
	int ret = -ENOENT;

	if (io->reserved)
		return -EINVAL;
	if (!io->in && !io->in_size) {
		if (obj->events)
			ks_events_remove_all(obj->events, obj->owner);
		if (nodes)
			ks_events_remove_all(nodes, obj->owner);
		return 0;
	}
	if (io->in_size < sizeof(struct ks_event_data))
		return -EINVAL;
	if (obj->events)
		ret = ks_events_remove(obj->events, obj->owner, io->in);
	if (ret == -ENOENT && nodes)
		ret = ks_events_remove(nodes, obj->owner, io->in);
	return ret;
}

static long event_ioctl(const struct ks_event_object *obj, unsigned int cmd,
			struct ks_ioctl_buffers __user *uio)
{
	struct ks_ioctl_buffers io;
	long ret;

	if (copy_from_user(&io, uio, sizeof(io)))
		return -EFAULT;
	io.returned = 0;
	if (cmd == KS_IOCTL_ENABLE_EVENT)
		ret = enable(obj, &io);
	else
		ret = disable(obj, &io);
	if (put_user(io.returned, &uio->returned))
		return -EFAULT;
	return ret;
}

long ks_event_pin_ioctl(struct ks_pin *pin, unsigned int cmd,
			struct ks_ioctl_buffers __user *uio)
{
	const struct ks_event_object obj = {
		.pin = pin,
		.events = &pin->stream.events,
		.filter = pin->filter,
		.owner = pin,
		.items = pin_events,
		.count = ARRAY_SIZE(pin_events),
	};

	return event_ioctl(&obj, cmd, uio);
}

long ks_event_clock_ioctl(struct ks_pin *pin, const void *clock,
			  unsigned int cmd,
			  struct ks_ioctl_buffers __user *uio)
{
	const struct ks_event_object obj = {
		.pin = pin,
		.events = &pin->stream.events,
		.owner = clock,
		.items = clock_events,
		.count = ARRAY_SIZE(clock_events),
	};

	return event_ioctl(&obj, cmd, uio);
}

long ks_event_filter_ioctl(struct ks_filter *filter, struct file *file,
			   unsigned int cmd,
			   struct ks_ioctl_buffers __user *uio)
{
	const struct ks_event_object obj = {
		.filter = filter,
		.owner = file,
	};

	return event_ioctl(&obj, cmd, uio);
}

void ks_event_node_release(struct ks_filter *filter, const void *owner)
{
	ks_events_remove_all(&filter->node_events, owner);
}
