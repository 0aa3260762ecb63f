/* floor.c - what a one-message SMTP connection cannot go below on this
 * machine (issue 17), for bench/smtpd-bench:
 *
 *   floor PROGRAM DIR N
 *
 * prints the median of N runs of each, in microseconds:
 *   spawn      fork, exec PROGRAM (a trivial static program) and wait for
 *              it: elapsed time, and the CPU time of both processes (on a
 *              loaded machine the elapsed time is mostly waiting for a CPU)
 *   commit     a durable spool commit: write 4 KiB to a new file in DIR,
 *              fsync it, rename it, fsync DIR (what smtpd does before 250)
 * Not part of the programs; built by the bench. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* One spawn: its elapsed time, and into *cpu the CPU time of both. */
static double spawn_once(const char *program, double *cpu)
{
	struct rusage ru;
	int status;
	double t0 = now_us(), c0 = cpu_us();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(111);
	}
	if (pid == 0) {
		execl(program, program, (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "floor: %s failed\n", program);
		exit(111);
	}
	*cpu = cpu_us() - c0 + ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec +
	       ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
	return now_us() - t0;
}

static double commit_once(const char *dir, int i)
{
	static char data[4096];
	char tmp[4096], final[4096];
	snprintf(tmp, sizeof tmp, "%s/tmp.%d", dir, i);
	snprintf(final, sizeof final, "%s/msg.%d", dir, i);
	double t0 = now_us();
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	int dfd;
	if (fd < 0 || write(fd, data, sizeof data) != (ssize_t)sizeof data ||
	    fsync(fd) < 0 || close(fd) < 0 || rename(tmp, final) < 0 ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY)) < 0 || fsync(dfd) < 0 ||
	    close(dfd) < 0) {
		perror("floor: commit");
		exit(111);
	}
	double t = now_us() - t0;
	unlink(final);
	return t;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: floor PROGRAM DIR N\n");
		return 64;
	}
	int n = atoi(argv[3]);
	double *t = calloc((size_t)(n > 0 ? n : 1), sizeof *t);
	double *c = calloc((size_t)(n > 0 ? n : 1), sizeof *c);
	if (n <= 0 || !t || !c)
		return 64;
	for (int i = 0; i < n; i++)
		t[i] = spawn_once(argv[1], &c[i]);
	qsort(t, (size_t)n, sizeof *t, by_value);
	qsort(c, (size_t)n, sizeof *c, by_value);
	printf("spawn %.0f\nspawn-cpu %.0f\n", t[n / 2], c[n / 2]);
	free(c);
	for (int i = 0; i < n; i++)
		t[i] = commit_once(argv[2], i);
	qsort(t, (size_t)n, sizeof *t, by_value);
	printf("commit %.0f\n", t[n / 2]);
	free(t);
	return 0;
}
