/* jmap.h - the JMAP API request (RFC 8620 §3): its method table, one
 * method call's context, and the errors a method reports. */
#ifndef HTTPD_JMAP_H
#define HTTPD_JMAP_H
#include <stddef.h>
#include "bytes.h"
#include "httpd.h"
#include "json.h"

#define JMAP_CORE "urn:ietf:params:jmap:core"

/* The capabilities this server has, as bits for "using" (§3.3). */
enum jmap_capability {
	CAP_CORE = 1,
	CAP_MAIL = 2,
	CAP_SUBMISSION = 4,
};

struct request;
struct mail_account;

/* One method call being run. */
struct jmap_call {
	struct server *s;
	const char *name;               /* "Core/echo" */
	const char *id;                 /* the client's call id */
	const struct json *args;        /* back-references resolved */
	struct mime_arena *arena;       /* lives until the request ends */
	struct json_writer w;           /* writes the response arguments */
	struct bytes result;            /* ...here: one JSON object */
	const char *error;              /* set: the call failed (§3.6.2) */
	struct bytes error_text;        /* its "description", or empty */
	const char *error_extra_key;    /* an extra member, e.g. "arguments" */
	const char *error_extra;        /* its value as JSON text */
	struct request *request;        /* the whole request (created ids) */
	const char *extra_name;         /* set: a second response follows
					 * (RFC 8621 §7.5 onSuccessUpdateEmail) */
	struct bytes extra_result;      /* ...with these arguments */
};

typedef void (*jmap_method)(struct jmap_call *c);

struct jmap_method_entry {
	const char *name;
	int capability;                 /* enum jmap_capability needed */
	jmap_method run;
};

/* Fail the call with a method-level error type (§3.6.2) and an optional
 * description (printf format, may be NULL). */
void jmap_error(struct jmap_call *c, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* invalidArguments naming the argument at fault. */
void jmap_invalid(struct jmap_call *c, const char *argument,
		  const char *why);
/* The call's accountId, checked against the user's: 1 when it is the
 * user's, else 0 with the error set (accountNotFound §3.6.2). */
int jmap_account(struct jmap_call *c);
/* Where the request keeps the account its reading calls share
 * (mail_open), or NULL for a call made outside a request. */
struct mail_account **jmap_shared_account(struct jmap_call *c);

/* Remember that creation id cid made the record id (RFC 8620 §5.3);
 * later "#cid" references resolve to it. 0 or -1. */
int jmap_created(struct jmap_call *c, const char *cid, const char *id);
/* An id argument: "#cid" becomes the id made for cid, anything else is
 * returned as it is; NULL when "#cid" names no creation. */
const char *jmap_id(struct jmap_call *c, const char *id);

/* The session resource's "state" for the logged-in user. */
void jmap_session_state(struct server *s, char *out, size_t size);

/* jmap_core.c */
void method_echo(struct jmap_call *c);

#endif
