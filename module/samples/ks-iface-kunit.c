// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "ks_iface": the INTERFACE table's rules (SPEC 8) in-kernel,
 * and a stress run of queries and dereferences against registration and
 * unregistration on every CPU.  Built for kernels with CONFIG_KUNIT (the
 * debug kernel); the results are in /sys/kernel/debug/kunit/ks_iface/results.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/ksfilter.h>

/* 5C918D43-91E3-433B-A709-44CCA2BD39B9, and a type nobody publishes */
#define TEST_TYPE GUID_INIT(0x5C918D43, 0x91E3, 0x433B, \
	0xA7, 0x09, 0x44, 0xCC, 0xA2, 0xBD, 0x39, 0xB9)
#define ABSENT_TYPE GUID_INIT(0x5C918D43, 0x91E3, 0x433B, \
	0xA7, 0x09, 0x44, 0xCC, 0xA2, 0xBD, 0x39, 0xBA)

struct provider {
	atomic_t refs;
};

struct small_iface {
	struct ks_interface header;
	int (*get)(void *context);
};

struct big_iface {
	struct ks_interface header;
	int (*get)(void *context);
	u64 extra[4];
};

static void ref(void *context)
{
	atomic_inc(&((struct provider *)context)->refs);
}

static void deref(void *context)
{
	atomic_dec(&((struct provider *)context)->refs);
}

static void other_ref(void *context)
{
}

static int get_one(void *context)
{
	return 1;
}

static int get_three(void *context)
{
	return 3;
}

static void init_small(struct small_iface *s, struct provider *p, u16 version)
{
	*s = (struct small_iface){
		.header = {
			.size = sizeof(*s),
			.version = version,
			.context = p,
			.interface_reference = ref,
			.interface_dereference = deref,
		},
		.get = get_one,
	};
}

static void init_big(struct big_iface *b, struct provider *p, u16 version)
{
	*b = (struct big_iface){
		.header = {
			.size = sizeof(*b),
			.version = version,
			.context = p,
			.interface_reference = ref,
			.interface_dereference = deref,
		},
		.get = get_three,
	};
}

static void register_rejects_malformed(struct kunit *test)
{
	const guid_t type = TEST_TYPE;
	struct provider p = { .refs = ATOMIC_INIT(0) };
	struct small_iface s;

	init_small(&s, &p, 1);
	s.header.size = sizeof(s.header) - 1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	init_small(&s, &p, 1);
	s.header.interface_reference = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	init_small(&s, &p, 1);
	s.header.interface_dereference = NULL;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ks_register_interface(&type, NULL, THIS_MODULE));
}

static void duplicate_is_eexist(struct kunit *test)
{
	const guid_t type = TEST_TYPE;
	struct provider p = { .refs = ATOMIC_INIT(0) };
	struct small_iface s;

	init_small(&s, &p, 1);
	KUNIT_ASSERT_EQ(test, 0,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	KUNIT_EXPECT_EQ(test, -EEXIST,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	ks_unregister_interface(&type, 1);
}

static void context_has_one_provider(struct kunit *test)
{
	const guid_t type = TEST_TYPE;
	struct provider p = { .refs = ATOMIC_INIT(0) };
	struct small_iface s;

	init_small(&s, &p, 1);
	KUNIT_ASSERT_EQ(test, 0,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	init_small(&s, &p, 2);
	s.header.interface_reference = other_ref;
	KUNIT_EXPECT_EQ(test, -EBUSY,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	ks_unregister_interface(&type, 1);
}

static void query_picks_highest_not_above(struct kunit *test)
{
	const guid_t type = TEST_TYPE, absent = ABSENT_TYPE;
	struct provider p = { .refs = ATOMIC_INIT(0) };
	struct small_iface s;
	struct big_iface b, got;

	init_small(&s, &p, 2);
	init_big(&b, &p, 4);
	KUNIT_ASSERT_EQ(test, 0,
			ks_register_interface(&type, &b.header, THIS_MODULE));
	KUNIT_ASSERT_EQ(test, 0,
			ks_register_interface(&type, &s.header, THIS_MODULE));

	KUNIT_EXPECT_EQ(test, -ENOENT, ks_query_interface(&absent, sizeof(got),
							  9, &got.header, NULL));
	KUNIT_EXPECT_EQ(test, -EPROTONOSUPPORT,
			ks_query_interface(&type, sizeof(got), 1, &got.header,
					   NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ks_query_interface(&type, sizeof(got) - 1, 4,
					   &got.header, NULL));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			ks_query_interface(&type, sizeof(got), 4, &got.header,
					   &p));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&p.refs));

	KUNIT_ASSERT_EQ(test, 0, ks_query_interface(&type, sizeof(got), 3,
						    &got.header, NULL));
	KUNIT_EXPECT_EQ(test, 2, got.header.version);
	KUNIT_EXPECT_EQ(test, 1, got.get(got.header.context));
	got.header.interface_dereference(got.header.context);

	KUNIT_ASSERT_EQ(test, 0, ks_query_interface(&type, sizeof(got), 100,
						    &got.header, NULL));
	KUNIT_EXPECT_EQ(test, 4, got.header.version);
	KUNIT_EXPECT_EQ(test, 3, got.get(got.header.context));
	got.header.interface_dereference(got.header.context);

	KUNIT_EXPECT_EQ(test, 0, atomic_read(&p.refs));
	ks_unregister_interface(&type, 2);
	ks_unregister_interface(&type, 4);
}

static void query_copies_own_size(struct kunit *test)
{
	const guid_t type = TEST_TYPE;
	struct provider p = { .refs = ATOMIC_INIT(0) };
	struct small_iface s;
	struct big_iface got;
	const u8 *tail = (const u8 *)&got + sizeof(s);
	size_t i;

	init_small(&s, &p, 1);
	KUNIT_ASSERT_EQ(test, 0,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	memset(&got, 0xa5, sizeof(got));
	KUNIT_ASSERT_EQ(test, 0, ks_query_interface(&type, sizeof(got), 7,
						    &got.header, NULL));
	KUNIT_EXPECT_EQ(test, 1, got.header.version);
	KUNIT_EXPECT_EQ(test, sizeof(s), (size_t)got.header.size);
	KUNIT_EXPECT_PTR_EQ(test, (void *)&p, got.header.context);
	for (i = 0; i < sizeof(got) - sizeof(s); i++)
		KUNIT_EXPECT_EQ(test, 0xa5, tail[i]);
	got.header.interface_dereference(got.header.context);
	ks_unregister_interface(&type, 1);
}

static void references_pin_the_owner(struct kunit *test)
{
	const guid_t type = TEST_TYPE;
	struct provider p = { .refs = ATOMIC_INIT(0) };
	struct small_iface s, got;
	int base = module_refcount(THIS_MODULE);

	init_small(&s, &p, 1);
	KUNIT_ASSERT_EQ(test, 0,
			ks_register_interface(&type, &s.header, THIS_MODULE));
	KUNIT_EXPECT_EQ(test, base, module_refcount(THIS_MODULE));
	KUNIT_ASSERT_EQ(test, 0, ks_query_interface(&type, sizeof(got), 1,
						    &got.header, NULL));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&p.refs));
	KUNIT_EXPECT_EQ(test, base + 1, module_refcount(THIS_MODULE));
	got.header.interface_reference(got.header.context);
	KUNIT_EXPECT_EQ(test, 2, atomic_read(&p.refs));
	KUNIT_EXPECT_EQ(test, base + 2, module_refcount(THIS_MODULE));

	/* Withdrawn: no new query finds it, the references still work. */
	ks_unregister_interface(&type, 1);
	KUNIT_EXPECT_EQ(test, -ENOENT, ks_query_interface(&type, sizeof(got),
							  1, &got.header,
							  NULL));
	KUNIT_EXPECT_EQ(test, 1, got.get(got.header.context));
	got.header.interface_dereference(got.header.context);
	got.header.interface_dereference(got.header.context);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&p.refs));
	KUNIT_EXPECT_EQ(test, base, module_refcount(THIS_MODULE));
}

/* ---- stress: queries on every CPU against (un)registration ---- */

struct stress {
	struct provider p;
	atomic_t found;
	atomic_t errors;
};

static int stress_query(void *data)
{
	const guid_t type = TEST_TYPE;
	struct stress *st = data;
	struct big_iface got;
	int ret;

	while (!kthread_should_stop()) {
		ret = ks_query_interface(&type, sizeof(got), 9, &got.header,
					 NULL);
		if (!ret) {
			if (got.get(got.header.context) < 1)
				atomic_inc(&st->errors);
			got.header.interface_reference(got.header.context);
			got.header.interface_dereference(got.header.context);
			got.header.interface_dereference(got.header.context);
			atomic_inc(&st->found);
		} else if (ret != -ENOENT) {
			atomic_inc(&st->errors);
		}
		cond_resched();
	}
	return 0;
}

static void stress_query_against_register(struct kunit *test)
{
	const guid_t type = TEST_TYPE;
	struct task_struct *tasks[2];
	unsigned long end = jiffies + 2 * HZ;
	struct stress *st;
	struct small_iface s;
	struct big_iface b;
	unsigned int i, rounds = 0;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	init_small(&s, &st->p, 1);
	init_big(&b, &st->p, 2);
	for (i = 0; i < ARRAY_SIZE(tasks); i++) {
		tasks[i] = kthread_run(stress_query, st, "ks-iface-stress/%u",
				       i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(tasks[i]));
	}
	while (time_before(jiffies, end)) {
		if (ks_register_interface(&type, &s.header, THIS_MODULE) ||
		    ks_register_interface(&type, &b.header, THIS_MODULE))
			atomic_inc(&st->errors);
		ks_unregister_interface(&type, 2);
		ks_unregister_interface(&type, 1);
		rounds++;
		cond_resched();
	}
	for (i = 0; i < ARRAY_SIZE(tasks); i++)
		kthread_stop(tasks[i]);
	kunit_info(test, "%u rounds, %d references taken\n", rounds,
		   atomic_read(&st->found));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&st->errors));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&st->p.refs));
	KUNIT_EXPECT_GT(test, rounds, 0U);
}

static struct kunit_case ks_iface_cases[] = {
	KUNIT_CASE(register_rejects_malformed),
	KUNIT_CASE(duplicate_is_eexist),
	KUNIT_CASE(context_has_one_provider),
	KUNIT_CASE(query_picks_highest_not_above),
	KUNIT_CASE(query_copies_own_size),
	KUNIT_CASE(references_pin_the_owner),
	KUNIT_CASE(stress_query_against_register),
	{}
};

static struct kunit_suite ks_iface_suite = {
	.name = "ks_iface",
	.test_cases = ks_iface_cases,
};

kunit_test_suite(ks_iface_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ksfilter: KUnit suite of the INTERFACE table");
MODULE_AUTHOR("ksfilter developers");
