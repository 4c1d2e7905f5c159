// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: audio data formats, built from and parsed into parameters, and
 * the data intersection that asks a pin for its best format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libks-internal.h"

/* ---- formats ---- */

static void fill_dataformat(struct ks_dataformat *df, uint32_t size,
			    enum ks_sample_type type, uint32_t block_align)
{
	memset(df, 0, sizeof(*df));
	df->format_size = size;
	df->sample_size = block_align;
	df->major_format = guid_audio;
	df->sub_format = type == KS_SAMPLE_FLOAT ? guid_float : guid_pcm;
	df->specifier = guid_wfx;
}

static void fill_wfx(struct ks_waveformatex *w, uint16_t tag, uint32_t rate,
		     uint16_t channels, uint16_t bits, uint16_t cb_size)
{
	w->format_tag = tag;
	w->channels = channels;
	w->samples_per_sec = rate;
	w->block_align = channels * bits / 8;
	w->avg_bytes_per_sec = rate * w->block_align;
	w->bits_per_sample = bits;
	w->cb_size = cb_size;
}

int ks_build_audio_format(struct ks_dataformat_waveformatex *fmt,
			  enum ks_sample_type type, uint32_t rate,
			  uint16_t channels, uint16_t bits)
{
	struct ks_dataformat df;
	struct ks_waveformatex w;

	if (!rate || !channels || !bits)
		return fail(EINVAL);
	fill_wfx(&w, type == KS_SAMPLE_FLOAT ? KS_WAVE_FORMAT_IEEE_FLOAT :
		 KS_WAVE_FORMAT_PCM, rate, channels, bits, 0);
	fill_dataformat(&df, sizeof(*fmt), type, w.block_align);
	/* The packed structure may be unaligned: copy whole members in. */
	memcpy(&fmt->data_format, &df, sizeof(df));
	memcpy(&fmt->wave_format, &w, sizeof(w));
	return sizeof(*fmt);
}

static uint32_t default_channel_mask(uint16_t channels)
{
	/* FL FR FC LFE BL BR FLC FRC: Windows' KSAUDIO_SPEAKER_* layouts. */
	static const uint32_t masks[] = {
		0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f,
	};

	return channels < ARRAY_SIZE(masks) ? masks[channels] : 0;
}

int ks_build_audio_format_ext(struct ks_dataformat_waveformatextensible *fmt,
			      enum ks_sample_type type, uint32_t rate,
			      uint16_t channels, uint16_t bits,
			      uint32_t channel_mask)
{
	struct ks_waveformatextensible x;
	struct ks_dataformat df;

	if (!rate || !channels || !bits)
		return fail(EINVAL);
	memset(&x, 0, sizeof(x));
	fill_wfx(&x.format, KS_WAVE_FORMAT_EXTENSIBLE, rate, channels, bits,
		 sizeof(x) - sizeof(x.format));
	x.valid_bits_per_sample = bits;
	x.channel_mask = channel_mask ? channel_mask :
			 default_channel_mask(channels);
	x.sub_format = type == KS_SAMPLE_FLOAT ? guid_float : guid_pcm;
	fill_dataformat(&df, sizeof(*fmt), type, x.format.block_align);
	memcpy(&fmt->data_format, &df, sizeof(df));
	memcpy(&fmt->wave_format, &x, sizeof(x));
	return sizeof(*fmt);
}

static int parse_u32(const char *s, const char *end, uint32_t max,
		     uint32_t *out)
{
	unsigned long v = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

int ks_parse_format(const char *text, struct ks_audio_params *p)
{
	const char *field[4], *end[4];
	uint32_t rate, channels, bits;
	const char *s = text;
	size_t tlen;
	int n = 0;

	while (n < 4) {
		field[n] = s;
		s += strcspn(s, ":");
		end[n++] = s;
		if (!*s)
			break;
		s++;
	}
	if (*s || n < 3)
		return fail(EINVAL);

	memset(p, 0, sizeof(*p));
	tlen = end[0] - field[0];
	if (tlen >= 4 && !strncmp(end[0] - 4, "-ext", 4)) {
		p->extensible = true;
		tlen -= 4;
	}
	if (tlen == 3 && !strncmp(field[0], "pcm", 3))
		p->type = KS_SAMPLE_PCM;
	else if (tlen == 5 && !strncmp(field[0], "float", 5))
		p->type = KS_SAMPLE_FLOAT;
	else
		return fail(EINVAL);

	if (parse_u32(field[1], end[1], UINT32_MAX, &rate) ||
	    parse_u32(field[2], end[2], UINT16_MAX, &channels))
		return fail(EINVAL);
	if (n == 4) {
		if (parse_u32(field[3], end[3], UINT16_MAX, &bits))
			return fail(EINVAL);
	} else if (p->type == KS_SAMPLE_FLOAT) {
		bits = 32;
	} else {
		return fail(EINVAL);
	}
	if (!rate || !channels || !bits)
		return fail(EINVAL);
	p->rate = rate;
	p->channels = channels;
	p->bits = bits;
	return 0;
}

int ks_format_params_str(const struct ks_audio_params *p, char *buf,
			 size_t size)
{
	return snprintf(buf, size, "%s%s:%u:%u:%u",
			p->type == KS_SAMPLE_FLOAT ? "float" : "pcm",
			p->extensible ? "-ext" : "", p->rate, p->channels,
			p->bits);
}

int ks_build_format(const struct ks_audio_params *p, void *buf, size_t size)
{
	if (size < sizeof(struct ks_dataformat_waveformatextensible))
		return fail(ENOSPC);
	if (p->extensible)
		return ks_build_audio_format_ext(buf, p->type, p->rate,
						 p->channels, p->bits, 0);
	return ks_build_audio_format(buf, p->type, p->rate, p->channels,
				     p->bits);
}

/* ---- data intersection ---- */

struct ks_multiple_item *ks_list_build(const struct ks_dataformat *const *items,
				       unsigned int count)
{
	struct ks_multiple_item *list;
	uint64_t size = sizeof(*list);
	unsigned int i;
	char *p;

	for (i = 0; i < count; i++) {
		if (items[i]->format_size < sizeof(struct ks_dataformat) ||
		    items[i]->format_size > KS_CONNECT_SIZE_MAX) {
			errno = EINVAL;
			return NULL;
		}
		size = align8(size) + items[i]->format_size;
	}
	size = align8(size);
	if (size > KS_CONNECT_SIZE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	list = calloc(1, size);
	if (!list)
		return NULL;
	list->size = size;
	list->count = count;
	p = (char *)(list + 1);
	for (i = 0; i < count; i++) {
		memcpy(p, items[i], items[i]->format_size);
		p += align8(items[i]->format_size);
	}
	return list;
}

void ks_range_wildcard(struct ks_dataformat *range)
{
	memset(range, 0, sizeof(*range));
	range->format_size = sizeof(*range);
}

void ks_build_audio_range(struct ks_datarange_audio *r,
			  enum ks_sample_type type, uint32_t max_channels,
			  uint32_t min_bits, uint32_t max_bits,
			  uint32_t min_rate, uint32_t max_rate)
{
	memset(r, 0, sizeof(*r));
	r->data_range.format_size = sizeof(*r);
	r->data_range.major_format = guid_audio;
	r->data_range.sub_format = type == KS_SAMPLE_FLOAT ? guid_float :
				   guid_pcm;
	r->data_range.specifier = guid_wfx;
	r->maximum_channels = max_channels;
	r->minimum_bits_per_sample = min_bits;
	r->maximum_bits_per_sample = max_bits;
	r->minimum_sample_frequency = min_rate;
	r->maximum_sample_frequency = max_rate;
}

void *ks_pin_intersect_list(int filter_fd, uint32_t pin_id,
			    const struct ks_multiple_item *candidates,
			    uint32_t *size)
{
	uint32_t got = 0;
	uint32_t *inst;
	void *format;
	int ret;

	if (candidates->size < sizeof(*candidates) ||
	    candidates->size > KS_CONNECT_SIZE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	/* KSP_PIN's pin_id and reserved, then the KSMULTIPLE_ITEM. */
	inst = calloc(1, 8 + candidates->size);
	if (!inst)
		return NULL;
	inst[0] = pin_id;
	memcpy(inst + 2, candidates, candidates->size);
	ret = ks_property_alloc(filter_fd, &set_pin,
				KSPROPERTY_PIN_DATAINTERSECTION,
				KSPROPERTY_TYPE_GET, inst,
				8 + candidates->size, &format, &got);
	free(inst);
	if (ret < 0)
		return NULL;
	if (got < sizeof(struct ks_dataformat) ||
	    ((struct ks_dataformat *)format)->format_size > got) {
		free(format);
		errno = EPROTO;
		return NULL;
	}
	*size = got;
	return format;
}

void *ks_pin_intersect(int filter_fd, uint32_t pin_id,
		       const struct ks_dataformat *const *candidates,
		       unsigned int count, uint32_t *size)
{
	const struct ks_dataformat *any[1];
	struct ks_multiple_item *list;
	struct ks_dataformat wild;
	void *format;
	int err;

	if (!count) {
		ks_range_wildcard(&wild);
		any[0] = &wild;
		candidates = any;
		count = 1;
	}
	list = ks_list_build(candidates, count);
	if (!list)
		return NULL;
	format = ks_pin_intersect_list(filter_fd, pin_id, list, size);
	err = errno;
	free(list);
	errno = err;
	return format;
}

int ks_pin_propose_format(int filter_fd, uint32_t pin_id, const void *format,
			  uint32_t size)
{
	uint32_t inst[2] = { pin_id, 0 };

	/* A SET: the value (the format) travels in the output buffer. */
	return ks_property(filter_fd, &set_pin,
			   KSPROPERTY_PIN_PROPOSEDATAFORMAT, KSPROPERTY_TYPE_SET,
			   inst, sizeof(inst), (void *)format, size, NULL);
}
