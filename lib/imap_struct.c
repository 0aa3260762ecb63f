/* imap_struct.c - ENVELOPE, BODY, BODYSTRUCTURE (RFC 3501 §7.4.2). */
#include "imap_struct.h"
#include <string.h>
#include "limits.h"
#include "mime_address.h"
#include "mime_header.h"

/* Longer values go as literals: clients read long quoted strings
 * badly, and a literal needs no escaping. */
#define IMAP_QUOTED_MAX 1024

int imap_string(struct bytes *out, const char *p, size_t n)
{
	size_t nuls = 0;
	int literal = n > IMAP_QUOTED_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		nuls += c == 0;
		literal |= c == '\r' || c == '\n' || c >= 0x80;
	}
	if (literal) {
		if (bytes_appendf(out, "{%zu}\r\n", n - nuls) < 0)
			return -1;
	} else if (bytes_append_char(out, '"') < 0) {
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\0')
			continue;
		if (!literal && (p[i] == '"' || p[i] == '\\') &&
		    bytes_append_char(out, '\\') < 0)
			return -1;
		if (bytes_append_char(out, p[i]) < 0)
			return -1;
	}
	return literal ? 0 : bytes_append_char(out, '"');
}

int imap_nstring(struct bytes *out, const char *s)
{
	return s ? imap_string(out, s, strlen(s)) : bytes_append_str(out, "NIL");
}

/* --- ENVELOPE -------------------------------------------------------- */

/* The unfolded value of header field name in v; 1 found, 0 absent,
 * -1 on error. */
static int field_value(const char *h, size_t n, const char *name, struct bytes *v)
{
	struct mime_field f;
	bytes_clear(v);
	if (!mime_header_find(h, n, name, &f))
		return 0;
	return mime_unfold(f.value, f.value_len, v) < 0 ? -1 : 1;
}

static int env_nstring(const char *h, size_t n, const char *name,
		       struct bytes *out)
{
	struct bytes v;
	bytes_init(&v, MIME_DECODED_MAX);
	int r = field_value(h, n, name, &v);
	if (r >= 0)
		r = imap_nstring(out, r ? bytes_str(&v) : NULL);
	bytes_free(&v);
	return r;
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

/* The address list of field name as IMAP writes it into list ("" when
 * the field is absent or holds no address). */
static int address_list(const char *h, size_t n, const char *name,
			struct bytes *list)
{
	struct bytes v;
	bytes_init(&v, MIME_DECODED_MAX);
	bytes_clear(list);
	int r = field_value(h, n, name, &v);
	if (r > 0)
		r = mime_address_parse(bytes_str(&v), emit_address, list);
	if (r >= 0 && list->len > 0)
		r = bytes_append_char(list, ')');
	bytes_free(&v);
	return r < 0 ? -1 : 0;
}

static int env_addresses(const char *h, size_t n, struct bytes *out)
{
	static const char *const names[] = { "From", "Sender", "Reply-To",
					     "To", "Cc", "Bcc" };
	struct bytes from, list;
	int r = 0;
	bytes_init(&from, MIME_DECODED_MAX);
	bytes_init(&list, MIME_DECODED_MAX);
	for (size_t k = 0; k < 6 && r == 0; k++) {
		struct bytes *use = k == 0 ? &from : &list;
		r = address_list(h, n, names[k], use);
		if (r == 0 && use->len == 0 && (k == 1 || k == 2))
			use = &from;            /* §7.4.2: Sender, Reply-To */
		if (r == 0)
			r = bytes_append_char(out, ' ') < 0 ? -1 : use->len
				? bytes_append(out, use->data, use->len)
				: bytes_append_str(out, "NIL");
	}
	bytes_free(&from);
	bytes_free(&list);
	return r;
}

int imap_envelope_header(const char *h, size_t n, struct bytes *out)
{
	if (bytes_append_char(out, '(') < 0 || env_nstring(h, n, "Date", out) < 0 ||
	    bytes_append_char(out, ' ') < 0 || env_nstring(h, n, "Subject", out) < 0 ||
	    env_addresses(h, n, out) < 0 ||
	    bytes_append_char(out, ' ') < 0 || env_nstring(h, n, "In-Reply-To", out) < 0 ||
	    bytes_append_char(out, ' ') < 0 || env_nstring(h, n, "Message-ID", out) < 0)
		return -1;
	return bytes_append_char(out, ')');
}

int imap_envelope(const struct mime_message *m, const struct mime_part *msg,
		  struct bytes *out)
{
	return imap_envelope_header(m->buf + msg->header_off, msg->header_len, out);
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
		int ext, struct bytes *out);

static int multipart(const struct mime_message *m, const struct mime_part *p,
		     int ext, struct bytes *out)
{
	for (const struct mime_part *c = p->child; c; c = c->next)
		if (body(m, c, ext, out) < 0)
			return -1;
	if (sp(out) < 0 || imap_nstring(out, p->ctype.subtype) < 0)
		return -1;
	if (!ext)
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
		  int ext, struct bytes *out)
{
	const struct mime_part *msg = mime_part_message(p);
	if (imap_nstring(out, p->ctype.type) < 0 || sp(out) < 0 ||
	    imap_nstring(out, p->ctype.subtype) < 0 || sp(out) < 0 ||
	    body_fields(out, p) < 0)
		return -1;
	if (msg && (sp(out) < 0 || imap_envelope(m, msg, out) < 0 ||
		    sp(out) < 0 || body(m, msg, ext, out) < 0))
		return -1;
	if ((msg || mime_is(p, "text", NULL)) &&
	    bytes_appendf(out, " %zu", p->lines) < 0)
		return -1;
	if (!ext)
		return 0;
	return sp(out) < 0 || imap_nstring(out, p->md5) < 0 || sp(out) < 0
		? -1 : dsp_lang_loc(out, p);
}

static int body(const struct mime_message *m, const struct mime_part *p,
		int ext, struct bytes *out)
{
	if (bytes_append_char(out, '(') < 0)
		return -1;
	int r = mime_is(p, "multipart", NULL) && p->child
		? multipart(m, p, ext, out) : single(m, p, ext, out);
	return r < 0 ? -1 : bytes_append_char(out, ')');
}

int imap_bodystructure(const struct mime_message *m, int extended,
		       struct bytes *out)
{
	return body(m, m->root, extended, out);
}
