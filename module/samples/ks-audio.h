/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-audio: the facts about the reference audio adapter that its users
 * rely on - the module itself, and tests and tools that walk its
 * topology.  Builds in the kernel and in userspace alike.
 *
 * Card N (0 to cards - 1) is two filters, as a Windows PortCls adapter
 * is a WaveRT/WaveCyclic miniport and a Topology miniport:
 *
 *	"ks-audio-wave-N": the streaming pins, a DAC and an ADC
 *	"ks-audio-topo-N": the mixer: jacks, volumes, mutes, a sum, a mux
 *
 * joined by two physical connections, each declared on the pin whose
 * data flows out to the peer (as ks-gain's Out declares ks-loopback's
 * Render):
 *
 *	wave "Wave Out" (pin 1) => topo "Wave" (pin 0)
 *	topo "Capture" (pin 4) => wave "Capture In" (pin 2)
 *
 * The sound is the engine's of ks-audio-card.c ("The engine"); its
 * arithmetic is in ks-audio-dsp.h, run on chunks by ks-audio-mix.c.
 *
 * The pin, node and mux-input numbers below are the module's ABI.
 */
#ifndef _KS_AUDIO_H
#define _KS_AUDIO_H

#include <linux/types.h>
#include <linux/ks.h>

#define AUDIO_MODNAME		"ks_audio"
#define AUDIO_PARAMS		"/sys/module/" AUDIO_MODNAME "/parameters/"
/* Card N's filters are AUDIO_WAVE_NAME "-N" and AUDIO_TOPO_NAME "-N". */
#define AUDIO_WAVE_NAME		"ks-audio-wave"
#define AUDIO_TOPO_NAME		"ks-audio-topo"
#define AUDIO_MAX_CARDS		4

/* ---- the wave filter ---- */

#define AUDIO_WAVE_PIN_RENDER		0	/* "Render", IN, SINK */
#define AUDIO_WAVE_PIN_WAVE_OUT		1	/* "Wave Out", OUT, BRIDGE */
#define AUDIO_WAVE_PIN_CAPTURE_IN	2	/* "Capture In", IN, BRIDGE */
#define AUDIO_WAVE_PIN_CAPTURE		3	/* "Capture", OUT, SINK */
#define AUDIO_WAVE_PINS			4

#define AUDIO_WAVE_NODE_DAC		0
#define AUDIO_WAVE_NODE_ADC		1
#define AUDIO_WAVE_NODES		2

/*
 * The streaming pins' formats: PCM 16 or 32 bits, or IEEE float 32 bits,
 * 1 or 2 channels, 44100 or 48000 Hz (the range says 44100-48000; the
 * pins refuse the rates between, as a codec with two clocks would).
 */
#define AUDIO_MAX_CHANNELS	2
#define AUDIO_RATE_44K1		44100
#define AUDIO_RATE_48K		48000

/* ---- the topology filter ---- */

#define AUDIO_TOPO_PIN_WAVE		0	/* "Wave", IN, BRIDGE */
#define AUDIO_TOPO_PIN_MIC		1	/* "Microphone", IN, BRIDGE */
#define AUDIO_TOPO_PIN_LINE_IN		2	/* "Line In", IN, BRIDGE */
#define AUDIO_TOPO_PIN_SPEAKERS		3	/* "Speakers", OUT, BRIDGE */
#define AUDIO_TOPO_PIN_CAPTURE		4	/* "Capture", OUT, BRIDGE */
#define AUDIO_TOPO_PINS			5

/* The render side: a volume and a mute per input, a sum, the master. */
#define AUDIO_TOPO_NODE_WAVE_VOLUME	0
#define AUDIO_TOPO_NODE_WAVE_MUTE	1
#define AUDIO_TOPO_NODE_MIC_VOLUME	2
#define AUDIO_TOPO_NODE_MIC_MUTE	3
#define AUDIO_TOPO_NODE_LINE_VOLUME	4
#define AUDIO_TOPO_NODE_LINE_MUTE	5
#define AUDIO_TOPO_NODE_SUM		6
#define AUDIO_TOPO_NODE_MASTER_VOLUME	7
#define AUDIO_TOPO_NODE_MASTER_MUTE	8
/* The capture side: a volume per source, the mux, the capture volume. */
#define AUDIO_TOPO_NODE_MIC_CAPTURE	9
#define AUDIO_TOPO_NODE_LINE_CAPTURE	10
#define AUDIO_TOPO_NODE_MIX_CAPTURE	11
#define AUDIO_TOPO_NODE_MUX		12
#define AUDIO_TOPO_NODE_CAPTURE_VOLUME	13
#define AUDIO_TOPO_NODES		14

/*
 * The sum's inputs are its node pins 1 to 3 (wave, microphone, line in);
 * the mux's too, and its MUX_SOURCE value is the input's index from 0:
 * node pin AUDIO_MUX_<source> + 1.
 */
#define AUDIO_MUX_MIC		0	/* the microphone */
#define AUDIO_MUX_LINE_IN	1	/* the line input */
#define AUDIO_MUX_MIX		2	/* "what you hear": the speakers' mix */
#define AUDIO_MUX_INPUTS	3

/*
 * Every volume: 2 channels, -96 dB (silence) to 0 dB in steps of 1/65536
 * dB, so that any level a client asks for within the range is kept as
 * asked (-6.0206 dB halves the samples); 0 dB at load.  Every mute: 2 channels, off at load but the
 * microphone's monitor mute (AUDIO_TOPO_NODE_MIC_MUTE), on, so that a
 * microphone near the speakers does not howl.  The mux selects the
 * microphone at load.
 */
#define AUDIO_CHANNELS		2
#define AUDIO_VOLUME_MIN	(-96 * 65536)
#define AUDIO_VOLUME_MAX	0
#define AUDIO_VOLUME_STEP	1

/*
 * The module parameters' defaults and limits: the clock's period
 * (period_ms), the microphone's tone (mic_hz) and the line input's (line_hz,
 * 0 for silence).  Both tones are sines at half full scale (-6.02 dBFS).
 */
#define AUDIO_PERIOD_MS		10
#define AUDIO_PERIOD_MS_MAX	50
#define AUDIO_MIC_HZ		1000
#define AUDIO_TONE_MIN_HZ	20
#define AUDIO_TONE_MAX_HZ	20000

#endif /* _KS_AUDIO_H */
