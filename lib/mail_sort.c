/* mail_sort.c - base subjects, sort values and the sort of RFC 5256 and
 * RFC 5957. See mail_sort.h. */
#include "mail_sort.h"
#include "mail_thread.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mime_address.h"
#include "mime_date.h"
#include "mime_encoding.h"
#include "mime_header.h"
#include "mime_search.h"

/* A window [b, e) of a subject being trimmed. */
struct span {
	const char *s;
	size_t b, e;
};

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int starts(const struct span *t, const char *w)
{
	size_t n = strlen(w);
	return t->e - t->b >= n && !strncasecmp(t->s + t->b, w, n);
}

/* subj-blob = "[" *BLOBCHAR "]" *WSP at i: its end, or 0. */
static size_t blob_at(const struct span *t, size_t i)
{
	if (i >= t->e || t->s[i] != '[')
		return 0;
	for (i++; i < t->e && t->s[i] != ']'; i++)
		if (t->s[i] == '[')
			return 0;
	if (i >= t->e)
		return 0;
	for (i++; i < t->e && is_wsp(t->s[i]); i++)
		;
	return i;
}

/* Step 2: remove trailing "(fwd)" and WSP; 1 when a "(fwd)" went. */
static int trim_trailer(struct span *t)
{
	int fwd = 0;
	for (;;) {
		if (t->e > t->b && is_wsp(t->s[t->e - 1]))
			t->e--;
		else if (t->e - t->b >= 5 &&
			 !strncasecmp(t->s + t->e - 5, "(fwd)", 5)) {
			t->e -= 5;
			fwd = 1;
		} else
			return fwd;
	}
}

/* Step 3: subj-leader = (*subj-blob subj-refwd) / WSP, where
 * subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":".
 * 0 nothing, 1 WSP removed, 2 a refwd removed. */
static int trim_leader(struct span *t)
{
	if (t->b < t->e && is_wsp(t->s[t->b])) {
		t->b++;
		return 1;
	}
	size_t i = t->b, k;
	while ((k = blob_at(t, i)) != 0)
		i = k;
	struct span r = { t->s, i, t->e };
	if (starts(&r, "re"))
		i += 2;
	else if (starts(&r, "fwd"))
		i += 3;
	else if (starts(&r, "fw"))
		i += 2;
	else
		return 0;
	while (i < t->e && is_wsp(t->s[i]))
		i++;
	if ((k = blob_at(t, i)) != 0)
		i = k;
	if (i >= t->e || t->s[i] != ':')
		return 0;
	t->b = i + 1;
	return 2;
}

/* Steps 2-6 on the normalized subject. */
static void base_subject(struct span *t, int *is_reply)
{
	for (;;) {
		if (trim_trailer(t))
			*is_reply = 1;
		for (int more = 1; more;) {
			int l = trim_leader(t);
			if (l == 2)
				*is_reply = 1;
			size_t k = blob_at(t, t->b);
			more = l != 0;
			if (k && k < t->e) {    /* step 4: leaves something */
				t->b = k;
				more = 1;
			}
		}
		/* step 6: "[fwd:" ... "]" */
		if (!starts(t, "[fwd:") || t->e - t->b < 6 ||
		    t->s[t->e - 1] != ']')
			return;
		t->b += 5;
		t->e--;
		*is_reply = 1;
	}
}

int mail_base_subject(const char *s, size_t n, struct bytes *out,
		      int *is_reply)
{
	struct bytes d, w;
	int dummy, rc = -1;
	if (!is_reply)
		is_reply = &dummy;
	*is_reply = 0;
	bytes_init(&d, MIME_DECODED_MAX);
	bytes_init(&w, MIME_DECODED_MAX);
	if (mime_rfc2047_decode(s, n, &d) < 0)
		goto done;
	/* step 1: tabs and line ends to spaces, runs of them to one */
	for (size_t i = 0; i < d.len; i++) {
		char c = d.data[i];
		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		if (c == ' ' && w.len && w.data[w.len - 1] == ' ')
			continue;
		if (bytes_append_char(&w, c) < 0)
			goto done;
	}
	struct span t = { bytes_str(&w), 0, w.len };
	base_subject(&t, is_reply);
	rc = mime_fold(t.s + t.b, t.e - t.b, out);
done:
	bytes_free(&d);
	bytes_free(&w);
	return rc;
}

/* The first address of a list, as the sort keys want it. */
struct first_address {
	int found;
	struct bytes mailbox, display;
};

static int take_first(void *ctx, const struct mime_address *a)
{
	struct first_address *f = ctx;
	if (f->found || !a->mailbox || !a->host)
		return 0;       /* a group's start or end */
	f->found = 1;
	/* RFC 5957 §3: the decoded name, else mailbox@host */
	if (a->name && mime_rfc2047_decode(a->name, strlen(a->name),
					   &f->display) < 0)
		return -1;
	if (f->display.len == 0 &&
	    bytes_appendf(&f->display, "%s@%s", a->mailbox, a->host) < 0)
		return -1;
	return bytes_append_str(&f->mailbox, a->mailbox) < 0 ? -1 : 0;
}

/* A folded copy of b, or NULL (ENOMEM). */
static char *folded(const struct bytes *b)
{
	struct bytes f;
	bytes_init(&f, MIME_DECODED_MAX);
	if (mime_fold(bytes_str(b), b->len, &f) < 0 ||
	    bytes_append(&f, "", 0) < 0) {
		bytes_free(&f);
		return NULL;
	}
	return f.data ? f.data : strdup("");
}

/* The first address of the first field named name: its mailbox and
 * display value, folded ("" when absent). 0 or -1. */
static int address_keys(const char *h, size_t n, const char *name,
			char **mailbox, char **display)
{
	struct mime_field fld;
	struct first_address f = { 0 };
	struct bytes u;
	int rc = 0;
	bytes_init(&f.mailbox, MIME_DECODED_MAX);
	bytes_init(&f.display, MIME_DECODED_MAX);
	bytes_init(&u, MIME_DECODED_MAX);
	if (mime_header_find(h, n, name, &fld) &&
	    (mime_unfold(fld.value, fld.value_len, &u) < 0 ||
	     mime_address_parse(bytes_str(&u), take_first, &f) != 0))
		rc = -1;
	if (rc == 0 && mailbox && !(*mailbox = folded(&f.mailbox)))
		rc = -1;
	if (rc == 0 && display && !(*display = folded(&f.display)))
		rc = -1;
	bytes_free(&f.mailbox);
	bytes_free(&f.display);
	bytes_free(&u);
	return rc;
}

static int read_subject(const char *h, size_t n, struct mail_fields *f)
{
	struct mime_field fld;
	struct bytes b, u;
	int rc = 0;
	bytes_init(&b, MIME_DECODED_MAX);
	bytes_init(&u, MIME_DECODED_MAX);
	if (mime_header_find(h, n, "Subject", &fld))
		rc = mime_unfold(fld.value, fld.value_len, &u);
	if (rc == 0)
		rc = mail_base_subject(bytes_str(&u), u.len, &b, &f->is_reply);
	if (rc == 0)
		rc = bytes_append(&b, "", 0);
	if (rc == 0)
		f->subject = b.data ? b.data : strdup("");
	else
		bytes_free(&b);
	bytes_free(&u);
	return rc == 0 && f->subject ? 0 : -1;
}

int mail_fields_read(const char *h, size_t n, unsigned want,
		     struct mail_fields *f)
{
	struct mime_date d;
	memset(f, 0, sizeof *f);
	if ((want & MAIL_FIELDS_DATE) && mime_date_header(h, n, &d) == 0) {
		f->sent = mime_date_time(&d);
		f->has_sent = 1;
	}
	int rc = 0;
	if (want & MAIL_FIELDS_SUBJECT)
		rc |= read_subject(h, n, f);
	if (want & (MAIL_FIELDS_ADDRESS | MAIL_FIELDS_DISPLAY)) {
		int addr = (want & MAIL_FIELDS_ADDRESS) != 0;
		int disp = (want & MAIL_FIELDS_DISPLAY) != 0;
		rc |= address_keys(h, n, "From", addr ? &f->from : NULL,
				   disp ? &f->display_from : NULL);
		rc |= address_keys(h, n, "To", addr ? &f->to : NULL,
				   disp ? &f->display_to : NULL);
		if (addr)
			rc |= address_keys(h, n, "Cc", &f->cc, NULL);
	}
	if (want & MAIL_FIELDS_THREAD)
		rc |= mail_thread_ids_read(h, n, f);
	if (rc) {
		mail_fields_free(f);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void mail_fields_free(struct mail_fields *f)
{
	free(f->subject);
	free(f->from);
	free(f->to);
	free(f->cc);
	free(f->display_from);
	free(f->display_to);
	free(f->message_id);
	for (size_t i = 0; i < f->nreferences; i++)
		free(f->references[i]);
	free(f->references);
	memset(f, 0, sizeof *f);
}

time_t mail_fields_sent(const struct mail_fields *f)
{
	return f->has_sent ? f->sent : f->arrival;
}

unsigned mail_sort_needs(const struct mail_sort_criterion *c, size_t nc)
{
	unsigned want = 0;
	for (size_t i = 0; i < nc; i++)
		switch (c[i].key) {
		case MAIL_SORT_CC: case MAIL_SORT_FROM: case MAIL_SORT_TO:
			want |= MAIL_FIELDS_ADDRESS;
			break;
		case MAIL_SORT_DISPLAYFROM: case MAIL_SORT_DISPLAYTO:
			want |= MAIL_FIELDS_DISPLAY;
			break;
		case MAIL_SORT_DATE:
			want |= MAIL_FIELDS_DATE;
			break;
		case MAIL_SORT_SUBJECT:
			want |= MAIL_FIELDS_SUBJECT;
			break;
		default:
			break;
		}
	return want;
}

static int compare_numbers(long long a, long long b)
{
	return a < b ? -1 : a > b;
}

static int compare_strings(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int compare_key(const struct mail_fields *a, const struct mail_fields *b,
		       enum mail_sort_key key)
{
	switch (key) {
	case MAIL_SORT_ARRIVAL: return compare_numbers(a->arrival, b->arrival);
	case MAIL_SORT_DATE:
		return compare_numbers(mail_fields_sent(a), mail_fields_sent(b));
	case MAIL_SORT_SIZE: return compare_numbers(a->size, b->size);
	case MAIL_SORT_CC: return compare_strings(a->cc, b->cc);
	case MAIL_SORT_FROM: return compare_strings(a->from, b->from);
	case MAIL_SORT_TO: return compare_strings(a->to, b->to);
	case MAIL_SORT_SUBJECT: return compare_strings(a->subject, b->subject);
	case MAIL_SORT_DISPLAYFROM:
		return compare_strings(a->display_from, b->display_from);
	case MAIL_SORT_DISPLAYTO:
		return compare_strings(a->display_to, b->display_to);
	}
	return 0;
}

int mail_sort_compare(const struct mail_fields *a, const struct mail_fields *b,
		      const struct mail_sort_criterion *c, size_t nc)
{
	for (size_t i = 0; i < nc; i++) {
		int r = compare_key(a, b, c[i].key);
		if (r)
			return c[i].reverse ? -r : r;
	}
	return compare_numbers(a->order, b->order);
}

static void merge_sort(struct mail_fields **v, struct mail_fields **tmp,
		       size_t n, const struct mail_sort_criterion *c, size_t nc)
{
	if (n < 2)
		return;
	size_t h = n / 2, i = 0, j = h, k = 0;
	merge_sort(v, tmp, h, c, nc);
	merge_sort(v + h, tmp, n - h, c, nc);
	while (i < h && j < n)
		tmp[k++] = mail_sort_compare(v[j], v[i], c, nc) < 0 ?
			   v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

int mail_sort(struct mail_fields **v, size_t n,
	      const struct mail_sort_criterion *c, size_t nc)
{
	struct mail_fields **tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!tmp)
		return -1;
	merge_sort(v, tmp, n, c, nc);
	free(tmp);
	return 0;
}
