// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the helpers providers move data with (include/linux/ksfilter.h)
 * and the feed of connected IN pins, on the queue of queue.c.  stream.c is
 * the user side of the same queue; nothing here calls it.
 */

/**
 * DOC: Connected pins
 *
 * A connection (link.c, docs/graphs.md) copies nothing: the OUT pin's
 * queue feeds the IN pin.  The helpers that take data from a pin
 * (ks_pin_queue_read(), _move(), _transform(), _discard()) take from a
 * connected IN pin's own queue first (what a user wrote before it was
 * connected) and then straight from its feed, while the OUT pin runs and
 * the IN pin is in PAUSE or RUN; the IN pin's positions and counts go on
 * as if the frames had passed through it.  Such a helper holds the feed's
 * lock with its own, all in address order, so a chain or a loop of
 * connections cannot deadlock.  Every helper that adds data, takes data,
 * discards or marks an end kicks the pin's connection, if it has one, and
 * so does a state change or a reset: a kick only queues the connection's
 * work, under SRCU, so it may come from under any lock of ours or a
 * provider's.  A take tells the feed's provider of room only once half
 * the feed's buffer is free (ks_queue_worth_refilling()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/instrumented.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "link.h"
#include "pin.h"
#include "queue_internal.h"

/*
 * The most a helper copies without the lock at once (see queue.c): a
 * quarter of a 1 MiB buffer, half of a smaller one (step_of()), so that
 * the taker of a large one starts while its producer goes on.  Smaller
 * parts cost more in wake-ups than they gain in overlap (make bench,
 * chain_vs_userspace with 1 MiB buffers: 64 KiB parts 0.31-0.57, 256 KiB
 * 0.31-0.44).
 */
#define KS_STREAM_STEP		SZ_256K

/* ---- the cyclic buffer ---- */

static u8 *ring_at(const struct ks_stream *q, u64 off, size_t len,
		   size_t *run)
{
	return ks_queue_buf_at(q->buf, q->size, off, len, run);
}

static void ring_to_kernel(const struct ks_stream *q, u64 off, u8 *dst,
			   size_t len)
{
	size_t run;
	u8 *src;

	for (; len; off += run, dst += run, len -= run) {
		src = ring_at(q, off, len, &run);
		memcpy(dst, src, run);
	}
}

/*
 * How data goes from one queue to another: copied, or through a provider's
 * transform (ks_pin_queue_transform()).
 */
struct ks_mover {
	void (*fn)(void *arg, void *dst, const void *src, size_t len);
	void *arg;
};

/*
 * A queue is made of whole pages (queue.c), and data written and read in
 * page-sized pieces sits on page boundaries in both queues: such a run
 * goes a page at a time with copy_page(), the architecture's own copy of
 * an aligned page (rep movsq on x86 with REP_GOOD), and only a run that
 * does not start on a boundary in both, or its tail, with memcpy().  On a
 * CPU with fast strings the two cost about the same; where memcpy()'s
 * byte-granular string copy is slow (an emulated CPU: 2.6 ns a byte
 * against 0.33 for rep movsq under QEMU's TCG) the page copy is the
 * faster by far.
 */
static void copy_run(u8 *d, const u8 *s, size_t len)
{
	if (PAGE_ALIGNED(d) && PAGE_ALIGNED(s)) {
		/* copy_page() is assembly: KASAN and KCSAN see it here. */
		instrument_read(s, len & PAGE_MASK);
		instrument_write(d, len & PAGE_MASK);
		for (; len >= PAGE_SIZE; len -= PAGE_SIZE) {
			copy_page(d, (void *)s);
			d += PAGE_SIZE;
			s += PAGE_SIZE;
		}
	}
	memcpy(d, s, len);
}

/* The reserved data @from to the reserved room @to, no lock held. */
static void span_move(const struct ks_span *to, const struct ks_span *from,
		      const struct ks_mover *mv)
{
	u32 done = 0;
	size_t a, b;
	const u8 *s;
	u8 *d;

	while (done < from->len) {
		s = ks_queue_span_at(from, done, from->len - done, &a);
		d = ks_queue_span_at(to, done, a, &b);
		if (mv->fn)
			mv->fn(mv->arg, d, s, b);
		else
			copy_run(d, s, b);
		done += b;
	}
}

/* ---- connected IN pins ---- */

/* Up to three queues' locks, taken in address order, each once. */
struct ks_qlocks {
	struct ks_stream *q[3];
	unsigned int n;
};

static void qlocks_add(struct ks_qlocks *l, struct ks_stream *q)
{
	unsigned int i;

	if (!q)
		return;
	for (i = 0; i < l->n; i++)
		if (l->q[i] == q)
			return;
	for (i = l->n; i && l->q[i - 1] > q; i--)
		l->q[i] = l->q[i - 1];
	l->q[i] = q;
	l->n++;
}

static void qlocks_lock(struct ks_qlocks *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		mutex_lock_nested(&l->q[i]->lock, i);
}

static void qlocks_unlock(struct ks_qlocks *l)
{
	unsigned int i;

	for (i = l->n; i--; )
		mutex_unlock(&l->q[i]->lock);
}

/*
 * May the provider of the connected IN pin whose queue is @q take from
 * the feed @fq now?  Only once its own queue is empty, marks included
 * (what a user wrote before the connection comes first), never in a reset,
 * and only frames of its own size (DATAFORMAT may have changed either pin
 * in STOP).  Both locks held.
 */
static bool feed_open(const struct ks_stream *q, const struct ks_stream *fq)
{
	return fq && !q->resetting && q->frame == fq->frame && !ks_queue_used(q) &&
	       q->pkt_head == q->pkt_tail;
}

/*
 * @n bytes came to @q's provider from its feed: @q's positions and counts
 * move as if they had passed through its queue.
 */
static void pass_through(struct ks_stream *q, u32 n)
{
	ks_queue_advance_head(q, n);
	WRITE_ONCE(q->tail, q->tail + n);
	q->bytes_out += n;
}

/* Discarding on a connected IN pin: what its feed holds goes too. */
static u32 drop_fed(struct ks_stream *q, struct ks_stream *fq)
{
	u32 n = ks_queue_used(fq);

	ks_queue_advance_tail(fq, n);
	WRITE_ONCE(fq->pkt_tail, fq->pkt_head);
	ks_queue_tail_moved(fq);
	ks_queue_advance_head(q, n);
	WRITE_ONCE(q->tail, q->tail + n);
	q->dropped += n;
	return n;
}

/*
 * Taking from a pin: its queue, the feed if it is a connected IN pin, and
 * the queue @also that the data goes to, if any, all locked.  Nothing is
 * taken from a queue into itself: a loop holds its data.
 */
struct ks_take {
	struct ks_feed feed;
	struct ks_stream *fq;
	struct ks_qlocks locks;
};

static void take_begin(struct ks_take *t, struct ks_pin *pin,
		       struct ks_stream *also)
{
	ks_link_feed_begin(pin, &t->feed);
	t->fq = t->feed.out ? &t->feed.out->stream : NULL;
	if (t->fq == also)
		t->fq = NULL;
	t->locks.n = 0;
	qlocks_add(&t->locks, &pin->stream);
	qlocks_add(&t->locks, also);
	qlocks_add(&t->locks, t->fq);
	qlocks_lock(&t->locks);
}

/* @fed bytes came from the feed: its OUT pin has room again. */
static void take_end(struct ks_take *t, u32 fed)
{
	qlocks_unlock(&t->locks);
	if (fed)
		ks_queue_wake(t->feed.out);
	ks_link_feed_end(&t->feed, fed);
}

/* ---- helpers for providers (include/linux/ksfilter.h) ---- */

u32 ks_pin_frame_size(struct ks_pin *pin)
{
	return READ_ONCE(pin->stream.frame);
}
EXPORT_SYMBOL_GPL(ks_pin_frame_size);

size_t ks_pin_queue_space(struct ks_pin *pin)
{
	struct ks_stream *q = &pin->stream;
	size_t n;

	mutex_lock(&q->lock);
	n = q->resetting ? 0 : ks_queue_space(q);
	mutex_unlock(&q->lock);
	return n;
}
EXPORT_SYMBOL_GPL(ks_pin_queue_space);

/*
 * The most one copy without the lock takes: a step, whole frames.  Never
 * more than half the queue: a step of a whole small queue held its other
 * side off until it ended, while a producer waiting for half a queue of
 * room (ks_queue_worth_refilling(), a POSITION event at half) can start
 * on the first half as the second is copied.  Paired runs with 64 KiB
 * queues: stream_mmap_vs_pipe 0.367 with whole steps, 0.314 with halves;
 * chain_vs_userspace_default_queues 0.685 and 0.610 (medians).
 *
 * Not so with a WaveRT buffer on either side (@whole): it is the device's,
 * its client learns of the device's moves from its own notifications, not
 * from a step's end, and a step's end that woke the other side halfway
 * let that side ask for more in the same round, so that the device ran
 * into a cycle its client had not refilled yet (ks_graph_test's
 * ksctl_play_wavert_into_loopback, on the KCSAN kernel).
 */
static u32 step_of(const struct ks_stream *q, bool whole)
{
	u32 step = KS_STREAM_STEP;

	if (!whole)
		step = min(step, q->size / 2);
	return max(rounddown(step, q->frame), q->frame);
}

/* Reserve up to @len bytes of room for a copy without the lock. */
static u32 reserve_room(struct ks_stream *q, size_t len, struct ks_span *s)
{
	u32 n;

	lockdep_assert_held(&q->lock);
	if (q->resetting)
		return 0;
	n = min_t(size_t, rounddown(len, q->frame),
		  min(ks_queue_space(q), step_of(q, q->rt)));
	if (n) {
		q->producing = true;
		ks_queue_span_set(s, q, q->head, n, q->head_seq);
	}
	return n;
}

/*
 * The copy into the room @s is done: it is queued, or void if the head
 * moved meanwhile or a reset began (see queue.c).  Returns whether it was
 * queued.
 */
static bool commit_room(struct ks_stream *q, const struct ks_span *s)
{
	lockdep_assert_held(&q->lock);
	q->producing = false;
	if (q->head_seq == s->seq && q->head == s->off && !q->resetting) {
		ks_queue_advance_head(q, s->len);
		return true;
	}
	q->bytes_in += s->len;
	q->dropped += s->len;
	return false;
}

/* The producer writes the room @s, in whole frames: the runs are. */
static void span_fill(const struct ks_span *s,
		      void (*fn)(void *arg, void *dst, size_t len), void *arg)
{
	size_t run;
	u32 done;
	u8 *dst;

	for (done = 0; done < s->len; done += run) {
		dst = ks_queue_span_at(s, done, s->len - done, &run);
		fn(arg, dst, run);
	}
}

size_t ks_pin_queue_produce(struct ks_pin *pin, size_t len,
			    void (*fn)(void *arg, void *dst, size_t len),
			    void *arg)
{
	struct ks_stream *q = &pin->stream;
	struct ks_span s = { .len = 0 };
	bool copied, queued;
	size_t done = 0;
	u32 n;

	if (WARN_ON_ONCE(!fn))
		return 0;
	/* Each step commits the last one's copy and reserves the next. */
	for (;;) {
		mutex_lock(&q->lock);
		copied = s.len;
		queued = copied && commit_room(q, &s);
		done += s.len;
		s.len = 0;
		n = reserve_room(q, len - done, &s);
		mutex_unlock(&q->lock);
		/* Its reader may start while we go on, as may a writer. */
		if (copied)
			ks_queue_wake(pin);
		if (queued)
			ks_link_kick(pin);
		if (!n)
			return done;
		span_fill(&s, fn, arg);
	}
}
EXPORT_SYMBOL_GPL(ks_pin_queue_produce);

/* ks_pin_queue_write()'s producer: the caller's bytes, in order. */
static void copy_in(void *arg, void *dst, size_t len)
{
	const u8 **src = arg;

	memcpy(dst, *src, len);
	*src += len;
}

size_t ks_pin_queue_write(struct ks_pin *pin, const void *data, size_t len)
{
	const u8 *src = data;

	return ks_pin_queue_produce(pin, len, copy_in, &src);
}
EXPORT_SYMBOL_GPL(ks_pin_queue_write);

/* No reader of this side sees marks: drop those passed, taken. */
static void drop_passed_marks(struct ks_stream *q)
{
	struct ks_stream_packet *p;

	while (!ks_queue_used(q) && (p = ks_queue_pkt_oldest(q))) {
		ks_queue_mark_taken(q, p);
		ks_queue_pkt_drop(q);
	}
}

static u32 read_locked(struct ks_stream *q, void *data, size_t len)
{
	u32 n;

	/* Another taker copies from the tail (see queue.c). */
	if (q->taking)
		return 0;
	n = min_t(size_t, rounddown(len, q->frame), ks_queue_used(q));
	ring_to_kernel(q, q->tail, data, n);
	ks_queue_advance_tail(q, n);
	drop_passed_marks(q);
	return n;
}

size_t ks_pin_queue_read(struct ks_pin *pin, void *data, size_t len)
{
	struct ks_stream *q = &pin->stream;
	struct ks_take t;
	u32 n, fed = 0;

	take_begin(&t, pin, NULL);
	n = read_locked(q, data, len);
	if (feed_open(q, t.fq)) {
		fed = read_locked(t.fq, (u8 *)data + n, len - n);
		pass_through(q, fed);
	}
	take_end(&t, fed);
	n += fed;
	if (n) {
		ks_queue_wake(pin);
		ks_link_kick(pin);
	}
	return n;
}
EXPORT_SYMBOL_GPL(ks_pin_queue_read);

size_t ks_pin_queue_discard(struct ks_pin *pin)
{
	struct ks_stream *q = &pin->stream;
	struct ks_take t;
	u32 n, fed = 0;

	take_begin(&t, pin, NULL);
	n = ks_queue_used(q);
	/* The provider took it all: an end of stream among it reached it. */
	ks_queue_take_marks(q);
	ks_queue_flush(q);
	if (q->rt && !q->device_head)
		n = 0;	/* WaveRT: the buffer is the device's (queue.c) */
	if (n && !q->device_head)
		ks_queue_device_moved(q, q->tail - n, q->tail);
	if (feed_open(q, t.fq)) {
		ks_queue_take_marks(t.fq);
		fed = drop_fed(q, t.fq);
	}
	take_end(&t, fed);
	ks_queue_wake(pin);
	if (n + fed)
		ks_link_kick(pin);
	return n + fed;
}
EXPORT_SYMBOL_GPL(ks_pin_queue_discard);

void ks_pin_count_xrun(struct ks_pin *pin, u32 frames)
{
	struct ks_stream *q = &pin->stream;

	mutex_lock(&q->lock);
	q->xruns++;
	q->xrun_frames += frames;
	mutex_unlock(&q->lock);
	ks_events_signal(&q->events, KS_EVENT_DISCONTINUITY);
}
EXPORT_SYMBOL_GPL(ks_pin_count_xrun);

bool ks_pin_queue_end_of_stream(struct ks_pin *pin)
{
	struct ks_stream *q = &pin->stream;
	bool ok;

	mutex_lock(&q->lock);
	ok = !q->resetting && ks_queue_pkt_room(q);
	if (ok)
		ks_queue_pkt_add(q, 0)->flags = KS_STREAM_EOS;
	mutex_unlock(&q->lock);
	if (ok) {
		ks_queue_wake(pin);
		ks_link_kick(pin);
	}
	return ok;
}
EXPORT_SYMBOL_GPL(ks_pin_queue_end_of_stream);

/**
 * struct ks_move - one step of a move, reserved in both queues
 * @src: the data at the source's tail
 * @dst: the room at the destination's head, as long
 * @pkt: the data is (the rest of) a packet: the destination gets one
 * @first: ... its start, which carries @meta
 * @meta: the source packet's metadata, when @first
 */
struct ks_move {
	struct ks_span src;
	struct ks_span dst;
	bool pkt;
	bool first;
	struct ks_stream_packet meta;
};

/*
 * Under the locks: the end-of-stream marks at @from's tail go to @to at
 * once (*@news is set); then up to a step of data, within one packet, is
 * reserved in both queues for a copy without the locks (see queue.c).
 * Returns its bytes: 0 when nothing can go.
 */
static u32 move_reserve(struct ks_stream *to, struct ks_stream *from,
			struct ks_move *m, bool *news)
{
	struct ks_stream_packet *p;
	u64 avail;
	u32 n, step;

	if (from->taking || to->producing)
		return 0;
	while ((p = ks_queue_pkt_oldest(from)) && !p->length && p->start == from->tail) {
		if (!ks_queue_pkt_room(to))
			return 0;
		ks_queue_pkt_add(to, 0)->flags = p->flags;
		ks_queue_mark_taken(from, p);
		ks_queue_pkt_drop(from);
		*news = true;
	}
	avail = ks_queue_used(from);
	if (p && p->start > from->tail) {
		avail = min_t(u64, avail, p->start - from->tail);
		p = NULL;
	} else if (p) {
		avail = min_t(u64, avail, p->start + p->length - from->tail);
	}
	step = step_of(from, from->rt || to->rt);
	n = rounddown(min_t(u64, avail, min(ks_queue_space(to), step)),
		      from->frame);
	if (!n || (p && !ks_queue_pkt_room(to)))
		return 0;
	/* A packet's rest (no metadata) is still a packet of its own. */
	m->pkt = p;
	m->first = p && p->start == from->tail;
	if (m->first)
		m->meta = *p;
	ks_queue_take_reserve(from, &m->src, n);
	to->producing = true;
	ks_queue_span_set(&m->dst, to, to->head, n, to->head_seq);
	return n;
}

/*
 * The copy of @m is done and the locks are held again: it counts, unless
 * the caller no longer wants it (!@want) or either side moved meanwhile,
 * and then nothing of it is seen.  Returns whether it counted; *@held is
 * set if @from's side was void and held back room (see queue.c).
 */
static bool move_commit(struct ks_stream *to, struct ks_stream *from,
			const struct ks_move *m, bool want, bool *held)
{
	struct ks_stream_packet *np;
	u32 n = m->src.len;

	*held = ks_queue_take_release(from);
	to->producing = false;
	if (!want || from->tail_seq != m->src.seq || from->tail != m->src.off ||
	    to->head_seq != m->dst.seq || to->head != m->dst.off ||
	    to->resetting || (m->pkt && !ks_queue_pkt_room(to)))
		return false;
	if (m->pkt) {
		np = ks_queue_pkt_add(to, n);
		if (m->first) {
			np->flags = m->meta.flags;
			np->type_specific_flags = m->meta.type_specific_flags;
			np->time = m->meta.time;
			np->duration = m->meta.duration;
			ks_queue_pkt_flagged(to, np->flags);
		}
	}
	ks_queue_advance_head(to, n);
	ks_queue_advance_tail(from, n);
	return true;
}

/*
 * Something moved: both pins' waiters hear of it, and their connections:
 * @to's at once (its data may go on down a chain), @from's if @refill
 * (its feed, if any, is worth refilling).
 */
static void moved(struct ks_pin *from, struct ks_pin *to, bool refill)
{
	ks_queue_wake(from);
	ks_queue_wake(to);
	if (refill)
		ks_link_kick(from);
	ks_link_kick(to);
}

/*
 * Is the feed @fq, if any, worth refilling?  Asked within the take: the
 * feed's pin may go once its read section ends (take_end()).
 */
static bool feed_refill(const struct ks_stream *fq)
{
	return !fq || ks_queue_worth_refilling(fq);
}

/*
 * What @to has room for of @from's queue, through @mv, and then of its
 * feed if @from is a connected IN pin, a step at a time, each copied
 * without the locks.  After each step the pins hear of it, so that the
 * next filter of a chain starts on it while this one goes on.  Returns
 * the bytes moved.
 */
static size_t move_pins(struct ks_pin *from, struct ks_pin *to,
			const struct ks_mover *mv)
{
	struct ks_stream *src = &from->stream, *dst = &to->stream;
	bool news = false, feeding, refill, held;
	size_t bytes = 0;
	struct ks_move m;
	struct ks_take t;
	u32 n, fed = 0;

	take_begin(&t, from, dst);
	for (;;) {
		/*
		 * A WaveRT IN pin never runs out of data, a WaveRT OUT pin
		 * never out of room: between two, a call moves a cycle at
		 * most, and the provider's pace sets the rest.
		 */
		if (src->rt && dst->rt && bytes >= min(src->size, dst->size))
			break;
		if (dst->resetting) {
			/* Nobody may have it: the reader asked for it to go. */
			news |= ks_queue_used(src) || ks_queue_pkt_oldest(src);
			ks_queue_flush(src);
			if (feed_open(src, t.fq)) {
				n = drop_fed(src, t.fq);
				fed += n;
				news |= n;
			}
			break;
		}
		feeding = false;
		n = move_reserve(dst, src, &m, &news);
		if (!n && feed_open(src, t.fq)) {
			feeding = true;
			n = move_reserve(dst, t.fq, &m, &news);
		}
		if (!n)
			break;
		qlocks_unlock(&t.locks);
		if (news)
			moved(from, to, feed_refill(t.fq));
		news = false;
		span_move(&m.dst, &m.src, mv);
		qlocks_lock(&t.locks);
		if (!move_commit(dst, feeding ? t.fq : src, &m,
				 !feeding || feed_open(src, t.fq), &held)) {
			/* Its producers may have found no room: tell them. */
			news |= held;
			continue;
		}
		if (feeding) {
			pass_through(src, n);
			fed += n;
		}
		bytes += n;
		news = true;
	}
	refill = feed_refill(t.fq);
	take_end(&t, fed);
	if (news)
		moved(from, to, refill);
	return bytes;
}

size_t ks_pin_queue_move(struct ks_pin *from, struct ks_pin *to)
{
	static const struct ks_mover copy = {};

	if (WARN_ON_ONCE(from == to))
		return 0;
	return move_pins(from, to, &copy);
}
EXPORT_SYMBOL_GPL(ks_pin_queue_move);

size_t ks_pin_queue_transform(struct ks_pin *from, struct ks_pin *to,
			      void (*fn)(void *arg, void *dst, const void *src,
					 size_t len),
			      void *arg)
{
	const struct ks_mover mv = { .fn = fn, .arg = arg };

	if (WARN_ON_ONCE(from == to || !fn))
		return 0;
	return move_pins(from, to, &mv);
}
EXPORT_SYMBOL_GPL(ks_pin_queue_transform);

bool ks_stream_link_drop(struct ks_pin *out, struct ks_pin *in)
{
	struct ks_stream *q = &out->stream;
	bool dropped = false;

	if (!READ_ONCE(in->stream.resetting))
		return false;
	mutex_lock(&q->lock);
	if (ks_queue_used(q) || ks_queue_pkt_oldest(q)) {
		ks_queue_flush(q);
		dropped = true;
	}
	mutex_unlock(&q->lock);
	if (dropped)
		ks_queue_wake(out);
	return dropped;
}

bool ks_pin_connected(struct ks_pin *pin)
{
	return rcu_access_pointer(pin->link);
}
EXPORT_SYMBOL_GPL(ks_pin_connected);
