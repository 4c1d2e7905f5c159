/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the filter object and what the rest of the core may do with it.
 * Lifetime rules are at the top of filter.c; every lock of the module is
 * placed in "DOC: Locking" below.
 */
#ifndef _KS_FILTER_H
#define _KS_FILTER_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/ksfilter.h>

#include "event.h"

/**
 * DOC: Locking
 *
 * Every lock of the module, outermost first: a lock is taken only with
 * none of those below it held.
 *
 * - ``filter->gate`` (struct ks_gate, below): held for reading (entered)
 *   around every call into a provider and every use of its descriptor,
 *   for writing by unregistration alone (ks_filter_kill()).  Lockdep
 *   sees it as a reader-writer lock.
 *
 *   - ``pin->lock`` (mutex, pin.c): a pin's state, format, priority and
 *     closed; held around the provider's set_state() and close() and
 *     around a connection's process() (link.c), so that no callback comes
 *     after close().
 *
 *     - ``filter->lock`` (mutex, filter.c): dead, the open fds, the pin
 *       list and the instance counts.
 *     - the providers' own locks (e.g. loopback.c's), in their callbacks.
 *
 *       - ``stream->lock`` (mutex, queue.c): a queue; up to three at once
 *         (a pin's queue, its feed and a move's other end), in address
 *         order.
 *
 *         - ``events->lock`` (spinlock, irq-safe, event.c): a pin's
 *           enabled events, or a filter's node events; under a queue's
 *           lock or alone, over nothing but the eventfds' own locks
 *           (eventfd_signal()).  ks_node_event() takes the filter's from
 *           a provider's context, whatever it holds.
 *
 *   - ``filter->controls_lock`` (mutex, node.c): a node control SET; held
 *     around the provider's set_control(), so the providers' own locks
 *     come under it.  Never taken with ``pin->lock``.
 *
 *   - ``ks_links_lock`` (mutex, link.c): pin->link, was_connected, unlinked
 *     and unlinking; taken under the gate (creation, unregistration) or
 *     alone, and never together with ``pin->lock`` or a queue's lock.
 *
 * - ``ks_link_srcu`` (SRCU, link.c): a connection's readers may hold queue
 *   locks in their read sections.  Its grace periods and the connection's
 *   work are waited for with at most a gate held (by unregistration, for
 *   writing), which is why that work only ever enters a gate, which
 *   never waits.
 * - the xarray lock of ``ks_filters`` (chardev.c): a leaf.
 * - ``ks_iface_lock`` (mutex, iface.c), then ``ks_bindings_lock``
 *   (spinlock, BH-safe), then the rhashtables' bucket locks: the INTERFACE
 *   table's own order, taken with no lock of the filters' held; its
 *   readers take none.
 *
 * No user memory is touched with any of these held: a fault that user
 * space stalls (userfaultfd, a FUSE mapping) would hold everyone waiting
 * for the lock, unregistration among them.  A blocked read or write
 * sleeps with none of them held, and a signal ends the sleep.
 */

struct device;

/*
 * ks_gate.active once unregistration has begun: INT_MIN plus the callers
 * still inside, so that it is negative until the last one leaves.
 */
#define KS_GATE_KILLED	INT_MIN

/**
 * struct ks_gate - a filter's gate: who is inside its provider
 * @active: the callers inside (entered), plus KS_GATE_KILLED once
 *	unregistration has begun
 * @killed: unregistration is done with the pins; set once, with release
 *	ordering, before @wait is woken, and read with acquire ordering
 *	(ks_filter_kill(), ks_filter_enter_close())
 * @wait: unregistration waits here for the last caller to leave, and a
 *	closing pin for unregistration to be done
 * @dep_map: lockdep's view of it, a reader-writer lock
 *
 * The read side is an atomic count on the caller's CPU path and never
 * waits: once unregistration has begun, entering fails at once with
 * -ENODEV, which is the answer a caller would get after waiting for it.
 * An rw_semaphore cost two calls and its bookkeeping on every property
 * call, and made a reader queue behind unregistration only to be told
 * the same.  This is the pattern of kernfs' active references.
 */
struct ks_gate {
	atomic_t active;
	bool killed;
	wait_queue_head_t wait;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

/**
 * struct ks_filter - a registered (or unregistered but still referenced) filter
 * @ref: freed when the last reference goes: registration, fds, pins
 * @gate: held for reading around every call into the provider, for writing
 *	by unregistration (see filter.c)
 * @lock: protects @dead (with @gate), @open_fds, @owner_pinned, @pins and
 *	@instances
 * @dead: unregistered: @desc, @context and the provider are off limits
 * @owner_pinned: we hold a reference on @owner
 * @open_fds: filter and pin fds open on this filter
 * @pins: the pin instances (struct ks_pin.node); changed only with @gate
 *	held for reading and @lock
 * @desc: the provider's descriptor; valid while !@dead
 * @context: the provider's ks_filter_register() argument
 * @owner: the provider's module, copied from @desc
 * @name: copied from @desc, so that it outlives the provider
 * @pins_count: copied from @desc
 * @minor: N of /dev/ksfilterN
 * @dev: the class device, until unregistration
 * @wait: poll waiters on filter fds (woken when the filter dies)
 * @values: the values of the nodes' controls (node.c), or NULL for none
 * @own_desc: a copy of the provider's descriptor that the filter frees
 *	(ks_filter_own_descriptor()), or NULL
 * @controls_lock: held around the provider's set_control() and the store
 *	of the value it accepted, so both see SETs in one order
 * @node_events: the events enabled on its nodes, by its filter fds (owned
 *	by the file) and its pin fds (owned by the pin); closed when it is
 *	unregistered
 * @instances: live instances per pin type
 */
struct ks_filter {
	struct kref ref;
	struct ks_gate gate;
	struct mutex lock;	/* dead, open_fds, owner_pinned, pins, instances */
	bool dead;
	bool owner_pinned;
	unsigned int open_fds;
	struct list_head pins;
	const struct ks_filter_descriptor *desc;
	void *context;
	struct module *owner;
	const char *name;
	unsigned int pins_count;
	unsigned int minor;
	struct device *dev;
	wait_queue_head_t wait;
	s32 *values;
	struct ks_filter_descriptor *own_desc;
	struct mutex controls_lock;	/* the provider's set_control, @values */
	struct ks_events node_events;
	unsigned int instances[];
};

/*
 * A new filter for @desc, checked for the provider's mistakes, with one
 * reference (the registration's); ERR_PTR(-EINVAL) or ERR_PTR(-ENOMEM).
 */
struct ks_filter *ks_filter_new(const struct ks_filter_descriptor *desc,
				void *context);

/*
 * Mark @filter dead and take everything back from its provider: when this
 * returns no callback of it runs or will run, and its module is unpinned.
 */
void ks_filter_kill(struct ks_filter *filter);

/* @desc, @filter's descriptor, is freed with @filter. */
void ks_filter_own_descriptor(struct ks_filter *filter,
			      struct ks_filter_descriptor *desc);

struct ks_filter *ks_filter_get(struct ks_filter *filter);
void ks_filter_put(struct ks_filter *filter);

/*
 * Before calling into the provider: returns 0 with @filter entered (the
 * filter stays registered until ks_filter_leave()), -ENODEV when it is
 * being or has been unregistered.  Never waits.
 */
static inline int ks_filter_enter(struct ks_filter *filter)
{
	if (unlikely(!atomic_inc_unless_negative(&filter->gate.active)))
		return -ENODEV;
	/* A try: entering never waits, so it cannot wait on a lock. */
	rwsem_acquire_read(&filter->gate.dep_map, 0, 1, _RET_IP_);
	return 0;
}

void ks_filter_gate_drained(struct ks_filter *filter);

static inline void ks_filter_leave(struct ks_filter *filter)
{
	rwsem_release(&filter->gate.dep_map, _RET_IP_);
	/* Fully ordered: what we did inside comes before the writer's look. */
	if (unlikely(atomic_dec_return(&filter->gate.active) == KS_GATE_KILLED))
		ks_filter_gate_drained(filter);
}

/*
 * For a close, which must always work: @filter entered (true), or, once
 * unregistration has begun, held for reading after it is done with the
 * pins (false), which ks_filter_leave_close() takes back.
 */
bool ks_filter_enter_close(struct ks_filter *filter);
void ks_filter_leave_close(struct ks_filter *filter, bool entered);

/* An fd of the filter (its own or a pin's) is being opened / was closed. */
int ks_filter_fd_opened(struct ks_filter *filter);
void ks_filter_fd_closed(struct ks_filter *filter);

/*
 * A pin being created: row 13, an instance of pin type @pin_id, and its fd
 * counted as ks_filter_fd_opened() counts one, with filter->lock held, so
 * that the pin joins the filter's list under the same lock (ks_pin_add():
 * the creation path is short, and each round trip shows).  -EBUSY when no
 * instance is free, -ENODEV when the provider is going.  Filter entered.
 * ks_filter_release_pin_locked() gives both back, the instance only with
 * @instance (a pin that unregistration closed gave it back then, with
 * ks_filter_release_instance()).
 */
int ks_filter_reserve_pin_locked(struct ks_filter *filter,
				 unsigned int pin_id);
void ks_filter_release_pin_locked(struct ks_filter *filter,
				  unsigned int pin_id, bool instance);
void ks_filter_release_instance(struct ks_filter *filter, unsigned int pin_id);

/* The KS access (KS_GENERIC_READ/WRITE) a file was opened with. */
static inline u32 ks_file_access(const struct file *file)
{
	u32 access = 0;

	if (file->f_mode & FMODE_READ)
		access |= KS_GENERIC_READ;
	if (file->f_mode & FMODE_WRITE)
		access |= KS_GENERIC_WRITE;
	return access;
}

#endif /* _KS_FILTER_H */
