// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the INTERFACE table, Windows' IRP_MN_QUERY_INTERFACE.
 *
 * Whose context, whose callbacks.  In Windows the consumer gets the
 * provider's INTERFACE: Context is the provider's, the interface functions
 * take it as their first argument, and InterfaceDereference(Context) is the
 * provider's own function.  We keep Context exactly so, and so a port's
 * provider functions and consumer calls stay as they are.  What we cannot
 * keep is the provider's dereference as the function the consumer calls:
 * dropping a reference must also release the provider's module, and a
 * module cannot drop the last reference on itself from its own code (rmmod
 * may free that code before the function returns).  So the copy a consumer
 * gets carries the core's reference/dereference (iface_reference() and
 * iface_dereference() below).  They take or drop a reference on the
 * provider's module around a call to the provider's own callback, from the
 * core's code.  They find that callback and module from the context alone:
 * a binding per published context, in a hash keyed by the context pointer.
 * Hence the one rule we add: a context value belongs to one owner module
 * and one pair of callbacks (-EBUSY otherwise).
 *
 * Rejected: handing consumers a core object as context (every provider
 * function would then get the wrong context, and each port would have to
 * change); pinning the module at query and letting the provider's own
 * dereference unpin it (module_put() on oneself races with rmmod).
 *
 * Objects.
 *	ks_types	rhashtable of struct iface_type by type GUID; each one
 *			lists its published versions, highest first (RCU)
 *	ks_bindings	rhashtable of struct binding by context pointer
 *	ks_entries	every published entry in publication order (debugfs,
 *			the module notifier)
 *
 * Lifetime.  An entry is published from registration to unregistration and
 * freed after an RCU grace period; it holds a copy of the provider's
 * structure.  A binding is counted (count) by the entries that publish its
 * context and by the consumers' references (refs, also in count); the last
 * put removes it from ks_bindings and frees it after a grace period.  Every
 * consumer reference also holds the owner module.
 *
 * Queries in flight.  A query finds an entry under RCU, then calls the
 * provider's interface_reference.  Once ks_unregister_interface() returns
 * the provider may free its context, so unregistration must wait for such
 * queries.  A grace period each would make withdrawing many interfaces
 * slow, so a binding counts its queries in flight (busy) in a Dekker-style
 * handshake: a query raises busy, then checks that the entry is not dead;
 * unregistration marks it dead, then waits for busy to drop to zero.  With
 * a full barrier on each side, at least one of them sees the other.
 *
 * Locking.  Readers (query, reference, dereference) take no lock.  The
 * order of ks_iface_lock (ks_types, ks_entries, entry->dead; debugfs),
 * ks_bindings_lock (insertion in and removal from ks_bindings; also taken
 * alone by the last put) and the rhashtables' bucket locks is in "DOC:
 * Locking" in filter.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait_bit.h>
#include <linux/ksfilter.h>

#include "debugfs.h"
#include "iface.h"

/**
 * struct binding - what the core knows about one published context
 * @node: in ks_bindings, keyed by @context
 * @context: the provider's context
 * @owner: the provider's module
 * @reference: the provider's interface_reference
 * @dereference: the provider's interface_dereference
 * @count: entries publishing @context plus @refs
 * @refs: consumer references
 * @busy: queries between finding an entry and taking their reference
 * @id: a number for debugfs, the same on every line of this context
 * @rcu: for kfree_rcu()
 */
struct binding {
	struct rhash_head node;
	void *context;
	struct module *owner;
	void (*reference)(void *context);
	void (*dereference)(void *context);
	refcount_t count;
	atomic_t refs;
	atomic_t busy;
	unsigned int id;
	struct rcu_head rcu;
};

/* One interface type: its versions, highest first. */
struct iface_type {
	struct rhash_head node;
	guid_t type;
	struct list_head versions;
	struct rcu_head rcu;
};

/**
 * struct entry - one published (type, version)
 * @node: in @type->versions
 * @all: in ks_entries
 * @type: the type it is a version of
 * @binding: its context's binding, on which it holds a count
 * @dead: withdrawn; set under ks_iface_lock, read by queries
 * @rcu: for kfree_rcu()
 * @data: the provider's structure, starting with struct ks_interface
 */
struct entry {
	struct list_head node;
	struct list_head all;
	struct iface_type *type;
	struct binding *binding;
	bool dead;
	struct rcu_head rcu;
	u64 data[];
};

static const struct rhashtable_params types_params = {
	.key_len = sizeof(guid_t),
	.key_offset = offsetof(struct iface_type, type),
	.head_offset = offsetof(struct iface_type, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params bindings_params = {
	.key_len = sizeof(void *),
	.key_offset = offsetof(struct binding, context),
	.head_offset = offsetof(struct binding, node),
	.automatic_shrinking = true,
};

static DEFINE_MUTEX(ks_iface_lock);
static DEFINE_SPINLOCK(ks_bindings_lock);
static struct rhashtable ks_types;
static struct rhashtable ks_bindings;
static LIST_HEAD(ks_entries);
static unsigned int ks_binding_ids;
static struct dentry *ks_iface_dentry;

static const struct ks_interface *published(const struct entry *e)
{
	return (const struct ks_interface *)e->data;
}

/* ---- bindings ---- */

static void put_binding(struct binding *b)
{
	if (refcount_dec_not_one(&b->count))
		return;
	spin_lock_bh(&ks_bindings_lock);
	if (!refcount_dec_and_test(&b->count)) {
		spin_unlock_bh(&ks_bindings_lock);
		return;
	}
	rhashtable_remove_fast(&ks_bindings, &b->node, bindings_params);
	spin_unlock_bh(&ks_bindings_lock);
	kfree_rcu(b, rcu);
}

static bool same_provider(const struct binding *b,
			  const struct ks_interface *iface,
			  const struct module *owner)
{
	return b->owner == owner &&
	       b->reference == iface->interface_reference &&
	       b->dereference == iface->interface_dereference;
}

/*
 * The binding of iface->context with one more count: the existing one, or
 * a new one.  Under ks_bindings_lock every binding in the table has a count
 * (the last put removes it under that lock), so it may simply be raised.
 */
static struct binding *bind(const struct ks_interface *iface,
			    struct module *owner)
{
	struct binding *b, *new;
	int ret;

	lockdep_assert_held(&ks_iface_lock);
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->context = iface->context;
	new->owner = owner;
	new->reference = iface->interface_reference;
	new->dereference = iface->interface_dereference;
	refcount_set(&new->count, 1);

	spin_lock_bh(&ks_bindings_lock);
	b = rhashtable_lookup_fast(&ks_bindings, &iface->context,
				   bindings_params);
	if (b) {
		if (same_provider(b, iface, owner))
			refcount_inc(&b->count);
		else
			b = ERR_PTR(-EBUSY);
	} else {
		ret = rhashtable_insert_fast(&ks_bindings, &new->node,
					     bindings_params);
		b = ret ? ERR_PTR(ret) : new;
		if (!ret) {
			new->id = ks_binding_ids++;
			new = NULL;
		}
	}
	spin_unlock_bh(&ks_bindings_lock);
	kfree(new);
	return b;
}

/* ---- what consumers call ---- */

static struct binding *find_binding(void *context)
{
	return rhashtable_lookup(&ks_bindings, &context, bindings_params);
}

/* A consumer's interface_reference: the caller holds a reference already. */
static void iface_reference(void *context)
{
	struct binding *b;

	rcu_read_lock();
	b = find_binding(context);
	if (!b || !atomic_read(&b->refs)) {
		rcu_read_unlock();
		pr_err_ratelimited("interface_reference on a context without references\n");
		return;
	}
	__module_get(b->owner);
	refcount_inc(&b->count);
	atomic_inc(&b->refs);
	atomic_inc(&ks_stats.interface_refs);
	b->reference(context);
	rcu_read_unlock();
}

/*
 * A consumer's interface_dereference.  The reference being dropped keeps the
 * binding and the owner module until the very end: the provider's callback
 * runs while its module is still held, and the module is released from
 * here, the core's code, after that callback has returned.
 */
static void iface_dereference(void *context)
{
	struct module *owner;
	struct binding *b;

	rcu_read_lock();
	b = find_binding(context);
	if (!b || atomic_dec_if_positive(&b->refs) < 0) {
		rcu_read_unlock();
		pr_err_ratelimited("interface_dereference without a reference\n");
		return;
	}
	rcu_read_unlock();
	atomic_dec(&ks_stats.interface_refs);
	b->dereference(context);
	owner = b->owner;
	put_binding(b);
	module_put(owner);
}

/*
 * Take a consumer reference on @e, under rcu_read_lock().  Fails when @e was
 * withdrawn or its owner is being unloaded.  See "Queries in flight" above
 * for busy and dead.
 */
static int take(struct entry *e)
{
	struct binding *b = e->binding;
	int ret = -ENOENT;

	atomic_inc(&b->busy);
	smp_mb__after_atomic();	/* busy before dead; pairs with release() */
	if (READ_ONCE(e->dead) || !try_module_get(b->owner))
		goto out;
	/* @e holds a count that release() cannot drop while we are busy. */
	refcount_inc(&b->count);
	atomic_inc(&b->refs);
	atomic_inc(&ks_stats.interface_refs);
	b->reference(b->context);
	ret = 0;
out:
	if (atomic_dec_and_test(&b->busy))
		wake_up_var(&b->busy);
	return ret;
}

int ks_query_interface(const guid_t *type, u16 size, u16 version,
		       struct ks_interface *iface,
		       void *interface_specific_data)
{
	const struct ks_interface *pub;
	struct iface_type *t;
	struct entry *e;
	int ret = -ENOENT;

	if (!type || !iface || interface_specific_data)
		return -EINVAL;
	rcu_read_lock();
	t = rhashtable_lookup(&ks_types, type, types_params);
	if (!t)
		goto out;
	list_for_each_entry_rcu(e, &t->versions, node) {
		pub = published(e);
		if (pub->version > version) {
			ret = -EPROTONOSUPPORT;
			continue;
		}
		if (pub->size > size) {
			ret = -EINVAL;
			break;
		}
		ret = take(e);
		if (ret)
			continue;	/* withdrawn meanwhile: try the next */
		memcpy(iface, pub, pub->size);
		iface->interface_reference = iface_reference;
		iface->interface_dereference = iface_dereference;
		break;
	}
out:
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(ks_query_interface);

/* ---- what providers call ---- */

static struct entry *find_entry(const guid_t *type, u16 version)
{
	struct iface_type *t;
	struct entry *e;

	lockdep_assert_held(&ks_iface_lock);
	t = rhashtable_lookup_fast(&ks_types, type, types_params);
	if (!t)
		return NULL;
	list_for_each_entry(e, &t->versions, node)
		if (published(e)->version == version)
			return e;
	return NULL;
}

static struct iface_type *get_type(const guid_t *type)
{
	struct iface_type *t;
	int ret;

	lockdep_assert_held(&ks_iface_lock);
	t = rhashtable_lookup_fast(&ks_types, type, types_params);
	if (t)
		return t;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	guid_copy(&t->type, type);
	INIT_LIST_HEAD(&t->versions);
	ret = rhashtable_insert_fast(&ks_types, &t->node, types_params);
	if (ret) {
		kfree(t);
		return ERR_PTR(ret);
	}
	return t;
}

/* Insert @e among its type's versions, highest first. */
static void publish(struct iface_type *t, struct entry *e)
{
	u16 version = published(e)->version;
	struct entry *pos;

	lockdep_assert_held(&ks_iface_lock);
	e->type = t;
	list_for_each_entry(pos, &t->versions, node)
		if (published(pos)->version < version)
			break;
	list_add_tail_rcu(&e->node, &pos->node);
	list_add_tail(&e->all, &ks_entries);
}

int ks_register_interface(const guid_t *type, const struct ks_interface *iface,
			  struct module *owner)
{
	struct iface_type *t;
	struct entry *e;
	int ret;

	if (!type || !iface || iface->size < sizeof(*iface) ||
	    !iface->interface_reference || !iface->interface_dereference)
		return -EINVAL;
	e = kzalloc(struct_size(e, data, DIV_ROUND_UP(iface->size, sizeof(u64))),
		    GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	memcpy(e->data, iface, iface->size);

	mutex_lock(&ks_iface_lock);
	if (find_entry(type, iface->version)) {
		ret = -EEXIST;
		goto err_unlock;
	}
	e->binding = bind(iface, owner);
	if (IS_ERR(e->binding)) {
		ret = PTR_ERR(e->binding);
		goto err_unlock;
	}
	t = get_type(type);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto err_binding;
	}
	publish(t, e);
	mutex_unlock(&ks_iface_lock);
	return 0;

err_binding:
	put_binding(e->binding);
err_unlock:
	mutex_unlock(&ks_iface_lock);
	kfree(e);
	return ret;
}
EXPORT_SYMBOL_GPL(ks_register_interface);

/* Unpublish @e: no query finds it after this. */
static void withdraw(struct entry *e)
{
	struct iface_type *t = e->type;

	lockdep_assert_held(&ks_iface_lock);
	WRITE_ONCE(e->dead, true);
	list_del_rcu(&e->node);
	list_del(&e->all);
	if (list_empty(&t->versions)) {
		rhashtable_remove_fast(&ks_types, &t->node, types_params);
		kfree_rcu(t, rcu);
	}
}

/*
 * After withdraw(), outside ks_iface_lock: wait until no query that found
 * @e is still taking its reference, then drop @e's count on the binding.
 */
static void release(struct entry *e)
{
	struct binding *b = e->binding;

	smp_mb();	/* dead before busy; pairs with take() */
	wait_var_event(&b->busy, !atomic_read(&b->busy));
	put_binding(b);
	kfree_rcu(e, rcu);
}

void ks_unregister_interface(const guid_t *type, u16 version)
{
	struct entry *e;

	mutex_lock(&ks_iface_lock);
	e = find_entry(type, version);
	if (e)
		withdraw(e);
	mutex_unlock(&ks_iface_lock);
	if (!e) {
		pr_warn("%s: %pUL version %u is not published\n", __func__,
			type, version);
		return;
	}
	release(e);
}
EXPORT_SYMBOL_GPL(ks_unregister_interface);

/*
 * Withdraw what @mod (or, with NULL, anyone) left published.  A module that
 * forgets to unregister would otherwise leave its code and context in the
 * table after it is gone.  Its consumers cannot hold references: each one
 * holds the module, which could not have been unloaded.
 */
static void withdraw_all(struct module *mod)
{
	struct entry *e, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&ks_iface_lock);
	list_for_each_entry_safe(e, tmp, &ks_entries, all) {
		if (mod && e->binding->owner != mod)
			continue;
		pr_warn("%s left %pUL version %u published; withdrawing it\n",
			module_name(e->binding->owner), &e->type->type,
			published(e)->version);
		withdraw(e);
		list_add_tail(&e->all, &gone);
	}
	mutex_unlock(&ks_iface_lock);
	list_for_each_entry_safe(e, tmp, &gone, all)
		release(e);
}

static int module_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	if (action == MODULE_STATE_GOING)
		withdraw_all(data);
	return NOTIFY_DONE;
}

static struct notifier_block ks_iface_nb = {
	.notifier_call = module_notify,
};

/* ---- debugfs: /sys/kernel/debug/ksfilter/interfaces ---- */

/*
 * One line per published version:
 *	type version size owner context refs
 * context numbers the provider contexts: lines with the same number share
 * one context and so one reference count, as Windows' Context does.
 */
static int interfaces_show(struct seq_file *m, void *unused)
{
	const struct ks_interface *pub;
	struct entry *e;

	seq_puts(m, "# type version size owner context refs\n");
	mutex_lock(&ks_iface_lock);
	list_for_each_entry(e, &ks_entries, all) {
		pub = published(e);
		seq_printf(m, "%pUL %u %u %s %u %d\n", &e->type->type,
			   pub->version, pub->size,
			   module_name(e->binding->owner), e->binding->id,
			   atomic_read(&e->binding->refs));
	}
	mutex_unlock(&ks_iface_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(interfaces);

int ks_iface_init(void)
{
	int ret;

	ret = rhashtable_init(&ks_types, &types_params);
	if (ret)
		return ret;
	ret = rhashtable_init(&ks_bindings, &bindings_params);
	if (ret)
		goto err_types;
	ret = register_module_notifier(&ks_iface_nb);
	if (ret)
		goto err_bindings;
	ks_iface_dentry = debugfs_create_file("interfaces", 0444,
					      ks_debugfs_dir, NULL,
					      &interfaces_fops);
	return 0;

err_bindings:
	rhashtable_destroy(&ks_bindings);
err_types:
	rhashtable_destroy(&ks_types);
	return ret;
}

/*
 * Module exit: every module that queried holds ksfilter (it links
 * ks_query_interface), so no consumer reference is left; anything still
 * published was forgotten by a provider that is still loaded.
 */
void ks_iface_uninit(void)
{
	debugfs_remove(ks_iface_dentry);
	unregister_module_notifier(&ks_iface_nb);
	withdraw_all(NULL);
	rhashtable_destroy(&ks_bindings);
	rhashtable_destroy(&ks_types);
}
