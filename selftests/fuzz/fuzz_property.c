// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the pure checks of a KS_IOCTL_PROPERTY request
 * (module/prop_check.h), called the way property.c calls them, around a
 * table lookup of the same shape as its own over the fixed table below.
 *
 * Input: a 10-byte header, then `in`.
 *	0  ks_ioctl_buffers.reserved (u32)
 *	4  ks_ioctl_buffers.out_size (u32)
 *	8  zero bytes added at `in`'s end (as fuzz_connect.c's byte 10): with
 *	   inputs of at most 65536 bytes `in` still reaches 65536 and beyond
 *	9  unused
 * `in` is copied into a buffer of exactly its size, 8-byte aligned.
 *
 * Oracle: SPEC 6 and the table written out again here (expect()): reserved
 * must be 0 (SPEC 3.3) and `in` hold a KSPROPERTY, at most 65536 bytes
 * (EINVAL); the flags exactly one of GET, SET, BASICSUPPORT, SETSUPPORT,
 * with or without TOPOLOGY, whose KSP_NODE must fit in `in` (EINVAL);
 * then an unknown set or id ENOENT, an operation not offered EOPNOTSUPP,
 * `in` too short for the property EINVAL, a SET's value too short
 * EOVERFLOW with `returned` the size needed, one beyond 65536 EINVAL.
 * The module's outcome, errno and `returned` alike, must be the same.
 */
#include <stdint.h>
#include <string.h>

#include "pins.h"
#include "prop_check.h"

#define HDR		10
#define LIMIT		65536u
#define TOPOLOGY	0x10000000u

/* One property as the table has it; get/set: a handler is there. */
struct item {
	u32 id;
	u32 in_size;
	u32 set_size;
	bool get;
	bool set;
};

/* Sizes at the edges: a bare KSPROPERTY, a KSP_PIN, values up to 65536. */
static const struct item pin_items[] = {
	{ 0, sizeof(struct ks_p_pin), 0, true, false },
	{ 1, sizeof(struct ks_identifier), 0, true, false },
	{ 2, sizeof(struct ks_p_pin), 4, true, true },
	{ 3, sizeof(struct ks_identifier), 88, false, true },
	{ 4, 4096, 65536, true, true },
	{ 5, LIMIT, 1, true, true },
	{ 6, LIMIT + 1, 0, true, true },
	{ 7, 0, 0, false, false },
};

static const struct item node_items[] = {
	{ 0, sizeof(struct ks_p_node), 0, true, false },
	{ 1, sizeof(struct ks_p_node) + 8, 4, true, true },
	{ 2, sizeof(struct ks_p_node), 65537, false, true },
};

struct set {
	struct ks_guid guid;
	const struct item *items;
	u32 count;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct set fd_sets[] = {
	{ KSPROPSETID_PIN, pin_items, N(pin_items) },
	{ KSPROPSETID_CONNECTION, pin_items + 2, N(pin_items) - 2 },
};

static const struct set node_sets[] = {
	{ KSPROPSETID_AUDIO, node_items, N(node_items) },
};

/* The item for (set, id) in @sets; *found_set says whether the set is. */
static const struct item *lookup(const struct set *sets, u32 count,
				 const struct ks_identifier *p, bool *found_set)
{
	u32 i, j;

	*found_set = false;
	for (i = 0; i < count; i++) {
		if (memcmp(&sets[i].guid, &p->set, sizeof(p->set)))
			continue;
		*found_set = true;
		for (j = 0; j < sets[i].count; j++) {
			if (sets[i].items[j].id == p->id)
				return &sets[i].items[j];
		}
		return NULL;
	}
	return NULL;
}

static const struct item *find(const struct ks_identifier *p, u32 flags,
			       bool *found_set)
{
	if (flags & TOPOLOGY)
		return lookup(node_sets, N(node_sets), p, found_set);
	return lookup(fd_sets, N(fd_sets), p, found_set);
}

static u32 rd32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/*
 * The outcome SPEC 6 gives, up to the handler: 0 when it runs (for
 * SETSUPPORT and BASICSUPPORT, whose answers are the handlers' own, as
 * soon as the flags pass).
 */
static int expect(u32 reserved, u32 in_size, const u8 *in, u32 out_size,
		  u32 *returned)
{
	const struct item *it;
	bool known_set;
	u32 flags, op;

	*returned = 0;
	if (reserved || in_size < 24 || in_size > LIMIT)
		return -EINVAL;
	flags = rd32(in + 20);
	op = flags & ~TOPOLOGY;
	if (op != KSPROPERTY_TYPE_GET && op != KSPROPERTY_TYPE_SET &&
	    op != KSPROPERTY_TYPE_BASICSUPPORT &&
	    op != KSPROPERTY_TYPE_SETSUPPORT)
		return -EINVAL;
	if ((flags & TOPOLOGY) && in_size < 32)
		return -EINVAL;
	if (op == KSPROPERTY_TYPE_SETSUPPORT)
		return 0;
	it = find((const struct ks_identifier *)in, flags, &known_set);
	if (!it)
		return -ENOENT;
	if (op == KSPROPERTY_TYPE_BASICSUPPORT)
		return 0;
	if (op == KSPROPERTY_TYPE_GET ? !it->get : !it->set)
		return -EOPNOTSUPP;
	if (in_size < it->in_size)
		return -EINVAL;
	if (op == KSPROPERTY_TYPE_SET && out_size < it->set_size) {
		*returned = it->set_size;
		return -EOVERFLOW;
	}
	if (op == KSPROPERTY_TYPE_SET && out_size > LIMIT)
		return -EINVAL;
	return 0;
}

/* property() and dispatch() of property.c, up to the handler. */
static int module(u32 reserved, u32 in_size, const void *in, u32 out_size,
		  u32 *returned)
{
	const struct ks_identifier *prop = in;
	const struct item *it;
	bool known_set;
	int ret, op;

	*returned = 0;
	ret = ks_prop_check_buffers(reserved, in_size);
	if (ret)
		return ret;
	op = ks_prop_check_flags(prop->flags, in_size);
	if (op <= 0)
		return op;
	INVARIANT(op == (int)(prop->flags & ~TOPOLOGY));
	if (op == KSPROPERTY_TYPE_SETSUPPORT)
		return 0;
	it = find(prop, prop->flags, &known_set);
	if (!it)
		return -ENOENT;
	if (op == KSPROPERTY_TYPE_BASICSUPPORT)
		return 0;
	return ks_prop_check_call((u32)op, op == KSPROPERTY_TYPE_GET ?
				  it->get : it->set, in_size, it->in_size,
				  out_size, it->set_size, returned);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	u32 reserved, out_size, in_size, want_ret, got_ret;
	int want, got;
	u8 *in;

	if (len < HDR || len - HDR + data[8] > 2 * LIMIT)
		return 0;
	reserved = rd32(data);
	out_size = rd32(data + 4);
	in_size = (u32)(len - HDR) + data[8];
	/* A KSPROPERTY's worth at least, readable whatever in_size says. */
	in = calloc(1, in_size < 24 ? 24 : in_size);
	INVARIANT(in);
	memcpy(in, data + HDR, len - HDR);

	want = expect(reserved, in_size, in, out_size, &want_ret);
	got = module(reserved, in_size, in, out_size, &got_ret);
	if (want != got || want_ret != got_ret)
		fprintf(stderr, "module %d returned %u; SPEC %d returned %u\n",
			got, got_ret, want, want_ret);
	INVARIANT(got == want);
	INVARIANT(got_ret == want_ret);
	free(in);
	return 0;
}
