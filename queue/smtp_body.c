/* smtp_body.c - the message text on the wire (smtp_body.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "smtp_body.h"

struct body_out {
	struct smtp_conn *c;
	const struct smtp_body *how;
	int bol;                /* the next octet starts a line */
	size_t col;             /* octets in the current line */
	size_t used;            /* BDAT: octets in chunk */
	size_t pending;         /* BDAT: replies not yet read */
	int refused;            /* BDAT: a chunk was refused, first in r */
	struct smtp_reply *r;
	char chunk[SMTP_BDAT_CHUNK];
};

/* Read one chunk reply; a refusal (the first) is kept in o->r. */
static int chunk_reply(struct body_out *o)
{
	struct smtp_reply reply;
	if (smtp_read_reply(o->c, SMTP_TIMEOUT_BLOCK, &reply, 0) < 0) {
		*o->r = reply;
		return -1;
	}
	o->pending--;
	if (reply.code / 100 != 2 && !o->refused) {
		o->refused = 1;
		*o->r = reply;
	}
	return 0;
}

/* "BDAT n [LAST]" and the chunk; without PIPELINING wait for its reply. */
static int chunk_send(struct body_out *o, int last)
{
	if (output_printf(&o->c->out, "BDAT %zu%s\r\n", o->used, last ? " LAST" : "") < 0 ||
	    output_write(&o->c->out, o->chunk, o->used) < 0)
		return -1;
	o->used = 0;
	o->pending++;
	if (last || o->c->pipelining)
		return 0;
	if (smtp_flush(o->c, o->r) < 0 || chunk_reply(o) < 0)
		return -1;
	return o->refused ? -1 : 0;
}

static int emit(struct body_out *o, const char *p, size_t n)
{
	if (!o->how->bdat)
		return output_write(&o->c->out, p, n);
	while (n > 0) {
		size_t room = sizeof o->chunk - o->used, take = n < room ? n : room;
		memcpy(o->chunk + o->used, p, take);
		o->used += take;
		p += take;
		n -= take;
		if (o->used == sizeof o->chunk && chunk_send(o, 0) < 0)
			return -1;
	}
	return 0;
}

/* Text with LF ends to the wire: CRLF, folding, dot-stuffing. */
static int put_text(struct body_out *o, const char *buf, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (o->bol && buf[i] == '.' && !o->how->bdat && emit(o, ".", 1) < 0)
			return -1;
		o->bol = 0;
		if (buf[i] == '\n') {
			if (emit(o, buf + start, i - start) < 0 || emit(o, "\r\n", 2) < 0)
				return -1;
			start = i + 1;
			o->bol = 1;
			o->col = 0;
			continue;
		}
		if (o->how->fold && o->col == SMTP_FOLD_AT) {
			if (emit(o, buf + start, i - start) < 0 || emit(o, "\r\n ", 3) < 0)
				return -1;
			start = i;
			o->col = 1;
		}
		o->col++;
	}
	return emit(o, buf + start, n - start);
}

/* The whole text from the file or memory. 0, -1 on a write failure, -2
 * when the file cannot be read (o->r set). */
static int put_message(struct body_out *o)
{
	static char buf[65536];
	const struct smtp_body *b = o->how;
	off_t offset = b->offset;
	if (b->mem)
		return put_text(o, b->mem, b->len);
	for (;;) {
		ssize_t n = pread(b->fd, buf, sizeof buf, offset);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			smtp_made_up(o->r, 451, "451 4.3.0 reading the queued message: %s",
				     strerror(errno));
			return -2;
		}
		if (n == 0)
			return 0;
		offset += n;
		if (put_text(o, buf, (size_t)n) < 0)
			return -1;
	}
}

/* After BDAT LAST: the replies to the earlier chunks. */
static int bdat_finish(struct body_out *o)
{
	if (smtp_flush(o->c, o->r) < 0)
		return -1;
	while (o->pending > 1)
		if (chunk_reply(o) < 0)
			return -1;
	if (!o->refused)
		return 0;
	struct smtp_reply first = *o->r;
	if (chunk_reply(o) < 0)         /* the LAST one, to stay in step */
		return -1;
	*o->r = first;
	return 1;
}

int smtp_send_message(struct smtp_conn *c, const struct smtp_body *b,
		      struct smtp_reply *r)
{
	static struct body_out o;
	o = (struct body_out){ .c = c, .how = b, .bol = 1, .r = r };
	int rc = put_message(&o);
	if (rc == -2 || (rc < 0 && o.refused))
		return -1;
	if (rc == 0 && !o.bol)
		rc = emit(&o, "\r\n", 2);
	if (rc == 0 && b->bdat) {
		if (chunk_send(&o, 1) < 0)
			return o.refused ? -1 : smtp_write_failed(c, r);
		return bdat_finish(&o);
	}
	if (rc < 0 || output_write(&c->out, ".\r\n", 3) < 0)
		return smtp_write_failed(c, r);
	return smtp_flush(c, r) < 0 ? -1 : 0;
}
