/* fuzz_mutf7.c - libFuzzer target: modified UTF-7 mailbox names
 * (lib/mutf7) both ways. What encodes must decode to itself and pass
 * the decoder's own check; what decodes is not checked further (two
 * adjacent runs decode but encode as one). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mutf7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bytes enc, dec, any;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	bytes_init(&enc, 8 * size + 16);
	bytes_init(&dec, 4 * size + 16);
	bytes_init(&any, 4 * size + 16);
	(void)mutf7_decode(s, &any);
	if (mutf7_encode(s, size, &enc) == 0) {
		if (mutf7_decode(bytes_str(&enc), &dec) < 0 ||
		    dec.len != size || memcmp(bytes_str(&dec), s, size))
			abort();
	}
	bytes_free(&enc);
	bytes_free(&dec);
	bytes_free(&any);
	free(s);
	return 0;
}
