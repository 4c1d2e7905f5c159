// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora of the fuzz harnesses and their dictionary at
 * build time (no binary corpus is kept in the repository):
 *
 *	seeds OUTDIR [ABI_BUILD_DIR]
 *
 * OUTDIR/connect, OUTDIR/format, OUTDIR/intersect: valid requests, formats
 * and candidate lists for ks-loopback's, ks-tonegen's and the extra pins of
 * pins.c, built with the unit tests' builders from our uapi header; with
 * ABI_BUILD_DIR (selftests/abi/build), also the Windows-SDK-built request
 * (conn.bin), range (range.bin) and attribute list (attrs.bin) from mingw.
 * OUTDIR/topology: descriptors in fuzz_topology.c's encoding.
 * OUTDIR/property: requests in fuzz_property.c's encoding.
 * OUTDIR/ks.dict: the GUIDs and magic numbers, in libFuzzer's format.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "req.h"

#include "../../module/samples/ks-tonegen.h"

/* Bytes of a property request's `in` at the most (property.c). */
#define LIMIT_SEED	65536

static const struct ks_guid tonegen_medium = TONEGEN_MEDIUM;
static const struct ks_guid tonegen_key = TONEGEN_ATTRIBUTE_KEY;
static const char *out;
static struct req r;
static u8 buf[REQ_BYTES];

static void put(const char *dir, const char *name, const void *a, size_t alen,
		const void *b, size_t blen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", out, dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen ||
	    (blen && fwrite(b, 1, blen, f) != blen) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/*
 * connect: the 12-byte header of fuzz_connect.c, then the blob less its
 * last @pad bytes, which must be zero: the harness adds them back.
 */
static void connect_seed_pad(const char *name, u32 access, u8 filter_mode,
			     u8 set, const void *blob, u32 size, u8 pad)
{
	u8 hdr[12] = { 0 };

	memcpy(hdr, &access, 4);
	hdr[8] = filter_mode;
	hdr[9] = set;
	hdr[10] = pad;
	put("connect", name, hdr, sizeof(hdr), blob, size - pad);
}

static void connect_seed(const char *name, u32 access, u8 filter_mode,
			 u8 set, const void *blob, u32 size)
{
	connect_seed_pad(name, access, filter_mode, set, blob, size, 0);
}

static void req_seed(const char *name, u32 access, u8 set)
{
	connect_seed(name, access, 3, set, r.words, r.size);
}

static u32 with_attrs(struct ks_dataformat *f, const struct ks_guid *g,
		      u32 flags)
{
	const struct attr_spec a[] = {
		{ .guid = g, .flags = flags },
		{ .guid = &guid_attr_b },
	};

	return fmt_add_attrs(f, a, 2);
}

static void connect_seeds(void)
{
	struct ks_pin_connect *c;
	struct ks_dataformat *f;
	u32 n;

	/* ks-loopback (set 0) */
	req_init(&r);
	req_seed("loopback-render-pcm", KS_GENERIC_WRITE, 0);
	req_connect(&r)->pin_id = 1;
	req_seed("loopback-capture-pcm", KS_GENERIC_READ, 0);
	req_seed("gone", KS_GENERIC_READ, 3);
	fmt_wavex(req_format(&r), &guid_float, KS_WAVE_FORMAT_IEEE_FLOAT, 8,
		  384000, 32);
	req_fit(&r, sizeof(struct ks_dataformat_waveformatex));
	req_seed("loopback-capture-float", KS_GENERIC_READ, 0);
	fmt_extensible(req_format(&r), &guid_pcm, 6, 96000, 24, 20);
	req_fit(&r, sizeof(struct ks_dataformat_waveformatextensible));
	req_seed("loopback-capture-extensible", KS_GENERIC_READ, 0);
	req_connect(&r)->interface.id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	f = req_format(&r);
	fmt_wavex(f, &guid_pcm, KS_WAVE_FORMAT_PCM, 1, 8000, 8);
	req_fit(&r, with_attrs(f, &guid_attr_a, KSATTRIBUTE_REQUIRED));
	req_seed("loopback-looped-attrs", KS_GENERIC_READ | KS_GENERIC_WRITE,
		 0);

	/* ks-tonegen (set 1) */
	req_init(&r);
	req_connect(&r)->pin_id = 0;
	req_seed("tonegen-tone", KS_GENERIC_READ, 1);
	req_init(&r);
	c = req_connect(&r);
	c->pin_id = 1;
	c->interface.id = KSINTERFACE_STANDARD_CONTROL;
	c->medium.set = tonegen_medium;
	c->medium.id = 0;
	c->pin_to_handle = 3;
	fmt_plain(req_format(&r), &guid_stream, &guid_sub_none,
		  &guid_spec_none);
	req_fit(&r, sizeof(struct ks_dataformat));
	req_seed("tonegen-control", KS_GENERIC_WRITE, 1);
	req_init(&r);
	req_connect(&r)->pin_id = 2;
	f = req_format(&r);
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	req_fit(&r, with_attrs(f, &tonegen_key, 0));
	req_seed("tonegen-keyed", KS_GENERIC_WRITE, 1);
	req_init(&r);
	req_connect(&r)->pin_id = 3;
	req_connect(&r)->pin_to_handle = 5;
	req_seed("tonegen-source", KS_GENERIC_READ, 1);

	/* extra (set 2) */
	req_init(&r);
	f = req_format(&r);
	fmt_plain(f, &guid_stream, &guid_null, &guid_null);
	req_fit(&r, with_attrs(f, &tonegen_key, KSATTRIBUTE_REQUIRED));
	req_seed("extra-required", KS_GENERIC_WRITE, 2);

	/* A request larger than the kernel's on-stack copy. */
	req_init(&r);
	f = req_format(&r);
	fmt_extensible(f, &guid_pcm, 2, 48000, 16, 16);
	f->format_size += 200;
	((struct ks_waveformatex *)(f + 1))->cb_size += 200;
	memset((u8 *)f + f->format_size - 200, 0, 200);
	req_fit(&r, f->format_size);
	req_seed("loopback-render-big", KS_GENERIC_WRITE, 0);

	/*
	 * At the limit: a 65536-byte request, its format's cb_size extra
	 * bytes zero to the end; and one byte more (row 2).  Within run.sh's
	 * -max_len=65536 with the header, the last 12 and 13 bytes are padding.
	 */
	req_init(&r);
	f = req_format(&r);
	fmt_extensible(f, &guid_pcm, 2, 48000, 16, 16);
	n = KS_CONNECT_SIZE_MAX - sizeof(struct ks_pin_connect);
	((struct ks_waveformatex *)(f + 1))->cb_size +=
		n - f->format_size;
	f->format_size = n;
	memset((u8 *)f + sizeof(struct ks_dataformat_waveformatextensible), 0,
	       n - sizeof(struct ks_dataformat_waveformatextensible));
	req_fit(&r, f->format_size);
	connect_seed_pad("loopback-render-max", KS_GENERIC_WRITE, 3, 0,
			 r.words, r.size, 12);
	connect_seed_pad("loopback-render-over-max", KS_GENERIC_WRITE, 3, 0,
			 r.words, r.size + 1, 13);

	/* Windows SDK (mingw) bytes: PinId 1, PinToHandle set. */
	n = 0;
	{
		char path[4096];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/conn.bin", getenv("ABI") ?
			 getenv("ABI") : "");
		fp = getenv("ABI") ? fopen(path, "rb") : NULL;
		if (fp) {
			n = (u32)fread(buf, 1, sizeof(buf), fp);
			fclose(fp);
		}
	}
	if (n >= sizeof(struct ks_pin_connect) +
		 sizeof(struct ks_dataformat_waveformatex)) {
		n = sizeof(struct ks_pin_connect) +
		    sizeof(struct ks_dataformat_waveformatex);
		connect_seed("sdk-conn", KS_GENERIC_READ, 3, 0, buf, n);
		((struct ks_pin_connect *)buf)->pin_to_handle = 0;
		connect_seed("sdk-conn-nopeer", KS_GENERIC_READ, 3, 0, buf, n);
	}
}

static void format_seeds(void)
{
	struct ks_dataformat *f = (void *)buf;
	u32 n;

	fmt_wavex(f, &guid_pcm, KS_WAVE_FORMAT_PCM, 2, 48000, 16);
	put("format", "pcm", f, f->format_size, NULL, 0);
	fmt_wavex(f, &guid_float, KS_WAVE_FORMAT_IEEE_FLOAT, 2, 44100, 32);
	put("format", "float", f, f->format_size, NULL, 0);
	fmt_extensible(f, &guid_pcm, 8, 192000, 32, 24);
	put("format", "extensible", f, f->format_size, NULL, 0);
	fmt_plain(f, &guid_stream, &guid_sub_none, &guid_spec_none);
	put("format", "stream", f, f->format_size, NULL, 0);
	n = with_attrs(f, &tonegen_key, KSATTRIBUTE_REQUIRED);
	put("format", "stream-attrs", f, n, NULL, 0);
	fmt_wavex(f, &guid_pcm, KS_WAVE_FORMAT_PCM, 2, 48000, 16);
	n = with_attrs(f, &guid_attr_a, 0);
	put("format", "pcm-attrs", f, n, NULL, 0);
}

/*
 * intersect: fuzz_intersect.c's mode byte (and, with bit 0, a provider
 * range of @range_len bytes), then a KSMULTIPLE_ITEM of @items.
 */
static void list_seed(const char *name, const void *const *items,
		      const u32 *sizes, u32 count, u8 mode,
		      const void *range, u8 range_len)
{
	static u8 lb[8192];
	struct ks_multiple_item *h;
	u32 pre = 1, pos = 8, i;

	memset(lb, 0, sizeof(lb));
	lb[0] = mode;
	if (mode & 1) {
		lb[1] = range_len;
		memcpy(lb + 2, range, range_len);
		pre = 2 + range_len;
	}
	h = (void *)(lb + pre);
	for (i = 0; i < count; i++) {
		memcpy((u8 *)h + pos, items[i], sizes[i]);
		pos += (sizes[i] + 7) & ~7u;
	}
	h->size = pos;
	h->count = count;
	put("intersect", name, lb, pre + pos, NULL, 0);
}

static void intersect_seeds(void)
{
	struct ks_dataformat wild = { .format_size = sizeof(wild) };
	struct ks_datarange_audio audio = range_pcm;
	struct ks_dataformat stream;
	u8 attrs[128];
	const void *items[3];
	u32 sizes[3];
	FILE *fp;
	char path[4096];
	u32 n;

	items[0] = &wild;
	sizes[0] = sizeof(wild);
	list_seed("wildcard", items, sizes, 1, 0, NULL, 0);
	items[0] = &audio;
	sizes[0] = sizeof(audio);
	list_seed("audio", items, sizes, 1, 0, NULL, 0);
	audio.data_range.sub_format = guid_null;
	audio.maximum_channels = 2;
	items[1] = &wild;
	sizes[1] = sizeof(wild);
	list_seed("audio-wild", items, sizes, 2, 0, NULL, 0);
	list_seed("provider-audio", items, sizes, 2, 1, &range_float,
		  sizeof(range_float));

	fmt_plain(&stream, &guid_stream, &guid_sub_none, &guid_spec_none);
	stream.flags = KSDATARANGE_ATTRIBUTES;
	{
		const struct attr_spec a[] = {
			{ .guid = &tonegen_key, .flags = KSATTRIBUTE_REQUIRED },
		};

		n = attr_list_build(attrs, a, 1);
	}
	items[0] = &stream;
	sizes[0] = sizeof(stream);
	items[1] = attrs;
	sizes[1] = n;
	items[2] = &audio;
	sizes[2] = sizeof(audio);
	list_seed("stream-attrs", items, sizes, 3, 0, NULL, 0);

	if (!getenv("ABI"))
		return;
	snprintf(path, sizeof(path), "%s/range.bin", getenv("ABI"));
	fp = fopen(path, "rb");
	if (fp) {
		n = (u32)fread(buf, 1, sizeof(struct ks_datarange_audio), fp);
		fclose(fp);
		if (n == sizeof(struct ks_datarange_audio)) {
			items[0] = buf;
			sizes[0] = n;
			list_seed("sdk-range", items, sizes, 1, 0, NULL, 0);
		}
	}
}

/*
 * property: the 10-byte header of fuzz_property.c, then `in` less its last
 * @pad bytes (zero: the harness adds them back).
 */
static void property_seed(const char *name, u32 out_size, const void *in,
			  u32 in_size, u8 pad)
{
	u8 hdr[10] = { 0 };

	memcpy(hdr + 4, &out_size, 4);
	hdr[8] = pad;
	put("property", name, hdr, sizeof(hdr), in, in_size - pad);
}

static void property_seeds(void)
{
	static const struct ks_guid pin_set = KSPROPSETID_PIN;
	static const struct ks_guid audio_set = KSPROPSETID_AUDIO;
	struct ks_p_node *node = (void *)buf;
	struct ks_p_pin *pp = (void *)buf;

	memset(buf, 0, LIMIT_SEED + 1);
	pp->property.set = pin_set;
	pp->property.flags = KSPROPERTY_TYPE_GET;
	property_seed("pin-get", 8, pp, sizeof(*pp), 0);
	pp->property.id = 2;
	pp->property.flags = KSPROPERTY_TYPE_SET;
	property_seed("pin-set", 4, pp, sizeof(*pp), 0);
	/* A SET's value at the limit and one byte beyond it. */
	property_seed("pin-set-max", LIMIT_SEED, pp, sizeof(*pp), 0);
	property_seed("pin-set-over-max", LIMIT_SEED + 1, pp, sizeof(*pp), 0);
	pp->property.flags = KSPROPERTY_TYPE_BASICSUPPORT;
	property_seed("pin-basicsupport", 4, pp, sizeof(pp->property), 0);
	memset(&pp->property.set, 0, sizeof(pp->property.set));
	pp->property.flags = KSPROPERTY_TYPE_SETSUPPORT;
	property_seed("setsupport", 64, pp, sizeof(pp->property), 0);
	/* `in` at the limit and one byte beyond it (padding within -max_len). */
	pp->property.set = pin_set;
	pp->property.id = 5;
	pp->property.flags = KSPROPERTY_TYPE_GET;
	property_seed("pin-in-max", 4, pp, LIMIT_SEED, 10);
	property_seed("pin-in-over-max", 4, pp, LIMIT_SEED + 1, 11);
	memset(buf, 0, sizeof(*node));
	node->property.set = audio_set;
	node->property.flags = KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY;
	property_seed("node-get", 4, node, sizeof(*node), 0);
}

static void dict_guid(FILE *f, const char *name, const struct ks_guid *g)
{
	const u8 *b = (const u8 *)g;
	size_t i;

	fprintf(f, "%s=\"", name);
	for (i = 0; i < sizeof(*g); i++)
		fprintf(f, "\\x%02X", b[i]);
	fprintf(f, "\"\n");
}

static void dict_u32(FILE *f, const char *name, u32 v)
{
	fprintf(f, "%s=\"\\x%02X\\x%02X\\x%02X\\x%02X\"\n", name, v & 0xFF,
		(v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24);
}

static void dictionary(void)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ks.dict", out);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	dict_guid(f, "audio", &guid_audio);
	dict_guid(f, "stream", &guid_stream);
	dict_guid(f, "pcm", &guid_pcm);
	dict_guid(f, "float", &guid_float);
	dict_guid(f, "wave", &guid_wave);
	dict_guid(f, "spec_none", &guid_spec_none);
	dict_guid(f, "sub_none", &guid_sub_none);
	dict_guid(f, "if_std", &guid_if_std);
	dict_guid(f, "medium_std", &guid_medium_std);
	dict_guid(f, "tonegen_medium", &tonegen_medium);
	dict_guid(f, "tonegen_key", &tonegen_key);
	dict_u32(f, "size_wfx", sizeof(struct ks_dataformat_waveformatex));
	dict_u32(f, "size_wfext",
		 sizeof(struct ks_dataformat_waveformatextensible));
	dict_u32(f, "size_audio_range", sizeof(struct ks_datarange_audio));
	dict_u32(f, "size_format", sizeof(struct ks_dataformat));
	dict_u32(f, "size_attr", sizeof(struct ks_attribute));
	dict_u32(f, "read", KS_GENERIC_READ);
	dict_u32(f, "write", KS_GENERIC_WRITE);
	dict_u32(f, "max", 0xFFFFFFFF);
	{
		static const struct ks_guid pin_set = KSPROPSETID_PIN;
		static const struct ks_guid conn_set = KSPROPSETID_CONNECTION;
		static const struct ks_guid audio_set = KSPROPSETID_AUDIO;

		dict_guid(f, "propset_pin", &pin_set);
		dict_guid(f, "propset_connection", &conn_set);
		dict_guid(f, "propset_audio", &audio_set);
	}
	dict_u32(f, "prop_get", KSPROPERTY_TYPE_GET);
	dict_u32(f, "prop_set", KSPROPERTY_TYPE_SET);
	dict_u32(f, "prop_basic", KSPROPERTY_TYPE_BASICSUPPORT);
	dict_u32(f, "prop_setsupport", KSPROPERTY_TYPE_SETSUPPORT);
	dict_u32(f, "prop_topology", KSPROPERTY_TYPE_TOPOLOGY);
	dict_u32(f, "size_p_node", sizeof(struct ks_p_node));
	dict_u32(f, "limit", LIMIT_SEED);
	dict_u32(f, "limit_over", LIMIT_SEED + 1);
	fprintf(f, "tag_ext=\"\\xFE\\xFF\"\ncb22=\"\\x16\\x00\"\n");
	fclose(f);
}

/*
 * topology: fuzz_topology.c's header, nodes, controls (raw, mode 1) and
 * connections: ks-gain's VOLUME node, a volume+mute, mux and sum chain,
 * and a filter without nodes.
 */
static u8 *tb_put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
	return p + 4;
}

static u8 *tb_control(u8 *p, u8 id, u8 channels, s32 min, s32 max, u32 step,
		      s32 initial)
{
	*p++ = id;
	*p++ = channels;
	*p++ = 1;
	p = tb_put32(p, (u32)min);
	p = tb_put32(p, (u32)max);
	p = tb_put32(p, step);
	return tb_put32(p, (u32)initial);
}

static u8 *tb_conn(u8 *p, u8 from, u8 from_pin, u8 to, u8 to_pin)
{
	*p++ = from;
	*p++ = from_pin;
	*p++ = to;
	*p++ = to_pin;
	return p;
}

static void topology_seeds(void)
{
	static u8 tb[512];
	u8 *p;

	/* ks-gain: In -> VOLUME "Volume" (8 ch, -96..+12 dB) -> Out */
	p = tb;
	*p++ = 2; *p++ = 1; *p++ = 2; *p++ = 0;
	*p++ = 0x01 | 0x02 | (1 << 3);
	p = tb_control(p, 0, 8, -96 * 65536, 12 * 65536, 1, -394566);
	p = tb_conn(p, 0x80, 0, 0, 1);
	p = tb_conn(p, 0, 0, 0x80, 1);
	put("topology", "gain", tb, (size_t)(p - tb), NULL, 0);

	/* volume + mute -> mux of 3 -> sum, pin 0 to pin 1 */
	p = tb;
	*p++ = 2; *p++ = 3; *p++ = 4; *p++ = 0;
	*p++ = 0x01 | 0x02 | (2 << 3);
	p = tb_control(p, 0, 2, -96 * 65536, 12 * 65536, 32768, 0);
	p = tb_control(p, 1, 2, 0, 1, 1, 1);
	*p++ = 0x01 | (1 << 3);
	p = tb_control(p, 2, 1, 0, 2, 1, 1);
	*p++ = 0x01;
	p = tb_conn(p, 0x80, 0, 0, 1);
	p = tb_conn(p, 0, 0, 1, 1);
	p = tb_conn(p, 1, 0, 2, 1);
	p = tb_conn(p, 2, 0, 0x80, 1);
	put("topology", "chain", tb, (size_t)(p - tb), NULL, 0);

	/* No nodes, no connections. */
	memset(tb, 0, 4);
	tb[0] = 2;
	put("topology", "empty", tb, 4, NULL, 0);
}

int main(int argc, char **argv)
{
	static const char *const dirs[] = {
		"connect", "format", "intersect", "topology", "property",
	};
	char path[4096];
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OUTDIR [ABI_BUILD_DIR]\n", argv[0]);
		return 2;
	}
	out = argv[1];
	if (argc > 2)
		setenv("ABI", argv[2], 1);
	mkdir(out, 0755);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out, dirs[i]);
		mkdir(path, 0755);
	}
	connect_seeds();
	format_seeds();
	intersect_seeds();
	topology_seeds();
	property_seeds();
	dictionary();
	return 0;
}
