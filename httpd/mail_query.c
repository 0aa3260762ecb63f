/* mail_query.c - Email/query (RFC 8621 §4.4, RFC 8620 §5.5): filters,
 * sorts, position and anchor, over every folder of the account. The
 * cheap conditions (folder, keywords, dates, sizes) come from the index
 * and the folder cache (mail_cache.c), header sort keys from the cached
 * summaries; content conditions parse the message file with lib/mime
 * (through its window: never held whole) and search it as IMAP SEARCH
 * does (lib/mime_search, decoding in pieces). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "mail.h"
#include "mime_date.h"
#include "mime_encoding.h"
#include "mime_search.h"

struct candidate {
	struct mail_ref ref;
	time_t received;
	long long size;
	int fd;                         /* the file of m, or -1 */
	struct mime_message *m;         /* parsed when a condition needs it */
	int unreadable;
	char *key;                      /* sort key text (from, subject...) */
	time_t sent;
};

enum sort_property { SORT_RECEIVED, SORT_SIZE, SORT_FROM, SORT_TO,
		     SORT_SUBJECT, SORT_SENT };

struct sort {
	enum sort_property property;
	int ascending;
};

static const struct store_message *msg_of(const struct candidate *k)
{
	return &k->ref.box->view->msgs[k->ref.index];
}

/* receivedAt from the folder cache (a stat the first time); the size
 * when asked (candidate_size): it may need the file read once. */
static void stat_candidate(struct candidate *k)
{
	k->received = mail_received(&k->ref);
	k->size = -1;
}

static long long candidate_size(struct candidate *k)
{
	if (k->size < 0) {
		long long n = mail_size(&k->ref);
		k->size = n < 0 ? 0 : n;
	}
	return k->size;
}

static struct mime_message *parsed(struct candidate *k)
{
	if (!k->m && !k->unreadable && !(k->m = mail_parse(&k->ref, &k->fd, NULL)))
		k->unreadable = 1;
	return k->m;
}

/* Let the parse go (memory stays flat: it is not needed again). */
static void unparse(struct candidate *k)
{
	mime_free(k->m);
	k->m = NULL;
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

static int has_attachment(const struct mime_part *p)
{
	if (p->child && mime_is(p, "multipart", NULL)) {
		for (const struct mime_part *c = p->child; c; c = c->next)
			if (has_attachment(c))
				return 1;
		return 0;
	}
	return (p->disposition.type && !strcasecmp(p->disposition.type,
						   "attachment")) ||
	       (p->parent && !mime_is(p, "text", NULL));
}

struct query {
	struct jmap_call *c;
	struct mail_account *a;
	const char *bad;                /* the unsupported condition */
};

static int eval(struct query *q, const struct json *f, struct candidate *k,
		int depth);

static int keyword_set(const struct candidate *k, const char *kw)
{
	unsigned flag = mail_flag_of_keyword(kw);
	const struct store_folder *f = k->ref.box->view;
	if (flag)
		return (msg_of(k)->flags & flag) != 0;
	for (size_t i = 0; i < f->kw.count; i++)
		if (f->kw.name[i] && !strcasecmp(f->kw.name[i], kw))
			return (msg_of(k)->flags & STORE_KEYWORD(i)) != 0;
	return 0;
}

/* A content condition: 1 match, 0 not. */
static int content(const char *key, const struct json *v, struct candidate *k)
{
	static const struct { const char *key, *field; } fields[] = {
		{ "from", "From" }, { "to", "To" }, { "cc", "Cc" },
		{ "bcc", "Bcc" }, { "subject", "Subject" },
	};
	struct mime_message *m = parsed(k);
	const char *s = json_string(v);
	if (!m)
		return 0;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (!strcmp(key, fields[i].key))
			return s && mime_search_header(m, m->root, fields[i].field, s) == 1;
	if (!strcmp(key, "text"))
		return s && mime_search_text(m, s, 1) == 1;
	if (!strcmp(key, "body"))
		return s && mime_search_text(m, s, 0) == 1;
	if (!strcmp(key, "hasAttachment"))
		return has_attachment(m->root) == (v->type == JSON_TRUE);
	/* header: [name] or [name, value] */
	const char *name = v->child ? json_string(v->child) : NULL;
	const char *value = v->child && v->child->next
			    ? json_string(v->child->next) : "";
	return name && value && mime_search_header(m, m->root, name, value) == 1;
}

/* One FilterCondition: every property must hold (§4.4.1). */
static int condition(struct query *q, const struct json *f, struct candidate *k)
{
	for (const struct json *c = f->child; c; c = c->next) {
		const char *s = json_string(c);
		int64_t n;
		time_t t;
		int ok;
		if (!strcmp(c->key, "inMailbox"))
			ok = s && !strcmp(s, k->ref.box->status.mailboxid);
		else if (!strcmp(c->key, "inMailboxOtherThan")) {
			ok = 1;
			for (const struct json *i = c->child; i; i = i->next)
				if (json_string(i) && !strcmp(i->str,
				    k->ref.box->status.mailboxid))
					ok = 0;
		} else if (!strcmp(c->key, "before") || !strcmp(c->key, "after")) {
			if (mail_parse_date(s, &t) < 0)
				return q->bad = c->key, 0;
			ok = c->key[0] == 'b' ? k->received < t : k->received >= t;
		} else if (!strcmp(c->key, "minSize") || !strcmp(c->key, "maxSize")) {
			if (!json_int(c, &n))
				return q->bad = c->key, 0;
			ok = c->key[1] == 'i' ? candidate_size(k) >= n
					      : candidate_size(k) < n;
		} else if (!strcmp(c->key, "hasKeyword") ||
			   !strcmp(c->key, "someInThreadHaveKeyword") ||
			   !strcmp(c->key, "allInThreadHaveKeyword"))
			ok = s && keyword_set(k, s);
		else if (!strcmp(c->key, "notKeyword") ||
			 !strcmp(c->key, "noneInThreadHaveKeyword"))
			ok = s && !keyword_set(k, s);
		else if (!strcmp(c->key, "text") || !strcmp(c->key, "from") ||
			 !strcmp(c->key, "to") || !strcmp(c->key, "cc") ||
			 !strcmp(c->key, "bcc") || !strcmp(c->key, "subject") ||
			 !strcmp(c->key, "body") || !strcmp(c->key, "header") ||
			 !strcmp(c->key, "hasAttachment"))
			ok = content(c->key, c, k);
		else
			return q->bad = c->key, 0;
		if (!ok)
			return 0;
	}
	return 1;
}

static int eval(struct query *q, const struct json *f, struct candidate *k,
		int depth)
{
	const struct json *op = json_get(f, "operator");
	if (!op)
		return condition(q, f, k);
	const struct json *conds = json_get(f, "conditions");
	const char *o = json_string(op);
	if (!o || !conds || conds->type != JSON_ARRAY || depth > JSON_DEPTH_MAX) {
		q->bad = "operator";
		return 0;
	}
	int any = 0, all = 1;
	for (const struct json *c = conds->child; c && !q->bad; c = c->next) {
		int r = eval(q, c, k, depth + 1);
		any |= r;
		all &= r;
	}
	if (!strcmp(o, "AND"))
		return all;
	if (!strcmp(o, "OR"))
		return any;
	if (!strcmp(o, "NOT"))
		return !any;
	q->bad = "operator";
	return 0;
}

/* The sort key of a size sort, or the text of a header sort (lower
 * case, decoded), the header from the message's summary in the folder
 * cache when it has one. */
static void sort_key(struct candidate *k, enum sort_property p)
{
	static const char *const fields[] = { NULL, NULL, "From", "To",
					      "Subject", "Date" };
	struct store_summary sum;
	struct mime_message *m;
	struct mime_field f;
	const char *h = NULL;
	size_t hn = 0;
	if (p == SORT_SIZE) {
		candidate_size(k);
		return;
	}
	if (mail_summary(&k->ref, &sum) == 0)
		h = sum.header, hn = sum.header_len;
	else if ((m = parsed(k)) != NULL)
		h = mime_part_header(m, m->root, &hn);
	if (!h || !mime_header_find(h, hn, fields[p], &f))
		return;
	if (p == SORT_SENT) {
		struct mime_date d;
		if (mime_date_parse(f.value, f.value_len, &d) == 0)
			k->sent = mime_date_time(&d);
		return;
	}
	struct bytes u, d;
	bytes_init(&u, 65536);
	bytes_init(&d, 65536);
	mime_unfold(f.value, f.value_len, &u);
	mime_rfc2047_decode(bytes_str(&u), u.len, &d);
	bytes_clear(&u);
	mime_fold(bytes_str(&d), d.len, &u);
	k->key = strdup(bytes_str(&u));
	bytes_free(&u);
	bytes_free(&d);
}

static struct sort sorts[8];
static size_t nsorts;

static int compare(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;
	for (size_t i = 0; i < nsorts; i++) {
		int r = 0;
		switch (sorts[i].property) {
		case SORT_RECEIVED: r = (a->received > b->received) - (a->received < b->received); break;
		case SORT_SIZE: r = (a->size > b->size) - (a->size < b->size); break;
		case SORT_SENT: r = (a->sent > b->sent) - (a->sent < b->sent); break;
		default: r = strcmp(a->key ? a->key : "", b->key ? b->key : ""); break;
		}
		if (r)
			return sorts[i].ascending ? r : -r;
	}
	/* ties: in delivery order (UIDs, then names), the way the first
	 * sort runs */
	int r = (msg_of(a)->uid > msg_of(b)->uid) - (msg_of(a)->uid < msg_of(b)->uid);
	if (!r)
		r = strcmp(msg_of(a)->unique, msg_of(b)->unique);
	return nsorts && !sorts[0].ascending ? -r : r;
}

/* Read "sort" (§5.5): 0, or -1 with the error set. */
static int read_sort(struct jmap_call *c)
{
	static const char *const names[] = { "receivedAt", "size", "from", "to",
					     "subject", "sentAt" };
	const struct json *s = json_get(c->args, "sort");
	nsorts = 0;
	for (const struct json *e = s && s->type == JSON_ARRAY ? s->child : NULL;
	     e; e = e->next) {
		const char *p = json_string(json_get(e, "property"));
		const struct json *asc = json_get(e, "isAscending");
		size_t i;
		for (i = 0; p && i < 6 && strcmp(names[i], p); i++);
		if (!p || i == 6 || nsorts == sizeof sorts / sizeof *sorts) {
			jmap_error(c, "unsupportedSort", "%s", p ? p : "?");
			return -1;
		}
		sorts[nsorts].property = (enum sort_property)i;
		sorts[nsorts++].ascending = !asc || asc->type != JSON_FALSE;
	}
	return 0;
}

static void free_candidates(struct candidate *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unparse(&v[i]);
		free(v[i].key);
	}
	free(v);
}

/* The messages that pass the filter, with their sort keys. NULL on
 * error (the call's error set), else *n set. */
static struct candidate *select_messages(struct query *q,
					 const struct json *filter, size_t *n)
{
	struct candidate *v = NULL;
	size_t count = 0, cap = 0;
	const char *only = filter && !json_get(filter, "operator")
			   ? json_string(json_get(filter, "inMailbox")) : NULL;
	for (size_t b = 0; b < q->a->count; b++) {
		struct mail_box *box = &q->a->box[b];
		if (only && strcmp(only, box->status.mailboxid))
			continue;
		struct store_folder *f = mail_view(q->a, box);
		for (size_t i = 0; f && i < f->count; i++) {
			if (f->msgs[i].gone)
				continue;
			if (count == cap) {
				cap = cap ? 2 * cap : 256;
				struct candidate *nv = realloc(v, cap * sizeof *v);
				if (!nv)
					goto fail;
				v = nv;
			}
			struct candidate *k = &v[count];
			memset(k, 0, sizeof *k);
			k->fd = -1;
			k->ref.box = box;
			k->ref.index = i;
			stat_candidate(k);
			int ok = !filter || eval(q, filter, k, 0);
			if (q->bad) {
				count++;
				free_candidates(v, count);
				jmap_error(q->c, "unsupportedFilter", "%s", q->bad);
				return NULL;
			}
			if (!ok) {
				unparse(k);
				continue;
			}
			for (size_t s = 0; s < nsorts; s++)
				if (sorts[s].property != SORT_RECEIVED)
					sort_key(k, sorts[s].property);
			unparse(k);
			count++;
		}
	}
	*n = count;
	return v ? v : calloc(1, sizeof *v);
fail:
	free_candidates(v, count);
	jmap_error(q->c, "serverFail", "out of memory");
	return NULL;
}

/* RFC 8621 §4.4.3 collapseThreads: keep the first Email of each Thread
 * in sort order. 0, or -1 with v unchanged. */
static int collapse_threads(struct mail_account *a, struct candidate *v,
			    size_t *n)
{
	struct mail_threads th;
	if (mail_threads_build(a, &th) < 0)
		return -1;
	unsigned char *seen = calloc(th.nids + 1, 1);
	size_t w = 0;
	for (size_t i = 0; seen && i < *n; i++) {
		size_t t = mail_threads_index(&th, mail_threads_of(&th,
					      msg_of(&v[i])->unique));
		if (t != SIZE_MAX && seen[t]) {
			free(v[i].key);
			continue;
		}
		if (t != SIZE_MAX)
			seen[t] = 1;
		v[w++] = v[i];
	}
	if (seen)
		*n = w;
	free(seen);
	mail_threads_free(&th);
	return seen ? 0 : -1;
}

/* Conditions whose truth for a message depends on other messages of
 * its Thread, and those on properties a message changes (RFC 8620 §5.6:
 * then upToId is ignored). */
static const char *const thread_conditions[] = {
	"someInThreadHaveKeyword", "allInThreadHaveKeyword",
	"noneInThreadHaveKeyword", NULL,
};
static const char *const mutable_conditions[] = {
	"inMailbox", "inMailboxOtherThan", "hasKeyword", "notKeyword",
	"someInThreadHaveKeyword", "allInThreadHaveKeyword",
	"noneInThreadHaveKeyword", NULL,
};

/* Does filter f (operators included) use one of names? */
static int filter_uses(const struct json *f, const char *const *names,
		       int depth)
{
	if (!f || f->type != JSON_OBJECT || depth > JSON_DEPTH_MAX)
		return 0;
	const struct json *conds = json_get(f, "conditions");
	if (json_get(f, "operator")) {
		for (const struct json *c = conds ? conds->child : NULL; c; c = c->next)
			if (filter_uses(c, names, depth + 1))
				return 1;
		return 0;
	}
	for (const struct json *c = f->child; c; c = c->next)
		for (size_t i = 0; names[i]; i++)
			if (!strcmp(c->key, names[i]))
				return 1;
	return 0;
}

size_t mail_query_index(const char *const *r, size_t n, const char *id)
{
	char unique[STORE_UNIQUE_MAX + 1];
	if (!id || mail_id_unique('M', id, unique, sizeof unique) < 0)
		return SIZE_MAX;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i], unique))
			return i;
	return SIZE_MAX;
}

int mail_query_can_calculate(struct jmap_call *c)
{
	const struct json *collapse = json_get(c->args, "collapseThreads");
	if (collapse && collapse->type == JSON_TRUE)
		return 0;
	return !filter_uses(json_get(c->args, "filter"), thread_conditions, 0);
}

int mail_query_mutable(struct jmap_call *c)
{
	return filter_uses(json_get(c->args, "filter"), mutable_conditions, 0);
}

int mail_query_run(struct jmap_call *c, struct mail_account *a,
		   const char ***out, size_t *count)
{
	struct query q = { c, a, NULL };
	const struct json *filter = json_get(c->args, "filter");
	*out = NULL;
	*count = 0;
	if (read_sort(c) < 0)
		return -1;
	if (filter && filter->type == JSON_NULL)
		filter = NULL;
	if (filter && filter->type != JSON_OBJECT) {
		jmap_invalid(c, "filter", "not an object");
		return -1;
	}
	if (nsorts == 0) {
		sorts[0].property = SORT_RECEIVED;
		sorts[0].ascending = 0;
		nsorts = 1;
	}
	size_t n = 0;
	struct candidate *v = select_messages(&q, filter, &n);
	if (!v)
		return -1;
	qsort(v, n, sizeof *v, compare);
	const struct json *collapse = json_get(c->args, "collapseThreads");
	int rc = collapse && collapse->type == JSON_TRUE &&
		 collapse_threads(a, v, &n) < 0 ? -1 : 0;
	if (rc == 0 && !(*out = calloc(n + 1, sizeof **out)))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		(*out)[i] = msg_of(&v[i])->unique;
	if (rc < 0)
		jmap_error(c, "serverFail", "the mail store failed");
	else
		*count = n;
	free_candidates(v, n);
	return rc;
}
