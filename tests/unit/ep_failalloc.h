/* Allocation failure on demand, for a suite that checks what code does
 * when memory runs out: the Nth call to malloc, calloc or realloc of the
 * whole program (json-c's and libc's own calls included) after
 * ep_failalloc_at(N) fails, and only that one, so that a failure the
 * code does not check is not hidden by a later one it does.  Include it
 * in one file of a test program only: it defines those functions. */
#ifndef EP_FAILALLOC_H
#define EP_FAILALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define EP_FAILALLOC_ASAN 1
#  endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(EP_FAILALLOC_ASAN)
/* AddressSanitizer owns malloc: allocations cannot be made to fail
 * under it. */
static long ep_failalloc_calls;

static void
ep_failalloc_at(long n)
{
  (void)n;
}

static bool
ep_failalloc_off(void)
{
  return false;
}
#else

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

static long ep_failalloc_left = -1; /* calls before the one that fails */
static bool ep_failalloc_failed;    /* it came */
static long ep_failalloc_calls;     /* every call, to count what code uses */

static bool
ep_failalloc_now(void)
{
  ep_failalloc_calls++;
  if (ep_failalloc_left < 0)
    return false;
  if (ep_failalloc_left-- > 0)
    return false;
  return ep_failalloc_failed = true;
}

void *malloc(size_t size);
void *
malloc(size_t size)
{
  return ep_failalloc_now() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size);
void *
calloc(size_t n, size_t size)
{
  return ep_failalloc_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size);
void *
realloc(void *p, size_t size)
{
  return ep_failalloc_now() ? NULL : __libc_realloc(p, size);
}

/* The nth allocation from now fails (0: the next). */
static void
ep_failalloc_at(long n)
{
  ep_failalloc_failed = false;
  ep_failalloc_left = n;
}

/* Allocations succeed again; whether the one to fail came. */
static bool
ep_failalloc_off(void)
{
  ep_failalloc_left = -1;
  return ep_failalloc_failed;
}

#endif /* !AddressSanitizer */

/* Whether allocations can be made to fail here: not under
 * AddressSanitizer, nor under valgrind, whose malloc replaces ours. */
static bool
ep_failalloc_works(void)
{
  void *(*volatile alloc)(size_t) = malloc;
  void *p;
  bool  works;

  ep_failalloc_at(0);
  p = alloc(1);
  works = ep_failalloc_off();
  free(p);
  return works;
}

#endif
