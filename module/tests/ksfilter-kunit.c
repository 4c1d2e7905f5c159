// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for ksfilter, built when the kernel has CONFIG_KUNIT (the
 * debug kernel of `make check`); they run when this module is loaded.
 *
 * ksfilter_checks runs the pure request checks as the kernel compiler builds
 * them: the same connect.c and format.c as the module and the host unit
 * tests, included here because those functions are not exported.
 * ksfilter_api drives the exported filter API the way a provider does,
 * and looks into a filter (filter.h) where the API shows nothing.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/ksfilter.h>

#include "../connect.c"
#include "../format.c"
#include "../filter.h"

static const struct ks_datarange_audio pcm_range = {
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

static const struct ks_data_range ranges[] = {
	{ .range = &pcm_range.data_range },
};

static const struct ks_pin_descriptor pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.data_ranges = ranges,
		.data_ranges_count = ARRAY_SIZE(ranges),
		.name = "In",
	},
};

static const struct ks_filter_descriptor good_desc = {
	.name = "ks-kunit",
	.owner = THIS_MODULE,
	.pins = pins,
	.pins_count = ARRAY_SIZE(pins),
};

struct request {
	struct ks_pin_connect connect;
	struct ks_dataformat_waveformatex format;
} __aligned(8);

static void build(struct request *req, u16 channels, u32 rate)
{
	static const struct ks_guid std_if = KSINTERFACESETID_STANDARD;
	static const struct ks_guid std_medium = KSMEDIUMSETID_STANDARD;
	static const struct ks_dataformat fmt = {
		.format_size = sizeof(struct ks_dataformat_waveformatex),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	};
	struct ks_waveformatex *w = &req->format.wave_format;

	memset(req, 0, sizeof(*req));
	req->connect.interface.set = std_if;
	req->connect.medium.set = std_medium;
	req->format.data_format = fmt;
	w->format_tag = KS_WAVE_FORMAT_PCM;
	w->channels = channels;
	w->samples_per_sec = rate;
	w->bits_per_sample = 16;
	w->block_align = channels * 2;
	w->avg_bytes_per_sec = rate * channels * 2;
}

static int check(struct request *req, u32 access, u32 *reason)
{
	struct ks_connect_check out;
	int ret;

	ret = ks_check_connect(req, sizeof(struct ks_pin_connect) +
			       sizeof(req->format), access,
			       KS_GENERIC_READ | KS_GENERIC_WRITE, pins,
			       ARRAY_SIZE(pins), &out);
	*reason = out.reason;
	return ret;
}

static void checks_accept(struct kunit *test)
{
	struct request req;
	u32 reason;

	build(&req, 2, 48000);
	KUNIT_EXPECT_EQ(test, check(&req, KS_GENERIC_WRITE, &reason), 0);
	KUNIT_EXPECT_EQ(test, reason, (u32)KS_REASON_NONE);
}

static void checks_refuse_in_order(struct kunit *test)
{
	struct request req;
	u32 reason;

	/* Too many channels (row 12) and the wrong access (row 6): row 6. */
	build(&req, 3, 48000);
	KUNIT_EXPECT_EQ(test, check(&req, KS_GENERIC_READ, &reason), -EINVAL);
	KUNIT_EXPECT_EQ(test, reason, (u32)KS_REASON_ACCESS);
	KUNIT_EXPECT_EQ(test, check(&req, KS_GENERIC_WRITE, &reason), -EDOM);
	KUNIT_EXPECT_EQ(test, reason, (u32)KS_REASON_FORMAT);
	req.connect.pin_id = 1;
	KUNIT_EXPECT_EQ(test, check(&req, KS_GENERIC_WRITE, &reason), -EINVAL);
	KUNIT_EXPECT_EQ(test, reason, (u32)KS_REASON_PIN_ID);
}

static void checks_create_args(struct kunit *test)
{
	u32 reason = 0;

	KUNIT_EXPECT_EQ(test, ks_check_create_args(0, 1, 136, &reason), 0);
	KUNIT_EXPECT_EQ(test, ks_check_create_args(2, 1, 136, &reason), -EINVAL);
	KUNIT_EXPECT_EQ(test, reason, (u32)KS_REASON_REQUEST);
	KUNIT_EXPECT_EQ(test, ks_check_create_args(0, 1, 135, &reason), -EINVAL);
	KUNIT_EXPECT_EQ(test, reason, (u32)KS_REASON_CONNECT_SIZE);
	KUNIT_EXPECT_EQ(test, ks_check_create_args(0, 1, 65537, &reason), -EINVAL);
}

static struct kunit_case checks_cases[] = {
	KUNIT_CASE(checks_accept),
	KUNIT_CASE(checks_refuse_in_order),
	KUNIT_CASE(checks_create_args),
	{}
};

static struct kunit_suite checks_suite = {
	.name = "ksfilter_checks",
	.test_cases = checks_cases,
};

static void api_register_unregister(struct kunit *test)
{
	static int context;
	struct ks_filter *filter;

	filter = ks_filter_register(&good_desc, &context);
	KUNIT_ASSERT_FALSE(test, IS_ERR(filter));
	KUNIT_EXPECT_PTR_EQ(test, ks_filter_context(filter), (void *)&context);
	ks_filter_unregister(filter);
}

static void api_register_many(struct kunit *test)
{
	struct ks_filter *filters[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(filters); i++) {
		filters[i] = ks_filter_register(&good_desc, NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(filters[i]));
	}
	/* Out of order, so that minors are reused from the middle. */
	for (i = 0; i < ARRAY_SIZE(filters); i += 2)
		ks_filter_unregister(filters[i]);
	for (i = 0; i < ARRAY_SIZE(filters); i += 2) {
		filters[i] = ks_filter_register(&good_desc, NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(filters[i]));
	}
	for (i = 0; i < ARRAY_SIZE(filters); i++)
		ks_filter_unregister(filters[i]);
}

static void api_rejects_bad_descriptors(struct kunit *test)
{
	static const struct ks_dataformat short_range = { .format_size = 8 };
	static const struct ks_data_range bad_ranges[] = {
		{ .range = &short_range },
	};
	struct ks_pin_descriptor pin = pins[0];
	struct ks_filter_descriptor desc = good_desc;

	desc.name = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	desc = good_desc;
	desc.pins = &pin;
	pin.dataflow = 0;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	pin = pins[0];
	pin.communication = KSPIN_COMMUNICATION_BRIDGE + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	pin = pins[0];
	pin.data_ranges = bad_ranges;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	pin = pins[0];
	pin.interfaces_count = 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
}

static const struct ks_guid volume_type = KSNODETYPE_VOLUME;
static const struct ks_node_control volume_controls[] = {
	KS_VOLUME_CONTROL(2, -96 * 65536, 0, 32768, 0),
};

/* A registration with a topology keeps its nodes' values from the start. */
static void api_topology_registers(struct kunit *test)
{
	struct ks_node_descriptor node = {
		.type = &volume_type,
		.controls = volume_controls,
		.controls_count = 1,
	};
	struct ks_topology_connection conn[] = {
		{ KSFILTER_NODE, 0, 0, 1 },
	};
	struct ks_filter_descriptor desc = good_desc;
	const u32 vol = KSPROPERTY_AUDIO_VOLUMELEVEL;
	struct ks_filter *filter;

	desc.nodes = &node;
	desc.nodes_count = 1;
	desc.connections = conn;
	desc.connections_count = 1;
	filter = ks_filter_register(&desc, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(filter));
	KUNIT_EXPECT_EQ(test, ks_node_control_value(filter, 0, vol, 1), 0);
	KUNIT_EXPECT_EQ(test, ks_node_control_set(filter, 0, vol, 1, -40000),
			0);
	/* Rounded to the 0.5 dB step, half away from zero. */
	KUNIT_EXPECT_EQ(test, ks_node_control_value(filter, 0, vol, 1),
			-32768);
	KUNIT_EXPECT_EQ(test, ks_node_control_set(filter, 0, vol, 2, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ks_node_control_set(filter, 0,
						  KSPROPERTY_AUDIO_MUTE, 0, 1),
			-ENOENT);
	ks_filter_unregister(filter);
}

/* Registration refuses a topology whose parts name nothing it has. */
static void api_rejects_bad_topology(struct kunit *test)
{
	struct ks_node_control bad = volume_controls[0];
	struct ks_node_descriptor node = {
		.type = &volume_type,
		.controls = volume_controls,
		.controls_count = 1,
	};
	struct ks_topology_connection conn = { KSFILTER_NODE, 0, 0, 1 };
	struct ks_filter_descriptor desc = good_desc;

	desc.nodes = &node;
	desc.nodes_count = 1;
	desc.connections = &conn;
	desc.connections_count = 1;
	conn.to_node = 1;	/* beyond the one node */
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	conn.to_node = 0;
	conn.from_node_pin = desc.pins_count;	/* beyond the pins */
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	conn.from_node_pin = 0;
	node.type = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	node.type = &volume_type;
	bad.initial = 1;	/* above the maximum */
	node.controls = &bad;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
	desc.nodes = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(ks_filter_register(&desc, NULL)), -EINVAL);
}

/*
 * Version 4 of the filter factory was built when a node descriptor ended
 * at controls_count: it takes nodes of that stride, and no events.  The
 * bytes after them are poison that a read of today's layout would take
 * for an events table.
 */
static void api_factory_v4_nodes(struct kunit *test)
{
	static const struct ks_guid mute_type = KSNODETYPE_MUTE;
	static const struct ks_node_control mute = KS_MUTE_CONTROL(2, 1);
	const struct ks_node_descriptor nodes[2] = {
		{ .type = &volume_type, .controls = volume_controls,
		  .controls_count = 1 },
		{ .type = &mute_type, .controls = &mute, .controls_count = 1 },
	};
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;
	u64 v4[(2 * KS_NODE_DESCRIPTOR_V4_SIZE +
		sizeof(struct ks_node_descriptor)) / sizeof(u64)];
	struct ks_filter_factory_interface f;
	struct ks_filter_descriptor desc = good_desc;
	const u32 mute_id = KSPROPERTY_AUDIO_MUTE;
	struct ks_filter *filter;

	memset(v4, 0xA5, sizeof(v4));
	memcpy(v4, &nodes[0], KS_NODE_DESCRIPTOR_V4_SIZE);
	memcpy((u8 *)v4 + KS_NODE_DESCRIPTOR_V4_SIZE, &nodes[1],
	       KS_NODE_DESCRIPTOR_V4_SIZE);
	desc.nodes = (const void *)v4;
	desc.nodes_count = 2;
	KUNIT_ASSERT_EQ(test, ks_query_interface(&type,
						 KS_FILTER_FACTORY_V4_SIZE, 4,
						 &f.header, NULL), 0);
	KUNIT_EXPECT_EQ(test, f.header.version, 4);
	filter = f.filter_register(f.header.context, &desc, NULL);
	KUNIT_EXPECT_FALSE(test, IS_ERR(filter));
	if (!IS_ERR(filter)) {
		KUNIT_EXPECT_EQ(test,
				ks_node_control_value(filter, 1, mute_id, 1),
				1);
		f.filter_unregister(f.header.context, filter);
	}
	f.header.interface_dereference(f.header.context);
}

static int v4_accept_format(struct ks_filter *filter, unsigned int pin_id,
			    const struct ks_dataformat *format)
{
	return 0;
}

static int v4_open(struct ks_pin *pin)
{
	return 0;
}

static int v4_set_state(struct ks_pin *pin, unsigned int from,
			unsigned int to)
{
	return 0;
}

static int v4_process(struct ks_pin *pin)
{
	return 0;
}

static void v4_reset(struct ks_pin *pin, unsigned int how)
{
}

static void v4_close(struct ks_pin *pin)
{
}

/*
 * Versions 1 to 4 of the filter factory were built when a pin's
 * operations ended at close: they take operations of that size, copied
 * with no wavert.  The consumer's are allocated at that size, so that
 * KASAN catches a read of today's layout.
 */
static void api_factory_v4_pin_ops(struct kunit *test)
{
	static const struct ks_pin_ops full = {
		.accept_format = v4_accept_format,
		.open = v4_open,
		.set_state = v4_set_state,
		.process = v4_process,
		.reset = v4_reset,
		.close = v4_close,
	};
	static const struct {
		u16 version;
		size_t size;
	} old[] = {
		{ 1, KS_FILTER_FACTORY_V1_SIZE },
		{ 3, KS_FILTER_FACTORY_V3_SIZE },
		{ 4, KS_FILTER_FACTORY_V4_SIZE },
	};
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;
	struct ks_pin_descriptor two[2] = { pins[0], pins[0] };
	struct ks_filter_descriptor desc = good_desc;
	struct ks_filter_factory_interface f;
	const struct ks_pin_ops *copy;
	struct ks_filter *filter;
	unsigned int i;
	void *ops;

	ops = kunit_kmalloc(test, KS_PIN_OPS_V4_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ops);
	memcpy(ops, &full, KS_PIN_OPS_V4_SIZE);
	two[0].ops = ops;
	desc.pins = two;
	desc.pins_count = ARRAY_SIZE(two);
	for (i = 0; i < ARRAY_SIZE(old); i++) {
		KUNIT_ASSERT_EQ(test, ks_query_interface(&type, old[i].size,
							 old[i].version,
							 &f.header, NULL), 0);
		KUNIT_EXPECT_EQ(test, f.header.version, old[i].version);
		filter = f.filter_register(f.header.context, &desc, NULL);
		KUNIT_EXPECT_FALSE(test, IS_ERR(filter));
		if (IS_ERR(filter)) {
			f.header.interface_dereference(f.header.context);
			continue;
		}
		copy = filter->desc->pins[0].ops;
		KUNIT_EXPECT_TRUE(test, copy && copy != ops);
		if (copy && copy != ops) {
			KUNIT_EXPECT_TRUE(test, !copy->wavert);
			KUNIT_EXPECT_TRUE(test, copy->accept_format ==
						v4_accept_format);
			KUNIT_EXPECT_TRUE(test, copy->open == v4_open);
			KUNIT_EXPECT_TRUE(test, copy->set_state == v4_set_state);
			KUNIT_EXPECT_TRUE(test, copy->process == v4_process);
			KUNIT_EXPECT_TRUE(test, copy->reset == v4_reset);
			KUNIT_EXPECT_TRUE(test, copy->close == v4_close);
		}
		KUNIT_EXPECT_TRUE(test, !filter->desc->pins[1].ops);
		KUNIT_EXPECT_STREQ(test, filter->desc->pins[1].name, "In");
		f.filter_unregister(f.header.context, filter);
		f.header.interface_dereference(f.header.context);
	}
}

static struct kunit_case api_cases[] = {
	KUNIT_CASE(api_register_unregister),
	KUNIT_CASE(api_register_many),
	KUNIT_CASE(api_rejects_bad_descriptors),
	KUNIT_CASE(api_topology_registers),
	KUNIT_CASE(api_rejects_bad_topology),
	KUNIT_CASE(api_factory_v4_nodes),
	KUNIT_CASE(api_factory_v4_pin_ops),
	{}
};

static struct kunit_suite api_suite = {
	.name = "ksfilter_api",
	.test_cases = api_cases,
};

kunit_test_suites(&checks_suite, &api_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of ksfilter's checks and filter API");
MODULE_AUTHOR("ksfilter developers");
