/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP producer for the host unit tests: each case is a function; the
 * EXPECT macros record failures (with file and line, as TAP comments) and
 * let the case go on, so one run shows every broken expectation.
 */
#ifndef _KS_TAP_H
#define _KS_TAP_H

#include <stddef.h>

struct tap_case {
	const char *name;
	void (*fn)(void);
};

#define TAP_CASE(fn)	{ #fn, fn }
#define TAP_COUNT(a)	(sizeof(a) / sizeof((a)[0]))

void tap_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tap_skip(const char *why);
int tap_main(const struct tap_case *cases, size_t count);

#define EXPECT(cond)							\
	do {								\
		if (!(cond))						\
			tap_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define EXPECT_EQ(got, want)						\
	do {								\
		long long _g = (long long)(got);			\
		long long _w = (long long)(want);			\
		if (_g != _w)						\
			tap_fail(__FILE__, __LINE__,			\
				 "%s is %lld, expected %s (%lld)",	\
				 #got, _g, #want, _w);			\
	} while (0)

#endif /* _KS_TAP_H */
