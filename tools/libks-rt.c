// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: WaveRT, KSPROPSETID_RtAudio on a LOOPED_STREAMING pin fd (ABI
 * 1.4, docs/abi.md "WaveRT"): the cyclic buffer and the register page
 * mapped by the module into the caller, the notification eventfds, and a
 * consistent read of the register page.
 */
#include <string.h>
#include <sys/ioctl.h>

#include "libks-internal.h"

static const struct ks_guid set_rtaudio = KSPROPSETID_RTAUDIO;

/*
 * A GET whose `in` is the caller's whole structure (a KSPROPERTY first)
 * and whose value must be exactly @out_size bytes.
 */
static int rt_get(int pin_fd, struct ks_identifier *in, uint32_t in_size,
		  void *out, uint32_t out_size)
{
	struct ks_ioctl_buffers io = {
		.in = (uintptr_t)in,
		.in_size = in_size,
		.out = (uintptr_t)out,
		.out_size = out_size,
	};

	in->set = set_rtaudio;
	in->flags = KSPROPERTY_TYPE_GET;
	if (ioctl(pin_fd, KS_IOCTL_PROPERTY, &io) < 0)
		return fail(errno);
	return io.returned == out_size ? 0 : fail(EPROTO);
}

int ks_rt_buffer(int pin_fd, uint32_t requested, uint32_t notifications,
		 struct ks_rtaudio_buffer *out)
{
	struct ks_rtaudio_buffer_property_with_notification in;

	if (notifications > 2)
		return fail(EINVAL);
	/* Both `in`s are 40 bytes; BUFFER's last field is Windows' padding. */
	memset(&in, 0, sizeof(in));
	in.property.id = notifications ?
			 KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION :
			 KSPROPERTY_RTAUDIO_BUFFER;
	in.requested_buffer_size = requested;
	in.notification_count = notifications;
	memset(out, 0, sizeof(*out));
	return rt_get(pin_fd, &in.property, sizeof(in), out, sizeof(*out));
}

int ks_rt_register(int pin_fd, uint32_t id, struct ks_rtaudio_hwregister *out)
{
	struct ks_rtaudio_hwregister_property in;

	if (id != KSPROPERTY_RTAUDIO_POSITIONREGISTER &&
	    id != KSPROPERTY_RTAUDIO_CLOCKREGISTER)
		return fail(EINVAL);
	memset(&in, 0, sizeof(in));
	in.property.id = id;
	memset(out, 0, sizeof(*out));
	return rt_get(pin_fd, &in.property, sizeof(in), out, sizeof(*out));
}

int ks_rt_hwlatency(int pin_fd, struct ks_rtaudio_hwlatency *out)
{
	struct ks_identifier in = { .id = KSPROPERTY_RTAUDIO_HWLATENCY };

	memset(out, 0, sizeof(*out));
	return rt_get(pin_fd, &in, sizeof(in), out, sizeof(*out));
}

int ks_rt_notification(int pin_fd, int eventfd, bool add)
{
	struct ks_rtaudio_notification_event_property in;

	memset(&in, 0, sizeof(in));
	in.property.id = add ? KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT :
			 KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT;
	in.notification_event = (uint64_t)(int64_t)eventfd;
	return rt_get(pin_fd, &in.property, sizeof(in), NULL, 0);
}

int ks_rt_notification_support(int pin_fd)
{
	struct ks_identifier in = {
		.id = KSPROPERTY_RTAUDIO_QUERY_NOTIFICATION_SUPPORT,
	};
	uint32_t value = 0;
	int ret;

	ret = rt_get(pin_fd, &in, sizeof(in), &value, sizeof(value));
	return ret < 0 ? ret : !!value;
}

void ks_rt_read_registers(const volatile struct ks_rtaudio_registers *r,
			  struct ks_rtaudio_registers *snapshot)
{
	uint32_t seq;

	for (;;) {
		seq = __atomic_load_n(&r->sequence, __ATOMIC_ACQUIRE);
		if (seq & 1)
			continue;	/* the module is writing: a moment */
		snapshot->position = r->position;
		snapshot->clock = r->clock;
		snapshot->bytes = r->bytes;
		/* The fields' loads complete before sequence is read again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&r->sequence, __ATOMIC_RELAXED) == seq)
			break;
	}
	snapshot->sequence = seq;
}
