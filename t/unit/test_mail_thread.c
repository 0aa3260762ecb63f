/* test_mail_thread.c - RFC 5256 §3 threading: ORDEREDSUBJECT,
 * REFERENCES (each step, broken and looping References chains,
 * duplicate and missing Message-IDs) and REFS. */
#include "check.h"
#include "mail_thread.h"
#include <stdlib.h>
#include <string.h>

/* The tree written as IMAP's thread-list (§4) into buf. */
static void show(const struct mail_thread_node *n, struct bytes *b)
{
	for (int first = 1; n; first = 0) {
		if (n->msg)
			bytes_appendf(b, first ? "%u" : " %u", n->msg->order);
		const struct mail_thread_node *c = n->child;
		if (c && !c->next && n->msg) {
			n = c;
			continue;
		}
		if (c && n->msg)
			bytes_append_str(b, " ");
		for (; c; c = c->next) {
			bytes_append_str(b, "(");
			show(c, b);
			bytes_append_str(b, ")");
		}
		return;
	}
}

/* Thread the headers h[0..n) (message i+1 is h[i]) and compare. */
static void expect(enum mail_thread_algorithm alg, const char *const *h,
		   size_t n, const char *want)
{
	struct mail_fields *f = calloc(n, sizeof *f), **v = calloc(n, sizeof *v);
	struct mail_thread t;
	struct bytes b;
	bytes_init(&b, 4096);
	for (size_t i = 0; i < n; i++) {
		CHECK(mail_fields_read(h[i], strlen(h[i]), MAIL_FIELDS_ALL,
				       &f[i]) == 0);
		f[i].order = (uint32_t)i + 1;
		f[i].arrival = 1000 + (time_t)i;
		v[i] = &f[i];
	}
	CHECK(mail_thread_build(&t, alg, v, n) == 0);
	for (const struct mail_thread_node *r = t.roots; r; r = r->next) {
		bytes_append_str(&b, "(");
		show(r, &b);
		bytes_append_str(&b, ")");
	}
	if (strcmp(bytes_str(&b), want))
		fprintf(stderr, "got  %s\nwant %s\n", bytes_str(&b), want);
	CHECK(strcmp(bytes_str(&b), want) == 0);
	mail_thread_free(&t);
	for (size_t i = 0; i < n; i++)
		mail_fields_free(&f[i]);
	free(f);
	free(v);
	bytes_free(&b);
}

#define N(a) (sizeof (a) / sizeof (a)[0])

/* Messages dated in order unless a Date says otherwise. */
static const char *const plain[] = {
	"Message-ID: <1@x>\nSubject: a\nDate: 1 Jan 2020 00:00:01 +0000\n\n",
	"Message-ID: <2@x>\nSubject: Re: a\nReferences: <1@x>\nDate: 1 Jan 2020 00:00:02 +0000\n\n",
	"Message-ID: <3@x>\nSubject: b\nDate: 1 Jan 2020 00:00:03 +0000\n\n",
	"Message-ID: <4@x>\nSubject: Re: a\nIn-Reply-To: <1@x> (sent by x)\nDate: 1 Jan 2020 00:00:04 +0000\n\n",
	"Message-ID: <5@x>\nSubject: Re: b\nReferences: <3@x>\n <\"missing\"@x>\nDate: 1 Jan 2020 00:00:05 +0000\n\n",
	"Message-ID: <6@x>\nSubject: Re: b\nReferences: <3@x> <missing@x>\nDate: 1 Jan 2020 00:00:06 +0000\n\n",
};

static void references_basic(void)
{
	/* 5 and 6 hang off the dummy <missing@x> (quotes normalized),
	 * which holds two children and so stays below 3 */
	expect(MAIL_THREAD_REFERENCES, plain, N(plain), "(1 (2)(4))(3 (5)(6))");
	expect(MAIL_THREAD_REFS, plain, N(plain), "(1 (2)(4))(3 (5)(6))");
	expect(MAIL_THREAD_ORDEREDSUBJECT, plain, N(plain),
	       "(1 (2)(4))(3 (5)(6))");
}

/* §3 step 3: a dummy at the top with one child is replaced by it; with
 * two it stays; step 5 joins threads of one subject. */
static void dummies_and_subjects(void)
{
	static const char *const h[] = {
		"Message-ID: <1@x>\nSubject: Re: lost\nReferences: <gone@x>\n\n",
		"Message-ID: <2@x>\nSubject: Re: two\nReferences: <gone2@x>\n\n",
		"Message-ID: <3@x>\nSubject: Re: two\nReferences: <gone2@x>\n\n",
		"Message-ID: <4@x>\nSubject: two\n\n",
		"Message-ID: <5@x>\nSubject: solo\n\n",
		"Message-ID: <6@x>\nSubject: solo\n\n",
	};
	expect(MAIL_THREAD_REFERENCES, h, N(h), "(1)((2)(3)(4))((5)(6))");
	expect(MAIL_THREAD_REFS, h, N(h), "(1)((2)(3))(4)(5)(6)");
	expect(MAIL_THREAD_ORDEREDSUBJECT, h, N(h), "(1)(2 (3)(4))(5 6)");
}

/* Broken chains: a loop in References, a message referring to itself,
 * a truncated chain that disagrees with an earlier one, a duplicate
 * Message-ID and none at all. */
static void broken_chains(void)
{
	static const char *const h[] = {
		"Message-ID: <a@x>\nReferences: <b@x> <a@x>\nSubject: s1\n\n",
		"Message-ID: <b@x>\nReferences: <a@x>\nSubject: s2\n\n",
		"Message-ID: <c@x>\nReferences: <c@x>\nSubject: s3\n\n",
		"Message-ID: <d@x>\nReferences: <a@x> <zz@x> <b@x>\nSubject: s4\n\n",
		"Message-ID: <a@x>\nSubject: s5\n\n",
		"Subject: s6\nReferences: <d@x>\n\n",
		"Message-ID: <>\nReferences: garbage <no-at-sign>\nSubject: s7\n\n",
	};
	/* 1: b would be its parent but b's parent is 1 (no loop); 2 hangs
	 * below 1; 4's chain keeps 2 below 1 and puts 4 below 2; 5 is a
	 * duplicate, on its own; 6 below 4 */
	expect(MAIL_THREAD_REFERENCES, h, N(h), "(1 2 4 6)(3)(5)(7)");
}

/* Step 4 and 6: siblings and threads by sent date, then by order. */
static void date_order(void)
{
	static const char *const h[] = {
		"Message-ID: <1@x>\nSubject: one\nDate: 3 Jan 2020 00:00:00 +0000\n\n",
		"Message-ID: <2@x>\nSubject: two\nDate: 1 Jan 2020 00:00:00 +0000\n\n",
		"Message-ID: <3@x>\nReferences: <1@x>\nSubject: x\nDate: 5 Jan 2020 00:00:00 +0000\n\n",
		"Message-ID: <4@x>\nReferences: <1@x>\nSubject: y\nDate: 4 Jan 2020 00:00:00 +0000\n\n",
		"Message-ID: <5@x>\nReferences: <2@x>\nSubject: z\nDate: 9 Jan 2020 00:00:00 +0000\n\n",
	};
	expect(MAIL_THREAD_REFERENCES, h, N(h), "(2 5)(1 (4)(3))");
	/* REFS: threads in the order of their newest message */
	expect(MAIL_THREAD_REFS, h, N(h), "(1 (4)(3))(2 5)");
}

/* A long chain where each message names every earlier one (the last
 * MAIL_REFERENCES_MAX kept): linear, one thread. */
static void long_chain(void)
{
	enum { LEN = 300 };
	char **h = calloc(LEN, sizeof *h);
	struct bytes b, want;
	bytes_init(&b, 1 << 20);
	bytes_init(&want, 1 << 20);
	for (int i = 0; i < LEN; i++) {
		bytes_clear(&b);
		bytes_appendf(&b, "Message-ID: <%d@x>\nReferences:", i);
		for (int j = 0; j < i; j++)
			bytes_appendf(&b, " <%d@x>", j);
		bytes_append_str(&b, "\nSubject: chain\n\n");
		h[i] = strdup(bytes_str(&b));
		bytes_appendf(&want, i ? " %d" : "(%d", i + 1);
	}
	bytes_append_str(&want, ")");
	expect(MAIL_THREAD_REFERENCES, (const char *const *)h, LEN,
	       bytes_str(&want));
	for (int i = 0; i < LEN; i++)
		free(h[i]);
	free(h);
	bytes_free(&b);
	bytes_free(&want);
}

static const struct check_case cases[] = {
	{ "references_basic", references_basic },
	{ "dummies_and_subjects", dummies_and_subjects },
	{ "broken_chains", broken_chains },
	{ "date_order", date_order },
	{ "long_chain", long_chain },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
