/* scan.c - what the runner does with each message in queue/: decide what
 * is due, group recipients into jobs, expire, bounce and remove. The spool
 * states and crash recovery are in postern-spool(5) "STATE FILES". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "aliases.h"
#include "bounce.h"
#include "control.h"
#include "settings.h"
#include "local.h"
#include "log.h"
#include "runner.h"

void runner_read_controls(struct runner *R)
{
	int bad = setting_load(SETTING_CONCURRENCY, &R->concurrency) |
		  setting_load(SETTING_RETRYMIN, &R->retrymin) |
		  setting_load(SETTING_RETRYMAX, &R->retrymax) |
		  setting_load(SETTING_QUEUELIFETIME, &R->lifetime) |
		  setting_load(SETTING_RELAYTIMEOUT, &R->timeout_cap) |
		  setting_load(SETTING_DELAYWARNING, &R->delaywarning) |
		  setting_load(SETTING_DOMAINCONCURRENCY, &R->domain_concurrency);
	if (bad)        /* lib/settings.h: refuse to run, each logged */
		log_fatal(111, "configuration error, not delivering");
	if (R->retrymax < R->retrymin)
		R->retrymax = R->retrymin;
	if (control_me(R->me, sizeof R->me) < 0)
		snprintf(R->me, sizeof R->me, "localhost");
}

long runner_backoff(const struct runner *R, int attempts)
{
	long d = R->retrymin;
	for (int i = 1; i < attempts && d < R->retrymax; i++)
		d = d > 0 ? d * 2 : 0;
	return d > R->retrymax ? R->retrymax : d;
}

static struct active *find_active(struct runner *R, const char *id)
{
	for (struct active *m = R->msgs; m; m = m->next)
		if (strcmp(m->id, id) == 0)
			return m;
	return NULL;
}

void runner_free_msg(struct active *m)
{
	envelope_free(&m->env);
	state_free(&m->st);
	free(m);
}

/* Does spool/SUB/ID exist? */
static int spool_has(struct runner *R, const char *sub, const char *id)
{
	char path[PATH_MAX_POSTERN];
	return spool_path(&R->sp, sub, id, path, sizeof path) == 0 &&
	       access(path, F_OK) == 0;
}

/* Remove debris from tmp/ (old files) or state/ (state files and
 * journals without their queue file); names starting with '.' kept. */
static void sweep_dir(struct runner *R, const char *sub, time_t now)
{
	char dir[PATH_MAX_POSTERN];
	if (spool_path(&R->sp, sub, NULL, dir, sizeof dir) < 0)
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		char id[SPOOL_ID_MAX];
		const char *owner = journal_file_id(e->d_name, id, sizeof id) ? id : e->d_name;
		int debris = strcmp(sub, "tmp") == 0 ?
			     now - st.st_mtime > SPOOL_TMP_DEBRIS_AGE :
			     !spool_has(R, "queue", owner) && !find_active(R, owner);
		if (debris && unlinkat(dirfd(d), e->d_name, 0) == 0)
			log_event("event=removed-debris file=%s/%s", sub, e->d_name);
	}
	closedir(d);
}

/* The delay warning (RFC 3464 Action: delayed), once per message, after
 * delaywarning seconds, for pending recipients whose NOTIFY allows it;
 * never for a bounce (the null sender). Committed before the state
 * records it: a crash between the two can send it twice, never lose it. */
static void delay_warning(struct runner *R, struct active *m, time_t now)
{
	char path[PATH_MAX_POSTERN];
	if (m->st.delay_warned || R->delaywarning <= 0 ||
	    now - m->env.arrival < R->delaywarning || !bounce_needed(&m->env, &m->st, 1))
		return;
	int fd = spool_path(&R->sp, "queue", m->id, path, sizeof path) < 0 ? -1 :
		 open(path, O_RDONLY | O_CLOEXEC);
	struct spool_writer *w = malloc(sizeof *w);
	if (fd >= 0 && w && bounce_write(&R->sp, w, m->id, &m->env, &m->st, fd, m->offset,
					 1) == BOUNCE_WRITTEN && spool_commit(w) == 0) {
		m->st.delay_warned = 1;
		log_event("id=%s event=delay-warning dsn=%s", m->id, w->id);
		R->rescan = 1;
	} else {
		log_event("id=%s event=error op=delay-warning error=\"%s\"", m->id, strerror(errno));
	}
	free(w);
	if (fd >= 0)
		close(fd);
}

/* Write the DSN for msg's bounced recipients (see bounce.h): the state
 * records its ID before it is committed, so a crash cannot send two.
 * 0 sent or not needed, -1 try again later. */
static int send_dsn(struct runner *R, struct active *m)
{
	char path[PATH_MAX_POSTERN];
	if (m->st.dsn_id[0] && spool_has(R, "queue", m->st.dsn_id))
		return 0;       /* committed before a crash */
	int fd = spool_path(&R->sp, "queue", m->id, path, sizeof path) < 0 ? -1 :
		 open(path, O_RDONLY | O_CLOEXEC);
	struct spool_writer *w = malloc(sizeof *w);
	enum bounce_outcome o = fd < 0 || !w ? BOUNCE_ERROR :
		bounce_write(&R->sp, w, m->id, &m->env, &m->st, fd, m->offset, 0);
	int rc = -1;
	if (o == BOUNCE_DISCARD) {
		log_event("id=%s event=double-bounce-discarded", m->id);
		rc = 0;
	} else if (o == BOUNCE_WRITTEN) {
		memcpy(m->st.dsn_id, w->id, sizeof m->st.dsn_id);
		if (state_write(&R->sp, m->id, &m->st) < 0) {
			spool_abort(w);
		} else if (spool_commit(w) == 0) {
			log_event("id=%s event=bounce dsn=%s", m->id, m->st.dsn_id);
			R->rescan = 1;
			rc = 0;
		}
	}
	if (rc < 0)
		log_event("id=%s event=error op=bounce error=\"%s\"", m->id, strerror(errno));
	free(w);
	if (fd >= 0)
		close(fd);
	return rc;
}

static void unlink_from_active(struct runner *R, struct active *m)
{
	for (struct active **pp = &R->msgs; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			R->active_count--;
			return;
		}
}

void runner_settle(struct runner *R, struct active *m)
{
	size_t pending, sent, bounced;
	char path[PATH_MAX_POSTERN];
	unlink_from_active(R, m);
	if (!spool_has(R, "queue", m->id)) {    /* removed meanwhile (postern-queue rm) */
		if (spool_path(&R->sp, "state", m->id, path, sizeof path) == 0)
			(void)unlink(path);
		(void)journal_remove(&R->sp, m->id);
		log_event("id=%s event=gone", m->id);
		runner_free_msg(m);
		return;
	}
	state_counts(&m->st, &pending, &sent, &bounced);
	if (pending > 0 || (bounce_needed(&m->env, &m->st, 0) && send_dsn(R, m) < 0)) {
		if (state_write(&R->sp, m->id, &m->st) < 0)
			log_event("id=%s event=error op=state-write error=\"%s\"", m->id,
				  strerror(errno));
		else if (journal_remove(&R->sp, m->id) < 0)    /* folded in */
			log_event("id=%s event=error op=journal-remove error=\"%s\"", m->id,
				  strerror(errno));
		runner_free_msg(m);
		return;
	}
	/* queue/ID first: a state file alone is debris, a queue file alone
	 * would be delivered again. */
	if (spool_path(&R->sp, "queue", m->id, path, sizeof path) == 0 &&
	    unlink(path) < 0 && errno != ENOENT)
		log_event("id=%s event=error op=unlink error=\"%s\"", m->id, strerror(errno));
	if (spool_path(&R->sp, "state", m->id, path, sizeof path) == 0)
		(void)unlink(path);
	(void)journal_remove(&R->sp, m->id);
	log_event("id=%s event=done sent=%zu bounced=%zu", m->id, sent, bounced);
	runner_free_msg(m);
}

/* Bounce pending recipients that were tried and outlived queuelifetime. */
static void expire(struct runner *R, struct active *m, time_t now)
{
	char reply[STATE_REPLY_MAX + 64], q[ADDRESS_PATH_MAX * 2];
	if (now < m->env.arrival + R->lifetime)
		return;
	for (size_t i = 0; i < m->st.count; i++) {
		struct rcpt_state *r = &m->st.rcpt[i];
		if (r->status != RCPT_PENDING || r->attempts == 0)
			continue;
		snprintf(reply, sizeof reply, "421 4.4.7 queue lifetime expired; last reply: %s",
			 r->reply);
		state_clean_text(r->reply, sizeof r->reply, reply);
		r->status = RCPT_BOUNCED;
		log_event("id=%s rcpt=%s result=bounced reason=expired delay=%lld", m->id,
			  log_quote(r->address, q, sizeof q), (long long)(now - m->env.arrival));
	}
}

/* Which due recipients are local (1) or remote (0): local_domain reads
 * the domains file, so ask once per distinct domain in a row. */
static void classify(struct active *m, const char *due, char *local)
{
	const char *last = NULL;
	int last_local = 0;
	for (size_t i = 0; i < m->st.count; i++) {
		if (!due[i])
			continue;
		const char *dom = address_domain(m->st.rcpt[i].address);
		if (!last || strcasecmp(last, dom) != 0)
			last_local = local_domain(dom) != 0;
		last = dom;
		local[i] = (char)last_local;
	}
}

/* Jobs for the due recipients (due[i] set): one for all local ones, one
 * per remote domain. Returns the number of jobs. */
static int make_jobs(struct runner *R, struct active *m, char *due, char *local)
{
	int jobs = 0;
	classify(m, due, local);
	for (size_t i = 0; i < m->st.count; i++) {
		if (!due[i])
			continue;
		const char *dom = address_domain(m->st.rcpt[i].address);
		long *index = calloc(m->st.count, sizeof *index);
		size_t n = 0;
		if (!index)
			break;
		for (size_t k = i; k < m->st.count; k++)
			if (due[k] && local[k] == local[i] && (local[i] ||
			    strcasecmp(address_domain(m->st.rcpt[k].address), dom) == 0)) {
				index[n++] = (long)k;
				due[k] = 0;
			}
		if (jobs_add(R, m, local[i], dom, index, n) == 0)
			jobs++;
	}
	return jobs;
}

/* Mark the due recipients; note when the others come due. Returns the
 * number due. */
static size_t mark_due(struct runner *R, struct active *m, int fresh_or_forced,
		       time_t now, char *due)
{
	size_t n = 0;
	for (size_t i = 0; i < m->st.count; i++) {
		struct rcpt_state *r = &m->st.rcpt[i];
		if (r->status != RCPT_PENDING)
			continue;
		if (fresh_or_forced || r->next <= now) {
			due[i] = 1;
			n++;
		} else if (R->next_due == 0 || r->next < R->next_due) {
			R->next_due = r->next;
		}
	}
	return n;
}

/* Load queue/ID and its state into a new struct active. NULL when it is
 * gone or broken (logged). *fresh: no state yet; *forced: the queue file
 * was touched after the state was written (postern-queue retry). */
static struct active *load(struct runner *R, const char *id, int *fresh, int *forced)
{
	char qpath[PATH_MAX_POSTERN], spath[PATH_MAX_POSTERN];
	struct stat qs, ss;
	struct active *m = calloc(1, sizeof *m);
	if (!m || spool_path(&R->sp, "queue", id, qpath, sizeof qpath) < 0 ||
	    spool_path(&R->sp, "state", id, spath, sizeof spath) < 0) {
		free(m);
		return NULL;
	}
	snprintf(m->id, sizeof m->id, "%s", id);
	if (spool_read_envelope(&R->sp, id, &m->env, &m->offset) < 0 || stat(qpath, &qs) < 0) {
		if (errno != ENOENT)
			log_event("id=%s event=error op=read-envelope error=\"%s\"", id, strerror(errno));
		envelope_free(&m->env);
		free(m);
		return NULL;
	}
	m->size = qs.st_size - m->offset;
	int rc = state_read(&R->sp, id, &m->st);
	if (rc == 0)
		rc = state_from_envelope(&m->st, &m->env) == 0 ? 0 : -1;
	if (rc < 0) {
		log_event("id=%s event=error op=read-state error=\"%s\"", id, strerror(errno));
		runner_free_msg(m);
		return NULL;
	}
	*fresh = rc == 0;
	*forced = rc == 1 && stat(spath, &ss) == 0 &&
		  (qs.st_mtim.tv_sec > ss.st_mtim.tv_sec ||
		   (qs.st_mtim.tv_sec == ss.st_mtim.tv_sec &&
		    qs.st_mtim.tv_nsec > ss.st_mtim.tv_nsec));
	return m;
}

/* Folding a journal left by a crash into a message's state. */
struct recovery { struct runner *R; struct active *m; time_t now; int applied; };

static void recovered(void *ctx, const struct journal_entry *e)
{
	struct recovery *c = ctx;
	if (!runner_answers(c->m, e))
		return;
	runner_record(c->R, c->m, &c->m->st.rcpt[e->index], (char)e->result,
		      e->relay, e->reply, c->now);
	c->applied++;
}

/* One message of queue/: settle it, start its jobs, or leave it. */
static void consider(struct runner *R, const char *id, time_t now)
{
	int fresh, forced;
	struct active *m = load(R, id, &fresh, &forced);
	if (!m)
		return;
	if (m->st.dsn_id[0]) {          /* finished but for its DSN/removal */
		runner_settle(R, m);
		return;
	}
	if (aliases_expand(id, &m->st) < 0) {
		log_event("id=%s event=error op=aliases error=\"cannot read aliases\"", id);
		runner_free_msg(m);
		return;
	}
	struct recovery c = { R, m, now, 0 };
	if (journal_replay(&R->sp, id, recovered, &c) < 0) {
		log_event("id=%s event=error op=journal-read error=\"%s\"", id, strerror(errno));
		runner_free_msg(m);
		return;
	}
	if (c.applied)
		log_event("id=%s event=recovered results=%d", id, c.applied);
	expire(R, m, now);
	delay_warning(R, m, now);
	char *due = calloc(m->st.count + 1, 2);
	size_t n = due ? mark_due(R, m, fresh || forced, now, due) : 0;
	if (n > 0 && !forced)   /* postern-queue retry overrides a domain's backoff */
		n -= pacing_hold(R, m, due, now);
	size_t pending, sent, bounced;
	state_counts(&m->st, &pending, &sent, &bounced);
	if (pending == 0 || n == 0) {
		if (pending == 0)
			R->found_work = 1;
		runner_settle(R, m);    /* writes the state; removes when done */
	} else {
		m->next = R->msgs;
		R->msgs = m;
		R->active_count++;
		R->found_work = 1;
		if (R->once)
			idset_add(&R->seen, id);
		make_jobs(R, m, due, due + m->st.count + 1);
	}
	free(due);
}

void runner_scan(struct runner *R)
{
	struct spool_list list;
	time_t now = time(NULL);
	runner_read_controls(R);
	if (R->once || now - R->last_sweep >= RUNNER_SCAN_INTERVAL) {
		sweep_dir(R, "tmp", now);
		sweep_dir(R, "state", now);
		R->last_sweep = now;
	}
	R->next_due = 0;
	R->truncated = R->found_work = R->rescan = 0;
	if (spool_list(&R->sp, &list) < 0) {
		log_event("event=error op=list error=\"%s\"", strerror(errno));
		return;
	}
	for (size_t i = 0; i < list.count && !runner_stop; i++) {
		const char *id = list.ids[i];
		if (find_active(R, id) || (R->once && idset_has(&R->seen, id)))
			continue;
		if (R->active_count >= RUNNER_ACTIVE_MAX) {
			R->truncated = 1;
			break;
		}
		consider(R, id, now);
	}
	spool_list_free(&list);
}
