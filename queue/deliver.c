/* deliver.c - postern-deliver, the delivery process the runner spawns
 * for each job (postern-runner(8)): a small program started with
 * posix_spawn, so that the runner's memory is never copied.
 *
 *   postern-deliver RUNNER-PID
 *
 * stdin: the job (jobspec.h); stdout: the report pipe, one line
 * "PART\tJOURNAL-LINE" per result; fd 3: the runner's spool lock, kept
 * while the delivery runs (a new runner waits for it). Each result is
 * appended to the message's journal, fsynced, the moment it is known
 * (delivery_record), exactly as before; the process dies with the
 * runner (PR_SET_PDEATHSIG) except across a step that must not be cut
 * (delivery_hold_signals). Exit 0, or 111 when results could not be
 * recorded. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "deliver_local.h"
#include "delivery.h"
#include "fsutil.h"
#include "jobspec.h"
#include "log.h"
#include "smtp_client.h"
#include "spool.h"

/* One message of the job, and what its delivery needs. */
struct part {
	struct envelope env;
	int env_read;
	struct delivery d;
};

/* Die with the runner: it passed its PID, so a runner that died before
 * the prctl is noticed. */
static void die_with_runner(const char *arg)
{
	char *end;
	long pid = strtol(arg, &end, 10);
	if (end == arg || *end || pid <= 0)
		log_fatal(64, "usage: postern-deliver RUNNER-PID");
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != (pid_t)pid)
		_exit(111);
}

static void read_job(struct bytes *text, struct jobspec *js)
{
	bytes_init(text, JOB_SPEC_MAX);
	if (fd_read_all(0, text) < 0 || bytes_append(text, "", 1) < 0 ||
	    jobspec_parse(text->data, js) < 0)
		log_fatal(111, "cannot read the job: %s", strerror(errno));
}

/* Part k's delivery: its envelope read and queue file opened, or every
 * recipient deferred when it is gone. 0, or -1 (ENOMEM). */
static int part_open(struct spool *sp, const struct jobspec *js, size_t k,
		     struct part *p)
{
	const struct jobspec_part *jp = &js->part[k];
	static const struct rcpt_dsn none = { 0, NULL };
	char path[PATH_MAX_POSTERN];
	struct stat st;
	off_t offset = 0;
	p->env_read = spool_read_envelope(sp, jp->id, &p->env, &offset) == 0;
	p->d = (struct delivery){ .sp = sp, .id = jp->id, .part = (int)k, .report_fd = 1,
				  .env = &p->env, .offset = offset, .me = js->me,
				  .timeout_cap = js->timeout_cap, .count = jp->count, .fd = -1 };
	p->d.rcpt = calloc(jp->count + 1, sizeof *p->d.rcpt);
	if (!p->d.rcpt)
		return -1;
	for (size_t i = 0; i < jp->count; i++) {
		const struct jobspec_rcpt *r = &jp->rcpt[i];
		int dsn_ok = p->env_read && r->dsn_index >= 0 &&
			     (size_t)r->dsn_index < p->env.rcpt_count;
		p->d.rcpt[i] = (struct delivery_rcpt){ .index = r->index, .attempt = r->attempt,
			.address = r->address, .dsn = dsn_ok ? &p->env.dsn[r->dsn_index] : &none };
	}
	if (p->env_read && spool_path(sp, "queue", jp->id, path, sizeof path) == 0)
		p->d.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (p->d.fd >= 0 && fstat(p->d.fd, &st) == 0)
		p->d.size = st.st_size - offset;
	if (p->d.fd < 0)
		delivery_set_rest(&p->d, RESULT_DEFERRED, "", "451 4.3.0 the queue file is gone");
	return 0;
}

static void part_close(struct part *p)
{
	if (p->d.fd >= 0)
		close(p->d.fd);
	free(p->d.rcpt);
	if (p->env_read)
		envelope_free(&p->env);
}

int main(int argc, char **argv)
{
	static struct part part[JOB_BATCH_MAX];
	struct delivery *open_parts[JOB_BATCH_MAX];   /* those with a file */
	struct jobspec js;
	struct bytes text;
	struct spool sp;
	size_t n = 0;
	int rc = 0;
	log_init("deliver");
	if (argc != 2)
		log_fatal(64, "usage: postern-deliver RUNNER-PID");
	die_with_runner(argv[1]);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		log_fatal(111, "cannot ignore SIGPIPE: %s", strerror(errno));
	read_job(&text, &js);
	if (spool_open(&sp, NULL) < 0)
		log_fatal(111, "cannot open the spool: %s", strerror(errno));
	for (size_t k = 0; k < js.parts; k++) {
		if (part_open(&sp, &js, k, &part[k]) < 0)
			log_fatal(111, "out of memory");
		if (part[k].d.fd >= 0)
			open_parts[n++] = &part[k].d;
	}
	if (js.local)
		for (size_t i = 0; i < n; i++)
			local_deliver(open_parts[i]);
	else if (n > 0)
		smtp_deliver(open_parts, n, js.domain);
	for (size_t k = 0; k < js.parts; k++) {
		rc |= delivery_record(&part[k].d);     /* what is left: queue file gone */
		part_close(&part[k]);
	}
	jobspec_free(&js);
	bytes_free(&text);
	return rc < 0 ? 111 : 0;
}
