/* cmd_select.c - SELECT, EXAMINE (RFC 3501 §6.3.1, §6.3.2), CHECK,
 * CLOSE, EXPUNGE (§6.4.1-3), UNSELECT (RFC 3691), UID EXPUNGE
 * (RFC 4315 §2.1), and the reports of changes made elsewhere. */
#include <stdio.h>
#include <string.h>
#include "condstore.h"
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "notify.h"
#include "search.h"
#include "search_context.h"

void session_unselect(struct session *s)
{
	search_saved_clear(s);
	search_contexts_free(s);        /* RFC 5267 §4.3 */
	mailbox_free(s->box);
	s->box = NULL;
	if (s->state == STATE_SELECTED)
		s->state = STATE_AUTH;
}

int session_made(const struct session *s, uint32_t uid)
{
	const struct store_added *a = s->own_added;
	for (size_t i = 0; a && i < a->n; i++)
		if (a->uids[i] == uid)
			return 1;
	return 0;
}

void session_refresh(struct session *s, int allow_expunge)
{
	if (s->box && mailbox_refresh(s->box, allow_expunge, 0, &s->out) < 0)
		log_event("event=refresh-error folder=%s", s->box->dir);
	search_contexts_update(s);      /* after EXISTS (RFC 5267 §4.3.3) */
	notify_new_messages(s);         /* after ADDTO (RFC 5465 §5.2) */
}

static void select_report(struct session *s)
{
	struct mailbox *b = s->box;
	output_str(&s->out, "* FLAGS ");
	write_flag_list(&s->out, b->kw, 0);
	output_str(&s->out, "\r\n* OK [PERMANENTFLAGS ");
	if (b->readonly)
		output_str(&s->out, "()");
	else
		write_flag_list(&s->out, b->kw, 1);
	output_str(&s->out, "] Flags permitted\r\n");
	untagged(s, "%zu EXISTS", b->count);
	if (s->enabled & ENABLED_IMAP4REV2) {
		/* RFC 9051 §6.3.2: a LIST response; RECENT and UNSEEN are
		 * gone (Appendix E.11, E.12) */
		list_one(s, b->name, 0);
	} else {
		untagged(s, "%zu RECENT", mailbox_recent(b));
		for (size_t i = 0; i < b->count; i++)
			if (!(b->msgs[i].flags & FLAG_SEEN)) {
				untagged(s, "OK [UNSEEN %zu] First unseen",
					 i + 1);
				break;
			}
	}
	untagged(s, "OK [UIDVALIDITY %lu] UIDs valid",
		 (unsigned long)b->validity);
	untagged(s, "OK [UIDNEXT %lu] Predicted next UID",
		 (unsigned long)b->next);
	if (s->enabled & ENABLED_CONDSTORE)     /* RFC 7162 §3.1.2.1 */
		untagged(s, "OK [HIGHESTMODSEQ %llu] Highest",
			 (unsigned long long)b->f->highestmodseq);
}

/* The usual responses, then what QRESYNC asks; the tagged reply. */
static enum reply selected(struct session *s, const struct qresync *q)
{
	s->box->enabled = s->enabled;
	if (s->enabled & ENABLED_IMAP4REV2)     /* RFC 9051: no \Recent */
		for (size_t i = 0; i < s->box->count; i++)
			s->box->msgs[i].recent = 0;
	select_report(s);
	qresync_report(s, q);
	return reply_set(s, REPLY_OK, s->box->readonly ? "READ-ONLY" :
			 "READ-WRITE", NULL);
}

static enum reply open_folder(struct session *s, struct parse *p,
			      int readonly)
{
	const char *name;
	char dir[PATH_MAX_POSTERN];
	int condstore;
	struct qresync q;
	enum reply rc = REPLY_BAD;
	if (parse_sp(p) < 0 ||
	    (rc = mailbox_arg(s, p, &name, dir, sizeof dir)) != REPLY_OK)
		return rc;
	if ((rc = select_params_parse(s, p, &condstore, &q)) != REPLY_OK)
		return rc;
	search_saved_clear(s);  /* RFC 5182 §2.1: "$" is empty again */
	if (s->box)     /* RFC 7162 §3.2.11 */
		untagged(s, "OK [CLOSED] Previous mailbox closed");
	if (condstore)  /* §3.1.8: no HIGHESTMODSEQ of the old folder */
		s->enabled |= ENABLED_CONDSTORE;
	if (s->box && !strcmp(s->box->dir, dir) &&
	    s->box->readonly == readonly && folder_exists(s->maildir, name)) {
		/* the same folder again (clients do it often): catch up
		 * quietly instead of reading it anew; \Recent stays */
		search_contexts_free(s);        /* RFC 5267 §4.3 */
		if (mailbox_refresh(s->box, 1, 1, NULL) == 0) {
			s->box->new_from = 0;   /* SELECT tells them */
			return selected(s, &q);
		}
	}
	/* §6.3.1: a SELECT leaves the selected state first, even when it
	 * then fails */
	session_unselect(s);
	if (!folder_exists(s->maildir, name))
		return reply_set(s, REPLY_NO, "NONEXISTENT",
				 "No such mailbox");
	s->box = mailbox_open(&s->store, name, readonly);
	if (!s->box) {
		log_event("event=select-error folder=%s", dir);
		return reply_set(s, REPLY_NO, "SERVERBUG",
				 "Cannot open mailbox");
	}
	s->state = STATE_SELECTED;
	return selected(s, &q);
}

enum reply cmd_select(struct session *s, struct parse *p)
{
	return open_folder(s, p, 0);
}

enum reply cmd_examine(struct session *s, struct parse *p)
{
	return open_folder(s, p, 1);
}

/* §6.4.1: our writes are durable when made, so CHECK only catches up. */
enum reply cmd_check(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	session_refresh(s, 1);
	return REPLY_OK;
}

/* §6.4.2: expunge silently (unless read-only), then leave. */
enum reply cmd_close(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (!s->box->readonly && mailbox_expunge(s->box, NULL, NULL) < 0)
		log_event("event=expunge-error folder=%s", s->box->dir);
	session_unselect(s);
	return REPLY_OK;
}

enum reply cmd_unselect(struct session *s, struct parse *p)
{
	if (parse_end(p) < 0)
		return REPLY_BAD;
	session_unselect(s);
	return REPLY_OK;
}

enum reply cmd_expunge(struct session *s, struct parse *p)
{
	struct seqset uids;
	if (s->uid && (parse_sp(p) < 0 || parse_seqset(p, &uids) < 0))
		return REPLY_BAD;
	if (s->uid && uids.saved && seqset_from_saved(s, p, &uids) < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (s->box->readonly)
		return reply_set(s, REPLY_NO, "READ-ONLY",
				 "Mailbox is read-only");
	long removed = mailbox_expunge(s->box, s->uid ? &uids : NULL, &s->out);
	if (removed < 0)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Expunge failed");
	/* RFC 7162 §3.2.7: with QRESYNC the new HIGHESTMODSEQ, after every
	 * change below it has been told (a full catch-up) */
	if (removed > 0 && (s->enabled & ENABLED_QRESYNC) &&
	    mailbox_refresh(s->box, 1, 1, &s->out) == 0) {
		char code[48];
		snprintf(code, sizeof code, "HIGHESTMODSEQ %llu",
			 (unsigned long long)s->box->f->highestmodseq);
		return reply_set(s, REPLY_OK, code, NULL);
	}
	session_refresh(s, 1);
	return REPLY_OK;
}
