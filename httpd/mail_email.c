/* mail_email.c - Email/get (RFC 8621 §4.2) and Thread/get (§3.1). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <sys/stat.h>
#include "mail.h"
#include "mime_encoding.h"

static const char *const default_properties[] = {
	"id", "blobId", "threadId", "mailboxIds", "keywords", "size",
	"receivedAt", "messageId", "inReplyTo", "references", "sender", "from",
	"to", "cc", "bcc", "replyTo", "subject", "sentAt", "hasAttachment",
	"preview", "bodyValues", "textBody", "htmlBody", "attachments",
};

/* The convenience header properties (§4.1.3) and their header forms. */
static const struct { const char *prop, *field, *form; } header_props[] = {
	{ "messageId", "Message-ID", "MessageIds" },
	{ "inReplyTo", "In-Reply-To", "MessageIds" },
	{ "references", "References", "MessageIds" },
	{ "sender", "Sender", "Addresses" }, { "from", "From", "Addresses" },
	{ "to", "To", "Addresses" }, { "cc", "Cc", "Addresses" },
	{ "bcc", "Bcc", "Addresses" }, { "replyTo", "Reply-To", "Addresses" },
	{ "subject", "Subject", "Text" }, { "sentAt", "Date", "Date" },
};

static const struct { const char *prop; int bit; } body_props[] = {
	{ "bodyStructure", MAIL_BODY_STRUCTURE }, { "textBody", MAIL_BODY_TEXT },
	{ "htmlBody", MAIL_BODY_HTML }, { "attachments", MAIL_BODY_ATTACHMENTS },
	{ "bodyValues", MAIL_BODY_VALUES }, { "preview", MAIL_BODY_PREVIEW },
	{ "hasAttachment", MAIL_BODY_HAS_ATTACHMENT },
};

static int is_default(const char *p)
{
	for (size_t i = 0; i < sizeof default_properties / sizeof *default_properties; i++)
		if (!strcmp(p, default_properties[i]))
			return 1;
	return 0;
}

/* Index data: no need to read the message. */
static int from_index(const char *p)
{
	return !strcmp(p, "id") || !strcmp(p, "blobId") || !strcmp(p, "threadId") ||
	       !strcmp(p, "mailboxIds") || !strcmp(p, "keywords");
}

static void mail_keywords(struct json_writer *w, const struct store_folder *f,
		   unsigned flags)
{
	json_object_begin(w);
	for (unsigned bit = 1; bit < STORE_SYSTEM; bit <<= 1)
		if ((flags & bit) && mail_keyword_of_flag(bit)) {
			json_key(w, mail_keyword_of_flag(bit));
			json_bool(w, 1);
		}
	for (size_t k = 0; k < f->kw.count; k++)
		if ((flags & STORE_KEYWORD(k)) && f->kw.name[k]) {
			json_key(w, f->kw.name[k]);
			json_bool(w, 1);
		}
	json_end(w);
}

/* "header:Name[:asForm][:all]" (§4.1.3). 0, or -1 when malformed. */
static int header_property(struct json_writer *w, const struct mime_message *m,
			   const char *prop)
{
	char name[256], form[32] = "Raw";
	int all = 0;
	const char *p = prop + 7;
	size_t n = strcspn(p, ":");
	if (n == 0 || n >= sizeof name)
		return -1;
	memcpy(name, p, n);
	name[n] = '\0';
	p += n;
	if (!strncmp(p, ":as", 3)) {
		size_t k = strcspn(p + 3, ":");
		if (k == 0 || k >= sizeof form)
			return -1;
		memcpy(form, p + 3, k);
		form[k] = '\0';
		p += 3 + k;
	}
	if (!strcmp(p, ":all"))
		all = 1, p += 4;
	if (*p)
		return -1;
	json_key(w, prop);
	mail_header_value(w, m, name, form, all);
	return 0;
}

/* What a summary in the folder cache answers (store_cache.h), beside
 * the index's. */
static int from_summary(const char *p)
{
	static const char *const names[] = { "size", "receivedAt", "from",
		"to", "cc", "subject", "sentAt", "messageId", "inReplyTo",
		"references", "preview", "hasAttachment" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(p, names[i]))
			return 1;
	return from_index(p);
}

#define WANT(p) (props ? mail_wants(props, p) : is_default(p))
/* hasAttachment and preview from a summary. */
static void write_brief(struct json_writer *w, const struct store_summary *s,
			const struct json *props)
{
	if (WANT("hasAttachment")) {
		json_key(w, "hasAttachment");
		json_bool(w, s->has_attachment);
	}
	if (WANT("preview")) {
		json_key(w, "preview");
		json_strn(w, s->preview, s->preview_len);
	}
}

/* The members of an Email that come from its message m (size octets);
 * when sum is not NULL m is the summary's header and the body members
 * asked are its two. */
static void write_content(struct json_writer *w, const struct mime_message *m,
			  size_t size, const struct json *props,
			  const struct mail_body_options *o,
			  const struct store_summary *sum)
{
	int want = 0;
	if (WANT("size")) {
		json_key(w, "size");
		json_int64(w, (int64_t)size);
	}
	for (size_t i = 0; i < sizeof header_props / sizeof *header_props; i++)
		if (WANT(header_props[i].prop)) {
			json_key(w, header_props[i].prop);
			mail_header_value(w, m, header_props[i].field,
					  header_props[i].form, 0);
		}
	for (size_t i = 0; i < sizeof body_props / sizeof *body_props; i++)
		if (WANT(body_props[i].prop))
			want |= body_props[i].bit;
	if (sum)
		write_brief(w, sum, props);
	else if (want)
		mail_body_write(w, m, want, o);
	for (const struct json *p = props ? props->child : NULL; p; p = p->next)
		if (p->type == JSON_STRING && !strncmp(p->str, "header:", 7))
			header_property(w, m, p->str);
}
#undef WANT

/* May the members asked of ref come from its summary (*sum and, when
 * asked, *size set)? Only when every property asked is one it knows. */
static int summary_will_do(struct mail_ref *ref, const struct json *props,
			   struct store_summary *sum, long long *size)
{
	if (!props)
		return 0;       /* the default properties include the body */
	for (const struct json *p = props->child; p; p = p->next)
		if (p->type != JSON_STRING || !from_summary(p->str))
			return 0;
	if (mail_summary(ref, sum) < 0)
		return 0;
	return !mail_wants(props, "size") || (*size = mail_size(ref)) >= 0;
}

/* The members of one Email, from the index, the summary in the folder
 * cache, or (when needed) the file. */
static void write_email(struct jmap_call *c, struct mail_ref *ref,
			const struct mail_threads *th,
			const struct json *props, const struct mail_body_options *o0)
{
	struct json_writer *w = &c->w;
	const struct store_message *msg = &ref->box->view->msgs[ref->index];
	struct mail_body_options o = *o0;
	char id[600];
	struct mime_message *m = NULL;
	time_t received = 0;
	int need_file = 0, fd = -1;
	for (size_t i = 0; i < sizeof default_properties / sizeof *default_properties; i++)
		if (props ? mail_wants(props, default_properties[i]) : 1)
			need_file |= !from_index(default_properties[i]);
	for (const struct json *p = props ? props->child : NULL; p; p = p->next)
		need_file |= p->type == JSON_STRING && !from_index(p->str);
	struct store_summary sum, *sump = NULL;
	long long size = 0;
	if (need_file && summary_will_do(ref, props, &sum, &size) &&
	    (m = mime_parse(sum.header, sum.header_len))) {
		need_file = 0;
		sump = &sum;
		received = mail_received(ref);
	}
	if (need_file && !(m = mail_parse(ref, &fd, &received)))
		return;         /* vanished meanwhile: left out (notFound) */
	o.unique = msg->unique;
	json_object_begin(w);
	mail_id('M', msg->unique, id, sizeof id);
	json_key(w, "id");
	json_str(w, id);
#define WANT(p) (props ? mail_wants(props, p) : is_default(p))
	if (WANT("blobId") && !mail_id('B', msg->unique, id, sizeof id)) {
		json_key(w, "blobId");
		json_str(w, id);
	}
	const char *thread = th ? mail_threads_of(th, msg->unique) : NULL;
	if (WANT("threadId") && thread) {
		json_key(w, "threadId");
		json_str(w, thread);
	}
	if (WANT("mailboxIds")) {
		json_key(w, "mailboxIds");
		json_object_begin(w);
		json_key(w, ref->box->status.mailboxid);
		json_bool(w, 1);
		json_end(w);
	}
	if (WANT("keywords")) {
		json_key(w, "keywords");
		mail_keywords(w, ref->box->view, msg->flags);
	}
	if (m && WANT("receivedAt")) {
		char date[32];
		mail_utc_date(received, date);
		json_key(w, "receivedAt");
		json_str(w, date);
	}
#undef WANT
	if (m)
		write_content(w, m, sump ? (size_t)size : m->size, props, &o, sump);
	json_end(w);
	mime_free(m);
	if (fd >= 0)
		close(fd);
}

static int known_property(const char *p)
{
	for (size_t i = 0; i < sizeof default_properties / sizeof *default_properties; i++)
		if (!strcmp(p, default_properties[i]))
			return 1;
	return !strcmp(p, "bodyStructure") || !strncmp(p, "header:", 7);
}

static int bool_arg(const struct jmap_call *c, const char *name)
{
	const struct json *j = json_get(c->args, name);
	return j && j->type == JSON_TRUE;
}

/* The properties and the body value options of Email/get and
 * Email/parse (RFC 8621 §4.2, §4.9). 0, or -1 with the error set. */
static int email_options(struct jmap_call *c, const struct json **props,
			 struct mail_body_options *o)
{
	int64_t max = 0;
	*props = json_get(c->args, "properties");
	if (*props && (*props)->type == JSON_NULL)
		*props = NULL;
	memset(o, 0, sizeof *o);
	o->text_values = bool_arg(c, "fetchTextBodyValues");
	o->html_values = bool_arg(c, "fetchHTMLBodyValues");
	o->all_values = bool_arg(c, "fetchAllBodyValues");
	const struct json *mx = json_get(c->args, "maxBodyValueBytes");
	if (mx && (!json_int(mx, &max) || max < 0)) {
		jmap_invalid(c, "maxBodyValueBytes", "not an UnsignedInt");
		return -1;
	}
	o->max_value_bytes = (size_t)max;
	for (const struct json *p = *props ? (*props)->child : NULL; p; p = p->next)
		if (p->type != JSON_STRING || !known_property(p->str)) {
			jmap_invalid(c, "properties", "not a list of names");
			return -1;
		}
	return 0;
}

/* What Email/get writes each Email with (mail_get_list). */
struct email_get {
	struct mail_account *a;
	const struct mail_threads *threads;     /* NULL: no threadId */
	const struct json *props;
	const struct mail_body_options *o;
};

static int get_email(struct jmap_call *c, void *arg, const char *id)
{
	struct email_get *g = arg;
	struct mail_ref ref;
	if (mail_find(g->a, id, &ref) != 1)
		return 0;
	write_email(c, &ref, g->threads, g->props, g->o);
	return 1;
}

void method_email_get(struct jmap_call *c)
{
	struct mail_account *a;
	struct mail_body_options o;
	const struct json *ids, *props;
	char state[JMAP_STATE_MAX + 1];
	if (!jmap_account(c) || !mail_ids_arg(c, &ids))
		return;
	if (!ids) {
		jmap_error(c, "requestTooLarge", "ask for the ids of Email/query");
		return;
	}
	if (email_options(c, &props, &o) < 0)
		return;
	if (!(a = mail_use(c)))
		return;
	struct mail_threads th, *thp = NULL;
	if (!props || mail_wants(props, "threadId")) {
		if (mail_threads_build(a, &th) < 0) {
			jmap_error(c, "serverFail", "the mail store failed");
			mail_done(c, a);
			return;
		}
		thp = &th;
	}
	mail_state(a, state, sizeof state);
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "state");
	json_str(&c->w, state);
	struct email_get g = { a, thp, props, &o };
	mail_get_list(c, ids, get_email, &g);
	json_end(&c->w);
	if (thp)
		mail_threads_free(thp);
	mail_done(c, a);
}

/* A Thread's emailIds: oldest receivedAt first (RFC 8621 §3). */
static int by_received(const void *x, const void *y)
{
	const struct mail_thread_msg *a = *(const struct mail_thread_msg *const *)x;
	const struct mail_thread_msg *b = *(const struct mail_thread_msg *const *)y;
	if (a->received != b->received)
		return a->received < b->received ? -1 : 1;
	return strcmp(a->unique, b->unique);
}

/* Write Thread id's object (1), or nothing when no message has it (0). */
static int write_thread(struct json_writer *w, const struct mail_threads *th,
			const char *id, const struct mail_thread_msg **v)
{
	char mid[600];
	size_t n = 0;
	for (size_t i = 0; i < th->n; i++)
		if (!strcmp(th->v[i].thread, id))
			v[n++] = &th->v[i];
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, by_received);
	json_object_begin(w);
	json_key(w, "id");
	json_str(w, id);
	json_key(w, "emailIds");
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		if (mail_id('M', v[i]->unique, mid, sizeof mid) == 0)
			json_str(w, mid);
	json_end(w);
	json_end(w);
	return 1;
}

/* What Thread/get writes each Thread with (mail_get_list). */
struct thread_get {
	const struct mail_threads *th;
	const struct mail_thread_msg **v;       /* room for a Thread's */
};

static int get_thread(struct jmap_call *c, void *arg, const char *id)
{
	struct thread_get *g = arg;
	return write_thread(&c->w, g->th, id, g->v);
}

void method_thread_get(struct jmap_call *c)
{
	struct mail_account *a;
	struct mail_threads th;
	const struct json *ids;
	char state[JMAP_STATE_MAX + 1];
	if (!jmap_account(c) || !mail_ids_arg(c, &ids) || !(a = mail_use(c)))
		return;
	const struct mail_thread_msg **v = NULL;
	if (mail_threads_build(a, &th) < 0 ||
	    !(v = calloc(th.n + 1, sizeof *v))) {
		jmap_error(c, "serverFail", "the mail store failed");
		mail_threads_free(&th);
		mail_done(c, a);
		return;
	}
	mail_state(a, state, sizeof state);
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "state");
	json_str(&c->w, state);
	struct thread_get g = { &th, v };
	mail_get_list(c, ids, get_thread, &g);
	json_end(&c->w);
	free(v);
	mail_threads_free(&th);
	mail_done(c, a);
}

/* Blob id streamed into a file in tmp/ and parsed from there (never
 * held whole): the message, with its file in *fd and its size (CRLF)
 * in *size; NULL with *found 0 (no such blob) or 1 (not parsable). */
static struct mime_message *parse_blob(struct jmap_call *c,
				       struct mail_account *a, const char *blob,
				       struct store_upload *u, int *fd,
				       size_t *size, int *found)
{
	struct set_error e = { NULL, NULL };
	struct mime_message *m = NULL;
	*found = 1;
	*fd = -1;
	if (store_upload_begin(&a->st, u) < 0)
		return NULL;
	if (mail_blob_to_tmp(c, blob, u, &e) < 0) {
		*found = strcmp(e.type, "blobNotFound") != 0;
		return NULL;
	}
	*size = u->crlf;
	*fd = openat(u->rootfd, u->tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd >= 0 && !(m = mime_parse_file(*fd, 0))) {
		close(*fd);
		*fd = -1;
	}
	return m;
}

/* One blob parsed as an Email (RFC 8621 §4.9): 1 written, 0 not
 * found, -1 not parsable. */
static int parse_one(struct jmap_call *c, struct mail_account *a,
		     const char *blob, const struct json *props,
		     const struct mail_body_options *o)
{
	static const char *const absent[] = { "id", "threadId", "mailboxIds",
					      "keywords", "receivedAt" };
	struct store_upload u;
	int fd, found;
	size_t size = 0;
	struct mime_message *m = parse_blob(c, a, blob, &u, &fd, &size,
					    &found);
	if (m) {
		json_key(&c->w, blob);
		json_object_begin(&c->w);
		for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
			if (props && mail_wants(props, absent[i])) {
				json_key(&c->w, absent[i]);
				json_null(&c->w);
			}
		if (!props || mail_wants(props, "blobId")) {
			json_key(&c->w, "blobId");
			json_str(&c->w, blob);
		}
		write_content(&c->w, m, size, props, o, NULL);
		json_end(&c->w);
	}
	mime_free(m);
	if (fd >= 0)
		close(fd);
	store_upload_abort(&u);
	return m ? 1 : found ? -1 : 0;
}

void method_email_parse(struct jmap_call *c)
{
	const struct json *props, *ids = json_get(c->args, "blobIds");
	struct mail_body_options o;
	struct bytes lists[2];
	struct json_writer lw[2];
	struct mail_account a;
	if (!jmap_account(c) || email_options(c, &props, &o) < 0)
		return;
	if (!ids || ids->type != JSON_ARRAY) {
		jmap_invalid(c, "blobIds", "not an array");
		return;
	}
	if (ids->len > JMAP_OBJECTS_MAX) {
		jmap_error(c, "requestTooLarge", NULL);
		return;
	}
	if (mail_open(c, &a) < 0)
		return;
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "parsed");
	json_object_begin(&c->w);
	for (int i = 0; i < 2; i++) {
		bytes_init(&lists[i], JMAP_REQUEST_MAX);
		json_writer_init(&lw[i], &lists[i]);
		json_array_begin(&lw[i]);
	}
	for (const struct json *id = ids->child; id; id = id->next) {
		const char *blob = json_string(id);
		int rc = blob ? parse_one(c, &a, blob, props, &o) : 0;
		if (rc <= 0)
			json_value(&lw[rc < 0 ? 0 : 1], id);
	}
	json_end(&c->w);
	static const char *const names[] = { "notParsable", "notFound" };
	for (int i = 0; i < 2; i++) {
		json_end(&lw[i]);
		json_key(&c->w, names[i]);
		json_raw(&c->w, lists[i].data, lists[i].len);
		bytes_free(&lists[i]);
	}
	json_end(&c->w);
	mail_close(&a);
}
