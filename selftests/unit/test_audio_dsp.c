// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of ks-audio's sample arithmetic (module/samples/
 * ks-audio-dsp.h, the header the module compiles): the format
 * conversions against the C library's floats, the gain of a volume, the
 * saturating sum, and the tone against sin().
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "samples/ks-audio-dsp.h"

static uint32_t bits_of(float f)
{
	uint32_t b;

	memcpy(&b, &f, sizeof(b));
	return b;
}

static float float_of(uint32_t b)
{
	float f;

	memcpy(&f, &b, sizeof(f));
	return f;
}

/* What float -> Q31 must give: x * 2^31 toward zero, clamped. */
static int32_t q31_ref(float f)
{
	double v = (double)f * 2147483648.0;

	if (isnan(f))
		return 0;
	if (v >= 2147483647.0)
		return INT32_MAX;
	if (v <= -2147483648.0)
		return INT32_MIN;
	return (int32_t)trunc(v);
}

static void float_in_matches_the_c_library(void)
{
	static const float cases[] = {
		0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 0.999999f, -0.999999f,
		1e-9f, -1e-9f, 1e-30f, 2.0f, -3.5f, 0.123456f, -0.654321f,
		4.656612873e-10f,	/* 2^-31: one LSB */
		2.3e-10f,		/* below one LSB: zero */
		1e-45f,			/* a denormal */
	};
	uint32_t x = 12345;
	unsigned int i;

	for (i = 0; i < TAP_COUNT(cases); i++)
		EXPECT_EQ(audio_float_to_q31(bits_of(cases[i])),
			  q31_ref(cases[i]));
	EXPECT_EQ(audio_float_to_q31(bits_of(INFINITY)), INT32_MAX);
	EXPECT_EQ(audio_float_to_q31(bits_of(-INFINITY)), INT32_MIN);
	EXPECT_EQ(audio_float_to_q31(bits_of(NAN)), 0);
	/* Random floats in [-1.5, 1.5). */
	for (i = 0; i < 100000; i++) {
		float f;

		x = x * 1103515245 + 12345;
		f = ((float)(x >> 8) / (1 << 24)) * 3.0f - 1.5f;
		EXPECT_EQ(audio_float_to_q31(bits_of(f)), q31_ref(f));
	}
}

/* Q31 -> float is exact to 24 bits: the float of the value, truncated. */
static void float_out_is_exact_to_24_bits(void)
{
	static const int32_t cases[] = {
		0, 1, -1, 0x7FFFFFFF, INT32_MIN, 0x40000000, -0x40000000,
		0x00FFFFFF, 0x01000001, 123456789, -987654321,
	};
	uint32_t x = 777;
	unsigned int i;

	for (i = 0; i < TAP_COUNT(cases); i++) {
		int32_t s = cases[i];
		double want = (double)s / 2147483648.0;
		double got = float_of(audio_q31_to_float(s));

		/* Truncation toward zero keeps 24 significant bits. */
		EXPECT(fabs(got) <= fabs(want));
		EXPECT(fabs(want - got) <= fabs(want) / (1 << 23));
	}
	EXPECT_EQ(audio_q31_to_float(0), 0);
	EXPECT_EQ(audio_q31_to_float(INT32_MIN), bits_of(-1.0f));
	EXPECT_EQ(audio_q31_to_float(0x40000000), bits_of(0.5f));
	/* Any 24-bit sample survives the round trip. */
	for (i = 0; i < 100000; i++) {
		int32_t s;

		x = x * 1103515245 + 12345;
		s = (int32_t)(x & 0xFFFFFF00);
		EXPECT_EQ(audio_float_to_q31(audio_q31_to_float(s)), s);
	}
}

static void pcm16_round_trip_and_mono(void)
{
	int16_t in[4] = { 1, -2, 32767, -32768 }, out[4];
	struct audio_frame f[2];

	audio_decode(AUDIO_SAMPLE_PCM16, 2, in, f, 2);
	EXPECT_EQ(f[0].ch[0], 1 << 16);
	EXPECT_EQ(f[0].ch[1], -2 * 65536);
	EXPECT_EQ(f[1].ch[0], 32767 * 65536);
	EXPECT_EQ(f[1].ch[1], INT32_MIN);
	audio_encode(AUDIO_SAMPLE_PCM16, 2, f, out, 2);
	EXPECT(!memcmp(in, out, sizeof(in)));
	/* Mono in: both channels; mono out: the mean, rounded down. */
	audio_decode(AUDIO_SAMPLE_PCM16, 1, in, f, 2);
	EXPECT_EQ(f[1].ch[0], -2 * 65536);
	EXPECT_EQ(f[1].ch[1], -2 * 65536);
	f[0].ch[0] = 3 << 16;
	f[0].ch[1] = 0;
	f[1].ch[0] = -(3 << 16);
	f[1].ch[1] = 0;
	audio_encode(AUDIO_SAMPLE_PCM16, 1, f, out, 2);
	EXPECT_EQ(out[0], 1);	/* 1.5 -> 1 */
	EXPECT_EQ(out[1], -2);	/* -1.5 -> -2 */
}

static void pcm32_and_float_frames(void)
{
	int32_t in32[2] = { INT32_MIN, 0x12345678 }, out32[2];
	float inf[2] = { 0.25f, -1.0f }, outf[2];
	struct audio_frame f[1];

	audio_decode(AUDIO_SAMPLE_PCM32, 2, in32, f, 1);
	EXPECT_EQ(f[0].ch[0], INT32_MIN);
	EXPECT_EQ(f[0].ch[1], 0x12345678);
	audio_encode(AUDIO_SAMPLE_PCM32, 2, f, out32, 1);
	EXPECT(!memcmp(in32, out32, sizeof(in32)));
	audio_decode(AUDIO_SAMPLE_FLOAT32, 2, inf, f, 1);
	EXPECT_EQ(f[0].ch[0], 0x20000000);
	EXPECT_EQ(f[0].ch[1], INT32_MIN);
	audio_encode(AUDIO_SAMPLE_FLOAT32, 2, f, outf, 1);
	EXPECT(!memcmp(inf, outf, sizeof(inf)));
	/* Float to PCM16, through the engine: 0.25 is 8192. */
	{
		int16_t o16[2];

		audio_encode(AUDIO_SAMPLE_PCM16, 2, f, o16, 1);
		EXPECT_EQ(o16[0], 8192);
		EXPECT_EQ(o16[1], -32768);
	}
}

static void gain_and_sum(void)
{
	/* 0 dB is the identity, -6.0206 dB halves (rounded down). */
	EXPECT_EQ(ks_volume_gain(0), 65536);
	EXPECT_EQ(ks_volume_gain(-394566), 32768);
	EXPECT_EQ(audio_apply_gain(12345 << 16, ks_volume_gain(0)),
		  12345 << 16);
	EXPECT_EQ(audio_apply_gain(3, 32768), 1);
	EXPECT_EQ(audio_apply_gain(-3, 32768), -2);
	EXPECT_EQ(audio_apply_gain(INT32_MIN, ks_volume_gain(KS_VOLUME_SILENCE)),
		  0);
	/* A gain above 1 saturates. */
	EXPECT_EQ(audio_apply_gain(INT32_MAX, 2 * 65536), INT32_MAX);
	EXPECT_EQ(audio_apply_gain(INT32_MIN, 2 * 65536), INT32_MIN);
	EXPECT_EQ(audio_add(INT32_MAX, 1), INT32_MAX);
	EXPECT_EQ(audio_add(INT32_MIN, -1), INT32_MIN);
	EXPECT_EQ(audio_add(-5, 3), -2);
}

static void tone_is_a_sine_at_half_scale(void)
{
	struct audio_frame f[480];
	uint32_t phase = 0, step = audio_tone_step(1000, 48000);
	double worst = 0;
	unsigned int i, k;

	EXPECT_EQ(audio_sine_q30(0), 0);
	EXPECT_EQ(audio_sine_q30(0x80000000u), 0);
	/* One second in chunks: within 1.6e-4 of sin, in Q31 half scale. */
	for (k = 0; k < 100; k++) {
		audio_tone(f, 480, &phase, step);
		for (i = 0; i < 480; i++) {
			double t = (k * 480.0 + i) * 1000.0 / 48000.0;
			double want = sin(2 * M_PI * t) * 1073741824.0;
			double err = fabs(f[i].ch[0] - want) / 1073741824.0;

			EXPECT_EQ(f[i].ch[0], f[i].ch[1]);
			if (err > worst)
				worst = err;
		}
	}
	EXPECT(worst < 1.6e-4);
	/* 1000 Hz: back where it began after a second, within the steps' error. */
	EXPECT(phase + 48000 < 96000);
	/* A step of 0 is silence. */
	audio_tone(f, 4, &phase, 0);
	EXPECT_EQ(f[3].ch[0], 0);
}

int main(void)
{
	static const struct tap_case cases[] = {
		TAP_CASE(float_in_matches_the_c_library),
		TAP_CASE(float_out_is_exact_to_24_bits),
		TAP_CASE(pcm16_round_trip_and_mono),
		TAP_CASE(pcm32_and_float_frames),
		TAP_CASE(gain_and_sum),
		TAP_CASE(tone_is_a_sine_at_half_scale),
	};

	return tap_main(cases, TAP_COUNT(cases));
}
