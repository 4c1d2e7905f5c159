/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-audio's sample arithmetic: the conversions between the streaming
 * pins' formats and the engine's samples, the gain of a volume, the sum,
 * and the tone generator.  Integer only, so that the module (which may not
 * use the FPU) and the host unit tests (selftests/unit/test_audio_dsp.c)
 * run the same code and agree to the bit.
 *
 * The engine works on stereo frames of signed 32-bit samples at full
 * scale ("Q31": -2^31 is -1.0, 2^31 - 1 just under 1.0):
 *
 *  - PCM 16 bits: s << 16 in, s >> 16 (arithmetic, so rounded down) out;
 *  - PCM 32 bits: as is;
 *  - IEEE float 32 bits: x * 2^31, rounded toward zero and clamped to the
 *    range (NaN is silence) in; exact out, rounded toward zero to the
 *    float's 24 bits of mantissa;
 *  - a mono stream is both channels in, and the mean of the two, rounded
 *    down, out.
 */
#ifndef _KS_AUDIO_DSP_H
#define _KS_AUDIO_DSP_H

#include <linux/types.h>

#include "ks-volume.h"

/* The samples the streaming pins carry (their data ranges'). */
enum audio_sample {
	AUDIO_SAMPLE_PCM16,
	AUDIO_SAMPLE_PCM32,
	AUDIO_SAMPLE_FLOAT32,
};

/* A stereo frame of the engine. */
struct audio_frame {
	__s32 ch[2];
};

#define AUDIO_Q31_MAX	0x7FFFFFFF
#define AUDIO_Q31_MIN	(-0x7FFFFFFF - 1)

static inline __s32 audio_saturate(__s64 v)
{
	if (v > AUDIO_Q31_MAX)
		return AUDIO_Q31_MAX;
	if (v < AUDIO_Q31_MIN)
		return AUDIO_Q31_MIN;
	return (__s32)v;
}

/* @s through a gain of @gain/65536 (ks_volume_gain()): floor. */
static inline __s32 audio_apply_gain(__s32 s, __u32 gain)
{
	/* An arithmetic shift of the product: rounded down, as ks-gain. */
	return audio_saturate(((__s64)s * gain) >> 16);
}

static inline __s32 audio_add(__s32 a, __s32 b)
{
	return audio_saturate((__s64)a + b);
}

/* An IEEE 754 single's bits, as Q31: truncated toward zero, clamped. */
static inline __s32 audio_float_to_q31(__u32 bits)
{
	unsigned int exp = (bits >> 23) & 0xFF;
	__u32 mant = (bits & 0x7FFFFF) | 0x800000;
	int neg = bits >> 31;
	__u32 mag;
	int shift;

	if (exp == 0xFF && (bits & 0x7FFFFF))
		return 0;			/* NaN */
	if (exp == 0)
		return 0;			/* zero, or below 2^-126 */
	/* value = mant * 2^(exp - 150); in Q31: mant * 2^(exp - 119). */
	shift = (int)exp - 119;
	if (shift >= 8)				/* |value| >= 1.0, or infinite */
		return neg ? AUDIO_Q31_MIN : AUDIO_Q31_MAX;
	if (shift <= -24)
		return 0;
	mag = shift >= 0 ? mant << shift : mant >> -shift;
	return neg ? -(__s32)mag : (__s32)mag;
}

/* Q31 as an IEEE 754 single's bits: exact, or truncated to 24 bits. */
static inline __u32 audio_q31_to_float(__s32 s)
{
	__u32 sign = s < 0 ? 0x80000000u : 0;
	__u32 mag = s < 0 ? -(__u32)s : (__u32)s;
	int msb = 31;

	if (!mag)
		return 0;
	while (!(mag & (1u << msb)))
		msb--;
	/* value = mag * 2^-31: exponent msb - 31, biased by 127. */
	mag = msb > 23 ? mag >> (msb - 23) : mag << (23 - msb);
	return sign | (__u32)(msb - 31 + 127) << 23 | (mag & 0x7FFFFF);
}

/* @n frames of @channels (1 or 2) samples of @kind at @src, into @dst. */
static inline void audio_decode(enum audio_sample kind, unsigned int channels,
				const void *src, struct audio_frame *dst,
				unsigned int n)
{
	const __u8 *p = src;
	unsigned int i, c;

	for (i = 0; i < n; i++) {
		for (c = 0; c < channels; c++) {
			__s32 v;

			if (kind == AUDIO_SAMPLE_PCM16) {
				__s16 x;

				__builtin_memcpy(&x, p, sizeof(x));
				v = (__s32)((__u32)(__s32)x << 16);
				p += sizeof(x);
			} else {
				__u32 x;

				__builtin_memcpy(&x, p, sizeof(x));
				v = kind == AUDIO_SAMPLE_PCM32 ? (__s32)x :
				    audio_float_to_q31(x);
				p += sizeof(x);
			}
			dst[i].ch[c] = v;
		}
		if (channels == 1)
			dst[i].ch[1] = dst[i].ch[0];
	}
}

/* @n frames at @src, as @channels (1 or 2) samples of @kind at @dst. */
static inline void audio_encode(enum audio_sample kind, unsigned int channels,
				const struct audio_frame *src, void *dst,
				unsigned int n)
{
	__u8 *p = dst;
	unsigned int i, c;

	for (i = 0; i < n; i++) {
		for (c = 0; c < channels; c++) {
			__s32 v = src[i].ch[c];

			if (channels == 1)
				v = (__s32)(((__s64)src[i].ch[0] +
					     src[i].ch[1]) >> 1);
			if (kind == AUDIO_SAMPLE_PCM16) {
				__s16 x = (__s16)(v >> 16);

				__builtin_memcpy(p, &x, sizeof(x));
				p += sizeof(x);
			} else {
				__u32 x = kind == AUDIO_SAMPLE_PCM32 ?
					  (__u32)v : audio_q31_to_float(v);

				__builtin_memcpy(p, &x, sizeof(x));
				p += sizeof(x);
			}
		}
	}
}

/*
 * sin(2 pi @phase / 2^32) in Q30, from the sine's Taylor polynomial to t^7
 * over a quarter wave: within 1.6e-4 of it, 0 at 0 and pi.
 */
static inline __s32 audio_sine_q30(__u32 phase)
{
	/* pi/2 and (pi/2)^3/3!, (pi/2)^5/5!, (pi/2)^7/7!, in Q30. */
	const __s64 a = 1686629713, b = 693598668, c = 85569306, d = 5026995;
	unsigned int quadrant = phase >> 30;
	__s64 t = phase & 0x3FFFFFFF;	/* the angle in the quadrant, Q30 */
	__s64 t2, r;

	if (quadrant & 1)
		t = (1 << 30) - t;
	t2 = (t * t) >> 30;
	r = c - ((d * t2) >> 30);
	r = b - ((r * t2) >> 30);
	r = a - ((r * t2) >> 30);
	r = (r * t) >> 30;
	return quadrant & 2 ? -(__s32)r : (__s32)r;
}

/* The phase step of a tone of @hz at @rate frames a second. */
static inline __u32 audio_tone_step(unsigned int hz, unsigned int rate)
{
	return rate ? (__u32)(((__u64)hz << 32) / rate) : 0;
}

/*
 * A tone at half full scale (-6.02 dBFS) on both channels: @n frames from
 * *@phase, which is advanced past them.  A step of 0 is silence.
 */
static inline void audio_tone(struct audio_frame *dst, unsigned int n,
			      __u32 *phase, __u32 step)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* Q30 is half of Q31's scale: half full scale as it is. */
		__s32 v = step ? audio_sine_q30(*phase) : 0;

		dst[i].ch[0] = v;
		dst[i].ch[1] = v;
		*phase += step;
	}
}

#endif /* _KS_AUDIO_DSP_H */
