/* queue_stats.h - postern-queue stats (postern-queue(8)). */
#ifndef POSTERN_QUEUE_QUEUE_STATS_H
#define POSTERN_QUEUE_QUEUE_STATS_H
#include <stddef.h>
#include "spool.h"

/* Print the queue's statistics on stdout, as text lines or (json) one
 * JSON object. Returns the exit status (0); a spool that cannot be read
 * exits 111. */
int queue_stats(struct spool *sp, int json);

/* An age or delay in seconds as "42s", "5m", "3h" or "2d". */
void queue_age_text(long s, char *buf, size_t size);

#endif
