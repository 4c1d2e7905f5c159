// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter.ko's parameter loopback (SPEC 4): loaded with loopback=0 it
 * registers no ks-loopback filter, and the rest works: a companion filter
 * registers (as /dev/ksfilter0, the lowest free number), a pin is created
 * on it and takes bytes, the module answers KS_IOCTL_VERSION.
 *
 * The VM loads ksfilter.ko at boot, so the test takes it out and loads it
 * again from module_dir() (/lib/ks).  Whatever the run had loaded on top
 * of it is unloaded first; at the end (in the teardown, also after a
 * failure) ksfilter is loaded again with the loopback value it had, and
 * the companion modules that were loaded are loaded again with their
 * default parameters, so that the tests after this one find what they
 * found before it.
 */
#include "ks_selftest.h"

#define CORE_MODNAME	"ksfilter"
#define CORE_FILE	"ksfilter.ko"
#define LOOPBACK_PARAM	"/sys/module/ksfilter/parameters/loopback"
#define SINK_NAME	"ks-null-sink"
#define SINK_MODNAME	"ks_null_sink"
#define MAX_USERS	16

FIXTURE(core) {
	long loopback;			/* 1, 0, or -1: not loaded */
	char users[MAX_USERS][64];	/* modules unloaded, to load again */
	int n_users;
	int filter;
	int pin;
};

/*
 * The modules that use ksfilter, from its line of /proc/modules
 * ("ksfilter 163840 2 ks_gen,ks_gain, Live ..."); their number, or -1.
 */
static int core_users(char users[][64], int max)
{
	char line[1024], name[64], list[896];
	int n = 0, refs;
	char *tok, *save;
	FILE *f;

	f = fopen("/proc/modules", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		list[0] = '\0';
		if (sscanf(line, "%63s %*u %d %895s", name, &refs, list) < 2 ||
		    strcmp(name, CORE_MODNAME))
			continue;
		for (tok = strtok_r(list, ",", &save); tok && n < max;
		     tok = strtok_r(NULL, ",", &save))
			if (strcmp(tok, "-"))
				snprintf(users[n++], 64, "%s", tok);
		break;
	}
	fclose(f);
	return n;
}

/* The .ko of module @name: ks_null_sink -> ks-null-sink.ko. */
static void module_file(const char *name, char *file, size_t size)
{
	char *p;

	snprintf(file, size, "%s.ko", name);
	for (p = file; *p; p++)
		if (*p == '_')
			*p = '-';
}

/*
 * Unload everything that uses ksfilter, noting it in self->users; a few
 * rounds, for modules that use one another.
 */
static int unload_users(FIXTURE_DATA(core) *self)
{
	char users[MAX_USERS][64];
	int i, n, round;

	for (round = 0; round < 4; round++) {
		n = core_users(users, MAX_USERS);
		if (n <= 0)
			return n;
		for (i = 0; i < n; i++)
			if (!unload_module_wait(users[i]) &&
			    self->n_users < MAX_USERS)
				snprintf(self->users[self->n_users++], 64,
					 "%.63s", users[i]);
	}
	return core_users(users, MAX_USERS) ? -EBUSY : 0;
}

/* Take ksfilter out and load it again with @params. */
static int reload_core(const char *params)
{
	int ret = unload_module_wait(CORE_MODNAME);

	if (ret && ret != -ENOENT)
		return ret;
	return load_module(CORE_FILE, params);
}

FIXTURE_SETUP(core)
{
	char path[256];

	self->filter = self->pin = -1;
	self->loopback = read_number(LOOPBACK_PARAM);
	/* The VM loads ksfilter.ko from module_dir(): both are there. */
	ASSERT_LE(0, self->loopback) TH_LOG("ksfilter.ko is not loaded as a module");
	snprintf(path, sizeof(path), "%s/" CORE_FILE, module_dir());
	ASSERT_EQ(0, access(path, R_OK)) TH_LOG("no %s to load again", path);
	ASSERT_EQ(0, unload_users(self));
}

/* ksfilter as it was, then the modules that used it. */
FIXTURE_TEARDOWN(core)
{
	char file[80];
	int i;

	close_fd(&self->pin);
	close_fd(&self->filter);
	unload_module_wait(SINK_MODNAME);
	if (read_number(LOOPBACK_PARAM) != self->loopback)
		EXPECT_EQ(0, reload_core(self->loopback ? "loopback=1" :
					 "loopback=0"));
	EXPECT_EQ(self->loopback, read_number(LOOPBACK_PARAM));
	for (i = self->n_users - 1; i >= 0; i--) {
		module_file(self->users[i], file, sizeof(file));
		EXPECT_EQ(0, load_module(file, ""))
			TH_LOG("loading %s again", file);
	}
}

/* The filters registered: the number of /sys/class/ksfilter/ksfilterN. */
static int count_filters(void)
{
	char path[64];
	int n, count = 0;

	for (n = 0; n < 256; n++) {
		snprintf(path, sizeof(path), "/sys/class/ksfilter/ksfilter%d", n);
		count += access(path, F_OK) == 0;
	}
	return count;
}

TEST_F(core, loopback_0_registers_no_loopback_filter)
{
	struct ks_version ver;
	struct ks_req req;
	uint32_t size, reason;
	char frames[64];
	int idx;

	ASSERT_EQ(0, reload_core("loopback=0"));
	EXPECT_EQ(0, read_number(LOOPBACK_PARAM));
	EXPECT_EQ(0, access("/sys/class/ksfilter", F_OK));
	EXPECT_EQ(-ENOENT, ks_find_filter(LOOPBACK_NAME));
	EXPECT_EQ(0, count_filters());
	if (stats_counter("filters") >= 0)
		EXPECT_EQ(0, stats_counter("filters"));

	/* The rest works: a companion filter takes number 0 ... */
	ASSERT_EQ(0, load_module("ks-null-sink.ko", ""));
	idx = ks_find_filter(SINK_NAME);
	EXPECT_EQ(0, idx);
	ASSERT_LE(0, idx);
	self->filter = open_filter(idx, O_RDWR);
	ASSERT_LE(0, self->filter);
	ASSERT_EQ(0, ks_get_version(self->filter, &ver));
	EXPECT_EQ(KS_ABI_MAJOR, ver.abi_major);

	/* ... a pin is created on it, and takes frames in RUN. */
	size = req_default(&req, 0);
	self->pin = ks_create(self->filter, &req, size, KS_GENERIC_WRITE,
			      O_CLOEXEC, &reason);
	ASSERT_LE(0, self->pin) TH_LOG("create: %s, reason %s",
				       strerror(-self->pin),
				       reason_name(reason));
	EXPECT_EQ(KS_REASON_NONE, reason);
	ASSERT_EQ(0, ks_pin_set_state(self->pin, KSSTATE_RUN));
	memset(frames, 0x11, sizeof(frames));
	EXPECT_EQ((ssize_t)sizeof(frames),
		  write(self->pin, frames, sizeof(frames)));
	EXPECT_EQ(1, count_filters());
}

/* Beside it: with the default (loopback=1) ks-loopback is filter 0 again. */
TEST_F(core, loopback_1_registers_loopback_first)
{
	ASSERT_EQ(0, reload_core("loopback=1"));
	EXPECT_EQ(1, read_number(LOOPBACK_PARAM));
	EXPECT_EQ(0, ks_find_filter(LOOPBACK_NAME));
	EXPECT_EQ(1, count_filters());
}

TEST_HARNESS_MAIN
