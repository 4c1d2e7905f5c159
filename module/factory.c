// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the core's own interfaces, published through the INTERFACE
 * table like any provider's.
 *
 * KS_INTERFACE_FILTER_FACTORY is the filter API of
 * <linux/ksfilter.h> as a function table: a companion module that queries
 * it registers and runs its filters with ks_query_interface() as its only
 * link to ksfilter (module/samples/ks-factory-filter.c does).  Its
 * functions take the interface's context first, as Windows interface
 * functions do; the context is the table itself, and there is no per-user
 * state: the reference a consumer holds keeps ksfilter loaded, which the
 * table does for every provider, so the provider callbacks have nothing
 * to count.  Version 2 adds the queue helpers, the transport between
 * connected pins of different modules (docs/graphs.md), version 3
 * ks_pin_queue_produce(), version 4 topologies (node controls) and
 * version 5 node events and WaveRT's pin operation (&ks_pin_ops.wavert);
 * versions 1 to 4 are still published for consumers built against them,
 * whose descriptors are copied into the current layout where it grew.
 *
 * No locks of its own: publication happens at module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ksfilter.h>

#include "filter.h"
#include "iface.h"

static struct ks_filter *factory_register(void *context,
					  const struct ks_filter_descriptor *desc,
					  void *filter_context)
{
	return ks_filter_register(desc, filter_context);
}

/* The operations a pin had up to version 4: six callbacks, up to @close. */
static_assert(KS_PIN_OPS_V4_SIZE == 6 * sizeof(void (*)(void)));

static unsigned int pins_count(const struct ks_filter_descriptor *desc)
{
	return desc->pins ? desc->pins_count : 0;
}

/* Each pin with operations gets a copy of its own. */
static unsigned int ops_count(const struct ks_filter_descriptor *desc)
{
	unsigned int i, n = 0;

	for (i = 0; i < pins_count(desc); i++)
		n += !!desc->pins[i].ops;
	return n;
}

/*
 * A consumer of an older version passes structures of its own, shorter
 * size: its descriptor's first @desc_size bytes, its pins and their
 * operations (KS_PIN_OPS_V4_SIZE bytes, up to version 4) are copied into
 * the current layout, so that what it did not know of (wavert) is NULL.
 * One zeroed allocation holds them all, and room for @nodes nodes at
 * *@nodes_copy (when not NULL); the four structures are of pointer
 * alignment, so each array starts aligned after the one before.
 */
static struct ks_filter_descriptor *
copy_old(const struct ks_filter_descriptor *desc, size_t desc_size,
	 unsigned int nodes, struct ks_node_descriptor **nodes_copy)
{
	unsigned int i, pins = pins_count(desc);
	struct ks_filter_descriptor *copy;
	struct ks_pin_descriptor *pin;
	struct ks_pin_ops *ops;
	size_t size;

	size = size_add(sizeof(*copy), array_size(pins, sizeof(*pin)));
	size = size_add(size, array_size(ops_count(desc), sizeof(*ops)));
	size = size_add(size, array_size(nodes, sizeof(**nodes_copy)));
	copy = kzalloc(size, GFP_KERNEL);
	if (!copy)
		return NULL;
	memcpy(copy, desc, desc_size);
	pin = (void *)(copy + 1);
	ops = (void *)(pin + pins);
	for (i = 0; i < pins; i++) {
		pin[i] = desc->pins[i];
		if (pin[i].ops) {
			memcpy(ops, pin[i].ops, KS_PIN_OPS_V4_SIZE);
			pin[i].ops = ops++;
		}
	}
	if (pins)
		copy->pins = pin;
	if (nodes_copy)
		*nodes_copy = (void *)ops;
	return copy;
}

/* Registers a copy_old() copy, which the filter keeps until it is freed. */
static struct ks_filter *register_copy(struct ks_filter_descriptor *copy,
				       void *filter_context)
{
	struct ks_filter *filter;

	if (!copy)
		return ERR_PTR(-ENOMEM);
	filter = ks_filter_register(copy, filter_context);
	if (IS_ERR(filter)) {
		kfree(copy);
		return filter;
	}
	ks_filter_own_descriptor(filter, copy);
	return filter;
}

/*
 * A consumer of versions 1 to 3 was built when a filter descriptor ended
 * at component_id: the copy has no topology.
 */
static struct ks_filter *factory_register_v3(void *context,
					     const struct ks_filter_descriptor *desc,
					     void *filter_context)
{
	if (!desc)
		return ERR_PTR(-EINVAL);
	return register_copy(copy_old(desc, KS_FILTER_DESCRIPTOR_V3_SIZE, 0,
				      NULL), filter_context);
}

/*
 * A consumer of version 4 was built when a node descriptor ended at
 * controls_count: its nodes, at that stride, are copied with no events.
 */
static struct ks_filter *factory_register_v4(void *context,
					     const struct ks_filter_descriptor *desc,
					     void *filter_context)
{
	struct ks_filter_descriptor *copy;
	struct ks_node_descriptor *nodes;
	unsigned int i, n;

	if (!desc)
		return ERR_PTR(-EINVAL);
	n = desc->nodes ? desc->nodes_count : 0;
	copy = copy_old(desc, sizeof(*desc), n, &nodes);
	if (copy && n) {
		for (i = 0; i < n; i++)
			memcpy(&nodes[i], (const char *)desc->nodes +
			       (size_t)i * KS_NODE_DESCRIPTOR_V4_SIZE,
			       KS_NODE_DESCRIPTOR_V4_SIZE);
		copy->nodes = nodes;
	}
	return register_copy(copy, filter_context);
}

static void factory_unregister(void *context, struct ks_filter *filter)
{
	ks_filter_unregister(filter);
}

static void *factory_filter_context(void *context,
				    const struct ks_filter *filter)
{
	return ks_filter_context(filter);
}

static struct ks_filter *factory_pin_filter(void *context,
					    const struct ks_pin *pin)
{
	return ks_pin_filter(pin);
}

static unsigned int factory_pin_id(void *context, const struct ks_pin *pin)
{
	return ks_pin_id(pin);
}

static const struct ks_dataformat *factory_pin_format(void *context,
						      const struct ks_pin *pin)
{
	return ks_pin_format(pin);
}

static unsigned int factory_pin_state(void *context, const struct ks_pin *pin)
{
	return ks_pin_state(pin);
}

static void *factory_pin_context(void *context, const struct ks_pin *pin)
{
	return ks_pin_context(pin);
}

static void factory_pin_set_context(void *context, struct ks_pin *pin,
				    void *pin_context)
{
	ks_pin_set_context(pin, pin_context);
}

static u32 factory_frame_size(void *context, struct ks_pin *pin)
{
	return ks_pin_frame_size(pin);
}

static size_t factory_queue_space(void *context, struct ks_pin *pin)
{
	return ks_pin_queue_space(pin);
}

static size_t factory_queue_write(void *context, struct ks_pin *pin,
				  const void *data, size_t len)
{
	return ks_pin_queue_write(pin, data, len);
}

static size_t factory_queue_read(void *context, struct ks_pin *pin,
				 void *data, size_t len)
{
	return ks_pin_queue_read(pin, data, len);
}

static size_t factory_queue_move(void *context, struct ks_pin *from,
				 struct ks_pin *to)
{
	return ks_pin_queue_move(from, to);
}

static size_t factory_queue_transform(void *context, struct ks_pin *from,
				      struct ks_pin *to,
				      void (*fn)(void *arg, void *dst,
						 const void *src, size_t len),
				      void *arg)
{
	return ks_pin_queue_transform(from, to, fn, arg);
}

static size_t factory_queue_discard(void *context, struct ks_pin *pin)
{
	return ks_pin_queue_discard(pin);
}

static bool factory_queue_end_of_stream(void *context, struct ks_pin *pin)
{
	return ks_pin_queue_end_of_stream(pin);
}

static bool factory_pin_connected(void *context, struct ks_pin *pin)
{
	return ks_pin_connected(pin);
}

static size_t factory_queue_produce(void *context, struct ks_pin *pin,
				    size_t len,
				    void (*fn)(void *arg, void *dst,
					       size_t len),
				    void *arg)
{
	return ks_pin_queue_produce(pin, len, fn, arg);
}

static s32 factory_node_control_value(void *context, struct ks_filter *filter,
				      unsigned int node, u32 id,
				      unsigned int channel)
{
	return ks_node_control_value(filter, node, id, channel);
}

static int factory_node_control_set(void *context, struct ks_filter *filter,
				    unsigned int node, u32 id,
				    unsigned int channel, s32 value)
{
	return ks_node_control_set(filter, node, id, channel, value);
}

static void factory_node_event(void *context, struct ks_filter *filter,
			       unsigned int node, const struct ks_guid *set,
			       u32 id)
{
	ks_node_event(filter, node, set, id);
}

/* Nothing to count: see the top of the file. */
static void factory_reference(void *context)
{
}

static void factory_dereference(void *context)
{
}

static const struct ks_filter_factory_interface factory = {
	.header = {
		.size = sizeof(factory),
		.version = KS_FILTER_FACTORY_VERSION,
		.context = (void *)&factory,
		.interface_reference = factory_reference,
		.interface_dereference = factory_dereference,
	},
	.filter_register = factory_register,
	.filter_unregister = factory_unregister,
	.filter_context = factory_filter_context,
	.pin_filter = factory_pin_filter,
	.pin_id = factory_pin_id,
	.pin_format = factory_pin_format,
	.pin_state = factory_pin_state,
	.pin_context = factory_pin_context,
	.pin_set_context = factory_pin_set_context,
	.pin_frame_size = factory_frame_size,
	.queue_space = factory_queue_space,
	.queue_write = factory_queue_write,
	.queue_read = factory_queue_read,
	.queue_move = factory_queue_move,
	.queue_transform = factory_queue_transform,
	.queue_discard = factory_queue_discard,
	.queue_end_of_stream = factory_queue_end_of_stream,
	.pin_connected = factory_pin_connected,
	.queue_produce = factory_queue_produce,
	.node_control_value = factory_node_control_value,
	.node_control_set = factory_node_control_set,
	.node_event = factory_node_event,
};

/*
 * Earlier versions are the same table cut short, so that a consumer built
 * for one, asking with its smaller size, still finds it (the query picks
 * the highest version not above the one asked for).
 */
static const struct {
	u16 version;
	u16 size;
	struct ks_filter *(*filter_register)(void *context,
					     const struct ks_filter_descriptor *desc,
					     void *filter_context);
} factory_old[] = {
	{ 1, KS_FILTER_FACTORY_V1_SIZE, factory_register_v3 },
	{ 2, KS_FILTER_FACTORY_V2_SIZE, factory_register_v3 },
	{ 3, KS_FILTER_FACTORY_V3_SIZE, factory_register_v3 },
	{ 4, KS_FILTER_FACTORY_V4_SIZE, factory_register_v4 },
};

static void unregister_old(unsigned int n)
{
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;

	while (n--)
		ks_unregister_interface(&type, factory_old[n].version);
}

int ks_factory_init(void)
{
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;
	/* The registry keeps a copy of each: one table is enough. */
	struct ks_filter_factory_interface old = factory;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(factory_old); i++) {
		old.filter_register = factory_old[i].filter_register;
		old.header.version = factory_old[i].version;
		old.header.size = factory_old[i].size;
		ret = ks_register_interface(&type, &old.header, THIS_MODULE);
		if (ret)
			goto err_unregister_old;
	}
	ret = ks_register_interface(&type, &factory.header, THIS_MODULE);
	if (ret)
		goto err_unregister_old;
	return 0;

err_unregister_old:
	unregister_old(i);
	return ret;
}

void ks_factory_uninit(void)
{
	const guid_t type = KS_INTERFACE_FILTER_FACTORY;

	ks_unregister_interface(&type, KS_FILTER_FACTORY_VERSION);
	unregister_old(ARRAY_SIZE(factory_old));
}
