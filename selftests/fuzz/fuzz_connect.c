// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the pure KS_IOCTL_CREATE_PIN checks (module/connect.c),
 * called the way pin.c calls them.
 *
 * Input: a 12-byte header, then the request blob.
 *	0  desired_access (u32)
 *	4  ks_create_pin.flags (u32)
 *	8  the filter fd's open mode: bit 0 GENERIC_READ, bit 1 GENERIC_WRITE
 *	9  which pin set (pins.c), the last choice is an unregistered filter
 *	10 zero bytes added at the blob's end: with inputs of at most
 *	   65536 bytes (run.sh's -max_len) the blob still reaches
 *	   KS_CONNECT_SIZE_MAX and the size one past it
 * The blob is copied into a buffer of exactly its size, 8-byte aligned, as
 * the kernel's one copy is, so that ASan sees any read beyond it.
 *
 * Invariants: the outcome is the reference's (ref.c, SPEC 5's table written
 * again from the contract): the same errno, reason, and on success the same
 * data range and format bytes; the errno and the reason agree; on
 * success the format fits (64 <= format_bytes <= size - 72), a copy of
 * exactly format_bytes bytes (what the pin keeps and DATAFORMAT reports)
 * passes the format checks again with the same size and range, the pin
 * type's dataflow, communication, interface and medium allow the request;
 * the padding and the identifier flags never change the outcome.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "pins.h"
#include "ref.h"

#define HDR	12
#define ALLOWED_FLAGS	(O_CLOEXEC | O_NONBLOCK)

static const struct ks_guid if_std = KSINTERFACESETID_STANDARD;
static const struct ks_guid medium_std = KSMEDIUMSETID_STANDARD;

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The errno each reason goes with (SPEC 5's table). */
static int errno_of(u32 reason)
{
	switch (reason) {
	case KS_REASON_ACCESS:
	case KS_REASON_PIN_ID:
	case KS_REASON_COMMUNICATION:
	case KS_REASON_FORMAT_SIZE:
	case KS_REASON_CONNECT_SIZE:
		return -EINVAL;
	case KS_REASON_FILTER_ACCESS:
		return -EACCES;
	case KS_REASON_INTERFACE:
		return -EPROTONOSUPPORT;
	case KS_REASON_MEDIUM:
		return -EMEDIUMTYPE;
	case KS_REASON_FORMAT:
		return -EDOM;
	default:
		return 1;	/* never an errno: a mismatch */
	}
}

static void check_success(const u8 *blob, u32 size, u32 access,
			  u32 filter_access, const struct pin_set *set,
			  const struct ks_connect_check *chk)
{
	const struct ks_pin_connect *c = (const void *)blob;
	const struct ks_dataformat *fmt = (const void *)(blob + sizeof(*c));
	const struct ks_pin_descriptor *pin;
	struct ks_dataformat *copy;
	u32 bytes;

	INVARIANT(chk->reason == KS_REASON_NONE);
	INVARIANT(chk->pin_id == c->pin_id && chk->pin_id < set->count);
	pin = &set->pins[chk->pin_id];
	INVARIANT(chk->range < pin->data_ranges_count);
	INVARIANT(chk->format_bytes >= sizeof(struct ks_dataformat));
	INVARIANT(chk->format_bytes <= size - sizeof(*c));
	INVARIANT(chk->format_bytes >= fmt->format_size);

	INVARIANT(access && !(access & ~(KS_GENERIC_READ | KS_GENERIC_WRITE)));
	INVARIANT(!(access & ~filter_access));
	INVARIANT(pin->dataflow == KSPIN_DATAFLOW_IN ?
		  (access & KS_GENERIC_WRITE) : (access & KS_GENERIC_READ));
	INVARIANT(pin->communication == KSPIN_COMMUNICATION_BOTH ||
		  (pin->communication == KSPIN_COMMUNICATION_SINK &&
		   !c->pin_to_handle) ||
		  (pin->communication == KSPIN_COMMUNICATION_SOURCE &&
		   c->pin_to_handle));
	INVARIANT(ks_identifier_listed(pin->interfaces, pin->interfaces_count,
				       &if_std, KSINTERFACE_STANDARD_STREAMING,
				       &c->interface));
	INVARIANT(ks_identifier_listed(pin->mediums, pin->mediums_count,
				       &medium_std, KSMEDIUM_TYPE_ANYINSTANCE,
				       &c->medium));

	/* What the pin keeps: exactly format_bytes, checked again on its own. */
	copy = dup_exact(fmt, chk->format_bytes);
	INVARIANT(ks_format_check(copy, chk->format_bytes, &bytes) == 0);
	INVARIANT(bytes == chk->format_bytes);
	INVARIANT(ks_format_match_ranges(copy, bytes, pin->data_ranges,
					 pin->data_ranges_count) ==
		  (int)chk->range);
	INVARIANT(ks_format_matches(copy, bytes,
				    &pin->data_ranges[chk->range]));
	free(copy);
}

/* The module and the reference agree (differential). */
static void check_reference(const u8 *blob, u32 size, u32 access,
			    u32 filter_access, const struct pin_set *set,
			    const struct ks_connect_check *chk)
{
	struct ref_verdict ref;

	ref_connect(blob, size, access, filter_access, set ? set->pins : NULL,
		    set ? set->count : 0, &ref);
	if (ref.error != chk->error || ref.reason != chk->reason ||
	    (!ref.error && (ref.range != chk->range ||
			    ref.format_bytes != chk->format_bytes)))
		fprintf(stderr, "module: %d reason %u range %u bytes %u; "
			"reference: %d reason %u range %u bytes %u\n",
			chk->error, chk->reason, chk->range,
			chk->format_bytes, ref.error, ref.reason, ref.range,
			ref.format_bytes);
	INVARIANT(ref.error == chk->error);
	INVARIANT(ref.reason == chk->reason);
	if (!ref.error) {
		INVARIANT(ref.range == chk->range);
		INVARIANT(ref.format_bytes == chk->format_bytes);
	}
}

/* Row 15's path (pin.c gone()): no descriptor, rows 4 and 5 only. */
static void check_gone(const u8 *blob, u32 size, u32 access)
{
	struct ks_connect_check chk;
	int ret;

	ret = ks_check_connect(blob, size, access, 0, NULL, 0, &chk);
	INVARIANT(ret && ret == chk.error);
	check_reference(blob, size, access, 0, NULL, &chk);
	INVARIANT(chk.reason == KS_REASON_ACCESS ||
		  chk.reason == KS_REASON_PIN_ID);
	INVARIANT(ret == -EINVAL);
}

/* Padding and identifier flags must not change anything (SPEC 5). */
static void check_ignored(u8 *blob, u32 size, u32 access, u32 filter_access,
			  const struct pin_set *set,
			  const struct ks_connect_check *want)
{
	struct ks_pin_connect *c = (void *)blob;
	struct ks_connect_check chk;

	c->padding ^= 0xA5A5A5A5;
	c->interface.flags ^= 0x5A5A5A5A;
	c->medium.flags ^= 0xFFFFFFFF;
	ks_check_connect(blob, size, access, filter_access, set->pins,
			 set->count, &chk);
	INVARIANT(!memcmp(&chk, want, sizeof(chk)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ks_connect_check chk, again;
	u32 access, flags, filter_access, reason, size;
	const struct pin_set *set;
	u8 *blob;
	int ret;

	if (len < HDR || len - HDR + data[10] > KS_CONNECT_SIZE_MAX + 64)
		return 0;
	access = get32(data);
	flags = get32(data + 4);
	filter_access = (data[8] & 1 ? KS_GENERIC_READ : 0) |
			(data[8] & 2 ? KS_GENERIC_WRITE : 0);
	size = (u32)(len - HDR) + data[10];

	/* Rows 1 and 2, on the arguments alone. */
	ret = ks_check_create_args(flags, ALLOWED_FLAGS, size, &reason);
	if (ret) {
		INVARIANT(ret == -EINVAL);
		INVARIANT(reason == ((flags & ~ALLOWED_FLAGS) ?
				     KS_REASON_REQUEST :
				     KS_REASON_CONNECT_SIZE));
		return 0;
	}
	INVARIANT(reason == KS_REASON_NONE);
	INVARIANT(size >= KS_CONNECT_SIZE_MIN && size <= KS_CONNECT_SIZE_MAX);

	blob = calloc(1, size);
	INVARIANT(blob);
	memcpy(blob, data + HDR, len - HDR);
	if (data[9] % (pin_sets_count + 1) == pin_sets_count) {
		check_gone(blob, size, access);
		free(blob);
		return 0;
	}
	set = &pin_sets[data[9] % (pin_sets_count + 1)];
	ret = ks_check_connect(blob, size, access, filter_access, set->pins,
			       set->count, &chk);
	INVARIANT(ret == chk.error);
	check_reference(blob, size, access, filter_access, set, &chk);
	if (ret) {
		INVARIANT(errno_of(chk.reason) == ret);
		INVARIANT(chk.reason != KS_REASON_CONNECT_SIZE);
	} else {
		check_success(blob, size, access, filter_access, set, &chk);
	}
	/* The same request gives the same answer. */
	ks_check_connect(blob, size, access, filter_access, set->pins,
			 set->count, &again);
	INVARIANT(!memcmp(&chk, &again, sizeof(chk)));
	check_ignored(blob, size, access, filter_access, set, &chk);
	free(blob);
	return 0;
}
