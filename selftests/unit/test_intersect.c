// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of module/format.c's side of KSPROPERTY_PIN_DATAINTERSECTION:
 * walking a caller's KSMULTIPLE_ITEM of data ranges, and building the format
 * that a candidate range and a pin's data range both allow.
 */
#include <string.h>

#include "req.h"
#include "tap.h"

static u64 words[1024];
static u8 *const buf = (u8 *)words;
static u64 outw[64];
static u8 *const out = (u8 *)outw;

static const struct ks_guid guid_other = KS_GUID_INIT(0x12345678, 1, 2,
	3, 4, 5, 6, 7, 8, 9, 10);

static struct ks_datarange_audio audio_range(const struct ks_guid *sub,
					     u32 channels, u32 min_bits,
					     u32 max_bits, u32 min_rate,
					     u32 max_rate)
{
	struct ks_datarange_audio r;

	memset(&r, 0, sizeof(r));
	r.data_range.format_size = sizeof(r);
	r.data_range.major_format = guid_audio;
	r.data_range.sub_format = *sub;
	r.data_range.specifier = guid_wave;
	r.maximum_channels = channels;
	r.minimum_bits_per_sample = min_bits;
	r.maximum_bits_per_sample = max_bits;
	r.minimum_sample_frequency = min_rate;
	r.maximum_sample_frequency = max_rate;
	return r;
}

static struct ks_dataformat plain(const struct ks_guid *major,
				  const struct ks_guid *sub,
				  const struct ks_guid *spec)
{
	struct ks_dataformat f;

	fmt_plain(&f, major, sub, spec);
	return f;
}

/*
 * Intersect and, on success, check that the result is what the pin would
 * accept at creation: well formed, of the size reported, matching @range.
 */
static int isect(const void *cand, const struct ks_dataformat *range,
		 const struct ks_multiple_item *attrs, u32 *written)
{
	struct ks_data_range dr = { .range = range, .attributes = attrs };
	const struct ks_dataformat *cf = cand;
	u32 bytes = 0;
	int ret;

	memset(outw, 0xAA, sizeof(outw));
	*written = 0;
	ret = ks_format_intersect(cand, cf->format_size, &dr, out, sizeof(outw),
				  written);
	if (ret)
		return ret;
	EXPECT_EQ(ks_format_check((void *)out, *written, &bytes), 0);
	EXPECT_EQ(bytes, *written);
	EXPECT(ks_format_matches((void *)out, bytes, &dr));
	return 0;
}

static struct ks_waveformatex *out_wave(void)
{
	return (struct ks_waveformatex *)(out + sizeof(struct ks_dataformat));
}

static struct ks_dataformat *out_fmt(void)
{
	return (struct ks_dataformat *)out;
}

/* ---- walking a list of ranges ---- */

static struct ks_multiple_item *list_start(u32 count)
{
	struct ks_multiple_item *l = (struct ks_multiple_item *)buf;

	memset(words, 0, sizeof(words));
	l->size = sizeof(*l);
	l->count = count;
	return l;
}

/* Append @bytes of @item at the next 8-byte boundary; returns its offset. */
static u32 list_add(struct ks_multiple_item *l, const void *item, u32 bytes)
{
	u32 at = (l->size + 7) & ~7u;

	memcpy(buf + at, item, bytes);
	l->size = at + bytes;
	return at;
}

static void list_init_bounds(void)
{
	struct ks_range_list it;
	struct ks_multiple_item *l = list_start(0);

	EXPECT_EQ(ks_range_list_init(&it, l, 7), -EINVAL);
	l->size = 7;
	EXPECT_EQ(ks_range_list_init(&it, l, 100), -EINVAL);
	l->size = 101;
	EXPECT_EQ(ks_range_list_init(&it, l, 100), -EINVAL);
	l->size = 100;
	EXPECT_EQ(ks_range_list_init(&it, l, 100), 0);
	EXPECT_EQ(it.size, 100);
	EXPECT_EQ(it.left, 0);
}

static void list_empty(void)
{
	const struct ks_dataformat *r = NULL;
	struct ks_range_list it;
	struct ks_multiple_item *l = list_start(0);

	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), 0);
	EXPECT(!r);
}

static void list_items_aligned(void)
{
	struct ks_datarange_audio a = audio_range(&guid_pcm, 2, 16, 16, 8000,
						  48000);
	u64 pw[9] = { 0 };
	struct ks_dataformat *p = (struct ks_dataformat *)pw;
	const struct ks_dataformat *r;
	struct ks_range_list it;
	struct ks_multiple_item *l = list_start(3);
	u32 at1, at2, at3;

	*p = plain(&guid_stream, &guid_null, &guid_null);
	p->format_size = 65;	/* odd: the next item is aligned after it */
	at1 = list_add(l, p, 65);
	at2 = list_add(l, &a, sizeof(a));
	at3 = list_add(l, p, 65);
	EXPECT_EQ(at1, 8);
	EXPECT_EQ(at2, 80);
	EXPECT_EQ(at3, 168);
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
	EXPECT(r == (void *)(buf + at1));
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
	EXPECT(r == (void *)(buf + at2));
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
	EXPECT(r == (void *)(buf + at3));
	EXPECT_EQ(ks_range_list_next(&it, &r), 0);
}

static void list_fewer_items_than_count(void)
{
	struct ks_dataformat p = plain(&guid_stream, &guid_null, &guid_null);
	const struct ks_dataformat *r;
	struct ks_range_list it;
	struct ks_multiple_item *l = list_start(2);

	list_add(l, &p, sizeof(p));
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
}

static void list_item_bounds(void)
{
	struct ks_dataformat p = plain(&guid_stream, &guid_null, &guid_null);
	const struct ks_dataformat *r;
	struct ks_range_list it;
	struct ks_multiple_item *l = list_start(1);
	struct ks_dataformat *item;

	list_add(l, &p, sizeof(p));
	item = (struct ks_dataformat *)(buf + 8);
	/* The header cut by the list's size. */
	l->size = 8 + 63;
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
	/* format_size below a KSDATARANGE. */
	l->size = 8 + 64;
	item->format_size = 63;
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
	/* format_size beyond the list, and huge (no wrap). */
	item->format_size = 65;
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
	item->format_size = 0xFFFFFFFF;
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
	item->format_size = 64;
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
}

/* A range flagged KSDATARANGE_ATTRIBUTES, its attribute list, a range. */
static struct ks_multiple_item *list_with_attrs(u32 count)
{
	static const struct attr_spec key = { &guid_attr_a, 0, 0 };
	struct ks_dataformat p = plain(&guid_stream, &guid_null, &guid_null);
	struct ks_multiple_item *l = list_start(count);
	u64 attrs[8];
	u32 n;

	p.flags = KSDATARANGE_ATTRIBUTES;
	list_add(l, &p, sizeof(p));
	n = attr_list_build(attrs, &key, 1);
	list_add(l, attrs, n);
	p.flags = 0;
	p.sub_format = guid_sub_none;
	list_add(l, &p, sizeof(p));
	return l;
}

static void list_attrs_counted_and_skipped(void)
{
	const struct ks_dataformat *r;
	struct ks_range_list it;
	struct ks_multiple_item *l = list_with_attrs(3);

	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
	EXPECT(r == (void *)(buf + 8));
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
	EXPECT(r == (void *)(buf + 8 + 64 + 32));
	EXPECT(ks_guid_equal(&r->sub_format, &guid_sub_none));
	EXPECT_EQ(ks_range_list_next(&it, &r), 0);
	/* Counted as an item: a count of 2 ends after the list. */
	l->count = 2;
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), 1);
	EXPECT_EQ(ks_range_list_next(&it, &r), 0);
}

static void list_attrs_missing(void)
{
	u64 pw[9] = { 0 };
	struct ks_dataformat *p = (struct ks_dataformat *)pw;
	const struct ks_dataformat *r;
	struct ks_range_list it;
	struct ks_multiple_item *l = list_with_attrs(1);

	/* The count leaves no item for the attribute list. */
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
	/* The list ends with the range (its end is not aligned). */
	l = list_start(2);
	*p = plain(&guid_stream, &guid_null, &guid_null);
	p->flags = KSDATARANGE_ATTRIBUTES;
	p->format_size = 65;
	list_add(l, p, 65);
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
	/* An attribute list whose item lies beyond it. */
	l = list_with_attrs(3);
	((struct ks_multiple_item *)(buf + 72))->count = 2;
	EXPECT_EQ(ks_range_list_init(&it, l, sizeof(words)), 0);
	EXPECT_EQ(ks_range_list_next(&it, &r), -EINVAL);
}

/* ---- intersecting a candidate with a pin's range ---- */

static void intersect_bad_candidate(void)
{
	struct ks_dataformat p = plain(&guid_null, &guid_null, &guid_null);
	struct ks_data_range dr = { .range = &range_pcm.data_range };
	u32 w = 0;

	EXPECT_EQ(ks_format_intersect(&p, 63, &dr, out, sizeof(outw), &w),
		  -EINVAL);
	p.format_size = 63;
	EXPECT_EQ(ks_format_intersect(&p, 64, &dr, out, sizeof(outw), &w),
		  -EINVAL);
	p.format_size = 65;
	EXPECT_EQ(ks_format_intersect(&p, 64, &dr, out, sizeof(outw), &w),
		  -EINVAL);
}

static void intersect_audio_largest(void)
{
	struct ks_datarange_audio c = audio_range(&guid_pcm, 2, 16, 24, 44100,
						  48000);
	struct ks_waveformatex *wf = out_wave();
	u32 w;

	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), 0);
	EXPECT_EQ(w, 82);
	EXPECT_EQ(out_fmt()->format_size, 82);
	EXPECT_EQ(out_fmt()->flags, 0);
	EXPECT_EQ(out_fmt()->sample_size, 6);
	EXPECT_EQ(out_fmt()->reserved, 0);
	EXPECT(ks_guid_equal(&out_fmt()->major_format, &guid_audio));
	EXPECT(ks_guid_equal(&out_fmt()->sub_format, &guid_pcm));
	EXPECT(ks_guid_equal(&out_fmt()->specifier, &guid_wave));
	EXPECT_EQ(wf->format_tag, KS_WAVE_FORMAT_PCM);
	EXPECT_EQ(wf->channels, 2);
	EXPECT_EQ(wf->bits_per_sample, 24);
	EXPECT_EQ(wf->samples_per_sec, 48000);
	EXPECT_EQ(wf->block_align, 6);
	EXPECT_EQ(wf->avg_bytes_per_sec, 288000);
	EXPECT_EQ(wf->cb_size, 0);
}

static void intersect_audio_float(void)
{
	struct ks_dataformat any = plain(&guid_null, &guid_null, &guid_null);
	u32 w;

	/* A wildcard candidate gets the pin range's largest format. */
	EXPECT_EQ(isect(&any, &range_float.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->format_tag, KS_WAVE_FORMAT_IEEE_FLOAT);
	EXPECT_EQ(out_wave()->channels, 8);
	EXPECT_EQ(out_wave()->bits_per_sample, 32);
	EXPECT_EQ(out_wave()->samples_per_sec, 384000);
	EXPECT_EQ(out_wave()->block_align, 32);
	EXPECT_EQ(out_wave()->avg_bytes_per_sec, 384000 * 32);
	EXPECT_EQ(out_fmt()->sample_size, 32);
}

static void intersect_audio_sub_mismatch(void)
{
	struct ks_datarange_audio c = audio_range(&guid_float, 2, 32, 32, 8000,
						  48000);
	u32 w;

	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), -EDOM);
	EXPECT_EQ(isect(&c, &range_float.data_range, NULL, &w), 0);
}

static void intersect_audio_wildcard_sub(void)
{
	struct ks_datarange_audio c = audio_range(&guid_null, 1, 8, 16, 8000,
						  22050);
	struct ks_datarange_audio r = audio_range(&guid_null, 4, 8, 32, 8000,
						  96000);
	u32 w;

	/* The candidate's wildcard sub format takes the pin's. */
	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->channels, 1);
	EXPECT_EQ(out_wave()->bits_per_sample, 16);
	EXPECT_EQ(out_wave()->samples_per_sec, 22050);
	/* The pin's wildcard sub format takes the candidate's... */
	c.data_range.sub_format = guid_float;
	c.maximum_bits_per_sample = 32;
	EXPECT_EQ(isect(&c, &r.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->format_tag, KS_WAVE_FORMAT_IEEE_FLOAT);
	EXPECT_EQ(out_wave()->bits_per_sample, 32);
	/* ...and with both wildcards no tag can be chosen. */
	c.data_range.sub_format = guid_null;
	EXPECT_EQ(isect(&c, &r.data_range, NULL, &w), -EDOM);
}

static void intersect_audio_sub_not_a_tag(void)
{
	struct ks_datarange_audio r = audio_range(&guid_null, 2, 16, 16, 8000,
						  48000);
	struct ks_datarange_audio c = r;
	u32 w;

	c.data_range.sub_format = guid_other;
	EXPECT_EQ(isect(&c, &r.data_range, NULL, &w), -EDOM);
	/* A wave sub format GUID, but data1 beyond a u16 tag. */
	c.data_range.sub_format = guid_pcm;
	c.data_range.sub_format.data1 = 0x10001;
	EXPECT_EQ(isect(&c, &r.data_range, NULL, &w), -EDOM);
	/* EXTENSIBLE's needs the larger structure. */
	c.data_range.sub_format.data1 = KS_WAVE_FORMAT_EXTENSIBLE;
	EXPECT_EQ(isect(&c, &r.data_range, NULL, &w), -EDOM);
	/* Another tag is written as it is: tag 2 (ADPCM). */
	c.data_range.sub_format.data1 = 2;
	EXPECT_EQ(isect(&c, &r.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->format_tag, 2);
}

static void intersect_audio_bits(void)
{
	struct ks_datarange_audio c = audio_range(&guid_pcm, 2, 17, 20, 8000,
						  48000);
	u32 w;

	/* No whole byte count within 17-20 bits. */
	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), -EDOM);
	c.maximum_bits_per_sample = 31;
	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->bits_per_sample, 24);
	/* Below a byte. */
	c.minimum_bits_per_sample = 0;
	c.maximum_bits_per_sample = 7;
	EXPECT_EQ(isect(&c, &c.data_range, NULL, &w), -EDOM);
	/* Disjoint. */
	c.minimum_bits_per_sample = 40;
	c.maximum_bits_per_sample = 48;
	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), -EDOM);
}

static void intersect_audio_channels(void)
{
	struct ks_datarange_audio c = audio_range(&guid_pcm, 0, 16, 16, 8000,
						  48000);
	u32 w;

	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), -EDOM);
	c.maximum_channels = 100;
	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->channels, 8);
}

static void intersect_audio_rate(void)
{
	struct ks_datarange_audio c = audio_range(&guid_pcm, 2, 16, 16, 400000,
						  500000);
	u32 w;

	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), -EDOM);
	c.minimum_sample_frequency = 8000;
	c.maximum_sample_frequency = 7999;
	EXPECT_EQ(isect(&c, &c.data_range, NULL, &w), -EDOM);
	c.minimum_sample_frequency = 384000;
	c.maximum_sample_frequency = 500000;
	EXPECT_EQ(isect(&c, &range_pcm.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->samples_per_sec, 384000);
}

static void intersect_audio_field_limits(void)
{
	struct ks_datarange_audio c = audio_range(&guid_pcm, 0xFFFFFFFF, 32,
						  32, 0, 0xFFFFFFFF);
	u32 w;

	/* block_align is a u16: the channels give way, then the rate. */
	EXPECT_EQ(isect(&c, &c.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->channels, 0xFFFF / 4);
	EXPECT_EQ(out_wave()->block_align, (0xFFFF / 4) * 4);
	EXPECT_EQ(out_wave()->samples_per_sec, 0xFFFFFFFFu / ((0xFFFF / 4) * 4));
	/* A rate that may not give way leaves fewer channels the room. */
	c.minimum_sample_frequency = 0x10000000;
	EXPECT_EQ(isect(&c, &c.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->channels, 3);
	EXPECT_EQ(out_wave()->block_align, 12);
	EXPECT_EQ(out_wave()->samples_per_sec, 0xFFFFFFFFu / 12);
	/* One channel of 32 bits just fits; past that, no overlap. */
	c.minimum_sample_frequency = 0x3FFFFFFF;
	EXPECT_EQ(isect(&c, &c.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->channels, 1);
	EXPECT_EQ(out_wave()->avg_bytes_per_sec, 0x3FFFFFFFu * 4);
	c.minimum_sample_frequency = 0x40000000;
	EXPECT_EQ(isect(&c, &c.data_range, NULL, &w), -EDOM);
	/* bits_per_sample is a u16 too. */
	c.minimum_sample_frequency = 0;
	c.maximum_bits_per_sample = 0x10000;
	c.minimum_bits_per_sample = 8;
	EXPECT_EQ(isect(&c, &c.data_range, NULL, &w), 0);
	EXPECT_EQ(out_wave()->bits_per_sample, 0xFFF8);
	EXPECT_EQ(out_wave()->channels, 8);
}

/*
 * Ranges that overlap only at rates whose byte rate needs a small block:
 * the channels give way to the rate floor, not the whole answer (EDOM is
 * for ranges that do not overlap).  One channel of 8 bits at 512 MHz is a
 * format both allow; the largest is 7 channels of 32 bits.
 */
static void intersect_audio_rate_floor(void)
{
	struct ks_datarange_audio c = audio_range(&guid_pcm, 8, 8, 32,
						  134217918, 536870912);
	struct ks_dataformat r = plain(&guid_null, &guid_null, &guid_null);
	u32 w;

	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT_EQ(out_wave()->bits_per_sample, 32);
	EXPECT_EQ(out_wave()->channels, 7);
	EXPECT_EQ(out_wave()->block_align, 28);
	EXPECT_EQ(out_wave()->samples_per_sec, 0xFFFFFFFFu / 28);
	EXPECT_EQ(out_wave()->avg_bytes_per_sec, (0xFFFFFFFFu / 28) * 28);
	/* At a floor of 2^31 Hz only one byte a frame fits: 8 bits, 1 channel. */
	c.minimum_sample_frequency = 0x80000000u;
	c.maximum_sample_frequency = 0xFFFFFFFFu;
	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT_EQ(out_wave()->bits_per_sample, 8);
	EXPECT_EQ(out_wave()->channels, 1);
	EXPECT_EQ(out_wave()->samples_per_sec, 0xFFFFFFFFu);
	/* With 16 bits at the least, nothing fits. */
	c.minimum_bits_per_sample = 16;
	EXPECT_EQ(isect(&c, &r, NULL, &w), -EDOM);
}

static void intersect_wave_without_audio_range(void)
{
	struct ks_dataformat r = plain(&guid_audio, &guid_pcm, &guid_wave);
	struct ks_datarange_audio c = audio_range(&guid_pcm, 2, 16, 16, 8000,
						  48000);
	u32 w;

	/* Neither range says which channels, bits or rate. */
	EXPECT_EQ(isect(&r, &r, NULL, &w), -EDOM);
	/* The candidate alone does. */
	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT_EQ(out_wave()->channels, 2);
	EXPECT_EQ(out_wave()->samples_per_sec, 48000);
}

static void intersect_plain(void)
{
	struct ks_dataformat r = plain(&guid_stream, &guid_null, &guid_null);
	struct ks_dataformat c = plain(&guid_stream, &guid_sub_none,
				       &guid_spec_none);
	u32 w;

	r.sample_size = 4;
	r.flags = KSDATAFORMAT_TEMPORAL_COMPRESSION;
	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT_EQ(w, 64);
	EXPECT_EQ(out_fmt()->format_size, 64);
	EXPECT_EQ(out_fmt()->sample_size, 4);
	EXPECT_EQ(out_fmt()->flags, KSDATAFORMAT_TEMPORAL_COMPRESSION);
	EXPECT(ks_guid_equal(&out_fmt()->sub_format, &guid_sub_none));
	EXPECT(ks_guid_equal(&out_fmt()->specifier, &guid_spec_none));
	/* A wildcard candidate: the range as it is. */
	c = plain(&guid_null, &guid_null, &guid_null);
	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT(ks_guid_equal(&out_fmt()->major_format, &guid_stream));
	EXPECT(ks_guid_is_null(&out_fmt()->sub_format));
	/* Another major format. */
	c = plain(&guid_audio, &guid_null, &guid_null);
	EXPECT_EQ(isect(&c, &r, NULL, &w), -EDOM);
	/* A longer candidate: only its KSDATARANGE counts. */
	c = plain(&guid_stream, &guid_sub_none, &guid_null);
	c.format_size = 96;
	memset(words, 0, sizeof(words));
	memcpy(buf, &c, sizeof(c));
	EXPECT_EQ(isect(buf, &r, NULL, &w), 0);
	EXPECT_EQ(w, 64);
}

static void intersect_levels(void)
{
	struct ks_dataformat r = plain(&guid_stream, &guid_sub_none, &guid_null);
	struct ks_dataformat c = plain(&guid_stream, &guid_sub_none,
				       &guid_spec_none);
	u32 w;

	/* The pin's wildcard specifier takes the candidate's. */
	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT(ks_guid_equal(&out_fmt()->specifier, &guid_spec_none));
	/* The candidate's wildcard specifier takes the pin's. */
	EXPECT_EQ(isect(&r, &c, NULL, &w), 0);
	EXPECT(ks_guid_equal(&out_fmt()->specifier, &guid_spec_none));
	/* Both specific and equal. */
	EXPECT_EQ(isect(&c, &c, NULL, &w), 0);
	/* Different specifiers, different sub formats. */
	r.specifier = guid_other;
	EXPECT_EQ(isect(&c, &r, NULL, &w), -EDOM);
	r.specifier = guid_null;
	r.sub_format = guid_other;
	EXPECT_EQ(isect(&c, &r, NULL, &w), -EDOM);
	/* A wildcard major format in the pin's range takes it all. */
	r = plain(&guid_null, &guid_null, &guid_null);
	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT(ks_guid_equal(&out_fmt()->major_format, &guid_stream));
	EXPECT(ks_guid_equal(&out_fmt()->specifier, &guid_spec_none));
}

/* The tonegen "Keyed" range: STREAM/NONE/NONE, attribute required. */
static void intersect_required_attrs(void)
{
	static const struct attr_spec key[] = {
		{ &guid_attr_a, KSATTRIBUTE_REQUIRED, 0 },
		{ &guid_attr_b, 0, 40 },
	};
	struct ks_dataformat r = plain(&guid_stream, &guid_sub_none,
				       &guid_spec_none);
	struct ks_dataformat c = plain(&guid_null, &guid_null, &guid_null);
	u64 attrs[16];
	struct ks_multiple_item *list = (struct ks_multiple_item *)attrs;
	u32 n, w;

	n = attr_list_build(attrs, key, 2);
	r.flags = KSDATARANGE_ATTRIBUTES | KSDATARANGE_REQUIRED_ATTRIBUTES;
	EXPECT_EQ(isect(&c, &r, list, &w), 0);
	EXPECT_EQ(w, 64 + n);
	EXPECT_EQ(out_fmt()->flags, KSDATAFORMAT_ATTRIBUTES);
	EXPECT(!memcmp(out + 64, attrs, n));
	/* Without the REQUIRED flag, or without a list: no list passed on. */
	r.flags = KSDATARANGE_ATTRIBUTES;
	EXPECT_EQ(isect(&c, &r, list, &w), 0);
	EXPECT_EQ(w, 64);
	EXPECT_EQ(out_fmt()->flags, 0);
	r.flags = KSDATARANGE_REQUIRED_ATTRIBUTES;
	EXPECT_EQ(isect(&c, &r, NULL, &w), 0);
	EXPECT_EQ(w, 64);
	/* A malformed list matches nothing. */
	r.flags = KSDATARANGE_ATTRIBUTES | KSDATARANGE_REQUIRED_ATTRIBUTES;
	list->count = 3;
	EXPECT_EQ(isect(&c, &r, list, &w), -EDOM);
}

static void intersect_required_attrs_after_wave(void)
{
	static const struct attr_spec key = { &guid_attr_a,
					      KSATTRIBUTE_REQUIRED, 0 };
	struct ks_datarange_audio r = range_pcm;
	struct ks_dataformat c = plain(&guid_null, &guid_null, &guid_null);
	u64 attrs[8];
	u32 n, w, i;

	n = attr_list_build(attrs, &key, 1);
	r.data_range.flags = KSDATARANGE_REQUIRED_ATTRIBUTES;
	EXPECT_EQ(isect(&c, &r.data_range, (void *)attrs, &w), 0);
	EXPECT_EQ(w, 88 + n);
	/* The padding between the WAVEFORMATEX and the list is zeroed. */
	for (i = 82; i < 88; i++)
		EXPECT_EQ(out[i], 0);
	EXPECT(!memcmp(out + 88, attrs, n));
}

static void intersect_attr_list_huge(void)
{
	struct ks_multiple_item list = { .size = 0xFFFFFFF8, .count = 0 };
	struct ks_dataformat r = plain(&guid_stream, &guid_null, &guid_null);
	struct ks_dataformat c = plain(&guid_null, &guid_null, &guid_null);
	u32 w;

	/* 64 + 0xFFFFFFF8 does not fit a u32: no format can say it. */
	r.flags = KSDATARANGE_REQUIRED_ATTRIBUTES;
	EXPECT_EQ(isect(&c, &r, &list, &w), -EDOM);
}

static void intersect_out_too_small(void)
{
	struct ks_dataformat c = plain(&guid_null, &guid_null, &guid_null);
	struct ks_data_range dr = { .range = &range_pcm.data_range };
	u32 w = 0;

	memset(outw, 0xAA, sizeof(outw));
	EXPECT_EQ(ks_format_intersect(&c, 64, &dr, out, 81, &w), -EOVERFLOW);
	EXPECT_EQ(w, 82);
	EXPECT_EQ(out[0], 0xAA);
	EXPECT_EQ(ks_format_intersect(&c, 64, &dr, NULL, 0, &w), -EOVERFLOW);
	EXPECT_EQ(w, 82);
	EXPECT_EQ(ks_format_intersect(&c, 64, &dr, out, 82, &w), 0);
}

static const struct tap_case cases[] = {
	TAP_CASE(list_init_bounds),
	TAP_CASE(list_empty),
	TAP_CASE(list_items_aligned),
	TAP_CASE(list_fewer_items_than_count),
	TAP_CASE(list_item_bounds),
	TAP_CASE(list_attrs_counted_and_skipped),
	TAP_CASE(list_attrs_missing),
	TAP_CASE(intersect_bad_candidate),
	TAP_CASE(intersect_audio_largest),
	TAP_CASE(intersect_audio_float),
	TAP_CASE(intersect_audio_sub_mismatch),
	TAP_CASE(intersect_audio_wildcard_sub),
	TAP_CASE(intersect_audio_sub_not_a_tag),
	TAP_CASE(intersect_audio_bits),
	TAP_CASE(intersect_audio_channels),
	TAP_CASE(intersect_audio_rate),
	TAP_CASE(intersect_audio_field_limits),
	TAP_CASE(intersect_audio_rate_floor),
	TAP_CASE(intersect_wave_without_audio_range),
	TAP_CASE(intersect_plain),
	TAP_CASE(intersect_levels),
	TAP_CASE(intersect_required_attrs),
	TAP_CASE(intersect_required_attrs_after_wave),
	TAP_CASE(intersect_attr_list_huge),
	TAP_CASE(intersect_out_too_small),
};

int main(void)
{
	return tap_main(cases, TAP_COUNT(cases));
}
