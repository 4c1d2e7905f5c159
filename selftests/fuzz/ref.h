/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A second implementation of SPEC section 5's pin-creation checks (rows 4
 * to 12) and of section 5.1's matching, written from the contract alone:
 * the fuzz harnesses compare module/connect.c and module/format.c with it
 * on every input, and judge DATAINTERSECTION's results with it.
 * Plain byte reads, no shared code with the module but the uapi layouts.
 */
#ifndef _KS_FUZZ_REF_H
#define _KS_FUZZ_REF_H

#include "pure.h"

/* What the table of SPEC 5 decides for a request. */
struct ref_verdict {
	int error;		/* 0 or a negative errno */
	u32 reason;		/* KS_REASON_* of the first row that fails */
	u32 range;		/* on success: the first data range that matched */
	u32 format_bytes;	/* on success: format_size plus attribute list */
};

/*
 * Rows 4 to 12 on a copied request: @blob (@size bytes, 136..65536) is
 * KSPIN_CONNECT then the format; @pins NULL with @count 0 is a filter with
 * no pin types.  Fills @v and returns v->error.
 */
int ref_connect(const u8 *blob, u32 size, u32 access, u32 filter_access,
		const struct ks_pin_descriptor *pins, u32 count,
		struct ref_verdict *v);

/*
 * Row 11 on a format at @fmt with @avail bytes after it: true when well
 * formed, with *@bytes the format's bytes (attribute list included).
 */
bool ref_format_ok(const u8 *fmt, u32 avail, u32 *bytes);

/* Section 5.1: does the well-formed format at @fmt match @r? */
bool ref_matches(const u8 *fmt, const struct ks_data_range *r);

/* A KSDATARANGE_AUDIO: major AUDIO, specifier WAVEFORMATEX, 88 bytes. */
bool ref_is_audio_range(const u8 *range);

#endif /* _KS_FUZZ_REF_H */
