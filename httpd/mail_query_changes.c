/* mail_query_changes.c - Email/query's answer (RFC 8621 §4.4, RFC 8620
 * §5.5: position, anchor, limit, total) and Email/queryChanges (RFC
 * 8621 §4.5, RFC 8620 §5.6) over the results mail_query.c computes.
 *
 * queryChanges uses the simple algorithm §5.6 allows: "removed" lists
 * every Email created, updated or destroyed since the old query state
 * (the Mailbox/Email state: the store's changes since, as Email/changes
 * computes them), and "added" those of them in the results now, with
 * their index. The sorts postern offers are on properties a message
 * never changes, so the Emails that did not change keep their order and
 * the client's cache ends up right. It cannot tell with collapseThreads
 * or a condition on a message's Thread (a change to another Email of
 * the Thread moves this one), nor past what /changes can tell
 * (cannotCalculateChanges). */
#include <stdlib.h>
#include <string.h>
#include "mail.h"

/* Where id is in r[0..n): Email ids (kind 'M') name unique names,
 * other ids are as they are. SIZE_MAX when absent. */
static size_t result_index(const char *const *r, size_t n, char kind,
			   const char *id)
{
	if (kind == 'M')
		return mail_query_index(r, n, id);
	for (size_t i = 0; id && i < n; i++)
		if (!strcmp(r[i], id))
			return i;
	return SIZE_MAX;
}

/* Where the page starts (§5.5 position, anchor, anchorOffset) in the
 * results r[0..n); -1 with the error set. */
static long long page_start(struct jmap_call *c, const char *const *r,
			    size_t n, char kind)
{
	int64_t pos = 0, off = 0;
	const struct json *p = json_get(c->args, "position");
	const char *anchor = json_string(json_get(c->args, "anchor"));
	if (p && p->type != JSON_NULL && !json_int(p, &pos)) {
		jmap_invalid(c, "position", "not an Int");
		return -1;
	}
	if (!anchor) {
		if (pos < 0)
			pos += (int64_t)n;
		return pos < 0 ? 0 : pos;
	}
	const struct json *ao = json_get(c->args, "anchorOffset");
	if (ao && ao->type != JSON_NULL && !json_int(ao, &off)) {
		jmap_invalid(c, "anchorOffset", "not an Int");
		return -1;
	}
	size_t i = result_index(r, n, kind, anchor);
	if (i != SIZE_MAX) {
		long long s = (long long)i + off;
		return s < 0 ? 0 : s;
	}
	jmap_error(c, "anchorNotFound", NULL);
	return -1;
}

/* The "limit" argument, capped at JMAP_OBJECTS_MAX (*capped then 1):
 * 0, or -1 with the error set. */
static int page_limit(struct jmap_call *c, int64_t *limit, int *capped)
{
	const struct json *lim = json_get(c->args, "limit");
	*limit = JMAP_OBJECTS_MAX;
	if (lim && lim->type != JSON_NULL && (!json_int(lim, limit) ||
					      *limit < 0)) {
		jmap_invalid(c, "limit", "not an UnsignedInt");
		return -1;
	}
	*capped = *limit > JMAP_OBJECTS_MAX;
	if (*capped)
		*limit = JMAP_OBJECTS_MAX;
	return 0;
}

void mail_query_answer(struct jmap_call *c, struct mail_account *a,
		       const char *const *r, size_t n, char kind,
		       int can_calculate)
{
	char state[JMAP_STATE_MAX + 1], id[600];
	int64_t limit;
	int capped;
	long long start;
	if (page_limit(c, &limit, &capped) < 0 ||
	    (start = page_start(c, r, n, kind)) < 0)
		return;
	mail_state(a, state, sizeof state);
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "queryState");
	json_str(&c->w, state);
	json_key(&c->w, "canCalculateChanges");
	json_bool(&c->w, state[0] == 's' && can_calculate);
	json_key(&c->w, "position");
	json_int64(&c->w, start);
	json_key(&c->w, "ids");
	json_array_begin(&c->w);
	for (size_t i = (size_t)start; i < n && i < (size_t)start + (size_t)limit; i++)
		if (!kind)
			json_str(&c->w, r[i]);
		else if (mail_id(kind, r[i], id, sizeof id) == 0)
			json_str(&c->w, id);
	json_end(&c->w);
	const struct json *total = json_get(c->args, "calculateTotal");
	if (total && total->type == JSON_TRUE) {
		json_key(&c->w, "total");
		json_int64(&c->w, (int64_t)n);
	}
	if (capped) {
		json_key(&c->w, "limit");
		json_int64(&c->w, limit);
	}
	json_end(&c->w);
}

void method_email_query(struct jmap_call *c)
{
	struct mail_account *a;
	const char **r;
	size_t n;
	if (!jmap_account(c) || !(a = mail_use(c)))
		return;
	if (mail_query_run(c, a, &r, &n) == 0) {
		mail_query_answer(c, a, r, n, 'M', mail_query_can_calculate(c));
		free(r);
	}
	mail_done(c, a);
}

/* The queryChanges arguments besides filter and sort: 0, or -1 with
 * the error set. */
static int query_changes_args(struct jmap_call *c, const char **since,
			      size_t *max)
{
	const struct json *m = json_get(c->args, "maxChanges");
	const struct json *up = json_get(c->args, "upToId");
	int64_t v;
	*max = SIZE_MAX;
	if (!jmap_account(c))
		return -1;
	if (!(*since = json_string(json_get(c->args, "sinceQueryState")))) {
		jmap_invalid(c, "sinceQueryState", "not a String");
		return -1;
	}
	if (m && m->type != JSON_NULL) {
		if (!json_int(m, &v) || v < 0) {
			jmap_invalid(c, "maxChanges", "not an UnsignedInt");
			return -1;
		}
		*max = (size_t)v;
	}
	if (up && up->type != JSON_NULL && up->type != JSON_STRING) {
		jmap_invalid(c, "upToId", "not an Id");
		return -1;
	}
	if (!mail_query_can_calculate(c)) {
		jmap_error(c, "cannotCalculateChanges", "collapseThreads and "
			   "Thread conditions are not calculated: query again");
		return -1;
	}
	return 0;
}

static int by_string(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Write removed (every changed Email) and added (those in the results
 * r[0..n), by index, up to last). Returns the number of changes. */
static size_t write_changes(struct jmap_call *c, char **changed,
			    size_t nchanged, const char *const *r, size_t n,
			    size_t last)
{
	char id[600];
	size_t count = 0;
	json_key(&c->w, "removed");
	json_array_begin(&c->w);
	for (size_t i = 0; i < nchanged; i++)
		if (mail_id('M', changed[i], id, sizeof id) == 0) {
			json_str(&c->w, id);
			count++;
		}
	json_end(&c->w);
	json_key(&c->w, "added");
	json_array_begin(&c->w);
	qsort(changed, nchanged, sizeof *changed, by_string);
	for (size_t i = 0; i < n && i <= last; i++) {
		const char *key = r[i];
		if (!bsearch(&key, changed, nchanged, sizeof *changed, by_string) ||
		    mail_id('M', r[i], id, sizeof id) < 0)
			continue;
		json_object_begin(&c->w);
		json_key(&c->w, "id");
		json_str(&c->w, id);
		json_key(&c->w, "index");
		json_int64(&c->w, (int64_t)i);
		json_end(&c->w);
		count++;
	}
	json_end(&c->w);
	return count;
}

void method_email_query_changes(struct jmap_call *c)
{
	struct mail_account a;
	const char *since, **r = NULL;
	char **changed = NULL, now[JMAP_STATE_MAX + 1];
	size_t max, n = 0, nchanged = 0;
	if (query_changes_args(c, &since, &max) < 0 || mail_open(c, &a) < 0)
		return;
	if (mail_changed_since(c, &a, since, &changed, &nchanged, now,
			       sizeof now) == 0 &&
	    mail_query_run(c, &a, &r, &n) == 0) {
		/* §5.6 upToId: with immutable conditions, nothing past it */
		size_t last = mail_query_mutable(c) ? SIZE_MAX :
			mail_query_index(r, n, json_string(json_get(c->args,
								    "upToId")));
		json_object_begin(&c->w);
		json_key(&c->w, "accountId");
		json_str(&c->w, c->s->account);
		json_key(&c->w, "oldQueryState");
		json_str(&c->w, since);
		json_key(&c->w, "newQueryState");
		json_str(&c->w, now);
		const struct json *total = json_get(c->args, "calculateTotal");
		if (total && total->type == JSON_TRUE) {
			json_key(&c->w, "total");
			json_int64(&c->w, (int64_t)n);
		}
		if (write_changes(c, changed, nchanged, r, n, last) > max)
			jmap_error(c, "tooManyChanges", NULL);
		json_end(&c->w);
	}
	for (size_t i = 0; i < nchanged; i++)
		free(changed[i]);
	free(changed);
	free(r);
	mail_close(&a);
}
