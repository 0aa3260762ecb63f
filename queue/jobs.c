/* jobs.c - delivery children: each job runs in a forked child that
 * reports one line per recipient on a pipe; only the parent records the
 * results (postern-runner(8)). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include "deliver_local.h"
#include "delivery.h"
#include "log.h"
#include "runner.h"
#include "smtp_client.h"

static struct job *new_job(struct runner *R, int local, const char *domain)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->local = local;
	snprintf(j->domain, sizeof j->domain, "%s", local ? "" : domain);
	j->fd = -1;
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

/* A part's delivery, its queue file opened. 0, or -1 (ENOMEM). */
static int part_delivery(struct runner *R, struct job_part *p, struct delivery *d)
{
	struct active *m = p->msg;
	char path[PATH_MAX_POSTERN];
	*d = (struct delivery){ .id = m->id, .env = &m->env, .offset = m->offset,
				.size = m->size, .me = R->me,
				.timeout_cap = (int)R->timeout_cap, .count = p->count };
	d->rcpt = calloc(p->count, sizeof *d->rcpt);
	if (!d->rcpt)
		return -1;
	for (size_t i = 0; i < p->count; i++) {
		d->rcpt[i].index = p->index[i];
		d->rcpt[i].address = m->st.rcpt[p->index[i]].address;
	}
	d->fd = spool_path(&R->sp, "queue", m->id, path, sizeof path) < 0 ? -1 :
		open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0)
		delivery_set_rest(d, RESULT_DEFERRED, "", "451 4.3.0 the queue file is gone");
	return 0;
}

/* In the child: deliver every part and report on fd, then exit. */
static void child_run(struct runner *R, struct job *j, int fd)
	__attribute__((noreturn));
static void child_run(struct runner *R, struct job *j, int fd)
{
	struct delivery d[JOB_BATCH_MAX];
	struct delivery *todo[JOB_BATCH_MAX];
	size_t n = 0;
	for (size_t i = 0; i < j->parts; i++) {
		if (part_delivery(R, &j->part[i], &d[i]) < 0)
			_exit(111);
		if (d[i].fd >= 0)
			todo[n++] = &d[i];
	}
	if (j->local)
		for (size_t i = 0; i < n; i++)
			local_deliver(todo[i]);
	else if (n > 0)
		smtp_deliver(todo, n, j->domain);
	int rc = 0;
	for (size_t i = 0; i < j->parts; i++)
		rc |= delivery_report(&d[i], (int)i, fd);
	_exit(rc < 0 ? 111 : 0);
}

static void start_one(struct runner *R, struct job *j)
{
	int p[2];
	if (pipe(p) < 0 || fcntl(p[0], F_SETFD, FD_CLOEXEC) < 0) {
		log_event("event=error op=pipe error=\"%s\"", strerror(errno));
		j->pid = -1;
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		close(p[0]);
		close(R->lock_fd);      /* a child must not keep the runner's lock */
		if (R->trigger_fd >= 0)
			close(R->trigger_fd);
		for (struct job *o = R->running; o; o = o->next)
			close(o->fd);
		child_run(R, j, p[1]);
	}
	close(p[1]);
	if (pid < 0) {
		log_event("event=error op=fork error=\"%s\"", strerror(errno));
		close(p[0]);
		j->pid = -1;
		return;
	}
	j->pid = pid;
	j->fd = p[0];
}

static void free_job(struct job *j)
{
	for (size_t i = 0; i < j->parts; i++)
		free(j->part[i].index);
	bytes_free(&j->report);
	free(j);
}

/* Apply one report line "INDEX R\tRELAY\tREPLY" to the message. */
static void apply_line(struct runner *R, struct job *j, char *line, time_t now);

/* Recipients of j that the report did not mention: deferred. */
static void apply_missing(struct runner *R, struct job *j, int status, time_t now);

static void finish(struct runner *R, struct job *j)
{
	int status = 0;
	time_t now = time(NULL);
	while (j->pid > 0 && waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (j->fd >= 0)
		close(j->fd);
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
	struct active *msgs[JOB_BATCH_MAX];
	size_t n = j->parts;
	for (size_t i = 0; i < n; i++)
		msgs[i] = j->part[i].msg;
	free_job(j);
	for (size_t i = 0; i < n; i++)
		if (--msgs[i]->jobs == 0)
			runner_settle(R, msgs[i]);
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

void jobs_start(struct runner *R)
{
	while (R->waiting && !runner_stop &&
	       (long)R->running_count < R->concurrency) {
		struct job *j = R->waiting;
		R->waiting = j->next;
		if (!R->waiting)
			R->waiting_tail = NULL;
		j->next = NULL;
		start_one(R, j);
		if (j->pid < 0) {       /* no child: its recipients wait */
			finish(R, j);
			break;
		}
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

/* The result of an attempt on recipient r, logged. */
static void record(struct runner *R, struct active *m, struct rcpt_state *r,
		   char result, const char *relay, const char *reply, time_t now)
{
	char q1[STATE_REPLY_MAX + 64], q2[300], q3[ADDRESS_PATH_MAX * 2];
	r->attempts++;
	snprintf(r->relay, sizeof r->relay, "%s", strcmp(relay, "-") ? relay : "");
	state_clean_text(r->reply, sizeof r->reply, reply);
	const char *word = "sent";
	if (result == RESULT_SENT) {
		r->status = RCPT_SENT;
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

/* One report line "PART INDEX R\tRELAY\tREPLY". */
static void apply_line(struct runner *R, struct job *j, char *line, time_t now)
{
	char *end, *relay, *reply;
	long k = strtol(line, &end, 10);
	if (end == line || *end != ' ')
		return;
	long index = strtol(end + 1, &end, 10);
	if (*end != ' ' || !end[1] || end[2] != '\t')
		return;
	char result = end[1];
	relay = end + 3;
	reply = strchr(relay, '\t');
	if (!reply)
		return;
	*reply++ = '\0';
	struct rcpt_state *r = job_rcpt(j, k, index);
	if (r && (result == RESULT_SENT || result == RESULT_BOUNCED ||
		  result == RESULT_DEFERRED))
		record(R, j->part[k].msg, r, result, relay, reply, now);
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
				record(R, p->msg, &p->msg->st.rcpt[p->index[i]],
				       RESULT_DEFERRED, "-", reply, now);
	}
}
