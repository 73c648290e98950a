/* What the https probe reads from a server's response and curl's trace:
 * status lines, header lines, trace lines, issuer names. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_fuzz.h"
#include "https.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_http_status st;
  struct ep_strlist     expect = {NULL, 0};
  char                  out[256], *text;
  const char           *matched;

  ep_https_parse_status_line((const char *)data, size, &st);
  ep_https_header_value((const char *)data, size, "server", out, sizeof out);
  ep_https_trace_line((const char *)data, size, out, sizeof out);
  if ((text = malloc(size + 1)) != NULL) {
    memcpy(text, data, size);
    text[size] = '\0';
    if (ep_strlist_add(&expect, "Let's Encrypt") == EP_OK &&
        ep_strlist_add(&expect, "") == EP_OK)
      ep_https_issuer_expected(text, &expect, &matched);
    ep_strlist_free(&expect);
    free(text);
  }
  return 0;
}
