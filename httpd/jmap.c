/* jmap.c - POST /jmap/api: one JMAP request (RFC 8620 §3.3) with its
 * method calls run in order, back-references (§3.7) resolved against
 * earlier responses, and the request-level errors of §3.6.1. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "httpd.h"
#include "jmap.h"
#include "log.h"
#include "mail.h"

static const struct jmap_method_entry methods[] = {
	{ "Core/echo", CAP_CORE, method_echo },             /* 8620 §4.1 */
	{ "Mailbox/get", CAP_MAIL, method_mailbox_get },    /* 8621 §2.1 */
	{ "Mailbox/changes", CAP_MAIL, method_mailbox_changes }, /* §2.2 */
	{ "Mailbox/query", CAP_MAIL, method_mailbox_query },/* §2.3 */
	{ "Mailbox/queryChanges", CAP_MAIL, method_mailbox_query_changes }, /* §2.4 */
	{ "Mailbox/set", CAP_MAIL, method_mailbox_set },    /* §2.5 */
	{ "Thread/get", CAP_MAIL, method_thread_get },      /* §3.1 */
	{ "Thread/changes", CAP_MAIL, method_thread_changes },   /* §3.2 */
	{ "Email/changes", CAP_MAIL, method_email_changes },     /* §4.3 */
	{ "Email/queryChanges", CAP_MAIL, method_email_query_changes }, /* §4.5 */
	{ "Email/get", CAP_MAIL, method_email_get },        /* §4.2 */
	{ "Email/query", CAP_MAIL, method_email_query },    /* §4.4 */
	{ "Email/set", CAP_MAIL, method_email_set },        /* §4.6 */
	{ "Email/import", CAP_MAIL, method_email_import },  /* §4.8 */
	{ "Email/parse", CAP_MAIL, method_email_parse },    /* §4.9 */
	{ "SearchSnippet/get", CAP_MAIL, method_snippet_get }, /* §5.1 */
	{ "Identity/get", CAP_SUBMISSION, method_identity_get },   /* §6.1 */
	{ "Identity/changes", CAP_SUBMISSION, method_identity_changes }, /* §6.2 */
	{ "Identity/set", CAP_SUBMISSION, method_identity_set },   /* §6.3 */
	{ "EmailSubmission/set", CAP_SUBMISSION, method_submission_set }, /* §7.5 */
};

static const struct { const char *urn; int bit; } capabilities[] = {
	{ JMAP_CORE, CAP_CORE },
	{ JMAP_MAIL, CAP_MAIL },
	{ JMAP_SUBMISSION, CAP_SUBMISSION },
};

#define ERR(name) "urn:ietf:params:jmap:error:" name

/* The responses so far, for back-references. */
struct done {
	const char *name, *id;
	const struct json *args;
};

struct request {
	struct server *s;
	struct mime_arena arena;
	struct json *created;           /* creation id -> id (§5.3) */
	int echo_created;               /* the request had "createdIds" */
	int using;                      /* capability bits */
	struct done done[JMAP_CALLS_MAX];
	size_t ndone;
	struct json_writer out;         /* the whole response */
	struct mail_account *account;   /* shared by reading calls (mail.h) */
};

struct mail_account **jmap_shared_account(struct jmap_call *c)
{
	return c->request ? &c->request->account : NULL;
}

void jmap_error(struct jmap_call *c, const char *type, const char *fmt, ...)
{
	c->error = type;
	bytes_clear(&c->error_text);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		bytes_vappendf(&c->error_text, fmt, ap);
		va_end(ap);
	}
}

void jmap_invalid(struct jmap_call *c, const char *argument, const char *why)
{
	jmap_error(c, "invalidArguments", "%s: %s", argument, why);
}

int jmap_account(struct jmap_call *c)
{
	const char *id = json_string(json_get(c->args, "accountId"));
	if (!id) {
		jmap_invalid(c, "accountId", "missing or not a string");
		return 0;
	}
	if (strcmp(id, c->s->account)) {
		jmap_error(c, "accountNotFound", NULL);
		return 0;
	}
	return 1;
}

/* §3.7: a "#name" argument replaced by what its ResultReference names.
 * Returns the arguments to use (args itself when none), or NULL with the
 * call's error set. */
static const struct json *resolve(struct request *rq, struct jmap_call *c,
				  const struct json *args)
{
	int any = 0;
	for (const struct json *m = args->child; m; m = m->next)
		any |= m->key[0] == '#';
	if (!any)
		return args;
	struct json *copy = mime_arena_alloc(&rq->arena, sizeof *copy);
	struct json **tail = copy ? &copy->child : NULL;
	if (!copy)
		return NULL;
	*copy = *args;
	copy->child = NULL;
	for (const struct json *m = args->child; m; m = m->next) {
		struct json *v = mime_arena_alloc(&rq->arena, sizeof *v);
		if (!v)
			return NULL;
		*v = *m;
		v->next = NULL;
		if (m->key[0] == '#') {
			const char *of = json_string(json_get(m, "resultOf"));
			const char *name = json_string(json_get(m, "name"));
			const char *path = json_string(json_get(m, "path"));
			if (json_get(args, m->key + 1) || !of || !name || !path) {
				jmap_invalid(c, m->key, "not a ResultReference, "
					     "or given both ways");
				return NULL;
			}
			const struct done *d = NULL;
			for (size_t i = 0; i < rq->ndone && !d; i++)
				if (!strcmp(rq->done[i].id, of))
					d = &rq->done[i];
			const struct json *r = d && !strcmp(d->name, name)
				? json_pointer(d->args, path, &rq->arena) : NULL;
			if (!r) {
				jmap_error(c, "invalidResultReference",
					   "%s does not resolve", m->key);
				return NULL;
			}
			*v = *r;
			v->next = NULL;
			v->key = m->key + 1;
			v->key_len = m->key_len - 1;
		}
		*tail = v;
		tail = &v->next;
	}
	return copy;
}

int jmap_created(struct jmap_call *c, const char *cid, const char *id)
{
	struct request *rq = c->request;
	struct json *e = mime_arena_alloc(&rq->arena, sizeof *e);
	if (!e || !rq->created)
		return -1;
	e->type = JSON_STRING;
	e->key = mime_arena_strndup(&rq->arena, cid, strlen(cid));
	e->key_len = strlen(cid);
	e->str = mime_arena_strndup(&rq->arena, id, strlen(id));
	e->len = strlen(id);
	if (!e->key || !e->str)
		return -1;
	e->next = rq->created->child;   /* newest first: found first */
	rq->created->child = e;
	rq->created->len++;
	return 0;
}

const char *jmap_id(struct jmap_call *c, const char *id)
{
	if (!id || id[0] != '#')
		return id;
	return json_string(json_get(c->request->created, id + 1));
}

static void triple(struct request *rq, const char *name,
		   const struct bytes *args, const char *id)
{
	struct json_writer *w = &rq->out;
	json_array_begin(w);
	json_str(w, name);
	json_raw(w, args->data ? args->data : "{}", args->data ? args->len : 2);
	json_str(w, id);
	json_end(w);
}

/* Write one response triple and remember it for back-references. */
static void answer(struct request *rq, struct jmap_call *c)
{
	const char *name = c->error ? "error" : c->name;
	struct bytes err;
	const struct bytes *args = &c->result;
	bytes_init(&err, 1 << 20);
	if (c->error) {
		struct json_writer e;
		json_writer_init(&e, &err);
		json_object_begin(&e);
		json_key(&e, "type");
		json_str(&e, c->error);
		if (c->error_text.len) {
			json_key(&e, "description");
			json_str(&e, c->error_text.data);
		}
		if (c->error_extra_key) {
			json_key(&e, c->error_extra_key);
			json_raw(&e, c->error_extra, strlen(c->error_extra));
		}
		json_end(&e);
		args = &err;
	}
	triple(rq, name, args, c->id);
	if (!c->error && c->extra_name && rq->ndone + 1 < JMAP_CALLS_MAX)
		triple(rq, c->extra_name, &c->extra_result, c->id);
	const char *why;
	struct done *d = &rq->done[rq->ndone++];
	d->name = mime_arena_strndup(&rq->arena, name, strlen(name));
	d->id = c->id;
	d->args = json_parse(args->data ? args->data : "{}",
			     args->data ? args->len : 2, &rq->arena, &why);
	if (!d->args || !d->name)
		d->name = "";
	bytes_free(&err);
}

static const struct jmap_method_entry *method_find(const char *name)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (!strcmp(methods[i].name, name))
			return &methods[i];
	return NULL;
}

/* One [name, arguments, id] triple (shape checked by the caller). */
static void run_call(struct request *rq, const struct json *inv)
{
	struct jmap_call c;
	memset(&c, 0, sizeof c);
	c.s = rq->s;
	c.name = inv->child->str;
	c.id = inv->child->next->next->str;
	c.arena = &rq->arena;
	c.request = rq;
	bytes_init(&c.extra_result, JMAP_REQUEST_MAX);
	bytes_init(&c.result, JMAP_REQUEST_MAX + (size_t)rq->s->maxsize * 2);
	bytes_init(&c.error_text, 4096);
	json_writer_init(&c.w, &c.result);
	const struct jmap_method_entry *m = method_find(c.name);
	if (!m || !(m->capability & rq->using))
		jmap_error(&c, "unknownMethod", NULL);
	else if ((c.args = resolve(rq, &c, inv->child->next)) != NULL)
		m->run(&c);
	else if (!c.error)
		jmap_error(&c, "serverFail", "out of memory");
	if (!c.error && c.w.error)
		jmap_error(&c, "serverFail", "the response is too large");
	answer(rq, &c);
	bytes_free(&c.extra_result);
	bytes_free(&c.result);
	bytes_free(&c.error_text);
}

/* §3.3: the Request object's shape; 0, or -1 with the problem sent. */
static int check_request(struct request *rq, const struct json *j)
{
	struct server *s = rq->s;
	const struct json *u = json_get(j, "using");
	const struct json *calls = json_get(j, "methodCalls");
	if (!u || u->type != JSON_ARRAY || !calls || calls->type != JSON_ARRAY)
		goto not_request;
	for (const struct json *inv = calls->child; inv; inv = inv->next)
		if (inv->type != JSON_ARRAY || inv->len != 3 ||
		    inv->child->type != JSON_STRING ||
		    inv->child->next->type != JSON_OBJECT ||
		    inv->child->next->next->type != JSON_STRING)
			goto not_request;
	for (const struct json *c = u->child; c; c = c->next) {
		size_t i, n = sizeof capabilities / sizeof capabilities[0];
		if (c->type != JSON_STRING)
			goto not_request;
		for (i = 0; i < n && strcmp(capabilities[i].urn, c->str); i++);
		if (i == n) {
			response_problem(s, 400, ERR("unknownCapability"),
					 "That capability is not supported.");
			return -1;
		}
		rq->using |= capabilities[i].bit;
	}
	if (calls->len > JMAP_CALLS_MAX) {
		response_limit(s, 400, "maxCallsInRequest",
			       "Too many method calls in one request.");
		return -1;
	}
	return 0;
not_request:
	response_problem(s, 400, ERR("notRequest"),
			 "The request is not a JMAP Request object.");
	return -1;
}

static int is_json_type(const char *type)
{
	size_t n = strlen("application/json");
	return type && !strncasecmp(type, "application/json", n) &&
	       (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

void route_api(struct server *s)
{
	struct request rq;
	const char *why = "not application/json";
	memset(&rq, 0, sizeof rq);
	rq.s = s;
	mime_arena_init(&rq.arena);
	const struct json *j = NULL;
	if (is_json_type(http_field(&s->req, "Content-Type")))
		j = json_parse(s->req.body.data ? s->req.body.data : "",
			       s->req.body.len, &rq.arena, &why);
	if (!j) {
		response_problem(s, 400, ERR("notJSON"), why);
	} else if (j->type != JSON_OBJECT) {
		response_problem(s, 400, ERR("notRequest"),
				 "The request is not a JMAP Request object.");
	} else if (check_request(&rq, j) == 0) {
		char state[64];
		const struct json *given = json_get(j, "createdIds");
		rq.created = mime_arena_alloc(&rq.arena, sizeof *rq.created);
		rq.echo_created = given && given->type == JSON_OBJECT;
		if (rq.created && rq.echo_created)
			*rq.created = *given;
		else if (rq.created)
			rq.created->type = JSON_OBJECT;
		response_start(s, 200, "application/json");
		json_writer_init(&rq.out, &s->resp.body);
		json_object_begin(&rq.out);
		json_key(&rq.out, "methodResponses");
		json_array_begin(&rq.out);
		for (const struct json *inv = json_get(j, "methodCalls")->child;
		     inv; inv = inv->next)
			run_call(&rq, inv);
		json_end(&rq.out);
		if (rq.created && rq.echo_created) {
			json_key(&rq.out, "createdIds");
			json_value(&rq.out, rq.created);
		}
		jmap_session_state(s, state, sizeof state);
		json_key(&rq.out, "sessionState");
		json_str(&rq.out, state);
		json_end(&rq.out);
		if (rq.out.error)
			response_problem(s, 500, "about:blank",
					 "The response is too large.");
	}
	mail_shared_close(&rq.account);
	mime_arena_free(&rq.arena);
}
