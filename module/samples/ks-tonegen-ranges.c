// SPDX-License-Identifier: GPL-2.0
/*
 * ks-tonegen's interfaces, mediums and data ranges (see ks-tonegen-main.c): plain
 * data, built into the module and into the host fuzzers, so that both use
 * the same tables.
 */
#include "ks-tonegen-ranges.h"

const struct ks_identifier tonegen_control_interfaces[1] = {
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_CONTROL,
	},
};

const struct ks_identifier tonegen_streaming_interfaces[1] = {
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_STREAMING,
	},
};

const struct ks_identifier tonegen_control_mediums[1] = {
	{ .set = TONEGEN_MEDIUM, .id = 0 },
};

const struct ks_datarange_audio tonegen_tone_pcm = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = 2,
	.minimum_bits_per_sample = 16,
	.maximum_bits_per_sample = 16,
	.minimum_sample_frequency = 8000,
	.maximum_sample_frequency = 192000,
};

const struct ks_dataformat tonegen_any_stream = {
	.format_size = sizeof(struct ks_dataformat),
	.major_format = KSDATAFORMAT_TYPE_STREAM,
	.sub_format = KSDATAFORMAT_SUBTYPE_WILDCARD,
	.specifier = KSDATAFORMAT_SPECIFIER_WILDCARD,
};

const struct ks_dataformat tonegen_keyed_stream = {
	.format_size = sizeof(struct ks_dataformat),
	.flags = KSDATARANGE_ATTRIBUTES | KSDATARANGE_REQUIRED_ATTRIBUTES,
	.major_format = KSDATAFORMAT_TYPE_STREAM,
	.sub_format = KSDATAFORMAT_SUBTYPE_NONE,
	.specifier = KSDATAFORMAT_SPECIFIER_NONE,
};

const struct tonegen_attribute_list tonegen_keyed_attributes = {
	.header = {
		.size = sizeof(tonegen_keyed_attributes),
		.count = 1,
	},
	.key = {
		.size = sizeof(struct ks_attribute),
		.flags = KSATTRIBUTE_REQUIRED,
		.attribute = TONEGEN_ATTRIBUTE_KEY,
	},
};

const struct ks_data_range tonegen_tone_ranges[1] = {
	{ .range = &tonegen_tone_pcm.data_range },
};

const struct ks_data_range tonegen_any_stream_ranges[1] = {
	{ .range = &tonegen_any_stream },
};

const struct ks_data_range tonegen_keyed_ranges[1] = {
	{ .range = &tonegen_keyed_stream, .attributes = &tonegen_keyed_attributes.header },
};
