// SPDX-License-Identifier: GPL-2.0
/*
 * Pin and filter file descriptors (SPEC 3.3, 4, 5, 7): open modes and fd
 * flags of a new pin, the filter fd's access, a pin fd outliving its filter
 * fd, unknown ioctls, KS_IOCTL_VERSION, read/write in KSSTATE_STOP, fdinfo,
 * sysfs, concurrent creation and the debugfs live-object counters.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "ks_selftest.h"
#include "../module/samples/ks-chain.h"
#include "../module/samples/ks-tonegen.h"

FIXTURE(pinfd) {
	int idx;
	int filter;
	int pin[2];
	struct ks_req req;
	uint32_t reason;
};

FIXTURE_SETUP(pinfd)
{
	self->filter = self->pin[0] = self->pin[1] = -1;
	self->idx = ks_find_filter(LOOPBACK_NAME);
	ASSERT_LOOPBACK(self->idx);
	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
}

FIXTURE_TEARDOWN(pinfd)
{
	close_fd(&self->pin[0]);
	close_fd(&self->pin[1]);
	close_fd(&self->filter);
}

/* Create a default pcm:48000:2:16 pin into self->pin[pin]. */
static int make_pin(FIXTURE_DATA(pinfd) *self, uint32_t pin, uint32_t flags)
{
	uint32_t size = req_default(&self->req, pin);
	int fd = ks_create(self->filter, &self->req, size, pin_access(pin),
			   flags, &self->reason);

	if (fd >= 0)
		self->pin[pin] = fd;
	return fd;
}

/* ---- open mode and fd flags of a new pin (SPEC 5) ---- */

TEST_F(pinfd, render_pin_fd_is_write_only)
{
	int fl;

	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	fl = fcntl(self->pin[PIN_RENDER], F_GETFL);
	ASSERT_LE(0, fl);
	EXPECT_EQ(O_WRONLY, fl & O_ACCMODE);
}

TEST_F(pinfd, capture_pin_fd_is_read_only)
{
	int fl;

	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, 0));
	fl = fcntl(self->pin[PIN_CAPTURE], F_GETFL);
	ASSERT_LE(0, fl);
	EXPECT_EQ(O_RDONLY, fl & O_ACCMODE);
}

/* The VFS enforces the open mode: no read on a write-only pin. */
TEST_F(pinfd, open_mode_enforced_by_vfs)
{
	char buf[4] = { 0 };

	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, 0));
	EXPECT_EQ(-1, read(self->pin[PIN_RENDER], buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, write(self->pin[PIN_CAPTURE], buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(pinfd, o_cloexec_sets_fd_cloexec)
{
	ASSERT_LE(0, make_pin(self, PIN_RENDER, O_CLOEXEC));
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->pin[PIN_RENDER], F_GETFD) & FD_CLOEXEC);
}

TEST_F(pinfd, without_o_cloexec_fd_cloexec_clear)
{
	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	EXPECT_EQ(0, fcntl(self->pin[PIN_RENDER], F_GETFD) & FD_CLOEXEC);
}

TEST_F(pinfd, o_nonblock_honoured)
{
	ASSERT_LE(0, make_pin(self, PIN_RENDER, O_NONBLOCK));
	EXPECT_EQ(O_NONBLOCK, fcntl(self->pin[PIN_RENDER], F_GETFL) & O_NONBLOCK);
	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, O_NONBLOCK | O_CLOEXEC));
	EXPECT_EQ(O_NONBLOCK, fcntl(self->pin[PIN_CAPTURE], F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->pin[PIN_CAPTURE], F_GETFD) & FD_CLOEXEC);
}

TEST_F(pinfd, without_o_nonblock_blocking)
{
	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, 0));
	EXPECT_EQ(0, fcntl(self->pin[PIN_CAPTURE], F_GETFL) & O_NONBLOCK);
}

/* A pin fd is a new file: not the filter's, not another pin's. */
TEST_F(pinfd, pin_fd_is_anonymous_inode)
{
	struct stat pst, fst;

	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	ASSERT_EQ(0, fstat(self->pin[PIN_RENDER], &pst));
	ASSERT_EQ(0, fstat(self->filter, &fst));
	EXPECT_TRUE(S_ISCHR(fst.st_mode));
	EXPECT_FALSE(S_ISCHR(pst.st_mode));
	EXPECT_NE(fst.st_ino, pst.st_ino);
}

/* ---- the filter fd's access (SPEC 4, row 7) ---- */

TEST_F(pinfd, readonly_filter_fd_cannot_create_write_pin)
{
	uint32_t size = req_default(&self->req, PIN_RENDER);
	int ro = open_filter(self->idx, O_RDONLY);

	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, ks_create(ro, &self->req, size, KS_GENERIC_WRITE, 0,
				     &self->reason));
	EXPECT_REASON(KS_REASON_FILTER_ACCESS);
	close(ro);
}

/* ---- a pin fd outlives its filter fd ---- */

TEST_F(pinfd, pin_fd_outlives_filter_fd)
{
	char buf[4] = { 0 }, val[64];
	uint32_t size;

	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	close_fd(&self->filter);

	/* The pin still answers as a stopped pin of a live filter. */
	EXPECT_EQ(-1, write(self->pin[PIN_RENDER], buf, sizeof(buf)));
	EXPECT_EQ(EBADFD, errno);
	ASSERT_EQ(0, fdinfo_value(self->pin[PIN_RENDER], "ks-state", val,
				  sizeof(val)));
	EXPECT_STREQ("STOP", val);

	/* Its instance is still taken ... */
	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	size = req_default(&self->req, PIN_RENDER);
	EXPECT_EQ(-EBUSY, ks_create(self->filter, &self->req, size,
				    KS_GENERIC_WRITE, 0, &self->reason));
	EXPECT_REASON(KS_REASON_INSTANCES);

	/* ... until the pin fd is closed. */
	close_fd(&self->pin[PIN_RENDER]);
	EXPECT_LE(0, make_pin(self, PIN_RENDER, 0));
}

/* ---- unknown ioctls: ENOTTY (SPEC 3.3) ---- */

static void expect_enotty(struct __test_metadata *_metadata, int fd)
{
	unsigned char buf[64] = { 0 };

	EXPECT_EQ(-1, ioctl(fd, _IO(KS_IOCTL_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, _IOWR(KS_IOCTL_MAGIC, 0x40, struct ks_create_pin),
			    buf));
	EXPECT_EQ(ENOTTY, errno);
	/* Another driver's number (a terminal's TCGETS). */
	EXPECT_EQ(-1, ioctl(fd, 0x5401, buf));
	EXPECT_EQ(ENOTTY, errno);
	/* A known number with the wrong size encoded. */
	EXPECT_EQ(-1, ioctl(fd, _IOWR(KS_IOCTL_MAGIC, 0x01, __u64), buf));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(pinfd, unknown_ioctl_on_filter_fd_enotty)
{
	expect_enotty(_metadata, self->filter);
}

TEST_F(pinfd, unknown_ioctl_on_pin_fd_enotty)
{
	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	expect_enotty(_metadata, self->pin[PIN_RENDER]);
}

/* ---- KS_IOCTL_VERSION (uapi/linux/ks.h, docs/abi.md) ---- */

#define VERSION_FEATURES (KS_FEATURE_PROPERTIES | KS_FEATURE_STREAMING |	\
			  KS_FEATURE_LOOPED_STREAMING |			\
			  KS_FEATURE_STREAM_HEADERS |			\
			  KS_FEATURE_INTERFACE_TABLE |			\
			  KS_FEATURE_PIN_TO_HANDLE | KS_FEATURE_EVENTS | \
			  KS_FEATURE_CLOCKS | KS_FEATURE_WAVERT)

/* The answer, on a pattern-filled structure: every byte is written. */
TEST_F(pinfd, version_ioctl_reports_abi_and_features)
{
	struct ks_version v;
	char sysfs[64];
	size_t len, i;

	memset(&v, 0xA5, sizeof(v));
	ASSERT_EQ(0, ioctl(self->filter, KS_IOCTL_VERSION, &v));
	EXPECT_EQ(KS_ABI_MAJOR, v.abi_major);
	EXPECT_EQ(KS_ABI_MINOR, v.abi_minor);
	EXPECT_EQ(VERSION_FEATURES, v.features);
	EXPECT_NE(0, v.features & KS_FEATURE_PIN_TO_HANDLE);
	len = strnlen(v.module_version, sizeof(v.module_version));
	ASSERT_GT(sizeof(v.module_version), len);
	EXPECT_LT(0, len);
	for (i = len; i < sizeof(v.module_version); i++)
		EXPECT_EQ(0, v.module_version[i]) TH_LOG("byte %zu", i);
	ASSERT_EQ(0, read_line("/sys/module/ksfilter/version", sysfs,
			       sizeof(sysfs)));
	EXPECT_STREQ(sysfs, v.module_version);
}

/* It needs no access: ksctl asks on a read-only fd. */
TEST_F(pinfd, version_ioctl_on_readonly_filter_fd)
{
	struct ks_version v;
	int fd = open_filter(self->idx, O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ioctl(fd, KS_IOCTL_VERSION, &v));
	EXPECT_EQ(KS_ABI_MAJOR, v.abi_major);
	close(fd);
}

TEST_F(pinfd, version_ioctl_on_pin_fd_enotty)
{
	struct ks_version v;

	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	EXPECT_EQ(-1, ioctl(self->pin[PIN_RENDER], KS_IOCTL_VERSION, &v));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(pinfd, version_ioctl_bad_pointer_efault)
{
	void *ro;

	EXPECT_EQ(-1, ioctl(self->filter, KS_IOCTL_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-1, ioctl(self->filter, KS_IOCTL_VERSION, ro));
	EXPECT_EQ(EFAULT, errno);
	munmap(ro, 4096);
}

/* ---- read/write in KSSTATE_STOP: EBADFD (SPEC 7) ---- */

TEST_F(pinfd, write_in_stop_ebadfd)
{
	char buf[16] = { 0 };

	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	EXPECT_EQ(-1, write(self->pin[PIN_RENDER], buf, sizeof(buf)));
	EXPECT_EQ(EBADFD, errno);
}

TEST_F(pinfd, read_in_stop_ebadfd)
{
	char buf[16];

	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, 0));
	EXPECT_EQ(-1, read(self->pin[PIN_CAPTURE], buf, sizeof(buf)));
	EXPECT_EQ(EBADFD, errno);
}

/* A non-blocking pin in STOP does not wait either: still EBADFD. */
TEST_F(pinfd, nonblocking_read_in_stop_ebadfd)
{
	char buf[16];

	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->pin[PIN_CAPTURE], buf, sizeof(buf)));
	EXPECT_EQ(EBADFD, errno);
}

/* ---- fdinfo ---- */

TEST_F(pinfd, fdinfo_shows_pin_id_state_filter)
{
	static const uint32_t pins[] = { PIN_RENDER, PIN_CAPTURE };
	char val[128], want[16];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		int fd;

		ASSERT_LE(0, make_pin(self, pins[i], 0));
		fd = self->pin[pins[i]];
		snprintf(want, sizeof(want), "%u", pins[i]);
		ASSERT_EQ(0, fdinfo_value(fd, "ks-pin-id", val, sizeof(val)));
		EXPECT_STREQ(want, val);
		ASSERT_EQ(0, fdinfo_value(fd, "ks-state", val, sizeof(val)));
		EXPECT_STREQ("STOP", val);
		ASSERT_EQ(0, fdinfo_value(fd, "ks-filter", val, sizeof(val)));
		EXPECT_STREQ(LOOPBACK_NAME, val);
		ASSERT_EQ(0, fdinfo_value(fd, "ks-access", val, sizeof(val)));
		EXPECT_STREQ(pins[i] == PIN_RENDER ? "write" : "read", val);
	}
}

/* ---- sysfs (SPEC 4) ---- */

TEST_F(pinfd, sysfs_name_and_pins)
{
	char path[128], val[64];
	struct stat st;
	unsigned int maj, min;

	snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d/name",
		 self->idx);
	ASSERT_EQ(0, read_line(path, val, sizeof(val)));
	EXPECT_STREQ(LOOPBACK_NAME, val);
	snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d/pins",
		 self->idx);
	ASSERT_EQ(0, read_line(path, val, sizeof(val)));
	EXPECT_STREQ("2", val);

	/* The dev attribute names /dev/ksfilterN's device number. */
	snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d/dev",
		 self->idx);
	ASSERT_EQ(0, read_line(path, val, sizeof(val)));
	ASSERT_EQ(2, sscanf(val, "%u:%u", &maj, &min));
	ASSERT_EQ(0, fstat(self->filter, &st));
	EXPECT_EQ(maj, major(st.st_rdev));
	EXPECT_EQ(min, minor(st.st_rdev));
}

/* SPEC 4: loaded with the default parameters, ks-loopback is the first filter. */
TEST_F(pinfd, loopback_is_first_filter)
{
	EXPECT_EQ(0, self->idx);
}

/* The lowest N with no /sys/class/ksfilter/ksfilterN, or -1. */
static int lowest_free_index(void)
{
	char path[64];
	int n;

	for (n = 0; n < 256; n++) {
		snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d", n);
		if (access(path, F_OK))
			return n;
	}
	return -1;
}

static bool module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

static int tonegen_registered(const char *on)
{
	return write_file(TONEGEN_PARAMS "registered", on);
}

/*
 * SPEC 4: each registered filter gets /dev/ksfilterN, N the lowest free
 * number.  ks-tonegen is registered, then ks-null-sink after it; tonegen,
 * now in the middle, unregisters, and the next filter registered (ks-gen)
 * takes its number; tonegen, registered again, the lowest free one then.
 */
TEST_F(pinfd, new_filter_gets_lowest_free_number)
{
	bool had_tonegen = module_loaded(TONEGEN_MODNAME);
	bool had_sink = module_loaded("ks_null_sink");
	bool had_gen = module_loaded(GEN_MODNAME);
	int low, tone, sink, gen;
	char path[64];

	/* The tests before this one unload what they load. */
	ASSERT_FALSE(had_sink || had_gen)
		TH_LOG("ks-null-sink or ks-gen is loaded already");
	if (had_tonegen)
		ASSERT_EQ(0, tonegen_registered("0"));
	low = lowest_free_index();
	ASSERT_LE(0, low);
	if (had_tonegen) {
		ASSERT_EQ(0, tonegen_registered("1"));
	} else {
		ASSERT_EQ(0, load_module("ks-tonegen.ko", ""));
	}
	tone = ks_find_filter(TONEGEN_NAME);
	EXPECT_EQ(low, tone);

	low = lowest_free_index();
	ASSERT_EQ(0, load_module("ks-null-sink.ko", ""));
	sink = ks_find_filter("ks-null-sink");
	EXPECT_EQ(low, sink);
	ASSERT_LT(tone, sink);

	/* Tonegen, below ks-null-sink, goes: its number is the lowest free. */
	ASSERT_EQ(0, tonegen_registered("0"));
	snprintf(path, sizeof(path), "/dev/ksfilter%d", tone);
	EXPECT_NE(0, access(path, F_OK));
	EXPECT_EQ(tone, lowest_free_index());
	ASSERT_EQ(0, load_module("ks-gen.ko", ""));
	gen = ks_find_filter(GEN_NAME);
	EXPECT_EQ(tone, gen);
	EXPECT_EQ(0, access(path, F_OK));

	/* Registered again, tonegen gets the lowest number free now. */
	low = lowest_free_index();
	ASSERT_EQ(0, tonegen_registered("1"));
	EXPECT_EQ(low, ks_find_filter(TONEGEN_NAME));
	EXPECT_NE(tone, low);
	EXPECT_EQ(sink, ks_find_filter("ks-null-sink"));

	EXPECT_EQ(0, unload_module_wait(GEN_MODNAME));
	EXPECT_EQ(0, unload_module_wait("ks_null_sink"));
	if (!had_tonegen)
		EXPECT_EQ(0, unload_module_wait(TONEGEN_MODNAME));
}

/* ---- concurrent creation: instance counts stay balanced ---- */

#define N_THREADS	4
#define N_ROUNDS	200

struct racer {
	int filter;
	uint32_t pin;
	int created, busy, other;
	int other_err;
	uint32_t other_reason;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct ks_req req;
	uint32_t size = req_default(&req, r->pin), reason;
	int i, fd;

	for (i = 0; i < N_ROUNDS; i++) {
		fd = ks_create(r->filter, &req, size, pin_access(r->pin),
			       O_CLOEXEC, &reason);
		if (fd >= 0) {
			r->created++;
			/* Hold it a little so that others meet it. */
			if (i % 3 == 0)
				sched_yield();
			close(fd);
		} else if (fd == -EBUSY && reason == KS_REASON_INSTANCES) {
			r->busy++;
		} else {
			r->other++;
			r->other_err = -fd;
			r->other_reason = reason;
		}
	}
	return NULL;
}

TEST_F(pinfd, concurrent_create_close_balanced)
{
	struct racer r[N_THREADS];
	pthread_t th[N_THREADS];
	long pins_before = stats_counter("pins");
	int i, created = 0;

	for (i = 0; i < N_THREADS; i++) {
		r[i] = (struct racer){ .filter = self->filter, .pin = i % 2 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, race, &r[i]));
	}
	for (i = 0; i < N_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, r[i].other)
			TH_LOG("thread %d: unexpected errno %d reason %s", i,
			       r[i].other_err, reason_name(r[i].other_reason));
		created += r[i].created;
	}
	EXPECT_LT(0, created);

	/* Every instance came back: one of each pin type can be created. */
	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, 0));
	close_fd(&self->pin[PIN_RENDER]);
	close_fd(&self->pin[PIN_CAPTURE]);
	if (pins_before >= 0)
		EXPECT_EQ(pins_before, stats_counter("pins"));
}

/* Several threads sharing one filter fd and several filter fds at once. */
TEST_F(pinfd, concurrent_create_on_many_filter_fds)
{
	struct racer r[N_THREADS];
	pthread_t th[N_THREADS];
	int fds[N_THREADS], i;

	for (i = 0; i < N_THREADS; i++) {
		fds[i] = open_filter(self->idx, O_RDWR);
		ASSERT_LE(0, fds[i]);
		r[i] = (struct racer){ .filter = fds[i], .pin = PIN_RENDER };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, race, &r[i]));
	}
	for (i = 0; i < N_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, r[i].other)
			TH_LOG("thread %d: unexpected errno %d reason %s", i,
			       r[i].other_err, reason_name(r[i].other_reason));
		close(fds[i]);
	}
	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
}

/* ---- debugfs live counters ---- */

/* Wait up to a second for a counter to reach @want (frees may be deferred). */
static long wait_counter(const char *name, long want)
{
	long v = stats_counter(name);
	int i;

	for (i = 0; i < 100 && v != want; i++) {
		usleep(10000);
		v = stats_counter(name);
	}
	return v;
}

TEST_F(pinfd, debugfs_pins_counter_follows_pins)
{
	long pins = stats_counter("pins");

	ASSERT_LE(0, pins)
		TH_LOG("no %s (debugfs or the counter missing)", STATS_PATH);
	ASSERT_LE(0, make_pin(self, PIN_RENDER, 0));
	EXPECT_EQ(pins + 1, stats_counter("pins"));
	ASSERT_LE(0, make_pin(self, PIN_CAPTURE, 0));
	EXPECT_EQ(pins + 2, stats_counter("pins"));

	/* A refused request leaves nothing behind. */
	EXPECT_EQ(-EBUSY, ks_create(self->filter, &self->req,
				    req_default(&self->req, PIN_CAPTURE),
				    KS_GENERIC_READ, 0, &self->reason));
	EXPECT_EQ(pins + 2, stats_counter("pins"));

	close_fd(&self->pin[PIN_RENDER]);
	close_fd(&self->pin[PIN_CAPTURE]);
	EXPECT_EQ(pins, wait_counter("pins", pins));
}

TEST_F(pinfd, debugfs_filters_counter_counts_loopback)
{
	long filters = stats_counter("filters");

	ASSERT_LE(0, filters)
		TH_LOG("no %s (debugfs or the counter missing)", STATS_PATH);
	EXPECT_LE(1, filters);
}

TEST_HARNESS_MAIN
