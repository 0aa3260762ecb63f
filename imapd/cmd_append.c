/* cmd_append.c - APPEND (RFC 3501 §6.3.11) with APPENDUID (RFC 4315),
 * MULTIAPPEND (RFC 3502), literal8 (RFC 3516 §4.4) and CATENATE (RFC
 * 4469, catenate.c).
 * append = "APPEND" SP mailbox 1*append-message
 * append-message = SP [flag-list SP] [date-time SP] (literal / literal8 /
 *                  "UTF8" SP "(" literal8 ")" /      ; RFC 6855 §4
 *                  "CATENATE" SP "(" cat-part ...")")  ; RFC 4469 §5
 * All the messages are stored, or none. */
#include <errno.h>
#include <fcntl.h>
#include <strings.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include "catenate.h"
#include "flags.h"
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"
#include "utf8.h"

/* One message of an APPEND: [flag-list SP] [date-time SP] literal. */
struct append_message {
	struct flag_args flags;
	time_t date;
	struct string text;
	struct store_upload *upload;    /* text streamed to a file, or NULL */
	int catenated;                  /* CATENATE: made from cat */
	struct catenate cat;
};

static int append_message(struct parse *p, struct append_message *m)
{
	struct string d;
	memset(m, 0, sizeof *m);
	if (parse_peek(p) == '(' &&
	    (flag_list_parse(p, &m->flags) < 0 || parse_sp(p) < 0))
		return -1;
	if (parse_peek(p) == '"') {
		if (parse_string(p, &d) < 0 || parse_sp(p) < 0)
			return -1;
		if (parse_date_time(d.s, &m->date) < 0) {
			p->error = "Invalid date-time";
			return -1;
		}
	}
	if (p->pos + 6 <= p->len && !strncasecmp(p->buf + p->pos, "UTF8 (", 6)) {
		/* RFC 6855 §4: utf8-literal = "UTF8" SP "(" literal8 ")" */
		p->pos += 6;
		if (parse_char(p, '~') < 0 ||
		    parse_literal_upload(p, &m->text, &m->upload) < 0)
			return -1;
		return parse_char(p, ')');
	}
	if (parse_peek(p) == 'C' || parse_peek(p) == 'c') {
		struct string word;     /* RFC 4469 §5 */
		if (parse_atom(p, &word) < 0 || strcasecmp(word.s, "CATENATE")) {
			p->error = "Expected a literal or CATENATE";
			return -1;
		}
		m->catenated = 1;
		return catenate_parse(p, &m->cat);
	}
	if (parse_peek(p) == '~')      /* literal8 (RFC 3516 §4.4) */
		p->pos++;
	return parse_literal_upload(p, &m->text, &m->upload);
}

/* Does message m's header hold UTF-8 (for a streamed one, within its
 * first IMAP_HEADER_SCAN_MAX octets)? 1 / 0, -1 when it cannot be read. */
static int header_utf8(const struct append_message *m)
{
	static char buf[IMAP_HEADER_SCAN_MAX];
	if (!m->upload)
		return header_has_utf8(m->text.s, m->text.len);
	int fd = openat(m->upload->rootfd, m->upload->tmp,
			O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf && (r = read(fd, buf + n, sizeof buf - n)) > 0)
		n += (size_t)r;
	close(fd);
	return header_has_utf8(buf, n);
}

/* 1*(SP message) to the end (RFC 3502 §6.3.11: MULTIAPPEND); the
 * messages in *v (memory from p), *n of them. 0 or -1. */
static int append_args(struct parse *p, struct append_message **v, size_t *n)
{
	*v = parse_alloc(p, IMAP_MULTIAPPEND_MAX * sizeof **v);
	*n = 0;
	if (!*v)
		return -1;
	do {
		if (*n == IMAP_MULTIAPPEND_MAX) {
			p->error = "Too many messages";
			return -1;
		}
		if (parse_sp(p) < 0 || append_message(p, &(*v)[(*n)++]) < 0)
			return -1;
	} while (!parse_at_end(p));
	return 0;
}

/* Store v[0..n) all or nothing and answer with APPENDUID (RFC 4315 §3:
 * APPENDUID uidvalidity uid-set). */
static enum reply append_store(struct session *s, const char *name,
			       const char *dir, struct append_message *v,
			       size_t n)
{
	struct store_new m[IMAP_MULTIAPPEND_MAX];
	struct store_added a;
	for (size_t i = 0; i < n; i++)
		m[i] = (struct store_new){ v[i].text.s, v[i].text.len,
			v[i].flags.flags, v[i].flags.keyword, v[i].flags.count,
			v[i].date, v[i].upload };
	/* the store commits them (nothing is left when that fails) and
	 * gives them their UIDs */
	if (store_append(&s->store, name, m, n, &a) < 0) {
		if (errno == E2BIG)
			return reply_set(s, REPLY_NO, "LIMIT",
					 "A folder holds at most 26 keywords");
		if (errno == EDQUOT)    /* RFC 9208 §4.3.1 */
			return reply_set(s, REPLY_NO, "OVERQUOTA",
					 "Over the mailbox quota");
		log_event("event=append-error folder=%s errno=%d", dir, errno);
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot save message");
	}
	struct bytes code;
	bytes_init(&code, 64 + 24 * n);
	if (bytes_appendf(&code, "APPENDUID %lu ",
			  (unsigned long)a.uidvalidity) == 0 &&
	    uid_set_format(&code, a.uids, a.n) == 0)
		reply_set(s, REPLY_OK, bytes_str(&code), NULL);
	bytes_free(&code);
	if (s->box && !strcmp(s->box->name, name)) {
		s->own_added = &a;
		session_refresh(s, 1);
		s->own_added = NULL;
	}
	store_added_free(&a);
	return REPLY_OK;
}

/* What cancels the whole APPEND before anything is stored. */
static enum reply messages_check(struct session *s,
				 const struct append_message *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {        /* RFC 3502: cancels all */
		if (v[i].catenated)
			continue;
		if (v[i].text.len == 0)
			return reply_set(s, REPLY_NO, NULL, "Empty message");
		/* RFC 6855 §4: UTF-8 headers only after ENABLE UTF8=ACCEPT */
		int utf8 = session_utf8(s) ? 0 : header_utf8(&v[i]);
		if (utf8 != 0)
			return reply_set(s, REPLY_NO, utf8 < 0 ? "SERVERBUG" :
					 "CANNOT", utf8 < 0 ? "Cannot read message" :
					 "UTF-8 header needs ENABLE UTF8=ACCEPT");
	}
	return REPLY_OK;
}

/* RFC 4469: each CATENATE message made now, all before any is stored
 * (MULTIAPPEND: all or nothing); the caller aborts those made. */
static enum reply catenate_all(struct session *s, struct parse *p,
			       struct append_message *v, size_t n)
{
	enum reply rc = REPLY_OK;
	for (size_t i = 0; rc == REPLY_OK && i < n; i++)
		if (v[i].catenated &&
		    (v[i].upload = parse_alloc(p, sizeof *v[i].upload)) &&
		    (rc = catenate_build(s, &v[i].cat, v[i].upload)) == REPLY_OK)
			v[i].text.s = "";
		else if (v[i].catenated && !v[i].upload)
			rc = reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	return rc;
}

enum reply cmd_append(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
	struct append_message *v;
	size_t n;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	enum reply rc = mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	if (append_args(p, &v, &n) < 0)
		return REPLY_BAD;
	if (!folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "TRYCREATE", "No such mailbox");
	rc = messages_check(s, v, n);
	if (rc == REPLY_OK)
		rc = catenate_all(s, p, v, n);
	if (rc == REPLY_OK)
		rc = append_store(s, name, dir, v, n);
	for (size_t i = 0; i < n; i++)  /* those made and not committed */
		if (v[i].catenated && v[i].upload)
			store_upload_abort(v[i].upload);
	return rc;
}
