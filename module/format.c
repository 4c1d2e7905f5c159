// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: pure data format checks and range matching (SPEC 5, rows 11 and
 * 12, section 5.1).
 *
 * Everything here reads a request that userspace wrote, so every field is
 * read only after the bytes holding it are known to be inside the buffer.
 * Offsets are computed in 64 bits: a u32 format_size or item size near
 * 0xFFFFFFFF must not wrap around and pass a bounds check.
 */
#include "format.h"

#define KS_ALIGN8(x)	(((u64)(x) + 7) & ~(u64)7)

/* KSDATAFORMAT_SUBTYPE for a wave format tag: DEFINE_WAVEFORMATEX_GUID. */
#define KS_WAVE_SUBTYPE(tag) KS_GUID_INIT((tag), 0x0000, 0x0010, \
	0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)

static const struct ks_guid specifier_wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
static const struct ks_guid type_audio = KSDATAFORMAT_TYPE_AUDIO;

bool ks_guid_equal(const struct ks_guid *a, const struct ks_guid *b)
{
	return !memcmp(a, b, sizeof(*a));
}

bool ks_guid_is_null(const struct ks_guid *g)
{
	static const struct ks_guid null_guid = KS_GUID_NULL;

	return ks_guid_equal(g, &null_guid);
}

static const u8 *bytes_of(const struct ks_dataformat *fmt)
{
	return (const u8 *)fmt;
}

/* The WAVEFORMATEX that follows the KSDATAFORMAT (not yet known to fit). */
static const struct ks_waveformatex *wave_of(const struct ks_dataformat *fmt)
{
	return (const struct ks_waveformatex *)(bytes_of(fmt) + sizeof(*fmt));
}

/*
 * Does the WAVEFORMATEX (and, for WAVE_FORMAT_EXTENSIBLE, the rest of the
 * WAVEFORMATEXTENSIBLE) fit in format_size?  The caller has made sure that
 * format_size bytes are readable.
 */
static bool wave_fits(const struct ks_dataformat *fmt)
{
	const struct ks_waveformatex *wf = wave_of(fmt);
	u32 base = sizeof(struct ks_dataformat_waveformatex);
	u32 extra = sizeof(struct ks_waveformatextensible) - sizeof(*wf);

	if (fmt->format_size < base)
		return false;
	/* cb_size is a u16: the sum cannot wrap. */
	if (fmt->format_size < base + wf->cb_size)
		return false;
	return wf->format_tag != KS_WAVE_FORMAT_EXTENSIBLE || wf->cb_size >= extra;
}

/* One attribute of a list, if its header and its whole size lie in the list. */
static const struct ks_attribute *attr_at(const struct ks_multiple_item *list,
					  u64 pos)
{
	const struct ks_attribute *a;

	if (pos + sizeof(*a) > list->size)
		return NULL;
	a = (const struct ks_attribute *)((const u8 *)list + pos);
	if (a->size < sizeof(*a) || pos + a->size > list->size)
		return NULL;
	return a;
}

/*
 * Walk the count items of a KSMULTIPLE_ITEM of KSATTRIBUTE whose header
 * lies within @list->size, each item 8-byte aligned after the previous one,
 * and stop at the first for which @stop() (if given) is true.  Returns 1 when
 * it stopped, 0 at the end of the list, -1 when an item does not lie within
 * the list (a list holding fewer items than count says is malformed).  The
 * loop ends after at most size / 24 rounds whatever count says.
 */
static int attr_walk(const struct ks_multiple_item *list,
		     bool (*stop)(const struct ks_attribute *a, const void *ctx),
		     const void *ctx)
{
	const struct ks_attribute *a;
	u64 pos = sizeof(*list);
	u32 i;

	for (i = 0; i < list->count; i++) {
		a = attr_at(list, pos);
		if (!a)
			return -1;
		if (stop && stop(a, ctx))
			return 1;
		pos += KS_ALIGN8(a->size);
	}
	return 0;
}

static bool attr_is(const struct ks_attribute *a, const void *guid)
{
	return ks_guid_equal(&a->attribute, guid);
}

/* Is this a well-formed attribute list within @avail bytes? */
static bool attr_list_ok(const struct ks_multiple_item *list, u64 avail)
{
	if (avail < sizeof(*list))
		return false;
	if (list->size < sizeof(*list) || list->size > avail)
		return false;
	return attr_walk(list, NULL, NULL) == 0;
}

/* The attribute list of a format with KSDATAFORMAT_ATTRIBUTES, or NULL. */
static const struct ks_multiple_item *
format_attrs(const struct ks_dataformat *fmt, u32 avail)
{
	const struct ks_multiple_item *list;
	u64 off = KS_ALIGN8(fmt->format_size);

	if (off > avail)
		return NULL;
	list = (const struct ks_multiple_item *)(bytes_of(fmt) + off);
	if (!attr_list_ok(list, avail - off))
		return NULL;
	return list;
}

int ks_format_check(const struct ks_dataformat *fmt, u32 avail, u32 *bytes)
{
	const struct ks_multiple_item *list;

	if (avail < sizeof(*fmt))
		return -EINVAL;
	if (fmt->format_size < sizeof(*fmt) || fmt->format_size > avail)
		return -EINVAL;
	if (ks_guid_equal(&fmt->specifier, &specifier_wave) && !wave_fits(fmt))
		return -EINVAL;
	if (!(fmt->flags & KSDATAFORMAT_ATTRIBUTES)) {
		*bytes = fmt->format_size;
		return 0;
	}
	list = format_attrs(fmt, avail);
	if (!list)
		return -EINVAL;
	/* Cannot wrap: the list lies within avail, a u32. */
	*bytes = (u32)(KS_ALIGN8(fmt->format_size) + list->size);
	return 0;
}

/* SPEC 5.1: hierarchical GUID match, an all-zero GUID in the range matches all. */
static bool guids_match(const struct ks_dataformat *fmt,
			const struct ks_dataformat *range)
{
	if (ks_guid_is_null(&range->major_format))
		return true;
	if (!ks_guid_equal(&range->major_format, &fmt->major_format))
		return false;
	if (ks_guid_is_null(&range->sub_format))
		return true;
	if (!ks_guid_equal(&range->sub_format, &fmt->sub_format))
		return false;
	return ks_guid_is_null(&range->specifier) ||
	       ks_guid_equal(&range->specifier, &fmt->specifier);
}

/*
 * A KSDATARANGE_AUDIO whose fields are to be checked.  Windows applies the
 * audio limits only to a range that names its sub format: a range that
 * reached the format through a wildcard accepts it whole.  An audio range has
 * a non-wildcard major format and specifier by definition, so the sub format
 * is the only level left to test.
 */
static bool is_checked_audio_range(const struct ks_dataformat *range)
{
	return range->format_size == sizeof(struct ks_datarange_audio) &&
	       ks_guid_equal(&range->major_format, &type_audio) &&
	       ks_guid_equal(&range->specifier, &specifier_wave) &&
	       !ks_guid_is_null(&range->sub_format);
}

/*
 * The format tag must say what the sub format says: tag T goes with the
 * KSDATAFORMAT_SUBTYPE defined from T (PCM 1, IEEE_FLOAT 3, ...), and
 * WAVE_FORMAT_EXTENSIBLE carries the sub format GUID itself.
 */
static bool tag_consistent(const struct ks_dataformat *fmt,
			   const struct ks_waveformatex *wf)
{
	const struct ks_waveformatextensible *ext;
	struct ks_guid sub = KS_WAVE_SUBTYPE(wf->format_tag);

	if (wf->format_tag == KS_WAVE_FORMAT_EXTENSIBLE) {
		ext = (const struct ks_waveformatextensible *)wf;
		/* Copied out: a packed member's address may be unaligned. */
		memcpy(&sub, (const u8 *)ext + sizeof(*ext) - sizeof(sub),
		       sizeof(sub));
	}
	return ks_guid_equal(&sub, &fmt->sub_format);
}

/*
 * For EXTENSIBLE, wBitsPerSample is the container size: it is what fixes
 * block_align and what the range's bit limits are compared with.  The valid
 * bits must then be meaningful: nonzero and no more than the container.
 */
static bool valid_bits_ok(const struct ks_waveformatex *wf)
{
	const struct ks_waveformatextensible *ext;

	if (wf->format_tag != KS_WAVE_FORMAT_EXTENSIBLE)
		return true;
	ext = (const struct ks_waveformatextensible *)wf;
	return ext->valid_bits_per_sample &&
	       ext->valid_bits_per_sample <= wf->bits_per_sample;
}

static bool audio_limits_ok(const struct ks_datarange_audio *r,
			    const struct ks_waveformatex *wf)
{
	if (!wf->channels || wf->channels > r->maximum_channels)
		return false;
	if (wf->bits_per_sample < r->minimum_bits_per_sample ||
	    wf->bits_per_sample > r->maximum_bits_per_sample)
		return false;
	return wf->samples_per_sec >= r->minimum_sample_frequency &&
	       wf->samples_per_sec <= r->maximum_sample_frequency;
}

/* Whole frames of whole bytes, and a byte rate that agrees with them. */
static bool audio_layout_ok(const struct ks_waveformatex *wf)
{
	u32 block = (u32)wf->channels * (wf->bits_per_sample / 8);

	if (!wf->bits_per_sample || wf->bits_per_sample % 8)
		return false;
	if (wf->block_align != block)
		return false;
	return wf->avg_bytes_per_sec == (u64)wf->samples_per_sec * block;
}

static bool audio_matches(const struct ks_dataformat *fmt, u32 bytes,
			  const struct ks_dataformat *range)
{
	const struct ks_datarange_audio *r =
		(const struct ks_datarange_audio *)range;
	const struct ks_waveformatex *wf = wave_of(fmt);

	/* Re-checked, not trusted: this is all that bounds the reads below. */
	if (fmt->format_size > bytes || !wave_fits(fmt))
		return false;
	return audio_limits_ok(r, wf) && tag_consistent(fmt, wf) &&
	       valid_bits_ok(wf) && audio_layout_ok(wf);
}

/*
 * A range attribute the format lacks: one marked KSATTRIBUTE_REQUIRED whose
 * GUID is not in the format's list (@have, NULL when it carries none).
 */
static bool attr_missing(const struct ks_attribute *a, const void *have)
{
	if (!(a->flags & KSATTRIBUTE_REQUIRED))
		return false;
	return !have || attr_walk(have, attr_is, &a->attribute) <= 0;
}

/*
 * KSDATARANGE_REQUIRED_ATTRIBUTES: the format must carry every attribute the
 * range marks KSATTRIBUTE_REQUIRED.  A range list that does not parse
 * matches nothing rather than everything.
 */
static bool required_attrs_present(const struct ks_dataformat *fmt, u32 bytes,
				   const struct ks_data_range *range)
{
	const struct ks_multiple_item *have = NULL;

	if (!(range->range->flags & KSDATARANGE_REQUIRED_ATTRIBUTES) ||
	    !range->attributes)
		return true;
	if (fmt->flags & KSDATAFORMAT_ATTRIBUTES)
		have = format_attrs(fmt, bytes);
	return attr_walk(range->attributes, attr_missing, have) == 0;
}

bool ks_format_matches(const struct ks_dataformat *fmt, u32 bytes,
		       const struct ks_data_range *range)
{
	const struct ks_dataformat *r = range->range;

	if (!guids_match(fmt, r))
		return false;
	if (is_checked_audio_range(r) && !audio_matches(fmt, bytes, r))
		return false;
	return required_attrs_present(fmt, bytes, range);
}

int ks_format_match_ranges(const struct ks_dataformat *fmt, u32 bytes,
			   const struct ks_data_range *ranges, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (ks_format_matches(fmt, bytes, &ranges[i]))
			return (int)i;
	}
	return -1;
}
