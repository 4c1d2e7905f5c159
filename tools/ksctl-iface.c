// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl interfaces: the INTERFACE table, from
 * /sys/kernel/debug/ksfilter/interfaces (one line per published version:
 * type version size owner context refs).
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "ksctl.h"

#define IFACES_PATH "/sys/kernel/debug/ksfilter/interfaces"

struct iface_line {
	char type[64];
	char owner[64];
	unsigned int version, size, context;
	int refs;
};

static void iface_usage(FILE *out)
{
	fprintf(out,
		"usage: %s interfaces [--json]\n"
		"\n"
		"The INTERFACE table: every published version of every interface\n"
		"type, its size, the module that provides it, its provider context\n"
		"(lines with the same number share one) and the references held on\n"
		"that context.  Needs root and debugfs on /sys/kernel/debug.\n",
		ksctl_prog);
}

static bool parse(const char *line, struct iface_line *l)
{
	if (line[0] == '#')
		return false;
	return sscanf(line, "%63s %u %u %63s %u %d", l->type, &l->version,
		      &l->size, l->owner, &l->context, &l->refs) == 6;
}

int ksctl_interfaces(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct iface_line l;
	bool json = false;
	struct json j;
	char line[256];
	FILE *f;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			iface_usage(stdout);
			return KSCTL_OK;
		default:
			iface_usage(stderr);
			return KSCTL_USAGE;
		}
	}
	if (optind < argc) {
		iface_usage(stderr);
		return KSCTL_USAGE;
	}
	f = fopen(IFACES_PATH, "re");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", ksctl_prog, IFACES_PATH,
			strerror(errno));
		fprintf(stderr,
			"%s: is ksfilter loaded, are you root, and is debugfs\n"
			"mounted (mount -t debugfs none /sys/kernel/debug)?\n",
			ksctl_prog);
		return KSCTL_REFUSED;
	}
	if (json) {
		json_begin(&j, stdout);
		json_open(&j, NULL, '{');
		json_open(&j, "interfaces", '[');
	} else {
		printf("%-36s %7s %5s %-20s %7s %4s\n", "TYPE", "VERSION",
		       "SIZE", "OWNER", "CONTEXT", "REFS");
	}
	while (fgets(line, sizeof(line), f)) {
		if (!parse(line, &l))
			continue;
		if (!json) {
			printf("%-36s %7u %5u %-20s %7u %4d\n", l.type,
			       l.version, l.size, l.owner, l.context, l.refs);
			continue;
		}
		json_open(&j, NULL, '{');
		json_str(&j, "type", l.type);
		json_uint(&j, "version", l.version);
		json_uint(&j, "size", l.size);
		json_str(&j, "owner", l.owner);
		json_uint(&j, "context", l.context);
		json_uint(&j, "refs", l.refs < 0 ? 0 : l.refs);
		json_close(&j, '}');
	}
	fclose(f);
	if (json) {
		json_close(&j, ']');
		json_close(&j, '}');
		json_end(&j);
	}
	return KSCTL_OK;
}
