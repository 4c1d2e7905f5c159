// SPDX-License-Identifier: GPL-2.0
/* The TAP producer of tap.h. */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static int case_failed;
static const char *case_skipped;

void tap_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	case_failed = 1;
}

void tap_skip(const char *why)
{
	case_skipped = why;
}

int tap_main(const struct tap_case *cases, size_t count)
{
	size_t i, failed = 0;

	printf("TAP version 13\n1..%zu\n", count);
	for (i = 0; i < count; i++) {
		case_failed = 0;
		case_skipped = NULL;
		cases[i].fn();
		if (case_failed)
			failed++;
		if (case_skipped && !case_failed)
			printf("ok %zu - %s # SKIP %s\n", i + 1, cases[i].name,
			       case_skipped);
		else
			printf("%sok %zu - %s\n", case_failed ? "not " : "",
			       i + 1, cases[i].name);
	}
	printf("# %zu passed, %zu failed\n", count - failed, failed);
	return failed ? 1 : 0;
}
