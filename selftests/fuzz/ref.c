// SPDX-License-Identifier: GPL-2.0
/*
 * The reference of ref.h: SPEC section 5's table and 5.1's matching, read
 * off the contract row by row.  Every
 * field is read with rd16()/rd32() at its SPEC offset (section 3.1), not
 * through the module's helpers, so that a slip in one shows as a
 * disagreement with the other.
 */
#include <string.h>

#include "ref.h"

/* Section 3.1 offsets. */
#define CONNECT_BYTES	72
#define C_PIN_ID	48
#define C_PIN_TO_HANDLE	56
#define C_INTERFACE	0
#define C_MEDIUM	24
#define F_SIZE		0
#define F_FLAGS		4
#define F_MAJOR		16
#define F_SUB		32
#define F_SPEC		48
#define FORMAT_BYTES	64
#define W_TAG		(64 + 0)
#define W_CHANNELS	(64 + 2)
#define W_RATE		(64 + 4)
#define W_AVG		(64 + 8)
#define W_ALIGN		(64 + 12)
#define W_BITS		(64 + 14)
#define W_CB		(64 + 16)
#define WFX_END		(64 + 18)
#define WFX_SUB		(64 + 24)
#define R_MAX_CH	64
#define R_MIN_BITS	68
#define R_MAX_BITS	72
#define R_MIN_RATE	76
#define R_MAX_RATE	80
#define AUDIO_RANGE	88
#define ATTR_BYTES	24
#define A_SIZE		0
#define A_FLAGS		4
#define A_GUID		8

static const u8 g_null[16];
static const struct ks_guid g_std_if = KSINTERFACESETID_STANDARD;
static const struct ks_guid g_std_medium = KSMEDIUMSETID_STANDARD;
static const struct ks_guid g_audio = KSDATAFORMAT_TYPE_AUDIO;
static const struct ks_guid g_wfx = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;

static u32 rd16(const u8 *p, u32 off)
{
	return p[off] | (u32)p[off + 1] << 8;
}

static u32 rd32(const u8 *p, u32 off)
{
	return rd16(p, off) | rd16(p, off + 2) << 16;
}

static u64 rd64(const u8 *p, u32 off)
{
	return rd32(p, off) | (u64)rd32(p, off + 4) << 32;
}

static bool same16(const u8 *p, const void *guid)
{
	return !memcmp(p, guid, 16);
}

static bool wildcard(const u8 *p)
{
	return same16(p, g_null);
}

/* (set, id) of @want among @count identifiers, or the one default. */
static bool listed(const struct ks_identifier *list, u32 count,
		   const struct ks_guid *dflt_set, u32 dflt_id, const u8 *want)
{
	u32 i;

	if (!count)
		return same16(want, dflt_set) && rd32(want, 16) == dflt_id;
	for (i = 0; i < count; i++) {
		const u8 *e = (const u8 *)&list[i];

		if (!memcmp(e, want, 16) && rd32(e, 16) == rd32(want, 16))
			return true;
	}
	return false;
}

/*
 * A KSMULTIPLE_ITEM of KSATTRIBUTE at @list, @avail bytes readable: a
 * header of at least 8 bytes whose size lies in @avail, then count
 * attributes, each at least 24 bytes, 8-byte aligned, inside that size.
 * Returns the list's size, or 0 when it is not well formed.
 */
static u32 attr_list_size(const u8 *list, u64 avail)
{
	u32 size, count, i;
	u64 pos = 8;

	if (avail < 8)
		return 0;
	size = rd32(list, 0);
	count = rd32(list, 4);
	if (size < 8 || size > avail)
		return 0;
	for (i = 0; i < count; i++) {
		pos = (pos + 7) & ~7ULL;
		if (pos + ATTR_BYTES > size)
			return 0;
		if (rd32(list, pos + A_SIZE) < ATTR_BYTES ||
		    pos + rd32(list, pos + A_SIZE) > size)
			return 0;
		pos += rd32(list, pos + A_SIZE);
	}
	return size;
}

/* Is an attribute with GUID @guid in the list at @list (well formed)? */
static bool attr_listed(const u8 *list, const u8 *guid)
{
	u32 count = rd32(list, 4), i;
	u64 pos = 8;

	for (i = 0; i < count; i++) {
		pos = (pos + 7) & ~7ULL;
		if (same16(list + pos + A_GUID, guid))
			return true;
		pos += rd32(list, pos + A_SIZE);
	}
	return false;
}

bool ref_format_ok(const u8 *fmt, u32 avail, u32 *bytes)
{
	u32 fs = rd32(fmt, F_SIZE), lsize;
	u64 off;

	if (fs < FORMAT_BYTES || fs > avail)
		return false;
	if (same16(fmt + F_SPEC, &g_wfx)) {
		if (fs < WFX_END || WFX_END + rd16(fmt, W_CB) > fs)
			return false;
		if (rd16(fmt, W_TAG) == KS_WAVE_FORMAT_EXTENSIBLE &&
		    rd16(fmt, W_CB) < 22)
			return false;
	}
	*bytes = fs;
	if (!(rd32(fmt, F_FLAGS) & KSDATAFORMAT_ATTRIBUTES))
		return true;
	off = ((u64)fs + 7) & ~7ULL;
	if (off > avail)
		return false;
	lsize = attr_list_size(fmt + off, avail - off);
	if (!lsize)
		return false;
	*bytes = (u32)(off + lsize);
	return true;
}

bool ref_is_audio_range(const u8 *range)
{
	return same16(range + F_MAJOR, &g_audio) &&
	       same16(range + F_SPEC, &g_wfx) &&
	       rd32(range, F_SIZE) == AUDIO_RANGE;
}

/*
 * The tag agrees with the format's sub format: PCM 1 and IEEE_FLOAT 3 are
 * two of the wave sub formats, each {tag-0000-0010-8000-00AA00389B71};
 * EXTENSIBLE names its sub format itself.
 */
static bool tag_consistent(const u8 *fmt)
{
	static const u8 wave_tail[12] = { 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
					  0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 };
	const u8 *sub = fmt + F_SUB;
	u32 tag = rd16(fmt, W_TAG);

	if (tag == KS_WAVE_FORMAT_EXTENSIBLE)
		return same16(fmt + WFX_SUB, sub);
	return rd32(sub, 0) == tag && !memcmp(sub + 4, wave_tail, 12);
}

/*
 * What SPEC's block_align = channels x bits / 8 takes for granted, as
 * WAVEFORMATEX defines it: at least one channel, bits a whole number of
 * bytes (the container, for EXTENSIBLE), and EXTENSIBLE's valid bits
 * nonzero and no more than the container.
 */
static bool wave_sane(const u8 *fmt)
{
	u32 bits = rd16(fmt, W_BITS);

	if (!rd16(fmt, W_CHANNELS) || !bits || bits % 8)
		return false;
	return rd16(fmt, W_TAG) != KS_WAVE_FORMAT_EXTENSIBLE ||
	       (rd16(fmt, WFX_END) && rd16(fmt, WFX_END) <= bits);
}

static bool audio_fits(const u8 *fmt, const u8 *range)
{
	u64 ch = rd16(fmt, W_CHANNELS), bits = rd16(fmt, W_BITS);
	u64 rate = rd32(fmt, W_RATE), align = rd16(fmt, W_ALIGN);

	return wave_sane(fmt) && ch <= rd32(range, R_MAX_CH) &&
	       bits >= rd32(range, R_MIN_BITS) &&
	       bits <= rd32(range, R_MAX_BITS) &&
	       rate >= rd32(range, R_MIN_RATE) &&
	       rate <= rd32(range, R_MAX_RATE) &&
	       tag_consistent(fmt) &&
	       align == ch * bits / 8 &&
	       rd32(fmt, W_AVG) == rate * align;
}

bool ref_matches(const u8 *fmt, const struct ks_data_range *r)
{
	const u8 *rg = (const u8 *)r->range;
	const u8 *list;
	u32 count, i;
	u64 pos = 8;

	/* The GUID hierarchy. */
	if (!wildcard(rg + F_MAJOR)) {
		if (!same16(rg + F_MAJOR, fmt + F_MAJOR))
			return false;
		if (!wildcard(rg + F_SUB)) {
			if (!same16(rg + F_SUB, fmt + F_SUB))
				return false;
			if (!wildcard(rg + F_SPEC) &&
			    !same16(rg + F_SPEC, fmt + F_SPEC))
				return false;
		}
	}
	if (ref_is_audio_range(rg) && same16(fmt + F_SPEC, &g_wfx) &&
	    !audio_fits(fmt, rg))
		return false;
	if (!(rd32(rg, F_FLAGS) & KSDATARANGE_REQUIRED_ATTRIBUTES) ||
	    !r->attributes)
		return true;
	/* A provider's list that does not parse names nothing it can match. */
	list = (const u8 *)r->attributes;
	if (!attr_list_size(list, rd32(list, 0)))
		return false;
	count = rd32(list, 4);
	for (i = 0; i < count; i++) {
		pos = (pos + 7) & ~7ULL;
		if (rd32(list, pos + A_FLAGS) & KSATTRIBUTE_REQUIRED) {
			u32 fs = rd32(fmt, F_SIZE);

			if (!(rd32(fmt, F_FLAGS) & KSDATAFORMAT_ATTRIBUTES) ||
			    !attr_listed(fmt + ((fs + 7) & ~7U),
					 list + pos + A_GUID))
				return false;
		}
		pos += rd32(list, pos + A_SIZE);
	}
	return true;
}

static int verdict(struct ref_verdict *v, int error, u32 reason)
{
	v->error = error;
	v->reason = reason;
	return error;
}

int ref_connect(const u8 *blob, u32 size, u32 access, u32 filter_access,
		const struct ks_pin_descriptor *pins, u32 count,
		struct ref_verdict *v)
{
	const u32 rw = KS_GENERIC_READ | KS_GENERIC_WRITE;
	const struct ks_pin_descriptor *pin;
	const u8 *fmt = blob + CONNECT_BYTES;
	u32 pin_id = rd32(blob, C_PIN_ID), bytes, i;
	bool peer = rd64(blob, C_PIN_TO_HANDLE) != 0;

	memset(v, 0, sizeof(*v));
	/* Row 4 */
	if (!access || (access & ~rw))
		return verdict(v, -EINVAL, KS_REASON_ACCESS);
	/* Row 5 */
	if (pin_id >= count)
		return verdict(v, -EINVAL, KS_REASON_PIN_ID);
	pin = &pins[pin_id];
	/* Row 6: an IN pin is written to, an OUT pin read from. */
	if (!(pin->dataflow == KSPIN_DATAFLOW_IN && (access & KS_GENERIC_WRITE)) &&
	    !(pin->dataflow == KSPIN_DATAFLOW_OUT && (access & KS_GENERIC_READ)))
		return verdict(v, -EINVAL, KS_REASON_ACCESS);
	/* Row 7 */
	if (access & ~filter_access)
		return verdict(v, -EACCES, KS_REASON_FILTER_ACCESS);
	/* Row 8 */
	if (pin->communication != KSPIN_COMMUNICATION_BOTH &&
	    pin->communication !=
	    (peer ? KSPIN_COMMUNICATION_SOURCE : KSPIN_COMMUNICATION_SINK))
		return verdict(v, -EINVAL, KS_REASON_COMMUNICATION);
	/* Row 9 */
	if (!listed(pin->interfaces, pin->interfaces_count, &g_std_if,
		    KSINTERFACE_STANDARD_STREAMING, blob + C_INTERFACE))
		return verdict(v, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
	/* Row 10 */
	if (!listed(pin->mediums, pin->mediums_count, &g_std_medium,
		    KSMEDIUM_TYPE_ANYINSTANCE, blob + C_MEDIUM))
		return verdict(v, -EMEDIUMTYPE, KS_REASON_MEDIUM);
	/* Row 11 */
	if (!ref_format_ok(fmt, size - CONNECT_BYTES, &bytes))
		return verdict(v, -EINVAL, KS_REASON_FORMAT_SIZE);
	/* Row 12 */
	for (i = 0; i < pin->data_ranges_count; i++) {
		if (ref_matches(fmt, &pin->data_ranges[i])) {
			v->range = i;
			v->format_bytes = bytes;
			return verdict(v, 0, KS_REASON_NONE);
		}
	}
	return verdict(v, -EDOM, KS_REASON_FORMAT);
}
