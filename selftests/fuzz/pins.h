/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixed pin descriptors the fuzz harnesses check requests against:
 * ks-loopback's and ks-tonegen's pins, built from the modules' own range
 * tables (module/loopback_ranges.c, module/samples/ks-tonegen-ranges.c,
 * compiled here too), and a few extra ranges that reach what those two do
 * not (wildcards, EXTENSIBLE, optional and required attributes).
 */
#ifndef _KS_FUZZ_PINS_H
#define _KS_FUZZ_PINS_H

#include <stdio.h>
#include <stdlib.h>

#include "connect.h"
#include "format.h"

struct pin_set {
	const char *name;
	const struct ks_pin_descriptor *pins;
	u32 count;
};

extern const struct pin_set pin_sets[];
extern const u32 pin_sets_count;

/* Every data range of every set, and the extra ones, in one array. */
extern const struct ks_data_range all_ranges[];
extern const u32 all_ranges_count;

/* A broken invariant is a finding: abort so that libFuzzer saves the input. */
#define INVARIANT(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant broken: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

/* @n bytes at @src in a buffer of exactly @n bytes, 8-aligned (malloc). */
void *dup_exact(const void *src, size_t n);

#endif /* _KS_FUZZ_PINS_H */
