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
 * pointer return NULL on failure with errno set.  The property errnos are the
 * kernel's (SPEC 6): ENOENT unknown set or id, EOPNOTSUPP operation not
 * offered, EINVAL malformed input, EOVERFLOW output too small, EDOM no
 * matching format, ENODEV filter unregistered, ENOTTY a module without
 * properties.  EPROTO means the kernel answered with a malformed value.
 *
 * Buffers: a function whose name or comment says "allocated" (or that returns
 * a pointer) hands back memory from malloc(); the caller free()s it, also
 * when it is a struct such as struct ks_multiple_item.  Nothing is allocated
 * on failure.  Every other output goes into caller-provided memory.
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

/*
 * KS_IOCTL_VERSION on a filter fd: the module's ABI version (compare with
 * KS_ABI_MAJOR/KS_ABI_MINOR, the ABI this program was built with), its
 * KS_FEATURE_* bits and its version string.  -ENOTTY: a module older than
 * the ioctl, or not a filter fd.
 */
int ks_get_version(int filter_fd, struct ks_version *version);

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
 * rest of a KSP_PIN: use ks_pin_property()).  For a GET @out receives the
 * value; for a SET @out holds it (as DeviceIoControl's output buffer does).
 * Returns 0 or a negative errno; *@returned (if not NULL) gets the bytes
 * written to @out, or the bytes needed when the result is -EOVERFLOW.
 */
int ks_property(int fd, const struct ks_guid *set, uint32_t id,
		uint32_t flags, const void *instance, uint32_t instance_size,
		void *out, uint32_t out_size, uint32_t *returned);

/*
 * A property whose size is not known in advance (lists, names, formats):
 * asks with out_size 0 (the kernel answers -EOVERFLOW with the size needed),
 * allocates, fetches, and asks again if the value grew in between.  On
 * success *@out is an allocated buffer of *@size bytes (the bytes returned;
 * at least one byte is allocated even for an empty value).
 */
int ks_property_alloc(int fd, const struct ks_guid *set, uint32_t id,
		      uint32_t flags, const void *instance,
		      uint32_t instance_size, void **out, uint32_t *size);

/* A KSPROPSETID_Pin GET with a KSP_PIN for @pin_id. */
int ks_pin_property(int filter_fd, uint32_t pin_id, uint32_t id, void *out,
		    uint32_t out_size, uint32_t *returned);

/* A u32-valued KSPROPSETID_Pin GET (DATAFLOW, COMMUNICATION, ...). */
int ks_pin_property_u32(int filter_fd, uint32_t pin_id, uint32_t id,
			uint32_t *value);

/*
 * A KSMULTIPLE_ITEM-valued KSPROPSETID_Pin GET (DATARANGES, INTERFACES,
 * MEDIUMS, CONSTRAINEDDATARANGES) by the sized-list protocol: the size first
 * (out_size 0, or the 8-byte header from a kernel that does not answer that),
 * then the list.  Returns the allocated list, checked to be well formed
 * (size >= 8 and within what was returned), or NULL with errno set.
 */
struct ks_multiple_item *ks_pin_property_list(int filter_fd, uint32_t pin_id,
					      uint32_t id);

/* KSPROPERTY_PIN_CTYPES: the number of pin types; returns it or -errno. */
int ks_pin_count(int filter_fd);

/* KSPROPERTY_PIN_DATAFLOW: KSPIN_DATAFLOW_IN or _OUT. */
int ks_pin_dataflow(int filter_fd, uint32_t pin_id, uint32_t *dataflow);

/* KSPROPERTY_PIN_COMMUNICATION: KSPIN_COMMUNICATION_*. */
int ks_pin_communication(int filter_fd, uint32_t pin_id, uint32_t *comm);

/* KSPROPERTY_PIN_CINSTANCES: possible (or KS_INSTANCES_UNLIMITED) and current. */
int ks_pin_cinstances(int filter_fd, uint32_t pin_id,
		      struct ks_pin_cinstances *ci);

/* KSPROPERTY_PIN_GLOBALCINSTANCES. */
int ks_pin_global_cinstances(int filter_fd, uint32_t pin_id,
			     struct ks_pin_cinstances *ci);

/* KSPROPERTY_PIN_NECESSARYINSTANCES. */
int ks_pin_necessary_instances(int filter_fd, uint32_t pin_id,
			       uint32_t *count);

/*
 * KSPROPERTY_PIN_CATEGORY.  A pin without a category may answer -ENOENT or
 * the all-zero GUID, depending on the module.
 */
int ks_pin_category(int filter_fd, uint32_t pin_id, struct ks_guid *category);

/* Allocated KSMULTIPLE_ITEM lists of ks_identifier (see ks_list_identifiers()). */
struct ks_multiple_item *ks_pin_interfaces(int filter_fd, uint32_t pin_id);
struct ks_multiple_item *ks_pin_mediums(int filter_fd, uint32_t pin_id);

/* Allocated KSMULTIPLE_ITEM lists of data ranges (see ks_list_first()). */
struct ks_multiple_item *ks_pin_data_ranges(int filter_fd, uint32_t pin_id);
struct ks_multiple_item *ks_pin_constrained_data_ranges(int filter_fd,
							uint32_t pin_id);

/*
 * KSPROPERTY_PIN_NAME converted from UTF-16LE to UTF-8 into @buf (@size
 * bytes, always NUL-terminated; a longer name is cut at a character
 * boundary).  Unpaired surrogates become U+FFFD.  Returns 0 or -errno.
 */
int ks_pin_name(int filter_fd, uint32_t pin_id, char *buf, size_t size);

/*
 * Convert @len UTF-16LE code units (stopping at a NUL) to UTF-8 in @buf as
 * ks_pin_name() does.  Returns the length written, without the NUL.
 */
size_t ks_utf16le_to_utf8(const uint16_t *in, size_t len, char *buf,
			  size_t size);

/* KSPROPSETID_General / KSPROPERTY_GENERAL_COMPONENTID of a filter. */
int ks_filter_component_id(int filter_fd, struct ks_componentid *id);

/*
 * KSPROPSETID_Topology / KSPROPERTY_TOPOLOGY_CATEGORIES: an allocated
 * KSMULTIPLE_ITEM of ks_guid (see ks_list_guids()), or NULL with errno set.
 */
struct ks_multiple_item *ks_filter_categories(int filter_fd);

/*
 * KSPROPERTY_TYPE_BASICSUPPORT: *@types gets the KSPROPERTY_TYPE_GET/SET bits
 * the property offers.  @instance as for ks_property() (pass the rest of a
 * KSP_PIN for pin properties).
 */
int ks_basic_support(int fd, const struct ks_guid *set, uint32_t id,
		     const void *instance, uint32_t instance_size,
		     uint32_t *types);

/*
 * KSPROPERTY_TYPE_SETSUPPORT with the all-zero set: an allocated array of
 * the property sets @fd supports, *@count entries; NULL with errno set.
 */
struct ks_guid *ks_set_support(int fd, uint32_t *count);

/* ---- data intersection ---- */

/*
 * An allocated KSMULTIPLE_ITEM holding @count data ranges (or formats), each
 * copied with its format_size bytes and starting 8-byte aligned, padding
 * zeroed.  Returns NULL with errno EINVAL for a range whose format_size is
 * below 64.
 */
struct ks_multiple_item *ks_list_build(const struct ks_dataformat *const *items,
				       unsigned int count);

/* A KSDATARANGE that matches any format: format_size 64, all GUIDs zero. */
void ks_range_wildcard(struct ks_dataformat *range);

/*
 * A KSDATARANGE_AUDIO (audio / PCM or IEEE_FLOAT / WAVEFORMATEX) for
 * intersection candidates.
 */
void ks_build_audio_range(struct ks_datarange_audio *range,
			  enum ks_sample_type type, uint32_t max_channels,
			  uint32_t min_bits, uint32_t max_bits,
			  uint32_t min_rate, uint32_t max_rate);

/*
 * KSPROPERTY_PIN_DATAINTERSECTION: the format the pin makes of the first of
 * @count @candidates (in this order) that overlaps one of its ranges; with
 * @count 0 a single wildcard candidate, i.e. "the best format the pin
 * offers".  Returns the allocated format, *@size bytes (the format and any
 * attribute list after it), or NULL with errno EDOM when nothing overlaps.
 */
void *ks_pin_intersect(int filter_fd, uint32_t pin_id,
		       const struct ks_dataformat *const *candidates,
		       unsigned int count, uint32_t *size);

/* The same with a candidate list already in KSMULTIPLE_ITEM form. */
void *ks_pin_intersect_list(int filter_fd, uint32_t pin_id,
			    const struct ks_multiple_item *candidates,
			    uint32_t *size);

/*
 * KSPROPERTY_PIN_PROPOSEDATAFORMAT (SET): 0 when the pin would accept
 * @format (@size bytes), -EDOM when not; nothing is created.
 */
int ks_pin_propose_format(int filter_fd, uint32_t pin_id, const void *format,
			  uint32_t size);

/*
 * An allocated connect request for ks_create_pin(): a KSPIN_CONNECT with the
 * defaults of ks_connect_init() followed by @format_size bytes of @format
 * (for instance a ks_pin_intersect() result).  *@size gets the request size.
 */
struct ks_pin_connect *ks_connect_alloc(uint32_t pin_id, const void *format,
					uint32_t format_size, uint32_t *size);

/* ---- pin fd properties (KSPROPSETID_Connection) ---- */

int ks_pin_get_state(int pin_fd, uint32_t *state);
int ks_pin_set_state(int pin_fd, uint32_t state);
int ks_pin_get_priority(int pin_fd, struct ks_priority *priority);
int ks_pin_set_priority(int pin_fd, const struct ks_priority *priority);

/* The pin's format as created or last set: allocated, *@size bytes. */
void *ks_pin_get_dataformat(int pin_fd, uint32_t *size);

/* Change the format (only while KSSTATE_STOP). */
int ks_pin_set_dataformat(int pin_fd, const void *format, uint32_t size);

int ks_pin_allocator_framing(int pin_fd, struct ks_allocator_framing *framing);

/* ---- pin fd properties (KSPROPSETID_KSFILTER_STREAM) ---- */

/* The pin's buffer: its size, the frame size, the bytes mmap(2) maps. */
int ks_pin_get_buffer(int pin_fd, struct ks_stream_buffer *buffer);

/*
 * The size of a STREAMING pin's queue, 64 KiB to 4 MiB, before the pin
 * first leaves KSSTATE_STOP (ABI 1.1; EBUSY after, EOPNOTSUPP for a
 * LOOPED_STREAMING pin).
 */
int ks_pin_set_buffer_size(int pin_fd, uint32_t bytes);

/* ---- events (ABI 1.3, KS_FEATURE_EVENTS; docs/abi.md, "Events") ---- */

/*
 * A KSEVENTDATA that signals the eventfd(2) @eventfd as an event handle:
 * each signal adds 1 to its counter.  Zeroes the rest of *@d.
 */
void ks_event_init(struct ks_event_data *d, int eventfd);

/*
 * A KSEVENTDATA that signals @eventfd as a semaphore handle: each signal
 * adds @adjustment (1 to 1024) to its counter; with EFD_SEMAPHORE each
 * read(2) takes one.  Zeroes the rest of *@d.
 */
void ks_semaphore_init(struct ks_event_data *d, int eventfd,
		       int32_t adjustment);

/*
 * DeviceIoControl(IOCTL_KS_ENABLE_EVENT) on a pin (or filter) fd: the
 * KSEVENT {@set, @id, @flags}, @flags KSEVENT_TYPE_ENABLE or _ONESHOT (or
 * SETSUPPORT, BASICSUPPORT to ask whether it is offered; @event_data may
 * then be NULL).  @event_data is the caller's KSEVENTDATA (ks_event_init(),
 * ks_semaphore_init()) followed by the event's data, @size bytes in all:
 * a struct ks_event_data for KSEVENTSETID_CONNECTION's ENDOFSTREAM and
 * DATADISCONTINUITY, a struct ks_loopedstreaming_position_event_data for
 * KSEVENTSETID_LOOPEDSTREAMING's POSITION.
 *
 * The event is named by the address of @event_data, as on Windows: that
 * memory must stay where it is, at the same address, until the event is
 * disabled (ks_disable_event() with the same pointer, a ONESHOT event's
 * signal, or the pin fd's close), and the same address cannot be enabled
 * twice on one fd (-EEXIST).  The eventfd may be closed after enabling.
 *
 * Returns 0 or -errno: -ENOENT the set or id is not offered (a filter fd
 * offers none), -EOPNOTSUPP ENABLEBUFFERED or QUERYBUFFER, -EOVERFLOW
 * @size is short of the event's data, -EBADF the handle is no fd,
 * -EINVAL it is no eventfd, a bad adjustment, or a position beyond the
 * pin's buffer (ks_pin_get_buffer()), -ENOSPC too many events on the fd,
 * -ENOTTY a module without events.  A node's event (KSEVENT_TYPE_TOPOLOGY,
 * a KSE_NODE) cannot be asked for through this call.
 */
int ks_enable_event(int fd, const struct ks_guid *set, uint32_t id,
		    uint32_t flags, void *event_data, uint32_t size);

/*
 * DeviceIoControl(IOCTL_KS_DISABLE_EVENT): the event enabled on @fd with
 * @event_data (the same address), or every event of @fd when @event_data
 * is NULL.  Once it returns the event is not signalled again, and its
 * memory may be reused.  Returns 0 or -errno: -ENOENT no event of @fd has
 * that address (a ONESHOT event removes itself once signalled).
 */
int ks_disable_event(int fd, const void *event_data);

/* ---- WaveRT (ABI 1.4, KS_FEATURE_WAVERT; docs/abi.md, "WaveRT") ---- */

/*
 * KSPROPERTY_RTAUDIO_BUFFER (@notifications 0) or BUFFER_WITH_NOTIFICATION
 * (@notifications 1: at the end of each cycle; 2: at its middle and end)
 * on a LOOPED_STREAMING pin fd in KSSTATE_STOP: the pin streams WaveRT
 * from then on and its cyclic buffer is mapped into the caller,
 * read-write.  *@out gets the mapping's address (buffer_address, a user
 * pointer) and its size, @requested rounded down to whole frames within
 * what the pin allows.  The mapping holds the pin: munmap(2) it (and the
 * register page) as well as closing the fd to close the pin.  Returns 0
 * or -errno: -EOPNOTSUPP the pin offers no WaveRT, -EBUSY not in STOP (or
 * the provider refuses a second WaveRT pin), -EISCONN a connected pin,
 * -EINVAL @notifications above 2.
 */
int ks_rt_buffer(int pin_fd, uint32_t requested, uint32_t notifications,
		 struct ks_rtaudio_buffer *out);

/*
 * KSPROPERTY_RTAUDIO_POSITIONREGISTER or _CLOCKREGISTER (@id): the pin's
 * register page is mapped read-only into the caller and out->reg is the
 * address of its position (width 32, accuracy a frame's bytes) or clock
 * (width 64, numerator / denominator Hz) field.  The page starts with a
 * struct ks_rtaudio_registers: out->reg rounded down to the page size is
 * what ks_rt_read_registers() reads and what munmap(2) takes (one page).
 * Each call maps the page again.  -EINVAL for another @id.
 */
int ks_rt_register(int pin_fd, uint32_t id, struct ks_rtaudio_hwregister *out);

/* KSPROPERTY_RTAUDIO_HWLATENCY: the provider's FIFO size and delays. */
int ks_rt_hwlatency(int pin_fd, struct ks_rtaudio_hwlatency *out);

/*
 * KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT (@add) or
 * UNREGISTER_NOTIFICATION_EVENT: the eventfd(2) @eventfd gets 1 added to
 * its counter at each notification point the device passes.  Needs a
 * buffer made with notifications (-EBADFD otherwise); -EEXIST the same
 * eventfd twice, -ENOENT unregistering one that is not registered,
 * -EBADF/-EINVAL no fd/no eventfd, -ENOSPC too many events on the pin.
 * Once an unregistration returns, the eventfd is not signalled again.
 */
int ks_rt_notification(int pin_fd, int eventfd, bool add);

/* KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT: 1, 0, or -errno. */
int ks_rt_notification_support(int pin_fd);

/*
 * Read the register page @r (as mapped by ks_rt_register()) into
 * *@snapshot with the page's sequence protocol: position, clock and bytes
 * are from one moment (the device was at position, bytes in all, at
 * clock); snapshot->sequence is the even sequence they were read under.
 * Waits (spins) only while the module is writing the page.
 */
void ks_rt_read_registers(const volatile struct ks_rtaudio_registers *r,
			  struct ks_rtaudio_registers *snapshot);

/* ---- lists and descriptions ---- */

/*
 * Walk a KSMULTIPLE_ITEM list of data ranges or formats: the first item, then
 * the next one (8-byte aligned after the current one's format_size, and
 * after its attribute list when it has KSDATARANGE_ATTRIBUTES), NULL at the
 * end or on a malformed list.  The walk is bounded by the list's size, so it
 * works whether or not the module counts attribute lists as items.
 */
const struct ks_dataformat *ks_list_first(const struct ks_multiple_item *list);
const struct ks_dataformat *ks_list_next(const struct ks_multiple_item *list,
					 const struct ks_dataformat *item);

/*
 * The attribute list (KSMULTIPLE_ITEM of ks_attribute) that follows @item in
 * @list when the item has KSDATARANGE_ATTRIBUTES, else NULL.
 */
const struct ks_multiple_item *
ks_list_attributes(const struct ks_multiple_item *list,
		   const struct ks_dataformat *item);

/* The identifiers of an INTERFACES/MEDIUMS list; *@count of them. */
const struct ks_identifier *ks_list_identifiers(const struct ks_multiple_item *list,
						uint32_t *count);

/* The GUIDs of a TOPOLOGY CATEGORIES list; *@count of them. */
const struct ks_guid *ks_list_guids(const struct ks_multiple_item *list,
				    uint32_t *count);

/* A KSDATARANGE_AUDIO (major AUDIO, specifier WAVEFORMATEX, 88 bytes)? */
bool ks_range_is_audio(const struct ks_dataformat *range);

/*
 * A data range in words: "pcm 1-8ch 8-32bit 8000-384000Hz" for audio ranges,
 * "STREAM/any/any" (GUID names, "any" for the wildcard) otherwise, with
 * " +attributes" when it has an attribute list.  Returns snprintf's value.
 */
int ks_range_str(const struct ks_dataformat *range, char *buf, size_t size);

/*
 * The audio parameters of a KSDATAFORMAT_WAVEFORMATEX(TENSIBLE) of @size
 * bytes.  Returns 0, or -EINVAL when @format is no PCM/float audio format.
 */
int ks_format_audio_params(const void *format, uint32_t size,
			   struct ks_audio_params *params);

/*
 * A format in words: "pcm:48000:2:16" for audio (what ks_parse_format()
 * reads), the GUID names otherwise.  Returns snprintf's value.
 */
int ks_format_str(const void *format, uint32_t size, char *buf, size_t bufsize);

/* The name of a standard interface or medium ("STREAMING"), or NULL. */
const char *ks_identifier_name(const struct ks_identifier *id);

/* ---- GUIDs ---- */

bool ks_guid_eq(const struct ks_guid *a, const struct ks_guid *b);

/* "1A8766A0-62CE-11CF-A5D6-28DB04C10000"; @buf holds at least 37 bytes. */
char *ks_guid_str(const struct ks_guid *guid, char *buf);

/* The name of a well-known GUID ("KSDATAFORMAT_SUBTYPE_PCM"), or NULL. */
const char *ks_guid_name(const struct ks_guid *guid);

#define KS_GUID_STR_LEN 37

/* ---- graphs (docs/graphs.md) ---- */

/*
 * The numbers N of the registered filters (/sys/class/ksfilter/ksfilterN),
 * sorted, at most @max of them into @idx.  Returns how many, or -errno
 * (-ENOENT: no ksfilter class, the module is not loaded).
 */
int ks_list_filters(unsigned int *idx, unsigned int max);

/* Filter N's name (/sys/class/ksfilter/ksfilterN/name) into @buf. */
int ks_filter_name(unsigned int index, char *buf, size_t size);

/*
 * KSPROPERTY_PIN_PHYSICALCONNECTION (KSPIN_PHYSICALCONNECTION): the pin
 * type's fixed physical peer, its pin id into *@peer_pin and its filter's
 * name, converted from UTF-16LE to UTF-8 as ks_pin_name() does, into @name
 * (@name_size bytes, NUL-terminated).  Either may be NULL.  Returns 0,
 * -ENOENT when the pin type declares none, or another -errno.
 */
int ks_pin_physical_connection(int filter_fd, unsigned int pin,
			       unsigned int *peer_pin, char *name,
			       size_t name_size);

/* Equal (set, id), flags not compared (as SPEC 5 compares identifiers). */
bool ks_identifier_eq(const struct ks_identifier *a,
		      const struct ks_identifier *b);

/* Set KSPIN_CONNECT.pin_to_handle to the pin fd @peer_fd (<= 0: no peer). */
void ks_connect_set_peer(struct ks_pin_connect *connect, int peer_fd);

/*
 * KsCreatePin for @pin_id with @interface and @medium (NULL: the defaults
 * of ks_connect_init()), @format_size bytes of @format and, when @peer_fd
 * is > 0, connected to the pin @peer_fd as its source (docs/graphs.md).
 * Returns the pin fd or -errno, *@reason as ks_create_pin() sets it.
 */
int ks_create_pin_connected(int filter_fd, uint32_t pin_id,
			    const struct ks_identifier *interface,
			    const struct ks_identifier *medium,
			    const void *format, uint32_t format_size,
			    int peer_fd, uint32_t access, uint32_t flags,
			    uint32_t *reason);

/* ---- topology: nodes, connections, node controls ---- */

/*
 * KSPROPSETID_Topology / KSPROPERTY_TOPOLOGY_NODES: an allocated
 * KSMULTIPLE_ITEM of the node types (ks_guid, KSNODETYPE_*) in node id
 * order (see ks_list_guids()); an empty list for a filter without nodes.
 * NULL with errno set.
 */
struct ks_multiple_item *ks_topology_nodes(int filter_fd);

/*
 * KSPROPERTY_TOPOLOGY_CONNECTIONS: an allocated KSMULTIPLE_ITEM of struct
 * ks_topology_connection (see ks_list_connections()).  An end whose node
 * is KSFILTER_NODE is the filter's pin whose id is the end's node pin.
 */
struct ks_multiple_item *ks_topology_connections(int filter_fd);

/* The connections of a CONNECTIONS list; *@count of them. */
const struct ks_topology_connection *
ks_list_connections(const struct ks_multiple_item *list, uint32_t *count);

/*
 * KSPROPERTY_TOPOLOGY_NAME of node @node_id, converted to UTF-8 into @buf
 * as ks_pin_name() does.  -EINVAL: no such node; -ENOENT: it has no name.
 */
int ks_node_name(int filter_fd, uint32_t node_id, char *buf, size_t size);

/*
 * GET and SET of a node control (KSPROPERTY_TYPE_TOPOLOGY, KSPROPSETID_Audio):
 * @control is KSPROPERTY_AUDIO_VOLUMELEVEL (1/65536 dB), _MUTE (0 or 1) or
 * _MUX_SOURCE (an input index; it has no channels and @channel is
 * ignored).  @fd is a filter or pin fd.  A SET with @channel
 * KS_NODE_ALL_CHANNELS sets every channel; a GET with it reads channel 0.
 * -EINVAL: no such node, or a channel past the node's last; -ENOENT: the
 * node has no such control.  The kernel rounds a volume to its step and
 * clamps it to its range: GET it back to learn what was kept.
 */
#define KS_NODE_ALL_CHANNELS	0xFFFFFFFFu
int ks_node_get(int fd, uint32_t node_id, uint32_t control, uint32_t channel,
		int32_t *value);
int ks_node_set(int fd, uint32_t node_id, uint32_t control, uint32_t channel,
		int32_t value);

/* A channel's range in a node control's description. */
struct ks_node_range {
	int32_t minimum, maximum;	/* 1/65536 dB for a volume */
	uint32_t step;			/* stepping delta; 1 for plain ranges */
};

/*
 * A node control's BASICSUPPORT answer (KSPROPERTY_DESCRIPTION), parsed:
 * the KSPROPERTY_TYPE_* it takes, its value type (KS_VT_*, 0 when not
 * KSPROPTYPESETID_GENERAL) and the ranges of its (stepped) range list:
 * one per channel when @multichannel, else one for every channel (or none).
 */
struct ks_node_description {
	uint32_t access;
	uint32_t vt;
	bool multichannel;
	uint32_t ranges_count;
	struct ks_node_range ranges[];
};

/*
 * BASICSUPPORT of node @node_id's @control: the allocated, parsed
 * description, or NULL with errno set (ENOENT: the node has no such
 * control; EINVAL: no such node; EPROTO: a malformed description).
 */
struct ks_node_description *ks_node_describe(int fd, uint32_t node_id,
					     uint32_t control);

/*
 * The channels of a node control: the description's range count when it
 * has one range per channel, else counted as Windows clients count them,
 * by GETs of channel 0, 1, ... until -EINVAL.  1 for MUX_SOURCE.  Returns
 * the count or -errno (that of the first GET: -EINVAL no such node,
 * -ENOENT no such control).
 */
int ks_node_channels(int fd, uint32_t node_id, uint32_t control);

#ifdef __cplusplus
}
#endif

#endif /* _LIBKS_H */
