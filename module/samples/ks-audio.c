// SPDX-License-Identifier: GPL-2.0
/*
 * ks-audio: a reference audio adapter, shaped like a Windows PortCls
 * driver: each card is a wave filter (the streaming pins, a DAC and an
 * ADC) and a topology filter (the mixer between the jacks), registered
 * through the exported API (include/linux/ksfilter.h) and joined by
 * physical connections.  The numbers users rely on are in ks-audio.h.
 *
 * Module parameter (/sys/module/ks_audio/parameters/):
 *   cards (uint, 0444, 1-4, default 1): the cards to register; card N is
 *	"ks-audio-wave-N" and "ks-audio-topo-N", registered topology first.
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
 *   Sum -> 11 "What You Hear Volume" -> Capture Source 3
 *   Capture Source -> 13 "Capture Volume" -> Capture
 *
 * Volumes are KSNODETYPE_VOLUME, 2 channels, -96 dB to 0 dB in steps of
 * 0.5 dB, 0 dB at load; mutes KSNODETYPE_MUTE, 2 channels, off at load
 * except the microphone's monitor ("Microphone Mute"), on so that the
 * microphone does not feed back into the speakers; "Sum" a KSNODETYPE_SUM
 * without controls; "Capture Source" a KSNODETYPE_MUX whose MUX_SOURCE is
 * 0 (microphone, at load), 1 (line in) or 2 (what you hear): its node
 * input pin less one.  The core keeps the values and answers the
 * properties; nothing here reads them yet.
 *
 * The data path of this first version, with no clock: a running Render
 * pin throws away what it is given (discarding its queue whenever data
 * arrives), a running Capture pin gives silence (zeros, which is silence
 * in each of the three formats) as fast as its reader takes it, filled
 * when it starts to run, when it leaves a reset and whenever its reader
 * makes room.  So a client streams both ways and nothing waits forever.
 * In PAUSE a Render pin's data waits in its queue, as a device prerolls.
 *
 * Next: the clocked, mixing engine.  An hrtimer per running card moves
 * audio at the format's rate: it takes a period of Render's frames through
 * the render controls (wave volume and mute, the sum with the microphone's
 * tone and the line input, master volume and mute), and makes a period of
 * Capture's from the source the mux selects (a microphone tone, the line
 * input, or what you hear: the sum's output) through its capture volumes,
 * reading every control with ks_node_control_value(); a period the Render
 * queue cannot give counts an underrun, one the Capture queue cannot take
 * an overrun.
 *
 * Locks: card.lock is a provider's own lock, taken in our callbacks under
 * the core's locks and held over nothing of the core's; it guards the
 * cards' pin slots, which the engine will read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/ksfilter.h>

#include "ks-audio.h"

/* "ks-audio-wave-<i>", "ks-audio-topo-<i>" */
#define AUDIO_NAME_LEN		(sizeof(AUDIO_WAVE_NAME) + 12)

static unsigned int cards = 1;

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

/**
 * struct audio_stream - a streaming pin of a card's wave filter
 * @pin: the open instance (one at most), NULL when there is none
 * @running: @pin is in RUN, or about to be: written by its set_state
 */
struct audio_stream {
	struct ks_pin *pin;
	bool running;
};

/**
 * struct audio_card - one card: its two filters and their descriptors
 * @lock: guards @render.pin and @capture.pin (open and close)
 * @render: the wave filter's Render pin
 * @capture: the wave filter's Capture pin
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
	struct mutex lock;	/* the pin slots */
	struct audio_stream render;
	struct audio_stream capture;
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

/* ---- pin operations (the wave filter's Render and Capture) ---- */

static int audio_accept_format(struct ks_filter *filter, unsigned int pin_id,
			       const struct ks_dataformat *format)
{
	const struct ks_dataformat_waveformatex *wf = (const void *)format;

	/* Only the WAVEFORMATEX ranges reach here, but check the size. */
	if (format->format_size < sizeof(*wf))
		return -EDOM;
	switch (wf->wave_format.samples_per_sec) {
	case AUDIO_RATE_44K1:
	case AUDIO_RATE_48K:
		return 0;
	default:
		return -EDOM;
	}
}

static void audio_silence(void *arg, void *dst, size_t len)
{
	memset(dst, 0, len);
}

/*
 * Render throws its data away, Capture fills its queue with silence: only
 * while running.  Either may run in several tasks at once, which is safe:
 * the helpers work on whole frames of room or data reserved for each.
 */
static int audio_process(struct ks_pin *pin)
{
	struct audio_stream *s = ks_pin_context(pin);

	if (!READ_ONCE(s->running))
		return 0;
	if (ks_pin_id(pin) == AUDIO_WAVE_PIN_RENDER)
		ks_pin_queue_discard(pin);
	else
		ks_pin_queue_produce(pin, SIZE_MAX, audio_silence, NULL);
	return 0;
}

static int audio_open(struct ks_pin *pin)
{
	struct audio_card *c = ks_filter_context(ks_pin_filter(pin));
	struct audio_stream *s = ks_pin_id(pin) == AUDIO_WAVE_PIN_RENDER ?
				 &c->render : &c->capture;

	mutex_lock(&c->lock);
	/* One instance of each pin type (possible_instances). */
	WARN_ON(s->pin);
	s->pin = pin;
	WRITE_ONCE(s->running, false);
	mutex_unlock(&c->lock);
	ks_pin_set_context(pin, s);
	return 0;
}

/*
 * The core's state is still the old one while this runs, so the stream
 * keeps its own.  Starting to run drains what Render got in PAUSE, and
 * fills Capture's queue at once: a connected peer only moves what is
 * queued, and asks for nothing before.
 */
static int audio_set_state(struct ks_pin *pin, unsigned int from,
			   unsigned int to)
{
	struct audio_stream *s = ks_pin_context(pin);

	WRITE_ONCE(s->running, to == KSSTATE_RUN);
	return audio_process(pin);
}

/* Leaving a reset, Capture's emptied queue is filled again. */
static void audio_reset(struct ks_pin *pin, unsigned int how)
{
	if (how == KSRESET_END)
		audio_process(pin);
}

static void audio_close(struct ks_pin *pin)
{
	struct audio_card *c = ks_filter_context(ks_pin_filter(pin));
	struct audio_stream *s = ks_pin_context(pin);

	mutex_lock(&c->lock);
	WRITE_ONCE(s->running, false);
	s->pin = NULL;
	mutex_unlock(&c->lock);
	ks_pin_set_context(pin, NULL);
}

static const struct ks_pin_ops audio_stream_ops = {
	.accept_format = audio_accept_format,
	.open = audio_open,
	.set_state = audio_set_state,
	.process = audio_process,
	.reset = audio_reset,
	.close = audio_close,
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

#define AUDIO_CONTROL_NODE(_type, _name, _control) {			\
	.type = &(_type),						\
	.name = (_name),						\
	.controls = &(_control),					\
	.controls_count = 1,						\
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
	NODE_TO_NODE(AUDIO_TOPO_NODE_SUM, AUDIO_TOPO_NODE_MIX_CAPTURE, 1),
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
	audio_card_init(c, i);
	filter = ks_filter_register(&c->topo_desc, c);
	if (IS_ERR(filter))
		goto err;
	c->topo = filter;
	filter = ks_filter_register(&c->wave_desc, c);
	if (IS_ERR(filter)) {
		ks_filter_unregister(c->topo);
		c->topo = NULL;
		goto err;
	}
	c->wave = filter;
	return 0;

err:
	mutex_destroy(&c->lock);
	return PTR_ERR(filter);
}

/* Closes the wave filter's open pins, which use @c: it goes last. */
static void audio_card_unregister(struct audio_card *c)
{
	ks_filter_unregister(c->wave);
	c->wave = NULL;
	ks_filter_unregister(c->topo);
	c->topo = NULL;
	mutex_destroy(&c->lock);
}

static int __init audio_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < cards; i++) {
		ret = audio_card_register(&audio_cards[i], i);
		if (ret)
			goto err_unregister;
	}
	return 0;

err_unregister:
	while (i--)
		audio_card_unregister(&audio_cards[i]);
	return ret;
}

static void __exit audio_exit(void)
{
	unsigned int i = cards;

	while (i--)
		audio_card_unregister(&audio_cards[i]);
}

module_init(audio_init);
module_exit(audio_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a PortCls-shaped audio adapter, wave and topology filters");
MODULE_AUTHOR("ksfilter developers");
