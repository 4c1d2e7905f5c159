// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: KsCreatePin, DeviceIoControl-style properties and format helpers
 * over the ksfilter ioctls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libks.h"

#define SYSFS_CLASS "/sys/class/ksfilter"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int fail(int err)
{
	errno = err;
	return -err;
}

/* ---- filters ---- */

int ks_open_filter(unsigned int index, int oflags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/ksfilter%u", index);
	fd = open(path, oflags | O_CLOEXEC);
	return fd < 0 ? fail(errno) : fd;
}

static int read_sysfs(unsigned int index, const char *attr, char *buf,
		      size_t size)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYSFS_CLASS "/ksfilter%u/%s", index, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return fail(errno);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ks_find_filter(const char *name)
{
	char buf[256];
	unsigned int i;

	/* Filter numbers are the lowest free ones: a short scan finds them. */
	for (i = 0; i < 256; i++) {
		if (read_sysfs(i, "name", buf, sizeof(buf)) == 0 &&
		    strcmp(buf, name) == 0)
			return i;
	}
	return fail(ENOENT);
}

/* ---- pins ---- */

int ks_create_pin(int filter_fd, const void *connect, uint32_t size,
		  uint32_t access, uint32_t flags, uint32_t *reason)
{
	struct ks_create_pin req = {
		.connect = (uintptr_t)connect,
		.connect_size = size,
		.desired_access = access,
		.flags = flags,
		.reason = reason ? *reason : KS_REASON_NONE,
	};
	int fd;

	fd = ioctl(filter_fd, KS_IOCTL_CREATE_PIN, &req);
	if (reason)
		*reason = req.reason;
	return fd < 0 ? fail(errno) : fd;
}

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

/* ---- formats ---- */

static const struct ks_guid guid_audio = KSDATAFORMAT_TYPE_AUDIO;
static const struct ks_guid guid_pcm = KSDATAFORMAT_SUBTYPE_PCM;
static const struct ks_guid guid_float = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
static const struct ks_guid guid_wfx = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;

static void fill_dataformat(struct ks_dataformat *df, uint32_t size,
			    enum ks_sample_type type, uint32_t block_align)
{
	memset(df, 0, sizeof(*df));
	df->format_size = size;
	df->sample_size = block_align;
	df->major_format = guid_audio;
	df->sub_format = type == KS_SAMPLE_FLOAT ? guid_float : guid_pcm;
	df->specifier = guid_wfx;
}

static void fill_wfx(struct ks_waveformatex *w, uint16_t tag, uint32_t rate,
		     uint16_t channels, uint16_t bits, uint16_t cb_size)
{
	w->format_tag = tag;
	w->channels = channels;
	w->samples_per_sec = rate;
	w->block_align = channels * bits / 8;
	w->avg_bytes_per_sec = rate * w->block_align;
	w->bits_per_sample = bits;
	w->cb_size = cb_size;
}

int ks_build_audio_format(struct ks_dataformat_waveformatex *fmt,
			  enum ks_sample_type type, uint32_t rate,
			  uint16_t channels, uint16_t bits)
{
	struct ks_dataformat df;
	struct ks_waveformatex w;

	if (!rate || !channels || !bits)
		return fail(EINVAL);
	fill_wfx(&w, type == KS_SAMPLE_FLOAT ? KS_WAVE_FORMAT_IEEE_FLOAT :
		 KS_WAVE_FORMAT_PCM, rate, channels, bits, 0);
	fill_dataformat(&df, sizeof(*fmt), type, w.block_align);
	/* The packed structure may be unaligned: copy whole members in. */
	memcpy(&fmt->data_format, &df, sizeof(df));
	memcpy(&fmt->wave_format, &w, sizeof(w));
	return sizeof(*fmt);
}

static uint32_t default_channel_mask(uint16_t channels)
{
	/* FL FR FC LFE BL BR FLC FRC: Windows' KSAUDIO_SPEAKER_* layouts. */
	static const uint32_t masks[] = {
		0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f,
	};

	return channels < ARRAY_SIZE(masks) ? masks[channels] : 0;
}

int ks_build_audio_format_ext(struct ks_dataformat_waveformatextensible *fmt,
			      enum ks_sample_type type, uint32_t rate,
			      uint16_t channels, uint16_t bits,
			      uint32_t channel_mask)
{
	struct ks_waveformatextensible x;
	struct ks_dataformat df;

	if (!rate || !channels || !bits)
		return fail(EINVAL);
	memset(&x, 0, sizeof(x));
	fill_wfx(&x.format, KS_WAVE_FORMAT_EXTENSIBLE, rate, channels, bits,
		 sizeof(x) - sizeof(x.format));
	x.valid_bits_per_sample = bits;
	x.channel_mask = channel_mask ? channel_mask :
			 default_channel_mask(channels);
	x.sub_format = type == KS_SAMPLE_FLOAT ? guid_float : guid_pcm;
	fill_dataformat(&df, sizeof(*fmt), type, x.format.block_align);
	memcpy(&fmt->data_format, &df, sizeof(df));
	memcpy(&fmt->wave_format, &x, sizeof(x));
	return sizeof(*fmt);
}

static int parse_u32(const char *s, const char *end, uint32_t max,
		     uint32_t *out)
{
	unsigned long v = 0;

	if (s == end)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

int ks_parse_format(const char *text, struct ks_audio_params *p)
{
	const char *field[4], *end[4];
	uint32_t rate, channels, bits;
	const char *s = text;
	size_t tlen;
	int n = 0;

	while (n < 4) {
		field[n] = s;
		s += strcspn(s, ":");
		end[n++] = s;
		if (!*s)
			break;
		s++;
	}
	if (*s || n < 3)
		return fail(EINVAL);

	memset(p, 0, sizeof(*p));
	tlen = end[0] - field[0];
	if (tlen >= 4 && !strncmp(end[0] - 4, "-ext", 4)) {
		p->extensible = true;
		tlen -= 4;
	}
	if (tlen == 3 && !strncmp(field[0], "pcm", 3))
		p->type = KS_SAMPLE_PCM;
	else if (tlen == 5 && !strncmp(field[0], "float", 5))
		p->type = KS_SAMPLE_FLOAT;
	else
		return fail(EINVAL);

	if (parse_u32(field[1], end[1], UINT32_MAX, &rate) ||
	    parse_u32(field[2], end[2], UINT16_MAX, &channels))
		return fail(EINVAL);
	if (n == 4) {
		if (parse_u32(field[3], end[3], UINT16_MAX, &bits))
			return fail(EINVAL);
	} else if (p->type == KS_SAMPLE_FLOAT) {
		bits = 32;
	} else {
		return fail(EINVAL);
	}
	if (!rate || !channels || !bits)
		return fail(EINVAL);
	p->rate = rate;
	p->channels = channels;
	p->bits = bits;
	return 0;
}

int ks_format_params_str(const struct ks_audio_params *p, char *buf,
			 size_t size)
{
	return snprintf(buf, size, "%s%s:%u:%u:%u",
			p->type == KS_SAMPLE_FLOAT ? "float" : "pcm",
			p->extensible ? "-ext" : "", p->rate, p->channels,
			p->bits);
}

int ks_build_format(const struct ks_audio_params *p, void *buf, size_t size)
{
	if (size < sizeof(struct ks_dataformat_waveformatextensible))
		return fail(ENOSPC);
	if (p->extensible)
		return ks_build_audio_format_ext(buf, p->type, p->rate,
						 p->channels, p->bits, 0);
	return ks_build_audio_format(buf, p->type, p->rate, p->channels,
				     p->bits);
}

/* ---- connect requests ---- */

void ks_connect_init(struct ks_pin_connect *c, uint32_t pin_id)
{
	static const struct ks_guid iface = KSINTERFACESETID_STANDARD;
	static const struct ks_guid medium = KSMEDIUMSETID_STANDARD;

	memset(c, 0, sizeof(*c));
	c->interface.set = iface;
	c->interface.id = KSINTERFACE_STANDARD_STREAMING;
	c->medium.set = medium;
	c->medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	c->pin_id = pin_id;
	c->priority.priority_class = KSPRIORITY_NORMAL;
	c->priority.priority_subclass = 1;
}

int ks_connect_build(void *buf, size_t size, uint32_t pin_id,
		     const void *format, uint32_t format_size)
{
	struct ks_pin_connect c;

	if (size < sizeof(c) || size - sizeof(c) < format_size)
		return fail(ENOSPC);
	ks_connect_init(&c, pin_id);
	memcpy(buf, &c, sizeof(c));
	memcpy((char *)buf + sizeof(c), format, format_size);
	return sizeof(c) + format_size;
}

void ks_connect_set_interface(struct ks_pin_connect *c, uint32_t id)
{
	static const struct ks_guid iface = KSINTERFACESETID_STANDARD;

	c->interface.set = iface;
	c->interface.id = id;
}

/* ---- properties ---- */

int ks_property(int fd, const struct ks_guid *set, uint32_t id,
		uint32_t flags, const void *instance, uint32_t instance_size,
		void *out, uint32_t out_size, uint32_t *returned)
{
	struct ks_ioctl_buffers io = { 0 };
	struct ks_identifier *prop;
	uint32_t in_size;
	int ret;

	if (instance_size > KS_CONNECT_SIZE_MAX)
		return fail(EINVAL);
	in_size = sizeof(*prop) + instance_size;
	prop = calloc(1, in_size);
	if (!prop)
		return fail(ENOMEM);
	prop->set = *set;
	prop->id = id;
	prop->flags = flags;
	if (instance_size)
		memcpy(prop + 1, instance, instance_size);

	io.in = (uintptr_t)prop;
	io.in_size = in_size;
	io.out = (uintptr_t)out;
	io.out_size = out_size;
	ret = ioctl(fd, KS_IOCTL_PROPERTY, &io);
	ret = ret < 0 ? -errno : 0;
	free(prop);
	if (returned)
		*returned = io.returned;
	return ret ? fail(-ret) : 0;
}

int ks_pin_property(int filter_fd, uint32_t pin_id, uint32_t id, void *out,
		    uint32_t out_size, uint32_t *returned)
{
	static const struct ks_guid set = KSPROPSETID_PIN;
	/* The rest of a KSP_PIN after its KSPROPERTY. */
	uint32_t inst[2] = { pin_id, 0 };

	return ks_property(filter_fd, &set, id, KSPROPERTY_TYPE_GET, inst,
			   sizeof(inst), out, out_size, returned);
}

int ks_pin_property_u32(int filter_fd, uint32_t pin_id, uint32_t id,
			uint32_t *value)
{
	return ks_pin_property(filter_fd, pin_id, id, value, sizeof(*value),
			       NULL);
}

struct ks_multiple_item *ks_pin_property_list(int filter_fd, uint32_t pin_id,
					      uint32_t id)
{
	struct ks_multiple_item *list;
	uint32_t size = 0, got = 0;
	int ret;

	/* Windows' sized-list query: with 4 bytes only the size comes back. */
	ret = ks_pin_property(filter_fd, pin_id, id, &size, sizeof(size), NULL);
	if (ret < 0)
		return NULL;
	if (size < sizeof(*list)) {
		errno = EPROTO;
		return NULL;
	}
	list = malloc(size);
	if (!list)
		return NULL;
	ret = ks_pin_property(filter_fd, pin_id, id, list, size, &got);
	if (ret < 0 || got < sizeof(*list) || list->size > got) {
		if (ret >= 0)
			errno = EPROTO;
		free(list);
		return NULL;
	}
	return list;
}

int ks_pin_count(int filter_fd)
{
	static const struct ks_guid set = KSPROPSETID_PIN;
	uint32_t count;
	int ret;

	/* CTYPES takes a plain KSPROPERTY. */
	ret = ks_property(filter_fd, &set, KSPROPERTY_PIN_CTYPES,
			  KSPROPERTY_TYPE_GET, NULL, 0, &count, sizeof(count),
			  NULL);
	if (ret < 0)
		return ret;
	return count > INT32_MAX ? fail(EOVERFLOW) : (int)count;
}

int ks_pin_name(int filter_fd, uint32_t pin_id, char *buf, size_t size)
{
	uint16_t wide[128];
	uint32_t got = 0;
	size_t i, n;
	int ret;

	if (!size)
		return fail(EINVAL);
	ret = ks_pin_property(filter_fd, pin_id, KSPROPERTY_PIN_NAME, wide,
			      sizeof(wide), &got);
	if (ret < 0)
		return ret;
	n = got / 2;
	for (i = 0; i < n && i + 1 < size && wide[i]; i++)
		buf[i] = wide[i] < 0x80 ? (char)wide[i] : '?';
	buf[i] = '\0';
	return 0;
}

const struct ks_dataformat *ks_list_first(const struct ks_multiple_item *list)
{
	const struct ks_dataformat *item = (const void *)(list + 1);

	if (!list->count || list->size < sizeof(*list) + sizeof(*item) ||
	    item->format_size < sizeof(*item) ||
	    item->format_size > list->size - sizeof(*list))
		return NULL;
	return item;
}

const struct ks_dataformat *ks_list_next(const struct ks_multiple_item *list,
					 const struct ks_dataformat *item)
{
	size_t off = (const char *)item - (const char *)list;
	const struct ks_dataformat *next;

	off = (off + item->format_size + 7) & ~(size_t)7;
	if (off + sizeof(*next) > list->size)
		return NULL;
	next = (const void *)((const char *)list + off);
	if (next->format_size < sizeof(*next) ||
	    next->format_size > list->size - off)
		return NULL;
	return next;
}

/* ---- GUIDs ---- */

bool ks_guid_eq(const struct ks_guid *a, const struct ks_guid *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

char *ks_guid_str(const struct ks_guid *g, char *buf)
{
	snprintf(buf, KS_GUID_STR_LEN,
		 "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 g->data1, g->data2, g->data3, g->data4[0], g->data4[1],
		 g->data4[2], g->data4[3], g->data4[4], g->data4[5],
		 g->data4[6], g->data4[7]);
	return buf;
}

#define NAMED(n) { #n, n }
static const struct {
	const char *name;
	struct ks_guid guid;
} guid_names[] = {
	NAMED(KSINTERFACESETID_STANDARD),
	NAMED(KSINTERFACESETID_FILEIO),
	NAMED(KSMEDIUMSETID_STANDARD),
	NAMED(KSDATAFORMAT_SPECIFIER_NONE),
	NAMED(KSDATAFORMAT_TYPE_STREAM),
	NAMED(KSDATAFORMAT_SUBTYPE_NONE),
	NAMED(KSDATAFORMAT_TYPE_AUDIO),
	NAMED(KSDATAFORMAT_SUBTYPE_PCM),
	NAMED(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT),
	NAMED(KSDATAFORMAT_SPECIFIER_WAVEFORMATEX),
	NAMED(KSCATEGORY_AUDIO),
	NAMED(KSCATEGORY_CAPTURE),
	NAMED(KSCATEGORY_RENDER),
	{ "KSDATAFORMAT_WILDCARD", KS_GUID_NULL },
};
#undef NAMED

const char *ks_guid_name(const struct ks_guid *g)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(guid_names); i++)
		if (ks_guid_eq(g, &guid_names[i].guid))
			return guid_names[i].name;
	return NULL;
}
