/* mail_thread.c - the THREAD algorithms of RFC 5256 §3. See
 * mail_thread.h. */
#include "mail_thread.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bytes.h"
#include "limits.h"
#include "mime_header.h"

/* --- message ids --------------------------------------------------- */

/* The next "<...>" of v from *i, normalized (§3: quoting removed, so
 * <"a b"@c> and <ab@c> ... compare as written without quotes, escapes
 * and white space) into a malloc'd string; NULL at the end (or ENOMEM,
 * *oom set). */
static char *next_msgid(const char *v, size_t n, size_t *i, int *oom)
{
	while (*i < n) {
		const char *lt = memchr(v + *i, '<', n - *i);
		if (!lt)
			break;
		size_t b = (size_t)(lt - v) + 1, e = b;
		while (e < n && v[e] != '>' && v[e] != '<')
			e++;
		*i = e;
		if (e >= n || v[e] != '>')
			continue;
		char *id = malloc(e - b + 1);
		size_t k = 0;
		if (!id) {
			*oom = 1;
			return NULL;
		}
		for (size_t j = b; j < e; j++) {
			char c = v[j];
			if (c == '\\' && j + 1 < e)
				c = v[++j];
			else if (c == '"' || c == ' ' || c == '\t' ||
				 c == '\r' || c == '\n')
				continue;
			id[k++] = c;
		}
		id[k] = '\0';
		if (k && strchr(id, '@'))
			return id;
		free(id);
	}
	return NULL;
}

static int add_reference(struct mail_fields *f, char *id)
{
	if (f->nreferences == MAIL_REFERENCES_MAX) {     /* keep the last */
		free(f->references[0]);
		memmove(f->references, f->references + 1,
			(f->nreferences - 1) * sizeof *f->references);
		f->nreferences--;
	}
	if (!f->references &&
	    !(f->references = calloc(MAIL_REFERENCES_MAX, sizeof(char *)))) {
		free(id);
		return -1;
	}
	f->references[f->nreferences++] = id;
	return 0;
}

int mail_thread_ids_read(const char *h, size_t n, struct mail_fields *f)
{
	struct mime_field fld;
	size_t i = 0;
	int oom = 0;
	char *id;
	if (mime_header_find(h, n, "Message-ID", &fld))
		f->message_id = next_msgid(fld.value, fld.value_len, &i, &oom);
	if (mime_header_find(h, n, "References", &fld))
		for (i = 0; (id = next_msgid(fld.value, fld.value_len, &i,
					     &oom)) != NULL;)
			if (add_reference(f, id) < 0)
				return -1;
	/* §3: without valid References, the first id of In-Reply-To */
	if (!f->nreferences && mime_header_find(h, n, "In-Reply-To", &fld)) {
		i = 0;
		if ((id = next_msgid(fld.value, fld.value_len, &i, &oom)) &&
		    add_reference(f, id) < 0)
			return -1;
	}
	return oom ? -1 : 0;
}

/* --- a string table (message ids, subjects) ------------------------- */

struct table {
	size_t cap;
	const char **key;
	struct mail_thread_node **val;
};

static size_t hash(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static int table_init(struct table *t, size_t n)
{
	t->cap = 16;
	while (t->cap < 2 * n + 16)
		t->cap *= 2;
	t->key = calloc(t->cap, sizeof *t->key);
	t->val = calloc(t->cap, sizeof *t->val);
	return t->key && t->val ? 0 : -1;
}

static void table_free(struct table *t)
{
	free(t->key);
	free(t->val);
}

/* The slot of key: where it is, or the empty one where it would go. */
static size_t table_slot(const struct table *t, const char *key)
{
	size_t i = hash(key) & (t->cap - 1);
	while (t->key[i] && strcmp(t->key[i], key))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* --- the tree -------------------------------------------------------- */

static struct mail_thread_node *new_node(struct mail_thread *t,
					 const struct mail_fields *msg,
					 const char *id)
{
	struct mail_thread_node *n = &t->nodes[t->nnodes++];
	*n = (struct mail_thread_node){ .msg = msg, .id = id };
	return n;
}

static void unlink_node(struct mail_thread_node *n)
{
	if (!n->parent)
		return;
	struct mail_thread_node **p = &n->parent->child;
	while (*p != n)
		p = &(*p)->next;
	*p = n->next;
	n->next = NULL;
	n->parent = NULL;
}

static void link_node(struct mail_thread_node *parent,
		      struct mail_thread_node *child)
{
	child->parent = parent;
	child->next = parent->child;
	parent->child = child;
}

/* Is a the same as b or below it? */
static int descends(const struct mail_thread_node *a,
		    const struct mail_thread_node *b)
{
	if (!b->child)
		return a == b;
	for (; a; a = a->parent)
		if (a == b)
			return 1;
	return 0;
}

/* The node for message id (a dummy made when unknown). */
static struct mail_thread_node *node_for(struct mail_thread *t,
					 struct table *ids, const char *id)
{
	size_t i = table_slot(ids, id);
	if (!ids->key[i]) {
		ids->key[i] = id;
		ids->val[i] = new_node(t, NULL, id);
	}
	return ids->val[i];
}

/* Step 1 for one message. */
static void thread_message(struct mail_thread *t, struct table *ids,
			   const struct mail_fields *f)
{
	struct mail_thread_node *me = NULL, *prev = NULL;
	if (f->message_id) {
		size_t i = table_slot(ids, f->message_id);
		if (!ids->key[i]) {
			ids->key[i] = f->message_id;
			ids->val[i] = new_node(t, f, f->message_id);
			me = ids->val[i];
		} else if (!ids->val[i]->msg) {
			me = ids->val[i];       /* it was a dummy */
			me->msg = f;
		}
	}
	if (!me)                /* no id, or a duplicate: a unique one */
		me = new_node(t, f, NULL);
	/* 1.A: link the references in a chain, keeping existing links */
	for (size_t r = 0; r < f->nreferences; r++) {
		struct mail_thread_node *n = node_for(t, ids, f->references[r]);
		if (prev && !n->parent && !descends(prev, n))
			link_node(prev, n);
		prev = n;
	}
	/* 1.B: the last reference is the parent, whatever was before */
	unlink_node(me);
	if (prev && !descends(prev, me))
		link_node(prev, me);
}

/* --- pruning and sorting --------------------------------------------- */

/* Step 3 on the sibling list *list (top: the root's level). */
static void prune(struct mail_thread_node **list, int top)
{
	struct mail_thread_node **p = list;
	while (*p) {
		struct mail_thread_node *n = *p;
		prune(&n->child, 0);
		if (n->msg || (top && n->child && n->child->next)) {
			p = &n->next;
			continue;
		}
		if (!n->child) {                /* an empty dummy goes */
			*p = n->next;
			continue;
		}
		/* a dummy's children take its place */
		struct mail_thread_node *c = n->child, *last = c;
		for (; last; last = last->next) {
			last->parent = n->parent;
			if (!last->next)
				break;
		}
		last->next = n->next;
		*p = c;
	}
}

/* The message a node sorts by: itself, or a dummy's first child. */
static const struct mail_fields *sort_msg(const struct mail_thread_node *n)
{
	while (!n->msg && n->child)
		n = n->child;
	return n->msg;
}

static int compare_sent(const struct mail_fields *a, const struct mail_fields *b)
{
	time_t x = a ? mail_fields_sent(a) : 0, y = b ? mail_fields_sent(b) : 0;
	if (x != y)
		return x < y ? -1 : 1;
	uint32_t p = a ? a->order : 0, q = b ? b->order : 0;
	return p < q ? -1 : p > q;
}

static int compare_nodes(const void *a, const void *b)
{
	return compare_sent(sort_msg(*(struct mail_thread_node *const *)a),
			    sort_msg(*(struct mail_thread_node *const *)b));
}

/* Sort the sibling list *list by sent date, deepest first (step 6). */
static int sort_siblings(struct mail_thread_node **list, int deep)
{
	size_t n = 0, i = 0;
	for (struct mail_thread_node *c = *list; c; c = c->next) {
		n++;
		if (deep && sort_siblings(&c->child, 1) < 0)
			return -1;
	}
	if (n < 2)
		return 0;
	struct mail_thread_node **v = malloc(n * sizeof *v);
	if (!v)
		return -1;
	for (struct mail_thread_node *c = *list; c; c = c->next)
		v[i++] = c;
	qsort(v, n, sizeof *v, compare_nodes);
	for (i = 0; i + 1 < n; i++)
		v[i]->next = v[i + 1];
	v[n - 1]->next = NULL;
	*list = v[0];
	free(v);
	return 0;
}

/* --- step 5: threads of one subject together (REFERENCES) ------------ */

static const char *thread_subject(const struct mail_thread_node *n)
{
	const struct mail_fields *f = n->msg ? n->msg :
				      n->child ? n->child->msg : NULL;
	return f && f->subject ? f->subject : "";
}

/* Make the top-level node m a dummy holding what it was and r. m keeps
 * its place among the roots. */
static void make_dummy(struct mail_thread *t, struct mail_thread_node *m,
		       struct mail_thread_node *r)
{
	struct mail_thread_node *copy = new_node(t, m->msg, m->id);
	copy->child = m->child;
	for (struct mail_thread_node *c = copy->child; c; c = c->next)
		c->parent = copy;
	m->msg = NULL;
	m->child = NULL;
	link_node(m, copy);
	link_node(m, r);
}

/* Step 5.B: the node each subject starts with. */
static void subject_table(struct mail_thread_node *roots, struct table *subj)
{
	for (struct mail_thread_node *r = roots; r; r = r->next) {
		const char *s = thread_subject(r);
		if (!*s)
			continue;
		size_t i = table_slot(subj, s);
		struct mail_thread_node *m = subj->val[i];
		if (!m) {
			subj->key[i] = s;
			subj->val[i] = r;
		} else if (m->msg && (!r->msg || (m->msg->is_reply &&
						  !r->msg->is_reply)))
			subj->val[i] = r;
	}
}

/* Step 5.C: merge each root into its subject's node. */
static void merge_subjects(struct mail_thread *t, struct mail_thread_node **roots,
			   struct table *subj)
{
	struct mail_thread_node **p = roots;
	while (*p) {
		struct mail_thread_node *r = *p, *m;
		const char *s = thread_subject(r);
		if (!*s || (m = subj->val[table_slot(subj, s)]) == r) {
			p = &r->next;
			continue;
		}
		*p = r->next;           /* r leaves the top level */
		r->next = NULL;
		if (!m->msg && !r->msg) {
			while (r->child) {
				struct mail_thread_node *c = r->child;
				unlink_node(c);
				link_node(m, c);
			}
		} else if (!m->msg || (r->msg->is_reply && !m->msg->is_reply)) {
			link_node(m, r);
		} else {
			make_dummy(t, m, r);
		}
	}
}

/* --- the algorithms ---------------------------------------------------- */

/* ORDEREDSUBJECT: by base subject and date; the first of a subject at
 * the top, the rest its children; threads by their first's date. */
static int ordered_subject(struct mail_thread *t,
			   struct mail_fields *const *v, size_t n)
{
	static const struct mail_sort_criterion by[] = {
		{ MAIL_SORT_SUBJECT, 0 }, { MAIL_SORT_DATE, 0 },
	};
	struct mail_fields **s = malloc((n ? n : 1) * sizeof *s);
	if (!s)
		return -1;
	memcpy(s, v, n * sizeof *s);
	if (mail_sort(s, n, by, 2) < 0) {
		free(s);
		return -1;
	}
	struct mail_thread_node *head = NULL, **tail = &t->roots;
	for (size_t i = 0; i < n; i++) {
		struct mail_thread_node *node = new_node(t, s[i], NULL);
		if (head && !strcmp(head->msg->subject, s[i]->subject)) {
			link_node(head, node);
			continue;
		}
		head = node;
		*tail = node;
		tail = &node->next;
	}
	free(s);
	return sort_siblings(&t->roots, 1);
}

/* REFS: the threads in the order of their newest message. */
static const struct mail_fields *newest(const struct mail_thread_node *n)
{
	const struct mail_fields *best = n->msg;
	for (const struct mail_thread_node *c = n->child; c; c = c->next) {
		const struct mail_fields *f = newest(c);
		if (f && (!best || compare_sent(f, best) > 0))
			best = f;
	}
	return best;
}

struct ranked {
	const struct mail_fields *key;
	struct mail_thread_node *node;
};

static int compare_ranked(const void *a, const void *b)
{
	return compare_sent(((const struct ranked *)a)->key,
			    ((const struct ranked *)b)->key);
}

static int order_by_newest(struct mail_thread_node **roots)
{
	size_t n = 0, i = 0;
	for (struct mail_thread_node *r = *roots; r; r = r->next)
		n++;
	if (n < 2)
		return 0;
	struct ranked *v = malloc(n * sizeof *v);
	if (!v)
		return -1;
	for (struct mail_thread_node *r = *roots; r; r = r->next)
		v[i++] = (struct ranked){ newest(r), r };
	qsort(v, n, sizeof *v, compare_ranked);
	for (i = 0; i + 1 < n; i++)
		v[i].node->next = v[i + 1].node;
	v[n - 1].node->next = NULL;
	*roots = v[0].node;
	free(v);
	return 0;
}

/* REFERENCES and REFS: steps 1 to 6. */
static int by_references(struct mail_thread *t, enum mail_thread_algorithm alg,
			 struct mail_fields *const *v, size_t n, size_t refs)
{
	struct table ids, subj = { 0 };
	int rc = -1;
	if (table_init(&ids, n + refs) < 0)
		goto done;
	for (size_t i = 0; i < n; i++)
		thread_message(t, &ids, v[i]);
	struct mail_thread_node **tail = &t->roots;     /* step 2 */
	for (size_t i = 0; i < t->nnodes; i++)
		if (!t->nodes[i].parent) {
			*tail = &t->nodes[i];
			tail = &t->nodes[i].next;
		}
	*tail = NULL;
	prune(&t->roots, 1);                            /* step 3 */
	if (sort_siblings(&t->roots, 1) < 0)            /* step 4 */
		goto done;
	if (alg == MAIL_THREAD_REFERENCES) {            /* step 5 */
		if (table_init(&subj, n) < 0)
			goto done;
		subject_table(t->roots, &subj);
		merge_subjects(t, &t->roots, &subj);
	}
	rc = sort_siblings(&t->roots, 1);               /* step 6 */
	if (rc == 0 && alg == MAIL_THREAD_REFS)
		rc = order_by_newest(&t->roots);
done:
	table_free(&ids);
	table_free(&subj);
	return rc;
}

int mail_thread_build(struct mail_thread *t, enum mail_thread_algorithm alg,
		      struct mail_fields *const *v, size_t n)
{
	size_t refs = 0;
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < n; i++)
		refs += v[i]->nreferences;
	/* a node per message and per reference, and the dummies of step 5 */
	t->cap = 2 * n + refs + 1;
	t->nodes = calloc(t->cap, sizeof *t->nodes);
	if (!t->nodes)
		return -1;
	int rc = alg == MAIL_THREAD_ORDEREDSUBJECT ? ordered_subject(t, v, n) :
		 by_references(t, alg, v, n, refs);
	if (rc < 0)
		mail_thread_free(t);
	return rc;
}

void mail_thread_free(struct mail_thread *t)
{
	free(t->nodes);
	memset(t, 0, sizeof *t);
}
