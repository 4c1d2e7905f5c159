// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of libks's reader of the WaveRT register page
 * (tools/libks-rt.c, ks_rt_read_registers()): a snapshot is the three
 * fields of one moment, taken under an even sequence, even while another
 * thread rewrites the page as fast as it can the way the module does
 * (sequence odd, the fields, sequence even).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "libks.h"

#define SIZE	65536u		/* the cyclic buffer's bytes */
#define WRITES	2000000u

static struct ks_rtaudio_registers page;
static atomic_bool writing;

/* The module's side: one move of the device position to @bytes. */
static void page_write(uint64_t bytes)
{
	uint32_t seq = __atomic_load_n(&page.sequence, __ATOMIC_RELAXED);
	volatile struct ks_rtaudio_registers *p = &page;

	__atomic_store_n(&page.sequence, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	p->position = bytes % SIZE;
	p->bytes = bytes;
	p->clock = bytes * 3 + 7;
	__atomic_store_n(&page.sequence, seq + 2, __ATOMIC_RELEASE);
}

static void *writer_main(void *arg)
{
	uint64_t b;

	(void)arg;
	for (b = 1; b <= WRITES; b++)
		page_write(b * 4);
	atomic_store(&writing, false);
	return NULL;
}

static void quiet_page_copied(void)
{
	struct ks_rtaudio_registers snap;

	memset(&page, 0, sizeof(page));
	page_write(4096 + SIZE);
	memset(&snap, 0xA5, sizeof(snap));
	ks_rt_read_registers(&page, &snap);
	EXPECT_EQ(snap.position, 4096);
	EXPECT_EQ(snap.bytes, 4096 + SIZE);
	EXPECT_EQ(snap.clock, (4096 + SIZE) * 3 + 7);
	EXPECT_EQ(snap.sequence, 2);
}

static void snapshots_consistent_while_written(void)
{
	struct ks_rtaudio_registers snap;
	uint64_t last = 0, reads = 0, bad = 0, back = 0, odd = 0;
	pthread_t thread;

	memset(&page, 0, sizeof(page));
	atomic_store(&writing, true);
	if (pthread_create(&thread, NULL, writer_main, NULL)) {
		tap_fail(__FILE__, __LINE__, "no thread");
		return;
	}
	while (atomic_load(&writing)) {
		ks_rt_read_registers(&page, &snap);
		reads++;
		if (snap.position != snap.bytes % SIZE ||
		    snap.clock != (snap.bytes ? snap.bytes * 3 + 7 : 0))
			bad++;
		if (snap.bytes < last)
			back++;
		if (snap.sequence & 1)
			odd++;
		last = snap.bytes;
	}
	pthread_join(thread, NULL);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(back, 0);
	EXPECT_EQ(odd, 0);
	EXPECT(reads > 0);
	ks_rt_read_registers(&page, &snap);
	EXPECT_EQ(snap.bytes, (uint64_t)WRITES * 4);
	EXPECT_EQ(snap.sequence, 2 * WRITES);
}

int main(void)
{
	static const struct tap_case cases[] = {
		TAP_CASE(quiet_page_copied),
		TAP_CASE(snapshots_consistent_while_written),
	};

	return tap_main(cases, TAP_COUNT(cases));
}
