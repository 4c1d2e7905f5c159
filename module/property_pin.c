// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the properties of a pin fd: KSPROPSETID_Connection and
 * KSPROPSETID_KSFILTER_STREAM (POSITION and BUFFER, whose backends are
 * stream.c's).  Handlers for property.c's dispatcher (prop.h), run with
 * the filter entered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>

#include "filter.h"
#include "format.h"
#include "pin.h"
#include "prop.h"
#include "stream.h"

/* Windows' KSALLOCATOR_FRAMING values (ks.h, wdm.h). */
#define KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY	0x00000001
#define KS_NONPAGED_POOL			0
#define KS_FILE_QUAD_ALIGNMENT			0x00000007
#define KS_FRAMING_FRAMES			8

/* ---- pin fd: KSPROPSETID_Connection ---- */

static int get_state(struct ks_prop_call *call)
{
	return ks_value_u32(call, READ_ONCE(call->pin->state));
}

static int set_state(struct ks_prop_call *call)
{
	u32 to = *(const u32 *)call->set_value;

	if (to > KSSTATE_RUN)
		return -EINVAL;
	return ks_pin_set_state(call->pin, to);
}

static int get_priority(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	struct ks_priority *v;

	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	mutex_lock(&pin->lock);
	*v = pin->priority;
	mutex_unlock(&pin->lock);
	return 0;
}

static int set_priority(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;

	mutex_lock(&pin->lock);
	memcpy(&pin->priority, call->set_value, sizeof(pin->priority));
	mutex_unlock(&pin->lock);
	return 0;
}

/* The format exactly as given at creation or last set, byte for byte. */
static int get_dataformat(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	int ret;

	mutex_lock(&pin->lock);
	ret = ks_value_copy(call, pin->format, pin->format_bytes);
	mutex_unlock(&pin->lock);
	return ret;
}

/*
 * Only while stopped (EBUSY otherwise), checked as a creation checks it:
 * EINVAL for a malformed format, EDOM for one the pin does not take.  What
 * is kept is the format and its attribute list, not the rest of `out`.
 */
static int set_dataformat(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	u32 bytes;
	int ret;

	if (READ_ONCE(pin->state) != KSSTATE_STOP)
		return -EBUSY;
	ret = ks_prop_check_format(call->filter, pin->id, call->set_value,
				   call->set_size, &bytes);
	if (ret)
		return ret;
	return ks_pin_replace_format(pin, call->set_value, bytes);
}

/*
 * A frame: 10 ms of audio in whole blocks (at least one), or for other
 * formats the format's sample size, else a page.
 */
static u32 frame_size(const struct ks_dataformat *fmt)
{
	static const struct ks_guid wave = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
	const struct ks_dataformat_waveformatex *wf = (const void *)fmt;
	u64 blocks, size;
	u32 block;

	if (!ks_guid_equal(&fmt->specifier, &wave) ||
	    fmt->format_size < sizeof(*wf) || !wf->wave_format.block_align)
		return fmt->sample_size ? fmt->sample_size : PAGE_SIZE;
	block = wf->wave_format.block_align;
	blocks = max_t(u64, DIV_ROUND_UP_ULL(wf->wave_format.samples_per_sec,
					     100), 1);
	size = blocks * block;
	return size > U32_MAX ? rounddown(U32_MAX, block) : size;
}

/*
 * What a Windows audio pin reports: system memory, non-paged, 8 frames of
 * 10 ms, buffers 8-byte aligned (FILE_QUAD_ALIGNMENT).
 */
static int get_allocatorframing(struct ks_prop_call *call)
{
	struct ks_pin *pin = call->pin;
	struct ks_allocator_framing *v;

	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->options_flags = KSALLOCATOR_REQUIREMENTF_SYSTEM_MEMORY;
	v->pool_type = KS_NONPAGED_POOL;
	v->frames = KS_FRAMING_FRAMES;
	v->file_alignment = KS_FILE_QUAD_ALIGNMENT;
	mutex_lock(&pin->lock);
	v->frame_size = frame_size(pin->format);
	mutex_unlock(&pin->lock);
	return 0;
}

static const struct ks_prop_item connection_items[] = {
	{
		.id = KSPROPERTY_CONNECTION_STATE,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(u32),
		.get = get_state,
		.set = set_state,
		.vt = KS_VT_UI4,
	},
	{
		.id = KSPROPERTY_CONNECTION_PRIORITY,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_priority),
		.get = get_priority,
		.set = set_priority,
	},
	{
		.id = KSPROPERTY_CONNECTION_DATAFORMAT,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_dataformat),
		.get = get_dataformat,
		.set = set_dataformat,
	},
	PROP_GET(KSPROPERTY_CONNECTION_ALLOCATORFRAMING,
		 sizeof(struct ks_identifier), get_allocatorframing),
};

/* ---- pin fd: KSPROPSETID_KSFILTER_STREAM ---- */

static int get_position(struct ks_prop_call *call)
{
	struct ks_audio_position *v;

	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ks_stream_get_position(call->pin, v);
	return 0;
}

static int set_position(struct ks_prop_call *call)
{
	struct ks_audio_position pos;

	memcpy(&pos, call->set_value, sizeof(pos));
	return ks_stream_set_position(call->pin, &pos);
}

static int get_buffer(struct ks_prop_call *call)
{
	struct ks_stream_buffer *v;

	v = ks_value_alloc(call, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ks_stream_get_buffer(call->pin, v);
	return 0;
}

/* Only the size is read: the rest is what a GET reports. */
static int set_buffer(struct ks_prop_call *call)
{
	struct ks_stream_buffer buf;

	memcpy(&buf, call->set_value, sizeof(buf));
	return ks_stream_set_buffer(call->pin, buf.size);
}

static const struct ks_prop_item stream_items[] = {
	{
		.id = KSPROPERTY_KSFILTER_STREAM_POSITION,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_audio_position),
		.get = get_position,
		.set = set_position,
	},
	{
		.id = KSPROPERTY_KSFILTER_STREAM_BUFFER,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_stream_buffer),
		.get = get_buffer,
		.set = set_buffer,
	},
};

/*
 * KSPROPERTY_AUDIO_POSITION: Windows' name for the same offsets as
 * KSFILTER_STREAM's POSITION, with the same rules (docs/abi.md).
 */
static const struct ks_prop_item audio_items[] = {
	{
		.id = KSPROPERTY_AUDIO_POSITION,
		.in_size = sizeof(struct ks_identifier),
		.set_size = sizeof(struct ks_audio_position),
		.get = get_position,
		.set = set_position,
	},
};

static const struct ks_prop_set pin_sets[] = {
	{ KSPROPSETID_CONNECTION, connection_items,
	  ARRAY_SIZE(connection_items) },
	{ KSPROPSETID_KSFILTER_STREAM, stream_items,
	  ARRAY_SIZE(stream_items) },
	{ KSPROPSETID_AUDIO, audio_items, ARRAY_SIZE(audio_items) },
	{ KSPROPSETID_RTAUDIO, ks_rt_items, KS_RT_ITEMS },
};

const struct ks_prop_table ks_pin_props = {
	pin_sets, ARRAY_SIZE(pin_sets)
};

