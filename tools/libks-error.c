// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: the reason codes of a refused KS_IOCTL_CREATE_PIN, by name, as a
 * sentence and with a hint at what to change.
 */
#include "libks-internal.h"

static const struct {
	const char *name;
	const char *text;
	const char *hint;
} reasons[] = {
	[KS_REASON_NONE] = {
		"KS_REASON_NONE",
		"The request was accepted.",
		"Nothing to change.",
	},
	[KS_REASON_REQUEST] = {
		"KS_REASON_REQUEST",
		"The ioctl request itself is malformed: its flags hold bits other than O_CLOEXEC and O_NONBLOCK.",
		"Pass only O_CLOEXEC and/or O_NONBLOCK as flags.",
	},
	[KS_REASON_CONNECT_SIZE] = {
		"KS_REASON_CONNECT_SIZE",
		"The connect request is too small or too large: it must hold a KSPIN_CONNECT and a KSDATAFORMAT (at least 136 bytes) and at most 65536 bytes.",
		"Pass the size of the KSPIN_CONNECT plus the whole data format.",
	},
	[KS_REASON_ACCESS] = {
		"KS_REASON_ACCESS",
		"The desired access is empty, has bits other than GENERIC_READ/GENERIC_WRITE, or does not fit the pin's data flow (an IN pin needs GENERIC_WRITE, an OUT pin GENERIC_READ).",
		"Ask for write access on a pin that data flows into (render) and read access on one that data flows out of (capture).",
	},
	[KS_REASON_PIN_ID] = {
		"KS_REASON_PIN_ID",
		"The pin id is not one of the filter's pin types.",
		"Use a pin id below the filter's pin count (see `ksctl list`).",
	},
	[KS_REASON_FILTER_ACCESS] = {
		"KS_REASON_FILTER_ACCESS",
		"The filter was opened without the access the pin needs: GENERIC_WRITE needs a writable filter fd, GENERIC_READ a readable one.",
		"Open the filter device read-write (or with the access the pin needs), and check the device's permissions.",
	},
	[KS_REASON_COMMUNICATION] = {
		"KS_REASON_COMMUNICATION",
		"The pin's communication type does not allow this connection: NONE and BRIDGE pins cannot be created, a pin without a peer must be a SINK (or BOTH), a pin with a peer a SOURCE (or BOTH).",
		"Connect a SOURCE pin to a peer and create SINK pins without one.",
	},
	[KS_REASON_INTERFACE] = {
		"KS_REASON_INTERFACE",
		"The requested interface is not one the pin offers.",
		"Pick one of the pin's interfaces (usually Standard STREAMING; see `ksctl list`).",
	},
	[KS_REASON_MEDIUM] = {
		"KS_REASON_MEDIUM",
		"The requested medium is not one the pin offers.",
		"Pick one of the pin's mediums (usually Standard ANYINSTANCE).",
	},
	[KS_REASON_FORMAT_SIZE] = {
		"KS_REASON_FORMAT_SIZE",
		"The data format is malformed: its format_size is below 64 or beyond the request, its specifier's structure (WAVEFORMATEX, EXTENSIBLE) does not fit, or its attribute list is broken.",
		"Make format_size cover the whole format structure and the request size cover format and attributes.",
	},
	[KS_REASON_FORMAT] = {
		"KS_REASON_FORMAT",
		"The data format matches none of the pin's data ranges (type, subtype, specifier, channels, bits, rate, block_align or avg_bytes_per_sec), or the filter refused it.",
		"Choose a format inside one of the pin's data ranges (see `ksctl list`).",
	},
	[KS_REASON_INSTANCES] = {
		"KS_REASON_INSTANCES",
		"The pin type already has as many instances as it can.",
		"Close another instance of this pin type first.",
	},
	[KS_REASON_PEER] = {
		"KS_REASON_PEER",
		"Pin_to_handle is not an open pin of this process that can take this connection.",
		"Pass the fd of an open pin that accepts the connection, or 0 for none.",
	},
	[KS_REASON_GONE] = {
		"KS_REASON_GONE",
		"The filter has been unregistered by its provider.",
		"Reopen the filter once its provider has registered it again.",
	},
};

#define N_REASONS (ARRAY_SIZE(reasons))

const char *ks_reason_name(uint32_t reason)
{
	return reason < N_REASONS ? reasons[reason].name : NULL;
}

const char *ks_reason_str(uint32_t reason)
{
	return reason < N_REASONS ? reasons[reason].text :
	       "An unknown reason code (from a newer kernel than this library).";
}

const char *ks_reason_hint(uint32_t reason)
{
	return reason < N_REASONS ? reasons[reason].hint :
	       "Update libks to learn what this code means.";
}
