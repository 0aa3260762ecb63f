/* test_mime_search.c - lib/mime_search: folding, decoded header and body
 * search as SEARCH HEADER/FROM/SUBJECT/BODY/TEXT use them. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "base64.h"
#include "bytes.h"
#include "check.h"
#include "imap_struct.h"
#include "limits.h"
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

/* A body of n octets of lines "line NNNNNN of filler text\n" with the
 * word "needle" put so that it starts 3 octets before offset at. */
static void filler(struct bytes *b, size_t n, size_t at)
{
	for (size_t i = 0; b->len < n; i++)
		CHECK(bytes_appendf(b, "line %06zu of filler text\n", i) == 0);
	bytes_truncate(b, n);
	memcpy(b->data + at - 3, "NeEdLe", 6);
}

/* path holds msg; parse it from the file and from memory. */
static struct mime_message *from_file(const struct bytes *msg, int *fd)
{
	char path[512];
	snprintf(path, sizeof path, "%s/msg", check_tmpdir());
	int w = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(w >= 0 && write(w, msg->data, msg->len) == (ssize_t)msg->len);
	close(w);
	*fd = open(path, O_RDONLY);
	CHECK(*fd >= 0);
	return mime_parse_file(*fd, 0);
}

/* A multipart with a base64 and a quoted-printable text part far bigger
 * than the window, each with a needle across a piece boundary: found
 * from the file as from memory, with the same structure. */
static void file_search(void)
{
	struct bytes msg, body, b64, a, b;
	bytes_init(&msg, 1 << 24);
	bytes_init(&body, 1 << 24);
	bytes_init(&b64, 1 << 24);
	bytes_init(&a, 1 << 20);
	bytes_init(&b, 1 << 20);
	filler(&body, 3 * MIME_WINDOW, 2 * MIME_DECODE_PIECE);
	CHECK(base64_encode(body.data, body.len, &b64) == 0);
	CHECK(bytes_append_str(&msg, "Subject: big\nContent-Type: multipart/"
		"mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n"
		"Content-Transfer-Encoding: base64\n\n") == 0);
	for (size_t i = 0; i < b64.len; i += 76)        /* 76-octet lines */
		CHECK(bytes_append(&msg, b64.data + i, b64.len - i < 76 ?
				   b64.len - i : 76) == 0 &&
		      bytes_append_char(&msg, '\n') == 0);
	CHECK(bytes_append_str(&msg, "--zz\nContent-Type: text/plain\n"
		"Content-Transfer-Encoding: quoted-printable\n\n") == 0);
	bytes_clear(&body);
	filler(&body, 2 * MIME_WINDOW, MIME_WINDOW + 1);
	memcpy(body.data + MIME_WINDOW + 4, "=4C=65", 6);       /* "Le" */
	CHECK(bytes_append(&msg, body.data, body.len) == 0);
	/* a line longer than a piece: cut, the match found across the cut */
	CHECK(bytes_append_str(&msg, "\n--zz\n\n") == 0);
	bytes_clear(&body);
	for (size_t i = 0; i < 2 * MIME_DECODE_PIECE; i++)
		CHECK(bytes_append_char(&body, 'x') == 0);
	memcpy(body.data + MIME_DECODE_PIECE - 4, "HayStack", 8);
	CHECK(bytes_append(&msg, body.data, body.len) == 0);
	CHECK(bytes_append_str(&msg, "\n--zz--\n") == 0);
	int fd;
	struct mime_message *f = from_file(&msg, &fd), *m = mime_parse(msg.data,
								      msg.len);
	CHECK(f && m && f->size == m->size && f->nparts == m->nparts);
	CHECK(imap_bodystructure(f, IMAP_BODY_EXTENDED, &a) == 0);
	CHECK(imap_bodystructure(m, IMAP_BODY_EXTENDED, &b) == 0);
	CHECK(a.len > 0 && a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	CHECK(mime_search_text(f, "needle", 0) == 1);
	CHECK(mime_search_text(f, "needlE of", 0) == 0);
	CHECK(mime_search_text(f, "line 002000 of", 0) == 1);
	CHECK(mime_search_text(f, "haystack", 0) == 1);
	CHECK(mime_search_text(m, "needle", 0) == 1);
	/* only the quoted-printable part, whose needle straddles =4C=65 */
	const struct mime_part *qp = f->root->child->next;
	bytes_clear(&a);
	CHECK(mime_part_decode(f, qp, &a) == 0);
	CHECK(memcmp(a.data + MIME_WINDOW - 2, "NeEdLe", 6) == 0);
	mime_free(f);
	mime_free(m);
	close(fd);
	bytes_free(&msg);
	bytes_free(&body);
	bytes_free(&b64);
	bytes_free(&a);
	bytes_free(&b);
}

static const struct check_case cases[] = {
	{ "case_folding", case_folding },
	{ "header_search", header_search },
	{ "body_search", body_search },
	{ "decode_parts", decode_parts },
	{ "file_search", file_search },
	{ NULL, NULL }
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
