// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl play, record, tone and loopback-check: stream raw PCM or WAV into a
 * pin and out of one (SPEC 7), generate a test tone, and check that
 * ks-loopback gives back every byte it was given (SPEC 9).
 *
 * A pin is created with the format given (or the WAV file's), set to
 * KSSTATE_RUN before the first byte and to KSSTATE_STOP after the last, then
 * closed.  Ctrl-C (SIGINT) or SIGTERM stops the stream at the next frame
 * boundary the same way.  The calls on the pin wait in poll(2), so a signal
 * is seen even while the pin has no room or no data.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ksctl.h"

#define CHUNK_BYTES	(64 * 1024)	/* one read or write, before rounding */
#define POLL_MS		250		/* how often a wait looks at the clock */
#define STALL_MS	5000		/* loopback-check gives up after this */
#define RT_NOTIFICATIONS 2		/* a WaveRT cycle's: middle and end */
#define RT_DEFAULT_MS	100		/* when the pin does not say its size */
#define RT_MAX_MS	10000		/* the largest --buffer-ms */

static const struct ks_audio_params default_format = {
	.type = KS_SAMPLE_PCM, .rate = 48000, .channels = 2, .bits = 16,
};

/* ---- options ---- */

struct stream_opts {
	const char *cmd;
	const char *device;
	char path[64];
	uint32_t pin;
	bool have_pin;
	struct ks_audio_params format;
	bool have_format;
	const char *file;	/* -i / -o */
	bool wav;		/* --wav, or a file name ending in .wav */
	uint64_t frames;	/* 0: no limit */
	double seconds;		/* used when frames is 0 */
	double frequency;
	double amplitude;
	bool wavert;		/* --wavert */
	uint32_t buffer_ms;	/* --buffer-ms, 0: the pin's whole buffer */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool ends_with_wav(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n >= 4 && !strcasecmp(name + n - 4, ".wav");
}

static uint32_t frame_bytes(const struct ks_audio_params *p)
{
	return p->channels * (uint32_t)p->bits / 8;
}

static void format_text(const struct ks_audio_params *p, char *buf,
			size_t size)
{
	ks_format_params_str(p, buf, size);
}

static int parse_positive(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0))
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct stream_opts *o,
		      const char *shortopts, bool need_device,
		      void (*usage)(FILE *))
{
	static const struct option opts[] = {
		{ "pin", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "wav", no_argument, NULL, 'w' },
		{ "frames", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "frequency", required_argument, NULL, 'F' },
		{ "amplitude", required_argument, NULL, 'a' },
		{ "wavert", no_argument, NULL, 'W' },
		{ "buffer-ms", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double v;
	char *end;
	int c;

	o->cmd = argv[0];
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		if (c != 'h' && c != '?' && !strchr(shortopts, c)) {
			fprintf(stderr, "%s %s: option not for this command\n",
				ksctl_prog, o->cmd);
			return -1;
		}
		switch (c) {
		case 'p':
			errno = 0;
			o->pin = strtoul(optarg, &end, 0);
			if (errno || end == optarg || *end) {
				fprintf(stderr, "%s %s: bad pin id '%s'\n",
					ksctl_prog, o->cmd, optarg);
				return -1;
			}
			o->have_pin = true;
			break;
		case 'f':
			if (ks_parse_format(optarg, &o->format) < 0 ||
			    ksctl_tone_check(&o->format) < 0) {
				fprintf(stderr,
					"%s %s: bad format '%s': expected TYPE:RATE:CHANNELS:BITS with whole-byte samples, e.g. pcm:48000:2:16\n",
					ksctl_prog, o->cmd, optarg);
				return -1;
			}
			o->have_format = true;
			break;
		case 'i':
		case 'o':
			o->file = optarg;
			o->wav |= ends_with_wav(optarg);
			break;
		case 'w':
			o->wav = true;
			break;
		case 'n':
			errno = 0;
			o->frames = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || !o->frames) {
				fprintf(stderr, "%s %s: bad frame count '%s'\n",
					ksctl_prog, o->cmd, optarg);
				return -1;
			}
			break;
		case 's':
			if (parse_positive(optarg, &o->seconds)) {
				fprintf(stderr, "%s %s: bad seconds '%s'\n",
					ksctl_prog, o->cmd, optarg);
				return -1;
			}
			break;
		case 'F':
			if (parse_positive(optarg, &o->frequency)) {
				fprintf(stderr, "%s %s: bad frequency '%s'\n",
					ksctl_prog, o->cmd, optarg);
				return -1;
			}
			break;
		case 'a':
			if (parse_positive(optarg, &v) || v > 1) {
				fprintf(stderr,
					"%s %s: bad amplitude '%s': a number in (0, 1]\n",
					ksctl_prog, o->cmd, optarg);
				return -1;
			}
			o->amplitude = v;
			break;
		case 'W':
			o->wavert = true;
			break;
		case 'B':
			errno = 0;
			v = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(v >= 1) ||
			    v > RT_MAX_MS) {
				fprintf(stderr,
					"%s %s: bad buffer '%s': milliseconds, 1 to %d\n",
					ksctl_prog, o->cmd, optarg, RT_MAX_MS);
				return -1;
			}
			o->buffer_ms = (uint32_t)v;
			break;
		case 'h':
			usage(stdout);
			exit(KSCTL_OK);
		default:
			return -1;
		}
	}
	if (need_device) {
		if (optind + 1 != argc) {
			fprintf(stderr, "%s %s: need one DEVICE\n", ksctl_prog,
				o->cmd);
			return -1;
		}
		o->device = argv[optind];
	} else if (optind + 1 == argc) {
		o->device = argv[optind];
	} else if (optind != argc) {
		fprintf(stderr, "%s %s: unexpected argument '%s'\n",
			ksctl_prog, o->cmd, argv[optind]);
		return -1;
	}
	if (o->buffer_ms && !o->wavert) {
		fprintf(stderr, "%s %s: --buffer-ms needs --wavert\n",
			ksctl_prog, o->cmd);
		return -1;
	}
	if (!o->have_format)
		o->format = default_format;
	return 0;
}

/* The frame count from --frames or --seconds (0: unlimited). */
static uint64_t frame_limit(const struct stream_opts *o)
{
	if (o->frames)
		return o->frames;
	if (o->seconds > 0)
		return (uint64_t)(o->seconds * o->format.rate + 0.5);
	return 0;
}

/* ---- devices and pins ---- */

static int resolve_device(struct stream_opts *o, const char *dflt)
{
	const char *dev = o->device ? o->device : dflt;
	int idx;

	if (strchr(dev, '/')) {
		snprintf(o->path, sizeof(o->path), "%s", dev);
		return 0;
	}
	idx = ks_find_filter(dev);
	if (idx < 0) {
		fprintf(stderr, "%s %s: no filter named '%s' (see '%s list')\n",
			ksctl_prog, o->cmd, dev, ksctl_prog);
		return -1;
	}
	snprintf(o->path, sizeof(o->path), "/dev/ksfilter%d", idx);
	return 0;
}

/*
 * The first pin type with @dataflow that a client can create alone (a SINK
 * or BOTH: not a BRIDGE, such as an audio adapter's wires and jacks), or -1.
 */
static int find_pin(int filter_fd, uint32_t dataflow)
{
	int n = ks_pin_count(filter_fd), i;

	for (i = 0; i < n; i++) {
		uint32_t df, comm;

		if (ks_pin_dataflow(filter_fd, i, &df) || df != dataflow ||
		    ks_pin_communication(filter_fd, i, &comm))
			continue;
		if (comm == KSPIN_COMMUNICATION_SINK ||
		    comm == KSPIN_COMMUNICATION_BOTH)
			return i;
	}
	return -1;
}

int ksctl_open_pin(const char *cmd, const char *path, int filter_fd, int pin,
		   uint32_t dataflow, const struct ks_audio_params *p,
		   uint32_t *pin_out)
{
	uint32_t access = dataflow == KSPIN_DATAFLOW_IN ? KS_GENERIC_WRITE :
			  KS_GENERIC_READ;

	return ksctl_open_pin_as(cmd, path, filter_fd, pin, dataflow, p,
				 KSINTERFACE_STANDARD_STREAMING, access,
				 pin_out);
}

int ksctl_open_pin_as(const char *cmd, const char *path, int filter_fd,
		      int pin, uint32_t dataflow,
		      const struct ks_audio_params *p, uint32_t interface,
		      uint32_t access, uint32_t *pin_out)
{
	uint8_t fmt[sizeof(struct ks_dataformat_waveformatextensible)];
	uint32_t reason = KS_REASON_NONE, size;
	struct ks_pin_connect *req;
	char text[64];
	int n, fd;

	if (pin < 0)
		pin = find_pin(filter_fd, dataflow);
	if (pin < 0) {
		fprintf(stderr, "%s %s: %s has no %s pin (dataflow %s); pass --pin\n",
			ksctl_prog, cmd, path,
			dataflow == KSPIN_DATAFLOW_IN ? "render" : "capture",
			dataflow == KSPIN_DATAFLOW_IN ? "in" : "out");
		return -1;
	}
	n = ks_build_format(p, fmt, sizeof(fmt));
	if (n < 0)
		return -1;
	req = ks_connect_alloc(pin, fmt, n, &size);
	if (!req)
		return -1;
	ks_connect_set_interface(req, interface);
	fd = ks_create_pin(filter_fd, req, size, access, O_CLOEXEC, &reason);
	free(req);
	if (fd < 0) {
		const char *name = ks_reason_name(reason);

		format_text(p, text, sizeof(text));
		fprintf(stderr, "%s %s: %s refused pin %d with format %s: %s\n"
			"  reason %u (%s): %s\n  what to change: %s\n",
			ksctl_prog, cmd, path, pin, text, strerror(-fd),
			reason, name ? name : "unknown", ks_reason_str(reason),
			ks_reason_hint(reason));
		return -1;
	}
	*pin_out = pin;
	return fd;
}

int ksctl_set_state(const char *cmd, int pin_fd, uint32_t state)
{
	static const char *const names[] = { "STOP", "ACQUIRE", "PAUSE", "RUN" };
	int ret = ks_pin_set_state(pin_fd, state);

	if (ret < 0)
		fprintf(stderr, "%s %s: cannot set the pin to %s: %s\n",
			ksctl_prog, cmd, names[state & 3], strerror(-ret));
	return ret;
}

/* ---- progress ---- */

struct progress {
	const char *what;
	bool tty;
	uint32_t rate;
	double start, last;
};

static void progress_init(struct progress *pr, const char *what, uint32_t rate)
{
	pr->what = what;
	pr->tty = isatty(STDERR_FILENO);
	pr->rate = rate;
	pr->start = pr->last = now_s();
}

static void progress_show(struct progress *pr, uint64_t frames, bool force)
{
	double t = now_s(), elapsed = t - pr->start;

	if (!pr->tty || (!force && t - pr->last < POLL_MS / 1000.0))
		return;
	pr->last = t;
	fprintf(stderr, "\r%s %s: %llu frames, %.2f s of audio, %.0f frames/s   ",
		ksctl_prog, pr->what, (unsigned long long)frames,
		(double)frames / pr->rate,
		elapsed > 0 ? frames / elapsed : 0.0);
}

static void progress_end(struct progress *pr, uint64_t frames)
{
	if (!pr->tty)
		return;
	progress_show(pr, frames, true);
	fputc('\n', stderr);
}

/*
 * Wait until @fd is ready for @events.  Returns 1 when it is (or reports an
 * error, which the next call then shows), 0 when a stop was requested or
 * @timeout_ms (< 0: none) passed, -errno on a poll failure.
 */
static int wait_ready(int fd, short events, struct progress *pr,
		      uint64_t frames, int timeout_ms)
{
	int waited = 0;

	while (!ksctl_stop_requested) {
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, POLL_MS);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			return 1;
		if (pr)
			progress_show(pr, frames, false);
		waited += POLL_MS;
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return 0;
	}
	return 0;
}

/* ---- play ---- */

static void play_usage(FILE *out)
{
	fprintf(out,
		"usage: %s play DEVICE [--pin N] [--format FORMAT] [-i FILE]\n"
		"              [--wavert [--buffer-ms MS]] [< FILE]\n"
		"Stream a file (or stdin) into a pin: create it with the format, set it\n"
		"to RUN, write the frames, end the stream (ENDOFSTREAM), set it to STOP.\n"
		"A WAV file (a name ending in .wav, or RIFF data on stdin) brings its own\n"
		"format; raw PCM uses --format, default pcm:48000:2:16.  Without --pin the\n"
		"first pin with dataflow IN and communication SINK or BOTH (a render pin,\n"
		"not a bridge) is used.  Ctrl-C stops cleanly.\n"
		"--wavert plays as a Windows WaveRT client: the pin is created\n"
		"LOOPED_STREAMING, its cyclic buffer (--buffer-ms long, default the\n"
		"pin's whole buffer) is mapped with two notifications a cycle, filled\n"
		"from the input before RUN, and refilled behind the device's position\n"
		"register at each notification; the end waits until the position has\n"
		"passed the last byte.  The device never waits: bytes it played before\n"
		"they were written are counted as late.\n",
		ksctl_prog);
}

/* Read up to @len bytes, fewer only at end of file; -errno on error. */
static ssize_t read_some(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len && !ksctl_stop_requested) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* Write all of @len to a file; -errno. */
static int write_out(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Write all of @len to a pin, waiting in poll(2); -errno, or -EINTR on stop. */
static int pin_write_all(int pin_fd, const uint8_t *buf, size_t len,
			 struct progress *pr, uint64_t frames, uint32_t block)
{
	while (len) {
		ssize_t n;
		int r = wait_ready(pin_fd, POLLOUT, pr, frames, -1);

		if (r < 0)
			return r;
		if (r == 0)
			return -EINTR;
		n = write(pin_fd, buf, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
		frames += n / block;
	}
	return 0;
}

int ksctl_end_of_stream(int pin_fd)
{
	struct ks_stream_header h = {
		.size = sizeof(h),
		.options_flags = KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM,
	};
	struct ks_ioctl_buffers b = {
		.in = (uintptr_t)&h,
		.in_size = sizeof(h),
	};

	return ioctl(pin_fd, KS_IOCTL_WRITE_STREAM, &b) < 0 ? -errno : 0;
}

/*
 * Wait until the pin has handed on everything queued (its POSITION
 * play_offset reaches write_offset): a pin's STOP discards what it still
 * holds.  Gives up when nothing moves for STALL_MS, or on a stop request.
 */
static void wait_played(int pin_fd)
{
	static const struct ks_guid set = KSPROPSETID_KSFILTER_STREAM;
	struct ks_audio_position pos, last = { 0, 0 };
	int still = 0;

	while (!ksctl_stop_requested && still < STALL_MS) {
		if (ks_property(pin_fd, &set, KSPROPERTY_KSFILTER_STREAM_POSITION,
				KSPROPERTY_TYPE_GET, NULL, 0, &pos, sizeof(pos),
				NULL) < 0)
			return;		/* a module without positions */
		if (pos.play_offset >= pos.write_offset)
			return;
		if (pos.play_offset == last.play_offset)
			still += 10;
		else
			still = 0;
		last = pos;
		usleep(10000);
	}
	if (!ksctl_stop_requested)
		fprintf(stderr, "%s play: the pin took nothing for %d s; stopping with data queued\n",
			ksctl_prog, STALL_MS / 1000);
}

/*
 * Open the input: its WAV header, or raw data whose first bytes (read to
 * look for "RIFF") are left in @prefix.  Returns the fd or -1.
 */
static int open_input(struct stream_opts *o, uint8_t *prefix, size_t *have,
		      uint64_t *data_size)
{
	struct ks_audio_params wav;
	const char *why = "";
	int fd = STDIN_FILENO, ret;
	ssize_t n;

	*data_size = UINT64_MAX;
	*have = 0;
	if (o->file) {
		fd = open(o->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "%s play: cannot open %s: %s\n",
				ksctl_prog, o->file, strerror(errno));
			return -1;
		}
	}
	n = read_some(fd, prefix, 4);
	if (n < 0) {
		fprintf(stderr, "%s play: cannot read the input: %s\n",
			ksctl_prog, strerror(-n));
		return -1;
	}
	*have = n;
	if (!(n == 4 && !memcmp(prefix, "RIFF", 4)) && !o->wav)
		return fd;
	ret = ksctl_wav_read_header(fd, prefix, n, &wav, data_size, &why);
	if (ret < 0) {
		fprintf(stderr, "%s play: %s is no WAV file we can play: %s\n",
			ksctl_prog, o->file ? o->file : "stdin", why);
		return -1;
	}
	*have = 0;
	if (o->have_format && memcmp(&wav, &o->format, sizeof(wav))) {
		char a[64], b[64];

		format_text(&wav, a, sizeof(a));
		format_text(&o->format, b, sizeof(b));
		fprintf(stderr, "%s play: the WAV file is %s, --format says %s\n",
			ksctl_prog, a, b);
		return -1;
	}
	if (ksctl_tone_check(&wav) < 0) {
		fprintf(stderr, "%s play: the WAV file's samples are not whole bytes\n",
			ksctl_prog);
		return -1;
	}
	o->format = wav;
	return fd;
}

static int play_stream(struct stream_opts *o, int in_fd, int pin_fd,
		       uint8_t *buf, size_t have, uint64_t data_size,
		       uint64_t *frames)
{
	uint32_t block = frame_bytes(&o->format);
	size_t cap = CHUNK_BYTES / block * block;
	struct progress pr;
	int ret = 0;

	if (!cap)
		cap = block;
	progress_init(&pr, "play", o->format.rate);
	while (!ksctl_stop_requested && data_size) {
		size_t want = cap - have, len;
		ssize_t n;

		if (want > data_size)
			want = data_size;
		n = read_some(in_fd, buf + have, want);
		if (n < 0) {
			fprintf(stderr, "%s play: cannot read the input: %s\n",
				ksctl_prog, strerror(-n));
			ret = -1;
			break;
		}
		if (data_size != UINT64_MAX)
			data_size -= n;
		have += n;
		len = have / block * block;
		if (len) {
			ret = pin_write_all(pin_fd, buf, len, &pr, *frames, block);
			if (ret == -EINTR)
				break;
			if (ret < 0) {
				fprintf(stderr, "\n%s play: write to the pin failed: %s\n",
					ksctl_prog, strerror(-ret));
				break;
			}
			*frames += len / block;
			memmove(buf, buf + len, have - len);
			have -= len;
			progress_show(&pr, *frames, false);
		}
		if ((size_t)n < want)
			break;		/* end of file */
	}
	progress_end(&pr, *frames);
	if (have && !ksctl_stop_requested && ret >= 0)
		fprintf(stderr, "%s play: %zu bytes at the end are less than a frame (%u bytes): not played\n",
			ksctl_prog, have, block);
	if (!ksctl_stop_requested && ret >= 0) {
		ksctl_end_of_stream(pin_fd);
		wait_played(pin_fd);
	}
	return ret < 0 && ret != -EINTR ? -1 : 0;
}

/* ---- WaveRT: play --wavert, record --wavert ---- */

/*
 * The pin is created LOOPED_STREAMING, read-write (its buffer is mapped
 * shared and writable), asked for its buffer with notifications at the
 * middle and the end of each cycle, and for its position register; an
 * eventfd is registered for the notifications.  From RUN on the device
 * moves round the buffer by itself; ksctl wakes at each notification (or
 * every POLL_MS), reads the register page and fills what was played, or
 * copies out what was recorded.  Nothing here waits for the device: a
 * late ksctl is counted, as the device counts nothing.
 */

struct rt_pin {
	const char *cmd;
	int fd;
	uint32_t pin;
	uint32_t block;
	uint8_t *buf;		/* the cyclic buffer, mapped */
	uint32_t size;
	void *page;		/* the register page, mapped */
	int efd;
	bool registered;
	uint64_t bytes;		/* the device's running count, last read */
	double moved_at;	/* when it last changed */
	uint64_t late;		/* bytes played stale or recorded over */
	uint64_t wakeups;	/* notifications taken */
};

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void rt_refused(const struct rt_pin *rt, const char *what, int err)
{
	fprintf(stderr, "%s %s: pin %u refused %s: %s\n", ksctl_prog, rt->cmd,
		rt->pin, what, strerror(err));
	if (err == EOPNOTSUPP || err == ENOENT)
		fprintf(stderr, "  the pin offers no WaveRT (KSPROPSETID_RtAudio): its provider does not, or the module is older than ABI 1.4 (see '%s version')\n",
			ksctl_prog);
	else if (err == EBUSY)
		fprintf(stderr, "  the pin must be in STOP, and ks-loopback streams WaveRT on one of its two pins at a time\n");
	else if (err == EISCONN)
		fprintf(stderr, "  the pin is connected to another pin\n");
}

/* The buffer's bytes to ask for: --buffer-ms, else the pin's whole buffer. */
static uint32_t rt_request(const struct stream_opts *o, int pin_fd)
{
	uint32_t block = frame_bytes(&o->format);
	struct ks_stream_buffer sb;
	uint64_t frames;

	if (!o->buffer_ms && ks_pin_get_buffer(pin_fd, &sb) == 0 && sb.size)
		return sb.size;
	frames = (uint64_t)o->format.rate *
		 (o->buffer_ms ? o->buffer_ms : RT_DEFAULT_MS) / 1000;
	if (frames < 2)
		frames = 2;
	return frames * block > UINT32_MAX ? UINT32_MAX / block * block :
	       (uint32_t)(frames * block);
}

/* Create the pin, map its buffer and registers, register the eventfd. */
static int rt_open(struct rt_pin *rt, struct stream_opts *o, int filter_fd,
		   uint32_t dataflow)
{
	struct ks_rtaudio_hwregister reg;
	struct ks_rtaudio_buffer b;
	int ret;

	rt->fd = ksctl_open_pin_as(rt->cmd, o->path, filter_fd,
				   o->have_pin ? (int)o->pin : -1, dataflow,
				   &o->format,
				   KSINTERFACE_STANDARD_LOOPED_STREAMING,
				   KS_GENERIC_READ | KS_GENERIC_WRITE, &rt->pin);
	if (rt->fd < 0)
		return -1;
	rt->block = frame_bytes(&o->format);
	ret = ks_rt_buffer(rt->fd, rt_request(o, rt->fd), RT_NOTIFICATIONS, &b);
	if (ret < 0) {
		rt_refused(rt, "a WaveRT buffer", -ret);
		return -1;
	}
	rt->buf = (uint8_t *)(uintptr_t)b.buffer_address;
	rt->size = b.actual_buffer_size;
	if (!rt->buf || rt->size < 2 * rt->block || rt->size % rt->block) {
		fprintf(stderr, "%s %s: pin %u gave a buffer of %u bytes at %p, not whole frames of %u bytes\n",
			ksctl_prog, rt->cmd, rt->pin, rt->size, (void *)rt->buf,
			rt->block);
		return -1;
	}
	ret = ks_rt_register(rt->fd, KSPROPERTY_RTAUDIO_POSITIONREGISTER, &reg);
	if (ret < 0) {
		rt_refused(rt, "its position register", -ret);
		return -1;
	}
	rt->page = (void *)(uintptr_t)(reg.reg & ~(uint64_t)(page_size() - 1));
	rt->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rt->efd < 0) {
		fprintf(stderr, "%s %s: no eventfd: %s\n", ksctl_prog, rt->cmd,
			strerror(errno));
		return -1;
	}
	ret = ks_rt_notification(rt->fd, rt->efd, true);
	if (ret < 0) {
		rt_refused(rt, "the notification eventfd", -ret);
		return -1;
	}
	rt->registered = true;
	return 0;
}

/* Undo rt_open(): the pin closes once its fd and both mappings are gone. */
static void rt_close(struct rt_pin *rt)
{
	if (rt->registered && ks_rt_notification(rt->fd, rt->efd, false) < 0)
		fprintf(stderr, "%s %s: cannot unregister the eventfd: %s\n",
			ksctl_prog, rt->cmd, strerror(errno));
	if (rt->efd >= 0)
		close(rt->efd);
	if (rt->buf)
		munmap(rt->buf, rt->size);
	if (rt->page)
		munmap(rt->page, page_size());
	if (rt->fd >= 0)
		close(rt->fd);
}

/* Set the pin to RUN and say so, with what the device holds ahead. */
static int rt_run(struct rt_pin *rt, const char *path)
{
	struct ks_rtaudio_hwlatency lat;
	char fifo[48] = "";

	if (ksctl_set_state(rt->cmd, rt->fd, KSSTATE_RUN) < 0)
		return -1;
	rt->moved_at = now_s();
	if (ks_rt_hwlatency(rt->fd, &lat) == 0)
		snprintf(fifo, sizeof(fifo), ", device FIFO %u bytes",
			 lat.fifo_size);
	fprintf(stderr, "%s %s: %s pin %u in RUN with a WaveRT buffer of %u bytes, notified at its middle and end%s\n",
		ksctl_prog, rt->cmd, path, rt->pin, rt->size, fifo);
	return 0;
}

/* The register page now; notes when the position last moved. */
static void rt_read(struct rt_pin *rt, struct ks_rtaudio_registers *snap)
{
	ks_rt_read_registers(rt->page, snap);
	if (snap->bytes != rt->bytes) {
		rt->bytes = snap->bytes;
		rt->moved_at = now_s();
	}
}

/*
 * Wait for the next notification, at most POLL_MS.  0, or -1 when the
 * position has not moved for STALL_MS (message printed) or poll fails.
 */
static int rt_wait(struct rt_pin *rt, struct progress *pr, uint64_t frames)
{
	struct pollfd p = { .fd = rt->efd, .events = POLLIN };
	uint64_t count;

	if (poll(&p, 1, POLL_MS) < 0 && errno != EINTR) {
		fprintf(stderr, "\n%s %s: poll: %s\n", ksctl_prog, rt->cmd,
			strerror(errno));
		return -1;
	}
	if ((p.revents & POLLIN) &&
	    read(rt->efd, &count, sizeof(count)) == sizeof(count))
		rt->wakeups += count;
	progress_show(pr, frames, false);
	if (now_s() - rt->moved_at < STALL_MS / 1000.0)
		return 0;
	fprintf(stderr, "\n%s %s: the device position has not moved for %d s (at byte %llu)%s\n",
		ksctl_prog, rt->cmd, STALL_MS / 1000,
		(unsigned long long)rt->bytes,
		rt->cmd[0] == 'p' ?
		"; ks-loopback plays a WaveRT Render pin only while its Capture pin is read" :
		"; ks-loopback records into a WaveRT Capture pin only what its Render pin is given");
	return -1;
}

/* Copy @len bytes to or from running offset @at of the cyclic buffer. */
static void rt_copy(struct rt_pin *rt, uint64_t at, uint8_t *data, size_t len,
		    bool to_buffer)
{
	while (len) {
		uint32_t off = at % rt->size;
		size_t n = rt->size - off < len ? rt->size - off : len;

		if (to_buffer)
			memcpy(rt->buf + off, data, n);
		else
			memcpy(data, rt->buf + off, n);
		at += n;
		data += n;
		len -= n;
	}
}

/* What play --wavert reads and where it has got to. */
struct rt_play {
	int in_fd;
	uint8_t *stage;		/* CHUNK_BYTES of input read ahead */
	size_t have;
	uint64_t data_size;	/* left to read; UINT64_MAX: to end of file */
	bool eof;
	uint64_t written;	/* running offset filled up to */
	uint64_t data_end;	/* where the input ended, once eof */
	uint8_t silence;
	int err;
};

/* Read input into the stage until it holds a frame; sets eof at the end. */
static void rt_stage(struct rt_pin *rt, struct rt_play *ps)
{
	size_t want = CHUNK_BYTES / rt->block * rt->block - ps->have;
	ssize_t n;

	if (want > ps->data_size)
		want = ps->data_size;
	n = want ? read_some(ps->in_fd, ps->stage + ps->have, want) : 0;
	if (n < 0) {
		fprintf(stderr, "\n%s play: cannot read the input: %s\n",
			ksctl_prog, strerror(-n));
		ps->err = -1;
		n = 0;
	}
	if (ps->data_size != UINT64_MAX)
		ps->data_size -= n;
	ps->have += n;
	if ((size_t)n < want || !ps->data_size || ps->err || ksctl_stop_requested) {
		if (ps->have >= rt->block)
			return;		/* the last frames first */
		ps->eof = true;
		ps->data_end = ps->written;
	}
}

/* Fill the buffer up to running offset @upto: input, then silence. */
static void rt_fill(struct rt_pin *rt, struct rt_play *ps, uint64_t upto)
{
	while (ps->written < upto) {
		size_t len = upto - ps->written;

		if (!ps->eof && ps->have < rt->block)
			rt_stage(rt, ps);
		if (ps->eof) {
			while (len) {
				uint32_t off = ps->written % rt->size;
				size_t n = rt->size - off < len ? rt->size - off : len;

				memset(rt->buf + off, ps->silence, n);
				ps->written += n;
				len -= n;
			}
			break;
		}
		if (len > ps->have / rt->block * rt->block)
			len = ps->have / rt->block * rt->block;
		rt_copy(rt, ps->written, ps->stage, len, true);
		memmove(ps->stage, ps->stage + len, ps->have - len);
		ps->have -= len;
		ps->written += len;
	}
	/* The samples are in memory before the device reads that far. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static int play_wavert(struct stream_opts *o, int filter_fd, int in_fd,
		       uint8_t *buf, size_t have, uint64_t data_size,
		       uint64_t *frames, uint32_t *pin)
{
	struct rt_pin rt = { .cmd = "play", .fd = -1, .efd = -1 };
	struct rt_play ps = {
		.in_fd = in_fd, .stage = buf, .have = have,
		.data_size = data_size,
	};
	struct ks_rtaudio_registers snap = { 0 };
	struct progress pr;
	int ret = -1;

	if (o->format.type == KS_SAMPLE_PCM && o->format.bits == 8)
		ps.silence = 0x80;
	if (rt_open(&rt, o, filter_fd, KSPIN_DATAFLOW_IN))
		goto out;
	*pin = rt.pin;
	/* The first whole buffer before the device starts. */
	rt_fill(&rt, &ps, rt.size);
	if (ps.err || rt_run(&rt, o->path))
		goto out;
	progress_init(&pr, "play", o->format.rate);
	ret = 0;
	while (!ksctl_stop_requested) {
		rt_read(&rt, &snap);
		if (snap.bytes > ps.written) {
			/* The device played what was not yet written. */
			rt.late += snap.bytes - ps.written;
			ps.written = snap.bytes;
		}
		if (ps.eof && snap.bytes >= ps.data_end)
			break;
		rt_fill(&rt, &ps, snap.bytes + rt.size);
		if (ps.err || rt_wait(&rt, &pr, snap.bytes / rt.block)) {
			ret = -1;
			break;
		}
	}
	/* The input's frames the device has played. */
	*frames = (ps.eof && snap.bytes > ps.data_end ? ps.data_end :
		   snap.bytes) / rt.block;
	progress_end(&pr, *frames);
	ksctl_set_state("play", rt.fd, KSSTATE_STOP);
	if (ps.have && ps.eof && !ps.err && !ksctl_stop_requested)
		fprintf(stderr, "%s play: %zu bytes at the end are less than a frame (%u bytes): not played\n",
			ksctl_prog, ps.have, rt.block);
	fprintf(stderr, "%s play: WaveRT buffer %u bytes, %llu notifications, %llu bytes played late (old samples)\n",
		ksctl_prog, rt.size, (unsigned long long)rt.wakeups,
		(unsigned long long)rt.late);
out:
	rt_close(&rt);
	return ret;
}

static int record_wavert(struct stream_opts *o, int filter_fd, int out_fd,
			 uint8_t *buf, uint64_t limit, uint64_t *frames,
			 uint32_t *pin)
{
	struct rt_pin rt = { .cmd = "record", .fd = -1, .efd = -1 };
	struct ks_rtaudio_registers snap = { 0 };
	struct progress pr;
	uint64_t done = 0;	/* the running offset copied out up to */
	int ret = -1;

	if (rt_open(&rt, o, filter_fd, KSPIN_DATAFLOW_OUT))
		goto out;
	*pin = rt.pin;
	if (rt_run(&rt, o->path))
		goto out;
	progress_init(&pr, "record", o->format.rate);
	ret = 0;
	while (!ksctl_stop_requested && (!limit || *frames < limit)) {
		uint64_t end;

		rt_read(&rt, &snap);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (snap.bytes - done > rt.size) {
			/* Recorded over before it was read. */
			rt.late += snap.bytes - done - rt.size;
			done = snap.bytes - rt.size;
		}
		end = snap.bytes / rt.block * rt.block;
		if (limit && end - done > (limit - *frames) * rt.block)
			end = done + (limit - *frames) * rt.block;
		while (done < end) {
			size_t n = end - done < CHUNK_BYTES / rt.block * rt.block ?
				   end - done : CHUNK_BYTES / rt.block * rt.block;
			int r;

			rt_copy(&rt, done, buf, n, false);
			r = write_out(out_fd, buf, n);
			if (r < 0) {
				if (r != -EPIPE)
					fprintf(stderr, "\n%s record: cannot write the output: %s\n",
						ksctl_prog, strerror(-r));
				ret = r == -EPIPE ? 0 : r;
				goto stop;
			}
			done += n;
			*frames += n / rt.block;
		}
		if (limit && *frames >= limit)
			break;
		if (rt_wait(&rt, &pr, *frames)) {
			ret = -1;
			break;
		}
	}
stop:
	progress_end(&pr, *frames);
	ksctl_set_state("record", rt.fd, KSSTATE_STOP);
	fprintf(stderr, "%s record: WaveRT buffer %u bytes, %llu notifications, %llu bytes recorded over before they were read\n",
		ksctl_prog, rt.size, (unsigned long long)rt.wakeups,
		(unsigned long long)rt.late);
out:
	rt_close(&rt);
	return ret;
}

int ksctl_play(int argc, char **argv)
{
	struct stream_opts o = { 0 };
	uint8_t *buf = malloc(CHUNK_BYTES + 64);
	int in_fd, filter_fd = -1, pin_fd = -1, ret = KSCTL_REFUSED;
	uint64_t data_size, frames = 0;
	uint32_t pin = UINT32_MAX;
	char text[64];
	size_t have;

	if (!buf)
		return KSCTL_REFUSED;
	if (parse_opts(argc, argv, &o, "p:f:i:wWB:h", true, play_usage)) {
		play_usage(stderr);
		free(buf);
		return KSCTL_USAGE;
	}
	if (resolve_device(&o, NULL))
		goto out;
	in_fd = open_input(&o, buf, &have, &data_size);
	if (in_fd < 0)
		goto out;
	/* A WaveRT buffer is mapped shared and writable: a read-write pin. */
	filter_fd = open(o.path, (o.wavert ? O_RDWR : O_WRONLY) | O_CLOEXEC);
	if (filter_fd < 0) {
		fprintf(stderr, "%s play: cannot open %s for %s: %s\n",
			ksctl_prog, o.path,
			o.wavert ? "reading and writing" : "writing",
			strerror(errno));
		goto out;
	}
	if (o.wavert) {
		ksctl_catch_stop_signals();
		ret = play_wavert(&o, filter_fd, in_fd, buf, have, data_size,
				  &frames, &pin) ? KSCTL_REFUSED : KSCTL_OK;
		if (pin == UINT32_MAX)
			goto out;
		goto report;
	}
	pin_fd = ksctl_open_pin("play", o.path, filter_fd,
				o.have_pin ? (int)o.pin : -1, KSPIN_DATAFLOW_IN,
				&o.format, &pin);
	if (pin_fd < 0)
		goto out;
	ksctl_catch_stop_signals();
	if (ksctl_set_state("play", pin_fd, KSSTATE_RUN) < 0)
		goto out;
	ret = play_stream(&o, in_fd, pin_fd, buf, have, data_size, &frames) ?
	      KSCTL_REFUSED : KSCTL_OK;
	ksctl_set_state("play", pin_fd, KSSTATE_STOP);
report:
	format_text(&o.format, text, sizeof(text));
	fprintf(stderr, "%s play: %llu frames (%.2f s of %s) into %s pin %u%s\n",
		ksctl_prog, (unsigned long long)frames,
		(double)frames / o.format.rate, text, o.path, pin,
		ksctl_stop_requested ? ", stopped by a signal" : "");
out:
	if (pin_fd >= 0)
		close(pin_fd);
	if (filter_fd >= 0)
		close(filter_fd);
	free(buf);
	return ret;
}

/* ---- record ---- */

static void record_usage(FILE *out)
{
	fprintf(out,
		"usage: %s record DEVICE [--pin N] [--format FORMAT]\n"
		"              [--frames N | --seconds S] [-o FILE] [--wav]\n"
		"              [--wavert [--buffer-ms MS]] [> FILE]\n"
		"Stream a pin into a file (or stdout): create it with the format (default\n"
		"pcm:48000:2:16), set it to RUN, read until the frame count, the end of\n"
		"the stream or Ctrl-C, set it to STOP.  Raw PCM, or WAV when the file\n"
		"name ends in .wav or with --wav.  Without --pin the first pin with\n"
		"dataflow OUT and communication SINK or BOTH (a capture pin, not a\n"
		"bridge) is used.\n"
		"--wavert records as a Windows WaveRT client: the pin is created\n"
		"LOOPED_STREAMING, its cyclic buffer (--buffer-ms long, default the\n"
		"pin's whole buffer) is mapped with two notifications a cycle, and at\n"
		"each notification what the device recorded since the last one is\n"
		"copied out, up to its position register.  The device never waits:\n"
		"bytes it recorded over before they were copied are counted.\n",
		ksctl_prog);
}

static int record_stream(struct stream_opts *o, int pin_fd, int out_fd,
			 uint8_t *buf, uint64_t limit, uint64_t *frames)
{
	uint32_t block = frame_bytes(&o->format);
	size_t cap = CHUNK_BYTES / block * block;
	struct progress pr;
	int ret = 0;

	if (!cap)
		cap = block;
	progress_init(&pr, "record", o->format.rate);
	while (!ksctl_stop_requested && (!limit || *frames < limit)) {
		size_t want = cap;
		ssize_t n;
		int r;

		if (limit && (limit - *frames) * block < want)
			want = (limit - *frames) * block;
		r = wait_ready(pin_fd, POLLIN, &pr, *frames, -1);
		if (r <= 0) {
			ret = r;
			break;
		}
		n = read(pin_fd, buf, want);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			fprintf(stderr, "\n%s record: read from the pin failed: %s\n",
				ksctl_prog, strerror(errno));
			ret = -errno;
			break;
		}
		if (n == 0)
			break;		/* end of stream */
		r = write_out(out_fd, buf, n);
		if (r == -EPIPE)
			break;
		if (r < 0) {
			fprintf(stderr, "\n%s record: cannot write the output: %s\n",
				ksctl_prog, strerror(-r));
			ret = r;
			break;
		}
		*frames += n / block;
		progress_show(&pr, *frames, false);
	}
	progress_end(&pr, *frames);
	return ret;
}

/* Put the real sizes into a WAV header written with unknown ones. */
static void fix_wav_header(int fd, const struct ks_audio_params *p,
			   uint64_t bytes)
{
	uint8_t h[KSCTL_WAV_HEADER_MAX];
	size_t len = ksctl_wav_header(h, p, bytes);
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	if (pwrite(fd, h, len, 0) != (ssize_t)len)
		fprintf(stderr, "%s record: cannot update the WAV header: %s\n",
			ksctl_prog, strerror(errno));
}

int ksctl_record(int argc, char **argv)
{
	struct stream_opts o = { 0 };
	uint8_t *buf = malloc(CHUNK_BYTES), h[KSCTL_WAV_HEADER_MAX];
	int out_fd = STDOUT_FILENO, filter_fd = -1, pin_fd = -1;
	int ret = KSCTL_REFUSED;
	uint64_t limit, frames = 0;
	uint32_t pin = UINT32_MAX;
	char text[64];

	if (!buf)
		return KSCTL_REFUSED;
	if (parse_opts(argc, argv, &o, "p:f:o:wn:s:WB:h", true, record_usage)) {
		record_usage(stderr);
		free(buf);
		return KSCTL_USAGE;
	}
	limit = frame_limit(&o);
	if (resolve_device(&o, NULL))
		goto out;
	/* A WaveRT buffer is mapped shared and writable: a read-write pin. */
	filter_fd = open(o.path, (o.wavert ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (filter_fd < 0) {
		fprintf(stderr, "%s record: cannot open %s for %s: %s\n",
			ksctl_prog, o.path,
			o.wavert ? "reading and writing" : "reading",
			strerror(errno));
		goto out;
	}
	if (!o.wavert) {
		pin_fd = ksctl_open_pin("record", o.path, filter_fd,
					o.have_pin ? (int)o.pin : -1,
					KSPIN_DATAFLOW_OUT, &o.format, &pin);
		if (pin_fd < 0)
			goto out;
	}
	if (o.file) {
		out_fd = open(o.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644);
		if (out_fd < 0) {
			fprintf(stderr, "%s record: cannot create %s: %s\n",
				ksctl_prog, o.file, strerror(errno));
			goto out;
		}
	}
	if (o.wav && write_out(out_fd, h, ksctl_wav_header(h, &o.format,
			limit ? limit * frame_bytes(&o.format) : UINT64_MAX))) {
		fprintf(stderr, "%s record: cannot write the output: %s\n",
			ksctl_prog, strerror(errno));
		goto out;
	}
	ksctl_catch_stop_signals();
	if (o.wavert) {
		ret = record_wavert(&o, filter_fd, out_fd, buf, limit, &frames,
				    &pin) < 0 ? KSCTL_REFUSED : KSCTL_OK;
		if (pin == UINT32_MAX)
			goto out;
	} else {
		if (ksctl_set_state("record", pin_fd, KSSTATE_RUN) < 0)
			goto out;
		ret = record_stream(&o, pin_fd, out_fd, buf, limit, &frames) < 0 ?
		      KSCTL_REFUSED : KSCTL_OK;
		ksctl_set_state("record", pin_fd, KSSTATE_STOP);
	}
	if (o.wav && frames != limit)
		fix_wav_header(out_fd, &o.format,
			       frames * frame_bytes(&o.format));
	format_text(&o.format, text, sizeof(text));
	fprintf(stderr, "%s record: %llu frames (%.2f s of %s) from %s pin %u%s\n",
		ksctl_prog, (unsigned long long)frames,
		(double)frames / o.format.rate, text, o.path, pin,
		ksctl_stop_requested ? ", stopped by a signal" :
		limit && frames < limit ? ", end of stream" : "");
out:
	if (out_fd != STDOUT_FILENO && out_fd >= 0)
		close(out_fd);
	if (pin_fd >= 0)
		close(pin_fd);
	if (filter_fd >= 0)
		close(filter_fd);
	free(buf);
	return ret;
}

/* ---- tone ---- */

static void tone_usage(FILE *out)
{
	fprintf(out,
		"usage: %s tone [--format FORMAT] [--frequency HZ] [--amplitude A]\n"
		"              [--frames N | --seconds S] [-o FILE] [--wav] [> FILE]\n"
		"Write a sine tone: default 1000 Hz, amplitude 0.5, 1 second of\n"
		"pcm:48000:2:16; raw, or WAV when the file name ends in .wav or with --wav.\n"
		"Example: %s tone --seconds 2 | %s play ks-loopback\n",
		ksctl_prog, ksctl_prog, ksctl_prog);
}

int ksctl_tone(int argc, char **argv)
{
	struct stream_opts o = { .frequency = 1000, .amplitude = 0.5,
				 .seconds = 1 };
	uint8_t h[KSCTL_WAV_HEADER_MAX], *buf;
	uint64_t limit, done = 0;
	int fd = STDOUT_FILENO, ret = KSCTL_OK;
	uint32_t block;
	size_t cap;

	if (parse_opts(argc, argv, &o, "f:o:wn:s:F:a:h", false, tone_usage) ||
	    o.device) {
		tone_usage(stderr);
		return KSCTL_USAGE;
	}
	limit = frame_limit(&o);
	block = frame_bytes(&o.format);
	cap = CHUNK_BYTES / block;
	if (!cap)
		cap = 1;
	buf = malloc(cap * block);
	if (!buf)
		return KSCTL_REFUSED;
	if (o.file) {
		fd = open(o.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "%s tone: cannot create %s: %s\n",
				ksctl_prog, o.file, strerror(errno));
			free(buf);
			return KSCTL_REFUSED;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (o.wav && write_out(fd, h, ksctl_wav_header(h, &o.format,
						       limit * block)))
		ret = KSCTL_REFUSED;
	while (ret == KSCTL_OK && done < limit) {
		size_t n = limit - done < cap ? limit - done : cap;

		ksctl_tone_fill(&o.format, o.frequency, o.amplitude, done, buf, n);
		if (write_out(fd, buf, n * block)) {
			if (errno != EPIPE) {
				fprintf(stderr, "%s tone: cannot write: %s\n",
					ksctl_prog, strerror(errno));
				ret = KSCTL_REFUSED;
			}
			break;
		}
		done += n;
	}
	if (fd != STDOUT_FILENO)
		close(fd);
	free(buf);
	return ret;
}

/* ---- loopback-check ---- */

static void check_usage(FILE *out)
{
	fprintf(out,
		"usage: %s loopback-check [DEVICE] [--format FORMAT] [--frequency HZ]\n"
		"              [--frames N | --seconds S]\n"
		"Play a generated sine tone (default 1 s, 1000 Hz, pcm:48000:2:16) into\n"
		"the first render pin of DEVICE (default ks-loopback) while a second thread\n"
		"records its first capture pin, and compare every byte.  Exit status 0 when\n"
		"every frame came back unchanged and in order, 1 otherwise.\n",
		ksctl_prog);
}

struct check_writer {
	int fd;
	const struct ks_audio_params *format;
	double frequency, amplitude;
	uint64_t frames;	/* to send */
	uint64_t sent;
	int err;
};

static void *check_write_main(void *arg)
{
	struct check_writer *w = arg;
	uint32_t block = frame_bytes(w->format);
	size_t cap = CHUNK_BYTES / block ? CHUNK_BYTES / block : 1;
	uint8_t *buf = malloc(cap * block);

	if (!buf) {
		w->err = ENOMEM;
		return NULL;
	}
	while (w->sent < w->frames && !ksctl_stop_requested) {
		/* Odd chunk sizes, so that no boundary lines up by luck. */
		size_t n = w->frames - w->sent, i = 0;
		ssize_t r;

		if (n > cap - (w->sent % 7))
			n = cap - (w->sent % 7);
		ksctl_tone_fill(w->format, w->frequency, w->amplitude, w->sent,
				buf, n);
		while (i < n * block) {
			r = write(w->fd, buf + i, n * block - i);
			if (r < 0 && errno == EINTR && !ksctl_stop_requested)
				continue;
			if (r <= 0) {
				w->err = r < 0 ? errno : EIO;
				goto out;
			}
			i += r;
		}
		w->sent += n;
	}
out:
	free(buf);
	return NULL;
}

struct check_result {
	uint64_t received;	/* frames */
	uint64_t extra;		/* bytes beyond what was sent */
	int64_t first_diff;	/* byte offset, or -1 */
	int err;
	bool stalled;
};

static void check_read(int fd, const struct check_writer *w,
		       struct check_result *res)
{
	uint32_t block = frame_bytes(w->format);
	size_t cap = CHUNK_BYTES / block ? CHUNK_BYTES / block : 1;
	uint8_t *buf = malloc(cap * block + 1), *want = malloc(cap * block);
	uint64_t bytes = 0, total = w->frames * block;

	res->first_diff = -1;
	if (!buf || !want) {
		res->err = ENOMEM;
		goto out;
	}
	while (bytes < total && !ksctl_stop_requested) {
		size_t len = total - bytes < cap * block ? total - bytes :
			     cap * block;
		ssize_t n;
		int r = wait_ready(fd, POLLIN, NULL, 0, STALL_MS);

		if (r <= 0) {
			res->stalled = r == 0 && !ksctl_stop_requested;
			res->err = r < 0 ? -r : 0;
			break;
		}
		n = read(fd, buf, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			res->err = n < 0 ? errno : 0;
			break;
		}
		if (n % block || bytes % block) {
			res->err = EPROTO;	/* a partial frame */
			break;
		}
		ksctl_tone_fill(w->format, w->frequency, w->amplitude,
				bytes / block, want, n / block);
		if (res->first_diff < 0 && memcmp(buf, want, n)) {
			ssize_t i = 0;

			while (buf[i] == want[i])
				i++;
			res->first_diff = bytes + i;
		}
		bytes += n;
	}
	res->received = bytes / block;
	/* Anything after the last frame sent is wrong too. */
	if (bytes == total && !res->err) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN)) {
			int fl = fcntl(fd, F_GETFL);

			fcntl(fd, F_SETFL, fl | O_NONBLOCK);
			n = read(fd, buf, cap * block);
			if (n > 0)
				res->extra = n;
		}
	}
out:
	free(buf);
	free(want);
}

int ksctl_loopback_check(int argc, char **argv)
{
	struct stream_opts o = { .frequency = 1000, .amplitude = 0.5,
				 .seconds = 1 };
	struct check_writer w = { 0 };
	struct check_result res = { 0 };
	int filter_fd, render = -1, capture = -1, ret = KSCTL_REFUSED;
	uint32_t rpin, cpin;
	pthread_t thread;
	char text[64];
	double t0;

	if (parse_opts(argc, argv, &o, "f:n:s:F:h", false, check_usage)) {
		check_usage(stderr);
		return KSCTL_USAGE;
	}
	if (resolve_device(&o, "ks-loopback"))
		return KSCTL_REFUSED;
	filter_fd = open(o.path, O_RDWR | O_CLOEXEC);
	if (filter_fd < 0) {
		fprintf(stderr, "%s loopback-check: cannot open %s: %s\n",
			ksctl_prog, o.path, strerror(errno));
		return KSCTL_REFUSED;
	}
	render = ksctl_open_pin("loopback-check", o.path, filter_fd, -1,
				KSPIN_DATAFLOW_IN, &o.format, &rpin);
	capture = ksctl_open_pin("loopback-check", o.path, filter_fd, -1,
				 KSPIN_DATAFLOW_OUT, &o.format, &cpin);
	if (render < 0 || capture < 0)
		goto out;
	ksctl_catch_stop_signals();
	/* Capture first: frames reaching a Capture that does not run are lost. */
	if (ksctl_set_state("loopback-check", capture, KSSTATE_RUN) < 0 ||
	    ksctl_set_state("loopback-check", render, KSSTATE_RUN) < 0)
		goto out;

	w = (struct check_writer){
		.fd = render, .format = &o.format, .frequency = o.frequency,
		.amplitude = o.amplitude, .frames = frame_limit(&o),
	};
	format_text(&o.format, text, sizeof(text));
	printf("%s pin %u -> pin %u: %.2f s of a %.0f Hz tone as %s (%llu bytes)\n",
	       o.path, rpin, cpin, (double)w.frames / o.format.rate,
	       o.frequency, text,
	       (unsigned long long)(w.frames * frame_bytes(&o.format)));
	fflush(stdout);
	t0 = now_s();
	if (pthread_create(&thread, NULL, check_write_main, &w)) {
		fprintf(stderr, "%s loopback-check: no thread\n", ksctl_prog);
		goto out;
	}
	check_read(capture, &w, &res);
	if (res.stalled || res.err || ksctl_stop_requested) {
		/* The writer may be blocked: leave it, the exit ends it. */
		printf("%llu frames sent, %llu received: %s\n",
		       (unsigned long long)w.sent,
		       (unsigned long long)res.received,
		       ksctl_stop_requested ? "stopped by a signal" :
		       res.stalled ? "no data for 5 s" :
		       res.err == EPROTO ? "a read returned a partial frame" :
		       strerror(res.err));
		goto out;
	}
	pthread_join(thread, NULL);
	ksctl_set_state("loopback-check", render, KSSTATE_STOP);
	ksctl_set_state("loopback-check", capture, KSSTATE_STOP);
	if (w.err)
		printf("the writer failed: %s\n", strerror(w.err));
	printf("%llu frames sent, %llu received, ", (unsigned long long)w.sent,
	       (unsigned long long)res.received);
	if (!w.err && w.sent == res.received && res.first_diff < 0 &&
	    !res.extra) {
		printf("every byte equal (%.2f s)\n", now_s() - t0);
		ret = KSCTL_OK;
	} else if (res.first_diff >= 0) {
		printf("first difference at byte %lld\n",
		       (long long)res.first_diff);
	} else if (res.extra) {
		printf("and %llu bytes more than were sent\n",
		       (unsigned long long)res.extra);
	} else {
		printf("frames missing\n");
	}
out:
	if (render >= 0)
		close(render);
	if (capture >= 0)
		close(capture);
	close(filter_fd);
	fflush(stdout);
	if (ret != KSCTL_OK)
		_exit(ret);	/* a writer thread may still be blocked */
	return ret;
}
