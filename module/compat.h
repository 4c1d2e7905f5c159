/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: differences between the kernels we build for.
 *
 * The code is written against the newest kernel API; this header bends the
 * older kernels to it.  Features are probed where a distribution may have
 * backported them, and only the support window itself is a version test.
 */
#ifndef _KS_COMPAT_H
#define _KS_COMPAT_H

#include <linux/version.h>
#include <linux/file.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "ksfilter needs Linux 6.1 or newer"
#endif

/*
 * Linux 6.12 made struct fd opaque and added fd_file() to read its file;
 * before that the file was the .file member.  fd_file is a macro, so its
 * absence is the probe.
 */
#ifndef fd_file
#define fd_file(f) ((f).file)
#endif

/*
 * Linux 6.8 took eventfd_signal()'s count away: it adds 1.  A semaphore
 * handle's adjustment is added as that many signals there (its callers
 * bound @n).
 */
#include <linux/eventfd.h>

static inline void ks_eventfd_add(struct eventfd_ctx *ctx, u64 n)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	while (n--)
		eventfd_signal(ctx);
#else
	eventfd_signal(ctx, n);
#endif
}

/*
 * Linux 6.3 made vma->vm_flags writable only through the vm_flags_*()
 * helpers; before, it was written directly.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#include <linux/mm.h>

static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* _KS_COMPAT_H */
