// SPDX-License-Identifier: GPL-2.0
/*
 * Memory is charged to whoever asks for it (docs/threat-model.md, "Can use
 * kernel memory only within these bounds"): a pin, its format and its
 * queue count against the memory cgroup of the task that allocates them,
 * so that memory.max bounds what a user holds in ksfilter.
 *
 * Each test moves its own process (the harness forks one per test) into
 * a new child of the cgroup2 root, with the memory controller enabled,
 * measures memory.current there, sets memory.max a little above it and
 * creates and runs ks-loopback pins:
 *
 *  - without a limit, the pins' queues raise memory.current by at least
 *    their size, and closing the pins brings it back (the control: the
 *    other tests could not fail if nothing were charged);
 *  - a LOOPED_STREAMING pin whose queue (allocated at creation) does not
 *    fit is not created: ENOMEM, reason NONE, its instance free again;
 *  - a STREAMING pin whose BUFFER does not fit fails to leave STOP: the
 *    STATE set is ENOMEM, the pin stays in STOP, and runs once the memory
 *    is there.
 *
 * Failing is never an OOM kill: memory.events must count the limit being
 * hit ("max") and no "oom" or "oom_kill".  At the end memory.current is
 * back within SLACK of where it started (CHARGE_CACHE, and a little) and
 * the debugfs counters are where they were.
 *
 * Needs root, cgroup2 (mounted here at /sys/fs/cgroup when nothing is)
 * and the memory controller; SKIPs without them.
 */
#include <sys/mount.h>

#include "ks_selftest.h"

#define KIB		1024ll
#define MIB		(1024ll * KIB)

#define CG_ROOT		"/sys/fs/cgroup"
/*
 * The per-CPU charge caches: a charge takes up to MEMCG_CHARGE_BATCH (64)
 * pages from the cgroup at once, and an uncharge keeps up to as many, so
 * memory.current may lead or trail what is allocated by that much a CPU.
 */
#define CHARGE_CACHE	(64 * sysconf(_SC_PAGESIZE) *			\
			 sysconf(_SC_NPROCESSORS_CONF))
/* What may stay charged once the pins are closed: the caches, a few objects. */
#define SLACK		(CHARGE_CACHE + 256 * KIB)
/* The queue of a STREAMING pin, set with BUFFER: the most it may be. */
#define BIG_BUFFER	(4 * MIB)

/* pcm:384000:8:32: the largest format, 100 ms of it is 1.2 MB of queue. */
#define BIG_RATE	384000
#define BIG_CHANNELS	8
#define BIG_BITS	32
#define BIG_LOOPED	(BIG_RATE * BIG_CHANNELS * BIG_BITS / 8 / 10)

FIXTURE(memcg) {
	int idx;
	int filter;
	int render, capture;
	struct ks_req req;
	uint32_t reason;
	long pins, links;
	char cg[96];
	bool mounted, enabled, entered;
	long long start;
};

/* Write @val to @path; 0 or -errno. */
static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int cg_write(FIXTURE_DATA(memcg) *self, const char *file,
		    long long val)
{
	char path[160], buf[32];

	snprintf(path, sizeof(path), "%s/%s", self->cg, file);
	if (val < 0)
		snprintf(buf, sizeof(buf), "max");
	else
		snprintf(buf, sizeof(buf), "%lld", val);
	return write_str(path, buf);
}

/* The number in the cgroup's one-line @file, or -1. */
static long long cg_read(FIXTURE_DATA(memcg) *self, const char *file)
{
	char path[160], buf[64];

	snprintf(path, sizeof(path), "%s/%s", self->cg, file);
	if (read_line(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* The count of @key in the cgroup's memory.events, or -1. */
static long long cg_event(FIXTURE_DATA(memcg) *self, const char *key)
{
	char path[160], name[32];
	long long v, value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.events", self->cg);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fscanf(f, "%31s %lld", name, &v) == 2)
		if (!strcmp(name, key))
			value = v;
	fclose(f);
	return value;
}

/* Whether @word is one of the blank-separated words in the file @path. */
static bool file_has_word(const char *path, const char *word)
{
	char buf[256], *tok, *save;

	if (read_line(path, buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/* Touch stack and heap now, so that later faults charge next to nothing. */
static void __attribute__((noinline)) prefault(void)
{
	volatile char stack[128 * 1024];
	void *heap = malloc(256 * 1024);

	memset((char *)stack, 1, sizeof(stack));
	if (heap)
		memset(heap, 1, 256 * 1024);
	free(heap);
}

FIXTURE_SETUP(memcg)
{
	self->filter = self->render = self->capture = -1;
	self->mounted = self->enabled = self->entered = false;
	self->cg[0] = '\0';
	self->idx = ks_find_filter(LOOPBACK_NAME);
	ASSERT_LOOPBACK(self->idx);
	if (geteuid())
		SETUP_SKIP("needs root for cgroups");
	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		if (mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
			SETUP_SKIP("no cgroup2 at " CG_ROOT ": %s",
				   strerror(errno));
		self->mounted = true;
	}
	if (!file_has_word(CG_ROOT "/cgroup.controllers", "memory")) {
		if (self->mounted)
			umount(CG_ROOT);
		SETUP_SKIP("no memory controller (CONFIG_MEMCG)");
	}
	if (!file_has_word(CG_ROOT "/cgroup.subtree_control", "memory")) {
		ASSERT_EQ(0, write_str(CG_ROOT "/cgroup.subtree_control",
				       "+memory"));
		self->enabled = true;
	}
	snprintf(self->cg, sizeof(self->cg), CG_ROOT "/ks_memcg_test.%d",
		 getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755)) TH_LOG("%s: %s", self->cg,
						    strerror(errno));
	/* No swap to spill into, where there is swap at all. */
	cg_write(self, "memory.swap.max", 0);

	self->filter = open_filter(self->idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	self->pins = stats_counter("pins");
	self->links = stats_counter("links");
}

FIXTURE_TEARDOWN(memcg)
{
	char pid[16];

	close_fd(&self->render);
	close_fd(&self->capture);
	close_fd(&self->filter);
	if (self->entered) {
		snprintf(pid, sizeof(pid), "%d", getpid());
		EXPECT_EQ(0, write_str(CG_ROOT "/cgroup.procs", pid));
	}
	if (self->cg[0])
		EXPECT_EQ(0, rmdir(self->cg)) TH_LOG("rmdir %s: %s", self->cg,
						     strerror(errno));
	/* Leave the cgroup hierarchy as it was. */
	if (self->enabled)
		EXPECT_EQ(0, write_str(CG_ROOT "/cgroup.subtree_control",
				       "-memory"));
	if (self->mounted)
		EXPECT_EQ(0, umount(CG_ROOT));
	EXPECT_EQ(self->pins, stats_counter("pins"));
	EXPECT_EQ(self->links, stats_counter("links"));
}

/*
 * Move this process into the test's cgroup, note memory.current as the
 * start, and allow @limit bytes above it (-1: no limit).
 */
static void enter(struct __test_metadata *_metadata,
		  FIXTURE_DATA(memcg) *self, long long limit)
{
	struct ks_pin_cinstances ci;

	/* Once through the paths the test takes, outside the cgroup. */
	prefault();
	ASSERT_EQ(0, ks_pin_cinstances(self->filter, PIN_RENDER, &ci));
	ASSERT_EQ(0, cg_write(self, "cgroup.procs", 0));
	self->entered = true;
	prefault();
	ASSERT_EQ(0, ks_pin_cinstances(self->filter, PIN_RENDER, &ci));
	self->start = cg_read(self, "memory.current");
	ASSERT_LE(0, self->start);
	ASSERT_EQ(0, cg_write(self, "memory.max",
			      limit < 0 ? -1 : self->start + limit));
	if (limit >= 0)
		TH_LOG("memory.current %lld KiB, memory.max %lld KiB above",
		       self->start / KIB, limit / KIB);
}

/* Back within SLACK of the start, and no OOM killer at any time. */
static void check_end(struct __test_metadata *_metadata,
		      FIXTURE_DATA(memcg) *self)
{
	long long now;

	close_fd(&self->render);
	close_fd(&self->capture);
	now = cg_read(self, "memory.current");
	EXPECT_GE(self->start + SLACK, now)
		TH_LOG("memory.current %lld KiB after closing, %lld KiB at start",
		       now / KIB, self->start / KIB);
	EXPECT_EQ(0, cg_event(self, "oom"));
	EXPECT_EQ(0, cg_event(self, "oom_kill"));
}

/* A ks-loopback pin in @fmt, looped or not; fd or -errno. */
static int make_pin(FIXTURE_DATA(memcg) *self, uint32_t pin, bool looped,
		    uint32_t rate, uint16_t channels, uint16_t bits)
{
	uint32_t size = req_audio(&self->req, pin, KS_SAMPLE_PCM, rate,
				  channels, bits);

	if (looped)
		ks_connect_set_interface(&self->req.c,
					 KSINTERFACE_STANDARD_LOOPED_STREAMING);
	return ks_create(self->filter, &self->req, size, pin_access(pin),
			 O_CLOEXEC | O_NONBLOCK, &self->reason);
}

/* A STREAMING pcm:48000:2:16 pin with a BIG_BUFFER queue, in STOP. */
static int make_big_streaming(FIXTURE_DATA(memcg) *self, uint32_t pin)
{
	int fd = make_pin(self, pin, false, 48000, 2, 16);

	if (fd >= 0 && ks_pin_set_buffer_size(fd, BIG_BUFFER)) {
		close(fd);
		return -EPROTO;
	}
	return fd;
}

static uint32_t state_of(int fd)
{
	uint32_t state = ~0u;

	return ks_pin_get_state(fd, &state) ? ~0u : state;
}

/*
 * memory.current grew by @bytes since @before, within what the charge
 * caches may have taken ahead.
 */
static void check_charged(struct __test_metadata *_metadata,
			  FIXTURE_DATA(memcg) *self, long long before,
			  long long bytes, const char *what)
{
	long long now = cg_read(self, "memory.current");

	EXPECT_LE(before + bytes - CHARGE_CACHE, now)
		TH_LOG("%s (%lld KiB): memory.current %lld KiB, %lld KiB before",
		       what, bytes / KIB, now / KIB, before / KIB);
}

/* The control: without a limit the same pins work and are charged. */
TEST_F(memcg, queues_charged_to_creator)
{
	long long before;

	enter(_metadata, self, -1);
	self->capture = make_big_streaming(self, PIN_CAPTURE);
	ASSERT_LE(0, self->capture);
	ASSERT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	check_charged(_metadata, self, self->start, BIG_BUFFER,
		      "a queue allocated at RUN");

	before = cg_read(self, "memory.current");
	self->render = make_pin(self, PIN_RENDER, true, BIG_RATE,
				BIG_CHANNELS, BIG_BITS);
	ASSERT_LE(0, self->render);
	check_charged(_metadata, self, before, BIG_LOOPED,
		      "a looped queue allocated at creation");
	check_charged(_metadata, self, self->start, BIG_BUFFER + BIG_LOOPED,
		      "both");
	EXPECT_EQ(0, cg_event(self, "max"));
	check_end(_metadata, self);
}

/* A LOOPED_STREAMING pin's queue is allocated at creation: ENOMEM there. */
TEST_F(memcg, looped_creation_beyond_max_enomem)
{
	long pins = stats_counter("pins");
	struct ks_pin_cinstances ci;

	enter(_metadata, self, 512 * KIB);
	self->render = make_pin(self, PIN_RENDER, true, BIG_RATE,
				BIG_CHANNELS, BIG_BITS);
	EXPECT_EQ(-ENOMEM, self->render);
	EXPECT_REASON(KS_REASON_NONE);
	close_fd(&self->render);
	EXPECT_LT(0, cg_event(self, "max"));
	EXPECT_EQ(pins, stats_counter("pins"));
	ASSERT_EQ(0, ks_pin_cinstances(self->filter, PIN_RENDER, &ci));
	EXPECT_EQ(0, ci.current_count);
	EXPECT_GE(self->start + SLACK, cg_read(self, "memory.current"));

	/* Nothing of it stayed: the instance is free, a small queue fits. */
	self->render = make_pin(self, PIN_RENDER, true, 48000, 2, 16);
	ASSERT_LE(0, self->render);
	EXPECT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	EXPECT_EQ(KSSTATE_RUN, state_of(self->render));
	check_end(_metadata, self);
}

/*
 * A STREAMING pin's queue is allocated as it first leaves STOP: the STATE
 * set is ENOMEM, the pin stays in STOP, and runs once there is room.
 */
TEST_F(memcg, first_run_beyond_max_enomem)
{
	long long max_events;

	enter(_metadata, self, 6 * MIB);
	self->render = make_big_streaming(self, PIN_RENDER);
	ASSERT_LE(0, self->render);
	self->capture = make_big_streaming(self, PIN_CAPTURE);
	ASSERT_LE(0, self->capture);

	ASSERT_EQ(0, ks_pin_set_state(self->render, KSSTATE_RUN));
	max_events = cg_event(self, "max");
	EXPECT_EQ(-ENOMEM, ks_pin_set_state(self->capture, KSSTATE_RUN));
	EXPECT_EQ(KSSTATE_STOP, state_of(self->capture));
	EXPECT_EQ(-ENOMEM, ks_pin_set_state(self->capture, KSSTATE_ACQUIRE));
	EXPECT_EQ(KSSTATE_STOP, state_of(self->capture));
	EXPECT_LT(max_events, cg_event(self, "max"));

	/* The Render pin's queue goes with it; now the Capture pin's fits. */
	close_fd(&self->render);
	EXPECT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_RUN));
	EXPECT_EQ(KSSTATE_RUN, state_of(self->capture));
	EXPECT_EQ(0, ks_pin_set_state(self->capture, KSSTATE_STOP));
	check_end(_metadata, self);
}

TEST_HARNESS_MAIN
