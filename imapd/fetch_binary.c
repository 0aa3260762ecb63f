/* fetch_binary.c - FETCH BINARY[], BINARY.PEEK[] and BINARY.SIZE[]
 * (RFC 3516 §4.2, §4.3): a part with its Content-Transfer-Encoding
 * undone. See fetch.h. */
#include <string.h>
#include <strings.h>
#include "fetch.h"
#include "imapd.h"
#include "mime_encoding.h"
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

/* The decoded octets of the section into d->tmp. 0; 1 no such part
 * (empty); -1 unknown encoding or no memory. */
static int decoded(const struct fetch_att *a, struct fetch_data *d)
{
	struct mime_section sec;
	bytes_clear(&d->tmp);
	if (!a->spec[0])        /* the whole message: nothing to undo */
		return bytes_append(&d->tmp, d->md.text.data ? d->md.text.data :
				    "", d->md.text.len);
	if (!d->mime || mime_section_find(d->mime, a->spec, strlen(a->spec),
					  &sec) < 0 || !sec.part)
		return 1;
	const struct mime_part *part = sec.part;
	if (part->child || !part->encoding ||
	    !strcasecmp(part->encoding, "7bit") ||
	    !strcasecmp(part->encoding, "8bit") ||
	    !strcasecmp(part->encoding, "binary"))      /* as it stands */
		return mime_crlf_append(&d->tmp, d->mime->buf + sec.off, sec.len);
	if (!known_encoding(part->encoding)) {
		d->unknown_cte = 1;
		return -1;
	}
	if (mime_part_unencode(d->mime, part, &d->tmp) < 0)
		return -1;
	if (strcasecmp(part->encoding, "quoted-printable"))
		return 0;
	/* quoted-printable's hard line breaks are line ends: CRLF */
	struct bytes lf = d->tmp;
	bytes_init(&d->tmp, lf.max);
	int rc = mime_crlf_append(&d->tmp, lf.data ? lf.data : "", lf.len);
	bytes_free(&lf);
	return rc;
}

void write_binary(struct session *s, const struct fetch_att *a,
		  struct fetch_data *d)
{
	int rc = decoded(a, d);
	const char *p = bytes_str(&d->tmp);
	size_t n = rc == 0 ? d->tmp.len : 0;
	output_printf(&s->out, "%s ", a->label);
	if (rc < 0 && d->unknown_cte) {
		output_str(&s->out, a->kind == FETCH_BINARY ? "NIL" : "0");
		return;
	}
	if (a->kind == FETCH_BINARY_SIZE) {
		output_printf(&s->out, "%zu", n);
		return;
	}
	if (a->partial) {       /* on the decoded data (§4.2) */
		size_t off = a->offset < n ? a->offset : n;
		p += off;
		n -= off;
		if (n > a->length)
			n = a->length;
	}
	/* §4.3: literal8 only when a NUL needs it */
	output_printf(&s->out, "%s{%zu}\r\n", memchr(p, '\0', n) ? "~" : "", n);
	output_write(&s->out, p, n);
}
