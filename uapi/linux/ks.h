/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ksfilter: Windows Kernel Streaming pin connection on Linux - userspace ABI.
 *
 * Every structure has the Windows x64 layout on every architecture, so that a
 * request built with the Windows SDK (or mingw-w64) headers is accepted byte
 * for byte.  All integers are little-endian.  Sizes and offsets are frozen by
 * the compile-time checks at the end of this file.
 */
#ifndef _UAPI_LINUX_KS_H
#define _UAPI_LINUX_KS_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* GUID in Windows byte order: 1A8766A0-62CE-11CF-A5D6-28DB04C10000. */
struct ks_guid {
	__u32 data1;
	__u16 data2;
	__u16 data3;
	__u8 data4[8];
};

#define KS_GUID_INIT(d1, d2, d3, b0, b1, b2, b3, b4, b5, b6, b7)	\
	{ (d1), (d2), (d3), { (b0), (b1), (b2), (b3), (b4), (b5), (b6), (b7) } }

/* KSIDENTIFIER, and so KSPIN_INTERFACE, KSPIN_MEDIUM, KSPROPERTY, KSEVENT. */
struct ks_identifier {
	struct ks_guid set;
	__u32 id;
	__u32 flags;
} __attribute__((aligned(8)));

/* KSPRIORITY */
struct ks_priority {
	__u32 priority_class;
	__u32 priority_subclass;
};

/* KSPIN_CONNECT: followed in memory by a ks_dataformat. */
struct ks_pin_connect {
	struct ks_identifier interface;
	struct ks_identifier medium;
	__u32 pin_id;
	__u32 padding;			/* ignored: Windows' HANDLE alignment */
	__u64 pin_to_handle;		/* 0, or a pin fd to connect to */
	struct ks_priority priority;
} __attribute__((aligned(8)));

/* KSDATAFORMAT and KSDATARANGE */
struct ks_dataformat {
	__u32 format_size;
	__u32 flags;
	__u32 sample_size;
	__u32 reserved;
	struct ks_guid major_format;
	struct ks_guid sub_format;
	struct ks_guid specifier;
} __attribute__((aligned(8)));

/* WAVEFORMATEX (packed, as in mmreg.h) */
struct ks_waveformatex {
	__u16 format_tag;
	__u16 channels;
	__u32 samples_per_sec;
	__u32 avg_bytes_per_sec;
	__u16 block_align;
	__u16 bits_per_sample;
	__u16 cb_size;
} __attribute__((packed));

/* WAVEFORMATEXTENSIBLE */
struct ks_waveformatextensible {
	struct ks_waveformatex format;
	__u16 valid_bits_per_sample;	/* union Samples in Windows */
	__u32 channel_mask;
	struct ks_guid sub_format;
} __attribute__((packed));

/*
 * KSDATAFORMAT_WAVEFORMATEX (82 bytes) and KSDATAFORMAT_WAVEFORMATEXTENSIBLE
 * (104 bytes) are byte-packed in the Windows SDK, so they have no tail
 * padding: their size is the format_size a request carries.
 */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpacked-not-aligned"
#endif
struct ks_dataformat_waveformatex {
	struct ks_dataformat data_format;
	struct ks_waveformatex wave_format;
} __attribute__((packed));

struct ks_dataformat_waveformatextensible {
	struct ks_dataformat data_format;
	struct ks_waveformatextensible wave_format;
} __attribute__((packed));
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#pragma GCC diagnostic pop
#endif

/* KSDATARANGE_AUDIO */
struct ks_datarange_audio {
	struct ks_dataformat data_range;
	__u32 maximum_channels;
	__u32 minimum_bits_per_sample;
	__u32 maximum_bits_per_sample;
	__u32 minimum_sample_frequency;
	__u32 maximum_sample_frequency;
	__u32 padding;
} __attribute__((aligned(8)));

/* KSP_PIN */
struct ks_p_pin {
	struct ks_identifier property;
	__u32 pin_id;
	__u32 reserved;
} __attribute__((aligned(8)));

/* KSMULTIPLE_ITEM: followed by count items; size includes this header. */
struct ks_multiple_item {
	__u32 size;
	__u32 count;
};

/* KSPIN_CINSTANCES */
struct ks_pin_cinstances {
	__u32 possible_count;
	__u32 current_count;
};

/* KSATTRIBUTE */
struct ks_attribute {
	__u32 size;
	__u32 flags;
	struct ks_guid attribute;
};

/* KSALLOCATOR_FRAMING */
struct ks_allocator_framing {
	__u32 options_flags;
	__u32 pool_type;
	__u32 frames;
	__u32 frame_size;
	__u32 file_alignment;
	__u32 reserved;
};

/* KSCOMPONENTID */
struct ks_componentid {
	struct ks_guid manufacturer;
	struct ks_guid product;
	struct ks_guid component;
	struct ks_guid name;
	__u32 version;
	__u32 revision;
};

/* KSTIME */
struct ks_time {
	__s64 time;
	__u32 numerator;
	__u32 denominator;
} __attribute__((aligned(8)));

/* KSSTREAM_HEADER, x64 layout */
struct ks_stream_header {
	__u32 size;
	__u32 type_specific_flags;
	struct ks_time presentation_time;
	__s64 duration;
	__u32 frame_extent;
	__u32 data_used;
	__u64 data;			/* user pointer to frame_extent bytes */
	__u32 options_flags;
	__u32 reserved;
} __attribute__((aligned(8)));

/* KSTOPOLOGY_CONNECTION: an edge of a filter's topology. */
struct ks_topology_connection {
	__u32 from_node;	/* a node id, or KSFILTER_NODE for a pin */
	__u32 from_node_pin;	/* the node's pin, or the filter's pin id */
	__u32 to_node;
	__u32 to_node_pin;
};

/* KSP_NODE and KSNODEPROPERTY: a property of a topology node. */
struct ks_p_node {
	struct ks_identifier property;	/* flags has KSPROPERTY_TYPE_TOPOLOGY */
	__u32 node_id;
	__u32 reserved;
} __attribute__((aligned(8)));

/* KSNODEPROPERTY_AUDIO_CHANNEL */
struct ks_node_property_audio_channel {
	struct ks_p_node node_property;
	__s32 channel;
	__u32 reserved;
} __attribute__((aligned(8)));

/* KSAUDIO_CHANNEL_CONFIG */
struct ks_audio_channel_config {
	__s32 active_speaker_positions;	/* SPEAKER_* bits, as channel_mask */
};

/*
 * KSPROPERTY_DESCRIPTION: the value of a BASICSUPPORT request, followed by
 * members_list_count ks_property_membersheader, each followed by its
 * members; description_size counts all of it.
 */
struct ks_property_description {
	__u32 access_flags;		/* KSPROPERTY_TYPE_* the property takes */
	__u32 description_size;
	struct ks_identifier prop_type_set;	/* KSPROPTYPESETID_GENERAL, KS_VT_* */
	__u32 members_list_count;
	__u32 reserved;
} __attribute__((aligned(8)));

/* KSPROPERTY_MEMBERSHEADER: followed by members_count members. */
struct ks_property_membersheader {
	__u32 members_flags;		/* KSPROPERTY_MEMBER_RANGES ... VALUES */
	__u32 members_size;		/* bytes of one member */
	__u32 members_count;
	__u32 flags;			/* KSPROPERTY_MEMBER_FLAG_* */
};

/*
 * KSPROPERTY_BOUNDS_LONG.  A union in Windows: UnsignedMinimum and
 * UnsignedMaximum are the same bytes read as __u32.
 */
struct ks_property_bounds_long {
	__s32 signed_minimum;
	__s32 signed_maximum;
};

/* KSPROPERTY_STEPPING_LONG */
struct ks_property_stepping_long {
	__u32 stepping_delta;
	__u32 reserved;
	struct ks_property_bounds_long bounds;
};

/*
 * KSEVENTDATA, x64 layout: how an enabled event is signalled.  A union in
 * Windows, after notification_type: EventHandle (Event at 8, Reserved[2]
 * at 16) or SemaphoreHandle (Semaphore at 8, Reserved at 16, Adjustment
 * at 20).
 */
struct ks_event_data {
	__u32 notification_type;	/* KSEVENTF_*_HANDLE */
	__u32 padding;			/* ignored: Windows' HANDLE alignment */
	__u64 handle;			/* Event or Semaphore */
	__u32 semaphore_reserved;	/* SemaphoreHandle.Reserved */
	__s32 adjustment;		/* SemaphoreHandle.Adjustment */
	__u64 reserved;			/* EventHandle.Reserved[1] */
} __attribute__((aligned(8)));

/* LOOPEDSTREAMING_POSITION_EVENT_DATA */
struct ks_loopedstreaming_position_event_data {
	struct ks_event_data event_data;
	__u64 position;			/* byte position that fires the event */
} __attribute__((aligned(8)));

/* KSE_NODE: an event of a topology node (KSEVENT is a ks_identifier). */
struct ks_event_node {
	struct ks_identifier event;	/* flags has KSEVENT_TYPE_TOPOLOGY */
	__u32 node_id;
	__u32 reserved;
} __attribute__((aligned(8)));

/* KSCLOCK_CREATE */
struct ks_clock_create {
	__u32 create_flags;
};

/*
 * KS_IOCTL_CREATE_CLOCK, KsCreateClock(pin, KSCLOCK_CREATE, &clock): a
 * clock object on a pin fd; returns the clock fd.
 */
struct ks_create_clock {
	struct ks_clock_create create;	/* create_flags must be 0 */
	__u32 flags;			/* O_CLOEXEC | O_NONBLOCK */
};

/* KSEVENT_TIME_MARK: KSEVENT_CLOCK_POSITION_MARK's data. */
struct ks_event_time_mark {
	struct ks_event_data event_data;
	__s64 mark_time;		/* the clock's time, 100 ns units */
} __attribute__((aligned(8)));

/* KSEVENT_TIME_INTERVAL: KSEVENT_CLOCK_INTERVAL_MARK's data. */
struct ks_event_time_interval {
	struct ks_event_data event_data;
	__s64 time_base;		/* the first mark, 100 ns units */
	__s64 interval;			/* then every interval, > 0 */
} __attribute__((aligned(8)));

/* KSCORRELATED_TIME: a clock's time and the system time, 100 ns units. */
struct ks_correlated_time {
	__s64 time;
	__s64 system_time;
} __attribute__((aligned(8)));

/* KSRESOLUTION: a clock's granularity and error, 100 ns units. */
struct ks_resolution {
	__s64 granularity;
	__s64 error;
} __attribute__((aligned(8)));

/* ---- GUIDs ---- */

#define KS_GUID_NULL KS_GUID_INIT(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

#define KSINTERFACESETID_STANDARD KS_GUID_INIT(0x1A8766A0, 0x62CE, 0x11CF, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)
#define KSINTERFACE_STANDARD_STREAMING		0
#define KSINTERFACE_STANDARD_LOOPED_STREAMING	1
#define KSINTERFACE_STANDARD_CONTROL		2

#define KSINTERFACESETID_FILEIO KS_GUID_INIT(0x8C6F932C, 0xE771, 0x11D0, \
	0xB8, 0xFF, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)

#define KSMEDIUMSETID_STANDARD KS_GUID_INIT(0x4747B320, 0x62CE, 0x11CF, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)
#define KSMEDIUM_TYPE_ANYINSTANCE		0

#define KSDATAFORMAT_TYPE_WILDCARD	KS_GUID_NULL
#define KSDATAFORMAT_SUBTYPE_WILDCARD	KS_GUID_NULL
#define KSDATAFORMAT_SPECIFIER_WILDCARD	KS_GUID_NULL

#define KSDATAFORMAT_SPECIFIER_NONE KS_GUID_INIT(0x0F6417D6, 0xC318, 0x11D0, \
	0xA4, 0x3F, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSDATAFORMAT_TYPE_STREAM KS_GUID_INIT(0xE436EB83, 0x524F, 0x11CE, \
	0x9F, 0x53, 0x00, 0x20, 0xAF, 0x0B, 0xA7, 0x70)
#define KSDATAFORMAT_SUBTYPE_NONE KS_GUID_INIT(0xE436EB8E, 0x524F, 0x11CE, \
	0x9F, 0x53, 0x00, 0x20, 0xAF, 0x0B, 0xA7, 0x70)
#define KSDATAFORMAT_TYPE_AUDIO KS_GUID_INIT(0x73647561, 0x0000, 0x0010, \
	0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)
#define KSDATAFORMAT_SUBTYPE_PCM KS_GUID_INIT(0x00000001, 0x0000, 0x0010, \
	0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)
#define KSDATAFORMAT_SUBTYPE_IEEE_FLOAT KS_GUID_INIT(0x00000003, 0x0000, 0x0010, \
	0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71)
/* Analog audio (a bridge pin's jack or wire), with SPECIFIER_NONE. */
#define KSDATAFORMAT_SUBTYPE_ANALOG KS_GUID_INIT(0x6DBA3190, 0x67BD, 0x11CF, \
	0xA0, 0xF7, 0x00, 0x20, 0xAF, 0xD1, 0x56, 0xE4)
#define KSDATAFORMAT_SPECIFIER_WAVEFORMATEX KS_GUID_INIT(0x05589F81, 0xC356, 0x11CE, \
	0xBF, 0x01, 0x00, 0xAA, 0x00, 0x55, 0x59, 0x5A)

#define KSPROPSETID_PIN KS_GUID_INIT(0x8C134960, 0x51AD, 0x11CF, \
	0x87, 0x8A, 0x94, 0xF8, 0x01, 0xC1, 0x00, 0x00)
#define KSPROPSETID_CONNECTION KS_GUID_INIT(0x1D58C920, 0xAC9B, 0x11CF, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)
#define KSPROPSETID_GENERAL KS_GUID_INIT(0x1464EDA5, 0x6A8F, 0x11D1, \
	0x9A, 0xA7, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSPROPSETID_TOPOLOGY KS_GUID_INIT(0x720D4AC0, 0x7533, 0x11D0, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)
#define KSPROPSETID_AUDIO KS_GUID_INIT(0x45FFAAA0, 0x6E1B, 0x11D0, \
	0xBC, 0xF2, 0x44, 0x45, 0x53, 0x54, 0x00, 0x00)

#define KSPROPSETID_CLOCK KS_GUID_INIT(0xDF12A4C0, 0xAC17, 0x11CF, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)

#define KSEVENTSETID_CONNECTION KS_GUID_INIT(0x7F4BCBE0, 0x9EA5, 0x11CF, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)
#define KSEVENTSETID_LOOPEDSTREAMING KS_GUID_INIT(0x4682B940, 0xC6EF, 0x11D0, \
	0x96, 0xD8, 0x00, 0xAA, 0x00, 0x51, 0xE5, 0x1D)
#define KSEVENTSETID_CLOCK KS_GUID_INIT(0x364D8E20, 0x62C7, 0x11CF, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)
/* A node's event (KSEVENT_TYPE_TOPOLOGY, a KSE_NODE): 1.4. */
#define KSEVENTSETID_AUDIOCONTROLCHANGE KS_GUID_INIT(0xE85E9698, 0xFA2F, \
	0x11D1, 0x95, 0xBD, 0x00, 0xC0, 0x4F, 0xB9, 0x25, 0xD3)

/* The type set of a ks_property_description: its id is a KS_VT_* value. */
#define KSPROPTYPESETID_GENERAL KS_GUID_INIT(0x97E99BA0, 0xBDEA, 0x11CF, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)

#define KSNAME_PIN KS_GUID_INIT(0x146F1A80, 0x4791, 0x11D0, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)
#define KSNAME_CLOCK KS_GUID_INIT(0x53172480, 0x4791, 0x11D0, \
	0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00)

#define KSCATEGORY_AUDIO KS_GUID_INIT(0x6994AD04, 0x93EF, 0x11D0, \
	0xA3, 0xCC, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSCATEGORY_CAPTURE KS_GUID_INIT(0x65E8773D, 0x8F56, 0x11D0, \
	0xA3, 0xB9, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSCATEGORY_RENDER KS_GUID_INIT(0x65E8773E, 0x8F56, 0x11D0, \
	0xA3, 0xB9, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSCATEGORY_TOPOLOGY KS_GUID_INIT(0xDDA54A40, 0x1E4C, 0x11D1, \
	0xA0, 0x50, 0x40, 0x57, 0x05, 0xC1, 0x00, 0x00)

/* Topology node types (KSPROPERTY_TOPOLOGY_NODES). */
#define KSNODETYPE_DAC KS_GUID_INIT(0x507AE360, 0xC554, 0x11D0, \
	0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1)
#define KSNODETYPE_ADC KS_GUID_INIT(0x4D837FE0, 0xC555, 0x11D0, \
	0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1)
#define KSNODETYPE_MUX KS_GUID_INIT(0x2CEAF780, 0xC556, 0x11D0, \
	0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1)
#define KSNODETYPE_SUM KS_GUID_INIT(0xDA441A60, 0xC556, 0x11D0, \
	0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1)
#define KSNODETYPE_MUTE KS_GUID_INIT(0x02B223C0, 0xC557, 0x11D0, \
	0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1)
#define KSNODETYPE_VOLUME KS_GUID_INIT(0x3A5ACC00, 0xC557, 0x11D0, \
	0x8A, 0x2B, 0x00, 0xA0, 0xC9, 0x25, 0x5A, 0xC1)

/* Connector categories of bridge pins (KSPROPERTY_PIN_CATEGORY). */
#define KSNODETYPE_MICROPHONE KS_GUID_INIT(0xDFF21BE1, 0xF70F, 0x11D0, \
	0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSNODETYPE_SPEAKER KS_GUID_INIT(0xDFF21CE1, 0xF70F, 0x11D0, \
	0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSNODETYPE_HEADPHONES KS_GUID_INIT(0xDFF21CE2, 0xF70F, 0x11D0, \
	0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSNODETYPE_LINE_CONNECTOR KS_GUID_INIT(0xDFF21FE3, 0xF70F, 0x11D0, \
	0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)
#define KSNODETYPE_LEGACY_AUDIO_CONNECTOR KS_GUID_INIT(0xDFF21FE4, 0xF70F, 0x11D0, \
	0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96)

/* ---- enumerations and flags ---- */

#define KSPIN_DATAFLOW_IN		1
#define KSPIN_DATAFLOW_OUT		2

#define KSPIN_COMMUNICATION_NONE	0
#define KSPIN_COMMUNICATION_SINK	1
#define KSPIN_COMMUNICATION_SOURCE	2
#define KSPIN_COMMUNICATION_BOTH	3
#define KSPIN_COMMUNICATION_BRIDGE	4

#define KSSTATE_STOP			0
#define KSSTATE_ACQUIRE			1
#define KSSTATE_PAUSE			2
#define KSSTATE_RUN			3

#define KSPROPERTY_TYPE_GET		0x00000001
#define KSPROPERTY_TYPE_SET		0x00000002
#define KSPROPERTY_TYPE_SETSUPPORT	0x00000100
#define KSPROPERTY_TYPE_BASICSUPPORT	0x00000200
/* ORed with the above: the request is a ks_p_node for one node. */
#define KSPROPERTY_TYPE_TOPOLOGY	0x10000000

#define KSPROPERTY_PIN_CINSTANCES		0
#define KSPROPERTY_PIN_CTYPES			1
#define KSPROPERTY_PIN_DATAFLOW			2
#define KSPROPERTY_PIN_DATARANGES		3
#define KSPROPERTY_PIN_DATAINTERSECTION		4
#define KSPROPERTY_PIN_INTERFACES		5
#define KSPROPERTY_PIN_MEDIUMS			6
#define KSPROPERTY_PIN_COMMUNICATION		7
#define KSPROPERTY_PIN_GLOBALCINSTANCES		8
#define KSPROPERTY_PIN_NECESSARYINSTANCES	9
#define KSPROPERTY_PIN_PHYSICALCONNECTION	10
#define KSPROPERTY_PIN_CATEGORY			11
#define KSPROPERTY_PIN_NAME			12
#define KSPROPERTY_PIN_CONSTRAINEDDATARANGES	13
#define KSPROPERTY_PIN_PROPOSEDATAFORMAT	14

#define KSPROPERTY_CONNECTION_STATE		0
#define KSPROPERTY_CONNECTION_PRIORITY		1
#define KSPROPERTY_CONNECTION_DATAFORMAT	2
#define KSPROPERTY_CONNECTION_ALLOCATORFRAMING	3

#define KSPROPERTY_GENERAL_COMPONENTID		0
#define KSPROPERTY_TOPOLOGY_CATEGORIES		0
#define KSPROPERTY_TOPOLOGY_NODES		1
#define KSPROPERTY_TOPOLOGY_CONNECTIONS		2
#define KSPROPERTY_TOPOLOGY_NAME		3

/* ks_topology_connection's node of a filter's own pin. */
#define KSFILTER_NODE			0xFFFFFFFF

#define KSPROPERTY_AUDIO_CHANNEL_CONFIG		3	/* ks_audio_channel_config */
#define KSPROPERTY_AUDIO_VOLUMELEVEL		4	/* per channel: __s32, 1/65536 dB */
#define KSPROPERTY_AUDIO_POSITION		5	/* ks_audio_position */
#define KSPROPERTY_AUDIO_MUX_SOURCE		12	/* __u32: the MUX's input pin */
#define KSPROPERTY_AUDIO_MUTE			13	/* per channel: BOOL, __u32 */

/* VARENUM types of KSPROPTYPESETID_GENERAL (Windows' VT_*). */
#define KS_VT_I4			3
#define KS_VT_BOOL			11
#define KS_VT_UI4			19

#define KSPROPERTY_MEMBER_RANGES		1
#define KSPROPERTY_MEMBER_STEPPEDRANGES		2
#define KSPROPERTY_MEMBER_VALUES		3

#define KSPROPERTY_MEMBER_FLAG_DEFAULT			0x00000001
#define KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL	0x00000002
#define KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_UNIFORM	0x00000004

#define KSPROPERTY_CLOCK_TIME			0
#define KSPROPERTY_CLOCK_PHYSICALTIME		1
#define KSPROPERTY_CLOCK_CORRELATEDTIME		2
#define KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME	3
#define KSPROPERTY_CLOCK_RESOLUTION		4
#define KSPROPERTY_CLOCK_STATE			5

#define KSEVENTF_EVENT_HANDLE		0x00000001
#define KSEVENTF_SEMAPHORE_HANDLE	0x00000002

#define KSEVENT_TYPE_ENABLE		0x00000001
#define KSEVENT_TYPE_ONESHOT		0x00000002
#define KSEVENT_TYPE_ENABLEBUFFERED	0x00000004
#define KSEVENT_TYPE_SETSUPPORT		0x00000100
#define KSEVENT_TYPE_BASICSUPPORT	0x00000200
#define KSEVENT_TYPE_QUERYBUFFER	0x00000400
#define KSEVENT_TYPE_TOPOLOGY		0x10000000

#define KSEVENT_CONNECTION_POSITIONUPDATE	0
#define KSEVENT_CONNECTION_DATADISCONTINUITY	1
#define KSEVENT_CONNECTION_TIMEDISCONTINUITY	2
#define KSEVENT_CONNECTION_PRIORITY		3
#define KSEVENT_CONNECTION_ENDOFSTREAM		4

#define KSEVENT_LOOPEDSTREAMING_POSITION	0

#define KSEVENT_CLOCK_INTERVAL_MARK		0
#define KSEVENT_CLOCK_POSITION_MARK		1

/* KSEVENTSETID_AudioControlChange: a node's control changed value. */
#define KSEVENT_CONTROL_CHANGE			0

#define KSPRIORITY_LOW			0x00000001
#define KSPRIORITY_NORMAL		0x40000000
#define KSPRIORITY_HIGH			0x80000000
#define KSPRIORITY_EXCLUSIVE		0xFFFFFFFF

#define KSDATAFORMAT_TEMPORAL_COMPRESSION	0x00000001
#define KSDATAFORMAT_ATTRIBUTES			0x00000002
#define KSDATARANGE_ATTRIBUTES			KSDATAFORMAT_ATTRIBUTES
#define KSDATARANGE_REQUIRED_ATTRIBUTES		0x00000004
#define KSATTRIBUTE_REQUIRED			0x00000001

#define KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY	0x00000004
#define KSSTREAM_HEADER_OPTIONSF_TIMEVALID		0x00000010
#define KSSTREAM_HEADER_OPTIONSF_DURATIONVALID		0x00000100
#define KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM		0x00000200

#define KS_GENERIC_READ			0x80000000
#define KS_GENERIC_WRITE		0x40000000

#define KS_WAVE_FORMAT_PCM		0x0001
#define KS_WAVE_FORMAT_IEEE_FLOAT	0x0003
#define KS_WAVE_FORMAT_EXTENSIBLE	0xFFFE

#define KSRESET_BEGIN			0
#define KSRESET_END			1

/* Possible-instances value of a pin type without a limit. */
#define KS_INSTANCES_UNLIMITED		0xFFFFFFFF

/* ---- ioctls ---- */

/* Which check refused a pin creation; new codes are only ever appended. */
enum {
	KS_REASON_NONE		= 0,
	KS_REASON_REQUEST	= 1,
	KS_REASON_CONNECT_SIZE	= 2,
	KS_REASON_ACCESS	= 3,
	KS_REASON_PIN_ID	= 4,
	KS_REASON_FILTER_ACCESS	= 5,
	KS_REASON_COMMUNICATION	= 6,
	KS_REASON_INTERFACE	= 7,
	KS_REASON_MEDIUM	= 8,
	KS_REASON_FORMAT_SIZE	= 9,
	KS_REASON_FORMAT	= 10,
	KS_REASON_INSTANCES	= 11,
	KS_REASON_PEER		= 12,
	KS_REASON_GONE		= 13
};

/* Bounds of ks_create_pin.connect_size. */
#define KS_CONNECT_SIZE_MIN	(72 + 64)
#define KS_CONNECT_SIZE_MAX	65536

/* KsCreatePin: returns the new pin fd. */
struct ks_create_pin {
	__u64 connect;		/* user pointer: ks_pin_connect, ks_dataformat, format bytes */
	__u32 connect_size;	/* bytes at .connect */
	__u32 desired_access;	/* KS_GENERIC_READ and/or KS_GENERIC_WRITE */
	__u32 flags;		/* O_CLOEXEC | O_NONBLOCK */
	__u32 reason;		/* out: KS_REASON_* */
};

/* DeviceIoControl's buffers. */
struct ks_ioctl_buffers {
	__u64 in;
	__u64 out;
	__u32 in_size;
	__u32 out_size;
	__u32 returned;		/* out: bytes written, or needed on EOVERFLOW */
	__u32 reserved;		/* must be 0 */
};

#define KS_IOCTL_MAGIC		0xB8
#define KS_IOCTL_CREATE_PIN	_IOWR(KS_IOCTL_MAGIC, 0x01, struct ks_create_pin)
#define KS_IOCTL_PROPERTY	_IOWR(KS_IOCTL_MAGIC, 0x02, struct ks_ioctl_buffers)
/* 0x03 is kept for METHOD. */
#define KS_IOCTL_ENABLE_EVENT	_IOWR(KS_IOCTL_MAGIC, 0x04, struct ks_ioctl_buffers)
#define KS_IOCTL_DISABLE_EVENT	_IOWR(KS_IOCTL_MAGIC, 0x05, struct ks_ioctl_buffers)
#define KS_IOCTL_WRITE_STREAM	_IOWR(KS_IOCTL_MAGIC, 0x06, struct ks_ioctl_buffers)
#define KS_IOCTL_READ_STREAM	_IOWR(KS_IOCTL_MAGIC, 0x07, struct ks_ioctl_buffers)
#define KS_IOCTL_RESET_STATE	_IOW(KS_IOCTL_MAGIC, 0x08, __u32)
#define KS_IOCTL_VERSION	_IOR(KS_IOCTL_MAGIC, 0x09, struct ks_version)
#define KS_IOCTL_CREATE_CLOCK	_IOW(KS_IOCTL_MAGIC, 0x0A, struct ks_create_clock)

/*
 * KS_IOCTL_VERSION, on a filter fd (a pin fd: ENOTTY; an unregistered
 * filter: ENODEV): the ABI the module speaks and what it offers.
 *
 * abi_major changes when an existing layout, number or meaning changes: a
 * client built for another major must not trust the module.  abi_minor
 * grows when something is only added (an ioctl, a property, a feature bit,
 * a reason code); a client works with any module whose minor is at least
 * the one it was built with.  features has a KS_FEATURE_* bit for each
 * part of the ABI the module implements; bits it does not know are 0.
 * module_version is the module's version ("0.1.0", as in
 * /sys/module/ksfilter/version), NUL-terminated, zero-filled to the end.
 * Every byte of the structure is written.
 */
#define KS_ABI_MAJOR	1
#define KS_ABI_MINOR	4

#define KS_FEATURE_PROPERTIES		0x01ULL	/* KS_IOCTL_PROPERTY (SPEC 6) */
#define KS_FEATURE_STREAMING		0x02ULL	/* read/write/poll, RESET_STATE */
#define KS_FEATURE_LOOPED_STREAMING	0x04ULL	/* LOOPED_STREAMING pins: mmap, POSITION */
#define KS_FEATURE_STREAM_HEADERS	0x08ULL	/* KS_IOCTL_WRITE/READ_STREAM */
#define KS_FEATURE_INTERFACE_TABLE	0x10ULL	/* ks_query_interface() and friends */
#define KS_FEATURE_PIN_TO_HANDLE	0x20ULL	/* PinToHandle (docs/graphs.md) */
#define KS_FEATURE_EVENTS		0x40ULL	/* KS_IOCTL_ENABLE/DISABLE_EVENT */
#define KS_FEATURE_CLOCKS		0x80ULL	/* KS_IOCTL_CREATE_CLOCK */
#define KS_FEATURE_WAVERT		0x100ULL /* KSPROPSETID_RtAudio */

#define KS_VERSION_STRING_SIZE	32

struct ks_version {
	__u32 abi_major;	/* KS_ABI_MAJOR */
	__u32 abi_minor;	/* KS_ABI_MINOR */
	__u64 features;		/* KS_FEATURE_* */
	char module_version[KS_VERSION_STRING_SIZE];
};

/*
 * Streaming ioctls (SPEC 7).  ks_ioctl_buffers.in is an array of
 * ks_stream_header, 56 bytes apart: in_size a nonzero multiple of 56 up to
 * KS_STREAM_HEADERS_MAX headers, each header's size at least 56.  Each
 * data points at frame_extent bytes; data_used counts whole frames.
 *
 * KS_IOCTL_WRITE_STREAM queues data_used bytes of each header in order,
 * with its time, duration and options flags; ENDOFSTREAM marks the end of
 * the stream after the header's data.  out is not used.  Returns 0 with
 * returned = 56 times the headers queued: all of them, or fewer when a
 * signal or O_NONBLOCK stopped it after at least one.
 *
 * KS_IOCTL_READ_STREAM waits for data (or EAGAIN with O_NONBLOCK), then
 * fills headers while data is queued.  A header holds at most one written
 * packet: the first piece of a packet carries its time, duration and
 * flags, later pieces carry none.  At the end of the stream a header gets
 * ENDOFSTREAM and data_used 0.  The filled headers (data_used, times and
 * flags; size, frame_extent and data as given) are written back in place
 * to in when out_size is 0, else to out, which must then be as large as
 * in (EOVERFLOW and returned = in_size otherwise): returned = 56 times the
 * headers filled.
 */
#define KS_STREAM_HEADERS_MAX	256

/*
 * ksfilter's property set on pin fds, in the spirit of Windows'
 * KSPROPERTY_AUDIO_POSITION:
 *
 * POSITION (GET, SET): struct ks_audio_position.  Both offsets are running
 * byte counts of the pin's buffer since the pin left KSSTATE_STOP;
 * offset % ks_stream_buffer.size is the place in the cyclic buffer.
 * write_offset counts bytes put into the buffer, play_offset bytes taken
 * out.  A SET moves the client's own offset on a LOOPED_STREAMING pin in
 * PAUSE or RUN: write_offset on a dataflow IN pin (bytes the client wrote
 * into its mapping), play_offset on a dataflow OUT pin (bytes it has read
 * from its mapping); the other field is ignored.  Whole frames, forward
 * only, never beyond the other offset or the buffer's size: EINVAL.
 *
 * BUFFER (GET): struct ks_stream_buffer: the cyclic buffer's size (a
 * multiple of frame_size), the frame size, and how many bytes mmap(2) maps
 * (page aligned; 0 for a STREAMING pin, which cannot be mapped).
 * BUFFER (SET, ABI 1.1): the buffer's size, from the value's size field
 * (the rest is ignored), for a STREAMING pin that has not left KSSTATE_STOP
 * yet, whose buffer is allocated then and kept: 64 KiB to 4 MiB (EINVAL),
 * rounded up to a page and down to whole frames.  EBUSY once the pin has
 * left STOP, EOPNOTSUPP on a LOOPED_STREAMING pin (its buffer exists, and
 * may be mapped, from its creation).  Deep queues let a chain's filters
 * work in long runs; the default is 100 ms of audio, at least 64 KiB.
 */
#define KSPROPSETID_KSFILTER_STREAM KS_GUID_INIT(0x004776FC, 0x883E, 0x426C, \
	0xA0, 0x95, 0xB9, 0xCB, 0x29, 0xDE, 0x74, 0x83)
#define KSPROPERTY_KSFILTER_STREAM_POSITION	0
#define KSPROPERTY_KSFILTER_STREAM_BUFFER	1

/* KSAUDIO_POSITION */
struct ks_audio_position {
	__u64 play_offset;
	__u64 write_offset;
};

struct ks_stream_buffer {
	__u32 size;		/* bytes of the cyclic buffer */
	__u32 frame_size;	/* bytes of a frame (block_align for audio) */
	__u32 map_size;		/* bytes mmap(2) maps; 0 when not mappable */
	__u32 reserved;		/* zero */
};

/*
 * WaveRT (ABI 1.4): KSPROPSETID_RtAudio on the LOOPED_STREAMING pins of
 * providers that offer it (KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT
 * answers 1; elsewhere the set's GETs fail with EOPNOTSUPP).  Windows'
 * layouts (x64); a pointer is a __u64 user address, the event handle an
 * eventfd.  docs/abi.md, "WaveRT", has the rules.
 *
 * BUFFER and BUFFER_WITH_NOTIFICATION (GET, in STOP) put the pin in WaveRT
 * mode and map its cyclic buffer into the caller, read-write, shared: the
 * value is the mapping's address, the buffer's bytes (requested_buffer_size
 * rounded down to whole frames, within the pin's allocation) and
 * call_memory_barrier 0.  From then on the device plays the buffer round
 * and round (IN) or records into it round and round (OUT) without waiting
 * for the client, as DMA does.  notification_count (1 or 2) is how often a
 * cycle signals the registered events: at its end, and with 2 also at its
 * middle.
 *
 * POSITIONREGISTER and CLOCKREGISTER (GET) map the pin's register page,
 * struct ks_rtaudio_registers, read-only into the caller and point at its
 * position (width 32) or clock (width 64) field.  HWLATENCY (GET):
 * struct ks_rtaudio_hwlatency, the provider's.  REGISTER_ and
 * UNREGISTER_NOTIFICATION_EVENT (GET, no value): add or remove an eventfd.
 * QUERY_NOTIFICATION_SUPPORT (GET): a __u32 BOOL.  GETPOSITIONFUNCTION (a
 * kernel function pointer on Windows) is not offered.
 */
#define KSPROPSETID_RTAUDIO KS_GUID_INIT(0xA855A48C, 0x2F78, 0x4729, \
	0x90, 0x51, 0x19, 0x68, 0x74, 0x6B, 0x9E, 0xEF)
#define KSPROPERTY_RTAUDIO_GETPOSITIONFUNCTION			0
#define KSPROPERTY_RTAUDIO_BUFFER				1
#define KSPROPERTY_RTAUDIO_HWLATENCY				2
#define KSPROPERTY_RTAUDIO_POSITIONREGISTER			3
#define KSPROPERTY_RTAUDIO_CLOCKREGISTER			4
#define KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION		5
#define KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT		6
#define KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT	7
#define KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT		8

/* KSRTAUDIO_BUFFER_PROPERTY: `in` of BUFFER. */
struct ks_rtaudio_buffer_property {
	struct ks_identifier property;
	__u64 base_address;		/* a hint for the mapping, or 0 */
	__u32 requested_buffer_size;
	__u32 reserved;			/* Windows' padding: ignored */
} __attribute__((aligned(8)));

/* KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION: `in` of BUFFER_WITH_... */
struct ks_rtaudio_buffer_property_with_notification {
	struct ks_identifier property;
	__u64 base_address;
	__u32 requested_buffer_size;
	__u32 notification_count;	/* 1 or 2 */
} __attribute__((aligned(8)));

/* KSRTAUDIO_BUFFER: the value of both. */
struct ks_rtaudio_buffer {
	__u64 buffer_address;
	__u32 actual_buffer_size;
	__u32 call_memory_barrier;	/* BOOL */
} __attribute__((aligned(8)));

/* KSRTAUDIO_HWREGISTER_PROPERTY: `in` of POSITION/CLOCKREGISTER. */
struct ks_rtaudio_hwregister_property {
	struct ks_identifier property;
	__u64 base_address;		/* a hint for the mapping, or 0 */
} __attribute__((aligned(8)));

/* KSRTAUDIO_HWREGISTER: their value. */
struct ks_rtaudio_hwregister {
	__u64 reg;			/* Register: the field's address */
	__u32 width;			/* bits: 32 or 64 */
	__u32 reserved;			/* Windows' padding: zero */
	__u64 numerator;		/* the clock's frequency is */
	__u64 denominator;		/* numerator / denominator Hz */
	__u32 accuracy;			/* bytes (position) or ticks (clock) */
	__u32 reserved2;		/* Windows' padding: zero */
} __attribute__((aligned(8)));

/* KSRTAUDIO_HWLATENCY: the value of HWLATENCY. */
struct ks_rtaudio_hwlatency {
	__u32 fifo_size;		/* bytes the device holds ahead */
	__u32 chipset_delay;		/* 100 ns units */
	__u32 codec_delay;		/* 100 ns units */
};

/* KSRTAUDIO_NOTIFICATION_EVENT_PROPERTY: `in` of (UN)REGISTER_... */
struct ks_rtaudio_notification_event_property {
	struct ks_identifier property;
	__u64 notification_event;	/* an eventfd of the caller */
} __attribute__((aligned(8)));

/*
 * The register page, at this mmap(2) offset of a LOOPED_STREAMING pin fd
 * (read-only; POSITIONREGISTER and CLOCKREGISTER map it for the caller).
 * Written each time the device position moves: position is the device's
 * byte offset in the cyclic buffer (the play position of an IN pin, the
 * record position of an OUT pin), bytes the running count it comes from,
 * and clock the CLOCK_MONOTONIC time of that moment in 100 ns units (the
 * clock register, 10 MHz: KSPROPERTY_CLOCK_PHYSICALTIME's time base).
 * sequence is odd while they are written: a reader that wants the three
 * from one moment reads sequence, the fields, and sequence again, and
 * retries while it was odd or changed.
 */
#define KS_RTAUDIO_REGISTERS_OFFSET	0x40000000ULL

struct ks_rtaudio_registers {
	__u32 position;
	__u32 sequence;
	__u64 clock;
	__u64 bytes;
} __attribute__((aligned(8)));

/*
 * KSPIN_PHYSICALCONNECTION: the value of KSPROPERTY_PIN_PHYSICALCONNECTION,
 * for a pin whose filter declares a fixed physical peer.  size is the
 * bytes of the whole value, 8 + the name's UTF-16LE code units (its NUL
 * included) times 2; pin is the peer's pin id; symbolic_link_name is the
 * name the peer's filter registered (/sys/class/ksfilter/ksfilterN/name).
 */
struct ks_pin_physicalconnection {
	__u32 size;
	__u32 pin;
	__u16 symbolic_link_name[1];	/* NUL-terminated, size - 8 bytes */
};

/* ---- frozen layout ---- */

#if defined(__cplusplus) && __cplusplus >= 201103L
#define __KS_ABI_ASSERT(expr) static_assert(expr, #expr)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define __KS_ABI_ASSERT(expr) _Static_assert(expr, #expr)
#else
/* C99 and C++98 have no static assertion: a negative array size fails. */
#define __KS_ABI_CAT2(a, b) a##b
#define __KS_ABI_CAT(a, b) __KS_ABI_CAT2(a, b)
#define __KS_ABI_ASSERT(expr) \
	typedef char __KS_ABI_CAT(__ks_abi_check_, __LINE__)[(expr) ? 1 : -1]
#endif
#define __KS_ABI_SIZE(type, size) __KS_ABI_ASSERT(sizeof(struct type) == (size))
#define __KS_ABI_OFF(type, member, off) \
	__KS_ABI_ASSERT(__builtin_offsetof(struct type, member) == (off))

__KS_ABI_SIZE(ks_guid, 16);
__KS_ABI_SIZE(ks_identifier, 24);
__KS_ABI_ASSERT(__alignof__(struct ks_identifier) == 8);
__KS_ABI_OFF(ks_identifier, id, 16);
__KS_ABI_OFF(ks_identifier, flags, 20);
__KS_ABI_SIZE(ks_priority, 8);
__KS_ABI_SIZE(ks_pin_connect, 72);
__KS_ABI_OFF(ks_pin_connect, medium, 24);
__KS_ABI_OFF(ks_pin_connect, pin_id, 48);
__KS_ABI_OFF(ks_pin_connect, padding, 52);
__KS_ABI_OFF(ks_pin_connect, pin_to_handle, 56);
__KS_ABI_OFF(ks_pin_connect, priority, 64);
__KS_ABI_SIZE(ks_dataformat, 64);
__KS_ABI_ASSERT(__alignof__(struct ks_dataformat) == 8);
__KS_ABI_OFF(ks_dataformat, sample_size, 8);
__KS_ABI_OFF(ks_dataformat, major_format, 16);
__KS_ABI_OFF(ks_dataformat, sub_format, 32);
__KS_ABI_OFF(ks_dataformat, specifier, 48);
__KS_ABI_SIZE(ks_waveformatex, 18);
__KS_ABI_OFF(ks_waveformatex, samples_per_sec, 4);
__KS_ABI_OFF(ks_waveformatex, block_align, 12);
__KS_ABI_OFF(ks_waveformatex, cb_size, 16);
__KS_ABI_SIZE(ks_waveformatextensible, 40);
__KS_ABI_OFF(ks_waveformatextensible, valid_bits_per_sample, 18);
__KS_ABI_OFF(ks_waveformatextensible, channel_mask, 20);
__KS_ABI_OFF(ks_waveformatextensible, sub_format, 24);
__KS_ABI_SIZE(ks_dataformat_waveformatex, 82);
__KS_ABI_OFF(ks_dataformat_waveformatex, wave_format, 64);
__KS_ABI_SIZE(ks_dataformat_waveformatextensible, 104);
__KS_ABI_SIZE(ks_datarange_audio, 88);
__KS_ABI_OFF(ks_datarange_audio, maximum_channels, 64);
__KS_ABI_OFF(ks_datarange_audio, minimum_bits_per_sample, 68);
__KS_ABI_OFF(ks_datarange_audio, maximum_bits_per_sample, 72);
__KS_ABI_OFF(ks_datarange_audio, minimum_sample_frequency, 76);
__KS_ABI_OFF(ks_datarange_audio, maximum_sample_frequency, 80);
__KS_ABI_SIZE(ks_p_pin, 32);
__KS_ABI_OFF(ks_p_pin, pin_id, 24);
__KS_ABI_SIZE(ks_multiple_item, 8);
__KS_ABI_SIZE(ks_pin_cinstances, 8);
__KS_ABI_SIZE(ks_attribute, 24);
__KS_ABI_OFF(ks_attribute, attribute, 8);
__KS_ABI_SIZE(ks_allocator_framing, 24);
__KS_ABI_OFF(ks_allocator_framing, file_alignment, 16);
__KS_ABI_SIZE(ks_componentid, 72);
__KS_ABI_OFF(ks_componentid, version, 64);
__KS_ABI_SIZE(ks_time, 16);
__KS_ABI_SIZE(ks_stream_header, 56);
__KS_ABI_OFF(ks_stream_header, presentation_time, 8);
__KS_ABI_OFF(ks_stream_header, duration, 24);
__KS_ABI_OFF(ks_stream_header, frame_extent, 32);
__KS_ABI_OFF(ks_stream_header, data_used, 36);
__KS_ABI_OFF(ks_stream_header, data, 40);
__KS_ABI_OFF(ks_stream_header, options_flags, 48);
__KS_ABI_SIZE(ks_topology_connection, 16);
__KS_ABI_OFF(ks_topology_connection, from_node_pin, 4);
__KS_ABI_OFF(ks_topology_connection, to_node, 8);
__KS_ABI_OFF(ks_topology_connection, to_node_pin, 12);
__KS_ABI_SIZE(ks_p_node, 32);
__KS_ABI_ASSERT(__alignof__(struct ks_p_node) == 8);
__KS_ABI_OFF(ks_p_node, node_id, 24);
__KS_ABI_OFF(ks_p_node, reserved, 28);
__KS_ABI_SIZE(ks_node_property_audio_channel, 40);
__KS_ABI_OFF(ks_node_property_audio_channel, channel, 32);
__KS_ABI_OFF(ks_node_property_audio_channel, reserved, 36);
__KS_ABI_SIZE(ks_audio_channel_config, 4);
__KS_ABI_SIZE(ks_property_description, 40);
__KS_ABI_ASSERT(__alignof__(struct ks_property_description) == 8);
__KS_ABI_OFF(ks_property_description, description_size, 4);
__KS_ABI_OFF(ks_property_description, prop_type_set, 8);
__KS_ABI_OFF(ks_property_description, members_list_count, 32);
__KS_ABI_OFF(ks_property_description, reserved, 36);
__KS_ABI_SIZE(ks_property_membersheader, 16);
__KS_ABI_OFF(ks_property_membersheader, members_size, 4);
__KS_ABI_OFF(ks_property_membersheader, members_count, 8);
__KS_ABI_OFF(ks_property_membersheader, flags, 12);
__KS_ABI_SIZE(ks_property_bounds_long, 8);
__KS_ABI_OFF(ks_property_bounds_long, signed_maximum, 4);
__KS_ABI_SIZE(ks_property_stepping_long, 16);
__KS_ABI_OFF(ks_property_stepping_long, bounds, 8);
__KS_ABI_SIZE(ks_event_data, 32);
__KS_ABI_ASSERT(__alignof__(struct ks_event_data) == 8);
__KS_ABI_OFF(ks_event_data, handle, 8);
__KS_ABI_OFF(ks_event_data, semaphore_reserved, 16);
__KS_ABI_OFF(ks_event_data, adjustment, 20);
__KS_ABI_OFF(ks_event_data, reserved, 24);
__KS_ABI_SIZE(ks_loopedstreaming_position_event_data, 40);
__KS_ABI_OFF(ks_loopedstreaming_position_event_data, position, 32);
__KS_ABI_SIZE(ks_event_node, 32);
__KS_ABI_ASSERT(__alignof__(struct ks_event_node) == 8);
__KS_ABI_OFF(ks_event_node, node_id, 24);
__KS_ABI_OFF(ks_event_node, reserved, 28);
__KS_ABI_SIZE(ks_clock_create, 4);
__KS_ABI_SIZE(ks_create_clock, 8);
__KS_ABI_SIZE(ks_event_time_mark, 40);
__KS_ABI_OFF(ks_event_time_mark, mark_time, 32);
__KS_ABI_SIZE(ks_event_time_interval, 48);
__KS_ABI_OFF(ks_event_time_interval, time_base, 32);
__KS_ABI_OFF(ks_event_time_interval, interval, 40);
__KS_ABI_SIZE(ks_correlated_time, 16);
__KS_ABI_OFF(ks_correlated_time, system_time, 8);
__KS_ABI_SIZE(ks_resolution, 16);
__KS_ABI_OFF(ks_resolution, error, 8);
__KS_ABI_SIZE(ks_audio_position, 16);
__KS_ABI_OFF(ks_audio_position, write_offset, 8);
__KS_ABI_SIZE(ks_stream_buffer, 16);
__KS_ABI_OFF(ks_stream_buffer, map_size, 8);
__KS_ABI_SIZE(ks_rtaudio_buffer_property, 40);
__KS_ABI_OFF(ks_rtaudio_buffer_property, base_address, 24);
__KS_ABI_OFF(ks_rtaudio_buffer_property, requested_buffer_size, 32);
__KS_ABI_SIZE(ks_rtaudio_buffer_property_with_notification, 40);
__KS_ABI_OFF(ks_rtaudio_buffer_property_with_notification, base_address, 24);
__KS_ABI_OFF(ks_rtaudio_buffer_property_with_notification,
	     requested_buffer_size, 32);
__KS_ABI_OFF(ks_rtaudio_buffer_property_with_notification,
	     notification_count, 36);
__KS_ABI_SIZE(ks_rtaudio_buffer, 16);
__KS_ABI_OFF(ks_rtaudio_buffer, actual_buffer_size, 8);
__KS_ABI_OFF(ks_rtaudio_buffer, call_memory_barrier, 12);
__KS_ABI_SIZE(ks_rtaudio_hwregister_property, 32);
__KS_ABI_OFF(ks_rtaudio_hwregister_property, base_address, 24);
__KS_ABI_SIZE(ks_rtaudio_hwregister, 40);
__KS_ABI_OFF(ks_rtaudio_hwregister, width, 8);
__KS_ABI_OFF(ks_rtaudio_hwregister, numerator, 16);
__KS_ABI_OFF(ks_rtaudio_hwregister, denominator, 24);
__KS_ABI_OFF(ks_rtaudio_hwregister, accuracy, 32);
__KS_ABI_SIZE(ks_rtaudio_hwlatency, 12);
__KS_ABI_OFF(ks_rtaudio_hwlatency, chipset_delay, 4);
__KS_ABI_OFF(ks_rtaudio_hwlatency, codec_delay, 8);
__KS_ABI_SIZE(ks_rtaudio_notification_event_property, 32);
__KS_ABI_OFF(ks_rtaudio_notification_event_property, notification_event, 24);
__KS_ABI_SIZE(ks_rtaudio_registers, 24);
__KS_ABI_OFF(ks_rtaudio_registers, sequence, 4);
__KS_ABI_OFF(ks_rtaudio_registers, clock, 8);
__KS_ABI_OFF(ks_rtaudio_registers, bytes, 16);
__KS_ABI_SIZE(ks_pin_physicalconnection, 12);
__KS_ABI_OFF(ks_pin_physicalconnection, symbolic_link_name, 8);
__KS_ABI_SIZE(ks_create_pin, 24);
__KS_ABI_SIZE(ks_ioctl_buffers, 32);
__KS_ABI_SIZE(ks_version, 48);
__KS_ABI_OFF(ks_version, abi_minor, 4);
__KS_ABI_OFF(ks_version, features, 8);
__KS_ABI_OFF(ks_version, module_version, 16);

#undef __KS_ABI_OFF
#undef __KS_ABI_SIZE
#undef __KS_ABI_ASSERT
#undef __KS_ABI_CAT
#undef __KS_ABI_CAT2

#endif /* _UAPI_LINUX_KS_H */
