/* queue_stats.c - postern-queue stats [-j] (postern-queue(8)): the
 * queue's size and age, and per destination domain the pending
 * recipients and messages (from queue/ and state/) with the runner's
 * backoff state (spool/domains, domains.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "aliases.h"
#include "domains.h"
#include "json.h"
#include "log.h"
#include "queue_stats.h"
#include "state.h"

/* One destination domain's counts. */
struct domain_count {
	char name[ADDRESS_DOMAIN_MAX + 1];
	size_t recipients, messages;
	size_t last_msg;                /* the message counted last, + 1 */
	const struct domain_state *state;
};

struct stats {
	size_t messages;
	long long bytes;
	long oldest;                    /* seconds; -1 empty */
	size_t count, alloc;
	struct domain_count *dom;
};

static struct domain_count *domain_count(struct stats *s, const char *name)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcasecmp(s->dom[i].name, name) == 0)
			return &s->dom[i];
	if (s->count == s->alloc) {
		size_t n = s->alloc ? s->alloc * 2 : 16;
		struct domain_count *d = realloc(s->dom, n * sizeof *d);
		if (!d)
			log_fatal(111, "out of memory");
		s->dom = d;
		s->alloc = n;
	}
	struct domain_count *d = &s->dom[s->count++];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	return d;
}

/* Count message number k (queue/ID): its size, age and pending
 * recipients per domain. A message gone meanwhile counts for nothing. */
static void count_message(struct spool *sp, struct stats *s, const char *id,
			  size_t k, time_t now)
{
	struct envelope env;
	struct msg_state st;
	char path[PATH_MAX_POSTERN];
	struct stat qs;
	if (spool_read_envelope(sp, id, &env, NULL) < 0)
		return;
	if (spool_path(sp, "queue", id, path, sizeof path) == 0 && stat(path, &qs) == 0) {
		s->messages++;
		s->bytes += (long long)qs.st_size;
		if (now - env.arrival > s->oldest)
			s->oldest = (long)(now - env.arrival);
	}
	int rc = state_read(sp, id, &st);
	if (rc == 0)
		rc = state_from_envelope(&st, &env);
	for (size_t i = 0; rc >= 0 && i < st.count; i++) {
		if (st.rcpt[i].status != RCPT_PENDING)
			continue;
		struct domain_count *d = domain_count(s, address_domain(st.rcpt[i].address));
		d->recipients++;
		if (d->last_msg != k + 1)
			d->messages++;
		d->last_msg = k + 1;
	}
	state_free(&st);
	envelope_free(&env);
}

static int by_name(const void *a, const void *b)
{
	return strcasecmp(((const struct domain_count *)a)->name,
			  ((const struct domain_count *)b)->name);
}

static void print_text(const struct stats *s, time_t now)
{
	char age[32];
	if (s->oldest < 0)
		snprintf(age, sizeof age, "-");
	else
		queue_age_text(s->oldest, age, sizeof age);
	printf("messages %zu\noldest %s\nbytes %lld\n", s->messages, age, s->bytes);
	for (size_t i = 0; i < s->count; i++) {
		const struct domain_count *d = &s->dom[i];
		printf("domain %s recipients %zu messages %zu", d->name, d->recipients,
		       d->messages);
		if (d->state) {
			queue_age_text((long)(d->state->next - now), age, sizeof age);
			printf(" failures %d next-try %s last-error %s", d->state->failures,
			       d->state->next > now ? age : "now", d->state->error);
		}
		printf("\n");
	}
}

static void print_json(const struct stats *s)
{
	struct bytes out;
	struct json_writer w;
	bytes_init(&out, (size_t)-1 / 2);
	json_writer_init(&w, &out);
	json_object_begin(&w);
	json_key(&w, "messages");
	json_int64(&w, (int64_t)s->messages);
	json_key(&w, "oldest");         /* seconds */
	if (s->oldest < 0)
		json_null(&w);
	else
		json_int64(&w, s->oldest);
	json_key(&w, "bytes");
	json_int64(&w, s->bytes);
	json_key(&w, "domains");
	json_array_begin(&w);
	for (size_t i = 0; i < s->count; i++) {
		const struct domain_count *d = &s->dom[i];
		json_object_begin(&w);
		json_key(&w, "domain");
		json_str(&w, d->name);
		json_key(&w, "recipients");
		json_int64(&w, (int64_t)d->recipients);
		json_key(&w, "messages");
		json_int64(&w, (int64_t)d->messages);
		json_key(&w, "failures");
		json_int64(&w, d->state ? d->state->failures : 0);
		json_key(&w, "nextTry");        /* Unix time, null: any time */
		if (d->state)
			json_int64(&w, (int64_t)d->state->next);
		else
			json_null(&w);
		json_key(&w, "lastError");
		if (d->state)
			json_str(&w, d->state->error);
		else
			json_null(&w);
		json_end(&w);
	}
	json_end(&w);
	json_end(&w);
	if (w.error || bytes_append(&out, "\n", 1) < 0 ||
	    fwrite(out.data, 1, out.len, stdout) != out.len)
		log_fatal(111, "cannot write the statistics");
	bytes_free(&out);
}

int queue_stats(struct spool *sp, int json)
{
	struct spool_list list;
	struct stats s = { .oldest = -1 };
	struct domain_state *states = NULL;
	time_t now = time(NULL);
	if (spool_list(sp, &list) < 0)
		log_fatal(111, "cannot list the queue: %s", strerror(errno));
	if (domains_read(sp, &states) < 0)
		log_fatal(111, "cannot read the spool's domains file: %s", strerror(errno));
	for (size_t i = 0; i < list.count; i++)
		count_message(sp, &s, list.ids[i], i, now);
	for (struct domain_state *d = states; d; d = d->next_state)
		domain_count(&s, d->name)->state = d;
	if (s.count)
		qsort(s.dom, s.count, sizeof *s.dom, by_name);
	if (json)
		print_json(&s);
	else
		print_text(&s, now);
	free(s.dom);
	domains_free(&states);
	spool_list_free(&list);
	return 0;
}
