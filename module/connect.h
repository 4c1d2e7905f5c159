/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure checks of a KS_IOCTL_CREATE_PIN request, in the order of the contract
 * (SPEC section 5).  No kernel services: see pure.h.
 */
#ifndef _KS_CONNECT_H
#define _KS_CONNECT_H

#include "pure.h"

/**
 * struct ks_connect_check - the outcome of ks_check_connect()
 * @error: 0 or a negative errno
 * @reason: KS_REASON_* of the check that failed, KS_REASON_NONE on success
 * @pin_id: the requested pin type (valid once row 5 passed)
 * @range: index of the first data range that matched (on success)
 * @format_bytes: bytes of the format from the ks_dataformat on, attribute
 *	list included (on success): what KSPROPERTY_CONNECTION_DATAFORMAT
 *	reports back
 */
struct ks_connect_check {
	int error;
	u32 reason;
	u32 pin_id;
	u32 range;
	u32 format_bytes;
};

/*
 * Rows 1 and 2: the ioctl arguments, before the blob is copied.
 * @allowed_flags is O_CLOEXEC | O_NONBLOCK of the caller's architecture.
 * Returns 0 or -EINVAL with *reason set.
 */
int ks_check_create_args(u32 flags, u32 allowed_flags, u32 connect_size,
			 u32 *reason);

/*
 * Rows 4 to 12 (but for the provider's own accept_format): @blob is the copied
 * request, KSPIN_CONNECT then KSDATAFORMAT, @size bytes (already bounded by
 * row 2), 8-byte aligned.  @filter_access is the KS_GENERIC_* the filter fd
 * was opened with.  Fills @out and returns out->error.
 */
int ks_check_connect(const void *blob, u32 size, u32 desired_access,
		     u32 filter_access,
		     const struct ks_pin_descriptor *pins, u32 pins_count,
		     struct ks_connect_check *out);

/*
 * Row 9 / row 10: is (set, id) in @list (@count entries)?  An empty list
 * stands for the one default entry (@dflt).  Identifier flags are ignored.
 */
bool ks_identifier_listed(const struct ks_identifier *list, u32 count,
			  const struct ks_guid *dflt_set, u32 dflt_id,
			  const struct ks_identifier *want);

#endif /* _KS_CONNECT_H */
