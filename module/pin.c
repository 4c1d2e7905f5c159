// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the pin object: references, state steps, format, detaching.
 *
 * A pin is owned by its filter (filter.c), which detaches it at
 * unregistration; it embeds its queue (stream.h) and may have a connection
 * (link.c), which it tears down before its provider closes it.  The fd side
 * (creation from the user's request, the pin fd) is pin_fd.c's; nothing
 * here calls it.  Locks: see "DOC: Locking" in filter.h.
 *
 * The provider's pin callbacks run with the filter entered (gate held for
 * reading, or for writing during unregistration); set_state and close also
 * with pin->lock held, and so does process() when a connection calls it
 * (link.c): close() sets pin->closed under that lock, after which no
 * callback comes.
 *
 * Lifetime.  A pin is created with one reference, which its fd holds; it
 * holds a reference on its filter.  The provider's side of a pin is opened
 * before the fd exists and closed exactly once (pin->closed): by the fd's
 * release, or by ks_filter_unregister() if that comes first, after which the
 * fd only answers ENODEV until it is closed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "connect.h"
#include "debugfs.h"
#include "filter.h"
#include "format.h"
#include "link.h"
#include "pin.h"

static const char *const state_names[] = {
	[KSSTATE_STOP] = "STOP",
	[KSSTATE_ACQUIRE] = "ACQUIRE",
	[KSSTATE_PAUSE] = "PAUSE",
	[KSSTATE_RUN] = "RUN",
};

/*
 * Pins come from a cache of their own: a kmalloc size class would round
 * a pin and its format up to 1 KiB, all of it zeroed at each creation.
 * Cache-line aligned: the pins of a chain are worked on from several
 * CPUs at once, and a line shared by two of them costs a connected
 * chain with default queues (paired runs, without the alignment:
 * 0.714-0.750 against 0.648-0.682 before the cache).
 */
static struct kmem_cache *ks_pin_cache;

/*
 * A constructor, which zeroes each pin once, when its slab page is
 * allocated.  A cache with one hands its objects out as they were freed,
 * even where init_on_alloc is the default (Debian's kernels): ks_pin_new()
 * zeroes all of a pin but the room for its format itself and writes the
 * format before anything reads it, so the allocator's zeroing of all 568
 * bytes was a second one, and the kernel's memset() is "rep stosb", which
 * under emulation (QEMU's TCG) costs about 1.2 ns a byte: about 0.7 us of
 * a creation.  Paired runs: pin_create_vs_eventfd 1.24-1.33 against
 * 1.39-1.40 without it.
 */
static void pin_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct ks_pin));
}

int ks_pin_init(void)
{
	ks_pin_cache = kmem_cache_create("ks_pin", sizeof(struct ks_pin),
					 __alignof__(struct ks_pin),
					 SLAB_ACCOUNT | SLAB_HWCACHE_ALIGN,
					 pin_ctor);
	return ks_pin_cache ? 0 : -ENOMEM;
}

void ks_pin_uninit(void)
{
	kmem_cache_destroy(ks_pin_cache);
}

static bool format_inline(const struct ks_pin *pin,
			  const struct ks_dataformat *format)
{
	return format == (const void *)pin->first_format;
}

static void free_pin(struct kref *ref)
{
	struct ks_pin *pin = container_of(ref, struct ks_pin, ref);

	WARN_ON(!pin->closed);
	ks_stream_destroy(&pin->stream);
	mutex_destroy(&pin->lock);
	if (!format_inline(pin, pin->format))
		kfree(pin->format);
	ks_filter_put(pin->filter);
	kmem_cache_free(ks_pin_cache, pin);
	atomic_dec(&ks_stats.pins);
}

void ks_pin_get(struct ks_pin *pin)
{
	kref_get(&pin->ref);
}

void ks_pin_put(struct ks_pin *pin)
{
	kref_put(&pin->ref, free_pin);
}

const char *ks_pin_state_name(unsigned int state)
{
	return state_names[state];
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
 * (GFP_KERNEL_ACCOUNT), as its queue is (queue.c buf_alloc()), so that the
 * cgroup's memory.max bounds what its tasks hold in pins.
 */
struct ks_pin *ks_pin_new(struct ks_filter *filter,
			  const struct ks_connect_check *check,
			  const struct ks_pin_connect *connect, u32 access)
{
	const struct ks_dataformat *format = (const void *)(connect + 1);
	struct ks_pin *pin;

	pin = kmem_cache_alloc(ks_pin_cache, GFP_KERNEL_ACCOUNT);
	if (!pin)
		return ERR_PTR(-ENOMEM);
	/* Zeroed but for the room for the format, which is written or unused. */
	memset(pin, 0, offsetof(struct ks_pin, first_format));
	if (check->format_bytes <= sizeof(pin->first_format))
		pin->format = memcpy(pin->first_format, format,
				     check->format_bytes);
	else
		pin->format = kmemdup(format, check->format_bytes,
				      GFP_KERNEL_ACCOUNT);
	if (!pin->format)
		goto err_free_pin;
	if (ks_stream_init(&pin->stream, format, looped(connect)))
		goto err_free_format;
	kref_init(&pin->ref);
	pin->filter = ks_filter_get(filter);
	pin->desc = &filter->desc->pins[check->pin_id];
	pin->id = check->pin_id;
	pin->dataflow = pin->desc->dataflow;
	/* Where its filter works: it produces into an OUT pin's queue. */
	pin->stream.device_head = pin->dataflow == KSPIN_DATAFLOW_OUT;
	pin->stream.rt_offered = pin->stream.looped && pin->desc->ops &&
				 pin->desc->ops->wavert;
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
	if (!format_inline(pin, pin->format))
		kfree(pin->format);
err_free_pin:
	kmem_cache_free(ks_pin_cache, pin);
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
	if (!format_inline(pin, old))
		kfree(old);
	return 0;
}

bool ks_pin_hand_back(struct ks_pin *pin)
{
	const struct ks_pin_ops *ops = pin->desc->ops;
	bool was_closed;

	lockdep_assert_held(&pin->filter->gate);
	mutex_lock(&pin->lock);
	was_closed = pin->closed;
	if (!was_closed) {
		if (pin->state != KSSTATE_STOP)
			step_state(pin, KSSTATE_STOP, true);
		if (ops && ops->close)
			ops->close(pin);
		pin->closed = true;
	}
	mutex_unlock(&pin->lock);
	/* Closed or unregistered: its events go, and no more are enabled. */
	ks_events_close(&pin->stream.events);
	return !was_closed;
}

void ks_pin_shutdown(struct ks_pin *pin)
{
	if (ks_pin_hand_back(pin))
		ks_filter_release_instance(pin->filter, pin->id);
}

void ks_pin_detach(struct ks_pin *pin)
{
	lockdep_assert_held_write(&pin->filter->gate);
	ks_link_disconnect(pin);
	ks_pin_shutdown(pin);
	wake_up_poll(&pin->wait, EPOLLERR | EPOLLHUP);
}

int ks_pin_add(struct ks_pin *pin)
{
	struct ks_filter *filter = pin->filter;
	int ret;

	lockdep_assert_held_read(&filter->gate);
	mutex_lock(&filter->lock);
	ret = ks_filter_reserve_pin_locked(filter, pin->id);
	if (!ret)
		list_add_tail(&pin->node, &filter->pins);
	mutex_unlock(&filter->lock);
	return ret;
}

void ks_pin_remove(struct ks_pin *pin, bool instance)
{
	struct ks_filter *filter = pin->filter;

	lockdep_assert_held_read(&filter->gate);
	mutex_lock(&filter->lock);
	list_del_init(&pin->node);
	ks_filter_release_pin_locked(filter, pin->id, instance);
	mutex_unlock(&filter->lock);
}

void ks_pin_process(struct ks_pin *pin)
{
	const struct ks_pin_ops *ops = pin->desc->ops;

	lockdep_assert_held(&pin->filter->gate);
	if (ops && ops->process)
		ops->process(pin);
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
