/* cmd_append.c - APPEND (RFC 3501 §6.3.11) with APPENDUID (RFC 4315).
 * append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "flags.h"
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "message.h"

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
	if (parse_peek(p) != '{') {
		p->error = "Expected a literal";
		return -1;
	}
	return parse_string(p, msg) < 0 ? -1 : parse_end(p);
}

enum reply cmd_append(struct session *s, struct parse *p)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
	struct flag_args flags;
	time_t date;
	struct string msg;
	struct store_added a;
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
	/* the store commits it (nothing is left when that fails) and
	 * gives it its UID */
	if (store_append(&s->store, name, msg.s, msg.len, flags.flags,
			 flags.keyword, flags.count, date, &a) < 0) {
		if (errno == E2BIG)
			return reply_set(s, REPLY_NO, "LIMIT",
					 "A folder holds at most 26 keywords");
		log_event("event=append-error folder=%s errno=%d", dir, errno);
		return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot save message");
	}
	char code[80];
	snprintf(code, sizeof code, "APPENDUID %lu %lu",
		 (unsigned long)a.uidvalidity, (unsigned long)a.uids[0]);
	reply_set(s, REPLY_OK, code, NULL);
	store_added_free(&a);
	if (s->box && !strcmp(s->box->name, name))
		session_refresh(s, 1);
	return REPLY_OK;
}
