/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksctl: shared declarations of the subcommands.
 */
#ifndef _KSCTL_H
#define _KSCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "libks.h"

/* Exit codes. */
#define KSCTL_OK	0
#define KSCTL_REFUSED	1	/* the kernel refused, or a device is missing */
#define KSCTL_USAGE	2

extern const char *ksctl_prog;

int ksctl_list(int argc, char **argv);
int ksctl_connect(int argc, char **argv);
int ksctl_interfaces(int argc, char **argv);

/* A minimal JSON writer: keeps track of commas and indentation. */
struct json {
	FILE *out;
	int depth;
	bool first;
};

void json_begin(struct json *j, FILE *out);
void json_open(struct json *j, const char *key, char bracket);
void json_close(struct json *j, char bracket);
void json_str(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, unsigned long long value);
void json_bool(struct json *j, const char *key, bool value);
void json_end(struct json *j);

#endif /* _KSCTL_H */
