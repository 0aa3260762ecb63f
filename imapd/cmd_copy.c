/* cmd_copy.c - COPY (RFC 3501 §6.4.7), MOVE (RFC 6851) and their UID
 * forms, with COPYUID (RFC 4315 §3). A COPY is all or nothing: when one
 * message fails the copies made so far are removed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "maildir.h"
#include "store.h"
#include "uidlist.h"

struct copy {
	size_t n;
	char **bases;           /* new base names in the destination */
	unsigned *flags;
	uint32_t *src_uids, *dst_uids;
	uint32_t validity;
	int map[KEYWORDS_MAX];  /* source keyword letter -> destination's */
};

/* m's flags with its keywords given the destination's letters. */
static unsigned remap(const struct copy *c, unsigned flags)
{
	unsigned out = flags & FLAG_SYSTEM;
	for (int i = 0; i < KEYWORDS_MAX; i++)
		if ((flags & FLAG_KEYWORD(i)) && c->map[i] >= 0)
			out |= FLAG_KEYWORD(c->map[i]);
	return out;
}

/* Fill c->map: the keywords the messages carry, added to the
 * destination folder dir as needed. 0, or -1 with errno. */
static int keyword_map(struct session *s, const char *dir,
		       const size_t *idx, size_t n, struct copy *c)
{
	unsigned used = 0, bits;
	char *names[KEYWORDS_MAX];
	size_t k = 0;
	struct keywords kw = { 0 };
	for (int i = 0; i < KEYWORDS_MAX; i++)
		c->map[i] = -1;
	for (size_t i = 0; i < n; i++)
		used |= s->box->msgs[idx[i]].flags & ~FLAG_SYSTEM;
	for (size_t i = 0; i < s->box->kw.count; i++)
		if ((used & FLAG_KEYWORD(i)) && s->box->kw.name[i])
			names[k++] = s->box->kw.name[i];
	if (k == 0)
		return 0;
	if (keywords_resolve_unlocked(dir, names, k, 1, &kw, &bits) < 0)
		return -1;
	for (size_t i = 0; i < s->box->kw.count; i++)
		if ((used & FLAG_KEYWORD(i)) && s->box->kw.name[i])
			c->map[i] = keywords_index(&kw, s->box->kw.name[i]);
	keywords_free(&kw);
	return 0;
}

static void copy_free(struct copy *c)
{
	for (size_t i = 0; c->bases && i < c->n; i++)
		free(c->bases[i]);
	free(c->bases);
	free(c->flags);
	free(c->src_uids);
	free(c->dst_uids);
}

/* Copy (or move) each message; on failure undo and return -1. */
static int copy_files(struct session *s, const char *dir, const size_t *idx,
		      size_t n, int move, struct copy *c)
{
	char src[PATH_MAX_POSTERN], base[STORE_BASE_MAX];
	for (c->n = 0; c->n < n; c->n++) {
		struct message *m = &s->box->msgs[idx[c->n]];
		unsigned flags = remap(c, m->flags);
		if (mailbox_path(s->box, m, src, sizeof src) < 0 ||
		    store_copy(dir, src, m->base, flags, move, base,
			       sizeof base) < 0 ||
		    !(c->bases[c->n] = strdup(base))) {
			if (move)       /* what moved stays moved */
				return -1;
			for (size_t i = 0; i < c->n; i++)
				store_undo(dir, c->bases[i], c->flags[i]);
			return -1;
		}
		c->flags[c->n] = flags;
		c->src_uids[c->n] = m->uid;
		if (move)
			m->gone = 1;
	}
	return 0;
}

/* "COPYUID validity src-set dst-set" into out. */
static int copyuid(const struct copy *c, struct bytes *out)
{
	return bytes_appendf(out, "COPYUID %lu ", (unsigned long)c->validity)
		< 0 || uid_set_format(out, c->src_uids, c->n) < 0 ||
		bytes_append_str(out, " ") < 0 ||
		uid_set_format(out, c->dst_uids, c->n) < 0 ? -1 : 0;
}

/* Copy or move the messages idx[0..n) into the folder dir; reply. */
static enum reply transfer(struct session *s, const char *name,
			   const char *dir, const size_t *idx, size_t n,
			   int move)
{
	struct copy c = { 0 };
	struct bytes code;
	c.bases = calloc(n, sizeof *c.bases);
	c.flags = calloc(n, sizeof *c.flags);
	c.src_uids = calloc(n, sizeof *c.src_uids);
	c.dst_uids = calloc(n, sizeof *c.dst_uids);
	if (maildir_create(dir) < 0 || keyword_map(s, dir, idx, n, &c) < 0) {
		int e = errno;
		copy_free(&c);
		return e == E2BIG ? reply_set(s, REPLY_NO, "LIMIT",
					      "A folder holds at most 26 keywords") :
			reply_set(s, REPLY_NO, "SERVERBUG",
				  move ? "Move failed" : "Copy failed");
	}
	int lock = move ? uidlist_lock(s->box->dir) : -1;
	int ok = c.bases && c.flags && c.src_uids && c.dst_uids &&
		 maildir_create(dir) == 0 &&
		 copy_files(s, dir, idx, n, move, &c) == 0;
	uidlist_unlock(lock);
	if (c.bases && c.dst_uids &&
	    store_uids(dir, c.bases, c.n, c.dst_uids, &c.validity) < 0)
		log_event("event=uidlist-error folder=%s", dir);
	bytes_init(&code, IMAP_COMMAND_MAX * 4);
	int have_code = ok && c.validity && copyuid(&c, &code) == 0;
	if (move && have_code)  /* RFC 6851 §4.3: before the EXPUNGEs */
		untagged(s, "OK [%s] Moved", bytes_str(&code));
	if (move || !strcmp(s->box->name, name))
		session_refresh(s, 1);
	enum reply rc = ok ? REPLY_OK :
		reply_set(s, REPLY_NO, "SERVERBUG",
			  move ? "Move failed" : "Copy failed");
	if (ok && !move && have_code)
		reply_set(s, REPLY_OK, bytes_str(&code), NULL);
	bytes_free(&code);
	copy_free(&c);
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
		rc = transfer(s, name, dir, idx, n, move);
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
