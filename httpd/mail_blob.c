/* mail_blob.c - the blobs of messages ("B" and the escaped unique name:
 * the whole message in CRLF form) and of their parts ("P", the part
 * number with "x" for ".", "-", the escaped name: the part's content
 * with its transfer encoding undone), see mail.h. */
#include <stdio.h>
#include <string.h>
#include "mail.h"
#include "mime_search.h"

int mail_blob_read(struct server *s, const char *id, struct bytes *out)
{
	struct jmap_call c;
	struct mail_account a;
	struct mail_ref ref;
	char mid[600], number[256];
	const char *dash = id[0] == 'P' ? strchr(id, '-') : NULL;
	if (id[0] == 'B')
		snprintf(mid, sizeof mid, "M%s", id + 1);
	else if (dash && (size_t)(dash - id) < sizeof number)
		snprintf(mid, sizeof mid, "M%s", dash + 1);
	else
		return 0;
	memset(&c, 0, sizeof c);
	c.s = s;
	bytes_init(&c.error_text, 1024);
	int rc = -1;
	if (mail_open(&c, &a) < 0)
		goto done;
	rc = mail_find(&a, mid, &ref);
	if (rc == 1 && id[0] == 'B') {
		rc = mail_read(&ref, out, NULL) < 0 ? -1 : 1;
	} else if (rc == 1) {
		struct bytes raw;
		bytes_init(&raw, out->max + 65536);
		snprintf(number, sizeof number, "%.*s", (int)(dash - id - 1), id + 1);
		for (char *p = number; *p; p++)
			if (*p == 'x')
				*p = '.';
		struct mime_message *m = NULL;
		const struct mime_part *p = NULL;
		if (mail_read(&ref, &raw, NULL) < 0 ||
		    !(m = mime_parse(raw.data ? raw.data : "", raw.len)))
			rc = -1;
		else if (!(p = mail_part_find(m, number)))
			rc = 0;
		else
			rc = mime_part_unencode(m, p, out) < 0 ? -1 : 1;
		mime_free(m);
		bytes_free(&raw);
	}
	mail_close(&a);
done:
	bytes_free(&c.error_text);
	return rc;
}
