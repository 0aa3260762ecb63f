/* mail_import.c - Email/import (RFC 8621 §4.8): uploaded blobs (or
 * other messages' blobs) stored as Emails, with their Mailbox,
 * keywords and receivedAt. A blob is streamed from its file into the
 * Maildir's tmp/ (lib/store store_upload) and committed there: memory
 * does not grow with the message. Email/parse reads its blob the same
 * way (mail_blob_to_tmp), then parses the file in tmp/. */
#include <string.h>
#include "mail.h"

/* An imported blob streaming into the Maildir's tmp/. */
struct import_feed {
	struct store_upload *u;
	long maxsize;
	int too_large;
};

/* A piece of the blob: stored (its line ends made LF, counted as CRLF
 * as store_append does) until the message passes maxsize. */
static int import_piece(void *ctx, const char *p, size_t n)
{
	struct import_feed *f = ctx;
	if (store_upload_write(f->u, p, n) < 0)
		return -1;
	if (f->u->crlf > (size_t)f->maxsize) {
		f->too_large = 1;
		return -1;
	}
	return 0;
}

int mail_blob_to_tmp(struct jmap_call *c, const char *id,
		     struct store_upload *u, struct set_error *e)
{
	struct import_feed f = { u, c->s->maxsize, 0 };
	int rc = blob_each(c->s, id, import_piece, &f);
	e->description = NULL;
	if (rc == 1 && store_upload_end(u) == 0)
		return 0;
	e->type = f.too_large ? "tooLarge" : rc == 0 ? "blobNotFound"
		  : "serverFail";
	return -1;
}

/* One EmailImport object: the blob streamed into tmp/, then committed
 * (never held whole). 0 with id and *octets, or -1 with e set. */
static int import_one(struct jmap_call *c, struct mail_account *a,
		      const struct json *obj, char *id, size_t size,
		      long long *octets, struct set_error *e)
{
	const char *blob = json_string(json_get(obj, "blobId"));
	const struct json *at = json_get(obj, "receivedAt");
	time_t date = 0;
	struct store_upload u;
	if (obj->type != JSON_OBJECT || !blob ||
	    (at && at->type != JSON_NULL && mail_parse_date(json_string(at), &date) < 0)) {
		e->type = "invalidProperties";
		e->description = "blobId, receivedAt";
		return -1;
	}
	if (store_upload_begin(&a->st, &u) < 0) {
		e->type = "serverFail";
		e->description = NULL;
		return -1;
	}
	int rc = mail_blob_to_tmp(c, jmap_id(c, blob) ? jmap_id(c, blob)
				  : blob, &u, e);
	if (rc == 0 && u.crlf == 0) {
		e->type = "invalidEmail";
		rc = -1;
	}
	if (rc == 0) {
		*octets = (long long)u.crlf;
		rc = mail_store_new(c, a, obj, NULL, 0, &u, date, id, size, e);
	}
	store_upload_abort(&u);
	return rc;
}

void method_email_import(struct jmap_call *c)
{
	struct mail_account a;
	struct bytes done[2];
	struct json_writer w[2];
	char old[JMAP_STATE_MAX + 1], now[JMAP_STATE_MAX + 1];
	const struct json *emails = json_get(c->args, "emails");
	const char *if_in = json_string(json_get(c->args, "ifInState"));
	if (!jmap_account(c))
		return;
	if (!emails || emails->type != JSON_OBJECT) {
		jmap_invalid(c, "emails", "not an object");
		return;
	}
	if (emails->len > JMAP_OBJECTS_MAX) {
		jmap_error(c, "requestTooLarge", NULL);
		return;
	}
	if (mail_open(c, &a) < 0)
		return;
	mail_state(&a, old, sizeof old);
	if (if_in && strcmp(if_in, old)) {
		jmap_error(c, "stateMismatch", NULL);
		mail_close(&a);
		return;
	}
	for (int i = 0; i < 2; i++) {
		bytes_init(&done[i], JMAP_REQUEST_MAX);
		json_writer_init(&w[i], &done[i]);
		json_object_begin(&w[i]);
	}
	for (const struct json *o = emails->child; o; o = o->next) {
		char id[600];
		long long octets = 0;
		struct set_error e = { NULL, NULL };
		if (import_one(c, &a, o, id, sizeof id, &octets, &e) < 0) {
			mail_set_error(&w[1], o->key, e.type, e.description);
			continue;
		}
		jmap_created(c, o->key, id);
		mail_created_write(&w[0], &a, o->key, id, octets);
	}
	mail_close(&a);
	if (mail_open(c, &a) == 0) {
		mail_state(&a, now, sizeof now);
		mail_close(&a);
	} else {
		memcpy(now, old, sizeof now);
	}
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "oldState");
	json_str(&c->w, old);
	json_key(&c->w, "newState");
	json_str(&c->w, now);
	static const char *const names[] = { "created", "notCreated" };
	for (int i = 0; i < 2; i++) {
		json_end(&w[i]);
		json_key(&c->w, names[i]);
		json_raw(&c->w, done[i].data, done[i].len);
		bytes_free(&done[i]);
	}
	json_end(&c->w);
}
