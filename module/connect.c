// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: pure checks of a KS_IOCTL_CREATE_PIN request (SPEC 5, rows 1, 2
 * and 4 to 12).  The rows are checked in the contract's order and the first
 * failure decides the errno and the reason, so each row is one helper called
 * in sequence from ks_check_connect().
 */
#include "connect.h"
#include "format.h"

#define KS_ACCESS_MASK	(KS_GENERIC_READ | KS_GENERIC_WRITE)

static const struct ks_guid interface_standard = KSINTERFACESETID_STANDARD;
static const struct ks_guid medium_standard = KSMEDIUMSETID_STANDARD;

int ks_check_create_args(u32 flags, u32 allowed_flags, u32 connect_size,
			 u32 *reason)
{
	*reason = KS_REASON_NONE;
	if (flags & ~allowed_flags) {
		*reason = KS_REASON_REQUEST;
		return -EINVAL;
	}
	if (connect_size < KS_CONNECT_SIZE_MIN ||
	    connect_size > KS_CONNECT_SIZE_MAX) {
		*reason = KS_REASON_CONNECT_SIZE;
		return -EINVAL;
	}
	return 0;
}

/* Inline in the checks of rows 9 and 10, on the path of every creation. */
static inline bool listed(const struct ks_identifier *list, u32 count,
			  const struct ks_guid *dflt_set, u32 dflt_id,
			  const struct ks_identifier *want)
{
	u32 i;

	if (!count)
		return want->id == dflt_id && ks_guid_equal(&want->set, dflt_set);
	for (i = 0; i < count; i++) {
		/* Only (set, id): identifier flags are never compared. */
		if (list[i].id == want->id &&
		    ks_guid_equal(&list[i].set, &want->set))
			return true;
	}
	return false;
}

bool ks_identifier_listed(const struct ks_identifier *list, u32 count,
			  const struct ks_guid *dflt_set, u32 dflt_id,
			  const struct ks_identifier *want)
{
	return listed(list, count, dflt_set, dflt_id, want);
}

static int fail(struct ks_connect_check *out, int error, u32 reason)
{
	out->error = error;
	out->reason = reason;
	return error;
}

/* Row 6: data flows in through a write and out through a read. */
static bool dataflow_allows(const struct ks_pin_descriptor *pin, u32 access)
{
	switch (pin->dataflow) {
	case KSPIN_DATAFLOW_IN:
		return access & KS_GENERIC_WRITE;
	case KSPIN_DATAFLOW_OUT:
		return access & KS_GENERIC_READ;
	default:
		/* A descriptor without a valid dataflow fits no access. */
		return false;
	}
}

/*
 * Row 8: without a peer the new pin is the sink of a connection that
 * userspace drives; with one it is the source connecting to that peer.
 * NONE, BRIDGE and unknown values can never be instantiated.
 */
static bool communication_allows(const struct ks_pin_descriptor *pin,
				 u64 pin_to_handle)
{
	switch (pin->communication) {
	case KSPIN_COMMUNICATION_BOTH:
		return true;
	case KSPIN_COMMUNICATION_SINK:
		return !pin_to_handle;
	case KSPIN_COMMUNICATION_SOURCE:
		return pin_to_handle;
	default:
		return false;
	}
}

/* Rows 4 to 10: the KSPIN_CONNECT against the pin descriptor. */
static int check_pin(const struct ks_pin_connect *connect, u32 desired_access,
		     u32 filter_access, const struct ks_pin_descriptor *pins,
		     u32 pins_count, struct ks_connect_check *out)
{
	const struct ks_pin_descriptor *pin;

	if (!desired_access || (desired_access & ~KS_ACCESS_MASK))
		return fail(out, -EINVAL, KS_REASON_ACCESS);
	if (connect->pin_id >= pins_count)
		return fail(out, -EINVAL, KS_REASON_PIN_ID);
	out->pin_id = connect->pin_id;
	pin = &pins[connect->pin_id];
	if (!dataflow_allows(pin, desired_access))
		return fail(out, -EINVAL, KS_REASON_ACCESS);
	if (desired_access & ~filter_access)
		return fail(out, -EACCES, KS_REASON_FILTER_ACCESS);
	if (!communication_allows(pin, connect->pin_to_handle))
		return fail(out, -EINVAL, KS_REASON_COMMUNICATION);
	if (!listed(pin->interfaces, pin->interfaces_count,
		    &interface_standard, KSINTERFACE_STANDARD_STREAMING,
		    &connect->interface))
		return fail(out, -EPROTONOSUPPORT, KS_REASON_INTERFACE);
	if (!listed(pin->mediums, pin->mediums_count, &medium_standard,
		    KSMEDIUM_TYPE_ANYINSTANCE, &connect->medium))
		return fail(out, -EMEDIUMTYPE, KS_REASON_MEDIUM);
	return 0;
}

/* Rows 11 and 12: the KSDATAFORMAT after the KSPIN_CONNECT. */
static int check_format(const struct ks_dataformat *fmt, u32 avail,
			const struct ks_pin_descriptor *pin,
			struct ks_connect_check *out)
{
	u32 bytes;
	int range;

	if (ks_format_check(fmt, avail, &bytes))
		return fail(out, -EINVAL, KS_REASON_FORMAT_SIZE);
	range = ks_format_match_ranges(fmt, bytes, pin->data_ranges,
				       pin->data_ranges_count);
	if (range < 0)
		return fail(out, -EDOM, KS_REASON_FORMAT);
	out->range = range;
	out->format_bytes = bytes;
	return 0;
}

int ks_check_connect(const void *blob, u32 size, u32 desired_access,
		     u32 filter_access,
		     const struct ks_pin_descriptor *pins, u32 pins_count,
		     struct ks_connect_check *out)
{
	const struct ks_pin_connect *connect = blob;
	const struct ks_dataformat *fmt;
	int err;

	out->error = 0;
	out->reason = KS_REASON_NONE;
	out->pin_id = 0;
	out->range = 0;
	out->format_bytes = 0;
	/* Row 2 bounded size already; never trust that when reading the blob. */
	if (size < KS_CONNECT_SIZE_MIN)
		return fail(out, -EINVAL, KS_REASON_CONNECT_SIZE);
	err = check_pin(connect, desired_access, filter_access, pins,
			pins_count, out);
	if (err)
		return err;
	fmt = (const struct ks_dataformat *)((const u8 *)blob + sizeof(*connect));
	return check_format(fmt, size - (u32)sizeof(*connect),
			    &pins[out->pin_id], out);
}
