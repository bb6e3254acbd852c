/*
 * fuzz_config.c -- mefd.conf: the mefd configuration file (config_load).
 * It reads a path, so each input goes into a memfd read back through /proc/self/fd.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mef_config	cfg;
	char				path[64], err[512];
	int				fd;

	if ((fd = memfd_create("fuzz", MFD_CLOEXEC)) < 0 ||
	    write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	(void)config_load(path, &cfg, err, sizeof(err));
	close(fd);
	return 0;
}
