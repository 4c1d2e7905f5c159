// SPDX-License-Identifier: GPL-2.0
/*
 * ks-tonegen: a sample filter provider for ksfilter.
 *
 * It registers the filter "ks-tonegen" (categories AUDIO and CAPTURE)
 * through the exported API and exercises what ks-loopback does not.  Its
 * pins, which tests may rely on:
 *
 * id name      dataflow comm    possible  necessary
 * 0  "Tone"    OUT      SINK    4         1
 * 1  "Control" IN       BOTH    UNLIMITED 0
 * 2  "Keyed"   IN       SINK    1         0
 * 3  "Source"  OUT      SOURCE  1         0
 * 4  "Bridge"  IN       BRIDGE  1         0
 * 5  "Unused"  OUT      NONE    0         0
 *
 * id interfaces            mediums                 data ranges
 * 0  none: {Std STREAMING} none: {Std ANYINSTANCE} audio/PCM/WAVEFORMATEX,
 *                                                  channels <= 2, bits 16-16,
 *                                                  8000-192000 Hz
 * 1  {Std CONTROL}         {TONEGEN_MEDIUM, 0}     STREAM/wildcard/wildcard
 * 2  {Std STREAMING}       none: {Std ANYINSTANCE} STREAM/SUBTYPE_NONE/
 *                                                  SPECIFIER_NONE with
 *                                                  KSDATARANGE_REQUIRED_ATTRIBUTES:
 *                                                  the format must carry
 *                                                  TONEGEN_ATTRIBUTE_KEY
 * 3  none: {Std STREAMING} none: {Std ANYINSTANCE} as pin 0
 * 4  none: {Std STREAMING} none: {Std ANYINSTANCE} STREAM/wildcard/wildcard
 * 5  none: {Std STREAMING} none: {Std ANYINSTANCE} none
 *
 *   TONEGEN_MEDIUM         B017808E-2031-4C5D-9F1B-0D9D0577ECA7
 *   TONEGEN_ATTRIBUTE_KEY  3AF19F5D-EF65-458D-A6B1-45AC9154EF18
 *
 * Pin 0's accept_format refuses an odd sample rate that its range accepts
 * (EDOM, KS_REASON_FORMAT), e.g. 44101 Hz.  In RUN it can be read: a 440 Hz
 * triangle wave on every channel, generated into the pin's queue as the
 * reader makes room (the process callback), with no clock.  Pin 3 makes
 * the same wave and the same check, but can only be created with a peer
 * (KSPIN_CONNECT.PinToHandle, docs/graphs.md), such as ks-loopback's
 * Render pin, which then gets the tone inside the kernel.  Pins 4 and 5
 * can never be created (COMMUNICATION).
 * Pin categories: pin 0 KSCATEGORY_CAPTURE, the others none.
 *
 * Module parameters (/sys/module/ks_tonegen/parameters/):
 *   registered (bool, 0644, default 1): writing 0 unregisters the filter
 *	while fds may be open (they then fail with ENODEV), writing 1
 *	registers it again (under the lowest free /dev/ksfilterN).
 *   live_pins (int, 0444): pins this provider has opened and not yet been
 *	told to close; back to 0 after every pin is closed or the filter is
 *	unregistered.
 *   refuse_pause (int, 0644, default 0): an errno (1 to 511, e.g. 5 for
 *	EIO) makes set_state refuse every step into PAUSE, from ACQUIRE or
 *	from RUN, with it; 0 refuses nothing.
 *
 * Every set_state call, refused or not, is recorded in
 * /sys/kernel/debug/ks_tonegen/steps (ks-tonegen-steps.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/ksfilter.h>

#include "ks-tonegen.h"
#include "ks-tonegen-ranges.h"
#include "ks-tonegen-steps.h"

#define TONE_HZ			440
#define TONE_AMPLITUDE		8000
/* Frames generated at a time, on the stack. */
#define TONE_CHUNK_FRAMES	64

/*
 * What the provider keeps per pin.  @lock serializes the generator: the
 * core may call process from several readers at once.  @instance numbers
 * the pin in the record of steps.
 */
struct tonegen_pin {
	struct mutex lock;	/* phase */
	u32 phase;
	unsigned int state;
	u32 instance;
};

static atomic_t live_pins = ATOMIC_INIT(0);
static atomic_t instances = ATOMIC_INIT(0);
/* The errno of a refused step into PAUSE, or 0 (parameter refuse_pause). */
static int refuse_pause;

static int tonegen_open(struct ks_pin *pin)
{
	struct tonegen_pin *tp;

	tp = kzalloc(sizeof(*tp), GFP_KERNEL_ACCOUNT);
	if (!tp)
		return -ENOMEM;
	mutex_init(&tp->lock);
	tp->instance = atomic_inc_return(&instances);
	ks_pin_set_context(pin, tp);
	atomic_inc(&live_pins);
	return 0;
}

static void tonegen_close(struct ks_pin *pin)
{
	struct tonegen_pin *tp = ks_pin_context(pin);

	mutex_destroy(&tp->lock);
	kfree(tp);
	ks_pin_set_context(pin, NULL);
	atomic_dec(&live_pins);
}

/* A triangle wave: integer maths, no table. */
static s16 tone_sample(u32 phase, u32 period)
{
	s32 x = phase * 4 * TONE_AMPLITUDE / period;

	return x < 2 * TONE_AMPLITUDE ? x - TONE_AMPLITUDE :
					3 * TONE_AMPLITUDE - x;
}

/* One chunk of 16-bit frames of @channels channels; @period samples long. */
static void tone_chunk(struct tonegen_pin *tp, __le16 *buf, u32 frames,
		       u32 channels, u32 period)
{
	u32 i, c;
	u16 v;

	for (i = 0; i < frames; i++) {
		v = tone_sample(tp->phase, period);
		for (c = 0; c < channels; c++)
			*buf++ = cpu_to_le16(v);
		tp->phase = (tp->phase + 1) % period;
	}
}

/*
 * Fill a running Tone pin's queue, whole chunks only: only we queue on
 * this pin, and under tp->lock, so the room we see stays.  The format
 * cannot change outside STOP.
 */
static void tone_fill(struct ks_pin *pin, struct tonegen_pin *tp)
{
	const struct ks_dataformat_waveformatex *wf =
		(const void *)ks_pin_format(pin);
	__le16 buf[TONE_CHUNK_FRAMES * 2];
	u32 channels, period, frames;
	size_t len;

	lockdep_assert_held(&tp->lock);
	if (tp->state != KSSTATE_RUN)
		return;
	channels = wf->wave_format.channels;
	period = max(wf->wave_format.samples_per_sec / TONE_HZ, 2U);
	frames = ARRAY_SIZE(buf) / channels;
	len = frames * channels * sizeof(*buf);
	while (ks_pin_queue_space(pin) >= len) {
		tone_chunk(tp, buf, frames, channels, period);
		ks_pin_queue_write(pin, buf, len);
	}
}

static int tone_process(struct ks_pin *pin)
{
	struct tonegen_pin *tp = ks_pin_context(pin);

	mutex_lock(&tp->lock);
	tone_fill(pin, tp);
	mutex_unlock(&tp->lock);
	return 0;
}

/*
 * The Tone pin starts with a full queue, so poll sees it readable.  A
 * refused step changes nothing here; the core then stays where it was,
 * except on the way down to STOP at close, which it takes anyway.
 */
static int tonegen_set_state(struct ks_pin *pin, unsigned int from,
			     unsigned int to)
{
	struct tonegen_pin *tp = ks_pin_context(pin);
	int refuse = READ_ONCE(refuse_pause);
	int ret = 0;

	if (to == KSSTATE_PAUSE && refuse)
		ret = -refuse;
	tonegen_step_record(tp->instance, ks_pin_id(pin), from, to, ret);
	if (ret)
		return ret;
	mutex_lock(&tp->lock);
	tp->state = to;
	if (to == KSSTATE_STOP)
		tp->phase = 0;
	if (ks_pin_id(pin) == TONEGEN_PIN_TONE ||
	    ks_pin_id(pin) == TONEGEN_PIN_SOURCE)
		tone_fill(pin, tp);
	mutex_unlock(&tp->lock);
	return 0;
}

/*
 * The generator only makes whole periods at even rates: a format the range
 * accepts may still be refused here, as a real filter's own check would.
 */
static int tone_accept_format(struct ks_filter *filter, unsigned int pin_id,
			      const struct ks_dataformat *format)
{
	const struct ks_dataformat_waveformatex *wf = (const void *)format;

	/* Only the WAVEFORMATEX range reaches here, but check the size. */
	if (format->format_size < sizeof(*wf))
		return -EDOM;
	return wf->wave_format.samples_per_sec % 2 ? -EDOM : 0;
}

static const struct ks_pin_ops tone_ops = {
	.accept_format = tone_accept_format,
	.open = tonegen_open,
	.set_state = tonegen_set_state,
	.process = tone_process,
	.close = tonegen_close,
};

static const struct ks_pin_ops tonegen_ops = {
	.open = tonegen_open,
	.set_state = tonegen_set_state,
	.close = tonegen_close,
};

static const struct ks_guid tonegen_categories[] = {
	KSCATEGORY_AUDIO,
	KSCATEGORY_CAPTURE,
};

static const struct ks_guid category_capture = KSCATEGORY_CAPTURE;

static const struct ks_pin_descriptor tonegen_pins[] = {
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 4,
		.necessary_instances = 1,
		.data_ranges = tonegen_tone_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_tone_ranges),
		.category = &category_capture,
		.name = "Tone",
		.ops = &tone_ops,
	},
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_BOTH,
		.possible_instances = KS_INSTANCES_UNLIMITED,
		.interfaces = tonegen_control_interfaces,
		.interfaces_count = ARRAY_SIZE(tonegen_control_interfaces),
		.mediums = tonegen_control_mediums,
		.mediums_count = ARRAY_SIZE(tonegen_control_mediums),
		.data_ranges = tonegen_any_stream_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_any_stream_ranges),
		.name = "Control",
		.ops = &tonegen_ops,
	},
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_SINK,
		.possible_instances = 1,
		.interfaces = tonegen_streaming_interfaces,
		.interfaces_count = ARRAY_SIZE(tonegen_streaming_interfaces),
		.data_ranges = tonegen_keyed_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_keyed_ranges),
		.name = "Keyed",
		.ops = &tonegen_ops,
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_SOURCE,
		.possible_instances = 1,
		.data_ranges = tonegen_tone_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_tone_ranges),
		.name = "Source",
		.ops = &tone_ops,
	},
	{
		.dataflow = KSPIN_DATAFLOW_IN,
		.communication = KSPIN_COMMUNICATION_BRIDGE,
		.possible_instances = 1,
		.data_ranges = tonegen_any_stream_ranges,
		.data_ranges_count = ARRAY_SIZE(tonegen_any_stream_ranges),
		.name = "Bridge",
	},
	{
		.dataflow = KSPIN_DATAFLOW_OUT,
		.communication = KSPIN_COMMUNICATION_NONE,
		.possible_instances = 0,
		.name = "Unused",
	},
};

static const struct ks_componentid tonegen_component_id = {
	.product = TONEGEN_PRODUCT,
	.version = 1,
};

static const struct ks_filter_descriptor tonegen_desc = {
	.name = TONEGEN_NAME,
	.owner = THIS_MODULE,
	.categories = tonegen_categories,
	.categories_count = ARRAY_SIZE(tonegen_categories),
	.pins = tonegen_pins,
	.pins_count = ARRAY_SIZE(tonegen_pins),
	.component_id = &tonegen_component_id,
};

/*
 * Lock order: kernel_param_lock (sysfs writes to a parameter), tonegen_lock,
 * then ksfilter's own locks inside ks_filter_register/unregister().
 *
 * tonegen_lock serializes registration: module init and exit and writes to
 * the "registered" parameter, which sysfs allows before init has finished
 * and until exit has run.  Before init (tonegen_loaded false) a write only
 * records the wish.
 */
static DEFINE_MUTEX(tonegen_lock);
static struct ks_filter *tonegen_filter;
static bool tonegen_loaded;
static bool registered = true;

static int tonegen_register(void)
{
	struct ks_filter *filter;

	lockdep_assert_held(&tonegen_lock);
	if (tonegen_filter)
		return 0;
	filter = ks_filter_register(&tonegen_desc, NULL);
	if (IS_ERR(filter))
		return PTR_ERR(filter);
	tonegen_filter = filter;
	return 0;
}

static void tonegen_unregister(void)
{
	lockdep_assert_held(&tonegen_lock);
	if (!tonegen_filter)
		return;
	ks_filter_unregister(tonegen_filter);
	tonegen_filter = NULL;
}

static int registered_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	mutex_lock(&tonegen_lock);
	if (tonegen_loaded) {
		if (on)
			ret = tonegen_register();
		else
			tonegen_unregister();
	}
	if (!ret)
		registered = on;
	mutex_unlock(&tonegen_lock);
	return ret;
}

static const struct kernel_param_ops registered_ops = {
	.set = registered_set,
	.get = param_get_bool,
};
module_param_cb(registered, &registered_ops, &registered, 0644);
MODULE_PARM_DESC(registered, "The ks-tonegen filter is registered (write 0 to unregister it, 1 to register it again)");

static int live_pins_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&live_pins));
}

static const struct kernel_param_ops live_pins_ops = {
	.get = live_pins_get,
};
module_param_cb(live_pins, &live_pins_ops, NULL, 0444);
MODULE_PARM_DESC(live_pins, "Pins opened and not yet closed by ksfilter");

/* An errno userspace can be given: the kernel's own from 512 up are not. */
static int refuse_pause_set(const char *val, const struct kernel_param *kp)
{
	int err, ret;

	ret = kstrtoint(val, 0, &err);
	if (ret)
		return ret;
	if (err < 0 || err >= 512)
		return -EINVAL;
	WRITE_ONCE(refuse_pause, err);
	return 0;
}

static const struct kernel_param_ops refuse_pause_ops = {
	.set = refuse_pause_set,
	.get = param_get_int,
};
module_param_cb(refuse_pause, &refuse_pause_ops, &refuse_pause, 0644);
MODULE_PARM_DESC(refuse_pause, "Refuse every state step into PAUSE with this errno (0: refuse none)");

static int __init tonegen_init(void)
{
	int ret = 0;

	tonegen_steps_init();
	mutex_lock(&tonegen_lock);
	if (registered)
		ret = tonegen_register();
	if (!ret)
		tonegen_loaded = true;
	mutex_unlock(&tonegen_lock);
	if (ret)
		tonegen_steps_exit();
	return ret;
}

/* The steps of the pins that unregistering closes are recorded too. */
static void __exit tonegen_exit(void)
{
	mutex_lock(&tonegen_lock);
	tonegen_loaded = false;
	tonegen_unregister();
	mutex_unlock(&tonegen_lock);
	tonegen_steps_exit();
}

module_init(tonegen_init);
module_exit(tonegen_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: a tone generator filter provider");
MODULE_AUTHOR("ksfilter developers");
