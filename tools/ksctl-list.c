// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl list: the filters in /sys/class/ksfilter and, through
 * KSPROPSETID_Pin, their pin types.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksctl.h"

#define SYSFS_CLASS "/sys/class/ksfilter"
#define MAX_FILTERS 1024

struct filter_info {
	unsigned int index;
	char name[128];
	unsigned int pins;
};

static int read_attr(unsigned int index, const char *attr, char *buf,
		     size_t size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), SYSFS_CLASS "/ksfilter%u/%s", index, attr);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

/* The filter numbers present in sysfs, sorted.  Returns the count or -errno. */
static int scan_filters(unsigned int *idx, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(SYSFS_CLASS);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		char *end;
		unsigned long v;

		if (strncmp(de->d_name, "ksfilter", 8))
			continue;
		v = strtoul(de->d_name + 8, &end, 10);
		if (end == de->d_name + 8 || *end)
			continue;
		idx[n++] = v;
	}
	closedir(d);
	qsort(idx, n, sizeof(*idx), cmp_uint);
	return n;
}

static const char *dataflow_str(uint32_t v)
{
	switch (v) {
	case KSPIN_DATAFLOW_IN: return "in";
	case KSPIN_DATAFLOW_OUT: return "out";
	default: return "unknown";
	}
}

static const char *communication_str(uint32_t v)
{
	static const char * const names[] = {
		"none", "sink", "source", "both", "bridge",
	};

	return v < 5 ? names[v] : "unknown";
}

static const char *guid_text(const struct ks_guid *g, char *buf)
{
	const char *name = ks_guid_name(g);

	return name ? name : ks_guid_str(g, buf);
}

static const char *ident_id_name(const struct ks_identifier *id)
{
	static const struct ks_guid iface = KSINTERFACESETID_STANDARD;
	static const struct ks_guid medium = KSMEDIUMSETID_STANDARD;

	if (ks_guid_eq(&id->set, &iface)) {
		switch (id->id) {
		case KSINTERFACE_STANDARD_STREAMING: return "STREAMING";
		case KSINTERFACE_STANDARD_LOOPED_STREAMING: return "LOOPED_STREAMING";
		case KSINTERFACE_STANDARD_CONTROL: return "CONTROL";
		}
	}
	if (ks_guid_eq(&id->set, &medium) && id->id == KSMEDIUM_TYPE_ANYINSTANCE)
		return "ANYINSTANCE";
	return NULL;
}

/* INTERFACES and MEDIUMS: a KSMULTIPLE_ITEM of ks_identifier. */
static void show_identifiers(int fd, uint32_t pin, uint32_t prop,
			     const char *what, struct json *j)
{
	struct ks_multiple_item *list;
	const struct ks_identifier *ids;
	char buf[KS_GUID_STR_LEN];
	uint32_t i, count;

	list = ks_pin_property_list(fd, pin, prop);
	if (!list) {
		if (!j)
			printf("    %s: (unavailable: %s)\n", what, strerror(errno));
		return;
	}
	ids = (const void *)(list + 1);
	count = (list->size - sizeof(*list)) / sizeof(*ids);
	if (count > list->count)
		count = list->count;
	if (j)
		json_open(j, what, '[');
	else
		printf("    %s:\n", what);
	for (i = 0; i < count; i++) {
		const char *idn = ident_id_name(&ids[i]);

		if (j) {
			json_open(j, NULL, '{');
			json_str(j, "set", ks_guid_str(&ids[i].set, buf));
			json_str(j, "set_name", ks_guid_name(&ids[i].set));
			json_uint(j, "id", ids[i].id);
			json_str(j, "id_name", idn);
			json_close(j, '}');
		} else {
			printf("      %s %u%s%s%s\n", guid_text(&ids[i].set, buf),
			       ids[i].id, idn ? " (" : "", idn ? idn : "",
			       idn ? ")" : "");
		}
	}
	if (j)
		json_close(j, ']');
	free(list);
}

static bool is_audio_range(const struct ks_dataformat *r)
{
	static const struct ks_guid audio = KSDATAFORMAT_TYPE_AUDIO;
	static const struct ks_guid wfx = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;

	return r->format_size >= sizeof(struct ks_datarange_audio) &&
	       ks_guid_eq(&r->major_format, &audio) &&
	       ks_guid_eq(&r->specifier, &wfx);
}

static void show_range(const struct ks_dataformat *r, struct json *j)
{
	const struct ks_datarange_audio *a = (const void *)r;
	char b1[KS_GUID_STR_LEN], b2[KS_GUID_STR_LEN], b3[KS_GUID_STR_LEN];
	bool audio = is_audio_range(r);

	if (!j) {
		printf("      %s / %s / %s", guid_text(&r->major_format, b1),
		       guid_text(&r->sub_format, b2),
		       guid_text(&r->specifier, b3));
		if (audio)
			printf("\n        channels <= %u, bits %u-%u, rate %u-%u Hz",
			       a->maximum_channels, a->minimum_bits_per_sample,
			       a->maximum_bits_per_sample,
			       a->minimum_sample_frequency,
			       a->maximum_sample_frequency);
		if (r->flags & KSDATARANGE_REQUIRED_ATTRIBUTES)
			printf(" (required attributes)");
		putchar('\n');
		return;
	}
	json_open(j, NULL, '{');
	json_str(j, "major_format", ks_guid_str(&r->major_format, b1));
	json_str(j, "sub_format", ks_guid_str(&r->sub_format, b2));
	json_str(j, "specifier", ks_guid_str(&r->specifier, b3));
	json_uint(j, "format_size", r->format_size);
	json_uint(j, "flags", r->flags);
	if (audio) {
		json_open(j, "audio", '{');
		json_uint(j, "maximum_channels", a->maximum_channels);
		json_uint(j, "minimum_bits_per_sample", a->minimum_bits_per_sample);
		json_uint(j, "maximum_bits_per_sample", a->maximum_bits_per_sample);
		json_uint(j, "minimum_sample_frequency", a->minimum_sample_frequency);
		json_uint(j, "maximum_sample_frequency", a->maximum_sample_frequency);
		json_close(j, '}');
	}
	json_close(j, '}');
}

static void show_ranges(int fd, uint32_t pin, struct json *j)
{
	const struct ks_dataformat *r;
	struct ks_multiple_item *list;

	list = ks_pin_property_list(fd, pin, KSPROPERTY_PIN_DATARANGES);
	if (!list) {
		if (!j)
			printf("    data ranges: (unavailable: %s)\n",
			       strerror(errno));
		return;
	}
	if (j)
		json_open(j, "data_ranges", '[');
	else
		printf("    data ranges:\n");
	for (r = ks_list_first(list); r; r = ks_list_next(list, r))
		show_range(r, j);
	if (j)
		json_close(j, ']');
	free(list);
}

static void show_pin(int fd, uint32_t pin, struct json *j)
{
	uint32_t dataflow = 0, comm = 0;
	struct ks_pin_cinstances ci;
	bool have_df, have_comm, have_ci;
	char name[128] = "";

	ks_pin_name(fd, pin, name, sizeof(name));
	have_df = !ks_pin_property_u32(fd, pin, KSPROPERTY_PIN_DATAFLOW, &dataflow);
	have_comm = !ks_pin_property_u32(fd, pin, KSPROPERTY_PIN_COMMUNICATION,
					 &comm);
	have_ci = !ks_pin_property(fd, pin, KSPROPERTY_PIN_CINSTANCES, &ci,
				   sizeof(ci), NULL);
	if (j) {
		json_open(j, NULL, '{');
		json_uint(j, "id", pin);
		json_str(j, "name", name[0] ? name : NULL);
		json_str(j, "dataflow", have_df ? dataflow_str(dataflow) : NULL);
		json_str(j, "communication",
			 have_comm ? communication_str(comm) : NULL);
		if (have_ci) {
			json_open(j, "instances", '{');
			json_uint(j, "possible", ci.possible_count);
			json_uint(j, "current", ci.current_count);
			json_close(j, '}');
		}
	} else {
		printf("  pin %u%s%s%s", pin, name[0] ? " \"" : "", name,
		       name[0] ? "\"" : "");
		if (have_df)
			printf(" dataflow %s", dataflow_str(dataflow));
		if (have_comm)
			printf(" communication %s", communication_str(comm));
		if (have_ci) {
			if (ci.possible_count == KS_INSTANCES_UNLIMITED)
				printf(" instances %u/unlimited", ci.current_count);
			else
				printf(" instances %u/%u", ci.current_count,
				       ci.possible_count);
		}
		putchar('\n');
	}
	show_identifiers(fd, pin, KSPROPERTY_PIN_INTERFACES, "interfaces", j);
	show_identifiers(fd, pin, KSPROPERTY_PIN_MEDIUMS, "mediums", j);
	show_ranges(fd, pin, j);
	if (j)
		json_close(j, '}');
}

static void show_filter(const struct filter_info *f, struct json *j)
{
	bool props;
	char dev[64];
	unsigned int p;
	int fd;

	snprintf(dev, sizeof(dev), "/dev/ksfilter%u", f->index);
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	/* Properties are optional: older modules answer ENOTTY. */
	props = fd >= 0 && ks_pin_count(fd) >= 0;
	if (j) {
		json_open(j, NULL, '{');
		json_uint(j, "index", f->index);
		json_str(j, "device", dev);
		json_str(j, "name", f->name);
		json_uint(j, "pins", f->pins);
		json_bool(j, "properties", props);
		if (props)
			json_open(j, "pin_types", '[');
	} else {
		printf("%s \"%s\": %u pin type%s\n", dev, f->name, f->pins,
		       f->pins == 1 ? "" : "s");
		if (fd < 0)
			printf("  (cannot open %s: %s)\n", dev, strerror(errno));
		else if (!props)
			printf("  (pin details unavailable: %s)\n",
			       strerror(errno));
	}
	for (p = 0; props && p < f->pins; p++)
		show_pin(fd, p, j);
	if (j) {
		if (props)
			json_close(j, ']');
		json_close(j, '}');
	}
	if (fd >= 0)
		close(fd);
}

int ksctl_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned int idx[MAX_FILTERS];
	bool as_json = false;
	struct json j;
	int c, i, n;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'h':
			printf("usage: %s list [--json]\n", ksctl_prog);
			return KSCTL_OK;
		default:
			return KSCTL_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s list: unexpected argument '%s'\n",
			ksctl_prog, argv[optind]);
		return KSCTL_USAGE;
	}

	n = scan_filters(idx, MAX_FILTERS);
	if (n < 0) {
		fprintf(stderr,
			"%s: no %s (%s): is the ksfilter module loaded? Try 'modprobe ksfilter'.\n",
			ksctl_prog, SYSFS_CLASS, strerror(-n));
		return KSCTL_REFUSED;
	}
	if (as_json) {
		json_begin(&j, stdout);
		json_open(&j, NULL, '{');
		json_open(&j, "filters", '[');
	} else if (!n) {
		printf("no filters registered\n");
	}
	for (i = 0; i < n; i++) {
		struct filter_info f = { .index = idx[i] };
		char buf[32];

		read_attr(f.index, "name", f.name, sizeof(f.name));
		if (!read_attr(f.index, "pins", buf, sizeof(buf)))
			f.pins = strtoul(buf, NULL, 10);
		show_filter(&f, as_json ? &j : NULL);
	}
	if (as_json) {
		json_close(&j, ']');
		json_close(&j, '}');
		json_end(&j);
	}
	return KSCTL_OK;
}
