/* mail_submit.c - EmailSubmission/set create (RFC 8621 §7.5): the Email
 * goes into the spool through spool_commit, as smtpd's submission mode
 * puts it, with the logged-in user as envelope sender (the From header
 * must be the user too: forbiddenFrom), recipients from the envelope or
 * from To, Cc and Bcc; Bcc is not sent. onSuccessUpdateEmail and
 * onSuccessDestroyEmail follow as an implicit Email/set response. The
 * Email is parsed from its file and copied into the spool a piece at a
 * time (lib/mime's window): never held whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "log.h"
#include "mail.h"
#include "mime_address.h"
#include "spool.h"

static int add_rcpt(void *ctx, const struct mime_address *a)
{
	struct envelope *env = ctx;
	char addr[ADDRESS_PATH_MAX + 1];
	if (!a->host || !strcmp(a->host, "MISSING_DOMAIN"))
		return 0;
	int n = snprintf(addr, sizeof addr, "%s@%s", a->mailbox, a->host);
	if (n < 0 || (size_t)n >= sizeof addr || env->rcpt_count >= 100)
		return 0;
	return envelope_add_rcpt(env, addr) < 0 ? -1 : 0;
}

struct from_check {
	const char *user;
	int ok, count;
};

static int check_from(void *ctx, const struct mime_address *a)
{
	struct from_check *f = ctx;
	char addr[ADDRESS_PATH_MAX + 1];
	if (!a->host)
		return 0;
	snprintf(addr, sizeof addr, "%s@%s", a->mailbox, a->host);
	f->count++;
	f->ok = f->count == 1 && !strcasecmp(addr, f->user);
	return 0;
}

/* The recipients of the header fields h[0..n). */
static void header_rcpts(const char *h, size_t n, struct envelope *env)
{
	static const char *const fields[] = { "To", "Cc", "Bcc" };
	for (size_t i = 0; i < 3; i++) {
		size_t pos = 0;
		struct mime_field f;
		while (mime_header_next(h, n, &pos, &f)) {
			if (f.name_len != strlen(fields[i]) ||
			    strncasecmp(f.name, fields[i], f.name_len))
				continue;
			struct bytes u;
			bytes_init(&u, 1 << 20);
			mime_unfold(f.value, f.value_len, &u);
			mime_address_parse(bytes_str(&u), add_rcpt, env);
			bytes_free(&u);
		}
	}
}

/* The message on its way into the spool with LF line ends: the CR of
 * each CR LF is dropped (a CR is held back until the next octet shows
 * whether an LF follows it, across pieces); a lone CR stays. */
struct spool_feed {
	struct spool_writer *w;
	int cr;
};

static int spool_piece(void *ctx, const char *p, size_t n)
{
	struct spool_feed *f = ctx;
	size_t start = 0;
	if (n == 0)
		return 0;
	if (f->cr && p[0] != '\n')
		spool_put(f->w, "\r", 1);
	f->cr = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\r' || (i + 1 < n && p[i + 1] != '\n'))
			continue;
		spool_put(f->w, p + start, i - start);  /* the CR dropped */
		start = i + 1;
		f->cr = i + 1 == n;     /* held back: is an LF next? */
	}
	return spool_put(f->w, p + start, n - start) < 0 ? -1 : 0;
}

/* Spool message m (its header seen whole: submit_one) without its Bcc
 * fields, with LF line ends, copied from its file in pieces. */
static int spool_message(struct jmap_call *c, struct envelope *env,
			 const struct mime_message *m, char *qid, size_t size)
{
	struct spool sp;
	struct spool_writer *w = calloc(1, sizeof *w);
	struct spool_feed feed = { w, 0 };
	size_t n, pos = 0, prev = 0;
	struct mime_field f;
	if (!w || spool_open(&sp, NULL) < 0 || spool_begin(&sp, w) < 0) {
		free(w);
		return -1;
	}
	spool_put_envelope(w, env);
	const char *h = mime_part_header(m, m->root, &n);
	while (mime_header_next(h, n, &pos, &f)) {
		int bcc = f.name_len == 3 && !strncasecmp(f.name, "Bcc", 3);
		if (!bcc)
			spool_piece(&feed, h + prev, pos - prev);
		prev = pos;
	}
	/* the rest of the header (its empty line) and the body */
	size_t rest = m->root->header_off + prev;
	if (mime_text_each(m, rest, m->len - rest, spool_piece, &feed) < 0 ||
	    (feed.cr && spool_put(w, "\r", 1) < 0)) {
		spool_abort(w);
		free(w);
		return -1;
	}
	int rc = spool_commit(w);
	if (rc == 0) {
		snprintf(qid, size, "%s", w->id);
		spool_trigger(&sp);
		char q[128];
		log_event("event=submitted id=%s user=%s rcpts=%zu", w->id,
			  log_quote(c->s->user, q, sizeof q), env->rcpt_count);
	}
	free(w);
	return rc;
}

/* The envelope: the user as sender, recipients from "envelope" or the
 * header. 0, or -1 with *err the SetError type. */
static int make_envelope(struct jmap_call *c, const struct json *obj,
			 const struct mime_message *m, struct envelope *env,
			 const char **err)
{
	const struct json *e = json_get(obj, "envelope");
	envelope_init(env);
	snprintf(env->sender, sizeof env->sender, "%s", c->s->user);
	snprintf(env->auth, sizeof env->auth, "%s", c->s->user);
	snprintf(env->client, sizeof env->client, "%s", c->s->peer);
	snprintf(env->helo, sizeof env->helo, "jmap");
	if (e && e->type == JSON_OBJECT) {
		const char *from = json_string(json_get(json_get(e, "mailFrom"),
							"email"));
		if (!from || strcasecmp(from, c->s->user))
			return *err = "forbiddenMailFrom", -1;
		const struct json *to = json_get(e, "rcptTo");
		for (const struct json *r = to ? to->child : NULL; r; r = r->next) {
			const char *addr = json_string(json_get(r, "email"));
			if (!addr || !strchr(addr, '@') || strpbrk(addr, " <>\r\n") ||
			    envelope_add_rcpt(env, addr) < 0)
				return *err = "invalidProperties", -1;
		}
	} else {
		size_t n;
		const char *h = mime_part_header(m, m->root, &n);
		header_rcpts(h, n, env);
	}
	if (env->rcpt_count == 0)
		return *err = "noRecipients", -1;
	return 0;
}

/* 1 when the first address of the From field of header h[0..n) is
 * the user's and there is no other. */
static int from_is_user(struct jmap_call *c, const char *h, size_t n)
{
	struct from_check fc = { c->s->user, 0, 0 };
	struct mime_field f;
	if (mime_header_find(h, n, "From", &f)) {
		struct bytes u;
		bytes_init(&u, 65536);
		mime_unfold(f.value, f.value_len, &u);
		mime_address_parse(bytes_str(&u), check_from, &fc);
		bytes_free(&u);
	}
	return fc.ok;
}

static int submit_one(struct jmap_call *c, struct mail_account *a,
		      const struct json *obj, char *qid, size_t size,
		      const char **email_id, const char **err)
{
	struct mail_ref ref;
	struct envelope env;
	const char *identity = json_string(json_get(obj, "identityId"));
	int fd, rc = -1;
	size_t n;
	*email_id = jmap_id(c, json_string(json_get(obj, "emailId")));
	if (!identity || !mail_identity_exists(c, identity))
		return *err = "invalidProperties", -1;
	if (!*email_id || mail_find(a, *email_id, &ref) != 1)
		return *err = "invalidProperties", -1;
	struct mime_message *m = mail_parse(&ref, &fd, NULL);
	if (!m)
		return *err = "serverFail", -1;
	const char *h = mime_part_header(m, m->root, &n);
	if (n < m->root->header_len)
		*err = "invalidEmail";  /* its Bcc fields could not all be seen */
	else if (!from_is_user(c, h, n))
		*err = "forbiddenFrom";
	else if ((long long)m->size > c->s->maxsize)
		*err = "tooLarge";
	else
		rc = 0;
	if (rc == 0) {
		rc = make_envelope(c, obj, m, &env, err);
		if (rc == 0 && (rc = spool_message(c, &env, m, qid, size)) < 0)
			*err = "serverFail";
		envelope_free(&env);
	}
	mime_free(m);
	close(fd);
	return rc;
}

/* What one creation sent: the submission's id and its Email's. */
struct sent {
	char qid[SPOOL_ID_MAX];
	char email[600];
};

static const char *email_of(struct jmap_call *c, const struct sent *v,
			    size_t n, const char *key)
{
	const char *qid = jmap_id(c, key);
	for (size_t i = 0; qid && i < n; i++)
		if (!strcmp(v[i].qid, qid))
			return v[i].email;
	return NULL;
}

/* onSuccessUpdateEmail / onSuccessDestroyEmail (§7.5) for the creations
 * that worked: an implicit Email/set response. */
static void on_success(struct jmap_call *c, struct mail_account *a,
		       const struct sent *v, size_t n)
{
	const struct json *upd = json_get(c->args, "onSuccessUpdateEmail");
	const struct json *del = json_get(c->args, "onSuccessDestroyEmail");
	struct json_writer w;
	if ((!upd || !upd->len) && (!del || !del->len))
		return;
	c->extra_name = "Email/set";
	json_writer_init(&w, &c->extra_result);
	json_object_begin(&w);
	json_key(&w, "accountId");
	json_str(&w, c->s->account);
	json_key(&w, "updated");
	json_object_begin(&w);
	for (const struct json *u = upd ? upd->child : NULL; u; u = u->next) {
		const char *err, *email = email_of(c, v, n, u->key);
		if (email && mail_email_update(c, a, email, u, &err) == 0) {
			json_key(&w, email);
			json_null(&w);
		}
	}
	json_end(&w);
	json_key(&w, "destroyed");
	json_array_begin(&w);
	for (const struct json *d = del ? del->child : NULL; d; d = d->next) {
		struct mail_ref ref;
		const char *email = email_of(c, v, n, json_string(d));
		if (email && mail_find(a, email, &ref) == 1 &&
		    store_remove(ref.box->view, &ref.index, 1, NULL) == 0)
			json_str(&w, email);
	}
	json_end(&w);
	json_end(&w);
}

void method_submission_set(struct jmap_call *c)
{
	struct mail_account a;
	const struct json *create = json_get(c->args, "create");
	struct json_writer cw, nw;
	struct bytes created, not_created;
	struct sent *v;
	size_t n = 0;
	if (!jmap_account(c))
		return;
	if (json_get(c->args, "update") || json_get(c->args, "destroy")) {
		jmap_invalid(c, "update/destroy", "a submission is final at once");
		return;
	}
	if (create && create->type != JSON_OBJECT && create->type != JSON_NULL) {
		jmap_invalid(c, "create", "not an object");
		return;
	}
	if (create && create->len > JMAP_OBJECTS_MAX) {
		jmap_error(c, "requestTooLarge", NULL);
		return;
	}
	if (!(v = calloc(create && create->len ? create->len : 1, sizeof *v))) {
		jmap_error(c, "serverFail", NULL);
		return;
	}
	if (mail_open(c, &a) < 0) {
		free(v);
		return;
	}
	bytes_init(&created, JMAP_REQUEST_MAX);
	bytes_init(&not_created, JMAP_REQUEST_MAX);
	json_writer_init(&cw, &created);
	json_writer_init(&nw, &not_created);
	json_object_begin(&cw);
	json_object_begin(&nw);
	for (const struct json *o = create ? create->child : NULL; o; o = o->next) {
		const char *email, *err;
		if (submit_one(c, &a, o, v[n].qid, sizeof v[n].qid, &email, &err) < 0) {
			json_key(&nw, o->key);
			json_object_begin(&nw);
			json_key(&nw, "type");
			json_str(&nw, err);
			json_end(&nw);
			continue;
		}
		snprintf(v[n].email, sizeof v[n].email, "%s", email);
		jmap_created(c, o->key, v[n].qid);
		json_key(&cw, o->key);
		json_object_begin(&cw);
		json_key(&cw, "id");
		json_str(&cw, v[n].qid);
		json_key(&cw, "undoStatus");
		json_str(&cw, "final");
		json_end(&cw);
		n++;
	}
	json_end(&cw);
	json_end(&nw);
	on_success(c, &a, v, n);
	mail_close(&a);
	free(v);
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "oldState");
	json_null(&c->w);
	json_key(&c->w, "newState");
	json_str(&c->w, "final");
	json_key(&c->w, "created");
	json_raw(&c->w, created.data, created.len);
	json_key(&c->w, "notCreated");
	json_raw(&c->w, not_created.data, not_created.len);
	json_end(&c->w);
	bytes_free(&created);
	bytes_free(&not_created);
}
