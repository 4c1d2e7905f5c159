// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl: what the subcommands share: the program's name for messages, the
 * stop that SIGINT and SIGTERM ask for, a filter named on the command
 * line, and node controls in words.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ksctl.h"

const char *ksctl_prog = "ksctl";

volatile sig_atomic_t ksctl_stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	ksctl_stop_requested = 1;
}

void ksctl_catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int ksctl_filter_arg(const char *arg)
{
	const char *base = strrchr(arg, '/');
	unsigned long v;
	char *end;
	int idx;

	base = base ? base + 1 : arg;
	if (!strncmp(base, "ksfilter", 8))
		base += 8;
	v = strtoul(base, &end, 10);
	if (end != base && !*end && v < KSCTL_MAX_FILTERS)
		return v;
	idx = ks_find_filter(arg);
	if (idx >= 0)
		return idx;
	fprintf(stderr, "%s: no filter '%s': give /dev/ksfilterN or a filter name (see '%s list')\n",
		ksctl_prog, arg, ksctl_prog);
	return -1;
}

int ksctl_open_filter_arg(const char *cmd, const char *arg, char *path,
			  size_t size)
{
	int idx = ksctl_filter_arg(arg), fd;

	if (idx < 0)
		return -1;
	snprintf(path, size, "/dev/ksfilter%d", idx);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "%s %s: cannot open %s: %s%s\n", ksctl_prog, cmd,
			path, strerror(errno),
			errno == EACCES ? " (check the device's group and permissions)" : "");
	return fd;
}

int ksctl_default_pin(int filter_fd)
{
	int n = ks_pin_count(filter_fd), i;

	for (i = 0; i < n; i++) {
		uint32_t comm;

		if (ks_pin_communication(filter_fd, i, &comm) == 0 &&
		    (comm == KSPIN_COMMUNICATION_SINK ||
		     comm == KSPIN_COMMUNICATION_BOTH))
			return i;
	}
	return -1;
}

const char *ksctl_node_type_str(const struct ks_guid *type, char *buf)
{
	const char *name = ks_guid_name(type);

	if (name && !strncmp(name, "KSNODETYPE_", 11))
		return name + 11;
	return name ? name : ks_guid_str(type, buf);
}

static const struct {
	const char *name;
	uint32_t id;
} controls[] = {
	{ "volume", KSPROPERTY_AUDIO_VOLUMELEVEL },
	{ "mute", KSPROPERTY_AUDIO_MUTE },
	{ "mux", KSPROPERTY_AUDIO_MUX_SOURCE },
};

const char *ksctl_control_name(uint32_t id)
{
	size_t i;

	for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++)
		if (controls[i].id == id)
			return controls[i].name;
	return NULL;
}

int ksctl_control_id(const char *name, uint32_t *id)
{
	size_t i;

	for (i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		if (!strcmp(controls[i].name, name)) {
			*id = controls[i].id;
			return 0;
		}
	}
	return -1;
}

uint32_t ksctl_control_at(unsigned int i)
{
	return i < sizeof(controls) / sizeof(controls[0]) ? controls[i].id : 0;
}

/* "-6.02 dB", "+12.00" with @sign. */
const char *ksctl_db_str(int32_t v, bool sign, char *buf, size_t size)
{
	snprintf(buf, size, sign ? "%+.2f" : "%.2f", v / 65536.0);
	return buf;
}

/* A step in dB with the digits it needs: "0.0000153", "0.50", "1.00". */
const char *ksctl_step_str(uint32_t step, char *buf, size_t size)
{
	double db = step / 65536.0;
	size_t n;
	char *dot;

	snprintf(buf, size, "%.7f", db);
	dot = strchr(buf, '.');
	if (!dot)
		return buf;
	n = strlen(buf);
	while (n > (size_t)(dot - buf) + 3 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (db > 0 && db < 0.0000001)
		snprintf(buf, size, "%.3g", db);
	return buf;
}

int ksctl_parse_db(const char *text, int32_t *value)
{
	double db, v;
	char *end;

	errno = 0;
	db = strtod(text, &end);
	if (errno || end == text || !isfinite(db))
		return -1;
	while (*end == ' ')
		end++;
	if (*end && strcasecmp(end, "dB"))
		return -1;
	v = round(db * 65536.0);
	if (v < INT32_MIN || v > INT32_MAX)
		return -1;
	*value = (int32_t)v;
	return 0;
}
