/* condstore.c - CONDSTORE and QRESYNC (RFC 7162): see condstore.h. */
#include "condstore.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "log.h"
#include "mailbox.h"

unsigned session_enable(struct session *s, unsigned bits)
{
	if (bits & ENABLED_QRESYNC)     /* §3.2.3: QRESYNC implies CONDSTORE */
		bits |= ENABLED_CONDSTORE;
	unsigned newly = bits & ~s->enabled;
	s->enabled |= bits;
	if (s->box) {
		s->box->enabled = s->enabled;
		if (newly & ENABLED_CONDSTORE)  /* §3.1 */
			untagged(s, "OK [HIGHESTMODSEQ %llu] Highest",
				 (unsigned long long)s->box->f->highestmodseq);
	}
	return newly;
}

static int compare_uid32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static enum reply bad(struct session *s, const char *why)
{
	return reply_set(s, REPLY_BAD, NULL, "%s", why);
}

/* seq-match-data = "(" known-sequence-set SP known-uid-set ")" */
static int seq_match_parse(struct parse *p, struct qresync *q)
{
	if (parse_open(p) < 0 || parse_seqset(p, &q->match_seq) < 0 ||
	    parse_sp(p) < 0 || parse_seqset(p, &q->match_uid) < 0 ||
	    parse_close(p) < 0)
		return -1;
	q->has_match = 1;
	return q->match_seq.saved || q->match_uid.saved ? -1 : 0;
}

/* "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids]
 * [SP seq-match-data] ")" (§7), the word already read. */
static int qresync_parse(struct parse *p, struct qresync *q)
{
	q->given = 1;
	if (parse_sp(p) < 0 || parse_open(p) < 0 ||
	    parse_nz_number(p, &q->uidvalidity) < 0 || parse_sp(p) < 0 ||
	    parse_modseq(p, &q->modseq) < 0)
		return -1;
	if (parse_peek(p) == ' ') {
		p->pos++;
		if (parse_peek(p) == '(')
			return seq_match_parse(p, q) < 0 ? -1 : parse_close(p);
		if (parse_seqset(p, &q->known) < 0 || q->known.saved)
			return -1;
		q->has_known = 1;
		if (parse_peek(p) == ' ' && ++p->pos && seq_match_parse(p, q) < 0)
			return -1;
	}
	return parse_close(p);
}

enum reply select_params_parse(struct session *s, struct parse *p,
			       int *condstore, struct qresync *q)
{
	struct string w;
	*condstore = 0;
	memset(q, 0, sizeof *q);
	if (p->pos + 1 >= p->len || memcmp(p->buf + p->pos, " (", 2))
		return parse_end(p) < 0 ? REPLY_BAD : REPLY_OK;
	if (parse_sp(p) < 0 || parse_open(p) < 0)
		return REPLY_BAD;
	do {
		if ((*condstore || q->given) && parse_sp(p) < 0)
			return REPLY_BAD;
		if (parse_atom(p, &w) < 0)
			return REPLY_BAD;
		if (!strcasecmp(w.s, "CONDSTORE") && !*condstore) {
			*condstore = 1;
		} else if (!strcasecmp(w.s, "QRESYNC") && !q->given) {
			/* §3.2.5: BAD unless ENABLE QRESYNC came first */
			if (!(s->enabled & ENABLED_QRESYNC))
				return bad(s, "QRESYNC is not enabled");
			if (qresync_parse(p, q) < 0)
				return bad(s, "Bad QRESYNC parameter");
		} else {
			return bad(s, "Unknown SELECT parameter");
		}
	} while (parse_peek(p) != ')');
	return parse_close(p) < 0 || parse_end(p) < 0 ? REPLY_BAD : REPLY_OK;
}

static int compare_range(const void *a, const void *b)
{
	const struct seq_range *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The set's ranges with "*" as star, each lo <= hi, ascending and
 * merged, into *out (malloc'd). The count, or -1. */
static long ranges_normal(const struct seqset *set, uint32_t star,
			  struct seq_range **out)
{
	struct seq_range *v = calloc(set->count + 1, sizeof *v);
	size_t n = 0;
	if (!v)
		return -1;
	for (size_t i = 0; i < set->count; i++) {
		uint32_t lo = set->r[i].lo ? set->r[i].lo : star;
		uint32_t hi = set->r[i].hi ? set->r[i].hi : star;
		v[i] = lo <= hi ? (struct seq_range){ lo, hi } :
				  (struct seq_range){ hi, lo };
	}
	qsort(v, set->count, sizeof *v, compare_range);
	for (size_t i = 0; i < set->count; i++) {
		if (n && v[i].lo <= v[n - 1].hi + (uint64_t)1) {
			if (v[i].hi > v[n - 1].hi)
				v[n - 1].hi = v[i].hi;
		} else {
			v[n++] = v[i];
		}
	}
	*out = v;
	return (long)n;
}

/* Append the range a..b to the uid-set text in out. */
static void set_add(struct bytes *out, uint32_t a, uint32_t b)
{
	const char *sep = out->len ? "," : "";
	if (a == b)
		bytes_appendf(out, "%s%lu", sep, (unsigned long)a);
	else
		bytes_appendf(out, "%s%lu:%lu", sep, (unsigned long)a,
			      (unsigned long)b);
}

/* The store does not know expunges that old: every UID of the ranges,
 * above "above" and below UIDNEXT, that the folder does not hold. */
static void vanished_all(struct session *s, const struct seq_range *r,
			 size_t nr, uint32_t above, struct bytes *out)
{
	const struct mailbox *b = s->box;
	uint32_t last = b->next - 1;
	for (size_t i = 0; i < nr; i++) {
		uint64_t lo = r[i].lo > above ? r[i].lo : (uint64_t)above + 1;
		uint64_t hi = r[i].hi < last ? r[i].hi : last;
		if (lo == 0)
			lo = 1;
		long k = lo <= hi ? mailbox_find_uid_at_least(b, (uint32_t)lo) :
			 -1;
		for (; lo <= hi; k++) {
			uint64_t next = k >= 0 && (size_t)k < b->count ?
					b->msgs[k].uid : hi + 1;
			if (next > hi + 1)
				next = hi + 1;
			if (next > lo)
				set_add(out, (uint32_t)lo, (uint32_t)(next - 1));
			lo = next + 1;
		}
	}
}

/* The store's record of expunges since since, within the ranges. */
static void vanished_known(struct session *s, const struct store_since *ch,
			   const struct seq_range *r, size_t nr,
			   struct bytes *out)
{
	uint32_t *v = calloc(ch->nexpunged + 1, sizeof *v);
	size_t n = 0;
	if (!v)
		return;
	for (size_t i = 0; i < ch->nexpunged; i++) {
		struct seq_range key = { ch->expunged[i], ch->expunged[i] };
		size_t lo = 0, hi = nr;         /* the last range with lo <= uid */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (compare_range(&r[mid], &key) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo && ch->expunged[i] <= r[lo - 1].hi &&
		    mailbox_find_uid(s->box, ch->expunged[i]) < 0)
			v[n++] = ch->expunged[i];
	}
	qsort(v, n, sizeof *v, compare_uid32);
	if (uid_set_format(out, v, n) < 0)
		bytes_clear(out);
	free(v);
}

void vanished_earlier(struct session *s, const struct seqset *uids,
		      uint64_t since, uint32_t above)
{
	struct store_since ch;
	struct seq_range *r;
	struct bytes out;
	long nr = ranges_normal(uids, s->box->next - 1, &r);
	if (nr < 0)
		return;
	if (store_changes_since(s->box->f, since, &ch) < 0) {
		log_event("event=modseq-error folder=%s", s->box->dir);
		free(r);
		return;
	}
	/* at most a range per gap between messages, or per expunged UID:
	 * ",4294967295:4294967295" each */
	bytes_init(&out, (s->box->count + (size_t)nr + ch.nexpunged + 2) * 24);
	if (ch.too_old)
		vanished_all(s, r, (size_t)nr, above, &out);
	else
		vanished_known(s, &ch, r, (size_t)nr, &out);
	if (out.len)
		untagged(s, "VANISHED (EARLIER) %s", bytes_str(&out));
	bytes_free(&out);
	store_since_free(&ch);
	free(r);
}

/* A walk through a set's numbers in the order given. */
struct set_walk {
	const struct seqset *set;
	size_t i;
	uint64_t at;            /* the last number given, 0 before the first */
};

/* The next number, or 0 at the end or when the set stops ascending
 * (§3.2.5.2 asks for ascending sets; "*" ends it too). */
static uint64_t walk_next(struct set_walk *w)
{
	const struct seq_range *r = w->set->r;
	if (w->at && w->i < w->set->count && w->at < r[w->i].hi)
		return ++w->at;
	if (w->at && ++w->i >= w->set->count)
		return 0;
	if (!w->set->count || r[w->i].lo <= w->at)
		return 0;
	return w->at = r[w->i].lo;
}

/* §3.2.5.2: the UID of the last pair of seq-match-data that the folder
 * matches before the first that it does not (0: none). Each step moves
 * the sequence number up, so at most the folder's count steps. */
static uint32_t seq_match_above(const struct session *s,
				const struct qresync *q)
{
	const struct mailbox *b = s->box;
	struct set_walk seqs = { &q->match_seq, 0, 0 };
	struct set_walk uids = { &q->match_uid, 0, 0 };
	uint32_t above = 0;
	if (!q->has_match)
		return 0;
	for (;;) {
		uint64_t seq = walk_next(&seqs), uid = walk_next(&uids);
		if (!seq || !uid || seq > b->count ||
		    b->msgs[seq - 1].uid != uid)
			return above;
		above = (uint32_t)uid;
	}
}

void qresync_report(struct session *s, const struct qresync *q)
{
	struct mailbox *b = s->box;
	struct seq_range all = { 1, b->next - 1 };
	struct seqset every = { .count = b->next > 1, .r = &all };
	const struct seqset *known = q->has_known ? &q->known : &every;
	if (!q->given || q->uidvalidity != b->validity)
		return;         /* §3.2.5: as if nothing changed */
	vanished_earlier(s, known, q->modseq, seq_match_above(s, q));
	for (size_t i = 0; i < b->count; i++)
		if (b->msgs[i].modseq > q->modseq &&
		    seqset_contains(known, b->msgs[i].uid, b->next - 1))
			write_flags_fetch(&s->out, b, i, 1, 1);
}

enum reply fetch_modifiers_parse(struct session *s, struct parse *p,
				 struct fetch_modifiers *m)
{
	struct string w;
	memset(m, 0, sizeof *m);
	if (p->pos + 1 >= p->len || memcmp(p->buf + p->pos, " (", 2))
		return REPLY_OK;        /* none; parse_end judges the rest */
	if (parse_sp(p) < 0 || parse_open(p) < 0)
		return REPLY_BAD;
	for (int first = 1; parse_peek(p) != ')'; first = 0) {
		if ((!first && parse_sp(p) < 0) || parse_atom(p, &w) < 0)
			return REPLY_BAD;
		if (!strcasecmp(w.s, "CHANGEDSINCE") && !m->changedsince_given) {
			if (parse_sp(p) < 0 || parse_modseq(p, &m->changedsince) < 0)
				return REPLY_BAD;
			m->changedsince_given = 1;
		} else if (!strcasecmp(w.s, "VANISHED") && !m->vanished) {
			m->vanished = 1;
		} else {
			return bad(s, "Unknown FETCH modifier");
		}
	}
	if (parse_close(p) < 0)
		return REPLY_BAD;
	/* §3.2.6: VANISHED only in UID FETCH, with CHANGEDSINCE, after
	 * ENABLE QRESYNC */
	if (m->vanished && !s->uid)
		return bad(s, "VANISHED needs UID FETCH");
	if (m->vanished && !m->changedsince_given)
		return bad(s, "VANISHED needs CHANGEDSINCE");
	if (m->vanished && !(s->enabled & ENABLED_QRESYNC))
		return bad(s, "QRESYNC is not enabled");
	return REPLY_OK;
}

void condstore_after_command(struct session *s)
{
	/* §3.2: a MODSEQ told while an expunge waits (§7.4.1 of RFC 3501
	 * forbids it during FETCH, STORE, SEARCH) must not let the client
	 * move past that expunge */
	if (s->box && (s->enabled & ENABLED_CONDSTORE) &&
	    mailbox_gone_pending(s->box))
		untagged(s, "OK [HIGHESTMODSEQ %llu] Expunges pending",
			 (unsigned long long)s->box->modseq_told);
}
