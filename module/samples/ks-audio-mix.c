// SPDX-License-Identifier: GPL-2.0
/*
 * ks-audio: the engine's loops over samples, the arithmetic of
 * ks-audio-dsp.h run on a chunk of frames.  Only the card's own buffers
 * are touched here, under its lock (ks-audio-card.c), so this file is
 * left out of KCSAN's instrumentation (Kbuild): a data race cannot happen
 * in it, and on a KCSAN kernel its every sample access would otherwise
 * cost the card its real time.
 */

#include "ks-audio-mix.h"

void audio_mix_gain(struct audio_frame *f, unsigned int n,
		    const u32 gain[AUDIO_CHANNELS])
{
	unsigned int ch, i;

	for (ch = 0; ch < AUDIO_CHANNELS; ch++)
		for (i = 0; i < n; i++)
			f[i].ch[ch] = audio_apply_gain(f[i].ch[ch], gain[ch]);
}

void audio_mix_sum(struct audio_frame *to, const struct audio_frame *f,
		   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		to[i].ch[0] = audio_add(to[i].ch[0], f[i].ch[0]);
		to[i].ch[1] = audio_add(to[i].ch[1], f[i].ch[1]);
	}
}

void audio_mix_decode(enum audio_sample kind, unsigned int channels,
		      const void *src, struct audio_frame *dst, unsigned int n)
{
	audio_decode(kind, channels, src, dst, n);
}

void audio_mix_encode(enum audio_sample kind, unsigned int channels,
		      const struct audio_frame *src, void *dst, unsigned int n)
{
	audio_encode(kind, channels, src, dst, n);
}

void audio_mix_tone(struct audio_frame *dst, unsigned int n, u32 *phase,
		    u32 step)
{
	audio_tone(dst, n, phase, step);
}
