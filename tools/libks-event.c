// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: events, KS_IOCTL_ENABLE_EVENT and KS_IOCTL_DISABLE_EVENT as
 * DeviceIoControl(IOCTL_KS_ENABLE_EVENT) and (IOCTL_KS_DISABLE_EVENT), and
 * the KSEVENTDATA of an eventfd.
 */
#include <string.h>
#include <sys/ioctl.h>

#include "libks-internal.h"

void ks_event_init(struct ks_event_data *d, int eventfd)
{
	memset(d, 0, sizeof(*d));
	d->notification_type = KSEVENTF_EVENT_HANDLE;
	d->handle = (uint64_t)(int64_t)eventfd;
}

void ks_semaphore_init(struct ks_event_data *d, int eventfd,
		       int32_t adjustment)
{
	memset(d, 0, sizeof(*d));
	d->notification_type = KSEVENTF_SEMAPHORE_HANDLE;
	d->handle = (uint64_t)(int64_t)eventfd;
	d->adjustment = adjustment;
}

/* The ioctl on @io; 0 or -errno with errno set. */
static int event_ioctl(int fd, unsigned long cmd, struct ks_ioctl_buffers *io)
{
	return ioctl(fd, cmd, io) < 0 ? fail(errno) : 0;
}

int ks_enable_event(int fd, const struct ks_guid *set, uint32_t id,
		    uint32_t flags, void *event_data, uint32_t size)
{
	struct ks_identifier ev = { .set = *set, .id = id, .flags = flags };
	struct ks_ioctl_buffers io = {
		.in = (uintptr_t)&ev,
		.in_size = sizeof(ev),
		.out = (uintptr_t)event_data,
		.out_size = size,
	};

	return event_ioctl(fd, KS_IOCTL_ENABLE_EVENT, &io);
}

int ks_disable_event(int fd, const void *event_data)
{
	struct ks_ioctl_buffers io = { 0 };

	if (event_data) {
		io.in = (uintptr_t)event_data;
		io.in_size = sizeof(struct ks_event_data);
	}
	return event_ioctl(fd, KS_IOCTL_DISABLE_EVENT, &io);
}
