/* A profile as a user may write one: the strict reader, the schema, the
 * members' own checks and "extends". */
#include "config.h"

#include "ep_fuzz.h"
#include "ep_profile.h"
#include "ep_sections.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p;

  p = ep_profile_load_text((const char *)data, size, "fuzz.json", ep_profile_sections, &err);
  ep_profile_free(p);
  return 0;
}
