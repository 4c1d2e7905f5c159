/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure data format checks, range matching and intersection (SPEC 5, row 11
 * and 12, section 5.1 and KSPROPERTY_PIN_DATAINTERSECTION).  No kernel
 * services: see pure.h.
 */
#ifndef _KS_FORMAT_H
#define _KS_FORMAT_H

#include "pure.h"

/*
 * Row 11: is the format well formed?  @fmt points at a ks_dataformat with
 * @avail bytes readable from it (8-byte aligned).  Checks format_size against
 * @avail, the specifier's structure (WAVEFORMATEX, EXTENSIBLE) against
 * format_size, and the attribute list (KSDATAFORMAT_ATTRIBUTES) against
 * @avail.  Returns 0 or -EINVAL; on success *bytes is format_size plus the
 * attribute list, if any (the bytes that make up the format).
 */
int ks_format_check(const struct ks_dataformat *fmt, u32 avail, u32 *bytes);

/*
 * Section 5.1: does a well-formed format (ks_format_check() passed, @bytes as
 * it returned) match @range?
 */
bool ks_format_matches(const struct ks_dataformat *fmt, u32 bytes,
		       const struct ks_data_range *range);

/*
 * Row 12: the index of the first of @count ranges that @fmt matches, or -1.
 */
int ks_format_match_ranges(const struct ks_dataformat *fmt, u32 bytes,
			   const struct ks_data_range *ranges, u32 count);

/* True when two GUIDs are equal / all zero (the wildcard). */
bool ks_guid_equal(const struct ks_guid *a, const struct ks_guid *b);
bool ks_guid_is_null(const struct ks_guid *g);

#endif /* _KS_FORMAT_H */
