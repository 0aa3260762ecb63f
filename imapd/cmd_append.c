/* cmd_append.c - APPEND (RFC 3501 §6.3.11) with APPENDUID (RFC 4315).
 * append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal */
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

static int append_args(struct parse *p, struct flag_args *flags,
		       time_t *date, struct string *msg)
{
	struct string d;
	memset(flags, 0, sizeof *flags);
	*date = 0;
	if (parse_sp(p) < 0)
		return -1;
	if (parse_peek(p) == '(' &&
	    (flag_list_parse(p, flags) < 0 || parse_sp(p) < 0))
		return -1;
	if (parse_peek(p) == '"') {
		if (parse_string(p, &d) < 0 || parse_sp(p) < 0)
			return -1;
		if (parse_date_time(d.s, date) < 0) {
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
	return parse_string(p, msg) < 0 ? -1 : parse_end(p);
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

enum reply cmd_append(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN], base[STORE_BASE_MAX];
	struct flag_args flags;
	unsigned bits = 0;
	time_t date;
	struct string msg;
	if (parse_sp(p) < 0)
		return REPLY_BAD;
	enum reply rc = mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	if (append_args(p, &flags, &date, &msg) < 0)
		return REPLY_BAD;
	if (!folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "TRYCREATE", "No such mailbox");
	if (msg.len == 0)
		return reply_set(s, REPLY_NO, NULL, "Empty message");
	/* DESIGN.md: a Maildir's missing cur/ new/ tmp/ are made on use */
	if (maildir_create(dir) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot save message");
	rc = append_keywords(s, dir, &flags, &bits);
	if (rc != REPLY_OK)
		return rc;
	if (store_message(dir, msg.s, msg.len, flags.flags | bits, date, base,
			  sizeof base) < 0) {
		log_event("event=append-error folder=%s", dir);
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot save message");
	}
	char *bases[1] = { base };
	uint32_t uid = 0, validity = 0;
	char code[80];
	if (store_uids(dir, bases, 1, &uid, &validity) == 0 && uid) {
		snprintf(code, sizeof code, "APPENDUID %lu %lu",
			 (unsigned long)validity, (unsigned long)uid);
		reply_set(s, REPLY_OK, code, NULL);
	}
	if (s->box && !strcmp(s->box->name, name))
		session_refresh(s, 1);
	return REPLY_OK;
}
