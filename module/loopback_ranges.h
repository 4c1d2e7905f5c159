/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-loopback's interfaces and data ranges (SPEC 9): plain data, built into
 * the module and into the host fuzzers, so that both use the same tables.
 */
#ifndef _KS_LOOPBACK_RANGES_H
#define _KS_LOOPBACK_RANGES_H

#include "pure.h"

#define KS_LOOPBACK_INTERFACES	2
#define KS_LOOPBACK_RANGES	2

extern const struct ks_identifier ks_loopback_interfaces[KS_LOOPBACK_INTERFACES];
extern const struct ks_data_range ks_loopback_ranges[KS_LOOPBACK_RANGES];
extern const struct ks_datarange_audio ks_loopback_pcm;
extern const struct ks_datarange_audio ks_loopback_float;

#endif /* _KS_LOOPBACK_RANGES_H */
