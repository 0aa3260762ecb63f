/* test_sasl.c - RFC 4616 PLAIN messages: [authzid] NUL authcid NUL passwd. */
#include "check.h"
#include "sasl.h"
#include "base64.h"
#include <string.h>

static char b64[2048];

/* The base64 of m[0..n) into b64. */
static const char *encode(const char *m, size_t n)
{
	struct bytes b;
	bytes_init(&b, sizeof b64 - 1);
	CHECK(base64_encode(m, n, &b) == 0);
	snprintf(b64, sizeof b64, "%s", bytes_str(&b));
	bytes_free(&b);
	return b64;
}

#define ENC(lit) encode(lit, sizeof lit - 1)

static int all_zero(const struct sasl_plain *p)
{
	static const struct sasl_plain zero;
	return memcmp(p, &zero, sizeof zero) == 0;
}

static void refused(const char *in)
{
	struct sasl_plain p;
	memset(&p, 'x', sizeof p);
	CHECK(sasl_plain_decode(in, &p) == -1);
	CHECK(all_zero(&p));
}

static void good(void)
{
	struct sasl_plain p;

	/* RFC 4616 §4, the first example */
	CHECK(sasl_plain_decode("AHRpbQB0YW5zdGFhZnRhbnN0YWFm", &p) == 0);
	CHECK(strcmp(p.authzid, "") == 0);
	CHECK(strcmp(p.authcid, "tim") == 0);
	CHECK(strcmp(p.password, "tanstaaftanstaaf") == 0);
	CHECK(sasl_plain_decode(ENC("\0user@example.test\0p\xc3\xa4ss w0rd!"),
				&p) == 0);
	CHECK(strcmp(p.authcid, "user@example.test") == 0);
	CHECK(strcmp(p.password, "p\xc3\xa4ss w0rd!") == 0);
}

static void authzid_same(void)
{
	struct sasl_plain p;
	CHECK(sasl_plain_decode(ENC("tim\0tim\0secret"), &p) == 0);
	CHECK(strcmp(p.authzid, "tim") == 0 && strcmp(p.authcid, "tim") == 0);
	CHECK(strcmp(p.password, "secret") == 0);
}

static void authzid_different(void)
{
	/* RFC 4616 §4, the second example: Kurt acting as Ursel */
	refused("VXJzZWwAS3VydAB4aXBqM3BsbXE=");
	refused(ENC("Tim\0tim\0secret"));       /* bytes, not case */
}

static void missing_nul(void)
{
	refused(ENC("timsecret"));
	refused(ENC("tim\0secret"));
	refused(ENC("\0timsecret"));
	refused(ENC("\0"));
	refused(ENC("\0\0\0"));                 /* NUL in the password */
	refused(ENC("\0tim\0sec\0ret"));
}

static void empty_fields(void)
{
	refused(ENC("\0tim\0"));                /* empty password */
	refused(ENC("tim\0tim\0"));
	refused(ENC("\0\0secret"));             /* empty authcid */
	refused(ENC("\0\0"));
}

static void lengths(void)
{
	char m[1100];
	struct sasl_plain p;

	/* each field at 255 octets is accepted (RFC 4616 §2 "MUST") */
	memset(m, 'a', sizeof m);
	m[255] = 0;
	m[511] = 0;
	CHECK(sasl_plain_decode(encode(m, 767), &p) == 0);
	CHECK(strlen(p.authzid) == 255 && strlen(p.authcid) == 255 &&
	      strlen(p.password) == 255);
	/* 256 in any one is refused */
	m[0] = 0;
	m[257] = 0;
	memset(m + 1, 'a', 256);
	CHECK(sasl_plain_decode(encode(m, 258 + 10), &p) == -1);
	CHECK(all_zero(&p));
	memset(m, 'a', sizeof m);
	m[0] = 0;
	m[4] = 0;
	CHECK(sasl_plain_decode(encode(m, 5 + 255), &p) == 0);
	CHECK(sasl_plain_decode(encode(m, 5 + 256), &p) == -1);
	memset(m, 'a', sizeof m);
	m[256] = 0;
	m[260] = 0;
	CHECK(sasl_plain_decode(encode(m, 265), &p) == -1);
	/* past SASL_PLAIN_MAX decoded octets, base64 itself refuses */
	memset(m, 'a', sizeof m);
	m[0] = 0;
	m[4] = 0;
	CHECK(sasl_plain_decode(encode(m, sizeof m), &p) == -1);
}

static void bad_base64(void)
{
	refused("");
	refused("=");
	refused("*");
	refused("AHRpbQB0YW5zdGFhZnRhbnN0YWF");         /* length */
	refused("AHRpbQB0YW5zdGFh ZnRhbnN0YWFm");       /* space */
	refused("AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");    /* CRLF kept */
	refused("AHRpbQB0YW5zdGFhZnRhbnN0YWFm==");
	refused("AHRpbQB0YW5zdGFhZnRhbnN0YW=m");
}

static const struct check_case cases[] = {
	{ "good", good },
	{ "authzid_same", authzid_same },
	{ "authzid_different", authzid_different },
	{ "missing_nul", missing_nul },
	{ "empty_fields", empty_fields },
	{ "lengths", lengths },
	{ "bad_base64", bad_base64 },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
