/* test_mail_sort.c - RFC 5256 §2.1 base subjects, the sort values of a
 * header (§3, RFC 5957 §3) and the stable multi-key sort. */
#include "check.h"
#include "mail_sort.h"
#include <stdlib.h>
#include <string.h>

static void expect_base(const char *subject, const char *base, int reply)
{
	struct bytes b;
	int is_reply = -1;
	bytes_init(&b, 4096);
	CHECK(mail_base_subject(subject, strlen(subject), &b, &is_reply) == 0);
	if (strcmp(bytes_str(&b), base) || is_reply != reply)
		fprintf(stderr, "subject '%s': base '%s' reply %d\n", subject,
			bytes_str(&b), is_reply);
	CHECK(strcmp(bytes_str(&b), base) == 0);
	CHECK(is_reply == reply);
	bytes_free(&b);
}

/* §2.1 steps 1 to 6, one at a time and together. */
static void base_subjects(void)
{
	expect_base("Hello", "hello", 0);
	expect_base("  Hello \t  World  ", "hello world", 0);
	expect_base("Re: Hello", "hello", 1);
	expect_base("RE:re:  Fwd: Hello", "hello", 1);
	expect_base("Fw: Hello", "hello", 1);
	expect_base("Re [foo]: Hello", "hello", 1);
	expect_base("[list] Re: Hello", "hello", 1);
	expect_base("[list] Hello", "hello", 0);
	expect_base("[list]", "[list]", 0);             /* step 4: not empty */
	expect_base("[a][b] Hello", "hello", 0);
	expect_base("Hello (fwd)", "hello", 1);
	expect_base("Hello (FWD) (fwd)  ", "hello", 1);
	expect_base("[Fwd: Hello]", "hello", 1);
	expect_base("[fwd: Re: [x] Hello (fwd)]", "hello", 1);
	expect_base("Re: [fwd: Hello]", "hello", 1);
	expect_base("Reply: Hello", "reply: hello", 0); /* not "re" ":" */
	expect_base("Re", "re", 0);
	expect_base("", "", 0);
	expect_base("=?UTF-8?Q?R=C3=A9union?= Re", "réunion re", 0);
	expect_base("Re: =?ISO-8859-1?Q?=C4rger?=", "ärger", 1);
}

static void read_header(const char *h, unsigned want, struct mail_fields *f)
{
	CHECK(mail_fields_read(h, strlen(h), want, f) == 0);
}

/* RFC 5256 §3 (addr-mailbox of the first address, Date in UTC) and RFC
 * 5957 §3 (the display name, else mailbox@host). */
static void header_values(void)
{
	struct mail_fields f;
	read_header("From: \"Zed, A\" <ZED@example.org>, b@example.org\n"
		    "To: Group: c@example.org;, =?UTF-8?Q?=C3=89mile?= <emile@x>\n"
		    "Cc: <Carol (c) @example.net>\n"
		    "Date: 31 Dec 2000 16:01:33 -0800\n"
		    "Subject: Re: [x] Topic\n\n", MAIL_FIELDS_ALL, &f);
	CHECK(strcmp(f.from, "zed") == 0);
	CHECK(strcmp(f.display_from, "zed, a") == 0);
	CHECK(strcmp(f.to, "c") == 0);
	CHECK(strcmp(f.display_to, "c@example.org") == 0);
	CHECK(strcmp(f.cc, "carol") == 0);
	CHECK(f.has_sent && f.sent == 978307293);       /* 2001-01-01 00:01:33Z */
	CHECK(strcmp(f.subject, "topic") == 0 && f.is_reply);
	mail_fields_free(&f);
	read_header("X: y\n\n", MAIL_FIELDS_ALL, &f);
	CHECK(!strcmp(f.from, "") && !strcmp(f.to, "") && !strcmp(f.cc, ""));
	CHECK(!strcmp(f.subject, "") && !f.has_sent && !f.message_id);
	f.arrival = 77;
	CHECK(mail_fields_sent(&f) == 77);      /* §2.2: INTERNALDATE */
	mail_fields_free(&f);
}

/* Several keys, REVERSE, and the sequence number as the last one. */
static void multi_key_sort(void)
{
	static const char *const subjects[] = { "b", "a", "Re: b", "a", "c" };
	static const long long sizes[] = { 5, 9, 1, 9, 3 };
	struct mail_fields f[5], *v[5];
	for (int i = 0; i < 5; i++) {
		char h[64];
		snprintf(h, sizeof h, "Subject: %s\n\n", subjects[i]);
		read_header(h, MAIL_FIELDS_SUBJECT, &f[i]);
		f[i].size = sizes[i];
		f[i].order = (uint32_t)i + 1;
		v[i] = &f[i];
	}
	const struct mail_sort_criterion by[] = {
		{ MAIL_SORT_SUBJECT, 0 }, { MAIL_SORT_SIZE, 1 },
	};
	CHECK(mail_sort_needs(by, 2) == MAIL_FIELDS_SUBJECT);
	CHECK(mail_sort(v, 5, by, 2) == 0);
	uint32_t want[] = { 2, 4, 1, 3, 5 };
	for (int i = 0; i < 5; i++)
		CHECK(v[i]->order == want[i]);
	const struct mail_sort_criterion size_rev[] = { { MAIL_SORT_SIZE, 1 } };
	CHECK(mail_sort(v, 5, size_rev, 1) == 0);
	uint32_t want2[] = { 2, 4, 1, 5, 3 };
	for (int i = 0; i < 5; i++)
		CHECK(v[i]->order == want2[i]);
	for (int i = 0; i < 5; i++)
		mail_fields_free(&f[i]);
}

static const struct check_case cases[] = {
	{ "base_subjects", base_subjects },
	{ "header_values", header_values },
	{ "multi_key_sort", multi_key_sort },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
