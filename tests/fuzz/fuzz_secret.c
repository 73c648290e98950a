/* The first line of a credentials file (or EDGEPROBE_PROXY_AUTH):
 * user:password or a token. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_fuzz.h"
#include "ep_secret.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_err    err = EP_ERR_INIT;
  struct ep_secret s;
  char            *text = malloc(size + 1);

  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  ep_secret_parse(text, "credentials", "fuzz", &s, &err);
  ep_secret_wipe(&s);
  free(text);
  return 0;
}
