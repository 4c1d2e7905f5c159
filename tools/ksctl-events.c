// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl events: create a pin, enable KS events on it, each signalled
 * through an eventfd of its own (KS_IOCTL_ENABLE_EVENT), set it to RUN and
 * tell each signal as it comes: the end of the stream, a discontinuity,
 * the device's position passing an offset of the pin's buffer.
 *
 * The stream has to move for anything to happen: what an OUT pin gives is
 * read and thrown away; an IN pin is given silence at the format's rate
 * and, when the time is up, an ENDOFSTREAM mark, so that its end is seen
 * too.  Every event's KSEVENTDATA stays in struct events_opts, at the
 * address the module knows it by, until the events are disabled.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "ksctl.h"

#define EVENTS_MAX	32	/* at once; the module takes 64 a pin fd */
#define POLL_MS		250	/* how often the loop looks at the clock */
#define PACE_MS		10	/* an IN pin's silence, written this often */
#define AHEAD_MS	50	/* and this far ahead of the clock */
#define GRACE_MS	2000	/* for an IN pin's end of stream to be taken */
#define CHUNK_BYTES	(64 * 1024)

enum evt_kind { EVT_EOS, EVT_DISCONTINUITY, EVT_POSITION };

static const struct evt_type {
	const char *name;
	struct ks_guid set;
	uint32_t id;
	uint32_t size;		/* the KSEVENTDATA and the event's data */
} evt_types[] = {
	[EVT_EOS] = {
		"ENDOFSTREAM", KSEVENTSETID_CONNECTION,
		KSEVENT_CONNECTION_ENDOFSTREAM, sizeof(struct ks_event_data),
	},
	[EVT_DISCONTINUITY] = {
		"DATADISCONTINUITY", KSEVENTSETID_CONNECTION,
		KSEVENT_CONNECTION_DATADISCONTINUITY,
		sizeof(struct ks_event_data),
	},
	[EVT_POSITION] = {
		"POSITION", KSEVENTSETID_LOOPEDSTREAMING,
		KSEVENT_LOOPEDSTREAMING_POSITION,
		sizeof(struct ks_loopedstreaming_position_event_data),
	},
};

/* An event asked for, and once enabled its eventfd and KSEVENTDATA. */
struct evt {
	enum evt_kind kind;
	uint64_t position;
	int efd;
	bool enabled;
	struct ks_loopedstreaming_position_event_data data;
};

struct events_opts {
	const char *device;
	char path[64];
	uint32_t pin;
	bool have_pin;
	struct ks_audio_params format;
	bool oneshot;
	bool json;
	double seconds;
	unsigned int count;
	struct evt evts[EVENTS_MAX];
};

/* A pin running, and what happened to it. */
struct events_run {
	struct events_opts *o;
	int pin_fd;
	uint32_t pin;
	uint32_t dataflow;
	uint32_t frame;		/* bytes */
	double byte_rate;
	uint32_t buffer;	/* the pin's buffer, 0 if unknown */
	uint8_t *buf;
	double start;
	uint64_t bytes;		/* read from or written to the pin */
	uint64_t signals;
	bool ending;		/* an IN pin's time is up: its end is sent */
	bool eos_sent;
	bool eos_seen;
	double end_at;		/* when ending began */
	const char *end;	/* why the loop stopped */
	struct json j;
};

static const struct ks_audio_params default_format = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

static void events_usage(FILE *out)
{
	fprintf(out,
		"usage: %s events FILTER [--pin N] [--format FORMAT] [--eos]\n"
		"              [--discontinuity] [--position OFFSET]... [--oneshot]\n"
		"              [--seconds S] [--json]\n"
		"Create pin N (default: the filter's first pin type a client can create)\n"
		"with FORMAT (default pcm:48000:2:16), enable the chosen events on it,\n"
		"each with an eventfd of its own, set it to RUN and print a line for each\n"
		"signal as it comes: the time since RUN, the event and the eventfd's\n"
		"count.  --eos: Connection ENDOFSTREAM; --discontinuity: Connection\n"
		"DATADISCONTINUITY; --position OFFSET: LoopedStreaming POSITION at byte\n"
		"OFFSET of the pin's buffer (repeatable).  Without any of them, all three\n"
		"with position 0.  --oneshot enables them ONESHOT: each is signalled once.\n"
		"An OUT pin is read (and the data thrown away) for S seconds (default 5)\n"
		"or until the end of its stream; an IN pin is given silence for S seconds,\n"
		"then ENDOFSTREAM, and watched until that end is taken (at most 2 s more).\n"
		"--json prints one JSON document, its signals as they come.\n",
		ksctl_prog);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- options ---- */

static int add_event(struct events_opts *o, enum evt_kind kind,
		     uint64_t position)
{
	if (o->count == EVENTS_MAX) {
		fprintf(stderr, "%s events: at most %d events at once\n",
			ksctl_prog, EVENTS_MAX);
		return -1;
	}
	o->evts[o->count++] = (struct evt){
		.kind = kind, .position = position, .efd = -1,
	};
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static int parse_option(struct events_opts *o, int c, const char *arg)
{
	uint64_t v;
	char *end;

	switch (c) {
	case 'p':
		if (parse_u64(arg, &v) || v > UINT32_MAX) {
			fprintf(stderr, "%s events: bad pin id '%s'\n",
				ksctl_prog, arg);
			return -1;
		}
		o->pin = v;
		o->have_pin = true;
		return 0;
	case 'f':
		if (ks_parse_format(arg, &o->format) < 0 ||
		    ksctl_tone_check(&o->format) < 0) {
			fprintf(stderr,
				"%s events: bad format '%s': expected TYPE:RATE:CHANNELS:BITS with whole-byte samples, e.g. pcm:48000:2:16\n",
				ksctl_prog, arg);
			return -1;
		}
		return 0;
	case 'e':
		return add_event(o, EVT_EOS, 0);
	case 'd':
		return add_event(o, EVT_DISCONTINUITY, 0);
	case 'P':
		if (parse_u64(arg, &v)) {
			fprintf(stderr,
				"%s events: bad position '%s': a byte offset in the pin's buffer\n",
				ksctl_prog, arg);
			return -1;
		}
		return add_event(o, EVT_POSITION, v);
	case 'o':
		o->oneshot = true;
		return 0;
	case 's':
		errno = 0;
		o->seconds = strtod(arg, &end);
		if (errno || end == arg || *end || !(o->seconds > 0) ||
		    o->seconds > 86400) {
			fprintf(stderr, "%s events: bad seconds '%s'\n",
				ksctl_prog, arg);
			return -1;
		}
		return 0;
	case 'j':
		o->json = true;
		return 0;
	}
	return -1;
}

static int parse_args(int argc, char **argv, struct events_opts *o)
{
	static const struct option opts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "eos", no_argument, NULL, 'e' },
		{ "discontinuity", no_argument, NULL, 'd' },
		{ "position", required_argument, NULL, 'P' },
		{ "oneshot", no_argument, NULL, 'o' },
		{ "seconds", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:f:s:jh", opts, NULL)) != -1) {
		if (c == 'h') {
			events_usage(stdout);
			exit(KSCTL_OK);
		}
		if (c == '?' || parse_option(o, c, optarg))
			return -1;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "%s events: need one FILTER\n", ksctl_prog);
		return -1;
	}
	o->device = argv[optind];
	if (!o->count) {
		add_event(o, EVT_EOS, 0);
		add_event(o, EVT_DISCONTINUITY, 0);
		add_event(o, EVT_POSITION, 0);
	}
	return 0;
}

/* ---- the pin ---- */

static int open_filter(struct events_opts *o)
{
	return ksctl_open_filter_arg("events", o->device, o->path,
				     sizeof(o->path));
}

/* The pin, created in STOP, and what the run needs to know of it. */
static int create_pin(struct events_run *r, int filter_fd)
{
	struct events_opts *o = r->o;
	struct ks_stream_buffer sb;
	int pin = o->have_pin ? (int)o->pin : ksctl_default_pin(filter_fd);

	if (pin < 0) {
		fprintf(stderr, "%s events: %s has no pin type a client can create alone; pass --pin\n",
			ksctl_prog, o->path);
		return -1;
	}
	if (ks_pin_dataflow(filter_fd, pin, &r->dataflow) < 0) {
		fprintf(stderr, "%s events: cannot ask the dataflow of %s pin %d: %s\n",
			ksctl_prog, o->path, pin, strerror(errno));
		return -1;
	}
	r->pin_fd = ksctl_open_pin("events", o->path, filter_fd, pin,
				   r->dataflow, &o->format, &r->pin);
	if (r->pin_fd < 0)
		return -1;
	/* Never block: the eventfds are waited for in the same poll(2). */
	fcntl(r->pin_fd, F_SETFL, fcntl(r->pin_fd, F_GETFL) | O_NONBLOCK);
	r->frame = o->format.channels * (uint32_t)o->format.bits / 8;
	r->byte_rate = (double)r->frame * o->format.rate;
	if (ks_pin_get_buffer(r->pin_fd, &sb) == 0)
		r->buffer = sb.size;
	return 0;
}

/* "POSITION 4096", or the event's name. */
static const char *evt_label(const struct evt *e, char *buf, size_t size)
{
	if (e->kind != EVT_POSITION)
		return evt_types[e->kind].name;
	snprintf(buf, size, "%s %llu", evt_types[e->kind].name,
		 (unsigned long long)e->position);
	return buf;
}

static void enable_failed(const struct events_run *r, const struct evt *e,
			  int err)
{
	char label[48];

	fprintf(stderr, "%s events: cannot enable %s on %s pin %u: %s\n",
		ksctl_prog, evt_label(e, label, sizeof(label)), r->o->path,
		r->pin, strerror(err));
	if (err == ENOTTY)
		fprintf(stderr, "  this ksfilter module has no events (they came with ABI 1.3: see '%s version')\n",
			ksctl_prog);
	else if (err == ENOENT)
		fprintf(stderr, "  the pin does not offer this event\n");
	else if (err == EINVAL && e->kind == EVT_POSITION)
		fprintf(stderr, "  is the position inside the pin's buffer?\n");
}

static int enable_one(struct events_run *r, struct evt *e)
{
	const struct evt_type *t = &evt_types[e->kind];
	int ret;

	if (e->kind == EVT_POSITION && r->buffer && e->position >= r->buffer) {
		fprintf(stderr, "%s events: position %llu is beyond %s pin %u's buffer of %u bytes: give 0 to %u\n",
			ksctl_prog, (unsigned long long)e->position,
			r->o->path, r->pin, r->buffer, r->buffer - 1);
		return -1;
	}
	e->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->efd < 0) {
		fprintf(stderr, "%s events: no eventfd: %s\n", ksctl_prog,
			strerror(errno));
		return -1;
	}
	ks_event_init(&e->data.event_data, e->efd);
	e->data.position = e->position;
	ret = ks_enable_event(r->pin_fd, &t->set, t->id,
			      r->o->oneshot ? KSEVENT_TYPE_ONESHOT :
			      KSEVENT_TYPE_ENABLE, &e->data, t->size);
	if (ret < 0) {
		enable_failed(r, e, -ret);
		return -1;
	}
	e->enabled = true;
	return 0;
}

/* ---- what is printed ---- */

static const char *dataflow_str(uint32_t dataflow)
{
	return dataflow == KSPIN_DATAFLOW_IN ? "in" : "out";
}

static void print_start(struct events_run *r)
{
	struct events_opts *o = r->o;
	char fmt[64], label[48];
	unsigned int i;

	ks_format_params_str(&o->format, fmt, sizeof(fmt));
	if (!o->json) {
		printf("%s pin %u (%s, %s, buffer %u bytes) in RUN for %g s:",
		       o->path, r->pin, dataflow_str(r->dataflow), fmt,
		       r->buffer, o->seconds);
		for (i = 0; i < o->count; i++)
			printf("%s %s", i ? "," : "",
			       evt_label(&o->evts[i], label, sizeof(label)));
		printf("%s\n%9s  %-24s %s\n", o->oneshot ? " (oneshot)" : "",
		       "time", "event", "count");
		fflush(stdout);
		return;
	}
	json_begin(&r->j, stdout);
	json_open(&r->j, NULL, '{');
	json_str(&r->j, "device", o->path);
	json_uint(&r->j, "pin", r->pin);
	json_str(&r->j, "dataflow", dataflow_str(r->dataflow));
	json_str(&r->j, "format", fmt);
	json_uint(&r->j, "buffer", r->buffer);
	json_bool(&r->j, "oneshot", o->oneshot);
	json_open(&r->j, "enabled", '[');
	for (i = 0; i < o->count; i++) {
		json_open(&r->j, NULL, '{');
		json_str(&r->j, "event", evt_types[o->evts[i].kind].name);
		if (o->evts[i].kind == EVT_POSITION)
			json_uint(&r->j, "position", o->evts[i].position);
		json_close(&r->j, '}');
	}
	json_close(&r->j, ']');
	json_open(&r->j, "signals", '[');
	fflush(stdout);
}

static void print_signal(struct events_run *r, const struct evt *e,
			 double t, uint64_t count)
{
	char label[48];

	if (!r->o->json) {
		printf("%9.3f  %-24s %llu\n", t,
		       evt_label(e, label, sizeof(label)),
		       (unsigned long long)count);
	} else {
		json_open(&r->j, NULL, '{');
		json_fixed(&r->j, "time", t, 3);
		json_str(&r->j, "event", evt_types[e->kind].name);
		if (e->kind == EVT_POSITION)
			json_uint(&r->j, "position", e->position);
		json_uint(&r->j, "count", count);
		json_close(&r->j, '}');
	}
	fflush(stdout);
}

static void print_end(struct events_run *r, double elapsed)
{
	const char *what = r->dataflow == KSPIN_DATAFLOW_IN ? "written" : "read";

	if (r->o->json) {
		json_close(&r->j, ']');
		json_str(&r->j, "end", r->end);
		json_fixed(&r->j, "elapsed", elapsed, 3);
		json_uint(&r->j, "bytes", r->bytes);
		json_close(&r->j, '}');
		json_end(&r->j);
		fflush(stdout);
	}
	fprintf(stderr, "%s events: %llu signals in %.2f s, %llu bytes %s, %s\n",
		ksctl_prog, (unsigned long long)r->signals, elapsed,
		(unsigned long long)r->bytes, what, r->end);
}

/* ---- the run ---- */

/* Read each eventfd that has a count (all of them with @all) and tell it. */
static void take_signals(struct events_run *r, const struct pollfd *pfd,
			 bool all)
{
	struct events_opts *o = r->o;
	double t = now_s() - r->start;
	unsigned int i;
	uint64_t count;

	for (i = 0; i < o->count; i++) {
		struct evt *e = &o->evts[i];

		if (!e->enabled || (!all && !(pfd[i].revents & POLLIN)))
			continue;
		if (read(e->efd, &count, sizeof(count)) != sizeof(count))
			continue;
		r->signals += count;
		if (e->kind == EVT_EOS)
			r->eos_seen = true;
		print_signal(r, e, t, count);
	}
}

/* An OUT pin: read what it has and throw it away.  false at the end. */
static bool drain_pin(struct events_run *r)
{
	ssize_t n = read(r->pin_fd, r->buf, CHUNK_BYTES);

	if (n > 0) {
		r->bytes += n;
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n < 0) {
		fprintf(stderr, "%s events: read from the pin failed: %s\n",
			ksctl_prog, strerror(errno));
		r->end = "read error";
	} else {
		r->end = "end of stream";
	}
	return false;
}

/* The bytes of silence an IN pin is due by now, whole frames; S s at most. */
static uint64_t silence_due(const struct events_run *r, double t)
{
	double due = (t - r->start + AHEAD_MS / 1000.0) * r->byte_rate;

	if (due > r->o->seconds * r->byte_rate)
		due = r->o->seconds * r->byte_rate;
	return (uint64_t)due / r->frame * r->frame;
}

/* An IN pin: silence up to what is due.  false on an error. */
static bool feed_pin(struct events_run *r, double t)
{
	uint64_t due = silence_due(r, t);
	size_t len = CHUNK_BYTES / r->frame * r->frame;
	ssize_t n;

	if (r->bytes >= due)
		return true;
	if (due - r->bytes < len)
		len = due - r->bytes;
	n = write(r->pin_fd, r->buf, len);
	if (n > 0) {
		r->bytes += n;
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	fprintf(stderr, "%s events: write to the pin failed: %s\n", ksctl_prog,
		n < 0 ? strerror(errno) : "nothing written");
	r->end = "write error";
	return false;
}

/* Whether an IN pin has handed on all it was given (POSITION offsets). */
static bool pin_drained(int pin_fd)
{
	static const struct ks_guid set = KSPROPSETID_KSFILTER_STREAM;
	struct ks_audio_position pos;

	if (ks_property(pin_fd, &set, KSPROPERTY_KSFILTER_STREAM_POSITION,
			KSPROPERTY_TYPE_GET, NULL, 0, &pos, sizeof(pos),
			NULL) < 0)
		return true;
	return pos.play_offset >= pos.write_offset;
}

static bool eos_enabled(const struct events_opts *o)
{
	unsigned int i;

	for (i = 0; i < o->count; i++)
		if (o->evts[i].kind == EVT_EOS)
			return true;
	return false;
}

/*
 * An IN pin whose time is up: send the end (again on EAGAIN); done once
 * the end was signalled, or without that event when all was taken, or
 * after GRACE_MS.
 */
static bool ending_done(struct events_run *r, double t)
{
	int ret;

	if (!r->eos_sent) {
		ret = ksctl_end_of_stream(r->pin_fd);
		if (ret == 0) {
			r->eos_sent = true;
		} else if (ret != -EAGAIN && ret != -EINTR) {
			fprintf(stderr, "%s events: cannot end the stream: %s\n",
				ksctl_prog, strerror(-ret));
			r->end = "error ending the stream";
			return true;
		}
	}
	if (r->eos_sent && (r->eos_seen ||
			    (!eos_enabled(r->o) && pin_drained(r->pin_fd)))) {
		r->end = "end of stream";
		return true;
	}
	if (t - r->end_at >= GRACE_MS / 1000.0) {
		r->end = r->eos_sent ? "time up; the end of stream was not taken" :
			 "time up; the end of stream could not be sent";
		return true;
	}
	return false;
}

/* poll(2)'s timeout: the next thing to do, at most POLL_MS away. */
static int wait_ms(const struct events_run *r, double t)
{
	double left = r->start + r->o->seconds - t;
	int ms = POLL_MS;

	if (r->dataflow == KSPIN_DATAFLOW_IN)
		ms = PACE_MS;
	/* Past the time, an IN pin may still be taking its last silence. */
	if (!r->ending && left * 1000 < ms)
		ms = left > 0 ? (int)(left * 1000) + 1 :
		     r->dataflow == KSPIN_DATAFLOW_IN ? PACE_MS : 0;
	return ms;
}

static void run(struct events_run *r)
{
	struct events_opts *o = r->o;
	struct pollfd pfd[EVENTS_MAX + 1];
	bool in = r->dataflow == KSPIN_DATAFLOW_IN;
	unsigned int i;
	double t;

	for (i = 0; i < o->count; i++)
		pfd[i] = (struct pollfd){ .fd = o->evts[i].efd, .events = POLLIN };
	pfd[o->count] = (struct pollfd){
		.fd = r->pin_fd, .events = in ? POLLOUT : POLLIN,
	};
	r->end = "time up";
	while (!ksctl_stop_requested) {
		t = now_s();
		/* An IN pin's end follows its S seconds of silence, all of it. */
		if (!r->ending && t - r->start >= o->seconds &&
		    (!in || r->bytes >= silence_due(r, t) ||
		     t - r->start >= o->seconds + GRACE_MS / 1000.0)) {
			if (!in)
				break;
			r->ending = true;
			r->end_at = t;
		}
		if (r->ending && ending_done(r, t))
			break;
		/* An IN pin's fd is waited for only while silence is due. */
		pfd[o->count].fd = !in || (!r->ending &&
				   r->bytes < silence_due(r, t)) ? r->pin_fd : -1;
		if (poll(pfd, o->count + 1, wait_ms(r, t)) < 0) {
			if (errno == EINTR)
				continue;
			r->end = "poll error";
			break;
		}
		take_signals(r, pfd, false);
		if (!in && (pfd[o->count].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !drain_pin(r))
			break;
		if (in && !r->ending && !feed_pin(r, now_s()))
			break;
	}
	if (ksctl_stop_requested)
		r->end = "stopped by a signal";
	/* What came with the end (an OUT pin's ENDOFSTREAM, with its read). */
	take_signals(r, pfd, true);
}

static void disable_all(struct events_run *r)
{
	struct events_opts *o = r->o;
	unsigned int i;

	if (r->pin_fd >= 0)
		ks_disable_event(r->pin_fd, NULL);
	for (i = 0; i < o->count; i++) {
		if (o->evts[i].efd >= 0)
			close(o->evts[i].efd);
		o->evts[i].efd = -1;
		o->evts[i].enabled = false;
	}
}

int ksctl_events(int argc, char **argv)
{
	struct events_opts o = { .format = default_format, .seconds = 5 };
	struct events_run r = { .o = &o, .pin_fd = -1 };
	int filter_fd, ret = KSCTL_REFUSED;
	unsigned int i;

	if (parse_args(argc, argv, &o)) {
		events_usage(stderr);
		return KSCTL_USAGE;
	}
	filter_fd = open_filter(&o);
	if (filter_fd < 0)
		return KSCTL_REFUSED;
	r.buf = calloc(1, CHUNK_BYTES);
	if (!r.buf || create_pin(&r, filter_fd))
		goto out;
	/* Silence: unsigned 8-bit PCM's is its middle. */
	if (o.format.type == KS_SAMPLE_PCM && o.format.bits == 8)
		memset(r.buf, 0x80, CHUNK_BYTES);
	for (i = 0; i < o.count; i++)
		if (enable_one(&r, &o.evts[i]))
			goto out;
	ksctl_catch_stop_signals();
	if (ksctl_set_state("events", r.pin_fd, KSSTATE_RUN) < 0)
		goto out;
	r.start = now_s();
	print_start(&r);
	run(&r);
	print_end(&r, now_s() - r.start);
	ksctl_set_state("events", r.pin_fd, KSSTATE_STOP);
	ret = strstr(r.end, "error") ? KSCTL_REFUSED : KSCTL_OK;
out:
	disable_all(&r);
	if (r.pin_fd >= 0)
		close(r.pin_fd);
	close(filter_fd);
	free(r.buf);
	return ret;
}
