/* jobs.c - delivery processes: each job runs in a postern-deliver
 * process (deliver.c), spawned without copying the runner, that appends
 * each recipient's result to the message's journal the moment it is
 * known and copies it to a pipe; when it ends the runner folds them into
 * the state (postern-runner(8), postern-spool(5)). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include "delivery.h"
#include "fsutil.h"
#include "jobspec.h"
#include "journal.h"
#include "log.h"
#include "runner.h"

static struct job *new_job(struct runner *R, int local, const char *domain)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->local = local;
	snprintf(j->domain, sizeof j->domain, "%s", local ? "" : domain);
	j->fd = -1;
	j->created = R->failure_seq;
	bytes_init(&j->report, JOB_REPORT_MAX);
	if (R->waiting_tail)
		R->waiting_tail->next = j;
	else
		R->waiting = j;
	R->waiting_tail = j;
	return j;
}

int jobs_add(struct runner *R, struct active *msg, int local,
	     const char *domain, long *index, size_t count)
{
	struct job *j = R->waiting;
	while (j && (j->parts >= JOB_BATCH_MAX || j->local != local ||
		     (!local && strcasecmp(j->domain, domain) != 0)))
		j = j->next;
	if (!j)
		j = new_job(R, local, domain);
	if (!j) {
		free(index);
		return -1;
	}
	j->part[j->parts++] = (struct job_part){ msg, count, index };
	msg->jobs++;
	return 0;
}

extern char **environ;

/* A pipe with both ends close-on-exec. 0 or -1 (logged). */
static int cloexec_pipe(int p[2])
{
	if (pipe(p) == 0) {
		if (fcntl(p[0], F_SETFD, FD_CLOEXEC) == 0 &&
		    fcntl(p[1], F_SETFD, FD_CLOEXEC) == 0)
			return 0;
		close(p[0]);
		close(p[1]);
	}
	log_event("event=error op=pipe error=\"%s\"", strerror(errno));
	return -1;
}

/* The job j as its delivery process reads it (jobspec.h). 0 or -1. */
static int job_text(struct runner *R, struct job *j, struct bytes *b)
{
	int rc = jobspec_format_job(b, j->local ? "" : j->domain, R->me, (int)R->timeout_cap);
	for (size_t k = 0; k < j->parts && rc == 0; k++) {
		struct job_part *p = &j->part[k];
		struct active *m = p->msg;
		rc = jobspec_format_part(b, m->id);
		for (size_t i = 0; i < p->count && rc == 0; i++) {
			long x = p->index[i];
			rc = jobspec_format_rcpt(b, x, m->st.rcpt[x].attempts + 1,
						 state_envelope_index(&m->st, &m->env, (size_t)x),
						 m->st.rcpt[x].address);
		}
	}
	return rc;
}

/* posix_spawn postern-deliver with the job pipe on its stdin, the
 * report pipe on its stdout and the spool lock on fd 3; SIGTERM and
 * SIGINT back to their defaults, no signal blocked. The pid, or -1. */
static pid_t spawn_deliver(struct runner *R, int job_fd, int report_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	char pid_arg[32];
	char *argv[] = { R->deliver_path, pid_arg, NULL };
	pid_t pid = -1;
	snprintf(pid_arg, sizeof pid_arg, "%ld", (long)getpid());
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc == 0 && (rc = posix_spawnattr_init(&at)) != 0)
		posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	rc = posix_spawn_file_actions_adddup2(&fa, job_fd, 0) |
	     posix_spawn_file_actions_adddup2(&fa, report_fd, 1) |
	     posix_spawn_file_actions_adddup2(&fa, R->lock_fd, 3) |
	     posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) |
	     posix_spawnattr_setsigmask(&at, &none) |
	     posix_spawnattr_setsigdefault(&at, &dfl);
	if (rc == 0)
		rc = posix_spawn(&pid, R->deliver_path, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	errno = rc;
	return rc == 0 ? pid : -1;
}

/* Start j's delivery process and give it the job. j->pid is -1 when
 * none could be started. */
static void start_one(struct runner *R, struct job *j)
{
	int in[2], out[2];
	struct bytes text;
	j->pid = -1;
	if (cloexec_pipe(in) < 0)
		return;
	if (cloexec_pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return;
	}
	pid_t pid = spawn_deliver(R, in[0], out[1]);
	int err = errno;
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		log_event("event=error op=spawn program=%s error=\"%s\"", R->deliver_path,
			  strerror(err));
		close(in[1]);
		close(out[0]);
		return;
	}
	/* the process reads the whole job before it writes: no deadlock; if
	 * it dies first, its recipients get apply_missing's deferral */
	bytes_init(&text, JOB_SPEC_MAX);
	if (job_text(R, j, &text) < 0 || write_all(in[1], text.data, text.len) < 0)
		log_event("event=error op=job-write error=\"%s\"", strerror(errno));
	bytes_free(&text);
	close(in[1]);
	j->pid = pid;
	j->fd = out[0];
}

static void free_job(struct job *j)
{
	for (size_t i = 0; i < j->parts; i++)
		free(j->part[i].index);
	bytes_free(&j->report);
	free(j);
}

/* Apply one pipe line "PART\tJOURNAL-LINE" to the message. */
static void apply_line(struct runner *R, struct job *j, char *line, time_t now);

/* Fold each part's journal into its message's state. */
static void apply_journals(struct runner *R, struct job *j, time_t now);

/* Recipients of j that the report did not mention: deferred. */
static void apply_missing(struct runner *R, struct job *j, int status, time_t now);

/* Free j; each of its messages that has no other job left is settled. */
static void release(struct runner *R, struct job *j)
{
	struct active *msgs[JOB_BATCH_MAX];
	size_t n = j->parts;
	for (size_t i = 0; i < n; i++)
		msgs[i] = j->part[i].msg;
	free_job(j);
	for (size_t i = 0; i < n; i++)
		if (--msgs[i]->jobs == 0)
			runner_settle(R, msgs[i]);
}

static void finish(struct runner *R, struct job *j)
{
	int status = 0;
	time_t now = time(NULL);
	while (j->pid > 0 && waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (j->fd >= 0)
		close(j->fd);
	apply_journals(R, j, now);
	char *p = j->report.data;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		apply_line(R, j, p, now);
		p = nl + 1;
	}
	apply_missing(R, j, status, now);
	if (!j->local && j->pid > 0)
		pacing_finished(R, j, now);
	release(R, j);
}

void jobs_drop_all(struct runner *R)
{
	while (R->waiting) {
		struct job *j = R->waiting;
		R->waiting = j->next;
		free_job(j);
	}
	R->waiting_tail = NULL;
	while (R->msgs) {
		struct active *m = R->msgs;
		R->msgs = m->next;
		runner_free_msg(m);
	}
	R->active_count = 0;
}

/* Waiting job j (unlinked) is not started: its domain went into its
 * backoff after j was queued. Nothing is recorded; its messages are
 * written back as they were and come due again after the backoff. */
static void hold_job(struct runner *R, struct job *j)
{
	log_event("event=held domain=%s messages=%zu reason=domain-backoff", j->domain,
		  j->parts);
	release(R, j);
}

/* Take j, whose link is *pp and whose predecessor is prev, off the
 * waiting list. */
static void unlink_waiting(struct runner *R, struct job **pp, struct job *prev)
{
	struct job *j = *pp;
	*pp = j->next;
	if (R->waiting_tail == j)
		R->waiting_tail = prev;
	j->next = NULL;
}

void jobs_start(struct runner *R)
{
	struct job **pp = &R->waiting, *prev = NULL;
	while (*pp && !runner_stop && (long)R->running_count < R->concurrency) {
		struct job *j = *pp;
		if (!j->local && pacing_failed_since(R, j->domain, j->created, time(NULL))) {
			unlink_waiting(R, pp, prev);
			hold_job(R, j);
			continue;
		}
		if (!j->local && !pacing_may_start(R, j->domain)) {
			prev = j;       /* its domain is at its cap: the next one */
			pp = &j->next;
			continue;
		}
		unlink_waiting(R, pp, prev);
		start_one(R, j);
		if (j->pid < 0) {       /* no process: its recipients wait */
			finish(R, j);
			break;
		}
		if (!j->local)
			pacing_started(R, j->domain);
		j->next = R->running;
		R->running = j;
		R->running_count++;
	}
}

void jobs_read(struct runner *R, struct job *job)
{
	char buf[8192];
	ssize_t n = read(job->fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		(void)bytes_append(&job->report, buf, (size_t)n);  /* cap: ignore more */
		return;
	}
	struct job **pp = &R->running;
	while (*pp && *pp != job)
		pp = &(*pp)->next;
	if (*pp)
		*pp = job->next;
	R->running_count--;
	finish(R, job);
}

void runner_record(struct runner *R, struct active *m, struct rcpt_state *r,
		   char result, const char *relay, const char *reply, time_t now)
{
	char q1[STATE_REPLY_MAX + 64], q2[300], q3[ADDRESS_PATH_MAX * 2];
	r->attempts++;
	snprintf(r->relay, sizeof r->relay, "%s", strcmp(relay, "-") ? relay : "");
	state_clean_text(r->reply, sizeof r->reply, reply);
	const char *word = "sent";
	if (result == RESULT_SENT || result == RESULT_RELAYED) {
		r->status = result == RESULT_SENT ? RCPT_SENT : RCPT_RELAYED;
	} else if (result == RESULT_BOUNCED) {
		r->status = RCPT_BOUNCED;
		word = "bounced";
	} else if (now >= m->env.arrival + R->lifetime) {
		r->status = RCPT_BOUNCED;
		word = "bounced";
		snprintf(q1, sizeof q1, "421 4.4.7 queue lifetime expired; last reply: %s", r->reply);
		state_clean_text(r->reply, sizeof r->reply, q1);
	} else {
		long wait = runner_backoff(R, r->attempts);
		if (!R->once && wait < 1)
			wait = 1;       /* retrymin 0: the daemon must not spin */
		r->next = now + wait;
		if (R->next_due == 0 || r->next < R->next_due)
			R->next_due = r->next;
		word = "deferred";
	}
	log_event("id=%s rcpt=%s result=%s relay=%s reply=%s delay=%lld attempts=%d",
		  m->id, log_quote(r->address, q3, sizeof q3), word,
		  log_quote(r->relay[0] ? r->relay : "-", q2, sizeof q2),
		  log_quote(r->reply, q1, sizeof q1), (long long)(now - m->env.arrival),
		  r->attempts);
}

/* Recipient index of part k of j, marked answered; NULL if not asked. */
static struct rcpt_state *job_rcpt(struct job *j, long k, long index)
{
	if (k < 0 || (size_t)k >= j->parts)
		return NULL;
	struct job_part *p = &j->part[k];
	for (size_t i = 0; i < p->count; i++)
		if (p->index[i] == index) {
			p->index[i] = -1;
			return &p->msg->st.rcpt[index];
		}
	return NULL;
}

int runner_answers(const struct active *m, const struct journal_entry *e)
{
	if (e->maildir || e->index < 0 || (size_t)e->index >= m->st.count)
		return 0;
	const struct rcpt_state *r = &m->st.rcpt[e->index];
	return r->status == RCPT_PENDING && e->attempt == r->attempts + 1 &&
	       strcmp(r->address, e->address) == 0;
}

/* Entry e from part k of j: recorded if it answers a recipient the
 * part asked for. */
static void apply_entry(struct runner *R, struct job *j, long k,
			const struct journal_entry *e, time_t now)
{
	struct active *m = j->part[k].msg;
	struct rcpt_state *r;
	if (!runner_answers(m, e) || !(r = job_rcpt(j, k, e->index)))
		return;
	runner_record(R, m, r, (char)e->result, e->relay, e->reply, now);
	if (e->result != RESULT_DEFERRED)
		j->answered++;
	else if (j->deferred++ == 0)
		state_clean_text(j->error, sizeof j->error, e->reply);
}

struct replay { struct runner *R; struct job *j; long k; time_t now; };

static void replayed(void *ctx, const struct journal_entry *e)
{
	struct replay *c = ctx;
	apply_entry(c->R, c->j, c->k, e, c->now);
}

static void apply_journals(struct runner *R, struct job *j, time_t now)
{
	for (size_t k = 0; k < j->parts; k++) {
		struct replay c = { R, j, (long)k, now };
		if (journal_replay(&R->sp, j->part[k].msg->id, replayed, &c) < 0)
			log_event("id=%s event=error op=journal-read error=\"%s\"",
				  j->part[k].msg->id, strerror(errno));
	}
}

static void apply_line(struct runner *R, struct job *j, char *line, time_t now)
{
	struct journal_entry e;
	char *end;
	long k = strtol(line, &end, 10);
	if (end == line || *end != '\t' || k < 0 || (size_t)k >= j->parts ||
	    journal_parse_line(end + 1, &e) < 0)
		return;
	apply_entry(R, j, k, &e, now);
}

static void apply_missing(struct runner *R, struct job *j, int status, time_t now)
{
	char reply[128];
	snprintf(reply, sizeof reply, "451 4.3.0 the delivery process ended "
		 "without a result (status %d)", status);
	for (size_t k = 0; k < j->parts; k++) {
		struct job_part *p = &j->part[k];
		for (size_t i = 0; i < p->count; i++)
			if (p->index[i] >= 0)
				runner_record(R, p->msg, &p->msg->st.rcpt[p->index[i]],
					      RESULT_DEFERRED, "-", reply, now);
	}
}
