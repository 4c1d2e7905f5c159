// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl graph: the pin-to-pin connections the registered filters allow, and
 * a chain built from them and streamed (docs/graphs.md).
 *
 * A potential connection joins an OUT pin type and an IN pin type (of two
 * filters, or of one) when one of them can be the source of a connection
 * (communication SOURCE or BOTH) and the other its sink (SINK or BOTH),
 * they share an interface and a medium by (set, id) - a pin that lists none
 * has {Standard, STREAMING} and {Standard, ANYINSTANCE} (SPEC 5 rows 9 and
 * 10) - and KSPROPERTY_PIN_DATAINTERSECTION of the OUT pin with the IN
 * pin's data ranges finds a format.  Declared physical connections
 * (KSPROPERTY_PIN_PHYSICALCONNECTION) are listed as well.
 *
 * --json prints an array; the keys below are stable (new keys may be
 * added, none is renamed or removed):
 *
 *   [ { "kind": "pin",
 *       "from": PIN, "to": PIN,          the OUT pin type, the IN pin type
 *       "source": "from" | "to",         which one --connect makes the source
 *       "both_ways": false,              either could be the source
 *       "interface": IDENT, "medium": IDENT,
 *       "format": "pcm:48000:2:16",      what --connect would use
 *       "intersection": "pcm:384000:8:16" },   DATAINTERSECTION's answer
 *     { "kind": "physical",
 *       "from": PIN, "to": PIN,          the declaring pin type and its peer
 *       "connectable": true,             also a potential connection
 *       "bridge": false } ]              both bridge pins: a wire
 *
 * --dot prints the same as a Graphviz digraph: a cluster per filter (its
 * name and device) holding its pin types (id, name, IN/OUT, communication)
 * and its topology nodes (type and name) joined by its topology
 * connections, and between the clusters the physical connections (solid,
 * "physical", "physical (bridge)" for a wire between two bridge pins) and
 * the other potential ones (dashed, "can connect").  The
 * output is sorted by filter number, pin and node id, so that the same
 * filters always give the same text.
 *
 * PIN is { "filter": "ks-gen", "device": "/dev/ksfilter1", "pin": 0,
 * "name": "Out", "dataflow": "out", "communication": "both" } ("device",
 * "name", "dataflow" and "communication" are null for a physical peer
 * whose filter is not registered); IDENT is { "set": "...", "set_name":
 * "KSMEDIUMSETID_STANDARD" or null, "id": 0, "id_name": "ANYINSTANCE" or
 * null }.
 *
 * --connect builds the chain the way Windows graph builders follow tuner
 * and crossbar mediums: from a filter none of whose IN pins is the target
 * of a non-standard medium, along non-standard mediums from OUT to IN, then
 * along the last filter's physical connection, to the last filter's free
 * OUT pin, which is read.  When several chains qualify, the longest (the
 * first found among equals) is taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksctl.h"
#include "../module/samples/ks-chain.h"

#define MAX_FILTERS	256
#define MAX_LINKS	16
#define CHUNK_BYTES	(64 * 1024)
#define POLL_MS		250
#define STALL_MS	5000	/* no data for this long: the chain is stuck */

static const struct ks_guid medium_standard = KSMEDIUMSETID_STANDARD;
static const struct ks_guid iface_standard = KSINTERFACESETID_STANDARD;
static const struct ks_guid iface_fileio = KSINTERFACESETID_FILEIO;

static const struct ks_identifier default_interface = {
	.set = KSINTERFACESETID_STANDARD,
	.id = KSINTERFACE_STANDARD_STREAMING,
};
static const struct ks_identifier default_medium = {
	.set = KSMEDIUMSETID_STANDARD,
	.id = KSMEDIUM_TYPE_ANYINSTANCE,
};

static const struct ks_audio_params default_format = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

/* ---- the graph: filters, pin types, connections ---- */

struct gfilter;

struct gpin {
	struct gfilter *f;
	uint32_t id;
	char name[64];
	bool ok;			/* dataflow and communication known */
	uint32_t dataflow, comm;
	struct ks_identifier *ifaces, *mediums;
	uint32_t n_ifaces, n_mediums;
	struct ks_multiple_item *ranges;
	bool have_phys;			/* a declared physical peer */
	unsigned int phys_pin;
	char phys_filter[128];
};

/* A topology node of a filter (--dot). */
struct gnode {
	struct ks_guid type;
	char name[64];
};

struct gfilter {
	unsigned int index;
	char name[128];
	char dev[32];
	int fd;
	unsigned int npins;
	struct gpin *pins;
	struct gnode *nodes;		/* KSPROPERTY_TOPOLOGY_NODES */
	uint32_t nnodes;
	struct ks_topology_connection *conns;
	uint32_t nconns;
};

/* A potential connection, from its OUT pin type to its IN pin type. */
struct gedge {
	struct gpin *out, *in;
	bool push;			/* out is the source (else in pulls) */
	bool both_ways;
	struct ks_identifier interface, medium;
	char format[64];		/* what --connect would use */
	char best[64];			/* the intersection's format */
};

/* A declared physical connection; @peer is NULL when not registered. */
struct gphys {
	struct gpin *from;
	struct gpin *peer;
	struct gedge *edge;		/* the potential connection, if any */
};

struct graph {
	struct gfilter *filters;
	unsigned int nfilters;
	struct gedge *edges;
	unsigned int nedges;
	struct gphys *phys;
	unsigned int nphys;
	struct ks_audio_params params;	/* the format asked for */
	uint8_t fmt[sizeof(struct ks_dataformat_waveformatextensible)];
	uint32_t fmt_size;
	char fmt_text[64];
	uint32_t buffer;		/* --buffer: every pin's, or 0 */
};

static bool can_source(uint32_t comm)
{
	return comm == KSPIN_COMMUNICATION_SOURCE ||
	       comm == KSPIN_COMMUNICATION_BOTH;
}

static bool can_sink(uint32_t comm)
{
	return comm == KSPIN_COMMUNICATION_SINK ||
	       comm == KSPIN_COMMUNICATION_BOTH;
}

static const char *dataflow_str(uint32_t v)
{
	return v == KSPIN_DATAFLOW_IN ? "in" : v == KSPIN_DATAFLOW_OUT ? "out" :
	       "unknown";
}

static const char *communication_str(uint32_t v)
{
	static const char * const names[] = {
		"none", "sink", "source", "both", "bridge",
	};

	return v < 5 ? names[v] : "unknown";
}

/* "ks-gen:0 Out" */
static const char *pin_label(const struct gpin *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%u%s%s", p->f->name, p->id,
		 p->name[0] ? " " : "", p->name);
	return buf;
}

/* "Standard:STREAMING", "F46B3F4F-83A6-45F5-9A9E-3D864C4C8828:1" */
static const char *ident_str(const struct ks_identifier *id, char *buf,
			     size_t size)
{
	const char *idn = ks_identifier_name(id);
	char guid[KS_GUID_STR_LEN];
	const char *set;

	if (ks_guid_eq(&id->set, &iface_standard) ||
	    ks_guid_eq(&id->set, &medium_standard))
		set = "Standard";
	else if (ks_guid_eq(&id->set, &iface_fileio))
		set = "FileIo";
	else
		set = ks_guid_str(&id->set, guid);
	if (idn)
		snprintf(buf, size, "%s:%s", set, idn);
	else
		snprintf(buf, size, "%s:%u", set, id->id);
	return buf;
}

static bool is_standard_medium(const struct ks_identifier *medium)
{
	return ks_guid_eq(&medium->set, &medium_standard);
}

/*
 * The pin's INTERFACES or MEDIUMS as an allocated array; the one default
 * entry of SPEC 5 when it lists none (or cannot say).
 */
static struct ks_identifier *get_identifiers(int fd, uint32_t pin,
					     uint32_t prop,
					     const struct ks_identifier *dflt,
					     uint32_t *count)
{
	struct ks_multiple_item *list = ks_pin_property_list(fd, pin, prop);
	const struct ks_identifier *ids = NULL;
	struct ks_identifier *copy;
	uint32_t n = 0;

	if (list)
		ids = ks_list_identifiers(list, &n);
	if (!n) {
		ids = dflt;
		n = 1;
	}
	copy = malloc(n * sizeof(*copy));
	if (copy)
		memcpy(copy, ids, n * sizeof(*copy));
	*count = copy ? n : 0;
	free(list);
	return copy;
}

static void load_pin(struct gfilter *f, struct gpin *p, uint32_t id)
{
	int ret;

	p->f = f;
	p->id = id;
	if (ks_pin_name(f->fd, id, p->name, sizeof(p->name)))
		p->name[0] = '\0';
	p->ok = !ks_pin_dataflow(f->fd, id, &p->dataflow) &&
		!ks_pin_communication(f->fd, id, &p->comm);
	if (!p->ok)
		return;
	p->ifaces = get_identifiers(f->fd, id, KSPROPERTY_PIN_INTERFACES,
				    &default_interface, &p->n_ifaces);
	p->mediums = get_identifiers(f->fd, id, KSPROPERTY_PIN_MEDIUMS,
				     &default_medium, &p->n_mediums);
	p->ranges = ks_pin_data_ranges(f->fd, id);
	ret = ks_pin_physical_connection(f->fd, id, &p->phys_pin,
					 p->phys_filter,
					 sizeof(p->phys_filter));
	p->have_phys = ret == 0;
	if (ret < 0 && ret != -ENOENT && ret != -ENOTTY)
		fprintf(stderr,
			"%s graph: %s pin %u: cannot ask its physical connection: %s\n",
			ksctl_prog, f->dev, id, strerror(-ret));
}

/*
 * The filter's topology nodes and connections; none when it answers no
 * topology (a module older than it), which only --dot shows.
 */
static void load_topology(struct gfilter *f)
{
	struct ks_multiple_item *nodes = ks_topology_nodes(f->fd);
	struct ks_multiple_item *conns = ks_topology_connections(f->fd);
	const struct ks_topology_connection *cs;
	const struct ks_guid *types;
	uint32_t i, n;

	if (nodes) {
		types = ks_list_guids(nodes, &n);
		f->nodes = calloc(n ? n : 1, sizeof(*f->nodes));
		if (f->nodes) {
			f->nnodes = n;
			for (i = 0; i < n; i++) {
				f->nodes[i].type = types[i];
				if (ks_node_name(f->fd, i, f->nodes[i].name,
						 sizeof(f->nodes[i].name)))
					f->nodes[i].name[0] = '\0';
			}
		}
	}
	if (conns) {
		cs = ks_list_connections(conns, &n);
		f->conns = malloc((n ? n : 1) * sizeof(*f->conns));
		if (f->conns) {
			memcpy(f->conns, cs, n * sizeof(*cs));
			f->nconns = n;
		}
	}
	free(nodes);
	free(conns);
}

/* Open filter @index (read-write when allowed) and ask its pin types. */
static int load_filter(struct gfilter *f, unsigned int index)
{
	unsigned int i;
	int n;

	f->index = index;
	snprintf(f->dev, sizeof(f->dev), "/dev/ksfilter%u", index);
	if (ks_filter_name(index, f->name, sizeof(f->name)))
		snprintf(f->name, sizeof(f->name), "ksfilter%u", index);
	f->fd = open(f->dev, O_RDWR | O_CLOEXEC);
	if (f->fd < 0 && errno == EACCES)
		f->fd = open(f->dev, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		fprintf(stderr, "%s graph: cannot open %s (%s): %s; left out\n",
			ksctl_prog, f->dev, f->name, strerror(errno));
		return -1;
	}
	n = ks_pin_count(f->fd);
	if (n < 0) {
		fprintf(stderr, "%s graph: %s (%s) answers no properties (%s); left out\n",
			ksctl_prog, f->dev, f->name, strerror(-n));
		close(f->fd);
		f->fd = -1;
		return -1;
	}
	f->npins = n;
	f->pins = calloc(n ? n : 1, sizeof(*f->pins));
	if (!f->pins) {
		close(f->fd);
		f->fd = -1;
		return -1;
	}
	for (i = 0; i < f->npins; i++)
		load_pin(f, &f->pins[i], i);
	load_topology(f);
	return 0;
}

/* The first identifier of @a (in @a's order) that @b lists too. */
static bool common_identifier(const struct ks_identifier *a, uint32_t na,
			      const struct ks_identifier *b, uint32_t nb,
			      struct ks_identifier *out)
{
	uint32_t i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++) {
			if (ks_identifier_eq(&a[i], &b[j])) {
				*out = a[i];
				out->flags = 0;
				return true;
			}
		}
	}
	return false;
}

/*
 * Do the two pin types' data ranges intersect?  DATAINTERSECTION of the OUT
 * pin with the IN pin's ranges decides; the format --connect would use is
 * the one asked for when both pins take it (PROPOSEDATAFORMAT), else the
 * intersection's.
 */
static bool edge_formats(struct graph *g, struct gedge *e)
{
	struct gpin *out = e->out, *in = e->in;
	uint32_t size = 0;
	void *best = NULL;
	bool asked_ok;

	if (in->ranges) {
		best = ks_pin_intersect_list(out->f->fd, out->id, in->ranges,
					     &size);
		if (!best && errno == EDOM)
			return false;
	}
	asked_ok = !ks_pin_propose_format(out->f->fd, out->id, g->fmt,
					  g->fmt_size) &&
		   !ks_pin_propose_format(in->f->fd, in->id, g->fmt,
					  g->fmt_size);
	if (!best && !asked_ok)
		return false;	/* no intersection to ask, and no agreement */
	if (best)
		ks_format_str(best, size, e->best, sizeof(e->best));
	else
		snprintf(e->best, sizeof(e->best), "%s", "?");
	snprintf(e->format, sizeof(e->format), "%s",
		 asked_ok ? g->fmt_text : e->best);
	free(best);
	return true;
}

static int add_edge(struct graph *g, const struct gedge *e)
{
	struct gedge *n = realloc(g->edges, (g->nedges + 1) * sizeof(*n));

	if (!n)
		return -1;
	g->edges = n;
	g->edges[g->nedges++] = *e;
	return 0;
}

/* A potential connection from @out (OUT) to @in (IN)? */
static int try_edge(struct graph *g, struct gpin *out, struct gpin *in)
{
	struct gedge e = { .out = out, .in = in };
	bool push, pull;

	if (!out->ok || !in->ok || out->dataflow != KSPIN_DATAFLOW_OUT ||
	    in->dataflow != KSPIN_DATAFLOW_IN)
		return 0;
	push = can_source(out->comm) && can_sink(in->comm);
	pull = can_sink(out->comm) && can_source(in->comm);
	if (!push && !pull)
		return 0;
	e.push = push;
	e.both_ways = push && pull;
	if (!common_identifier(out->ifaces, out->n_ifaces, in->ifaces,
			       in->n_ifaces, &e.interface) ||
	    !common_identifier(out->mediums, out->n_mediums, in->mediums,
			       in->n_mediums, &e.medium))
		return 0;
	if (!edge_formats(g, &e))
		return 0;
	return add_edge(g, &e);
}

static struct gedge *find_edge(struct graph *g, const struct gpin *out,
			       const struct gpin *in)
{
	unsigned int i;

	for (i = 0; i < g->nedges; i++)
		if (g->edges[i].out == out && g->edges[i].in == in)
			return &g->edges[i];
	return NULL;
}

static struct gfilter *find_filter(struct graph *g, const char *name)
{
	unsigned int i;

	for (i = 0; i < g->nfilters; i++)
		if (!strcmp(g->filters[i].name, name))
			return &g->filters[i];
	return NULL;
}

static int add_phys(struct graph *g, struct gpin *p)
{
	struct gfilter *peer_f = find_filter(g, p->phys_filter);
	struct gphys *n = realloc(g->phys, (g->nphys + 1) * sizeof(*n));
	struct gphys *ph;

	if (!n)
		return -1;
	g->phys = n;
	ph = &g->phys[g->nphys++];
	ph->from = p;
	ph->peer = peer_f && p->phys_pin < peer_f->npins ?
		   &peer_f->pins[p->phys_pin] : NULL;
	ph->edge = NULL;
	if (ph->peer && p->dataflow == KSPIN_DATAFLOW_OUT)
		ph->edge = find_edge(g, p, ph->peer);
	else if (ph->peer)
		ph->edge = find_edge(g, ph->peer, p);
	return 0;
}

static int find_edges(struct graph *g)
{
	unsigned int x, y, a, b;

	for (x = 0; x < g->nfilters; x++)
		for (a = 0; a < g->filters[x].npins; a++)
			for (y = 0; y < g->nfilters; y++)
				for (b = 0; b < g->filters[y].npins; b++)
					if (try_edge(g, &g->filters[x].pins[a],
						     &g->filters[y].pins[b]))
						return -1;
	for (x = 0; x < g->nfilters; x++)
		for (a = 0; a < g->filters[x].npins; a++)
			if (g->filters[x].pins[a].have_phys &&
			    add_phys(g, &g->filters[x].pins[a]))
				return -1;
	return 0;
}

static void graph_free(struct graph *g)
{
	unsigned int i, p;

	for (i = 0; i < g->nfilters; i++) {
		struct gfilter *f = &g->filters[i];

		for (p = 0; p < f->npins; p++) {
			free(f->pins[p].ifaces);
			free(f->pins[p].mediums);
			free(f->pins[p].ranges);
		}
		free(f->pins);
		free(f->nodes);
		free(f->conns);
		if (f->fd >= 0)
			close(f->fd);
	}
	free(g->filters);
	free(g->edges);
	free(g->phys);
}

/* Every registered filter that answers properties, then the connections. */
static int graph_load(struct graph *g)
{
	static unsigned int idx[MAX_FILTERS];
	int n, i, ret;

	ret = ks_build_format(&g->params, g->fmt, sizeof(g->fmt));
	if (ret < 0)
		return -1;
	g->fmt_size = ret;
	ks_format_params_str(&g->params, g->fmt_text, sizeof(g->fmt_text));
	n = ks_list_filters(idx, MAX_FILTERS);
	if (n < 0) {
		fprintf(stderr,
			"%s graph: no /sys/class/ksfilter (%s): is the ksfilter module loaded? Try 'modprobe ksfilter'.\n",
			ksctl_prog, strerror(-n));
		return -1;
	}
	g->filters = calloc(n ? n : 1, sizeof(*g->filters));
	if (!g->filters)
		return -1;
	for (i = 0; i < n; i++) {
		struct gfilter *f = &g->filters[g->nfilters];

		if (!load_filter(f, idx[i]))
			g->nfilters++;
	}
	if (find_edges(g)) {
		fprintf(stderr, "%s graph: out of memory\n", ksctl_prog);
		return -1;
	}
	return 0;
}

/* ---- ksctl graph: the listing ---- */

static void print_edge(const struct gedge *e)
{
	char a[200], b[200], m[80], i[80];

	printf("%s -> %s  medium %s interface %s format %s%s\n",
	       pin_label(e->out, a, sizeof(a)), pin_label(e->in, b, sizeof(b)),
	       ident_str(&e->medium, m, sizeof(m)),
	       ident_str(&e->interface, i, sizeof(i)), e->format,
	       e->push ? "" : "  (the IN pin is the source)");
}

/*
 * A physical connection between two bridge pins is a wire inside a device
 * (an audio adapter's wave filter to its topology filter): never created,
 * so not "cannot be connected" either.
 */
static bool phys_is_wire(const struct gphys *ph)
{
	return ph->peer && ph->from->ok && ph->peer->ok &&
	       ph->from->comm == KSPIN_COMMUNICATION_BRIDGE &&
	       ph->peer->comm == KSPIN_COMMUNICATION_BRIDGE;
}

static const char *phys_note(const struct gphys *ph)
{
	if (ph->edge)
		return "";
	return phys_is_wire(ph) ? ", bridge to bridge" :
	       ", but they cannot be connected";
}

static void print_phys(const struct gphys *ph)
{
	char a[200], b[200];

	if (!ph->peer) {
		printf("%s => %s:%u (physical; %s is not registered)\n",
		       pin_label(ph->from, a, sizeof(a)), ph->from->phys_filter,
		       ph->from->phys_pin, ph->from->phys_filter);
		return;
	}
	pin_label(ph->from, a, sizeof(a));
	pin_label(ph->peer, b, sizeof(b));
	if (ph->from->dataflow == KSPIN_DATAFLOW_OUT)
		printf("%s => %s (physical%s)\n", a, b, phys_note(ph));
	else
		printf("%s => %s (physical%s)\n", b, a, phys_note(ph));
}

static void json_pin(struct json *j, const char *key, const struct gpin *p)
{
	json_open(j, key, '{');
	json_str(j, "filter", p->f->name);
	json_str(j, "device", p->f->dev);
	json_uint(j, "pin", p->id);
	json_str(j, "name", p->name[0] ? p->name : NULL);
	json_str(j, "dataflow", p->ok ? dataflow_str(p->dataflow) : NULL);
	json_str(j, "communication", p->ok ? communication_str(p->comm) : NULL);
	json_close(j, '}');
}

/* A physical peer whose filter is not registered. */
static void json_absent_pin(struct json *j, const char *key,
			    const struct gpin *from)
{
	json_open(j, key, '{');
	json_str(j, "filter", from->phys_filter);
	json_str(j, "device", NULL);
	json_uint(j, "pin", from->phys_pin);
	json_str(j, "name", NULL);
	json_str(j, "dataflow", NULL);
	json_str(j, "communication", NULL);
	json_close(j, '}');
}

static void json_ident(struct json *j, const char *key,
		       const struct ks_identifier *id)
{
	char buf[KS_GUID_STR_LEN];

	json_open(j, key, '{');
	json_str(j, "set", ks_guid_str(&id->set, buf));
	json_str(j, "set_name", ks_guid_name(&id->set));
	json_uint(j, "id", id->id);
	json_str(j, "id_name", ks_identifier_name(id));
	json_close(j, '}');
}

static void json_edge(struct json *j, const struct gedge *e)
{
	json_open(j, NULL, '{');
	json_str(j, "kind", "pin");
	json_pin(j, "from", e->out);
	json_pin(j, "to", e->in);
	json_str(j, "source", e->push ? "from" : "to");
	json_bool(j, "both_ways", e->both_ways);
	json_ident(j, "interface", &e->interface);
	json_ident(j, "medium", &e->medium);
	json_str(j, "format", e->format);
	json_str(j, "intersection", e->best);
	json_close(j, '}');
}

static void json_phys(struct json *j, const struct gphys *ph)
{
	json_open(j, NULL, '{');
	json_str(j, "kind", "physical");
	json_pin(j, "from", ph->from);
	if (ph->peer)
		json_pin(j, "to", ph->peer);
	else
		json_absent_pin(j, "to", ph->from);
	json_bool(j, "connectable", ph->edge != NULL);
	json_bool(j, "bridge", phys_is_wire(ph));
	json_close(j, '}');
}

static int graph_list(struct graph *g, bool as_json)
{
	struct json j;
	unsigned int i;

	if (as_json) {
		json_begin(&j, stdout);
		json_open(&j, NULL, '[');
		for (i = 0; i < g->nedges; i++)
			json_edge(&j, &g->edges[i]);
		for (i = 0; i < g->nphys; i++)
			json_phys(&j, &g->phys[i]);
		json_close(&j, ']');
		json_end(&j);
		return KSCTL_OK;
	}
	for (i = 0; i < g->nedges; i++)
		print_edge(&g->edges[i]);
	for (i = 0; i < g->nphys; i++)
		print_phys(&g->phys[i]);
	if (!g->nedges && !g->nphys)
		printf("no potential connections between the %u registered filter%s\n",
		       g->nfilters, g->nfilters == 1 ? "" : "s");
	return KSCTL_OK;
}

/* ---- ksctl graph --dot ---- */

/* @s as a DOT string: quoted, with '"' and '\\' escaped, newlines as \\n. */
static void dot_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c >= 0x20)
			putchar(c);
	}
	putchar('"');
}

/* The DOT ids: "f<filter>p<pin>", "f<filter>n<node>". */
static void dot_pin_id(const struct graph *g, const struct gpin *p, char *buf,
		       size_t size)
{
	(void)g;
	snprintf(buf, size, "f%up%u", p->f->index, p->id);
}

static void dot_filter(const struct graph *g, const struct gfilter *f)
{
	unsigned int x = f->index, i;
	char label[512], g1[KS_GUID_STR_LEN];

	(void)g;
	printf("  subgraph cluster_f%u {\n    label=", x);
	snprintf(label, sizeof(label), "%s\n%s", f->name, f->dev);
	dot_str(label);
	printf(";\n    style=rounded;\n");
	for (i = 0; i < f->npins; i++) {
		const struct gpin *p = &f->pins[i];

		if (p->ok)
			snprintf(label, sizeof(label), "%u%s%s\n%s %s", p->id,
				 p->name[0] ? " " : "", p->name,
				 p->dataflow == KSPIN_DATAFLOW_IN ? "IN" :
				 p->dataflow == KSPIN_DATAFLOW_OUT ? "OUT" : "?",
				 communication_str(p->comm));
		else
			snprintf(label, sizeof(label), "%u%s%s", p->id,
				 p->name[0] ? " " : "", p->name);
		printf("    f%up%u [shape=box, label=", x, i);
		dot_str(label);
		printf("];\n");
	}
	for (i = 0; i < f->nnodes; i++) {
		const struct gnode *n = &f->nodes[i];

		snprintf(label, sizeof(label), "node %u: %s%s%s", i,
			 ksctl_node_type_str(&n->type, g1),
			 n->name[0] ? "\n" : "", n->name);
		printf("    f%un%u [shape=ellipse, label=", x, i);
		dot_str(label);
		printf("];\n");
	}
	for (i = 0; i < f->nconns; i++) {
		const struct ks_topology_connection *k = &f->conns[i];
		bool from_pin = k->from_node == KSFILTER_NODE;
		bool to_pin = k->to_node == KSFILTER_NODE;

		printf("    f%u%c%u -> f%u%c%u", x, from_pin ? 'p' : 'n',
		       from_pin ? k->from_node_pin : k->from_node, x,
		       to_pin ? 'p' : 'n', to_pin ? k->to_node_pin : k->to_node);
		if (!from_pin && !to_pin)
			printf(" [taillabel=\"%u\", headlabel=\"%u\"]",
			       k->from_node_pin, k->to_node_pin);
		else if (!from_pin)
			printf(" [taillabel=\"%u\"]", k->from_node_pin);
		else if (!to_pin)
			printf(" [headlabel=\"%u\"]", k->to_node_pin);
		printf(";\n");
	}
	printf("  }\n");
}

/* Order of pins: by filter number, then pin id. */
static int pin_cmp(const struct graph *g, const struct gpin *a,
		   const struct gpin *b)
{
	unsigned int fa = a->f->index, fb = b->f->index;

	(void)g;
	if (fa != fb)
		return fa < fb ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static const struct graph *sort_graph;

static int edge_cmp(const void *x, const void *y)
{
	const struct gedge *a = *(const struct gedge * const *)x;
	const struct gedge *b = *(const struct gedge * const *)y;
	int c = pin_cmp(sort_graph, a->out, b->out);

	return c ? c : pin_cmp(sort_graph, a->in, b->in);
}

/* A physical connection drawn from its OUT end (the declaring pin if neither). */
static void phys_ends(const struct gphys *ph, const struct gpin **from,
		      const struct gpin **to)
{
	if (ph->peer && ph->from->dataflow != KSPIN_DATAFLOW_OUT) {
		*from = ph->peer;
		*to = ph->from;
	} else {
		*from = ph->from;
		*to = ph->peer;
	}
}

static int phys_cmp(const void *x, const void *y)
{
	const struct gphys *a = *(const struct gphys * const *)x;
	const struct gphys *b = *(const struct gphys * const *)y;
	const struct gpin *af, *at, *bf, *bt;
	int c;

	phys_ends(a, &af, &at);
	phys_ends(b, &bf, &bt);
	c = pin_cmp(sort_graph, af, bf);
	if (c)
		return c;
	if (!at || !bt)
		return !at && !bt ? strcmp(a->from->phys_filter,
					   b->from->phys_filter) : at ? -1 : 1;
	return pin_cmp(sort_graph, at, bt);
}

/* Is the potential connection @e also a physical one (drawn as that)? */
static bool is_physical(const struct graph *g, const struct gedge *e)
{
	unsigned int i;

	for (i = 0; i < g->nphys; i++)
		if (g->phys[i].edge == e)
			return true;
	return false;
}

static int graph_dot(struct graph *g)
{
	const struct gedge **edges = calloc(g->nedges + 1, sizeof(*edges));
	const struct gphys **phys = calloc(g->nphys + 1, sizeof(*phys));
	char a[32], b[32], label[256];
	unsigned int i;

	if (!edges || !phys) {
		free(edges);
		free(phys);
		fprintf(stderr, "%s graph: out of memory\n", ksctl_prog);
		return KSCTL_REFUSED;
	}
	for (i = 0; i < g->nedges; i++)
		edges[i] = &g->edges[i];
	for (i = 0; i < g->nphys; i++)
		phys[i] = &g->phys[i];
	sort_graph = g;
	qsort(edges, g->nedges, sizeof(*edges), edge_cmp);
	qsort(phys, g->nphys, sizeof(*phys), phys_cmp);

	printf("digraph ksfilter {\n"
	       "  rankdir=LR;\n"
	       "  node [fontname=\"Helvetica\", fontsize=10];\n"
	       "  edge [fontname=\"Helvetica\", fontsize=9];\n");
	/* g->filters is in filter number order (ks_list_filters()). */
	for (i = 0; i < g->nfilters; i++)
		dot_filter(g, &g->filters[i]);
	for (i = 0; i < g->nphys; i++) {
		const struct gpin *from, *to;

		phys_ends(phys[i], &from, &to);
		dot_pin_id(g, from, a, sizeof(a));
		if (!to) {
			/* The peer's filter is not registered: a loose end. */
			snprintf(b, sizeof(b), "absent%u", i);
			snprintf(label, sizeof(label), "%s:%u\n(not registered)",
				 from->phys_filter, from->phys_pin);
			printf("  %s [shape=box, style=dotted, label=", b);
			dot_str(label);
			printf("];\n");
		} else {
			dot_pin_id(g, to, b, sizeof(b));
		}
		printf("  %s -> %s [label=\"%s\"];\n", a, b,
		       phys[i]->edge || !to ? "physical" :
		       phys_is_wire(phys[i]) ? "physical (bridge)" :
		       "physical (cannot connect)");
	}
	for (i = 0; i < g->nedges; i++) {
		if (is_physical(g, edges[i]))
			continue;
		dot_pin_id(g, edges[i]->out, a, sizeof(a));
		dot_pin_id(g, edges[i]->in, b, sizeof(b));
		printf("  %s -> %s [style=dashed, label=\"can connect\"];\n", a,
		       b);
	}
	printf("}\n");
	free(edges);
	free(phys);
	return KSCTL_OK;
}

/* ---- ksctl graph --connect: finding the chain ---- */

struct link {
	struct gedge *e;
	bool physical;
};

struct chain {
	struct link links[MAX_LINKS];
	unsigned int n;
	struct gpin *reader;		/* the last filter's free OUT pin */
};

static bool in_chain(const struct chain *c, const struct gpin *p)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->links[i].e->out == p || c->links[i].e->in == p)
			return true;
	return false;
}

/* An OUT pin type of @f the chain does not use that a user can read. */
static struct gpin *free_out_pin(struct gfilter *f, const struct chain *c)
{
	unsigned int i;

	for (i = 0; i < f->npins; i++) {
		struct gpin *p = &f->pins[i];

		if (p->ok && p->dataflow == KSPIN_DATAFLOW_OUT &&
		    can_sink(p->comm) && !in_chain(c, p))
			return p;
	}
	return NULL;
}

static bool medium_link(const struct gedge *e)
{
	return !is_standard_medium(&e->medium);
}

struct search {
	struct graph *g;
	bool visited[MAX_FILTERS];
	struct chain cur, best;
};

static unsigned int filter_no(const struct graph *g, const struct gfilter *f)
{
	return f - g->filters;
}

static void search_from(struct search *s, struct gfilter *x);

/* Follow @e if it leads to a filter not in the chain yet. */
static bool step(struct search *s, struct gedge *e, bool physical)
{
	struct gfilter *next = e->in->f;

	if (s->visited[filter_no(s->g, next)] || s->cur.n == MAX_LINKS)
		return false;
	s->cur.links[s->cur.n++] = (struct link){ .e = e, .physical = physical };
	s->visited[filter_no(s->g, next)] = true;
	search_from(s, next);
	s->visited[filter_no(s->g, next)] = false;
	s->cur.n--;
	return true;
}

/*
 * Extend the chain that reached @x: along its non-standard mediums, or
 * when it has none along its OUT pins' physical connections; and take the
 * chain as it is when @x has a free OUT pin to read and it is the longest.
 */
static void search_from(struct search *s, struct gfilter *x)
{
	struct graph *g = s->g;
	unsigned int n = s->cur.n, i;
	struct gpin *reader;
	bool any = false;

	for (i = 0; i < g->nedges; i++) {
		struct gedge *e = &g->edges[i];

		if (e->out->f == x && medium_link(e) && step(s, e, false))
			any = true;
	}
	for (i = 0; !any && i < g->nphys; i++) {
		struct gphys *ph = &g->phys[i];

		if (ph->from->f == x && ph->from->dataflow == KSPIN_DATAFLOW_OUT &&
		    ph->edge)
			step(s, ph->edge, true);
	}
	reader = n ? free_out_pin(x, &s->cur) : NULL;
	if (reader && n > s->best.n) {
		s->best = s->cur;
		s->best.reader = reader;
	}
}

/* A filter with a medium link out and none in. */
static bool is_start(const struct graph *g, const struct gfilter *f)
{
	bool out = false;
	unsigned int i;

	for (i = 0; i < g->nedges; i++) {
		if (!medium_link(&g->edges[i]))
			continue;
		if (g->edges[i].in->f == f)
			return false;
		if (g->edges[i].out->f == f)
			out = true;
	}
	return out;
}

static int find_chain(struct graph *g, struct chain *c)
{
	static struct search s;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	s.g = g;
	for (i = 0; i < g->nfilters; i++) {
		if (!is_start(g, &g->filters[i]))
			continue;
		s.visited[i] = true;
		search_from(&s, &g->filters[i]);
		s.visited[i] = false;
	}
	if (!s.best.n)
		return -1;
	*c = s.best;
	return 0;
}

/* ---- ksctl graph --connect: building and running it ---- */

struct connect_opts {
	bool verify;
	const char *file;		/* -o; NULL or "-": stdout */
	bool wav;
	uint64_t frames;
	double seconds;
};

struct running {
	struct chain c;
	int src_fd[MAX_LINKS], sink_fd[MAX_LINKS];
	int reader_fd;
	FILE *info;			/* messages: stderr when data is on stdout */
};

static struct gpin *link_source(const struct link *l)
{
	return l->e->push ? l->e->out : l->e->in;
}

static struct gpin *link_sink(const struct link *l)
{
	return l->e->push ? l->e->in : l->e->out;
}

static uint32_t access_for(const struct gpin *p)
{
	return p->dataflow == KSPIN_DATAFLOW_IN ? KS_GENERIC_WRITE :
	       KS_GENERIC_READ;
}

/* "ks-gen -> ks-gain -> ks-loopback" */
static void chain_names(const struct chain *c, char *buf, size_t size)
{
	size_t len;
	unsigned int i;

	snprintf(buf, size, "%s", c->links[0].e->out->f->name);
	for (i = 0; i < c->n; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, " -> %s",
			 c->links[i].e->in->f->name);
	}
}

/* Say in words why the filter refused a pin, as ksctl connect does. */
static void explain(const struct gpin *p, const char *what, const char *fmt,
		    int err, uint32_t reason)
{
	const char *name = ks_reason_name(reason);
	char label[200];

	fprintf(stderr, "%s graph: %s refused %s %s with format %s: %s\n",
		ksctl_prog, p->f->dev, what, pin_label(p, label, sizeof(label)),
		fmt, strerror(err));
	if (err == EFAULT || err == ENOMEM) {
		fprintf(stderr, "  the kernel could not take the request itself (no reason code).\n");
		return;
	}
	fprintf(stderr, "  reason %u (%s): %s\n  what to change: %s\n", reason,
		name ? name : "unknown", ks_reason_str(reason),
		ks_reason_hint(reason));
}

/* --buffer on the new pin @fd, still in STOP; @fd, or closed and -errno. */
static int size_buffer(const struct gpin *p, int fd, uint32_t bytes)
{
	char label[200];
	int ret = ks_pin_set_buffer_size(fd, bytes);

	if (!ret)
		return fd;
	fprintf(stderr, "%s graph: cannot give %s a %u-byte buffer: %s%s\n",
		ksctl_prog, pin_label(p, label, sizeof(label)), bytes,
		strerror(-ret), ret == -EINVAL ? " (64 KiB to 4 MiB)" :
		ret == -EOPNOTSUPP ? " (a LOOPED_STREAMING pin)" : "");
	close(fd);
	return ret;
}

static int create(struct graph *g, struct gpin *p, const char *what,
		  const struct ks_identifier *iface,
		  const struct ks_identifier *medium, int peer_fd)
{
	uint32_t reason = KS_REASON_NONE;
	int fd;

	fd = ks_create_pin_connected(p->f->fd, p->id, iface, medium, g->fmt,
				     g->fmt_size, peer_fd, access_for(p),
				     O_CLOEXEC, &reason);
	if (fd < 0) {
		explain(p, what, g->fmt_text, -fd, reason);
		return fd;
	}
	if (g->buffer)
		return size_buffer(p, fd, g->buffer);
	return fd;
}

/* The reader's interface: Standard STREAMING when listed (we read(2)). */
static const struct ks_identifier *reader_interface(const struct gpin *p)
{
	uint32_t i;

	for (i = 0; i < p->n_ifaces; i++)
		if (ks_identifier_eq(&p->ifaces[i], &default_interface))
			return &p->ifaces[i];
	return &p->ifaces[0];
}

/* Each link's sink, then its source naming it; then the reader's pin. */
static int build_chain(struct graph *g, struct running *r)
{
	char a[200], b[200], m[80];
	struct ks_stream_buffer sb;
	unsigned int i;

	for (i = 0; i < r->c.n; i++) {
		const struct link *l = &r->c.links[i];
		const struct gedge *e = l->e;

		r->sink_fd[i] = create(g, link_sink(l), "the sink pin",
				       &e->interface, &e->medium, 0);
		if (r->sink_fd[i] < 0)
			return -1;
		r->src_fd[i] = create(g, link_source(l), "the source pin",
				      &e->interface, &e->medium, r->sink_fd[i]);
		if (r->src_fd[i] < 0)
			return -1;
		fprintf(r->info, "connected %s %s %s  %s%s format %s (source fd %d, sink fd %d)\n",
			pin_label(e->out, a, sizeof(a)),
			l->physical ? "=>" : "->",
			pin_label(e->in, b, sizeof(b)),
			l->physical ? "physical, medium " : "medium ",
			ident_str(&e->medium, m, sizeof(m)),
			g->fmt_text, r->src_fd[i], r->sink_fd[i]);
	}
	r->reader_fd = create(g, r->c.reader, "the reader's pin",
			      reader_interface(r->c.reader),
			      &r->c.reader->mediums[0], 0);
	if (r->reader_fd < 0)
		return -1;
	if (ks_pin_get_buffer(r->reader_fd, &sb))
		sb.size = 0;
	fprintf(r->info, "reading %s  format %s (fd %d, buffer %u bytes)\n",
		pin_label(r->c.reader, a, sizeof(a)), g->fmt_text,
		r->reader_fd, sb.size);
	return 0;
}

static int run_pin(const struct gpin *p, int fd)
{
	char label[200];
	int ret = ks_pin_set_state(fd, KSSTATE_RUN);

	if (ret < 0)
		fprintf(stderr, "%s graph: cannot set %s to RUN: %s\n",
			ksctl_prog, pin_label(p, label, sizeof(label)),
			strerror(-ret));
	return ret;
}

/* The reader first, then from the end of the chain back, sinks first. */
static int run_chain(struct running *r)
{
	int i;

	if (run_pin(r->c.reader, r->reader_fd))
		return -1;
	for (i = r->c.n - 1; i >= 0; i--) {
		const struct link *l = &r->c.links[i];

		if (run_pin(link_sink(l), r->sink_fd[i]) ||
		    run_pin(link_source(l), r->src_fd[i]))
			return -1;
	}
	return 0;
}

/* From the start of the chain to its end. */
static void close_chain(struct running *r)
{
	unsigned int i;

	for (i = 0; i < r->c.n; i++) {
		const struct link *l = &r->c.links[i];
		int out_fd = l->e->push ? r->src_fd[i] : r->sink_fd[i];
		int in_fd = l->e->push ? r->sink_fd[i] : r->src_fd[i];

		if (out_fd >= 0)
			close(out_fd);
		if (in_fd >= 0)
			close(in_fd);
	}
	if (r->reader_fd >= 0)
		close(r->reader_fd);
}

/* ---- --verify: what ks-gen and ks-gain make (ks-chain.h) ---- */

struct verify {
	bool on;
	unsigned int channels;
	unsigned int gains;		/* ks-gain filters in the chain */
	unsigned int percent;
	uint64_t sample;		/* samples checked */
	uint8_t half[2];
	unsigned int have;		/* bytes of a sample in @half */
	uint64_t wrong;
	uint64_t first_frame;
	unsigned int first_channel;
	int16_t first_got, first_want;
};

static int16_t expected(const struct verify *v, uint64_t frame,
			unsigned int channel)
{
	int16_t s = ks_chain_sample(frame, channel);
	unsigned int i;

	for (i = 0; i < v->gains; i++)
		s = ks_chain_gain(s, v->percent);
	return s;
}

static int read_percent(unsigned int *percent)
{
	FILE *f = fopen(GAIN_PARAMS "gain_percent", "re");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%u", percent) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* --verify knows what ks-gen, ks-gain and ks-loopback do, nothing else. */
static int verify_init(struct verify *v, const struct graph *g,
		       const struct chain *c)
{
	unsigned int i;

	if (g->params.type != KS_SAMPLE_PCM || g->params.bits != KS_CHAIN_BITS) {
		fprintf(stderr, "%s graph: --verify needs %u-bit PCM\n",
			ksctl_prog, KS_CHAIN_BITS);
		return -1;
	}
	if (strcmp(c->links[0].e->out->f->name, GEN_NAME)) {
		fprintf(stderr, "%s graph: --verify needs a chain that starts at %s\n",
			ksctl_prog, GEN_NAME);
		return -1;
	}
	for (i = 0; i < c->n; i++) {
		const char *name = c->links[i].e->in->f->name;

		if (starts_with(name, GAIN_NAME)) {
			v->gains++;
		} else if (strcmp(name, "ks-loopback")) {
			fprintf(stderr, "%s graph: --verify does not know what %s does to the samples\n",
				ksctl_prog, name);
			return -1;
		}
	}
	if (v->gains && read_percent(&v->percent)) {
		fprintf(stderr, "%s graph: --verify cannot read %sgain_percent: %s\n",
			ksctl_prog, GAIN_PARAMS, strerror(errno));
		return -1;
	}
	v->channels = g->params.channels;
	v->on = true;
	return 0;
}

static void verify_bytes(struct verify *v, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t frame;
		unsigned int ch;
		int16_t got, want;

		v->half[v->have++] = p[i];
		if (v->have < 2)
			continue;
		v->have = 0;
		got = (int16_t)(uint16_t)(v->half[0] | v->half[1] << 8);
		frame = v->sample / v->channels;
		ch = v->sample % v->channels;
		want = expected(v, frame, ch);
		v->sample++;
		if (got == want)
			continue;
		if (!v->wrong++) {
			v->first_frame = frame;
			v->first_channel = ch;
			v->first_got = got;
			v->first_want = want;
		}
	}
}

/* ---- --connect: streaming ---- */

static int write_out(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Wait for data: 1 ready, 0 stop requested, -ETIMEDOUT stuck, -errno. */
static int wait_data(int fd)
{
	int waited = 0;

	while (!ksctl_stop_requested) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, POLL_MS);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			return 1;
		waited += POLL_MS;
		if (waited >= STALL_MS)
			return -ETIMEDOUT;
	}
	return 0;
}

/* Read @limit frames (fewer at an end of stream) into @out_fd (-1: none). */
static int stream(int pin_fd, int out_fd, uint32_t block, uint64_t limit,
		  struct verify *v, uint64_t *frames)
{
	size_t cap = CHUNK_BYTES / block * block;
	uint64_t bytes = 0, total = limit * block;
	uint8_t *buf;
	int ret = 0;

	buf = malloc(cap ? cap : block);
	if (!buf)
		return -ENOMEM;
	if (!cap)
		cap = block;
	while (bytes < total && !ksctl_stop_requested) {
		size_t want = total - bytes < cap ? total - bytes : cap;
		ssize_t n;

		ret = wait_data(pin_fd);
		if (ret <= 0)
			break;
		ret = 0;
		n = read(pin_fd, buf, want);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;		/* end of stream */
		if (v->on)
			verify_bytes(v, buf, n);
		if (out_fd >= 0) {
			ret = write_out(out_fd, buf, n);
			if (ret)
				break;
		}
		bytes += n;
	}
	*frames = bytes / block;
	free(buf);
	return ret;
}

static void fix_wav_header(int fd, const struct ks_audio_params *p,
			   uint64_t bytes)
{
	uint8_t h[KSCTL_WAV_HEADER_MAX];
	size_t len = ksctl_wav_header(h, p, bytes);
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	if (pwrite(fd, h, len, 0) != (ssize_t)len)
		fprintf(stderr, "%s graph: cannot update the WAV header: %s\n",
			ksctl_prog, strerror(errno));
}

static bool ends_with_wav(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n >= 4 && !strcasecmp(name + n - 4, ".wav");
}

/* The output fd: the file, stdout, or -1 (--verify with no -o). */
static int open_output(const struct connect_opts *o)
{
	int fd;

	if (!o->file)
		return o->verify ? -1 : STDOUT_FILENO;
	if (!strcmp(o->file, "-"))
		return STDOUT_FILENO;
	fd = open(o->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fprintf(stderr, "%s graph: cannot create %s: %s\n", ksctl_prog,
			o->file, strerror(errno));
	return fd;
}

static int report_verify(const struct verify *v, uint64_t frames,
			 uint64_t limit, FILE *info)
{
	if (v->wrong) {
		fprintf(info, "%llu frames, %llu samples not as expected; the first: frame %llu channel %u is %d, expected %d\n",
			(unsigned long long)frames,
			(unsigned long long)v->wrong,
			(unsigned long long)v->first_frame, v->first_channel,
			v->first_got, v->first_want);
		return -1;
	}
	if (frames < limit) {
		fprintf(info, "%llu frames of %llu, every sample as expected, but frames are missing\n",
			(unsigned long long)frames, (unsigned long long)limit);
		return -1;
	}
	fprintf(info, "%llu frames, every sample as expected (gain %u%% x %u)\n",
		(unsigned long long)frames, v->percent, v->gains);
	return 0;
}

static const char *stream_error(int ret)
{
	return ret == -ETIMEDOUT ? "no data for 5 s: the chain does not move" :
	       strerror(-ret);
}

static int graph_connect(struct graph *g, const struct connect_opts *o)
{
	struct running r = { .reader_fd = -1 };
	uint32_t block = g->params.channels * (uint32_t)g->params.bits / 8;
	uint64_t limit, frames = 0;
	struct verify v = { 0 };
	uint8_t h[KSCTL_WAV_HEADER_MAX];
	int out_fd = -1, ret = KSCTL_REFUSED, sret;
	bool wav = o->wav || ends_with_wav(o->file);
	char names[512];
	unsigned int i;

	for (i = 0; i < MAX_LINKS; i++)
		r.src_fd[i] = r.sink_fd[i] = -1;
	r.info = !o->file && !o->verify ? stderr :
		 o->file && !strcmp(o->file, "-") ? stderr : stdout;
	if (find_chain(g, &r.c)) {
		fprintf(stderr,
			"%s graph: no chain: no filter has an OUT pin joined to another filter's IN pin by a non-standard medium and a free OUT pin at the end (see '%s graph')\n",
			ksctl_prog, ksctl_prog);
		return KSCTL_REFUSED;
	}
	chain_names(&r.c, names, sizeof(names));
	limit = o->frames ? o->frames :
		(uint64_t)(o->seconds * g->params.rate + 0.5);
	if (!limit)
		limit = 1;
	if (o->verify && verify_init(&v, g, &r.c))
		return KSCTL_USAGE;
	fprintf(r.info, "chain: %s, %s\n", names, g->fmt_text);
	out_fd = open_output(o);
	if (out_fd < 0 && (o->file || !o->verify))
		return KSCTL_REFUSED;
	ksctl_catch_stop_signals();
	if (build_chain(g, &r) || run_chain(&r))
		goto out;
	if (out_fd >= 0 && wav &&
	    write_out(out_fd, h, ksctl_wav_header(h, &g->params,
						  limit * block))) {
		fprintf(stderr, "%s graph: cannot write the output: %s\n",
			ksctl_prog, strerror(errno));
		goto out;
	}
	fflush(r.info);		/* before the summary on stderr */
	sret = stream(r.reader_fd, out_fd, block, limit, &v, &frames);
	if (out_fd >= 0 && wav && frames != limit)
		fix_wav_header(out_fd, &g->params, frames * block);
	fprintf(stderr, "%llu frames through %s%s\n", (unsigned long long)frames,
		names, ksctl_stop_requested ? ", stopped by a signal" :
		frames < limit && !sret ? ", end of stream" : "");
	if (sret && sret != -EPIPE) {
		fprintf(stderr, "%s graph: reading %s failed: %s\n", ksctl_prog,
			r.c.reader->f->dev, stream_error(sret));
		goto out;
	}
	ret = KSCTL_OK;
	if (v.on && report_verify(&v, frames, limit, r.info))
		ret = KSCTL_REFUSED;
out:
	close_chain(&r);
	if (out_fd >= 0 && out_fd != STDOUT_FILENO)
		close(out_fd);
	return ret;
}

/* ---- options ---- */

static void graph_usage(FILE *out)
{
	fprintf(out,
		"usage: %s graph [--json | --dot] [--format FORMAT]\n"
		"       %s graph --connect [--format FORMAT] [--seconds S | --frames N]\n"
		"              [--buffer BYTES] [-o FILE|-] [--wav] [--verify]\n"
		"List every potential pin-to-pin connection between the registered filters:\n"
		"an OUT pin type and an IN pin type, one able to be a source and the other\n"
		"a sink, sharing an interface and a medium, with intersecting data ranges\n"
		"('->'), and every declared physical connection ('=>').  FORMAT (default\n"
		"pcm:48000:2:16) is shown when both pins take it, else their intersection.\n"
		"--dot prints a Graphviz digraph instead: a cluster per filter with its pins,\n"
		"topology nodes and topology connections, physical connections between the\n"
		"clusters solid, other potential ones dashed (render: dot -Tsvg).\n"
		"--connect builds a chain: from a filter none of whose IN pins is the target\n"
		"of a non-standard medium, along non-standard mediums, then along the last\n"
		"filter's physical connection; creates each sink pin and then its source\n"
		"with pin_to_handle, runs the chain from its end back, and reads S seconds\n"
		"(default 1) or N frames from the last filter's free OUT pin to stdout, or\n"
		"to FILE (WAV when it ends in .wav or with --wav).  --verify checks every\n"
		"sample against ks-gen's and ks-gain's (module/samples/ks-chain.h); without\n"
		"-o the samples are then only checked.  --buffer gives every pin of the\n"
		"chain a queue of BYTES (64K to 4M; K and M suffixes are KiB and MiB)\n"
		"instead of 100 ms of audio: deep queues for throughput.\n",
		ksctl_prog, ksctl_prog);
}

/* BYTES, BYTESK or BYTESM (KiB, MiB); 0 on anything else or 4 GiB up. */
static uint32_t parse_bytes(const char *s)
{
	unsigned int shift = 0;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	if (shift)
		end++;
	if (*end || v > (UINT32_MAX >> shift))
		return 0;
	return v << shift;
}

static int parse_positive(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0))
		return -1;
	*out = v;
	return 0;
}

int ksctl_graph(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dot", no_argument, NULL, 'D' },
		{ "connect", no_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "wav", no_argument, NULL, 'w' },
		{ "verify", no_argument, NULL, 'V' },
		{ "buffer", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct connect_opts o = { .seconds = 1 };
	struct graph g = { .params = default_format };
	bool as_json = false, as_dot = false, do_connect = false;
	bool streaming = false;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, "jcf:s:n:o:wVb:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			as_json = true;
			break;
		case 'D':
			as_dot = true;
			break;
		case 'c':
			do_connect = true;
			break;
		case 'f':
			if (ks_parse_format(optarg, &g.params) < 0 ||
			    ksctl_tone_check(&g.params) < 0) {
				fprintf(stderr,
					"%s graph: bad format '%s': expected TYPE:RATE:CHANNELS:BITS with whole-byte samples, e.g. pcm:48000:2:16\n",
					ksctl_prog, optarg);
				return KSCTL_USAGE;
			}
			break;
		case 's':
			if (parse_positive(optarg, &o.seconds)) {
				fprintf(stderr, "%s graph: bad seconds '%s'\n",
					ksctl_prog, optarg);
				return KSCTL_USAGE;
			}
			streaming = true;
			break;
		case 'n':
			errno = 0;
			o.frames = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || !o.frames) {
				fprintf(stderr, "%s graph: bad frame count '%s'\n",
					ksctl_prog, optarg);
				return KSCTL_USAGE;
			}
			streaming = true;
			break;
		case 'o':
			o.file = optarg;
			streaming = true;
			break;
		case 'w':
			o.wav = true;
			streaming = true;
			break;
		case 'V':
			o.verify = true;
			streaming = true;
			break;
		case 'b':
			g.buffer = parse_bytes(optarg);
			if (!g.buffer) {
				fprintf(stderr, "%s graph: bad buffer size '%s'\n",
					ksctl_prog, optarg);
				return KSCTL_USAGE;
			}
			streaming = true;
			break;
		case 'h':
			graph_usage(stdout);
			return KSCTL_OK;
		default:
			graph_usage(stderr);
			return KSCTL_USAGE;
		}
	}
	if (optind != argc || (streaming && !do_connect) ||
	    ((as_json || as_dot) && do_connect) || (as_json && as_dot)) {
		fprintf(stderr, "%s graph: %s\n", ksctl_prog,
			optind != argc ? "unexpected argument" :
			as_json && as_dot ? "--json or --dot, not both" :
			as_json ? "--json lists; it does not go with --connect" :
			as_dot ? "--dot draws; it does not go with --connect" :
			"--seconds, --frames, --buffer, -o, --wav and --verify need --connect");
		graph_usage(stderr);
		return KSCTL_USAGE;
	}
	if (graph_load(&g)) {
		graph_free(&g);
		return KSCTL_REFUSED;
	}
	if (do_connect)
		ret = graph_connect(&g, &o);
	else if (as_dot)
		ret = graph_dot(&g);
	else
		ret = graph_list(&g, as_json);
	graph_free(&g);
	return ret;
}
