/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libks: what more than one of its source files needs.  Not installed and
 * not part of the library's API: everything here is static, so that the
 * library exports what libks.h declares and nothing else.
 */
#ifndef _LIBKS_INTERNAL_H
#define _LIBKS_INTERNAL_H

#include <errno.h>

#include "libks.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline int fail(int err)
{
	errno = err;
	return -err;
}

static inline uint32_t align8(uint32_t v)
{
	return (v + 7) & ~7u;
}

static const struct ks_guid guid_audio = KSDATAFORMAT_TYPE_AUDIO;
static const struct ks_guid guid_pcm = KSDATAFORMAT_SUBTYPE_PCM;
static const struct ks_guid guid_float = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
static const struct ks_guid guid_wfx = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;

static const struct ks_guid set_pin = KSPROPSETID_PIN;

#endif /* _LIBKS_INTERNAL_H */
