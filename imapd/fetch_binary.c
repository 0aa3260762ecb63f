/* fetch_binary.c - FETCH BINARY[], BINARY.PEEK[] and BINARY.SIZE[]
 * (RFC 3516 §4.2, §4.3): a part with its Content-Transfer-Encoding
 * undone. See fetch.h. */
#include <string.h>
#include <strings.h>
#include "fetch.h"
#include "imapd.h"
#include "log.h"
#include "mime_search.h"

/* The encodings RFC 2045 §6 defines (and "binary"); anything else is
 * unknown (RFC 3516 §4.3). NULL is 7bit. */
static int known_encoding(const char *e)
{
	static const char *const known[] = {
		"7bit", "8bit", "binary", "base64", "quoted-printable",
	};
	if (!e)
		return 1;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcasecmp(e, known[i]))
			return 1;
	return 0;
}

/* How a section's octets are made. */
enum binary_source { AS_STORED, BASE64, QUOTED_PRINTABLE };

/* Make the octets of section sec (how: from) into w. 0 or -1. */
static int binary_pass(const struct fetch_data *d, const struct mime_section *sec,
		       enum binary_source how, struct wire_writer *w)
{
	if (how == AS_STORED)
		return mime_text_each(d->mime, sec->off, sec->len, wire_piece,
				      w) < 0 ? -1 : 0;
	return mime_part_unencode_each(d->mime, sec->part, wire_piece, w) < 0
		? -1 : 0;
}

/* How the section is decoded: -1 no such part, -2 unknown encoding. */
static int binary_source(const struct fetch_att *a, const struct fetch_data *d,
			 struct mime_section *sec)
{
	if (!d->mime || mime_section_find(d->mime, a->spec, strlen(a->spec),
					  sec) < 0 || !sec->part)
		return -1;
	const char *e = sec->part->encoding;
	if (!a->spec[0] || sec->part->child || !e || !strcasecmp(e, "7bit") ||
	    !strcasecmp(e, "8bit") || !strcasecmp(e, "binary"))
		return AS_STORED;       /* the message, or a part as it stands */
	if (!known_encoding(e))
		return -2;
	return strcasecmp(e, "base64") ? QUOTED_PRINTABLE : BASE64;
}

void write_binary(struct session *s, const struct fetch_att *a,
		  struct fetch_data *d)
{
	struct mime_section sec;
	struct wire_writer count, w;
	int how = binary_source(a, d, &sec);
	output_printf(&s->out, "%s ", a->label);
	if (how == -2) {
		d->unknown_cte = 1;
		output_str(&s->out, a->kind == FETCH_BINARY ? "NIL" : "0");
		return;
	}
	/* a first pass counts (and finds NULs in the part asked for), the
	 * second sends: base64 as decoded, the rest with CRLF line ends
	 * (quoted-printable's hard line breaks are line ends) */
	size_t from = a->partial ? a->offset : 0;
	size_t end = a->partial ? from + a->length : (size_t)-1;
	wire_writer_init(&count, NULL, how != BASE64, from, end);
	if (how >= 0 && binary_pass(d, &sec, (enum binary_source)how,
				    &count) < 0)
		count.at = 0;
	if (a->kind == FETCH_BINARY_SIZE) {
		output_printf(&s->out, "%zu", count.at);
		return;
	}
	size_t n;
	fetch_partial(a, count.at, &from, &n);  /* on the decoded data (§4.2) */
	/* §4.3: literal8 only when a NUL needs it */
	output_printf(&s->out, "%s{%zu}\r\n", count.nul ? "~" : "", n);
	wire_writer_init(&w, &s->out, how != BASE64, from, from + n);
	if (n && binary_pass(d, &sec, (enum binary_source)how, &w) < 0)
		log_event("event=fetch-error item=%s", a->label);
	for (; w.at < from + n; w.at++)         /* the length is promised */
		output_write(&s->out, " ", 1);
}
