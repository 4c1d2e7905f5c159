/* SPDX-License-Identifier: GPL-2.0 */
/* ksfilter: the built-in ks-loopback filter (SPEC 9). */
#ifndef _KS_LOOPBACK_H
#define _KS_LOOPBACK_H

int ks_loopback_init(void);
void ks_loopback_uninit(void);

#endif /* _KS_LOOPBACK_H */
