#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "dns.h"
#include "ep_probes.h"
#include "ep_snmp_view.h"

const ep_oid ep_mib_root[EP_MIB_ROOT_LEN] = {EP_MIB_ROOT};

/* The columns every table shares. */
enum row_column {
  COLUMN_TARGET = 2,
  COLUMN_STATE,
  COLUMN_SUMMARY,
  COLUMN_CAUSE,
  COLUMN_LAST_CHANGE,
  COLUMN_FIRST_FIGURE
};

/* Where the dns check's names come from (ep_dns_collect_names), in the
 * order epDnsNeededBy names them: each kind's part of the profile, by
 * its member ("dns" its own list; "ntp", "https", "nats" the hosts they
 * need resolved), then the host of the proxy the https check goes
 * through. */
struct name_source {
  const char         *label; /* "https" */
  struct ep_dns_name *names;
  size_t              n;
};

struct name_sources {
  struct name_source *v;
  size_t              n;
};

#define ROWS_MAX 65535 /* an index is an Unsigned32 (1..65535) */
#define INTEGER32_MIN (-2147483648.0)
#define INTEGER32_MAX 2147483647.0
#define UNSIGNED32_MAX 4294967295.0

struct builder {
  struct ep_snmp_view       *view;
  size_t                     cap;
  enum ep_status             rc;
  const struct name_sources *sources; /* NULL: no epDnsNeededBy */
};

/* The number of kind's table's last column. */
static ep_oid
last_column(const struct ep_probe_kind *kind)
{
  const struct ep_figure_decl *f;
  const struct ep_mib_text    *t;
  ep_oid                       last = COLUMN_LAST_CHANGE;

  for (f = kind->figures; f && f->figure; f++)
    if (f->mib_column > last)
      last = f->mib_column;
  if (kind->mib->needed_by_column > last)
    last = kind->mib->needed_by_column;
  for (t = kind->mib->texts; t && t->column; t++)
    if (t->column > last)
      last = t->column;
  return last;
}

/* The column of words kind declares at column, or NULL. */
static const struct ep_mib_text *
column_text(const struct ep_probe_kind *kind, ep_oid column)
{
  const struct ep_mib_text *t;

  for (t = kind->mib->texts; t && t->column; t++)
    if (t->column == column)
      return t;
  return NULL;
}

/* The figure kind declares at column, or NULL. */
static const struct ep_figure_decl *
column_figure(const struct ep_probe_kind *kind, ep_oid column)
{
  const struct ep_figure_decl *f;

  for (f = kind->figures; f && f->figure; f++)
    if (f->mib_column == column)
      return f;
  return NULL;
}

/* A new instance root.1.a.b.c (c and d when not 0 too). */
static struct ep_snmp_value *
add(struct builder *b, const ep_oid *sub, size_t n_sub,
    enum ep_snmp_type type)
{
  struct ep_snmp_value *v;

  if (b->rc != EP_OK)
    return NULL;
  if (b->view->n == b->cap) {
    size_t                cap = b->cap ? b->cap * 2 : 64;
    struct ep_snmp_value *grown = realloc(b->view->v, cap * sizeof *grown);

    if (!grown) {
      b->rc = EP_ENOMEM;
      return NULL;
    }
    b->view->v = grown;
    b->cap = cap;
  }
  v = &b->view->v[b->view->n++];
  memset(v, 0, sizeof *v);
  memcpy(v->oid, ep_mib_root, sizeof ep_mib_root);
  v->oid[EP_MIB_ROOT_LEN] = EP_MIB_OBJECTS;
  memcpy(v->oid + EP_MIB_ROOT_LEN + 1, sub, n_sub * sizeof *sub);
  v->oid_len = EP_MIB_ROOT_LEN + 1 + n_sub;
  v->type = type;
  return v;
}

static void
add_number(struct builder *b, const ep_oid *sub, size_t n_sub,
           enum ep_snmp_type type, int64_t number)
{
  struct ep_snmp_value *v = add(b, sub, n_sub, type);

  if (v)
    v->number = number;
}

static void
add_octets(struct builder *b, const ep_oid *sub, size_t n_sub,
           const void *octets, size_t len)
{
  struct ep_snmp_value *v = add(b, sub, n_sub, EP_SNMP_OCTETS);

  if (!v)
    return;
  v->octets = malloc(len ? len : 1);
  if (!v->octets) {
    b->view->n--;
    b->rc = EP_ENOMEM;
    return;
  }
  memcpy(v->octets, octets, len);
  v->len = len;
}

static void
add_text(struct builder *b, const ep_oid *sub, size_t n_sub, const char *text)
{
  char ascii[EP_MIB_TEXT_MAX];

  add_octets(b, sub, n_sub, ascii, ep_snmp_text(text ? text : "", ascii));
}

static void
add_date(struct builder *b, const ep_oid *sub, size_t n_sub,
         const struct timespec *t)
{
  unsigned char date[EP_MIB_DATE_LEN];

  ep_snmp_date(t, date);
  add_octets(b, sub, n_sub, date, sizeof date);
}

/* The names of one source: the dns check's own function on a profile
 * holding that source alone (its lists borrowed from the real one, never
 * freed), so that an entry (a URL, HOST:PORT, a literal address) becomes
 * a name here exactly as it does there. */
static enum ep_status
collect_source(struct name_sources *s, const char *label,
               const struct ep_profile *alone)
{
  struct name_source *source = &s->v[s->n++];

  source->label = label;
  return ep_dns_collect_names(alone, &source->names, &source->n, NULL);
}

static enum ep_status
collect_sources(struct name_sources *s, const struct ep_profile *p)
{
  struct ep_profile one;
  size_t            n_sections = 0, i;

  while (p->sections && p->sections[n_sections])
    n_sections++;
  s->n = 0;
  if (!(s->v = calloc(n_sections + 1, sizeof *s->v)))
    return EP_ENOMEM;
  for (i = 0; i < n_sections; i++) {
    const struct ep_section *section[] = {p->sections[i], NULL};

    memset(&one, 0, sizeof one);
    one.sections = section;
    one.parts = &p->parts[i];
    if (collect_source(s, p->sections[i]->member, &one) != EP_OK)
      return EP_ENOMEM;
  }
  memset(&one, 0, sizeof one);
  one.proxy.url = p->proxy.url;
  return collect_source(s, "proxy", &one);
}

static void
free_sources(struct name_sources *s)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    ep_dns_names_free(s->v[i].names, s->v[i].n);
  free(s->v);
}

/* "https,nats": every source of name (compared as DNS compares names,
 * without case), in source order, whole labels only; "" for none.  Its
 * length. */
static size_t
needed_by(const struct name_sources *s, const char *name,
          char out[EP_MIB_TEXT_MAX])
{
  size_t i, j, len = 0;
  int    n;

  for (i = 0; i < s->n; i++)
    for (j = 0; j < s->v[i].n; j++)
      if (strcasecmp(s->v[i].names[j].name, name) == 0) {
        n = snprintf(out + len, EP_MIB_TEXT_MAX - len, "%s%s",
                     len ? "," : "", s->v[i].label);
        if (n < 0 || (size_t)n >= EP_MIB_TEXT_MAX - len)
          return len;
        len += (size_t)n;
        break;
      }
  return len;
}

size_t
ep_snmp_text(const char *text, char out[EP_MIB_TEXT_MAX])
{
  size_t len = strnlen(text, EP_MIB_TEXT_MAX), n;

  for (n = 0; n < len; n++)
    out[n] = text[n] >= 0x20 && text[n] < 0x7F ? text[n] : '?';
  return len;
}

void
ep_snmp_date(const struct timespec *t, unsigned char out[EP_MIB_DATE_LEN])
{
  struct tm tm;
  time_t    s = t->tv_sec;
  int       year;

  gmtime_r(&s, &tm);
  year = tm.tm_year + 1900;
  out[0] = (unsigned char)(year >> 8);
  out[1] = (unsigned char)(year & 0xFF);
  out[2] = (unsigned char)(tm.tm_mon + 1);
  out[3] = (unsigned char)tm.tm_mday;
  out[4] = (unsigned char)tm.tm_hour;
  out[5] = (unsigned char)tm.tm_min;
  out[6] = (unsigned char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
  out[7] = (unsigned char)(t->tv_nsec / 100000000L);
  out[8] = '+';
  out[9] = 0;
  out[10] = 0;
}

int
ep_snmp_check_number(const char *check)
{
  const struct ep_probe_kind *kind = ep_probe_kind_named(check);

  return kind && kind->mib ? (int)kind->mib->check_number : 0;
}

/* In double, so that the bounds hold where long has 32 bits. */
static int64_t
clamp(double v, double lo, double hi)
{
  if (!(v >= lo)) /* NaN too */
    return (int64_t)lo;
  if (v >= hi)
    return (int64_t)hi;
  return (int64_t)v;
}

static void
add_figure(struct builder *b, ep_oid table, ep_oid column, ep_oid row,
           const struct ep_figure_decl *c, const struct ep_perf *p)
{
  const ep_oid sub[] = {table, 1, column, row};

  if (!p || !p->measured || !isfinite(p->value))
    return; /* absent: noSuchInstance, skipped by a walk */
  switch (c->mib) {
    case EP_MIB_MICROSECONDS:
      add_number(b, sub, 4, EP_SNMP_UNSIGNED,
                 clamp(round(p->value * 1e6), 0, UNSIGNED32_MAX));
      break;
    case EP_MIB_SIGNED_MICROSECONDS:
      add_number(b, sub, 4, EP_SNMP_INTEGER,
                 clamp(round(p->value * 1e6), INTEGER32_MIN, INTEGER32_MAX));
      break;
    case EP_MIB_PARTS_PER_BILLION:
      add_number(b, sub, 4, EP_SNMP_INTEGER,
                 clamp(round(p->value * 1e3), INTEGER32_MIN, INTEGER32_MAX));
      break;
    case EP_MIB_STRATUM:
      add_number(b, sub, 4, EP_SNMP_UNSIGNED, clamp(round(p->value), 0, 16));
      break;
    case EP_MIB_WHOLE_DAYS:
      add_number(b, sub, 4, EP_SNMP_INTEGER,
                 clamp(round(p->value), INTEGER32_MIN, INTEGER32_MAX));
      break;
    case EP_MIB_WHOLE:
      add_number(b, sub, 4, EP_SNMP_UNSIGNED,
                 clamp(round(p->value), 0, UNSIGNED32_MAX));
      break;
    case EP_MIB_HUNDREDTHS:
      add_number(b, sub, 4, EP_SNMP_UNSIGNED,
                 clamp(round(p->value * 100), 0, UNSIGNED32_MAX));
      break;
    case EP_MIB_SIGNED_WHOLE:
      add_number(b, sub, 4, EP_SNMP_INTEGER,
                 clamp(round(p->value), INTEGER32_MIN, INTEGER32_MAX));
      break;
    case EP_MIB_SIGNED_HUNDREDTHS:
      add_number(b, sub, 4, EP_SNMP_INTEGER,
                 clamp(round(p->value * 100), INTEGER32_MIN, INTEGER32_MAX));
      break;
    case EP_MIB_KILO:
      add_number(b, sub, 4, EP_SNMP_UNSIGNED,
                 clamp(round(p->value / 1e3), 0, UNSIGNED32_MAX));
      break;
  }
}

/* The words at path ("link.interface") in a target's JSON data, or NULL
 * when a member on the way is missing or null. */
static const char *
data_text(json_object *data, const char *path)
{
  char        member[64];
  const char *dot;
  size_t      len;

  while (data && *path) {
    dot = strchr(path, '.');
    len = dot ? (size_t)(dot - path) : strlen(path);
    if (len >= sizeof member)
      return NULL;
    memcpy(member, path, len);
    member[len] = '\0';
    if (!json_object_is_type(data, json_type_object) ||
        !json_object_object_get_ex(data, member, &data))
      return NULL;
    path += len + (dot ? 1 : 0);
  }
  if (!data || json_object_is_type(data, json_type_object) ||
      json_object_is_type(data, json_type_array))
    return NULL;
  return json_object_get_string(data);
}

/* One column of a check's table, every row, as the MIB orders them. */
static void
add_column(struct builder *b, const struct ep_snmp_view_input *in, size_t k,
           ep_oid column)
{
  const struct ep_probe_kind   *kind = in->run->kinds[k];
  const struct ep_check_result *r = &in->run->checks[k];
  const ep_oid                  table = kind->mib->table;
  const struct ep_figure_decl  *f = column_figure(kind, column);
  const char *lowest = kind->report ? kind->report->per_server_by : NULL;
  size_t      i;

  for (i = 0; i < r->n_targets && i < ROWS_MAX; i++) {
    const struct ep_target_result *t = &r->targets[i];
    const ep_oid                   sub[] = {table, 1, column, i + 1};
    const struct ep_state_entry   *e;
    const char                    *instance;

    switch (column) {
      case COLUMN_TARGET:
        add_text(b, sub, 4, t->name);
        break;
      case COLUMN_STATE:
        add_number(b, sub, 4, EP_SNMP_INTEGER, (int64_t)t->state);
        break;
      case COLUMN_SUMMARY:
        add_text(b, sub, 4, t->text);
        break;
      case COLUMN_CAUSE:
        add_text(b, sub, 4, t->cause);
        break;
      case COLUMN_LAST_CHANGE:
        e = in->states ? ep_state_memory_find(in->states, r->check, t->name)
                       : NULL;
        if (e)
          add_date(b, sub, 4, &e->since);
        break;
      default:
        if (column_text(kind, column)) {
          const char *words =
            data_text(t->data, column_text(kind, column)->path);

          if (words)
            add_text(b, sub, 4, words);
          break;
        }
        instance = lowest ? ep_target_lowest_instance(t, lowest) : NULL;
        if (!f || (lowest && !instance))
          break; /* no address answered: nothing measured */
        add_figure(b, table, column, i + 1, f,
                   ep_target_figure(t, f->figure, instance));
        break;
    }
  }
}

/* epDnsNeededBy, every row. */
static void
add_needed_by(struct builder *b, const struct ep_snmp_view_input *in,
              size_t k)
{
  const struct ep_check_result *r = &in->run->checks[k];
  const struct ep_kind_mib     *mib = in->run->kinds[k]->mib;
  char                          label[EP_MIB_TEXT_MAX];
  size_t                        i;

  if (!b->sources)
    return; /* absent: nothing says */
  for (i = 0; i < r->n_targets && i < ROWS_MAX; i++) {
    const ep_oid sub[] = {mib->table, 1, mib->needed_by_column, i + 1};

    add_octets(b, sub, 4, label,
               needed_by(b->sources, r->targets[i].name, label));
  }
}

static void
add_general(struct builder *b, const struct ep_snmp_view_input *in)
{
  const struct ep_checklist *cl = in->checklist;
  const ep_oid               g = EP_MIB_GENERAL;
  enum ep_state              state = EP_STATE_UNKNOWN;
  const char                *cause = "no probe run has ended yet";
  const char                *code = "";

  if (in->failure) {
    cause = in->failure;
  } else if (cl) {
    state = cl->state;
    cause = cl->summary;
    code = cl->diag.n ? cl->diag.causes[0].code : "";
  }
  add_text(b, (ep_oid[]){g, EP_MIB_VERSION, 0}, 3, in->version);
  add_text(b, (ep_oid[]){g, EP_MIB_PROFILE, 0}, 3, in->profile);
  add_number(b, (ep_oid[]){g, EP_MIB_OVERALL_STATE, 0}, 3, EP_SNMP_INTEGER,
             (int64_t)state);
  add_text(b, (ep_oid[]){g, EP_MIB_ROOT_CAUSE, 0}, 3, cause);
  add_text(b, (ep_oid[]){g, EP_MIB_ROOT_CAUSE_CODE, 0}, 3, code);
  if (in->run) {
    add_date(b, (ep_oid[]){g, EP_MIB_LAST_RUN, 0}, 3, &in->run->started);
    add_number(b, (ep_oid[]){g, EP_MIB_LAST_RUN_DURATION, 0}, 3,
               EP_SNMP_UNSIGNED,
               clamp(round(in->run->seconds * 1e3), 0, UNSIGNED32_MAX));
  }
  add_number(b, (ep_oid[]){g, EP_MIB_RUNS, 0}, 3, EP_SNMP_COUNTER,
             (int64_t)in->runs);
  add_number(b, (ep_oid[]){g, EP_MIB_INTERVAL, 0}, 3, EP_SNMP_UNSIGNED,
             clamp(ceil(in->interval), 0, UNSIGNED32_MAX));
}

enum ep_status
ep_snmp_view_build(struct ep_snmp_view *view,
                   const struct ep_snmp_view_input *in, struct ep_err *err)
{
  struct builder      b = {view, 0, EP_OK, NULL};
  struct name_sources sources = {NULL, 0};
  const bool          have_sources = in->run && in->source_profile;
  size_t              k;
  ep_oid              c;

  view->v = NULL;
  view->n = 0;
  if (have_sources) {
    b.rc = collect_sources(&sources, in->source_profile);
    b.sources = &sources;
  }
  add_general(&b, in);
  for (k = 0; in->run && k < in->run->n; k++) {
    const struct ep_probe_kind *kind = in->run->kinds[k];

    if (!in->run->checks[k].ran || !kind->mib)
      continue;
    for (c = COLUMN_TARGET; c <= last_column(kind); c++)
      if (c == kind->mib->needed_by_column)
        add_needed_by(&b, in, k);
      else
        add_column(&b, in, k, c);
  }
  if (have_sources)
    free_sources(&sources);
  if (b.rc != EP_OK) {
    ep_snmp_view_free(view);
    return ep_err_set(err, b.rc, "out of memory building the SNMP view");
  }
  return EP_OK;
}

void
ep_snmp_view_free(struct ep_snmp_view *view)
{
  size_t i;

  for (i = 0; i < view->n; i++)
    free(view->v[i].octets);
  free(view->v);
  view->v = NULL;
  view->n = 0;
}

static int
compare(const ep_oid *a, size_t a_len, const ep_oid *b, size_t b_len)
{
  size_t i;

  for (i = 0; i < a_len && i < b_len; i++)
    if (a[i] != b[i])
      return a[i] < b[i] ? -1 : 1;
  return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

/* The index of the first instance at or after oid. */
static size_t
lower_bound(const struct ep_snmp_view *view, const ep_oid *oid, size_t len)
{
  size_t lo = 0, hi = view->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (compare(view->v[mid].oid, view->v[mid].oid_len, oid, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const struct ep_snmp_value *
ep_snmp_view_get(const struct ep_snmp_view *view, const ep_oid *oid,
                 size_t len)
{
  size_t i = lower_bound(view, oid, len);

  if (i < view->n &&
      compare(view->v[i].oid, view->v[i].oid_len, oid, len) == 0)
    return &view->v[i];
  return NULL;
}

const struct ep_snmp_value *
ep_snmp_view_next(const struct ep_snmp_view *view, const ep_oid *oid,
                  size_t len, bool inclusive)
{
  size_t i = lower_bound(view, oid, len);

  if (!inclusive && i < view->n &&
      compare(view->v[i].oid, view->v[i].oid_len, oid, len) == 0)
    i++;
  return i < view->n ? &view->v[i] : NULL;
}

bool
ep_snmp_is_object(const ep_oid *oid, size_t len)
{
  const size_t at = EP_MIB_ROOT_LEN + 1; /* below edgeProbeObjects */
  size_t       k;

  if (len < at + 3 || memcmp(oid, ep_mib_root, sizeof ep_mib_root) != 0 ||
      oid[EP_MIB_ROOT_LEN] != EP_MIB_OBJECTS)
    return false;
  if (oid[at] == EP_MIB_GENERAL)
    return oid[at + 1] >= EP_MIB_VERSION && oid[at + 1] <= EP_MIB_INTERVAL;
  for (k = 0; k < ep_probe_kinds_n; k++)
    if (ep_probe_kinds[k]->mib && oid[at] == ep_probe_kinds[k]->mib->table)
      return len >= at + 4 && oid[at + 1] == 1 &&
             oid[at + 2] >= COLUMN_TARGET &&
             oid[at + 2] <= last_column(ep_probe_kinds[k]);
  return false;
}
