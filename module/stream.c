// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: streaming on a pin fd (SPEC 7).  This is the user side of the
 * queue of queue.c (and queue_ops.c); calls go from here to there only.
 */

/**
 * DOC: Streaming on a pin fd
 *
 * The user's side of a pin's queue (queue.c, "The queue"): read(2) and
 * write(2), the stream headers of KS_IOCTL_WRITE_STREAM and READ_STREAM,
 * KS_IOCTL_RESET_STATE, poll, mmap, and the POSITION and BUFFER properties
 * of KSPROPSETID_KSFILTER_STREAM.  Locks: see "DOC: Locking" in filter.h.
 *
 * Behaviours the contract leaves open, chosen here (the queue's are in
 * queue.c, "The queue"):
 *  - read(2) on an OUT pin, write(2) on an IN pin; the other way round is
 *    EINVAL (a pin opened for both on the wrong side).  A read or write of
 *    0 bytes returns 0, as read(2) and write(2) do.  Errors are decided
 *    in this order: ENODEV (filter gone), EISCONN (the pin is connected to
 *    a peer pin, whose data it is: docs/graphs.md), EBUSY (the pin
 *    streams WaveRT: the device plays or records its buffer, wavert.c),
 *    EINVAL (wrong side, partial frame), ECANCELED (between KSRESET_BEGIN
 *    and END), EBADFD (STOP or ACQUIRE: KS moves nothing before PAUSE).
 *  - A blocking read returns as soon as it has one frame, as a pipe does;
 *    a write returns when all of it is queued (or a signal came, with the
 *    bytes queued so far).  PAUSE: writes queue up to the buffer, reads wait.
 *  - Packets.  Each WRITE_STREAM header with data is a packet, split into
 *    buffer-sized pieces if larger.  A READ_STREAM header never spans two
 *    packets; the first piece of a packet carries its time, duration,
 *    type-specific flags and the DATADISCONTINUITY, TIMEVALID and
 *    DURATIONVALID flags, later pieces none.  Data from write(2) or mmap has
 *    no packet and no metadata.
 *  - End of stream.  ENDOFSTREAM puts a mark after the header's data.  A
 *    reader that reaches it is told once (read(2) returns 0, READ_STREAM a
 *    header with ENDOFSTREAM and data_used 0), and again on every read for
 *    as long as nothing follows the mark.
 *  - KSRESET_BEGIN discards the queue (positions go on) and fails every
 *    call, blocked or new, with ECANCELED until KSRESET_END; a provider
 *    moving data into a queue in reset discards it.  A blocked call that
 *    sleeps through a STOP (or a new format) fails with EBADFD, and one
 *    that sleeps through a whole reset with ECANCELED, as if it had woken
 *    in time to see them (see "Waiting").
 *  - poll: EPOLLIN on an OUT pin in RUN with a frame or an end of stream
 *    to read, EPOLLOUT on an IN pin in PAUSE or RUN with room for a frame,
 *    EPOLLERR during a reset, EPOLLERR | EPOLLHUP once the filter is gone.
 *  - mmap(2): LOOPED_STREAMING pins only (ENODEV otherwise), the whole
 *    buffer from offset 0, shared; and the register page, read-only, at
 *    KS_RTAUDIO_REGISTERS_OFFSET.  As for any file, mapping needs the fd
 *    open for reading, and writable mapping needs it open for writing: a
 *    Render client creates its pin with KS_GENERIC_READ | KS_GENERIC_WRITE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "filter.h"
#include "link.h"
#include "pin.h"
#include "queue_internal.h"
#include "stream.h"

/* The options flags a packet carries from its writer to its reader. */
#define KS_STREAM_CARRIED	(KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY | \
				 KSSTREAM_HEADER_OPTIONSF_TIMEVALID | \
				 KSSTREAM_HEADER_OPTIONSF_DURATIONVALID)

/* ---- what a call checked, and its copies ---- */

/*
 * Waiting.  A blocking read or write checks its arguments against the
 * queue once (whole frames, a buffer they fit in) and then may sleep.
 * What it checked must still hold each time it takes the queue's lock
 * again, or it would go on with a frame that is no longer the pin's, and
 * a header whose frame_extent no longer holds a frame would never be
 * filled while the queue stays readable: the call would go round without
 * sleeping.  The frame and the size change only with a new format, which
 * needs STOP, so a call that slept through a STOP (or a new format) fails
 * with EBADFD, as it would have had it seen the STOP, and one that slept
 * through a reset with ECANCELED, as the reset's blocked calls do.
 * Between the checks under the lock a loop either moves data or sleeps,
 * and every sleep is interruptible; a pending signal ends it, whether or
 * not the wait's condition already holds.
 */
struct ks_io {
	unsigned int stops;
	unsigned int resets;
	u32 frame;
	u32 size;
};

static void io_begin(struct ks_stream *q, struct ks_io *io)
{
	mutex_lock(&q->lock);
	io->stops = q->stops;
	io->resets = q->resets;
	io->frame = q->frame;
	io->size = q->size;
	mutex_unlock(&q->lock);
}

/* Under the lock: 0 while what io_begin() saw still holds. */
static int io_changed(const struct ks_stream *q, const struct ks_io *io)
{
	lockdep_assert_held(&q->lock);
	if (q->resets != io->resets)
		return -ECANCELED;
	if (q->stops != io->stops)
		return -EBADFD;
	return 0;
}

/*
 * User copies without the lock.  User memory is never touched with a
 * queue's lock held: a fault that user space stalls (userfaultfd, a FUSE
 * mapping) would hold everyone who needs the lock, unregistration among
 * them, which steps the pin down to STOP.  A read or write reserves its
 * part of the queue as the helpers do (queue.c, "Copies without the
 * lock"): the data at the tail (stream->taking) or the room at the head
 * (stream->producing), copies with the lock dropped, takes it again and
 * commits.  A commit counts only if nothing moved that side meanwhile and
 * the call's checks still hold (io_changed()); otherwise nothing of the
 * copy is seen, the data stays or the room stays free, and the call's
 * next look fails it.
 */
static int span_to_user(struct ks_stream *q, const struct ks_span *s,
			char __user *dst)
	__must_hold(&q->lock)
{
	size_t run;
	u32 done;
	int ret = 0;

	mutex_unlock(&q->lock);
	for (done = 0; done < s->len; done += run) {
		const u8 *src = ks_queue_span_at(s, done, s->len - done, &run);

		if (copy_to_user(dst + done, src, run)) {
			ret = -EFAULT;
			break;
		}
	}
	mutex_lock(&q->lock);
	return ret;
}

static int span_from_user(struct ks_stream *q, const struct ks_span *s,
			  const char __user *src)
	__must_hold(&q->lock)
{
	size_t run;
	u32 done;
	int ret = 0;

	mutex_unlock(&q->lock);
	for (done = 0; done < s->len; done += run) {
		u8 *dst = ks_queue_span_at(s, done, s->len - done, &run);

		if (copy_from_user(dst, src + done, run)) {
			ret = -EFAULT;
			break;
		}
	}
	mutex_lock(&q->lock);
	return ret;
}

/*
 * Copy @n bytes at the tail to @dst without the lock; 0 when they were
 * taken, -EAGAIN when something overtook the copy, -EFAULT.
 */
static int take_user(struct ks_stream *q, const struct ks_io *io, u32 n,
		     char __user *dst)
{
	struct ks_span s;
	int ret;

	lockdep_assert_held(&q->lock);
	ks_queue_take_reserve(q, &s, n);
	ret = span_to_user(q, &s, dst);
	ks_queue_take_release(q);
	if (ret)
		return ret;
	if (q->tail_seq != s.seq || q->tail != s.off || io_changed(q, io))
		return -EAGAIN;
	ks_queue_advance_tail(q, n);
	return 0;
}

/*
 * Copy @n bytes from @src into the room at the head without the lock;
 * 0 when they are queued (with @pkt, as a packet of their own, which the
 * caller fills in, and with room for @pkts packets in all), -EAGAIN when
 * something overtook the copy, -EFAULT.
 */
static int queue_user(struct ks_stream *q, const struct ks_io *io, u32 n,
		      const char __user *src, struct ks_stream_packet **pkt,
		      unsigned int pkts)
{
	struct ks_span s;
	int ret;

	lockdep_assert_held(&q->lock);
	q->producing = true;
	ks_queue_span_set(&s, q, q->head, n, q->head_seq);
	ret = span_from_user(q, &s, src);
	q->producing = false;
	if (ret)
		return ret;
	if (q->head_seq != s.seq || q->head != s.off || io_changed(q, io) ||
	    ks_queue_pkt_room(q) < pkts)
		return -EAGAIN;
	if (pkt)
		*pkt = ks_queue_pkt_add(q, n);
	ks_queue_advance_head(q, n);
	return 0;
}

/* ---- what a reader takes next ---- */

/* read(2): bytes, 0 at the end of the stream, -EAGAIN when empty. */
static ssize_t take_to_user(struct ks_stream *q, const struct ks_io *io,
			    char __user *buf, size_t count)
{
	struct ks_chunk c;
	size_t done = 0;
	int ret;
	u32 n;

	lockdep_assert_held(&q->lock);
	while (done < count) {
		ks_queue_next_chunk(q, &c);
		if (c.eos) {
			/* After data, the next read tells of the end. */
			if (!done) {
				ks_queue_take_eos(q);
				return 0;
			}
			break;
		}
		n = min_t(size_t, c.len, count - done);
		if (!n)
			break;
		ret = take_user(q, io, n, buf + done);
		if (ret == -EFAULT && !done)
			return -EFAULT;
		if (ret)
			break;
		done += n;
	}
	return done ? done : -EAGAIN;
}

/*
 * READ_STREAM, one header: 1 filled, 0 nothing to fill it with, -EFAULT.
 * The lock is dropped while the data is copied.
 */
static int take_header(struct ks_stream *q, const struct ks_io *io,
		       struct ks_stream_header *h, bool *eos)
{
	struct ks_stream_packet meta;
	struct ks_chunk c;
	int ret;
	u32 n;

	ks_queue_next_chunk(q, &c);
	h->type_specific_flags = 0;
	memset(&h->presentation_time, 0, sizeof(h->presentation_time));
	h->duration = 0;
	h->data_used = 0;
	h->options_flags = 0;
	h->reserved = 0;
	if (c.eos) {
		ks_queue_take_eos(q);
		h->options_flags = KS_STREAM_EOS;
		*eos = true;
		return 1;
	}
	n = min(c.len, rounddown(h->frame_extent, q->frame));
	if (!n)
		return 0;
	/* The packet's slot may be reused once the lock is dropped. */
	if (c.meta)
		meta = *c.meta;
	ret = take_user(q, io, n, u64_to_user_ptr(h->data));
	if (ret)
		return ret == -EAGAIN ? 0 : ret;
	if (c.meta) {
		h->options_flags = meta.flags;
		h->type_specific_flags = meta.type_specific_flags;
		h->presentation_time = meta.time;
		h->duration = meta.duration;
	}
	h->data_used = n;
	return 1;
}

/* ---- waiting ---- */

int ks_stream_io_error(struct ks_pin *pin)
{
	if (READ_ONCE(pin->filter->dead))
		return -ENODEV;
	if (ks_pin_connected(pin))
		return -EISCONN;
	/* WaveRT: the buffer is the device's, the client only maps it. */
	if (READ_ONCE(pin->stream.rt))
		return -EBUSY;
	if (READ_ONCE(pin->stream.resetting))
		return -ECANCELED;
	if (READ_ONCE(pin->state) < KSSTATE_PAUSE)
		return -EBADFD;
	return 0;
}

/* Lock-free hints for waiting; rechecked under the lock. */
static bool readable(struct ks_pin *pin)
{
	struct ks_stream *q = &pin->stream;

	return READ_ONCE(pin->state) == KSSTATE_RUN && !READ_ONCE(q->taking) &&
	       (READ_ONCE(q->head) != READ_ONCE(q->tail) ||
		READ_ONCE(q->pkt_head) != READ_ONCE(q->pkt_tail));
}

static bool writable(struct ks_pin *pin, u32 bytes, unsigned int pkts)
{
	struct ks_stream *q = &pin->stream;
	u64 queued = READ_ONCE(q->head) - READ_ONCE(q->tail);

	return queued + bytes <= READ_ONCE(q->size) &&
	       !READ_ONCE(q->producing) && !READ_ONCE(q->take_void) &&
	       READ_ONCE(q->pkt_head) - READ_ONCE(q->pkt_tail) + pkts <=
	       KS_STREAM_PACKETS;
}

/*
 * Sleep until a read on @pin can go on, or must fail.  A signal ends it,
 * pending before as well as arriving during the wait: a loop of ours that
 * finds the condition true at once never goes round unkillable.
 */
static int wait_readable(struct ks_pin *pin)
{
	if (signal_pending(current))
		return -ERESTARTSYS;
	return wait_event_interruptible(pin->wait,
					ks_stream_io_error(pin) || readable(pin));
}

/* The same for a write of @bytes and @pkts packets. */
static int wait_writable(struct ks_pin *pin, u32 bytes, unsigned int pkts)
{
	if (signal_pending(current))
		return -ERESTARTSYS;
	return wait_event_interruptible(pin->wait, ks_stream_io_error(pin) ||
					writable(pin, bytes, pkts));
}

static void kick(struct ks_pin *pin)
{
	if (ks_filter_enter(pin->filter))
		return;
	ks_pin_process(pin);
	ks_filter_leave(pin->filter);
}

/*
 * Before anything: the filter is there, the pin is not connected (its
 * data is its peer's, docs/graphs.md) and this is the pin's side.
 */
static int io_start(struct ks_pin *pin, unsigned int dataflow)
{
	if (READ_ONCE(pin->filter->dead))
		return -ENODEV;
	if (ks_pin_connected(pin))
		return -EISCONN;
	if (READ_ONCE(pin->stream.rt))
		return -EBUSY;
	return pin->dataflow == dataflow ? 0 : -EINVAL;
}

/*
 * The reading side of read(2) and READ_STREAM: @take returns what the call
 * returns, or -EAGAIN when there is nothing yet.  The provider is asked
 * for data once before each wait, and told after a take that there is room
 * once half the buffer is free (ks_queue_worth_refilling()), or at once if
 * a take of ours was void and held back the room it found.
 */
static ssize_t read_loop(struct ks_pin *pin, const struct ks_io *io,
			 bool nonblock,
			 ssize_t (*take)(struct ks_stream *q, void *arg),
			 void *arg)
{
	struct ks_stream *q = &pin->stream;
	bool kicked = false, held;
	unsigned int seq;
	ssize_t ret;

	for (;;) {
		ret = ks_stream_io_error(pin);
		if (ret)
			return ret;
		if (READ_ONCE(pin->state) == KSSTATE_RUN) {
			mutex_lock(&q->lock);
			seq = q->tail_seq;
			ret = io_changed(q, io);
			/* Another taker copies from the tail (see queue.c). */
			if (!ret)
				ret = q->taking ? -EAGAIN : take(q, arg);
			/* Only a take of ours was in flight while it moved. */
			held = q->tail_seq != seq;
			mutex_unlock(&q->lock);
			/* Other readers saw no data while this one copied. */
			ks_queue_wake(pin);
			if (ret != -EAGAIN) {
				if ((ret > 0 && ks_queue_worth_refilling(q)) || held)
					kick(pin);
				return ret;
			}
			if (!kicked || held) {
				kick(pin);
				kicked = true;
				continue;
			}
		}
		if (nonblock)
			return -EAGAIN;
		if (wait_readable(pin))
			return -ERESTARTSYS;
		kicked = false;
	}
}

struct ks_user_buf {
	const struct ks_io *io;
	char __user *buf;
	size_t count;
};

static ssize_t take_bytes(struct ks_stream *q, void *arg)
{
	struct ks_user_buf *u = arg;

	return take_to_user(q, u->io, u->buf, u->count);
}

ssize_t ks_stream_read(struct ks_pin *pin, char __user *buf, size_t count,
		       bool nonblock)
{
	struct ks_io io;
	struct ks_user_buf u = { .io = &io, .buf = buf };
	ssize_t ret;

	ret = io_start(pin, KSPIN_DATAFLOW_OUT);
	if (ret || !count)
		return ret;
	io_begin(&pin->stream, &io);
	u.count = rounddown(count, io.frame);
	if (!u.count)
		return -EINVAL;
	return read_loop(pin, &io, nonblock, take_bytes, &u);
}

/* write(2): what fits of @count bytes, whole frames; 0 when nothing does. */
static ssize_t queue_from_user(struct ks_stream *q, const struct ks_io *io,
			       const char __user *buf, size_t count)
{
	u32 n = min_t(size_t, count, ks_queue_space(q));
	int ret;

	lockdep_assert_held(&q->lock);
	if (!n)
		return 0;
	ret = queue_user(q, io, n, buf, NULL, 0);
	if (ret)
		return ret == -EAGAIN ? 0 : ret;
	return n;
}

ssize_t ks_stream_write(struct ks_pin *pin, const char __user *buf,
			size_t count, bool nonblock)
{
	struct ks_stream *q = &pin->stream;
	bool kicked = false;
	size_t done = 0;
	struct ks_io io;
	ssize_t ret;

	ret = io_start(pin, KSPIN_DATAFLOW_IN);
	if (ret)
		return ret;
	io_begin(q, &io);
	if (count % io.frame || (count && !io.size))
		return -EINVAL;
	for (;;) {
		ret = ks_stream_io_error(pin);
		if (ret || done == count)
			break;
		mutex_lock(&q->lock);
		ret = io_changed(q, &io);
		if (!ret)
			ret = queue_from_user(q, &io, buf + done, count - done);
		mutex_unlock(&q->lock);
		/* Other writers saw no room while this one copied. */
		ks_queue_wake(pin);
		if (ret < 0)
			break;
		if (ret) {
			done += ret;
			kicked = false;
			kick(pin);
			continue;
		}
		/* Full: the provider may make room before we wait. */
		if (!kicked) {
			kick(pin);
			kicked = true;
			continue;
		}
		if (nonblock) {
			ret = -EAGAIN;
			break;
		}
		if (wait_writable(pin, io.frame, 0)) {
			ret = -ERESTARTSYS;
			break;
		}
	}
	return done ? done : ret;
}

/* ---- stream headers ---- */

static void pkt_set_meta(struct ks_stream_packet *p,
			 const struct ks_stream_header *h)
{
	p->flags = h->options_flags & KS_STREAM_CARRIED;
	p->type_specific_flags = h->type_specific_flags;
	p->time = h->presentation_time;
	p->duration = h->duration;
}

/*
 * One piece of a written header: @n bytes at @data as a packet, with the
 * header's metadata on the @first piece, then an end-of-stream mark if
 * @eos.  -EAGAIN when it does not fit yet (or a STOP or reset overtook
 * its copy: the caller's next look says which).
 */
static int queue_piece(struct ks_stream *q, const struct ks_io *io,
		       const struct ks_stream_header *h,
		       const char __user *data, u32 n, bool first, bool eos)
{
	struct ks_stream_packet *p;
	int ret;

	lockdep_assert_held(&q->lock);
	if (ks_queue_space(q) < n || ks_queue_pkt_room(q) < !!n + eos)
		return -EAGAIN;
	if (n) {
		ret = queue_user(q, io, n, data, &p, 1 + eos);
		if (ret)
			return ret;
		if (first) {
			pkt_set_meta(p, h);
			ks_queue_pkt_flagged(q, p->flags);
		}
	}
	if (eos)
		ks_queue_pkt_add(q, 0)->flags = KS_STREAM_EOS;
	return 0;
}

/*
 * Queue one header in buffer-sized pieces.  0, or an error with the pieces
 * before it queued.  A signal is EINTR, never a restart: pieces may have
 * gone already.
 */
static int write_header(struct ks_pin *pin, const struct ks_io *io,
			const struct ks_stream_header *h, bool nonblock)
{
	bool eos = h->options_flags & KS_STREAM_EOS;
	const char __user *data = u64_to_user_ptr(h->data);
	struct ks_stream *q = &pin->stream;
	bool first = true, kicked = false;
	u32 left = h->data_used, n;
	int ret;

	do {
		ret = ks_stream_io_error(pin);
		if (ret)
			return ret;
		mutex_lock(&q->lock);
		n = min(left, q->size);
		ret = io_changed(q, io);
		if (!ret)
			ret = queue_piece(q, io, h, data, n, first,
					  eos && n == left);
		mutex_unlock(&q->lock);
		ks_queue_wake(pin);
		if (!ret) {
			eos = eos && n != left;
			data += n;
			left -= n;
			first = false;
			kicked = false;
			kick(pin);
		} else if (ret != -EAGAIN) {
			return ret;
		} else if (!kicked) {
			kick(pin);
			kicked = true;
		} else if (nonblock) {
			return -EAGAIN;
		} else if (wait_writable(pin, n, !!n + (eos && n == left))) {
			return -EINTR;
		}
	} while (left || eos);
	return 0;
}

/*
 * Every header is checked before any data moves, against the frame and
 * size that io_begin() saw (see "Waiting").
 */
static int check_headers(const struct ks_io *io,
			 const struct ks_stream_header *h, u32 count,
			 bool write)
{
	u32 i;

	for (i = 0; i < count; i++, h++) {
		if (h->size < sizeof(*h))
			return -EINVAL;
		if (!write && h->frame_extent < io->frame)
			return -EINVAL;
		if (write && (h->data_used > h->frame_extent ||
			      h->data_used % io->frame ||
			      (h->data_used && !io->size)))
			return -EINVAL;
	}
	return 0;
}

static long write_headers(struct ks_pin *pin, const struct ks_io *io,
			  const struct ks_stream_header *h, u32 count,
			  bool nonblock)
{
	int ret = 0;
	u32 i;

	for (i = 0; i < count; i++) {
		ret = write_header(pin, io, &h[i], nonblock);
		if (ret)
			break;
	}
	if (i)
		return i;
	return ret;
}

struct ks_header_buf {
	const struct ks_io *io;
	struct ks_stream_header *h;
	u32 count;
};

/* Fill headers while data is queued; stop after an end of stream. */
static ssize_t take_headers(struct ks_stream *q, void *arg)
{
	struct ks_header_buf *hb = arg;
	bool eos = false;
	int ret = 0;
	u32 i;

	lockdep_assert_held(&q->lock);
	for (i = 0; i < hb->count && !eos; i++) {
		ret = take_header(q, hb->io, &hb->h[i], &eos);
		if (ret <= 0)
			break;
	}
	if (i)
		return i;
	return ret ? ret : -EAGAIN;
}

/*
 * KS_IOCTL_WRITE_STREAM and READ_STREAM (the format is in uapi/linux/ks.h):
 * the buffers, then the headers, copied once.  READ_STREAM writes the
 * headers back to `out`, or to `in` when out_size is 0.  Returns 0 with
 * `returned` set, or an error; `returned` is written on every outcome after
 * the buffers were read.
 */
static long stream_ioctl(struct ks_pin *pin, struct file *file,
			 struct ks_ioctl_buffers __user *uio, bool write)
{
	struct ks_header_buf hb;
	struct ks_ioctl_buffers io;
	struct ks_io checked;
	u32 returned = 0;
	u64 out;
	long ret;

	if (copy_from_user(&io, uio, sizeof(io)))
		return -EFAULT;
	/* An ioctl is not checked against the open mode by the VFS. */
	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	ret = io_start(pin, write ? KSPIN_DATAFLOW_IN : KSPIN_DATAFLOW_OUT);
	if (ret)
		return ret;
	if (io.reserved || !io.in_size || io.in_size % sizeof(*hb.h) ||
	    io.in_size > KS_STREAM_HEADERS_MAX * sizeof(*hb.h))
		return -EINVAL;
	out = io.out_size ? io.out : io.in;
	if (!write && io.out_size && io.out_size < io.in_size) {
		returned = io.in_size;
		ret = -EOVERFLOW;
		goto out;
	}
	hb.h = memdup_user(u64_to_user_ptr(io.in), io.in_size);
	if (IS_ERR(hb.h))
		return PTR_ERR(hb.h);
	hb.count = io.in_size / sizeof(*hb.h);
	io_begin(&pin->stream, &checked);
	hb.io = &checked;
	ret = check_headers(&checked, hb.h, hb.count, write);
	if (ret)
		goto out_free;
	if (write)
		ret = write_headers(pin, &checked, hb.h, hb.count,
				    file->f_flags & O_NONBLOCK);
	else
		ret = read_loop(pin, &checked, file->f_flags & O_NONBLOCK,
				take_headers, &hb);
	if (ret <= 0)
		goto out_free;
	returned = ret * sizeof(*hb.h);
	ret = 0;
	if (!write && copy_to_user(u64_to_user_ptr(out), hb.h, returned))
		ret = -EFAULT;
out_free:
	kfree(hb.h);
out:
	if (put_user(returned, &uio->returned))
		ret = -EFAULT;
	return ret;
}

/* The provider's side of a reset; the filter is entered. */
static void reset_provider(struct ks_pin *pin, u32 how)
{
	const struct ks_pin_ops *ops;

	if (ks_filter_enter(pin->filter))
		return;
	ops = pin->desc->ops;
	if (ops && ops->reset)
		ops->reset(pin, how);
	ks_filter_leave(pin->filter);
}

/* KS_IOCTL_RESET_STATE: BEGIN flushes and fails calls until END. */
static long reset_state(struct ks_pin *pin, u32 __user *arg)
{
	struct ks_stream *q = &pin->stream;
	u32 how;

	if (get_user(how, arg))
		return -EFAULT;
	if (how != KSRESET_BEGIN && how != KSRESET_END)
		return -EINVAL;
	mutex_lock(&q->lock);
	if (how == KSRESET_BEGIN) {
		ks_queue_flush(q);
		q->resets++;
	}
	WRITE_ONCE(q->resetting, how == KSRESET_BEGIN);
	mutex_unlock(&q->lock);
	ks_stream_wake(pin);
	reset_provider(pin, how);
	ks_link_kick_both(pin);
	return 0;
}

long ks_stream_ioctl(struct ks_pin *pin, struct file *file, unsigned int cmd,
		     void __user *arg)
{
	switch (cmd) {
	case KS_IOCTL_WRITE_STREAM:
		return stream_ioctl(pin, file, arg, true);
	case KS_IOCTL_READ_STREAM:
		return stream_ioctl(pin, file, arg, false);
	case KS_IOCTL_RESET_STATE:
		return reset_state(pin, arg);
	}
	return -ENOTTY;
}

/* ---- state, poll, fdinfo ---- */

__poll_t ks_stream_poll(struct ks_pin *pin)
{
	if (READ_ONCE(pin->filter->dead))
		return EPOLLERR | EPOLLHUP;
	if (READ_ONCE(pin->stream.resetting))
		return EPOLLERR;
	/* A connected pin's data is its peer's: nothing for the user. */
	if (ks_pin_connected(pin))
		return 0;
	if (pin->dataflow == KSPIN_DATAFLOW_OUT)
		return readable(pin) ? EPOLLIN | EPOLLRDNORM : 0;
	if (READ_ONCE(pin->state) >= KSSTATE_PAUSE &&
	    READ_ONCE(pin->stream.size) &&
	    writable(pin, READ_ONCE(pin->stream.frame), 0))
		return EPOLLOUT | EPOLLWRNORM;
	return 0;
}

void ks_stream_show_fdinfo(struct seq_file *m, struct ks_pin *pin)
{
	struct ks_stream *q = &pin->stream;

	mutex_lock(&q->lock);
	seq_printf(m, "ks-stream:\t%s\n",
		   q->rt ? "wavert" : q->looped ? "looped" : "streaming");
	seq_printf(m, "ks-buffer:\t%u\n", q->size);
	seq_printf(m, "ks-frame:\t%u\n", q->frame);
	seq_printf(m, "ks-queued:\t%u\n", ks_queue_used(q));
	seq_printf(m, "ks-packets:\t%u\n", q->pkt_head - q->pkt_tail);
	seq_printf(m, "ks-position:\tplay %llu write %llu\n", q->tail, q->head);
	seq_printf(m, "ks-bytes-in:\t%llu\n", q->bytes_in);
	seq_printf(m, "ks-bytes-out:\t%llu\n", q->bytes_out);
	seq_printf(m, "ks-bytes-dropped:\t%llu\n", q->dropped);
	seq_printf(m, "%s:\t%llu %llu\n",
		   pin->dataflow == KSPIN_DATAFLOW_IN ? "ks-underruns" :
							"ks-overruns",
		   q->xruns, q->xrun_frames);
	seq_printf(m, "ks-reset:\t%s\n", q->resetting ? "begun" : "no");
	/* Its own list, under its own lock: this is a snapshot. */
	seq_printf(m, "ks-events:\t%u\n", READ_ONCE(q->events.count));
	mutex_unlock(&q->lock);
}
