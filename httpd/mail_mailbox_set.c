/* mail_mailbox_set.c - Mailbox/set (RFC 8621 §2.5, RFC 8620 §5.3) on
 * the Maildir++ folders imapd sees: create (store_folder_create),
 * rename and move (store_folder_rename: the MAILBOXID, so the Mailbox
 * id, travels with the folder and its children), destroy
 * (mail_mailbox_destroy.c), isSubscribed through the subscription list
 * (lib/folder.h), which imapd's LSUB reads.
 *
 * A JMAP name is one level: the folder is the parent's folder name, '.'
 * and the name in modified UTF-7 (RFC 3501 §5.1.3). A role is the
 * folder's SPECIAL-USE (RFC 6154): a role given (or null) is recorded
 * as IMAP's CREATE-SPECIAL-USE records it (store.h), so IMAP LIST shows
 * it; without a record the top-level Sent, Drafts, Trash, Junk and
 * Archive have theirs by name, and a rename can change that (then
 * "updated" tells the new role). No two Mailboxes get one role. sortOrder
 * is not stored: it is 0 for a folder with a role, else 10, and can only
 * be given as that. INBOX cannot be renamed, moved or destroyed
 * (forbidden). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "folder.h"
#include "log.h"
#include "mailbox_set.h"
#include "mutf7.h"

int box_reopen(struct box_set *m)
{
	mail_close(&m->a);
	return mail_open(m->c, &m->a);
}

enum outcome box_fail(struct box_error *e, const char *type,
		      const char *property, const char *description)
{
	e->type = type;
	e->property = property;
	e->description = description;
	return FAILED;
}

static const char *const server_set[] = { "id", "totalEmails", "unreadEmails",
					  "totalThreads", "unreadThreads",
					  "myRights" };

static int is_server_set(const char *key)
{
	for (size_t i = 0; i < sizeof server_set / sizeof *server_set; i++)
		if (!strcmp(key, server_set[i]))
			return 1;
	return 0;
}

static struct mail_box *box_by_name(struct mail_account *a, const char *name)
{
	for (size_t i = 0; i < a->count; i++)
		if (!strcmp(a->box[i].name, name))
			return &a->box[i];
	return NULL;
}

/* The folder for the JMAP name under the folder prefix ("" at the top)
 * into out. DONE or FAILED. */
static enum outcome folder_name(const struct json *name, const char *prefix,
				char *out, size_t size, struct box_error *e)
{
	const char *s = json_string(name), *why;
	struct bytes leaf;
	if (!s || !*s)
		return box_fail(e, "invalidProperties", "name", "not a String of "
				"one character or more");
	/* RFC 8621 §2: servers MAY refuse names against their policy:
	 * the delimiter and '/' cannot be in a Maildir++ level */
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '.' ||
		    *p == '/')
			return box_fail(e, "invalidProperties", "name", "a control "
					"character, '.' or '/' is not allowed");
	bytes_init(&leaf, IMAP_MAILBOX_NAME_MAX * 8);
	int bad = mutf7_encode(s, strlen(s), &leaf) < 0;
	int n = bad ? -1 : snprintf(out, size, "%s%s%s", prefix,
				    *prefix ? "." : "", bytes_str(&leaf));
	bytes_free(&leaf);
	if (n < 0 || (size_t)n >= size || folder_name_check(out, &why) < 0)
		return box_fail(e, "invalidProperties", "name", n < 0 ? "not UTF-8"
				: "too long, or not a name IMAP can show");
	return DONE;
}

/* RFC 8621 §2: no two siblings of one name (INBOX's folder name is
 * taken in any case, §5.1 of RFC 3501). */
static int name_taken(struct mail_account *a, const char *folder)
{
	return folder_is_inbox(folder) || store_folder_exists(&a->st, folder);
}

/* parentId (null, an id or "#creation"): *parent (NULL: top level).
 * LATER when it names a creation of this call not yet made. */
static enum outcome parent_arg(struct box_set *m, const struct json *v,
			       struct mail_box **parent, struct box_error *e)
{
	*parent = NULL;
	if (!v || v->type == JSON_NULL)
		return DONE;
	const char *id = json_string(v), *real = jmap_id(m->c, id);
	if (!real && id && id[0] == '#' && json_get(m->create, id + 1))
		return LATER;
	if (!real || !(*parent = mail_box_by_id(&m->a, real)))
		return box_fail(e, "invalidProperties", "parentId", "no such Mailbox");
	return DONE;
}

/* Write "key": the new Mailbox of folder (all its properties). */
static void write_created(struct box_set *m, const char *key,
			  const char *folder)
{
	struct mail_box *b = box_by_name(&m->a, folder);
	if (!b)
		return;
	json_key(&m->r.w[SET_CREATED], key);
	mail_box_write(&m->r.w[SET_CREATED], &m->a, b, NULL);
	jmap_created(m->c, key, b->status.mailboxid);
}

static enum outcome create_one(struct box_set *m, const char *key,
			       const struct json *o, struct box_error *e)
{
	char folder[IMAP_MAILBOX_NAME_MAX + 2];
	struct mail_box *parent;
	struct role_plan plan;
	const struct json *sub = json_get(o, "isSubscribed");
	if (o->type != JSON_OBJECT)
		return box_fail(e, "invalidProperties", NULL, "not an object");
	for (const struct json *p = o->child; p; p = p->next)
		if (strcmp(p->key, "name") && strcmp(p->key, "parentId") &&
		    strcmp(p->key, "role") && strcmp(p->key, "sortOrder") &&
		    strcmp(p->key, "isSubscribed"))
			return box_fail(e, "invalidProperties", p->key,
					is_server_set(p->key) ? "server-set"
					: "not a Mailbox property");
	enum outcome r = parent_arg(m, json_get(o, "parentId"), &parent, e);
	if (r != DONE)
		return r;
	if (folder_name(json_get(o, "name"), parent ? parent->name : "",
			folder, sizeof folder, e) != DONE ||
	    box_role_check(m, NULL, folder, json_get(o, "role"),
			   json_get(o, "sortOrder"), &plan, e) != DONE)
		return FAILED;
	if (sub && sub->type != JSON_TRUE && sub->type != JSON_FALSE)
		return box_fail(e, "invalidProperties", "isSubscribed", "not a Boolean");
	if (name_taken(&m->a, folder))
		return box_fail(e, "invalidProperties", "name", "a Mailbox of this "
				"name and parent exists");
	if (store_folder_create(&m->a.st, folder) < 0) {
		log_event("event=mailbox-create-error errno=%d", errno);
		if (errno == EEXIST)
			return box_fail(e, "invalidProperties", "name", "a Mailbox "
					"of this name and parent exists");
		return box_fail(e, "serverFail", NULL, NULL);
	}
	if (box_role_record(m, folder, &plan, e) != DONE) {
		store_folder_delete(&m->a.st, folder);
		return FAILED;
	}
	/* RFC 8621 §2: true by default for the user's own new Mailboxes */
	if ((!sub || sub->type == JSON_TRUE) &&
	    subscriptions_change(m->a.st.root, folder, 1) < 0)
		log_event("event=subscriptions-error errno=%d", errno);
	if (box_reopen(m) < 0)
		return FAILED;
	write_created(m, key, folder);
	return DONE;
}

/* One pass over the creates not done yet; with last, one still
 * waiting for a creation fails. Returns how many were done. */
static size_t create_pass(struct box_set *m, unsigned char *done, int last,
			  size_t *waiting)
{
	size_t i = 0, made = 0;
	*waiting = 0;
	for (const struct json *o = m->create->child; o && !m->c->error;
	     o = o->next, i++) {
		struct box_error e = { NULL, NULL, NULL };
		if (done[i])
			continue;
		enum outcome r = create_one(m, o->key, o, &e);
		if (r == LATER && last)
			r = box_fail(&e, "invalidProperties", "parentId",
				     "it names a creation that is not made");
		if (r == LATER) {
			(*waiting)++;
			continue;
		}
		done[i] = 1;
		made++;
		if (r == FAILED && !m->c->error)
			mail_set_error_property(&m->r.w[SET_NOT_CREATED], o->key,
						e.type, e.description, e.property);
	}
	return made;
}

/* Creates in an order where a parent made in this call comes before
 * the children that name it by "#creation id" (RFC 8620 §5.3). */
static void do_creates(struct box_set *m)
{
	size_t waiting = 0;
	if (!m->create || !m->create->len)
		return;
	unsigned char *done = calloc(m->create->len, 1);
	if (!done) {
		jmap_error(m->c, "serverFail", "out of memory");
		return;
	}
	while (create_pass(m, done, 0, &waiting) && waiting && !m->c->error)
		;
	if (waiting && !m->c->error)
		create_pass(m, done, 1, &waiting);
	free(done);
}

/* What an update patch asks for (each NULL when not asked). */
struct box_patch {
	const struct json *name, *parent_id, *role, *sort, *subscribed;
};

/* Is server-set property k (a patch member) the value it has now? RFC
 * 8620 §5.3 lets a client send the whole object back. */
static int same_as_now(struct box_set *m, struct mail_box *b,
		       const struct json *k)
{
	struct bytes text;
	struct json_writer w;
	const char *why;
	if ((!strcmp(k->key, "totalThreads") || !strcmp(k->key, "unreadThreads"))
	    && mail_thread_counts(&m->a) < 0)
		return 0;
	bytes_init(&text, 65536);
	json_writer_init(&w, &text);
	mail_box_write(&w, &m->a, b, NULL);
	const struct json *now = w.error ? NULL :
		json_parse(text.data, text.len, m->c->arena, &why);
	int same = json_equal(json_get(now, k->key), k);
	bytes_free(&text);
	return same;
}

static enum outcome read_patch(struct box_set *m, struct mail_box *b,
			       const struct json *patch, struct box_patch *p,
			       struct box_error *e)
{
	memset(p, 0, sizeof *p);
	if (patch->type != JSON_OBJECT)
		return box_fail(e, "invalidPatch", NULL, "not an object");
	for (const struct json *k = patch->child; k; k = k->next) {
		const struct json **to = !strcmp(k->key, "name") ? &p->name
			: !strcmp(k->key, "parentId") ? &p->parent_id
			: !strcmp(k->key, "role") ? &p->role
			: !strcmp(k->key, "sortOrder") ? &p->sort
			: !strcmp(k->key, "isSubscribed") ? &p->subscribed : NULL;
		if (to)
			*to = k;
		else if (!is_server_set(k->key))
			return box_fail(e, "invalidProperties", k->key, "not a "
					"Mailbox property a patch can change");
		else if (!same_as_now(m, b, k))
			return box_fail(e, "invalidProperties", k->key,
					"server-set, and not its value now");
	}
	if (p->subscribed && p->subscribed->type != JSON_TRUE &&
	    p->subscribed->type != JSON_FALSE)
		return box_fail(e, "invalidProperties", "isSubscribed", "not a Boolean");
	return DONE;
}

/* INBOX keeps its name and place; a patch may only repeat them. */
static enum outcome inbox_patch(const struct box_patch *p, struct box_error *e)
{
	if (p->name && !(json_string(p->name) && !strcmp(p->name->str, "Inbox")))
		return box_fail(e, "forbidden", "name", "INBOX cannot be renamed");
	if (p->parent_id && p->parent_id->type != JSON_NULL)
		return box_fail(e, "forbidden", "parentId", "INBOX cannot be moved");
	if (p->subscribed && p->subscribed->type == JSON_FALSE)
		return box_fail(e, "forbidden", "isSubscribed",
				"INBOX is always subscribed");
	return DONE;
}

/* The folder b becomes under the patch into out. */
static enum outcome new_folder(struct box_set *m, struct mail_box *b,
			       const struct box_patch *p, char *out,
			       size_t size, struct box_error *e)
{
	char prefix[IMAP_MAILBOX_NAME_MAX + 2];
	const char *dot = strrchr(b->name, '.');
	struct mail_box *parent = mail_box_parent(&m->a, b);
	snprintf(prefix, sizeof prefix, "%.*s", dot ? (int)(dot - b->name) : 0,
		 b->name);
	if (p->parent_id && parent_arg(m, p->parent_id, &parent, e) != DONE)
		return box_fail(e, "invalidProperties", "parentId", "no such Mailbox");
	if (p->parent_id && parent != mail_box_parent(&m->a, b)) {
		size_t n = strlen(b->name);
		if (parent && (parent == b || (!strncmp(parent->name, b->name, n)
					       && parent->name[n] == '.')))
			return box_fail(e, "invalidProperties", "parentId",
					"a Mailbox cannot go below itself");
		snprintf(prefix, sizeof prefix, "%s", parent ? parent->name : "");
	}
	if (p->name)
		return folder_name(p->name, prefix, out, size, e);
	const char *why;
	int n = snprintf(out, size, "%s%s%s", prefix, *prefix ? "." : "",
			 dot ? dot + 1 : b->name);
	if (n < 0 || (size_t)n >= size || folder_name_check(out, &why) < 0)
		return box_fail(e, "invalidProperties", "parentId", "the name "
				"would be too long");
	return DONE;
}

/* Rename folder from to to, the subscriptions following it. */
static enum outcome rename_folder(struct box_set *m, const char *from,
				  const char *to, struct box_error *e)
{
	if (name_taken(&m->a, to))
		return box_fail(e, "invalidProperties", "name", "a Mailbox of "
				"this name and parent exists");
	if (store_folder_rename(&m->a.st, from, to) < 0) {
		log_event("event=mailbox-rename-error errno=%d", errno);
		if (errno == ENOENT)
			return box_fail(e, "notFound", NULL, NULL);
		if (errno == EEXIST)
			return box_fail(e, "invalidProperties", "name", "a Mailbox "
					"of this name and parent exists");
		return box_fail(e, "serverFail", NULL, NULL);
	}
	if (subscriptions_rename(m->a.st.root, from, to) < 0)
		log_event("event=subscriptions-error errno=%d", errno);
	return DONE;
}

static int will_destroy(struct box_set *m, const char *id)
{
	for (const struct json *d = m->destroy ? m->destroy->child : NULL; d;
	     d = d->next) {
		const char *x = jmap_id(m->c, json_string(d));
		if (x && !strcmp(x, id))
			return 1;
	}
	return 0;
}

static enum outcome update_one(struct box_set *m, const char *key,
			       const struct json *patch, struct box_error *e)
{
	char folder[IMAP_MAILBOX_NAME_MAX + 2], from[IMAP_MAILBOX_NAME_MAX + 2];
	char was[16], is[16];
	struct box_patch p;
	struct role_plan plan;
	const char *id = jmap_id(m->c, key);
	struct mail_box *b = id ? mail_box_by_id(&m->a, id) : NULL;
	if (!b)
		return box_fail(e, "notFound", NULL, NULL);
	if (will_destroy(m, id))        /* RFC 8620 §5.3 */
		return box_fail(e, "willDestroy", NULL, NULL);
	if (read_patch(m, b, patch, &p, e) != DONE)
		return FAILED;
	if (folder_is_inbox(b->name) ? inbox_patch(&p, e) != DONE
	    : new_folder(m, b, &p, folder, sizeof folder, e) != DONE)
		return FAILED;
	if (folder_is_inbox(b->name))
		snprintf(folder, sizeof folder, "INBOX");
	if (box_role_check(m, b, folder, p.role, p.sort, &plan, e) != DONE)
		return FAILED;
	snprintf(from, sizeof from, "%s", b->name);
	int had = mail_role_of(&m->a.st, from, was, sizeof was);
	if (strcmp(folder, from) && rename_folder(m, from, folder, e) != DONE)
		return FAILED;
	if (box_role_record(m, folder, &plan, e) != DONE)
		return FAILED;
	int has = mail_role_of(&m->a.st, folder, is, sizeof is);
	if (p.subscribed && !folder_is_inbox(folder) &&
	    subscriptions_change(m->a.st.root, folder,
				 p.subscribed->type == JSON_TRUE) < 0) {
		log_event("event=subscriptions-error errno=%d", errno);
		return box_fail(e, "serverFail", NULL, NULL);
	}
	if ((strcmp(folder, from) || p.subscribed || plan.record) &&
	    box_reopen(m) < 0)
		return FAILED;
	/* §5.3 "updated": what changed that the patch did not ask */
	struct json_writer *w = &m->r.w[SET_UPDATED];
	json_key(w, key);
	if (p.role || (had == has && (!had || !strcmp(was, is)))) {
		json_null(w);
		return DONE;
	}
	json_object_begin(w);
	json_key(w, "role");
	if (has)
		json_str(w, is);
	else
		json_null(w);
	json_key(w, "sortOrder");
	json_int64(w, has ? 0 : 10);
	json_end(w);
	return DONE;
}

static void do_updates(struct box_set *m, const struct json *update)
{
	for (const struct json *u = update ? update->child : NULL;
	     u && !m->c->error; u = u->next) {
		struct box_error e = { NULL, NULL, NULL };
		if (update_one(m, u->key, u, &e) == FAILED && !m->c->error)
			mail_set_error_property(&m->r.w[SET_NOT_UPDATED], u->key,
						e.type, e.description, e.property);
	}
}

void method_mailbox_set(struct jmap_call *c)
{
	struct box_set m;
	const struct json *update;
	char old[JMAP_STATE_MAX + 1];
	memset(&m, 0, sizeof m);
	m.c = c;
	if (mail_set_args(c, &m.create, &update, &m.destroy) < 0)
		return;
	const struct json *rm = json_get(c->args, "onDestroyRemoveEmails");
	if (rm && rm->type != JSON_TRUE && rm->type != JSON_FALSE &&
	    rm->type != JSON_NULL) {
		jmap_invalid(c, "onDestroyRemoveEmails", "not a Boolean");
		return;
	}
	m.remove_emails = rm && rm->type == JSON_TRUE;
	if (mail_set_open(c, &m.a, old, sizeof old) < 0)
		return;
	mail_set_result_init(&m.r);
	do_creates(&m);
	do_updates(&m, update);
	box_destroys(&m);
	mail_close(&m.a);
	if (c->error)
		mail_set_result_free(&m.r);
	else
		mail_set_result_end(c, &m.r, old);
}
