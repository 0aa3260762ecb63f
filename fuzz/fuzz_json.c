/* fuzz_json.c - libFuzzer target: lib/json's parser, then the writer and
 * a re-parse of what it wrote (which must succeed and say the same). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_arena a;
	struct bytes once, twice;
	struct json_writer w;
	const char *why;
	mime_arena_init(&a);
	bytes_init(&once, 8 * size + 64);
	bytes_init(&twice, 8 * size + 64);
	struct json *j = json_parse((const char *)data, size, &a, &why);
	if (j) {
		json_writer_init(&w, &once);
		json_value(&w, j);
		if (w.error)
			abort();
		struct json *k = json_parse(once.data, once.len, &a, &why);
		if (!k)
			abort();
		json_writer_init(&w, &twice);
		json_value(&w, k);
		if (w.error || once.len != twice.len ||
		    memcmp(once.data, twice.data, once.len))
			abort();
		json_pointer(j, "/0/*/id", &a);
	}
	bytes_free(&once);
	bytes_free(&twice);
	mime_arena_free(&a);
	return 0;
}
