/* json.h - JSON (RFC 8259) as JMAP uses it (I-JSON, RFC 7493): a
 * bounded parser into a tree, and a writer into a struct bytes.
 *
 * The parser is strict: UTF-8 only (invalid sequences, lone surrogates
 * and U+0000 are refused, since strings are handed out NUL-terminated),
 * no trailing commas or comments, a single value with only white space
 * around it, nesting at most JSON_DEPTH_MAX, duplicate member names
 * refused (RFC 7493 §2.3). Numbers keep their double value; json_int
 * says whether one is an integer JMAP accepts (RFC 8620 §1.3).
 *
 * The tree lives in a mime_arena (lib/mime_arena.h): free it with
 * mime_arena_free; nothing else to free. */
#ifndef POSTERN_JSON_H
#define POSTERN_JSON_H
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "limits.h"
#include "mime_arena.h"

enum json_type {
	JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT,
};

struct json {
	enum json_type type;
	const char *key;        /* member name inside an object, else NULL */
	size_t key_len;
	const char *str;        /* JSON_STRING: the decoded UTF-8, NUL-ended */
	size_t len;             /* its length; for arrays and objects: members */
	double number;          /* JSON_NUMBER */
	struct json *child;     /* first member of an array or object */
	struct json *next;      /* next member of the parent */
};

/* Parse text[0..n). Returns the root (allocated from a), or NULL with
 * *why set to a short reason safe to send (a->failed set on ENOMEM). */
struct json *json_parse(const char *text, size_t n, struct mime_arena *a,
			const char **why);

/* The member of object o named key (NULL when o is not an object or has
 * no such member). */
const struct json *json_get(const struct json *o, const char *key);
/* 1 when j is a number with an integral value in [-2^53+1, 2^53-1]
 * (*out set), else 0. */
int json_int(const struct json *j, int64_t *out);
/* j's string, or NULL when j is not a string. */
const char *json_string(const struct json *j);
/* 1 when a and b are the same value (an object's members in any order,
 * numbers by value), else 0 (also when either is NULL). */
int json_equal(const struct json *a, const struct json *b);
/* RFC 6901 JSON Pointer, with JMAP's "*" array wildcard (RFC 8620
 * §3.7): the value at path in root. With a "*" the results of each
 * element are gathered into a new array (arrays met that way are
 * flattened one level) allocated from a. NULL when the path does not
 * resolve. */
const struct json *json_pointer(const struct json *root, const char *path,
				struct mime_arena *a);

/* --- writing -------------------------------------------------------- */

/* A writer appends well-formed JSON to out, putting commas itself.
 * Errors (cap, ENOMEM, nesting past JSON_DEPTH_MAX) are sticky in
 * error; check it once at the end. */
struct json_writer {
	struct bytes *out;
	int depth;
	int error;
	unsigned char need_comma[JSON_DEPTH_MAX + 1];   /* per level: a
					 * value came (1), a key came (2) */
	char close[JSON_DEPTH_MAX + 1]; /* per level: '}' or ']' */
};

void json_writer_init(struct json_writer *w, struct bytes *out);
void json_object_begin(struct json_writer *w);
void json_array_begin(struct json_writer *w);
/* Close the innermost object or array. */
void json_end(struct json_writer *w);
/* A member name in an object; the value comes next. */
void json_key(struct json_writer *w, const char *key);
void json_str(struct json_writer *w, const char *s);
void json_strn(struct json_writer *w, const char *s, size_t n);
void json_int64(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, int v);
void json_null(struct json_writer *w);
/* Text that is already JSON (a value), as it is. */
void json_raw(struct json_writer *w, const char *text, size_t n);
/* A parsed value, written back. */
void json_value(struct json_writer *w, const struct json *j);

/* Append s[0..n) as a JSON string (quotes and escapes; bytes that are
 * not valid UTF-8 become U+FFFD, so the output is always valid I-JSON).
 * 0, or -1 (cap, ENOMEM). */
int json_quote(struct bytes *out, const char *s, size_t n);

#endif
