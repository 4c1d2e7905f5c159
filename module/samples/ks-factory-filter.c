// SPDX-License-Identifier: GPL-2.0
/*
 * ks-factory-filter: a filter provider that does not link against
 * ksfilter's filter API.  It queries the core's KS_INTERFACE_FILTER_FACTORY
 * (module/factory.c) and registers its filter through it, so that
 * ks_query_interface() is the only ksfilter symbol it uses and a later,
 * larger factory version keeps it working unchanged.
 *
 * Its filter "ks-factory-filter" has one pin type:
 *
 * id name    dataflow comm  possible  data ranges
 * 0  "Sink"  IN       SINK  1         STREAM/wildcard/wildcard
 *
 * The reference on the factory is held while the filter is registered,
 * that is while the module is loaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/ksfilter.h>

/* The factory, queried at load and dropped at unload. */
static struct ks_filter_factory_interface factory;
static struct ks_filter *filter;
static atomic_t opened = ATOMIC_INIT(0);

static int sink_open(struct ks_pin *pin)
{
	factory.pin_set_context(factory.header.context, pin, &opened);
	atomic_inc(&opened);
	return 0;
}

static void sink_close(struct ks_pin *pin)
{
	atomic_t *count = factory.pin_context(factory.header.context, pin);

	atomic_dec(count);
}

static const struct ks_pin_ops sink_ops = {
	.open = sink_open,
	.close = sink_close,
};

static const struct ks_dataformat any_stream = {
	.format_size = sizeof(struct ks_dataformat),
	.major_format = KSDATAFORMAT_TYPE_STREAM,
	.sub_format = KSDATAFORMAT_SUBTYPE_WILDCARD,
	.specifier = KSDATAFORMAT_SPECIFIER_WILDCARD,
};

static const struct ks_data_range sink_ranges[] = {
	{ .range = &any_stream },
};

static const struct ks_pin_descriptor factory_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.data_ranges = sink_ranges,
		.data_ranges_count = ARRAY_SIZE(sink_ranges),
		.name = "Sink",
		.ops = &sink_ops,
	},
};

static const struct ks_guid factory_categories[] = {
	KSCATEGORY_AUDIO,
};

static const struct ks_filter_descriptor factory_desc = {
	.name = "ks-factory-filter",
	.owner = THIS_MODULE,
	.categories = factory_categories,
	.categories_count = ARRAY_SIZE(factory_categories),
	.pins = factory_pins,
	.pins_count = ARRAY_SIZE(factory_pins),
};

static int __init factory_filter_init(void)
{
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;
	struct ks_filter *f;
	int ret;

	ret = ks_query_interface(&type, sizeof(factory),
				 KS_FILTER_FACTORY_VERSION, &factory.header,
				 NULL);
	if (ret)
		return ret;
	f = factory.filter_register(factory.header.context, &factory_desc,
				    NULL);
	if (IS_ERR(f)) {
		factory.header.interface_dereference(factory.header.context);
		return PTR_ERR(f);
	}
	filter = f;
	return 0;
}

static void __exit factory_filter_exit(void)
{
	factory.filter_unregister(factory.header.context, filter);
	factory.header.interface_dereference(factory.header.context);
}

module_init(factory_filter_init);
module_exit(factory_filter_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a filter registered through the filter factory interface");
MODULE_AUTHOR("ksfilter developers");
