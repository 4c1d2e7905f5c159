/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sample interface type that ks-iface-provider publishes and
 * ks-iface-consumer queries: version 1 adds, version 2 also multiplies.
 * A later version only ever appends members, so a version 2 structure
 * starts with a valid version 1 structure.
 */
#ifndef _KS_IFACE_SAMPLE_H
#define _KS_IFACE_SAMPLE_H

#include <linux/ksfilter.h>

/* C928C569-9822-4E88-A25B-3B4C2124DE4A */
#define KS_SAMPLE_INTERFACE GUID_INIT(0xC928C569, 0x9822, 0x4E88, \
	0xA2, 0x5B, 0x3B, 0x4C, 0x21, 0x24, 0xDE, 0x4A)
#define KS_SAMPLE_INTERFACE_STR "C928C569-9822-4E88-A25B-3B4C2124DE4A"

struct ks_sample_interface_v1 {
	struct ks_interface header;
	int (*add)(void *context, int a, int b);
};

struct ks_sample_interface_v2 {
	struct ks_interface header;
	int (*add)(void *context, int a, int b);
	int (*multiply)(void *context, int a, int b);
};

#endif /* _KS_IFACE_SAMPLE_H */
