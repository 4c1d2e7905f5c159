/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ks-tonegen: the record of the state steps its provider is called with
 * (ks-tonegen-steps.c).
 */
#ifndef _KS_TONEGEN_STEPS_H
#define _KS_TONEGEN_STEPS_H

#include <linux/types.h>

void tonegen_step_record(u32 instance, unsigned int pin_id,
			 unsigned int from, unsigned int to, int result);
void tonegen_steps_init(void);
void tonegen_steps_exit(void);

#endif /* _KS_TONEGEN_STEPS_H */
