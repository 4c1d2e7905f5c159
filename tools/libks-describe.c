// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: reading what the kernel returns, walking KSMULTIPLE_ITEM lists
 * and describing their ranges, formats, identifiers and GUIDs as text.
 */
#include <stdio.h>
#include <string.h>

#include "libks-internal.h"

/* ---- lists and descriptions ---- */

/* The item at @off if a well-formed one fits in the list, else NULL. */
static const struct ks_dataformat *list_item(const struct ks_multiple_item *list,
					     size_t off)
{
	const struct ks_dataformat *item;

	if (off + sizeof(*item) > list->size)
		return NULL;
	item = (const void *)((const char *)list + off);
	if (item->format_size < sizeof(*item) ||
	    item->format_size > list->size - off)
		return NULL;
	return item;
}

const struct ks_dataformat *ks_list_first(const struct ks_multiple_item *list)
{
	if (!list->count)
		return NULL;
	return list_item(list, sizeof(*list));
}

const struct ks_multiple_item *
ks_list_attributes(const struct ks_multiple_item *list,
		   const struct ks_dataformat *item)
{
	size_t off = (const char *)item - (const char *)list;
	const struct ks_multiple_item *attrs;

	if (!(item->flags & KSDATARANGE_ATTRIBUTES))
		return NULL;
	off = align8(off + item->format_size);
	if (off + sizeof(*attrs) > list->size)
		return NULL;
	attrs = (const void *)((const char *)list + off);
	if (attrs->size < sizeof(*attrs) || attrs->size > list->size - off)
		return NULL;
	return attrs;
}

const struct ks_dataformat *ks_list_next(const struct ks_multiple_item *list,
					 const struct ks_dataformat *item)
{
	const struct ks_multiple_item *attrs = ks_list_attributes(list, item);
	size_t off;

	if (attrs)
		off = (const char *)attrs - (const char *)list + attrs->size;
	else
		off = (const char *)item - (const char *)list +
		      item->format_size;
	return list_item(list, align8(off));
}

const struct ks_identifier *ks_list_identifiers(const struct ks_multiple_item *list,
						uint32_t *count)
{
	uint32_t n = (list->size - sizeof(*list)) / sizeof(struct ks_identifier);

	*count = n < list->count ? n : list->count;
	return (const void *)(list + 1);
}

const struct ks_guid *ks_list_guids(const struct ks_multiple_item *list,
				    uint32_t *count)
{
	uint32_t n = (list->size - sizeof(*list)) / sizeof(struct ks_guid);

	*count = n < list->count ? n : list->count;
	return (const void *)(list + 1);
}

bool ks_range_is_audio(const struct ks_dataformat *r)
{
	return r->format_size == sizeof(struct ks_datarange_audio) &&
	       ks_guid_eq(&r->major_format, &guid_audio) &&
	       ks_guid_eq(&r->specifier, &guid_wfx);
}

/* "pcm", "float", a GUID's name without its prefix, or its text. */
static const char *short_guid(const struct ks_guid *g, char *buf)
{
	static const char * const prefixes[] = {
		"KSDATAFORMAT_TYPE_", "KSDATAFORMAT_SUBTYPE_",
		"KSDATAFORMAT_SPECIFIER_",
	};
	static const struct ks_guid null_guid = KS_GUID_NULL;
	const char *name;
	size_t i;

	if (ks_guid_eq(g, &null_guid))
		return "any";
	if (ks_guid_eq(g, &guid_pcm))
		return "pcm";
	if (ks_guid_eq(g, &guid_float))
		return "float";
	name = ks_guid_name(g);
	if (!name)
		return ks_guid_str(g, buf);
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(name, prefixes[i], n))
			return name + n;
	}
	return name;
}

static int range_bits_str(uint32_t lo, uint32_t hi, char *buf, size_t size)
{
	return lo == hi ? snprintf(buf, size, "%u", lo) :
	       snprintf(buf, size, "%u-%u", lo, hi);
}

int ks_range_str(const struct ks_dataformat *r, char *buf, size_t size)
{
	char b1[KS_GUID_STR_LEN], b2[KS_GUID_STR_LEN], b3[KS_GUID_STR_LEN];
	const char *attrs = r->flags & KSDATARANGE_ATTRIBUTES ?
			    (r->flags & KSDATARANGE_REQUIRED_ATTRIBUTES ?
			     " +required attributes" : " +attributes") : "";
	char bits[24], rate[24];

	if (ks_range_is_audio(r)) {
		const struct ks_datarange_audio *a = (const void *)r;

		range_bits_str(a->minimum_bits_per_sample,
			       a->maximum_bits_per_sample, bits, sizeof(bits));
		range_bits_str(a->minimum_sample_frequency,
			       a->maximum_sample_frequency, rate, sizeof(rate));
		return snprintf(buf, size, "%s %s%uch %sbit %sHz%s",
				short_guid(&r->sub_format, b1),
				a->maximum_channels > 1 ? "1-" : "",
				a->maximum_channels, bits, rate, attrs);
	}
	return snprintf(buf, size, "%s/%s/%s%s",
			short_guid(&r->major_format, b1),
			short_guid(&r->sub_format, b2),
			short_guid(&r->specifier, b3), attrs);
}

int ks_format_audio_params(const void *format, uint32_t size,
			   struct ks_audio_params *p)
{
	const struct ks_dataformat *df = format;
	struct ks_waveformatextensible x;
	struct ks_waveformatex w;
	struct ks_guid sub;

	if (size < sizeof(struct ks_dataformat_waveformatex) ||
	    df->format_size < sizeof(struct ks_dataformat_waveformatex) ||
	    df->format_size > size || !ks_guid_eq(&df->major_format, &guid_audio) ||
	    !ks_guid_eq(&df->specifier, &guid_wfx))
		return fail(EINVAL);
	memcpy(&w, (const char *)format + sizeof(*df), sizeof(w));
	memset(p, 0, sizeof(*p));
	if (w.format_tag == KS_WAVE_FORMAT_EXTENSIBLE) {
		if (df->format_size < sizeof(struct ks_dataformat_waveformatextensible))
			return fail(EINVAL);
		memcpy(&x, (const char *)format + sizeof(*df), sizeof(x));
		memcpy(&sub, (const char *)&x + offsetof(typeof(x), sub_format),
		       sizeof(sub));
		p->extensible = true;
		if (ks_guid_eq(&sub, &guid_float))
			p->type = KS_SAMPLE_FLOAT;
		else if (ks_guid_eq(&sub, &guid_pcm))
			p->type = KS_SAMPLE_PCM;
		else
			return fail(EINVAL);
	} else if (w.format_tag == KS_WAVE_FORMAT_PCM) {
		p->type = KS_SAMPLE_PCM;
	} else if (w.format_tag == KS_WAVE_FORMAT_IEEE_FLOAT) {
		p->type = KS_SAMPLE_FLOAT;
	} else {
		return fail(EINVAL);
	}
	p->rate = w.samples_per_sec;
	p->channels = w.channels;
	p->bits = w.bits_per_sample;
	return 0;
}

int ks_format_str(const void *format, uint32_t size, char *buf, size_t bufsize)
{
	char b1[KS_GUID_STR_LEN], b2[KS_GUID_STR_LEN], b3[KS_GUID_STR_LEN];
	const struct ks_dataformat *df = format;
	struct ks_audio_params p;

	if (ks_format_audio_params(format, size, &p) == 0)
		return ks_format_params_str(&p, buf, bufsize);
	if (size < sizeof(*df))
		return snprintf(buf, bufsize, "(malformed format)");
	return snprintf(buf, bufsize, "%s/%s/%s%s",
			short_guid(&df->major_format, b1),
			short_guid(&df->sub_format, b2),
			short_guid(&df->specifier, b3),
			df->flags & KSDATAFORMAT_ATTRIBUTES ? " +attributes" : "");
}

const char *ks_identifier_name(const struct ks_identifier *id)
{
	static const struct ks_guid iface = KSINTERFACESETID_STANDARD;
	static const struct ks_guid medium = KSMEDIUMSETID_STANDARD;

	if (ks_guid_eq(&id->set, &iface)) {
		switch (id->id) {
		case KSINTERFACE_STANDARD_STREAMING: return "STREAMING";
		case KSINTERFACE_STANDARD_LOOPED_STREAMING: return "LOOPED_STREAMING";
		case KSINTERFACE_STANDARD_CONTROL: return "CONTROL";
		}
	}
	if (ks_guid_eq(&id->set, &medium) && id->id == KSMEDIUM_TYPE_ANYINSTANCE)
		return "ANYINSTANCE";
	return NULL;
}

bool ks_identifier_eq(const struct ks_identifier *a,
		      const struct ks_identifier *b)
{
	return ks_guid_eq(&a->set, &b->set) && a->id == b->id;
}

/* ---- GUIDs ---- */

bool ks_guid_eq(const struct ks_guid *a, const struct ks_guid *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

char *ks_guid_str(const struct ks_guid *g, char *buf)
{
	snprintf(buf, KS_GUID_STR_LEN,
		 "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 g->data1, g->data2, g->data3, g->data4[0], g->data4[1],
		 g->data4[2], g->data4[3], g->data4[4], g->data4[5],
		 g->data4[6], g->data4[7]);
	return buf;
}

#define NAMED(n) { #n, n }
static const struct {
	const char *name;
	struct ks_guid guid;
} guid_names[] = {
	NAMED(KSINTERFACESETID_STANDARD),
	NAMED(KSINTERFACESETID_FILEIO),
	NAMED(KSMEDIUMSETID_STANDARD),
	NAMED(KSDATAFORMAT_SPECIFIER_NONE),
	NAMED(KSDATAFORMAT_TYPE_STREAM),
	NAMED(KSDATAFORMAT_SUBTYPE_NONE),
	NAMED(KSDATAFORMAT_TYPE_AUDIO),
	NAMED(KSDATAFORMAT_SUBTYPE_PCM),
	NAMED(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT),
	NAMED(KSDATAFORMAT_SUBTYPE_ANALOG),
	NAMED(KSDATAFORMAT_SPECIFIER_WAVEFORMATEX),
	NAMED(KSCATEGORY_AUDIO),
	NAMED(KSCATEGORY_CAPTURE),
	NAMED(KSCATEGORY_RENDER),
	NAMED(KSCATEGORY_TOPOLOGY),
	NAMED(KSNODETYPE_DAC),
	NAMED(KSNODETYPE_ADC),
	NAMED(KSNODETYPE_VOLUME),
	NAMED(KSNODETYPE_MUTE),
	NAMED(KSNODETYPE_SUM),
	NAMED(KSNODETYPE_MUX),
	NAMED(KSNODETYPE_SPEAKER),
	NAMED(KSNODETYPE_MICROPHONE),
	NAMED(KSNODETYPE_HEADPHONES),
	NAMED(KSNODETYPE_LINE_CONNECTOR),
	NAMED(KSNODETYPE_LEGACY_AUDIO_CONNECTOR),
	{ "KSDATAFORMAT_WILDCARD", KS_GUID_NULL },
};
#undef NAMED

const char *ks_guid_name(const struct ks_guid *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(guid_names); i++)
		if (ks_guid_eq(g, &guid_names[i].guid))
			return guid_names[i].name;
	return NULL;
}
