/* fuzz_mail_thread.c - libFuzzer target: lib/mail_sort's header reading
 * (addresses, dates, base subjects, message ids) and lib/mail_thread's
 * three algorithms over messages cut from the input at "\n\n\n". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mail_sort.h"
#include "mail_thread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MESSAGES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_fields f[FUZZ_MESSAGES], *v[FUZZ_MESSAGES];
	const char *p = (const char *)data, *end = p + size;
	size_t n = 0;
	while (n < FUZZ_MESSAGES && p <= end) {
		const char *cut = p;
		while (cut + 3 <= end && memcmp(cut, "\n\n\n", 3))
			cut++;
		if (cut + 3 > end)
			cut = end;
		if (mail_fields_read(p, (size_t)(cut - p), MAIL_FIELDS_ALL,
				     &f[n]) < 0)
			break;
		f[n].order = (uint32_t)n + 1;
		f[n].arrival = (time_t)n;
		v[n] = &f[n];
		n++;
		p = cut + 3;
	}
	static const enum mail_thread_algorithm algs[] = {
		MAIL_THREAD_ORDEREDSUBJECT, MAIL_THREAD_REFERENCES,
		MAIL_THREAD_REFS,
	};
	for (size_t a = 0; a < 3; a++) {
		struct mail_thread t;
		size_t seen = 0;
		if (mail_thread_build(&t, algs[a], v, n) < 0)
			continue;
		/* every message appears once in the tree */
		struct mail_thread_node *stack[2 * FUZZ_MESSAGES * 70];
		size_t top = 0;
		for (struct mail_thread_node *r = t.roots; r; r = r->next)
			stack[top++] = r;
		while (top) {
			struct mail_thread_node *x = stack[--top];
			seen += x->msg != NULL;
			for (struct mail_thread_node *c = x->child; c; c = c->next)
				stack[top++] = c;
		}
		if (seen != n)
			abort();
		mail_thread_free(&t);
	}
	struct mail_sort_criterion c[] = {
		{ MAIL_SORT_SUBJECT, 0 }, { MAIL_SORT_DISPLAYFROM, 1 },
		{ MAIL_SORT_DATE, 0 }, { MAIL_SORT_CC, 0 },
	};
	if (mail_sort(v, n, c, 4) < 0)
		abort();
	for (size_t i = 0; i < n; i++)
		mail_fields_free(&f[i]);
	return 0;
}
