/* edgeprobe.so: collectd's plugin for edgeprobe.  A thin front end: it
 * reads <Plugin edgeprobe>, builds one configuration per check with the
 * core's own validation and messages, registers a read callback per
 * check (its own interval), and turns each run's typed figures into
 * values and each target's change of state into a notification.  Probe
 * logic stays in the core.
 *
 * collectd's headers want its own config.h or none: this translation
 * unit includes none of ours and undefines HAVE_CONFIG_H. */
#undef HAVE_CONFIG_H
#define _GNU_SOURCE

#include "core/daemon/collectd.h"
#include "core/daemon/plugin.h"
#include "core/utils/common/common.h"

#include <pthread.h>

#include "ep_sections.h"
#include "ep_check.h"
#include "ep_config.h"
#include "ep_drift.h"
#include "ep_memory.h"
#include "ep_probes.h"
#include "ep_schedule.h"
#include "ep_settings.h"
#include "ep_states.h"

#define PLUGIN "edgeprobe"

/* A value given in the configuration, for its option to read. */
struct given {
  const struct ep_option *option;
  char                   *value; /* as the command line would give it */
};

struct givens {
  struct given *v;
  size_t        n;
};

/* A <Check "..."> block: what it tunes of its check alone. */
struct check_block {
  const struct ep_probe_kind *kind;
  struct givens               given;    /* Target, Warning, its kind's */
  double                      interval; /* s; 0: collectd's */
  bool                        enabled;
};

/* Where a key may be written. */
enum { IN_PLUGIN = 1, IN_CHECK = 2 };

/* A key collectd's users may write: a declared option (the core's or a
 * kind's, ep_options.h), whose key and scope say where it goes, or one of
 * collectd's own (read is set). */
struct key {
  const char *name;  /* as written: "Target" */
  unsigned    where; /* IN_PLUGIN, IN_CHECK */
  /* IN_CHECK: the check whose block alone takes it; NULL: every block. */
  const struct ep_probe_kind *kind;
  const struct ep_option     *option;
  /* Reads ci into b (NULL at the plugin level): 0, or -1 logged. */
  int (*read)(const oconfig_item_t *ci, struct check_block *b);
};

/* The <Plugin edgeprobe> block as read (config time, one thread). */
static struct {
  struct key             *keys; /* every key; parse and names use these */
  size_t                  n_keys;
  struct ep_setting_names names; /* for the core's messages, from keys */
  struct givens           given; /* the plugin level's */
  struct check_block     *blocks;
  size_t                  n_blocks;
  bool                    inited;
} conf;

/* One read callback: one check, its configuration, what it last saw. */
struct instance {
  const struct ep_probe_kind *kind;
  struct ep_config            cfg;
  double                      interval;
  struct ep_memory           *memory; /* the kind's, between reads */
  pthread_mutex_t             lock;
  struct ep_state_memory      states; /* each target's last state */
};

static void
instance_free(void *arg)
{
  struct instance *in = arg;

  if (!in)
    return;
  ep_config_cleanup(&in->cfg);
  ep_memory_free(in->memory);
  ep_state_memory_free(&in->states);
  pthread_mutex_destroy(&in->lock);
  free(in);
}

/* ---------------------------------------------------------------- values */

/* A target's name as a type instance: [A-Za-z0-9._-], others '_'. */
static void
instance_name(char *out, size_t size, const char *target, const char *suffix)
{
  size_t n = 0;
  const char *s;

  for (s = target; *s && n + 1 < size; s++)
    out[n++] = (isalnum((unsigned char)*s) || *s == '.' || *s == '-' ||
                *s == '_')
                 ? *s
                 : (*s == ' ' ? '-' : '_');
  out[n] = '\0';
  if (suffix && *suffix)
    snprintf(out + n, size - n, "-%s", suffix);
}

static void
dispatch_gauge(const struct instance *in, const char *type,
               const char *type_instance, double v)
{
  value_list_t vl = VALUE_LIST_INIT;
  value_t      value = {.gauge = v};

  vl.values = &value;
  vl.values_len = 1;
  sstrncpy(vl.plugin, PLUGIN, sizeof vl.plugin);
  sstrncpy(vl.plugin_instance, in->kind->name, sizeof vl.plugin_instance);
  sstrncpy(vl.type, type, sizeof vl.type);
  sstrncpy(vl.type_instance, type_instance, sizeof vl.type_instance);
  plugin_dispatch_values(&vl);
}

static void
dispatch_target(const struct instance *in, const struct ep_target_result *t)
{
  const struct ep_figure_decl *f;
  char                         ti[DATA_MAX_NAME_LEN];
  size_t                       i;

  /* Each figure as the kind declares it for collectd. */
  for (i = 0; i < t->n_perf; i++) {
    const struct ep_perf *p = &t->perf[i];

    for (f = in->kind->figures; f && f->figure; f++) {
      if (strcmp(p->figure, f->figure) != 0 || !f->collectd_type)
        continue;
      instance_name(ti, sizeof ti, t->name,
                    f->collectd_suffix ? p->figure : NULL);
      /* Not measured: NaN, a gap in the graph, not a zero. */
      dispatch_gauge(in, f->collectd_type, ti, p->measured ? p->value : NAN);
      break;
    }
  }
  instance_name(ti, sizeof ti, t->name, "state");
  dispatch_gauge(in, "gauge", ti, (double)t->state);
}

/* ---------------------------------------------------------- notifications */

static int
severity_of(enum ep_state s)
{
  return s == EP_STATE_OK        ? NOTIF_OKAY
         : s == EP_STATE_WARNING ? NOTIF_WARNING
                                 : NOTIF_FAILURE;
}

/* OLD is NULL for a target's first read. */
static void
notify(const struct instance *in, const struct ep_target_result *t,
       const enum ep_state *old)
{
  notification_t n = {0};
  char           ti[DATA_MAX_NAME_LEN];

  n.severity = severity_of(t->state);
  n.time = cdtime();
  sstrncpy(n.host, hostname_g, sizeof n.host);
  sstrncpy(n.plugin, PLUGIN, sizeof n.plugin);
  sstrncpy(n.plugin_instance, in->kind->name, sizeof n.plugin_instance);
  sstrncpy(n.type, "gauge", sizeof n.type);
  instance_name(ti, sizeof ti, t->name, "state");
  sstrncpy(n.type_instance, ti, sizeof n.type_instance);
  snprintf(n.message, sizeof n.message, "%s %s: %s%s%s%s%s%s: %s",
           in->kind->name, t->name, old ? ep_state_str(*old) : "",
           old ? " -> " : "", ep_state_str(t->state), t->cause ? " (" : "",
           t->cause ? t->cause : "", t->cause ? ")" : "",
           t->text ? t->text : "");
  plugin_notification_meta_add_string(&n, "check", in->kind->name);
  plugin_notification_meta_add_string(&n, "target", t->name);
  if (old)
    plugin_notification_meta_add_string(&n, "old_state", ep_state_str(*old));
  plugin_notification_meta_add_string(&n, "new_state",
                                      ep_state_str(t->state));
  if (t->cause)
    plugin_notification_meta_add_string(&n, "cause", t->cause);
  plugin_dispatch_notification(&n);
  plugin_notification_meta_free(n.meta);
}

/* A target's change of state, or a first read that is not OK. */
static void
notify_change(const struct ep_state_change *c, void *arg)
{
  notify(arg, c->target, c->first_seen ? NULL : &c->old);
}

/* ------------------------------------------------------------------ read */

static int
edgeprobe_read(user_data_t *ud)
{
  struct instance     *in = ud->data;
  struct ep_run_result run;
  struct ep_err        err = EP_ERR_INIT;
  size_t               i;
  int                  rc = 0;

  pthread_mutex_lock(&in->lock);
  /* A failing target is data; only a run that could not happen (a file
   * gone, no memory) is a failing read, which collectd backs off. */
  if (ep_check_run(&in->cfg, &in->kind, 1, &run, &err) != EP_OK) {
    ERROR(PLUGIN " plugin: %s check: %s", in->kind->name, err.msg);
    rc = -1;
  } else {
    const struct ep_check_result *r = &run.checks[0];
    const char *by = in->kind->report ? in->kind->report->per_server_by : NULL;
    struct ep_check_result by_server;

    /* A value series per configured server (NTP), from its best address,
     * whatever addresses a pool name has this time. */
    ep_check_result_init(&by_server);
    if (by && ep_check_result_by_host(r, by, &by_server) == EP_OK)
      r = &by_server;
    for (i = 0; i < r->n_targets; i++)
      dispatch_target(in, &r->targets[i]);
    /* The read's own wall time, as blackbox_exporter's probe duration. */
    dispatch_gauge(in, "duration", "", run.seconds);
    if (ep_state_memory_update(&in->states, r, &run.started, notify_change,
                               in) != EP_OK)
      WARNING(PLUGIN " plugin: %s check: out of memory remembering states",
              in->kind->name);
    ep_check_result_cleanup(&by_server);
    ep_run_result_cleanup(&run);
  }
  pthread_mutex_unlock(&in->lock);
  return rc;
}

/* --------------------------------------------------------------- config */

static int
config_fail(const oconfig_item_t *ci, const char *why)
{
  ERROR(PLUGIN " plugin: %s: %s", ci->key, why);
  return -1;
}

static void
givens_free(struct givens *g)
{
  size_t i;

  for (i = 0; i < g->n; i++)
    free(g->v[i].value);
  free(g->v);
  g->v = NULL;
  g->n = 0;
}

/* ci's one value, spelt as its option reads it: a string as written, a
 * number or a boolean as text ("8", "true").  A string to free(), or NULL
 * (logged). */
static char *
value_text(const oconfig_item_t *ci)
{
  char  buf[64];
  char *v;

  if (ci->values_num != 1) {
    config_fail(ci, "expected one value");
    return NULL;
  }
  if (ci->values[0].type == OCONFIG_TYPE_STRING)
    v = strdup(ci->values[0].value.string);
  else {
    if (ci->values[0].type == OCONFIG_TYPE_NUMBER)
      snprintf(buf, sizeof buf, "%.15g", ci->values[0].value.number);
    else
      snprintf(buf, sizeof buf, "%s",
               ci->values[0].value.boolean ? "true" : "false");
    v = strdup(buf);
  }
  if (!v)
    config_fail(ci, "out of memory");
  return v;
}

/* Keeps ci's value of o in g, after o's own check of a value. */
static int
give(const oconfig_item_t *ci, const struct ep_option *o, struct givens *g)
{
  struct ep_err err = EP_ERR_INIT;
  struct given *v;
  char         *value = value_text(ci);

  if (!value)
    return -1;
  if (o->check && o->check(o->key, value, &err) != EP_OK) {
    ERROR(PLUGIN " plugin: %s", err.msg);
    free(value);
    return -1;
  }
  if (!(v = realloc(g->v, (g->n + 1) * sizeof *v))) {
    free(value);
    return config_fail(ci, "out of memory");
  }
  g->v = v;
  g->v[g->n].option = o;
  g->v[g->n++].value = value;
  return 0;
}

static int
read_interval(const oconfig_item_t *ci, struct check_block *b)
{
  if (cf_util_get_double(ci, &b->interval) != 0)
    return -1;
  if (!(b->interval > 0))
    return config_fail(ci, "expected a number of seconds above 0");
  return 0;
}

static int
read_enabled(const oconfig_item_t *ci, struct check_block *b)
{
  return cf_util_get_boolean(ci, &b->enabled);
}

static int read_check(const oconfig_item_t *ci, struct check_block *unused);

/* Adds a key; -1 on no memory. */
static int
add_key(const char *name, unsigned where, const struct ep_probe_kind *kind,
        const struct ep_option *o,
        int (*read)(const oconfig_item_t *, struct check_block *))
{
  struct key *v = realloc(conf.keys, (conf.n_keys + 1) * sizeof *v);

  if (!v)
    return -1;
  conf.keys = v;
  v[conf.n_keys++] = (struct key){name, where, kind, o, read};
  return 0;
}

/* Where o goes: a setting of the whole checklist at the plugin level, one
 * of a check run alone in a <Check> block.  The core's settings shared by
 * every check (Timeout, Proxy, ...) stay at the plugin level. */
static unsigned
where_of(const struct ep_option *o, bool core)
{
  unsigned where = 0;

  if (o->scope & EP_SCOPE_CHECKLIST)
    where |= IN_PLUGIN;
  if ((o->scope & EP_SCOPE_SINGLE) &&
      (!core || !(o->scope & EP_SCOPE_CHECKLIST)))
    where |= IN_CHECK;
  return where;
}

/* Every key, in the order messages list them: collectd's own of a block,
 * the core's options, each kind's (in the registry's order), <Check>.
 * Options without a key are not collectd's. */
static int
make_keys(void)
{
  const struct ep_option *const *o;
  size_t                         i;
  int                            rc;

  rc = add_key("Interval", IN_CHECK, NULL, NULL, read_interval);
  rc |= add_key("Enabled", IN_CHECK, NULL, NULL, read_enabled);
  for (o = ep_core_options; *o && rc == 0; o++)
    if ((*o)->key)
      rc = add_key((*o)->key, where_of(*o, true), NULL, *o, NULL);
  for (i = 0; i < ep_probe_kinds_n && rc == 0; i++)
    for (o = ep_probe_kinds[i]->section->options; o && *o && rc == 0; o++)
      if ((*o)->key)
        rc =
          add_key((*o)->key, where_of(*o, false), ep_probe_kinds[i], *o, NULL);
  if (rc == 0)
    rc = add_key("Check", IN_PLUGIN, NULL, NULL, read_check);
  return rc;
}

/* Whether kind's block (NULL: the plugin level) takes k. */
static bool
takes(const struct key *k, const struct ep_probe_kind *kind)
{
  if (!kind)
    return k->where & IN_PLUGIN;
  return (k->where & IN_CHECK) && (!k->kind || k->kind == kind);
}

/* The key called name (any case) in kind's block (NULL: at the plugin
 * level), or NULL. */
static const struct key *
key_named(const char *name, const struct ep_probe_kind *kind)
{
  size_t i;

  for (i = 0; i < conf.n_keys; i++)
    if (takes(&conf.keys[i], kind) && strcasecmp(conf.keys[i].name, name) == 0)
      return &conf.keys[i];
  return NULL;
}

/* "WHAT (Profile, DNSServer, ..., <Check>)": the keys of kind's block
 * (NULL: of the plugin level), for a message. */
static void
list_keys(char *out, size_t size, const char *what,
          const struct ep_probe_kind *kind)
{
  size_t i, n = (size_t)snprintf(out, size, "%s (", what);

  for (i = 0; i < conf.n_keys && n < size; i++)
    if (takes(&conf.keys[i], kind))
      n += (size_t)snprintf(out + n, size - n,
                            conf.keys[i].read == read_check ? "%s<%s>" : "%s%s",
                            out[n - 1] == '(' ? "" : ", ", conf.keys[i].name);
  if (n < size)
    snprintf(out + n, size - n, ")");
}

/* Reads ci, a key of kind's block (NULL: of the plugin level), into b and
 * g. */
static int
read_key(const oconfig_item_t *ci, const struct ep_probe_kind *kind,
         struct check_block *b, struct givens *g)
{
  const struct key *k = key_named(ci->key, kind);
  char              what[64], why[512];

  if (k)
    return k->read ? k->read(ci, b) : give(ci, k->option, g);
  if (kind)
    snprintf(what, sizeof what, "not an option of <Check \"%s\">", kind->name);
  else
    snprintf(what, sizeof what, "unknown option");
  list_keys(why, sizeof why, what, kind);
  return config_fail(ci, why);
}

/* "expected <Check "dns">, "ntp", ... or "machines"": the registry's
 * checks, for a message. */
static void
list_checks(char *out, size_t size)
{
  size_t i, n = 0;

  for (i = 0; i < ep_probe_kinds_n && n < size; i++)
    n += (size_t)snprintf(out + n, size - n,
                          i == 0                     ? "expected <Check \"%s\">"
                          : i + 1 < ep_probe_kinds_n ? ", \"%s\""
                                                     : " or \"%s\"",
                          ep_probe_kinds[i]->name);
}

static struct check_block *
block_of(const struct ep_probe_kind *kind)
{
  size_t i;

  for (i = 0; i < conf.n_blocks; i++)
    if (conf.blocks[i].kind == kind)
      return &conf.blocks[i];
  return NULL;
}

/* A <Check "NAME"> block: a check of the registry, once, and the keys its
 * check takes. */
static int
read_check(const oconfig_item_t *ci, struct check_block *unused)
{
  const struct ep_probe_kind *kind = NULL;
  struct check_block         *b;
  char                        why[256];
  int                         i, rc = 0;

  (void)unused;
  if (ci->values_num == 1 && ci->values[0].type == OCONFIG_TYPE_STRING)
    kind = ep_probe_kind_named(ci->values[0].value.string);
  if (!kind) {
    list_checks(why, sizeof why);
    return config_fail(ci, why);
  }
  if (block_of(kind))
    return config_fail(ci, "a second block for the same check");
  if (!(b = realloc(conf.blocks, (conf.n_blocks + 1) * sizeof *b)))
    return config_fail(ci, "out of memory");
  conf.blocks = b;
  b = &conf.blocks[conf.n_blocks++];
  *b = (struct check_block){.kind = kind, .enabled = true};
  for (i = 0; i < ci->children_num && rc == 0; i++)
    rc = read_key(&ci->children[i], kind, b, &b->given);
  return rc;
}

static int
edgeprobe_config(oconfig_item_t *ci)
{
  int i, rc = 0;

  if (!conf.keys && make_keys() != 0)
    return config_fail(ci, "out of memory");
  ep_setting_names_by_key(&conf.names);
  for (i = 0; i < ci->children_num && rc == 0; i++)
    rc = read_key(&ci->children[i], NULL, NULL, &conf.given);
  return rc;
}

/* Lays the values of g over s, as given. */
static enum ep_status
apply(struct ep_settings *s, const struct givens *g, struct ep_err *err)
{
  size_t i;

  for (i = 0; i < g->n; i++)
    if (ep_settings_add(s, g->v[i].option, g->v[i].option->key, g->v[i].value,
                        err) != EP_OK)
      return err->code;
  return EP_OK;
}

/* The settings of one check: the plugin level's, then what its block
 * tunes.  Strings point into conf, which outlives every build. */
static enum ep_status
settings_for(struct ep_settings *s, const struct check_block *b,
             struct ep_err *err)
{
  ep_settings_init(s);
  s->names = &conf.names;
  if (apply(s, &conf.given, err) != EP_OK)
    return err->code;
  return b ? apply(s, &b->given, err) : EP_OK;
}

/* Builds one check's instance, every file read and checked.  NULL when it
 * cannot be: the reason in why when not NULL (a check that may well have
 * nothing to do), else logged. */
static struct instance *
build_instance(const struct ep_probe_kind *kind, const struct check_block *b,
               char *why, size_t why_size)
{
  const struct ep_probe_kind *kinds[1] = {kind};
  struct ep_settings          s;
  struct ep_err               err = EP_ERR_INIT;
  struct instance            *in = calloc(1, sizeof *in);
  double                      interval;

  if (!in) {
    ERROR(PLUGIN " plugin: out of memory");
    return NULL;
  }
  in->kind = kind;
  pthread_mutex_init(&in->lock, NULL);
  interval = b && b->interval > 0 ? b->interval
                                  : CDTIME_T_TO_DOUBLE(plugin_get_interval());
  in->interval = interval = ep_schedule_interval(kind, interval);
  ep_config_init(&in->cfg);
  /* Every file it names is read now: a bad one fails the start, with its
   * line, rather than every read later.  A read must end before the next
   * is due: collectd calls it on time. */
  if (settings_for(&s, b, &err) == EP_OK &&
      ep_config_build(&in->cfg, &s, ep_profile_sections, kinds, 1, &err) ==
        EP_OK &&
      ep_check_validate(&in->cfg, kinds, 1, &err) == EP_OK &&
      (s.timeout <= 0 ||
       ep_schedule_check_timeout(s.timeout, interval, conf.names.timeout,
                                 &err) == EP_OK)) {
    if (s.timeout <= 0)
      in->cfg.timeout = ep_schedule_timeout(in->cfg.timeout, interval);
    ep_settings_cleanup(&s);
    if ((in->memory = in->cfg.memory = ep_memory_new()))
      return in;
    ep_err_set(&err, EP_ENOMEM, "out of memory");
  }
  if (why)
    snprintf(why, why_size, "%s", err.msg);
  else
    ERROR(PLUGIN " plugin: %s check: %s", kind->name, err.msg);
  ep_settings_cleanup(&s);
  instance_free(in);
  return NULL;
}

static void
read_name(char *out, size_t size, const struct instance *in)
{
  snprintf(out, size, PLUGIN "-%s", in->kind->name);
}

/* Registers every instance's read, or none (it frees them on failure): a
 * configuration that fails in one check runs no check at all. */
static int
register_all(struct instance **ins, size_t n)
{
  char        name[64];
  user_data_t ud = {0};
  size_t      i, j;

  for (i = 0; i < n; i++) {
    read_name(name, sizeof name, ins[i]);
    ud.data = ins[i];
    ud.free_func = instance_free;
    /* On failure collectd itself frees the user data (5.8 and later). */
    if (plugin_register_complex_read(NULL, name, edgeprobe_read,
                                     DOUBLE_TO_CDTIME_T(ins[i]->interval),
                                     &ud) != 0) {
      ERROR(PLUGIN " plugin: cannot register the %s check's read",
            ins[i]->kind->name);
      for (j = 0; j < i; j++) {
        read_name(name, sizeof name, ins[j]);
        plugin_unregister_read(name);
      }
      for (j = i + 1; j < n; j++)
        instance_free(ins[j]);
      return -1;
    }
  }
  for (i = 0; i < n; i++) {
    double drift = ep_schedule_first_drift(ins[i]->kind,
                                           ins[i]->interval,
                                           EP_DRIFT_MIN_INTERVAL);

    INFO(PLUGIN " plugin: %s check every %g s, deadline %g s",
         ins[i]->kind->name, ins[i]->interval, ins[i]->cfg.timeout);
    if (drift > 0)
      INFO(PLUGIN " plugin: %s check: drift (frequency_offset) from %g s "
                  "after the first read",
           ins[i]->kind->name, drift);
  }
  return 0;
}

/* The whole checklist as the plugin level configures it (wanted, by
 * registry index, when not NULL): with every setting of that level (deciding
 * false), or only the profile and a Proxy, whose name the dns check
 * resolves too (deciding true: what the profile has something for, the
 * other settings being each check's to refuse, naming it).  false when it
 * cannot be built: err says why. */
static bool
build_checklist(bool deciding, bool *wanted, struct ep_err *err)
{
  struct ep_settings s;
  struct ep_config   all;
  bool               ok = true;
  size_t             i;

  ep_settings_init(&s);
  s.names = &conf.names;
  for (i = 0; i < conf.given.n && ok; i++)
    if (!deciding || strcmp(conf.given.v[i].option->name, "profile") == 0 ||
        strcmp(conf.given.v[i].option->name, "proxy") == 0)
      ok =
        ep_settings_add(&s, conf.given.v[i].option, conf.given.v[i].option->key,
                        conf.given.v[i].value, err) == EP_OK;
  ep_config_init(&all);
  ok = ok && ep_config_build(&all, &s, ep_profile_sections, ep_probe_kinds,
                             ep_probe_kinds_n, err) == EP_OK;
  for (i = 0; wanted && i < ep_probe_kinds_n; i++)
    wanted[i] = ok && ep_config_check(&all, ep_probe_kinds[i])->wanted;
  ep_config_cleanup(&all);
  ep_settings_cleanup(&s);
  return ok;
}

/* Whether b names targets of its own: its check runs on them, whatever
 * the profile has. */
static bool
has_targets(const struct check_block *b)
{
  size_t i;

  for (i = 0; b && i < b->given.n; i++)
    if (b->given.v[i].option == &ep_option_hosts)
      return true;
  return false;
}

/* What the start decides, by registry index: each check's instance when
 * it runs, else why it does not. */
struct plan {
  struct instance **ins;
  char (*why)[EP_ERR_MSG_MAX];
  bool *wanted; /* what the profile has something for */
};

static void
plan_free(struct plan *p)
{
  free(p->ins);
  free(p->why);
  free(p->wanted);
}

/* Why kind's check, which the profile has nothing for, does not run:
 * its kind's own words when it has some ("the profile lists no
 * machines"), else what its build said, already in why. */
static void
idle_why(char *why, const struct ep_probe_kind *kind)
{
  if (kind->report && kind->report->not_run_why)
    snprintf(why, EP_ERR_MSG_MAX, "%s", kind->report->not_run_why);
}

/* Builds the checks that run, into p->ins, and says why each other does
 * not, in p->why.  -1, the reason logged, when the configuration cannot
 * run as written. */
static int
build_checks(struct plan *p)
{
  bool          any_targets = false, profiled;
  struct ep_err err = EP_ERR_INIT;
  size_t        i;

  for (i = 0; i < conf.n_blocks; i++)
    any_targets |= conf.blocks[i].enabled && has_targets(&conf.blocks[i]);
  /* A profile of nothing still serves the checks whose blocks name their
   * targets. */
  profiled = build_checklist(true, p->wanted, &err);
  if (!profiled && !any_targets) {
    ERROR(PLUGIN " plugin: %s", err.msg);
    return -1;
  }
  for (i = 0; i < ep_probe_kinds_n; i++) {
    const struct check_block *b = block_of(ep_probe_kinds[i]);
    bool                      idle = !p->wanted[i] && !has_targets(b);

    if (b && !b->enabled)
      snprintf(p->why[i], EP_ERR_MSG_MAX, "turned off (Enabled false)");
    else if (!(p->ins[i] = build_instance(ep_probe_kinds[i], b,
                                          idle ? p->why[i] : NULL,
                                          EP_ERR_MSG_MAX))) {
      if (!idle)
        return -1;
      idle_why(p->why[i], ep_probe_kinds[i]);
    }
  }
  /* A setting no running check took is checked all the same (a
   * MachineInterface without machines). */
  if (profiled && !build_checklist(false, NULL, &err)) {
    ERROR(PLUGIN " plugin: %s", err.msg);
    return -1;
  }
  return 0;
}

/* Registers the reads of p's checks, then says why each other does not
 * run.  -1, the reason logged, when one cannot be registered. */
static int
start_checks(struct plan *p)
{
  struct instance **run = calloc(ep_probe_kinds_n + 1, sizeof *run);
  size_t            i, n = 0;

  if (!run) {
    ERROR(PLUGIN " plugin: out of memory");
    return -1;
  }
  for (i = 0; i < ep_probe_kinds_n; i++)
    if (p->ins[i])
      run[n++] = p->ins[i];
  memset(p->ins, 0, ep_probe_kinds_n * sizeof *p->ins); /* collectd's now */
  if (register_all(run, n) != 0) {
    free(run);
    return -1;
  }
  free(run);
  for (i = 0; i < ep_probe_kinds_n; i++)
    if (p->why[i][0])
      NOTICE(PLUGIN " plugin: %s check not run: %s", ep_probe_kinds[i]->name,
             p->why[i]);
  return 0;
}

static int
edgeprobe_init(void)
{
  struct plan   p;
  struct ep_err err = EP_ERR_INIT;
  size_t        i;
  int           rc = -1;

  if (conf.inited)
    return 0;
  if (ep_global_init(ep_probe_kinds, ep_probe_kinds_n, &err) != EP_OK) {
    ERROR(PLUGIN " plugin: %s", err.msg);
    return -1;
  }
  conf.inited = true;
  p.ins = calloc(ep_probe_kinds_n + 1, sizeof *p.ins);
  p.why = calloc(ep_probe_kinds_n + 1, sizeof *p.why);
  p.wanted = calloc(ep_probe_kinds_n + 1, sizeof *p.wanted);
  /* Without a <Plugin edgeprobe> block, its keys are made here. */
  if (!p.ins || !p.why || !p.wanted || (!conf.keys && make_keys() != 0))
    ERROR(PLUGIN " plugin: out of memory");
  else {
    ep_setting_names_by_key(&conf.names);
    rc = build_checks(&p) == 0 ? start_checks(&p) : -1;
  }
  for (i = 0; p.ins && i < ep_probe_kinds_n; i++)
    instance_free(p.ins[i]);
  plan_free(&p);
  return rc;
}

static int
edgeprobe_shutdown(void)
{
  size_t i;

  /* collectd has stopped the reads: nothing runs a probe any more. */
  if (conf.inited)
    ep_global_cleanup(ep_probe_kinds, ep_probe_kinds_n);
  for (i = 0; i < conf.n_blocks; i++)
    givens_free(&conf.blocks[i].given);
  free(conf.blocks);
  givens_free(&conf.given);
  free(conf.keys);
  memset(&conf, 0, sizeof conf);
  return 0;
}

void
module_register(void)
{
  plugin_register_complex_config(PLUGIN, edgeprobe_config);
  plugin_register_init(PLUGIN, edgeprobe_init);
  plugin_register_shutdown(PLUGIN, edgeprobe_shutdown);
}
