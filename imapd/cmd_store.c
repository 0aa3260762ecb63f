/* cmd_store.c - STORE and UID STORE (RFC 3501 §6.4.6, §6.4.8): system
 * flags and keywords, kept in the Maildir file name (lib/store.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "condstore.h"
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

/* What one STORE asks and found (RFC 3501 §6.4.6, RFC 7162 §3.1.3). */
struct store_request {
	enum store_flag_op op;
	unsigned flags;         /* system bits and keyword letters */
	int silent;
	int conditional;        /* UNCHANGEDSINCE given */
	uint64_t unchangedsince;
	unsigned *before;       /* each message's flags as the client knew
				 * them */
	size_t *failed, nfailed;        /* failed UNCHANGEDSINCE, ascending */
};

static int among(const size_t *v, size_t n, size_t i)
{
	for (size_t lo = 0, hi = n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == i)
			return 1;
		if (v[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* One message's FETCH after a STORE: FLAGS unless .SILENT, or when
 * they are not what the client expects (a change made elsewhere, or a
 * failed UNCHANGEDSINCE: RFC 7162 §3.1.3 example 10); with CONDSTORE
 * enabled UID and MODSEQ always (§3.1.3, §3.2.4), even when silent. */
static void store_report_one(struct session *s, const struct store_request *q,
			     size_t k, size_t i)
{
	const struct message *m = &s->box->msgs[i];
	unsigned b = q->before[k];
	unsigned expect = q->op == STORE_FLAGS_SET ? q->flags :
			  q->op == STORE_FLAGS_ADD ? (b | q->flags) :
			  (b & ~q->flags);
	int flags = !q->silent || m->flags != expect ||
		    among(q->failed, q->nfailed, i);
	if (s->enabled & ENABLED_CONDSTORE) {
		write_flags_fetch(&s->out, s->box, i, 1, flags);
		return;
	}
	if (!flags)
		return;
	output_printf(&s->out, "* %zu FETCH (", i + 1);
	if (s->uid)
		output_printf(&s->out, "UID %lu ", (unsigned long)m->uid);
	output_str(&s->out, "FLAGS ");
	write_flags(&s->out, s->box->kw, m->flags, m->recent);
	output_str(&s->out, ")\r\n");
}

static void store_report(struct session *s, const struct store_request *q,
			 const size_t *idx, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!s->box->msgs[idx[k]].gone)
			store_report_one(s, q, k, idx[k]);
}

/* store-modifiers = SP "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")"
 * (RFC 7162 §7), when there. 0 or -1. */
static int store_modifiers(struct parse *p, struct store_request *q)
{
	struct string w;
	if (parse_peek(p) != '(')
		return 0;
	if (parse_open(p) < 0 || parse_atom(p, &w) < 0)
		return -1;
	if (strcasecmp(w.s, "UNCHANGEDSINCE")) {
		p->error = "Unknown STORE modifier";
		return -1;
	}
	q->conditional = 1;
	if (parse_sp(p) < 0 || parse_modseq(p, &q->unchangedsince) < 0 ||
	    parse_close(p) < 0 || parse_sp(p) < 0)
		return -1;
	return 0;
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

/* The flag change itself; with UNCHANGEDSINCE 0 nothing is changed
 * and every message fails (RFC 7162 §3.1.3 example 8). */
static long store_apply(struct session *s, struct store_request *q,
			const size_t *idx, size_t n)
{
	for (size_t k = 0; k < n; k++)
		q->before[k] = s->box->msgs[idx[k]].flags;
	if (q->conditional && q->unchangedsince == 0) {
		q->failed = calloc(n + 1, sizeof *q->failed);
		if (!q->failed)
			return -1;
		long gone = 0;
		for (size_t k = 0; k < n; k++) {
			if (s->box->msgs[idx[k]].gone)
				gone++;
			else
				q->failed[q->nfailed++] = idx[k];
		}
		return gone;
	}
	return mailbox_store_flags_if(s->box, idx, n, q->op, q->flags,
				      q->unchangedsince, q->conditional ?
				      &q->failed : NULL, &q->nfailed);
}

/* The tagged reply's MODIFIED code (§3.1.3): message numbers, or UIDs
 * in UID STORE. */
static enum reply store_modified(struct session *s, struct store_request *q,
				 long gone)
{
	struct bytes code;
	uint32_t *v = calloc(q->nfailed + 1, sizeof *v);
	bytes_init(&code, IMAP_COMMAND_MAX * 4);
	for (size_t k = 0; v && k < q->nfailed; k++)
		v[k] = s->uid ? s->box->msgs[q->failed[k]].uid :
			(uint32_t)(q->failed[k] + 1);
	if (!v || bytes_append_str(&code, "MODIFIED ") < 0 ||
	    uid_set_format(&code, v, q->nfailed) < 0)
		bytes_clear(&code);     /* too long: the client re-checks */
	enum reply rc = reply_set(s, gone > 0 ? REPLY_NO : REPLY_OK,
				  bytes_str(&code), gone > 0 ?
				  "Some messages were expunged" :
				  "Conditional STORE failed");
	bytes_free(&code);
	free(v);
	return rc;
}

enum reply cmd_store(struct session *s, struct parse *p)
{
	static const enum store_flag_op ops[] = {
		[STORE_SET] = STORE_FLAGS_SET, [STORE_ADD] = STORE_FLAGS_ADD,
		[STORE_REMOVE] = STORE_FLAGS_REMOVE,
	};
	struct seqset set;
	struct store_request q = { .op = STORE_FLAGS_SET };
	enum store_mode mode;
	struct flag_args f;
	size_t *idx, n;
	unsigned bits = 0;
	if (parse_sp(p) < 0 || parse_seqset(p, &set) < 0 || parse_sp(p) < 0 ||
	    store_modifiers(p, &q) < 0 ||
	    store_args(p, &mode, &q.silent, &f) < 0 || parse_end(p) < 0)
		return REPLY_BAD;
	if (q.conditional)      /* RFC 7162 §3.1 */
		session_enable(s, ENABLED_CONDSTORE);
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
	q.op = ops[mode];
	q.flags = f.flags | bits;
	q.before = calloc(n + 1, sizeof *q.before);
	/* the store changes each message against its name on disk now,
	 * under the folder's lock: a concurrent change is never undone */
	long gone = rc != REPLY_OK ? 0 : !q.before ? -1 :
		    store_apply(s, &q, idx, n);
	if (gone < 0) {
		log_event("event=store-error folder=%s", s->box->dir);
		rc = reply_set(s, REPLY_NO, "SERVERBUG", "Cannot store flags");
	} else if (rc == REPLY_OK) {
		store_report(s, &q, idx, n);
	}
	free(idx);
	if (rc == REPLY_OK && q.nfailed)
		rc = store_modified(s, &q, gone);
	else if (rc == REPLY_OK && gone > 0)    /* RFC 2180 §4.2.1 */
		rc = reply_set(s, REPLY_NO, "EXPUNGEISSUED",
			       "Some messages were expunged");
	free(q.before);
	free(q.failed);
	return rc;
}
