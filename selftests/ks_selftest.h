/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the ksfilter kselftests: finding filters, building
 * KS_IOCTL_CREATE_PIN requests byte by byte, reading fdinfo, sysfs and the
 * debugfs counters, loading and unloading the sample modules.
 *
 * The tests issue KS_IOCTL_CREATE_PIN themselves (not through libks) so that
 * every field of struct ks_create_pin is under their control; libks only
 * builds the formats.
 */
#ifndef _KS_SELFTEST_H
#define _KS_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ks.h>
#include "libks.h"
#include "kselftest_harness.h"

#ifndef EMEDIUMTYPE
#define EMEDIUMTYPE 124
#endif

/* What ks_create() leaves in reason when the kernel did not write it. */
#define REASON_UNSET 0xdeadbeefu

#define LOOPBACK_NAME	"ks-loopback"
#define PIN_RENDER	0
#define PIN_CAPTURE	1

#define STATS_PATH	"/sys/kernel/debug/ksfilter/stats"

/*
 * SKIP from a FIXTURE_SETUP.  Up to Linux 6.8 the harness runs the test body
 * even when the setup skipped (it only looks at "passed"), so the child
 * leaves at once with the status that harness reads as a skip (255).  The
 * harness that has XFAIL() (6.9 on) stops after a skipping setup by itself.
 * Use only in a setup, after any fd it opened is closed.
 */
#ifdef XFAIL
#define SETUP_SKIP(fmt, ...) SKIP(return, fmt, ##__VA_ARGS__)
#else
#define SETUP_SKIP(fmt, ...) do {					\
	SKIP(, fmt, ##__VA_ARGS__);					\
	fflush(NULL);							\
	_exit(255);							\
} while (0)
#endif

/* Name of a reason code for the logs. */
static inline const char *reason_name(uint32_t reason)
{
	const char *name = ks_reason_name(reason);

	return name ? name : reason == REASON_UNSET ? "(not written)" : "?";
}

/*
 * Expect the reason a test fixture's last ks_create() got (self->reason),
 * naming both in the log when they differ.
 */
#define EXPECT_REASON(want)						\
	EXPECT_EQ((uint32_t)(want), self->reason)			\
		TH_LOG("reason: expected %s, got %s (%u)",		\
		       reason_name(want), reason_name(self->reason),	\
		       self->reason)

/* A pin creation request: KSPIN_CONNECT, then the format and any extras. */
struct ks_req {
	struct ks_pin_connect c;
	union {
		struct ks_dataformat df;
		struct ks_dataformat_waveformatex wfx;
		struct ks_dataformat_waveformatextensible ext;
		unsigned char raw[4096];
	} f;
};

/*
 * KS_IOCTL_CREATE_PIN with every argument given.  Returns the pin fd or
 * -errno; *reason gets what the kernel wrote (REASON_UNSET if nothing).
 */
static inline int ks_create(int filter_fd, const void *blob, uint32_t size,
			    uint32_t access, uint32_t flags, uint32_t *reason)
{
	struct ks_create_pin req = {
		.connect = (uintptr_t)blob,
		.connect_size = size,
		.desired_access = access,
		.flags = flags,
		.reason = REASON_UNSET,
	};
	int fd;

	fd = ioctl(filter_fd, KS_IOCTL_CREATE_PIN, &req);
	if (reason)
		*reason = req.reason;
	return fd < 0 ? -errno : fd;
}

/* What a raw call leaves in ks_ioctl_buffers.returned for the kernel. */
#define RET_UNSET	0xdeadbeefu

/*
 * An ioctl on struct ks_ioctl_buffers (a property, an event) with every
 * field given, as the tests issue them themselves.  Returns the ioctl's
 * value (0) or -errno; *returned gets what the kernel wrote (RET_UNSET if
 * nothing).
 */
static inline int ks_buffers_ioctl(int fd, unsigned long cmd, const void *in,
				   uint32_t in_size, void *out,
				   uint32_t out_size, uint32_t *returned)
{
	struct ks_ioctl_buffers io = {
		.in = (uintptr_t)in,
		.out = (uintptr_t)out,
		.in_size = in_size,
		.out_size = out_size,
		.returned = RET_UNSET,
	};
	int ret = ioctl(fd, cmd, &io);

	if (returned)
		*returned = io.returned;
	return ret < 0 ? -errno : ret;
}

/* A default request for @pin with a PCM/float WAVEFORMATEX; returns its size. */
static inline uint32_t req_audio(struct ks_req *r, uint32_t pin,
				 enum ks_sample_type type, uint32_t rate,
				 uint16_t channels, uint16_t bits)
{
	memset(r, 0, sizeof(*r));
	ks_connect_init(&r->c, pin);
	ks_build_audio_format(&r->f.wfx, type, rate, channels, bits);
	return sizeof(r->c) + sizeof(r->f.wfx);
}

/* The same with WAVEFORMATEXTENSIBLE. */
static inline uint32_t req_audio_ext(struct ks_req *r, uint32_t pin,
				     enum ks_sample_type type, uint32_t rate,
				     uint16_t channels, uint16_t bits)
{
	memset(r, 0, sizeof(*r));
	ks_connect_init(&r->c, pin);
	ks_build_audio_format_ext(&r->f.ext, type, rate, channels, bits, 0);
	return sizeof(r->c) + sizeof(r->f.ext);
}

/* pcm:48000:2:16, the format most tests use. */
static inline uint32_t req_default(struct ks_req *r, uint32_t pin)
{
	return req_audio(r, pin, KS_SAMPLE_PCM, 48000, 2, 16);
}

static inline uint32_t pin_access(uint32_t pin)
{
	return pin == PIN_CAPTURE ? KS_GENERIC_READ : KS_GENERIC_WRITE;
}

/* Open /dev/ksfilter@idx with @oflags; -errno on failure. */
static inline int open_filter(int idx, int oflags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/ksfilter%d", idx);
	fd = open(path, oflags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static inline void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The directory of the test modules: $KS_MODULE_DIR or /lib/ks. */
static inline const char *module_dir(void)
{
	const char *d = getenv("KS_MODULE_DIR");

	return d && *d ? d : "/lib/ks";
}

/* The ksctl to test: $KSCTL, /bin/ksctl (the VM) or ../tools/ksctl. */
static inline const char *ksctl_path(void)
{
	const char *p = getenv("KSCTL");

	if (p && *p)
		return p;
	if (access("/bin/ksctl", X_OK) == 0)
		return "/bin/ksctl";
	if (access("../tools/ksctl", X_OK) == 0)
		return "../tools/ksctl";
	return NULL;
}

/* Run "ksctl @args", output into @buf; returns the exit status or -1. */
static inline int run_ksctl(const char *args, char *buf, size_t size)
{
	const char *ksctl = ksctl_path();
	char cmd[512];
	size_t n = 0, r;
	FILE *f;
	int st;

	if (!ksctl)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1 </dev/null", ksctl, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (n + 1 < size && (r = fread(buf + n, 1, size - 1 - n, f)) > 0)
		n += r;
	buf[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Read a one-line file into @buf without its newline; 0 or -errno. */
static inline int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * The value of "@key<sep>value" in /proc/self/fdinfo/@fd, where <sep> is
 * ':' and/or blanks.  Returns 0 with the value in @buf, or -ENOENT.
 */
static inline int fdinfo_value(int fd, const char *key, char *buf,
			       size_t size)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + klen;

		if (strncmp(line, key, klen) || (*v != ':' && *v != ' ' &&
						 *v != '\t'))
			continue;
		v += strspn(v, ": \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(buf, size, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* The number after @key in @fd's fdinfo, or -1. */
static inline long long fdinfo_number(int fd, const char *key)
{
	char v[64];

	if (fdinfo_value(fd, key, v, sizeof(v)))
		return -1;
	return strtoll(v, NULL, 10);
}

/*
 * A counter ("filters", "pins") from the debugfs stats file, mounting debugfs
 * if needed.  Returns the value, or -1 when the file or the line is absent.
 */
static inline long stats_counter(const char *name)
{
	char line[128], key[64];
	long value = -1, v;
	FILE *f;

	/* An absent debugfs just leaves the counter at -1. */
	if (access("/sys/kernel/debug/ksfilter", F_OK) &&
	    system("mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null"))
		return -1;
	f = fopen(STATS_PATH, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^: \t]%*[: \t]%ld", key, &v) == 2 &&
		    !strcmp(key, name)) {
			value = v;
			break;
		}
	}
	fclose(f);
	return value;
}

/*
 * finit_module of @file (in module_dir()) with @params: 0, also when it is
 * loaded already, or -errno.
 */
static inline int load_module(const char *file, const char *params)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", module_dir(), file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret < 0 && errno != EEXIST ? -errno : 0;
	close(fd);
	return ret;
}

/* delete_module of @name, without waiting: 0 or -errno. */
static inline int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) < 0 ? -errno : 0;
}

/*
 * Unload @name, retrying for a second while it is busy: the last
 * references of closed pins may be dropped a little after close().
 */
static inline int unload_module_wait(const char *name)
{
	int i, ret = unload_module(name);

	for (i = 0; i < 100 && (ret == -EWOULDBLOCK || ret == -EBUSY); i++) {
		usleep(10000);
		ret = unload_module(name);
	}
	return ret;
}

/* Write @value to the file @path (a module parameter); 0 or -errno. */
static inline int write_file(const char *path, const char *value)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Write all of @len bytes to the blocking @fd; 0 or -errno. */
static inline int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/* The number in the file @path (Y/N as 1/0), or -1. */
static inline long read_number(const char *path)
{
	char buf[32];

	if (read_line(path, buf, sizeof(buf)) || !buf[0])
		return -1;
	if (buf[0] == 'Y')
		return 1;
	if (buf[0] == 'N')
		return 0;
	return strtol(buf, NULL, 10);
}

/*
 * A test binary that loads @file (e.g. "ks-audio.ko") with its own value
 * of the module's parameter @param (a path in /sys/module/.../parameters)
 * leaves the module @modname as the run found it: at exit it is unloaded,
 * and loaded again with the value it had at the start if it was loaded
 * then.  Once per binary, at file scope.
 */
#define KS_LEAVE_MODULE_AS_FOUND(modname, file, param)			\
static pid_t ks_found_pid;						\
static long ks_found_value = -1;					\
									\
__attribute__((constructor)) static void ks_note_module(void)		\
{									\
	ks_found_pid = getpid();					\
	ks_found_value = read_number(param);				\
}									\
									\
__attribute__((destructor)) static void ks_restore_module(void)	\
{									\
	const char *name = strrchr(param, '/');				\
	char params[64];						\
									\
	if (getpid() != ks_found_pid)					\
		return;							\
	unload_module_wait(modname);					\
	if (ks_found_value > 0) {					\
		snprintf(params, sizeof(params), "%s=%ld", name + 1,	\
			 ks_found_value);				\
		load_module(file, params);				\
	}								\
}


/*
 * Why the last load_sample() or chain_index() failed: which module, which
 * errno, or which filter it did not register.  For TH_LOG().
 */
static char ks_sample_why[320];

/*
 * load_module() of the sample @file, noting in ks_sample_why why it failed:
 * 0 or -errno.  Inside the VM every sample is in module_dir(), so callers
 * fail on an error (ASSERT_SAMPLE()), never skip.
 */
static inline int load_sample(const char *file, const char *params)
{
	int ret = load_module(file, params);

	if (ret < 0)
		snprintf(ks_sample_why, sizeof(ks_sample_why),
			 "cannot load %s/%s%s%s: %s (errno %d)", module_dir(),
			 file, params && *params ? " " : "",
			 params ? params : "", strerror(-ret), -ret);
	return ret;
}

/*
 * The index of filter @filter, loading @file (from module_dir()) with
 * @params first when it is missing.  -errno of the load when the module
 * cannot be loaded, -ENODEV when it loads but registers no @filter; either
 * way ks_sample_why says which.
 */
static inline int chain_index(const char *filter, const char *file,
			      const char *params)
{
	int idx = ks_find_filter(filter), ret;

	if (idx >= 0)
		return idx;
	ret = load_sample(file, params);
	if (ret < 0)
		return ret;
	idx = ks_find_filter(filter);
	if (idx < 0) {
		snprintf(ks_sample_why, sizeof(ks_sample_why),
			 "%s/%s is loaded but registered no %s filter",
			 module_dir(), file, filter);
		return -ENODEV;
	}
	return idx;
}

/*
 * A sample module's load_sample() or chain_index() result @ret: a failure
 * of the test (or of its setup) when negative, saying which module and
 * which errno.
 */
#define ASSERT_SAMPLE(ret) \
	ASSERT_LE(0, (ret)) TH_LOG("%s", ks_sample_why)

/*
 * The ks-loopback filter that ksfilter.ko registers, from a setup: a
 * failure, not a skip, when it is missing (the VM loads ksfilter.ko).
 */
#define ASSERT_LOOPBACK(idx) \
	ASSERT_LE(0, (idx)) TH_LOG("no " LOOPBACK_NAME " filter: %s " \
				   "(ksfilter.ko not loaded?)",		\
				   strerror(-(idx)))

/* ---- eventfds: the handles of KS events and WaveRT notifications ---- */

/* CLOCK_MONOTONIC in ms, for the timeouts below. */
static inline long long ks_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Sleep @ms, through signals. */
static inline void ks_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A non-blocking eventfd (@flags: EFD_SEMAPHORE or 0): fd or -errno. */
static inline int efd_open(int flags)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK | flags);

	return fd < 0 ? -errno : fd;
}

/* One read: the counter (1 on an EFD_SEMAPHORE eventfd), 0, or -errno. */
static inline long long efd_take(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) == sizeof(v))
		return (long long)v;
	return errno == EAGAIN ? 0 : -errno;
}

/*
 * What @fd is signalled with, read until it adds up to @want or @ms pass:
 * the total (it may be above @want), or -errno.
 */
static inline long long efd_wait(int fd, long long want, int ms)
{
	long long end = ks_now_ms() + ms, total = 0, v;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		while ((v = efd_take(fd)) > 0)
			total += v;
		if (v < 0)
			return v;
		if (total >= want || ks_now_ms() >= end)
			return total;
		poll(&p, 1, (int)(end - ks_now_ms() > 0 ?
				  end - ks_now_ms() : 0));
	}
}

/* What @fd is signalled with over @ms (expected: nothing). */
static inline long long efd_quiet(int fd, int ms)
{
	return efd_wait(fd, LLONG_MAX, ms);
}

/*
 * ---- a thread that rewrites one byte of a request under a call ----
 *
 * flip_start() sets *byte to value[0], value[1], value[0], ... as fast as
 * it can until flip_stop(), which leaves value[0] there.  One byte is
 * always read whole: any one copy of the request sees one version of it.
 */
struct flipper {
	volatile uint8_t *byte;
	uint8_t value[2];
	int stop;
	pthread_t thread;
	cpu_set_t caller_cpus;		/* the caller's, while it runs */
};

static inline void *flip_thread(void *arg)
{
	struct flipper *f = arg;
	unsigned long n = 0;

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED))
		__atomic_store_n(f->byte, f->value[++n & 1], __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Start rewriting *f->byte: value[0], value[1], value[0], ...  With two
 * CPUs or more the caller runs on the first and the thread on the second,
 * so that the two always run at once: on one CPU the caller could make
 * all its calls in one time slice, between two rewrites.
 */
static inline int flip_start(struct flipper *f)
{
	pthread_attr_t attr;
	cpu_set_t cpus;
	int ret;

	f->stop = 0;
	pthread_attr_init(&attr);
	sched_getaffinity(0, sizeof(f->caller_cpus), &f->caller_cpus);
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
		CPU_ZERO(&cpus);
		CPU_SET(1, &cpus);
		pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	}
	ret = pthread_create(&f->thread, &attr, flip_thread, f);
	pthread_attr_destroy(&attr);
	return ret;
}

static inline void flip_stop(struct flipper *f)
{
	__atomic_store_n(&f->stop, 1, __ATOMIC_RELAXED);
	pthread_join(f->thread, NULL);
	*f->byte = f->value[0];
	sched_setaffinity(0, sizeof(f->caller_cpus), &f->caller_cpus);
}

#endif /* _KS_SELFTEST_H */
