/* fuzz_jmap_state.c - libFuzzer target: what a JMAP client hands httpd
 * that is not JSON: a /changes sinceState (httpd/mail_state.c), which
 * must survive a write and a re-read unchanged, and a modified UTF-7
 * folder name (lib/mutf7), decoded to UTF-8; the input as a UTF-8 name
 * (Mailbox/set), encoded, must decode back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../httpd/mail.h"
#include "mutf7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), again[JMAP_STATE_MAX + 1];
	struct mail_state_folder *v = NULL, *w = NULL;
	size_t n = 0, m = 0;
	struct bytes u;
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (mail_state_parse(s, &v, &n) == 0) {
		mail_state_format(v, n, again, sizeof again);
		if (again[0] == 's' && (mail_state_parse(again, &w, &m) < 0 ||
		    m != n || memcmp(v, w, n * sizeof *v)))
			abort();
	}
	bytes_init(&u, 4 * size + 16);
	mutf7_decode(s, &u);
	bytes_clear(&u);
	if (mutf7_encode((const char *)data, size, &u) == 0) {
		struct bytes back;
		bytes_init(&back, 4 * size + 16);
		if (mutf7_decode(bytes_str(&u), &back) < 0 || back.len != size ||
		    memcmp(back.data ? back.data : "", data, size))
			abort();
		bytes_free(&back);
	}
	bytes_free(&u);
	free(v);
	free(w);
	free(s);
	return 0;
}
