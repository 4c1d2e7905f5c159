// SPDX-License-Identifier: GPL-2.0
/*
 * INTERFACE table benchmark, run inside the VM by `make bench`: loads
 * ks-iface-bench.ko from $KS_MODULE_DIR (default /lib/ks), which measures
 * in-kernel, and prints its answer:
 *	ratio iface_query_vs_symbol_get R   query+dereference / symbol_get+put
 *	ratio iface_10k_vs_10 R             query with 10,000 types / with 10
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RUN "/sys/kernel/debug/ks_iface_bench/run"

int main(void)
{
	const char *dir = getenv("KS_MODULE_DIR");
	char path[256], line[256];
	int fd, ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ks-iface-bench.ko",
		 dir && *dir ? dir : "/lib/ks");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)) {
		fprintf(stderr, "ks_iface_bench: load %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	close(fd);
	f = fopen(RUN, "re");
	if (!f) {
		fprintf(stderr, "ks_iface_bench: %s: %s\n", RUN, strerror(errno));
		ret = 1;
	} else {
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		if (ferror(f)) {
			fprintf(stderr, "ks_iface_bench: reading %s failed\n", RUN);
			ret = 1;
		}
		fclose(f);
	}
	syscall(SYS_delete_module, "ks_iface_bench", O_NONBLOCK);
	return ret;
}
