/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-tonegen: the facts about the sample filter that its users rely on -
 * the module itself, the selftests, the fuzzers and the benchmarks.  Plain
 * data only, so that it builds in the kernel and in userspace alike.  The
 * pin table is described at the top of ks-tonegen-main.c.
 */
#ifndef _KS_TONEGEN_H
#define _KS_TONEGEN_H

#include <linux/ks.h>

#define TONEGEN_NAME		"ks-tonegen"
#define TONEGEN_MODNAME		"ks_tonegen"
#define TONEGEN_PARAMS		"/sys/module/" TONEGEN_MODNAME "/parameters/"
/* The record of the state steps (ks-tonegen-steps.c) and its length. */
#define TONEGEN_STEPS_PATH	"/sys/kernel/debug/" TONEGEN_MODNAME "/steps"
#define TONEGEN_STEPS		64

/* Pin ids. */
#define TONEGEN_PIN_TONE	0
#define TONEGEN_PIN_CONTROL	1
#define TONEGEN_PIN_KEYED	2
#define TONEGEN_PIN_SOURCE	3
#define TONEGEN_PIN_BRIDGE	4
#define TONEGEN_PIN_UNUSED	5
#define TONEGEN_PINS		6

/* The medium of the Control pin. */
#define TONEGEN_MEDIUM KS_GUID_INIT(0xB017808E, 0x2031, 0x4C5D, \
	0x9F, 0x1B, 0x0D, 0x9D, 0x05, 0x77, 0xEC, 0xA7)
/* The attribute the Keyed pin's range requires. */
#define TONEGEN_ATTRIBUTE_KEY KS_GUID_INIT(0x3AF19F5D, 0xEF65, 0x458D, \
	0xA6, 0xB1, 0x45, 0xAC, 0x91, 0x54, 0xEF, 0x18)
/* KSCOMPONENTID.Product */
#define TONEGEN_PRODUCT KS_GUID_INIT(0xE1BB8718, 0x364A, 0x4C56, \
	0x87, 0xFF, 0x7F, 0xDC, 0xE6, 0x26, 0xCA, 0xC5)

#endif /* _KS_TONEGEN_H */
