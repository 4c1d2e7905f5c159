// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl control: read or set a node control of a filter, as a Windows
 * mixer does (KSPROPSETID_Audio with KSPROPERTY_TYPE_TOPOLOGY): a volume
 * in dB (the kernel's unit is 1/65536 dB), a mute on or off, a mux's
 * input.  Without --node the first node that has the control is used;
 * without --channel every channel (a SET with channel 0xFFFFFFFF).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ksctl.h"

struct control_opts {
	const char *filter;
	const char *control_name;
	const char *value_text;
	uint32_t control;
	bool have_node, have_channel, have_value;
	uint32_t node, channel;
	int32_t value;
	/* Filled in as the command goes. */
	char dev[32], name[128], node_label[160];
	int fd;
};

static void control_usage(FILE *out)
{
	fprintf(out,
		"usage: %s control FILTER [--node N] volume|mute|mux [--channel C] [VALUE]\n"
		"Read (no VALUE) or set a node control of FILTER's topology, as\n"
		"KSPROPSETID_Audio with KSPROPERTY_TYPE_TOPOLOGY: volume in dB (\"-6.02\",\n"
		"\"-6.02dB\"; the kernel rounds to the control's step and clamps to its\n"
		"range), mute on|off|1|0, mux an input index.  Without --node, the first\n"
		"node that has the control; without --channel, every channel (a read\n"
		"shows each, a set sets all).  See '%s topology FILTER' for the nodes.\n",
		ksctl_prog, ksctl_prog);
}

static int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || x > UINT32_MAX)
		return -1;
	*v = x;
	return 0;
}

/* VALUE in the control's words; 0 or -1 (message printed). */
static int parse_value(struct control_opts *o)
{
	const char *s = o->value_text;
	uint32_t u;

	switch (o->control) {
	case KSPROPERTY_AUDIO_VOLUMELEVEL:
		if (!ksctl_parse_db(s, &o->value))
			return 0;
		fprintf(stderr,
			"%s control: bad volume '%s': expected dB such as -6.02, -6.0206dB or +3\n",
			ksctl_prog, s);
		return -1;
	case KSPROPERTY_AUDIO_MUTE:
		if (!strcasecmp(s, "on") || !strcmp(s, "1") ||
		    !strcasecmp(s, "true") || !strcasecmp(s, "yes")) {
			o->value = 1;
			return 0;
		}
		if (!strcasecmp(s, "off") || !strcmp(s, "0") ||
		    !strcasecmp(s, "false") || !strcasecmp(s, "no")) {
			o->value = 0;
			return 0;
		}
		fprintf(stderr, "%s control: bad mute '%s': expected on, off, 1 or 0\n",
			ksctl_prog, s);
		return -1;
	default:
		if (!parse_u32(s, &u) && u <= INT32_MAX) {
			o->value = u;
			return 0;
		}
		fprintf(stderr, "%s control: bad mux input '%s': expected an input index (0, 1, ...)\n",
			ksctl_prog, s);
		return -1;
	}
}

/*
 * The command line.  Parsed by hand, not by getopt: a volume such as
 * "-6" is a VALUE, not an option.
 */
static int parse_args(int argc, char **argv, struct control_opts *o)
{
	const char *pos[3];
	int i, npos = 0;
	bool opts_done = false;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		bool is_node, is_channel;

		if (opts_done || a[0] != '-' || !a[1] ||
		    (a[1] >= '0' && a[1] <= '9') || a[1] == '.') {
			if (npos == 3) {
				fprintf(stderr, "%s control: unexpected argument '%s'\n",
					ksctl_prog, a);
				return -1;
			}
			pos[npos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			control_usage(stdout);
			exit(KSCTL_OK);
		}
		is_node = !strcmp(a, "--node") || !strcmp(a, "-n") ||
			  !strncmp(a, "--node=", 7);
		is_channel = !strcmp(a, "--channel") || !strcmp(a, "-c") ||
			     !strncmp(a, "--channel=", 10);
		if (!is_node && !is_channel) {
			fprintf(stderr, "%s control: unknown option '%s'\n",
				ksctl_prog, a);
			return -1;
		}
		val = strchr(a, '=');
		if (val)
			val++;
		else if (i + 1 < argc)
			val = argv[++i];
		if (!val) {
			fprintf(stderr, "%s control: %s needs a number\n",
				ksctl_prog, a);
			return -1;
		}
		if (parse_u32(val, is_node ? &o->node : &o->channel)) {
			fprintf(stderr, "%s control: bad %s '%s'\n", ksctl_prog,
				is_node ? "node" : "channel", val);
			return -1;
		}
		if (is_node)
			o->have_node = true;
		else
			o->have_channel = true;
	}
	if (npos < 2) {
		fprintf(stderr, "%s control: need a filter and a control (volume, mute or mux)\n",
			ksctl_prog);
		return -1;
	}
	o->filter = pos[0];
	o->control_name = pos[1];
	if (ksctl_control_id(o->control_name, &o->control)) {
		fprintf(stderr, "%s control: unknown control '%s': volume, mute or mux\n",
			ksctl_prog, o->control_name);
		return -1;
	}
	if (npos == 3) {
		o->value_text = pos[2];
		o->have_value = true;
		if (parse_value(o))
			return -2;	/* said what is wrong: no usage */
	}
	if (o->have_channel && o->control == KSPROPERTY_AUDIO_MUX_SOURCE) {
		fprintf(stderr, "%s control: a mux has no channels: leave out --channel\n",
			ksctl_prog);
		return -1;
	}
	return 0;
}

static void print_errno(int err)
{
	fprintf(stderr, "%s (errno %d, %s)\n", strerror(err), err,
		strerrorname_np(err) ?: "?");
}

/* "node 0 (Volume)" or "node 3 (MUX)" */
static void set_node_label(struct control_opts *o,
			   const struct ks_guid *type)
{
	char name[128], g[KS_GUID_STR_LEN];

	if (!ks_node_name(o->fd, o->node, name, sizeof(name)) && name[0])
		snprintf(o->node_label, sizeof(o->node_label), "node %u (%s)",
			 o->node, name);
	else if (type)
		snprintf(o->node_label, sizeof(o->node_label), "node %u (%s)",
			 o->node, ksctl_node_type_str(type, g));
	else
		snprintf(o->node_label, sizeof(o->node_label), "node %u",
			 o->node);
}

/*
 * The node: --node's, checked to have the control, or the first that has
 * it.  Returns its description, or NULL (message printed).
 */
static struct ks_node_description *find_node(struct control_opts *o)
{
	struct ks_multiple_item *nodes = ks_topology_nodes(o->fd);
	struct ks_node_description *d = NULL;
	const struct ks_guid *types = NULL;
	uint32_t n = 0, i;
	int err;

	if (!nodes) {
		err = errno;
		fprintf(stderr, "%s control: %s (%s): cannot read its nodes: ",
			ksctl_prog, o->dev, o->name);
		print_errno(err);
		if (err == ENOENT || err == ENOTTY)
			fprintf(stderr, "  this ksfilter module predates filter topology: load a newer one\n");
		return NULL;
	}
	types = ks_list_guids(nodes, &n);
	if (o->have_node) {
		d = ks_node_describe(o->fd, o->node, o->control);
		err = errno;
		set_node_label(o, o->node < n ? &types[o->node] : NULL);
		if (!d) {
			fprintf(stderr, "%s control: %s %s %s: ", ksctl_prog,
				o->name, o->node_label, o->control_name);
			print_errno(err);
			if (err == EINVAL)
				fprintf(stderr, "  %s has %u node%s%s (see '%s topology %s')\n",
					o->name, n, n == 1 ? "" : "s",
					n ? "" : ", so no controls",
					ksctl_prog, o->filter);
			else if (err == ENOENT)
				fprintf(stderr, "  node %u has no %s control (see '%s topology %s')\n",
					o->node, o->control_name, ksctl_prog,
					o->filter);
		}
		free(nodes);
		return d;
	}
	for (i = 0; i < n && !d; i++) {
		d = ks_node_describe(o->fd, i, o->control);
		if (d) {
			o->node = i;
			set_node_label(o, &types[i]);
		}
	}
	if (!d) {
		if (!n)
			fprintf(stderr,
				"%s control: %s (%s) has no topology nodes, so no %s control\n"
				"  a filter answers node controls only when its driver declares nodes (see '%s topology %s')\n",
				ksctl_prog, o->name, o->dev, o->control_name,
				ksctl_prog, o->filter);
		else
			fprintf(stderr,
				"%s control: none of the %u nodes of %s (%s) has a %s control (see '%s topology %s')\n",
				ksctl_prog, n, o->name, o->dev, o->control_name,
				ksctl_prog, o->filter);
	}
	free(nodes);
	return d;
}

static const char *value_str(uint32_t control, int32_t v, char *buf,
			     size_t size)
{
	char db[32];

	switch (control) {
	case KSPROPERTY_AUDIO_VOLUMELEVEL:
		snprintf(buf, size, "%s dB", ksctl_db_str(v, false, db,
							  sizeof(db)));
		break;
	case KSPROPERTY_AUDIO_MUTE:
		snprintf(buf, size, "%s", v ? "on" : "off");
		break;
	default:
		snprintf(buf, size, "input %d", v);
		break;
	}
	return buf;
}

/* The range of @channel as the description gives it, or NULL. */
static const struct ks_node_range *range_of(const struct ks_node_description *d,
					    uint32_t channel)
{
	if (!d->ranges_count)
		return NULL;
	if (d->multichannel && channel < d->ranges_count)
		return &d->ranges[channel];
	return &d->ranges[0];
}

static void print_header(const struct control_opts *o,
			 const struct ks_node_description *d, int channels)
{
	const struct ks_node_range *r = range_of(d, 0);
	char a[32], b[32], s[32];

	printf("%s %s %s", o->name, o->node_label, o->control_name);
	if (o->control != KSPROPERTY_AUDIO_MUX_SOURCE)
		printf(", %d channel%s", channels, channels == 1 ? "" : "s");
	if (r && o->control == KSPROPERTY_AUDIO_VOLUMELEVEL)
		printf(": range %s..%s dB, step %s dB",
		       ksctl_db_str(r->minimum, true, a, sizeof(a)),
		       ksctl_db_str(r->maximum, true, b, sizeof(b)),
		       ksctl_step_str(r->step, s, sizeof(s)));
	else if (r && o->control == KSPROPERTY_AUDIO_MUX_SOURCE)
		printf(": inputs %d..%d", r->minimum, r->maximum);
	printf("\n");
}

/* Print channel @ch's value (all of them for ALL); 0 or -1 (printed). */
static int show_values(const struct control_opts *o, int channels,
		       uint32_t only)
{
	uint32_t ch, first = 0, last = channels - 1;
	char v[48];
	int32_t value;
	int ret;

	if (only != KS_NODE_ALL_CHANNELS)
		first = last = only;
	for (ch = first; ch <= last; ch++) {
		ret = ks_node_get(o->fd, o->node, o->control, ch, &value);
		if (ret < 0) {
			fprintf(stderr, "%s control: %s %s %s channel %u: GET: ",
				ksctl_prog, o->name, o->node_label,
				o->control_name, ch);
			print_errno(-ret);
			if (ret == -EINVAL)
				fprintf(stderr, "  the control has %d channel%s (0..%d)\n",
					channels, channels == 1 ? "" : "s",
					channels - 1);
			return -1;
		}
		if (o->control == KSPROPERTY_AUDIO_MUX_SOURCE)
			printf("  %s\n", value_str(o->control, value, v, sizeof(v)));
		else
			printf("  channel %u: %s\n", ch,
			       value_str(o->control, value, v, sizeof(v)));
	}
	return 0;
}

static int set_value(const struct control_opts *o,
		     const struct ks_node_description *d, int channels)
{
	uint32_t ch = o->have_channel ? o->channel : KS_NODE_ALL_CHANNELS;
	const struct ks_node_range *r = range_of(d, ch == KS_NODE_ALL_CHANNELS ?
						 0 : ch);
	char v[48], a[48], b[48];
	int ret;

	ret = ks_node_set(o->fd, o->node, o->control, ch, o->value);
	if (ret < 0) {
		fprintf(stderr, "%s control: %s %s %s", ksctl_prog, o->name,
			o->node_label, o->control_name);
		if (o->control != KSPROPERTY_AUDIO_MUX_SOURCE)
			fprintf(stderr, ch == KS_NODE_ALL_CHANNELS ?
				" (all channels)" : " channel %u", ch);
		fprintf(stderr, ": SET %s: ",
			value_str(o->control, o->value, v, sizeof(v)));
		print_errno(-ret);
		if (ret == -EINVAL && ch != KS_NODE_ALL_CHANNELS &&
		    (int64_t)ch >= channels)
			fprintf(stderr, "  the control has %d channel%s (0..%d)\n",
				channels, channels == 1 ? "" : "s", channels - 1);
		else if (ret == -EINVAL && r)
			fprintf(stderr, "  the control takes %s..%s\n",
				value_str(o->control, r->minimum, a, sizeof(a)),
				value_str(o->control, r->maximum, b, sizeof(b)));
		else if (ret == -EACCES || ret == -EPERM || ret == -EBADF)
			fprintf(stderr, "  open %s read-write (are you root?)\n",
				o->dev);
		return -1;
	}
	printf("%s %s %s", o->name, o->node_label, o->control_name);
	if (o->control != KSPROPERTY_AUDIO_MUX_SOURCE) {
		if (ch == KS_NODE_ALL_CHANNELS)
			printf(" (all channels)");
		else
			printf(" channel %u", ch);
	}
	printf(" set to %s; now:\n", value_str(o->control, o->value, v,
					       sizeof(v)));
	return show_values(o, channels, ch);
}

/* ksctl control FILTER [--node N] volume|mute|mux [--channel C] [VALUE] */
int ksctl_control(int argc, char **argv)
{
	struct control_opts o = { .fd = -1 };
	struct ks_node_description *d;
	int idx, channels, ret;

	ret = parse_args(argc, argv, &o);
	if (ret) {
		if (ret == -1)
			control_usage(stderr);
		return KSCTL_USAGE;
	}
	ret = KSCTL_REFUSED;
	idx = ksctl_filter_arg(o.filter);
	if (idx < 0)
		return KSCTL_REFUSED;
	snprintf(o.dev, sizeof(o.dev), "/dev/ksfilter%d", idx);
	if (ks_filter_name(idx, o.name, sizeof(o.name)))
		snprintf(o.name, sizeof(o.name), "ksfilter%d", idx);
	o.fd = open(o.dev, O_RDWR | O_CLOEXEC);
	if (o.fd < 0 && errno == EACCES && !o.have_value)
		o.fd = open(o.dev, O_RDONLY | O_CLOEXEC);
	if (o.fd < 0) {
		fprintf(stderr, "%s control: cannot open %s (%s): ", ksctl_prog,
			o.dev, o.name);
		print_errno(errno);
		return KSCTL_REFUSED;
	}
	d = find_node(&o);
	if (!d)
		goto out;
	channels = ks_node_channels(o.fd, o.node, o.control);
	if (channels < 0) {
		fprintf(stderr, "%s control: %s %s %s: cannot count its channels: ",
			ksctl_prog, o.name, o.node_label, o.control_name);
		print_errno(-channels);
		goto out_free;
	}
	if (o.have_channel && o.channel >= (uint32_t)channels) {
		fprintf(stderr,
			"%s control: %s %s %s has %d channel%s (0..%d), no channel %u\n",
			ksctl_prog, o.name, o.node_label, o.control_name,
			channels, channels == 1 ? "" : "s", channels - 1,
			o.channel);
		goto out_free;
	}
	if (o.have_value) {
		if (!set_value(&o, d, channels))
			ret = KSCTL_OK;
	} else {
		print_header(&o, d, channels);
		if (!show_values(&o, channels, o.have_channel ? o.channel :
				 KS_NODE_ALL_CHANNELS))
			ret = KSCTL_OK;
	}
out_free:
	free(d);
out:
	close(o.fd);
	return ret;
}
