/* cmd_store.c - STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8): system
 * flags and keywords, kept in the Maildir file name (keywords.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "flags.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "uidlist.h"

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

/* Set the flags of the messages idx[0..n) (folder lock held). Returns
 * how many are gone. */
static size_t store_each(struct session *s, const size_t *idx, size_t n,
			 enum store_mode mode, int silent, unsigned flags)
{
	size_t failed = 0;
	for (size_t k = 0; k < n; k++) {
		struct message *m = &s->box->msgs[idx[k]];
		unsigned f = mode == STORE_SET ? flags :
			     mode == STORE_ADD ? m->flags | flags :
			     m->flags & ~flags;
		if (mailbox_set_flags(s->box, m, f) < 0) {
			failed++;
			continue;
		}
		if (silent)
			continue;
		output_printf(&s->out, "* %zu FETCH (", idx[k] + 1);
		if (s->uid)
			output_printf(&s->out, "UID %lu ",
				      (unsigned long)m->uid);
		output_str(&s->out, "FLAGS ");
		write_flags(&s->out, &s->box->kw, m->flags, m->recent);
		output_str(&s->out, ")\r\n");
	}
	return failed;
}

/* Give the keywords their letters in this folder (adding new ones
 * unless removing), telling the client when the list grew (§7.2.6). */
static enum reply store_keywords(struct session *s, struct flag_args *f,
				 enum store_mode mode, unsigned *bits)
{
	size_t before = s->box->kw.count;
	if (keywords_resolve(s->box->dir, f->keyword, f->count,
			     mode != STORE_REMOVE, &s->box->kw, bits) < 0) {
		if (errno == E2BIG)
			return reply_set(s, REPLY_NO, "LIMIT",
					 "A folder holds at most 26 keywords");
		log_event("event=keywords-error folder=%s", s->box->dir);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot record keywords");
	}
	if (s->box->kw.count != before) {
		output_str(&s->out, "* FLAGS ");
		write_flag_list(&s->out, &s->box->kw, 0);
		output_str(&s->out, "\r\n* OK [PERMANENTFLAGS ");
		write_flag_list(&s->out, &s->box->kw, 1);
		output_str(&s->out, "] Flags permitted\r\n");
	}
	return REPLY_OK;
}

enum reply cmd_store(struct session *s, struct parse *p)
{
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
	int lock = uidlist_lock(s->box->dir);
	if (lock < 0)
		rc = reply_set(s, REPLY_NO, "SERVERBUG", "Cannot lock folder");
	else if (f.count)
		rc = store_keywords(s, &f, mode, &bits);
	size_t failed = 0;
	if (rc == REPLY_OK)
		failed = store_each(s, idx, n, mode, silent, f.flags | bits);
	uidlist_unlock(lock);   /* then the fsync, not holding others up */
	if (rc == REPLY_OK && n > failed && mailbox_sync_flags(s->box) < 0)
		log_event("event=fsync-error folder=%s", s->box->dir);
	free(idx);
	if (rc == REPLY_OK && failed)   /* RFC 2180 §4.2.1 */
		return reply_set(s, REPLY_NO, "EXPUNGEISSUED",
				 "Some messages were expunged");
	return rc;
}
