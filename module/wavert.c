// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: WaveRT, KSPROPSETID_RtAudio on the LOOPED_STREAMING pins of
 * providers that offer it (struct ks_pin_ops.wavert).  The handlers for
 * property.c's dispatcher (prop.h), run with the filter entered; the
 * buffer and the register page are mapped for the caller by the
 * dispatcher (struct ks_prop_call.map) through stream_map.c's mmap, and
 * the queue (queue.c) does what WaveRT mode means for the data.  Locks:
 * see "DOC: Locking" in filter.h.
 */

/**
 * DOC: WaveRT
 *
 * A WaveRT client asks for the pin's buffer (BUFFER, or
 * BUFFER_WITH_NOTIFICATION with 1 or 2 notification points a cycle) in
 * STOP; the value is the address of a mapping of the pin's buffer made
 * for it, of the size it asked for rounded down to whole frames, within
 * the buffer allocated with the pin and at least a page's whole frames.  From
 * then on the pin streams WaveRT: its device never waits for the client.
 * The queue keeps an IN pin's data at a whole buffer and an OUT pin's
 * room likewise (queue.c), the provider moves data at its own pace, and
 * read, write and POSITION sets are EBUSY.  POSITIONREGISTER and
 * CLOCKREGISTER map the pin's register page read-only; the queue writes
 * it as the device's position moves.  Notification events are eventfds
 * in the pin's list of events (event.c), signalled at each notification
 * point the device's position passes; the same eventfd twice is EEXIST.
 *
 * What is checked before the mapping is made, and so before the filter
 * is left, is checked again when the mode is switched (the commit): the
 * pin may have left STOP or taken a new format meanwhile, and then the
 * request fails with EBUSY and the mapping is taken down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/slab.h>

#include "filter.h"
#include "pin.h"
#include "prop.h"
#include "queue_internal.h"
#include "stream.h"

/* The owner of a pin's notification events, apart from its KS events. */
static const char rt_owner;

/* The clock register counts 100 ns units: 10 MHz. */
#define RT_CLOCK_HZ	10000000

bool ks_wavert_offered(const struct ks_pin *pin)
{
	return pin->stream.rt_offered;
}

static int rt_latency(struct ks_pin *pin, bool start,
		      struct ks_rtaudio_hwlatency *lat)
{
	memset(lat, 0, sizeof(*lat));
	return pin->desc->ops->wavert(pin, start, lat);
}

/*
 * The cycle a client asking for @requested bytes gets: whole frames, at
 * least a page's whole frames and two frames, at most the buffer allocated.
 */
static u32 rt_size(const struct ks_stream *q, u32 requested)
{
	u32 most = rounddown(q->map_size, q->frame);
	u32 least = max(rounddown(PAGE_SIZE, q->frame), 2 * q->frame);

	return min(max(rounddown(requested, q->frame), least), most);
}

/* ---- BUFFER, BUFFER_WITH_NOTIFICATION ---- */

/*
 * The commit: with the value written back, the pin goes WaveRT, if it is
 * still in STOP with the frames the size was reckoned in.  The provider
 * may refuse.  pin->lock holds the state, and so the queue's positions.
 */
static int rt_start(struct ks_prop_call *call)
{
	const struct ks_rtaudio_buffer *v = call->value;
	struct ks_pin *pin = call->pin;
	struct ks_stream *q = &pin->stream;
	struct ks_rtaudio_hwlatency lat;
	u32 notify = 0;
	int ret;

	if (call->prop->id == KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION)
		notify = ((const struct ks_rtaudio_buffer_property_with_notification *)
			  call->prop)->notification_count;
	mutex_lock(&pin->lock);
	ret = -EBUSY;
	if (pin->state != KSSTATE_STOP || pin->closed)
		goto unlock;
	mutex_lock(&q->lock);
	ret = v->actual_buffer_size == rt_size(q, v->actual_buffer_size) ?
	      0 : -EBUSY;
	mutex_unlock(&q->lock);
	if (ret)
		goto unlock;
	ret = rt_latency(pin, true, &lat);
	if (ret)
		goto unlock;
	mutex_lock(&q->lock);
	ks_queue_rt_start(q, v->actual_buffer_size, notify);
	mutex_unlock(&q->lock);
unlock:
	mutex_unlock(&pin->lock);
	return ret;
}

static int rt_buffer(struct ks_prop_call *call, u64 hint, u32 requested,
		     u32 notify)
{
	struct ks_pin *pin = call->pin;
	struct ks_stream *q = &pin->stream;
	struct ks_rtaudio_buffer *v;
	u32 size;

	if (ks_pin_connected(pin))
		return -EISCONN;
	if (notify > 2)
		return -EINVAL;
	if (READ_ONCE(pin->state) != KSSTATE_STOP)
		return -EBUSY;
	/* The value's size first: no mapping for a value that cannot go. */
	if (call->out_size < sizeof(*v)) {
		call->returned = sizeof(*v);
		return -EOVERFLOW;
	}
	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	mutex_lock(&q->lock);
	size = rt_size(q, requested);
	mutex_unlock(&q->lock);
	v->actual_buffer_size = size;
	ks_value_map(call, 0, hint, PAGE_ALIGN(size),
		     PROT_READ |
		     (call->file->f_mode & FMODE_WRITE ? PROT_WRITE : 0), 0);
	call->commit = rt_start;
	return 0;
}

static int get_buffer(struct ks_prop_call *call)
{
	const struct ks_rtaudio_buffer_property *p = (const void *)call->prop;

	if (!ks_wavert_offered(call->pin))
		return -EOPNOTSUPP;
	return rt_buffer(call, p->base_address, p->requested_buffer_size, 0);
}

static int get_buffer_notify(struct ks_prop_call *call)
{
	const struct ks_rtaudio_buffer_property_with_notification *p =
		(const void *)call->prop;

	if (!ks_wavert_offered(call->pin))
		return -EOPNOTSUPP;
	if (p->notification_count < 1)
		return -EINVAL;
	return rt_buffer(call, p->base_address, p->requested_buffer_size,
			 p->notification_count);
}

/* ---- POSITIONREGISTER, CLOCKREGISTER, HWLATENCY ---- */

static int rt_register(struct ks_prop_call *call, bool clock)
{
	const struct ks_rtaudio_hwregister_property *p = (const void *)call->prop;
	struct ks_rtaudio_hwregister *v;
	u32 field;

	if (!ks_wavert_offered(call->pin))
		return -EOPNOTSUPP;
	if (call->out_size < sizeof(*v)) {
		call->returned = sizeof(*v);
		return -EOVERFLOW;
	}
	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (clock) {
		v->width = 64;
		v->numerator = RT_CLOCK_HZ;
		v->denominator = 1;
		/* Written with the position: exact for that moment. */
		v->accuracy = 1;
		field = offsetof(struct ks_rtaudio_registers, clock);
	} else {
		v->width = 32;
		v->accuracy = READ_ONCE(call->pin->stream.frame);
		field = offsetof(struct ks_rtaudio_registers, position);
	}
	ks_value_map(call, KS_RTAUDIO_REGISTERS_OFFSET, p->base_address,
		     PAGE_SIZE, PROT_READ, field);
	return 0;
}

static int get_position_register(struct ks_prop_call *call)
{
	return rt_register(call, false);
}

static int get_clock_register(struct ks_prop_call *call)
{
	return rt_register(call, true);
}

static int get_hwlatency(struct ks_prop_call *call)
{
	struct ks_rtaudio_hwlatency *v;
	int ret;

	if (!ks_wavert_offered(call->pin))
		return -EOPNOTSUPP;
	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	mutex_lock(&call->pin->lock);
	ret = rt_latency(call->pin, false, v);
	mutex_unlock(&call->pin->lock);
	return ret;
}

static int get_notification_support(struct ks_prop_call *call)
{
	if (!ks_wavert_offered(call->pin))
		return -EOPNOTSUPP;
	return ks_value_u32(call, 1);
}

/* ---- notification events ---- */

/* The eventfd of a handle: EBADF for no open fd, EINVAL for another file. */
static struct eventfd_ctx *rt_eventfd(struct ks_prop_call *call)
{
	const struct ks_rtaudio_notification_event_property *p =
		(const void *)call->prop;

	if (p->notification_event > INT_MAX)
		return ERR_PTR(-EBADF);
	return eventfd_ctx_fdget((int)p->notification_event);
}

static int register_event(struct ks_prop_call *call)
{
	struct ks_stream *q = &call->pin->stream;
	struct eventfd_ctx *ctx;
	struct ks_event *e;
	int ret;

	if (!ks_wavert_offered(call->pin))
		return -EOPNOTSUPP;
	/* A hint: a buffer made afterwards without notifications mutes it. */
	if (!READ_ONCE(q->rt) || !READ_ONCE(q->rt_notify))
		return -EBADFD;
	ctx = rt_eventfd(call);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e) {
		eventfd_ctx_put(ctx);
		return -ENOMEM;
	}
	e->owner = &rt_owner;
	e->key = (unsigned long)ctx;
	e->kind = KS_EVENT_RT_NOTIFY;
	e->count = 1;
	e->ctx = ctx;
	ret = ks_events_add(&q->events, e);
	if (ret) {
		eventfd_ctx_put(ctx);
		kfree(e);
	}
	return ret;
}

static int unregister_event(struct ks_prop_call *call)
{
	struct eventfd_ctx *ctx;
	int ret;

	if (!ks_wavert_offered(call->pin))
		return -EOPNOTSUPP;
	ctx = rt_eventfd(call);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	ret = ks_events_remove(&call->pin->stream.events, &rt_owner,
			       (unsigned long)ctx);
	eventfd_ctx_put(ctx);
	return ret;
}

const struct ks_prop_item ks_rt_items[KS_RT_ITEMS] = {
	PROP_GET(KSPROPERTY_RTAUDIO_BUFFER,
		 sizeof(struct ks_rtaudio_buffer_property), get_buffer),
	PROP_GET(KSPROPERTY_RTAUDIO_HWLATENCY,
		 sizeof(struct ks_identifier), get_hwlatency),
	PROP_GET(KSPROPERTY_RTAUDIO_POSITIONREGISTER,
		 sizeof(struct ks_rtaudio_hwregister_property),
		 get_position_register),
	PROP_GET(KSPROPERTY_RTAUDIO_CLOCKREGISTER,
		 sizeof(struct ks_rtaudio_hwregister_property),
		 get_clock_register),
	PROP_GET(KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION,
		 sizeof(struct ks_rtaudio_buffer_property_with_notification),
		 get_buffer_notify),
	PROP_GET(KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT,
		 sizeof(struct ks_rtaudio_notification_event_property),
		 register_event),
	PROP_GET(KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT,
		 sizeof(struct ks_rtaudio_notification_event_property),
		 unregister_event),
	PROP_GET_U32(KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT,
		     sizeof(struct ks_identifier), get_notification_support),
};
