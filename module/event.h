/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: a pin's enabled KS events (KS_IOCTL_ENABLE_EVENT) and their
 * signalling.  The object side: event.c keeps the list and signals the
 * eventfds; event_fd.c reads the requests from userspace.
 */
#ifndef _KS_EVENT_H
#define _KS_EVENT_H

#include <linux/ks.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct eventfd_ctx;

/* What a queue tells its events about. */
enum ks_event_kind {
	KS_EVENT_END_OF_STREAM,		/* Connection ENDOFSTREAM */
	KS_EVENT_DISCONTINUITY,		/* Connection DATADISCONTINUITY */
	KS_EVENT_POSITION,		/* LoopedStreaming POSITION */
	KS_EVENT_CLOCK_MARK,		/* Clock POSITION_MARK */
	KS_EVENT_CLOCK_INTERVAL,	/* Clock INTERVAL_MARK */
	KS_EVENT_RT_NOTIFY,		/* WaveRT's notification event */
	KS_EVENT_NODE,			/* a node's, by ks_node_event() */
};

/* A clock's time unit: 100 ns, as Windows' REFERENCE_TIME. */
#define KS_CLOCK_UNITS_PER_SEC	10000000

/* Events one fd may have enabled at once on one list (ENOSPC beyond). */
#define KS_EVENTS_MAX		64

/**
 * struct ks_event - an enabled event
 * @node: in &ks_events.list
 * @owner: the object it was enabled on (the pin, or a clock of the pin;
 *	for a node's event the pin or the filter fd's file): a disable names
 *	its events only
 * @key: the user address of the caller's KSEVENTDATA, which identifies it
 *	to KS_IOCTL_DISABLE_EVENT, as on Windows
 * @kind: what signals it
 * @oneshot: removed once signalled (KSEVENT_TYPE_ONESHOT)
 * @count: what a signal adds to the eventfd's counter: 1, or a semaphore
 *	handle's adjustment
 * @position: KS_EVENT_POSITION: the offset in the cyclic buffer
 * @time: the clock events': the mark, or the first of the intervals
 * @interval: KS_EVENT_CLOCK_INTERVAL: the time between marks, > 0
 * @done: a POSITION_MARK that was signalled: kept until disabled, as on
 *	Windows, but never signalled again
 * @node_id: KS_EVENT_NODE: the node, and the event's @set and @id
 * @id: KS_EVENT_NODE: the event's id
 * @set: KS_EVENT_NODE: the event's set
 * @ctx: the eventfd, referenced
 */
struct ks_event {
	struct list_head node;
	const void *owner;
	u64 key;
	enum ks_event_kind kind;
	bool oneshot;
	u32 count;
	u64 position;
	s64 time;
	s64 interval;
	bool done;
	u32 node_id;
	u32 id;
	struct ks_guid set;
	struct eventfd_ctx *ctx;
};

/**
 * struct ks_events - the events enabled on a pin, or on a filter's nodes
 * @lock: guards the rest; taken from any context, under a queue's lock
 * @list: struct ks_event, in the order enabled
 * @count: entries in @list; read without @lock to skip an empty list
 * @closed: the pin is shut down (the filter unregistered): nothing more
 *	is enabled; set without @lock by ks_events_close()
 * @rate: the pin's bytes a second (its format's), which make its clock's
 *	time of its device position; 0 when the format has none
 * @notify_count: WaveRT's notification points in a cycle: 0, 1 (its end)
 *	or 2 (and @notify_half)
 * @notify_half: the middle of the cycle, in whole frames
 *
 * @rate and the notification points are written under the queue's lock,
 * under which the queue signals.
 */
struct ks_events {
	spinlock_t lock;	/* the list */
	struct list_head list;
	unsigned int count;
	bool closed;
	u32 rate;
	u32 notify_count;
	u32 notify_half;
};

void ks_events_init(struct ks_events *ev);
/* 0, -EEXIST (its key is enabled), -ENOSPC or -ENODEV (closed). */
int ks_events_add(struct ks_events *ev, struct ks_event *e);
/* 0, or -ENOENT when @owner has no event at @key. */
int ks_events_remove(struct ks_events *ev, const void *owner, u64 key);
void __ks_events_remove_all(struct ks_events *ev, const void *owner,
			    bool close);

/*
 * An owner removes its events as its fd closes, when no call of that fd
 * can be adding one: an empty list needs no lock, and most have none.
 */
static inline void ks_events_remove_all(struct ks_events *ev,
					const void *owner)
{
	if (READ_ONCE(ev->count))
		__ks_events_remove_all(ev, owner, false);
}

/*
 * Remove every event and refuse new ones: the pin is shut down.  Once
 * closed, a list stays empty.
 *
 * A list that is empty is closed without its lock, which is taken with
 * interrupts off: under emulation (QEMU's TCG) that pair cost a pin's
 * create and close 3%, and most pins never have an event.  @closed is
 * set before @count is read, and ks_events_add() counts a new entry
 * before it reads @closed again, both with a full barrier between: if
 * we see no entry, the adder sees us and takes its entry back.  A second
 * close that finds entries still there waits on the lock for the first.
 */
static inline void ks_events_close(struct ks_events *ev)
{
	if (!READ_ONCE(ev->closed)) {
		WRITE_ONCE(ev->closed, true);
		smp_mb();	/* pairs with ks_events_add() */
	}
	if (READ_ONCE(ev->count))
		__ks_events_remove_all(ev, NULL, true);
}

void ks_events_signal(struct ks_events *ev, enum ks_event_kind kind);
/* The KS_EVENT_NODE events of @node_id that are (@set, @id). */
void ks_events_signal_node(struct ks_events *ev, u32 node_id,
			   const struct ks_guid *set, u32 id);
/* The device's position moved from @from to @to in a buffer of @size. */
void ks_events_position(struct ks_events *ev, u64 from, u64 to, u32 size);

/* The format's bytes a second (in STOP, under the queue's lock). */
static inline void ks_events_set_rate(struct ks_events *ev, u32 rate)
{
	WRITE_ONCE(ev->rate, rate);
}

s64 ks_events_time(const struct ks_events *ev, u64 position);

/* WaveRT's notification points (under the queue's lock). */
static inline void ks_events_set_notify(struct ks_events *ev, u32 count,
					u32 half)
{
	WRITE_ONCE(ev->notify_count, count);
	WRITE_ONCE(ev->notify_half, half);
}

#endif /* _KS_EVENT_H */
