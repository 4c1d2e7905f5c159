// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter benchmarks, run inside the VM by `make bench`.
 *
 * Every comparison times our operation and a baseline doing the same kind of
 * work in the same run, and prints "ratio NAME VALUE" (ours / baseline, lower
 * is better) followed by the absolute numbers.  Absolute times drift on shared
 * machines and under TCG; ratios measured side by side do much less.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/ks.h>

#include "../../module/samples/ks-tonegen.h"

#define ITERATIONS	100000
#define OPEN_PINS	1000

struct request {
	struct ks_pin_connect connect;
	struct ks_dataformat_waveformatex format;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* /dev/ksfilterN of the filter whose sysfs name is @name, opened O_RDWR. */
static int open_filter(const char *name)
{
	char path[320], buf[64];
	struct dirent *de;
	int fd = -1;
	DIR *dir;
	FILE *f;

	dir = opendir("/sys/class/ksfilter");
	if (!dir)
		return -1;
	while (fd < 0 && (de = readdir(dir))) {
		if (strncmp(de->d_name, "ksfilter", 8))
			continue;
		snprintf(path, sizeof(path), "/sys/class/ksfilter/%s/name", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && !strncmp(buf, name, strlen(name)) &&
		    buf[strlen(name)] == '\n') {
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
		}
		fclose(f);
	}
	closedir(dir);
	return fd;
}

static void build_request(struct request *req, unsigned int pin_id)
{
	static const struct ks_guid standard_if = KSINTERFACESETID_STANDARD;
	static const struct ks_guid standard_medium = KSMEDIUMSETID_STANDARD;
	static const struct ks_guid audio = KSDATAFORMAT_TYPE_AUDIO;
	static const struct ks_guid pcm = KSDATAFORMAT_SUBTYPE_PCM;
	static const struct ks_guid wfx = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
	struct ks_waveformatex *w = &req->format.wave_format;

	memset(req, 0, sizeof(*req));
	req->connect.interface.set = standard_if;
	req->connect.interface.id = KSINTERFACE_STANDARD_STREAMING;
	req->connect.medium.set = standard_medium;
	req->connect.medium.id = KSMEDIUM_TYPE_ANYINSTANCE;
	req->connect.pin_id = pin_id;
	req->connect.priority.priority_class = KSPRIORITY_NORMAL;
	req->format.data_format.format_size = sizeof(req->format);
	req->format.data_format.sample_size = 4;
	req->format.data_format.major_format = audio;
	req->format.data_format.sub_format = pcm;
	req->format.data_format.specifier = wfx;
	w->format_tag = KS_WAVE_FORMAT_PCM;
	w->channels = 2;
	w->samples_per_sec = 48000;
	w->bits_per_sample = 16;
	w->block_align = 4;
	w->avg_bytes_per_sec = 48000 * 4;
}

static int create_pin(int filter, struct request *req, unsigned int access)
{
	struct ks_create_pin cp = {
		.connect = (unsigned long)req,
		.connect_size = sizeof(struct ks_pin_connect) + sizeof(req->format),
		.desired_access = access,
		.flags = O_CLOEXEC,
	};

	return ioctl(filter, KS_IOCTL_CREATE_PIN, &cp);
}

static double time_eventfd(int n)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		int fd = eventfd(0, EFD_CLOEXEC);

		if (fd < 0) {
			perror("eventfd");
			exit(1);
		}
		close(fd);
	}
	return now() - t;
}

static double time_pins(int filter, struct request *req, unsigned int access, int n)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		int fd = create_pin(filter, req, access);

		if (fd < 0) {
			perror("KS_IOCTL_CREATE_PIN");
			exit(1);
		}
		close(fd);
	}
	return now() - t;
}

static void report(const char *name, const char *ours, double t_ours,
		   const char *base, double t_base, int n)
{
	printf("ratio %s %.3f\n", name, t_ours / t_base);
	printf("  %-36s %10.0f ns/op\n", ours, t_ours / n * 1e9);
	printf("  %-36s %10.0f ns/op\n", base, t_base / n * 1e9);
}

/* Pin create+close on ks-loopback's Render pin against eventfd()+close. */
static int bench_create(int n)
{
	struct request req;
	double t_pin, t_efd;
	int filter;

	filter = open_filter("ks-loopback");
	if (filter < 0) {
		fprintf(stderr, "no ks-loopback filter\n");
		return 1;
	}
	build_request(&req, 0);
	time_pins(filter, &req, KS_GENERIC_WRITE, n / 10);	/* warm up */
	time_eventfd(n / 10);
	t_pin = time_pins(filter, &req, KS_GENERIC_WRITE, n);
	t_efd = time_eventfd(n);
	report("pin_create_vs_eventfd", "pin create+close", t_pin,
	       "eventfd()+close", t_efd, n);
	close(filter);
	return 0;
}

/*
 * ks-tonegen's pin 1 ("Control"): IN, no instance limit, the CONTROL
 * interface, ks-tonegen's own medium and a wildcard stream range.
 */
static void build_control_request(struct request *req)
{
	static const struct ks_guid standard_if = KSINTERFACESETID_STANDARD;
	static const struct ks_guid tonegen_medium = TONEGEN_MEDIUM;
	static const struct ks_guid stream = KSDATAFORMAT_TYPE_STREAM;
	static const struct ks_guid none = KSDATAFORMAT_SUBTYPE_NONE;
	static const struct ks_guid spec_none = KSDATAFORMAT_SPECIFIER_NONE;

	memset(req, 0, sizeof(*req));
	req->connect.interface.set = standard_if;
	req->connect.interface.id = KSINTERFACE_STANDARD_CONTROL;
	req->connect.medium.set = tonegen_medium;
	req->connect.pin_id = TONEGEN_PIN_CONTROL;
	req->format.data_format.format_size = sizeof(struct ks_dataformat);
	req->format.data_format.major_format = stream;
	req->format.data_format.sub_format = none;
	req->format.data_format.specifier = spec_none;
}

/*
 * Creation with OPEN_PINS pins already open on the same pin type against
 * none open.
 */
static int bench_create_loaded(int n)
{
	static int open_fds[OPEN_PINS];
	double t_empty, t_loaded;
	struct request req;
	int filter, i;

	filter = open_filter(TONEGEN_NAME);
	if (filter < 0) {
		printf("# ks-tonegen not loaded: create_1000_open_vs_0 skipped\n");
		return 0;
	}
	build_control_request(&req);
	time_pins(filter, &req, KS_GENERIC_WRITE, n / 10);
	t_empty = time_pins(filter, &req, KS_GENERIC_WRITE, n);
	for (i = 0; i < OPEN_PINS; i++) {
		open_fds[i] = create_pin(filter, &req, KS_GENERIC_WRITE);
		if (open_fds[i] < 0) {
			perror("KS_IOCTL_CREATE_PIN (holding)");
			return 1;
		}
	}
	t_loaded = time_pins(filter, &req, KS_GENERIC_WRITE, n);
	for (i = 0; i < OPEN_PINS; i++)
		close(open_fds[i]);
	report("create_1000_open_vs_0", "create+close, 1000 open", t_loaded,
	       "create+close, none open", t_empty, n);
	close(filter);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : ITERATIONS;

	if (n <= 0)
		n = ITERATIONS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return bench_create(n) | bench_create_loaded(n);
}
