// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of module/format.c: the format structure check (row 11)
 * and the matching of a format against data ranges (row 12, SPEC 5.1).
 */
#include <string.h>
#include <sys/mman.h>

#include "req.h"
#include "tap.h"

static u64 words[REQ_BYTES / 8];
static struct ks_dataformat *const f = (struct ks_dataformat *)words;

static int check(u32 avail)
{
	u32 bytes = 0;
	int err = ks_format_check(f, avail, &bytes);

	return err ? err : (int)bytes;
}

static void pcm(u16 channels, u32 rate, u16 bits)
{
	memset(words, 0, 1024);
	fmt_wavex(f, &guid_pcm, KS_WAVE_FORMAT_PCM, channels, rate, bits);
}

/* Does the (well-formed) format match @range? */
static bool match(const struct ks_dataformat *range)
{
	struct ks_data_range dr = { .range = range };
	u32 bytes;

	if (ks_format_check(f, REQ_BYTES, &bytes))
		return false;
	return ks_format_matches(f, bytes, &dr);
}

static bool match_pcm(void)
{
	return match(&range_pcm.data_range);
}

/* ---- row 11 ---- */

static void guid_helpers(void)
{
	EXPECT(ks_guid_is_null(&guid_null));
	EXPECT(!ks_guid_is_null(&guid_pcm));
	EXPECT(ks_guid_equal(&guid_pcm, &guid_pcm));
	EXPECT(!ks_guid_equal(&guid_pcm, &guid_float));
	/* Differs only in the last byte. */
	EXPECT(!ks_guid_equal(&guid_attr_a, &guid_attr_c));
}

/* Row 14h: the format a peer holds must be the requested one. */
static void same_format(void)
{
	static u64 other_words[REQ_BYTES / 8];
	struct ks_dataformat *g = (struct ks_dataformat *)other_words;

	pcm(2, 48000, 16);
	memcpy(other_words, words, sizeof(words));
	EXPECT(ks_format_same(f, g));
	/* Any byte of the format counts, the header's flags included. */
	((struct ks_dataformat_waveformatex *)g)->wave_format.samples_per_sec++;
	EXPECT(!ks_format_same(f, g));
	memcpy(other_words, words, sizeof(words));
	g->flags = 1;
	EXPECT(!ks_format_same(f, g));
	/* Bytes beyond format_size (an attribute list) do not. */
	memcpy(other_words, words, sizeof(words));
	((u8 *)g)[f->format_size] ^= 0xff;
	EXPECT(ks_format_same(f, g));
	/* Equal leading bytes but another size: not the same. */
	memcpy(other_words, words, sizeof(words));
	g->format_size += 8;
	EXPECT(!ks_format_same(f, g));
}

static void check_avail_short(void)
{
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	EXPECT_EQ(check(63), -EINVAL);
	EXPECT_EQ(check(0), -EINVAL);
	EXPECT_EQ(check(64), 64);
}

static void check_format_size_min(void)
{
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	f->format_size = 63;
	EXPECT_EQ(check(200), -EINVAL);
	f->format_size = 0;
	EXPECT_EQ(check(200), -EINVAL);
	f->format_size = 64;
	EXPECT_EQ(check(200), 64);
}

static void check_format_size_beyond_avail(void)
{
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	f->format_size = 101;
	EXPECT_EQ(check(100), -EINVAL);
	f->format_size = 100;
	EXPECT_EQ(check(100), 100);
	f->format_size = 0xFFFFFFF8;
	EXPECT_EQ(check(65536), -EINVAL);
	f->format_size = 0xFFFFFFFF;
	EXPECT_EQ(check(65536), -EINVAL);
}

static void check_wave_minimum(void)
{
	pcm(2, 48000, 16);
	EXPECT_EQ(check(82), 82);
	f->format_size = 81;
	EXPECT_EQ(check(82), -EINVAL);
	f->format_size = 64;
	EXPECT_EQ(check(82), -EINVAL);
}

static void check_wave_cb_size(void)
{
	pcm(2, 48000, 16);
	fmt_wave(f)->cb_size = 1;
	EXPECT_EQ(check(200), -EINVAL);
	f->format_size = 83;
	EXPECT_EQ(check(200), 83);
	fmt_wave(f)->cb_size = 0xFFFF;
	EXPECT_EQ(check(200), -EINVAL);
	f->format_size = 82 + 0xFFFF - 1;
	EXPECT_EQ(check(REQ_BYTES), -EINVAL);
	f->format_size = 82 + 0xFFFF;
	EXPECT_EQ(check(REQ_BYTES), 82 + 0xFFFF);
	EXPECT_EQ(check(82 + 0xFFFF - 1), -EINVAL);
}

static void check_extensible_cb_size(void)
{
	fmt_extensible(f, &guid_float, 6, 48000, 32, 32);
	EXPECT_EQ(check(104), 104);
	fmt_ext(f)->format.cb_size = 21;
	EXPECT_EQ(check(104), -EINVAL);
	f->format_size = 103;
	EXPECT_EQ(check(104), -EINVAL);
	fmt_ext(f)->format.cb_size = 22;
	EXPECT_EQ(check(104), -EINVAL);	/* 22 bytes do not fit in 103 */
	f->format_size = 104;
	EXPECT_EQ(check(104), 104);
	fmt_ext(f)->format.cb_size = 0;
	EXPECT_EQ(check(104), -EINVAL);
}

static void check_other_specifier_not_parsed(void)
{
	/* Without the WAVEFORMATEX specifier the bytes after 64 are opaque. */
	pcm(2, 48000, 16);
	f->specifier = guid_spec_none;
	fmt_wave(f)->cb_size = 0xFFFF;
	EXPECT_EQ(check(82), 82);
	f->format_size = 64;
	EXPECT_EQ(check(64), 64);
}

/* ---- row 11: attribute lists ---- */

static const struct attr_spec two_attrs[] = {
	{ &guid_attr_a, KSATTRIBUTE_REQUIRED, 28 },	/* next one at +32 */
	{ &guid_attr_b, 0, 0 },
};

static void attrs_well_formed(void)
{
	u32 bytes;

	pcm(2, 48000, 16);
	bytes = fmt_add_attrs(f, two_attrs, 2);
	EXPECT_EQ(bytes, 88 + 8 + 32 + 24);
	EXPECT_EQ(check(bytes), (int)bytes);
	EXPECT_EQ(check(bytes + 100), (int)bytes);
	EXPECT_EQ(fmt_attr_list(f)->size, 8 + 32 + 24);
}

static void attrs_aligned_start(void)
{
	/* format_size 64 is aligned already: the list follows directly. */
	u32 bytes;

	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	bytes = fmt_add_attrs(f, two_attrs, 1);
	EXPECT_EQ(bytes, 64 + 8 + 28);
	EXPECT_EQ(check(bytes), (int)bytes);
}

static void attrs_empty_list(void)
{
	u32 bytes;

	pcm(2, 48000, 16);
	bytes = fmt_add_attrs(f, NULL, 0);
	EXPECT_EQ(bytes, 96);
	EXPECT_EQ(check(bytes), 96);
	fmt_attr_list(f)->size = 7;
	EXPECT_EQ(check(bytes), -EINVAL);
	fmt_attr_list(f)->size = 0;
	EXPECT_EQ(check(bytes), -EINVAL);
}

static void attrs_truncated(void)
{
	u32 bytes;

	pcm(2, 48000, 16);
	bytes = fmt_add_attrs(f, two_attrs, 2);
	/* The list's size says more than the blob holds. */
	EXPECT_EQ(check(bytes - 1), -EINVAL);
	/* No room for the header; the header cut in half; the padding only. */
	EXPECT_EQ(check(88), -EINVAL);
	EXPECT_EQ(check(92), -EINVAL);
	EXPECT_EQ(check(95), -EINVAL);
	EXPECT_EQ(check(82), -EINVAL);
	EXPECT_EQ(check(84), -EINVAL);
}

static void attrs_count_mismatch(void)
{
	pcm(2, 48000, 16);
	fmt_add_attrs(f, two_attrs, 2);
	fmt_attr_list(f)->count = 3;
	EXPECT_EQ(check(1024), -EINVAL);
	fmt_attr_list(f)->count = 0xFFFFFFFF;
	EXPECT_EQ(check(1024), -EINVAL);
	/* Fewer than the list holds: the rest of the list is not parsed. */
	fmt_attr_list(f)->count = 1;
	EXPECT_EQ(check(1024), 88 + 8 + 32 + 24);
}

static void attrs_item_sizes(void)
{
	struct ks_attribute *first;

	pcm(2, 48000, 16);
	fmt_add_attrs(f, two_attrs, 2);
	first = (struct ks_attribute *)(fmt_attr_list(f) + 1);
	first->size = 23;
	EXPECT_EQ(check(1024), -EINVAL);
	first->size = 0;
	EXPECT_EQ(check(1024), -EINVAL);
	first->size = 0xFFFFFFFF;
	EXPECT_EQ(check(1024), -EINVAL);
	first->size = 0xFFFFFFF9;	/* would wrap to 0 when rounded up in u32 */
	EXPECT_EQ(check(1024), -EINVAL);
	/* As big as the list: the second item then has no room. */
	first->size = 8 + 32 + 24 - 8;
	EXPECT_EQ(check(1024), -EINVAL);
	first->size = 8 + 32 + 24 - 8 + 1;
	EXPECT_EQ(check(1024), -EINVAL);
	/* 32 is the same slot as 28. */
	first->size = 32;
	EXPECT_EQ(check(1024), 88 + 8 + 32 + 24);
	/* 33 pushes the second item to +40, past the list's end. */
	first->size = 33;
	EXPECT_EQ(check(1024), -EINVAL);
}

static void attrs_items_aligned(void)
{
	/*
	 * Item sizes 25 and 24 packed without alignment would need 8+25+24 = 57
	 * bytes; aligned the second starts at 40 and needs 64.
	 */
	static const struct attr_spec odd[] = {
		{ &guid_attr_a, 0, 25 }, { &guid_attr_b, 0, 0 },
	};

	pcm(2, 48000, 16);
	EXPECT_EQ(fmt_add_attrs(f, odd, 2), 88 + 64);
	EXPECT_EQ(check(1024), 88 + 64);
	fmt_attr_list(f)->size = 57;
	EXPECT_EQ(check(1024), -EINVAL);
	fmt_attr_list(f)->size = 63;
	EXPECT_EQ(check(1024), -EINVAL);
}

static void attrs_item_header_cut(void)
{
	/* A list that ends inside an item's 24-byte header. */
	pcm(2, 48000, 16);
	fmt_add_attrs(f, two_attrs, 1);
	fmt_attr_list(f)->size = 8 + 16;
	EXPECT_EQ(check(1024), -EINVAL);
}

static void attrs_list_size_huge(void)
{
	pcm(2, 48000, 16);
	fmt_add_attrs(f, two_attrs, 2);
	fmt_attr_list(f)->size = 0xFFFFFFFF;
	EXPECT_EQ(check(1024), -EINVAL);
	fmt_attr_list(f)->size = 0xFFFFFFF8;
	EXPECT_EQ(check(1024), -EINVAL);
}

/*
 * format_size 0xFFFFFFF9 rounded up to 8 is 2^32: in u32 arithmetic it would
 * wrap to 0 and the KSDATAFORMAT itself would be parsed as the list.  A 4 GiB
 * reservation (pages are only touched where written) gives the check an
 * honest avail of 0xFFFFFFFF.
 */
static void attrs_offset_wraps_u32(void)
{
	u64 len = 1ull << 32;
	struct ks_dataformat *big;
	u32 bytes = 0;

	big = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (big == MAP_FAILED) {
		tap_skip("cannot reserve 4 GiB");
		return;
	}
	fmt_plain(big, &guid_stream, &guid_sub_none, &guid_spec_none);
	/*
	 * Made so that the KSDATAFORMAT parsed as a list is well formed: size
	 * format_size, count flags (2), items {sample_size, reserved,
	 * major_format} at 8 and {sub_format...} at 32, both 24 bytes.
	 */
	big->flags = KSDATAFORMAT_ATTRIBUTES;
	big->sample_size = sizeof(struct ks_attribute);
	big->sub_format.data1 = sizeof(struct ks_attribute);
	big->format_size = 0xFFFFFFF9;
	EXPECT_EQ(ks_format_check(big, 0xFFFFFFFF, &bytes), -EINVAL);
	big->format_size = 0xFFFFFFFF;
	EXPECT_EQ(ks_format_check(big, 0xFFFFFFFF, &bytes), -EINVAL);
	/* At 0xFFFFFFF0 the list has 15 bytes: room for a header only. */
	big->format_size = 0xFFFFFFF0;
	*(struct ks_multiple_item *)((u8 *)big + 0xFFFFFFF0) =
		(struct ks_multiple_item){ .size = 8, .count = 0 };
	EXPECT_EQ(ks_format_check(big, 0xFFFFFFFF, &bytes), 0);
	EXPECT_EQ(bytes, 0xFFFFFFF8);
	munmap(big, len);
}

/* ---- row 12: GUID hierarchy ---- */

static void range_init(struct ks_dataformat *r, const struct ks_guid *major,
		       const struct ks_guid *sub, const struct ks_guid *spec)
{
	fmt_plain(r, major, sub, spec);
}

static void wildcard_major(void)
{
	struct ks_dataformat r;

	range_init(&r, &guid_null, &guid_pcm, &guid_wave);
	/* An all-zero major matches anything, whatever sub and specifier say. */
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	EXPECT(match(&r));
	pcm(99, 1, 16);
	EXPECT(match(&r));
}

static void wildcard_sub(void)
{
	struct ks_dataformat r;

	range_init(&r, &guid_audio, &guid_null, &guid_spec_none);
	pcm(2, 48000, 16);
	EXPECT(match(&r));
	f->sub_format = guid_float;
	EXPECT(match(&r));
	f->major_format = guid_stream;
	EXPECT(!match(&r));
}

static void wildcard_specifier(void)
{
	struct ks_dataformat r;

	range_init(&r, &guid_audio, &guid_pcm, &guid_null);
	pcm(2, 48000, 16);
	EXPECT(match(&r));
	f->specifier = guid_spec_none;
	EXPECT(match(&r));
	f->sub_format = guid_float;
	EXPECT(!match(&r));
}

static void exact_guids(void)
{
	struct ks_dataformat r;

	range_init(&r, &guid_stream, &guid_sub_none, &guid_spec_none);
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	EXPECT(match(&r));
	f->specifier = guid_wave;
	f->format_size = 82;
	EXPECT(!match(&r));
	fmt_plain(f, &guid_stream, &guid_pcm, &guid_spec_none);
	EXPECT(!match(&r));
	fmt_plain(f, &guid_audio, &guid_sub_none, &guid_spec_none);
	EXPECT(!match(&r));
	/* A format's all-zero GUID is no wildcard. */
	fmt_plain(f, &guid_null, &guid_null, &guid_null);
	EXPECT(!match(&r));
}

/*
 * SPEC 5.1: a KSDATARANGE_AUDIO is one by its major format, specifier and
 * size; a wildcard sub format does not exempt it from the audio limits.
 */
static void audio_range_wildcard_sub_keeps_audio_checks(void)
{
	struct ks_datarange_audio r = range_pcm;

	r.data_range.sub_format = guid_null;
	pcm(99, 1, 12);
	fmt_wave(f)->block_align = 1;
	EXPECT(!match(&r.data_range));
	EXPECT(!match_pcm());
	/* Within the limits: PCM and, through the wildcard, IEEE_FLOAT. */
	pcm(2, 48000, 16);
	EXPECT(match(&r.data_range));
	EXPECT(match_pcm());
	memset(words, 0, 1024);
	fmt_wavex(f, &guid_float, KS_WAVE_FORMAT_IEEE_FLOAT, 2, 48000, 32);
	EXPECT(match(&r.data_range));
	EXPECT(!match_pcm());
	/* Beyond the range's channels, bits and rate. */
	pcm(9, 48000, 16);
	EXPECT(!match(&r.data_range));
	pcm(2, 48000, 40);
	EXPECT(!match(&r.data_range));
	pcm(2, 400000, 16);
	EXPECT(!match(&r.data_range));
	/* A tag that is not the sub format's. */
	pcm(2, 48000, 16);
	f->sub_format = guid_float;
	EXPECT(!match(&r.data_range));
	/* A format that carries no WAVEFORMATEX has no audio fields to check. */
	fmt_plain(f, &guid_audio, &guid_pcm, &guid_spec_none);
	EXPECT(match(&r.data_range));
	EXPECT(!match_pcm());
	/* An audio range with a wildcard specifier is no KSDATARANGE_AUDIO. */
	r = range_pcm;
	r.data_range.specifier = guid_null;
	pcm(99, 1, 12);
	fmt_wave(f)->block_align = 1;
	EXPECT(match(&r.data_range));
}

static void plain_range_skips_audio_checks(void)
{
	/* AUDIO/PCM/WAVEFORMATEX as a bare 64-byte KSDATARANGE. */
	struct ks_dataformat r = range_pcm.data_range;

	r.format_size = sizeof(r);
	pcm(99, 1, 12);
	EXPECT(match(&r));
	r.format_size = 89;
	EXPECT(match(&r));
}

/* ---- row 12: audio limits ---- */

static void audio_valid(void)
{
	pcm(2, 48000, 16);
	EXPECT(match_pcm());
	pcm(8, 384000, 32);
	EXPECT(match_pcm());
	pcm(1, 8000, 8);
	EXPECT(match_pcm());
}

static void audio_channels(void)
{
	pcm(0, 48000, 16);
	EXPECT(!match_pcm());
	pcm(1, 48000, 16);
	EXPECT(match_pcm());
	pcm(8, 48000, 16);
	EXPECT(match_pcm());
	pcm(9, 48000, 16);
	EXPECT(!match_pcm());
	pcm(0xFFFF, 48000, 16);
	EXPECT(!match_pcm());
}

static void audio_bits_range(void)
{
	struct ks_datarange_audio r = range_pcm;

	r.minimum_bits_per_sample = 16;
	r.maximum_bits_per_sample = 24;
	pcm(2, 48000, 8);
	EXPECT(!match(&r.data_range));
	pcm(2, 48000, 16);
	EXPECT(match(&r.data_range));
	pcm(2, 48000, 24);
	EXPECT(match(&r.data_range));
	pcm(2, 48000, 32);
	EXPECT(!match(&r.data_range));
	/* One past each limit: in range or not, not whole bytes. */
	pcm(2, 48000, 15);
	EXPECT(!match(&r.data_range));
	pcm(2, 48000, 17);
	EXPECT(!match(&r.data_range));
	pcm(2, 48000, 23);
	EXPECT(!match(&r.data_range));
	pcm(2, 48000, 25);
	EXPECT(!match(&r.data_range));
}

static void audio_bits_whole_bytes(void)
{
	struct ks_datarange_audio r = range_pcm;

	r.minimum_bits_per_sample = 0;
	r.maximum_bits_per_sample = 0xFFFFFFFF;
	pcm(2, 48000, 0);
	EXPECT(!match(&r.data_range));
	pcm(2, 48000, 12);
	fmt_wave(f)->block_align = 3;
	fmt_wave(f)->avg_bytes_per_sec = 3 * 48000;
	EXPECT(!match(&r.data_range));
	pcm(2, 48000, 64);
	EXPECT(match(&r.data_range));
}

static void audio_rate(void)
{
	pcm(2, 7999, 16);
	EXPECT(!match_pcm());
	pcm(2, 8000, 16);
	EXPECT(match_pcm());
	pcm(2, 384000, 16);
	EXPECT(match_pcm());
	pcm(2, 384001, 16);
	EXPECT(!match_pcm());
	pcm(2, 0, 16);
	EXPECT(!match_pcm());
}

static void audio_tag_pcm(void)
{
	pcm(2, 48000, 16);
	fmt_wave(f)->format_tag = KS_WAVE_FORMAT_IEEE_FLOAT;
	EXPECT(!match_pcm());
	fmt_wave(f)->format_tag = 2;
	EXPECT(!match_pcm());
	fmt_wave(f)->format_tag = 0;
	EXPECT(!match_pcm());
}

static void audio_tag_float(void)
{
	fmt_wavex(f, &guid_float, KS_WAVE_FORMAT_IEEE_FLOAT, 2, 48000, 32);
	EXPECT(match(&range_float.data_range));
	EXPECT(!match_pcm());
	fmt_wave(f)->format_tag = KS_WAVE_FORMAT_PCM;
	EXPECT(!match(&range_float.data_range));
}

static void audio_tag_other_wave_subtype(void)
{
	/* A-law: tag 6 with KSDATAFORMAT_SUBTYPE_ALAW, defined from the tag. */
	static const struct ks_guid alaw = KS_GUID_INIT(6, 0, 0x10,
		0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71);
	struct ks_datarange_audio r = range_pcm;

	r.data_range.sub_format = alaw;
	fmt_wavex(f, &alaw, 6, 1, 8000, 8);
	EXPECT(match(&r.data_range));
	fmt_wave(f)->format_tag = KS_WAVE_FORMAT_PCM;
	EXPECT(!match(&r.data_range));
}

static void extensible_valid(void)
{
	fmt_extensible(f, &guid_float, 6, 48000, 32, 32);
	EXPECT(match(&range_float.data_range));
	fmt_extensible(f, &guid_pcm, 2, 48000, 16, 16);
	EXPECT(match_pcm());
	/* 24 valid bits in a 32-bit container. */
	fmt_extensible(f, &guid_pcm, 2, 48000, 32, 24);
	EXPECT(match_pcm());
}

static void extensible_sub_format(void)
{
	fmt_extensible(f, &guid_pcm, 2, 48000, 32, 32);
	fmt_ext(f)->sub_format = guid_float;
	EXPECT(!match_pcm());
	f->sub_format = guid_float;
	EXPECT(match(&range_float.data_range));
	/* The header's sub format matches the range but not the extension's. */
	fmt_ext(f)->sub_format = guid_pcm;
	EXPECT(!match(&range_float.data_range));
	/* The sub format's data1 is the tag 0xFFFE? Not a thing: no match. */
	fmt_ext(f)->sub_format.data1 = KS_WAVE_FORMAT_EXTENSIBLE;
	EXPECT(!match(&range_float.data_range));
}

static void extensible_valid_bits(void)
{
	fmt_extensible(f, &guid_pcm, 2, 48000, 24, 0);
	EXPECT(!match_pcm());
	fmt_ext(f)->valid_bits_per_sample = 1;
	EXPECT(match_pcm());
	fmt_ext(f)->valid_bits_per_sample = 24;
	EXPECT(match_pcm());
	fmt_ext(f)->valid_bits_per_sample = 25;
	EXPECT(!match_pcm());
}

static void extensible_bits_are_container(void)
{
	/* A 16-16 bit range: 16 valid bits in a 32-bit container is 32 bits. */
	struct ks_datarange_audio r = range_pcm;

	r.minimum_bits_per_sample = 16;
	r.maximum_bits_per_sample = 16;
	fmt_extensible(f, &guid_pcm, 2, 48000, 32, 16);
	EXPECT(!match(&r.data_range));
	fmt_extensible(f, &guid_pcm, 2, 48000, 16, 16);
	EXPECT(match(&r.data_range));
}

static void audio_block_align(void)
{
	pcm(2, 48000, 16);
	fmt_wave(f)->block_align = 3;
	EXPECT(!match_pcm());
	fmt_wave(f)->block_align = 5;
	EXPECT(!match_pcm());
	fmt_wave(f)->block_align = 0;
	EXPECT(!match_pcm());
	fmt_wave(f)->block_align = 4;
	EXPECT(match_pcm());
}

static void audio_avg_bytes(void)
{
	pcm(2, 48000, 16);
	fmt_wave(f)->avg_bytes_per_sec = 192000 - 1;
	EXPECT(!match_pcm());
	fmt_wave(f)->avg_bytes_per_sec = 192000 + 1;
	EXPECT(!match_pcm());
	fmt_wave(f)->avg_bytes_per_sec = 192000;
	EXPECT(match_pcm());
}

static void audio_avg_bytes_64bit(void)
{
	/* 0x80000000 Hz x 2 bytes wraps to 0 in u32: it must not match 0. */
	struct ks_datarange_audio r = range_pcm;

	r.maximum_sample_frequency = 0xFFFFFFFF;
	pcm(1, 0x80000000, 16);
	fmt_wave(f)->avg_bytes_per_sec = 0;
	EXPECT(!match(&r.data_range));
	/* 0xFFFFFFFF Hz x 1 byte fits. */
	pcm(1, 0xFFFFFFFF, 8);
	EXPECT(match(&r.data_range));
	/* 0x7FFFFFFF Hz x 4: wraps to 0xFFFFFFFC. */
	pcm(2, 0x7FFFFFFF, 16);
	EXPECT_EQ(fmt_wave(f)->avg_bytes_per_sec, 0xFFFFFFFC);
	EXPECT(!match(&r.data_range));
}

static void matches_not_trusting_bytes(void)
{
	/* Called on a format that does not fit what the caller claims. */
	struct ks_data_range dr = { .range = &range_pcm.data_range };

	pcm(2, 48000, 16);
	EXPECT(ks_format_matches(f, 82, &dr));
	EXPECT(!ks_format_matches(f, 81, &dr));
	f->format_size = 81;
	EXPECT(!ks_format_matches(f, 82, &dr));
	fmt_extensible(f, &guid_pcm, 2, 48000, 16, 16);
	fmt_ext(f)->format.cb_size = 21;
	EXPECT(!ks_format_matches(f, 104, &dr));
}

/* ---- row 12: required attributes ---- */

static u8 want_buf[256] __attribute__((aligned(8)));

static struct ks_data_range required_range(const struct attr_spec *items,
					   u32 count, u32 flags)
{
	static struct ks_datarange_audio r;
	struct ks_data_range dr;

	r = range_pcm;
	r.data_range.flags = flags;
	attr_list_build(want_buf, items, count);
	dr.range = &r.data_range;
	dr.attributes = (const struct ks_multiple_item *)want_buf;
	return dr;
}

static bool match_dr(const struct ks_data_range *dr)
{
	u32 bytes;

	if (ks_format_check(f, 1024, &bytes))
		return false;
	return ks_format_matches(f, bytes, dr);
}

static const struct attr_spec want_a_b[] = {
	{ &guid_attr_a, KSATTRIBUTE_REQUIRED, 0 },
	{ &guid_attr_b, 0, 0 },			/* optional */
};

static void required_present(void)
{
	static const struct attr_spec have[] = {
		{ &guid_attr_b, 0, 0 }, { &guid_attr_a, 0, 40 },
	};
	struct ks_data_range dr = required_range(want_a_b, 2,
						 KSDATARANGE_REQUIRED_ATTRIBUTES);

	pcm(2, 48000, 16);
	fmt_add_attrs(f, have, 2);
	EXPECT(match_dr(&dr));
	fmt_add_attrs(f, have + 1, 1);
	EXPECT(match_dr(&dr));
}

static void required_missing(void)
{
	static const struct attr_spec have_b[] = { { &guid_attr_b, 0, 0 } };
	static const struct attr_spec have_c[] = { { &guid_attr_c, 0, 0 } };
	struct ks_data_range dr = required_range(want_a_b, 2,
						 KSDATARANGE_REQUIRED_ATTRIBUTES);

	pcm(2, 48000, 16);
	EXPECT(!match_dr(&dr));
	fmt_add_attrs(f, have_b, 1);
	EXPECT(!match_dr(&dr));
	pcm(2, 48000, 16);
	fmt_add_attrs(f, have_c, 1);
	EXPECT(!match_dr(&dr));
	pcm(2, 48000, 16);
	fmt_add_attrs(f, NULL, 0);
	EXPECT(!match_dr(&dr));
}

static void required_flag_absent(void)
{
	/* Without KSDATARANGE_REQUIRED_ATTRIBUTES the list is not enforced. */
	struct ks_data_range dr = required_range(want_a_b, 2,
						 KSDATARANGE_ATTRIBUTES);

	pcm(2, 48000, 16);
	EXPECT(match_dr(&dr));
}

static void required_none_marked(void)
{
	struct ks_data_range dr = required_range(want_a_b + 1, 1,
						 KSDATARANGE_REQUIRED_ATTRIBUTES);

	pcm(2, 48000, 16);
	EXPECT(match_dr(&dr));
}

static void required_without_list(void)
{
	struct ks_data_range dr = required_range(want_a_b, 2,
						 KSDATARANGE_REQUIRED_ATTRIBUTES);

	dr.attributes = NULL;
	pcm(2, 48000, 16);
	EXPECT(match_dr(&dr));
}

static void required_range_list_malformed(void)
{
	struct ks_data_range dr = required_range(want_a_b + 1, 1,
						 KSDATARANGE_REQUIRED_ATTRIBUTES);

	((struct ks_multiple_item *)want_buf)->count = 2;
	pcm(2, 48000, 16);
	EXPECT(!match_dr(&dr));
}

static void required_format_list_beyond_bytes(void)
{
	/* ks_format_matches() re-parses the format's list within bytes only. */
	static const struct attr_spec have[] = {
		{ &guid_attr_a, 0, 0 },
	};
	struct ks_data_range dr = required_range(want_a_b, 2,
						 KSDATARANGE_REQUIRED_ATTRIBUTES);
	u32 bytes;

	pcm(2, 48000, 16);
	bytes = fmt_add_attrs(f, have, 1);
	EXPECT(ks_format_matches(f, bytes, &dr));
	EXPECT(!ks_format_matches(f, bytes - 1, &dr));
}

static void required_on_wildcard_range(void)
{
	/* The attribute rule holds for a wildcard range too. */
	struct ks_data_range dr = required_range(want_a_b, 2,
						 KSDATARANGE_REQUIRED_ATTRIBUTES);
	struct ks_dataformat *r = (struct ks_dataformat *)dr.range;

	r->major_format = guid_null;
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	EXPECT(!match_dr(&dr));
}

/* ---- row 12: the first matching range ---- */

static void match_ranges_first(void)
{
	struct ks_dataformat wild;
	struct ks_data_range three[3] = {
		ranges_loopback[0], ranges_loopback[1], { .range = &wild },
	};

	range_init(&wild, &guid_null, &guid_null, &guid_null);
	pcm(2, 48000, 16);
	EXPECT_EQ(ks_format_match_ranges(f, 82, three, 3), 0);
	fmt_wavex(f, &guid_float, KS_WAVE_FORMAT_IEEE_FLOAT, 2, 48000, 32);
	EXPECT_EQ(ks_format_match_ranges(f, 82, three, 3), 1);
	EXPECT_EQ(ks_format_match_ranges(f, 82, three, 2), 1);
	EXPECT_EQ(ks_format_match_ranges(f, 82, three, 1), -1);
	fmt_wave(f)->channels = 9;
	EXPECT_EQ(ks_format_match_ranges(f, 82, three, 3), 2);
	EXPECT_EQ(ks_format_match_ranges(f, 82, three, 2), -1);
	EXPECT_EQ(ks_format_match_ranges(f, 82, NULL, 0), -1);
}

static const struct tap_case cases[] = {
	TAP_CASE(guid_helpers),
	TAP_CASE(check_avail_short),
	TAP_CASE(check_format_size_min),
	TAP_CASE(check_format_size_beyond_avail),
	TAP_CASE(check_wave_minimum),
	TAP_CASE(check_wave_cb_size),
	TAP_CASE(check_extensible_cb_size),
	TAP_CASE(check_other_specifier_not_parsed),
	TAP_CASE(attrs_well_formed),
	TAP_CASE(attrs_aligned_start),
	TAP_CASE(attrs_empty_list),
	TAP_CASE(attrs_truncated),
	TAP_CASE(attrs_count_mismatch),
	TAP_CASE(attrs_item_sizes),
	TAP_CASE(attrs_items_aligned),
	TAP_CASE(attrs_item_header_cut),
	TAP_CASE(attrs_list_size_huge),
	TAP_CASE(attrs_offset_wraps_u32),
	TAP_CASE(wildcard_major),
	TAP_CASE(wildcard_sub),
	TAP_CASE(wildcard_specifier),
	TAP_CASE(exact_guids),
	TAP_CASE(audio_range_wildcard_sub_keeps_audio_checks),
	TAP_CASE(plain_range_skips_audio_checks),
	TAP_CASE(audio_valid),
	TAP_CASE(audio_channels),
	TAP_CASE(audio_bits_range),
	TAP_CASE(audio_bits_whole_bytes),
	TAP_CASE(audio_rate),
	TAP_CASE(audio_tag_pcm),
	TAP_CASE(audio_tag_float),
	TAP_CASE(audio_tag_other_wave_subtype),
	TAP_CASE(extensible_valid),
	TAP_CASE(extensible_sub_format),
	TAP_CASE(extensible_valid_bits),
	TAP_CASE(extensible_bits_are_container),
	TAP_CASE(audio_block_align),
	TAP_CASE(audio_avg_bytes),
	TAP_CASE(audio_avg_bytes_64bit),
	TAP_CASE(matches_not_trusting_bytes),
	TAP_CASE(required_present),
	TAP_CASE(required_missing),
	TAP_CASE(required_flag_absent),
	TAP_CASE(required_none_marked),
	TAP_CASE(required_without_list),
	TAP_CASE(required_range_list_malformed),
	TAP_CASE(required_format_list_beyond_bytes),
	TAP_CASE(required_on_wildcard_range),
	TAP_CASE(match_ranges_first),
	TAP_CASE(same_format),
};

int main(void)
{
	return tap_main(cases, TAP_COUNT(cases));
}
