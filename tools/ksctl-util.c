// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl: what the subcommands share, the program's name for messages and
 * the stop that SIGINT and SIGTERM ask for.
 */
#include "ksctl.h"

const char *ksctl_prog = "ksctl";

volatile sig_atomic_t ksctl_stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	ksctl_stop_requested = 1;
}

void ksctl_catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
