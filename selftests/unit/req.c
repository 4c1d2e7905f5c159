// SPDX-License-Identifier: GPL-2.0
/* Request, format and descriptor builders for the unit tests. */
#include <string.h>

#include "req.h"

#define AUDIO_GUID(d1) KS_GUID_INIT((d1), 0x0000, 0x0010, \
	0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)

const struct ks_guid guid_null = KS_GUID_NULL;
const struct ks_guid guid_audio = KSDATAFORMAT_TYPE_AUDIO;
const struct ks_guid guid_stream = KSDATAFORMAT_TYPE_STREAM;
const struct ks_guid guid_pcm = KSDATAFORMAT_SUBTYPE_PCM;
const struct ks_guid guid_float = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
const struct ks_guid guid_wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
const struct ks_guid guid_spec_none = KSDATAFORMAT_SPECIFIER_NONE;
const struct ks_guid guid_sub_none = KSDATAFORMAT_SUBTYPE_NONE;
const struct ks_guid guid_if_std = KSINTERFACESETID_STANDARD;
const struct ks_guid guid_medium_std = KSMEDIUMSETID_STANDARD;
/* Made-up attribute GUIDs. */
const struct ks_guid guid_attr_a = KS_GUID_INIT(0xA77A0001, 1, 2,
	3, 4, 5, 6, 7, 8, 9, 10);
const struct ks_guid guid_attr_b = KS_GUID_INIT(0xA77A0002, 1, 2,
	3, 4, 5, 6, 7, 8, 9, 10);
const struct ks_guid guid_attr_c = KS_GUID_INIT(0xA77A0001, 1, 2,
	3, 4, 5, 6, 7, 8, 9, 11);

const struct ks_datarange_audio range_pcm = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = 8,
	.minimum_bits_per_sample = 8,
	.maximum_bits_per_sample = 32,
	.minimum_sample_frequency = 8000,
	.maximum_sample_frequency = 384000,
};

const struct ks_datarange_audio range_float = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = 8,
	.minimum_bits_per_sample = 32,
	.maximum_bits_per_sample = 32,
	.minimum_sample_frequency = 8000,
	.maximum_sample_frequency = 384000,
};

const struct ks_data_range ranges_loopback[2] = {
	{ .range = &range_pcm.data_range },
	{ .range = &range_float.data_range },
};

void fmt_plain(struct ks_dataformat *f, const struct ks_guid *major,
	       const struct ks_guid *sub, const struct ks_guid *spec)
{
	memset(f, 0, sizeof(*f));
	f->format_size = sizeof(*f);
	f->major_format = *major;
	f->sub_format = *sub;
	f->specifier = *spec;
}

static void wave_fill(struct ks_waveformatex *w, u16 tag, u16 channels,
		      u32 rate, u16 bits)
{
	memset(w, 0, sizeof(*w));
	w->format_tag = tag;
	w->channels = channels;
	w->samples_per_sec = rate;
	w->bits_per_sample = bits;
	w->block_align = (u16)(channels * bits / 8);
	w->avg_bytes_per_sec = rate * w->block_align;
}

void fmt_wavex(struct ks_dataformat *f, const struct ks_guid *sub, u16 tag,
	       u16 channels, u32 rate, u16 bits)
{
	fmt_plain(f, &guid_audio, sub, &guid_wave);
	f->format_size = sizeof(struct ks_dataformat_waveformatex);
	wave_fill(fmt_wave(f), tag, channels, rate, bits);
}

void fmt_extensible(struct ks_dataformat *f, const struct ks_guid *sub,
		    u16 channels, u32 rate, u16 bits, u16 valid_bits)
{
	struct ks_waveformatextensible *x = fmt_ext(f);

	fmt_plain(f, &guid_audio, sub, &guid_wave);
	f->format_size = sizeof(struct ks_dataformat_waveformatextensible);
	memset(x, 0, sizeof(*x));
	wave_fill(&x->format, KS_WAVE_FORMAT_EXTENSIBLE, channels, rate, bits);
	x->format.cb_size = sizeof(*x) - sizeof(x->format);
	x->valid_bits_per_sample = valid_bits;
	x->channel_mask = (1u << channels) - 1;
	memcpy(&x->sub_format, sub, sizeof(*sub));
}

u32 attr_list_build(void *at, const struct attr_spec *items, u32 count)
{
	struct ks_multiple_item *list = at;
	struct ks_attribute *a;
	u32 pos = sizeof(*list), i, size;

	for (i = 0; i < count; i++) {
		size = items[i].size ? items[i].size : sizeof(*a);
		a = (struct ks_attribute *)((u8 *)at + pos);
		memset(a, 0, size);
		a->size = size;
		a->flags = items[i].flags;
		a->attribute = *items[i].guid;
		/* The last item needs no padding after it. */
		pos += i + 1 < count ? (size + 7) & ~7u : size;
	}
	list->size = pos;
	list->count = count;
	return pos;
}

struct ks_multiple_item *fmt_attr_list(struct ks_dataformat *f)
{
	return (struct ks_multiple_item *)((u8 *)f +
					   ((f->format_size + 7) & ~7u));
}

u32 fmt_add_attrs(struct ks_dataformat *f, const struct attr_spec *items,
		  u32 count)
{
	u32 off = (f->format_size + 7) & ~7u;

	f->flags |= KSDATAFORMAT_ATTRIBUTES;
	memset((u8 *)f + f->format_size, 0, off - f->format_size);
	return off + attr_list_build(fmt_attr_list(f), items, count);
}

void req_init(struct req *r)
{
	struct ks_pin_connect *c = req_connect(r);

	memset(r->words, 0, 512);
	c->interface.set = guid_if_std;
	c->interface.id = KSINTERFACE_STANDARD_STREAMING;
	c->medium.set = guid_medium_std;
	c->medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	c->priority.priority_class = KSPRIORITY_NORMAL;
	fmt_wavex(req_format(r), &guid_pcm, KS_WAVE_FORMAT_PCM, 2, 48000, 16);
	req_fit(r, sizeof(struct ks_dataformat_waveformatex));
}

void req_fit(struct req *r, u32 format_bytes)
{
	r->size = sizeof(struct ks_pin_connect) + format_bytes;
}

struct ks_pin_descriptor pin_desc(u32 dataflow)
{
	struct ks_pin_descriptor p = {
		.dataflow = dataflow,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.data_ranges = ranges_loopback,
		.data_ranges_count = 2,
	};

	return p;
}
