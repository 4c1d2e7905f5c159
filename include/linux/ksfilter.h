/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the in-kernel API for modules that provide KS filters and
 * INTERFACE-style function tables.
 *
 * A filter is described by constant data, the way a KS minidriver describes
 * itself with KSFILTER_DESCRIPTOR and KSPIN_DESCRIPTOR: which pin types it has
 * and, for each, the interfaces, mediums and data ranges it accepts.  The core
 * checks every pin creation against these tables before the provider sees it.
 *
 * The descriptor types above the __KERNEL__ block are plain data: the pure
 * checking code (module/connect.c, module/format.c) reads them both in the
 * module and in the host unit tests.
 */
#ifndef _LINUX_KSFILTER_H
#define _LINUX_KSFILTER_H

#include <linux/ks.h>

struct module;
struct ks_filter;
struct ks_pin;

/**
 * struct ks_data_range - one data range of a pin type
 * @range: a KSDATARANGE, or a larger range that starts with one such as
 *	struct ks_datarange_audio; range->format_size says how large
 * @attributes: NULL, or a KSMULTIPLE_ITEM of struct ks_attribute; with
 *	KSDATARANGE_REQUIRED_ATTRIBUTES in range->flags a format must carry
 *	every attribute marked KSATTRIBUTE_REQUIRED
 */
struct ks_data_range {
	const struct ks_dataformat *range;
	const struct ks_multiple_item *attributes;
};

/**
 * struct ks_pin_ops - what a provider does for a pin type (all optional)
 * @accept_format: a further check of a format that one of the pin type's data
 *	ranges matched, at creation and on KSPROPERTY_CONNECTION_DATAFORMAT set;
 *	return 0 or -EDOM (any other nonzero value is taken as -EDOM)
 * @open: a pin instance is being created; runs before the pin fd is visible,
 *	may fail with a negative errno, which the creation returns; -EDOM
 *	with KS_REASON_FORMAT, as @accept_format's refusal (for a format that
 *	depends on the provider's state, checked again here under its lock)
 * @set_state: one step of the KSSTATE machine (@from and @to adjacent); a
 *	failure stops a step up, but a step down on close is taken anyway
 * @process: data or room is ready on this pin's queue (see ks_pin_queue_*);
 *	called with the filter entered but no pin lock held, possibly by
 *	several tasks at once
 * @reset: KS_IOCTL_RESET_STATE on the pin: KSRESET_BEGIN (the pin's queue
 *	has just been discarded) or KSRESET_END
 * @close: the instance is going away; it is in KSSTATE_STOP already.  Called
 *	exactly once per successful @open: when the pin fd is closed, or from
 *	ks_filter_unregister() for the pins still open then.
 * @wavert: the pin type offers WaveRT (KSPROPSETID_RtAudio) on its
 *	LOOPED_STREAMING pins: fill *@latency (KSPROPERTY_RTAUDIO_HWLATENCY,
 *	zeroed before the call) and return 0.  With @start the client asks
 *	for the pin's buffer, after which the device must play (IN) or record
 *	(OUT) without waiting for it: the core keeps an IN pin's queue full
 *	and an OUT pin's empty, and the provider moves data at its own pace
 *	(a clock), or refuses with a negative errno.  Called with the filter
 *	entered and the pin in KSSTATE_STOP.
 *
 * The callbacks run in process context and may sleep.  The core holds the
 * filter's unregistration lock around them (and, for @set_state and @close,
 * the pin's lock), so a callback must not call ks_filter_unregister() on its
 * own filter.  @process and @reset may run at the same time as each other
 * and as @set_state.
 */
struct ks_pin_ops {
	int (*accept_format)(struct ks_filter *filter, unsigned int pin_id,
			     const struct ks_dataformat *format);
	int (*open)(struct ks_pin *pin);
	int (*set_state)(struct ks_pin *pin, unsigned int from, unsigned int to);
	int (*process)(struct ks_pin *pin);
	void (*reset)(struct ks_pin *pin, unsigned int how);
	void (*close)(struct ks_pin *pin);
	int (*wavert)(struct ks_pin *pin, bool start,
		      struct ks_rtaudio_hwlatency *latency);
};

/**
 * struct ks_pin_physical - a pin's fixed physical peer (KSPIN_PHYSICALCONNECTION)
 * @filter: the name of the peer's filter, as it registers it
 * @pin: the peer's pin id on that filter
 *
 * Hardware that is wired to another device's pin (a tuner's output to a
 * crossbar's input) says so with this; KSPROPERTY_PIN_PHYSICALCONNECTION
 * reports it and graph builders (ksctl graph) follow it.
 */
struct ks_pin_physical {
	const char *filter;
	unsigned int pin;
};

/**
 * struct ks_pin_descriptor - a pin type (KSPIN_DESCRIPTOR)
 * @dataflow: KSPIN_DATAFLOW_IN or KSPIN_DATAFLOW_OUT
 * @communication: KSPIN_COMMUNICATION_*
 * @possible_instances: how many instances may exist at once, or
 *	KS_INSTANCES_UNLIMITED
 * @necessary_instances: how many instances the filter needs to work
 * @interfaces: the accepted (set, id) pairs; none means {Standard, STREAMING}
 * @interfaces_count: entries in @interfaces
 * @mediums: the accepted (set, id) pairs; none means {Standard, ANYINSTANCE}
 * @mediums_count: entries in @mediums
 * @data_ranges: the accepted data ranges, in the order they are reported
 * @data_ranges_count: entries in @data_ranges
 * @category: the pin category (KSPROPERTY_PIN_CATEGORY), or NULL
 * @name: the pin name (KSPROPERTY_PIN_NAME), ASCII, or NULL
 * @ops: the provider's pin operations, or NULL
 * @physical: the pin's fixed physical peer, or NULL
 */
struct ks_pin_descriptor {
	unsigned int dataflow;
	unsigned int communication;
	unsigned int possible_instances;
	unsigned int necessary_instances;
	const struct ks_identifier *interfaces;
	unsigned int interfaces_count;
	const struct ks_identifier *mediums;
	unsigned int mediums_count;
	const struct ks_data_range *data_ranges;
	unsigned int data_ranges_count;
	const struct ks_guid *category;
	const char *name;
	const struct ks_pin_ops *ops;
	const struct ks_pin_physical *physical;
};

/**
 * struct ks_node_control - a standard control of a node (KSPROPSETID_Audio)
 * @id: KSPROPERTY_AUDIO_VOLUMELEVEL, KSPROPERTY_AUDIO_MUTE or
 *	KSPROPERTY_AUDIO_MUX_SOURCE
 * @channels: channels with a value of their own (VOLUMELEVEL, MUTE), 1
 *	for MUX_SOURCE; at most KS_NODE_CHANNELS_MAX
 * @minimum: the lowest value: 1/65536 dB for VOLUMELEVEL, 0 for the others
 * @maximum: the highest: 1/65536 dB for VOLUMELEVEL, 1 for MUTE, the last
 *	input's index for MUX_SOURCE
 * @step: VOLUMELEVEL's stepping delta in 1/65536 dB (a SET is rounded to
 *	a multiple of it, then clamped to the range), 1 for the others
 * @initial: every channel's value at registration, in the range
 *
 * The core keeps the values, answers GET, SET and BASICSUPPORT (with
 * Windows' stepped-range description) and lets the provider read them
 * with ks_node_control_value().  Declare them with KS_VOLUME_CONTROL(),
 * KS_MUTE_CONTROL() and KS_MUX_CONTROL().
 */
struct ks_node_control {
	__u32 id;
	__u32 channels;
	__s32 minimum;
	__s32 maximum;
	__u32 step;
	__s32 initial;
};

/* Channels a control may have: KSAUDIO_SPEAKER_7POINT1's and more. */
#define KS_NODE_CHANNELS_MAX	32

#define KS_VOLUME_CONTROL(_channels, _min, _max, _step, _initial)	\
	{ .id = KSPROPERTY_AUDIO_VOLUMELEVEL, .channels = (_channels),	\
	  .minimum = (_min), .maximum = (_max), .step = (_step),	\
	  .initial = (_initial) }
#define KS_MUTE_CONTROL(_channels, _initial)				\
	{ .id = KSPROPERTY_AUDIO_MUTE, .channels = (_channels),		\
	  .minimum = 0, .maximum = 1, .step = 1, .initial = (_initial) }
#define KS_MUX_CONTROL(_inputs, _initial)				\
	{ .id = KSPROPERTY_AUDIO_MUX_SOURCE, .channels = 1,		\
	  .minimum = 0, .maximum = (_inputs) - 1, .step = 1,		\
	  .initial = (_initial) }

/**
 * struct ks_node_descriptor - a node of a filter's topology
 * @type: KSNODETYPE_* (KSPROPERTY_TOPOLOGY_NODES)
 * @name: KSPROPERTY_TOPOLOGY_NAME, ASCII, or NULL
 * @controls: its controls, at most one of each id
 * @controls_count: entries in @controls
 * @events: the events it offers (KSEVENT_TYPE_TOPOLOGY), each {set, id}
 *	once; flags are not read
 * @events_count: entries in @events
 *
 * A client enables a node's event on a filter fd or a pin fd of the
 * filter, with a KSEVENTDATA; ks_node_event() signals it.  A node that
 * offers KS_CONTROL_CHANGE_EVENT has it signalled by the core whenever one
 * of its controls changes value (a client's SET, ks_node_control_set()).
 */
struct ks_node_descriptor {
	const struct ks_guid *type;
	const char *name;
	const struct ks_node_control *controls;
	unsigned int controls_count;
	const struct ks_identifier *events;
	unsigned int events_count;
};

/* KSEVENTSETID_AudioControlChange KSEVENT_CONTROL_CHANGE, for @events. */
#define KS_CONTROL_CHANGE_EVENT						\
	{ .set = KSEVENTSETID_AUDIOCONTROLCHANGE, .id = KSEVENT_CONTROL_CHANGE }

/**
 * struct ks_filter_descriptor - a filter (KSFILTER_DESCRIPTOR)
 * @name: shown in /sys/class/ksfilter/ksfilterN/name
 * @owner: THIS_MODULE; pinned while any fd of the filter is open
 * @categories: KSPROPERTY_TOPOLOGY_CATEGORIES
 * @categories_count: entries in @categories
 * @pins: the pin types, indexed by pin id
 * @pins_count: entries in @pins
 * @component_id: KSPROPERTY_GENERAL_COMPONENTID, or NULL
 * @nodes: the topology's nodes, indexed by node id
 * @nodes_count: entries in @nodes
 * @connections: the topology's connections (KSPROPERTY_TOPOLOGY_CONNECTIONS);
 *	KSFILTER_NODE as a node means the filter, and its node pin is then a
 *	pin id
 * @connections_count: entries in @connections
 * @set_control: NULL, or called when a client sets a node control, before
 *	the value is kept: the filter is entered; return 0 or a negative
 *	errno, which the SET returns (the value then stays as it was)
 */
struct ks_filter_descriptor {
	const char *name;
	struct module *owner;
	const struct ks_guid *categories;
	unsigned int categories_count;
	const struct ks_pin_descriptor *pins;
	unsigned int pins_count;
	const struct ks_componentid *component_id;
	const struct ks_node_descriptor *nodes;
	unsigned int nodes_count;
	const struct ks_topology_connection *connections;
	unsigned int connections_count;
	int (*set_control)(struct ks_filter *filter, unsigned int node,
			   __u32 id, unsigned int channel, __s32 value);
};

#ifdef __KERNEL__

#include <linux/err.h>
#include <linux/uuid.h>

/**
 * ks_filter_register() - register a filter
 * @desc: the filter's descriptor; must stay valid until
 *	ks_filter_unregister() returns
 * @context: the provider's context, returned by ks_filter_context()
 *
 * The filter appears as /dev/ksfilterN, N the lowest free number.  May sleep.
 *
 * Return: the filter, or ERR_PTR(-EINVAL) for a malformed descriptor,
 * ERR_PTR(-ENOSPC) when all minors are taken, ERR_PTR(-ENOMEM).
 */
struct ks_filter *ks_filter_register(const struct ks_filter_descriptor *desc,
				     void *context);

/**
 * ks_filter_unregister() - unregister a filter
 * @filter: what ks_filter_register() returned
 *
 * Calls on the filter's open fds fail with ENODEV from now on.  Waits for
 * callbacks in progress, then steps every open pin down to STOP and closes
 * it (set_state, close); once this returns the provider's callbacks are no
 * longer called, the descriptor may go away and the provider's module is no
 * longer pinned by the open fds.  May sleep; must not be called from the
 * filter's own pin callbacks.
 */
void ks_filter_unregister(struct ks_filter *filter);

/**
 * ks_node_control_value() - a node control's value now
 * @filter: the filter
 * @node: the node id
 * @id: the control (KSPROPERTY_AUDIO_VOLUMELEVEL, _MUTE, _MUX_SOURCE)
 * @channel: the channel, from 0
 *
 * Lock-free, for the data path: a SET that runs meanwhile is seen at once
 * or at the next call.
 *
 * Return: the value; 0 for a node, control or channel the filter does not
 * have (a provider's mistake, warned about once).
 */
__s32 ks_node_control_value(struct ks_filter *filter, unsigned int node,
			    __u32 id, unsigned int channel);

/**
 * ks_node_control_set() - the provider sets a node control's value
 * @filter: the filter
 * @node: the node id
 * @id: the control (KSPROPERTY_AUDIO_VOLUMELEVEL, _MUTE, _MUX_SOURCE)
 * @channel: the channel, from 0, or 0xFFFFFFFF for every channel
 * @value: the value, kept as a client's SET keeps it (rounded, clamped)
 *
 * For a change that comes from the device itself (a knob, a jack); the
 * filter's set_control() is not called, but a change of value signals the
 * node's KS_CONTROL_CHANGE_EVENT as a client's SET does.  May sleep.
 *
 * Return: 0, -EINVAL for a node, a channel or a mux input the filter does
 * not have, -ENOENT for a control the node does not have.
 */
int ks_node_control_set(struct ks_filter *filter, unsigned int node,
			__u32 id, unsigned int channel, __s32 value);

/**
 * ks_node_event() - signal a node's event
 * @filter: the filter
 * @node: the node id
 * @set: the event set, one the node declares in its @events
 * @id: the event id
 *
 * Signals every client that has the event enabled on the node (a ONESHOT
 * one is then removed); none enabled, or an event the node does not
 * offer, is nothing to do.  Any context, a hard interrupt's included.
 */
void ks_node_event(struct ks_filter *filter, unsigned int node,
		   const struct ks_guid *set, __u32 id);

/**
 * ks_filter_context() - the provider's context of a filter
 * @filter: a registered filter
 *
 * Return: the @context given to ks_filter_register().
 */
void *ks_filter_context(const struct ks_filter *filter);

/* Accessors for pin callbacks. */

/**
 * ks_pin_filter() - the filter a pin belongs to
 * @pin: the pin a callback was given
 *
 * Return: the filter.
 */
struct ks_filter *ks_pin_filter(const struct ks_pin *pin);

/**
 * ks_pin_id() - the pin type of a pin instance
 * @pin: the pin a callback was given
 *
 * Return: the index of its descriptor in ks_filter_descriptor.pins.
 */
unsigned int ks_pin_id(const struct ks_pin *pin);

/**
 * ks_pin_format() - the pin's data format
 * @pin: the pin a callback was given
 *
 * Return: the format as given at creation or last set (KSDATAFORMAT and
 * what follows it, format->format_size bytes).
 */
const struct ks_dataformat *ks_pin_format(const struct ks_pin *pin);

/**
 * ks_pin_state() - the pin's KSSTATE
 * @pin: the pin a callback was given
 *
 * Return: KSSTATE_STOP, _ACQUIRE, _PAUSE or _RUN.
 */
unsigned int ks_pin_state(const struct ks_pin *pin);

/**
 * ks_pin_context() - the provider's context of a pin instance
 * @pin: the pin a callback was given
 *
 * Return: what ks_pin_set_context() stored, NULL before that.
 */
void *ks_pin_context(const struct ks_pin *pin);

/**
 * ks_pin_set_context() - store the provider's context of a pin instance
 * @pin: the pin a callback was given (typically in &ks_pin_ops.open)
 * @context: the provider's per-instance data
 */
void ks_pin_set_context(struct ks_pin *pin, void *context);

/*
 * Streaming (SPEC 7).  Every pin has a bounded queue of whole frames (a
 * frame is the format's block_align for WAVEFORMATEX formats, else its
 * sample_size, else a byte).  Userspace fills a dataflow IN pin's queue and
 * empties an OUT pin's; the provider does the other side with these
 * helpers, typically from @process, which the core calls after userspace
 * queued data or made room, and before a reader waits.  Data moves in
 * whole frames; a queue in KSRESET takes nothing.  The helpers take the
 * queues' locks (never a caller's), may sleep, wake the pins' waiters and
 * may be called from any pin callback or with the filter's pins otherwise
 * known to be open.
 *
 * Connections.  A pin created with KSPIN_CONNECT.PinToHandle is connected
 * to that peer pin (docs/graphs.md): then the core, not userspace, is the
 * other side of both queues.  It moves the OUT pin's frames into the IN
 * pin's queue, with their metadata and end-of-stream marks, whenever the
 * OUT pin runs and the IN pin is in PAUSE or RUN, and calls each pin's
 * process() after it moved something, exactly as a user's read or write
 * would.  A provider's code is the same whether its pins are connected or
 * not.  When either pin goes, both get an end-of-stream mark.
 */

/**
 * ks_pin_connected() - is the pin connected to a peer pin?
 * @pin: a pin
 *
 * Return: true while @pin takes part in a connection (docs/graphs.md).
 */
bool ks_pin_connected(struct ks_pin *pin);

/**
 * ks_pin_frame_size() - the size of one frame of the pin's format
 * @pin: a pin
 *
 * Return: block_align for WAVEFORMATEX formats, else sample_size, else 1.
 */
u32 ks_pin_frame_size(struct ks_pin *pin);

/**
 * ks_pin_queue_space() - room in a pin's queue
 * @pin: a pin
 *
 * Return: the bytes that could be queued on @pin now.
 */
size_t ks_pin_queue_space(struct ks_pin *pin);

/**
 * ks_pin_queue_write() - queue data on a pin
 * @pin: a pin (a dataflow OUT pin, whose reader is userspace)
 * @data: the bytes
 * @len: how many
 *
 * Queues what fits of @len bytes, in whole frames: ks_pin_queue_produce()
 * with a copy.
 *
 * Return: the bytes taken from @data, queued or discarded as there.
 */
size_t ks_pin_queue_write(struct ks_pin *pin, const void *data, size_t len);

/**
 * ks_pin_queue_produce() - make data in place in a pin's queue
 * @pin: a pin (a dataflow OUT pin, whose reader is userspace)
 * @len: at most this many bytes, in whole frames
 * @fn: writes the next @len bytes at @dst
 * @arg: passed to @fn
 *
 * As ks_pin_queue_write(), without a copy: the data is made where it is
 * queued, by @fn, called in stream order for whole frames, a part of the
 * queue's room at a time (twice where the cyclic buffer wraps).  @fn runs
 * without the queue's lock, on room reserved for it: the pin's reader
 * takes earlier frames meanwhile, and each part is queued, and its
 * reader woken, as soon as @fn has made it.  @fn must not call back into
 * ksfilter for @pin.  A part that a reset or STOP overtook while @fn made
 * it is discarded, as the reset or STOP would have discarded it (counted
 * in fdinfo's ks-bytes-dropped).  A generator fills its output pin with
 * it (module/samples/ks-gen.c).
 *
 * Return: the bytes made, queued or so discarded.
 */
size_t ks_pin_queue_produce(struct ks_pin *pin, size_t len,
			    void (*fn)(void *arg, void *dst, size_t len),
			    void *arg);

/**
 * ks_pin_queue_read() - take data from a pin's queue
 * @pin: a pin (a dataflow IN pin, whose writer is userspace)
 * @data: where the bytes go
 * @len: at most this many, in whole frames
 *
 * Return: the bytes taken.
 */
size_t ks_pin_queue_read(struct ks_pin *pin, void *data, size_t len);

/**
 * ks_pin_queue_move() - move data from one pin's queue to another's
 * @from: the pin whose queue is emptied
 * @to: the pin whose queue is filled
 *
 * Moves what @to has room for, with the stream-header metadata and
 * end-of-stream marks; the two pins must have the same frame size.
 *
 * Return: the bytes moved.
 */
size_t ks_pin_queue_move(struct ks_pin *from, struct ks_pin *to);

/**
 * ks_pin_queue_transform() - move data between pins through a function
 * @from: the pin whose queue is emptied
 * @to: the pin whose queue is filled
 * @fn: writes @len bytes at @dst computed from the @len bytes at @src
 * @arg: passed to @fn
 *
 * As ks_pin_queue_move(), but the data passes through @fn on its way, in
 * whole frames, a part of the queues at a time, in as many pieces as the
 * cyclic buffers wrap.  Like ks_pin_queue_produce()'s, @fn runs without
 * the queues' locks on a part reserved in both, and must not call back
 * into ksfilter for @from or @to; a part that a reset or STOP of either
 * pin overtook is made again or not at all, so @fn may see some frames
 * twice.  A transform filter moves its input pin's data to its output pin
 * with it (module/samples/ks-gain.c).
 *
 * Return: the bytes moved.
 */
size_t ks_pin_queue_transform(struct ks_pin *from, struct ks_pin *to,
			      void (*fn)(void *arg, void *dst, const void *src,
					 size_t len),
			      void *arg);

/**
 * ks_pin_queue_discard() - empty a pin's queue
 * @pin: a pin
 *
 * Return: the bytes discarded.
 */
size_t ks_pin_queue_discard(struct ks_pin *pin);

/**
 * ks_pin_count_xrun() - count a clocked device's underrun or overrun
 * @pin: a pin
 * @frames: the frames the device missed: those it found no data for in an
 *	IN pin's queue (an underrun), or no room for in an OUT pin's (an
 *	overrun)
 *
 * For a provider that moves data at its own clock, as hardware does: the
 * counts are the pin's, in fdinfo (ks-underruns or ks-overruns: the times,
 * then the frames).  Counting does not stop the stream.  May sleep.
 */
void ks_pin_count_xrun(struct ks_pin *pin, u32 frames);

/**
 * ks_pin_queue_end_of_stream() - mark the end of the stream
 * @pin: a pin
 *
 * The reader sees the end of the stream after the data queued so far.
 *
 * Return: true, or false when the queue has no room for the mark.
 */
bool ks_pin_queue_end_of_stream(struct ks_pin *pin);

/**
 * struct ks_interface - the header of every published interface (INTERFACE)
 * @size: bytes of the whole structure, this header included
 * @version: the version of the interface type this structure implements
 * @context: the provider's context, passed to the callbacks below and, by
 *	convention, as the first argument of the interface-specific functions
 * @interface_reference: take one more reference (before handing the
 *	interface on to another user)
 * @interface_dereference: drop a reference (when done with the interface)
 *
 * A provider embeds this header as the first member of its function table
 * and publishes it with ks_register_interface().  Its two callbacks count
 * references on the provider's own object behind @context; they may be
 * called in atomic context (never from a hard interrupt) and must not sleep.
 *
 * A consumer gets a copy from ks_query_interface() in which
 * @interface_reference and @interface_dereference are the core's: they
 * forward to the provider's callbacks and also keep the provider's module
 * loaded while the reference is held.  The consumer follows Windows' rule:
 * iface->interface_dereference(iface->context) when done, and
 * iface->interface_reference(iface->context) before passing it on.
 */
struct ks_interface {
	u16 size;
	u16 version;
	void *context;
	void (*interface_reference)(void *context);
	void (*interface_dereference)(void *context);
	/* interface-specific members follow */
};

/**
 * ks_register_interface() - publish an interface in the INTERFACE table
 * @type: the interface type
 * @iface: the function table, copied (it may be const or on the stack),
 *	published as version iface->version of @type
 * @owner: THIS_MODULE of the provider
 *
 * A provider publishes last in its init (nothing may fail after) and
 * unregisters every version in its exit.  May sleep.
 *
 * Return: 0; -EINVAL when iface->size < sizeof(struct ks_interface) or a
 * callback is NULL; -EEXIST when this (type, version) is already published;
 * -EBUSY when iface->context is already published by another module or
 * with other callbacks; -ENOMEM.
 */
int ks_register_interface(const guid_t *type, const struct ks_interface *iface,
			  struct module *owner);

/**
 * ks_unregister_interface() - withdraw a published interface
 * @type: the interface type
 * @version: the version to withdraw
 *
 * Once this returns no query finds it and no new reference is taken on its
 * context; references handed out before stay valid (and keep the owner
 * loaded) until dropped.  May sleep.
 */
void ks_unregister_interface(const guid_t *type, u16 version);

/**
 * ks_query_interface() - IRP_MN_QUERY_INTERFACE
 * @type: the interface type
 * @size: bytes of the caller's structure at @iface
 * @version: the highest version the caller understands
 * @iface: where the interface is copied
 * @interface_specific_data: Windows' InterfaceSpecificData; must be NULL
 *
 * Finds the highest published version of @type not above @version, copies
 * that structure's own size bytes into @iface (the rest of the caller's
 * @size bytes is left untouched; iface->version says which version was
 * found) and takes one reference on it.
 *
 * Published tables are plain data that no provider code sees at query
 * time, so there is nothing to hand @interface_specific_data to: it is
 * reserved and must be NULL, so that a port relying on it fails loudly
 * instead of silently getting a table that ignored it.  Does not sleep;
 * lock-free (RCU).
 *
 * Return: 0; -ENOENT when no provider publishes @type; -EPROTONOSUPPORT
 * when every published version is above @version; -EINVAL when @size is
 * smaller than the structure found or @interface_specific_data is not NULL.
 */
int ks_query_interface(const guid_t *type, u16 size, u16 version,
		       struct ks_interface *iface,
		       void *interface_specific_data);

/*
 * KS_INTERFACE_FILTER_FACTORY: the core's own filter API as an interface, so
 * that a companion module registers filters with ks_query_interface() as
 * its only link to ksfilter.
 */
#define KS_INTERFACE_FILTER_FACTORY GUID_INIT(0x3DEB4AEA, 0x896A, 0x4C25, \
	0x8C, 0x23, 0x2A, 0x00, 0x02, 0x4A, 0x7B, 0x63)
#define KS_FILTER_FACTORY_VERSION 5

/**
 * struct ks_filter_factory_interface - the filter API as an interface
 * @header: the INTERFACE header; @header.context is the first argument of
 *	every function below, as with Windows interface functions
 * @filter_register: ks_filter_register()
 * @filter_unregister: ks_filter_unregister()
 * @filter_context: ks_filter_context()
 * @pin_filter: ks_pin_filter()
 * @pin_id: ks_pin_id()
 * @pin_format: ks_pin_format()
 * @pin_state: ks_pin_state()
 * @pin_context: ks_pin_context()
 * @pin_set_context: ks_pin_set_context()
 * @pin_frame_size: ks_pin_frame_size() (version 2 on, as all below)
 * @queue_space: ks_pin_queue_space()
 * @queue_write: ks_pin_queue_write()
 * @queue_read: ks_pin_queue_read()
 * @queue_move: ks_pin_queue_move()
 * @queue_transform: ks_pin_queue_transform()
 * @queue_discard: ks_pin_queue_discard()
 * @queue_end_of_stream: ks_pin_queue_end_of_stream()
 * @pin_connected: ks_pin_connected()
 * @queue_produce: ks_pin_queue_produce() (version 3)
 * @node_control_value: ks_node_control_value() (version 4)
 * @node_control_set: ks_node_control_set() (version 4)
 * @node_event: ks_node_event() (version 5)
 *
 * Version 2 adds the queue helpers: the transport between connected pins
 * of different modules (docs/graphs.md).  Version 3 adds @queue_produce.
 * Version 4 adds @node_control_value and @node_control_set, and takes
 * descriptors with a topology (struct ks_filter_descriptor up to
 * @set_control).  Version 5 adds @node_event, and takes nodes with events
 * (struct ks_node_descriptor up to @events_count) and pins with WaveRT
 * (struct ks_pin_ops up to @wavert).  Versions 1 (the table up to
 * @pin_set_context, KS_FILTER_FACTORY_V1_SIZE bytes), 2 (up to
 * @pin_connected, KS_FILTER_FACTORY_V2_SIZE bytes), 3 (up to
 * @queue_produce, KS_FILTER_FACTORY_V3_SIZE bytes) and 4 (up to
 * @node_control_set, KS_FILTER_FACTORY_V4_SIZE bytes) are still
 * published; their @filter_register reads a pin's operations only up to
 * @close (KS_PIN_OPS_V4_SIZE bytes), that of 1 to 3 a descriptor only up
 * to @component_id (KS_FILTER_DESCRIPTOR_V3_SIZE bytes), and that of 4
 * its nodes only up to @controls_count (KS_NODE_DESCRIPTOR_V4_SIZE bytes
 * each), as they were when they were built.
 *
 * Query it with ks_query_interface(&type, sizeof(iface),
 * KS_FILTER_FACTORY_VERSION, &iface.header, NULL); the reference taken
 * keeps ksfilter loaded until header.interface_dereference() drops it.
 */
struct ks_filter_factory_interface {
	struct ks_interface header;
	struct ks_filter *(*filter_register)(void *context,
					     const struct ks_filter_descriptor *desc,
					     void *filter_context);
	void (*filter_unregister)(void *context, struct ks_filter *filter);
	void *(*filter_context)(void *context, const struct ks_filter *filter);
	struct ks_filter *(*pin_filter)(void *context, const struct ks_pin *pin);
	unsigned int (*pin_id)(void *context, const struct ks_pin *pin);
	const struct ks_dataformat *(*pin_format)(void *context,
						  const struct ks_pin *pin);
	unsigned int (*pin_state)(void *context, const struct ks_pin *pin);
	void *(*pin_context)(void *context, const struct ks_pin *pin);
	void (*pin_set_context)(void *context, struct ks_pin *pin,
				void *pin_context);
	u32 (*pin_frame_size)(void *context, struct ks_pin *pin);
	size_t (*queue_space)(void *context, struct ks_pin *pin);
	size_t (*queue_write)(void *context, struct ks_pin *pin,
			      const void *data, size_t len);
	size_t (*queue_read)(void *context, struct ks_pin *pin, void *data,
			     size_t len);
	size_t (*queue_move)(void *context, struct ks_pin *from,
			     struct ks_pin *to);
	size_t (*queue_transform)(void *context, struct ks_pin *from,
				  struct ks_pin *to,
				  void (*fn)(void *arg, void *dst,
					     const void *src, size_t len),
				  void *arg);
	size_t (*queue_discard)(void *context, struct ks_pin *pin);
	bool (*queue_end_of_stream)(void *context, struct ks_pin *pin);
	bool (*pin_connected)(void *context, struct ks_pin *pin);
	size_t (*queue_produce)(void *context, struct ks_pin *pin, size_t len,
				void (*fn)(void *arg, void *dst, size_t len),
				void *arg);
	__s32 (*node_control_value)(void *context, struct ks_filter *filter,
				    unsigned int node, __u32 id,
				    unsigned int channel);
	int (*node_control_set)(void *context, struct ks_filter *filter,
				unsigned int node, __u32 id,
				unsigned int channel, __s32 value);
	void (*node_event)(void *context, struct ks_filter *filter,
			   unsigned int node, const struct ks_guid *set,
			   __u32 id);
};

/* The size of version 1 of the filter-factory table, before the helpers. */
#define KS_FILTER_FACTORY_V1_SIZE \
	offsetof(struct ks_filter_factory_interface, pin_frame_size)
/* The size of version 2, before ks_pin_queue_produce(). */
#define KS_FILTER_FACTORY_V2_SIZE \
	offsetof(struct ks_filter_factory_interface, queue_produce)
/* The size of version 3, before ks_node_control_value(). */
#define KS_FILTER_FACTORY_V3_SIZE \
	offsetof(struct ks_filter_factory_interface, node_control_value)
/* The size of version 4, before ks_node_event(). */
#define KS_FILTER_FACTORY_V4_SIZE \
	offsetof(struct ks_filter_factory_interface, node_event)
/* A filter descriptor as versions 1 to 3 of the table know it. */
#define KS_FILTER_DESCRIPTOR_V3_SIZE \
	offsetof(struct ks_filter_descriptor, nodes)
/* A node descriptor as version 4 knows it: its size then, the stride. */
#define KS_NODE_DESCRIPTOR_V4_SIZE \
	offsetof(struct ks_node_descriptor, events)
/* A pin's operations as versions 1 to 4 know them, before @wavert. */
#define KS_PIN_OPS_V4_SIZE \
	offsetof(struct ks_pin_ops, wavert)

#endif /* __KERNEL__ */

#endif /* _LINUX_KSFILTER_H */
