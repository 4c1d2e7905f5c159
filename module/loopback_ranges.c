// SPDX-License-Identifier: GPL-2.0
/*
 * ks-loopback's interfaces and data ranges (SPEC 9), in the order they are
 * reported: PCM then IEEE float, up to 8 channels, 8000 to 384000 Hz.
 * Plain data (see loopback_ranges.h).
 */
#include "loopback_ranges.h"

#define LOOPBACK_MIN_RATE	8000
#define LOOPBACK_MAX_RATE	384000
#define LOOPBACK_MAX_CHANNELS	8

const struct ks_identifier ks_loopback_interfaces[KS_LOOPBACK_INTERFACES] = {
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_STREAMING,
	},
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_LOOPED_STREAMING,
	},
};

const struct ks_datarange_audio ks_loopback_pcm = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = LOOPBACK_MAX_CHANNELS,
	.minimum_bits_per_sample = 8,
	.maximum_bits_per_sample = 32,
	.minimum_sample_frequency = LOOPBACK_MIN_RATE,
	.maximum_sample_frequency = LOOPBACK_MAX_RATE,
};

const struct ks_datarange_audio ks_loopback_float = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = LOOPBACK_MAX_CHANNELS,
	.minimum_bits_per_sample = 32,
	.maximum_bits_per_sample = 32,
	.minimum_sample_frequency = LOOPBACK_MIN_RATE,
	.maximum_sample_frequency = LOOPBACK_MAX_RATE,
};

const struct ks_data_range ks_loopback_ranges[KS_LOOPBACK_RANGES] = {
	{ .range = &ks_loopback_pcm.data_range },
	{ .range = &ks_loopback_float.data_range },
};
