// SPDX-License-Identifier: GPL-2.0
/*
 * ks-gen: the head of the chain samples (ks-chain.h, docs/graphs.md), a
 * generator with no clock.
 *
 * It registers the filter "ks-gen" (categories AUDIO and CAPTURE) through
 * the core's KS_INTERFACE_FILTER_FACTORY, version 3 or later, which is its
 * only link to ksfilter: it registers its filter and moves its data with
 * that table's functions.  Its pin, which ksctl and the tests rely on:
 *
 * id name   dataflow comm  possible   necessary
 * 0  "Out"  OUT      BOTH  UNLIMITED  0
 *
 * id interfaces       mediums                   data ranges
 * 0  {Std STREAMING}  {KS_CHAIN_MEDIUM,         audio/PCM/WAVEFORMATEX,
 *                      KS_CHAIN_MEDIUM_ID}      channels <= 8, bits 16-16,
 *                                               8000-384000 Hz
 *
 * The private medium makes graph builders pair Out with ks-gain's In pin
 * and nothing else; BOTH lets Out be read by a user or be the source of a
 * connection (pin_to_handle) as well as its sink.
 *
 * Each Out pin instance streams its own ks_chain_sample(frame, channel),
 * little-endian, frames counted from 0: in RUN it fills its queue with
 * whole frames whenever the core says there is room (process) and when it
 * starts running, as fast as a reader or the connection drains it.  The
 * samples are made in the queue itself (queue_produce), not copied there.
 * Going
 * to STOP starts the count again at 0; PAUSE and a reset keep it.
 *
 * Lock order: the core's locks (the filter's gate, the pin's lock for
 * set_state) come first, then gen_pin.lock, then the queue's lock inside
 * the factory's helpers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/ksfilter.h>

#include "ks-chain.h"

/* The factory, queried at load and dropped at unload. */
static struct ks_filter_factory_interface factory;
static struct ks_filter *gen_filter;

/*
 * What the provider keeps per pin instance.  @lock serializes the
 * generator: the core may call process() from several tasks at once, and
 * set_state() at the same time, and the frames queued must follow @frame.
 */
struct gen_pin {
	struct mutex lock;	/* frame, running */
	u64 frame;
	bool running;
};

static struct gen_pin *gen_pin_of(struct ks_pin *pin)
{
	return factory.pin_context(factory.header.context, pin);
}

/*
 * The pin's channel count, from its format (which only changes in STOP).
 * The range only matches 16-bit WAVEFORMATEX formats, so this is a guard
 * against a core that let another through: 0 makes the generator idle.
 */
static unsigned int gen_channels(struct ks_pin *pin)
{
	const struct ks_dataformat_waveformatex *wf =
		(const void *)factory.pin_format(factory.header.context, pin);
	unsigned int channels;

	if (wf->data_format.format_size < sizeof(*wf) ||
	    wf->wave_format.bits_per_sample != KS_CHAIN_BITS)
		return 0;
	channels = wf->wave_format.channels;
	return channels <= KS_CHAIN_MAX_CHANNELS ? channels : 0;
}

/* What gen_produce() makes: the pin's frames, of @channels. */
struct gen_run {
	struct gen_pin *gp;
	unsigned int channels;
};

/*
 * The next @len bytes of the stream (whole frames) at @dst, in the queue
 * itself: the core calls this for what it queues, so the count follows
 * what was queued and the stream has no gap and no repeat.
 */
static void gen_produce(void *arg, void *dst, size_t len)
{
	struct gen_run *run = arg;
	struct gen_pin *gp = run->gp;
	size_t frames = len / (run->channels * sizeof(__le16));
	__le16 *p = dst;
	unsigned int c;
	size_t i;

	for (i = 0; i < frames; i++)
		for (c = 0; c < run->channels; c++)
			*p++ = cpu_to_le16((u16)ks_chain_sample(gp->frame + i,
								c));
	gp->frame += frames;
}

/*
 * Fill a running pin's queue with whole frames until it is full.  Only we
 * write to this queue, under gp->lock; a reset may empty it or refuse
 * data at any time, which gen_produce() follows.
 */
static void gen_fill(struct ks_pin *pin, struct gen_pin *gp)
{
	struct gen_run run = { .gp = gp, .channels = gen_channels(pin) };

	lockdep_assert_held(&gp->lock);
	if (!gp->running || !run.channels)
		return;
	factory.queue_produce(factory.header.context, pin, SIZE_MAX,
			      gen_produce, &run);
}

static int gen_open(struct ks_pin *pin)
{
	struct gen_pin *gp;

	gp = kzalloc(sizeof(*gp), GFP_KERNEL_ACCOUNT);
	if (!gp)
		return -ENOMEM;
	mutex_init(&gp->lock);
	factory.pin_set_context(factory.header.context, pin, gp);
	return 0;
}

static void gen_close(struct ks_pin *pin)
{
	struct gen_pin *gp = gen_pin_of(pin);

	factory.pin_set_context(factory.header.context, pin, NULL);
	mutex_destroy(&gp->lock);
	kfree(gp);
}

/*
 * The core's state is still the old one while this runs, so the pin keeps
 * its own.  Starting to run fills the queue at once: nobody may call
 * process() before a reader or a connection wants data, and a connection
 * only moves what is queued.
 */
static int gen_set_state(struct ks_pin *pin, unsigned int from,
			 unsigned int to)
{
	struct gen_pin *gp = gen_pin_of(pin);

	mutex_lock(&gp->lock);
	gp->running = to == KSSTATE_RUN;
	if (to == KSSTATE_STOP)
		gp->frame = 0;
	gen_fill(pin, gp);
	mutex_unlock(&gp->lock);
	return 0;
}

static int gen_process(struct ks_pin *pin)
{
	struct gen_pin *gp = gen_pin_of(pin);

	mutex_lock(&gp->lock);
	gen_fill(pin, gp);
	mutex_unlock(&gp->lock);
	return 0;
}

/*
 * KSRESET_BEGIN emptied the queue and it takes nothing until KSRESET_END;
 * then refill it, as nothing else may ask (a connection has nothing to
 * move).  The count goes on: a reset is not a new stream.
 */
static void gen_reset(struct ks_pin *pin, unsigned int how)
{
	if (how == KSRESET_END)
		gen_process(pin);
}

static const struct ks_pin_ops gen_ops = {
	.open = gen_open,
	.set_state = gen_set_state,
	.process = gen_process,
	.reset = gen_reset,
	.close = gen_close,
};

static const struct ks_pin_descriptor gen_pins[GEN_PINS] = {
	[GEN_PIN_OUT] = {
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_BOTH,
		.possible_instances = KS_INSTANCES_UNLIMITED,
		.necessary_instances = 0,
		.interfaces = ks_chain_interfaces,
		.interfaces_count = ARRAY_SIZE(ks_chain_interfaces),
		.mediums = ks_chain_mediums,
		.mediums_count = ARRAY_SIZE(ks_chain_mediums),
		.data_ranges = ks_chain_ranges,
		.data_ranges_count = ARRAY_SIZE(ks_chain_ranges),
		.name = "Out",
		.ops = &gen_ops,
	},
};

static const struct ks_guid gen_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_CAPTURE,
};

static const struct ks_filter_descriptor gen_desc = {
	.name = GEN_NAME,
	.owner = THIS_MODULE,
	.categories = gen_categories,
	.categories_count = ARRAY_SIZE(gen_categories),
	.pins = gen_pins,
	.pins_count = ARRAY_SIZE(gen_pins),
};

/*
 * The factory, version 3 at least: an older core has no queue_produce
 * (the rest of our copy would be NULL), so refuse to load on it.
 */
static int gen_get_factory(void)
{
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;
	int ret;

	ret = ks_query_interface(&type, sizeof(factory),
				 KS_FILTER_FACTORY_VERSION, &factory.header,
				 NULL);
	if (ret)
		return ret;
	if (factory.header.version < 3) {
		factory.header.interface_dereference(factory.header.context);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static int __init gen_init(void)
{
	struct ks_filter *filter;
	int ret;

	ret = gen_get_factory();
	if (ret)
		return ret;
	filter = factory.filter_register(factory.header.context, &gen_desc,
					 NULL);
	if (IS_ERR(filter)) {
		factory.header.interface_dereference(factory.header.context);
		return PTR_ERR(filter);
	}
	gen_filter = filter;
	return 0;
}

/* Unregister first: it closes our open pins, which use the factory. */
static void __exit gen_exit(void)
{
	factory.filter_unregister(factory.header.context, gen_filter);
	factory.header.interface_dereference(factory.header.context);
}

module_init(gen_init);
module_exit(gen_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a generator at the head of a pin chain");
MODULE_AUTHOR("ksfilter developers");
