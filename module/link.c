// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: connections between pins (docs/graphs.md).
 *
 * A pin created with KSPIN_CONNECT.PinToHandle is connected to the pin
 * that fd names.  A connection has no queue of its own and copies
 * nothing: the OUT pin's provider fills its own queue as always, and the
 * IN pin's provider takes the frames straight from it (the OUT pin's queue
 * *feeds* the IN pin) with the same queue helpers it uses unconnected
 * (queue_ops.c, "Connected pins").  What the connection does is tell each
 * side when the other changed something: data for the IN pin's provider,
 * room for the OUT pin's, by calling their process() as a user's write or
 * read would.  Providers need not know whether their pins are connected.
 *
 * Why a work item.  Data arrives on an OUT pin from inside a provider's
 * callback (ks_pin_queue_write() in its process(), say), with the
 * provider's locks held and its filter entered.  Calling the peer's
 * provider from there would nest providers' callbacks and locks along a
 * chain of n filters, and a loop (a transform's output connected back to
 * its input) would recurse without end.  So a queue helper only kicks the
 * connection (ks_link_kick(): a bit and queue_work, no lock), and the
 * connection's work item calls the providers with no lock of ours held,
 * entering one filter at a time.  A kick while the work runs queues it
 * again, so nothing is lost; it stops when no provider changed anything.
 *
 * Locks: ks_links_lock and ks_link_srcu are placed in "DOC: Locking" in
 * filter.h.  The work item takes no lock of ours and enters filters, which
 * never waits: the only writer of a gate is unregistration, which
 * disconnects the filter's pins and waits for the work under the gate held
 * for writing.  A work item that finds the gate closed leaves that pin's
 * process() out; the pin is being disconnected anyway.
 *
 * Teardown against everything else.  ks_links_lock decides: a pin's
 * disconnect (its fd's release, or its filter's unregistration) marks it
 * unlinked under the lock before its provider closes it (a pin that never
 * took part in a connection without it, see unhook_unconnected()), and no
 * connection is reserved or published to an unlinked pin.  Of two closes
 * of a connection's ends, the one that takes the connection tears it
 * down; the other waits for that (pin->unlinking), so that a connection's
 * last process() on a pin comes before the pin's close().  process_pin()
 * runs under pin->lock and skips a closed pin, since a connection calls
 * the provider of a pin whose fd is not the caller's.  ks_links_lock and
 * pin->lock are never held together.
 *
 * Lifetime.  A connection holds a reference on both pins.  It is reserved
 * while the new pin is made (both pins marked as taken) and published only
 * when its creation can no longer fail, so that no user ever sees a
 * connection that then vanishes.  pin->link is published under SRCU, whose
 * readers may sleep: a kick reads it, and so does a helper that takes data
 * through it, holding queue locks (ks_link_feed_begin()).  Disconnecting
 * clears both pins' pointers, waits for an SRCU grace period (after which
 * no kick and no helper can reach the connection any more), cancels the
 * work (waiting for a run in progress), and only then drops the references
 * and frees the connection.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/workqueue.h>

#include "debugfs.h"
#include "filter.h"
#include "format.h"
#include "link.h"
#include "pin.h"

/* What a kick asks the work to do: which provider to tell. */
#define KS_LINK_DATA	BIT(0)	/* the IN pin's: data to take */
#define KS_LINK_ROOM	BIT(1)	/* the OUT pin's: room to fill */

/**
 * struct ks_link - a connection between two pins
 * @out: the pin the data comes from (dataflow OUT), whose queue it stays in
 * @in: the pin it goes to (dataflow IN), whose provider takes it from there
 * @source: whichever of the two was created with the other's handle
 * @work: tells the providers (KS_LINK_DATA, KS_LINK_ROOM)
 * @pending: the KS_LINK_* bits kicked since the work last looked
 * @dead: disconnected: the work does nothing more (under ks_links_lock,
 *	read with READ_ONCE() by the work)
 * @moved: bytes the IN pin's provider took, for fdinfo
 */
struct ks_link {
	struct ks_pin *out;
	struct ks_pin *in;
	struct ks_pin *source;
	struct work_struct work;
	atomic_t pending;
	bool dead;
	atomic64_t moved;
};

/*
 * Connecting and disconnecting: pin->link, pin->was_connected,
 * pin->unlinked and pin->unlinking.
 */
static DEFINE_MUTEX(ks_links_lock);
/* The end of a connection's teardown (pin->unlinking cleared). */
static DECLARE_WAIT_QUEUE_HEAD(ks_unlink_wait);
/* Readers of pin->link: kicks, and helpers taking data through it. */
static struct srcu_struct ks_link_srcu;
static struct workqueue_struct *ks_link_wq;

/* ---- row 14 ---- */

static bool same_identifier(const struct ks_identifier *a,
			    const struct ks_identifier *b)
{
	/* The flags are not compared, as nowhere in SPEC 5. */
	return ks_guid_equal(&a->set, &b->set) && a->id == b->id;
}

/* 14c to 14h, in order, on a pin fd's pin. */
int ks_link_check_peer(struct ks_pin *peer,
		       const struct ks_pin_connect *connect,
		       unsigned int dataflow)
{
	const struct ks_dataformat *format = (const void *)(connect + 1);
	int ret = -EPIPE;

	mutex_lock(&peer->lock);
	if (peer->closed || READ_ONCE(peer->filter->dead))
		goto out;
	if (peer->communication != KSPIN_COMMUNICATION_SINK &&
	    peer->communication != KSPIN_COMMUNICATION_BOTH)
		goto out;
	if (READ_ONCE(peer->was_connected))
		goto out;
	if (peer->dataflow == dataflow)
		goto out;
	if (!same_identifier(&peer->interface, &connect->interface) ||
	    !same_identifier(&peer->medium, &connect->medium))
		goto out;
	/* The format changes only under peer->lock. */
	if (!ks_format_same(peer->format, format))
		goto out;
	ret = 0;
out:
	mutex_unlock(&peer->lock);
	return ret;
}

/* ---- moving data ---- */

/*
 * Call @pin's process() if its filter can be entered (see
 * the top for why a closed gate means there is nothing to do) and its
 * provider has not closed it.  A connection calls the provider of a pin
 * that is not the caller's own: that pin's fd may be closing on another
 * CPU.  Its close runs under pin->lock and sets pin->closed there, so
 * under the same lock process() is either done before close() or not
 * called at all: close() stays the provider's last callback.
 */
static void process_pin(struct ks_pin *pin)
{
	struct ks_filter *filter = pin->filter;
	const struct ks_pin_ops *ops;

	if (ks_filter_enter(filter))
		return;
	mutex_lock(&pin->lock);
	if (!pin->closed) {
		ops = pin->desc->ops;
		if (ops && ops->process)
			ops->process(pin);
	}
	mutex_unlock(&pin->lock);
	ks_filter_leave(filter);
}

/* As for a reader and a writer: OUT runs, IN takes data in PAUSE. */
static bool link_open(const struct ks_link *link)
{
	return READ_ONCE(link->out->state) == KSSTATE_RUN &&
	       READ_ONCE(link->in->state) >= KSSTATE_PAUSE;
}

static void link_work(struct work_struct *work)
{
	struct ks_link *link = container_of(work, struct ks_link, work);
	unsigned int pending = atomic_xchg(&link->pending, 0);

	if (READ_ONCE(link->dead) || !link_open(link))
		return;
	/* Nobody may have the data while the IN pin is reset: it goes. */
	if (ks_stream_link_drop(link->out, link->in)) {
		process_pin(link->out);
		return;
	}
	if (pending & KS_LINK_DATA)
		process_pin(link->in);
	if (pending & KS_LINK_ROOM)
		process_pin(link->out);
}

static void link_kick(struct ks_pin *pin, bool both)
{
	struct ks_link *link;
	unsigned int bits;
	int idx;

	idx = srcu_read_lock(&ks_link_srcu);
	link = srcu_dereference(pin->link, &ks_link_srcu);
	if (link) {
		bits = pin == link->out ? KS_LINK_DATA : KS_LINK_ROOM;
		atomic_or(both ? KS_LINK_DATA | KS_LINK_ROOM : bits,
			  &link->pending);
		queue_work(ks_link_wq, &link->work);
	}
	srcu_read_unlock(&ks_link_srcu, idx);
}

void ks_link_kick(struct ks_pin *pin)
{
	link_kick(pin, false);
}

void ks_link_kick_both(struct ks_pin *pin)
{
	link_kick(pin, true);
}

/* The read section lasts until ks_link_feed_end(), whatever is found. */
bool ks_link_feed_begin(struct ks_pin *in, struct ks_feed *feed)
	__acquires(&ks_link_srcu)
{
	struct ks_link *link;

	feed->idx = srcu_read_lock(&ks_link_srcu);
	link = srcu_dereference(in->link, &ks_link_srcu);
	if (link && link->in == in && link_open(link)) {
		feed->link = link;
		feed->out = link->out;
		return true;
	}
	feed->link = NULL;
	feed->out = NULL;
	return false;
}

void ks_link_feed_end(struct ks_feed *feed, size_t bytes)
	__releases(&ks_link_srcu)
{
	if (feed->link)
		atomic64_add(bytes, &feed->link->moved);
	srcu_read_unlock(&ks_link_srcu, feed->idx);
}

/* ---- connecting and disconnecting ---- */

struct ks_link *ks_link_reserve(struct ks_pin *source, struct ks_pin *peer)
{
	struct ks_link *link;

	link = kzalloc(sizeof(*link), GFP_KERNEL_ACCOUNT);
	if (!link)
		return ERR_PTR(-ENOMEM);
	INIT_WORK(&link->work, link_work);
	atomic_set(&link->pending, 0);
	atomic64_set(&link->moved, 0);
	link->source = source;
	if (source->dataflow == KSPIN_DATAFLOW_OUT) {
		link->out = source;
		link->in = peer;
	} else {
		link->out = peer;
		link->in = source;
	}

	mutex_lock(&ks_links_lock);
	/*
	 * 14e once more: another creation may have taken it meanwhile, or
	 * its fd been closed (or its filter unregistered) since 14c.  The
	 * peer is marked first and its unlinked read after, with a full
	 * barrier between: ks_link_disconnect() marks a pin unlinked without
	 * the lock when it finds it never connected.
	 */
	if (peer->was_connected)
		goto err_unlock;
	WRITE_ONCE(source->was_connected, true);
	WRITE_ONCE(peer->was_connected, true);
	smp_mb();	/* pairs with ks_link_disconnect() */
	if (READ_ONCE(peer->unlinked))
		goto err_unmark;
	mutex_unlock(&ks_links_lock);
	ks_pin_get(source);
	ks_pin_get(peer);
	atomic_inc(&ks_stats.links);
	return link;

err_unmark:
	WRITE_ONCE(source->was_connected, false);
	WRITE_ONCE(peer->was_connected, false);
err_unlock:
	mutex_unlock(&ks_links_lock);
	kfree(link);
	return ERR_PTR(-EPIPE);
}

/* Never published: nobody can have seen it or queued its work. */
static void free_unpublished(struct ks_link *link)
{
	ks_pin_put(link->out);
	ks_pin_put(link->in);
	kfree(link);
	atomic_dec(&ks_stats.links);
}

void ks_link_abort(struct ks_link *link)
{
	mutex_lock(&ks_links_lock);
	WRITE_ONCE(link->out->was_connected, false);
	WRITE_ONCE(link->in->was_connected, false);
	mutex_unlock(&ks_links_lock);
	free_unpublished(link);
}

void ks_link_publish(struct ks_link *link)
{
	/*
	 * Once published, the connection is the peer's too: its close may
	 * end and free it as soon as the lock is dropped.  The pins stay
	 * (the new one is the caller's, the peer held by its creation).
	 */
	struct ks_pin *out = link->out, *in = link->in;
	bool gone;

	/*
	 * The peer's teardown and this decide under one lock: either the
	 * connection is published first, and the teardown finds and ends it,
	 * or the teardown came first (unlinked), and the connection ended
	 * before anyone saw it, as if the peer had been closed just after
	 * this creation.  The new pin is in STOP with nothing queued: no end
	 * of stream to mark, no provider to tell.
	 */
	mutex_lock(&ks_links_lock);
	gone = READ_ONCE(out->unlinked) || READ_ONCE(in->unlinked);
	if (!gone) {
		rcu_assign_pointer(out->link, link);
		rcu_assign_pointer(in->link, link);
	}
	mutex_unlock(&ks_links_lock);
	if (gone) {
		free_unpublished(link);
		return;
	}
	/* A user blocked on the peer learns that its data is not its own. */
	ks_stream_wake(out);
	ks_stream_wake(in);
	/* The peer may hold data already, and may be running. */
	ks_link_kick_both(out);
}

/*
 * Take the connection off both pins; NULL if @pin has none.  After this no
 * new kick or helper finds it, once an SRCU grace period has passed, and
 * no creation reserves or publishes a connection to @pin any more.  Both
 * pins are marked as being unlinked until the caller's teardown is over.
 */
static struct ks_link *unhook(struct ks_pin *pin)
{
	struct ks_link *link;

	mutex_lock(&ks_links_lock);
	WRITE_ONCE(pin->unlinked, true);
	link = rcu_dereference_protected(pin->link,
					 lockdep_is_held(&ks_links_lock));
	if (link) {
		WRITE_ONCE(link->dead, true);
		RCU_INIT_POINTER(link->out->link, NULL);
		RCU_INIT_POINTER(link->in->link, NULL);
		WRITE_ONCE(link->out->unlinking, true);
		WRITE_ONCE(link->in->unlinking, true);
	}
	mutex_unlock(&ks_links_lock);
	return link;
}

/* The teardown of @link is over: the other end's close may go on. */
static void unhooked(struct ks_link *link)
{
	mutex_lock(&ks_links_lock);
	WRITE_ONCE(link->out->unlinking, false);
	WRITE_ONCE(link->in->unlinking, false);
	mutex_unlock(&ks_links_lock);
	wake_up_all(&ks_unlink_wait);
}

/*
 * A pin that never took part in a connection has none to tear down and
 * none being torn down: it is marked unlinked without the lock, which
 * every pin's close would otherwise take (a global mutex, and 1% of a
 * pin's create and close under emulation).  Marked first, was_connected
 * read after, with a full barrier between; ks_link_reserve() does the
 * opposite, so that one of the two sees the other.
 */
static bool unhook_unconnected(struct ks_pin *pin)
{
	WRITE_ONCE(pin->unlinked, true);
	smp_mb();	/* pairs with ks_link_reserve() */
	return !READ_ONCE(pin->was_connected);
}

void ks_link_disconnect(struct ks_pin *pin)
{
	struct ks_link *link;

	if (unhook_unconnected(pin))
		return;
	link = unhook(pin);
	if (!link) {
		/*
		 * Both ends closing at once: the other one took the
		 * connection, and its teardown may still call our provider
		 * (the last process() below) or run its work.  Our close
		 * must come after all that, so wait.  Not killable, as close
		 * is not; the teardown waits only for an SRCU grace period
		 * and a work item, never for user space.
		 */
		wait_event(ks_unlink_wait, !READ_ONCE(pin->unlinking));
		return;
	}
	/*
	 * No kick can reach it after a grace period, and no helper is taking
	 * data through it any more; then the work ends.
	 */
	synchronize_srcu(&ks_link_srcu);
	cancel_work_sync(&link->work);
	/*
	 * Both sides see the end after what reached them: the IN pin's
	 * provider after what it took, the OUT pin's reader after what is
	 * left in its queue.  The other pin's provider is told, as after any
	 * change: no connection will call it for this pin any more.
	 */
	ks_pin_queue_end_of_stream(link->out);
	ks_pin_queue_end_of_stream(link->in);
	process_pin(pin == link->out ? link->in : link->out);
	unhooked(link);
	free_unpublished(link);
}

void ks_link_show_fdinfo(struct seq_file *m, struct ks_pin *pin)
{
	struct ks_link *link;
	struct ks_pin *peer;

	/* Under the lock: the connection cannot be freed while we look. */
	mutex_lock(&ks_links_lock);
	link = rcu_dereference_protected(pin->link,
					 lockdep_is_held(&ks_links_lock));
	if (link) {
		peer = link->out == pin ? link->in : link->out;
		seq_printf(m, "ks-peer:\t%s minor %u pin %u\n",
			   peer->filter->name, peer->filter->minor, peer->id);
		seq_printf(m, "ks-connection:\t%s\n",
			   link->source == pin ? "source" : "sink");
		seq_printf(m, "ks-link-bytes:\t%lld\n",
			   (long long)atomic64_read(&link->moved));
	}
	mutex_unlock(&ks_links_lock);
}

int ks_link_init(void)
{
	int ret;

	ret = init_srcu_struct(&ks_link_srcu);
	if (ret)
		return ret;
	/*
	 * Unbound: a chain's filters need not share a CPU.  High priority:
	 * the work is on a stream's data path, which waits for it as block
	 * I/O waits for kblockd's (make bench: chain_vs_userspace).
	 */
	ks_link_wq = alloc_workqueue("ksfilter_link",
				     WQ_UNBOUND | WQ_HIGHPRI, 0);
	if (!ks_link_wq) {
		cleanup_srcu_struct(&ks_link_srcu);
		return -ENOMEM;
	}
	return 0;
}

void ks_link_uninit(void)
{
	/* Every pin is closed before the module can go: no work is left. */
	destroy_workqueue(ks_link_wq);
	cleanup_srcu_struct(&ks_link_srcu);
}
