/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-tonegen's interfaces, mediums and data ranges: plain data (pure.h
 * rules), shared by the module and the host fuzzers.
 */
#ifndef _KS_TONEGEN_RANGES_H
#define _KS_TONEGEN_RANGES_H

#include "../pure.h"
#include "ks-tonegen.h"

/* A KSMULTIPLE_ITEM of one KSATTRIBUTE, as a range's attribute list. */
struct tonegen_attribute_list {
	struct ks_multiple_item header;
	struct ks_attribute key;
};

extern const struct ks_identifier tonegen_control_interfaces[1];
extern const struct ks_identifier tonegen_streaming_interfaces[1];
extern const struct ks_identifier tonegen_control_mediums[1];
extern const struct ks_datarange_audio tonegen_tone_pcm;
extern const struct ks_dataformat tonegen_any_stream;
extern const struct ks_dataformat tonegen_keyed_stream;
extern const struct tonegen_attribute_list tonegen_keyed_attributes;
extern const struct ks_data_range tonegen_tone_ranges[1];
extern const struct ks_data_range tonegen_any_stream_ranges[1];
extern const struct ks_data_range tonegen_keyed_ranges[1];

#endif /* _KS_TONEGEN_RANGES_H */
