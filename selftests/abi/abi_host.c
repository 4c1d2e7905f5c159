// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux side of the byte-identity test: build the same requests with
 * uapi/linux/ks.h and compare them byte for byte with what mingw-w64 built
 * from the Windows SDK headers (the .k_* sections of win_objects.o, extracted
 * to <dir>/<name>.bin).  Also compares sizes, offsets, constants and GUIDs,
 * and runs the Windows-built request through the module's own checks.
 * Prints TAP; exits non-zero if anything differs.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ks.h>

#include "abi_list.h"
#include "connect.h"

static const char *dir;
static unsigned int test_no, failed;

static void result(int ok, const char *fmt, const char *name)
{
	printf("%sok %u - ", ok ? "" : "not ", ++test_no);
	printf(fmt, name);
	printf("\n");
	if (!ok)
		failed++;
}

/* The bytes of section .k_<name>; *len is the section size. */
static unsigned char *load(const char *name, size_t *len)
{
	char path[4096];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void dump(const char *who, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%s#  %-7s %04zx:", i ? "\n" : "", who, i);
		printf(" %02x", p[i]);
	}
	printf("\n");
}

/*
 * Compare our @size bytes with the section: same bytes, and the section's
 * alignment padding after them all zero.
 */
static int same_bytes(const char *name, const void *ours, size_t size)
{
	const unsigned char *o = ours;
	unsigned char *w;
	size_t len, i;
	int ok;

	w = load(name, &len);
	if (!w) {
		printf("# cannot read %s/%s.bin\n", dir, name);
		return 0;
	}
	ok = len >= size && !memcmp(w, o, size);
	for (i = size; ok && i < len; i++)
		ok = !w[i];
	if (!ok) {
		printf("# %s: windows %zu bytes (padded), ksfilter %zu\n",
		       name, len, size);
		dump("windows", w, len);
		dump("ours", o, size);
	}
	free(w);
	return ok;
}

/* Compare a table of u32 (layout or values) with its section. */
static void compare_u32s(const char *section, const char *const *names,
			 const unsigned int *ours, size_t count)
{
	unsigned int *w;
	size_t len, i;

	w = (unsigned int *)load(section, &len);
	result(w && len >= count * sizeof(*w), "section .k_%s present", section);
	if (!w || len < count * sizeof(*w)) {
		free(w);
		return;
	}
	for (i = 0; i < count; i++) {
		if (w[i] != ours[i])
			printf("# windows %u (0x%x), ksfilter %u (0x%x)\n",
			       w[i], w[i], ours[i], ours[i]);
		result(w[i] == ours[i], "%s", names[i]);
	}
	free(w);
}

#define NAME(name, win, host) name,
#define HOST_VALUE(name, win, host) (unsigned int)(host),

static void layout_and_values(void)
{
	static const char *const lay_names[] = { KS_ABI_LAYOUT(NAME) };
	static const unsigned int lay[] = { KS_ABI_LAYOUT(HOST_VALUE) };
	static const char *const val_names[] = { KS_ABI_VALUES(NAME) };
	static const unsigned int vals[] = { KS_ABI_VALUES(HOST_VALUE) };

	compare_u32s("lay", lay_names, lay, sizeof(lay) / sizeof(lay[0]));
	compare_u32s("vals", val_names, vals, sizeof(vals) / sizeof(vals[0]));
}

#define HOST_GUID(name, win, host) host,

static void guids(void)
{
	static const char *const names[] = { KS_ABI_GUIDS(NAME) };
	static const struct ks_guid ours[] = { KS_ABI_GUIDS(HOST_GUID) };
	struct ks_guid *w;
	size_t len, i, count = sizeof(ours) / sizeof(ours[0]);
	int ok;

	w = (struct ks_guid *)load("guids", &len);
	result(w && len >= sizeof(ours), "section .k_%s present", "guids");
	for (i = 0; w && len >= sizeof(ours) && i < count; i++) {
		ok = !memcmp(&w[i], &ours[i], sizeof(ours[i]));
		if (!ok) {
			dump("windows", (unsigned char *)&w[i], sizeof(w[i]));
			dump("ours", (const unsigned char *)&ours[i],
			     sizeof(ours[i]));
		}
		result(ok, "guid %s", names[i]);
	}
	free(w);
}

/* ---- the requests, built the way a Linux client builds them ---- */

/* An lvalue, not a pointer: &packed.data_format is an unaligned pointer. */
#define AUDIO_FORMAT(f, sub, size) do {					\
	(f).format_size = (size);					\
	(f).major_format = (struct ks_guid)KSDATAFORMAT_TYPE_AUDIO;	\
	(f).sub_format = (struct ks_guid)sub;				\
	(f).specifier = (struct ks_guid)KSDATAFORMAT_SPECIFIER_WAVEFORMATEX; \
} while (0)

static void pcm_48k_stereo_16(struct ks_dataformat_waveformatex *f)
{
	AUDIO_FORMAT(f->data_format, KSDATAFORMAT_SUBTYPE_PCM, sizeof(*f));
	f->data_format.sample_size = 4;
	f->wave_format.format_tag = KS_WAVE_FORMAT_PCM;
	f->wave_format.channels = 2;
	f->wave_format.samples_per_sec = 48000;
	f->wave_format.avg_bytes_per_sec = 48000 * 4;
	f->wave_format.block_align = 4;
	f->wave_format.bits_per_sample = 16;
}

static int obj_wfx(void)
{
	struct ks_dataformat_waveformatex f;

	memset(&f, 0, sizeof(f));
	pcm_48k_stereo_16(&f);
	return same_bytes("wfx", &f, sizeof(f));
}

static int obj_wfext(void)
{
	struct ks_dataformat_waveformatextensible f;
	struct ks_guid flt = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;

	memset(&f, 0, sizeof(f));
	AUDIO_FORMAT(f.data_format, KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, sizeof(f));
	f.data_format.sample_size = 24;
	f.wave_format.format.format_tag = KS_WAVE_FORMAT_EXTENSIBLE;
	f.wave_format.format.channels = 6;
	f.wave_format.format.samples_per_sec = 48000;
	f.wave_format.format.avg_bytes_per_sec = 48000 * 24;
	f.wave_format.format.block_align = 24;
	f.wave_format.format.bits_per_sample = 32;
	f.wave_format.format.cb_size = 22;
	f.wave_format.valid_bits_per_sample = 32;
	f.wave_format.channel_mask = 0x3F;	/* 5.1: FL FR FC LFE BL BR */
	memcpy(&f.wave_format.sub_format, &flt, sizeof(flt));
	return same_bytes("wfext", &f, sizeof(f));
}

static int obj_range(void)
{
	struct ks_datarange_audio r;

	memset(&r, 0, sizeof(r));
	AUDIO_FORMAT(r.data_range, KSDATAFORMAT_SUBTYPE_PCM, sizeof(r));
	r.maximum_channels = 8;
	r.minimum_bits_per_sample = 8;
	r.maximum_bits_per_sample = 32;
	r.minimum_sample_frequency = 8000;
	r.maximum_sample_frequency = 384000;
	return same_bytes("range", &r, sizeof(r));
}

static int obj_conn(void)
{
	union {
		unsigned long long align;
		unsigned char b[sizeof(struct ks_pin_connect) +
				sizeof(struct ks_dataformat_waveformatex)];
	} req;
	struct ks_pin_connect c = {
		.interface = { KSINTERFACESETID_STANDARD,
			       KSINTERFACE_STANDARD_STREAMING, 0 },
		.medium = { KSMEDIUMSETID_STANDARD, KSMEDIUM_TYPE_ANYINSTANCE, 0 },
		.pin_id = 1,
		.pin_to_handle = 0x1234,
		.priority = { KSPRIORITY_HIGH, 7 },
	};
	struct ks_dataformat_waveformatex f;

	memset(&req, 0, sizeof(req));
	memset(&f, 0, sizeof(f));
	pcm_48k_stereo_16(&f);
	memcpy(req.b, &c, sizeof(c));
	memcpy(req.b + sizeof(c), &f, sizeof(f));
	return same_bytes("conn", req.b, sizeof(req.b));
}

static int obj_ppin(void)
{
	struct ks_p_pin p = {
		.property = { KSPROPSETID_PIN, KSPROPERTY_PIN_DATARANGES,
			      KSPROPERTY_TYPE_GET },
		.pin_id = 1,
	};

	return same_bytes("ppin", &p, sizeof(p));
}

static int obj_strm(void)
{
	struct ks_stream_header h;

	memset(&h, 0, sizeof(h));
	h.size = sizeof(h);
	h.type_specific_flags = 0x5A;
	h.presentation_time.time = -1234567890123LL;
	h.presentation_time.numerator = 1;
	h.presentation_time.denominator = 10000000;
	h.duration = 100000;
	h.frame_extent = 4096;
	h.data_used = 2048;
	h.data = 0x00007FFE12345678ULL;
	h.options_flags = KSSTREAM_HEADER_OPTIONSF_TIMEVALID |
			  KSSTREAM_HEADER_OPTIONSF_DURATIONVALID;
	return same_bytes("strm", &h, sizeof(h));
}

static int obj_frame(void)
{
	struct ks_allocator_framing a = {
		.options_flags = 0x11, .pool_type = 1, .frames = 8,
		.frame_size = 3840, .file_alignment = 7,
	};

	return same_bytes("frame", &a, sizeof(a));
}

static int obj_cid(void)
{
	struct ks_componentid c = {
		.manufacturer = KSCATEGORY_AUDIO,
		.product = KSCATEGORY_RENDER,
		.component = KSCATEGORY_CAPTURE,
		.name = KSNAME_PIN,
		.version = 3,
		.revision = 0x10002,
	};

	return same_bytes("cid", &c, sizeof(c));
}

static int obj_attrs(void)
{
	struct {
		struct ks_multiple_item header;
		struct ks_attribute item[2];
	} l = {
		{ sizeof(l), 2 },
		{
			{ sizeof(struct ks_attribute), KSATTRIBUTE_REQUIRED,
			  KSDATAFORMAT_TYPE_STREAM },
			{ sizeof(struct ks_attribute), 0,
			  KSDATAFORMAT_SUBTYPE_NONE },
		},
	};

	return same_bytes("attrs", &l, sizeof(l));
}

static int obj_cinst(void)
{
	struct ks_pin_cinstances c = { 1, 0 };

	return same_bytes("cinst", &c, sizeof(c));
}

static int obj_vol(void)
{
	struct ks_node_property_audio_channel v = {
		.node_property = {
			.property = { KSPROPSETID_AUDIO,
				      KSPROPERTY_AUDIO_VOLUMELEVEL,
				      KSPROPERTY_TYPE_GET |
				      KSPROPERTY_TYPE_TOPOLOGY },
			.node_id = 2,
		},
		.channel = 1,
	};

	return same_bytes("vol", &v, sizeof(v));
}

static int obj_tconn(void)
{
	struct {
		struct ks_multiple_item header;
		struct ks_topology_connection connection[2];
	} l = {
		{ sizeof(l), 2 },
		{
			{ KSFILTER_NODE, 0, 0, 1 },
			{ 0, 0, KSFILTER_NODE, 1 },
		},
	};

	return same_bytes("tconn", &l, sizeof(l));
}

static int obj_desc(void)
{
	struct {
		struct ks_property_description description;
		struct ks_property_membersheader members_header;
		struct ks_property_stepping_long stepped_range;
	} d = {
		.description = {
			.access_flags = KSPROPERTY_TYPE_BASICSUPPORT |
					KSPROPERTY_TYPE_GET |
					KSPROPERTY_TYPE_SET,
			.description_size = sizeof(d),
			.prop_type_set = { KSPROPTYPESETID_GENERAL, KS_VT_I4, 0 },
			.members_list_count = 1,
		},
		.members_header = {
			.members_flags = KSPROPERTY_MEMBER_STEPPEDRANGES,
			.members_size = sizeof(struct ks_property_stepping_long),
			.members_count = 1,
			.flags = KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_UNIFORM,
		},
		.stepped_range = {
			.stepping_delta = 0x8000,	/* 0.5 dB */
			.bounds = { -96 * 65536, 0 },
		},
	};

	if (sizeof(d) != 72)
		printf("# the answer is %zu bytes, not 72\n", sizeof(d));
	return sizeof(d) == 72 && same_bytes("desc", &d, sizeof(d));
}

static int obj_evt(void)
{
	struct {
		struct ks_identifier event;
		struct ks_loopedstreaming_position_event_data data;
	} e = {
		.event = { KSEVENTSETID_LOOPEDSTREAMING,
			   KSEVENT_LOOPEDSTREAMING_POSITION,
			   KSEVENT_TYPE_ENABLE },
		.data = {
			.event_data = {
				.notification_type = KSEVENTF_SEMAPHORE_HANDLE,
				.handle = 0x5678,
				.adjustment = 1,
			},
			.position = 0x10000,
		},
	};

	return same_bytes("evt", &e, sizeof(e));
}

static int obj_evtend(void)
{
	struct {
		struct ks_identifier event;
		struct ks_event_data data;
	} e = {
		.event = { KSEVENTSETID_CONNECTION,
			   KSEVENT_CONNECTION_ENDOFSTREAM,
			   KSEVENT_TYPE_ONESHOT },
		.data = {
			.notification_type = KSEVENTF_EVENT_HANDLE,
			.handle = 0x9abc,
		},
	};

	return same_bytes("evtend", &e, sizeof(e));
}

static int obj_evtnode(void)
{
	struct ks_event_node n = {
		.event = { KSEVENTSETID_CONNECTION,
			   KSEVENT_CONNECTION_DATADISCONTINUITY,
			   KSEVENT_TYPE_ENABLE | KSEVENT_TYPE_TOPOLOGY },
		.node_id = 3,
	};

	return same_bytes("evtnode", &n, sizeof(n));
}

/*
 * KsCreatePin's request as the SDK builds it, against a pin whose data range
 * is the SDK-built KSDATARANGE_AUDIO: module/connect.c must accept it.
 */
static void windows_request_accepted(void)
{
	static unsigned long long req[64], range[16];
	struct ks_data_range ranges[1] = {
		{ .range = (const struct ks_dataformat *)range },
	};
	struct ks_pin_descriptor pins[2] = {
		{ .dataflow = KSPIN_DATAFLOW_IN,
		  .communication = KSPIN_COMMUNICATION_SINK },
		{ .dataflow = KSPIN_DATAFLOW_OUT,
		  .communication = KSPIN_COMMUNICATION_BOTH,
		  .data_ranges = ranges, .data_ranges_count = 1 },
	};
	struct ks_connect_check out;
	unsigned char *w, *r;
	size_t wlen, rlen;
	int ok = 0;

	w = load("conn", &wlen);
	r = load("range", &rlen);
	if (w && r && wlen <= sizeof(req) && rlen <= sizeof(range)) {
		memcpy(req, w, wlen);
		memcpy(range, r, rlen);
		ks_check_connect(req, 72 + 82, KS_GENERIC_READ,
				 KS_GENERIC_READ | KS_GENERIC_WRITE, pins, 2,
				 &out);
		ok = !out.error && out.pin_id == 1 && out.range == 0 &&
		     out.format_bytes == 82;
		if (!ok)
			printf("# error %d reason %u\n", out.error, out.reason);
	}
	result(ok, "%s", "ks_check_connect accepts the Windows request");
	free(w);
	free(r);
}

/*
 * ksfilter's own structures, which have no Windows counterpart: their
 * layout is frozen here as well as in the header, and so are the ioctl
 * numbers (a changed size would change KS_IOCTL_VERSION's number).
 */
static void linux_only_layout(void)
{
	static const struct {
		const char *name;
		unsigned long long got, want;
	} t[] = {
		{ "sizeof ks_version", sizeof(struct ks_version), 48 },
		{ "ks_version.abi_major",
		  offsetof(struct ks_version, abi_major), 0 },
		{ "ks_version.abi_minor",
		  offsetof(struct ks_version, abi_minor), 4 },
		{ "ks_version.features",
		  offsetof(struct ks_version, features), 8 },
		{ "ks_version.module_version",
		  offsetof(struct ks_version, module_version), 16 },
		{ "KS_IOCTL_VERSION", KS_IOCTL_VERSION, 0x8030B809 },
		{ "KS_IOCTL_CREATE_PIN", KS_IOCTL_CREATE_PIN, 0xC018B801 },
		{ "KS_IOCTL_PROPERTY", KS_IOCTL_PROPERTY, 0xC020B802 },
		{ "KS_FEATURE_PIN_TO_HANDLE", KS_FEATURE_PIN_TO_HANDLE,
		  1ULL << 5 },
		{ "KS_IOCTL_ENABLE_EVENT", KS_IOCTL_ENABLE_EVENT, 0xC020B804 },
		{ "KS_IOCTL_DISABLE_EVENT", KS_IOCTL_DISABLE_EVENT, 0xC020B805 },
		{ "KS_FEATURE_EVENTS", KS_FEATURE_EVENTS, 1ULL << 6 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].got != t[i].want)
			printf("# %s: 0x%llx, expected 0x%llx\n", t[i].name,
			       t[i].got, t[i].want);
		result(t[i].got == t[i].want, "linux-only %s", t[i].name);
	}
}

#define OBJ_TEST(name, what) { #name, what, obj_##name },

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *what;
		int (*fn)(void);
	} objs[] = { KS_ABI_OBJECTS(OBJ_TEST) };
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <dir of extracted sections>\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	printf("TAP version 13\n");
	layout_and_values();
	guids();
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		printf("# %s\n", objs[i].what);
		result(objs[i].fn(), "bytes %s", objs[i].name);
	}
	windows_request_accepted();
	linux_only_layout();
	printf("1..%u\n# %u passed, %u failed\n", test_no, test_no - failed,
	       failed);
	return failed ? 1 : 0;
}
