/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libks: a small C library over the ksfilter ioctls (<linux/ks.h>).
 *
 * The calls keep the shape of their Windows counterparts: ks_create_pin() is
 * KsCreatePin, ks_property() is DeviceIoControl(IOCTL_KS_PROPERTY).
 *
 * Errors: every function returning int returns a value >= 0 on success and a
 * negative errno value on failure (-EINVAL, -EDOM, ...); errno is set to the
 * same positive value as well, so both styles work.  Functions returning a
 * pointer return NULL on failure with errno set.
 */
#ifndef _LIBKS_H
#define _LIBKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ks.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- filters ---- */

/*
 * Open /dev/ksfilter<index> with @oflags (O_RDWR, O_RDONLY, ...; O_CLOEXEC is
 * always added).  Returns the filter fd.
 */
int ks_open_filter(unsigned int index, int oflags);

/*
 * Find a filter by the name in /sys/class/ksfilter/ksfilterN/name.  Returns N,
 * or -ENOENT.
 */
int ks_find_filter(const char *name);

/* ---- pins ---- */

/*
 * KsCreatePin.  @connect points at @size bytes: a struct ks_pin_connect
 * followed by the data format (see ks_connect_build()).  @access is
 * KS_GENERIC_READ and/or KS_GENERIC_WRITE, @flags O_CLOEXEC and/or
 * O_NONBLOCK.  Returns the pin fd or a negative errno; when @reason is not
 * NULL it receives the KS_REASON_* the kernel reported (KS_REASON_NONE on
 * success; left untouched when the kernel did not get as far as writing it).
 */
int ks_create_pin(int filter_fd, const void *connect, uint32_t size,
		  uint32_t access, uint32_t flags, uint32_t *reason);

/* The identifier of a reason code ("KS_REASON_FORMAT"), or NULL if unknown. */
const char *ks_reason_name(uint32_t reason);

/* One sentence saying which check refused the request.  Never NULL. */
const char *ks_reason_str(uint32_t reason);

/* One sentence saying what a caller might change.  Never NULL. */
const char *ks_reason_hint(uint32_t reason);

/* ---- building requests ---- */

enum ks_sample_type {
	KS_SAMPLE_PCM,
	KS_SAMPLE_FLOAT,
};

/* What a format string such as "pcm:48000:2:16" describes. */
struct ks_audio_params {
	enum ks_sample_type type;
	bool extensible;		/* WAVEFORMATEXTENSIBLE instead of WAVEFORMATEX */
	uint32_t rate;			/* samples per second */
	uint16_t channels;
	uint16_t bits;			/* bits per sample (container size) */
};

/*
 * KSDATAFORMAT_WAVEFORMATEX for PCM or IEEE float: format tag, block_align
 * and avg_bytes_per_sec are derived from the arguments, cb_size is 0.
 * Returns the format size (82), or -EINVAL for a zero rate, channels or bits.
 */
int ks_build_audio_format(struct ks_dataformat_waveformatex *fmt,
			  enum ks_sample_type type, uint32_t rate,
			  uint16_t channels, uint16_t bits);

/*
 * KSDATAFORMAT_WAVEFORMATEXTENSIBLE: tag WAVE_FORMAT_EXTENSIBLE, cb_size 22,
 * valid bits = @bits, @channel_mask as given (0: a default mask for up to 8
 * channels).  Returns the format size (104) or -EINVAL.
 */
int ks_build_audio_format_ext(struct ks_dataformat_waveformatextensible *fmt,
			      enum ks_sample_type type, uint32_t rate,
			      uint16_t channels, uint16_t bits,
			      uint32_t channel_mask);

/*
 * Parse "TYPE:RATE:CHANNELS:BITS" where TYPE is pcm, float, pcm-ext or
 * float-ext (the -ext forms build WAVEFORMATEXTENSIBLE); BITS may be left out
 * for float (32).  Returns 0 or -EINVAL.
 */
int ks_parse_format(const char *text, struct ks_audio_params *params);

/* Print @params back in the form ks_parse_format() reads; returns snprintf's. */
int ks_format_params_str(const struct ks_audio_params *params, char *buf,
			 size_t size);

/*
 * Build the format @params describes into @buf (@size bytes, at least 104).
 * Returns the format size or a negative errno.
 */
int ks_build_format(const struct ks_audio_params *params, void *buf,
		    size_t size);

/*
 * A KSPIN_CONNECT with the defaults of KsCreatePin callers: interface
 * {Standard, STREAMING}, medium {Standard, ANYINSTANCE}, no peer, priority
 * NORMAL/1.
 */
void ks_connect_init(struct ks_pin_connect *connect, uint32_t pin_id);

/*
 * Write a default KSPIN_CONNECT for @pin_id followed by @format_size bytes of
 * @format into @buf (@size bytes, 8-byte aligned).  Returns the request size
 * (72 + @format_size) or -ENOSPC.  Adjust the connect fields afterwards
 * through (struct ks_pin_connect *)buf.
 */
int ks_connect_build(void *buf, size_t size, uint32_t pin_id,
		     const void *format, uint32_t format_size);

/* Set connect->interface to {Standard, @id} (KSINTERFACE_STANDARD_*). */
void ks_connect_set_interface(struct ks_pin_connect *connect, uint32_t id);

/* ---- properties ---- */

/*
 * DeviceIoControl(IOCTL_KS_PROPERTY): @in is a KSPROPERTY {@set, @id, @flags}
 * followed by @instance_size bytes of @instance (for most pin properties the
 * rest of a KSP_PIN: use ks_pin_property()).  Returns 0 or a negative errno;
 * *@returned (if not NULL) gets the bytes written to @out, or the bytes needed
 * when the result is -EOVERFLOW.
 */
int ks_property(int fd, const struct ks_guid *set, uint32_t id,
		uint32_t flags, const void *instance, uint32_t instance_size,
		void *out, uint32_t out_size, uint32_t *returned);

/* A KSPROPSETID_Pin GET with a KSP_PIN for @pin_id. */
int ks_pin_property(int filter_fd, uint32_t pin_id, uint32_t id, void *out,
		    uint32_t out_size, uint32_t *returned);

/* A u32-valued KSPROPSETID_Pin GET (DATAFLOW, COMMUNICATION, ...). */
int ks_pin_property_u32(int filter_fd, uint32_t pin_id, uint32_t id,
			uint32_t *value);

/*
 * A KSMULTIPLE_ITEM-valued KSPROPSETID_Pin GET (DATARANGES, INTERFACES,
 * MEDIUMS): asks for the size first, then returns a malloc'ed copy of the
 * whole list (free() it), or NULL with errno set.
 */
struct ks_multiple_item *ks_pin_property_list(int filter_fd, uint32_t pin_id,
					      uint32_t id);

/* KSPROPERTY_PIN_CTYPES: the number of pin types; returns it or -errno. */
int ks_pin_count(int filter_fd);

/*
 * KSPROPERTY_PIN_NAME as ASCII/UTF-8 into @buf (UTF-16LE outside ASCII is
 * shown as '?').  Returns 0 or a negative errno.
 */
int ks_pin_name(int filter_fd, uint32_t pin_id, char *buf, size_t size);

/*
 * Walk a KSMULTIPLE_ITEM list of data ranges or formats: the first item, then
 * the next one (8-byte aligned after the current one's format_size), NULL at
 * the end or on a malformed list.
 */
const struct ks_dataformat *ks_list_first(const struct ks_multiple_item *list);
const struct ks_dataformat *ks_list_next(const struct ks_multiple_item *list,
					 const struct ks_dataformat *item);

/* ---- GUIDs ---- */

bool ks_guid_eq(const struct ks_guid *a, const struct ks_guid *b);

/* "1A8766A0-62CE-11CF-A5D6-28DB04C10000"; @buf holds at least 37 bytes. */
char *ks_guid_str(const struct ks_guid *guid, char *buf);

/* The name of a well-known GUID ("KSDATAFORMAT_SUBTYPE_PCM"), or NULL. */
const char *ks_guid_name(const struct ks_guid *guid);

#define KS_GUID_STR_LEN 37

#ifdef __cplusplus
}
#endif

#endif /* _LIBKS_H */
