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

bool ks_format_same(const struct ks_dataformat *a,
		    const struct ks_dataformat *b)
{
	return a->format_size == b->format_size &&
	       !memcmp(a, b, a->format_size);
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

/* A KSDATARANGE_AUDIO (its sub format may be the wildcard). */
static bool is_audio_range(const struct ks_dataformat *range)
{
	return range->format_size == sizeof(struct ks_datarange_audio) &&
	       ks_guid_equal(&range->major_format, &type_audio) &&
	       ks_guid_equal(&range->specifier, &specifier_wave);
}

/*
 * SPEC 5.1: the audio limits apply when the range is a KSDATARANGE_AUDIO,
 * whatever its sub format (the wildcard too), and the format carries a
 * WAVEFORMATEX.  Through a wildcard sub format the format's specifier is
 * not compared with the range's, so it is tested here.
 */
static bool audio_checks_apply(const struct ks_dataformat *fmt,
			       const struct ks_dataformat *range)
{
	return is_audio_range(range) &&
	       ks_guid_equal(&fmt->specifier, &specifier_wave);
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

/* Inline in the loop of every creation's check (row 12). */
static inline bool matches(const struct ks_dataformat *fmt, u32 bytes,
			   const struct ks_data_range *range)
{
	const struct ks_dataformat *r = range->range;

	if (!guids_match(fmt, r))
		return false;
	if (audio_checks_apply(fmt, r) && !audio_matches(fmt, bytes, r))
		return false;
	return required_attrs_present(fmt, bytes, range);
}

bool ks_format_matches(const struct ks_dataformat *fmt, u32 bytes,
		       const struct ks_data_range *range)
{
	return matches(fmt, bytes, range);
}

int ks_format_match_ranges(const struct ks_dataformat *fmt, u32 bytes,
			   const struct ks_data_range *ranges, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		if (matches(fmt, bytes, &ranges[i]))
			return (int)i;
	}
	return -1;
}

/* ---- lists of data ranges and intersection (KSPROPERTY_PIN_DATAINTERSECTION) ---- */

int ks_range_list_init(struct ks_range_list *it, const void *list, u32 avail)
{
	const struct ks_multiple_item *head = list;

	if (avail < sizeof(*head) || head->size < sizeof(*head) ||
	    head->size > avail)
		return -EINVAL;
	it->list = list;
	it->size = head->size;
	it->left = head->count;
	it->pos = sizeof(*head);
	return 0;
}

/* The range at it->pos, if its header and its format_size lie in the list. */
static const struct ks_dataformat *range_at(const struct ks_range_list *it)
{
	const struct ks_dataformat *r;

	if (it->pos + sizeof(*r) > it->size)
		return NULL;
	r = (const struct ks_dataformat *)(it->list + it->pos);
	if (r->format_size < sizeof(*r) || it->pos + r->format_size > it->size)
		return NULL;
	return r;
}

/*
 * Windows' convention: a range flagged KSDATARANGE_ATTRIBUTES is followed by
 * its attribute list, which is the next item of the list and counted in its
 * count.  Check it and step over it.
 */
static int skip_range_attrs(struct ks_range_list *it)
{
	const struct ks_multiple_item *attrs;

	if (!it->left || it->pos > it->size)
		return -EINVAL;
	attrs = (const struct ks_multiple_item *)(it->list + it->pos);
	if (!attr_list_ok(attrs, it->size - it->pos))
		return -EINVAL;
	it->left--;
	it->pos = KS_ALIGN8(it->pos + attrs->size);
	return 0;
}

int ks_range_list_next(struct ks_range_list *it,
		       const struct ks_dataformat **range)
{
	const struct ks_dataformat *r;

	if (!it->left)
		return 0;
	r = range_at(it);
	if (!r)
		return -EINVAL;
	it->left--;
	it->pos = KS_ALIGN8(it->pos + r->format_size);
	if ((r->flags & KSDATARANGE_ATTRIBUTES) && skip_range_attrs(it))
		return -EINVAL;
	*range = r;
	return 1;
}

static u32 lesser(u32 a, u32 b)
{
	return a < b ? a : b;
}

static u32 greater(u32 a, u32 b)
{
	return a > b ? a : b;
}

static void copy_guids(struct ks_dataformat *to, const struct ks_dataformat *from)
{
	to->major_format = from->major_format;
	to->sub_format = from->sub_format;
	to->specifier = from->specifier;
}

/* Major format, sub format, specifier. */
#define KS_GUID_LEVELS	3

static const struct ks_guid *guid_at(const struct ks_dataformat *fmt, size_t off)
{
	return (const struct ks_guid *)(bytes_of(fmt) + off);
}

/*
 * The GUIDs of a format that both ranges accept, wildcards filled from the
 * other range, following the hierarchy of guids_match(): a range that is the
 * wildcard at one level accepts the other's GUIDs from that level down.
 */
static bool merge_guids(const struct ks_dataformat *a,
			const struct ks_dataformat *b, struct ks_dataformat *out)
{
	static const size_t levels[KS_GUID_LEVELS] = {
		offsetof(struct ks_dataformat, major_format),
		offsetof(struct ks_dataformat, sub_format),
		offsetof(struct ks_dataformat, specifier),
	};
	const struct ks_dataformat *from = a;
	size_t i;

	for (i = 0; i < KS_GUID_LEVELS; i++) {
		if (ks_guid_is_null(guid_at(a, levels[i]))) {
			from = b;
			break;
		}
		if (ks_guid_is_null(guid_at(b, levels[i])))
			break;
		if (!ks_guid_equal(guid_at(a, levels[i]), guid_at(b, levels[i])))
			return false;
	}
	copy_guids(out, from);
	return true;
}

/* What two audio ranges both allow; a non-audio range does not narrow it. */
struct audio_limits {
	u32 channels;
	u32 min_bits;
	u32 max_bits;
	u32 min_rate;
	u32 max_rate;
};

static bool narrow_limits(struct audio_limits *l,
			  const struct ks_dataformat *range)
{
	const struct ks_datarange_audio *r =
		(const struct ks_datarange_audio *)range;

	if (!is_audio_range(range))
		return false;
	l->channels = lesser(l->channels, r->maximum_channels);
	l->min_bits = greater(l->min_bits, r->minimum_bits_per_sample);
	l->max_bits = lesser(l->max_bits, r->maximum_bits_per_sample);
	l->min_rate = greater(l->min_rate, r->minimum_sample_frequency);
	l->max_rate = lesser(l->max_rate, r->maximum_sample_frequency);
	return true;
}

/*
 * The WAVE_FORMAT tag whose DEFINE_WAVEFORMATEX_GUID is @sub, or -1: a sub
 * format that is no such GUID (or is EXTENSIBLE's, which needs the larger
 * structure) cannot be written as a plain WAVEFORMATEX.
 */
static int wave_tag_of(const struct ks_guid *sub)
{
	struct ks_guid g = KS_WAVE_SUBTYPE(sub->data1 & 0xFFFF);

	if (sub->data1 > 0xFFFF || sub->data1 == KS_WAVE_FORMAT_EXTENSIBLE)
		return -1;
	return ks_guid_equal(&g, sub) ? (int)sub->data1 : -1;
}

/*
 * The largest format the limits allow that section 5.1 accepts: whole bytes
 * per sample, and a block_align and byte rate that fit their fields.  The
 * bits come first, then the channels, then the rate; a block is never larger
 * than the lowest rate's byte rate can hold, so that with absurd limits the
 * bits and channels give way rather than leave no rate at all.
 */
static bool pick_wave(const struct audio_limits *l, int tag,
		      struct ks_waveformatex *wf)
{
	u32 max_block = l->min_rate ?
			lesser(0xFFFF, 0xFFFFFFFFu / l->min_rate) : 0xFFFF;
	u32 bits = lesser(lesser(l->max_bits, 0xFFFF), max_block * 8) & ~7u;
	u32 channels, block, rate;

	if (!bits || bits < l->min_bits)
		return false;
	channels = lesser(lesser(l->channels, 0xFFFF), max_block / (bits / 8));
	if (!channels)
		return false;
	block = channels * (bits / 8);
	rate = lesser(l->max_rate, 0xFFFFFFFFu / block);
	if (rate < l->min_rate)
		return false;
	memset(wf, 0, sizeof(*wf));
	wf->format_tag = (u16)tag;
	wf->channels = (u16)channels;
	wf->samples_per_sec = rate;
	wf->avg_bytes_per_sec = rate * block;
	wf->block_align = (u16)block;
	wf->bits_per_sample = (u16)bits;
	return true;
}

/* The WAVEFORMATEX for merged GUIDs naming WAVEFORMATEX, if there is one. */
static bool build_wave(const struct ks_dataformat *head,
		       const struct ks_dataformat *range,
		       const struct ks_dataformat *cand,
		       struct ks_waveformatex *wf)
{
	struct audio_limits l = {
		.channels = 0xFFFFFFFFu,
		.max_bits = 0xFFFFFFFFu,
		.max_rate = 0xFFFFFFFFu,
	};
	bool limited = narrow_limits(&l, range);
	int tag;

	/* No audio range says what to build: no format can be chosen. */
	if (!narrow_limits(&l, cand) && !limited)
		return false;
	tag = wave_tag_of(&head->sub_format);
	return tag >= 0 && pick_wave(&l, tag, wf);
}

/*
 * A range with KSDATARANGE_REQUIRED_ATTRIBUTES only matches a format that
 * carries its required attributes: the built format carries its whole list.
 */
static const struct ks_multiple_item *
required_list(const struct ks_data_range *range)
{
	if (!(range->range->flags & KSDATARANGE_REQUIRED_ATTRIBUTES))
		return NULL;
	return range->attributes;
}

int ks_format_intersect(const struct ks_dataformat *cand, u32 cand_bytes,
			const struct ks_data_range *range, void *out,
			u32 out_size, u32 *written)
{
	const struct ks_dataformat *r = range->range;
	const struct ks_multiple_item *attrs = required_list(range);
	struct ks_dataformat head = { 0 };
	struct ks_waveformatex wf;
	bool wave;
	u64 need;

	if (cand_bytes < sizeof(*cand) || cand->format_size < sizeof(*cand) ||
	    cand->format_size > cand_bytes)
		return -EINVAL;
	if (!merge_guids(r, cand, &head))
		return -EDOM;
	wave = ks_guid_equal(&head.specifier, &specifier_wave);
	if (wave && !build_wave(&head, r, cand, &wf))
		return -EDOM;
	/* A malformed provider list matches nothing (required_attrs_present). */
	if (attrs && !attr_list_ok(attrs, attrs->size))
		return -EDOM;

	head.format_size = wave ? sizeof(struct ks_dataformat_waveformatex) :
				  sizeof(head);
	head.flags = r->flags & KSDATAFORMAT_TEMPORAL_COMPRESSION;
	head.sample_size = wave ? wf.block_align : r->sample_size;
	need = head.format_size;
	if (attrs) {
		head.flags |= KSDATAFORMAT_ATTRIBUTES;
		need = KS_ALIGN8(need) + attrs->size;
	}
	if (need > 0xFFFFFFFFu)
		return -EDOM;
	*written = (u32)need;
	if (out_size < need)
		return -EOVERFLOW;

	memset(out, 0, (size_t)need);
	memcpy(out, &head, sizeof(head));
	if (wave)
		memcpy((u8 *)out + sizeof(head), &wf, sizeof(wf));
	if (attrs)
		memcpy((u8 *)out + KS_ALIGN8(head.format_size), attrs,
		       attrs->size);
	return 0;
}
