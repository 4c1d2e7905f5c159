// SPDX-License-Identifier: GPL-2.0
/*
 * ks-audio's cards as a Windows mixer client (wdmaud, the mixer API) finds
 * them: through KS properties only, never by the module's tables.
 *
 *  - filters chosen by KSPROPERTY_TOPOLOGY_CATEGORIES: a wave filter is
 *    AUDIO with RENDER or CAPTURE, a topology filter AUDIO and TOPOLOGY;
 *    a card is a wave filter whose bridge pins are physically connected
 *    (KSPROPERTY_PIN_PHYSICALCONNECTION) to a topology filter;
 *  - the wave filter's streaming pins by KSPROPERTY_PIN_COMMUNICATION,
 *    DATAFLOW and CATEGORY, followed through its connections to its
 *    bridge pins and across the physical connections;
 *  - mixer lines walked through KSPROPERTY_TOPOLOGY_CONNECTIONS, NODES and
 *    NAME: a destination is an OUT bridge pin, its controls the volumes,
 *    mutes and mux found walking back from it to a sum or a mux; its
 *    sources the IN bridge pins (or the speakers' mix) reached walking back
 *    from each input of that sum or mux, each with its own controls;
 *  - the controls: BASICSUPPORT's KSPROPERTY_DESCRIPTION, MEMBERSHEADER and
 *    stepped ranges, GET and SET of VOLUMELEVEL, MUTE and MUX_SOURCE
 *    through the node ids the walk found, and bad requests next to good.
 *
 * Each test loads ks-audio.ko from $KS_MODULE_DIR (default /lib/ks) with
 * cards=1 to 4 and unloads it; a ks_audio loaded before the run is
 * loaded again at the end with its card count.  What the walk found is
 * compared with what a client expects of the card (a speakers line with a
 * master volume and mute and three sources, a capture line with a
 * three-input mux) only at the end, in the asserts.
 */
#include "ks_selftest.h"

#include "../module/samples/ks-audio.h"

#define CARDS_PARAM	AUDIO_PARAMS "cards"

#define MAX_FILTERS	64
#define MAX_CARDS	8
#define MAX_PINS	16
#define MAX_NODES	64
#define MAX_CONNS	128
#define MAX_CONTROLS	8
#define MAX_LINES	8
#define NAME_LEN	64
#define MAX_CHANNELS_DESC	16
#define MAX_CARD_CONTROLS	64
#define NONE		0xFFFFFFFFu

static const struct ks_guid set_pin = KSPROPSETID_PIN;
static const struct ks_guid set_audio = KSPROPSETID_AUDIO;
static const struct ks_guid type_general = KSPROPTYPESETID_GENERAL;
static const struct ks_guid cat_audio = KSCATEGORY_AUDIO;
static const struct ks_guid cat_render = KSCATEGORY_RENDER;
static const struct ks_guid cat_capture = KSCATEGORY_CAPTURE;
static const struct ks_guid cat_topology = KSCATEGORY_TOPOLOGY;
static const struct ks_guid node_volume = KSNODETYPE_VOLUME;
static const struct ks_guid node_mute = KSNODETYPE_MUTE;
static const struct ks_guid node_sum = KSNODETYPE_SUM;
static const struct ks_guid node_mux = KSNODETYPE_MUX;
static const struct ks_guid jack_speaker = KSNODETYPE_SPEAKER;
static const struct ks_guid jack_mic = KSNODETYPE_MICROPHONE;
static const struct ks_guid jack_line = KSNODETYPE_LINE_CONNECTOR;

/* ---- what a client reads of a filter ---- */

struct pin_info {
	uint32_t flow;
	uint32_t comm;
	struct ks_guid cat;
	char name[NAME_LEN];
};

/* One filter: its pins and its topology, as the properties answer. */
struct filter {
	int fd;
	unsigned int idx;
	char name[NAME_LEN];
	uint32_t pins;
	struct pin_info pin[MAX_PINS];
	uint32_t nodes;
	struct ks_guid node[MAX_NODES];
	char node_name[MAX_NODES][NAME_LEN];
	uint32_t conns;
	struct ks_topology_connection conn[MAX_CONNS];
};

/* A control of a line: node @node's KSPROPERTY_AUDIO_@id. */
struct control {
	uint32_t node;
	uint32_t id;
};

/*
 * A mixer line: a destination (its OUT bridge pin) or a source (the IN
 * bridge pin it starts at, or NONE with @mix, the node of another line
 * where the walk stopped), and the controls met on the way.
 */
struct line {
	uint32_t pin;
	uint32_t mix;
	unsigned int controls;
	struct control control[MAX_CONTROLS];
};

/* A card as a mixer client finds it. */
struct card {
	struct filter wave;
	struct filter topo;
	uint32_t render;		/* the wave filter's streaming pins */
	uint32_t capture;
	unsigned int renders, captures;	/* how many of each it has */
	uint32_t wave_out;		/* the wave filter's bridge pins */
	uint32_t capture_in;
	uint32_t topo_wave;		/* the topology's pin Wave Out feeds */
	struct line speakers;		/* destination: the speakers jack */
	uint32_t sum;			/* where the speakers' sources meet */
	unsigned int sources;
	struct line source[MAX_LINES];
	struct line capture_line;	/* destination: the wave's capture */
	uint32_t mux;
	unsigned int inputs;		/* the mux's, in node-pin order */
	struct line input[MAX_LINES];
	bool speakers_node[MAX_NODES];	/* on the speakers' path, the sum too */
};

static bool guid_in(const struct ks_multiple_item *list,
		    const struct ks_guid *g)
{
	uint32_t i, n = 0;
	const struct ks_guid *v = ks_list_guids(list, &n);

	for (i = 0; v && i < n; i++) {
		if (ks_guid_eq(&v[i], g))
			return true;
	}
	return false;
}

/*
 * KSPROPERTY_PIN_PHYSICALCONNECTION of @pin, read as Windows returns it
 * (KSPIN_PHYSICALCONNECTION: Size, Pin, SymbolicLinkName in UTF-16LE).
 * 0, -ENOENT when the pin declares none, -EPROTO when malformed.
 */
static int physical(int fd, uint32_t pin, uint32_t *peer_pin, char *name,
		    size_t size)
{
	const struct ks_pin_physicalconnection *pc;
	uint32_t inst[2] = { pin, 0 }, got = 0;
	void *buf;
	int ret;

	ret = ks_property_alloc(fd, &set_pin, KSPROPERTY_PIN_PHYSICALCONNECTION,
				KSPROPERTY_TYPE_GET, inst, sizeof(inst), &buf,
				&got);
	if (ret < 0)
		return ret;
	pc = buf;
	if (got < 10 || pc->size != got || got % 2) {
		free(buf);
		return -EPROTO;
	}
	*peer_pin = pc->pin;
	ks_utf16le_to_utf8((const uint16_t *)((const char *)buf + 8),
			   (got - 8) / 2, name, size);
	free(buf);
	return 0;
}

/* Pins, nodes, connections and names of the filter open at @f->fd. */
static int read_filter(struct filter *f)
{
	const struct ks_topology_connection *c;
	const struct ks_guid *g;
	struct ks_multiple_item *list;
	uint32_t i, n;
	int ret;

	ret = ks_filter_name(f->idx, f->name, sizeof(f->name));
	if (ret < 0)
		return ret;
	ret = ks_pin_count(f->fd);
	if (ret < 0)
		return ret;
	if (ret > MAX_PINS)
		return -E2BIG;
	f->pins = ret;
	for (i = 0; i < f->pins; i++) {
		struct pin_info *p = &f->pin[i];

		ret = ks_pin_dataflow(f->fd, i, &p->flow);
		if (!ret)
			ret = ks_pin_communication(f->fd, i, &p->comm);
		if (!ret && ks_pin_category(f->fd, i, &p->cat))
			memset(&p->cat, 0, sizeof(p->cat));
		if (!ret && ks_pin_name(f->fd, i, p->name, sizeof(p->name)))
			snprintf(p->name, sizeof(p->name), "pin %u", i);
		if (ret)
			return ret;
	}
	list = ks_topology_nodes(f->fd);
	if (!list)
		return -errno;
	g = ks_list_guids(list, &n);
	if (n > MAX_NODES) {
		free(list);
		return -E2BIG;
	}
	f->nodes = n;
	memcpy(f->node, g, n * sizeof(*g));
	free(list);
	for (i = 0; i < f->nodes; i++) {
		if (ks_node_name(f->fd, i, f->node_name[i], NAME_LEN))
			snprintf(f->node_name[i], NAME_LEN, "node %u", i);
	}
	list = ks_topology_connections(f->fd);
	if (!list)
		return -errno;
	c = ks_list_connections(list, &n);
	if (n > MAX_CONNS) {
		free(list);
		return -E2BIG;
	}
	f->conns = n;
	memcpy(f->conn, c, n * sizeof(*c));
	free(list);
	return 0;
}

/* ---- walking the topology ---- */

/* The one connection into input @pin of @node (KSFILTER_NODE: a pin); -1. */
static int feed_of(const struct filter *f, uint32_t node, uint32_t pin)
{
	int found = -1;
	uint32_t i;

	for (i = 0; i < f->conns; i++) {
		if (f->conn[i].to_node != node || f->conn[i].to_node_pin != pin)
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

/* The one connection out of pin @pin of the filter; -1. */
static int pin_out(const struct filter *f, uint32_t pin)
{
	int found = -1;
	uint32_t i;

	for (i = 0; i < f->conns; i++) {
		if (f->conn[i].from_node != KSFILTER_NODE ||
		    f->conn[i].from_node_pin != pin)
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

/* The node's input pins (its connections in), in node-pin order. */
static unsigned int node_inputs(const struct filter *f, uint32_t node,
				uint32_t *pins, unsigned int max)
{
	unsigned int n = 0, i, j;

	for (i = 0; i < f->conns; i++) {
		uint32_t p = f->conn[i].to_node_pin;

		if (f->conn[i].to_node != node)
			continue;
		for (j = n; j > 0 && pins[j - 1] > p; j--) {
			if (j < max)
				pins[j] = pins[j - 1];
		}
		if (j < max)
			pins[j] = p;
		n++;
	}
	return n;
}

/* The control a node of this type carries, or 0. */
static uint32_t node_control(const struct filter *f, uint32_t node)
{
	if (ks_guid_eq(&f->node[node], &node_volume))
		return KSPROPERTY_AUDIO_VOLUMELEVEL;
	if (ks_guid_eq(&f->node[node], &node_mute))
		return KSPROPERTY_AUDIO_MUTE;
	if (ks_guid_eq(&f->node[node], &node_mux))
		return KSPROPERTY_AUDIO_MUX_SOURCE;
	return 0;
}

static void add_control(struct line *l, uint32_t node, uint32_t id)
{
	if (id && l->controls < MAX_CONTROLS) {
		l->control[l->controls].node = node;
		l->control[l->controls].id = id;
		l->controls++;
	}
}

/*
 * Walk back from input @pin of @node (KSFILTER_NODE: the filter's pin
 * @pin), adding the controls met to @l and marking the nodes in @taken,
 * until a filter pin (@l->pin), a node with more than one input or one
 * @taken already (@l->mix).  Returns 0, or -EPROTO for a walk that finds
 * no single feed or goes round.
 */
static int walk_back(const struct filter *f, uint32_t node, uint32_t pin,
		     struct line *l, bool *taken)
{
	uint32_t in[4], steps;

	l->pin = l->mix = NONE;
	for (steps = 0; steps <= f->nodes; steps++) {
		int c = feed_of(f, node, pin);

		if (c < 0)
			return -EPROTO;
		node = f->conn[c].from_node;
		if (node == KSFILTER_NODE) {
			l->pin = f->conn[c].from_node_pin;
			return 0;
		}
		if (node >= f->nodes)
			return -EPROTO;
		if (taken[node] || node_inputs(f, node, in, 4) != 1) {
			l->mix = node;
			return 0;
		}
		taken[node] = true;
		add_control(l, node, node_control(f, node));
		pin = in[0];
	}
	return -EPROTO;
}

/* Forward from pin @pin through the nodes to the pin it reaches; NONE. */
static uint32_t walk_forward(const struct filter *f, uint32_t pin)
{
	uint32_t steps;
	int c = pin_out(f, pin);

	for (steps = 0; c >= 0 && steps <= f->nodes; steps++) {
		uint32_t node = f->conn[c].to_node;
		uint32_t i;

		if (node == KSFILTER_NODE)
			return f->conn[c].to_node_pin;
		for (c = -1, i = 0; i < f->conns; i++) {
			if (f->conn[i].from_node == node) {
				c = i;
				break;
			}
		}
	}
	return NONE;
}

/* Back from pin @pin to the pin that feeds it; NONE. */
static uint32_t walk_to_source(const struct filter *f, uint32_t pin)
{
	bool taken[MAX_NODES] = { false };
	struct line l;

	memset(&l, 0, sizeof(l));
	if (walk_back(f, KSFILTER_NODE, pin, &l, taken))
		return NONE;
	return l.pin;
}

/*
 * A destination and its sources: back from the OUT pin @pin to the node
 * where several inputs meet (@meet), then back from each of its inputs.
 */
static int walk_destination(const struct filter *f, uint32_t pin,
			    struct line *dest, uint32_t *meet,
			    struct line *sources, unsigned int *count,
			    bool *taken)
{
	uint32_t in[MAX_LINES];
	unsigned int n, i;
	int ret;

	ret = walk_back(f, KSFILTER_NODE, pin, dest, taken);
	if (ret)
		return ret;
	dest->pin = pin;
	*meet = dest->mix;
	if (*meet == NONE)
		return -EPROTO;
	taken[*meet] = true;
	/* The mux chooses between the sources: it is the line's control. */
	if (node_control(f, *meet) == KSPROPERTY_AUDIO_MUX_SOURCE)
		add_control(dest, *meet, KSPROPERTY_AUDIO_MUX_SOURCE);
	n = node_inputs(f, *meet, in, MAX_LINES);
	if (n > MAX_LINES)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		memset(&sources[i], 0, sizeof(sources[i]));
		ret = walk_back(f, *meet, in[i], &sources[i], taken);
		if (ret)
			return ret;
	}
	*count = n;
	return 0;
}

/* ---- the cards ---- */

static bool is_wave(const struct ks_multiple_item *cats)
{
	return guid_in(cats, &cat_audio) &&
	       (guid_in(cats, &cat_render) || guid_in(cats, &cat_capture));
}

static bool is_topology(const struct ks_multiple_item *cats)
{
	return guid_in(cats, &cat_audio) && guid_in(cats, &cat_topology);
}

/* The wave filter's streaming pins and their bridges. */
static int find_wave_pins(struct card *c)
{
	const struct filter *w = &c->wave;
	uint32_t i;

	c->render = c->capture = c->wave_out = c->capture_in = NONE;
	for (i = 0; i < w->pins; i++) {
		const struct pin_info *p = &w->pin[i];

		if (p->comm != KSPIN_COMMUNICATION_SINK &&
		    p->comm != KSPIN_COMMUNICATION_BOTH)
			continue;
		if (p->flow == KSPIN_DATAFLOW_IN &&
		    ks_guid_eq(&p->cat, &cat_render)) {
			c->render = i;
			c->renders++;
		} else if (p->flow == KSPIN_DATAFLOW_OUT &&
			   ks_guid_eq(&p->cat, &cat_capture)) {
			c->capture = i;
			c->captures++;
		}
	}
	if (c->render == NONE || c->capture == NONE)
		return -ENOENT;
	c->wave_out = walk_forward(w, c->render);
	c->capture_in = walk_to_source(w, c->capture);
	if (c->wave_out >= w->pins || c->capture_in >= w->pins)
		return -EPROTO;
	if (w->pin[c->wave_out].comm != KSPIN_COMMUNICATION_BRIDGE ||
	    w->pin[c->capture_in].comm != KSPIN_COMMUNICATION_BRIDGE)
		return -EPROTO;
	return 0;
}

/*
 * The card's lines: the speakers (the OUT bridge whose category is
 * KSNODETYPE_SPEAKER) and the capture destination (the OUT bridge pin
 * physically connected to the wave filter's capture bridge).
 */
static int find_lines(struct card *c)
{
	const struct filter *t = &c->topo;
	bool taken[MAX_NODES] = { false };
	uint32_t i, spk = NONE, cap = NONE, peer;
	char name[NAME_LEN];
	unsigned int s;
	int ret;

	for (i = 0; i < t->pins; i++) {
		const struct pin_info *p = &t->pin[i];

		if (p->comm != KSPIN_COMMUNICATION_BRIDGE ||
		    p->flow != KSPIN_DATAFLOW_OUT)
			continue;
		if (ks_guid_eq(&p->cat, &jack_speaker)) {
			if (spk != NONE)
				return -EEXIST;
			spk = i;
		}
		if (!physical(t->fd, i, &peer, name, sizeof(name)) &&
		    !strcmp(name, c->wave.name) && peer == c->capture_in) {
			if (cap != NONE)
				return -EEXIST;
			cap = i;
		}
	}
	if (spk == NONE || cap == NONE)
		return -ENOENT;
	ret = walk_destination(t, spk, &c->speakers, &c->sum, c->source,
			       &c->sources, taken);
	if (ret)
		return ret;
	/* What the speakers' line holds: a capture source ending there hears it. */
	memcpy(c->speakers_node, taken, sizeof(c->speakers_node));
	for (s = 0; s < c->sources; s++) {
		for (i = 0; i < c->source[s].controls; i++)
			c->speakers_node[c->source[s].control[i].node] = false;
	}
	return walk_destination(t, cap, &c->capture_line, &c->mux, c->input,
				&c->inputs, taken);
}

/* ---- fixture ---- */

/* Leave ks_audio as the run found it. */
KS_LEAVE_MODULE_AS_FOUND(AUDIO_MODNAME, "ks-audio.ko", CARDS_PARAM)

FIXTURE(audio) {
	unsigned int cards;
	struct card card[MAX_CARDS];
	unsigned int topologies;	/* AUDIO + TOPOLOGY filters seen */
	unsigned int unpaired;		/* of those, not a card's */
	int fds[MAX_FILTERS];
	unsigned int nfds;
};

FIXTURE_VARIANT(audio) {
	unsigned int cards;
};

FIXTURE_VARIANT_ADD(audio, one_card) {
	.cards = 1,
};

FIXTURE_VARIANT_ADD(audio, two_cards) {
	.cards = 2,
};

FIXTURE_VARIANT_ADD(audio, three_cards) {
	.cards = 3,
};

FIXTURE_VARIANT_ADD(audio, four_cards) {
	.cards = 4,
};

/*
 * Load ks-audio with the variant's cards and find them: every filter by
 * its categories, the wave filters' bridges to the topology filters.
 */
FIXTURE_SETUP(audio)
{
	static struct filter topo[MAX_FILTERS];
	bool paired[MAX_FILTERS] = { false };
	unsigned int idx[MAX_FILTERS], ntopo = 0, i, j;
	char params[32], name[NAME_LEN];
	int n, ret;

	self->cards = 0;
	self->nfds = 0;
	self->topologies = self->unpaired = 0;
	ret = unload_module_wait(AUDIO_MODNAME);
	ASSERT_TRUE(ret == 0 || ret == -ENOENT) TH_LOG("rmmod: %s",
						       strerror(-ret));
	snprintf(params, sizeof(params), "cards=%u", variant->cards);
	ret = load_module("ks-audio.ko", params);
	ASSERT_EQ(0, ret) TH_LOG("loading %s/ks-audio.ko: %s (errno %d)",
				 module_dir(), strerror(-ret), -ret);
	n = ks_list_filters(idx, MAX_FILTERS);
	ASSERT_LT(0, n) TH_LOG("no filters: %s", strerror(-n));

	/* Open them all; keep the topologies, then the cards' wave filters. */
	for (i = 0; i < (unsigned int)n; i++) {
		struct ks_multiple_item *cats;
		struct filter *f = NULL;
		int fd = open_filter(idx[i], O_RDWR);

		ASSERT_LE(0, fd) TH_LOG("ksfilter%u: %s", idx[i], strerror(-fd));
		self->fds[self->nfds++] = fd;
		cats = ks_filter_categories(fd);
		ASSERT_NE(NULL, cats) TH_LOG("ksfilter%u", idx[i]);
		if (is_topology(cats))
			f = &topo[ntopo++];
		else if (is_wave(cats) && self->cards < MAX_CARDS)
			f = &self->card[self->cards++].wave;
		free(cats);
		if (!f)
			continue;
		memset(f, 0, sizeof(*f));
		f->fd = fd;
		f->idx = idx[i];
		ret = read_filter(f);
		ASSERT_EQ(0, ret) TH_LOG("ksfilter%u: %s", idx[i],
					 strerror(-ret));
	}
	self->topologies = ntopo;

	/*
	 * A card: a wave filter whose render bridge is physically connected
	 * to a topology filter.  Wave filters without one (ks-loopback) are
	 * not cards.
	 */
	for (i = 0; i < self->cards;) {
		struct card *c = &self->card[i];
		struct filter wave = c->wave;
		uint32_t peer = NONE;

		memset(c, 0, sizeof(*c));
		c->wave = wave;
		ret = find_wave_pins(c);
		if (!ret)
			ret = physical(wave.fd, c->wave_out, &peer, name,
				       sizeof(name));
		for (j = 0; !ret && j < ntopo; j++) {
			if (!strcmp(topo[j].name, name))
				break;
		}
		if (ret || j == ntopo) {
			TH_LOG("%s: not a card (%s)", wave.name,
			       ret ? "no bridge from its render pin" :
				     "no topology peer");
			self->cards--;
			for (j = i; j < self->cards; j++)
				self->card[j] = self->card[j + 1];
			continue;
		}
		ASSERT_FALSE(paired[j]) TH_LOG("%s: two wave filters",
					       topo[j].name);
		paired[j] = true;
		c->topo = topo[j];
		c->topo_wave = peer;
		ret = find_lines(c);
		ASSERT_EQ(0, ret) TH_LOG("%s: lines: %s", c->topo.name,
					 strerror(-ret));
		i++;
	}
	for (j = 0; j < ntopo; j++)
		self->unpaired += !paired[j];
}

FIXTURE_TEARDOWN(audio)
{
	unsigned int i;

	for (i = 0; i < self->nfds; i++)
		close_fd(&self->fds[i]);
	EXPECT_EQ(0, unload_module_wait(AUDIO_MODNAME));
}

/* ---- checks ---- */

static unsigned int count_controls(const struct line *l, uint32_t id)
{
	unsigned int i, n = 0;

	for (i = 0; i < l->controls; i++)
		n += l->control[i].id == id;
	return n;
}

/* The node of @l's first @id control, or NONE. */
static uint32_t control_node(const struct line *l, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < l->controls; i++) {
		if (l->control[i].id == id)
			return l->control[i].node;
	}
	return NONE;
}

static const char *control_str(uint32_t id)
{
	switch (id) {
	case KSPROPERTY_AUDIO_VOLUMELEVEL:
		return "volume";
	case KSPROPERTY_AUDIO_MUTE:
		return "mute";
	case KSPROPERTY_AUDIO_MUX_SOURCE:
		return "mux";
	}
	return "?";
}

/* "Speakers: Master Mute (mute), Master Volume (volume)" */
static void line_str(const struct filter *t, const struct line *l, char *buf,
		     size_t size)
{
	size_t n;
	unsigned int i;

	if (l->pin != NONE)
		n = snprintf(buf, size, "%s:", t->pin[l->pin].name);
	else
		n = snprintf(buf, size, "(%s):", t->node_name[l->mix]);
	for (i = 0; i < l->controls && n < size; i++)
		n += snprintf(buf + n, size - n, " %s (%s)",
			      t->node_name[l->control[i].node],
			      control_str(l->control[i].id));
}

TEST_F(audio, cards_paired_by_category_and_physical_connection)
{
	unsigned int i, j;

	EXPECT_EQ(variant->cards, self->cards);
	EXPECT_EQ(variant->cards, self->topologies);
	EXPECT_EQ(0u, self->unpaired);
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];

		TH_LOG("card %u: %s (ksfilter%u) + %s (ksfilter%u)", i,
		       c->wave.name, c->wave.idx, c->topo.name, c->topo.idx);
		EXPECT_NE(c->wave.idx, c->topo.idx);
		for (j = 0; j < i; j++) {
			EXPECT_NE(self->card[j].wave.idx, c->wave.idx);
			EXPECT_NE(self->card[j].topo.idx, c->topo.idx);
		}
		/* The only names used: both ends of each connection agree. */
		EXPECT_NE(0, strcmp(c->wave.name, c->topo.name));
	}
}

TEST_F(audio, wave_pins_one_render_one_capture_bridged_to_topology)
{
	unsigned int i;

	ASSERT_EQ(variant->cards, self->cards);
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];
		const struct filter *w = &c->wave, *t = &c->topo;
		uint32_t peer;
		char name[NAME_LEN];

		EXPECT_EQ(1u, c->renders) TH_LOG("%s", w->name);
		EXPECT_EQ(1u, c->captures) TH_LOG("%s", w->name);
		EXPECT_EQ((uint32_t)KSPIN_DATAFLOW_OUT,
			  w->pin[c->wave_out].flow);
		EXPECT_EQ((uint32_t)KSPIN_DATAFLOW_IN,
			  w->pin[c->capture_in].flow);
		/* Wave Out => the topology's IN bridge, the wave source. */
		ASSERT_GT(t->pins, c->topo_wave);
		EXPECT_EQ((uint32_t)KSPIN_COMMUNICATION_BRIDGE,
			  t->pin[c->topo_wave].comm);
		EXPECT_EQ((uint32_t)KSPIN_DATAFLOW_IN, t->pin[c->topo_wave].flow);
		/* Declared on the OUT end: the IN ends declare none. */
		EXPECT_EQ(-ENOENT, physical(w->fd, c->capture_in, &peer, name,
					    sizeof(name)));
		EXPECT_EQ(-ENOENT, physical(t->fd, c->topo_wave, &peer, name,
					    sizeof(name)));
		/* The streaming pins have no physical peer either. */
		EXPECT_EQ(-ENOENT, physical(w->fd, c->render, &peer, name,
					    sizeof(name)));
		TH_LOG("%s: %s -> %s => %s %s; %s %s => %s -> %s", w->name,
		       w->pin[c->render].name, w->pin[c->wave_out].name,
		       t->name, t->pin[c->topo_wave].name, t->name,
		       t->pin[c->capture_line.pin].name,
		       w->pin[c->capture_in].name, w->pin[c->capture].name);
	}
}

TEST_F(audio, speakers_line_master_volume_mute_three_sources)
{
	unsigned int i, s;
	char buf[256];

	ASSERT_EQ(variant->cards, self->cards);
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];
		const struct filter *t = &c->topo;
		bool wave = false, mic = false, line = false;

		line_str(t, &c->speakers, buf, sizeof(buf));
		TH_LOG("%s destination %s", t->name, buf);
		EXPECT_TRUE(ks_guid_eq(&t->node[c->sum], &node_sum));
		EXPECT_EQ(2u, c->speakers.controls);
		EXPECT_EQ(1u, count_controls(&c->speakers,
					     KSPROPERTY_AUDIO_VOLUMELEVEL));
		EXPECT_EQ(1u, count_controls(&c->speakers,
					     KSPROPERTY_AUDIO_MUTE));
		ASSERT_EQ(3u, c->sources);
		for (s = 0; s < c->sources; s++) {
			const struct line *l = &c->source[s];

			line_str(t, l, buf, sizeof(buf));
			TH_LOG("  source %s", buf);
			ASSERT_GT(t->pins, l->pin) TH_LOG("not from a pin");
			EXPECT_EQ((uint32_t)KSPIN_COMMUNICATION_BRIDGE,
				  t->pin[l->pin].comm);
			EXPECT_EQ((uint32_t)KSPIN_DATAFLOW_IN,
				  t->pin[l->pin].flow);
			EXPECT_EQ(2u, l->controls);
			EXPECT_EQ(1u, count_controls(l,
						     KSPROPERTY_AUDIO_VOLUMELEVEL));
			EXPECT_EQ(1u, count_controls(l, KSPROPERTY_AUDIO_MUTE));
			if (l->pin == c->topo_wave)
				wave = true;
			else if (ks_guid_eq(&t->pin[l->pin].cat, &jack_mic))
				mic = true;
			else if (ks_guid_eq(&t->pin[l->pin].cat, &jack_line))
				line = true;
		}
		EXPECT_TRUE(wave && mic && line) TH_LOG("%s", t->name);
	}
}

TEST_F(audio, capture_line_mux_of_mic_line_in_what_you_hear)
{
	unsigned int i, s;
	char buf[256];

	ASSERT_EQ(variant->cards, self->cards);
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];
		const struct filter *t = &c->topo;
		const struct line *l;

		line_str(t, &c->capture_line, buf, sizeof(buf));
		TH_LOG("%s destination %s", t->name, buf);
		EXPECT_TRUE(ks_guid_eq(&t->node[c->mux], &node_mux));
		EXPECT_EQ(2u, c->capture_line.controls);
		EXPECT_EQ(1u, count_controls(&c->capture_line,
					     KSPROPERTY_AUDIO_VOLUMELEVEL));
		EXPECT_EQ(c->mux, control_node(&c->capture_line,
					       KSPROPERTY_AUDIO_MUX_SOURCE));
		ASSERT_EQ(3u, c->inputs);
		for (s = 0; s < c->inputs; s++) {
			l = &c->input[s];
			line_str(t, l, buf, sizeof(buf));
			TH_LOG("  mux input %u: %s", s, buf);
			EXPECT_EQ(1u, l->controls);
			EXPECT_EQ(1u, count_controls(l,
						     KSPROPERTY_AUDIO_VOLUMELEVEL));
		}
		/* In node-pin order: microphone, line in, what you hear. */
		l = &c->input[0];
		ASSERT_GT(t->pins, l->pin);
		EXPECT_TRUE(ks_guid_eq(&t->pin[l->pin].cat, &jack_mic));
		l = &c->input[1];
		ASSERT_GT(t->pins, l->pin);
		EXPECT_TRUE(ks_guid_eq(&t->pin[l->pin].cat, &jack_line));
		/* The third hears the speakers' mix: it ends on their line. */
		l = &c->input[2];
		EXPECT_EQ(NONE, l->pin);
		ASSERT_GT(t->nodes, l->mix);
		EXPECT_TRUE(c->speakers_node[l->mix])
			TH_LOG("ends at %s", t->node_name[l->mix]);
	}
}

/*
 * BASICSUPPORT of a node control, as a mixer client reads a range: the
 * size first (EOVERFLOW), then KSPROPERTY_DESCRIPTION, one
 * KSPROPERTY_MEMBERSHEADER and a KSPROPERTY_STEPPING_LONG per member.
 * Returns the members read into @r (at most @max), or -errno.
 */
static int describe(struct __test_metadata *_metadata, int fd, uint32_t node,
		    uint32_t id, uint32_t vt, struct ks_property_stepping_long *r,
		    unsigned int max, uint32_t *flags)
{
	struct ks_node_property_audio_channel in;
	struct {
		struct ks_property_description d;
		struct ks_property_membersheader h;
		struct ks_property_stepping_long r[MAX_CHANNELS_DESC];
	} out;
	uint32_t got = 0, need, in_size;
	unsigned int i;
	int ret;

	memset(&in, 0, sizeof(in));
	in.node_property.node_id = node;
	in_size = id == KSPROPERTY_AUDIO_MUX_SOURCE ? sizeof(struct ks_p_node) :
						      sizeof(in);
	ret = ks_property(fd, &set_audio, id, KSPROPERTY_TYPE_BASICSUPPORT |
			  KSPROPERTY_TYPE_TOPOLOGY, (char *)&in + 24,
			  in_size - 24, NULL, 0, &need);
	if (ret != -EOVERFLOW)
		return ret ? ret : -EPROTO;
	if (need > sizeof(out) || need < sizeof(out.d) + sizeof(out.h))
		return -E2BIG;
	memset(&out, 0, sizeof(out));
	ret = ks_property(fd, &set_audio, id, KSPROPERTY_TYPE_BASICSUPPORT |
			  KSPROPERTY_TYPE_TOPOLOGY, (char *)&in + 24,
			  in_size - 24, &out, need, &got);
	if (ret)
		return ret;
	EXPECT_EQ(need, got);
	EXPECT_EQ(need, out.d.description_size);
	EXPECT_EQ((uint32_t)(KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET),
		  out.d.access_flags & (KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET));
	EXPECT_TRUE(ks_guid_eq(&out.d.prop_type_set.set, &type_general));
	EXPECT_EQ(vt, out.d.prop_type_set.id);
	EXPECT_EQ(1u, out.d.members_list_count);
	EXPECT_EQ((uint32_t)KSPROPERTY_MEMBER_STEPPEDRANGES,
		  out.h.members_flags);
	EXPECT_EQ((uint32_t)sizeof(r[0]), out.h.members_size);
	if (out.h.members_size != sizeof(r[0]) ||
	    need != sizeof(out.d) + sizeof(out.h) +
		    out.h.members_count * sizeof(r[0]))
		return -EPROTO;
	for (i = 0; i < out.h.members_count && i < max; i++)
		r[i] = out.r[i];
	*flags = out.h.flags;
	return out.h.members_count;
}

/* Channels as a Windows client counts them: GET until EINVAL. */
static int count_channels(int fd, uint32_t node, uint32_t id)
{
	int32_t v;
	int ch, ret;

	for (ch = 0; ch < 64; ch++) {
		ret = ks_node_get(fd, node, id, ch, &v);
		if (ret == -EINVAL)
			return ch;
		if (ret)
			return ret;
	}
	return -E2BIG;
}

/* Every volume and mute of every line of @c, once; returns how many. */
static unsigned int card_controls(const struct card *c, struct control *out,
				  unsigned int max)
{
	const struct line *lines[3 + 2 * MAX_LINES];
	unsigned int n = 0, i, k, m;

	lines[n++] = &c->speakers;
	lines[n++] = &c->capture_line;
	for (i = 0; i < c->sources; i++)
		lines[n++] = &c->source[i];
	for (i = 0; i < c->inputs; i++)
		lines[n++] = &c->input[i];
	for (m = 0, i = 0; i < n; i++) {
		for (k = 0; k < lines[i]->controls && m < max; k++)
			out[m++] = lines[i]->control[k];
	}
	return m;
}

TEST_F(audio, volumes_basicsupport_range_step_and_values)
{
	struct ks_property_stepping_long r[MAX_CHANNELS_DESC];
	struct control ctl[MAX_CARD_CONTROLS];
	unsigned int i, k, n, volumes;
	uint32_t flags;
	int32_t v;
	int ch, members, channels;

	ASSERT_EQ(variant->cards, self->cards);
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];
		const struct filter *t = &c->topo;

		n = card_controls(c, ctl, MAX_CARD_CONTROLS);
		volumes = 0;
		for (k = 0; k < n; k++) {
			const char *name = t->node_name[ctl[k].node];

			if (ctl[k].id != KSPROPERTY_AUDIO_VOLUMELEVEL)
				continue;
			volumes++;
			members = describe(_metadata, t->fd, ctl[k].node,
					   ctl[k].id, KS_VT_I4, r,
					   MAX_CHANNELS_DESC, &flags);
			ASSERT_LT(0, members) TH_LOG("%s: %s", name,
						     strerror(-members));
			channels = count_channels(t->fd, ctl[k].node, ctl[k].id);
			EXPECT_EQ(members, channels) TH_LOG("%s", name);
			EXPECT_TRUE(flags &
				    KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL);
			for (ch = 0; ch < members && ch < MAX_CHANNELS_DESC;
			     ch++) {
				const struct ks_property_stepping_long *s = &r[ch];
				int64_t span = (int64_t)s->bounds.signed_maximum -
					       s->bounds.signed_minimum;

				EXPECT_LT(s->bounds.signed_minimum,
					  s->bounds.signed_maximum);
				EXPECT_LT(0u, s->stepping_delta);
				if (s->stepping_delta)
					EXPECT_EQ(0, span % s->stepping_delta)
						TH_LOG("%s ch %d", name, ch);
				ASSERT_EQ(0, ks_node_get(t->fd, ctl[k].node,
							 ctl[k].id, ch, &v));
				EXPECT_LE(s->bounds.signed_minimum, v);
				EXPECT_GE(s->bounds.signed_maximum, v);
				if (s->stepping_delta)
					EXPECT_EQ(0, ((int64_t)v -
						      s->bounds.signed_minimum) %
						  s->stepping_delta)
						TH_LOG("%s ch %d: %d off step",
						       name, ch, v);
			}
			if (i == 0 && k < 3)
				TH_LOG("%s %s: %d channels, %d..%d step %u",
				       t->name, name, members,
				       r[0].bounds.signed_minimum,
				       r[0].bounds.signed_maximum,
				       r[0].stepping_delta);
		}
		/* Master, three sources, three capture sources, capture. */
		EXPECT_EQ(8u, volumes) TH_LOG("%s", t->name);
	}
}

TEST_F(audio, mutes_and_mux_basicsupport_and_values)
{
	struct ks_property_stepping_long r[MAX_CHANNELS_DESC];
	struct control ctl[MAX_CARD_CONTROLS];
	unsigned int i, k, n, mutes;
	uint32_t flags;
	int32_t v;
	int ch, members;

	ASSERT_EQ(variant->cards, self->cards);
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];
		const struct filter *t = &c->topo;

		n = card_controls(c, ctl, MAX_CARD_CONTROLS);
		mutes = 0;
		for (k = 0; k < n; k++) {
			const char *name = t->node_name[ctl[k].node];

			if (ctl[k].id != KSPROPERTY_AUDIO_MUTE)
				continue;
			mutes++;
			members = describe(_metadata, t->fd, ctl[k].node,
					   ctl[k].id, KS_VT_BOOL, r,
					   MAX_CHANNELS_DESC, &flags);
			ASSERT_LT(0, members) TH_LOG("%s", name);
			EXPECT_EQ(members, count_channels(t->fd, ctl[k].node,
							  ctl[k].id));
			for (ch = 0; ch < members; ch++) {
				ASSERT_EQ(0, ks_node_get(t->fd, ctl[k].node,
							 ctl[k].id, ch, &v));
				EXPECT_TRUE(v == 0 || v == 1) TH_LOG("%s", name);
			}
		}
		EXPECT_EQ(4u, mutes) TH_LOG("%s", t->name);

		/* The mux: one range, 0 to its inputs less one. */
		members = describe(_metadata, t->fd, c->mux,
				   KSPROPERTY_AUDIO_MUX_SOURCE, KS_VT_UI4, r,
				   MAX_CHANNELS_DESC, &flags);
		ASSERT_EQ(1, members);
		EXPECT_EQ(0, r[0].bounds.signed_minimum);
		EXPECT_EQ((int32_t)c->inputs - 1, r[0].bounds.signed_maximum);
		ASSERT_EQ(0, ks_node_get(t->fd, c->mux,
					 KSPROPERTY_AUDIO_MUX_SOURCE, 0, &v));
		EXPECT_LE(0, v);
		EXPECT_GT((int32_t)c->inputs, v);
	}
}

/*
 * A SET through each node id the walk found reads back through GET, on
 * that card only: the other cards, whose walks found the same lines, keep
 * their values.
 */
TEST_F(audio, set_through_found_nodes_reads_back_on_that_card_only)
{
	static struct control ctl[MAX_CARDS][MAX_CARD_CONTROLS];
	struct ks_property_stepping_long r[MAX_CHANNELS_DESC];
	unsigned int i, j, k, n[MAX_CARDS];
	uint32_t flags;
	int32_t v, before[MAX_CARDS], want, in;

	ASSERT_EQ(variant->cards, self->cards);
	for (i = 0; i < self->cards; i++) {
		n[i] = card_controls(&self->card[i], ctl[i], MAX_CARD_CONTROLS);
		ASSERT_EQ(n[0], n[i]);
		for (k = 0; k < n[i]; k++)
			ASSERT_EQ(ctl[0][k].id, ctl[i][k].id);
	}
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];
		const struct filter *t = &c->topo;

		for (k = 0; k < n[i]; k++) {
			uint32_t node = ctl[i][k].node, id = ctl[i][k].id;
			const char *name = t->node_name[node];

			if (id == KSPROPERTY_AUDIO_MUX_SOURCE)
				continue;
			for (j = 0; j < self->cards; j++)
				ASSERT_EQ(0, ks_node_get(self->card[j].topo.fd,
							 ctl[j][k].node, id, 0,
							 &before[j]));
			if (id == KSPROPERTY_AUDIO_VOLUMELEVEL) {
				ASSERT_LT(0, describe(_metadata, t->fd, node,
						      id, KS_VT_I4, r,
						      MAX_CHANNELS_DESC,
						      &flags));
				ASSERT_LT(0u, r[0].stepping_delta);
				/* The step nearest the middle of the range. */
				want = r[0].bounds.signed_minimum +
				       (int32_t)(((int64_t)r[0].bounds.signed_maximum -
						  r[0].bounds.signed_minimum) /
						 2 / r[0].stepping_delta *
						 r[0].stepping_delta);
				if (want == before[i])
					want = r[0].bounds.signed_minimum;
			} else {
				want = !before[i];
			}
			ASSERT_EQ(0, ks_node_set(t->fd, node, id, 0, want))
				TH_LOG("%s", name);
			ASSERT_EQ(0, ks_node_get(t->fd, node, id, 0, &v));
			EXPECT_EQ(want, v) TH_LOG("%s", name);
			for (j = 0; j < self->cards; j++) {
				if (j == i)
					continue;
				ASSERT_EQ(0, ks_node_get(self->card[j].topo.fd,
							 ctl[j][k].node, id, 0,
							 &v));
				EXPECT_EQ(before[j], v)
					TH_LOG("card %u's %s changed", j, name);
			}
			ASSERT_EQ(0, ks_node_set(t->fd, node, id, 0, before[i]));
		}

		/* The mux: every input the walk found, in node-pin order. */
		for (j = 0; j < self->cards; j++)
			ASSERT_EQ(0, ks_node_get(self->card[j].topo.fd,
						 self->card[j].mux,
						 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
						 &before[j]));
		for (in = (int32_t)c->inputs - 1; in >= 0; in--) {
			ASSERT_EQ(0, ks_node_set(t->fd, c->mux,
						 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
						 in));
			ASSERT_EQ(0, ks_node_get(t->fd, c->mux,
						 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
						 &v));
			EXPECT_EQ(in, v);
		}
		for (j = 0; j < self->cards; j++) {
			if (j == i)
				continue;
			ASSERT_EQ(0, ks_node_get(self->card[j].topo.fd,
						 self->card[j].mux,
						 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
						 &v));
			EXPECT_EQ(before[j], v) TH_LOG("card %u's mux", j);
		}
		ASSERT_EQ(0, ks_node_set(t->fd, c->mux,
					 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
					 before[i]));
	}
}

/*
 * Bad requests next to good ones: the last node answers, one past it is
 * EINVAL; the mux takes its last input, one past is EINVAL and changes
 * nothing; the sum has no control (ENOENT); a volume past its last
 * channel is EINVAL.
 */
TEST_F(audio, bad_node_channel_and_mux_input_refused)
{
	unsigned int i;
	char name[NAME_LEN];
	int32_t v, mux;

	ASSERT_EQ(variant->cards, self->cards);
	for (i = 0; i < self->cards; i++) {
		const struct card *c = &self->card[i];
		const struct filter *t = &c->topo;
		uint32_t vol = control_node(&c->speakers,
					    KSPROPERTY_AUDIO_VOLUMELEVEL);
		int channels;

		EXPECT_EQ(0, ks_node_name(t->fd, t->nodes - 1, name,
					  sizeof(name)));
		EXPECT_EQ(-EINVAL, ks_node_name(t->fd, t->nodes, name,
						sizeof(name)));
		EXPECT_EQ(-EINVAL, ks_node_get(t->fd, t->nodes,
					       KSPROPERTY_AUDIO_VOLUMELEVEL, 0,
					       &v));
		EXPECT_EQ(-EINVAL, ks_node_set(t->fd, t->nodes,
					       KSPROPERTY_AUDIO_MUTE, 0, 1));
		EXPECT_EQ(-EINVAL, ks_node_get(c->wave.fd, c->wave.nodes,
					       KSPROPERTY_AUDIO_VOLUMELEVEL, 0,
					       &v));

		ASSERT_NE(NONE, vol);
		ASSERT_EQ(0, ks_node_get(t->fd, vol,
					 KSPROPERTY_AUDIO_VOLUMELEVEL, 0, &v));
		EXPECT_EQ(-ENOENT, ks_node_get(t->fd, vol,
					       KSPROPERTY_AUDIO_MUTE, 0, &v));
		EXPECT_EQ(-ENOENT, ks_node_get(t->fd, c->sum,
					       KSPROPERTY_AUDIO_VOLUMELEVEL, 0,
					       &v));
		channels = count_channels(t->fd, vol,
					  KSPROPERTY_AUDIO_VOLUMELEVEL);
		ASSERT_LT(0, channels);
		EXPECT_EQ(0, ks_node_set(t->fd, vol,
					 KSPROPERTY_AUDIO_VOLUMELEVEL,
					 channels - 1, v));
		EXPECT_EQ(-EINVAL, ks_node_set(t->fd, vol,
					       KSPROPERTY_AUDIO_VOLUMELEVEL,
					       channels, v));

		ASSERT_EQ(0, ks_node_get(t->fd, c->mux,
					 KSPROPERTY_AUDIO_MUX_SOURCE, 0, &mux));
		EXPECT_EQ(0, ks_node_set(t->fd, c->mux,
					 KSPROPERTY_AUDIO_MUX_SOURCE, 0,
					 (int32_t)c->inputs - 1));
		EXPECT_EQ(-EINVAL, ks_node_set(t->fd, c->mux,
					       KSPROPERTY_AUDIO_MUX_SOURCE, 0,
					       (int32_t)c->inputs));
		EXPECT_EQ(-EINVAL, ks_node_set(t->fd, c->mux,
					       KSPROPERTY_AUDIO_MUX_SOURCE, 0,
					       -1));
		ASSERT_EQ(0, ks_node_get(t->fd, c->mux,
					 KSPROPERTY_AUDIO_MUX_SOURCE, 0, &v));
		EXPECT_EQ((int32_t)c->inputs - 1, v);
		EXPECT_EQ(0, ks_node_set(t->fd, c->mux,
					 KSPROPERTY_AUDIO_MUX_SOURCE, 0, mux));
	}
}

/*
 * cards is 1 to 4: 0 and 5 are refused at load (EINVAL, nothing
 * registered), next to 1 and 4, which load.
 */
TEST(cards_out_of_range_refused_at_load)
{
	static const struct {
		const char *params;
		int ret;
	} loads[] = {
		{ "cards=0", -EINVAL },
		{ "cards=1", 0 },
		{ "cards=5", -EINVAL },
		{ "cards=4", 0 },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(loads); i++) {
		ret = unload_module_wait(AUDIO_MODNAME);
		ASSERT_TRUE(ret == 0 || ret == -ENOENT);
		ret = load_module("ks-audio.ko", loads[i].params);
		ASSERT_NE(-ENOENT, ret) TH_LOG("no %s/ks-audio.ko", module_dir());
		EXPECT_EQ(loads[i].ret, ret) TH_LOG("%s: %s", loads[i].params,
						    strerror(-ret));
		/* A load refused registers nothing; one that loads, card 0. */
		EXPECT_EQ(!loads[i].ret,
			  ks_find_filter(AUDIO_WAVE_NAME "-0") >= 0);
	}
	EXPECT_EQ(0, unload_module_wait(AUDIO_MODNAME));
}

TEST_HARNESS_MAIN
