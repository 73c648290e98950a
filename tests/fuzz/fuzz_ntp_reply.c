/* An NTP reply, as any host on the path may send one: judged against a
 * request whose origin it echoes (so the checks past the origin test are
 * reached) and against one whose origin it does not. */
#include "config.h"

#include <string.h>

#include "ep_fuzz.h"
#include "ntp_packet.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_ntp_time   t1 = {1764000000, 0}, t4 = {1764000000, 1u << 28};
  struct ep_ntp_sample s;
  const char          *reason;
  uint64_t             origin = 0;
  size_t               i;

  for (i = 0; i < 8 && 24 + i < size; i++)
    origin = (origin << 8) | data[24 + i];
  ep_ntp_check_reply(data, size, origin, t1, t4, &s, &reason);
  ep_ntp_check_reply(data, size, ~origin, t1, t4, &s, &reason);
  /* Timestamps near an era's end, from the same bytes. */
  if (size >= 16) {
    struct ep_ntp_time ref;
    uint64_t           wire = 0;

    memcpy(&wire, data + 8, sizeof wire);
    ref.sec = (int64_t)(data[0] | (uint32_t)data[1] << 8 |
                        (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24);
    ref.frac = 0;
    ep_ntp_time_diff(ep_ntp_time_from_wire(wire, ref), ref);
  }
  return 0;
}
