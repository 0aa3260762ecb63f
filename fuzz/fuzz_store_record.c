/* fuzz_store_record.c - libFuzzer target: the record lines of a folder's
 * index and change log (lib/store_record.c), which another program with
 * the mail user's rights could have written. Each line of the input is
 * parsed; what parses must be what the store may act on: an "m" names a
 * file under cur/ or new/, an "x" a unique name without '/', a listing
 * real nanoseconds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "store_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *line)
{
	struct store_record r;
	if (store_record_parse(line, &r) < 0)
		return;
	switch (r.kind) {
	case 'm':
		if (r.uid == 0 || !store_index_good_file(r.file) ||
		    strchr(r.file + 4, '/'))
			abort();
		break;
	case 'x':
		if (r.uid == 0 || (r.unique && (!store_index_good_unique(r.unique) ||
					       strchr(r.unique, '/'))))
			abort();
		break;
	case 'w':
		if (r.octets < 0)
			abort();
		break;
	case 'l':
	case 'L':
		if (r.t[0].tv_nsec < 0 || r.t[0].tv_nsec > 999999999 ||
		    r.t[1].tv_nsec < 0 || r.t[1].tv_nsec > 999999999)
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (char *line = s, *nl; line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		check(line);
	}
	free(s);
	return 0;
}
