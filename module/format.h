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

/**
 * struct ks_range_list - a walk over a KSMULTIPLE_ITEM of data ranges
 * @list: the list, its header first
 * @size: the header's size, known to be readable
 * @left: items the header's count still promises
 * @pos: offset of the next item (may be up to 7 beyond @size at the end)
 */
struct ks_range_list {
	const u8 *list;
	u32 size;
	u32 left;
	u64 pos;
};

/*
 * Start a walk over the list at @list, @avail bytes readable (8-byte
 * aligned).  Returns 0, or -EINVAL when the header's size is below 8 or
 * beyond @avail.
 */
int ks_range_list_init(struct ks_range_list *it, const void *list, u32 avail);

/*
 * The next data range: 1 with *@range set (its format_size bytes lie in the
 * list), 0 after the last of count items, -EINVAL for an item that does not
 * lie in the list.  Items start 8-byte aligned; a range flagged
 * KSDATARANGE_ATTRIBUTES is followed by its attribute list, which Windows
 * counts as an item of its own: it is checked and stepped over here.
 */
int ks_range_list_next(struct ks_range_list *it,
		       const struct ks_dataformat **range);

/*
 * KSPROPERTY_PIN_DATAINTERSECTION for one pair: the format built from the
 * caller's candidate range @cand (@cand_bytes readable) and the pin's data
 * range @range.  The GUIDs are the range's with its wildcards filled from
 * the candidate (section 5.1's hierarchy).  When they name WAVEFORMATEX the
 * format is a KSDATAFORMAT_WAVEFORMATEX (82 bytes) with the largest channel
 * count, bits and rate that every audio range of the two allows and the tag
 * of the sub format; otherwise it is a 64-byte KSDATAFORMAT.  A range with
 * KSDATARANGE_REQUIRED_ATTRIBUTES passes its attribute list on, after the
 * format.  The result matches @range (ks_format_check() and
 * ks_format_matches() accept it).
 *
 * Returns 0 with the format in @out and its size in *@written; -EOVERFLOW
 * when @out_size is below that size (*@written says it, @out is untouched);
 * -EDOM when the two do not overlap; -EINVAL when @cand is malformed.
 */
int ks_format_intersect(const struct ks_dataformat *cand, u32 cand_bytes,
			const struct ks_data_range *range, void *out,
			u32 out_size, u32 *written);

/*
 * The same format, for the purposes of a connection (docs/graphs.md, row
 * 14h) and of ks-loopback's data path: equal format_size and equal first
 * format_size bytes.  Both must have passed ks_format_check().
 */
bool ks_format_same(const struct ks_dataformat *a,
		    const struct ks_dataformat *b);

/*
 * True when two GUIDs are equal / all zero (the wildcard).  Inline: every
 * property request and every range match compares a few, and a 16-byte
 * memcmp() with a constant size compiles to two loads and compares.
 */
static inline bool ks_guid_equal(const struct ks_guid *a,
				 const struct ks_guid *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static inline bool ks_guid_is_null(const struct ks_guid *g)
{
	static const struct ks_guid null_guid;	/* all zero */

	return ks_guid_equal(g, &null_guid);
}

#endif /* _KS_FORMAT_H */
