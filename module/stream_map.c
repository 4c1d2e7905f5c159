// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: a LOOPED_STREAMING pin's mapped buffer: mmap(2), and the
 * backends of KSPROPSETID_KSFILTER_STREAM (POSITION, BUFFER) that
 * property_pin.c answers.  The user side of streaming, as stream.c, on
 * the queue of queue.c; nothing there calls back here.  Locks: see "DOC:
 * Locking" in filter.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "filter.h"
#include "pin.h"
#include "queue_internal.h"
#include "stream.h"

/* ---- mmap ---- */

/*
 * The register page: one page, read-only for good (no mprotect(2) to
 * write), of a pin whose provider offers WaveRT.  vm_insert_page() takes
 * a reference of its own on the page, as remap_vmalloc_range() does on
 * the buffer's.
 */
static int map_registers(struct ks_pin *pin, struct vm_area_struct *vma)
{
	if (!ks_wavert_offered(pin))
		return -ENODEV;
	if (vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vm_flags_clear(vma, VM_MAYWRITE);
	return vm_insert_page(vma, vma->vm_start, pin->stream.regs_page);
}

int ks_stream_mmap(struct ks_pin *pin, struct vm_area_struct *vma)
{
	struct ks_stream *q = &pin->stream;

	if (READ_ONCE(pin->filter->dead))
		return -ENODEV;
	if (!q->looped)
		return -ENODEV;
	if (vma->vm_pgoff == KS_RTAUDIO_REGISTERS_OFFSET >> PAGE_SHIFT)
		return map_registers(pin, vma);
	if (vma->vm_pgoff >= q->map_size >> PAGE_SHIFT)
		return -EINVAL;
	/* Checks the length; fixed buffer: no lock (see queue.c). */
	return remap_vmalloc_range(vma, q->buf, vma->vm_pgoff);
}

/* ---- KSPROPSETID_KSFILTER_STREAM ---- */

void ks_stream_get_position(struct ks_pin *pin, struct ks_audio_position *pos)
{
	struct ks_stream *q = &pin->stream;

	mutex_lock(&q->lock);
	pos->play_offset = q->tail;
	pos->write_offset = q->head;
	mutex_unlock(&q->lock);
}

/* The client wrote bytes into its mapping, up to @off. */
static int set_write_offset(struct ks_stream *q, u64 off)
{
	if (off < q->head || off - q->tail > q->size ||
	    (u32)(off - q->head) % q->frame)
		return -EINVAL;
	ks_queue_advance_head(q, off - q->head);
	q->head_seq++;
	return 0;
}

/* The client read bytes from its mapping, up to @off. */
static int set_play_offset(struct ks_stream *q, u64 off)
{
	if (off < q->tail || off > q->head || (u32)(off - q->tail) % q->frame)
		return -EINVAL;
	ks_queue_advance_tail(q, off - q->tail);
	ks_queue_tail_moved(q);
	return 0;
}

int ks_stream_set_position(struct ks_pin *pin,
			   const struct ks_audio_position *pos)
{
	struct ks_stream *q = &pin->stream;
	int ret;

	lockdep_assert_held(&pin->filter->gate);
	if (ks_pin_connected(pin))
		return -EISCONN;
	if (!q->looped)
		return -EOPNOTSUPP;
	ret = ks_stream_io_error(pin);
	if (ret)
		return ret;
	mutex_lock(&q->lock);
	if (pin->dataflow == KSPIN_DATAFLOW_IN)
		ret = set_write_offset(q, pos->write_offset);
	else
		ret = set_play_offset(q, pos->play_offset);
	mutex_unlock(&q->lock);
	if (!ret)
		ks_pin_process(pin);
	return ret;
}

void ks_stream_get_buffer(struct ks_pin *pin, struct ks_stream_buffer *buf)
{
	struct ks_stream *q = &pin->stream;

	mutex_lock(&q->lock);
	buf->size = q->size;
	buf->frame_size = q->frame;
	buf->map_size = q->looped ? q->map_size : 0;
	buf->reserved = 0;
	mutex_unlock(&q->lock);
}

/*
 * The buffer is allocated when the pin first leaves STOP and kept for its
 * life (see ks_stream_acquire()); until then its size is the user's to
 * choose.  A LOOPED_STREAMING pin's is allocated with the pin.
 */
int ks_stream_set_buffer(struct ks_pin *pin, u32 size)
{
	struct ks_stream *q = &pin->stream;
	int ret = 0;

	if (q->looped)
		return -EOPNOTSUPP;
	if (size < KS_STREAM_MIN_BYTES || size > KS_STREAM_MAX_BYTES)
		return -EINVAL;
	mutex_lock(&q->lock);
	if (q->buf || READ_ONCE(pin->state) != KSSTATE_STOP) {
		ret = -EBUSY;
	} else {
		q->map_size = PAGE_ALIGN(size);
		q->size = rounddown(q->map_size, q->frame);
		q->sized = true;
	}
	mutex_unlock(&q->lock);
	return ret;
}
