/* fuzz_mime.c - libFuzzer target: the MIME parser (lib/mime) and what
 * imapd builds from its result: BODYSTRUCTURE, BODY, ENVELOPE, decoded
 * and unencoded parts, header and text SEARCH. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "imap_struct.h"
#include "mime.h"
#include "mime_search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every part, depth first. */
static void walk(const struct mime_message *m, const struct mime_part *p,
		 struct bytes *out)
{
	for (; p; p = p->next) {
		if (p->body_off + p->body_len > m->len ||
		    p->header_off + p->header_len > m->len)
			abort();
		bytes_clear(out);
		(void)mime_part_decode(m, p, out);
		bytes_clear(out);
		(void)mime_part_unencode(m, p, out);
		if (mime_is(p, "message", "rfc822")) {
			bytes_clear(out);
			(void)imap_envelope(m, p->child, out);
		}
		walk(m, p->child, out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bytes out;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	struct mime_message *m = mime_parse(buf, size);
	bytes_init(&out, 4 * size + 65536);
	if (m) {
		(void)imap_bodystructure(m, IMAP_BODY_EXTENDED, &out);
		bytes_clear(&out);
		(void)imap_bodystructure(m, IMAP_BODY_REV2, &out);
		bytes_clear(&out);
		(void)imap_envelope(m, m->root, &out);
		(void)mime_search_header(m, m->root, "subject", "x");
		(void)mime_search_header(m, m->root, NULL, "\xc3\xa9");
		(void)mime_search_text(m, "hello", 1);
		walk(m, m->root, &out);
		mime_free(m);
	}
	bytes_clear(&out);
	/* every envelope written gives its Date back (SORT reads the
	 * cached envelope); the raw input too, within its bounds */
	struct bytes date;
	bytes_init(&date, size + 16);
	if (imap_envelope_header(buf, size, &out) == 0 &&
	    imap_envelope_date(out.data, out.len, &date) < 0)
		abort();
	(void)imap_envelope_date((const char *)data, size, &date);
	bytes_free(&date);
	bytes_free(&out);
	free(buf);
	return 0;
}
