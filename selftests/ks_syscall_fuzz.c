// SPDX-License-Identifier: GPL-2.0
/*
 * ks_syscall_fuzz: random and mutated system calls against ksfilter, run in
 * the VM (not a kselftest harness test: one TAP line).
 *
 *	ks_syscall_fuzz [-s SEED] [-n CALLS] [-t SECONDS]
 *
 * Defaults: a seed from the clock (printed, so a run can be repeated with
 * -s), 100000 calls, and KS_SYSCALL_FUZZ_SECONDS or 30 seconds, whichever
 * ends first (on the debug kernel under TCG about 4000 calls/s, so the
 * calls usually end it).  By hand, run it longer:
 * ks_syscall_fuzz -n 10000000 -t 600.
 *
 * What it calls, with random arguments drawn from valid ones and mutated:
 *  - KS_IOCTL_CREATE_PIN on ks-loopback's (and, if it can be loaded,
 *    ks-tonegen's) filter fds opened read, write and read-write: valid
 *    requests with bytes flipped, sizes changed, random access and flags,
 *    pin_to_handle taken from other pin fds, filter fds, eventfds, pipes,
 *    closed numbers and junk;
 *  - pointers: valid, NULL, unaligned, unmapped, kernel addresses, and
 *    blobs at the end of a page with a PROT_NONE page after them;
 *  - KS_IOCTL_PROPERTY on filter and pin fds: every set and id (and random
 *    ones), every flag (and random ones), KSP_PIN instance data, candidate
 *    lists for DATAINTERSECTION, formats for DATAFORMAT and
 *    PROPOSEDATAFORMAT, STATE changes, random in/out sizes;
 *  - stream ioctls (WRITE_STREAM, READ_STREAM, RESET_STATE), unknown ioctl
 *    numbers, read, write, poll, mmap (pin fds are made non-blocking
 *    first: a blocking call must not stall the run), and close at random.
 *
 * The calls run in a child; afterwards the parent checks that the child
 * exited normally and that /sys/kernel/debug/ksfilter/stats is back at its
 * start values.  Every return value is accepted: the point is what the
 * kernel does (KASAN, lockdep, kmemleak, WARN), which the VM runner checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ks.h>
#include "libks.h"

#define STATS_PATH	"/sys/kernel/debug/ksfilter/stats"
#define MAX_FDS		64
#define ARENA_PAGES	16
#include "../module/samples/ks-tonegen.h"

enum kind { K_FILTER, K_PIN, K_OTHER };

struct slot {
	int fd;
	enum kind kind;
};

static struct slot fds[MAX_FDS];
static unsigned int nfds;
static int closed_fds[16];
static uint64_t rng;
static uint64_t calls, pins_created, creates_tried;
static long page;
/* All memory handed to the kernel: ARENA_PAGES RW pages, then PROT_NONE. */
static uint8_t *arena, *guard, *unmapped;
static size_t arena_size;
static int filter_index[2] = { -1, -1 };

static uint64_t next(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(next() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* ---- fds ---- */

static void add_fd(int fd, enum kind kind)
{
	if (fd < 0)
		return;
	if (nfds == MAX_FDS) {
		close(fd);
		return;
	}
	fds[nfds].fd = fd;
	fds[nfds].kind = kind;
	nfds++;
}

static int pick_fd(int want)
{
	unsigned int i, start;

	if (!nfds)
		return -1;
	start = below(nfds);
	for (i = 0; i < nfds; i++) {
		struct slot *s = &fds[(start + i) % nfds];

		if (want < 0 || s->kind == (enum kind)want)
			return s->fd;
	}
	return -1;
}

static void close_slot(unsigned int i)
{
	close(fds[i].fd);
	calls++;
	closed_fds[below(16)] = fds[i].fd;
	fds[i] = fds[--nfds];
}

/* A file descriptor number as a caller might pass one: any kind. */
static int any_fd(void)
{
	switch (below(8)) {
	case 0:
		return closed_fds[below(16)];
	case 1:
		return (int)below(1024);
	case 2:
		return -1;
	default:
		return pick_fd(-1);
	}
}

/* ---- memory ---- */

/*
 * A user pointer for @size bytes the kernel reads or writes: mostly @good
 * (inside the arena), sometimes a bad one.
 */
static uint64_t ptr_for(void *good, uint32_t size)
{
	switch (below(20)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)good + 1 + below(7);	/* unaligned */
	case 2:
		return (uintptr_t)unmapped + below((uint32_t)page);
	case 3:
		return 0xffffffff81000000ull + below(4096);
	case 4:
		return 0xffff888000000000ull;
	case 5:
		/* Runs into the PROT_NONE page after the arena. */
		return (uintptr_t)guard - (size ? below(size) + 1 : 1);
	case 6:
		return next();
	default:
		return (uintptr_t)good;
	}
}

/*
 * The first @cut bytes of @src (at most 4 pages) at the very end of the
 * arena: a blob of @size whose tail runs into the PROT_NONE page.
 */
static void *at_arena_end(const void *src, uint32_t size, uint32_t cut)
{
	uint32_t n = size < cut ? size : cut;
	uint8_t *p;

	if (n > 4 * (uint32_t)page)
		n = 4 * (uint32_t)page;
	p = guard - n;
	memmove(p, src, n);
	return p;
}

static void mutate(uint8_t *buf, uint32_t size)
{
	unsigned int i, n = below(4);

	if (!size)
		return;
	for (i = 0; i < n; i++) {
		uint32_t at = below(size);

		switch (below(4)) {
		case 0:
			buf[at] ^= (uint8_t)(1u << below(8));
			break;
		case 1:
			buf[at] = (uint8_t)next();
			break;
		case 2:
			buf[at] = below(2) ? 0xFF : 0;
			break;
		default:
			if (at + 4 <= size) {
				uint32_t v = below(2) ? (uint32_t)next() :
					     below(200);
				memcpy(buf + at, &v, 4);
			}
			break;
		}
	}
}

/* ---- valid building blocks ---- */

static const struct ks_guid guid_stream = KSDATAFORMAT_TYPE_STREAM;
static const struct ks_guid guid_sub_none = KSDATAFORMAT_SUBTYPE_NONE;
static const struct ks_guid guid_spec_none = KSDATAFORMAT_SPECIFIER_NONE;
static const struct ks_guid tonegen_medium = TONEGEN_MEDIUM;
static const struct ks_guid tonegen_key = TONEGEN_ATTRIBUTE_KEY;
static const struct ks_guid prop_sets[] = {
	KSPROPSETID_PIN,
	KSPROPSETID_CONNECTION,
	KSPROPSETID_GENERAL,
	KSPROPSETID_TOPOLOGY,
	KS_GUID_NULL,
	KSDATAFORMAT_TYPE_AUDIO,
};

/* A data format, valid for one of the pins, in @buf; returns its size. */
static uint32_t build_format(uint8_t *buf, uint32_t room)
{
	static const uint32_t rates[] = { 8000, 44100, 48000, 96000, 384000,
					  44101, 0, 400000 };
	struct ks_dataformat *f = (void *)buf;
	struct ks_multiple_item *list;
	struct ks_attribute *a;
	uint32_t size;

	memset(buf, 0, room);
	switch (below(5)) {
	case 0:
	case 1:
		size = (uint32_t)ks_build_audio_format((void *)buf,
				below(3) ? KS_SAMPLE_PCM : KS_SAMPLE_FLOAT,
				rates[below(8)] ? : 48000, 1 + below(9),
				(uint16_t)(8 * (1 + below(4))));
		break;
	case 2:
		size = (uint32_t)ks_build_audio_format_ext((void *)buf,
				below(2) ? KS_SAMPLE_PCM : KS_SAMPLE_FLOAT,
				rates[below(5)], 1 + below(8),
				(uint16_t)(8 * (1 + below(4))), 0);
		break;
	case 3:
		f->format_size = sizeof(*f);
		f->major_format = guid_stream;
		f->sub_format = guid_sub_none;
		f->specifier = guid_spec_none;
		size = sizeof(*f);
		break;
	default:
		/* The keyed stream format with its attribute list. */
		f->format_size = sizeof(*f);
		f->flags = KSDATAFORMAT_ATTRIBUTES;
		f->major_format = guid_stream;
		f->sub_format = guid_sub_none;
		f->specifier = guid_spec_none;
		list = (void *)(f + 1);
		a = (void *)(list + 1);
		list->size = sizeof(*list) + sizeof(*a);
		list->count = 1;
		a->size = sizeof(*a);
		a->attribute = tonegen_key;
		size = sizeof(*f) + list->size;
		break;
	}
	if ((int32_t)size < 0)
		size = 0;
	return size;
}

/* ---- calls ---- */

static void do_create(void)
{
	static const uint32_t accesses[] = {
		KS_GENERIC_READ, KS_GENERIC_WRITE,
		KS_GENERIC_READ | KS_GENERIC_WRITE, 0, 0x1, 0xFFFFFFFF,
	};
	uint8_t *blob = arena + page;		/* 8-aligned, pages to spare */
	struct ks_create_pin *args = (void *)arena;
	struct ks_pin_connect *c = (void *)blob;
	uint32_t size, fsize, flags;
	int filter = pick_fd(K_FILTER), fd;
	void *where = blob;

	if (filter < 0)
		return;
	ks_connect_init(c, below(8) ? below(6) : (uint32_t)next());
	if (chance(15))
		ks_connect_set_interface(c, below(4));
	if (chance(15)) {
		c->medium.set = tonegen_medium;
		c->medium.id = 0;
	}
	if (chance(25)) {
		int peer = any_fd();

		c->pin_to_handle = chance(90) ? (uint64_t)(int64_t)peer :
						next();
	}
	fsize = build_format(blob + sizeof(*c), 2 * (uint32_t)page);
	size = sizeof(*c) + fsize;
	if (chance(50))
		mutate(blob, size);
	switch (below(10)) {
	case 0:
		size = below(200);
		break;
	case 1:
		size += below(64);
		break;
	case 2:
		size = size > 8 ? size - below(8) : size;
		break;
	case 3:
		size = below(2) ? 65536 : 65537 + below(100);
		break;
	default:
		break;
	}
	if (size > 3 * (uint32_t)page && chance(90))
		size = 3 * (uint32_t)page;
	if (chance(5))
		where = at_arena_end(blob, size, below(size + 1));
	memset(args, 0, sizeof(*args));
	args->connect = (uintptr_t)where;
	if (where == blob)
		args->connect = ptr_for(blob, size);
	args->connect_size = size;
	args->desired_access = accesses[below(6)];
	flags = chance(80) ? O_NONBLOCK : 0;
	if (chance(50))
		flags |= O_CLOEXEC;
	if (chance(5))
		flags |= 1u << below(32);
	args->flags = flags;
	args->reason = 0xdeadbeef;
	creates_tried++;
	calls++;
	fd = ioctl(filter, KS_IOCTL_CREATE_PIN,
		   chance(97) ? (void *)args : (void *)(uintptr_t)ptr_for(args, sizeof(*args)));
	if (fd >= 0) {
		pins_created++;
		/* A blocking pin would stall read/write below. */
		fcntl(fd, F_SETFL, O_NONBLOCK);
		add_fd(fd, K_PIN);
	}
}

/* `in` for a property: KSPROPERTY, instance data; returns its size. */
static uint32_t build_prop_in(uint8_t *in, bool pin_fd, uint32_t *id_out)
{
	struct ks_p_pin *p = (void *)in;
	static const uint32_t flag_set[] = {
		KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET,
		KSPROPERTY_TYPE_BASICSUPPORT, KSPROPERTY_TYPE_SETSUPPORT,
	};
	uint32_t size = sizeof(*p), id;

	memset(in, 0, 512);
	p->property.set = prop_sets[pin_fd ? (chance(80) ? 1 : below(6)) :
				    (chance(70) ? 0 : below(6))];
	id = chance(90) ? below(16) : (uint32_t)next();
	p->property.id = id;
	p->property.flags = chance(90) ? flag_set[below(chance(70) ? 2 : 4)] :
					 (uint32_t)next();
	p->pin_id = chance(90) ? below(7) : (uint32_t)next();
	p->reserved = chance(95) ? 0 : (uint32_t)next();
	*id_out = id;
	if (!pin_fd && id == KSPROPERTY_PIN_DATAINTERSECTION) {
		/* A candidate list: formats used as ranges, or a range. */
		struct ks_multiple_item *list = (void *)(p + 1);
		uint32_t pos = sizeof(*list), i, n = below(4), fs;

		for (i = 0; i < n && pos < 400; i++) {
			fs = build_format(in + sizeof(*p) + pos, 104 + 24);
			if (!fs)
				break;
			if (chance(30)) {
				struct ks_dataformat *r = (void *)(in + sizeof(*p) + pos);

				memset(r + 1, 0, 24);
				r->format_size = sizeof(struct ks_datarange_audio);
				r->flags = 0;
				fs = r->format_size;
				((struct ks_datarange_audio *)r)->maximum_channels = below(10);
				((struct ks_datarange_audio *)r)->maximum_bits_per_sample = 32;
				((struct ks_datarange_audio *)r)->maximum_sample_frequency = 192000;
			}
			pos += (fs + 7) & ~7u;
		}
		list->size = pos;
		list->count = i;
		size += pos;
	}
	if (chance(30))
		mutate(in, size);
	if (chance(10))
		size = below(size + 16);
	return size;
}

static void do_property(void)
{
	static const uint32_t states[] = {
		KSSTATE_STOP, KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN,
	};
	struct ks_ioctl_buffers *io = (void *)arena;
	uint8_t *in = arena + page, *out = arena + 2 * page;
	bool pin_fd = chance(50);
	int fd = pick_fd(pin_fd ? K_PIN : K_FILTER);
	uint32_t in_size, out_size, id, flags;

	if (fd < 0 || chance(3))
		fd = any_fd();
	in_size = build_prop_in(in, pin_fd, &id);
	flags = ((struct ks_identifier *)in)->flags;
	memset(out, 0, 512);
	out_size = below(2) ? below(16) * 4 : below(300);
	if (flags == KSPROPERTY_TYPE_SET) {
		if (pin_fd && id == KSPROPERTY_CONNECTION_STATE) {
			uint32_t s = chance(90) ? states[below(4)] : (uint32_t)next();

			memcpy(out, &s, 4);
			out_size = chance(90) ? 4 : below(9);
		} else if (id == KSPROPERTY_CONNECTION_DATAFORMAT ||
			   id == KSPROPERTY_PIN_PROPOSEDATAFORMAT) {
			out_size = build_format(out, 2 * (uint32_t)page);
			if (chance(40))
				mutate(out, out_size);
			if (chance(10))
				out_size = below(out_size + 32);
		} else if (chance(50)) {
			memset(out, (int)below(256), 64);
		}
	}
	if (chance(2))
		out_size = 65536 + below(3);
	if (out_size > 2 * (uint32_t)page)
		out_size = chance(80) ? 2 * (uint32_t)page : out_size;
	memset(io, 0, sizeof(*io));
	io->in = chance(5) ? (uintptr_t)at_arena_end(in, in_size, below(in_size + 1)) :
			     ptr_for(in, in_size);
	io->in_size = in_size;
	io->out = ptr_for(out, out_size);
	io->out_size = out_size;
	io->reserved = chance(97) ? 0 : (uint32_t)next();
	calls++;
	ioctl(fd, KS_IOCTL_PROPERTY, chance(98) ? (void *)io :
	      (void *)(uintptr_t)ptr_for(io, sizeof(*io)));
}

static void do_stream(void)
{
	static const unsigned long cmds[] = {
		KS_IOCTL_WRITE_STREAM, KS_IOCTL_READ_STREAM,
		KS_IOCTL_RESET_STATE,
	};
	struct ks_ioctl_buffers *io = (void *)arena;
	struct ks_stream_header *h = (void *)(arena + page);
	uint8_t *data = arena + 4 * page;
	unsigned int i, n = below(4);
	unsigned long cmd;
	int fd = chance(90) ? pick_fd(K_PIN) : any_fd();
	uint32_t v;

	if (chance(5)) {
		/* Unknown ioctls, ours and others'. */
		cmd = chance(50) ? _IOC(below(4), 0xB8, below(32), below(256)) :
				   (unsigned long)(uint32_t)next();
		calls++;
		ioctl(fd, cmd, (void *)(uintptr_t)ptr_for(arena, 256));
		return;
	}
	cmd = cmds[below(3)];
	if (cmd == KS_IOCTL_RESET_STATE) {
		v = chance(90) ? below(2) : (uint32_t)next();
		memcpy(arena, &v, 4);
		calls++;
		ioctl(fd, cmd, (void *)(uintptr_t)ptr_for(arena, 4));
		return;
	}
	memset(h, 0, 4 * sizeof(*h));
	for (i = 0; i < n; i++) {
		h[i].size = chance(90) ? sizeof(*h) : below(128);
		h[i].frame_extent = chance(80) ? 64 * below(65) : (uint32_t)next();
		h[i].data_used = chance(80) ? h[i].frame_extent : (uint32_t)next();
		h[i].data = ptr_for(data, h[i].frame_extent);
		if (h[i].data == (uintptr_t)data && h[i].frame_extent > 8 * page)
			h[i].frame_extent = 8 * (uint32_t)page;
		h[i].options_flags = chance(80) ? 0 :
			(uint32_t)(1u << below(12));
	}
	memset(io, 0, sizeof(*io));
	io->in = ptr_for(h, n * sizeof(*h));
	io->in_size = chance(90) ? n * sizeof(*h) : below(300);
	io->out = chance(50) ? 0 : ptr_for(h, n * sizeof(*h));
	io->out_size = chance(50) ? 0 : below(300);
	io->reserved = chance(97) ? 0 : 1;
	calls++;
	ioctl(fd, cmd, chance(98) ? (void *)io :
	      (void *)(uintptr_t)ptr_for(io, sizeof(*io)));
}

static void do_io(void)
{
	int fd = chance(90) ? pick_fd(K_PIN) : any_fd();
	uint8_t *buf = arena + 4 * page;
	size_t len = chance(80) ? 4 * below(1025) : below(70000);
	struct pollfd p;
	size_t mlen;
	void *m;

	if (len > 8 * (size_t)page)
		len = 8 * (size_t)page;
	switch (below(5)) {
	case 0:
		calls++;
		(void)!read(fd, (void *)(uintptr_t)ptr_for(buf, (uint32_t)len), len);
		break;
	case 1:
		calls++;
		(void)!write(fd, (void *)(uintptr_t)ptr_for(buf, (uint32_t)len), len);
		break;
	case 2:
		p.fd = fd;
		p.events = POLLIN | POLLOUT | POLLPRI;
		calls++;
		poll(&p, 1, 0);
		break;
	case 3:
		mlen = chance(80) ? (size_t)page * (1 + below(16)) :
		       (size_t)next() % (1ul << 24) + 1;
		calls++;
		m = mmap(NULL, mlen,
			 chance(70) ? PROT_READ | PROT_WRITE : PROT_READ,
			 chance(80) ? MAP_SHARED : MAP_PRIVATE, fd,
			 chance(90) ? 0 : (off_t)page * below(64));
		if (m != MAP_FAILED) {
			calls++;
			munmap(m, mlen);
		}
		break;
	default:
		/* Toggle blocking off again, and fdinfo. */
		calls++;
		fcntl(fd, F_SETFL, O_NONBLOCK);
		break;
	}
}

static void do_open(void)
{
	static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int idx = filter_index[below(2)], efd, p[2];

	switch (below(4)) {
	case 0:
		calls++;
		efd = eventfd(0, EFD_NONBLOCK);
		add_fd(efd, K_OTHER);
		break;
	case 1:
		calls++;
		if (!pipe2(p, O_NONBLOCK)) {
			add_fd(p[0], K_OTHER);
			add_fd(p[1], K_OTHER);
		}
		break;
	default:
		if (idx < 0)
			idx = filter_index[0];
		calls++;
		add_fd(ks_open_filter((unsigned int)idx, modes[below(3)]),
		       K_FILTER);
		break;
	}
}

/* Close a random fd; pins more often, so that their instances come back. */
static void do_close(void)
{
	unsigned int i, start = below(nfds ? nfds : 1);

	if (!nfds)
		return;
	for (i = 0; chance(60) && i < nfds; i++) {
		if (fds[(start + i) % nfds].kind == K_PIN) {
			close_slot((start + i) % nfds);
			return;
		}
	}
	close_slot(start);
}

/* ---- setup ---- */

static const char *module_dir(void)
{
	const char *d = getenv("KS_MODULE_DIR");

	return d && *d ? d : "/lib/ks";
}

/* Load ks-tonegen when it is not there; returns true when we loaded it. */
static bool load_tonegen(void)
{
	char path[512];
	int fd, ret;

	if (ks_find_filter("ks-tonegen") >= 0)
		return false;
	snprintf(path, sizeof(path), "%s/ks-tonegen.ko", module_dir());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ret = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret == 0;
}

static int read_stats(char *buf, size_t size)
{
	int fd = open(STATS_PATH, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static int setup_memory(void)
{
	page = sysconf(_SC_PAGESIZE);
	arena_size = ARENA_PAGES * (size_t)page;
	arena = mmap(NULL, arena_size + 2 * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		return -1;
	guard = arena + arena_size;
	unmapped = guard + page;
	/* One page PROT_NONE, the next one not mapped at all. */
	if (mprotect(guard, page, PROT_NONE) || munmap(unmapped, page))
		return -1;
	return 0;
}

static int fuzz(uint64_t max_calls, unsigned int seconds)
{
	time_t end = time(NULL) + seconds;
	unsigned int i;

	for (i = 0; i < 6; i++)
		do_open();
	while (calls < max_calls) {
		if ((calls & 255) == 0 && time(NULL) >= end)
			break;
		switch (below(100)) {
		case 0 ... 29:
			do_create();
			break;
		case 30 ... 64:
			do_property();
			break;
		case 65 ... 74:
			do_stream();
			break;
		case 75 ... 89:
			do_io();
			break;
		case 90 ... 94:
			do_open();
			break;
		default:
			do_close();
			break;
		}
	}
	while (nfds)
		close_slot(0);
	printf("# %" PRIu64 " calls, %" PRIu64 " of %" PRIu64
	       " pin creations succeeded\n", calls, pins_created, creates_tried);
	/* The parent reads these to report. */
	fflush(stdout);
	return pins_created > 0 ? 0 : 3;
}

int main(int argc, char **argv)
{
	const char *env = getenv("KS_SYSCALL_FUZZ_SECONDS");
	unsigned int seconds = env ? (unsigned int)atoi(env) : 30;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	uint64_t max_calls = 100000;
	char before[256], after[256];
	bool tonegen;
	int opt, status, pipefd[2];
	struct timespec t0, t1;
	double took;
	pid_t pid;
	FILE *res;

	while ((opt = getopt(argc, argv, "s:n:t:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			max_calls = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = (unsigned int)atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n CALLS] [-t SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	printf("TAP version 13\n1..1\n");
	printf("# seed %" PRIu64 " (repeat with -s %" PRIu64 "), at most %"
	       PRIu64 " calls or %u s\n", seed, seed, max_calls, seconds);
	filter_index[0] = ks_find_filter("ks-loopback");
	if (filter_index[0] < 0 || read_stats(before, sizeof(before))) {
		printf("ok 1 # SKIP no ks-loopback filter or no %s\n",
		       STATS_PATH);
		return 4;
	}
	tonegen = load_tonegen();
	filter_index[1] = ks_find_filter("ks-tonegen");
	if (setup_memory()) {
		printf("not ok 1 - syscall fuzz: cannot set up memory\n");
		return 1;
	}
	rng = seed;
	fflush(stdout);
	if (pipe(pipefd))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		int ret;

		close(pipefd[0]);
		/* Writes to pipes whose reader was closed: EPIPE, not death. */
		signal(SIGPIPE, SIG_IGN);
		/* A call stuck in the kernel ends the run instead of the VM's. */
		alarm(seconds + 120);
		ret = fuzz(max_calls, seconds);
		res = fdopen(pipefd[1], "w");
		fprintf(res, "%" PRIu64 " %" PRIu64 "\n", calls, pins_created);
		fclose(res);
		_exit(ret);
	}
	close(pipefd[1]);
	res = fdopen(pipefd[0], "r");
	if (!res || fscanf(res, "%" SCNu64 " %" SCNu64, &calls,
			   &pins_created) != 2)
		calls = pins_created = 0;
	if (res)
		fclose(res);
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (tonegen)
		syscall(SYS_delete_module, "ks_tonegen", O_NONBLOCK);
	read_stats(after, sizeof(after));
	printf("# %.1f s, %.0f calls/s\n", took, took > 0 ? calls / took : 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("not ok 1 - syscall fuzz: child %s %d after %" PRIu64
		       " calls (seed %" PRIu64 ")\n",
		       WIFEXITED(status) ? "exited" : "killed by signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) :
					   WTERMSIG(status), calls, seed);
		return 1;
	}
	if (strcmp(before, after)) {
		printf("not ok 1 - syscall fuzz: %" PRIu64 " calls, %" PRIu64
		       " pins created, counters not balanced (seed %" PRIu64
		       ")\n# before: %s# after: %s", calls, pins_created, seed,
		       before, after);
		return 1;
	}
	printf("ok 1 - syscall fuzz: %" PRIu64 " calls, %" PRIu64
	       " pins created, counters balanced\n", calls, pins_created);
	return 0;
}
