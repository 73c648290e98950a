#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "dns_settings.h"
#include "ep_addr.h"
#include "ep_settings.h"

#define PATH_TEXT_MAX 128

void
ep_dns_names_free(struct ep_dns_name *names, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free(names[i].name);
    ep_strlist_free(&names[i].expect);
  }
  free(names);
}

static void
release_names(void *field)
{
  struct ep_dns_names *names = field;

  ep_dns_names_free(names->v, names->n);
  names->v = NULL;
  names->n = 0;
}

static const struct ep_field name_fields[] = {
  {.member = "name", .type = EP_FIELD_STRING,
   .offset = offsetof(struct ep_dns_name, name)},
  {.member = "expect", .type = EP_FIELD_LIST,
   .offset = offsetof(struct ep_dns_name, expect), .text = EP_TEXT_ADDRESS},
  {NULL}};

static enum ep_status
decode_name(const struct ep_decoder *d, const char *path, json_object *e,
            struct ep_dns_name *name)
{
  static const char *const members[] = {"name", "expect", NULL};
  char                     mpath[PATH_TEXT_MAX + 16];
  struct ep_err            herr = EP_ERR_INIT;
  json_object             *m;

  if (!json_object_is_type(e, json_type_object))
    return ep_decode_expected(d, path, "an object with \"name\"", e);
  if (ep_decode_members(d, path, e, members) != EP_OK)
    return EP_EINVAL;
  if (!json_object_object_get_ex(e, "name", &m))
    return ep_decode_invalid(d, path, "missing member \"name\"");
  if (ep_fields_decode(d, path, name_fields, e, name) != EP_OK)
    return EP_EINVAL;
  snprintf(mpath, sizeof mpath, "%s.name", path);
  if (ep_hostname_check(name->name, "", &herr) != EP_OK)
    return ep_decode_invalid(d, mpath, herr.msg + 2);
  return EP_OK;
}

static enum ep_status
decode_names(const struct ep_decoder *d, const char *path, json_object *v,
             void *field)
{
  struct ep_dns_names *names = field;
  char                 ipath[PATH_TEXT_MAX];
  size_t               i, n;

  if (!json_object_is_type(v, json_type_array))
    return ep_decode_expected(d, path, "an array of objects", v);
  n = json_object_array_length(v);
  release_names(names);
  if (!(names->v = calloc(n ? n : 1, sizeof *names->v)))
    return ep_decode_nomem(d);
  for (i = 0; i < n; i++) {
    snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
    names->n = i + 1;
    if (decode_name(d, ipath, json_object_array_get_idx(v, i),
                    &names->v[i]) != EP_OK)
      return EP_EINVAL;
  }
  return EP_OK;
}

#define AT(m) offsetof(struct ep_dns_profile, m)
static const struct ep_field fields[] = {
  {.member = "names", .type = EP_FIELD_CUSTOM, .offset = AT(names),
   .decode = decode_names, .release = release_names},
  {.member = "warning", .type = EP_FIELD_RANGE, .offset = AT(warning)},
  {.member = "critical", .type = EP_FIELD_RANGE, .offset = AT(critical)},
  {.member = "dnssec", .type = EP_FIELD_BOOL, .offset = AT(dnssec)},
  {NULL}};

static enum ep_status
check_address(const char *what, const char *value, struct ep_err *err)
{
  if (ep_addr_is_literal(value))
    return EP_OK;
  return ep_err_set(err, EP_EINVAL, "%s: '%s' is not an IPv4 or IPv6 address",
                    what, value);
}

const struct ep_option ep_dns_option_expect = {
  .name = "expect-address",
  .letter = 'a',
  .arg = "ADDR",
  .scope = EP_SCOPE_SINGLE,
  .repeat = true,
  .help = "every address the -H names resolve to must be one of these; "
          "repeatable",
  .check = check_address,
  .needs = &ep_option_hosts,
  .needs_why = "it says what the names given with -H must resolve to"};
const struct ep_option ep_dns_option_dnssec = {
  .name = "dnssec",
  .scope = EP_SCOPE_SINGLE,
  .help = "ask each resolver with the DO bit whether it validates DNSSEC\n"
          "(the AD bit); one that does not is a WARNING"};
static const struct ep_option *const options[] = {
  &ep_dns_option_expect, &ep_dns_option_dnssec, NULL};

const struct ep_section ep_dns_section = {"dns", false,
                                          sizeof(struct ep_dns_profile),
                                          fields, options};

/* The check plugin of this kind alone (check_edge_dns): what it
 * does, its usage line, its own options' meaning, examples. */
const struct ep_kind_doc ep_dns_doc = {
  .synopsis =
    "resolves every host name of the profile (or -H) through each configured\n"
    "resolver on its own, and the fallback when they do not answer",
  .usage =
    "[-P PROFILE] [-H NAME]... [-a ADDR]... [-D ADDR[:PORT]]... [--dnssec]\n"
    "   [--fallback-dns system|none|ADDR[:PORT]] [-w RANGE] [-c RANGE]\n"
    "   [-t SECONDS] [-I IFACE] [--format nagios|json] [-v]",
  .help =
    "Options of this check:\n"
    " -H, --hostname NAME     a name to resolve; repeatable; replaces the "
    "profile's names\n"
    " -a, --expect-address ADDR\n"
    "    every address the -H names resolve to must be one of these; "
    "repeatable\n"
    " --dnssec   ask each resolver whether it validates DNSSEC (the AD bit);\n"
    "    one that does not is a WARNING (profile: \"dnssec\": true)\n"
    " Every resolver is also asked a random name under .invalid: one that\n"
    "    answers it with an address rewrites NXDOMAIN (a WARNING)\n"
    " -w/-c apply to each name's response time in seconds (profile default "
    "0.5 and 2)\n",
  .examples =
    " check_edge_dns\n"
    "    every name of the built-in standard profile, through 8.8.8.8 and\n"
    "    8.8.4.4, each on its own\n"
    " check_edge_dns -D 10.20.0.53 -H api.machinemetrics.com -w 0.2 -c 1\n"
    "    one name through the plant's resolver\n"
    " check_edge_dns -P govcloud -H api.machinemetrics-us-gov.com \\\n"
    "     -a 18.252.129.108 -a 18.254.70.116\n"
    "    the GovCloud name must resolve to its static addresses\n"};

/* How the whole checklist speaks of this check and what it reads in
 * its results. */
const struct ep_kind_report ep_dns_reporting = {
  .item_id = "dns",
  .item_title = "DNS",
  .short_title = "DNS",
  .ok_one = "name resolves",
  .ok_many = "names resolve",
  .roles = EP_ROLE_RESOLVER | EP_ROLE_CLOUD,
  .figures = (const struct ep_checklist_figure[]){
    {"response_time", "dns_slowest", false, false, EP_UNIT_SECONDS},
    {NULL, NULL, false, false, EP_UNIT_SECONDS}}};

/* Its targets' figures, as collectd and the MIB keep them. */
const struct ep_figure_decl ep_dns_figures[] = {
  {"response_time", "response_time", false, 7, EP_MIB_MICROSECONDS},
  {NULL, NULL, false, 0, EP_MIB_MICROSECONDS}};

/* Its table of EDGEPROBE-MIB (snmp/EDGEPROBE-MIB.txt). */
const struct ep_kind_mib ep_dns_mib = {2, 1, 8, NULL};
