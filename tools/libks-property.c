// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: properties, ks_property() as DeviceIoControl(IOCTL_KS_PROPERTY)
 * and the KSPROPSETID_Pin, General and Topology properties of a filter.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libks-internal.h"

/* ---- properties ---- */

static const struct ks_guid set_general = KSPROPSETID_GENERAL;
static const struct ks_guid set_topology = KSPROPSETID_TOPOLOGY;

int ks_property(int fd, const struct ks_guid *set, uint32_t id,
		uint32_t flags, const void *instance, uint32_t instance_size,
		void *out, uint32_t out_size, uint32_t *returned)
{
	struct ks_ioctl_buffers io = { 0 };
	struct ks_identifier *prop;
	uint32_t in_size;
	int ret;

	if (instance_size > KS_CONNECT_SIZE_MAX)
		return fail(EINVAL);
	in_size = sizeof(*prop) + instance_size;
	prop = calloc(1, in_size);
	if (!prop)
		return fail(ENOMEM);
	prop->set = *set;
	prop->id = id;
	prop->flags = flags;
	if (instance_size)
		memcpy(prop + 1, instance, instance_size);

	io.in = (uintptr_t)prop;
	io.in_size = in_size;
	io.out = (uintptr_t)out;
	io.out_size = out_size;
	ret = ioctl(fd, KS_IOCTL_PROPERTY, &io);
	ret = ret < 0 ? -errno : 0;
	free(prop);
	if (returned)
		*returned = io.returned;
	return ret ? fail(-ret) : 0;
}

/* Values larger than this are taken as a kernel bug, not allocated. */
#define KS_PROPERTY_ALLOC_MAX	(16u << 20)

int ks_property_alloc(int fd, const struct ks_guid *set, uint32_t id,
		      uint32_t flags, const void *instance,
		      uint32_t instance_size, void **out, uint32_t *size)
{
	uint32_t need = 0, got = 0;
	int tries, ret;
	void *buf;

	ret = ks_property(fd, set, id, flags, instance, instance_size, NULL, 0,
			  &need);
	if (ret == 0) {
		/* An empty value. */
		buf = calloc(1, 1);
		if (!buf)
			return fail(ENOMEM);
		*out = buf;
		*size = 0;
		return 0;
	}
	/* The value may grow between the two calls: ask again then. */
	for (tries = 0; ret == -EOVERFLOW && tries < 4; tries++) {
		if (!need || need > KS_PROPERTY_ALLOC_MAX)
			return fail(EPROTO);
		buf = malloc(need);
		if (!buf)
			return fail(ENOMEM);
		ret = ks_property(fd, set, id, flags, instance, instance_size,
				  buf, need, &got);
		if (ret == 0) {
			if (got > need) {
				free(buf);
				return fail(EPROTO);
			}
			*out = buf;
			*size = got;
			return 0;
		}
		free(buf);
		need = got;
	}
	return ret;
}

int ks_pin_property(int filter_fd, uint32_t pin_id, uint32_t id, void *out,
		    uint32_t out_size, uint32_t *returned)
{
	/* The rest of a KSP_PIN after its KSPROPERTY. */
	uint32_t inst[2] = { pin_id, 0 };

	return ks_property(filter_fd, &set_pin, id, KSPROPERTY_TYPE_GET, inst,
			   sizeof(inst), out, out_size, returned);
}

/* A fixed-size GET that must fill @size bytes exactly. */
static int pin_get_exact(int filter_fd, uint32_t pin_id, uint32_t id,
			 void *out, uint32_t size)
{
	uint32_t got = 0;
	int ret;

	ret = ks_pin_property(filter_fd, pin_id, id, out, size, &got);
	if (ret < 0)
		return ret;
	return got == size ? 0 : fail(EPROTO);
}

int ks_pin_property_u32(int filter_fd, uint32_t pin_id, uint32_t id,
			uint32_t *value)
{
	return pin_get_exact(filter_fd, pin_id, id, value, sizeof(*value));
}

/* A KSMULTIPLE_ITEM as returned: @got bytes, of which the list claims size. */
static bool list_ok(const struct ks_multiple_item *list, uint32_t got)
{
	return got >= sizeof(*list) && list->size >= sizeof(*list) &&
	       list->size <= got;
}

struct ks_multiple_item *ks_pin_property_list(int filter_fd, uint32_t pin_id,
					      uint32_t id)
{
	uint32_t inst[2] = { pin_id, 0 };
	struct ks_multiple_item hdr, *list;
	uint32_t got = 0;
	void *buf;
	int ret;

	ret = ks_property_alloc(filter_fd, &set_pin, id, KSPROPERTY_TYPE_GET,
				inst, sizeof(inst), &buf, &got);
	if (ret == -EPROTO || (ret == 0 && got < sizeof(hdr))) {
		if (ret == 0)
			free(buf);
		/* Fall back to Windows' header query. */
		ret = ks_pin_property(filter_fd, pin_id, id, &hdr, sizeof(hdr),
				      &got);
		if (ret < 0)
			return NULL;
		if (got != sizeof(hdr) || hdr.size < sizeof(hdr) ||
		    hdr.size > KS_PROPERTY_ALLOC_MAX) {
			errno = EPROTO;
			return NULL;
		}
		buf = malloc(hdr.size);
		if (!buf)
			return NULL;
		ret = ks_pin_property(filter_fd, pin_id, id, buf, hdr.size,
				      &got);
		if (ret < 0) {
			free(buf);
			return NULL;
		}
	} else if (ret < 0) {
		return NULL;
	}
	list = buf;
	if (!list_ok(list, got)) {
		free(buf);
		errno = EPROTO;
		return NULL;
	}
	return list;
}

int ks_pin_count(int filter_fd)
{
	uint32_t count, got = 0;
	int ret;

	/* CTYPES takes a plain KSPROPERTY. */
	ret = ks_property(filter_fd, &set_pin, KSPROPERTY_PIN_CTYPES,
			  KSPROPERTY_TYPE_GET, NULL, 0, &count, sizeof(count),
			  &got);
	if (ret < 0)
		return ret;
	if (got != sizeof(count))
		return fail(EPROTO);
	return count > INT32_MAX ? fail(EOVERFLOW) : (int)count;
}

int ks_pin_dataflow(int filter_fd, uint32_t pin_id, uint32_t *dataflow)
{
	return ks_pin_property_u32(filter_fd, pin_id, KSPROPERTY_PIN_DATAFLOW,
				   dataflow);
}

int ks_pin_communication(int filter_fd, uint32_t pin_id, uint32_t *comm)
{
	return ks_pin_property_u32(filter_fd, pin_id,
				   KSPROPERTY_PIN_COMMUNICATION, comm);
}

int ks_pin_cinstances(int filter_fd, uint32_t pin_id,
		      struct ks_pin_cinstances *ci)
{
	return pin_get_exact(filter_fd, pin_id, KSPROPERTY_PIN_CINSTANCES, ci,
			     sizeof(*ci));
}

int ks_pin_global_cinstances(int filter_fd, uint32_t pin_id,
			     struct ks_pin_cinstances *ci)
{
	return pin_get_exact(filter_fd, pin_id, KSPROPERTY_PIN_GLOBALCINSTANCES,
			     ci, sizeof(*ci));
}

int ks_pin_necessary_instances(int filter_fd, uint32_t pin_id,
			       uint32_t *count)
{
	return ks_pin_property_u32(filter_fd, pin_id,
				   KSPROPERTY_PIN_NECESSARYINSTANCES, count);
}

int ks_pin_category(int filter_fd, uint32_t pin_id, struct ks_guid *category)
{
	return pin_get_exact(filter_fd, pin_id, KSPROPERTY_PIN_CATEGORY,
			     category, sizeof(*category));
}

struct ks_multiple_item *ks_pin_interfaces(int filter_fd, uint32_t pin_id)
{
	return ks_pin_property_list(filter_fd, pin_id,
				    KSPROPERTY_PIN_INTERFACES);
}

struct ks_multiple_item *ks_pin_mediums(int filter_fd, uint32_t pin_id)
{
	return ks_pin_property_list(filter_fd, pin_id, KSPROPERTY_PIN_MEDIUMS);
}

struct ks_multiple_item *ks_pin_data_ranges(int filter_fd, uint32_t pin_id)
{
	return ks_pin_property_list(filter_fd, pin_id,
				    KSPROPERTY_PIN_DATARANGES);
}

struct ks_multiple_item *ks_pin_constrained_data_ranges(int filter_fd,
							uint32_t pin_id)
{
	return ks_pin_property_list(filter_fd, pin_id,
				    KSPROPERTY_PIN_CONSTRAINEDDATARANGES);
}

/* Append the UTF-8 form of @cp if it fits with a NUL after it. */
static size_t put_utf8(uint32_t cp, char *buf, size_t pos, size_t size)
{
	unsigned char b[4];
	size_t n, i;

	if (cp < 0x80) {
		b[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = 0xC0 | cp >> 6;
		b[1] = 0x80 | (cp & 0x3F);
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = 0xE0 | cp >> 12;
		b[1] = 0x80 | (cp >> 6 & 0x3F);
		b[2] = 0x80 | (cp & 0x3F);
		n = 3;
	} else {
		b[0] = 0xF0 | cp >> 18;
		b[1] = 0x80 | (cp >> 12 & 0x3F);
		b[2] = 0x80 | (cp >> 6 & 0x3F);
		b[3] = 0x80 | (cp & 0x3F);
		n = 4;
	}
	if (pos + n >= size)
		return 0;
	for (i = 0; i < n; i++)
		buf[pos + i] = b[i];
	return n;
}

static uint16_t le16(const uint16_t *p)
{
	const unsigned char *b = (const void *)p;

	return b[0] | b[1] << 8;
}

size_t ks_utf16le_to_utf8(const uint16_t *in, size_t len, char *buf,
			  size_t size)
{
	size_t i, pos = 0, n;

	if (!size)
		return 0;
	for (i = 0; i < len; i++) {
		uint32_t cp = le16(&in[i]);

		if (!cp)
			break;
		if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < len &&
		    le16(&in[i + 1]) >= 0xDC00 && le16(&in[i + 1]) < 0xE000) {
			cp = 0x10000 + ((cp - 0xD800) << 10) +
			     (le16(&in[i + 1]) - 0xDC00);
			i++;
		} else if (cp >= 0xD800 && cp < 0xE000) {
			cp = 0xFFFD;
		}
		n = put_utf8(cp, buf, pos, size);
		if (!n)
			break;
		pos += n;
	}
	buf[pos] = '\0';
	return pos;
}

int ks_pin_name(int filter_fd, uint32_t pin_id, char *buf, size_t size)
{
	uint32_t inst[2] = { pin_id, 0 };
	uint32_t got = 0;
	void *wide;
	int ret;

	if (!size)
		return fail(EINVAL);
	ret = ks_property_alloc(filter_fd, &set_pin, KSPROPERTY_PIN_NAME,
				KSPROPERTY_TYPE_GET, inst, sizeof(inst), &wide,
				&got);
	if (ret < 0)
		return ret;
	ks_utf16le_to_utf8(wide, got / 2, buf, size);
	free(wide);
	return 0;
}

int ks_filter_component_id(int filter_fd, struct ks_componentid *id)
{
	uint32_t got = 0;
	int ret;

	ret = ks_property(filter_fd, &set_general,
			  KSPROPERTY_GENERAL_COMPONENTID, KSPROPERTY_TYPE_GET,
			  NULL, 0, id, sizeof(*id), &got);
	if (ret < 0)
		return ret;
	return got == sizeof(*id) ? 0 : fail(EPROTO);
}

struct ks_multiple_item *ks_filter_categories(int filter_fd)
{
	uint32_t got = 0;
	void *buf;
	int ret;

	ret = ks_property_alloc(filter_fd, &set_topology,
				KSPROPERTY_TOPOLOGY_CATEGORIES,
				KSPROPERTY_TYPE_GET, NULL, 0, &buf, &got);
	if (ret < 0)
		return NULL;
	if (!list_ok(buf, got)) {
		free(buf);
		errno = EPROTO;
		return NULL;
	}
	return buf;
}

int ks_basic_support(int fd, const struct ks_guid *set, uint32_t id,
		     const void *instance, uint32_t instance_size,
		     uint32_t *types)
{
	uint32_t got = 0;
	int ret;

	ret = ks_property(fd, set, id, KSPROPERTY_TYPE_BASICSUPPORT, instance,
			  instance_size, types, sizeof(*types), &got);
	if (ret < 0)
		return ret;
	return got == sizeof(*types) ? 0 : fail(EPROTO);
}

struct ks_guid *ks_set_support(int fd, uint32_t *count)
{
	static const struct ks_guid null_set = KS_GUID_NULL;
	uint32_t got = 0;
	void *buf;
	int ret;

	ret = ks_property_alloc(fd, &null_set, 0, KSPROPERTY_TYPE_SETSUPPORT,
				NULL, 0, &buf, &got);
	if (ret < 0)
		return NULL;
	if (got % sizeof(struct ks_guid)) {
		free(buf);
		errno = EPROTO;
		return NULL;
	}
	*count = got / sizeof(struct ks_guid);
	return buf;
}

/* Room for a name of 63 characters before the first call has to grow. */
#define PHYS_FIRST_SIZE \
	(offsetof(struct ks_pin_physicalconnection, symbolic_link_name) + 64 * 2)

int ks_pin_physical_connection(int filter_fd, unsigned int pin,
			       unsigned int *peer_pin, char *name,
			       size_t name_size)
{
	const size_t head = offsetof(struct ks_pin_physicalconnection,
				     symbolic_link_name);
	struct ks_pin_physicalconnection *pc = NULL;
	uint32_t size = PHYS_FIRST_SIZE, got = 0;
	int tries, ret = -EOVERFLOW;

	/* The name may be longer than the guess: EOVERFLOW says how long. */
	for (tries = 0; ret == -EOVERFLOW && tries < 4; tries++) {
		if (size < head || size > KS_PROPERTY_ALLOC_MAX)
			return fail(EPROTO);
		pc = malloc(size);
		if (!pc)
			return fail(ENOMEM);
		ret = ks_pin_property(filter_fd, pin,
				      KSPROPERTY_PIN_PHYSICALCONNECTION, pc,
				      size, &got);
		if (ret == 0)
			break;
		free(pc);
		if (ret == -EOVERFLOW && got <= size)
			return fail(EPROTO);	/* it would never fit */
		size = got;
	}
	if (ret < 0)
		return fail(-ret);
	if (got < head || pc->size < head || pc->size > got) {
		free(pc);
		return fail(EPROTO);
	}
	if (peer_pin)
		*peer_pin = pc->pin;
	if (name && name_size)
		ks_utf16le_to_utf8(pc->symbolic_link_name,
				   (pc->size - head) / 2, name, name_size);
	free(pc);
	return 0;
}
