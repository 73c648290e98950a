/* Host names, addresses, HOST[:PORT] targets and proxy URLs as users
 * write them in options and profiles. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_hostport hp;
  char               back[EP_HOST_MAX + 16];
  char              *text = malloc(size + 1);

  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  ep_addr_is_literal(text);
  ep_hostname_check(text, "-H", &err);
  ep_err_clear(&err);
  if (ep_hostport_parse(text, 443, "-H", &hp, &err) == EP_OK)
    ep_hostport_format(&hp, back, sizeof back);
  ep_err_clear(&err);
  ep_hostport_parse(text, 0, "-H", &hp, &err);
  ep_err_clear(&err);
  if (ep_addrport_parse(text, 53, "-D", &hp, &err) == EP_OK)
    ep_hostport_format(&hp, back, sizeof back);
  ep_proxy_url_problem(text);
  free(text);
  return 0;
}
