/* The NATS check's part of a profile, "$.nats". */
#ifndef NATS_SETTINGS_H
#define NATS_SETTINGS_H

#include <stdbool.h>

#include "ep_probe.h"
#include "ep_schema.h"

struct ep_nats_profile {
  struct ep_strlist targets; /* HOST:PORT */
  char             *auth_file;
  /* Credentials go only over verified TLS unless this says, in so many
   * words, that a plaintext server may have them. */
  bool              allow_plaintext_credentials;
  char             *warning, *critical; /* round trip, s */
};

extern const struct ep_section ep_nats_section;
/* --nats-auth-file FILE. */
extern const struct ep_option ep_nats_option_auth_file;

/* check_edge_nats's help. */
extern const struct ep_kind_doc ep_nats_doc;

/* The checklist's words and figures of it. */
extern const struct ep_kind_report ep_nats_reporting;

/* Its figures and its MIB table. */
extern const struct ep_figure_decl ep_nats_figures[];
extern const struct ep_kind_mib    ep_nats_mib;

#endif
