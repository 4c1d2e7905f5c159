/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A volume level's linear gain, shared by the samples whose volume nodes
 * scale samples (ks-gain, ks-audio) and by the tests that check them: a
 * KSPROPERTY_AUDIO_VOLUMELEVEL in 1/65536 dB to a gain in 1/65536, in
 * integer arithmetic (the kernel has no FPU to spare), so that the
 * modules and the tests agree to the bit.  Builds in the kernel and in
 * userspace alike.
 */
#ifndef _KS_VOLUME_H
#define _KS_VOLUME_H

#include <linux/types.h>

/* The level at and below which a volume is silence: -96 dB. */
#define KS_VOLUME_SILENCE	(-96 * 65536)

/*
 * The linear gain of @level, in 1/65536: 2^(level * log2(10) / 20), the
 * octaves rounded to 1/65536, then 2 to their fraction from a table of
 * 2^(2^-k) in 1/2^30; 0 at KS_VOLUME_SILENCE and below.
 */
static inline __u32 ks_volume_gain(__s32 level)
{
	static const __u32 pow2[16] = {
		1518500250, 1276901417, 1170923762, 1121280436, 1097253708,
		1085434106, 1079572136, 1076653033, 1075196443, 1074468888,
		1074105294, 1073923544, 1073832680, 1073787251, 1073764537,
		1073753181,
	};
	/* log2(10) / 20 in 1/2^32. */
	__s64 oct = ((__s64)level * 713378626 + (1LL << 31)) >> 32;
	__s64 whole = oct >> 16;
	__u64 r = 1ULL << 30;
	unsigned int k;

	if (level <= KS_VOLUME_SILENCE)
		return 0;
	for (k = 0; k < 16; k++) {
		if (oct & (0x8000 >> k))
			r = (r * pow2[k] + (1U << 29)) >> 30;
	}
	/* r is 2^fraction in 1/2^30: shift to 1/65536 and by whole octaves. */
	if (whole >= 14)
		return (__u32)(r << (whole - 14));
	if (whole <= -30)
		return 0;
	return (__u32)((r + (1ULL << (13 - whole))) >> (14 - whole));
}

#endif /* _KS_VOLUME_H */
