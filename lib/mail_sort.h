/* mail_sort.h - ordering messages as IMAP SORT (RFC 5256, RFC 5957
 * DISPLAY) and JMAP Email/query (RFC 8621 §4.4.2) want it: the base
 * subject, the per-message sort values read from a header, and a stable
 * multi-key sort. Threading (mail_thread.h) reads the same values.
 *
 * Usage:
 *     struct mail_fields f;
 *     mail_fields_read(header, header_len, MAIL_FIELDS_ALL, &f);
 *     f.arrival = mtime; f.size = size; f.order = seq;
 *     ...
 *     mail_sort(v, n, criteria, ncriteria);       // v: struct mail_fields *[]
 *     mail_fields_free(&f);
 *
 * Strings are compared after case folding (mime_fold: ASCII, Latin-1,
 * Greek, Cyrillic; the i;unicode-casemap idea without normalization);
 * the empty string sorts first (RFC 5256 §3). */
#ifndef POSTERN_MAIL_SORT_H
#define POSTERN_MAIL_SORT_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "bytes.h"

/* What mail_fields_read fills (the rest stays zero / NULL). */
#define MAIL_FIELDS_SUBJECT 0x01        /* subject, is_reply */
#define MAIL_FIELDS_DATE    0x02        /* sent, has_sent */
#define MAIL_FIELDS_ADDRESS 0x04        /* from, to, cc */
#define MAIL_FIELDS_DISPLAY 0x08        /* display_from, display_to */
#define MAIL_FIELDS_THREAD  0x10        /* message_id, references */
#define MAIL_FIELDS_ALL     0x1f

struct mail_fields {
	time_t sent;            /* Date: as UTC (RFC 5256 §2.2) */
	int has_sent;           /* 0: no valid Date: (use arrival) */
	time_t arrival;         /* INTERNALDATE: set by the caller */
	long long size;         /* RFC822.SIZE: set by the caller */
	uint32_t order;         /* sequence number: the last tie-breaker,
				 * and the number threads show; caller's */
	char *subject;          /* base subject (§2.1), folded; never NULL
				 * when asked for */
	int is_reply;           /* §2.1 removed a "Re:", "Fwd:", "(fwd)" or
				 * "[fwd: ...]" (REFERENCES step 5) */
	char *from, *to, *cc;   /* addr-mailbox of the first address, folded */
	char *display_from, *display_to;        /* RFC 5957 §3, folded */
	char *message_id;       /* normalized (RFC 5256 §3), NULL if none */
	char **references;      /* References, else the first In-Reply-To */
	size_t nreferences;
};

/* Append the base subject (RFC 5256 §2.1) of the subject s[0..n) (RFC 2047
 * encoded words are decoded first) to out, case-folded; set *is_reply
 * (may be NULL) as for struct mail_fields. 0, or -1 (ENOMEM). */
int mail_base_subject(const char *s, size_t n, struct bytes *out,
		      int *is_reply);

/* Fill what want (MAIL_FIELDS_*) asks from the header section h[0..n);
 * absent fields give "" (strings asked for are never NULL, message_id
 * excepted). f is cleared first. 0, or -1 (ENOMEM) with f freed. */
int mail_fields_read(const char *h, size_t n, unsigned want,
		     struct mail_fields *f);
void mail_fields_free(struct mail_fields *f);

/* The sent date RFC 5256 §2.2 sorts by: Date:, else the arrival. */
time_t mail_fields_sent(const struct mail_fields *f);

enum mail_sort_key {
	MAIL_SORT_ARRIVAL, MAIL_SORT_CC, MAIL_SORT_DATE, MAIL_SORT_FROM,
	MAIL_SORT_SIZE, MAIL_SORT_SUBJECT, MAIL_SORT_TO,
	MAIL_SORT_DISPLAYFROM, MAIL_SORT_DISPLAYTO,     /* RFC 5957 */
};
struct mail_sort_criterion {
	enum mail_sort_key key;
	int reverse;
};
/* The MAIL_FIELDS_* bits the criteria need from the header. */
unsigned mail_sort_needs(const struct mail_sort_criterion *c, size_t nc);

/* <0, 0, >0 as a sorts before, with, after b under the criteria, then
 * by order (RFC 5256 §3: the implicit last criterion). */
int mail_sort_compare(const struct mail_fields *a, const struct mail_fields *b,
		      const struct mail_sort_criterion *c, size_t nc);

/* Sort v[0..n) by the criteria (a stable merge sort). 0, or -1
 * (ENOMEM) with v unchanged. */
int mail_sort(struct mail_fields **v, size_t n,
	      const struct mail_sort_criterion *c, size_t nc);

#endif
