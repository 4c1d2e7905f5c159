// SPDX-License-Identifier: GPL-2.0
/*
 * The INTERFACE table (SPEC 8) from userspace, through the sample modules
 * in $KS_MODULE_DIR (default /lib/ks):
 *
 *   ks-iface-provider  publishes the sample type in version 1 (40 bytes,
 *                      add) and version 2 (48 bytes, add and multiply)
 *   ks-iface-consumer  queries it at load with parameters type, version and
 *                      size; its load fails with the query's errno; holds
 *                      the reference until unloaded
 *   ks-factory-filter  registers a filter through the core's own
 *                      KS_INTERFACE_FILTER_FACTORY
 *
 * and /sys/kernel/debug/ksfilter/interfaces, one line per version:
 *   TYPE VERSION SIZE OWNER CONTEXT REFS
 *
 * The KUnit suite "ks_iface" (ks-iface-kunit.ko, kernels with KUnit) is run
 * by scripts/ksvm-tests with the other KUnit suites, one TAP line a case.
 */
#include <sys/syscall.h>

#include "ks_selftest.h"

#define SAMPLE_TYPE	"C928C569-9822-4E88-A25B-3B4C2124DE4A"
#define FACTORY_TYPE	"3DEB4AEA-896A-4C25-8C23-2A00024A7B63"
#define IFACES_PATH	"/sys/kernel/debug/ksfilter/interfaces"

#define PROVIDER	"ks_iface_provider"
#define CONSUMER	"ks_iface_consumer"
#define FACTORY_FILTER	"ks_factory_filter"

/* x86_64: the 32-byte header, then one or two function pointers. */
#define V1_SIZE		40
#define V2_SIZE		48

/* ---- modules ---- */

/* Load $KS_MODULE_DIR/@file.ko with @params: 0 or -errno. */
static int load(const char *file, const char *params)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", module_dir(), file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) < 0 ? -errno : 0;
}

static bool loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}

static bool have_module(const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s.ko", module_dir(), file);
	return access(path, R_OK) == 0;
}

static int param(const char *mod, const char *name, char *buf, size_t size)
{
	char path[192];

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	return read_line(path, buf, size);
}

static long param_long(const char *mod, const char *name)
{
	char buf[64];

	if (param(mod, name, buf, sizeof(buf)))
		return -1000;
	if (buf[0] == 'Y')
		return 1;
	if (buf[0] == 'N')
		return 0;
	return strtol(buf, NULL, 10);
}

static int write_param(const char *mod, const char *name, const char *value)
{
	char path[192];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* ---- the debugfs table ---- */

struct iface_line {
	unsigned int version, size, context;
	int refs;
	char owner[64];
};

/*
 * The line of (@type, @version) in the table.  Returns the number of lines
 * of @type (with @version 0xffffffff: just count), -errno without the file.
 */
static int iface_lookup(const char *type, unsigned int version,
			struct iface_line *out, bool *found)
{
	char line[256], t[64];
	struct iface_line l;
	int n = 0;
	FILE *f;

	*found = false;
	f = fopen(IFACES_PATH, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%63s %u %u %63s %u %d", t, &l.version,
			   &l.size, l.owner, &l.context, &l.refs) != 6)
			continue;
		if (strcasecmp(t, type))
			continue;
		n++;
		if (l.version == version) {
			*out = l;
			*found = true;
		}
	}
	fclose(f);
	return n;
}

static int iface_count(const char *type)
{
	struct iface_line l;
	bool found;

	return iface_lookup(type, 0xffffffff, &l, &found);
}

/* ---- fixture ---- */

FIXTURE(iface) {
	long refs_before;
};

FIXTURE_SETUP(iface)
{
	ASSERT_EQ(0, access(IFACES_PATH, R_OK))
		TH_LOG("no %s (ksfilter not loaded?)", IFACES_PATH);
	ASSERT_TRUE(have_module("ks-iface-provider"))
		TH_LOG("no %s/ks-iface-provider.ko", module_dir());
	ASSERT_TRUE(have_module("ks-iface-consumer"))
		TH_LOG("no %s/ks-iface-consumer.ko", module_dir());
	unload(CONSUMER);
	unload(PROVIDER);
	self->refs_before = stats_counter("interface_refs");
}

FIXTURE_TEARDOWN(iface)
{
	unload(CONSUMER);
	unload(PROVIDER);
	unload(FACTORY_FILTER);
	EXPECT_EQ(self->refs_before, stats_counter("interface_refs"));
}

/* Load the consumer with @params and expect its query to give @want. */
#define EXPECT_CONSUMER(params, want) do {				\
	const char *__params = (params);				\
	int __ret = load("ks-iface-consumer", __params);		\
	EXPECT_EQ(want, __ret) TH_LOG("consumer \"%s\": %s", __params,	\
				      strerror(-__ret));		\
} while (0)

TEST_F(iface, no_provider_is_enoent)
{
	EXPECT_CONSUMER("", -ENOENT);
	EXPECT_FALSE(loaded(CONSUMER));
	EXPECT_EQ(0, iface_count(SAMPLE_TYPE));
}

TEST_F(iface, bad_type_string_is_einval)
{
	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("type=not-a-guid", -EINVAL);
}

TEST_F(iface, asking_v2_gets_v2)
{
	char buf[64];

	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("version=2", 0);
	EXPECT_EQ(2, param_long(CONSUMER, "got_version"));
	EXPECT_EQ(V2_SIZE, param_long(CONSUMER, "got_size"));
	EXPECT_EQ(1, param_long(CONSUMER, "tail_intact"));
	ASSERT_EQ(0, param(CONSUMER, "result", buf, sizeof(buf)));
	EXPECT_STREQ("add=5 multiply=6", buf);
	EXPECT_EQ(2, param_long(PROVIDER, "calls"));
}

TEST_F(iface, asking_v1_with_v1_size_gets_v1)
{
	char buf[64];

	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("version=1 size=40", 0);
	EXPECT_EQ(1, param_long(CONSUMER, "got_version"));
	EXPECT_EQ(V1_SIZE, param_long(CONSUMER, "got_size"));
	ASSERT_EQ(0, param(CONSUMER, "result", buf, sizeof(buf)));
	EXPECT_STREQ("add=5", buf);
}

TEST_F(iface, picks_highest_version_not_above)
{
	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("version=65535", 0);
	EXPECT_EQ(2, param_long(CONSUMER, "got_version"));
}

TEST_F(iface, only_v1_published_v2_asked_gets_v1_copying_its_size)
{
	char buf[64];

	ASSERT_EQ(0, load("ks-iface-provider", "versions=1"));
	EXPECT_EQ(1, iface_count(SAMPLE_TYPE));
	EXPECT_CONSUMER("version=2 size=48", 0);
	EXPECT_EQ(1, param_long(CONSUMER, "got_version"));
	EXPECT_EQ(V1_SIZE, param_long(CONSUMER, "got_size"));
	/* The caller's last 8 bytes were left as they were. */
	EXPECT_EQ(1, param_long(CONSUMER, "tail_intact"));
	ASSERT_EQ(0, param(CONSUMER, "result", buf, sizeof(buf)));
	EXPECT_STREQ("add=5", buf);
}

TEST_F(iface, every_version_above_is_eprotonosupport)
{
	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("version=0", -EPROTONOSUPPORT);
	ASSERT_EQ(0, unload(PROVIDER));
	ASSERT_EQ(0, load("ks-iface-provider", "versions=2"));
	EXPECT_CONSUMER("version=1 size=40", -EPROTONOSUPPORT);
}

TEST_F(iface, size_smaller_than_chosen_is_einval)
{
	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("version=2 size=47", -EINVAL);
	EXPECT_CONSUMER("version=2 size=40", -EINVAL);
	EXPECT_CONSUMER("version=1 size=39", -EINVAL);
	EXPECT_EQ(0, param_long(PROVIDER, "refs"));
}

TEST_F(iface, provider_rmmod_refused_while_referenced)
{
	struct iface_line l1, l2;
	bool f1, f2;
	int ret;

	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("", 0);
	EXPECT_EQ(1, param_long(PROVIDER, "refs"));
	EXPECT_EQ(self->refs_before + 1, stats_counter("interface_refs"));

	ret = unload(PROVIDER);
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY)
		TH_LOG("delete_module: %s", strerror(-ret));
	EXPECT_TRUE(loaded(PROVIDER));

	/* Both versions share the provider's context, so its count. */
	EXPECT_EQ(2, iface_lookup(SAMPLE_TYPE, 1, &l1, &f1));
	iface_lookup(SAMPLE_TYPE, 2, &l2, &f2);
	ASSERT_TRUE(f1 && f2);
	EXPECT_EQ(1, l1.refs);
	EXPECT_EQ(1, l2.refs);
	EXPECT_EQ(l1.context, l2.context);

	ASSERT_EQ(0, unload(CONSUMER));
	EXPECT_EQ(0, param_long(PROVIDER, "refs"));
	iface_lookup(SAMPLE_TYPE, 2, &l2, &f2);
	EXPECT_EQ(0, l2.refs);
	EXPECT_EQ(self->refs_before, stats_counter("interface_refs"));
	EXPECT_EQ(0, unload(PROVIDER));
	EXPECT_EQ(0, iface_count(SAMPLE_TYPE));
}

TEST_F(iface, unregister_while_referenced_keeps_reference_valid)
{
	char buf[64];
	int ret;

	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("", 0);
	ASSERT_EQ(0, write_param(PROVIDER, "published", "0"));
	EXPECT_EQ(0, iface_count(SAMPLE_TYPE));
	EXPECT_EQ(1, param_long(PROVIDER, "refs"));

	/* The reference handed out before still works... */
	ASSERT_EQ(0, write_param(CONSUMER, "call", "7"));
	ASSERT_EQ(0, param(CONSUMER, "result", buf, sizeof(buf)));
	EXPECT_STREQ("add=15 multiply=56", buf);
	/* ...and still holds the provider. */
	ret = unload(PROVIDER);
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY);

	/* No new query finds it. */
	ASSERT_EQ(0, unload(CONSUMER));
	EXPECT_CONSUMER("", -ENOENT);
	EXPECT_EQ(0, param_long(PROVIDER, "refs"));

	/* Published again, it is found again. */
	ASSERT_EQ(0, write_param(PROVIDER, "published", "1"));
	EXPECT_CONSUMER("", 0);
	EXPECT_EQ(2, param_long(CONSUMER, "got_version"));
}

TEST_F(iface, consumer_first_then_provider)
{
	EXPECT_CONSUMER("", -ENOENT);
	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_CONSUMER("", 0);
	ASSERT_EQ(0, unload(CONSUMER));
	ASSERT_EQ(0, unload(PROVIDER));
	EXPECT_CONSUMER("", -ENOENT);
}

TEST_F(iface, duplicate_registration_is_eexist)
{
	struct iface_line l;
	bool found;

	ASSERT_EQ(0, load("ks-iface-provider", "duplicate=1"));
	EXPECT_EQ(-EEXIST, param_long(PROVIDER, "duplicate_result"));
	EXPECT_EQ(2, iface_lookup(SAMPLE_TYPE, 1, &l, &found));
	EXPECT_TRUE(found);
}

TEST_F(iface, debugfs_lists_every_version)
{
	unsigned int v2_size;
	struct iface_line l;
	bool found;

	ASSERT_EQ(0, load("ks-iface-provider", ""));
	EXPECT_EQ(2, iface_lookup(SAMPLE_TYPE, 1, &l, &found));
	ASSERT_TRUE(found);
	EXPECT_EQ(V1_SIZE, l.size);
	EXPECT_STREQ(PROVIDER, l.owner);
	EXPECT_EQ(0, l.refs);
	iface_lookup(SAMPLE_TYPE, 2, &l, &found);
	ASSERT_TRUE(found);
	EXPECT_EQ(V2_SIZE, l.size);

	/* The core's own filter factory: version 5 and, cut short, 4 to 1. */
	EXPECT_EQ(5, iface_lookup(FACTORY_TYPE, 1, &l, &found));
	ASSERT_TRUE(found);
	EXPECT_STREQ("ksfilter", l.owner);
	iface_lookup(FACTORY_TYPE, 2, &l, &found);
	ASSERT_TRUE(found);
	EXPECT_STREQ("ksfilter", l.owner);
	v2_size = l.size;
	iface_lookup(FACTORY_TYPE, 3, &l, &found);
	ASSERT_TRUE(found);
	EXPECT_STREQ("ksfilter", l.owner);
	/* Each version only appends pointers: one in 3, two in 4, one in 5. */
	EXPECT_EQ(v2_size + sizeof(void *), l.size);
	iface_lookup(FACTORY_TYPE, 4, &l, &found);
	ASSERT_TRUE(found);
	EXPECT_STREQ("ksfilter", l.owner);
	EXPECT_EQ(v2_size + 3 * sizeof(void *), l.size);
	iface_lookup(FACTORY_TYPE, 5, &l, &found);
	ASSERT_TRUE(found);
	EXPECT_STREQ("ksfilter", l.owner);
	EXPECT_EQ(v2_size + 4 * sizeof(void *), l.size);
}

TEST_F(iface, factory_filter_registers_through_the_interface)
{
	struct iface_line l;
	bool found;
	int ret;

	ASSERT_TRUE(have_module("ks-factory-filter"))
		TH_LOG("no %s/ks-factory-filter.ko", module_dir());
	ASSERT_GT(0, ks_find_filter("ks-factory-filter"));
	ret = load("ks-factory-filter", "");
	ASSERT_EQ(0, ret) TH_LOG("load ks-factory-filter.ko: %s (errno %d)",
				 strerror(-ret), -ret);
	EXPECT_LE(0, ks_find_filter("ks-factory-filter"))
		TH_LOG("ks-factory-filter.ko loaded but registered no filter");
	iface_lookup(FACTORY_TYPE, 1, &l, &found);
	ASSERT_TRUE(found);
	EXPECT_EQ(1, l.refs);
	EXPECT_EQ(self->refs_before + 1, stats_counter("interface_refs"));
	ASSERT_EQ(0, unload(FACTORY_FILTER));
	EXPECT_GT(0, ks_find_filter("ks-factory-filter"));
	iface_lookup(FACTORY_TYPE, 1, &l, &found);
	EXPECT_EQ(0, l.refs);
}

TEST_HARNESS_MAIN
