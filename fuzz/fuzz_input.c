/* fuzz_input.c - libFuzzer target: the one bounded line reader
 * (lib/input) over a file holding the input. The first byte picks the
 * line bound; lines and raw byte runs (as for BDAT and literals)
 * alternate as further bytes say. Every line must fit its bound and hold
 * no LF. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fsutil.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct input in;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[1024], raw[64];
	size_t len, bound;
	int flags, fd;
	if (size < 1)
		return 0;
	bound = 2 + data[0] % (sizeof line - 2);
	fd = memfd_create("fuzz-input", 0);
	if (fd < 0 || write_all(fd, data + 1, size - 1) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	input_init(&in, fd, 1000);
	for (size_t turn = 0; turn < size + 2; turn++) {
		enum input_status st;
		if (turn % 4 == 3) {
			st = input_bytes(&in, raw, 1 + turn % sizeof raw);
		} else {
			st = input_line(&in, line, bound, &len, &flags);
			if (st == INPUT_OK && (len >= bound || memchr(line, '\n', len) ||
					       line[len] != '\0'))
				abort();
		}
		if (st == INPUT_EOF || st == INPUT_ERROR || st == INPUT_TIMEOUT)
			break;
	}
	(void)input_buffered(&in);
	close(fd);
	return 0;
}
