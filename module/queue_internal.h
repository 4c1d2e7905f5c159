/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: what the user side of a pin's queue (stream.c) and the
 * providers' helpers (queue_ops.c) share with the queue itself (queue.c).
 * Internal: providers see include/linux/ksfilter.h, the rest of the module
 * queue.h.
 */
#ifndef _KS_QUEUE_INTERNAL_H
#define _KS_QUEUE_INTERNAL_H

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include "queue.h"

#define KS_STREAM_MIN_BYTES	SZ_64K
#define KS_STREAM_MAX_BYTES	SZ_4M
#define KS_STREAM_EOS		KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM

/*
 * A side of a queue reserved for a copy without its lock: where the copy
 * goes in the buffer as it was, and what must not have changed for it to
 * count (queue.c, "Copies without the lock").
 */
struct ks_span {
	u8 *buf;
	u32 size;
	u64 off;
	u32 len;
	unsigned int seq;
};

/**
 * struct ks_chunk - the next piece a reader may take
 * @len: bytes up to the next packet boundary
 * @meta: the packet starting at the tail, whose metadata goes with it
 * @eos: an end-of-stream mark the reader must be told about is at the tail
 */
struct ks_chunk {
	u32 len;
	const struct ks_stream_packet *meta;
	bool eos;
};

/* ---- the cyclic buffer ---- */

static inline u32 ks_queue_used(const struct ks_stream *q)
{
	return q->head - q->tail;
}

/*
 * Room in whole frames: size and used are whole frames.  None while a
 * producer copies into the room, nor while a void take still copies out of
 * it (queue.c, "Copies without the lock").
 */
static inline u32 ks_queue_space(const struct ks_stream *q)
{
	if (!q->buf || q->producing || q->take_void)
		return 0;
	return q->size - ks_queue_used(q);
}

/* A cyclic buffer of @size bytes at stream offset @off; the run of @len. */
static inline u8 *ks_queue_buf_at(u8 *buf, u32 size, u64 off, size_t len,
				  size_t *run)
{
	u32 pos;

	div_u64_rem(off, size, &pos);
	*run = min_t(size_t, len, size - pos);
	return buf + pos;
}

static inline void ks_queue_span_set(struct ks_span *s,
				     const struct ks_stream *q, u64 off,
				     u32 len, unsigned int seq)
{
	s->buf = q->buf;
	s->size = q->size;
	s->off = off;
	s->len = len;
	s->seq = seq;
}

/* The span at @done bytes into it, and how much of @len is contiguous. */
static inline u8 *ks_queue_span_at(const struct ks_span *s, u32 done,
				   size_t len, size_t *run)
{
	return ks_queue_buf_at(s->buf, s->size, s->off + done, len, run);
}

/* ---- packets ---- */

static inline struct ks_stream_packet *ks_queue_pkt_oldest(struct ks_stream *q)
{
	if (q->pkt_tail == q->pkt_head)
		return NULL;
	return &q->pkt[q->pkt_tail % KS_STREAM_PACKETS];
}

static inline unsigned int ks_queue_pkt_room(const struct ks_stream *q)
{
	/* No buffer yet (STOP): no room for anything. */
	return q->pkt ? KS_STREAM_PACKETS - (q->pkt_head - q->pkt_tail) : 0;
}

static inline void ks_queue_pkt_drop(struct ks_stream *q)
{
	WRITE_ONCE(q->pkt_tail, q->pkt_tail + 1);
}

struct ks_stream_packet *ks_queue_pkt_add(struct ks_stream *q, u32 length);
void ks_queue_next_chunk(struct ks_stream *q, struct ks_chunk *c);
void ks_queue_take_eos(struct ks_stream *q);

/* ---- moving the offsets ---- */

void ks_queue_advance_head(struct ks_stream *q, u32 n);
void ks_queue_advance_tail(struct ks_stream *q, u32 n);
void ks_queue_mark_taken(struct ks_stream *q, const struct ks_stream_packet *p);
void ks_queue_pkt_flagged(struct ks_stream *q, u32 flags);
void ks_queue_take_marks(struct ks_stream *q);
void ks_queue_tail_moved(struct ks_stream *q);
void ks_queue_flush(struct ks_stream *q);
void ks_queue_take_reserve(struct ks_stream *q, struct ks_span *s, u32 n);
bool ks_queue_take_release(struct ks_stream *q);

/* ---- waking ---- */

void ks_queue_wake(struct ks_pin *pin);
bool ks_queue_worth_refilling(const struct ks_stream *q);

#endif /* _KS_QUEUE_INTERNAL_H */
