// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the filter object: its gate, references, open fds, instances.
 *
 * A filter owns its pins (pin.c): it closes their provider side when it is
 * unregistered, and they hold a reference on it and take its instances.
 * The fd side (the node, the filter fd, registration's publishing) is
 * chardev.c's; nothing here calls it.  Locks: see "DOC: Locking" in
 * filter.h.
 *
 * Unregistration.  The provider may unregister while fds are open, and once
 * ks_filter_unregister() returns its callbacks must not run and its
 * descriptor may be gone.  filter->gate makes that so: every call into the
 * provider happens with the filter entered (ks_filter_enter(), the gate
 * held for reading), which fails once unregistration has begun;
 * unregistration closes the gate and waits for the callers inside to
 * leave, so that then no callback is running and none can start (the
 * gate held for writing).  It sets dead and, still holding the gate,
 * closes the provider's side of the pins that are still open.
 * filter->dead is written under both the gate (for writing) and
 * filter->lock, so holding either is enough to read it; poll and the
 * quick ENODEV answers read it with READ_ONCE(), which is only ever a
 * hint that a later check under the gate confirms.
 *
 * Lifetime.  A filter is freed by its kref.  Registration holds a reference
 * until unregistration, every filter fd and every pin one.  The device node
 * and the minor go away at unregistration; the object stays until the last
 * fd is closed.  The provider's module is pinned while the filter has open
 * fds and is registered (ks_filter_fd_opened()), so a provider cannot be
 * removed under its fds unless it unregisters the filter itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "debugfs.h"
#include "filter.h"
#include "node.h"
#include "pin.h"
#include "topology.h"

/* The longest physical-connection peer name a pin descriptor may give. */
#define KS_NAME_MAX		256

struct ks_filter *ks_filter_get(struct ks_filter *filter)
{
	kref_get(&filter->ref);
	return filter;
}

static void filter_free(struct kref *ref)
{
	struct ks_filter *filter = container_of(ref, struct ks_filter, ref);

	WARN_ON(!list_empty(&filter->pins));
	WARN_ON(READ_ONCE(filter->node_events.count));
	mutex_destroy(&filter->controls_lock);
	mutex_destroy(&filter->lock);
	kfree(filter->values);
	kfree(filter->own_desc);
	kfree(filter->name);
	kfree(filter);
	atomic_dec(&ks_stats.filters);
}

void ks_filter_put(struct ks_filter *filter)
{
	kref_put(&filter->ref, filter_free);
}

/*
 * The first fd pins the provider's module and the last one unpins it.
 * Unregistration unpins it early (see ks_filter_kill()), after which no new fd can be
 * opened, so the pin is never taken again.
 */
static int fd_opened(struct ks_filter *filter)
{
	lockdep_assert_held(&filter->lock);
	if (filter->dead)
		return -ENODEV;
	if (!filter->owner_pinned) {
		if (!try_module_get(filter->owner))
			return -ENODEV;
		filter->owner_pinned = true;
	}
	filter->open_fds++;
	return 0;
}

int ks_filter_fd_opened(struct ks_filter *filter)
{
	int ret;

	mutex_lock(&filter->lock);
	ret = fd_opened(filter);
	mutex_unlock(&filter->lock);
	return ret;
}

static void unpin_owner(struct ks_filter *filter)
{
	lockdep_assert_held(&filter->lock);
	if (filter->owner_pinned) {
		module_put(filter->owner);
		filter->owner_pinned = false;
	}
}

static void fd_closed(struct ks_filter *filter)
{
	lockdep_assert_held(&filter->lock);
	if (!--filter->open_fds)
		unpin_owner(filter);
}

void ks_filter_fd_closed(struct ks_filter *filter)
{
	mutex_lock(&filter->lock);
	fd_closed(filter);
	mutex_unlock(&filter->lock);
}

static void release_instance(struct ks_filter *filter, unsigned int pin_id)
{
	lockdep_assert_held(&filter->lock);
	WARN_ON(!filter->instances[pin_id]);
	filter->instances[pin_id]--;
}

int ks_filter_reserve_pin_locked(struct ks_filter *filter,
				 unsigned int pin_id)
{
	unsigned int possible;
	int ret;

	/* The descriptor is only valid while the filter is entered. */
	lockdep_assert_held(&filter->gate);
	lockdep_assert_held(&filter->lock);
	possible = filter->desc->pins[pin_id].possible_instances;
	if (possible != KS_INSTANCES_UNLIMITED &&
	    filter->instances[pin_id] >= possible)
		return -EBUSY;
	ret = fd_opened(filter);
	if (!ret)
		filter->instances[pin_id]++;
	return ret;
}

void ks_filter_release_pin_locked(struct ks_filter *filter,
				  unsigned int pin_id, bool instance)
{
	if (instance)
		release_instance(filter, pin_id);
	fd_closed(filter);
}

void ks_filter_release_instance(struct ks_filter *filter, unsigned int pin_id)
{
	mutex_lock(&filter->lock);
	release_instance(filter, pin_id);
	mutex_unlock(&filter->lock);
}

static bool pin_desc_valid(const struct ks_pin_descriptor *pin)
{
	unsigned int i;

	if (pin->dataflow != KSPIN_DATAFLOW_IN &&
	    pin->dataflow != KSPIN_DATAFLOW_OUT)
		return false;
	if (pin->communication > KSPIN_COMMUNICATION_BRIDGE)
		return false;
	/* KSPROPERTY_PIN_PHYSICALCONNECTION spells the name out in UTF-16. */
	if (pin->physical && (!pin->physical->filter ||
			      strnlen(pin->physical->filter, KS_NAME_MAX) ==
			      KS_NAME_MAX))
		return false;
	if ((pin->interfaces_count && !pin->interfaces) ||
	    (pin->mediums_count && !pin->mediums) ||
	    (pin->data_ranges_count && !pin->data_ranges))
		return false;
	for (i = 0; i < pin->data_ranges_count; i++) {
		const struct ks_dataformat *range = pin->data_ranges[i].range;
		const struct ks_multiple_item *attrs =
			pin->data_ranges[i].attributes;

		if (!range || range->format_size < sizeof(*range))
			return false;
		/* KSPROPERTY_PIN_DATARANGES copies the list by its size. */
		if (attrs && attrs->size < sizeof(*attrs))
			return false;
	}
	return true;
}

static void gate_init(struct ks_gate *gate)
{
	static struct lock_class_key key;

	atomic_set(&gate->active, 0);
	gate->killed = false;
	init_waitqueue_head(&gate->wait);
	lockdep_init_map(&gate->dep_map, "&filter->gate", &key, 0);
}

/* Catch a provider's mistakes at registration rather than at first use. */
static bool desc_valid(const struct ks_filter_descriptor *desc)
{
	unsigned int i;

	if (!desc || !desc->name || !*desc->name)
		return false;
	if ((desc->pins_count && !desc->pins) ||
	    (desc->categories_count && !desc->categories))
		return false;
	for (i = 0; i < desc->pins_count; i++) {
		if (!pin_desc_valid(&desc->pins[i])) {
			pr_err("%s: pin %u: invalid descriptor\n",
			       desc->name, i);
			return false;
		}
	}
	if (ks_check_topology(desc)) {
		pr_err("%s: invalid topology\n", desc->name);
		return false;
	}
	return true;
}

struct ks_filter *ks_filter_new(const struct ks_filter_descriptor *desc,
				void *context)
{
	struct ks_filter *filter;

	if (!desc_valid(desc))
		return ERR_PTR(-EINVAL);
	filter = kzalloc(struct_size(filter, instances, desc->pins_count),
			 GFP_KERNEL);
	if (!filter)
		return ERR_PTR(-ENOMEM);
	filter->name = kstrdup(desc->name, GFP_KERNEL);
	if (!filter->name)
		goto err_free_filter;
	filter->desc = desc;
	if (ks_filter_nodes_init(filter))
		goto err_free_name;
	kref_init(&filter->ref);
	gate_init(&filter->gate);
	mutex_init(&filter->lock);
	mutex_init(&filter->controls_lock);
	INIT_LIST_HEAD(&filter->pins);
	init_waitqueue_head(&filter->wait);
	ks_events_init(&filter->node_events);
	filter->context = context;
	filter->owner = desc->owner;
	filter->pins_count = desc->pins_count;
	atomic_inc(&ks_stats.filters);
	return filter;

err_free_name:
	kfree(filter->name);
err_free_filter:
	kfree(filter);
	return ERR_PTR(-ENOMEM);
}

/*
 * Not killable: the provider is going away whatever happens.  Close the
 * gate, then wait for the callers inside to leave: from then on the gate
 * is held for writing until the pins are detached.
 */
void ks_filter_kill(struct ks_filter *filter)
{
	struct ks_gate *gate = &filter->gate;
	struct ks_pin *pin;

	rwsem_acquire(&gate->dep_map, 0, 0, _RET_IP_);
	/* Fully ordered against the callers' ks_filter_enter(). */
	atomic_add_return(KS_GATE_KILLED, &gate->active);
	wait_event(gate->wait, atomic_read(&gate->active) == KS_GATE_KILLED);
	mutex_lock(&filter->lock);
	WRITE_ONCE(filter->dead, true);
	mutex_unlock(&filter->lock);
	/* Writers of the list hold the gate for reading: it cannot change. */
	list_for_each_entry(pin, &filter->pins, node)
		ks_pin_detach(pin);
	rwsem_release(&gate->dep_map, _RET_IP_);
	/* What the detaching did comes before a closing pin's look. */
	smp_store_release(&gate->killed, true);
	wake_up_all(&gate->wait);
	/* Its nodes are gone with the descriptor: so are their events. */
	ks_events_close(&filter->node_events);

	mutex_lock(&filter->lock);
	unpin_owner(filter);
	mutex_unlock(&filter->lock);
	wake_up_poll(&filter->wait, EPOLLERR | EPOLLHUP);
}

/* The last caller left a closed gate: unregistration may go on. */
void ks_filter_gate_drained(struct ks_filter *filter)
{
	wake_up_all(&filter->gate.wait);
}

bool ks_filter_enter_close(struct ks_filter *filter)
{
	struct ks_gate *gate = &filter->gate;

	if (!ks_filter_enter(filter))
		return true;
	/* As down_read() behind the writer: wait for it to be done. */
	rwsem_acquire_read(&gate->dep_map, 0, 0, _RET_IP_);
	/* Pairs with ks_filter_kill()'s release: its detaching is seen. */
	wait_event(gate->wait, smp_load_acquire(&gate->killed));
	return false;
}

void ks_filter_leave_close(struct ks_filter *filter, bool entered)
{
	if (entered)
		ks_filter_leave(filter);
	else
		rwsem_release(&filter->gate.dep_map, _RET_IP_);
}

void ks_filter_own_descriptor(struct ks_filter *filter,
			      struct ks_filter_descriptor *desc)
{
	filter->own_desc = desc;
}

void *ks_filter_context(const struct ks_filter *filter)
{
	return filter->context;
}
EXPORT_SYMBOL_GPL(ks_filter_context);

