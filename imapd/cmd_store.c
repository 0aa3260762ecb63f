/* cmd_store.c - STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8): system
 * flags and keywords, kept in the Maildir file name (lib/store.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "flags.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"

enum store_mode { STORE_SET, STORE_ADD, STORE_REMOVE };

/* store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
 *                   (flag-list / (flag *(SP flag))) */
static int store_args(struct parse *p, enum store_mode *mode, int *silent,
		      struct flag_args *f)
{
	struct string item;
	*mode = STORE_SET;
	if (parse_peek(p) == '+' || parse_peek(p) == '-')
		*mode = p->buf[p->pos++] == '+' ? STORE_ADD : STORE_REMOVE;
	if (parse_name(p, &item) < 0)
		return -1;
	*silent = !strcasecmp(item.s, "FLAGS.SILENT");
	if (!*silent && strcasecmp(item.s, "FLAGS")) {
		p->error = "Unknown STORE item";
		return -1;
	}
	if (parse_sp(p) < 0)
		return -1;
	memset(f, 0, sizeof *f);
	if (parse_peek(p) == '(')
		return flag_list_parse(p, f);
	do {
		if (flag_parse(p, f) < 0)
			return -1;
	} while (parse_peek(p) == ' ' && ++p->pos);
	return 0;
}

/* The FETCH responses of a STORE without .SILENT (§6.4.6). */
static void store_report(struct session *s, const size_t *idx, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct message *m = &s->box->msgs[idx[k]];
		if (m->gone)
			continue;
		output_printf(&s->out, "* %zu FETCH (", idx[k] + 1);
		if (s->uid)
			output_printf(&s->out, "UID %lu ",
				      (unsigned long)m->uid);
		output_str(&s->out, "FLAGS ");
		write_flags(&s->out, s->box->kw, m->flags, m->recent);
		output_str(&s->out, ")\r\n");
	}
}

/* Give the keywords their letters in this folder (adding new ones
 * unless removing), telling the client when the list grew (§7.2.6). */
static enum reply store_keywords(struct session *s, struct flag_args *f,
				 enum store_mode mode, unsigned *bits)
{
	if (mailbox_keywords(s->box, f->keyword, f->count, mode != STORE_REMOVE,
			     bits, &s->out) == 0)
		return REPLY_OK;
	if (errno == E2BIG)
		return reply_set(s, REPLY_NO, "LIMIT",
				 "A folder holds at most 26 keywords");
	log_event("event=keywords-error folder=%s", s->box->dir);
	return reply_set(s, REPLY_NO, "SERVERBUG", "Cannot record keywords");
}

enum reply cmd_store(struct session *s, struct parse *p)
{
	static const enum store_flag_op ops[] = {
		[STORE_SET] = STORE_FLAGS_SET, [STORE_ADD] = STORE_FLAGS_ADD,
		[STORE_REMOVE] = STORE_FLAGS_REMOVE,
	};
	struct seqset set;
	enum store_mode mode;
	int silent;
	struct flag_args f;
	size_t *idx, n;
	unsigned bits = 0;
	if (parse_sp(p) < 0 || parse_seqset(p, &set) < 0 || parse_sp(p) < 0 ||
	    store_args(p, &mode, &silent, &f) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	enum reply rc = message_set(s, &set, &idx, &n);
	if (rc != REPLY_OK)
		return rc;
	if (s->box->readonly) {
		free(idx);
		return reply_set(s, REPLY_NO, "READ-ONLY",
				 "Mailbox is read-only");
	}
	if (f.count)
		rc = store_keywords(s, &f, mode, &bits);
	/* the store changes each message against its name on disk now,
	 * under the folder's lock: a concurrent change is never undone */
	long gone = rc != REPLY_OK ? 0 :
		    mailbox_store_flags(s->box, idx, n, ops[mode], f.flags | bits);
	if (gone < 0) {
		log_event("event=store-error folder=%s", s->box->dir);
		rc = reply_set(s, REPLY_NO, "SERVERBUG", "Cannot store flags");
	} else if (rc == REPLY_OK && !silent) {
		store_report(s, idx, n);
	}
	free(idx);
	if (rc == REPLY_OK && gone > 0)         /* RFC 2180 §4.2.1 */
		return reply_set(s, REPLY_NO, "EXPUNGEISSUED",
				 "Some messages were expunged");
	return rc;
}
