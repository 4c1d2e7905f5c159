// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: a pin's queue (SPEC 7).  stream.c is the user side of this
 * queue and queue_ops.c the providers'; nothing here calls either.
 */

/**
 * DOC: The queue
 *
 * Every pin has a queue (struct ks_stream): a cyclic byte buffer and a
 * small ring of packets.  For a dataflow IN pin the user fills it
 * (write(2), KS_IOCTL_WRITE_STREAM, or mmap and the POSITION property:
 * stream.c) and the provider empties it; for an OUT pin the provider fills
 * it and the user empties it.  The provider learns that there is data, or
 * room, from its process() callback, and moves data with the
 * ks_pin_queue_*() helpers (queue_ops.c): the core knows nothing of what a
 * filter does with the data.
 *
 * Behaviours the contract leaves open, chosen here (the user side's are in
 * stream.c, "Streaming on a pin fd"):
 *  - A frame is the format's block_align for a WAVEFORMATEX format, else
 *    its sample_size, else one byte.  All data moves in whole frames.
 *  - The buffer holds 100 ms of audio (avg_bytes_per_sec / 10), at least
 *    64 KiB and at most 4 MiB, in whole frames; other formats get 64 KiB.
 *    The user may choose its size instead (BUFFER set, 64 KiB to 4 MiB)
 *    until the pin first leaves STOP: a throughput chain wants deep
 *    queues, a live one short ones.
 *    It is allocated when the pin first leaves STOP (at creation for a
 *    LOOPED_STREAMING pin, which may be mapped), charged to the memory
 *    cgroup of the task that does so (ENOMEM beyond its memory.max, and
 *    the pin stays in STOP or is not created), and kept for the pin's
 *    life; a format set later keeps the allocation, in whole frames of the
 *    new format, and discards what was queued.  A frame larger than
 *    the buffer: reads and writes EINVAL.
 *  - STOP discards the queue and restarts the positions at 0.
 */

/*
 * Locks: stream->lock is placed in "DOC: Locking" in filter.h.  No
 * ksfilter lock is taken under mmap_lock: mmap needs none, since the
 * buffer is fixed for the pin's life, and no fault handler of ours exists
 * (the mapping is populated at mmap time).  The provider's process() is
 * called with the filter entered and no other lock of ours held.
 */

/**
 * DOC: Copies without the lock
 *
 * The helpers that produce into a queue or move between queues
 * (ks_pin_queue_produce(), _write(), _move(), _transform(), queue_ops.c)
 * copy without the queues' locks, so that a queue's producer and its taker
 * copy at the same time, each on its own side of the buffer, and a chain
 * of filters works as a pipeline.  Under the lock such a helper reserves a
 * step, at most KS_STREAM_STEP bytes and half the buffer (step_of()): room
 * at the head (stream->producing) or data at the tail (stream->taking),
 * and notes the buffer's geometry and the side's sequence number.  It
 * copies, takes the lock again and commits: the head or the tail moves on,
 * unless something else moved it meanwhile (a discard, a reset, STOP, a
 * new format, POSITION all count in head_seq or tail_seq), in which case
 * the copy is void and nothing of it is seen; a void production counts as
 * queued and discarded, as the discard would have done.  While a side is
 * reserved, every other producer sees no room and every other taker no
 * data (they wait, or get 0, and are woken by the commit), so two copies
 * never overlap.  A take made void goes on reading what was its data,
 * which became room when the tail moved: until it ends no producer gets
 * any room (stream->take_void), and its end tells the producers.  The
 * buffer itself stays for the pin's life, and the pins stay while their
 * helper runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "format.h"
#include "link.h"
#include "pin.h"
#include "queue_internal.h"

/* The buffer holds 1/KS_STREAM_PER_SEC second of audio. */
#define KS_STREAM_PER_SEC	10

/* ---- sizes ---- */

static const struct ks_waveformatex *wave_of(const struct ks_dataformat *fmt)
{
	static const struct ks_guid wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
	const struct ks_dataformat_waveformatex *wf = (const void *)fmt;

	/* The checks at creation made sure a WAVEFORMATEX specifier fits. */
	if (!ks_guid_equal(&fmt->specifier, &wave) ||
	    fmt->format_size < sizeof(*wf))
		return NULL;
	return &wf->wave_format;
}

static u32 frame_of(const struct ks_dataformat *fmt,
		    const struct ks_waveformatex *wf)
{
	if (wf && wf->block_align)
		return wf->block_align;
	return fmt->sample_size ? fmt->sample_size : 1;
}

static u32 wanted_bytes(const struct ks_waveformatex *wf)
{
	u32 bytes = wf ? wf->avg_bytes_per_sec / KS_STREAM_PER_SEC : 0;

	return clamp_t(u32, bytes, KS_STREAM_MIN_BYTES, KS_STREAM_MAX_BYTES);
}

/*
 * Whole frames of the allocation; nothing when a frame does not fit.  @wf
 * is wave_of(@fmt), which the callers look up once: a creation is mostly
 * calls, and each costs about as much as the work of these helpers.
 */
static __always_inline void size_from(struct ks_stream *q,
				      const struct ks_dataformat *fmt,
				      const struct ks_waveformatex *wf)
{
	q->frame = frame_of(fmt, wf);
	q->size = rounddown(q->map_size, q->frame);
	/* A clock's rate (event.c): a format without one has no clock. */
	ks_events_set_rate(&q->events, wf ? wf->avg_bytes_per_sec : 0);
}

static void buf_free(struct ks_stream *q)
{
	unsigned int i;

	if (q->buf)
		vunmap(q->buf);
	for (i = 0; q->pages && i < q->map_size >> PAGE_SHIFT && q->pages[i]; i++)
		__free_page(q->pages[i]);
	kfree(q->pages);
	kfree(q->pkt);
	q->pages = NULL;
	q->buf = NULL;
	q->pkt = NULL;
}

/*
 * Zeroed pages (a mapping never shows earlier kernel data), mapped with
 * VM_USERMAP so that mmap can hand them out with remap_vmalloc_range().
 * Not vmalloc_user(): its failure prints the allocator's warning, and a
 * pin that cannot be created for want of memory is the caller's ENOMEM,
 * not a kernel problem.
 *
 * The pages, their array and the packet ring are charged to the memory
 * cgroup of the task that allocates them: the pin's creator for a
 * LOOPED_STREAMING pin, else whoever first takes the pin out of STOP.
 * Beyond the cgroup's memory.max, or the system's memory,
 * __GFP_RETRY_MAYFAIL makes an allocation fail after reclaim instead of
 * calling the OOM killer, as it would for order-0 pages: the caller gets
 * ENOMEM and nothing is killed.  What vmap() allocates itself (the area,
 * and about a page table per 2 MiB of buffer) is not charged; a mapping
 * charges its page tables to the mapping task, never the pages again.
 */
static int buf_alloc(struct ks_stream *q)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
			  __GFP_NOWARN;
	unsigned int i, n = q->map_size >> PAGE_SHIFT;

	q->pkt = kcalloc(KS_STREAM_PACKETS, sizeof(*q->pkt), gfp);
	q->pages = kcalloc(n, sizeof(*q->pages), gfp);
	if (!q->pkt || !q->pages)
		goto err;
	for (i = 0; i < n; i++) {
		q->pages[i] = alloc_page(gfp | __GFP_ZERO);
		if (!q->pages[i])
			goto err;
	}
	q->buf = vmap(q->pages, n, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	if (!q->buf)
		goto err;
	return 0;

err:
	buf_free(q);
	return -ENOMEM;
}

/*
 * A LOOPED_STREAMING pin's register page (WaveRT's position and clock
 * registers, mapped read-only by stream_map.c): a page of its own, since
 * a mapping hands out whole pages, charged as the buffer is.
 */
static int regs_alloc(struct ks_stream *q)
{
	q->regs_page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
				  __GFP_NOWARN | __GFP_ZERO);
	if (!q->regs_page)
		return -ENOMEM;
	q->regs = page_address(q->regs_page);
	return 0;
}

/*
 * The buffer of a STREAMING pin is allocated when the pin leaves STOP
 * (ks_stream_acquire()): KSSTATE_ACQUIRE is where KS pins acquire their
 * resources, and creating and closing a pin stays cheap.  A LOOPED_STREAMING
 * pin may be mapped in any state, and mmap cannot allocate (it runs under
 * mmap_lock, which user copies take under stream->lock), so its buffer is
 * allocated here, before its fd exists.
 */
int ks_stream_init(struct ks_stream *q, const struct ks_dataformat *fmt,
		   bool looped)
{
	const struct ks_waveformatex *wf = wave_of(fmt);
	int ret;

	q->map_size = PAGE_ALIGN(wanted_bytes(wf));
	if (looped) {
		ret = buf_alloc(q);
		if (ret)
			return ret;
		ret = regs_alloc(q);
		if (ret) {
			buf_free(q);
			return ret;
		}
	}
	mutex_init(&q->lock);
	ks_events_init(&q->events);
	q->looped = looped;
	size_from(q, fmt, wf);
	return 0;
}

int ks_stream_acquire(struct ks_stream *q)
{
	int ret = 0;

	mutex_lock(&q->lock);
	if (!q->buf)
		ret = buf_alloc(q);
	mutex_unlock(&q->lock);
	return ret;
}

void ks_stream_destroy(struct ks_stream *q)
{
	ks_events_close(&q->events);
	mutex_destroy(&q->lock);
	/*
	 * A mapping still open holds its own references on the pages.  A
	 * STREAMING pin that never left STOP has none.
	 */
	if (q->pages || q->pkt)
		buf_free(q);
	if (q->regs_page)
		__free_page(q->regs_page);
}

/* ---- packets ---- */

/* A packet (or, with @length 0, an end-of-stream mark) at the head. */
struct ks_stream_packet *ks_queue_pkt_add(struct ks_stream *q, u32 length)
{
	struct ks_stream_packet *p = &q->pkt[q->pkt_head % KS_STREAM_PACKETS];

	memset(p, 0, sizeof(*p));
	p->start = q->head;
	p->length = length;
	WRITE_ONCE(q->pkt_head, q->pkt_head + 1);
	return p;
}

/*
 * Forget the packets behind the tail: those all taken, and marks that
 * something skipped (a mark at the tail is the reader's to see).
 */
static void pkt_trim(struct ks_stream *q)
{
	struct ks_stream_packet *p;

	while ((p = ks_queue_pkt_oldest(q))) {
		if (p->length ? p->start + p->length > q->tail :
				p->start >= q->tail)
			break;
		ks_queue_pkt_drop(q);
	}
}

void ks_queue_next_chunk(struct ks_stream *q, struct ks_chunk *c)
{
	struct ks_stream_packet *p;
	u32 avail = ks_queue_used(q);

	c->meta = NULL;
	c->eos = false;
	c->len = 0;
	while ((p = ks_queue_pkt_oldest(q)) && !p->length && p->start == q->tail) {
		/* Told once; and again while nothing follows. */
		if (!avail || !p->seen) {
			c->eos = true;
			return;
		}
		ks_queue_pkt_drop(q);
	}
	if (p && p->start > q->tail) {
		avail = min_t(u64, avail, p->start - q->tail);
	} else if (p) {
		avail = min_t(u64, avail, p->start + p->length - q->tail);
		if (p->start == q->tail)
			c->meta = p;
	}
	c->len = avail;
}

/* The reader has been told about the mark at the tail. */
void ks_queue_take_eos(struct ks_stream *q)
{
	struct ks_stream_packet *p = ks_queue_pkt_oldest(q);

	if (!p->seen)
		ks_events_signal(&q->events, KS_EVENT_END_OF_STREAM);
	p->seen = true;
	if (ks_queue_used(q))
		ks_queue_pkt_drop(q);
}

/* ---- moving the offsets ---- */

/*
 * The register page says where the device is: its place in the cyclic
 * buffer, the running count and the time, in one sequence (uapi ks.h,
 * struct ks_rtaudio_registers).  Under the queue's lock: one writer.
 */
static void regs_write(struct ks_stream *q, u64 position)
{
	struct ks_rtaudio_registers *r = q->regs;
	u32 rem = 0;

	if (!r)
		return;
	if (q->size)
		div_u64_rem(position, q->size, &rem);
	WRITE_ONCE(r->sequence, r->sequence + 1);
	smp_wmb();	/* an odd sequence before the fields */
	WRITE_ONCE(r->position, rem);
	WRITE_ONCE(r->bytes, position);
	WRITE_ONCE(r->clock, div_u64(ktime_get_ns(), 100));
	smp_wmb();	/* the fields before an even sequence */
	WRITE_ONCE(r->sequence, r->sequence + 1);
}

/* The device's position moved from @from to @to: who follows it hears. */
void ks_queue_device_moved(struct ks_stream *q, u64 from, u64 to)
{
	regs_write(q, to);
	ks_events_position(&q->events, from, to, q->size);
}

/*
 * WaveRT: the device never waits for the client.  An IN pin's device has
 * the whole buffer to play, always: the head stays a buffer ahead of the
 * tail.  An OUT pin's has all of it to record into: the tail follows the
 * head, over whatever the client has not read, packets and all.
 */
static void rt_keep(struct ks_stream *q)
{
	if (!q->rt)
		return;
	if (q->device_head) {
		WRITE_ONCE(q->tail, q->head);
		WRITE_ONCE(q->pkt_tail, q->pkt_head);
	} else {
		WRITE_ONCE(q->head, q->tail + q->size);
	}
}

/* Out of WaveRT: a new format, whose frames its buffer was not made for. */
static void rt_end(struct ks_stream *q)
{
	WRITE_ONCE(q->rt, false);
	q->rt_notify = 0;
	ks_events_set_notify(&q->events, 0, 0);
}

void ks_queue_rt_start(struct ks_stream *q, u32 size, u32 notify)
{
	lockdep_assert_held(&q->lock);
	q->size = size;
	q->rt_notify = notify;
	ks_events_set_notify(&q->events, notify,
			     notify == 2 ? rounddown(size / 2, q->frame) : 0);
	WRITE_ONCE(q->rt, true);
	rt_keep(q);
	regs_write(q, ks_stream_device_position(q));
}

void ks_queue_advance_head(struct ks_stream *q, u32 n)
{
	WRITE_ONCE(q->head, q->head + n);
	q->bytes_in += n;
	if (q->device_head)
		ks_queue_device_moved(q, q->head - n, q->head);
	rt_keep(q);
}

void ks_queue_advance_tail(struct ks_stream *q, u32 n)
{
	WRITE_ONCE(q->tail, q->tail + n);
	q->bytes_out += n;
	pkt_trim(q);
	if (!q->device_head)
		ks_queue_device_moved(q, q->tail - n, q->tail);
	rt_keep(q);
}

/* A mark at the tail reached the queue's consumer (not the reader's). */
void ks_queue_mark_taken(struct ks_stream *q, const struct ks_stream_packet *p)
{
	/* A reader that was told of it has had its signal. */
	if (!p->seen && (p->flags & KS_STREAM_EOS))
		ks_events_signal(&q->events, KS_EVENT_END_OF_STREAM);
}

/* A consumer takes everything queued, marks too (a provider's discard). */
void ks_queue_take_marks(struct ks_stream *q)
{
	unsigned int i;

	for (i = q->pkt_tail; i != q->pkt_head; i++)
		if (!q->pkt[i % KS_STREAM_PACKETS].length)
			ks_queue_mark_taken(q, &q->pkt[i % KS_STREAM_PACKETS]);
}

/* A packet queued with @flags: tell of a discontinuity it carries. */
void ks_queue_pkt_flagged(struct ks_stream *q, u32 flags)
{
	if (flags & KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY)
		ks_events_signal(&q->events, KS_EVENT_DISCONTINUITY);
}

/*
 * The tail moves other than by a take: a take in flight is void, and what
 * it still reads is room now, held back from producers until it ends.
 */
void ks_queue_tail_moved(struct ks_stream *q)
{
	q->tail_seq++;
	if (q->taking)
		WRITE_ONCE(q->take_void, true);
}

void ks_queue_flush(struct ks_stream *q)
{
	/* A WaveRT IN pin's buffer is the device's: nothing to discard. */
	if (q->rt && !q->device_head)
		return;
	q->dropped += ks_queue_used(q);
	WRITE_ONCE(q->tail, q->head);
	WRITE_ONCE(q->pkt_tail, q->pkt_head);
	ks_queue_tail_moved(q);
}

/* Reserve @n bytes at the tail for a copy without the lock (see the top). */
void ks_queue_take_reserve(struct ks_stream *q, struct ks_span *s, u32 n)
{
	q->taking = true;
	ks_queue_span_set(s, q, q->tail, n, q->tail_seq);
}

/* The copy is over: whether it was void, and so held back room. */
bool ks_queue_take_release(struct ks_stream *q)
{
	bool held = q->take_void;

	q->taking = false;
	WRITE_ONCE(q->take_void, false);
	return held;
}

void ks_stream_set_format(struct ks_stream *q, const struct ks_dataformat *fmt)
{
	const struct ks_waveformatex *wf = wave_of(fmt);

	mutex_lock(&q->lock);
	/* Nothing may stay in the old frames (a provider may have queued). */
	ks_queue_flush(q);
	q->head_seq++;
	q->stops++;
	/* Not allocated yet: sized for the new format, unless set (BUFFER). */
	if (!q->buf && !q->sized)
		q->map_size = PAGE_ALIGN(wanted_bytes(wf));
	size_from(q, fmt, wf);
	/* A WaveRT buffer was made for the old frames: ask for a new one. */
	rt_end(q);
	mutex_unlock(&q->lock);
}

/* ---- waking, and the state ---- */

void ks_queue_wake(struct ks_pin *pin)
{
	if (wq_has_sleeper(&pin->wait))
		wake_up_interruptible_all(&pin->wait);
}

void ks_stream_wake(struct ks_pin *pin)
{
	wake_up_interruptible_all(&pin->wait);
}

/*
 * Is it worth telling @q's producer that there is room?  Only once half
 * the buffer is free (a frame, if that is more): a producer then fills in
 * long runs, and the stages of a chain wake each other once per half a
 * buffer rather than once per read.  Nothing waits for less: an empty
 * queue has all its room, and whoever takes from it takes until it is
 * empty or its own destination is full.  A hint, read without the lock.
 */
bool ks_queue_worth_refilling(const struct ks_stream *q)
{
	u32 size = READ_ONCE(q->size);
	u32 held = READ_ONCE(q->head) - READ_ONCE(q->tail);

	return held > size || size - held >= max(size / 2, READ_ONCE(q->frame));
}

void ks_stream_state_changed(struct ks_pin *pin, unsigned int state)
{
	struct ks_stream *q = &pin->stream;

	lockdep_assert_held(&pin->lock);
	if (state == KSSTATE_STOP) {
		mutex_lock(&q->lock);
		ks_queue_flush(q);
		/* A stream's positions count from its start. */
		q->head_seq++;
		q->stops++;
		WRITE_ONCE(q->head, 0);
		WRITE_ONCE(q->tail, 0);
		WRITE_ONCE(q->pkt_head, 0);
		WRITE_ONCE(q->pkt_tail, 0);
		rt_keep(q);
		regs_write(q, 0);
		mutex_unlock(&q->lock);
	}
	/* Blocked calls recheck: data may move now, or fail with EBADFD. */
	ks_stream_wake(pin);
	ks_link_kick_both(pin);
}
