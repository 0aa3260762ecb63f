/* cmd_append.c - APPEND (RFC 3501 §6.3.11) with APPENDUID (RFC 4315),
 * MULTIAPPEND (RFC 3502) and literal8 (RFC 3516 §4.4).
 * append = "APPEND" SP mailbox 1*append-message
 * append-message = SP [flag-list SP] [date-time SP] (literal / literal8)
 * All the messages are stored, or none. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "flags.h"
#include "folder.h"
#include "imapd.h"
#include "keywords.h"
#include "log.h"
#include "mailbox.h"
#include "maildir.h"
#include "message.h"
#include "store.h"

/* One message of an APPEND: [flag-list SP] [date-time SP] literal. */
struct append_message {
	struct flag_args flags;
	time_t date;
	struct string text;
	unsigned bits;          /* flags plus the keywords' letters */
	char base[STORE_BASE_MAX];
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
	if (parse_peek(p) == '~')      /* literal8 (RFC 3516 §4.4) */
		p->pos++;
	if (parse_peek(p) != '{') {
		p->error = "Expected a literal";
		return -1;
	}
	return parse_string(p, &m->text);
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

/* The keywords' letters in the folder dir, added as needed. */
static enum reply append_keywords(struct session *s, const char *dir,
				  struct flag_args *f, unsigned *bits)
{
	struct keywords kw = { 0 };
	if (!f->count)
		return REPLY_OK;
	int rc = keywords_resolve_unlocked(dir, f->keyword, f->count, 1, &kw,
					   bits);
	int e = errno;
	keywords_free(&kw);
	if (rc == 0)
		return REPLY_OK;
	if (e == E2BIG)
		return reply_set(s, REPLY_NO, "LIMIT",
				 "A folder holds at most 26 keywords");
	return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot record keywords");
}

/* Remove what append_store wrote of v[0..n): all or nothing. */
static void append_undo(const char *dir, struct append_message *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_undo(dir, v[i].base, v[i].flags.flags | v[i].bits);
}

/* Write the messages into dir; on a failure none stays. */
static enum reply append_store(struct session *s, const char *dir,
			       struct append_message *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum reply rc = append_keywords(s, dir, &v[i].flags, &v[i].bits);
		if (rc == REPLY_OK &&
		    store_message(dir, v[i].text.s, v[i].text.len,
				  v[i].flags.flags | v[i].bits, v[i].date,
				  v[i].base, sizeof v[i].base) < 0) {
			log_event("event=append-error folder=%s", dir);
			rc = reply_set(s, REPLY_NO, "SERVERBUG",
				       "Cannot save message");
		}
		if (rc != REPLY_OK) {
			append_undo(dir, v, i);
			return rc;
		}
	}
	return REPLY_OK;
}

/* RFC 4315 §3: APPENDUID uidvalidity uid-set. */
static void append_uids(struct session *s, const char *dir,
			struct append_message *v, size_t n)
{
	char *bases[IMAP_MULTIAPPEND_MAX];
	uint32_t uids[IMAP_MULTIAPPEND_MAX], validity = 0;
	struct bytes code;
	for (size_t i = 0; i < n; i++)
		bases[i] = v[i].base;
	bytes_init(&code, 64 + 24 * n);
	if (store_uids(dir, bases, n, uids, &validity) == 0 && uids[0] &&
	    bytes_appendf(&code, "APPENDUID %lu ", (unsigned long)validity) == 0 &&
	    uid_set_format(&code, uids, n) == 0)
		reply_set(s, REPLY_OK, bytes_str(&code), NULL);
	bytes_free(&code);
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
	for (size_t i = 0; i < n; i++)  /* RFC 3502: cancels the append */
		if (v[i].text.len == 0)
			return reply_set(s, REPLY_NO, NULL, "Empty message");
	/* DESIGN.md: a Maildir's missing cur/ new/ tmp/ are made on use */
	if (maildir_create(dir) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot save message");
	if ((rc = append_store(s, dir, v, n)) != REPLY_OK)
		return rc;
	append_uids(s, dir, v, n);
	if (s->box && !strcmp(s->box->name, name))
		session_refresh(s, 1);
	return REPLY_OK;
}
