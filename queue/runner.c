/* runner.c - the queue runner: one instance per spool (flock on
 * spool/lock), woken by a byte on spool/trigger or by the next due retry;
 * "runner -1" makes one pass over what is due and exits. See
 * postern-runner(8). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "runner.h"

volatile sig_atomic_t runner_stop;

static void on_signal(int sig)
{
	(void)sig;
	runner_stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: runner [-1]\n");
	exit(64);
}

/* The runner that wrote its PID into the lock file has died: only its
 * delivery children, which keep the lock while they finish the delivery
 * in progress, hold it. 1/0. */
static int lock_held_by_orphans(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	long pid = strtol(buf, NULL, 10);
	return pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Wait up to RUNNER_ORPHAN_WAIT seconds for the lock. 0 or -1. */
static int wait_for_orphans(int fd)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	log_event("event=wait reason=\"the delivery children of a dead runner hold the lock\"");
	for (long i = 0; i < RUNNER_ORPHAN_WAIT * 20L; i++) {
		nanosleep(&tick, NULL);
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
	}
	return -1;
}

/* Take spool/lock and write our PID into it; a second runner exits
 * (status 0 with -1, else 111). */
static void take_lock(struct runner *R)
{
	char path[PATH_MAX_POSTERN], pid[32];
	if (spool_path(&R->sp, "lock", NULL, path, sizeof path) < 0)
		log_fatal(111, "spool path too long");
	R->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (R->lock_fd < 0)
		log_fatal(111, "cannot open %s: %s", path, strerror(errno));
	if (flock(R->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			log_fatal(111, "cannot lock %s: %s", path, strerror(errno));
		if (!lock_held_by_orphans(R->lock_fd) || wait_for_orphans(R->lock_fd) < 0) {
			log_event("event=exit reason=\"another runner holds the lock\"");
			exit(R->once ? 0 : 111);
		}
	}
	int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(R->lock_fd, 0) < 0 || pwrite(R->lock_fd, pid, (size_t)n, 0) != n)
		log_fatal(111, "cannot write %s: %s", path, strerror(errno));
}

/* The trigger FIFO, O_RDWR so that it never sees end-of-file. */
static void open_trigger(struct runner *R)
{
	char path[PATH_MAX_POSTERN];
	R->trigger_fd = -1;
	if (R->once)
		return;
	if (spool_path(&R->sp, "trigger", NULL, path, sizeof path) < 0)
		log_fatal(111, "spool path too long");
	R->trigger_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (R->trigger_fd < 0)
		log_fatal(111, "cannot open %s: %s", path, strerror(errno));
}

/* postern-deliver is installed (and built) beside the runner. */
static void find_deliver(struct runner *R)
{
	char self[PATH_MAX_POSTERN];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		log_fatal(111, "cannot find my own program: %s",
			  n < 0 ? strerror(errno) : "empty name");
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(R->deliver_path, sizeof R->deliver_path, "%s/postern-deliver",
			     slash ? self : ".") >= sizeof R->deliver_path)
		log_fatal(111, "the path of postern-deliver is too long");
	if (access(R->deliver_path, X_OK) < 0)
		log_fatal(111, "cannot run %s: %s", R->deliver_path, strerror(errno));
}

static void setup(struct runner *R, int argc, char **argv)
{
	int c;
	log_init("runner");
	while ((c = getopt(argc, argv, "1")) != -1) {
		if (c != '1')
			usage();
		R->once = 1;
	}
	if (optind != argc)
		usage();
	if (spool_open(&R->sp, NULL) < 0)
		log_fatal(111, "cannot open the spool: %s", strerror(errno));
	find_deliver(R);
	take_lock(R);
	open_trigger(R);
	pacing_load(R);
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		log_fatal(111, "cannot set signal handlers: %s", strerror(errno));
}

/* How long to sleep in poll: ms, or -1 for ever. -1 mode waits only for
 * its children; the daemon also for the next due retry. */
static int sleep_ms(const struct runner *R)
{
	if (R->once || runner_stop)
		return R->running_count > 0 ? -1 : 0;
	time_t now = time(NULL);
	long s = RUNNER_SCAN_INTERVAL;
	if (R->next_due && R->next_due - now < s)
		s = R->next_due > now ? (long)(R->next_due - now) : 0;
	return (int)(s * 1000);
}

/* Wait for the trigger, the clock or a child's report. Returns 1 when a
 * scan is due. */
static int wait_events(struct runner *R)
{
	struct pollfd fds[1 + RUNNER_CONCURRENCY_MAX];
	struct job *jobs[1 + RUNNER_CONCURRENCY_MAX];
	nfds_t n = 0;
	if (R->trigger_fd >= 0) {
		fds[n].fd = R->trigger_fd;
		fds[n++].events = POLLIN;
	}
	for (struct job *j = R->running; j && n < sizeof fds / sizeof *fds; j = j->next) {
		jobs[n] = j;
		fds[n].fd = j->fd;
		fds[n++].events = POLLIN;
	}
	int ms = sleep_ms(R);
	int rc = poll(fds, n, ms);
	if (rc < 0)
		return 0;               /* EINTR: a signal; the loop looks */
	if (rc == 0)
		return !R->once && !runner_stop;
	int scan = 0;
	for (nfds_t i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == R->trigger_fd) {
			char buf[512];
			while (read(R->trigger_fd, buf, sizeof buf) > 0)
				;
			scan = !R->once;
		} else {
			jobs_read(R, jobs[i]);
		}
	}
	return scan;
}

/* -1: after the jobs of a scan end, scan again for what they queued
 * (bounces) and what arrived, a bounded number of times. */
static int once_done(struct runner *R, int *scans)
{
	if (R->running_count > 0 || R->waiting)
		return 0;
	if (runner_stop || *scans >= RUNNER_ONCE_SCANS_MAX ||
	    !(R->found_work || R->rescan || R->truncated))
		return 1;
	(*scans)++;
	runner_scan(R);
	return 0;
}

int main(int argc, char **argv)
{
	static struct runner R;
	int scans = 1, scan = 0;
	setup(&R, argc, argv);
	log_event("event=start mode=%s", R.once ? "once" : "daemon");
	runner_scan(&R);
	for (;;) {
		jobs_start(&R);
		if (R.once ? once_done(&R, &scans) : (runner_stop && !R.running_count))
			break;
		if (R.once && !R.running_count && R.waiting)
			continue;
		scan = wait_events(&R);
		/* -1 scans again only for a deep queue (truncated) while it
		 * runs; the rest waits for once_done. */
		if (!runner_stop && ((!R.once && (scan || R.rescan)) ||
				     (R.truncated && R.active_count < RUNNER_ACTIVE_MAX / 2)))
			runner_scan(&R);
	}
	log_event("event=exit");
	jobs_drop_all(&R);
	idset_free(&R.seen);
	domains_free(&R.domains);
	return 0;
}
