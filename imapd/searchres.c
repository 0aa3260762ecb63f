/* searchres.c - what SEARCH and SORT return: the classic "* SEARCH" /
 * "* SORT" lists, the ESEARCH response with RETURN options (RFC 4731 §3,
 * ESORT: RFC 5267 §3), and the saved result "$" (SEARCHRES, RFC 5182).
 * See search.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imapd.h"
#include "mailbox.h"
#include "fetch.h"
#include "search.h"

static const struct { const char *name; unsigned bit; } return_options[] = {
	{ "MIN", RETURN_MIN }, { "MAX", RETURN_MAX }, { "ALL", RETURN_ALL },
	{ "COUNT", RETURN_COUNT }, { "SAVE", RETURN_SAVE },
	{ "PARTIAL", RETURN_PARTIAL }, { "UPDATE", RETURN_UPDATE },
	{ "CONTEXT", RETURN_CONTEXT },
};
#define NRETURN (sizeof return_options / sizeof return_options[0])

/* " lo:hi" after PARTIAL (RFC 5267 §5: partial-range, nz-numbers, "a
 * range 500:400 is the same as 400:500"). 0 or -1. */
static int partial_parse(struct parse *p, struct search_return *r)
{
	uint32_t a, b;
	if (parse_sp(p) < 0 || parse_nz_number(p, &a) < 0 ||
	    parse_char(p, ':') < 0 || parse_nz_number(p, &b) < 0) {
		p->error = "Expected PARTIAL n:m";
		return -1;
	}
	r->partial_lo = a < b ? a : b;
	r->partial_hi = a < b ? b : a;
	return 0;
}

/* [SP "(" fetch-att *(SP fetch-att) ")"] after UPDATE (RFC 5465 §7:
 * what to FETCH of a new message the context gains), checked and
 * located. 0 or -1. */
static int update_fetch_parse(struct parse *p, struct search_return *r)
{
	struct fetch_request f;
	if (p->pos + 1 >= p->len || memcmp(p->buf + p->pos, " (", 2))
		return 0;
	r->fetch_at = ++p->pos;
	if (fetch_parse(p, &f) < 0)
		return -1;
	r->fetch_len = p->pos - r->fetch_at;
	return 0;
}

int search_return_parse(struct parse *p, struct search_return *r)
{
	struct string w;
	size_t save = p->pos;
	*r = (struct search_return){ 0 };
	if (parse_atom(p, &w) < 0 || strcasecmp(w.s, "RETURN")) {
		p->pos = save;
		p->error = NULL;
		return 0;
	}
	r->extended = 1;
	if (parse_sp(p) < 0 || parse_open(p) < 0)
		return -1;
	for (int first = 1; parse_peek(p) != ')'; first = 0) {
		if ((!first && parse_sp(p) < 0) || parse_atom(p, &w) < 0)
			return -1;
		size_t i = 0;
		while (i < NRETURN && strcasecmp(w.s, return_options[i].name))
			i++;
		if (i == NRETURN) {
			p->error = "Unknown RETURN option";
			return -1;
		}
		/* §4.4: "either one PARTIAL, one ALL, or neither" */
		unsigned bit = return_options[i].bit;
		if ((bit & (RETURN_ALL | RETURN_PARTIAL)) &&
		    (r->opts & (RETURN_ALL | RETURN_PARTIAL))) {
			p->error = "One PARTIAL or one ALL at most";
			return -1;
		}
		if (bit == RETURN_PARTIAL && partial_parse(p, r) < 0)
			return -1;
		if (bit == RETURN_UPDATE && update_fetch_parse(p, r) < 0)
			return -1;
		r->opts |= bit;
	}
	/* RFC 4731 §3.1: "RETURN ()" means "RETURN (ALL)" */
	if (!r->opts)
		r->opts = RETURN_ALL;
	if (parse_close(p) < 0 || parse_sp(p) < 0)
		return -1;
	return 0;
}

static int compare_uids(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The matches PARTIAL lo:hi returns: [*from, *to) of the n (§4.4:
 * the part of the range past the end is not there). */
static void partial_slice(const struct search_return *r, size_t n,
			  size_t *from, size_t *to)
{
	*from = r->partial_lo - 1 < n ? r->partial_lo - 1 : n;
	*to = r->partial_hi < n ? r->partial_hi : n;
}

/* RFC 5182 §2.1: SAVE keeps all the matches, or with MIN and/or MAX
 * only those (without COUNT or ALL), or with PARTIAL those it returns.
 * The UIDs are kept, ascending. */
static void save_result(struct session *s, const struct search_return *r,
			const size_t *idx, size_t n)
{
	unsigned opts = r->opts;
	if (opts & RETURN_PARTIAL) {
		size_t from, to;
		partial_slice(r, n, &from, &to);
		idx += from;
		n = to - from;
		opts = RETURN_ALL;
	}
	uint32_t *v = malloc((n ? n : 1) * sizeof *v);
	size_t k = 0;
	search_saved_clear(s);
	if (!v)
		return;         /* "$" is then empty, as after a failure */
	int only_ends = (opts & (RETURN_MIN | RETURN_MAX)) &&
			!(opts & (RETURN_ALL | RETURN_COUNT));
	for (size_t i = 0; i < n; i++)
		if (!only_ends || (i == 0 && (opts & RETURN_MIN)) ||
		    (i == n - 1 && (opts & RETURN_MAX)))
			v[k++] = s->box->msgs[idx[i]].uid;
	qsort(v, k, sizeof *v, compare_uids);
	s->saved = v;
	s->nsaved = k;
}

/* The number a client sees for message idx: its UID or sequence number. */
static uint32_t number_of(const struct session *s, size_t idx)
{
	return s->uid ? s->box->msgs[idx].uid : (uint32_t)(idx + 1);
}

/* The numbers of the n matches at idx as a sequence-set (in the order
 * given) after the text "before": " ALL set", " PARTIAL (1:5 set". */
static void write_set(struct session *s, const char *before,
		      const size_t *idx, size_t n)
{
	struct bytes set;
	uint32_t *v = malloc((n ? n : 1) * sizeof *v);
	bytes_init(&set, n * 24 + 16);       /* ",4294967295:4294967295" */
	for (size_t i = 0; v && i < n; i++)
		v[i] = number_of(s, idx[i]);
	if (v && uid_set_format(&set, v, n) == 0)
		output_printf(&s->out, "%s%s", before, bytes_str(&set));
	bytes_free(&set);
	free(v);
}

/* " PARTIAL (lo:hi set)", NIL for the set when none is in the range
 * (RFC 5267 §4.4, §5 ret-data-partial). */
static void write_partial(struct session *s, const struct search_return *r,
			  const size_t *idx, size_t n)
{
	char before[48];
	size_t from, to;
	partial_slice(r, n, &from, &to);
	snprintf(before, sizeof before, " PARTIAL (%lu:%lu ",
		 (unsigned long)r->partial_lo, (unsigned long)r->partial_hi);
	if (from == to)
		output_printf(&s->out, "%sNIL", before);
	else
		write_set(s, before, idx + from, to - from);
	output_str(&s->out, ")");
}

/* The highest MODSEQ among the matches (RFC 7162 §3.1.5). */
static uint64_t highest_modseq(const struct session *s, const size_t *idx,
			       size_t n)
{
	uint64_t high = 0;
	for (size_t i = 0; i < n; i++)
		if (s->box->msgs[idx[i]].modseq > high)
			high = s->box->msgs[idx[i]].modseq;
	return high;
}

static void write_esearch(struct session *s, const struct search_return *r,
			  const size_t *idx, size_t n)
{
	unsigned opts = r->opts;
	output_str(&s->out, "* ESEARCH (TAG ");
	write_string(&s->out, s->tag, strlen(s->tag));
	output_str(&s->out, s->uid ? ") UID" : ")");
	/* RFC 4731 §3.1: no MIN, MAX or ALL when nothing matched */
	if (n && (opts & RETURN_MIN))
		output_printf(&s->out, " MIN %lu",
			      (unsigned long)number_of(s, idx[0]));
	if (n && (opts & RETURN_MAX))
		output_printf(&s->out, " MAX %lu",
			      (unsigned long)number_of(s, idx[n - 1]));
	if (opts & RETURN_COUNT)
		output_printf(&s->out, " COUNT %zu", n);
	if (n && (opts & RETURN_ALL))
		write_set(s, " ALL ", idx, n);
	if (opts & RETURN_PARTIAL)
		write_partial(s, r, idx, n);
	if (n && s->search_modseq)      /* RFC 7162 §3.1.10 */
		output_printf(&s->out, " MODSEQ %llu",
			      (unsigned long long)highest_modseq(s, idx, n));
	output_str(&s->out, "\r\n");
}

void search_result_write(struct session *s, const struct search_return *r,
			 const char *verb, const size_t *idx, size_t n)
{
	if (r->opts & RETURN_SAVE)
		save_result(s, r, idx, n);
	if (!r->extended) {
		output_printf(&s->out, "* %s", verb);
		for (size_t i = 0; i < n; i++)
			output_printf(&s->out, " %lu",
				      (unsigned long)number_of(s, idx[i]));
		if (n && s->search_modseq)      /* RFC 7162 §3.1.6, §3.1.9 */
			output_printf(&s->out, " (MODSEQ %llu)",
				      (unsigned long long)
				      highest_modseq(s, idx, n));
		output_str(&s->out, "\r\n");
		return;
	}
	/* RFC 5182 §2.1: SAVE alone gets no ESEARCH response */
	if (r->opts & ~RETURN_SAVE)
		write_esearch(s, r, idx, n);
}

void search_saved_clear(struct session *s)
{
	free(s->saved);
	s->saved = NULL;
	s->nsaved = 0;
}

int search_saved_contains(const struct session *s, uint32_t uid)
{
	return s->saved && bsearch(&uid, s->saved, s->nsaved, sizeof *s->saved,
				   compare_uids) != NULL;
}

int seqset_from_saved(const struct session *s, struct parse *p,
		      struct seqset *set)
{
	set->saved = 0;
	set->count = 0;
	set->r = parse_alloc(p, (s->nsaved ? s->nsaved : 1) * sizeof *set->r);
	if (!set->r)
		return -1;
	for (size_t i = 0; i < s->nsaved; i++)
		set->r[set->count++] = (struct seq_range){ s->saved[i],
							   s->saved[i] };
	return 0;
}
