// SPDX-License-Identifier: GPL-2.0
/*
 * ks-null-sink: the smallest useful filter provider, the one
 * docs/companion-filter.md walks through.
 *
 * Its filter "ks-null-sink" has one pin type, a render pin that takes 16-bit
 * PCM, 1 or 2 channels, 8000 to 48000 Hz, and throws away what is played
 * into it once it runs, counting the bytes:
 *
 * id name      dataflow comm  possible  data ranges
 * 0  "Render"  IN       BOTH  1         audio/PCM/WAVEFORMATEX
 *
 * BOTH: a user creates it alone and writes into it, or creates it with
 * pin_to_handle naming an OUT pin, from whose queue it then takes what it
 * discards (docs/graphs.md) - the same code serves both.
 *
 * Module parameter (/sys/module/ks_null_sink/parameters/):
 *   bytes (ullong, 0444): bytes discarded since the module was loaded
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/ksfilter.h>

/* What the provider keeps per pin instance (ks_pin_set_context()). */
struct null_pin {
	unsigned int state;	/* KSSTATE_*, written by set_state */
};

static atomic64_t discarded = ATOMIC64_INIT(0);

/* ---- pin operations ---- */

static int null_open(struct ks_pin *pin)
{
	struct null_pin *np = kzalloc(sizeof(*np), GFP_KERNEL_ACCOUNT);

	if (!np)
		return -ENOMEM;
	ks_pin_set_context(pin, np);
	return 0;
}

static void null_close(struct ks_pin *pin)
{
	kfree(ks_pin_context(pin));
	ks_pin_set_context(pin, NULL);
}

/* Data moves only in RUN: drop what userspace queued. */
static void null_drain(struct ks_pin *pin)
{
	struct null_pin *np = ks_pin_context(pin);

	if (READ_ONCE(np->state) == KSSTATE_RUN)
		atomic64_add(ks_pin_queue_discard(pin), &discarded);
}

static int null_set_state(struct ks_pin *pin, unsigned int from,
			  unsigned int to)
{
	struct null_pin *np = ks_pin_context(pin);

	WRITE_ONCE(np->state, to);
	null_drain(pin);	/* what was written in PAUSE */
	return 0;
}

static int null_process(struct ks_pin *pin)
{
	null_drain(pin);
	return 0;
}

static const struct ks_pin_ops null_ops = {
	.open = null_open,
	.set_state = null_set_state,
	.process = null_process,
	.close = null_close,
};

/* ---- descriptors ---- */

static const struct ks_datarange_audio null_pcm = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = 2,
	.minimum_bits_per_sample = 16,
	.maximum_bits_per_sample = 16,
	.minimum_sample_frequency = 8000,
	.maximum_sample_frequency = 48000,
};

static const struct ks_data_range null_ranges[] = {
	{ .range = &null_pcm.data_range },
};

static const struct ks_guid null_category = KSCATEGORY_RENDER;

static const struct ks_pin_descriptor null_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_BOTH,
		.possible_instances = 1,
		/* No interfaces or mediums: {Standard, STREAMING}, ANYINSTANCE. */
		.data_ranges = null_ranges,
		.data_ranges_count = ARRAY_SIZE(null_ranges),
		.category = &null_category,
		.name = "Render",
		.ops = &null_ops,
	},
};

static const struct ks_guid null_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_RENDER,
};

static const struct ks_filter_descriptor null_desc = {
	.name = "ks-null-sink",
	.owner = THIS_MODULE,
	.categories = null_categories,
	.categories_count = ARRAY_SIZE(null_categories),
	.pins = null_pins,
	.pins_count = ARRAY_SIZE(null_pins),
};

/* ---- module ---- */

static int bytes_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&discarded));
}

static const struct kernel_param_ops bytes_ops = {
	.get = bytes_get,
};
module_param_cb(bytes, &bytes_ops, NULL, 0444);
MODULE_PARM_DESC(bytes, "Bytes discarded since the module was loaded");

static struct ks_filter *null_filter;

static int __init null_sink_init(void)
{
	struct ks_filter *filter;

	/* Last in init: /dev/ksfilterN is usable as soon as this returns. */
	filter = ks_filter_register(&null_desc, NULL);
	if (IS_ERR(filter))
		return PTR_ERR(filter);
	null_filter = filter;
	return 0;
}

static void __exit null_sink_exit(void)
{
	/* Closes the pins still open; no callback runs after this. */
	ks_filter_unregister(null_filter);
}

module_init(null_sink_init);
module_exit(null_sink_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a render pin that discards what it gets");
MODULE_AUTHOR("ksfilter developers");
