// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl list / ksctl show: the filters in /sys/class/ksfilter and, through
 * KSPROPSETID_Pin, General and Topology, everything a client needs to
 * connect to their pin types.
 *
 * --json prints one object; the keys below are stable (new keys may be
 * added, none is renamed or removed).  A value the module could not report
 * is null.
 *
 *   { "filters": [ {
 *       "index": 0, "device": "/dev/ksfilter0", "name": "ks-loopback",
 *       "pins": 2,                       number of pin types (sysfs)
 *       "properties": true,              the module answers KS_IOCTL_PROPERTY
 *       "error": null,                   why the filter could not be asked
 *       "categories": [ GUID, ... ],     KSPROPERTY_TOPOLOGY_CATEGORIES
 *       "component_id": { "manufacturer": "...", "product": "...",
 *                         "component": "...", "name": "...",
 *                         "version": 1, "revision": 0 },
 *       "pin_types": [ {
 *         "id": 0, "name": "Render",
 *         "dataflow": "in" | "out",
 *         "communication": "none" | "sink" | "source" | "both" | "bridge",
 *         "instances": { "current": 0, "possible": 1, "unlimited": false },
 *         "global_instances": { same },
 *         "necessary_instances": 0,
 *         "category": GUID,
 *         "interfaces": [ IDENT, ... ],  in the pin's order
 *         "mediums": [ IDENT, ... ],
 *         "data_ranges": [ {
 *           "text": "pcm 1-8ch 8-32bit 8000-384000Hz",
 *           "major_format": "...", "sub_format": "...", "specifier": "...",
 *           "format_size": 88, "flags": 0,
 *           "audio": { "maximum_channels": 8, "minimum_bits_per_sample": 8,
 *                      "maximum_bits_per_sample": 32,
 *                      "minimum_sample_frequency": 8000,
 *                      "maximum_sample_frequency": 384000 },   audio only
 *           "attributes": [ { "attribute": GUID-TEXT, "flags": 1,
 *                             "required": true } ]     when it has any
 *         } ]
 *       } ]
 *   } ] }
 *
 * GUID is { "guid": "6994AD04-93EF-11D0-A3CC-00A0C9223196",
 * "name": "KSCATEGORY_AUDIO" or null }; IDENT is { "set": "...",
 * "set_name": "KSINTERFACESETID_STANDARD" or null, "id": 0,
 * "id_name": "STREAMING" or null }.
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

/* A GUID's name without its KS prefix ("AUDIO", "Standard"), or its text. */
static const char *short_name(const struct ks_guid *g, char *buf)
{
	static const struct {
		const char *prefix, *replace;
	} strip[] = {
		{ "KSCATEGORY_", "" },
		{ "KSINTERFACESETID_STANDARD", "Standard" },
		{ "KSINTERFACESETID_FILEIO", "FileIo" },
		{ "KSMEDIUMSETID_STANDARD", "Standard" },
	};
	const char *name = ks_guid_name(g);
	size_t i, n;

	if (!name)
		return ks_guid_str(g, buf);
	for (i = 0; i < sizeof(strip) / sizeof(strip[0]); i++) {
		n = strlen(strip[i].prefix);
		if (strncmp(name, strip[i].prefix, n))
			continue;
		return *strip[i].replace ? strip[i].replace : name + n;
	}
	return name;
}

static void json_guid(struct json *j, const char *key, const struct ks_guid *g)
{
	char buf[KS_GUID_STR_LEN];

	json_open(j, key, '{');
	json_str(j, "guid", ks_guid_str(g, buf));
	json_str(j, "name", ks_guid_name(g));
	json_close(j, '}');
}

/* ---- pins ---- */

/* INTERFACES and MEDIUMS: a KSMULTIPLE_ITEM of ks_identifier. */
static void show_identifiers(int fd, uint32_t pin, uint32_t prop,
			     const char *what, struct json *j)
{
	const struct ks_identifier *ids;
	struct ks_multiple_item *list;
	char buf[KS_GUID_STR_LEN];
	uint32_t i, count;

	list = ks_pin_property_list(fd, pin, prop);
	if (!list) {
		if (j)
			json_str(j, what, NULL);
		else
			printf("    %-11s (unavailable: %s)\n", what,
			       strerror(errno));
		return;
	}
	ids = ks_list_identifiers(list, &count);
	if (j)
		json_open(j, what, '[');
	else
		printf("    %-11s", what);
	for (i = 0; i < count; i++) {
		const char *idn = ks_identifier_name(&ids[i]);

		if (j) {
			json_open(j, NULL, '{');
			json_str(j, "set", ks_guid_str(&ids[i].set, buf));
			json_str(j, "set_name", ks_guid_name(&ids[i].set));
			json_uint(j, "id", ids[i].id);
			json_str(j, "id_name", idn);
			json_close(j, '}');
		} else if (idn) {
			printf("%s %s %s", i ? "," : "",
			       short_name(&ids[i].set, buf), idn);
		} else {
			printf("%s %s/%u", i ? "," : "",
			       short_name(&ids[i].set, buf), ids[i].id);
		}
	}
	if (j)
		json_close(j, ']');
	else
		printf("%s\n", count ? "" : " (none)");
	free(list);
}

static void json_attributes(struct json *j,
			    const struct ks_multiple_item *attrs)
{
	const struct ks_attribute *a = (const void *)(attrs + 1);
	size_t off = sizeof(*attrs);
	char buf[KS_GUID_STR_LEN];
	uint32_t i;

	json_open(j, "attributes", '[');
	for (i = 0; i < attrs->count; i++) {
		if (off + sizeof(*a) > attrs->size || a->size < sizeof(*a))
			break;
		json_open(j, NULL, '{');
		json_str(j, "attribute", ks_guid_str(&a->attribute, buf));
		json_uint(j, "flags", a->flags);
		json_bool(j, "required", a->flags & KSATTRIBUTE_REQUIRED);
		json_close(j, '}');
		off += (a->size + 7) & ~7u;
		a = (const void *)((const char *)attrs + off);
	}
	json_close(j, ']');
}

static void json_range(struct json *j, const struct ks_multiple_item *list,
		       const struct ks_dataformat *r)
{
	const struct ks_datarange_audio *a = (const void *)r;
	char b[KS_GUID_STR_LEN], text[160];
	const struct ks_multiple_item *attrs;

	ks_range_str(r, text, sizeof(text));
	json_open(j, NULL, '{');
	json_str(j, "text", text);
	json_str(j, "major_format", ks_guid_str(&r->major_format, b));
	json_str(j, "sub_format", ks_guid_str(&r->sub_format, b));
	json_str(j, "specifier", ks_guid_str(&r->specifier, b));
	json_uint(j, "format_size", r->format_size);
	json_uint(j, "flags", r->flags);
	if (ks_range_is_audio(r)) {
		json_open(j, "audio", '{');
		json_uint(j, "maximum_channels", a->maximum_channels);
		json_uint(j, "minimum_bits_per_sample", a->minimum_bits_per_sample);
		json_uint(j, "maximum_bits_per_sample", a->maximum_bits_per_sample);
		json_uint(j, "minimum_sample_frequency", a->minimum_sample_frequency);
		json_uint(j, "maximum_sample_frequency", a->maximum_sample_frequency);
		json_close(j, '}');
	}
	attrs = ks_list_attributes(list, r);
	if (attrs)
		json_attributes(j, attrs);
	json_close(j, '}');
}

static void show_ranges(int fd, uint32_t pin, struct json *j)
{
	const struct ks_dataformat *r;
	struct ks_multiple_item *list;
	char text[160];
	int n = 0;

	list = ks_pin_data_ranges(fd, pin);
	if (!list) {
		if (j)
			json_str(j, "data_ranges", NULL);
		else
			printf("    %-11s (unavailable: %s)\n", "ranges",
			       strerror(errno));
		return;
	}
	if (j)
		json_open(j, "data_ranges", '[');
	for (r = ks_list_first(list); r; r = ks_list_next(list, r), n++) {
		if (j) {
			json_range(j, list, r);
			continue;
		}
		ks_range_str(r, text, sizeof(text));
		printf("    %-11s %s\n", n ? "" : "ranges", text);
	}
	if (j)
		json_close(j, ']');
	else if (!n)
		printf("    %-11s (none)\n", "ranges");
	free(list);
}

static void json_instances(struct json *j, const char *key, bool have,
			   const struct ks_pin_cinstances *ci)
{
	if (!have) {
		json_str(j, key, NULL);
		return;
	}
	json_open(j, key, '{');
	json_uint(j, "current", ci->current_count);
	json_uint(j, "possible", ci->possible_count);
	json_bool(j, "unlimited", ci->possible_count == KS_INSTANCES_UNLIMITED);
	json_close(j, '}');
}

struct pin_info {
	char name[128];
	uint32_t dataflow, comm, necessary;
	struct ks_pin_cinstances ci, gci;
	struct ks_guid category;
	bool have_name, have_df, have_comm, have_nec, have_ci, have_gci,
	     have_cat;
};

static void get_pin(int fd, uint32_t pin, struct pin_info *p)
{
	memset(p, 0, sizeof(*p));
	p->have_name = !ks_pin_name(fd, pin, p->name, sizeof(p->name));
	p->have_df = !ks_pin_dataflow(fd, pin, &p->dataflow);
	p->have_comm = !ks_pin_communication(fd, pin, &p->comm);
	p->have_ci = !ks_pin_cinstances(fd, pin, &p->ci);
	p->have_gci = !ks_pin_global_cinstances(fd, pin, &p->gci);
	p->have_nec = !ks_pin_necessary_instances(fd, pin, &p->necessary);
	p->have_cat = !ks_pin_category(fd, pin, &p->category);
}

static void print_pin_line(uint32_t pin, const struct pin_info *p)
{
	static const struct ks_guid null_guid = KS_GUID_NULL;
	char buf[KS_GUID_STR_LEN], quoted[140];

	snprintf(quoted, sizeof(quoted), "\"%s\"", p->have_name ? p->name : "");
	printf("  pin %-2u %-10s %-4s %-7s", pin, p->have_name ? quoted : "-",
	       p->have_df ? dataflow_str(p->dataflow) : "?",
	       p->have_comm ? communication_str(p->comm) : "?");
	if (p->have_ci) {
		if (p->ci.possible_count == KS_INSTANCES_UNLIMITED)
			printf(" instances %u/unlimited", p->ci.current_count);
		else
			printf(" instances %u/%u", p->ci.current_count,
			       p->ci.possible_count);
	}
	if (p->have_nec)
		printf(", necessary %u", p->necessary);
	if (p->have_cat && !ks_guid_eq(&p->category, &null_guid))
		printf("  category %s", short_name(&p->category, buf));
	putchar('\n');
}

static void show_pin(int fd, uint32_t pin, struct json *j)
{
	struct pin_info p;

	get_pin(fd, pin, &p);
	if (j) {
		json_open(j, NULL, '{');
		json_uint(j, "id", pin);
		json_str(j, "name", p.have_name ? p.name : NULL);
		json_str(j, "dataflow", p.have_df ? dataflow_str(p.dataflow) : NULL);
		json_str(j, "communication",
			 p.have_comm ? communication_str(p.comm) : NULL);
		json_instances(j, "instances", p.have_ci, &p.ci);
		json_instances(j, "global_instances", p.have_gci, &p.gci);
		if (p.have_nec)
			json_uint(j, "necessary_instances", p.necessary);
		else
			json_str(j, "necessary_instances", NULL);
		if (p.have_cat)
			json_guid(j, "category", &p.category);
		else
			json_str(j, "category", NULL);
	} else {
		print_pin_line(pin, &p);
	}
	show_identifiers(fd, pin, KSPROPERTY_PIN_INTERFACES, "interfaces", j);
	show_identifiers(fd, pin, KSPROPERTY_PIN_MEDIUMS, "mediums", j);
	show_ranges(fd, pin, j);
	if (j)
		json_close(j, '}');
}

/* ---- filters ---- */

static void show_categories(int fd, struct json *j)
{
	struct ks_multiple_item *list = ks_filter_categories(fd);
	const struct ks_guid *g;
	char buf[KS_GUID_STR_LEN];
	uint32_t i, count;

	if (!list) {
		if (j)
			json_str(j, "categories", NULL);
		return;
	}
	g = ks_list_guids(list, &count);
	if (j)
		json_open(j, "categories", '[');
	else
		printf("  categories:");
	for (i = 0; i < count; i++) {
		if (j)
			json_guid(j, NULL, &g[i]);
		else
			printf("%s %s", i ? "," : "", short_name(&g[i], buf));
	}
	if (j)
		json_close(j, ']');
	else
		printf("%s\n", count ? "" : " (none)");
	free(list);
}

static void show_component(int fd, struct json *j)
{
	char b[KS_GUID_STR_LEN];
	struct ks_componentid c;

	if (ks_filter_component_id(fd, &c) < 0) {
		if (j)
			json_str(j, "component_id", NULL);
		return;
	}
	if (!j) {
		printf("  component:  manufacturer %s", ks_guid_str(&c.manufacturer, b));
		printf(", product %s, version %u.%u\n",
		       ks_guid_str(&c.product, b), c.version, c.revision);
		return;
	}
	json_open(j, "component_id", '{');
	json_str(j, "manufacturer", ks_guid_str(&c.manufacturer, b));
	json_str(j, "product", ks_guid_str(&c.product, b));
	json_str(j, "component", ks_guid_str(&c.component, b));
	json_str(j, "name", ks_guid_str(&c.name, b));
	json_uint(j, "version", c.version);
	json_uint(j, "revision", c.revision);
	json_close(j, '}');
}

/* Returns false when the filter could not be opened or asked. */
static bool show_filter(const struct filter_info *f, struct json *j)
{
	const char *err = NULL;
	bool props = false;
	unsigned int p;
	char dev[64];
	int fd, n;

	snprintf(dev, sizeof(dev), "/dev/ksfilter%u", f->index);
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = strerror(errno);
	} else {
		/* Properties are optional: older modules answer ENOTTY. */
		n = ks_pin_count(fd);
		props = n >= 0;
		if (!props)
			err = strerror(-n);
	}
	if (j) {
		json_open(j, NULL, '{');
		json_uint(j, "index", f->index);
		json_str(j, "device", dev);
		json_str(j, "name", f->name);
		json_uint(j, "pins", f->pins);
		json_bool(j, "properties", props);
		json_str(j, "error", err);
	} else {
		printf("%s  %s  (%u pin type%s)\n", dev, f->name, f->pins,
		       f->pins == 1 ? "" : "s");
		if (fd < 0)
			printf("  (cannot open %s: %s; check its permissions)\n",
			       dev, err);
		else if (!props)
			printf("  (pin details unavailable: %s)\n", err);
	}
	if (props) {
		show_categories(fd, j);
		show_component(fd, j);
		if (j)
			json_open(j, "pin_types", '[');
		for (p = 0; p < f->pins; p++)
			show_pin(fd, p, j);
		if (j)
			json_close(j, ']');
	}
	if (j)
		json_close(j, '}');
	if (fd >= 0)
		close(fd);
	return props;
}

static void list_usage(FILE *out, const char *cmd)
{
	if (!strcmp(cmd, "show"))
		fprintf(out, "usage: %s show [--json] FILTER\n", ksctl_prog);
	else
		fprintf(out, "usage: %s list [--json] [FILTER...]\n", ksctl_prog);
	fprintf(out,
		"Show filters and their pin types: dataflow, communication, instances\n"
		"(current/possible, necessary), category, interfaces, mediums and data\n"
		"ranges, as KSPROPSETID_Pin reports them.  FILTER is /dev/ksfilterN or a\n"
		"filter name such as ks-loopback; without one, every filter is listed.\n"
		"--json prints the same as one JSON object (keys documented in\n"
		"tools/ksctl-list.c; stable).\n");
}

/* ksctl list [--json] [FILTER...], and ksctl show FILTER (argv[0]). */
int ksctl_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned int idx[MAX_FILTERS];
	bool show = !strcmp(argv[0], "show");
	bool as_json = false, ok = true;
	struct json j;
	int c, i, n;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'h':
			list_usage(stdout, argv[0]);
			return KSCTL_OK;
		default:
			list_usage(stderr, argv[0]);
			return KSCTL_USAGE;
		}
	}
	if (show && optind + 1 != argc) {
		list_usage(stderr, argv[0]);
		return KSCTL_USAGE;
	}

	if (optind < argc) {
		for (n = 0; optind + n < argc && n < MAX_FILTERS; n++) {
			int v = ksctl_filter_arg(argv[optind + n]);

			if (v < 0)
				return KSCTL_REFUSED;
			idx[n] = v;
		}
	} else {
		n = scan_filters(idx, MAX_FILTERS);
		if (n < 0) {
			fprintf(stderr,
				"%s: no %s (%s): is the ksfilter module loaded? Try 'modprobe ksfilter'.\n",
				ksctl_prog, SYSFS_CLASS, strerror(-n));
			return KSCTL_REFUSED;
		}
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

		if (read_attr(f.index, "name", f.name, sizeof(f.name)) &&
		    optind < argc) {
			fprintf(stderr, "%s: no filter ksfilter%u in %s\n",
				ksctl_prog, f.index, SYSFS_CLASS);
			ok = false;
			continue;
		}
		if (!read_attr(f.index, "pins", buf, sizeof(buf)))
			f.pins = strtoul(buf, NULL, 10);
		if (!show_filter(&f, as_json ? &j : NULL) && optind < argc)
			ok = false;
	}
	if (as_json) {
		json_close(&j, ']');
		json_close(&j, '}');
		json_end(&j);
	}
	return ok ? KSCTL_OK : KSCTL_REFUSED;
}
