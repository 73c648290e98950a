/* A check's first line when targets fail: one cause shared by several
 * targets is said once with the count ("4 of 4 NATS endpoints: network
 * unreachable"), the rest one by one, within a length a NOC screen and an
 * SMS can hold; every target's own line is in the long output. */
#ifndef EP_SUMMARY_H
#define EP_SUMMARY_H

#include <stddef.h>

#include "ep_buf.h"
#include "ep_err.h"

/* How many bytes of text to keep so that they, and "..." when cut, take
 * at most max bytes, never ending inside a UTF-8 sequence: strlen(text)
 * when it fits (or max is under 4). */
size_t ep_text_cut_len(const char *text, size_t max);

/* About what the text of a first line may take before the perfdata,
 * after "EDGE NATS CRITICAL - ". */
#define EP_SUMMARY_BUDGET 170

struct ep_problem {
  const char *name; /* the target, for a line too long to show whole */
  const char *text; /* the target's line, naming it */
  const char *why;  /* the same without its name; NULL: not shareable */
};

/* Appends the n problems of a check of n_total targets, n_fine of them
 * fine (noun: their plural, "NATS endpoints"), to b: groups of a shared
 * why first seen first, until about budget characters, then "; and N
 * more"; then "(F of N noun fine)" unless one group says it all.
 * Nothing when n is 0.  EP_ENOMEM. */
enum ep_status ep_summary_problems(struct ep_buf *b, const struct ep_problem *p,
                                   size_t n, size_t n_total, size_t n_fine,
                                   const char *noun, size_t budget);

/* The same, each shared cause followed by the names of its targets, as
 * many as fit ("3 of 50 machines: connection refused (cnc-01, cnc-02,
 * ...)"), and a cause of one target as "NAME: why": where the first line
 * must say which targets fail. */
enum ep_status ep_summary_problems_named(struct ep_buf *b,
                                         const struct ep_problem *p, size_t n,
                                         size_t n_total, size_t n_fine,
                                         const char *noun, size_t budget);

#endif
