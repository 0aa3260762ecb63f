/* mail_mailbox_query.c - Mailbox/query and Mailbox/queryChanges (RFC
 * 8621 §2.3, §2.4; RFC 8620 §5.5, §5.6).
 *
 * The filter is a FilterCondition (parentId, name, role, hasAnyRole,
 * isSubscribed) or a FilterOperator (AND, OR, NOT over conditions, at
 * most JSON_DEPTH_MAX deep: the parser's bound); the sort is on
 * sortOrder and name (ASCII case ignored), ties kept in the account's
 * order (INBOX first, then by folder name); sortAsTree and filterAsTree
 * as §2.3 says. An account has few folders: every query is computed
 * whole, and queryChanges answers cannotCalculateChanges (RFC 8620
 * §5.6 allows it; the query says canCalculateChanges false). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mail.h"
#include "mime_search.h"

struct mailbox_query {
	struct jmap_call *c;
	struct mail_account *a;
	const struct json *filter, *sort;
	int as_tree;
};

/* Does b's name contain s (case folded as IMAP SEARCH folds it)? */
static int name_contains(const struct mail_box *b, const char *s)
{
	struct bytes u, name, text;
	bytes_init(&u, IMAP_MAILBOX_NAME_MAX * 4);
	bytes_init(&name, IMAP_MAILBOX_NAME_MAX * 8);
	bytes_init(&text, IMAP_MAILBOX_NAME_MAX * 8);
	const char *n = mail_box_name(b, &u);
	int ok = !*s || (mime_fold(n, strlen(n), &name) == 0 &&
			 mime_fold(s, strlen(s), &text) == 0 &&
			 mime_find(name.data ? name.data : "", name.len,
				   text.data ? text.data : "", text.len));
	bytes_free(&u);
	bytes_free(&name);
	bytes_free(&text);
	return ok;
}

/* Does b match the FilterCondition f (keys checked by check_filter)? */
static int condition(struct mailbox_query *q, const struct json *f,
		     struct mail_box *b)
{
	for (const struct json *k = f->child; k; k = k->next) {
		int ok = 1;
		if (!strcmp(k->key, "parentId")) {
			struct mail_box *p = mail_box_parent(q->a, b);
			ok = k->type == JSON_NULL ? !p :
			     p && !strcmp(p->status.mailboxid, k->str);
		} else if (!strcmp(k->key, "name")) {
			ok = name_contains(b, k->str);
		} else if (!strcmp(k->key, "role")) {
			ok = k->type == JSON_NULL ? !b->role :
			     b->role && !strcmp(b->role, k->str);
		} else if (!strcmp(k->key, "hasAnyRole")) {
			ok = (b->role != NULL) == (k->type == JSON_TRUE);
		} else if (!strcmp(k->key, "isSubscribed")) {
			ok = b->subscribed == (k->type == JSON_TRUE);
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* Does b match filter f (RFC 8620 §5.5: operator or condition)? */
static int matches(struct mailbox_query *q, const struct json *f,
		   struct mail_box *b)
{
	const char *op = json_string(json_get(f, "operator"));
	if (!op)
		return condition(q, f, b);
	int any = 0, all = 1;
	for (const struct json *x = json_get(f, "conditions")->child; x;
	     x = x->next) {
		int m = matches(q, x, b);
		any |= m;
		all &= m;
	}
	return !strcmp(op, "AND") ? all : !strcmp(op, "OR") ? any : !any;
}

/* Is f a filter this server takes? The error is set when not. */
static int check_filter(struct jmap_call *c, const struct json *f)
{
	if (f->type != JSON_OBJECT)
		return jmap_invalid(c, "filter", "not an object"), 0;
	const struct json *op = json_get(f, "operator");
	if (op) {
		const struct json *x = json_get(f, "conditions");
		const char *o = json_string(op);
		if (!o || (strcmp(o, "AND") && strcmp(o, "OR") &&
			   strcmp(o, "NOT")) || !x || x->type != JSON_ARRAY)
			return jmap_invalid(c, "filter", "a bad operator"), 0;
		for (x = x->child; x; x = x->next)
			if (!check_filter(c, x))
				return 0;
		return 1;
	}
	for (const struct json *k = f->child; k; k = k->next) {
		int id_or_null = !strcmp(k->key, "parentId") ||
				 !strcmp(k->key, "role");
		int boolean = !strcmp(k->key, "hasAnyRole") ||
			      !strcmp(k->key, "isSubscribed");
		if (!id_or_null && !boolean && strcmp(k->key, "name"))
			return jmap_error(c, "unsupportedFilter", "%s",
					  k->key), 0;
		if (boolean ? k->type != JSON_TRUE && k->type != JSON_FALSE :
		    k->type != JSON_STRING && !(id_or_null &&
						k->type == JSON_NULL))
			return jmap_invalid(c, "filter", "a condition of the "
					    "wrong type"), 0;
	}
	return 1;
}

/* Is the sort one this server takes (Comparators on sortOrder, name)? */
static int check_sort(struct jmap_call *c, const struct json *s)
{
	if (s->type != JSON_ARRAY)
		return jmap_invalid(c, "sort", "not an array"), 0;
	for (const struct json *x = s->child; x; x = x->next) {
		const char *p = json_string(json_get(x, "property"));
		const struct json *asc = json_get(x, "isAscending");
		if (x->type != JSON_OBJECT || !p ||
		    (asc && asc->type != JSON_TRUE && asc->type != JSON_FALSE))
			return jmap_invalid(c, "sort", "a bad Comparator"), 0;
		if (strcmp(p, "sortOrder") && strcmp(p, "name"))
			return jmap_error(c, "unsupportedSort", "%s", p), 0;
	}
	return 1;
}

static struct mailbox_query *sorting;   /* for qsort's comparator */

/* Siblings (or top-level folders) compared by the sort, then by the
 * account's order. */
static int compare_boxes(const struct mail_box *x, const struct mail_box *y)
{
	for (const struct json *k = sorting->sort ? sorting->sort->child :
	     NULL; k; k = k->next) {
		int r;
		if (!strcmp(json_string(json_get(k, "property")), "name")) {
			struct bytes u, v;
			bytes_init(&u, IMAP_MAILBOX_NAME_MAX * 4);
			bytes_init(&v, IMAP_MAILBOX_NAME_MAX * 4);
			r = strcasecmp(mail_box_name(x, &u), mail_box_name(y, &v));
			bytes_free(&u);
			bytes_free(&v);
		} else {
			r = mail_box_sort_order(x) - mail_box_sort_order(y);
		}
		const struct json *asc = json_get(k, "isAscending");
		if (r)
			return asc && asc->type == JSON_FALSE ? -r : r;
	}
	return x < y ? -1 : x > y;
}

/* The ancestors of b from the top, b last, into v (at most max). */
static size_t lineage(struct mail_account *a, struct mail_box *b,
		      struct mail_box **v, size_t max)
{
	size_t n = 0;
	for (struct mail_box *p = b; p && n < max; p = mail_box_parent(a, p))
		n++;
	size_t i = n;
	for (struct mail_box *p = b; p && i > 0; p = mail_box_parent(a, p))
		v[--i] = p;
	return n;
}

static int by_sort(const void *x, const void *y)
{
	struct mail_box *a = *(struct mail_box *const *)x;
	struct mail_box *b = *(struct mail_box *const *)y;
	struct mail_box *la[IMAP_MAILBOX_NAME_MAX], *lb[IMAP_MAILBOX_NAME_MAX];
	size_t na = 1, nb = 1, i = 0;
	la[0] = a;
	lb[0] = b;
	if (sorting->as_tree) { /* §2.3 sortAsTree: ancestors first, then
				 * the nearest ancestors that are siblings */
		na = lineage(sorting->a, a, la, IMAP_MAILBOX_NAME_MAX);
		nb = lineage(sorting->a, b, lb, IMAP_MAILBOX_NAME_MAX);
		while (i + 1 < na && i + 1 < nb && la[i] == lb[i])
			i++;
		if (la[i] == lb[i])
			return na < nb ? -1 : na > nb;
	}
	return compare_boxes(la[i], lb[i]);
}

/* Does b pass the filter (with filterAsTree, its ancestors too)? */
static int selected(struct mailbox_query *q, struct mail_box *b,
		    int as_tree)
{
	if (!q->filter)
		return 1;
	for (struct mail_box *p = b; p; p = as_tree ? mail_box_parent(q->a, p)
						    : NULL)
		if (!matches(q, q->filter, p))
			return 0;
	return 1;
}

/* The arguments: filter, sort, sortAsTree, filterAsTree. 0, or -1
 * with the error set. */
static int query_args(struct jmap_call *c, struct mailbox_query *q,
		      int *filter_as_tree)
{
	const struct json *st = json_get(c->args, "sortAsTree");
	const struct json *ft = json_get(c->args, "filterAsTree");
	q->filter = json_get(c->args, "filter");
	q->sort = json_get(c->args, "sort");
	if (q->filter && q->filter->type == JSON_NULL)
		q->filter = NULL;
	if (q->sort && q->sort->type == JSON_NULL)
		q->sort = NULL;
	if ((q->filter && !check_filter(c, q->filter)) ||
	    (q->sort && !check_sort(c, q->sort)))
		return -1;
	for (int i = 0; i < 2; i++) {
		const struct json *b = i ? ft : st;
		if (b && b->type != JSON_TRUE && b->type != JSON_FALSE &&
		    b->type != JSON_NULL) {
			jmap_invalid(c, i ? "filterAsTree" : "sortAsTree",
				     "not a Boolean");
			return -1;
		}
	}
	q->as_tree = st && st->type == JSON_TRUE;
	*filter_as_tree = ft && ft->type == JSON_TRUE;
	return 0;
}

void method_mailbox_query(struct jmap_call *c)
{
	struct mail_account a;
	struct mailbox_query q = { c, &a, NULL, NULL, 0 };
	int filter_as_tree;
	if (!jmap_account(c) || query_args(c, &q, &filter_as_tree) < 0 ||
	    mail_open(c, &a) < 0)
		return;
	struct mail_box **v = calloc(a.count + 1, sizeof *v);
	const char **ids = calloc(a.count + 1, sizeof *ids);
	size_t n = 0;
	for (size_t i = 0; v && ids && i < a.count; i++)
		if (selected(&q, &a.box[i], filter_as_tree))
			v[n++] = &a.box[i];
	if (!v || !ids) {
		jmap_error(c, "serverFail", "out of memory");
	} else {
		sorting = &q;
		qsort(v, n, sizeof *v, by_sort);
		for (size_t i = 0; i < n; i++)
			ids[i] = v[i]->status.mailboxid;
		mail_query_answer(c, &a, ids, n, 0, 0);
	}
	free(v);
	free(ids);
	mail_close(&a);
}

void method_mailbox_query_changes(struct jmap_call *c)
{
	struct mailbox_query q = { c, NULL, NULL, NULL, 0 };
	int filter_as_tree;
	if (!jmap_account(c) || query_args(c, &q, &filter_as_tree) < 0)
		return;
	if (!json_string(json_get(c->args, "sinceQueryState"))) {
		jmap_invalid(c, "sinceQueryState", "not a String");
		return;
	}
	jmap_error(c, "cannotCalculateChanges", "Mailbox queries are not "
		   "calculated: query again");
}
