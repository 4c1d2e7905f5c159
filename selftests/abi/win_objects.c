// SPDX-License-Identifier: GPL-2.0
/*
 * The Windows side of the byte-identity test, compiled by mingw-w64 with the
 * Windows SDK headers.  It is never run: every object lives in its own
 * section (.k_<name>) and the Makefile extracts the bytes with objcopy.
 * Sections are padded to their alignment; the host side compares the first
 * sizeof bytes and requires the padding to be zero.
 */
#include <windows.h>
#include <mmreg.h>
#include <ks.h>
#include <ksmedia.h>
#include <stddef.h>

/* The SDK has no such type in mingw: compose it, packed like its sibling. */
#pragma pack(push, 1)
typedef struct {
	KSDATAFORMAT DataFormat;
	WAVEFORMATEXTENSIBLE WaveFormatExt;
} win_dataformat_waveformatextensible;

/* KsCreatePin's create parameters: KSPIN_CONNECT, then the format. */
typedef struct {
	KSPIN_CONNECT Connect;
	KSDATAFORMAT_WAVEFORMATEX Format;
} win_connect_request;

typedef struct {
	KSMULTIPLE_ITEM Header;
	KSATTRIBUTE Item[2];
} win_attribute_list;
#pragma pack(pop)

/* KSPROPERTY_TOPOLOGY_CONNECTIONS' value. */
typedef struct {
	KSMULTIPLE_ITEM Header;
	KSTOPOLOGY_CONNECTION Connection[2];
} win_topology_connections;

/* A BASICSUPPORT answer with one stepped range, natural alignment. */
typedef struct {
	KSPROPERTY_DESCRIPTION Description;
	KSPROPERTY_MEMBERSHEADER MembersHeader;
	KSPROPERTY_STEPPING_LONG SteppedRange;
} win_stepped_description;

/* The enable request of a looped-streaming position event. */
typedef struct {
	KSEVENT Event;
	LOOPEDSTREAMING_POSITION_EVENT_DATA Data;
} win_position_event;

/* The enable request of an event without data of its own. */
typedef struct {
	KSEVENT Event;
	KSEVENTDATA Data;
} win_plain_event;

#include "abi_list.h"

#define OBJ(name) __attribute__((section(".k_" #name), used)) const

#define WIN_VALUE(name, win, host) (unsigned int)(win),
OBJ(lay) unsigned int layout[] = { KS_ABI_LAYOUT(WIN_VALUE) };
OBJ(vals) unsigned int values[] = { KS_ABI_VALUES(WIN_VALUE) };

#define WIN_GUID(name, win, host) { win },
OBJ(guids) GUID guids[] = { KS_ABI_GUIDS(WIN_GUID) };

#define GUID_OF(x) { STATIC_##x }

#define PCM_48K_STEREO_16 {						\
	.DataFormat = {							\
		.FormatSize = sizeof(KSDATAFORMAT_WAVEFORMATEX),	\
		.SampleSize = 4,					\
		.MajorFormat = GUID_OF(KSDATAFORMAT_TYPE_AUDIO),	\
		.SubFormat = GUID_OF(KSDATAFORMAT_SUBTYPE_PCM),		\
		.Specifier = GUID_OF(KSDATAFORMAT_SPECIFIER_WAVEFORMATEX), \
	},								\
	.WaveFormatEx = {						\
		.wFormatTag = WAVE_FORMAT_PCM,				\
		.nChannels = 2,						\
		.nSamplesPerSec = 48000,				\
		.nAvgBytesPerSec = 48000 * 4,				\
		.nBlockAlign = 4,					\
		.wBitsPerSample = 16,					\
		.cbSize = 0,						\
	},								\
}

OBJ(wfx) KSDATAFORMAT_WAVEFORMATEX wfx = PCM_48K_STEREO_16;

OBJ(wfext) win_dataformat_waveformatextensible wfext = {
	.DataFormat = {
		.FormatSize = sizeof(win_dataformat_waveformatextensible),
		.SampleSize = 24,
		.MajorFormat = GUID_OF(KSDATAFORMAT_TYPE_AUDIO),
		.SubFormat = GUID_OF(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT),
		.Specifier = GUID_OF(KSDATAFORMAT_SPECIFIER_WAVEFORMATEX),
	},
	.WaveFormatExt = {
		.Format = {
			.wFormatTag = WAVE_FORMAT_EXTENSIBLE,
			.nChannels = 6,
			.nSamplesPerSec = 48000,
			.nAvgBytesPerSec = 48000 * 24,
			.nBlockAlign = 24,
			.wBitsPerSample = 32,
			.cbSize = sizeof(WAVEFORMATEXTENSIBLE) -
				  sizeof(WAVEFORMATEX),
		},
		.Samples.wValidBitsPerSample = 32,
		.dwChannelMask = KSAUDIO_SPEAKER_5POINT1,
		.SubFormat = GUID_OF(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT),
	},
};

OBJ(range) KSDATARANGE_AUDIO range = {
	.DataRange = {
		.FormatSize = sizeof(KSDATARANGE_AUDIO),
		.MajorFormat = GUID_OF(KSDATAFORMAT_TYPE_AUDIO),
		.SubFormat = GUID_OF(KSDATAFORMAT_SUBTYPE_PCM),
		.Specifier = GUID_OF(KSDATAFORMAT_SPECIFIER_WAVEFORMATEX),
	},
	.MaximumChannels = 8,
	.MinimumBitsPerSample = 8,
	.MaximumBitsPerSample = 32,
	.MinimumSampleFrequency = 8000,
	.MaximumSampleFrequency = 384000,
};

OBJ(conn) win_connect_request conn = {
	.Connect = {
		.Interface = {
			.Set = GUID_OF(KSINTERFACESETID_Standard),
			.Id = KSINTERFACE_STANDARD_STREAMING,
		},
		.Medium = {
			.Set = GUID_OF(KSMEDIUMSETID_Standard),
			.Id = KSMEDIUM_TYPE_ANYINSTANCE,
		},
		.PinId = 1,
		.PinToHandle = (HANDLE)0x1234,
		.Priority = { KSPRIORITY_HIGH, 7 },
	},
	.Format = PCM_48K_STEREO_16,
};

OBJ(ppin) KSP_PIN ppin = {
	.Property = {
		.Set = GUID_OF(KSPROPSETID_Pin),
		.Id = KSPROPERTY_PIN_DATARANGES,
		.Flags = KSPROPERTY_TYPE_GET,
	},
	.PinId = 1,
};

OBJ(strm) KSSTREAM_HEADER strm = {
	.Size = sizeof(KSSTREAM_HEADER),
	.TypeSpecificFlags = 0x5A,
	.PresentationTime = { -1234567890123LL, 1, 10000000 },
	.Duration = 100000,
	.FrameExtent = 4096,
	.DataUsed = 2048,
	.Data = (PVOID)0x00007FFE12345678ULL,
	.OptionsFlags = KSSTREAM_HEADER_OPTIONSF_TIMEVALID |
			KSSTREAM_HEADER_OPTIONSF_DURATIONVALID,
};

OBJ(frame) KSALLOCATOR_FRAMING frame = {
	.OptionsFlags = 0x11,
	.PoolType = 1,
	.Frames = 8,
	.FrameSize = 3840,
	.FileAlignment = 7,
};

OBJ(cid) KSCOMPONENTID cid = {
	.Manufacturer = GUID_OF(KSCATEGORY_AUDIO),
	.Product = GUID_OF(KSCATEGORY_RENDER),
	.Component = GUID_OF(KSCATEGORY_CAPTURE),
	.Name = GUID_OF(KSNAME_Pin),
	.Version = 3,
	.Revision = 0x10002,
};

OBJ(attrs) win_attribute_list attrs = {
	.Header = { sizeof(win_attribute_list), 2 },
	.Item = {
		{ sizeof(KSATTRIBUTE), KSATTRIBUTE_REQUIRED,
		  GUID_OF(KSDATAFORMAT_TYPE_STREAM) },
		{ sizeof(KSATTRIBUTE), 0, GUID_OF(KSDATAFORMAT_SUBTYPE_NONE) },
	},
};

OBJ(cinst) KSPIN_CINSTANCES cinst = { 1, 0 };

/* The VOLUMELEVEL of node 2's channel 1, as a topology request. */
OBJ(vol) KSNODEPROPERTY_AUDIO_CHANNEL vol = {
	.NodeProperty = {
		.Property = {
			.Set = GUID_OF(KSPROPSETID_Audio),
			.Id = KSPROPERTY_AUDIO_VOLUMELEVEL,
			.Flags = KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
		},
		.NodeId = 2,
	},
	.Channel = 1,
};

/* Filter pin 0 into node 0 (a volume), node 0 out to filter pin 1. */
OBJ(tconn) win_topology_connections tconn = {
	.Header = { sizeof(win_topology_connections), 2 },
	.Connection = {
		{ KSFILTER_NODE, 0, 0, 1 },
		{ 0, 0, KSFILTER_NODE, 1 },
	},
};

/* VOLUMELEVEL's BASICSUPPORT: -96 dB to 0 dB by 0.5 dB, all channels. */
OBJ(desc) win_stepped_description desc = {
	.Description = {
		.AccessFlags = KSPROPERTY_TYPE_BASICSUPPORT |
			       KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET,
		.DescriptionSize = sizeof(win_stepped_description),
		.PropTypeSet = {
			.Set = GUID_OF(KSPROPTYPESETID_General),
			.Id = VT_I4,
		},
		.MembersListCount = 1,
	},
	.MembersHeader = {
		.MembersFlags = KSPROPERTY_MEMBER_STEPPEDRANGES,
		.MembersSize = sizeof(KSPROPERTY_STEPPING_LONG),
		.MembersCount = 1,
		.Flags = KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_UNIFORM,
	},
	.SteppedRange = {
		.SteppingDelta = 0x8000,
		.Bounds = {
			.SignedMinimum = -96 * 65536,
			.SignedMaximum = 0,
		},
	},
};

/* Release one count of a semaphore once 64 KiB have been played. */
OBJ(evt) win_position_event evt = {
	.Event = {
		.Set = GUID_OF(KSEVENTSETID_LoopedStreaming),
		.Id = KSEVENT_LOOPEDSTREAMING_POSITION,
		.Flags = KSEVENT_TYPE_ENABLE,
	},
	.Data = {
		.KsEventData = {
			.NotificationType = KSEVENTF_SEMAPHORE_HANDLE,
			.SemaphoreHandle = {
				.Semaphore = (HANDLE)0x5678,
				.Reserved = 0,
				.Adjustment = 1,
			},
		},
		.Position = 0x10000,
	},
};

/* Signal an event handle once, at the end of the stream. */
OBJ(evtend) win_plain_event evtend = {
	.Event = {
		.Set = GUID_OF(KSEVENTSETID_Connection),
		.Id = KSEVENT_CONNECTION_ENDOFSTREAM,
		.Flags = KSEVENT_TYPE_ONESHOT,
	},
	.Data = {
		.NotificationType = KSEVENTF_EVENT_HANDLE,
		.EventHandle.Event = (HANDLE)0x9abc,
	},
};

/* A node's event, as a topology request. */
OBJ(evtnode) KSE_NODE evtnode = {
	.Event = {
		.Set = GUID_OF(KSEVENTSETID_Connection),
		.Id = KSEVENT_CONNECTION_DATADISCONTINUITY,
		.Flags = KSEVENT_TYPE_ENABLE | KSEVENT_TYPE_TOPOLOGY,
	},
	.NodeId = 3,
};
