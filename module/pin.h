/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the pin object and what the rest of the core may do with it.
 * Lifetime rules are at the top of pin.c, locks in filter.h.
 */
#ifndef _KS_PIN_H
#define _KS_PIN_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/ksfilter.h>

#include "queue.h"

struct file;
struct ks_filter;
struct ks_link;

/*
 * Bytes of a format kept in the pin itself: a WAVEFORMATEXTENSIBLE one
 * (KSDATAFORMAT, 64 bytes, and the structure, 40), the largest common
 * audio format.
 */
#define KS_PIN_FORMAT_INLINE	104

/**
 * struct ks_pin - a pin instance (one per pin fd)
 * @ref: the pin fd holds one; freed with the last
 * @filter: the filter, referenced
 * @desc: the pin type; only to be used with the filter entered
 * @id: the pin type's index
 * @dataflow: the pin type's, copied: the descriptor may go before the pin
 * @communication: the pin type's, copied likewise
 * @interface: KSPIN_CONNECT.Interface as created
 * @medium: KSPIN_CONNECT.Medium as created
 * @access: KS_GENERIC_READ and/or KS_GENERIC_WRITE, as created
 * @priority: KSPIN_CONNECT.Priority, as given or last set
 * @lock: protects @state, @closed, @priority and @format
 * @state: KSSTATE_*; written under @lock, read with READ_ONCE()
 * @closed: the provider has closed its side (on close or unregistration)
 * @format: the format as given: KSDATAFORMAT, format bytes, attributes
 * @format_bytes: size of @format
 * @context: the provider's, see ks_pin_set_context()
 * @node: in filter->pins
 * @wait: poll waiters and blocked reads and writes
 * @stream: the queue (queue.c)
 * @link: the pin's connection to a peer pin, or NULL (RCU, see link.c)
 * @was_connected: the pin took part in a connection (under link.c's lock)
 * @unlinked: its fd is being closed, or its filter unregistered: no
 *	connection may be reserved or published to it (under link.c's lock,
 *	or set without it while @was_connected is false: see link.c)
 * @unlinking: a connection of the pin is being torn down (under link.c's
 *	lock; read with READ_ONCE() by a close waiting for the teardown)
 * @first_format: @format as created, when it fits
 */
struct ks_pin {
	struct kref ref;
	struct ks_filter *filter;
	const struct ks_pin_descriptor *desc;
	unsigned int id;
	unsigned int dataflow;
	unsigned int communication;
	struct ks_identifier interface;
	struct ks_identifier medium;
	u32 access;
	struct ks_priority priority;
	struct mutex lock;	/* state, closed, priority, format */
	unsigned int state;
	bool closed;
	struct ks_dataformat *format;
	u32 format_bytes;
	void *context;
	struct list_head node;
	wait_queue_head_t wait;
	struct ks_stream stream;
	struct ks_link __rcu *link;
	bool was_connected;
	bool unlinked;
	bool unlinking;
	u64 first_format[KS_PIN_FORMAT_INLINE / sizeof(u64)];
};

struct ks_connect_check;

/* The pins' slab cache, from module init to exit. */
int ks_pin_init(void);
void ks_pin_uninit(void);

/*
 * A new pin of the pin type @check found, connected as @connect asks (its
 * format follows it) with @access, in KSSTATE_STOP, not yet known to its
 * provider or its filter; one reference.  ERR_PTR(-ENOMEM).
 */
struct ks_pin *ks_pin_new(struct ks_filter *filter,
			  const struct ks_connect_check *check,
			  const struct ks_pin_connect *connect, u32 access);

/*
 * Into / out of the filter's pin list (ks_filter_kill() walks it), in one
 * round trip of filter->lock each.  In is row 13 for a new pin: its
 * instance and its fd reserved (ks_filter_reserve_pin_locked()), -EBUSY
 * or -ENODEV; the filter entered, which keeps unregistration from
 * walking the list before the pin is built.  Out is the fd's release, or
 * a creation that failed after ks_pin_add(): the fd, and with @instance
 * the instance, given back (ks_filter_release_pin_locked()).
 */
int ks_pin_add(struct ks_pin *pin);
void ks_pin_remove(struct ks_pin *pin, bool instance);

/*
 * Hand the pin back to the provider: STOP through PAUSE and ACQUIRE, then
 * close.  Runs once, on whichever comes first of the fd's release and the
 * filter's unregistration: true if this call did it, and the pin's
 * instance is then the caller's to give back.  ks_pin_shutdown() gives it
 * back at once.
 */
bool ks_pin_hand_back(struct ks_pin *pin);
void ks_pin_shutdown(struct ks_pin *pin);

/*
 * Unregistration: step the pin down to STOP and close it on the provider's
 * side now, since the provider may not be called later.  The fd lives on.
 */
void ks_pin_detach(struct ks_pin *pin);

/*
 * KSPROPERTY_CONNECTION_STATE set: step to @to (KSSTATE_*) one state at a
 * time, the provider told of each step.  A step it refuses leaves the pin in
 * the last state reached and returns its error.  Filter entered.
 */
int ks_pin_set_state(struct ks_pin *pin, unsigned int to);

/*
 * KSPROPERTY_CONNECTION_DATAFORMAT set: keep a copy of the checked @format
 * (@bytes, attribute list included) instead of the current one.  -EBUSY
 * unless the pin is in KSSTATE_STOP.  Filter entered.
 */
int ks_pin_replace_format(struct ks_pin *pin,
			  const struct ks_dataformat *format, u32 bytes);

/*
 * Row 12's last part: the provider's accept_format, if it has one, on a
 * format that one of pin type @pin_id's ranges matched.  0 or -EDOM.
 * Filter entered.
 */
int ks_pin_accept_format(struct ks_filter *filter, unsigned int pin_id,
			 const struct ks_dataformat *format);

/* Tell the provider there is data or room (process()); filter entered. */
void ks_pin_process(struct ks_pin *pin);

void ks_pin_get(struct ks_pin *pin);
void ks_pin_put(struct ks_pin *pin);

/* "STOP", "ACQUIRE", "PAUSE" or "RUN". */
const char *ks_pin_state_name(unsigned int state);

#endif /* _KS_PIN_H */
