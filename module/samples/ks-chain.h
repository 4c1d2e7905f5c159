/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-gen and ks-gain: the facts about the two chain samples that their
 * users rely on - the modules themselves, the selftests, ksctl and the
 * benchmarks.  Builds in the kernel and in userspace alike.
 *
 * The chain they make with ks-loopback (docs/graphs.md):
 *
 *	ks-gen "Out" --(medium KS_CHAIN_MEDIUM)--> ks-gain "In"
 *	ks-gain "Out" --(physical connection)--> ks-loopback "Render"
 *	ks-loopback "Capture" --> the reader
 *
 * ks-gen's Out pin produces ks_chain_sample() for every frame and channel,
 * as fast as its queue takes it; ks-gain's Out pin carries its In pin's
 * samples through ks_chain_gain().  Both take 16-bit PCM only.
 */
#ifndef _KS_CHAIN_H
#define _KS_CHAIN_H

#include <linux/types.h>
#include <linux/ks.h>

#include "ks-volume.h"

#define GEN_NAME		"ks-gen"
#define GEN_MODNAME		"ks_gen"
#define GEN_PIN_OUT		0
#define GEN_PINS		1

/* Filter i of ks-gain is "ks-gain" for i = 0, "ks-gain-<i>" after. */
#define GAIN_NAME		"ks-gain"
#define GAIN_MODNAME		"ks_gain"
#define GAIN_PARAMS		"/sys/module/" GAIN_MODNAME "/parameters/"
#define GAIN_MAX_FILTERS	4
#define GAIN_PIN_IN		0
#define GAIN_PIN_OUT		1
#define GAIN_PINS		2
#define GAIN_DEFAULT_PERCENT	50

/*
 * The medium of ks-gen's Out and ks-gain's In pins (set, id): a private
 * bus, so that a graph builder pairs them and nothing else.
 */
#define KS_CHAIN_MEDIUM KS_GUID_INIT(0xF46B3F4F, 0x83A6, 0x45F5, \
	0x9A, 0x9E, 0x3D, 0x86, 0x4C, 0x4C, 0x88, 0x28)
#define KS_CHAIN_MEDIUM_ID	1

/* The data range of every chain pin: PCM, 16 bits. */
#define KS_CHAIN_MAX_CHANNELS	8
#define KS_CHAIN_BITS		16
#define KS_CHAIN_MIN_RATE	8000
#define KS_CHAIN_MAX_RATE	384000

/* Sample @channel of frame @frame of ks-gen's stream (frames count from 0). */
static inline __s16 ks_chain_sample(__u64 frame, unsigned int channel)
{
	return (__s16)(__u16)(frame * 37 + channel * 4099);
}

/*
 * ks-gain's volume node (KSNODETYPE_VOLUME, node 0): a VOLUMELEVEL per
 * channel, in 1/65536 dB, from -96 dB (silence) to +12 dB, in steps of
 * 1/65536 dB.  The conversions below and ks_volume_gain() are integer
 * arithmetic, so that the module and the tests agree to the bit.
 */
#define GAIN_NODE_VOLUME	0
#define GAIN_VOLUME_MIN		KS_VOLUME_SILENCE
#define GAIN_VOLUME_MAX		(12 * 65536)

/* log2(@x) in 1/65536, its fraction bits truncated; @x > 0. */
static inline __s64 ks_chain_log2(unsigned int x)
{
	unsigned int whole = 0, b;
	__u64 y;
	__s64 lg;

	while (x >> (whole + 1))
		whole++;
	y = ((__u64)x << 30) >> whole;
	lg = (__s64)whole << 16;
	for (b = 16; b--;) {
		y = (y * y) >> 30;
		if (y >= (2ULL << 30)) {
			y >>= 1;
			lg |= 1LL << b;
		}
	}
	return lg;
}

/*
 * The level of @percent (100 is 0 dB): 20 log10(percent / 100) in 1/65536
 * dB, within the node's range; 0 percent is its minimum, silence.
 */
static inline __s32 ks_chain_percent_level(unsigned int percent)
{
	__s64 level;

	if (!percent)
		return GAIN_VOLUME_MIN;
	/* 20 log10(2) dB an octave, in 1/65536 dB. */
	level = (ks_chain_log2(percent) - ks_chain_log2(100)) * 394566;
	level = level >= 0 ? (level + 32768) >> 16 : -((-level + 32768) >> 16);
	if (level < GAIN_VOLUME_MIN)
		return GAIN_VOLUME_MIN;
	if (level > GAIN_VOLUME_MAX)
		return GAIN_VOLUME_MAX;
	return (__s32)level;
}

/* @sample through a gain of @gain/65536: rounded down, clamped. */
static inline __s16 ks_chain_apply(__s16 sample, __u32 gain)
{
	__s64 v = ((__s64)sample * gain) >> 16;

	if (v > 32767)
		return 32767;
	if (v < -32768)
		return -32768;
	return (__s16)v;
}

/* What ks-gain makes of @sample with every channel at @percent. */
static inline __s16 ks_chain_gain(__s16 sample, unsigned int percent)
{
	return ks_chain_apply(sample,
			      ks_volume_gain(ks_chain_percent_level(percent)));
}

#ifdef __KERNEL__
#include <linux/ksfilter.h>

/*
 * The pin tables both modules declare: the Standard STREAMING interface,
 * the chain medium and the PCM 16-bit range.  Static: each module has its
 * own copy, and neither links against the other.
 */
static const struct ks_identifier ks_chain_interfaces[] = {
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_STREAMING,
	},
};

static const struct ks_identifier ks_chain_mediums[] = {
	{
		.set = KS_CHAIN_MEDIUM,
		.id = KS_CHAIN_MEDIUM_ID,
	},
};

static const struct ks_datarange_audio ks_chain_pcm = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = KS_CHAIN_MAX_CHANNELS,
	.minimum_bits_per_sample = KS_CHAIN_BITS,
	.maximum_bits_per_sample = KS_CHAIN_BITS,
	.minimum_sample_frequency = KS_CHAIN_MIN_RATE,
	.maximum_sample_frequency = KS_CHAIN_MAX_RATE,
};

static const struct ks_data_range ks_chain_ranges[] = {
	{ .range = &ks_chain_pcm.data_range },
};
#endif /* __KERNEL__ */

#endif /* _KS_CHAIN_H */
