/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksctl: shared declarations of the subcommands.
 */
#ifndef _KSCTL_H
#define _KSCTL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "libks.h"

/* Exit codes. */
#define KSCTL_OK	0
#define KSCTL_REFUSED	1	/* the kernel refused, or a device is missing */
#define KSCTL_USAGE	2

/* ---- the program's name and the stop signals (ksctl-util.c) ---- */

extern const char *ksctl_prog;

/*
 * Set by SIGINT or SIGTERM once ksctl_catch_stop_signals() ran: streaming
 * commands stop and report what they did.  The handlers are installed
 * without SA_RESTART, so a blocked call returns EINTR; SIGPIPE is ignored.
 */
extern volatile sig_atomic_t ksctl_stop_requested;
void ksctl_catch_stop_signals(void);

/* ---- filters and node controls in words (ksctl-util.c) ---- */

/* The highest filter number ksctl takes from a command line, plus one. */
#define KSCTL_MAX_FILTERS	1024

/*
 * A filter given on the command line: /dev/ksfilterN, ksfilterN, N or a
 * filter name such as ks-loopback.  Returns N or -1 (message printed).
 */
int ksctl_filter_arg(const char *arg);

/*
 * Open the filter given as @arg (as ksctl_filter_arg()) read-write, or
 * read-only if only that is allowed; its path goes to @path (@size bytes).
 * Returns the fd, or -1 with a message naming @cmd.
 */
int ksctl_open_filter_arg(const char *cmd, const char *arg, char *path,
			  size_t size);

/* The first pin type a client can create alone (SINK or BOTH), or -1. */
int ksctl_default_pin(int filter_fd);

/* A node type's KSNODETYPE_ name without the prefix ("VOLUME"), or its GUID. */
const char *ksctl_node_type_str(const struct ks_guid *type, char *buf);

/*
 * The node controls ksctl knows, by name ("volume", "mute", "mux") and
 * KSPROPERTY_AUDIO_* id; ksctl_control_at(i) is the i-th, 0 past the last.
 */
const char *ksctl_control_name(uint32_t id);
int ksctl_control_id(const char *name, uint32_t *id);
uint32_t ksctl_control_at(unsigned int i);

/* A volume (1/65536 dB) as "-6.02", "+12.00" with @sign. */
const char *ksctl_db_str(int32_t v, bool sign, char *buf, size_t size);

/* A volume step (1/65536 dB) in dB with the digits it needs ("0.0000153"). */
const char *ksctl_step_str(uint32_t step, char *buf, size_t size);

/*
 * "-6.0206", "-6.0206dB" or "-6.0206 dB" as 1/65536 dB, rounded.  0, or -1
 * for anything else.
 */
int ksctl_parse_db(const char *text, int32_t *value);

/* ---- pins of the streaming commands (ksctl-stream.c) ---- */

/*
 * Create pin @pin (or the first with @dataflow that a client can create
 * alone, a SINK or BOTH, when @pin < 0) of the open filter @filter_fd
 * (@path, for messages of command @cmd) with format @p, for write access
 * on a dataflow IN pin and read access on an OUT one.  Returns the pin fd
 * and its id in *@pin_out, or -1 after explaining the refusal.
 */
int ksctl_open_pin(const char *cmd, const char *path, int filter_fd, int pin,
		   uint32_t dataflow, const struct ks_audio_params *p,
		   uint32_t *pin_out);

/*
 * The same with the interface {Standard, @interface} (KSINTERFACE_STANDARD_*)
 * and @access (KS_GENERIC_READ and/or KS_GENERIC_WRITE) given.
 */
int ksctl_open_pin_as(const char *cmd, const char *path, int filter_fd,
		      int pin, uint32_t dataflow,
		      const struct ks_audio_params *p, uint32_t interface,
		      uint32_t access, uint32_t *pin_out);

/* KSPROPERTY_CONNECTION_STATE; a message on failure.  0 or -errno. */
int ksctl_set_state(const char *cmd, int pin_fd, uint32_t state);

/* End the stream written to @pin_fd: a header with ENDOFSTREAM.  0 or -errno. */
int ksctl_end_of_stream(int pin_fd);

/* ---- the commands, which main() (ksctl.c) dispatches to ---- */

int ksctl_list(int argc, char **argv);
int ksctl_connect(int argc, char **argv);
int ksctl_interfaces(int argc, char **argv);
int ksctl_graph(int argc, char **argv);
int ksctl_play(int argc, char **argv);
int ksctl_record(int argc, char **argv);
int ksctl_tone(int argc, char **argv);
int ksctl_loopback_check(int argc, char **argv);
int ksctl_version(int argc, char **argv);
int ksctl_topology(int argc, char **argv);
int ksctl_control(int argc, char **argv);
int ksctl_events(int argc, char **argv);
int ksctl_clock(int argc, char **argv);

/* ---- WAV headers and the tone (ksctl-wav.c) ---- */

/* The largest header ksctl_wav_header() writes (WAVEFORMATEXTENSIBLE). */
#define KSCTL_WAV_HEADER_MAX	68

/*
 * Read a WAV header from @fd, of which the first @have bytes (at most 12,
 * "RIFF...") were read already into @riff.  Leaves @fd at the first sample.
 * *@data_size is the data chunk's size, UINT64_MAX for "to end of file".
 * Returns 0, or a negative errno with *@why saying what is wrong.
 */
int ksctl_wav_read_header(int fd, const uint8_t *riff, size_t have,
			  struct ks_audio_params *params, uint64_t *data_size,
			  const char **why);

/*
 * Write a WAV header for @data_size bytes of samples (UINT64_MAX: unknown)
 * into @h (KSCTL_WAV_HEADER_MAX bytes); WAVE_FORMAT_EXTENSIBLE when
 * @params asks for it.  Returns the header's length.
 */
size_t ksctl_wav_header(uint8_t *h, const struct ks_audio_params *params,
			uint64_t data_size);

/* 0 when ksctl_tone_fill() can produce @params (whole-byte samples). */
int ksctl_tone_check(const struct ks_audio_params *params);

/*
 * @frames frames of a sine tone of @freq Hz and @amplitude (0..1) in the
 * format @params, starting at frame @start (so consecutive calls continue
 * the tone); channel c is shifted by c * pi/8.
 */
void ksctl_tone_fill(const struct ks_audio_params *params, double freq,
		     double amplitude, uint64_t start, void *buf,
		     size_t frames);

/* A minimal JSON writer: keeps track of commas and indentation. */
struct json {
	FILE *out;
	int depth;
	bool first;
};

void json_begin(struct json *j, FILE *out);
void json_open(struct json *j, const char *key, char bracket);
void json_close(struct json *j, char bracket);
void json_str(struct json *j, const char *key, const char *value);
void json_uint(struct json *j, const char *key, unsigned long long value);
void json_int(struct json *j, const char *key, long long value);
/* A number with up to @decimals digits after the point ("-6.020599"). */
void json_fixed(struct json *j, const char *key, double value, int decimals);
void json_bool(struct json *j, const char *key, bool value);
void json_end(struct json *j);

#endif /* _KSCTL_H */
