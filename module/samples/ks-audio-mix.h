/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-audio: the loops over a chunk of frames (ks-audio-mix.c), which the
 * card's engine (ks-audio-card.c) calls with its lock held.
 */
#ifndef _KS_AUDIO_MIX_H
#define _KS_AUDIO_MIX_H

#include <linux/types.h>

#include "ks-audio.h"
#include "ks-audio-dsp.h"

/* Each channel of @n frames through a gain in 1/65536 (0: silence). */
void audio_mix_gain(struct audio_frame *f, unsigned int n,
		    const u32 gain[AUDIO_CHANNELS]);
/* @n frames of @f added to @to, saturating. */
void audio_mix_sum(struct audio_frame *to, const struct audio_frame *f,
		   unsigned int n);
void audio_mix_decode(enum audio_sample kind, unsigned int channels,
		      const void *src, struct audio_frame *dst, unsigned int n);
void audio_mix_encode(enum audio_sample kind, unsigned int channels,
		      const struct audio_frame *src, void *dst, unsigned int n);
/* audio_tone(): a tone of phase step @step, or silence for 0. */
void audio_mix_tone(struct audio_frame *dst, unsigned int n, u32 *phase,
		    u32 step);

#endif /* _KS_AUDIO_MIX_H */
