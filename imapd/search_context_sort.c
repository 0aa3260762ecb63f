/* search_context_sort.c - a SORT context's result kept in sort order as
 * messages leave and join it (RFC 5267 §4.3.3, §4.3.4: the positions of
 * REMOVEFROM and ADDTO). See search_context_impl.h. */
#include <stdlib.h>
#include <string.h>
#include "imapd.h"
#include "mailbox.h"
#include "search_context.h"
#include "search_context_impl.h"

/* The first q in [lo, hi) of c's result v whose message sorts after f
 * (§4.3.3: where an added message goes), reading each member looked at.
 * 0, or -1 (ENOMEM). */
static int sort_position(struct session *s, const struct search_context *c,
			 const uint32_t *v, size_t lo, size_t hi,
			 const struct mail_fields *f, size_t *q)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long at = mailbox_find_uid(s->box, v[mid]);
		struct mail_fields m;
		int after = 0;
		if (at >= 0) {
			if (sort_fields_read(s, (size_t)at, c->crit, c->ncrit,
					     &m) < 0)
				return -1;
			after = mail_sort_compare(&m, f, c->crit, c->ncrit) > 0;
			mail_fields_free(&m);
		}
		if (after)
			hi = mid;
		else
			lo = mid + 1;
	}
	*q = lo;
	return 0;
}

/* The sort values of msgs[added[0..na)] in sort order into *ptrs (the
 * values in *store). 0, or -1 (ENOMEM). */
static int added_sorted(struct session *s, const struct search_context *c,
			const size_t *added, size_t na,
			struct mail_fields **store, struct mail_fields ***ptrs)
{
	*store = calloc(na, sizeof **store);
	*ptrs = calloc(na, sizeof **ptrs);
	if (!*store || !*ptrs)
		return -1;
	for (size_t j = 0; j < na; j++) {
		if (sort_fields_read(s, added[j], c->crit, c->ncrit,
				     &(*store)[j]) < 0)
			return -1;
		(*ptrs)[j] = &(*store)[j];
	}
	return mail_sort(*ptrs, na, c->crit, c->ncrit);
}

/* Insert msgs[added[0..na)] into a SORT's result at their places; the
 * changes, in the order of their final positions, into av. */
static int insert_sorted(struct session *s, struct search_context *c,
			 const size_t *added, size_t na, struct change *av)
{
	struct mail_fields *store = NULL, **ptrs = NULL;
	uint32_t *v = malloc((c->n + na + 1) * sizeof *v);
	size_t w = 0, lo = 0, q;
	int rc = v ? added_sorted(s, c, added, na, &store, &ptrs) : -1;
	for (size_t j = 0; rc == 0 && j < na; j++) {
		rc = sort_position(s, c, c->uids, lo, c->n, ptrs[j], &q);
		while (rc == 0 && lo < q)
			v[w++] = c->uids[lo++];
		uint32_t uid = ptrs[j]->order;
		av[j] = (struct change){ c->uid ? uid :
				 (uint32_t)mailbox_find_uid(s->box, uid) + 1,
				 w + 1 };
		v[w++] = uid;
	}
	while (rc == 0 && lo < c->n)
		v[w++] = c->uids[lo++];
	for (size_t j = 0; store && j < na; j++)
		mail_fields_free(&store[j]);
	free(store);
	free(ptrs);
	if (rc < 0) {
		free(v);
		return -1;
	}
	free(c->uids);
	c->uids = v;
	c->n = w;
	return 0;
}

int search_context_merge_sort(struct session *s, struct search_context *c,
			      const uint32_t *removed, size_t nr,
			      const size_t *added, size_t na,
			      struct change *rv, struct change *av)
{
	size_t kept = 0, k = 0;
	for (size_t i = 0; nr && i < c->n; i++) {
		uint32_t u = c->uids[i];
		if (!bsearch(&u, removed, nr, sizeof *removed,
			     search_context_compare_uids)) {
			c->uids[kept++] = u;
			continue;
		}
		long at = mailbox_find_uid(s->box, u);
		rv[k++] = (struct change){ c->uid ? u : (uint32_t)at + 1,
					   kept + 1 };
	}
	if (nr)
		c->n = kept;
	return na ? insert_sorted(s, c, added, na, av) : 0;
}

