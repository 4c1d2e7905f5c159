// SPDX-License-Identifier: GPL-2.0
/* The fixed pin descriptors of the fuzz harnesses (see pins.h). */
#include <string.h>

#include "pins.h"
#include "loopback_ranges.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- ks-loopback: the module's own tables (loopback_ranges.c) ---- */

static const struct ks_pin_descriptor loopback_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.interfaces = ks_loopback_interfaces,
		.interfaces_count = KS_LOOPBACK_INTERFACES,
		.data_ranges = ks_loopback_ranges,
		.data_ranges_count = KS_LOOPBACK_RANGES,
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.interfaces = ks_loopback_interfaces,
		.interfaces_count = KS_LOOPBACK_INTERFACES,
		.data_ranges = ks_loopback_ranges,
		.data_ranges_count = KS_LOOPBACK_RANGES,
	},
};

/* ---- ks-tonegen ---- */

#include "../../module/samples/ks-tonegen-ranges.h"

static const struct ks_pin_descriptor tonegen_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 4,
		.necessary_instances = 1,
		.data_ranges = tonegen_tone_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_tone_ranges),
	},
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_BOTH,
		.possible_instances = KS_INSTANCES_UNLIMITED,
		.interfaces = tonegen_control_interfaces,
		.interfaces_count = ARRAY_SIZE(tonegen_control_interfaces),
		.mediums = tonegen_control_mediums,
		.mediums_count = ARRAY_SIZE(tonegen_control_mediums),
		.data_ranges = tonegen_any_stream_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_any_stream_ranges),
	},
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.interfaces = tonegen_streaming_interfaces,
		.interfaces_count = ARRAY_SIZE(tonegen_streaming_interfaces),
		.data_ranges = tonegen_keyed_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_keyed_ranges),
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SOURCE,
		.possible_instances = 1,
		.data_ranges = tonegen_tone_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_tone_ranges),
	},
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_BRIDGE,
		.possible_instances = 1,
		.data_ranges = tonegen_any_stream_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_any_stream_ranges),
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_NONE,
	},
};

/* ---- extra ranges: what neither filter has ---- */

#define ATTR_OPTIONAL KS_GUID_INIT(0xF0221001, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)

static const struct ks_dataformat wildcard_all = {
	.format_size = sizeof(struct ks_dataformat),
};

/* Audio with a wildcard sub format: the audio limits still apply. */
static const struct ks_datarange_audio audio_any_sub = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = 1,
	.minimum_bits_per_sample = 8,
	.maximum_bits_per_sample = 8,
	.minimum_sample_frequency = 8000,
	.maximum_sample_frequency = 8000,
};

/* Wide limits, to reach the clamping in the intersection. */
static const struct ks_datarange_audio audio_wide = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = 0xFFFFFFFF,
	.minimum_bits_per_sample = 0,
	.maximum_bits_per_sample = 0xFFFFFFFF,
	.minimum_sample_frequency = 0,
	.maximum_sample_frequency = 0xFFFFFFFF,
};

/* Audio of any sub format and specifier: a non-audio-range audio range. */
static const struct ks_dataformat audio_major = {
	.format_size = sizeof(struct ks_dataformat),
	.major_format = KSDATAFORMAT_TYPE_AUDIO,
};

static const struct {
	struct ks_multiple_item header;
	struct ks_attribute a;
	struct ks_attribute b;
} two_attributes = {
	.header = { .size = sizeof(two_attributes), .count = 2 },
	.a = {
		.size = sizeof(struct ks_attribute),
		.flags = KSATTRIBUTE_REQUIRED,
		.attribute = TONEGEN_ATTRIBUTE_KEY,
	},
	.b = {
		.size = sizeof(struct ks_attribute),
		.attribute = ATTR_OPTIONAL,
	},
};

static const struct ks_dataformat stream_required = {
	.format_size = sizeof(struct ks_dataformat),
	.flags = KSDATARANGE_REQUIRED_ATTRIBUTES,
	.major_format = KSDATAFORMAT_TYPE_STREAM,
};

/* Attributes listed but not required: they never narrow the match. */
static const struct ks_dataformat stream_optional = {
	.format_size = sizeof(struct ks_dataformat),
	.major_format = KSDATAFORMAT_TYPE_STREAM,
	.sub_format = KSDATAFORMAT_SUBTYPE_NONE,
};

static const struct ks_data_range extra_ranges[] = {
	{ .range = &wildcard_all },
	{ .range = &audio_any_sub.data_range },
	{ .range = &audio_wide.data_range },
	{ .range = &audio_major },
	{ .range = &stream_required, .attributes = &two_attributes.header },
	{ .range = &stream_optional, .attributes = &two_attributes.header },
};

static const struct ks_pin_descriptor extra_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_BOTH,
		.possible_instances = KS_INSTANCES_UNLIMITED,
		.data_ranges = extra_ranges,
		.data_ranges_count = ARRAY_SIZE(extra_ranges),
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.interfaces = tonegen_control_interfaces,
		.interfaces_count = ARRAY_SIZE(tonegen_control_interfaces),
		.data_ranges = extra_ranges + 2,
		.data_ranges_count = ARRAY_SIZE(extra_ranges) - 2,
	},
	/* A broken descriptor: no valid dataflow, no ranges. */
	{
		.dataflow = 7,
		.communication = KSPIN_COMMUNICATION_BOTH,
	},
	/* The wildcard-sub audio range first, so that row 12 reaches it. */
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_BOTH,
		.possible_instances = KS_INSTANCES_UNLIMITED,
		.data_ranges = extra_ranges + 1,
		.data_ranges_count = ARRAY_SIZE(extra_ranges) - 1,
	},
};

const struct pin_set pin_sets[] = {
	{ "ks-loopback", loopback_pins, ARRAY_SIZE(loopback_pins) },
	{ "ks-tonegen", tonegen_pins, ARRAY_SIZE(tonegen_pins) },
	{ "extra", extra_pins, ARRAY_SIZE(extra_pins) },
};
const u32 pin_sets_count = ARRAY_SIZE(pin_sets);

const struct ks_data_range all_ranges[] = {
	{ .range = &ks_loopback_pcm.data_range },
	{ .range = &ks_loopback_float.data_range },
	{ .range = &tonegen_tone_pcm.data_range },
	{ .range = &tonegen_any_stream },
	{ .range = &tonegen_keyed_stream,
	  .attributes = &tonegen_keyed_attributes.header },
	{ .range = &wildcard_all },
	{ .range = &audio_any_sub.data_range },
	{ .range = &audio_wide.data_range },
	{ .range = &audio_major },
	{ .range = &stream_required, .attributes = &two_attributes.header },
	{ .range = &stream_optional, .attributes = &two_attributes.header },
};
const u32 all_ranges_count = ARRAY_SIZE(all_ranges);

void *dup_exact(const void *src, size_t n)
{
	void *p = malloc(n ? n : 1);

	INVARIANT(p);
	memcpy(p, src, n);
	return p;
}
