// SPDX-License-Identifier: GPL-2.0
/*
 * ks-iface-bench: the cost of an INTERFACE query and dereference, measured
 * in-kernel against symbol_get() and symbol_put() of an exported symbol,
 * the Linux way of reaching another module's function, and with 10 and
 * with 10,000 interface types published.
 *
 * Reading /sys/kernel/debug/ks-iface-bench/run runs it and answers
 *	ratio iface_query_vs_symbol_get R	(query+dereference / get+put)
 *	ratio iface_10k_vs_10 R			(query with 10,000 types / 10)
 * followed by the ns per pair.  Lower is better.  Each side is timed in
 * RUNS runs taking turns after a warm-up of both, and the ratios are of
 * the medians.  The queries look up types drawn at random among those
 * published (drawn before the timing): one hot type would measure a
 * cache line, not the table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/ksfilter.h>

#define ROUNDS		20000
#define RUNS		9
#define FEW		10
#define MANY		10000

/* Bench type @i: 6A0C3E1D-5B7F-4E2A-9C41-D200xxxxxxxx, @i in the x. */
static guid_t bench_type(u32 i)
{
	guid_t type = GUID_INIT(0x6A0C3E1D, 0x5B7F, 0x4E2A, 0x9C, 0x41,
				0xD2, 0x00, 0, 0, 0, 0);

	type.b[12] = i >> 24;
	type.b[13] = i >> 16;
	type.b[14] = i >> 8;
	type.b[15] = i;
	return type;
}

struct bench_iface {
	struct ks_interface header;
	int (*nop)(void *context);
};

static atomic_t bench_refs = ATOMIC_INIT(0);

static void bench_reference(void *context)
{
	atomic_inc(context);
}

static void bench_dereference(void *context)
{
	atomic_dec(context);
}

static int bench_nop(void *context)
{
	return 0;
}

static const struct bench_iface bench_table = {
	.header = {
		.size = sizeof(bench_table),
		.version = 1,
		.context = &bench_refs,
		.interface_reference = bench_reference,
		.interface_dereference = bench_dereference,
	},
	.nop = bench_nop,
};

static DEFINE_MUTEX(bench_lock);
static unsigned int published;
static struct dentry *bench_dir;

/* Publish types [published, @n). */
static int publish_up_to(unsigned int n)
{
	int ret;

	lockdep_assert_held(&bench_lock);
	for (; published < n; published++) {
		guid_t type = bench_type(published);

		ret = ks_register_interface(&type, &bench_table.header,
					    THIS_MODULE);
		if (ret)
			return ret;
	}
	return 0;
}

static void withdraw_all(void)
{
	lockdep_assert_held(&bench_lock);
	while (published) {
		guid_t type = bench_type(published - 1);

		ks_unregister_interface(&type, 1);
		published--;
	}
}

/* ROUNDS types drawn at random among the first @n. */
static void draw_keys(guid_t *keys, unsigned int n)
{
	int i;

	for (i = 0; i < ROUNDS; i++)
		keys[i] = bench_type(get_random_u32() % n);
}

/* ns per query+dereference of @keys; 0 if one fails. */
static u64 time_query(const guid_t *keys)
{
	struct bench_iface got;
	u64 start;
	int i;

	start = ktime_get_ns();
	for (i = 0; i < ROUNDS; i++) {
		if (ks_query_interface(&keys[i], sizeof(got), 1, &got.header,
				       NULL))
			return 0;
		got.header.interface_dereference(got.header.context);
	}
	return (ktime_get_ns() - start) / ROUNDS;
}

static u64 time_symbol_get(void)
{
	u64 start;
	int i;

	start = ktime_get_ns();
	for (i = 0; i < ROUNDS; i++) {
		if (!symbol_get(ks_query_interface))
			return 0;
		symbol_put(ks_query_interface);
	}
	return (ktime_get_ns() - start) / ROUNDS;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *t)
{
	sort(t, RUNS, sizeof(*t), cmp_u64, NULL);
	return t[RUNS / 2];
}

/*
 * Medians of RUNS runs of the query of @keys and of symbol_get(), taking
 * turns after a warm-up of both; 0 if one failed.
 */
static int time_pair(const guid_t *keys, u64 *query, u64 *sym)
{
	u64 q[RUNS], s[RUNS];
	int r;

	time_query(keys);
	time_symbol_get();
	for (r = 0; r < RUNS; r++) {
		q[r] = time_query(keys);
		s[r] = time_symbol_get();
		if (!q[r] || !s[r])
			return -EIO;
	}
	*query = median(q);
	*sym = median(s);
	return 0;
}

/* Ratio a/b with three decimals. */
static void show_ratio(struct seq_file *m, const char *name, u64 a, u64 b)
{
	u64 milli = b ? div64_u64(a * 1000, b) : 0;

	seq_printf(m, "ratio %s %llu.%03llu\n", name, milli / 1000,
		   milli % 1000);
}

static int run_show(struct seq_file *m, void *unused)
{
	u64 few, many, sym, sym_many;
	guid_t *keys;
	int ret;

	keys = kvmalloc_array(ROUNDS, sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	mutex_lock(&bench_lock);
	ret = publish_up_to(FEW);
	if (ret)
		goto out;
	draw_keys(keys, FEW);
	ret = time_pair(keys, &few, &sym);
	if (ret)
		goto out;
	ret = publish_up_to(MANY);
	if (ret)
		goto out;
	draw_keys(keys, MANY);
	ret = time_pair(keys, &many, &sym_many);
	if (ret)
		goto out;
	show_ratio(m, "iface_query_vs_symbol_get", few, sym);
	/*
	 * Each phase's queries against the symbol_get() timed alongside
	 * them, so that the host's drift between the phases cancels.
	 */
	show_ratio(m, "iface_10k_vs_10", many * sym, few * sym_many);
	seq_printf(m, "ns_per_pair query_10 %llu query_10k %llu symbol_get %llu %llu\n",
		   few, many, sym, sym_many);
out:
	withdraw_all();
	mutex_unlock(&bench_lock);
	kvfree(keys);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(run);

static int __init bench_init(void)
{
	bench_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0400, bench_dir, NULL, &run_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove(bench_dir);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter sample: INTERFACE query benchmark");
MODULE_AUTHOR("ksfilter developers");
