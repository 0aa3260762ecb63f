/* mail_mailbox.c - Mailbox/get (RFC 8621 §2.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail.h"
#include "mutf7.h"

/* Is property name asked for (properties absent or null: all)? */
int mail_wants(const struct json *properties, const char *name)
{
	if (!properties || properties->type != JSON_ARRAY)
		return 1;
	for (const struct json *p = properties->child; p; p = p->next)
		if (p->type == JSON_STRING && !strcmp(p->str, name))
			return 1;
	return 0;
}

static void rights(struct json_writer *w, int inbox)
{
	static const char *const names[] = {
		"mayReadItems", "mayAddItems", "mayRemoveItems", "maySetSeen",
		"maySetKeywords", "mayCreateChild", "mayRename", "mayDelete",
		"maySubmit",
	};
	json_object_begin(w);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		json_key(w, names[i]);
		json_bool(w, !(inbox && (!strcmp(names[i], "mayRename") ||
					 !strcmp(names[i], "mayDelete"))));
	}
	json_end(w);
}

/* RFC 8621 §2 totalThreads and unreadThreads of every folder: the
 * Threads with an Email in it, and of those the ones with an Email
 * (anywhere) that has neither $seen nor $draft. 0, or -1. */
int mail_thread_counts(struct mail_account *a)
{
	struct mail_threads th;
	if (mail_threads_build(a, &th) < 0)
		return -1;
	unsigned char *unread = calloc(th.nids + 1, 1);
	unsigned char *in = calloc(th.nids + 1, 1);
	size_t *at = calloc(th.n + 1, sizeof *at);
	for (size_t i = 0; unread && in && at && i < th.n; i++) {
		const struct mail_thread_msg *m = &th.v[i];
		unsigned flags = m->box->view->msgs[m->index].flags;
		at[i] = mail_threads_index(&th, m->thread);
		if (!(flags & (STORE_SEEN | STORE_DRAFT)))
			unread[at[i]] = 1;
	}
	for (size_t b = 0; unread && in && at && b < a->count; b++) {
		memset(in, 0, th.nids);
		a->box[b].threads = a->box[b].unread_threads = 0;
		for (size_t i = 0; i < th.n; i++)
			if (th.v[i].box == &a->box[b] && !in[at[i]]) {
				in[at[i]] = 1;
				a->box[b].threads++;
				a->box[b].unread_threads += unread[at[i]];
			}
	}
	int rc = unread && in && at ? 0 : -1;
	free(unread);
	free(in);
	free(at);
	mail_threads_free(&th);
	return rc;
}

struct mail_box *mail_box_parent(struct mail_account *a,
				 const struct mail_box *b)
{
	const char *dot = strrchr(b->name, '.');
	for (size_t i = 0; dot && i < a->count; i++)
		if (strlen(a->box[i].name) == (size_t)(dot - b->name) &&
		    !strncmp(a->box[i].name, b->name, (size_t)(dot - b->name)))
			return &a->box[i];
	return NULL;
}

const char *mail_box_name(const struct mail_box *b, struct bytes *u)
{
	/* RFC 8621 §2: a Unicode name; the folder's is modified UTF-7
	 * (RFC 3501 §5.1.3), or shown as it is when not */
	const char *dot = strrchr(b->name, '.');
	const char *leaf = !strcmp(b->name, "INBOX") ? "Inbox" :
			   dot ? dot + 1 : b->name;
	return mutf7_decode(leaf, u) == 0 ? bytes_str(u) : leaf;
}

int mail_box_sort_order(const struct mail_box *b)
{
	return b->role ? 0 : 10;
}

void mail_box_write(struct json_writer *w, struct mail_account *a,
		    struct mail_box *b, const struct json *props)
{
	int inbox = !strcmp(b->name, "INBOX");
	json_object_begin(w);
	json_key(w, "id");
	json_str(w, b->status.mailboxid);
	if (mail_wants(props, "name")) {
		struct bytes u;
		bytes_init(&u, IMAP_MAILBOX_NAME_MAX * 4);
		json_key(w, "name");
		json_str(w, mail_box_name(b, &u));
		bytes_free(&u);
	}
	if (mail_wants(props, "parentId")) {
		struct mail_box *parent = mail_box_parent(a, b);
		json_key(w, "parentId");
		if (parent)
			json_str(w, parent->status.mailboxid);
		else
			json_null(w);
	}
	if (mail_wants(props, "role")) {
		json_key(w, "role");
		if (b->role)
			json_str(w, b->role);
		else
			json_null(w);
	}
	struct { const char *name; int64_t v; } counts[] = {
		{ "sortOrder", mail_box_sort_order(b) },
		{ "totalEmails", b->status.messages },
		{ "unreadEmails", b->status.unseen },
		{ "totalThreads", b->threads },
		{ "unreadThreads", b->unread_threads },
	};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		if (mail_wants(props, counts[i].name)) {
			json_key(w, counts[i].name);
			json_int64(w, counts[i].v);
		}
	if (mail_wants(props, "myRights")) {
		json_key(w, "myRights");
		rights(w, inbox);
	}
	if (mail_wants(props, "isSubscribed")) {
		json_key(w, "isSubscribed");
		json_bool(w, b->subscribed);
	}
	json_end(w);
}

/* The "ids" argument: 1 with *ids (NULL for null/absent), 0 bad. */
int mail_ids_arg(struct jmap_call *c, const struct json **ids)
{
	*ids = json_get(c->args, "ids");
	if (*ids && (*ids)->type == JSON_NULL)
		*ids = NULL;
	if (*ids && (*ids)->type != JSON_ARRAY) {
		jmap_invalid(c, "ids", "not an array");
		return 0;
	}
	if (*ids && (*ids)->len > JMAP_OBJECTS_MAX) {
		jmap_error(c, "requestTooLarge", NULL);
		return 0;
	}
	return 1;
}

void mail_get_list(struct jmap_call *c, const struct json *ids,
		   mail_get_one *one, void *arg)
{
	struct bytes missing;
	struct json_writer mw;
	bytes_init(&missing, JMAP_REQUEST_MAX);
	json_writer_init(&mw, &missing);
	json_array_begin(&mw);
	json_key(&c->w, "list");
	json_array_begin(&c->w);
	for (const struct json *id = ids ? ids->child : NULL; id; id = id->next) {
		const char *t = json_string(id);
		if (!t || !one(c, arg, t))
			json_value(&mw, id);
	}
	json_end(&c->w);
	json_end(&mw);
	json_key(&c->w, "notFound");
	json_raw(&c->w, missing.data, missing.len);
	bytes_free(&missing);
}

void method_mailbox_get(struct jmap_call *c)
{
	struct mail_account *a;
	const struct json *ids, *props = json_get(c->args, "properties");
	char state[JMAP_STATE_MAX + 1];
	if (!jmap_account(c) || !mail_ids_arg(c, &ids) || !(a = mail_use(c)))
		return;
	if ((mail_wants(props, "totalThreads") ||
	     mail_wants(props, "unreadThreads")) && mail_thread_counts(a) < 0) {
		jmap_error(c, "serverFail", "the mail store failed");
		mail_done(c, a);
		return;
	}
	mail_state(a, state, sizeof state);
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "state");
	json_str(&c->w, state);
	json_key(&c->w, "list");
	json_array_begin(&c->w);
	for (size_t i = 0; !ids && i < a->count; i++)
		mail_box_write(&c->w, a, &a->box[i], props);
	for (const struct json *id = ids ? ids->child : NULL; id; id = id->next) {
		struct mail_box *b = mail_box_by_id(a, json_string(id));
		if (b)
			mail_box_write(&c->w, a, b, props);
	}
	json_end(&c->w);
	json_key(&c->w, "notFound");
	json_array_begin(&c->w);
	for (const struct json *id = ids ? ids->child : NULL; id; id = id->next)
		if (!mail_box_by_id(a, json_string(id)))
			json_value(&c->w, id);
	json_end(&c->w);
	json_end(&c->w);
	mail_done(c, a);
}

void mail_account_capabilities(struct server *s, struct json_writer *w)
{
	static const char *const sorts[] = { "receivedAt", "size", "from", "to",
					     "subject", "sentAt" };
	json_key(w, JMAP_MAIL);
	json_object_begin(w);
	json_key(w, "maxMailboxesPerEmail");
	json_int64(w, 1);
	json_key(w, "maxMailboxDepth");
	json_null(w);
	json_key(w, "maxSizeMailboxName");
	json_int64(w, IMAP_MAILBOX_NAME_MAX);
	json_key(w, "maxSizeAttachmentsPerEmail");
	json_int64(w, s->maxsize);
	json_key(w, "emailQuerySortOptions");
	json_array_begin(w);
	for (size_t i = 0; i < sizeof sorts / sizeof *sorts; i++)
		json_str(w, sorts[i]);
	json_end(w);
	json_key(w, "mayCreateTopLevelMailbox");
	json_bool(w, 1);
	json_end(w);
	json_key(w, JMAP_SUBMISSION);
	json_object_begin(w);
	json_key(w, "maxDelayedSend");
	json_int64(w, 0);
	json_key(w, "submissionExtensions");
	json_object_begin(w);
	json_end(w);
	json_end(w);
}

/* Push compares these (eventsource.c): one state for the mail types. */
void mail_type_states(struct server *s, struct json_writer *w)
{
	struct jmap_call c;
	struct mail_account a;
	char state[JMAP_STATE_MAX + 1];
	memset(&c, 0, sizeof c);
	c.s = s;
	bytes_init(&c.error_text, 1024);
	if (mail_open(&c, &a) == 0) {
		mail_state(&a, state, sizeof state);
		mail_close(&a);
		json_key(w, "Mailbox");
		json_str(w, state);
		json_key(w, "Email");
		json_str(w, state);
		json_key(w, "Thread");
		json_str(w, state);
	}
	bytes_free(&c.error_text);
}
