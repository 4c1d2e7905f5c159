/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of the pure checking code (connect.c, format.c): fixed-width
 * types and memcmp, nothing else.  The same sources build into ksfilter.ko and,
 * with this header's userspace branch, into the host unit tests and fuzzers.
 */
#ifndef _KS_PURE_H
#define _KS_PURE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
#ifndef EMEDIUMTYPE
#define EMEDIUMTYPE 124
#endif
#endif

#include <linux/ksfilter.h>

#endif /* _KS_PURE_H */
