// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: a filter's topology (KSPROPSETID_Topology NODES, CONNECTIONS,
 * NAME) and the KSPROPSETID_Audio controls of its nodes, asked with
 * KSPROPERTY_TYPE_TOPOLOGY as Windows audio clients ask them.
 */
#include <stdlib.h>
#include <string.h>

#include "libks-internal.h"

static const struct ks_guid set_topology = KSPROPSETID_TOPOLOGY;
static const struct ks_guid set_audio = KSPROPSETID_AUDIO;

/* Channels counted by GET before the count is taken as a kernel bug. */
#define KS_NODE_COUNT_MAX	1024

/* A KSMULTIPLE_ITEM-valued topology GET, checked to be well formed. */
static struct ks_multiple_item *topology_list(int filter_fd, uint32_t id,
					      uint32_t item_size)
{
	struct ks_multiple_item *list;
	uint32_t got = 0;
	void *buf;
	int ret;

	ret = ks_property_alloc(filter_fd, &set_topology, id,
				KSPROPERTY_TYPE_GET, NULL, 0, &buf, &got);
	if (ret < 0)
		return NULL;
	list = buf;
	if (got < sizeof(*list) || list->size < sizeof(*list) ||
	    list->size > got ||
	    (list->size - sizeof(*list)) / item_size < list->count) {
		free(buf);
		errno = EPROTO;
		return NULL;
	}
	return list;
}

struct ks_multiple_item *ks_topology_nodes(int filter_fd)
{
	return topology_list(filter_fd, KSPROPERTY_TOPOLOGY_NODES,
			     sizeof(struct ks_guid));
}

struct ks_multiple_item *ks_topology_connections(int filter_fd)
{
	return topology_list(filter_fd, KSPROPERTY_TOPOLOGY_CONNECTIONS,
			     sizeof(struct ks_topology_connection));
}

const struct ks_topology_connection *
ks_list_connections(const struct ks_multiple_item *list, uint32_t *count)
{
	uint32_t n = (list->size - sizeof(*list)) /
		     sizeof(struct ks_topology_connection);

	*count = n < list->count ? n : list->count;
	return (const void *)(list + 1);
}

int ks_node_name(int filter_fd, uint32_t node_id, char *buf, size_t size)
{
	uint32_t inst[2] = { node_id, 0 };	/* the rest of a KSP_NODE */
	uint32_t got = 0;
	void *wide;
	int ret;

	if (!size)
		return fail(EINVAL);
	ret = ks_property_alloc(filter_fd, &set_topology,
				KSPROPERTY_TOPOLOGY_NAME, KSPROPERTY_TYPE_GET,
				inst, sizeof(inst), &wide, &got);
	if (ret < 0)
		return ret;
	ks_utf16le_to_utf8(wide, got / 2, buf, size);
	free(wide);
	return 0;
}

/*
 * The rest of a KSNODEPROPERTY_AUDIO_CHANNEL after its KSPROPERTY, or of
 * a KSNODEPROPERTY for MUX_SOURCE, which has no channel; its size.
 */
static uint32_t node_instance(uint32_t inst[4], uint32_t node_id,
			      uint32_t control, uint32_t channel)
{
	inst[0] = node_id;
	inst[1] = 0;
	inst[2] = channel;
	inst[3] = 0;
	if (control == KSPROPERTY_AUDIO_MUX_SOURCE)
		return 2 * sizeof(uint32_t);
	return 4 * sizeof(uint32_t);
}

int ks_node_get(int fd, uint32_t node_id, uint32_t control, uint32_t channel,
		int32_t *value)
{
	uint32_t inst[4], size, got = 0;
	int ret;

	size = node_instance(inst, node_id, control, channel);
	ret = ks_property(fd, &set_audio, control,
			  KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
			  inst, size, value, sizeof(*value), &got);
	if (ret < 0)
		return ret;
	return got == sizeof(*value) ? 0 : fail(EPROTO);
}

int ks_node_set(int fd, uint32_t node_id, uint32_t control, uint32_t channel,
		int32_t value)
{
	uint32_t inst[4], size;

	size = node_instance(inst, node_id, control, channel);
	return ks_property(fd, &set_audio, control,
			   KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_TOPOLOGY,
			   inst, size, &value, sizeof(value), NULL);
}

/*
 * Parse a KSPROPERTY_DESCRIPTION of @got bytes: its access and type, and
 * the ranges of its first members list when that is a (stepped) range
 * list; other lists are left out (ranges 0).
 */
static struct ks_node_description *parse_description(const void *buf,
						     uint32_t got)
{
	const struct ks_guid general = KSPROPTYPESETID_GENERAL;
	const struct ks_property_description *d = buf;
	const struct ks_property_membersheader *h = (const void *)(d + 1);
	struct ks_node_description *desc;
	uint32_t n = 0, i, end;

	if (got < sizeof(*d) || d->description_size < sizeof(*d) ||
	    d->description_size > got) {
		errno = EPROTO;
		return NULL;
	}
	end = d->description_size;
	if (d->members_list_count && end >= sizeof(*d) + sizeof(*h) &&
	    (h->members_flags == KSPROPERTY_MEMBER_STEPPEDRANGES ||
	     h->members_flags == KSPROPERTY_MEMBER_RANGES)) {
		uint32_t member = h->members_flags == KSPROPERTY_MEMBER_RANGES ?
				  sizeof(struct ks_property_bounds_long) :
				  sizeof(struct ks_property_stepping_long);

		if (h->members_size < member || h->members_count >
		    (end - sizeof(*d) - sizeof(*h)) / h->members_size) {
			errno = EPROTO;
			return NULL;
		}
		n = h->members_count;
	}
	desc = calloc(1, sizeof(*desc) + n * sizeof(desc->ranges[0]));
	if (!desc)
		return NULL;
	desc->access = d->access_flags;
	if (ks_guid_eq(&d->prop_type_set.set, &general))
		desc->vt = d->prop_type_set.id;
	desc->ranges_count = n;
	desc->multichannel = n && (h->flags &
			     KSPROPERTY_MEMBER_FLAG_BASICSUPPORT_MULTICHANNEL);
	for (i = 0; i < n; i++) {
		const char *m = (const char *)(h + 1) + i * h->members_size;

		if (h->members_flags == KSPROPERTY_MEMBER_RANGES) {
			const struct ks_property_bounds_long *b = (const void *)m;

			desc->ranges[i].minimum = b->signed_minimum;
			desc->ranges[i].maximum = b->signed_maximum;
			desc->ranges[i].step = 1;
		} else {
			const struct ks_property_stepping_long *s =
				(const void *)m;

			desc->ranges[i].minimum = s->bounds.signed_minimum;
			desc->ranges[i].maximum = s->bounds.signed_maximum;
			desc->ranges[i].step = s->stepping_delta;
		}
	}
	return desc;
}

struct ks_node_description *ks_node_describe(int fd, uint32_t node_id,
					     uint32_t control)
{
	struct ks_node_description *desc;
	uint32_t inst[4], size, got = 0;
	void *buf;
	int ret;

	size = node_instance(inst, node_id, control, 0);
	ret = ks_property_alloc(fd, &set_audio, control,
				KSPROPERTY_TYPE_BASICSUPPORT |
				KSPROPERTY_TYPE_TOPOLOGY,
				inst, size, &buf, &got);
	if (ret < 0)
		return NULL;
	desc = parse_description(buf, got);
	free(buf);
	return desc;
}

int ks_node_channels(int fd, uint32_t node_id, uint32_t control)
{
	struct ks_node_description *desc;
	uint32_t ch;
	int32_t v;
	int ret;

	if (control == KSPROPERTY_AUDIO_MUX_SOURCE) {
		ret = ks_node_get(fd, node_id, control, 0, &v);
		return ret < 0 ? ret : 1;
	}
	desc = ks_node_describe(fd, node_id, control);
	if (desc && desc->multichannel && desc->ranges_count) {
		ret = desc->ranges_count > INT32_MAX ? fail(EPROTO) :
		      (int)desc->ranges_count;
		free(desc);
		return ret;
	}
	free(desc);
	/* As Windows clients count: GET each channel until EINVAL. */
	for (ch = 0; ch < KS_NODE_COUNT_MAX; ch++) {
		ret = ks_node_get(fd, node_id, control, ch, &v);
		if (ret == -EINVAL && ch > 0)
			return ch;
		if (ret < 0)
			return ret;
	}
	return fail(EPROTO);
}
