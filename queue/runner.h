/* runner.h - the queue runner's internals, shared by runner.c (main
 * loop), scan.c (what is due, finishing messages) and jobs.c (delivery
 * children). See postern-runner(8) and postern-spool(5). */
#ifndef POSTERN_QUEUE_RUNNER_H
#define POSTERN_QUEUE_RUNNER_H
#include <signal.h>
#include <sys/types.h>
#include <time.h>
#include "bytes.h"
#include "domains.h"
#include "journal.h"
#include "limits.h"
#include "spool.h"
#include "state.h"

/* A message held in memory while it has jobs waiting or running. */
struct active {
	char id[SPOOL_ID_MAX];
	struct envelope env;
	off_t offset;           /* of the message in queue/ID */
	off_t size;             /* message bytes */
	struct msg_state st;
	int jobs;               /* waiting or running */
	struct active *next;
};

/* One delivery: a message's local recipients, or its recipients in one
 * remote domain. */
struct job_part {
	struct active *msg;
	size_t count;
	long *index;            /* recipients (indexes into msg->st) */
};

/* A job: parts of up to JOB_BATCH_MAX messages that go the same way (all
 * local, or one remote domain), delivered by one child in turn, over one
 * SMTP connection when they are remote. */
struct job {
	int local;
	char domain[ADDRESS_DOMAIN_MAX + 1];
	size_t parts;
	struct job_part part[JOB_BATCH_MAX];
	unsigned long created;  /* R->failure_seq when it was queued */
	pid_t pid;
	int fd;                 /* read end of the report pipe; -1 waiting */
	size_t answered;        /* results sent or bounced (pacing) */
	size_t deferred;        /* results deferred */
	char error[STATE_REPLY_MAX];    /* the first deferral's reply */
	struct bytes report;
	struct job *next;
};

/* IDs seen by a "runner -1" (not attempted twice in one run). */
struct idset {
	size_t count, size;
	char **slot;
};

struct runner {
	struct spool sp;
	int once;                       /* -1: one pass, then exit */
	int lock_fd, trigger_fd;
	char deliver_path[PATH_MAX_POSTERN];    /* postern-deliver, beside us */
	long concurrency, retrymin, retrymax, lifetime, timeout_cap;
	long delaywarning;              /* seconds; 0: no delay warnings */
	long domain_concurrency;        /* remote deliveries per domain */
	struct domain_state *domains;   /* pacing.c, spool/domains */
	unsigned long failure_seq;      /* domain failures so far */
	char me[ADDRESS_DOMAIN_MAX + 1];
	struct active *msgs;
	size_t active_count;
	struct job *waiting, *waiting_tail, *running;
	size_t running_count;
	time_t next_due;                /* earliest retry among idle messages */
	time_t last_sweep;
	int truncated;                  /* the last scan stopped at RUNNER_ACTIVE_MAX */
	int found_work;                 /* the last scan started something */
	int rescan;                     /* something new was queued by us */
	struct idset seen;
};

extern volatile sig_atomic_t runner_stop;

/* scan.c */
/* Re-read the control files the runner uses (each scan). */
void runner_read_controls(struct runner *R);
/* Look through queue/: start jobs for what is due, finish what is done,
 * note the next due time. Clears tmp/ debris and orphan state files when
 * an hour has passed (or in -1 mode). */
void runner_scan(struct runner *R);
/* A message whose jobs have all ended: write its state; when no
 * recipient is pending, send the DSN and remove it. Frees msg. */
void runner_settle(struct runner *R, struct active *msg);
/* Free a message held in memory (not in R->msgs any more). */
void runner_free_msg(struct active *m);
/* Seconds to wait before the attempt after `attempts` attempts. */
long runner_backoff(const struct runner *R, int attempts);

/* jobs.c */
/* Queue the delivery of recipients index[0..count) of msg (index is
 * taken): added to a waiting job going the same way, else a new job. */
int jobs_add(struct runner *R, struct active *msg, int local,
	     const char *domain, long *index, size_t count);
/* Start waiting jobs while fewer than concurrency run. */
void jobs_start(struct runner *R);
/* Read a running job's pipe; at its end apply the results. */
void jobs_read(struct runner *R, struct job *job);
/* Record the result of an attempt on recipient r of m (logged): sent,
 * bounced, or deferred (then due again after the backoff, or bounced
 * when queuelifetime is over). */
void runner_record(struct runner *R, struct active *m, struct rcpt_state *r,
		   char result, const char *relay, const char *reply, time_t now);
/* Does journal entry e answer the attempt m's state has in progress for
 * its recipient (same address, pending, the next attempt)? 1/0. */
int runner_answers(const struct active *m, const struct journal_entry *e);
/* On exit (no job running): drop the waiting jobs and every message held
 * in memory, recording nothing; they are attempted again next time. */
void jobs_drop_all(struct runner *R);

/* pacing.c: per-destination backoff and concurrency */
/* Read spool/domains (a broken file is logged and ignored). */
void pacing_load(struct runner *R);
/* Did domain fail after the runner's failure count was since, so that
 * it is in its backoff at now? 1/0. (A job queued for it before is
 * held; one queued during its backoff was forced by postern-queue
 * retry.) */
int pacing_failed_since(struct runner *R, const char *domain, unsigned long since,
			time_t now);
/* Clear due[i] for m's recipients whose domain is in its backoff (noting
 * its end in R->next_due). Returns how many were held. */
size_t pacing_hold(struct runner *R, struct active *m, char *due, time_t now);
/* May one more job for domain start now (domainconcurrency; one at a
 * time while it is failing)? 1/0. */
int pacing_may_start(struct runner *R, const char *domain);
/* A job for domain has started. */
void pacing_started(struct runner *R, const char *domain);
/* Remote job j (started) has ended: its results update its domain's
 * state, saved when that changes. */
void pacing_finished(struct runner *R, const struct job *j, time_t now);

/* idset.c */
/* Add id (copied) to the set. 0, or -1 (ENOMEM) with the set unchanged. */
int idset_add(struct idset *s, const char *id);
/* Is id in the set? 1/0. */
int idset_has(const struct idset *s, const char *id);
/* Free every copy; the set is then empty and reusable. */
void idset_free(struct idset *s);

#endif
