/* cmd_append.c - APPEND (RFC 3501 §6.3.11) with APPENDUID (RFC 4315).
 * append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal */
#include <stdio.h>
#include <string.h>
#include "flags.h"
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "maildir.h"
#include "message.h"
#include "store.h"

static int append_args(struct parse *p, unsigned *flags, time_t *date,
		       struct string *msg)
{
	struct string d;
	*flags = 0;
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
	if (parse_peek(p) != '{') {
		p->error = "Expected a literal";
		return -1;
	}
	return parse_string(p, msg) < 0 ? -1 : parse_end(p);
}

enum reply cmd_append(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN], base[STORE_BASE_MAX];
	unsigned flags;
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
	if (maildir_create(dir) < 0 ||
	    store_message(dir, msg.s, msg.len, flags, date, base,
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
