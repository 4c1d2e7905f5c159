/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksfilter: the INTERFACE table (ks_register_interface(),
 * ks_query_interface()).  Design and lifetime are at the top of
 * iface.c.
 */
#ifndef _KS_IFACE_H
#define _KS_IFACE_H

int ks_iface_init(void);
void ks_iface_uninit(void);

/* The core's own interfaces (factory.c): published last, withdrawn first. */
int ks_factory_init(void);
void ks_factory_uninit(void);

#endif /* _KS_IFACE_H */
