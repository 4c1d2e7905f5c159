// SPDX-License-Identifier: GPL-2.0
/*
 * ks-gain: the middle of the chain samples (ks-chain.h, docs/graphs.md), a
 * transform filter that scales 16-bit PCM on its way from In to Out.
 *
 * It registers `filters` filters, "ks-gain" then "ks-gain-1", "ks-gain-2"
 * ..., through the core's KS_INTERFACE_FILTER_FACTORY, version 2 or later,
 * which is its only link to ksfilter: it registers its filters and moves
 * their data with that table's functions.  Each filter's pins, which ksctl
 * and the tests rely on:
 *
 * id name   dataflow comm  possible  necessary
 * 0  "In"   IN       SINK  1         0
 * 1  "Out"  OUT      BOTH  1         0
 *
 * id interfaces       mediums                      data ranges
 * 0  {Std STREAMING}  {KS_CHAIN_MEDIUM,            audio/PCM/WAVEFORMATEX,
 *                      KS_CHAIN_MEDIUM_ID}         channels <= 8,
 * 1  {Std STREAMING}  none: {Std ANYINSTANCE}      bits 16-16,
 *                                                  8000-384000 Hz (both)
 *
 * Physical connection (KSPROPERTY_PIN_PHYSICALCONNECTION): filter
 * "ks-gain"'s Out pin is wired to "ks-loopback" pin 0 ("Render"); the
 * other filters' pins have none.  In takes its data only from ks-gen's Out
 * (the private medium); Out goes to the loopback, to a user's read, or to
 * any standard-medium IN pin.
 *
 * Module parameters (/sys/module/ks_gain/parameters/):
 *   filters (uint, 0444, 1-4, default 1): how many filters to register.
 *   gain_percent (uint, 0644, 0-400, default 50): the volume of every
 *	filter's every channel, as a percentage of the amplitude: its level
 *	at load, and again whenever it is written (as a knob on the device
 *	would set it).
 *
 * Topology: In (pin 0) -> node 0, a KSNODETYPE_VOLUME named "Volume" ->
 * Out (pin 1).  Its VOLUMELEVEL, per channel of up to 8, from -96 dB
 * (silence) to +12 dB in steps of 1/65536 dB, is the gain: clients set it
 * with KSPROPERTY_AUDIO_VOLUMELEVEL on the node, and each move reads it
 * (ks-chain.h turns levels into gains in integer arithmetic).
 *
 * The data path, through the pin operations and the factory's queue
 * helpers, modelled on ks-loopback's (module/loopback.c): while In and Out
 * both run with equal formats, what In has queued passes to Out through
 * ks_chain_gain() as far as Out's queue has room, with its stream-header
 * metadata and end-of-stream marks, whenever In has data (process on In),
 * Out has room (process on Out) or a pin changes state.  A chain is
 * lossless, so unlike the loopback nothing is ever discarded for want of
 * a reader: with Out absent, not running or in another format, In's data
 * waits in In's queue and the writer upstream stalls.
 *  - A reset (KSRESET_BEGIN) on either pin discards the data between them:
 *    both queues.
 *  - Closing In puts an end-of-stream mark on Out (unless Out is in STOP,
 *    which would discard it, or its queue is full), so a reader downstream
 *    sees the end after the data that got through.
 *
 * Lock order: the core's locks (the filter's gate, the pin's lock for
 * set_state and close) come first, then gain.lock, then the queues' locks
 * inside the factory's helpers.  gain.lock is held while data moves and
 * while a pin is added or taken away, so a pin we move data into or out of
 * cannot be closed, and so freed, under us.  It also holds state changes:
 * a pin's set_state takes it, so a pin seen in RUN under the lock stays in
 * RUN, and its format (which only changes in STOP) stays, until it is
 * dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/ksfilter.h>

#include "ks-chain.h"

#define GAIN_MAX_PERCENT	400
/* "ks-gain-<i>" */
#define GAIN_NAME_LEN		(sizeof(GAIN_NAME) + 12)

static unsigned int filters = 1;
static unsigned int gain_percent = GAIN_DEFAULT_PERCENT;

static int filters_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, GAIN_MAX_FILTERS);
}

static const struct kernel_param_ops filters_ops = {
	.set = filters_set,
	.get = param_get_uint,
};
module_param_cb(filters, &filters_ops, &filters, 0444);
MODULE_PARM_DESC(filters, "Filters to register (1-4): ks-gain, ks-gain-1, ...");

/* Registration and the parameter's setting of the levels, in turn. */
static DEFINE_MUTEX(gain_mutex);
static void gain_set_levels(unsigned int percent);

static int gain_percent_set(const char *val, const struct kernel_param *kp)
{
	int ret;

	mutex_lock(&gain_mutex);
	ret = param_set_uint_minmax(val, kp, 0, GAIN_MAX_PERCENT);
	if (!ret)
		gain_set_levels(gain_percent);
	mutex_unlock(&gain_mutex);
	return ret;
}

static const struct kernel_param_ops gain_percent_ops = {
	.set = gain_percent_set,
	.get = param_get_uint,
};
module_param_cb(gain_percent, &gain_percent_ops, &gain_percent, 0644);
MODULE_PARM_DESC(gain_percent, "Gain of every filter in percent (0-400)");

/* The factory, queried at load and dropped at unload. */
static struct ks_filter_factory_interface factory;

/**
 * struct gain - one filter's state
 * @lock: protects @pins; held while data moves (see the top)
 * @again: a round of pump() was asked for while @lock was taken
 * @pins: the open In and Out pins, NULL when there is none
 * @filter: the registered filter, NULL when it is not
 * @desc: its descriptor, which differs from filter to filter by name
 * @volume: its volume node's control, which starts at gain_percent's level
 * @node: its volume node
 * @name: its name
 */
struct gain {
	struct mutex lock;	/* pins; held while data moves */
	atomic_t again;
	struct ks_pin *pins[GAIN_PINS];
	struct ks_filter *filter;
	struct ks_filter_descriptor desc;
	struct ks_node_control volume;
	struct ks_node_descriptor node;
	char name[GAIN_NAME_LEN];
};

static struct gain gains[GAIN_MAX_FILTERS];

static struct gain *gain_of(struct ks_pin *pin)
{
	void *ctx = factory.header.context;

	return factory.filter_context(ctx, factory.pin_filter(ctx, pin));
}

static unsigned int pin_id(struct ks_pin *pin)
{
	return factory.pin_id(factory.header.context, pin);
}

static unsigned int state_of(const struct ks_pin *pin)
{
	return pin ? factory.pin_state(factory.header.context, pin) :
		     KSSTATE_STOP;
}

static bool same_format(const struct ks_pin *a, const struct ks_pin *b)
{
	void *ctx = factory.header.context;
	const struct ks_dataformat *fa = factory.pin_format(ctx, a);
	const struct ks_dataformat *fb = factory.pin_format(ctx, b);

	return fa->format_size == fb->format_size &&
	       !memcmp(fa, fb, fa->format_size);
}

/* The gain of each channel of a move, read from the node once per move. */
struct gains {
	unsigned int channels;
	u32 gain[KS_CHAIN_MAX_CHANNELS];
};

/*
 * The transform: @len bytes of little-endian s16 samples (whole frames)
 * through ks_chain_apply() at their channel's gain.  A frame is an even
 * number of bytes and the queues hold whole frames, so the samples are
 * aligned and a run starts at a frame's first channel.
 */
static void apply_gain(void *arg, void *dst, const void *src, size_t len)
{
	const struct gains *gs = arg;
	const __le16 *s = src;
	__le16 *d = dst;
	unsigned int c = 0;
	size_t i;

	/* The channel counted, not i % channels: a division per sample. */
	for (i = 0; i < len / sizeof(*s); i++) {
		d[i] = cpu_to_le16((u16)ks_chain_apply((s16)le16_to_cpu(s[i]),
						       gs->gain[c]));
		if (++c == gs->channels)
			c = 0;
	}
}

/* In's channels (the checks let in 1 to 8) and their gains now. */
static void read_gains(struct gain *g, struct ks_pin *in, struct gains *gs)
{
	void *ctx = factory.header.context;
	const struct ks_dataformat_waveformatex *wf =
		(const void *)factory.pin_format(ctx, in);
	unsigned int c;
	s32 level;

	gs->channels = clamp_t(unsigned int, wf->wave_format.channels, 1,
			       KS_CHAIN_MAX_CHANNELS);
	for (c = 0; c < gs->channels; c++) {
		level = factory.node_control_value(ctx, g->filter,
						   GAIN_NODE_VOLUME,
						   KSPROPERTY_AUDIO_VOLUMELEVEL,
						   c);
		gs->gain[c] = ks_volume_gain(level);
	}
}

/*
 * In's data to Out, given the pins' states (a pin in set_state is passed
 * the state it is going to).  Anything else holds the data in In's queue:
 * see the top.
 */
static void pump(struct gain *g, unsigned int in_state, unsigned int out_state)
{
	struct ks_pin *in = g->pins[GAIN_PIN_IN];
	struct ks_pin *out = g->pins[GAIN_PIN_OUT];
	struct gains gs;

	lockdep_assert_held(&g->lock);
	if (!in || in_state != KSSTATE_RUN)
		return;
	if (!out || out_state != KSSTATE_RUN || !same_format(in, out))
		return;
	read_gains(g, in, &gs);
	factory.queue_transform(factory.header.context, in, out, apply_gain,
				&gs);
}

/* A round of pump() with the pins' states now; @g->lock held. */
static void round_now(struct gain *g)
{
	atomic_set(&g->again, 0);
	pump(g, state_of(g->pins[GAIN_PIN_IN]),
	     state_of(g->pins[GAIN_PIN_OUT]));
}

/*
 * Let go of @g->lock, after the rounds asked for while it was held.  In's
 * process() (data) and Out's (room) come from two work items at once in
 * a chain (docs/graphs.md); rather than wait for the lock while the other
 * one copies, a caller asks for a round and leaves it to whoever holds it.
 */
static void gain_unlock(struct gain *g)
{
	for (;;) {
		mutex_unlock(&g->lock);
		/* Pairs with gain_process(): its ask or our trylock is seen. */
		smp_mb();
		if (!atomic_read(&g->again) || !mutex_trylock(&g->lock))
			return;
		round_now(g);
	}
}

static int gain_open(struct ks_pin *pin)
{
	struct gain *g = gain_of(pin);

	mutex_lock(&g->lock);
	/* One instance of each pin type. */
	WARN_ON(g->pins[pin_id(pin)]);
	g->pins[pin_id(pin)] = pin;
	gain_unlock(g);
	return 0;
}

static int gain_set_state(struct ks_pin *pin, unsigned int from,
			  unsigned int to)
{
	struct gain *g = gain_of(pin);
	unsigned int state[GAIN_PINS];

	mutex_lock(&g->lock);
	state[GAIN_PIN_IN] = state_of(g->pins[GAIN_PIN_IN]);
	state[GAIN_PIN_OUT] = state_of(g->pins[GAIN_PIN_OUT]);
	state[pin_id(pin)] = to;
	pump(g, state[GAIN_PIN_IN], state[GAIN_PIN_OUT]);
	gain_unlock(g);
	return 0;
}

static int gain_process(struct ks_pin *pin)
{
	struct gain *g = gain_of(pin);

	atomic_set(&g->again, 1);
	/* Pairs with gain_unlock(). */
	smp_mb__after_atomic();
	if (mutex_trylock(&g->lock)) {
		round_now(g);
		gain_unlock(g);
	}
	return 0;
}

/* The pin's own queue is empty already: the other one goes too. */
static void gain_reset(struct ks_pin *pin, unsigned int how)
{
	struct gain *g = gain_of(pin);
	struct ks_pin *other;

	if (how != KSRESET_BEGIN)
		return;
	mutex_lock(&g->lock);
	other = g->pins[pin_id(pin) == GAIN_PIN_IN ? GAIN_PIN_OUT : GAIN_PIN_IN];
	if (other)
		factory.queue_discard(factory.header.context, other);
	gain_unlock(g);
}

/*
 * Either pin leaves its slot.  When In goes (in STOP, its queue empty) the
 * stream through this filter ends: a reader of Out, or the chain
 * downstream, is told so after the data that reached Out.  Not while Out
 * is in STOP: its queue would keep the mark for its next stream.
 */
static void gain_close(struct ks_pin *pin)
{
	struct gain *g = gain_of(pin);
	struct ks_pin *out;

	mutex_lock(&g->lock);
	g->pins[pin_id(pin)] = NULL;
	out = g->pins[GAIN_PIN_OUT];
	if (pin_id(pin) == GAIN_PIN_IN && out && state_of(out) != KSSTATE_STOP)
		factory.queue_end_of_stream(factory.header.context, out);
	gain_unlock(g);
}

static const struct ks_pin_ops gain_ops = {
	.open = gain_open,
	.set_state = gain_set_state,
	.process = gain_process,
	.reset = gain_reset,
	.close = gain_close,
};

/* Filter 0's Out is wired to the loopback's Render pin. */
static const struct ks_pin_physical gain_to_loopback = { "ks-loopback", 0 };

#define GAIN_PIN_IN_DESC {						\
	.dataflow = KSPIN_DATAFLOW_IN,					\
	.communication = KSPIN_COMMUNICATION_SINK,			\
	.possible_instances = 1,					\
	.interfaces = ks_chain_interfaces,				\
	.interfaces_count = ARRAY_SIZE(ks_chain_interfaces),		\
	.mediums = ks_chain_mediums,					\
	.mediums_count = ARRAY_SIZE(ks_chain_mediums),			\
	.data_ranges = ks_chain_ranges,					\
	.data_ranges_count = ARRAY_SIZE(ks_chain_ranges),		\
	.name = "In",							\
	.ops = &gain_ops,						\
}

#define GAIN_PIN_OUT_DESC(phys) {					\
	.dataflow = KSPIN_DATAFLOW_OUT,					\
	.communication = KSPIN_COMMUNICATION_BOTH,			\
	.possible_instances = 1,					\
	.interfaces = ks_chain_interfaces,				\
	.interfaces_count = ARRAY_SIZE(ks_chain_interfaces),		\
	.data_ranges = ks_chain_ranges,					\
	.data_ranges_count = ARRAY_SIZE(ks_chain_ranges),		\
	.name = "Out",							\
	.ops = &gain_ops,						\
	.physical = (phys),						\
}

/* Filter 0, the one graph builders follow to the loopback. */
static const struct ks_pin_descriptor gain_pins_first[GAIN_PINS] = {
	[GAIN_PIN_IN] = GAIN_PIN_IN_DESC,
	[GAIN_PIN_OUT] = GAIN_PIN_OUT_DESC(&gain_to_loopback),
};

/* Filters 1 and up: the same pins, wired to nothing. */
static const struct ks_pin_descriptor gain_pins_other[GAIN_PINS] = {
	[GAIN_PIN_IN] = GAIN_PIN_IN_DESC,
	[GAIN_PIN_OUT] = GAIN_PIN_OUT_DESC(NULL),
};

static const struct ks_guid gain_categories[] = {
	KSCATEGORY_AUDIO,
};

static const struct ks_guid gain_volume_type = KSNODETYPE_VOLUME;

/* In -> the volume node's input (node pin 1), its output (0) -> Out. */
static const struct ks_topology_connection gain_connections[] = {
	{ KSFILTER_NODE, GAIN_PIN_IN, GAIN_NODE_VOLUME, 1 },
	{ GAIN_NODE_VOLUME, 0, KSFILTER_NODE, GAIN_PIN_OUT },
};

/*
 * The factory, version 4 at least: an earlier core has no node controls
 * (the rest of our copy would be NULL), so refuse to load on it.
 */
static int gain_get_factory(void)
{
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;
	int ret;

	ret = ks_query_interface(&type, sizeof(factory),
				 KS_FILTER_FACTORY_VERSION, &factory.header,
				 NULL);
	if (ret)
		return ret;
	if (factory.header.version < 4) {
		factory.header.interface_dereference(factory.header.context);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/* Filter @i's name and descriptor; its pins' callbacks find @g. */
static int gain_register(struct gain *g, unsigned int i)
{
	struct ks_filter *filter;

	if (i)
		snprintf(g->name, sizeof(g->name), GAIN_NAME "-%u", i);
	else
		strscpy(g->name, GAIN_NAME, sizeof(g->name));
	g->volume = (struct ks_node_control)
		KS_VOLUME_CONTROL(KS_CHAIN_MAX_CHANNELS, GAIN_VOLUME_MIN,
				  GAIN_VOLUME_MAX, 1,
				  ks_chain_percent_level(gain_percent));
	g->node = (struct ks_node_descriptor){
		.type = &gain_volume_type,
		.name = "Volume",
		.controls = &g->volume,
		.controls_count = 1,
	};
	g->desc = (struct ks_filter_descriptor){
		.name = g->name,
		.owner = THIS_MODULE,
		.categories = gain_categories,
		.categories_count = ARRAY_SIZE(gain_categories),
		.pins = i ? gain_pins_other : gain_pins_first,
		.pins_count = GAIN_PINS,
		.nodes = &g->node,
		.nodes_count = 1,
		.connections = gain_connections,
		.connections_count = ARRAY_SIZE(gain_connections),
	};
	filter = factory.filter_register(factory.header.context, &g->desc, g);
	if (IS_ERR(filter))
		return PTR_ERR(filter);
	g->filter = filter;
	return 0;
}

/* gain_percent was written: every channel of every filter to its level. */
static void gain_set_levels(unsigned int percent)
{
	void *ctx = factory.header.context;
	unsigned int i;

	lockdep_assert_held(&gain_mutex);
	for (i = 0; i < GAIN_MAX_FILTERS; i++) {
		if (gains[i].filter)
			factory.node_control_set(ctx, gains[i].filter,
						 GAIN_NODE_VOLUME,
						 KSPROPERTY_AUDIO_VOLUMELEVEL,
						 0xFFFFFFFF,
						 ks_chain_percent_level(percent));
	}
}

/* Unregistering closes the filter's open pins, which use @g: it goes last. */
static void gain_unregister(struct gain *g)
{
	factory.filter_unregister(factory.header.context, g->filter);
	g->filter = NULL;
	mutex_destroy(&g->lock);
}

static int __init gain_init(void)
{
	unsigned int i;
	int ret;

	ret = gain_get_factory();
	if (ret)
		return ret;
	mutex_lock(&gain_mutex);
	for (i = 0; i < filters; i++) {
		mutex_init(&gains[i].lock);
		ret = gain_register(&gains[i], i);
		if (ret)
			goto err_unregister;
	}
	mutex_unlock(&gain_mutex);
	return 0;

err_unregister:
	mutex_destroy(&gains[i].lock);
	while (i--)
		gain_unregister(&gains[i]);
	mutex_unlock(&gain_mutex);
	factory.header.interface_dereference(factory.header.context);
	return ret;
}

static void __exit gain_exit(void)
{
	unsigned int i = filters;

	mutex_lock(&gain_mutex);
	while (i--)
		gain_unregister(&gains[i]);
	mutex_unlock(&gain_mutex);
	factory.header.interface_dereference(factory.header.context);
}

module_init(gain_init);
module_exit(gain_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a gain filter in the middle of a pin chain");
MODULE_AUTHOR("ksfilter developers");
