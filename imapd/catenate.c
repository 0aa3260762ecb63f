/* catenate.c - APPEND ... CATENATE (RFC 4469, catenate.h). The message
 * is written into an upload (lib/store_upload) part by part, never held
 * whole; a URL's part is found as FETCH finds it (fetch_parse, lib/mime
 * reading the source file through its window) and copied a piece at a
 * time (message.h's wire writer). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "catenate.h"
#include "fetch.h"
#include "folder.h"
#include "imap_url.h"
#include "log.h"
#include "message.h"
#include "mime.h"

/* text-literal = "TEXT" SP literal / url = "URL" SP astring */
static int cat_part(struct parse *p, struct cat_part *c)
{
	struct string word;
	memset(c, 0, sizeof *c);
	if (parse_atom(p, &word) < 0 || parse_sp(p) < 0)
		return -1;
	if (!strcasecmp(word.s, "URL")) {
		c->is_url = 1;
		return parse_astring(p, &c->text);
	}
	if (strcasecmp(word.s, "TEXT")) {
		p->error = "Expected TEXT or URL";
		return -1;
	}
	if (parse_peek(p) != '{') {
		p->error = "Expected a literal";
		return -1;
	}
	return parse_literal_upload(p, &c->text, &c->upload);
}

int catenate_parse(struct parse *p, struct catenate *c)
{
	c->n = 0;
	c->v = parse_alloc(p, IMAP_CATENATE_PARTS_MAX * sizeof *c->v);
	if (!c->v || parse_sp(p) < 0 || parse_open(p) < 0)
		return -1;
	do {
		if (c->n == IMAP_CATENATE_PARTS_MAX) {
			p->error = "Too many CATENATE parts";
			return -1;
		}
		if ((c->n && parse_sp(p) < 0) || cat_part(p, &c->v[c->n++]) < 0)
			return -1;
	} while (parse_peek(p) != ')');
	return parse_close(p);
}

/* Would n more octets (on the wire at least) stay within "maxsize"?
 * Else NO [TOOBIG] (§4.2). */
static enum reply room(struct session *s, const struct store_upload *out,
		       size_t n)
{
	size_t max = (size_t)session_maxsize(s);
	if (out->crlf > max || n > max - out->crlf)
		return reply_set(s, REPLY_NO, "TOOBIG",
				 "The message would be too big");
	return REPLY_OK;
}

static enum reply write_failed(struct session *s)
{
	log_event("event=append-error what=catenate errno=%d", errno);
	return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot save message");
}

/* NO [BADURL url] (§4.1); the URL's octets outside TEXT-CHAR but "]"
 * (and spaces) %-escaped, so that nothing unfiltered is echoed. */
static enum reply bad_url(struct session *s, const struct string *url)
{
	char code[16 + 3 * 256];
	size_t w = (size_t)snprintf(code, sizeof code, "BADURL ");
	for (size_t i = 0; i < url->len && i < 256; i++) {
		unsigned char c = (unsigned char)url->s[i];
		w += (size_t)snprintf(code + w, sizeof code - w,
				      c > 0x20 && c < 0x7f && c != ']' ?
				      "%c" : "%%%02X", c);
	}
	if (url->len == 0)
		snprintf(code + w, sizeof code - w, "/");
	return reply_set(s, REPLY_NO, code, "Cannot use this URL");
}

/* A streamed TEXT literal (a file in tmp/, LF line ends) into out. */
static int copy_upload(struct store_upload *from, struct store_upload *out)
{
	char buf[65536];
	ssize_t r;
	int fd = openat(from->rootfd, from->tmp, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && store_upload_write(out, buf, (size_t)r) < 0)
			break;
	int e = errno;
	close(fd);
	errno = e;
	return r == 0 ? 0 : -1;
}

/* The message u names, opened: its view in *f (to close) and fd, or
 * -1 (no such folder, UIDVALIDITY or UID). */
static int url_open(struct session *s, const struct imap_url *u,
		    struct store_folder **f)
{
	const char *why;
	*f = NULL;
	if (folder_name_check(u->mailbox, &why) < 0)
		return -1;
	const char *name = folder_canonical(u->mailbox);
	if (!store_folder_exists(&s->store, name) ||
	    !(*f = store_folder_open(&s->store, name, STORE_READONLY)))
		return -1;
	if (u->uidvalidity && u->uidvalidity != (*f)->uidvalidity)
		return -1;
	size_t lo = 0, hi = (*f)->count;        /* msgs ascend by UID */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((*f)->msgs[mid].uid < u->uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == (*f)->count || (*f)->msgs[lo].uid != u->uid)
		return -1;
	return store_message_open(*f, lo);
}

/* The FETCH attribute "BODY.PEEK[section]<offset.length>" the URL u
 * names into r (fetch_parse checks the section as FETCH would; memory
 * from q, whose text is buf). 0, or -1 when it is not one. */
static int url_att(const struct imap_url *u, struct parse *q, char *buf,
		   size_t size, struct fetch_request *r)
{
	int n = u->partial ?
		snprintf(buf, size, "BODY.PEEK[%s]<%lu.%lu>", u->section,
			 (unsigned long)u->offset, (unsigned long)u->length) :
		snprintf(buf, size, "BODY.PEEK[%s]", u->section);
	if (n < 0 || (size_t)n >= size)
		return -1;
	parse_init(q, buf, (size_t)n);
	return fetch_parse(q, r) < 0 || !parse_at_end(q) || r->count != 1 ||
	       r->v[0].kind != FETCH_SECTION ? -1 : 0;
}

/* HEADER.FIELDS[.NOT] of the header sec (as far as lib/mime's window
 * reaches, as FETCH sends it), its <partial>, into out. */
static enum reply copy_fields(struct session *s, struct mime_message *m,
			      const struct fetch_att *a,
			      const struct mime_section *sec,
			      struct store_upload *out)
{
	struct bytes tmp;
	size_t got, from, n;
	const char *h = mime_text(m, sec->off, sec->len, &got);
	bytes_init(&tmp, 2 * got + 2);          /* LF made CRLF */
	enum reply rc = mime_header_filter(h, got, a->names, a->nfields,
					   a->fields == 2, &tmp) < 0 ?
			write_failed(s) : REPLY_OK;
	if (rc == REPLY_OK) {
		fetch_partial(a, tmp.len, &from, &n);
		rc = room(s, out, n);
	}
	if (rc == REPLY_OK && store_upload_write(out, tmp.data + from, n) < 0)
		rc = write_failed(s);
	bytes_free(&tmp);
	return rc;
}

/* The section sec in its CRLF form, its <partial>, into out: counted,
 * then copied, a window of the file at a time (never held whole). */
static enum reply copy_text(struct session *s, struct mime_message *m,
			    const struct fetch_att *a,
			    const struct mime_section *sec,
			    struct store_upload *out)
{
	struct wire_writer w;
	size_t from, n;
	fetch_partial(a, mime_text_crlf_count(m, sec->off, sec->len, NULL),
		      &from, &n);
	enum reply rc = room(s, out, n);
	if (rc != REPLY_OK || n == 0)
		return rc;
	wire_writer_init_upload(&w, out, 1, from, from + n);
	if (mime_text_each(m, sec->off, sec->len, wire_piece, &w) < 0 ||
	    w.at < from + n)
		return write_failed(s);
	return REPLY_OK;
}

/* The octets the URL u names in the message file fd into out (§3: as
 * FETCH BODY[section]<partial> gives them). */
static enum reply copy_url(struct session *s, const struct string *url,
			   const struct imap_url *u, int fd,
			   struct store_upload *out)
{
	struct parse q;
	struct fetch_request r;
	struct mime_section sec;
	char buf[IMAP_URL_SECTION_MAX + 64];
	struct mime_message *m = NULL;
	enum reply rc = REPLY_OK;
	if (url_att(u, &q, buf, sizeof buf, &r) < 0)
		rc = bad_url(s, url);
	else if (!(m = mime_parse_file(fd, !r.need_mime)))
		rc = write_failed(s);
	else if (mime_section_find(m, r.v[0].spec, strlen(r.v[0].spec),
				   &sec) < 0)
		rc = bad_url(s, url);   /* no such part */
	else
		rc = (r.v[0].fields ? copy_fields : copy_text)(s, m, &r.v[0],
							       &sec, out);
	mime_free(m);
	parse_free(&q);
	return rc;
}

/* The octets a URL names into out; the source's flags are not
 * touched. */
static enum reply cat_url(struct session *s, const struct string *url,
			  struct store_upload *out)
{
	struct imap_url u;
	struct store_folder *f = NULL;
	int fd = imap_url_parse(url->s, &u) < 0 ? -1 : url_open(s, &u, &f);
	enum reply rc = fd < 0 ? bad_url(s, url) :
			copy_url(s, url, &u, fd, out);
	if (fd >= 0)
		close(fd);
	if (f)
		store_folder_close(f);
	return rc;
}

static enum reply cat_text(struct session *s, const struct cat_part *c,
			   struct store_upload *out)
{
	enum reply rc = room(s, out, c->upload ? c->upload->lf : c->text.len);
	if (rc != REPLY_OK)
		return rc;
	if ((c->upload ? copy_upload(c->upload, out) :
	     store_upload_write(out, c->text.s, c->text.len)) < 0)
		return write_failed(s);
	return REPLY_OK;
}

enum reply catenate_build(struct session *s, const struct catenate *c,
			  struct store_upload *out)
{
	if (store_upload_begin(&s->store, out) < 0)
		return write_failed(s);
	enum reply rc = REPLY_OK;
	for (size_t i = 0; rc == REPLY_OK && i < c->n; i++)
		rc = c->v[i].is_url ? cat_url(s, &c->v[i].text, out) :
		     cat_text(s, &c->v[i], out);
	if (rc == REPLY_OK && store_upload_end(out) < 0)
		rc = write_failed(s);
	if (rc == REPLY_OK && room(s, out, 0) != REPLY_OK)
		rc = REPLY_NO;
	if (rc == REPLY_OK && out->crlf == 0)   /* RFC 3502: as a {0} */
		rc = reply_set(s, REPLY_NO, NULL, "Empty message");
	return rc;
}
