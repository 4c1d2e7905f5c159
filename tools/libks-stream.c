// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libks: the properties of a pin fd, KSPROPSETID_Connection's state,
 * priority, data format and framing and KSPROPSETID_KSFILTER_STREAM's
 * buffer.
 */
#include "libks-internal.h"

/* ---- pin fd properties (KSPROPSETID_Connection) ---- */

static const struct ks_guid set_connection = KSPROPSETID_CONNECTION;

static int conn_get_exact(int pin_fd, uint32_t id, void *out, uint32_t size)
{
	uint32_t got = 0;
	int ret;

	ret = ks_property(pin_fd, &set_connection, id, KSPROPERTY_TYPE_GET,
			  NULL, 0, out, size, &got);
	if (ret < 0)
		return ret;
	return got == size ? 0 : fail(EPROTO);
}

static int conn_set(int pin_fd, uint32_t id, const void *value, uint32_t size)
{
	return ks_property(pin_fd, &set_connection, id, KSPROPERTY_TYPE_SET,
			   NULL, 0, (void *)value, size, NULL);
}

int ks_pin_get_state(int pin_fd, uint32_t *state)
{
	return conn_get_exact(pin_fd, KSPROPERTY_CONNECTION_STATE, state,
			      sizeof(*state));
}

int ks_pin_set_state(int pin_fd, uint32_t state)
{
	return conn_set(pin_fd, KSPROPERTY_CONNECTION_STATE, &state,
			sizeof(state));
}

int ks_pin_get_priority(int pin_fd, struct ks_priority *priority)
{
	return conn_get_exact(pin_fd, KSPROPERTY_CONNECTION_PRIORITY, priority,
			      sizeof(*priority));
}

int ks_pin_set_priority(int pin_fd, const struct ks_priority *priority)
{
	return conn_set(pin_fd, KSPROPERTY_CONNECTION_PRIORITY, priority,
			sizeof(*priority));
}

void *ks_pin_get_dataformat(int pin_fd, uint32_t *size)
{
	void *format;
	int ret;

	ret = ks_property_alloc(pin_fd, &set_connection,
				KSPROPERTY_CONNECTION_DATAFORMAT,
				KSPROPERTY_TYPE_GET, NULL, 0, &format, size);
	return ret < 0 ? NULL : format;
}

int ks_pin_set_dataformat(int pin_fd, const void *format, uint32_t size)
{
	return conn_set(pin_fd, KSPROPERTY_CONNECTION_DATAFORMAT, format, size);
}

int ks_pin_allocator_framing(int pin_fd, struct ks_allocator_framing *framing)
{
	return conn_get_exact(pin_fd, KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
			      framing, sizeof(*framing));
}

/* ---- pin fd properties (KSPROPSETID_KSFILTER_STREAM) ---- */

static const struct ks_guid set_stream = KSPROPSETID_KSFILTER_STREAM;

int ks_pin_get_buffer(int pin_fd, struct ks_stream_buffer *buffer)
{
	uint32_t got = 0;
	int ret;

	ret = ks_property(pin_fd, &set_stream, KSPROPERTY_KSFILTER_STREAM_BUFFER,
			  KSPROPERTY_TYPE_GET, NULL, 0, buffer, sizeof(*buffer),
			  &got);
	if (ret < 0)
		return ret;
	return got == sizeof(*buffer) ? 0 : fail(EPROTO);
}

/* Only the size is read; the rest of the value is what a GET reports. */
int ks_pin_set_buffer_size(int pin_fd, uint32_t bytes)
{
	struct ks_stream_buffer value = { .size = bytes };

	return ks_property(pin_fd, &set_stream, KSPROPERTY_KSFILTER_STREAM_BUFFER,
			   KSPROPERTY_TYPE_SET, NULL, 0, &value, sizeof(value),
			   NULL);
}
