/* What a NATS server (or anything on 7422) says first: the INFO line and
 * its JSON, rendered safely; and the text of an -ERR line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_fuzz.h"
#include "nats.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_nats_info info;
  char                why[256], safe[80];
  char               *text;

  ep_nats_parse_info((const char *)data, size, &info, why, sizeof why);
  ep_nats_safe_text((const char *)data, size, 60, safe, sizeof safe);
  if ((text = malloc(size + 1)) != NULL) {
    memcpy(text, data, size);
    text[size] = '\0';
    ep_nats_classify_err(text);
    free(text);
  }
  return 0;
}
