// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the events enabled on a pin, and their signalling.
 *
 * A queue (queue.c, queue_ops.c, stream.c) tells its events what happened
 * to it, under its own lock: an end-of-stream mark reached its consumer,
 * a discontinuity, the device's position moved.  The signal is an
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

void ks_events_init(struct ks_events *ev)
{
	spin_lock_init(&ev->lock);
	INIT_LIST_HEAD(&ev->list);
	ev->count = 0;
	ev->closed = false;
}

static struct ks_event *find(struct ks_events *ev, u64 key)
{
	struct ks_event *e;

	list_for_each_entry(e, &ev->list, node)
		if (e->key == key)
			return e;
	return NULL;
}

int ks_events_add(struct ks_events *ev, struct ks_event *e)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ev->lock, flags);
	if (ev->closed)
		ret = -ENODEV;
	else if (find(ev, e->key))
		ret = -EEXIST;
	else if (ev->count >= KS_EVENTS_MAX)
		ret = -ENOSPC;
	if (!ret) {
		list_add_tail(&e->node, &ev->list);
		WRITE_ONCE(ev->count, ev->count + 1);
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

int ks_events_remove(struct ks_events *ev, u64 key)
{
	unsigned long flags;
	struct ks_event *e;
	LIST_HEAD(gone);

	spin_lock_irqsave(&ev->lock, flags);
	e = find(ev, key);
	if (e)
		unlink(ev, e, &gone);
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
	return e ? 0 : -ENOENT;
}

static void remove_all(struct ks_events *ev, bool close)
{
	struct ks_event *e, *next;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&ev->lock, flags);
	list_for_each_entry_safe(e, next, &ev->list, node)
		unlink(ev, e, &gone);
	if (close)
		ev->closed = true;
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
}

void ks_events_remove_all(struct ks_events *ev)
{
	remove_all(ev, false);
}

void ks_events_close(struct ks_events *ev)
{
	remove_all(ev, true);
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

void ks_events_position(struct ks_events *ev, u64 from, u64 to, u32 size)
{
	struct ks_event *e, *next;
	unsigned long flags;
	LIST_HEAD(gone);
	u64 n;

	if (!READ_ONCE(ev->count))
		return;
	spin_lock_irqsave(&ev->lock, flags);
	list_for_each_entry_safe(e, next, &ev->list, node) {
		if (e->kind != KS_EVENT_POSITION)
			continue;
		n = passes(from, to, e->position, size);
		if (n)
			fire(ev, e, n, &gone);
	}
	spin_unlock_irqrestore(&ev->lock, flags);
	free_list(&gone);
}
