/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the in-kernel API for modules that provide KS filters and
 * INTERFACE-style function tables.
 *
 * A filter is described by constant data, the way a KS minidriver describes
 * itself with KSFILTER_DESCRIPTOR and KSPIN_DESCRIPTOR: which pin types it has
 * and, for each, the interfaces, mediums and data ranges it accepts.  The core
 * checks every pin creation against these tables before the provider sees it.
 *
 * The descriptor types above the __KERNEL__ block are plain data: the pure
 * checking code (module/connect.c, module/format.c) reads them both in the
 * module and in the host unit tests.
 */
#ifndef _LINUX_KSFILTER_H
#define _LINUX_KSFILTER_H

#include <linux/ks.h>

struct module;
struct ks_filter;
struct ks_pin;

/**
 * struct ks_data_range - one data range of a pin type
 * @range: a KSDATARANGE, or a larger range that starts with one such as
 *	struct ks_datarange_audio; range->format_size says how large
 * @attributes: NULL, or a KSMULTIPLE_ITEM of struct ks_attribute; with
 *	KSDATARANGE_REQUIRED_ATTRIBUTES in range->flags a format must carry
 *	every attribute marked KSATTRIBUTE_REQUIRED
 */
struct ks_data_range {
	const struct ks_dataformat *range;
	const struct ks_multiple_item *attributes;
};

/**
 * struct ks_pin_ops - what a provider does for a pin type (all optional)
 * @accept_format: a further check of a format that one of the pin type's data
 *	ranges matched, at creation and on KSPROPERTY_CONNECTION_DATAFORMAT set;
 *	return 0 or -EDOM (any other nonzero value is taken as -EDOM)
 * @open: a pin instance is being created; runs before the pin fd is visible,
 *	may fail with a negative errno, which the creation returns
 * @set_state: one step of the KSSTATE machine (@from and @to adjacent); a
 *	failure stops a step up, but a step down on close is taken anyway
 * @process: data is ready to move on this pin
 * @close: the instance is going away; it is in KSSTATE_STOP already.  Called
 *	exactly once per successful @open: when the pin fd is closed, or from
 *	ks_filter_unregister() for the pins still open then.
 *
 * The callbacks run in process context and may sleep.  The core holds the
 * filter's unregistration lock around them (and, for @set_state and @close,
 * the pin's lock), so a callback must not call ks_filter_unregister() on its
 * own filter.
 */
struct ks_pin_ops {
	int (*accept_format)(struct ks_filter *filter, unsigned int pin_id,
			     const struct ks_dataformat *format);
	int (*open)(struct ks_pin *pin);
	int (*set_state)(struct ks_pin *pin, unsigned int from, unsigned int to);
	int (*process)(struct ks_pin *pin);
	void (*close)(struct ks_pin *pin);
};

/**
 * struct ks_pin_descriptor - a pin type (KSPIN_DESCRIPTOR)
 * @dataflow: KSPIN_DATAFLOW_IN or KSPIN_DATAFLOW_OUT
 * @communication: KSPIN_COMMUNICATION_*
 * @possible_instances: how many instances may exist at once, or
 *	KS_INSTANCES_UNLIMITED
 * @necessary_instances: how many instances the filter needs to work
 * @interfaces: the accepted (set, id) pairs; none means {Standard, STREAMING}
 * @mediums: the accepted (set, id) pairs; none means {Standard, ANYINSTANCE}
 * @data_ranges: the accepted data ranges, in the order they are reported
 * @category: the pin category (KSPROPERTY_PIN_CATEGORY), or NULL
 * @name: the pin name (KSPROPERTY_PIN_NAME), ASCII, or NULL
 * @ops: the provider's pin operations, or NULL
 */
struct ks_pin_descriptor {
	unsigned int dataflow;
	unsigned int communication;
	unsigned int possible_instances;
	unsigned int necessary_instances;
	const struct ks_identifier *interfaces;
	unsigned int interfaces_count;
	const struct ks_identifier *mediums;
	unsigned int mediums_count;
	const struct ks_data_range *data_ranges;
	unsigned int data_ranges_count;
	const struct ks_guid *category;
	const char *name;
	const struct ks_pin_ops *ops;
};

/**
 * struct ks_filter_descriptor - a filter (KSFILTER_DESCRIPTOR)
 * @name: shown in /sys/class/ksfilter/ksfilterN/name
 * @owner: THIS_MODULE; pinned while any fd of the filter is open
 * @categories: KSPROPERTY_TOPOLOGY_CATEGORIES
 * @categories_count: entries in @categories
 * @pins: the pin types, indexed by pin id
 * @pins_count: entries in @pins
 * @component_id: KSPROPERTY_GENERAL_COMPONENTID, or NULL
 */
struct ks_filter_descriptor {
	const char *name;
	struct module *owner;
	const struct ks_guid *categories;
	unsigned int categories_count;
	const struct ks_pin_descriptor *pins;
	unsigned int pins_count;
	const struct ks_componentid *component_id;
};

#ifdef __KERNEL__

#include <linux/err.h>
#include <linux/uuid.h>

/*
 * Register a filter: it appears as /dev/ksfilterN, N the lowest free number.
 * @desc must stay valid until ks_filter_unregister() returns.  Returns the
 * filter or ERR_PTR(-EINVAL) for a malformed descriptor, -ENOSPC when all
 * minors are taken, -ENOMEM.
 */
struct ks_filter *ks_filter_register(const struct ks_filter_descriptor *desc,
				     void *context);

/*
 * Unregister a filter.  Calls on its open fds fail with ENODEV from now on.
 * Waits for callbacks in progress, then steps every open pin down to STOP
 * and closes it (set_state, close); once this returns the provider's
 * callbacks are no longer called, @desc may go away and the provider's
 * module is no longer pinned by the open fds.  May sleep.
 */
void ks_filter_unregister(struct ks_filter *filter);

void *ks_filter_context(const struct ks_filter *filter);

/* Accessors for pin callbacks. */
struct ks_filter *ks_pin_filter(const struct ks_pin *pin);
unsigned int ks_pin_id(const struct ks_pin *pin);
const struct ks_dataformat *ks_pin_format(const struct ks_pin *pin);
unsigned int ks_pin_state(const struct ks_pin *pin);
void *ks_pin_context(const struct ks_pin *pin);
void ks_pin_set_context(struct ks_pin *pin, void *context);

#endif /* __KERNEL__ */

#endif /* _LINUX_KSFILTER_H */
