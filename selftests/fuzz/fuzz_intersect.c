// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: KSPROPERTY_PIN_DATAINTERSECTION's pure parts in
 * module/format.c: the walk over the caller's KSMULTIPLE_ITEM of candidate
 * ranges (ks_range_list_init/next) and ks_format_intersect(), called the
 * way property.c calls them.
 *
 * Input:
 *	0  mode: bit 0 adds a provider range made of fuzzed bytes, bit 1 gives
 *	   it a fuzzed attribute list
 *	1  length L of the provider range's bytes (when bit 0), then L bytes,
 *	   then (bit 1) a length byte and the attribute list's bytes
 *	.. the rest: the candidate list, copied into a buffer of exactly its
 *	   size, 8-byte aligned
 * A provider's range is trusted data (format_size >= 64 and readable, an
 * attribute list's size within its storage): the harness makes the fuzzed
 * one so, and otherwise leaves it alone.
 *
 * Invariants: every item the walk returns lies inside the list at an
 * 8-aligned offset, no more items than count; an intersection result, in a
 * buffer of exactly the size asked for, passes ks_format_check() with that
 * size and matches the pin's range (what property.c WARNs about) and the
 * candidate; an out buffer one byte short gets -EOVERFLOW and is untouched.
 */
#include <stdint.h>
#include <string.h>

#include "pins.h"

#define FILL	0xA5

struct walked {
	const struct ks_dataformat *items[64];
	u32 count;
};

static int walk(const u8 *list, u32 avail, struct walked *w)
{
	const struct ks_dataformat *r;
	struct ks_range_list it;
	u32 header_count, off, n = 0;
	int ret;

	w->count = 0;
	if (ks_range_list_init(&it, list, avail))
		return -EINVAL;
	memcpy(&header_count, list + 4, sizeof(header_count));
	INVARIANT(it.size <= avail && it.size >= 8);
	while ((ret = ks_range_list_next(&it, &r)) > 0) {
		off = (u32)((const u8 *)r - list);
		INVARIANT((const u8 *)r >= list + 8);
		INVARIANT(off % 8 == 0);
		INVARIANT(r->format_size >= sizeof(*r));
		INVARIANT((u64)off + r->format_size <= it.size);
		INVARIANT(++n <= header_count);
		if (w->count < 64)
			w->items[w->count++] = r;
	}
	INVARIANT(ret == 0 || ret == -EINVAL);
	return ret;
}

static void one(const struct ks_dataformat *cand,
		const struct ks_data_range *range)
{
	const struct ks_data_range as_range = { .range = cand };
	u32 need, written, bytes;
	u8 *out;
	int ret;

	ret = ks_format_intersect(cand, cand->format_size, range, NULL, 0,
				  &need);
	INVARIANT(ret == -EOVERFLOW || ret == -EDOM);
	if (ret == -EDOM)
		return;
	INVARIANT(need >= sizeof(struct ks_dataformat));

	out = malloc(need);
	INVARIANT(out);
	memset(out, FILL, need);
	ret = ks_format_intersect(cand, cand->format_size, range, out, need - 1,
				  &written);
	INVARIANT(ret == -EOVERFLOW && written == need);
	for (u32 i = 0; i < need; i++)
		INVARIANT(out[i] == FILL);

	ret = ks_format_intersect(cand, cand->format_size, range, out, need,
				  &written);
	INVARIANT(ret == 0 && written == need);
	INVARIANT(ks_format_check((const void *)out, need, &bytes) == 0);
	INVARIANT(bytes == need);
	INVARIANT(ks_format_matches((const void *)out, bytes, range));
	INVARIANT(ks_format_matches((const void *)out, bytes, &as_range));
	free(out);
}

/* The provider range made of fuzzed bytes: trusted shape, fuzzed content. */
struct fuzzed_range {
	struct ks_data_range range;
	u8 *bytes;
	u8 *attrs;
};

static size_t take_range(const u8 *data, size_t len, u8 mode,
			 struct fuzzed_range *fr)
{
	size_t used = 0, n, alen;
	struct ks_dataformat *r;
	u32 fs;

	memset(fr, 0, sizeof(*fr));
	if (!(mode & 1) || !len)
		return 0;
	n = data[0];
	used = 1;
	if (n > len - used)
		n = len - used;
	/* At least a KSDATARANGE, room for an audio one. */
	fr->bytes = calloc(1, n < 88 ? 88 : n);
	INVARIANT(fr->bytes);
	memcpy(fr->bytes, data + used, n);
	used += n;
	r = (struct ks_dataformat *)fr->bytes;
	fs = r->format_size;
	if (fs < sizeof(*r) || fs > (n < 88 ? 88 : n))
		r->format_size = n < 88 ? 88 : (u32)n;
	fr->range.range = r;
	if ((mode & 2) && used < len) {
		alen = data[used++];
		if (alen > len - used)
			alen = len - used;
		if (alen >= sizeof(struct ks_multiple_item)) {
			struct ks_multiple_item *h;

			fr->attrs = malloc(alen);
			INVARIANT(fr->attrs);
			memcpy(fr->attrs, data + used, alen);
			h = (void *)fr->attrs;
			if (h->size > alen || h->size < sizeof(*h))
				h->size = (u32)alen;
			fr->range.attributes = h;
		}
		used += alen;
	}
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzzed_range fr;
	struct walked w;
	size_t used;
	u8 *list;
	u32 i, j;

	if (len < 1 || len > 2 * KS_CONNECT_SIZE_MAX)
		return 0;
	used = 1 + take_range(data + 1, len - 1, data[0], &fr);
	list = dup_exact(data + used, len - used);
	/* property.c checks the whole list before intersecting anything. */
	if (walk(list, (u32)(len - used), &w) == 0) {
		for (i = 0; i < w.count; i++) {
			for (j = 0; j < all_ranges_count; j++)
				one(w.items[i], &all_ranges[j]);
			if (fr.range.range)
				one(w.items[i], &fr.range);
		}
	}
	free(list);
	free(fr.bytes);
	free(fr.attrs);
	return 0;
}
