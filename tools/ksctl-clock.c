// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl clock: create a pin, a clock on it (KS_IOCTL_CREATE_CLOCK, Windows'
 * KsCreateClock) and print what KSPROPSETID_Clock says on the clock fd:
 * its resolution, state, stream time, physical time and correlated time;
 * with --run, the same at the start and at the end of a run of the pin.
 *
 * The stream time follows the bytes the pin's device moves, so the pin is
 * kept moving as `ksctl events` does: an OUT pin is read and the data
 * thrown away, an IN pin is given silence at the format's rate.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ksctl.h"

#define CHUNK_BYTES	(64 * 1024)
#define PACE_MS		10	/* an IN pin's silence, written this often */
#define AHEAD_MS	50	/* and this far ahead of the clock */
#define RUN_MAX_MS	3600000

static const struct ks_audio_params default_format = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

struct clock_opts {
	const char *device;
	char path[64];
	uint32_t pin;
	bool have_pin;
	struct ks_audio_params format;
	uint32_t run_ms;	/* 0: no run */
	bool json;
};

/* What the clock says at one moment. */
struct clock_reading {
	const char *when;
	uint32_t state;
	int64_t time;
	int64_t physical;
	struct ks_correlated_time correlated;
};

static void clock_usage(FILE *out)
{
	fprintf(out,
		"usage: %s clock FILTER [--pin N] [--format FORMAT] [--run MS] [--json]\n"
		"Create pin N (default: the filter's first pin type a client can create)\n"
		"with FORMAT (default pcm:48000:2:16), create a clock on it\n"
		"(KS_IOCTL_CREATE_CLOCK) and print KSPROPSETID_Clock on the clock fd:\n"
		"RESOLUTION, then STATE, TIME, PHYSICALTIME and CORRELATEDTIME in STOP.\n"
		"Times are in 100 ns units.  --run MS sets the pin to RUN for MS\n"
		"milliseconds, reading an OUT pin (and throwing the data away) or giving\n"
		"an IN pin silence at the format's rate, and prints the readings at the\n"
		"start and the end of the run.  --json prints one JSON object.\n",
		ksctl_prog);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_args(int argc, char **argv, struct clock_opts *o)
{
	static const struct option opts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "run", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "p:f:r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || *optarg == '-' ||
			    v > UINT32_MAX) {
				fprintf(stderr, "%s clock: bad pin id '%s'\n",
					ksctl_prog, optarg);
				return -1;
			}
			o->pin = v;
			o->have_pin = true;
			break;
		case 'f':
			if (ks_parse_format(optarg, &o->format) < 0 ||
			    ksctl_tone_check(&o->format) < 0) {
				fprintf(stderr,
					"%s clock: bad format '%s': expected TYPE:RATE:CHANNELS:BITS with whole-byte samples, e.g. pcm:48000:2:16\n",
					ksctl_prog, optarg);
				return -1;
			}
			break;
		case 'r':
			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || *optarg == '-' ||
			    !v || v > RUN_MAX_MS) {
				fprintf(stderr, "%s clock: bad run '%s': milliseconds, 1 to %d\n",
					ksctl_prog, optarg, RUN_MAX_MS);
				return -1;
			}
			o->run_ms = v;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			clock_usage(stdout);
			exit(KSCTL_OK);
		default:
			return -1;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "%s clock: need one FILTER\n", ksctl_prog);
		return -1;
	}
	o->device = argv[optind];
	return 0;
}

/* ---- the pin and its clock ---- */

static int open_filter(struct clock_opts *o)
{
	return ksctl_open_filter_arg("clock", o->device, o->path,
				     sizeof(o->path));
}

static int create_clock(int pin_fd, const char *path, uint32_t pin)
{
	struct ks_create_clock req = { .flags = O_CLOEXEC };
	int fd = ioctl(pin_fd, KS_IOCTL_CREATE_CLOCK, &req);

	if (fd >= 0)
		return fd;
	fprintf(stderr, "%s clock: %s pin %u refused a clock: %s\n", ksctl_prog,
		path, pin, strerror(errno));
	if (errno == ENOTTY)
		fprintf(stderr, "  this ksfilter module has no clocks (they came with ABI 1.3: see '%s version')\n",
			ksctl_prog);
	else if (errno == EOPNOTSUPP)
		fprintf(stderr, "  the pin's format has no byte rate (not a WAVEFORMATEX)\n");
	return -1;
}

/* A KSPROPSETID_Clock GET of exactly @size bytes; 0 or -errno. */
static int clock_get(int clock_fd, uint32_t id, void *out, uint32_t size)
{
	static const struct ks_guid set = KSPROPSETID_CLOCK;
	uint32_t got = 0;
	int ret;

	ret = ks_property(clock_fd, &set, id, KSPROPERTY_TYPE_GET, NULL, 0,
			  out, size, &got);
	if (ret == 0 && got != size)
		ret = -EPROTO;
	return ret;
}

static const char *const prop_names[] = {
	"TIME", "PHYSICALTIME", "CORRELATEDTIME", "CORRELATEDPHYSICALTIME",
	"RESOLUTION", "STATE",
};

static int clock_read(int clock_fd, const char *when, struct clock_reading *r)
{
	int ret;

	r->when = when;
	ret = clock_get(clock_fd, KSPROPERTY_CLOCK_STATE, &r->state,
			sizeof(r->state));
	if (!ret)
		ret = clock_get(clock_fd, KSPROPERTY_CLOCK_TIME, &r->time,
				sizeof(r->time));
	if (!ret)
		ret = clock_get(clock_fd, KSPROPERTY_CLOCK_PHYSICALTIME,
				&r->physical, sizeof(r->physical));
	if (!ret)
		ret = clock_get(clock_fd, KSPROPERTY_CLOCK_CORRELATEDTIME,
				&r->correlated, sizeof(r->correlated));
	if (ret)
		fprintf(stderr, "%s clock: cannot read the clock (%s): %s\n",
			ksctl_prog, when, strerror(-ret));
	return ret;
}

/* ---- printing ---- */

static const char *state_str(uint32_t state)
{
	static const char *const names[] = { "STOP", "ACQUIRE", "PAUSE", "RUN" };

	return state < 4 ? names[state] : "?";
}

static void print_reading(const struct clock_reading *r, struct json *j,
			  bool json)
{
	if (!json) {
		printf("%-6s state %-7s time %lld (%.6f s)  physicaltime %lld  correlatedtime %lld at %lld\n",
		       r->when, state_str(r->state), (long long)r->time,
		       r->time / 1e7, (long long)r->physical,
		       (long long)r->correlated.time,
		       (long long)r->correlated.system_time);
		return;
	}
	json_open(j, NULL, '{');
	json_str(j, "when", r->when);
	json_str(j, "state", state_str(r->state));
	json_int(j, "time", r->time);
	json_int(j, "physicaltime", r->physical);
	json_open(j, "correlatedtime", '{');
	json_int(j, "time", r->correlated.time);
	json_int(j, "system_time", r->correlated.system_time);
	json_close(j, '}');
	json_close(j, '}');
}

/* ---- the run ---- */

struct clock_run {
	int pin_fd;
	bool in;
	uint32_t frame;
	double byte_rate;
	uint8_t *buf;
	uint64_t bytes;		/* written to or read from the pin */
	int err;
};

/* One step: silence due by @t into an IN pin, or what an OUT pin has. */
static void run_step(struct clock_run *r, double start, double t)
{
	struct pollfd p = {
		.fd = r->pin_fd, .events = r->in ? POLLOUT : POLLIN,
	};
	size_t len = CHUNK_BYTES / r->frame * r->frame;
	uint64_t due;
	ssize_t n;

	if (r->in) {
		due = (uint64_t)((t - start + AHEAD_MS / 1000.0) * r->byte_rate);
		due = due / r->frame * r->frame;
		if (r->bytes >= due) {
			poll(NULL, 0, PACE_MS);
			return;
		}
		if (due - r->bytes < len)
			len = due - r->bytes;
	}
	if (poll(&p, 1, PACE_MS) <= 0)
		return;
	n = r->in ? write(r->pin_fd, r->buf, len) :
		    read(r->pin_fd, r->buf, len);
	if (n > 0)
		r->bytes += n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		r->err = errno;
}

static int run_pin(struct clock_run *r, uint32_t ms)
{
	double start = now_s(), end = start + ms / 1000.0, t;

	while (!ksctl_stop_requested && !r->err && (t = now_s()) < end)
		run_step(r, start, t);
	if (r->err)
		fprintf(stderr, "%s clock: %s the pin failed: %s\n", ksctl_prog,
			r->in ? "writing to" : "reading from", strerror(r->err));
	return r->err ? -1 : 0;
}

int ksctl_clock(int argc, char **argv)
{
	struct clock_opts o = { .format = default_format };
	struct clock_run r = { .pin_fd = -1 };
	struct clock_reading rd[3];
	struct ks_resolution res;
	int filter_fd, clock_fd = -1, ret = KSCTL_REFUSED, pin, n = 0, i, e;
	uint32_t dataflow, pin_id;
	struct json j;
	char fmt[64];

	if (parse_args(argc, argv, &o)) {
		clock_usage(stderr);
		return KSCTL_USAGE;
	}
	filter_fd = open_filter(&o);
	if (filter_fd < 0)
		return KSCTL_REFUSED;
	pin = o.have_pin ? (int)o.pin : ksctl_default_pin(filter_fd);
	if (pin < 0) {
		fprintf(stderr, "%s clock: %s has no pin type a client can create alone; pass --pin\n",
			ksctl_prog, o.path);
		goto out;
	}
	if (ks_pin_dataflow(filter_fd, pin, &dataflow) < 0) {
		fprintf(stderr, "%s clock: cannot ask the dataflow of %s pin %d: %s\n",
			ksctl_prog, o.path, pin, strerror(errno));
		goto out;
	}
	r.pin_fd = ksctl_open_pin("clock", o.path, filter_fd, pin, dataflow,
				  &o.format, &pin_id);
	if (r.pin_fd < 0)
		goto out;
	fcntl(r.pin_fd, F_SETFL, fcntl(r.pin_fd, F_GETFL) | O_NONBLOCK);
	clock_fd = create_clock(r.pin_fd, o.path, pin_id);
	if (clock_fd < 0)
		goto out;
	e = clock_get(clock_fd, KSPROPERTY_CLOCK_RESOLUTION, &res, sizeof(res));
	if (e < 0) {
		fprintf(stderr, "%s clock: cannot read %s: %s\n", ksctl_prog,
			prop_names[KSPROPERTY_CLOCK_RESOLUTION], strerror(-e));
		goto out;
	}
	if (clock_read(clock_fd, "stop", &rd[n++]))
		goto out;
	if (o.run_ms) {
		r.in = dataflow == KSPIN_DATAFLOW_IN;
		r.frame = o.format.channels * (uint32_t)o.format.bits / 8;
		r.byte_rate = (double)r.frame * o.format.rate;
		r.buf = calloc(1, CHUNK_BYTES);
		if (!r.buf)
			goto out;
		if (o.format.type == KS_SAMPLE_PCM && o.format.bits == 8)
			memset(r.buf, 0x80, CHUNK_BYTES);
		ksctl_catch_stop_signals();
		if (ksctl_set_state("clock", r.pin_fd, KSSTATE_RUN) < 0 ||
		    clock_read(clock_fd, "start", &rd[n++]))
			goto out;
		e = run_pin(&r, o.run_ms);
		if (clock_read(clock_fd, "end", &rd[n++]) || e)
			goto out;
		ksctl_set_state("clock", r.pin_fd, KSSTATE_STOP);
	}
	ks_format_params_str(&o.format, fmt, sizeof(fmt));
	if (o.json) {
		json_begin(&j, stdout);
		json_open(&j, NULL, '{');
		json_str(&j, "device", o.path);
		json_uint(&j, "pin", pin_id);
		json_str(&j, "dataflow",
			 dataflow == KSPIN_DATAFLOW_IN ? "in" : "out");
		json_str(&j, "format", fmt);
		json_open(&j, "resolution", '{');
		json_int(&j, "granularity", res.granularity);
		json_int(&j, "error", res.error);
		json_close(&j, '}');
		json_open(&j, "readings", '[');
	} else {
		printf("%s pin %u (%s, %s): clock resolution %lld, error %lld (100 ns units)\n",
		       o.path, pin_id,
		       dataflow == KSPIN_DATAFLOW_IN ? "in" : "out", fmt,
		       (long long)res.granularity, (long long)res.error);
	}
	for (i = 0; i < n; i++)
		print_reading(&rd[i], &j, o.json);
	if (o.json) {
		json_close(&j, ']');
		if (o.run_ms) {
			json_uint(&j, "run_ms", o.run_ms);
			json_uint(&j, "bytes", r.bytes);
		}
		json_close(&j, '}');
		json_end(&j);
	} else if (o.run_ms) {
		printf("run of %u ms: %llu bytes %s, time moved %.6f s, physical time %.6f s%s\n",
		       o.run_ms, (unsigned long long)r.bytes,
		       r.in ? "written" : "read",
		       (rd[2].time - rd[1].time) / 1e7,
		       (rd[2].physical - rd[1].physical) / 1e7,
		       ksctl_stop_requested ? ", stopped by a signal" : "");
	}
	ret = KSCTL_OK;
out:
	if (clock_fd >= 0)
		close(clock_fd);
	if (r.pin_fd >= 0)
		close(r.pin_fd);
	close(filter_fd);
	free(r.buf);
	return ret;
}
