#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "ep_cause.h"
#include "ep_proxyauth.h"

/* Safest first, as libcurl picks among them. */
static const struct {
  unsigned long bit;
  const char   *name;
} schemes[] = {
  {CURLAUTH_NEGOTIATE, "Negotiate"}, {CURLAUTH_DIGEST, "Digest"},
  {CURLAUTH_NTLM, "NTLM"},           {CURLAUTH_BASIC, "Basic"},
};
#define N_SCHEMES (sizeof schemes / sizeof schemes[0])

/* What libcurl can answer a proxy with: not Bearer, which curl 7.88
 * offers no proxy, nor NTLM through winbind. */
#define NEGOTIABLE                                                             \
  (CURLAUTH_NEGOTIATE | CURLAUTH_DIGEST | CURLAUTH_NTLM | CURLAUTH_BASIC)

long
ep_proxy_auth_schemes(bool token)
{
  return token ? (long)CURLAUTH_BASIC : (long)NEGOTIABLE;
}

bool
ep_proxy_auth_wants_other(long avail)
{
  return ((unsigned long)avail & (NEGOTIABLE & ~CURLAUTH_BASIC)) != 0;
}

void
ep_proxy_auth_names(long avail, char *out, size_t size)
{
  size_t i, len = 0;

  if (size == 0)
    return;
  out[0] = '\0';
  for (i = 0; i < N_SCHEMES; i++)
    if (((unsigned long)avail & schemes[i].bit) && len < size) {
      snprintf(out + len, size - len, "%s%s", len ? ", " : "",
               schemes[i].name);
      len = strlen(out);
    }
}

const char *
ep_proxy_auth_refusal(long avail, bool credentials, bool token,
                      bool negotiated, char *out, size_t size)
{
  unsigned long bits = (unsigned long)avail & NEGOTIABLE;
  unsigned long others = bits & ~(unsigned long)CURLAUTH_BASIC;
  char          names[64];

  /* Basic, or nothing said: the 407 itself says it all. */
  if (!others)
    return NULL;
  ep_proxy_auth_names(avail, names, sizeof names);
  if (!credentials)
    snprintf(out, size, "the proxy requires %s authentication; no "
                        "credentials are configured (--proxy-auth-file)",
             names);
  else if (token)
    snprintf(out, size, "the proxy requires %s; only a token is configured, "
                        "which goes as Basic",
             names);
  else if (!negotiated)
    snprintf(out, size, "the proxy requires %s; only Basic credentials were "
                        "sent (no time was left to negotiate)",
             names);
  else if (others == CURLAUTH_NEGOTIATE && !(bits & CURLAUTH_BASIC))
    snprintf(out, size, "the proxy requires Negotiate (Kerberos): it wants "
                        "this host's Kerberos ticket (kinit), not the "
                        "configured user:password");
  else
    snprintf(out, size, "the proxy requires %s; the configured credentials "
                        "were refused with it",
             names);
  return EP_CAUSE_PROXY_AUTH_SCHEME;
}
