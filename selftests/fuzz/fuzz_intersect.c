// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: KSPROPERTY_PIN_DATAINTERSECTION's pure parts in
 * module/format.c: the walk over the caller's KSMULTIPLE_ITEM of candidate
 * ranges (ks_range_list_init/next) and ks_format_intersect(), called the
 * way property.c calls them.
 *
 * Input:
 *	0  mode: bit 0 adds a provider range made of fuzzed bytes, bit 1 gives
 *	   it a fuzzed attribute list
 *	1  length L of the provider range's bytes (when bit 0), then L bytes,
 *	   then (bit 1) a length byte and the attribute list's bytes
 *	.. the rest: the candidate list, copied into a buffer of exactly its
 *	   size, 8-byte aligned
 * A provider's range is trusted data (format_size >= 64 and readable, an
 * attribute list's size within its storage): the harness makes the fuzzed
 * one so, and otherwise leaves it alone.
 *
 * Invariants: every item the walk returns lies inside the list at an
 * 8-aligned offset, no more items than count; an intersection result, in a
 * buffer of exactly the size asked for, passes ks_format_check() with that
 * size and matches the pin's range (what property.c WARNs about) and the
 * candidate; an out buffer one byte short gets -EOVERFLOW and is untouched.
 *
 * Oracle (SPEC 6, DATAINTERSECTION: "for audio the largest channel count,
 * bits and rate that both allow", EDOM "when none overlaps"), judged with
 * the reference of ref.c, not the module's matching: a result is allowed
 * by both sides, and none of its channels, bits (in whole bytes) and rate
 * can be raised, the other two kept, to a format both still allow and its
 * fields can hold; a refusal stands only if no witness is allowed by both:
 * the GUIDs the hierarchy gives and, for WAVEFORMATEX with a wave sub
 * format and some audio range to bound it, one channel of the fewest
 * whole-byte bits at the highest rate the byte rate can hold.
 */
#include <stdint.h>
#include <string.h>

#include "pins.h"
#include "ref.h"

#define FILL	0xA5

struct walked {
	const struct ks_dataformat *items[64];
	u32 count;
};

static int walk(const u8 *list, u32 avail, struct walked *w)
{
	const struct ks_dataformat *r;
	struct ks_range_list it;
	u32 header_count, off, n = 0;
	int ret;

	w->count = 0;
	if (ks_range_list_init(&it, list, avail))
		return -EINVAL;
	memcpy(&header_count, list + 4, sizeof(header_count));
	INVARIANT(it.size <= avail && it.size >= 8);
	while ((ret = ks_range_list_next(&it, &r)) > 0) {
		off = (u32)((const u8 *)r - list);
		INVARIANT((const u8 *)r >= list + 8);
		INVARIANT(off % 8 == 0);
		INVARIANT(r->format_size >= sizeof(*r));
		INVARIANT((u64)off + r->format_size <= it.size);
		INVARIANT(++n <= header_count);
		if (w->count < 64)
			w->items[w->count++] = r;
	}
	INVARIANT(ret == 0 || ret == -EINVAL);
	return ret;
}

#define WAVE_AT	sizeof(struct ks_dataformat)
#define U16_MAX	0xFFFFu
#define U32_MAX	0xFFFFFFFFu

static const struct ks_guid spec_wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;

static bool null16(const u8 *p)
{
	static const u8 zero[16];

	return !memcmp(p, zero, sizeof(zero));
}

static u32 get32(const void *p, size_t off)
{
	u32 v;

	memcpy(&v, (const u8 *)p + off, sizeof(v));
	return v;
}

/* The reference's 5.1 on both sides: the pin's range and the candidate. */
static bool both_allow(const u8 *f, const struct ks_data_range *range,
		       const struct ks_data_range *cand)
{
	return ref_matches(f, range) && ref_matches(f, cand);
}

/* @w with channels (0), bits (1) or rate (2) raised, if its fields hold it. */
static bool raise_one(struct ks_waveformatex *w, int which)
{
	u64 ch = w->channels, bits = w->bits_per_sample;
	u64 rate = w->samples_per_sec, align;

	if (which == 0)
		ch++;
	else if (which == 1)
		bits += 8;
	else
		rate++;
	align = ch * bits / 8;
	if (ch > U16_MAX || bits > U16_MAX || align > U16_MAX ||
	    rate > U32_MAX || rate * align > U32_MAX)
		return false;
	w->channels = (u16)ch;
	w->bits_per_sample = (u16)bits;
	w->samples_per_sec = (u32)rate;
	w->block_align = (u16)align;
	w->avg_bytes_per_sec = (u32)(rate * align);
	return true;
}

static void check_largest(const u8 *out, u32 bytes,
			  const struct ks_data_range *range,
			  const struct ks_data_range *cand)
{
	struct ks_waveformatex w, up;
	u8 *f;
	int which;

	INVARIANT(both_allow(out, range, cand));
	if (memcmp(out + 48, &spec_wave, sizeof(spec_wave)))
		return;
	INVARIANT(bytes >= WAVE_AT + sizeof(w));
	memcpy(&w, out + WAVE_AT, sizeof(w));
	f = dup_exact(out, bytes);
	for (which = 0; which < 3; which++) {
		up = w;
		if (!raise_one(&up, which))
			continue;
		memcpy(f + WAVE_AT, &up, sizeof(up));
		if (both_allow(f, range, cand))
			fprintf(stderr, "raising %d: %u ch %u bits %u Hz\n",
				which, up.channels, up.bits_per_sample,
				up.samples_per_sec);
		INVARIANT(!both_allow(f, range, cand));
	}
	free(f);
}

/* The audio limits of an audio range (SPEC 3.1 offsets) narrow @l. */
static void narrow(const u8 *r, u32 l[5])
{
	if (!ref_is_audio_range(r))
		return;
	l[0] = get32(r, 64) < l[0] ? get32(r, 64) : l[0];
	l[1] = get32(r, 68) > l[1] ? get32(r, 68) : l[1];
	l[2] = get32(r, 72) < l[2] ? get32(r, 72) : l[2];
	l[3] = get32(r, 76) > l[3] ? get32(r, 76) : l[3];
	l[4] = get32(r, 80) < l[4] ? get32(r, 80) : l[4];
}

/* A format both allow, in @f (format_size set), or false: see the top. */
static bool witness(const u8 *c, const u8 *r, u8 *f)
{
	static const u8 wave_tail[12] = { 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
					  0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 };
	/* channels, min bits, max bits, min rate, max rate */
	u32 l[5] = { U32_MAX, 0, U32_MAX, 0, U32_MAX };
	struct ks_waveformatex w = { 0 };
	u32 tag, bits, block, rate;
	size_t off;

	for (off = 16; off < 64; off += 16) {
		if (null16(r + off)) {
			memcpy(f + off, c + off, 64 - off);
			break;
		}
		if (null16(c + off)) {
			memcpy(f + off, r + off, 64 - off);
			break;
		}
		if (memcmp(r + off, c + off, 16))
			return false;
		memcpy(f + off, r + off, 16);
	}
	if (memcmp(f + 48, &spec_wave, sizeof(spec_wave))) {
		f[0] = 64;
		return true;
	}
	tag = get32(f, 32);
	if (tag > U16_MAX || tag == KS_WAVE_FORMAT_EXTENSIBLE ||
	    memcmp(f + 36, wave_tail, sizeof(wave_tail)))
		return false;
	if (!ref_is_audio_range(r) && !ref_is_audio_range(c))
		return false;
	narrow(r, l);
	narrow(c, l);
	bits = l[1] <= 8 ? 8 : (l[1] + 7) & ~7u;
	if (!l[0] || l[1] > U16_MAX || bits > l[2] || bits > U16_MAX)
		return false;
	block = bits / 8;
	rate = l[4] < U32_MAX / block ? l[4] : U32_MAX / block;
	if (rate < l[3])
		return false;
	w.format_tag = (u16)tag;
	w.channels = 1;
	w.samples_per_sec = rate;
	w.avg_bytes_per_sec = rate * block;
	w.block_align = (u16)block;
	w.bits_per_sample = (u16)bits;
	memcpy(f + WAVE_AT, &w, sizeof(w));
	f[0] = WAVE_AT + sizeof(w);
	return true;
}

/* -EDOM: no witness may be allowed by both. */
static void check_no_overlap(const struct ks_dataformat *c,
			     const struct ks_data_range *range,
			     const struct ks_data_range *cand)
{
	const struct ks_multiple_item *attrs = range->attributes;
	u32 at, n = 0;
	u8 *f;

	if ((range->range->flags & KSDATARANGE_REQUIRED_ATTRIBUTES) && attrs)
		n = attrs->size;
	f = calloc(1, 88 + n);
	INVARIANT(f);
	if (witness((const u8 *)c, (const u8 *)range->range, f)) {
		/* A required list goes along, as the module's results carry. */
		if (n) {
			at = (f[0] + 7u) & ~7u;
			memcpy(f + at, attrs, n);
			f[4] = KSDATAFORMAT_ATTRIBUTES;
		}
		if (both_allow(f, range, cand))
			fprintf(stderr, "EDOM, but a witness of %u bytes\n",
				f[0]);
		INVARIANT(!both_allow(f, range, cand));
	}
	free(f);
}

static void one(const struct ks_dataformat *cand,
		const struct ks_data_range *range)
{
	const struct ks_data_range as_range = { .range = cand };
	u32 need, written, bytes;
	u8 *out;
	int ret;

	ret = ks_format_intersect(cand, cand->format_size, range, NULL, 0,
				  &need);
	INVARIANT(ret == -EOVERFLOW || ret == -EDOM);
	if (ret == -EDOM) {
		check_no_overlap(cand, range, &as_range);
		return;
	}
	INVARIANT(need >= sizeof(struct ks_dataformat));

	out = malloc(need);
	INVARIANT(out);
	memset(out, FILL, need);
	ret = ks_format_intersect(cand, cand->format_size, range, out, need - 1,
				  &written);
	INVARIANT(ret == -EOVERFLOW && written == need);
	for (u32 i = 0; i < need; i++)
		INVARIANT(out[i] == FILL);

	ret = ks_format_intersect(cand, cand->format_size, range, out, need,
				  &written);
	INVARIANT(ret == 0 && written == need);
	INVARIANT(ks_format_check((const void *)out, need, &bytes) == 0);
	INVARIANT(bytes == need);
	INVARIANT(ks_format_matches((const void *)out, bytes, range));
	INVARIANT(ks_format_matches((const void *)out, bytes, &as_range));
	check_largest(out, bytes, range, &as_range);
	free(out);
}

/* The provider range made of fuzzed bytes: trusted shape, fuzzed content. */
struct fuzzed_range {
	struct ks_data_range range;
	u8 *bytes;
	u8 *attrs;
};

static size_t take_range(const u8 *data, size_t len, u8 mode,
			 struct fuzzed_range *fr)
{
	size_t used = 0, n, alen;
	struct ks_dataformat *r;
	u32 fs;

	memset(fr, 0, sizeof(*fr));
	if (!(mode & 1) || !len)
		return 0;
	n = data[0];
	used = 1;
	if (n > len - used)
		n = len - used;
	/* At least a KSDATARANGE, room for an audio one. */
	fr->bytes = calloc(1, n < 88 ? 88 : n);
	INVARIANT(fr->bytes);
	memcpy(fr->bytes, data + used, n);
	used += n;
	r = (struct ks_dataformat *)fr->bytes;
	fs = r->format_size;
	if (fs < sizeof(*r) || fs > (n < 88 ? 88 : n))
		r->format_size = n < 88 ? 88 : (u32)n;
	fr->range.range = r;
	if ((mode & 2) && used < len) {
		alen = data[used++];
		if (alen > len - used)
			alen = len - used;
		if (alen >= sizeof(struct ks_multiple_item)) {
			struct ks_multiple_item *h;

			fr->attrs = malloc(alen);
			INVARIANT(fr->attrs);
			memcpy(fr->attrs, data + used, alen);
			h = (void *)fr->attrs;
			if (h->size > alen || h->size < sizeof(*h))
				h->size = (u32)alen;
			fr->range.attributes = h;
		}
		used += alen;
	}
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzzed_range fr;
	struct walked w;
	size_t used;
	u8 *list;
	u32 i, j;

	if (len < 1 || len > 2 * KS_CONNECT_SIZE_MAX)
		return 0;
	used = 1 + take_range(data + 1, len - 1, data[0], &fr);
	list = dup_exact(data + used, len - used);
	/* property.c checks the whole list before intersecting anything. */
	if (walk(list, (u32)(len - used), &w) == 0) {
		for (i = 0; i < w.count; i++) {
			for (j = 0; j < all_ranges_count; j++)
				one(w.items[i], &all_ranges[j]);
			if (fr.range.range)
				one(w.items[i], &fr.range);
		}
	}
	free(list);
	free(fr.bytes);
	free(fr.attrs);
	return 0;
}
