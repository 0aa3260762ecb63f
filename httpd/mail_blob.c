/* mail_blob.c - the blobs of messages ("B" and the escaped unique name:
 * the whole message in CRLF form) and of their parts ("P", the part
 * number with "x" for ".", "-", the escaped name: the part's content
 * with its transfer encoding undone), see mail.h. Read from the message
 * file a piece at a time (lib/mime's window), never whole. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "mail.h"
#include "mime_encoding.h"
#include "mime_search.h"

/* The message of blob id into b->fd, parsed, its part found. */
static int blob_locate(struct mail_blob *b, const char *id)
{
	struct mail_ref ref;
	char mid[600], number[256];
	const char *dash = id[0] == 'P' ? strchr(id, '-') : NULL;
	if (id[0] == 'B')
		snprintf(mid, sizeof mid, "M%s", id + 1);
	else if (dash && (size_t)(dash - id) < sizeof number)
		snprintf(mid, sizeof mid, "M%s", dash + 1);
	else
		return 0;
	int rc = mail_find(&b->a, mid, &ref);
	if (rc != 1)
		return rc;
	b->fd = store_message_open(ref.box->view, ref.index);
	if (b->fd < 0 || !(b->m = mime_parse_file(b->fd, id[0] == 'B')))
		return -1;
	if (id[0] == 'B')
		return 1;
	snprintf(number, sizeof number, "%.*s", (int)(dash - id - 1), id + 1);
	for (char *p = number; *p; p++)
		if (*p == 'x')
			*p = '.';
	b->part = mail_part_find(b->m, number);
	return b->part ? 1 : 0;
}

int mail_blob_open(struct server *s, const char *id, struct mail_blob *b)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
	b->c.s = s;
	bytes_init(&b->c.error_text, 1024);
	if (id[0] != 'B' && id[0] != 'P')
		return 0;
	if (mail_open(&b->c, &b->a) < 0)
		return -1;
	b->opened = 1;
	return blob_locate(b, id);
}

/* Pieces of text on their way to a sink in CRLF form. */
struct crlf_sink {
	char prev;
	mime_sink *fn;
	void *ctx;
};

static int crlf_piece(void *ctx, const char *p, size_t n)
{
	static char buf[2 * 16384];
	struct crlf_sink *c = ctx;
	for (size_t i = 0; i < n; i += 16384) {
		size_t take = n - i < 16384 ? n - i : 16384;
		int r = c->fn(c->ctx, buf, mime_crlf_piece(&c->prev, p + i,
							   take, buf));
		if (r != 0)
			return r;
	}
	return 0;
}

int mail_blob_each(struct mail_blob *b, mime_sink *fn, void *ctx)
{
	struct crlf_sink c = { 0, fn, ctx };
	const char *e = b->part ? b->part->encoding : NULL;
	if (!b->part)
		return mime_text_each(b->m, 0, b->m->len, crlf_piece, &c);
	/* undone base64 and quoted-printable as they decode; the other
	 * encodings are the text itself, in CRLF form as the message is */
	if (e && (!strcasecmp(e, "base64") || !strcasecmp(e, "quoted-printable")))
		return mime_part_unencode_each(b->m, b->part, fn, ctx);
	return mime_part_unencode_each(b->m, b->part, crlf_piece, &c);
}

void mail_blob_close(struct mail_blob *b)
{
	mime_free(b->m);
	if (b->fd >= 0)
		close(b->fd);
	if (b->opened)
		mail_close(&b->a);
	bytes_free(&b->c.error_text);
}
