/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builders for the unit tests: a KS_IOCTL_CREATE_PIN blob (KSPIN_CONNECT,
 * then a KSDATAFORMAT), audio formats, attribute lists, and the data ranges
 * and pin descriptors the checks are run against.
 */
#ifndef _KS_TEST_REQ_H
#define _KS_TEST_REQ_H

#include "connect.h"
#include "format.h"

/* Room for the largest request plus a WAVEFORMATEX with cb_size 0xFFFF. */
#define REQ_BYTES	(KS_CONNECT_SIZE_MAX + 2 * 65536)

/* The copied request: 8-byte aligned, as the kernel's copy is. */
struct req {
	u64 words[REQ_BYTES / 8];
	u32 size;
};

extern const struct ks_guid guid_null, guid_audio, guid_stream, guid_pcm,
	guid_float, guid_wave, guid_spec_none, guid_sub_none, guid_if_std,
	guid_medium_std, guid_attr_a, guid_attr_b, guid_attr_c;

/* An 8000-384000 Hz, 8-32 bit, 8 channel PCM range, the loopback's first. */
extern const struct ks_datarange_audio range_pcm;
/* The loopback's second: 32-bit IEEE float. */
extern const struct ks_datarange_audio range_float;
extern const struct ks_data_range ranges_loopback[2];

static inline struct ks_pin_connect *req_connect(struct req *r)
{
	return (struct ks_pin_connect *)r->words;
}

static inline struct ks_dataformat *req_format(struct req *r)
{
	return (struct ks_dataformat *)((u8 *)r->words +
					sizeof(struct ks_pin_connect));
}

static inline struct ks_waveformatex *fmt_wave(struct ks_dataformat *f)
{
	return (struct ks_waveformatex *)(f + 1);
}

static inline struct ks_waveformatextensible *fmt_ext(struct ks_dataformat *f)
{
	return (struct ks_waveformatextensible *)(f + 1);
}

/* A KSDATAFORMAT without a specifier structure, format_size 64. */
void fmt_plain(struct ks_dataformat *f, const struct ks_guid *major,
	       const struct ks_guid *sub, const struct ks_guid *spec);
/*
 * KSDATAFORMAT_WAVEFORMATEX (82 bytes) with a consistent block_align and
 * avg_bytes_per_sec: major AUDIO, @sub, specifier WAVEFORMATEX.
 */
void fmt_wavex(struct ks_dataformat *f, const struct ks_guid *sub, u16 tag,
	       u16 channels, u32 rate, u16 bits);
/* The 104-byte EXTENSIBLE one, @sub both in the header and the extension. */
void fmt_extensible(struct ks_dataformat *f, const struct ks_guid *sub,
		    u16 channels, u32 rate, u16 bits, u16 valid_bits);

/* One item of an attribute list to build. */
struct attr_spec {
	const struct ks_guid *guid;
	u32 flags;
	u32 size;		/* 0: sizeof(struct ks_attribute) */
};

/*
 * Write a KSMULTIPLE_ITEM of the attributes at @at, items 8-byte aligned.
 * Returns its size (the header's size field).
 */
u32 attr_list_build(void *at, const struct attr_spec *items, u32 count);
/* Set KSDATAFORMAT_ATTRIBUTES and append a list; returns the format's bytes. */
u32 fmt_add_attrs(struct ks_dataformat *f, const struct attr_spec *items,
		  u32 count);
/* Where the attribute list of @f starts. */
struct ks_multiple_item *fmt_attr_list(struct ks_dataformat *f);

/*
 * A valid request: {Standard, STREAMING}, {Standard, ANYINSTANCE}, pin 0,
 * no peer, 48 kHz stereo 16-bit PCM; size 72 + 82.
 */
void req_init(struct req *r);
/* Request size after the format was changed: 72 + @format_bytes. */
void req_fit(struct req *r, u32 format_bytes);

/* A pin type: @dataflow, SINK, no interfaces or mediums, the loopback ranges. */
struct ks_pin_descriptor pin_desc(u32 dataflow);

#endif /* _KS_TEST_REQ_H */
