// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the format checks (ks_format_check, row 11) and range
 * matching (ks_format_matches, ks_format_match_ranges, row 12 and SPEC 5.1)
 * of module/format.c, over every range of pins.c.
 *
 * Input: the format bytes, copied into a buffer of exactly that size,
 * 8-byte aligned (what follows the KSPIN_CONNECT in the kernel's copy).
 *
 * Invariants: a well-formed format has 64 <= format_size <= bytes <= avail,
 * bytes == format_size without KSDATAFORMAT_ATTRIBUTES; a copy of exactly
 * those bytes is well formed with the same size and matches the same
 * ranges; match_ranges returns the first matching range; a match obeys the
 * GUID hierarchy and, for an audio range, the limits and layout of
 * SPEC 5.1 (computed here independently); and on every input the
 * reference (ref.c, rows 11 and 12 and 5.1 written again from SPEC) agrees
 * on well-formedness, the format's bytes and each range's match.
 */
#include <stdint.h>
#include <string.h>

#include "pins.h"
#include "ref.h"

static const struct ks_guid spec_wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
static const struct ks_guid type_audio = KSDATAFORMAT_TYPE_AUDIO;

static bool null_guid(const struct ks_guid *g)
{
	static const struct ks_guid zero;

	return !memcmp(g, &zero, sizeof(zero));
}

static bool same(const struct ks_guid *a, const struct ks_guid *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool hierarchy_ok(const struct ks_dataformat *f,
			 const struct ks_dataformat *r)
{
	if (null_guid(&r->major_format))
		return true;
	if (!same(&r->major_format, &f->major_format))
		return false;
	if (null_guid(&r->sub_format))
		return true;
	return same(&r->sub_format, &f->sub_format) &&
	       (null_guid(&r->specifier) || same(&r->specifier, &f->specifier));
}

/* SPEC 5.1 for a KSDATARANGE_AUDIO and a format with a WAVEFORMATEX. */
static void audio_oracle(const struct ks_dataformat *f, u32 bytes,
			 const struct ks_datarange_audio *r)
{
	struct ks_waveformatex w;
	u32 block;

	INVARIANT(same(&f->specifier, &spec_wave));
	INVARIANT(f->format_size >= sizeof(struct ks_dataformat) + 18);
	INVARIANT(f->format_size <= bytes);
	memcpy(&w, f + 1, sizeof(w));
	INVARIANT(f->format_size >= sizeof(struct ks_dataformat) + 18 +
		  w.cb_size);
	INVARIANT(w.channels >= 1 && w.channels <= r->maximum_channels);
	INVARIANT(w.bits_per_sample >= r->minimum_bits_per_sample &&
		  w.bits_per_sample <= r->maximum_bits_per_sample);
	INVARIANT(w.samples_per_sec >= r->minimum_sample_frequency &&
		  w.samples_per_sec <= r->maximum_sample_frequency);
	INVARIANT(w.bits_per_sample && w.bits_per_sample % 8 == 0);
	block = (u32)w.channels * w.bits_per_sample / 8;
	INVARIANT(w.block_align == block);
	INVARIANT(w.avg_bytes_per_sec == (u64)w.samples_per_sec * block);
	if (w.format_tag == KS_WAVE_FORMAT_EXTENSIBLE) {
		struct ks_waveformatextensible x;
		struct ks_guid sub;

		INVARIANT(w.cb_size >= 22);
		memcpy(&x, f + 1, sizeof(x));
		memcpy(&sub, (const u8 *)(f + 1) + 24, sizeof(sub));
		INVARIANT(same(&sub, &f->sub_format));
		INVARIANT(x.valid_bits_per_sample &&
			  x.valid_bits_per_sample <= w.bits_per_sample);
	} else {
		INVARIANT(f->sub_format.data1 == w.format_tag);
	}
}

/* A KSDATARANGE_AUDIO (any sub format) and a format with a WAVEFORMATEX. */
static bool checked_audio(const struct ks_dataformat *f,
			  const struct ks_dataformat *r)
{
	return r->format_size == sizeof(struct ks_datarange_audio) &&
	       same(&r->major_format, &type_audio) &&
	       same(&r->specifier, &spec_wave) &&
	       same(&f->specifier, &spec_wave);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ks_dataformat *fmt, *copy;
	u32 avail = (u32)len, bytes, again, i;
	int first = -1, idx;
	bool m;

	if (len > 2 * KS_CONNECT_SIZE_MAX)
		return 0;
	fmt = dup_exact(data, len);
	if (ks_format_check(fmt, avail, &bytes)) {
		INVARIANT(len < sizeof(*fmt) ||
			  !ref_format_ok((const u8 *)fmt, avail, &again));
		free(fmt);
		return 0;
	}
	INVARIANT(ref_format_ok((const u8 *)fmt, avail, &again));
	INVARIANT(again == bytes);
	INVARIANT(fmt->format_size >= sizeof(*fmt));
	INVARIANT(fmt->format_size <= bytes && bytes <= avail);
	if (!(fmt->flags & KSDATAFORMAT_ATTRIBUTES))
		INVARIANT(bytes == fmt->format_size);

	copy = dup_exact(fmt, bytes);
	INVARIANT(ks_format_check(copy, bytes, &again) == 0);
	INVARIANT(again == bytes);

	for (i = 0; i < all_ranges_count; i++) {
		m = ks_format_matches(fmt, bytes, &all_ranges[i]);
		if (m != ref_matches((const u8 *)fmt, &all_ranges[i]))
			fprintf(stderr, "range %u: module %d\n", i, m);
		INVARIANT(m == ref_matches((const u8 *)fmt, &all_ranges[i]));
		INVARIANT(m == ks_format_matches(copy, bytes, &all_ranges[i]));
		if (!m)
			continue;
		if (first < 0)
			first = (int)i;
		INVARIANT(hierarchy_ok(fmt, all_ranges[i].range));
		if (checked_audio(fmt, all_ranges[i].range))
			audio_oracle(fmt, bytes,
				     (const void *)all_ranges[i].range);
	}
	idx = ks_format_match_ranges(fmt, bytes, all_ranges, all_ranges_count);
	INVARIANT(idx == first);
	INVARIANT(ks_format_match_ranges(copy, bytes, all_ranges,
					 all_ranges_count) == first);
	free(copy);
	free(fmt);
	return 0;
}
