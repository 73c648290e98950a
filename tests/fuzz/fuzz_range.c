/* Threshold ranges in the Monitoring Plugins syntax, and what they make
 * of a value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_fuzz.h"
#include "ep_range.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_err   err = EP_ERR_INIT;
  struct ep_range r;
  char           *text = malloc(size + 1);

  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  if (ep_range_parse(&r, text, "-w", &err) == EP_OK) {
    ep_range_alerts(&r, 0);
    ep_range_alerts(&r, -1e300);
    ep_range_alerts(&r, 1e300);
  }
  free(text);
  return 0;
}
