// SPDX-License-Identifier: GPL-2.0
/*
 * ks-wide: a filter whose one pin type offers 100 data ranges, the shape of
 * a converter or a multi-format capture device that lists every format it
 * takes.  `make bench` times KSPROPERTY_PIN_DATARANGES on it, the largest
 * value a client commonly reads, and the connect path's range matching has a
 * long table to walk.
 *
 * id name    dataflow comm  possible  data ranges
 * 0  "Sink"  IN       SINK  1         100 x audio/PCM/WAVEFORMATEX: one
 *                                     rate each, 8000 + 1000 * i Hz,
 *                                     1 to 8 channels, 8 to 32 bits
 *
 * A pin throws away what it is given.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/ksfilter.h>

#define WIDE_RANGES	100

/* Filled in at load: one rate per range. */
static struct ks_datarange_audio wide_pcm[WIDE_RANGES];
static struct ks_data_range wide_ranges[WIDE_RANGES];

/* Nothing is kept. */
static int wide_process(struct ks_pin *pin)
{
	ks_pin_queue_discard(pin);
	return 0;
}

static const struct ks_pin_ops wide_ops = {
	.process = wide_process,
};

static const struct ks_guid wide_category = KSCATEGORY_RENDER;

static const struct ks_pin_descriptor wide_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.data_ranges = wide_ranges,
		.data_ranges_count = WIDE_RANGES,
		.category = &wide_category,
		.name = "Sink",
		.ops = &wide_ops,
	},
};

static const struct ks_guid wide_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_RENDER,
};

static const struct ks_filter_descriptor wide_desc = {
	.name = "ks-wide",
	.owner = THIS_MODULE,
	.categories = wide_categories,
	.categories_count = ARRAY_SIZE(wide_categories),
	.pins = wide_pins,
	.pins_count = ARRAY_SIZE(wide_pins),
};

static void wide_fill_ranges(void)
{
	static const struct ks_dataformat pcm = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	};
	unsigned int i;

	for (i = 0; i < WIDE_RANGES; i++) {
		struct ks_datarange_audio *r = &wide_pcm[i];

		r->data_range = pcm;
		r->maximum_channels = 8;
		r->minimum_bits_per_sample = 8;
		r->maximum_bits_per_sample = 32;
		r->minimum_sample_frequency = 8000 + 1000 * i;
		r->maximum_sample_frequency = 8000 + 1000 * i;
		wide_ranges[i].range = &r->data_range;
	}
}

static struct ks_filter *wide_filter;

static int __init wide_init(void)
{
	struct ks_filter *filter;

	wide_fill_ranges();
	/* Last in init: /dev/ksfilterN is usable as soon as this returns. */
	filter = ks_filter_register(&wide_desc, NULL);
	if (IS_ERR(filter))
		return PTR_ERR(filter);
	wide_filter = filter;
	return 0;
}

static void __exit wide_exit(void)
{
	ks_filter_unregister(wide_filter);
}

module_init(wide_init);
module_exit(wide_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a sink pin with 100 data ranges");
MODULE_AUTHOR("ksfilter developers");
