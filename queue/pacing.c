/* pacing.c - per-destination pacing of remote deliveries (issue 15): a
 * domain where every recipient of a delivery was deferred is not tried
 * again before its own backoff ends, whatever its messages' retry times
 * say; then one delivery probes it before the others follow; and no
 * domain has more than "domainconcurrency" deliveries running, so a slow
 * or throttling domain cannot take every slot. The state lives in
 * spool/domains (domains.h); see postern-runner(8). */
#include <errno.h>
#include <string.h>
#include "aliases.h"
#include "domains.h"
#include "log.h"
#include "runner.h"

void pacing_load(struct runner *R)
{
	if (domains_read(&R->sp, &R->domains) < 0)
		log_event("event=error op=read-domains error=\"%s\" (starting without "
			  "per-domain backoff)", strerror(errno));
}

int pacing_failed_since(struct runner *R, const char *domain, unsigned long since,
			time_t now)
{
	struct domain_state *d = domains_find(R->domains, domain);
	return d && d->failures > 0 && d->next > now && d->failed_seq > since;
}

size_t pacing_hold(struct runner *R, struct active *m, char *due, time_t now)
{
	size_t held = 0;
	for (size_t i = 0; i < m->st.count; i++) {
		struct domain_state *d;
		if (!due[i] || !(d = domains_find(R->domains,
						   address_domain(m->st.rcpt[i].address))) ||
		    d->failures == 0 || d->next <= now)
			continue;
		due[i] = 0;
		held++;
		if (R->next_due == 0 || d->next < R->next_due)
			R->next_due = d->next;
	}
	if (held)
		log_event("id=%s event=held recipients=%zu reason=domain-backoff", m->id, held);
	return held;
}

int pacing_may_start(struct runner *R, const char *domain)
{
	struct domain_state *d = domains_find(R->domains, domain);
	if (!d)
		return 1;
	/* a domain that failed gets one probe at a time */
	return d->running < (d->failures > 0 ? 1 : R->domain_concurrency);
}

void pacing_started(struct runner *R, const char *domain)
{
	struct domain_state *d = domains_get(&R->domains, domain);
	if (d)
		d->running++;
	else
		log_event("event=error op=domain-state error=\"%s\"", strerror(ENOMEM));
}

static void save(struct runner *R)
{
	if (domains_write(&R->sp, R->domains) < 0)
		log_event("event=error op=write-domains error=\"%s\"", strerror(errno));
}

/* A job's outcome for its domain: answered (some recipient sent or
 * refused for good) clears a failure; only deferrals count one. */
void pacing_finished(struct runner *R, const struct job *j, time_t now)
{
	struct domain_state *d = domains_find(R->domains, j->domain);
	if (!d)
		return;
	if (d->running > 0)
		d->running--;
	if (j->answered > 0 && d->failures > 0) {
		log_event("event=domain-up domain=%s after=%d", d->name, d->failures);
		d->failures = 0;
		save(R);
	} else if (j->answered == 0 && j->deferred > 0) {
		long wait = runner_backoff(R, ++d->failures);
		if (!R->once && wait < 1)
			wait = 1;
		d->next = now + wait;
		d->last = now;
		d->failed_seq = ++R->failure_seq;
		memcpy(d->error, j->error, sizeof d->error);
		if (R->next_due == 0 || d->next < R->next_due)
			R->next_due = d->next;
		log_event("event=domain-backoff domain=%s failures=%d next=%lld", d->name,
			  d->failures, (long long)d->next);
		save(R);
	}
	domains_prune(&R->domains);
}
