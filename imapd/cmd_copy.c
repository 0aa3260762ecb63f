/* cmd_copy.c - COPY (RFC 3501 §6.4.7), MOVE (RFC 6851) and their UID
 * forms, with COPYUID (RFC 4315 §3). A COPY is all or nothing (the
 * store removes the copies made so far when one fails). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"

/* "COPYUID validity src-set dst-set" into out. */
static int copyuid(const uint32_t *src, const struct store_added *a,
		   struct bytes *out)
{
	return bytes_appendf(out, "COPYUID %lu ", (unsigned long)a->uidvalidity)
		< 0 || uid_set_format(out, src, a->n) < 0 ||
		bytes_append_str(out, " ") < 0 ||
		uid_set_format(out, a->uids, a->n) < 0 ? -1 : 0;
}

/* Copy or move the messages idx[0..n) into the folder name; reply. The
 * store keeps flags, keywords and INTERNALDATE, and makes a COPY all or
 * nothing. */
static enum reply transfer(struct session *s, const char *name,
			   const size_t *idx, size_t n, int move)
{
	struct store_added a;
	struct bytes code;
	uint32_t *src = calloc(n, sizeof *src);
	for (size_t k = 0; src && k < n; k++)
		src[k] = s->box->msgs[idx[k]].uid;
	int ok = src && store_copy(s->box->f, idx, n, name, move, &a) == 0;
	int e = errno;
	bytes_init(&code, IMAP_COMMAND_MAX * 4);
	int have_code = ok && a.uidvalidity && copyuid(src, &a, &code) == 0;
	if (move && have_code)  /* RFC 6851 §4.3: before the EXPUNGEs */
		untagged(s, "OK [%s] Moved", bytes_str(&code));
	int here = !strcmp(s->box->name, name);
	s->own_added = ok && here ? &a : NULL;
	if (move || here)
		session_refresh(s, 1);
	s->own_added = NULL;
	enum reply rc = ok ? REPLY_OK : e == E2BIG ?
		reply_set(s, REPLY_NO, "LIMIT", "A folder holds at most 26 keywords") :
		e == EDQUOT ?   /* RFC 9208 §4.3.1 */
		reply_set(s, REPLY_NO, "OVERQUOTA", "Over the mailbox quota") :
		reply_set(s, REPLY_NO, "SERVERBUG",
			  move ? "Move failed" : "Copy failed");
	if (!ok && e != EDQUOT)
		log_event("event=%s-error folder=%s errno=%d",
			  move ? "move" : "copy", s->box->dir, e);
	if (ok && !move && have_code)
		reply_set(s, REPLY_OK, bytes_str(&code), NULL);
	bytes_free(&code);
	if (ok)
		store_added_free(&a);
	free(src);
	return rc;
}

static enum reply copy_or_move(struct session *s, struct parse *p, int move)
{
	struct seqset set;
	const char *name;
	char dir[PATH_MAX_POSTERN];
	size_t *idx, n;
	if (parse_sp(p) < 0 || parse_seqset(p, &set) < 0 || parse_sp(p) < 0)
		return REPLY_BAD;
	enum reply rc = mailbox_arg(s, p, &name, dir, sizeof dir);
	if (rc != REPLY_OK)
		return rc;
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if ((rc = message_set(s, &set, &idx, &n)) != REPLY_OK)
		return rc;
	if (!folder_exists(s->maildir, name))
		rc = reply_set(s, REPLY_NO, "TRYCREATE", "No such mailbox");
	else if (move && s->box->readonly)
		rc = reply_set(s, REPLY_NO, "READ-ONLY", "Mailbox is read-only");
	else if (n > 0)
		rc = transfer(s, name, idx, n, move);
	free(idx);
	return rc;
}

enum reply cmd_copy(struct session *s, struct parse *p)
{
	return copy_or_move(s, p, 0);
}

enum reply cmd_move(struct session *s, struct parse *p)
{
	return copy_or_move(s, p, 1);
}
