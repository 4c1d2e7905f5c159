// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: KSPROPSETID_Clock on clock fds (clock.c, "DOC: Clocks"): the
 * stream time of the pin's device position, the system time it goes
 * with, the clock's resolution and the pin's state.  Every property is
 * GET only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "pin.h"
#include "prop.h"

/* The system time in 100 ns units: the monotonic clock's. */
static s64 system_time(void)
{
	return div_s64(ktime_get_ns(), NSEC_PER_SEC / KS_CLOCK_UNITS_PER_SEC);
}

/* The stream time: 0 in STOP, where the positions start again. */
static s64 stream_time(struct ks_pin *pin)
{
	struct ks_stream *q = &pin->stream;

	if (READ_ONCE(pin->state) == KSSTATE_STOP)
		return 0;
	return ks_events_time(&q->events, ks_stream_device_position(q));
}

static int get_time(struct ks_prop_call *call)
{
	s64 *v = ks_value_alloc(call, sizeof(*v));

	if (!v)
		return -ENOMEM;
	*v = stream_time(call->pin);
	return 0;
}

/* The physical clock of a device with no hardware: the system's. */
static int get_physicaltime(struct ks_prop_call *call)
{
	s64 *v = ks_value_alloc(call, sizeof(*v));

	if (!v)
		return -ENOMEM;
	*v = system_time();
	return 0;
}

static int get_correlatedtime(struct ks_prop_call *call)
{
	struct ks_correlated_time *v = ks_value_alloc(call, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->time = stream_time(call->pin);
	v->system_time = system_time();
	return 0;
}

static int get_correlatedphysicaltime(struct ks_prop_call *call)
{
	struct ks_correlated_time *v = ks_value_alloc(call, sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->system_time = system_time();
	v->time = v->system_time;
	return 0;
}

/* A frame's time, rounded up: the time moves a frame at a time. */
static int get_resolution(struct ks_prop_call *call)
{
	struct ks_stream *q = &call->pin->stream;
	struct ks_resolution *v = ks_value_alloc(call, sizeof(*v));
	u32 rate = READ_ONCE(q->events.rate);

	if (!v)
		return -ENOMEM;
	if (rate)
		v->granularity = DIV_ROUND_UP_ULL((u64)READ_ONCE(q->frame) *
						  KS_CLOCK_UNITS_PER_SEC, rate);
	v->error = v->granularity;
	return 0;
}

static int get_state(struct ks_prop_call *call)
{
	u32 *v = ks_value_alloc(call, sizeof(*v));

	if (!v)
		return -ENOMEM;
	*v = READ_ONCE(call->pin->state);
	return 0;
}

#define CLOCK_IN	sizeof(struct ks_identifier)

static const struct ks_prop_item clock_items[] = {
	PROP_GET(KSPROPERTY_CLOCK_TIME, CLOCK_IN, get_time),
	PROP_GET(KSPROPERTY_CLOCK_PHYSICALTIME, CLOCK_IN, get_physicaltime),
	PROP_GET(KSPROPERTY_CLOCK_CORRELATEDTIME, CLOCK_IN,
		 get_correlatedtime),
	PROP_GET(KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME, CLOCK_IN,
		 get_correlatedphysicaltime),
	PROP_GET(KSPROPERTY_CLOCK_RESOLUTION, CLOCK_IN, get_resolution),
	PROP_GET_U32(KSPROPERTY_CLOCK_STATE, CLOCK_IN, get_state),
};

static const struct ks_prop_set clock_sets[] = {
	{ KSPROPSETID_CLOCK, clock_items, ARRAY_SIZE(clock_items) },
};

const struct ks_prop_table ks_clock_props = {
	clock_sets, ARRAY_SIZE(clock_sets)
};
