/* mail_set.c - Email/set (RFC 8621 §4.6): create (a message written
 * into a folder, as IMAP APPEND does), update (keywords as Maildir
 * flags and keywords; mailboxIds as a move), destroy. Every change goes
 * through the store, which bumps MODSEQ, so IMAP sees it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include "mail.h"

/* The SetError parts of a failure. */
/* The folder an Email object's mailboxIds name: exactly one. */
static struct mail_box *one_box(struct jmap_call *c, struct mail_account *a,
				const struct json *ids, struct set_error *e)
{
	struct mail_box *box = NULL;
	size_t n = 0;
	for (const struct json *m = ids && ids->type == JSON_OBJECT ? ids->child
	     : NULL; m; m = m->next) {
		if (m->type != JSON_TRUE)
			continue;
		box = mail_box_by_id(a, jmap_id(c, m->key));
		n++;
	}
	if (n != 1 || !box) {
		e->type = "invalidProperties";
		e->description = n > 1 ? "mailboxIds: an Email is in one Mailbox "
			"in this store" : "mailboxIds: no such Mailbox";
		return NULL;
	}
	return box;
}

/* The keyword target of a patch: *add and *del flag bits, names to add
 * and remove. Keywords map to system flags or folder keywords. */
struct keyword_change {
	unsigned add, del;
	char *add_names[STORE_KEYWORDS_MAX], *del_names[STORE_KEYWORDS_MAX];
	size_t nadd, ndel;
	int all;                        /* "keywords" replaced whole */
};

static int note_keyword(struct keyword_change *k, const char *name, int on)
{
	unsigned flag = mail_flag_of_keyword(name);
	if (!name[0] || strpbrk(name, " ()]{%*\"\\") || strlen(name) > 255)
		return -1;
	if (flag) {
		if (on)
			k->add |= flag;
		else
			k->del |= flag;
		return 0;
	}
	char **list = on ? k->add_names : k->del_names;
	size_t *n = on ? &k->nadd : &k->ndel;
	if (*n >= STORE_KEYWORDS_MAX)
		return -1;
	list[(*n)++] = (char *)name;
	return 0;
}

static int read_patch(struct jmap_call *c, const struct json *patch,
		      struct keyword_change *k, const struct json **boxes,
		      const char **move_to, const char **move_from,
		      struct set_error *e)
{
	memset(k, 0, sizeof *k);
	for (const struct json *p = patch->child; p; p = p->next) {
		if (!strcmp(p->key, "keywords") && p->type == JSON_OBJECT) {
			k->all = 1;
			for (const struct json *kw = p->child; kw; kw = kw->next)
				if (kw->type != JSON_TRUE || note_keyword(k, kw->key, 1) < 0)
					goto bad;
		} else if (!strncmp(p->key, "keywords/", 9)) {
			if ((p->type != JSON_TRUE && p->type != JSON_NULL) ||
			    note_keyword(k, p->key + 9, p->type == JSON_TRUE) < 0)
				goto bad;
		} else if (!strcmp(p->key, "mailboxIds") && p->type == JSON_OBJECT) {
			*boxes = p;
		} else if (!strncmp(p->key, "mailboxIds/", 11)) {
			if (p->type == JSON_TRUE)
				*move_to = jmap_id(c, p->key + 11);
			else if (p->type == JSON_NULL)
				*move_from = jmap_id(c, p->key + 11);
			else
				goto bad;
		} else {
			e->type = "invalidProperties";
			e->description = "only keywords and mailboxIds change";
			return -1;
		}
	}
	return 0;
bad:
	e->type = "invalidPatch";
	e->description = "a keyword patch is bad";
	return -1;
}

static int set_keywords(struct store_folder *f, size_t idx,
			struct keyword_change *k)
{
	unsigned bits = 0, del = k->del;
	if (k->nadd && store_keywords_resolve(f, k->add_names, k->nadd, 1, &bits) < 0)
		return -1;
	for (size_t i = 0; i < k->ndel; i++) {
		int n = store_keywords_index(&f->kw, k->del_names[i]);
		if (n >= 0)
			del |= STORE_KEYWORD(n);
	}
	if (k->all) {           /* replaced whole: everything not named goes */
		unsigned keep = k->add | bits;
		if (store_set_flags(f, &idx, 1, STORE_FLAGS_SET, keep |
				    (f->msgs[idx].flags & STORE_DELETED), 0, NULL,
				    NULL) < 0)
			return -1;
		return 0;
	}
	if ((k->add | bits) && store_set_flags(f, &idx, 1, STORE_FLAGS_ADD,
					       k->add | bits, 0, NULL, NULL) < 0)
		return -1;
	if (del && store_set_flags(f, &idx, 1, STORE_FLAGS_REMOVE, del, 0,
				   NULL, NULL) < 0)
		return -1;
	return 0;
}

int mail_email_update(struct jmap_call *c, struct mail_account *a,
		      const char *id, const struct json *patch,
		      const char **error)
{
	struct mail_ref ref;
	struct keyword_change k;
	struct set_error e = { "serverFail", NULL };
	const struct json *boxes = NULL;
	const char *to = NULL, *from = NULL;
	*error = "notFound";
	if (!patch || patch->type != JSON_OBJECT) {
		*error = "invalidPatch";
		return -1;
	}
	if (mail_find(a, id, &ref) != 1)
		return -1;
	if (read_patch(c, patch, &k, &boxes, &to, &from, &e) < 0) {
		*error = e.type;
		return -1;
	}
	struct mail_box *dest = ref.box;
	if (boxes && !(dest = one_box(c, a, boxes, &e))) {
		*error = e.type;
		return -1;
	}
	if (!boxes && (to || from)) {
		/* mailboxIds/X: null and mailboxIds/Y: true, one Mailbox left */
		struct mail_box *t = to ? mail_box_by_id(a, to) : NULL;
		int keep = !from || mail_box_by_id(a, from) != ref.box;
		if ((to && !t) || (keep && t && t != ref.box) || (!keep && !t)) {
			*error = "invalidProperties";
			return -1;
		}
		dest = t ? t : ref.box;
	}
	*error = "serverFail";
	if (set_keywords(ref.box->view, ref.index, &k) < 0)
		return -1;
	if (dest != ref.box) {
		struct store_added added;
		memset(&added, 0, sizeof added);
		if (store_copy(ref.box->view, &ref.index, 1, dest->name, 1,
			       &added) < 0)
			return -1;
		store_added_free(&added);
		if (dest->view) {
			store_folder_sync(dest->view, 1, NULL);
		}
		store_folder_sync(ref.box->view, 1, NULL);
	}
	return 0;
}

int mail_store_new(struct jmap_call *c, struct mail_account *a,
		   const struct json *obj, const char *data, size_t len,
		   struct store_upload *upload, time_t date, char *id,
		   size_t size, struct set_error *e)
{
	struct keyword_change k;
	struct store_added added;
	struct mail_box *box = one_box(c, a, json_get(obj, "mailboxIds"), e);
	if (!box)
		return -1;
	memset(&k, 0, sizeof k);
	const struct json *kws = json_get(obj, "keywords");
	for (const struct json *kw = kws && kws->type == JSON_OBJECT ? kws->child
	     : NULL; kw; kw = kw->next)
		if (kw->type != JSON_TRUE || note_keyword(&k, kw->key, 1) < 0) {
			e->type = "invalidProperties";
			e->description = "keywords";
			return -1;
		}
	memset(&added, 0, sizeof added);
	struct store_new m = { data, len, k.add, k.add_names, k.nadd, date,
			       upload };
	int rc = store_append(&a->st, box->name, &m, 1, &added);
	if (rc < 0 || mail_id('M', added.uniques[0], id, size) < 0) {
		store_added_free(&added);
		/* RFC 8620 §5.3: over the quota of the control file "quota" */
		e->type = rc < 0 && errno == EDQUOT ? "overQuota" : "serverFail";
		e->description = NULL;
		return -1;
	}
	store_added_free(&added);
	if (box->view)
		store_folder_sync(box->view, 1, NULL);
	return 0;
}

/* create: one message made into tmp/ (never held whole), then into its
 * folder. 0 with id, or -1 with e set. */
static int create_one(struct jmap_call *c, struct mail_account *a,
		      const struct json *obj, char *id, size_t size,
		      long long *bytes, struct set_error *e)
{
	struct store_upload u;
	e->description = NULL;
	if (store_upload_begin(&a->st, &u) < 0) {
		e->type = "serverFail";
		return -1;
	}
	int rc = mail_compose(c->s, obj, &u);
	if (rc < 0 || u.crlf == 0) {
		e->type = rc == 0 || errno == EINVAL ? "invalidProperties" :
			  errno == E2BIG ? "tooLarge" : "serverFail";
		if (strcmp(e->type, "serverFail"))
			e->description = "the Email cannot be written as a message";
	} else {
		*bytes = (long long)u.crlf;
		rc = mail_store_new(c, a, obj, NULL, 0, &u, 0, id, size, e);
	}
	store_upload_abort(&u);
	return rc < 0 || u.crlf == 0 ? -1 : 0;
}

void mail_created_write(struct json_writer *w, struct mail_account *a,
			const char *key, const char *id, long long size)
{
	char blob[600], thread[32], unique[STORE_UNIQUE_MAX + 1];
	json_key(w, key);
	json_object_begin(w);
	json_key(w, "id");
	json_str(w, id);
	snprintf(blob, sizeof blob, "B%s", id + 1);
	json_key(w, "blobId");
	json_str(w, blob);
	if (mail_id_unique('M', id, unique, sizeof unique) == 0 &&
	    mail_thread_id(a, unique, thread, sizeof thread) == 0) {
		json_key(w, "threadId");
		json_str(w, thread);
	}
	json_key(w, "size");
	json_int64(w, size);
	json_end(w);
}

static void do_create(struct jmap_call *c, struct mail_account *a,
		      const struct json *create, struct mail_set_result *r)
{
	for (const struct json *o = create ? create->child : NULL; o; o = o->next) {
		char id[600];
		long long size = 0;
		struct set_error e = { NULL, NULL };
		if (create_one(c, a, o, id, sizeof id, &size, &e) < 0) {
			mail_set_error(&r->w[SET_NOT_CREATED], o->key, e.type, e.description);
			continue;
		}
		jmap_created(c, o->key, id);
		mail_created_write(&r->w[SET_CREATED], a, o->key, id, size);
	}
}

static void do_update_destroy(struct jmap_call *c, struct mail_account *a,
			      const struct json *update,
			      const struct json *destroy, struct mail_set_result *r)
{
	for (const struct json *u = update ? update->child : NULL; u; u = u->next) {
		const char *err, *id = jmap_id(c, u->key);
		if (id && mail_email_update(c, a, id, u, &err) == 0) {
			json_key(&r->w[SET_UPDATED], u->key);
			json_null(&r->w[SET_UPDATED]);
		} else {
			mail_set_error(&r->w[SET_NOT_UPDATED], u->key, id ? err : "notFound",
				  NULL);
		}
	}
	for (const struct json *d = destroy ? destroy->child : NULL; d; d = d->next) {
		struct mail_ref ref;
		const char *id = jmap_id(c, json_string(d));
		if (id && mail_find(a, id, &ref) == 1 &&
		    store_remove(ref.box->view, &ref.index, 1, NULL) == 0) {
			store_folder_sync(ref.box->view, 1, NULL);
			json_str(&r->w[SET_DESTROYED], id);
		} else {
			mail_set_error(&r->w[SET_NOT_DESTROYED], id ? id : "?", "notFound", NULL);
		}
	}
}

void method_email_set(struct jmap_call *c)
{
	struct mail_account a;
	struct mail_set_result r;
	const struct json *create, *update, *destroy;
	char old[JMAP_STATE_MAX + 1];
	if (mail_set_args(c, &create, &update, &destroy) < 0 ||
	    mail_set_open(c, &a, old, sizeof old) < 0)
		return;
	mail_set_result_init(&r);
	do_create(c, &a, create, &r);
	do_update_destroy(c, &a, update, destroy, &r);
	mail_close(&a);
	mail_set_result_end(c, &r, old);
}
