/* delivery.c - helpers shared by the delivery children (delivery.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "bytes.h"
#include "delivery.h"
#include "fsutil.h"
#include "journal.h"
#include "log.h"
#include "state.h"

void delivery_set(struct delivery_rcpt *r, enum result result,
		  const char *relay, const char *reply)
{
	r->result = result;
	state_clean_text(r->relay, sizeof r->relay, relay ? relay : "");
	state_clean_text(r->reply, sizeof r->reply, reply);
}

void delivery_set_rest(struct delivery *d, enum result result,
		       const char *relay, const char *reply)
{
	for (size_t i = 0; i < d->count; i++) {
		struct delivery_rcpt *r = &d->rcpt[i];
		if (r->result != RESULT_NONE)
			continue;
		delivery_set(r, result, relay, reply);
	}
}

int delivery_record(struct delivery *d)
{
	struct bytes journal, report;
	int rc = 0;
	bytes_init(&journal, JOB_REPORT_MAX);
	bytes_init(&report, JOB_REPORT_MAX);
	for (size_t i = 0; i < d->count && rc == 0; i++) {
		struct delivery_rcpt *r = &d->rcpt[i];
		if (r->result == RESULT_NONE || r->recorded)
			continue;
		size_t at = journal.len;
		rc = journal_format_result(&journal, r->index, r->attempt, r->result,
					   r->address, r->relay, r->reply) |
		     bytes_appendf(&report, "%d\t", d->part) |
		     bytes_append(&report, journal.data + at, journal.len - at);
		r->recorded = 1;
	}
	if (rc == 0 && journal.len &&
	    journal_append(d->sp, d->id, journal.data, journal.len, 1) < 0) {
		log_event("id=%s event=error op=journal error=\"%s\"", d->id, strerror(errno));
		rc = -1;
	}
	if (report.len && write_all(d->report_fd, report.data, report.len) < 0)
		rc = -1;
	bytes_free(&journal);
	bytes_free(&report);
	return rc;
}

void delivery_hold_signals(int hold)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	(void)sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}
