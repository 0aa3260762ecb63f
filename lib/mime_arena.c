/* mime_arena.c - chunked bump allocator for MIME trees. */
#include "mime_arena.h"
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* A chunk of this size holds the tree of an ordinary message. */
#define ARENA_CHUNK 8192

struct mime_arena_chunk {
	struct mime_arena_chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

/* One ordinary chunk kept from the last tree for the next: with musl's
 * malloc an 8 KB block freed and asked for again per message is an mmap
 * and a munmap each (issue 11's benchmarks). Single-threaded, as the
 * servers are. */
static struct mime_arena_chunk *spare_chunk;

void mime_arena_init(struct mime_arena *a)
{
	a->head = NULL;
	a->failed = 0;
}

void *mime_arena_alloc(struct mime_arena *a, size_t size)
{
	size_t align = alignof(max_align_t);
	if (size > ((size_t)-1) / 2) {
		a->failed = 1;
		return NULL;
	}
	size = (size + align - 1) / align * align;
	if (size == 0)
		size = align;
	struct mime_arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t want = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		if (want == ARENA_CHUNK && spare_chunk) {
			c = spare_chunk;
			spare_chunk = NULL;
		} else {
			c = malloc(sizeof *c + want);
		}
		if (!c) {
			a->failed = 1;
			return NULL;
		}
		c->size = want;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *mime_arena_strndup(struct mime_arena *a, const char *p, size_t n)
{
	char *s = mime_arena_alloc(a, n + 1);
	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

void mime_arena_free(struct mime_arena *a)
{
	while (a->head) {
		struct mime_arena_chunk *next = a->head->next;
		if (a->head->size == ARENA_CHUNK && !spare_chunk)
			spare_chunk = a->head;
		else
			free(a->head);
		a->head = next;
	}
	a->failed = 0;
}
