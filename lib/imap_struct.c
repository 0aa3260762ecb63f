/* imap_struct.c - ENVELOPE, BODY, BODYSTRUCTURE (RFC 3501 §7.4.2). */
#include "imap_struct.h"
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mime_address.h"
#include "mime_header.h"


/* Append p[0..n) with NULs dropped and, when quoting, '"' and '\\'
 * escaped: runs between those characters go in one append each. */
static int string_body(struct bytes *out, const char *p, size_t n, int quoting)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != '\0' && !(quoting && (p[j] == '"' || p[j] == '\\')))
			j++;
		if (bytes_append(out, p + i, j - i) < 0)
			return -1;
		if (j < n && p[j] != '\0' &&
		    (bytes_append_char(out, '\\') < 0 || bytes_append_char(out, p[j]) < 0))
			return -1;
		i = j + 1;
	}
	return 0;
}

int imap_string(struct bytes *out, const char *p, size_t n)
{
	size_t nuls = 0;
	int literal = n > IMAP_QUOTED_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		nuls += c == 0;
		literal |= c == '\r' || c == '\n' || c >= 0x80;
	}
	if (literal)
		return bytes_appendf(out, "{%zu}\r\n", n - nuls) < 0 ? -1
			: string_body(out, p, n, 0);
	if (bytes_append_char(out, '"') < 0 || string_body(out, p, n, 1) < 0)
		return -1;
	return bytes_append_char(out, '"');
}

int imap_nstring(struct bytes *out, const char *s)
{
	return s ? imap_string(out, s, strlen(s)) : bytes_append_str(out, "NIL");
}

/* --- ENVELOPE -------------------------------------------------------- */

/* A quoted string's body at p[0..n) (after its '"') into out: the
 * octets after it, or -1 (no closing quote). */
static long quoted_body(const char *p, size_t n, struct bytes *out)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			return (long)i + 1;
		if (p[i] == '\\' && ++i == n)
			return -1;
		if (bytes_append_char(out, p[i]) < 0)
			return -1;
	}
	return -1;
}

int imap_envelope_date(const char *env, size_t n, struct bytes *out)
{
	bytes_clear(out);
	if (n < 4 || env[0] != '(')
		return -1;
	if (!strncmp(env + 1, "NIL", 3))
		return 0;
	if (env[1] == '"')
		return quoted_body(env + 2, n - 2, out) < 0 ? -1 : 1;
	/* a literal {N}CRLF then N octets (imap_string), all within n */
	size_t i = 2, len = 0;
	if (env[1] != '{')
		return -1;
	for (; i < n && env[i] >= '0' && env[i] <= '9' && len < n; i++)
		len = len * 10 + (size_t)(env[i] - '0');
	if (i + 3 > n || memcmp(env + i, "}\r\n", 3) || len > n - i - 3)
		return -1;
	return bytes_append(out, env + i + 3, len) < 0 ? -1 : 1;
}

/* The fields ENVELOPE shows, in its order (RFC 3501 §7.4.2). */
enum env_field { E_DATE, E_SUBJECT, E_FROM, E_SENDER, E_REPLY_TO, E_TO, E_CC,
		 E_BCC, E_IN_REPLY_TO, E_MESSAGE_ID, E_COUNT };
static const char *const env_names[E_COUNT] = { "Date", "Subject", "From",
	"Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To", "Message-ID" };

/* The first field of each name, found in one pass over the header. */
struct env_fields {
	const char *h;                          /* the header section */
	size_t n;
	struct mime_field f[E_COUNT];
	unsigned have, repeated;                /* bit k: field k seen, twice */
	struct bytes value, from, list;         /* scratch */
};

static int is_field(const struct mime_field *f, const char *name)
{
	return strlen(name) == f->name_len &&
	       strncasecmp(name, f->name, f->name_len) == 0;
}

static void env_collect(struct env_fields *e)
{
	struct mime_field f;
	size_t pos = 0;
	while (mime_header_next(e->h, e->n, &pos, &f))
		for (int k = 0; k < E_COUNT; k++) {
			if (!is_field(&f, env_names[k]))
				continue;
			if (e->have & (1u << k))
				e->repeated |= 1u << k;
			else
				e->f[k] = f;
			e->have |= 1u << k;
			break;
		}
}

/* All fields of address field k, unfolded and joined by commas into
 * e->value: RFC 5322 allows one To or Cc, but mail with several is read
 * as one list, as Dovecot does. 1, or -1. */
static int env_joined(struct env_fields *e, enum env_field k)
{
	struct mime_field f;
	size_t pos = 0;
	bytes_clear(&e->value);
	while (mime_header_next(e->h, e->n, &pos, &f))
		if (is_field(&f, env_names[k]) &&
		    ((e->value.len && bytes_append_char(&e->value, ',') < 0) ||
		     mime_unfold(f.value, f.value_len, &e->value) < 0))
			return -1;
	return 1;
}

/* The unfolded value of field k into e->value: 1, 0 when absent, -1. */
static int env_value(struct env_fields *e, enum env_field k)
{
	bytes_clear(&e->value);
	if (!(e->have & (1u << k)))
		return 0;
	return mime_unfold(e->f[k].value, e->f[k].value_len, &e->value) < 0 ? -1 : 1;
}

/* Field k as an nstring, after a space unless it is the first. */
static int env_nstring(struct env_fields *e, enum env_field k, struct bytes *out)
{
	int r = env_value(e, k);
	if (r < 0 || (k != E_DATE && bytes_append_char(out, ' ') < 0))
		return -1;
	return imap_nstring(out, r ? bytes_str(&e->value) : NULL);
}

static int emit_address(void *ctx, const struct mime_address *a)
{
	struct bytes *out = ctx;
	if (out->len == 0 && bytes_append_char(out, '(') < 0)
		return -1;
	if (bytes_append_char(out, '(') < 0 || imap_nstring(out, a->name) < 0 ||
	    bytes_append_char(out, ' ') < 0 || imap_nstring(out, a->adl) < 0 ||
	    bytes_append_char(out, ' ') < 0 || imap_nstring(out, a->mailbox) < 0 ||
	    bytes_append_char(out, ' ') < 0 || imap_nstring(out, a->host) < 0)
		return -1;
	return bytes_append_char(out, ')');
}

/* The address list of field k as IMAP writes it into list ("" when the
 * field is absent or holds no address). */
static int address_list(struct env_fields *e, enum env_field k,
			struct bytes *list)
{
	bytes_clear(list);
	int r = e->repeated & (1u << k) ? env_joined(e, k) : env_value(e, k);
	if (r > 0)
		r = mime_address_parse(bytes_str(&e->value), emit_address, list);
	if (r >= 0 && list->len > 0)
		r = bytes_append_char(list, ')');
	return r < 0 ? -1 : 0;
}

/* From, Sender, Reply-To, To, Cc, Bcc. */
static int env_addresses(struct env_fields *e, struct bytes *out)
{
	for (int k = E_FROM; k <= E_BCC; k++) {
		struct bytes *use = k == E_FROM ? &e->from : &e->list;
		if (address_list(e, (enum env_field)k, use) < 0)
			return -1;
		if (use->len == 0 && (k == E_SENDER || k == E_REPLY_TO))
			use = &e->from;         /* §7.4.2 */
		if (bytes_append_char(out, ' ') < 0 ||
		    (use->len ? bytes_append(out, use->data, use->len)
			      : bytes_append_str(out, "NIL")) < 0)
			return -1;
	}
	return 0;
}

int imap_envelope_header(const char *h, size_t n, struct bytes *out)
{
	struct env_fields e;
	e.h = h;
	e.n = n;
	e.have = e.repeated = 0;
	bytes_init(&e.value, MIME_DECODED_MAX);
	bytes_init(&e.from, MIME_DECODED_MAX);
	bytes_init(&e.list, MIME_DECODED_MAX);
	env_collect(&e);
	int r = bytes_append_char(out, '(') < 0 || env_nstring(&e, E_DATE, out) < 0 ||
		env_nstring(&e, E_SUBJECT, out) < 0 || env_addresses(&e, out) < 0 ||
		env_nstring(&e, E_IN_REPLY_TO, out) < 0 ||
		env_nstring(&e, E_MESSAGE_ID, out) < 0 ||
		bytes_append_char(out, ')') < 0 ? -1 : 0;
	bytes_free(&e.value);
	bytes_free(&e.from);
	bytes_free(&e.list);
	return r;
}

int imap_envelope(const struct mime_message *m, const struct mime_part *msg,
		  struct bytes *out)
{
	size_t n;
	const char *h = mime_part_header(m, msg, &n);
	return imap_envelope_header(h, n, out);
}

/* --- BODY and BODYSTRUCTURE ------------------------------------------ */

static int sp(struct bytes *out)
{
	return bytes_append_char(out, ' ');
}

/* body-fld-param: ("name" "value" ...) or NIL. */
static int params(struct bytes *out, const struct mime_ctype *ct)
{
	if (ct->nparams == 0)
		return bytes_append_str(out, "NIL");
	for (size_t k = 0; k < ct->nparams; k++)
		if (bytes_append_char(out, k ? ' ' : '(') < 0 ||
		    imap_nstring(out, ct->params[k].name) < 0 || sp(out) < 0 ||
		    imap_nstring(out, ct->params[k].value) < 0)
			return -1;
	return bytes_append_char(out, ')');
}

/* body-fld-dsp SP body-fld-lang SP body-fld-loc. */
static int dsp_lang_loc(struct bytes *out, const struct mime_part *p)
{
	if (!p->disposition.type) {
		if (bytes_append_str(out, "NIL") < 0)
			return -1;
	} else if (bytes_append_char(out, '(') < 0 ||
		   imap_nstring(out, p->disposition.type) < 0 || sp(out) < 0 ||
		   params(out, &p->disposition) < 0 || bytes_append_char(out, ')') < 0) {
		return -1;
	}
	if (sp(out) < 0 || (p->nlanguages == 0 && bytes_append_str(out, "NIL") < 0))
		return -1;
	for (size_t k = 0; k < p->nlanguages; k++)
		if (bytes_append_char(out, k ? ' ' : '(') < 0 ||
		    imap_nstring(out, p->languages[k]) < 0)
			return -1;
	if (p->nlanguages && bytes_append_char(out, ')') < 0)
		return -1;
	return sp(out) < 0 ? -1 : imap_nstring(out, p->location);
}

static int body(const struct mime_message *m, const struct mime_part *p,
		int flags, struct bytes *out);

static int multipart(const struct mime_message *m, const struct mime_part *p,
		     int flags, struct bytes *out)
{
	for (const struct mime_part *c = p->child; c; c = c->next)
		if (body(m, c, flags, out) < 0)
			return -1;
	if (sp(out) < 0 || imap_nstring(out, p->ctype.subtype) < 0)
		return -1;
	if (!(flags & IMAP_BODY_EXTENDED))
		return 0;
	return sp(out) < 0 || params(out, &p->ctype) < 0 || sp(out) < 0
		? -1 : dsp_lang_loc(out, p);
}

/* body-fields: params id description encoding octets. */
static int body_fields(struct bytes *out, const struct mime_part *p)
{
	if (params(out, &p->ctype) < 0 || sp(out) < 0 ||
	    imap_nstring(out, p->id) < 0 || sp(out) < 0 ||
	    imap_nstring(out, p->description) < 0 || sp(out) < 0 ||
	    imap_nstring(out, p->encoding ? p->encoding : "7bit") < 0)
		return -1;
	return bytes_appendf(out, " %zu", p->size);
}

static int single(const struct mime_message *m, const struct mime_part *p,
		  int flags, struct bytes *out)
{
	const struct mime_part *msg = mime_part_message(p);
	if (msg && !(flags & IMAP_BODY_REV2) && !mime_is(p, "message", "rfc822"))
		msg = NULL;             /* message/global in IMAP4rev1: basic */
	if (imap_nstring(out, p->ctype.type) < 0 || sp(out) < 0 ||
	    imap_nstring(out, p->ctype.subtype) < 0 || sp(out) < 0 ||
	    body_fields(out, p) < 0)
		return -1;
	if (msg && (sp(out) < 0 || imap_envelope(m, msg, out) < 0 ||
		    sp(out) < 0 || body(m, msg, flags, out) < 0))
		return -1;
	if ((msg || mime_is(p, "text", NULL)) &&
	    bytes_appendf(out, " %zu", p->lines) < 0)
		return -1;
	if (!(flags & IMAP_BODY_EXTENDED))
		return 0;
	return sp(out) < 0 || imap_nstring(out, p->md5) < 0 || sp(out) < 0
		? -1 : dsp_lang_loc(out, p);
}

static int body(const struct mime_message *m, const struct mime_part *p,
		int flags, struct bytes *out)
{
	if (bytes_append_char(out, '(') < 0)
		return -1;
	int r = mime_is(p, "multipart", NULL) && p->child
		? multipart(m, p, flags, out) : single(m, p, flags, out);
	return r < 0 ? -1 : bytes_append_char(out, ')');
}

int imap_bodystructure(const struct mime_message *m, int flags,
		       struct bytes *out)
{
	return body(m, m->root, flags, out);
}
