/* jmap_core.c - the session resource (RFC 8620 §2) and Core/echo (§4.1). */
#include <stdio.h>
#include <string.h>
#include "httpd.h"
#include "jmap.h"
#include "mail.h"

void jmap_session_state(struct server *s, char *out, size_t size)
{
	char hash[2 * SHA256_SIZE + 1], text[512];
	/* Changes when what the session resource says changes: the user
	 * and the capabilities of this build. */
	snprintf(text, sizeof text, "%s %s %s %s", s->user, JMAP_CORE,
		 JMAP_MAIL, JMAP_SUBMISSION);
	sha256_hex(text, strlen(text), hash);
	snprintf(out, size, "%.16s", hash);
}

static void core_capability(struct server *s, struct json_writer *w)
{
	json_key(w, JMAP_CORE);
	json_object_begin(w);
	json_key(w, "maxSizeUpload");
	json_int64(w, s->maxsize);
	json_key(w, "maxConcurrentUpload");
	json_int64(w, JMAP_CONCURRENT_MAX);
	json_key(w, "maxSizeRequest");
	json_int64(w, JMAP_REQUEST_MAX);
	json_key(w, "maxConcurrentRequests");
	json_int64(w, JMAP_CONCURRENT_MAX);
	json_key(w, "maxCallsInRequest");
	json_int64(w, JMAP_CALLS_MAX);
	json_key(w, "maxObjectsInGet");
	json_int64(w, JMAP_OBJECTS_MAX);
	json_key(w, "maxObjectsInSet");
	json_int64(w, JMAP_OBJECTS_MAX);
	json_key(w, "collationAlgorithms");
	json_array_begin(w);
	json_str(w, "i;ascii-casemap");
	json_end(w);
	json_end(w);
}

/* This server's origin from the Host field (RFC 7230 §5.4), so the
 * session's URLs are absolute as clients expect; a Host with anything
 * but name, address and port characters gives "". */
static void origin(struct server *s, char *out, size_t size)
{
	const char *host = http_field(&s->req, "Host");
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-:[]";
	if (!host || !*host || strspn(host, ok) != strlen(host) ||
	    strlen(host) > 255)
		out[0] = '\0';
	else
		snprintf(out, size, "%s://%s", s->encrypted ? "https" : "http",
			 host);
}

static void url(struct json_writer *w, const char *key, const char *base,
		const char *path)
{
	struct bytes b;
	bytes_init(&b, 1024);
	bytes_appendf(&b, "%s%s", base, path);
	json_key(w, key);
	json_str(w, bytes_str(&b));
	bytes_free(&b);
}

void route_session(struct server *s)
{
	struct json_writer w;
	char state[64], base[300];
	origin(s, base, sizeof base);
	response_start(s, 200, "application/json");
	json_writer_init(&w, &s->resp.body);
	json_object_begin(&w);
	json_key(&w, "capabilities");
	json_object_begin(&w);
	core_capability(s, &w);
	json_key(&w, JMAP_MAIL);
	json_object_begin(&w);
	json_end(&w);
	json_key(&w, JMAP_SUBMISSION);
	json_object_begin(&w);
	json_end(&w);
	json_end(&w);
	json_key(&w, "accounts");
	json_object_begin(&w);
	json_key(&w, s->account);
	json_object_begin(&w);
	json_key(&w, "name");
	json_str(&w, s->user);
	json_key(&w, "isPersonal");
	json_bool(&w, 1);
	json_key(&w, "isReadOnly");
	json_bool(&w, 0);
	json_key(&w, "accountCapabilities");
	json_object_begin(&w);
	mail_account_capabilities(s, &w);
	json_end(&w);
	json_end(&w);
	json_end(&w);
	json_key(&w, "primaryAccounts");
	json_object_begin(&w);
	json_key(&w, JMAP_MAIL);
	json_str(&w, s->account);
	json_key(&w, JMAP_SUBMISSION);
	json_str(&w, s->account);
	json_end(&w);
	json_key(&w, "username");
	json_str(&w, s->user);
	url(&w, "apiUrl", base, "/jmap/api");
	url(&w, "downloadUrl", base,
	    "/jmap/download/{accountId}/{blobId}/{name}?accept={type}");
	url(&w, "uploadUrl", base, "/jmap/upload/{accountId}/");
	url(&w, "eventSourceUrl", base, "/jmap/eventsource?types={types}"
	    "&closeafter={closeafter}&ping={ping}");
	jmap_session_state(s, state, sizeof state);
	json_key(&w, "state");
	json_str(&w, state);
	json_end(&w);
}

/* §4.1: the arguments come back as they were sent. */
void method_echo(struct jmap_call *c)
{
	json_value(&c->w, c->args);
}

void jmap_type_states(struct server *s, struct bytes *out)
{
	struct json_writer w;
	json_writer_init(&w, out);
	json_object_begin(&w);
	mail_type_states(s, &w);
	mail_identity_type_state(s, &w);
	json_end(&w);
}
