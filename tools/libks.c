// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: KsCreatePin, DeviceIoControl-style properties and format helpers
 * over the ksfilter ioctls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libks-internal.h"

#define SYSFS_CLASS "/sys/class/ksfilter"

/* ---- filters ---- */

int ks_open_filter(unsigned int index, int oflags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/ksfilter%u", index);
	fd = open(path, oflags | O_CLOEXEC);
	return fd < 0 ? fail(errno) : fd;
}

static int read_sysfs(unsigned int index, const char *attr, char *buf,
		      size_t size)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYSFS_CLASS "/ksfilter%u/%s", index, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno);
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return fail(errno);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ks_find_filter(const char *name)
{
	char buf[256];
	unsigned int i;

	/* Filter numbers are the lowest free ones: a short scan finds them. */
	for (i = 0; i < 256; i++) {
		if (read_sysfs(i, "name", buf, sizeof(buf)) == 0 &&
		    strcmp(buf, name) == 0)
			return i;
	}
	return fail(ENOENT);
}

int ks_get_version(int filter_fd, struct ks_version *version)
{
	if (ioctl(filter_fd, KS_IOCTL_VERSION, version) < 0)
		return fail(errno);
	/* Whatever the module wrote, the string ends inside the structure. */
	version->module_version[sizeof(version->module_version) - 1] = '\0';
	return 0;
}

/* ---- pins ---- */

int ks_create_pin(int filter_fd, const void *connect, uint32_t size,
		  uint32_t access, uint32_t flags, uint32_t *reason)
{
	struct ks_create_pin req = {
		.connect = (uintptr_t)connect,
		.connect_size = size,
		.desired_access = access,
		.flags = flags,
		.reason = reason ? *reason : KS_REASON_NONE,
	};
	int fd;

	fd = ioctl(filter_fd, KS_IOCTL_CREATE_PIN, &req);
	if (reason)
		*reason = req.reason;
	return fd < 0 ? fail(errno) : fd;
}

/* ---- connect requests ---- */

void ks_connect_init(struct ks_pin_connect *c, uint32_t pin_id)
{
	static const struct ks_guid iface = KSINTERFACESETID_STANDARD;
	static const struct ks_guid medium = KSMEDIUMSETID_STANDARD;

	memset(c, 0, sizeof(*c));
	c->interface.set = iface;
	c->interface.id = KSINTERFACE_STANDARD_STREAMING;
	c->medium.set = medium;
	c->medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	c->pin_id = pin_id;
	c->priority.priority_class = KSPRIORITY_NORMAL;
	c->priority.priority_subclass = 1;
}

int ks_connect_build(void *buf, size_t size, uint32_t pin_id,
		     const void *format, uint32_t format_size)
{
	struct ks_pin_connect c;

	if (size < sizeof(c) || size - sizeof(c) < format_size)
		return fail(ENOSPC);
	ks_connect_init(&c, pin_id);
	memcpy(buf, &c, sizeof(c));
	memcpy((char *)buf + sizeof(c), format, format_size);
	return sizeof(c) + format_size;
}

void ks_connect_set_interface(struct ks_pin_connect *c, uint32_t id)
{
	static const struct ks_guid iface = KSINTERFACESETID_STANDARD;

	c->interface.set = iface;
	c->interface.id = id;
}

struct ks_pin_connect *ks_connect_alloc(uint32_t pin_id, const void *format,
					uint32_t format_size, uint32_t *size)
{
	struct ks_pin_connect *c;

	if (format_size > KS_CONNECT_SIZE_MAX - sizeof(*c)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c) + format_size);
	if (!c)
		return NULL;
	ks_connect_init(c, pin_id);
	memcpy(c + 1, format, format_size);
	*size = sizeof(*c) + format_size;
	return c;
}

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

/* ---- graphs (docs/graphs.md) ---- */

static int cmp_index(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int ks_list_filters(unsigned int *idx, unsigned int max)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(SYSFS_CLASS);
	if (!d)
		return fail(errno);
	while ((de = readdir(d)) && n < max) {
		unsigned long v;
		char *end;

		if (strncmp(de->d_name, "ksfilter", 8))
			continue;
		v = strtoul(de->d_name + 8, &end, 10);
		if (end == de->d_name + 8 || *end || v > UINT32_MAX)
			continue;
		idx[n++] = v;
	}
	closedir(d);
	qsort(idx, n, sizeof(*idx), cmp_index);
	return n;
}

int ks_filter_name(unsigned int index, char *buf, size_t size)
{
	if (!size)
		return fail(EINVAL);
	return read_sysfs(index, "name", buf, size);
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

void ks_connect_set_peer(struct ks_pin_connect *c, int peer_fd)
{
	c->pin_to_handle = peer_fd > 0 ? (uint64_t)peer_fd : 0;
}

int ks_create_pin_connected(int filter_fd, uint32_t pin_id,
			    const struct ks_identifier *interface,
			    const struct ks_identifier *medium,
			    const void *format, uint32_t format_size,
			    int peer_fd, uint32_t access, uint32_t flags,
			    uint32_t *reason)
{
	struct ks_pin_connect *c;
	uint32_t size;
	int fd, err;

	c = ks_connect_alloc(pin_id, format, format_size, &size);
	if (!c)
		return fail(errno);
	if (interface)
		c->interface = *interface;
	if (medium)
		c->medium = *medium;
	ks_connect_set_peer(c, peer_fd);
	fd = ks_create_pin(filter_fd, c, size, access, flags, reason);
	err = errno;
	free(c);
	return fd < 0 ? fail(err) : fd;
}
