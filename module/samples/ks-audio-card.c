// SPDX-License-Identifier: GPL-2.0
/*
 * ks-audio: a reference audio adapter, shaped like a Windows PortCls
 * driver: each card is a wave filter (the streaming pins, a DAC and an
 * ADC) and a topology filter (the mixer between the jacks), registered
 * through the exported API (include/linux/ksfilter.h) and joined by
 * physical connections.  The numbers users rely on are in ks-audio.h.
 *
 * Module parameters (/sys/module/ks_audio/parameters/):
 *   cards (uint, 0444, 1-4, default 1): the cards to register; card N is
 *	"ks-audio-wave-N" and "ks-audio-topo-N", registered topology first.
 *   registered (bool, 0644, default 1): writing 0 unregisters every card,
 *	as a card unplugged while streaming (open fds then fail with
 *	ENODEV), writing 1 registers them again.
 *   period_ms (uint, 0644, 1-50, default 10): the clock's period, read
 *	when a card's clock starts.
 *   mic_hz (uint, 0644, 20-20000, default 1000): the microphone's tone.
 *   line_hz (uint, 0644, 0 or 20-20000, default 0): line in's: 0 is
 *	silence.
 *
 * The wave filter "ks-audio-wave-N" (categories AUDIO, RENDER, CAPTURE):
 *
 * id name          dataflow comm    possible  category
 * 0  "Render"      IN       SINK    1         KSCATEGORY_RENDER
 * 1  "Wave Out"    OUT      BRIDGE  0         LEGACY_AUDIO_CONNECTOR
 * 2  "Capture In"  IN       BRIDGE  0         LEGACY_AUDIO_CONNECTOR
 * 3  "Capture"     OUT      SINK    1         KSCATEGORY_CAPTURE
 *
 * Pins 0 and 3 take interfaces Standard STREAMING and LOOPED_STREAMING,
 * the standard medium, and the data ranges audio/WAVEFORMATEX PCM 16 bits,
 * PCM 32 bits and IEEE_FLOAT 32 bits, each up to 2 channels at 44100-48000
 * Hz; their accept_format refuses the rates between 44100 and 48000 (EDOM),
 * as a codec with those two clocks would.  The bridge pins, which can
 * never be created, have the range audio/ANALOG/NONE, as Windows audio
 * drivers describe an analog connection.
 *
 * Topology: Render (pin 0) -> node 0 "DAC" (KSNODETYPE_DAC) -> Wave Out
 * (pin 1); Capture In (pin 2) -> node 1 "ADC" (KSNODETYPE_ADC) -> Capture
 * (pin 3).  Wave Out is physically connected to the topology filter's
 * "Wave" pin.
 *
 * The topology filter "ks-audio-topo-N" (categories AUDIO, TOPOLOGY),
 * every pin a BRIDGE that can never be created, with the ANALOG range:
 *
 * id name          dataflow category
 * 0  "Wave"        IN       KSNODETYPE_LEGACY_AUDIO_CONNECTOR
 * 1  "Microphone"  IN       KSNODETYPE_MICROPHONE
 * 2  "Line In"     IN       KSNODETYPE_LINE_CONNECTOR
 * 3  "Speakers"    OUT      KSNODETYPE_SPEAKER
 * 4  "Capture"     OUT      KSNODETYPE_LEGACY_AUDIO_CONNECTOR
 *
 * Capture (pin 4) is physically connected to the wave filter's "Capture
 * In".  Each physical connection is declared on its OUT end, the pin
 * whose data flows to the peer, as ks-gain's Out declares ks-loopback's
 * Render and as ksctl graph draws them (docs/graphs.md).
 *
 * Bridge pin categories: a jack's pin says what is plugged into it
 * (MICROPHONE, LINE_CONNECTOR, SPEAKER); the four pins of the two internal
 * wires between the wave and the topology filter are all
 * KSNODETYPE_LEGACY_AUDIO_CONNECTOR, the connector type of an internal
 * wave path, so that a client tells the wires from the jacks by the
 * category alone.  (Windows' samples put KSCATEGORY_AUDIO on the wave
 * side and PINNAME_CAPTURE on the topology's capture pin; uapi/linux/ks.h
 * has no PINNAME_CAPTURE, and ksctl names the categories chosen here.)
 *
 * The topology's nodes (node pins: inputs from 1, the output 0):
 *
 *   Wave -> 0 "Wave Volume" -> 1 "Wave Mute" -> 6 "Sum" input 1
 *   Microphone -> 2 "Microphone Volume" -> 3 "Microphone Mute" -> Sum 2
 *   Line In -> 4 "Line In Volume" -> 5 "Line In Mute" -> Sum 3
 *   Sum -> 7 "Master Volume" -> 8 "Master Mute" -> Speakers
 *   Microphone -> 9 "Microphone Capture Volume" -> 12 "Capture Source" 1
 *   Line In -> 10 "Line In Capture Volume" -> Capture Source 2
 *   Master Mute -> 11 "What You Hear Volume" -> Capture Source 3
 *   Capture Source -> 13 "Capture Volume" -> Capture
 *
 * Volumes are KSNODETYPE_VOLUME, 2 channels, -96 dB (silence) to 0 dB
 * in steps of 1/65536 dB, 0 dB at load; mutes KSNODETYPE_MUTE, 2
 * channels, off at load except the microphone's monitor ("Microphone
 * Mute"), on so that the microphone does not feed back into the speakers;
 * "Sum" a KSNODETYPE_SUM without controls; "Capture Source" a KSNODETYPE_MUX
 * whose MUX_SOURCE is 0 (microphone, at load), 1 (line in) or 2 (what you
 * hear: the speakers' mix): its node input pin less one.  The core keeps
 * the values and answers the properties; the engine reads them.  Every
 * node with a control offers KSEVENTSETID_AudioControlChange's
 * KSEVENT_CONTROL_CHANGE, which the core signals when the value changes.
 *
 * The engine.  There is no hardware, so the card loops: what Render plays
 * goes through the render side to the "speakers", and Capture records what
 * the mux selects.  A card has one clock (an hrtimer every period_ms, 10 by
 * default, queuing a work item), started when the first of its streaming
 * pins enters RUN and stopped when neither runs; each tick processes the
 * frames due since it started at the card's rate, AUDIO_CHUNK at a time,
 * in stereo Q31 (ks-audio-dsp.h's arithmetic, run on a chunk by
 * ks-audio-mix.c):
 *
 *   wave = Render's frames (silence when it has none: an underrun)
 *	    x Wave Volume, Mute
 *   speakers = (wave + microphone x Microphone Volume, Mute
 *		 + line in x Line In Volume, Mute) x Master Volume, Mute
 *   Capture's frames = (the microphone x Microphone Capture Volume,
 *			 or line in x Line In Capture Volume,
 *			 or speakers x What You Hear Volume, by the mux)
 *		       x Capture Volume (frames it has no room for: an overrun)
 *
 * The microphone is a sine at half full scale of mic_hz (1000 Hz by
 * default), line in silence or a sine of line_hz.  The controls are read
 * for every chunk, so a SET is heard from the next frames processed.  A
 * Render pin that is not in RUN is silence (its data waits in its queue in
 * PAUSE, as a device prerolls); underruns and overruns are counted with
 * ks_pin_count_xrun() (fdinfo) and do not stop the stream.  The positions
 * (KSPROPERTY_AUDIO_POSITION) are the queues': Render's play offset and
 * Capture's write offset advance at the rate while the clock runs.
 *
 * Formats: both streaming pins run at the card's one rate, the first open
 * one's (44100 or 48000 Hz): while one is open, accept_format() refuses
 * the other rate for the other, at creation and in DATAINTERSECTION alike.
 * Sample formats and channel counts may differ; the engine converts (mono
 * in plays on both channels, mono out is their mean).
 *
 * Locks: card.lock is a provider's own lock, taken in our callbacks under
 * the core's locks; the engine holds it while it uses a stream's pin (the
 * queue helpers take only queue locks under it), so no pin is used after
 * its close().  The timer and the work are cancelled on unregistration,
 * after the wave filter's pins are closed and before the topology filter,
 * whose controls the engine reads, goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/ksfilter.h>

#include "ks-audio.h"
#include "ks-audio-mix.h"

/* "ks-audio-wave-<i>", "ks-audio-topo-<i>" */
#define AUDIO_NAME_LEN		(sizeof(AUDIO_WAVE_NAME) + 12)
/* Frames the engine converts at a time: its buffers' size. */
#define AUDIO_CHUNK		256
/*
 * A late tick catches up on at most this much time (ms); a stall longer
 * than that (a VM stopped for a while) loses the rest.
 */
#define AUDIO_CATCH_UP_MS	1000

static unsigned int cards = 1;
static unsigned int period_ms = AUDIO_PERIOD_MS;
static unsigned int mic_hz = AUDIO_MIC_HZ;
static unsigned int line_hz;

static int cards_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, AUDIO_MAX_CARDS);
}

static const struct kernel_param_ops cards_ops = {
	.set = cards_set,
	.get = param_get_uint,
};
module_param_cb(cards, &cards_ops, &cards, 0444);
MODULE_PARM_DESC(cards, "Cards to register (1-4): ks-audio-wave-N and ks-audio-topo-N");

static int period_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, AUDIO_PERIOD_MS_MAX);
}

static const struct kernel_param_ops period_ops = {
	.set = period_set,
	.get = param_get_uint,
};
module_param_cb(period_ms, &period_ops, &period_ms, 0644);
MODULE_PARM_DESC(period_ms, "The clock's period in ms (1-50), read when a card's clock starts");

static int tone_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, AUDIO_TONE_MIN_HZ,
				     AUDIO_TONE_MAX_HZ);
}

static const struct kernel_param_ops tone_ops = {
	.set = tone_set,
	.get = param_get_uint,
};
module_param_cb(mic_hz, &tone_ops, &mic_hz, 0644);
MODULE_PARM_DESC(mic_hz, "The microphone's tone in Hz (20-20000)");

/* 0 (silence) or a tone. */
static int line_set(const char *val, const struct kernel_param *kp)
{
	unsigned int hz;
	int ret;

	ret = kstrtouint(val, 0, &hz);
	if (ret)
		return ret;
	if (hz && (hz < AUDIO_TONE_MIN_HZ || hz > AUDIO_TONE_MAX_HZ))
		return -EINVAL;
	WRITE_ONCE(line_hz, hz);
	return 0;
}

static const struct kernel_param_ops line_ops = {
	.set = line_set,
	.get = param_get_uint,
};
module_param_cb(line_hz, &line_ops, &line_hz, 0644);
MODULE_PARM_DESC(line_hz, "Line in: 0 for silence, or a tone in Hz (20-20000)");

/**
 * struct audio_stream - a streaming pin of a card's wave filter
 * @pin: the open instance (one at most), NULL when there is none
 * @running: @pin is in RUN: the clock moves its data
 * @kind: its samples
 * @channels: its channels, 1 or 2
 * @frame: bytes a frame
 * @rate: frames a second
 */
struct audio_stream {
	struct ks_pin *pin;
	bool running;
	enum audio_sample kind;
	unsigned int channels;
	unsigned int frame;
	unsigned int rate;
};

/**
 * struct audio_clock - a card's clock and the engine it drives
 * @timer: fires every @period, queuing @work
 * @work: moves the frames due (audio_tick())
 * @on: a streaming pin runs: @work processes and re-arms @timer
 * @start: when the clock started
 * @period: the timer's period
 * @rate: frames a second, the running streams'
 * @done: frames processed since @start
 * @mic_phase: the microphone tone's phase
 * @line_phase: the line input tone's phase
 * @raw: a chunk of a stream's bytes, as its pin queues them
 * @render: a chunk of Render's frames
 * @mix: a chunk of the speakers' frames
 * @src: a chunk of a source's frames (the microphone, the line input)
 * @out: a chunk of Capture's frames
 */
struct audio_clock {
	struct hrtimer timer;
	struct work_struct work;
	bool on;
	ktime_t start;
	ktime_t period;
	unsigned int rate;
	u64 done;
	u32 mic_phase;
	u32 line_phase;
	u8 raw[AUDIO_CHUNK * AUDIO_MAX_CHANNELS * sizeof(u32)];
	struct audio_frame render[AUDIO_CHUNK];
	struct audio_frame mix[AUDIO_CHUNK];
	struct audio_frame src[AUDIO_CHUNK];
	struct audio_frame out[AUDIO_CHUNK];
};

/**
 * struct audio_card - one card: its two filters, their descriptors, its clock
 * @lock: guards the streams and the clock; held by the engine while it
 *	uses a stream's pin, so that no pin is used after its close()
 * @render: the wave filter's Render pin
 * @capture: the wave filter's Capture pin
 * @clock: the clock and the engine's state
 * @wave: the registered wave filter, NULL when it is not
 * @topo: the registered topology filter, NULL when it is not
 * @wave_desc: the wave filter's descriptor
 * @topo_desc: the topology filter's descriptor
 * @wave_pins: the shared wave pin table, with this card's physical peer
 * @topo_pins: the shared topology pin table, with this card's physical peer
 * @wave_out_peer: where Wave Out goes: the topology filter's Wave pin
 * @capture_peer: where the topology's Capture goes: the wave's Capture In
 * @wave_name: the wave filter's name
 * @topo_name: the topology filter's name
 */
struct audio_card {
	struct mutex lock;	/* the streams, the clock */
	struct audio_stream render;
	struct audio_stream capture;
	struct audio_clock clock;
	struct ks_filter *wave;
	struct ks_filter *topo;
	struct ks_filter_descriptor wave_desc;
	struct ks_filter_descriptor topo_desc;
	struct ks_pin_descriptor wave_pins[AUDIO_WAVE_PINS];
	struct ks_pin_descriptor topo_pins[AUDIO_TOPO_PINS];
	struct ks_pin_physical wave_out_peer;
	struct ks_pin_physical capture_peer;
	char wave_name[AUDIO_NAME_LEN];
	char topo_name[AUDIO_NAME_LEN];
};

static struct audio_card audio_cards[AUDIO_MAX_CARDS];

/* ---- the engine: the topology's controls on the samples ---- */

/* A volume node's gain for @channel, in 1/65536. */
static u32 audio_gain_of(struct audio_card *c, unsigned int node,
			 unsigned int channel)
{
	s32 level = ks_node_control_value(c->topo, node,
					  KSPROPERTY_AUDIO_VOLUMELEVEL, channel);

	return ks_volume_gain(level);
}

static bool audio_is_muted(struct audio_card *c, unsigned int node,
			   unsigned int channel)
{
	return ks_node_control_value(c->topo, node, KSPROPERTY_AUDIO_MUTE,
				     channel);
}

/*
 * @n frames of @f through a volume node and, if @mute_node is not
 * AUDIO_NO_MUTE, a mute node: the controls read once for the chunk.
 */
#define AUDIO_NO_MUTE	UINT_MAX

static void audio_stage(struct audio_card *c, struct audio_frame *f,
			unsigned int n, unsigned int volume_node,
			unsigned int mute_node)
{
	u32 gain[AUDIO_CHANNELS];
	unsigned int ch;

	for (ch = 0; ch < AUDIO_CHANNELS; ch++) {
		gain[ch] = audio_gain_of(c, volume_node, ch);
		if (mute_node != AUDIO_NO_MUTE && audio_is_muted(c, mute_node, ch))
			gain[ch] = 0;
	}
	audio_mix_gain(f, n, gain);
}

/* Render's next @n frames, silence for those it has not queued. */
static void audio_take_render(struct audio_card *c, unsigned int n)
{
	struct audio_stream *s = &c->render;
	struct audio_clock *k = &c->clock;
	unsigned int got = 0;

	if (s->running) {
		got = ks_pin_queue_read(s->pin, k->raw, n * s->frame) /
		      s->frame;
		audio_mix_decode(s->kind, s->channels, k->raw, k->render, got);
		if (got < n)
			ks_pin_count_xrun(s->pin, n - got);
	}
	memset(&k->render[got], 0, (n - got) * sizeof(k->render[0]));
}

/*
 * The render side into clock.mix, what reaches the speakers: the wave,
 * microphone and line inputs each through their volume and mute, summed,
 * through the master volume and mute.
 */
static void audio_mix(struct audio_card *c, unsigned int n)
{
	struct audio_clock *k = &c->clock;

	audio_take_render(c, n);
	audio_stage(c, k->render, n, AUDIO_TOPO_NODE_WAVE_VOLUME,
		    AUDIO_TOPO_NODE_WAVE_MUTE);
	memcpy(k->mix, k->render, n * sizeof(k->mix[0]));

	audio_mix_tone(k->src, n, &k->mic_phase,
		       audio_tone_step(READ_ONCE(mic_hz), k->rate));
	audio_stage(c, k->src, n, AUDIO_TOPO_NODE_MIC_VOLUME,
		    AUDIO_TOPO_NODE_MIC_MUTE);
	audio_mix_sum(k->mix, k->src, n);

	audio_mix_tone(k->src, n, &k->line_phase,
		       audio_tone_step(READ_ONCE(line_hz), k->rate));
	audio_stage(c, k->src, n, AUDIO_TOPO_NODE_LINE_VOLUME,
		    AUDIO_TOPO_NODE_LINE_MUTE);
	audio_mix_sum(k->mix, k->src, n);

	audio_stage(c, k->mix, n, AUDIO_TOPO_NODE_MASTER_VOLUME,
		    AUDIO_TOPO_NODE_MASTER_MUTE);
}

/*
 * The capture side into clock.out: the source the mux selects through its
 * capture volume, then the capture volume.  The tones are made again
 * from the phases the render side started from, so both sides hear the
 * same microphone and line input.
 */
static void audio_capture_source(struct audio_card *c, unsigned int n,
				 u32 mic_phase, u32 line_phase)
{
	struct audio_clock *k = &c->clock;
	unsigned int node;

	switch (ks_node_control_value(c->topo, AUDIO_TOPO_NODE_MUX,
				      KSPROPERTY_AUDIO_MUX_SOURCE, 0)) {
	case AUDIO_MUX_MIC:
		audio_mix_tone(k->out, n, &mic_phase,
			       audio_tone_step(READ_ONCE(mic_hz), k->rate));
		node = AUDIO_TOPO_NODE_MIC_CAPTURE;
		break;
	case AUDIO_MUX_LINE_IN:
		audio_mix_tone(k->out, n, &line_phase,
			       audio_tone_step(READ_ONCE(line_hz), k->rate));
		node = AUDIO_TOPO_NODE_LINE_CAPTURE;
		break;
	default:
		memcpy(k->out, k->mix, n * sizeof(k->out[0]));
		node = AUDIO_TOPO_NODE_MIX_CAPTURE;
		break;
	}
	audio_stage(c, k->out, n, node, AUDIO_NO_MUTE);
	audio_stage(c, k->out, n, AUDIO_TOPO_NODE_CAPTURE_VOLUME,
		    AUDIO_NO_MUTE);
}

/* Capture's next @n frames; those its queue has no room for are lost. */
static void audio_give_capture(struct audio_card *c, unsigned int n)
{
	struct audio_stream *s = &c->capture;
	struct audio_clock *k = &c->clock;
	size_t put;

	audio_mix_encode(s->kind, s->channels, k->out, k->raw, n);
	put = ks_pin_queue_write(s->pin, k->raw, n * s->frame);
	if (put < n * s->frame)
		ks_pin_count_xrun(s->pin, n - put / s->frame);
}

/* @n (at most AUDIO_CHUNK) frames of the card's time. */
static void audio_chunk(struct audio_card *c, unsigned int n)
{
	struct audio_clock *k = &c->clock;
	u32 mic_phase = k->mic_phase, line_phase = k->line_phase;

	lockdep_assert_held(&c->lock);
	audio_mix(c, n);
	if (c->capture.running) {
		audio_capture_source(c, n, mic_phase, line_phase);
		audio_give_capture(c, n);
	}
}

/*
 * The work of one tick: the frames due since the clock started.  A tick
 * that comes late does them all, as a device's DMA would have moved them
 * (the queues count the underruns and overruns that follow), up to
 * AUDIO_CATCH_UP_MS of them: a longer stall loses the rest.  The
 * card's lock is held throughout: close() takes it, so no pin is used
 * after its close, and a stopped clock is seen here.
 */
static void audio_tick(struct work_struct *work)
{
	struct audio_clock *k = container_of(work, struct audio_clock, work);
	struct audio_card *c = container_of(k, struct audio_card, clock);
	u64 due, max;
	unsigned int n;

	mutex_lock(&c->lock);
	if (!k->on)
		goto unlock;
	due = mul_u64_u32_div(ktime_to_ns(ktime_sub(ktime_get(), k->start)),
			      k->rate, NSEC_PER_SEC);
	max = div_u64((u64)k->rate * AUDIO_CATCH_UP_MS, MSEC_PER_SEC);
	if (due - k->done > max)
		k->done = due - max;
	while (k->done < due) {
		n = min_t(u64, due - k->done, AUDIO_CHUNK);
		audio_chunk(c, n);
		k->done += n;
	}
	hrtimer_start(&k->timer, k->period, HRTIMER_MODE_REL);
unlock:
	mutex_unlock(&c->lock);
}

/* Hard interrupt context: the engine takes mutexes, so it is a work item. */
static enum hrtimer_restart audio_timer(struct hrtimer *timer)
{
	struct audio_clock *k = container_of(timer, struct audio_clock, timer);

	queue_work(system_highpri_wq, &k->work);
	return HRTIMER_NORESTART;
}

/* The first running stream starts the clock at its rate. */
static void audio_clock_start(struct audio_card *c, unsigned int rate)
{
	struct audio_clock *k = &c->clock;

	lockdep_assert_held(&c->lock);
	if (k->on)
		return;
	k->on = true;
	k->rate = rate;
	k->start = ktime_get();
	k->period = ms_to_ktime(READ_ONCE(period_ms));
	k->done = 0;
	hrtimer_start(&k->timer, k->period, HRTIMER_MODE_REL);
}

/*
 * The last stream to stop stops the clock.  A tick already on its way
 * sees it stopped; the timer and the work are cancelled on unregistration
 * (audio_clock_destroy()), not here, where the core's locks are held.
 */
static void audio_clock_stop(struct audio_card *c)
{
	lockdep_assert_held(&c->lock);
	if (!c->render.running && !c->capture.running)
		c->clock.on = false;
}

static void audio_clock_init(struct audio_clock *k)
{
	hrtimer_init(&k->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	k->timer.function = audio_timer;
	INIT_WORK(&k->work, audio_tick);
}

/*
 * With the wave filter unregistered no stream runs, so no tick re-arms the
 * timer: once it is cancelled, and the work it may have queued is done,
 * neither comes back.
 */
static void audio_clock_destroy(struct audio_clock *k)
{
	hrtimer_cancel(&k->timer);
	cancel_work_sync(&k->work);
}

/* ---- pin operations (the wave filter's Render and Capture) ---- */

static struct audio_stream *audio_stream_of(struct audio_card *c,
					    unsigned int pin_id)
{
	return pin_id == AUDIO_WAVE_PIN_RENDER ? &c->render : &c->capture;
}

static struct audio_stream *audio_other(struct audio_card *c,
					unsigned int pin_id)
{
	return pin_id == AUDIO_WAVE_PIN_RENDER ? &c->capture : &c->render;
}

/*
 * The card has one clock: while one streaming pin is open, the other must
 * take its rate.  Formats and channels may differ; the engine converts.
 */
static int audio_check_rate(struct audio_card *c, unsigned int pin_id,
			    unsigned int rate)
{
	struct audio_stream *other = audio_other(c, pin_id);

	lockdep_assert_held(&c->lock);
	if (rate != AUDIO_RATE_44K1 && rate != AUDIO_RATE_48K)
		return -EDOM;
	return other->pin && other->rate != rate ? -EDOM : 0;
}

/*
 * The core has matched @format against the pin's ranges (WAVEFORMATEX:
 * PCM 16 or 32 bits or float 32 bits, 1 or 2 channels, 44100-48000 Hz).
 * Creation and DATAINTERSECTION both ask: so an intersection offers only
 * the rate the card runs at.
 */
static int audio_accept_format(struct ks_filter *filter, unsigned int pin_id,
			       const struct ks_dataformat *format)
{
	const struct ks_dataformat_waveformatex *wf = (const void *)format;
	struct audio_card *c = ks_filter_context(filter);
	int ret;

	if (format->format_size < sizeof(*wf))
		return -EDOM;
	mutex_lock(&c->lock);
	ret = audio_check_rate(c, pin_id, wf->wave_format.samples_per_sec);
	mutex_unlock(&c->lock);
	return ret;
}

static void audio_stream_format(struct audio_stream *s,
				const struct ks_dataformat *format)
{
	static const struct ks_guid flt = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
	const struct ks_dataformat_waveformatex *wf = (const void *)format;

	s->channels = wf->wave_format.channels;
	s->rate = wf->wave_format.samples_per_sec;
	s->frame = wf->wave_format.block_align;
	if (!memcmp(&format->sub_format, &flt, sizeof(flt)))
		s->kind = AUDIO_SAMPLE_FLOAT32;
	else if (wf->wave_format.bits_per_sample == 16)
		s->kind = AUDIO_SAMPLE_PCM16;
	else
		s->kind = AUDIO_SAMPLE_PCM32;
}

static unsigned int audio_rate(struct ks_pin *pin)
{
	const struct ks_dataformat_waveformatex *wf =
		(const void *)ks_pin_format(pin);

	return wf->wave_format.samples_per_sec;
}

/*
 * Two creations may both have passed accept_format() before either
 * opened: the rate is checked again here, under the lock that keeps it.
 */
static int audio_open(struct ks_pin *pin)
{
	struct audio_card *c = ks_filter_context(ks_pin_filter(pin));
	struct audio_stream *s = audio_stream_of(c, ks_pin_id(pin));
	int ret;

	mutex_lock(&c->lock);
	ret = audio_check_rate(c, ks_pin_id(pin), audio_rate(pin));
	if (!ret) {
		/* One instance of each pin type (possible_instances). */
		WARN_ON(s->pin);
		audio_stream_format(s, ks_pin_format(pin));
		s->running = false;
		s->pin = pin;
	}
	mutex_unlock(&c->lock);
	return ret;
}

/*
 * RUN starts the stream (and the clock, if it is the first); leaving RUN
 * stops it: in PAUSE Render's data waits in its queue and Capture gets
 * nothing.  Leaving STOP takes the pin's format, which a DATAFORMAT set
 * may have changed since open(): EDOM if it has left the card's rate.
 */
static int audio_set_state(struct ks_pin *pin, unsigned int from,
			   unsigned int to)
{
	struct audio_card *c = ks_filter_context(ks_pin_filter(pin));
	struct audio_stream *s = audio_stream_of(c, ks_pin_id(pin));

	int ret = 0;

	mutex_lock(&c->lock);
	if (from == KSSTATE_STOP) {
		/* A DATAFORMAT set in STOP: the rate is checked again. */
		ret = audio_check_rate(c, ks_pin_id(pin), audio_rate(pin));
		if (ret)
			goto unlock;
		audio_stream_format(s, ks_pin_format(pin));
	}
	s->running = to == KSSTATE_RUN;
	if (s->running)
		audio_clock_start(c, s->rate);
	else
		audio_clock_stop(c);
unlock:
	mutex_unlock(&c->lock);
	return ret;
}

static void audio_close(struct ks_pin *pin)
{
	struct audio_card *c = ks_filter_context(ks_pin_filter(pin));
	struct audio_stream *s = audio_stream_of(c, ks_pin_id(pin));

	mutex_lock(&c->lock);
	s->running = false;
	s->pin = NULL;
	audio_clock_stop(c);
	mutex_unlock(&c->lock);
}

/*
 * WaveRT: the card's clock sets the pace already, so a WaveRT pin needs
 * nothing more.  Its FIFO is a period: the engine takes (or gives) a
 * period's frames at a time, ahead of the position it reports.
 */
static int audio_wavert(struct ks_pin *pin, bool start,
			struct ks_rtaudio_hwlatency *latency)
{
	u64 frames = div_u64((u64)audio_rate(pin) * READ_ONCE(period_ms),
			     MSEC_PER_SEC);

	latency->fifo_size = min_t(u64, frames * ks_pin_frame_size(pin),
				   U32_MAX);
	return 0;
}

static const struct ks_pin_ops audio_stream_ops = {
	.accept_format = audio_accept_format,
	.open = audio_open,
	.set_state = audio_set_state,
	.close = audio_close,
	.wavert = audio_wavert,
};

/* ---- data ranges, interfaces, categories ---- */

#define AUDIO_WAVE_RANGE(_sub, _min_bits, _max_bits) {			\
	.data_range = {							\
		.format_size = sizeof(struct ks_datarange_audio),	\
		.major_format = KSDATAFORMAT_TYPE_AUDIO,		\
		.sub_format = _sub,					\
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,	\
	},								\
	.maximum_channels = AUDIO_MAX_CHANNELS,				\
	.minimum_bits_per_sample = (_min_bits),				\
	.maximum_bits_per_sample = (_max_bits),				\
	.minimum_sample_frequency = AUDIO_RATE_44K1,			\
	.maximum_sample_frequency = AUDIO_RATE_48K,			\
}

static const struct ks_datarange_audio audio_pcm16 =
	AUDIO_WAVE_RANGE(KSDATAFORMAT_SUBTYPE_PCM, 16, 16);
static const struct ks_datarange_audio audio_pcm32 =
	AUDIO_WAVE_RANGE(KSDATAFORMAT_SUBTYPE_PCM, 32, 32);
static const struct ks_datarange_audio audio_float32 =
	AUDIO_WAVE_RANGE(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 32, 32);

static const struct ks_data_range audio_stream_ranges[] = {
	{ .range = &audio_pcm16.data_range },
	{ .range = &audio_pcm32.data_range },
	{ .range = &audio_float32.data_range },
};

/* A bridge pin's: analog audio, no format structure. */
static const struct ks_dataformat audio_analog = {
	.format_size = sizeof(struct ks_dataformat),
	.major_format = KSDATAFORMAT_TYPE_AUDIO,
	.sub_format = KSDATAFORMAT_SUBTYPE_ANALOG,
	.specifier = KSDATAFORMAT_SPECIFIER_NONE,
};

static const struct ks_data_range audio_bridge_ranges[] = {
	{ .range = &audio_analog },
};

static const struct ks_identifier audio_stream_interfaces[] = {
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_STREAMING,
	},
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_LOOPED_STREAMING,
	},
};

static const struct ks_guid audio_cat_render = KSCATEGORY_RENDER;
static const struct ks_guid audio_cat_capture = KSCATEGORY_CAPTURE;
static const struct ks_guid audio_cat_wire = KSNODETYPE_LEGACY_AUDIO_CONNECTOR;
static const struct ks_guid audio_cat_mic = KSNODETYPE_MICROPHONE;
static const struct ks_guid audio_cat_line = KSNODETYPE_LINE_CONNECTOR;
static const struct ks_guid audio_cat_speaker = KSNODETYPE_SPEAKER;

static const struct ks_guid audio_wave_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_RENDER,
	KSCATEGORY_CAPTURE,
};

static const struct ks_guid audio_topo_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_TOPOLOGY,
};

/* ---- pins ---- */

#define AUDIO_STREAM_PIN(_flow, _cat, _name) {				\
	.dataflow = (_flow),						\
	.communication = KSPIN_COMMUNICATION_SINK,			\
	.possible_instances = 1,					\
	.interfaces = audio_stream_interfaces,				\
	.interfaces_count = ARRAY_SIZE(audio_stream_interfaces),	\
	.data_ranges = audio_stream_ranges,				\
	.data_ranges_count = ARRAY_SIZE(audio_stream_ranges),		\
	.category = (_cat),						\
	.name = (_name),						\
	.ops = &audio_stream_ops,					\
}

/* Never created: possible_instances 0, no operations. */
#define AUDIO_BRIDGE_PIN(_flow, _cat, _name) {				\
	.dataflow = (_flow),						\
	.communication = KSPIN_COMMUNICATION_BRIDGE,			\
	.data_ranges = audio_bridge_ranges,				\
	.data_ranges_count = ARRAY_SIZE(audio_bridge_ranges),		\
	.category = (_cat),						\
	.name = (_name),						\
}

/* Every card's, but for the physical peers that audio_card_init() adds. */
static const struct ks_pin_descriptor audio_wave_pins[AUDIO_WAVE_PINS] = {
	[AUDIO_WAVE_PIN_RENDER] =
		AUDIO_STREAM_PIN(KSPIN_DATAFLOW_IN, &audio_cat_render,
				 "Render"),
	[AUDIO_WAVE_PIN_WAVE_OUT] =
		AUDIO_BRIDGE_PIN(KSPIN_DATAFLOW_OUT, &audio_cat_wire,
				 "Wave Out"),
	[AUDIO_WAVE_PIN_CAPTURE_IN] =
		AUDIO_BRIDGE_PIN(KSPIN_DATAFLOW_IN, &audio_cat_wire,
				 "Capture In"),
	[AUDIO_WAVE_PIN_CAPTURE] =
		AUDIO_STREAM_PIN(KSPIN_DATAFLOW_OUT, &audio_cat_capture,
				 "Capture"),
};

static const struct ks_pin_descriptor audio_topo_pins[AUDIO_TOPO_PINS] = {
	[AUDIO_TOPO_PIN_WAVE] =
		AUDIO_BRIDGE_PIN(KSPIN_DATAFLOW_IN, &audio_cat_wire, "Wave"),
	[AUDIO_TOPO_PIN_MIC] =
		AUDIO_BRIDGE_PIN(KSPIN_DATAFLOW_IN, &audio_cat_mic,
				 "Microphone"),
	[AUDIO_TOPO_PIN_LINE_IN] =
		AUDIO_BRIDGE_PIN(KSPIN_DATAFLOW_IN, &audio_cat_line, "Line In"),
	[AUDIO_TOPO_PIN_SPEAKERS] =
		AUDIO_BRIDGE_PIN(KSPIN_DATAFLOW_OUT, &audio_cat_speaker,
				 "Speakers"),
	[AUDIO_TOPO_PIN_CAPTURE] =
		AUDIO_BRIDGE_PIN(KSPIN_DATAFLOW_OUT, &audio_cat_wire,
				 "Capture"),
};

/* ---- nodes ---- */

static const struct ks_guid audio_type_dac = KSNODETYPE_DAC;
static const struct ks_guid audio_type_adc = KSNODETYPE_ADC;
static const struct ks_guid audio_type_volume = KSNODETYPE_VOLUME;
static const struct ks_guid audio_type_mute = KSNODETYPE_MUTE;
static const struct ks_guid audio_type_sum = KSNODETYPE_SUM;
static const struct ks_guid audio_type_mux = KSNODETYPE_MUX;

static const struct ks_node_control audio_volume =
	KS_VOLUME_CONTROL(AUDIO_CHANNELS, AUDIO_VOLUME_MIN, AUDIO_VOLUME_MAX,
			  AUDIO_VOLUME_STEP, 0);
static const struct ks_node_control audio_unmuted =
	KS_MUTE_CONTROL(AUDIO_CHANNELS, 0);
static const struct ks_node_control audio_muted =
	KS_MUTE_CONTROL(AUDIO_CHANNELS, 1);
static const struct ks_node_control audio_mux =
	KS_MUX_CONTROL(AUDIO_MUX_INPUTS, AUDIO_MUX_MIC);

#define AUDIO_NODE(_type, _name) {					\
	.type = &(_type),						\
	.name = (_name),						\
}

static const struct ks_identifier audio_control_events[] = {
	KS_CONTROL_CHANGE_EVENT,
};

#define AUDIO_CONTROL_NODE(_type, _name, _control) {			\
	.type = &(_type),						\
	.name = (_name),						\
	.controls = &(_control),					\
	.controls_count = 1,						\
	.events = audio_control_events,					\
	.events_count = ARRAY_SIZE(audio_control_events),		\
}

#define AUDIO_VOLUME(_name)						\
	AUDIO_CONTROL_NODE(audio_type_volume, _name, audio_volume)
#define AUDIO_MUTE(_name, _control)					\
	AUDIO_CONTROL_NODE(audio_type_mute, _name, _control)

static const struct ks_node_descriptor audio_wave_nodes[AUDIO_WAVE_NODES] = {
	[AUDIO_WAVE_NODE_DAC] = AUDIO_NODE(audio_type_dac, "DAC"),
	[AUDIO_WAVE_NODE_ADC] = AUDIO_NODE(audio_type_adc, "ADC"),
};

static const struct ks_node_descriptor audio_topo_nodes[AUDIO_TOPO_NODES] = {
	[AUDIO_TOPO_NODE_WAVE_VOLUME] = AUDIO_VOLUME("Wave Volume"),
	[AUDIO_TOPO_NODE_WAVE_MUTE] = AUDIO_MUTE("Wave Mute", audio_unmuted),
	[AUDIO_TOPO_NODE_MIC_VOLUME] = AUDIO_VOLUME("Microphone Volume"),
	[AUDIO_TOPO_NODE_MIC_MUTE] = AUDIO_MUTE("Microphone Mute",
						audio_muted),
	[AUDIO_TOPO_NODE_LINE_VOLUME] = AUDIO_VOLUME("Line In Volume"),
	[AUDIO_TOPO_NODE_LINE_MUTE] = AUDIO_MUTE("Line In Mute",
						 audio_unmuted),
	[AUDIO_TOPO_NODE_SUM] = AUDIO_NODE(audio_type_sum, "Sum"),
	[AUDIO_TOPO_NODE_MASTER_VOLUME] = AUDIO_VOLUME("Master Volume"),
	[AUDIO_TOPO_NODE_MASTER_MUTE] = AUDIO_MUTE("Master Mute",
						   audio_unmuted),
	[AUDIO_TOPO_NODE_MIC_CAPTURE] =
		AUDIO_VOLUME("Microphone Capture Volume"),
	[AUDIO_TOPO_NODE_LINE_CAPTURE] = AUDIO_VOLUME("Line In Capture Volume"),
	[AUDIO_TOPO_NODE_MIX_CAPTURE] = AUDIO_VOLUME("What You Hear Volume"),
	[AUDIO_TOPO_NODE_MUX] = AUDIO_CONTROL_NODE(audio_type_mux,
						   "Capture Source", audio_mux),
	[AUDIO_TOPO_NODE_CAPTURE_VOLUME] = AUDIO_VOLUME("Capture Volume"),
};

/* ---- connections (a node's output is its pin 0, its inputs from 1) ---- */

#define PIN_TO_NODE(_pin, _node, _input)				\
	{ KSFILTER_NODE, (_pin), (_node), (_input) }
#define NODE_TO_NODE(_from, _to, _input)				\
	{ (_from), 0, (_to), (_input) }
#define NODE_TO_PIN(_node, _pin)					\
	{ (_node), 0, KSFILTER_NODE, (_pin) }

static const struct ks_topology_connection audio_wave_connections[] = {
	PIN_TO_NODE(AUDIO_WAVE_PIN_RENDER, AUDIO_WAVE_NODE_DAC, 1),
	NODE_TO_PIN(AUDIO_WAVE_NODE_DAC, AUDIO_WAVE_PIN_WAVE_OUT),
	PIN_TO_NODE(AUDIO_WAVE_PIN_CAPTURE_IN, AUDIO_WAVE_NODE_ADC, 1),
	NODE_TO_PIN(AUDIO_WAVE_NODE_ADC, AUDIO_WAVE_PIN_CAPTURE),
};

static const struct ks_topology_connection audio_topo_connections[] = {
	/* The render side: each input through its volume and mute to the sum. */
	PIN_TO_NODE(AUDIO_TOPO_PIN_WAVE, AUDIO_TOPO_NODE_WAVE_VOLUME, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_WAVE_VOLUME, AUDIO_TOPO_NODE_WAVE_MUTE, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_WAVE_MUTE, AUDIO_TOPO_NODE_SUM, 1),
	PIN_TO_NODE(AUDIO_TOPO_PIN_MIC, AUDIO_TOPO_NODE_MIC_VOLUME, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_MIC_VOLUME, AUDIO_TOPO_NODE_MIC_MUTE, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_MIC_MUTE, AUDIO_TOPO_NODE_SUM, 2),
	PIN_TO_NODE(AUDIO_TOPO_PIN_LINE_IN, AUDIO_TOPO_NODE_LINE_VOLUME, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_LINE_VOLUME, AUDIO_TOPO_NODE_LINE_MUTE, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_LINE_MUTE, AUDIO_TOPO_NODE_SUM, 3),
	/* The sum through the master volume and mute to the speakers. */
	NODE_TO_NODE(AUDIO_TOPO_NODE_SUM, AUDIO_TOPO_NODE_MASTER_VOLUME, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_MASTER_VOLUME,
		     AUDIO_TOPO_NODE_MASTER_MUTE, 1),
	NODE_TO_PIN(AUDIO_TOPO_NODE_MASTER_MUTE, AUDIO_TOPO_PIN_SPEAKERS),
	/* The capture side: three sources, the mux, the capture volume. */
	PIN_TO_NODE(AUDIO_TOPO_PIN_MIC, AUDIO_TOPO_NODE_MIC_CAPTURE, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_MIC_CAPTURE, AUDIO_TOPO_NODE_MUX,
		     AUDIO_MUX_MIC + 1),
	PIN_TO_NODE(AUDIO_TOPO_PIN_LINE_IN, AUDIO_TOPO_NODE_LINE_CAPTURE, 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_LINE_CAPTURE, AUDIO_TOPO_NODE_MUX,
		     AUDIO_MUX_LINE_IN + 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_MASTER_MUTE, AUDIO_TOPO_NODE_MIX_CAPTURE,
		     1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_MIX_CAPTURE, AUDIO_TOPO_NODE_MUX,
		     AUDIO_MUX_MIX + 1),
	NODE_TO_NODE(AUDIO_TOPO_NODE_MUX, AUDIO_TOPO_NODE_CAPTURE_VOLUME, 1),
	NODE_TO_PIN(AUDIO_TOPO_NODE_CAPTURE_VOLUME, AUDIO_TOPO_PIN_CAPTURE),
};

/* ---- cards ---- */

/* Card @i's names, pin tables and descriptors; both filters' context is @c. */
static void audio_card_init(struct audio_card *c, unsigned int i)
{
	snprintf(c->wave_name, sizeof(c->wave_name), AUDIO_WAVE_NAME "-%u", i);
	snprintf(c->topo_name, sizeof(c->topo_name), AUDIO_TOPO_NAME "-%u", i);
	c->wave_out_peer = (struct ks_pin_physical){
		.filter = c->topo_name,
		.pin = AUDIO_TOPO_PIN_WAVE,
	};
	c->capture_peer = (struct ks_pin_physical){
		.filter = c->wave_name,
		.pin = AUDIO_WAVE_PIN_CAPTURE_IN,
	};
	memcpy(c->wave_pins, audio_wave_pins, sizeof(c->wave_pins));
	c->wave_pins[AUDIO_WAVE_PIN_WAVE_OUT].physical = &c->wave_out_peer;
	memcpy(c->topo_pins, audio_topo_pins, sizeof(c->topo_pins));
	c->topo_pins[AUDIO_TOPO_PIN_CAPTURE].physical = &c->capture_peer;
	c->wave_desc = (struct ks_filter_descriptor){
		.name = c->wave_name,
		.owner = THIS_MODULE,
		.categories = audio_wave_categories,
		.categories_count = ARRAY_SIZE(audio_wave_categories),
		.pins = c->wave_pins,
		.pins_count = AUDIO_WAVE_PINS,
		.nodes = audio_wave_nodes,
		.nodes_count = AUDIO_WAVE_NODES,
		.connections = audio_wave_connections,
		.connections_count = ARRAY_SIZE(audio_wave_connections),
	};
	c->topo_desc = (struct ks_filter_descriptor){
		.name = c->topo_name,
		.owner = THIS_MODULE,
		.categories = audio_topo_categories,
		.categories_count = ARRAY_SIZE(audio_topo_categories),
		.pins = c->topo_pins,
		.pins_count = AUDIO_TOPO_PINS,
		.nodes = audio_topo_nodes,
		.nodes_count = AUDIO_TOPO_NODES,
		.connections = audio_topo_connections,
		.connections_count = ARRAY_SIZE(audio_topo_connections),
	};
}

/*
 * The topology first, so that a client that finds the wave filter finds
 * the card whole.
 */
static int audio_card_register(struct audio_card *c, unsigned int i)
{
	struct ks_filter *filter;

	mutex_init(&c->lock);
	audio_clock_init(&c->clock);
	audio_card_init(c, i);
	filter = ks_filter_register(&c->topo_desc, c);
	if (IS_ERR(filter))
		goto err_destroy_lock;
	c->topo = filter;
	filter = ks_filter_register(&c->wave_desc, c);
	if (IS_ERR(filter))
		goto err_unregister_topo;
	c->wave = filter;
	return 0;

err_unregister_topo:
	ks_filter_unregister(c->topo);
	c->topo = NULL;
err_destroy_lock:
	mutex_destroy(&c->lock);
	return PTR_ERR(filter);
}

/*
 * The wave filter first: its unregistration closes the open pins, which
 * stops the clock; then the clock's timer and work, which read the
 * topology's controls, are waited for; then the topology goes.
 */
static void audio_card_unregister(struct audio_card *c)
{
	ks_filter_unregister(c->wave);
	c->wave = NULL;
	audio_clock_destroy(&c->clock);
	ks_filter_unregister(c->topo);
	c->topo = NULL;
	mutex_destroy(&c->lock);
}

/*
 * Lock order: kernel_param_lock (a write to "registered"), audio_lock,
 * then ksfilter's locks inside ks_filter_register/unregister().
 *
 * audio_lock serializes registration: module init and exit and writes to
 * "registered", which sysfs allows before init has finished and until
 * exit has run.  Before init (audio_loaded false) a write only records the
 * wish.  audio_registered says whether the cards are.
 */
static DEFINE_MUTEX(audio_lock);
static bool audio_loaded;
static bool audio_registered;
static bool registered = true;

static int audio_register_cards(void)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&audio_lock);
	if (audio_registered)
		return 0;
	for (i = 0; i < cards; i++) {
		ret = audio_card_register(&audio_cards[i], i);
		if (ret)
			goto err_unregister;
	}
	audio_registered = true;
	return 0;

err_unregister:
	while (i--)
		audio_card_unregister(&audio_cards[i]);
	return ret;
}

static void audio_unregister_cards(void)
{
	unsigned int i = cards;

	lockdep_assert_held(&audio_lock);
	if (!audio_registered)
		return;
	while (i--)
		audio_card_unregister(&audio_cards[i]);
	audio_registered = false;
}

/* Unplugging the card (0) and plugging it in again (1), as a USB card. */
static int registered_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	mutex_lock(&audio_lock);
	if (audio_loaded) {
		if (on)
			ret = audio_register_cards();
		else
			audio_unregister_cards();
	}
	if (!ret)
		registered = on;
	mutex_unlock(&audio_lock);
	return ret;
}

static const struct kernel_param_ops registered_ops = {
	.set = registered_set,
	.get = param_get_bool,
};
module_param_cb(registered, &registered_ops, &registered, 0644);
MODULE_PARM_DESC(registered, "The cards are registered (write 0 to unregister them, as an unplugged card, 1 to register them again)");

static int __init audio_init(void)
{
	int ret = 0;

	mutex_lock(&audio_lock);
	if (registered)
		ret = audio_register_cards();
	if (!ret)
		audio_loaded = true;
	mutex_unlock(&audio_lock);
	return ret;
}

static void __exit audio_exit(void)
{
	mutex_lock(&audio_lock);
	audio_loaded = false;
	audio_unregister_cards();
	mutex_unlock(&audio_lock);
}

module_init(audio_init);
module_exit(audio_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a PortCls-shaped audio adapter, wave and topology filters");
MODULE_AUTHOR("ksfilter developers");
