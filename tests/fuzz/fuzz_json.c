/* The strict JSON reader, as profiles and peers feed it. */
#include "config.h"

#include "ep_fuzz.h"
#include "ep_json.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_err err = EP_ERR_INIT;
  json_object  *o;

  o = ep_json_parse_strict((const char *)data, size, "fuzz.json", &err);
  json_object_put(o);
  return 0;
}
