/* cmd_store.c - STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8): system
 * flags, kept in the Maildir file name. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "flags.h"
#include "imapd.h"
#include "mailbox.h"
#include "uidlist.h"

enum store_mode { STORE_SET, STORE_ADD, STORE_REMOVE };

/* store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP
 *                   (flag-list / (flag *(SP flag))) */
static int store_args(struct parse *p, enum store_mode *mode, int *silent,
		      unsigned *flags)
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
	*flags = 0;
	if (parse_peek(p) == '(')
		return flag_list_parse(p, flags);
	do {
		if (flag_parse(p, flags) < 0)
			return -1;
	} while (parse_peek(p) == ' ' && ++p->pos);
	return 0;
}

enum reply cmd_store(struct session *s, struct parse *p)
{
	struct seqset set;
	enum store_mode mode;
	int silent;
	unsigned flags;
	size_t *idx, n;
	if (parse_sp(p) < 0 || parse_seqset(p, &set) < 0 || parse_sp(p) < 0 ||
	    store_args(p, &mode, &silent, &flags) < 0 || parse_end(p) < 0)
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
		write_flags(&s->out, m->flags, m->recent);
		output_str(&s->out, ")\r\n");
	}
	uidlist_unlock(lock);
	free(idx);
	if (failed)     /* RFC 2180 §4.2.1 */
		return reply_set(s, REPLY_NO, "EXPUNGEISSUED",
				 "Some messages were expunged");
	return REPLY_OK;
}
