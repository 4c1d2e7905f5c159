/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: connections between pins (KSPIN_CONNECT.PinToHandle,
 * docs/graphs.md).  Lifetime rules are at the top of link.c, locks in filter.h.
 */
#ifndef _KS_LINK_H
#define _KS_LINK_H

#include <linux/rcupdate.h>
#include <linux/types.h>

struct ks_link;
struct ks_pin;
struct ks_pin_connect;
struct seq_file;

int ks_link_init(void);
void ks_link_uninit(void);

/*
 * Row 14 from 14c on (docs/graphs.md) for a new pin of dataflow @dataflow
 * asking for @connect (its format follows it) to be connected to @peer,
 * the pin of the fd pin_to_handle names (14a and 14b are pin_fd.c's):
 * 0, or -EBADF / -EPIPE.
 */
int ks_link_check_peer(struct ks_pin *peer,
		       const struct ks_pin_connect *connect,
		       unsigned int dataflow);

/*
 * Connect the new pin @source to @peer, which ks_link_check_peer() accepted, in
 * two steps, so that nobody sees a connection whose creation failed later.
 * ks_link_reserve() marks both pins as taken (a racing creation gets 14e)
 * and takes a reference on each: the connection or ERR_PTR(-EPIPE) if
 * another creation took @peer meanwhile, or -ENOMEM.  Then either
 * ks_link_publish(), once nothing can fail any more, which makes data
 * move, or ks_link_abort(), which leaves @peer connectable again.
 */
struct ks_link *ks_link_reserve(struct ks_pin *source, struct ks_pin *peer);
void ks_link_publish(struct ks_link *link);
void ks_link_abort(struct ks_link *link);

/*
 * The pin's fd is being closed, or its filter unregistered: end its
 * connection, if any, for both pins (docs/graphs.md, "Disconnecting").
 * Waits for a move in progress; may sleep.  Called with no lock of ours
 * held but, from unregistration, the filter's gate.
 */
void ks_link_disconnect(struct ks_pin *pin);

/*
 * Data or room changed on @pin's side of its connection: its peer's
 * provider is told.  From anywhere, under any lock; does nothing for a pin
 * that is not connected.
 */
void ks_link_kick(struct ks_pin *pin);
/* @pin's state changed, or a reset began or ended: both providers. */
void ks_link_kick_both(struct ks_pin *pin);

/**
 * struct ks_feed - the OUT pin whose queue a connected IN pin takes from
 * @link: the connection, NULL when there is nothing to take
 * @out: its OUT pin, NULL likewise
 * @idx: the SRCU read section that keeps both
 */
struct ks_feed {
	struct ks_link *link;
	struct ks_pin *out;
	int idx;
};

/*
 * A helper is about to take data from @in (queue_ops.c): if @in is the IN
 * pin of a connection whose OUT pin runs while @in is in PAUSE or RUN,
 * *@feed names the OUT pin, which stays until ks_link_feed_end(), and true
 * is returned.  Every begin needs its end, whatever it returned.  Queue
 * locks may be taken in between; nothing may wait for a disconnection.
 * ks_link_feed_end() counts @bytes taken for fdinfo.
 */
bool ks_link_feed_begin(struct ks_pin *in, struct ks_feed *feed);
void ks_link_feed_end(struct ks_feed *feed, size_t bytes);

/* The fdinfo lines of a connected pin. */
void ks_link_show_fdinfo(struct seq_file *m, struct ks_pin *pin);

#endif /* _KS_LINK_H */
