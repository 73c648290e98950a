/* libcurl's multi interface driven by the run's poll loop: the sockets
 * and the timer curl asks for go into the run's poll set, and what poll
 * found goes back to curl.  The probes that speak HTTP through curl (the
 * https check, the uplink's upload) share it. */
#ifndef EP_CURLMULTI_H
#define EP_CURLMULTI_H

#include <time.h>

#include <curl/curl.h>

#include "ep_err.h"
#include "ep_pollset.h"

struct ep_curl_multi;

/* A multi handle with its socket and timer callbacks set.  NULL with err
 * set on failure. */
struct ep_curl_multi *ep_curl_multi_new(struct ep_err *err);
/* Frees it; the caller removes its easy handles first. */
void                  ep_curl_multi_free(struct ep_curl_multi *m);

CURLM *ep_curl_multi_handle(const struct ep_curl_multi *m);

/* Adds curl's sockets and its timer to ps.  EP_ENOMEM. */
enum ep_status ep_curl_multi_pollset(const struct ep_curl_multi *m,
                                     struct ep_pollset *ps);

/* Sees each socket poll found writable, before curl acts on it (the
 * https check notes when TCP came up). */
typedef void (*ep_curl_writable_cb)(void *arg, curl_socket_t fd,
                                    short revents, struct timespec now);

/* Hands curl what poll found ready on its sockets, and its timer when
 * due (SIGPIPE held back meanwhile).  writable may be NULL. */
void ep_curl_multi_drive(struct ep_curl_multi *m, const struct ep_pollset *ps,
                         struct timespec now, ep_curl_writable_cb writable,
                         void *arg);

/* Runs curl's timer now: what a probe calls after it changed a handle
 * outside a callback (unpaused it). */
void ep_curl_multi_kick(struct ep_curl_multi *m);

/* Tells curl that fd can take data now: what a probe that paces its
 * writes calls when it has unpaused a handle, so that the write goes in
 * this pass of the loop instead of after one more poll (a socket that
 * cannot take it makes curl wait for POLLOUT as usual). */
void ep_curl_multi_writable(struct ep_curl_multi *m, curl_socket_t fd);

#endif
