// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl connect: create a pin from a format given as text, show its fdinfo,
 * or explain in words why the filter refused it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksctl.h"

struct connect_opts {
	const char *device;
	char path[64];
	uint32_t pin;
	bool have_pin;
	const char *format_text;
	struct ks_audio_params format;
	uint32_t access;		/* 0: from the pin's dataflow */
	bool access_assumed;		/* the dataflow could not be asked */
	uint32_t interface;
	uint32_t flags;
	bool hold;
};

static void connect_usage(FILE *out)
{
	fprintf(out,
		"usage: %s connect DEVICE --pin N --format FORMAT\n"
		"              [--access read|write|readwrite] [--interface streaming|looped]\n"
		"              [--nonblock] [--hold]\n"
		"DEVICE is /dev/ksfilterN or a filter name such as ks-loopback.\n"
		"FORMAT is pcm|float|pcm-ext|float-ext:RATE:CHANNELS:BITS, e.g. pcm:48000:2:16.\n"
		"Without --access the pin's dataflow decides (IN: write, OUT: read).\n"
		"--hold keeps the pin open until stdin reaches end of file or a line.\n",
		ksctl_prog);
}

static int parse_u32_arg(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX)
		return -1;
	*out = v;
	return 0;
}

static int parse_access(const char *s, uint32_t *access)
{
	if (!strcmp(s, "read"))
		*access = KS_GENERIC_READ;
	else if (!strcmp(s, "write"))
		*access = KS_GENERIC_WRITE;
	else if (!strcmp(s, "readwrite") || !strcmp(s, "rw"))
		*access = KS_GENERIC_READ | KS_GENERIC_WRITE;
	else
		return -1;
	return 0;
}

static int parse_interface(const char *s, uint32_t *id)
{
	if (!strcmp(s, "streaming") || !strcmp(s, "standard"))
		*id = KSINTERFACE_STANDARD_STREAMING;
	else if (!strcmp(s, "looped"))
		*id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
	else
		return -1;
	return 0;
}

static int parse_args(int argc, char **argv, struct connect_opts *o)
{
	static const struct option opts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "access", required_argument, NULL, 'a' },
		{ "interface", required_argument, NULL, 'i' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "hold", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:f:a:i:nHh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_u32_arg(optarg, &o->pin)) {
				fprintf(stderr, "%s connect: bad pin id '%s'\n",
					ksctl_prog, optarg);
				return -1;
			}
			o->have_pin = true;
			break;
		case 'f':
			o->format_text = optarg;
			if (ks_parse_format(optarg, &o->format) < 0) {
				fprintf(stderr,
					"%s connect: bad format '%s': expected TYPE:RATE:CHANNELS:BITS, e.g. pcm:48000:2:16 or float:48000:2:32\n",
					ksctl_prog, optarg);
				return -1;
			}
			break;
		case 'a':
			if (parse_access(optarg, &o->access)) {
				fprintf(stderr,
					"%s connect: bad access '%s': use read, write or readwrite\n",
					ksctl_prog, optarg);
				return -1;
			}
			break;
		case 'i':
			if (parse_interface(optarg, &o->interface)) {
				fprintf(stderr,
					"%s connect: bad interface '%s': use streaming or looped\n",
					ksctl_prog, optarg);
				return -1;
			}
			break;
		case 'n':
			o->flags |= O_NONBLOCK;
			break;
		case 'H':
			o->hold = true;
			break;
		case 'h':
			connect_usage(stdout);
			exit(KSCTL_OK);
		default:
			return -1;
		}
	}
	if (optind + 1 != argc || !o->have_pin || !o->format_text) {
		fprintf(stderr,
			"%s connect: need a device, --pin and --format\n",
			ksctl_prog);
		return -1;
	}
	o->device = argv[optind];
	return 0;
}

/* A device path, or a filter name looked up in sysfs. */
static int resolve_device(struct connect_opts *o)
{
	int idx;

	if (strchr(o->device, '/')) {
		snprintf(o->path, sizeof(o->path), "%s", o->device);
		return 0;
	}
	idx = ks_find_filter(o->device);
	if (idx < 0) {
		fprintf(stderr,
			"%s: no filter named '%s' (see '%s list')\n",
			ksctl_prog, o->device, ksctl_prog);
		return -1;
	}
	snprintf(o->path, sizeof(o->path), "/dev/ksfilter%d", idx);
	return 0;
}

static int open_mode(uint32_t access)
{
	switch (access) {
	case KS_GENERIC_READ: return O_RDONLY;
	case KS_GENERIC_WRITE: return O_WRONLY;
	default: return O_RDWR;
	}
}

static const char *access_str(uint32_t access)
{
	switch (access) {
	case KS_GENERIC_READ: return "read";
	case KS_GENERIC_WRITE: return "write";
	default: return "readwrite";
	}
}

static int open_filter(struct connect_opts *o)
{
	uint32_t dataflow;
	int fd;

	if (o->access)
		return open(o->path, open_mode(o->access) | O_CLOEXEC);
	fd = open(o->path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		fd = open(o->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fd;
	if (ks_pin_property_u32(fd, o->pin, KSPROPERTY_PIN_DATAFLOW,
				&dataflow) == 0) {
		o->access = dataflow == KSPIN_DATAFLOW_OUT ? KS_GENERIC_READ :
			    KS_GENERIC_WRITE;
	} else {
		/* No properties in this module: assume a render pin. */
		o->access = KS_GENERIC_WRITE;
		o->access_assumed = true;
		fprintf(stderr,
			"%s: cannot ask the pin's dataflow (%s); assuming --access write\n",
			ksctl_prog, strerror(errno));
	}
	return fd;
}

static void show_fdinfo(int pin_fd)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pin_fd);
	f = fopen(path, "re");
	if (!f) {
		printf("(cannot read %s: %s)\n", path, strerror(errno));
		return;
	}
	printf("%s:\n", path);
	while (fgets(line, sizeof(line), f))
		printf("  %s", line);
	fclose(f);
}

static void hold(void)
{
	char buf[64];
	ssize_t n;

	printf("holding the pin open: press Enter or send end of file to close it\n");
	fflush(stdout);
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
		if (memchr(buf, '\n', n))
			break;
	}
}

static void show_pin_ranges(int filter_fd, uint32_t pin)
{
	const struct ks_dataformat *r;
	struct ks_multiple_item *list;

	list = ks_pin_property_list(filter_fd, pin, KSPROPERTY_PIN_DATARANGES);
	if (!list)
		return;
	printf("  the pin's data ranges:\n");
	for (r = ks_list_first(list); r; r = ks_list_next(list, r)) {
		const struct ks_datarange_audio *a = (const void *)r;
		const char *sub = ks_guid_name(&r->sub_format);
		char buf[KS_GUID_STR_LEN];

		printf("    %s", sub ? sub : ks_guid_str(&r->sub_format, buf));
		if (r->format_size >= sizeof(*a))
			printf(": channels <= %u, bits %u-%u, rate %u-%u Hz",
			       a->maximum_channels, a->minimum_bits_per_sample,
			       a->maximum_bits_per_sample,
			       a->minimum_sample_frequency,
			       a->maximum_sample_frequency);
		putchar('\n');
	}
	free(list);
}

static void explain(const struct connect_opts *o, int filter_fd, int err,
		    uint32_t reason)
{
	const char *name = ks_reason_name(reason);

	printf("%s: %s refused pin %u, format %s, access %s: %s (errno %d, %s)\n",
	       ksctl_prog, o->path, o->pin, o->format_text,
	       access_str(o->access), strerrorname_np(err) ?: "?", err,
	       strerror(err));
	if (err == EFAULT || err == ENOMEM) {
		printf("  the kernel could not take the request itself (no reason code).\n");
		return;
	}
	printf("  reason %u (%s): %s\n", reason, name ? name : "unknown",
	       ks_reason_str(reason));
	printf("  what to change: %s\n", ks_reason_hint(reason));
	if (reason == KS_REASON_ACCESS && o->access_assumed)
		printf("  (the access was assumed, not asked: pass --access read for a capture pin)\n");
	if (reason == KS_REASON_FORMAT)
		show_pin_ranges(filter_fd, o->pin);
	if (reason == KS_REASON_FILTER_ACCESS)
		printf("  (%s was opened %s)\n", o->path,
		       open_mode(o->access) == O_RDONLY ? "read-only" :
		       open_mode(o->access) == O_WRONLY ? "write-only" :
		       "read-write");
}

int ksctl_connect(int argc, char **argv)
{
	struct connect_opts o = { .interface = KSINTERFACE_STANDARD_STREAMING };
	union {
		struct ks_pin_connect connect;
		unsigned char bytes[sizeof(struct ks_pin_connect) + 256];
	} req;
	unsigned char fmt[256];
	uint32_t reason = KS_REASON_NONE;
	int filter_fd, pin_fd, size;

	if (parse_args(argc, argv, &o)) {
		connect_usage(stderr);
		return KSCTL_USAGE;
	}
	if (resolve_device(&o))
		return KSCTL_REFUSED;
	filter_fd = open_filter(&o);
	if (filter_fd < 0) {
		fprintf(stderr, "%s: cannot open %s: %s%s\n", ksctl_prog,
			o.path, strerror(errno),
			errno == ENOENT ? " (is the ksfilter module loaded? see 'ksctl list')" :
			errno == EACCES ? " (check the device's group and permissions)" : "");
		return KSCTL_REFUSED;
	}

	size = ks_build_format(&o.format, fmt, sizeof(fmt));
	if (size >= 0)
		size = ks_connect_build(&req, sizeof(req), o.pin, fmt, size);
	if (size < 0) {
		fprintf(stderr, "%s: cannot build the request: %s\n",
			ksctl_prog, strerror(-size));
		close(filter_fd);
		return KSCTL_USAGE;
	}
	ks_connect_set_interface(&req.connect, o.interface);

	pin_fd = ks_create_pin(filter_fd, &req, size, o.access,
			       o.flags | O_CLOEXEC, &reason);
	if (pin_fd < 0) {
		explain(&o, filter_fd, -pin_fd, reason);
		close(filter_fd);
		return KSCTL_REFUSED;
	}
	printf("created pin %u of %s as fd %d: format %s, access %s, interface %s\n",
	       o.pin, o.path, pin_fd, o.format_text, access_str(o.access),
	       o.interface == KSINTERFACE_STANDARD_LOOPED_STREAMING ?
	       "looped" : "streaming");
	show_fdinfo(pin_fd);
	if (o.hold)
		hold();
	close(pin_fd);
	close(filter_fd);
	return KSCTL_OK;
}
