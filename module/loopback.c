// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: the built-in ks-loopback filter (SPEC 9).
 *
 * It is described by constant tables and registered through the same
 * exported API as any companion module's filter; nothing in the core knows
 * it.  Two pin types, both SINK, one instance each:
 *
 *	pin 0 "Render"	IN	KSCATEGORY_RENDER
 *	pin 1 "Capture"	OUT	KSCATEGORY_CAPTURE
 *
 * Interfaces Standard STREAMING and LOOPED_STREAMING, no mediums listed (so
 * the standard one), data ranges PCM 8 channels 8-32 bits and IEEE float 8
 * channels 32 bits, both 8000-384000 Hz.
 *
 * The data path, through the pin operations and the core's queue helpers
 * like any provider's: frames written to Render while both pins run come
 * out of Capture unchanged and in order, with their stream-header metadata
 * and end-of-stream marks.  There is no clock: pump() moves what Capture's
 * queue has room for whenever Render has queued data (process on Render)
 * or Capture made room (process on Capture) or a pin changed state.  The
 * bounded buffer is the two queues: a writer blocks (or gets EAGAIN) only
 * while both are full.  Behaviours the contract leaves open, chosen here:
 *  - With no running Capture pin, a running Render pin's data is discarded
 *    as it comes (counted in Render's fdinfo, ks-bytes-dropped), so a
 *    writer never waits forever; Capture leaving RUN discards what Render
 *    still holds.  In PAUSE, Render's data waits in its queue.
 *  - Formats must be equal byte for byte (the KSDATAFORMAT and its
 *    WAVEFORMATEX: format_size bytes) for data to pass.  Otherwise a
 *    running Render's data is discarded and counted as above: the reader
 *    gets nothing rather than misread frames, and the writer is not held
 *    up.
 *  - A reset (KSRESET_BEGIN) on either pin discards the data between them:
 *    both queues.
 *  - Closing Render leaves what reached Capture to be read; Capture then
 *    waits for data as a capture device with no input does (a reader is
 *    told of an end only by an ENDOFSTREAM header).  Data still in Render's
 *    queue is discarded with it: a player that wants it all played waits
 *    for its POSITION play_offset to reach its write_offset first.
 *  - LOOPED_STREAMING pins go the same way: a Render client's mapped data
 *    enters Render's queue when it moves write_offset, and Capture's
 *    client finds it in its own mapping.
 *  - WaveRT (docs/abi.md): with no clock of ours, the other side paces a
 *    WaveRT pin.  A WaveRT Render's buffer is played as Capture's reader
 *    makes room, and not at all while no Capture runs (nothing is
 *    discarded: the buffer is the device's); a WaveRT Capture records
 *    what Render's writer writes, when it does.
 *    Both sides WaveRT would have nothing to pace them: the second pin's
 *    request is refused (EBUSY) until the first pin is closed.
 *
 * Locks: loopback.lock is a provider's own lock of "DOC: Locking" in
 * filter.h: taken in our callbacks, under the gate (and pin->lock in
 * set_state and close), and held over the queues' locks that the helpers
 * take.  loopback.lock is held while
 * data moves and while a pin is added or taken away, so a pin we move data
 * into or out of cannot be closed, and so freed, under us: its close()
 * waits for the lock and clears its slot.  It also holds state changes:
 * a pin's set_state takes it, so a pin seen in RUN under the lock stays
 * in RUN, and its format (which only changes in STOP) stays, until the
 * lock is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/ksfilter.h>

#include "format.h"
#include "loopback.h"
#include "loopback_ranges.h"

/* ksfilter's KSCOMPONENTID manufacturer, and ks-loopback's product. */
#define KS_MANUFACTURER_KSFILTER KS_GUID_INIT(0x4DB7792D, 0x7D51, 0x4527, \
	0xBF, 0x26, 0xEC, 0xA6, 0x95, 0x47, 0xC8, 0xD7)
#define KS_PRODUCT_LOOPBACK KS_GUID_INIT(0xEE28A83C, 0xF1C9, 0x4E4B, \
	0xB5, 0x91, 0x3A, 0x03, 0x29, 0x0A, 0xBD, 0x59)

static const struct ks_guid loopback_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_RENDER,
	KSCATEGORY_CAPTURE,
};

static const struct ks_guid category_render = KSCATEGORY_RENDER;
static const struct ks_guid category_capture = KSCATEGORY_CAPTURE;

enum { LOOPBACK_RENDER, LOOPBACK_CAPTURE, LOOPBACK_PINS };

/**
 * struct loopback - the filter's state
 * @lock: protects @pins; held while data moves (see the top)
 * @again: a round of pump() was asked for while @lock was taken
 * @pins: the open Render and Capture pins, NULL when there is none
 * @wavert: the pin of that slot asked for a WaveRT buffer
 */
struct loopback {
	struct mutex lock;	/* pins; held while data moves */
	atomic_t again;
	struct ks_pin *pins[LOOPBACK_PINS];
	bool wavert[LOOPBACK_PINS];
};

static struct loopback loopback_state = {
	.lock = __MUTEX_INITIALIZER(loopback_state.lock),
};

/*
 * ks_filter_context(ks_pin_filter(pin)), the registration's context: there
 * is one ks-loopback, so it is loopback_state, without the two calls on
 * every write and read.
 */
static struct loopback *loopback_of(struct ks_pin *pin)
{
	return &loopback_state;
}

static unsigned int state_of(const struct ks_pin *pin)
{
	return pin ? ks_pin_state(pin) : KSSTATE_STOP;
}

/*
 * Render's data to Capture, given the pins' states (a pin in set_state is
 * passed the state it is going to).  See the top for what is discarded.
 */
static void pump(struct loopback *lb, unsigned int render_state,
		 unsigned int capture_state)
{
	struct ks_pin *render = lb->pins[LOOPBACK_RENDER];
	struct ks_pin *capture = lb->pins[LOOPBACK_CAPTURE];

	lockdep_assert_held(&lb->lock);
	if (!render || render_state != KSSTATE_RUN)
		return;
	if (capture && capture_state == KSSTATE_RUN &&
	    ks_format_same(ks_pin_format(render), ks_pin_format(capture)))
		ks_pin_queue_move(render, capture);
	else
		ks_pin_queue_discard(render);
}

/* A round of pump() with the pins' states now; @lb->lock held. */
static void round_now(struct loopback *lb)
{
	atomic_set(&lb->again, 0);
	pump(lb, state_of(lb->pins[LOOPBACK_RENDER]),
	     state_of(lb->pins[LOOPBACK_CAPTURE]));
}

/*
 * Let go of @lb->lock, after the rounds asked for while it was held.
 * Render's process() and Capture's come at once from a connection's work
 * and a reader; rather than wait for the lock while the other one moves
 * data, a caller asks for a round and leaves it to whoever holds it.
 */
static void loopback_unlock(struct loopback *lb)
{
	for (;;) {
		mutex_unlock(&lb->lock);
		/* Pairs with loopback_process(): its ask or our trylock. */
		smp_mb();
		if (!atomic_read(&lb->again) || !mutex_trylock(&lb->lock))
			return;
		round_now(lb);
	}
}

static int loopback_open(struct ks_pin *pin)
{
	struct loopback *lb = loopback_of(pin);
	unsigned int id = ks_pin_id(pin);

	mutex_lock(&lb->lock);
	/* One instance of each pin type. */
	WARN_ON(lb->pins[id]);
	lb->pins[id] = pin;
	loopback_unlock(lb);
	return 0;
}

static int loopback_set_state(struct ks_pin *pin, unsigned int from,
			      unsigned int to)
{
	struct loopback *lb = loopback_of(pin);
	unsigned int state[LOOPBACK_PINS];

	mutex_lock(&lb->lock);
	state[LOOPBACK_RENDER] = state_of(lb->pins[LOOPBACK_RENDER]);
	state[LOOPBACK_CAPTURE] = state_of(lb->pins[LOOPBACK_CAPTURE]);
	state[ks_pin_id(pin)] = to;
	pump(lb, state[LOOPBACK_RENDER], state[LOOPBACK_CAPTURE]);
	loopback_unlock(lb);
	return 0;
}

static int loopback_process(struct ks_pin *pin)
{
	struct loopback *lb = loopback_of(pin);

	atomic_set(&lb->again, 1);
	/* Pairs with loopback_unlock(). */
	smp_mb__after_atomic();
	if (mutex_trylock(&lb->lock)) {
		round_now(lb);
		loopback_unlock(lb);
	}
	return 0;
}

/* The pin's own queue is empty already: the other one goes too. */
static void loopback_reset(struct ks_pin *pin, unsigned int how)
{
	struct loopback *lb = loopback_of(pin);
	struct ks_pin *other;

	if (how != KSRESET_BEGIN)
		return;
	mutex_lock(&lb->lock);
	other = lb->pins[ks_pin_id(pin) == LOOPBACK_RENDER ?
			 LOOPBACK_CAPTURE : LOOPBACK_RENDER];
	if (other)
		ks_pin_queue_discard(other);
	loopback_unlock(lb);
}

static void loopback_close(struct ks_pin *pin)
{
	struct loopback *lb = loopback_of(pin);
	unsigned int id = ks_pin_id(pin);

	mutex_lock(&lb->lock);
	lb->pins[id] = NULL;
	lb->wavert[id] = false;
	loopback_unlock(lb);
}

/*
 * WaveRT: we have no clock, the other side's reader or writer is the
 * pace (see the top).  With both sides WaveRT there would be none, so
 * the second is refused.
 */
static int loopback_wavert(struct ks_pin *pin, bool start,
			   struct ks_rtaudio_hwlatency *latency)
{
	struct loopback *lb = loopback_of(pin);
	unsigned int other = ks_pin_id(pin) == LOOPBACK_RENDER ?
			     LOOPBACK_CAPTURE : LOOPBACK_RENDER;
	int ret = 0;

	if (!start)
		return 0;
	mutex_lock(&lb->lock);
	if (lb->wavert[other])
		ret = -EBUSY;
	else
		lb->wavert[ks_pin_id(pin)] = true;
	loopback_unlock(lb);
	return ret;
}

static const struct ks_pin_ops loopback_ops = {
	.open = loopback_open,
	.set_state = loopback_set_state,
	.process = loopback_process,
	.reset = loopback_reset,
	.close = loopback_close,
	.wavert = loopback_wavert,
};

static const struct ks_pin_descriptor loopback_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.necessary_instances = 0,
		.interfaces = ks_loopback_interfaces,
		.interfaces_count = KS_LOOPBACK_INTERFACES,
		.data_ranges = ks_loopback_ranges,
		.data_ranges_count = KS_LOOPBACK_RANGES,
		.category = &category_render,
		.name = "Render",
		.ops = &loopback_ops,
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.necessary_instances = 0,
		.interfaces = ks_loopback_interfaces,
		.interfaces_count = KS_LOOPBACK_INTERFACES,
		.data_ranges = ks_loopback_ranges,
		.data_ranges_count = KS_LOOPBACK_RANGES,
		.category = &category_capture,
		.name = "Capture",
		.ops = &loopback_ops,
	},
};

static const struct ks_componentid loopback_component_id = {
	.manufacturer = KS_MANUFACTURER_KSFILTER,
	.product = KS_PRODUCT_LOOPBACK,
	.version = 1,
};

static const struct ks_filter_descriptor loopback_desc = {
	.name = "ks-loopback",
	.owner = THIS_MODULE,
	.categories = loopback_categories,
	.categories_count = ARRAY_SIZE(loopback_categories),
	.pins = loopback_pins,
	.pins_count = ARRAY_SIZE(loopback_pins),
	.component_id = &loopback_component_id,
};

static struct ks_filter *loopback;

int ks_loopback_init(void)
{
	loopback = ks_filter_register(&loopback_desc, &loopback_state);
	if (IS_ERR(loopback)) {
		int ret = PTR_ERR(loopback);

		loopback = NULL;
		return ret;
	}
	return 0;
}

void ks_loopback_uninit(void)
{
	if (!loopback)
		return;
	ks_filter_unregister(loopback);
	loopback = NULL;
}
