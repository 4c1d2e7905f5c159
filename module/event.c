// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the events enabled on a pin or on a filter's nodes, and their
 * signalling.
 *
 * A queue (queue.c, queue_ops.c, stream.c) tells its events what happened
 * to it, under its own lock: an end-of-stream mark reached its consumer,
 * a discontinuity, the device's position moved.  A filter's nodes have a
 * list of their own, signalled by ks_node_event() (node.c): the provider
 * calls it, and a control's change of value.  The signal is an
 * eventfd_signal(), which may be made from any context, so the list has a
 * spinlock taken with interrupts off; the hot paths skip it while no event
 * is enabled.  A removal under that lock is final: once ks_events_remove()
 * returns, the event is not signalled again.  Locks: see "DOC: Locking" in
 * filter.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/math64.h>
#include <linux/slab.h>

#include "compat.h"
#include "event.h"
#include "format.h"

void ks_events_init(struct ks_events *ev)
{
	spin_lock_init(&ev->lock);
	INIT_LIST_HEAD(&ev->list);
	ev->count = 0;
	ev->closed = false;
}

static struct ks_event *find(struct ks_events *ev, const void *owner,
			     u64 key)
{
	struct ks_event *e;

	list_for_each_entry(e, &ev->list, node)
		if (e->owner == owner && e->key == key)
			return e;
	return NULL;
}

/* A filter's node events are every fd's: each is held to its own share. */
static unsigned int owned(struct ks_events *ev, const void *owner)
{
	struct ks_event *e;
	unsigned int n = 0;

	list_for_each_entry(e, &ev->list, node)
		n += e->owner == owner;
	return n;
}

int ks_events_add(struct ks_events *ev, struct ks_event *e)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ev->lock, flags);
	if (READ_ONCE(ev->closed))
		ret = -ENODEV;
	else if (find(ev, e->owner, e->key))
		ret = -EEXIST;
	else if (owned(ev, e->owner) >= KS_EVENTS_MAX)
		ret = -ENOSPC;
	if (!ret) {
		list_add_tail(&e->node, &ev->list);
		WRITE_ONCE(ev->count, ev->count + 1);
		/*
		 * Pairs with ks_events_close(), which closes an empty list
		 * without the lock: counted first, then closed looked at
		 * again.  Either it sees the entry and removes it under the
		 * lock, or we see it closed and take the entry back.
		 */
		smp_mb();
		if (READ_ONCE(ev->closed)) {
			list_del(&e->node);
			WRITE_ONCE(ev->count, ev->count - 1);
			ret = -ENODEV;
		}
	}
	spin_unlock_irqrestore(&ev->lock, flags);
	return ret;
}

static void unlink(struct ks_events *ev, struct ks_event *e,
		   struct list_head *gone)
{
	lockdep_assert_held(&ev->lock);
	list_move_tail(&e->node, gone);
	WRITE_ONCE(ev->count, ev->count - 1);
}

/* With the lock dropped: the eventfds are let go of, the entries freed. */
static void free_list(struct list_head *gone)
{
	struct ks_event *e, *next;

	list_for_each_entry_safe(e, next, gone, node) {
		eventfd_ctx_put(e->ctx);
		kfree(e);
	}
}

int ks_events_remove(struct ks_events *ev, const void *owner, u64 key)
{
	unsigned long flags;
	struct ks_event *e;
	LIST_HEAD(gone);

	spin_lock_irqsave(&ev->lock, flags);
	e = find(ev, owner, key);
	if (e)
		unlink(ev, e, &gone);
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
	return e ? 0 : -ENOENT;
}

/* @owner's events, or with @close every event and none after. */
void __ks_events_remove_all(struct ks_events *ev, const void *owner,
			    bool close)
{
	struct ks_event *e, *next;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&ev->lock, flags);
	list_for_each_entry_safe(e, next, &ev->list, node)
		if (close || e->owner == owner)
			unlink(ev, e, &gone);
	if (close)
		WRITE_ONCE(ev->closed, true);
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
}

/*
 * @times signals of @e: its eventfd's counter grows by @times x its count
 * (ks_eventfd_add(), compat.h); a one-shot goes to @gone.
 */
static void fire(struct ks_events *ev, struct ks_event *e, u64 times,
		 struct list_head *gone)
{
	if (e->oneshot)
		times = 1;
	ks_eventfd_add(e->ctx, times * e->count);
	if (e->oneshot)
		unlink(ev, e, gone);
}

void ks_events_signal(struct ks_events *ev, enum ks_event_kind kind)
{
	struct ks_event *e, *next;
	unsigned long flags;
	LIST_HEAD(gone);

	if (!READ_ONCE(ev->count))
		return;
	spin_lock_irqsave(&ev->lock, flags);
	list_for_each_entry_safe(e, next, &ev->list, node)
		if (e->kind == kind)
			fire(ev, e, 1, &gone);
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
}

void ks_events_signal_node(struct ks_events *ev, u32 node_id,
			   const struct ks_guid *set, u32 id)
{
	struct ks_event *e, *next;
	unsigned long flags;
	LIST_HEAD(gone);

	if (!READ_ONCE(ev->count))
		return;
	spin_lock_irqsave(&ev->lock, flags);
	list_for_each_entry_safe(e, next, &ev->list, node)
		if (e->kind == KS_EVENT_NODE && e->node_id == node_id &&
		    e->id == id && ks_guid_equal(&e->set, set))
			fire(ev, e, 1, &gone);
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
}

/* How often the offsets k * @size + @pos lie in (@from, @to]. */
static u64 passes(u64 from, u64 to, u64 pos, u32 size)
{
	u64 first;
	u32 rem;

	if (to <= from || !size || pos >= size)
		return 0;
	div_u64_rem(from, size, &rem);
	first = from - rem + pos;
	if (first <= from)
		first += size;
	if (first > to)
		return 0;
	return div_u64(to - first, size) + 1;
}

s64 ks_events_time(const struct ks_events *ev, u64 position)
{
	u32 rate = READ_ONCE(ev->rate);

	return rate ? mul_u64_u32_div(position, KS_CLOCK_UNITS_PER_SEC, rate) :
		      0;
}

/* How many of @base + k @interval (k >= 0) lie in (@from, @to]. */
static u64 marks(s64 from, s64 to, s64 base, s64 interval)
{
	s64 a = from - base, b = to - base, first, last;

	if (b < 0)
		return 0;
	first = a < 0 ? 0 : div64_s64(a, interval) + 1;
	last = div64_s64(b, interval);
	return last >= first ? last - first + 1 : 0;
}

/* The times of @from and @to on the pin's clock: @e's signals. */
static u64 clock_signals(struct ks_event *e, s64 from, s64 to)
{
	if (e->kind == KS_EVENT_CLOCK_INTERVAL)
		return marks(from, to, e->time, e->interval);
	if (e->done || e->time > to)
		return 0;
	/* A mark already passed when it was enabled comes at once. */
	e->done = true;
	return 1;
}

/* WaveRT's notification points in (@from, @to]: each cycle's end and half. */
static u64 notifications(const struct ks_events *ev, u64 from, u64 to,
			 u32 size)
{
	u64 n;

	if (!ev->notify_count)
		return 0;
	n = passes(from, to, 0, size);
	if (ev->notify_count == 2 && ev->notify_half)
		n += passes(from, to, ev->notify_half, size);
	return n;
}

void ks_events_position(struct ks_events *ev, u64 from, u64 to, u32 size)
{
	struct ks_event *e, *next;
	s64 t_from, t_to;
	unsigned long flags;
	LIST_HEAD(gone);
	u64 n;

	if (!READ_ONCE(ev->count))
		return;
	t_from = ks_events_time(ev, from);
	t_to = ks_events_time(ev, to);
	spin_lock_irqsave(&ev->lock, flags);
	list_for_each_entry_safe(e, next, &ev->list, node) {
		if (e->kind == KS_EVENT_POSITION)
			n = passes(from, to, e->position, size);
		else if (e->kind == KS_EVENT_CLOCK_MARK ||
			 e->kind == KS_EVENT_CLOCK_INTERVAL)
			n = ev->rate ? clock_signals(e, t_from, t_to) : 0;
		else if (e->kind == KS_EVENT_RT_NOTIFY)
			n = notifications(ev, from, to, size);
		else
			continue;
		if (n)
			fire(ev, e, n, &gone);
	}
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
}
