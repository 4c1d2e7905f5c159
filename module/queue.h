/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: a pin's queue of frames, the object under its stream: what a
 * pin embeds and what the rest of the core does with it (queue.c, the
 * providers' helpers and connected pins in queue_ops.c).  The queue's
 * rules are its DOC: sections; locks in filter.h.
 */
#ifndef _KS_QUEUE_H
#define _KS_QUEUE_H

#include <linux/mutex.h>

#include "event.h"
#include <linux/types.h>
#include <linux/ks.h>

struct ks_pin;

/* Packets (stream-header metadata) a queue holds at once; a power of 2. */
#define KS_STREAM_PACKETS	64

/**
 * struct ks_stream_packet - what a written stream header said about its data
 * @start: stream offset of its first byte
 * @length: bytes; 0 for an end-of-stream mark
 * @flags: the KSSTREAM_HEADER_OPTIONSF_* it carries
 * @type_specific_flags: as written
 * @seen: an end-of-stream mark a reader has been told about
 * @time: presentation time, as written
 * @duration: as written
 */
struct ks_stream_packet {
	u64 start;
	u32 length;
	u32 flags;
	u32 type_specific_flags;
	bool seen;
	struct ks_time time;
	s64 duration;
};

/**
 * struct ks_stream - a pin's queue: a cyclic byte buffer and its packets
 * @lock: protects everything below; @pages, @buf, @map_size and @looped
 *	are fixed for the pin's life once the buffer is allocated
 * @pages: the buffer's pages
 * @buf: the cyclic buffer, @pages mapped for mmap (VM_USERMAP), @map_size
 *	bytes
 * @map_size: bytes allocated, page aligned
 * @looped: created with KSINTERFACE_STANDARD_LOOPED_STREAMING: mmap(2)
 * @sized: @map_size was set by the user (BUFFER), not from the format
 * @size: the cyclic buffer's size in use, whole frames, at most @map_size;
 *	0 when a frame does not fit
 * @frame: bytes of a frame, at least 1
 * @resetting: between KSRESET_BEGIN and KSRESET_END
 * @producing: a producer has reserved the room at @head and is copying
 *	into it without @lock (queue.c, "Copies without the lock")
 * @taking: a taker has reserved the data at @tail likewise
 * @take_void: the data @taking reserved went meanwhile (a discard, a reset,
 *	STOP, a new format, POSITION): the taker's copy, which will not
 *	count, still reads the buffer, so no producer may have any room
 *	until it ends (queue.c, "Copies without the lock")
 * @stops: times the queue went to STOP or took a new format: a read or
 *	write that began before fails with EBADFD (stream.c, "Waiting")
 * @resets: times a reset began: such a call fails with ECANCELED
 * @head_seq: counts moves of @head that were not a producer's own (STOP,
 *	a new format, POSITION): a reservation made before one is void
 * @tail_seq: the same for @tail (discards, resets, STOP, POSITION)
 * @head: stream offset where the next byte goes (write_offset)
 * @tail: stream offset of the next byte to take (play_offset)
 * @pkt_head: running index of the next packet slot to fill
 * @pkt_tail: running index of the oldest packet
 * @bytes_in: bytes ever queued
 * @bytes_out: bytes ever taken out by a reader or a provider
 * @dropped: bytes ever discarded (reset, STOP, or by the provider)
 * @xruns: the provider's ks_pin_count_xrun() calls: the times a clocked
 *	device found an IN pin's queue empty (underruns) or an OUT pin's full
 *	(overruns)
 * @xrun_frames: the frames those times missed
 * @device_head: the device's position (a LOOPEDSTREAMING POSITION event's)
 *	is @head, as on an OUT pin, whose filter produces; else @tail, as on
 *	an IN pin, whose filter consumes
 * @events: the events enabled on the pin (event.c)
 * @rt_offered: a LOOPED_STREAMING pin whose provider offers WaveRT
 *	(struct ks_pin_ops.wavert), fixed at creation
 * @rt: the pin streams WaveRT (wavert.c): the device never waits for the
 *	client, an IN pin's queue is kept full and an OUT pin's empty
 * @rt_notify: notification points a cycle signals (0, 1 or 2)
 * @regs_page: a LOOPED_STREAMING pin's register page (WaveRT's position
 *	and clock registers), mapped read-only
 * @regs: @regs_page's address
 * @pkt: the packets, in stream order
 *
 * @head, @tail, @pkt_head, @pkt_tail, @resetting, @producing, @taking
 * and @take_void
 * are written under @lock and read without it, with READ_ONCE(), only to
 * decide whether to wait; whatever is decided on them is checked again
 * under @lock.
 */
struct ks_stream {
	struct mutex lock;	/* all but pages, buf, map_size, looped */
	struct page **pages;
	u8 *buf;
	u32 map_size;
	bool looped;
	bool sized;
	u32 size;
	u32 frame;
	bool resetting;
	bool producing;
	bool taking;
	bool take_void;
	unsigned int stops;
	unsigned int resets;
	unsigned int head_seq;
	unsigned int tail_seq;
	u64 head;
	u64 tail;
	unsigned int pkt_head;
	unsigned int pkt_tail;
	u64 bytes_in;
	u64 bytes_out;
	u64 dropped;
	u64 xruns;
	u64 xrun_frames;
	bool device_head;
	struct ks_events events;
	bool rt_offered;
	bool rt;
	u32 rt_notify;
	struct page *regs_page;
	struct ks_rtaudio_registers *regs;
	struct ks_stream_packet *pkt;	/* KS_STREAM_PACKETS, with the buffer */
};

/* Where the pin's filter is in the stream (struct ks_stream.device_head). */
static inline u64 ks_stream_device_position(const struct ks_stream *q)
{
	return q->device_head ? READ_ONCE(q->head) : READ_ONCE(q->tail);
}

/*
 * WaveRT from now on (wavert.c; KSSTATE_STOP, the queue's lock held): a
 * cycle of @size bytes, whole frames within the allocation, and @notify
 * notification points in it (0, 1 or 2).  A new format ends it.
 */
void ks_queue_rt_start(struct ks_stream *q, u32 size, u32 notify);
/* The device's position moved from @from to @to (the queue's lock held). */
void ks_queue_device_moved(struct ks_stream *q, u64 from, u64 to);

/* The queue of a new pin, sized from its format at creation.  0 or -ENOMEM. */
int ks_stream_init(struct ks_stream *q, const struct ks_dataformat *fmt,
		   bool looped);
void ks_stream_destroy(struct ks_stream *q);
/* STOP -> ACQUIRE: allocate the buffer if it is not there yet. */
int ks_stream_acquire(struct ks_stream *q);

/* A new format (pin->lock held, KSSTATE_STOP): frame and size follow it. */
void ks_stream_set_format(struct ks_stream *q, const struct ks_dataformat *fmt);

/* The pin has just stepped to @state (pin->lock held). */
void ks_stream_state_changed(struct ks_pin *pin, unsigned int state);

/* The filter was unregistered, or the pin closed: wake every waiter. */
void ks_stream_wake(struct ks_pin *pin);

/*
 * A connection whose IN pin @in is in a reset (link.c): nobody may have
 * what @out queued, so it goes.  Returns whether anything went; kicks no
 * connection.
 */
bool ks_stream_link_drop(struct ks_pin *out, struct ks_pin *in);

#endif /* _KS_QUEUE_H */
