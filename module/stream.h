/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the user side of a pin's stream (SPEC 7): read/write, the
 * stream ioctls and poll (stream.c), mmap and POSITION/BUFFER
 * (stream_map.c).  The queue itself is queue.h's; locks in filter.h.
 */
#ifndef _KS_STREAM_H
#define _KS_STREAM_H

#include <linux/compiler.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/ks.h>

struct ks_pin;
struct seq_file;
struct vm_area_struct;

ssize_t ks_stream_read(struct ks_pin *pin, char __user *buf, size_t count,
		       bool nonblock);
ssize_t ks_stream_write(struct ks_pin *pin, const char __user *buf,
			size_t count, bool nonblock);
__poll_t ks_stream_poll(struct ks_pin *pin);

/*
 * May a read, a write or a POSITION set on @pin go on?  0, or the error
 * it fails with (ENODEV, EISCONN, ECANCELED, EBADFD: stream.c's DOC).
 */
int ks_stream_io_error(struct ks_pin *pin);

/* The mapped buffer (stream_map.c). */
int ks_stream_mmap(struct ks_pin *pin, struct vm_area_struct *vma);
void ks_stream_show_fdinfo(struct seq_file *m, struct ks_pin *pin);

/* KS_IOCTL_WRITE_STREAM, KS_IOCTL_READ_STREAM, KS_IOCTL_RESET_STATE. */
long ks_stream_ioctl(struct ks_pin *pin, struct file *file, unsigned int cmd,
		     void __user *arg);

/* KSPROPSETID_KSFILTER_STREAM (stream_map.c); the filter is entered. */
void ks_stream_get_position(struct ks_pin *pin, struct ks_audio_position *pos);
int ks_stream_set_position(struct ks_pin *pin,
			   const struct ks_audio_position *pos);
void ks_stream_get_buffer(struct ks_pin *pin, struct ks_stream_buffer *buf);
int ks_stream_set_buffer(struct ks_pin *pin, u32 size);

/*
 * Does @pin offer WaveRT (KSPROPSETID_RtAudio, wavert.c)?  Fixed from its
 * creation: read under no lock, mmap's included.
 */
bool ks_wavert_offered(const struct ks_pin *pin);

#endif /* _KS_STREAM_H */
