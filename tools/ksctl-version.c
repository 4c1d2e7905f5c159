// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl version (also ksctl --version): ksctl's own version and ABI, and the
 * module's, from KS_IOCTL_VERSION on the first /dev/ksfilterN (or only its
 * version string from /sys/module/ksfilter/version when no filter can be
 * opened).  Warns when the two cannot work together.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "ksctl.h"

#ifndef KSCTL_VERSION
#define KSCTL_VERSION "unknown"
#endif

#define MODULE_VERSION_PATH "/sys/module/ksfilter/version"

/* The ABI ksctl was built with (variables: the minor may well be 0). */
static const uint32_t abi_major = KS_ABI_MAJOR;
static const uint32_t abi_minor = KS_ABI_MINOR;

static const struct {
	unsigned long long bit;
	const char *name;
} features[] = {
	{ KS_FEATURE_PROPERTIES, "properties" },
	{ KS_FEATURE_STREAMING, "streaming" },
	{ KS_FEATURE_LOOPED_STREAMING, "looped-streaming" },
	{ KS_FEATURE_STREAM_HEADERS, "stream-headers" },
	{ KS_FEATURE_INTERFACE_TABLE, "interface-table" },
	{ KS_FEATURE_PIN_TO_HANDLE, "pin-to-handle" },
	{ KS_FEATURE_EVENTS, "events" },
	{ KS_FEATURE_CLOCKS, "clocks" },
	{ KS_FEATURE_WAVERT, "wavert" },
};

/* What ksctl found out about the module. */
struct module_info {
	bool loaded;		/* /sys/module/ksfilter exists */
	bool have_abi;		/* KS_IOCTL_VERSION answered */
	char device[32];	/* the filter asked */
	struct ks_version ver;
	int err;		/* the ioctl's errno when !have_abi */
};

static void version_usage(FILE *out)
{
	fprintf(out,
		"usage: %s version [--json]\n"
		"       %s --version [--json]\n"
		"\n"
		"ksctl's version and the ABI it was built with (<linux/ks.h>), then\n"
		"the module's: its version, ABI and features, asked with\n"
		"KS_IOCTL_VERSION on the first /dev/ksfilterN, or only its version\n"
		"from %s when no filter can be opened.\n"
		"Warns on stderr when the ABI majors differ or the module's minor is\n"
		"lower than ksctl's.\n",
		ksctl_prog, ksctl_prog, MODULE_VERSION_PATH);
}

/* /sys/module/ksfilter/version into @buf; false when it cannot be read. */
static bool sysfs_version(char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(MODULE_VERSION_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static void probe_module(struct module_info *m)
{
	unsigned int i;
	int fd;

	memset(m, 0, sizeof(*m));
	m->err = ENODEV;
	m->loaded = access("/sys/module/ksfilter", F_OK) == 0;
	for (i = 0; i < 256; i++) {
		fd = ks_open_filter(i, O_RDONLY);
		if (fd < 0)
			continue;
		snprintf(m->device, sizeof(m->device), "/dev/ksfilter%u", i);
		m->have_abi = ks_get_version(fd, &m->ver) == 0;
		m->err = m->have_abi ? 0 : errno;
		close(fd);
		m->loaded = true;
		break;
	}
	if (!m->have_abi && m->loaded &&
	    !sysfs_version(m->ver.module_version, sizeof(m->ver.module_version)))
		snprintf(m->ver.module_version, sizeof(m->ver.module_version),
			 "unknown");
}

static void warn_mismatch(const struct module_info *m)
{
	if (!m->have_abi)
		return;
	if (m->ver.abi_major != abi_major)
		fprintf(stderr,
			"%s: warning: ksctl speaks ABI %u.%u, the module ABI %u.%u:\n"
			"%s: the majors differ, so ksctl cannot trust the module;\n"
			"%s: install the ksctl built with this module's <linux/ks.h>\n",
			ksctl_prog, abi_major, abi_minor,
			m->ver.abi_major, m->ver.abi_minor, ksctl_prog,
			ksctl_prog);
	else if (m->ver.abi_minor < abi_minor)
		fprintf(stderr,
			"%s: warning: the module's ABI %u.%u is older than ksctl's %u.%u:\n"
			"%s: what ksctl uses beyond it fails with ENOTTY or ENOENT;\n"
			"%s: load the module of ksctl's version (%s)\n",
			ksctl_prog, m->ver.abi_major, m->ver.abi_minor,
			abi_major, abi_minor, ksctl_prog, ksctl_prog,
			KSCTL_VERSION);
}

static void print_text(const struct module_info *m)
{
	unsigned int i;

	printf("ksctl %s, ABI %u.%u\n", KSCTL_VERSION, abi_major,
	       abi_minor);
	if (!m->loaded) {
		printf("module: not loaded\n");
		return;
	}
	if (!m->have_abi) {
		printf("module: ksfilter %s, ABI unknown (", m->ver.module_version);
		if (!m->device[0])
			printf("no /dev/ksfilterN could be opened)\n");
		else if (m->err == ENOTTY)
			printf("it predates KS_IOCTL_VERSION)\n");
		else
			printf("KS_IOCTL_VERSION on %s: %s)\n", m->device,
			       strerror(m->err));
		return;
	}
	printf("module: ksfilter %s, ABI %u.%u (%s)\n", m->ver.module_version,
	       m->ver.abi_major, m->ver.abi_minor, m->device);
	printf("features:");
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (m->ver.features & features[i].bit)
			printf(" %s", features[i].name);
	printf("\n");
}

static void print_json(const struct module_info *m)
{
	struct json j;
	unsigned int i;

	json_begin(&j, stdout);
	json_open(&j, NULL, '{');
	json_open(&j, "ksctl", '{');
	json_str(&j, "version", KSCTL_VERSION);
	json_uint(&j, "abi_major", abi_major);
	json_uint(&j, "abi_minor", abi_minor);
	json_close(&j, '}');
	json_open(&j, "module", '{');
	json_bool(&j, "loaded", m->loaded);
	if (m->loaded)
		json_str(&j, "version", m->ver.module_version);
	if (m->have_abi) {
		json_str(&j, "device", m->device);
		json_uint(&j, "abi_major", m->ver.abi_major);
		json_uint(&j, "abi_minor", m->ver.abi_minor);
		json_uint(&j, "features_mask", m->ver.features);
		json_open(&j, "features", '[');
		for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
			if (m->ver.features & features[i].bit)
				json_str(&j, NULL, features[i].name);
		json_close(&j, ']');
	}
	json_close(&j, '}');
	if (m->have_abi)
		json_bool(&j, "compatible",
			  m->ver.abi_major == abi_major &&
			  m->ver.abi_minor >= abi_minor);
	json_close(&j, '}');
	json_end(&j);
}

int ksctl_version(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct module_info m;
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			version_usage(stdout);
			return KSCTL_OK;
		default:
			version_usage(stderr);
			return KSCTL_USAGE;
		}
	}
	if (optind < argc) {
		version_usage(stderr);
		return KSCTL_USAGE;
	}
	probe_module(&m);
	if (json)
		print_json(&m);
	else
		print_text(&m);
	fflush(stdout);
	warn_mismatch(&m);
	return KSCTL_OK;
}
