// SPDX-License-Identifier: GPL-2.0
/*
 * ksfilter: KS_IOCTL_PROPERTY, Windows' DeviceIoControl(IOCTL_KS_PROPERTY)
 * on filter and pin fds (SPEC 6): the dispatcher and the value helpers.
 * The handlers are in property_filter.c and property_pin.c; they call
 * nothing here but the value helpers (prop.h).  Locks: see "DOC: Locking"
 * in filter.h; every handler runs with the filter entered (the gate read
 * held: they read the provider's descriptor and may call it).
 */

/**
 * DOC: Property requests
 *
 * ``in`` is a KSPROPERTY (set, id, flags) and the property's instance
 * data; ``out`` is the value, in both directions as in Windows: a GET
 * writes it there, a SET reads it from there.  Each fd type has a constant
 * table of the property sets it answers, each set a table of items: id,
 * the bytes of ``in`` the item reads, the bytes a SET reads from ``out``,
 * and a GET and a SET handler (NULL: not offered).  The request is copied
 * from userspace once; the table lookup and the size checks need nothing
 * but the tables, so they come before the filter is entered.
 *
 * A GET handler builds the whole value in a zeroed kernel buffer (so no
 * uninitialised byte can go out) and the core copies what the caller asked
 * for: all of it, or for a KSMULTIPLE_ITEM value with a 4- or 8-byte
 * ``out`` just its size or its header (Windows' sized-list queries), or
 * nothing and EOVERFLOW with the size needed in ``returned``.  Copies to
 * and from userspace happen with no lock held.
 */

/**
 * DOC: Property behaviours chosen here
 *
 * Where the contract leaves a behaviour open, it is this:
 *
 * - ``returned`` is written back on every outcome once the buffers were
 *   read: the bytes written, the bytes needed on EOVERFLOW, 0 otherwise (a
 *   successful SET writes nothing).
 * - ``in`` is at most KS_PROP_BUF_MAX bytes (EINVAL beyond), and so is a
 *   SET's value; a SET's value shorter than the item needs is EOVERFLOW
 *   with ``returned`` = the size needed, as a short GET buffer is.
 * - BASICSUPPORT and SETSUPPORT read only the KSPROPERTY: the answer does
 *   not depend on instance data.
 * - KSPROPERTY_PIN_CATEGORY / NAME / PHYSICALCONNECTION of a pin without
 *   one, and KSPROPERTY_GENERAL_COMPONENTID of a filter without one:
 *   ENOENT.
 * - DATARANGES: a range with an attribute list has KSDATARANGE_ATTRIBUTES
 *   set in its copy and is followed by the list, which is an item of its
 *   own, counted in ``count`` (Windows' convention); every item is padded
 *   to 8 bytes and ``size`` counts the padding.
 * - CONNECTION_DATAFORMAT set outside KSSTATE_STOP: EBUSY.
 * - KSPROPSETID_KSFILTER_STREAM (ours, uapi/linux/ks.h) on every pin fd;
 *   a POSITION set on a STREAMING pin: EOPNOTSUPP (it has no mapping to
 *   have written into or read from); outside PAUSE and RUN: EBADFD.  A
 *   BUFFER set: EOPNOTSUPP on a LOOPED_STREAMING pin (its buffer is made
 *   with the pin and may be mapped), EINVAL for a size outside 64 KiB to
 *   4 MiB, EBUSY once the pin has left STOP (stream.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "filter.h"
#include "format.h"
#include "pin.h"
#include "prop.h"
#include "prop_check.h"
#include "property.h"
#include "topology.h"

/* ---- values ---- */

void ks_value_free(struct ks_prop_call *call)
{
	if (call->value && call->value != call->small)
		kvfree(call->value);
	call->value = NULL;
	call->value_size = 0;
	call->list = false;
	call->described = false;
}

/* A zeroed value buffer of @size bytes, replacing any earlier one. */
void *ks_value_alloc(struct ks_prop_call *call, u32 size)
{
	ks_value_free(call);
	if (size <= sizeof(call->small)) {
		memset(call->small, 0, size);
		call->value = call->small;
	} else {
		call->value = kvzalloc(size, GFP_KERNEL);
		if (!call->value)
			return NULL;
	}
	call->value_size = size;
	return call->value;
}

int ks_value_copy(struct ks_prop_call *call, const void *src, u32 size)
{
	void *v = ks_value_alloc(call, size);

	if (!v)
		return -ENOMEM;
	memcpy(v, src, size);
	return 0;
}

/*
 * A KSMULTIPLE_ITEM of @count items in @size bytes (header included),
 * zeroed: the handler fills in the items.  NULL when out of memory.
 */
struct ks_multiple_item *ks_value_list(struct ks_prop_call *call, u64 size,
				       u32 count)
{
	struct ks_multiple_item *list;

	/* Provider data could only get here by a broken descriptor. */
	if (WARN_ON_ONCE(size > U32_MAX))
		return NULL;
	list = ks_value_alloc(call, size);
	if (!list)
		return NULL;
	list->size = size;
	list->count = count;
	call->list = true;
	return list;
}

int ks_value_utf16(struct ks_prop_call *call, const char *ascii)
{
	size_t len = strlen(ascii), i;
	__le16 *wide;

	if (WARN_ON_ONCE(len >= U32_MAX / sizeof(*wide)))
		return -ENOMEM;
	wide = ks_value_alloc(call, (len + 1) * sizeof(*wide));
	if (!wide)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		wide[i] = cpu_to_le16((u8)ascii[i]);
	return 0;
}

int ks_value_describe(struct ks_prop_call *call, u32 access, u32 vt,
		      const struct ks_node_control *c)
{
	u32 size = ks_describe(access, vt, c, NULL, 0);
	void *v = ks_value_alloc(call, size);

	if (!v)
		return -ENOMEM;
	ks_describe(access, vt, c, v, size);
	call->described = true;
	return 0;
}

/* ---- user copies ---- */

/*
 * Requests and values are mostly a KSPROPERTY and a few u32s or u64s.
 * Whole aligned words are moved with one user-access window and a load or
 * store each, which costs less than copy_{from,to}_user()'s byte loop for
 * short copies and its object check; anything else takes the general
 * copy.  @buf is a KS_PROP_INLINE buffer of ours, so @size is bounded
 * here, not by the hardened-usercopy check.
 */
static bool words_ok(const void __user *uptr, u32 size)
{
	return size <= KS_PROP_INLINE && IS_ALIGNED(size, sizeof(u32)) &&
	       IS_ALIGNED((unsigned long)uptr, sizeof(u32));
}

static __always_inline int copy_in_small(void *buf, const void __user *uptr, u32 size)
{
	const u32 __user *src = uptr;
	u32 *dst = buf;
	u32 i;

	if (WARN_ON_ONCE(size > KS_PROP_INLINE))
		return -EINVAL;
	if (!words_ok(uptr, size))
		return copy_from_user(buf, uptr, size) ? -EFAULT : 0;
	if (!user_read_access_begin(uptr, size))
		return -EFAULT;
	for (i = 0; i < size / sizeof(u32); i++)
		unsafe_get_user(dst[i], &src[i], fault);
	user_read_access_end();
	return 0;
fault:
	user_read_access_end();
	return -EFAULT;
}

static int copy_out(void __user *uptr, const void *buf, u32 size)
{
	const u32 *src = buf;
	u32 __user *dst = uptr;
	u32 i;

	if (!words_ok(uptr, size))
		return copy_to_user(uptr, buf, size) ? -EFAULT : 0;
	if (!user_write_access_begin(uptr, size))
		return -EFAULT;
	for (i = 0; i < size / sizeof(u32); i++)
		unsafe_put_user(src[i], &dst[i], fault);
	user_write_access_end();
	return 0;
fault:
	user_write_access_end();
	return -EFAULT;
}

/*
 * The caller's struct ks_ioctl_buffers and, when it is short and aligned
 * as nearly every request is, `in` with it into @in: one user-access
 * window for both.  Returns the bytes read into @in (0: `in` is left to
 * property()), or -EFAULT when @uio cannot be read.
 */
static int read_request(const struct ks_ioctl_buffers __user *uio,
			struct ks_ioctl_buffers *io, u32 *in)
{
	const u32 __user *src;
	u32 i;

	if (!user_read_access_begin(uio, sizeof(*uio)))
		return -EFAULT;
	unsafe_get_user(io->in, &uio->in, fault_io);
	unsafe_get_user(io->out, &uio->out, fault_io);
	unsafe_get_user(io->in_size, &uio->in_size, fault_io);
	unsafe_get_user(io->out_size, &uio->out_size, fault_io);
	unsafe_get_user(io->reserved, &uio->reserved, fault_io);
	src = u64_to_user_ptr(io->in);
	if (io->in_size < sizeof(struct ks_identifier) ||
	    !words_ok(src, io->in_size) || !access_ok(src, io->in_size))
		goto done;
	for (i = 0; i < io->in_size / sizeof(u32); i++)
		unsafe_get_user(in[i], &src[i], fault_in);
	user_read_access_end();
	return io->in_size;
fault_in:	/* property() copies it again and answers EFAULT */
done:
	user_read_access_end();
	return 0;
fault_io:
	user_read_access_end();
	return -EFAULT;
}

/*
 * A GET's value, @n bytes, and `returned` = @n: one user-access window for
 * both when the value is short and aligned.
 */
static int write_answer(struct ks_ioctl_buffers __user *uio, void __user *out,
			const void *value, u32 n)
{
	const u32 *src = value;
	u32 __user *dst = out;
	u32 i;

	if (!words_ok(out, n) || !access_ok(&uio->returned, sizeof(u32)))
		return copy_out(out, value, n) ?: put_user(n, &uio->returned);
	if (!user_write_access_begin(out, n))
		return -EFAULT;
	for (i = 0; i < n / sizeof(u32); i++)
		unsafe_put_user(src[i], &dst[i], fault);
	unsafe_put_user(n, &uio->returned, fault);
	user_write_access_end();
	return 0;
fault:
	user_write_access_end();
	return -EFAULT;
}

/* ---- the core ---- */

static const struct ks_prop_set *find_set(const struct ks_prop_table *t,
					  const struct ks_guid *guid)
{
	unsigned int i;

	for (i = 0; i < t->count; i++) {
		if (ks_guid_equal(&t->sets[i].set, guid))
			return &t->sets[i];
	}
	return NULL;
}

static const struct ks_prop_item *find_item(const struct ks_prop_set *set,
					    u32 id)
{
	unsigned int i;

	for (i = 0; i < set->count; i++) {
		if (set->items[i].id == id)
			return &set->items[i];
	}
	return NULL;
}

/*
 * SETSUPPORT: the all-zero set asks for the GUIDs of every set; a known set
 * is supported (0, nothing written), an unknown one is not (ENOENT).
 */
static int set_support(const struct ks_prop_table *t,
		       const struct ks_prop_set *set, struct ks_prop_call *call)
{
	struct ks_guid *guids;
	unsigned int i;

	if (!ks_guid_is_null(&call->prop->set))
		return set ? 0 : -ENOENT;
	guids = ks_value_alloc(call, t->count * sizeof(*guids));
	if (!guids)
		return -ENOMEM;
	for (i = 0; i < t->count; i++)
		guids[i] = t->sets[i].set;
	return 0;
}

/*
 * Run the handler with the filter entered: it may read the descriptor.
 * Inline, on the path of every request.
 */
static __always_inline int run_handler(struct ks_prop_call *call,
				       int (*handler)(struct ks_prop_call *call))
{
	int ret;

	ret = ks_filter_enter(call->filter);
	if (ret)
		return ret;
	ret = handler(call);
	ks_filter_leave(call->filter);
	return ret;
}

/*
 * BASICSUPPORT: the item's description, or by default a description of
 * the KSPROPERTY_TYPE_GET/SET bits the item offers and its value's type.
 * Its first 4 bytes are those bits, which is what a 4-byte `out` gets.
 */
static int basic_support(const struct ks_prop_item *item,
			 struct ks_prop_call *call)
{
	if (item->describe)
		return run_handler(call, item->describe);
	return ks_value_describe(call,
				 (item->get ? KSPROPERTY_TYPE_GET : 0) |
				 (item->set ? KSPROPERTY_TYPE_SET : 0),
				 item->vt, NULL);
}

/*
 * A SET's value: `out`, its size checked by ks_prop_check_call().  Copied
 * once; small values stay on the stack (@small, 8-byte aligned as the
 * format checks need).
 */
static int copy_set_value(struct ks_prop_call *call,
			  const struct ks_ioctl_buffers *io, u64 *small,
			  size_t small_size)
{
	void *v;

	if (io->out_size <= small_size) {
		if (copy_in_small(small, u64_to_user_ptr(io->out), io->out_size))
			return -EFAULT;
		v = small;
	} else {
		v = vmemdup_user(u64_to_user_ptr(io->out), io->out_size);
		if (IS_ERR(v))
			return PTR_ERR(v);
	}
	call->set_value = v;
	call->set_size = io->out_size;
	return 0;
}

/*
 * What a BASICSUPPORT `out` of @size bytes, too small for the whole
 * description, gets of it, as Windows' audio drivers answer: the
 * KSPROPERTY_DESCRIPTION alone (its description_size says how much there
 * is), or just its access flags; nothing below 4 bytes.
 */
static u32 described_part(u32 size)
{
	if (size >= sizeof(struct ks_property_description))
		return sizeof(struct ks_property_description);
	return size >= sizeof(u32) ? sizeof(u32) : U32_MAX;
}

/*
 * How much of a GET's value goes to `out`: all of it; for a
 * KSMULTIPLE_ITEM and an `out` of 4 or 8 bytes its size or its header
 * (Windows' sized-list queries); otherwise EOVERFLOW with the size needed
 * in `returned`.
 */
static int value_part(struct ks_prop_call *call,
		      const struct ks_ioctl_buffers *io, u32 *part)
{
	u32 n = call->value_size;

	if (io->out_size < n && call->described)
		n = described_part(io->out_size);
	if (io->out_size < n) {
		if (!call->list || (io->out_size != sizeof(u32) &&
				    io->out_size != sizeof(struct ks_multiple_item))) {
			call->returned = call->value_size;
			return -EOVERFLOW;
		}
		n = io->out_size;
	}
	*part = n;
	return 0;
}

/* The value to `out` now: a commit or a mapping depends on it. */
static int copy_value(struct ks_prop_call *call,
		      const struct ks_ioctl_buffers *io)
{
	u32 n;
	int ret;

	ret = value_part(call, io, &n);
	if (ret)
		return ret;
	if (copy_out(u64_to_user_ptr(io->out), call->value, n))
		return -EFAULT;
	call->returned = n;
	return 0;
}

/*
 * SET: the table's checks, then the value, then the handler.  The value
 * comes from userspace before the filter is entered: no user copy is ever
 * made with the gate held, so a slow page cannot hold up unregistration.
 */
static int do_set(struct ks_prop_call *call, const struct ks_prop_item *item,
		  const struct ks_ioctl_buffers *io)
{
	/* Not zeroed first: the handler reads the set_size bytes copied. */
	u64 small[KS_PROP_INLINE / sizeof(u64)] __uninitialized;
	int ret;

	ret = copy_set_value(call, io, small, sizeof(small));
	if (ret)
		return ret;
	ret = run_handler(call, item->set);
	if (call->set_value != small)
		kvfree(call->set_value);
	call->set_value = NULL;
	return ret;
}

/*
 * The mapping a value hands out (struct ks_prop_call.map): made for the
 * caller, as mmap(2) of its fd would be, with no lock of ours held (the
 * mapping takes mmap_lock, and our mmap() runs under it).
 */
static int map_value(struct ks_prop_call *call)
{
	unsigned long addr;

	if (WARN_ON_ONCE(!call->file || call->value_size < sizeof(u64)))
		return -EINVAL;
	if (!current->mm)
		return -EOPNOTSUPP;
	addr = vm_mmap(call->file, call->map.hint, call->map_len,
		       call->map.prot, MAP_SHARED, call->map.offset);
	if (IS_ERR_VALUE(addr))
		return (int)addr;
	call->mapped = addr;
	*(u64 *)call->value = addr + call->map.field;
	return 0;
}

static int dispatch(const struct ks_prop_table *t, struct ks_prop_call *call,
		    const struct ks_ioctl_buffers *io, u32 op)
{
	const struct ks_identifier *prop = call->prop;
	const struct ks_prop_set *set;
	const struct ks_prop_item *item;
	int (*handler)(struct ks_prop_call *call);
	int ret;

	/* A node's property, on either fd: KSP_NODE names the node. */
	if (prop->flags & KSPROPERTY_TYPE_TOPOLOGY)
		t = &ks_node_props;
	set = find_set(t, &prop->set);
	if (op == KSPROPERTY_TYPE_SETSUPPORT) {
		ret = set_support(t, set, call);
		goto out;
	}
	item = set ? find_item(set, prop->id) : NULL;
	if (!item)
		return -ENOENT;
	if (op == KSPROPERTY_TYPE_BASICSUPPORT) {
		ret = basic_support(item, call);
		goto out;
	}
	handler = op == KSPROPERTY_TYPE_GET ? item->get : item->set;
	ret = ks_prop_check_call(op, handler, call->in_size, item->in_size,
				 io->out_size, item->set_size,
				 &call->returned);
	if (ret)
		return ret;
	if (op == KSPROPERTY_TYPE_SET)
		return do_set(call, item, io);
	ret = run_handler(call, handler);
	if (!ret && call->map_len)
		ret = map_value(call);
out:
	/*
	 * A plain value is left to ks_property_ioctl(), which writes it
	 * with `returned`; one that a commit or a mapping goes with, now.
	 */
	if (!ret && call->value && (call->mapped || call->commit))
		ret = copy_value(call, io);
	if (!ret && call->commit)
		ret = run_handler(call, call->commit);	/* it reads the value */
	if (ret && call->mapped)
		vm_munmap(call->mapped, call->map_len);
	if (ret || call->mapped || call->commit)
		ks_value_free(call);
	return ret;
}

/*
 * The request itself: reserved, `in` and its flags.  Inlined into its one
 * caller: the property path is what clients call most.
 */
static __always_inline int property(const struct ks_prop_table *t,
				    struct ks_prop_call *call,
				    const struct ks_ioctl_buffers *io,
				    u64 *small, bool in_read)
{
	void *in;
	int ret;

	ret = ks_prop_check_buffers(io->reserved, io->in_size);
	if (ret)
		return ret;
	if (in_read) {
		in = small;
	} else if (io->in_size <= KS_PROP_INLINE) {
		if (copy_in_small(small, u64_to_user_ptr(io->in), io->in_size))
			return -EFAULT;
		in = small;
	} else {
		in = vmemdup_user(u64_to_user_ptr(io->in), io->in_size);
		if (IS_ERR(in))
			return PTR_ERR(in);
	}
	call->prop = in;
	call->in_size = io->in_size;
	ret = ks_prop_check_flags(call->prop->flags, call->in_size);
	if (ret > 0)
		ret = dispatch(t, call, io, ret);
	if (in != small)
		kvfree(in);
	return ret;
}

/*
 * The call's answer, zeroed member by member: a memset() of its size is a
 * string instruction, which under emulation (QEMU's TCG) costs a jump back
 * for every word, and zeroing all of the call made a short GET 7% slower
 * in paired runs.  The assertion stops a member from being added among
 * these unzeroed.
 */
static __always_inline void answer_clear(struct ks_prop_call *call)
{
	call->set_value = NULL;
	call->value = NULL;
	call->commit = NULL;
	call->mapped = 0;
	call->set_size = 0;
	call->value_size = 0;
	call->returned = 0;
	call->map_len = 0;
	call->list = false;
	call->described = false;
}

static_assert(offsetofend(struct ks_prop_call, described) -
	      offsetof(struct ks_prop_call, set_value) ==
	      4 * sizeof(void *) + 4 * sizeof(u32) + 2 * sizeof(bool));

/*
 * Two user-access windows in all for a short request, one to read it and
 * one to answer: under emulation (QEMU's TCG) each window costs about as
 * much as the table lookup, and they made a short GET half again as slow.
 */
long ks_property_ioctl(const struct ks_prop_table *t, struct ks_filter *filter,
		       struct ks_pin *pin, struct file *file, void __user *arg)
{
	struct ks_ioctl_buffers __user *uio = arg;
	struct ks_prop_call call __uninitialized;
	u64 in[KS_PROP_INLINE / sizeof(u64)] __uninitialized;
	struct ks_ioctl_buffers io;
	long ret;
	int got;
	u32 n;

	got = read_request(uio, &io, (u32 *)in);
	if (got < 0)
		return got;
	answer_clear(&call);
	call.filter = filter;
	call.pin = pin;
	call.file = file;
	call.out_size = io.out_size;
	call.prop = NULL;
	call.in_size = 0;
	ret = property(t, &call, &io, in, got > 0);
	if (!ret && call.value) {
		ret = value_part(&call, &io, &n);
		if (!ret)
			ret = write_answer(uio, u64_to_user_ptr(io.out),
					   call.value, n);
		ks_value_free(&call);
		if (!ret)
			return 0;
	}
	if (ret != -EOVERFLOW && ret)
		call.returned = 0;
	if (put_user(call.returned, &uio->returned))
		return -EFAULT;
	return ret;
}
