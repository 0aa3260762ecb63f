/* search_context.c - updating searches, CONTEXT=SEARCH and CONTEXT=SORT
 * (RFC 5267 §4.3), and CANCELUPDATE (§4.3.5). See search_context.h.
 *
 * A context's result is kept as UIDs in the requested order (ascending
 * for SEARCH); what the client is shown are UIDs or, for SEARCH and SORT
 * without UID, the sequence numbers of the moment the update is sent.
 * Expunged members leave before the EXPUNGE responses (mailbox.h's
 * expunging hook); new and changed messages (MODSEQ above the context's)
 * are checked after the EXISTS and FETCH responses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fetch.h"
#include "imapd.h"
#include "log.h"
#include "mailbox.h"
#include "search_context.h"
#include "search_context_impl.h"

int search_context_compare_uids(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

struct search_context *search_context_find(const struct session *s,
					   const char *tag)
{
	for (size_t i = 0; i < s->ncontexts; i++)
		if (!strcmp(s->contexts[i]->tag, tag))
			return s->contexts[i];
	return NULL;
}

static void context_free(struct search_context *c)
{
	if (!c)
		return;
	free(c->keys);
	free(c->fetch);
	free(c->uids);
	free(c);
}

/* "* NO [NOUPDATE "tag"] why" (§4.3.1). */
static void noupdate(struct session *s, const char *tag, const char *why)
{
	output_str(&s->out, "* NO [NOUPDATE ");
	write_string(&s->out, tag, strlen(tag));
	output_printf(&s->out, "] %s\r\n", why);
}

/* End the i-th context, telling the client when why is set. */
static void context_end(struct session *s, size_t i, const char *why)
{
	struct search_context *c = s->contexts[i];
	if (why) {
		noupdate(s, c->tag, why);
		log_event("event=context-ended reason=\"%s\"", why);
	}
	context_free(c);
	memmove(&s->contexts[i], &s->contexts[i + 1],
		(s->ncontexts - i - 1) * sizeof *s->contexts);
	if (--s->ncontexts == 0 && s->box)
		s->box->expunging = NULL;
}

void search_contexts_free(struct session *s)
{
	while (s->ncontexts)
		context_end(s, s->ncontexts - 1, NULL);
}

static uint64_t highest_modseq(const struct mailbox *b)
{
	uint64_t high = 0;
	for (size_t i = 0; i < b->count; i++)
		if (b->msgs[i].modseq > high)
			high = b->msgs[i].modseq;
	return high;
}

static struct search_context *context_new(struct session *s,
					  const struct parse *p,
					  const struct search_program *prog,
					  const struct mail_sort_criterion *crit,
					  size_t nc, const size_t *idx, size_t n)
{
	struct search_context *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	snprintf(c->tag, sizeof c->tag, "%s", s->tag);
	c->uid = s->uid;
	if (nc)
		memcpy(c->crit, crit, nc * sizeof *crit);
	c->ncrit = nc;
	c->needs = prog->needs;
	c->keys_len = p->len - prog->keys_at;
	c->keys = malloc(c->keys_len + 1);
	c->uids = malloc((n ? n : 1) * sizeof *c->uids);
	if (!c->keys || !c->uids) {
		context_free(c);
		return NULL;
	}
	memcpy(c->keys, p->buf + prog->keys_at, c->keys_len);
	for (size_t i = 0; i < n; i++)
		c->uids[i] = s->box->msgs[idx[i]].uid;
	c->n = n;
	c->modseq = highest_modseq(s->box);
	c->uid_seen = s->box->count ? s->box->msgs[s->box->count - 1].uid : 0;
	return c;
}

static void contexts_expunging(void *arg, const uint32_t *uids,
			       const size_t *seqs, size_t n);

void search_context_add(struct session *s, const struct parse *p,
			const struct search_return *r,
			const struct search_program *prog,
			const struct mail_sort_criterion *crit, size_t nc,
			const size_t *idx, size_t n)
{
	struct search_context *c = NULL;
	const char *why = NULL;
	if (prog->needs & SEARCH_USES_NUMBERS)
		why = "Sequence numbers and $ are fixed when the search runs";
	else if (prog->needs & SEARCH_USES_CLOCK)
		why = "OLDER and YOUNGER move with time";
	else if (s->ncontexts == IMAP_CONTEXTS_MAX)
		why = "Too many contexts";
	else if (!(c = context_new(s, p, prog, crit, nc, idx, n)) ||
		 (r->fetch_len && !(c->fetch = malloc(r->fetch_len))))
		why = "Out of memory";
	if (why) {
		context_free(c);
		noupdate(s, s->tag, why);
		return;
	}
	if (r->fetch_len)
		memcpy(c->fetch, p->buf + r->fetch_at, r->fetch_len);
	c->fetch_len = r->fetch_len;
	s->contexts[s->ncontexts++] = c;
	s->box->expunging = contexts_expunging;
	s->box->expunging_arg = s;
}

/* " REMOVEFROM (" or " ADDTO (" and the pairs of v[0..n) (§5): for a
 * SEARCH (positions 0) "0 set", the numbers ascending; for a SORT one
 * pair for each run of numbers going up by one at the positions they
 * take (removing: each at the run's first; adding: one after another). */
static void write_pairs(struct output *out, const char *item,
			const struct change *v, size_t n, int removing)
{
	int search = v[0].pos == 0;
	output_str(out, item);
	if (search)
		output_str(out, "0 ");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && v[j + 1].number == v[j].number + 1 &&
		       (search || v[j + 1].pos == v[j].pos + !removing))
			j++;
		if (search)
			output_printf(out, i ? ",%lu" : "%lu",
				      (unsigned long)v[i].number);
		else
			output_printf(out, i ? " %zu %lu" : "%zu %lu", v[i].pos,
				      (unsigned long)v[i].number);
		if (j > i)
			output_printf(out, ":%lu", (unsigned long)v[j].number);
		i = j + 1;
	}
	output_str(out, ")");
}

/* "* ESEARCH (TAG "t") [UID] REMOVEFROM (...) ADDTO (...)": removals
 * first, each list processed in order by the client (§4.3.2). */
static void write_update(struct session *s, const struct search_context *c,
			 const struct change *removed, size_t nremoved,
			 const struct change *added, size_t nadded)
{
	if (!nremoved && !nadded)
		return;
	output_str(&s->out, "* ESEARCH (TAG ");
	write_string(&s->out, c->tag, strlen(c->tag));
	output_str(&s->out, c->uid ? ") UID" : ")");
	if (nremoved)
		write_pairs(&s->out, " REMOVEFROM (", removed, nremoved, 1);
	if (nadded)
		write_pairs(&s->out, " ADDTO (", added, nadded, 0);
	output_str(&s->out, "\r\n");
}

/* The expunged members of c leave (uids ascending, seqs as mailbox.h's
 * hook gives them); their REMOVEFROM is sent. 0, or -1 (ENOMEM). */
static int context_expunge(struct session *s, struct search_context *c,
			   const uint32_t *uids, const size_t *seqs, size_t n)
{
	struct change *v = malloc((c->n < n ? c->n : n) * sizeof *v + 1);
	size_t kept = 0, k = 0;
	if (!v)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		const uint32_t *hit = bsearch(&c->uids[i], uids, n, sizeof *uids,
					      search_context_compare_uids);
		if (!hit) {
			c->uids[kept++] = c->uids[i];
			continue;
		}
		size_t e = (size_t)(hit - uids);
		/* §4.3.4: the number it has before its EXPUNGE; the
		 * position once the members before it that left are gone */
		v[k].number = c->uid ? *hit : (uint32_t)(seqs[e] + e);
		v[k++].pos = c->ncrit ? kept + 1 : 0;
	}
	c->n = kept;
	write_update(s, c, v, k, NULL, 0);
	free(v);
	return 0;
}

static void contexts_expunging(void *arg, const uint32_t *uids,
			       const size_t *seqs, size_t n)
{
	struct session *s = arg;
	for (size_t i = 0; i < s->ncontexts;)
		if (context_expunge(s, s->contexts[i], uids, seqs, n) < 0)
			context_end(s, i, "Out of memory");
		else
			i++;
}

/* Which of msgs[among[0..n)] (ascending) match c's keys, into hit
 * (room for n; the same order). 0, or -1 (ENOMEM, or keys that no
 * longer parse). */
static int context_match(struct session *s, const struct search_context *c,
			 const size_t *among, size_t n, size_t *hit,
			 size_t *nhit)
{
	struct parse q;
	struct key k;
	unsigned needs = 0;
	int rc = parse_init_copy(&q, c->keys, c->keys_len) < 0 ||
		 search_parse(&q, &k, &needs) < 0 || parse_end(&q) < 0 ?
		 -1 : search_run(s, &k, c->needs, among, n, hit, nhit);
	parse_free(&q);
	return rc;
}

/* The number msgs[i] shows in c's updates. */
static uint32_t number_of(const struct session *s,
			  const struct search_context *c, size_t i)
{
	return c->uid ? s->box->msgs[i].uid : (uint32_t)(i + 1);
}

/* Does c's result hold uid? (sorted: c's UIDs ascending.) */
static int is_member(const struct search_context *c, const uint32_t *sorted,
		     uint32_t uid)
{
	return bsearch(&uid, sorted, c->n, sizeof *sorted,
		       search_context_compare_uids) != NULL;
}

/* A SEARCH's result (ascending) without removed[0..nr) and with
 * msgs[added[0..na)] (both ascending), the changes into rv and av. */
static int merge_search(struct session *s, struct search_context *c,
			const uint32_t *removed, size_t nr,
			const size_t *added, size_t na,
			struct change *rv, struct change *av)
{
	uint32_t *v = malloc((c->n + na + 1) * sizeof *v);
	size_t w = 0, r = 0, a = 0;
	if (!v)
		return -1;
	for (size_t i = 0; i <= c->n; i++) {
		uint32_t u = i < c->n ? c->uids[i] : UINT32_MAX;
		while (a < na && s->box->msgs[added[a]].uid < u) {
			av[a] = (struct change){ number_of(s, c, added[a]), 0 };
			v[w++] = s->box->msgs[added[a++]].uid;
		}
		if (i == c->n)
			break;
		if (r < nr && removed[r] == u) {
			long at = mailbox_find_uid(s->box, u);
			rv[r++] = (struct change){ c->uid ? u : (uint32_t)at + 1,
						   0 };
		} else {
			v[w++] = u;
		}
	}
	free(c->uids);
	c->uids = v;
	c->n = w;
	return 0;
}

/* Buffers of context_update, n entries each. */
struct update_work {
	size_t *hit, *added;
	uint32_t *removed, *sorted;
	struct change *rv, *av;
};

static int work_alloc(struct update_work *w, size_t n, size_t members)
{
	w->hit = malloc(n * sizeof *w->hit);
	w->added = malloc(n * sizeof *w->added);
	w->removed = malloc(n * sizeof *w->removed);
	w->sorted = malloc((members ? members : 1) * sizeof *w->sorted);
	w->rv = malloc(n * sizeof *w->rv);
	w->av = malloc(n * sizeof *w->av);
	return w->hit && w->added && w->removed && w->sorted && w->rv &&
	       w->av ? 0 : -1;
}

static void work_free(struct update_work *w)
{
	free(w->hit);
	free(w->added);
	free(w->removed);
	free(w->sorted);
	free(w->rv);
	free(w->av);
}

/* RFC 5465 §7: the FETCH c asks of each of msgs[added[0..na)] that is a
 * new message (not one that joined by a flag change, nor one this
 * session made), after EXISTS and before the ESEARCH. added is
 * reordered. */
static void fetch_new_members(struct session *s, const struct search_context *c,
			      size_t *added, size_t na)
{
	size_t k = 0;
	for (size_t j = 0; j < na; j++) {
		uint32_t uid = s->box->msgs[added[j]].uid;
		if (uid > c->uid_seen && !session_made(s, uid))
			added[k++] = added[j];
	}
	if (k)
		fetch_unsolicited(s, c->fetch, c->fetch_len, added, k);
}

/* Check msgs[among[0..n)] (ascending, n > 0) against c's keys: members
 * that no longer match leave, others that now match join; the
 * difference is sent. 0, or -1 (ENOMEM). */
static int context_update(struct session *s, struct search_context *c,
			  const size_t *among, size_t n)
{
	struct update_work w;
	size_t nhit = 0, na = 0, nr = 0;
	int rc = work_alloc(&w, n, c->n);
	if (rc == 0)
		rc = context_match(s, c, among, n, w.hit, &nhit);
	if (rc == 0) {
		memcpy(w.sorted, c->uids, c->n * sizeof *w.sorted);
		if (c->ncrit)
			qsort(w.sorted, c->n, sizeof *w.sorted,
			      search_context_compare_uids);
		for (size_t j = 0, h = 0; j < n; j++) {
			uint32_t uid = s->box->msgs[among[j]].uid;
			int match = h < nhit && w.hit[h] == among[j];
			h += match;
			int member = is_member(c, w.sorted, uid);
			if (member && !match)
				w.removed[nr++] = uid;
			else if (!member && match)
				w.added[na++] = among[j];
		}
		rc = (c->ncrit ? search_context_merge_sort : merge_search)
			(s, c, w.removed, nr, w.added, na, w.rv, w.av);
	}
	if (rc == 0 && c->fetch)
		fetch_new_members(s, c, w.added, na);
	if (rc == 0)
		write_update(s, c, w.rv, nr, w.av, na);
	work_free(&w);
	return rc;
}

void search_contexts_update(struct session *s)
{
	if (!s->ncontexts || !s->box)
		return;
	struct mailbox *b = s->box;
	uint64_t high = highest_modseq(b), low = UINT64_MAX;
	for (size_t i = 0; i < s->ncontexts; i++)
		if (s->contexts[i]->modseq < low)
			low = s->contexts[i]->modseq;
	if (high <= low)
		return;         /* nothing new or changed since the last look */
	size_t *among = malloc((b->count ? b->count : 1) * sizeof *among);
	for (size_t i = 0; i < s->ncontexts;) {
		struct search_context *c = s->contexts[i];
		size_t n = 0;
		for (size_t m = 0; among && m < b->count; m++)
			if (b->msgs[m].modseq > c->modseq && !b->msgs[m].gone)
				among[n++] = m;
		if (!among || (n && context_update(s, c, among, n) < 0)) {
			context_end(s, i, "Out of memory");
			continue;
		}
		c->modseq = high;
		c->uid_seen = b->count ? b->msgs[b->count - 1].uid : 0;
		i++;
	}
	free(among);
}

/* CANCELUPDATE 1*(SP quoted) (§4.3.5): every tag must name a context
 * (else NO, and none ends). */
enum reply cmd_cancelupdate(struct session *s, struct parse *p)
{
	int end[IMAP_CONTEXTS_MAX] = { 0 };
	struct string t;
	do {
		if (parse_sp(p) < 0 || parse_string(p, &t) < 0)
			return REPLY_BAD;
		if (t.literal)
			return reply_set(s, REPLY_BAD, NULL,
					 "Expected a quoted tag");
		struct search_context *c = search_context_find(s, t.s);
		if (!c)
			return reply_set(s, REPLY_NO, NULL,
					 "No updating search has that tag");
		for (size_t i = 0; i < s->ncontexts; i++)
			end[i] |= s->contexts[i] == c;
	} while (!parse_at_end(p));
	for (size_t i = s->ncontexts; i-- > 0;)
		if (end[i])
			context_end(s, i, NULL);
	return REPLY_OK;
}
