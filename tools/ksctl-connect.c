// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl connect: create a pin from a format given as text or, without one,
 * from the pin's own best format (KSPROPERTY_PIN_DATAINTERSECTION); show its
 * fdinfo, or explain in words why the filter refused it and what the pin
 * accepts.
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
	const char *format_text;	/* --format, or NULL: intersect */
	struct ks_audio_params format;
	char format_desc[128];		/* what was asked for, in words */
	uint32_t access;		/* 0: from the pin's dataflow */
	bool access_assumed;		/* the dataflow could not be asked */
	uint32_t interface;
	bool have_interface;		/* --interface given */
	uint32_t flags;
	bool hold;
};

static void connect_usage(FILE *out)
{
	fprintf(out,
		"usage: %s connect DEVICE --pin N [--format FORMAT]\n"
		"              [--access read|write|readwrite] [--interface streaming|looped]\n"
		"              [--nonblock] [--hold]\n"
		"Create an instance of pin type N and show its fdinfo, or say why the\n"
		"filter refused it and what the pin accepts.\n"
		"DEVICE is /dev/ksfilterN or a filter name such as ks-loopback.\n"
		"FORMAT is pcm|float|pcm-ext|float-ext:RATE:CHANNELS:BITS, e.g. pcm:48000:2:16.\n"
		"Without --format the pin is asked for the best format it offers\n"
		"(KSPROPERTY_PIN_DATAINTERSECTION with a wildcard range); without\n"
		"--interface the pin's first interface is used, and always its first medium.\n"
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
			o->have_interface = true;
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
	if (optind + 1 != argc || !o->have_pin) {
		fprintf(stderr,
			"%s connect: need a device and --pin\n",
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

/* What the pin accepts: its data ranges, in words. */
static void show_pin_ranges(int filter_fd, uint32_t pin)
{
	const struct ks_dataformat *r;
	struct ks_multiple_item *list;
	char text[160];

	list = ks_pin_data_ranges(filter_fd, pin);
	if (!list) {
		printf("  (the pin's data ranges cannot be asked: %s)\n",
		       strerror(errno));
		return;
	}
	printf("  pin %u accepts formats inside one of its data ranges:\n", pin);
	for (r = ks_list_first(list); r; r = ks_list_next(list, r)) {
		ks_range_str(r, text, sizeof(text));
		printf("    %s\n", text);
	}
	if (!ks_list_first(list))
		printf("    (none: this pin type takes no format)\n");
	free(list);
}

/* The pin's interfaces or mediums, in words. */
static void show_pin_identifiers(int filter_fd, uint32_t pin, uint32_t prop,
				 const char *what)
{
	struct ks_multiple_item *list = ks_pin_property_list(filter_fd, pin, prop);
	const struct ks_identifier *ids;
	char buf[KS_GUID_STR_LEN];
	uint32_t i, count;

	if (!list)
		return;
	ids = ks_list_identifiers(list, &count);
	printf("  pin %u offers the %s:", pin, what);
	for (i = 0; i < count; i++) {
		const char *name = ks_identifier_name(&ids[i]);
		const char *set = ks_guid_name(&ids[i].set);

		printf("%s %s/", i ? "," : "",
		       set ? set : ks_guid_str(&ids[i].set, buf));
		if (name)
			printf("%s", name);
		else
			printf("%u", ids[i].id);
	}
	putchar('\n');
	free(list);
}

static void show_pin_instances(int filter_fd, uint32_t pin)
{
	struct ks_pin_cinstances ci;

	if (ks_pin_cinstances(filter_fd, pin, &ci) < 0)
		return;
	if (ci.possible_count == KS_INSTANCES_UNLIMITED)
		printf("  pin %u has %u instances (no limit)\n", pin,
		       ci.current_count);
	else
		printf("  pin %u has %u of %u possible instances\n", pin,
		       ci.current_count, ci.possible_count);
}

static void explain(const struct connect_opts *o, int filter_fd, int err,
		    uint32_t reason)
{
	const char *name = ks_reason_name(reason);

	printf("%s: %s refused pin %u, format %s, access %s: %s (errno %d, %s)\n",
	       ksctl_prog, o->path, o->pin, o->format_desc,
	       access_str(o->access), strerrorname_np(err) ?: "?", err,
	       strerror(err));
	if (err == EFAULT || err == ENOMEM) {
		printf("  the kernel could not take the request itself (no reason code).\n");
		return;
	}
	printf("  reason %u (%s): %s\n", reason, name ? name : "unknown",
	       ks_reason_str(reason));
	printf("  what to change: %s\n", ks_reason_hint(reason));
	switch (reason) {
	case KS_REASON_ACCESS:
		if (o->access_assumed)
			printf("  (the access was assumed, not asked: pass --access read for a capture pin)\n");
		break;
	case KS_REASON_FORMAT:
	case KS_REASON_FORMAT_SIZE:
		show_pin_ranges(filter_fd, o->pin);
		break;
	case KS_REASON_INTERFACE:
		show_pin_identifiers(filter_fd, o->pin,
				     KSPROPERTY_PIN_INTERFACES, "interfaces");
		break;
	case KS_REASON_MEDIUM:
		show_pin_identifiers(filter_fd, o->pin, KSPROPERTY_PIN_MEDIUMS,
				     "mediums");
		break;
	case KS_REASON_INSTANCES:
		show_pin_instances(filter_fd, o->pin);
		break;
	case KS_REASON_FILTER_ACCESS:
		printf("  (%s was opened %s)\n", o->path,
		       open_mode(o->access) == O_RDONLY ? "read-only" :
		       open_mode(o->access) == O_WRONLY ? "write-only" :
		       "read-write");
		break;
	}
}

/* The first entry of the pin's INTERFACES or MEDIUMS into @id; false if none. */
static bool first_identifier(int filter_fd, uint32_t pin, uint32_t prop,
			     struct ks_identifier *id)
{
	struct ks_multiple_item *list = ks_pin_property_list(filter_fd, pin, prop);
	const struct ks_identifier *ids;
	uint32_t count;

	if (!list)
		return false;
	ids = ks_list_identifiers(list, &count);
	if (count)
		*id = ids[0];
	free(list);
	return count > 0;
}

/*
 * The format to connect with: --format, or the pin's best format by
 * intersection with a wildcard range.  Returns an allocated format and its
 * size in *@size, or NULL after saying why.
 */
static void *choose_format(struct connect_opts *o, int filter_fd,
			   uint32_t *size)
{
	void *fmt;
	int ret;

	if (o->format_text) {
		fmt = malloc(sizeof(struct ks_dataformat_waveformatextensible));
		if (!fmt)
			return NULL;
		ret = ks_build_format(&o->format, fmt,
				      sizeof(struct ks_dataformat_waveformatextensible));
		if (ret < 0) {
			fprintf(stderr, "%s: cannot build the format: %s\n",
				ksctl_prog, strerror(-ret));
			free(fmt);
			return NULL;
		}
		*size = ret;
		snprintf(o->format_desc, sizeof(o->format_desc), "%s",
			 o->format_text);
		return fmt;
	}
	fmt = ks_pin_intersect(filter_fd, o->pin, NULL, 0, size);
	if (!fmt) {
		int err = errno;

		printf("%s: %s pin %u offers no format (data intersection failed: %s)\n",
		       ksctl_prog, o->path, o->pin, strerror(err));
		if (err == EDOM)
			show_pin_ranges(filter_fd, o->pin);
		else if (err == ENOTTY)
			printf("  this ksfilter module does not answer properties: pass --format\n");
		else if (err == EINVAL)
			printf("  is pin %u one of the filter's pin types? (see '%s list')\n",
			       o->pin, ksctl_prog);
		return NULL;
	}
	ks_format_str(fmt, *size, o->format_desc, sizeof(o->format_desc));
	printf("best format of pin %u by data intersection: %s\n", o->pin,
	       o->format_desc);
	return fmt;
}

int ksctl_connect(int argc, char **argv)
{
	struct connect_opts o = { .interface = KSINTERFACE_STANDARD_STREAMING };
	uint32_t reason = KS_REASON_NONE, fmt_size = 0, size = 0;
	struct ks_pin_connect *req;
	int filter_fd, pin_fd;
	void *fmt;

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

	fmt = choose_format(&o, filter_fd, &fmt_size);
	if (!fmt) {
		close(filter_fd);
		return o.format_text ? KSCTL_USAGE : KSCTL_REFUSED;
	}
	req = ks_connect_alloc(o.pin, fmt, fmt_size, &size);
	free(fmt);
	if (!req) {
		fprintf(stderr, "%s: cannot build the request: %s\n",
			ksctl_prog, strerror(errno));
		close(filter_fd);
		return KSCTL_USAGE;
	}
	/*
	 * What a graph builder does: the pin's own first interface and medium
	 * (the defaults of a pin that lists none), unless told otherwise.
	 */
	if (o.have_interface ||
	    !first_identifier(filter_fd, o.pin, KSPROPERTY_PIN_INTERFACES,
			      &req->interface))
		ks_connect_set_interface(req, o.interface);
	first_identifier(filter_fd, o.pin, KSPROPERTY_PIN_MEDIUMS, &req->medium);

	pin_fd = ks_create_pin(filter_fd, req, size, o.access,
			       o.flags | O_CLOEXEC, &reason);
	if (pin_fd < 0) {
		explain(&o, filter_fd, -pin_fd, reason);
		free(req);
		close(filter_fd);
		return KSCTL_REFUSED;
	}
	{
		const char *iname = ks_identifier_name(&req->interface);

		printf("created pin %u of %s as fd %d: format %s, access %s, interface %s\n",
		       o.pin, o.path, pin_fd, o.format_desc,
		       access_str(o.access), iname ? iname : "(listed)");
	}
	free(req);
	show_fdinfo(pin_fd);
	if (o.hold)
		hold();
	close(pin_fd);
	close(filter_fd);
	return KSCTL_OK;
}
