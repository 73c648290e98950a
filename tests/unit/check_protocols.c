/* Unit tests for ep_protocols: the machine protocol table (every seed
 * protocol with its port, hello and title), lookups by exact name, the
 * hello names, and the list of names for messages. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_err.h"
#include "ep_protocols.h"
#include "ep_unit.h"

struct seed {
  const char   *name;
  unsigned      port;
  enum ep_hello hello;
  const char   *title;
};

/* The table as the machines probe was specified, in its order. */
static const struct seed seeds[] = {
  {"allen-bradley-enip", 44818, EP_HELLO_ENIP, "Allen-Bradley EtherNet/IP"},
  {"fanuc-focas", 8193, EP_HELLO_NONE, "FANUC FOCAS"},
  {"mtconnect-adapter", 7878, EP_HELLO_SHDR, "MTConnect adapter"},
  {"mtconnect-agent", 5000, EP_HELLO_MTCONNECT_HTTP, "MTConnect agent"},
  {"haas-serial-moxa", 4001, EP_HELLO_NONE, "Haas serial via Moxa"},
  {"haas-mtconnect", 8082, EP_HELLO_MTCONNECT_HTTP, "Haas MTConnect"},
  {"citizen-m700", 683, EP_HELLO_NONE, "Citizen M700"},
  {"mitsubishi", 683, EP_HELLO_NONE, "Mitsubishi"},
  {"heidenhain", 19000, EP_HELLO_NONE, "Heidenhain"},
  {"siemens-opcua", 4840, EP_HELLO_OPCUA, "Siemens OPC UA"},
  {"kepware-opcua", 49320, EP_HELLO_OPCUA, "Kepware OPC UA"},
  {"bystronic-opcua", 56000, EP_HELLO_OPCUA, "Bystronic OPC UA"},
  {"fanuc-robot-opcua", 4880, EP_HELLO_OPCUA, "FANUC robot OPC UA"},
  {"modbus-tcp", 502, EP_HELLO_MODBUS, "Modbus TCP / SeaLevel"},
};

#define N_SEEDS (sizeof seeds / sizeof seeds[0])

static const char all_names[] =
  "allen-bradley-enip, fanuc-focas, mtconnect-adapter, mtconnect-agent, "
  "haas-serial-moxa, haas-mtconnect, citizen-m700, mitsubishi, heidenhain, "
  "siemens-opcua, kepware-opcua, bystronic-opcua, fanuc-robot-opcua, "
  "modbus-tcp";

/* -------------------------------------------------------------------- */
/* The table                                                             */
/* -------------------------------------------------------------------- */

START_TEST(protocols_seed_present)
{
  const struct seed        *s = &seeds[_i];
  const struct ep_protocol *p = ep_protocol_named(s->name);

  ck_assert_msg(p != NULL, "%s missing", s->name);
  ck_assert_str_eq(p->name, s->name);
  ck_assert_uint_eq(p->port, s->port);
  ck_assert_msg(p->hello == s->hello, "%s: hello %s, expected %s", s->name,
                ep_hello_name(p->hello), ep_hello_name(s->hello));
  ck_assert_str_eq(p->title, s->title);
  /* In the table's own order, so lists read as specified. */
  ck_assert_ptr_eq(p, &ep_protocols[_i]);
}
END_TEST

START_TEST(protocols_count)
{
  ck_assert_uint_eq(ep_protocols_n, N_SEEDS);
}
END_TEST

/* Names are what users type: unique, lower case, no blanks; ports are
 * TCP ports; every title is there. */
START_TEST(protocols_well_formed)
{
  size_t i, k;

  for (i = 0; i < ep_protocols_n; i++) {
    const struct ep_protocol *p = &ep_protocols[i];

    ck_assert_ptr_nonnull(p->name);
    ck_assert_ptr_nonnull(p->title);
    ck_assert_uint_gt(strlen(p->title), 0);
    ck_assert_uint_gt(strlen(p->name), 0);
    ck_assert_msg(strspn(p->name, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
                    strlen(p->name),
                  "%s: not lower-case letters, digits and -", p->name);
    ck_assert_uint_ge(p->port, 1);
    ck_assert_uint_le(p->port, 65535);
    ck_assert_int_ge((int)p->hello, (int)EP_HELLO_NONE);
    ck_assert_int_le((int)p->hello, (int)EP_HELLO_ENIP);
    for (k = 0; k < i; k++)
      ck_assert_str_ne(ep_protocols[k].name, p->name);
  }
}
END_TEST

/* -------------------------------------------------------------------- */
/* Lookups                                                               */
/* -------------------------------------------------------------------- */

static const char *const unknown_names[] = {
  "",
  "modbus",          /* a prefix */
  "modbus-tcp ",     /* a trailing blank */
  " modbus-tcp",
  "Modbus-TCP",      /* case-sensitive */
  "MODBUS-TCP",
  "modbus-tcpx",
  "opcua",
  "siemens",
  "fanuc",
  "modbus_tcp",
};

START_TEST(protocols_unknown_name_null)
{
  ck_assert_ptr_null(ep_protocol_named(unknown_names[_i]));
}
END_TEST

START_TEST(protocols_null_name_null)
{
  ck_assert_ptr_null(ep_protocol_named(NULL));
}
END_TEST

/* Two protocols share 683; lookups go by name, not port. */
START_TEST(protocols_shared_port_distinct)
{
  const struct ep_protocol *a = ep_protocol_named("citizen-m700");
  const struct ep_protocol *b = ep_protocol_named("mitsubishi");

  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_ptr_ne(a, b);
  ck_assert_uint_eq(a->port, b->port);
  ck_assert_str_eq(a->title, "Citizen M700");
  ck_assert_str_eq(b->title, "Mitsubishi");
}
END_TEST

/* -------------------------------------------------------------------- */
/* Hello names                                                           */
/* -------------------------------------------------------------------- */

START_TEST(protocols_hello_names)
{
  ck_assert_str_eq(ep_hello_name(EP_HELLO_NONE), "none");
  ck_assert_str_eq(ep_hello_name(EP_HELLO_MODBUS), "modbus");
  ck_assert_str_eq(ep_hello_name(EP_HELLO_OPCUA), "opcua");
  ck_assert_str_eq(ep_hello_name(EP_HELLO_MTCONNECT_HTTP), "mtconnect-http");
  ck_assert_str_eq(ep_hello_name(EP_HELLO_SHDR), "shdr");
  ck_assert_str_eq(ep_hello_name(EP_HELLO_ENIP), "enip");
  ck_assert_str_eq(ep_hello_name((enum ep_hello)99), "unknown");
  ck_assert_str_eq(ep_hello_name((enum ep_hello)-1), "unknown");
}
END_TEST

/* -------------------------------------------------------------------- */
/* The list of names                                                     */
/* -------------------------------------------------------------------- */

START_TEST(protocols_list_whole)
{
  char buf[512];

  ck_assert_uint_eq(ep_protocol_list(buf, sizeof buf), strlen(all_names));
  ck_assert_str_eq(buf, all_names);
}
END_TEST

START_TEST(protocols_list_exact_fit)
{
  char buf[sizeof all_names];

  ck_assert_uint_eq(ep_protocol_list(buf, sizeof buf), sizeof all_names - 1);
  ck_assert_str_eq(buf, all_names);
}
END_TEST

/* Cut like snprintf at every size, never past the buffer (ASan watches
 * an exact-size heap copy), the return always the whole length. */
START_TEST(protocols_list_truncated)
{
  size_t size;

  for (size = 1; size < sizeof all_names; size++) {
    char *buf = malloc(size);

    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(ep_protocol_list(buf, size), sizeof all_names - 1);
    ck_assert_uint_eq(strlen(buf), size - 1);
    ck_assert_int_eq(strncmp(buf, all_names, size - 1), 0);
    free(buf);
  }
}
END_TEST

START_TEST(protocols_list_size_zero_writes_nothing)
{
  char buf[4];

  memset(buf, 'Z', sizeof buf);
  ck_assert_uint_eq(ep_protocol_list(buf, 0), sizeof all_names - 1);
  ck_assert_int_eq(buf[0], 'Z');
  ck_assert_uint_eq(ep_protocol_list(NULL, 0), sizeof all_names - 1);
}
END_TEST

/* The message it is for fits an ep_err with a short unknown name. */
START_TEST(protocols_list_fits_an_error)
{
  struct ep_err err = EP_ERR_INIT;
  char          names[512];
  int           n;

  ep_protocol_list(names, sizeof names);
  n = snprintf(err.msg, sizeof err.msg, "unknown protocol '%s' (known: %s)",
               "modbus", names);
  ck_assert_int_lt(n, (int)sizeof err.msg);
  ck_assert_str_eq(err.msg, "unknown protocol 'modbus' (known: "
                            "allen-bradley-enip, fanuc-focas, "
                            "mtconnect-adapter, mtconnect-agent, "
                            "haas-serial-moxa, haas-mtconnect, citizen-m700, "
                            "mitsubishi, heidenhain, siemens-opcua, "
                            "kepware-opcua, bystronic-opcua, "
                            "fanuc-robot-opcua, modbus-tcp)");
}
END_TEST

static Suite *
protocols_suite(void)
{
  Suite *s = suite_create("protocols");
  TCase *tt = tcase_create("table");
  TCase *tn = tcase_create("lookup");
  TCase *th = tcase_create("hello names");
  TCase *tl = tcase_create("list");

  tcase_add_loop_test(tt, protocols_seed_present, 0, (int)N_SEEDS);
  tcase_add_test(tt, protocols_count);
  tcase_add_test(tt, protocols_well_formed);
  suite_add_tcase(s, tt);

  tcase_add_loop_test(tn, protocols_unknown_name_null, 0,
                      (int)(sizeof unknown_names / sizeof unknown_names[0]));
  tcase_add_test(tn, protocols_null_name_null);
  tcase_add_test(tn, protocols_shared_port_distinct);
  suite_add_tcase(s, tn);

  tcase_add_test(th, protocols_hello_names);
  suite_add_tcase(s, th);

  tcase_add_test(tl, protocols_list_whole);
  tcase_add_test(tl, protocols_list_exact_fit);
  tcase_add_test(tl, protocols_list_truncated);
  tcase_add_test(tl, protocols_list_size_zero_writes_nothing);
  tcase_add_test(tl, protocols_list_fits_an_error);
  suite_add_tcase(s, tl);
  return s;
}

EP_UNIT_MAIN(protocols_suite)
