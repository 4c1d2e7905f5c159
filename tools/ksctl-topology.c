// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl topology: a filter's nodes, the connections between its pins and
 * nodes (KSPROPSETID_Topology), and the controls each node answers
 * (KSPROPSETID_Audio VOLUMELEVEL, MUTE, MUX_SOURCE, found by BASICSUPPORT:
 * ENOENT is a control the node does not have).
 *
 * --json prints one object; the keys below are stable (new keys may be
 * added, none is renamed or removed):
 *
 *   { "filter": "ks-gain", "device": "/dev/ksfilter2",
 *     "nodes": [ {
 *       "id": 0, "type": GUID, "type_name": "VOLUME",
 *       "name": "Volume" or null,        KSPROPERTY_TOPOLOGY_NAME
 *       "controls": [ {
 *         "control": "volume" | "mute" | "mux", "property": 4,
 *         "access": 515,                 KSPROPERTY_TYPE_* bits
 *         "value_type": 3,               KS_VT_* (0: not given)
 *         "channels": 8,                 1 for a mux
 *         "ranges": [ { "minimum": -6291456, "maximum": 786432,
 *                       "step": 1,      as BASICSUPPORT gives them
 *                       "minimum_db": -96.0, "maximum_db": 12.0,
 *                       "step_db": 0.0000153 } ]    dB: volume only
 *       } ]
 *     } ],
 *     "connections": [ { "from": END, "to": END } ] }
 *
 * END is { "node": 0 or null (a filter pin), "pin": 1 (the node's pin,
 * or the filter's pin id), "name": the node's or the pin's name or null };
 * GUID is { "guid": "...", "name": "KSNODETYPE_VOLUME" or null }.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksctl.h"

#define MAX_CONTROLS	3

struct tcontrol {
	uint32_t id;
	struct ks_node_description *desc;
	int channels;			/* or -errno */
};

struct tnode {
	uint32_t id;
	struct ks_guid type;
	char name[128];			/* "" when unnamed */
	struct tcontrol controls[MAX_CONTROLS];
	unsigned int ncontrols;
};

struct topo {
	unsigned int index;
	char filter[128];
	char dev[32];
	int fd;
	struct tnode *nodes;
	uint32_t nnodes;
	struct ks_topology_connection *conns;
	uint32_t nconns;
};

static void topo_free(struct topo *t)
{
	uint32_t i, c;

	for (i = 0; i < t->nnodes; i++)
		for (c = 0; c < t->nodes[i].ncontrols; c++)
			free(t->nodes[i].controls[c].desc);
	free(t->nodes);
	free(t->conns);
	if (t->fd >= 0)
		close(t->fd);
}

/* Probe @n's controls: BASICSUPPORT answers for those it has. */
static void load_controls(struct topo *t, struct tnode *n)
{
	unsigned int i;
	uint32_t id;

	for (i = 0; (id = ksctl_control_at(i)) && n->ncontrols < MAX_CONTROLS;
	     i++) {
		struct ks_node_description *d = ks_node_describe(t->fd, n->id,
								 id);
		struct tcontrol *c;

		if (!d) {
			if (errno != ENOENT)
				fprintf(stderr,
					"%s topology: %s node %u: BASICSUPPORT of %s: %s\n",
					ksctl_prog, t->dev, n->id,
					ksctl_control_name(id), strerror(errno));
			continue;
		}
		c = &n->controls[n->ncontrols++];
		c->id = id;
		c->desc = d;
		c->channels = ks_node_channels(t->fd, n->id, id);
	}
}

/* Open filter @index and read its topology.  0, or -errno (printed). */
static int topo_load(struct topo *t, unsigned int index)
{
	struct ks_multiple_item *nodes, *conns;
	const struct ks_topology_connection *cs;
	const struct ks_guid *types;
	uint32_t i, n;

	t->index = index;
	t->fd = -1;
	snprintf(t->dev, sizeof(t->dev), "/dev/ksfilter%u", index);
	if (ks_filter_name(index, t->filter, sizeof(t->filter)))
		snprintf(t->filter, sizeof(t->filter), "ksfilter%u", index);
	t->fd = open(t->dev, O_RDWR | O_CLOEXEC);
	if (t->fd < 0 && errno == EACCES)
		t->fd = open(t->dev, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		fprintf(stderr, "%s: cannot open %s (%s): %s\n", ksctl_prog,
			t->dev, t->filter, strerror(errno));
		return -errno;
	}
	nodes = ks_topology_nodes(t->fd);
	if (!nodes) {
		int err = errno;

		fprintf(stderr,
			"%s: %s (%s) does not answer KSPROPERTY_TOPOLOGY_NODES: %s (errno %d, %s)\n",
			ksctl_prog, t->dev, t->filter, strerror(err), err,
			strerrorname_np(err) ?: "?");
		if (err == ENOENT || err == ENOTTY)
			fprintf(stderr,
				"  this ksfilter module predates filter topology: load a newer one\n");
		return -err;
	}
	types = ks_list_guids(nodes, &n);
	t->nodes = calloc(n ? n : 1, sizeof(*t->nodes));
	if (!t->nodes) {
		free(nodes);
		return -ENOMEM;
	}
	t->nnodes = n;
	for (i = 0; i < n; i++) {
		struct tnode *nd = &t->nodes[i];

		nd->id = i;
		nd->type = types[i];
		if (ks_node_name(t->fd, i, nd->name, sizeof(nd->name)))
			nd->name[0] = '\0';
		load_controls(t, nd);
	}
	free(nodes);
	conns = ks_topology_connections(t->fd);
	if (!conns) {
		fprintf(stderr, "%s: %s (%s): KSPROPERTY_TOPOLOGY_CONNECTIONS: %s\n",
			ksctl_prog, t->dev, t->filter, strerror(errno));
		return -errno;
	}
	cs = ks_list_connections(conns, &n);
	t->conns = malloc((n ? n : 1) * sizeof(*t->conns));
	if (!t->conns) {
		free(conns);
		return -ENOMEM;
	}
	memcpy(t->conns, cs, n * sizeof(*cs));
	t->nconns = n;
	free(conns);
	return 0;
}

/* The node's name, or its type's. */
static const char *node_label(const struct topo *t, uint32_t id, char *buf)
{
	if (id >= t->nnodes)
		return "?";
	if (t->nodes[id].name[0])
		return t->nodes[id].name;
	return ksctl_node_type_str(&t->nodes[id].type, buf);
}

/* "pin 0 (In)" or "node 0 (Volume) pin 1" */
static const char *end_str(const struct topo *t, uint32_t node, uint32_t pin,
			   char *buf, size_t size)
{
	char name[128], g[KS_GUID_STR_LEN];

	if (node == KSFILTER_NODE) {
		if (ks_pin_name(t->fd, pin, name, sizeof(name)) || !name[0])
			snprintf(buf, size, "pin %u", pin);
		else
			snprintf(buf, size, "pin %u (%s)", pin, name);
	} else {
		snprintf(buf, size, "node %u (%s) pin %u", node,
			 node_label(t, node, g), pin);
	}
	return buf;
}

static bool same_ranges(const struct ks_node_description *d)
{
	uint32_t i;

	for (i = 1; i < d->ranges_count; i++)
		if (memcmp(&d->ranges[i], &d->ranges[0], sizeof(d->ranges[0])))
			return false;
	return true;
}

/* "range -96.00..+12.00 dB, step 0.0000153 dB", "off/on", "inputs 0..3" */
static const char *range_str(uint32_t control, const struct ks_node_range *r,
			     char *buf, size_t size)
{
	char a[32], b[32], s[32];

	switch (control) {
	case KSPROPERTY_AUDIO_VOLUMELEVEL:
		snprintf(buf, size, "range %s..%s dB, step %s dB",
			 ksctl_db_str(r->minimum, true, a, sizeof(a)),
			 ksctl_db_str(r->maximum, true, b, sizeof(b)),
			 ksctl_step_str(r->step, s, sizeof(s)));
		break;
	case KSPROPERTY_AUDIO_MUTE:
		snprintf(buf, size, "off/on");
		break;
	default:
		snprintf(buf, size, "inputs %d..%d", r->minimum, r->maximum);
		break;
	}
	return buf;
}

static void print_control(const struct tcontrol *c)
{
	const struct ks_node_description *d = c->desc;
	char r[128], ch[48];
	uint32_t i;

	if (c->id == KSPROPERTY_AUDIO_MUX_SOURCE)
		ch[0] = '\0';
	else if (c->channels < 0)
		snprintf(ch, sizeof(ch), "channels unknown (%s), ",
			 strerror(-c->channels));
	else
		snprintf(ch, sizeof(ch), "%d channel%s, ", c->channels,
			 c->channels == 1 ? "" : "s");
	if (!d->ranges_count) {
		printf("  %s: %sno range given\n", ksctl_control_name(c->id),
		       ch);
		return;
	}
	if (same_ranges(d)) {
		printf("  %s: %s%s\n", ksctl_control_name(c->id), ch,
		       range_str(c->id, &d->ranges[0], r, sizeof(r)));
		return;
	}
	printf("  %s: %sper channel:\n", ksctl_control_name(c->id), ch);
	for (i = 0; i < d->ranges_count; i++)
		printf("    channel %u: %s\n", i,
		       range_str(c->id, &d->ranges[i], r, sizeof(r)));
}

static void print_topology(const struct topo *t)
{
	char g[KS_GUID_STR_LEN], a[256], b[256];
	uint32_t i, c;

	printf("%s (%s): ", t->filter, t->dev);
	if (t->nnodes)
		printf("%u node%s", t->nnodes, t->nnodes == 1 ? "" : "s");
	else
		printf("no nodes");
	if (t->nconns)
		printf(", %u connection%s\n", t->nconns,
		       t->nconns == 1 ? "" : "s");
	else
		printf(", no connections\n");
	for (i = 0; i < t->nnodes; i++) {
		const struct tnode *n = &t->nodes[i];

		printf("node %u: %s", n->id, ksctl_node_type_str(&n->type, g));
		if (n->name[0])
			printf(" \"%s\"", n->name);
		printf("\n");
		if (!n->ncontrols)
			printf("  no controls\n");
		for (c = 0; c < n->ncontrols; c++)
			print_control(&n->controls[c]);
	}
	if (t->nconns)
		printf("connections:\n");
	for (i = 0; i < t->nconns; i++) {
		const struct ks_topology_connection *k = &t->conns[i];

		printf("  %s -> %s\n",
		       end_str(t, k->from_node, k->from_node_pin, a, sizeof(a)),
		       end_str(t, k->to_node, k->to_node_pin, b, sizeof(b)));
	}
}

static void json_end_point(struct json *j, const char *key,
			   const struct topo *t, uint32_t node, uint32_t pin)
{
	char name[128];

	json_open(j, key, '{');
	if (node == KSFILTER_NODE) {
		json_str(j, "node", NULL);
		json_uint(j, "pin", pin);
		json_str(j, "name",
			 ks_pin_name(t->fd, pin, name, sizeof(name)) || !name[0] ?
			 NULL : name);
	} else {
		json_uint(j, "node", node);
		json_uint(j, "pin", pin);
		json_str(j, "name", node < t->nnodes && t->nodes[node].name[0] ?
			 t->nodes[node].name : NULL);
	}
	json_close(j, '}');
}

static void json_control(struct json *j, const struct tcontrol *c)
{
	const struct ks_node_description *d = c->desc;
	uint32_t i;

	json_open(j, NULL, '{');
	json_str(j, "control", ksctl_control_name(c->id));
	json_uint(j, "property", c->id);
	json_uint(j, "access", d->access);
	json_uint(j, "value_type", d->vt);
	if (c->channels >= 0)
		json_uint(j, "channels", c->channels);
	else
		json_str(j, "channels", NULL);
	json_open(j, "ranges", '[');
	for (i = 0; i < d->ranges_count; i++) {
		const struct ks_node_range *r = &d->ranges[i];

		json_open(j, NULL, '{');
		json_int(j, "minimum", r->minimum);
		json_int(j, "maximum", r->maximum);
		json_uint(j, "step", r->step);
		if (c->id == KSPROPERTY_AUDIO_VOLUMELEVEL) {
			json_fixed(j, "minimum_db", r->minimum / 65536.0, 7);
			json_fixed(j, "maximum_db", r->maximum / 65536.0, 7);
			json_fixed(j, "step_db", r->step / 65536.0, 7);
		}
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

static void json_topology(const struct topo *t)
{
	char g[KS_GUID_STR_LEN];
	struct json j;
	uint32_t i, c;

	json_begin(&j, stdout);
	json_open(&j, NULL, '{');
	json_str(&j, "filter", t->filter);
	json_str(&j, "device", t->dev);
	json_open(&j, "nodes", '[');
	for (i = 0; i < t->nnodes; i++) {
		const struct tnode *n = &t->nodes[i];

		json_open(&j, NULL, '{');
		json_uint(&j, "id", n->id);
		json_open(&j, "type", '{');
		json_str(&j, "guid", ks_guid_str(&n->type, g));
		json_str(&j, "name", ks_guid_name(&n->type));
		json_close(&j, '}');
		json_str(&j, "type_name", ksctl_node_type_str(&n->type, g));
		json_str(&j, "name", n->name[0] ? n->name : NULL);
		json_open(&j, "controls", '[');
		for (c = 0; c < n->ncontrols; c++)
			json_control(&j, &n->controls[c]);
		json_close(&j, ']');
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_open(&j, "connections", '[');
	for (i = 0; i < t->nconns; i++) {
		const struct ks_topology_connection *k = &t->conns[i];

		json_open(&j, NULL, '{');
		json_end_point(&j, "from", t, k->from_node, k->from_node_pin);
		json_end_point(&j, "to", t, k->to_node, k->to_node_pin);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_close(&j, '}');
	json_end(&j);
}

static void topology_usage(FILE *out)
{
	fprintf(out,
		"usage: %s topology FILTER [--json]\n"
		"Show a filter's topology: its nodes (id, KSNODETYPE, name), the\n"
		"connections between its pins and nodes, and the controls each node\n"
		"answers (volume, mute, mux: KSPROPSETID_Audio with\n"
		"KSPROPERTY_TYPE_TOPOLOGY) with their channels and ranges.  FILTER is\n"
		"/dev/ksfilterN or a filter name such as ks-gain.  --json prints the same\n"
		"as one JSON object (keys documented in tools/ksctl-topology.c; stable).\n",
		ksctl_prog);
}

/* ksctl topology FILTER [--json] */
int ksctl_topology(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct topo t = { .fd = -1 };
	bool as_json = false;
	int c, idx, ret;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'h':
			topology_usage(stdout);
			return KSCTL_OK;
		default:
			topology_usage(stderr);
			return KSCTL_USAGE;
		}
	}
	if (optind + 1 != argc) {
		topology_usage(stderr);
		return KSCTL_USAGE;
	}
	idx = ksctl_filter_arg(argv[optind]);
	if (idx < 0)
		return KSCTL_REFUSED;
	ret = topo_load(&t, idx);
	if (!ret) {
		if (as_json)
			json_topology(&t);
		else
			print_topology(&t);
	}
	topo_free(&t);
	return ret ? KSCTL_REFUSED : KSCTL_OK;
}
