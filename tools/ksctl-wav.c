// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl: WAV (RIFF WAVE) headers and a sine tone generator for play, record,
 * tone and loopback-check.
 *
 * A WAV file is "RIFF" <size> "WAVE" followed by chunks, each a 4-byte id, a
 * little-endian u32 size and the data padded to an even length.  The "fmt "
 * chunk is a WAVEFORMATEX (16 bytes without cb_size, 18 with it, 40 for
 * WAVEFORMATEXTENSIBLE); the samples are in the "data" chunk.  A size of 0 or
 * 0xFFFFFFFF in "data" (a header written to a pipe) means "to end of file".
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "ksctl.h"

#define RIFF_HEADER_SIZE	12
#define CHUNK_HEADER_SIZE	8

static const struct ks_guid subtype_pcm = KSDATAFORMAT_SUBTYPE_PCM;
static const struct ks_guid subtype_float = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Read exactly @len bytes; 0, or -EIO at a short end of file, or -errno. */
static int read_exact(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

static int skip_bytes(int fd, uint32_t len)
{
	uint8_t buf[256];

	while (len) {
		uint32_t n = len < sizeof(buf) ? len : sizeof(buf);
		int ret = read_exact(fd, buf, n);

		if (ret)
			return ret;
		len -= n;
	}
	return 0;
}

/* The "fmt " chunk's WAVEFORMATEX(TENSIBLE) as ks_audio_params. */
static int parse_fmt(const uint8_t *f, uint32_t size,
		     struct ks_audio_params *p, const char **why)
{
	uint16_t tag;

	if (size < 16) {
		*why = "its fmt chunk is shorter than 16 bytes";
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	tag = get16(f);
	p->channels = get16(f + 2);
	p->rate = get32(f + 4);
	p->bits = get16(f + 14);
	if (tag == KS_WAVE_FORMAT_EXTENSIBLE) {
		struct ks_guid sub;

		if (size < 40 || get16(f + 16) < 22) {
			*why = "its WAVE_FORMAT_EXTENSIBLE fmt chunk is too short";
			return -EINVAL;
		}
		sub.data1 = get32(f + 24);
		sub.data2 = get16(f + 28);
		sub.data3 = get16(f + 30);
		memcpy(sub.data4, f + 32, 8);
		p->extensible = true;
		if (ks_guid_eq(&sub, &subtype_pcm))
			tag = KS_WAVE_FORMAT_PCM;
		else if (ks_guid_eq(&sub, &subtype_float))
			tag = KS_WAVE_FORMAT_IEEE_FLOAT;
	}
	if (tag == KS_WAVE_FORMAT_PCM) {
		p->type = KS_SAMPLE_PCM;
	} else if (tag == KS_WAVE_FORMAT_IEEE_FLOAT) {
		p->type = KS_SAMPLE_FLOAT;
	} else {
		*why = "it is neither PCM nor IEEE float";
		return -EINVAL;
	}
	if (!p->channels || !p->rate || !p->bits || p->bits % 8 ||
	    get16(f + 12) != p->channels * p->bits / 8) {
		*why = "its channels, rate, bits or block align are inconsistent";
		return -EINVAL;
	}
	return 0;
}

int ksctl_wav_read_header(int fd, const uint8_t *riff, size_t have,
			  struct ks_audio_params *p, uint64_t *data_size,
			  const char **why)
{
	uint8_t head[RIFF_HEADER_SIZE], chunk[CHUNK_HEADER_SIZE], fmt[64];
	bool have_fmt = false;
	int ret;

	*why = "it ends inside its header";
	if (have > sizeof(head))
		return -EINVAL;
	memcpy(head, riff, have);
	ret = read_exact(fd, head + have, sizeof(head) - have);
	if (ret)
		return ret;
	if (memcmp(head, "RIFF", 4) || memcmp(head + 8, "WAVE", 4)) {
		*why = "it is no RIFF WAVE file";
		return -EINVAL;
	}
	for (;;) {
		uint32_t size;

		*why = "it ends before its data chunk";
		ret = read_exact(fd, chunk, sizeof(chunk));
		if (ret)
			return ret;
		size = get32(chunk + 4);
		if (!memcmp(chunk, "data", 4)) {
			if (!have_fmt) {
				*why = "its data chunk comes before a fmt chunk";
				return -EINVAL;
			}
			*data_size = size == 0xFFFFFFFF || size == 0 ?
				     UINT64_MAX : size;
			return 0;
		}
		if (!memcmp(chunk, "fmt ", 4)) {
			uint32_t keep = size < sizeof(fmt) ? size : sizeof(fmt);

			ret = read_exact(fd, fmt, keep);
			if (!ret)
				ret = skip_bytes(fd, size - keep + (size & 1));
			if (ret)
				return ret;
			ret = parse_fmt(fmt, size, p, why);
			if (ret)
				return ret;
			have_fmt = true;
			continue;
		}
		ret = skip_bytes(fd, size + (size & 1));
		if (ret)
			return ret;
	}
}

size_t ksctl_wav_header(uint8_t *h, const struct ks_audio_params *p,
			uint64_t data_size)
{
	uint16_t block = p->channels * p->bits / 8;
	uint32_t fmt_size = p->extensible ? 40 : p->type == KS_SAMPLE_FLOAT ? 18 : 16;
	uint32_t dsize = data_size > 0xFFFFFFFF - 64 ? 0xFFFFFFFF : data_size;
	size_t len = RIFF_HEADER_SIZE + CHUNK_HEADER_SIZE + fmt_size +
		     CHUNK_HEADER_SIZE;

	memset(h, 0, KSCTL_WAV_HEADER_MAX);
	memcpy(h, "RIFF", 4);
	put32(h + 4, dsize == 0xFFFFFFFF ? dsize : dsize + len - 8);
	memcpy(h + 8, "WAVE", 4);
	memcpy(h + 12, "fmt ", 4);
	put32(h + 16, fmt_size);
	put16(h + 20, p->extensible ? KS_WAVE_FORMAT_EXTENSIBLE :
		      p->type == KS_SAMPLE_FLOAT ? KS_WAVE_FORMAT_IEEE_FLOAT :
		      KS_WAVE_FORMAT_PCM);
	put16(h + 22, p->channels);
	put32(h + 24, p->rate);
	put32(h + 28, p->rate * block);
	put16(h + 32, block);
	put16(h + 34, p->bits);
	if (fmt_size >= 18)
		put16(h + 36, fmt_size - 18);
	if (p->extensible) {
		const struct ks_guid *sub = p->type == KS_SAMPLE_FLOAT ?
					    &subtype_float : &subtype_pcm;
		uint32_t mask = p->channels >= 32 ? 0 :
				(1u << p->channels) - 1;

		put16(h + 38, p->bits);
		put32(h + 40, mask);
		put32(h + 44, sub->data1);
		put16(h + 48, sub->data2);
		put16(h + 50, sub->data3);
		memcpy(h + 52, sub->data4, 8);
	}
	memcpy(h + len - 8, "data", 4);
	put32(h + len - 4, dsize);
	return len;
}

/* ---- the tone ---- */

int ksctl_tone_check(const struct ks_audio_params *p)
{
	if (p->type == KS_SAMPLE_FLOAT)
		return p->bits == 32 ? 0 : -EINVAL;
	return p->bits % 8 || p->bits > 32 ? -EINVAL : 0;
}

static void put_sample(uint8_t *out, const struct ks_audio_params *p, double v)
{
	unsigned int bytes = p->bits / 8, i;
	double scale;
	int64_t s;

	if (p->type == KS_SAMPLE_FLOAT) {
		union { float f; uint32_t u; } u = { .f = (float)v };

		put32(out, u.u);
		return;
	}
	scale = (double)((1ll << (p->bits - 1)) - 1);
	v *= scale;
	s = (int64_t)(v >= 0 ? v + 0.5 : v - 0.5);
	if (bytes == 1)
		s += 128;	/* 8-bit PCM is unsigned */
	for (i = 0; i < bytes; i++)
		out[i] = (uint64_t)s >> (8 * i);
}

void ksctl_tone_fill(const struct ks_audio_params *p, double freq,
		     double amplitude, uint64_t start, void *buf,
		     size_t frames)
{
	unsigned int block = p->channels * p->bits / 8, bytes = p->bits / 8;
	uint8_t *out = buf;
	size_t i;
	unsigned int c;

	for (i = 0; i < frames; i++) {
		/* Keep the phase small: the tone repeats every rate frames. */
		uint64_t n = (start + i) % p->rate;
		double t = 2.0 * M_PI * freq * (double)n / p->rate;

		/* Each channel a little later, so that a swap shows. */
		for (c = 0; c < p->channels; c++)
			put_sample(out + i * block + c * bytes, p,
				   amplitude * sin(t + c * M_PI / 8));
	}
}
