/* mail_header.c - header fields in the parsed forms of RFC 8621 §4.1.2:
 * Raw, Text, Addresses, GroupedAddresses (as Addresses), MessageIds,
 * Date, URLs. Values come from lib/mime (unfolding, RFC 2047, address
 * lists, dates). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "mail.h"
#include "mime_address.h"
#include "mime_date.h"
#include "mime_encoding.h"

/* Text: unfolded, RFC 2047 decoded, white space trimmed (§4.1.2.2). */
static void write_text(struct json_writer *w, const char *v, size_t n)
{
	struct bytes u, d;
	bytes_init(&u, MIME_DECODED_MAX);
	bytes_init(&d, MIME_DECODED_MAX);
	mime_unfold(v, n, &u);
	mime_rfc2047_decode(u.data ? u.data : "", u.len, &d);
	json_strn(w, d.data ? d.data : "", d.len);
	bytes_free(&u);
	bytes_free(&d);
}

static int emit_address(void *ctx, const struct mime_address *a)
{
	struct json_writer *w = ctx;
	if (!a->host)           /* a group's start or end: flattened */
		return 0;
	json_object_begin(w);
	json_key(w, "name");
	if (a->name) {
		struct bytes d;
		bytes_init(&d, 65536);
		mime_rfc2047_decode(a->name, strlen(a->name), &d);
		json_str(w, bytes_str(&d));
		bytes_free(&d);
	} else {
		json_null(w);
	}
	json_key(w, "email");
	struct bytes e;
	bytes_init(&e, 1024);
	bytes_appendf(&e, "%s@%s", a->mailbox, a->host);
	json_str(w, bytes_str(&e));
	bytes_free(&e);
	json_end(w);
	return 0;
}

static void write_addresses(struct json_writer *w, const char *v, size_t n)
{
	struct bytes u;
	bytes_init(&u, MIME_DECODED_MAX);
	mime_unfold(v, n, &u);
	json_array_begin(w);
	mime_address_parse(bytes_str(&u), emit_address, w);
	json_end(w);
	bytes_free(&u);
}

/* MessageIds (§4.1.2.5): the msg-ids without angle brackets; null when
 * there is none. URLs (§4.1.2.7): the <...> items too. */
static void write_bracketed(struct json_writer *w, const char *v, size_t n)
{
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		const char *end;
		if (v[i] != '<' || !(end = memchr(v + i, '>', n - i)))
			continue;
		if (!any)
			json_array_begin(w);
		any = 1;
		struct bytes id;
		bytes_init(&id, 4096);
		for (const char *c = v + i + 1; c < end; c++)
			if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
				bytes_append_char(&id, *c);
		json_str(w, bytes_str(&id));
		bytes_free(&id);
		i = (size_t)(end - v);
	}
	if (any)
		json_end(w);
	else
		json_null(w);
}

static void write_date(struct json_writer *w, const char *v, size_t n)
{
	struct mime_date d;
	char out[32];
	if (mime_date_parse(v, n, &d) < 0) {
		json_null(w);
		return;
	}
	mail_utc_date(mime_date_time(&d), out);
	json_str(w, out);
}

static void write_form(struct json_writer *w, const char *form,
		       const struct mime_field *f)
{
	if (!strcmp(form, "Raw"))
		json_strn(w, f->value, f->value_len);
	else if (!strcmp(form, "Addresses") || !strcmp(form, "GroupedAddresses"))
		write_addresses(w, f->value, f->value_len);
	else if (!strcmp(form, "MessageIds") || !strcmp(form, "URLs"))
		write_bracketed(w, f->value, f->value_len);
	else if (!strcmp(form, "Date"))
		write_date(w, f->value, f->value_len);
	else
		write_text(w, f->value, f->value_len);
}

void mail_header_value(struct json_writer *w, const struct mime_message *m,
		       const char *name, const char *form, int all)
{
	size_t n, pos = 0, len = strlen(name);
	const char *h = mime_part_header(m, m->root, &n);
	struct mime_field f, last;
	int found = 0;
	if (all)
		json_array_begin(w);
	while (mime_header_next(h, n, &pos, &f)) {
		if (f.name_len != len || strncasecmp(f.name, name, len))
			continue;
		if (all)
			write_form(w, form, &f);
		last = f;
		found = 1;
	}
	if (all)
		json_end(w);
	else if (found)
		write_form(w, form, &last);
	else
		json_null(w);
}

void mail_addresses(struct json_writer *w, const struct mime_message *m,
		    const char *name)
{
	struct mime_field f;
	size_t n;
	const char *h = mime_part_header(m, m->root, &n);
	if (mime_header_find(h, n, name, &f))
		write_addresses(w, f.value, f.value_len);
	else
		json_null(w);
}
