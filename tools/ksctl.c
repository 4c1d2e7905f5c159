// SPDX-License-Identifier: GPL-2.0
/*
 * ksctl: list ksfilter filters and pins, connect pins, stream through them.
 */
#include <stdio.h>
#include <string.h>

#include "ksctl.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s list [--json] [FILTER...]   filters and their pin types\n"
		"       %s show [--json] FILTER        one filter's pin types\n"
		"       %s connect FILTER --pin N [--format FORMAT]\n"
		"              [--access read|write|readwrite] [--interface streaming|looped]\n"
		"              [--nonblock] [--hold]\n"
		"       %s play FILTER [--pin N] [--format FORMAT] [-i FILE]\n"
		"              [--wavert [--buffer-ms MS]] < FILE\n"
		"       %s record FILTER [--pin N] [--format FORMAT]\n"
		"              [--frames N | --seconds S] [-o FILE] [--wav]\n"
		"              [--wavert [--buffer-ms MS]] > FILE\n"
		"       %s tone [--format FORMAT] [--frequency HZ] [--seconds S] > FILE\n"
		"       %s loopback-check [FILTER] [--format FORMAT] [--seconds S]\n"
		"       %s interfaces [--json]         the INTERFACE table (debugfs)\n"
		"       %s topology FILTER [--json]    a filter's nodes, connections, controls\n"
		"       %s control FILTER [--node N] volume|mute|mux [--channel C] [VALUE]\n"
		"                                      read or set a node control\n"
		"       %s events FILTER [--pin N] [--format FORMAT] [--eos] [--discontinuity]\n"
		"              [--position OFFSET]... [--oneshot] [--seconds S] [--json]\n"
		"                                      run a pin, print its events as they come\n"
		"       %s clock FILTER [--pin N] [--format FORMAT] [--run MS] [--json]\n"
		"                                      a pin's clock: resolution, state, times\n"
		"       %s graph [--json | --dot]      potential pin-to-pin connections\n"
		"       %s graph --connect [--format FORMAT] [--seconds S | --frames N]\n"
		"              [-o FILE|-] [--verify]  build the chain, stream its output\n"
		"       %s version [--json]            ksctl's and the module's version and ABI\n"
		"       %s help [COMMAND]              this text, or a command's own\n"
		"\n"
		"FILTER is /dev/ksfilterN or a filter name such as ks-loopback.\n"
		"FORMAT is TYPE:RATE:CHANNELS:BITS, TYPE one of pcm, float, pcm-ext,\n"
		"float-ext (the -ext forms use WAVEFORMATEXTENSIBLE), e.g. pcm:48000:2:16;\n"
		"without --format, connect asks the pin for its best format\n"
		"(KSPROPERTY_PIN_DATAINTERSECTION).  play and record take raw PCM, or WAV\n"
		"when the file name ends in .wav (play also recognises WAV on stdin).\n"
		"'COMMAND --help' explains a command.\n"
		"\n"
		"Exit status: 0 success, 1 refused by the kernel (or no such device),\n"
		"2 usage error.\n",
		ksctl_prog, ksctl_prog, ksctl_prog, ksctl_prog, ksctl_prog,
		ksctl_prog, ksctl_prog, ksctl_prog, ksctl_prog, ksctl_prog,
		ksctl_prog, ksctl_prog, ksctl_prog, ksctl_prog, ksctl_prog,
		ksctl_prog);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return KSCTL_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "list") || !strcmp(cmd, "show"))
		return ksctl_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "connect"))
		return ksctl_connect(argc - 1, argv + 1);
	if (!strcmp(cmd, "play"))
		return ksctl_play(argc - 1, argv + 1);
	if (!strcmp(cmd, "record"))
		return ksctl_record(argc - 1, argv + 1);
	if (!strcmp(cmd, "tone"))
		return ksctl_tone(argc - 1, argv + 1);
	if (!strcmp(cmd, "loopback-check"))
		return ksctl_loopback_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "interfaces"))
		return ksctl_interfaces(argc - 1, argv + 1);
	if (!strcmp(cmd, "topology"))
		return ksctl_topology(argc - 1, argv + 1);
	if (!strcmp(cmd, "control"))
		return ksctl_control(argc - 1, argv + 1);
	if (!strcmp(cmd, "events"))
		return ksctl_events(argc - 1, argv + 1);
	if (!strcmp(cmd, "clock"))
		return ksctl_clock(argc - 1, argv + 1);
	if (!strcmp(cmd, "graph"))
		return ksctl_graph(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version"))
		return ksctl_version(argc - 1, argv + 1);
	if (!strcmp(cmd, "help") && argc == 3) {
		/* "ksctl help CMD" is "ksctl CMD --help". */
		char help_opt[] = "--help";
		char *help_argv[] = { argv[0], argv[2], help_opt, NULL };

		return main(3, help_argv);
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		usage(stdout);
		return KSCTL_OK;
	}
	fprintf(stderr, "%s: unknown command '%s'\n", ksctl_prog, cmd);
	usage(stderr);
	return KSCTL_USAGE;
}
