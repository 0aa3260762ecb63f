/* test_mime_search.c - lib/mime_search: folding, decoded header and body
 * search as SEARCH HEADER/FROM/SUBJECT/BODY/TEXT use them. */
#include <string.h>
#include "bytes.h"
#include "check.h"
#include "mime.h"
#include "mime_search.h"

static const char *folded(const char *s)
{
	static struct bytes b;
	bytes_free(&b);
	bytes_init(&b, 1000);
	if (!s)
		return NULL;
	CHECK(mime_fold(s, strlen(s), &b) == 0);
	return bytes_str(&b);
}

static void case_folding(void)
{
	CHECK(strcmp(folded("HeLLo"), "hello") == 0);
	CHECK(strcmp(folded("\xc3\x89T\xc3\x89"), "\xc3\xa9t\xc3\xa9") == 0);      /* ÉTÉ */
	CHECK(strcmp(folded("\xc3\x97"), "\xc3\x97") == 0);                         /* × */
	CHECK(strcmp(folded("\xc5\x81\xc3\x93" "D\xc5\xb9"), "\xc5\x82\xc3\xb3" "d\xc5\xba") == 0);
	CHECK(strcmp(folded("\xce\xa3\xce\x91"), "\xcf\x83\xce\xb1") == 0);         /* ΣΑ */
	CHECK(strcmp(folded("\xd0\x9f\xd0\x81"), "\xd0\xbf\xd1\x91") == 0);         /* ПЁ */
	CHECK(strcmp(folded("\xc5\xb8"), "\xc3\xbf") == 0);                         /* Ÿ */
	CHECK(strcmp(folded("bad\xff"), "bad\xff") == 0);
	folded(NULL);
}

static const char message[] =
	"From: =?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@example.be>\n"
	"To: Bob <bob@example.test>\n"
	"Subject: =?UTF-8?B?w4lDT0xF?= du soir\n"
	"X-Empty:\n"
	"Content-Type: multipart/mixed; boundary=b\n"
	"\n"
	"--b\n"
	"Content-Type: text/plain; charset=iso-8859-1\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"La cr=E8me br=FBl=\n"
	"=E9e est servie.\n"
	"--b\n"
	"Content-Type: text/html; charset=utf-8\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"PGI+R3LDvMOfZTwvYj4=\n"
	"--b\n"
	"Content-Type: application/octet-stream\n"
	"\n"
	"secret binary words\n"
	"--b\n"
	"Content-Type: message/rfc822\n"
	"\n"
	"Subject: inner subject\n"
	"\n"
	"inner body text\n"
	"--b--\n";

static struct mime_message *parse(void)
{
	struct mime_message *m = mime_parse(message, sizeof message - 1);
	CHECK(m != NULL);
	return m;
}

static void header_search(void)
{
	struct mime_message *m = parse();
	const struct mime_part *r = m->root;
	CHECK(mime_search_header(m, r, "From", "andr\xc3\xa9") == 1);
	CHECK(mime_search_header(m, r, "from", "PIRARD@EXAMPLE") == 1);
	CHECK(mime_search_header(m, r, "From", "=?ISO") == 0);     /* decoded */
	CHECK(mime_search_header(m, r, "Subject", "\xc3\xa9" "cole du") == 1);
	CHECK(mime_search_header(m, r, "Subject", "ecole") == 0);   /* no accent folding */
	CHECK(mime_search_header(m, r, "To", "bob") == 1);
	CHECK(mime_search_header(m, r, "Cc", "") == 0);             /* absent field */
	CHECK(mime_search_header(m, r, "X-Empty", "") == 1);        /* present field */
	CHECK(mime_search_header(m, r, "X-Empty", "x") == 0);
	CHECK(mime_search_header(m, r, NULL, "multipart/MIXED") == 1);
	CHECK(mime_search_header(m, r, "Subject", "inner") == 0);  /* not the inner one */
	const struct mime_part *inner = mime_part_message(r->child->next->next->next);
	CHECK(inner != NULL);
	CHECK(mime_search_header(m, inner, "Subject", "INNER") == 1);
	mime_free(m);
}

static void body_search(void)
{
	struct mime_message *m = parse();
	CHECK(mime_search_text(m, "cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e", 0) == 1); /* QP soft break */
	CHECK(mime_search_text(m, "CR\xc3\x88ME", 0) == 1);               /* folded */
	CHECK(mime_search_text(m, "gr\xc3\xbc\xc3\x9f" "e", 0) == 1);     /* base64 */
	CHECK(mime_search_text(m, "secret", 0) == 0);        /* not a text part */
	CHECK(mime_search_text(m, "inner body", 0) == 1);    /* nested message */
	CHECK(mime_search_text(m, "inner subject", 0) == 1); /* its header is body text */
	CHECK(mime_search_text(m, "pirard", 0) == 0);        /* BODY: not the header */
	CHECK(mime_search_text(m, "pirard", 1) == 1);        /* TEXT: header too */
	CHECK(mime_search_text(m, "", 0) == 1);
	CHECK(mime_search_text(m, "nowhere at all", 1) == 0);
	mime_free(m);
}

static void decode_parts(void)
{
	struct mime_message *m = parse();
	struct bytes b;
	bytes_init(&b, 1000);
	CHECK(mime_part_decode(m, m->root->child, &b) == 0);
	CHECK(strcmp(bytes_str(&b), "La cr\xc3\xa8me br\xc3\xbbl\xc3\xa9" "e est servie.") == 0);
	bytes_clear(&b);
	CHECK(mime_part_decode(m, m->root->child->next, &b) == 0);
	CHECK(strcmp(bytes_str(&b), "<b>Gr\xc3\xbc\xc3\x9f" "e</b>") == 0);
	bytes_clear(&b);
	CHECK(mime_part_unencode(m, m->root->child, &b) == 0);     /* Latin-1 kept */
	CHECK(strcmp(bytes_str(&b), "La cr\xe8me br\xfbl\xe9" "e est servie.") == 0);
	bytes_free(&b);
	mime_free(m);
}

static const struct check_case cases[] = {
	{ "case_folding", case_folding },
	{ "header_search", header_search },
	{ "body_search", body_search },
	{ "decode_parts", decode_parts },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
