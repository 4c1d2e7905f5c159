// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the built-in ks-loopback filter (SPEC 9).
 *
 * It is described by constant tables and registered through the same
 * exported API as any companion module's filter; nothing in the core knows
 * it.  Two pin types, both SINK, one instance each:
 *
 *	pin 0 "Render"	IN	KSCATEGORY_RENDER
 *	pin 1 "Capture"	OUT	KSCATEGORY_CAPTURE
 *
 * Interfaces Standard STREAMING and LOOPED_STREAMING, no mediums listed (so
 * the standard one), data ranges PCM 8 channels 8-32 bits and IEEE float 8
 * channels 32 bits, both 8000-384000 Hz.  Moving data from Render to Capture
 * comes with streaming, in a later change.
 *
 * No locks: the tables are constant and init/uninit run from module
 * init/exit only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/ksfilter.h>

#include "loopback.h"

#define LOOPBACK_MIN_RATE	8000
#define LOOPBACK_MAX_RATE	384000
#define LOOPBACK_MAX_CHANNELS	8

/* ksfilter's KSCOMPONENTID manufacturer, and ks-loopback's product. */
#define KS_MANUFACTURER_KSFILTER KS_GUID_INIT(0x4DB7792D, 0x7D51, 0x4527, \
	0xBF, 0x26, 0xEC, 0xA6, 0x95, 0x47, 0xC8, 0xD7)
#define KS_PRODUCT_LOOPBACK KS_GUID_INIT(0xEE28A83C, 0xF1C9, 0x4E4B, \
	0xB5, 0x91, 0x3A, 0x03, 0x29, 0x0A, 0xBD, 0x59)

static const struct ks_guid loopback_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_RENDER,
	KSCATEGORY_CAPTURE,
};

static const struct ks_guid category_render = KSCATEGORY_RENDER;
static const struct ks_guid category_capture = KSCATEGORY_CAPTURE;

static const struct ks_identifier loopback_interfaces[] = {
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_STREAMING,
	},
	{
		.set = KSINTERFACESETID_STANDARD,
		.id = KSINTERFACE_STANDARD_LOOPED_STREAMING,
	},
};

static const struct ks_datarange_audio loopback_pcm = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_PCM,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = LOOPBACK_MAX_CHANNELS,
	.minimum_bits_per_sample = 8,
	.maximum_bits_per_sample = 32,
	.minimum_sample_frequency = LOOPBACK_MIN_RATE,
	.maximum_sample_frequency = LOOPBACK_MAX_RATE,
};

static const struct ks_datarange_audio loopback_float = {
	.data_range = {
		.format_size = sizeof(struct ks_datarange_audio),
		.major_format = KSDATAFORMAT_TYPE_AUDIO,
		.sub_format = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
		.specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
	},
	.maximum_channels = LOOPBACK_MAX_CHANNELS,
	.minimum_bits_per_sample = 32,
	.maximum_bits_per_sample = 32,
	.minimum_sample_frequency = LOOPBACK_MIN_RATE,
	.maximum_sample_frequency = LOOPBACK_MAX_RATE,
};

static const struct ks_data_range loopback_ranges[] = {
	{ .range = &loopback_pcm.data_range },
	{ .range = &loopback_float.data_range },
};

static const struct ks_pin_descriptor loopback_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.necessary_instances = 0,
		.interfaces = loopback_interfaces,
		.interfaces_count = ARRAY_SIZE(loopback_interfaces),
		.data_ranges = loopback_ranges,
		.data_ranges_count = ARRAY_SIZE(loopback_ranges),
		.category = &category_render,
		.name = "Render",
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.necessary_instances = 0,
		.interfaces = loopback_interfaces,
		.interfaces_count = ARRAY_SIZE(loopback_interfaces),
		.data_ranges = loopback_ranges,
		.data_ranges_count = ARRAY_SIZE(loopback_ranges),
		.category = &category_capture,
		.name = "Capture",
	},
};

static const struct ks_componentid loopback_component_id = {
	.manufacturer = KS_MANUFACTURER_KSFILTER,
	.product = KS_PRODUCT_LOOPBACK,
	.version = 1,
};

static const struct ks_filter_descriptor loopback_desc = {
	.name = "ks-loopback",
	.owner = THIS_MODULE,
	.categories = loopback_categories,
	.categories_count = ARRAY_SIZE(loopback_categories),
	.pins = loopback_pins,
	.pins_count = ARRAY_SIZE(loopback_pins),
	.component_id = &loopback_component_id,
};

static struct ks_filter *loopback;

int ks_loopback_init(void)
{
	loopback = ks_filter_register(&loopback_desc, NULL);
	if (IS_ERR(loopback)) {
		int ret = PTR_ERR(loopback);

		loopback = NULL;
		return ret;
	}
	return 0;
}

void ks_loopback_uninit(void)
{
	if (!loopback)
		return;
	ks_filter_unregister(loopback);
	loopback = NULL;
}
