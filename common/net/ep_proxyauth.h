/* A proxy's demand for authentication, in every probe that goes through
 * it (HTTPS, the uplink's upload): which schemes libcurl may answer it
 * with, and, when none got through, what the proxy asked for in words
 * and a cause code.  Corporate proxies often refuse Basic and want NTLM
 * or Negotiate; "407" alone does not tell the engineer what to change. */
#ifndef EP_PROXYAUTH_H
#define EP_PROXYAUTH_H

#include <stdbool.h>
#include <stddef.h>

/* The CURLAUTH_* mask that lets libcurl negotiate (CURLOPT_PROXYAUTH):
 * with user:password, Negotiate, Digest, NTLM and Basic (it picks the
 * safest the proxy offers, after one request without credentials to
 * learn them); a token goes as Basic only. */
long ep_proxy_auth_schemes(bool token);

/* Whether a 407 offering avail asks for a scheme other than Basic, one
 * that negotiating with user:password may get through. */
bool ep_proxy_auth_wants_other(long avail);

/* "NTLM, Basic": the schemes in avail (CURLINFO_PROXYAUTH_AVAIL, from the
 * 407's Proxy-Authenticate headers), safest first; "" when none. */
void ep_proxy_auth_names(long avail, char *out, size_t size);

/* A CONNECT answered 407 to the end, the proxy asking (avail) for a
 * scheme other than Basic: proxy.auth_scheme and its words into out
 * ("the proxy requires NTLM; the configured credentials were refused
 * with it").  NULL when it asked for Basic only or said nothing: the
 * 407 says it all.  credentials: a proxy auth file was given; token: it
 * holds a token, not user:password; negotiated: libcurl was let
 * negotiate with them (else only Basic was sent). */
const char *ep_proxy_auth_refusal(long avail, bool credentials, bool token,
                                  bool negotiated, char *out, size_t size);

#endif
