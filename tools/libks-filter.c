// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: filters, listed and found by name in sysfs and opened, their
 * version, and pins created on them (KsCreatePin) from a connect request,
 * alone or connected to a peer's pin.
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
